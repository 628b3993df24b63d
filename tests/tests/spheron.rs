//! The generated Spheron client end to end, against a real HTTP server on loopback:
//! bearer auth, `skip`/`limit` paging (an object page and a bare-array page), the
//! `…/count` endpoints, a deployment create, unknown response keys, and the
//! `{error, message}` envelope.

use futures_util::TryStreamExt;
use serde_json::{Value, json};
use spheron_api::Client;
use spheron_api::models::{
    BuildConfigurationInput, CreateDeploymentRequest, Framework, Protocol, Provider,
};
use wiremock::matchers::{body_json, header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "spheron-token-91ab";
const ORG: &str = "64f0c0ffee0000000000a001";

fn client(server: &MockServer) -> Client {
    Client::builder()
        .base_url(server.uri())
        .bearer_token(TOKEN)
        .build()
        .expect("client builds")
}

fn project(i: usize) -> Value {
    json!({"_id": format!("p{i}"), "name": format!("site-{i}"), "state": "MAINTAINED",
           "organization": ORG, "a_key_added_later": {"x": i}})
}

fn query(req: &Request, name: &str) -> Option<String> {
    req.url
        .query_pairs()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

#[tokio::test]
async fn lists_projects_by_skip_and_limit_and_counts_them() {
    let server = MockServer::start().await;
    // Five projects, pages of two: no skip, then skip 2 and 4; the short last page ends
    // the listing.
    for (skip, ids) in [(None, 0..2), (Some("2"), 2..4), (Some("4"), 4..5)] {
        let items: Vec<Value> = ids.map(project).collect();
        let listing =
            Mock::given(method("GET")).and(path(format!("/v1/organization/{ORG}/projects")));
        let listing = match skip {
            Some(skip) => listing.and(query_param("skip", skip)),
            None => listing.and(query_param_is_missing("skip")),
        };
        listing
            .and(query_param("limit", "2"))
            .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"projects": items})))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path(format!("/v1/organization/{ORG}/projects/count")))
        .and(query_param("state", "MAINTAINED"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"count": 5})))
        .mount(&server)
        .await;
    let client = client(&server);

    let projects: Vec<_> = client
        .list_organization_projects(ORG)
        .limit(2)
        .items()
        .try_collect()
        .await
        .expect("every page");
    let names: Vec<_> = projects.iter().filter_map(|p| p.name.clone()).collect();
    assert_eq!(names, ["site-0", "site-1", "site-2", "site-3", "site-4"]);

    let count = client
        .count_organization_projects(ORG)
        .state(spheron_api::models::ResourceState::Maintained)
        .send()
        .await
        .expect("count")
        .into_inner();
    assert_eq!(count.count, 5);
    let requests = server.received_requests().await.expect("recorded");
    let skips: Vec<_> = requests.iter().filter_map(|r| query(r, "skip")).collect();
    assert_eq!(skips, ["2", "4"], "no request after the short page");
}

