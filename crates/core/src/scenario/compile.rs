//! Validation and compilation: from the file as written to the indexed [`Scenario`].
//!
//! Every check records a [`Path`] to the value at fault; spans are looked up only at the
//! end, so a file with many problems reports them all, each at its own line and column.

use std::collections::HashMap;

use super::diagnostics::{Diagnostic, Problem, Related, Report, Severity, line_col, offset_of};
use super::file::*;
use super::ids::*;
use super::model::*;
use super::spans::{Path, SpanIndex};
use super::text::{Lang, Text};
use super::vocab::Level;

/// Larger files are refused before parsing: a real scenario is a few hundred KiB.
pub const MAX_FILE_BYTES: usize = 16 * 1024 * 1024;
/// Nesting deeper than this is refused by the parser (conditions nest, data does not).
pub const MAX_NESTING: usize = 64;

/// The outcome of loading one file: the scenario if it has no errors, and the report.
pub struct Compiled {
    /// The compiled scenario; `None` if the report has any error.
    pub scenario: Option<Scenario>,
    /// Every problem found (errors and warnings); empty diagnostics for a clean file.
    pub report: Report,
}

/// Parse, validate and compile a scenario from raw bytes. `file` is the name shown in
/// diagnostics. Bytes over [`MAX_FILE_BYTES`], not UTF-8, or blank give one
/// `unreadable` error; otherwise as [`compile_str`]. Never panics.
pub fn compile_bytes(file: &str, bytes: &[u8]) -> Compiled {
    let fail = |source: String, message: String, hint: &str| Compiled {
        scenario: None,
        report: Report {
            file: file.to_owned(),
            source,
            diagnostics: vec![Diagnostic {
                severity: Severity::Error,
                problem: Problem::Unreadable,
                message,
                hint: Some(hint.to_owned()),
                span: 0..0,
                line: 1,
                col: 1,
                related: Vec::new(),
            }],
        },
    };
    if bytes.len() > MAX_FILE_BYTES {
        return fail(
            String::new(),
            format!(
                "the file is {} bytes; scenarios may be at most {MAX_FILE_BYTES} bytes",
                bytes.len()
            ),
            "is this really a scenario? split very large text into shorter injects",
        );
    }
    let src = match std::str::from_utf8(bytes) {
        Ok(s) => s,
        Err(e) => {
            let valid = String::from_utf8_lossy(&bytes[..e.valid_up_to()]).into_owned();
            let (line, col) = line_col(&valid, valid.len());
            let mut c = fail(
                valid,
                format!(
                    "the file is not UTF-8 text (invalid byte at offset {})",
                    e.valid_up_to()
                ),
                "save the scenario as UTF-8",
            );
            c.report.diagnostics[0].line = line;
            c.report.diagnostics[0].col = col;
            return c;
        }
    };
    if src.trim_start_matches('\u{FEFF}').trim().is_empty() {
        return fail(
            src.to_owned(),
            "the file is empty".into(),
            "start from scenarios/tutorial.ron",
        );
    }
    compile_str(file, src)
}

/// Parse, validate and compile a scenario from text (a leading byte-order mark is
/// skipped). `file` is the name shown in diagnostics. A file that does not parse
/// gives exactly one `syntax` error; one that parses is checked completely, every
/// problem reported at its own line and column (docs/scenario-format.md §17). Does
/// not check the size limit (see [`compile_bytes`]). Never panics.
pub fn compile_str(file: &str, src: &str) -> Compiled {
    // A UTF-8 byte-order mark, as Windows editors save it, is not part of the text:
    // lines and columns count from after it, as the editor shows them.
    let src = src.strip_prefix('\u{FEFF}').unwrap_or(src);
    let options = ron::Options::default()
        .with_default_extension(ron::extensions::Extensions::IMPLICIT_SOME)
        .with_recursion_limit(MAX_NESTING);
    let parsed: Result<ScenarioFile, _> = options.from_str(src);
    let raw = match parsed {
        Ok(raw) => raw,
        Err(e) => {
            let start = offset_of(src, e.span.start.line, e.span.start.col);
            let end = offset_of(src, e.span.end.line, e.span.end.col).max(start);
            let found = explain_syntax(src, &e.code, start..end);
            let (line, col) = line_col(src, found.span.start);
            let related = found
                .related
                .into_iter()
                .map(|(span, label)| {
                    let (line, col) = line_col(src, span.start);
                    Related {
                        span,
                        line,
                        col,
                        label,
                    }
                })
                .collect();
            let diagnostic = Diagnostic {
                severity: Severity::Error,
                problem: Problem::Syntax,
                message: brief(&found.message, MAX_MESSAGE_CHARS),
                hint: Some(brief(&found.hint, MAX_MESSAGE_CHARS)),
                span: found.span,
                line,
                col,
                related,
            };
            return Compiled {
                scenario: None,
                report: Report {
                    file: file.to_owned(),
                    source: src.to_owned(),
                    diagnostics: vec![diagnostic],
                },
            };
        }
    };
    let mut cx = Cx::default();
    let scenario = cx.compile(&raw);
    let index = SpanIndex::new(src);
    let mut diagnostics: Vec<Diagnostic> = cx
        .found
        .into_iter()
        .map(|f| {
            let span = match f.key {
                Some(key) => index
                    .locate_map_key(&f.path, &key)
                    .or_else(|| index.locate(&f.path)),
                None => index.locate(&f.path),
            }
            .unwrap_or(0..0);
            let (line, col) = line_col(src, span.start);
            let mut message = f.message;
            let related: Vec<Related> = f
                .related
                .and_then(|(path, label)| {
                    let span = index.locate(&path)?;
                    let (line, col) = line_col(src, span.start);
                    message.push_str(&format!("; the first is at {line}:{col}"));
                    Some(Related {
                        span,
                        line,
                        col,
                        label,
                    })
                })
                .into_iter()
                .collect();
            Diagnostic {
                severity: f.severity,
                problem: f.problem,
                message: brief(&message, MAX_MESSAGE_CHARS),
                hint: f.hint.map(|h| brief(&h, MAX_MESSAGE_CHARS)),
                span,
                line,
                col,
                related,
            }
        })
        .collect();
    diagnostics.sort_by_key(|d| (d.span.start, d.severity));
    let has_errors = diagnostics.iter().any(|d| d.severity == Severity::Error);
    Compiled {
        scenario: if has_errors { None } else { Some(scenario) },
        report: Report {
            file: file.to_owned(),
            source: src.to_owned(),
            diagnostics,
        },
    }
}

/// Messages and hints are cut to this many characters (they may quote the file).
const MAX_MESSAGE_CHARS: usize = 300;
/// Ids and words quoted from the file in a message are cut to this many characters.
const MAX_QUOTE_CHARS: usize = 60;

