//! After-action reports, forks and the MSEL.

use std::process::Command as Process;

use cbm_ttx::engine::history::{before_round, round_start};
use cbm_ttx::engine::{Command, EventKind, Game, Seat, Status, evaluate_all};
use cbm_ttx::journal::{self, Durability, Header, Writer};
use cbm_ttx::report::{self, Block, Options};
use cbm_ttx::sim::{Policy, batch, play};

use crate::common::*;

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_cbm-ttx")
}

/// A journaled game with named participants who also appear in free text.
fn named_game(dir: &std::path::Path) -> (std::path::PathBuf, Game) {
    let s = cascade();
    let mut g = Game::new(s.clone(), 99);
    let names = [
        "Alice Wong",
        "Boris Petrov",
        "Chiara Rossi",
        "Dmitri Orlov",
        "Eva Lind",
    ];
    for (st, name) in s.state_ids().zip(names) {
        g.handle(
            Seat::Control,
            Command::TakeSeat {
                seat: Seat::State(st),
                name: name.into(),
            },
        )
        .unwrap();
    }
    g.handle(Seat::Control, Command::Start).unwrap();
    g.handle(Seat::Control, Command::BeginDeliberation { seconds: 0 })
        .unwrap();
    let ar = state(&s, "ardenia");
    g.handle(
        Seat::State(ar),
        Command::Submit {
            actor: body(&s, "ardenia", "mfa"),
            action: cbm_ttx::engine::Action::PublicStatement {
                tone: cbm_ttx::scenario::Tone::Conciliatory,
                about: Some(state(&s, "borovia")),
                text: "As Alice Wong said this morning, we seek calm.".into(),
            },
        },
    )
    .unwrap();
    g.handle(
        Seat::Control,
        Command::Annotate {
            text: "boris petrov pushed for a joint analysis".into(),
        },
    )
    .unwrap();
    batch::play_rounds(&mut g, Policy::Cooperative);
    let path = dir.join("named.jsonl");
    let mut w = Writer::create(&path, &Header::new(&s, 99), Durability::Flush).unwrap();
    w.append(g.events()).unwrap();
    (path, g)
}

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
    let resolved = g.events().iter().filter(|e| matches!(&e.kind, EventKind::ActionResolved { kind, .. } if *kind != cbm_ttx::scenario::ActionKind::Pass)).count();
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
            g.state().tension(&s, a, b),
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
fn report_command_writes_self_contained_html_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = named_game(dir.path());
    let out = dir.path().join("out");
    let r = Process::new(exe())
        .arg("report")
        .arg(&path)
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let html = std::fs::read_to_string(out.join("report.html")).unwrap();
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        html.starts_with("<!DOCTYPE html>") && html.contains("<svg") && html.contains("<style>")
    );
    assert!(
        !html.contains("http://") || html.contains("xmlns"),
        "no external resources"
    );
    assert!(
        !html.contains("<script") && !html.contains("<link"),
        "opens offline, no external files"
    );
    assert!(md.contains("## Objectives") && md.contains("![Tension over the rounds](tension.svg)"));
    assert!(out.join("tension.svg").exists());
    // Names are there without --anonymise...
    assert!(html.contains("Alice Wong") && md.contains("Boris Petrov"));
}

#[test]
fn anonymise_leaves_no_participant_name_anywhere() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = named_game(dir.path());
    let out = dir.path().join("anon");
    let r = Process::new(exe())
        .arg("report")
        .arg(&path)
        .arg("--anonymise")
        .arg("--out")
        .arg(&out)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    for f in ["report.html", "report.md", "tension.svg"] {
        let text = std::fs::read_to_string(out.join(f)).unwrap().to_lowercase();
        for name in [
            "alice", "wong", "boris", "petrov", "chiara", "rossi", "dmitri", "orlov", "eva lind",
        ] {
            assert!(!text.contains(name), "{f} contains {name}");
        }
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(
        md.contains("[participant] said this morning") || md.contains("As [participant] said"),
        "free text is redacted, not dropped"
    );
    assert!(md.contains("Chatham House"));
}

