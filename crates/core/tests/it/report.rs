//! After-action reports, forks and the MSEL.

use cbm_ttx_core::engine::history::{before_round, round_start};
use cbm_ttx_core::engine::{EventKind, Status, evaluate_all};
use cbm_ttx_core::journal;
use cbm_ttx_core::report::{self, Block, Options};
use cbm_ttx_core::sim::{Policy, batch, play};

use crate::common::*;

#[test]
fn the_report_has_every_section_and_its_numbers_agree_with_the_journal() {
    let s = cascade();
    let g = play(s.clone(), 5, Policy::Random);
    let doc = report::build(&s, 5, g.events(), &Options::default());
    let headings: Vec<&str> = doc
        .blocks
        .iter()
        .filter_map(|b| match b {
            Block::Heading(2, t) => Some(t.as_str()),
            _ => None,
        })
        .collect();
    for h in [
        "Exercise",
        "Participants",
        "Tension between States",
        "What each State did, by measure",
        "Contact-point performance (measure 8)",
        "Timeline",
        "Facilitator notes",
        "Discussion questions",
    ] {
        assert!(headings.contains(&h), "missing section {h}: {headings:?}");
    }
    // Objectives: the heading counts what the engine evaluates, and every objective has a row.
    let outcomes = evaluate_all(&s, g.events());
    let met = outcomes.iter().filter(|o| o.status == Status::Met).count();
    assert!(
        headings.contains(&format!("Objectives — {met} of {} met", s.objectives.len()).as_str())
    );
    let table = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Table { head, rows } if head[0] == "Objective" => Some(rows),
            _ => None,
        })
        .unwrap();
    assert_eq!(table.len(), s.objectives.len());
    for (row, o) in table.iter().zip(&s.objectives) {
        assert_eq!(row[0], o.title.en());
    }
    // Actions per measure agree with the journal's resolved actions.
    let per_state = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Table { head, rows } if head[0] == "State" && head[1] == "Measure 2" => {
                Some(rows)
            }
            _ => None,
        })
        .unwrap();
    let total: usize = per_state
        .iter()
        .map(|r| r[4].parse::<usize>().unwrap())
        .sum();
    let resolved = g.events().iter().filter(|e| matches!(&e.kind, EventKind::ActionResolved { kind, .. } if *kind != cbm_ttx_core::scenario::ActionKind::Pass)).count();
    assert_eq!(total, resolved);
    // The tension table ends where the game ended, pair by pair.
    let tension = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Table { head, rows } if head[0] == "Pair" => Some(rows),
            _ => None,
        })
        .unwrap();
    for (row, (a, b)) in tension.iter().zip(s.pairs()) {
        let last = &row[row.len() - 2];
        assert_eq!(
            last.parse::<u8>().unwrap(),
            g.situation().tension(&s, a, b),
            "{row:?}"
        );
    }
    // The chart is there and is an SVG with one line per charted pair.
    let svg = doc
        .blocks
        .iter()
        .find_map(|b| match b {
            Block::Chart { svg, .. } => Some(svg),
            _ => None,
        })
        .unwrap();
    assert!(
        svg.contains("<svg") && svg.contains("<polyline"),
        "{}",
        &svg[..200.min(svg.len())]
    );
}

#[test]
fn a_fork_records_its_origin_and_replays_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let s = cascade();
    let original = play(s.clone(), 21, Policy::Random);
    let path = dir.path().join("orig.jsonl");
    write_journal(&path, &original);
    let loaded = journal::read(&path).unwrap();
    let fork_path = dir.path().join("fork.jsonl");
    let session =
        cbm_ttx_core::session::Session::fork(&loaded, s.clone(), None, 2, None, &fork_path)
            .unwrap();
    // Exactly the record before round 2 opened, then round 2 opened again: with the
    // same seed, the same briefing, byte for byte.
    let cut = round_start(original.events(), 2).unwrap();
    assert!(original.events()[..cut].iter().all(|e| e.round <= 1));
    let n = session.events().len();
    assert_eq!(session.events(), &original.events()[..n]);
    assert!(n > cut);
    drop(session);
    let forked = journal::read(&fork_path).unwrap();
    let origin = forked.header.origin.clone().expect("origin recorded");
    assert_eq!((origin.round, origin.events as usize), (2, cut));
    assert_eq!(origin.journal, path.display().to_string());
    // Playing the fork twice the same way gives the same record.
    let mut a = forked.replay(s.clone()).unwrap();
    let mut b = forked.replay(s.clone()).unwrap();
    batch::play_rounds(&mut a, Policy::Hawkish);
    batch::play_rounds(&mut b, Policy::Hawkish);
    assert_eq!(a.events(), b.events());
    assert!(before_round(original.events(), 9).is_none());
}
