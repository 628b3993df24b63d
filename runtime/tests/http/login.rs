//! Login tokens (Palette `POST /v1/auth/authenticate`) and scopes.

use std::time::Duration;

use cloudgen_runtime::{
    AuthScheme, ClientBuilder, ClientCore, Error, LoginProvider, ManualClock, NextPage, Page,
    Request, Scope, VendorProfile,
};
use futures_util::StreamExt;
use http::Method;
use serde::Deserialize;
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

static PALETTE: VendorProfile = VendorProfile {
    name: "palette",
    default_base_url: "https://api.spectrocloud.com",
    auth: AuthScheme::ApiKey { header: "ApiKey" },
    user_agent: "palette-test/1",
    etag: None,
};

fn palette(server: &MockServer, clock: ManualClock) -> ClientCore {
    ClientBuilder::new(&PALETTE)
        .base_url(server.uri())
        .token_provider(LoginProvider::palette("me@example.com", "pw-SECRET"))
        .clock(clock)
        .jitter_seed(1)
        .build()
        .unwrap()
}

async fn login_returns(server: &MockServer, jwt: &str, times: u64) {
    Mock::given(method("POST"))
        .and(path("/v1/auth/authenticate"))
        .and(body_json(
            serde_json::json!({"emailId": "me@example.com", "password": "pw-SECRET"}),
        ))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"Authorization": jwt}))
                .set_delay(Duration::from_millis(20)),
        )
        .up_to_n_times(times)
        .mount(server)
        .await;
}

async fn logins(server: &MockServer) -> usize {
    server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.url.path() == "/v1/auth/authenticate")
        .count()
}

fn get(path: &'static str) -> Request {
    Request::new(Method::GET, path)
}

#[tokio::test]
async fn concurrent_callers_share_one_login_and_token_is_sent_raw() {
    let server = MockServer::start().await;
    login_returns(&server, "jwt-SECRET-1", 10).await;
    Mock::given(method("GET"))
        .and(header("authorization", "jwt-SECRET-1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({})))
        .mount(&server)
        .await;
    let client = palette(&server, ManualClock::default());
    let calls = (0..8).map(|_| {
        let c = client.clone();
        async move {
            c.send_json::<serde_json::Value, serde_json::Value>(get("/v1/users/me"))
                .await
        }
    });
    for r in futures_util::future::join_all(calls).await {
        r.unwrap();
    }
    assert_eq!(logins(&server).await, 1);
    assert!(!format!("{client:?}").contains("SECRET"));
}

#[tokio::test]
async fn token_is_refreshed_before_expiry() {
    let server = MockServer::start().await;
    login_returns(&server, "jwt-1", 1).await;
    login_returns(&server, "jwt-2", 1).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let clock = ManualClock::default();
    let client = palette(&server, clock.clone());
    client
        .send_empty::<serde_json::Value>(get("/v1/users"))
        .await
        .unwrap();
    clock.advance(Duration::from_secs(13 * 60));
    client
        .send_empty::<serde_json::Value>(get("/v1/users"))
        .await
        .unwrap();
    assert_eq!(logins(&server).await, 1, "13 minutes: still valid");
    clock.advance(Duration::from_secs(60) + Duration::from_millis(1));
    client
        .send_empty::<serde_json::Value>(get("/v1/users"))
        .await
        .unwrap();
    assert_eq!(
        logins(&server).await,
        2,
        "within the 60 s margin: refreshed"
    );
    let auth: Vec<String> = server
        .received_requests()
        .await
        .unwrap()
        .iter()
        .filter(|r| r.method == Method::GET)
        .map(|r| r.headers["authorization"].to_str().unwrap().to_owned())
        .collect();
    assert_eq!(auth, ["jwt-1", "jwt-1", "jwt-2"]);
}

#[derive(Debug, Deserialize)]
struct PalettePage {
    items: Vec<u32>,
    listmeta: ListMeta,
}

#[derive(Debug, Deserialize)]
struct ListMeta {
    #[serde(rename = "continue", default)]
    continue_token: String,
}

impl Page for PalettePage {
    type Item = u32;
    fn next_page(&self) -> NextPage {
        NextPage::Token {
            param: "continue",
            value: self.listmeta.continue_token.clone(),
        }
    }
    fn into_items(self) -> Vec<u32> {
        self.items
    }
}

fn palette_page(items: &[u32], next: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        serde_json::json!({"items": items, "listmeta": {"continue": next, "count": 5}}),
    )
}

#[tokio::test]
async fn token_expiring_mid_pagination_is_refreshed_once_and_listing_continues() {
    let server = MockServer::start().await;
    login_returns(&server, "jwt-1", 1).await;
    login_returns(&server, "jwt-2", 1).await;
    let list = || path("/v1/spectroclusters");
    Mock::given(list())
        .and(query_param_is_missing("continue"))
        .and(header("authorization", "jwt-1"))
        .respond_with(palette_page(&[1, 2], "c1"))
        .mount(&server)
        .await;
    // The server expired jwt-1 early.
    Mock::given(list())
        .and(header("authorization", "jwt-1"))
        .respond_with(ResponseTemplate::new(401).set_body_string("token expired"))
        .mount(&server)
        .await;
    Mock::given(list())
        .and(query_param("continue", "c1"))
        .and(header("authorization", "jwt-2"))
        .respond_with(palette_page(&[3, 4], "c2"))
        .mount(&server)
        .await;
    Mock::given(list())
        .and(query_param("continue", "c2"))
        .and(header("authorization", "jwt-2"))
        .respond_with(palette_page(&[5], ""))
        .mount(&server)
        .await;
    let client = palette(&server, ManualClock::default());
    let items: Vec<u32> = client
        .items::<PalettePage, serde_json::Value>(get("/v1/spectroclusters").query("limit", 2), None)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, [1, 2, 3, 4, 5]);
    assert_eq!(logins(&server).await, 2);
    // login, page 1, page 2 (401), login, page 2, page 3.
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}

