//! Credentials reach the server and never appear in Debug output or tracing.

use cloudgen_runtime::{ClientBuilder, ClientCore, Request};
use http::Method;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{API_KEY, BEARER, TOKEN, client};

#[tokio::test]
async fn bearer_token_user_agent_and_accept_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/me"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("user-agent", "cloudgen-test/1.0"))
        .and(header("accept", "application/json"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"ok": true})))
        .expect(1)
        .mount(&server)
        .await;
    let r = client(&server)
        .send_json::<serde_json::Value, serde_json::Value>(Request::new(Method::GET, "/v1/me"))
        .await
        .unwrap();
    assert_eq!(r["ok"], true);
}

#[tokio::test]
async fn api_key_and_default_headers_are_sent() {
    let server = MockServer::start().await;
    Mock::given(header("mc-api-key", "key-SECRET-9"))
        .and(header("x-org", "o1"))
        .and(header("user-agent", "custom/2"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let client: ClientCore = ClientBuilder::new(&API_KEY)
        .base_url(server.uri())
        .api_key("key-SECRET-9")
        .user_agent("custom/2")
        .default_header("X-Org", "o1")
        .build()
        .unwrap();
    let r = client
        .send_empty::<serde_json::Value>(Request::new(Method::DELETE, "/things"))
        .await
        .unwrap();
    assert_eq!(r.status(), 204);
    let received = server.received_requests().await.unwrap();
    assert!(received[0].headers.get("authorization").is_none());
}

#[tokio::test]
async fn secrets_absent_from_debug_of_builder_client_and_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401).set_body_string("bad token"))
        .mount(&server)
        .await;
    let builder = ClientBuilder::<ClientCore>::new(&BEARER)
        .base_url(server.uri())
        .bearer_token(TOKEN);
    let builder_debug = format!("{builder:?}");
    let client = builder.build().unwrap();
    let client_debug = format!("{client:?}");
    let api_error = client
        .send_empty::<serde_json::Value>(Request::new(Method::GET, "/x"))
        .await
        .unwrap_err();
    let refused = crate::responses::refused_client()
        .send_empty::<serde_json::Value>(Request::new(Method::GET, "/x"))
        .await
        .unwrap_err();
    for shown in [
        builder_debug.clone(),
        client_debug.clone(),
        format!("{api_error:?} {api_error}"),
        format!("{refused:?} {refused}"),
    ] {
        assert!(!shown.contains("SECRET"), "secret leaked: {shown}");
    }
    assert!(builder_debug.contains("bearer(***)"), "{builder_debug}");
    assert!(
        client_debug.contains("bearer-vendor") && client_debug.contains(&server.uri()),
        "{client_debug}"
    );
}
