//! Panels as functions from (ui, view) to intents. They read a [`SeatView`] and the
//! public scenario, draw, and return what the user asked for; they change nothing.

use bevy_egui::egui::{self, Color32, RichText, Ui};
use egui_plot::{Legend, Line, Plot, PlotPoints};

use super::widgets::*;
use crate::app::intent::Intent;
use cbm_ttx_core::engine::view::MessageStatus;
use cbm_ttx_core::engine::{Action, Command, EventKind, Outcome, Payload, Seat, SeatView, Status};
use cbm_ttx_core::narrate::{Kind, Narrator};
use cbm_ttx_core::scenario::{
    ActionKind, BodyId, FactId, IncidentId, Level, Measure, Origin, StateId, StateSet, Tone,
};

/// Injects, messages and notices addressed to the seat, newest first.
pub fn inbox(ui: &mut Ui, n: &Narrator, view: &SeatView) {
    let mine = view.seat.state();
    let items: Vec<_> = view
        .events
        .iter()
        .rev()
        .filter(|e| match &e.kind {
            EventKind::InjectRevealed { .. }
            | EventKind::AdHocInject { .. }
            | EventKind::IncidentOpened { .. } => true,
            EventKind::MessageDelivered { message, .. } => {
                Some(message.to) == mine || Some(message.from.state) == mine
            }
            EventKind::MessageLost { .. }
            | EventKind::CheckResult { .. }
            | EventKind::ConcernExpired { .. } => true,
            EventKind::FactLearned { .. } => true,
            _ => false,
        })
        .filter_map(|e| n.line(e))
        .collect();
    if items.is_empty() {
        ui.label(muted(
            "Nothing yet. Injects and messages for you will appear here.",
        ));
    }
    let mut round = u8::MAX;
    for line in items {
        if line.round != round {
            round = line.round;
            ui.add_space(4.0);
            ui.label(
                RichText::new(format!("Round {round}"))
                    .small()
                    .strong()
                    .color(MUTED),
            );
        }
        let color = match line.kind {
            Kind::Inject => ACCENT,
            Kind::Message => M8,
            Kind::Fact => M2,
            Kind::Directory => WARN,
            _ => OTHER,
        };
        ui.horizontal_wrapped(|ui| {
            chip(ui, line.kind.label(), color);
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
    let mut by_incident: Vec<(IncidentId, Vec<&cbm_ttx_core::engine::view::KnownFact>)> = Vec::new();
    for k in &view.facts {
        let inc = n.scenario.fact(k.fact).incident;
        match by_incident.iter_mut().find(|(i, _)| *i == inc) {
            Some((_, v)) => v.push(k),
            None => by_incident.push((inc, vec![k])),
        }
    }
    let bodies_total = view.seat.state().map(|s| n.scenario.state(s).bodies.len());
    for (inc, list) in by_incident {
        ui.label(RichText::new(n.incident(inc)).strong());
        for k in list {
            ui.horizontal_wrapped(|ui| {
                ui.label("•");
                ui.label(n.fact(k.fact));
            });
            let holders: Vec<String> = k.holders.iter().map(|b| short_body(n, *b)).collect();
            let partial = bodies_total.is_some_and(|t| k.holders.len() < t)
                && matches!(view.seat, Seat::State(_));
            let text = format!("   known to: {}", holders.join(", "));
            ui.label(if partial { RichText::new(text).small().color(WARN) } else { RichText::new(text).small().color(MUTED) })
                .on_hover_text(if partial { "Not all your bodies know this: national co-ordination (measure 2) shares it at home." } else { "" });
        }
        ui.add_space(4.0);
    }
}

fn short_body(n: &Narrator, b: BodyId) -> String {
    let body = n.scenario.body(b);
    if body.name.get(n.lang).chars().count() <= 18 {
        body.name.get(n.lang).to_owned()
    } else {
        body.kind.label().to_owned()
    }
}

/// The contact-point directory: every State's two entries, how fresh, and what checks showed.
pub fn directory(ui: &mut Ui, n: &Narrator, view: &SeatView) {
    for s in n.scenario.state_ids() {
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
            let entry = &view.directory[s.index()][cbm_ttx_core::scenario::level_index(level)];
            let contact = &n.scenario.state(s).contacts[cbm_ttx_core::scenario::level_index(level)];
            let who = contact.name.get(n.lang);
            let who = if who.is_empty() {
                n.scenario
                    .body(n.scenario.contact_body(s, level))
                    .name
                    .get(n.lang)
            } else {
                who
            };
            ui.horizontal_wrapped(|ui| {
                ui.label(
                    RichText::new(format!(
                        "{}:",
                        if level == Level::Policy {
                            "Policy"
                        } else {
                            "Technical"
                        }
                    ))
                    .small()
                    .strong(),
                );
                ui.label(RichText::new(who).small());
                let fresh = match entry.updated_round {
                    Some(r) => RichText::new(format!("updated in round {r}"))
                        .small()
                        .color(GOOD),
                    None if entry.is_stale() => RichText::new(format!(
                        "verified {} months ago — stale",
                        entry.verified_months_ago
                    ))
                    .small()
                    .color(WARN),
                    None => {
                        RichText::new(format!("verified {} months ago", entry.verified_months_ago))
                            .small()
                            .color(MUTED)
                    }
                };
                ui.label(fresh);
                if let Some((r, a)) = entry.last_check {
                    let color = match a {
                        cbm_ttx_core::engine::Answer::Prompt => GOOD,
                        cbm_ttx_core::engine::Answer::Slow => WARN,
                        cbm_ttx_core::engine::Answer::None => BAD,
                    };
                    ui.label(
                        RichText::new(format!("check r{r}: {}", a.label()))
                            .small()
                            .color(color),
                    );
                }
            });
        }
        ui.add_space(3.0);
    }
}

/// What the composer is building. Kept by the screen between frames.
#[derive(Clone, Debug, Default)]
pub struct Composer {
    pub kind: Option<ActionKind>,
    pub actor: Option<BodyId>,
    pub target: Option<StateId>,
    pub incident: Option<IncidentId>,
    pub facts: Vec<FactId>,
    pub tone: Option<Tone>,
    pub origin: Option<Origin>,
    pub message: Option<u32>,
    pub text: String,
}

impl Composer {
    /// The action as composed so far, or what is still missing.
    pub fn build(&self) -> Result<Action, &'static str> {
        let kind = self.kind.ok_or("choose an action")?;
        let to = || self.target.ok_or("choose a State");
        let inc = || self.incident.ok_or("choose an incident");
        let text = self.text.trim().to_owned();
        Ok(match kind {
            ActionKind::ShareInformation => Action::ShareInformation {
                to: to()?,
                incident: inc()?,
                facts: self.facts.clone(),
            },
            ActionKind::RequestAssistance => Action::RequestAssistance {
                to: to()?,
                incident: inc()?,
                text,
            },
            ActionKind::ProvideAssistance => Action::ProvideAssistance {
                to: to()?,
                incident: inc()?,
            },
            ActionKind::JointAnalysis => Action::JointAnalysis {
                with: to()?,
                incident: inc()?,
            },
            ActionKind::NationalCoordination => Action::NationalCoordination {
                incident: self.incident,
            },
            ActionKind::TechnicalMessage => Action::ContactMessage {
                to: to()?,
                level: Level::Technical,
                text,
            },
            ActionKind::PolicyMessage => Action::ContactMessage {
                to: to()?,
                level: Level::Policy,
                text,
            },
            ActionKind::RaiseConcern => Action::RaiseConcern {
                to: to()?,
                incident: self.incident,
                text,
            },
            ActionKind::UpdateContacts => Action::UpdateContacts,
            ActionKind::CommunicationCheck => Action::CommunicationCheck {
                targets: self.target.map(StateSet::one).unwrap_or(StateSet::EMPTY),
            },
            ActionKind::PublicStatement => Action::PublicStatement {
                tone: self.tone.ok_or("choose a tone")?,
                about: self.target,
                text,
            },
            ActionKind::PublicAttribution => Action::PublicAttribution {
                incident: inc()?,
                to: self.origin.ok_or("choose whom to name")?,
                text,
            },
            ActionKind::Countermeasure => Action::Countermeasure {
                against: to()?,
                incident: self.incident,
                text,
            },
            ActionKind::Respond => Action::Respond {
                message: self.message.ok_or("choose a message to answer")?,
                text,
            },
            ActionKind::Pass => Action::Pass,
        })
    }
}

const GROUPS: [(Option<Measure>, &str, &[ActionKind]); 3] = [
    (
        Some(Measure::M2),
        "Measure 2 — co-operation and information exchange",
        &[
            ActionKind::ShareInformation,
            ActionKind::RequestAssistance,
            ActionKind::ProvideAssistance,
            ActionKind::JointAnalysis,
            ActionKind::NationalCoordination,
        ],
    ),
    (
        Some(Measure::M8),
        "Measure 8 — contact points and communication lines",
        &[
            ActionKind::TechnicalMessage,
            ActionKind::PolicyMessage,
            ActionKind::RaiseConcern,
            ActionKind::UpdateContacts,
            ActionKind::CommunicationCheck,
        ],
    ),
    (
        None,
        "Other choices",
        &[
            ActionKind::PublicStatement,
            ActionKind::PublicAttribution,
            ActionKind::Countermeasure,
            ActionKind::Respond,
            ActionKind::Pass,
        ],
    ),
];

/// The action composer. Returns a Submit intent when the user stages an action.
pub fn composer(ui: &mut Ui, n: &Narrator, view: &SeatView, c: &mut Composer) -> Option<Intent> {
    let me = view.seat.state()?;
    let mut out = None;
    ui.columns(2, |cols| {
        let left = &mut cols[0];
        for (measure, title, kinds) in GROUPS {
            left.label(RichText::new(title).small().strong().color(measure_color(measure)));
            left.horizontal_wrapped(|ui| {
                for k in kinds {
                    if ui.selectable_label(c.kind == Some(*k), k.label()).clicked() {
                        c.kind = Some(*k);
                    }
                }
            });
            left.add_space(4.0);
        }
        let ui = &mut cols[1];
        let Some(kind) = c.kind else {
            ui.label(muted("Choose an action on the left. Each says which confidence-building measure it applies."));
            return;
        };
        ui.horizontal(|ui| {
            chip(ui, kind.measure().map(|m| m.label()).unwrap_or("no measure"), measure_color(kind.measure()));
            ui.label(RichText::new(kind.label()).strong());
        });
        if let Some(m) = kind.measure() {
            ui.label(RichText::new(m.wording()).italics().small().color(MUTED));
        }
        ui.label(kind.explain());
        ui.add_space(4.0);
        // Acting body: a body seat acts as itself; a State seat chooses.
        let bodies: Vec<BodyId> = match view.seat {
            Seat::Body(b) => vec![b],
            _ => n.scenario.body_ids(me).collect(),
        };
        if c.actor.is_none_or(|a| !bodies.contains(&a)) {
            c.actor = bodies.first().copied();
        }
        if bodies.len() > 1 {
            egui::ComboBox::from_label("acting body")
                .selected_text(c.actor.map(|b| n.body(b)).unwrap_or_default())
                .show_ui(ui, |ui| {
                    for b in &bodies {
                        ui.selectable_value(&mut c.actor, Some(*b), n.body(*b));
                    }
                });
        }
        let needs_target = !matches!(
            kind,
            ActionKind::NationalCoordination | ActionKind::UpdateContacts | ActionKind::Respond | ActionKind::Pass | ActionKind::PublicAttribution
        );
        if needs_target {
            let label = match kind {
                ActionKind::CommunicationCheck => "check (empty: every State)",
                ActionKind::PublicStatement => "about (optional)",
                _ => "State",
            };
            egui::ComboBox::from_label(label)
                .selected_text(c.target.map(|s| n.state(s)).unwrap_or("—"))
                .show_ui(ui, |ui| {
                    if matches!(kind, ActionKind::CommunicationCheck | ActionKind::PublicStatement) {
                        ui.selectable_value(&mut c.target, None, "—");
                    }
                    for s in n.scenario.state_ids().filter(|s| *s != me) {
                        ui.selectable_value(&mut c.target, Some(s), n.state(s));
                    }
                });
        }
        let needs_incident = matches!(
            kind,
            ActionKind::ShareInformation
                | ActionKind::RequestAssistance
                | ActionKind::ProvideAssistance
                | ActionKind::JointAnalysis
                | ActionKind::NationalCoordination
                | ActionKind::RaiseConcern
                | ActionKind::PublicAttribution
                | ActionKind::Countermeasure
        );
        if needs_incident {
            let optional = matches!(kind, ActionKind::NationalCoordination | ActionKind::RaiseConcern | ActionKind::Countermeasure);
            egui::ComboBox::from_label(if optional { "incident (optional)" } else { "incident" })
                .selected_text(c.incident.map(|i| n.incident(i)).unwrap_or("—"))
                .show_ui(ui, |ui| {
                    if optional {
                        ui.selectable_value(&mut c.incident, None, "—");
                    }
                    for i in &view.incidents {
                        ui.selectable_value(&mut c.incident, Some(*i), n.incident(*i));
                    }
                });
        }
        if kind == ActionKind::ShareInformation
            && let (Some(inc), Some(actor)) = (c.incident, c.actor)
        {
            ui.label(RichText::new("facts to share (none ticked: all your body knows)").small());
            for k in view.facts.iter().filter(|k| n.scenario.fact(k.fact).incident == inc && k.holders.contains(&actor)) {
                let mut on = c.facts.contains(&k.fact);
                if ui.checkbox(&mut on, n.fact(k.fact)).changed() {
                    if on {
                        c.facts.push(k.fact);
                    } else {
                        c.facts.retain(|f| *f != k.fact);
                    }
                }
            }
        }
        if kind == ActionKind::PublicStatement {
            ui.horizontal(|ui| {
                for t in Tone::ALL {
                    ui.radio_value(&mut c.tone, Some(t), t.label());
                }
            });
        }
        if kind == ActionKind::PublicAttribution {
            egui::ComboBox::from_label("responsible")
                .selected_text(c.origin.map(|o| n.origin(o)).unwrap_or("—"))
                .show_ui(ui, |ui| {
                    for s in n.scenario.state_ids().filter(|s| *s != me) {
                        ui.selectable_value(&mut c.origin, Some(Origin::State(s)), n.state(s));
                    }
                    for (i, a) in n.scenario.actors.iter().enumerate() {
                        ui.selectable_value(&mut c.origin, Some(Origin::Actor(cbm_ttx_core::scenario::ActorId(i as u8))), a.name.get(n.lang));
                    }
                });
        }
        if kind == ActionKind::Respond {
            let open: Vec<_> = view.unanswered().collect();
            if open.is_empty() {
                ui.label(muted("Nothing waits for an answer."));
            }
            for m in open {
                let (what, _) = (m.message.payload.label(), ());
                ui.radio_value(&mut c.message, Some(m.id), format!("#{} {what} from {}", m.id, n.state(m.message.from.state)));
            }
        }
        if matches!(
            kind,
            ActionKind::RequestAssistance
                | ActionKind::TechnicalMessage
                | ActionKind::PolicyMessage
                | ActionKind::RaiseConcern
                | ActionKind::PublicStatement
                | ActionKind::PublicAttribution
                | ActionKind::Countermeasure
                | ActionKind::Respond
        ) {
            ui.add(egui::TextEdit::multiline(&mut c.text).hint_text("what you write").desired_rows(3).desired_width(f32::INFINITY));
        }
        ui.add_space(6.0);
        let built = c.build();
        let ready = view.phase == cbm_ttx_core::engine::Phase::Deliberation && !view.paused;
        let enabled = match (&built, ready) {
            (Err(why), _) => Err(*why),
            (Ok(_), false) => Err("actions are staged during deliberation"),
            (Ok(_), true) => Ok(()),
        };
        if button_if(ui, enabled, "Stage action")
            && let (Ok(action), Some(actor)) = (built, c.actor)
        {
            out = Some(Intent::Command(view.seat, Command::Submit { actor, action }));
            c.text.clear();
            c.facts.clear();
        }
    });
    out
}

/// This round's staged actions of the seat's State, with withdraw and ready.
pub fn staged(ui: &mut Ui, n: &Narrator, view: &SeatView) -> Option<Intent> {
    let mut out = None;
    if view.staged.is_empty() {
        ui.label(muted("No action staged this round."));
    }
    for s in &view.staged {
        ui.horizontal_wrapped(|ui| {
            chip(
                ui,
                s.action.kind().measure().map(|m| m.label()).unwrap_or("—"),
                measure_color(s.action.kind().measure()),
            );
            ui.label(format!(
                "{} — {}",
                short_body(n, s.actor),
                n.action(&s.action)
            ));
            if s.seat == view.seat && button(ui, format!("Withdraw #{}", s.id)) {
                out = Some(Intent::Command(
                    view.seat,
                    Command::Withdraw { action: s.id },
                ));
            }
        });
    }
    ui.add_space(6.0);
    let ready = view.ready.contains(&view.seat);
    let open = view.phase == cbm_ttx_core::engine::Phase::Deliberation && !view.paused;
    let label = if n.scenario.turn_order == cbm_ttx_core::scenario::TurnOrder::Sequential {
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
        out = Some(Intent::Command(view.seat, Command::Ready));
    }
    out
}

/// Messages sent and received, with delivery status.
pub fn messages(ui: &mut Ui, n: &Narrator, view: &SeatView) {
    if view.messages.is_empty() {
        ui.label(muted("No messages yet."));
    }
    for m in view.messages.iter().rev() {
        let status = match m.status {
            MessageStatus::Sent => RichText::new("sent").color(MUTED),
            MessageStatus::Delivered { late: true, round } => {
                RichText::new(format!("delivered late, round {round}")).color(WARN)
            }
            MessageStatus::Delivered { round, .. } => {
                RichText::new(format!("delivered, round {round}")).color(GOOD)
            }
            MessageStatus::Lost => RichText::new("bounced").color(BAD),
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(format!("#{}", m.id)).small().color(MUTED));
            if m.incoming {
                ui.label(format!(
                    "from {}: {}",
                    n.state(m.message.from.state),
                    m.message.payload.label()
                ));
            } else {
                ui.label(format!(
                    "to {} ({}): {}",
                    n.state(m.message.to),
                    m.message.level,
                    m.message.payload.label()
                ));
            }
            ui.label(status.small());
            if m.answered {
                ui.label(RichText::new("answered").small().color(GOOD));
            } else if m.expired {
                ui.label(RichText::new("unanswered").small().color(BAD));
            }
        });
        let text = match &m.message.payload {
            Payload::Note { text }
            | Payload::Concern { text, .. }
            | Payload::Request { text, .. }
            | Payload::Response { text, .. } => text.as_str(),
            _ => "",
        };
        if !text.is_empty() {
            ui.label(RichText::new(text).italics());
        }
    }
}

