//! Every RON example in docs/scenario-format.md is checked: complete files validate
//! (or fail with the problem the page says), and fragments validate once put in place
//! in a small scenario that has every id the examples use.
//!
//! A block is a complete, valid file unless the line before its fence says otherwise:
//!
//! - `<!-- check: file no-warnings -->`: a complete file with no errors and no warnings;
//! - `<!-- check: invalid CODE... as=NAME -->`: a complete file that has an error of each
//!   CODE; the next two code blocks show `validate --short NAME` and `validate NAME`,
//!   and must be exactly what validate prints;
//! - `<!-- check: header -->`: the header line alone;
//! - `<!-- check: fields -->`: top-level fields (in `Scenario(...)` or not);
//! - `<!-- check: state -->`, `<!-- check: inject -->`: one record of that list;
//! - `<!-- check: state-fields -->`: fields of a State;
//! - `<!-- check: inject-fields -->`, `<!-- check: objective-fields -->`,
//!   `<!-- check: condition -->`: alternatives, one per unindented line (with the
//!   indented lines under it), each a field of an inject or objective, or a condition.

use cbm_ttx_core::scenario::{Severity, compile_str};

const DOC: &str = include_str!("../../../../docs/scenario-format.md");

struct Block {
    line: usize,
    directive: String,
    text: String,
    /// The plain (non-RON) code blocks that follow, before the next RON block.
    after: Vec<String>,
}

fn blocks() -> Vec<Block> {
    let lines: Vec<&str> = DOC.lines().collect();
    let mut out: Vec<Block> = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let fence = lines[i].trim_end();
        if let Some(info) = fence.strip_prefix("```") {
            let start = i;
            let mut body = Vec::new();
            i += 1;
            while i < lines.len() && lines[i].trim_end() != "```" {
                body.push(lines[i]);
                i += 1;
            }
            let text = body.join("\n") + "\n";
            if info.split([' ', ',']).next() == Some("ron") {
                let directive = lines[..start]
                    .iter()
                    .rev()
                    .find(|l| !l.trim().is_empty())
                    .and_then(|l| l.trim().strip_prefix("<!-- check:"))
                    .and_then(|l| l.strip_suffix("-->"))
                    .map(|d| d.trim().to_owned())
                    .unwrap_or_else(|| "file".into());
                out.push(Block {
                    line: start + 1,
                    directive,
                    text,
                    after: Vec::new(),
                });
            } else if let Some(last) = out.last_mut() {
                last.after.push(text);
            }
        }
        i += 1;
    }
    out
}

// ---- a small RON splitter (strings and comments respected) ---------------------------

/// The text with comments blanked out.
fn strip_comments(s: &str) -> String {
    let b = s.as_bytes();
    let mut out = String::with_capacity(s.len());
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'"' {
            let start = i;
            i += 1;
            while i < b.len() && b[i] != b'"' {
                i += if b[i] == b'\\' { 2 } else { 1 };
            }
            i = (i + 1).min(b.len());
            out.push_str(&s[start..i]);
        } else if s[i..].starts_with("//") {
            while i < b.len() && b[i] != b'\n' {
                i += 1;
            }
        } else if s[i..].starts_with("/*") {
            let mut depth = 0;
            while i < b.len() {
                if s[i..].starts_with("/*") {
                    depth += 1;
                    i += 2;
                } else if s[i..].starts_with("*/") {
                    depth -= 1;
                    i += 2;
                    if depth == 0 {
                        break;
                    }
                } else {
                    i += 1;
                }
            }
            out.push(' ');
        } else {
            let c = s[i..].chars().next().unwrap();
            out.push(c);
            i += c.len_utf8();
        }
    }
    out
}

/// Split at `sep` outside brackets and strings (comments already stripped).
fn split_top(s: &str, sep: u8) -> Vec<String> {
    let b = s.as_bytes();
    let mut parts = Vec::new();
    let (mut depth, mut start, mut i) = (0i32, 0, 0);
    while i < b.len() {
        match b[i] {
            b'"' => {
                i += 1;
                while i < b.len() && b[i] != b'"' {
                    i += if b[i] == b'\\' { 2 } else { 1 };
                }
            }
            b'(' | b'[' | b'{' => depth += 1,
            b')' | b']' | b'}' => depth -= 1,
            c if c == sep && depth == 0 => {
                parts.push(s[start..i].to_owned());
                start = i + 1;
            }
            _ => {}
        }
        i += 1;
    }
    parts.push(s[start..].to_owned());
    parts
        .into_iter()
        .map(|p| p.trim().to_owned())
        .filter(|p| !p.is_empty())
        .collect()
}

