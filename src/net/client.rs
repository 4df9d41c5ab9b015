//! The participant side: join with a code, claim a seat (or take it back with a
//! token), keep the seat's view from the events and disclosures the host sends, and
//! send commands. A bot client plays with the `simulate` policies, deciding from the
//! same kind of view as in `simulate` — so it decides the same.

use std::collections::VecDeque;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use bevy::prelude::*;
use bevy_replicon::client::ClientSystems;
use bevy_replicon::prelude::*;

use super::protocol::{self, ClientMsg, ClockState, PROTOCOL_VERSION, SeatInfo, ServerMsg};
use cbm_ttx_core::engine::{Command, EventKind, Phase, Seat, SeatView};
use cbm_ttx_core::scenario::{Lang, TurnOrder};
use cbm_ttx_core::sim::Policy;

#[derive(Clone, Debug, PartialEq)]
pub enum Status {
    Connecting,
    /// The host asks us to pick a seat.
    Choosing {
        title: String,
        seats: Vec<SeatInfo>,
        reason: Option<String>,
    },
    Seated,
    /// The host refuses us for good (wrong code, version, ended exercise).
    Denied(String),
    /// The connection dropped; we keep trying with our token.
    Lost,
}

/// A command a participant's screen asks the client to send.
#[derive(Message, Clone, Debug, PartialEq)]
pub struct Outgoing(pub Command);

#[derive(Resource, Debug)]
pub struct LanClient {
    pub addr: Option<SocketAddr>,
    pub code: String,
    pub name: String,
    /// The seat we ask for (key), if any.
    pub wanted: Option<String>,
    pub token: Option<String>,
    /// The facilitator's credential: connect as exercise control.
    pub control_key: Option<String>,
    /// A bot choosing its own seat takes a body's seat (large load tests: a State
    /// seat would keep all its bodies' seats from others).
    pub prefer_bodies: bool,
    pub status: Status,
    pub seat: Option<Seat>,
    /// What our seat knows: the public scenario, the events we saw, what they disclosed.
    pub view: Option<SeatView>,
    /// The language the facilitator chose.
    pub lang: Lang,
    pub refused: Option<String>,
    pub bot: Option<Policy>,
    pub bot_seed: u64,
    /// The host's clock and when (our time, seconds) we heard it.
    pub clock: Option<(ClockState, f64)>,
    /// Events received, and messages ignored as unsound.
    pub received: usize,
    pub rejected: usize,
    /// Command-to-visible-event latencies, seconds.
    pub latencies: Vec<f64>,
    hello_sent: bool,
    acted_round: u8,
    pending: VecDeque<f64>,
    connect_started: Option<f64>,
    was_connected: bool,
    /// The seat was not chosen by the user: a bot may pick another.
    auto_seat: bool,
    hello_at: f64,
    /// Seat lists a bot choosing its own seat has had (each a claim refused or to make).
    seat_tries: u32,
}

/// A bot choosing its own seat gives up after this many refused claims (others kept
/// taking the seat it picked).
pub const MAX_SEAT_TRIES: u32 = 20;

impl LanClient {
    pub fn new(
        addr: Option<SocketAddr>,
        code: String,
        name: String,
        wanted: Option<String>,
        bot: Option<Policy>,
    ) -> Self {
        LanClient {
            auto_seat: wanted.is_none(),
            hello_at: 0.0,
            seat_tries: 0,
            addr,
            code,
            name,
            wanted,
            token: None,
            control_key: None,
            prefer_bodies: false,
            status: Status::Connecting,
            seat: None,
            view: None,
            lang: Lang::En,
            refused: None,
            bot,
            bot_seed: 0,
            clock: None,
            received: 0,
            rejected: 0,
            latencies: Vec::new(),
            hello_sent: false,
            acted_round: 0,
            pending: VecDeque::new(),
            connect_started: None,
            was_connected: false,
        }
    }

    /// Pick a seat from the host's list.
    pub fn claim(&mut self, key: String) {
        self.wanted = Some(key);
        self.hello_sent = false;
    }

    /// Whether a hello was sent and its answer (a seat, a refusal) has not come yet.
    pub fn claim_in_flight(&self) -> bool {
        self.hello_sent && !matches!(self.status, Status::Seated | Status::Denied(_))
    }

    /// Whether the transport ever got through to the host.
    pub fn ever_connected(&self) -> bool {
        self.was_connected
    }

