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
    /// A named field of a record (`when`, `between`).
    Field(&'static str),
    /// A 0-based position in a list, a tuple, a variant's arguments (`when.0` is the
    /// argument of `Round(..)`) or a map's entries (the entry's value).
    Index(usize),
}

/// A path from the document root to a value, displayed as
/// `injects[3].when[0].between`: the segments from the root, in order.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Path(pub Vec<Seg>);

impl Path {
    /// The path of the whole document (the `Scenario( ... )` record).
    pub fn root() -> Path {
        Path(Vec::new())
    }
    /// This path followed by the field `name`.
    pub fn f(&self, name: &'static str) -> Path {
        let mut p = self.clone();
        p.0.push(Seg::Field(name));
        p
    }
    /// This path followed by the 0-based position `index`.
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

/// The tree of spans of one RON document, built once by [`SpanIndex::new`] and
/// queried by [`Path`]. Tolerant: input it does not understand ends the tree where it
/// is, and nesting deeper than 256 levels is not indexed.
pub struct SpanIndex<'a> {
    src: &'a str,
    root: Option<Node>,
}

const MAX_DEPTH: usize = 256;

/// Exactly the characters ron's parser skips as whitespace (ron 0.12,
/// `parse::is_whitespace_char`). The index must skip the same, or everything after
/// such a character would be lost.
pub fn is_ron_whitespace(c: char) -> bool {
    matches!(
        c,
        ' ' | '\t'
            | '\n'
            | '\r'
            | '\x0B'
            | '\x0C'
            | '\u{85}'
            | '\u{200E}'
            | '\u{200F}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

impl<'a> SpanIndex<'a> {
    /// Index `src` (after any `#![enable(...)]` attributes and comments). Never fails
    /// or panics.
    pub fn new(src: &'a str) -> Self {
        let mut p = Parser {
            s: src.as_bytes(),
            pos: 0,
            depth: 0,
            stopped: false,
        };
        p.skip_trivia_and_attributes();
        let root = p.value();
        SpanIndex { src, root }
    }
    /// The byte range of the value at `path`, or of the deepest ancestor found; `None`
    /// only if the document has no value at all. `Some(x)` written for an optional
    /// value is looked through.
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
    /// Set at the first thing the index does not understand: from there on it only
    /// closes the nodes it has, so that everything before keeps its place.
    stopped: bool,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.pos).copied()
    }

    fn peek_at(&self, off: usize) -> Option<u8> {
        self.s.get(self.pos + off).copied()
    }

    fn rest(&self) -> &[u8] {
        self.s.get(self.pos..).unwrap_or(&[])
    }

    /// The length in bytes of the RON whitespace character at the cursor, or 0.
    fn whitespace_len(&self) -> usize {
        let rest = self.rest();
        let n = rest.len().min(4);
        let head = match std::str::from_utf8(&rest[..n]) {
            Ok(h) => h,
            Err(e) => std::str::from_utf8(&rest[..e.valid_up_to()]).unwrap_or(""),
        };
        match head.chars().next() {
            Some(c) if is_ron_whitespace(c) => c.len_utf8(),
            _ => 0,
        }
    }

    fn skip_trivia(&mut self) {
        loop {
            let w = self.whitespace_len();
            if w > 0 {
                self.pos += w;
                continue;
            }
            match self.peek() {
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
                        if self.rest().starts_with(b"/*") {
                            level += 1;
                            self.pos += 2;
                        } else if self.rest().starts_with(b"*/") {
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

    /// `#![enable(...)]` and the like; ron allows trivia between `#`, `!` and `[`.
    fn skip_trivia_and_attributes(&mut self) {
        self.skip_trivia();
        while self.peek() == Some(b'#') {
            self.pos += 1;
            self.skip_trivia();
            if self.peek() == Some(b'!') {
                self.pos += 1;
                self.skip_trivia();
            }
            if self.peek() == Some(b'[') {
                self.pos += 1;
            }
            loop {
                self.skip_trivia();
                match self.peek() {
                    None => return,
                    Some(b']') => {
                        self.pos += 1;
                        break;
                    }
                    Some(b'"') => {
                        let start = self.pos;
                        self.string(start);
                    }
                    Some(_) => self.pos += 1,
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
        if self.rest().starts_with(b"r#") {
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

    /// The value at the cursor. None if none starts here (and the index stops).
    fn value(&mut self) -> Option<Node> {
        self.skip_trivia();
        if self.depth >= MAX_DEPTH || self.stopped {
            self.stopped = true;
            return None;
        }
        let start = self.pos;
        let node = match self.peek() {
            None => None,
            Some(b'"') => Some(self.string(start)),
            Some(b'r')
                if matches!(self.peek_at(1), Some(b'"' | b'#')) && self.raw_string_follows() =>
            {
                Some(self.raw_string(start))
            }
            Some(b'b') if self.peek_at(1) == Some(b'"') => {
                self.pos += 1;
                Some(self.string(start))
            }
            Some(b'\'') => {
                self.pos += 1;
                while let Some(c) = self.peek() {
                    self.pos += 1;
                    match c {
                        b'\\' => self.pos += 1,
                        b'\'' => break,
                        _ => {}
                    }
                }
                self.pos = self.pos.min(self.s.len());
                Some(atom(start, self.pos))
            }
            Some(b'[') => {
                self.pos += 1;
                let items = self.items(b']');
                Some(Node {
                    span: start..self.pos,
                    name: None,
                    kind: Kind::Seq(items),
                })
            }
            Some(b'{') => {
                self.pos += 1;
                self.depth += 1;
                let mut entries = Vec::new();
                loop {
                    if self.eat(b'}') {
                        break;
                    }
                    let Some(k) = self.value() else { break };
                    if self.stopped || !self.eat(b':') {
                        self.stopped = true;
                        break;
                    }
                    let Some(v) = self.value() else { break };
                    entries.push((k, v));
                    if self.stopped {
                        break;
                    }
                    if !self.eat(b',') {
                        if self.eat(b'}') {
                            break;
                        }
                        self.stopped = true;
                        break;
                    }
                }
                self.depth -= 1;
                Some(Node {
                    span: start..self.pos,
                    name: None,
                    kind: Kind::Map(entries),
                })
            }
            Some(b'(') => Some(self.parens(start, None)),
            Some(c) if c.is_ascii_alphabetic() || c == b'_' => {
                let name = self.ident()?;
                let after_name = self.pos;
                self.skip_trivia();
                if self.peek() == Some(b'(') {
                    Some(self.parens(start, Some(name)))
                } else {
                    self.pos = after_name;
                    Some(atom(start, self.pos))
                }
            }
            Some(c) if c.is_ascii_digit() || c == b'-' || c == b'+' || c == b'.' => {
                self.pos += 1;
                while matches!(self.peek(), Some(c) if c.is_ascii_alphanumeric() || c == b'_' || c == b'.'
                    || ((c == b'-' || c == b'+') && matches!(self.s[self.pos - 1], b'e' | b'E')))
                {
                    self.pos += 1;
                }
                Some(atom(start, self.pos))
            }
            Some(_) => None,
        };
        if node.is_none() {
            self.stopped = true;
        }
        node
    }

    fn raw_string_follows(&self) -> bool {
        let mut i = self.pos + 1;
        while self.s.get(i) == Some(&b'#') {
            i += 1;
        }
        self.s.get(i) == Some(&b'"')
    }

    fn string(&mut self, start: usize) -> Node {
        self.pos += 1; // opening quote
        while let Some(c) = self.peek() {
            self.pos += 1;
            match c {
                b'\\' => self.pos += 1,
                b'"' => return atom(start, self.pos.min(self.s.len())),
                _ => {}
            }
        }
        self.pos = self.s.len();
        self.stopped = true;
        atom(start, self.pos)
    }

    fn raw_string(&mut self, start: usize) -> Node {
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
                return atom(start, self.pos);
            }
            self.pos += 1;
        }
        self.pos = self.s.len();
        self.stopped = true;
        atom(start, self.pos)
    }

    /// After `(`: a struct if the first thing is `ident:`, otherwise a tuple.
    fn parens(&mut self, start: usize, name: Option<Range<usize>>) -> Node {
        self.pos += 1; // (
        self.skip_trivia();
        let save = self.pos;
        let is_struct = self.ident().is_some() && {
            self.skip_trivia();
            self.peek() == Some(b':')
        };
        self.pos = save;
        if !is_struct {
            let items = self.items(b')');
            return Node {
                span: start..self.pos,
                name,
                kind: Kind::Seq(items),
            };
        }
        self.depth += 1;
        let mut fields = Vec::new();
        loop {
            if self.eat(b')') {
                break;
            }
            self.skip_trivia();
            let Some(key) = self.ident() else {
                self.stopped = true;
                break;
            };
            if !self.eat(b':') {
                self.stopped = true;
                break;
            }
            let Some(v) = self.value() else { break };
            fields.push((key, v));
            if self.stopped {
                break;
            }
            if !self.eat(b',') {
                if self.eat(b')') {
                    break;
                }
                self.stopped = true;
                break;
            }
        }
        self.depth -= 1;
        Node {
            span: start..self.pos,
            name,
            kind: Kind::Struct(fields),
        }
    }

    fn items(&mut self, close: u8) -> Vec<Node> {
        self.depth += 1;
        let mut items = Vec::new();
        loop {
            if self.eat(close) {
                break;
            }
            let Some(v) = self.value() else { break };
            items.push(v);
            if self.stopped {
                break;
            }
            if !self.eat(b',') {
                if self.eat(close) {
                    break;
                }
                self.stopped = true;
                break;
            }
        }
        self.depth -= 1;
        items
    }
}

fn atom(start: usize, end: usize) -> Node {
    Node {
        span: start..end,
        name: None,
        kind: Kind::Atom,
    }
}

// ---- brackets, for syntax errors ---------------------------------------------------

/// An opening bracket and where it is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Open {
    /// `(`, `[` or `{`.
    pub bracket: char,
    /// Its byte offset in the source.
    pub at: usize,
    /// The name written right before it (`Scenario` in `Scenario(`), if any.
    pub name: Option<Range<usize>>,
}

/// What a plain scan of the source finds up to `upto`: the brackets still open there,
/// the innermost field name being written (`kind` in `kind: "Cert"`), and the first
/// closing bracket that does not match the one it closes.
#[derive(Debug, Default)]
pub struct Scan {
    /// Brackets still open at `upto`, outermost first.
    pub open: Vec<Open>,
    /// Byte range of the innermost field name being written at `upto`, if any.
    pub field: Option<Range<usize>>,
    /// The first closing bracket that does not match: its byte offset and the opening
    /// bracket it closed.
    pub mismatch: Option<(usize, Open)>,
}

/// Scan the source as the RON parser would read it, skipping strings and comments.
/// Never fails; stops at `upto` (a byte offset, taken as the end if past it).
pub fn scan(src: &str, upto: usize) -> Scan {
    let b = src.as_bytes();
    let upto = upto.min(b.len());
    let mut p = Parser {
        s: &b[..upto],
        pos: 0,
        depth: 0,
        stopped: false,
    };
    let mut out = Scan::default();
    // The field named at each depth (index 0: outside any bracket).
    let mut fields: Vec<Option<Range<usize>>> = vec![None];
    let mut last_ident: Option<Range<usize>> = None;
    loop {
        p.skip_trivia();
        let Some(c) = p.peek() else { break };
        let start = p.pos;
        match c {
            b'"' => {
                p.string(start);
                last_ident = None;
            }
            b'r' if matches!(p.peek_at(1), Some(b'"' | b'#')) && p.raw_string_follows() => {
                p.raw_string(start);
                last_ident = None;
            }
            b'\'' => {
                p.pos += 1;
                while let Some(c) = p.peek() {
                    p.pos += 1;
                    match c {
                        b'\\' => p.pos += 1,
                        b'\'' => break,
                        _ => {}
                    }
                }
                last_ident = None;
            }
            b'(' | b'[' | b'{' => {
                p.pos += 1;
                out.open.push(Open {
                    bracket: c as char,
                    at: start,
                    name: last_ident.take(),
                });
                fields.push(None);
            }
            b')' | b']' | b'}' => {
                p.pos += 1;
                let want = match c {
                    b')' => '(',
                    b']' => '[',
                    _ => '{',
                };
                match out.open.pop() {
                    Some(o) if o.bracket != want && out.mismatch.is_none() => {
                        out.mismatch = Some((start, o));
                    }
                    _ => {}
                }
                if fields.len() > 1 {
                    fields.pop();
                }
                last_ident = None;
            }
            b':' => {
                p.pos += 1;
                if let (Some(f), Some(slot)) = (last_ident.take(), fields.last_mut()) {
                    *slot = Some(f);
                }
            }
            b',' => {
                p.pos += 1;
                if let Some(slot) = fields.last_mut() {
                    *slot = None;
                }
                last_ident = None;
            }
            c if c.is_ascii_alphabetic() || c == b'_' => {
                last_ident = p.ident();
                if last_ident.is_none() {
                    p.pos += 1;
                }
            }
            _ => {
                // Numbers, attributes and anything else: one character at a time.
                p.pos += 1;
                while p.pos < p.s.len() && (p.s[p.pos] & 0xC0) == 0x80 {
                    p.pos += 1;
                }
                last_ident = None;
            }
        }
        p.pos = p.pos.min(p.s.len());
    }
    out.field = fields.iter().rev().flatten().next().cloned();
    out
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
