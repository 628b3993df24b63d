//! Optimistic concurrency helpers on top of the ETag store: [`update_with`], a
//! read-modify-write loop that refetches and retries when the write answers 412, and
//! [`strip_fields`], which removes server-managed fields (CloudCasa's `_created`,
//! `_updated`, `_links`, `_etag`) from a body before it is sent back.

use std::future::Future;

use serde::Serialize;

use crate::error::Error;

/// Reads a resource with `fetch` (value and ETag), changes it with `modify`, writes
/// it with `write` (value and the ETag it was read with, to send as `If-Match`), and
/// on [`Error::PreconditionFailed`] (someone else wrote in between) starts again, at
/// most `max_attempts` times in all. The last 412 is returned when attempts run out;
/// any other error is returned at once.
///
/// Generated code wraps this per resource as `update_with(id, |resource| ...)`.
pub async fn update_with<T, R, E, Fetch, FetchFut, Modify, Write, WriteFut>(
    max_attempts: u32,
    mut fetch: Fetch,
    mut modify: Modify,
    mut write: Write,
) -> Result<R, Error<E>>
where
    Fetch: FnMut() -> FetchFut,
    FetchFut: Future<Output = Result<(T, Option<String>), Error<E>>>,
    Modify: FnMut(&mut T),
    Write: FnMut(T, Option<String>) -> WriteFut,
    WriteFut: Future<Output = Result<R, Error<E>>>,
{
    let mut attempt = 0;
    loop {
        attempt += 1;
        let (mut value, etag) = fetch().await?;
        modify(&mut value);
        match write(value, etag).await {
            Err(Error::PreconditionFailed(api)) if attempt < max_attempts => {
                tracing::debug!(attempt, "412 on write: refetching");
                drop(api);
            }
            other => return other,
        }
    }
}

/// Removes the top-level `fields` from a JSON object (other values are left alone).
pub fn strip_fields(value: &mut serde_json::Value, fields: &[&str]) {
    if let serde_json::Value::Object(map) = value {
        for field in fields {
            map.remove(*field);
        }
    }
}

/// Serializes `value` to JSON without the top-level `fields`.
pub fn to_json_without<T: Serialize + ?Sized>(
    value: &T,
    fields: &[&str],
) -> Result<serde_json::Value, serde_json::Error> {
    let mut json = serde_json::to_value(value)?;
    strip_fields(&mut json, fields);
    Ok(json)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_only_top_level_fields_of_objects() {
        let mut v =
            serde_json::json!({"name": "a", "_etag": "e", "_links": {}, "spec": {"_etag": 1}});
        strip_fields(&mut v, &["_etag", "_links", "_created"]);
        assert_eq!(v, serde_json::json!({"name": "a", "spec": {"_etag": 1}}));
        let mut arr = serde_json::json!([1]);
        strip_fields(&mut arr, &["_etag"]);
        assert_eq!(arr, serde_json::json!([1]));
        assert_eq!(
            to_json_without(&serde_json::json!({"_updated": 1, "x": 2}), &["_updated"]).unwrap(),
            serde_json::json!({"x": 2})
        );
    }
}
