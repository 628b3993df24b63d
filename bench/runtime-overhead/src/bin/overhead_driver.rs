//! A plain loop of one benchmark scenario with one client, for profilers that want a
//! program rather than criterion (`valgrind --tool=callgrind`, `perf`):
//!
//! ```sh
//! overhead_driver <generated|handwritten|handwritten_bare> <small_get|paginate> <iterations>
//! overhead_driver paired <small_get|list_1mb|paginate> <rounds>
//! ```
//!
//! Prints the wall time per iteration. `paired` alternates batches of the generated and
//! the hand-written client (generated first in even rounds, hand-written first in odd
//! ones) and prints `paired <scenario> <generated ns> <hand-written ns> <ratio>`: the
//! median per-iteration time of each client's batches and the median of the per-round
//! ratios. Drift in the machine's speed then hits both clients alike, which criterion's
//! one-client-after-the-other windows do not give on a shared VM. After a warm-up, the iterations run inside the
//! function `overhead_driver::measured`, so that
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='overhead_driver::measured'`
//! counts the instructions of the iterations alone (client thread; the server thread
//! runs elsewhere and is not counted).

use std::hint::black_box;
use std::time::{Duration, Instant};

use runtime_overhead::{
    BIG_LIMIT, HandWritten, PAGE_ITEMS, Setup, generated_count_all_users, setup,
};

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [client, scenario, iterations] = args.as_slice() else {
        eprintln!("usage: overhead_driver <generated|handwritten[_bare]> <small_get|paginate> <n>");
        std::process::exit(2);
    };
    let iterations: u32 = iterations.parse().expect("iterations");
    if client == "paired" {
        paired(scenario, iterations);
        return;
    }
    let Setup {
        addr,
        runtime,
        generated,
        handwritten,
    } = setup();
    let handwritten = match client.as_str() {
        "handwritten_bare" => HandWritten::bare(addr),
        _ => handwritten,
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

/// The interleaved measurement of `scenario` over `rounds` rounds (see the module docs).
fn paired(scenario: &str, rounds: u32) {
    let Setup {
        runtime,
        generated,
        handwritten,
        ..
    } = setup();
    // `n` iterations of `scenario` with the generated (true) or hand-written client:
    // nanoseconds per iteration.
    let batch = |use_generated: bool, n: u32| {
        runtime.block_on(async {
            let started = Instant::now();
            for _ in 0..n {
                match (use_generated, scenario) {
                    (true, "small_get") => {
                        black_box(generated.users_uid_get("u1").send().await.expect("get"));
                    }
                    (false, "small_get") => {
                        black_box(handwritten.get_user("u1").await.expect("get"));
                    }
                    (true, "list_1mb") => {
                        let list = generated.users_list().limit(BIG_LIMIT as i64).send();
                        black_box(list.await.expect("list"));
                    }
                    (false, "list_1mb") => {
                        let list = handwritten.list_users(BIG_LIMIT, None);
                        black_box(list.await.expect("list"));
                    }
                    (true, "paginate") => {
                        let count = generated_count_all_users(&generated, PAGE_ITEMS).await;
                        black_box(count.expect("pages"));
                    }
                    (false, "paginate") => {
                        let count = handwritten.count_all_users(PAGE_ITEMS).await;
                        black_box(count.expect("pages"));
                    }
                    _ => panic!("unknown scenario {scenario}"),
                }
            }
            started.elapsed().as_nanos() as f64 / f64::from(n.max(1))
        })
    };
    // Warm up both, and size a batch to about 20 ms.
    batch(true, 5);
    let per = batch(false, 5).max(1.0);
    let n = ((20e6 / per) as u32).clamp(1, 1000);
    let (mut gen_ns, mut hand_ns, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (g, h) = if round % 2 == 0 {
            let g = batch(true, n);
            (g, batch(false, n))
        } else {
            let h = batch(false, n);
            (batch(true, n), h)
        };
        gen_ns.push(g);
        hand_ns.push(h);
        ratios.push(g / h);
    }
    println!(
        "paired {scenario} {:.0} {:.0} {:.4}",
        median(&mut gen_ns),
        median(&mut hand_ns),
        median(&mut ratios)
    );
}

fn median(values: &mut [f64]) -> f64 {
    values.sort_by(f64::total_cmp);
    match values.len() {
        0 => f64::NAN,
        n if n % 2 == 1 => values[n / 2],
        n => (values[n / 2 - 1] + values[n / 2]) / 2.0,
    }
}
