//! The headless host runs the exercise by itself: it starts once enough seats are
//! claimed, closes each round when every seated player is ready or the clock runs
//! out, and stops after the last round — but only once every participant has had
//! the end (a client that lost the host needs a while to notice and come back).

use std::collections::BTreeMap;
use std::time::Duration;

use bevy::prelude::*;

use super::host::{LanHost, final_summary};
use super::seats::SeatRegistry;
use crate::exercise::{Exercise, ExerciseSet};
use cbm_ttx_core::engine::{Command, Phase, Seat};
use cbm_ttx_core::scenario::TurnOrder;

/// How the headless host runs its exercise.
#[derive(Resource, Debug, Clone)]
pub struct Director {
    /// Start when this many seats are claimed.
    pub players: usize,
    /// After a resume: wait this long for the seated participants to come back before
    /// moving the exercise on (they come back with their tokens).
    pub rejoin: Duration,
    /// A seat whose participant has been gone this long no longer holds a round up:
    /// once it is all the round waits for, the director frees it (journaled, as
    /// `join --control-key K --free SEAT` would) and the round closes without it. None:
    /// rounds wait for every seat (the facilitator's window frees seats by hand).
    pub release_after: Option<Duration>,
    /// After the end: stay up at most this long until every participant has the end.
    pub linger: Duration,
    /// Set when the exercise has ended and everyone has it (the app then exits).
    pub done: bool,
    /// When the director began (seconds of real time), for the rejoin wait.
    started: Option<f64>,
    /// When the exercise ended.
    ended: Option<f64>,
}

impl Director {
    pub fn new(players: usize) -> Director {
        Director {
            players,
            rejoin: Duration::ZERO,
            release_after: None,
            linger: Duration::from_secs(20),
            done: false,
            started: None,
            ended: None,
        }
    }
}

/// Host frame times while the exercise runs (frames are when commands are handled).
#[derive(Resource, Debug, Default)]
pub struct FrameTimes(pub Vec<f64>);

pub struct DirectorPlugin;

impl Plugin for DirectorPlugin {
    fn build(&self, app: &mut App) {
        app.init_resource::<FrameTimes>().add_systems(
            Update,
            direct.in_set(ExerciseSet::Commands).run_if(
                resource_exists::<Director>
                    .and_then(resource_exists::<Exercise>)
                    .and_then(resource_exists::<SeatRegistry>),
            ),
        );
    }
}

fn direct(
    time: Res<Time<Real>>,
    mut last_report: Local<f64>,
    mut absent: Local<BTreeMap<Seat, f64>>,
    mut frames: ResMut<FrameTimes>,
    mut director: ResMut<Director>,
    mut ex: ResMut<Exercise>,
    seats: Res<SeatRegistry>,
    mut host: Option<ResMut<LanHost>>,
    mut exit: MessageWriter<AppExit>,
) {
    if director.done {
        return;
    }
    let now = time.elapsed_secs_f64();
    let started = *director.started.get_or_insert(now);
    let session = &mut ex.session;
    let control = |s: &mut cbm_ttx_core::session::Session, c: Command| {
        let label = c.label();
        if let Err(e) = s.command(Seat::Control, c) {
            warn!("director: {label}: {e}");
        }
    };
    let st = session.situation().clone();
    if st.phase() != Phase::Setup {
        frames.0.push(time.delta_secs_f64());
    }
    let seated: Vec<Seat> = st
        .seats()
        .keys()
        .copied()
        .filter(|s| matches!(s, Seat::State(_) | Seat::Body(_)))
        .collect();
    // Since when each seat of the record has had nobody connected in it (a seat
    // claimed before a restart and not taken back yet counts from the restart).
    let connected = |s: &Seat| seats.holder(&s.key(session.scenario())).is_some();
    absent.retain(|s, _| seated.contains(s) && !connected(s));
    for s in seated.iter().filter(|s| !connected(s)) {
        absent.entry(*s).or_insert(now);
    }
    // After a resume, the participants first come back (or the wait runs out).
    let waiting = now - started < director.rejoin.as_secs_f64()
        && !seats.all_caught_up(session.events().len());
    if waiting && st.phase() != Phase::Setup {
        if now - *last_report > 5.0 {
            *last_report = now;
            let back = seats.seated().iter().filter(|(_, on)| *on).count();
            crate::outln!(
                "waiting for participants to come back: {back} of {} seats connected",
                seats.seated().len()
            );
        }
        return;
    }
    match st.phase() {
        Phase::Setup => {
            if now - *last_report > 5.0 {
                *last_report = now;
                crate::outln!(
                    "waiting for players: {} of {} seats claimed, {} LAN clients connected",
                    seats.seated().len(),
                    director.players,
                    host.as_ref().map(|h| h.clients()).unwrap_or(0),
                );
            }
            if seats.seated().len() >= director.players && seated.len() >= director.players {
                crate::outln!("{} seat(s) claimed: starting", seated.len());
                control(session, Command::Start);
            }
        }
        Phase::Briefing => {
            let seconds = session.settings().round_seconds;
            control(session, Command::BeginDeliberation { seconds });
        }
        Phase::Deliberation => {
            if let Some(after) = director.release_after
                && release_absent(session, &st, &seated, &absent, now, after)
            {
                // The freed seats are out of the record; the round is looked at again
                // next frame.
                return;
            }
            let all_ready = !seated.is_empty() && seated.iter().all(|s| st.ready().contains(s));
            let sequential_done = session.scenario().turn_order == TurnOrder::Sequential
                && st.turn().is_none()
                && !st.ready().is_empty();
            let time_up = session.time_up();
            if all_ready || sequential_done || time_up {
                crate::outln!(
                    "round {}: closing ({})",
                    st.round(),
                    if time_up {
                        "time is up"
                    } else {
                        "everyone is ready"
                    }
                );
                control(session, Command::CloseDeliberation);
            }
        }
        Phase::Debrief if st.is_last_round(session.scenario()) => control(session, Command::End),
        Phase::Debrief => control(session, Command::OpenRound),
        Phase::Ended => {
            let ended = *director.ended.get_or_insert(now);
            // Stay until every participant has the end, or the linger runs out.
            let everyone = seats.all_caught_up(session.events().len());
            // A moment more for the transport to deliver what was queued.
            if !(everyone && now - ended > 1.0) && now - ended < director.linger.as_secs_f64() {
                return;
            }
            director.done = true;
            if let Some(h) = host.as_deref_mut() {
                report(&mut frames, h);
            }
            match session.journal_path() {
                Some(p) => crate::outln!("journal: {}", p.display()),
                None => crate::outln!("journal: (none)"),
            }
            exit.write(AppExit::Success);
        }
    }
}

