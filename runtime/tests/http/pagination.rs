//! Page and item streams over Eve-style `_links.next.href` pagination.

use cloudgen_runtime::{Error, NextPage, Page, Request};
use futures_util::StreamExt;
use http::Method;
use serde::Deserialize;
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Envelope, client};

#[derive(Debug, Deserialize)]
struct ClusterPage {
    #[serde(rename = "_items")]
    items: Vec<u32>,
    #[serde(rename = "_links", default)]
    links: Links,
}

#[derive(Debug, Default, Deserialize)]
struct Links {
    next: Option<Link>,
}

#[derive(Debug, Deserialize)]
struct Link {
    href: String,
}

impl Page for ClusterPage {
    type Item = u32;

    fn next_page(&self) -> NextPage {
        match &self.links.next {
            Some(link) => NextPage::Link(link.href.clone()),
            None => NextPage::Done,
        }
    }

    fn into_items(self) -> Vec<u32> {
        self.items
    }
}

fn page(items: &[u32], next: Option<&str>) -> ResponseTemplate {
    let mut body = serde_json::json!({"_items": items, "_meta": {"total": 7}});
    if let Some(href) = next {
        body["_links"] = serde_json::json!({"next": {"href": href, "title": "next page"}});
    }
    ResponseTemplate::new(200).set_body_json(body)
}

/// Page 1 without `page`, pages 2 and 3 reached through relative links of both shapes.
async fn three_pages(server: &MockServer) {
    let list = || path("/api/v1/kubeclusters");
    Mock::given(method("GET"))
        .and(list())
        .and(query_param_is_missing("page"))
        .respond_with(page(
            &[1, 2, 3],
            Some("v1/kubeclusters?max_results=3&page=2"),
        ))
        .mount(server)
        .await;
    Mock::given(list())
        .and(query_param("page", "2"))
        .and(query_param("max_results", "3"))
        .respond_with(page(
            &[4, 5, 6],
            Some("/v1/kubeclusters?max_results=3&page=3"),
        ))
        .mount(server)
        .await;
    Mock::given(list())
        .and(query_param("page", "3"))
        .respond_with(page(&[7], None))
        .mount(server)
        .await;
}

fn list() -> Request {
    Request::new(Method::GET, "/v1/kubeclusters").query("max_results", 3)
}

#[tokio::test]
async fn follows_next_links_through_three_pages() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let client = client(&server);
    let pages: Vec<ClusterPage> = client
        .pages::<ClusterPage, Envelope>(list())
        .map(|p| p.unwrap())
        .collect()
        .await;
    assert_eq!(
        pages.iter().map(|p| p.items.len()).collect::<Vec<_>>(),
        [3, 3, 1]
    );
    let items: Vec<u32> = client
        .items::<ClusterPage, Envelope>(list(), None)
        .map(|i| i.unwrap())
        .collect()
        .await;
    assert_eq!(items, [1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}

#[tokio::test]
async fn max_items_stops_without_fetching_more_pages() {
    let server = MockServer::start().await;
    three_pages(&server).await;
    let items: Vec<u32> = client(&server)
        .items::<ClusterPage, Envelope>(list(), Some(4))
        .map(|i| i.unwrap())
        .collect()
        .await;
    assert_eq!(items, [1, 2, 3, 4]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);

    let none: Vec<_> = client(&server)
        .items::<ClusterPage, Envelope>(list(), Some(0))
        .collect()
        .await;
    assert!(none.is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn repeated_next_link_ends_the_stream() {
    let server = MockServer::start().await;
    Mock::given(query_param("page", "2"))
        .respond_with(page(&[2], Some("v1/kubeclusters?max_results=3&page=2")))
        .mount(&server)
        .await;
    Mock::given(query_param_is_missing("page"))
        .respond_with(page(&[1], Some("v1/kubeclusters?max_results=3&page=2")))
        .mount(&server)
        .await;
    let items: Vec<u32> = client(&server)
        .items::<ClusterPage, Envelope>(list(), None)
        .map(|i| i.unwrap())
        .collect()
        .await;
    assert_eq!(items, [1, 2]);
    assert_eq!(server.received_requests().await.unwrap().len(), 2);
}

#[tokio::test]
async fn empty_page_ends_the_item_stream() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("page"))
        .respond_with(page(&[], Some("v1/kubeclusters?page=2")))
        .mount(&server)
        .await;
    let items: Vec<_> = client(&server)
        .items::<ClusterPage, Envelope>(list(), None)
        .collect()
        .await;
    assert!(items.is_empty());
    assert_eq!(server.received_requests().await.unwrap().len(), 1);
}

#[tokio::test]
async fn error_on_second_page_is_yielded_then_the_stream_ends() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("page"))
        .respond_with(page(&[1, 2], Some("v1/kubeclusters?page=2")))
        .mount(&server)
        .await;
    Mock::given(query_param("page", "2"))
        .respond_with(ResponseTemplate::new(500).set_body_json(
            serde_json::json!({"_status": "ERR", "_error": {"code": 500, "message": "boom"}}),
        ))
        .mount(&server)
        .await;
    let results: Vec<Result<u32, Error<Envelope>>> = client(&server)
        .items::<ClusterPage, Envelope>(list(), None)
        .collect()
        .await;
    assert_eq!(results.len(), 3);
    assert_eq!(results[0].as_ref().ok(), Some(&1));
    assert_eq!(results[1].as_ref().ok(), Some(&2));
    let err = results[2].as_ref().unwrap_err();
    assert_eq!(
        err.envelope().map(|e| e.error.message.as_str()),
        Some("boom")
    );

    let pages: Vec<_> = client(&server)
        .pages::<ClusterPage, Envelope>(list())
        .collect()
        .await;
    assert_eq!(pages.len(), 2);
    assert!(pages[0].is_ok() && pages[1].is_err());
    assert_eq!(server.received_requests().await.unwrap().len(), 4);
}

