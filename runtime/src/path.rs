//! Path templates: substituting `{name}` placeholders with values percent-encoded as
//! exactly one path segment, and finding placeholders left unfilled.

use std::fmt::Display;

use percent_encoding::{AsciiSet, NON_ALPHANUMERIC, utf8_percent_encode};

/// Everything except RFC 3986 unreserved characters (`A-Z a-z 0-9 - . _ ~`).
const SEGMENT: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~');

/// Encodes `value` as one path segment, or says why it cannot be one.
///
/// `.` and `..` are refused: URL parsers (the WHATWG rules that `reqwest` follows)
/// treat them as dot segments even when percent-encoded as `%2E`, so the request path
/// would silently change shape.
pub(crate) fn encode_segment(name: &str, value: &str) -> Result<String, String> {
    match value {
        "" => Err(format!("path parameter `{name}` is empty")),
        "." | ".." => Err(format!(
            "path parameter `{name}` is `{value}`, which cannot be sent as a path segment \
             (URLs treat it as a relative path step, even percent-encoded)"
        )),
        _ => Ok(utf8_percent_encode(value, SEGMENT).to_string()),
    }
}

/// Replaces the placeholder `{name}` in `path` by the encoded `value`.
pub(crate) fn substitute(path: &mut String, name: &str, value: impl Display) -> Result<(), String> {
    let placeholder = format!("{{{name}}}");
    let Some(start) = path.find(&placeholder) else {
        return Err(format!(
            "path parameter `{name}` has no `{placeholder}` in the path template"
        ));
    };
    let encoded = encode_segment(name, &value.to_string())?;
    path.replace_range(start..start + placeholder.len(), &encoded);
    Ok(())
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
