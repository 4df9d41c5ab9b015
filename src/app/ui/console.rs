//! Screen 3: the facilitator's console and the participants' seat views (hot seat).

use bevy::prelude::*;
use bevy_egui::{
    EguiContexts, EguiPrimaryContextPass,
    egui::{self, RichText},
};

use super::panels;
use super::widgets::*;
use crate::app::inputs::{AdHocInput, SeatInput};
use crate::app::intent::Intent;
use crate::app::screen::Screen;
use crate::app::session::{Running, Viewing};
use crate::exercise::Exercise;
use cbm_ttx_core::engine::{Command, EventKind, InjectTarget, Phase, Seat, SeatView, evaluate_all};
use cbm_ttx_core::narrate::{Narrator, Record};
use cbm_ttx_core::scenario::{StateId, StateSet};
use cbm_ttx_core::session::RoundClock;

/// The console's centre tabs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Tab {
    #[default]
    Discussion,
    Adjudicate,
    Log,
}

/// Screen state of the console that is not part of any exercise.
#[derive(Resource, Debug, Default)]
pub struct ConsoleState {
    pub tab: Tab,
    pub show_help: bool,
}

pub fn plugin(app: &mut App) {
    app.init_resource::<ConsoleState>().add_systems(
        EguiPrimaryContextPass,
        draw.run_if(in_state(Screen::Console)).in_set(super::Draw),
    );
}

fn draw(
    lan: Option<Res<crate::net::host::LanHost>>,
    seats: Option<Res<crate::net::seats::SeatRegistry>>,
    mut contexts: EguiContexts,
    running: Option<ResMut<Running>>,
    exercise: Option<ResMut<Exercise>>,
    confirming: Res<crate::app::intent::Confirming>,
    mut st: ResMut<ConsoleState>,
    mut out: MessageWriter<Intent>,
) -> Result {
    let (Some(mut running), Some(mut ex)) = (running, exercise) else {
        return Ok(());
    };
    let ctx = contexts.ctx_mut()?.clone();
    out.write_batch(show(
        &ctx,
        &mut running,
        &mut ex,
        &mut st,
        lan.as_deref().zip(seats.as_deref()),
        confirming.0.is_some(),
    ));
    Ok(())
}

/// The console (control's view) or the hot seat's view, with the top and bottom bars.
/// `asking`: a question waits for an answer, so keys do nothing here.
pub fn show(
    ctx: &egui::Context,
    running: &mut Running,
    ex: &mut Exercise,
    st: &mut ConsoleState,
    lan: Option<(&crate::net::host::LanHost, &crate::net::seats::SeatRegistry)>,
    asking: bool,
) -> Vec<Intent> {
    let mut root = root_ui(ctx);
    let ui = &mut root;
    let mut intents = Vec::new();
    let scenario = ex.session.scenario().clone();
    let lang = ex.session.settings().lang;
    let control_view = ex.session.view(Seat::Control).clone();
    let record = Record {
        scenario: &scenario,
        events: &control_view.events,
    };
    let n = Narrator::new(&record, lang);

    if !asking {
        shortcuts(ctx, running, ex, &control_view, &n, &mut intents, st);
    }
    top_bar(ui, &n, running, ex, &control_view, &mut intents);
    egui::Panel::bottom("exercise-bottom").show(ui, |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label(muted(
                "Keys: N next step · Space pause/resume · B board · 1–9 hot seat · Esc control · Ctrl +/− scale · H help",
            ));
            if let Some(p) = ex.session.journal_path() {
                ui.label(muted(format!("· journal: {}", p.display())));
            }
            if let Some((h, seats)) = lan {
                let online = seats.seated().iter().filter(|(_, on)| *on).count();
                ui.label(muted(format!(
                    "· LAN: code {} on UDP {} · {} connected",
                    seats.code,
                    h.port,
                    cbm_ttx_core::narrate::count(online, "seat", "seats")
                )));
            }
        });
    });
    if let Some(msg) = running.error.clone().or(running.notice.clone()) {
        egui::Panel::top("exercise-notice").show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                let color = if running.error.is_some() { BAD } else { ACCENT };
                ui.label(RichText::new(msg).color(color).strong());
                if button(ui, "Dismiss") {
                    intents.push(Intent::DismissNotice);
                }
            });
        });
    }
    if st.show_help {
        help(ctx, st);
    }
    match running.viewing {
        Viewing::Control => console(ui, &n, running, ex, &control_view, st, &mut intents),
        Viewing::Seat(seat) if running.covered => cover(ui, &n, seat, &mut intents),
        Viewing::Seat(seat) => {
            let view = ex.session.view(seat).clone();
            let clock = ex.session.clock();
            let seat_n = Narrator::new(&view, lang);
            seat_view(ui, &seat_n, clock, &view, running.input(seat), &mut intents);
        }
    }
    intents
}

