//! `simulate`: repeatable output, and the reference scenario rewards the measures.

use cbm_ttx_core::sim::{Options, Policy, simulate};

use crate::common::*;

#[test]
fn good_use_of_measures_2_and_8_keeps_tension_down_in_the_reference_scenario() {
    let s = cascade();
    let opts = Options {
        runs: 50,
        seed: 11,
        policies: Policy::ALL.to_vec(),
        journal_dir: None,
        journal_suffix: String::new(),
        source: None,
        source_text: None,
        start: None,
    };
    let sums = simulate(s.clone(), &opts).unwrap();
    let met = |p: Policy| {
        let sum = sums.iter().find(|x| x.policy == p).unwrap();
        sum.objective_met.iter().sum::<usize>() as f64 / (sum.runs * s.objectives.len()) as f64
    };
    let mean_peak = |p: Policy| {
        let sum = sums.iter().find(|x| x.policy == p).unwrap();
        sum.peaks.iter().map(|x| *x as f64).sum::<f64>() / sum.runs as f64
    };
    assert!(
        met(Policy::Cooperative) >= 0.8,
        "cooperative meets {}",
        met(Policy::Cooperative)
    );
    assert!(met(Policy::Silent) < 0.5 && met(Policy::Hawkish) < 0.5);
    let crisis = s.ladder.iter().find(|l| l.id == "crisis").unwrap().from as f64;
    let confrontation = s
        .ladder
        .iter()
        .find(|l| l.id == "confrontation")
        .unwrap()
        .from as f64;
    assert!(
        mean_peak(Policy::Cooperative) < confrontation,
        "{}",
        mean_peak(Policy::Cooperative)
    );
    assert!(
        mean_peak(Policy::Silent) >= confrontation,
        "{}",
        mean_peak(Policy::Silent)
    );
    assert!(
        mean_peak(Policy::Hawkish) >= crisis,
        "{}",
        mean_peak(Policy::Hawkish)
    );
}
