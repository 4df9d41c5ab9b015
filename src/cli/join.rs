//! `cbm-ttx join ADDR --code CODE`: the participant app, or headless bot clients.

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use bevy::prelude::*;
use bevy::state::app::StatesPlugin;
use bevy_replicon_renet::RepliconRenetPlugins;

use crate::net::client::{BotOutcome, LanClient, LanClientPlugin, Status};
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
    /// With --bot: give up after this many seconds (until then, bots keep trying to
    /// reach a host that is not up yet, died or restarts).
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

/// The most bot processes one data directory serves at once.
const MAX_BOT_SETS: u32 = 1000;

/// This process's bot set. Each bot process holds the lock of the lowest free set
/// number for its lifetime (the OS lets go of it when the process dies, even by
/// `kill -9`), keeps its bots' reconnect tokens in that set's own file, and names its
/// bots with the number ("bot 2.7"). Several processes on one machine never share
/// names or tokens, and a restarted process takes the lowest free set, so the one it
/// had: its own seats back, never another process's.
struct BotSet {
    number: u32,
    tokens_path: PathBuf,
    tokens: BTreeMap<String, String>,
    _lock: std::fs::File,
}

impl BotSet {
    fn take(dir: &Path) -> Result<BotSet, String> {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        for number in 1..=MAX_BOT_SETS {
            let lock_path = dir.join(format!("set-{number}.lock"));
            let lock = std::fs::OpenOptions::new()
                .create(true)
                .truncate(false)
                .write(true)
                .open(&lock_path)
                .map_err(|e| format!("{}: {e}", lock_path.display()))?;
            match lock.try_lock() {
                Ok(()) => {}
                Err(std::fs::TryLockError::WouldBlock) => continue,
                Err(std::fs::TryLockError::Error(e)) => {
                    return Err(format!("cannot lock {}: {e}", lock_path.display()));
                }
            }
            let tokens_path = dir.join(format!("set-{number}.json"));
            let tokens = match std::fs::read(&tokens_path) {
                Ok(b) => serde_json::from_slice(&b).map_err(|e| {
                    format!("{} is damaged ({e}): remove it", tokens_path.display())
                })?,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => BTreeMap::new(),
                Err(e) => return Err(format!("{}: {e}", tokens_path.display())),
            };
            return Ok(BotSet {
                number,
                tokens_path,
                tokens,
                _lock: lock,
            });
        }
        Err(format!(
            "{MAX_BOT_SETS} bot processes already run with the data directory {}",
            dir.display()
        ))
    }

    /// Written whole, to a temporary file synced and renamed over the old one.
    fn save(&self) {
        if let Ok(b) = serde_json::to_vec_pretty(&self.tokens)
            && let Err(e) = cbm_ttx_core::files::write_atomic(&self.tokens_path, &b)
        {
            crate::errln!(
                "join: cannot keep the bots' reconnect tokens in {}: {e}",
                self.tokens_path.display()
            );
        }
    }
}

/// Where bot processes keep their set locks and reconnect tokens.
pub fn bot_sets_dir(data: &Path) -> PathBuf {
    data.join("bots")
}

