//! Memory of a 100,000-item pagination stream: 100 pages of 1,000 Palette users from a
//! loopback server, consumed with the generated client's `items()` stream, counting live
//! heap bytes with a counting global allocator. For contrast, the same listing collected
//! into a `Vec`. Prints `key value` lines for `cargo xtask bench --runtime`:
//!
//! - `baseline_live_bytes`: live heap before listing (the server's precomputed pages);
//! - `stream_peak_above_baseline_bytes`: the highest live heap above the baseline while
//!   streaming; `stream_live_after_<n>_items_bytes`: live heap above the baseline after n items;
//! - `collect_peak_above_baseline_bytes`: the same for collecting every item;
//! - `vm_hwm_kib`, `vm_rss_kib`: the process's peak and current RSS (from /proc).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

use futures_util::TryStreamExt;
use runtime_overhead::{Routes, add_paginated, generated_client, start_server};

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every method forwards to the system allocator unchanged and only updates
// counters.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            add(layout.size());
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded with the caller's guarantees.
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: forwarded with the caller's guarantees.
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
            add(new_size);
        }
        p
    }
}

fn add(size: usize) {
    let live = LIVE.fetch_add(size, Ordering::Relaxed) + size;
    PEAK.fetch_max(live, Ordering::Relaxed);
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

const PER_PAGE: usize = 1000;
const PAGES: usize = 100;

fn proc_status(key: &str) -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find_map(|l| l.strip_prefix(key))
        .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse().ok())
}

fn main() {
    let mut routes = Routes::new();
    add_paginated(&mut routes, PER_PAGE, PAGES);
    let addr = start_server(routes);
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime");
    let client = generated_client(addr);

    // Warm up: one connection and one page, so the baseline includes the pool and
    // the server's buffers.
    runtime.block_on(async {
        let first = client
            .users_list()
            .limit(PER_PAGE as i64)
            .send()
            .await
            .expect("first page");
        assert_eq!(first.into_inner().items.len(), PER_PAGE);
    });

    let baseline = LIVE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    println!("items {}", PER_PAGE * PAGES);
    println!("baseline_live_bytes {baseline}");
    let count = runtime.block_on(async {
        let mut stream = client.users_list().limit(PER_PAGE as i64).items();
        let mut n = 0usize;
        while let Some(user) = stream.try_next().await.expect("item") {
            std::hint::black_box(&user);
            drop(user);
            n += 1;
            if [1_000, 10_000, 50_000, 100_000].contains(&n) {
                let live = LIVE.load(Ordering::Relaxed).saturating_sub(baseline);
                println!("stream_live_after_{n}_items_bytes {live}");
            }
        }
        n
    });
    assert_eq!(count, PER_PAGE * PAGES, "every item streamed");
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(baseline);
    println!("stream_peak_above_baseline_bytes {peak}");
    let page_bytes = runtime_overhead::page(0, PER_PAGE, "p1").len();
    println!("page_json_bytes {page_bytes}");

    let baseline = LIVE.load(Ordering::Relaxed);
    PEAK.store(baseline, Ordering::Relaxed);
    let all = runtime.block_on(async {
        client
            .users_list()
            .limit(PER_PAGE as i64)
            .items()
            .try_collect::<Vec<_>>()
            .await
            .expect("items")
    });
    assert_eq!(all.len(), PER_PAGE * PAGES);
    let peak = PEAK.load(Ordering::Relaxed).saturating_sub(baseline);
    println!("collect_peak_above_baseline_bytes {peak}");
    drop(all);
    if let Some(hwm) = proc_status("VmHWM:") {
        println!("vm_hwm_kib {hwm}");
    }
    if let Some(rss) = proc_status("VmRSS:") {
        println!("vm_rss_kib {rss}");
    }
}
