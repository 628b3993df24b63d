//! The generated Palette client end to end, against a real HTTP server on loopback:
//! API-key auth, the `ProjectUid` project scope, `continue`-token pagination, the
//! 15-minute login token, and the `V1Error` envelope.

use futures_util::TryStreamExt;
use palette_api::Client;
use palette_api::models::V1User;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const API_KEY: &str = "palette-key-7d2e";

fn user(uid: &str) -> Value {
    json!({"metadata": {"uid": uid, "name": format!("user-{uid}")}, "spec": {"emailId": format!("{uid}@example.com")}})
}

fn page(uids: &[&str], next: &str) -> Value {
    let items: Vec<Value> = uids.iter().map(|u| user(u)).collect();
    json!({"items": items, "listmeta": {"continue": next, "count": 5, "limit": 2, "offset": 0}})
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

fn query(req: &Request, name: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn lists_users_of_a_project_across_continue_tokens() {
    let server = MockServer::start().await;
    for (token, uids, next) in [
        (None, vec!["u1", "u2"], "tok-2"),
        (Some("tok-2"), vec!["u3", "u4"], "tok-3"),
        (Some("tok-3"), vec!["u5"], ""),
    ] {
        let mock = Mock::given(method("GET")).and(path("/v1/users"));
        let mock = match token {
            Some(t) => mock.and(query_param("continue", t)),
            None => mock,
        };
        mock.respond_with(ResponseTemplate::new(200).set_body_json(page(&uids, next)))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    let tenant = Client::builder()
        .base_url(server.uri())
        .api_key(API_KEY)
        .build()
        .expect("client");
    let project = tenant.with_project("proj-42").expect("scoped client");

    let users: Vec<V1User> = project
        .users_list()
        .limit(2)
        .items()
        .try_collect()
        .await
        .expect("three pages");
    let uids: Vec<&str> = users
        .iter()
        .filter_map(|u| u.metadata.as_ref()?.uid.as_deref())
        .collect();
    assert_eq!(uids, ["u1", "u2", "u3", "u4", "u5"]);

    let requests = server.received_requests().await.expect("recording on");
    assert_eq!(
        requests.len(),
        3,
        "the empty continue token ends the listing"
    );
    for (i, req) in requests.iter().enumerate() {
        assert_eq!(req.method.as_str(), "GET");
        assert_eq!(req.url.path(), "/v1/users");
        assert_eq!(header(req, "apikey"), Some(API_KEY));
        assert_eq!(
            header(req, "projectuid"),
            Some("proj-42"),
            "request {i} is project-scoped"
        );
        assert_eq!(query(req, "limit").as_deref(), Some("2"));
        let expected = [None, Some("tok-2"), Some("tok-3")][i];
        assert_eq!(query(req, "continue").as_deref(), expected);
    }

    // The tenant client is unchanged by deriving a project client.
    Mock::given(method("GET"))
        .and(path("/v1/users/u1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1")))
        .mount(&server)
        .await;
    tenant.users_uid_get("u1").send().await.expect("tenant get");
    let last = server.received_requests().await.expect("recording on");
    let last = last.last().expect("a request");
    assert_eq!(
        header(last, "projectuid"),
        None,
        "tenant scope sends no ProjectUid"
    );
}

#[tokio::test]
async fn logs_in_once_and_sends_the_raw_jwt() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/authenticate"))
        .and(body_json(
            json!({"emailId": "ops@example.com", "password": "s3cret!"}),
        ))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"Authorization": "jwt.abc.def"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/users/u9"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u9")))
        .mount(&server)
        .await;
    let builder = Client::builder()
        .base_url(server.uri())
        .token_provider(Client::login("ops@example.com", "s3cret!"));
    assert!(
        !format!("{builder:?}").contains("s3cret!"),
        "password never printed"
    );
    let client = builder.build().expect("client");
    for _ in 0..3 {
        let fetched = client.users_uid_get("u9").send().await.expect("fetched");
        assert_eq!(
            fetched.metadata.as_ref().and_then(|m| m.uid.as_deref()),
            Some("u9")
        );
    }
    let requests = server.received_requests().await.expect("recording on");
    let gets: Vec<&Request> = requests
        .iter()
        .filter(|r| r.method.as_str() == "GET")
        .collect();
    assert_eq!(gets.len(), 3);
    for get in gets {
        assert_eq!(
            header(get, "authorization"),
            Some("jwt.abc.def"),
            "raw JWT, no Bearer"
        );
    }
}

