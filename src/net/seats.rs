//! Who holds which seat, whatever the transport: the join code, the control key,
//! each seat's reconnect token, and which connection (a LAN client or a browser)
//! holds it now. The LAN host and the web gateway both seat people through this one
//! registry, so a seat taken in a browser is taken for the LAN too.
//!
//! Rules of the room, enforced here:
//! - a connection holds at most one seat, and a seat at most one connection; a State
//!   seat and the seats of its bodies exclude each other (one team plays a State
//!   whole, or its bodies play it between them);
//! - claims are idempotent: a connection that asks again for the seat it already
//!   holds (a hello re-sent because the answer was slow) gets the same answer;
//! - a seat is released only by exercise control; a participant whose laptop or
//!   browser restarts takes it back with its token, so nothing can orphan a seat.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use bevy::prelude::{Entity, Resource, warn};

use cbm_ttx_core::engine::{Command, EventKind, Phase, Seat};
use cbm_ttx_core::journal;
use cbm_ttx_core::session::Session;

/// One connection to the host.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Conn {
    /// A LAN client (replicon's client entity).
    Udp(Entity),
    /// A browser, by the number of its web session.
    Web(u64),
}

/// What a connection says when it arrives.
#[derive(Clone, Copy, Debug, Default)]
pub struct Hello<'a> {
    pub code: &'a str,
    pub name: &'a str,
    /// The seat it wants (`ardenia`, `ardenia/cert`).
    pub seat: Option<&'a str>,
    /// The token of the seat it had.
    pub token: Option<&'a str>,
    /// The facilitator's credential.
    pub control_key: Option<&'a str>,
}

/// The registry's answer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Answer {
    /// The connection holds this seat; `token` takes it back after a drop.
    Seated {
        seat: Seat,
        key: String,
        token: String,
    },
    /// Choose a seat (again), with the reason the last choice failed.
    Choose { reason: Option<String> },
    /// Turned away for good (wrong code, wrong key, the exercise has ended).
    Denied(String),
}

/// A seat as the seat picker shows it.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SeatInfo {
    pub key: String,
    pub label: String,
    pub taken: bool,
}

/// Why a host cannot start.
#[derive(Debug, thiserror::Error)]
pub enum HostError {
    #[error("{0}")]
    Random(String),
    #[error(
        "{path}: the host's side file (join code, control key, participants' reconnect tokens) cannot be read: {reason}. Resuming with a new code would lock every participant out; restore the file from a backup, or start a new exercise"
    )]
    SideFile { path: String, reason: String },
}

/// What a host keeps beside its journal, so that after a restart the same code, the
/// same control key and every reconnect token still work.
#[derive(Debug, Default, serde::Serialize, serde::Deserialize)]
struct HostFile {
    code: String,
    control_key: String,
    tokens: BTreeMap<String, String>,
    /// How many seats a headless host waits for before it starts (kept for a resume).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    players: Option<usize>,
}

/// Where the host's side file of a journal is.
pub fn side_file(journal: &Path) -> PathBuf {
    let mut p = journal.as_os_str().to_owned();
    p.push(".host.json");
    PathBuf::from(p)
}

/// Two seats that cannot be held at once: the same, or a State and one of its bodies.
pub fn overlap(a: Seat, b: Seat) -> bool {
    match (a, b) {
        (Seat::State(s), Seat::Body(x)) | (Seat::Body(x), Seat::State(s)) => x.state == s,
        _ => a == b,
    }
}

/// The seats of a hosted exercise and who holds them.
#[derive(Resource, Debug)]
pub struct SeatRegistry {
    pub code: String,
    pub control_key: String,
    /// Seat key → reconnect token.
    tokens: BTreeMap<String, String>,
    /// Seat key → the connection holding it now, and the seat.
    holders: BTreeMap<String, (Conn, Seat)>,
    /// Connections seated as exercise control.
    control: Vec<Conn>,
    side_file: Option<PathBuf>,
    /// Events of the record already checked for freed seats.
    seen: usize,
    /// Per connection: events of the record already sent to it (by its transport).
    sent: BTreeMap<Conn, usize>,
    /// Connections whose seat control freed, not yet collected by their transport.
    freed: Vec<Conn>,
    /// How many seats a headless host waits for before it starts; kept in the side
    /// file so that a resumed host waits for as many (see [`SeatRegistry::set_players`]).
    players: Option<usize>,
}

impl SeatRegistry {
    /// The number of seats a headless host waits for, as last set (or resumed).
    pub fn players(&self) -> Option<usize> {
        self.players
    }

    /// Keep the number of seats a headless host waits for (saved in the side file).
    pub fn set_players(&mut self, n: usize) {
        if self.players != Some(n) {
            self.players = Some(n);
            self.save();
        }
    }

