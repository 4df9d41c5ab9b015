//! LAN play: the facilitator's machine hosts the exercise; participants join from
//! their laptops. Built on bevy_replicon's messages over renet (UDP).
//!
//! The host is authoritative: it runs the engine and the journal. Every command from
//! the network goes through the same [`crate::app::Session::command`] as a local one,
//! so the engine checks seat and phase. Each client receives only the events whose
//! audience includes its seat, and only the private texts those events reveal
//! ([`protocol::disclosures`]); the scenario it holds is [`protocol::redact`]ed.

pub mod client;
pub mod director;
pub mod host;
pub mod protocol;
pub mod transport;

use bevy::prelude::*;
use bevy_replicon::prelude::*;

pub use protocol::{ClientMsg, ServerMsg};

/// Default UDP port.
pub const DEFAULT_PORT: u16 = 5151;
/// Renet protocol id: changes with the wire format.
pub const PROTOCOL_ID: u64 = 0xCB_77_00_00 + protocol::PROTOCOL_VERSION as u64;

/// Registers the messages (the same order on host and client) and replicon itself.
pub struct NetProtocolPlugin;

impl Plugin for NetProtocolPlugin {
    fn build(&self, app: &mut App) {
        if !app.is_plugin_added::<bevy_replicon::shared::RepliconSharedPlugin>() {
            app.add_plugins(RepliconPlugins);
        }
        app.add_client_message_with(
            Channel::Ordered,
            protocol::serialize_client,
            protocol::deserialize_client,
        )
        .add_server_message_with(
            Channel::Ordered,
            protocol::serialize_server,
            protocol::deserialize_server,
        )
        .make_message_independent::<ServerMsg>();
    }
}

/// A join code people can read out across a room: 6 letters without look-alikes.
pub fn random_code() -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut seed = [0u8; 8];
    fill_random(&mut seed);
    let mut x = u64::from_le_bytes(seed);
    (0..6)
        .map(|_| {
            let c = ALPHABET[(x % ALPHABET.len() as u64) as usize] as char;
            x /= ALPHABET.len() as u64;
            c
        })
        .collect()
}

/// A secret for reconnect tokens and the control key.
pub fn random_secret() -> String {
    let mut b = [0u8; 16];
    fill_random(&mut b);
    b.iter().map(|x| format!("{x:02x}")).collect()
}

fn fill_random(buf: &mut [u8]) {
    use rand_core::{Rng, SeedableRng};
    // Seed from the OS via the standard library's randomised hasher and the clock;
    // these secrets guard a workshop room, not a bank.
    use std::hash::{BuildHasher, Hasher};
    let mut h = std::collections::hash_map::RandomState::new().build_hasher();
    h.write_u128(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_nanos())
            .unwrap_or(0),
    );
    h.write_u32(std::process::id());
    let mut rng = rand_chacha::ChaCha20Rng::seed_from_u64(h.finish());
    rng.fill_bytes(buf);
}

/// This machine's IPv4 addresses that others on the LAN can type.
pub fn local_addresses() -> Vec<std::net::IpAddr> {
    let mut out = Vec::new();
    // The address the OS would use to reach another network; no packet is sent.
    if let Ok(sock) = std::net::UdpSocket::bind("0.0.0.0:0")
        && sock.connect("192.0.2.1:9").is_ok()
        && let Ok(a) = sock.local_addr()
        && !a.ip().is_loopback()
        && !a.ip().is_unspecified()
    {
        out.push(a.ip());
    }
    out.push(std::net::IpAddr::V4(std::net::Ipv4Addr::LOCALHOST));
    out
}
