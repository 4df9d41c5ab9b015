//! `validate`: every kind of problem is reported at the right line and column.

use cbm_ttx_core::scenario::diagnostics::line_col;
use cbm_ttx_core::scenario::{Problem, Severity, compile_bytes, compile_str};

use crate::common::{TUTORIAL, tweak};

/// The problem must be reported exactly where the n-th occurrence of `at` starts.
#[track_caller]
fn expect_at(src: &str, problem: Problem, at: &str, nth: usize) {
    let c = compile_str("t.ron", src);
    let offset = src
        .match_indices(at)
        .nth(nth)
        .unwrap_or_else(|| panic!("{at:?} not in source"))
        .0;
    let (line, col) = line_col(src, offset);
    let found = c
        .report
        .diagnostics
        .iter()
        .any(|d| d.problem == problem && d.line == line && d.col == col);
    assert!(
        found,
        "expected {problem:?} at {line}:{col} ({at:?}); got:\n{}",
        c.report.lines().join("\n")
    );
}

/// Like [`expect_at`], for a short `inner` text found inside the first `context`.
#[track_caller]
fn expect_within(src: &str, problem: Problem, context: &str, inner: &str) {
    let base = src
        .find(context)
        .unwrap_or_else(|| panic!("{context:?} not in source"));
    let offset = base + context.find(inner).expect("inner text inside context");
    let c = compile_str("t.ron", src);
    let (line, col) = line_col(src, offset);
    let found = c
        .report
        .diagnostics
        .iter()
        .any(|d| d.problem == problem && d.line == line && d.col == col);
    assert!(
        found,
        "expected {problem:?} at {line}:{col}; got:\n{}",
        c.report.lines().join("\n")
    );
}

#[test]
fn bundled_scenarios_are_valid_without_errors() {
    for (name, src) in cbm_ttx_core::scenario::bundled::ALL {
        let c = compile_str(name, src);
        assert!(
            c.scenario.is_some(),
            "{name}:\n{}",
            c.report.lines().join("\n")
        );
        assert_eq!(c.report.errors().count(), 0);
    }
}

#[test]
fn syntax_error_points_at_the_missing_comma() {
    let src = tweak("seed: 42,", "seed: 42");
    let c = compile_str("t.ron", &src);
    let d = &c.report.diagnostics[0];
    assert_eq!(d.problem, Problem::Syntax);
    let (line, _) = line_col(&src, src.find("languages:").unwrap());
    assert_eq!(d.line, line, "{:?}", d);
    assert!(
        d.hint.as_deref().unwrap_or("").contains("comma"),
        "{:?}",
        d.hint
    );
}

#[test]
fn unknown_field_is_a_syntax_error_with_the_allowed_fields() {
    let src = tweak("severity: 2,", "severty: 2,");
    let c = compile_str("t.ron", &src);
    let d = &c.report.diagnostics[0];
    assert_eq!(d.problem, Problem::Syntax);
    let (line, _) = line_col(&src, src.find("severty").unwrap());
    assert_eq!(d.line, line);
    assert!(d.hint.as_deref().unwrap().contains("severity"));
}

#[test]
fn duplicate_inject_id() {
    let src = tweak("id: \"hillmark-police\"", "id: \"outage\"");
    expect_at(&src, Problem::DuplicateId, "\"outage\"", 1);
}

#[test]
fn unknown_reference_with_suggestion() {
    let src = tweak("OpenIncident(\"exchange\")", "OpenIncident(\"exchnage\")");
    expect_at(&src, Problem::UnknownReference, "\"exchnage\"", 0);
    let c = compile_str("t.ron", &src);
    let d = c
        .report
        .diagnostics
        .iter()
        .find(|d| d.problem == Problem::UnknownReference)
        .unwrap();
    assert_eq!(d.hint.as_deref(), Some("did you mean \"exchange\"?"));
}

#[test]
fn unknown_body_in_a_fact() {
    let src = tweak(
        "known_by: [(\"hillmark\", \"interior\")]",
        "known_by: [(\"hillmark\", \"police\")]",
    );
    expect_at(&src, Problem::UnknownReference, "\"police\"", 0);
}

