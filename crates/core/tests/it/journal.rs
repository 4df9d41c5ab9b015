//! The journal: a command commits whole or not at all, torn writes are set aside,
//! damage and foreign records are refused with their line, old journals still work.

use std::io::Write;
use std::sync::Arc;

use cbm_ttx_core::engine::{Command, Event, Game, Seat};
use cbm_ttx_core::journal::{self, Durability, Header, JournalError, Writer};
use cbm_ttx_core::session::{Recording, Session};
use cbm_ttx_core::sim::{Policy, batch};

use crate::common::*;

/// Play to the middle of round 3 of the reference scenario through a journaled
/// session, then close round 3's deliberation: its resolution is the last entry.
fn half_game(path: &std::path::Path, seed: u64) -> Session {
    let s = cascade();
    let rec = Recording {
        path: Some(path.to_owned()),
        durability: Some(Durability::Flush),
        source_text: Some(CASCADE.into()),
    };
    let mut session = Session::start(s.clone(), None, seed, rec).unwrap();
    session.command(Seat::Control, Command::Start).unwrap();
    batch::play_rounds_until(&mut session, Policy::Random, 3);
    // Round 3's actions are staged: closing deliberation resolves them all at once.
    let mut bots = batch::Bots::new(session.game(), Policy::Random);
    for st in s.state_ids() {
        bots.play_turn(&mut session, st);
    }
    session
}

/// The v1 format (one event per line, no commands): what journals looked like before.
fn v1_bytes(s: &cbm_ttx_core::scenario::Scenario, seed: u64, events: &[Event]) -> Vec<u8> {
    let mut header = serde_json::to_value(Header::new(s, seed)).unwrap();
    header["cbm_ttx_journal"] = 1.into();
    let mut out = serde_json::to_vec(&header).unwrap();
    out.push(b'\n');
    for e in events {
        serde_json::to_writer(&mut out, e).unwrap();
        out.push(b'\n');
    }
    out
}

#[test]
fn a_multi_event_command_cut_at_any_byte_replays_to_before_or_after_it() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let s = tutorial();
    let rec = Recording {
        path: Some(path.clone()),
        durability: Some(Durability::Flush),
        source_text: None,
    };
    let mut session = Session::start(s.clone(), None, 7, rec).unwrap();
    session.command(Seat::Control, Command::Start).unwrap();
    batch::play_rounds_until(&mut session, Policy::Random, 2);
    let mut bots = batch::Bots::new(session.game(), Policy::Cooperative);
    for st in s.state_ids() {
        bots.play_turn(&mut session, st);
    }
    let before = session.game().clone();
    session
        .command(Seat::Control, Command::CloseDeliberation)
        .unwrap();
    let after = session.game().clone();
    assert!(
        after.events().len() - before.events().len() > 10,
        "the resolution is a multi-event command"
    );
    drop(session);
    let bytes = std::fs::read(&path).unwrap();
    let start = bytes[..bytes.len() - 1]
        .iter()
        .rposition(|b| *b == b'\n')
        .unwrap()
        + 1;
    for cut in start..=bytes.len() {
        let loaded = journal::read_from(&path, &bytes[..cut]).unwrap_or_else(|e| {
            panic!(
                "cut at {cut}: {e} {:?}",
                String::from_utf8_lossy(&bytes[cut.saturating_sub(30)..cut])
            )
        });
        let game = loaded.replay(s.clone()).unwrap();
        let whole = cut >= bytes.len() - 1;
        let expected = if whole { &after } else { &before };
        assert_eq!(game.situation(), expected.situation(), "cut at {cut}");
        assert_eq!(game.events(), expected.events(), "cut at {cut}");
        assert_eq!(loaded.torn.is_some(), cut > start && !whole, "cut at {cut}");
        // Resuming sets a torn tail aside and goes on cleanly (on disk, for a sample).
        if cut % 61 == 0 || cut == start + 1 || cut + 1 == bytes.len() {
            let p = dir.path().join(format!("cut-{cut}.jsonl"));
            std::fs::write(&p, &bytes[..cut]).unwrap();
            let loaded = journal::read(&p).unwrap();
            let mut resumed = Session::resume(&loaded, s.clone(), None).unwrap();
            resumed.command(Seat::Control, Command::Pause).unwrap();
            drop(resumed);
            let again = journal::read(&p).unwrap();
            assert!(again.torn.is_none(), "cut at {cut}");
            again.replay(s.clone()).unwrap();
        }
    }
}

