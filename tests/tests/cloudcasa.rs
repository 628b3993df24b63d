//! The generated CloudCasa client end to end, against a real HTTP server on loopback:
//! a filtered, sorted listing across three Eve pages, a create, and read-modify-write
//! updates with `If-Match`. Every request's method, path, query, headers and body are
//! checked, and so are the decoded results.

use cloudcasa_api::Client;
use cloudcasa_api::models::{Kubecluster, KubeclusterStatusState};
use futures_util::TryStreamExt;
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

const TOKEN: &str = "cc-test-token-4f1d";
const WHERE: &str = r#"{"name":{"$regex":"^prod","$options":"i"}}"#;

fn client(server: &MockServer) -> Client {
    Client::builder()
        // Self-hosted style base URL: the `/api` prefix must be kept on every request.
        .base_url(format!("{}/api", server.uri()))
        .bearer_token(TOKEN)
        .build()
        .expect("client builds")
}

fn cluster(id: &str, name: &str, state: &str) -> Value {
    json!({
        "_id": id,
        "name": name,
        "status": {"state": state, "agentURL": "https://agent/x.yaml"},
        "_etag": format!("etag-{id}"),
        "_created": "Tue, 15 Sep 2020 20:57:38 GMT",
        "_updated": "Tue, 15 Sep 2020 20:57:38 GMT",
        "_links": {"self": {"href": format!("/v1/kubeclusters/{id}"), "title": "Kubecluster"}},
        "a_field_added_later": {"nested": true}
    })
}

/// An Eve list page; `next` is the relative link Eve writes (without the `/api` prefix).
fn page(items: Vec<Value>, page: u32, next: Option<u32>) -> Value {
    let mut links = json!({
        "self": {"href": "v1/kubeclusters", "title": "/v1/kubeclusters"},
        "parent": {"href": "/", "title": "home"}
    });
    if let Some(n) = next {
        links["next"] = json!({
            "href": format!("v1/kubeclusters?where={}&sort=-_created&max_results=2&page={n}",
                urlencode(WHERE)),
            "title": "next page"
        });
    }
    json!({"_items": items, "_meta": {"page": page, "max_results": 2, "total": 5}, "_links": links})
}

/// Percent-encoding for the test's own link building.
fn urlencode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn query(req: &Request) -> Vec<(String, String)> {
    req.url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn header<'a>(req: &'a Request, name: &str) -> Option<&'a str> {
    req.headers.get(name).and_then(|v| v.to_str().ok())
}

