//! The command line as users run it: exit codes, files written, repeatable output.

use std::process::Command;

use cbm_ttx_core::report;

use crate::common::*;

fn exe() -> &'static str {
    env!("CARGO_BIN_EXE_cbm-ttx")
}

#[test]
fn cli_exit_codes() {
    let exe = exe();
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.ron");
    let bad = dir.path().join("bad.ron");
    std::fs::write(&good, TUTORIAL).unwrap();
    std::fs::write(&bad, tweak("severity: 2", "severity: 9")).unwrap();
    let ok = std::process::Command::new(exe)
        .arg("validate")
        .arg(&good)
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&ok.stdout)
    );
    let fail = std::process::Command::new(exe)
        .args(["validate", "--short"])
        .arg(&good)
        .arg(&bad)
        .output()
        .unwrap();
    assert_eq!(fail.status.code(), Some(1));
    let out = String::from_utf8_lossy(&fail.stdout);
    assert!(
        out.contains("bad.ron:") && out.contains("error[out-of-range]"),
        "{out}"
    );
    assert!(out.contains("good.ron: valid"), "{out}");
}

#[test]
fn report_command_writes_self_contained_html_and_markdown() {
    let dir = tempfile::tempdir().unwrap();
    let (path, _) = named_game(dir.path());
    let out = dir.path().join("out");
    let r = Command::new(exe())
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
    let r = Command::new(exe())
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
        md.contains("participant\\] said this morning"),
        "free text is redacted, not dropped"
    );
    assert!(md.contains("Chatham House"));
}

#[test]
fn simulate_from_a_journal_round_compares_policies_from_there() {
    let dir = tempfile::tempdir().unwrap();
    let s = cascade();
    let g = cbm_ttx_core::sim::play(s.clone(), 3, cbm_ttx_core::sim::Policy::Silent);
    let path = dir.path().join("silent.jsonl");
    write_journal(&path, &g);
    let run = || {
        Command::new(exe())
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
    let bad = Command::new(exe())
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
    let r = Command::new(exe())
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
            cbm_ttx_core::scenario::When::Round(n) => assert_eq!(row[0].parse::<u8>().unwrap(), n),
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
        let j = cbm_ttx_core::journal::read(&f).unwrap();
        let g = j.replay(s.clone()).unwrap();
        assert_eq!(g.situation().phase(), cbm_ttx_core::engine::Phase::Ended);
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

/// Every command that writes to standard output stops quietly when the reader goes
/// away (`cbm-ttx validate scenarios/*.ron | head -1`).
#[test]
fn a_closed_output_ends_every_command_quietly() {
    let dir = tempfile::tempdir().unwrap();
    let (journal, _) = named_game(dir.path());
    let report_out = dir.path().join("r");
    let journal = journal.to_str().unwrap().to_owned();
    let runs: Vec<Vec<&str>> = vec![
        vec![
            "validate",
            "scenarios/cascade.ron",
            "scenarios/tutorial.ron",
        ],
        vec!["validate", "--short", "scenarios/cascade.ron"],
        vec!["simulate", "scenarios/tutorial.ron", "--runs", "5"],
        vec!["msel", "scenarios/cascade.ron"],
        vec!["generate", "--states", "5", "--injects", "20"],
        vec!["report", &journal, "--out", report_out.to_str().unwrap()],
    ];
    for args in runs {
        let mut child = Command::new(exe())
            .args(&args)
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The reader goes away before the command writes anything.
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(!err.contains("panicked"), "{args:?}: {err}");
        assert_eq!(out.status.code(), Some(141), "{args:?}: {err}");
    }
}

#[test]
fn simulate_twice_into_one_directory_keeps_both_runs() {
    let dir = tempfile::tempdir().unwrap();
    let run = || {
        Command::new(exe())
            .args([
                "simulate",
                "scenarios/tutorial.ron",
                "--runs",
                "2",
                "--policy",
                "silent",
                "--journal-dir",
            ])
            .arg(dir.path())
            .output()
            .unwrap()
    };
    let first = run();
    assert!(first.status.success());
    let second = run();
    let err = String::from_utf8_lossy(&second.stderr);
    assert!(second.status.success(), "{err}");
    assert!(err.contains("-run2"), "{err}");
    let count = std::fs::read_dir(dir.path()).unwrap().count();
    assert_eq!(count, 4, "both runs kept, none overwritten");
}

#[test]
fn generate_makes_the_objectives_asked_for() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("big.ron");
    let r = Command::new(exe())
        .args([
            "generate",
            "--states",
            "12",
            "--injects",
            "40",
            "--objectives",
            "17",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert!(r.status.success(), "{}", String::from_utf8_lossy(&r.stderr));
    let (s, _) = cbm_ttx_core::scenario::load(&out).unwrap();
    assert_eq!(s.objectives.len(), 17);
    assert_eq!(s.states.len(), 12);
}
