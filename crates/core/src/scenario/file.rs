//! The RON scenario format exactly as authors write it. Identifiers are strings here;
//! `compile` checks them and turns them into the indexed [`super::Scenario`].
//! docs/scenario-format.md documents every type in this file; the section given with
//! each type here is the one that describes it. Numbers are `i64` (and lists may be
//! empty) so that validation, not the parser, reports a value out of range with its
//! position and a hint.

use serde::{Deserialize, Serialize};

use super::text::{Lang, Text};
use super::vocab::{ActionKind, BodyKind, Level, TurnOrder};

/// A pair of State ids, written `("ardenia", "borovia")`.
pub type PairFile = (String, String);
/// A body of a State, written `("ardenia", "cert")`.
pub type BodyRefFile = (String, String);

/// The whole file: one `Scenario( ... )` record (docs/scenario-format.md §4). Its
/// canonical JSON serialisation is what the scenario's content hash is taken of.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Scenario")]
pub struct ScenarioFile {
    /// The scenario's id (required).
    pub id: String,
    /// The exercise's name (required).
    pub title: Text,
    /// A paragraph for the picker and the report; default empty.
    #[serde(default)]
    pub summary: Text,
    /// Who wrote it, a plain string; default empty.
    #[serde(default)]
    pub author: String,
    /// A version label such as `"1.0"`; default empty.
    #[serde(default)]
    pub version: String,
    /// The default seed of the random draws; default 0.
    #[serde(default)]
    pub seed: u64,
    /// The languages offered; default `[en]` ([`default_languages`]).
    #[serde(default = "default_languages")]
    pub languages: Vec<Lang>,
    /// Simultaneous (default) or sequential turns.
    #[serde(default)]
    pub turn_order: TurnOrder,
    /// Actions each seat may stage per round, 1–10; default 3.
    #[serde(default = "default_actions_per_round")]
    pub actions_per_round: u32,
    /// Default deliberation timer in seconds, 0–86400; 0 means no timer.
    #[serde(default)]
    pub round_seconds: u32,
    /// The escalation ladder (§5); default the five steps of [`default_ladder`].
    #[serde(default = "default_ladder")]
    pub ladder: Vec<LadderStepFile>,
    /// The rounds, 1–50 (§6; required).
    pub rounds: Vec<RoundFile>,
    /// The States, 1–64 (§7; required).
    pub states: Vec<StateFile>,
    /// Non-State actors, at most 255 (§8).
    #[serde(default)]
    pub actors: Vec<ActorFile>,
    /// Starting tensions (§9); pairs not listed start at 0.
    #[serde(default)]
    pub tensions: Vec<TensionFile>,
    /// Incidents and their facts (§10).
    #[serde(default)]
    pub incidents: Vec<IncidentFile>,
    /// Injects (§11).
    #[serde(default)]
    pub injects: Vec<InjectFile>,
    /// Objectives (§13).
    #[serde(default)]
    pub objectives: Vec<ObjectiveFile>,
}

/// The languages of a file that lists none: English only.
pub fn default_languages() -> Vec<Lang> {
    vec![Lang::En]
}

/// The actions per round of a file that gives none: 3.
pub fn default_actions_per_round() -> u32 {
    3
}

/// The ladder of a file that gives none (§5): calm 0, concern 20, friction 40,
/// confrontation 60, crisis 80.
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

/// One escalation-ladder step as written (§5).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "LadderStep")]
pub struct LadderStepFile {
    /// The step's id, usable as a tension level.
    pub id: String,
    /// The step's name.
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
    /// The round's title (required).
    pub title: Text,
    /// Notes for the facilitator's briefing; default empty.
    #[serde(default)]
    pub briefing: Text,
    /// Questions for the debrief; default none.
    #[serde(default)]
    pub questions: Vec<Text>,
}

/// A participating State as written (§7).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "State")]
pub struct StateFile {
    /// The State's id.
    pub id: String,
    /// The State's name.
    pub name: Text,
    /// A description; default empty.
    #[serde(default)]
    pub description: Text,
    /// Its national bodies, 1–32.
    pub bodies: Vec<BodyFile>,
    /// Its two directory entries; left out, validation reports `no-contact-point`.
    #[serde(default)]
    pub contacts: ContactsFile,
}

