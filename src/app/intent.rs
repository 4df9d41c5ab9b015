//! What the user asked for, as messages. Panels write intents; [`handle_intents`] is the
//! one place that acts on them, and it acts only through the library, the session and
//! the engine.

use std::path::PathBuf;
use std::sync::Arc;

use bevy::prelude::*;

use super::library::{self, Library};
use super::screen::Screen;
use super::session::{Session, Viewing};
use super::storage;
use cbm_ttx_core::engine::{Command, Seat};
use cbm_ttx_core::journal;
use cbm_ttx_core::scenario::{Lang, Scenario};

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
    /// Lobby → exercise, with the lobby's draft.
    StartExercise,
    /// Any seat's command, checked by the engine.
    Command(Seat, Command),
    /// Hot seat: show this seat's (or control's) view; a new seat gets the privacy screen.
    View(Viewing),
    /// The player at the screen reveals their view.
    Uncover,
    Show(Screen),
    SetLanguage(Lang),
    DismissNotice,
    /// Leave the debrief for a new exercise.
    NewExercise,
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
    pub round: u8,
    pub viewing: Viewing,
}

impl Replay {
    pub fn last_round(&self) -> u8 {
        cbm_ttx_core::engine::history::last_round(&self.loaded.events).max(1)
    }
}

/// The lobby's settings before the exercise starts.
#[derive(Resource, Clone, Debug)]
pub struct Draft {
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

impl Draft {
    /// A new session for these settings, journaled in `data` (unless journaling is off).
    pub fn session(&self, data: &std::path::Path) -> Result<Session, String> {
        let path = self
            .journal
            .then(|| storage::new_journal_path(data, &self.scenario.id));
        let mut s = Session::start(self.scenario.clone(), self.source.clone(), self.seed, path)
            .map_err(|e| e.to_string())?;
        s.lang = self.lang;
        s.round_seconds = self.round_minutes * 60;
        Ok(s)
    }

