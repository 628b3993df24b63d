//! Request and response bodies beyond buffered JSON: [`Multipart`] forms whose file
//! parts are streamed from disk, streamed uploads from a `tokio::fs::File`, and
//! [`ByteStream`], an unbuffered download.
//!
//! A request whose body is streamed (a file upload, or a multipart form with a file
//! part) is sent at most once: it cannot be replayed, so it is never retried (not
//! even after a 401).

use std::fmt;
use std::path::PathBuf;
use std::pin::Pin;
use std::sync::{Arc, Mutex, PoisonError};
use std::task::{Context, Poll};

use bytes::Bytes;
use futures_util::stream::{BoxStream, Stream, StreamExt};

use crate::error::Error;

/// A request body.
#[derive(Clone)]
pub(crate) enum Body {
    /// Buffered bytes (JSON, form, text, raw bytes).
    Bytes(Bytes),
    /// A multipart form (its `Content-Type` is set when sent).
    Multipart(Multipart),
    /// A file streamed once.
    File(SharedFile),
}

impl fmt::Debug for Body {
    /// Never prints the contents (a login body holds a password).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Bytes(b) => write!(f, "Bytes({} bytes)", b.len()),
            Self::Multipart(m) => write!(f, "Multipart({} parts)", m.parts.len()),
            Self::File(_) => f.write_str("File"),
        }
    }
}

/// A file that can be taken once, shared by clones of the request.
#[derive(Clone)]
pub(crate) struct SharedFile(Arc<Mutex<Option<tokio::fs::File>>>);

impl SharedFile {
    pub(crate) fn new(file: tokio::fs::File) -> Self {
        Self(Arc::new(Mutex::new(Some(file))))
    }

    fn take(&self) -> Option<tokio::fs::File> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }
}

/// What reqwest gets for one attempt.
pub(crate) enum Prepared {
    Body(reqwest::Body),
    Form(reqwest::multipart::Form),
}

impl Body {
    /// Whether the body can be sent again.
    pub(crate) fn replayable(&self) -> bool {
        match self {
            Self::Bytes(_) => true,
            Self::Multipart(m) => m.parts.iter().all(|p| !matches!(p.data, PartData::File(_))),
            Self::File(_) => false,
        }
    }

    /// The body of one attempt. Opens files; fails if a streamed file was used already.
    pub(crate) async fn prepare<E>(&self) -> Result<Prepared, Error<E>> {
        match self {
            Self::Bytes(b) => Ok(Prepared::Body(reqwest::Body::from(b.clone()))),
            Self::File(file) => match file.take() {
                Some(file) => Ok(Prepared::Body(reqwest::Body::from(file))),
                None => Err(Error::InvalidRequest {
                    message: "a streamed request body can be sent only once".to_owned(),
                }),
            },
            Self::Multipart(m) => m.to_form().await.map(Prepared::Form),
        }
    }
}

#[derive(Clone, Debug)]
enum PartData {
    Text(String),
    Bytes(Bytes),
    File(PathBuf),
}

#[derive(Clone, Debug)]
struct Part {
    name: String,
    data: PartData,
    filename: Option<String>,
    content_type: Option<String>,
}

/// A `multipart/form-data` body: text fields, in-memory files, and files streamed
/// from disk when the request is sent (never loaded into memory).
///
/// ```
/// use cloudgen_runtime::Multipart;
/// let form = Multipart::new()
///     .text("name", "pack")
///     .bytes("manifest", b"{}".to_vec(), Some("manifest.json"), Some("application/json"))
///     .file("archive", "/tmp/pack.tgz", None, Some("application/gzip"));
/// # let _ = form;
/// ```
#[derive(Clone, Debug, Default)]
pub struct Multipart {
    parts: Vec<Part>,
}

impl Multipart {
    /// An empty form.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a text field.
    #[must_use]
    pub fn text(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.parts.push(Part {
            name: name.into(),
            data: PartData::Text(value.into()),
            filename: None,
            content_type: None,
        });
        self
    }

