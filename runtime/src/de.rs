//! Support for the `Deserialize` impls the generator writes for structs: one visitor
//! shared by every struct ([`object`], [`DecodeObject`]), an object key read without
//! allocating when the input allows it, and the helpers that store each property's value.
//!
//! The generated impls read an object's keys as [`FieldKey`] and match them against the
//! wire names directly, instead of serde's derive (a field-identifier enum with its own
//! visitor, plus a sequence visitor JSON never uses): about half the code per type for
//! the compiler to check, which is most of a large generated crate's build.

use std::borrow::Cow;
use std::fmt;

use serde::Serialize as _;
use serde::de::{Deserialize, Deserializer, MapAccess, Visitor};

/// An object key, borrowed from the input when possible.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldKey<'de>(Cow<'de, str>);

impl FieldKey<'_> {
    /// The key.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for FieldKey<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = FieldKey<'de>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an object key")
            }

            fn visit_borrowed_str<E: serde::de::Error>(
                self,
                v: &'de str,
            ) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Borrowed(v)))
            }

            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Owned(v.to_owned())))
            }

            fn visit_string<E: serde::de::Error>(self, v: String) -> Result<Self::Value, E> {
                Ok(FieldKey(Cow::Owned(v)))
            }
        }
        deserializer.deserialize_identifier(KeyVisitor)
    }
}

/// A struct the generated code decodes from a JSON object: [`object`] drives one
/// visitor, shared by every such struct, that hands the object's entries to
/// [`DecodeObject::visit_map`]. A visitor type per struct would be that much more code
/// for the compiler to check, per type.
pub trait DecodeObject<'de>: Sized {
    /// What serde's "invalid type" errors say was expected (`an object \`Cluster\``).
    const EXPECTING: &'static str;

    /// Decodes the struct from the object's entries.
    fn visit_map<A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// Decodes a [`DecodeObject`] struct from `deserializer`'s next value, an object.
pub fn object<'de, D: Deserializer<'de>, T: DecodeObject<'de>>(
    deserializer: D,
) -> Result<T, D::Error> {
    deserializer.deserialize_map(ObjectVisitor(std::marker::PhantomData))
}

struct ObjectVisitor<T>(std::marker::PhantomData<T>);

impl<'de, T: DecodeObject<'de>> Visitor<'de> for ObjectVisitor<T> {
    type Value = T;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(T::EXPECTING)
    }

    #[inline]
    fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
        T::visit_map(map)
    }
}

/// Reads a property's value into its slot (an `Option` or a `Nullable` field).
///
/// The generated `visit_map` matches a key to one of these calls and applies a single
/// `?` to whichever arm ran, instead of a `?` per field. Each `?` is an early return that
/// drops every field decoded so far, which made the compiler's work quadratic in the
/// number of fields: on a synthetic crate of 300 sixteen-field structs this form is
/// checked in about two thirds of the time. A function call, rather than
/// `map.next_value()` in each arm, also spares the compiler a method lookup per field.
pub fn read<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut T,
) -> Result<(), A::Error> {
    *slot = map.next_value()?;
    Ok(())
}

/// [`read`] for a required property, kept as `Some` until the object ends.
pub fn read_required<'de, A: MapAccess<'de>, T: Deserialize<'de>>(
    map: &mut A,
    slot: &mut Option<T>,
) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads and discards the value of a property the type does not declare.
pub fn skip_value<'de, A: MapAccess<'de>>(map: &mut A) -> Result<(), A::Error> {
    map.next_value::<serde::de::IgnoredAny>().map(|_| ())
}

/// The value of a required field, or serde's "missing field" error.
pub fn required<T, E: serde::de::Error>(value: Option<T>, name: &'static str) -> Result<T, E> {
    value.ok_or_else(|| E::missing_field(name))
}

