//! Parameter values that OpenAPI serializes as one string: arrays joined by a delimiter
//! (`style: form, explode: false` → `a,b`; `spaceDelimited` → `a b`; `pipeDelimited` →
//! `a|b`; `simple` in paths and headers → `a,b`). Percent-encoding happens later, where
//! the value is placed (a path segment or the query string).

use std::fmt::{self, Display};

/// Displays `values` joined by `delimiter`.
#[derive(Debug, Clone, Copy)]
pub struct Delimited<'a, T>(pub &'a [T], pub &'static str);

impl<T: Display> Display for Delimited<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, value) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(self.1)?;
            }
            value.fmt(f)?;
        }
        Ok(())
    }
}

/// How an object query parameter is written (OpenAPI `style` + `explode`), for
/// `{"a": 1, "b": "x"}` named `f`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectStyle {
    /// `form`, `explode: true` (the default): `a=1&b=x`.
    FormExploded,
    /// `form`, `explode: false`: `f=a,1,b,x`.
    Form,
    /// `deepObject`: `f[a]=1&f[b]=x`.
    DeepObject,
    /// `spaceDelimited`: `f=a 1 b x`.
    SpaceDelimited,
    /// `pipeDelimited`: `f=a|1|b|x`.
    PipeDelimited,
}

/// Where a parameter written as one string goes: an object in `simple` style (paths and
/// headers) or unexploded `form` (cookies, the query), or a parameter declared with
/// `content: application/json` (its JSON text, anywhere).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectPlace {
    /// A path segment.
    Path,
    /// The query, as one value.
    Query,
    /// A header.
    Header,
    /// A cookie.
    Cookie,
}

/// The one-string form of an object parameter: `a=1,b=x` exploded, else `a,1,b,x`
/// (arrays comma-joined); `null` properties left out. A parameter whose type is a union
/// may hold a scalar (written as it is) or an array of scalars (comma-joined) instead.
pub(crate) fn object_text(
    name: &str,
    value: &serde_json::Value,
    exploded: bool,
) -> Result<String, String> {
    let map = match value {
        serde_json::Value::Object(map) => map,
        serde_json::Value::Array(items) => {
            return Ok(items
                .iter()
                .map(|item| scalar(name, "[]", item))
                .collect::<Result<Vec<_>, _>>()?
                .join(","));
        }
        other => return scalar(name, "", other),
    };
    let mut parts = Vec::new();
    // Name order whether or not serde_json keeps insertion order (a feature another
    // crate in the build may turn on).
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (key, value) in entries {
        let text = match value {
            serde_json::Value::Null => continue,
            serde_json::Value::Array(items) => items
                .iter()
                .map(|item| scalar(name, key, item))
                .collect::<Result<Vec<_>, _>>()?
                .join(","),
            other => scalar(name, key, other)?,
        };
        if exploded {
            parts.push(format!("{key}={text}"));
        } else {
            parts.push(key.clone());
            parts.push(text);
        }
    }
    Ok(parts.join(","))
}

/// The query pairs of object parameter `name` in `style`: properties in name order, `null`s left out, array properties repeated (exploded styles) or comma-joined.
/// A property that is itself an object has no defined form and is an error.
///
/// A parameter whose type is a union may hold a scalar instead (`name=value`; nothing
/// for `null`) or an array of scalars, written as the style writes arrays: repeated
/// (`form` exploded), `name[]=a&name[]=b` (`deepObject`, as for Stripe's `expand`) or
/// joined with the style's delimiter.
pub(crate) fn object_pairs(
    name: &str,
    value: &serde_json::Value,
    style: ObjectStyle,
) -> Result<Vec<(String, String)>, String> {
    let map = match value {
        serde_json::Value::Object(map) => map,
        serde_json::Value::Null => return Ok(Vec::new()),
        serde_json::Value::Array(items) => {
            let values = items
                .iter()
                .map(|item| scalar(name, "[]", item))
                .collect::<Result<Vec<_>, _>>()?;
            return Ok(match style {
                ObjectStyle::FormExploded => {
                    values.into_iter().map(|v| (name.to_owned(), v)).collect()
                }
                ObjectStyle::DeepObject => {
                    let key = format!("{name}[]");
                    values.into_iter().map(|v| (key.clone(), v)).collect()
                }
                ObjectStyle::Form => vec![(name.to_owned(), values.join(","))],
                ObjectStyle::SpaceDelimited => vec![(name.to_owned(), values.join(" "))],
                ObjectStyle::PipeDelimited => vec![(name.to_owned(), values.join("|"))],
            });
        }
        other => return Ok(vec![(name.to_owned(), scalar(name, "", other)?)]),
    };
    let mut pairs = Vec::new();
    let mut joined = Vec::new();
    // Name order whether or not serde_json keeps insertion order (a feature another
    // crate in the build may turn on).
    let mut entries: Vec<_> = map.iter().collect();
    entries.sort_by(|a, b| a.0.cmp(b.0));
    for (key, value) in entries {
        let values: Vec<String> = match value {
            serde_json::Value::Null => continue,
            serde_json::Value::Array(items) => items
                .iter()
                .map(|item| scalar(name, key, item))
                .collect::<Result<_, _>>()?,
            other => vec![scalar(name, key, other)?],
        };
        match style {
            ObjectStyle::FormExploded => {
                pairs.extend(values.into_iter().map(|v| (key.clone(), v)));
            }
            ObjectStyle::DeepObject => {
                let key = format!("{name}[{key}]");
                pairs.extend(values.into_iter().map(|v| (key.clone(), v)));
            }
            ObjectStyle::Form | ObjectStyle::SpaceDelimited | ObjectStyle::PipeDelimited => {
                joined.push(key.clone());
                joined.push(values.join(","));
            }
        }
    }
    let delimiter = match style {
        ObjectStyle::SpaceDelimited => " ",
        ObjectStyle::PipeDelimited => "|",
        _ => ",",
    };
    if !joined.is_empty() {
        pairs.push((name.to_owned(), joined.join(delimiter)));
    }
    Ok(pairs)
}

