//! Everything that happens, as events. Each event says who may see it; the journal
//! is a list of these, and state, views, objectives and reports are folds over it.

use serde::{Deserialize, Serialize};

use super::command::{Action, ActionId, MessageId, Seat};
use crate::scenario::{
    ActionKind, Audience, BodyId, FactId, IncidentId, InjectId, Level, Origin, StateId, Tone,
};

/// One thing that happened in an exercise: one line of the journal. Made only by the
/// engine (`execute::Ctx::emit`) and applied to the situation as it is made.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the journal, from 0. Also the id of whatever the event creates.
    pub seq: u32,
    /// The round in which it happened (0 before the exercise starts).
    pub round: u8,
    /// Who may see it ([`Audience::includes`] decides for each seat).
    pub audience: Audience,
    /// What happened.
    pub kind: EventKind,
}

/// What a message carries. Information exchange, assistance and joint analysis travel
/// through the technical contact point like any message, so stale contact data slows
/// measure 2 as well as measure 8.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Payload {
    /// A free-text policy or technical message (measure 8); which one is the
    /// message's [`Message::level`].
    Note {
        /// The message.
        text: String,
    },
    /// A concern raised on the rapid policy line (measure 8); expected to be answered
    /// by the end of the round after it arrives.
    Concern {
        /// The incident it is about, if any.
        incident: Option<IncidentId>,
        /// The concern.
        text: String,
    },
    /// A request for assistance with an incident (measure 2).
    Request {
        /// The incident.
        incident: IncidentId,
        /// The request.
        text: String,
    },
    /// Information shared about an incident (measure 2): the receiving body learns
    /// these facts on delivery.
    Share {
        /// The incident.
        incident: IncidentId,
        /// The facts sent: those chosen, or, if none were, every fact of the incident
        /// the acting body knew when it was sent.
        facts: Vec<FactId>,
    },
    /// Assistance provided with an incident (measure 2).
    Assistance {
        /// The incident.
        incident: IncidentId,
    },
    /// A joint analysis of an incident (measure 2).
    JointAnalysis {
        /// The incident.
        incident: IncidentId,
    },
    /// A reply to a received message; goes straight back to the sender's body.
    Response {
        /// The message answered.
        to: MessageId,
        /// The reply.
        text: String,
    },
}

impl Payload {
    /// What it is, in words: `"message"`, `"request for assistance"`, ...
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

/// A message between States, as sent.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Message {
    /// The body that sent it (the acting body).
    pub from: BodyId,
    /// The State it is for; it arrives at the body holding that State's entry at
    /// `level` (a reply: at the original sender's body).
    pub to: StateId,
    /// The directory entry it goes through (a reply keeps the original's level).
    pub level: Level,
    /// What it carries.
    pub payload: Payload,
}

/// How a body came to know a fact.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Via {
    /// It held the fact when the incident opened.
    Incident,
    /// An inject's `RevealFact` effect.
    Inject(InjectId),
    /// National co-ordination within its own State.
    Coordination,
    /// Information shared by another State.
    Shared {
        /// The sharing State.
        from: StateId,
    },
    /// A joint analysis with another State.
    JointAnalysis {
        /// The partner State.
        with: StateId,
    },
    /// Assistance provided by another State.
    Assistance {
        /// The helping State.
        from: StateId,
    },
    /// Hidden evidence uncovered by joint analysis or assistance.
    Discovered,
    /// Exercise control told it (`Command::RevealFact`).
    Facilitator,
}

/// What a communication check found at one contact point.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Answer {
    /// Current and correct: answered at once.
    Prompt,
    /// Correct but not verified for over a year (stale): answered after a delay.
    Slow,
    /// Wrong data: nobody answered.
    None,
}

impl Answer {
    /// The answer in words: `"answered promptly"`, `"answered slowly"`, `"no answer"`.
    pub fn label(self) -> &'static str {
        match self {
            Answer::Prompt => "answered promptly",
            Answer::Slow => "answered slowly",
            Answer::None => "no answer",
        }
    }
}

