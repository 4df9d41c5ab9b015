//! Events in words, for the app's inbox and logs and for the after-action report.
//! Pure functions of the scenario and the event: no bevy, no HTML.

use crate::engine::{Action, Cause, Event, EventKind, Payload, Seat, Via};
use crate::scenario::{ActionKind, BodyId, Lang, Origin, Scenario, StateId};

/// Broad kinds of line, for icons, colours and filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Round,
    Inject,
    Message,
    Fact,
    Directory,
    Public,
    Tension,
    Action,
    Control,
}

impl Kind {
    pub fn label(self) -> &'static str {
        match self {
            Kind::Round => "round",
            Kind::Inject => "inject",
            Kind::Message => "message",
            Kind::Fact => "fact",
            Kind::Directory => "directory",
            Kind::Public => "public",
            Kind::Tension => "tension",
            Kind::Action => "action",
            Kind::Control => "control",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub seq: u32,
    pub round: u8,
    pub kind: Kind,
    pub title: String,
    /// Longer text (an inject's narrative, a message's body), if any.
    pub body: Option<String>,
}

pub struct Narrator<'a> {
    pub scenario: &'a Scenario,
    pub lang: Lang,
}

impl<'a> Narrator<'a> {
    pub fn new(scenario: &'a Scenario, lang: Lang) -> Self {
        Narrator { scenario, lang }
    }

