//! Screen: step through a recorded exercise round by round, as control or as any seat,
//! and fork a new exercise from the start of any round.

use std::sync::Arc;

use bevy::prelude::*;
use bevy_egui::{
    EguiContexts, EguiPrimaryContextPass,
    egui::{self, RichText},
};

use super::panels;
use super::widgets::*;
use crate::app::intent::{Intent, Replay};
use crate::app::screen::Screen;
use crate::app::session::Viewing;
use cbm_ttx_core::engine::history::through_round;
use cbm_ttx_core::engine::{Seat, SeatView, disclose, evaluate_all};
use cbm_ttx_core::narrate::{Narrator, Record, Texts};
use cbm_ttx_core::scenario::Lang;

pub fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        draw.run_if(in_state(Screen::Replay)).in_set(super::Draw),
    );
}

fn draw(
    mut contexts: EguiContexts,
    replay: Option<Res<Replay>>,
    mut out: MessageWriter<Intent>,
) -> Result {
    let Some(rp) = replay else { return Ok(()) };
    let ctx = contexts.ctx_mut()?.clone();
    out.write_batch(show(&ctx, &rp));
    Ok(())
}

/// A recorded exercise, round by round, as control or a seat saw it.
pub fn show(ctx: &egui::Context, rp: &Replay) -> Vec<Intent> {
    let mut root = root_ui(ctx);
    let ui = &mut root;
    let scenario = rp.scenario.clone();
    let lang = rp
        .loaded
        .settings()
        .map(|s| s.lang)
        .or(scenario.languages.first().copied())
        .unwrap_or(Lang::En);
    let seat = match rp.viewing {
        Viewing::Control => Seat::Control,
        Viewing::Seat(s) => s,
    };
    let record = through_round(&rp.events, rp.round);
    let held = if seat == Seat::Control {
        scenario.clone()
    } else {
        Arc::new(disclose::public(&scenario))
    };
    let view = SeatView::build(&scenario, held, seat, record);
    let full = Record {
        scenario: &scenario,
        events: record,
    };
    // Control reads the whole record; a seat only what it saw.
    let texts: &dyn Texts = if seat == Seat::Control { &full } else { &view };
    let n = Narrator::new(texts, lang);
    let last = rp.last_round();
    let mut intents = Vec::new();
    if !ctx.text_edit_focused() {
        if ctx.input(|i| i.key_pressed(egui::Key::ArrowLeft)) && rp.round > 1 {
            intents.push(Intent::ReplayRound(rp.round - 1));
        }
        if ctx.input(|i| i.key_pressed(egui::Key::ArrowRight)) && rp.round < last {
            intents.push(Intent::ReplayRound(rp.round + 1));
        }
    }
    egui::Panel::top("replay-top").show(ui, |ui| {
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            if button(ui, "‹ Scenarios") {
                intents.push(Intent::CloseExercise);
            }
            ui.label(
                RichText::new(format!("Replay — {}", scenario.title.get(lang)))
                    .size(20.0)
                    .strong(),
            );
            ui.label(muted(rp.loaded.path.display().to_string()));
        });
        ui.horizontal_wrapped(|ui| {
            if button_if(
                ui,
                if rp.round > 1 {
                    Ok(())
                } else {
                    Err("first round")
                },
                "‹ Previous round",
            ) {
                intents.push(Intent::ReplayRound(rp.round - 1));
            }
            let title = scenario
                .rounds
                .get(rp.round as usize - 1)
                .map(|r| r.title.get(lang))
                .unwrap_or("");
            let title = title.to_owned();
            ui.label(
                RichText::new(format!("Round {} of {last}: {title}", rp.round))
                    .size(18.0)
                    .strong(),
            );
            if button_if(
                ui,
                if rp.round < last {
                    Ok(())
                } else {
                    Err("last round played")
                },
                "Next round ›",
            ) {
                intents.push(Intent::ReplayRound(rp.round + 1));
            }
            ui.separator();
            ui.label("As seen by:");
            let mut chosen = rp.viewing;
            let current = match rp.viewing {
                Viewing::Control => "Exercise control".to_owned(),
                Viewing::Seat(s) => n.seat(s),
            };
            combo(ui, "replay-seat", current, 240.0, |ui| {
                choice(ui, &mut chosen, Viewing::Control, "Exercise control");
                for s in Seat::all_player_seats(&scenario) {
                    choice(ui, &mut chosen, Viewing::Seat(s), n.seat(s));
                }
            });
            if chosen != rp.viewing {
                intents.push(Intent::ReplayView(chosen));
            }
            ui.separator();
            if primary(ui, true, format!("Fork: play round {} again", rp.round)) {
                intents.push(Intent::Fork);
            }
        });
        ui.add_space(6.0);
    });
    egui::CentralPanel::default().show(ui, |ui| {
        columns3(
            ui,
            520.0,
            420.0,
            Fold::RightIntoLeft,
            |ui| {
                card(ui, &format!("What happened in round {}", rp.round), |ui| {
                    for e in view.events.iter().filter(|e| e.round == rp.round) {
                        let Some(line) = n.line(e) else { continue };
                        ui.horizontal_wrapped(|ui| {
                            chip(ui, line.kind.label(), OTHER);
                            ui.label(&line.title);
                        });
                        if let Some(b) = &line.body {
                            ui.label(b);
                        }
                    }
                });
            },
            |ui| match seat {
                Seat::Control | Seat::Observer => {
                    card(ui, &format!("Objectives after round {}", rp.round), |ui| {
                        panels::objectives(ui, &scenario, lang, &evaluate_all(&scenario, record));
                    });
                    ui.add_space(6.0);
                    card(ui, "Tension", |ui| {
                        panels::tension_table(ui, &n, &view.tension, 15.0)
                    });
                }
                _ => {
                    card(ui, "What this seat knew", |ui| panels::facts(ui, &n, &view));
                    ui.add_space(6.0);
                    card(ui, "Messages", |ui| panels::messages(ui, &n, &view));
                    ui.add_space(6.0);
                    card(ui, "Contact-point directory", |ui| {
                        panels::directory(ui, &n, &view)
                    });
                }
            },
            |ui| {
                card(ui, "Tension over the rounds", |ui| {
                    panels::tension_chart(ui, &n, &view, 300.0, "replay-chart")
                });
            },
        );
    });
    intents
}
