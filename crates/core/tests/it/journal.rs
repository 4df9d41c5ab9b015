//! The journal: torn tails, resume, and refusing the wrong scenario.

use std::io::Write;

use cbm_ttx_core::engine::{Command, Game, Seat};
use cbm_ttx_core::journal::{self, Durability, Header, JournalError, Writer};
use cbm_ttx_core::sim::{Policy, batch};

use crate::common::*;

/// Play to the middle of round 3 of the reference scenario, journaling each command.
fn half_game(path: &std::path::Path, seed: u64) -> Game {
    let s = cascade();
    let mut g = Game::new(s.clone(), seed);
    let mut w = Writer::create(path, &Header::new(&s, seed), Durability::Flush).unwrap();
    let run = |g: &mut Game, seat: Seat, c: Command, w: &mut Writer| {
        if let Ok(ev) = g.handle(seat, c) {
            let ev = ev.to_vec();
            w.append(&ev).unwrap();
        }
    };
    run(&mut g, Seat::Control, Command::Start, &mut w);
    for round in 1..=3 {
        run(
            &mut g,
            Seat::Control,
            Command::BeginDeliberation { seconds: 0 },
            &mut w,
        );
        for st in s.state_ids() {
            for (actor, action) in Policy::Cooperative.plan(&g.view(Seat::State(st)), 0) {
                run(
                    &mut g,
                    Seat::State(st),
                    Command::Submit { actor, action },
                    &mut w,
                );
            }
        }
        if round == 3 {
            break; // mid-deliberation: actions staged, not resolved
        }
        run(&mut g, Seat::Control, Command::CloseDeliberation, &mut w);
        run(&mut g, Seat::Control, Command::OpenRound, &mut w);
    }
    g
}

#[test]
fn a_torn_last_line_is_skipped_and_the_resumed_game_equals_the_original() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let original = half_game(&path, 5);
    // Power cut in the middle of writing the next event.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(br#"{"seq":999,"round":3,"audience":"Pub"#)
        .unwrap();
    drop(f);

    let loaded = journal::read(&path).unwrap();
    let torn = loaded.torn.as_ref().expect("torn tail reported");
    assert_eq!(torn.line, original.events().len() + 2);
    assert_eq!(loaded.events, original.events());
    let s = cascade();
    let mut resumed = loaded.replay(s.clone()).unwrap();
    assert_eq!(resumed.situation(), original.situation());

    // Continue both to the end; the resumed journal must end up identical.
    let mut w = Writer::resume(&loaded, Durability::Flush).unwrap();
    assert!(
        journal::side_path(&path).exists(),
        "the torn bytes are kept aside, not destroyed"
    );
    let mut original = original;
    let before = resumed.events().len();
    batch::play_rounds(&mut resumed, Policy::Cooperative);
    batch::play_rounds(&mut original, Policy::Cooperative);
    w.append(&resumed.events()[before..]).unwrap();
    drop(w);
    let reread = journal::read(&path).unwrap();
    assert!(reread.torn.is_none());
    assert_eq!(reread.events, original.events());
    assert_eq!(
        std::fs::read(&path).unwrap(),
        journal::to_bytes(&Header::new(&s, 5), original.events()),
        "the resumed journal is byte-identical to an uninterrupted one"
    );
}

#[test]
fn a_damaged_line_in_the_middle_is_an_error_that_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    half_game(&path, 1);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[4] = "{\"seq\": \"garbage\"}";
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();
    match journal::read(&path) {
        Err(JournalError::Corrupt { line, .. }) => assert_eq!(line, 5),
        other => panic!("expected a corrupt-line error, got {other:?}"),
    }
}

#[test]
fn resuming_against_another_scenario_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    half_game(&path, 1);
    let loaded = journal::read(&path).unwrap();
    let err = loaded.replay(tutorial()).unwrap_err();
    let msg = err.to_string();
    assert!(matches!(err, JournalError::ScenarioMismatch { .. }));
    assert!(msg.contains("cascade") && msg.contains("tutorial"), "{msg}");
    // The same scenario with one word of an inject changed is another scenario too.
    let edited = compile(&CASCADE.replace("minus twelve degrees", "minus eleven degrees"));
    assert!(loaded.replay(std::sync::Arc::new(edited)).is_err());
    // But a comment or layout change is not.
    let relaid = compile(&format!(
        "// reformatted\n{}",
        CASCADE.replace("    ", "  ")
    ));
    assert!(loaded.replay(std::sync::Arc::new(relaid)).is_ok());
}

#[test]
fn a_journal_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let s = tutorial();
    Writer::create(&path, &Header::new(&s, 1), Durability::Sync).unwrap();
    assert!(Writer::create(&path, &Header::new(&s, 1), Durability::Sync).is_err());
}

#[test]
fn not_a_journal() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("x.jsonl");
    std::fs::write(&path, "").unwrap();
    assert!(matches!(
        journal::read(&path),
        Err(JournalError::Empty { .. })
    ));
    std::fs::write(&path, "hello\n").unwrap();
    assert!(matches!(
        journal::read(&path),
        Err(JournalError::BadHeader { .. })
    ));
}
