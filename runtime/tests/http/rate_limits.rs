//! Palette's rate-limit table (seed 000): requests wait on the client instead of
//! drawing 429s.

use std::time::Duration;

use cloudgen_runtime::{ManualClock, RateLimit, RateLimitTable, Request};
use http::Method;
use wiremock::{Mock, MockServer, ResponseTemplate};

use crate::common::{Envelope, builder};

const fn limit(prefix: &'static str, per_second: f64, burst: u32) -> RateLimit {
    RateLimit {
        prefix,
        per_second,
        burst,
    }
}

/// The "Endpoint Prefix Rate" table of Palette's API documentation.
static PALETTE: &[RateLimit] = &[
    limit("/v1/auth", 10.0, 5),
    limit("/v1/nats", 10.0, 5),
    limit("/v1/users", 10.0, 5),
    limit("/v1/userprofiles", 10.0, 5),
    limit("/v1/permissions", 10.0, 5),
    limit("/v1/roles", 10.0, 5),
    limit("/v1/teams", 10.0, 5),
    limit("/v1/tenants", 10.0, 5),
    limit("/v1/projects", 10.0, 5),
    limit("/v1/plans", 10.0, 5),
    limit("/v1/payments", 10.0, 5),
    limit("/v1/audits", 10.0, 5),
    limit("/v1/apiKeys", 10.0, 5),
    limit("/v1/datasinks", 10.0, 5),
    limit("/v1/notifications", 10.0, 5),
    limit("/v1/events", 10.0, 5),
    limit("/v1/crypto", 10.0, 5),
    limit("/v1/async", 10.0, 5),
    limit("/v1/errlogs", 10.0, 5),
    limit("/v1/jobs", 10.0, 5),
    limit("/v1/health", 10.0, 5),
    limit("/v1/cache", 10.0, 5),
    limit("/v1/cloudaccounts", 10.0, 5),
    limit("/v1/packs", 10.0, 5),
    limit("/v1/workspaces", 10.0, 5),
    limit("/v1/installers", 10.0, 5),
    limit("/v1/git/webhook", 10.0, 5),
    limit("/v1/registries", 10.0, 5),
    limit("/v1/services", 10.0, 5),
    limit("/v1/overlords", 10.0, 5),
    limit("/v1/cluster", 10.0, 5),
    limit("/v1/cloudconfigs", 10.0, 5),
    limit("/v1/cloudconfigs/{cloudType}/{uid}/machinePools", 10.0, 5),
    limit("/v1/edgehosts", 10.0, 5),
    limit("/v1/metrics", 10.0, 5),
    limit("/v1/system", 10.0, 5),
    limit("/v1/mgmt", 10.0, 5),
    limit("/v1/oidc", 10.0, 5),
    limit("/v1/clouds", 10.0, 5),
    limit("/v1/events/components", 10.0, 5),
    limit("/v1/dashboard", 10.0, 5),
    limit(
        "/v1/cloudconfigs/{cloudType}/:uid/machinePools/{machinePoolName}/machines",
        10.0,
        5,
    ),
    limit(
        "/v1/cloudconfigs/{cloudType}/:uid/machinePools/{machinePoolName}/machines/:machineUid",
        10.0,
        5,
    ),
    limit("/v1/auth/authenticate", 10.0, 5),
    limit("/v1/auth/services/login", 10.0, 5),
    limit("/v1/auth/services/edge/login", 10.0, 5),
    limit("/v1/files", 10.0, 5),
    limit("/v1/edgehosts/registers", 10.0, 5),
    limit("/v1/edgehosts/:uid/health", 10.0, 5),
    limit("/v1/edgehosts/:uid/spc/download", 10.0, 5),
    limit("/v1/spectroclusters/features/logFetcher", 10.0, 5),
    limit("/v1/spectroclusters/:uid/assets", 10.0, 5),
    limit("/v1/spectroclusters/cost", 10.0, 5),
    limit("/v1/spectroclusters/usage", 10.0, 5),
    limit("/v1/spectroclusters/:uid/download", 10.0, 5),
    limit("/v1/spectroclusters/acquire", 10.0, 5),
    limit("/v1/auth/user/password/reset", 2.0, 5),
    limit("/v1/spectroclusters", 50.0, 5),
    limit("/v1/clusterprofiles", 50.0, 5),
    limit("/v1/clusterprofiles/:uid/packs", 50.0, 5),
    limit("/v1/clusterprofiles/:uid/packs/manifests", 50.0, 5),
    limit(
        "/v1/clusterprofiles/:uid/packs/{packName}/manifests",
        50.0,
        5,
    ),
    limit("/v1/clusterprofiles/validate/packs", 50.0, 5),
    limit("/v1/clusterprofiles/:uid/validate/packs", 50.0, 5),
    limit("/v1/spectroclusters/:uid/profiles", 50.0, 5),
];

async fn send_n(n: usize, request: impl Fn() -> Request) -> (ManualClock, MockServer) {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let clock = ManualClock::default();
    let client = builder(&server.uri(), clock.clone())
        .rate_limits(RateLimitTable::new(PALETTE))
        .build()
        .unwrap();
    for _ in 0..n {
        client.send_empty::<Envelope>(request()).await.unwrap();
    }
    (clock, server)
}

fn close(a: Duration, b: Duration) -> bool {
    (a.as_secs_f64() - b.as_secs_f64()).abs() < 1e-6
}

#[tokio::test]
async fn spectroclusters_burst_5_then_50_per_second() {
    let (clock, server) = send_n(15, || {
        Request::new(Method::GET, "/v1/spectroclusters/{uid}").path_param("uid", "c-1")
    })
    .await;
    assert!(
        close(clock.slept(), Duration::from_millis(200)),
        "{:?}",
        clock.sleeps()
    );
    assert_eq!(server.received_requests().await.unwrap().len(), 15);
}

#[tokio::test]
async fn password_reset_is_2_per_second() {
    let (clock, _server) = send_n(7, || {
        Request::new(Method::POST, "/v1/auth/user/password/reset")
    })
    .await;
    assert!(
        close(clock.slept(), Duration::from_secs(1)),
        "{:?}",
        clock.sleeps()
    );
}

#[tokio::test]
async fn sub_resources_share_their_parent_bucket() {
    let server = MockServer::start().await;
    Mock::given(wiremock::matchers::any())
        .respond_with(ResponseTemplate::new(204))
        .mount(&server)
        .await;
    let clock = ManualClock::default();
    let client = builder(&server.uri(), clock.clone())
        .rate_limits(RateLimitTable::new(PALETTE))
        .build()
        .unwrap();
    for i in 0..10 {
        let path = if i % 2 == 0 {
            "/v1/users"
        } else {
            "/v1/users/summary"
        };
        client
            .send_empty::<Envelope>(Request::new(Method::GET, path))
            .await
            .unwrap();
    }
    // 5 free, then 5 at 10 per second.
    assert!(
        close(clock.slept(), Duration::from_millis(500)),
        "{:?}",
        clock.sleeps()
    );
    // Another parent resource has its own bucket.
    let before = clock.slept();
    for uid in ["a", "b", "c", "d", "e", "f"] {
        client
            .send_empty::<Envelope>(
                Request::new(Method::GET, "/v1/spectroclusters/{uid}").path_param("uid", uid),
            )
            .await
            .unwrap();
    }
    assert_eq!(clock.slept(), before);
}
