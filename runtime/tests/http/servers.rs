//! Operations with their own server (`servers` on a path or operation): used while the
//! client has its vendor's default base URL, ignored once the caller sets one.

use cloudgen_runtime::{AuthScheme, ClientBuilder, ClientCore, Request, VendorProfile};
use http::Method;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Envelope, TOKEN};

/// A profile whose default base URL is `<server>/api` (profiles are `'static`).
fn profile_for(server: &MockServer) -> &'static VendorProfile {
    let base: &'static str = Box::leak(format!("{}/api", server.uri()).into_boxed_str());
    Box::leak(Box::new(VendorProfile {
        name: "servers-vendor",
        default_base_url: base,
        auth: AuthScheme::Bearer,
        user_agent: "cloudgen-test/1.0",
        etag: None,
    }))
}

async fn answering(server: &MockServer, at: &str) {
    Mock::given(method("GET"))
        .and(path(at))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(server)
        .await;
}

fn default_client(profile: &'static VendorProfile) -> ClientCore {
    ClientBuilder::<ClientCore>::new(profile)
        .bearer_token(TOKEN)
        .build()
        .expect("builds")
}

#[tokio::test]
async fn a_relative_server_replaces_the_default_base_path() {
    let server = MockServer::start().await;
    answering(&server, "/other/v1/x").await;
    let client = default_client(profile_for(&server));
    client
        .send_empty::<Envelope>(Request::new(Method::GET, "/v1/x").server("/other"))
        .await
        .expect("sent to the operation's server");
}

#[tokio::test]
async fn an_absolute_server_sends_to_that_host() {
    let vendor = MockServer::start().await;
    let uploads = MockServer::start().await;
    answering(&uploads, "/files/v1/x").await;
    let client = default_client(profile_for(&vendor));
    let own: &'static str = Box::leak(format!("{}/files", uploads.uri()).into_boxed_str());
    client
        .send_empty::<Envelope>(Request::new(Method::GET, "/v1/x").server(own))
        .await
        .expect("sent to the other host");
    assert!(
        vendor
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[tokio::test]
async fn a_base_url_the_caller_set_wins() {
    let vendor = MockServer::start().await;
    let mock = MockServer::start().await;
    answering(&mock, "/mock/v1/x").await;
    let client = ClientBuilder::<ClientCore>::new(profile_for(&vendor))
        .base_url(format!("{}/mock", mock.uri()))
        .bearer_token(TOKEN)
        .build()
        .expect("builds");
    client
        .send_empty::<Envelope>(
            Request::new(Method::GET, "/v1/x").server("https://elsewhere.invalid"),
        )
        .await
        .expect("sent to the configured base URL");
}