#[test]
fn number_out_of_range() {
    let src = tweak("severity: 2", "severity: 9");
    expect_at(&src, Problem::OutOfRange, "9,", 0);
    let src = tweak("level: 20", "level: 140");
    expect_at(&src, Problem::OutOfRange, "140", 0);
}

#[test]
fn state_without_contact_point() {
    let src = tweak(
        "policy: (body: \"mfa\", name: \"Head of Security Policy Division\", verified_months_ago: 7),",
        "",
    );
    // Reported at Hillmark's `contacts` value.
    let c = compile_str("t.ron", &src);
    let d = c
        .report
        .diagnostics
        .iter()
        .find(|d| d.problem == Problem::NoContactPoint)
        .expect("reported");
    assert!(
        d.message.contains("hillmark") && d.message.contains("policy"),
        "{}",
        d.message
    );
    let contacts = src.match_indices("contacts: ").nth(1).unwrap().0 + "contacts: ".len();
    assert_eq!((d.line, d.col), line_col(&src, contacts));
}

#[test]
fn inject_scheduled_after_the_last_round_never_fires() {
    let src = tweak(
        "when: Round(1),\n            audience: Bodies",
        "when: Round(7),\n            audience: Bodies",
    );
    expect_within(&src, Problem::NeverFires, "Round(7)", "7");
}

#[test]
fn trigger_that_can_only_hold_after_the_last_round_never_fires() {
    let src = tweak(
        "ActionNotUsed(action: ShareInformation, by_round: 1)",
        "ActionNotUsed(action: ShareInformation, by_round: 2)",
    );
    expect_at(&src, Problem::NeverFires, "Trigger(ActionNotUsed", 0);
}

#[test]
fn trigger_cycle_never_fires() {
    let src = tweak(
        "when: Trigger(All([RoundAtLeast(2), FactKnown(fact: \"exchange-rented\", state: \"lakeland\")]))",
        "when: Trigger(InjectFired(\"thanks\"))",
    );
    expect_at(&src, Problem::NeverFires, "Trigger(InjectFired", 0);
}

#[test]
fn contradictory_all_never_fires() {
    let src = tweak(
        "when: Trigger(All([RoundAtLeast(2), FactKnown(fact: \"exchange-rented\", state: \"lakeland\")]))",
        "when: Trigger(All([TensionAtLeast(between: (\"lakeland\", \"hillmark\"), level: 60), TensionBelow(between: (\"hillmark\", \"lakeland\"), level: 50)]))",
    );
    expect_at(&src, Problem::NeverFires, "All([TensionAtLeast", 0);
}

#[test]
fn objective_due_after_the_last_round_cannot_be_evaluated() {
    let src = tweak(
        "PolicyContact(between: (\"lakeland\", \"hillmark\"), by_round: 2)",
        "PolicyContact(between: (\"lakeland\", \"hillmark\"), by_round: 5)",
    );
    expect_within(
        &src,
        Problem::CannotEvaluate,
        "\"hillmark\"), by_round: 5)",
        "5",
    );
}

#[test]
fn unknown_language_code_points_at_the_key() {
    let src = tweak("\"ru\": \"Лейкленд\"", "\"xx\": \"Лейкленд\"");
    expect_at(&src, Problem::UnknownLanguage, "\"xx\"", 0);
}

#[test]
fn invalid_id_and_same_pair() {
    let src = tweak("id: \"quill\"", "id: \"qu ill\"");
    expect_at(&src, Problem::InvalidId, "\"qu ill\"", 0);
    let src = tweak(
        "(between: (\"lakeland\", \"hillmark\"), level: 20)",
        "(between: (\"lakeland\", \"lakeland\"), level: 20)",
    );
    expect_at(&src, Problem::SamePair, "(\"lakeland\", \"lakeland\")", 0);
}

