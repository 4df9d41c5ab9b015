//! The append-only journal: the record of an exercise and its source of truth.
//!
//! One JSON object per line. The first line is a [`Header`] naming the scenario (by
//! content hash) and the seed; every further line is one [`Event`]. Events are written
//! and flushed before anything acts on them. A torn last line (the power went in the
//! middle of a write) is reported and set aside, never taking earlier events with it.

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::engine::{Event, Game, ReplayError};
use crate::scenario::Scenario;
use std::sync::Arc;

pub const FORMAT: u32 = 1;
/// No journal line is longer than this; a longer one is damage, not data.
pub const MAX_LINE_BYTES: usize = 1024 * 1024;

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    pub cbm_ttx_journal: u32,
    pub scenario_id: String,
    pub scenario_hash: String,
    pub seed: u64,
    /// Set when this exercise was forked from another journal.
    #[serde(default)]
    pub origin: Option<ForkOrigin>,
    /// The scenario file the exercise was started from, as a hint for resuming.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_path: Option<String>,
}

/// Where a forked exercise came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForkOrigin {
    pub journal: String,
    /// The fork continues from the start of this round.
    pub round: u8,
    /// How many events of the original it took over.
    pub events: u32,
}

impl Header {
    pub fn new(scenario: &Scenario, seed: u64) -> Header {
        Header {
            cbm_ttx_journal: FORMAT,
            scenario_id: scenario.id.clone(),
            scenario_hash: scenario.content_hash.clone(),
            seed,
            origin: None,
            scenario_path: None,
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    #[error("{path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("{path}: the file is empty, not a journal")]
    Empty { path: String },
    #[error("{path}:1: not a cbm-ttx journal header ({reason})")]
    BadHeader { path: String, reason: String },
    #[error("{path}: journal format {found} is newer than this program understands ({FORMAT})")]
    NewerFormat { path: String, found: u32 },
    #[error(
        "{path}:{line}: damaged event ({reason}); {after} later line(s) follow it, so the journal cannot be trusted past this point"
    )]
    Corrupt {
        path: String,
        line: usize,
        reason: String,
        after: usize,
    },
    #[error(
        "{path}: recorded for scenario \"{journal_id}\" with content {journal_hash:.12}…, but the scenario given is \"{scenario_id}\" with content {scenario_hash:.12}…; resume it with the scenario file it was recorded with"
    )]
    ScenarioMismatch {
        path: String,
        journal_id: String,
        journal_hash: String,
        scenario_id: String,
        scenario_hash: String,
    },
    #[error("{path}: {source}")]
    Replay { path: String, source: ReplayError },
}

/// A torn final line that was skipped.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TornTail {
    /// 1-based line number in the file.
    pub line: usize,
    /// Byte offset where the torn line starts.
    pub offset: u64,
    pub bytes: Vec<u8>,
}

#[derive(Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub header: Header,
    pub events: Vec<Event>,
    pub torn: Option<TornTail>,
}

impl Loaded {
    /// Refuse a scenario whose content differs from the one recorded.
    pub fn check_scenario(&self, scenario: &Scenario) -> Result<(), JournalError> {
        if self.header.scenario_hash != scenario.content_hash {
            return Err(JournalError::ScenarioMismatch {
                path: self.path.display().to_string(),
                journal_id: self.header.scenario_id.clone(),
                journal_hash: self.header.scenario_hash.clone(),
                scenario_id: scenario.id.clone(),
                scenario_hash: scenario.content_hash.clone(),
            });
        }
        Ok(())
    }

