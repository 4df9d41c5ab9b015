//! The domain vocabulary shared by the scenario format and the rules engine:
//! measures, action kinds, contact levels, kinds of national body.

use serde::{Deserialize, Serialize};
use std::fmt;

/// Which OSCE confidence-building measure (PC.DEC/1106, 2013) an action applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Measure {
    /// Measure 2: co-operation among competent national bodies and exchange of information.
    M2,
    /// Measure 8: contact points and policy-level communication lines.
    M8,
}

impl Measure {
    pub fn label(self) -> &'static str {
        match self {
            Measure::M2 => "Measure 2",
            Measure::M8 => "Measure 8",
        }
    }

    /// The measure's wording, paraphrased from the 2013 decision, shown in the action composer.
    pub fn wording(self) -> &'static str {
        match self {
            Measure::M2 => {
                "Participating States will voluntarily facilitate co-operation among the competent \
                 national bodies and exchange of information in relation with security of and in \
                 the use of ICTs."
            }
            Measure::M8 => {
                "Participating States will voluntarily nominate a contact point to facilitate \
                 pertinent communications and dialogue on security of and in the use of ICTs, \
                 provide contact data of their national structures that manage ICT-related \
                 incidents, keep it current, and establish rapid communication lines at the \
                 policy level so that concerns can be raised at the national-security level."
            }
        }
    }
}

impl fmt::Display for Measure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The two entries each State keeps in the contact-point directory.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    Policy,
    Technical,
}

impl Level {
    pub const BOTH: [Level; 2] = [Level::Policy, Level::Technical];
    pub fn label(self) -> &'static str {
        match self {
            Level::Policy => "policy",
            Level::Technical => "technical",
        }
    }
}

impl fmt::Display for Level {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Kinds of competent national body. The scenario gives each body its own name.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum BodyKind {
    Cert,
    ForeignMinistry,
    Interior,
    Defence,
    Justice,
    TelecomRegulator,
    Intelligence,
    SecurityCouncil,
    Other,
}

impl BodyKind {
    pub fn label(self) -> &'static str {
        match self {
            BodyKind::Cert => "CERT",
            BodyKind::ForeignMinistry => "Foreign ministry",
            BodyKind::Interior => "Interior",
            BodyKind::Defence => "Defence",
            BodyKind::Justice => "Justice",
            BodyKind::TelecomRegulator => "Telecom regulator",
            BodyKind::Intelligence => "Intelligence",
            BodyKind::SecurityCouncil => "Security council",
            BodyKind::Other => "Other body",
        }
    }
}

/// Every kind of player action. Conditions and objectives in a scenario name these.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ActionKind {
    ShareInformation,
    RequestAssistance,
    ProvideAssistance,
    JointAnalysis,
    NationalCoordination,
    TechnicalMessage,
    PolicyMessage,
    RaiseConcern,
    UpdateContacts,
    CommunicationCheck,
    PublicStatement,
    PublicAttribution,
    Countermeasure,
    Respond,
    Pass,
}

impl ActionKind {
    pub const ALL: [ActionKind; 15] = [
        ActionKind::ShareInformation,
        ActionKind::RequestAssistance,
        ActionKind::ProvideAssistance,
        ActionKind::JointAnalysis,
        ActionKind::NationalCoordination,
        ActionKind::TechnicalMessage,
        ActionKind::PolicyMessage,
        ActionKind::RaiseConcern,
        ActionKind::UpdateContacts,
        ActionKind::CommunicationCheck,
        ActionKind::PublicStatement,
        ActionKind::PublicAttribution,
        ActionKind::Countermeasure,
        ActionKind::Respond,
        ActionKind::Pass,
    ];

    /// Position in [`ActionKind::ALL`], for per-kind tables.
    pub fn index(self) -> usize {
        self as usize
    }

    /// The measure this action applies, if any.
    pub fn measure(self) -> Option<Measure> {
        use ActionKind::*;
        match self {
            ShareInformation | RequestAssistance | ProvideAssistance | JointAnalysis
            | NationalCoordination => Some(Measure::M2),
            TechnicalMessage | PolicyMessage | RaiseConcern | UpdateContacts
            | CommunicationCheck => Some(Measure::M8),
            PublicStatement | PublicAttribution | Countermeasure | Respond | Pass => None,
        }
    }

