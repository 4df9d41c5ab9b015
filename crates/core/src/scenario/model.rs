//! The compiled scenario: every reference resolved to an index, every number in range.
//! The engine, the app and the reports read only this.

use serde::{Deserialize, Serialize};

use super::ids::*;
use super::text::{Lang, Text};
use super::vocab::{ActionKind, BodyKind, Level, TurnOrder};

/// A compiled, valid scenario: the exercise's script and cast as the engine plays it
/// (docs/scenario-format.md §4). Made by compilation ([`crate::scenario::compile_str`],
/// [`crate::scenario::compile_bytes`]), which checks every reference and range, so the
/// typed ids it hands out are always in range for its lists (the copy seats hold,
/// `engine::disclose::public`, has its private lists emptied). Every list is in file
/// order and is indexed by the matching id type.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    /// The scenario's id (1–64 ASCII letters, digits, `-`, `_`, `.`).
    pub id: String,
    /// The exercise's name.
    pub title: Text,
    /// A paragraph for the scenario picker and the report (may be empty).
    pub summary: Text,
    /// Who wrote it, as one plain string (may be empty).
    pub author: String,
    /// The author's version label, e.g. `"1.0"` (may be empty).
    pub version: String,
    /// The default seed of the exercise's random draws (§4; overridable per exercise).
    pub seed: u64,
    /// The languages the scenario offers: at least one, none twice, in file order.
    pub languages: Vec<Lang>,
    /// Whether seats act all at once or State by State.
    pub turn_order: TurnOrder,
    /// How many actions each seat may stage per round: 1–10.
    pub actions_per_round: u8,
    /// The default deliberation timer in seconds, 0–86400; 0 means no timer.
    pub round_seconds: u32,
    /// The escalation ladder: at least one step, the first `from` 0, `from` strictly
    /// rising (§5).
    pub ladder: Vec<LadderStep>,
    /// The rounds, 1–50; `rounds[0]` is round 1.
    pub rounds: Vec<Round>,
    /// The participating States, 1–64 ([`StateId`] is the position here).
    pub states: Vec<StateDef>,
    /// The non-State actors, at most 255 ([`ActorId`] is the position here).
    pub actors: Vec<Actor>,
    /// Starting tension (0–100) for each unordered pair of States, indexed by
    /// [`Scenario::pair_index`]; [`Scenario::pair_count`] entries. Pairs the file does
    /// not list start at 0.
    pub initial_tension: Vec<u8>,
    /// The incidents, in file order ([`IncidentId`] is the position here).
    pub incidents: Vec<Incident>,
    /// Every fact of every incident, numbered across incidents in file order
    /// ([`FactId`] is the position here); at most 65535.
    pub facts: Vec<Fact>,
    /// The injects (the MSEL's entries), in file order ([`InjectId`] is the position
    /// here); at most 65535.
    pub injects: Vec<Inject>,
    /// The objectives evaluators look for (§13), in file order; at most 65535.
    pub objectives: Vec<Objective>,
    /// Hex BLAKE3 hash of the scenario's content (not its layout or comments):
    /// journals record it so that they are never resumed against other content.
    pub content_hash: String,
}

/// One step of the escalation ladder: a named band of the 0–100 tension scale, from
/// its `from` up to the next step's `from` (docs/scenario-format.md §5).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LadderStep {
    /// The step's id, usable as a tension level in conditions and objectives.
    pub id: String,
    /// The step's name as shown on the board, e.g. "Crisis".
    pub name: Text,
    /// Lowest tension (0–100) on this step; 0 for the first step.
    pub from: u8,
}

/// One round of the exercise (§6): open → deliberation → resolution → debrief.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Round {
    /// The round's title.
    pub title: Text,
    /// Notes for the facilitator's briefing when the round opens (may be empty).
    pub briefing: Text,
    /// Questions for the debrief (hot wash) at the end of the round.
    pub questions: Vec<Text>,
}