    /// For a new exercise journaled at `journal` (the side file sits beside it). A
    /// code given here is used; otherwise a random one is made.
    pub fn new(code: Option<String>, journal: Option<&Path>) -> Result<Self, HostError> {
        let code = match code
            .map(|c| c.trim().to_uppercase())
            .filter(|c| !c.is_empty())
        {
            Some(c) => c,
            None => super::random_code().map_err(HostError::Random)?,
        };
        let key = super::random_secret().map_err(HostError::Random)?;
        let r = SeatRegistry::with(code, key, BTreeMap::new(), None, journal);
        r.save();
        Ok(r)
    }

    /// For a resumed exercise: the same code, control key and tokens as before, from
    /// the side file. A missing or unreadable side file is an error, never a silent
    /// new code.
    pub fn resume(journal: &Path) -> Result<Self, HostError> {
        let path = side_file(journal);
        let shown = path.display().to_string();
        let side = |reason: String| HostError::SideFile {
            path: shown.clone(),
            reason,
        };
        let bytes = std::fs::read(&path).map_err(|e| side(e.to_string()))?;
        let saved: HostFile = serde_json::from_slice(&bytes).map_err(|e| side(e.to_string()))?;
        if saved.code.trim().is_empty() || saved.control_key.is_empty() {
            return Err(side("it holds no join code or control key".into()));
        }
        Ok(SeatRegistry::with(
            saved.code,
            saved.control_key,
            saved.tokens,
            saved.players,
            Some(journal),
        ))
    }

    fn with(
        code: String,
        control_key: String,
        tokens: BTreeMap<String, String>,
        players: Option<usize>,
        journal: Option<&Path>,
    ) -> Self {
        SeatRegistry {
            code,
            control_key,
            tokens,
            holders: BTreeMap::new(),
            control: Vec::new(),
            side_file: journal.map(side_file),
            seen: 0,
            sent: BTreeMap::new(),
            freed: Vec::new(),
            players,
        }
    }

    /// Write the side file atomically (a crash leaves the old file or the new one).
    fn save(&self) {
        let file = HostFile {
            code: self.code.clone(),
            control_key: self.control_key.clone(),
            tokens: self.tokens.clone(),
            players: self.players,
        };
        if let Some(f) = &self.side_file
            && let Ok(b) = serde_json::to_vec_pretty(&file)
            && let Err(e) = journal::write_atomic(f, &b)
        {
            warn!("cannot save the host's side file {}: {e}", f.display());
        }
    }

    /// Seats claimed by someone (by key), and whether their holder is connected now.
    pub fn seated(&self) -> Vec<(String, bool)> {
        self.tokens
            .keys()
            .map(|k| (k.clone(), self.holders.contains_key(k)))
            .collect()
    }

    /// The seat a connection holds (control included), with its key.
    pub fn held_by(&self, conn: Conn) -> Option<(Seat, String)> {
        if self.control.contains(&conn) {
            return Some((Seat::Control, "control".into()));
        }
        self.holders
            .iter()
            .find(|(_, (c, _))| *c == conn)
            .map(|(k, (_, seat))| (*seat, k.clone()))
    }

    /// The connection that holds a seat now.
    pub fn holder(&self, key: &str) -> Option<Conn> {
        self.holders.get(key).map(|(c, _)| *c)
    }

    /// Every connection holding a seat (control included).
    pub fn connections(&self) -> Vec<Conn> {
        self.holders
            .values()
            .map(|(c, _)| *c)
            .chain(self.control.iter().copied())
            .collect()
    }

    /// A connection went away: its seat stays claimed (its token brings it back).
    pub fn disconnected(&mut self, conn: Conn) {
        self.holders.retain(|_, (c, _)| *c != conn);
        self.control.retain(|c| *c != conn);
        self.sent.remove(&conn);
    }

    /// A transport sent a connection everything up to `events` (a count of events).
    pub fn mark_sent(&mut self, conn: Conn, events: usize) {
        self.sent.insert(conn, events);
    }

    /// Has every claimed seat a connected holder that was sent all `events`?
    pub fn all_caught_up(&self, events: usize) -> bool {
        self.tokens.keys().all(|k| {
            self.holders
                .get(k)
                .is_some_and(|(c, _)| self.sent.get(c).is_some_and(|n| *n >= events))
        })
    }

    /// The seat picker's list: every player seat, taken or free.
    pub fn seat_list(&self, session: &Session) -> Vec<SeatInfo> {
        let s = session.scenario();
        let lang = session.settings().lang;
        let held: Vec<Seat> = self
            .tokens
            .keys()
            .filter_map(|k| Seat::parse(k, s))
            .collect();
        Seat::all_player_seats(s)
            .into_iter()
            .map(|seat| SeatInfo {
                taken: held.iter().any(|h| overlap(*h, seat)),
                label: seat.label(s, lang),
                key: seat.key(s),
            })
            .collect()
    }