#[test]
fn a_torn_last_line_is_set_aside_and_the_resumed_journal_continues_cleanly() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let original = half_game(&path, 5);
    let events = original.events().to_vec();
    drop(original);
    // Power cut in the middle of writing the next entry.
    let mut f = std::fs::OpenOptions::new()
        .append(true)
        .open(&path)
        .unwrap();
    f.write_all(br#"{"sum":"0011223344556677","batch":{"at":"2026-"#)
        .unwrap();
    drop(f);
    let loaded = journal::read(&path).unwrap();
    let torn = loaded.torn.as_ref().expect("torn tail reported");
    assert_eq!(torn.line, loaded.batches.len() + 2);
    assert_eq!(loaded.events(), events);
    let s = cascade();
    let mut resumed = Session::resume(&loaded, s.clone(), None).unwrap();
    assert!(resumed.torn().is_some());
    let side = std::fs::read(journal::side_path(&path)).unwrap();
    assert!(side.starts_with(br#"{"sum":"0011223344556677""#));
    batch::play_rounds(&mut resumed, Policy::Cooperative);
    let finished = resumed.events().to_vec();
    drop(resumed);
    let reread = journal::read(&path).unwrap();
    assert!(reread.torn.is_none());
    assert_eq!(reread.events(), finished);
    // And the same as a game never interrupted.
    let mut straight = Game::new(s.clone(), 5);
    straight.handle(Seat::Control, Command::Start).unwrap();
    batch::play_rounds_until(&mut straight, Policy::Random, 3);
    let mut bots = batch::Bots::new(&straight, Policy::Random);
    for st in s.state_ids() {
        bots.play_turn(&mut straight, st);
    }
    batch::play_rounds(&mut straight, Policy::Cooperative);
    assert_eq!(straight.events(), &finished[..]);
}

#[test]
fn a_damaged_complete_line_is_refused_with_its_number_and_nothing_is_cut() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    drop(half_game(&path, 1));
    let good = std::fs::read(&path).unwrap();
    let lines = good
        .split(|b| *b == b'\n')
        .filter(|l| !l.is_empty())
        .count();
    // Any changed byte of any entry, the last one included, is damage.
    for line in [2, lines / 2, lines] {
        let mut text: Vec<Vec<u8>> = good.split(|b| *b == b'\n').map(|l| l.to_vec()).collect();
        let l = &mut text[line - 1];
        let at = l.len() / 2;
        l[at] = if l[at] == b'1' { b'2' } else { b'1' };
        let damaged = text.join(&b'\n');
        std::fs::write(&path, &damaged).unwrap();
        match journal::read(&path) {
            Err(JournalError::Corrupt { line: got, .. }) => assert_eq!(got, line),
            other => panic!("line {line}: expected a corrupt-line error, got {other:?}"),
        }
        assert_eq!(std::fs::read(&path).unwrap(), damaged, "nothing was cut");
    }
}

#[test]
fn foreign_and_impossible_records_are_refused_with_the_line_that_gives_them_away() {
    let dir = tempfile::tempdir().unwrap();
    let s = cascade();
    let t = tutorial();
    // The tutorial's events under the cascade's header (a v1 journal: events only).
    let game = batch::play(t.clone(), 3, Policy::Cooperative);
    let path = dir.path().join("foreign.jsonl");
    std::fs::write(&path, v1_bytes(&s, 3, game.events())).unwrap();
    let err = journal::read(&path)
        .unwrap()
        .replay(s.clone())
        .err()
        .unwrap();
    assert!(
        matches!(err, JournalError::Replay { line, .. } if line >= 2),
        "{err}"
    );
    // An event of round 250.
    let mut events = batch::play(s.clone(), 3, Policy::Cooperative)
        .events()
        .to_vec();
    let n = events.len() / 2;
    events[n].round = 250;
    std::fs::write(&path, v1_bytes(&s, 3, &events)).unwrap();
    let err = journal::read(&path)
        .unwrap()
        .replay(s.clone())
        .err()
        .unwrap();
    assert!(
        matches!(err, JournalError::Replay { line, .. } if line == n + 2),
        "{err}"
    );
    // A v2 journal whose recorded events differ from what its command gives.
    let p2 = dir.path().join("altered.jsonl");
    drop(half_game(&p2, 2));
    let loaded = journal::read(&p2).unwrap();
    let mut batches = loaded.batches.clone();
    let (line, victim) = batches
        .iter_mut()
        .find(|(_, b)| b.events().len() > 3)
        .unwrap();
    if let journal::Entry::Command { events, .. } = &mut victim.entry {
        events.pop();
    }
    let line = *line;
    let batches: Vec<journal::Batch> = batches.into_iter().map(|(_, b)| b).collect();
    std::fs::write(&p2, journal::frame(&loaded.header, &batches)).unwrap();
    let err = journal::read(&p2).unwrap().replay(s).err().unwrap();
    assert!(
        matches!(&err, JournalError::Replay { line: l, .. } if *l == line),
        "{err}"
    );
}

#[test]
fn a_journal_written_before_commands_were_kept_still_replays_resumes_and_reports() {
    let dir = tempfile::tempdir().unwrap();
    let s = cascade();
    // Half a game in the old format, as the previous release wrote it.
    let mut g = Game::new(s.clone(), 9);
    g.handle(Seat::Control, Command::Start).unwrap();
    batch::play_rounds_until(&mut g, Policy::Cooperative, 2);
    let path = dir.path().join("old.jsonl");
    let old = v1_bytes(&s, 9, g.events());
    std::fs::write(&path, &old).unwrap();
    let loaded = journal::read(&path).unwrap();
    assert_eq!(loaded.events(), g.events());
    let report = cbm_ttx_core::report::build(
        &s,
        9,
        &loaded.events(),
        &cbm_ttx_core::report::Options::default(),
    );
    assert!(!report.blocks.is_empty());
    let mut resumed = Session::resume(&loaded, s.clone(), None).unwrap();
    batch::play_rounds(&mut resumed, Policy::Cooperative);
    let finished = resumed.events().to_vec();
    drop(resumed);
    // The original is kept; the journal is now in the new format and complete.
    let mut backup = path.clone().into_os_string();
    backup.push(".v1");
    assert_eq!(std::fs::read(backup).unwrap(), old);
    let reread = journal::read(&path).unwrap();
    assert_eq!(reread.header.cbm_ttx_journal, journal::FORMAT);
    assert_eq!(reread.events(), finished);
    reread.replay(s).unwrap();
}

#[test]
fn resuming_against_another_scenario_is_refused_with_a_clear_message() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    drop(half_game(&path, 1));
    let loaded = journal::read(&path).unwrap();
    let err = loaded.replay(tutorial()).err().unwrap();
    let msg = err.to_string();
    assert!(matches!(err, JournalError::ScenarioMismatch { .. }));
    assert!(msg.contains("cascade") && msg.contains("tutorial"), "{msg}");
    // The same scenario with one word of an inject changed is another scenario too.
    let edited = compile(&CASCADE.replace("minus twelve degrees", "minus eleven degrees"));
    assert!(loaded.replay(Arc::new(edited)).is_err());
    // But a comment or layout change is not.
    let relaid = compile(&format!(
        "// reformatted\n{}",
        CASCADE.replace("    ", "  ")
    ));
    assert!(loaded.replay(Arc::new(relaid)).is_ok());
}

