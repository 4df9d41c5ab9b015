//! LAN play: the facilitator's machine hosts the exercise; participants join from
//! their laptops. Built on bevy_replicon's messages over renet (UDP).
//!
//! The host is authoritative: it runs the exercise's session service
//! ([`crate::exercise::Exercise`]). Every command from the network goes through the
//! same `Session::command` as a local one, so the engine checks seat and phase. Each
//! client receives the public scenario, only the events whose audience includes its
//! seat, and only the scenario text those events disclose to it
//! ([`cbm_ttx_core::engine::disclose`]).

pub mod client;
pub mod director;
pub mod host;
pub mod protocol;
pub mod seats;
pub mod setup;
pub mod transport;

use bevy::prelude::*;
use bevy_replicon::prelude::*;

pub use protocol::{ClientMsg, ServerMsg};
pub use setup::{HostOptions, JoinOptions};

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
/// One line of load figures, as the load scripts read it: `"{what}: {n} {unit}, p50
/// … ms, p99 … ms, max … ms"` for `samples` in seconds (sorted here; nearest-rank
/// quantiles), or `None` with no samples.
pub fn latency_line(what: &str, unit: &str, samples: &mut [f64]) -> Option<String> {
    if samples.is_empty() {
        return None;
    }
    samples.sort_by(f64::total_cmp);
    let q = |p: f64| samples[((samples.len() - 1) as f64 * p).round() as usize] * 1000.0;
    Some(format!(
        "{what}: {} {unit}, p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        samples.len(),
        q(0.5),
        q(0.99),
        q(1.0)
    ))
}

pub fn random_code() -> Result<String, String> {
    const ALPHABET: &[u8] = b"ABCDEFGHJKMNPQRSTUVWXYZ23456789";
    let mut bytes = [0u8; 6];
    fill_random(&mut bytes)?;
    // 256 is not a multiple of 31: the small bias does not matter for a room code.
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[*b as usize % ALPHABET.len()] as char)
        .collect())
}

/// A secret for reconnect tokens and the control key: 128 bits from the OS.
pub fn random_secret() -> Result<String, String> {
    let mut b = [0u8; 16];
    fill_random(&mut b)?;
    Ok(b.iter().map(|x| format!("{x:02x}")).collect())
}

/// Bytes from the operating system's random number generator.
fn fill_random(buf: &mut [u8]) -> Result<(), String> {
    use rand::TryRng;
    rand::rngs::SysRng
        .try_fill_bytes(buf)
        .map_err(|e| format!("the operating system gave no random numbers: {e}"))
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
