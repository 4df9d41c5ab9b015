//! The exercise session service: the one way to run an exercise.
//!
//! A [`Session`] owns the game, its journal writer and a cache of per-seat views.
//! [`Session::command`] checks a command with the engine, journals everything it did
//! as one entry (with the wall-clock time) and only then lets anyone see it; if the
//! journal cannot be written, the command is undone and the caller told
//! ([`SessionError::NotRecorded`]). The facilitator's app, the LAN host, the
//! headless director, the web gateway and `simulate --journal-dir` all drive
//! exercises through it, so they share one set of rules and one record.
//!
//! The round clock is wall time: deliberation's start, pauses and resumes are the
//! recorded times of their entries, so the time left survives a crash and every
//! front-end shows the same figure ([`Session::clock`]).

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::clock::{SystemClock, Timestamp, WallClock};
use crate::engine::{
    Command, Event, EventKind, Game, Phase, Rejection, Seat, SeatView, Situation, disclose,
};
use crate::journal::{
    self, Batch, Durability, Entry, Header, JournalError, Loaded, Settings, TornTail, Writer,
};
use crate::scenario::{Lang, Scenario};

/// Why a command did not happen.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The rules refuse it; nothing changed.
    #[error("{0}")]
    Refused(#[from] Rejection),
    /// It could not be recorded on disk, so it was undone.
    #[error("not recorded, so not done: {0}")]
    NotRecorded(JournalError),
    /// A journal could not be created, read or replayed.
    #[error("{0}")]
    Journal(#[from] JournalError),
}

/// The deliberation clock at one moment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RoundClock {
    /// The round's length.
    pub length: Duration,
    /// Time left (zero when up).
    pub remaining: Duration,
    /// Counting down now (a timed, open, unpaused deliberation with time left).
    pub running: bool,
}

/// Wall-clock times of the current deliberation, from the record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
struct ClockMarks {
    began: Option<Timestamp>,
    paused_at: Option<Timestamp>,
    /// Paused time so far in this deliberation.
    paused: Duration,
}

impl ClockMarks {
    /// Take in an entry recorded at `at`.
    fn note(&mut self, at: Option<Timestamp>, events: &[Event]) {
        let Some(at) = at else {
            return;
        };
        for e in events {
            match e.kind {
                EventKind::DeliberationBegun { .. } => {
                    *self = ClockMarks {
                        began: Some(at),
                        ..Default::default()
                    }
                }
                EventKind::Paused => {
                    self.paused_at.get_or_insert(at);
                }
                EventKind::Resumed => {
                    if let Some(p) = self.paused_at.take() {
                        self.paused += at.since(p);
                    }
                }
                EventKind::DeliberationClosed | EventKind::RoundOpened => {
                    *self = ClockMarks::default()
                }
                _ => {}
            }
        }
    }

    fn elapsed(&self, now: Timestamp) -> Duration {
        let Some(began) = self.began else {
            return Duration::ZERO;
        };
        let until = self.paused_at.unwrap_or(now);
        until.since(began).saturating_sub(self.paused)
    }
}

/// A running exercise: game, journal, views, settings, clock.
pub struct Session {
    game: Game,
    /// What every player seat may hold of the scenario.
    public: Arc<Scenario>,
    source: Option<PathBuf>,
    journal: Option<Writer>,
    views: BTreeMap<Seat, SeatView>,
    settings: Settings,
    marks: ClockMarks,
    clock: Arc<dyn WallClock>,
    /// A torn tail set aside when the session was resumed.
    torn: Option<(TornTail, PathBuf)>,
}

/// Where a new session's journal goes and what it records.
#[derive(Clone, Debug, Default)]
pub struct Recording {
    /// The journal file (None: not journaled, for demonstrations and tests).
    pub path: Option<PathBuf>,
    /// How hard appends push to disk (None: [`Durability::Grouped`], synced by
    /// [`Session::sync`] once per frame).
    pub durability: Option<Durability>,
    /// The scenario file's text, kept in the journal.
    pub source_text: Option<String>,
}

