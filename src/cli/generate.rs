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
    /// Objectives (default: one per State, at most 60, plus one).
    #[arg(long)]
    pub objectives: Option<usize>,
    /// National bodies per State (5 to 32): more body seats for large load tests.
    #[arg(long, default_value_t = 5)]
    pub bodies: usize,
    /// Where to write it (default: standard output).
    #[arg(long)]
    pub out: Option<PathBuf>,
}

pub fn run(args: &Args) -> i32 {
    use cbm_ttx_core::scenario::synth;
    let objectives = args
        .objectives
        .unwrap_or_else(|| synth::default_objectives(args.states));
    if objectives > synth::MAX_OBJECTIVES {
        crate::errln!(
            "generate: --objectives may be at most {}",
            synth::MAX_OBJECTIVES
        );
        return 2;
    }
    let text = synth::scenario_ron_with_bodies(
        args.states,
        args.bodies,
        args.injects,
        args.rounds,
        objectives,
    );
    match &args.out {
        Some(p) => match cbm_ttx_core::files::write_atomic(p, text.as_bytes()) {
            Ok(()) => 0,
            Err(e) => {
                crate::errln!("generate: {}: {e}", p.display());
                1
            }
        },
        None => {
            crate::out!("{text}");
            0
        }
    }
}
