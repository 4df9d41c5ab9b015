//! `simulate`: repeatable output, and the reference scenario rewards the measures.

use std::process::Command;

use cbm_ttx::sim::{Options, Policy, simulate};

use crate::common::*;

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_cbm-ttx")
}

#[test]
fn same_arguments_print_the_same_bytes() {
    let run = || {
        Command::new(exe())
            .args([
                "simulate",
                "scenarios/cascade.ron",
                "--runs",
                "40",
                "--seed",
                "7",
            ])
            .output()
            .unwrap()
    };
    let (a, b) = (run(), run());
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(a.stdout, b.stdout);
    let out = String::from_utf8(a.stdout).unwrap();
    for p in ["cooperative", "silent", "hawkish", "random"] {
        assert!(out.contains(&format!("== policy: {p} ==")), "{out}");
    }
    assert!(
        out.contains("objectives met:")
            && out.contains("peak tension:")
            && out.contains("never fired:")
    );
}

#[test]
fn good_use_of_measures_2_and_8_keeps_tension_down_in_the_reference_scenario() {
    let s = cascade();
    let opts = Options {
        runs: 50,
        seed: 11,
        policies: Policy::ALL.to_vec(),
        journal_dir: None,
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

#[test]
fn journal_dir_gets_one_readable_journal_per_game() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(exe())
        .args([
            "simulate",
            "scenarios/tutorial.ron",
            "--runs",
            "3",
            "--policy",
            "cooperative",
            "--policy",
            "random",
            "--journal-dir",
        ])
        .arg(dir.path())
        .output()
        .unwrap();
    assert!(out.status.success());
    let mut files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert_eq!(files.len(), 6);
    let s = tutorial();
    for f in files {
        let j = cbm_ttx::journal::read(&f).unwrap();
        let g = j.replay(s.clone()).unwrap();
        assert_eq!(g.state().phase, cbm_ttx::engine::Phase::Ended);
    }
}

#[test]
fn an_invalid_scenario_is_not_simulated() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.ron");
    std::fs::write(&bad, TUTORIAL.replace("severity: 2", "severity: 0")).unwrap();
    let out = Command::new(exe())
        .arg("simulate")
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("severity"));
}
