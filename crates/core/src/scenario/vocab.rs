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
    /// Short name for the UI and reports: `"Measure 2"`, `"Measure 8"`.
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

/// The two entries each State keeps in the contact-point directory (measure 8), and
/// so the two lines a message can go through (docs/scenario-format.md §7, §14).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Level {
    /// The policy-level contact point: policy messages and concerns arrive here.
    Policy,
    /// The technical contact point, usually the CERT: technical messages,
    /// information sharing, assistance and joint analysis arrive here.
    Technical,
}

impl Level {
    /// Both levels, policy first (the order of a State's `contacts`).
    pub const BOTH: [Level; 2] = [Level::Policy, Level::Technical];
    /// Lowercase name for text: `"policy"`, `"technical"`.
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

/// Kinds of competent national body. The scenario gives each body its own name. The
/// kind is a label and picks the composer's default acting body; the rules treat all
/// kinds alike (docs/scenario-format.md §7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum BodyKind {
    /// A national CERT/CSIRT: the default body of technical actions.
    Cert,
    /// The foreign ministry: the default body of policy and public actions.
    ForeignMinistry,
    /// The interior ministry or police.
    Interior,
    /// The defence ministry or armed forces: the default body of countermeasures.
    Defence,
    /// The justice ministry or prosecution.
    Justice,
    /// The telecommunications regulator.
    TelecomRegulator,
    /// An intelligence service.
    Intelligence,
    /// A national security council.
    SecurityCouncil,
    /// Any other body (e.g. a financial market authority).
    Other,
}

impl BodyKind {
    /// Name of the kind as shown in the UI: `"CERT"`, `"Foreign ministry"`, ...
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

/// Every kind of player action (docs/scenario-format.md §14). Conditions, objectives
/// and injects' `expected` in a scenario name these. The order of declaration is the
/// order of [`ActionKind::ALL`] and [`ActionKind::index`], not the resolution order
/// (§16, `engine::rules`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum ActionKind {
    /// Measure 2: send facts the acting body knows about an open incident to another
    /// State's technical contact point.
    ShareInformation,
    /// Measure 2: ask another State for help with an open incident (no facts move).
    RequestAssistance,
    /// Measure 2: the recipient learns every fact the acting body knows of the
    /// incident; both bodies uncover its hidden facts.
    ProvideAssistance,
    /// Measure 2: two bodies pool what they know of an incident and uncover its
    /// hidden facts.
    JointAnalysis,
    /// Measure 2, at home: what any of the State's bodies knows of an incident (or of
    /// every open incident), all of them learn. No message.
    NationalCoordination,
    /// Measure 8: a free-text message to another State's technical contact point.
    TechnicalMessage,
    /// Measure 8: a free-text message to another State's policy contact point.
    PolicyMessage,
    /// Measure 8: a concern at national-security level on the policy line; the
    /// recipient is expected to answer by the end of the next round.
    RaiseConcern,
    /// Measure 8: both of the State's own directory entries become correct and
    /// verified now. No message.
    UpdateContacts,
    /// Measure 8: ping other States' contact points (both levels) to see which answer.
    CommunicationCheck,
    /// A public statement, optionally about one State, in a [`Tone`].
    PublicStatement,
    /// Publicly name a State or actor as responsible for an open incident.
    PublicAttribution,
    /// A countermeasure against a State, optionally for an incident.
    Countermeasure,
    /// Answer a message, request or concern the State received; goes straight back
    /// to the sender's body.
    Respond,
    /// Do nothing.
    Pass,
}

impl ActionKind {
    /// Every kind, in declaration order (the order of per-kind tables).
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

    /// The kinds as a composer lists them: measure 2's, then measure 8's, then the
    /// rest, each group with its heading and its kinds in [`ActionKind::ALL`] order
    /// (every kind exactly once). The native and web composers both list them so.
    pub fn groups() -> [(Option<Measure>, &'static str, Vec<ActionKind>); 3] {
        let of = |m: Option<Measure>| {
            ActionKind::ALL
                .into_iter()
                .filter(|k| k.measure() == m)
                .collect()
        };
        [
            (
                Some(Measure::M2),
                "Measure 2 — co-operation and information exchange",
                of(Some(Measure::M2)),
            ),
            (
                Some(Measure::M8),
                "Measure 8 — contact points and communication lines",
                of(Some(Measure::M8)),
            ),
            (None, "Other choices", of(None)),
        ]
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

    /// The kind's name as shown to players, e.g. `"Technical contact message"`.
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
    /// The kind has no such field.
    No,
    /// The field may be left empty.
    Optional,
    /// The action cannot be built without it.
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

/// The tone of a public statement. With a State addressed it moves tension with
/// that State by `engine::rules::STATEMENT_*` (−4 / 0 / +3 / +7,
/// docs/scenario-format.md §16); about no State it changes nothing.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Tone {
    /// Eases tension (−4).
    Conciliatory,
    /// No change (0).
    Neutral,
    /// Raises tension (+3).
    Assertive,
    /// Raises tension sharply (+7).
    Accusatory,
}

impl Tone {
    /// Every tone, from the mildest to the harshest.
    pub const ALL: [Tone; 4] = [
        Tone::Conciliatory,
        Tone::Neutral,
        Tone::Assertive,
        Tone::Accusatory,
    ];
    /// Lowercase name for text: `"conciliatory"`, ...
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
