//! The RON scenario format exactly as authors write it. Identifiers are strings here;
//! `compile` checks them and turns them into the indexed [`super::Scenario`].
//! docs/scenario-format.md documents every type in this file.

use serde::{Deserialize, Serialize};

use super::text::{Lang, Text};
use super::vocab::{ActionKind, BodyKind, Level, TurnOrder};

/// A pair of State ids, written `("ardenia", "borovia")`.
pub type PairFile = (String, String);
/// A body of a State, written `("ardenia", "cert")`.
pub type BodyRefFile = (String, String);

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Scenario")]
pub struct ScenarioFile {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub summary: Text,
    #[serde(default)]
    pub author: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub seed: u64,
    #[serde(default = "default_languages")]
    pub languages: Vec<Lang>,
    #[serde(default)]
    pub turn_order: TurnOrder,
    #[serde(default = "default_actions_per_round")]
    pub actions_per_round: u32,
    /// Default deliberation timer in seconds; 0 means no timer.
    #[serde(default)]
    pub round_seconds: u32,
    #[serde(default = "default_ladder")]
    pub ladder: Vec<LadderStepFile>,
    pub rounds: Vec<RoundFile>,
    pub states: Vec<StateFile>,
    #[serde(default)]
    pub actors: Vec<ActorFile>,
    #[serde(default)]
    pub tensions: Vec<TensionFile>,
    #[serde(default)]
    pub incidents: Vec<IncidentFile>,
    #[serde(default)]
    pub injects: Vec<InjectFile>,
    #[serde(default)]
    pub objectives: Vec<ObjectiveFile>,
}

pub fn default_languages() -> Vec<Lang> {
    vec![Lang::En]
}

pub fn default_actions_per_round() -> u32 {
    3
}

pub fn default_ladder() -> Vec<LadderStepFile> {
    [
        ("calm", "Calm", 0),
        ("concern", "Concern", 20),
        ("friction", "Friction", 40),
        ("confrontation", "Confrontation", 60),
        ("crisis", "Crisis", 80),
    ]
    .into_iter()
    .map(|(id, name, from)| LadderStepFile {
        id: id.into(),
        name: name.into(),
        from,
    })
    .collect()
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "LadderStep")]
pub struct LadderStepFile {
    pub id: String,
    pub name: Text,
    /// Tension (0-100) from which this step applies.
    pub from: i64,
}

/// One round (a stage of the exercise): its title, the facilitator's briefing and the
/// questions for the debrief discussion.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Round")]
pub struct RoundFile {
    pub title: Text,
    #[serde(default)]
    pub briefing: Text,
    #[serde(default)]
    pub questions: Vec<Text>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "State")]
