//! No input bytes make validation (or journal reading) panic, hang or exhaust memory.

use proptest::prelude::*;

use cbm_ttx_core::scenario::diagnostics::line_col;
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
            prop_assert!(
                d.hint.as_deref().is_some_and(|h| !h.trim().is_empty()),
                "no hint: {}", d.message
            );
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

// ---- whitespace the RON parser accepts -------------------------------------------------

/// Exactly what ron 0.12's parser skips as whitespace (`ron::parse::is_whitespace_char`).
const RON_WHITESPACE: [char; 11] = [
    ' ', '\t', '\n', '\r', '\x0B', '\x0C', '\u{85}', '\u{200E}', '\u{200F}', '\u{2028}', '\u{2029}',
];

#[test]
fn the_whitespace_list_matches_the_parser() {
    // Every character that could pass for space: the parser skips exactly the list.
    let candidates = (0..=0x10FFFFu32).filter_map(char::from_u32).filter(|c| {
        c.is_whitespace()
            || c.is_control()
            || matches!(*c, '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{2028}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}')
    });
    for c in candidates {
        let skipped = ron::from_str::<Vec<u8>>(&format!("[1,{c}2]")).is_ok();
        assert_eq!(skipped, RON_WHITESPACE.contains(&c), "{c:?}");
    }
}

/// Byte offsets of whitespace outside strings and comments, after the header: places
/// where more whitespace may go without changing what the file means.
fn trivia_positions(src: &str) -> Vec<usize> {
    let b = src.as_bytes();
    let start = src.find("Scenario(").unwrap();
    let mut out = Vec::new();
    let mut i = start;
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'/' if b.get(i + 1) == Some(&b'/') => {
                while i < b.len() && b[i] != b'\n' {
                    i += 1;
                }
            }
            b' ' | b'\n' => {
                out.push(i);
                i += 1;
            }
            _ => i += 1,
        }
    }
    out
}

/// A tutorial with an error near the top and one near the bottom.
fn faulty() -> (String, [(&'static str, Problem); 2]) {
    let src = TUTORIAL
        .replacen("id: \"quill\"", "id: \"qu ill\"", 1)
        .replacen(
            "OpenIncident(\"exchange\")",
            "OpenIncident(\"exchnage\")",
            1,
        );
    (
        src,
        [
            ("\"qu ill\"", Problem::InvalidId),
            ("\"exchnage\"", Problem::UnknownReference),
        ],
    )
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 300, ..ProptestConfig::default() })]

    /// Wherever the parser's whitespace goes, every diagnostic stays at its place.
    #[test]
    fn any_parser_whitespace_keeps_positions_right(
        inserts in proptest::collection::vec(
            (any::<prop::sample::Index>(), 0..RON_WHITESPACE.len()), 1..5)
    ) {
        let (mut src, marks) = faulty();
        let places = trivia_positions(&src);
        let mut at: Vec<(usize, char)> = inserts
            .iter()
            .map(|(i, w)| (places[i.index(places.len())], RON_WHITESPACE[*w]))
            .collect();
        at.sort_by_key(|(p, _)| std::cmp::Reverse(*p));
        for (p, c) in at {
            src.insert(p, c);
        }
        let c = cbm_ttx_core::scenario::compile_str("ws.ron", &src);
        prop_assert!(c.scenario.is_none());
        for (mark, problem) in marks {
            let (line, col) = line_col(&src, src.find(mark).unwrap());
            prop_assert!(
                c.report.diagnostics.iter().any(|d| d.problem == problem && (d.line, d.col) == (line, col)),
                "{problem:?} expected at {line}:{col}; got\n{}", c.report.lines().join("\n")
            );
        }
    }
}

#[test]
fn each_parser_whitespace_right_after_the_header_keeps_positions_right() {
    // The character before every faulty line: once it moved every diagnostic to 1:1.
    let (src, marks) = faulty();
    for w in RON_WHITESPACE {
        let src = src.replacen("Scenario(", &format!("Scenario({w}"), 1);
        let c = cbm_ttx_core::scenario::compile_str("ws.ron", &src);
        for (mark, problem) in marks {
            let (line, col) = line_col(&src, src.find(mark).unwrap());
            assert!(
                c.report
                    .diagnostics
                    .iter()
                    .any(|d| d.problem == problem && (d.line, d.col) == (line, col)),
                "{w:?}: {problem:?} expected at {line}:{col}; got\n{}",
                c.report.lines().join("\n")
            );
        }
    }
}