    /// Rebuild the game this journal records.
    pub fn replay(&self, scenario: Arc<Scenario>) -> Result<Game, JournalError> {
        self.check_scenario(&scenario)?;
        Game::replay(scenario, self.header.seed, self.events.clone()).map_err(|source| {
            JournalError::Replay {
                path: self.path.display().to_string(),
                source,
            }
        })
    }
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> JournalError + '_ {
    move |source| JournalError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Read a whole journal. Never panics on any bytes.
pub fn read(path: &Path) -> Result<Loaded, JournalError> {
    let file = File::open(path).map_err(io(path))?;
    read_from(path, BufReader::new(file))
}

pub fn read_from(path: &Path, mut reader: impl BufRead) -> Result<Loaded, JournalError> {
    let shown = path.display().to_string();
    // (line number, byte offset, bytes, ended with newline)
    let mut lines: Vec<(usize, u64, Vec<u8>, bool)> = Vec::new();
    let mut offset = 0u64;
    let mut number = 0;
    loop {
        let mut buf = Vec::new();
        let n = (&mut reader)
            .take(MAX_LINE_BYTES as u64 + 1)
            .read_until(b'\n', &mut buf)
            .map_err(io(path))?;
        if n == 0 {
            break;
        }
        number += 1;
        let newline = buf.last() == Some(&b'\n');
        if !newline && n > MAX_LINE_BYTES {
            // An over-long line: damage. Skip to its end so that the rest can be judged.
            let mut rest = Vec::new();
            let extra = reader.read_until(b'\n', &mut rest).map_err(io(path))?;
            lines.push((number, offset, buf, rest.last() == Some(&b'\n')));
            offset += (n + extra) as u64;
            continue;
        }
        lines.push((number, offset, buf, newline));
        offset += n as u64;
    }
    if lines.is_empty() {
        return Err(JournalError::Empty { path: shown });
    }
    let header_line = &lines[0].2;
    let header: Header =
        serde_json::from_slice(trim_newline(header_line)).map_err(|e| JournalError::BadHeader {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
    if header.cbm_ttx_journal > FORMAT {
        return Err(JournalError::NewerFormat {
            path: shown,
            found: header.cbm_ttx_journal,
        });
    }
    let total = lines.len();
    let mut events = Vec::with_capacity(total - 1);
    let mut torn = None;
    for (i, (line, off, bytes, _newline)) in lines.iter().enumerate().skip(1) {
        let body = trim_newline(bytes);
        if body.iter().all(u8::is_ascii_whitespace) && i + 1 == total {
            continue;
        }
        match serde_json::from_slice::<Event>(body) {
            Ok(e) => events.push(e),
            Err(e) if i + 1 == total => {
                let _ = e;
                torn = Some(TornTail {
                    line: *line,
                    offset: *off,
                    bytes: bytes.clone(),
                });
            }
            Err(e) => {
                return Err(JournalError::Corrupt {
                    path: shown,
                    line: *line,
                    reason: e.to_string(),
                    after: total - i - 1,
                });
            }
        }
    }
    Ok(Loaded {
        path: path.to_owned(),
        header,
        events,
        torn,
    })
}

fn trim_newline(b: &[u8]) -> &[u8] {
    let b = b.strip_suffix(b"\n").unwrap_or(b);
    b.strip_suffix(b"\r").unwrap_or(b)
}

/// How hard each append pushes data towards the disk.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// Flush to the operating system: survives a crash of the program.
    Flush,
    /// Also ask the disk to persist it: survives a power cut.
    Sync,
    /// Flush on every append; [`Writer::sync`] persists everything appended since the
    /// last sync. A host calls it once per frame, before anything is shown or sent,
    /// so that a burst of commands costs one disk sync, not one each.
    Grouped,
}

/// Appends events to a journal file.
pub struct Writer {
    path: PathBuf,
    file: File,
    durability: Durability,
    unsynced: bool,
}

impl Writer {
    /// Start a new journal (fails if the file exists: a journal is never overwritten).
    pub fn create(
        path: &Path,
        header: &Header,
        durability: Durability,
    ) -> Result<Writer, JournalError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(path))?;
        }
        let file = OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(path)
            .map_err(io(path))?;
        let mut w = Writer {
            path: path.to_owned(),
            file,
            durability,
            unsynced: false,
        };
        let line = serde_json::to_string(header).expect("a header always serialises");
        w.write_line(&line)?;
        w.commit()?;
        Ok(w)
    }

    /// Continue a journal after [`read`]: a torn tail is moved to a side file
    /// (`<journal>.torn`) and cut off, so that new events start on a clean line.
    pub fn resume(loaded: &Loaded, durability: Durability) -> Result<Writer, JournalError> {
        let path = &loaded.path;
        if let Some(t) = &loaded.torn {
            let side = side_path(path);
            let mut f = OpenOptions::new()
                .create(true)
                .append(true)
                .open(&side)
                .map_err(io(&side))?;
            f.write_all(&t.bytes).map_err(io(&side))?;
            f.sync_data().map_err(io(&side))?;
            let file = OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(io(path))?;
            file.set_len(t.offset).map_err(io(path))?;
            file.sync_data().map_err(io(path))?;
        }
        let mut file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(io(path))?;
        // A last line complete but for its newline gets one, so the next event starts clean.
        let len = file.metadata().map_err(io(path))?.len();
        if len > 0 {
            let mut last = [0u8; 1];
            let mut r = File::open(path).map_err(io(path))?;
            use std::io::Seek;
            r.seek(std::io::SeekFrom::Start(len - 1))
                .map_err(io(path))?;
            r.read_exact(&mut last).map_err(io(path))?;
            if last[0] != b'\n' {
                file.write_all(b"\n").map_err(io(path))?;
            }
        }
        Ok(Writer {
            path: path.clone(),
            file,
            durability,
            unsynced: false,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append events and flush them (and sync, if asked) before returning.
    pub fn append(&mut self, events: &[Event]) -> Result<(), JournalError> {
        if events.is_empty() {
            return Ok(());
        }
        let mut buf = String::new();
        for e in events {
            buf.push_str(&serde_json::to_string(e).expect("events always serialise"));
            buf.push('\n');
        }
        self.file
            .write_all(buf.as_bytes())
            .map_err(io(&self.path))?;
        self.commit()
    }

    fn write_line(&mut self, line: &str) -> Result<(), JournalError> {
        self.file
            .write_all(line.as_bytes())
            .map_err(io(&self.path))?;
        self.file.write_all(b"\n").map_err(io(&self.path))
    }

    fn commit(&mut self) -> Result<(), JournalError> {
        self.file.flush().map_err(io(&self.path))?;
        match self.durability {
            Durability::Sync => self.file.sync_data().map_err(io(&self.path))?,
            Durability::Grouped => self.unsynced = true,
            Durability::Flush => {}
        }
        Ok(())
    }

    /// Persist everything appended so far (no-op if nothing is waiting).
    pub fn sync(&mut self) -> Result<(), JournalError> {
        if self.unsynced {
            self.file.sync_data().map_err(io(&self.path))?;
            self.unsynced = false;
        }
        Ok(())
    }
}

/// Start a new journal that continues `loaded` from the start of `round`: the events
/// before that round are copied, and the header records where they came from.
pub fn fork(
    loaded: &Loaded,
    round: u8,
    path: &Path,
    durability: Durability,
) -> Result<(Writer, Vec<Event>), JournalError> {
    let events = crate::engine::history::before_round(&loaded.events, round).ok_or_else(|| {
        JournalError::Replay {
            path: loaded.path.display().to_string(),
            source: ReplayError::NoSuchRound { round },
        }
    })?;
    let mut header = loaded.header.clone();
    header.origin = Some(ForkOrigin {
        journal: loaded.path.display().to_string(),
        round,
        events: events.len() as u32,
    });
    let mut w = Writer::create(path, &header, durability)?;
    w.append(events)?;
    Ok((w, events.to_vec()))
}

pub fn side_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".torn");
    PathBuf::from(s)
}

/// The whole journal as bytes, for a game held in memory (tests, simulate).
pub fn to_bytes(header: &Header, events: &[Event]) -> Vec<u8> {
    let mut out = serde_json::to_vec(header).expect("a header always serialises");
    out.push(b'\n');
    for e in events {
        serde_json::to_writer(&mut out, e).expect("events always serialise");
        out.push(b'\n');
    }
    out
}
