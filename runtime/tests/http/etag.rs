//! ETags are remembered per path and sent as `If-Match`; `Required` fails early.

use cloudgen_runtime::{Error, IfMatch, Request};
use http::Method;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Envelope, client};

const RESOURCE: &str = "/api/v1/kubeclusters/k%2F1";

fn put(if_match: Option<String>, policy: IfMatch) -> Request {
    Request::new(Method::PUT, "/v1/kubeclusters/{id}")
        .path_param("id", "k/1")
        .json_body(&serde_json::json!({"name": "x"}))
        .if_match(if_match, policy)
}

fn get() -> Request {
    Request::new(Method::GET, "/v1/kubeclusters/{id}")
        .path_param("id", "k/1")
        .query("embedded", 1)
}

#[tokio::test]
async fn etag_from_get_is_sent_on_put_and_explicit_wins() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(RESOURCE))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "W/\"e1\"")
                .set_body_string("{}"),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(RESOURCE))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"e2\"")
                .set_body_string("{}"),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    client.send_empty::<Envelope>(get()).await.unwrap();
    assert_eq!(
        client.etag_for("/v1/kubeclusters/k%2F1").as_deref(),
        Some("W/\"e1\"")
    );

    client
        .send_empty::<Envelope>(put(None, IfMatch::Required))
        .await
        .unwrap();
    // The PUT's response ETag replaces the remembered one.
    assert_eq!(
        client.etag_for("/v1/kubeclusters/k%2F1").as_deref(),
        Some("\"e2\"")
    );
    client
        .send_empty::<Envelope>(put(Some("\"mine\"".into()), IfMatch::Required))
        .await
        .unwrap();
    client
        .send_empty::<Envelope>(put(None, IfMatch::Optional))
        .await
        .unwrap();

    let received = server.received_requests().await.unwrap();
    let sent: Vec<Option<&str>> = received
        .iter()
        .map(|r| r.headers.get("if-match").map(|v| v.to_str().unwrap()))
        .collect();
    assert_eq!(
        sent,
        [None, Some("W/\"e1\""), Some("\"mine\""), Some("\"e2\"")]
    );
}

#[tokio::test]
async fn required_without_known_etag_is_missing_etag_and_nothing_is_sent() {
    let server = MockServer::start().await;
    let client = client(&server);
    let err = client
        .send_empty::<Envelope>(put(None, IfMatch::Required))
        .await
        .unwrap_err();
    match &err {
        Error::MissingEtag { path } => assert_eq!(path, "/v1/kubeclusters/k%2F1"),
        other => panic!("expected MissingEtag, got {other:?}"),
    }
    assert!(!err.was_sent() && err.to_string().contains("GET the resource first"));
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn optional_without_known_etag_sends_no_header() {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    client
        .send_empty::<Envelope>(put(None, IfMatch::Optional))
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    assert!(received[0].headers.get("if-match").is_none());
}

#[tokio::test]
async fn delete_forgets_and_failures_do_not_update() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"e1\"")
                .set_body_string("{}"),
        )
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(header("if-match", "\"e1\""))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .respond_with(ResponseTemplate::new(412).insert_header("etag", "\"other\""))
        .mount(&server)
        .await;
    let client = client(&server);
    client.send_empty::<Envelope>(get()).await.unwrap();
    let patch = Request::new(Method::PATCH, "/v1/kubeclusters/{id}").path_param("id", "k/1");
    let err = client.send_empty::<Envelope>(patch).await.unwrap_err();
    assert!(matches!(err, Error::PreconditionFailed(_)));
    assert_eq!(
        client.etag_for("/v1/kubeclusters/k%2F1").as_deref(),
        Some("\"e1\"")
    );

    let delete = Request::new(Method::DELETE, "/v1/kubeclusters/{id}")
        .path_param("id", "k/1")
        .if_match(None, IfMatch::Required);
    client.send_empty::<Envelope>(delete).await.unwrap();
    assert_eq!(client.etag_for("/v1/kubeclusters/k%2F1"), None);
}