/// `name: value` pairs of a comma-separated field list.
fn fields(s: &str) -> Vec<(String, String)> {
    split_top(&strip_comments(s), b',')
        .into_iter()
        .map(|f| {
            let (name, value) = f
                .split_once(':')
                .unwrap_or_else(|| panic!("not a field: {f}"));
            (name.trim().to_owned(), value.trim().to_owned())
        })
        .collect()
}

/// The inside of `(...)`, `[...]` or `Name(...)`.
fn inside(s: &str) -> &str {
    let s = s.trim();
    let open = s.find(['(', '[']).expect("a bracket");
    &s[open + 1..s.len() - 1]
}

/// What identifies a list item: its `id`, or the pair of a tension.
fn key(item: &str) -> String {
    let f = fields(inside(item));
    let get = |n: &str| f.iter().find(|(k, _)| k == n).map(|(_, v)| v.clone());
    if let Some(id) = get("id") {
        return id;
    }
    let pair = get("between").expect("an id or a pair");
    let mut ids: Vec<String> = split_top(inside(&pair), b',');
    ids.sort();
    ids.join("+")
}

fn record(fields: &[(String, String)]) -> String {
    let inner: Vec<String> = fields.iter().map(|(k, v)| format!("{k}: {v}")).collect();
    format!("(\n        {},\n    )", inner.join(",\n        "))
}

/// `record` with these fields replaced or added.
fn with_fields(record_text: &str, over: &[(String, String)]) -> String {
    let mut f = fields(inside(record_text));
    for (k, v) in over {
        match f.iter_mut().find(|(name, _)| name == k) {
            Some(slot) => slot.1 = v.clone(),
            None => f.push((k.clone(), v.clone())),
        }
    }
    record(&f)
}

// ---- the scenario the fragments are put into -----------------------------------------

const LISTS: [&str; 7] = [
    "rounds",
    "states",
    "actors",
    "tensions",
    "incidents",
    "injects",
    "objectives",
];

struct Harness {
    fields: Vec<(String, String)>,
    lists: Vec<(String, Vec<String>)>,
    header: String,
}

fn state(id: &str) -> String {
    format!(
        "(id: \"{id}\", name: \"{id}\", bodies: [(id: \"cert\", kind: Cert, name: \"CERT\"), (id: \"mfa\", kind: ForeignMinistry, name: \"MFA\"), (id: \"interior\", kind: Interior, name: \"Interior\"), (id: \"intel\", kind: Intelligence, name: \"Intelligence\"), (id: \"justice\", kind: Justice, name: \"Justice\")], contacts: (policy: (body: \"mfa\"), technical: (body: \"cert\")))"
    )
}

fn inject(id: &str, when: &str, effects: &str) -> String {
    format!(
        "(id: \"{id}\", title: \"{id}\", when: {when}, audience: Public, text: \"{id}\", effects: [{effects}])"
    )
}

