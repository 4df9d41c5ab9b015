//! `cbm-ttx simulate SCENARIO --runs N`: bots play whole exercises; the summary shows
//! how a scenario plays out under each policy.

use std::path::PathBuf;
use std::sync::Arc;

use cbm_ttx_core::scenario;
use cbm_ttx_core::sim::{self, Policy};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (RON). With --from: the journal's scenario, if its recorded path is gone.
    #[arg(required_unless_present = "from")]
    pub scenario: Option<PathBuf>,
    /// Exercises to play per policy.
    #[arg(long, default_value_t = 100)]
    pub runs: usize,
    /// Base seed (default: the scenario's seed). Run i uses a seed derived from it.
    /// With --from, the record replays under its own seed up to the round; from
    /// there each run draws chance and decides under its own derived seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Bot policy for every State; repeat for several (default: all).
    #[arg(long, value_parser = super::parse_policy)]
    pub policy: Vec<Policy>,
    /// Write each game's journal into this directory.
    #[arg(long)]
    pub journal_dir: Option<PathBuf>,
    /// Continue a recorded exercise instead of starting fresh ("what if, from round N?").
    #[arg(long, requires = "round")]
    pub from: Option<PathBuf>,
    /// With --from: bots take over from the start of this round.
    #[arg(long, requires = "from")]
    pub round: Option<u8>,
}

pub fn run(args: &Args) -> i32 {
    let record = match &args.from {
        Some(path) => match cbm_ttx_core::journal::read(path) {
            Ok(l) => Some(l),
            Err(e) => {
                crate::errln!("simulate: {e}");
                return 1;
            }
        },
        None => None,
    };
    let scenario = match (&record, &args.scenario) {
        (Some(l), given) => {
            let how = format!(
                "cbm-ttx simulate FILE --from {} --round N",
                l.path.display()
            );
            match super::scenario_of(l, given.as_deref(), &how) {
                Ok(s) => (*s).clone(),
                Err(e) => {
                    crate::errln!("simulate: {e}");
                    return 1;
                }
            }
        }
        (None, Some(path)) => match scenario::load(path) {
            Ok((s, _)) => s,
            Err(e) => {
                match e.report() {
                    Some(r) => crate::err!("{}", r.render(false)),
                    None => crate::errln!("{e}"),
                }
                crate::errln!(
                    "cannot simulate: fix the scenario first (cbm-ttx validate {})",
                    path.display()
                );
                return 1;
            }
        },
        (None, None) => {
            crate::errln!("simulate: give a scenario file, or --from JOURNAL --round N");
            return 1;
        }
    };
    // The whole record must replay, not only the part before the round: damage after
    // it is still damage, and is named with its line.
    if let Some(l) = &record
        && let Err(e) = l.replay(std::sync::Arc::new(scenario.clone()))
    {
        crate::errln!("simulate: {e}");
        return 1;
    }
    let start = match (&record, args.round) {
        (Some(l), Some(round)) => {
            let recorded = l.events();
            if cbm_ttx_core::engine::history::round_start(&recorded, round).is_none() {
                crate::errln!(
                    "simulate: round {round} never opened in {} (it reaches round {})",
                    l.path.display(),
                    cbm_ttx_core::engine::history::last_round(&recorded)
                );
                return 1;
            }
            Some(sim::Start { loaded: l, round })
        }
        _ => None,
    };
    let seed = args.seed.unwrap_or(scenario.seed);
    let policies = if args.policy.is_empty() {
        Policy::ALL.to_vec()
    } else {
        args.policy.clone()
    };
    let journal_suffix = args
        .journal_dir
        .as_deref()
        .map(|d| sim::batch::free_journal_suffix(d, &scenario.id, &policies, args.runs))
        .unwrap_or_default();
    let scenario = Arc::new(scenario);
    let opts = sim::Options {
        runs: args.runs,
        seed,
        policies,
        journal_dir: args.journal_dir.as_deref(),
        journal_suffix,
        source: args.scenario.clone(),
        source_text: args
            .scenario
            .as_deref()
            .and_then(|p| scenario::read_limited(p).ok())
            .and_then(|b| String::from_utf8(b).ok()),
        start,
    };
    let started = std::time::Instant::now();
    match sim::simulate(scenario.clone(), &opts) {
        Ok(summaries) => {
            if let (Some(l), Some(round)) = (&record, args.round) {
                crate::outln!(
                    "continuing {} from the start of round {round}",
                    l.path.display()
                );
            }
            crate::out!("{}", sim::render(&scenario, &summaries, seed));
            // Timing goes to stderr: stdout is the same bytes for the same arguments.
            let games = args.runs * opts.policies.len();
            let secs = started.elapsed().as_secs_f64();
            crate::errln!(
                "{games} exercises in {secs:.2} s ({:.0}/s)",
                games as f64 / secs.max(1e-9)
            );
            if let Some(dir) = &args.journal_dir {
                match opts.journal_suffix.as_str() {
                    "" => crate::errln!("journals written to {}", dir.display()),
                    s => crate::errln!(
                        "journals written to {} (earlier runs are there too: these names end in {s})",
                        dir.display()
                    ),
                }
            }
            0
        }
        Err(e) => {
            crate::errln!("simulate: {e}");
            1
        }
    }
}
