//! Several 2xx statuses with different bodies (`send_by_status` + `FromStatus`), and
//! cookie parameters as the server receives them.

use cloudgen_runtime::{Answer, Error, FromStatus, Request};
use http::{Method, StatusCode};
use serde::Deserialize;
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Envelope, client};

#[derive(Debug, Deserialize, PartialEq)]
struct Cluster {
    name: String,
}

#[derive(Debug, Deserialize, PartialEq)]
struct Job {
    job: u32,
}

/// The shape the generator emits for `200: Cluster`, `201: Job`, `204: (none)`.
#[derive(Debug, PartialEq)]
enum PutClusterResponse {
    Ok(Cluster),
    Created(Job),
    NoContent,
    Other(Answer),
}

impl FromStatus for PutClusterResponse {
    fn from_status<E>(answer: Answer) -> Result<Self, Error<E>> {
        Ok(match answer.status().as_u16() {
            200 => Self::Ok(answer.json()?),
            201 => Self::Created(answer.json()?),
            204 => Self::NoContent,
            _ => Self::Other(answer),
        })
    }
}

async fn answering(template: ResponseTemplate) -> Result<PutClusterResponse, Error<Envelope>> {
    let server = MockServer::start().await;
    Mock::given(method("PUT"))
        .and(path("/api/v1/clusters/c1"))
        .respond_with(template)
        .mount(&server)
        .await;
    client(&server)
        .send_by_status::<PutClusterResponse, Envelope>(Request::new(
            Method::PUT,
            "/v1/clusters/c1",
        ))
        .await
        .map(|r| r.into_inner())
}

#[tokio::test]
async fn each_declared_status_decodes_its_own_body() {
    let ok = answering(ResponseTemplate::new(200).set_body_json(serde_json::json!({"name": "c1"})));
    assert_eq!(
        ok.await.unwrap(),
        PutClusterResponse::Ok(Cluster { name: "c1".into() })
    );
    let created =
        answering(ResponseTemplate::new(201).set_body_json(serde_json::json!({"job": 9})));
    assert_eq!(
        created.await.unwrap(),
        PutClusterResponse::Created(Job { job: 9 })
    );
    assert_eq!(
        answering(ResponseTemplate::new(204)).await.unwrap(),
        PutClusterResponse::NoContent
    );
}

#[tokio::test]
async fn an_undeclared_2xx_keeps_status_and_body() {
    let got = answering(ResponseTemplate::new(202).set_body_string("queued"))
        .await
        .unwrap();
    match got {
        PutClusterResponse::Other(answer) => {
            assert_eq!(answer.status(), StatusCode::ACCEPTED);
            assert_eq!(&answer.body()[..], b"queued");
        }
        other => panic!("expected Other, got {other:?}"),
    }
}

#[tokio::test]
async fn a_body_that_does_not_match_its_status_names_the_field() {
    let err = answering(ResponseTemplate::new(201).set_body_json(serde_json::json!({"job": "x"})))
        .await
        .unwrap_err();
    match err {
        Error::Decode {
            status, path, body, ..
        } => {
            assert_eq!(status, StatusCode::CREATED);
            assert_eq!(path, "job");
            assert_eq!(&body[..], br#"{"job":"x"}"#);
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

#[tokio::test]
async fn an_error_status_is_still_an_api_error() {
    let err = answering(ResponseTemplate::new(409).set_body_json(
        serde_json::json!({"_status": "error", "_error": {"code": 409, "message": "busy"}}),
    ))
    .await
    .unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(api.status, StatusCode::CONFLICT);
    assert_eq!(api.envelope.as_ref().unwrap().error.message, "busy");
}

#[tokio::test]
async fn cookies_arrive_as_one_encoded_header() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/api/v1/me"))
        .and(header("cookie", "theme=dark; session=a%3Bb%20c; lang=fr"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let request = Request::new(Method::GET, "/v1/me")
        .header("Cookie", "theme=dark")
        .cookie("session", "a;b c")
        .cookie_opt("missing", None::<&str>)
        .cookie_opt("lang", Some("fr"));
    client(&server)
        .send_empty::<Envelope>(request)
        .await
        .expect("the server saw the expected Cookie header");
}

/// A declared error body (here `{"missing": "c1"}` for 404, not the vendor's envelope)
/// decodes into its own type; the envelope and the raw body stay available.
#[tokio::test]
async fn a_declared_error_body_decodes_into_its_type() {
    #[derive(Debug, Deserialize, PartialEq)]
    struct NotFound {
        missing: String,
    }
    let err =
        answering(ResponseTemplate::new(404).set_body_json(serde_json::json!({"missing": "c1"})))
            .await
            .unwrap_err();
    let api = err.api_error().expect("an API error");
    assert_eq!(
        api.decode_body::<NotFound>(),
        Some(NotFound {
            missing: "c1".into()
        })
    );
    assert!(api.envelope.is_none(), "not the vendor's envelope");
    assert_eq!(api.decode_body::<Cluster>(), None);
    assert_eq!(&api.body[..], br#"{"missing":"c1"}"#);
}
