//! Seats (who sends a command, who sees an event) and the audience rule that joins them.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::scenario::{Audience, BodyId, Scenario, StateId};

/// A place at the table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub enum Seat {
    /// Exercise control (the facilitator): sees everything, runs the exercise.
    Control,
    /// A team playing a whole State: acts for any of its bodies.
    State(StateId),
    /// One national body of a State.
    Body(BodyId),
    /// Sees only what is public: the situation board, an observer.
    Observer,
}

impl Seat {
    /// The State this seat plays, if it plays one.
    pub fn state(self) -> Option<StateId> {
        match self {
            Seat::State(s) => Some(s),
            Seat::Body(b) => Some(b.state),
            Seat::Control | Seat::Observer => None,
        }
    }

    /// May this seat act in the name of the body?
    pub fn may_act_as(self, body: BodyId) -> bool {
        match self {
            Seat::State(s) => s == body.state,
            Seat::Body(b) => b == body,
            Seat::Control | Seat::Observer => false,
        }
    }

    /// Short stable label, e.g. for command-line arguments: `ardenia`, `ardenia/cert`,
    /// `control`, `observer`.
    pub fn key(self, scenario: &Scenario) -> String {
        match self {
            Seat::Control => "control".into(),
            Seat::Observer => "observer".into(),
            Seat::State(s) => scenario.state(s).id.clone(),
            Seat::Body(b) => format!("{}/{}", scenario.state(b.state).id, scenario.body(b).id),
        }
    }

    /// Parse a label made by [`Seat::key`].
    pub fn parse(key: &str, scenario: &Scenario) -> Option<Seat> {
        match key {
            "control" => Some(Seat::Control),
            "observer" => Some(Seat::Observer),
            _ => match key.split_once('/') {
                Some((s, b)) => {
                    let state = scenario.state_by_id(s)?;
                    scenario.body_by_id(state, b).map(Seat::Body)
                }
                None => scenario.state_by_id(key).map(Seat::State),
            },
        }
    }

    /// A readable name: "Ardenia", "Ardenia — CERT-AR", "Exercise control".
    pub fn label(self, scenario: &Scenario, lang: crate::scenario::Lang) -> String {
        match self {
            Seat::Control => "Exercise control".into(),
            Seat::Observer => "Observer".into(),
            Seat::State(s) => scenario.state(s).name.get(lang).to_owned(),
            Seat::Body(b) => {
                format!(
                    "{} — {}",
                    scenario.state(b.state).name.get(lang),
                    scenario.body(b).name.get(lang)
                )
            }
        }
    }

    /// Every seat a scenario offers to players: each State followed by its bodies.
    pub fn all_player_seats(scenario: &Scenario) -> Vec<Seat> {
        scenario
            .state_ids()
            .flat_map(|s| {
                std::iter::once(Seat::State(s)).chain(scenario.body_ids(s).map(Seat::Body))
            })
            .collect()
    }
}

impl fmt::Display for Seat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Seat::Control => f.write_str("control"),
            Seat::Observer => f.write_str("observer"),
            Seat::State(s) => write!(f, "state#{}", s.0),
            Seat::Body(b) => write!(f, "state#{}/body#{}", b.state.0, b.body),
        }
    }
}

impl Audience {
    /// The one rule of visibility: may this seat see what is addressed to this audience?
    pub fn includes(&self, seat: Seat) -> bool {
        match (self, seat) {
            (_, Seat::Control) => true,
            (Audience::Public, _) => true,
            (Audience::Control, _) => false,
            (_, Seat::Observer) => false,
            (Audience::States(set), seat) => seat.state().is_some_and(|s| set.contains(s)),
            (Audience::Body(b), Seat::State(s)) => b.state == s,
            (Audience::Body(b), Seat::Body(mine)) => *b == mine,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::StateSet;

    #[test]
    fn audience_rule() {
        let a = StateId(0);
        let b = StateId(1);
        let a_cert = BodyId { state: a, body: 0 };
        let a_mfa = BodyId { state: a, body: 1 };
        let body = Audience::Body(a_cert);
        assert!(body.includes(Seat::Control));
        assert!(body.includes(Seat::State(a)));
        assert!(body.includes(Seat::Body(a_cert)));
        assert!(!body.includes(Seat::Body(a_mfa)));
        assert!(!body.includes(Seat::State(b)));
        assert!(!body.includes(Seat::Observer));
        let states = Audience::States(StateSet::one(b));
        assert!(states.includes(Seat::Body(BodyId { state: b, body: 3 })));
        assert!(!states.includes(Seat::State(a)));
        assert!(Audience::Public.includes(Seat::Observer));
        assert!(!Audience::Control.includes(Seat::State(a)));
    }
}
