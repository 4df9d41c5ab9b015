//! Screen 2: who sits where, the round clock, the seed and the language.

use bevy::prelude::*;
use bevy_egui::{
    EguiContexts,
    egui::{self, RichText},
};

use super::widgets::*;
use crate::app::intent::{Draft, Intent};
use cbm_ttx_core::engine::Seat;
use cbm_ttx_core::narrate::Narrator;

pub fn draw(
    mut contexts: EguiContexts,
    draft: Option<ResMut<Draft>>,
    lan: Option<Res<crate::net::host::LanHost>>,
    session: Option<ResMut<crate::app::session::Session>>,
    mut out: MessageWriter<Intent>,
) -> Result {
    let Some(mut draft) = draft else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = root_ui(&ctx);
    let ui = &mut root;
    let mut intents = Vec::new();
    let scenario = draft.scenario.clone();
    let n = Narrator::new(&scenario, draft.lang);
    egui::Panel::top("lobby-top").show(ui, |ui| {
        ui.add_space(6.0);
        ui.horizontal(|ui| {
            if button(ui, "‹ Scenarios") {
                intents.push(Intent::BackToPicker);
            }
            ui.label(
                RichText::new(format!("Lobby — {}", scenario.title.get(draft.lang)))
                    .size(22.0)
                    .strong(),
            );
        });
        ui.add_space(6.0);
    });
    egui::Panel::right("lobby-settings")
        .exact_size(360.0)
        .show(ui, |ui| {
            card(ui, "Settings", |ui| {
                egui::Grid::new("lobby-grid")
                    .num_columns(2)
                    .spacing([10.0, 8.0])
                    .show(ui, |ui| {
                        ui.label("Round clock");
                        ui.add(egui::Slider::new(&mut draft.round_minutes, 0..=60).suffix(" min"));
                        ui.end_row();
                        ui.label("");
                        ui.label(muted("0 = no clock; the facilitator closes each round."));
                        ui.end_row();
                        ui.label("Seed");
                        ui.add(egui::DragValue::new(&mut draft.seed));
                        ui.end_row();
                        ui.label("");
                        ui.label(muted("Same seed and choices: same outcomes (for replays)."));
                        ui.end_row();
                        ui.label("Language");
                        let mut lang = draft.lang;
                        egui::ComboBox::from_id_salt("lang")
                            .selected_text(lang.native_name())
                            .show_ui(ui, |ui| {
                                for l in &scenario.languages {
                                    ui.selectable_value(&mut lang, *l, l.native_name());
                                }
                            });
                        if lang != draft.lang {
                            intents.push(Intent::SetLanguage(lang));
                        }
                        ui.end_row();
                        ui.label("Journal");
                        ui.checkbox(&mut draft.journal, "record to disk (resume after a crash)");
                        ui.end_row();
                    });
            });
            ui.add_space(12.0);
            let seated = draft
                .names
                .iter()
                .filter(|(_, name)| !name.trim().is_empty())
                .count();
            ui.label(muted(format!(
                "{seated} seat(s) named. Unnamed seats can still be played in hot-seat mode."
            )));
            ui.add_space(6.0);
            card(ui, "Participants on their own laptops", |ui| match &lan {
                Some(h) => {
                    ui.label(RichText::new(format!("Join code: {}", h.code)).size(22.0).strong().color(ACCENT));
                    for ip in crate::net::local_addresses() {
                        ui.label(RichText::new(format!("cbm-ttx join {ip}:{} --code {}", h.port, h.code)).monospace());
                    }
                    ui.label(muted(format!("UDP port {} must be open on this machine's firewall.", h.port)));
                    let joined = session.as_ref().map(|s| s.game.state().seats.clone()).unwrap_or_default();
                    if joined.is_empty() {
                        ui.label(muted("Nobody has joined yet."));
                    }
                    for (seat, name) in joined {
                        ui.label(format!("✔ {} — {name}", seat.label(&scenario, draft.lang)));
                    }
                    let s = h.stats;
                    if s.malformed + s.oversized + s.flooded + s.denied > 0 {
                        ui.label(muted(format!(
                            "dropped: {} malformed, {} oversized, {} flooding; {} refused entry",
                            s.malformed, s.oversized, s.flooded, s.denied
                        )));
                    }
                }
                None => {
                    ui.label(muted("Let participants join from their laptops on this network (LAN, no internet needed)."));
                    if button(ui, "Host on the network") {
                        intents.push(Intent::HostLan);
                    }
                }
            });
            ui.add_space(6.0);
            if primary(ui, true, "Start the exercise  »") {
                intents.push(Intent::StartExercise);
            }
        });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            card(ui, "Seats", |ui| {
                ui.label(muted(
                    "Give each State team (or each national body, for larger groups) a participant or team name. Names go into the journal and the report (which can anonymise them).",
                ));
                ui.add_space(6.0);
                let names = &mut draft.names;
                egui::Grid::new("seats").striped(true).num_columns(2).spacing([12.0, 6.0]).show(ui, |ui| {
                    for (seat, name) in names.iter_mut() {
                        match seat {
                            Seat::State(s) => {
                                ui.label(RichText::new(n.state(*s)).strong().size(16.0));
                            }
                            Seat::Body(b) => {
                                ui.label(format!("      {}", n.body(*b)));
                            }
                            _ => {
                                ui.label("");
                            }
                        }
                        ui.add(egui::TextEdit::singleline(name).hint_text("participant or team").desired_width(280.0));
                        ui.end_row();
                    }
                });
            });
        });
    });
    out.write_batch(intents);
    Ok(())
}
