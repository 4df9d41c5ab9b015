//! Problems found in a scenario file, with their place in the source, rendered for
//! terminals by miette and as plain lines for the app.

use std::ops::Range;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, SourceCode};

/// How bad a problem is. Errors sort before warnings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    /// The file cannot be played; `validate` exits 1.
    Error,
    /// Advice; the file is still valid and playable.
    Warning,
}

/// The kinds of problem `validate` reports. Tests assert on these, users read `code()`.
/// docs/scenario-format.md §17 ("Problem codes") lists when each is reported and at
/// which severity.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    /// The bytes are not a readable RON scenario (syntax, unknown or missing field, wrong type).
    Syntax,
    /// The file is not UTF-8 text, is empty, or is larger than we accept
    /// ([`super::compile::MAX_FILE_BYTES`]).
    Unreadable,
    /// Two States, bodies of one State, actors, incidents, facts, injects, objectives,
    /// ladder steps, languages or tension pairs with the same id.
    DuplicateId,
    /// An id that is empty, over 64 characters, or not ASCII letters, digits, `-`,
    /// `_`, `.`.
    InvalidId,
    /// A name that matches nothing declared (the hint suggests the closest id).
    UnknownReference,
    /// A number outside its range, a ladder that does not rise from 0, an empty list
    /// that needs entries; as a warning, a scenario with one State.
    OutOfRange,
    /// A State without its policy or technical contact point.
    NoContactPoint,
    /// An inject that can never fire (a round outside the exercise, a trigger that can
    /// first hold after the last round, a cycle of `InjectFired`, ...).
    NeverFires,
    /// A condition or objective that cannot be judged (a round out of range, a fact
    /// that never enters play, ...); as a warning, an objective met trivially.
    CannotEvaluate,
    /// A text map key that is not an OSCE language code (error), or not among the
    /// scenario's `languages` (warning).
    UnknownLanguage,
    /// A text map lacks one of the scenario's languages (warning).
    MissingTranslation,
    /// A required text is empty or blank (warning).
    EmptyText,
    /// A pair names the same State twice.
    SamePair,
    /// An incident no inject opens; a hidden fact with `known_by` (warnings).
    Unused,
    /// More rounds, States, bodies, actors, facts, injects or objectives than allowed
    /// (docs/scenario-format.md §15).
    TooMany,
}

impl Problem {
    /// The stable kebab-case code users read, e.g. `"duplicate-id"` (§17).
    pub fn code(self) -> &'static str {
        match self {
            Problem::Syntax => "syntax",
            Problem::Unreadable => "unreadable",
            Problem::DuplicateId => "duplicate-id",
            Problem::InvalidId => "invalid-id",
            Problem::UnknownReference => "unknown-reference",
            Problem::OutOfRange => "out-of-range",
            Problem::NoContactPoint => "no-contact-point",
            Problem::NeverFires => "never-fires",
            Problem::CannotEvaluate => "cannot-evaluate",
            Problem::UnknownLanguage => "unknown-language",
            Problem::MissingTranslation => "missing-translation",
            Problem::EmptyText => "empty-text",
            Problem::SamePair => "same-pair",
            Problem::Unused => "unused",
            Problem::TooMany => "too-many",
        }
    }
}

/// One problem at one place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Error or warning.
    pub severity: Severity,
    /// The kind of problem.
    pub problem: Problem,
    /// What is wrong, in words (at most 300 characters; quotes from the file cut to 60).
    pub message: String,
    /// How to fix it, if there is advice (at most 300 characters).
    pub hint: Option<String>,
    /// Byte range in the source (after a byte-order mark, which is stripped); `0..0`
    /// when the place is unknown.
    pub span: Range<usize>,
    /// 1-based line of the span's start (lines counted at each line feed).
    pub line: usize,
    /// 1-based column of the span's start, in characters (a tab or an emoji is one).
    pub col: usize,
    /// Other places that explain the problem (the first of two duplicate ids).
    pub related: Vec<Related>,
}

