//! The host side: join codes, seat claims and reconnect tokens, commands from the
//! network into the exercise's session service, and each client's share of the
//! events and of the scenario text they disclose.
//!
//! Rules of the room, enforced here:
//! - a client holds at most one seat, and a seat at most one client; a State seat
//!   and the seats of its bodies exclude each other (one team plays a State whole,
//!   or its bodies play it between them);
//! - claims are idempotent: a client that asks again for the seat it already holds
//!   (a hello re-sent because the answer was slow) gets the same welcome again;
//! - a seat is released only by exercise control (a participant whose laptop
//!   restarts takes it back with its token), so nothing can orphan a seat;
//! - refused clients are disconnected; flooding is dropped, counted and answered
//!   once a second; the log gets a summary, never a line per datagram.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::time::Duration;

use bevy::prelude::*;
use bevy_replicon::prelude::*;
use bevy_replicon::server::ServerSystems;

use super::protocol::{ClientMsg, ClockState, PROTOCOL_VERSION, SeatInfo, ServerMsg};
use crate::exercise::Exercise;
use cbm_ttx_core::engine::{Command, Event, EventKind, Phase, Seat, disclose};
use cbm_ttx_core::journal;
use cbm_ttx_core::session::{RoundClock, Session};
use cbm_ttx_core::sim::bot_seed;

/// Messages a client may send per second before the rest are dropped.
pub const RATE_PER_SECOND: u32 = 40;
/// Dropped or unreadable messages after which a client is disconnected.
pub const STRIKES_TO_DISCONNECT: u32 = 500;
/// Events per message (a reconnecting seat gets its whole history in a few messages).
const CHUNK: usize = 256;
/// How often the counters of dropped traffic are logged (when they changed).
const SUMMARY_EVERY: Duration = Duration::from_secs(10);

/// What the host refused and dropped, for the facilitator and the logs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stats {
    pub malformed: u64,
    pub oversized: u64,
    pub flooded: u64,
    pub refused: u64,
    pub denied: u64,
    pub unauthorized: u64,
    pub commands: u64,
    pub disconnected: u64,
}

#[derive(Debug, Default)]
struct Peer {
    seat: Option<(Seat, String)>,
    /// Events of the record already considered for this peer.
    sent: usize,
    fresh: bool,
    window_start: f64,
    in_window: u32,
    /// Told it was throttled in this window.
    warned: bool,
    strikes: u32,
    denied: bool,
    /// The last clock state sent.
    clock: Option<Option<ClockState>>,
}

/// The host of a LAN exercise: its code, keys, tokens and connected clients.
#[derive(Resource, Debug)]
pub struct LanHost {
    pub code: String,
    pub control_key: String,
    pub port: u16,
    peers: HashMap<Entity, Peer>,
    /// Seat key → reconnect token.
    tokens: BTreeMap<String, String>,
    side_file: Option<PathBuf>,
    pub stats: Stats,
    seen: usize,
    logged: Stats,
    last_summary: f64,
    /// Host-side latency of network commands: received → events queued (seconds).
    pub handling: Vec<f64>,
}

/// What a host keeps beside its journal, so that after a restart the same code, the
/// same control key and every reconnect token still work.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct HostFile {
    code: String,
    control_key: String,
    tokens: BTreeMap<String, String>,
}

/// Why a host cannot start.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("{0}")]
    Random(String),
    #[error(
        "{path}: the host's side file (join code, control key, participants' reconnect tokens) cannot be read: {reason}. Resuming with a new code would lock every participant out; restore the file from a backup, or start a new exercise"
    )]
    SideFile { path: String, reason: String },
}

/// Where the host's side file of a journal is.
pub fn side_file(journal: &Path) -> PathBuf {
    let mut p = journal.as_os_str().to_owned();
    p.push(".host.json");
    PathBuf::from(p)
}

impl LanHost {
    /// A host for a new exercise journaled at `journal` (its side file sits beside
    /// it). A code given here is used; otherwise a random one is made.
    pub fn new(
        code: Option<String>,
        port: u16,
        journal: Option<&Path>,
    ) -> Result<LanHost, HostError> {
        let code = match code
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
        {
            Some(c) => c,
            None => super::random_code().map_err(HostError::Random)?,
        };
        let key = super::random_secret().map_err(HostError::Random)?;
        let host = LanHost::with(code, key, BTreeMap::new(), port, journal);
        host.save();
        Ok(host)
    }

