//! Shared parts of the runtime-overhead benchmarks: a tiny HTTP/1.1 server on loopback
//! that answers from precomputed bodies (so the server costs the same, and as little as
//! possible, for both clients), the Palette fixtures, and the two clients under test:
//! the generated `palette-api` client and a hand-written `reqwest` + `serde` client doing
//! the same work as carefully (same requests, same headers, the same connect and request
//! timeouts, decoding into the same generated model types, touching every listed item the
//! same way), so the difference is the generated client and its runtime.

use std::collections::HashMap;
use std::hint::black_box;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures_util::{TryStreamExt, future};
use palette_api::models::{V1User, V1Users};
use serde_json::{Value, json};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// The API key both clients send in the `ApiKey` header.
pub const API_KEY: &str = "bench-api-key";

/// Page size of the paginated benchmarks.
pub const PAGE_ITEMS: usize = 100;

/// One Palette user, about 330 bytes of JSON.
pub fn user(i: usize) -> Value {
    json!({
        "metadata": {
            "uid": format!("5f9a6b0c2d4e8f10{i:08x}"),
            "name": format!("user-{i}"),
            "creationTimestamp": "2024-03-01T10:20:30.000Z",
            "lastModifiedTimestamp": "2024-03-02T11:21:31.000Z",
            "annotations": {"ownerUid": "5f9a6b0c2d4e8f1000000000"},
            "labels": {"team": "platform"}
        },
        "spec": {
            "emailId": format!("user-{i}@example.com"),
            "firstName": "Ada",
            "lastName": format!("Lovelace {i}"),
            "roles": ["tenant-admin", "project-viewer"]
        },
        "status": {"isActive": true, "isPasswordResetting": false, "lastSignIn": "2024-03-03T12:00:00.000Z"}
    })
}

/// A page of `users` with the given `continue` token (empty: the last page).
pub fn page(first: usize, count: usize, next: &str) -> Vec<u8> {
    let items: Vec<Value> = (first..first + count).map(user).collect();
    serde_json::to_vec(&json!({
        "items": items,
        "listmeta": {"continue": next, "count": count, "limit": count, "offset": first}
    }))
    .expect("serializable")
}

/// Responses by request target (path and query, see [`normalize_target`]).
pub type Routes = HashMap<String, Arc<Vec<u8>>>;

/// `path?b=2&a=1` → `path?a=1&b=2`: the order in which a client writes query
/// parameters does not matter.
pub fn normalize_target(target: &str) -> String {
    match target.split_once('?') {
        Some((path, query)) if !query.is_empty() => {
            let mut pairs: Vec<&str> = query.split('&').collect();
            pairs.sort_unstable();
            format!("{path}?{}", pairs.join("&"))
        }
        Some((path, _)) => path.to_owned(),
        None => target.to_owned(),
    }
}

/// The benchmark routes:
/// - `/v1/users/u1`: one user;
/// - `/v1/users?limit=3300`: about 1 MB, one page (no `continue`);
/// - `/v1/users?limit=100[&continue=pN]`: 10 pages of 100 users, tokens `p1`..`p9`.
pub fn bench_routes() -> Routes {
    let mut routes = Routes::new();
    routes.insert(
        "/v1/users/u1".to_owned(),
        Arc::new(serde_json::to_vec(&user(1)).expect("serializable")),
    );
    routes.insert(
        format!("/v1/users?limit={BIG_LIMIT}"),
        Arc::new(page(0, BIG_LIMIT, "")),
    );
    add_paginated(&mut routes, PAGE_ITEMS, 10);
    routes
}

/// Items in the ~1 MB list.
pub const BIG_LIMIT: usize = 3300;

/// `pages` pages of `per_page` users under `/v1/users?limit=<per_page>[&continue=pN]`.
pub fn add_paginated(routes: &mut Routes, per_page: usize, pages: usize) {
    for p in 0..pages {
        let target = if p == 0 {
            format!("/v1/users?limit={per_page}")
        } else {
            format!("/v1/users?limit={per_page}&continue=p{p}")
        };
        let next = if p + 1 < pages {
            format!("p{}", p + 1)
        } else {
            String::new()
        };
        routes.insert(
            normalize_target(&target),
            Arc::new(page(p * per_page, per_page, &next)),
        );
    }
}

