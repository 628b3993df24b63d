//! Prints the emitters' token streams as Rust source text, without parsing them.
//!
//! Parsing the tokens into a `syn` tree and printing it with prettyplease was 70% of the
//! generator's instructions on Palette: the parse alone was 45%. Generated code has few
//! shapes (items, impls, builders, method chains, match arms), so a printer that knows
//! them from the tokens alone does the job in one pass: tokens are flattened into one
//! array, the space between two neighbours depends only on the pair, and a statement is
//! broken over lines only when it does not fit in [`WIDTH`] columns: at the calls of a
//! method chain first, then at the commas of its last bracketed group.
//!
//! The output is checked against its input in debug builds ([`check_same_tokens`]): read
//! back by the lexer, it must give the same tokens, so a printer mistake is an error in
//! every test run rather than a miscompiled crate.

use std::borrow::Cow;
use std::fmt::Write as _;

use proc_macro2::{Delimiter, Spacing, TokenStream, TokenTree};

/// Lines are kept within this many columns where a break is possible (rustfmt's default).
const WIDTH: usize = 100;

/// Operators of more than one character, longest first: a run of joint punctuation is
/// split into these. `<<` and `>>` are left out because in generated code they are always
/// two angle brackets (`Vec<Vec<T>>`).
const OPERATORS: [&str; 21] = [
    "..=", "...", "<<=", ">>=", "::", "->", "=>", "==", "!=", "<=", ">=", "&&", "||", "..", "+=",
    "-=", "*=", "/=", "%=", "^=", "&=",
];

/// Keywords followed by a space before a bracket (`if (`, `in [`), unlike a call.
const SPACED_KEYWORDS: [&str; 19] = [
    "as", "async", "box", "break", "dyn", "else", "for", "if", "impl", "in", "let", "loop",
    "match", "move", "mut", "ref", "return", "where", "while",
];

/// Keywords that start an item whose `{ … }` body is always printed as a block.
const ITEM_KEYWORDS: [&str; 7] = ["enum", "fn", "impl", "mod", "struct", "trait", "union"];

/// What a token is.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    Ident,
    Literal,
    Lifetime,
    Punct,
    Open(Delimiter),
    Close(Delimiter),
}

/// How a punctuation token is used, decided from the token before it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Role {
    Plain,
    /// A prefix operator (`&x`, `*x`, `!x`, `-x`): no space after it.
    Prefix,
    /// The `|` opening a closure's parameters (or `||`, a closure without any).
    ClosureOpen,
    /// The `|` closing a closure's parameters.
    ClosureClose,
}

/// One token of the flattened stream.
#[derive(Clone, Copy, Debug)]
struct Tok {
    kind: Kind,
    role: Role,
    /// Byte range of its text in [`Toks::text`].
    start: u32,
    end: u32,
    /// For a bracket, the index of its partner.
    pair: u32,
    /// For an open brace: its contents are statements (always printed as a block).
    block: bool,
    /// For an open bracket: the commas at its contents' own level.
    commas: u32,
    /// A space goes before it when it shares a line with the token before it
    /// ([`Toks::space_before`], worked out once for all tokens when they are flattened:
    /// lines are printed more than once while they are being fitted).
    space: bool,
    /// For a comma: [`Toks::droppable_comma`], also worked out once.
    droppable: bool,
}

/// A token stream flattened: every token's text in one string, brackets as open and
/// close tokens pointing at each other.
struct Toks {
    text: String,
    toks: Vec<Tok>,
}

impl Toks {
    /// `tokens` flattened, in buffers left by an earlier file of this thread if any:
    /// a large file's arrays would otherwise be regrown (and copied) a dozen times.
    fn new(tokens: TokenStream) -> Self {
        let mut toks = SPARE.take().unwrap_or(Toks {
            text: String::new(),
            toks: Vec::new(),
        });
        toks.text.clear();
        toks.toks.clear();
        toks.push_stream(tokens);
        for i in 0..toks.toks.len() {
            toks.toks[i].space = toks.space_before(i);
            toks.toks[i].droppable = toks.is(i, ",") && toks.droppable_comma(i);
        }
        toks
    }

    /// Keeps the buffers for the thread's next file.
    fn recycle(self) {
        SPARE.set(Some(self));
    }

    fn str(&self, i: usize) -> &str {
        let t = &self.toks[i];
        &self.text[t.start as usize..t.end as usize]
    }

    fn is(&self, i: usize, text: &str) -> bool {
        matches!(self.toks[i].kind, Kind::Punct | Kind::Ident) && self.str(i) == text
    }