/// The step that moves the exercise on, by phase. Irreversible steps taken early or
/// with States that have not acted are asked about first.
fn next_step(ex: &Exercise, view: &SeatView, n: &Narrator) -> Option<(String, Intent)> {
    let c = |cmd| Intent::Command(Seat::Control, cmd);
    let last = view.round >= ex.session.scenario().round_count();
    Some(match view.phase {
        Phase::Setup => ("Start".into(), c(Command::Start)),
        Phase::Briefing => {
            let s = ex.session.settings().round_seconds;
            let label = if s > 0 {
                format!("Begin deliberation ({})", minutes(s))
            } else {
                "Begin deliberation".into()
            };
            (label, c(Command::BeginDeliberation { seconds: s }))
        }
        Phase::Deliberation => {
            let label = "Close deliberation and resolve".to_owned();
            let idle = idle_states(view, n);
            let intent = if idle.is_empty() {
                c(Command::CloseDeliberation)
            } else {
                let states = n.scenario().states.len();
                let verb = if idle.len() == 1 { "has" } else { "have" };
                c(Command::CloseDeliberation).confirm(
                    format!(
                        "Resolve while {} of {states} States {verb} staged nothing?",
                        idle.len()
                    ),
                    format!(
                        "Nothing staged by: {}. Resolving closes this round's deliberation for everyone; it cannot be reopened.",
                        idle.join(", ")
                    ),
                    "Resolve now",
                )
            };
            (label, intent)
        }
        Phase::Debrief if last => ("End the exercise".into(), end_intent()),
        Phase::Debrief => (
            format!("Open round {}", view.round + 1),
            c(Command::OpenRound),
        ),
        Phase::Ended => ("Go to the debrief".into(), Intent::Show(Screen::HotWash)),
    })
}

/// "15 min", "1 min 30 s".
fn minutes(seconds: u32) -> String {
    match (seconds / 60, seconds % 60) {
        (m, 0) => format!("{m} min"),
        (0, s) => format!("{s} s"),
        (m, s) => format!("{m} min {s} s"),
    }
}

/// States that have staged nothing and are not ready this deliberation.
fn idle_states(view: &SeatView, n: &Narrator) -> Vec<String> {
    n.scenario()
        .state_ids()
        .filter(|s| {
            !view.staged.iter().any(|a| a.seat.state() == Some(*s))
                && !view.ready.iter().any(|r| r.state() == Some(*s))
        })
        .map(|s| n.state(s).to_owned())
        .collect()
}

/// Ending, asked about first (no more rounds; notes can still be taken).
fn end_intent() -> Intent {
    Intent::Command(Seat::Control, Command::End).confirm(
        "End the exercise?",
        "No more rounds or actions can be played after this. The debrief opens; notes can still be added there.",
        "End the exercise",
    )
}