/// `s`, or its first `max` characters and an ellipsis.
fn brief(s: &str, max: usize) -> String {
    match s.char_indices().nth(max) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// An id or word from the file, shortened for a message.
fn q(s: &str) -> String {
    brief(s, MAX_QUOTE_CHARS)
}

/// A syntax error in words: what is wrong, where, and how to fix it.
struct SyntaxProblem {
    message: String,
    hint: String,
    span: std::ops::Range<usize>,
    related: Vec<(std::ops::Range<usize>, String)>,
}

/// ron says what it expected at a place; say what the author most likely got wrong.
fn explain_syntax(src: &str, e: &ron::Error, span: std::ops::Range<usize>) -> SyntaxProblem {
    use ron::Error as E;
    let plain = |hint: String| SyntaxProblem {
        message: e.to_string(),
        hint,
        span: span.clone(),
        related: Vec::new(),
    };
    let at = |o: usize| {
        let (l, c) = line_col(src, o);
        format!("{l}:{c}")
    };
    // A decimal number where a whole number belongs (`600.0`): ron stops at the point.
    if let Some(num) = decimal_near(src, span.start) {
        let text = &src[num.clone()];
        let whole = text
            .parse::<f64>()
            .ok()
            .filter(|v| v.is_finite() && v.abs() < 1e15)
            .map(|v| format!("{}", v.trunc() as i64))
            .unwrap_or_else(|| text.split(['.', 'e', 'E']).next().unwrap_or("0").to_owned());
        return SyntaxProblem {
            message: format!(
                "a whole number is expected here, not the decimal `{}`",
                q(text)
            ),
            hint: format!("write `{whole}`: counts, rounds, levels and months are whole numbers"),
            span: num,
            related: Vec::new(),
        };
    }
    let scan = super::spans::scan(src, span.start);
    let field = scan.field.as_ref().map(|f| &src[f.clone()]);
    // Text in quotes where a fixed word belongs (`languages: ["en"]`, `kind: "Cert"`).
    if matches!(
        e,
        E::ExpectedIdentifier | E::ExpectedNamedStructLike(_) | E::ExpectedStructLike
    ) || matches!(e, E::InvalidValueForType { found, .. } if found.starts_with("the string"))
        || matches!(e, E::Message(m) if m.contains("invalid type: string"))
    {
        let at_string = src[span.start..].trim_start_matches(super::spans::is_ron_whitespace);
        if let Some(word) = quoted_word(at_string) {
            let start = src.len() - at_string.len();
            let end = start + word.len() + 2;
            let hint = match field {
                Some("languages") => {
                    let list = src[start..]
                        .split(']')
                        .next()
                        .unwrap_or("")
                        .replace('"', "");
                    format!(
                        "write the language codes as bare words: `languages: [{}]`",
                        q(list.trim())
                    )
                }
                _ => format!("write `{}` without the quotes", q(word)),
            };
            return SyntaxProblem {
                message: format!(
                    "a fixed word is expected here, written without quotes, not the text \"{}\"",
                    q(word)
                ),
                hint,
                span: start..end,
                related: Vec::new(),
            };
        }
    }
    // The file ends inside brackets: name the bracket left open.
    if matches!(e, E::Eof) || (span.start >= src.trim_end().len() && !scan.open.is_empty()) {
        let all = super::spans::scan(src, src.len());
        if let Some(open) = all.open.last() {
            let close = match open.bracket {
                '(' => ')',
                '[' => ']',
                _ => '}',
            };
            let what = match &open.name {
                Some(n) => format!("`{}{}`", q(&src[n.clone()]), open.bracket),
                None => format!("`{}`", open.bracket),
            };
            let end = src.trim_end().len();
            return SyntaxProblem {
                message: format!(
                    "the file ends, but the {what} opened at {} is never closed",
                    at(open.at)
                ),
                hint: if all.open.len() == 1 {
                    format!("add `{close}` at the end of the file")
                } else {
                    format!(
                        "add `{close}` where that value ends ({} brackets are still open at the end of the file)",
                        all.open.len()
                    )
                },
                span: end..end,
                related: vec![(open.at..open.at + 1, "opened here".into())],
            };
        }
    }
    // A bracket closed by the wrong kind: `[ ... )`.
    if let Some((closer, open)) = super::spans::scan(src, span.end.max(span.start) + 1).mismatch
        && closer + 1 >= span.start
    {
        let close = match open.bracket {
            '(' => ')',
            '[' => ']',
            _ => '}',
        };
        return SyntaxProblem {
            message: format!(
                "`{}` closes the `{}` opened at {}, which needs `{close}`",
                &src[closer..closer + 1],
                open.bracket,
                at(open.at)
            ),
            hint: format!("close the `{}` with `{close}` first", open.bracket),
            span: closer..closer + 1,
            related: vec![(open.at..open.at + 1, "opened here".into())],
        };
    }
    plain(match e {
        E::NoSuchStructField { expected, .. } => {
            format!("the fields allowed here are: {}", expected.join(", "))
        }
        E::NoSuchEnumVariant { expected, .. } => format!("write one of: {}", expected.join(", ")),
        E::MissingStructField { field, .. } => {
            format!("add `{field}: ...`; docs/scenario-format.md shows an example")
        }
        E::DuplicateStructField { field, .. } => {
            format!("keep one `{field}: ...` and delete the other")
        }
        E::ExceededRecursionLimit => format!("values may nest at most {MAX_NESTING} deep"),
        E::ExpectedComma | E::ExpectedArrayEnd | E::ExpectedStructLikeEnd | E::ExpectedMapEnd => {
            "check for a missing comma or an unclosed bracket just before this point".into()
        }
        E::ExpectedString | E::ExpectedStringEnd => {
            "text is written in double quotes: \"...\"".into()
        }
        E::ExpectedInteger => "write a whole number, such as `3`".into(),
        E::ExpectedBoolean => "write `true` or `false`".into(),
        E::ExpectedArray => "a list is written in square brackets: [a, b]".into(),
        _ => match field {
            Some(f) => format!("see docs/scenario-format.md for the shape of `{}`", q(f)),
            None => "see docs/scenario-format.md for the shape of each value".into(),
        },
    })
}

/// The decimal number literal (`600.0`, `2.5`, `1e3`) that ends at or runs through
/// `pos`, if any.
fn decimal_near(src: &str, pos: usize) -> Option<std::ops::Range<usize>> {
    let b = src.as_bytes();
    let is_num = |c: u8| c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'e' | b'E');
    let mut a = pos.min(b.len());
    while a > 0 && is_num(b[a - 1]) {
        a -= 1;
    }
    if a > 0 && matches!(b[a - 1], b'-' | b'+') {
        a -= 1;
    }
    let mut z = pos.min(b.len());
    while z < b.len()
        && (is_num(b[z])
            || (z > 0 && matches!(b[z], b'-' | b'+') && matches!(b[z - 1], b'e' | b'E')))
    {
        z += 1;
    }
    let text = src.get(a..z)?;
    let digits = text.trim_start_matches(['-', '+']);
    let starts_like_number = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.');
    let decimal = digits.contains('.')
        || (digits.contains(['e', 'E']) && digits.starts_with(|c: char| c.is_ascii_digit()));
    (starts_like_number && decimal && digits.chars().any(|c| c.is_ascii_digit())).then_some(a..z)
}

/// The contents of a double-quoted string at the start of `s`, if it is one short word.
fn quoted_word(s: &str) -> Option<&str> {
    let rest = s.strip_prefix('"')?;
    let end = rest.find('"')?;
    let word = &rest[..end];
    (!word.is_empty() && word.len() <= 64 && word.chars().all(|c| c.is_alphanumeric() || c == '_'))
        .then_some(word)
}

