//! Panels: functions that draw part of a screen from what its reader may see and
//! push what the user asked for into `out`. They change nothing themselves.
//!
//! Seat panels read only a [`SeatView`] (the public scenario and what was disclosed
//! to the seat) through a [`Narrator`] over that view, so a hot-seat screen shows
//! exactly what a participant's own laptop would.

use bevy_egui::egui::{self, Color32, RichText, Ui};
use egui_plot::{Line, Plot, PlotPoints};

use super::widgets::*;
use crate::app::inputs::SeatInput;
use crate::app::intent::Intent;
use cbm_ttx_core::engine::check::check_player;
use cbm_ttx_core::engine::view::{KnownFact, MessageStatus};
use cbm_ttx_core::engine::{Answer, Command, Outcome, Payload, Phase, Seat, SeatView, Status};
use cbm_ttx_core::narrate::{Kind, Mood, Narrator};
use cbm_ttx_core::scenario::{
    ActionKind, ActorId, BodyId, IncidentId, Level, Need, Origin, Scenario, StateId, StateSet,
    Tone, TurnOrder, level_index,
};

/// Colour of a line by its kind and mood.
fn line_color(kind: Kind, mood: Mood) -> Color32 {
    match (kind, mood) {
        (Kind::Public | Kind::Tension | Kind::Message, Mood::Straining) => BAD,
        (Kind::Public | Kind::Tension, Mood::Easing) => GOOD,
        (Kind::Inject, _) => ACCENT,
        (Kind::Message, _) => M8,
        (Kind::Fact, _) => M2,
        (Kind::Directory, _) => WARN,
        _ => OTHER,
    }
}

/// Injects, messages, public statements and outcomes for the seat, newest first.
pub fn inbox(ui: &mut Ui, n: &Narrator, view: &SeatView) {
    let items = n.inbox(view);
    if items.is_empty() {
        ui.label(muted(cbm_ttx_core::narrate::INBOX_EMPTY));
    }
    let mut round = u8::MAX;
    for line in items {
        if line.round != round {
            round = line.round;
            ui.add_space(4.0);
            ui.label(
                RichText::new(format!("Round {round}"))
                    .strong()
                    .color(MUTED),
            );
        }
        ui.horizontal_wrapped(|ui| {
            chip(ui, line.kind.label(), line_color(line.kind, line.mood));
            ui.label(RichText::new(&line.title).strong());
        });
        if let Some(body) = &line.body {
            ui.label(body);
        }
        ui.separator();
    }
}

/// Facts the seat's bodies hold, by incident, with who holds each.
pub fn facts(ui: &mut Ui, n: &Narrator, view: &SeatView) {
    if view.facts.is_empty() {
        ui.label(muted("No facts yet."));
        return;
    }
    let mut by_incident: Vec<(Option<IncidentId>, Vec<&KnownFact>)> = Vec::new();
    for k in &view.facts {
        let inc = view.fact(k.fact).map(|f| f.incident);
        match by_incident.iter_mut().find(|(i, _)| *i == inc) {
            Some((_, v)) => v.push(k),
            None => by_incident.push((inc, vec![k])),
        }
    }
    let scenario = view.scenario();
    let bodies_total = view.seat.state().map(|s| scenario.state(s).bodies.len());
    for (inc, list) in by_incident {
        ui.label(RichText::new(inc.map(|i| n.incident(i)).unwrap_or("an incident")).strong());
        for k in list {
            ui.horizontal_wrapped(|ui| {
                ui.label("•");
                ui.label(n.fact(k.fact));
            });
            let holders: Vec<String> = k.holders.iter().map(|b| n.body(*b)).collect();
            let partial = bodies_total.is_some_and(|t| k.holders.len() < t)
                && matches!(view.seat, Seat::State(_));
            let text = format!("   known to: {}", holders.join(", "));
            if partial {
                ui.label(RichText::new(text).color(WARN)).on_hover_text(
                    "Not all your bodies know this: national co-ordination (measure 2) shares it at home.",
                );
            } else {
                ui.label(RichText::new(text).color(MUTED));
            }
        }
        ui.add_space(4.0);
    }
}