/// Tension of one State with every other, on the ladder.
pub fn relations(ui: &mut Ui, n: &Narrator, view: &SeatView, me: StateId) {
    for s in n.scenario.state_ids().filter(|s| *s != me) {
        let t = view.tension[n.scenario.pair_index(me, s)];
        ladder_bar(ui, n, &format!("{} – {}", n.state(me), n.state(s)), t, 14.0);
    }
}

/// One labelled bar coloured by its ladder step, fitted to the available width.
pub fn ladder_bar(ui: &mut Ui, n: &Narrator, label: &str, t: u8, size: f32) {
    let step = n.scenario.ladder_step(t);
    let color = ladder_color(step, n.scenario.ladder.len());
    let width = ui.available_width();
    ui.horizontal(|ui| {
        let label_w = (width * 0.42).max(60.0);
        let bar_w = (width * 0.28).max(40.0);
        ui.add_sized(
            [label_w, size * 1.5],
            egui::Label::new(RichText::new(label).size(size)).truncate(),
        );
        let (rect, _) = ui.allocate_exact_size(egui::vec2(bar_w, size * 1.1), egui::Sense::hover());
        ui.painter().rect_filled(rect, 3.0, Color32::from_gray(225));
        let mut fill = rect;
        fill.set_width(rect.width() * t as f32 / 100.0);
        ui.painter().rect_filled(fill, 3.0, color);
        ui.add(
            egui::Label::new(
                RichText::new(format!("{t} {}", n.scenario.ladder[step].name.get(n.lang)))
                    .size(size)
                    .color(color)
                    .strong(),
            )
            .truncate(),
        );
    });
}

