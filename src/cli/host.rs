//! `cbm-ttx host SCENARIO`: run an exercise that participants join over the LAN.

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use bevy::app::ScheduleRunnerPlugin;
use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy_replicon_renet::RepliconRenetPlugins;

use crate::app::session::{Session, SessionPlugin};
use crate::app::storage;
use crate::net::director::{Director, DirectorPlugin};
use crate::net::host::{LanHost, LanHostPlugin};
use crate::net::{DEFAULT_PORT, NetProtocolPlugin, transport};
use cbm_ttx_core::scenario::{self, Scenario};

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// Scenario file (default: the bundled reference scenario; with --resume, the journal's).
    pub scenario: Option<PathBuf>,
    /// UDP port to listen on.
    #[arg(long, default_value_t = DEFAULT_PORT)]
    pub port: u16,
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
    /// Continue the exercise recorded in this journal.
    #[arg(long)]
    pub resume: Option<PathBuf>,
    /// Seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
}

/// The session to host: resumed from a journal, or new (journaled in the data directory).
pub fn session(args: &Args) -> Result<(Session, Option<PathBuf>), String> {
    if let Some(j) = &args.resume {
        let loaded = cbm_ttx_core::journal::read(j).map_err(|e| e.to_string())?;
        let s = super::scenario_for(&loaded, args.scenario.as_deref())?;
        let session = Session::resume(&loaded, Arc::new(s), args.scenario.clone())
            .map_err(|e| e.to_string())?;
        return Ok((session, args.scenario.clone()));
    }
    let s: Scenario = match &args.scenario {
        Some(p) => scenario::load(p)
            .map(|(s, _)| s)
            .map_err(|e| match e.report() {
                Some(r) => format!("{}\n{}", r.summary(), r.lines().join("\n")),
                None => e.to_string(),
            })?,
        None => scenario::bundled::load(scenario::bundled::REFERENCE).map_err(|r| r.summary())?,
    };
    let seed = args.seed.unwrap_or(s.seed);
    let path = storage::new_journal_path(&storage::data_dir(), &s.id);
    let mut session = Session::start(Arc::new(s), args.scenario.clone(), seed, Some(path))
        .map_err(|e| e.to_string())?;
    if let Some(secs) = args.round_seconds {
        session.round_seconds = secs;
    }
    Ok((session, args.scenario.clone()))
}

pub fn run(args: &Args) -> i32 {
    if !args.headless {
        return crate::app::run(crate::app::AppOptions {
            host: Some(args.clone()),
            scale: 1.0,
            ..Default::default()
        });
    }
    let (session, _) = match session(args) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("host: {e}");
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
        LanHostPlugin,
        SessionPlugin,
        DirectorPlugin,
    ));
    app.add_message::<crate::app::Intent>();
    app.finish();
    app.cleanup();
    let port = match transport::start_server(app.world_mut(), args.port) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("host: cannot listen on UDP port {}: {e}", args.port);
            return 1;
        }
    };
    let host = LanHost::new(args.code.clone(), port, session.journal_path());
    announce(&session, &host);
    let round_seconds = args.round_seconds.unwrap_or(session.round_seconds);
    app.insert_resource(host)
        .insert_resource(Director {
            players: args.players,
            round_seconds,
            done: false,
        })
        .insert_resource(session);
    match app.run() {
        AppExit::Success => 0,
        AppExit::Error(c) => c.get() as i32,
    }
}

fn announce(session: &Session, host: &LanHost) {
    println!(
        "cbm-ttx host: \"{}\" on UDP port {}",
        session.scenario.title.en(),
        host.port
    );
    println!("join code: {}", host.code);
    for ip in crate::net::local_addresses() {
        println!(
            "participants type: cbm-ttx join {ip}:{} --code {}",
            host.port, host.code
        );
    }
    println!(
        "control key (for a remote facilitator console): {}",
        host.control_key
    );
    if let Some(p) = session.journal_path() {
        println!("journal: {}", p.display());
    }
}
