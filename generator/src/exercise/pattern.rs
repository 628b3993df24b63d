//! A short string matching a schema's `pattern` (an ECMA-262 regular expression, read
//! with `regex-syntax`, which accepts the common subset vendors write): literals as they
//! are, the first letter or digit a class allows, each repetition at its minimum (at
//! least once when the minimum is zero and the whole would otherwise be empty), the first
//! branch of an alternation. Anchors and look-arounds add nothing. A pattern the parser
//! rejects gives `None`, and the caller keeps its plain sample.

use regex_syntax::hir::{Class, Hir, HirKind};

/// Longest string built (a runaway `{1000}` is cut).
const MAX_LEN: usize = 256;

/// A string matching `pattern` (an unanchored pattern is satisfied by a string that
/// matches it whole).
pub fn sample(pattern: &str) -> Option<String> {
    let hir = regex_syntax::ParserBuilder::new()
        .unicode(true)
        .utf8(true)
        .build()
        .parse(pattern)
        .ok()?;
    let mut out = String::new();
    write(&hir, &mut out);
    Some(out)
}

fn write(hir: &Hir, out: &mut String) {
    if out.len() >= MAX_LEN {
        return;
    }
    match hir.kind() {
        HirKind::Empty | HirKind::Look(_) => {}
        HirKind::Literal(literal) => out.push_str(&String::from_utf8_lossy(&literal.0)),
        HirKind::Class(class) => {
            if let Some(c) = class_char(class) {
                out.push(c);
            }
        }
        HirKind::Repetition(repetition) => {
            // Zero repetitions would often leave a required part empty (`[a-z]*` as a
            // whole name): one is still within any `{0,n}` with n ≥ 1.
            let count = match repetition.max {
                Some(0) => 0,
                _ => repetition.min.max(1),
            };
            for _ in 0..count {
                write(&repetition.sub, out);
                if out.len() >= MAX_LEN {
                    break;
                }
            }
        }
        HirKind::Capture(capture) => write(&capture.sub, out),
        HirKind::Concat(parts) => parts.iter().for_each(|part| write(part, out)),
        HirKind::Alternation(branches) => {
            if let Some(first) = branches.first() {
                write(first, out);
            }
        }
    }
}

/// A readable member of the class: a letter or digit when there is one, else its first.
fn class_char(class: &Class) -> Option<char> {
    match class {
        Class::Unicode(class) => {
            let ranges = class.ranges();
            ranges
                .iter()
                .flat_map(|r| {
                    // Only the start of each range and a few after it: classes can be huge.
                    (r.start()..=r.end()).take(64)
                })
                .find(char::is_ascii_alphanumeric)
                .or_else(|| ranges.first().map(|r| r.start()))
        }
        Class::Bytes(class) => {
            let ranges = class.ranges();
            ranges
                .iter()
                .flat_map(|r| (r.start()..=r.end()).take(64))
                .find(u8::is_ascii_alphanumeric)
                .or_else(|| ranges.first().map(|r| r.start()))
                .map(char::from)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builds_strings_that_fit_common_patterns() {
        let arn = r"^arn:aws[a-z\-]*:resource-groups:[a-z0-9\-]+:[0-9]{12}:group/[a-zA-Z0-9\-_]+$";
        assert_eq!(
            sample(arn).as_deref(),
            Some("arn:awsa:resource-groups:0:000000000000:group/0")
        );
        assert_eq!(sample("^[A-Z]{2}-\\d{3}$").as_deref(), Some("AA-000"));
        assert_eq!(sample("^(foo|bar)+baz?$").as_deref(), Some("foobaz"));
        assert_eq!(sample("^x{0}y$").as_deref(), Some("y"));
        assert_eq!(sample("(unclosed"), None);
    }
}
