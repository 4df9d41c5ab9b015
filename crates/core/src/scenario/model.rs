//! The compiled scenario: every reference resolved to an index, every number in range.
//! The engine, the app and the reports read only this.

use serde::{Deserialize, Serialize};

use super::ids::*;
use super::text::{Lang, Text};
use super::vocab::{ActionKind, BodyKind, Level, TurnOrder};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Scenario {
    pub id: String,
    pub title: Text,
    pub summary: Text,
    pub author: String,
    pub version: String,
    pub seed: u64,
    pub languages: Vec<Lang>,
    pub turn_order: TurnOrder,
    pub actions_per_round: u8,
    pub round_seconds: u32,
    pub ladder: Vec<LadderStep>,
    pub rounds: Vec<Round>,
    pub states: Vec<StateDef>,
    pub actors: Vec<Actor>,
    /// Starting tension for each pair, indexed by [`Scenario::pair_index`].
    pub initial_tension: Vec<u8>,
    pub incidents: Vec<Incident>,
    pub facts: Vec<Fact>,
    pub injects: Vec<Inject>,
    pub objectives: Vec<Objective>,
    /// Hex BLAKE3 hash of the scenario's content (not its layout or comments):
    /// journals record it so that they are never resumed against other content.
    pub content_hash: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LadderStep {
    pub id: String,
    pub name: Text,
    pub from: u8,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Round {
    pub title: Text,
    pub briefing: Text,
    pub questions: Vec<Text>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StateDef {
    pub id: String,
    pub name: Text,
    pub description: Text,
    pub bodies: Vec<Body>,
    /// Indexed by [`Level`]: policy first, technical second.
    pub contacts: [Contact; 2],
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Body {
    pub id: String,
    pub kind: BodyKind,
    pub name: Text,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Contact {
    pub body: u8,
    pub name: Text,
    pub verified_months_ago: u16,
    pub correct: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    pub id: String,
    pub name: Text,
    pub description: Text,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Incident {
    pub id: String,
    pub title: Text,
    pub description: Text,
    pub severity: u8,
    pub origin: Origin,
    pub affected: StateSet,
    pub facts: Vec<FactId>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Fact {
    pub id: String,
    pub incident: IncidentId,
    pub text: Text,
    pub known_by: Vec<BodyId>,
    pub points_to: Option<Origin>,
    pub hidden: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum When {
    Round(u8),
    Trigger(Condition),
    Manual,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Condition {
    TensionAtLeast(StateId, StateId, u8),
    TensionBelow(StateId, StateId, u8),
    ActionUsed {
        action: ActionKind,
        by: Option<StateId>,
        by_round: u8,
    },
    ActionNotUsed {
        action: ActionKind,
        by: Option<StateId>,
        by_round: u8,
    },
    FactKnown {
        fact: FactId,
        state: StateId,
    },
    InjectFired(InjectId),
    RoundAtLeast(u8),
    All(Vec<Condition>),
    Any(Vec<Condition>),
    Not(Box<Condition>),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Effect {
    OpenIncident(IncidentId),
    Tension(StateId, StateId, i8),
    RevealFact(FactId, Vec<BodyId>),
    BreakContact(StateId, Level),
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Inject {
    pub id: String,
    pub title: Text,
    pub when: When,
    /// Who receives it. An inject for several bodies lists them all.
    pub audience: InjectAudience,
    pub text: Text,
    pub effects: Vec<Effect>,
    pub questions: Vec<Text>,
    pub expected: Vec<ActionKind>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InjectAudience {
    Public,
    States(StateSet),
    Bodies(Vec<BodyId>),
    Control,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Objective {
    pub id: String,
    pub title: Text,
    pub description: Text,
    pub check: Check,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Check {
    PolicyContact {
        a: StateId,
        b: StateId,
        by_round: u8,
    },
    TechnicalContact {
        a: StateId,
        b: StateId,
        by_round: u8,
    },
    FactShared {
        fact: FactId,
        with: StateId,
        by_round: u8,
    },
    TensionBelow {
        a: StateId,
        b: StateId,
        level: u8,
    },
    NoAttributionBefore {
        round: u8,
        by: Option<StateId>,
    },
    ActionUsed {
        action: ActionKind,
        by: Option<StateId>,
        by_round: u8,
    },
    ContactsCurrent {
        state: StateId,
        by_round: u8,
    },
    ConcernsAnswered,
}

/// Directory entries verified longer ago than this are stale: the measure asks for
/// contact data to be updated at least annually.
pub const STALE_AFTER_MONTHS: u16 = 12;

impl Scenario {
    pub fn state(&self, s: StateId) -> &StateDef {
        &self.states[s.index()]
    }

    pub fn body(&self, b: BodyId) -> &Body {
        &self.states[b.state.index()].bodies[b.body as usize]
    }

    pub fn fact(&self, f: FactId) -> &Fact {
        &self.facts[f.index()]
    }

    pub fn incident(&self, i: IncidentId) -> &Incident {
        &self.incidents[i.index()]
    }

    pub fn inject(&self, i: InjectId) -> &Inject {
        &self.injects[i.index()]
    }

    pub fn round_count(&self) -> u8 {
        self.rounds.len() as u8
    }

    pub fn state_ids(&self) -> impl Iterator<Item = StateId> + use<> {
        (0..self.states.len() as u8).map(StateId)
    }

    pub fn body_ids(&self, s: StateId) -> impl Iterator<Item = BodyId> + use<> {
        (0..self.states[s.index()].bodies.len() as u8).map(move |body| BodyId { state: s, body })
    }

    pub fn all_body_ids(&self) -> impl Iterator<Item = BodyId> + '_ {
        self.state_ids().flat_map(|s| self.body_ids(s))
    }

    pub fn state_by_id(&self, id: &str) -> Option<StateId> {
        self.states
            .iter()
            .position(|s| s.id == id)
            .map(|i| StateId(i as u8))
    }

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

    /// The body that holds the State's contact point at this level.
    pub fn contact_body(&self, state: StateId, level: Level) -> BodyId {
        BodyId {
            state,
            body: self.state(state).contacts[level_index(level)].body,
        }
    }

    /// Index of an unordered pair of distinct States in a triangular table.
    pub fn pair_index(&self, a: StateId, b: StateId) -> usize {
        pair_index(self.states.len(), a, b)
    }

    pub fn pair_count(&self) -> usize {
        let n = self.states.len();
        n * n.saturating_sub(1) / 2
    }

    /// Every unordered pair of States, in table order.
    pub fn pairs(&self) -> impl Iterator<Item = (StateId, StateId)> + use<> {
        let n = self.states.len() as u8;
        (0..n).flat_map(move |a| (a + 1..n).map(move |b| (StateId(a), StateId(b))))
    }

    /// The escalation-ladder step a tension value falls on.
    pub fn ladder_step(&self, tension: u8) -> usize {
        self.ladder
            .iter()
            .rposition(|s| s.from <= tension)
            .unwrap_or(0)
    }

    pub fn origin_name(&self, o: Origin) -> &Text {
        match o {
            Origin::State(s) => &self.state(s).name,
            Origin::Actor(a) => &self.actors[a.index()].name,
        }
    }
}

pub fn level_index(level: Level) -> usize {
    match level {
        Level::Policy => 0,
        Level::Technical => 1,
    }
}

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
