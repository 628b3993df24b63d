//! Shared fixtures: vendor profiles, client construction, the vendor error envelope.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use cloudgen_runtime::{
    AuthScheme, ClientBuilder, ClientCore, EtagPolicy, ManualClock, VendorProfile,
};
use serde::Deserialize;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use wiremock::MockServer;

pub(crate) const TOKEN: &str = "tok-SECRET-1234";

pub(crate) static BEARER: VendorProfile = VendorProfile {
    name: "bearer-vendor",
    default_base_url: "https://unused.invalid/api",
    auth: AuthScheme::Bearer,
    user_agent: "cloudgen-test/1.0",
    etag: Some(EtagPolicy {
        if_match_header: "If-Match",
    }),
};

pub(crate) static API_KEY: VendorProfile = VendorProfile {
    name: "apikey-vendor",
    default_base_url: "https://unused.invalid",
    auth: AuthScheme::ApiKey {
        header: "MC-Api-Key",
    },
    user_agent: "cloudgen-test/1.0",
    etag: None,
};

/// A bearer client whose base URL is `<server>/api`, on a manual clock (so retry
/// waits take no real time).
pub(crate) fn client(server: &MockServer) -> ClientCore {
    builder(&server.uri(), ManualClock::default())
        .build()
        .expect("client builds")
}

/// A bearer client builder for `<base>/api` with `clock` and a fixed jitter seed.
pub(crate) fn builder(base: &str, clock: ManualClock) -> ClientBuilder<ClientCore> {
    ClientBuilder::<ClientCore>::new(&BEARER)
        .base_url(format!("{base}/api"))
        .bearer_token(TOKEN)
        .clock(clock)
        .jitter_seed(7)
}

/// What the raw TCP server does with request number `n` (0-based).
#[derive(Debug, Clone)]
pub(crate) enum Action {
    /// Read the whole request, answer with these raw bytes, close.
    Respond(String),
    /// Read the head only, then reset the connection (the body is never read).
    ResetAfterHead,
    /// Read the whole request, then reset the connection without answering.
    ResetAfterBody,
    /// Read the whole request and never answer.
    Stall,
}

/// A one-request-per-connection HTTP/1.1 server on loopback for faults wiremock
/// cannot express.
pub(crate) struct RawServer {
    pub(crate) uri: String,
    requests: Arc<AtomicUsize>,
}

impl RawServer {
    pub(crate) fn requests(&self) -> usize {
        self.requests.load(Ordering::SeqCst)
    }
}

pub(crate) async fn raw_server(
    script: impl Fn(usize) -> Action + Send + Sync + 'static,
) -> RawServer {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let uri = format!("http://{}", listener.local_addr().unwrap());
    let requests = Arc::new(AtomicUsize::new(0));
    let counter = requests.clone();
    let script = Arc::new(script);
    tokio::spawn(async move {
        while let Ok((socket, _)) = listener.accept().await {
            let counter = counter.clone();
            let script = script.clone();
            tokio::spawn(async move {
                let _ = serve(socket, &counter, &*script).await;
            });
        }
    });
    RawServer { uri, requests }
}

async fn serve(
    mut socket: TcpStream,
    counter: &AtomicUsize,
    script: &(dyn Fn(usize) -> Action + Send + Sync),
) -> std::io::Result<()> {
    let mut buf = Vec::new();
    let mut chunk = [0u8; 4096];
    let head_end = loop {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
        if let Some(i) = buf.windows(4).position(|w| w == b"\r\n\r\n") {
            break i + 4;
        }
    };
    let n = counter.fetch_add(1, Ordering::SeqCst);
    let action = script(n);
    if let Action::ResetAfterHead = action {
        socket.set_zero_linger()?;
        return Ok(());
    }
    let head = String::from_utf8_lossy(&buf[..head_end]).to_ascii_lowercase();
    let length: usize = head
        .lines()
        .find_map(|l| l.strip_prefix("content-length:"))
        .and_then(|v| v.trim().parse().ok())
        .unwrap_or(0);
    while buf.len() < head_end + length {
        let n = socket.read(&mut chunk).await?;
        if n == 0 {
            return Ok(());
        }
        buf.extend_from_slice(&chunk[..n]);
    }
    match action {
        Action::Respond(raw) => {
            socket.write_all(raw.as_bytes()).await?;
            socket.shutdown().await?;
        }
        Action::ResetAfterBody => socket.set_zero_linger()?,
        Action::Stall => std::future::pending::<()>().await,
        Action::ResetAfterHead => {}
    }
    Ok(())
}

/// A raw HTTP/1.1 response with `Connection: close`.
pub(crate) fn http(status: &str, content_type: &str, declared_length: usize, body: &str) -> String {
    format!(
        "HTTP/1.1 {status}\r\ncontent-type: {content_type}\r\ncontent-length: {declared_length}\r\nconnection: close\r\n\r\n{body}"
    )
}

/// CloudCasa/Eve error envelope.
#[derive(Debug, Deserialize, PartialEq)]
pub(crate) struct Envelope {
    #[serde(rename = "_status")]
    pub(crate) status: String,
    #[serde(rename = "_error")]
    pub(crate) error: EnvelopeError,
}

#[derive(Debug, Deserialize, PartialEq)]
pub(crate) struct EnvelopeError {
    pub(crate) code: u16,
    pub(crate) message: String,
}
