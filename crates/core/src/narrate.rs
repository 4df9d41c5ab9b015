//! Events in words, for screens, logs and the after-action report. Pure functions of
//! the scenario text a reader may see and the event: no bevy, no HTML.
//!
//! The narrator reads scenario text through [`Texts`]: control and reports read the
//! whole scenario and record ([`Record`]); a seat reads only its [`SeatView`], so a
//! seat's inbox cannot name what the seat was never told. Messages, actions and
//! outcomes are told in words (who, to whom, which directory entry, why), never as
//! bare event numbers.

use std::fmt;

use crate::engine::view::SeatView;
use crate::engine::{Action, Cause, Event, EventKind, Message, MessageId, Payload, Seat, Via};
use crate::scenario::{
    ActionKind, BodyId, FactId, IncidentId, InjectId, Lang, Level, Origin, Scenario, StateId,
    StateSet, Text, Tone,
};

/// Broad kinds of line, for icons, colours and filters.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    /// The exercise's course: start, rounds, phases, turns, pauses, the end.
    Round,
    /// An inject (scripted or ad hoc) or an incident opening.
    Inject,
    /// A message sent, delivered or lost between States.
    Message,
    /// A body learned a fact.
    Fact,
    /// The contact-point directory: updates and communication checks.
    Directory,
    /// Public acts: statements, attributions, countermeasures.
    Public,
    /// Tension moved.
    Tension,
    /// A staged, withdrawn, resolved or voided action.
    Action,
    /// What only exercise control sees: seats, notes, held-up messages, broken
    /// entries, attribution assessments.
    Control,
}

impl Kind {
    /// Lowercase name for filters: `"round"`, `"inject"`, ...
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

/// Which way a line moves relations, for colour on boards and inboxes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mood {
    /// Eases tension: a conciliatory statement, dialogue, help.
    Easing,
    /// Neither eases nor strains.
    Neutral,
    /// Strains relations: an accusation, an attribution, a countermeasure.
    Straining,
}

/// One event in words.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// The event's journal number.
    pub seq: u32,
    /// The event's round (0 before the start).
    pub round: u8,
    /// What kind of line.
    pub kind: Kind,
    /// Which way it moves relations.
    pub mood: Mood,
    /// One sentence saying what happened, with names, not ids.
    pub title: String,
    /// Longer text (an inject's narrative, a message's body), if any.
    pub body: Option<String>,
}

/// Where narration looks up scenario text and earlier messages.
pub trait Texts {
    /// The scenario's public part: States, bodies, actors, ladder (control: all of it).
    fn scenario(&self) -> &Scenario;
    /// An incident's title, if the reader heard of it (`None`: unknown to it).
    fn incident_title(&self, i: IncidentId) -> Option<&Text>;
    /// An incident's description, if the reader heard of it.
    fn incident_description(&self, i: IncidentId) -> Option<&Text>;
    /// The States an incident hits, if the reader heard of it.
    fn incident_affected(&self, i: IncidentId) -> Option<StateSet>;
    /// A fact's text, if the reader knows the fact.
    fn fact_text(&self, f: FactId) -> Option<&Text>;
    /// An inject's title, if the reader received it.
    fn inject_title(&self, i: InjectId) -> Option<&Text>;
    /// An inject's text, if the reader received it.
    fn inject_text(&self, i: InjectId) -> Option<&Text>;
    /// A round's title (1-based), if it has opened for the reader.
    fn round_title(&self, r: u8) -> Option<&Text>;
    /// A message the reader knows of.
    fn message(&self, id: MessageId) -> Option<&Message>;
    /// An action staged by the reader's side (by the number of its submission).
    fn staged_action(&self, id: u32) -> Option<&Action>;
}

/// Control's reading: the whole scenario and the whole record.
pub struct Record<'a> {
    /// The whole scenario.
    pub scenario: &'a Scenario,
    /// The whole record (or a prefix of it), in order.
    pub events: &'a [Event],
}

