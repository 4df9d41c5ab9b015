//! `cbm-ttx join ADDR --code CODE`: the participant app, or headless bot clients.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy_replicon_renet::RepliconRenetPlugins;

use crate::net::client::{BotOutcome, LanClient, LanClientPlugin};
use crate::net::setup::resolve;
use crate::net::{JoinOptions, NetProtocolPlugin, transport};
use cbm_ttx_core::sim::Policy;

#[derive(Debug, Clone, clap::Args)]
pub struct Args {
    /// The host: an address or name, with or without `:port`.
    pub addr: String,
    /// The participant app's window (not used by --bot).
    #[command(flatten)]
    pub window: super::play::WindowArgs,
    /// The join code the facilitator gave.
    #[arg(long)]
    pub code: String,
    /// The seat to take, e.g. `ardenia` or `ardenia/cert` (default: choose on screen).
    #[arg(long)]
    pub seat: Option<String>,
    /// Your name (it appears in the facilitator's lobby and the report).
    #[arg(long)]
    pub name: Option<String>,
    /// Run a headless bot client with this policy instead of the app.
    #[arg(long, value_parser = super::parse_policy)]
    pub bot: Option<Policy>,
    /// With --bot: run this many bot clients in this process (for load tests).
    #[arg(long, default_value_t = 1, requires = "bot")]
    pub count: usize,
    /// With --bot: give up after this many seconds.
    #[arg(long, default_value_t = 3600, requires = "bot")]
    pub timeout: u64,
    /// With --bot: write command-to-event latencies (seconds, JSON) here.
    #[arg(long, requires = "bot")]
    pub latencies: Option<PathBuf>,
    /// With --bot and no --seat: take body seats rather than State seats (load tests).
    #[arg(long, requires = "bot")]
    pub bodies: bool,
    /// With --bot: update each bot this often, milliseconds (a person's app: 50).
    #[arg(long, default_value_t = 10, requires = "bot")]
    pub frame_ms: u64,
    /// Connect as exercise control with the host's control key (printed by `host`).
    #[arg(long)]
    pub control_key: Option<String>,
    /// With --control-key: free this seat (e.g. `ardenia`) for someone else, and exit.
    #[arg(long, requires = "control_key")]
    pub free: Option<String>,
}

impl Args {
    pub fn options(&self) -> JoinOptions {
        JoinOptions {
            addr: self.addr.clone(),
            code: self.code.clone(),
            seat: self.seat.clone(),
            name: self.name.clone(),
        }
    }
}

pub fn run(args: &Args) -> i32 {
    let addr = match resolve(&args.addr) {
        Ok(a) => a,
        Err(e) => {
            crate::errln!("join: {e}");
            return 1;
        }
    };
    if let (Some(key), Some(seat)) = (&args.control_key, &args.free) {
        return free_seat(args, addr, key, seat);
    }
    match args.bot {
        None => crate::app::run(crate::app::AppOptions {
            join: Some(args.options()),
            scale: args.window.scale,
            size: args.window.size,
            ..Default::default()
        }),
        Some(policy) => bots(args, addr, policy),
    }
}

/// Where headless bots keep their reconnect tokens, so that a restarted bot takes
/// its own seat back (keyed by host, code and the bot's name).
fn bot_tokens() -> PathBuf {
    crate::storage::data_dir().join("bot-tokens.json")
}

fn token_key(addr: SocketAddr, code: &str, name: &str) -> String {
    format!("{addr} {} {name}", code.trim().to_uppercase())
}

fn read_tokens() -> std::collections::BTreeMap<String, String> {
    std::fs::read(bot_tokens())
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default()
}

fn save_tokens(tokens: &std::collections::BTreeMap<String, String>) {
    let path = bot_tokens();
    if let Some(dir) = path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    if let Ok(b) = serde_json::to_vec_pretty(tokens)
        && let Err(e) = cbm_ttx_core::files::write_atomic(&path, &b)
    {
        crate::errln!(
            "join: cannot keep the bots' reconnect tokens in {}: {e}",
            path.display()
        );
    }
}

