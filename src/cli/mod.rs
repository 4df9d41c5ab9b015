//! The command line: one module per subcommand, each a small function that returns
//! the process exit code. Options are clap types here and plain structs below.

pub use crate::output::{CLOSED_OUTPUT, emit};

pub mod generate;
pub mod host;
pub mod join;
pub mod msel;
pub mod play;
pub mod report;
pub mod simulate;
pub mod validate;

/// The scenario a journal was recorded with (its own copy, the file it names, a
/// bundled scenario with the same content, or the file given), or a message saying
/// how to give it with this command.
pub fn scenario_of(
    loaded: &cbm_ttx_core::journal::Loaded,
    given: Option<&std::path::Path>,
    how: &str,
) -> Result<std::sync::Arc<cbm_ttx_core::scenario::Scenario>, String> {
    loaded
        .find_scenario(given, &[])
        .map(|(s, _)| s)
        .map_err(|e| match e {
            cbm_ttx_core::journal::FindError::Load(l) => match l.report() {
                Some(r) => format!("{}\n{}", r.summary(), r.lines().join("\n")),
                None => l.to_string(),
            },
            cbm_ttx_core::journal::FindError::Journal(j) => format!("{j}; give its file: {how}"),
        })
}

/// Parse a bot policy name for clap (`cooperative`, `silent`, `hawkish`, `random`).
pub fn parse_policy(s: &str) -> Result<cbm_ttx_core::sim::Policy, String> {
    cbm_ttx_core::sim::Policy::from_name(s)
        .ok_or_else(|| format!("unknown policy {s:?}: use cooperative, silent, hawkish or random"))
}
