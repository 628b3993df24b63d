//! Support for the `Serialize` impls the generator writes for structs: [`Object`], which
//! writes an object one property at a time.
//!
//! The generated impl is one chained call per field (`.field`, `.optional`,
//! `.nullable`, `.entries`) ending in `.end()`. serde's derive writes, per field, a
//! length term, a branch, a call and a `?`: several times the code for the compiler to
//! check, per type, for the same JSON. An error is kept and returned by `end`, so the
//! generated function has no early returns at all.

use serde::Serialize;
use serde::ser::{SerializeMap, Serializer};

use crate::values::Nullable;

/// An object being written: the serializer's map, or the first error.
#[must_use = "an object is written only when `end` is called"]
pub struct Object<S: Serializer> {
    state: Result<S::SerializeMap, S::Error>,
}

impl<S: Serializer> std::fmt::Debug for Object<S> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Object")
            .field("failed", &self.state.is_err())
            .finish()
    }
}

impl<S: Serializer> Object<S> {
    /// Starts an object (a map of unknown length: properties may be skipped).
    pub fn begin(serializer: S) -> Self {
        Self {
            state: serializer.serialize_map(None),
        }
    }

    /// Writes `key: value`.
    pub fn field<V: Serialize + ?Sized>(mut self, key: &str, value: &V) -> Self {
        self.entry(key, value);
        self
    }

    /// Writes one entry unless an earlier one failed; keeps the first error.
    fn entry<K: Serialize + ?Sized, V: Serialize + ?Sized>(&mut self, key: &K, value: &V) {
        if let Ok(map) = &mut self.state {
            if let Err(error) = map.serialize_entry(key, value) {
                self.state = Err(error);
            }
        }
    }

    /// Writes `key: value` when `value` is `Some`; an absent property otherwise.
    pub fn optional<V: Serialize>(self, key: &str, value: &Option<V>) -> Self {
        match value {
            Some(value) => self.field(key, value),
            None => self,
        }
    }

    /// Writes `key: null` or `key: value`; nothing when the value is absent.
    pub fn nullable<V: Serialize>(self, key: &str, value: &Nullable<V>) -> Self {
        if value.is_absent() {
            self
        } else {
            self.field(key, value)
        }
    }

    /// Writes every entry of a map of extra properties beside the declared ones.
    pub fn entries<'a, K, V, I>(mut self, entries: I) -> Self
    where
        K: Serialize + 'a,
        V: Serialize + 'a,
        I: IntoIterator<Item = (&'a K, &'a V)>,
    {
        for (key, value) in entries {
            if self.state.is_err() {
                break;
            }
            self.entry(key, value);
        }
        self
    }

    /// Ends the object: the serializer's result, or the first error.
    pub fn end(self) -> Result<S::Ok, S::Error> {
        self.state?.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    struct Sample {
        name: String,
        note: Option<String>,
        cleared: Nullable<u8>,
        absent: Nullable<u8>,
        extra: BTreeMap<String, bool>,
    }

    impl Serialize for Sample {
        fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            Object::begin(serializer)
                .field("name", &self.name)
                .optional("note", &self.note)
                .nullable("cleared", &self.cleared)
                .nullable("absent", &self.absent)
                .entries(&self.extra)
                .end()
        }
    }

    #[test]
    fn writes_present_properties_in_order_and_skips_absent_ones() {
        let sample = Sample {
            name: "a".into(),
            note: None,
            cleared: Nullable::Null,
            absent: Nullable::Absent,
            extra: BTreeMap::from([("z".to_owned(), true)]),
        };
        assert_eq!(
            serde_json::to_string(&sample).expect("serializes"),
            r#"{"name":"a","cleared":null,"z":true}"#
        );
    }

    #[test]
    fn the_first_error_is_returned_by_end() {
        // Non-string keys are refused by serde_json's map serializer.
        let mut extra = BTreeMap::new();
        extra.insert(vec![1u8], 1u8);
        struct BadKeys(BTreeMap<Vec<u8>, u8>);
        impl Serialize for BadKeys {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                Object::begin(serializer)
                    .entries(&self.0)
                    .field("after", &1)
                    .end()
            }
        }
        let error = serde_json::to_string(&BadKeys(extra)).expect_err("a key that is not a string");
        assert!(
            error.to_string().contains("key must be a string"),
            "{error}"
        );
    }
}
