//! LAN play in the app: hosting from the lobby (or `cbm-ttx host`), joining from the
//! picker (or `cbm-ttx join`).

use std::path::PathBuf;

use bevy::prelude::*;
use bevy_replicon_renet::RepliconRenetPlugins;

use super::AppOptions;
use super::intent::{Intent, Lobby};
use super::library::Library;
use super::screen::Screen;
use super::session::Running;
use super::ui::participant::ParticipantInput;
use crate::exercise::Exercise;
use crate::net::client::{LanClient, LanClientPlugin, Status};
use crate::net::host::{LanHost, LanHostPlugin};
use crate::net::seats::SeatRegistry;
use crate::net::setup::{HostOptions, host_session, resolve};
use crate::net::{NetProtocolPlugin, transport};
use crate::storage::DataDir;
use crate::web::{WebHostPlugin, WebOptions};

pub struct LanAppPlugin;

impl Plugin for LanAppPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins((
            NetProtocolPlugin,
            RepliconRenetPlugins,
            LanHostPlugin,
            LanClientPlugin,
            WebHostPlugin,
        ))
        .add_systems(PostStartup, start_from_command_line)
        .add_systems(Update, (handle_lan_intents, remember_token));
    }
}

/// `cbm-ttx host` / `cbm-ttx join` open the app straight into the lobby or the seat.
fn start_from_command_line(
    mut commands: Commands,
    options: Res<AppOptions>,
    data: Res<DataDir>,
    mut next: ResMut<NextState<Screen>>,
) {
    if let Some(opts) = options.host.clone() {
        let data = data.0.clone();
        commands.queue(move |world: &mut World| match host_session(&opts, &data) {
            Ok(session) => {
                let mut lobby = Lobby::new(
                    session.scenario().clone(),
                    session.source().map(|p| p.to_owned()),
                );
                lobby.round_minutes = session.settings().round_seconds.div_ceil(60);
                lobby.lang = session.settings().lang;
                host(world, Exercise::new(session), &opts);
                world.insert_resource(lobby);
            }
            Err(e) => error!("host: {e}"),
        });
        next.set(Screen::Lobby);
    }
    if let Some(opts) = options.join.clone() {
        match resolve(&opts.addr) {
            Ok(addr) => {
                let name = opts.name.clone().unwrap_or_default();
                commands.queue(move |world: &mut World| {
                    join(world, addr, opts.code.clone(), name, opts.seat.clone())
                });
                next.set(Screen::Participant);
            }
            Err(e) => error!("join: {e}"),
        }
    }
}

/// Start serving an exercise on the LAN (and to browsers, unless `opts.web_port` is
/// None). A resumed one keeps its code and tokens.
fn host(world: &mut World, exercise: Exercise, opts: &HostOptions) {
    let journal = exercise.session.journal_path().map(|p| p.to_owned());
    let running = Running::new(&exercise);
    world.insert_resource(exercise);
    world.insert_resource(running);
    let port = match transport::start_server(world, opts.bind) {
        Ok(p) => p,
        Err(e) => {
            if let Some(mut r) = world.get_resource_mut::<Running>() {
                r.error = Some(format!("cannot listen on UDP {}: {e}", opts.bind));
            }
            return;
        }
    };
    let made = match (&opts.resume, &journal) {
        (Some(_), Some(j)) => SeatRegistry::resume(j),
        _ => SeatRegistry::new(opts.code.clone(), journal.as_deref()),
    };
    match made {
        Ok(seats) => {
            info!("hosting on UDP port {port} with join code {}", seats.code);
            world.insert_resource(seats);
            world.insert_resource(LanHost::new(port));
            if let Some(p) = opts.web_port {
                match crate::web::start(world, &WebOptions::for_host(opts, p)) {
                    Ok(p) => info!("serving participants' browsers on TCP port {p}"),
                    Err(e) => {
                        if let Some(mut r) = world.get_resource_mut::<Running>() {
                            r.error = Some(e);
                        }
                    }
                }
            }
        }
        Err(e) => {
            if let Some(mut r) = world.get_resource_mut::<Running>() {
                r.error = Some(e.to_string());
            }
        }
    }
}

