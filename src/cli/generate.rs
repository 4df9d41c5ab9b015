//! `cbm-ttx generate`: a synthetic, valid scenario of any size, for load tests and
//! benchmarks (e.g. all 57 OSCE participating States).

use std::path::PathBuf;

#[derive(Debug, clap::Args)]
pub struct Args {
    #[arg(long, default_value_t = 57)]
    pub states: usize,
    #[arg(long, default_value_t = 100)]
    pub injects: usize,
    #[arg(long, default_value_t = 5)]
    pub rounds: usize,
    /// Where to write it (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: &Args) -> i32 {
    let text = cbm_ttx_core::scenario::synth::scenario_ron(args.states, args.injects, args.rounds);
    match &args.out {
        Some(p) => match std::fs::write(p, text) {
            Ok(()) => 0,
            Err(e) => {
                eprintln!("generate: {}: {e}", p.display());
                1
            }
        },
        None => {
            print!("{text}");
            0
        }
    }
}