    /// The host of a resumed exercise: the same code, control key and tokens as
    /// before, from the side file. A missing or unreadable side file is an error,
    /// never a silent new code.
    pub fn resume(port: u16, journal: &Path) -> Result<LanHost, HostError> {
        let path = side_file(journal);
        let shown = path.display().to_string();
        let bytes = std::fs::read(&path).map_err(|e| HostError::SideFile {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        let saved: HostFile = serde_json::from_slice(&bytes).map_err(|e| HostError::SideFile {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
        if saved.code.trim().is_empty() || saved.control_key.is_empty() {
            return Err(HostError::SideFile {
                path: shown,
                reason: "it holds no join code or control key".into(),
            });
        }
        Ok(LanHost::with(
            saved.code,
            saved.control_key,
            saved.tokens,
            port,
            Some(journal),
        ))
    }

    fn with(
        code: String,
        control_key: String,
        tokens: BTreeMap<String, String>,
        port: u16,
        journal: Option<&Path>,
    ) -> LanHost {
        LanHost {
            code,
            control_key,
            port,
            peers: HashMap::new(),
            tokens,
            side_file: journal.map(side_file),
            stats: Stats::default(),
            seen: 0,
            logged: Stats::default(),
            last_summary: 0.0,
            handling: Vec::new(),
        }
    }

    /// Seats held by someone on the network (by key), and whether they are connected now.
    pub fn seated(&self) -> Vec<(String, bool)> {
        self.tokens
            .keys()
            .map(|k| (k.clone(), self.holder(k).is_some()))
            .collect()
    }

    /// Connected clients (seated or not).
    pub fn clients(&self) -> usize {
        self.peers.len()
    }

    /// Are the clients of every held seat connected and sent everything?
    pub fn all_caught_up(&self, events: usize) -> bool {
        self.tokens.keys().all(|k| {
            self.peers
                .values()
                .any(|p| p.seat.as_ref().is_some_and(|(_, key)| key == k) && p.sent >= events)
        })
    }

    fn holder(&self, key: &str) -> Option<Entity> {
        self.peers
            .iter()
            .find(|(_, p)| p.seat.as_ref().is_some_and(|(_, k)| k == key))
            .map(|(e, _)| *e)
    }

    /// Write the side file atomically (a crash leaves the old file or the new one).
    fn save(&self) {
        let file = HostFile {
            code: self.code.clone(),
            control_key: self.control_key.clone(),
            tokens: self.tokens.clone(),
        };
        if let Some(f) = &self.side_file
            && let Ok(b) = serde_json::to_vec_pretty(&file)
            && let Err(e) = journal::write_atomic(f, &b)
        {
            warn!("cannot save the host's side file {}: {e}", f.display());
        }
    }

    /// Log the counters of refused and dropped traffic if they changed.
    fn summarise(&mut self, now: f64, force: bool) {
        if (force || now - self.last_summary >= SUMMARY_EVERY.as_secs_f64())
            && self.stats != self.logged
        {
            self.last_summary = now;
            self.logged = self.stats;
            let s = self.stats;
            info!(
                "network: {} commands, {} refused; dropped {} malformed, {} oversized, {} over the rate limit, {} unauthorised; {} clients turned away, {} disconnected",
                s.commands,
                s.refused,
                s.malformed,
                s.oversized,
                s.flooded,
                s.unauthorized,
                s.denied,
                s.disconnected
            );
        }
    }
}

pub struct LanHostPlugin;

impl Plugin for LanHostPlugin {
    fn build(&self, app: &mut App) {
        let ready = resource_exists::<LanHost>.and_then(resource_exists::<Exercise>);
        app.add_systems(
            PreUpdate,
            (forget_disconnected, receive)
                .chain()
                .after(ServerSystems::Receive)
                .run_if(ready.clone()),
        )
        .add_systems(
            PostUpdate,
            broadcast.before(ServerSystems::Send).run_if(ready),
        );
    }
}

fn send(out: &mut MessageWriter<ToClients<ServerMsg>>, to: Entity, message: ServerMsg) {
    out.write(ToClients {
        targets: SendTargets::Single(ClientId::Client(to)),
        message,
    });
}

/// Two seats that cannot be held at once: the same, or a State and one of its bodies.
fn overlap(a: Seat, b: Seat) -> bool {
    match (a, b) {
        (Seat::State(s), Seat::Body(x)) | (Seat::Body(x), Seat::State(s)) => x.state == s,
        _ => a == b,
    }
}

fn seats_list(session: &Session, host: &LanHost, reason: Option<String>) -> ServerMsg {
    let s = session.scenario();
    let lang = session.settings().lang;
    let held: Vec<Seat> = host
        .tokens
        .keys()
        .filter_map(|k| Seat::parse(k, s))
        .collect();
    ServerMsg::Seats {
        title: s.title.get(lang).to_owned(),
        seats: Seat::all_player_seats(s)
            .into_iter()
            .map(|seat| SeatInfo {
                taken: held.iter().any(|h| overlap(*h, seat)),
                label: seat.label(s, lang),
                key: seat.key(s),
            })
            .collect(),
        reason,
    }
}

fn forget_disconnected(mut gone: RemovedComponents<ConnectedClient>, mut host: ResMut<LanHost>) {
    for e in gone.read() {
        if host.peers.remove(&e).is_some() {
            host.stats.disconnected += 1;
        }
    }
}

fn receive(
    mut inbox: MessageReader<FromClient<ClientMsg>>,
    mut host: ResMut<LanHost>,
    mut ex: ResMut<Exercise>,
    mut out: MessageWriter<ToClients<ServerMsg>>,
    mut kick: MessageWriter<DisconnectRequest>,
    time: Res<Time<Real>>,
) {
    let now = time.elapsed_secs_f64();
    for FromClient { client_id, message } in inbox.read() {
        let Some(client) = client_id.entity() else {
            continue;
        };
        let started = std::time::Instant::now();
        let host = &mut *host;
        let peer = host.peers.entry(client).or_default();
        // Flooding: count, drop, tell the sender once a second, and eventually disconnect.
        if now - peer.window_start >= 1.0 {
            peer.window_start = now;
            peer.in_window = 0;
            peer.warned = false;
        }
        peer.in_window += 1;
        if peer.in_window > RATE_PER_SECOND {
            host.stats.flooded += 1;
            peer.strikes += 1;
            if !peer.warned {
                peer.warned = true;
                send(
                    &mut out,
                    client,
                    ServerMsg::Refused {
                        reason: format!(
                            "too many messages: at most {RATE_PER_SECOND} a second; the rest were dropped"
                        ),
                    },
                );
            }
        } else {
            match message {
                ClientMsg::Malformed { .. } => {
                    host.stats.malformed += 1;
                    peer.strikes += 1;
                }
                ClientMsg::Oversized { .. } => {
                    host.stats.oversized += 1;
                    peer.strikes += 1;
                }
                _ if peer.denied => {
                    host.stats.unauthorized += 1;
                    peer.strikes += 1;
                }
                ClientMsg::Hello {
                    protocol,
                    code,
                    name,
                    seat,
                    token,
                    control_key,
                } => {
                    let hello = Hello {
                        protocol: *protocol,
                        code,
                        name,
                        seat: seat.as_deref(),
                        token: token.as_deref(),
                        control_key: control_key.as_deref(),
                    };
                    if let Err(reason) = hello_from(host, &mut ex.session, &mut out, client, hello)
                    {
                        host.stats.denied += 1;
                        if let Some(p) = host.peers.get_mut(&client) {
                            p.denied = true;
                        }
                        send(&mut out, client, ServerMsg::Denied { reason });
                        // Turned away: let the answer go out, then close the connection.
                        kick.write(DisconnectRequest { client });
                    }
                }
                ClientMsg::Act { cmd } => match peer.seat.as_ref().map(|(s, _)| *s) {
                    None => {
                        host.stats.unauthorized += 1;
                        peer.strikes += 1;
                    }
                    Some(seat) => {
                        host.stats.commands += 1;
                        // The engine checks the seat and the phase.
                        if let Err(e) = ex.session.command(seat, cmd.clone()) {
                            host.stats.refused += 1;
                            send(
                                &mut out,
                                client,
                                ServerMsg::Refused {
                                    reason: e.to_string(),
                                },
                            );
                        }
                        host.handling.push(started.elapsed().as_secs_f64());
                    }
                },
            }
        }
        if host
            .peers
            .get(&client)
            .is_some_and(|p| p.strikes > STRIKES_TO_DISCONNECT)
        {
            host.peers.remove(&client);
            host.stats.disconnected += 1;
            kick.write(DisconnectRequest { client });
        }
    }
    host.summarise(now, false);
}

/// What a client says when it arrives.
struct Hello<'a> {
    protocol: u32,
    code: &'a str,
    name: &'a str,
    seat: Option<&'a str>,
    token: Option<&'a str>,
    control_key: Option<&'a str>,
}

/// Seat a client, or say why not (Err: turn it away for good).
fn hello_from(
    host: &mut LanHost,
    session: &mut Session,
    out: &mut MessageWriter<ToClients<ServerMsg>>,
    client: Entity,
    h: Hello,
) -> Result<(), String> {
    if h.protocol != PROTOCOL_VERSION {
        return Err(format!(
            "this host speaks protocol {PROTOCOL_VERSION}, the client {}: use the same cbm-ttx version",
            h.protocol
        ));
    }
    if !h.code.trim().eq_ignore_ascii_case(&host.code) {
        return Err("wrong join code".into());
    }
    let scenario = session.scenario().clone();
    // The facilitator's own console.
    if let Some(k) = h.control_key {
        if k != host.control_key {
            return Err("wrong control key".into());
        }
        bind(
            host,
            session,
            out,
            client,
            Seat::Control,
            "control".into(),
            String::new(),
        );
        return Ok(());
    }
    let held = host.peers.get(&client).and_then(|p| p.seat.clone());
    // A returning seat: its token is its claim.
    if let Some(t) = h.token
        && let Some(key) = host
            .tokens
            .iter()
            .find(|(_, v)| v.as_str() == t)
            .map(|(k, _)| k.clone())
        && let Some(s) = Seat::parse(&key, &scenario)
    {
        if let Some((_, mine)) = &held
            && *mine != key
        {
            send(
                out,
                client,
                seats_list(
                    session,
                    host,
                    Some(format!("this connection already holds {mine}")),
                ),
            );
            return Ok(());
        }
        // An older connection of the same seat (a laptop that came back) loses it.
        for (e, p) in host.peers.iter_mut() {
            if *e != client && p.seat.as_ref().is_some_and(|(_, k)| *k == key) {
                p.seat = None;
            }
        }
        bind(host, session, out, client, s, key, t.to_owned());
        return Ok(());
    }
    let Some(wanted) = h.seat else {
        send(out, client, seats_list(session, host, None));
        return Ok(());
    };
    let Some(s) =
        Seat::parse(wanted, &scenario).filter(|s| matches!(s, Seat::State(_) | Seat::Body(_)))
    else {
        let why = format!("there is no seat \"{wanted}\"");
        send(out, client, seats_list(session, host, Some(why)));
        return Ok(());
    };
    let key = s.key(&scenario);
    // The same claim again (the first answer was slow): the same welcome.
    if let Some((seat, mine)) = &held {
        if *mine == key {
            let token = host.tokens.get(&key).cloned().unwrap_or_default();
            bind(host, session, out, client, *seat, key, token);
        } else {
            let why = format!(
                "this connection holds {} already; ask exercise control to free it to change seats",
                seat.label(&scenario, session.settings().lang)
            );
            send(out, client, seats_list(session, host, Some(why)));
        }
        return Ok(());
    }
    let taken = host
        .tokens
        .keys()
        .filter_map(|k| Seat::parse(k, &scenario))
        .find(|h| overlap(*h, s));
    if let Some(other) = taken {
        let lang = session.settings().lang;
        let why = if other == s {
            format!("{} is taken", s.label(&scenario, lang))
        } else {
            format!(
                "{} cannot be taken while {} is held",
                s.label(&scenario, lang),
                other.label(&scenario, lang)
            )
        };
        send(out, client, seats_list(session, host, Some(why)));
        return Ok(());
    }
    if session.situation().phase() == Phase::Ended {
        return Err("the exercise has ended".into());
    }
    let name = if h.name.trim().is_empty() {
        "participant".to_owned()
    } else {
        h.name.trim().chars().take(80).collect()
    };
    // The claim goes into the journal like any seat assignment.
    if let Err(e) = session.command(Seat::Control, Command::TakeSeat { seat: s, name }) {
        send(out, client, seats_list(session, host, Some(e.to_string())));
        return Ok(());
    }
    let token = super::random_secret()?;
    host.tokens.insert(key.clone(), token.clone());
    host.save();
    bind(host, session, out, client, s, key, token);
    Ok(())
}

fn bind(
    host: &mut LanHost,
    session: &Session,
    out: &mut MessageWriter<ToClients<ServerMsg>>,
    client: Entity,
    seat: Seat,
    key: String,
    token: String,
) {
    let peer = host.peers.entry(client).or_default();
    peer.seat = Some((seat, key.clone()));
    peer.sent = 0;
    peer.fresh = true;
    peer.clock = None;
    info!("{key} joined");
    let scenario = if seat == Seat::Control {
        session.scenario().clone()
    } else {
        session.public().clone()
    };
    send(
        out,
        client,
        ServerMsg::Welcome {
            seat,
            seat_key: key.clone(),
            token,
            scenario: Box::new((*scenario).clone()),
            lang: session.settings().lang,
            bot_seed: bot_seed(session.game().seed(), &key),
        },
    );
}

fn clock_state(c: Option<RoundClock>) -> Option<ClockState> {
    c.map(|c| ClockState {
        length_ms: c.length.as_millis() as u64,
        remaining_ms: c.remaining.as_millis() as u64,
        running: c.running,
    })
}

/// Send every seat the new events it may see with what they disclose, and the clock
/// when it changed; act on seats control freed.
fn broadcast(
    mut host: ResMut<LanHost>,
    mut ex: ResMut<Exercise>,
    mut out: MessageWriter<ToClients<ServerMsg>>,
) {
    // Nothing leaves the host before it is on disk.
    ex.sync();
    let session = &ex.session;
    let events = session.events();
    let host = &mut *host;
    release_freed_seats(host, session, &mut out);
    host.seen = events.len();
    let clock = clock_state(session.clock());
    for (client, peer) in host.peers.iter_mut() {
        let Some((seat, _)) = peer.seat.as_ref().map(|(s, k)| (*s, k.clone())) else {
            continue;
        };
        let start = peer.sent.min(events.len());
        let visible: Vec<&Event> = events[start..]
            .iter()
            .filter(|e| e.audience.includes(seat))
            .collect();
        peer.sent = events.len();
        if !visible.is_empty() || peer.fresh {
            let mut reset = std::mem::take(&mut peer.fresh);
            let chunks: Vec<&[&Event]> = if visible.is_empty() {
                vec![&[]]
            } else {
                visible.chunks(CHUNK).collect()
            };
            for chunk in chunks {
                let disclosures = chunk
                    .iter()
                    .map(|e| disclose::disclose(session.scenario(), seat, e))
                    .collect();
                send(
                    &mut out,
                    *client,
                    ServerMsg::Events {
                        reset,
                        events: chunk.iter().map(|e| (*e).clone()).collect(),
                        disclosures,
                    },
                );
                reset = false;
            }
        }
        // The clock: on every change of state, and every few seconds while it runs.
        let stale = match (peer.clock, clock) {
            (Some(Some(old)), Some(new)) => {
                old.running != new.running
                    || old.length_ms != new.length_ms
                    || old.remaining_ms.abs_diff(new.remaining_ms) >= 5_000
            }
            (Some(old), new) => old.is_some() != new.is_some(),
            (None, _) => true,
        };
        if stale {
            peer.clock = Some(clock);
            send(&mut out, *client, ServerMsg::Clock(clock));
        }
    }
}

/// Control freed a seat: its token is void and whoever held it must pick again.
fn release_freed_seats(
    host: &mut LanHost,
    session: &Session,
    out: &mut MessageWriter<ToClients<ServerMsg>>,
) {
    let events = session.events();
    for e in &events[host.seen.min(events.len())..] {
        let EventKind::SeatFreed { seat } = &e.kind else {
            continue;
        };
        let key = seat.key(session.scenario());
        if host.tokens.remove(&key).is_some() {
            host.save();
        }
        let freed: Vec<Entity> = host
            .peers
            .iter()
            .filter(|(_, p)| p.seat.as_ref().is_some_and(|(_, k)| *k == key))
            .map(|(e, _)| *e)
            .collect();
        for c in freed {
            if let Some(p) = host.peers.get_mut(&c) {
                p.seat = None;
            }
            let reason = Some("exercise control freed your seat".into());
            send(out, c, seats_list(session, host, reason));
        }
    }
}

/// Log the final counters (when the host stops).
pub fn final_summary(host: &mut LanHost) {
    host.summarise(f64::MAX, true);
}