/// The contact-point directory: every State's two entries, how fresh, and what checks showed.
pub fn directory(ui: &mut Ui, n: &Narrator, view: &SeatView) {
    let scenario = view.scenario();
    for s in scenario.state_ids() {
        let own = view.seat.state() == Some(s);
        ui.label(
            RichText::new(if own {
                format!("{} (you)", n.state(s))
            } else {
                n.state(s).to_owned()
            })
            .strong(),
        );
        for level in Level::BOTH {
            let entry = &view.directory[s.index()][level_index(level)];
            let contact = &scenario.state(s).contacts[level_index(level)];
            let who = match contact.name.get(n.lang) {
                "" => n.body(scenario.contact_body(s, level)),
                name => name.to_owned(),
            };
            ui.horizontal_wrapped(|ui| {
                let label = match level {
                    Level::Policy => "Policy:",
                    Level::Technical => "Technical:",
                };
                ui.label(RichText::new(label).strong());
                ui.label(who);
                let fresh = match entry.updated_round {
                    Some(r) => RichText::new(format!("updated in round {r}")).color(GOOD),
                    None if entry.is_stale() => RichText::new(format!(
                        "verified {} months ago — stale",
                        entry.verified_months_ago
                    ))
                    .color(WARN),
                    None => {
                        RichText::new(format!("verified {} months ago", entry.verified_months_ago))
                            .color(MUTED)
                    }
                };
                ui.label(fresh);
                if let Some((r, a)) = entry.last_check {
                    let color = match a {
                        Answer::Prompt => GOOD,
                        Answer::Slow => WARN,
                        Answer::None => BAD,
                    };
                    ui.label(
                        RichText::new(format!("check in round {r}: {}", a.label())).color(color),
                    );
                }
            });
        }
        ui.add_space(3.0);
    }
}