impl Record<'_> {
    fn event(&self, seq: u32) -> Option<&Event> {
        self.events
            .get(seq as usize)
            .filter(|e| e.seq == seq)
            .or_else(|| self.events.iter().find(|e| e.seq == seq))
    }
}

impl Texts for Record<'_> {
    fn scenario(&self) -> &Scenario {
        self.scenario
    }
    fn incident_title(&self, i: IncidentId) -> Option<&Text> {
        self.scenario.incidents.get(i.index()).map(|x| &x.title)
    }
    fn incident_description(&self, i: IncidentId) -> Option<&Text> {
        self.scenario
            .incidents
            .get(i.index())
            .map(|x| &x.description)
    }
    fn incident_affected(&self, i: IncidentId) -> Option<StateSet> {
        self.scenario.incidents.get(i.index()).map(|x| x.affected)
    }
    fn fact_text(&self, f: FactId) -> Option<&Text> {
        self.scenario.facts.get(f.index()).map(|x| &x.text)
    }
    fn inject_title(&self, i: InjectId) -> Option<&Text> {
        self.scenario.injects.get(i.index()).map(|x| &x.title)
    }
    fn inject_text(&self, i: InjectId) -> Option<&Text> {
        self.scenario.injects.get(i.index()).map(|x| &x.text)
    }
    fn round_title(&self, r: u8) -> Option<&Text> {
        let i = (r as usize).checked_sub(1)?;
        self.scenario.rounds.get(i).map(|x| &x.title)
    }
    fn message(&self, id: MessageId) -> Option<&Message> {
        match &self.event(id)?.kind {
            EventKind::MessageSent { message, .. } => Some(message),
            _ => None,
        }
    }
    fn staged_action(&self, id: u32) -> Option<&Action> {
        match &self.event(id)?.kind {
            EventKind::ActionSubmitted { action, .. } => Some(action),
            _ => None,
        }
    }
}

impl Texts for SeatView {
    fn scenario(&self) -> &Scenario {
        SeatView::scenario(self)
    }
    fn incident_title(&self, i: IncidentId) -> Option<&Text> {
        self.incident(i).map(|x| &x.title)
    }
    fn incident_description(&self, i: IncidentId) -> Option<&Text> {
        self.incident(i).map(|x| &x.description)
    }
    fn incident_affected(&self, i: IncidentId) -> Option<StateSet> {
        self.incident(i).map(|x| x.affected)
    }
    fn fact_text(&self, f: FactId) -> Option<&Text> {
        self.fact(f).map(|x| &x.text)
    }
    fn inject_title(&self, i: InjectId) -> Option<&Text> {
        self.inject(i).map(|x| &x.title)
    }
    fn inject_text(&self, i: InjectId) -> Option<&Text> {
        self.inject(i).map(|x| &x.text)
    }
    fn round_title(&self, r: u8) -> Option<&Text> {
        self.round_info(r).map(|x| &x.title)
    }
    fn message(&self, id: MessageId) -> Option<&Message> {
        SeatView::message(self, id).map(|m| &m.message)
    }
    fn staged_action(&self, id: u32) -> Option<&Action> {
        self.events.iter().find_map(|e| match &e.kind {
            EventKind::ActionSubmitted { id: x, action, .. } if *x == id => Some(action),
            _ => None,
        })
    }
}

impl<T: Texts + ?Sized> Texts for &T {
    fn scenario(&self) -> &Scenario {
        (**self).scenario()
    }
    fn incident_title(&self, i: IncidentId) -> Option<&Text> {
        (**self).incident_title(i)
    }
    fn incident_description(&self, i: IncidentId) -> Option<&Text> {
        (**self).incident_description(i)
    }
    fn incident_affected(&self, i: IncidentId) -> Option<StateSet> {
        (**self).incident_affected(i)
    }
    fn fact_text(&self, f: FactId) -> Option<&Text> {
        (**self).fact_text(f)
    }
    fn inject_title(&self, i: InjectId) -> Option<&Text> {
        (**self).inject_title(i)
    }
    fn inject_text(&self, i: InjectId) -> Option<&Text> {
        (**self).inject_text(i)
    }
    fn round_title(&self, r: u8) -> Option<&Text> {
        (**self).round_title(r)
    }
    fn message(&self, id: MessageId) -> Option<&Message> {
        (**self).message(id)
    }
    fn staged_action(&self, id: u32) -> Option<&Action> {
        (**self).staged_action(id)
    }
}