#[tokio::test]
async fn errors_decode_into_v1_error() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "code": "ResourceNotFound",
            "message": "User 'missing' not found",
            "ref": "req-123"
        })))
        .mount(&server)
        .await;
    let client = Client::builder()
        .base_url(server.uri())
        .api_key(API_KEY)
        .build()
        .expect("client");
    let err = client
        .users_uid_get("missing")
        .send()
        .await
        .expect_err("404");
    assert!(err.is_not_found());
    let envelope = err.envelope().expect("V1Error decoded");
    assert_eq!(envelope.code.as_deref(), Some("ResourceNotFound"));
    assert_eq!(envelope.r#ref.as_deref(), Some("req-123"));
    assert!(
        !format!("{err:?}").contains(API_KEY),
        "credentials never in errors"
    );
}

#[tokio::test]
async fn logs_in_then_pages_the_project_cluster_search_within_the_rate_limit() {
    use palette_api::runtime::ManualClock;

    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/auth/authenticate"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(json!({"Authorization": "jwt.search"})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let cluster = |uid: &str| json!({"metadata": {"uid": uid, "name": format!("cluster-{uid}")}});
    // Eight pages of one cluster each: the POST search is re-sent with each cursor.
    for page in 0..8 {
        let next = if page < 7 {
            format!("tok-{}", page + 1)
        } else {
            String::new()
        };
        let search = Mock::given(method("POST"))
            .and(path("/v1/dashboard/spectroclusters/search"))
            .and(body_json(json!({"filter": {}})));
        let search = match page {
            0 => search.and(wiremock::matchers::query_param_is_missing("continue")),
            n => search.and(query_param("continue", format!("tok-{n}"))),
        };
        search
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "items": [cluster(&format!("c{page}"))],
                "listmeta": {"continue": next}
            })))
            .expect(1)
            .mount(&server)
            .await;
    }
    // A manual clock: the client-side rate limit's waits are recorded, not slept.
    let clock =
        ManualClock::new(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000));
    let client = Client::builder()
        .base_url(server.uri())
        .token_provider(Client::login("ops@example.com", "s3cret!"))
        .clock(clock.clone())
        .build()
        .expect("client")
        .with_project("proj-7")
        .expect("scope");

    let body: palette_api::models::V1SearchFilterSummarySpec =
        serde_json::from_value(json!({"filter": {}})).expect("an empty filter");
    let clusters: Vec<_> = client
        .spectro_clusters_search_filter_summary()
        .body(body)
        .items()
        .try_collect()
        .await
        .expect("every page");
    let names: Vec<_> = clusters
        .iter()
        .filter_map(|c| c.metadata.as_ref().and_then(|m| m.name.clone()))
        .collect();
    assert_eq!(names.len(), 8);
    assert_eq!(names[7], "cluster-c7");

    let requests = server.received_requests().await.expect("recorded");
    let searches: Vec<&Request> = requests
        .iter()
        .filter(|r| r.url.path() == "/v1/dashboard/spectroclusters/search")
        .collect();
    assert_eq!(searches.len(), 8);
    for search in &searches {
        assert_eq!(header(search, "projectuid"), Some("proj-7"));
        assert_eq!(header(search, "authorization"), Some("jwt.search"));
    }
    // 10 requests/s with a burst of 5 (the documented default): the first five go at
    // once, the next three each wait about 100 ms for a token.
    let waits = clock.sleeps();
    assert!(
        waits.len() >= 3,
        "the requests past the burst waited for the rate limit: {waits:?}"
    );
    assert!(
        waits
            .iter()
            .all(|w| *w <= std::time::Duration::from_millis(200)),
        "{waits:?}"
    );
}

/// `send()` returns the runtime's future, which owns a clone of the client: it can be
/// spawned on another thread (`Send + 'static`) and still runs after the client that
/// made it is dropped.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sent_request_is_a_spawnable_future_that_outlives_its_client() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/users/u1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(user("u1")))
        .expect(1)
        .mount(&server)
        .await;
    let request = {
        let client = Client::builder()
            .base_url(server.uri())
            .api_key(API_KEY)
            .build()
            .expect("client");
        client.users_uid_get("u1").send()
    };
    let fetched = tokio::spawn(request)
        .await
        .expect("the task ran")
        .expect("200");
    assert_eq!(
        fetched.metadata.as_ref().and_then(|m| m.uid.as_deref()),
        Some("u1")
    );
}