    pub fn new(scenario: Arc<Scenario>, source: Option<PathBuf>) -> Draft {
        Draft {
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
}

pub struct IntentPlugin;

impl Plugin for IntentPlugin {
    fn build(&self, app: &mut App) {
        app.add_message::<Intent>()
            .add_systems(Update, handle_intents);
    }
}

pub fn handle_intents(
    mut intents: MessageReader<Intent>,
    mut commands: Commands,
    mut lib: ResMut<Library>,
    assets: Res<AssetServer>,
    mut next: ResMut<NextState<Screen>>,
    screen: Res<State<Screen>>,
    mut session: Option<ResMut<Session>>,
    mut draft: Option<ResMut<Draft>>,
    data: Res<storage::DataDir>,
    options: Option<Res<super::AppOptions>>,
    mut replay: Option<ResMut<Replay>>,
) {
    for intent in intents.read() {
        match intent.clone() {
            Intent::Select(i) => {
                if i < lib.entries.len() {
                    lib.selected = i;
                    lib.open_error = None;
                }
            }
            Intent::OpenFile(p) => {
                library::open_file(&mut lib, &assets, &data, &p);
            }
            Intent::ToLobby => match lib.selected() {
                Some(e) => match e.scenario() {
                    Some(s) => {
                        let mut d = Draft::new(s.clone(), e.file());
                        if let Some(l) = options
                            .as_ref()
                            .and_then(|o| o.lang)
                            .filter(|l| s.languages.contains(l))
                        {
                            d.lang = l;
                        }
                        commands.insert_resource(d);
                        next.set(Screen::Lobby);
                    }
                    None => {
                        lib.open_error =
                            Some("fix this scenario's errors first (they are listed below)".into())
                    }
                },
                None => lib.open_error = Some("choose a scenario first".into()),
            },
            Intent::Resume(path) => match resume(&lib, &path) {
                Ok(s) => {
                    commands.insert_resource(s);
                    next.set(Screen::Exercise);
                }
                Err(e) => lib.open_error = Some(e),
            },
            Intent::BackToPicker => {
                commands.remove_resource::<Draft>();
                next.set(Screen::Picker);
            }
            Intent::StartExercise => {
                let Some(d) = draft.as_deref_mut() else {
                    continue;
                };
                // Hosting: the session exists already and network seats are taken.
                if let Some(s) = session.as_deref_mut() {
                    if start_hosted(s, d).is_ok() {
                        next.set(Screen::Exercise);
                    }
                    continue;
                }
                match start(d, &data.0) {
                    Ok(s) => {
                        commands.insert_resource(s);
                        next.set(Screen::Exercise);
                    }
                    Err(e) => lib.open_error = Some(e),
                }
            }
            Intent::Command(seat, cmd) => {
                if let Some(s) = session.as_deref_mut() {
                    let ending = cmd == Command::End;
                    if s.command(seat, cmd).is_ok() && ending {
                        next.set(Screen::Debrief);
                    }
                }
            }
            Intent::View(v) => {
                if let Some(s) = session.as_deref_mut()
                    && s.viewing != v
                {
                    s.covered = matches!(v, Viewing::Seat(_));
                    s.viewing = v;
                }
            }
            Intent::Uncover => {
                if let Some(s) = session.as_deref_mut() {
                    s.covered = false;
                }
            }
            Intent::Show(target) => {
                if session.is_some() && *screen.get() != target {
                    next.set(target);
                }
            }
            Intent::SetLanguage(l) => {
                if let Some(s) = session.as_deref_mut() {
                    s.lang = l;
                }
                if let Some(d) = draft.as_deref_mut() {
                    d.lang = l;
                }
            }
            Intent::DismissNotice => {
                if let Some(s) = session.as_deref_mut() {
                    s.notice = None;
                    s.error = None;
                }
            }
            Intent::NewExercise => {
                commands.remove_resource::<Session>();
                commands.remove_resource::<Draft>();
                commands.remove_resource::<Replay>();
                next.set(Screen::Picker);
            }
            Intent::Replay(path) => match open_replay(&lib, &path) {
                Ok(r) => {
                    commands.insert_resource(r);
                    next.set(Screen::Replay);
                }
                Err(e) => lib.open_error = Some(e),
            },
            Intent::ReplayRound(r) => {
                if let Some(rp) = replay.as_deref_mut() {
                    rp.round = r.clamp(1, rp.last_round());
                }
            }
            Intent::ReplayView(v) => {
                if let Some(rp) = replay.as_deref_mut() {
                    rp.viewing = v;
                }
            }
            // The network intents are handled in `lan`.
            Intent::HostLan | Intent::JoinLan { .. } | Intent::ClaimSeat(_) | Intent::LeaveLan => {}
            Intent::Fork => {
                let Some(rp) = replay.as_deref() else {
                    continue;
                };
                match fork(rp, &data.0) {
                    Ok(s) => {
                        commands.remove_resource::<Replay>();
                        commands.insert_resource(s);
                        next.set(Screen::Exercise);
                    }
                    Err(e) => lib.open_error = Some(e),
                }
            }
        }
    }
}

/// Lobby → start a hosted exercise: the lobby's names fill seats nobody took over
/// the network.
fn start_hosted(s: &mut Session, d: &Draft) -> Result<(), String> {
    s.lang = d.lang;
    s.round_seconds = d.round_minutes * 60;
    for (seat, name) in d.names.iter().filter(|(_, n)| !n.trim().is_empty()) {
        if !s.game.state().seats.contains_key(seat) {
            s.command(
                Seat::Control,
                Command::TakeSeat {
                    seat: *seat,
                    name: name.trim().to_owned(),
                },
            )?;
        }
    }
    s.command(Seat::Control, Command::Start).map(|_| ())
}

/// Lobby → a journaled, started exercise with its seats taken.
fn start(d: &Draft, data: &std::path::Path) -> Result<Session, String> {
    let mut s = d.session(data)?;
    start_hosted(&mut s, d)?;
    Ok(s)
}

/// Open a journal for replay.
fn open_replay(lib: &Library, path: &std::path::Path) -> Result<Replay, String> {
    let loaded = journal::read(path).map_err(|e| e.to_string())?;
    let (scenario, source) = scenario_of(lib, &loaded, path)?;
    // Make sure the record is sound before showing it.
    cbm_ttx_core::engine::Game::replay(scenario.clone(), loaded.header.seed, loaded.events.clone())
        .map_err(|e| e.to_string())?;
    Ok(Replay {
        scenario,
        source,
        loaded,
        round: 1,
        viewing: Viewing::Control,
    })
}

/// A new exercise from the start of the replay's round, journaled with its origin.
fn fork(rp: &Replay, data: &std::path::Path) -> Result<Session, String> {
    let path = storage::new_journal_path(data, &rp.scenario.id);
    let (writer, events) = journal::fork(&rp.loaded, rp.round, &path, journal::Durability::Grouped)
        .map_err(|e| e.to_string())?;
    let game = cbm_ttx_core::engine::Game::replay(rp.scenario.clone(), rp.loaded.header.seed, events)
        .map_err(|e| e.to_string())?;
    let mut s = Session::continue_with(rp.scenario.clone(), rp.source.clone(), game, writer);
    let open = if rp.round == 1 {
        Command::Start
    } else {
        Command::OpenRound
    };
    s.command(Seat::Control, open)?;
    s.notice = Some(format!(
        "Forked from round {} of {}: play it again with different choices.",
        rp.round,
        rp.loaded.path.display()
    ));
    Ok(s)
}

type Found = (Arc<Scenario>, Option<PathBuf>);

fn scenario_of(
    lib: &Library,
    loaded: &journal::Loaded,
    path: &std::path::Path,
) -> Result<Found, String> {
    let from_file = loaded.header.scenario_path.as_ref().and_then(|p| {
        let p = PathBuf::from(p);
        let (s, _) = cbm_ttx_core::scenario::load(&p).ok()?;
        (s.content_hash == loaded.header.scenario_hash).then(|| (Arc::new(s), Some(p)))
    });
    match from_file {
        Some(found) => Ok(found),
        None => match lib.find_by_hash(&loaded.header.scenario_hash) {
            Some(e) => Ok((
                e.scenario().cloned().ok_or("scenario not loaded")?,
                e.file(),
            )),
            None => Err(format!(
                "cannot open {}: the scenario \"{}\" it was recorded with is not open (or has changed since). Open that scenario file first.",
                path.display(),
                loaded.header.scenario_id
            )),
        },
    }
}

/// Find the journal's scenario (its recorded path, else any library entry with the
/// same content) and rebuild the exercise.
fn resume(lib: &Library, path: &std::path::Path) -> Result<Session, String> {
    let loaded = journal::read(path).map_err(|e| e.to_string())?;
    let (scenario, source) = scenario_of(lib, &loaded, path)?;
    Session::resume(&loaded, scenario, source).map_err(|e| e.to_string())
}
