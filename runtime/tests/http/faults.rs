//! The fault suite: for each fault, the outcome, the number of requests the server
//! saw (never a duplicate POST), and no panic. Retry waits run on a manual clock.

use std::time::{Duration, SystemTime};

use cloudgen_runtime::{Clock, Error, ManualClock, Request, RetryBudget, RetryPolicy, SystemClock};
use http::{Method, StatusCode};
use serde::Deserialize;
use wiremock::matchers::method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Action, Envelope, builder, client, http, raw_server};

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct Thing {
    name: String,
}

async fn seen(server: &MockServer) -> usize {
    server.received_requests().await.unwrap().len()
}

fn get() -> Request {
    Request::new(Method::GET, "/v1/things")
}

fn post() -> Request {
    Request::new(Method::POST, "/v1/things").json_body(&serde_json::json!({"name": "a"}))
}

#[tokio::test]
async fn storm_of_429_without_retry_after_uses_backoff_then_gives_up() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429))
        .mount(&server)
        .await;
    let clock = ManualClock::default();
    let client = builder(&server.uri(), clock.clone()).build().unwrap();
    let err = client.send_empty::<Envelope>(get()).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(seen(&server).await, 3);
    // Two full-jitter waits, each below its exponential ceiling (100 ms, 200 ms).
    let sleeps = clock.sleeps();
    assert_eq!(sleeps.len(), 2);
    assert!(sleeps[0] < Duration::from_millis(100) && sleeps[1] < Duration::from_millis(200));
}

#[tokio::test]
async fn storm_of_429_with_retry_after_seconds_and_dates_is_honoured() {
    let server = MockServer::start().await;
    let clock = ManualClock::default();
    let date = httpdate::fmt_http_date(clock.now() + Duration::from_secs(30));
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", date.as_str()))
        .mount(&server)
        .await;
    let client = builder(&server.uri(), clock.clone()).build().unwrap();
    let err = client.send_empty::<Envelope>(get()).await.unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(seen(&server).await, 3);
    // 7 s, then until the date (30 s after the start, 7 s of which have passed).
    assert_eq!(
        clock.sleeps(),
        vec![Duration::from_secs(7), Duration::from_secs(23)]
    );
}

#[tokio::test]
async fn retry_after_longer_than_the_cap_is_not_waited_for() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503).insert_header("retry-after", "3600"))
        .mount(&server)
        .await;
    let clock = ManualClock::default();
    let client = builder(&server.uri(), clock.clone()).build().unwrap();
    let err = client.send_empty::<Envelope>(get()).await.unwrap_err();
    assert_eq!(err.api_error().unwrap().headers["retry-after"], "3600");
    assert_eq!(seen(&server).await, 1);
    assert!(clock.sleeps().is_empty());
}

#[tokio::test]
async fn storm_of_429_on_post_is_never_repeated() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "1"))
        .mount(&server)
        .await;
    let err = client(&server)
        .send_empty::<Envelope>(post())
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(StatusCode::TOO_MANY_REQUESTS));
    assert_eq!(seen(&server).await, 1);
}

#[tokio::test]
async fn post_with_idempotency_key_is_retried() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(201).set_body_json(serde_json::json!({"name": "a"})))
        .mount(&server)
        .await;
    let r = client(&server)
        .send_json::<Thing, Envelope>(post().idempotency_key("op-1"))
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::CREATED);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 2);
    assert!(
        received
            .iter()
            .all(|r| r.headers["idempotency-key"] == "op-1")
    );
}

#[tokio::test]
async fn service_unavailable_then_success() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"name": "a"})))
        .mount(&server)
        .await;
    let r = client(&server)
        .send_json::<Thing, Envelope>(get())
        .await
        .unwrap();
    assert_eq!(r.name, "a");
    assert_eq!(seen(&server).await, 2);
}

#[tokio::test]
async fn no_retry_and_empty_budget_stop_retries() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(502))
        .mount(&server)
        .await;
    let c = client(&server);
    c.send_empty::<Envelope>(get().no_retry())
        .await
        .unwrap_err();
    assert_eq!(seen(&server).await, 1);

    // A budget of two retries, shared by all calls of the client.
    let c = builder(&server.uri(), ManualClock::default())
        .retry_policy(RetryPolicy::STANDARD.budget(RetryBudget::new(10, 5, 1)))
        .build()
        .unwrap();
    for _ in 0..3 {
        c.send_empty::<Envelope>(get()).await.unwrap_err();
    }
    // 1 + (3 attempts, then 2 more: the budget allowed 2 retries in all) + 1.
    assert_eq!(seen(&server).await, 1 + 3 + 1 + 1);
}

#[tokio::test]
async fn reset_before_the_body_is_read() {
    let server = raw_server(|_| Action::ResetAfterHead).await;
    let client = builder(&server.uri, ManualClock::default())
        .build()
        .unwrap();
    let big = "x".repeat(256 * 1024);
    let err = client
        .send_empty::<Envelope>(
            Request::new(Method::POST, "/v1/things").json_body(&serde_json::json!({ "b": big })),
        )
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert!(err.was_sent());
    assert_eq!(server.requests(), 1, "a POST must not be repeated");

    let err = client.send_empty::<Envelope>(get()).await.unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.requests(), 1 + 3, "a GET is retried");
}

