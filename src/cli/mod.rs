//! The command line: `validate` and `simulate` for scenario authors (more to come
//! from the app and network modules). Each subcommand is a small function that
//! returns the process exit code.

pub mod generate;
pub mod host;
pub mod join;
pub mod msel;
pub mod play;
pub mod report;
pub mod simulate;
pub mod validate;

use std::path::Path;

use cbm_ttx_core::journal::Loaded;
use cbm_ttx_core::scenario::{self, Scenario};

/// The scenario a journal was recorded with: the file given, else the path the
/// journal recorded, else a bundled scenario with the same content.
pub fn scenario_for(loaded: &Loaded, given: Option<&Path>) -> Result<Scenario, String> {
    let load = |p: &Path| -> Result<Scenario, String> {
        scenario::load(p)
            .map(|(s, _)| s)
            .map_err(|e| match e.report() {
                Some(r) => format!("{}\n{}", r.summary(), r.lines().join("\n")),
                None => e.to_string(),
            })
    };
    if let Some(p) = given {
        let s = load(p)?;
        loaded.check_scenario(&s).map_err(|e| e.to_string())?;
        return Ok(s);
    }
    if let Some(p) = &loaded.header.scenario_path
        && let Ok(s) = load(Path::new(p))
        && s.content_hash == loaded.header.scenario_hash
    {
        return Ok(s);
    }
    for which in scenario::bundled::ALL {
        if let Ok(s) = scenario::bundled::load(which)
            && s.content_hash == loaded.header.scenario_hash
        {
            return Ok(s);
        }
    }
    Err(format!(
        "{}: cannot find the scenario \"{}\" this journal was recorded with; pass it with --scenario FILE",
        loaded.path.display(),
        loaded.header.scenario_id
    ))
}

/// Parse a bot policy name for clap (`cooperative`, `silent`, `hawkish`, `random`).
pub fn parse_policy(s: &str) -> Result<cbm_ttx_core::sim::Policy, String> {
    cbm_ttx_core::sim::Policy::from_name(s).ok_or_else(|| {
        format!("unknown policy {s:?}: use cooperative, silent, hawkish or random")
    })
}