    pub fn label(self) -> &'static str {
        use ActionKind::*;
        match self {
            ShareInformation => "Share information",
            RequestAssistance => "Request assistance",
            ProvideAssistance => "Provide assistance",
            JointAnalysis => "Joint analysis",
            NationalCoordination => "National co-ordination",
            TechnicalMessage => "Technical contact message",
            PolicyMessage => "Policy contact message",
            RaiseConcern => "Raise a concern (national-security line)",
            UpdateContacts => "Update own contact data",
            CommunicationCheck => "Communication check",
            PublicStatement => "Public statement",
            PublicAttribution => "Public attribution",
            Countermeasure => "Countermeasure",
            Respond => "Respond to a message",
            Pass => "Pass",
        }
    }

    /// One line on what the action does in the rules, for the composer and the docs.
    pub fn explain(self) -> &'static str {
        use ActionKind::*;
        match self {
            ShareInformation => {
                "Send facts your body knows about an incident to another State's technical contact."
            }
            RequestAssistance => {
                "Ask another State for help with an incident; a reply or assistance builds trust."
            }
            ProvideAssistance => {
                "Send experts to help another State: they learn what you know and tension eases."
            }
            JointAnalysis => {
                "Analyse an incident together: both sides pool facts and may uncover hidden evidence."
            }
            NationalCoordination => {
                "Bring your own bodies together: what one of them knows, all of them learn."
            }
            TechnicalMessage => {
                "Write to another State's technical contact point (usually its CERT)."
            }
            PolicyMessage => "Write to another State's policy-level contact point.",
            RaiseConcern => {
                "Use the rapid policy line to raise a concern at national-security level; expect an answer."
            }
            UpdateContacts => "Verify and correct your own entries in the contact-point directory.",
            CommunicationCheck => {
                "Ping another State's contact points to see who answers and how fast."
            }
            PublicStatement => "Speak publicly; the tone moves tension with the State you address.",
            PublicAttribution => "Publicly name who you hold responsible for an incident.",
            Countermeasure => "Take a countermeasure against a State; tension rises sharply.",
            Respond => "Answer a message, request or concern you received.",
            Pass => "Do nothing this round.",
        }
    }
}

/// Whether an action asks for a field.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Need {
    No,
    Optional,
    Required,
}

/// What each kind of action asks the player for. Declared once, here: the composer
/// shows exactly these fields, [`crate::engine::Choice::into_action`] builds an action
/// from them (and says which is missing), and the docs' table is checked against it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Fields {
    /// Another State: the addressee, partner, accused or target.
    pub state: Need,
    /// An incident the seat knows of.
    pub incident: Need,
    /// Facts to share (none chosen: every fact the acting body knows of the incident).
    pub facts: bool,
    /// Free text (a message, a statement, a reason).
    pub text: Need,
    /// The tone of a public statement.
    pub tone: bool,
    /// Several States (a communication check; none chosen: every other State).
    pub states: bool,
    /// A message the seat's State received.
    pub message: bool,
    /// Who is held responsible: a State or a non-State actor.
    pub origin: bool,
    /// The kind of body that acts by default (the composer preselects it).
    pub default_body: BodyKind,
}

impl ActionKind {
    /// The fields this kind of action asks for.
    pub fn fields(self) -> Fields {
        use ActionKind::*;
        use Need::*;
        let none = Fields {
            state: No,
            incident: No,
            facts: false,
            text: No,
            tone: false,
            states: false,
            message: false,
            origin: false,
            default_body: BodyKind::ForeignMinistry,
        };
        match self {
            ShareInformation => Fields {
                state: Required,
                incident: Required,
                facts: true,
                default_body: BodyKind::Cert,
                ..none
            },
            RequestAssistance => Fields {
                state: Required,
                incident: Required,
                text: Optional,
                default_body: BodyKind::Cert,
                ..none
            },
            ProvideAssistance | JointAnalysis => Fields {
                state: Required,
                incident: Required,
                default_body: BodyKind::Cert,
                ..none
            },
            NationalCoordination => Fields {
                incident: Optional,
                ..none
            },
            TechnicalMessage => Fields {
                state: Required,
                text: Optional,
                default_body: BodyKind::Cert,
                ..none
            },
            PolicyMessage => Fields {
                state: Required,
                text: Optional,
                ..none
            },
            RaiseConcern => Fields {
                state: Required,
                incident: Optional,
                text: Optional,
                ..none
            },
            UpdateContacts | Pass => none,
            CommunicationCheck => Fields {
                states: true,
                default_body: BodyKind::Cert,
                ..none
            },
            PublicStatement => Fields {
                state: Optional,
                text: Optional,
                tone: true,
                ..none
            },
            PublicAttribution => Fields {
                incident: Required,
                origin: true,
                text: Optional,
                ..none
            },
            Countermeasure => Fields {
                state: Required,
                incident: Optional,
                text: Optional,
                default_body: BodyKind::Defence,
                ..none
            },
            Respond => Fields {
                message: true,
                text: Optional,
                ..none
            },
        }
    }
}

impl fmt::Display for ActionKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// The tone of a public statement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tone {
    Conciliatory,
    Neutral,
    Assertive,
    Accusatory,
}

impl Tone {
    pub const ALL: [Tone; 4] = [
        Tone::Conciliatory,
        Tone::Neutral,
        Tone::Assertive,
        Tone::Accusatory,
    ];
    pub fn label(self) -> &'static str {
        match self {
            Tone::Conciliatory => "conciliatory",
            Tone::Neutral => "neutral",
            Tone::Assertive => "assertive",
            Tone::Accusatory => "accusatory",
        }
    }
}

/// How a deliberation phase lets seats act.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum TurnOrder {
    /// Everyone submits; all actions resolve together when deliberation closes.
    #[default]
    Simultaneous,
    /// States act one after another in scenario order; each State's actions resolve as it ends its turn.
    Sequential,
}