#[test]
fn streams_are_send_static_and_unpin() {
    fn assert_traits<T: Send + Unpin + 'static>() {}
    assert_traits::<cloudgen_runtime::Pages<ClusterPage, Envelope>>();
    assert_traits::<cloudgen_runtime::Items<ClusterPage, Envelope>>();
}

/// Spheron-style skip/limit over a bare array.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
struct OffsetPage(Vec<u32>);

impl Page for OffsetPage {
    type Item = u32;
    fn next_page(&self) -> NextPage {
        NextPage::Offset {
            param: "skip",
            increment: self.0.len() as u64,
            limit_param: Some("limit"),
        }
    }
    fn into_items(self) -> Vec<u32> {
        self.0
    }
}

#[tokio::test]
async fn skip_limit_stops_on_a_short_page() {
    let server = MockServer::start().await;
    for (skip, items) in [("0", vec![1, 2]), ("2", vec![3, 4]), ("4", vec![5])] {
        Mock::given(query_param("skip", skip))
            .respond_with(ResponseTemplate::new(200).set_body_json(items))
            .expect(1)
            .mount(&server)
            .await;
    }
    let items: Vec<u32> = client(&server)
        .items::<OffsetPage, Envelope>(
            Request::new(Method::GET, "/v1/projects")
                .query("skip", 0)
                .query("limit", 2),
            None,
        )
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(items, [1, 2, 3, 4, 5]);
}

/// Pages linked by an RFC 8288 `Link` header.
#[derive(Debug, Deserialize)]
#[serde(transparent)]
struct LinkPage(Vec<u32>);

impl Page for LinkPage {
    type Item = u32;
    fn next_page(&self) -> NextPage {
        NextPage::LinkHeader
    }
    fn into_items(self) -> Vec<u32> {
        self.0
    }
}

#[tokio::test]
async fn link_header_pagination_and_max_items() {
    let server = MockServer::start().await;
    Mock::given(query_param_is_missing("page"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", "<https://x.example/v1/l?page=2>; rel=\"next\"")
                .set_body_json([1, 2]),
        )
        .mount(&server)
        .await;
    Mock::given(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("link", "<https://x.example/v1/l?page=1>; rel=\"prev\"")
                .set_body_json([3]),
        )
        .mount(&server)
        .await;
    let c = client(&server);
    let all: Vec<u32> = c
        .items::<LinkPage, Envelope>(Request::new(Method::GET, "/v1/l"), None)
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(all, [1, 2, 3]);
    let first_two: Vec<u32> = c
        .items::<LinkPage, Envelope>(Request::new(Method::GET, "/v1/l"), Some(2))
        .map(Result::unwrap)
        .collect()
        .await;
    assert_eq!(first_two, [1, 2]);
    // max_items = 2 never fetched page 2: 2 + 1 requests.
    assert_eq!(server.received_requests().await.unwrap().len(), 3);
}
