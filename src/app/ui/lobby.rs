//! Screen 2: who sits where, the round clock, the seed and the language.

use bevy::prelude::*;
use bevy_egui::{
    EguiContexts, EguiPrimaryContextPass,
    egui::{self, RichText},
};

use super::widgets::*;
use crate::app::intent::{Intent, Lobby};
use crate::app::screen::Screen;
use crate::exercise::Exercise;
use crate::net::host::LanHost;
use crate::net::seats::SeatRegistry;
use cbm_ttx_core::engine::Seat;
use cbm_ttx_core::narrate::{Narrator, Record};

pub fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        draw.run_if(in_state(Screen::Lobby)).after(super::style),
    );
}

fn draw(
    mut contexts: EguiContexts,
    lobby: Option<Res<Lobby>>,
    lan: Option<Res<LanHost>>,
    registry: Option<Res<SeatRegistry>>,
    exercise: Option<Res<Exercise>>,
    mut out: MessageWriter<Intent>,
) -> Result {
    let Some(lobby) = lobby else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    let mut root = root_ui(&ctx);
    let ui = &mut root;
    let mut intents = Vec::new();
    let scenario = lobby.scenario.clone();
    let record = Record {
        scenario: &scenario,
        events: &[],
    };
    let n = Narrator::new(&record, lobby.lang);
    egui::Panel::top("lobby-top").show(ui, |ui| {
        ui.add_space(6.0);
        ui.horizontal_wrapped(|ui| {
            if button(ui, "‹ Scenarios") {
                intents.push(Intent::BackToPicker);
            }
            ui.label(
                RichText::new(format!("Lobby — {}", scenario.title.get(lobby.lang)))
                    .size(22.0)
                    .strong(),
            );
        });
        ui.add_space(6.0);
    });
    egui::Panel::right("lobby-settings")
        .resizable(false)
        .exact_size(side_width(ui, 360.0))
        .show(ui, |ui| {
            egui::ScrollArea::vertical().show(ui, |ui| {
                settings(ui, &lobby, &mut intents);
                ui.add_space(12.0);
                let seated = lobby
                    .names
                    .iter()
                    .filter(|(_, name)| !name.trim().is_empty())
                    .count();
                ui.label(muted(format!(
                    "{} named. Unnamed seats can still be played in hot-seat mode.",
                    cbm_ttx_core::narrate::count(seated, "seat", "seats")
                )));
                ui.add_space(6.0);
                card(ui, "Participants on their own laptops", |ui| {
                    network(
                        ui,
                        &n,
                        lan.as_deref().zip(registry.as_deref()),
                        exercise.as_deref(),
                        &mut intents,
                    )
                });
                ui.add_space(6.0);
                if primary(ui, true, "Start the exercise  »") {
                    intents.push(Intent::StartExercise);
                }
            });
        });
    egui::CentralPanel::default().show(ui, |ui| {
        egui::ScrollArea::vertical().show(ui, |ui| {
            card(ui, "Seats", |ui| seats(ui, &n, &lobby, &mut intents));
        });
    });
    out.write_batch(intents);
    Ok(())
}

fn settings(ui: &mut egui::Ui, lobby: &Lobby, intents: &mut Vec<Intent>) {
    card(ui, "Settings", |ui| {
        ui.label("Round clock");
        let mut minutes = lobby.round_minutes;
        if ui
            .add(egui::Slider::new(&mut minutes, 0..=60).suffix(" min"))
            .changed()
        {
            intents.push(Intent::SetRoundMinutes(minutes));
        }
        ui.label(muted("0 = no clock; the facilitator closes each round."));
        ui.add_space(4.0);
        ui.label("Seed");
        let mut seed = lobby.seed;
        if ui.add(egui::DragValue::new(&mut seed)).changed() {
            intents.push(Intent::SetSeed(seed));
        }
        ui.label(muted("Same seed and choices: same outcomes (for replays)."));
        ui.add_space(4.0);
        ui.label("Language of the scenario");
        let mut lang = lobby.lang;
        egui::ComboBox::from_id_salt("lang")
            .selected_text(lang.native_name())
            .show_ui(ui, |ui| {
                for l in &lobby.scenario.languages {
                    ui.selectable_value(&mut lang, *l, l.native_name());
                }
            });
        if lang != lobby.lang {
            intents.push(Intent::SetLanguage(lang));
        }
        ui.add_space(4.0);
        let mut journal = lobby.journal;
        if ui
            .checkbox(&mut journal, "Journal to disk (resume after a crash)")
            .changed()
        {
            intents.push(Intent::SetJournal(journal));
        }
    });
}

fn network(
    ui: &mut egui::Ui,
    n: &Narrator,
    lan: Option<(&LanHost, &SeatRegistry)>,
    exercise: Option<&Exercise>,
    intents: &mut Vec<Intent>,
) {
    let Some((h, seats)) = lan else {
        ui.label(muted(
            "Let participants join from their laptops on this network (LAN, no internet needed).",
        ));
        if button(ui, "Host on the network") {
            intents.push(Intent::HostLan);
        }
        return;
    };
    ui.label(
        RichText::new(format!("Join code: {}", seats.code))
            .size(22.0)
            .strong()
            .color(ACCENT),
    );
    for ip in crate::net::local_addresses() {
        ui.label(
            RichText::new(format!(
                "cbm-ttx join {ip}:{} --code {}",
                h.port, seats.code
            ))
            .monospace(),
        );
    }
    ui.label(muted(format!(
        "UDP port {} must be open on this machine's firewall.",
        h.port
    )));
    let joined = exercise
        .map(|e| e.session.situation().seats().clone())
        .unwrap_or_default();
    if joined.is_empty() {
        ui.label(muted("Nobody has joined yet."));
    }
    for (seat, name) in joined {
        ui.label(format!("✔ {} — {name}", n.seat(seat)));
    }
    let s = h.stats;
    if s.malformed + s.oversized + s.flooded + s.denied > 0 {
        ui.label(muted(format!(
            "dropped: {} malformed, {} oversized, {} flooding; {} refused entry",
            s.malformed, s.oversized, s.flooded, s.denied
        )));
    }
}

/// Every seat, each body under its State, with a name field.
fn seats(ui: &mut egui::Ui, n: &Narrator, lobby: &Lobby, intents: &mut Vec<Intent>) {
    ui.label(muted(
        "Give each State team (or each national body, for larger groups) a participant or team name. Names go into the journal and the report (which can anonymise them).",
    ));
    ui.add_space(6.0);
    for (seat, name) in &lobby.names {
        ui.horizontal_wrapped(|ui| {
            match seat {
                Seat::State(s) => {
                    ui.add_space(0.0);
                    ui.label(RichText::new(n.state(*s)).strong().size(16.0));
                }
                Seat::Body(b) => {
                    ui.add_space(24.0);
                    ui.label(n.body(*b));
                }
                _ => {}
            }
            let mut text = name.clone();
            let field = egui::TextEdit::singleline(&mut text)
                .hint_text("participant or team")
                .desired_width(240.0_f32.min(ui.available_width()));
            if ui.add(field).changed() {
                intents.push(Intent::SetName(*seat, text));
            }
        });
    }
}