/// A participating State (§7).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateDef {
    /// The State's id in the file.
    pub id: String,
    /// The State's name.
    pub name: Text,
    /// A description for the players (may be empty).
    pub description: Text,
    /// Its competent national bodies, 1–32 ([`BodyId::body`] is the position here).
    pub bodies: Vec<Body>,
    /// Its two directory entries as the exercise starts (measure 8), indexed by
    /// [`level_index`]: policy first, technical second. The entries in play (after
    /// `UpdateContacts` and `BreakContact`) are in the situation, not here.
    pub contacts: [Contact; 2],
}

/// A competent national body of a State (§7): knows facts, holds contact points,
/// receives messages, and may be played by its own seat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Body {
    /// The body's id, unique within its State.
    pub id: String,
    /// What kind of body it is (a label; picks the composer's default body).
    pub kind: BodyKind,
    /// The body's own name, e.g. "LK-CERT".
    pub name: Text,
}

/// One entry of the contact-point directory (measure 8), as the exercise starts.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    /// The body holding the entry: a position in the State's `bodies`. Messages at this
    /// level arrive there.
    pub body: u8,
    /// Who answers, e.g. "CERT duty desk" (may be empty).
    pub name: Text,
    /// Months since the entry was last verified, 0–600; over [`STALE_AFTER_MONTHS`]
    /// is stale. It does not grow during the exercise.
    pub verified_months_ago: u16,
    /// `false` if the entry is wrong (an official who left): messages to it are lost.
    pub correct: bool,
}

/// A non-State actor (§8): a criminal group, hacktivists, a proxy.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// The actor's id in the file.
    pub id: String,
    /// The actor's name.
    pub name: Text,
    /// A description (may be empty).
    pub description: Text,
}

/// An ICT incident that hits one or more States (§10). Dormant until an inject opens
/// it (`OpenIncident`, or `RevealFact` of one of its facts).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    /// The incident's id in the file.
    pub id: String,
    /// The incident's title.
    pub title: Text,
    /// A description (may be empty).
    pub description: Text,
    /// 1–5; shown with the incident, no effect on the rules.
    pub severity: u8,
    /// Who really did it: hidden truth, for exercise control and the report only.
    /// No public number depends on it (rules version 2, §16).
    pub origin: Origin,
    /// The States hit by it (at least one); told when it opens.
    pub affected: StateSet,
    /// Its facts, in file order (ids into [`Scenario::facts`]).
    pub facts: Vec<FactId>,
}

/// One piece of evidence about an incident (§10). Bodies know facts; players act on
/// what their bodies know.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    /// The fact's id, unique across all incidents.
    pub id: String,
    /// The incident it belongs to.
    pub incident: IncidentId,
    /// The evidence as players read it once their body knows it.
    pub text: Text,
    /// Bodies that learn it as soon as its incident opens, in file order.
    pub known_by: Vec<BodyId>,
    /// Whom it seems to implicate (may mislead: a false flag). Decides whether a
    /// public attribution was substantiated.
    pub points_to: Option<Origin>,
    /// Evidence nobody holds at first; uncovered by joint analysis or assistance (or an
    /// inject, or the facilitator).
    pub hidden: bool,
}

/// When an inject fires (§11 `when`). Every inject fires at most once; exercise
/// control can reveal any inject early.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum When {
    /// When this round (1-based, within the rounds) opens.
    Round(u8),
    /// At the first round opening at which the condition holds (§12, §16).
    Trigger(Condition),
    /// Only when exercise control reveals it.
    Manual,
}

