//! `cbm-ttx simulate SCENARIO --runs N`: bots play whole exercises; the summary shows
//! how a scenario plays out under each policy.

use std::path::PathBuf;
use std::sync::Arc;

use crate::scenario;
use crate::sim::{self, Policy};

#[derive(Debug, clap::Args)]
pub struct Args {
    /// The scenario file (RON).
    pub scenario: PathBuf,
    /// Exercises to play per policy.
    #[arg(long, default_value_t = 100)]
    pub runs: usize,
    /// Base seed (default: the scenario's seed). Run i uses a seed derived from it.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Bot policy for every State; repeat for several (default: all).
    #[arg(long, value_enum)]
    pub policy: Vec<Policy>,
    /// Write each game's journal into this directory.
    #[arg(long)]
    pub journal_dir: Option<PathBuf>,
}

pub fn run(args: &Args) -> i32 {
    let (scenario, _warnings) = match scenario::load(&args.scenario) {
        Ok(s) => s,
        Err(e) => {
            match e.report() {
                Some(r) => eprint!("{}", r.render(false)),
                None => eprintln!("{e}"),
            }
            eprintln!(
                "cannot simulate: fix the scenario first (cbm-ttx validate {})",
                args.scenario.display()
            );
            return 1;
        }
    };
    let seed = args.seed.unwrap_or(scenario.seed);
    let policies = if args.policy.is_empty() {
        Policy::ALL.to_vec()
    } else {
        args.policy.clone()
    };
    let scenario = Arc::new(scenario);
    let opts = sim::Options {
        runs: args.runs,
        seed,
        policies,
        journal_dir: args.journal_dir.as_deref(),
    };
    let started = std::time::Instant::now();
    match sim::simulate(scenario.clone(), &opts) {
        Ok(summaries) => {
            print!("{}", sim::render(&scenario, &summaries, seed));
            // Timing goes to stderr: stdout is the same bytes for the same arguments.
            let games = args.runs * opts.policies.len();
            let secs = started.elapsed().as_secs_f64();
            eprintln!(
                "{games} exercises in {secs:.2} s ({:.0}/s)",
                games as f64 / secs.max(1e-9)
            );
            if let Some(dir) = &args.journal_dir {
                eprintln!("journals written to {}", dir.display());
            }
            0
        }
        Err(e) => {
            eprintln!("simulate: {e}");
            1
        }
    }
}
