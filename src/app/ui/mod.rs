//! egui screens. Each screen is one plugin with one system that draws it from the
//! library or the session and writes [`Intent`]s; panels live in [`panels`].

pub mod board;
pub mod debrief;
pub mod exercise;
pub mod lobby;
pub mod panels;
pub mod participant;
pub mod picker;
pub mod replay;
pub mod widgets;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

use super::screen::Screen;

/// UI state that lives between frames but is not part of any exercise.
#[derive(Resource, Debug)]
pub struct UiState {
    pub scale: f32,
    pub path_input: String,
    pub composer: panels::Composer,
    pub console_tab: exercise::Tab,
    pub adjust: exercise::Adjust,
    pub adhoc: exercise::AdHoc,
    pub note: String,
    pub show_help: bool,
    pub export: Option<Result<String, String>>,
    pub join_addr: String,
    pub join_code: String,
    pub join_name: String,
}

impl Default for UiState {
    fn default() -> Self {
        UiState {
            scale: 1.0,
            path_input: String::new(),
            composer: Default::default(),
            console_tab: exercise::Tab::Discussion,
            adjust: Default::default(),
            adhoc: Default::default(),
            note: String::new(),
            show_help: false,
            export: None,
            join_addr: String::new(),
            join_code: String::new(),
            join_name: String::new(),
        }
    }
}

pub struct ScreensPlugin;

impl Plugin for ScreensPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<UiState>()
            .add_systems(Startup, init_scale)
            .add_systems(
                PreUpdate,
                drop_unchanged_modifiers
                    .after(bevy_egui::EguiPreUpdateSet::ProcessInput)
                    .before(bevy_egui::EguiPreUpdateSet::BeginPass),
            )
            .add_systems(
                EguiPrimaryContextPass,
                (
                    style,
                    picker::draw.run_if(in_state(Screen::Picker)),
                    lobby::draw.run_if(in_state(Screen::Lobby)),
                    exercise::draw.run_if(in_state(Screen::Exercise)),
                    board::draw.run_if(in_state(Screen::Board)),
                    debrief::draw.run_if(in_state(Screen::Debrief)),
                    replay::draw.run_if(in_state(Screen::Replay)),
                    participant::draw.run_if(in_state(Screen::Participant)),
                    explain_repaints.run_if(|| std::env::var_os("CBM_TTX_DEBUG_REPAINT").is_some()),
                )
                    .chain(),
            );
    }
}

fn init_scale(mut ui: ResMut<UiState>, options: Option<Res<super::AppOptions>>) {
    if let Some(o) = options
        && o.scale > 0.0
    {
        ui.scale = o.scale;
    }
}

/// Style and UI scale (Ctrl + / Ctrl − / Ctrl 0), for projectors and small laptops.
fn style(mut contexts: EguiContexts, mut ui: ResMut<UiState>, mut done: Local<bool>) -> Result {
    let ctx = contexts.ctx_mut()?;
    if !*done {
        widgets::apply_style(ctx);
        *done = true;
    }
    let (plus, minus, reset) = ctx.input(|i| {
        (
            i.modifiers.command
                && (i.key_pressed(egui::Key::Plus) || i.key_pressed(egui::Key::Equals)),
            i.modifiers.command && i.key_pressed(egui::Key::Minus),
            i.modifiers.command && i.key_pressed(egui::Key::Num0),
        )
    });
    if plus {
        ui.scale = (ui.scale + 0.1).min(2.5);
    }
    if minus {
        ui.scale = (ui.scale - 0.1).max(0.6);
    }
    if reset {
        ui.scale = 1.0;
    }
    if (ctx.zoom_factor() - ui.scale).abs() > 0.001 {
        ctx.set_zoom_factor(ui.scale);
    }
    Ok(())
}

use bevy_egui::egui;

/// bevy_egui 0.42 reports the keyboard modifiers as an input event on every frame,
/// and egui repaints immediately after any input event: the app would redraw
/// continuously (a whole core on a laptop). Only changes are passed on.
fn drop_unchanged_modifiers(
    mut inputs: Query<&mut bevy_egui::EguiInput>,
    mut last: Local<Option<egui::Modifiers>>,
) {
    for mut input in &mut inputs {
        input.events.retain(|e| match e {
            egui::Event::ModifiersChanged(m) if *last == Some(*m) => false,
            egui::Event::ModifiersChanged(m) => {
                *last = Some(*m);
                true
            }
            _ => true,
        });
    }
}

/// With CBM_TTX_DEBUG_REPAINT set: log why egui asked for another frame (laptops on
/// battery should see no repaint without input).
fn explain_repaints(mut contexts: EguiContexts) -> Result {
    let ctx = contexts.ctx_mut()?;
    let causes = ctx.repaint_causes();
    if !causes.is_empty() {
        let events = ctx.input(|i| format!("{:?}", i.raw.events));
        info!("egui repaint causes: {causes:?}; input events: {events}");
    }
    Ok(())
}