#[tokio::test]
async fn reset_after_the_body_is_read() {
    let server = raw_server(|n| {
        if n < 2 {
            Action::ResetAfterBody
        } else {
            Action::Respond(http("200 OK", "application/json", 12, r#"{"name":"a"}"#))
        }
    })
    .await;
    let client = builder(&server.uri, ManualClock::default())
        .build()
        .unwrap();
    let err = client.send_empty::<Envelope>(post()).await.unwrap_err();
    assert!(
        matches!(err, Error::Transport { .. }) && err.was_sent(),
        "{err:?}"
    );
    assert_eq!(server.requests(), 1, "a POST must not be repeated");
    // The GET meets the second reset, then succeeds.
    let r = client.send_json::<Thing, Envelope>(get()).await.unwrap();
    assert_eq!(r.name, "a");
    assert_eq!(server.requests(), 3);
}

#[tokio::test]
async fn stalling_server_times_out_per_attempt_and_per_operation() {
    let server = raw_server(|_| Action::Stall).await;
    let client = builder(&server.uri, ManualClock::default())
        .timeout(Duration::from_millis(40))
        .build()
        .unwrap();
    let err = client.send_empty::<Envelope>(post()).await.unwrap_err();
    assert!(
        matches!(err, Error::Timeout { .. }) && err.was_sent(),
        "{err:?}"
    );
    assert_eq!(server.requests(), 1, "a POST must not be repeated");
    let err = client.send_empty::<Envelope>(get()).await.unwrap_err();
    assert!(matches!(err, Error::Timeout { .. }), "{err:?}");
    assert_eq!(server.requests(), 1 + 3);

    // Whole-operation timeout, on the real clock: 40 ms attempts, 100 ms in all.
    let client = builder(&server.uri, ManualClock::default())
        .clock(SystemClock::new())
        .timeout(Duration::from_millis(40))
        .operation_timeout(Duration::from_millis(100))
        .retry_policy(
            RetryPolicy::STANDARD
                .max_attempts(10)
                .base_delay(Duration::from_millis(1)),
        )
        .build()
        .unwrap();
    let before = server.requests();
    let err = client.send_empty::<Envelope>(get()).await.unwrap_err();
    match err {
        Error::OperationTimeout { attempts, elapsed } => {
            assert_eq!(attempts, 3);
            assert!(elapsed >= Duration::from_millis(100), "{elapsed:?}");
        }
        other => panic!("expected OperationTimeout, got {other:?}"),
    }
    assert!(err_is_sent_timeout());
    assert_eq!(server.requests() - before, 3);
}

fn err_is_sent_timeout() -> bool {
    let e: Error = Error::OperationTimeout {
        elapsed: Duration::ZERO,
        attempts: 1,
    };
    e.is_timeout() && e.was_sent()
}

#[tokio::test]
async fn truncated_json_with_matching_length_is_a_decode_error() {
    let server =
        raw_server(|_| Action::Respond(http("200 OK", "application/json", 10, r#"{"name":"a"#)))
            .await;
    let client = builder(&server.uri, ManualClock::default())
        .build()
        .unwrap();
    let err = client
        .send_json::<Thing, Envelope>(get())
        .await
        .unwrap_err();
    match &err {
        Error::Decode { body, .. } => assert_eq!(&body[..], br#"{"name":"a"#),
        other => panic!("expected Decode, got {other:?}"),
    }
    assert_eq!(server.requests(), 1, "a decode error is not retried");
}

#[tokio::test]
async fn body_cut_short_by_the_server_is_a_transport_error_and_retried_for_get() {
    // Declares 100 bytes, sends 10, closes.
    let server =
        raw_server(|_| Action::Respond(http("200 OK", "application/json", 100, r#"{"name":"a"#)))
            .await;
    let client = builder(&server.uri, ManualClock::default())
        .build()
        .unwrap();
    let err = client
        .send_json::<Thing, Envelope>(get())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.requests(), 3);
    let err = client
        .send_json::<Thing, Envelope>(post())
        .await
        .unwrap_err();
    assert!(matches!(err, Error::Transport { .. }), "{err:?}");
    assert_eq!(server.requests(), 4, "a POST must not be repeated");
}

#[tokio::test]
async fn invalid_json_and_wrong_content_type_are_decode_errors() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(200).set_body_raw("{name: a}", "application/json"))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200).set_body_raw("<html>maintenance</html>", "text/html"),
        )
        .mount(&server)
        .await;
    let client = client(&server);
    for expected in ["{name: a}", "<html>maintenance</html>"] {
        let err = client
            .send_json::<Thing, Envelope>(get())
            .await
            .unwrap_err();
        match &err {
            Error::Decode { body, status, .. } => {
                assert_eq!(&body[..], expected.as_bytes());
                assert_eq!(*status, StatusCode::OK);
            }
            other => panic!("expected Decode, got {other:?}"),
        }
    }
    assert_eq!(seen(&server).await, 2);
}

#[tokio::test]
async fn connect_errors_are_retried_even_for_post() {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let clock = ManualClock::new(SystemTime::UNIX_EPOCH);
    let client = builder(&format!("http://127.0.0.1:{port}"), clock.clone())
        .build()
        .unwrap();
    let err = client.send_empty::<Envelope>(post()).await.unwrap_err();
    assert!(!err.was_sent(), "{err:?}");
    assert_eq!(
        clock.sleeps().len(),
        2,
        "nothing was sent, so retrying is safe"
    );
}
