//! LAN play in the app: hosting from the lobby (or `cbm-ttx host`), joining from the
//! picker (or `cbm-ttx join`), and keeping the app awake while the network is in use.

use std::path::PathBuf;
use std::time::Duration;

use bevy::prelude::*;
use bevy::winit::{UpdateMode, WinitSettings};
use bevy_replicon_renet::RepliconRenetPlugins;

use super::intent::{Draft, Intent};
use super::screen::Screen;
use super::session::Session;
use super::storage::DataDir;
use super::{AppOptions, library::Library};
use crate::net::client::{LanClient, LanClientPlugin, Status};
use crate::net::host::{LanHost, LanHostPlugin};
use crate::net::{NetProtocolPlugin, transport};

pub struct LanAppPlugin;

impl Plugin for LanAppPlugin {
    fn build(&self, app: &mut App) {
        app.add_plugins((
            NetProtocolPlugin,
            RepliconRenetPlugins,
            LanHostPlugin,
            LanClientPlugin,
        ))
        .add_systems(PostStartup, start_from_command_line)
        .add_systems(Update, (handle_lan_intents, remember_token))
        .add_systems(Last, keep_awake);
    }
}

/// `cbm-ttx host` / `cbm-ttx join` open the app straight into the lobby or the seat.
fn start_from_command_line(
    mut commands: Commands,
    options: Res<AppOptions>,
    mut next: ResMut<NextState<Screen>>,
) {
    if let Some(args) = options.host.clone() {
        commands.queue(
            move |world: &mut World| match crate::cli::host::session(&args) {
                Ok((session, source)) => {
                    let draft = Draft::new(session.scenario.clone(), source);
                    host(world, session, args.port, args.code.clone());
                    world.insert_resource(draft);
                }
                Err(e) => error!("host: {e}"),
            },
        );
        next.set(Screen::Lobby);
    }
    if let Some(args) = options.join.clone() {
        match crate::cli::join::resolve(&args.addr) {
            Ok(addr) => {
                let name = args.name.clone().unwrap_or_default();
                commands.queue(move |world: &mut World| {
                    join(world, addr, args.code.clone(), name, args.seat.clone())
                });
                next.set(Screen::Participant);
            }
            Err(e) => error!("join: {e}"),
        }
    }
}

/// Start serving a session on the LAN.
fn host(world: &mut World, session: Session, port: u16, code: Option<String>) {
    match transport::start_server(world, port) {
        Ok(port) => {
            let lan = LanHost::new(code, port, session.journal_path());
            info!("hosting on UDP port {port} with join code {}", lan.code);
            world.insert_resource(lan);
            world.insert_resource(session);
        }
        Err(e) => {
            let mut s = session;
            s.error = Some(format!("cannot listen on UDP port {port}: {e}"));
            world.insert_resource(s);
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
        && std::fs::write(&path, b).is_ok()
    {
        *saved = Some(token);
    }
}

fn handle_lan_intents(
    mut intents: MessageReader<Intent>,
    mut commands: Commands,
    draft: Option<Res<Draft>>,
    data: Res<DataDir>,
    session: Option<Res<Session>>,
    mut client: Option<ResMut<LanClient>>,
    mut lib: ResMut<Library>,
    mut next: ResMut<NextState<Screen>>,
) {
    for i in intents.read() {
        match i.clone() {
            Intent::HostLan => {
                let Some(d) = draft.as_deref().cloned() else {
                    continue;
                };
                if session.is_some() {
                    continue;
                }
                match d.session(&data.0) {
                    Ok(s) => {
                        commands.queue(move |world: &mut World| {
                            host(world, s, crate::net::DEFAULT_PORT, None)
                        });
                    }
                    Err(e) => lib.open_error = Some(e),
                }
            }
            Intent::JoinLan { addr, code, name } => match crate::cli::join::resolve(&addr) {
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
            // A new exercise: stop serving the old one.
            Intent::NewExercise => {
                commands.queue(|world: &mut World| {
                    world.remove_resource::<LanHost>();
                    world.remove_resource::<bevy_replicon_renet::netcode::NetcodeServerTransport>();
                    world.remove_resource::<bevy_replicon_renet::RenetServer>();
                });
            }
            Intent::LeaveLan => {
                commands.queue(|world: &mut World| {
                    transport::stop_client(world);
                    world.remove_resource::<LanClient>();
                });
                next.set(Screen::Picker);
            }
            _ => {}
        }
    }
}

/// Packets do not wake a reactive app: while hosting or joined, update often enough
/// for commands and events to flow (a few per cent of a core).
fn keep_awake(
    host: Option<Res<LanHost>>,
    client: Option<Res<LanClient>>,
    winit: Option<ResMut<WinitSettings>>,
) {
    if host.is_none() && client.is_none() {
        return;
    }
    let Some(mut w) = winit else { return };
    let mode = UpdateMode::reactive(Duration::from_millis(50));
    if w.focused_mode != mode || w.unfocused_mode != mode {
        w.focused_mode = mode;
        w.unfocused_mode = mode;
    }
}