#[tokio::test]
async fn lists_across_three_pages_with_filter_and_sort() {
    let server = MockServer::start().await;
    for (n, next, items) in [
        (
            "1",
            Some(2),
            vec![
                cluster("a1", "prod-1", "ACTIVE"),
                cluster("a2", "prod-2", "REGISTERED"),
            ],
        ),
        (
            "2",
            Some(3),
            vec![
                cluster("a3", "prod-3", "ACTIVE"),
                cluster("a4", "prod-4", "PENDING"),
            ],
        ),
        ("3", None, vec![cluster("a5", "prod-5", "SOMETHING_NEW")]),
    ] {
        let number: u32 = n.parse().expect("page number");
        let matcher = Mock::given(method("GET")).and(path("/api/v1/kubeclusters"));
        let matcher = if n == "1" {
            matcher
        } else {
            matcher.and(query_param("page", n))
        };
        matcher
            .respond_with(ResponseTemplate::new(200).set_body_json(page(items, number, next)))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }

    let clusters: Vec<Kubecluster> = client(&server)
        .list_kubeclusters()
        .r#where(WHERE)
        .sort("-_created")
        .max_results(2)
        .items()
        .try_collect()
        .await
        .expect("all pages decode");

    let names: Vec<&str> = clusters.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names, ["prod-1", "prod-2", "prod-3", "prod-4", "prod-5"]);
    assert_eq!(clusters[0].id.as_deref(), Some("a1"));
    assert_eq!(clusters[0].etag.as_deref(), Some("etag-a1"));
    let states: Vec<_> = clusters
        .iter()
        .map(|c| c.status.as_ref().and_then(|s| s.state.clone()))
        .collect();
    assert_eq!(states[0], Some(KubeclusterStatusState::Active));
    assert_eq!(states[3], Some(KubeclusterStatusState::Pending));
    // A state the document does not know still decodes, and round-trips.
    assert_eq!(
        states[4],
        Some(KubeclusterStatusState::Unknown("SOMETHING_NEW".to_owned()))
    );

    let requests = server.received_requests().await.expect("recording on");
    assert_eq!(requests.len(), 3, "exactly one request per page");
    for (i, req) in requests.iter().enumerate() {
        assert_eq!(req.method.as_str(), "GET");
        assert_eq!(req.url.path(), "/api/v1/kubeclusters");
        assert_eq!(
            header(req, "authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert_eq!(header(req, "accept"), Some("application/json"));
        let q = query(req);
        assert!(
            q.contains(&("where".into(), WHERE.into())),
            "page {i}: {q:?}"
        );
        assert!(
            q.contains(&("sort".into(), "-_created".into())),
            "page {i}: {q:?}"
        );
        assert!(
            q.contains(&("max_results".into(), "2".into())),
            "page {i}: {q:?}"
        );
        if i > 0 {
            assert!(
                q.contains(&("page".into(), (i + 1).to_string())),
                "page {i}: {q:?}"
            );
        }
    }
}

#[tokio::test]
async fn creates_then_updates_with_if_match() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/api/v1/kubeclusters"))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("ETag", "\"e1\"")
                .set_body_json(json!({
                    "_id": "64b000000000000000000001",
                    "_etag": "e1",
                    "_status": "OK",
                    "_created": "Tue, 15 Sep 2020 20:57:38 GMT",
                    "_updated": "Tue, 15 Sep 2020 20:57:38 GMT",
                    "_links": {"self": {"href": "/v1/kubeclusters/64b000000000000000000001", "title": "Kubecluster"}}
                })),
        )
        .mount(&server)
        .await;
    let id = "64b000000000000000000001";
    Mock::given(method("GET"))
        .and(path(format!("/api/v1/kubeclusters/{id}")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("ETag", "\"e1\"")
                .set_body_json(cluster(id, "prod-east", "REGISTERED")),
        )
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(format!("/api/v1/kubeclusters/{id}")))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("ETag", "\"e2\"")
                .set_body_json(json!({"_id": id, "_etag": "e2", "_status": "OK"})),
        )
        .mount(&server)
        .await;
    Mock::given(method("PATCH"))
        .and(path(format!("/api/v1/kubeclusters/{id}")))
        .respond_with(ResponseTemplate::new(412).set_body_json(json!({
            "_status": "ERR",
            "_error": {"code": 412, "message": "Client and server etags don't match"}
        })))
        .mount(&server)
        .await;

    let client = client(&server);
    let new_cluster = Kubecluster {
        name: "prod-east".to_owned(),
        description: Some("registered by the integration test".to_owned()),
        ..serde_json::from_value(json!({"name": "x"})).expect("minimal cluster")
    };
    let created = client
        .create_kubeclusters(new_cluster)
        .send()
        .await
        .expect("created");
    assert_eq!(created.status(), 201);
    assert_eq!(created.id.as_deref(), Some(id));
    assert_eq!(created.etag.as_deref(), Some("e1"));

    // Read, modify, write back: If-Match comes from the ETag the GET returned.
    let mut fetched = client
        .get_kubecluster(id)
        .send()
        .await
        .expect("fetched")
        .into_inner();
    assert_eq!(
        fetched.etag.as_deref(),
        Some("etag-64b000000000000000000001")
    );
    fetched.description = Some("moved to the east rack".to_owned());
    let replaced = client
        .replace_kubecluster(id, fetched.clone())
        .send()
        .await
        .expect("replaced");
    assert_eq!(replaced.etag.as_deref(), Some("e2"));
    assert_eq!(replaced.etag(), Some("\"e2\""));

    // An explicit, stale ETag: the server answers 412 and the error is typed.
    let err = client
        .update_kubecluster(id, fetched)
        .if_match("stale")
        .send()
        .await
        .expect_err("412");
    assert!(
        matches!(err, cloudcasa_api::runtime::Error::PreconditionFailed(_)),
        "{err:?}"
    );
    let envelope = err.envelope().expect("vendor error decoded");
    assert_eq!(envelope.status, "ERR");
    let detail = envelope.error.clone();
    assert_eq!(detail.code, Some(412));

    let requests = server.received_requests().await.expect("recording on");
    let summary: Vec<(String, String)> = requests
        .iter()
        .map(|r| (r.method.to_string(), r.url.path().to_owned()))
        .collect();
    let item = format!("/api/v1/kubeclusters/{id}");
    assert_eq!(
        summary,
        [
            ("POST".to_owned(), "/api/v1/kubeclusters".to_owned()),
            ("GET".to_owned(), item.clone()),
            ("PUT".to_owned(), item.clone()),
            ("PATCH".to_owned(), item),
        ]
    );
    for r in requests.iter() {
        assert_eq!(
            header(r, "authorization"),
            Some(format!("Bearer {TOKEN}").as_str())
        );
        assert!(r.url.query().is_none(), "{} sent a query", r.method);
    }

    let post = &requests[0];
    assert_eq!(header(post, "content-type"), Some("application/json"));
    assert_eq!(header(post, "if-match"), None);
    let body: Value = serde_json::from_slice(&post.body).expect("JSON body");
    assert_eq!(
        body,
        json!({"name": "prod-east", "description": "registered by the integration test"})
    );

    let put = &requests[2];
    assert_eq!(
        header(put, "if-match"),
        Some("\"e1\""),
        "remembered ETag sent"
    );
    let body: Value = serde_json::from_slice(&put.body).expect("JSON body");
    let keys: Vec<&str> = body
        .as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect();
    for read_only in ["_etag", "_created", "_updated", "_links"] {
        assert!(
            !keys.contains(&read_only),
            "read-only {read_only} was sent: {keys:?}"
        );
    }
    assert_eq!(body["_id"], id);
    assert_eq!(body["description"], "moved to the east rack");
    assert_eq!(body["status"]["state"], "REGISTERED");

    let patch = &requests[3];
    assert_eq!(
        header(patch, "if-match"),
        Some("stale"),
        "explicit ETag wins"
    );
}