/// Tells events in words in one language.
pub struct Narrator<'a> {
    /// Where scenario text and earlier messages are looked up.
    pub texts: Box<dyn Texts + 'a>,
    /// The language of scenario text (the narration itself is English).
    pub lang: Lang,
}

impl<'a> Narrator<'a> {
    /// A narrator reading `texts`: a [`Record`] (control, reports) or a `&SeatView`.
    pub fn new(texts: impl Texts + 'a, lang: Lang) -> Self {
        Narrator {
            texts: Box::new(texts),
            lang,
        }
    }

    /// The scenario as the reader may hold it (public, unless the reader is control).
    pub fn scenario(&self) -> &Scenario {
        self.texts.scenario()
    }

    fn text<'t>(&self, t: Option<&'t Text>, unknown: &'static str) -> &'t str {
        t.map(|t| t.get(self.lang)).unwrap_or(unknown)
    }

    /// Where the exercise stands, as screens show it: `"Paused"`, the phase's label
    /// (`"Deliberation"`), and in `Sequential` order during deliberation whose turn it
    /// is (`"Deliberation · Lakeland's turn"`, or `"Deliberation · your State's turn"`
    /// to a seat of that State).
    pub fn phase_of(&self, view: &SeatView) -> String {
        if view.paused {
            return "Paused".into();
        }
        match view.turn {
            Some(s) if view.phase == crate::engine::Phase::Deliberation => {
                if view.seat.state() == Some(s) {
                    format!("{} · your State's turn", view.phase.label())
                } else {
                    format!("{} · {}'s turn", view.phase.label(), self.state(s))
                }
            }
            _ => view.phase.label().to_owned(),
        }
    }

    /// A State's name ("Ardenia"); "an unknown State" for an id out of range.
    pub fn state(&self, s: StateId) -> &str {
        self.scenario()
            .states
            .get(s.index())
            .map(|x| x.name.get(self.lang))
            .unwrap_or("an unknown State")
    }

    /// A body's name ("CERT-AR"); "an unknown body" for an id out of range.
    pub fn body(&self, b: BodyId) -> String {
        let s = self.scenario();
        s.states
            .get(b.state.index())
            .and_then(|st| st.bodies.get(b.body as usize))
            .map(|x| x.name.get(self.lang).to_owned())
            .unwrap_or_else(|| "an unknown body".into())
    }

    /// A State or non-State actor's name.
    pub fn origin(&self, o: Origin) -> &str {
        match o {
            Origin::State(s) => self.state(s),
            Origin::Actor(a) => self
                .scenario()
                .actors
                .get(a.index())
                .map(|x| x.name.get(self.lang))
                .unwrap_or("an unknown actor"),
        }
    }

    /// A seat's name ("Ardenia — CERT-AR", "Exercise control").
    pub fn seat(&self, seat: Seat) -> String {
        match seat {
            Seat::Body(b) => format!("{} — {}", self.state(b.state), self.body(b)),
            Seat::State(s) => self.state(s).to_owned(),
            Seat::Control => "Exercise control".into(),
            Seat::Observer => "Observer".into(),
        }
    }

    /// An incident's title, if the reader knows it; else "an incident".
    pub fn incident(&self, i: IncidentId) -> &str {
        self.text(self.texts.incident_title(i), "an incident")
    }

    /// A fact's text, if the reader knows it; else "(a fact)".
    pub fn fact(&self, f: FactId) -> &str {
        self.text(self.texts.fact_text(f), "(a fact)")
    }