#[test]
fn a_journal_carries_its_scenario() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    drop(half_game(&path, 1));
    let loaded = journal::read(&path).unwrap();
    let (found, file) = loaded.find_scenario(None, &[]).unwrap();
    assert_eq!(found.content_hash, cascade().content_hash);
    assert!(file.is_none());
}

#[test]
fn a_journal_is_never_overwritten() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("j.jsonl");
    let s = tutorial();
    Writer::create(&path, &Header::new(&s, 1), Durability::Sync).unwrap();
    let err = Writer::create(&path, &Header::new(&s, 1), Durability::Sync).err();
    assert!(err.is_some());
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

/// Journals written by the previous release (one event per line, rules version 1):
/// every command in them replays exactly, they report, and they resume.
#[test]
fn journals_of_the_previous_release_replay_exactly_report_and_resume() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut seen = 0;
    for entry in std::fs::read_dir(&fixtures).unwrap() {
        let src = entry.unwrap().path();
        if !src
            .file_name()
            .unwrap()
            .to_string_lossy()
            .starts_with("v1-")
        {
            continue;
        }
        seen += 1;
        let loaded = journal::read(&src).unwrap();
        assert_eq!(loaded.header.rules, 1, "{}", src.display());
        let (scenario, _) = loaded.find_scenario(None, &[]).unwrap();
        let game = loaded
            .replay(scenario.clone())
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(game.events(), &loaded.events()[..], "{}", src.display());
        let doc = cbm_ttx_core::report::build(
            &scenario,
            loaded.header.seed,
            game.events(),
            &cbm_ttx_core::report::Options::default(),
        );
        assert!(!doc.blocks.is_empty());
        // Resume a copy: it is rewritten in the new format and goes on.
        let copy = dir.path().join(src.file_name().unwrap());
        std::fs::copy(&src, &copy).unwrap();
        let loaded = journal::read(&copy).unwrap();
        let mut s = Session::resume(&loaded, scenario.clone(), None).unwrap();
        s.command(
            Seat::Control,
            Command::Annotate {
                text: "after the upgrade".into(),
            },
        )
        .unwrap();
        drop(s);
        let reread = journal::read(&copy).unwrap();
        assert_eq!(reread.header.cbm_ttx_journal, journal::FORMAT);
        assert_eq!(reread.header.rules, 1);
        let again = reread.replay(scenario).unwrap();
        assert_eq!(again.events().len(), game.events().len() + 1);
    }
    assert_eq!(seen, 6);
}

