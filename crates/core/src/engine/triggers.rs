//! Trigger conditions, evaluated on the situation when a round opens.

use super::situation::Situation;
use crate::scenario::{ActionKind, Condition, Scenario, StateId};

/// Does the condition hold in this situation (docs/scenario-format.md §12)? The
/// engine asks only at round openings (§16 "When triggers are evaluated").
pub fn holds(scenario: &Scenario, state: &Situation, c: &Condition) -> bool {
    match c {
        Condition::TensionAtLeast(a, b, l) => state.tension(scenario, *a, *b) >= *l,
        Condition::TensionBelow(a, b, l) => state.tension(scenario, *a, *b) < *l,
        Condition::ActionUsed {
            action,
            by,
            by_round,
        } => used(scenario, state, *action, *by, *by_round),
        // Only once the round has been resolved can "not used by then" be known.
        Condition::ActionNotUsed {
            action,
            by,
            by_round,
        } => state.resolved_through(*by_round) && !used(scenario, state, *action, *by, *by_round),
        Condition::FactKnown { fact, state: s } => state.state_knows(scenario, *s, *fact),
        Condition::InjectFired(i) => state.fired(*i),
        Condition::RoundAtLeast(r) => state.round() >= *r,
        Condition::All(list) => list.iter().all(|c| holds(scenario, state, c)),
        Condition::Any(list) => list.iter().any(|c| holds(scenario, state, c)),
        Condition::Not(c) => !holds(scenario, state, c),
    }
}

fn used(
    scenario: &Scenario,
    state: &Situation,
    action: ActionKind,
    by: Option<StateId>,
    by_round: u8,
) -> bool {
    match by {
        Some(s) => state.used_by(s, action, by_round),
        None => scenario
            .state_ids()
            .any(|s| state.used_by(s, action, by_round)),
    }
}