/// Reads an object whose `property` says which variant of a `oneOf` with a
/// `discriminator` it is: (the property's value, the whole object, tag included).
/// The generated `Deserialize` then decodes the object as the variant the value names, or
/// keeps it as it is when the value is one this version does not know.
pub fn discriminated<'de, D: Deserializer<'de>>(
    deserializer: D,
    property: &'static str,
) -> Result<(String, serde_json::Value), D::Error> {
    use serde::de::Error as _;
    let object = serde_json::Map::<String, serde_json::Value>::deserialize(deserializer)?;
    let tag = match object.get(property) {
        Some(serde_json::Value::String(tag)) => tag.clone(),
        Some(other) => {
            return Err(D::Error::custom(format!(
                "discriminator `{property}` must be a string, not {other}"
            )));
        }
        None => return Err(D::Error::missing_field(property)),
    };
    Ok((tag, serde_json::Value::Object(object)))
}

/// Decodes the object of a [`discriminated`] value as the variant its tag names.
pub fn variant<T: serde::de::DeserializeOwned, E: serde::de::Error>(
    value: serde_json::Value,
    tag: &str,
) -> Result<T, E> {
    T::deserialize(value).map_err(|e| E::custom(format!("as the `{tag}` variant: {e}")))
}

/// Serializes a variant of a `oneOf` with a `discriminator` whose own type has no
/// property for the tag: the variant's fields plus `property: tag`.
pub fn serialize_tagged<S: serde::Serializer, T: serde::Serialize>(
    serializer: S,
    property: &str,
    tag: &str,
    value: &T,
) -> Result<S::Ok, S::Error> {
    use serde::ser::Error as _;
    let mut object = match serde_json::to_value(value).map_err(S::Error::custom)? {
        serde_json::Value::Object(object) => object,
        other => return other.serialize(serializer),
    };
    object.insert(
        property.to_owned(),
        serde_json::Value::String(tag.to_owned()),
    );
    object.serialize(serializer)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_borrow_when_they_can() {
        let key: FieldKey<'_> = serde_json::from_str("\"name\"").expect("a key");
        assert!(matches!(key.0, Cow::Borrowed("name")));
        let escaped: FieldKey<'_> = serde_json::from_str("\"na\\u006De\"").expect("a key");
        assert_eq!(escaped.as_str(), "name");
        let missing: Result<u8, serde_json::Error> = required(None, "uid");
        assert_eq!(
            missing.expect_err("missing").to_string(),
            "missing field `uid`"
        );
    }

    /// A struct decoded the way generated ones are.
    #[derive(Debug, PartialEq)]
    struct Thing {
        uid: String,
        size: Option<u32>,
    }

    impl<'de> DecodeObject<'de> for Thing {
        const EXPECTING: &'static str = "an object `Thing`";

        fn visit_map<A: MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
            let mut uid = None;
            let mut size = None;
            while let Some(key) = map.next_key::<FieldKey<'de>>()? {
                match key.as_str() {
                    "uid" => read_required(&mut map, &mut uid),
                    "size" => read(&mut map, &mut size),
                    _ => skip_value(&mut map),
                }?;
            }
            Ok(Thing {
                uid: required(uid, "uid")?,
                size,
            })
        }
    }

    fn decode(json: &str) -> Result<Thing, serde_json::Error> {
        object(&mut serde_json::Deserializer::from_str(json))
    }

    #[test]
    fn objects_decode_through_the_shared_visitor() {
        let thing = decode(r#"{"other": [1, {"a": null}], "uid": "u1", "size": 3}"#);
        assert_eq!(
            thing.expect("decodes"),
            Thing {
                uid: "u1".to_owned(),
                size: Some(3)
            }
        );
        let err = decode("[1]").expect_err("not an object");
        assert!(
            err.to_string()
                .starts_with("invalid type: sequence, expected an object `Thing`"),
            "{err}"
        );
        let err = decode(r#"{"size": "big"}"#).expect_err("wrong type");
        assert!(err.to_string().contains("expected u32"), "{err}");
        let err = decode(r#"{"size": 1}"#).expect_err("no uid");
        assert!(err.to_string().starts_with("missing field `uid`"), "{err}");
    }
}