fn shortcuts(
    ctx: &egui::Context,
    running: &Running,
    ex: &Exercise,
    view: &SeatView,
    n: &Narrator,
    intents: &mut Vec<Intent>,
    st: &mut ConsoleState,
) {
    if ctx.text_edit_focused() {
        return;
    }
    let pressed = |k| ctx.input(|i| i.key_pressed(k) && !i.modifiers.command);
    if pressed(egui::Key::Escape) {
        intents.push(Intent::View(Viewing::Control));
    }
    if pressed(egui::Key::H) {
        st.show_help = !st.show_help;
    }
    // The rest are control's: not while a participant has the screen.
    if running.viewing != Viewing::Control {
        return;
    }
    if pressed(egui::Key::N)
        && let Some((_, i)) = next_step(ex, view, n)
    {
        intents.push(i);
    }
    if pressed(egui::Key::Space) && view.started && view.phase != Phase::Ended {
        let cmd = if view.paused {
            Command::Resume
        } else {
            Command::Pause
        };
        intents.push(Intent::Command(Seat::Control, cmd));
    }
    if pressed(egui::Key::B) {
        intents.push(Intent::Show(Screen::Board));
    }
    let digits = [
        egui::Key::Num1,
        egui::Key::Num2,
        egui::Key::Num3,
        egui::Key::Num4,
        egui::Key::Num5,
        egui::Key::Num6,
        egui::Key::Num7,
        egui::Key::Num8,
        egui::Key::Num9,
    ];
    for (i, k) in digits.into_iter().enumerate() {
        if i < ex.session.scenario().states.len() && pressed(k) {
            intents.push(Intent::View(Viewing::Seat(Seat::State(StateId(i as u8)))));
        }
    }
}

fn top_bar(
    ui: &mut egui::Ui,
    n: &Narrator,
    running: &Running,
    ex: &Exercise,
    view: &SeatView,
    intents: &mut Vec<Intent>,
) {
    let scenario = n.scenario();
    egui::Panel::top("exercise-top").show(ui, |ui| {
        ui.add_space(4.0);
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(scenario.title.get(n.lang))
                    .size(18.0)
                    .strong(),
            );
            ui.separator();
            let round = scenario.rounds.get(view.round.saturating_sub(1) as usize);
            ui.label(
                RichText::new(format!(
                    "Round {} of {} · {} · {}",
                    view.round,
                    scenario.round_count(),
                    round.map(|r| r.title.get(n.lang)).unwrap_or("not started"),
                    n.phase_of(view),
                ))
                .size(16.0),
            );
            if let Some(c) = ex.session.clock() {
                ui.separator();
                let color = if c.remaining.as_secs() <= 60 {
                    BAD
                } else {
                    ACCENT
                };
                ui.label(
                    RichText::new(format!("⏱ {}", clock_text(c.remaining)))
                        .size(22.0)
                        .strong()
                        .color(color),
                );
            }
            ui.separator();
            {
                if button(ui, "Board (B)") {
                    intents.push(Intent::Show(Screen::Board));
                }
                let current = match running.viewing {
                    Viewing::Control => "Exercise control".to_owned(),
                    Viewing::Seat(s) => n.seat(s),
                };
                let mut chosen = running.viewing;
                ui.label("Screen for:");
                combo(ui, "viewing", current, 260.0, |ui| {
                    choice(
                        ui,
                        &mut chosen,
                        Viewing::Control,
                        "Exercise control (facilitator)",
                    );
                    for seat in Seat::all_player_seats(scenario) {
                        let name = view
                            .seats
                            .get(&seat)
                            .map(|p| format!(" — {p}"))
                            .unwrap_or_default();
                        let indent = if matches!(seat, Seat::Body(_)) {
                            "    "
                        } else {
                            ""
                        };
                        choice(
                            ui,
                            &mut chosen,
                            Viewing::Seat(seat),
                            format!("{indent}{}{name}", n.seat(seat)),
                        );
                    }
                });
                if chosen != running.viewing {
                    intents.push(Intent::View(chosen));
                }
                if button(ui, "Leave exercise") {
                    intents.push(Intent::CloseExercise);
                }
            }
        });
        ui.add_space(4.0);
    });
}

