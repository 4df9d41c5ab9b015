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
    /// An event's `seq` is not its position: a gap, a duplicate or a swap.
    #[error(
        "event {index} has number {found}, expected {expected}: the record has a gap or is out of order"
    )]
    OutOfOrder {
        /// The event's position.
        index: usize,
        /// The number it should have (its position).
        expected: u32,
        /// The number it has.
        found: u32,
    },
    /// An event names a State, body, fact, inject... the scenario does not have.
    #[error("event {seq} refers to something the scenario does not have")]
    Inconsistent {
        /// The event's number.
        seq: u32,
    },
    /// An event could not have happened in the situation the record reached (e.g. an
    /// audience wider than the rules allow, a phase that does not fit).
    #[error("event {seq} cannot have happened here: {reason}")]
    Implausible {
        /// The event's number.
        seq: u32,
        /// Why, in words.
        reason: String,
    },
    /// Re-executing the command gave other events than those recorded.
    #[error(
        "event {at} is not what command {index} ({command}) gives: the record was made with another scenario or was altered"
    )]
    Diverged {
        /// The command: the number of its first event (for [`Game::redo`], the
        /// `index` its caller gave; the journal gives the same).
        index: usize,
        /// The command's name ([`Command::label`]).
        command: String,
        /// The first event that differs.
        at: usize,
    },
    /// The command was refused by the checks on replay.
    #[error("command {index} ({command}) was refused on replay: {why}")]
    Refused {
        /// As in [`ReplayError::Diverged`].
        index: usize,
        /// The command's name.
        command: String,
        /// The rule that refused it.
        why: Rejection,
    },
    /// The record stops part-way through a command's events.
    #[error("the record ends in the middle of the command that begins with event {index}")]
    Incomplete {
        /// The number of the command's first event.
        index: usize,
    },
    /// A fork or replay asked for a round the record never reached.
    #[error("round {round} never opened in this record")]
    NoSuchRound {
        /// The round (1-based).
        round: u8,
    },
}

impl ReplayError {
    /// The number of the event the error is about, if it is about one.
    pub fn event(&self) -> Option<usize> {
        match self {
            ReplayError::Diverged { at, .. } => Some(*at),
            ReplayError::OutOfOrder { index, .. }
            | ReplayError::Refused { index, .. }
            | ReplayError::Incomplete { index } => Some(*index),
            ReplayError::Inconsistent { seq } | ReplayError::Implausible { seq, .. } => {
                Some(*seq as usize)
            }
            ReplayError::NoSuchRound { .. } => None,
        }
    }
}

impl Game {
    /// A new exercise in its setup phase, under the current rules.
    pub fn new(scenario: Arc<Scenario>, seed: u64) -> Game {
        Game::with_rules(scenario, seed, super::rules::RULES)
    }

    /// A new exercise under a given version of the rules (to replay an old record).
    pub fn with_rules(scenario: Arc<Scenario>, seed: u64, rules: u32) -> Game {
        let situation = Situation::with_rules(&scenario, seed, rules);
        Game {
            scenario,
            situation,
            events: Vec::new(),
        }
    }

    /// Rebuild a game from its events alone (records made before commands were kept).
    /// Each run of events is traced back to the command that made it, which is
    /// executed again and must give exactly those events. Plays under the current
    /// rules ([`super::rules::RULES`]). Errors: any of [`Game::redo_events`], and
    /// [`ReplayError::Incomplete`] if the last command's events stop short.
    pub fn replay(
        scenario: Arc<Scenario>,
        seed: u64,
        events: Vec<Event>,
    ) -> Result<Game, ReplayError> {
        let mut game = Game::new(scenario, seed);
        match game.redo_events(&events)? {
            0 => Ok(game),
            _ => Err(ReplayError::Incomplete {
                index: game.events.len(),
            }),
        }
    }

