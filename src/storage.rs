//! Where the app keeps things: journals of exercises and the list of recent files,
//! under the user's data directory (or `CBM_TTX_DATA_DIR`, for tests and kiosks).

use std::path::{Path, PathBuf};

use cbm_ttx_core::journal::{self, Header};

/// The data directory the app uses (a resource, so tests can give each app its own).
#[derive(bevy::prelude::Resource, Clone, Debug)]
pub struct DataDir(pub PathBuf);

impl Default for DataDir {
    fn default() -> Self {
        DataDir(data_dir())
    }
}

pub fn data_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("CBM_TTX_DATA_DIR") {
        return PathBuf::from(dir);
    }
    directories::ProjectDirs::from("org", "cbm-ttx", "cbm-ttx")
        .map(|d| d.data_dir().to_owned())
        .unwrap_or_else(|| PathBuf::from(".cbm-ttx"))
}

pub fn journal_dir(data: &Path) -> PathBuf {
    data.join("journals")
}

/// A new journal path for an exercise of this scenario, named by the time it starts.
pub fn new_journal_path(data: &Path, scenario_id: &str) -> PathBuf {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let dir = journal_dir(data);
    let mut n = 0;
    loop {
        let p = dir.join(format!(
            "{scenario_id}-{secs}{}.jsonl",
            if n == 0 {
                String::new()
            } else {
                format!("-{n}")
            }
        ));
        if !p.exists() {
            return p;
        }
        n += 1;
    }
}

/// An exercise journal found on disk.
#[derive(Clone, Debug)]
pub struct JournalEntry {
    pub path: PathBuf,
    pub header: Header,
    /// Last round reached and whether the exercise ended.
    pub round: u8,
    pub ended: bool,
    pub events: usize,
    pub torn: bool,
    /// Participants' names, in seat order.
    pub participants: Vec<String>,
    /// When it began (the journal's creation; else the first recorded time).
    pub started: Option<cbm_ttx_core::clock::Timestamp>,
    pub modified: std::time::SystemTime,
}

/// Journals in the data directory, newest first. Unreadable files are skipped (and logged).
pub fn list_journals(data: &Path) -> Vec<JournalEntry> {
    let Ok(dir) = std::fs::read_dir(journal_dir(data)) else {
        return Vec::new();
    };
    let mut out: Vec<JournalEntry> = dir
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "jsonl"))
        .filter_map(|p| match journal::read(&p) {
            Ok(l) => Some(JournalEntry {
                round: cbm_ttx_core::engine::history::last_round(&l.events()),
                ended: l
                    .events()
                    .iter()
                    .any(|e| matches!(e.kind, cbm_ttx_core::engine::EventKind::ExerciseEnded)),
                events: l.events().len(),
                torn: l.torn.is_some(),
                participants: participants(&l.events()),
                started: l
                    .header
                    .created
                    .or_else(|| l.batches.iter().find_map(|(_, b)| b.at)),
                modified: std::fs::metadata(&p)
                    .and_then(|m| m.modified())
                    .unwrap_or(std::time::UNIX_EPOCH),
                header: l.header,
                path: p,
            }),
            Err(e) => {
                bevy::log::warn!("skipping journal: {e}");
                None
            }
        })
        .collect();
    out.sort_by_key(|e| std::cmp::Reverse(e.modified));
    out
}

fn recent_path(data: &Path) -> PathBuf {
    data.join("recent.json")
}

/// Scenario files opened before, most recent first.
pub fn recent_files(data: &Path) -> Vec<PathBuf> {
    std::fs::read(recent_path(data))
        .ok()
        .and_then(|b| serde_json::from_slice::<Vec<PathBuf>>(&b).ok())
        .unwrap_or_default()
}

pub fn remember_file(data: &Path, path: &Path) {
    let mut list = recent_files(data);
    list.retain(|p| p != path);
    list.insert(0, path.to_owned());
    list.truncate(10);
    if std::fs::create_dir_all(data).is_ok()
        && let Ok(bytes) = serde_json::to_vec_pretty(&list)
        && let Err(e) = std::fs::write(recent_path(data), bytes)
    {
        bevy::log::warn!("cannot save the recent-files list: {e}");
    }
}

/// Who sat in an exercise, in order of seating (each name once).
fn participants(events: &[cbm_ttx_core::engine::Event]) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for e in events {
        if let cbm_ttx_core::engine::EventKind::SeatTaken { name, .. } = &e.kind
            && !names.contains(name)
        {
            names.push(name.clone());
        }
    }
    names
}
