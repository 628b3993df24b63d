//! 100 MB through a binary download (`send_stream`) and a streamed file upload
//! (`stream_body`) with bounded memory, measured by a counting global allocator: the
//! heap may grow by at most [`BOUND`] while the 100 MB pass, and every byte is checked.
//!
//! Its own test binary, because the allocator is process-wide; the two tests take a lock
//! so one does not count the other's allocations. The server is a raw loopback TCP server
//! writing from (and reading into) one reused buffer, so it adds nothing to the count.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use cloudgen_runtime::{AuthScheme, ClientBuilder, ClientCore, Request, VendorProfile};
use futures_util::StreamExt;
use http::Method;
use tokio::io::{AsyncBufReadExt, AsyncReadExt, AsyncWriteExt, BufReader};
use tokio::net::{TcpListener, TcpStream};

/// Heap bytes in use now, and the most since the last [`reset_peak`].
static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

struct Counting;

// SAFETY: every call is forwarded to `System` unchanged; only counters are updated.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            grew(layout.size());
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) };
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: same contract as the caller's.
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
            grew(new_size);
        }
        new
    }
}

fn grew(size: usize) {
    let now = CURRENT.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// Starts a new measurement; returns the baseline.
fn reset_peak() -> usize {
    let now = CURRENT.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

const TOTAL: usize = 100 * 1024 * 1024;
const CHUNK: usize = 64 * 1024;
/// Allowed heap growth while 100 MB pass: far below the payload, above what a few
/// buffered chunks and the HTTP machinery need.
const BOUND: usize = 8 * 1024 * 1024;

/// Serializes the tests (the allocator counts the whole process).
static ONE_AT_A_TIME: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// The byte at offset `i` of the payload.
fn pattern(i: usize) -> u8 {
    (i % 251) as u8
}

fn profile() -> &'static VendorProfile {
    static PROFILE: VendorProfile = VendorProfile {
        name: "stream-vendor",
        default_base_url: "https://unused.invalid",
        auth: AuthScheme::Bearer,
        user_agent: "cloudgen-test/1.0",
        etag: None,
    };
    &PROFILE
}

fn client(addr: std::net::SocketAddr) -> ClientCore {
    ClientBuilder::<ClientCore>::new(profile())
        .base_url(format!("http://{addr}"))
        .bearer_token("t")
        .build()
        .expect("builds")
}

/// Reads a request head (up to the blank line) and returns it.
async fn read_head(reader: &mut BufReader<TcpStream>) -> String {
    let mut head = String::new();
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).await.expect("reads") == 0 || line == "\r\n" {
            return head;
        }
        head.push_str(&line);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mb_download_streams_in_bounded_memory() {
    let _one = ONE_AT_A_TIME.lock().await;
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let addr = listener.local_addr().expect("addr");
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accepts");
        let mut reader = BufReader::new(socket);
        read_head(&mut reader).await;
        let mut socket = reader.into_inner();
        let head = format!(
            "HTTP/1.1 200 OK\r\ncontent-type: application/octet-stream\r\ncontent-length: \
             {TOTAL}\r\n\r\n"
        );
        socket.write_all(head.as_bytes()).await.expect("writes");
        let mut buffer = vec![0u8; CHUNK];
        let mut sent = 0;
        while sent < TOTAL {
            for (i, b) in buffer.iter_mut().enumerate() {
                *b = pattern(sent + i);
            }
            socket.write_all(&buffer).await.expect("writes");
            sent += CHUNK;
        }
        socket.flush().await.expect("flushes");
    });

    let client = client(addr);
    let baseline = reset_peak();
    let response = client
        .send_stream::<serde_json::Value>(
            Request::new(Method::GET, "/download").header("accept", "application/octet-stream"),
        )
        .await
        .expect("the download starts");
    let mut stream = response.into_inner();
    let mut received = 0usize;
    while let Some(chunk) = stream.next().await {
        let chunk = chunk.expect("the chunk arrives");
        for (i, b) in chunk.iter().enumerate() {
            assert_eq!(*b, pattern(received + i), "byte {} differs", received + i);
        }
        received += chunk.len();
    }
    let growth = PEAK.load(Ordering::Relaxed).saturating_sub(baseline);
    server.await.expect("the server ends");
    assert_eq!(received, TOTAL);
    println!("download: 100 MB received, heap grew by at most {growth} bytes");
    assert!(
        growth < BOUND,
        "the heap grew by {growth} bytes during the download"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_100_mb_file_upload_streams_in_bounded_memory() {
    let _one = ONE_AT_A_TIME.lock().await;
    let dir = tempfile::tempdir().expect("temp dir");
    let path = dir.path().join("upload.bin");
    {
        let mut file = tokio::fs::File::create(&path).await.expect("creates");
        let mut buffer = vec![0u8; CHUNK];
        let mut written = 0;
        while written < TOTAL {
            for (i, b) in buffer.iter_mut().enumerate() {
                *b = pattern(written + i);
            }
            file.write_all(&buffer).await.expect("writes");
            written += CHUNK;
        }
        file.flush().await.expect("flushes");
    }

    let listener = TcpListener::bind("127.0.0.1:0").await.expect("binds");
    let addr = listener.local_addr().expect("addr");
    // The server checks every byte (de-chunking or by length) and answers 204.
    let server = tokio::spawn(async move {
        let (socket, _) = listener.accept().await.expect("accepts");
        let mut reader = BufReader::with_capacity(CHUNK, socket);
        let head = read_head(&mut reader).await.to_ascii_lowercase();
        let mut buffer = vec![0u8; CHUNK];
        let mut received = 0usize;
        let check = |data: &[u8], received: &mut usize| {
            for (i, b) in data.iter().enumerate() {
                assert_eq!(
                    *b,
                    pattern(*received + i),
                    "uploaded byte {} differs",
                    *received + i
                );
            }
            *received += data.len();
        };
        if head.contains("transfer-encoding: chunked") {
            loop {
                let mut size_line = String::new();
                reader.read_line(&mut size_line).await.expect("reads");
                let size =
                    usize::from_str_radix(size_line.trim().split(';').next().unwrap_or(""), 16)
                        .expect("a chunk size");
                if size == 0 {
                    read_head(&mut reader).await; // trailers
                    break;
                }
                let mut left = size;
                while left > 0 {
                    let n = left.min(CHUNK);
                    reader.read_exact(&mut buffer[..n]).await.expect("reads");
                    check(&buffer[..n], &mut received);
                    left -= n;
                }
                let mut crlf = [0u8; 2];
                reader.read_exact(&mut crlf).await.expect("reads");
            }
        } else {
            let length: usize = head
                .lines()
                .find_map(|l| l.strip_prefix("content-length:"))
                .and_then(|v| v.trim().parse().ok())
                .expect("a length or chunked encoding");
            while received < length {
                let n = (length - received).min(CHUNK);
                reader.read_exact(&mut buffer[..n]).await.expect("reads");
                check(&buffer[..n], &mut received);
            }
        }
        let mut socket = reader.into_inner();
        socket
            .write_all(b"HTTP/1.1 204 No Content\r\ncontent-length: 0\r\n\r\n")
            .await
            .expect("answers");
        received
    });

    let client = client(addr);
    let file = tokio::fs::File::open(&path).await.expect("opens");
    let baseline = reset_peak();
    client
        .send_empty::<serde_json::Value>(
            Request::new(Method::PUT, "/upload").stream_body("application/octet-stream", file),
        )
        .await
        .expect("the upload succeeds");
    let growth = PEAK.load(Ordering::Relaxed).saturating_sub(baseline);
    let received = server.await.expect("the server ends");
    assert_eq!(received, TOTAL);
    println!("upload: 100 MB sent, heap grew by at most {growth} bytes");
    assert!(
        growth < BOUND,
        "the heap grew by {growth} bytes during the upload"
    );
}

/// The instrument itself: a buffered 16 MB is seen (so a passing bound means something).
#[tokio::test]
async fn the_counter_sees_a_buffered_body() {
    let _one = ONE_AT_A_TIME.lock().await;
    let baseline = reset_peak();
    let buffered = vec![1u8; 2 * BOUND];
    let growth = PEAK.load(Ordering::Relaxed).saturating_sub(baseline);
    assert_eq!(buffered.len(), 2 * BOUND);
    // Other threads may free a little meanwhile; the point is that it exceeds the bound.
    assert!(growth > BOUND, "only {growth} bytes counted");
}