/// A second place in the source that a diagnostic refers to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Related {
    /// Byte range in the source.
    pub span: Range<usize>,
    /// 1-based line of the span's start.
    pub line: usize,
    /// 1-based character column of the span's start.
    pub col: usize,
    /// What this place is, e.g. "the first inject \"press\"".
    pub label: String,
}

/// Everything found in one file.
#[derive(Clone, Debug)]
pub struct Report {
    /// The file's name as shown in messages (as given by the caller).
    pub file: String,
    /// The file's text (without a byte-order mark; for an undecodable file, the valid
    /// UTF-8 prefix; empty for a file too large to read), for excerpts.
    pub source: String,
    /// Every problem found, sorted by place in the file and then severity. A file that
    /// does not parse has exactly one (`syntax` or `unreadable`).
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    /// The errors, in order.
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    /// The warnings, in order.
    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    /// Whether there is at least one error (then compilation gave no scenario).
    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// One line per problem: `file:line:col: error[code]: message (hint: ...)`.
    pub fn lines(&self) -> Vec<String> {
        self.diagnostics.iter().map(|d| self.line(d)).collect()
    }

    fn line(&self, d: &Diagnostic) -> String {
        let sev = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        let mut s = format!(
            "{}:{}:{}: {sev}[{}]: {}",
            self.file,
            d.line,
            d.col,
            d.problem.code(),
            d.message
        );
        if let Some(h) = &d.hint {
            s.push_str(&format!(" (hint: {h})"));
        }
        s
    }

    /// Every problem with a source excerpt, as miette draws it. Lines and columns are
    /// the same as in [`Report::lines`]; long lines are cut to a window around the
    /// problem, so the output stays short whatever the file looks like.
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
        let mut out = String::new();
        for d in &self.diagnostics {
            let excerpt = Excerpt::new(&self.file, &self.source, d);
            let shown = Shown {
                d,
                excerpt: &excerpt,
            };
            let mut one = String::new();
            // Writing into a String cannot fail. The excerpt is small and well-formed,
            // but should the renderer still panic, the plain line stands in for it.
            let drawn = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                handler.render_report(&mut one, &shown)
            }));
            match drawn {
                Ok(_) => out.push_str(&one),
                Err(_) => {
                    out.push_str(&self.line(d));
                    out.push('\n');
                }
            }
            out.push('\n');
        }
        out
    }

    /// `file: 2 errors, 1 warning` (or `file: valid`).
    pub fn summary(&self) -> String {
        let (e, w) = (self.errors().count(), self.warnings().count());
        if e == 0 && w == 0 {
            return format!("{}: valid", self.file);
        }
        let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
        if e == 0 {
            format!("{}: valid, {}", self.file, plural(w, "warning"))
        } else {
            format!(
                "{}: {}, {}",
                self.file,
                plural(e, "error"),
                plural(w, "warning")
            )
        }
    }
}

/// 1-based line and character column of a byte offset. An offset past the end is
/// taken as the end; one inside a character as that character's start.
pub fn line_col(src: &str, offset: usize) -> (usize, usize) {
    let mut offset = offset.min(src.len());
    while !src.is_char_boundary(offset) {
        offset -= 1;
    }
    let before = &src[..offset];
    let line = before.bytes().filter(|b| *b == b'\n').count() + 1;
    let line_start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    let col = src[line_start..offset].chars().count() + 1;
    (line, col)
}

/// Byte offset of a 1-based line and character column (as ron reports them). A line
/// past the end, or a column past the end of its line's remaining text, gives
/// `src.len()`; 0 counts as 1.
pub fn offset_of(src: &str, line: usize, col: usize) -> usize {
    let mut start = 0;
    for _ in 1..line.max(1) {
        match src[start..].find('\n') {
            Some(i) => start += i + 1,
            None => return src.len(),
        }
    }
    let rest = &src[start..];
    rest.char_indices()
        .nth(col.saturating_sub(1))
        .map(|(i, _)| start + i)
        .unwrap_or(src.len())
}