/// The action composer: the fields the chosen kind asks for ([`ActionKind::fields`]),
/// and a Stage button that is enabled only when the rules would accept the action
/// now — otherwise it says why, before any click. Typed text is kept until the
/// staged action shows up in the view.
pub fn composer(
    ui: &mut Ui,
    n: &Narrator,
    view: &SeatView,
    c: &mut SeatInput,
    out: &mut Vec<Intent>,
) {
    let Some(me) = view.seat.state() else { return };
    let scenario = view.scenario();
    // The kind of action: one list, grouped by measure (compact, so that the fields
    // and the Stage button stay in view on a small screen).
    let mut kind = c.kind;
    ui.horizontal_wrapped(|ui| {
        ui.label("Action");
        combo(
            ui,
            "action",
            kind.map(|k| k.label()).unwrap_or("choose…"),
            320.0,
            |ui| {
                for (measure, title, kinds) in ActionKind::groups() {
                    ui.label(RichText::new(title).strong().color(measure_color(measure)));
                    for k in kinds {
                        choice(ui, &mut kind, Some(k), k.label());
                    }
                    ui.add_space(2.0);
                }
            },
        );
    });
    if kind != c.kind {
        c.kind = kind;
        c.actor = None;
    }
    let Some(kind) = c.kind else {
        ui.label(muted(
            "Choose an action. Each says which confidence-building measure it applies.",
        ));
        return;
    };
    let fields = kind.fields();
    ui.horizontal_wrapped(|ui| {
        chip(
            ui,
            kind.measure().map(|m| m.label()).unwrap_or("no measure"),
            measure_color(kind.measure()),
        );
        ui.label(RichText::new(kind.label()).strong());
    });
    ui.label(kind.explain());
    ui.add_space(4.0);
    // Acting body: a body seat acts as itself; a State seat chooses (default by kind).
    let bodies: Vec<BodyId> = match view.seat {
        Seat::Body(b) => vec![b],
        _ => scenario.body_ids(me).collect(),
    };
    if c.actor.is_none_or(|a| !bodies.contains(&a)) {
        c.actor = scenario
            .body_of_kind(me, fields.default_body)
            .filter(|b| bodies.contains(b))
            .or_else(|| bodies.first().copied());
    }
    if bodies.len() > 1 {
        field_row(ui, "Acting body", |ui| {
            combo(
                ui,
                "actor",
                c.actor.map(|b| n.body(b)).unwrap_or_default(),
                320.0,
                |ui| {
                    for b in &bodies {
                        choice(ui, &mut c.actor, Some(*b), n.body(*b));
                    }
                },
            );
        });
    }
    let others: Vec<StateId> = scenario.state_ids().filter(|s| *s != me).collect();
    if fields.state != Need::No {
        let label = match (kind, fields.state) {
            (ActionKind::PublicStatement, _) => "About (optional)",
            (_, Need::Optional) => "State (optional)",
            _ => "State",
        };
        field_row(ui, label, |ui| {
            combo(
                ui,
                "state",
                c.choice.state.map(|s| n.state(s)).unwrap_or("—"),
                240.0,
                |ui| {
                    if fields.state == Need::Optional {
                        choice(ui, &mut c.choice.state, None, "—");
                    }
                    for s in &others {
                        choice(ui, &mut c.choice.state, Some(*s), n.state(*s));
                    }
                },
            );
        });
    }
    if fields.states {
        ui.label("States to check (none ticked: every other State)");
        ui.horizontal_wrapped(|ui| {
            for s in &others {
                let mut on = c.choice.states.contains(*s);
                let r = ui.checkbox(&mut on, n.state(*s));
                remember(ui, &format!("check:{}", n.state(*s)), &r);
                if r.changed() {
                    c.choice.states = if on {
                        c.choice.states.with(*s)
                    } else {
                        StateSet(c.choice.states.0 & !StateSet::one(*s).0)
                    };
                }
            }
        });
    }
    if fields.incident != Need::No {
        let known = view.known_incidents();
        let label = if fields.incident == Need::Optional {
            "Incident (optional)"
        } else {
            "Incident"
        };
        field_row(ui, label, |ui| {
            combo(
                ui,
                "incident",
                c.choice.incident.map(|i| n.incident(i)).unwrap_or("—"),
                360.0,
                |ui| {
                    if fields.incident == Need::Optional {
                        choice(ui, &mut c.choice.incident, None, "—");
                    }
                    for i in &known {
                        choice(ui, &mut c.choice.incident, Some(*i), n.incident(*i));
                    }
                },
            );
        });
        if known.is_empty() {
            ui.label(muted("Your seat knows of no incident yet."));
        }
    }
    if fields.facts
        && let (Some(inc), Some(actor)) = (c.choice.incident, c.actor)
    {
        ui.label("Facts to share (none ticked: all your body knows)");
        for k in view.facts.iter().filter(|k| {
            view.fact(k.fact).is_some_and(|f| f.incident == inc) && k.holders.contains(&actor)
        }) {
            let mut on = c.choice.facts.contains(&k.fact);
            if ui.checkbox(&mut on, n.fact(k.fact)).changed() {
                if on {
                    c.choice.facts.push(k.fact);
                } else {
                    c.choice.facts.retain(|f| *f != k.fact);
                }
            }
        }
    }
    if fields.tone {
        field_row(ui, "Tone", |ui| {
            combo(
                ui,
                "tone",
                c.choice.tone.map(|t| t.label()).unwrap_or("—"),
                200.0,
                |ui| {
                    for t in Tone::ALL {
                        choice(ui, &mut c.choice.tone, Some(t), t.label());
                    }
                },
            );
        });
    }
    if fields.origin {
        field_row(ui, "Held responsible", |ui| {
            combo(
                ui,
                "origin",
                c.choice.origin.map(|o| n.origin(o)).unwrap_or("—"),
                320.0,
                |ui| {
                    for s in &others {
                        choice(
                            ui,
                            &mut c.choice.origin,
                            Some(Origin::State(*s)),
                            n.state(*s),
                        );
                    }
                    for i in 0..scenario.actors.len() {
                        let a = Origin::Actor(ActorId(i as u8));
                        choice(ui, &mut c.choice.origin, Some(a), n.origin(a));
                    }
                },
            );
        });
    }
    if fields.message {
        let open: Vec<_> = view.unanswered().collect();
        if open.is_empty() {
            ui.label(muted("Nothing waits for an answer."));
        }
        for m in open {
            let label = n.message(m.id);
            let r = ui.radio_value(&mut c.choice.message, Some(m.id), label.as_str());
            remember(ui, &format!("answer:{label}"), &r);
        }
    }
    if fields.text != Need::No {
        text_field(ui, "composer-text", &mut c.choice.text, "what you write", 3);
    }
    ui.add_space(6.0);
    // Ask the rules before the click, on what this seat knows.
    let verdict = c.build().and_then(|(actor, action)| {
        let cmd = Command::Submit { actor, action };
        check_player(scenario, view, view.seat, &cmd).map(|_| cmd)
    });
    match verdict {
        Ok(cmd) => {
            if primary(ui, true, "Stage action") {
                if let Command::Submit { action, .. } = &cmd {
                    c.pending = Some(action.clone());
                }
                out.push(Intent::Command(view.seat, cmd));
            }
        }
        Err(why) => {
            primary(ui, false, "Stage action");
            ui.label(RichText::new(format!("Not possible now: {why}")).color(WARN));
        }
    }
    // What the measure says, under the button (long; read while deciding).
    if let Some(m) = kind.measure() {
        ui.add_space(4.0);
        ui.label(RichText::new(format!("{} says:", m.label())).color(MUTED));
        ui.label(RichText::new(m.wording()).italics().color(MUTED));
    }
    // Clear what was typed once the action is staged (a refusal keeps it).
    if let Some(p) = &c.pending
        && view
            .staged
            .iter()
            .any(|s| s.seat == view.seat && &s.action == p)
    {
        c.sent();
    }
}