/// Exercise control frees a seat on a host (a headless one has no console).
fn free_seat(args: &Args, addr: SocketAddr, key: &str, seat: &str) -> i32 {
    let mut app = match bot_app(addr, &args.code, None, "control".into(), None) {
        Ok(a) => a,
        Err(e) => {
            crate::errln!("join: {e}");
            return 1;
        }
    };
    app.world_mut().resource_mut::<LanClient>().control_key = Some(key.to_owned());
    let deadline = Instant::now() + Duration::from_secs(20);
    let mut sent = false;
    while Instant::now() < deadline {
        app.update();
        let c = app.world().resource::<LanClient>();
        if let crate::net::client::Status::Denied(why) = &c.status {
            crate::errln!("join: {why}");
            return 1;
        }
        if let Some(r) = &c.refused {
            crate::errln!("join: the host refused: {r}");
            return 1;
        }
        let Some(view) = &c.view else {
            std::thread::sleep(Duration::from_millis(10));
            continue;
        };
        let Some(target) = cbm_ttx_core::engine::Seat::parse(seat, view.scenario()) else {
            crate::errln!("join: there is no seat \"{seat}\"");
            return 1;
        };
        let freed = view.events.iter().rev().find_map(|e| match e.kind {
            cbm_ttx_core::engine::EventKind::SeatFreed { seat } if seat == target => Some(e.seq),
            _ => None,
        });
        if sent && freed.is_some() {
            crate::outln!("{seat} is free");
            return 0;
        }
        if !sent {
            sent = true;
            app.world_mut().write_message(crate::net::client::Outgoing(
                cbm_ttx_core::engine::Command::FreeSeat { seat: target },
            ));
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    crate::errln!("join: no answer from the host at {addr}");
    1
}

fn bot_app(
    addr: SocketAddr,
    code: &str,
    seat: Option<String>,
    name: String,
    policy: Option<Policy>,
) -> Result<App, String> {
    let mut app = App::new();
    app.add_plugins((
        MinimalPlugins,
        StatesPlugin,
        NetProtocolPlugin,
        RepliconRenetPlugins,
        LanClientPlugin,
    ))
    .insert_resource(LanClient::new(
        Some(addr),
        code.to_owned(),
        name,
        seat,
        policy,
    ));
    app.finish();
    app.cleanup();
    // Many bots share one thread: a single-threaded executor per app avoids handing
    // every tiny system to the task pool (an order of magnitude cheaper per update).
    for (_, schedule) in app.world_mut().resource_mut::<Schedules>().iter_mut() {
        schedule.set_executor(bevy::ecs::schedule::SingleThreadedExecutor::new());
    }
    transport::start_client(app.world_mut(), addr)?;
    Ok(app)
}

/// Headless bots: each takes the given seat or the first free one, plays, and
/// stops when the exercise ends. Several share this thread, updated in turn.
fn bots(args: &Args, addr: SocketAddr, policy: Policy) -> i32 {
    let mut tokens = read_tokens();
    let mut apps = Vec::new();
    for i in 0..args.count {
        let seat = if args.count == 1 {
            args.seat.clone()
        } else {
            None
        };
        let name = args
            .name
            .clone()
            .unwrap_or_else(|| format!("{} bot {}", policy.name(), i + 1));
        let token = tokens.get(&token_key(addr, &args.code, &name)).cloned();
        match bot_app(addr, &args.code, seat, name, Some(policy)) {
            Ok(mut a) => {
                let mut c = a.world_mut().resource_mut::<LanClient>();
                // A restarted bot takes its own seat back.
                c.token = token;
                c.prefer_bodies = args.bodies;
                apps.push(a)
            }
            Err(e) => {
                crate::errln!("join: {e}");
                return 1;
            }
        }
    }
    let deadline = Instant::now() + Duration::from_secs(args.timeout);
    let mut failed: Option<String> = None;
    let (mut loops, mut busy) = (0u64, Duration::ZERO);
    let frame = Duration::from_millis(args.frame_ms.max(1));
    let mut last_update = vec![Instant::now() - frame; apps.len()];
    let mut kept: Vec<Option<String>> = vec![None; apps.len()];
    loop {
        let t0 = Instant::now();
        let mut running = 0;
        for (app, last) in apps.iter_mut().zip(last_update.iter_mut()) {
            match app.world().get_resource::<BotOutcome>() {
                Some(BotOutcome::Finished) => continue,
                Some(BotOutcome::Failed(why)) => {
                    failed.get_or_insert_with(|| why.clone());
                    continue;
                }
                None => {}
            }
            running += 1;
            // Like a person's app, a bot updates at a steady rate (not as fast as it can:
            // a hundred clients spinning would flood the host's socket).
            if last.elapsed() >= frame {
                *last = Instant::now();
                app.update();
            }
        }
        // Keep each bot's token as soon as it has one.
        let mut changed = false;
        for (app, kept) in apps.iter().zip(kept.iter_mut()) {
            let c = app.world().resource::<LanClient>();
            if c.token.is_some() && *kept != c.token {
                *kept = c.token.clone();
                if let (Some(a), Some(t)) = (c.addr, &c.token) {
                    tokens.insert(token_key(a, &c.code, &c.name), t.clone());
                    changed = true;
                }
            }
        }
        if changed {
            save_tokens(&tokens);
        }
        loops += 1;
        busy += t0.elapsed();
        if running == 0 || failed.is_some() {
            break;
        }
        if Instant::now() > deadline {
            failed = Some(format!("gave up after {} s", args.timeout));
            break;
        }
        std::thread::sleep(Duration::from_millis(1));
    }
    if loops > 0 {
        crate::errln!(
            "bots: {} update loops, {:.2} ms of work per loop",
            loops,
            busy.as_secs_f64() * 1000.0 / loops as f64
        );
    }
    let mut lat: Vec<f64> = apps
        .iter()
        .flat_map(|a| a.world().resource::<LanClient>().latencies.clone())
        .collect();
    if let Some(line) = crate::net::latency_line("command to visible event", "samples", &mut lat) {
        crate::outln!("{line}");
    }
    if let Some(p) = &args.latencies
        && let Err(e) = std::fs::write(p, serde_json::to_vec(&lat).unwrap_or_default())
    {
        crate::errln!("join: {}: {e}", p.display());
    }
    match failed {
        Some(why) => {
            crate::errln!("join: {why}");
            for app in &apps {
                let c = app.world().resource::<LanClient>();
                if app.world().get_resource::<BotOutcome>().is_none() {
                    crate::errln!(
                        "  unfinished: seat {:?}, status {:?}, phase {:?}, refused {:?}, {} events",
                        c.wanted,
                        c.status,
                        c.view.as_ref().map(|v| (v.round, v.phase)),
                        c.refused,
                        c.received
                    );
                }
            }
            2
        }
        None => {
            for app in &apps {
                let c = app.world().resource::<LanClient>();
                crate::outln!(
                    "{}: the exercise ended; {} events seen",
                    c.wanted.clone().unwrap_or_default(),
                    c.received
                );
            }
            0
        }
    }
}
