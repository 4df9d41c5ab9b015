//! Where each value of a RON document sits in the source.
//!
//! serde does not keep positions, so after `ron` has accepted a file we read it once
//! more with this small, tolerant parser and build a tree of spans. Validation names
//! the value it complains about by a [`Path`] (`injects[3].when.0.between`), and
//! [`SpanIndex::locate`] turns that into a byte range for the diagnostic. On input it
//! does not understand it stops and keeps what it has, so it never fails or panics.

use std::ops::Range;

/// One step into a RON value: a named field or a position in a list or tuple.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Seg {
    Field(&'static str),
    Index(usize),
}

/// A path from the document root to a value.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Seg>);

impl Path {
    pub fn root() -> Path {
        Path(Vec::new())
    }
    pub fn f(&self, name: &'static str) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Field(name));
        p
    }
    pub fn i(&self, index: usize) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Index(index));
        p
    }
}

impl std::fmt::Display for Path {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (n, seg) in self.0.iter().enumerate() {
            match seg {
                Seg::Field(name) if n == 0 => write!(f, "{name}")?,
                Seg::Field(name) => write!(f, ".{name}")?,
                Seg::Index(i) => write!(f, "[{i}]")?,
            }
        }
        Ok(())
    }
}

#[derive(Debug)]
struct Node {
    span: Range<usize>,
    /// The identifier before `(`, e.g. `Some` or `Trigger`.
    name: Option<Range<usize>>,
    kind: Kind,
}

#[derive(Debug)]
enum Kind {
    Atom,
    /// `(a, b)`, `Name(a, b)` and `[a, b]`.
    Seq(Vec<Node>),
    /// `(field: v, ...)` and `Name(field: v, ...)`: field name span and value.
    Struct(Vec<(Range<usize>, Node)>),
    /// `{k: v, ...}`: indexed by entry; the value of entry i.
    Map(Vec<(Node, Node)>),
}

pub struct SpanIndex<'a> {
    src: &'a str,
    root: Option<Node>,
}

const MAX_DEPTH: usize = 256;

impl<'a> SpanIndex<'a> {
    pub fn new(src: &'a str) -> Self {
        let mut p = Parser {
            s: src.as_bytes(),
            pos: 0,
            depth: 0,
        };
        p.skip_trivia_and_attributes();
        let root = p.value();
        SpanIndex { src, root }
    }

    /// The byte range of the value at `path`, or of the deepest ancestor found.
    pub fn locate(&self, path: &Path) -> Option<Range<usize>> {
        let mut node = self.root.as_ref()?;
        for seg in &path.0 {
            node = self.unwrap_some(node);
            let next = match (seg, &node.kind) {
                (Seg::Field(name), Kind::Struct(fields)) => fields
                    .iter()
                    .find(|(k, _)| &self.src[k.clone()] == *name)
                    .map(|(_, v)| v),
                (Seg::Index(i), Kind::Seq(items)) => items.get(*i),
                (Seg::Index(i), Kind::Map(entries)) => entries.get(*i).map(|(_, v)| v),
                _ => None,
            };
            match next {
                Some(n) => node = n,
                None => break,
            }
        }
        Some(node.span.clone())
    }

    /// The span of the key `key` (unquoted) of the map at `path` (for a bad language code).
    pub fn locate_map_key(&self, path: &Path, key: &str) -> Option<Range<usize>> {
        let mut node = self.root.as_ref()?;
        for seg in &path.0 {
            node = self.unwrap_some(node);
            node = match (seg, &node.kind) {
                (Seg::Field(name), Kind::Struct(fields)) => {
                    &fields
                        .iter()
                        .find(|(k, _)| &self.src[k.clone()] == *name)?
                        .1
                }
                (Seg::Index(i), Kind::Seq(items)) => items.get(*i)?,
                (Seg::Index(i), Kind::Map(entries)) => &entries.get(*i)?.1,
                _ => return None,
            };
        }
        match &node.kind {
            Kind::Map(entries) => entries
                .iter()
                .find(|(k, _)| self.src[k.span.clone()].trim_matches('"') == key)
                .map(|(k, _)| k.span.clone()),
            _ => None,
        }
    }

    /// Field paths address the value inside `Some(...)` transparently.
    fn unwrap_some<'n>(&self, node: &'n Node) -> &'n Node {
        match (&node.name, &node.kind) {
            (Some(name), Kind::Seq(items))
                if &self.src[name.clone()] == "Some" && items.len() == 1 =>
            {
                &items[0]
            }
            _ => node,
        }
    }
}