impl Session {
    /// Begin a new exercise (in its setup phase) with the scenario's default settings,
    /// which are journaled first. Errors: the journal cannot be created (the file
    /// exists already: a journal is never overwritten; or an I/O error).
    pub fn start(
        scenario: Arc<Scenario>,
        source: Option<PathBuf>,
        seed: u64,
        recording: Recording,
    ) -> Result<Session, JournalError> {
        Session::start_with_clock(scenario, source, seed, recording, Arc::new(SystemClock))
    }

    /// [`Session::start`] with a given wall clock.
    pub fn start_with_clock(
        scenario: Arc<Scenario>,
        source: Option<PathBuf>,
        seed: u64,
        recording: Recording,
        clock: Arc<dyn WallClock>,
    ) -> Result<Session, JournalError> {
        let journal = match &recording.path {
            Some(p) => {
                let mut header = Header::new(&scenario, seed);
                header.scenario_path = source.as_ref().map(|p| p.display().to_string());
                header.scenario_source = recording.source_text.clone();
                header.created = Some(clock.now());
                let durability = recording.durability.unwrap_or(Durability::Grouped);
                Some(Writer::create(p, &header, durability)?)
            }
            None => None,
        };
        let settings = default_settings(&scenario);
        let mut s = Session::with(Game::new(scenario, seed), source, journal, settings, clock);
        s.record(Entry::Settings(s.settings.clone()))?;
        Ok(s)
    }

    /// Continue an exercise from its journal: everything up to the last command is
    /// back, with the settings and the round clock as they were.
    pub fn resume(
        loaded: &Loaded,
        scenario: Arc<Scenario>,
        source: Option<PathBuf>,
    ) -> Result<Session, JournalError> {
        Session::resume_with_clock(loaded, scenario, source, Arc::new(SystemClock))
    }

    /// [`Session::resume`] with a given wall clock.
    pub fn resume_with_clock(
        loaded: &Loaded,
        scenario: Arc<Scenario>,
        source: Option<PathBuf>,
        clock: Arc<dyn WallClock>,
    ) -> Result<Session, JournalError> {
        let game = loaded.replay(scenario.clone())?;
        let writer = Writer::resume(loaded, &game, Durability::Grouped)?;
        let settings = loaded
            .settings()
            .cloned()
            .unwrap_or_else(|| default_settings(&scenario));
        let mut s = Session::with(game, source, Some(writer), settings, clock);
        for (_, b) in &loaded.batches {
            s.marks.note(b.at, b.events());
        }
        s.torn = loaded
            .torn
            .clone()
            .map(|t| (t, journal::side_path(&loaded.path)));
        Ok(s)
    }

    /// A new exercise from the start of `round` of a recorded one, journaled at
    /// `path` with its origin; the round is opened again. With `reseed`, chance draws
    /// from that round on are keyed by it (see [`journal::cut`]).
    pub fn fork(
        loaded: &Loaded,
        scenario: Arc<Scenario>,
        source: Option<PathBuf>,
        round: u8,
        reseed: Option<u64>,
        path: &Path,
    ) -> Result<Session, SessionError> {
        // A record that does not replay is the journal's fault; a file that cannot
        // be written is the disk's.
        let (header, kept, game) = journal::cut(loaded, scenario.clone(), round, reseed)?;
        let mut writer = Writer::create(path, &header, Durability::Grouped)
            .map_err(SessionError::NotRecorded)?;
        for b in &kept {
            writer.append(b).map_err(SessionError::NotRecorded)?;
        }
        let settings = loaded
            .settings()
            .cloned()
            .unwrap_or_else(|| default_settings(&scenario));
        let mut s = Session::with(game, source, Some(writer), settings, Arc::new(SystemClock));
        let open = crate::engine::history::opening(round);
        s.command(Seat::Control, open)?;
        Ok(s)
    }

