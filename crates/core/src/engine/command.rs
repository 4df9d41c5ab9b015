//! What seats ask for. Commands are checked against the sender's seat and the phase,
//! then executed into events; they never change state themselves.

use serde::{Deserialize, Serialize};

use super::check::Rejection;
use crate::scenario::{
    ActionKind, BodyId, FactId, IncidentId, InjectId, Level, Need, Origin, StateId, StateSet, Tone,
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
    pub state: Option<StateId>,
    pub incident: Option<IncidentId>,
    pub facts: Vec<FactId>,
    pub text: String,
    pub tone: Option<Tone>,
    pub states: StateSet,
    pub message: Option<MessageId>,
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
