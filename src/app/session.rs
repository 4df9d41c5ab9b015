//! The running exercise in the app: the engine's game, its journal, the round clock,
//! who is looking at the screen, and cached seat views.

use std::collections::BTreeMap;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bevy::prelude::*;
use bevy::winit::{UpdateMode, WinitSettings};

use cbm_ttx_core::engine::{Command, Event, Game, Phase, Seat, SeatView};
use cbm_ttx_core::journal::{self, Durability, Header, JournalError, Loaded, Writer};
use cbm_ttx_core::scenario::{Lang, Scenario};

/// Whose view is on the screen.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Viewing {
    Control,
    Seat(Seat),
}

/// The deliberation clock, kept by the shell (the engine records only its length).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Clock {
    /// Seconds left; meaningful while a timed deliberation is open.
    pub remaining: f64,
    pub timed: bool,
}

#[derive(Resource)]
pub struct Session {
    pub scenario: Arc<Scenario>,
    /// The scenario file it was started from, if any (to announce changes on disk).
    pub source: Option<PathBuf>,
    pub game: Game,
    journal: Option<Writer>,
    pub lang: Lang,
    /// Deliberation clock for the next rounds, seconds (0 = none).
    pub round_seconds: u32,
    pub clock: Clock,
    pub viewing: Viewing,
    /// Hot-seat privacy screen: covers the view until the next seat's player reveals it.
    pub covered: bool,
    /// A notice for control (a changed scenario file, time up...).
    pub notice: Option<String>,
    /// The last refusal or failure, shown until the next successful command.
    pub error: Option<String>,
    views: BTreeMap<Seat, SeatView>,
}

impl Session {
    /// Begin a new exercise, journaled at `journal_path` (None: not journaled, for demos).
    pub fn start(
        scenario: Arc<Scenario>,
        source: Option<PathBuf>,
        seed: u64,
        journal_path: Option<PathBuf>,
    ) -> Result<Session, JournalError> {
        let journal = match journal_path {
            Some(p) => {
                let mut header = Header::new(&scenario, seed);
                header.scenario_path = source.as_ref().map(|p| p.display().to_string());
                Some(Writer::create(&p, &header, Durability::Grouped)?)
            }
            None => None,
        };
        Ok(Session::with(
            scenario.clone(),
            source,
            Game::new(scenario, seed),
            journal,
        ))
    }

    /// Continue an exercise from its journal: everything up to the last action is back.
    pub fn resume(
        loaded: &Loaded,
        scenario: Arc<Scenario>,
        source: Option<PathBuf>,
    ) -> Result<Session, JournalError> {
        let game = loaded.replay(scenario.clone())?;
        let writer = Writer::resume(loaded, Durability::Grouped)?;
        let mut s = Session::with(scenario, source, game, Some(writer));
        s.restore_clock();
        if let Some(t) = &loaded.torn {
            s.notice = Some(format!(
                "The journal's last line (line {}) was cut off, probably by a crash, and was set aside in {}. Everything before it was restored.",
                t.line,
                journal::side_path(&loaded.path).display()
            ));
        }
        Ok(s)
    }

    /// Continue a game (a fork) with its own, already written, journal.
    pub fn continue_with(
        scenario: Arc<Scenario>,
        source: Option<PathBuf>,
        game: Game,
        journal: Writer,
    ) -> Session {
        Session::with(scenario, source, game, Some(journal))
    }

    fn with(
        scenario: Arc<Scenario>,
        source: Option<PathBuf>,
        game: Game,
        journal: Option<Writer>,
    ) -> Session {
        let lang = scenario.languages.first().copied().unwrap_or(Lang::En);
        Session {
            round_seconds: scenario.round_seconds,
            scenario,
            source,
            game,
            journal,
            lang,
            clock: Clock::default(),
            viewing: Viewing::Control,
            covered: false,
            notice: None,
            error: None,
            views: BTreeMap::new(),
        }
    }

    pub fn journal_path(&self) -> Option<&std::path::Path> {
        self.journal.as_ref().map(|w| w.path())
    }

    pub fn events(&self) -> &[Event] {
        self.game.events()
    }