/// A label and its control on one line when there is room, else one under the other.
fn field_row(ui: &mut Ui, label: &str, add: impl FnOnce(&mut Ui)) {
    ui.horizontal_wrapped(|ui| {
        ui.label(label);
        add(ui);
    });
}

/// This round's staged actions of the seat's State, with withdraw and ready.
pub fn staged(ui: &mut Ui, n: &Narrator, view: &SeatView, out: &mut Vec<Intent>) {
    if view.staged.is_empty() {
        ui.label(muted("No action staged this round."));
    }
    let scenario = view.scenario();
    for s in &view.staged {
        ui.horizontal_wrapped(|ui| {
            chip(
                ui,
                s.action.kind().measure().map(|m| m.label()).unwrap_or("—"),
                measure_color(s.action.kind().measure()),
            );
            ui.label(format!("{} — {}", n.body(s.actor), n.action(&s.action)));
            if s.seat == view.seat && button(ui, format!("Withdraw “{}”", s.action.kind().label()))
            {
                out.push(Intent::Command(
                    view.seat,
                    Command::Withdraw { action: s.id },
                ));
            }
        });
    }
    ui.add_space(6.0);
    let ready = view.ready.contains(&view.seat);
    let open = view.phase == Phase::Deliberation && !view.paused;
    let label = if scenario.turn_order == TurnOrder::Sequential {
        "End our turn"
    } else {
        "We are ready"
    };
    if ready {
        ui.label(RichText::new("✔ Marked ready — waiting for the others").color(GOOD));
    } else if button_if(
        ui,
        if open {
            Ok(())
        } else {
            Err("only during deliberation")
        },
        label,
    ) {
        out.push(Intent::Command(view.seat, Command::Ready));
    }
}