// ---- very long lines -----------------------------------------------------------------

/// A valid generated scenario on one line, with an unknown incident at column `col`.
fn one_line_with_error_at(col: usize) -> (String, usize) {
    let src = cbm_ttx_core::scenario::synth::scenario_ron(3, 10, 3).replace('\n', " ");
    let at = src.find("OpenIncident(\"inc0\")").unwrap() + "OpenIncident(".len();
    let pad = col.saturating_sub(at + 1);
    let src = format!(
        "{}{}\"nope\"{}",
        &src[..at],
        " ".repeat(pad),
        &src[at + "\"inc0\"".len()..]
    );
    let offset = src.find("\"nope\"").unwrap();
    (src, offset)
}

#[test]
fn errors_far_along_a_long_line_render_briefly_and_never_panic() {
    for col in [3_000usize, 60_000, 70_000, 200_000] {
        let (src, offset) = one_line_with_error_at(col);
        let c = cbm_ttx_core::scenario::compile_str("long.ron", &src);
        let d = c
            .report
            .diagnostics
            .iter()
            .find(|d| d.problem == Problem::UnknownReference)
            .expect("reported");
        assert_eq!((d.line, d.col), line_col(&src, offset));
        let text = std::panic::catch_unwind(|| c.report.render(false))
            .unwrap_or_else(|_| panic!("rendering an error at column {col} panicked"));
        assert!(
            text.len() < 4096,
            "an error at column {col} rendered as {} bytes",
            text.len()
        );
        assert!(
            text.contains("\"nope\""),
            "the excerpt must show the error:\n{text}"
        );
        assert!(
            text.contains('…'),
            "a cut excerpt shows an ellipsis:\n{text}"
        );
        assert!(text.contains(&format!("long.ron:1:{}", d.col)), "{text}");
        let short = c.report.lines().join("\n");
        assert!(short.len() < 4096, "{}", short.len());
    }
}

#[test]
fn a_huge_id_is_quoted_briefly() {
    let long = "x".repeat(2_000_000);
    let src = TUTORIAL.replace(
        "OpenIncident(\"exchange\")",
        &format!("OpenIncident(\"{long}\")"),
    );
    let c = compile_bytes("long.ron", src.as_bytes());
    let text = c.report.render(false);
    assert!(text.len() < 8192, "{} bytes", text.len());
    let short = c.report.lines().join("\n");
    assert!(short.len() < 4096, "{} bytes", short.len());
}

/// A real game's journal, to damage.
pub fn real_journal() -> (std::sync::Arc<cbm_ttx_core::scenario::Scenario>, Vec<u8>) {
    use cbm_ttx_core::engine::{Command, Seat};
    use cbm_ttx_core::session::{Recording, Session};
    let s = crate::common::tutorial();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let rec = Recording {
        path: Some(path.clone()),
        ..Default::default()
    };
    let mut session = Session::start(s.clone(), None, 4, rec).unwrap();
    session.command(Seat::Control, Command::Start).unwrap();
    cbm_ttx_core::sim::batch::play_rounds(&mut session, cbm_ttx_core::sim::Policy::Random);
    drop(session);
    (s, std::fs::read(&path).unwrap())
}

