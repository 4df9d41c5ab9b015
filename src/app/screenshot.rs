//! `cbm-ttx play --screenshot PATH --screen NAME`: put the app on a screen with
//! demonstration content, let it render fully, save a PNG, check it is not blank, exit.

use std::path::PathBuf;
use std::sync::Arc;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};

use super::intent::Lobby;
use super::library::Library;
use super::screen::Screen;
use super::session::{Running, Viewing};
use super::{AppOptions, Intent};
use crate::exercise::Exercise;
use crate::net::client::LanClient;
use cbm_ttx_core::clock::{ManualClock, Timestamp};
use cbm_ttx_core::engine::{Command, Game, Seat, SeatView, disclose};
use cbm_ttx_core::journal;
use cbm_ttx_core::scenario::{Lang, Scenario, StateId};
use cbm_ttx_core::session::{Recording, Session};
use cbm_ttx_core::sim::{self, Policy};

pub struct ScreenshotPlugin;

impl Plugin for ScreenshotPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<Progress>().add_systems(Update, drive);
    }
}

#[derive(Resource, Default)]
struct Progress {
    frames: u32,
    staged: bool,
    requested: bool,
}

/// Frames to let egui lay out and fonts load before capturing.
const SETTLE_FRAMES: u32 = 12;

fn drive(
    mut commands: Commands,
    mut progress: ResMut<Progress>,
    options: Res<AppOptions>,
    lib: Res<Library>,
    screen: Res<State<Screen>>,
    mut next: ResMut<NextState<Screen>>,
    mut intents: MessageWriter<Intent>,
    mut redraw: MessageWriter<bevy::window::RequestRedraw>,
    mut exit: MessageWriter<AppExit>,
) {
    let Some((path, target)) = options.screenshot.clone() else {
        return;
    };
    // Keep frames coming while we work (the app is otherwise reactive).
    redraw.write(bevy::window::RequestRedraw);
    progress.frames += 1;
    if progress.frames > 600 {
        error!("screenshot: the screen did not become ready");
        exit.write(AppExit::Error(std::num::NonZero::new(3).unwrap()));
        return;
    }
    if !progress.staged {
        let Some(entry) = lib.selected() else { return };
        let Some(scenario) = entry.scenario().cloned() else {
            if let Some(r) = entry.report().filter(|r| r.has_errors()).or(None) {
                // A broken scenario: show its errors in the picker.
                if target != Screen::Picker {
                    error!("screenshot: {}", r.summary());
                }
            }
            if entry.report().is_none() && entry.load_error.is_none() {
                return; // still loading
            }
            progress.staged = true;
            return;
        };
        stage(
            &mut commands,
            &mut next,
            &mut intents,
            scenario,
            entry.file(),
            target,
            options.seat.as_deref(),
            options.lang,
        );
        progress.staged = true;
        progress.frames = 0;
        return;
    }
    if *screen.get() != target || progress.frames < SETTLE_FRAMES || progress.requested {
        return;
    }
    progress.requested = true;
    commands
        .spawn(Screenshot::primary_window())
        .observe(save(path));
}

/// Demonstration content for each screen: the reference scenario part-played by bots.
#[allow(clippy::too_many_arguments)]
fn stage(
    commands: &mut Commands,
    next: &mut NextState<Screen>,
    intents: &mut MessageWriter<Intent>,
    scenario: Arc<Scenario>,
    source: Option<PathBuf>,
    target: Screen,
    seat: Option<&str>,
    lang: Option<Lang>,
) {
    let lang = lang.filter(|l| scenario.languages.contains(l));
    let seat = seat.and_then(|k| Seat::parse(k, &scenario));
    match target {
        Screen::Picker => {}
        Screen::Participant => {
            commands.insert_resource(demo_participant(&scenario, seat, lang));
            next.set(Screen::Participant);
        }
        Screen::Replay => {
            commands.insert_resource(demo_replay(scenario, source, seat));
            next.set(Screen::Replay);
        }
        Screen::Lobby => {
            commands.insert_resource(demo_lobby(scenario, source, lang));
            next.set(Screen::Lobby);
        }
        Screen::Console | Screen::Board | Screen::HotWash => {
            let Some(ex) = demo_exercise(&scenario, source, target, lang) else {
                return;
            };
            let mut running = Running::new(&ex);
            running.viewing = seat.map(Viewing::Seat).unwrap_or(Viewing::Control);
            commands.insert_resource(ex);
            commands.insert_resource(running);
            next.set(target);
            intents.write(Intent::DismissNotice);
        }
    }
}

/// A recorded exercise (bots), shown at round 2.
pub fn demo_replay(
    scenario: Arc<Scenario>,
    source: Option<PathBuf>,
    seat: Option<Seat>,
) -> super::intent::Replay {
    {
        {
            let game = sim::play(scenario.clone(), scenario.seed, Policy::Random);
            let loaded = journal::Loaded {
                path: "demonstration.jsonl".into(),
                header: journal::Header::new(&scenario, scenario.seed),
                batches: vec![(
                    2,
                    journal::Batch {
                        at: None,
                        entry: journal::Entry::Events {
                            events: game.events().to_vec(),
                        },
                    },
                )],
                torn: None,
                tip: String::new(),
            };
            super::intent::Replay {
                scenario,
                source,
                loaded,
                events: game.events().to_vec(),
                round: 2,
                viewing: seat.map(Viewing::Seat).unwrap_or(Viewing::Control),
            }
        }
    }
}

