//! No input bytes make validation (or journal reading) panic, hang or exhaust memory.

use proptest::prelude::*;

use cbm_ttx_core::scenario::{Problem, compile_bytes};

use crate::common::TUTORIAL;

proptest! {
    #![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let c = compile_bytes("fuzz.ron", &bytes);
        prop_assert!(c.scenario.is_some() || c.report.has_errors());
    }

    /// Small edits of a real scenario reach deep into the validator.
    #[test]
    fn mutated_scenarios_never_panic(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..4, any::<u8>()), 1..6)
    ) {
        let mut bytes = TUTORIAL.as_bytes().to_vec();
        for (at, op, b) in edits {
            let i = at.index(bytes.len().max(1));
            match op {
                0 if !bytes.is_empty() => { bytes.remove(i.min(bytes.len() - 1)); }
                1 => bytes.insert(i, b),
                2 if !bytes.is_empty() => { let j = i.min(bytes.len() - 1); bytes[j] = b; }
                _ => {
                    // Swap two tokens' worth of text: numbers and ids into odd places.
                    let pieces = [&b"99999999999999999999"[..], b"\"", b"[", b")", b"-1", b"Not(", b"\"x\""];
                    let p = pieces[b as usize % pieces.len()];
                    for (k, c) in p.iter().enumerate() { bytes.insert((i + k).min(bytes.len()), *c); }
                }
            }
        }
        let c = compile_bytes("fuzz.ron", &bytes);
        for d in &c.report.diagnostics {
            prop_assert!(d.line >= 1 && d.col >= 1);
            prop_assert!(d.span.start <= d.span.end && d.span.end <= c.report.source.len());
        }
        let _ = c.report.render(false);
    }

    #[test]
    fn arbitrary_journal_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..2048)) {
        let _ = cbm_ttx_core::journal::read_from(std::path::Path::new("fuzz.jsonl"), &bytes[..]);
    }
}

#[test]
fn deep_nesting_is_refused_not_overflowed() {
    for depth in [200usize, 100_000] {
        let src = format!("{}{}", "[".repeat(depth), "]".repeat(depth));
        let c = compile_bytes("deep.ron", src.as_bytes());
        assert_eq!(c.report.diagnostics[0].problem, Problem::Syntax);
        let nots = format!(
            "{}{}",
            TUTORIAL.replace(
                "Trigger(ActionNotUsed(",
                &format!("Trigger({}ActionNotUsed(", "Not(".repeat(depth))
            ),
            ""
        );
        let close = nots.replacen(
            "by_round: 1)),",
            &format!("by_round: 1){}),", ")".repeat(depth)),
            1,
        );
        let c = compile_bytes("deep.ron", close.as_bytes());
        assert!(
            c.report.has_errors(),
            "{depth} nested Not() must be refused"
        );
    }
}

#[test]
fn huge_input_is_refused_quickly() {
    // Just over the limit: refused before parsing.
    let mut big = TUTORIAL.as_bytes().to_vec();
    big.resize(cbm_ttx_core::scenario::compile::MAX_FILE_BYTES + 10, b' ');
    let c = compile_bytes("big.ron", &big);
    assert_eq!(c.report.diagnostics[0].problem, Problem::Unreadable);
    // A long string and a long unknown id under the limit are handled, with no quadratic blow-up.
    let long = "x".repeat(2_000_000);
    let src = TUTORIAL.replace(
        "OpenIncident(\"exchange\")",
        &format!("OpenIncident(\"{long}\")"),
    );
    let c = compile_bytes("long.ron", src.as_bytes());
    assert!(
        c.report
            .errors()
            .any(|d| d.problem == Problem::UnknownReference)
    );
}