    fn with(
        game: Game,
        source: Option<PathBuf>,
        journal: Option<Writer>,
        settings: Settings,
        clock: Arc<dyn WallClock>,
    ) -> Session {
        Session {
            public: Arc::new(disclose::public(game.scenario())),
            game,
            source,
            journal,
            views: BTreeMap::new(),
            settings,
            marks: ClockMarks::default(),
            clock,
            torn: None,
        }
    }

    /// The whole scenario (control's).
    pub fn scenario(&self) -> &Arc<Scenario> {
        self.game.scenario()
    }

    /// The scenario as player seats may hold it.
    pub fn public(&self) -> &Arc<Scenario> {
        &self.public
    }

    /// The scenario file it was started from, if any.
    pub fn source(&self) -> Option<&Path> {
        self.source.as_deref()
    }

    /// The game (control's knowledge).
    pub fn game(&self) -> &Game {
        &self.game
    }

    /// The true situation (control's knowledge).
    pub fn situation(&self) -> &Situation {
        self.game.situation()
    }

    /// Every event so far (control's record), in order.
    pub fn events(&self) -> &[Event] {
        self.game.events()
    }

    /// The journal file, if the session is journaled.
    pub fn journal_path(&self) -> Option<&Path> {
        self.journal.as_ref().map(|w| w.path())
    }

    /// The torn tail found and set aside at resume, and where it was put.
    pub fn torn(&self) -> Option<&(TornTail, PathBuf)> {
        self.torn.as_ref()
    }

    /// The current settings (round clock for new rounds, language).
    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    /// Change the settings; they are journaled so a resume restores them.
    pub fn set_settings(&mut self, settings: Settings) -> Result<(), SessionError> {
        if settings == self.settings {
            return Ok(());
        }
        let old = std::mem::replace(&mut self.settings, settings.clone());
        self.record(Entry::Settings(settings))
            .map_err(SessionError::NotRecorded)
            .inspect_err(|_| {
                self.settings = old;
            })
    }

    /// Set the round clock for new rounds (seconds; 0: none).
    pub fn set_round_seconds(&mut self, seconds: u32) -> Result<(), SessionError> {
        let s = Settings {
            round_seconds: seconds,
            ..self.settings.clone()
        };
        self.set_settings(s)
    }

    /// Set the language of scenario text.
    pub fn set_lang(&mut self, lang: Lang) -> Result<(), SessionError> {
        let s = Settings {
            lang,
            ..self.settings.clone()
        };
        self.set_settings(s)
    }

    /// Send a command as a seat. Its events are journaled as one entry (flushed)
    /// before anyone can see them; the range of the new events is returned. If the
    /// journal cannot be written, the command is undone.
    pub fn command(&mut self, seat: Seat, cmd: Command) -> Result<Range<usize>, SessionError> {
        let before = self.game.events().len();
        let recorded = cmd.clone();
        self.game.handle(seat, cmd)?;
        let after = self.game.events().len();
        let events = self.game.events()[before..].to_vec();
        let at = self.clock.now();
        if let Some(w) = &mut self.journal {
            let batch = Batch {
                at: Some(at),
                entry: Entry::Command {
                    seat,
                    command: recorded,
                    events,
                },
            };
            if let Err(e) = w.append(&batch) {
                self.game.truncate(before);
                return Err(SessionError::NotRecorded(e));
            }
        }
        self.marks
            .note(Some(at), &self.game.events()[before..after]);
        Ok(before..after)
    }

    /// Journal an entry that is not a command.
    fn record(&mut self, entry: Entry) -> Result<(), JournalError> {
        match &mut self.journal {
            Some(w) => w.append(&Batch {
                at: Some(self.clock.now()),
                entry,
            }),
            None => Ok(()),
        }
    }

    /// Would this command be accepted now?
    pub fn check(&self, seat: Seat, cmd: &Command) -> Result<(), Rejection> {
        self.game.check(seat, cmd)
    }