/// A national body as written (§7 "Bodies").
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Body")]
pub struct BodyFile {
    /// The body's id, unique within its State.
    pub id: String,
    /// Its kind.
    pub kind: BodyKind,
    /// Its own name, e.g. `"LK-CERT"`.
    pub name: Text,
}

/// A State's two directory entries. Each is optional in the file so that validation,
/// not the parser, reports a State without a contact point.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Contacts")]
pub struct ContactsFile {
    /// The policy-level contact point (policy messages and concerns arrive here).
    #[serde(default)]
    pub policy: Option<ContactFile>,
    /// The technical contact point, usually the CERT.
    #[serde(default)]
    pub technical: Option<ContactFile>,
}

/// One directory entry as written (§7 "Contact points").
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Contact")]
pub struct ContactFile {
    /// The body that holds this contact point.
    pub body: String,
    /// Who or what answers, e.g. "Head of Cyber Policy Unit" or "CERT duty desk".
    #[serde(default)]
    pub name: Text,
    /// Months since the entry was last verified when the exercise starts, 0–600;
    /// default 0. Over 12 is stale.
    #[serde(default)]
    pub verified_months_ago: i64,
    /// Whether the entry is still correct (default `true`). A wrong entry loses
    /// messages until updated.
    #[serde(default = "yes")]
    pub correct: bool,
}

fn yes() -> bool {
    true
}

/// A non-State actor as written (§8).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Actor")]
pub struct ActorFile {
    /// The actor's id.
    pub id: String,
    /// Its name.
    pub name: Text,
    /// A description; default empty.
    #[serde(default)]
    pub description: Text,
}

/// A starting tension as written (§9).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Tension")]
pub struct TensionFile {
    /// Two different States, in either order; each pair at most once.
    pub between: PairFile,
    /// A number 0-100 or a ladder step id.
    pub level: LevelFile,
}

/// Who is behind something: a State or a non-State actor.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(rename = "Origin")]
pub enum OriginFile {
    /// A State, by id: `State("ardenia")`.
    State(String),
    /// A non-State actor, by id: `Actor("quill")`.
    Actor(String),
}

/// An incident as written (§10).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Incident")]
pub struct IncidentFile {
    /// The incident's id.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// A description; default empty.
    #[serde(default)]
    pub description: Text,
    /// 1–5; shown with the incident, no effect on the rules.
    pub severity: i64,
    /// The hidden truth: who did it. Players never see this field.
    pub origin: OriginFile,
    /// Ids of the States hit by it (at least one).
    pub affected: Vec<String>,
    /// Its facts; default none.
    #[serde(default)]
    pub facts: Vec<FactFile>,
}

