//! After-action report and MSEL export: pure functions from a journal's record and
//! its scenario to documents. The report is built once as a [`Doc`] of blocks and
//! rendered twice, as self-contained HTML (with an SVG chart) and as Markdown.

pub mod anonymise;
pub mod chart;
pub mod html;
pub mod markdown;
pub mod msel;
pub mod sections;
pub mod words;

use std::path::Path;

pub use crate::files::write_atomic;

pub use crate::chars::is_deceptive;

use crate::engine::Event;
use crate::scenario::{Lang, Scenario};

/// A block of a report, rendered by both the HTML and the Markdown writer.
#[derive(Clone, Debug, PartialEq)]
pub enum Block {
    /// A heading of level 1–6 (sections use 2 and 3; the document title is the level 1)
    /// and its plain text.
    Heading(u8, String),
    /// A paragraph of plain text (writers escape it; empty ones are skipped).
    Para(String),
    /// A paragraph in small, muted type.
    Note(String),
    /// A bulleted list, one plain-text item each.
    List(Vec<String>),
    /// A table: a header row and body rows of plain-text cells (rows as long as `head`).
    Table {
        /// The column headings.
        head: Vec<String>,
        /// The rows, top to bottom.
        rows: Vec<Vec<String>>,
    },
    /// An SVG chart (embedded in HTML; written next to the Markdown file).
    Chart {
        /// The chart's caption.
        title: String,
        /// A complete SVG document.
        svg: String,
    },
}

/// A report as a title and blocks, independent of the output format.
#[derive(Clone, Debug, PartialEq)]
pub struct Doc {
    /// The document's title (the level-1 heading and the HTML `<title>`).
    pub title: String,
    /// The content, top to bottom.
    pub blocks: Vec<Block>,
}

/// Why a report or an MSEL could not be written.
#[derive(Debug, thiserror::Error)]
pub enum ReportError {
    /// Creating the directory or writing a file failed.
    #[error("{path}: {source}")]
    Io {
        /// The directory or file.
        path: String,
        /// The I/O error.
        source: std::io::Error,
    },
    /// The CSV writer failed (in words).
    #[error("{0}")]
    Csv(String),
}

/// Options of `cbm-ttx report`.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// Chatham House: participants appear by seat only; their names appear nowhere.
    pub anonymise: bool,
    /// The language of scenario text; `None`, or one the scenario does not offer: the
    /// scenario's first language.
    pub lang: Option<Lang>,
    /// Shown as the record's source (file name only when anonymising).
    pub journal: Option<String>,
}

/// Write report.html, report.md and tension.svg into `dir` (created if missing).
/// Returns the paths written, in that order. Errors: [`ReportError::Io`] naming the
/// directory or the file that could not be written.
/// Each file is written whole or not at all ([`write_atomic`]): a failure leaves the
/// previous file in place and no partial file behind.
pub fn write(
    scenario: &Scenario,
    seed: u64,
    events: &[Event],
    dir: &Path,
    opts: &Options,
) -> Result<Vec<String>, ReportError> {
    let doc = build(scenario, seed, events, opts);
    let io = |p: &Path| {
        let path = p.display().to_string();
        move |source| ReportError::Io {
            path: path.clone(),
            source,
        }
    };
    std::fs::create_dir_all(dir).map_err(io(dir))?;
    let (md, charts) = markdown::render(&doc);
    let mut files = vec![
        ("report.html".to_owned(), html::render(&doc)),
        ("report.md".to_owned(), md),
    ];
    files.extend(charts);
    let mut written = Vec::new();
    for (name, text) in files {
        let p = dir.join(name);
        write_atomic(&p, text.as_bytes()).map_err(io(&p))?;
        written.push(p.display().to_string());
    }
    Ok(written)
}

/// Assemble the after-action report: one section after another (see [`sections`]).
pub fn build(scenario: &Scenario, seed: u64, events: &[Event], opts: &Options) -> Doc {
    sections::Sections::new(scenario, seed, events, opts).doc()
}
