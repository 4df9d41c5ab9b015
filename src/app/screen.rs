//! The app's screens, as a bevy state. Each has its own plugin in [`super::ui`].

use bevy::prelude::*;

#[derive(States, Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Screen {
    /// Choose a scenario (or resume an unfinished exercise).
    #[default]
    Picker,
    /// Seats, clock, seed and language.
    Lobby,
    /// The facilitator's console and the participants' hot-seat views.
    Console,
    /// The situation board for a projector.
    Board,
    /// After the exercise (the hot wash): objectives, tensions, actions per State and
    /// measure, notes, the report. (Each round's own debrief is a phase of the round.)
    HotWash,
    /// Step through a recorded exercise round by round, as control or any seat; fork it.
    Replay,
    /// A participant who joined over the network: seat picker, then the seat's view.
    Participant,
}

impl Screen {
    pub const ALL: [Screen; 7] = [
        Screen::Picker,
        Screen::Lobby,
        Screen::Console,
        Screen::Board,
        Screen::HotWash,
        Screen::Replay,
        Screen::Participant,
    ];

    /// The name used on the command line (`--screen hotwash`).
    pub fn name(self) -> &'static str {
        match self {
            Screen::Picker => "picker",
            Screen::Lobby => "lobby",
            Screen::Console => "console",
            Screen::Board => "board",
            Screen::HotWash => "hotwash",
            Screen::Replay => "replay",
            Screen::Participant => "participant",
        }
    }

    /// The screen named `name` (as [`Screen::name`] spells it).
    pub fn from_name(name: &str) -> Option<Screen> {
        Screen::ALL.into_iter().find(|s| s.name() == name)
    }
}