    fn push(&mut self, kind: Kind, text: std::fmt::Arguments<'_>) -> usize {
        let start = self.text.len() as u32;
        let _ = self.text.write_fmt(text);
        self.push_tok(kind, start)
    }

    /// Like [`Self::push`] for text at hand, without the formatting machinery (most
    /// tokens are punctuation and brackets).
    fn push_str(&mut self, kind: Kind, text: &str) -> usize {
        let start = self.text.len() as u32;
        self.text.push_str(text);
        self.push_tok(kind, start)
    }

    /// The token whose text runs from `start` to the end of [`Self::text`].
    fn push_tok(&mut self, kind: Kind, start: u32) -> usize {
        self.toks.push(Tok {
            kind,
            role: Role::Plain,
            start,
            end: self.text.len() as u32,
            pair: 0,
            block: false,
            commas: 0,
            space: false,
            droppable: false,
        });
        self.toks.len() - 1
    }

    /// Appends `stream`; returns whether it holds, at its own level, something that only
    /// a block holds (a `;`, a `=>`, an attribute, or a block), and how many commas.
    fn push_stream(&mut self, stream: TokenStream) -> (bool, u32) {
        let mut statements = false;
        let mut commas = 0;
        let mut iter = stream.into_iter().peekable();
        let mut puncts = String::new();
        while let Some(tree) = iter.next() {
            match tree {
                TokenTree::Group(group) => {
                    let delimiter = group.delimiter();
                    // Dropped before the stream is iterated, which then owns its tokens
                    // rather than copying them out of a shared buffer.
                    let stream = group.stream();
                    drop(group);
                    if delimiter == Delimiter::None {
                        let (inner, inner_commas) = self.push_stream(stream);
                        statements |= inner;
                        commas += inner_commas;
                        continue;
                    }
                    let open = self.push_str(Kind::Open(delimiter), "");
                    let (inner, inner_commas) = self.push_stream(stream);
                    let close = self.push_str(Kind::Close(delimiter), "");
                    self.toks[open].commas = inner_commas;
                    self.toks[open].pair = close as u32;
                    self.toks[close].pair = open as u32;
                    if delimiter == Delimiter::Brace {
                        let block = inner && close > open + 1;
                        self.toks[open].block = block;
                        statements |= block;
                    }
                }
                TokenTree::Ident(ident) => {
                    self.push(Kind::Ident, format_args!("{ident}"));
                }
                TokenTree::Literal(literal) => {
                    self.push(Kind::Literal, format_args!("{literal}"));
                }
                TokenTree::Punct(punct) => {
                    let c = punct.as_char();
                    if c == '\'' && punct.spacing() == Spacing::Joint {
                        if let Some(TokenTree::Ident(name)) = iter.peek() {
                            self.push(Kind::Lifetime, format_args!("'{name}"));
                            iter.next();
                            continue;
                        }
                    }
                    puncts.push(c);
                    let joined = punct.spacing() == Spacing::Joint
                        && matches!(iter.peek(), Some(TokenTree::Punct(_)));
                    if joined {
                        continue;
                    }
                    let mut rest = puncts.as_str();
                    while !rest.is_empty() {
                        let len = if rest.len() == 1 {
                            1
                        } else {
                            OPERATORS
                                .iter()
                                .find(|op| rest.starts_with(*op))
                                .map_or(rest.chars().next().map_or(1, char::len_utf8), |op| {
                                    op.len()
                                })
                        };
                        let (op, tail) = rest.split_at(len);
                        statements |= op == ";" || op == "=>" || op == "#";
                        commas += u32::from(op == ",");
                        let i = self.push_str(Kind::Punct, op);
                        self.toks[i].role = self.role(i);
                        rest = tail;
                    }
                    puncts.clear();
                }
            }
        }
        (statements, commas)
    }

    /// Whether the comma at `i`, last in its group, can go when the group is printed on
    /// one line: in a list of several elements, a bracketed list, or the arguments of a
    /// call. Never in `(x,)`, a one-element tuple.
    fn droppable_comma(&self, i: usize) -> bool {
        let close = i + 1;
        if close >= self.toks.len() || !matches!(self.toks[close].kind, Kind::Close(_)) {
            return false;
        }
        let open = self.toks[close].pair as usize;
        let group = &self.toks[open];
        let call = open > 0
            && match self.toks[open - 1].kind {
                Kind::Ident => !SPACED_KEYWORDS.contains(&self.str(open - 1)),
                Kind::Punct => self.str(open - 1) == ">",
                _ => false,
            };
        match group.kind {
            Kind::Open(Delimiter::Bracket) => true,
            Kind::Open(Delimiter::Parenthesis) => group.commas >= 2 || call,
            _ => group.commas >= 2,
        }
    }

