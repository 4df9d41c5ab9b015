//! What seats ask for. Commands are checked against the sender's seat and the phase,
//! then executed into events; they never change state themselves.

use serde::{Deserialize, Serialize};

use super::check::Rejection;
use crate::scenario::{
    ActionKind, BodyId, FactId, IncidentId, InjectId, Level, Need, Origin, StateId, StateSet, Tone,
};

/// Identifies a staged action within an exercise: the `seq` of its `ActionSubmitted`
/// event (0-based position in the journal), so unique and increasing.
pub type ActionId = u32;
/// Identifies a message: the `seq` of the `MessageSent` event that sent it.
pub type MessageId = u32;

/// A player's choice for the round. Each says which measure it applies via [`Action::kind`].
/// What each does in the rules, and the tension it causes, is in
/// docs/scenario-format.md §14 and §16. Free text is at most
/// [`super::check::MAX_TEXT_CHARS`] characters and may be empty; other States named
/// must differ from the actor's own; incidents must be known to the seat
/// ([`super::check::check_action`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// Measure 2: send facts about an incident to another State's technical contact.
    /// An empty list shares every fact the acting body knows about the incident.
    ShareInformation {
        /// The receiving State (its technical contact body learns the facts).
        to: StateId,
        /// The incident the facts are about.
        incident: IncidentId,
        /// Facts of that incident the acting body knows; empty: all it knows of it.
        facts: Vec<FactId>,
    },
    /// Measure 2: ask another State for help with an incident (no facts move).
    RequestAssistance {
        /// The State asked.
        to: StateId,
        /// The incident help is asked with.
        incident: IncidentId,
        /// The request in words.
        text: String,
    },
    /// Measure 2: the receiving body learns every fact the acting body knows of the
    /// incident; both uncover its hidden facts.
    ProvideAssistance {
        /// The State helped.
        to: StateId,
        /// The incident.
        incident: IncidentId,
    },
    /// Measure 2: both bodies pool what they know of the incident and uncover its
    /// hidden facts.
    JointAnalysis {
        /// The partner State.
        with: StateId,
        /// The incident analysed.
        incident: IncidentId,
    },
    /// Measure 2 at home: what one body knows, all the State's bodies learn.
    /// `None` covers every open incident.
    NationalCoordination {
        /// One incident, or `None` for every open incident.
        incident: Option<IncidentId>,
    },
    /// Measure 8: a message to a contact point at one level
    /// ([`ActionKind::PolicyMessage`] or [`ActionKind::TechnicalMessage`]).
    ContactMessage {
        /// The receiving State.
        to: StateId,
        /// Which of its directory entries the message goes through.
        level: Level,
        /// The message.
        text: String,
    },
    /// Measure 8: a concern on the rapid policy line; the recipient is expected to
    /// answer by the end of the next round (else +5 tension when it expires).
    RaiseConcern {
        /// The State the concern is raised with.
        to: StateId,
        /// The incident it is about, if any.
        incident: Option<IncidentId>,
        /// The concern in words.
        text: String,
    },
    /// Measure 8: both of the State's own directory entries become correct and
    /// verified now; resolves first in its resolution.
    UpdateContacts,
    /// Ping the contact points of these States (empty: every other State).
    CommunicationCheck {
        /// The States checked (never the actor's own); empty: every other State.
        targets: StateSet,
    },
    /// A public statement, optionally about one State.
    PublicStatement {
        /// The tone, which moves tension with `about`.
        tone: Tone,
        /// The State addressed, if any.
        about: Option<StateId>,
        /// The statement.
        text: String,
    },
    /// Publicly name who is held responsible for an incident.
    PublicAttribution {
        /// The incident attributed.
        incident: IncidentId,
        /// The accused: another State or a non-State actor.
        to: Origin,
        /// The statement.
        text: String,
    },
    /// A countermeasure against a State (+12 tension, +8 more without an incident).
    Countermeasure {
        /// The State it is aimed at.
        against: StateId,
        /// The incident it answers, if any.
        incident: Option<IncidentId>,
        /// What is done, in words.
        text: String,
    },
    /// Answer a message the State received (not a response, not yet answered).
    Respond {
        /// The message answered.
        message: MessageId,
        /// The reply.
        text: String,
    },
    /// Do nothing.
    Pass,
}

