//! Unsent input: what a seat or control has typed or chosen but not yet sent. It is
//! kept per seat (and per exercise, inside [`super::session::Running`]), so that on a
//! shared screen the next team never sees the previous team's draft.

use cbm_ttx_core::engine::{Action, Choice, Rejection};
use cbm_ttx_core::scenario::{ActionKind, BodyId, StateId};

/// What a seat's action composer is building.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct SeatInput {
    pub kind: Option<ActionKind>,
    pub actor: Option<BodyId>,
    /// The fields the chosen kind asks for ([`ActionKind::fields`]).
    pub choice: Choice,
    /// An action sent to be staged: the typed text is cleared once it shows up.
    pub pending: Option<Action>,
}

impl SeatInput {
    /// The action as composed so far, or what is still missing.
    pub fn build(&self) -> Result<(BodyId, Action), Rejection> {
        let kind = self.kind.ok_or(Rejection::Missing("an action"))?;
        let actor = self.actor.ok_or(Rejection::Missing("the acting body"))?;
        let mut choice = self.choice.clone();
        choice.text = choice.text.trim().to_owned();
        Ok((actor, choice.into_action(kind)?))
    }

    /// After staging: the typed text and chosen facts are cleared; the kind and
    /// targets stay, for a series of similar actions.
    pub fn sent(&mut self) {
        self.choice.text.clear();
        self.choice.facts.clear();
        self.pending = None;
    }
}

/// A tension adjustment control is preparing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdjustInput {
    pub a: Option<StateId>,
    pub b: Option<StateId>,
    pub delta: i8,
    pub reason: String,
}

/// An ad-hoc inject control is preparing.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AdHocInput {
    /// None: public.
    pub to: Option<StateId>,
    pub title: String,
    pub text: String,
}

/// Control's unsent input.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct ControlInputs {
    pub adjust: AdjustInput,
    pub adhoc: AdHocInput,
    /// An observation being written (console or debrief).
    pub note: String,
}
