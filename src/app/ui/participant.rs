//! Screen: a participant who joined over the network — connecting, choosing a seat,
//! then the seat's own view (the same panels as the hot seat).

use bevy::prelude::*;
use bevy_egui::{
    EguiContexts, EguiPrimaryContextPass,
    egui::{self, RichText},
};

use super::widgets::*;
use crate::app::inputs::SeatInput;
use crate::app::intent::Intent;
use crate::app::screen::Screen;
use crate::net::client::{LanClient, Outgoing, Status};
use cbm_ttx_core::narrate::Narrator;

/// The participant's own unsent input (cleared when leaving the session).
#[derive(Resource, Debug, Default)]
pub struct ParticipantInput(pub SeatInput);

pub fn plugin(app: &mut App) {
    app.init_resource::<ParticipantInput>().add_systems(
        EguiPrimaryContextPass,
        draw.run_if(in_state(Screen::Participant))
            .in_set(super::Draw),
    );
}

fn draw(
    mut contexts: EguiContexts,
    client: Option<Res<LanClient>>,
    mut input: ResMut<ParticipantInput>,
    time: Res<Time<Real>>,
    mut out: MessageWriter<Intent>,
    mut send: MessageWriter<Outgoing>,
) -> Result {
    let ctx = contexts.ctx_mut()?.clone();
    let intents = show(
        &ctx,
        client.as_deref(),
        &mut input.0,
        time.elapsed_secs_f64(),
    );
    let seat = client.as_ref().and_then(|c| c.seat);
    // The seat's own commands go to the host; the rest are the app's.
    for i in intents {
        match i {
            Intent::Command(s, cmd) if Some(s) == seat => {
                send.write(Outgoing(cmd));
            }
            Intent::Command(..) => {}
            other => {
                out.write(other);
            }
        }
    }
    Ok(())
}

/// The participant's screen: connecting, choosing a seat, then the seat's view.
/// `now`: seconds on the clock `LanClient::clock` was stamped with.
pub fn show(
    ctx: &egui::Context,
    client: Option<&LanClient>,
    input: &mut SeatInput,
    now: f64,
) -> Vec<Intent> {
    let mut root = root_ui(ctx);
    let ui = &mut root;
    let mut intents = Vec::new();
    let Some(c) = client else {
        egui::CentralPanel::default().show(ui, |ui| {
            ui.label("Not connected.");
            if button(ui, "‹ Back") {
                intents.push(Intent::LeaveLan);
            }
        });
        return intents;
    };
    let addr = c.addr.map(|a| a.to_string()).unwrap_or_default();
    egui::Panel::top("participant-top").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            if button(ui, "‹ Leave") {
                intents.push(Intent::LeaveLan);
            }
            ui.label(RichText::new("cbm-ttx").strong().color(ACCENT));
            ui.label(muted(format!("connected to {addr} · code {}", c.code)));
            if let Some(v) = &c.view {
                let title = v
                    .round_info(v.round)
                    .map(|r| r.title.get(c.lang))
                    .unwrap_or("not started");
                ui.separator();
                ui.label(
                    RichText::new(format!(
                        "Round {} of {} · {} · {}",
                        v.round,
                        v.scenario().round_count(),
                        title,
                        cbm_ttx_core::narrate::Narrator::new(v, c.lang).phase_of(v)
                    ))
                    .size(16.0),
                );
            }
        });
        match &c.status {
            Status::Lost => {
                ui.label(
                    RichText::new("Connection lost. Reconnecting… your seat is kept for you.")
                        .color(WARN)
                        .strong(),
                );
            }
            _ => {
                if let Some(r) = &c.refused {
                    ui.label(RichText::new(format!("Refused: {r}")).color(BAD));
                }
            }
        }
        ui.add_space(4.0);
    });
    match &c.status {
        Status::Connecting => {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.vertical_centered(|ui| {
                    ui.add_space(120.0);
                    ui.label(RichText::new(format!("Connecting to {addr}…")).size(22.0));
                    ui.label(muted("Check the address and that you are on the same network as the facilitator."));
                });
            });
        }
        Status::Denied(why) => {
            egui::CentralPanel::default().show(ui, |ui| {
                ui.vertical_centered(|ui| {
                    ui.add_space(120.0);
                    ui.label(
                        RichText::new("The host turned this connection down")
                            .size(22.0)
                            .color(BAD),
                    );
                    ui.label(RichText::new(why).size(18.0));
                    if button(ui, "Back to the start") {
                        intents.push(Intent::LeaveLan);
                    }
                });
            });
        }
        Status::Choosing {
            title,
            seats,
            reason,
        } => {
            egui::CentralPanel::default().show(ui, |ui| {
                card(ui, &format!("Choose your seat — {title}"), |ui| {
                    if let Some(r) = reason {
                        ui.label(RichText::new(r).color(WARN));
                    }
                    for s in seats {
                        ui.horizontal_wrapped(|ui| {
                            if s.taken {
                                ui.label(muted(format!("{} — taken", s.label)));
                            } else if button(ui, format!("Take: {}", s.label)) {
                                intents.push(Intent::ClaimSeat(s.key.clone()));
                            }
                        });
                    }
                });
            });
        }
        Status::Seated | Status::Lost => {
            if let Some(view) = &c.view {
                let n = Narrator::new(view, c.lang);
                let clock = c.clock.zip(c.clock_left(now)).map(|((state, _), left)| {
                    cbm_ttx_core::session::RoundClock {
                        length: std::time::Duration::from_millis(state.length_ms),
                        remaining: left,
                        running: state.running,
                    }
                });
                super::console::seat_view(ui, &n, clock, view, input, &mut intents);
            }
        }
    }
    intents
}