    /// Send a command as a seat. The new events are journaled (and synced) before
    /// they are applied to any view; if the journal cannot be written, the command is
    /// undone and the error shown.
    pub fn command(&mut self, seat: Seat, cmd: Command) -> Result<usize, String> {
        let before = self.game.events().len();
        let result = self.game.handle(seat, cmd).map(|e| e.to_vec());
        let new = match result {
            Ok(new) => new,
            Err(why) => {
                let msg = why.to_string();
                self.error = Some(msg.clone());
                return Err(msg);
            }
        };
        if let Some(w) = &mut self.journal
            && let Err(e) = w.append(&new)
        {
            // Undo: rebuild the game without the unrecorded events.
            let kept = self.game.events()[..before].to_vec();
            if let Ok(g) = Game::replay(self.scenario.clone(), self.game.seed(), kept) {
                self.game = g;
            }
            let msg = format!("not recorded, so not done: {e}");
            self.error = Some(msg.clone());
            return Err(msg);
        }
        self.error = None;
        for e in &new {
            self.on_event(e);
        }
        Ok(new.len())
    }

    fn on_event(&mut self, e: &Event) {
        use cbm_ttx_core::engine::EventKind;
        match e.kind {
            EventKind::DeliberationBegun { seconds } => {
                self.clock = Clock {
                    remaining: seconds as f64,
                    timed: seconds > 0,
                };
            }
            EventKind::DeliberationClosed | EventKind::RoundOpened | EventKind::ExerciseEnded => {
                self.clock = Clock::default();
            }
            _ => {}
        }
    }

    /// After a resume the clock restarts with what the journal says the round had.
    fn restore_clock(&mut self) {
        if self.game.state().phase == Phase::Deliberation {
            let seconds = self.game.state().deliberation_seconds;
            self.clock = Clock {
                remaining: seconds as f64,
                timed: seconds > 0,
            };
        }
    }

    /// The view of a seat, brought up to date with the record.
    pub fn view(&mut self, seat: Seat) -> &SeatView {
        let scenario = self.scenario.clone();
        let events = self.game.events();
        let v = self
            .views
            .entry(seat)
            .or_insert_with(|| SeatView::new(&scenario, seat));
        let seen = v.events.last().map(|e| e.seq as usize + 1).unwrap_or(0);
        // Re-scan from the first unseen event: views keep only what they may see.
        let start = events.partition_point(|e| (e.seq as usize) < seen);
        for e in &events[start..] {
            v.observe(e);
        }
        v
    }

    /// Persist what was journaled this frame. Called once per frame before anything
    /// new is shown or sent (see [`SessionPlugin`]).
    pub fn sync_journal(&mut self) {
        if let Some(w) = &mut self.journal
            && let Err(e) = w.sync()
        {
            self.error = Some(format!("the journal could not be synced to disk: {e}"));
        }
    }

    /// Is the clock running (a timed, unpaused deliberation with time left)?
    pub fn clock_running(&self) -> bool {
        let st = self.game.state();
        self.clock.timed
            && st.phase == Phase::Deliberation
            && !st.paused
            && self.clock.remaining > 0.0
    }
}

pub struct SessionPlugin;

impl Plugin for SessionPlugin {
    fn build(&self, app: &mut App) {
        app.add_systems(
            Update,
            (
                tick_clock,
                sync_journal.after(super::intent::handle_intents),
            )
                .run_if(resource_exists::<Session>),
        );
    }
}

fn sync_journal(session: Option<ResMut<Session>>) {
    // The session may have just been closed by an intent this frame.
    if let Some(mut s) = session {
        s.sync_journal();
    }
}

/// Count the clock down; redraw once a second while it runs, not otherwise.
fn tick_clock(
    time: Res<Time>,
    session: Option<ResMut<Session>>,
    winit: Option<ResMut<WinitSettings>>,
) {
    let Some(mut session) = session else { return };
    let running = session.clock_running();
    if running {
        session.clock.remaining = (session.clock.remaining - time.delta_secs_f64()).max(0.0);
        if session.clock.remaining <= 0.0 {
            session.notice = Some("Time is up for this round's deliberation.".into());
        }
    }
    if let Some(mut w) = winit {
        let wait = if running {
            Duration::from_secs(1)
        } else {
            Duration::from_secs(5)
        };
        let mode = UpdateMode::reactive_low_power(wait);
        if w.focused_mode != mode {
            w.focused_mode = mode;
        }
    }
}