struct Found {
    severity: Severity,
    problem: Problem,
    message: String,
    hint: Option<String>,
    path: Path,
    /// Point at this key of the map rather than the value (language codes).
    key: Option<String>,
    /// A second place to show, with its label (the first of two duplicates).
    related: Option<(Path, String)>,
}

#[derive(Default)]
struct Cx {
    found: Vec<Found>,
    languages: Vec<Lang>,
    rounds: i64,
    states: HashMap<String, StateId>,
    bodies: Vec<HashMap<String, u8>>,
    actors: HashMap<String, ActorId>,
    incidents: HashMap<String, IncidentId>,
    facts: HashMap<String, FactId>,
    injects: HashMap<String, InjectId>,
    ladder: HashMap<String, u8>,
    facts_by_incident: Vec<Vec<FactId>>,
    /// Where each id was first declared, by kind (and State, for bodies).
    first_seen: HashMap<(String, String), Path>,
}

const ROOT: fn() -> Path = Path::root;

impl Cx {
    fn push(
        &mut self,
        severity: Severity,
        problem: Problem,
        path: Path,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        let hint = hint.into();
        self.found.push(Found {
            severity,
            problem,
            message: message.into(),
            hint: (!hint.is_empty()).then_some(hint),
            path,
            key: None,
            related: None,
        });
    }

