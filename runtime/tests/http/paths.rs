//! Path parameters arrive as exactly one segment; query parameters are form-encoded.

use cloudgen_runtime::{Error, Request};
use http::Method;
use percent_encoding::percent_decode_str;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::client;

#[tokio::test]
async fn path_parameters_reach_the_server_as_one_segment() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let client = client(&server);
    let values = [
        "a/b?c#d",
        "...",
        "with space",
        "naïve-日本",
        "100%",
        "%2E%2E",
        "a+b&c=d",
        "{id}",
    ];
    for value in values {
        let req = Request::new(Method::GET, "/v1/clusters/{id}/status").path_param("id", value);
        client.send_empty::<serde_json::Value>(req).await.unwrap();
    }
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), values.len());
    for (request, value) in received.iter().zip(values) {
        let segments: Vec<&str> = request.url.path_segments().unwrap().collect();
        assert_eq!(segments.len(), 5, "{value}: {}", request.url.path());
        assert_eq!(&segments[..3], ["api", "v1", "clusters"]);
        assert_eq!(segments[4], "status");
        assert_eq!(
            percent_decode_str(segments[3]).decode_utf8().unwrap(),
            value
        );
        assert!(request.url.query().is_none());
    }
}

#[tokio::test]
async fn unsendable_path_parameters_are_errors_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let cases = [
        Request::new(Method::GET, "/v1/x/{id}").path_param("id", ""),
        Request::new(Method::GET, "/v1/x/{id}").path_param("id", "."),
        Request::new(Method::GET, "/v1/x/{id}").path_param("id", ".."),
        Request::new(Method::GET, "/v1/x/{id}"),
        Request::new(Method::GET, "/v1/x").path_param("id", "1"),
    ];
    for req in cases {
        let err = client
            .send_empty::<serde_json::Value>(req)
            .await
            .unwrap_err();
        assert!(matches!(err, Error::InvalidRequest { .. }), "{err:?}");
        assert!(!err.was_sent());
    }
    assert_eq!(server.received_requests().await.unwrap().len(), 0);
}

#[tokio::test]
async fn query_parameters_are_form_encoded_and_optional_ones_omitted() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&server)
        .await;
    // A base URL with a trailing slash joins the same way.
    let client: cloudgen_runtime::ClientCore =
        cloudgen_runtime::ClientBuilder::new(&crate::common::BEARER)
            .base_url(format!("{}/api/", server.uri()))
            .build()
            .unwrap();
    let req = Request::new(Method::GET, "/v1/kubeclusters")
        .query("where", r#"{"name":"a b&c"}"#)
        .query_opt("sort", None::<&str>)
        .query_opt("max_results", Some(25))
        .query("q", "é=1+2");
    client
        .send_json::<Vec<u8>, serde_json::Value>(req)
        .await
        .unwrap();
    let received = server.received_requests().await.unwrap();
    let url = &received[0].url;
    assert_eq!(url.path(), "/api/v1/kubeclusters");
    let pairs: Vec<(String, String)> = url.query_pairs().into_owned().collect();
    assert_eq!(
        pairs,
        [
            ("where".to_owned(), r#"{"name":"a b&c"}"#.to_owned()),
            ("max_results".to_owned(), "25".to_owned()),
            ("q".to_owned(), "é=1+2".to_owned()),
        ]
    );
}

/// Object query parameters arrive as the server decodes them: exploded form, deepObject
/// (brackets percent-encoded on the wire), and form without explode.
#[tokio::test]
async fn object_query_parameters_in_each_style() {
    use cloudgen_runtime::ObjectStyle;
    use wiremock::matchers::query_param;

    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .and(wiremock::matchers::path("/api/v1/clusters"))
        .and(query_param("size", "10"))
        .and(query_param("filter[state]", "running"))
        .and(query_param("point", "x,1.5,y,2"))
        .respond_with(wiremock::ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let request = cloudgen_runtime::Request::new(http::Method::GET, "/v1/clusters")
        .query_object(
            "page",
            &serde_json::json!({"size": 10}),
            ObjectStyle::FormExploded,
        )
        .query_object(
            "filter",
            &serde_json::json!({"state": "running", "ids": ["a", "b"]}),
            ObjectStyle::DeepObject,
        )
        .query_object(
            "point",
            &serde_json::json!({"x": 1.5, "y": 2}),
            ObjectStyle::Form,
        );
    crate::common::client(&server)
        .send_empty::<crate::common::Envelope>(request)
        .await
        .expect("the server saw the expected query");
    let received = server.received_requests().await.unwrap_or_default();
    let query = received[0].url.query().unwrap_or_default().to_owned();
    assert!(
        query.contains("filter%5Bids%5D=a&filter%5Bids%5D=b"),
        "{query}"
    );
}

/// A nested object has no query form: an error before anything is sent.
#[tokio::test]
async fn a_nested_object_query_parameter_is_refused() {
    let server = wiremock::MockServer::start().await;
    let request = cloudgen_runtime::Request::new(http::Method::GET, "/v1/clusters").query_object(
        "filter",
        &serde_json::json!({"created": {"after": "2024"}}),
        cloudgen_runtime::ObjectStyle::DeepObject,
    );
    let err = crate::common::client(&server)
        .send_empty::<crate::common::Envelope>(request)
        .await
        .unwrap_err();
    assert!(err.to_string().contains("`created`"), "{err}");
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

/// Object parameters outside the query travel as one string: `simple` in paths and
/// headers (plain and exploded), unexploded `form` in cookies.
#[tokio::test]
async fn object_parameters_in_paths_headers_and_cookies() {
    use cloudgen_runtime::ObjectPlace;

    let server = wiremock::MockServer::start().await;
    wiremock::Mock::given(wiremock::matchers::method("GET"))
        .respond_with(wiremock::ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let rgb = serde_json::json!({"r": 1, "g": 2, "b": 3});
    let request = cloudgen_runtime::Request::new(http::Method::GET, "/v1/colors/{rgb}")
        .object_param(ObjectPlace::Path, "rgb", &rgb, false)
        .object_param(ObjectPlace::Header, "X-Tint", &rgb, true)
        .object_param_opt(ObjectPlace::Cookie, "pref", Some(&rgb), false);
    crate::common::client(&server)
        .send_empty::<crate::common::Envelope>(request)
        .await
        .expect("sent");
    let received = server.received_requests().await.unwrap_or_default();
    let headers = &received[0].headers;
    let text = |name: &str| {
        headers
            .get(name)
            .and_then(|v| v.to_str().ok())
            .map(str::to_owned)
    };
    assert_eq!(text("x-tint").as_deref(), Some("b=3,g=2,r=1"));
    assert_eq!(
        text("cookie").as_deref(),
        Some("pref=b%2C3%2Cg%2C2%2Cr%2C1")
    );
    let path = percent_decode_str(received[0].url.path())
        .decode_utf8_lossy()
        .into_owned();
    assert_eq!(path, "/api/v1/colors/b,3,g,2,r,1");
}