#[tokio::test]
async fn pages_a_bare_array_list_until_an_empty_page() {
    let server = MockServer::start().await;
    let deployment = |i: usize| json!({"_id": format!("d{i}"), "status": "Deployed"});
    for (skip, body) in [
        (None, json!([deployment(0), deployment(1)])),
        (Some("2"), json!([deployment(2)])),
    ] {
        let listing = Mock::given(method("GET")).and(path("/v1/project/p1/deployments"));
        let listing = match skip {
            Some(skip) => listing.and(query_param("skip", skip)),
            None => listing.and(query_param_is_missing("skip")),
        };
        listing
            .respond_with(ResponseTemplate::new(200).set_body_json(body))
            .expect(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("GET"))
        .and(path("/v1/project/p1/deployments"))
        .and(query_param("skip", "3"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!([])))
        .expect(1)
        .mount(&server)
        .await;

    // No `limit`: a short page proves nothing, so paging stops at the empty page.
    let deployments: Vec<_> = client(&server)
        .list_project_deployments("p1")
        .items()
        .try_collect()
        .await
        .expect("every page");
    assert_eq!(deployments.len(), 3);
}

#[tokio::test]
async fn creates_a_deployment_and_reads_the_error_envelope() {
    let server = MockServer::start().await;
    let request = CreateDeploymentRequest {
        organization_id: ORG.into(),
        git_url: "https://github.com/acme/site.git".into(),
        repo_name: "site".into(),
        branch: "main".into(),
        protocol: Protocol::Ipfs,
        provider: Provider::Github,
        create_default_webhook: false,
        configuration: BuildConfigurationInput {
            build_command: Some("npm run build".into()),
            framework: Some(Framework::React),
            ..Default::default()
        },
        env: None,
        git_provider_preferences: None,
        unique_topic_id: None,
    };
    Mock::given(method("POST"))
        .and(path("/v1/deployment"))
        .and(body_json(json!({
            "organizationId": ORG,
            "gitUrl": "https://github.com/acme/site.git",
            "repoName": "site",
            "branch": "main",
            "protocol": "ipfs",
            "provider": "GITHUB",
            "createDefaultWebhook": false,
            "configuration": {"buildCommand": "npm run build", "framework": "react"}
        })))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "success": true, "topic": "t-1", "deploymentId": "d9", "projectId": "p1"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);

    let started = client
        .create_deployment(request.clone())
        .send()
        .await
        .expect("created")
        .into_inner();
    assert_eq!(started.deployment_id.as_deref(), Some("d9"));
    assert_eq!(started.topic.as_deref(), Some("t-1"));

    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/v1/deployment"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_json(json!({"error": true, "message": "Organization is overdue"})),
        )
        .mount(&server)
        .await;
    let error = client
        .create_deployment(request)
        .send()
        .await
        .expect_err("forbidden");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(403));
    let envelope = error.envelope().expect("the envelope decodes");
    assert_eq!(envelope.message, "Organization is overdue");
    assert_eq!(envelope.error, Some(true));
}

#[tokio::test]
async fn per_call_headers_and_an_idempotency_key_make_a_post_retryable() {
    let server = MockServer::start().await;
    // The first attempt hits a 503; a POST is retried only because it carries a key.
    Mock::given(method("POST"))
        .and(path("/v1/deployment"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v1/deployment"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({"deploymentId": "d1"})))
        .mount(&server)
        .await;
    let request = CreateDeploymentRequest {
        organization_id: ORG.into(),
        git_url: "https://github.com/acme/site.git".into(),
        repo_name: "site".into(),
        branch: "main".into(),
        protocol: Protocol::Ipfs,
        provider: Provider::Github,
        create_default_webhook: false,
        configuration: BuildConfigurationInput::default(),
        env: None,
        git_provider_preferences: None,
        unique_topic_id: None,
    };
    let client = client(&server);

    let started = client
        .create_deployment(request.clone())
        .header("X-Request-Id", "req-42")
        .idempotency_key("deploy-site-main-1")
        .send()
        .await
        .expect("retried, then created")
        .into_inner();
    assert_eq!(started.deployment_id.as_deref(), Some("d1"));
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 2, "one retry");
    for request in &requests {
        assert_eq!(request.headers["x-request-id"], "req-42");
        assert_eq!(request.headers["idempotency-key"], "deploy-site-main-1");
    }

    // Without a key the POST is not repeated; `no_retry` says so for any method.
    server.reset().await;
    Mock::given(method("POST"))
        .and(path("/v1/deployment"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let error = client
        .create_deployment(request)
        .send()
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(1));
    server.reset().await;
    Mock::given(method("GET"))
        .and(path("/v1/project/p1/deployments/count"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let error = client
        .count_project_deployments("p1")
        .no_retry()
        .send()
        .await
        .expect_err("503");
    assert_eq!(error.status().map(|s| s.as_u16()), Some(503));
    assert_eq!(
        server.received_requests().await.map(|r| r.len()),
        Some(1),
        "a GET, not retried"
    );
}