/// A trigger condition (§12), checked only at round openings. Pairs are unordered
/// (two different States); levels are tension points 0–100 (ladder ids already
/// resolved to their `from`); rounds are 1-based.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Condition {
    /// Tension between the two States is at least the level.
    TensionAtLeast(StateId, StateId, u8),
    /// Tension between the two States is strictly below the level (1–100).
    TensionBelow(StateId, StateId, u8),
    /// The action took effect (was resolved, not voided) in round `by_round` or
    /// earlier.
    ActionUsed {
        /// The kind of action.
        action: ActionKind,
        /// The State that must have used it; `None`: any State.
        by: Option<StateId>,
        /// Last round that counts (1-based).
        by_round: u8,
    },
    /// Round `by_round` has been resolved and the action was not used up to then.
    ActionNotUsed {
        /// The kind of action.
        action: ActionKind,
        /// The State that must not have used it; `None`: no State.
        by: Option<StateId>,
        /// Last round that counts (1-based, before the last round).
        by_round: u8,
    },
    /// Some body of the State knows the fact, however it learned it.
    FactKnown {
        /// The fact.
        fact: FactId,
        /// The State one of whose bodies must know it.
        state: StateId,
    },
    /// The inject has fired (scheduled, triggered or revealed by control).
    InjectFired(InjectId),
    /// Round `n` (1-based) or a later one has opened.
    RoundAtLeast(u8),
    /// Every condition holds (at least one listed).
    All(Vec<Condition>),
    /// At least one condition holds (at least one listed).
    Any(Vec<Condition>),
    /// The condition does not hold.
    Not(Box<Condition>),
}

/// What an inject changes when it fires, applied in the order listed (§11 Effects).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Effect {
    /// The incident begins: its affected States are told and every body in its
    /// facts' `known_by` learns them. Nothing if it is already open.
    OpenIncident(IncidentId),
    /// Tension between two different States moves by the delta (−100 to 100 points),
    /// the result clamped to 0–100.
    Tension(StateId, StateId, i8),
    /// The listed bodies (at least one) learn the fact, hidden or not; its incident
    /// opens first if it is not open yet.
    RevealFact(FactId, Vec<BodyId>),
    /// The State's directory entry at this level becomes wrong until it uses
    /// `UpdateContacts`. Only exercise control is told.
    BreakContact(StateId, Level),
}

/// An inject (§11): a scripted event of the exercise (news, a report, a phone call),
/// one entry of the master scenario events list (MSEL).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inject {
    /// The inject's id in the file.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// When it fires.
    pub when: When,
    /// Who receives it. An inject for several bodies lists them all.
    pub audience: InjectAudience,
    /// What the audience reads.
    pub text: Text,
    /// What it changes when it fires, in order.
    pub effects: Vec<Effect>,
    /// Questions for the facilitator to put to the room when it fires.
    pub questions: Vec<Text>,
    /// Actions planners expect in response: for the MSEL only, no effect on the rules.
    pub expected: Vec<ActionKind>,
}

/// Who reads an inject (§11 `audience`). Exercise control always does. The audience
/// teaches nobody a fact.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InjectAudience {
    /// Every seat, observers and the situation board.
    Public,
    /// Every seat of these States (at least one).
    States(StateSet),
    /// Only these bodies (at least one), in file order: each body's own seat and the
    /// seat playing its whole State.
    Bodies(Vec<BodyId>),
    /// Exercise control only.
    Control,
}

/// An objective (§13): what the evaluators look for, judged from the record as met,
/// not met or pending (`engine::objectives`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    /// The objective's id in the file.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// A description (may be empty).
    pub description: Text,
    /// How it is judged.
    pub check: Check,
}