/// Why an inject fired.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InjectSource {
    /// Its round opened (`when: Round(n)`).
    Scheduled,
    /// Its trigger condition held at a round opening.
    Triggered,
    /// Exercise control revealed it (`Command::RevealInject`).
    Facilitator,
}

/// Why tension moved.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Cause {
    /// An inject's `Tension` effect.
    Inject(InjectId),
    /// An action that moves tension when it resolves: a public statement, a public
    /// attribution or a countermeasure.
    Action {
        /// The staged action.
        action: ActionId,
        /// Its kind.
        kind: ActionKind,
    },
    /// A message was delivered.
    Delivered {
        /// The message.
        message: MessageId,
    },
    /// A concern expired unanswered.
    ConcernIgnored {
        /// The concern.
        message: MessageId,
    },
    /// Exercise control adjusted it by hand.
    Facilitator {
        /// Control's reason, for the debrief.
        reason: String,
    },
}

/// Where the exercise is in its cycle (docs/scenario-format.md §16 "The round
/// cycle"): Setup → (Briefing → Deliberation → Debrief) per round → Ended.
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
    /// The exercise is over (control ended it; may happen in any phase after Setup).
    Ended,
}

impl Phase {
    /// The phase's name: `"Setup"`, `"Briefing"`, ...
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

/// What happened. The audience each kind is made with is given per variant (the
/// engine decides it in `execute` and `resolve`; `integrity` checks it on replay).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum EventKind {
    /// Control recorded who sits in a seat (public).
    SeatTaken {
        /// The seat.
        seat: Seat,
        /// The participant's name, trimmed (1–80 characters).
        name: String,
    },
    /// Control recorded that a seat is empty (public).
    SeatFreed {
        /// The seat.
        seat: Seat,
    },
    /// The exercise began (public); round 1 opens next.
    ExerciseStarted,
    /// A round opened (public); the event's `round` is the new round. Scheduled and
    /// triggered injects follow.
    RoundOpened,
    /// An inject was shown, to its own audience (a `Bodies` inject gives one event per
    /// body; a `Control` inject, one for control).
    InjectRevealed {
        /// The inject.
        inject: InjectId,
        /// Why it fired.
        source: InjectSource,
    },
    /// Control's improvised inject, to the audience control chose.
    AdHocInject {
        /// Its title.
        title: String,
        /// Its text.
        text: String,
    },
    /// An incident began: to its affected States and whoever the opening inject
    /// reached (a `Control` inject, or control's fact reveal: the affected States only).
    IncidentOpened {
        /// The incident.
        incident: IncidentId,
    },
    /// A body learned a fact it did not know (to that body only).
    FactLearned {
        /// The body.
        body: BodyId,
        /// The fact.
        fact: FactId,
        /// How.
        via: Via,
    },
    /// Tension between two States moved (public). Only made when the value changes.
    TensionChanged {
        /// One State of the pair: for an action or a message, the acting or sending
        /// State; for an inject or control, the pair's first State as given.
        a: StateId,
        /// The other State.
        b: StateId,
        /// The change asked for, in tension points; the value may have moved less
        /// when clamped at 0 or 100.
        delta: i8,
        /// The new tension, 0–100.
        value: u8,
        /// Why.
        cause: Cause,
    },
    /// A directory entry became wrong by an inject's `BreakContact` (control only;
    /// players find out from lost messages and communication checks).
    ContactBroken {
        /// The State whose entry broke.
        state: StateId,
        /// Which entry.
        level: Level,
    },
    /// Deliberation began (public); messages held up last round arrive next.
    DeliberationBegun {
        /// The clock in seconds (0: none).
        seconds: u32,
    },
    /// A seat staged an action (to the acting body's State). Its `seq` is the
    /// action's id.
    ActionSubmitted {
        /// Equal to the event's own `seq`.
        id: ActionId,
        /// The seat that staged it.
        seat: Seat,
        /// The body it acts as.
        actor: BodyId,
        /// The action.
        action: Action,
    },
    /// A staged action was taken back (to the acting State).
    ActionWithdrawn {
        /// The action.
        id: ActionId,
    },
    /// A seat is done for the round (public).
    SeatReady {
        /// The seat.
        seat: Seat,
    },
    /// Sequential order: the turn passes (public).
    TurnPassed {
        /// The next State in file order; `None` after the last State.
        to: Option<StateId>,
    },
    /// Control closed deliberation (public); resolution follows.
    DeliberationClosed,
    /// An action took effect (its consequences follow as further events).
    /// To the acting State.
    ActionResolved {
        /// The action.
        id: ActionId,
        /// The acting body.
        actor: BodyId,
        /// Its kind (counts as "used" for conditions and objectives).
        kind: ActionKind,
    },
    /// It could no longer take effect (e.g. the message was answered meanwhile).
    /// To the acting State; it does not count as used.
    ActionVoid {
        /// The action.
        id: ActionId,
        /// The [`super::Rejection`] in words.
        reason: String,
    },
    /// A message left (to the sender's State). Its `seq` is the message's id.
    MessageSent {
        /// Equal to the event's own `seq`.
        id: MessageId,
        /// The message.
        message: Message,
    },
    /// A message arrived (to both States); its effects follow.
    MessageDelivered {
        /// The message.
        id: MessageId,
        /// The message again, so the recipient's view needs no other event.
        message: Message,
        /// The body it reached: the holder of the recipient's entry at its level, or,
        /// for a reply, the original sender's body.
        to_body: BodyId,
        /// It was held up by a stale entry and arrives as deliberation begins.
        late: bool,
    },
    /// Stale contact data: it will arrive next round. Only control knows yet.
    MessageDelayed {
        /// The message.
        id: MessageId,
    },
    /// Wrong contact data: it bounced. The sender's State is told.
    MessageLost {
        /// The message.
        id: MessageId,
        /// The State it was for.
        to: StateId,
        /// The entry that was wrong.
        level: Level,
    },
    /// One entry's answer to a communication check (to both States: that is how a
    /// State learns its own data is wrong).
    CheckResult {
        /// The checking State.
        by: StateId,
        /// The State whose entry was checked.
        target: StateId,
        /// Which entry.
        level: Level,
        /// How it answered.
        answer: Answer,
    },
    /// A State's two entries became correct and verified now (public).
    ContactsUpdated {
        /// The State.
        state: StateId,
    },
    /// A State co-ordinated nationally (to that State); `FactLearned` events follow.
    Coordinated {
        /// The State.
        state: StateId,
        /// The incident, or `None` for every open incident.
        incident: Option<IncidentId>,
    },
    /// A public statement (public).
    Statement {
        /// The speaking State.
        by: StateId,
        /// Its tone.
        tone: Tone,
        /// The State addressed, if any.
        about: Option<StateId>,
        /// The statement.
        text: String,
    },
    /// A public attribution (public).
    Attribution {
        /// The action.
        id: ActionId,
        /// The attributing State.
        by: StateId,
        /// The incident.
        incident: IncidentId,
        /// The accused.
        to: Origin,
        /// The statement.
        text: String,
    },
    /// Control's view of an attribution: was it right, and did the attributor hold
    /// evidence pointing that way?
    AttributionAssessed {
        /// The attribution's action id.
        id: ActionId,
        /// The accused is the incident's true origin.
        correct: bool,
        /// The attributing State knew a fact of the incident pointing at the accused.
        substantiated: bool,
    },
    /// A countermeasure (public).
    Countermeasure {
        /// The acting State.
        by: StateId,
        /// The target.
        against: StateId,
        /// The incident it answers, if any.
        incident: Option<IncidentId>,
        /// What is done.
        text: String,
    },
    /// A body passed (to its State).
    Passed {
        /// The body.
        actor: BodyId,
    },
    /// A concern delivered in an earlier round went unanswered past this round's
    /// resolution (to both States); +5 tension follows. It counts as closed.
    ConcernExpired {
        /// The concern.
        id: MessageId,
    },
    /// Resolution is over (public): the round's debrief.
    RoundResolved,
    /// Control's note in the record (control only).
    Annotation {
        /// The note.
        text: String,
    },
    /// Control paused the exercise (public).
    Paused,
    /// Control resumed it (public).
    Resumed,
    /// Control ended the exercise (public).
    ExerciseEnded,
}
