//! A running exercise: the scenario, the state, and the record of events.

use std::sync::Arc;

use super::check::{Rejection, check};
use super::command::{Command, Seat};
use super::event::Event;
use super::execute::{Ctx, execute};
use super::state::{State, apply};
use crate::scenario::Scenario;

#[derive(Clone, Debug)]
pub struct Game {
    scenario: Arc<Scenario>,
    state: State,
    events: Vec<Event>,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum ReplayError {
    #[error(
        "event {index} has number {found}, expected {expected}: the record has a gap or is out of order"
    )]
    OutOfOrder {
        index: usize,
        expected: u32,
        found: u32,
    },
    #[error("event {seq} refers to something the scenario does not have")]
    Inconsistent { seq: u32 },
    #[error("round {round} never opened in this record")]
    NoSuchRound { round: u8 },
}

impl Game {
    pub fn new(scenario: Arc<Scenario>, seed: u64) -> Game {
        let state = State::new(&scenario, seed);
        Game {
            scenario,
            state,
            events: Vec::new(),
        }
    }

    /// Rebuild a game from its record: resume after a crash, or replay.
    pub fn replay(
        scenario: Arc<Scenario>,
        seed: u64,
        events: Vec<Event>,
    ) -> Result<Game, ReplayError> {
        let mut state = State::new(&scenario, seed);
        for (index, e) in events.iter().enumerate() {
            if e.seq != index as u32 {
                return Err(ReplayError::OutOfOrder {
                    index,
                    expected: index as u32,
                    found: e.seq,
                });
            }
            if !super::integrity::refers_within(&scenario, e) {
                return Err(ReplayError::Inconsistent { seq: e.seq });
            }
            apply(&mut state, &scenario, e);
        }
        Ok(Game {
            scenario,
            state,
            events,
        })
    }

    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    pub fn state(&self) -> &State {
        &self.state
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub fn seed(&self) -> u64 {
        self.state.seed
    }

    /// Check a command from a seat and, if allowed, execute it. Returns the new events.
    pub fn handle(&mut self, seat: Seat, cmd: Command) -> Result<&[Event], Rejection> {
        check(&self.scenario, &self.state, seat, &cmd)?;
        let start = self.events.len();
        let mut ctx = Ctx {
            scenario: &self.scenario,
            state: &mut self.state,
            out: &mut self.events,
        };
        execute(&mut ctx, seat, cmd);
        Ok(&self.events[start..])
    }

    /// Would this command be accepted now?
    pub fn check(&self, seat: Seat, cmd: &Command) -> Result<(), Rejection> {
        check(&self.scenario, &self.state, seat, cmd)
    }
}