/// All pairs' tension, highest first.
pub fn tension_table(ui: &mut Ui, n: &Narrator, tension: &[u8], size: f32) {
    let mut pairs: Vec<(StateId, StateId, u8)> = n
        .scenario
        .pairs()
        .map(|(a, b)| (a, b, tension[n.scenario.pair_index(a, b)]))
        .collect();
    pairs.sort_by_key(|(a, b, t)| (std::cmp::Reverse(*t), a.0, b.0));
    for (a, b, t) in pairs {
        ladder_bar(ui, n, &format!("{} – {}", n.state(a), n.state(b)), t, size);
    }
}

/// Tension between pairs over rounds. Pairs that never left "calm" are left out.
pub fn tension_chart(ui: &mut Ui, n: &Narrator, view: &SeatView, height: f32, id: &str) {
    let mut history = view.tension_history.clone();
    if history.last() != Some(&view.tension) {
        history.push(view.tension.clone());
    }
    let mut pairs: Vec<(StateId, StateId, u8)> = n
        .scenario
        .pairs()
        .map(|(a, b)| {
            let i = n.scenario.pair_index(a, b);
            (a, b, history.iter().map(|h| h[i]).max().unwrap_or(0))
        })
        .collect();
    pairs.sort_by_key(|p| std::cmp::Reverse(p.2));
    pairs.truncate(6);
    let rounds = n.scenario.round_count() as f64;
    Plot::new(id)
        .height(height)
        .legend(Legend::default())
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
                let i = n.scenario.pair_index(*a, *b);
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

/// Objectives as an evaluation list: status, objective, and what the record shows.
pub fn objectives(ui: &mut Ui, n: &Narrator, outcomes: &[Outcome]) {
    for (o, out) in n.scenario.objectives.iter().zip(outcomes) {
        let (text, color) = match out.status {
            Status::Met => ("✔ met", GOOD),
            Status::NotMet => ("× not met", BAD),
            Status::Pending => ("… pending", MUTED),
        };
        ui.horizontal_wrapped(|ui| {
            ui.label(RichText::new(text).color(color).strong());
            ui.label(o.title.get(n.lang));
        });
        ui.label(
            RichText::new(format!("      {}", out.observed))
                .small()
                .color(MUTED),
        );
    }
}

/// Every event of a view, newest first.
pub fn event_log(ui: &mut Ui, n: &Narrator, view: &SeatView) {
    for e in view.events.iter().rev() {
        let Some(line) = n.line(e) else { continue };
        ui.horizontal_wrapped(|ui| {
            ui.label(
                RichText::new(format!("#{} r{}", line.seq, line.round))
                    .small()
                    .monospace()
                    .color(MUTED),
            );
            ui.label(RichText::new(line.kind.label()).small().color(MUTED));
            ui.label(&line.title);
        });
        if let Some(b) = &line.body {
            ui.label(RichText::new(b).small());
        }
    }
}
