//! The append-only journal: the record of an exercise and its source of truth.
//!
//! # Format (version 2)
//!
//! Line 1 is a [`Header`] (JSON): the scenario's id and content hash, the seed, the
//! scenario's own text (so a report can be made on another machine), where it was
//! forked from. Every further line is one [`Batch`], framed with a checksum:
//!
//! ```text
//! {"sum":"<16 hex digits>","batch":{"at":"2026-11-29T20:31:02.123Z","entry":{...}}}
//! ```
//!
//! `sum` is the first 8 bytes of the BLAKE3 hash of the previous line's `sum` (for the
//! first entry: the checksum of the header line) followed by the bytes after
//! `"batch":` up to the line's final `}`. So each sum covers every line before it:
//! an altered header, or a line removed, duplicated or moved, breaks the chain at
//! the next entry. A batch holds *everything one command did*: the seat, the
//! command and all its events, so a crash commits a command whole or not at all.
//! `at` is the wall-clock time (UTC) it was recorded, outside the engine's
//! deterministic content.
//!
//! # Damage
//!
//! A last line without its newline that is the start of an entry (or only zero
//! bytes) is a *torn* write (the power went mid-write): it is set aside in
//! `<journal>.torn`, never silently lost. Any line with a newline whose checksum or
//! content is wrong is *corruption*: the journal is refused with the file and line,
//! and nothing is cut. So is a last line that no write cut short could leave: a
//! complete entry whose checksum does not match, one followed by stray bytes, or
//! text no entry starts with. On replay every command is executed again
//! and must give exactly the events recorded for it, so a foreign or altered record
//! is refused with the line that gives it away.
//!
//! Version 1 journals (one event per line, no commands, no times) still read,
//! replay and report; resuming one rewrites it as version 2 first (the original is
//! kept as `<journal>.v1`).

use std::fs::{File, OpenOptions};
use std::io::{BufRead, BufReader, Read, Seek, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::clock::Timestamp;
use crate::engine::{Command, Event, Game, ReplayError, Reseed, Seat};
use crate::scenario::{self, Lang, Scenario};

/// The journal format this program writes.
pub const FORMAT: u32 = 2;
/// No batch line is longer than this; a longer one is damage, not data.
pub const MAX_LINE_BYTES: usize = 8 * 1024 * 1024;
/// The header may hold a whole scenario file (JSON-escaped).
pub const MAX_HEADER_BYTES: usize = 6 * scenario::compile::MAX_FILE_BYTES + 1024 * 1024;
/// Events per batch when a version 1 journal is rewritten.
const MIGRATION_CHUNK: usize = 1000;

/// The first line of a journal (plain JSON, no checksum frame; at most
/// [`MAX_HEADER_BYTES`]).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Header {
    /// The journal format version ([`FORMAT`] for new journals; 1 for old ones).
    /// Its presence marks the file as a cbm-ttx journal.
    pub cbm_ttx_journal: u32,
    /// The scenario's id, for messages.
    pub scenario_id: String,
    /// The scenario's content hash (hex BLAKE3, [`Scenario::content_hash`]): the
    /// journal replays only against the same content.
    pub scenario_hash: String,
    /// The exercise's seed (chance draws are keyed by it).
    pub seed: u64,
    /// Set when this exercise was forked from another journal.
    #[serde(default)]
    pub origin: Option<ForkOrigin>,
    /// The scenario file the exercise was started from, as a hint for resuming.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_path: Option<String>,
    /// The scenario file's text, so the record can be replayed and reported anywhere.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scenario_source: Option<String>,
    /// When the journal was created.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<Timestamp>,
    /// The version of the rules the exercise is played under (1 before versions were
    /// recorded; see [`crate::engine::rules::RULES`]).
    #[serde(default = "first_rules")]
    pub rules: u32,
    /// Rounds from which chance draws use another seed, ascending: a fork made to
    /// explore other outcomes ([`crate::engine::Reseed`]). Empty for most exercises.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub reseeds: Vec<Reseed>,
}

fn first_rules() -> u32 {
    1
}

/// Where a forked exercise came from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForkOrigin {
    /// The original journal's path, as given when forking.
    pub journal: String,
    /// The fork continues from the start of this round.
    pub round: u8,
    /// How many events of the original it took over.
    pub events: u32,
}