    /// Adds a file part from memory.
    #[must_use]
    pub fn bytes(
        mut self,
        name: impl Into<String>,
        data: impl Into<Bytes>,
        filename: Option<&str>,
        content_type: Option<&str>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            data: PartData::Bytes(data.into()),
            filename: filename.map(str::to_owned),
            content_type: content_type.map(str::to_owned),
        });
        self
    }

    /// Adds a file part streamed from `path` when the request is sent. The file name
    /// defaults to the path's last component, the content type to a guess from the
    /// extension (else `application/octet-stream`).
    #[must_use]
    pub fn file(
        mut self,
        name: impl Into<String>,
        path: impl Into<PathBuf>,
        filename: Option<&str>,
        content_type: Option<&str>,
    ) -> Self {
        self.parts.push(Part {
            name: name.into(),
            data: PartData::File(path.into()),
            filename: filename.map(str::to_owned),
            content_type: content_type.map(str::to_owned),
        });
        self
    }

    async fn to_form<E>(&self) -> Result<reqwest::multipart::Form, Error<E>> {
        let mut form = reqwest::multipart::Form::new();
        for part in &self.parts {
            let mut field = match &part.data {
                PartData::Text(text) => reqwest::multipart::Part::text(text.clone()),
                PartData::Bytes(bytes) => reqwest::multipart::Part::stream_with_length(
                    reqwest::Body::from(bytes.clone()),
                    bytes.len() as u64,
                ),
                PartData::File(path) => {
                    reqwest::multipart::Part::file(path)
                        .await
                        .map_err(|source| Error::Body {
                            message: format!("could not open `{}`", path.display()),
                            source,
                        })?
                }
            };
            if let Some(filename) = &part.filename {
                field = field.file_name(filename.clone());
            }
            if let Some(content_type) = &part.content_type {
                field = field
                    .mime_str(content_type)
                    .map_err(|_| Error::InvalidRequest {
                        message: format!(
                            "`{content_type}` (multipart part `{}`) is not a valid media type",
                            part.name
                        ),
                    })?;
            }
            form = form.part(part.name.clone(), field);
        }
        Ok(form)
    }
}

/// An unbuffered response body: a stream of chunks, each `Result<Bytes, Error<E>>`.
/// An error ends it (a broken connection mid-download is not retried).
#[must_use = "streams do nothing unless polled"]
pub struct ByteStream<E = serde_json::Value> {
    inner: BoxStream<'static, Result<Bytes, Error<E>>>,
}

impl<E: Send + 'static> ByteStream<E> {
    pub(crate) fn new(response: reqwest::Response) -> Self {
        Self {
            inner: response
                .bytes_stream()
                .map(|chunk| chunk.map_err(Error::from_reqwest))
                .boxed(),
        }
    }

    pub(crate) fn from_bytes(bytes: Bytes) -> Self {
        Self {
            inner: futures_util::stream::iter([Ok(bytes)]).boxed(),
        }
    }

    /// Reads the whole body into memory.
    pub async fn collect(mut self) -> Result<Bytes, Error<E>> {
        let mut all = bytes::BytesMut::new();
        while let Some(chunk) = self.inner.next().await {
            all.extend_from_slice(&chunk?);
        }
        Ok(all.freeze())
    }
}

impl<E> Stream for ByteStream<E> {
    type Item = Result<Bytes, Error<E>>;

    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        self.inner.as_mut().poll_next(cx)
    }
}

impl<E> fmt::Debug for ByteStream<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ByteStream").finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replayability_and_debug() {
        assert!(Body::Bytes(Bytes::from_static(b"secret")).replayable());
        assert!(!format!("{:?}", Body::Bytes(Bytes::from_static(b"secret"))).contains("secret"));
        let m = Multipart::new()
            .text("a", "b")
            .bytes("c", vec![1], None, None);
        assert!(Body::Multipart(m.clone()).replayable());
        assert!(!Body::Multipart(m.file("f", "/x", None, None)).replayable());
    }

    #[tokio::test]
    async fn missing_file_and_bad_mime_are_errors() {
        let m = Multipart::new().file("f", "/definitely/not/here", None, None);
        let err = Body::Multipart(m).prepare::<()>().await.err().unwrap();
        assert!(matches!(err, Error::Body { .. }) && !err.was_sent());
        let m = Multipart::new().bytes("f", vec![1], None, Some("not a mime"));
        let err = Body::Multipart(m).prepare::<()>().await.err().unwrap();
        assert!(matches!(err, Error::InvalidRequest { .. }));
    }
}