    /// Time left on the host's round clock, counted on from when we heard it.
    pub fn clock_left(&self, now: f64) -> Option<Duration> {
        let v = self.view.as_ref()?;
        let (c, heard) = self.clock?;
        if v.phase != Phase::Deliberation {
            return None;
        }
        let gone = if c.running {
            Duration::from_secs_f64((now - heard).max(0.0))
        } else {
            Duration::ZERO
        };
        Some(Duration::from_millis(c.remaining_ms).saturating_sub(gone))
    }
}

/// Why a bot client stopped.
#[derive(Resource, Debug, Clone, PartialEq, Eq)]
pub enum BotOutcome {
    Finished,
    Failed(String),
}

pub struct LanClientPlugin;

impl Plugin for LanClientPlugin {
    fn build(&self, app: &mut App) {
        let on = resource_exists::<LanClient>;
        app.add_message::<Outgoing>()
            .add_systems(
                PreUpdate,
                (watch_connection, receive)
                    .chain()
                    .after(ClientSystems::Receive)
                    .run_if(on),
            )
            .add_systems(
                PostUpdate,
                (say_hello, forward, bot_play)
                    .chain()
                    .before(ClientSystems::Send)
                    .run_if(on),
            );
    }
}

fn watch_connection(
    mut client: ResMut<LanClient>,
    state: Res<bevy::state::state::State<ClientState>>,
    time: Res<Time<Real>>,
    mut commands: Commands,
) {
    let now = time.elapsed_secs_f64();
    let connected = *state.get() == ClientState::Connected;
    if connected {
        client.was_connected = true;
        client.connect_started = None;
        return;
    }
    client.hello_sent = false;
    if client.was_connected && client.status == Status::Seated {
        client.status = Status::Lost;
    }
    // Real transport only: re-dial every two seconds until the host answers.
    let Some(addr) = client.addr else { return };
    let started = *client.connect_started.get_or_insert(now);
    if *state.get() == ClientState::Disconnected && now - started > 2.0 {
        client.connect_started = Some(now);
        commands.queue(move |world: &mut World| {
            super::transport::stop_client(world);
            if let Err(e) = super::transport::start_client(world, addr) {
                warn!("cannot reach {addr}: {e}");
            }
        });
    }
    // A bot keeps trying until its process gives up (`join --timeout`): the host may
    // be starting, or restarting after it died during the handshake.
}

fn say_hello(
    time: Res<Time<Real>>,
    mut client: ResMut<LanClient>,
    state: Res<bevy::state::state::State<ClientState>>,
    mut out: MessageWriter<ClientMsg>,
) {
    let now = time.elapsed_secs_f64();
    // An unanswered hello (dropped by a busy host) is said again: the host answers a
    // repeated claim for the seat this client already holds with the same welcome.
    if client.hello_sent
        && !matches!(client.status, Status::Seated | Status::Choosing { .. })
        && now - client.hello_at > 3.0
    {
        client.hello_sent = false;
    }
    if *state.get() != ClientState::Connected
        || client.hello_sent
        || matches!(client.status, Status::Denied(_))
    {
        return;
    }
    client.hello_sent = true;
    client.hello_at = now;
    out.write(ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        code: client.code.clone(),
        name: client.name.clone(),
        seat: client.wanted.clone(),
        token: client.token.clone(),
        control_key: client.control_key.clone(),
    });
}