impl Header {
    /// A version-2 header for a new exercise of this scenario.
    pub fn new(scenario: &Scenario, seed: u64) -> Header {
        Header {
            cbm_ttx_journal: FORMAT,
            scenario_id: scenario.id.clone(),
            scenario_hash: scenario.content_hash.clone(),
            seed,
            origin: None,
            scenario_path: None,
            scenario_source: None,
            created: None,
            rules: crate::engine::rules::RULES,
            reseeds: Vec::new(),
        }
    }
}

/// Settings of the exercise that live outside the rules: the round clock the
/// facilitator chose and the language of scenario text on screens and reports.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settings {
    /// Deliberation clock for new rounds, seconds (0: none).
    pub round_seconds: u32,
    /// The language of scenario text on screens and in reports.
    pub lang: Lang,
}

/// What one journal line records.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum Entry {
    /// A command and every event it made.
    Command {
        /// The seat that gave it.
        seat: Seat,
        /// The command.
        command: Command,
        /// Every event it made, in order (at least one).
        events: Vec<Event>,
    },
    /// Events without their command (rewritten from a version 1 journal).
    Events {
        /// The events, in order.
        events: Vec<Event>,
    },
    /// The facilitator changed the settings.
    Settings(Settings),
}

/// One journal line: an entry and when it was recorded.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Batch {
    /// Wall-clock time (UTC); absent for entries rewritten from version 1.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub at: Option<Timestamp>,
    /// What the line records.
    pub entry: Entry,
}

impl Batch {
    /// The events this batch holds.
    pub fn events(&self) -> &[Event] {
        match &self.entry {
            Entry::Command { events, .. } | Entry::Events { events } => events,
            Entry::Settings(_) => &[],
        }
    }
}

/// Why a journal cannot be read, written or replayed. Every variant names the file;
/// those about one line give its number (1 is the header).
#[derive(Debug, thiserror::Error)]
pub enum JournalError {
    /// Opening, reading, writing, syncing or renaming a file failed (also: creating
    /// over an existing journal, as `AlreadyExists`).
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file has no bytes at all.
    #[error("{path}: the file is empty, not a journal")]
    Empty {
        /// The file.
        path: String,
    },
    /// Line 1 is not a journal header in JSON.
    #[error("{path}:1: not a cbm-ttx journal header ({reason})")]
    BadHeader {
        /// The file.
        path: String,
        /// What the JSON parser said.
        reason: String,
    },
    /// The header's format is above [`FORMAT`].
    #[error("{path}: journal format {found} is newer than this program understands ({FORMAT})")]
    NewerFormat {
        /// The file.
        path: String,
        /// The format the header names.
        found: u32,
    },
    /// A complete line (with its newline) whose frame, checksum or content is wrong.
    #[error(
        "{path}:{line}: damaged entry ({reason}); the journal is refused as it is, nothing was cut (make a copy before repairing it by hand)"
    )]
    Corrupt {
        /// The file.
        path: String,
        /// 1-based line number.
        line: usize,
        /// What is wrong, in words.
        reason: String,
    },
    /// The scenario given has other content than the one recorded.
    #[error(
        "{path}: recorded for scenario \"{journal_id}\" with content {journal_hash:.12}…, but the scenario given is \"{scenario_id}\" with content {scenario_hash:.12}…; use the scenario file it was recorded with"
    )]
    ScenarioMismatch {
        /// The journal.
        path: String,
        /// The scenario id in the header.
        journal_id: String,
        /// The content hash in the header.
        journal_hash: String,
        /// The given scenario's id.
        scenario_id: String,
        /// The given scenario's content hash.
        scenario_hash: String,
    },
    /// Replaying the record failed at a line.
    #[error("{path}:{line}: {source}")]
    Replay {
        /// The journal.
        path: String,
        /// 1-based line number of the entry at fault.
        line: usize,
        /// Why replay failed.
        source: ReplayError,
    },
    /// No copy of the recorded scenario could be found ([`Loaded::find_scenario`]).
    #[error(
        "{path}: cannot find the scenario \"{scenario_id}\" this journal was recorded with (it holds no copy, and no file at hand has the same content)"
    )]
    ScenarioNotFound {
        /// The journal.
        path: String,
        /// The scenario id in the header.
        scenario_id: String,
    },
    /// An earlier write failed and could not be undone; the writer refuses to append.
    #[error(
        "{path}: the journal could not be written before ({reason}); nothing more is recorded until the exercise is resumed from it"
    )]
    Broken {
        /// The journal.
        path: String,
        /// The first failure.
        reason: String,
    },
}

