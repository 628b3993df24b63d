//! Tracing: each request gets an `http_request` span naming the call, and neither
//! secrets nor bodies reach tracing.
//!
//! A separate test binary with one test, so that a global subscriber sees only this
//! test's calls (a thread-scoped subscriber races with tracing's callsite cache when
//! other tests run in parallel).

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use cloudgen_runtime::{
    AuthScheme, ClientBuilder, ClientCore, Error, LoginProvider, ManualClock, Request,
    VendorProfile,
};
use http::Method;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

static PROFILE: VendorProfile = VendorProfile {
    name: "bearer-vendor",
    default_base_url: "https://unused.invalid",
    auth: AuthScheme::Bearer,
    user_agent: "cloudgen-test/1.0",
    etag: None,
};

/// Everything that reaches tracing, as text.
#[derive(Clone, Default)]
struct Recorder(Arc<Mutex<String>>);

impl tracing::field::Visit for Recorder {
    fn record_debug(&mut self, field: &tracing::field::Field, value: &dyn std::fmt::Debug) {
        let mut log = self.0.lock().unwrap();
        let _ = write!(log, "{}={:?};", field.name(), value);
    }
}

impl tracing::Subscriber for Recorder {
    fn enabled(&self, _: &tracing::Metadata<'_>) -> bool {
        true
    }
    fn new_span(&self, span: &tracing::span::Attributes<'_>) -> tracing::span::Id {
        let _ = write!(self.0.lock().unwrap(), "span {};", span.metadata().name());
        span.record(&mut self.clone());
        tracing::span::Id::from_u64(1)
    }
    fn record(&self, _: &tracing::span::Id, values: &tracing::span::Record<'_>) {
        values.record(&mut self.clone());
    }
    fn record_follows_from(&self, _: &tracing::span::Id, _: &tracing::span::Id) {}
    fn event(&self, event: &tracing::Event<'_>) {
        event.record(&mut self.clone());
    }
    fn enter(&self, _: &tracing::span::Id) {}
    fn exit(&self, _: &tracing::span::Id) {}
}

#[tokio::test]
async fn tracing_span_names_the_call_without_secrets_or_bodies() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(500).set_body_string("server-BODY"))
        .mount(&server)
        .await;
    let recorder = Recorder::default();
    tracing::subscriber::set_global_default(recorder.clone()).unwrap();
    let client: ClientCore = ClientBuilder::new(&PROFILE)
        .base_url(server.uri())
        .bearer_token("tok-SECRET-1234")
        .build()
        .unwrap();
    let err = client
        .send_empty::<serde_json::Value>(
            Request::new(Method::POST, "/v1/things/{id}")
                .path_param("id", "abc")
                .json_body(&serde_json::json!({"pw": "request-BODY"})),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Api(_)));
    let log = recorder.0.lock().unwrap().clone();
    assert!(log.contains("span http_request;"), "{log}");
    assert!(
        log.contains("vendor=\"bearer-vendor\"")
            && log.contains("path_template=\"/v1/things/{id}\""),
        "{log}"
    );
    assert!(
        log.contains("method=POST") && log.contains("status=500"),
        "{log}"
    );
    assert!(
        log.contains("attempt=1;") && log.contains("duration_ms="),
        "{log}"
    );

    // A login-token client whose GET is retried once.
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"Authorization": "jwt-SECRET"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy-BODY"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client: ClientCore = ClientBuilder::new(&PROFILE)
        .base_url(server.uri())
        .token_provider(LoginProvider::palette("me@example.com", "pw-SECRET"))
        .clock(ManualClock::default())
        .build()
        .unwrap();
    client
        .send_empty::<serde_json::Value>(Request::new(Method::GET, "/v1/users"))
        .await
        .unwrap();
    let log = recorder.0.lock().unwrap().clone();
    assert!(
        log.contains("attempt=2;") && log.contains("status=204") && log.contains("retrying"),
        "{log}"
    );
    for secret in ["SECRET", "BODY"] {
        assert!(!log.contains(secret), "{secret} leaked into tracing: {log}");
    }
}