    /// A connection arrives or asks for a seat. Claims are journaled (as control's
    /// `TakeSeat`) through the session.
    pub fn hello(&mut self, conn: Conn, h: Hello, session: &mut Session) -> Answer {
        if !h.code.trim().eq_ignore_ascii_case(&self.code) {
            return Answer::Denied("wrong join code".into());
        }
        let scenario = session.scenario().clone();
        let lang = session.settings().lang;
        if let Some(k) = h.control_key {
            if k != self.control_key {
                return Answer::Denied("wrong control key".into());
            }
            self.disconnected(conn);
            self.control.push(conn);
            return Answer::Seated {
                seat: Seat::Control,
                key: "control".into(),
                token: String::new(),
            };
        }
        let held = self
            .holders
            .iter()
            .find(|(_, (c, _))| *c == conn)
            .map(|(k, _)| k.clone());
        // A returning seat: its token is its claim.
        if let Some(t) = h.token
            && let Some(key) = self
                .tokens
                .iter()
                .find(|(_, v)| v.as_str() == t)
                .map(|(k, _)| k.clone())
            && let Some(seat) = Seat::parse(&key, &scenario)
        {
            if let Some(mine) = held.filter(|m| *m != key) {
                return Answer::Choose {
                    reason: Some(format!("this connection already holds {mine}")),
                };
            }
            // An older connection of the same seat (a laptop that came back) loses it.
            self.holders.insert(key.clone(), (conn, seat));
            return Answer::Seated {
                seat,
                key,
                token: t.to_owned(),
            };
        }
        let Some(wanted) = h.seat else {
            return Answer::Choose { reason: None };
        };
        let Some(seat) =
            Seat::parse(wanted, &scenario).filter(|s| matches!(s, Seat::State(_) | Seat::Body(_)))
        else {
            return Answer::Choose {
                reason: Some(format!("there is no seat \"{wanted}\"")),
            };
        };
        let key = seat.key(&scenario);
        // The same claim again (the first answer was slow): the same answer.
        if let Some(mine) = held {
            if mine == key {
                let token = self.tokens.get(&key).cloned().unwrap_or_default();
                return Answer::Seated { seat, key, token };
            }
            let label = Seat::parse(&mine, &scenario)
                .map(|s| s.label(&scenario, lang))
                .unwrap_or(mine);
            return Answer::Choose {
                reason: Some(format!(
                    "this connection holds {label} already; ask exercise control to free it to change seats"
                )),
            };
        }
        let taken = self
            .tokens
            .keys()
            .filter_map(|k| Seat::parse(k, &scenario))
            .find(|other| overlap(*other, seat));
        if let Some(other) = taken {
            let reason = if other == seat {
                format!("{} is taken", seat.label(&scenario, lang))
            } else {
                format!(
                    "{} cannot be taken while {} is held",
                    seat.label(&scenario, lang),
                    other.label(&scenario, lang)
                )
            };
            return Answer::Choose {
                reason: Some(reason),
            };
        }
        if session.situation().phase() == Phase::Ended {
            return Answer::Denied("the exercise has ended".into());
        }
        let name = if h.name.trim().is_empty() {
            "participant".to_owned()
        } else {
            h.name.trim().chars().take(80).collect()
        };
        // The claim goes into the journal like any seat assignment.
        if let Err(e) = session.command(Seat::Control, Command::TakeSeat { seat, name }) {
            return Answer::Choose {
                reason: Some(e.to_string()),
            };
        }
        let token = match super::random_secret() {
            Ok(t) => t,
            Err(e) => return Answer::Denied(e),
        };
        self.tokens.insert(key.clone(), token.clone());
        self.holders.insert(key.clone(), (conn, seat));
        self.save();
        Answer::Seated { seat, key, token }
    }

    /// Seats control freed since the last call: their tokens are void. Returns the
    /// connections that held them (they must pick again).
    pub fn released(&mut self, session: &Session) -> Vec<Conn> {
        self.released_where(session, |_| true)
    }

    /// [`SeatRegistry::released`] for one transport's connections: each transport
    /// (the LAN host, the web gateway) collects its own, whichever asks first.
    pub fn released_where(&mut self, session: &Session, mine: impl Fn(Conn) -> bool) -> Vec<Conn> {
        let events = session.events();
        let mut changed = false;
        for e in &events[self.seen.min(events.len())..] {
            if let EventKind::SeatFreed { seat } = &e.kind {
                let key = seat.key(session.scenario());
                changed |= self.tokens.remove(&key).is_some();
                if let Some((c, _)) = self.holders.remove(&key) {
                    self.freed.push(c);
                }
            }
        }
        self.seen = events.len();
        if changed {
            self.save();
        }
        let (out, rest) = std::mem::take(&mut self.freed)
            .into_iter()
            .partition(|c| mine(*c));
        self.freed = rest;
        out
    }
}
