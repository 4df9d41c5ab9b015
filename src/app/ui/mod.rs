//! egui screens, one plugin per screen in its own file (in the style of
//! bevy_new_2d): each draws from what its reader may see and writes [`Intent`]s.
//! Panels shared by screens live in [`panels`], small widgets in [`widgets`].
//!
//! [`Intent`]: crate::app::Intent

pub mod board;
pub mod confirm;
pub mod console;
pub mod hotwash;
pub mod lobby;
pub mod panels;
pub mod participant;
pub mod picker;
pub mod probe;
pub mod replay;
pub mod widgets;

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass};

/// The UI scale (1.0 = 100 %): `--scale`, Ctrl + / Ctrl − / Ctrl 0.
#[derive(Resource, Debug)]
pub struct UiScale(pub f32);

impl Default for UiScale {
    fn default() -> Self {
        UiScale(1.0)
    }
}

pub struct ScreensPlugin;

/// The screens' drawing systems (after the style, before the dialogs and the probe).
#[derive(SystemSet, Clone, Debug, PartialEq, Eq, Hash)]
pub struct Draw;

impl Plugin for ScreensPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<UiScale>()
            .add_systems(Startup, init_scale)
            .add_systems(
                PreUpdate,
                drop_unchanged_modifiers
                    .after(bevy_egui::EguiPreUpdateSet::ProcessInput)
                    .before(bevy_egui::EguiPreUpdateSet::BeginPass),
            )
            .configure_sets(EguiPrimaryContextPass, Draw.after(style))
            .add_systems(
                EguiPrimaryContextPass,
                (
                    style,
                    explain_repaints
                        .after(style)
                        .run_if(|| std::env::var_os("CBM_TTX_DEBUG_REPAINT").is_some()),
                    confirm::draw.after(Draw),
                    probe::write.after(confirm::draw).run_if(probe::enabled),
                ),
            )
            .add_plugins((
                picker::plugin,
                lobby::plugin,
                console::plugin,
                board::plugin,
                hotwash::plugin,
                replay::plugin,
                participant::plugin,
            ));
    }
}

fn init_scale(mut scale: ResMut<UiScale>, options: Option<Res<super::AppOptions>>) {
    if let Some(o) = options
        && o.scale > 0.0
    {
        scale.0 = o.scale;
    }
}

/// Style and UI scale (Ctrl + / Ctrl − / Ctrl 0), for projectors and small laptops.
pub(crate) fn style(
    mut contexts: EguiContexts,
    mut scale: ResMut<UiScale>,
    mut done: Local<bool>,
) -> Result {
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
        scale.0 = (scale.0 + 0.1).min(2.5);
    }
    if minus {
        scale.0 = (scale.0 - 0.1).max(0.6);
    }
    if reset {
        scale.0 = 1.0;
    }
    if (ctx.zoom_factor() - scale.0).abs() > 0.001 {
        ctx.set_zoom_factor(scale.0);
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
