//! Turning response bodies into values: 2xx bodies into the expected type (with the
//! JSON path of any mismatch), non-2xx responses into the right [`Error`] variant.

use bytes::Bytes;
use http::{HeaderMap, StatusCode};
use serde::de::DeserializeOwned;

use crate::error::{ApiError, Error};
use crate::json_path;

/// Decodes a 2xx JSON body as `T`; a mismatch is [`Error::Decode`] with the JSON path.
///
/// `T` is decoded once, with plain `serde_json`; the path of a failure is found from its
/// position (see [`crate::json_path`]), so no second, path-tracking decoder is compiled
/// for every generated type (that doubled the `Deserialize` code of a generated crate).
pub(crate) fn decode_json<T: DeserializeOwned, E>(
    status: StatusCode,
    body: Bytes,
) -> Result<T, Error<E>> {
    serde_json::from_slice(&body).map_err(|source| decode_error(status, body.clone(), source, None))
}

/// Decodes a 2xx JSON body `{"data": T}` as `T`; the JSON path of a mismatch starts
/// with `data`.
///
/// The `data` member is located first without knowing `T` (a borrowed raw value), then
/// decoded as `T`: no envelope type is compiled per `T`.
pub(crate) fn decode_json_data<T: DeserializeOwned, E>(
    status: StatusCode,
    body: Bytes,
) -> Result<T, Error<E>> {
    #[derive(serde::Deserialize)]
    struct Envelope<'a> {
        #[serde(borrow)]
        data: &'a serde_json::value::RawValue,
    }
    let located = serde_json::from_slice::<Envelope<'_>>(&body).map(|envelope| {
        let raw = envelope.data.get();
        // Where the member starts in the body, to place a failure inside it.
        (raw.as_ptr() as usize - body.as_ptr() as usize, raw.len())
    });
    let (start, len) = match located {
        Ok(span) => span,
        Err(source) => return Err(decode_error(status, body, source, None)),
    };
    match serde_json::from_slice(&body[start..start + len]) {
        Ok(value) => Ok(value),
        Err(source) => {
            let at = start
                + json_path::offset_of(&body[start..start + len], source.line(), source.column());
            Err(decode_error(status, body, source, Some(at)))
        }
    }
}

/// [`Error::Decode`] for a failure at byte `at` of `body` (`None`: where the error's own
/// line and column say, counted from the start of `body`).
fn decode_error<E>(
    status: StatusCode,
    body: Bytes,
    source: serde_json::Error,
    at: Option<usize>,
) -> Error<E> {
    let at = at.unwrap_or_else(|| json_path::offset_of(&body, source.line(), source.column()));
    let missing_field = source.to_string().starts_with("missing field");
    let path = json_path::path_at(&body, at, missing_field);
    Error::Decode {
        status,
        path,
        source,
        body,
    }
}

/// A 2xx body as UTF-8 text; invalid UTF-8 is [`Error::Decode`].
pub(crate) fn decode_text<E>(status: StatusCode, body: Bytes) -> Result<String, Error<E>> {
    match String::from_utf8(body.to_vec()) {
        Ok(text) => Ok(text),
        Err(e) => Err(Error::Decode {
            status,
            path: ".".to_owned(),
            source: <serde_json::Error as serde::de::Error>::custom(format!(
                "the body is not UTF-8 text: {e}"
            )),
            body,
        }),
    }
}

/// Classifies a non-2xx response, decoding the vendor's envelope when the body is one.
pub(crate) fn status_error<E: DeserializeOwned>(
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
) -> Error<E> {
    // The raw body is always kept, so a body that is not an envelope loses nothing.
    let envelope = if body.is_empty() {
        None
    } else {
        serde_json::from_slice(&body).ok()
    };
    let api = Box::new(ApiError {
        status,
        headers,
        body,
        envelope,
    });
    match status {
        StatusCode::PRECONDITION_FAILED => Error::PreconditionFailed(api),
        StatusCode::PRECONDITION_REQUIRED => Error::PreconditionRequired(api),
        _ => Error::Api(api),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Item {
        #[allow(dead_code)]
        state: u32,
    }

    #[derive(Debug, serde::Deserialize)]
    struct List {
        #[serde(rename = "_items")]
        #[allow(dead_code)]
        items: Vec<Item>,
    }

    #[test]
    fn decode_reports_json_path_and_keeps_body() {
        let body = Bytes::from_static(br#"{"_items":[{"state":1},{"state":"x"}]}"#);
        match decode_json::<List, ()>(StatusCode::OK, body.clone()) {
            Err(Error::Decode {
                path,
                body: kept,
                status,
                ..
            }) => {
                assert_eq!(path, "_items[1].state");
                assert_eq!(kept, body);
                assert_eq!(status, StatusCode::OK);
            }
            other => panic!("unexpected {other:?}"),
        }
    }

    #[test]
    fn data_envelope_and_text() {
        let body = Bytes::from_static(br#"{"data":{"state":"x"}}"#);
        match decode_json_data::<Item, ()>(StatusCode::OK, body) {
            Err(Error::Decode { path, .. }) => assert_eq!(path, "data.state"),
            other => panic!("unexpected {other:?}"),
        }
        let v: Vec<u8> =
            decode_json_data::<_, ()>(StatusCode::OK, Bytes::from_static(br#"{"data":[1]}"#))
                .unwrap();
        assert_eq!(v, vec![1]);
        assert_eq!(
            decode_text::<()>(StatusCode::OK, Bytes::from_static(b"hi")).unwrap(),
            "hi"
        );
        assert!(decode_text::<()>(StatusCode::OK, Bytes::from_static(b"\xff")).is_err());
    }

    #[test]
    fn trailing_garbage_is_a_decode_error() {
        let r = decode_json::<Vec<u8>, ()>(StatusCode::OK, Bytes::from_static(b"[1] x"));
        assert!(matches!(r, Err(Error::Decode { .. })));
    }

    #[test]
    fn status_errors_are_classified() {
        let e = status_error::<serde_json::Value>(
            StatusCode::PRECONDITION_FAILED,
            HeaderMap::new(),
            Bytes::new(),
        );
        assert!(matches!(e, Error::PreconditionFailed(_)));
        let e = status_error::<serde_json::Value>(
            StatusCode::PRECONDITION_REQUIRED,
            HeaderMap::new(),
            Bytes::new(),
        );
        assert!(matches!(e, Error::PreconditionRequired(_)));
        let e = status_error::<serde_json::Value>(
            StatusCode::MOVED_PERMANENTLY,
            HeaderMap::new(),
            Bytes::from_static(b"{\"a\":1}"),
        );
        assert_eq!(e.envelope(), Some(&serde_json::json!({"a": 1})));
    }
}