/// The privacy screen between hot-seat turns.
fn cover(ui: &mut egui::Ui, n: &Narrator, seat: Seat, intents: &mut Vec<Intent>) {
    egui::CentralPanel::default()
        .frame(egui::Frame::new().fill(egui::Color32::from_rgb(0x1d, 0x2b, 0x3a)))
        .show(ui, |ui| {
            ui.vertical_centered(|ui| {
                ui.add_space(ui.available_height() * 0.3);
                ui.label(
                    RichText::new("This screen is for")
                        .size(22.0)
                        .color(egui::Color32::LIGHT_GRAY),
                );
                ui.label(
                    RichText::new(n.seat(seat))
                        .size(40.0)
                        .strong()
                        .color(egui::Color32::WHITE),
                );
                ui.add_space(20.0);
                ui.label(
                    RichText::new("Everyone else, please look away.")
                        .size(18.0)
                        .color(egui::Color32::LIGHT_GRAY),
                );
                ui.add_space(20.0);
                if primary(ui, true, "Show my view") {
                    intents.push(Intent::Uncover);
                }
                ui.add_space(10.0);
                if button(ui, "Back to exercise control (Esc)") {
                    intents.push(Intent::View(Viewing::Control));
                }
            });
        });
}

fn console(
    ui: &mut egui::Ui,
    n: &Narrator,
    running: &mut Running,
    ex: &Exercise,
    view: &SeatView,
    st: &mut ConsoleState,
    intents: &mut Vec<Intent>,
) {
    let control = |cmd| Intent::Command(Seat::Control, cmd);
    let cell = std::cell::RefCell::new(std::mem::take(intents));
    let next = next_step(ex, view, n);
    let round_minutes = ex.session.settings().round_seconds / 60;
    egui::CentralPanel::default().show(ui, |ui| {
        columns3(
            ui,
            380.0,
            400.0,
            Fold::RightIntoLeft,
            |ui| {
                card(ui, "Run the round", |ui| {
                    if let Some((label, intent)) = next
                        && primary(
                            ui,
                            !view.paused || view.phase == Phase::Ended,
                            format!("{label}  (N)"),
                        )
                    {
                        cell.borrow_mut().push(intent);
                    }
                    ui.horizontal_wrapped(|ui| {
                        if view.started && view.phase != Phase::Ended {
                            let (label, cmd) = if view.paused {
                                ("Resume (Space)", Command::Resume)
                            } else {
                                ("Pause (Space)", Command::Pause)
                            };
                            if button(ui, label) {
                                cell.borrow_mut().push(control(cmd));
                            }
                        }
                        if view.phase != Phase::Ended && view.started && button(ui, "End now") {
                            cell.borrow_mut().push(end_intent());
                        }
                    });
                    ui.horizontal_wrapped(|ui| {
                        ui.label("Clock for next rounds:");
                        let mut minutes = round_minutes;
                        let r = ui.add(
                            egui::DragValue::new(&mut minutes)
                                .range(0..=60)
                                .suffix(" min"),
                        );
                        remember(ui, "round-minutes", &r);
                        if r.changed() {
                            cell.borrow_mut().push(Intent::SetRoundMinutes(minutes));
                        }
                    });
                });
                ui.add_space(6.0);
                card(ui, "Seats", |ui| seats(ui, n, view, &mut cell.borrow_mut()));
                ui.add_space(6.0);
                card(ui, "Injects", |ui| {
                    injects(ui, n, view, &mut cell.borrow_mut())
                });
            },
            |ui| {
                ui.horizontal_wrapped(|ui| {
                    for (tab, label) in [
                        (Tab::Discussion, "Discussion"),
                        (Tab::Adjudicate, "Adjudicate & annotate"),
                        (Tab::Log, "Full log"),
                    ] {
                        let r = ui.selectable_label(st.tab == tab, RichText::new(label).size(17.0));
                        remember(ui, label, &r);
                        if r.clicked() {
                            st.tab = tab;
                        }
                    }
                });
                ui.separator();
                match st.tab {
                    Tab::Discussion => discussion(ui, n, view),
                    Tab::Adjudicate => adjudicate(ui, n, view, running, &mut cell.borrow_mut()),
                    Tab::Log => panels::event_log(ui, n, view),
                }
            },
            |ui| {
                card(ui, "Tension", |ui| {
                    panels::tension_table(ui, n, &view.tension, 15.0)
                });
                ui.add_space(6.0);
                card(ui, "Objectives (live)", |ui| {
                    let outcomes = evaluate_all(n.scenario(), &view.events);
                    panels::objectives(ui, n.scenario(), n.lang, &outcomes);
                });
            },
        );
    });
    *intents = cell.into_inner();
}