    pub fn state(&self, s: StateId) -> &'a str {
        self.scenario.state(s).name.get(self.lang)
    }

    pub fn body(&self, b: BodyId) -> String {
        self.scenario.body(b).name.get(self.lang).to_owned()
    }

    pub fn origin(&self, o: Origin) -> &'a str {
        self.scenario.origin_name(o).get(self.lang)
    }

    pub fn seat(&self, seat: Seat) -> String {
        seat.label(self.scenario, self.lang)
    }

    pub fn incident(&self, i: crate::scenario::IncidentId) -> &'a str {
        self.scenario.incident(i).title.get(self.lang)
    }

    pub fn fact(&self, f: crate::scenario::FactId) -> &'a str {
        self.scenario.fact(f).text.get(self.lang)
    }

    /// A short description of a staged or resolved action.
    pub fn action(&self, a: &Action) -> String {
        let kind = a.kind().label();
        match a {
            Action::ShareInformation {
                to,
                incident,
                facts,
            } => {
                let n = if facts.is_empty() {
                    "all known facts".to_owned()
                } else {
                    format!("{} fact(s)", facts.len())
                };
                format!(
                    "{kind}: {n} on \"{}\" with {}",
                    self.incident(*incident),
                    self.state(*to)
                )
            }
            Action::RequestAssistance { to, incident, .. }
            | Action::ProvideAssistance { to, incident } => {
                format!(
                    "{kind}: {} — \"{}\"",
                    self.state(*to),
                    self.incident(*incident)
                )
            }
            Action::JointAnalysis { with, incident } => {
                format!(
                    "{kind} with {} of \"{}\"",
                    self.state(*with),
                    self.incident(*incident)
                )
            }
            Action::NationalCoordination { incident } => match incident {
                Some(i) => format!("{kind} on \"{}\"", self.incident(*i)),
                None => format!("{kind} on every open incident"),
            },
            Action::ContactMessage { to, .. } | Action::RaiseConcern { to, .. } => {
                format!("{kind} to {}", self.state(*to))
            }
            Action::CommunicationCheck { targets } => {
                if targets.is_empty() {
                    format!("{kind} of every State")
                } else {
                    let names: Vec<&str> = targets.iter().map(|s| self.state(s)).collect();
                    format!("{kind} of {}", names.join(", "))
                }
            }
            Action::PublicStatement { tone, about, .. } => match about {
                Some(s) => format!("{kind} ({}) about {}", tone.label(), self.state(*s)),
                None => format!("{kind} ({})", tone.label()),
            },
            Action::PublicAttribution { incident, to, .. } => {
                format!(
                    "{kind}: \"{}\" blamed on {}",
                    self.incident(*incident),
                    self.origin(*to)
                )
            }
            Action::Countermeasure { against, .. } => {
                format!("{kind} against {}", self.state(*against))
            }
            Action::Respond { message, .. } => format!("{kind} #{message}"),
            Action::UpdateContacts | Action::Pass => kind.to_owned(),
        }
    }

    fn payload(&self, p: &Payload) -> (String, Option<String>) {
        match p {
            Payload::Note { text } => ("message".into(), non_empty(text)),
            Payload::Concern { incident, text } => (
                match incident {
                    Some(i) => format!("concern about \"{}\"", self.incident(*i)),
                    None => "concern".into(),
                },
                non_empty(text),
            ),
            Payload::Request { incident, text } => (
                format!(
                    "request for assistance with \"{}\"",
                    self.incident(*incident)
                ),
                non_empty(text),
            ),
            Payload::Share { incident, facts } => (
                format!(
                    "information on \"{}\" ({} fact(s))",
                    self.incident(*incident),
                    facts.len()
                ),
                None,
            ),
            Payload::Assistance { incident } => (
                format!("assistance with \"{}\"", self.incident(*incident)),
                None,
            ),
            Payload::JointAnalysis { incident } => (
                format!("joint analysis of \"{}\"", self.incident(*incident)),
                None,
            ),
            Payload::Response { to, text } => (format!("response to #{to}"), non_empty(text)),
        }
    }

    fn cause(&self, c: &Cause) -> String {
        match c {
            Cause::Inject(i) => format!(
                "inject \"{}\"",
                self.scenario.inject(*i).title.get(self.lang)
            ),
            Cause::Action { kind, .. } => kind.label().to_lowercase(),
            Cause::Delivered { .. } => "dialogue".into(),
            Cause::ConcernIgnored { .. } => "a concern went unanswered".into(),
            Cause::Facilitator { reason } => format!("control: {reason}"),
        }
    }

    /// The event in words, or None for bookkeeping events nobody needs to read.
    pub fn line(&self, e: &Event) -> Option<Line> {
        let mk = |kind, title: String, body: Option<String>| {
            Some(Line {
                seq: e.seq,
                round: e.round,
                kind,
                title,
                body,
            })
        };
        match &e.kind {
            EventKind::SeatTaken { seat, name } => mk(
                Kind::Control,
                format!("{name} takes the seat of {}", self.seat(*seat)),
                None,
            ),
            EventKind::SeatFreed { seat } => {
                mk(Kind::Control, format!("{} is free", self.seat(*seat)), None)
            }
            EventKind::ExerciseStarted => mk(Kind::Round, "The exercise begins".into(), None),
            EventKind::RoundOpened => {
                let r = self
                    .scenario
                    .rounds
                    .get(e.round as usize - 1)
                    .map(|r| r.title.get(self.lang).to_owned());
                mk(
                    Kind::Round,
                    r.unwrap_or_else(|| format!("Round {}", e.round)),
                    None,
                )
            }
            EventKind::InjectRevealed { inject, .. } => {
                let i = self.scenario.inject(*inject);
                mk(
                    Kind::Inject,
                    i.title.get(self.lang).to_owned(),
                    Some(i.text.get(self.lang).to_owned()),
                )
            }
            EventKind::AdHocInject { title, text } => {
                mk(Kind::Inject, title.clone(), Some(text.clone()))
            }
            EventKind::IncidentOpened { incident } => {
                let inc = self.scenario.incident(*incident);
                let hit: Vec<&str> = inc.affected.iter().map(|s| self.state(s)).collect();
                mk(
                    Kind::Inject,
                    format!(
                        "Incident: {} (severity {}/5; affects {})",
                        inc.title.get(self.lang),
                        inc.severity,
                        hit.join(", ")
                    ),
                    non_empty(inc.description.get(self.lang)),
                )
            }
            EventKind::FactLearned { body, fact, via } => {
                let how = match via {
                    Via::Incident => "held from the start".to_owned(),
                    Via::Inject(_) => "from an inject".into(),
                    Via::Coordination => "through national co-ordination".into(),
                    Via::Shared { from } => format!("shared by {}", self.state(*from)),
                    Via::JointAnalysis { with } => {
                        format!("joint analysis with {}", self.state(*with))
                    }
                    Via::Assistance { from } => format!("assistance from {}", self.state(*from)),
                    Via::Discovered => "uncovered by analysis".into(),
                    Via::Facilitator => "from exercise control".into(),
                };
                mk(
                    Kind::Fact,
                    format!("{} learns ({how})", self.body(*body)),
                    Some(self.fact(*fact).to_owned()),
                )
            }
            EventKind::TensionChanged {
                a,
                b,
                delta,
                value,
                cause,
            } => mk(
                Kind::Tension,
                format!(
                    "Tension {} – {}: {:+}, now {} ({}; {})",
                    self.state(*a),
                    self.state(*b),
                    delta,
                    value,
                    self.scenario.ladder[self.scenario.ladder_step(*value)]
                        .name
                        .get(self.lang),
                    self.cause(cause)
                ),
                None,
            ),
            EventKind::ContactBroken { state, level } => mk(
                Kind::Control,
                format!(
                    "{}'s {level} contact data is now wrong (not yet noticed)",
                    self.state(*state)
                ),
                None,
            ),
            EventKind::DeliberationBegun { seconds } => mk(
                Kind::Round,
                if *seconds > 0 {
                    format!("Deliberation open — {} min", seconds.div_ceil(60))
                } else {
                    "Deliberation open".into()
                },
                None,
            ),
            EventKind::ActionSubmitted { actor, action, .. } => mk(
                Kind::Action,
                format!("{} stages: {}", self.body(*actor), self.action(action)),
                None,
            ),
            EventKind::ActionWithdrawn { id } => {
                mk(Kind::Action, format!("Staged action #{id} withdrawn"), None)
            }
            EventKind::SeatReady { seat } => {
                mk(Kind::Round, format!("{} is ready", self.seat(*seat)), None)
            }
            EventKind::TurnPassed { to } => match to {
                Some(s) => mk(Kind::Round, format!("{}'s turn", self.state(*s)), None),
                None => mk(Kind::Round, "Every State has had its turn".into(), None),
            },
            EventKind::DeliberationClosed => {
                mk(Kind::Round, "Deliberation closed — resolving".into(), None)
            }
            EventKind::ActionResolved { actor, kind, .. } => mk(
                Kind::Action,
                format!("{}: {}", self.body(*actor), measure_tag(*kind)),
                None,
            ),
            EventKind::ActionVoid { reason, .. } => mk(
                Kind::Action,
                format!("An action could not take effect: {reason}"),
                None,
            ),
            EventKind::MessageSent { id, message } => {
                let (what, body) = self.payload(&message.payload);
                mk(
                    Kind::Message,
                    format!(
                        "#{id} {} sends {what} to {} ({} line)",
                        self.body(message.from),
                        self.state(message.to),
                        message.level
                    ),
                    body,
                )
            }
            EventKind::MessageDelivered {
                id,
                message,
                to_body,
                late,
            } => {
                let (what, body) = self.payload(&message.payload);
                mk(
                    Kind::Message,
                    format!(
                        "#{id} {what} from {} reached {}{}",
                        self.body(message.from),
                        self.body(*to_body),
                        if *late {
                            " (a round late: stale contact data)"
                        } else {
                            ""
                        }
                    ),
                    body,
                )
            }
            EventKind::MessageDelayed { id } => mk(
                Kind::Control,
                format!("#{id} held up by stale contact data"),
                None,
            ),
            EventKind::MessageLost { id, to, level } => mk(
                Kind::Message,
                format!(
                    "#{id} to {} bounced: their {level} contact data is wrong",
                    self.state(*to)
                ),
                None,
            ),
            EventKind::CheckResult {
                by,
                target,
                level,
                answer,
            } => mk(
                Kind::Directory,
                format!(
                    "Communication check by {} of {}'s {level} contact: {}",
                    self.state(*by),
                    self.state(*target),
                    answer.label()
                ),
                None,
            ),
            EventKind::ContactsUpdated { state } => mk(
                Kind::Directory,
                format!("{} updated its contact-point entries", self.state(*state)),
                None,
            ),
            EventKind::Coordinated { state, .. } => mk(
                Kind::Action,
                format!("{} co-ordinated its national bodies", self.state(*state)),
                None,
            ),
            EventKind::Statement {
                by,
                tone,
                about,
                text,
            } => mk(
                Kind::Public,
                match about {
                    Some(s) => format!(
                        "{} — {} statement about {}",
                        self.state(*by),
                        tone.label(),
                        self.state(*s)
                    ),
                    None => format!("{} — {} statement", self.state(*by), tone.label()),
                },
                non_empty(text),
            ),
            EventKind::Attribution {
                by,
                incident,
                to,
                text,
                ..
            } => mk(
                Kind::Public,
                format!(
                    "{} publicly attributes \"{}\" to {}",
                    self.state(*by),
                    self.incident(*incident),
                    self.origin(*to)
                ),
                non_empty(text),
            ),
            EventKind::AttributionAssessed {
                correct,
                substantiated,
                ..
            } => mk(
                Kind::Control,
                format!(
                    "Attribution was {} and {}",
                    if *correct { "right" } else { "wrong" },
                    if *substantiated {
                        "backed by evidence the State held"
                    } else {
                        "not backed by any evidence it held"
                    }
                ),
                None,
            ),
            EventKind::Countermeasure {
                by, against, text, ..
            } => mk(
                Kind::Public,
                format!(
                    "{} takes countermeasures against {}",
                    self.state(*by),
                    self.state(*against)
                ),
                non_empty(text),
            ),
            EventKind::Passed { actor } => {
                mk(Kind::Action, format!("{} passes", self.body(*actor)), None)
            }
            EventKind::ConcernExpired { id } => mk(
                Kind::Message,
                format!("Concern #{id} went unanswered"),
                None,
            ),
            EventKind::RoundResolved => {
                mk(Kind::Round, format!("Round {} resolved", e.round), None)
            }
            EventKind::Annotation { text } => mk(Kind::Control, "Note".into(), Some(text.clone())),
            EventKind::Paused => mk(Kind::Round, "Paused".into(), None),
            EventKind::Resumed => mk(Kind::Round, "Resumed".into(), None),
            EventKind::ExerciseEnded => mk(Kind::Round, "The exercise ends".into(), None),
        }
    }
}

fn non_empty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_owned())
}

/// "Joint analysis [Measure 2]".
pub fn measure_tag(kind: ActionKind) -> String {
    match kind.measure() {
        Some(m) => format!("{} [{}]", kind.label(), m.label()),
        None => kind.label().to_owned(),
    }
}
