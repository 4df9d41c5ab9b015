//! Timing targets (issue 2): full simulated exercises per second on the reference
//! scenario (target >= 10,000/s on one core) and validating a generated 57-State,
//! 500-inject scenario (target < 50 ms). Run: `cargo bench --bench engine`.

use std::sync::Arc;

use cbm_ttx_core::scenario::{bundled, compile_str, synth};
use cbm_ttx_core::sim::{Policy, play};

fn main() {
    divan::main();
}

#[divan::bench(args = [Policy::Cooperative, Policy::Silent, Policy::Hawkish, Policy::Random])]
fn full_exercise_reference(bencher: divan::Bencher, policy: Policy) {
    let s = Arc::new(bundled::load(bundled::REFERENCE).expect("reference scenario"));
    let mut seed = 0u64;
    bencher.bench_local(|| {
        seed += 1;
        divan::black_box(play(s.clone(), seed, policy).events().len())
    });
}

#[divan::bench]
fn validate_57_states_500_injects(bencher: divan::Bencher) {
    let src = synth::scenario_ron(57, 500, 5);
    bencher
        .counter(divan::counter::BytesCount::new(src.len()))
        .bench_local(|| {
            let c = compile_str("synthetic.ron", divan::black_box(&src));
            assert!(c.scenario.is_some());
        });
}

#[divan::bench]
fn validate_reference(bencher: divan::Bencher) {
    bencher.bench_local(|| {
        compile_str(bundled::REFERENCE.0, divan::black_box(bundled::REFERENCE.1))
            .scenario
            .is_some()
    });
}