/// Messages sent and received, with their text and what became of them.
pub fn messages(ui: &mut Ui, n: &Narrator, view: &SeatView) {
    if view.messages.is_empty() {
        ui.label(muted("No messages yet."));
    }
    for m in view.messages.iter().rev() {
        let status = match m.status {
            MessageStatus::Sent => RichText::new("sent, not delivered yet").color(MUTED),
            MessageStatus::Delivered { late: true, round } => {
                RichText::new(format!("delivered a round late (round {round})")).color(WARN)
            }
            MessageStatus::Delivered { round, .. } => {
                RichText::new(format!("delivered in round {round}")).color(GOOD)
            }
            MessageStatus::Lost => {
                RichText::new("bounced: the directory entry is wrong").color(BAD)
            }
        };
        let (what, text) = n.payload(&m.message.payload);
        ui.horizontal_wrapped(|ui| {
            if m.incoming {
                ui.label(format!("From {}: {what}", n.state(m.message.from.state)));
            } else {
                ui.label(format!(
                    "To {} ({} line): {what}",
                    n.state(m.message.to),
                    m.message.level
                ));
            }
            ui.label(status);
            if m.answered {
                ui.label(RichText::new("answered").color(GOOD));
            } else if m.expired {
                ui.label(RichText::new("went unanswered").color(BAD));
            }
        });
        if let Some(text) = text {
            ui.label(RichText::new(cbm_ttx_core::narrate::Quoted(text).to_string()).italics());
        }
        if let Payload::Share { facts, .. } = &m.message.payload
            && !m.incoming
        {
            for f in facts {
                ui.label(RichText::new(format!("  • {}", n.fact(*f))).color(MUTED));
            }
        }
        ui.add_space(2.0);
    }
}

/// Tension of one State with every other, on the ladder.
pub fn relations(ui: &mut Ui, n: &Narrator, view: &SeatView, me: StateId) {
    let scenario = view.scenario();
    for s in scenario.state_ids().filter(|s| *s != me) {
        let t = view.tension(me, s);
        ladder_bar(ui, n, &format!("{} – {}", n.state(me), n.state(s)), t, 14.0);
    }
}

/// One labelled bar coloured by its ladder step, fitted to the available width: on
/// one line when there is room, else the pair's names above the bar (never cut off).
pub fn ladder_bar(ui: &mut Ui, n: &Narrator, label: &str, t: u8, size: f32) {
    let scenario = n.scenario();
    let step = scenario.ladder_step(t);
    let color = ladder_color(step, scenario.ladder.len());
    let name = scenario
        .ladder
        .get(step)
        .map(|l| l.name.get(n.lang))
        .unwrap_or("");
    let value = RichText::new(format!("{t} {name}"))
        .size(size)
        .color(color)
        .strong();
    let width = ui.available_width();
    let bar = |ui: &mut Ui, w: f32| {
        let (rect, _) = ui.allocate_exact_size(egui::vec2(w, size * 1.1), egui::Sense::hover());
        ui.painter().rect_filled(rect, 3.0, Color32::from_gray(225));
        let mut fill = rect;
        fill.set_width(rect.width() * t as f32 / 100.0);
        ui.painter().rect_filled(fill, 3.0, color);
    };
    let label_text = RichText::new(label).size(size);
    let label_w = ui.ctx().fonts_mut(|f| {
        f.layout_no_wrap(
            label.to_owned(),
            egui::FontId::proportional(size),
            Color32::BLACK,
        )
        .size()
        .x
    });
    if label_w + 190.0 <= width {
        ui.horizontal(|ui| {
            ui.add_sized(
                [label_w.max(width * 0.42), size * 1.5],
                egui::Label::new(label_text),
            );
            bar(ui, (width * 0.25).clamp(40.0, 140.0));
            ui.label(value);
        });
    } else {
        ui.label(label_text);
        ui.horizontal_wrapped(|ui| {
            bar(ui, (width * 0.4).clamp(40.0, 140.0));
            ui.label(value);
        });
    }
}

