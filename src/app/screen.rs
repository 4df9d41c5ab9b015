//! The app's screens, as a bevy state. Each has its own plugin in [`super::ui`].

use bevy::prelude::*;

#[derive(States, Clone, Copy, Debug, Default, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum Screen {
    /// Choose a scenario (or resume an unfinished exercise).
    #[default]
    Picker,
    /// Seats, clock, seed and language.
    Lobby,
    /// The facilitator's console and the participants' seat views.
    Exercise,
    /// The situation board for a projector.
    Board,
    /// Objectives, tensions, actions per State and measure, notes.
    Debrief,
    /// Step through a recorded exercise round by round, as control or any seat; fork it.
    Replay,
    /// A participant who joined over the network: seat picker, then the seat's view.
    Participant,
}
