//! Classification of responses and failures into `Response` and `Error` variants.

use std::time::Duration;

use bytes::Bytes;
use cloudgen_runtime::{ClientBuilder, ClientCore, Error, Request};
use http::{Method, StatusCode};
use serde::Deserialize;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{BEARER, Envelope, EnvelopeError, TOKEN, client};

/// A client pointed at a loopback port nothing listens on.
pub(crate) fn refused_client() -> ClientCore {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    ClientBuilder::new(&BEARER)
        .base_url(format!("http://127.0.0.1:{port}/api"))
        .bearer_token(TOKEN)
        .clock(cloudgen_runtime::ManualClock::default())
        .build()
        .unwrap()
}

async fn respond(template: ResponseTemplate) -> (MockServer, ClientCore) {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(template)
        .mount(&server)
        .await;
    let client = client(&server);
    (server, client)
}

#[derive(Debug, Deserialize, PartialEq)]
struct Cluster {
    name: String,
    status: ClusterStatus,
}

#[derive(Debug, Deserialize, PartialEq)]
struct ClusterStatus {
    state: String,
}

#[derive(Debug, Deserialize)]
struct ClusterList {
    #[serde(rename = "_items")]
    _items: Vec<Cluster>,
}

#[tokio::test]
async fn success_decodes_json_with_status_and_headers() {
    let (_server, client) = respond(
        ResponseTemplate::new(200)
            .insert_header("etag", "W/\"v1\"")
            .set_body_json(serde_json::json!({"name": "c1", "status": {"state": "ACTIVE"}})),
    )
    .await;
    let r = client
        .send_json::<Cluster, Envelope>(Request::new(Method::GET, "/v1/c"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    assert_eq!(r.etag(), Some("W/\"v1\""));
    assert_eq!(r.status.state, "ACTIVE");
    assert_eq!(r.into_inner().name, "c1");
}

#[tokio::test]
async fn decode_failure_gives_json_path_and_keeps_body() {
    let body =
        r#"{"_items":[{"name":"a","status":{"state":"OK"}},{"name":"b","status":{"state":7}}]}"#;
    let (_server, client) = respond(ResponseTemplate::new(200).set_body_string(body)).await;
    let err = client
        .send_json::<ClusterList, Envelope>(Request::new(Method::GET, "/v1/c"))
        .await
        .unwrap_err();
    match &err {
        Error::Decode {
            status,
            path,
            body: kept,
            ..
        } => {
            assert_eq!(*status, StatusCode::OK);
            assert_eq!(path, "_items[1].status.state");
            assert_eq!(kept, &Bytes::from(body));
        }
        other => panic!("expected Decode, got {other:?}"),
    }
    assert!(err.was_sent() && err.to_string().contains("_items[1].status.state"));
}

#[tokio::test]
async fn not_found_decodes_the_vendor_envelope() {
    let (_server, client) = respond(ResponseTemplate::new(404).set_body_json(
        serde_json::json!({"_status": "ERR", "_error": {"code": 404, "message": "nope"}}),
    ))
    .await;
    let err = client
        .send_json::<Cluster, Envelope>(Request::new(Method::GET, "/v1/c/x"))
        .await
        .unwrap_err();
    assert!(err.is_not_found() && matches!(err, Error::Api(_)));
    assert_eq!(
        err.envelope(),
        Some(&Envelope {
            status: "ERR".into(),
            error: EnvelopeError {
                code: 404,
                message: "nope".into()
            }
        })
    );
    assert!(
        err.to_string().starts_with("HTTP 404 Not Found: {"),
        "{err}"
    );
    assert!(!err.api_error().unwrap().body.is_empty());
}

#[tokio::test]
async fn bad_gateway_html_keeps_raw_body_without_envelope() {
    let html = "<html><body>502 Bad Gateway</body></html>";
    let (_server, client) = respond(
        ResponseTemplate::new(502)
            .set_body_raw(html, "text/html")
            .insert_header("x-request-id", "r-9"),
    )
    .await;
    let err = client
        .send_json::<Cluster, Envelope>(Request::new(Method::GET, "/v1/c"))
        .await
        .unwrap_err();
    let api = err.api_error().unwrap();
    assert_eq!(api.status, StatusCode::BAD_GATEWAY);
    assert_eq!(api.body, Bytes::from(html));
    assert!(api.envelope.is_none());
    assert_eq!(api.headers["x-request-id"], "r-9");
    assert_eq!(err.status(), Some(StatusCode::BAD_GATEWAY));
}

#[tokio::test]
async fn precondition_statuses_have_their_own_variants() {
    let server = MockServer::start().await;
    Mock::given(path("/api/412"))
        .respond_with(ResponseTemplate::new(412))
        .mount(&server)
        .await;
    Mock::given(path("/api/428"))
        .respond_with(ResponseTemplate::new(428))
        .mount(&server)
        .await;
    let client = client(&server);
    let e412 = client
        .send_empty::<Envelope>(Request::new(Method::PUT, "/412"))
        .await
        .unwrap_err();
    let e428 = client
        .send_empty::<Envelope>(Request::new(Method::PUT, "/428"))
        .await
        .unwrap_err();
    assert!(matches!(e412, Error::PreconditionFailed(_)), "{e412:?}");
    assert!(matches!(e428, Error::PreconditionRequired(_)), "{e428:?}");
}

#[tokio::test]
async fn redirects_are_errors_not_followed() {
    let (server, client) = respond(
        ResponseTemplate::new(302).insert_header("location", "http://127.0.0.1:1/elsewhere"),
    )
    .await;
    let err = client
        .send_bytes::<Envelope>(Request::new(Method::GET, "/v1/c"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::FOUND));
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn empty_and_bytes_responses() {
    let (_server, client) = respond(ResponseTemplate::new(200).set_body_string("not json")).await;
    let r = client
        .send_empty::<Envelope>(Request::new(Method::GET, "/x"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let r = client
        .send_bytes::<Envelope>(Request::new(Method::GET, "/x"))
        .await
        .unwrap();
    assert_eq!(r.into_inner(), Bytes::from_static(b"not json"));
}

#[tokio::test]
async fn slow_response_past_per_call_timeout_is_timeout() {
    let (_server, client) =
        respond(ResponseTemplate::new(200).set_delay(Duration::from_millis(800))).await;
    let req = Request::new(Method::GET, "/slow")
        .timeout(Duration::from_millis(100))
        .no_retry();
    let err = client.send_empty::<Envelope>(req).await.unwrap_err();
    assert!(err.is_timeout(), "{err:?}");
    assert!(err.was_sent());
}

#[tokio::test]
async fn connection_refused_is_transport_and_not_sent() {
    let err = refused_client()
        .send_empty::<Envelope>(Request::new(Method::POST, "/x"))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(!err.was_sent());
    assert_eq!(err.status(), None);
}

#[tokio::test]
async fn serialize_failure_is_returned_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let mut bad = std::collections::HashMap::new();
    bad.insert(vec![1u8], 1); // JSON object keys must be strings
    let err = client
        .send_empty::<Envelope>(Request::new(Method::POST, "/x").json_body(&bad))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Serialize(_)) && !err.was_sent(),
        "{err:?}"
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn a_call_is_sent_when_its_future_is_first_polled_not_when_made() {
    let (server, client) = respond(ResponseTemplate::new(200).set_body_json(serde_json::json!({
        "name": "a",
        "status": { "state": "ready" }
    })))
    .await;
    let call = client.send_json::<Cluster, Envelope>(Request::new(Method::GET, "/clusters/a"));
    assert!(
        format!("{call:?}").contains("not started: GET /clusters/a"),
        "{call:?}"
    );
    tokio::time::sleep(Duration::from_millis(50)).await;
    assert!(server.received_requests().await.unwrap().is_empty());

    // Made, then dropped unpolled: nothing is sent.
    drop(client.send_json::<Cluster, Envelope>(Request::new(Method::GET, "/clusters/b")));
    // Polled: sent once, and the answer decoded.
    let response = call.await.unwrap();
    assert_eq!(response.into_inner().name, "a");
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 1);
    assert_eq!(received[0].url.path(), "/api/clusters/a");
}