/// How an objective is judged (§13). Rounds are 1-based and within the rounds unless
/// said otherwise; pairs are two different States, in either order.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Check {
    /// A policy-level message (policy message, concern or a reply to them) between
    /// the pair, either way, is delivered by the end of round `by_round`.
    PolicyContact {
        /// One State of the pair.
        a: StateId,
        /// The other State.
        b: StateId,
        /// Last round that counts.
        by_round: u8,
    },
    /// A technical-level message (technical message, sharing, assistance, joint
    /// analysis or a reply to them) between the pair is delivered by round `by_round`.
    TechnicalContact {
        /// One State of the pair.
        a: StateId,
        /// The other State.
        b: StateId,
        /// Last round that counts.
        by_round: u8,
    },
    /// Some body of `with` learns the fact, by any route, by round `by_round`.
    FactShared {
        /// The fact.
        fact: FactId,
        /// The State that must learn it.
        with: StateId,
        /// Last round that counts.
        by_round: u8,
    },
    /// Tension between the pair stays below `level` for the whole exercise.
    TensionBelow {
        /// One State of the pair.
        a: StateId,
        /// The other State.
        b: StateId,
        /// Tension points 1–100, above the pair's starting tension.
        level: u8,
    },
    /// No public attribution (by anyone, or by `by`) in a round before `round`.
    NoAttributionBefore {
        /// 2 to the number of rounds + 1 (rounds + 1: never during the exercise).
        round: u8,
        /// The State that must not attribute; `None`: any State.
        by: Option<StateId>,
    },
    /// The action takes effect by the end of round `by_round`.
    ActionUsed {
        /// The kind of action.
        action: ActionKind,
        /// The State that must use it; `None`: any State.
        by: Option<StateId>,
        /// Last round that counts.
        by_round: u8,
    },
    /// At the end of round `by_round` both of the State's directory entries are
    /// correct and verified within [`STALE_AFTER_MONTHS`] months.
    ContactsCurrent {
        /// The State whose entries are judged.
        state: StateId,
        /// The round at whose end they are judged.
        by_round: u8,
    },
    /// Every delivered concern is answered by the end of the round after it arrived.
    ConcernsAnswered,
}

/// Directory entries verified longer ago than this many months are stale: measure 8
/// asks for contact data to be updated at least annually (PC.DEC/1106, 2013;
/// docs/scenario-format.md §7, §16).
pub const STALE_AFTER_MONTHS: u16 = 12;

impl Scenario {
    /// The State. Panics if the id is out of range: ids from this scenario never are.
    pub fn state(&self, s: StateId) -> &StateDef {
        &self.states[s.index()]
    }

    /// The body. Panics if the id is out of range: ids from this scenario never are.
    pub fn body(&self, b: BodyId) -> &Body {
        &self.states[b.state.index()].bodies[b.body as usize]
    }

    /// The fact. Panics if the id is out of range: ids from this scenario never are.
    pub fn fact(&self, f: FactId) -> &Fact {
        &self.facts[f.index()]
    }

    /// The incident. Panics if the id is out of range: ids from this scenario never
    /// are.
    pub fn incident(&self, i: IncidentId) -> &Incident {
        &self.incidents[i.index()]
    }

    /// The inject. Panics if the id is out of range: ids from this scenario never are.
    pub fn inject(&self, i: InjectId) -> &Inject {
        &self.injects[i.index()]
    }

    /// The number of rounds, 1–50 (the last round's number).
    pub fn round_count(&self) -> u8 {
        self.rounds.len() as u8
    }

    /// Every State, in file order.
    pub fn state_ids(&self) -> impl Iterator<Item = StateId> + use<> {
        (0..self.states.len() as u8).map(StateId)
    }

    /// Every body of the State, in file order. Panics if the State is out of range.
    pub fn body_ids(&self, s: StateId) -> impl Iterator<Item = BodyId> + use<> {
        (0..self.states[s.index()].bodies.len() as u8).map(move |body| BodyId { state: s, body })
    }

