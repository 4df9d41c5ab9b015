//! What crosses the network. Clients send [`ClientMsg`]; the host answers with
//! [`ServerMsg`]. Messages are compact postcard; the few fields that hold scenario
//! text (which may be a plain string or a map of languages) travel as JSON inside.
//! A client receives the public scenario and, with each event it may see, the text
//! that event discloses to it ([`cbm_ttx_core::engine::disclose`]) — nothing else.
//! The host's decoder turns anything it cannot read into a counted `Malformed` or
//! `Oversized` message, so nothing unreadable touches the exercise.

use bevy::prelude::*;
use bevy_replicon::bytes::Bytes;
use bevy_replicon::postcard_utils;
use bevy_replicon::shared::message::ctx::{
    ClientReceiveCtx, ClientSendCtx, ServerReceiveCtx, ServerSendCtx,
};
use serde::{Deserialize, Serialize};

use cbm_ttx_core::engine::{Command, Disclosure, Event, Seat, integrity};
use cbm_ttx_core::scenario::{Lang, Scenario};

/// Bumped when messages change shape; host and client must agree.
pub const PROTOCOL_VERSION: u32 = 2;
/// Longest message a client may send.
pub const MAX_CLIENT_BYTES: usize = 64 * 1024;

#[derive(Message, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ClientMsg {
    /// First words of a client: the join code, who it is, and which seat it wants
    /// (or the token of the seat it had).
    Hello {
        protocol: u32,
        code: String,
        name: String,
        seat: Option<String>,
        token: Option<String>,
        /// The facilitator's credential, for a remote control console.
        control_key: Option<String>,
    },
    /// A command for the exercise, in the name of the client's seat.
    Act { cmd: Command },
    /// Not sent by anyone: what the host's decoder makes of bytes it cannot read.
    #[serde(skip)]
    Malformed { bytes: usize },
    #[serde(skip)]
    Oversized { bytes: usize },
}

pub use super::seats::SeatInfo;

/// The host's round clock, as participants show it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClockState {
    /// The round's length, milliseconds.
    pub length_ms: u64,
    /// Time left when the host sent this, milliseconds.
    pub remaining_ms: u64,
    /// Counting down (false: paused or up).
    pub running: bool,
}

#[derive(Message, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ServerMsg {
    /// The code was right but no seat was named (or it was taken): pick one.
    Seats {
        title: String,
        seats: Vec<SeatInfo>,
        reason: Option<String>,
    },
    /// The client holds this seat. `scenario` is the public scenario (nothing
    /// private); the rest arrives with the events the seat may see.
    Welcome {
        seat: Seat,
        seat_key: String,
        token: String,
        #[serde(with = "as_json")]
        scenario: Box<Scenario>,
        /// The language of scenario text the facilitator chose.
        lang: Lang,
        /// A bot playing this seat decides with this seed (see `bot_seed`).
        bot_seed: u64,
    },
    /// Events the seat may see, in order, each with the scenario text it discloses
    /// to the seat. `reset` says the list starts from the beginning (a reconnect).
    Events {
        reset: bool,
        events: Vec<Event>,
        #[serde(with = "as_json")]
        disclosures: Vec<Vec<Disclosure>>,
    },
    /// The host's round clock (None: no timed deliberation open).
    Clock(Option<ClockState>),
    /// A command was refused (the exercise goes on).
    Refused { reason: String },
    /// The host will not talk to this client (wrong code, wrong version).
    Denied { reason: String },
}

/// Is every index in received events and their disclosures within the public
/// scenario the client holds?
pub fn sound(s: &Scenario, events: &[Event], disclosures: &[Vec<Disclosure>]) -> bool {
    events.len() == disclosures.len()
        && events.iter().all(|e| integrity::refers_within_public(s, e))
        && disclosures
            .iter()
            .flatten()
            .all(|d| cbm_ttx_core::engine::disclose::sound(s, d))
}

// ---- framing ------------------------------------------------------------------------

/// Fields that hold scenario text go as JSON (postcard cannot read `Text`'s either-or shape).
mod as_json {
    use serde::de::DeserializeOwned;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    pub fn serialize<T: Serialize, S: Serializer>(value: &T, s: S) -> Result<S::Ok, S::Error> {
        let json = serde_json::to_string(value).map_err(serde::ser::Error::custom)?;
        s.serialize_str(&json)
    }

    pub fn deserialize<'de, T: DeserializeOwned, D: Deserializer<'de>>(
        d: D,
    ) -> Result<T, D::Error> {
        let json = String::deserialize(d)?;
        serde_json::from_str(&json).map_err(serde::de::Error::custom)
    }
}

pub fn serialize_client(_: &mut ClientSendCtx, msg: &ClientMsg, out: &mut Vec<u8>) -> Result<()> {
    postcard_utils::to_extend_mut(msg, out)?;
    Ok(())
}

/// The host's decoder never fails: unreadable input becomes `Malformed` or
/// `Oversized`, so that the host knows who sent it and can count it.
pub fn deserialize_client(_: &mut ServerReceiveCtx, bytes: &mut Bytes) -> Result<ClientMsg> {
    let total = bytes.len();
    if total > MAX_CLIENT_BYTES {
        *bytes = Bytes::new();
        return Ok(ClientMsg::Oversized { bytes: total });
    }
    match postcard_utils::from_buf::<ClientMsg, _>(bytes) {
        Ok(msg) if bytes.is_empty() => Ok(msg),
        // Trailing bytes: not one of ours.
        Ok(_) | Err(_) => {
            *bytes = Bytes::new();
            Ok(ClientMsg::Malformed { bytes: total })
        }
    }
}

pub fn serialize_server(_: &mut ServerSendCtx, msg: &ServerMsg, out: &mut Vec<u8>) -> Result<()> {
    postcard_utils::to_extend_mut(msg, out)?;
    Ok(())
}

pub fn deserialize_server(_: &mut ClientReceiveCtx, bytes: &mut Bytes) -> Result<ServerMsg> {
    Ok(postcard_utils::from_buf(bytes)?)
}