#[tokio::test]
async fn replace_without_a_known_etag_fails_before_sending() {
    let server = MockServer::start().await;
    let client = client(&server);
    let cluster: Kubecluster = serde_json::from_value(json!({"name": "n"})).expect("cluster");
    let err = client
        .replace_kubecluster("64b000000000000000000009", cluster)
        .send()
        .await
        .expect_err("no ETag known");
    assert!(!err.was_sent());
    assert!(
        err.to_string().contains("If-Match") || err.to_string().contains("ETag"),
        "{err}"
    );
    let requests = server.received_requests().await.expect("recording on");
    assert!(requests.is_empty(), "nothing may be sent without If-Match");
}

#[tokio::test]
async fn replace_with_starts_over_after_a_concurrent_change() {
    let server = MockServer::start().await;
    let id = "64b00000000000000000000a";
    let item = format!("/api/v1/kubeclusters/{id}");
    for (etag, description) in [("\"v1\"", "first"), ("\"v2\"", "changed by someone else")] {
        let mut body = cluster(id, "prod-west", "ACTIVE");
        body["description"] = json!(description);
        Mock::given(method("GET"))
            .and(path(item.clone()))
            .respond_with(
                ResponseTemplate::new(200)
                    .insert_header("ETag", etag)
                    .set_body_json(body),
            )
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    Mock::given(method("PUT"))
        .and(path(item.clone()))
        .and(wiremock::matchers::header("If-Match", "\"v1\""))
        .respond_with(ResponseTemplate::new(412).set_body_json(json!({
            "_status": "ERR", "_error": {"code": 412, "message": "Client and server etags don't match"}
        })))
        .mount(&server)
        .await;
    Mock::given(method("PUT"))
        .and(path(item.clone()))
        .and(wiremock::matchers::header("If-Match", "\"v2\""))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("ETag", "\"v3\"")
                .set_body_json(json!({"_id": id, "_etag": "v3", "_status": "OK"})),
        )
        .mount(&server)
        .await;

    let mut calls = 0;
    let written = client(&server)
        .replace_kubecluster_with(id, |c| {
            calls += 1;
            let old = c.description.clone().unwrap_or_default();
            c.description = Some(format!("{old} + label"));
        })
        .await
        .expect("second attempt wins");
    assert_eq!(calls, 2, "modify runs once per attempt");
    assert_eq!(written.etag.as_deref(), Some("v3"));

    let requests = server.received_requests().await.expect("recording on");
    let methods: Vec<&str> = requests.iter().map(|r| r.method.as_str()).collect();
    assert_eq!(methods, ["GET", "PUT", "GET", "PUT"]);
    let last: Value = serde_json::from_slice(&requests[3].body).expect("JSON body");
    assert_eq!(
        last["description"], "changed by someone else + label",
        "built on the fresh copy"
    );
    assert!(
        last.get("_etag").is_none() && last.get("_links").is_none(),
        "read-only fields stripped"
    );
}