/// A torn final line that was set aside.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TornTail {
    /// 1-based line number in the file.
    pub line: usize,
    /// Byte offset where the torn line starts.
    pub offset: u64,
    /// The torn line's bytes, as read.
    pub bytes: Vec<u8>,
}

/// A journal as read from disk.
#[derive(Debug)]
pub struct Loaded {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its header.
    pub header: Header,
    /// Every entry, with its 1-based line number (the header is line 1), in order. A
    /// version 1 journal gives one `Entry::Events` with one event per line.
    pub batches: Vec<(usize, Batch)>,
    /// A last line cut short of its newline that did not decode, if any.
    pub torn: Option<TornTail>,
    /// The checksum the next entry chains from: the last complete entry's `sum`, or
    /// the header line's checksum (empty for a version 1 journal, which has no chain).
    pub tip: String,
}

impl Loaded {
    /// Every event of the record, in order.
    pub fn events(&self) -> Vec<Event> {
        self.batches
            .iter()
            .flat_map(|(_, b)| b.events().iter().cloned())
            .collect()
    }

    /// The last settings recorded, if any.
    pub fn settings(&self) -> Option<&Settings> {
        self.batches.iter().rev().find_map(|(_, b)| match &b.entry {
            Entry::Settings(s) => Some(s),
            _ => None,
        })
    }

    /// Refuse a scenario whose content differs from the one recorded
    /// ([`JournalError::ScenarioMismatch`]).
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

    /// Rebuild the game this journal records, checking every entry: each command is
    /// executed again and must give exactly the recorded events (events kept without
    /// their command are traced back to it first). An old record that ends in the
    /// middle of a command (a crash mid-write) replays without that command; see
    /// [`Writer::resume`]. Plays under the rules the header records. Errors:
    /// [`JournalError::ScenarioMismatch`], or [`JournalError::Replay`] with the line
    /// at fault.
    pub fn replay(&self, scenario: Arc<Scenario>) -> Result<Game, JournalError> {
        self.check_scenario(&scenario)?;
        let mut game = Game::with_rules(scenario, self.header.seed, self.header.rules);
        let path = self.path.display().to_string();
        for r in &self.header.reseeds {
            game.reseed(*r).map_err(|e| JournalError::BadHeader {
                path: path.clone(),
                reason: format!("reseed from round {}: {e}", r.round),
            })?;
        }
        let mut rest = &self.batches[..];
        while let Some(((line, batch), after)) = rest.split_first() {
            rest = after;
            match &batch.entry {
                Entry::Command {
                    seat,
                    command,
                    events,
                } => {
                    let index = game.events().len();
                    game.redo(index, *seat, command.clone(), events)
                        .map_err(|source| JournalError::Replay {
                            path: path.clone(),
                            line: *line,
                            source,
                        })?;
                }
                Entry::Settings(_) => {}
                Entry::Events { .. } => {
                    // A run of entries without commands (one event per line in old
                    // records) is traced back to its commands as a whole.
                    let run = 1 + rest
                        .iter()
                        .take_while(|(_, b)| matches!(b.entry, Entry::Events { .. }))
                        .count();
                    let batches = &self.batches[self.batches.len() - rest.len() - 1..][..run];
                    rest = &rest[run - 1..];
                    let mut events = Vec::new();
                    let mut lines = Vec::new();
                    for (l, b) in batches {
                        for e in b.events() {
                            events.push(e.clone());
                            lines.push(*l);
                        }
                    }
                    let start = game.events().len();
                    let line_of = |e: &ReplayError| {
                        e.event()
                            .and_then(|n| n.checked_sub(start))
                            .and_then(|k| lines.get(k).copied())
                            .unwrap_or(*line)
                    };
                    let dropped =
                        game.redo_events(&events)
                            .map_err(|source| JournalError::Replay {
                                path: path.clone(),
                                line: line_of(&source),
                                source,
                            })?;
                    if dropped > 0 && !rest.is_empty() {
                        let source = ReplayError::Incomplete {
                            index: game.events().len(),
                        };
                        return Err(JournalError::Replay {
                            path,
                            line: line_of(&source),
                            source,
                        });
                    }
                }
            }
        }
        Ok(game)
    }