fn scalar(name: &str, key: &str, value: &serde_json::Value) -> Result<String, String> {
    match value {
        serde_json::Value::String(s) => Ok(s.clone()),
        serde_json::Value::Bool(b) => Ok(b.to_string()),
        serde_json::Value::Number(n) => Ok(n.to_string()),
        serde_json::Value::Null => Ok(String::new()),
        _ if key.is_empty() => Err(format!(
            "parameter `{name}` holds a nested array, which no parameter style can write"
        )),
        _ if key == "[]" => Err(format!(
            "parameter `{name}`: an item is an object or array, which no parameter style \
             can write"
        )),
        _ => Err(format!(
            "query parameter `{name}`: property `{key}` is an object, which no query style \
             can write"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn objects_in_each_style() {
        let value = serde_json::json!({"state": "up", "ids": [1, 2], "gone": null, "ok": true});
        let pairs = |style| object_pairs("f", &value, style).unwrap();
        let owned = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect()
        };
        assert_eq!(
            pairs(ObjectStyle::FormExploded),
            owned(&[("ids", "1"), ("ids", "2"), ("ok", "true"), ("state", "up")])
        );
        assert_eq!(
            pairs(ObjectStyle::DeepObject),
            owned(&[
                ("f[ids]", "1"),
                ("f[ids]", "2"),
                ("f[ok]", "true"),
                ("f[state]", "up")
            ])
        );
        assert_eq!(
            pairs(ObjectStyle::Form),
            owned(&[("f", "ids,1,2,ok,true,state,up")])
        );
    }

    #[test]
    fn delimited_and_one_string_forms() {
        let value = serde_json::json!({"r": 100, "g": 200});
        assert_eq!(
            object_pairs("c", &value, ObjectStyle::PipeDelimited).unwrap(),
            vec![("c".to_owned(), "g|200|r|100".to_owned())]
        );
        assert_eq!(object_text("c", &value, false).unwrap(), "g,200,r,100");
        assert_eq!(object_text("c", &value, true).unwrap(), "g=200,r=100");
        assert!(object_text("c", &serde_json::json!({"a": {"b": 1}}), true).is_err());
    }

    #[test]
    fn nested_objects_and_non_objects_are_errors() {
        let nested = serde_json::json!({"a": {"b": 1}});
        let err = object_pairs("f", &nested, ObjectStyle::DeepObject).unwrap_err();
        assert!(err.contains("`a`"), "{err}");
        let err = object_pairs("f", &serde_json::json!([{"a": 1}]), ObjectStyle::Form).unwrap_err();
        assert!(err.contains("an item is an object"), "{err}");
        assert!(object_text("f", &serde_json::json!([[1]]), false).is_err());
    }

    #[test]
    fn a_union_holding_a_scalar_or_an_array_is_written_as_that() {
        let owned = |v: &[(&str, &str)]| -> Vec<(String, String)> {
            v.iter()
                .map(|(a, b)| ((*a).to_owned(), (*b).to_owned()))
                .collect()
        };
        let number = serde_json::json!(1767323045);
        for style in [
            ObjectStyle::FormExploded,
            ObjectStyle::DeepObject,
            ObjectStyle::Form,
        ] {
            assert_eq!(
                object_pairs("created", &number, style).unwrap(),
                owned(&[("created", "1767323045")])
            );
        }
        assert_eq!(
            object_pairs("created", &serde_json::Value::Null, ObjectStyle::DeepObject).unwrap(),
            owned(&[])
        );
        let list = serde_json::json!(["a", 2]);
        assert_eq!(
            object_pairs("c", &list, ObjectStyle::FormExploded).unwrap(),
            owned(&[("c", "a"), ("c", "2")])
        );
        assert_eq!(
            object_pairs("c", &list, ObjectStyle::DeepObject).unwrap(),
            owned(&[("c[]", "a"), ("c[]", "2")])
        );
        assert_eq!(
            object_pairs("c", &list, ObjectStyle::Form).unwrap(),
            owned(&[("c", "a,2")])
        );
        assert_eq!(
            object_pairs("c", &list, ObjectStyle::PipeDelimited).unwrap(),
            owned(&[("c", "a|2")])
        );
        assert_eq!(object_text("c", &list, true).unwrap(), "a,2");
        assert_eq!(
            object_text("c", &serde_json::json!("x y"), false).unwrap(),
            "x y"
        );
    }

    #[test]
    fn joins_with_the_delimiter() {
        assert_eq!(Delimited(&["dev", "test"], ",").to_string(), "dev,test");
        assert_eq!(Delimited(&[1, 2, 3], "|").to_string(), "1|2|3");
        assert_eq!(Delimited::<u8>(&[], ",").to_string(), "");
    }
}