    /// An inject's title, if the reader received it; else "a development".
    pub fn inject(&self, i: InjectId) -> &str {
        self.text(self.texts.inject_title(i), "a development")
    }

    /// A message the reader knows of, in words: "Ardenia's concern about "Blackout"".
    pub fn message(&self, id: MessageId) -> String {
        match self.texts.message(id) {
            Some(m) => format!(
                "{}'s {}",
                self.state(m.from.state),
                self.payload(&m.payload).0
            ),
            None => "an earlier message".into(),
        }
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
                let n = match facts.len() {
                    0 => "everything it knows".to_owned(),
                    1 => "1 fact".to_owned(),
                    n => format!("{n} facts"),
                };
                format!(
                    "{kind}: {n} on {} with {}",
                    Quoted(self.incident(*incident)),
                    self.state(*to)
                )
            }
            Action::RequestAssistance { to, incident, .. }
            | Action::ProvideAssistance { to, incident } => format!(
                "{kind}: {} — {}",
                self.state(*to),
                Quoted(self.incident(*incident))
            ),
            Action::JointAnalysis { with, incident } => format!(
                "{kind} with {} of {}",
                self.state(*with),
                Quoted(self.incident(*incident))
            ),
            Action::NationalCoordination { incident } => match incident {
                Some(i) => format!("{kind} on {}", Quoted(self.incident(*i))),
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
            Action::PublicAttribution { incident, to, .. } => format!(
                "{kind}: {} blamed on {}",
                Quoted(self.incident(*incident)),
                self.origin(*to)
            ),
            Action::Countermeasure { against, .. } => {
                format!("{kind} against {}", self.state(*against))
            }
            Action::Respond { message, .. } => format!("Answer {}", self.message(*message)),
            Action::UpdateContacts | Action::Pass => kind.to_owned(),
        }
    }

    /// What a message carries, in words, and its text if any.
    pub fn payload(&self, p: &Payload) -> (String, Option<String>) {
        match p {
            Payload::Note { text } => ("message".into(), non_empty(text)),
            Payload::Concern { incident, text } => (
                match incident {
                    Some(i) => format!("concern about {}", Quoted(self.incident(*i))),
                    None => "concern".into(),
                },
                non_empty(text),
            ),
            Payload::Request { incident, text } => (
                format!(
                    "request for assistance with {}",
                    Quoted(self.incident(*incident))
                ),
                non_empty(text),
            ),
            Payload::Share { incident, facts } => (
                format!(
                    "information on {} ({})",
                    Quoted(self.incident(*incident)),
                    count(facts.len(), "fact", "facts")
                ),
                None,
            ),
            Payload::Assistance { incident } => (
                format!("assistance with {}", Quoted(self.incident(*incident))),
                None,
            ),
            Payload::JointAnalysis { incident } => (
                format!("joint analysis of {}", Quoted(self.incident(*incident))),
                None,
            ),
            Payload::Response { to, text } => {
                (format!("answer to {}", self.message(*to)), non_empty(text))
            }
        }
    }

    fn cause(&self, c: &Cause) -> String {
        match c {
            Cause::Inject(i) => Quoted(self.inject(*i)).to_string(),
            Cause::Action { kind, .. } => kind.label().to_lowercase(),
            Cause::Delivered { message } => {
                format!("dialogue: {} got through", self.message(*message))
            }
            Cause::ConcernIgnored { message } => {
                format!("{} went unanswered", self.message(*message))
            }
            Cause::Facilitator { reason } => format!("exercise control: {reason}"),
        }
    }

    /// The seat's inbox in words, newest first: the events of `view` that
    /// [`in_inbox`] lists for its State. The native and web participant views both
    /// show it (with [`INBOX_EMPTY`] when there is nothing).
    pub fn inbox(&self, view: &SeatView) -> Vec<Line> {
        let mine = view.seat.state();
        view.events
            .iter()
            .rev()
            .filter(|e| in_inbox(&e.kind, mine))
            .filter_map(|e| self.line(e))
            .collect()
    }

    /// The event in words, as far as the reader's texts allow. Every event kind has
    /// a line today (always `Some`); callers should still allow `None`.
    pub fn line(&self, e: &Event) -> Option<Line> {
        let (kind, mood, title, body) = self.describe(e);
        Some(Line {
            seq: e.seq,
            round: e.round,
            kind,
            mood,
            title,
            body,
        })
    }

    fn describe(&self, e: &Event) -> (Kind, Mood, String, Option<String>) {
        use Mood::Neutral;
        let plain = |kind, title: String| (kind, Neutral, title, None);
        match &e.kind {
            EventKind::SeatTaken { seat, name } => plain(
                Kind::Control,
                format!("{name} takes the seat of {}", self.seat(*seat)),
            ),
            EventKind::SeatFreed { seat } => {
                plain(Kind::Control, format!("{} is free", self.seat(*seat)))
            }
            EventKind::ExerciseStarted => plain(Kind::Round, "The exercise begins".into()),
            EventKind::RoundOpened => plain(
                Kind::Round,
                self.texts
                    .round_title(e.round)
                    .map(|t| t.get(self.lang).to_owned())
                    .filter(|t| !t.is_empty())
                    .unwrap_or_else(|| format!("Round {}", e.round)),
            ),
            EventKind::InjectRevealed { inject, .. } => (
                Kind::Inject,
                Neutral,
                self.inject(*inject).to_owned(),
                self.texts
                    .inject_text(*inject)
                    .and_then(|t| non_empty(t.get(self.lang))),
            ),
            EventKind::AdHocInject { title, text } => {
                (Kind::Inject, Neutral, title.clone(), non_empty(text))
            }
            EventKind::IncidentOpened { incident } => self.incident_opened(*incident),
            EventKind::FactLearned { body, fact, via } => (
                Kind::Fact,
                Neutral,
                format!("{} learns ({})", self.body(*body), self.via(*via)),
                Some(self.fact(*fact).to_owned()),
            ),
            EventKind::TensionChanged {
                a,
                b,
                delta,
                value,
                cause,
            } => self.tension(*a, *b, *delta, *value, cause),
            EventKind::ContactBroken { state, level } => plain(
                Kind::Control,
                format!(
                    "{}'s {level} contact data is now wrong (not yet noticed)",
                    self.state(*state)
                ),
            ),
            EventKind::DeliberationBegun { seconds } => plain(
                Kind::Round,
                if *seconds > 0 {
                    format!("Deliberation open — {} min", seconds.div_ceil(60))
                } else {
                    "Deliberation open".into()
                },
            ),
            EventKind::ActionSubmitted { actor, action, .. } => plain(
                Kind::Action,
                format!("{} stages: {}", self.body(*actor), self.action(action)),
            ),
            EventKind::ActionWithdrawn { id } => {
                plain(Kind::Action, format!("Withdrawn: {}", self.staged(*id)))
            }
            EventKind::SeatReady { seat } => {
                plain(Kind::Round, format!("{} is ready", self.seat(*seat)))
            }
            EventKind::TurnPassed { to } => match to {
                Some(s) => plain(Kind::Round, format!("{}'s turn", self.state(*s))),
                None => plain(Kind::Round, "Every State has had its turn".into()),
            },
            EventKind::DeliberationClosed => {
                plain(Kind::Round, "Deliberation closed — resolving".into())
            }
            EventKind::ActionResolved { actor, kind, .. } => plain(
                Kind::Action,
                format!("{}: {}", self.body(*actor), measure_tag(*kind)),
            ),
            EventKind::ActionVoid { id, reason } => plain(
                Kind::Action,
                format!("{} could not take effect: {reason}", self.staged(*id)),
            ),
            EventKind::MessageSent { message, .. } => self.sent(message),
            EventKind::MessageDelivered {
                message,
                to_body,
                late,
                ..
            } => self.delivered(message, *to_body, *late),
            EventKind::MessageDelayed { id } => plain(Kind::Control, self.delayed(*id)),
            EventKind::MessageLost { id, to, level } => plain(
                Kind::Message,
                format!(
                    "{} to {} bounced: {}'s {level} contact entry in the directory is wrong",
                    capitalise(&self.message(*id)),
                    self.state(*to),
                    self.state(*to)
                ),
            ),
            EventKind::CheckResult {
                by,
                target,
                level,
                answer,
            } => plain(
                Kind::Directory,
                format!(
                    "Communication check by {} of {}'s {level} contact point: {}",
                    self.state(*by),
                    self.state(*target),
                    answer.label()
                ),
            ),
            EventKind::ContactsUpdated { state } => plain(
                Kind::Directory,
                format!("{} updated its contact-point entries", self.state(*state)),
            ),
            EventKind::Coordinated { state, .. } => plain(
                Kind::Action,
                format!("{} co-ordinated its national bodies", self.state(*state)),
            ),
            EventKind::Statement {
                by,
                tone,
                about,
                text,
            } => self.statement(*by, *tone, *about, text),
            EventKind::Attribution {
                by,
                incident,
                to,
                text,
                ..
            } => (
                Kind::Public,
                Mood::Straining,
                format!(
                    "{} publicly attributes {} to {}",
                    self.state(*by),
                    Quoted(self.incident(*incident)),
                    self.origin(*to)
                ),
                non_empty(text),
            ),
            EventKind::AttributionAssessed {
                correct,
                substantiated,
                ..
            } => plain(
                Kind::Control,
                format!(
                    "That attribution was {} and {}",
                    if *correct { "right" } else { "wrong" },
                    if *substantiated {
                        "backed by evidence the State held"
                    } else {
                        "not backed by any evidence it held"
                    }
                ),
            ),
            EventKind::Countermeasure {
                by, against, text, ..
            } => (
                Kind::Public,
                Mood::Straining,
                format!(
                    "{} takes countermeasures against {}",
                    self.state(*by),
                    self.state(*against)
                ),
                non_empty(text),
            ),
            EventKind::Passed { actor } => {
                plain(Kind::Action, format!("{} passes", self.body(*actor)))
            }
            EventKind::ConcernExpired { id } => (
                Kind::Message,
                Mood::Straining,
                format!(
                    "{} went unanswered past the next round",
                    capitalise(&self.message(*id))
                ),
                None,
            ),
            EventKind::RoundResolved => plain(Kind::Round, format!("Round {} resolved", e.round)),
            EventKind::Annotation { text } => {
                (Kind::Control, Neutral, "Note".into(), Some(text.clone()))
            }
            EventKind::Paused => plain(Kind::Round, "Paused".into()),
            EventKind::Resumed => plain(Kind::Round, "Resumed".into()),
            EventKind::ExerciseEnded => plain(Kind::Round, "The exercise ends".into()),
        }
    }

    fn via(&self, via: Via) -> String {
        match via {
            Via::Incident => "held from the start".into(),
            Via::Inject(_) => "from an inject".into(),
            Via::Coordination => "through national co-ordination".into(),
            Via::Shared { from } => format!("shared by {}", self.state(from)),
            Via::JointAnalysis { with } => format!("joint analysis with {}", self.state(with)),
            Via::Assistance { from } => format!("assistance from {}", self.state(from)),
            Via::Discovered => "uncovered by analysis".into(),
            Via::Facilitator => "from exercise control".into(),
        }
    }

    /// An action staged earlier, by the number of its submission.
    fn staged(&self, id: u32) -> String {
        match self.texts.staged_action(id) {
            Some(a) => Quoted(self.action(a)).to_string(),
            None => "An action".into(),
        }
    }

    fn incident_opened(&self, i: IncidentId) -> (Kind, Mood, String, Option<String>) {
        let hit = self.texts.incident_affected(i).map(|set| {
            set.iter()
                .map(|s| self.state(s))
                .collect::<Vec<_>>()
                .join(", ")
        });
        let title = match hit {
            Some(h) if !h.is_empty() => format!("Incident: {} (affects {h})", self.incident(i)),
            _ => format!("Incident: {}", self.incident(i)),
        };
        (
            Kind::Inject,
            Mood::Neutral,
            title,
            self.texts
                .incident_description(i)
                .and_then(|t| non_empty(t.get(self.lang))),
        )
    }

    fn tension(
        &self,
        a: StateId,
        b: StateId,
        delta: i8,
        value: u8,
        cause: &Cause,
    ) -> (Kind, Mood, String, Option<String>) {
        let s = self.scenario();
        let step = s
            .ladder
            .get(s.ladder_step(value))
            .map(|l| l.name.get(self.lang))
            .unwrap_or("");
        let mood = match delta.signum() {
            -1 => Mood::Easing,
            1 => Mood::Straining,
            _ => Mood::Neutral,
        };
        (
            Kind::Tension,
            mood,
            format!(
                "Tension {} – {}: {delta:+}, now {value} ({step}; {})",
                self.state(a),
                self.state(b),
                self.cause(cause)
            ),
            None,
        )
    }

    fn sent(&self, m: &Message) -> (Kind, Mood, String, Option<String>) {
        let (what, body) = self.payload(&m.payload);
        (
            Kind::Message,
            Mood::Neutral,
            format!(
                "{} sends {what} to {} ({} line)",
                self.body(m.from),
                self.state(m.to),
                m.level
            ),
            body,
        )
    }

    fn delivered(
        &self,
        m: &Message,
        to_body: BodyId,
        late: bool,
    ) -> (Kind, Mood, String, Option<String>) {
        let (what, body) = self.payload(&m.payload);
        let when = if late {
            format!(
                " — a round late: {}'s {} contact entry was stale",
                self.state(m.to),
                m.level
            )
        } else {
            String::new()
        };
        (
            Kind::Message,
            Mood::Easing,
            format!(
                "{} from {} reached {}{when}",
                capitalise(&what),
                self.body(m.from),
                self.body(to_body)
            ),
            body,
        )
    }

    fn delayed(&self, id: MessageId) -> String {
        match self.texts.message(id) {
            Some(m) => {
                let months = self
                    .scenario()
                    .states
                    .get(m.to.index())
                    .map(|s| s.contacts[level_index(m.level)].verified_months_ago);
                format!(
                    "{} to {} is held up until next round: {}'s {} contact entry is stale{}",
                    capitalise(&self.message(id)),
                    self.state(m.to),
                    self.state(m.to),
                    m.level,
                    months
                        .map(|n| format!(" (last verified {n} months before the exercise)"))
                        .unwrap_or_default()
                )
            }
            None => "A message is held up by stale contact data".into(),
        }
    }

    fn statement(
        &self,
        by: StateId,
        tone: Tone,
        about: Option<StateId>,
        text: &str,
    ) -> (Kind, Mood, String, Option<String>) {
        let mood = match tone {
            Tone::Conciliatory => Mood::Easing,
            Tone::Neutral => Mood::Neutral,
            Tone::Assertive | Tone::Accusatory => Mood::Straining,
        };
        let title = match about {
            Some(s) => format!(
                "{} — {} statement about {}",
                self.state(by),
                tone.label(),
                self.state(s)
            ),
            None => format!("{} — {} statement", self.state(by), tone.label()),
        };
        (Kind::Public, mood, title, non_empty(text))
    }
}