impl Harness {
    fn new() -> Harness {
        let states = [
            "lakeland", "hillmark", "ardenia", "borovia", "corvinia", "dalmora", "eskeland",
        ];
        Harness {
            header: "#![enable(implicit_some)]\n".into(),
            fields: vec![
                ("id".into(), "\"docs-harness\"".into()),
                ("title".into(), "\"The examples of docs/scenario-format.md\"".into()),
                ("languages".into(), "[en, ru]".into()),
            ],
            lists: vec![
                ("rounds".into(), (1..=3).map(|r| format!("(title: \"Round {r}\")")).collect()),
                ("states".into(), states.iter().map(|s| state(s)).collect()),
                ("actors".into(), vec![
                    "(id: \"quill\", name: \"QUILL\")".into(),
                    "(id: \"frostbyte\", name: \"FROSTBYTE\")".into(),
                ]),
                ("tensions".into(), vec![]),
                ("incidents".into(), vec![
                    "(id: \"exchange\", title: \"Exchange\", severity: 2, origin: Actor(\"quill\"), affected: [\"lakeland\"], facts: [(id: \"exchange-hillmark-ips\", text: \"IPs\", known_by: [(\"lakeland\", \"cert\")], points_to: State(\"hillmark\")), (id: \"exchange-rented\", text: \"Rented\", known_by: [(\"hillmark\", \"interior\")], points_to: Actor(\"quill\")), (id: \"exchange-booter\", text: \"Booter\", hidden: true)])".into(),
                    "(id: \"grid\", title: \"Grid\", severity: 4, origin: Actor(\"frostbyte\"), affected: [\"ardenia\"], facts: [(id: \"grid-c2\", text: \"C2\", known_by: [(\"ardenia\", \"cert\")], points_to: State(\"borovia\")), (id: \"grid-hosting-record\", text: \"Hosting\", known_by: [(\"borovia\", \"justice\")]), (id: \"grid-code\", text: \"Code\", hidden: true)])".into(),
                    "(id: \"telecom\", title: \"Telecom\", severity: 3, origin: State(\"borovia\"), affected: [\"eskeland\"], facts: [(id: \"telecom-log\", text: \"Log\", known_by: [(\"eskeland\", \"cert\")])])".into(),
                ]),
                ("injects".into(), vec![
                    inject("open-exchange", "Round(1)", "OpenIncident(\"exchange\")"),
                    inject("open-grid", "Round(1)", "OpenIncident(\"grid\")"),
                    inject("open-telecom", "Round(1)", "OpenIncident(\"telecom\")"),
                    inject("r3-water", "Manual", ""),
                    inject("press", "Manual", ""),
                    inject("criminal-link", "Manual", ""),
                    inject("probe", "Round(1)", ""),
                ]),
                ("objectives".into(), vec![
                    "(id: \"probe\", title: \"Probe\", check: ConcernsAnswered)".into(),
                ]),
            ],
        }
    }

    fn set(&mut self, name: &str, value: &str) {
        if LISTS.contains(&name) && name != "rounds" {
            let items = split_top(inside(value), b',');
            let list = &mut self.lists.iter_mut().find(|(n, _)| n == name).unwrap().1;
            for item in items {
                let k = key(&item);
                match list.iter_mut().find(|i| key(i) == k) {
                    Some(slot) => *slot = item,
                    None => list.push(item),
                }
            }
        } else if name == "rounds" {
            self.lists
                .iter_mut()
                .find(|(n, _)| n == "rounds")
                .unwrap()
                .1 = split_top(inside(value), b',');
        } else {
            match self.fields.iter_mut().find(|(n, _)| n == name) {
                Some(slot) => slot.1 = value.to_owned(),
                None => self.fields.push((name.to_owned(), value.to_owned())),
            }
        }
    }

    fn edit_item(&mut self, list: &str, id: &str, over: &[(String, String)]) {
        let items = &mut self.lists.iter_mut().find(|(n, _)| n == list).unwrap().1;
        let item = items
            .iter_mut()
            .find(|i| key(i) == format!("\"{id}\""))
            .unwrap();
        *item = with_fields(item, over);
    }

    fn text(&self) -> String {
        let mut s = format!("{}Scenario(\n", self.header);
        for (k, v) in &self.fields {
            s.push_str(&format!("    {k}: {v},\n"));
        }
        for (k, items) in &self.lists {
            s.push_str(&format!("    {k}: [\n"));
            for i in items {
                s.push_str(&format!("        {i},\n"));
            }
            s.push_str("    ],\n");
        }
        s.push_str(")\n");
        s
    }
}

/// Alternatives: each unindented line with the indented (or closing) lines under it.
fn alternatives(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            continue;
        }
        let starts_item = !line.starts_with([' ', '\t', ')', ']', '}']);
        match out.last_mut() {
            Some(last) if !starts_item => {
                last.push('\n');
                last.push_str(line);
            }
            _ => out.push(line.to_owned()),
        }
    }
    out.into_iter()
        .map(|a| {
            let a = strip_comments(&a);
            a.trim().trim_end_matches(',').trim().to_owned()
        })
        .collect()
}