mod structure {
    //! Damage that keeps every line intact: an altered header, a line removed,
    //! duplicated or moved, a complete last line with stray bytes after it. Each
    //! checksum covers every line before it, so each is refused with the line where
    //! the chain breaks — never read as a shorter, reordered or reseeded record.
    //! (Removing the *last* complete line leaves a journal that ends one command
    //! earlier; nothing inside the file can tell.)
    use super::*;
    use proptest::prelude::*;

    fn corrupt_at(bytes: &[u8]) -> Option<usize> {
        match journal::read_from(std::path::Path::new("j.jsonl"), bytes) {
            Err(JournalError::Corrupt { line, .. }) => Some(line),
            _ => None,
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]
        #[test]
        fn lines_removed_duplicated_or_moved_are_refused(
            how in 0u8..3, i in any::<prop::sample::Index>(), j in any::<prop::sample::Index>()
        ) {
            let (_, bytes) = crate::fuzz::real_journal();
            let text = String::from_utf8(bytes).unwrap();
            let mut lines: Vec<&str> = text.lines().collect();
            let n = lines.len();
            prop_assume!(n > 4);
            // Entries are lines 1..n (0 is the header); the last is left alone by removal.
            let a = 1 + i.index(n - 2);
            match how {
                0 => { lines.remove(a); }
                1 => { let l = lines[a]; lines.insert(a, l); }
                _ => {
                    let b = 1 + j.index(n - 1);
                    prop_assume!(lines[a] != lines[b]);
                    lines.swap(a, b);
                }
            }
            let damaged = lines.join("\n") + "\n";
            prop_assert!(corrupt_at(damaged.as_bytes()).is_some(), "edit {how} at line {} accepted", a + 1);
        }

        #[test]
        fn an_altered_header_is_refused(seed in any::<u64>(), rules in 0u32..9) {
            let (_, bytes) = crate::fuzz::real_journal();
            let end = bytes.iter().position(|b| *b == b'\n').unwrap();
            let mut header: Header = serde_json::from_slice(&bytes[..end]).unwrap();
            prop_assume!(header.seed != seed || header.rules != rules);
            header.seed = seed;
            header.rules = rules;
            let mut damaged = serde_json::to_vec(&header).unwrap();
            damaged.extend_from_slice(&bytes[end..]);
            prop_assert_eq!(corrupt_at(&damaged), Some(2));
        }
    }

