//! Problems found in a scenario file, with their place in the source, rendered for
//! terminals by miette and as plain lines for the app.

use std::ops::Range;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, NamedSource, SourceCode};

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Severity {
    Error,
    Warning,
}

/// The kinds of problem `validate` reports. Tests assert on these, users read `code()`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Problem {
    /// The bytes are not a readable RON scenario (syntax, unknown or missing field, wrong type).
    Syntax,
    /// The file is not UTF-8 text, is empty, or is larger than we accept.
    Unreadable,
    DuplicateId,
    InvalidId,
    UnknownReference,
    OutOfRange,
    NoContactPoint,
    NeverFires,
    CannotEvaluate,
    UnknownLanguage,
    MissingTranslation,
    EmptyText,
    SamePair,
    Unused,
    TooMany,
}

impl Problem {
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
    pub severity: Severity,
    pub problem: Problem,
    pub message: String,
    pub hint: Option<String>,
    /// Byte range in the source.
    pub span: Range<usize>,
    /// 1-based line and column (in characters) of the span's start.
    pub line: usize,
    pub col: usize,
}

/// Everything found in one file.
#[derive(Clone, Debug)]
pub struct Report {
    pub file: String,
    pub source: String,
    pub diagnostics: Vec<Diagnostic>,
}

impl Report {
    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
    }

    pub fn warnings(&self) -> impl Iterator<Item = &Diagnostic> {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
    }

    pub fn has_errors(&self) -> bool {
        self.errors().next().is_some()
    }

    /// One line per problem: `file:line:col: error[code]: message (hint: ...)`.
    pub fn lines(&self) -> Vec<String> {
        self.diagnostics
            .iter()
            .map(|d| {
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
            })
            .collect()
    }

    /// Every problem with a source excerpt, as miette draws it.
    pub fn render(&self, color: bool) -> String {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let handler = GraphicalReportHandler::new_themed(theme).with_context_lines(1);
        let source = NamedSource::new(&self.file, self.source.clone());
        let mut out = String::new();
        for d in &self.diagnostics {
            let shown = Shown { d, source: &source };
            // Writing into a String cannot fail.
            let _ = handler.render_report(&mut out, &shown);
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

/// 1-based line and character column of a byte offset.
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

/// Byte offset of a 1-based line and character column (as ron reports them).
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

struct Shown<'a> {
    d: &'a Diagnostic,
    source: &'a NamedSource<String>,
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
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        let len = self.d.span.end.saturating_sub(self.d.span.start);
        Some(Box::new(std::iter::once(
            LabeledSpan::new_primary_with_span(Some("here".to_owned()), (self.d.span.start, len)),
        )))
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
