//! A plain loop of one benchmark scenario with one client, for profilers that want a
//! program rather than criterion (`valgrind --tool=callgrind`, `perf`):
//!
//! ```sh
//! overhead_driver <generated|handwritten> <small_get|paginate> <iterations>
//! ```
//!
//! Prints the wall time per iteration. Under callgrind, compare the client thread's
//! instruction counts of the two clients to see what the generated one adds.

use std::hint::black_box;
use std::time::Instant;

use runtime_overhead::{
    HandWritten, PAGE_ITEMS, bench_routes, generated_client, generated_count_all_users,
    start_server,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [client, scenario, iterations] = args.as_slice() else {
        eprintln!("usage: overhead_driver <generated|handwritten> <small_get|paginate> <n>");
        std::process::exit(2);
    };
    let iterations: u32 = iterations.parse().expect("iterations");
    let addr = start_server(bench_routes());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let generated = generated_client(addr);
    let handwritten = HandWritten::new(addr);
    let run = |n: u32| {
        runtime.block_on(async {
            for _ in 0..n {
                match (client.as_str(), scenario.as_str()) {
                    ("generated", "small_get") => {
                        black_box(generated.users_uid_get("u1").send().await.expect("get"));
                    }
                    ("handwritten", "small_get") => {
                        black_box(handwritten.get_user("u1").await.expect("get"));
                    }
                    ("generated", "paginate") => {
                        black_box(
                            generated_count_all_users(&generated, PAGE_ITEMS)
                                .await
                                .expect("pages"),
                        );
                    }
                    ("handwritten", "paginate") => {
                        black_box(
                            handwritten
                                .count_all_users(PAGE_ITEMS)
                                .await
                                .expect("pages"),
                        );
                    }
                    _ => panic!("unknown client or scenario"),
                }
            }
        })
    };
    // Warm up: the connection, the pool, lazy statics.
    run(iterations.clamp(1, 10));
    let started = Instant::now();
    run(iterations);
    let per = started.elapsed() / iterations.max(1);
    println!("{client} {scenario}: {per:?} per iteration");
}