    /// The role of the punctuation at `i`, from the token before it.
    fn role(&self, i: usize) -> Role {
        let op = self.str(i);
        // After an operand (a name, a literal, a closing bracket, `?`), an operator is
        // infix; after anything else it starts an operand.
        let after_operand = i > 0
            && match self.toks[i - 1].kind {
                Kind::Ident => !SPACED_KEYWORDS.contains(&self.str(i - 1)),
                Kind::Literal | Kind::Lifetime => true,
                Kind::Close(_) => true,
                Kind::Open(_) => false,
                Kind::Punct => matches!(self.str(i - 1), "?" | ">"),
            };
        match op {
            "|" | "||" => {
                if self.inside_closure_params(i) {
                    Role::ClosureClose
                } else if after_operand {
                    Role::Plain
                } else {
                    Role::ClosureOpen
                }
            }
            "&" | "&&" | "*" | "-" | "!" if !after_operand => Role::Prefix,
            _ => Role::Plain,
        }
    }

    /// Whether a `|` at `i` closes the parameters of a closure opened earlier at its level.
    fn inside_closure_params(&self, i: usize) -> bool {
        let mut j = i;
        while j > 0 {
            j -= 1;
            let t = &self.toks[j];
            match t.kind {
                Kind::Close(_) => j = t.pair as usize,
                Kind::Open(_) => return false,
                Kind::Punct => match t.role {
                    Role::ClosureOpen => return self.str(j) == "|",
                    Role::ClosureClose => return false,
                    _ if matches!(self.str(j), ";" | "=>" | "=") => return false,
                    _ => {}
                },
                _ => {}
            }
        }
        false
    }

    /// Whether a space goes between the tokens at `i - 1` and `i` when they share a line.
    fn space_before(&self, i: usize) -> bool {
        if i == 0 {
            return false;
        }
        let (p, n) = (&self.toks[i - 1], &self.toks[i]);
        let (ps, ns) = (self.str(i - 1), self.str(i));
        match p.kind {
            // `use a::{b, c}` (after `::`) has no inner spaces; a struct literal has.
            Kind::Open(Delimiter::Brace) => {
                let use_list = i >= 2 && self.is(i - 2, "::");
                return !(matches!(n.kind, Kind::Close(_)) || use_list);
            }
            Kind::Open(_) => return false,
            Kind::Punct => {
                if p.role == Role::Prefix || p.role == Role::ClosureOpen && ps == "|" {
                    return false;
                }
                if matches!(ps, "," | ";") {
                    return !matches!(
                        n.kind,
                        Kind::Close(Delimiter::Parenthesis | Delimiter::Bracket)
                    );
                }
                if matches!(ps, "::" | "." | ".." | "..=" | "#" | "<") {
                    return false;
                }
            }
            _ => {}
        }
        match n.kind {
            Kind::Close(Delimiter::Brace) => {
                let open = n.pair as usize;
                !(open >= 1 && self.is(open - 1, "::"))
            }
            Kind::Close(_) => false,
            Kind::Punct => match ns {
                "," | ";" | "?" | "." | "::" | ":" | ">" => false,
                ".." | "..=" => p.kind == Kind::Punct,
                "!" => !(p.kind == Kind::Ident || ps == "#"),
                "<" => p.kind == Kind::Punct && !matches!(ps, ">" | "&" | "*"),
                "|" if n.role == Role::ClosureClose => false,
                _ => true,
            },
            Kind::Open(Delimiter::Parenthesis) => match p.kind {
                Kind::Ident => SPACED_KEYWORDS.contains(&ps),
                Kind::Close(_) => false,
                Kind::Punct => !matches!(ps, "!" | ">"),
                _ => true,
            },
            Kind::Open(Delimiter::Bracket) => match p.kind {
                Kind::Ident => SPACED_KEYWORDS.contains(&ps),
                Kind::Close(_) => false,
                Kind::Punct => !matches!(ps, "!"),
                _ => true,
            },
            Kind::Open(_) => true,
            Kind::Ident | Kind::Literal | Kind::Lifetime => {
                !(p.kind == Kind::Punct && ps == "!" && p.role == Role::Prefix)
            }
        }
    }
}

/// Prints `tokens` as the text of a Rust file.
pub fn file(tokens: TokenStream) -> String {
    let toks = Toks::new(tokens);
    let mut printer = Printer {
        out: String::with_capacity(toks.text.len() * 2),
        line_start: 0,
        t: &toks,
    };
    printer.items(0, toks.toks.len(), 0);
    let out = printer.out;
    toks.recycle();
    out
}

thread_local! {
    /// The buffers of the last file flattened on this thread ([`Toks::new`]).
    static SPARE: std::cell::Cell<Option<Toks>> = const { std::cell::Cell::new(None) };
}

