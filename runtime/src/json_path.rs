//! The JSON path (`_items[1].status.state`) of a byte position in a JSON document, for
//! decode errors.
//!
//! `serde_json` reports where decoding failed as a line and column. Rather than decode
//! the body a second time through a path-tracking deserializer (which would compile every
//! generated type's `Deserialize` twice, a large part of a generated crate's build), the
//! path is found by scanning the text up to that position. The scan is only run for a
//! body that failed to decode.

/// One open container on the way to the position.
enum Step {
    /// In an object: the last key read, and whether a key (not a value) comes next.
    Object {
        key: Option<String>,
        expecting_key: bool,
    },
    /// In an array: the index of the current element.
    Array { index: usize },
}

/// The byte offset of a 1-based `line` and `column` (as `serde_json` counts them).
pub(crate) fn offset_of(text: &[u8], line: usize, column: usize) -> usize {
    let mut offset = 0;
    for _ in 1..line {
        match text[offset..].iter().position(|b| *b == b'\n') {
            Some(newline) => offset += newline + 1,
            None => return text.len(),
        }
    }
    (offset + column.saturating_sub(1)).min(text.len())
}

/// The path of the value being read at byte `at`: `.` for the top level. With
/// `object_itself`, the path of the innermost object rather than of its last key (a
/// missing field is reported at the object's closing brace).
pub(crate) fn path_at(text: &[u8], at: usize, object_itself: bool) -> String {
    let mut stack: Vec<Step> = Vec::new();
    let mut i = 0;
    let end = at.min(text.len());
    while i < end {
        match text[i] {
            b'{' => stack.push(Step::Object {
                key: None,
                expecting_key: true,
            }),
            b'[' => stack.push(Step::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Step::Array { index }) => *index += 1,
                Some(Step::Object { expecting_key, .. }) => *expecting_key = true,
                None => {}
            },
            b':' => {
                if let Some(Step::Object { expecting_key, .. }) = stack.last_mut() {
                    *expecting_key = false;
                }
            }
            b'"' => {
                let (string, next) = read_string(text, i + 1);
                if let Some(Step::Object {
                    key,
                    expecting_key: true,
                }) = stack.last_mut()
                {
                    *key = Some(string);
                }
                i = next;
                continue;
            }
            _ => {}
        }
        i += 1;
    }
    if object_itself {
        if let Some(Step::Object { key, .. }) = stack.last_mut() {
            *key = None;
        }
    }
    render(&stack)
}

/// The string starting at `start` (just after its opening quote), unescaped enough for a
/// path, and the index after its closing quote.
fn read_string(text: &[u8], start: usize) -> (String, usize) {
    let mut bytes = Vec::new();
    let mut i = start;
    while i < text.len() {
        match text[i] {
            b'"' => return (String::from_utf8_lossy(&bytes).into_owned(), i + 1),
            b'\\' if i + 1 < text.len() => {
                bytes.push(match text[i + 1] {
                    b'n' => b'\n',
                    b't' => b'\t',
                    other => other,
                });
                i += 2;
            }
            other => {
                bytes.push(other);
                i += 1;
            }
        }
    }
    (String::from_utf8_lossy(&bytes).into_owned(), i)
}

fn render(stack: &[Step]) -> String {
    let mut path = String::new();
    for step in stack {
        match step {
            Step::Object { key: Some(key), .. } => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Step::Object { key: None, .. } => {}
            Step::Array { index } => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() {
        ".".to_owned()
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The path serde_json's own error position leads to, for a type mismatch.
    fn failing_path<T: serde::de::DeserializeOwned + std::fmt::Debug>(json: &str) -> String {
        let error = serde_json::from_str::<T>(json).expect_err("must fail");
        let missing = error.to_string().starts_with("missing field");
        path_at(
            json.as_bytes(),
            offset_of(json.as_bytes(), error.line(), error.column()),
            missing,
        )
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, reason = "only decoding matters")]
    struct Status {
        state: String,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, reason = "only decoding matters")]
    struct Item {
        name: String,
        status: Status,
    }

    #[derive(Debug, serde::Deserialize)]
    #[allow(dead_code, reason = "only decoding matters")]
    struct List {
        #[serde(rename = "_items")]
        items: Vec<Item>,
    }

    #[test]
    fn finds_the_path_of_a_mismatch() {
        let json = r#"{"_items":[{"name":"a","status":{"state":"OK"}},{"name":"b","status":{"state":7}}]}"#;
        assert_eq!(failing_path::<List>(json), "_items[1].status.state");
        let pretty = "{\n  \"_items\": [\n    {\"name\": \"a\", \"status\": {\"state\": \"x\"}},\n    {\"name\": 5}\n  ]\n}";
        assert_eq!(failing_path::<List>(pretty), "_items[1].name");
        let escaped = r#"{"_items":[{"name":"a \"q\" ,:[","status":{"state":false}}]}"#;
        assert_eq!(failing_path::<List>(escaped), "_items[0].status.state");
    }

    #[test]
    fn a_missing_field_points_at_its_object() {
        let json = r#"{"_items":[{"name":"a"}]}"#;
        assert_eq!(failing_path::<List>(json), "_items[0]");
        assert_eq!(failing_path::<List>("\"not an object\""), ".");
        assert_eq!(path_at(b"", 10, false), ".");
    }
}
