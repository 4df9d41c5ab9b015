//! The screen side of a running exercise: whose view is shown, the privacy cover,
//! notices, and every piece of unsent input, kept per seat so that one team never
//! sees another's draft. The exercise itself is the [`Exercise`] resource.

use std::collections::BTreeMap;

use bevy::prelude::*;

use super::inputs::{ControlInputs, SeatInput};
use crate::exercise::{Exercise, ExerciseSet};
use cbm_ttx_core::engine::{Command, Phase, Seat};
use cbm_ttx_core::session::SessionError;

/// Whose view is on the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewing {
    Control,
    Seat(Seat),
}

/// Screen state of the running exercise. Removed with the exercise, so nothing of it
/// (drafts included) survives into the next one.
#[derive(Resource, Debug)]
pub struct Running {
    pub viewing: Viewing,
    /// Hot-seat privacy screen: covers the view until the next seat's player reveals it.
    pub covered: bool,
    /// A notice for control (a changed scenario file, time up...).
    pub notice: Option<String>,
    /// The last refusal or failure, shown until the next successful command.
    pub error: Option<String>,
    /// Unsent input of each seat (composer fields, typed text).
    pub seat_inputs: BTreeMap<Seat, SeatInput>,
    /// Control's unsent input (tension adjustment, ad-hoc inject, notes).
    pub control_inputs: ControlInputs,
    /// The deliberation whose "time is up" was announced (round number).
    time_up_told: Option<u8>,
}

impl Running {
    /// Screen state for an exercise; a resumed one announces a torn tail it set aside.
    pub fn new(exercise: &Exercise) -> Running {
        let notice = exercise.session.torn().map(|(t, side)| {
            format!(
                "The journal's last line (line {}) was cut off, probably by a crash, and was set aside in {}. Everything before it was restored.",
                t.line,
                side.display()
            )
        });
        Running {
            viewing: Viewing::Control,
            covered: false,
            notice,
            error: None,
            seat_inputs: BTreeMap::new(),
            control_inputs: ControlInputs::default(),
            time_up_told: None,
        }
    }

    /// Give a command as a seat; a refusal or a failure to record it is shown as the
    /// error banner (and returned).
    pub fn command(&mut self, ex: &mut Exercise, seat: Seat, cmd: Command) -> Result<(), String> {
        match ex.session.command(seat, cmd) {
            Ok(_) => {
                self.error = None;
                Ok(())
            }
            Err(e) => {
                let msg = e.to_string();
                self.error = Some(msg.clone());
                Err(msg)
            }
        }
    }

    /// Show a failure of a journaled setting change as the error banner.
    pub fn report(&mut self, r: Result<(), SessionError>) {
        if let Err(e) = r {
            self.error = Some(e.to_string());
        }
    }

    /// The unsent input of a seat.
    pub fn input(&mut self, seat: Seat) -> &mut SeatInput {
        self.seat_inputs.entry(seat).or_default()
    }
}

pub struct SessionPlugin;

impl Plugin for SessionPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            (announce_time_up, show_journal_errors)
                .after(ExerciseSet::Sync)
                .run_if(resource_exists::<Running>.and_then(resource_exists::<Exercise>)),
        );
    }
}

/// Tell control once when a timed deliberation runs out.
fn announce_time_up(mut running: ResMut<Running>, ex: Res<Exercise>) {
    let st = ex.session.situation();
    if st.phase() == Phase::Deliberation
        && ex.session.time_up()
        && running.time_up_told != Some(st.round())
    {
        running.time_up_told = Some(st.round());
        running.notice = Some("Time is up for this round's deliberation.".into());
    }
}

/// A journal that cannot be synced is an error control must see.
fn show_journal_errors(mut running: ResMut<Running>, ex: Res<Exercise>) {
    if let Some(e) = &ex.journal_error
        && running.error.as_ref() != Some(e)
    {
        running.error = Some(e.clone());
    }
}