/// The lobby with a few seats named.
pub fn demo_lobby(scenario: Arc<Scenario>, source: Option<PathBuf>, lang: Option<Lang>) -> Lobby {
    {
        {
            let mut d = Lobby::new(scenario.clone(), source);
            if let Some(l) = lang {
                d.lang = l;
            }
            let names = [
                "Ministry team A",
                "",
                "",
                "",
                "",
                "",
                "Team Borovia",
                "Delegation C",
            ];
            for ((_, name), demo) in d.names.iter_mut().zip(names) {
                *name = demo.to_owned();
            }
            d
        }
    }
}

/// A participant's client as it stands after two rounds, its view built exactly as
/// a client builds it: public scenario, the seat's events and what they disclosed.
pub fn demo_participant(
    scenario: &Arc<Scenario>,
    seat: Option<Seat>,
    lang: Option<Lang>,
) -> LanClient {
    let seat = seat.unwrap_or(Seat::State(StateId(0)));
    let mut game = Game::new(scenario.clone(), scenario.seed);
    let _ = game.handle(
        Seat::Control,
        Command::TakeSeat {
            seat,
            name: "Demo team".into(),
        },
    );
    let _ = game.handle(Seat::Control, Command::Start);
    sim::batch::play_rounds_until(&mut game, Policy::Cooperative, 2);
    let mut view = SeatView::new(Arc::new(disclose::public(scenario)), seat);
    for e in game.events() {
        if e.audience.includes(seat) {
            view.observe(e, disclose::disclose(scenario, seat, e));
        }
    }
    let mut c = LanClient::new(
        Some(std::net::SocketAddr::from((
            [192, 168, 1, 20],
            crate::net::DEFAULT_PORT,
        ))),
        "K7QXM2".into(),
        "Demo team".into(),
        Some(seat.key(scenario)),
        None,
    );
    c.view = Some(view);
    c.seat = Some(seat);
    c.lang = lang.unwrap_or(Lang::En);
    c.status = crate::net::client::Status::Seated;
    c.clock = Some((
        crate::net::protocol::ClockState {
            length_ms: 900_000,
            remaining_ms: 754_000,
            running: false,
        },
        0.0,
    ));
    c
}

/// An exercise two rounds in (or ended, for the hot wash), with a frozen clock.
pub fn demo_exercise(
    scenario: &Arc<Scenario>,
    source: Option<PathBuf>,
    target: Screen,
    lang: Option<Lang>,
) -> Option<Exercise> {
    let clock = Arc::new(ManualClock::at(Timestamp(1_780_000_000_000)));
    let mut s = Session::start_with_clock(
        scenario.clone(),
        source,
        scenario.seed,
        Recording::default(),
        clock.clone(),
    )
    .ok()?;
    if let Some(l) = lang {
        let _ = s.set_lang(l);
    }
    let _ = s.set_round_seconds(900);
    for (i, st) in scenario.state_ids().enumerate() {
        let _ = s.command(
            Seat::Control,
            Command::TakeSeat {
                seat: Seat::State(st),
                name: format!("Team {}", i + 1),
            },
        );
    }
    let _ = s.command(Seat::Control, Command::Start);
    let rounds = if target == Screen::HotWash {
        scenario.round_count()
    } else {
        3
    };
    sim::batch::play_rounds_until(&mut s, Policy::Cooperative, rounds);
    let _ = s.command(
        Seat::Control,
        Command::Annotate {
            text: "Ardenia's CERT shared indicators before its ministry spoke publicly.".into(),
        },
    );
    if target == Screen::HotWash {
        sim::batch::play_rounds(&mut s, Policy::Cooperative);
    } else {
        // Round 3 is open: the first State has staged part of its plan.
        let mut bots = sim::Bots::new(s.game(), Policy::Cooperative);
        let first = scenario.state_ids().next()?;
        bots.play_turn(&mut s, first);
        clock.advance(std::time::Duration::from_secs(146));
    }
    Some(Exercise::new(s))
}

/// Save the capture as PNG, make sure it is not blank, and exit.
fn save(path: PathBuf) -> impl FnMut(On<ScreenshotCaptured>, MessageWriter<AppExit>) {
    move |captured, mut exit| {
        let code = match captured.image.clone().try_into_dynamic() {
            Ok(img) => {
                let rgb = img.to_rgb8();
                let mut colors = std::collections::BTreeSet::new();
                for p in rgb.pixels().step_by(97) {
                    colors.insert(p.0);
                    if colors.len() > 64 {
                        break;
                    }
                }
                match rgb.save(&path) {
                    Ok(()) if colors.len() >= 8 => {
                        crate::outln!(
                            "screenshot written: {} ({}x{}, {}+ colours)",
                            path.display(),
                            rgb.width(),
                            rgb.height(),
                            colors.len()
                        );
                        0
                    }
                    Ok(()) => {
                        crate::errln!(
                            "screenshot {} looks blank ({} colours)",
                            path.display(),
                            colors.len()
                        );
                        4
                    }
                    Err(e) => {
                        crate::errln!("cannot write {}: {e}", path.display());
                        5
                    }
                }
            }
            Err(e) => {
                crate::errln!("cannot convert the screenshot: {e}");
                6
            }
        };
        exit.write(match std::num::NonZero::new(code) {
            None => AppExit::Success,
            Some(c) => AppExit::Error(c),
        });
    }
}
