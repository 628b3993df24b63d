//! The one identifier sanitizer: turns any wire name (schema names, property names,
//! operationIds, enum values) into a valid, idiomatic Rust identifier, and resolves
//! collisions deterministically. The wire name is always kept separately by callers.

use std::collections::BTreeSet;

/// Words reserved in Rust 2015–2024 (strict and reserved keywords), plus `gen`.
const KEYWORDS: &[&str] = &[
    "abstract", "as", "async", "await", "become", "box", "break", "const", "continue", "crate",
    "do", "dyn", "else", "enum", "extern", "false", "final", "fn", "for", "gen", "if", "impl",
    "in", "let", "loop", "macro", "match", "mod", "move", "mut", "override", "priv", "pub", "ref",
    "return", "self", "Self", "static", "struct", "super", "trait", "true", "try", "type",
    "typeof", "union", "unsafe", "unsized", "use", "virtual", "where", "while", "yield",
];

/// Keywords that cannot be raw identifiers (`r#self` is invalid): they get a `_` suffix.
const NOT_RAW: &[&str] = &["self", "Self", "super", "crate", "_"];

/// Type names that would shadow prelude or std items used by generated code.
const RESERVED_TYPES: &[&str] = &[
    "Option",
    "Result",
    "Box",
    "String",
    "Vec",
    "Some",
    "None",
    "Ok",
    "Err",
    "Default",
    "Clone",
    "Debug",
    "Copy",
    "Send",
    "Sync",
    "Sized",
    "Drop",
    "Fn",
    "FnMut",
    "FnOnce",
    "From",
    "Into",
    "Iterator",
    "ToString",
    "ToOwned",
    "PartialEq",
    "Eq",
    "Ord",
    "PartialOrd",
    "Hash",
    "Self",
];

/// Splits a wire name into case words and hands each to `word`, in order. Every run of
/// characters that are not ASCII alphanumerics separates words, and so do two changes of
/// case: a lower-case letter (or the digits after one) followed by an upper-case letter
/// ends a word (`v1Api` → `v1`, `Api`), and an upper-case letter between another
/// upper-case one and a lower-case one starts a word (`HTTPServer` → `HTTP`, `Server`).
/// These are heck's rules (names generated before this function existed used heck, and
/// must not change; a property test compares the two), on ASCII only and without heck's
/// formatting machinery, which made naming a tenth of the generator's serial front end.
fn case_words(raw: &str, mut word: impl FnMut(&str)) {
    #[derive(Clone, Copy, PartialEq)]
    enum Case {
        /// No letter since the last boundary.
        None,
        Lower,
        Upper,
    }
    for part in raw.split(|c: char| !c.is_ascii_alphanumeric()) {
        let bytes = part.as_bytes();
        let mut start = 0;
        let mut case = Case::None;
        for (i, &c) in bytes.iter().enumerate() {
            let Some(&next) = bytes.get(i + 1) else {
                word(&part[start..]);
                break;
            };
            let with_c = if c.is_ascii_lowercase() {
                Case::Lower
            } else if c.is_ascii_uppercase() {
                Case::Upper
            } else {
                case
            };
            if with_c == Case::Lower && next.is_ascii_uppercase() {
                word(&part[start..=i]);
                start = i + 1;
                case = Case::None;
            } else if case == Case::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                word(&part[start..i]);
                start = i;
                case = Case::None;
            } else {
                case = with_c;
            }
        }
    }
}

/// `raw`'s case words in lower case, joined by `_`.
fn snake_words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 4);
    case_words(raw, |word| {
        if !out.is_empty() {
            out.push('_');
        }
        out.extend(word.bytes().map(|b| char::from(b.to_ascii_lowercase())));
    });
    out
}

/// `raw`'s case words each capitalized (the rest in lower case), joined.
fn camel_words(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    case_words(raw, |word| {
        let mut bytes = word.bytes();
        if let Some(first) = bytes.next() {
            out.push(char::from(first.to_ascii_uppercase()));
        }
        out.extend(bytes.map(|b| char::from(b.to_ascii_lowercase())));
    });
    out
}

/// Makes `name` start with a letter (or `_`): leading digits get a prefix.
fn fix_leading_digit(name: String, prefix: &str) -> String {
    match name.chars().next() {
        Some(c) if c.is_ascii_digit() => format!("{prefix}{name}"),
        _ => name,
    }
}

/// A `snake_case` identifier for a field, parameter, function or module.
/// Returns the identifier as it must be written (possibly `r#type`).
pub fn snake(raw: &str) -> String {
    let s = snake_words(raw);
    let s = if s.is_empty() { "value".to_owned() } else { s };
    let s = fix_leading_digit(s, "n");
    escape_keyword(s)
}

/// An `UpperCamelCase` identifier for a type or enum variant.
pub fn camel(raw: &str) -> String {
    let s = camel_words(raw);
    let s = if s.is_empty() { "Empty".to_owned() } else { s };
    let s = fix_leading_digit(s, "V");
    if RESERVED_TYPES.contains(&s.as_str()) {
        return format!("{s}Type");
    }
    escape_keyword(s)
}

/// Escapes keywords: raw identifier where Rust allows it, else a `_` suffix.
fn escape_keyword(s: String) -> String {
    if NOT_RAW.contains(&s.as_str()) {
        format!("{s}_")
    } else if KEYWORDS.contains(&s.as_str()) {
        format!("r#{s}")
    } else {
        s
    }
}

/// The identifier without a raw prefix, for building derived names
/// (`r#type` + `Builder` must become `TypeBuilder`, not `r#typeBuilder`).
pub fn unraw(ident: &str) -> &str {
    ident.strip_prefix("r#").unwrap_or(ident)
}

