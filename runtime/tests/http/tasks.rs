//! CloudMC async tasks: `{taskId, taskStatus}` polled with `GET /tasks/{id}`, and
//! `{data: ...}` envelopes.

use std::time::Duration;

use cloudgen_runtime::{
    AuthScheme, ClientBuilder, ClientCore, Error, ManualClock, PollPolicy, Request, TaskState,
    VendorPolicies, VendorProfile,
};
use http::Method;
use serde::Deserialize;
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

static CLOUDMC: VendorProfile = VendorProfile {
    name: "cloudmc",
    default_base_url: "https://cloudmc.invalid/api/v2",
    auth: AuthScheme::ApiKey {
        header: "MC-Api-Key",
    },
    user_agent: "cloudmc-test/1",
    etag: None,
};

static POLICIES: VendorPolicies = VendorPolicies::new().unwrap_data(true).task_poll(
    PollPolicy::STANDARD
        .initial_interval(Duration::from_secs(1))
        .deadline(Duration::from_secs(30)),
);

fn cloudmc(server: &MockServer, clock: ManualClock) -> ClientCore {
    ClientBuilder::new(&CLOUDMC)
        .base_url(server.uri())
        .api_key("mc-key")
        .policies(&POLICIES)
        .clock(clock)
        .build()
        .unwrap()
}

/// The documented task shape.
#[derive(Debug, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Task {
    task_id: String,
    task_status: String,
    #[serde(default)]
    result: Option<Instance>,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Instance {
    id: String,
}

#[derive(Debug, Deserialize)]
#[allow(dead_code)]
struct McError {
    errors: Vec<serde_json::Value>,
}

/// What generated code emits for a task operation: start, then poll `/tasks/{id}`.
async fn create_instance(client: &ClientCore) -> Result<Instance, Error<McError>> {
    let accepted = client
        .send_json::<Task, McError>(
            Request::new(Method::POST, "/services/compute/dev/instances")
                .json_body(&serde_json::json!({"name": "web-1"}))
                .unwrap_data(false),
        )
        .await?
        .into_inner();
    let id = accepted.task_id;
    client
        .poll_task(|| {
            let request = Request::new(Method::GET, "/tasks/{id}")
                .path_param("id", &id)
                .unwrap_data(false);
            async move {
                let task = client
                    .send_json::<Task, McError>(request)
                    .await?
                    .into_inner();
                Ok(match task.task_status.as_str() {
                    "SUCCESS" => match task.result {
                        Some(result) => TaskState::Succeeded(result),
                        None => TaskState::Failed {
                            message: "SUCCESS without a result".into(),
                        },
                    },
                    "FAILED" => TaskState::Failed {
                        message: "FAILED".into(),
                    },
                    _ => TaskState::Pending,
                })
            }
        })
        .await
}

async fn accept(server: &MockServer) {
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"taskId": "t-1", "taskStatus": "PENDING"})),
        )
        .mount(server)
        .await;
}

fn task(status: &str) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(
        serde_json::json!({"taskId": "t-1", "taskStatus": status, "result": {"id": "i-1"}}),
    )
}

fn posts(received: &[wiremock::Request]) -> usize {
    received.iter().filter(|r| r.method == Method::POST).count()
}

#[tokio::test]
async fn task_pending_then_success_returns_the_result() {
    let server = MockServer::start().await;
    accept(&server).await;
    Mock::given(path("/tasks/t-1"))
        .respond_with(task("PENDING"))
        .up_to_n_times(2)
        .mount(&server)
        .await;
    Mock::given(path("/tasks/t-1"))
        .respond_with(task("SUCCESS"))
        .mount(&server)
        .await;
    let clock = ManualClock::default();
    let instance = create_instance(&cloudmc(&server, clock.clone()))
        .await
        .unwrap();
    assert_eq!(instance, Instance { id: "i-1".into() });
    assert_eq!(
        clock.sleeps(),
        [Duration::from_secs(1), Duration::from_millis(1500)]
    );
    let received = server.received_requests().await.unwrap();
    assert_eq!((received.len(), posts(&received)), (4, 1));
}

#[tokio::test]
async fn task_failure_is_task_failed() {
    let server = MockServer::start().await;
    accept(&server).await;
    Mock::given(path("/tasks/t-1"))
        .respond_with(task("FAILED"))
        .mount(&server)
        .await;
    let err = create_instance(&cloudmc(&server, ManualClock::default()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TaskFailed { .. }), "{err:?}");
}

#[tokio::test]
async fn task_that_never_finishes_hits_the_deadline() {
    let server = MockServer::start().await;
    accept(&server).await;
    Mock::given(path("/tasks/t-1"))
        .respond_with(task("PENDING"))
        .mount(&server)
        .await;
    let clock = ManualClock::default();
    let err = create_instance(&cloudmc(&server, clock.clone()))
        .await
        .unwrap_err();
    let Error::TaskDeadlineExceeded { polls, elapsed } = err else {
        panic!("expected TaskDeadlineExceeded, got {err:?}");
    };
    // Waits 1, 1.5, 2.25, 3.375, 5.06, 7.59 s; the next (10 s) would pass 30 s.
    assert_eq!(polls, 7);
    assert!(elapsed <= Duration::from_secs(30));
    let received = server.received_requests().await.unwrap();
    assert_eq!((received.len(), posts(&received)), (8, 1));
}

#[tokio::test]
async fn task_404_while_polling_is_task_expired() {
    let server = MockServer::start().await;
    accept(&server).await;
    Mock::given(path("/tasks/t-1"))
        .respond_with(ResponseTemplate::new(404).set_body_json(
            serde_json::json!({"errors": [{"code": 404, "message": "no such task", "context": {}}]}),
        ))
        .mount(&server)
        .await;
    let err = create_instance(&cloudmc(&server, ManualClock::default()))
        .await
        .unwrap_err();
    assert!(matches!(err, Error::TaskExpired(_)), "{err:?}");
    assert!(err.envelope().is_some() && err.is_not_found());
}

#[tokio::test]
async fn data_envelopes_are_unwrapped_by_policy() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({"data": [{"id": "a"}, {"id": 7}]})),
        )
        .mount(&server)
        .await;
    let client = cloudmc(&server, ManualClock::default());
    let err = client
        .send_json::<Vec<Instance>, McError>(Request::new(Method::GET, "/instances"))
        .await
        .unwrap_err();
    match err {
        Error::Decode { path, .. } => assert_eq!(path, "data[1].id"),
        other => panic!("expected Decode, got {other:?}"),
    }
    let raw = client
        .send_json::<serde_json::Value, McError>(
            Request::new(Method::GET, "/instances").unwrap_data(false),
        )
        .await
        .unwrap();
    assert!(raw.get("data").is_some());
}