fn token_key(addr: SocketAddr, code: &str, name: &str) -> String {
    format!("{addr} {} {name}", code.trim().to_uppercase())
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

/// One headless bot of this process.
struct Bot {
    name: String,
    app: Option<App>,
    failed: Option<String>,
    finished: bool,
    last_update: Instant,
    kept: Option<String>,
    seated_at: Option<String>,
}

/// How often a bot whose seat claim is unanswered looks for the answer.
const CLAIM_FRAME: Duration = Duration::from_millis(10);

/// Headless bots: each takes the given seat or a free one, plays, and stops when the
/// exercise ends. Several share this thread, updated in turn; one that fails does not
/// stop the others, and the process says at the end which failed and why.
fn bots(args: &Args, addr: SocketAddr, policy: Policy) -> i32 {
    let mut set = match BotSet::take(&bot_sets_dir(&crate::storage::data_dir())) {
        Ok(s) => s,
        Err(e) => {
            crate::errln!("join: {e}");
            return 1;
        }
    };
    crate::errln!(
        "bots: set {}, reconnect tokens in {}",
        set.number,
        set.tokens_path.display()
    );
    let frame = Duration::from_millis(args.frame_ms.max(1));
    let mut bots = Vec::new();
    for i in 0..args.count {
        let seat = if args.count == 1 {
            args.seat.clone()
        } else {
            None
        };
        let name = match (&args.name, args.count) {
            (Some(name), 1) => name.clone(),
            (Some(name), _) => format!("{name} {}.{}", set.number, i + 1),
            (None, _) => format!("{} bot {}.{}", policy.name(), set.number, i + 1),
        };
        let token = set.tokens.get(&token_key(addr, &args.code, &name)).cloned();
        let mut bot = Bot {
            name: name.clone(),
            app: None,
            failed: None,
            finished: false,
            last_update: Instant::now() - frame,
            kept: None,
            seated_at: None,
        };
        match bot_app(addr, &args.code, seat, name, Some(policy)) {
            Ok(mut a) => {
                let mut c = a.world_mut().resource_mut::<LanClient>();
                // A restarted bot takes its own seat back.
                c.token = token;
                c.prefer_bodies = args.bodies;
                bot.app = Some(a);
            }
            Err(e) => bot.failed = Some(e),
        }
        bots.push(bot);
    }
    let started = Instant::now();
    let deadline = started + Duration::from_secs(args.timeout);
    let mut warned = false;
    let (mut loops, mut busy) = (0u64, Duration::ZERO);
    loop {
        let t0 = Instant::now();
        let mut running = 0;
        for bot in bots.iter_mut() {
            let Some(app) = bot.app.as_mut() else {
                continue;
            };
            if bot.finished || bot.failed.is_some() {
                continue;
            }
            match app.world().get_resource::<BotOutcome>() {
                Some(BotOutcome::Finished) => {
                    bot.finished = true;
                    continue;
                }
                Some(BotOutcome::Failed(why)) => {
                    bot.failed = Some(why.clone());
                    continue;
                }
                None => {}
            }
            running += 1;
            // Like a person's app, a bot updates at a steady rate (not as fast as it can:
            // a hundred clients spinning would flood the host's socket) — except while
            // its claim is unanswered: the host has journaled the seat as soon as it
            // answers, and the token must be kept before anything can kill this process.
            let due = if app.world().resource::<LanClient>().claim_in_flight() {
                frame.min(CLAIM_FRAME)
            } else {
                frame
            };
            if bot.last_update.elapsed() >= due {
                bot.last_update = Instant::now();
                app.update();
                // Keep the token in the frame it came in, before any other bot's frame.
                let c = app.world().resource::<LanClient>();
                if c.token.is_some() && bot.kept != c.token {
                    bot.kept = c.token.clone();
                    if let (Some(a), Some(t)) = (c.addr, &c.token) {
                        set.tokens.insert(token_key(a, &c.code, &c.name), t.clone());
                        set.save();
                    }
                }
            }
        }
        // Said once the token is kept: the seat is this bot's to take back.
        for bot in bots.iter_mut() {
            let Some(app) = &bot.app else { continue };
            let c = app.world().resource::<LanClient>();
            if c.status == Status::Seated && bot.seated_at != c.wanted {
                bot.seated_at = c.wanted.clone();
                crate::outln!(
                    "{}: seated at {}",
                    bot.name,
                    c.wanted.as_deref().unwrap_or_default()
                );
            }
        }
        loops += 1;
        busy += t0.elapsed();
        if running == 0 {
            break;
        }
        if !warned && started.elapsed() > Duration::from_secs(8) && !any_connected(&bots) {
            warned = true;
            crate::errln!(
                "join: no answer yet from the host at {addr} (is it running, and is UDP port {} open?); trying for up to {} s",
                addr.port(),
                args.timeout
            );
        }
        if Instant::now() > deadline {
            let reachable = any_connected(&bots);
            for bot in bots
                .iter_mut()
                .filter(|b| !b.finished && b.failed.is_none())
            {
                let c = bot.app.as_ref().map(|a| a.world().resource::<LanClient>());
                bot.failed = Some(match c {
                    Some(c) if !c.ever_connected() && !reachable => format!(
                        "cannot reach the host at {addr} (is it running, and is UDP port {} open?): gave up after {} s",
                        addr.port(),
                        args.timeout
                    ),
                    Some(c) => format!(
                        "gave up after {} s: seat {:?}, status {:?}, phase {:?}, refused {:?}, {} events",
                        args.timeout,
                        c.wanted,
                        c.status,
                        c.view.as_ref().map(|v| (v.round, v.phase)),
                        c.refused,
                        c.received
                    ),
                    None => format!("gave up after {} s", args.timeout),
                });
            }
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
    let mut lat: Vec<f64> = bots
        .iter()
        .filter_map(|b| b.app.as_ref())
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
    for bot in bots.iter().filter(|b| b.finished) {
        let Some(app) = &bot.app else { continue };
        let c = app.world().resource::<LanClient>();
        crate::outln!(
            "{}: the exercise ended; {} events seen ({})",
            c.wanted.clone().unwrap_or_default(),
            c.received,
            bot.name
        );
    }
    let failed: Vec<&Bot> = bots.iter().filter(|b| b.failed.is_some()).collect();
    if failed.is_empty() {
        return 0;
    }
    crate::errln!("join: {} of {} bots failed:", failed.len(), bots.len());
    for bot in failed {
        crate::errln!(
            "  {}: {}",
            bot.name,
            bot.failed.as_deref().unwrap_or_default()
        );
    }
    2
}

fn any_connected(bots: &[Bot]) -> bool {
    bots.iter()
        .filter_map(|b| b.app.as_ref())
        .any(|a| a.world().resource::<LanClient>().ever_connected())
}