#[tokio::test]
async fn a_job_is_polled_until_it_finishes() {
    use cloudcasa_api::models::JobState;
    use cloudcasa_api::runtime::{ManualClock, TaskState};

    let server = MockServer::start().await;
    let job = "64b0000000000000000000j1";
    for state in ["PENDING", "RUNNING", "RUNNING", "COMPLETED"] {
        Mock::given(method("GET"))
            .and(path(format!("/api/v1/jobs/{job}")))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({
                "_id": job, "name": "nightly", "jobrunner": "r1", "type": "K8S_SNAP", "state": state
            })))
            .up_to_n_times(1)
            .mount(&server)
            .await;
    }
    // A manual clock: the poller's waits advance it instead of sleeping.
    let clock =
        ManualClock::new(std::time::UNIX_EPOCH + std::time::Duration::from_secs(1_700_000_000));
    let client = Client::builder()
        .base_url(format!("{}/api", server.uri()))
        .bearer_token(TOKEN)
        .clock(clock.clone())
        .build()
        .expect("client");

    let finished = client
        .core()
        .poll_task(|| {
            let request = client.get_job(job);
            async move {
                let job = request.send().await?.into_inner();
                Ok(match job.state {
                    Some(JobState::Completed | JobState::Partial | JobState::Skipped) => {
                        TaskState::Succeeded(job)
                    }
                    Some(JobState::Failed | JobState::Canceled) => TaskState::Failed {
                        message: job.message.unwrap_or_default(),
                    },
                    _ => TaskState::Pending,
                })
            }
        })
        .await
        .expect("job completes");
    assert_eq!(finished.state, Some(JobState::Completed));
    assert_eq!(clock.sleeps().len(), 3, "waited between the four polls");
    assert_eq!(server.received_requests().await.map(|r| r.len()), Some(4));
}