fn level_index(level: Level) -> usize {
    crate::scenario::level_index(level)
}

fn non_empty(s: &str) -> Option<String> {
    (!s.trim().is_empty()).then(|| s.to_owned())
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => String::new(),
    }
}

/// "1 fact", "3 facts".
pub fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

/// "Joint analysis [Measure 2]".
pub fn measure_tag(kind: ActionKind) -> String {
    match kind.measure() {
        Some(m) => format!("{} [{}]", kind.label(), m.label()),
        None => kind.label().to_owned(),
    }
}

/// Whether a seat's inbox shows this event (for a seat of State `mine`; `None` for
/// seats of no State): injects, incidents, statements, attributions, countermeasures,
/// lost messages, check results, expired concerns, facts learned, actions that could
/// not take effect, messages to or from its State and tension changes involving it.
/// The native and web participant views both list by it.
pub fn in_inbox(e: &EventKind, mine: Option<StateId>) -> bool {
    match e {
        EventKind::InjectRevealed { .. }
        | EventKind::AdHocInject { .. }
        | EventKind::IncidentOpened { .. }
        | EventKind::Statement { .. }
        | EventKind::Attribution { .. }
        | EventKind::Countermeasure { .. }
        | EventKind::MessageLost { .. }
        | EventKind::CheckResult { .. }
        | EventKind::ConcernExpired { .. }
        | EventKind::FactLearned { .. }
        | EventKind::ActionVoid { .. } => true,
        EventKind::MessageDelivered { message, .. } => {
            Some(message.to) == mine || Some(message.from.state) == mine
        }
        EventKind::TensionChanged { a, b, .. } => mine.is_some_and(|m| *a == m || *b == m),
        _ => false,
    }
}