fn seats(ui: &mut egui::Ui, n: &Narrator, view: &SeatView, intents: &mut Vec<Intent>) {
    for seat in Seat::all_player_seats(n.scenario()) {
        let name = view.seats.get(&seat);
        let staged = view.staged.iter().filter(|s| s.seat == seat).count();
        let is_state = matches!(seat, Seat::State(_));
        if name.is_none() && !is_state && staged == 0 {
            continue;
        }
        ui.horizontal_wrapped(|ui| {
            let ready = view.ready.contains(&seat);
            ui.label(if ready {
                RichText::new("✔").color(GOOD)
            } else {
                RichText::new("·").color(MUTED)
            });
            let label = if is_state {
                RichText::new(n.seat(seat)).strong()
            } else {
                RichText::new(n.seat(seat))
            };
            ui.label(label);
            if let Some(name) = name {
                ui.label(muted(name.clone()));
                // Free the seat (a participant left, or swaps with someone): on the LAN
                // its token is void and another laptop can claim it.
                if button(ui, format!("Free the seat of {name}")) {
                    intents.push(
                        Intent::Command(Seat::Control, Command::FreeSeat { seat }).confirm(
                            format!("Free the seat of {name} ({})?", n.seat(seat)),
                            "Their name leaves the seat; on the network their laptop loses it and someone else may take it.",
                            "Free the seat",
                        ),
                    );
                }
            }
            if staged > 0 {
                ui.label(muted(format!(
                    "{} staged",
                    cbm_ttx_core::narrate::count(staged, "action", "actions")
                )));
            }
            if view.turn.is_some() && view.turn == seat.state() && is_state {
                chip(ui, "turn", ACCENT);
            }
        });
    }
}

fn injects(ui: &mut egui::Ui, n: &Narrator, view: &SeatView, intents: &mut Vec<Intent>) {
    for (i, inj) in n.scenario().injects.iter().enumerate() {
        let fired = view.events.iter().any(
            |e| matches!(e.kind, EventKind::InjectRevealed { inject, .. } if inject.index() == i),
        );
        let title = inj.title.get(n.lang);
        ui.horizontal_wrapped(|ui| {
            let when = match &inj.when {
                cbm_ttx_core::scenario::When::Round(r) => format!("R{r}"),
                cbm_ttx_core::scenario::When::Trigger(_) => "trigger".into(),
                cbm_ttx_core::scenario::When::Manual => "manual".into(),
            };
            ui.label(RichText::new(when).small().monospace().color(MUTED));
            if fired {
                ui.label(RichText::new(format!("✔ {title}")).color(GOOD));
            } else {
                ui.label(title);
            }
        });
        if !fired && view.started && view.phase != Phase::Ended {
            let reveal = Intent::Command(
                Seat::Control,
                Command::RevealInject {
                    inject: cbm_ttx_core::scenario::InjectId(i as u16),
                },
            );
            let early = match &inj.when {
                cbm_ttx_core::scenario::When::Round(r) if *r > view.round => Some(format!(
                    "It is planned for round {r}; this is round {}.",
                    view.round
                )),
                cbm_ttx_core::scenario::When::Trigger(_) => {
                    Some("It is meant to fire by itself when its condition is met.".to_owned())
                }
                _ => None,
            };
            if button_keyed(
                ui,
                "Reveal",
                &format!("Reveal {}", cbm_ttx_core::narrate::Quoted(title)),
            ) {
                intents.push(match early {
                    Some(why) => reveal.confirm(
                        format!("Reveal {} now?", cbm_ttx_core::narrate::Quoted(title)),
                        format!(
                            "{why} Once revealed, its audience has it; it cannot be taken back."
                        ),
                        "Reveal now",
                    ),
                    None => reveal,
                });
            }
        }
    }
}

