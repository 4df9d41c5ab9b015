//! `generate`: synthetic scenarios of any size are valid, with as many objectives as asked.

use proptest::prelude::*;

use cbm_ttx_core::scenario::synth::{scenario_ron, scenario_ron_with_objectives};
use cbm_ttx_core::scenario::{Check, compile_str};

proptest! {
    #![proptest_config(ProptestConfig { cases: 60, ..ProptestConfig::default() })]

    #[test]
    fn generated_scenarios_are_valid_with_the_objectives_asked_for(
        states in 2usize..9,
        injects in 0usize..30,
        rounds in 1usize..6,
        objectives in 0usize..40,
    ) {
        let src = scenario_ron_with_objectives(states, injects, rounds, objectives);
        let c = compile_str("synthetic.ron", &src);
        prop_assert!(!c.report.has_errors(), "{}", c.report.lines().join("\n"));
        prop_assert_eq!(c.scenario.unwrap().objectives.len(), objectives);
    }
}

#[test]
fn every_kind_of_check_is_generated() {
    let src = scenario_ron_with_objectives(57, 500, 5, 200);
    let c = compile_str("synthetic.ron", &src);
    assert!(!c.report.has_errors(), "{}", c.report.lines().join("\n"));
    let s = c.scenario.unwrap();
    assert_eq!(s.objectives.len(), 200);
    let mut kinds: Vec<&str> = s
        .objectives
        .iter()
        .map(|o| match o.check {
            Check::PolicyContact { .. } => "policy",
            Check::TechnicalContact { .. } => "technical",
            Check::FactShared { .. } => "fact",
            Check::TensionBelow { .. } => "tension",
            Check::NoAttributionBefore { .. } => "attribution",
            Check::ActionUsed { .. } => "action",
            Check::ContactsCurrent { .. } => "contacts",
            Check::ConcernsAnswered => "concerns",
        })
        .collect();
    kinds.sort_unstable();
    kinds.dedup();
    assert_eq!(kinds.len(), 8, "{kinds:?}");
    // The three-argument form keeps its default.
    let c = compile_str("synthetic.ron", &scenario_ron(5, 20, 3));
    assert_eq!(c.scenario.unwrap().objectives.len(), 6);
}