/// Where a scan along one level of tokens is: inside how many angle brackets, and
/// whether between a closure's `|`s, where a comma does not separate list elements.
#[derive(Default)]
struct Level {
    angles: usize,
    closure: bool,
}

impl Level {
    /// Takes in the punctuation at `i`; returns whether it is a comma separating the
    /// elements of this level (not one of `Map<K, V>` or `|a, b|`).
    fn separates(&mut self, t: &Toks, i: usize) -> bool {
        match t.str(i) {
            "," => return self.angles == 0 && !self.closure,
            "<" => self.angles += 1,
            ">" => self.angles = self.angles.saturating_sub(1),
            "|" => match t.toks[i].role {
                Role::ClosureOpen => self.closure = true,
                Role::ClosureClose => self.closure = false,
                _ => {}
            },
            _ => {}
        }
        false
    }
}

struct Printer<'a> {
    t: &'a Toks,
    out: String,
    /// Where the current line starts in `out`.
    line_start: usize,
}

impl Printer<'_> {
    fn column(&self) -> usize {
        self.out.len() - self.line_start
    }

    fn newline(&mut self, indent: usize) {
        self.out.push('\n');
        self.line_start = self.out.len();
        for _ in 0..indent {
            self.out.push_str("    ");
        }
    }

    /// The statements (items, fields, arms) in `start..end`, one per line at `indent`.
    fn items(&mut self, start: usize, end: usize, indent: usize) {
        let mut i = start;
        while i < end {
            let next = self.statement_end(i, end);
            if i > start || self.out.ends_with('{') {
                self.newline(indent);
            } else {
                for _ in 0..indent {
                    self.out.push_str("    ");
                }
            }
            self.statement(i, next, indent);
            i = next;
        }
        if end > start && !self.out.ends_with('\n') && indent == 0 {
            self.out.push('\n');
            self.line_start = self.out.len();
        }
    }

    /// Where the statement starting at `i` ends: after an attribute, a `;`, a `,` (of a
    /// field list or a match), or a block that nothing continues.
    fn statement_end(&self, mut i: usize, end: usize) -> usize {
        let t = self.t;
        if t.is(i, "#") {
            let open = if i + 1 < end && t.is(i + 1, "!") {
                i + 2
            } else {
                i + 1
            };
            if open < end && t.toks[open].kind == Kind::Open(Delimiter::Bracket) {
                return t.toks[open].pair as usize + 1;
            }
        }
        let mut level = Level::default();
        while i < end {
            let tok = &t.toks[i];
            match tok.kind {
                Kind::Open(Delimiter::Brace) => {
                    let close = tok.pair as usize;
                    let continued = close + 1 < end
                        && matches!(
                            t.str(close + 1),
                            "." | "?" | "," | ";" | "=>" | "|" | ".." | "as" | "else"
                        );
                    if !continued {
                        return close + 1;
                    }
                    i = close + 1;
                    continue;
                }
                Kind::Open(_) => {
                    i = tok.pair as usize + 1;
                    continue;
                }
                Kind::Punct if t.str(i) == ";" || level.separates(t, i) => return i + 1,
                _ => {}
            }
            i += 1;
        }
        end
    }

    /// One statement: a doc comment, an attribute, or a line that may be broken.
    fn statement(&mut self, start: usize, end: usize, indent: usize) {
        if self.doc_comment(start, end) {
            return;
        }
        if self.t.is(start, "#") {
            self.inline(start, end, indent, false, false);
            return;
        }
        // The body of an item (`struct`, `fn`, `impl`…) is a block even when it is short.
        let mut item = false;
        let mut i = start;
        while i < end {
            match self.t.toks[i].kind {
                Kind::Ident if ITEM_KEYWORDS.contains(&self.t.str(i)) => {
                    item = true;
                    break;
                }
                Kind::Ident if matches!(self.t.str(i), "pub" | "async" | "unsafe" | "const") => {}
                Kind::Open(Delimiter::Parenthesis) if i > start && self.t.is(i - 1, "pub") => {
                    i = self.t.toks[i].pair as usize;
                }
                _ => break,
            }
            i += 1;
        }
        self.line(start, end, indent, item);
    }

    /// Prints `/// text` (or `//! text`) if `start..end` is a doc attribute whose text a
    /// line comment can hold.
    fn doc_comment(&mut self, start: usize, end: usize) -> bool {
        let t = self.t;
        let inner = t.is(start, "#") && start + 1 < end && t.is(start + 1, "!");
        let open = start + 1 + usize::from(inner);
        if end - start != open - start + 5
            || !t.is(start, "#")
            || t.toks[open].kind != Kind::Open(Delimiter::Bracket)
            || !t.is(open + 1, "doc")
            || !t.is(open + 2, "=")
            || t.toks[open + 3].kind != Kind::Literal
        {
            return false;
        }
        let Some(value) = string_value(t.str(open + 3)) else {
            return false;
        };
        if value.contains(['\n', '\r']) || (!inner && value.starts_with('/')) {
            return false;
        }
        self.out.push_str(if inner { "//!" } else { "///" });
        self.out.push_str(&value);
        true
    }

    /// Prints `start..end` from the current column, broken over lines if it does not fit.
    /// `item`: its braces at this level are item bodies (always blocks).
    fn line(&mut self, start: usize, end: usize, indent: usize, item: bool) {
        if start >= end {
            return;
        }
        let before = self.out.len();
        if self.inline(start, end, indent, item, true) {
            return;
        }
        self.out.truncate(before);
        let chain = self.chain_points(start, end);
        // A chain needs something before its first call; each part printed below is then
        // shorter than this line, so breaking always ends.
        if chain.len() >= 2 && chain[0] > start {
            self.line(start, chain[0], indent, item);
            for (k, &point) in chain.iter().enumerate() {
                let stop = chain.get(k + 1).copied().unwrap_or(end);
                self.newline(indent + 1);
                self.line(point, stop, indent + 1, item);
            }
            return;
        }
        let Some(group) = self.breakable_group(start, end, item) else {
            self.inline(start, end, indent, item, false);
            return;
        };
        let close = self.t.toks[group].pair as usize;
        if group > start {
            self.line(start, group, indent, item);
            if self.t.toks[group].space {
                self.out.push(' ');
            }
        }
        if self.t.toks[group].kind == Kind::Open(Delimiter::Brace) {
            self.out.push('{');
            self.items(group + 1, close, indent + 1);
            // One field per line, each with its comma, except after `..base` and in a
            // block (`{ expr }`, one element without a comma).
            let elements = self.elements(group + 1, close);
            let last = elements.last().map_or(group, |e| e.0);
            if elements.len() > 1 && !self.t.is(close - 1, ",") && !self.t.is(last, "..") {
                self.out.push(',');
            }
            self.newline(indent);
            self.out.push('}');
        } else {
            self.broken_list(group, indent);
        }
        if close + 1 < end {
            if self.t.toks[close + 1].space {
                self.out.push(' ');
            }
            self.line(close + 1, end, indent, item);
        }
    }

    /// A parenthesized or bracketed list with one element per line; a single element
    /// that can itself be broken stays on the bracket's line instead (`Ok(Self {` … `})`).
    fn broken_list(&mut self, open: usize, indent: usize) {
        let t = self.t;
        let close = t.toks[open].pair as usize;
        let (left, right) = match t.toks[open].kind {
            Kind::Open(Delimiter::Bracket) => ('[', ']'),
            _ => ('(', ')'),
        };
        let elements = self.elements(open + 1, close);
        self.out.push(left);
        if let [(start, end)] = elements[..] {
            if self.breakable_group(start, end, false).is_some()
                || self.chain_points(start, end).len() >= 2
            {
                self.line(start, end, indent, false);
                self.out.push(right);
                return;
            }
        }
        // A trailing comma is only added where it cannot turn `(x)` into a tuple: in a
        // call, a parameter list or a bracketed list.
        let trailing =
            elements.len() > 1 || left == '[' || (open > 0 && t.toks[open - 1].kind == Kind::Ident);
        for &(start, end) in &elements {
            self.newline(indent + 1);
            self.line(start, end, indent + 1, false);
            if trailing && !t.is(end - 1, ",") {
                self.out.push(',');
            }
        }
        self.newline(indent);
        self.out.push(right);
    }

    /// The comma-separated elements of `start..end` (each with its comma).
    fn elements(&self, start: usize, end: usize) -> Vec<(usize, usize)> {
        let mut out = Vec::new();
        let mut i = start;
        while i < end {
            let next = self.element_end(i, end);
            out.push((i, next));
            i = next;
        }
        out
    }

    /// Where the list element starting at `i` ends (after its comma).
    fn element_end(&self, mut i: usize, end: usize) -> usize {
        let t = self.t;
        let mut level = Level::default();
        while i < end {
            let tok = &t.toks[i];
            match tok.kind {
                Kind::Open(_) => {
                    i = tok.pair as usize + 1;
                    continue;
                }
                Kind::Punct if level.separates(t, i) => return i + 1,
                _ => {}
            }
            i += 1;
        }
        end
    }

    /// The `.` of each method call (or `.await`) of a method chain at the top level of
    /// `start..end`; field accesses stay with what precedes them.
    fn chain_points(&self, start: usize, end: usize) -> Vec<usize> {
        let t = self.t;
        let mut points = Vec::new();
        let mut i = start;
        while i < end {
            let tok = &t.toks[i];
            match tok.kind {
                Kind::Open(Delimiter::Brace) if tok.block => break,
                Kind::Open(_) => {
                    i = tok.pair as usize + 1;
                    continue;
                }
                Kind::Punct if t.str(i) == "." && i + 1 < end => {
                    let mut j = i + 2;
                    if j + 1 < end && t.is(j, "::") {
                        // A turbofish: `.f::<T>(…)`.
                        let mut angles = 0usize;
                        j += 1;
                        while j < end {
                            match t.str(j) {
                                "<" => angles += 1,
                                ">" => {
                                    angles = angles.saturating_sub(1);
                                    if angles == 0 {
                                        j += 1;
                                        break;
                                    }
                                }
                                _ => {}
                            }
                            j += 1;
                        }
                    }
                    let call = j < end && t.toks[j].kind == Kind::Open(Delimiter::Parenthesis);
                    if call || t.is(i + 1, "await") {
                        points.push(i);
                    }
                }
                _ => {}
            }
            i += 1;
        }
        points
    }

    /// The group to break a too-long line at: the last non-empty bracketed group at the
    /// top level of `start..end`, before any block, that is not an attribute.
    fn breakable_group(&self, start: usize, end: usize, item: bool) -> Option<usize> {
        let t = self.t;
        let mut found = None;
        let mut i = start;
        while i < end {
            let tok = &t.toks[i];
            if let Kind::Open(delimiter) = tok.kind {
                let close = tok.pair as usize;
                let brace = delimiter == Delimiter::Brace;
                if brace && (tok.block || item) {
                    break;
                }
                let attribute = i > start && (t.is(i - 1, "#") || t.is(i - 1, "!") && brace);
                if close > i + 1 && !attribute {
                    found = Some(i);
                }
                i = close + 1;
                continue;
            }
            i += 1;
        }
        found
    }

    /// Prints `start..end` on the current line, blocks excepted (they always break). When
    /// `measure`, returns `false` as soon as the line is longer than [`WIDTH`], before any
    /// block: the caller then takes the text back and breaks the line.
    fn inline(
        &mut self,
        start: usize,
        end: usize,
        indent: usize,
        item: bool,
        mut measure: bool,
    ) -> bool {
        let t = self.t;
        let mut i = start;
        while i < end {
            // A trailing comma of a group printed on this line, not of a broken one.
            if t.toks[i].droppable && t.toks[i + 1].pair as usize >= start {
                i += 1;
                continue;
            }
            if i > start && t.toks[i].space {
                self.out.push(' ');
            }
            let tok = t.toks[i];
            match tok.kind {
                Kind::Open(delimiter) => {
                    let close = tok.pair as usize;
                    if delimiter == Delimiter::Brace && close > i + 1 && (tok.block || item) {
                        // The line up to a block is what has to fit.
                        if measure && self.column() >= WIDTH {
                            return false;
                        }
                        measure = false;
                        self.out.push('{');
                        self.items(i + 1, close, indent + 1);
                        self.newline(indent);
                        self.out.push('}');
                        i = close + 1;
                        continue;
                    }
                    self.out.push(match delimiter {
                        Delimiter::Parenthesis => '(',
                        Delimiter::Bracket => '[',
                        _ => '{',
                    });
                }
                Kind::Close(delimiter) => {
                    self.out.push(match delimiter {
                        Delimiter::Parenthesis => ')',
                        Delimiter::Bracket => ']',
                        _ => '}',
                    });
                }
                _ => self.out.push_str(t.str(i)),
            }
            if measure && self.column() > WIDTH {
                return false;
            }
            i += 1;
        }
        true
    }
}

