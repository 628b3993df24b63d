//! Doc text from the document, cleaned for rustdoc: no accidental intra-doc links
//! (`[x]`), no HTML-looking tags (`<id>`), bare URLs wrapped, no indented code blocks that
//! would become doctests, fenced code marked `text`.

use proc_macro2::TokenStream;
use quote::quote;

/// Cleans one block of spec text into rustdoc lines.
pub fn clean(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut in_fence = false;
    // Inside a list item: the width of its marker, by which a following line that is not
    // an item itself is indented. Indentation is trimmed below, and an unindented line
    // after an item is a lazy continuation, which renders the same but which clippy
    // flags (`doc_lazy_continuation`) in every crate that denies warnings.
    let mut list_indent: Option<usize> = None;
    for raw in text.lines() {
        // Tabs render at the whim of the viewer; clippy flags them (`tabs_in_doc_comments`).
        let detabbed;
        let raw = if raw.contains('\t') {
            detabbed = raw.replace('\t', "    ");
            detabbed.as_str()
        } else {
            raw
        };
        let line = raw.trim_end();
        let trimmed = line.trim_start();
        if trimmed.starts_with("```") {
            if in_fence {
                lines.push("```".to_owned());
            } else {
                lines.push("```text".to_owned());
            }
            in_fence = !in_fence;
            list_indent = None;
            continue;
        }
        if in_fence {
            lines.push(line.to_owned());
            continue;
        }
        // Leading indentation would make an indented code block (a doctest).
        let escaped = escape_line(trimmed);
        if escaped.is_empty() {
            list_indent = None;
        } else if let Some(width) = list_marker_width(&escaped) {
            list_indent = Some(width);
        } else if let Some(width) = list_indent {
            lines.push(format!("{:width$}{escaped}", ""));
            continue;
        }
        lines.push(escaped);
    }
    if in_fence {
        lines.push("```".to_owned());
    }
    while lines.last().is_some_and(|l| l.is_empty()) {
        lines.pop();
    }
    while lines.first().is_some_and(|l| l.is_empty()) {
        lines.remove(0);
    }
    lines
}

/// The width of a list item's marker (`- `, `+ `, `1. `, `2) `) at the start of `line`.
/// The spaces after the marker count, up to four (`-   item` is indented by four).
fn list_marker_width(line: &str) -> Option<usize> {
    let marker = if line.starts_with(['-', '+']) {
        1
    } else {
        let digits = line.bytes().take_while(u8::is_ascii_digit).count();
        let rest = &line[digits..];
        if digits == 0 || digits >= 10 || !rest.starts_with(['.', ')']) {
            return None;
        }
        digits + 1
    };
    let spaces = line[marker..].bytes().take_while(|b| *b == b' ').count();
    match spaces {
        0 => None,
        // Five or more: the item's text is an indented code block after one space.
        1..=4 => Some(marker + spaces),
        _ => Some(marker + 1),
    }
}

/// Escapes markdown that rustdoc would misread, and wraps bare URLs.
fn escape_line(line: &str) -> String {
    escape_with(line, true).unwrap_or_else(|| {
        // An unbalanced backtick (a code span the text broke across lines) would swallow
        // the rest of the doc comment: every backtick is literal, and what it seemed to
        // enclose is escaped like the rest (a URL there is wrapped, not left bare).
        escape_with(line, false).unwrap_or_default()
    })
}

/// [`escape_line`] with backticks opening code spans, or all literal; `None` when a code
/// span is left open.
fn escape_with(line: &str, code_spans: bool) -> Option<String> {
    let mut out = String::with_capacity(line.len() + 8);
    let mut in_code = false;
    let mut rest = line;
    while let Some(c) = rest.chars().next() {
        if c == '`' {
            if code_spans {
                in_code = !in_code;
                out.push(c);
            } else {
                out.push_str("\\`");
            }
            rest = &rest[1..];
            continue;
        }
        if !in_code && (rest.starts_with("https://") || rest.starts_with("http://")) {
            let end = rest
                .find(|ch: char| {
                    ch.is_whitespace() || matches!(ch, '<' | '>' | '"' | '`' | ')' | ']')
                })
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push('<');
            out.push_str(url);
            out.push('>');
            rest = &rest[url.len()..];
            continue;
        }
        if !in_code {
            match c {
                '[' | ']' | '*' | '_' | '#' | '|' => {
                    // `#` only matters at line start (headings) and `|` for tables; escaping
                    // them everywhere is harmless in rendered output.
                    out.push('\\');
                    out.push(c);
                }
                '<' => out.push_str("&lt;"),
                '>' => out.push_str("&gt;"),
                _ => out.push(c),
            }
        } else {
            out.push(c);
        }
        rest = &rest[c.len_utf8()..];
    }
    (!in_code).then_some(out)
}