/// Free the seats a round waits for only because their participants are gone (for
/// longer than `after`): when every seat with someone connected is ready, or when the
/// turn is an absent State's. Returns whether any seat was freed.
fn release_absent(
    session: &mut cbm_ttx_core::session::Session,
    st: &cbm_ttx_core::engine::Situation,
    seated: &[Seat],
    absent: &BTreeMap<Seat, f64>,
    now: f64,
    after: Duration,
) -> bool {
    let gone = |s: &Seat| {
        absent
            .get(s)
            .is_some_and(|t| now - t >= after.as_secs_f64())
    };
    let present: Vec<&Seat> = seated.iter().filter(|s| !absent.contains_key(s)).collect();
    // Nobody left to play: nothing to move on for.
    if present.is_empty() {
        return false;
    }
    let others_ready = present.iter().all(|s| st.ready().contains(s));
    let turn = |s: &Seat| {
        session.scenario().turn_order == TurnOrder::Sequential
            && st.turn().is_some_and(|t| s.state() == Some(t))
    };
    let blocking: Vec<Seat> = seated
        .iter()
        .filter(|s| gone(s) && !st.ready().contains(s) && (others_ready || turn(s)))
        .copied()
        .collect();
    let mut freed = false;
    for seat in blocking {
        let key = seat.key(session.scenario());
        // A participant's name, so nothing in it can act on the terminal.
        let name = st
            .seats()
            .get(&seat)
            .map(|n| cbm_ttx_core::chars::plain(n).into_owned())
            .unwrap_or_default();
        let secs = absent.get(&seat).map(|t| now - t).unwrap_or_default();
        crate::outln!(
            "round {}: freeing seat {key} ({name}): nobody has been connected in it for {secs:.0} s (over --rejoin-seconds {}) and the round is waiting for it",
            st.round(),
            after.as_secs()
        );
        match session.command(Seat::Control, Command::FreeSeat { seat }) {
            Ok(_) => freed = true,
            Err(e) => warn!("director: free {key}: {e}"),
        }
    }
    freed
}

/// Frame times and host-side handling latency, for load tests.
fn report(frames: &mut FrameTimes, host: &mut LanHost) {
    let lines = [
        super::latency_line("host frames while playing", "frames", &mut frames.0),
        super::latency_line(
            "host handling (command received → events journaled)",
            "commands",
            &mut host.handling,
        ),
    ];
    for line in lines.into_iter().flatten() {
        crate::outln!("{line}");
    }
    frames.0.clear();
    host.handling.clear();
    final_summary(host);
    crate::outln!("network: {:?}", host.stats);
}
