//! The LAN host: LAN clients seated through the [`SeatRegistry`], their commands into
//! the exercise's session service, and each client's share of the events and of the
//! scenario text they disclose. Refused clients are disconnected; flooding is
//! dropped, counted and answered once a second; the log gets a summary, never a line
//! per datagram.

use std::collections::HashMap;
use std::time::Duration;

use bevy::prelude::*;
use bevy_replicon::prelude::*;
use bevy_replicon::server::ServerSystems;

use super::protocol::{ClientMsg, ClockState, PROTOCOL_VERSION, ServerMsg};
use super::seats::{Answer, Conn, Hello, SeatRegistry};
use crate::exercise::Exercise;
use cbm_ttx_core::engine::{Event, Seat, disclose};
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

/// The LAN side of a host: its port, its connected clients and its counters. Seats
/// live in the [`SeatRegistry`].
#[derive(Resource, Debug)]
pub struct LanHost {
    pub port: u16,
    peers: HashMap<Entity, Peer>,
    pub stats: Stats,
    logged: Stats,
    last_summary: f64,
    /// Host-side latency of network commands: received → events journaled (seconds).
    pub handling: Vec<f64>,
    /// Clients turned away, to disconnect once their answer has had time to leave.
    kicks: Vec<(Entity, f64)>,
    /// How long a turned-away client keeps its connection (seconds).
    pub kick_after: f64,
}

impl LanHost {
    pub fn new(port: u16) -> LanHost {
        LanHost {
            kicks: Vec::new(),
            kick_after: 1.0,
            port,
            peers: HashMap::new(),
            stats: Stats::default(),
            logged: Stats::default(),
            last_summary: 0.0,
            handling: Vec::new(),
        }
    }

    /// Connected LAN clients (seated or not).
    pub fn clients(&self) -> usize {
        self.peers.len()
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
        let ready = resource_exists::<LanHost>
            .and_then(resource_exists::<Exercise>)
            .and_then(resource_exists::<SeatRegistry>);
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

fn seats_list(session: &Session, seats: &SeatRegistry, reason: Option<String>) -> ServerMsg {
    ServerMsg::Seats {
        title: session
            .scenario()
            .title
            .get(session.settings().lang)
            .to_owned(),
        seats: seats.seat_list(session),
        reason,
    }
}

fn forget_disconnected(
    mut gone: RemovedComponents<ConnectedClient>,
    mut host: ResMut<LanHost>,
    mut seats: ResMut<SeatRegistry>,
) {
    for e in gone.read() {
        seats.disconnected(Conn::Udp(e));
        if host.peers.remove(&e).is_some() {
            host.stats.disconnected += 1;
        }
    }
}

fn receive(
    mut inbox: MessageReader<FromClient<ClientMsg>>,
    mut host: ResMut<LanHost>,
    mut seats: ResMut<SeatRegistry>,
    mut ex: ResMut<Exercise>,
    mut out: MessageWriter<ToClients<ServerMsg>>,
    mut kick: MessageWriter<DisconnectRequest>,
    time: Res<Time<Real>>,
) {
    let now = time.elapsed_secs_f64();
    host.kicks.retain(|(client, at)| {
        let due = *at <= now;
        if due {
            kick.write(DisconnectRequest { client: *client });
        }
        !due
    });
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
                        code,
                        name,
                        seat: seat.as_deref(),
                        token: token.as_deref(),
                        control_key: control_key.as_deref(),
                    };
                    let answer = if *protocol != PROTOCOL_VERSION {
                        Answer::Denied(format!(
                            "this host speaks protocol {PROTOCOL_VERSION}, the client {protocol}: use the same cbm-ttx version"
                        ))
                    } else {
                        seats.hello(Conn::Udp(client), hello, &mut ex.session)
                    };
                    if let Err(reason) =
                        answer_to(host, &seats, &ex.session, &mut out, client, answer)
                    {
                        host.stats.denied += 1;
                        if let Some(p) = host.peers.get_mut(&client) {
                            p.denied = true;
                        }
                        send(&mut out, client, ServerMsg::Denied { reason });
                        // Turned away: let the answer go out, then close the connection.
                        let at = now + host.kick_after;
                        host.kicks.push((client, at));
                    }
                }
                ClientMsg::Act { cmd } => match seats.held_by(Conn::Udp(client)).map(|(s, _)| s) {
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

/// Tell a client the registry's answer; Err: it is turned away.
fn answer_to(
    host: &mut LanHost,
    seats: &SeatRegistry,
    session: &Session,
    out: &mut MessageWriter<ToClients<ServerMsg>>,
    client: Entity,
    answer: Answer,
) -> Result<(), String> {
    match answer {
        Answer::Denied(reason) => Err(reason),
        Answer::Choose { reason } => {
            send(out, client, seats_list(session, seats, reason));
            Ok(())
        }
        Answer::Seated { seat, key, token } => {
            let peer = host.peers.entry(client).or_default();
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
            Ok(())
        }
    }
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
    mut seats: ResMut<SeatRegistry>,
    mut ex: ResMut<Exercise>,
    mut out: MessageWriter<ToClients<ServerMsg>>,
) {
    // Nothing leaves the host before it is on disk.
    ex.sync();
    let session = &ex.session;
    let events = session.events();
    let host = &mut *host;
    // Control freed a seat: whoever held it must pick again.
    for conn in seats.released_where(session, |c| matches!(c, Conn::Udp(_))) {
        if let Conn::Udp(c) = conn {
            let reason = Some("exercise control freed your seat".into());
            send(&mut out, c, seats_list(session, &seats, reason));
        }
    }
    let clock = clock_state(session.clock());
    for (client, peer) in host.peers.iter_mut() {
        let Some((seat, _)) = seats.held_by(Conn::Udp(*client)) else {
            continue;
        };
        let start = peer.sent.min(events.len());
        let visible: Vec<&Event> = events[start..]
            .iter()
            .filter(|e| e.audience.includes(seat))
            .collect();
        peer.sent = events.len();
        seats.mark_sent(Conn::Udp(*client), events.len());
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

/// Log the final counters (when the host stops).
pub fn final_summary(host: &mut LanHost) {
    host.summarise(f64::MAX, true);
}
