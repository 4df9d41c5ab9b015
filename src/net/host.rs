//! The host side: join codes, seat claims and reconnect tokens, commands from the
//! network into the engine, and each client's share of the events.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;

use bevy::prelude::*;
use bevy_replicon::prelude::*;
use bevy_replicon::server::ServerSystems;

use super::protocol::{self, ClientMsg, PROTOCOL_VERSION, SeatInfo, ServerMsg};
use crate::app::session::Session;
use cbm_ttx_core::engine::{Command, EventKind, Seat};

/// Messages a client may send per second before the rest are dropped.
pub const RATE_PER_SECOND: u32 = 40;
/// Dropped or unreadable messages after which a client is disconnected.
pub const STRIKES_TO_DISCONNECT: u32 = 500;
/// Events per message (a reconnecting seat gets its whole history in a few messages).
const CHUNK: usize = 256;

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
    strikes: u32,
    denied: bool,
}

#[derive(Resource, Debug)]
pub struct LanHost {
    pub code: String,
    pub control_key: String,
    pub port: u16,
    peers: HashMap<Entity, Peer>,
    /// Seat key → reconnect token.
    tokens: BTreeMap<String, String>,
    tokens_file: Option<PathBuf>,
    pub stats: Stats,
    seen: usize,
}

/// What a host keeps beside its journal, so that after a restart the same code, the
/// same control key and every reconnect token still work.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct HostFile {
    code: String,
    control_key: String,
    tokens: BTreeMap<String, String>,
}

impl LanHost {
    /// `journal`: the session's journal; the host's file sits beside it. A code given
    /// here wins over the one on file; without either a random one is made.
    pub fn new(code: Option<String>, port: u16, journal: Option<&std::path::Path>) -> LanHost {
        let tokens_file = journal.map(|j| {
            let mut p = j.as_os_str().to_owned();
            p.push(".host.json");
            PathBuf::from(p)
        });
        let saved: HostFile = tokens_file
            .as_ref()
            .and_then(|f| std::fs::read(f).ok())
            .and_then(|b| serde_json::from_slice(&b).ok())
            .unwrap_or_default();
        let code = code
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
            .or((!saved.code.is_empty()).then_some(saved.code))
            .unwrap_or_else(super::random_code);
        let control_key = if saved.control_key.is_empty() {
            super::random_secret()
        } else {
            saved.control_key
        };
        let host = LanHost {
            code,
            control_key,
            port,
            peers: HashMap::new(),
            tokens: saved.tokens,
            tokens_file,
            stats: Stats::default(),
            seen: 0,
        };
        host.save_tokens();
        host
    }

    /// Seats held by someone on the network (by key), and whether they are connected now.
    pub fn seated(&self) -> Vec<(String, bool)> {
        self.tokens
            .keys()
            .map(|k| {
                (
                    k.clone(),
                    self.peers
                        .values()
                        .any(|p| p.seat.as_ref().is_some_and(|(_, key)| key == k)),
                )
            })
            .collect()
    }

    /// Connected clients (seated or not).
    pub fn clients(&self) -> usize {
        self.peers.len()
    }

    fn save_tokens(&self) {
        let file = HostFile {
            code: self.code.clone(),
            control_key: self.control_key.clone(),
            tokens: self.tokens.clone(),
        };
        if let Some(f) = &self.tokens_file
            && let Ok(b) = serde_json::to_vec_pretty(&file)
            && let Err(e) = std::fs::write(f, b)
        {
            warn!("cannot save seat tokens to {}: {e}", f.display());
        }
    }
}

pub struct LanHostPlugin;

