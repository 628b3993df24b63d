//! Operations whose document declares different bodies for different 2xx statuses
//! (`200` with one schema, `201` with another, `204` with none): the generated crate
//! emits an enum with one variant per declared status, and decodes the body only once
//! the status is known.
//!
//! [`Answer`] is the undecoded 2xx answer handed to the enum's [`FromStatus`] impl; it
//! is also what the enum's `Other` variant keeps for a 2xx status the document does not
//! declare, so no data is lost.

use bytes::Bytes;
use http::StatusCode;
use serde::de::DeserializeOwned;

use crate::decode::{decode_json, decode_json_data};
use crate::error::Error;

/// A successful (2xx) answer whose body has not been decoded yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Answer {
    status: StatusCode,
    body: Bytes,
    unwrap_data: bool,
}

impl Answer {
    /// An answer from its parts; `unwrap_data` says whether JSON bodies arrive as
    /// `{"data": T}` (the vendor's envelope) and are decoded as `T`.
    pub fn new(status: StatusCode, body: Bytes, unwrap_data: bool) -> Self {
        Self {
            status,
            body,
            unwrap_data,
        }
    }

    /// The HTTP status.
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The raw body.
    pub fn body(&self) -> &Bytes {
        &self.body
    }

    /// The raw body, consuming the answer.
    pub fn into_bytes(self) -> Bytes {
        self.body
    }

    /// Decodes the body as JSON `T`; a mismatch is [`Error::Decode`] with the JSON path
    /// of the offending field.
    pub fn json<T: DeserializeOwned, E>(self) -> Result<T, Error<E>> {
        if self.unwrap_data {
            decode_json_data(self.status, self.body)
        } else {
            decode_json(self.status, self.body)
        }
    }
}

/// A success type chosen by status: implemented by the generated per-operation enums.
pub trait FromStatus: Sized {
    /// Decodes `answer` into the variant for its status.
    fn from_status<E>(answer: Answer) -> Result<Self, Error<E>>;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq, serde::Deserialize)]
    struct Item {
        id: u32,
    }

    #[test]
    fn json_decodes_plain_and_enveloped_bodies() {
        let plain = Answer::new(StatusCode::OK, Bytes::from_static(br#"{"id":7}"#), false);
        assert_eq!(plain.json::<Item, ()>().unwrap(), Item { id: 7 });
        let wrapped = Answer::new(
            StatusCode::CREATED,
            Bytes::from_static(br#"{"data":{"id":8}}"#),
            true,
        );
        assert_eq!(wrapped.status(), StatusCode::CREATED);
        assert_eq!(wrapped.json::<Item, ()>().unwrap(), Item { id: 8 });
    }

    #[test]
    fn a_mismatch_names_the_field_and_keeps_the_body() {
        let answer = Answer::new(
            StatusCode::OK,
            Bytes::from_static(br#"{"data":{"id":"x"}}"#),
            true,
        );
        match answer.json::<Item, ()>() {
            Err(Error::Decode { path, body, .. }) => {
                assert_eq!(path, "data.id");
                assert_eq!(&body[..], br#"{"data":{"id":"x"}}"#);
            }
            other => panic!("expected a decode error, got {other:?}"),
        }
    }
}
