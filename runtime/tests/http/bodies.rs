//! Request body kinds (form, multipart with a streamed file, streamed upload, text)
//! and response kinds (stream, text).

use std::io::Write as _;

use cloudgen_runtime::{Error, Multipart, Request};
use futures_util::StreamExt;
use http::Method;
use wiremock::matchers::{header, method};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Envelope, client};

async fn echo_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn multipart_streams_files_from_disk() {
    let server = echo_server().await;
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(b"FILE-CONTENTS-123").unwrap();
    let form = Multipart::new()
        .text("name", "pack")
        .bytes(
            "manifest",
            b"{}".to_vec(),
            Some("m.json"),
            Some("application/json"),
        )
        .file(
            "archive",
            file.path(),
            Some("pack.tgz"),
            Some("application/gzip"),
        );
    client(&server)
        .send_empty::<Envelope>(Request::new(Method::POST, "/upload").multipart(form))
        .await
        .unwrap();
    let received = &server.received_requests().await.unwrap()[0];
    let content_type = received.headers["content-type"].to_str().unwrap();
    assert!(
        content_type.starts_with("multipart/form-data; boundary="),
        "{content_type}"
    );
    let body = String::from_utf8_lossy(&received.body);
    for expected in [
        "name=\"name\"",
        "pack",
        "filename=\"m.json\"",
        "filename=\"pack.tgz\"",
        "content-type: application/gzip",
        "FILE-CONTENTS-123",
    ] {
        assert!(
            body.to_lowercase().contains(&expected.to_lowercase()),
            "{expected} in {body}"
        );
    }
}

#[tokio::test]
async fn streamed_upload_is_sent_once_even_on_503() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(header("content-type", "application/octet-stream"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let mut file = tempfile::NamedTempFile::new().unwrap();
    file.write_all(&[7u8; 100_000]).unwrap();
    let handle = tokio::fs::File::open(file.path()).await.unwrap();
    let request =
        Request::new(Method::PUT, "/blob").stream_body("application/octet-stream", handle);
    let again = request.clone();
    let err = client(&server)
        .send_empty::<Envelope>(request)
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::SERVICE_UNAVAILABLE));
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1, "a streamed body is not replayed");
    assert_eq!(received[0].body.len(), 100_000);
    let err = client(&server)
        .send_empty::<Envelope>(again)
        .await
        .unwrap_err();
    assert!(matches!(err, Error::InvalidRequest { .. }) && !err.was_sent());
}

#[tokio::test]
async fn form_and_text_bodies() {
    let server = echo_server().await;
    let c = client(&server);
    c.send_empty::<Envelope>(
        Request::new(Method::POST, "/f")
            .form_body(&serde_json::json!({"grant_type": "password", "n": 2})),
    )
    .await
    .unwrap();
    c.send_empty::<Envelope>(Request::new(Method::POST, "/t").text_body("héllo"))
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert_eq!(
        received[0].headers["content-type"],
        "application/x-www-form-urlencoded"
    );
    assert_eq!(&received[0].body[..], b"grant_type=password&n=2");
    assert_eq!(
        received[1].headers["content-type"],
        "text/plain; charset=utf-8"
    );
    assert_eq!(received[1].body, "héllo".as_bytes());
}

#[tokio::test]
async fn downloads_stream_and_text_decodes() {
    let server = MockServer::start().await;
    let blob: Vec<u8> = (0..300_000u32).map(|i| (i % 251) as u8).collect();
    Mock::given(method("GET"))
        .and(wiremock::matchers::path("/api/blob"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw(blob.clone(), "application/octet-stream"),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(wiremock::matchers::path("/api/log"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("line 1\n", "text/plain"))
        .mount(&server)
        .await;
    let c = client(&server);
    let response = c
        .send_stream::<Envelope>(Request::new(Method::GET, "/blob"))
        .await
        .unwrap();
    let mut stream = response.into_inner();
    let mut total = Vec::new();
    let mut chunks = 0;
    while let Some(chunk) = stream.next().await {
        total.extend_from_slice(&chunk.unwrap());
        chunks += 1;
    }
    assert_eq!(total, blob);
    assert!(chunks >= 1);
    let text = c
        .send_text::<Envelope>(Request::new(Method::GET, "/log"))
        .await
        .unwrap();
    assert_eq!(text.as_str(), "line 1\n");
}