impl Plugin for LanHostPlugin {
    fn build(&self, app: &mut App) {
        let ready = resource_exists::<LanHost>.and_then(resource_exists::<Session>);
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

fn seats_list(session: &Session, host: &LanHost, reason: Option<String>) -> ServerMsg {
    let s = &session.scenario;
    ServerMsg::Seats {
        title: s.title.en().to_owned(),
        seats: Seat::all_player_seats(s)
            .into_iter()
            .map(|seat| {
                let key = seat.key(s);
                SeatInfo {
                    taken: host.tokens.contains_key(&key),
                    label: seat.label(s, session.lang),
                    key,
                }
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
    mut session: ResMut<Session>,
    mut out: MessageWriter<ToClients<ServerMsg>>,
    mut kick: MessageWriter<DisconnectRequest>,
    time: Res<Time<Real>>,
) {
    let now = time.elapsed_secs_f64();
    for FromClient { client_id, message } in inbox.read() {
        let Some(client) = client_id.entity() else {
            continue;
        };
        let host = &mut *host;
        let peer = host.peers.entry(client).or_default();
        // Flooding: count, drop, and eventually disconnect.
        if now - peer.window_start >= 1.0 {
            peer.window_start = now;
            peer.in_window = 0;
        }
        peer.in_window += 1;
        if peer.in_window > RATE_PER_SECOND {
            host.stats.flooded += 1;
            peer.strikes += 1;
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
                    hello(
                        host,
                        &mut session,
                        &mut out,
                        client,
                        *protocol,
                        code,
                        name,
                        seat.as_deref(),
                        token.as_deref(),
                        control_key.as_deref(),
                    );
                }
                ClientMsg::Act { cmd } => match peer.seat.as_ref().map(|(s, _)| *s) {
                    None => {
                        host.stats.unauthorized += 1;
                        peer.strikes += 1;
                    }
                    Some(seat) => {
                        host.stats.commands += 1;
                        // The engine checks the seat and the phase; keep control's own banner.
                        let banner = session.error.take();
                        let result = session.command(seat, cmd.clone());
                        session.error = banner;
                        if let Err(reason) = result {
                            host.stats.refused += 1;
                            send(&mut out, client, ServerMsg::Refused { reason });
                        }
                    }
                },
            }
        }
        if host
            .peers
            .get(&client)
            .is_some_and(|p| p.strikes > STRIKES_TO_DISCONNECT)
        {
            warn!(
                "disconnecting a client that sent {STRIKES_TO_DISCONNECT} bad or excess messages"
            );
            host.peers.remove(&client);
            kick.write(DisconnectRequest { client });
        }
    }
}

#[allow(clippy::too_many_arguments)]
fn hello(
    host: &mut LanHost,
    session: &mut Session,
    out: &mut MessageWriter<ToClients<ServerMsg>>,
    client: Entity,
    protocol: u32,
    code: &str,
    name: &str,
    seat: Option<&str>,
    token: Option<&str>,
    control_key: Option<&str>,
) {
    let deny =
        |host: &mut LanHost, out: &mut MessageWriter<ToClients<ServerMsg>>, reason: String| {
            host.stats.denied += 1;
            if let Some(p) = host.peers.get_mut(&client) {
                p.denied = true;
            }
            send(out, client, ServerMsg::Denied { reason });
        };
    if protocol != PROTOCOL_VERSION {
        return deny(
            host,
            out,
            format!(
                "this host speaks protocol {PROTOCOL_VERSION}, the client {protocol}: use the same cbm-ttx version"
            ),
        );
    }
    if !code.trim().eq_ignore_ascii_case(&host.code) {
        return deny(host, out, "wrong join code".into());
    }
    let scenario = session.scenario.clone();
    // The facilitator's own console.
    if let Some(k) = control_key {
        if k == host.control_key {
            return bind(
                host,
                session,
                out,
                client,
                Seat::Control,
                "control".into(),
                String::new(),
            );
        }
        return deny(host, out, "wrong control key".into());
    }
    // A returning seat.
    if let Some(t) = token
        && let Some(key) = host
            .tokens
            .iter()
            .find(|(_, v)| v.as_str() == t)
            .map(|(k, _)| k.clone())
        && let Some(s) = Seat::parse(&key, &scenario)
    {
        // An older connection holding the same seat loses it.
        for (e, p) in host.peers.iter_mut() {
            if *e != client && p.seat.as_ref().is_some_and(|(_, k)| *k == key) {
                p.seat = None;
            }
        }
        return bind(host, session, out, client, s, key, t.to_owned());
    }
    let Some(wanted) = seat else {
        send(out, client, seats_list(session, host, None));
        return;
    };
    let Some(s) =
        Seat::parse(wanted, &scenario).filter(|s| matches!(s, Seat::State(_) | Seat::Body(_)))
    else {
        send(
            out,
            client,
            seats_list(
                session,
                host,
                Some(format!("there is no seat \"{wanted}\"")),
            ),
        );
        return;
    };
    let key = s.key(&scenario);
    if host.tokens.contains_key(&key) {
        send(
            out,
            client,
            seats_list(
                session,
                host,
                Some(format!("{} is taken", s.label(&scenario, session.lang))),
            ),
        );
        return;
    }
    if session.game.state().phase == cbm_ttx_core::engine::Phase::Ended {
        return deny(host, out, "the exercise has ended".into());
    }
    let name = if name.trim().is_empty() {
        "participant".to_owned()
    } else {
        name.trim().chars().take(80).collect()
    };
    // The claim goes into the journal like any seat assignment.
    let banner = session.error.take();
    let taken = session.command(Seat::Control, Command::TakeSeat { seat: s, name });
    session.error = banner;
    if let Err(reason) = taken {
        send(out, client, seats_list(session, host, Some(reason)));
        return;
    }
    let token = super::random_secret();
    host.tokens.insert(key.clone(), token.clone());
    host.save_tokens();
    bind(host, session, out, client, s, key, token);
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
    println!("{key} joined");
    send(
        out,
        client,
        ServerMsg::Welcome {
            seat,
            seat_key: key,
            token,
            scenario: Box::new(protocol::redact(&session.scenario)),
        },
    );
}

/// Send every seat the new events it may see; act on seats control freed.
fn broadcast(
    mut host: ResMut<LanHost>,
    mut session: ResMut<Session>,
    mut out: MessageWriter<ToClients<ServerMsg>>,
) {
    // Nothing leaves the host before it is on disk.
    session.sync_journal();
    let session = &*session;
    let events = session.events();
    let host = &mut *host;
    // Control freed a seat: its token is void and whoever held it must pick again.
    for e in &events[host.seen.min(events.len())..] {
        if let EventKind::SeatFreed { seat } = &e.kind {
            let key = seat.key(&session.scenario);
            if host.tokens.remove(&key).is_some() {
                host.save_tokens();
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
                send(
                    &mut out,
                    c,
                    seats_list(
                        session,
                        host,
                        Some("exercise control freed your seat".into()),
                    ),
                );
            }
        }
    }
    host.seen = events.len();
    for (client, peer) in host.peers.iter_mut() {
        let Some((seat, _)) = peer.seat.as_ref().map(|(s, k)| (*s, k.clone())) else {
            continue;
        };
        let start = peer.sent.min(events.len());
        let visible: Vec<_> = events[start..]
            .iter()
            .filter(|e| e.audience.includes(seat))
            .cloned()
            .collect();
        peer.sent = events.len();
        if visible.is_empty() && !peer.fresh {
            continue;
        }
        let mut reset = std::mem::take(&mut peer.fresh);
        let chunks: Vec<&[cbm_ttx_core::engine::Event]> = if visible.is_empty() {
            vec![&[]]
        } else {
            visible.chunks(CHUNK).collect()
        };
        for chunk in chunks {
            let disclosures = protocol::disclosures(&session.scenario, seat, chunk);
            send(
                &mut out,
                *client,
                ServerMsg::Events {
                    reset,
                    events: chunk.to_vec(),
                    disclosures,
                },
            );
            reset = false;
        }
    }
}
