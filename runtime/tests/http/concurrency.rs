//! A 412 race between two writers using `update_with`.

use std::sync::{Arc, Mutex};

use cloudgen_runtime::{ClientCore, Error, IfMatch, Request, update_with};
use http::Method;
use serde::{Deserialize, Serialize};
use wiremock::{Mock, MockServer, Respond, ResponseTemplate};

use crate::common::{Envelope, client};

const SERVER_MANAGED: &[&str] = &["_created", "_updated", "_links", "_etag"];

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Cluster {
    name: String,
    labels: Vec<String>,
    #[serde(rename = "_etag", default, skip_serializing_if = "Option::is_none")]
    etag: Option<String>,
    #[serde(rename = "_updated", default, skip_serializing_if = "Option::is_none")]
    updated: Option<String>,
}

/// Version, labels, statuses of the writes.
type State = (u32, Vec<String>, Vec<u16>);

/// An Eve-like resource: GET returns it with its ETag; PUT needs the current one.
#[derive(Clone, Default)]
struct Resource {
    state: Arc<Mutex<State>>,
}

impl Respond for Resource {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let mut state = self.state.lock().unwrap();
        let etag = format!("\"v{}\"", state.0);
        let body = |labels: &Vec<String>, etag: &str| serde_json::json!({"name": "c", "labels": labels, "_etag": etag, "_updated": "now"});
        if request.method == Method::GET {
            return ResponseTemplate::new(200)
                .insert_header("etag", etag.as_str())
                .set_body_json(body(&state.1, &etag));
        }
        let status = match request.headers.get("if-match") {
            None => 428,
            Some(v) if v.to_str().unwrap() != etag => 412,
            Some(_) => 200,
        };
        state.2.push(status);
        if status != 200 {
            return ResponseTemplate::new(status)
                .set_body_json(serde_json::json!({"_status": "ERR", "_error": {"code": status, "message": "stale"}}));
        }
        let sent: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
        assert!(
            sent.get("_etag").is_none() && sent.get("_updated").is_none(),
            "{sent}"
        );
        state.0 += 1;
        state.1 = serde_json::from_value(sent["labels"].clone()).unwrap();
        let etag = format!("\"v{}\"", state.0);
        ResponseTemplate::new(200)
            .insert_header("etag", etag.as_str())
            .set_body_json(body(&state.1, &etag))
    }
}

fn get() -> Request {
    Request::new(Method::GET, "/v1/kubeclusters/{id}").path_param("id", "c")
}

/// What generated code emits for `update_with(id, |resource| ...)`.
async fn add_label(
    client: &ClientCore,
    label: &str,
    barrier: Arc<tokio::sync::Barrier>,
) -> Result<Cluster, Error<Envelope>> {
    let mut first = true;
    update_with(
        3,
        || {
            let wait = std::mem::take(&mut first).then(|| barrier.clone());
            async move {
                let r = client.send_json::<Cluster, Envelope>(get()).await?;
                if let Some(barrier) = wait {
                    // Both writers have read version 0 before either writes.
                    barrier.wait().await;
                }
                let etag = r.etag().map(str::to_owned);
                Ok((r.into_inner(), etag))
            }
        },
        |cluster: &mut Cluster| cluster.labels.push(label.to_owned()),
        |cluster, etag| async move {
            let request = Request::new(Method::PUT, "/v1/kubeclusters/{id}")
                .path_param("id", "c")
                .json_body_without(&cluster, SERVER_MANAGED)
                .if_match(etag, IfMatch::Required);
            Ok(client
                .send_json::<Cluster, Envelope>(request)
                .await?
                .into_inner())
        },
    )
    .await
}

#[tokio::test]
async fn two_writers_race_and_the_loser_refetches() {
    let server = MockServer::start().await;
    let resource = Resource::default();
    Mock::given(wiremock::matchers::any())
        .respond_with(resource.clone())
        .mount(&server)
        .await;
    let (a, b) = (client(&server), client(&server));
    let barrier = Arc::new(tokio::sync::Barrier::new(2));
    let (ra, rb) = tokio::join!(
        add_label(&a, "a", barrier.clone()),
        add_label(&b, "b", barrier.clone())
    );
    ra.unwrap();
    rb.unwrap();
    let state = resource.state.lock().unwrap().clone();
    let mut labels = state.1.clone();
    labels.sort();
    assert_eq!(labels, ["a", "b"], "no lost update");
    assert_eq!(state.2, [200, 412, 200]);
    // 2 reads, 2 writes (one 412), 1 re-read, 1 write.
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}

#[tokio::test]
async fn update_with_gives_up_after_max_attempts() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("etag", "\"x\"")
                .set_body_json(serde_json::json!({"name": "c", "labels": []})),
        )
        .mount(&server)
        .await;
    Mock::given(wiremock::matchers::method("PUT"))
        .respond_with(ResponseTemplate::new(412))
        .mount(&server)
        .await;
    let c = client(&server);
    let barrier = Arc::new(tokio::sync::Barrier::new(1));
    let err = add_label(&c, "a", barrier).await.unwrap_err();
    assert!(matches!(err, Error::PreconditionFailed(_)), "{err:?}");
    assert_eq!(server.received_requests().await.unwrap().len(), 6);
}
