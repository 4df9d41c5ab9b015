//! `cbm-ttx host SCENARIO`: run an exercise that participants join over the LAN.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use bevy::app::ScheduleRunnerPlugin;
use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy_replicon_renet::RepliconRenetPlugins;

use crate::exercise::{Exercise, ExercisePlugin};
use crate::net::director::{Director, DirectorPlugin};
use crate::net::host::{LanHost, LanHostPlugin};
use crate::net::seats::SeatRegistry;
use crate::net::setup::host_session;
use crate::net::{DEFAULT_PORT, HostOptions, NetProtocolPlugin, transport};
use crate::storage;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Scenario file (default: the bundled reference scenario; with --resume, the
    /// journal's own copy).
    pub scenario: Option<PathBuf>,
    /// UDP port to listen on.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
    /// Address to listen on (default: every interface; 127.0.0.1 for this machine only).
    #[arg(long, default_value = "0.0.0.0")]
    pub bind: IpAddr,
    /// Join code (default: random; on --resume, the code used before).
    #[arg(long)]
    pub code: Option<String>,
    /// No window: run the exercise automatically and log to stdout.
    #[arg(long)]
    pub headless: bool,
    /// With --headless: start once this many seats are claimed.
    #[arg(long, default_value_t = 1)]
    pub players: usize,
    /// Deliberation clock in seconds (default: the scenario's; 0 = no clock).
    #[arg(long)]
    pub round_seconds: Option<u32>,
    /// Continue the exercise recorded in this journal (same join code and seats).
    #[arg(long)]
    pub resume: Option<PathBuf>,
    /// With --headless --resume: seconds to wait for the participants to come back
    /// before the exercise moves on.
    #[arg(long, default_value_t = 30)]
    pub rejoin_seconds: u64,
    /// Seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
}

impl Args {
    pub fn options(&self) -> HostOptions {
        HostOptions {
            scenario: self.scenario.clone(),
            bind: SocketAddr::new(self.bind, self.port),
            code: self.code.clone(),
            round_seconds: self.round_seconds,
            resume: self.resume.clone(),
            seed: self.seed,
        }
    }
}

pub fn run(args: &Args) -> i32 {
    if !args.headless {
        return crate::app::run(crate::app::AppOptions {
            host: Some(args.options()),
            scale: 1.0,
            ..Default::default()
        });
    }
    let opts = args.options();
    let session = match host_session(&opts, &storage::data_dir()) {
        Ok(s) => s,
        Err(e) => {
            crate::errln!("host: {e}");
            return 1;
        }
    };
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins.set(ScheduleRunnerPlugin::run_loop(Duration::from_millis(5))),
        StatesPlugin,
        bevy::log::LogPlugin {
            filter: "warn,cbm_ttx=info".into(),
            ..default()
        },
        NetProtocolPlugin,
        RepliconRenetPlugins,
        ExercisePlugin,
        LanHostPlugin,
        DirectorPlugin,
    ));
    app.finish();
    app.cleanup();
    let port = match transport::start_server(app.world_mut(), opts.bind) {
        Ok(p) => p,
        Err(e) => {
            crate::errln!("host: cannot listen on UDP {}: {e}", opts.bind);
            return 1;
        }
    };
    let seats = match (&opts.resume, session.journal_path()) {
        (Some(_), Some(j)) => SeatRegistry::resume(j),
        _ => SeatRegistry::new(opts.code.clone(), session.journal_path()),
    };
    let seats = match seats {
        Ok(s) => s,
        Err(e) => {
            crate::errln!("host: {e}");
            return 1;
        }
    };
    announce(&session, &seats, port);
    let mut director = Director::new(args.players);
    if opts.resume.is_some() {
        director.rejoin = Duration::from_secs(args.rejoin_seconds);
    }
    app.insert_resource(LanHost::new(port))
        .insert_resource(seats)
        .insert_resource(director)
        .insert_resource(Exercise::new(session));
    match app.run() {
        AppExit::Success => 0,
        AppExit::Error(c) => c.get() as i32,
    }
}

fn announce(session: &cbm_ttx_core::session::Session, seats: &SeatRegistry, port: u16) {
    crate::outln!(
        "cbm-ttx host: \"{}\" on UDP port {port}",
        session.scenario().title.en(),
    );
    crate::outln!("join code: {}", seats.code);
    for ip in crate::net::local_addresses() {
        crate::outln!(
            "participants type: cbm-ttx join {ip}:{port} --code {}",
            seats.code
        );
    }
    crate::outln!(
        "control key (for a remote facilitator console): {}",
        seats.control_key
    );
    if let Some(p) = session.journal_path() {
        crate::outln!("journal: {}", p.display());
    }
}