/// The value of a string literal (cooked or raw), or `None` for any other literal or an
/// escape this does not know.
fn string_value(literal: &str) -> Option<Cow<'_, str>> {
    if let Some(raw) = literal.strip_prefix('r') {
        let hashes = raw.bytes().take_while(|&b| b == b'#').count();
        let body = raw.get(hashes..)?;
        let inner = body
            .strip_prefix('"')?
            .get(..body.len().checked_sub(2 + hashes)?)?;
        return Some(Cow::Borrowed(inner));
    }
    let inner = literal.strip_prefix('"')?.strip_suffix('"')?;
    if !inner.contains('\\') {
        return Some(Cow::Borrowed(inner));
    }
    let mut out = String::with_capacity(inner.len());
    let mut chars = inner.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let hex: String = chars.by_ref().take_while(|&c| c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            _ => return None,
        }
    }
    Some(Cow::Owned(out))
}

/// Checks that `printed`, read back by the lexer, gives the tokens of `original`: the
/// same texts (string literals compared by value, so a doc attribute may come back as a
/// doc comment) and no two punctuation marks joined into a different operator.
#[cfg(any(test, debug_assertions))]
pub fn check_same_tokens(original: &TokenStream, printed: &str) -> Result<(), String> {
    let reread: TokenStream = printed
        .parse()
        .map_err(|e| format!("the printed text does not lex: {e}"))?;
    let (mut a, mut b) = (Vec::new(), Vec::new());
    flatten(original.clone(), &mut a);
    flatten(reread, &mut b);
    let position = a.iter().zip(&b).position(|(x, y)| x != y);
    match position {
        None if a.len() == b.len() => Ok(()),
        at => {
            let at = at.unwrap_or(a.len().min(b.len()));
            let context = |v: &[(String, bool)]| {
                v[at.saturating_sub(8)..(at + 8).min(v.len())]
                    .iter()
                    .map(|(s, _)| s.as_str())
                    .collect::<Vec<_>>()
                    .join(" ")
            };
            Err(format!(
                "token {at} differs: generated `{}`, printed `{}`",
                context(&a),
                context(&b)
            ))
        }
    }
}

