//! The participant side: join with a code, claim a seat (or take it back with a
//! token), keep the seat's view from the events the host sends, and send commands.
//! A bot client plays with the simulate policies.

use std::collections::VecDeque;
use std::net::SocketAddr;

use bevy::prelude::*;
use bevy_replicon::client::ClientSystems;
use bevy_replicon::prelude::*;

use super::protocol::{self, ClientMsg, PROTOCOL_VERSION, SeatInfo, ServerMsg};
use crate::app::intent::Intent;
use cbm_ttx_core::engine::state::{State, apply};
use cbm_ttx_core::engine::{Command, EventKind, Phase, Seat, SeatView};
use cbm_ttx_core::scenario::Scenario;
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

#[derive(Resource, Debug)]
pub struct LanClient {
    pub addr: Option<SocketAddr>,
    pub code: String,
    pub name: String,
    /// The seat we ask for (key), if any.
    pub wanted: Option<String>,
    pub token: Option<String>,
    pub status: Status,
    /// The scenario as the host let us have it, completed by disclosures.
    pub scenario: Option<Scenario>,
    pub seat: Option<Seat>,
    pub view: Option<SeatView>,
    /// What our State knows, folded from the events we saw (bots decide from it).
    pub knowledge: Option<State>,
    pub refused: Option<String>,
    pub bot: Option<Policy>,
    /// Seconds of the current deliberation and when we saw it begin.
    pub clock: Option<(f64, u32)>,
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
    first_attempt: Option<f64>,
}

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
            first_attempt: None,
            addr,
            code,
            name,
            wanted,
            token: None,
            status: Status::Connecting,
            scenario: None,
            seat: None,
            view: None,
            knowledge: None,
            refused: None,
            bot,
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

    /// Seconds left on the round clock, as far as this client can tell.
    pub fn clock_left(&self, now: f64) -> Option<f64> {
        let v = self.view.as_ref()?;
        let (started, seconds) = self.clock?;
        (v.phase == Phase::Deliberation && seconds > 0)
            .then(|| (seconds as f64 - (now - started)).max(0.0))
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
        app.add_systems(
            PreUpdate,
            (watch_connection, receive)
                .chain()
                .after(ClientSystems::Receive)
                .run_if(on),
        )
        .add_systems(
            PostUpdate,
            (say_hello, forward_intents, bot_play)
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
    // A bot that never got through gives up (a person sees "connecting" and can go back).
    if client.bot.is_some() && !client.was_connected && client.status == Status::Connecting {
        let first = *client.first_attempt.get_or_insert(now);
        if now - first > 8.0 {
            client.status = Status::Denied(format!(
                "cannot reach the host at {addr} (is it running, and is UDP port {} open?)",
                addr.port()
            ));
        }
    }
}

fn say_hello(
    time: Res<Time<Real>>,
    mut client: ResMut<LanClient>,
    state: Res<bevy::state::state::State<ClientState>>,
    mut out: MessageWriter<ClientMsg>,
) {
    let now = time.elapsed_secs_f64();
    // An unanswered hello (dropped by a busy host) is said again.
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
    client.hello_at = time.elapsed_secs_f64();
    out.write(ClientMsg::Hello {
        protocol: PROTOCOL_VERSION,
        code: client.code.clone(),
        name: client.name.clone(),
        seat: client.wanted.clone(),
        token: client.token.clone(),
        control_key: None,
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
                // A bot without a seat of its own takes the first free one (again, if
                // another bot was quicker); a person chooses on screen.
                if client.bot.is_some() {
                    let free: Vec<&SeatInfo> = seats.iter().filter(|s| !s.taken).collect();
                    // Many bots joining at once: each tries a different free seat.
                    let pick = (now.to_bits() ^ client.name.len() as u64)
                        .wrapping_mul(0x9E37_79B9_7F4A_7C15)
                        as usize;
                    match free.get(pick % free.len().max(1)) {
                        Some(free) if client.auto_seat => {
                            let key = free.key.clone();
                            client.claim(key);
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
            } => {
                info!("seated as {seat_key}");
                client.token = Some(token);
                client.wanted = Some(seat_key);
                client.knowledge = Some(State::new(&scenario, 0));
                client.view = Some(SeatView::new(&scenario, seat));
                client.scenario = Some(*scenario);
                client.seat = Some(seat);
                client.status = Status::Seated;
                client.acted_round = 0;
            }
            ServerMsg::Events {
                reset,
                events,
                disclosures,
            } => {
                let client = &mut *client;
                let (Some(scenario), Some(seat)) = (client.scenario.as_mut(), client.seat) else {
                    continue;
                };
                if !protocol::sound(scenario, &events, &disclosures) {
                    client.rejected += 1;
                    continue;
                }
                if reset {
                    client.view = Some(SeatView::new(scenario, seat));
                    client.knowledge = Some(State::new(scenario, 0));
                }
                protocol::apply_disclosures(scenario, seat, &disclosures);
                let (Some(view), Some(know)) = (client.view.as_mut(), client.knowledge.as_mut())
                else {
                    continue;
                };
                for e in &events {
                    if !view.observe(e) {
                        continue;
                    }
                    apply(know, scenario, e);
                    client.received += 1;
                    match &e.kind {
                        EventKind::DeliberationBegun { seconds } => {
                            client.clock = Some((now, *seconds))
                        }
                        EventKind::ActionSubmitted { seat: s, .. }
                        | EventKind::SeatReady { seat: s }
                            if *s == seat =>
                        {
                            if let Some(sent) = client.pending.pop_front() {
                                client.latencies.push(now - sent);
                            }
                        }
                        _ => {}
                    }
                }
            }
            ServerMsg::Refused { reason } => {
                client.pending.pop_front();
                client.refused = Some(reason);
            }
            ServerMsg::Denied { reason } => client.status = Status::Denied(reason),
        }
    }
}

/// Commands a person gives on the participant screen go to the host.
fn forward_intents(
    mut intents: MessageReader<Intent>,
    mut client: ResMut<LanClient>,
    mut out: MessageWriter<ClientMsg>,
    time: Res<Time<Real>>,
) {
    for i in intents.read() {
        if let Intent::Command(seat, cmd) = i
            && Some(*seat) == client.seat
            && client.status == Status::Seated
        {
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
    let (Some(view), Some(know), Some(scenario), Some(seat)) = (
        &client.view,
        &client.knowledge,
        &client.scenario,
        client.seat,
    ) else {
        return;
    };
    if view.phase == Phase::Ended {
        commands.insert_resource(BotOutcome::Finished);
        return;
    }
    let Some(me) = seat.state() else { return };
    if view.phase != Phase::Deliberation
        || view.paused
        || client.acted_round == view.round
        || client.status != Status::Seated
    {
        return;
    }
    if scenario.turn_order == cbm_ttx_core::scenario::TurnOrder::Sequential && view.turn != Some(me) {
        return;
    }
    client.acted_round = view.round;
    let now = time.elapsed_secs_f64();
    let mut plan = policy.plan(scenario, know, me);
    if let Seat::Body(b) = seat {
        plan.retain(|(actor, _)| *actor == b);
    }
    for (actor, action) in plan {
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
