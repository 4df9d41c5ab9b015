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
            /// The position as a `usize`, for indexing the scenario's and the
            /// situation's `Vec`s (which are in file order).
            pub fn index(self) -> usize {
                self.0 as usize
            }
        }
    };
}

index_type!(
    /// A State, by its position in the scenario's `states` list (0-based, below
    /// [`MAX_STATES`]).
    StateId(u8)
);
index_type!(
    /// A non-State actor, by its position in the scenario's `actors` list
    /// (at most 255, docs/scenario-format.md §15).
    ActorId(u8)
);
index_type!(
    /// An incident, by its position in the scenario's `incidents` list.
    IncidentId(u16)
);
index_type!(
    /// A fact, numbered across all incidents in file order.
    FactId(u16)
);
index_type!(
    /// An inject, by its position in the scenario's `injects` list (file order,
    /// which is also the order triggers are checked in, §16).
    InjectId(u16)
);
index_type!(
    /// An objective, by its position in the scenario's `objectives` list.
    ObjectiveId(u16)
);

/// One competent national body of a State (a CERT, a foreign ministry, ...): the
/// unit that knows facts, holds contact points and receives messages.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct BodyId {
    /// The State the body belongs to.
    pub state: StateId,
    /// The body's position in its State's `bodies` list (0-based, at most 32 bodies).
    pub body: u8,
}

/// The most States a scenario may have: a [`StateSet`] is one 64-bit word.
/// (The OSCE has 57 participating States.)
pub const MAX_STATES: usize = 64;

/// A set of States: one bit per [`StateId`] (bit `i` is State `i`), so at most
/// [`MAX_STATES`]. Iterates in id order.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct StateSet(pub u64);

impl StateSet {
    /// No State.
    pub const EMPTY: StateSet = StateSet(0);

    /// The set of the one State `s`. Panics (in builds with overflow checks) if
    /// `s` is 64 or more: ids from a compiled scenario never are.
    pub fn one(s: StateId) -> Self {
        StateSet(1u64 << s.0)
    }

    /// The set of `a` and `b` (one State if they are equal). Panics as [`Self::one`].
    pub fn pair(a: StateId, b: StateId) -> Self {
        StateSet::one(a).with(b)
    }

    /// This set with `s` added. Panics as [`Self::one`].
    pub fn with(self, s: StateId) -> Self {
        StateSet(self.0 | (1u64 << s.0))
    }

    /// Whether `s` is in the set. Panics as [`Self::one`].
    pub fn contains(self, s: StateId) -> bool {
        self.0 & (1u64 << s.0) != 0
    }

    /// Whether the set has no State.
    pub fn is_empty(self) -> bool {
        self.0 == 0
    }

    /// How many States are in the set (0-64).
    pub fn len(self) -> usize {
        self.0.count_ones() as usize
    }

    /// The States in the set, in ascending id order (file order).
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

/// Who may see something (an event, an inject): the one visibility rule is
/// `Audience::includes(seat)` in the engine. Exercise control (the white cell) sees
/// everything, always.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Audience {
    /// Every seat and the situation board.
    Public,
    /// Every seat of these States: each State team seat and each of its body seats.
    States(StateSet),
    /// One body: its own seat and the seat that holds its whole State.
    Body(BodyId),
    /// Exercise control only.
    Control,
}

/// Who is behind an incident, or whom a fact implicates.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Origin {
    /// A participating State.
    State(StateId),
    /// A non-State actor (a criminal group, hacktivists, a proxy).
    Actor(ActorId),
}