/// `#[doc = "..."]` attributes for the given lines.
pub fn attrs(lines: &[String]) -> TokenStream {
    // An empty line is `///`, with no trailing space.
    let lines = lines.iter().map(|l| match l.is_empty() {
        true => doc_literal(""),
        false => doc_literal(&format!(" {l}")),
    });
    quote! { #( #[doc = #lines] )* }
}

/// The string literal of one doc line: a raw string (`r#"…"#`) unless the line holds a
/// line break. A cooked literal is escaped character by character when the tokens are
/// built and unescaped when printed; a raw one is copied both ways. The printed file is
/// the same: a doc attribute whose value holds no line break (and does not start with
/// `/`) is printed as a `///` comment of that value, however the literal was written.
fn doc_literal(text: &str) -> proc_macro2::Literal {
    if !text.contains(['\n', '\r']) {
        // Enough `#`s that no `"` of the text followed by them closes the literal.
        let mut hashes = 0;
        for (i, _) in text.match_indices('"') {
            let run = text[i + 1..].bytes().take_while(|&b| b == b'#').count();
            hashes = hashes.max(run + 1);
        }
        let fence = "#".repeat(hashes);
        if let Ok(literal) = format!("r{fence}\"{text}\"{fence}").parse() {
            return literal;
        }
    }
    proc_macro2::Literal::string(text)
}

/// Doc attributes for an optional description.
pub fn attrs_opt(text: Option<&str>) -> TokenStream {
    match text {
        Some(t) => attrs(&clean(t)),
        None => TokenStream::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_links_html_and_urls() {
        assert_eq!(
            clean("See [docs] at https://x.io/a. Use <id> here."),
            ["See \\[docs\\] at <https://x.io/a>. Use &lt;id&gt; here."]
        );
    }

    #[test]
    fn indented_lines_do_not_become_doctests() {
        assert_eq!(
            clean("Example:\n    let x = 1;"),
            ["Example:", "let x = 1;"]
        );
    }

    #[test]
    fn lines_after_a_list_item_are_indented_under_it() {
        // stackexchange.com: a list, then a sentence with no blank line before it.
        assert_eq!(
            clean(
                "Sorts:\n- activity - last_activity\n- votes - score\nactivity is the default.\n\nAfter."
            ),
            [
                "Sorts:",
                "- activity - last\\_activity",
                "- votes - score",
                "  activity is the default.",
                "",
                "After."
            ]
        );
        assert_eq!(
            clean("10. ten\n  wrapped\n```\nx\n```\nplain"),
            ["10. ten", "    wrapped", "```text", "x", "```", "plain"]
        );
    }

    #[test]
    fn a_wide_marker_indents_its_continuation_as_wide() {
        // unicourt.com: `-   item:` then a line for the item.
        assert_eq!(
            clean("-   fetchNew:\n> Updates.\n2)  two\nmore"),
            ["-   fetchNew:", "    &gt; Updates.", "2)  two", "    more"]
        );
        assert_eq!(clean("-x\nnot a list"), ["-x", "not a list"]);
    }

    #[test]
    fn tabs_become_spaces() {
        assert_eq!(
            clean("```\n\tindented\n```\na\tb"),
            ["```text", "    indented", "```", "a    b"]
        );
    }

    #[test]
    fn fences_are_marked_text_and_closed() {
        assert_eq!(clean("```\n{\"a\": 1}"), ["```text", "{\"a\": 1}", "```"]);
    }

    #[test]
    fn code_spans_are_left_alone() {
        assert_eq!(clean("the `_id` and `[x]`"), ["the `_id` and `[x]`"]);
        assert_eq!(clean("odd ` tick"), ["odd \\` tick"]);
    }

    #[test]
    fn a_code_span_broken_across_lines_leaves_no_bare_url() {
        // GitHub's search docs: a link whose code-span text wraps onto the next line.
        assert_eq!(
            clean("while [`amazing\nlanguage:go`](https://github.com/search?q=a) is."),
            [
                "while \\[\\`amazing",
                "language:go\\`\\](<https://github.com/search?q=a>) is."
            ]
        );
    }

    #[test]
    fn doc_literals_are_raw_strings_with_the_same_value() {
        for text in [
            " plain",
            " say \"hi\"",
            " a \"# b \"## c",
            " tab\there",
            " é ✓",
        ] {
            let literal = doc_literal(text);
            let parsed: syn::LitStr = syn::parse2(quote!(#literal)).expect("a string literal");
            assert_eq!(parsed.value(), text);
            assert!(literal.to_string().starts_with('r'), "{literal}");
        }
        let two_lines = doc_literal(" a\nb");
        assert_eq!(two_lines.to_string(), "\" a\\nb\"");
    }

    #[test]
    fn underscores_in_words_are_escaped() {
        assert_eq!(clean("max_results"), ["max\\_results"]);
    }
}
