//! Turning a `$ref` string into the file it names (resolved against the file it appears
//! in) and the JSON pointer inside that file.

use std::borrow::Cow;

use percent_encoding::percent_decode_str;

/// A reference split into its target file (resolved) and its fragment (a decoded JSON
/// pointer, `""` for the whole file).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) struct Target {
    /// The file, resolved against the referring file; spelled like the main document's
    /// name (a relative or absolute path, or a URL).
    pub(crate) file: String,
    /// JSON pointer into that file.
    pub(crate) pointer: String,
}

/// Splits `reference` (as written in `base`) into a [`Target`]. A reference with no file
/// part (`#/…`) targets `base` itself.
pub(crate) fn target(base: &str, reference: &str) -> Result<Target, String> {
    let (file, fragment) = match reference.split_once('#') {
        Some((file, fragment)) => (file, fragment),
        None => (reference, ""),
    };
    let pointer = decode(fragment);
    if !pointer.is_empty() && !pointer.starts_with('/') {
        return Err(format!(
            "the fragment `#{fragment}` is not a JSON pointer (anchors are not supported)"
        ));
    }
    let file = if file.is_empty() {
        normalize(base)
    } else {
        join(base, file)?
    };
    Ok(Target {
        file,
        pointer: pointer.into_owned(),
    })
}

/// Whether `name` is a URL rather than a file path.
pub(crate) fn is_url(name: &str) -> bool {
    name.starts_with("http://") || name.starts_with("https://") || name.starts_with("file:")
}

/// `reference` resolved against the file `base` it appears in.
fn join(base: &str, reference: &str) -> Result<String, String> {
    if is_url(reference) {
        return Ok(reference.to_owned());
    }
    if is_url(base) {
        let base = url::Url::parse(base).map_err(|e| format!("`{base}` is not a URL: {e}"))?;
        return base
            .join(reference)
            .map(String::from)
            .map_err(|e| format!("`{reference}` does not resolve against `{base}`: {e}"));
    }
    let reference = decode(reference);
    if reference.starts_with('/') || reference.starts_with('\\') || has_drive(&reference) {
        return Ok(normalize(&reference));
    }
    let dir = match base.rfind(['/', '\\']) {
        Some(i) => &base[..=i],
        None => "",
    };
    Ok(normalize(&format!("{dir}{reference}")))
}

/// `C:\…` or `C:/…`.
fn has_drive(path: &str) -> bool {
    let b = path.as_bytes();
    b.len() > 2 && b[0].is_ascii_alphabetic() && b[1] == b':' && matches!(b[2], b'/' | b'\\')
}

/// A file path with `.` segments removed and `..` applied where a named segment precedes
/// it, so two spellings of one file compare equal. URLs are returned as they are (the
/// URL parser already did this).
pub(crate) fn normalize(path: &str) -> String {
    if is_url(path) {
        return path.to_owned();
    }
    let path = path.replace('\\', "/");
    let absolute = path.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for segment in path.split('/') {
        match segment {
            "" | "." => {}
            ".." if out.last().is_some_and(|s| *s != "..") => {
                out.pop();
            }
            ".." if absolute => {}
            other => out.push(other),
        }
    }
    let joined = out.join("/");
    if absolute {
        format!("/{joined}")
    } else {
        joined
    }
}

/// Percent-decoding, leaving invalid UTF-8 as it was written.
fn decode(text: &str) -> Cow<'_, str> {
    match percent_decode_str(text).decode_utf8() {
        Ok(decoded) => decoded,
        Err(_) => Cow::Borrowed(text),
    }
}

/// The last file-name part of `file` without its extension: `schemas/cluster.yaml` →
/// `cluster`.
pub(crate) fn stem(file: &str) -> &str {
    let name = file.rsplit(['/', '\\']).next().unwrap_or(file);
    let name = name.split(['?', '#']).next().unwrap_or(name);
    match name.rfind('.') {
        Some(i) if i > 0 => &name[..i],
        _ => name,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(base: &str, reference: &str) -> (String, String) {
        let t = target(base, reference).expect("resolves");
        (t.file, t.pointer)
    }

    #[test]
    fn relative_files_resolve_against_the_referring_file() {
        assert_eq!(
            t("specs/api/openapi.yaml", "./schemas/Pet.yaml"),
            ("specs/api/schemas/Pet.yaml".into(), String::new())
        );
        assert_eq!(
            t("specs/api/paths/pets.yaml", "../schemas/Pet.yaml#/Pet"),
            ("specs/api/schemas/Pet.yaml".into(), "/Pet".into())
        );
        assert_eq!(
            t("openapi.yaml", "#/components/schemas/A").0,
            "openapi.yaml"
        );
        assert_eq!(t("./openapi.yaml", "common.yaml").0, "common.yaml");
        assert_eq!(t("../up/openapi.yaml", "../x.yaml").0, "../x.yaml");
        assert_eq!(t("/abs/openapi.yaml", "/other/./x.json").0, "/other/x.json");
        assert_eq!(
            t("c\\api\\openapi.yaml", "defs\\a.yaml").0,
            "c/api/defs/a.yaml"
        );
    }

    #[test]
    fn fragments_and_file_names_are_percent_decoded() {
        assert_eq!(
            t(
                "a/openapi.yaml",
                "paths/users%20list.yaml#/paths/~1users~1%7Bid%7D"
            ),
            (
                "a/paths/users list.yaml".into(),
                "/paths/~1users~1{id}".into()
            )
        );
    }

    #[test]
    fn urls_resolve_as_urls() {
        assert_eq!(
            t(
                "https://example.com/api/openapi.yaml",
                "../common/errors.yaml#/Error"
            ),
            (
                "https://example.com/common/errors.yaml".into(),
                "/Error".into()
            )
        );
    }

    #[test]
    fn anchors_are_refused_with_a_reason() {
        let err = target("a.yaml", "b.yaml#Pet").expect_err("anchor");
        assert!(err.contains("not a JSON pointer"), "{err}");
    }

    #[test]
    fn stems() {
        assert_eq!(stem("a/b/cluster-spec.yaml"), "cluster-spec");
        assert_eq!(stem("Pet"), "Pet");
        assert_eq!(stem("https://x.io/e.json?v=1"), "e");
    }
}
