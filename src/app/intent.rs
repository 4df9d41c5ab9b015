//! What the user asked for, as messages. Screens write intents; [`handle_intents`] is
//! the one place that acts on them, and it acts only through the library, the
//! lobby's settings and the running exercise's session service. No draw system
//! changes an exercise, a file or a screen by itself.

use std::path::PathBuf;
use std::sync::Arc;

use bevy::prelude::*;

use super::library::{self, Library};
use super::screen::Screen;
use super::session::{Running, Viewing};
use crate::exercise::{Exercise, ExerciseSet};
use crate::storage;
use cbm_ttx_core::engine::{Command, Seat};
use cbm_ttx_core::journal;
use cbm_ttx_core::scenario::{Lang, Scenario};
use cbm_ttx_core::session::{Recording, Session};

#[derive(Message, Clone, Debug, PartialEq)]
pub enum Intent {
    /// Picker: show this library entry.
    Select(usize),
    /// Picker: open a scenario file by path.
    OpenFile(PathBuf),
    /// Picker → lobby with the selected scenario.
    ToLobby,
    /// Picker: continue an unfinished exercise from its journal.
    Resume(PathBuf),
    BackToPicker,
    /// Lobby: a participant's name for a seat (empty: nobody).
    SetName(Seat, String),
    /// Lobby: the seed of the exercise.
    SetSeed(u64),
    /// Lobby: journal the exercise (off only for demonstrations).
    SetJournal(bool),
    /// Lobby → exercise, with the lobby's settings.
    StartExercise,
    /// Any seat's command, checked by the engine.
    Command(Seat, Command),
    /// Hot seat: show this seat's (or control's) view; a new seat gets the privacy screen.
    View(Viewing),
    /// The player at the screen reveals their view.
    Uncover,
    Show(Screen),
    /// Language of scenario text (lobby, or a running exercise: journaled).
    SetLanguage(Lang),
    /// The deliberation clock for new rounds, minutes (0: none; journaled).
    SetRoundMinutes(u32),
    DismissNotice,
    /// Write the after-action report next to the journal.
    ExportReport,
    /// Leave the exercise for the picker (its journal stays, to resume or replay).
    CloseExercise,
    /// Picker: step through a journal.
    Replay(PathBuf),
    /// Replay: show this round.
    ReplayRound(u8),
    /// Replay: as this seat (or control) saw it.
    ReplayView(Viewing),
    /// Replay: start a new exercise from the start of the shown round.
    Fork,
    /// Lobby: open this exercise to participants on the LAN.
    HostLan,
    /// Picker: join an exercise hosted on the LAN.
    JoinLan {
        addr: String,
        code: String,
        name: String,
    },
    /// Participant: take this seat (key).
    ClaimSeat(String),
    /// Participant: leave and go back to the picker.
    LeaveLan,
}

/// A recorded exercise being stepped through.
#[derive(Resource, Debug)]
pub struct Replay {
    pub scenario: Arc<Scenario>,
    pub source: Option<PathBuf>,
    pub loaded: journal::Loaded,
    /// Every event of the record (checked by replaying it).
    pub events: Vec<cbm_ttx_core::engine::Event>,
    pub round: u8,
    pub viewing: Viewing,
}

impl Replay {
    pub fn last_round(&self) -> u8 {
        cbm_ttx_core::engine::history::last_round(&self.events).max(1)
    }
}

/// The lobby's settings before the exercise starts.
#[derive(Resource, Clone, Debug)]
pub struct Lobby {
    pub scenario: Arc<Scenario>,
    pub source: Option<PathBuf>,
    /// Participant names per seat; empty names are not seated.
    pub names: Vec<(Seat, String)>,
    pub round_minutes: u32,
    pub seed: u64,
    pub lang: Lang,
    /// Journal the exercise (off only for demonstrations).
    pub journal: bool,
}

impl Lobby {
    pub fn new(scenario: Arc<Scenario>, source: Option<PathBuf>) -> Lobby {
        Lobby {
            names: Seat::all_player_seats(&scenario)
                .into_iter()
                .map(|s| (s, String::new()))
                .collect(),
            round_minutes: scenario.round_seconds.div_ceil(60),
            seed: scenario.seed,
            lang: scenario.languages.first().copied().unwrap_or(Lang::En),
            scenario,
            source,
            journal: true,
        }
    }

