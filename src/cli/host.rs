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
use crate::web::{JoinInfo, QrMatrix, WebHost, WebHostPlugin, WebOptions};

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
    /// With --headless: start once this many seats are claimed (default 1; a resumed
    /// host keeps the number it was started with).
    #[arg(long)]
    pub players: Option<usize>,
    /// Deliberation clock in seconds (default: the scenario's; 0 = no clock).
    #[arg(long)]
    pub round_seconds: Option<u32>,
    /// Continue the exercise recorded in this journal (same join code and seats).
    #[arg(long)]
    pub resume: Option<PathBuf>,
    /// With --headless: a seat whose participant has been gone this long no longer
    /// holds a round up (it is freed once the round waits only for it); with --resume,
    /// also how long to wait for the participants to come back before the exercise
    /// moves on.
    #[arg(long, default_value_t = 30)]
    pub rejoin_seconds: u64,
    /// Seed (default: the scenario's).
    #[arg(long)]
    pub seed: Option<u64>,
    /// TCP port for participants' browsers (the participant web client).
    #[arg(long, default_value_t = crate::web::DEFAULT_WEB_PORT)]
    pub web_port: u16,
    /// Do not serve browsers (LAN clients only).
    #[arg(long)]
    pub no_web: bool,
    /// The address participants' browsers use, when it is not this machine's: behind
    /// a TLS-terminating reverse proxy, e.g. <https://ttx.example.org> (shown and put
    /// in the QR code).
    #[arg(long)]
    pub web_url: Option<String>,
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
            web_port: (!self.no_web).then_some(self.web_port),
            web_url: self.web_url.clone(),
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
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins.set(ScheduleRunnerPlugin::run_loop(Duration::from_millis(5))),
        StatesPlugin,
        bevy::log::LogPlugin {
            // renetcode logs every undecodable datagram as an error (a flood is
            // thousands of lines); the host counts and summarises what reaches it.
            filter: "warn,cbm_ttx=info,renetcode=off".into(),
            ..default()
        },
        NetProtocolPlugin,
        RepliconRenetPlugins,
        ExercisePlugin,
        LanHostPlugin,
        DirectorPlugin,
        WebHostPlugin,
    ));
    app.finish();
    app.cleanup();
    // Everything that can refuse comes before the journal is touched: a resume that
    // stops here (unreadable side file, ports in use) leaves the journal as it was.
    let resumed = match &opts.resume {
        Some(j) => match SeatRegistry::resume(j) {
            Ok(r) => Some(r),
            Err(e) => {
                crate::errln!("host: {e}");
                return 1;
            }
        },
        None => None,
    };
    let port = match transport::start_server(app.world_mut(), opts.bind) {
        Ok(p) => p,
        Err(e) => {
            crate::errln!("host: cannot listen on UDP {}: {e}", opts.bind);
            return 1;
        }
    };
    let web_started = |app: &mut App| -> Result<Option<JoinInfo>, String> {
        match opts.web_port {
            Some(p) => {
                crate::web::start(app.world_mut(), &WebOptions::for_host(&opts, p)).map(|_| {
                    app.world()
                        .get_resource::<WebHost>()
                        .map(|w| w.join().clone())
                })
            }
            None => Ok(None),
        }
    };
    let (session, web) = match resumed {
        Some(seats) => {
            app.insert_resource(seats);
            let web = match web_started(&mut app) {
                Ok(w) => w,
                Err(e) => {
                    crate::errln!("host: {e}");
                    return 1;
                }
            };
            match host_session(&opts, &storage::data_dir()) {
                Ok(s) => (s, web),
                Err(e) => {
                    crate::errln!("host: {e}");
                    return 1;
                }
            }
        }
        None => {
            let session = match host_session(&opts, &storage::data_dir()) {
                Ok(s) => s,
                Err(e) => {
                    crate::errln!("host: {e}");
                    return 1;
                }
            };
            match SeatRegistry::new(opts.code.clone(), session.journal_path()) {
                Ok(seats) => {
                    app.insert_resource(seats);
                }
                Err(e) => {
                    crate::errln!("host: {e}");
                    return 1;
                }
            }
            match web_started(&mut app) {
                Ok(w) => (session, w),
                Err(e) => {
                    crate::errln!("host: {e}");
                    return 1;
                }
            }
        }
    };
    if opts.resume.is_some() {
        resume_notes(args, &session, app.world().resource::<SeatRegistry>());
    }
    let players = {
        let mut seats = app.world_mut().resource_mut::<SeatRegistry>();
        let n = args.players.or(seats.players()).unwrap_or(1);
        seats.set_players(n);
        n
    };
    announce(
        &session,
        app.world().resource::<SeatRegistry>(),
        port,
        web.as_ref(),
    );
    let mut director = Director::new(players);
    director.release_after = Some(Duration::from_secs(args.rejoin_seconds));
    if opts.resume.is_some() {
        director.rejoin = Duration::from_secs(args.rejoin_seconds);
    }
    app.insert_resource(LanHost::new(port))
        .insert_resource(director)
        .insert_resource(Exercise::new(session));
    match app.run() {
        AppExit::Success => 0,
        AppExit::Error(c) => c.get() as i32,
    }
}

/// What a resume set aside and which options it did not follow, said before anything
/// else (the facilitator's window shows the torn tail on its screen).
fn resume_notes(args: &Args, session: &cbm_ttx_core::session::Session, seats: &SeatRegistry) {
    if let Some((t, side)) = session.torn() {
        crate::errln!(
            "note: the journal's last line (line {}) was cut off, probably by a crash, and was set aside in {}. Everything before it was restored.",
            t.line,
            side.display()
        );
    }
    if let Some(code) = &args.code
        && !code.trim().eq_ignore_ascii_case(&seats.code)
    {
        crate::errln!(
            "warning: --code {code} ignored: a resumed exercise keeps its join code {}, which participants already have",
            seats.code
        );
    }
    let seed = session.situation().seed();
    if let Some(asked) = args.seed
        && asked != seed
    {
        crate::errln!(
            "warning: --seed {asked} ignored: a resumed exercise keeps its seed {seed} (the journal's chance draws were made with it)"
        );
    }
}

fn announce(
    session: &cbm_ttx_core::session::Session,
    seats: &SeatRegistry,
    port: u16,
    web: Option<&JoinInfo>,
) {
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
    if let Some(w) = web {
        crate::outln!(
            "participants' browsers: {} (join code {})",
            w.url,
            seats.code
        );
        crate::outln!("board for a projector: {}", w.board_url);
        crate::outln!("QR code of the browser address:");
        crate::out!("{}", qr_text(&w.qr));
    }
    crate::outln!(
        "control key (for a remote facilitator console): {}",
        seats.control_key
    );
    if let Some(p) = session.journal_path() {
        crate::outln!("journal: {}", p.display());
    }
}

/// A QR code in a terminal: two modules per character cell, with a quiet zone.
fn qr_text(qr: &QrMatrix) -> String {
    let w = qr.width;
    let dark = |x: usize, y: usize| {
        x >= 2 && y >= 2 && x - 2 < w && y - 2 < w && qr.dark[(y - 2) * w + (x - 2)]
    };
    let mut out = String::new();
    let mut y = 0;
    while y < w + 4 {
        for x in 0..w + 4 {
            out.push(match (dark(x, y), dark(x, y + 1)) {
                (true, true) => ' ',
                (true, false) => '▄',
                (false, true) => '▀',
                (false, false) => '█',
            });
        }
        out.push('\n');
        y += 2;
    }
    out
}