/// How many characters of a line an excerpt shows at most, and how many of them come
/// before the problem when the line has to be cut.
const WINDOW: usize = 110;
const LEAD: usize = 40;
/// A span over more lines than this is shown by its first line only.
const MAX_SPAN_LINES: usize = 6;

/// The few lines of the source that a diagnostic's excerpt shows, cut to a window
/// around the problem, as a small text of their own. miette draws from this text; the
/// line numbers and columns it prints are mapped back to the file's.
struct Excerpt {
    name: String,
    text: String,
    lines: Vec<LineInfo>,
    primary: Range<usize>,
    related: Vec<(Range<usize>, String)>,
    /// 0-based line and character column in the file of the primary span's start.
    primary_at: (usize, usize),
}

/// One line of `text`.
struct LineInfo {
    /// Byte offset in `text` where it starts, and where its first character of the
    /// file starts (after an ellipsis).
    start: usize,
    first_char: usize,
    /// 0-based line in the file and character column of the first shown character.
    file_line: usize,
    lo: usize,
}

/// One line of the file as shown: the window of characters [lo, hi) with an ellipsis
/// on each side that was cut, odd characters shown as spaces.
struct ShownLine {
    /// Byte offset in the file where the line starts and ends (before its '\n').
    start: usize,
    end: usize,
    /// (byte offset in the file, byte offset in the excerpt text) of every shown
    /// character, and one past the last.
    map: Vec<(usize, usize)>,
}