#[tokio::test]
async fn lists_backups_with_typed_query_values_then_runs_one() {
    use cloudcasa_api::models::{Kubebackup, RunRequest, RunRequestRetention};
    use cloudcasa_api::runtime::eve::{Embedded, Filter, Sort};

    let server = MockServer::start().await;
    let id = "64b0000000000000000000b1";
    let (east, west) = ("5f612ab693eac38c72ff0b74", "5f612ab693eac38c72ff0b75");
    let backup = |last_job_run_time: i64| {
        json!({
            "_id": id,
            "name": "Nightly-East",
            "cluster": east,
            "trigger_type": "ADHOC",
            "source": {"all_namespaces": false, "namespaces": ["shop"], "snapshotPersistentVolumes": true},
            "status": {
                "jobs": [{"jobid": "64b0000000000000000000j9", "state": "COMPLETED", "message": ""}],
                "last_job_run_time": last_job_run_time
            },
            "_etag": "b-etag-1",
            "_created": "Tue, 15 Sep 2020 20:57:38 GMT",
            "_updated": "Tue, 15 Sep 2020 20:57:38 GMT",
            "_links": {"self": {"href": format!("/v1/kubebackups/{id}"), "title": "Kubebackup"}}
        })
    };
    Mock::given(method("GET"))
        .and(path("/api/v1/kubebackups"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "_items": [backup(1_700_000_000)],
            "_meta": {"page": 1, "max_results": 25, "total": 1},
            "_links": {
                "self": {"href": "v1/kubebackups", "title": "/v1/kubebackups"},
                "parent": {"href": "/", "title": "home"}
            }
        })))
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path(format!("/api/v1/kubebackups/{id}/action/run")))
        .respond_with(ResponseTemplate::new(200).set_body_json(backup(1_700_000_600)))
        .mount(&server)
        .await;
    let client = client(&server);

    // No JSON written by hand: a case-insensitive name match AND a cluster among two.
    let filter = Filter::all_of([
        Filter::regex_i("name", "^nightly"),
        Filter::is_in("cluster", [east, west]),
    ]);
    // The backup has no copy definition, so nothing is embedded in this answer. (The typed
    // models declare references as ObjectId strings: an embedded document would not
    // decode into them.)
    let backups: Vec<Kubebackup> = client
        .list_kubebackups()
        .r#where(&filter)
        .sort(Sort::desc("_created"))
        .embedded(Embedded::fields(["copydef", "copy_policy"]))
        .items()
        .try_collect()
        .await
        .expect("list decodes");
    assert_eq!(backups.len(), 1);
    assert_eq!(backups[0].name, "Nightly-East");
    assert_eq!(
        backups[0].status.as_ref().and_then(|s| s.last_job_run_time),
        Some(1_700_000_000)
    );

    let run = client
        .run_kubebackup(
            id,
            RunRequest {
                retention: Some(RunRequestRetention {
                    retain_days: Some(7),
                }),
                run_backup: Some(true),
            },
        )
        .send()
        .await
        .expect("run answers 200");
    assert_eq!(run.status(), 200);
    assert_eq!(run.id.as_deref(), Some(id));
    let status = run.status.clone().expect("status");
    assert_eq!(status.last_job_run_time, Some(1_700_000_600));
    assert_eq!(
        status.jobs.expect("jobs")[0].state.as_deref(),
        Some("COMPLETED")
    );

    let requests = server.received_requests().await.expect("recording on");
    assert_eq!(requests.len(), 2);
    let list = &requests[0];
    assert_eq!(list.method.as_str(), "GET");
    assert_eq!(list.url.path(), "/api/v1/kubebackups");
    let where_json = concat!(
        r#"{"$and":[{"name":{"$regex":"^nightly","$options":"i"}},"#,
        r#"{"cluster":{"$in":["5f612ab693eac38c72ff0b74","5f612ab693eac38c72ff0b75"]}}]}"#
    );
    assert_eq!(
        query(list),
        [
            ("where".to_owned(), where_json.to_owned()),
            ("sort".to_owned(), "-_created".to_owned()),
            (
                "embedded".to_owned(),
                r#"{"copydef":1,"copy_policy":1}"#.to_owned()
            ),
        ]
    );
    let sent: Value = serde_json::from_str(where_json).expect("JSON");
    assert_eq!(
        sent,
        json!({"$and": [
            {"name": {"$regex": "^nightly", "$options": "i"}},
            {"cluster": {"$in": [east, west]}}
        ]})
    );

    let post = &requests[1];
    assert_eq!(post.method.as_str(), "POST");
    assert_eq!(
        post.url.path(),
        format!("/api/v1/kubebackups/{id}/action/run")
    );
    assert!(post.url.query().is_none());
    assert_eq!(header(post, "content-type"), Some("application/json"));
    assert_eq!(header(post, "if-match"), None);
    let body: Value = serde_json::from_slice(&post.body).expect("JSON body");
    // The body the Terraform provider sends (vendor facts §8).
    assert_eq!(
        body,
        json!({"retention": {"retainDays": 7}, "runBackup": true})
    );
}