    fn error(
        &mut self,
        problem: Problem,
        path: Path,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Severity::Error, problem, path, message, hint);
    }

    fn warn(
        &mut self,
        problem: Problem,
        path: Path,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.push(Severity::Warning, problem, path, message, hint);
    }

    /// Note that `id` (a `what`, unique within `scope`) is declared at `path`. If it
    /// was declared before, report a duplicate pointing at the first and return false.
    fn declare(&mut self, what: &str, scope: &str, id: &str, path: Path, hint: &str) -> bool {
        let key = (format!("{what}/{scope}"), id.to_owned());
        if let Some(first) = self.first_seen.get(&key).cloned() {
            let within = if scope.is_empty() {
                String::new()
            } else {
                format!(" in State \"{}\"", q(scope))
            };
            self.found.push(Found {
                severity: Severity::Error,
                problem: Problem::DuplicateId,
                message: format!("{what} \"{}\" is declared twice{within}", q(id)),
                hint: Some(hint.to_owned()),
                path,
                key: None,
                related: Some((first, format!("the first {what} \"{}\"", q(id)))),
            });
            false
        } else {
            self.first_seen.insert(key, path);
            true
        }
    }

    fn compile(&mut self, f: &ScenarioFile) -> Scenario {
        let root = ROOT();
        self.check_id(&f.id, root.f("id"));
        self.languages = f.languages.clone();
        if f.languages.is_empty() {
            self.error(
                Problem::OutOfRange,
                root.f("languages"),
                "the scenario declares no language",
                "write languages: [en]",
            );
        }
        for (i, l) in f.languages.iter().enumerate() {
            self.declare(
                "language",
                "",
                l.code(),
                root.f("languages").i(i),
                "list each language once",
            );
        }
        self.text(&f.title, root.f("title"), true);
        self.text(&f.summary, root.f("summary"), false);
        self.rounds = f.rounds.len() as i64;
        if f.rounds.is_empty() {
            self.error(
                Problem::OutOfRange,
                root.f("rounds"),
                "the exercise has no rounds",
                "add at least one (title: \"...\")",
            );
        } else if f.rounds.len() > 50 {
            self.error(
                Problem::TooMany,
                root.f("rounds"),
                format!("{} rounds; at most 50 are allowed", f.rounds.len()),
                "split the exercise into two scenarios, or merge rounds",
            );
        }
        let actions_per_round = self.range(
            f.actions_per_round as i64,
            1,
            10,
            root.f("actions_per_round"),
            "actions per round",
        );
        let round_seconds = self.range(
            f.round_seconds as i64,
            0,
            24 * 3600,
            root.f("round_seconds"),
            "round timer (seconds)",
        );
        let rounds = f
            .rounds
            .iter()
            .enumerate()
            .map(|(i, r)| {
                let p = root.f("rounds").i(i);
                self.text(&r.title, p.f("title"), true);
                self.text(&r.briefing, p.f("briefing"), false);
                for (q, t) in r.questions.iter().enumerate() {
                    self.text(t, p.f("questions").i(q), true);
                }
                Round {
                    title: r.title.clone(),
                    briefing: r.briefing.clone(),
                    questions: r.questions.clone(),
                }
            })
            .collect();
        let ladder = self.ladder(f);
        let states = self.states(f);
        let actors = self.actors(f);
        let initial_tension = self.tensions(f, states.len());
        let (incidents, facts) = self.incidents(f);
        // Inject ids first, so that triggers may name injects declared later.
        for (i, inj) in f.injects.iter().enumerate() {
            let p = root.f("injects").i(i).f("id");
            self.check_id(&inj.id, p.clone());
            if self.declare("inject", "", &inj.id, p, "give every inject its own id") {
                self.injects.insert(inj.id.clone(), InjectId(i as u16));
            }
        }
        let injects: Vec<Inject> = f
            .injects
            .iter()
            .enumerate()
            .map(|(i, inj)| self.inject(inj, root.f("injects").i(i)))
            .collect();
        self.never_firing(f, &injects);
        self.unopened_incidents(f, &injects);
        let objectives = self.objectives(f, &facts, &injects, &initial_tension);
        if f.injects.len() > u16::MAX as usize || f.objectives.len() > u16::MAX as usize {
            self.error(
                Problem::TooMany,
                root,
                "too many injects or objectives (at most 65535)",
                "split the scenario into smaller ones",
            );
        }

        let content_hash = blake3::hash(&serde_json::to_vec(f).unwrap_or_default())
            .to_hex()
            .to_string();
        Scenario {
            id: f.id.clone(),
            title: f.title.clone(),
            summary: f.summary.clone(),
            author: f.author.clone(),
            version: f.version.clone(),
            seed: f.seed,
            languages: f.languages.clone(),
            turn_order: f.turn_order,
            actions_per_round: actions_per_round as u8,
            round_seconds: round_seconds as u32,
            ladder,
            rounds,
            states,
            actors,
            initial_tension,
            incidents,
            facts,
            injects,
            objectives,
            content_hash,
        }
    }

    // ---- small helpers -------------------------------------------------------------

    fn check_id(&mut self, id: &str, path: Path) {
        let ok = !id.is_empty()
            && id.len() <= 64
            && id
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.'));
        if !ok {
            self.error(
                Problem::InvalidId,
                path,
                format!("\"{id}\" is not a usable id"),
                "ids are 1-64 characters: ASCII letters, digits, '-', '_' or '.'",
            );
        }
    }

    fn range(&mut self, v: i64, lo: i64, hi: i64, path: Path, what: &str) -> i64 {
        if v < lo || v > hi {
            self.error(
                Problem::OutOfRange,
                path,
                format!("{what} is {v}; it must be from {lo} to {hi}"),
                format!("use a whole number from {lo} to {hi}"),
            );
            v.clamp(lo, hi)
        } else {
            v
        }
    }

    fn text(&mut self, t: &Text, path: Path, required: bool) {
        match t {
            Text::Plain(s) => {
                if required && s.trim().is_empty() {
                    self.warn(
                        Problem::EmptyText,
                        path,
                        "this text is empty",
                        "participants will see a blank line here",
                    );
                }
            }
            Text::Translated(map) => {
                for key in map.keys() {
                    match Lang::from_code(key) {
                        None => self.found.push(Found {
                            severity: Severity::Error,
                            problem: Problem::UnknownLanguage,
                            message: format!("\"{key}\" is not a language code"),
                            hint: Some("use one of en, fr, de, it, ru, es".into()),
                            path: path.clone(),
                            key: Some(key.clone()),
                            related: None,
                        }),
                        Some(l) if !self.languages.contains(&l) => self.found.push(Found {
                            severity: Severity::Warning,
                            problem: Problem::UnknownLanguage,
                            message: format!("\"{key}\" is not among the scenario's languages"),
                            hint: Some(format!(
                                "add {key} to `languages`, or remove this translation"
                            )),
                            path: path.clone(),
                            key: Some(key.clone()),
                            related: None,
                        }),
                        Some(_) => {}
                    }
                }
                let missing: Vec<&str> = self
                    .languages
                    .iter()
                    .map(|l| l.code())
                    .filter(|c| !map.contains_key(*c))
                    .collect();
                if !missing.is_empty() {
                    self.warn(
                        Problem::MissingTranslation,
                        path.clone(),
                        format!("no {} translation", missing.join(", ")),
                        "the English text (or another) is shown instead",
                    );
                }
                if required && t.is_empty() {
                    self.warn(
                        Problem::EmptyText,
                        path,
                        "this text is empty",
                        "participants will see a blank line here",
                    );
                }
            }
        }
    }

    fn state_ref(&mut self, id: &str, path: Path) -> Option<StateId> {
        match self.states.get(id) {
            Some(s) => Some(*s),
            None => {
                let hint = self.suggest(id, self.states.keys());
                self.error(
                    Problem::UnknownReference,
                    path,
                    format!("there is no State \"{id}\""),
                    hint,
                );
                None
            }
        }
    }

    fn body_ref(&mut self, r: &BodyRefFile, path: Path) -> Option<BodyId> {
        let state = self.state_ref(&r.0, path.i(0))?;
        match self.bodies[state.index()].get(&r.1) {
            Some(b) => Some(BodyId { state, body: *b }),
            None => {
                let hint = self.suggest(&r.1, self.bodies[state.index()].keys());
                self.error(
                    Problem::UnknownReference,
                    path.i(1),
                    format!("State \"{}\" has no body \"{}\"", r.0, r.1),
                    hint,
                );
                None
            }
        }
    }

    fn pair(&mut self, p: &PairFile, path: Path) -> Option<(StateId, StateId)> {
        let a = self.state_ref(&p.0, path.i(0));
        let b = self.state_ref(&p.1, path.i(1));
        let (a, b) = (a?, b?);
        if a == b {
            self.error(
                Problem::SamePair,
                path,
                format!(
                    "a pair needs two different States, not \"{}\" twice",
                    q(&p.0)
                ),
                "name two different State ids: (\"a\", \"b\")",
            );
            return None;
        }
        Some((a, b))
    }

    fn origin(&mut self, o: &OriginFile, path: Path) -> Option<Origin> {
        match o {
            OriginFile::State(s) => self.state_ref(s, path.i(0)).map(Origin::State),
            OriginFile::Actor(a) => match self.actors.get(a) {
                Some(id) => Some(Origin::Actor(*id)),
                None => {
                    let hint = self.suggest(a, self.actors.keys());
                    self.error(
                        Problem::UnknownReference,
                        path.i(0),
                        format!("there is no actor \"{a}\""),
                        hint,
                    );
                    None
                }
            },
        }
    }

    fn fact_ref(&mut self, id: &str, path: Path) -> Option<FactId> {
        match self.facts.get(id) {
            Some(f) => Some(*f),
            None => {
                let hint = self.suggest(id, self.facts.keys());
                self.error(
                    Problem::UnknownReference,
                    path,
                    format!("there is no fact \"{id}\""),
                    hint,
                );
                None
            }
        }
    }

    fn level(&mut self, l: &LevelFile, path: Path) -> Option<u8> {
        match l {
            LevelFile::Value(v) if (0..=100).contains(v) => Some(*v as u8),
            LevelFile::Value(v) => {
                self.error(
                    Problem::OutOfRange,
                    path,
                    format!("tension level {v} is outside 0-100"),
                    "use a whole number from 0 (calm) to 100, or a ladder step id such as \"crisis\"",
                );
                None
            }
            LevelFile::Step(s) => match self.ladder.get(s) {
                Some(v) => Some(*v),
                None => {
                    let hint = self.suggest(s, self.ladder.keys());
                    self.error(
                        Problem::UnknownReference,
                        path,
                        format!("there is no ladder step \"{s}\""),
                        hint,
                    );
                    None
                }
            },
        }
    }

    fn round_ref(&mut self, r: i64, path: Path, what: &str) -> Option<u8> {
        if r < 1 || r > self.rounds {
            self.error(
                Problem::CannotEvaluate,
                path,
                format!(
                    "{what} round {r}, but the exercise has rounds 1 to {}",
                    self.rounds
                ),
                format!("use a round from 1 to {}", self.rounds.max(1)),
            );
            None
        } else {
            Some(r as u8)
        }
    }

    /// "did you mean" for a mistyped id.
    fn suggest<'k>(&self, wrong: &str, known: impl Iterator<Item = &'k String>) -> String {
        let mut known: Vec<&String> = known.collect();
        known.sort();
        // Ids are short; a long "id" is a mistake of another kind, not a typo.
        let best = known
            .iter()
            .filter(|k| k.len() <= 64 && wrong.len() <= 64)
            .map(|k| (edit_distance(wrong, k), *k))
            .min_by_key(|(d, _)| *d);
        match best {
            Some((d, k)) if d <= 2 + wrong.len() / 4 => format!("did you mean \"{k}\"?"),
            _ if known.is_empty() => "nothing of that kind is declared yet".into(),
            _ => {
                let list: Vec<String> = known.iter().take(8).map(|k| format!("\"{k}\"")).collect();
                format!(
                    "known ids: {}{}",
                    list.join(", "),
                    if known.len() > 8 { ", ..." } else { "" }
                )
            }
        }
    }

    // ---- sections ------------------------------------------------------------------

    fn ladder(&mut self, f: &ScenarioFile) -> Vec<LadderStep> {
        let p = ROOT().f("ladder");
        if f.ladder.is_empty() {
            self.error(
                Problem::OutOfRange,
                p.clone(),
                "the escalation ladder is empty",
                "omit `ladder` to use the default five steps",
            );
        }
        let mut prev = -1i64;
        let mut out = Vec::new();
        for (i, s) in f.ladder.iter().enumerate() {
            let sp = p.i(i);
            self.check_id(&s.id, sp.f("id"));
            self.text(&s.name, sp.f("name"), true);
            let from = self.range(s.from, 0, 100, sp.f("from"), "a ladder step's `from`");
            if i == 0 && s.from != 0 {
                self.error(
                    Problem::OutOfRange,
                    sp.f("from"),
                    "the first ladder step must start at 0",
                    "write from: 0",
                );
            }
            if i > 0 && s.from <= prev {
                self.error(
                    Problem::OutOfRange,
                    sp.f("from"),
                    format!("ladder steps must rise: {} is not above {prev}", s.from),
                    "list the steps from the bottom, each `from` higher than the one before",
                );
            }
            prev = s.from;
            if self.declare(
                "ladder step",
                "",
                &s.id,
                sp.f("id"),
                "give every ladder step its own id",
            ) {
                self.ladder.insert(s.id.clone(), from as u8);
            }
            out.push(LadderStep {
                id: s.id.clone(),
                name: s.name.clone(),
                from: from as u8,
            });
        }
        out
    }

    fn states(&mut self, f: &ScenarioFile) -> Vec<StateDef> {
        let p = ROOT().f("states");
        if f.states.len() > MAX_STATES {
            self.error(
                Problem::TooMany,
                p.clone(),
                format!(
                    "{} States; at most {MAX_STATES} are supported",
                    f.states.len()
                ),
                "leave out States that play no part",
            );
        }
        if f.states.is_empty() {
            self.error(
                Problem::OutOfRange,
                p.clone(),
                "the scenario has no States",
                "add at least two",
            );
        } else if f.states.len() == 1 {
            self.warn(
                Problem::OutOfRange,
                p.clone(),
                "only one State: measures 2 and 8 need two to talk",
                "add a second State",
            );
        }
        // Names first, so that contacts can be checked against bodies.
        for (i, s) in f.states.iter().take(MAX_STATES).enumerate() {
            let sp = p.i(i);
            self.check_id(&s.id, sp.f("id"));
            if self.declare(
                "State",
                "",
                &s.id,
                sp.f("id"),
                "give every State its own id",
            ) {
                self.states.insert(s.id.clone(), StateId(i as u8));
            }
            let mut bodies = HashMap::new();
            if s.bodies.is_empty() {
                self.error(
                    Problem::OutOfRange,
                    sp.f("bodies"),
                    format!("State \"{}\" has no national bodies", s.id),
                    "add at least a CERT and a foreign ministry",
                );
            }
            if s.bodies.len() > 32 {
                self.error(
                    Problem::TooMany,
                    sp.f("bodies"),
                    "at most 32 bodies per State",
                    "merge bodies that play the same part",
                );
            }
            for (b, body) in s.bodies.iter().take(32).enumerate() {
                self.check_id(&body.id, sp.f("bodies").i(b).f("id"));
                if self.declare(
                    "body",
                    &s.id,
                    &body.id,
                    sp.f("bodies").i(b).f("id"),
                    "give every body of a State its own id",
                ) {
                    bodies.insert(body.id.clone(), b as u8);
                }
            }
            self.bodies.push(bodies);
        }
        let mut out = Vec::new();
        for (i, s) in f.states.iter().take(MAX_STATES).enumerate() {
            let sp = p.i(i);
            self.text(&s.name, sp.f("name"), true);
            self.text(&s.description, sp.f("description"), false);
            for (b, body) in s.bodies.iter().enumerate() {
                self.text(&body.name, sp.f("bodies").i(b).f("name"), true);
            }
            let policy = self.contact(
                s,
                i,
                Level::Policy,
                s.contacts.policy.as_ref(),
                sp.f("contacts").f("policy"),
            );
            let technical = self.contact(
                s,
                i,
                Level::Technical,
                s.contacts.technical.as_ref(),
                sp.f("contacts").f("technical"),
            );
            out.push(StateDef {
                id: s.id.clone(),
                name: s.name.clone(),
                description: s.description.clone(),
                bodies: s
                    .bodies
                    .iter()
                    .take(32)
                    .map(|b| Body {
                        id: b.id.clone(),
                        kind: b.kind,
                        name: b.name.clone(),
                    })
                    .collect(),
                contacts: [policy, technical],
            });
        }
        out
    }

    fn contact(
        &mut self,
        s: &StateFile,
        i: usize,
        level: Level,
        c: Option<&ContactFile>,
        path: Path,
    ) -> Contact {
        let Some(c) = c else {
            let at = if s.contacts.policy.is_none() && s.contacts.technical.is_none() {
                ROOT().f("states").i(i).f("id")
            } else {
                ROOT().f("states").i(i).f("contacts")
            };
            self.error(
                Problem::NoContactPoint,
                at,
                format!("State \"{}\" has no {level}-level contact point", s.id),
                format!("measure 8 asks every State to nominate one: add contacts: ({}: (body: \"...\", verified_months_ago: 0))", level.label()),
            );
            return Contact {
                body: 0,
                name: Text::default(),
                verified_months_ago: 0,
                correct: true,
            };
        };
        let body = match self.bodies[i].get(&c.body) {
            Some(b) => *b,
            None => {
                let hint = self.suggest(&c.body, self.bodies[i].keys());
                self.error(
                    Problem::UnknownReference,
                    path.f("body"),
                    format!("State \"{}\" has no body \"{}\"", s.id, c.body),
                    hint,
                );
                0
            }
        };
        self.text(&c.name, path.f("name"), false);
        let months = self.range(
            c.verified_months_ago,
            0,
            600,
            path.f("verified_months_ago"),
            "months since verification",
        );
        Contact {
            body,
            name: c.name.clone(),
            verified_months_ago: months as u16,
            correct: c.correct,
        }
    }

    fn actors(&mut self, f: &ScenarioFile) -> Vec<Actor> {
        let p = ROOT().f("actors");
        if f.actors.len() > 255 {
            self.error(
                Problem::TooMany,
                p.clone(),
                "at most 255 actors",
                "merge actors that play the same part",
            );
        }
        f.actors
            .iter()
            .take(255)
            .enumerate()
            .map(|(i, a)| {
                self.check_id(&a.id, p.i(i).f("id"));
                if self.declare(
                    "actor",
                    "",
                    &a.id,
                    p.i(i).f("id"),
                    "give every actor its own id",
                ) {
                    self.actors.insert(a.id.clone(), ActorId(i as u8));
                }
                self.text(&a.name, p.i(i).f("name"), true);
                self.text(&a.description, p.i(i).f("description"), false);
                Actor {
                    id: a.id.clone(),
                    name: a.name.clone(),
                    description: a.description.clone(),
                }
            })
            .collect()
    }

    fn tensions(&mut self, f: &ScenarioFile, n: usize) -> Vec<u8> {
        let mut table = vec![0u8; n * n.saturating_sub(1) / 2];
        for (i, t) in f.tensions.iter().enumerate() {
            let p = ROOT().f("tensions").i(i);
            let level = self.level(&t.level, p.f("level")).unwrap_or(0);
            if let Some((a, b)) = self.pair(&t.between, p.f("between")) {
                let key = format!("{}+{}", a.min(b).0, a.max(b).0);
                let shown = format!("{}\" and \"{}", q(&t.between.0), q(&t.between.1));
                if self.declare(
                    "tension",
                    "",
                    &key,
                    p.f("between"),
                    "keep one entry per pair",
                ) {
                    table[pair_index(n, a, b)] = level;
                } else if let Some(last) = self.found.last_mut() {
                    last.message =
                        format!("the starting tension between \"{shown}\" is given twice");
                    if let Some(r) = &mut last.related {
                        r.1 = "the first entry for this pair".into();
                    }
                }
            }
        }
        table
    }

    fn incidents(&mut self, f: &ScenarioFile) -> (Vec<Incident>, Vec<Fact>) {
        let p = ROOT().f("incidents");
        // Ids first: facts are referred to from anywhere.
        let mut fact_no = 0usize;
        for (i, inc) in f.incidents.iter().enumerate() {
            self.check_id(&inc.id, p.i(i).f("id"));
            if self.declare(
                "incident",
                "",
                &inc.id,
                p.i(i).f("id"),
                "give every incident its own id",
            ) {
                self.incidents.insert(inc.id.clone(), IncidentId(i as u16));
            }
            for (j, fact) in inc.facts.iter().enumerate() {
                let fp = p.i(i).f("facts").i(j).f("id");
                self.check_id(&fact.id, fp.clone());
                if self.declare(
                    "fact",
                    "",
                    &fact.id,
                    fp,
                    "fact ids are unique across all incidents",
                ) {
                    self.facts.insert(fact.id.clone(), FactId(fact_no as u16));
                }
                fact_no += 1;
            }
        }
        if f.incidents.len() > u16::MAX as usize {
            self.error(
                Problem::TooMany,
                p.clone(),
                "too many incidents (at most 65535)",
                "split the scenario into smaller ones",
            );
        }
        if fact_no > u16::MAX as usize {
            self.error(
                Problem::TooMany,
                p.clone(),
                "too many facts (at most 65535)",
                "split the scenario into smaller ones",
            );
        }
        let mut incidents = Vec::new();
        let mut facts = Vec::new();
        for (i, inc) in f.incidents.iter().enumerate() {
            let ip = p.i(i);
            self.text(&inc.title, ip.f("title"), true);
            self.text(&inc.description, ip.f("description"), false);
            let severity = self.range(inc.severity, 1, 5, ip.f("severity"), "severity");
            let origin = self
                .origin(&inc.origin, ip.f("origin"))
                .unwrap_or(Origin::State(StateId(0)));
            if inc.affected.is_empty() {
                self.error(
                    Problem::OutOfRange,
                    ip.f("affected"),
                    format!("incident \"{}\" affects no State", inc.id),
                    "list the States hit by it",
                );
            }
            let affected: StateSet = inc
                .affected
                .iter()
                .enumerate()
                .filter_map(|(k, s)| self.state_ref(s, ip.f("affected").i(k)))
                .collect();
            let mut ids = Vec::new();
            for (j, fact) in inc.facts.iter().enumerate() {
                let fp = ip.f("facts").i(j);
                self.text(&fact.text, fp.f("text"), true);
                let known_by: Vec<BodyId> = fact
                    .known_by
                    .iter()
                    .enumerate()
                    .filter_map(|(k, b)| self.body_ref(b, fp.f("known_by").i(k)))
                    .collect();
                if fact.hidden && !fact.known_by.is_empty() {
                    self.warn(
                        Problem::Unused,
                        fp.f("hidden"),
                        format!(
                            "fact \"{}\" is hidden but already known by some bodies",
                            fact.id
                        ),
                        "a hidden fact is one nobody holds at first; drop `known_by` or `hidden`",
                    );
                }
                let points_to = fact
                    .points_to
                    .as_ref()
                    .and_then(|o| self.origin(o, fp.f("points_to")));
                ids.push(FactId(facts.len() as u16));
                facts.push(Fact {
                    id: fact.id.clone(),
                    incident: IncidentId(i as u16),
                    text: fact.text.clone(),
                    known_by,
                    points_to,
                    hidden: fact.hidden,
                });
            }
            self.facts_by_incident.push(ids.clone());
            incidents.push(Incident {
                id: inc.id.clone(),
                title: inc.title.clone(),
                description: inc.description.clone(),
                severity: severity as u8,
                origin,
                affected,
                facts: ids,
            });
        }
        (incidents, facts)
    }

    fn inject(&mut self, inj: &InjectFile, p: Path) -> Inject {
        self.text(&inj.title, p.f("title"), true);
        self.text(&inj.text, p.f("text"), true);
        for (q, t) in inj.questions.iter().enumerate() {
            self.text(t, p.f("questions").i(q), true);
        }
        let when = match &inj.when {
            WhenFile::Round(r) => {
                if *r < 1 || *r > self.rounds {
                    self.error(
                        Problem::NeverFires,
                        p.f("when").i(0),
                        format!("inject \"{}\" is scheduled for round {r}, but the exercise has rounds 1 to {}", inj.id, self.rounds),
                        "schedule it within the rounds, or add a round",
                    );
                    When::Manual
                } else {
                    When::Round(*r as u8)
                }
            }
            WhenFile::Trigger(c) => match self.condition(c, p.f("when").i(0)) {
                Some(c) => When::Trigger(c),
                None => When::Manual,
            },
            WhenFile::Manual => When::Manual,
        };
        let audience = match &inj.audience {
            AudienceFile::Public => InjectAudience::Public,
            AudienceFile::Control => InjectAudience::Control,
            AudienceFile::States(list) => {
                if list.is_empty() {
                    self.error(
                        Problem::OutOfRange,
                        p.f("audience"),
                        "the audience names no State",
                        "write Public, or list States",
                    );
                }
                InjectAudience::States(
                    list.iter()
                        .enumerate()
                        .filter_map(|(k, s)| self.state_ref(s, p.f("audience").i(0).i(k)))
                        .collect(),
                )
            }
            AudienceFile::Bodies(list) => {
                if list.is_empty() {
                    self.error(
                        Problem::OutOfRange,
                        p.f("audience"),
                        "the audience names no body",
                        "list bodies such as (\"ardenia\", \"cert\"), or write Public",
                    );
                }
                InjectAudience::Bodies(
                    list.iter()
                        .enumerate()
                        .filter_map(|(k, b)| self.body_ref(b, p.f("audience").i(0).i(k)))
                        .collect(),
                )
            }
        };
        let effects = inj
            .effects
            .iter()
            .enumerate()
            .filter_map(|(k, e)| self.effect(e, p.f("effects").i(k)))
            .collect();
        Inject {
            id: inj.id.clone(),
            title: inj.title.clone(),
            when,
            audience,
            text: inj.text.clone(),
            effects,
            questions: inj.questions.clone(),
            expected: inj.expected.clone(),
        }
    }

    fn effect(&mut self, e: &EffectFile, p: Path) -> Option<Effect> {
        match e {
            EffectFile::OpenIncident(id) => match self.incidents.get(id) {
                Some(i) => Some(Effect::OpenIncident(*i)),
                None => {
                    let hint = self.suggest(id, self.incidents.keys());
                    self.error(
                        Problem::UnknownReference,
                        p.i(0),
                        format!("there is no incident \"{id}\""),
                        hint,
                    );
                    None
                }
            },
            EffectFile::Tension { between, delta } => {
                let d = self.range(*delta, -100, 100, p.f("delta"), "a tension change");
                let (a, b) = self.pair(between, p.f("between"))?;
                Some(Effect::Tension(a, b, d as i8))
            }
            EffectFile::RevealFact { fact, to } => {
                let f = self.fact_ref(fact, p.f("fact"));
                if to.is_empty() {
                    self.error(
                        Problem::OutOfRange,
                        p.f("to"),
                        "the fact is revealed to nobody",
                        "list bodies such as (\"ardenia\", \"cert\")",
                    );
                }
                let bodies: Vec<BodyId> = to
                    .iter()
                    .enumerate()
                    .filter_map(|(k, b)| self.body_ref(b, p.f("to").i(k)))
                    .collect();
                Some(Effect::RevealFact(f?, bodies))
            }
            EffectFile::BreakContact { state, level } => Some(Effect::BreakContact(
                self.state_ref(state, p.f("state"))?,
                *level,
            )),
        }
    }

    fn condition(&mut self, c: &ConditionFile, p: Path) -> Option<Condition> {
        Some(match c {
            ConditionFile::TensionAtLeast { between, level } => {
                let l = self.level(level, p.f("level"));
                let (a, b) = self.pair(between, p.f("between"))?;
                Condition::TensionAtLeast(a, b, l?)
            }
            ConditionFile::TensionBelow { between, level } => {
                let l = self.level(level, p.f("level"));
                let (a, b) = self.pair(between, p.f("between"))?;
                let l = l?;
                if l == 0 {
                    self.error(
                        Problem::NeverFires,
                        p.f("level"),
                        "tension is never below 0",
                        "use a level above 0",
                    );
                }
                Condition::TensionBelow(a, b, l)
            }
            ConditionFile::ActionUsed {
                action,
                by,
                by_round,
            } => {
                let who = self.optional_state(by.as_deref(), p.f("by"))?;
                let r = self.round_ref(*by_round, p.f("by_round"), "the condition looks at")?;
                Condition::ActionUsed {
                    action: *action,
                    by: who,
                    by_round: r,
                }
            }
            ConditionFile::ActionNotUsed {
                action,
                by,
                by_round,
            } => {
                let who = self.optional_state(by.as_deref(), p.f("by"))?;
                let r = self.round_ref(*by_round, p.f("by_round"), "the condition looks at")?;
                Condition::ActionNotUsed {
                    action: *action,
                    by: who,
                    by_round: r,
                }
            }
            ConditionFile::FactKnown { fact, state } => {
                let f = self.fact_ref(fact, p.f("fact"));
                let s = self.state_ref(state, p.f("state"));
                Condition::FactKnown {
                    fact: f?,
                    state: s?,
                }
            }
            ConditionFile::InjectFired(id) => match self.injects.get(id) {
                Some(i) => Condition::InjectFired(*i),
                None => {
                    let hint = self.suggest(id, self.injects.keys());
                    self.error(
                        Problem::UnknownReference,
                        p.i(0),
                        format!("there is no inject \"{id}\""),
                        hint,
                    );
                    return None;
                }
            },
            ConditionFile::RoundAtLeast(r) => {
                if *r < 1 || *r > self.rounds {
                    self.error(
                        Problem::NeverFires,
                        p.i(0),
                        format!(
                            "round {r} never opens: the exercise has rounds 1 to {}",
                            self.rounds
                        ),
                        format!("use a round from 1 to {}", self.rounds.max(1)),
                    );
                    return None;
                }
                Condition::RoundAtLeast(*r as u8)
            }
            ConditionFile::All(list) | ConditionFile::Any(list) => {
                if list.is_empty() {
                    self.error(
                        Problem::OutOfRange,
                        p.clone(),
                        "All/Any needs at least one condition",
                        "list conditions inside, or remove the All/Any",
                    );
                }
                let mut ok = true;
                let mut out = Vec::new();
                for (k, c) in list.iter().enumerate() {
                    match self.condition(c, p.i(0).i(k)) {
                        Some(c) => out.push(c),
                        None => ok = false,
                    }
                }
                if !ok {
                    return None;
                }
                if matches!(c, ConditionFile::All(_)) {
                    if let Some(msg) = contradiction(&out) {
                        self.error(
                            Problem::NeverFires,
                            p.clone(),
                            msg,
                            "these conditions can never hold together",
                        );
                    }
                    Condition::All(out)
                } else {
                    Condition::Any(out)
                }
            }
            ConditionFile::Not(inner) => Condition::Not(Box::new(self.condition(inner, p.i(0))?)),
        })
    }

    fn optional_state(&mut self, s: Option<&str>, p: Path) -> Option<Option<StateId>> {
        match s {
            None => Some(None),
            Some(s) => self.state_ref(s, p).map(Some),
        }
    }

    /// Injects whose trigger can never hold: too late for the rounds, waiting on each
    /// other in a cycle, or on an inject that itself never fires.
    fn never_firing(&mut self, f: &ScenarioFile, injects: &[Inject]) {
        let n = injects.len();
        // Earliest round at which each inject can fire; None = never (or only by hand).
        let mut earliest: Vec<Option<u8>> = vec![None; n];
        let rounds = self.rounds.clamp(0, 255) as u8;
        // Fixpoint: a trigger's earliest round depends on the injects it names.
        for _ in 0..=n {
            let mut changed = false;
            for (i, inj) in injects.iter().enumerate() {
                let e = match &inj.when {
                    When::Round(r) => Some(*r),
                    When::Trigger(c) => earliest_round(c, &earliest).filter(|r| *r <= rounds),
                    // Control may reveal it at any time; triggers may wait on it.
                    When::Manual => Some(1),
                };
                if e != earliest[i] && (earliest[i].is_none() || e < earliest[i]) {
                    earliest[i] = e;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        for (i, inj) in injects.iter().enumerate() {
            if let When::Trigger(c) = &inj.when
                && earliest[i].is_none()
            {
                let why = match earliest_round(c, &vec![Some(1); n]) {
                    Some(r) if r > rounds => format!(
                        "its condition can first hold in round {r}, after the last round ({rounds})"
                    ),
                    _ => "it waits on an inject that never fires (or on itself)".into(),
                };
                self.error(
                    Problem::NeverFires,
                    ROOT().f("injects").i(i).f("when"),
                    format!("inject \"{}\" can never fire: {why}", f.injects[i].id),
                    "triggers are checked when each round opens; a condition about round N can hold from round N+1",
                );
            }
        }
    }

    fn unopened_incidents(&mut self, f: &ScenarioFile, injects: &[Inject]) {
        for (i, inc) in f.incidents.iter().enumerate() {
            let opened = opens(
                injects,
                facts_of(&self.facts_by_incident, i),
                IncidentId(i as u16),
            );
            if !opened {
                self.warn(
                    Problem::Unused,
                    ROOT().f("incidents").i(i).f("id"),
                    format!(
                        "incident \"{}\" is never opened by an inject, so its facts stay unknown",
                        inc.id
                    ),
                    "add effects: [OpenIncident(\"...\")] to an inject",
                );
            }
        }
    }

    fn objectives(
        &mut self,
        f: &ScenarioFile,
        facts: &[Fact],
        injects: &[Inject],
        initial: &[u8],
    ) -> Vec<Objective> {
        let p = ROOT().f("objectives");
        let mut out = Vec::new();
        for (i, o) in f.objectives.iter().enumerate() {
            let op = p.i(i);
            self.check_id(&o.id, op.f("id"));
            self.declare(
                "objective",
                "",
                &o.id,
                op.f("id"),
                "give every objective its own id",
            );
            self.text(&o.title, op.f("title"), true);
            self.text(&o.description, op.f("description"), false);
            let cp = op.f("check");
            let check = match &o.check {
                CheckFile::PolicyContact { between, by_round }
                | CheckFile::TechnicalContact { between, by_round } => {
                    let r = self.round_ref(*by_round, cp.f("by_round"), "the objective is due by");
                    let pair = self.pair(between, cp.f("between"));
                    match (pair, r, &o.check) {
                        (Some((a, b)), Some(by_round), CheckFile::PolicyContact { .. }) => {
                            Some(Check::PolicyContact { a, b, by_round })
                        }
                        (Some((a, b)), Some(by_round), _) => {
                            Some(Check::TechnicalContact { a, b, by_round })
                        }
                        _ => None,
                    }
                }
                CheckFile::FactShared {
                    fact,
                    with,
                    by_round,
                } => {
                    let fid = self.fact_ref(fact, cp.f("fact"));
                    let s = self.state_ref(with, cp.f("with"));
                    let r = self.round_ref(*by_round, cp.f("by_round"), "the objective is due by");
                    if let (Some(fid), Some(s)) = (fid, s) {
                        let fd = &facts[fid.index()];
                        if fd.known_by.iter().any(|b| b.state == s) {
                            self.warn(Problem::CannotEvaluate, cp.f("with"), format!("\"{with}\" knows fact \"{fact}\" from the start, so this objective is met trivially"), "name a State that has to be told");
                        }
                        let siblings =
                            facts_of(&self.facts_by_incident, fd.incident.index()).to_vec();
                        if !opens(injects, &siblings, fd.incident) {
                            self.error(Problem::CannotEvaluate, cp.f("fact"), format!("fact \"{fact}\" never enters the exercise (its incident is never opened)"), "open its incident with an inject");
                        }
                    }
                    match (fid, s, r) {
                        (Some(fact), Some(with), Some(by_round)) => Some(Check::FactShared {
                            fact,
                            with,
                            by_round,
                        }),
                        _ => None,
                    }
                }
                CheckFile::TensionBelow { between, level } => {
                    let l = self.level(level, cp.f("level"));
                    let pair = self.pair(between, cp.f("between"));
                    if l == Some(0) {
                        self.error(
                            Problem::CannotEvaluate,
                            cp.f("level"),
                            "tension can never stay below 0",
                            "use a level above 0",
                        );
                    }
                    if let (Some((a, b)), Some(l)) = (pair, l)
                        && initial
                            .get(pair_index(self.states.len(), a, b))
                            .is_some_and(|t| *t >= l)
                    {
                        self.error(Problem::CannotEvaluate, cp.f("level"), "the pair starts at or above this level, so the objective is failed before play begins", "raise the level or lower the starting tension");
                    }
                    match (pair, l) {
                        (Some((a, b)), Some(level)) if level > 0 => {
                            Some(Check::TensionBelow { a, b, level })
                        }
                        _ => None,
                    }
                }
                CheckFile::NoAttributionBefore { round, by } => {
                    let who = self.optional_state(by.as_deref(), cp.f("by"));
                    if *round < 2 || *round > self.rounds + 1 {
                        self.error(Problem::CannotEvaluate, cp.f("round"), format!("\"before round {round}\" cannot be judged: use 2 to {} (rounds + 1 means never)", self.rounds + 1), format!("use a round from 2 to {}", self.rounds + 1));
                        None
                    } else {
                        who.map(|by| Check::NoAttributionBefore {
                            round: *round as u8,
                            by,
                        })
                    }
                }
                CheckFile::ActionUsed {
                    action,
                    by,
                    by_round,
                } => {
                    let who = self.optional_state(by.as_deref(), cp.f("by"));
                    let r = self.round_ref(*by_round, cp.f("by_round"), "the objective is due by");
                    match (who, r) {
                        (Some(by), Some(by_round)) => Some(Check::ActionUsed {
                            action: *action,
                            by,
                            by_round,
                        }),
                        _ => None,
                    }
                }
                CheckFile::ContactsCurrent { state, by_round } => {
                    let s = self.state_ref(state, cp.f("state"));
                    let r = self.round_ref(*by_round, cp.f("by_round"), "the objective is due by");
                    match (s, r) {
                        (Some(state), Some(by_round)) => {
                            Some(Check::ContactsCurrent { state, by_round })
                        }
                        _ => None,
                    }
                }
                CheckFile::ConcernsAnswered => Some(Check::ConcernsAnswered),
            };
            if let Some(check) = check {
                out.push(Objective {
                    id: o.id.clone(),
                    title: o.title.clone(),
                    description: o.description.clone(),
                    check,
                });
            }
        }
        out
    }
}

/// Does some inject open the incident, directly or by revealing one of its facts?
fn opens(injects: &[Inject], facts: &[FactId], incident: IncidentId) -> bool {
    injects.iter().any(|inj| {
        inj.effects.iter().any(|e| match e {
            Effect::OpenIncident(i) => *i == incident,
            Effect::RevealFact(f, _) => facts.contains(f),
            _ => false,
        })
    })
}

fn facts_of(map: &[Vec<FactId>], incident: usize) -> &[FactId] {
    map.get(incident).map(Vec::as_slice).unwrap_or(&[])
}

/// The first round at whose opening the condition could hold, given the earliest
/// round of each inject; None if it never can.
fn earliest_round(c: &Condition, injects: &[Option<u8>]) -> Option<u8> {
    match c {
        Condition::TensionAtLeast(..)
        | Condition::TensionBelow(..)
        | Condition::FactKnown { .. } => Some(1),
        // An action is first seen when the round after it opens.
        Condition::ActionUsed { .. } => Some(2),
        Condition::ActionNotUsed { by_round, .. } => by_round.checked_add(1),
        Condition::InjectFired(i) => injects.get(i.index()).copied().flatten(),
        Condition::RoundAtLeast(r) => Some(*r),
        Condition::All(list) => list
            .iter()
            .map(|c| earliest_round(c, injects))
            .try_fold(1u8, |acc, r| r.map(|r| acc.max(r))),
        Condition::Any(list) => list.iter().filter_map(|c| earliest_round(c, injects)).min(),
        Condition::Not(_) => Some(1),
    }
}

/// A plain contradiction inside an All: tension at least X and below Y <= X for one pair.
fn contradiction(list: &[Condition]) -> Option<String> {
    for a in list {
        if let Condition::TensionAtLeast(x1, y1, lo) = a {
            for b in list {
                if let Condition::TensionBelow(x2, y2, hi) = b
                    && ((x1, y1) == (x2, y2) || (x1, y1) == (y2, x2))
                    && hi <= lo
                {
                    return Some(format!(
                        "tension cannot be at least {lo} and below {hi} at once"
                    ));
                }
            }
        }
    }
    None
}

fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut cur = vec![i + 1; b.len() + 1];
        for (j, cb) in b.iter().enumerate() {
            cur[j + 1] = (prev[j] + usize::from(ca != *cb))
                .min(prev[j + 1] + 1)
                .min(cur[j] + 1);
        }
        prev = cur;
    }
    prev[b.len()]
}
