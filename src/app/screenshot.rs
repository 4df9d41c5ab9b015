//! `cbm-ttx play --screenshot PATH --screen NAME`: put the app on a screen with
//! demonstration content, let it render fully, save a PNG, check it is not blank, exit.

use std::path::PathBuf;
use std::sync::Arc;

use bevy::prelude::*;
use bevy::render::view::screenshot::{Screenshot, ScreenshotCaptured};

use super::intent::Draft;
use super::library::Library;
use super::screen::Screen;
use super::session::{Session, Viewing};
use super::{AppOptions, Intent};
use cbm_ttx_core::engine::{Command, Phase, Seat};
use cbm_ttx_core::sim::Policy;

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
fn stage(
    commands: &mut Commands,
    next: &mut NextState<Screen>,
    intents: &mut MessageWriter<Intent>,
    scenario: Arc<cbm_ttx_core::scenario::Scenario>,
    source: Option<PathBuf>,
    target: Screen,
    seat: Option<&str>,
    lang: Option<cbm_ttx_core::scenario::Lang>,
) {
    match target {
        Screen::Picker => {}
        Screen::Participant => {
            // What a participant on another laptop sees: built exactly as the client
            // builds it, from the seat's events and the redacted scenario.
            let seat = seat
                .and_then(|k| Seat::parse(k, &scenario))
                .unwrap_or(Seat::State(cbm_ttx_core::scenario::StateId(0)));
            let mut game = cbm_ttx_core::engine::Game::new(scenario.clone(), scenario.seed);
            let _ = game.handle(
                Seat::Control,
                Command::TakeSeat {
                    seat,
                    name: "Demo team".into(),
                },
            );
            let _ = game.handle(Seat::Control, Command::Start);
            cbm_ttx_core::sim::batch::play_rounds_until(&mut game, Policy::Cooperative, 2);
            let visible: Vec<_> = game
                .events()
                .iter()
                .filter(|e| e.audience.includes(seat))
                .cloned()
                .collect();
            let mut redacted = crate::net::protocol::redact(&scenario);
            crate::net::protocol::apply_disclosures(
                &mut redacted,
                seat,
                &crate::net::protocol::disclosures(&scenario, seat, &visible),
            );
            let mut c = crate::net::client::LanClient::new(
                Some(std::net::SocketAddr::from((
                    [192, 168, 1, 20],
                    crate::net::DEFAULT_PORT,
                ))),
                "K7QXM2".into(),
                "Demo team".into(),
                Some(seat.key(&scenario)),
                None,
            );
            c.view = Some(cbm_ttx_core::engine::SeatView::build(&redacted, seat, &visible));
            c.scenario = Some(redacted);
            c.seat = Some(seat);
            c.status = crate::net::client::Status::Seated;
            commands.insert_resource(c);
            next.set(Screen::Participant);
        }
        Screen::Replay => {
            let game = cbm_ttx_core::sim::play(scenario.clone(), scenario.seed, Policy::Random);
            let loaded = cbm_ttx_core::journal::Loaded {
                path: "demonstration.jsonl".into(),
                header: cbm_ttx_core::journal::Header::new(&scenario, scenario.seed),
                events: game.events().to_vec(),
                torn: None,
            };
            let viewing = match seat.and_then(|k| Seat::parse(k, &scenario)) {
                Some(seat) => Viewing::Seat(seat),
                None => Viewing::Control,
            };
            commands.insert_resource(super::intent::Replay {
                scenario,
                source,
                loaded,
                round: 2,
                viewing,
            });
            next.set(Screen::Replay);
        }
        Screen::Lobby => {
            let mut d = Draft::new(scenario.clone(), source);
            if let Some(l) = lang.filter(|l| scenario.languages.contains(l)) {
                d.lang = l;
            }
            let names = [
                "Ministry team A",
                "Team Borovia",
                "Delegation C",
                "",
                "Eskeland CERT team",
            ];
            for ((_, name), demo) in d.names.iter_mut().zip(names) {
                *name = demo.to_owned();
            }
            commands.insert_resource(d);
            next.set(Screen::Lobby);
        }
        Screen::Exercise | Screen::Board | Screen::Debrief => {
            let Ok(mut s) = Session::start(scenario.clone(), source, scenario.seed, None) else {
                return;
            };
            if let Some(l) = lang.filter(|l| scenario.languages.contains(l)) {
                s.lang = l;
            }
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
            let rounds = if target == Screen::Debrief {
                u8::MAX
            } else {
                2
            };
            // Bots play the first rounds; then deliberation of the next is left open.
            while s.game.state().round < rounds.min(scenario.round_count())
                || s.game.state().phase != Phase::Debrief
            {
                if s.game.state().phase == Phase::Ended {
                    break;
                }
                match s.game.state().phase {
                    Phase::Briefing => {
                        let _ =
                            s.command(Seat::Control, Command::BeginDeliberation { seconds: 900 });
                    }
                    Phase::Deliberation => {
                        for st in scenario.state_ids() {
                            for (actor, action) in
                                Policy::Cooperative.plan(&scenario, s.game.state(), st)
                            {
                                let _ =
                                    s.command(Seat::State(st), Command::Submit { actor, action });
                            }
                        }
                        let _ = s.command(Seat::Control, Command::CloseDeliberation);
                    }
                    Phase::Debrief if s.game.state().is_last_round(&scenario) => break,
                    Phase::Debrief => {
                        let _ = s.command(Seat::Control, Command::OpenRound);
                    }
                    _ => break,
                }
            }
            let _ = s.command(
                Seat::Control,
                Command::Annotate {
                    text: "Ardenia's CERT shared indicators before its ministry spoke publicly."
                        .into(),
                },
            );
            match target {
                Screen::Debrief => {
                    let _ = s.command(Seat::Control, Command::End);
                }
                _ => {
                    let _ = s.command(Seat::Control, Command::OpenRound);
                    let _ = s.command(Seat::Control, Command::BeginDeliberation { seconds: 900 });
                    let first = scenario.state_ids().next().expect("a State");
                    for (actor, action) in Policy::Cooperative
                        .plan(&scenario, s.game.state(), first)
                        .into_iter()
                        .take(2)
                    {
                        let _ = s.command(Seat::State(first), Command::Submit { actor, action });
                    }
                    s.clock.remaining = 754.0;
                }
            }
            s.viewing = match seat.and_then(|k| Seat::parse(k, &scenario)) {
                Some(seat) => Viewing::Seat(seat),
                None => Viewing::Control,
            };
            commands.insert_resource(s);
            next.set(target);
            intents.write(Intent::DismissNotice);
        }
    }
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
                        println!(
                            "screenshot written: {} ({}x{}, {}+ colours)",
                            path.display(),
                            rgb.width(),
                            rgb.height(),
                            colors.len()
                        );
                        0
                    }
                    Ok(()) => {
                        eprintln!(
                            "screenshot {} looks blank ({} colours)",
                            path.display(),
                            colors.len()
                        );
                        4
                    }
                    Err(e) => {
                        eprintln!("cannot write {}: {e}", path.display());
                        5
                    }
                }
            }
            Err(e) => {
                eprintln!("cannot convert the screenshot: {e}");
                6
            }
        };
        exit.write(match std::num::NonZero::new(code) {
            None => AppExit::Success,
            Some(c) => AppExit::Error(c),
        });
    }
}
