//! Every operation of every generated crate, sent once to a recording server on loopback.
//!
//! The calls come from `tests/exercise/<vendor>.rs`, which `cargo xtask codegen` writes
//! from the same document as the crate: every required parameter and body is filled with
//! a sample built from the document's schemas. Each recorded request is checked against
//! what the document says it must be: method, path (samples percent-encoded in place),
//! required query parameters and headers, content type, and the body (JSON compared as
//! JSON, forms field by field, octet-stream and multipart file parts byte for byte).
//! Failures are listed as a table naming the operation.

#[path = "../exercise/cloudcasa.rs"]
#[rustfmt::skip]
mod cloudcasa;
#[path = "../exercise/cloudmc.rs"]
#[rustfmt::skip]
mod cloudmc;
#[path = "../exercise/palette.rs"]
#[rustfmt::skip]
mod palette;
#[path = "../exercise/spheron.rs"]
#[rustfmt::skip]
mod spheron;

// The exercise files are generated (and printed by the generator): rustfmt keeps off.
mod support;

use support::{Expected, ExpectedBody, Sent, check};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

async fn recording_server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/json")
                .set_body_string("{}"),
        )
        .mount(&server)
        .await;
    server
}

/// Runs every call of an exercise module against `$client`, in order, and converts the
/// module's own types into the neutral ones the checker reads.
macro_rules! run_all {
    ($module:ident, $client:expr) => {{
        let client = $client;
        let mut runs = Vec::new();
        for call in $module::CALLS {
            let sent = match (call.run)(&client).await {
                $module::Outcome::NotBuilt(why) => Sent::NotBuilt(why),
                $module::Outcome::Sent(Ok(())) => Sent::Yes,
                $module::Outcome::Sent(Err(e)) if e.was_sent() => Sent::Yes,
                $module::Outcome::Sent(Err(e)) => Sent::Refused(e.to_string()),
            };
            let body = match call.body {
                $module::ExpectedBody::None => ExpectedBody::None,
                $module::ExpectedBody::Json(j) => ExpectedBody::Json(j),
                $module::ExpectedBody::Form(j) => ExpectedBody::Form(j),
                $module::ExpectedBody::Bytes(b) => ExpectedBody::Bytes(b),
                $module::ExpectedBody::Multipart(p) => ExpectedBody::Multipart(p),
            };
            let expected = Expected {
                operation_id: call.operation_id,
                method: call.method,
                path: call.path,
                query: call.query,
                headers: call.headers,
                content_type: call.content_type,
                body,
            };
            runs.push((expected, sent));
        }
        runs
    }};
}

fn no_limits() -> cloudgen_runtime::RateLimitTable {
    cloudgen_runtime::RateLimitTable::new(&[])
}

#[tokio::test]
async fn every_palette_operation_sends_what_the_document_says() {
    let server = recording_server().await;
    let client = palette_api::Client::builder()
        .base_url(server.uri())
        .api_key("exercise-key")
        .rate_limits(no_limits())
        .retry_policy(cloudgen_runtime::RetryPolicy::NONE)
        .build()
        .expect("client builds");
    let runs = run_all!(palette, client);
    let received = server.received_requests().await.expect("recording on");
    check("palette", &runs, &received, "");
}

#[tokio::test]
async fn every_cloudcasa_operation_sends_what_the_document_says() {
    let server = recording_server().await;
    let client = cloudcasa_api::Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .bearer_token("exercise-token")
        .retry_policy(cloudgen_runtime::RetryPolicy::NONE)
        .build()
        .expect("client builds");
    let runs = run_all!(cloudcasa, client);
    let received = server.received_requests().await.expect("recording on");
    check("cloudcasa", &runs, &received, "/api");
}

#[tokio::test]
async fn every_cloudmc_operation_sends_what_the_document_says() {
    let server = recording_server().await;
    let client = cloudmc_api::Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .api_key("exercise-key")
        .retry_policy(cloudgen_runtime::RetryPolicy::NONE)
        .build()
        .expect("client builds");
    let runs = run_all!(cloudmc, client);
    let received = server.received_requests().await.expect("recording on");
    check("cloudmc", &runs, &received, "/api/v2");
}

#[tokio::test]
async fn every_spheron_operation_sends_what_the_document_says() {
    let server = recording_server().await;
    let client = spheron_api::Client::builder()
        .base_url(server.uri())
        .bearer_token("exercise-token")
        .retry_policy(cloudgen_runtime::RetryPolicy::NONE)
        .build()
        .expect("client builds");
    let runs = run_all!(spheron, client);
    let received = server.received_requests().await.expect("recording on");
    check("spheron", &runs, &received, "");
}
