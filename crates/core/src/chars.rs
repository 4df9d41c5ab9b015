//! Characters that change what a reader sees without being seen themselves.

/// Whether `c` would hide, move or reorder text for a reader of a page, a report or
/// a terminal: a control character (U+0000–U+001F, U+007F–U+009F; newline and tab
/// included, callers keep those where they mean something), a bidirectional mark,
/// embedding, override or isolate (U+061C, U+200E–U+200F, U+202A–U+202E,
/// U+2066–U+2069; the "Trojan Source" characters of CVE-2021-42574), a zero-width or
/// invisible format character (U+200B–U+200D, U+2060–U+2064, U+FEFF, U+180E), a line
/// or paragraph separator (U+2028, U+2029), or a tag character (U+E0000–U+E007F,
/// which can smuggle text no one sees). Every writer of text a player or author
/// wrote (the HTML and Markdown reports, the participant web pages, diagnostics'
/// excerpts) replaces them.
pub fn is_deceptive(c: char) -> bool {
    c.is_control()
        || matches!(
            c,
            '\u{061C}'
                | '\u{180E}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// `s` with every character of [`is_deceptive`] replaced by U+FFFD, for a terminal
/// line or a log: a participant's name can then neither move the cursor, retitle the
/// window (ANSI escapes) nor reorder what the facilitator reads. Borrowed when there
/// is nothing to replace.
pub fn plain(s: &str) -> std::borrow::Cow<'_, str> {
    if s.chars().any(is_deceptive) {
        s.chars()
            .map(|c| if is_deceptive(c) { '\u{FFFD}' } else { c })
            .collect::<String>()
            .into()
    } else {
        s.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_leaves_text_and_replaces_what_hides_or_reorders_it() {
        assert_eq!(plain("Ana Lind — Пётр"), "Ana Lind — Пётр");
        assert_eq!(
            plain("\u{1b}]0;owned\u{7}Ana\u{202E}x\u{200B}"),
            "\u{FFFD}]0;owned\u{FFFD}Ana\u{FFFD}x\u{FFFD}"
        );
    }
}