struct Parser<'s> {
    s: &'s [u8],
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn peek_at(&self, off: usize) -> Option<u8> {
        self.s.get(self.pos + off).copied()
    }

    fn skip_trivia(&mut self) {
        loop {
            match self.peek() {
                Some(b' ' | b'\t' | b'\n' | b'\r') => self.pos += 1,
                Some(b'/') if self.peek_at(1) == Some(b'/') => {
                    while let Some(c) = self.peek() {
                        self.pos += 1;
                        if c == b'\n' {
                            break;
                        }
                    }
                }
                Some(b'/') if self.peek_at(1) == Some(b'*') => {
                    // RON block comments nest.
                    self.pos += 2;
                    let mut level = 1usize;
                    while level > 0 && self.pos < self.s.len() {
                        if self.s[self.pos..].starts_with(b"/*") {
                            level += 1;
                            self.pos += 2;
                        } else if self.s[self.pos..].starts_with(b"*/") {
                            level -= 1;
                            self.pos += 2;
                        } else {
                            self.pos += 1;
                        }
                    }
                }
                _ => return,
            }
        }
    }

    fn skip_trivia_and_attributes(&mut self) {
        self.skip_trivia();
        while self.s[self.pos..].starts_with(b"#![") {
            while let Some(c) = self.peek() {
                self.pos += 1;
                if c == b']' {
                    break;
                }
            }
            self.skip_trivia();
        }
    }

    fn eat(&mut self, c: u8) -> bool {
        self.skip_trivia();
        if self.peek() == Some(c) {
            self.pos += 1;
            true
        } else {
            false
        }
    }

    fn ident(&mut self) -> Option<Range<usize>> {
        let start = self.pos;
        if self.s[self.pos..].starts_with(b"r#") {
            self.pos += 2;
        }
        match self.peek() {
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {}
            _ => {
                self.pos = start;
                return None;
            }
        }
        while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_') {
            self.pos += 1;
        }
        Some(start..self.pos)
    }

    fn value(&mut self) -> Option<Node> {
        self.skip_trivia();
        if self.depth >= MAX_DEPTH {
            return None;
        }
        let start = self.pos;
        match self.peek()? {
            b'"' => self.string(start),
            b'r' if matches!(self.peek_at(1), Some(b'"' | b'#')) && self.raw_string_follows() => {
                self.raw_string(start)
            }
            b'b' if self.peek_at(1) == Some(b'"') => {
                self.pos += 1;
                self.string(start)
            }
            b'\'' => {
                self.pos += 1;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    match c {
                        b'\\' => self.pos += 1,
                        b'\'' => break,
                        _ => {}
                    }
                }
                Some(atom(start, self.pos.min(self.s.len())))
            }
            b'[' => {
                self.pos += 1;
                let items = self.items(b']')?;
                Some(Node {
                    span: start..self.pos,
                    name: None,
                    kind: Kind::Seq(items),
                })
            }
            b'{' => {
                self.pos += 1;
                self.depth += 1;
                let mut entries = Vec::new();
                loop {
                    if self.eat(b'}') {
                        break;
                    }
                    let k = self.value()?;
                    if !self.eat(b':') {
                        return None;
                    }
                    let v = self.value()?;
                    entries.push((k, v));
                    if !self.eat(b',') {
                        if self.eat(b'}') {
                            break;
                        }
                        return None;
                    }
                }
                self.depth -= 1;
                Some(Node {
                    span: start..self.pos,
                    name: None,
                    kind: Kind::Map(entries),
                })
            }
            b'(' => self.parens(start, None),
            c if c.is_ascii_alphabetic() || c == b'_' => {
                let name = self.ident()?;
                self.skip_trivia();
                if self.peek() == Some(b'(') {
                    self.parens(start, Some(name))
                } else {
                    Some(atom(start, self.pos))
                }
            }
            c if c.is_ascii_digit() || c == b'-' || c == b'+' || c == b'.' => {
                self.pos += 1;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'.'
                    || ((c == b'-' || c == b'+') && matches!(self.s[self.pos - 1], b'e' | b'E')))
                {
                    self.pos += 1;
                }
                Some(atom(start, self.pos))
            }
            _ => None,
        }
    }

    fn raw_string_follows(&self) -> bool {
        let mut i = self.pos + 1;
        while self.s.get(i) == Some(&b'#') {
            i += 1;
        }
        self.s.get(i) == Some(&b'"')
    }

    fn string(&mut self, start: usize) -> Option<Node> {
        self.pos += 1; // opening quote
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'"' => return Some(atom(start, self.pos)),
                _ => {}
            }
        }
        None
    }

    fn raw_string(&mut self, start: usize) -> Option<Node> {
        self.pos += 1; // r
        let mut hashes = 0;
        while self.peek() == Some(b'#') {
            hashes += 1;
            self.pos += 1;
        }
        self.pos += 1; // opening quote
        while self.pos < self.s.len() {
            if self.s[self.pos] == b'"'
                && self.s[self.pos + 1..]
                    .iter()
                    .take(hashes)
                    .filter(|c| **c == b'#')
                    .count()
                    == hashes
            {
                self.pos += 1 + hashes;
                return Some(atom(start, self.pos));
            }
            self.pos += 1;
        }
        None
    }

    /// After `(`: a struct if the first thing is `ident:`, otherwise a tuple.
    fn parens(&mut self, start: usize, name: Option<Range<usize>>) -> Option<Node> {
        self.pos += 1; // (
        self.skip_trivia();
        let save = self.pos;
        let is_struct = self.ident().is_some() && {
            self.skip_trivia();
            self.peek() == Some(b':')
        };
        self.pos = save;
        if !is_struct {
            let items = self.items(b')')?;
            return Some(Node {
                span: start..self.pos,
                name,
                kind: Kind::Seq(items),
            });
        }
        self.depth += 1;
        let mut fields = Vec::new();
        loop {
            if self.eat(b')') {
                break;
            }
            self.skip_trivia();
            let key = self.ident()?;
            if !self.eat(b':') {
                return None;
            }
            let v = self.value()?;
            fields.push((key, v));
            if !self.eat(b',') {
                if self.eat(b')') {
                    break;
                }
                return None;
            }
        }
        self.depth -= 1;
        Some(Node {
            span: start..self.pos,
            name,
            kind: Kind::Struct(fields),
        })
    }

    fn items(&mut self, close: u8) -> Option<Vec<Node>> {
        self.depth += 1;
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                break;
            }
            items.push(self.value()?);
            if !self.eat(b',') {
                if self.eat(close) {
                    break;
                }
                return None;
            }
        }
        self.depth -= 1;
        Some(items)
    }
}

