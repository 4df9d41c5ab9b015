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
use crate::web::{JoinInfo, WebHost};
use cbm_ttx_core::engine::Seat;
use cbm_ttx_core::narrate::{Narrator, Record};

pub fn plugin(app: &mut App) {
    app.add_systems(
        EguiPrimaryContextPass,
        draw.run_if(in_state(Screen::Lobby)).in_set(super::Draw),
    );
}

fn draw(
    mut contexts: EguiContexts,
    lobby: Option<Res<Lobby>>,
    lan: Option<Res<LanHost>>,
    registry: Option<Res<SeatRegistry>>,
    exercise: Option<Res<Exercise>>,
    web: Option<Res<WebHost>>,
    mut out: MessageWriter<Intent>,
) -> Result {
    let Some(lobby) = lobby else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    out.write_batch(show(
        &ctx,
        &lobby,
        lan.as_deref().zip(registry.as_deref()),
        web.as_deref().map(WebHost::join),
        exercise.as_deref(),
    ));
    Ok(())
}

/// The lobby: seats in the centre, Start and the settings on the right.
pub fn show(
    ctx: &egui::Context,
    lobby: &Lobby,
    lan: Option<(&LanHost, &SeatRegistry)>,
    web: Option<&JoinInfo>,
    exercise: Option<&Exercise>,
) -> Vec<Intent> {
    let mut root = root_ui(ctx);
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
    let cell = std::cell::RefCell::new(intents);
    egui::CentralPanel::default().show(ui, |ui| {
        columns3(
            ui,
            0.0,
            380.0,
            Fold::LeftIntoRight,
            |_| {},
            |ui| {
                card(ui, "Seats", |ui| {
                    seats(ui, &n, lobby, &mut cell.borrow_mut())
                })
            },
            |ui| {
                let seated = lobby
                    .names
                    .iter()
                    .filter(|(_, name)| !name.trim().is_empty())
                    .count();
                if primary(ui, true, "Start the exercise  »") {
                    cell.borrow_mut().push(Intent::StartExercise);
                }
                ui.label(muted(format!(
                    "{} named. Unnamed seats can still be played in hot-seat mode.",
                    cbm_ttx_core::narrate::count(seated, "seat", "seats")
                )));
                ui.add_space(6.0);
                settings(ui, lobby, &mut cell.borrow_mut());
                ui.add_space(6.0);
                card(ui, "Participants on their own laptops", |ui| {
                    network(ui, &n, lan, web, exercise, &mut cell.borrow_mut())
                });
            },
        );
    });
    cell.into_inner()
}

fn settings(ui: &mut egui::Ui, lobby: &Lobby, intents: &mut Vec<Intent>) {
    card(ui, "Settings", |ui| {
        ui.label("Round clock");
        let mut minutes = lobby.round_minutes;
        let r = ui.add(
            egui::DragValue::new(&mut minutes)
                .range(0..=60)
                .suffix(" min"),
        );
        remember(ui, "round-minutes", &r);
        if r.changed() {
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
        combo(ui, "lang", lang.native_name(), 200.0, |ui| {
            for l in &lobby.scenario.languages {
                choice(ui, &mut lang, *l, l.native_name());
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
    web: Option<&JoinInfo>,
    exercise: Option<&Exercise>,
    intents: &mut Vec<Intent>,
) {
    if lan.is_none() && web.is_none() {
        ui.label(muted(
            "Let participants join from their laptops on this network (LAN, no internet needed).",
        ));
        if button(ui, "Host on the network") {
            intents.push(Intent::HostLan);
        }
        return;
    }
    let code = web
        .map(|w| w.code.as_str())
        .or(lan.map(|(_, seats)| seats.code.as_str()))
        .unwrap_or_default();
    ui.label(
        RichText::new(format!("Join code: {code}"))
            .size(22.0)
            .strong()
            .color(ACCENT),
    );
    if let Some(w) = web {
        ui.label("In a browser (nothing to install): scan the code or type");
        ui.label(RichText::new(&w.address).size(20.0).strong().monospace());
        let side = ui.available_width().clamp(120.0, 220.0);
        qr_code(ui, &w.qr, side).on_hover_text(&w.url);
        ui.label(muted(format!(
            "The QR code fills in the join code. TCP port {} must be open on this machine's firewall. For a projector: {}",
            w.port, w.board_url
        )));
        ui.add_space(6.0);
    }
    let Some((h, seats)) = lan else {
        return;
    };
    if web.is_some() {
        ui.label("With the cbm-ttx app:");
    }
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

/// Every seat, each State with its bodies under it, with a name field.
fn seats(ui: &mut egui::Ui, n: &Narrator, lobby: &Lobby, intents: &mut Vec<Intent>) {
    ui.label(muted(
        "Give each State team (or each national body, for larger groups) a participant or team name. Names go into the journal and the report (which can anonymise them).",
    ));
    ui.add_space(6.0);
    for s in lobby.scenario.state_ids() {
        egui::Frame::new()
            .stroke(egui::Stroke::new(1.0, egui::Color32::from_gray(215)))
            .corner_radius(4)
            .inner_margin(6)
            .show(ui, |ui| {
                ui.set_width(ui.available_width());
                for (seat, name) in lobby
                    .names
                    .iter()
                    .filter(|(seat, _)| seat.state() == Some(s))
                {
                    let (label, indent) = match seat {
                        Seat::State(s) => (RichText::new(n.state(*s)).strong().size(17.0), 0.0),
                        Seat::Body(b) => (RichText::new(n.body(*b)), 20.0),
                        _ => continue,
                    };
                    ui.horizontal_wrapped(|ui| {
                        ui.add_space(indent);
                        ui.label(label);
                        let mut text = name.clone();
                        let key = format!("name:{}", seat.key(&lobby.scenario));
                        let field = egui::TextEdit::singleline(&mut text)
                            .hint_text("participant or team")
                            .desired_width(240.0_f32.min(ui.available_width()));
                        let r = ui.add(field);
                        remember(ui, &key, &r);
                        if r.changed() {
                            intents.push(Intent::SetName(*seat, text));
                        }
                    });
                }
            });
        ui.add_space(4.0);
    }
}