/// What an empty inbox says.
pub const INBOX_EMPTY: &str =
    "Nothing yet. Injects, messages and public statements will appear here.";

/// Whether the board's public feed (the projector, the web `/board`) shows this event:
/// injects, incidents, statements, attributions, countermeasures, directory updates
/// and round openings; not the tension changes and bookkeeping around them.
pub fn on_board(kind: &EventKind) -> bool {
    matches!(
        kind,
        EventKind::InjectRevealed { .. }
            | EventKind::AdHocInject { .. }
            | EventKind::IncidentOpened { .. }
            | EventKind::Statement { .. }
            | EventKind::Attribution { .. }
            | EventKind::Countermeasure { .. }
            | EventKind::ContactsUpdated { .. }
            | EventKind::RoundOpened
    )
}

/// Scenario or participant text inside a sentence, in double quotes: as it is when it
/// already comes in quotes of its own (`"We are investigating"`), in “ ” when it
/// holds straight quotes inside (`“"Hillmark attack" claims”`, not
/// `""Hillmark attack" claims"`), else in `" "`. Opening marks counted: `"` `“` `„`
/// `«` `'` `‘`; closing: `"` `”` `“` `»` `'` `’`.
pub struct Quoted<T: AsRef<str>>(pub T);

impl<T: AsRef<str>> fmt::Display for Quoted<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        const OPEN: [char; 6] = ['"', '“', '„', '«', '\'', '‘'];
        const CLOSE: [char; 6] = ['"', '”', '“', '»', '\'', '’'];
        let t = self.0.as_ref();
        let mut chars = t.chars();
        let wrapped = t.chars().count() >= 2
            && chars.next().is_some_and(|c| OPEN.contains(&c))
            && chars.next_back().is_some_and(|c| CLOSE.contains(&c));
        if wrapped {
            f.write_str(t)
        } else if t.contains('"') {
            write!(f, "“{t}”")
        } else {
            write!(f, "\"{t}\"")
        }
    }
}

#[cfg(test)]
mod quoted_tests {
    use super::Quoted;

    #[test]
    fn text_is_quoted_once() {
        let q = |t: &str| Quoted(t).to_string();
        assert_eq!(q("Outage"), "\"Outage\"");
        assert_eq!(q("\"We are investigating\""), "\"We are investigating\"");
        assert_eq!(q("“Already”"), "“Already”");
        assert_eq!(
            q("\"Hillmark attack\" claims"),
            "“\"Hillmark attack\" claims”"
        );
        assert_eq!(q("\""), "“\"”");
        assert_eq!(q(""), "\"\"");
    }
}
