//! The scenario format: RON files as authors write them ([`file`](mod@file)), their validation
//! with positioned diagnostics ([`compile`], [`diagnostics`], [`spans`]) and the
//! compiled, indexed model the engine plays ([`model`]).

pub mod compile;
pub mod diagnostics;
pub mod file;
pub mod ids;
pub mod model;
pub mod spans;
pub mod synth;
pub mod text;
pub mod vocab;

pub use compile::{Compiled, compile_bytes, compile_str};
pub use diagnostics::{Diagnostic, Problem, Report, Severity};
pub use ids::*;
pub use model::*;
pub use text::{Lang, Text};
pub use vocab::*;

use std::path::Path;

/// Errors of loading a scenario from disk.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// The file could not be opened or read.
    #[error("cannot read {path}: {source}")]
    Io {
        /// The path as given, for the message.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The file was read but has errors (including `unreadable`: too large, not UTF-8,
    /// empty); the message is the report's one-line summary.
    #[error("{}", .0.summary())]
    Invalid(Box<Report>),
}

impl LoadError {
    /// The full, positioned report for an invalid file.
    pub fn report(&self) -> Option<&Report> {
        match self {
            LoadError::Invalid(r) => Some(r),
            LoadError::Io { .. } => None,
        }
    }
}

/// Read and compile a scenario file; warnings are returned with the scenario.
/// Errors: [`LoadError::Io`] if the file cannot be read, [`LoadError::Invalid`] if
/// it has any error. Reads at most a little over the size limit ([`read_limited`]).
pub fn load(path: &Path) -> Result<(Scenario, Report), LoadError> {
    let shown = path.display().to_string();
    let bytes = read_limited(path).map_err(|source| LoadError::Io {
        path: shown.clone(),
        source,
    })?;
    let compiled = compile_bytes(&shown, &bytes);
    match compiled.scenario {
        Some(s) => Ok((s, compiled.report)),
        None => Err(LoadError::Invalid(Box::new(compiled.report))),
    }
}

/// Read a file, but never more than a little over the scenario size limit, so that a
/// mistaken path to a huge file cannot exhaust memory: at most
/// [`compile::MAX_FILE_BYTES`] + 1 bytes, so that an oversized file is still seen to
/// be oversized. Errors are those of opening and reading the file.
pub fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(path)?
        .take(compile::MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// The scenarios shipped with cbm-ttx, embedded in the binary.
///
/// Each is `(path, text)`: the path relative to the repository root (shown in
/// diagnostics) and the file's RON text.
pub mod bundled {
    /// The reference scenario, `scenarios/cascade.ron`: five States, five rounds, five
    /// incidents, triggers, a broken contact point and ten objectives.
    pub const REFERENCE: (&str, &str) = (
        "scenarios/cascade.ron",
        include_str!("../../../../scenarios/cascade.ron"),
    );
    /// The tutorial, `scenarios/tutorial.ron`: two States, two rounds, one incident.
    pub const TUTORIAL: (&str, &str) = (
        "scenarios/tutorial.ron",
        include_str!("../../../../scenarios/tutorial.ron"),
    );
    /// Every bundled scenario, the reference first.
    pub const ALL: [(&str, &str); 2] = [REFERENCE, TUTORIAL];

    /// Compile a bundled scenario. They are validated by the tests, so this cannot fail
    /// in a released build; it still returns the report rather than panicking.
    pub fn load(which: (&str, &str)) -> Result<super::Scenario, Box<super::Report>> {
        let c = super::compile_str(which.0, which.1);
        c.scenario.ok_or(Box::new(c.report))
    }
}