    /// A new session for these settings, journaled in `data` (unless journaling is off).
    pub fn session(&self, data: &std::path::Path) -> Result<Session, String> {
        let recording = Recording {
            path: self
                .journal
                .then(|| storage::new_journal_path(data, &self.scenario.id)),
            durability: None,
            source_text: library::source_text(&self.scenario, self.source.as_deref()),
        };
        let mut s = Session::start(
            self.scenario.clone(),
            self.source.clone(),
            self.seed,
            recording,
        )
        .map_err(|e| e.to_string())?;
        s.set_settings(journal::Settings {
            round_seconds: self.round_minutes * 60,
            lang: self.lang,
        })
        .map_err(|e| e.to_string())?;
        Ok(s)
    }
}

pub struct IntentPlugin;

impl Plugin for IntentPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<Intent>()
            .add_systems(Update, handle_intents.in_set(ExerciseSet::Commands));
    }
}

/// Everything the intent handler may touch.
#[derive(bevy::ecs::system::SystemParam)]
pub struct Shell<'w, 's> {
    commands: Commands<'w, 's>,
    lib: ResMut<'w, Library>,
    assets: Res<'w, AssetServer>,
    next: ResMut<'w, NextState<Screen>>,
    screen: Res<'w, bevy::state::state::State<Screen>>,
    running: Option<ResMut<'w, Running>>,
    exercise: Option<ResMut<'w, Exercise>>,
    lobby: Option<ResMut<'w, Lobby>>,
    data: Res<'w, storage::DataDir>,
    options: Option<Res<'w, super::AppOptions>>,
    replay: Option<ResMut<'w, Replay>>,
}

pub fn handle_intents(mut intents: MessageReader<Intent>, mut shell: Shell) {
    for intent in intents.read() {
        shell.handle(intent.clone());
    }
}