    /// The scenario this journal was recorded with: the file given, else its own
    /// copy, else the file it names, else a bundled scenario or one of `candidates`
    /// with the same content. Returns the scenario and the file it came from (`None`
    /// for the journal's own copy when its file is gone or changed, and for a bundled
    /// scenario). Errors: [`FindError::Load`] if the given file cannot be loaded,
    /// [`FindError::Journal`] with `ScenarioMismatch` if it has other content, or with
    /// `ScenarioNotFound` if nothing matches.
    pub fn find_scenario(
        &self,
        given: Option<&Path>,
        candidates: &[(Arc<Scenario>, Option<PathBuf>)],
    ) -> Result<(Arc<Scenario>, Option<PathBuf>), FindError> {
        let hash = &self.header.scenario_hash;
        if let Some(p) = given {
            let (s, _) = scenario::load(p).map_err(FindError::Load)?;
            self.check_scenario(&s).map_err(FindError::Journal)?;
            return Ok((Arc::new(s), Some(p.to_owned())));
        }
        let recorded = self.header.scenario_path.as_ref().map(PathBuf::from);
        if let Some(src) = &self.header.scenario_source
            && let Some(s) = scenario::compile_str("journal", src).scenario
            && &s.content_hash == hash
        {
            // Point at the file too when it is still there and unchanged.
            let file =
                recorded.filter(|p| scenario::load(p).is_ok_and(|(f, _)| &f.content_hash == hash));
            return Ok((Arc::new(s), file));
        }
        if let Some(p) = &recorded
            && let Ok((s, _)) = scenario::load(p)
            && &s.content_hash == hash
        {
            return Ok((Arc::new(s), Some(p.clone())));
        }
        for which in scenario::bundled::ALL {
            if let Ok(s) = scenario::bundled::load(which)
                && &s.content_hash == hash
            {
                return Ok((Arc::new(s), None));
            }
        }
        if let Some((s, p)) = candidates.iter().find(|(s, _)| &s.content_hash == hash) {
            return Ok((s.clone(), p.clone()));
        }
        Err(FindError::Journal(JournalError::ScenarioNotFound {
            path: self.path.display().to_string(),
            scenario_id: self.header.scenario_id.clone(),
        }))
    }
}