fn token_file(data: &std::path::Path) -> PathBuf {
    data.join("lan-tokens.json")
}

fn token_key(addr: std::net::SocketAddr, code: &str) -> String {
    format!("{addr} {}", code.trim().to_uppercase())
}

/// Connect to a host as a person (the seat picker follows).
fn join(
    world: &mut World,
    addr: std::net::SocketAddr,
    code: String,
    name: String,
    seat: Option<String>,
) {
    let data = world.get_resource::<DataDir>().cloned().unwrap_or_default();
    // A restarted laptop takes its seat back with the token it kept.
    let token = std::fs::read(token_file(&data.0))
        .ok()
        .and_then(|b| serde_json::from_slice::<std::collections::BTreeMap<String, String>>(&b).ok())
        .and_then(|m| m.get(&token_key(addr, &code)).cloned());
    let mut client = LanClient::new(Some(addr), code, name, seat, None);
    client.token = token;
    world.insert_resource(client);
    world.insert_resource(ParticipantInput::default());
    if let Err(e) = transport::start_client(world, addr)
        && let Some(mut c) = world.get_resource_mut::<LanClient>()
    {
        c.status = Status::Denied(format!("cannot open a network socket: {e}"));
    }
}

fn remember_token(
    client: Option<Res<LanClient>>,
    data: Res<DataDir>,
    mut saved: Local<Option<String>>,
) {
    let Some(c) = client else { return };
    let (Some(addr), Some(token)) = (c.addr, c.token.clone()) else {
        return;
    };
    if saved.as_deref() == Some(token.as_str()) {
        return;
    }
    let path = token_file(&data.0);
    let mut map: std::collections::BTreeMap<String, String> = std::fs::read(&path)
        .ok()
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    map.insert(token_key(addr, &c.code), token.clone());
    if std::fs::create_dir_all(&data.0).is_ok()
        && let Ok(b) = serde_json::to_vec_pretty(&map)
        && cbm_ttx_core::journal::write_atomic(&path, &b).is_ok()
    {
        *saved = Some(token);
    }
}

fn handle_lan_intents(
    mut intents: MessageReader<Intent>,
    mut commands: Commands,
    lobby: Option<Res<Lobby>>,
    data: Res<DataDir>,
    exercise: Option<Res<Exercise>>,
    mut client: Option<ResMut<LanClient>>,
    mut lib: ResMut<Library>,
    mut next: ResMut<NextState<Screen>>,
) {
    for i in intents.read() {
        match i.clone() {
            Intent::HostLan => {
                let Some(l) = lobby.as_deref().cloned() else {
                    continue;
                };
                if exercise.is_some() {
                    continue;
                }
                match l.session(&data.0) {
                    Ok(s) => {
                        commands.queue(move |world: &mut World| {
                            host(world, Exercise::new(s), &HostOptions::default())
                        });
                    }
                    Err(e) => lib.open_error = Some(e),
                }
            }
            Intent::JoinLan { addr, code, name } => match resolve(&addr) {
                Ok(a) => {
                    commands.queue(move |world: &mut World| join(world, a, code, name, None));
                    next.set(Screen::Participant);
                }
                Err(e) => lib.open_error = Some(format!("cannot join: {e}")),
            },
            Intent::ClaimSeat(key) => {
                if let Some(c) = client.as_deref_mut() {
                    c.claim(key);
                }
            }
            // Leaving an exercise: stop serving it.
            Intent::CloseExercise => {
                commands.queue(|world: &mut World| {
                    crate::web::stop(world);
                    world.remove_resource::<LanHost>();
                    world.remove_resource::<SeatRegistry>();
                    world.remove_resource::<bevy_replicon_renet::netcode::NetcodeServerTransport>();
                    world.remove_resource::<bevy_replicon_renet::RenetServer>();
                });
            }
            Intent::LeaveLan => {
                commands.queue(|world: &mut World| {
                    transport::stop_client(world);
                    world.remove_resource::<LanClient>();
                    world.insert_resource(ParticipantInput::default());
                });
                next.set(Screen::Picker);
            }
            _ => {}
        }
    }
}