fn receive(
    mut inbox: MessageReader<ServerMsg>,
    mut client: ResMut<LanClient>,
    time: Res<Time<Real>>,
) {
    let now = time.elapsed_secs_f64();
    for msg in inbox.read() {
        match msg.clone() {
            ServerMsg::Seats {
                title,
                seats,
                reason,
            } => {
                // A bot without a seat of its own takes a free one (another, if a bot
                // was quicker); a person chooses on screen.
                if client.bot.is_some() {
                    let body = |s: &SeatInfo| s.key.contains('/');
                    let mut free: Vec<&SeatInfo> = seats
                        .iter()
                        .filter(|s| !s.taken && body(s) == client.prefer_bodies)
                        .collect();
                    if free.is_empty() {
                        free = seats.iter().filter(|s| !s.taken).collect();
                    }
                    // Many bots joining at once, in several processes: each tries a
                    // different free seat (mixing the time, its name and its tries).
                    client.seat_tries += 1;
                    let name = client.name.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
                        (h ^ b as u64).wrapping_mul(0x0100_0000_01b3)
                    });
                    let pick = (now.to_bits() ^ name ^ client.seat_tries as u64)
                        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                        >> 17;
                    match free.get(pick as usize % free.len().max(1)) {
                        Some(free) if client.auto_seat && client.seat_tries <= MAX_SEAT_TRIES => {
                            let key = free.key.clone();
                            client.claim(key);
                        }
                        Some(_) if client.auto_seat => {
                            let why = reason.clone().unwrap_or_else(|| "no seat".into());
                            client.status = Status::Denied(format!(
                                "{why} (gave up after {MAX_SEAT_TRIES} tries at a free seat)"
                            ));
                        }
                        _ => {
                            let why = reason.clone().unwrap_or_else(|| "no free seat".into());
                            client.status = Status::Denied(why);
                        }
                    }
                    continue;
                }
                client.seat = None;
                client.status = Status::Choosing {
                    title,
                    seats,
                    reason,
                };
            }
            ServerMsg::Welcome {
                seat,
                seat_key,
                token,
                scenario,
                lang,
                bot_seed,
            } => {
                info!("seated as {seat_key}");
                client.token = Some(token);
                client.wanted = Some(seat_key);
                client.view = Some(SeatView::new(Arc::new(*scenario), seat));
                client.seat = Some(seat);
                client.lang = lang;
                client.bot_seed = bot_seed;
                client.status = Status::Seated;
                client.acted_round = 0;
                client.seat_tries = 0;
            }
            ServerMsg::Events {
                reset,
                events,
                disclosures,
            } => take_events(&mut client, reset, events, disclosures, now),
            ServerMsg::Clock(c) => client.clock = c.map(|c| (c, now)),
            ServerMsg::Refused { reason } => {
                client.pending.pop_front();
                client.refused = Some(reason);
            }
            ServerMsg::Denied { reason } => client.status = Status::Denied(reason),
        }
    }
}

fn take_events(
    client: &mut LanClient,
    reset: bool,
    events: Vec<cbm_ttx_core::engine::Event>,
    disclosures: Vec<Vec<cbm_ttx_core::engine::Disclosure>>,
    now: f64,
) {
    let (Some(view), Some(seat)) = (client.view.as_mut(), client.seat) else {
        return;
    };
    if !protocol::sound(view.scenario(), &events, &disclosures) {
        client.rejected += 1;
        return;
    }
    if reset {
        *view = SeatView::new(view.scenario_arc().clone(), seat);
    }
    for (e, d) in events.iter().zip(disclosures) {
        if !view.observe(e, d) {
            continue;
        }
        client.received += 1;
        if let EventKind::ActionSubmitted { seat: s, .. } | EventKind::SeatReady { seat: s } =
            &e.kind
            && *s == seat
            && let Some(sent) = client.pending.pop_front()
        {
            client.latencies.push(now - sent);
        }
    }
}

/// Commands a person gives on the participant screen go to the host.
fn forward(
    mut outgoing: MessageReader<Outgoing>,
    mut client: ResMut<LanClient>,
    mut out: MessageWriter<ClientMsg>,
    time: Res<Time<Real>>,
) {
    for Outgoing(cmd) in outgoing.read() {
        if client.status == Status::Seated {
            client.refused = None;
            client.pending.push_back(time.elapsed_secs_f64());
            out.write(ClientMsg::Act { cmd: cmd.clone() });
        }
    }
}

/// A bot stages its policy's actions once per deliberation, then says it is ready.
fn bot_play(
    mut client: ResMut<LanClient>,
    mut out: MessageWriter<ClientMsg>,
    time: Res<Time<Real>>,
    mut commands: Commands,
) {
    let Some(policy) = client.bot else { return };
    if let Status::Denied(why) = &client.status {
        commands.insert_resource(BotOutcome::Failed(why.clone()));
        return;
    }
    let client = &mut *client;
    let Some(view) = &client.view else { return };
    if view.phase == Phase::Ended {
        commands.insert_resource(BotOutcome::Finished);
        return;
    }
    let Some(me) = view.seat.state() else { return };
    if view.phase != Phase::Deliberation
        || view.paused
        || client.acted_round == view.round
        || client.status != Status::Seated
    {
        return;
    }
    if view.scenario().turn_order == TurnOrder::Sequential && view.turn != Some(me) {
        return;
    }
    client.acted_round = view.round;
    let now = time.elapsed_secs_f64();
    for (actor, action) in policy.plan(view, client.bot_seed) {
        client.pending.push_back(now);
        out.write(ClientMsg::Act {
            cmd: Command::Submit { actor, action },
        });
    }
    client.pending.push_back(now);
    out.write(ClientMsg::Act {
        cmd: Command::Ready,
    });
}
