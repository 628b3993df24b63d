//! Path templates: substituting `{name}` placeholders with values percent-encoded as
//! exactly one path segment, and finding placeholders left unfilled.

use std::fmt::{self, Display, Write as _};

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Appends `value` to `out` percent-encoded as one path segment, or says why it cannot
/// be one. `value` is formatted straight into `out`: no copy of it is made.
///
/// `.` and `..` are refused: URL parsers (the WHATWG rules that `reqwest` follows)
/// treat them as dot segments even when percent-encoded as `%2E`, so the request path
/// would silently change shape.
fn write_segment(out: &mut String, name: &str, value: impl Display) -> Result<(), String> {
    let start = out.len();
    let mut writer = SegmentWriter {
        out,
        len: 0,
        dots: 0,
    };
    // Writing to a `String` cannot fail.
    let _ = write!(writer, "{value}");
    let (len, dots) = (writer.len, writer.dots);
    if len == 0 {
        return Err(format!("path parameter `{name}` is empty"));
    }
    if len <= 2 && dots == len {
        out.truncate(start);
        return Err(format!(
            "path parameter `{name}` is `{}`, which cannot be sent as a path segment \
             (URLs treat it as a relative path step, even percent-encoded)",
            ".".repeat(len)
        ));
    }
    Ok(())
}

/// Percent-encodes what is written into `out`, counting the bytes and the dots.
struct SegmentWriter<'a> {
    out: &'a mut String,
    len: usize,
    dots: usize,
}

impl fmt::Write for SegmentWriter<'_> {
    fn write_str(&mut self, s: &str) -> fmt::Result {
        self.len += s.len();
        self.dots += s.bytes().filter(|&b| b == b'.').count();
        self.out.extend(utf8_percent_encode(s, SEGMENT));
        Ok(())
    }
}

/// Replaces the placeholder `{name}` in `path` by the encoded `value`.
pub(crate) fn substitute(path: &mut String, name: &str, value: impl Display) -> Result<(), String> {
    let Some(start) = placeholder_at(path, name) else {
        return Err(format!(
            "path parameter `{name}` has no `{{{name}}}` in the path template"
        ));
    };
    let end = start + name.len() + 2;
    let mut filled = String::with_capacity(path.len() + 16);
    filled.push_str(&path[..start]);
    write_segment(&mut filled, name, value)?;
    filled.push_str(&path[end..]);
    *path = filled;
    Ok(())
}

/// Where `{name}` starts in `path`.
fn placeholder_at(path: &str, name: &str) -> Option<usize> {
    path.match_indices('{').map(|(i, _)| i).find(|&i| {
        path[i + 1..]
            .strip_prefix(name)
            .is_some_and(|rest| rest.starts_with('}'))
    })
}

/// The first placeholder left in `path`, if any. Encoded values never contain `{`.
pub(crate) fn unfilled_placeholder(path: &str) -> Option<&str> {
    let start = path.find('{')?;
    let rest = &path[start..];
    Some(rest.find('}').map_or(rest, |end| &rest[..=end]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn render(template: &str, value: &str) -> Result<String, String> {
        let mut path = template.to_owned();
        substitute(&mut path, "id", value)?;
        Ok(path)
    }

    #[test]
    fn values_become_one_segment() {
        let cases = [
            ("abc-1.2_x~", "abc-1.2_x~"),
            ("a/b?c#d", "a%2Fb%3Fc%23d"),
            ("100%", "100%25"),
            ("a b+c", "a%20b%2Bc"),
            ("é", "%C3%A9"),
            ("日本", "%E6%97%A5%E6%9C%AC"),
            ("{id}", "%7Bid%7D"),
            ("...", "..."),
            (".a", ".a"),
            ("%2E%2E", "%252E%252E"),
            ("a;b=c&d", "a%3Bb%3Dc%26d"),
        ];
        for (value, encoded) in cases {
            assert_eq!(
                render("/v1/x/{id}/y", value).unwrap(),
                format!("/v1/x/{encoded}/y"),
                "{value}"
            );
        }
    }

    #[test]
    fn dot_segments_and_empty_values_are_refused() {
        for value in [".", "..", ""] {
            let err = render("/v1/x/{id}", value).unwrap_err();
            assert!(err.contains("`id`"), "{err}");
        }
    }

    #[test]
    fn unknown_and_unfilled_placeholders() {
        let mut path = "/v1/{a}/{b}".to_owned();
        assert!(substitute(&mut path, "c", 1).unwrap_err().contains("{c}"));
        substitute(&mut path, "a", 42).unwrap();
        assert_eq!(path, "/v1/42/{b}");
        assert_eq!(unfilled_placeholder(&path), Some("{b}"));
        substitute(&mut path, "b", "{b}").unwrap();
        assert_eq!(unfilled_placeholder(&path), None);
        assert_eq!(path, "/v1/42/%7Bb%7D");
    }
}