#[test]
fn warnings_do_not_fail_validation() {
    let src = tweak("languages: [en, ru]", "languages: [en, ru, fr]");
    let c = compile_str("t.ron", &src);
    assert!(c.scenario.is_some());
    assert!(
        c.report
            .warnings()
            .any(|d| d.problem == Problem::MissingTranslation)
    );
    let d = c
        .report
        .diagnostics
        .iter()
        .find(|d| d.problem == Problem::MissingTranslation)
        .unwrap();
    assert_eq!(d.severity, Severity::Warning);
    expect_at(
        &src,
        Problem::MissingTranslation,
        "{\n        \"en\": \"Tutorial",
        0,
    );
}

#[test]
fn never_opened_incident_is_a_warning_at_its_id() {
    let src = tweak("effects: [OpenIncident(\"exchange\")],", "")
        .replace(
            "FactShared(fact: \"exchange-rented\", with: \"lakeland\", by_round: 2)",
            "ActionUsed(action: ShareInformation, by_round: 2)",
        )
        .replace(
            "FactKnown(fact: \"exchange-rented\", state: \"lakeland\")",
            "RoundAtLeast(2)",
        );
    expect_at(&src, Problem::Unused, "\"exchange\"", 0);
    assert!(compile_str("t.ron", &src).scenario.is_some());
}

#[test]
fn too_many_rounds() {
    let rounds = "(title: \"r\"),".repeat(51);
    let start = TUTORIAL.find("rounds: [").unwrap();
    let end = start + TUTORIAL[start..].find("\n    ],").unwrap() + "\n    ],".len();
    let src = format!(
        "{}rounds: [{rounds}],{}",
        &TUTORIAL[..start],
        &TUTORIAL[end..]
    );
    expect_at(&src, Problem::TooMany, "[(title: \"r\")", 0);
}