#[tokio::test]
async fn a_second_401_is_returned_and_login_failures_hide_the_password() {
    let server = MockServer::start().await;
    login_returns(&server, "jwt-1", 2).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(401))
        .mount(&server)
        .await;
    let client = palette(&server, ManualClock::default());
    let err = client
        .send_empty::<serde_json::Value>(get("/v1/users"))
        .await
        .unwrap_err();
    assert_eq!(err.status(), Some(http::StatusCode::UNAUTHORIZED));
    assert_eq!(logins(&server).await, 2);
    assert_eq!(server.received_requests().await.unwrap().len(), 4);

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(401).set_body_string("bad credentials"))
        .mount(&server)
        .await;
    let err = palette(&server, ManualClock::default())
        .send_empty::<serde_json::Value>(get("/v1/users"))
        .await
        .unwrap_err();
    assert!(
        matches!(err, Error::Auth { .. }) && !err.was_sent(),
        "{err:?}"
    );
    let shown = format!("{err} {err:?}");
    assert!(!shown.contains("pw-SECRET"), "{shown}");
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn scopes_add_headers_and_query_and_share_the_token_cache() {
    let server = MockServer::start().await;
    login_returns(&server, "jwt-1", 5).await;
    Mock::given(method("GET"))
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let tenant = palette(&server, ManualClock::default());
    let project = tenant
        .with_scope(
            Scope::new()
                .header("ProjectUid", "p-1")
                .query("org_id", "o-1"),
        )
        .unwrap();
    tenant
        .send_empty::<serde_json::Value>(get("/v1/a"))
        .await
        .unwrap();
    project
        .send_empty::<serde_json::Value>(get("/v1/b"))
        .await
        .unwrap();
    project
        .send_empty::<serde_json::Value>(get("/v1/c").query("org_id", "mine"))
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let gets: Vec<_> = received
        .iter()
        .filter(|r| r.method == Method::GET)
        .collect();
    assert!(gets[0].headers.get("projectuid").is_none());
    assert_eq!(gets[0].url.query(), None);
    assert_eq!(gets[1].headers["projectuid"], "p-1");
    assert_eq!(gets[1].url.query(), Some("org_id=o-1"));
    assert_eq!(gets[2].url.query(), Some("org_id=mine"), "the request wins");
    assert_eq!(logins(&server).await, 1, "scoped copies share the token");
    assert!(
        tenant
            .with_scope(Scope::new().header("bad name", "x"))
            .is_err()
    );
}
