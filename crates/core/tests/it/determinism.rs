//! Same scenario, seed and commands: the same events, byte for byte.

use cbm_ttx_core::engine::Game;
use cbm_ttx_core::journal::{Header, to_bytes};
use cbm_ttx_core::sim::{Policy, play};

use crate::common::*;

#[test]
fn same_inputs_give_identical_journal_bytes() {
    let s = cascade();
    for policy in Policy::ALL {
        for seed in [0u64, 1, 2015, u64::MAX] {
            let a = play(s.clone(), seed, policy);
            let b = play(s.clone(), seed, policy);
            let ha = Header::new(&s, seed);
            assert_eq!(
                to_bytes(&ha, a.events()),
                to_bytes(&ha, b.events()),
                "{policy:?} seed {seed}"
            );
        }
    }
}

#[test]
fn different_seeds_can_differ_where_chance_matters() {
    // Random bots on the reference scenario: the records are not all alike.
    let s = cascade();
    let records: std::collections::BTreeSet<Vec<u8>> = (0..8u64)
        .map(|seed| {
            to_bytes(
                &Header::new(&s, seed),
                play(s.clone(), seed, Policy::Random).events(),
            )
        })
        .collect();
    assert!(records.len() > 1);
}

#[test]
fn replaying_the_record_rebuilds_the_same_state() {
    let s = cascade();
    for policy in Policy::ALL {
        let g = play(s.clone(), 77, policy);
        let r = Game::replay(s.clone(), 77, g.events().to_vec()).expect("replay");
        assert_eq!(r.situation(), g.situation(), "{policy:?}");
    }
}
