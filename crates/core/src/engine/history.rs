//! Walking back through a record: where each round begins, and cutting a record there
//! to fork a new exercise ("replay round 2 with different choices").

use super::command::Command;
use super::event::{Event, EventKind};

/// Index of the first event of round `round`: its `RoundOpened` (for round 1, the
/// `ExerciseStarted` just before it). None if that round never opened.
pub fn round_start(events: &[Event], round: u8) -> Option<usize> {
    let opened = events
        .iter()
        .position(|e| matches!(e.kind, EventKind::RoundOpened) && e.round == round)?;
    if round == 1 {
        return events[..opened]
            .iter()
            .rposition(|e| matches!(e.kind, EventKind::ExerciseStarted))
            .or(Some(opened));
    }
    Some(opened)
}

/// The record up to (not including) the opening of `round`. A game rebuilt from it
/// stands in the debrief of the round before (or before the start, for round 1), and
/// continues with `OpenRound` (or `Start`); the same seed re-opens the round with the
/// same injects.
pub fn before_round(events: &[Event], round: u8) -> Option<&[Event]> {
    round_start(events, round).map(|i| &events[..i])
}

/// The record up to the end of `round` (everything that happened in it or before).
pub fn through_round(events: &[Event], round: u8) -> &[Event] {
    let end = events
        .iter()
        .position(|e| e.round > round)
        .unwrap_or(events.len());
    &events[..end]
}

/// Highest round the record reaches.
pub fn last_round(events: &[Event]) -> u8 {
    events.iter().map(|e| e.round).max().unwrap_or(0)
}

/// The command that opens `round` (1-based) again where a recorded exercise was cut
/// before it: `Start` for the first round, `OpenRound` for later ones.
pub fn opening(round: u8) -> Command {
    if round <= 1 {
        Command::Start
    } else {
        Command::OpenRound
    }
}
