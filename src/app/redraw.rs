//! When the app draws: the one owner of bevy's update mode.
//!
//! Laptops on battery should not redraw without a reason: the app sleeps until input,
//! and wakes once a second while a round clock runs on screen. Network packets do not
//! wake a sleeping event loop, so while hosting (LAN or browsers) or joined it
//! updates every 50 ms. Any
//! change the user caused (an intent, a new screen, a new event in the exercise) is
//! followed by one more frame at once, so the result shows without waiting for the
//! next input; so is a frame that added glyphs to egui's font atlas (they show only
//! in the frame after).

use std::time::Duration;

use bevy::prelude::*;
use bevy::window::RequestRedraw;
use bevy::winit::{UpdateMode, WinitSettings};

use super::intent::Intent;
use super::screen::Screen;
use crate::exercise::Exercise;
use crate::net::client::LanClient;
use crate::net::host::LanHost;
use crate::web::WebHost;

/// While the network is in use: often enough for commands and events to flow.
pub const NETWORK_TICK: Duration = Duration::from_millis(50);
/// While a round clock runs: once a second.
pub const CLOCK_TICK: Duration = Duration::from_secs(1);
/// Otherwise: only on input (and a slow heartbeat).
pub const IDLE_TICK: Duration = Duration::from_secs(5);

pub struct RedrawPlugin;

impl Plugin for RedrawPlugin {
    fn build(&self, app: &mut App) {
        app.insert_resource(WinitSettings {
            focused_mode: UpdateMode::reactive_low_power(IDLE_TICK),
            unfocused_mode: UpdateMode::reactive_low_power(Duration::from_secs(30)),
        })
        .add_systems(Last, (update_mode, redraw_after_change))
        .add_systems(
            PostUpdate,
            redraw_after_new_glyphs
                .after(bevy_egui::EguiPostUpdateSet::ProcessOutput)
                .before(bevy_egui::EguiPostUpdateSet::PostProcessOutput),
        );
    }
}

/// One more frame when egui's textures changed (text in a size, scale or digit not
/// drawn before adds glyphs to the font atlas): the new atlas reaches the GPU a frame
/// late, so this frame shows those glyphs blank ("01: 9" on a round clock). Without
/// a frame right after, that would stay on screen until the next tick, a second while
/// a clock runs.
fn redraw_after_new_glyphs(
    outputs: Query<&bevy_egui::EguiRenderOutput>,
    mut redraw: MessageWriter<RequestRedraw>,
) {
    if outputs.iter().any(|o| !o.textures_delta.set.is_empty()) {
        redraw.write(RequestRedraw);
    }
}

/// The update mode for what the app is doing now.
pub fn wanted_mode(network: bool, clock_running: bool) -> (UpdateMode, UpdateMode) {
    if network {
        let m = UpdateMode::reactive(NETWORK_TICK);
        (m, m)
    } else if clock_running {
        let m = UpdateMode::reactive_low_power(CLOCK_TICK);
        (m, m)
    } else {
        (
            UpdateMode::reactive_low_power(IDLE_TICK),
            UpdateMode::reactive_low_power(Duration::from_secs(30)),
        )
    }
}

fn update_mode(
    host: Option<Res<LanHost>>,
    client: Option<Res<LanClient>>,
    web: Option<Res<WebHost>>,
    exercise: Option<Res<Exercise>>,
    winit: Option<ResMut<WinitSettings>>,
) {
    let Some(mut w) = winit else { return };
    let clock = exercise
        .and_then(|e| e.session.clock())
        .is_some_and(|c| c.running);
    let (focused, unfocused) =
        wanted_mode(host.is_some() || client.is_some() || web.is_some(), clock);
    if w.focused_mode != focused || w.unfocused_mode != unfocused {
        w.focused_mode = focused;
        w.unfocused_mode = unfocused;
    }
}

/// One more frame right after anything changed: an intent (handled in the next
/// frame's Update), a screen change still pending (applied in the frame after), a
/// new screen, a new event in the exercise or a question to confirm. Without this the
/// result of a click would show only at the next input or heartbeat.
#[allow(clippy::too_many_arguments)]
pub fn redraw_after_change(
    mut intents: MessageReader<Intent>,
    screen: Res<State<Screen>>,
    next: Res<NextState<Screen>>,
    exercise: Option<Res<Exercise>>,
    confirming: Option<Res<super::intent::Confirming>>,
    mut seen: Local<(usize, Option<Screen>, bool)>,
    mut redraw: MessageWriter<RequestRedraw>,
) {
    let events = exercise.map(|e| e.session.events().len()).unwrap_or(0);
    let asking = confirming.is_some_and(|c| c.0.is_some());
    let pending = !matches!(*next, NextState::Unchanged);
    let now = (events, Some(*screen.get()), asking);
    let changed = intents.read().count() > 0 || pending || *seen != now;
    *seen = now;
    if changed {
        redraw.write(RequestRedraw);
    }
}