/// All pairs' tension, highest first.
pub fn tension_table(ui: &mut Ui, n: &Narrator, tension: &[u8], size: f32) {
    let scenario = n.scenario();
    let mut pairs: Vec<(StateId, StateId, u8)> = scenario
        .pairs()
        .map(|(a, b)| (a, b, tension[scenario.pair_index(a, b)]))
        .collect();
    pairs.sort_by_key(|(a, b, t)| (std::cmp::Reverse(*t), a.0, b.0));
    for (a, b, t) in pairs {
        ladder_bar(ui, n, &format!("{} – {}", n.state(a), n.state(b)), t, size);
    }
}

/// Tension between pairs over rounds. Pairs that never left "calm" are left out.
pub fn tension_chart(ui: &mut Ui, n: &Narrator, view: &SeatView, height: f32, id: &str) {
    let scenario = n.scenario();
    let mut history = view.tension_history.clone();
    if history.last() != Some(&view.tension) {
        history.push(view.tension.clone());
    }
    let mut pairs: Vec<(StateId, StateId, u8)> = scenario
        .pairs()
        .map(|(a, b)| {
            let i = scenario.pair_index(a, b);
            (a, b, history.iter().map(|h| h[i]).max().unwrap_or(0))
        })
        .collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.2));
    pairs.truncate(6);
    let rounds = scenario.round_count() as f64;
    // The legend goes under the chart, in words, where it cannot cover the axes.
    ui.horizontal_wrapped(|ui| {
        for (k, (a, b, _)) in pairs.iter().enumerate() {
            let color = PAIR_COLORS[k % PAIR_COLORS.len()];
            ui.label(RichText::new("■").color(color));
            ui.label(format!("{} – {}", n.state(*a), n.state(*b)));
            ui.add_space(6.0);
        }
    });
    Plot::new(id)
        .height(height)
        .include_y(0.0)
        .include_y(100.0)
        .include_x(0.0)
        .include_x(rounds)
        .x_axis_label("round")
        .allow_zoom(false)
        .allow_drag(false)
        .allow_scroll(false)
        .show(ui, |plot| {
            for (k, (a, b, _)) in pairs.iter().enumerate() {
                let i = scenario.pair_index(*a, *b);
                let points: PlotPoints = history
                    .iter()
                    .enumerate()
                    .map(|(r, h)| [r as f64, h[i] as f64])
                    .collect();
                let color = PAIR_COLORS[k % PAIR_COLORS.len()];
                plot.line(
                    Line::new(format!("{} – {}", n.state(*a), n.state(*b)), points)
                        .color(color)
                        .width(2.5),
                );
            }
        });
}

const PAIR_COLORS: [Color32; 6] = [
    Color32::from_rgb(0xc0, 0x39, 0x2b),
    Color32::from_rgb(0x29, 0x80, 0xb9),
    Color32::from_rgb(0x27, 0xae, 0x60),
    Color32::from_rgb(0x8e, 0x44, 0xad),
    Color32::from_rgb(0xd3, 0x54, 0x00),
    Color32::from_rgb(0x16, 0xa0, 0x85),
];

/// Objectives as an evaluation list: status, objective, and what the record shows
/// (control only: objectives are not disclosed to seats).
pub fn objectives(
    ui: &mut Ui,
    scenario: &Scenario,
    lang: cbm_ttx_core::scenario::Lang,
    outcomes: &[Outcome],
) {
    for (o, out) in scenario.objectives.iter().zip(outcomes) {
        let (text, color) = match out.status {
            Status::Met => ("✔ met", GOOD),
            Status::NotMet => ("× not met", BAD),
            Status::Pending => ("… pending", MUTED),
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(text).color(color).strong());
            ui.label(o.title.get(lang));
        });
        ui.label(RichText::new(format!("      {}", out.observed)).color(MUTED));
    }
}

/// Every event of a view, newest first.
pub fn event_log(ui: &mut Ui, n: &Narrator, view: &SeatView) {
    for e in view.events.iter().rev() {
        let Some(line) = n.line(e) else { continue };
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!("round {}", line.round))
                    .monospace()
                    .color(MUTED),
            );
            ui.label(RichText::new(line.kind.label()).color(MUTED));
            ui.label(&line.title);
        });
        if let Some(b) = &line.body {
            ui.label(b);
        }
    }
}