/// Why the scenario of a journal could not be found.
#[derive(Debug, thiserror::Error)]
pub enum FindError {
    /// The scenario given differs from the recorded one, or none was found.
    #[error("{0}")]
    Journal(JournalError),
    /// The scenario file given could not be read or has errors.
    #[error("{0}")]
    Load(scenario::LoadError),
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> JournalError + '_ {
    move |source| JournalError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Read a whole journal. Never panics on any bytes. Errors: [`JournalError::Io`],
/// `Empty`, `BadHeader`, `NewerFormat`, or `Corrupt` for the first damaged line; a
/// torn last line is not an error but [`Loaded::torn`]. Does not replay: see
/// [`Loaded::replay`].
pub fn read(path: &Path) -> Result<Loaded, JournalError> {
    let file = File::open(path).map_err(io(path))?;
    read_from(path, BufReader::new(file))
}

/// A line as read: number, byte offset, bytes (newline included), ended by a newline.
struct RawLine {
    number: usize,
    offset: u64,
    bytes: Vec<u8>,
    newline: bool,
}

fn read_line(reader: &mut impl BufRead, limit: usize) -> std::io::Result<Option<(Vec<u8>, usize)>> {
    let mut buf = Vec::new();
    let n = (&mut *reader)
        .take(limit as u64 + 1)
        .read_until(b'\n', &mut buf)?;
    if n == 0 {
        return Ok(None);
    }
    if buf.last() != Some(&b'\n') && n > limit {
        // An over-long line: damage. Skip to its end so that the rest can be judged.
        let mut rest = Vec::new();
        let extra = reader.read_until(b'\n', &mut rest)?;
        if rest.last() == Some(&b'\n') {
            buf.push(b'\n');
        }
        return Ok(Some((buf, n + extra)));
    }
    Ok(Some((buf, n)))
}

/// Read a journal from any reader; `path` names it in errors. As [`read`].
pub fn read_from(path: &Path, mut reader: impl BufRead) -> Result<Loaded, JournalError> {
    let shown = path.display().to_string();
    let Some((first, first_len)) = read_line(&mut reader, MAX_HEADER_BYTES).map_err(io(path))?
    else {
        return Err(JournalError::Empty { path: shown });
    };
    let header: Header =
        serde_json::from_slice(trim_newline(&first)).map_err(|e| JournalError::BadHeader {
            path: shown.clone(),
            reason: e.to_string(),
        })?;
    if header.cbm_ttx_journal > FORMAT {
        return Err(JournalError::NewerFormat {
            path: shown,
            found: header.cbm_ttx_journal,
        });
    }
    let mut lines = Vec::new();
    let mut offset = first_len as u64;
    let mut number = 1;
    while let Some((bytes, n)) = read_line(&mut reader, MAX_LINE_BYTES).map_err(io(path))? {
        number += 1;
        let newline = bytes.last() == Some(&b'\n');
        lines.push(RawLine {
            number,
            offset,
            bytes,
            newline,
        });
        offset += n as u64;
    }
    let legacy = header.cbm_ttx_journal < 2;
    let mut tip = if legacy {
        String::new()
    } else {
        checksum(trim_newline(&first))
    };
    let total = lines.len();
    let mut batches = Vec::with_capacity(total);
    let mut torn = None;
    for (i, line) in lines.into_iter().enumerate() {
        let last = i + 1 == total;
        let body = trim_newline(&line.bytes);
        if body.iter().all(u8::is_ascii_whitespace) && last {
            continue;
        }
        let parsed = if legacy {
            serde_json::from_slice::<Event>(body)
                .map(|e| Batch {
                    at: None,
                    entry: Entry::Events { events: vec![e] },
                })
                .map_err(|e| e.to_string())
        } else {
            decode(body, &tip).map(|(b, sum)| {
                tip = sum;
                b
            })
        };
        match parsed {
            Ok(b) => batches.push((line.number, b)),
            // Only a last line cut short of its newline is a torn write, and only
            // if it could be what a write cut short leaves: the start of an entry.
            Err(_) if last && !line.newline && !legacy && !could_be_torn(body) => {
                let reason = if complete_with_junk(body) {
                    "a complete entry followed by stray bytes (damage, not a torn write)"
                } else if decode(body, "").is_err_and(|e| e.starts_with("checksum")) {
                    "a complete entry whose checksum does not match (damage, not a torn write)"
                } else {
                    "the last line is not the start of an entry, as a write cut short would leave (damage, not a torn write)"
                };
                return Err(JournalError::Corrupt {
                    path: shown,
                    line: line.number,
                    reason: reason.into(),
                });
            }
            Err(_) if last && !line.newline => {
                torn = Some(TornTail {
                    line: line.number,
                    offset: line.offset,
                    bytes: line.bytes,
                });
            }
            Err(reason) => {
                return Err(JournalError::Corrupt {
                    path: shown,
                    line: line.number,
                    reason,
                });
            }
        }
    }
    Ok(Loaded {
        path: path.to_owned(),
        header,
        batches,
        torn,
        tip,
    })
}

/// Could `line` (the last line of a version-2 journal, without its newline) be what a
/// write cut short leaves? Yes for a proper prefix of a framed entry
/// (`{"sum":"<16 hex>","batch":<JSON>}` with its end missing) and for zero bytes only
/// (some file systems extend a file before its data reaches the disk). No for a
/// complete entry (whatever its checksum), anything after one, or text that no
/// entry starts with.
fn could_be_torn(line: &[u8]) -> bool {
    if !line.is_empty() && line.iter().all(|&b| b == 0) {
        return true;
    }
    // The fixed parts in order; each must match as far as the line goes.
    let is_hex = |b: &u8| b.is_ascii_digit() || (b'a'..=b'f').contains(b);
    let mut at = 0;
    // (the part's bytes, or as many hex digits as the part is long)
    let parts: [(&[u8], bool); 3] = [(PREFIX, false), (&[0; SUM_HEX], true), (MIDDLE, false)];
    for (part, hex) in parts {
        let end = line.len().min(at + part.len());
        let got = &line[at..end];
        let fits = if hex {
            got.iter().all(is_hex)
        } else {
            part.starts_with(got)
        };
        if !fits {
            return false;
        }
        if end == line.len() {
            return true;
        }
        at = end;
    }
    // The batch's JSON, then `}`: cut short means the JSON ends early, or it is
    // whole and the brace is missing.
    let rest = &line[at..];
    let mut values =
        serde_json::Deserializer::from_slice(rest).into_iter::<serde::de::IgnoredAny>();
    match values.next() {
        None => true,
        Some(Err(e)) if e.is_eof() => true,
        // serde_json calls a number cut short (`-`, `1.`, `2e`) invalid, not unfinished:
        // with a digit after it, a prefix of JSON reads on to the end.
        Some(Err(_)) => {
            let mut more = rest.to_vec();
            more.push(b'0');
            serde_json::from_slice::<serde::de::IgnoredAny>(&more).is_err_and(|e| e.is_eof())
        }
        Some(Ok(_)) => values.byte_offset() == rest.len(),
    }
}

/// Does `line` start with a whole JSON value and go on after it?
fn complete_with_junk(line: &[u8]) -> bool {
    let mut values = serde_json::Deserializer::from_slice(line).into_iter::<serde_json::Value>();
    matches!(values.next(), Some(Ok(_))) && values.byte_offset() < line.len()
}

const PREFIX: &[u8] = b"{\"sum\":\"";
const SUM_HEX: usize = 16;
const MIDDLE: &[u8] = b"\",\"batch\":";

fn checksum(bytes: &[u8]) -> String {
    let h = blake3::hash(bytes);
    h.as_bytes()[..SUM_HEX / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The sum of an entry's JSON `body` chained from `prev` (the previous entry's sum,
/// or the header line's [`header_link`]): 16 hex digits.
fn chained(prev: &str, body: &[u8]) -> String {
    let mut h = blake3::Hasher::new();
    h.update(prev.as_bytes());
    h.update(body);
    h.finalize().as_bytes()[..SUM_HEX / 2]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Where a journal's chain starts: the checksum of its header line (without the
/// newline), as written.
pub fn header_link(header_line: &[u8]) -> String {
    checksum(trim_newline(header_line))
}

/// One framed line (without its newline) chained from `prev`:
/// `{"sum":"<16 hex>","batch":<JSON>}`. Returns the line and its sum (the next
/// entry's `prev`).
pub fn encode(batch: &Batch, prev: &str) -> (Vec<u8>, String) {
    let body = serde_json::to_vec(batch).expect("a batch always serialises");
    let sum = chained(prev, &body);
    let mut out = Vec::with_capacity(body.len() + 48);
    out.extend_from_slice(PREFIX);
    out.extend_from_slice(sum.as_bytes());
    out.extend_from_slice(MIDDLE);
    out.extend_from_slice(&body);
    out.push(b'}');
    (out, sum)
}

/// A whole version-2 journal: the header line, then each batch chained from it.
pub fn frame(header: &Header, batches: &[Batch]) -> Vec<u8> {
    let mut out = serde_json::to_vec(header).expect("a header always serialises");
    let mut tip = header_link(&out);
    out.push(b'\n');
    for b in batches {
        let (line, sum) = encode(b, &tip);
        out.extend(line);
        out.push(b'\n');
        tip = sum;
    }
    out
}

/// Check a framed line's checksum, chained from `prev`, and read its batch; returns
/// it with the line's sum. `line` has no newline. Errors, in words: not a framed
/// entry, checksum mismatch (this line altered, or a line before it altered,
/// removed, duplicated or moved), or unreadable JSON.
pub fn decode(line: &[u8], prev: &str) -> Result<(Batch, String), String> {
    let head = PREFIX.len() + SUM_HEX + MIDDLE.len();
    if line.len() < head + 1
        || !line.starts_with(PREFIX)
        || &line[PREFIX.len() + SUM_HEX..head] != MIDDLE
        || line.last() != Some(&b'}')
    {
        return Err("not a checksummed journal entry".into());
    }
    let sum = &line[PREFIX.len()..PREFIX.len() + SUM_HEX];
    let body = &line[head..line.len() - 1];
    let expected = chained(prev, body);
    if expected.as_bytes() != sum {
        return Err(
            "checksum mismatch: this line was altered, or the header or a line before it was altered, removed, duplicated or moved (each checksum covers every line before it)"
                .into(),
        );
    }
    serde_json::from_slice(body)
        .map(|b| (b, expected))
        .map_err(|e| format!("unreadable entry: {e}"))
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

/// Appends batches to a journal file.
pub struct Writer {
    path: PathBuf,
    file: File,
    durability: Durability,
    unsynced: bool,
    /// Length of the file up to the last complete line.
    len: u64,
    /// Set when a failed write could not be undone: nothing more is written.
    broken: Option<String>,
    /// The sum the next entry chains from.
    tip: String,
}

impl Writer {
    /// Start a new journal (fails if the file exists: a journal is never overwritten).
    /// The header is written to a temporary file, synced and renamed into place, so a
    /// crash never leaves a journal without its header.
    pub fn create(
        path: &Path,
        header: &Header,
        durability: Durability,
    ) -> Result<Writer, JournalError> {
        if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
            std::fs::create_dir_all(dir).map_err(io(path))?;
        }
        if path.exists() {
            return Err(io(path)(std::io::Error::new(
                std::io::ErrorKind::AlreadyExists,
                "a journal is never overwritten: choose another file name",
            )));
        }
        let mut line = serde_json::to_vec(header).expect("a header always serialises");
        let tip = header_link(&line);
        line.push(b'\n');
        write_atomic(path, &line)?;
        let file = OpenOptions::new()
            .append(true)
            .open(path)
            .map_err(io(path))?;
        Ok(Writer {
            path: path.to_owned(),
            file,
            durability,
            unsynced: false,
            len: line.len() as u64,
            broken: None,
            tip,
        })
    }

    /// Continue a journal after [`read`]: a torn tail is moved to a side file
    /// (`<journal>.torn`) and cut off, so that new entries start on a clean line. A
    /// version 1 journal is first rewritten as version 2 (the original is kept as
    /// `<journal>.v1`).
    ///
    /// `game` is the loaded journal's replay: events of an unfinished last command it
    /// left out are set aside too.
    pub fn resume(
        loaded: &Loaded,
        game: &Game,
        durability: Durability,
    ) -> Result<Writer, JournalError> {
        let path = &loaded.path;
        let tip = if loaded.header.cbm_ttx_journal < 2 {
            migrate(loaded, game.events())?
        } else {
            if let Some(t) = &loaded.torn {
                set_aside(path, t)?;
            }
            loaded.tip.clone()
        };
        let mut file = OpenOptions::new()
            .read(true)
            .append(true)
            .open(path)
            .map_err(io(path))?;
        let mut len = file.metadata().map_err(io(path))?.len();
        // A last line complete but for its newline gets one, so the next entry starts clean.
        if len > 0 {
            let mut last = [0u8; 1];
            file.seek(std::io::SeekFrom::Start(len - 1))
                .map_err(io(path))?;
            file.read_exact(&mut last).map_err(io(path))?;
            if last[0] != b'\n' {
                file.write_all(b"\n").map_err(io(path))?;
                file.sync_data().map_err(io(path))?;
                len += 1;
            }
        }
        Ok(Writer {
            path: path.clone(),
            file,
            durability,
            unsynced: false,
            len,
            broken: None,
            tip,
        })
    }

    /// The journal's file.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Append one batch as one line and flush it (and sync, if asked) before
    /// returning. If the write fails, the file is cut back to its last complete line,
    /// so a failed command leaves nothing behind. Errors: [`JournalError::Io`] for the
    /// failed write (if cutting back failed too, the writer is broken from then on),
    /// [`JournalError::Broken`] for every append after that.
    pub fn append(&mut self, batch: &Batch) -> Result<(), JournalError> {
        if let Some(reason) = &self.broken {
            return Err(JournalError::Broken {
                path: self.path.display().to_string(),
                reason: reason.clone(),
            });
        }
        let (mut line, sum) = encode(batch, &self.tip);
        line.push(b'\n');
        let written = self
            .file
            .write_all(&line)
            .and_then(|_| self.file.flush())
            .and_then(|_| match self.durability {
                Durability::Sync => self.file.sync_data(),
                Durability::Grouped | Durability::Flush => Ok(()),
            });
        match written {
            Ok(()) => {
                self.len += line.len() as u64;
                self.unsynced = self.durability == Durability::Grouped;
                self.tip = sum;
                Ok(())
            }
            Err(e) => {
                if let Err(cut) = self.file.set_len(self.len) {
                    self.broken = Some(format!("{e}; then {cut}"));
                }
                Err(io(&self.path)(e))
            }
        }
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

/// Write a whole file atomically ([`crate::files::write_atomic`]), naming the file
/// in the error.
pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<(), JournalError> {
    crate::files::write_atomic(path, bytes).map_err(io(path))
}

/// Move a torn tail to `<journal>.torn` and cut it from the journal.
fn set_aside(path: &Path, t: &TornTail) -> Result<(), JournalError> {
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
    file.sync_data().map_err(io(path))
}

/// Rewrite a version 1 journal as version 2 with the events that replayed, keeping
/// the original as `<journal>.v1` and anything left out (a torn line, the events of
/// an unfinished command) in `<journal>.torn`.
/// Rewrite a version 1 journal as version 2 (keeping the original as `.v1`); returns
/// the chain's tip.
fn migrate(loaded: &Loaded, events: &[Event]) -> Result<String, JournalError> {
    let path = &loaded.path;
    let mut aside = Vec::new();
    for e in loaded.events().iter().skip(events.len()) {
        serde_json::to_writer(&mut aside, e).expect("events always serialise");
        aside.push(b'\n');
    }
    if let Some(t) = &loaded.torn {
        aside.extend_from_slice(&t.bytes);
    }
    if !aside.is_empty() {
        let side = side_path(path);
        std::fs::write(&side, &aside).map_err(io(&side))?;
    }
    let mut header = loaded.header.clone();
    header.cbm_ttx_journal = FORMAT;
    let batches: Vec<Batch> = events
        .chunks(MIGRATION_CHUNK)
        .map(|chunk| Batch {
            at: None,
            entry: Entry::Events {
                events: chunk.to_vec(),
            },
        })
        .collect();
    let out = frame(&header, &batches);
    let mut backup = path.as_os_str().to_owned();
    backup.push(".v1");
    let backup = PathBuf::from(backup);
    std::fs::copy(path, &backup).map_err(io(&backup))?;
    write_atomic(path, &out)?;
    // The chain's tip: the last entry's sum (or the header's, with no entries).
    let text = out.strip_suffix(b"\n").unwrap_or(&out);
    let last = text.rsplit(|b| *b == b'\n').next().unwrap_or(text);
    Ok(if batches.is_empty() {
        header_link(last)
    } else {
        String::from_utf8_lossy(&last[PREFIX.len()..PREFIX.len() + SUM_HEX]).into_owned()
    })
}

/// The beginning of `loaded` up to the start of `round`, replayed: the header a fork
/// records (origin, reseeds), the entries it copies, and the game standing just
/// before the round ([`crate::session::Session::fork`] writes them to a new journal
/// and opens the round again; batch simulation plays on from the game). With `reseed`, draws from `round` on are keyed by that seed.
/// Errors: [`ReplayError::NoSuchRound`] if the round never opened, a scenario
/// mismatch, or the record does not replay.
pub fn cut(
    loaded: &Loaded,
    scenario: Arc<Scenario>,
    round: u8,
    reseed: Option<u64>,
) -> Result<(Header, Vec<Batch>, Game), JournalError> {
    let all = loaded.events();
    let upto =
        crate::engine::history::round_start(&all, round).ok_or_else(|| JournalError::Replay {
            path: loaded.path.display().to_string(),
            line: 1,
            source: ReplayError::NoSuchRound { round },
        })?;
    let mut header = loaded.header.clone();
    header.cbm_ttx_journal = FORMAT;
    header.created = Some(Timestamp::now());
    header.origin = Some(ForkOrigin {
        journal: loaded.path.display().to_string(),
        round,
        events: upto as u32,
    });
    // Reseeds of rounds being played again no longer apply.
    header.reseeds.retain(|r| r.round < round);
    if let Some(seed) = reseed {
        header.reseeds.push(Reseed { round, seed });
    }
    // Copy whole entries up to the cut (a round opens with its own command, so the
    // cut falls between entries; an old event-only entry is split if need be).
    let mut kept = Vec::new();
    let mut count = 0;
    for (_, b) in &loaded.batches {
        let n = b.events().len();
        if count >= upto && n > 0 {
            break;
        }
        if count + n <= upto {
            kept.push(b.clone());
            count += n;
        } else {
            kept.push(Batch {
                at: b.at,
                entry: Entry::Events {
                    events: b.events()[..upto - count].to_vec(),
                },
            });
            count = upto;
        }
    }
    let sub = Loaded {
        path: loaded.path.clone(),
        header: header.clone(),
        batches: kept
            .iter()
            .cloned()
            .enumerate()
            .map(|(i, b)| (i + 2, b))
            .collect(),
        torn: None,
        tip: String::new(),
    };
    let game = sub.replay(scenario)?;
    Ok((header, kept, game))
}

/// Where a torn tail is kept.
pub fn side_path(path: &Path) -> PathBuf {
    let mut s = path.as_os_str().to_owned();
    s.push(".torn");
    PathBuf::from(s)
}

/// The whole journal as bytes, for a game held in memory (tests, simulate): one
/// event-only entry per event, no times.
pub fn to_bytes(header: &Header, events: &[Event]) -> Vec<u8> {
    let batches: Vec<Batch> = events
        .iter()
        .map(|e| Batch {
            at: None,
            entry: Entry::Events {
                events: vec![e.clone()],
            },
        })
        .collect();
    frame(header, &batches)
}