pub struct StateFile {
    pub id: String,
    pub name: Text,
    #[serde(default)]
    pub description: Text,
    pub bodies: Vec<BodyFile>,
    #[serde(default)]
    pub contacts: ContactsFile,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Body")]
pub struct BodyFile {
    pub id: String,
    pub kind: BodyKind,
    pub name: Text,
}

/// A State's two directory entries. Each is optional in the file so that validation,
/// not the parser, reports a State without a contact point.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Contacts")]
pub struct ContactsFile {
    #[serde(default)]
    pub policy: Option<ContactFile>,
    #[serde(default)]
    pub technical: Option<ContactFile>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Contact")]
pub struct ContactFile {
    /// The body that holds this contact point.
    pub body: String,
    /// Who or what answers, e.g. "Head of Cyber Policy Unit" or "CERT duty desk".
    #[serde(default)]
    pub name: Text,
    /// Months since the entry was last verified when the exercise starts.
    #[serde(default)]
    pub verified_months_ago: i64,
    /// Whether the entry is still correct. A wrong entry loses messages until updated.
    #[serde(default = "yes")]
    pub correct: bool,
}

fn yes() -> bool {
    true
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Actor")]
pub struct ActorFile {
    pub id: String,
    pub name: Text,
    #[serde(default)]
    pub description: Text,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Tension")]
pub struct TensionFile {
    pub between: PairFile,
    /// A number 0-100 or a ladder step id.
    pub level: LevelFile,
}

/// Who is behind something: a State or a non-State actor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Origin")]
pub enum OriginFile {
    State(String),
    Actor(String),
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Incident")]
pub struct IncidentFile {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub description: Text,
    pub severity: i64,
    /// The hidden truth: who did it. Players never see this field.
    pub origin: OriginFile,
    pub affected: Vec<String>,
    #[serde(default)]
    pub facts: Vec<FactFile>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Fact")]
pub struct FactFile {
    pub id: String,
    pub text: Text,
    /// Bodies that know the fact as soon as the incident opens.
    #[serde(default)]
    pub known_by: Vec<BodyRefFile>,
    /// Whom the fact seems to implicate (it may mislead: a false flag).
    #[serde(default)]
    pub points_to: Option<OriginFile>,
    /// True for evidence that nobody holds at first and that only joint analysis
    /// or assistance uncovers.
    #[serde(default)]
    pub hidden: bool,
}

/// Who receives an inject.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename = "Audience")]
pub enum AudienceFile {
    /// Every seat, and the situation board.
    Public,
    /// Every seat of these States.
    States(Vec<String>),
    /// Only these bodies (and seats that hold their whole State).
    Bodies(Vec<BodyRefFile>),
    /// Exercise control only.
    Control,
}

/// When an inject fires.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename = "When")]
pub enum WhenFile {
    /// When this round opens.
    Round(i64),
    /// At the first round opening at which the condition holds.
    Trigger(ConditionFile),
    /// Only when the facilitator reveals it.
    Manual,
}

/// A tension threshold: a number 0-100 or the id of an escalation-ladder step.
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum LevelFile {
    Value(i64),
    Step(String),
}

impl<'de> Deserialize<'de> for LevelFile {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl serde::de::Visitor<'_> for V {
            type Value = LevelFile;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a tension level 0-100 or the id of a ladder step such as \"crisis\"")
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<LevelFile, E> {
                Ok(LevelFile::Value(v))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<LevelFile, E> {
                Ok(LevelFile::Value(i64::try_from(v).unwrap_or(i64::MAX)))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<LevelFile, E> {
                Ok(LevelFile::Step(v.to_owned()))
            }
        }
        d.deserialize_any(V)
    }
}

/// A condition on the state of the exercise, for triggers.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename = "Condition", deny_unknown_fields)]
pub enum ConditionFile {
    /// Tension between the two States is at or above the level.
    TensionAtLeast {
        between: PairFile,
        level: LevelFile,
    },
    /// Tension between the two States is below the level.
    TensionBelow {
        between: PairFile,
        level: LevelFile,
    },
    /// The action was used (by the State, or by anyone) in round `by_round` or earlier.
    ActionUsed {
        action: ActionKind,
        #[serde(default)]
        by: Option<String>,
        by_round: i64,
    },
    /// Round `by_round` has been resolved and the action was not used up to then.
    ActionNotUsed {
        action: ActionKind,
        #[serde(default)]
        by: Option<String>,
        by_round: i64,
    },
    /// Some body of the State knows the fact.
    FactKnown {
        fact: String,
        state: String,
    },
    /// The inject has fired.
    InjectFired(String),
    /// The exercise has reached this round (it is open or past).
    RoundAtLeast(i64),
    All(Vec<ConditionFile>),
    Any(Vec<ConditionFile>),
    Not(Box<ConditionFile>),
}

/// What an inject changes when it fires.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename = "Effect", deny_unknown_fields)]
pub enum EffectFile {
    /// The incident begins: its facts become known to their first holders.
    OpenIncident(String),
    /// Tension between two States moves by `delta`.
    Tension { between: PairFile, delta: i64 },
    /// The bodies learn a fact.
    RevealFact { fact: String, to: Vec<BodyRefFile> },
    /// A State's directory entry stops being correct (a reorganisation, a departed official).
    BreakContact { state: String, level: Level },
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Inject")]
pub struct InjectFile {
    pub id: String,
    pub title: Text,
    pub when: WhenFile,
    pub audience: AudienceFile,
    pub text: Text,
    #[serde(default)]
    pub effects: Vec<EffectFile>,
    /// Questions for the facilitator to put to the room when the inject fires.
    #[serde(default)]
    pub questions: Vec<Text>,
    /// The actions and measures planners expect in response (for the MSEL).
    #[serde(default)]
    pub expected: Vec<ActionKind>,
}

#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Objective")]
pub struct ObjectiveFile {
    pub id: String,
    pub title: Text,
    #[serde(default)]
    pub description: Text,
    pub check: CheckFile,
}

/// How an objective is evaluated from the record of the exercise.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename = "Check", deny_unknown_fields)]
pub enum CheckFile {
    /// A policy-level message between the two States (either way) is delivered by the round.
    PolicyContact { between: PairFile, by_round: i64 },
    /// A technical-level message or information exchange between the two States is delivered by the round.
    TechnicalContact { between: PairFile, by_round: i64 },
    /// Some body of State `with` knows the fact by the end of the round.
    FactShared {
        fact: String,
        with: String,
        by_round: i64,
    },
    /// Tension between the two States never reaches the level during the exercise.
    TensionBelow { between: PairFile, level: LevelFile },
    /// Nobody (or the State `by`) attributes any incident publicly before the round.
    NoAttributionBefore {
        round: i64,
        #[serde(default)]
        by: Option<String>,
    },
    /// The action is used (by the State, or by anyone) by the end of the round.
    ActionUsed {
        action: ActionKind,
        #[serde(default)]
        by: Option<String>,
        by_round: i64,
    },
    /// The State's directory entries are both correct and verified by the end of the round.
    ContactsCurrent { state: String, by_round: i64 },
    /// Every concern raised at national-security level is answered within a round.
    ConcernsAnswered,
}