/// Top-level fields of a fragment that may be wrapped in `Scenario(...)`.
fn scenario_fields(text: &str) -> Vec<(String, String)> {
    let plain = strip_comments(text);
    let plain: String = plain
        .lines()
        .filter(|l| !l.trim_start().starts_with("#!["))
        .collect::<Vec<_>>()
        .join("\n");
    let t = plain.trim();
    match t.strip_prefix("Scenario(") {
        Some(rest) => fields(rest.trim_end().strip_suffix(')').expect("closing bracket")),
        None => fields(t),
    }
}

#[track_caller]
fn valid(what: &str, src: &str, no_warnings: bool) {
    let c = compile_str("example.ron", src);
    let bad: Vec<String> = c
        .report
        .diagnostics
        .iter()
        .zip(c.report.lines())
        .filter(|(d, _)| no_warnings || d.severity == Severity::Error)
        .map(|(_, l)| l)
        .collect();
    assert!(
        bad.is_empty(),
        "{what}:\n{}\n--- as checked:\n{src}",
        bad.join("\n")
    );
}

#[test]
fn every_ron_example_in_the_format_docs_holds() {
    let blocks = blocks();
    assert!(blocks.len() >= 40, "found only {} RON blocks", blocks.len());
    for b in &blocks {
        let what = format!("docs/scenario-format.md line {} ({})", b.line, b.directive);
        let mut words = b.directive.split_whitespace();
        let kind = words.next().unwrap_or("file");
        let args: Vec<&str> = words.collect();
        match kind {
            "file" => valid(&what, &b.text, args.contains(&"no-warnings")),
            "invalid" => {
                let name = args
                    .iter()
                    .find_map(|a| a.strip_prefix("as="))
                    .unwrap_or("example.ron");
                let c = compile_str(name, &b.text);
                assert!(c.report.has_errors(), "{what}: the example is valid");
                for code in args.iter().filter(|a| !a.contains('=')) {
                    assert!(
                        c.report
                            .diagnostics
                            .iter()
                            .any(|d| d.problem.code() == *code),
                        "{what}: no {code}:\n{}",
                        c.report.lines().join("\n")
                    );
                }
                if args.iter().any(|a| a.starts_with("as=")) {
                    let summary = c.report.summary();
                    let short = format!("{}\n{summary}\n", c.report.lines().join("\n"));
                    assert_eq!(
                        b.after.first().map(String::as_str),
                        Some(short.as_str()),
                        "{what}: --short output"
                    );
                    let long = format!("{}{summary}\n", c.report.render(false));
                    let shown: Vec<&str> = b
                        .after
                        .get(1)
                        .map(|s| s.lines().collect())
                        .unwrap_or_default();
                    let printed: Vec<&str> = long.lines().collect();
                    assert_eq!(shown, printed, "{what}: long output");
                }
            }
            "header" => {
                let mut h = Harness::new();
                h.header = b.text.clone();
                valid(&what, &h.text(), false);
            }
            "fields" => {
                let mut h = Harness::new();
                for (k, v) in scenario_fields(&b.text) {
                    h.set(&k, &v);
                }
                valid(&what, &h.text(), false);
            }
            "state" | "inject" => {
                let mut h = Harness::new();
                let item = strip_comments(&b.text);
                let item = item.trim().trim_end_matches(',');
                h.set(&format!("{kind}s"), &format!("[{item}]"));
                valid(&what, &h.text(), false);
            }
            "state-fields" => {
                let mut h = Harness::new();
                h.edit_item("states", "borovia", &fields(&b.text));
                valid(&what, &h.text(), false);
            }
            "inject-fields" | "objective-fields" | "condition" => {
                for alt in alternatives(&b.text) {
                    let mut h = Harness::new();
                    let over = match kind {
                        "condition" => vec![("when".to_owned(), format!("Trigger({alt})"))],
                        _ => fields(&alt),
                    };
                    let list = if kind == "objective-fields" {
                        "objectives"
                    } else {
                        "injects"
                    };
                    h.edit_item(list, "probe", &over);
                    valid(&format!("{what}: {alt}"), &h.text(), false);
                }
            }
            other => panic!("{what}: unknown check {other:?}"),
        }
    }
}