impl Shell<'_, '_> {
    fn handle(&mut self, intent: Intent) {
        match intent {
            Intent::Select(i) => {
                if i < self.lib.entries.len() {
                    self.lib.selected = i;
                    self.lib.open_error = None;
                }
            }
            Intent::OpenFile(p) => {
                library::open_file(&mut self.lib, &self.assets, &self.data, &p);
            }
            Intent::ToLobby => self.to_lobby(),
            Intent::Resume(path) => match resume(&self.lib, &path) {
                Ok(s) => self.enter(Exercise::new(s), None),
                Err(e) => self.lib.open_error = Some(e),
            },
            Intent::BackToPicker => {
                self.commands.remove_resource::<Lobby>();
                self.next.set(Screen::Picker);
            }
            Intent::SetName(seat, name) => {
                if let Some(l) = self.lobby.as_deref_mut()
                    && let Some((_, n)) = l.names.iter_mut().find(|(s, _)| *s == seat)
                {
                    *n = name;
                }
            }
            Intent::SetSeed(seed) => {
                if let Some(l) = self.lobby.as_deref_mut() {
                    l.seed = seed;
                }
            }
            Intent::SetJournal(on) => {
                if let Some(l) = self.lobby.as_deref_mut() {
                    l.journal = on;
                }
            }
            Intent::StartExercise => self.start_exercise(),
            Intent::Command(seat, cmd) => {
                if let (Some(r), Some(ex)) =
                    (self.running.as_deref_mut(), self.exercise.as_deref_mut())
                {
                    let ending = cmd == Command::End;
                    if r.command(ex, seat, cmd).is_ok() && ending {
                        self.next.set(Screen::HotWash);
                    }
                }
            }
            Intent::View(v) => {
                if let Some(r) = self.running.as_deref_mut()
                    && r.viewing != v
                {
                    r.covered = matches!(v, Viewing::Seat(_));
                    r.viewing = v;
                }
            }
            Intent::Uncover => {
                if let Some(r) = self.running.as_deref_mut() {
                    r.covered = false;
                }
            }
            Intent::Show(target) => {
                if self.exercise.is_some() && *self.screen.get() != target {
                    self.next.set(target);
                }
            }
            Intent::SetLanguage(l) => {
                if let (Some(r), Some(ex)) =
                    (self.running.as_deref_mut(), self.exercise.as_deref_mut())
                {
                    r.report(ex.session.set_lang(l));
                }
                if let Some(d) = self.lobby.as_deref_mut() {
                    d.lang = l;
                }
            }
            Intent::SetRoundMinutes(m) => {
                if let (Some(r), Some(ex)) =
                    (self.running.as_deref_mut(), self.exercise.as_deref_mut())
                {
                    r.report(ex.session.set_round_seconds(m * 60));
                }
                if let Some(d) = self.lobby.as_deref_mut() {
                    d.round_minutes = m;
                }
            }
            Intent::DismissNotice => {
                if let Some(r) = self.running.as_deref_mut() {
                    r.notice = None;
                    r.error = None;
                }
            }
            Intent::ExportReport => {
                if let (Some(r), Some(ex)) = (self.running.as_deref_mut(), self.exercise.as_deref())
                {
                    match export(&ex.session) {
                        Ok(file) => r.notice = Some(format!("Report written: {file}")),
                        Err(e) => r.error = Some(format!("The report could not be written: {e}")),
                    }
                }
            }
            Intent::CloseExercise => {
                self.commands.remove_resource::<Running>();
                self.commands.remove_resource::<Exercise>();
                self.commands.remove_resource::<Lobby>();
                self.commands.remove_resource::<Replay>();
                self.next.set(Screen::Picker);
            }
            Intent::Replay(path) => match open_replay(&self.lib, &path) {
                Ok(r) => {
                    self.commands.insert_resource(r);
                    self.next.set(Screen::Replay);
                }
                Err(e) => self.lib.open_error = Some(e),
            },
            Intent::ReplayRound(round) => {
                if let Some(rp) = self.replay.as_deref_mut() {
                    rp.round = round.clamp(1, rp.last_round());
                }
            }
            Intent::ReplayView(v) => {
                if let Some(rp) = self.replay.as_deref_mut() {
                    rp.viewing = v;
                }
            }
            Intent::Fork => {
                let Some(rp) = self.replay.as_deref() else {
                    return;
                };
                match fork(rp, &self.data.0) {
                    Ok(s) => {
                        let notice = format!(
                            "Forked from round {} of {}: play it again with different choices.",
                            rp.round,
                            rp.loaded.path.display()
                        );
                        self.commands.remove_resource::<Replay>();
                        self.enter(Exercise::new(s), Some(notice));
                    }
                    Err(e) => self.lib.open_error = Some(e),
                }
            }
            // The network intents are handled in `lan`.
            Intent::HostLan | Intent::JoinLan { .. } | Intent::ClaimSeat(_) | Intent::LeaveLan => {}
        }
    }

    /// Show a running exercise on the console.
    fn enter(&mut self, exercise: Exercise, notice: Option<String>) {
        let mut running = Running::new(&exercise);
        if notice.is_some() {
            running.notice = notice;
        }
        self.commands.insert_resource(running);
        self.commands.insert_resource(exercise);
        self.next.set(Screen::Console);
    }

    #[allow(clippy::wrong_self_convention)] // a step of the handler, not a conversion
    fn to_lobby(&mut self) {
        let Some(e) = self.lib.selected() else {
            self.lib.open_error = Some("choose a scenario first".into());
            return;
        };
        let Some(s) = e.scenario().cloned() else {
            self.lib.open_error =
                Some("fix this scenario's errors first (they are listed below)".into());
            return;
        };
        let mut lobby = Lobby::new(s.clone(), e.file());
        if let Some(l) = self
            .options
            .as_ref()
            .and_then(|o| o.lang)
            .filter(|l| s.languages.contains(l))
        {
            lobby.lang = l;
        }
        self.commands.insert_resource(lobby);
        self.next.set(Screen::Lobby);
    }