impl Action {
    /// The kind of action (a `ContactMessage` is a policy or a technical message by
    /// its level).
    pub fn kind(&self) -> ActionKind {
        match self {
            Action::ShareInformation { .. } => ActionKind::ShareInformation,
            Action::RequestAssistance { .. } => ActionKind::RequestAssistance,
            Action::ProvideAssistance { .. } => ActionKind::ProvideAssistance,
            Action::JointAnalysis { .. } => ActionKind::JointAnalysis,
            Action::NationalCoordination { .. } => ActionKind::NationalCoordination,
            Action::ContactMessage {
                level: Level::Policy,
                ..
            } => ActionKind::PolicyMessage,
            Action::ContactMessage {
                level: Level::Technical,
                ..
            } => ActionKind::TechnicalMessage,
            Action::RaiseConcern { .. } => ActionKind::RaiseConcern,
            Action::UpdateContacts => ActionKind::UpdateContacts,
            Action::CommunicationCheck { .. } => ActionKind::CommunicationCheck,
            Action::PublicStatement { .. } => ActionKind::PublicStatement,
            Action::PublicAttribution { .. } => ActionKind::PublicAttribution,
            Action::Countermeasure { .. } => ActionKind::Countermeasure,
            Action::Respond { .. } => ActionKind::Respond,
            Action::Pass => ActionKind::Pass,
        }
    }

    /// Free text a player typed, if the action carries any.
    pub fn text(&self) -> Option<&str> {
        match self {
            Action::RequestAssistance { text, .. }
            | Action::ContactMessage { text, .. }
            | Action::RaiseConcern { text, .. }
            | Action::PublicStatement { text, .. }
            | Action::PublicAttribution { text, .. }
            | Action::Countermeasure { text, .. }
            | Action::Respond { text, .. } => Some(text),
            _ => None,
        }
    }

    /// The other State an action is aimed at, if any.
    pub fn counterpart(&self) -> Option<StateId> {
        match self {
            Action::ShareInformation { to, .. }
            | Action::RequestAssistance { to, .. }
            | Action::ProvideAssistance { to, .. }
            | Action::ContactMessage { to, .. }
            | Action::RaiseConcern { to, .. } => Some(*to),
            Action::JointAnalysis { with, .. } => Some(*with),
            Action::Countermeasure { against, .. } => Some(*against),
            Action::PublicStatement { about, .. } => *about,
            Action::PublicAttribution {
                to: Origin::State(s),
                ..
            } => Some(*s),
            _ => None,
        }
    }
}

/// Who may say what: players stage actions; control runs the exercise.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    // ---- players ------------------------------------------------------------------
    /// Stage an action for this round, in the name of one of the seat's bodies.
    Submit {
        /// The acting body: the seat's own body, or any body of the seat's State.
        actor: BodyId,
        /// The action.
        action: Action,
    },
    /// Take back a staged action before resolution.
    Withdraw {
        /// The staged action, staged by this same seat this round.
        action: ActionId,
    },
    /// The seat has finished for this round (in sequential order: ends the State's turn).
    Ready,

    // ---- exercise control ------------------------------------------------------------
    /// Record who sits where (names go to the journal and the report).
    TakeSeat {
        /// A State, body or observer seat (not control).
        seat: Seat,
        /// The participant's name, 1–[`super::check::MAX_NAME_CHARS`] characters
        /// (trimmed when recorded).
        name: String,
    },
    /// Record that nobody sits in the seat any more.
    FreeSeat {
        /// A seat someone sits in.
        seat: Seat,
    },
    /// Begin the exercise: opens round 1.
    Start,
    /// Open the next round: its scheduled and triggered injects are revealed.
    OpenRound,
    /// End the briefing: seats may now submit actions. `seconds` 0 means no clock.
    /// Messages held up last round arrive now.
    BeginDeliberation {
        /// The deliberation clock in seconds, 0 (none) to
        /// [`super::check::MAX_ROUND_SECONDS`].
        seconds: u32,
    },
    /// Close deliberation and resolve every staged action.
    CloseDeliberation,
    /// Reveal an inject that has not fired yet (a `Manual` one, or a scheduled or
    /// triggered one early); its effects apply and it never fires again.
    RevealInject {
        /// The inject.
        inject: InjectId,
    },
    /// An inject that is not in the scenario (white-cell improvisation).
    AdHocInject {
        /// Who reads it.
        audience: InjectTarget,
        /// Its title, 1–[`super::check::MAX_TITLE_CHARS`] characters.
        title: String,
        /// Its text, at most [`super::check::MAX_TEXT_CHARS`] characters.
        text: String,
    },
    /// Move tension between two States by hand.
    AdjustTension {
        /// One State.
        a: StateId,
        /// Another State.
        b: StateId,
        /// Tension points, not 0; the result is clamped to 0–100.
        delta: i8,
        /// Why, for the debrief (required, not blank).
        reason: String,
    },
    /// Tell a body a fact (a facilitator's correction or hint); opens its incident if
    /// needed.
    RevealFact {
        /// The fact.
        fact: FactId,
        /// The body that learns it (must not know it already).
        to: BodyId,
    },
    /// A note in the record for exercise control and the report (control only sees it).
    Annotate {
        /// The note, not blank.
        text: String,
    },
    /// Pause the exercise: players cannot stage, withdraw or ready.
    Pause,
    /// Resume a paused exercise.
    Resume,
    /// End the exercise (at any phase after the start).
    End,
}

