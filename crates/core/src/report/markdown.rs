//! The report as Markdown (CommonMark with GFM tables); charts are written beside it
//! as SVG files.
//!
//! Every text is put on one line and escaped, so no title, name or message can start a
//! heading, list, quote, code block or table row, or become a link or an HTML tag.

use super::{Block, Doc};

/// Text on one line: line breaks (U+2028 and U+2029 too) and other control
/// characters become spaces, runs of white space one space, with none at either end;
/// the other characters that hide or reorder text ([`super::is_deceptive`]) become
/// U+FFFD, as in the HTML report.
pub fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| match c {
            c if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') => ' ',
            c if super::is_deceptive(c) => '\u{FFFD}',
            c => c,
        })
        .collect::<String>()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text for anywhere in the document (a heading, a paragraph, a list item, a table
/// cell): on one line, with every character that could start markup escaped.
pub fn escape(s: &str) -> String {
    let t = one_line(s);
    let digits = t.chars().take_while(char::is_ascii_digit).count();
    let mut out = String::with_capacity(t.len() + 8);
    for (i, c) in t.chars().enumerate() {
        let markup = matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '&' | '|' | '~' | '#' | '!'
        );
        // Block markers count only at the start: a bullet, a setext underline, or the
        // `.`/`)` after the number of an ordered list.
        let at_start = i == 0 && matches!(c, '-' | '+' | '=');
        let list_number = i == digits && (1..=9).contains(&digits) && matches!(c, '.' | ')');
        if markup || at_start || list_number {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// The Markdown text and the chart files it refers to (name, SVG).
pub fn render(doc: &Doc) -> (String, Vec<(String, String)>) {
    let mut m = format!("# {}\n\n", escape(&doc.title));
    let mut charts = Vec::new();
    // Two lists in a row would merge into one: alternate their bullets.
    let mut bullet = '-';
    for b in &doc.blocks {
        match b {
            Block::Heading(level, t) => m.push_str(&format!(
                "{} {}\n\n",
                "#".repeat((*level).clamp(1, 6) as usize),
                escape(t)
            )),
            Block::Para(t) => {
                let t = escape(t);
                if !t.is_empty() {
                    m.push_str(&format!("{t}\n\n"));
                }
            }
            Block::Note(t) => {
                let t = escape(t);
                if !t.is_empty() {
                    m.push_str(&format!("_{t}_\n\n"));
                }
            }
            Block::List(items) => {
                for i in items {
                    m.push_str(&format!("{bullet} {}\n", escape(i)));
                }
                m.push('\n');
                bullet = if bullet == '-' { '*' } else { '-' };
            }
            Block::Table { head, rows } => {
                let cols = head.len().max(rows.first().map(Vec::len).unwrap_or(0));
                if cols == 0 {
                    continue;
                }
                let row = |cells: &[String]| {
                    let c: Vec<String> = (0..cols)
                        .map(|i| escape(cells.get(i).map(String::as_str).unwrap_or("")))
                        .collect();
                    format!("| {} |\n", c.join(" | "))
                };
                m.push_str(&row(head));
                m.push_str(&format!("|{}\n", " --- |".repeat(cols)));
                for r in rows {
                    m.push_str(&row(r));
                }
                m.push('\n');
            }
            Block::Chart { title, svg } => {
                let name = if charts.is_empty() {
                    "tension.svg".to_owned()
                } else {
                    format!("chart-{}.svg", charts.len() + 1)
                };
                m.push_str(&format!("![{}]({name})\n\n", escape(title)));
                charts.push((name, svg.clone()));
            }
        }
    }
    (m, charts)
}