#[test]
fn all_errors_of_a_file_are_reported_at_once() {
    let src = tweak("severity: 2", "severity: 0")
        .replace("OpenIncident(\"exchange\")", "OpenIncident(\"nope\")")
        .replace("by_round: 2)", "by_round: 9)");
    let c = compile_str("t.ron", &src);
    let kinds: Vec<Problem> = c.report.errors().map(|d| d.problem).collect();
    assert!(kinds.contains(&Problem::OutOfRange), "{kinds:?}");
    assert!(kinds.contains(&Problem::UnknownReference), "{kinds:?}");
    assert!(kinds.contains(&Problem::CannotEvaluate), "{kinds:?}");
    // Sorted by position in the file.
    let offsets: Vec<usize> = c.report.diagnostics.iter().map(|d| d.span.start).collect();
    assert!(offsets.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn unreadable_input_is_reported_not_panicked_on() {
    let c = compile_bytes("bin.ron", &[0x53, 0x63, 0xff, 0xfe, 0x00]);
    assert_eq!(c.report.diagnostics[0].problem, Problem::Unreadable);
    let c = compile_bytes("empty.ron", b"   \n");
    assert_eq!(c.report.diagnostics[0].problem, Problem::Unreadable);
    let big = vec![b' '; cbm_ttx_core::scenario::compile::MAX_FILE_BYTES + 1];
    let c = compile_bytes("big.ron", &big);
    assert_eq!(c.report.diagnostics[0].problem, Problem::Unreadable);
}

#[test]
fn rendered_report_shows_file_line_column_excerpt_and_hint() {
    let src = tweak("OpenIncident(\"exchange\")", "OpenIncident(\"exchnage\")");
    let c = compile_str("scenarios/t.ron", &src);
    let text = c.report.render(false);
    let (line, col) = line_col(&src, src.find("\"exchnage\"").unwrap());
    assert!(
        text.contains(&format!("scenarios/t.ron:{line}:{col}")),
        "{text}"
    );
    assert!(
        text.contains("OpenIncident(\"exchnage\")"),
        "excerpt missing:\n{text}"
    );
    assert!(text.contains("did you mean \"exchange\"?"), "{text}");
}

#[test]
fn a_misspelt_field_inside_a_condition_is_an_error() {
    let src = tweak(
        "ActionNotUsed(action: ShareInformation, by_round: 1)",
        "ActionNotUsed(action: ShareInformation, bye: \"lakeland\", by_round: 1)",
    );
    let c = compile_str("t.ron", &src);
    assert_eq!(c.report.diagnostics[0].problem, Problem::Syntax);
    assert!(
        c.report.diagnostics[0]
            .hint
            .as_deref()
            .unwrap()
            .contains("by")
    );
}

#[test]
fn a_trigger_may_wait_on_a_manual_inject() {
    let src = tweak("when: Round(1),\n            audience: Bodies", "when: Manual,\n            audience: Bodies").replace(
        "when: Trigger(All([RoundAtLeast(2), FactKnown(fact: \"exchange-rented\", state: \"lakeland\")]))",
        "when: Trigger(InjectFired(\"hillmark-police\"))",
    );
    let c = compile_str("t.ron", &src);
    assert!(c.scenario.is_some(), "{}", c.report.lines().join("\n"));
}

#[test]
fn revealing_a_fact_opens_its_incident_for_validation_too() {
    let src = tweak(
        "effects: [OpenIncident(\"exchange\")],",
        "effects: [RevealFact(fact: \"exchange-hillmark-ips\", to: [(\"lakeland\", \"cert\")])],",
    );
    let c = compile_str("t.ron", &src);
    assert!(c.scenario.is_some(), "{}", c.report.lines().join("\n"));
    assert!(
        !c.report
            .diagnostics
            .iter()
            .any(|d| d.problem == Problem::Unused),
        "{}",
        c.report.lines().join("\n")
    );
}

#[test]
fn language_keys_are_located_in_file_order_not_sorted_order() {
    let src = tweak(
        "\"ru\": \"Лейкленд\"",
        "\"xx\": \"Лейкленд\", \"de\": \"Lakeland\"",
    );
    expect_at(&src, Problem::UnknownLanguage, "\"xx\"", 0);
    expect_at(&src, Problem::UnknownLanguage, "\"de\": \"Lakeland\"", 0);
}

#[test]
fn starting_tension_may_name_a_ladder_step() {
    let src = tweak(
        "(between: (\"lakeland\", \"hillmark\"), level: 20)",
        "(between: (\"lakeland\", \"hillmark\"), level: \"concern\")",
    );
    let s = crate::common::compile(&src);
    assert_eq!(s.initial_tension[0], 20);
}

// ---- issue 12: files as authors save them ---------------------------------------------

/// The diagnostic of `problem`, or a panic listing what was found.
#[track_caller]
fn find(
    c: &cbm_ttx_core::scenario::Compiled,
    problem: Problem,
) -> cbm_ttx_core::scenario::Diagnostic {
    c.report
        .diagnostics
        .iter()
        .find(|d| d.problem == problem)
        .cloned()
        .unwrap_or_else(|| panic!("no {problem:?}:\n{}", c.report.lines().join("\n")))
}

#[test]
fn a_byte_order_mark_is_accepted_and_columns_count_after_it() {
    // As Windows editors save UTF-8.
    let mut bytes = "\u{FEFF}".as_bytes().to_vec();
    bytes.extend_from_slice(TUTORIAL.as_bytes());
    let c = compile_bytes("bom.ron", &bytes);
    assert!(c.scenario.is_some(), "{}", c.report.lines().join("\n"));
    let c = compile_str("bom.ron", &format!("\u{FEFF}{TUTORIAL}"));
    assert!(c.scenario.is_some(), "{}", c.report.lines().join("\n"));
    // A problem on the first line is at the column an editor shows (the mark is invisible).
    let c = compile_bytes("bom.ron", "\u{FEFF}Scenario(idd: \"x\")".as_bytes());
    let d = find(&c, Problem::Syntax);
    assert_eq!((d.line, d.col), (1, 10), "{:?}", d);
    // And a validation problem further down, with its excerpt.
    let src = tweak("OpenIncident(\"exchange\")", "OpenIncident(\"exchnage\")");
    let c = compile_str("bom.ron", &format!("\u{FEFF}{src}"));
    let d = find(&c, Problem::UnknownReference);
    assert_eq!(
        (d.line, d.col),
        line_col(&src, src.find("\"exchnage\"").unwrap())
    );
    assert!(
        c.report
            .render(false)
            .contains(&format!("bom.ron:{}:{}", d.line, d.col))
    );
}

/// The short form and the excerpt name the same column: characters, as editors count.
#[track_caller]
fn same_column_everywhere(src: &str, problem: Problem, at: &str) {
    let c = compile_str("t.ron", src);
    let d = find(&c, problem);
    let offset = src.find(at).unwrap();
    let line_start = src[..offset].rfind('\n').map(|i| i + 1).unwrap_or(0);
    let expected_col = src[line_start..offset].chars().count() + 1;
    assert_eq!(d.col, expected_col, "{d:?}");
    let short = c.report.lines().join("\n");
    assert!(
        short.contains(&format!("t.ron:{}:{expected_col}:", d.line)),
        "{short}"
    );
    let long = c.report.render(false);
    assert!(
        long.contains(&format!("t.ron:{}:{expected_col}]", d.line)),
        "short form says {}:{expected_col}, the excerpt says otherwise:\n{long}",
        d.line
    );
}

#[test]
fn columns_are_characters_in_the_short_form_and_the_excerpt_alike() {
    // Cyrillic before the error on its line.
    let src = tweak(
        "name: {\"en\": \"Lakeland\", \"ru\": \"Лейкленд\"}",
        "name: {\"ru\": \"Лейкленд Лейкленд\", \"xx\": \"Lakeland\"}",
    );
    same_column_everywhere(&src, Problem::UnknownLanguage, "\"xx\"");
    // Emoji and CJK before the error.
    let src = tweak(
        "name: {\"en\": \"Lakeland\", \"ru\": \"Лейкленд\"}",
        "name: {\"en\": \"🌊🏦 湖之国 Lakeland 👩‍💻\", \"zz\": \"Lakeland\"}",
    );
    same_column_everywhere(&src, Problem::UnknownLanguage, "\"zz\"");
    // A syntax error after Cyrillic text.
    let src = tweak(
        "title: {\"en\": \"Round 1: the outage\", \"ru\": \"Раунд 1: сбой\"},",
        "title: {\"en\": \"Round 1: the outage\", \"ru\": \"Раунд 1: сбой\"}, titel: 5,",
    );
    same_column_everywhere(&src, Problem::Syntax, "titel");
}

#[test]
fn a_decimal_where_a_whole_number_belongs_says_so() {
    for (from, to, number) in [
        ("seed: 42,", "seed: 42.0,", "42"),
        ("round_seconds: 600,", "round_seconds: 600.0,", "600"),
        ("severity: 2,", "severity: 2.5,", "2"),
        ("level: 20)", "level: 20.0)", "20"),
    ] {
        let src = tweak(from, to);
        let c = compile_str("t.ron", &src);
        let d = &c.report.diagnostics[0];
        assert_eq!(d.problem, Problem::Syntax, "{to}");
        assert!(
            d.message.contains("whole number"),
            "{to}: {}",
            c.report.lines().join("\n")
        );
        assert!(!d.message.contains("comma"), "{to}: {}", d.message);
        let hint = d.hint.as_deref().unwrap_or("");
        assert!(hint.contains(&format!("`{number}`")), "{to}: {hint}");
        assert_eq!(
            (d.line, d.col),
            line_col(&src, src.find(to).unwrap() + to.find(number).unwrap()),
            "{to}"
        );
    }
}

#[test]
fn quoted_words_where_fixed_words_belong_say_so() {
    let src = tweak("languages: [en, ru]", "languages: [\"en\", \"ru\"]");
    let c = compile_str("t.ron", &src);
    let d = &c.report.diagnostics[0];
    assert!(d.message.contains("without quotes"), "{}", d.message);
    assert!(
        d.hint
            .as_deref()
            .unwrap_or("")
            .contains("languages: [en, ru]"),
        "{:?}",
        d.hint
    );
    assert_eq!(
        (d.line, d.col),
        line_col(&src, src.find("\"en\", \"ru\"").unwrap())
    );
    let src = tweak(
        "kind: Cert, name: \"LK-CERT\"",
        "kind: \"Cert\", name: \"LK-CERT\"",
    );
    let c = compile_str("t.ron", &src);
    let d = &c.report.diagnostics[0];
    assert!(d.message.contains("without quotes"), "{}", d.message);
    assert!(
        d.hint.as_deref().unwrap_or("").contains("Cert"),
        "{:?}",
        d.hint
    );
}

#[test]
fn a_missing_closing_bracket_names_the_bracket_left_open() {
    let src = TUTORIAL.trim_end().strip_suffix(')').unwrap().to_owned();
    let c = compile_str("t.ron", &src);
    let d = &c.report.diagnostics[0];
    assert_eq!(d.problem, Problem::Syntax);
    let (line, col) = line_col(&src, src.find("Scenario(").unwrap() + "Scenario".len());
    assert!(
        d.message.contains(&format!("{line}:{col}")) && d.message.contains("never closed"),
        "{}",
        d.message
    );
    assert!(
        d.hint.as_deref().unwrap_or("").contains("`)`"),
        "{:?}",
        d.hint
    );
    // An unclosed list inside.
    let src = tweak(
        "questions: [\n                \"What did",
        "questions: (\n                \"What did",
    );
    let c = compile_str("t.ron", &src);
    assert_eq!(c.report.diagnostics[0].problem, Problem::Syntax);
}

#[test]
fn a_duplicate_id_says_where_the_first_one_is() {
    let src = tweak("id: \"hillmark-police\"", "id: \"outage\"");
    let c = compile_str("t.ron", &src);
    let d = find(&c, Problem::DuplicateId);
    let (line, col) = line_col(&src, src.find("\"outage\"").unwrap());
    assert!(
        d.message.contains(&format!("{line}:{col}")),
        "the first \"outage\" is at {line}:{col}: {}",
        d.message
    );
    assert_eq!(d.related.len(), 1, "{d:?}");
    assert_eq!((d.related[0].line, d.related[0].col), (line, col));
    let text = c.report.render(false);
    assert!(text.contains("first"), "{text}");
    // Every kind of duplicate does.
    for (from, to) in [
        ("id: \"hillmark\"", "id: \"lakeland\""),
        (
            "(id: \"interior\", kind: Interior",
            "(id: \"mfa\", kind: Interior",
        ),
        ("languages: [en, ru]", "languages: [en, ru, en]"),
    ] {
        let c = compile_str("t.ron", &tweak(from, to));
        let d = find(&c, Problem::DuplicateId);
        assert_eq!(d.related.len(), 1, "{to}: {d:?}");
        assert!(d.message.contains("first"), "{to}: {}", d.message);
    }
}

#[test]
fn every_problem_comes_with_a_hint() {
    for (from, to) in [
        ("level: 20)", "level: 140)"),
        ("severity: 2", "severity: 9"),
        ("actions_per_round: 3", "actions_per_round: 30"),
        ("languages: [en, ru]", "languages: [en, ru, en]"),
        (
            "(id: \"interior\", kind: Interior",
            "(id: \"mfa\", kind: Interior",
        ),
        (
            "(between: (\"lakeland\", \"hillmark\"), level: 20)",
            "(between: (\"lakeland\", \"lakeland\"), level: 20)",
        ),
    ] {
        let c = compile_str("t.ron", &tweak(from, to));
        assert!(c.report.has_errors(), "{to}");
        for d in &c.report.diagnostics {
            assert!(
                d.hint.as_deref().is_some_and(|h| !h.trim().is_empty()),
                "{to}: no hint for {}",
                d.message
            );
        }
    }
    let c = compile_str("t.ron", &tweak("level: 20)", "level: 140)"));
    let d = find(&c, Problem::OutOfRange);
    assert!(d.hint.unwrap().contains("100"));
}