    #[test]
    fn a_complete_last_line_with_stray_bytes_is_damage_not_a_torn_write() {
        let (_, bytes) = crate::fuzz::real_journal();
        for junk in [&b"X"[..], b"}", b" garbage", b"{\"sum\":"] {
            let mut damaged = bytes[..bytes.len() - 1].to_vec();
            damaged.extend_from_slice(junk);
            let lines = bytes.iter().filter(|b| **b == b'\n').count();
            assert_eq!(
                corrupt_at(&damaged),
                Some(lines),
                "{:?}",
                String::from_utf8_lossy(junk)
            );
        }
        // A prefix of the last line is still a torn write, set aside on resume.
        let cut = &bytes[..bytes.len() - 20];
        let loaded = journal::read_from(std::path::Path::new("j.jsonl"), cut).unwrap();
        assert!(loaded.torn.is_some());
    }

    /// What a write cut short can leave after the last newline: the start of an entry,
    /// or zero bytes. Anything else there is damage, refused at that line.
    #[test]
    fn only_what_a_write_cut_short_leaves_is_taken_for_a_torn_write() {
        let (_, bytes) = crate::fuzz::real_journal();
        let lines = bytes.iter().filter(|b| **b == b'\n').count();
        let start = bytes[..bytes.len() - 1]
            .iter()
            .rposition(|b| *b == b'\n')
            .unwrap()
            + 1;
        let last = &bytes[start..bytes.len() - 1];
        // The last line whole without its newline, with one byte of its batch altered:
        // complete, so not torn, and its checksum no longer matches.
        let mut altered = last.to_vec();
        let i = altered.len() - 10;
        altered[i] = if altered[i] == b'0' { b'1' } else { b'0' };
        let damaged: Vec<&[u8]> = vec![
            &altered,
            b"garbage",
            b"{\"a\":1}",
            b"{\"sum\":\"xyz",
            b"{\"sum\":\"0123456789abcdef\",\"batch\":{}}}",
            b"{\"sum\":\"0123456789abcdef\",\"batch\":[1,]",
        ];
        for tail in damaged {
            let mut j = bytes.clone();
            j.extend_from_slice(tail);
            assert_eq!(
                corrupt_at(&j),
                Some(lines + 1),
                "{:?}",
                String::from_utf8_lossy(tail)
            );
        }
        // Every proper prefix of a real entry, and zeros, are torn writes.
        let mut tails: Vec<Vec<u8>> = (1..last.len()).map(|n| last[..n].to_vec()).collect();
        tails.push(vec![0; 100]);
        for tail in tails {
            let mut j = bytes.clone();
            j.extend_from_slice(&tail);
            let loaded = journal::read_from(std::path::Path::new("j.jsonl"), &j[..])
                .unwrap_or_else(|e| panic!("{:?}: {e}", String::from_utf8_lossy(&tail)));
            assert!(
                loaded.torn.is_some(),
                "{:?}",
                String::from_utf8_lossy(&tail)
            );
        }
    }
}