impl Excerpt {
    fn new(file: &str, src: &str, d: &Diagnostic) -> Excerpt {
        let starts: Vec<usize> = std::iter::once(0)
            .chain(src.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        let line_of = |off: usize| starts.partition_point(|s| *s <= off).saturating_sub(1);
        let line_end = |l: usize| starts.get(l + 1).map(|s| s - 1).unwrap_or(src.len());
        let clamp = |r: &Range<usize>| {
            let mut a = r.start.min(src.len());
            while !src.is_char_boundary(a) {
                a -= 1;
            }
            let mut b = r.end.clamp(a, src.len());
            while !src.is_char_boundary(b) {
                b -= 1;
            }
            // A span over many lines is shown by its first line.
            if line_of(b) > line_of(a) + MAX_SPAN_LINES {
                b = line_end(line_of(a)).max(a);
            }
            a..b
        };
        let mut places: Vec<(Range<usize>, Option<String>)> = vec![(clamp(&d.span), None)];
        for r in &d.related {
            places.push((clamp(&r.span), Some(r.label.clone())));
        }
        let last_line = starts.len() - 1;
        // Lines to show (with one line of context each side), merged into regions;
        // each region keeps the window of the first place in it.
        let mut regions: Vec<(usize, usize, usize)> = Vec::new(); // first, last, lo
        let mut by_line: Vec<(usize, usize, usize)> = places
            .iter()
            .map(|(r, _)| {
                let (l0, l1) = (line_of(r.start), line_of(r.end));
                let col = src[starts[l0]..r.start].chars().count();
                let lo = if col + 20 < WINDOW { 0 } else { col - LEAD };
                (l0.saturating_sub(1), (l1 + 1).min(last_line), lo)
            })
            .collect();
        by_line.sort();
        for (a, b, lo) in by_line {
            match regions.last_mut() {
                Some(last) if a <= last.1 + 2 => last.1 = last.1.max(b),
                _ => regions.push((a, b, lo)),
            }
        }
        let mut text = String::new();
        let mut lines = Vec::new();
        let mut shown: Vec<ShownLine> = Vec::new();
        for (first, last, lo) in regions {
            for (l, &start) in starts.iter().enumerate().take(last + 1).skip(first) {
                let end = line_end(l);
                let text_start = text.len();
                let mut map = Vec::new();
                let line = &src[start..end];
                let mut chars = line.char_indices().skip(lo).peekable();
                if lo > 0 && chars.peek().is_some() {
                    text.push('…');
                }
                lines.push(LineInfo {
                    start: text_start,
                    first_char: text.len(),
                    file_line: l,
                    lo,
                });
                let mut last_off = start + line.len();
                for (n, (i, c)) in chars.enumerate() {
                    if n == WINDOW {
                        last_off = start + i;
                        break;
                    }
                    map.push((start + i, text.len()));
                    text.push(if c == '\t' || !crate::chars::is_deceptive(c) {
                        c
                    } else {
                        ' '
                    });
                }
                let cut = last_off < start + line.len();
                map.push((last_off, text.len()));
                if cut {
                    text.push('…');
                }
                text.push('\n');
                shown.push(ShownLine { start, end, map });
            }
        }
        let to_text = |off: usize| -> usize {
            let Some(sl) = shown
                .iter()
                .find(|sl| sl.start <= off && off <= sl.end)
                .or_else(|| shown.iter().rev().find(|sl| sl.start <= off))
            else {
                return 0;
            };
            match sl.map.partition_point(|(s, _)| *s <= off) {
                0 => sl.map[0].1,
                k => sl.map[k - 1].1,
            }
        };
        let map_span = |r: &Range<usize>| {
            let a = to_text(r.start);
            let b = to_text(r.end).max(a);
            a..b
        };
        let primary = map_span(&places[0].0);
        let related = places[1..]
            .iter()
            .map(|(r, label)| (map_span(r), label.clone().unwrap_or_default()))
            .collect();
        Excerpt {
            name: file.to_owned(),
            text,
            lines,
            primary,
            related,
            primary_at: (d.line.saturating_sub(1), d.col.saturating_sub(1)),
        }
    }

    /// The file's 0-based line and character column of an offset in the excerpt text.
    fn file_position(&self, offset: usize) -> (usize, usize) {
        let k = self.lines.partition_point(|l| l.start <= offset);
        let Some(l) = self.lines.get(k.saturating_sub(1)) else {
            return (0, 0);
        };
        let col = self
            .text
            .get(l.first_char..offset.max(l.first_char))
            .map(|t| t.chars().count())
            .unwrap_or(0);
        (l.file_line, l.lo + col)
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &miette::SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn miette::SpanContents<'a> + 'a>, miette::MietteError> {
        let inner = self.text.as_str().read_span(span, before, after)?;
        let data = inner.data();
        // A read without context gives the header's position: the diagnostic's own
        // for the primary span. A read with context starts at the start of a line.
        let (line, column) = if before > 0 {
            (self.file_position(inner.span().offset()).0, 0)
        } else if span.offset() == self.primary.start {
            self.primary_at
        } else {
            self.file_position(span.offset())
        };
        let count = data.iter().filter(|b| **b == b'\n').count();
        Ok(Box::new(miette::MietteSpanContents::new_named(
            self.name.clone(),
            data,
            *inner.span(),
            line,
            column,
            count,
        )))
    }
}

struct Shown<'a> {
    d: &'a Diagnostic,
    excerpt: &'a Excerpt,
}

impl std::fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.d.message)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(self.d.problem.code()))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.d.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.d
            .hint
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn SourceCode> {
        Some(self.excerpt)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let span = &self.excerpt.primary;
        let primary = LabeledSpan::new_primary_with_span(
            Some("here".to_owned()),
            (span.start, span.end - span.start),
        );
        let related = self.excerpt.related.iter().map(|(r, label)| {
            LabeledSpan::new_with_span(Some(label.clone()), (r.start, r.end - r.start))
        });
        Some(Box::new(std::iter::once(primary).chain(related)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_round_trips_with_cyrillic() {
        let src = "ab\nПривет x\n";
        let off = src.find('x').unwrap();
        assert_eq!(line_col(src, off), (2, 8));
        assert_eq!(offset_of(src, 2, 8), off);
    }
}
