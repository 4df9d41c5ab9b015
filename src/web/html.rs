//! HTML built by construction: markup comes only from `&'static str` literals in this
//! crate, and every other string goes through [`esc`]. So nothing a player,
//! participant or scenario author wrote can become a tag, an attribute or a script.

use std::fmt::Write as _;

/// Escape text for HTML content and quoted attribute values (the report's escaping:
/// entities for `& < > " '`, U+FFFD for control characters and bidirectional
/// overrides, so they can break neither the page nor a server-sent event's framing).
pub use cbm_ttx_core::report::html::{esc, esc_into};

/// A piece of HTML.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Html(String);

impl Html {
    pub fn new() -> Html {
        Html(String::with_capacity(1024))
    }

    /// Markup written in this crate.
    pub fn raw(&mut self, s: &'static str) -> &mut Html {
        self.0.push_str(s);
        self
    }

    /// Text from anywhere, escaped.
    pub fn text(&mut self, s: &str) -> &mut Html {
        esc_into(&mut self.0, s);
        self
    }

    /// A number.
    pub fn num(&mut self, n: impl Into<i128>) -> &mut Html {
        let _ = write!(self.0, "{}", n.into());
        self
    }

    /// HTML built elsewhere with this type.
    pub fn html(&mut self, h: &Html) -> &mut Html {
        self.0.push_str(&h.0);
        self
    }

    /// `<tag class="…">text</tag>` with the text escaped.
    pub fn el(&mut self, open: &'static str, text: &str, close: &'static str) -> &mut Html {
        self.raw(open).text(text).raw(close)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    /// Trusted markup made by a library that escapes its own text (the chart's SVG).
    pub(crate) fn trusted(s: String) -> Html {
        Html(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_and_control_characters_are_neutralised() {
        assert_eq!(
            esc("<script>alert('x')</script> & \"q\""),
            "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; &quot;q&quot;"
        );
        assert_eq!(
            esc("a\rb\u{0}c\u{1b}d\u{202E}e\nf"),
            "a\u{FFFD}b\u{FFFD}c\u{FFFD}d\u{FFFD}e\nf"
        );
        let mut h = Html::new();
        h.raw("<p title=\"")
            .text("\" onmouseover=\"x")
            .raw("\">")
            .num(42)
            .raw("</p>");
        assert_eq!(h.as_str(), "<p title=\"&quot; onmouseover=&quot;x\">42</p>");
    }
}
