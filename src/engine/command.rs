//! What seats ask for. Commands are checked against the sender's seat and the phase,
//! then executed into events; they never change state themselves.

use serde::{Deserialize, Serialize};

use crate::scenario::{
    ActionKind, BodyId, FactId, IncidentId, InjectId, Level, Origin, StateId, StateSet, Tone,
};

/// Identifies a staged action within an exercise (its ActionSubmitted event's number).
pub type ActionId = u32;
/// Identifies a message (the number of the event that sent it).
pub type MessageId = u32;

/// A player's choice for the round. Each says which measure it applies via [`Action::kind`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Action {
    /// Measure 2: send facts about an incident to another State's technical contact.
    /// An empty list shares every fact the acting body knows about the incident.
    ShareInformation {
        to: StateId,
        incident: IncidentId,
        facts: Vec<FactId>,
    },
    RequestAssistance {
        to: StateId,
        incident: IncidentId,
        text: String,
    },
    ProvideAssistance {
        to: StateId,
        incident: IncidentId,
    },
    JointAnalysis {
        with: StateId,
        incident: IncidentId,
    },
    /// Measure 2 at home: what one body knows, all the State's bodies learn.
    /// `None` covers every open incident.
    NationalCoordination {
        incident: Option<IncidentId>,
    },
    /// Measure 8: a message to a contact point at one level.
    ContactMessage {
        to: StateId,
        level: Level,
        text: String,
    },
    RaiseConcern {
        to: StateId,
        incident: Option<IncidentId>,
        text: String,
    },
    UpdateContacts,
    /// Ping the contact points of these States (empty: every other State).
    CommunicationCheck {
        targets: StateSet,
    },
    PublicStatement {
        tone: Tone,
        about: Option<StateId>,
        text: String,
    },
    PublicAttribution {
        incident: IncidentId,
        to: Origin,
        text: String,
    },
    Countermeasure {
        against: StateId,
        incident: Option<IncidentId>,
        text: String,
    },
    Respond {
        message: MessageId,
        text: String,
    },
    Pass,
}

impl Action {
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
        actor: BodyId,
        action: Action,
    },
    /// Take back a staged action before resolution.
    Withdraw {
        action: ActionId,
    },
    /// The seat has finished for this round (in sequential order: ends the State's turn).
    Ready,

    // ---- exercise control ------------------------------------------------------------
    /// Record who sits where (names go to the journal and the report).
    TakeSeat {
        seat: Seat,
        name: String,
    },
    FreeSeat {
        seat: Seat,
    },
    /// Begin the exercise: opens round 1.
    Start,
    /// Open the next round: its scheduled and triggered injects are revealed.
    OpenRound,
    /// End the briefing: seats may now submit actions. `seconds` 0 means no clock.
    BeginDeliberation {
        seconds: u32,
    },
    /// Close deliberation and resolve every staged action.
    CloseDeliberation,
    RevealInject {
        inject: InjectId,
    },
    AdHocInject {
        audience: InjectTarget,
        title: String,
        text: String,
    },
    AdjustTension {
        a: StateId,
        b: StateId,
        delta: i8,
        reason: String,
    },
    /// Tell bodies a fact (a facilitator's correction or hint).
    RevealFact {
        fact: FactId,
        to: BodyId,
    },
    Annotate {
        text: String,
    },
    Pause,
    Resume,
    End,
}

pub use super::seat::Seat;

/// The audience of an ad-hoc inject.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InjectTarget {
    Public,
    States(StateSet),
    Body(BodyId),
}

impl Command {
    pub fn is_control(&self) -> bool {
        !matches!(
            self,
            Command::Submit { .. } | Command::Withdraw { .. } | Command::Ready
        )
    }
}
