//! The report as Markdown; charts are written beside it as SVG files.

use super::{Block, Doc};

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The Markdown text and the chart files it refers to (name, SVG).
pub fn render(doc: &Doc) -> (String, Vec<(String, String)>) {
    let mut m = format!("# {}\n\n", doc.title);
    let mut charts = Vec::new();
    for b in &doc.blocks {
        match b {
            Block::Heading(level, t) => {
                m.push_str(&format!("{} {t}\n\n", "#".repeat(*level as usize)))
            }
            Block::Para(t) => m.push_str(&format!("{t}\n\n")),
            Block::Note(t) => m.push_str(&format!("_{t}_\n\n")),
            Block::List(items) => {
                for i in items {
                    m.push_str(&format!("- {}\n", i.replace('\n', " ")));
                }
                m.push('\n');
            }
            Block::Table { head, rows } => {
                let cols = head.len().max(rows.first().map(Vec::len).unwrap_or(0));
                let head: Vec<String> = (0..cols)
                    .map(|i| cell(head.get(i).map(String::as_str).unwrap_or("")))
                    .collect();
                m.push_str(&format!("| {} |\n", head.join(" | ")));
                m.push_str(&format!("|{}\n", " --- |".repeat(cols)));
                for row in rows {
                    let r: Vec<String> = row.iter().map(|c| cell(c)).collect();
                    m.push_str(&format!("| {} |\n", r.join(" | ")));
                }
                m.push('\n');
            }
            Block::Chart { title, svg } => {
                let name = if charts.is_empty() {
                    "tension.svg".to_owned()
                } else {
                    format!("chart-{}.svg", charts.len() + 1)
                };
                m.push_str(&format!("![{title}]({name})\n\n"));
                charts.push((name, svg.clone()));
            }
        }
    }
    (m, charts)
}