/// Starts the server on 127.0.0.1 (an ephemeral port) on its own thread with its own
/// single-threaded runtime, and returns its address. It serves until the process ends.
pub fn start_server(routes: Routes) -> SocketAddr {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").expect("bind loopback");
    listener.set_nonblocking(true).expect("nonblocking");
    let addr = listener.local_addr().expect("local addr");
    let routes = Arc::new(routes);
    std::thread::Builder::new()
        .name("loopback-server".to_owned())
        .spawn(move || {
            let runtime = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .expect("server runtime");
            runtime.block_on(async move {
                let listener = TcpListener::from_std(listener).expect("tokio listener");
                loop {
                    let Ok((stream, _)) = listener.accept().await else {
                        continue;
                    };
                    let _ = stream.set_nodelay(true);
                    tokio::spawn(serve_connection(stream, Arc::clone(&routes)));
                }
            });
        })
        .expect("server thread");
    addr
}

/// Whether the server keeps the request heads it reads (see [`record_heads`]).
static RECORDING: AtomicBool = AtomicBool::new(false);
static RECORDED: Mutex<Vec<String>> = Mutex::new(Vec::new());

/// The request heads the server reads while `f` runs (the server records nothing
/// otherwise, so timed loops do not pay for it).
pub async fn record_heads<F: Future>(f: F) -> (F::Output, Vec<String>) {
    RECORDING.store(true, Ordering::SeqCst);
    let output = f.await;
    RECORDING.store(false, Ordering::SeqCst);
    let heads = std::mem::take(&mut *RECORDED.lock().unwrap_or_else(PoisonError::into_inner));
    (output, heads)
}

/// The header lines of a request head, names lower-cased, sorted: what two clients must
/// both send to be compared fairly.
pub fn header_lines(head: &str) -> Vec<String> {
    let mut lines: Vec<String> = head
        .lines()
        .skip(1)
        .filter_map(|line| line.split_once(':'))
        .map(|(name, value)| format!("{}: {}", name.to_ascii_lowercase(), value.trim()))
        .collect();
    lines.sort();
    lines
}

/// HTTP/1.1 keep-alive: GET requests without bodies, answered from `routes`.
async fn serve_connection(mut stream: tokio::net::TcpStream, routes: Arc<Routes>) {
    let mut buffer = Vec::with_capacity(4096);
    let mut chunk = [0u8; 4096];
    loop {
        // Read one request head.
        let head_end = loop {
            if let Some(i) = buffer.windows(4).position(|w| w == b"\r\n\r\n") {
                break i + 4;
            }
            match stream.read(&mut chunk).await {
                Ok(0) | Err(_) => return,
                Ok(n) => buffer.extend_from_slice(&chunk[..n]),
            }
        };
        let head = String::from_utf8_lossy(&buffer[..head_end]).into_owned();
        buffer.drain(..head_end);
        if RECORDING.load(Ordering::Relaxed) {
            RECORDED
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(head.clone());
        }
        let target = head.split(' ').nth(1).unwrap_or("/").to_owned();
        let response = routes.get(&normalize_target(&target)).cloned();
        let (status, body): (&str, Arc<Vec<u8>>) = match response {
            Some(body) => ("200 OK", body),
            None => (
                "404 Not Found",
                Arc::new(
                    format!("{{\"code\":\"NotFound\",\"message\":\"{target}\"}}").into_bytes(),
                ),
            ),
        };
        let header = format!(
            "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\n\r\n",
            body.len()
        );
        if stream.write_all(header.as_bytes()).await.is_err()
            || stream.write_all(&body).await.is_err()
        {
            return;
        }
    }
}

/// What every measurement starts from: the loopback server with [`bench_routes`], a
/// current-thread runtime for the clients, and the two clients against the server.
pub struct Setup {
    /// The server's address.
    pub addr: SocketAddr,
    /// The clients' runtime.
    pub runtime: tokio::runtime::Runtime,
    /// The generated client ([`generated_client`]).
    pub generated: palette_api::Client,
    /// The careful hand-written client ([`HandWritten::new`]).
    pub handwritten: HandWritten,
}