/// A fact as written (§10 "Facts").
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Fact")]
pub struct FactFile {
    /// The fact's id, unique across all incidents.
    pub id: String,
    /// The evidence as players read it.
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

/// A tension threshold: a number 0-100 or the id of an escalation-ladder step (§5).
#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(untagged)]
pub enum LevelFile {
    /// A number of tension points (range checked by validation).
    Value(i64),
    /// A ladder step id, standing for that step's `from`.
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

/// A condition on the state of the exercise, for triggers (§12).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename = "Condition", deny_unknown_fields)]
pub enum ConditionFile {
    /// Tension between the two States is at or above the level.
    TensionAtLeast {
        /// Two different States, in either order.
        between: PairFile,
        /// 0–100 or a ladder step id.
        level: LevelFile,
    },
    /// Tension between the two States is below the level.
    TensionBelow {
        /// Two different States, in either order.
        between: PairFile,
        /// 1–100 or a ladder step id (0 can never hold: an error).
        level: LevelFile,
    },
    /// The action was used (by the State, or by anyone) in round `by_round` or earlier.
    ActionUsed {
        /// The kind of action (§14).
        action: ActionKind,
        /// A State id; left out: any State.
        #[serde(default)]
        by: Option<String>,
        /// Last round that counts, 1 to the number of rounds.
        by_round: i64,
    },
    /// Round `by_round` has been resolved and the action was not used up to then.
    ActionNotUsed {
        /// The kind of action (§14).
        action: ActionKind,
        /// A State id; left out: no State.
        #[serde(default)]
        by: Option<String>,
        /// Last round that counts, before the last round.
        by_round: i64,
    },
    /// Some body of the State knows the fact.
    FactKnown {
        /// The fact's id.
        fact: String,
        /// The State's id.
        state: String,
    },
    /// The inject has fired.
    InjectFired(String),
    /// The exercise has reached this round (it is open or past).
    RoundAtLeast(i64),
    /// Every listed condition holds (at least one).
    All(Vec<ConditionFile>),
    /// At least one listed condition holds (at least one).
    Any(Vec<ConditionFile>),
    /// The condition does not hold.
    Not(Box<ConditionFile>),
}

/// What an inject changes when it fires.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename = "Effect", deny_unknown_fields)]
pub enum EffectFile {
    /// The incident begins: its facts become known to their first holders.
    OpenIncident(String),
    /// Tension between two States moves by `delta`.
    Tension {
        /// Two different States, in either order.
        between: PairFile,
        /// Tension points, −100 to 100; negative eases.
        delta: i64,
    },
    /// The bodies learn a fact.
    RevealFact {
        /// The fact's id.
        fact: String,
        /// The bodies that learn it (at least one).
        to: Vec<BodyRefFile>,
    },
    /// A State's directory entry stops being correct (a reorganisation, a departed official).
    BreakContact {
        /// The State's id.
        state: String,
        /// Which of its two entries.
        level: Level,
    },
}

/// An inject as written (§11).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Inject")]
pub struct InjectFile {
    /// The inject's id.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// When it fires.
    pub when: WhenFile,
    /// Who reads it.
    pub audience: AudienceFile,
    /// What the audience reads.
    pub text: Text,
    /// Effects applied in order when it fires; default none.
    #[serde(default)]
    pub effects: Vec<EffectFile>,
    /// Questions for the facilitator to put to the room when the inject fires.
    #[serde(default)]
    pub questions: Vec<Text>,
    /// The actions and measures planners expect in response (for the MSEL).
    #[serde(default)]
    pub expected: Vec<ActionKind>,
}

/// An objective as written (§13).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
#[serde(rename = "Objective")]
pub struct ObjectiveFile {
    /// The objective's id.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// A description; default empty.
    #[serde(default)]
    pub description: Text,
    /// How it is judged.
    pub check: CheckFile,
}

/// How an objective is evaluated from the record of the exercise (§13).
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(rename = "Check", deny_unknown_fields)]
pub enum CheckFile {
    /// A policy-level message between the two States (either way) is delivered by the round.
    PolicyContact {
        /// Two different States, in either order.
        between: PairFile,
        /// Last round that counts, 1 to the number of rounds.
        by_round: i64,
    },
    /// A technical-level message or information exchange between the two States is delivered by the round.
    TechnicalContact {
        /// Two different States, in either order.
        between: PairFile,
        /// Last round that counts, 1 to the number of rounds.
        by_round: i64,
    },
    /// Some body of State `with` knows the fact by the end of the round.
    FactShared {
        /// The fact's id.
        fact: String,
        /// The State's id.
        with: String,
        /// Last round that counts, 1 to the number of rounds.
        by_round: i64,
    },
    /// Tension between the two States never reaches the level during the exercise.
    TensionBelow {
        /// Two different States, in either order.
        between: PairFile,
        /// 1–100 or a ladder step id, above the pair's starting tension.
        level: LevelFile,
    },
    /// Nobody (or the State `by`) attributes any incident publicly before the round.
    NoAttributionBefore {
        /// 2 to the number of rounds + 1 (rounds + 1: never during the exercise).
        round: i64,
        /// A State id; left out: any State.
        #[serde(default)]
        by: Option<String>,
    },
    /// The action is used (by the State, or by anyone) by the end of the round.
    ActionUsed {
        /// The kind of action (§14).
        action: ActionKind,
        /// A State id; left out: any State.
        #[serde(default)]
        by: Option<String>,
        /// Last round that counts, 1 to the number of rounds.
        by_round: i64,
    },
    /// The State's directory entries are both correct and verified by the end of the round.
    ContactsCurrent {
        /// The State's id.
        state: String,
        /// The round at whose end the entries are judged, 1 to the number of rounds.
        by_round: i64,
    },
    /// Every concern raised at national-security level and delivered is answered by
    /// the end of the round after it arrived.
    ConcernsAnswered,
}
