//! Value types that generated models use where plain Rust types can't say enough:
//! [`Nullable`], the tri-state of an optional property that may also be `null` (a PATCH body
//! must tell "leave it" from "clear it"); [`Base64`], bytes sent as a base64 string
//! (`format: byte`); the date and time types (`format: date-time` / `date`) and [`Uuid`];
//! and [`Rfc3339`], which writes a timestamp as a parameter value.
//!
//! Date and time come from `chrono`: it is what the rest of the ecosystem (sqlx, diesel,
//! progenitor, typify) exchanges, `DateTime<Utc>` is `Copy` and compares as an instant,
//! and its `FromStr` accepts every RFC 3339 offset a server may send.

use std::fmt;

use serde::de::{Deserialize, Deserializer};
use serde::ser::{Serialize, Serializer};

/// `format: date-time`: an instant, written as RFC 3339 (`2026-01-02T03:04:05Z`).
pub type DateTime = chrono::DateTime<chrono::Utc>;

/// `format: date`: a calendar date, written `2026-01-02`.
pub type Date = chrono::NaiveDate;

pub use uuid::Uuid;

/// An optional property that may also be `null`: absent (not sent), `null` (sent as
/// `null`, which clears the value on the server), or a value.
///
/// `Option<Option<T>>` can say the same, but `Some(None)` reads like a riddle; the three
/// names say what goes on the wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub enum Nullable<T> {
    /// Not in the object: a request leaves the server's value as it is.
    #[default]
    Absent,
    /// `null`.
    Null,
    /// A value.
    Value(T),
}

impl<T> Nullable<T> {
    /// Whether the property is absent (then it is not serialized).
    pub fn is_absent(&self) -> bool {
        matches!(self, Self::Absent)
    }

    /// Whether the property is `null`.
    pub fn is_null(&self) -> bool {
        matches!(self, Self::Null)
    }

    /// The value, if there is one (absent and `null` both give `None`).
    pub fn as_option(&self) -> Option<&T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// The value, if there is one.
    pub fn into_option(self) -> Option<T> {
        match self {
            Self::Value(value) => Some(value),
            Self::Absent | Self::Null => None,
        }
    }

    /// A reference to the value inside.
    pub fn as_ref(&self) -> Nullable<&T> {
        match self {
            Self::Absent => Nullable::Absent,
            Self::Null => Nullable::Null,
            Self::Value(value) => Nullable::Value(value),
        }
    }
}

impl<T> From<T> for Nullable<T> {
    fn from(value: T) -> Self {
        Self::Value(value)
    }
}

impl<T> From<Option<T>> for Nullable<T> {
    /// `None` is `null`: a caller passing an `Option` means to send it.
    fn from(value: Option<T>) -> Self {
        value.map_or(Self::Null, Self::Value)
    }
}

impl<T: Serialize> Serialize for Nullable<T> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            // Fields are skipped when absent; anywhere else absent and null are one.
            Self::Absent | Self::Null => serializer.serialize_none(),
            Self::Value(value) => serializer.serialize_some(value),
        }
    }
}

impl<'de, T: Deserialize<'de>> Deserialize<'de> for Nullable<T> {
    /// Present: `null` or a value. A missing property never reaches here; the struct
    /// leaves the field at its default, [`Nullable::Absent`].
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Ok(Option::<T>::deserialize(deserializer)?.into())
    }
}

/// Bytes carried in JSON as a base64 string (`format: byte`). Serialized with the
/// standard alphabet and padding; decoding also takes the URL-safe alphabet and missing
/// padding, which servers send too.
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Base64(pub Vec<u8>);

impl Base64 {
    /// The bytes.
    pub fn as_bytes(&self) -> &[u8] {
        &self.0
    }

    /// Decodes base64 text, in either alphabet, padded or not.
    pub fn decode(text: &str) -> Result<Self, base64::DecodeError> {
        use base64::Engine as _;
        use base64::engine::general_purpose::{STANDARD_NO_PAD, URL_SAFE_NO_PAD};
        let trimmed = text.trim_end_matches('=');
        STANDARD_NO_PAD
            .decode(trimmed)
            .or_else(|_| URL_SAFE_NO_PAD.decode(trimmed))
            .map(Self)
    }
}

impl fmt::Debug for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Base64({} bytes)", self.0.len())
    }
}

impl fmt::Display for Base64 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use base64::Engine as _;
        f.write_str(&base64::engine::general_purpose::STANDARD.encode(&self.0))
    }
}

impl From<Vec<u8>> for Base64 {
    fn from(bytes: Vec<u8>) -> Self {
        Self(bytes)
    }
}

impl From<&[u8]> for Base64 {
    fn from(bytes: &[u8]) -> Self {
        Self(bytes.to_vec())
    }
}

impl Serialize for Base64 {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for Base64 {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let text = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Self::decode(&text).map_err(|e| serde::de::Error::custom(format!("invalid base64: {e}")))
    }
}

/// Writes a [`DateTime`] as RFC 3339 (`2026-01-02T03:04:05Z`) where a parameter needs
/// text: `chrono`'s own `Display` writes `2026-01-02 03:04:05 UTC`, which no server parses.
#[derive(Debug, Clone, Copy)]
pub struct Rfc3339(pub DateTime);

impl fmt::Display for Rfc3339 {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Serialize, serde::Deserialize)]
    struct Patch {
        #[serde(default, skip_serializing_if = "Nullable::is_absent")]
        note: Nullable<String>,
    }

    #[test]
    fn nullable_tells_absent_null_and_value_apart_both_ways() {
        for (json, value) in [
            ("{}", Nullable::Absent),
            (r#"{"note":null}"#, Nullable::Null),
            (r#"{"note":"x"}"#, Nullable::Value("x".to_owned())),
        ] {
            let decoded: Patch = serde_json::from_str(json).unwrap();
            assert_eq!(decoded.note, value, "{json}");
            assert_eq!(serde_json::to_string(&decoded).unwrap(), json);
        }
        assert_eq!(Nullable::<u8>::from(None), Nullable::Null);
        assert_eq!(Nullable::from(3).into_option(), Some(3));
    }

    #[test]
    fn base64_round_trips_and_reads_both_alphabets_with_or_without_padding() {
        let bytes = Base64(vec![0xfb, 0xff, 0x00, b'a']);
        let json = serde_json::to_string(&bytes).unwrap();
        assert_eq!(json, r#""+/8AYQ==""#);
        assert_eq!(serde_json::from_str::<Base64>(&json).unwrap(), bytes);
        assert_eq!(
            serde_json::from_str::<Base64>(r#""-_8AYQ""#).unwrap(),
            bytes
        );
        let err = serde_json::from_str::<Base64>(r#""not base64!""#).unwrap_err();
        assert!(err.to_string().contains("invalid base64"), "{err}");
    }

    #[test]
    fn timestamps_are_rfc3339_on_the_wire_and_in_parameters() {
        let t: DateTime = serde_json::from_str(r#""2026-01-02T05:04:05.5+02:00""#).unwrap();
        assert_eq!(
            serde_json::to_string(&t).unwrap(),
            r#""2026-01-02T03:04:05.500Z""#
        );
        assert_eq!(Rfc3339(t).to_string(), "2026-01-02T03:04:05.500Z");
        let d: Date = serde_json::from_str(r#""2026-02-28""#).unwrap();
        assert_eq!(serde_json::to_string(&d).unwrap(), r#""2026-02-28""#);
    }
}
