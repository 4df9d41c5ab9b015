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

/// Continuing a record ("what if, from round N?") must replay that record exactly
/// whatever its seed, policy, rules version or round, and every journal the runs
/// write must replay in turn. Before the record kept its seed, a cut prefix with a
/// stale-contact draw replayed under the run's seed and diverged.
mod continuing_a_record {
    use super::*;
    use cbm_ttx_core::engine::history::{last_round, round_start};
    use cbm_ttx_core::journal;
    use cbm_ttx_core::sim::{Start, play};
    use proptest::prelude::*;

    fn continue_from(
        loaded: &journal::Loaded,
        s: &std::sync::Arc<cbm_ttx_core::scenario::Scenario>,
        round: u8,
        policy: Policy,
        seed: u64,
    ) {
        let dir = tempfile::tempdir().unwrap();
        let recorded = loaded.events();
        let cut = round_start(&recorded, round).unwrap();
        for journal_dir in [None, Some(dir.path())] {
            let opts = Options {
                runs: 3,
                seed,
                policies: vec![policy],
                journal_dir,
                journal_suffix: String::new(),
                source: None,
                source_text: None,
                start: Some(Start { loaded, round }),
            };
            let sums = simulate(s.clone(), &opts).unwrap_or_else(|e| panic!("round {round}: {e}"));
            assert_eq!(sums[0].runs, 3);
        }
        let mut n = 0;
        for entry in std::fs::read_dir(dir.path()).unwrap() {
            let path = entry.unwrap().path();
            let fork = journal::read(&path).unwrap();
            let game = fork.replay(s.clone()).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(
                &game.events()[..cut],
                &recorded[..cut],
                "{}",
                path.display()
            );
            assert_eq!(fork.header.seed, loaded.header.seed);
            assert_eq!(fork.header.rules, loaded.header.rules);
            // A fork of the fork, from a later round, replays too.
            let later = last_round(game.events());
            if later > round {
                let twice = dir.path().join("twice");
                std::fs::create_dir_all(&twice).unwrap();
                let sess = cbm_ttx_core::session::Session::fork(
                    &fork,
                    s.clone(),
                    None,
                    later,
                    Some(seed ^ 1),
                    &twice.join(format!("{n}.jsonl")),
                )
                .unwrap_or_else(|e| panic!("{e}"));
                drop(sess);
                let again = journal::read(&twice.join(format!("{n}.jsonl"))).unwrap();
                again.replay(s.clone()).unwrap_or_else(|e| panic!("{e}"));
            }
            n += 1;
        }
        assert_eq!(n, 3);
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 24, ..ProptestConfig::default() })]
        #[test]
        fn any_cut_of_any_record_continues(seed in any::<u64>(), run_seed in any::<u64>(), p in 0usize..4, round in 1u8..6) {
            let s = cascade();
            let policy = Policy::ALL[p];
            let original = play(s.clone(), seed, policy);
            let dir = tempfile::tempdir().unwrap();
            let path = dir.path().join("orig.jsonl");
            write_journal(&path, &original);
            let loaded = journal::read(&path).unwrap();
            let round = round.min(last_round(original.events()));
            continue_from(&loaded, &s, round, Policy::Random, run_seed);
        }
    }

    #[test]
    fn records_of_the_previous_rules_continue_under_them() {
        let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
        for name in ["v1-cascade-random.jsonl", "v1-tutorial-hawkish.jsonl"] {
            let loaded = journal::read(&fixtures.join(name)).unwrap();
            let (s, _) = loaded.find_scenario(None, &[]).unwrap();
            for round in 1..=last_round(&loaded.events()) {
                continue_from(&loaded, &s, round, Policy::Cooperative, 5);
            }
        }
    }

    /// Runs from the same cut differ (their draws and bots' seeds are their own) and
    /// the same arguments give the same runs.
    #[test]
    fn runs_from_one_cut_explore_and_repeat() {
        let s = cascade();
        let original = play(s.clone(), 3, Policy::Random);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("orig.jsonl");
        write_journal(&path, &original);
        let loaded = journal::read(&path).unwrap();
        let opts = |seed| Options {
            runs: 20,
            seed,
            policies: vec![Policy::Random],
            journal_dir: None,
            journal_suffix: String::new(),
            source: None,
            source_text: None,
            start: Some(Start {
                loaded: &loaded,
                round: 2,
            }),
        };
        let a = simulate(s.clone(), &opts(9)).unwrap();
        let b = simulate(s.clone(), &opts(9)).unwrap();
        assert_eq!(a[0].peaks, b[0].peaks);
        let distinct: std::collections::BTreeSet<_> = a[0].peaks.iter().collect();
        assert!(distinct.len() > 1, "20 runs all peaked at {:?}", a[0].peaks);
    }
}
