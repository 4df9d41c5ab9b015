//! What crosses the network. Clients send [`ClientMsg`]; the host answers with
//! [`ServerMsg`]. Messages are compact postcard; the few fields that hold scenario
//! text (which may be a plain string or a map of languages) travel as JSON inside.
//! The host's decoder turns anything it cannot read into a counted `Malformed` or
//! `Oversized` message, so nothing unreadable touches the exercise.

use bevy::prelude::*;
use bevy_replicon::bytes::Bytes;
use bevy_replicon::postcard_utils;
use bevy_replicon::shared::message::ctx::{
    ClientReceiveCtx, ClientSendCtx, ServerReceiveCtx, ServerSendCtx,
};
use serde::{Deserialize, Serialize};

use cbm_ttx_core::engine::{Command, Event, EventKind, Seat};
use cbm_ttx_core::scenario::{
    Effect, FactId, IncidentId, InjectAudience, InjectId, Origin, Scenario, Text, When,
};

/// Bumped when messages change shape; host and client must agree.
pub const PROTOCOL_VERSION: u32 = 1;
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

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SeatInfo {
    pub key: String,
    pub label: String,
    pub taken: bool,
}

#[derive(Message, Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ServerMsg {
    /// The code was right but no seat was named (or it was taken): pick one.
    Seats {
        title: String,
        seats: Vec<SeatInfo>,
        reason: Option<String>,
    },
    /// The client holds this seat. `scenario` has nothing private in it; the rest
    /// arrives with the events the seat may see.
    Welcome {
        seat: Seat,
        seat_key: String,
        token: String,
        #[serde(with = "as_json")]
        scenario: Box<Scenario>,
    },
    /// Events the seat may see, in order, with the texts they reveal. `reset` says the
    /// list starts from the beginning (after a reconnect).
    Events {
        reset: bool,
        events: Vec<Event>,
        #[serde(with = "as_json")]
        disclosures: Vec<Disclosure>,
    },
    /// A command was refused (the exercise goes on).
    Refused { reason: String },
    /// The host will not talk to this client (wrong code, wrong version).
    Denied { reason: String },
}

/// Private scenario content that an event entitles a seat to see.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Disclosure {
    Fact {
        id: FactId,
        text: Text,
        points_to: Option<Origin>,
    },
    Inject {
        id: InjectId,
        text: Text,
        questions: Vec<Text>,
        effects: Vec<Effect>,
    },
    Incident {
        id: IncidentId,
        description: Text,
    },
}

/// The scenario as a client may hold it: structure and public texts, but no hidden
/// origins, fact or inject texts, triggers, effects or objectives, and every
/// directory entry presumed correct.
pub fn redact(s: &Scenario) -> Scenario {
    let mut r = s.clone();
    let nobody = Origin::Actor(cbm_ttx_core::scenario::ActorId(0));
    for inc in &mut r.incidents {
        inc.origin = nobody;
        inc.description = Text::default();
    }
    for f in &mut r.facts {
        f.text = Text::default();
        f.known_by.clear();
        f.points_to = None;
        f.hidden = false;
    }
    for inj in &mut r.injects {
        inj.text = Text::default();
        inj.when = When::Manual;
        inj.audience = InjectAudience::Control;
        inj.effects.clear();
        inj.questions.clear();
        inj.expected.clear();
    }
    for st in &mut r.states {
        for c in &mut st.contacts {
            c.correct = true;
        }
    }
    r.objectives.clear();
    r
}

/// What the events reveal to a seat that already saw them.
pub fn disclosures(s: &Scenario, seat: Seat, events: &[Event]) -> Vec<Disclosure> {
    let mut out = Vec::new();
    for e in events {
        match &e.kind {
            EventKind::FactLearned { fact, .. } => {
                let f = s.fact(*fact);
                out.push(Disclosure::Fact {
                    id: *fact,
                    text: f.text.clone(),
                    points_to: f.points_to,
                });
            }
            EventKind::InjectRevealed { inject, .. } => {
                let i = s.inject(*inject);
                // Only effects on the seat's own State: a State knows of its own reorganisation.
                let effects = i
                    .effects
                    .iter()
                    .filter(
                        |ef| matches!(ef, Effect::BreakContact(st, _) if Some(*st) == seat.state()),
                    )
                    .cloned()
                    .collect();
                out.push(Disclosure::Inject {
                    id: *inject,
                    text: i.text.clone(),
                    questions: i.questions.clone(),
                    effects,
                });
            }
            EventKind::IncidentOpened { incident } => {
                out.push(Disclosure::Incident {
                    id: *incident,
                    description: s.incident(*incident).description.clone(),
                });
            }
            _ => {}
        }
    }
    out
}

/// Fold disclosures into the client's copy of the scenario. Out-of-range ids from a
/// misbehaving host are ignored.
pub fn apply_disclosures(s: &mut Scenario, seat: Seat, list: &[Disclosure]) {
    for d in list {
        match d {
            Disclosure::Fact {
                id,
                text,
                points_to,
            } => {
                if let Some(f) = s.facts.get_mut(id.index()) {
                    f.text = text.clone();
                    f.points_to = *points_to;
                }
            }
            Disclosure::Inject {
                id,
                text,
                questions,
                effects,
            } => {
                if let Some(i) = s.injects.get_mut(id.index()) {
                    i.text = text.clone();
                    i.questions = questions.clone();
                    i.effects = effects.clone();
                    i.audience = match seat.state() {
                        Some(st) => InjectAudience::States(cbm_ttx_core::scenario::StateSet::one(st)),
                        None => InjectAudience::Public,
                    };
                }
            }
            Disclosure::Incident { id, description } => {
                if let Some(i) = s.incidents.get_mut(id.index()) {
                    i.description = description.clone();
                }
            }
        }
    }
}

/// Is every index in a received event and its disclosures within the scenario?
pub fn sound(s: &Scenario, events: &[Event], disclosures: &[Disclosure]) -> bool {
    events
        .iter()
        .all(|e| cbm_ttx_core::engine::integrity::refers_within(s, e))
        && disclosures.iter().all(|d| match d {
            Disclosure::Fact { id, .. } => id.index() < s.facts.len(),
            Disclosure::Inject { id, effects, .. } => {
                id.index() < s.injects.len()
                    && effects.iter().all(
                        |e| matches!(e, Effect::BreakContact(st, _) if st.index() < s.states.len()),
                    )
            }
            Disclosure::Incident { id, .. } => id.index() < s.incidents.len(),
        })
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
