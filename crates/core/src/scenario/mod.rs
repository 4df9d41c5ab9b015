//! The scenario format: RON files as authors write them ([`file`]), their validation
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
    #[error("cannot read {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
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
/// mistaken path to a huge file cannot exhaust memory.
pub fn read_limited(path: &Path) -> std::io::Result<Vec<u8>> {
    use std::io::Read;
    let mut buf = Vec::new();
    std::fs::File::open(path)?
        .take(compile::MAX_FILE_BYTES as u64 + 1)
        .read_to_end(&mut buf)?;
    Ok(buf)
}

/// The scenarios shipped with cbm-ttx, embedded in the binary.
pub mod bundled {
    pub const REFERENCE: (&str, &str) = (
        "scenarios/cascade.ron",
        include_str!("../../../../scenarios/cascade.ron"),
    );
    pub const TUTORIAL: (&str, &str) = (
        "scenarios/tutorial.ron",
        include_str!("../../../../scenarios/tutorial.ron"),
    );
    pub const ALL: [(&str, &str); 2] = [REFERENCE, TUTORIAL];

    /// Compile a bundled scenario. They are validated by the tests, so this cannot fail
    /// in a released build; it still returns the report rather than panicking.
    pub fn load(which: (&str, &str)) -> Result<super::Scenario, Box<super::Report>> {
        let c = super::compile_str(which.0, which.1);
        c.scenario.ok_or(Box::new(c.report))
    }
}