    /// Every body of every State, State by State in file order.
    pub fn all_body_ids(&self) -> impl Iterator<Item = BodyId> + '_ {
        self.state_ids().flat_map(|s| self.body_ids(s))
    }

    /// The State with this file id (exact, case-sensitive), if any.
    pub fn state_by_id(&self, id: &str) -> Option<StateId> {
        self.states
            .iter()
            .position(|s| s.id == id)
            .map(|i| StateId(i as u8))
    }

    /// The body of `state` with this file id, if any. Panics if the State is out of
    /// range.
    pub fn body_by_id(&self, state: StateId, id: &str) -> Option<BodyId> {
        self.state(state)
            .bodies
            .iter()
            .position(|b| b.id == id)
            .map(|i| BodyId {
                state,
                body: i as u8,
            })
    }

    /// The inject with this file id, if any.
    pub fn inject_by_id(&self, id: &str) -> Option<InjectId> {
        self.injects
            .iter()
            .position(|i| i.id == id)
            .map(|i| InjectId(i as u16))
    }

    /// The first body of the State of this kind, if any.
    pub fn body_of_kind(&self, state: StateId, kind: BodyKind) -> Option<BodyId> {
        self.state(state)
            .bodies
            .iter()
            .position(|b| b.kind == kind)
            .map(|i| BodyId {
                state,
                body: i as u8,
            })
    }

    /// The body that holds the State's contact point at this level, as the file gives
    /// it (`UpdateContacts` and `BreakContact` change whether an entry is correct or
    /// fresh, never which body holds it).
    pub fn contact_body(&self, state: StateId, level: Level) -> BodyId {
        BodyId {
            state,
            body: self.state(state).contacts[level_index(level)].body,
        }
    }

    /// Index of an unordered pair of distinct States in a triangular table of
    /// [`Scenario::pair_count`] entries (`(a, b)` and `(b, a)` give the same index;
    /// see [`pair_index`]).
    pub fn pair_index(&self, a: StateId, b: StateId) -> usize {
        pair_index(self.states.len(), a, b)
    }

    /// The number of unordered pairs of distinct States: n(n−1)/2 for n States.
    pub fn pair_count(&self) -> usize {
        let n = self.states.len();
        n * n.saturating_sub(1) / 2
    }

    /// Every unordered pair of States as `(lower id, higher id)`, in table order
    /// (the order of [`Scenario::pair_index`]).
    pub fn pairs(&self) -> impl Iterator<Item = (StateId, StateId)> + use<> {
        let n = self.states.len() as u8;
        (0..n).flat_map(move |a| (a + 1..n).map(move |b| (StateId(a), StateId(b))))
    }

    /// The escalation-ladder step a tension value (0–100) falls on: an index into
    /// [`Scenario::ladder`], the last step whose `from` is at most `tension`.
    pub fn ladder_step(&self, tension: u8) -> usize {
        self.ladder
            .iter()
            .rposition(|s| s.from <= tension)
            .unwrap_or(0)
    }

    /// The name of a State or actor. Panics if the id is out of range: ids from this
    /// scenario never are.
    pub fn origin_name(&self, o: Origin) -> &Text {
        match o {
            Origin::State(s) => &self.state(s).name,
            Origin::Actor(a) => &self.actors[a.index()].name,
        }
    }
}

/// The position of a level in [`StateDef::contacts`] and other per-level arrays:
/// policy 0, technical 1.
pub fn level_index(level: Level) -> usize {
    match level {
        Level::Policy => 0,
        Level::Technical => 1,
    }
}

/// Index of the unordered pair `{a, b}` in a triangular table for `n` States, row by
/// row: (0,1), (0,2), ..., (0,n−1), (1,2), ... The order of `a` and `b` does not
/// matter. `a` and `b` must be different and below `n` (checked only in debug
/// builds; otherwise the index is meaningless).
pub fn pair_index(n: usize, a: StateId, b: StateId) -> usize {
    let (lo, hi) = if a.0 < b.0 {
        (a.index(), b.index())
    } else {
        (b.index(), a.index())
    };
    debug_assert!(lo != hi && hi < n);
    // Row `lo` starts after the rows 0..lo, which hold (n-1) + (n-2) + ... entries.
    lo * (2 * n - lo - 1) / 2 + (hi - lo - 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pair_index_is_a_bijection() {
        for n in 2..10usize {
            let mut seen = vec![false; n * (n - 1) / 2];
            for a in 0..n as u8 {
                for b in a + 1..n as u8 {
                    let i = pair_index(n, StateId(a), StateId(b));
                    assert_eq!(i, pair_index(n, StateId(b), StateId(a)));
                    assert!(!seen[i]);
                    seen[i] = true;
                }
            }
            assert!(seen.iter().all(|s| *s));
        }
    }
}