#[test]
fn the_harness_itself_is_valid() {
    valid("harness", &Harness::new().text(), false);
}

/// The rows of the Markdown table that follows `marker` in the page.
fn table_after(marker: &str) -> Vec<Vec<String>> {
    let at = DOC
        .find(marker)
        .unwrap_or_else(|| panic!("{marker:?} not in the docs"));
    DOC[at..]
        .lines()
        .skip_while(|l| !l.starts_with('|'))
        .take_while(|l| l.starts_with('|'))
        .skip(2)
        .map(|l| {
            l.trim_matches('|')
                .split('|')
                .map(|c| c.trim().to_owned())
                .collect()
        })
        .collect()
}

#[test]
fn the_preselected_body_table_matches_the_composer_defaults() {
    use cbm_ttx_core::scenario::{ActionKind, BodyKind};
    let rows = table_after("**Which body acts.**");
    let kind_of = |cell: &str| -> BodyKind {
        if cell.contains("`Cert`") {
            BodyKind::Cert
        } else if cell.contains("`Defence`") {
            BodyKind::Defence
        } else {
            assert!(cell.contains("`ForeignMinistry`"), "{cell}");
            BodyKind::ForeignMinistry
        }
    };
    for k in ActionKind::ALL {
        let row = rows
            .iter()
            .find(|r| r[0].contains(&format!("`{k:?}`")))
            .or_else(|| rows.iter().find(|r| r[0] == "every other kind"))
            .unwrap();
        assert_eq!(kind_of(&row[1]), k.fields().default_body, "{k:?}");
    }
}

#[test]
fn the_tension_table_matches_the_rules() {
    use cbm_ttx_core::engine::rules::*;
    let rows = table_after("| Event | Change |");
    let find = |label: &str| -> String {
        rows.iter()
            .find(|r| r[0].starts_with(label))
            .unwrap_or_else(|| panic!("no row {label:?}"))[1]
            .clone()
    };
    let first_number = |cell: &str| -> i32 {
        let cell = cell.replace('−', "-");
        let t = cell.trim_start();
        let end = t
            .char_indices()
            .find(|(i, c)| !(c.is_ascii_digit() || (*i == 0 && (*c == '+' || *c == '-'))))
            .map(|(i, _)| i)
            .unwrap_or(t.len());
        t[..end]
            .parse()
            .unwrap_or_else(|_| panic!("no number in {cell:?}"))
    };
    for (label, value) in [
        ("Policy message delivered", POLICY_MESSAGE_DELIVERED),
        ("Technical message delivered", TECHNICAL_MESSAGE_DELIVERED),
        ("Assistance request delivered", REQUEST_DELIVERED),
        ("Information shared", SHARE_DELIVERED),
        ("Joint analysis", JOINT_ANALYSIS_DELIVERED),
        ("Assistance provided", ASSISTANCE_DELIVERED),
        ("Reply delivered", RESPONSE_DELIVERED),
        ("Reply to a concern delivered", CONCERN_ANSWERED),
        ("Concern left unanswered", CONCERN_IGNORED),
        ("Public attribution of an incident to a State", ATTRIBUTION),
        ("Public attribution to a non-State actor", 0),
        ("Countermeasure", COUNTERMEASURE),
        ("…plus, if it names no incident", COUNTERMEASURE_UNEXPLAINED),
    ] {
        assert_eq!(first_number(&find(label)), value as i32, "{label}");
    }
    assert_eq!(
        find("Public statement about a State"),
        format!(
            "{} / 0 / {:+} / {:+}",
            STATEMENT_CONCILIATORY, STATEMENT_ASSERTIVE, STATEMENT_ACCUSATORY
        )
        .replace('-', "−")
    );
    // Nothing of the old, origin-dependent numbers is left on the page.
    for gone in [
        "did not do it",
        "the right non-State actor",
        "not behind the named incident",
    ] {
        assert!(!DOC.contains(gone), "the docs still say {gone:?}");
    }
}
