//! Answers shaped like the vendors' real ones (`tests/payloads/`, written from their
//! documented examples) decode through the generated clients on a loopback server, into
//! the typed values a user reads; a field of the wrong type fails with the JSON path of
//! that field, and nothing of the body is lost.

use futures_util::TryStreamExt;
use serde_json::Value;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn payload(name: &str) -> Value {
    let file = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("payloads")
        .join(name);
    let text = std::fs::read_to_string(&file).unwrap_or_else(|e| panic!("{}: {e}", file.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", file.display()))
}

async fn serve(route: &str, body: &Value) -> MockServer {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(ResponseTemplate::new(200).set_body_json(body))
        .mount(&server)
        .await;
    server
}

fn palette(server: &MockServer) -> palette_api::Client {
    palette_api::Client::builder()
        .base_url(server.uri())
        .api_key("key")
        .build()
        .expect("client")
}

fn cloudcasa(server: &MockServer) -> cloudcasa_api::Client {
    cloudcasa_api::Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .bearer_token("token")
        .build()
        .expect("client")
}

#[tokio::test]
async fn palette_users_page_decodes_with_typed_timestamps() {
    let server = serve("/v1/users", &payload("palette/users_page.json")).await;
    let page = palette(&server)
        .users_list()
        .send()
        .await
        .expect("the page decodes")
        .into_inner();
    assert_eq!(page.items.len(), 2);
    let first = &page.items[0];
    let meta = first.metadata.as_ref().expect("metadata");
    let created = meta.creation_timestamp.expect("creationTimestamp");
    assert_eq!(created.to_rfc3339(), "2024-03-05T08:09:10.123456789+00:00");
    let modified = meta.last_modified_timestamp.expect("lastModifiedTimestamp");
    assert_eq!(
        modified.to_rfc3339(),
        "2024-06-01T06:30:00+00:00",
        "offsets become UTC"
    );
    assert_eq!(meta.deletion_timestamp, None, "null is None");
    let status = first.status.as_ref().expect("status");
    assert_eq!(status.is_active, Some(true));
    let second = &page.items[1];
    assert_eq!(
        second
            .spec
            .as_ref()
            .and_then(|s| s.roles.as_ref())
            .map(Vec::len),
        Some(0)
    );
    let listmeta = page.listmeta.as_ref().expect("listmeta");
    assert_eq!(listmeta.r#continue.as_deref(), Some("eyJvZmZzZXQiOjJ9"));
}

#[tokio::test]
async fn cloudcasa_page_and_backup_decode_and_keep_unknown_fields() {
    let server = serve(
        "/api/v1/kubeclusters",
        &payload("cloudcasa/kubeclusters_page.json"),
    )
    .await;
    let clusters: Vec<_> = cloudcasa(&server)
        .list_kubeclusters()
        .items()
        .try_collect()
        .await
        .expect("the page decodes");
    assert_eq!(clusters.len(), 2);
    assert_eq!(clusters[0].name, "testcluster");
    let status = clusters[0].status.as_ref().expect("status");
    assert_eq!(status.state.as_ref().map(|s| s.as_str()), Some("ACTIVE"));
    assert_eq!(status.state_or_default().as_str(), "ACTIVE");
    assert_eq!(status.agent_version, Some(341));
    assert_eq!(
        clusters[0].created.as_deref(),
        Some("Fri, 08 May 2020 17:41:58 GMT")
    );

    let backup = payload("cloudcasa/kubebackup.json");
    let id = backup["_id"].as_str().expect("an id").to_owned();
    let server = serve(&format!("/api/v1/kubebackups/{id}"), &backup).await;
    let decoded = cloudcasa(&server)
        .get_kubebackup(&id)
        .send()
        .await
        .expect("the backup decodes")
        .into_inner();
    assert_eq!(decoded.name, "nightly");
    let status = decoded.status.as_ref().expect("status");
    assert_eq!(status.last_job_run_time, Some(1_700_000_000));
    assert_eq!(status.jobs.as_ref().map(Vec::len), Some(1));
    // Everything the document declares, read back, is what was received (read-only
    // metadata aside, which a client never sends).
    let mut sent = serde_json::to_value(&decoded).expect("encodes");
    let mut expected = backup.clone();
    for meta in ["_id", "_etag", "_created", "_updated"] {
        expected.as_object_mut().expect("object").remove(meta);
        sent.as_object_mut().expect("object").remove(meta);
    }
    assert_eq!(sent, expected);
}

#[tokio::test]
async fn a_field_of_the_wrong_type_names_its_path_and_keeps_the_body() {
    let mut body = payload("palette/users_page.json");
    body["items"][1]["status"]["isActive"] = Value::String("yes".into());
    let server = serve("/v1/users", &body).await;
    let err = palette(&server)
        .users_list()
        .send()
        .await
        .expect_err("a string is not a boolean");
    let text = err.to_string();
    assert!(text.contains("items[1].status.isActive"), "{text}");
    match err {
        palette_api::runtime::Error::Decode {
            path, body: raw, ..
        } => {
            assert_eq!(path, "items[1].status.isActive");
            assert_eq!(
                serde_json::from_slice::<Value>(&raw).expect("the raw body is kept"),
                body
            );
        }
        other => panic!("not a decode error: {other:?}"),
    }

    let mut bad_time = payload("palette/users_page.json");
    bad_time["items"][0]["metadata"]["creationTimestamp"] = Value::String("yesterday".into());
    let server = serve("/v1/users", &bad_time).await;
    let err = palette(&server)
        .users_list()
        .send()
        .await
        .expect_err("not RFC 3339");
    assert!(
        err.to_string()
            .contains("items[0].metadata.creationTimestamp"),
        "{err}"
    );
}
