//! Chatham House: participant names out of free text.
//!
//! A name is removed wherever it appears as whole words, whatever the case (Unicode
//! lower case, so Cyrillic names too), and so is each of its parts of two letters or
//! more (a first name or surname alone, "Ms Kowalska"), but never a piece of another
//! word: a participant called "Ana" leaves "analysis" alone.

/// What a removed name becomes.
pub const PLACEHOLDER: &str = "[participant]";

/// Titles that are not part of what identifies a person.
const HONORIFICS: [&str; 22] = [
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "sir", "dame", "madam", "mme", "mlle", "herr",
    "frau", "sig", "sra", "sr", "dott", "amb", "hon", "rev", "st",
];

/// Removes a fixed set of participant names from free text (see the module docs).
/// An empty redactor leaves text as it is.
pub struct Redactor {
    /// Each name as lower-case words, longest first; then single parts.
    names: Vec<Vec<String>>,
}

/// Letters, digits and combining marks make up words.
fn is_word_char(c: char) -> bool {
    c.is_alphanumeric()
        || matches!(c, '\u{300}'..='\u{36F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

fn lower(s: &str) -> String {
    s.chars().flat_map(char::to_lowercase).collect()
}

/// The words of a text with their byte ranges.
fn words(text: &str) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, c) in text.char_indices() {
        match (is_word_char(c), start) {
            (true, None) => start = Some(i),
            (false, Some(s)) => {
                out.push((s, i));
                start = None;
            }
            _ => {}
        }
    }
    if let Some(s) = start {
        out.push((s, text.len()));
    }
    out
}

impl Redactor {
    /// A redactor for these participant names (empty names are ignored).
    pub fn new<S: AsRef<str>>(names: impl IntoIterator<Item = S>) -> Redactor {
        let mut seqs: Vec<Vec<String>> = Vec::new();
        for name in names {
            let name = name.as_ref();
            let ws: Vec<String> = words(name)
                .iter()
                .map(|(a, b)| lower(&name[*a..*b]))
                .collect();
            if ws.is_empty() {
                continue;
            }
            for w in &ws {
                if w.chars().count() >= 2 && !HONORIFICS.contains(&w.as_str()) {
                    seqs.push(vec![w.clone()]);
                }
            }
            seqs.push(ws);
        }
        // Whole names before their parts, longest first.
        seqs.sort_by_key(|s| std::cmp::Reverse(s.len()));
        seqs.dedup();
        Redactor { names: seqs }
    }

    /// Whether it has no name to remove.
    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The text with every name and part of a name replaced by [`PLACEHOLDER`].
    pub fn clean(&self, text: &str) -> String {
        if self.names.is_empty() {
            return text.to_owned();
        }
        let ws = words(text);
        let low: Vec<String> = ws.iter().map(|(a, b)| lower(&text[*a..*b])).collect();
        let mut out = String::with_capacity(text.len());
        let mut copied = 0;
        let mut i = 0;
        while i < ws.len() {
            let hit = self.names.iter().find(|name| {
                i + name.len() <= ws.len()
                    && name.iter().zip(&low[i..]).all(|(n, w)| n == w)
                    // The words of a full name follow each other with only spaces,
                    // hyphens or dots between them.
                    && (i + 1..i + name.len()).all(|k| {
                        text[ws[k - 1].1..ws[k].0]
                            .chars()
                            .all(|c| c.is_whitespace() || matches!(c, '-' | '.' | ','))
                    })
            });
            match hit {
                Some(name) => {
                    let (start, end) = (ws[i].0, ws[i + name.len() - 1].1);
                    out.push_str(&text[copied..start]);
                    out.push_str(PLACEHOLDER);
                    copied = end;
                    i += name.len();
                }
                None => i += 1,
            }
        }
        out.push_str(&text[copied..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_replaced_whatever_their_case() {
        let r = Redactor::new(["anna", "Пётр"]);
        assert_eq!(
            r.clean("Anna said ANNA was right"),
            "[participant] said [participant] was right"
        );
        assert_eq!(r.clean("Пётр и ПЁТР"), "[participant] и [participant]");
        assert_eq!(r.clean("no match"), "no match");
    }

    #[test]
    fn a_multi_line_name_is_still_found() {
        let r = Redactor::new(["Zofia\r\nKowalska"]);
        assert_eq!(r.clean("Zofia Kowalska spoke"), "[participant] spoke");
    }
}