/// Token texts in order, with brackets as their characters; each punctuation mark says
/// whether it is joined to the next into an operator. Returns the number of commas at
/// the stream's own level.
///
/// A comma before a closing bracket is left out where it changes nothing, as the printer
/// adds one to the lists it breaks over lines: in a list of several elements, a bracketed
/// list, or the arguments of a call (or parameters of a function). A lone `(x,)` stays
/// different from `(x)`, and `{ x, }` from the block `{ x }`.
#[cfg(any(test, debug_assertions))]
fn flatten(stream: TokenStream, out: &mut Vec<(String, bool)>) -> usize {
    let mut commas = 0;
    let mut iter = stream.into_iter().peekable();
    while let Some(tree) = iter.next() {
        match tree {
            TokenTree::Group(group) => {
                let delimiter = group.delimiter();
                let (open, close) = match delimiter {
                    Delimiter::Parenthesis => ("(", ")"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::None => ("", ""),
                };
                if open.is_empty() {
                    commas += flatten(group.stream(), out);
                    continue;
                }
                let call = out.last().is_some_and(|(last, _)| {
                    last == ">"
                        || last.starts_with(|c: char| c.is_alphabetic() || c == '_')
                            && !SPACED_KEYWORDS.contains(&last.as_str())
                });
                out.push((open.to_owned(), false));
                let inner = flatten(group.stream(), out);
                let list = inner >= 2
                    || delimiter == Delimiter::Bracket
                    || delimiter == Delimiter::Parenthesis && call;
                if list && out.last().is_some_and(|(last, _)| last == ",") {
                    out.pop();
                }
                out.push((close.to_owned(), false));
            }
            TokenTree::Ident(ident) => out.push((ident.to_string(), false)),
            TokenTree::Punct(punct) => {
                let c = punct.as_char();
                commas += usize::from(c == ',');
                let joined = punct.spacing() == Spacing::Joint
                    && match iter.peek() {
                        Some(TokenTree::Punct(next)) => {
                            let pair: String = [c, next.as_char()].into_iter().collect();
                            OPERATORS.contains(&pair.as_str())
                        }
                        _ => false,
                    };
                out.push((c.to_string(), joined));
            }
            TokenTree::Literal(literal) => {
                let text = literal.to_string();
                if let Some(value) = string_value(&text) {
                    out.push((format!("{value:?}"), false));
                } else if let Some(number) = text.strip_prefix('-') {
                    out.push(("-".to_owned(), false));
                    out.push((number.to_owned(), false));
                } else {
                    out.push((text, false));
                }
            }
        }
    }
    commas
}

#[cfg(test)]
mod tests {
    use quote::quote;

    use super::*;

    fn print(tokens: TokenStream) -> String {
        let printed = file(tokens.clone());
        check_same_tokens(&tokens, &printed).unwrap();
        printed
    }

    #[test]
    fn items_fields_and_docs() {
        let printed = print(quote! {
            #![doc = " Module."]
            #[doc = " A thing."]
            #[derive(Debug, Clone)]
            pub struct Thing {
                #[doc = r#" With "quotes"."#]
                pub a: std::collections::BTreeMap<String, Vec<u8>>,
                b: Option<&'static str>,
            }
            pub struct Unit;
        });
        assert_eq!(
            printed,
            "//! Module.\n/// A thing.\n#[derive(Debug, Clone)]\npub struct Thing {\n    /// With \"quotes\".\n    pub a: std::collections::BTreeMap<String, Vec<u8>>,\n    b: Option<&'static str>,\n}\npub struct Unit;\n"
        );
    }

    #[test]
    fn functions_closures_and_matches() {
        let printed = print(quote! {
            impl<'de> serde::Deserialize<'de> for X {
                fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                    let value = <std::borrow::Cow<'de, str> as serde::Deserialize<'de>>::deserialize(d)?;
                    match value.as_ref() {
                        "a" | "b" => Ok(Self::A),
                        other => map.next_value().map(|value| { rest.insert(other.to_owned(), value); }),
                    }
                }
            }
        });
        assert_eq!(
            printed,
            "impl<'de> serde::Deserialize<'de> for X {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = <std::borrow::Cow<'de, str> as serde::Deserialize<'de>>::deserialize(d)?;
        match value.as_ref() {
            \"a\" | \"b\" => Ok(Self::A),
            other => map.next_value().map(|value| {
                rest.insert(other.to_owned(), value);
            }),
        }
    }
}
"
        );
    }

    #[test]
    fn long_chains_and_argument_lists_break() {
        let printed = print(quote! {
            fn f(&self, first_argument: impl Into<String>, second_argument: impl Into<String>, third: u8) -> Thing {
                let request = rt::Request::new(rt::Method::GET, "/v1/things/{uid}").path_param("uid", self.uid).query_opt("continue", self.continue_.as_ref());
                Ok(crate::models::Thing { first_field: f0, second_field: rt::required(f1, "second")?, third_field: f2 })
            }
        });
        assert_eq!(
            printed,
            "fn f(
    &self,
    first_argument: impl Into<String>,
    second_argument: impl Into<String>,
    third: u8,
) -> Thing {
    let request = rt::Request::new(rt::Method::GET, \"/v1/things/{uid}\")
        .path_param(\"uid\", self.uid)
        .query_opt(\"continue\", self.continue_.as_ref());
    Ok(crate::models::Thing {
        first_field: f0,
        second_field: rt::required(f1, \"second\")?,
        third_field: f2,
    })
}
"
        );
    }

    #[test]
    fn operators_keep_their_spacing() {
        let printed = print(quote! {
            fn g() {
                let a = &*x;
                let b = !flag && -1 < 2;
                let c = || async move { y.await };
                let d = 200..=299;
                let e: Vec<Vec<u8>> = vec![];
                for x in [1, 2] {}
                let f = Self { a, b };
            }
            pub use client::{Client, Error};
        });
        assert!(
            printed.contains("pub use client::{Client, Error};"),
            "{printed}"
        );
        assert!(printed.contains("let f = Self { a, b };"), "{printed}");
        assert!(printed.contains("let a = &*x;"), "{printed}");
        assert!(
            printed.contains("let c = || async move { y.await };"),
            "{printed}"
        );
        assert!(printed.contains("let d = 200..=299;"), "{printed}");
        assert!(
            printed.contains("let e: Vec<Vec<u8>> = vec![];"),
            "{printed}"
        );
        assert!(printed.contains("for x in [1, 2] {}"), "{printed}");
    }

    #[test]
    fn a_changed_token_is_reported() {
        let original = quote! { let a = b >= c; };
        let error = check_same_tokens(&original, "let a = b > = c;").unwrap_err();
        assert!(error.contains("differs"), "{error}");
        assert!(check_same_tokens(&original, "let a = b>=c;").is_ok());
        // A comma that makes a tuple, or ends a block's expression, is a change.
        let original = quote! { let a = (b); let c = { d }; };
        assert!(check_same_tokens(&original, "let a = (b,); let c = { d };").is_err());
        assert!(check_same_tokens(&original, "let a = (b); let c = { d, };").is_err());
        let original = quote! { f(a, b); };
        assert!(check_same_tokens(&original, "f(a, b,);").is_ok());
    }

    #[test]
    fn a_long_block_expression_gets_no_comma() {
        let printed = print(quote! {
            match self {
                Self::Lizard(value) => { cloudgen_runtime::codegen::serialize_tagged(serializer, "petType", "lizard", value) }
            }
        });
        assert!(printed.contains("value)\n    }\n}"), "{printed}");
    }

    #[test]
    fn string_values() {
        assert_eq!(
            string_value(r#""a\"b\n\u{1F600}""#).as_deref(),
            Some("a\"b\n\u{1F600}")
        );
        assert_eq!(
            string_value(r###"r#"x "y" z"#"###).as_deref(),
            Some("x \"y\" z")
        );
        assert_eq!(string_value("1u8"), None);
    }
}