pub use super::seat::Seat;

/// The audience of an ad-hoc inject. Exercise control always reads it too.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InjectTarget {
    /// Every seat and the situation board.
    Public,
    /// Every seat of these States (at least one).
    States(StateSet),
    /// One body: its own seat and its State's seat.
    Body(BodyId),
}

impl Command {
    /// The command's name, for logs and errors (`Submit`, `OpenRound`...).
    pub fn label(&self) -> String {
        let debug = format!("{self:?}");
        debug
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_owned()
    }

    /// Is this a command only exercise control may give?
    pub fn is_control(&self) -> bool {
        !matches!(
            self,
            Command::Submit { .. } | Command::Withdraw { .. } | Command::Ready
        )
    }
}

/// What a composer has collected for an action, field by field. Which fields an
/// action kind needs is declared once, in [`ActionKind::fields`];
/// [`Choice::into_action`] builds the action from them or names the missing field.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Choice {
    /// The other State (addressee, partner, accused or target).
    pub state: Option<StateId>,
    /// The incident.
    pub incident: Option<IncidentId>,
    /// Facts to share (empty: all the acting body knows of the incident).
    pub facts: Vec<FactId>,
    /// Free text (may be empty).
    pub text: String,
    /// The tone of a public statement.
    pub tone: Option<Tone>,
    /// States for a communication check (empty: every other State).
    pub states: StateSet,
    /// The received message to answer.
    pub message: Option<MessageId>,
    /// Whom a public attribution names.
    pub origin: Option<Origin>,
}

impl Choice {
    /// Build an action of this kind from the choice. Fields the kind does not ask for
    /// are ignored; a required one that is missing gives [`Rejection::Missing`].
    pub fn into_action(&self, kind: ActionKind) -> Result<Action, Rejection> {
        let f = kind.fields();
        let state = || match (f.state, self.state) {
            (_, Some(s)) => Ok(Some(s)),
            (Need::Required, None) => Err(Rejection::Missing("a State")),
            _ => Ok(None),
        };
        let incident = || match (f.incident, self.incident) {
            (_, Some(i)) => Ok(Some(i)),
            (Need::Required, None) => Err(Rejection::Missing("an incident")),
            _ => Ok(None),
        };
        let req = |x: Option<StateId>| x.ok_or(Rejection::Missing("a State"));
        let inc = |x: Option<IncidentId>| x.ok_or(Rejection::Missing("an incident"));
        let text = self.text.clone();
        Ok(match kind {
            ActionKind::ShareInformation => Action::ShareInformation {
                to: req(state()?)?,
                incident: inc(incident()?)?,
                facts: self.facts.clone(),
            },
            ActionKind::RequestAssistance => Action::RequestAssistance {
                to: req(state()?)?,
                incident: inc(incident()?)?,
                text,
            },
            ActionKind::ProvideAssistance => Action::ProvideAssistance {
                to: req(state()?)?,
                incident: inc(incident()?)?,
            },
            ActionKind::JointAnalysis => Action::JointAnalysis {
                with: req(state()?)?,
                incident: inc(incident()?)?,
            },
            ActionKind::NationalCoordination => Action::NationalCoordination {
                incident: incident()?,
            },
            ActionKind::TechnicalMessage | ActionKind::PolicyMessage => Action::ContactMessage {
                to: req(state()?)?,
                level: if kind == ActionKind::PolicyMessage {
                    Level::Policy
                } else {
                    Level::Technical
                },
                text,
            },
            ActionKind::RaiseConcern => Action::RaiseConcern {
                to: req(state()?)?,
                incident: incident()?,
                text,
            },
            ActionKind::UpdateContacts => Action::UpdateContacts,
            ActionKind::CommunicationCheck => Action::CommunicationCheck {
                targets: self.states,
            },
            ActionKind::PublicStatement => Action::PublicStatement {
                tone: self.tone.ok_or(Rejection::Missing("a tone"))?,
                about: state()?,
                text,
            },
            ActionKind::PublicAttribution => Action::PublicAttribution {
                incident: inc(incident()?)?,
                to: self
                    .origin
                    .ok_or(Rejection::Missing("whom you hold responsible"))?,
                text,
            },
            ActionKind::Countermeasure => Action::Countermeasure {
                against: req(state()?)?,
                incident: incident()?,
                text,
            },
            ActionKind::Respond => Action::Respond {
                message: self
                    .message
                    .ok_or(Rejection::Missing("the message to answer"))?,
                text,
            },
            ActionKind::Pass => Action::Pass,
        })
    }
}
