//! The generated CloudMC client end to end, against a real HTTP server on loopback:
//! `MC-Api-Key` auth, the `org_id` sub-organization scope, `{data: ...}` envelopes
//! returned unwrapped, `?operation=` calls answering `{taskId, taskStatus}` that
//! `send_and_wait()` polls through `GET /tasks/{id}` to SUCCESS or FAILED, and the
//! `{errors: [...]}` envelope.

use cloudmc_api::Client;
use cloudmc_api::models::{InstanceOperation, InstanceState};
use cloudmc_api::runtime::{Error, ManualClock};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "mc-key-5c1e";
const SUB_ORG: &str = "2fd60d6f-8d1d-4c1e-9a0b-7a61f1d4f0aa";
const INSTANCE: &str = "0a6f1b9e-1c4b-4bde-9a59-2d7f0c1d9e11";

fn client(server: &MockServer, clock: &ManualClock) -> Client {
    Client::builder()
        .base_url(format!("{}/api/v2", server.uri()))
        .api_key(KEY)
        .clock(clock.clone())
        .build()
        .expect("client builds")
}

fn clock() -> ManualClock {
    ManualClock::new(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000))
}

/// `POST .../instances/{id}?operation=<op>&org_id=<sub-org>` answers a pending task.
async fn mount_operation(server: &MockServer, operation: &str, task: &str) {
    Mock::given(method("POST"))
        .and(path(format!(
            "/api/v2/services/compute-qc/prod-env/instances/{INSTANCE}"
        )))
        .and(query_param("operation", operation))
        .and(query_param("org_id", SUB_ORG))
        .and(header("MC-Api-Key", KEY))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"taskId": task, "taskStatus": "PENDING"})),
        )
        .expect(1)
        .mount(server)
        .await;
}

/// `GET /tasks/{task}` answers each of `answers` once, in order.
async fn mount_polls(server: &MockServer, task: &str, answers: Vec<Value>) {
    for answer in answers {
        Mock::given(method("GET"))
            .and(path(format!("/api/v2/tasks/{task}")))
            .and(query_param("org_id", SUB_ORG))
            .respond_with(ResponseTemplate::new(200).set_body_json(answer))
            .up_to_n_times(1)
            .mount(server)
            .await;
    }
}

#[tokio::test]
async fn starting_an_instance_in_a_sub_org_waits_for_its_task_to_succeed() {
    let server = MockServer::start().await;
    let task = "7d4e5f60-0000-4000-8000-000000000001";
    mount_operation(&server, "start", task).await;
    // The docs' shape first, then the official clients' shape (`data.status`).
    mount_polls(
        &server,
        task,
        vec![
            json!({"taskId": task, "taskStatus": "PENDING"}),
            json!({"data": {"id": task, "status": "PENDING", "created": "2024-01-02T03:04:05Z"}}),
            json!({"data": {"id": task, "status": "SUCCESS", "result": {"id": INSTANCE, "state": "Running"}}}),
        ],
    )
    .await;
    let clock = clock();
    let sub_org = client(&server, &clock).with_org(SUB_ORG).expect("scope");

    let result = sub_org
        .operate_instance("compute-qc", "prod-env", INSTANCE, InstanceOperation::Start)
        .send_and_wait()
        .await
        .expect("the task succeeds");

    assert_eq!(result, json!({"id": INSTANCE, "state": "Running"}));
    assert_eq!(clock.sleeps().len(), 2, "waited between the three polls");
    let requests = server.received_requests().await.expect("recorded");
    assert_eq!(requests.len(), 4, "one POST, three polls");
    for request in &requests {
        let org_ids: Vec<_> = request
            .url
            .query_pairs()
            .filter(|(k, _)| k == "org_id")
            .collect();
        assert_eq!(org_ids.len(), 1, "org_id sent once: {}", request.url);
    }
}

#[tokio::test]
async fn a_failed_task_is_an_error_with_the_vendor_message() {
    let server = MockServer::start().await;
    let task = "7d4e5f60-0000-4000-8000-000000000002";
    mount_operation(&server, "stop", task).await;
    mount_polls(
        &server,
        task,
        vec![
            json!({"taskId": task, "taskStatus": "PENDING"}),
            json!({"taskId": task, "taskStatus": "FAILED", "message": "instance is locked"}),
        ],
    )
    .await;
    let clock = clock();
    let sub_org = client(&server, &clock).with_org(SUB_ORG).expect("scope");

    let error = sub_org
        .operate_instance("compute-qc", "prod-env", INSTANCE, InstanceOperation::Stop)
        .send_and_wait()
        .await
        .expect_err("the task fails");

    match &error {
        Error::TaskFailed { message } => assert_eq!(message, "instance is locked"),
        other => panic!("expected TaskFailed, got {other:?}"),
    }
    assert!(error.was_sent());
}

#[tokio::test]
async fn single_objects_come_unwrapped_and_errors_decode_into_the_envelope() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path(format!(
            "/api/v2/services/compute-qc/prod-env/instances/{INSTANCE}"
        )))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "data": {"id": INSTANCE, "name": "web-1", "state": "Running", "a_key_added_later": [1, 2]}
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/api/v2/services/compute-qc/prod-env/instances/missing"))
        .respond_with(ResponseTemplate::new(404).set_body_json(json!({
            "errors": [{"code": 2012, "message": "Instance not found", "context": {"id": "missing"}}]
        })))
        .mount(&server)
        .await;
    let client = client(&server, &clock());

    let instance = client
        .get_instance("compute-qc", "prod-env", INSTANCE)
        .send()
        .await
        .expect("found")
        .into_inner();
    assert_eq!(instance.name.as_deref(), Some("web-1"));
    assert_eq!(instance.state, Some(InstanceState::Running));

    let error = client
        .get_instance("compute-qc", "prod-env", "missing")
        .send()
        .await
        .expect_err("404");
    assert!(error.is_not_found());
    let envelope = error.envelope().expect("the errors envelope decodes");
    assert_eq!(
        envelope.errors[0].message.as_deref(),
        Some("Instance not found")
    );
    assert_eq!(envelope.errors[0].code, Some(2012));
}
