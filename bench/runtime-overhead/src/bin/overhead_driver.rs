//! A plain loop of one benchmark scenario with one client, for profilers that want a
//! program rather than criterion (`valgrind --tool=callgrind`, `perf`):
//!
//! ```sh
//! overhead_driver <generated|handwritten|handwritten_bare> <small_get|paginate> <iterations>
//! ```
//!
//! Prints the wall time per iteration. After a warm-up, the iterations run inside the
//! function `overhead_driver::measured`, so that
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='overhead_driver::measured'`
//! counts the instructions of the iterations alone (client thread; the server thread
//! runs elsewhere and is not counted).

use std::hint::black_box;
use std::time::{Duration, Instant};

use runtime_overhead::{
    HandWritten, PAGE_ITEMS, bench_routes, generated_client, generated_count_all_users,
    start_server,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [client, scenario, iterations] = args.as_slice() else {
        eprintln!("usage: overhead_driver <generated|handwritten[_bare]> <small_get|paginate> <n>");
        std::process::exit(2);
    };
    let iterations: u32 = iterations.parse().expect("iterations");
    let addr = start_server(bench_routes());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let generated = generated_client(addr);
    let handwritten = match client.as_str() {
        "handwritten_bare" => HandWritten::bare(addr),
        _ => HandWritten::new(addr),
    };
    let client = client.strip_suffix("_bare").unwrap_or(client);
    let run = |n: u32| {
        runtime.block_on(async {
            for _ in 0..n {
                match (client, scenario.as_str()) {
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
    let per = measured(&run, iterations);
    println!("{client} {scenario}: {per:?} per iteration");
}

/// Runs the measured iterations; its name is what callgrind toggles collection on.
#[inline(never)]
fn measured(run: &dyn Fn(u32), iterations: u32) -> Duration {
    let started = Instant::now();
    run(iterations);
    started.elapsed() / iterations.max(1)
}