/// The round's briefing, the questions for the room, and what happened this round.
fn discussion(ui: &mut egui::Ui, n: &Narrator, view: &SeatView) {
    if view.round == 0 {
        ui.label(muted("Start the exercise to open round 1."));
        return;
    }
    let Some(round) = n.scenario().rounds.get(view.round as usize - 1) else {
        return;
    };
    card(ui, round.title.get(n.lang), |ui| {
        let briefing = round.briefing.get(n.lang);
        if !briefing.is_empty() {
            ui.label(RichText::new(briefing).italics());
        }
        let mut questions: Vec<String> = round
            .questions
            .iter()
            .map(|q| q.get(n.lang).to_owned())
            .collect();
        for e in view.events.iter().filter(|e| e.round == view.round) {
            if let EventKind::InjectRevealed { inject, .. } = e.kind {
                for q in &n.scenario().inject(inject).questions {
                    let q = q.get(n.lang).to_owned();
                    if !questions.contains(&q) {
                        questions.push(q);
                    }
                }
            }
        }
        if !questions.is_empty() {
            ui.add_space(6.0);
            ui.label(RichText::new("Questions for the room").strong());
            for q in questions {
                ui.label(RichText::new(format!("• {q}")).size(16.0));
            }
        }
    });
    ui.add_space(6.0);
    card(ui, "This round", |ui| {
        // Staged actions later withdrawn are shown as such, not as still staged.
        let withdrawn: std::collections::BTreeSet<_> = view
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::ActionWithdrawn { id } => Some(id),
                _ => None,
            })
            .collect();
        for e in view.events.iter().filter(|e| e.round == view.round) {
            let interesting = matches!(
                e.kind,
                EventKind::InjectRevealed { .. }
                    | EventKind::AdHocInject { .. }
                    | EventKind::IncidentOpened { .. }
                    | EventKind::TensionChanged { .. }
                    | EventKind::Statement { .. }
                    | EventKind::Attribution { .. }
                    | EventKind::AttributionAssessed { .. }
                    | EventKind::Countermeasure { .. }
                    | EventKind::MessageDelivered { .. }
                    | EventKind::MessageLost { .. }
                    | EventKind::MessageDelayed { .. }
                    | EventKind::ConcernExpired { .. }
                    | EventKind::ContactsUpdated { .. }
                    | EventKind::ActionSubmitted { .. }
                    | EventKind::MessageSent { .. }
                    | EventKind::CheckResult { .. }
                    | EventKind::ActionVoid { .. }
            );
            if !interesting {
                continue;
            }
            if let Some(line) = n.line(e) {
                let gone = matches!(e.kind, EventKind::ActionSubmitted { id, .. } if withdrawn.contains(&id));
                ui.horizontal_wrapped(|ui| {
                    if gone {
                        chip(ui, "withdrawn", OTHER);
                        ui.label(RichText::new(&line.title).strikethrough().color(MUTED));
                    } else {
                        chip(ui, line.kind.label(), OTHER);
                        ui.label(&line.title);
                    }
                });
                // Injects' narratives, and the texts of messages and statements.
                match (&line.body, line.kind) {
                    (Some(b), cbm_ttx_core::narrate::Kind::Inject) => {
                        ui.label(b);
                    }
                    (Some(b), _) if !gone => {
                        ui.label(
                            RichText::new(cbm_ttx_core::narrate::Quoted(b).to_string()).italics(),
                        );
                    }
                    _ => {}
                }
            }
        }
    });
}

