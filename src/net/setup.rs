//! What to host and whom to join, as plain options (the command line and the app's
//! screens fill them), and the session a host serves.

use std::net::{IpAddr, Ipv4Addr, SocketAddr, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::DEFAULT_PORT;
use crate::storage;
use cbm_ttx_core::journal;
use cbm_ttx_core::scenario::{self, Scenario};
use cbm_ttx_core::session::{Recording, Session};

/// How to host an exercise.
#[derive(Clone, Debug, PartialEq)]
pub struct HostOptions {
    /// Scenario file (default: the bundled reference scenario; with `resume`, the
    /// journal's own copy).
    pub scenario: Option<PathBuf>,
    /// Where to listen (every interface by default).
    pub bind: SocketAddr,
    /// Join code (default: random; on resume, the code used before).
    pub code: Option<String>,
    /// Deliberation clock in seconds (default: the scenario's, or the lobby's).
    pub round_seconds: Option<u32>,
    /// Continue the exercise recorded in this journal.
    pub resume: Option<PathBuf>,
    /// Seed (default: the scenario's).
    pub seed: Option<u64>,
    /// TCP port for participants' browsers (None: no web client). The web gateway
    /// listens on the same address as the LAN.
    pub web_port: Option<u16>,
    /// The address browsers use when it is not this machine's (a reverse proxy).
    pub web_url: Option<String>,
}

impl Default for HostOptions {
    fn default() -> Self {
        HostOptions {
            scenario: None,
            bind: SocketAddr::new(IpAddr::V4(Ipv4Addr::UNSPECIFIED), DEFAULT_PORT),
            code: None,
            round_seconds: None,
            resume: None,
            seed: None,
            web_port: Some(DEFAULT_PORT),
            web_url: None,
        }
    }
}

/// Whom to join.
#[derive(Clone, Debug, PartialEq)]
pub struct JoinOptions {
    /// The host: an address or name, with or without `:port`.
    pub addr: String,
    pub code: String,
    /// The seat to take (`ardenia`, `ardenia/cert`), or choose on screen.
    pub seat: Option<String>,
    /// The participant's name.
    pub name: Option<String>,
}

/// An address with the default port if none is given, resolved to IPv4.
pub fn resolve(addr: &str) -> Result<SocketAddr, String> {
    let with_port = if addr
        .rsplit_once(':')
        .is_some_and(|(_, p)| p.parse::<u16>().is_ok())
    {
        addr.to_owned()
    } else {
        format!("{addr}:{DEFAULT_PORT}")
    };
    with_port
        .to_socket_addrs()
        .map_err(|e| format!("{addr}: {e}"))?
        .find(|a| a.is_ipv4())
        .ok_or_else(|| format!("{addr}: no IPv4 address"))
}

fn load(path: &Path) -> Result<Scenario, String> {
    scenario::load(path)
        .map(|(s, _)| s)
        .map_err(|e| match e.report() {
            Some(r) => format!("{}\n{}", r.summary(), r.lines().join("\n")),
            None => e.to_string(),
        })
}

/// The session to host: resumed from a journal, or new (journaled in `data`).
pub fn host_session(opts: &HostOptions, data: &Path) -> Result<Session, String> {
    if let Some(j) = &opts.resume {
        let loaded = journal::read(j).map_err(|e| e.to_string())?;
        let (scenario, source) = loaded
            .find_scenario(opts.scenario.as_deref(), &[])
            .map_err(|e| {
                format!(
                    "{e}; give its file: cbm-ttx host SCENARIO --resume {}",
                    j.display()
                )
            })?;
        let mut session = Session::resume(&loaded, scenario, source).map_err(|e| e.to_string())?;
        if let Some(secs) = opts.round_seconds {
            session.set_round_seconds(secs).map_err(|e| e.to_string())?;
        }
        return Ok(session);
    }
    let (s, text) = match &opts.scenario {
        Some(p) => {
            let s = load(p)?;
            let text = scenario::read_limited(p)
                .ok()
                .and_then(|b| String::from_utf8(b).ok());
            (s, text)
        }
        None => {
            let which = scenario::bundled::REFERENCE;
            let s = scenario::bundled::load(which).map_err(|r| r.summary())?;
            (s, Some(which.1.to_owned()))
        }
    };
    let seed = opts.seed.unwrap_or(s.seed);
    let recording = Recording {
        path: Some(storage::new_journal_path(data, &s.id)),
        durability: None,
        source_text: text,
    };
    let mut session = Session::start(Arc::new(s), opts.scenario.clone(), seed, recording)
        .map_err(|e| e.to_string())?;
    if let Some(secs) = opts.round_seconds {
        session.set_round_seconds(secs).map_err(|e| e.to_string())?;
    }
    Ok(session)
}