fn atom(start: usize, end: usize) -> Node {
    Node {
        span: start..end,
        name: None,
        kind: Kind::Atom,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = r##"#![enable(implicit_some)]
// a comment
Scenario(
    id: "x", /* nested /* block */ comment */
    states: [
        (id: "a", bodies: [(id: "cert", kind: Cert)]),
        (id: "b", contacts: (policy: Some((body: "mfa")))),
    ],
    text: {"en": "Hi", "ru": r#"Привет"#},
    when: Trigger(All([TensionAtLeast(between: ("a", "b"), level: 60)])),
)"##;

    fn text_at(path: &Path) -> &'static str {
        let idx = SpanIndex::new(DOC);
        let r = idx.locate(path).unwrap();
        &DOC[r]
    }

    #[test]
    fn finds_fields_items_and_nested_variants() {
        let root = Path::root();
        assert_eq!(text_at(&root.f("id")), "\"x\"");
        assert_eq!(
            text_at(&root.f("states").i(0).f("bodies").i(0).f("kind")),
            "Cert"
        );
        assert_eq!(
            text_at(&root.f("states").i(1).f("contacts").f("policy").f("body")),
            "\"mfa\""
        );
        assert_eq!(text_at(&root.f("text").i(1)), "r#\"Привет\"#");
        assert_eq!(
            text_at(&root.f("when").i(0).i(0).i(0).f("between").i(1)),
            "\"b\""
        );
        assert_eq!(text_at(&root.f("when").i(0).i(0).i(0).f("level")), "60");
    }

    #[test]
    fn missing_path_falls_back_to_the_deepest_ancestor() {
        assert_eq!(
            text_at(&Path::root().f("states").i(0).f("nope")),
            "(id: \"a\", bodies: [(id: \"cert\", kind: Cert)])"
        );
    }

    #[test]
    fn map_keys_are_located() {
        let idx = SpanIndex::new(DOC);
        let r = idx.locate_map_key(&Path::root().f("text"), "ru").unwrap();
        assert_eq!(&DOC[r], "\"ru\"");
    }

    #[test]
    fn garbage_never_panics() {
        for s in [
            "", "(", "((((", "\"", "r#\"", "{a:", "#![", "/*", "Name(x:", "[1,2", "'",
        ] {
            let idx = SpanIndex::new(s);
            let _ = idx.locate(&Path::root().f("x").i(3));
        }
    }
}
