//! A running exercise: the scenario, the situation, and the record of events.

use std::sync::Arc;

use super::check::{Rejection, check};
use super::command::{Command, Seat};
use super::event::Event;
use super::execute::{Ctx, execute};
use super::situation::{Situation, apply};
use crate::scenario::Scenario;

/// The scenario, the true situation and every event so far. Commands go in through
/// [`Game::handle`]; nothing else changes a game.
#[derive(Clone, Debug)]
pub struct Game {
    scenario: Arc<Scenario>,
    situation: Situation,
    events: Vec<Event>,
}

/// Why a record cannot be replayed. `index` is the event's position in the record
/// (the journal layer turns it into a file line).
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
    #[error("event {seq} cannot have happened here: {reason}")]
    Implausible { seq: u32, reason: String },
    #[error(
        "command {index} ({command}) does not give the events recorded for it: the record was made with another scenario or was altered"
    )]
    Diverged { index: usize, command: String },
    #[error("command {index} ({command}) was refused on replay: {why}")]
    Refused {
        index: usize,
        command: String,
        why: Rejection,
    },
    #[error("round {round} never opened in this record")]
    NoSuchRound { round: u8 },
}

impl Game {
    /// A new exercise in its setup phase.
    pub fn new(scenario: Arc<Scenario>, seed: u64) -> Game {
        let situation = Situation::new(&scenario, seed);
        Game {
            scenario,
            situation,
            events: Vec::new(),
        }
    }

    /// Rebuild a game from its events alone (records made before commands were kept):
    /// every event must refer to the scenario and be possible where it stands.
    pub fn replay(
        scenario: Arc<Scenario>,
        seed: u64,
        events: Vec<Event>,
    ) -> Result<Game, ReplayError> {
        let mut situation = Situation::new(&scenario, seed);
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
            super::integrity::plausible(&scenario, &situation, e).map_err(|reason| {
                ReplayError::Implausible {
                    seq: e.seq,
                    reason: reason.to_owned(),
                }
            })?;
            apply(&mut situation, &scenario, e);
        }
        Ok(Game {
            scenario,
            situation,
            events,
        })
    }

    /// Replay one recorded command: it must be accepted and give exactly the events
    /// recorded for it. `index` names the command in errors.
    pub fn redo(
        &mut self,
        index: usize,
        seat: Seat,
        cmd: Command,
        recorded: &[Event],
    ) -> Result<(), ReplayError> {
        let label = cmd.label();
        let before = self.events.len();
        match self.handle(seat, cmd) {
            Ok(made) if made == recorded => Ok(()),
            Ok(_) => {
                self.truncate(before);
                Err(ReplayError::Diverged {
                    index,
                    command: label,
                })
            }
            Err(why) => Err(ReplayError::Refused {
                index,
                command: label,
                why,
            }),
        }
    }

    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    /// The true situation (control's knowledge).
    pub fn situation(&self) -> &Situation {
        &self.situation
    }

    pub fn events(&self) -> &[Event] {
        &self.events
    }

    pub fn seed(&self) -> u64 {
        self.situation.seed()
    }

    /// Check a command from a seat and, if allowed, execute it. Returns the new events.
    pub fn handle(&mut self, seat: Seat, cmd: Command) -> Result<&[Event], Rejection> {
        check(&self.scenario, &self.situation, seat, &cmd)?;
        let start = self.events.len();
        let mut ctx = Ctx {
            scenario: &self.scenario,
            situation: &mut self.situation,
            out: &mut self.events,
        };
        execute(&mut ctx, seat, cmd);
        Ok(&self.events[start..])
    }

    /// What a seat knows now, built from the whole record (control's view holds the
    /// whole scenario, every other seat's the public one). For tests and reports; a
    /// running session keeps views up to date instead.
    pub fn view(&self, seat: Seat) -> super::SeatView {
        let scenario = if seat == Seat::Control {
            self.scenario.clone()
        } else {
            Arc::new(super::disclose::public(&self.scenario))
        };
        super::SeatView::build(&self.scenario, scenario, seat, &self.events)
    }

    /// Would this command be accepted now?
    pub fn check(&self, seat: Seat, cmd: &Command) -> Result<(), Rejection> {
        check(&self.scenario, &self.situation, seat, cmd)
    }

    /// Forget every event from `len` on (a command whose events could not be
    /// recorded is undone this way). The situation is rebuilt from the rest.
    pub fn truncate(&mut self, len: usize) {
        if len >= self.events.len() {
            return;
        }
        self.events.truncate(len);
        let mut situation = Situation::new(&self.scenario, self.situation.seed());
        for e in &self.events {
            apply(&mut situation, &self.scenario, e);
        }
        self.situation = situation;
    }
}
