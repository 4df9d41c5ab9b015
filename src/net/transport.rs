//! Renet (netcode over UDP) server and client resources.

use std::net::{SocketAddr, UdpSocket};
use std::time::SystemTime;

use bevy::prelude::*;
use bevy_replicon::prelude::*;
use bevy_replicon_renet::RenetChannelsExt;
use bevy_replicon_renet::netcode::{
    ClientAuthentication, NetcodeClientTransport, NetcodeServerTransport, ServerAuthentication,
    ServerConfig,
};
use bevy_replicon_renet::renet::ConnectionConfig;
use bevy_replicon_renet::{RenetClient, RenetServer};

use super::PROTOCOL_ID;

/// The most clients a host accepts (renet's netcode allows up to 1024).
pub const MAX_CLIENTS: usize = 512;

fn config(channels: &RepliconChannels) -> ConnectionConfig {
    ConnectionConfig {
        server_channels_config: channels.server_configs(),
        client_channels_config: channels.client_configs(),
        ..Default::default()
    }
}

fn now() -> std::time::Duration {
    SystemTime::now()
        .duration_since(SystemTime::UNIX_EPOCH)
        .unwrap_or_default()
}

/// Listen at `bind` (every interface: `0.0.0.0`; port 0: any free port). Returns
/// the bound port.
pub fn start_server(world: &mut World, bind: SocketAddr) -> std::io::Result<u16> {
    let channels = world.resource::<RepliconChannels>();
    let server = RenetServer(bevy_replicon_renet::renet::RenetServer::new(config(
        channels,
    )));
    let socket = UdpSocket::bind(bind)?;
    let port = socket.local_addr()?.port();
    let mut public: Vec<SocketAddr> = if bind.ip().is_unspecified() {
        super::local_addresses()
            .into_iter()
            .map(|ip| SocketAddr::new(ip, port))
            .collect()
    } else {
        vec![SocketAddr::new(bind.ip(), port)]
    };
    public.dedup();
    let server_config = ServerConfig {
        current_time: now(),
        max_clients: MAX_CLIENTS,
        protocol_id: PROTOCOL_ID,
        public_addresses: public,
        authentication: ServerAuthentication::Unsecure,
    };
    let transport = NetcodeServerTransport::new(server_config, socket)?;
    world.insert_resource(server);
    world.insert_resource(transport);
    Ok(port)
}

/// Connect to a host. The client id is random: the seat is bound by the join code and
/// the reconnect token, not by the transport.
pub fn start_client(world: &mut World, server: SocketAddr) -> Result<(), String> {
    let channels = world.resource::<RepliconChannels>();
    let client = RenetClient(bevy_replicon_renet::renet::RenetClient::new(config(
        channels,
    )));
    let socket = UdpSocket::bind(SocketAddr::from(([0, 0, 0, 0], 0))).map_err(|e| e.to_string())?;
    let secret = super::random_secret()?;
    let client_id = u64::from_str_radix(&secret[..16], 16).unwrap_or(1);
    let auth = ClientAuthentication::Unsecure {
        protocol_id: PROTOCOL_ID,
        client_id,
        server_addr: server,
        user_data: None,
    };
    let transport = NetcodeClientTransport::new(now(), auth, socket).map_err(|e| e.to_string())?;
    world.insert_resource(client);
    world.insert_resource(transport);
    Ok(())
}

pub fn stop_client(world: &mut World) {
    world.remove_resource::<NetcodeClientTransport>();
    world.remove_resource::<RenetClient>();
}
