//! Everything that happens, as events. Each event says who may see it; the journal
//! is a list of these, and state, views, objectives and reports are folds over it.

use serde::{Deserialize, Serialize};

use super::command::{Action, ActionId, MessageId, Seat};
use crate::scenario::{
    ActionKind, Audience, BodyId, FactId, IncidentId, InjectId, Level, Origin, StateId, Tone,
};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the journal, from 0. Also the id of whatever the event creates.
    pub seq: u32,
    /// The round in which it happened (0 before the exercise starts).
    pub round: u8,
    pub audience: Audience,
    pub kind: EventKind,
}

/// What a message carries. Information exchange, assistance and joint analysis travel
/// through the technical contact point like any message, so stale contact data slows
/// measure 2 as well as measure 8.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Payload {
    Note {
        text: String,
    },
    Concern {
        incident: Option<IncidentId>,
        text: String,
    },
    Request {
        incident: IncidentId,
        text: String,
    },
    Share {
        incident: IncidentId,
        facts: Vec<FactId>,
    },
    Assistance {
        incident: IncidentId,
    },
    JointAnalysis {
        incident: IncidentId,
    },
    Response {
        to: MessageId,
        text: String,
    },
}

impl Payload {
    pub fn label(&self) -> &'static str {
        match self {
            Payload::Note { .. } => "message",
            Payload::Concern { .. } => "concern (national-security line)",
            Payload::Request { .. } => "request for assistance",
            Payload::Share { .. } => "information exchange",
            Payload::Assistance { .. } => "assistance",
            Payload::JointAnalysis { .. } => "joint analysis",
            Payload::Response { .. } => "response",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    pub from: BodyId,
    pub to: StateId,
    pub level: Level,
    pub payload: Payload,
}

/// How a body came to know a fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Via {
    /// It held the fact when the incident opened.
    Incident,
    Inject(InjectId),
    Coordination,
    Shared {
        from: StateId,
    },
    JointAnalysis {
        with: StateId,
    },
    Assistance {
        from: StateId,
    },
    /// Hidden evidence uncovered by joint analysis or assistance.
    Discovered,
    Facilitator,
}

/// What a communication check found at one contact point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// Current and correct: answered at once.
    Prompt,
    /// Correct but not verified for over a year: answered after a delay.
    Slow,
    /// Wrong data: nobody answered.
    None,
}

impl Answer {
    pub fn label(self) -> &'static str {
        match self {
            Answer::Prompt => "answered promptly",
            Answer::Slow => "answered slowly",
            Answer::None => "no answer",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InjectSource {
    Scheduled,
    Triggered,
    Facilitator,
}

/// Why tension moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cause {
    Inject(InjectId),
    Action { action: ActionId, kind: ActionKind },
    Delivered { message: MessageId },
    ConcernIgnored { message: MessageId },
    Facilitator { reason: String },
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Phase {
    /// Seats are being filled; the exercise has not begun.
    Setup,
    /// A round is open and its injects are out; the room discusses them.
    Briefing,
    /// Seats stage actions.
    Deliberation,
    /// Actions are resolved; the room discusses the outcomes.
    Debrief,
    Ended,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::Setup => "Setup",
            Phase::Briefing => "Briefing",
            Phase::Deliberation => "Deliberation",
            Phase::Debrief => "Debrief",
            Phase::Ended => "Ended",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EventKind {
    SeatTaken {
        seat: Seat,
        name: String,
    },
    SeatFreed {
        seat: Seat,
    },
    ExerciseStarted,
    RoundOpened,
    InjectRevealed {
        inject: InjectId,
        source: InjectSource,
    },
    AdHocInject {
        title: String,
        text: String,
    },
    IncidentOpened {
        incident: IncidentId,
    },
    FactLearned {
        body: BodyId,
        fact: FactId,
        via: Via,
    },
    TensionChanged {
        a: StateId,
        b: StateId,
        delta: i8,
        value: u8,
        cause: Cause,
    },
    ContactBroken {
        state: StateId,
        level: Level,
    },
    DeliberationBegun {
        seconds: u32,
    },
    ActionSubmitted {
        id: ActionId,
        seat: Seat,
        actor: BodyId,
        action: Action,
    },
    ActionWithdrawn {
        id: ActionId,
    },
    SeatReady {
        seat: Seat,
    },
    TurnPassed {
        to: Option<StateId>,
    },
    DeliberationClosed,
    /// An action took effect (its consequences follow as further events).
    ActionResolved {
        id: ActionId,
        actor: BodyId,
        kind: ActionKind,
    },
    /// It could no longer take effect (e.g. the message was answered meanwhile).
    ActionVoid {
        id: ActionId,
        reason: String,
    },
    MessageSent {
        id: MessageId,
        message: Message,
    },
    MessageDelivered {
        id: MessageId,
        message: Message,
        to_body: BodyId,
        late: bool,
    },
    /// Stale contact data: it will arrive next round. Only control knows yet.
    MessageDelayed {
        id: MessageId,
    },
    /// Wrong contact data: it bounced.
    MessageLost {
        id: MessageId,
        to: StateId,
        level: Level,
    },
    CheckResult {
        by: StateId,
        target: StateId,
        level: Level,
        answer: Answer,
    },
    ContactsUpdated {
        state: StateId,
    },
    Coordinated {
        state: StateId,
        incident: Option<IncidentId>,
    },
    Statement {
        by: StateId,
        tone: Tone,
        about: Option<StateId>,
        text: String,
    },
    Attribution {
        id: ActionId,
        by: StateId,
        incident: IncidentId,
        to: Origin,
        text: String,
    },
    /// Control's view of an attribution: was it right, and did the attributor hold
    /// evidence pointing that way?
    AttributionAssessed {
        id: ActionId,
        correct: bool,
        substantiated: bool,
    },
    Countermeasure {
        by: StateId,
        against: StateId,
        incident: Option<IncidentId>,
        text: String,
    },
    Passed {
        actor: BodyId,
    },
    ConcernExpired {
        id: MessageId,
    },
    RoundResolved,
    Annotation {
        text: String,
    },
    Paused,
    Resumed,
    ExerciseEnded,
}