fn adjudicate(
    ui: &mut egui::Ui,
    n: &Narrator,
    view: &SeatView,
    r: &mut Running,
    intents: &mut Vec<Intent>,
) {
    let st = &mut r.control_inputs;
    let running = view.started && view.phase != Phase::Ended;
    card(
        ui,
        "Annotate (for the debrief; only control sees notes)",
        |ui| {
            text_field(ui, "note", &mut st.note, "an observation", 3);
            ui.label(muted(
                "A note not added yet is recorded when the exercise ends.",
            ));
            if button_if(
                ui,
                if st.note.trim().is_empty() {
                    Err("write something")
                } else {
                    Ok(())
                },
                "Add note",
            ) {
                intents.push(Intent::Command(
                    Seat::Control,
                    Command::Annotate {
                        text: st.note.trim().to_owned(),
                    },
                ));
                st.note.clear();
            }
            for e in view.events.iter().rev() {
                if let EventKind::Annotation { text } = &e.kind {
                    ui.label(format!("Round {}: {text}", e.round));
                }
            }
        },
    );
    ui.add_space(6.0);
    card(ui, "Adjust a tension", |ui| {
        ui.horizontal_wrapped(|ui| {
            state_combo(ui, n, "adjust-a", &mut st.adjust.a);
            ui.label("and");
            state_combo(ui, n, "adjust-b", &mut st.adjust.b);
        });
        ui.horizontal_wrapped(|ui| {
            ui.label("Change");
            ui.add(egui::DragValue::new(&mut st.adjust.delta).range(-30..=30));
        });
        text_field(
            ui,
            "adjust-reason",
            &mut st.adjust.reason,
            "reason (goes into the record)",
            1,
        );
        let ok = match (st.adjust.a, st.adjust.b) {
            _ if !running => Err("only while the exercise runs"),
            (Some(a), Some(b))
                if a != b && st.adjust.delta != 0 && !st.adjust.reason.trim().is_empty() =>
            {
                Ok(())
            }
            (Some(a), Some(b)) if a == b => Err("choose two different States"),
            (Some(_), Some(_)) if st.adjust.delta == 0 => Err("choose a change"),
            (Some(_), Some(_)) => Err("say why"),
            _ => Err("choose two States"),
        };
        if button_if(ui, ok, "Apply tension change")
            && let (Some(a), Some(b)) = (st.adjust.a, st.adjust.b)
        {
            intents.push(Intent::Command(
                Seat::Control,
                Command::AdjustTension {
                    a,
                    b,
                    delta: st.adjust.delta,
                    reason: st.adjust.reason.trim().to_owned(),
                },
            ));
            st.adjust.reason.clear();
            st.adjust.delta = 0;
        }
    });
    ui.add_space(6.0);
    card(ui, "Add an ad-hoc inject", |ui| {
        ui.horizontal_wrapped(|ui| {
            ui.label("To:");
            let to = st
                .adhoc
                .to
                .map(|s| n.state(s))
                .unwrap_or("everyone (public)");
            combo(ui, "adhoc-to", to, 220.0, |ui| {
                choice(ui, &mut st.adhoc.to, None, "everyone (public)");
                for s in n.scenario().state_ids() {
                    choice(ui, &mut st.adhoc.to, Some(s), n.state(s));
                }
            });
        });
        text_field(ui, "adhoc-title", &mut st.adhoc.title, "title", 1);
        text_field(ui, "adhoc-text", &mut st.adhoc.text, "what happens", 3);
        let ok = if !running {
            Err("only while the exercise runs")
        } else if st.adhoc.title.trim().is_empty() {
            Err("give it a title")
        } else {
            Ok(())
        };
        if button_if(ui, ok, "Send inject") {
            let audience = match st.adhoc.to {
                None => InjectTarget::Public,
                Some(s) => InjectTarget::States(StateSet::one(s)),
            };
            intents.push(Intent::Command(
                Seat::Control,
                Command::AdHocInject {
                    audience,
                    title: st.adhoc.title.trim().to_owned(),
                    text: st.adhoc.text.trim().to_owned(),
                },
            ));
            st.adhoc = AdHocInput::default();
        }
    });
}

fn state_combo(ui: &mut egui::Ui, n: &Narrator, id: &str, value: &mut Option<StateId>) {
    combo(
        ui,
        id,
        value.map(|s| n.state(s)).unwrap_or("State…"),
        180.0,
        |ui| {
            for s in n.scenario().state_ids() {
                choice(ui, value, Some(s), n.state(s));
            }
        },
    );
}