#[test]
fn a_fork_records_its_origin_and_replays_deterministically() {
    let dir = tempfile::tempdir().unwrap();
    let s = cascade();
    let original = play(s.clone(), 21, Policy::Random);
    let path = dir.path().join("orig.jsonl");
    Writer::create(&path, &Header::new(&s, 21), Durability::Flush)
        .unwrap()
        .append(original.events())
        .unwrap();
    let loaded = journal::read(&path).unwrap();
    let fork_path = dir.path().join("fork.jsonl");
    let (mut w, events) = journal::fork(&loaded, 2, &fork_path, Durability::Flush).unwrap();
    // Exactly the record before round 2 opened.
    assert_eq!(events.len(), round_start(original.events(), 2).unwrap());
    assert!(events.iter().all(|e| e.round <= 1));
    let mut game = Game::replay(s.clone(), 21, events.clone()).unwrap();
    // Re-opening round 2 with the same seed gives the same briefing, byte for byte.
    let reopened = game
        .handle(Seat::Control, Command::OpenRound)
        .unwrap()
        .to_vec();
    let i = round_start(original.events(), 2).unwrap();
    assert_eq!(&reopened[..], &original.events()[i..i + reopened.len()]);
    w.append(&reopened).unwrap();
    drop(w);
    let forked = journal::read(&fork_path).unwrap();
    let origin = forked.header.origin.clone().expect("origin recorded");
    assert_eq!((origin.round, origin.events as usize), (2, events.len()));
    assert_eq!(origin.journal, path.display().to_string());
    // Playing the fork twice the same way gives the same record.
    let mut a = forked.replay(s.clone()).unwrap();
    let mut b = forked.replay(s.clone()).unwrap();
    batch::play_rounds(&mut a, Policy::Hawkish);
    batch::play_rounds(&mut b, Policy::Hawkish);
    assert_eq!(a.events(), b.events());
    assert!(before_round(original.events(), 9).is_none());
}

#[test]
fn simulate_from_a_journal_round_compares_policies_from_there() {
    let dir = tempfile::tempdir().unwrap();
    let s = cascade();
    let g = play(s.clone(), 3, Policy::Silent);
    let path = dir.path().join("silent.jsonl");
    Writer::create(&path, &Header::new(&s, 3), Durability::Flush)
        .unwrap()
        .append(g.events())
        .unwrap();
    let run = || {
        Process::new(exe())
            .args(["simulate", "--from"])
            .arg(&path)
            .args(["--round", "3", "--runs", "10"])
            .output()
            .unwrap()
    };
    let (a, b) = (run(), run());
    assert!(a.status.success(), "{}", String::from_utf8_lossy(&a.stderr));
    assert_eq!(a.stdout, b.stdout);
    let out = String::from_utf8(a.stdout).unwrap();
    assert!(out.contains("from the start of round 3"));
    // Round 1 and 2 were played silently in every run: objectives due by round 2 are never met.
    let line = out
        .lines()
        .find(|l| l.contains("ab-policy-contact"))
        .unwrap();
    assert!(line.trim_start().starts_with("0.0%"), "{line}");
    let bad = Process::new(exe())
        .args(["simulate", "--from"])
        .arg(&path)
        .args(["--round", "9"])
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("never opened"));
}

#[test]
fn msel_has_one_row_per_inject_matching_the_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("msel.csv");
    let r = Process::new(exe())
        .args(["msel", "scenarios/cascade.ron", "--out"])
        .arg(&out)
        .output()
        .unwrap();
    assert!(r.status.success());
    let s = cascade();
    let mut reader = csv::Reader::from_path(&out).unwrap();
    assert_eq!(
        reader.headers().unwrap().iter().collect::<Vec<_>>(),
        report::msel::COLUMNS.to_vec()
    );
    let rows: Vec<csv::StringRecord> = reader.records().map(|r| r.unwrap()).collect();
    assert_eq!(rows.len(), s.injects.len());
    for row in &rows {
        let inj = s
            .injects
            .iter()
            .find(|i| i.id == row[1])
            .expect("inject id");
        assert_eq!(&row[2], inj.title.en());
        assert_eq!(&row[5], inj.text.en());
        match inj.when {
            cbm_ttx::scenario::When::Round(n) => assert_eq!(row[0].parse::<u8>().unwrap(), n),
            _ => assert!(row[0].is_empty()),
        }
        let expected: Vec<&str> = inj.expected.iter().map(|k| k.label()).collect();
        assert_eq!(&row[6], expected.join("; "));
    }
    // Scheduled injects come first, in round order.
    let rounds: Vec<u8> = rows
        .iter()
        .filter(|r| !r[0].is_empty())
        .map(|r| r[0].parse().unwrap())
        .collect();
    assert!(rounds.windows(2).all(|w| w[0] <= w[1]));
    // The blackout expects measure 2 and 8 actions.
    let blackout = rows.iter().find(|r| &r[1] == "r1-blackout").unwrap();
    assert_eq!(&blackout[7], "Measure 2; Measure 8");
    assert!(
        blackout[8].contains("ab-below-crisis"),
        "{:?}",
        &blackout[8]
    );
}
