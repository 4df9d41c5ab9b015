//! Compact typed indices into a compiled scenario. The engine works on these, never
//! on string ids, so that a simulated exercise allocates little and runs fast.

use serde::{Deserialize, Serialize};
use std::fmt;

macro_rules! index_type {
    ($(#[$m:meta])* $name:ident($int:ty)) => {
        $(#[$m])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(pub $int);

        impl $name {
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// A State, by its position in the scenario's `states` list.
    StateId(u8)
);
index_type!(
    /// A non-State actor.
    ActorId(u8)
);
index_type!(
    /// An incident.
    IncidentId(u16)
);
index_type!(
    /// A fact, numbered across all incidents in file order.
    FactId(u16)
);
index_type!(
    /// An inject.
    InjectId(u16)
);
index_type!(
    /// An objective.
    ObjectiveId(u16)
);

/// One national body of a State.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BodyId {
    pub state: StateId,
    pub body: u8,
}

/// The most States a scenario may have: a [`StateSet`] is one 64-bit word.
/// (The OSCE has 57 participating States.)
pub const MAX_STATES: usize = 64;

/// A set of States.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StateSet(pub u64);

impl StateSet {
    pub const EMPTY: StateSet = StateSet(0);

    pub fn one(s: StateId) -> Self {
        StateSet(1u64 << s.0)
    }

    pub fn pair(a: StateId, b: StateId) -> Self {
        StateSet::one(a).with(b)
    }

    pub fn with(self, s: StateId) -> Self {
        StateSet(self.0 | (1u64 << s.0))
    }

    pub fn contains(self, s: StateId) -> bool {
        self.0 & (1u64 << s.0) != 0
    }

    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    pub fn iter(self) -> impl Iterator<Item = StateId> {
        (0..64u8)
            .filter(move |i| self.0 & (1u64 << i) != 0)
            .map(StateId)
    }
}

impl FromIterator<StateId> for StateSet {
    fn from_iter<I: IntoIterator<Item = StateId>>(iter: I) -> Self {
        iter.into_iter().fold(StateSet::EMPTY, StateSet::with)
    }
}

impl fmt::Debug for StateSet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.iter().map(|s| s.0)).finish()
    }
}

/// Who may see something. Exercise control sees everything, always.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    /// Every seat and the situation board.
    Public,
    /// Every seat of these States.
    States(StateSet),
    /// One body: its own seat and the seat that holds its whole State.
    Body(BodyId),
    /// Exercise control only.
    Control,
}

/// Who is behind an incident, or whom a fact implicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Origin {
    State(StateId),
    Actor(ActorId),
}