    /// Persist what was journaled since the last sync. Call it before anything new
    /// is shown or sent (the app and hosts do, once per frame).
    pub fn sync(&mut self) -> Result<(), SessionError> {
        match &mut self.journal {
            Some(w) => w.sync().map_err(SessionError::NotRecorded),
            None => Ok(()),
        }
    }

    /// What a seat knows, brought up to date with the record. Control's view holds
    /// the whole scenario; every other seat's the public one and what was disclosed
    /// to it.
    pub fn view(&mut self, seat: Seat) -> &SeatView {
        let full = self.game.scenario();
        let scenario = if seat == Seat::Control {
            full.clone()
        } else {
            self.public.clone()
        };
        let events = self.game.events();
        let v = self
            .views
            .entry(seat)
            .or_insert_with(|| SeatView::new(scenario, seat));
        let seen = v.events.last().map(|e| e.seq as usize + 1).unwrap_or(0);
        for e in &events[seen.min(events.len())..] {
            v.observe_from(full, e);
        }
        v
    }

    /// The round clock now.
    pub fn clock(&self) -> Option<RoundClock> {
        self.clock_at(self.clock.now())
    }

    /// The round clock at a given moment; None outside a timed deliberation.
    pub fn clock_at(&self, now: Timestamp) -> Option<RoundClock> {
        let st = self.game.situation();
        let seconds = st.deliberation_seconds();
        if st.phase() != Phase::Deliberation || seconds == 0 {
            return None;
        }
        let length = Duration::from_secs(seconds as u64);
        let remaining = length.saturating_sub(self.marks.elapsed(now));
        Some(RoundClock {
            length,
            remaining,
            running: !st.paused() && !remaining.is_zero(),
        })
    }

    /// Is a timed deliberation's time up?
    pub fn time_up(&self) -> bool {
        self.clock().is_some_and(|c| c.remaining.is_zero())
    }

    /// The wall clock this session reads.
    pub fn now(&self) -> Timestamp {
        self.clock.now()
    }
}

fn default_settings(scenario: &Scenario) -> Settings {
    Settings {
        round_seconds: scenario.round_seconds,
        lang: scenario.languages.first().copied().unwrap_or(Lang::En),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::ManualClock;

    fn tutorial() -> Arc<Scenario> {
        Arc::new(crate::scenario::bundled::load(crate::scenario::bundled::TUTORIAL).unwrap())
    }

    #[test]
    fn the_round_clock_is_wall_time_and_survives_a_resume() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("j.jsonl");
        let clock = Arc::new(ManualClock::at(Timestamp(1_000_000)));
        let s = tutorial();
        let rec = Recording {
            path: Some(path.clone()),
            ..Default::default()
        };
        let mut session =
            Session::start_with_clock(s.clone(), None, 1, rec, clock.clone()).unwrap();
        session.command(Seat::Control, Command::Start).unwrap();
        session
            .command(Seat::Control, Command::BeginDeliberation { seconds: 600 })
            .unwrap();
        clock.advance(Duration::from_secs(100));
        assert_eq!(session.clock().unwrap().remaining, Duration::from_secs(500));
        session.command(Seat::Control, Command::Pause).unwrap();
        clock.advance(Duration::from_secs(50));
        let c = session.clock().unwrap();
        assert_eq!(c.remaining, Duration::from_secs(500));
        assert!(!c.running);
        session.command(Seat::Control, Command::Resume).unwrap();
        clock.advance(Duration::from_secs(20));
        assert_eq!(session.clock().unwrap().remaining, Duration::from_secs(480));
        session.sync().unwrap();
        drop(session);
        // A crash, and back 30 s later: the clock went on.
        clock.advance(Duration::from_secs(30));
        let loaded = journal::read(&path).unwrap();
        let resumed = Session::resume_with_clock(&loaded, s, None, clock.clone()).unwrap();
        assert_eq!(resumed.clock().unwrap().remaining, Duration::from_secs(450));
    }
}