/// A participant's screen: inbox, composer and staged actions, what the seat knows,
/// the directory. Drawn only from the seat's view (through a narrator over it) and
/// the seat's own unsent input. Used for hot seats here and for participants who
/// joined over the network.
pub fn seat_view(
    ui: &mut egui::Ui,
    n: &Narrator,
    clock: Option<RoundClock>,
    view: &SeatView,
    input: &mut SeatInput,
    intents: &mut Vec<Intent>,
) {
    let Some(me) = view.seat.state() else { return };
    let scenario = view.scenario();
    let cell = std::cell::RefCell::new(std::mem::take(intents));
    egui::CentralPanel::default().show(ui, |ui| {
        columns3(
            ui,
            380.0,
            420.0,
            Fold::LeftIntoRight,
            |ui| {
                ui.label(RichText::new("Inbox").size(19.0).strong());
                panels::inbox(ui, n, view);
            },
            |ui| {
                ui.horizontal_wrapped(|ui| {
                    ui.label(RichText::new(n.seat(view.seat)).size(24.0).strong());
                    if let Some(name) = view.seats.get(&view.seat) {
                        ui.label(muted(name.clone()));
                    }
                    if let Some(c) = clock.filter(|_| view.phase == Phase::Deliberation) {
                        ui.label(
                            RichText::new(format!("⏱ {} left", clock_text(c.remaining)))
                                .size(19.0)
                                .strong()
                                .color(if c.remaining.as_secs() <= 60 { BAD } else { ACCENT }),
                        );
                    }
                });
                let phase_hint = match view.phase {
                    Phase::Briefing => "Briefing: read your inbox and discuss. Actions open when control begins deliberation.",
                    Phase::Deliberation if view.paused => "Paused by exercise control.",
                    Phase::Deliberation => "Deliberation: stage your actions, then mark your team ready.",
                    Phase::Debrief => "Debrief: outcomes are in your inbox. Discuss what happened.",
                    Phase::Ended => "The exercise has ended.",
                    Phase::Setup => "Waiting for the exercise to start.",
                };
                ui.label(RichText::new(phase_hint).color(ACCENT));
                ui.add_space(4.0);
                card(ui, "Compose an action", |ui| {
                    panels::composer(ui, n, view, input, &mut cell.borrow_mut())
                });
            },
            |ui| {
                card(
                    ui,
                    &format!(
                        "Staged this round (up to {} per seat)",
                        scenario.actions_per_round
                    ),
                    |ui| panels::staged(ui, n, view, &mut cell.borrow_mut()),
                );
                ui.add_space(6.0);
                card(ui, "Messages", |ui| panels::messages(ui, n, view));
                ui.add_space(6.0);
                card(ui, &format!("{} — relations", n.state(me)), |ui| {
                    panels::relations(ui, n, view, me)
                });
                ui.add_space(6.0);
                card(ui, "What you know", |ui| panels::facts(ui, n, view));
                ui.add_space(6.0);
                card(ui, "Contact-point directory (measure 8)", |ui| {
                    panels::directory(ui, n, view)
                });
            },
        );
    });
    *intents = cell.into_inner();
}

fn help(ctx: &egui::Context, st: &mut ConsoleState) {
    // Anchored at the bottom right, clear of the main button; never taller or wider
    // than the window (its text scrolls at large scales).
    let screen = ctx.content_rect();
    egui::Window::new("How to run an exercise")
        .collapsible(false)
        .resizable(false)
        .max_width((screen.width() - 32.0).clamp(200.0, 560.0))
        .anchor(egui::Align2::RIGHT_BOTTOM, egui::vec2(-16.0, -40.0))
        .show(ctx, |ui| {
            egui::ScrollArea::vertical()
                .max_height((screen.height() - 160.0).max(80.0))
                .show(ui, |ui| {
                    for line in [
                        "1. Briefing: the round's injects are out. Read them to the room and use the questions.",
                        "2. Begin deliberation (N): seats stage actions; the clock runs.",
                        "3. Hot seat: pick a seat at the top right (or press 1–9). A privacy screen hides it until its team clicks.",
                        "4. Close and resolve (N): actions take effect; outcomes go to each seat's inbox.",
                        "5. Debrief the round with the questions, annotate, adjust tensions if the room's play calls for it.",
                        "6. Open the next round (N). After the last round, end the exercise for the debrief and report.",
                        "Board (B) shows a projector view. Space pauses. Everything is journaled as it happens.",
                    ] {
                        ui.label(line);
                    }
                });
            if button(ui, "Close help") {
                st.show_help = false;
            }
        });
}
