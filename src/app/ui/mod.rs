//! egui screens. Each screen is one plugin with one system that draws it from the
//! library or the session and writes [`Intent`]s; panels live in [`panels`].

pub mod board;
pub mod debrief;
pub mod exercise;
pub mod lobby;
pub mod panels;
pub mod picker;
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
        }
    }
}

pub struct ScreensPlugin;

impl Plugin for ScreensPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<UiState>()
            .add_systems(Startup, init_scale)
            .add_systems(
                EguiPrimaryContextPass,
                (
                    style,
                    picker::draw.run_if(in_state(Screen::Picker)),
                    lobby::draw.run_if(in_state(Screen::Lobby)),
                    exercise::draw.run_if(in_state(Screen::Exercise)),
                    board::draw.run_if(in_state(Screen::Board)),
                    debrief::draw.run_if(in_state(Screen::Debrief)),
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