/// Read, replay and report whatever the bytes are; nothing may panic, and a record
/// that replays reports.
fn read_replay_report(s: &std::sync::Arc<cbm_ttx_core::scenario::Scenario>, bytes: &[u8]) {
    let Ok(loaded) = cbm_ttx_core::journal::read_from(std::path::Path::new("j.jsonl"), bytes)
    else {
        return;
    };
    if let Ok(game) = loaded.replay(s.clone()) {
        let doc = cbm_ttx_core::report::build(
            s,
            loaded.header.seed,
            game.events(),
            &cbm_ttx_core::report::Options::default(),
        );
        assert!(!doc.blocks.is_empty());
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    /// Damage past the header: entries re-framed with valid checksums but altered
    /// content (numbers, rounds, seats, ids), lines dropped, duplicated or swapped.
    /// Replay refuses what the rules would not have made; nothing panics.
    #[test]
    fn damaged_entries_under_a_valid_header_never_panic_replay_or_report(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..6, any::<u32>()), 1..5)
    ) {
        use cbm_ttx_core::journal::{Batch, Header, frame};
        let (s, bytes) = real_journal();
        let text = String::from_utf8(bytes).unwrap();
        let mut lines: Vec<String> = text.lines().map(String::from).collect();
        let header: Header = serde_json::from_str(&lines[0]).unwrap();
        // Each entry's batch (its frame stripped): altered ones are framed again below,
        // with the chain recomputed, so only replay can tell.
        let batch_of = |l: &str| -> Option<Batch> {
            let v: serde_json::Value = serde_json::from_str(l).ok()?;
            serde_json::from_value(v.get("batch")?.clone()).ok()
        };
        let mut reframe = false;
        for (at, how, n) in edits {
            if lines.len() < 3 {
                break;
            }
            let i = 1 + at.index(lines.len() - 1);
            match how {
                0 => { lines.remove(i); }
                1 => { let l = lines[i].clone(); lines.insert(i, l); }
                2 => { let j = 1 + (n as usize % (lines.len() - 1)); lines.swap(i, j); }
                _ => {
                    // Alter one number inside the entry and frame it again, so the
                    // checksum holds and only replay can tell.
                    let Some(batch) = batch_of(&lines[i]) else { continue };
                    let mut json = serde_json::to_value(&batch).unwrap();
                    let mut numbers = Vec::new();
                    collect_numbers(&mut json, &mut numbers);
                    if numbers.is_empty() { continue; }
                    let k = n as usize % numbers.len();
                    *numbers[k] = serde_json::Value::from(match how {
                        3 => u64::from(n % 300),
                        4 => u64::from(n),
                        _ => 250,
                    });
                    let Ok(altered) = serde_json::from_value::<Batch>(json) else { continue };
                    lines[i] = serde_json::to_string(&serde_json::json!({"batch": altered})).unwrap();
                    reframe = true;
                }
            }
        }
        let damaged = if reframe {
            // Everything re-framed with a valid chain: only replay can tell.
            let batches: Vec<Batch> = lines[1..].iter().filter_map(|l| batch_of(l)).collect();
            frame(&header, &batches)
        } else {
            (lines.join("\n") + "\n").into_bytes()
        };
        read_replay_report(&s, &damaged);
    }

    /// Arbitrary entries under a valid header.
    #[test]
    fn arbitrary_entries_under_a_valid_header_never_panic(
        body in proptest::collection::vec(any::<u8>(), 0..2048)
    ) {
        let (s, bytes) = real_journal();
        let header_end = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
        let mut damaged = bytes[..header_end].to_vec();
        damaged.extend(body);
        read_replay_report(&s, &damaged);
    }
}

fn collect_numbers<'a>(v: &'a mut serde_json::Value, out: &mut Vec<&'a mut serde_json::Value>) {
    match v {
        serde_json::Value::Number(_) => out.push(v),
        serde_json::Value::Array(a) => a.iter_mut().for_each(|x| collect_numbers(x, out)),
        serde_json::Value::Object(o) => o.values_mut().for_each(|x| collect_numbers(x, out)),
        _ => {}
    }
}

/// A sign at the very start of the file (found by the mutation fuzzer: the look-back
/// for an exponent read before the first byte).
#[test]
fn a_file_starting_with_a_sign_is_reported_not_panicked_on() {
    for start in ["-1", "+1", "-", "+", "-1e", "-.5"] {
        let src = format!("{start}{TUTORIAL}");
        let c = compile_bytes("signed.ron", src.as_bytes());
        assert!(c.report.has_errors(), "{start}");
        let _ = c.report.render(false);
    }
}