    /// Take recorded events without their commands (see [`Game::replay`]). On an
    /// error, the game stands after the last command that replayed. A last command
    /// whose events stop short (a crash mid-write in an old record) is left out;
    /// the number of its events that were left out is returned.
    pub fn redo_events(&mut self, events: &[Event]) -> Result<usize, ReplayError> {
        let mut i = 0;
        while i < events.len() {
            let e = &events[i];
            let index = self.events.len();
            if e.seq != index as u32 {
                return Err(ReplayError::OutOfOrder {
                    index,
                    expected: index as u32,
                    found: e.seq,
                });
            }
            if !super::integrity::refers_within(&self.scenario, e) {
                return Err(ReplayError::Inconsistent { seq: e.seq });
            }
            if let Err(reason) = super::integrity::plausible(&self.scenario, &self.situation, e) {
                return Err(ReplayError::Implausible {
                    seq: e.seq,
                    reason: reason.to_owned(),
                });
            }
            let Some((seat, cmd)) = super::integrity::command_of(&self.situation, &events[i..])
            else {
                return Err(ReplayError::Implausible {
                    seq: e.seq,
                    reason: "no command begins with this event".into(),
                });
            };
            let label = cmd.label();
            let made = match self.handle(seat, cmd) {
                Ok(made) => made.len(),
                Err(why) => {
                    return Err(ReplayError::Refused {
                        index: e.seq as usize,
                        command: label,
                        why,
                    });
                }
            };
            let recorded = &events[i..(i + made).min(events.len())];
            if let Some(k) = first_difference(recorded, &self.events[index..]) {
                self.truncate(index);
                return Err(ReplayError::Diverged {
                    index: e.seq as usize,
                    command: label,
                    at: index + k,
                });
            }
            if recorded.len() < made {
                // The record ends in the middle of this command: it never completed.
                self.truncate(index);
                return Ok(recorded.len());
            }
            i += made;
        }
        Ok(0)
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
            Ok(made) => {
                let k = first_difference(recorded, made).unwrap_or(made.len().min(recorded.len()));
                self.truncate(before);
                Err(ReplayError::Diverged {
                    index,
                    command: label,
                    at: before + k,
                })
            }
            Err(why) => Err(ReplayError::Refused {
                index,
                command: label,
                why,
            }),
        }
    }

    /// The scenario being played.
    pub fn scenario(&self) -> &Arc<Scenario> {
        &self.scenario
    }

    /// The true situation (control's knowledge).
    pub fn situation(&self) -> &Situation {
        &self.situation
    }

    /// Every event so far, in order (`events()[i].seq == i`).
    pub fn events(&self) -> &[Event] {
        &self.events
    }

    /// The exercise's seed (chance draws are keyed by it, until a reseed).
    pub fn seed(&self) -> u64 {
        self.situation.seed()
    }

    /// The seed of chance draws in the current round (see [`super::Reseed`]).
    pub fn draw_seed(&self) -> u64 {
        self.situation.draw_seed(self.situation.round())
    }

    /// Key chance draws by another seed from `reseed.round` on (a fork exploring
    /// other outcomes); earlier reseeds of that round or later are dropped. Errors
    /// with [`Rejection::WrongPhase`] if that round has already begun (or is 0):
    /// draws already made cannot change.
    pub fn reseed(&mut self, reseed: super::Reseed) -> Result<(), Rejection> {
        if self.situation.round() >= reseed.round {
            return Err(Rejection::WrongPhase {
                actual: self.situation.phase().label(),
                needed: "a reseed takes effect only from a round that has not begun",
            });
        }
        let mut all: Vec<_> = self
            .situation
            .reseeds()
            .iter()
            .copied()
            .filter(|r| r.round < reseed.round)
            .collect();
        all.push(reseed);
        self.situation.set_reseeds(all);
        Ok(())
    }

    /// Check a command from a seat and, if allowed, execute it. Returns the new events
    /// (at least one). Errors: the [`Rejection`] of [`super::check::check`]; a refused
    /// command changes nothing.
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
        let rules = self.situation.rules();
        let mut situation = Situation::with_rules(&self.scenario, self.situation.seed(), rules);
        situation.set_reseeds(self.situation.reseeds().to_vec());
        for e in &self.events {
            apply(&mut situation, &self.scenario, e);
        }
        self.situation = situation;
    }
}

/// Where two runs of events first differ (within the shorter one).
fn first_difference(a: &[Event], b: &[Event]) -> Option<usize> {
    a.iter().zip(b).position(|(x, y)| x != y)
}