/// Hands out unique names within one namespace, deterministically: the first claimant of
/// a name keeps it; later ones get `2`, `3`, ... appended (`_2` for snake names).
#[derive(Debug, Default, Clone)]
pub struct Namespace {
    taken: BTreeSet<String>,
}

impl Namespace {
    /// An empty namespace.
    pub fn new() -> Self {
        Self::default()
    }

    /// A namespace in which `reserved` names are already taken.
    pub fn with_reserved<'a>(reserved: impl IntoIterator<Item = &'a str>) -> Self {
        Self {
            taken: reserved.into_iter().map(|s| unraw(s).to_owned()).collect(),
        }
    }

    /// Claims `wanted` or the first free numbered variant of it.
    pub fn claim(&mut self, wanted: &str) -> String {
        let base = unraw(wanted);
        if self.taken.insert(base.to_owned()) {
            return wanted.to_owned();
        }
        let sep = if base.ends_with('_') {
            ""
        } else if base.contains('_') || base.chars().all(|c| !c.is_uppercase()) {
            "_"
        } else {
            ""
        };
        let mut n = 2;
        loop {
            let candidate = format!("{base}{sep}{n}");
            if self.taken.insert(candidate.clone()) {
                return candidate;
            }
            n += 1;
        }
    }

    /// Whether `name` is taken.
    pub fn contains(&self, name: &str) -> bool {
        self.taken.contains(unraw(name))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// heck's conversion of what used to be fed to it: every run of non-ASCII-alphanumerics
    /// made one space.
    fn heck_input(raw: &str) -> String {
        raw.chars()
            .map(|c| if c.is_ascii_alphanumeric() { c } else { ' ' })
            .collect()
    }

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig::with_cases(4000))]

        /// Names must not change from the heck-based conversion they replace: any
        /// change would rename public items of every generated crate.
        #[test]
        fn case_words_match_heck(raw in "[a-zA-Z0-9 _.$é-]{0,24}") {
            use heck::{ToSnakeCase, ToUpperCamelCase};
            let heck_in = heck_input(&raw);
            proptest::prop_assert_eq!(snake_words(&raw), heck_in.to_snake_case());
            proptest::prop_assert_eq!(camel_words(&raw), heck_in.to_upper_camel_case());
        }
    }

    #[test]
    fn case_words_on_known_shapes() {
        for (raw, snake, camel) in [
            ("HTTPServer", "http_server", "HttpServer"),
            ("v1APIEndpoint", "v1_api_endpoint", "V1ApiEndpoint"),
            ("a1B", "a1_b", "A1B"),
            ("A1b", "a1b", "A1b"),
            ("ABc", "a_bc", "ABc"),
            (
                "x-rate_limit..Reset",
                "x_rate_limit_reset",
                "XRateLimitReset",
            ),
            ("  ", "", ""),
            ("été", "t", "T"),
        ] {
            assert_eq!(snake_words(raw), snake, "{raw}");
            assert_eq!(camel_words(raw), camel, "{raw}");
        }
    }

    #[test]
    fn snake_cases() {
        let table = [
            ("_id", "id"),
            ("_etag", "etag"),
            ("agentURL", "agent_url"),
            ("max_results", "max_results"),
            ("If-Match", "if_match"),
            ("type", "r#type"),
            ("self", "self_"),
            ("gen", "r#gen"),
            ("async", "r#async"),
            ("3d", "n3d"),
            ("", "value"),
            ("$regex", "regex"),
            ("get/v1/kubeclusters", "get_v1_kubeclusters"),
            ("v1.GcpAccountEntitySpec", "v1_gcp_account_entity_spec"),
            ("x-api-key", "x_api_key"),
        ];
        for (raw, want) in table {
            assert_eq!(snake(raw), want, "snake({raw:?})");
        }
    }

    #[test]
    fn camel_cases() {
        let table = [
            ("respone_metadata", "ResponeMetadata"),
            ("policy", "Policy"),
            ("Kubecluster__id", "KubeclusterId"),
            ("v1APIEndpoint", "V1ApiEndpoint"),
            ("v1ApiEndpoint", "V1ApiEndpoint"),
            ("ACTIVE", "Active"),
            ("active", "Active"),
            ("", "Empty"),
            ("1foo", "V1foo"),
            (">=", "Empty"),
            ("Result", "ResultType"),
            ("Option", "OptionType"),
            ("Self", "SelfType"),
        ];
        for (raw, want) in table {
            assert_eq!(camel(raw), want, "camel({raw:?})");
        }
    }

    #[test]
    fn namespace_resolves_collisions_in_order() {
        let mut ns = Namespace::new();
        assert_eq!(ns.claim("V1ApiEndpoint"), "V1ApiEndpoint");
        assert_eq!(ns.claim("V1ApiEndpoint"), "V1ApiEndpoint2");
        assert_eq!(ns.claim("V1ApiEndpoint"), "V1ApiEndpoint3");
        assert_eq!(ns.claim("status"), "status");
        assert_eq!(ns.claim("status"), "status_2");
        assert_eq!(ns.claim("r#type"), "r#type");
        assert_eq!(ns.claim("r#type"), "type_2");
        assert_eq!(ns.claim("self_"), "self_");
        assert_eq!(ns.claim("self_"), "self_2");
    }

    #[test]
    fn reserved_names_are_skipped() {
        let mut ns = Namespace::with_reserved(["client", "send"]);
        assert_eq!(ns.claim("send"), "send_2");
        assert_eq!(ns.claim("list"), "list");
    }
}