/// Starts the server and builds the runtime and both clients.
pub fn setup() -> Setup {
    let addr = start_server(bench_routes());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    Setup {
        addr,
        runtime,
        generated: generated_client(addr),
        handwritten: HandWritten::new(addr),
    }
}

/// The generated client against `addr`, with the vendor's client-side rate limits off
/// (they would otherwise dominate a loop of requests) and everything else as shipped.
pub fn generated_client(addr: SocketAddr) -> palette_api::Client {
    palette_api::Client::builder()
        .base_url(format!("http://{addr}"))
        .api_key(API_KEY)
        .rate_limits(cloudgen_runtime::RateLimitTable::new(&[]))
        .build()
        .expect("client")
}

/// The hand-written baseline: one `reqwest::Client`, and the calls below.
#[derive(Clone)]
pub struct HandWritten {
    http: reqwest::Client,
    base: String,
}

impl HandWritten {
    /// A baseline client against `addr`, configured as a careful user would for a
    /// production API, and as the generated client is by default: a connect timeout
    /// (10 s), a per-request timeout (60 s), a `User-Agent`, no redirects followed (a
    /// redirect could carry the API key to another host).
    pub fn new(addr: SocketAddr) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(10))
            .timeout(Duration::from_secs(60))
            // The generated client's default (crate name and version).
            .user_agent(palette_api::PROFILE.user_agent)
            .redirect(reqwest::redirect::Policy::none())
            .build()
            .expect("reqwest client");
        Self {
            http,
            base: format!("http://{addr}"),
        }
    }

    /// For the breakdown only: the least a hand-written call can do, with
    /// `reqwest::Client::new()` (no timeouts, no `User-Agent`).
    pub fn bare(addr: SocketAddr) -> Self {
        Self {
            http: reqwest::Client::new(),
            base: format!("http://{addr}"),
        }
    }

    /// `GET /v1/users/{uid}`.
    pub async fn get_user(&self, uid: &str) -> Result<V1User, reqwest::Error> {
        self.http
            .get(format!("{}/v1/users/{uid}", self.base))
            .header("ApiKey", API_KEY)
            .header("Accept", "application/json")
            .send()
            .await?
            .error_for_status()?
            .json()
            .await
    }

    /// `GET /v1/users?limit=N[&continue=T]`.
    pub async fn list_users(
        &self,
        limit: usize,
        token: Option<&str>,
    ) -> Result<V1Users, reqwest::Error> {
        let mut request = self
            .http
            .get(format!("{}/v1/users", self.base))
            .header("ApiKey", API_KEY)
            .header("Accept", "application/json")
            .query(&[("limit", limit.to_string())]);
        if let Some(token) = token {
            request = request.query(&[("continue", token)]);
        }
        request.send().await?.error_for_status()?.json().await
    }

    /// Every user across `continue` tokens, each one passed to [`black_box`] (as the
    /// generated side does); returns how many.
    pub async fn count_all_users(&self, limit: usize) -> Result<usize, reqwest::Error> {
        let mut count = 0;
        let mut token: Option<String> = None;
        loop {
            let page = self.list_users(limit, token.as_deref()).await?;
            for user in page.items {
                black_box(&user);
                count += 1;
            }
            match page.listmeta.and_then(|m| m.r#continue) {
                Some(next) if !next.is_empty() => token = Some(next),
                _ => return Ok(count),
            }
        }
    }
}

/// Every user across `continue` tokens with the generated client's `items()` stream,
/// each one passed to [`black_box`] (as the hand-written side does); returns how many.
pub async fn generated_count_all_users(
    client: &palette_api::Client,
    limit: usize,
) -> Result<usize, palette_api::Error> {
    client
        .users_list()
        .limit(limit as i64)
        .items()
        .try_fold(0usize, |n, user| {
            black_box(&user);
            future::ready(Ok(n + 1))
        })
        .await
}
