//! The headless host runs the exercise by itself: it starts once enough seats are
//! claimed, closes each round when every seated player is ready or the clock runs
//! out, and stops after the last round.

use bevy::prelude::*;

use super::host::LanHost;
use crate::app::session::Session;
use cbm_ttx_core::engine::{Command, Phase, Seat};

#[derive(Resource, Debug, Clone)]
pub struct Director {
    /// Start when this many seats are claimed.
    pub players: usize,
    pub round_seconds: u32,
    /// Set when the exercise has ended (the app then exits).
    pub done: bool,
}

/// Host frame times while the exercise runs (frames are when commands are handled).
#[derive(Resource, Debug, Default)]
pub struct FrameTimes(pub Vec<f64>);

pub struct DirectorPlugin;

impl Plugin for DirectorPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<FrameTimes>().add_systems(
            Update,
            direct.run_if(
                resource_exists::<Director>
                    .and_then(resource_exists::<Session>)
                    .and_then(resource_exists::<LanHost>),
            ),
        );
    }
}

fn direct(
    time: Res<Time<Real>>,
    mut last_report: Local<f64>,
    mut frames: ResMut<FrameTimes>,
    mut director: ResMut<Director>,
    mut session: ResMut<Session>,
    host: Res<LanHost>,
    mut exit: MessageWriter<AppExit>,
) {
    if director.done {
        return;
    }
    let control = |s: &mut Session, c: Command| {
        let label = format!("{c:?}");
        if let Err(e) = s.command(Seat::Control, c) {
            warn!("director: {label}: {e}");
        }
    };
    if session.game.state().phase != Phase::Setup {
        frames.0.push(time.delta_secs_f64());
    }
    let st = session.game.state().clone();
    let seated: Vec<Seat> = st
        .seats
        .keys()
        .copied()
        .filter(|s| matches!(s, Seat::State(_) | Seat::Body(_)))
        .collect();
    match st.phase {
        Phase::Setup => {
            if time.elapsed_secs_f64() - *last_report > 5.0 {
                *last_report = time.elapsed_secs_f64();
                println!(
                    "waiting for players: {} of {} seats claimed, {} clients connected; {:?}",
                    host.seated().len(),
                    director.players,
                    host.clients(),
                    host.stats
                );
            }
            if host.seated().len() >= director.players && seated.len() >= director.players {
                println!("{} seat(s) claimed: starting", seated.len());
                control(&mut session, Command::Start);
            }
        }
        Phase::Briefing => control(
            &mut session,
            Command::BeginDeliberation {
                seconds: director.round_seconds,
            },
        ),
        Phase::Deliberation => {
            let all_ready = !seated.is_empty() && seated.iter().all(|s| st.ready.contains(s));
            let sequential_done = session.scenario.turn_order
                == cbm_ttx_core::scenario::TurnOrder::Sequential
                && st.turn.is_none()
                && !st.ready.is_empty();
            let time_up = session.clock.timed && session.clock.remaining <= 0.0;
            if all_ready || sequential_done || time_up {
                println!(
                    "round {}: closing ({})",
                    st.round,
                    if time_up {
                        "time is up"
                    } else {
                        "everyone is ready"
                    }
                );
                control(&mut session, Command::CloseDeliberation);
            }
        }
        Phase::Debrief if st.is_last_round(&session.scenario) => {
            control(&mut session, Command::End)
        }
        Phase::Debrief => control(&mut session, Command::OpenRound),
        Phase::Ended => {
            director.done = true;
            let mut f = std::mem::take(&mut frames.0);
            f.sort_by(f64::total_cmp);
            if !f.is_empty() {
                let q = |p: f64| f[((f.len() - 1) as f64 * p).round() as usize] * 1000.0;
                println!(
                    "host frames while playing: {} , p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms; {:?}",
                    f.len(),
                    q(0.5),
                    q(0.99),
                    q(1.0),
                    host.stats
                );
            }
            match session.journal_path() {
                Some(p) => println!("journal: {}", p.display()),
                None => println!("journal: (none)"),
            }
            exit.write(AppExit::Success);
        }
    }
}