    fn start_exercise(&mut self) {
        let Some(lobby) = self.lobby.as_deref().cloned() else {
            return;
        };
        // Hosting: the exercise exists already and network seats are taken.
        if let Some(ex) = self.exercise.as_deref_mut() {
            let mut r = Running::new(ex);
            if start_hosted(&mut r, ex, &lobby).is_ok() {
                self.commands.insert_resource(r);
                self.next.set(Screen::Console);
            } else {
                self.lib.open_error = r.error.take();
            }
            return;
        }
        match lobby.session(&self.data.0) {
            Ok(s) => {
                let mut ex = Exercise::new(s);
                let mut r = Running::new(&ex);
                match start_hosted(&mut r, &mut ex, &lobby) {
                    Ok(()) => self.enter(ex, None),
                    Err(e) => self.lib.open_error = Some(e),
                }
            }
            Err(e) => self.lib.open_error = Some(e),
        }
    }
}

/// Lobby → a started exercise: the lobby's settings are journaled and its names fill
/// seats nobody took over the network.
pub fn start_hosted(r: &mut Running, ex: &mut Exercise, lobby: &Lobby) -> Result<(), String> {
    let settings = journal::Settings {
        round_seconds: lobby.round_minutes * 60,
        lang: lobby.lang,
    };
    ex.session
        .set_settings(settings)
        .map_err(|e| e.to_string())?;
    for (seat, name) in lobby.names.iter().filter(|(_, n)| !n.trim().is_empty()) {
        if !ex.session.situation().seats().contains_key(seat) {
            r.command(
                ex,
                Seat::Control,
                Command::TakeSeat {
                    seat: *seat,
                    name: name.trim().to_owned(),
                },
            )?;
        }
    }
    r.command(ex, Seat::Control, Command::Start)
}

/// Write the after-action report next to the journal; returns the HTML file.
fn export(session: &Session) -> Result<String, String> {
    let Some(journal) = session.journal_path() else {
        return Err("this exercise was not journaled".into());
    };
    let mut dir = journal.as_os_str().to_owned();
    dir.push(".report");
    let opts = cbm_ttx_core::report::Options {
        anonymise: false,
        lang: Some(session.settings().lang),
        journal: Some(journal.display().to_string()),
    };
    cbm_ttx_core::report::write(
        session.scenario(),
        session.game().seed(),
        session.events(),
        std::path::Path::new(&dir),
        &opts,
    )
    .map(|files| files.first().cloned().unwrap_or_default())
    .map_err(|e| e.to_string())
}

/// The scenarios the library holds, as candidates for a journal's scenario.
fn candidates(lib: &Library) -> Vec<(Arc<Scenario>, Option<PathBuf>)> {
    lib.entries
        .iter()
        .filter_map(|e| e.scenario().map(|s| (s.clone(), e.file())))
        .collect()
}

/// Read a journal and find its scenario.
fn open(
    lib: &Library,
    path: &std::path::Path,
) -> Result<(journal::Loaded, Arc<Scenario>, Option<PathBuf>), String> {
    let loaded = journal::read(path).map_err(|e| e.to_string())?;
    let (scenario, source) = loaded
        .find_scenario(None, &candidates(lib))
        .map_err(|e| format!("{e}. Open that scenario file in the picker first."))?;
    Ok((loaded, scenario, source))
}

/// Open a journal for replay (every command in it is checked first).
fn open_replay(lib: &Library, path: &std::path::Path) -> Result<Replay, String> {
    let (loaded, scenario, source) = open(lib, path)?;
    let game = loaded.replay(scenario.clone()).map_err(|e| e.to_string())?;
    Ok(Replay {
        scenario,
        source,
        events: game.events().to_vec(),
        loaded,
        round: 1,
        viewing: Viewing::Control,
    })
}

/// A new exercise from the start of the replay's round, journaled with its origin.
fn fork(rp: &Replay, data: &std::path::Path) -> Result<Session, String> {
    let path = storage::new_journal_path(data, &rp.scenario.id);
    Session::fork(
        &rp.loaded,
        rp.scenario.clone(),
        rp.source.clone(),
        rp.round,
        &path,
    )
    .map_err(|e| e.to_string())
}

/// Find the journal's scenario and rebuild the exercise.
fn resume(lib: &Library, path: &std::path::Path) -> Result<Session, String> {
    let (loaded, scenario, source) = open(lib, path)?;
    Session::resume(&loaded, scenario, source).map_err(|e| e.to_string())
}
