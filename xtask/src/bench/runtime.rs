//! Runtime overhead: the criterion benchmark of `bench/runtime-overhead` (generated
//! Palette client against hand-written reqwest + serde, loopback server), instruction
//! counts of the same scenarios under callgrind (see [`super::callgrind`]), and the
//! `pagination_memory` program (live heap of a 100,000-item stream).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

use super::callgrind::{self, Run};
use super::measure::Cmd;
use super::{Ctx, Table};

const GROUPS: [(&str, &str, u32); 3] = [
    (
        "small_get",
        "small GET (`users_uid_get`, one ~330-byte user)",
        1,
    ),
    (
        "list_1mb",
        "~1 MB JSON list decode (`users_list`, 3,300 users, one page)",
        1,
    ),
    (
        "paginate_10_pages",
        "10-page `continue`-token listing (`users_list().items()`, 100 users a page)",
        10,
    ),
];

/// Criterion's median (and its 95% confidence bounds), nanoseconds, from an
/// `estimates.json`.
fn median_ns(path: &Path) -> Result<(f64, f64, f64), String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    let start = text
        .find("\"median\":")
        .ok_or_else(|| format!("{}: no median", path.display()))?;
    let section = &text[start..];
    let end = section.find('}').and_then(|first| {
        // The median object holds one nested object (the confidence interval).
        section[first + 1..]
            .find('}')
            .map(|second| first + 1 + second)
    });
    let section = &section[..end.unwrap_or(section.len())];
    let number = |key: &str| -> Option<f64> {
        let at = section.find(&format!("\"{key}\":"))? + key.len() + 3;
        let rest = &section[at..];
        let stop = rest
            .find(|c: char| !(c.is_ascii_digit() || "+-.eE".contains(c)))
            .unwrap_or(rest.len());
        rest[..stop].parse().ok()
    };
    match (
        number("point_estimate"),
        number("lower_bound"),
        number("upper_bound"),
    ) {
        (Some(p), Some(l), Some(u)) => Ok((p, l, u)),
        _ => Err(format!("{}: cannot read the median", path.display())),
    }
}

/// `micros` with a sign.
fn signed_micros(ns: f64) -> String {
    let sign = if ns < 0.0 { "-" } else { "+" };
    format!("{sign}{}", micros(ns.abs()))
}

fn micros(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

/// The runtime section.
pub fn run(ctx: &mut Ctx) -> String {
    let mut md = String::new();
    let manifest = ctx
        .root
        .join("bench")
        .join("runtime-overhead")
        .join("Cargo.toml");
    let target = ctx.scratch.join("runtime-overhead-target");
    let criterion_dir = target.join("criterion");
    let _ = fs::remove_dir_all(&criterion_dir);
    let criterion_args: &[&str] = if ctx.opts.quick {
        &[
            "--warm-up-time",
            "1",
            "--measurement-time",
            "3",
            "--sample-size",
            "20",
        ]
    } else {
        &["--warm-up-time", "3", "--measurement-time", "10"]
    };
    let bench = ctx
        .cargo(&ctx.root)
        .env("CARGO_TARGET_DIR", &target)
        .args([
            "bench".into(),
            "--manifest-path".into(),
            manifest.clone().into_os_string(),
        ])
        .args(["--bench", "overhead", "--"])
        .args(criterion_args.iter().copied());
    eprintln!("bench: {}", ctx.show(&bench));
    let _ = writeln!(
        md,
        "A loopback HTTP/1.1 server (a few lines of tokio on its own thread, answering from \
         precomputed bodies) serves both clients; each client runs on a current-thread \
         tokio runtime. The generated `palette-api` client (rate limits off with \
         `.rate_limits(RateLimitTable::new(&[]))`, everything else as shipped: timeouts, \
         retries, ETag memory, error envelope, headers) is compared with a hand-written \
         `reqwest` + `serde` client set up as carefully (connect timeout 10 s, request \
         timeout 60 s, the same `User-Agent`, no redirects followed) doing the same \
         requests, decoding into the same generated model types and touching every listed \
         item the same way; the benchmark checks before timing that both send the same \
         request line and headers. So the difference is the generated client and its \
         runtime, not the model types or the settings. Criterion 0.8.2 ({}); medians with \
         95% confidence intervals.\n\n```sh\n{}\n",
        if ctx.opts.quick {
            "quick: 1 s warm-up, 3 s measurement, 20 samples"
        } else {
            "3 s warm-up, 10 s measurement, 100 samples"
        },
        ctx.show(&bench)
    );
    let memory = ctx
        .cargo(&ctx.root)
        .env("CARGO_TARGET_DIR", &target)
        .args([
            "run".into(),
            "--release".into(),
            "--quiet".into(),
            "--manifest-path".into(),
            manifest.clone().into_os_string(),
        ])
        .args(["--bin", "pagination_memory"]);
    let driver_build = ctx
        .cargo(&ctx.root)
        .env("CARGO_TARGET_DIR", &target)
        .args([
            "build".into(),
            "--release".into(),
            "--quiet".into(),
            "--manifest-path".into(),
            manifest.into_os_string(),
        ])
        .args(["--bin", "overhead_driver"]);
    let driver = target.join("release").join("overhead_driver");
    let (get_iterations, page_iterations) = if ctx.opts.quick { (100, 4) } else { (500, 20) };
    let runs = [
        ("small_get", "generated", get_iterations),
        ("small_get", "handwritten", get_iterations),
        ("small_get", "handwritten_bare", get_iterations),
        ("paginate", "generated", page_iterations),
        ("paginate", "handwritten", page_iterations),
    ];
    let example = callgrind::command(
        &driver,
        &Run {
            client: "generated",
            scenario: "small_get",
            iterations: get_iterations,
        },
    );
    let _ = writeln!(
        md,
        "{}\n\n{}\n{}  # and the other clients and scenarios\n```\n",
        ctx.show(&memory),
        ctx.show(&driver_build),
        ctx.show(&example)
    );

    match bench.output() {
        Err(e) => ctx.problem(format!("criterion benchmark not run: {e}")),
        Ok(done) if !done.status.success() => ctx.problem(format!(
            "criterion benchmark failed ({}):\n{}",
            done.status,
            done.tail(20)
        )),
        Ok(_) => {}
    }
    let mut table = Table::new(&[
        "scenario",
        "generated: latency (95% CI)",
        "generated: req/s",
        "hand-written: latency (95% CI)",
        "hand-written: req/s",
        "difference at the median",
    ]);
    let mut any = false;
    for (group, label, requests) in GROUPS {
        let read = |function: &str| {
            median_ns(
                &criterion_dir
                    .join(group)
                    .join(function)
                    .join("new")
                    .join("estimates.json"),
            )
        };
        match (read("generated"), read("handwritten")) {
            (Ok(g), Ok(h)) => {
                any = true;
                let overhead = (g.0 - h.0) / h.0 * 100.0;
                let per_sec = |ns: f64| format!("{:.0}", f64::from(requests) * 1e9 / ns);
                table.row(&[
                    label.to_owned(),
                    format!("{} ({}–{})", micros(g.0), micros(g.1), micros(g.2)),
                    per_sec(g.0),
                    format!("{} ({}–{})", micros(h.0), micros(h.1), micros(h.2)),
                    per_sec(h.0),
                    format!("{overhead:+.1}%"),
                ]);
            }
            (g, h) => {
                let why = g.err().or(h.err()).unwrap_or_default();
                ctx.problem(format!("runtime benchmark {group}: no result ({why})"));
                table.row(&[
                    label.to_owned(),
                    "–".into(),
                    "–".into(),
                    "–".into(),
                    "–".into(),
                    "–".into(),
                ]);
            }
        }
    }
    md.push_str(&table.render());
    let small_get = |function: &str| {
        median_ns(
            &criterion_dir
                .join("small_get")
                .join(function)
                .join("new")
                .join("estimates.json"),
        )
        .ok()
        .map(|m| m.0)
    };
    if let (Some(g), Some(h), Some(bare)) = (
        small_get("generated"),
        small_get("handwritten"),
        small_get("handwritten_bare"),
    ) {
        let _ = writeln!(
            md,
            "\nBreakdown (small GET): a bare hand-written call (`reqwest::Client::new()`, no \
             timeouts, no `User-Agent`) takes {}; the careful call's timeouts (a timer armed \
             and cancelled per request) and `User-Agent`, which the generated client has \
             too, change that by {}. The generated client differs from the careful call by \
             {} per request. It does work the hand-written call does not (the request built \
             from the operation's path template with percent-encoded parameters; default, \
             scope and credential headers merged; a tracing span; the retry budget) and \
             saves some (reqwest parses the URL string the hand-written call formats; the \
             runtime joins an already parsed base URL and the path).",
            micros(bare),
            signed_micros(h - bare),
            signed_micros(g - h),
        );
    }
    if any {
        md.push_str(
            "\nLatency is per iteration (for the 10-page listing: all ten requests); \
             req/s = requests per iteration ÷ median latency, one request at a time.\n",
        );
    }

    md.push_str(&paired(ctx, &driver_build, &driver));
    md.push_str(&instructions(ctx, &driver_build, &driver, &runs));

    md.push_str("\n### Memory of a 100,000-item pagination stream\n\n");
    eprintln!("bench: {}", ctx.show(&memory));
    match memory.output() {
        Err(e) => {
            ctx.problem(format!("pagination_memory not run: {e}"));
            md.push_str("Not measured.\n");
        }
        Ok(done) if !done.status.success() => {
            ctx.problem(format!(
                "pagination_memory failed ({}):\n{}",
                done.status,
                done.tail(15)
            ));
            md.push_str("Not measured.\n");
        }
        Ok(done) => {
            let value = |key: &str| -> Option<u64> {
                done.stdout.lines().find_map(|l| {
                    let (k, v) = l.split_once(' ')?;
                    if k == key {
                        v.trim().parse().ok()
                    } else {
                        None
                    }
                })
            };
            let mb = |key: &str| {
                value(key).map_or("–".to_owned(), |b| format!("{:.2} MB", b as f64 / 1e6))
            };
            let _ = writeln!(
                md,
                "`pagination_memory` streams 100 pages of 1,000 users (each page ~{}) from \
                 the loopback server with `users_list().limit(1000).items()`, counting live \
                 heap bytes with a counting global allocator (the server's precomputed \
                 pages, {}, are in the baseline and not counted).\n",
                mb("page_json_bytes"),
                mb("baseline_live_bytes")
            );
            let mut table = Table::new(&["measure", "live heap above the baseline"]);
            for n in [1_000, 10_000, 50_000, 100_000] {
                table.row(&[
                    format!("streaming, after {n} items"),
                    mb(&format!("stream_live_after_{n}_items_bytes")),
                ]);
            }
            table.row(&[
                "streaming, **peak** over all 100,000 items".into(),
                mb("stream_peak_above_baseline_bytes"),
            ]);
            table.row(&[
                "for contrast: `try_collect` of all 100,000 items, peak".into(),
                mb("collect_peak_above_baseline_bytes"),
            ]);
            md.push_str(&table.render());
            let stream_peak = value("stream_peak_above_baseline_bytes");
            let collect_peak = value("collect_peak_above_baseline_bytes");
            if let (Some(s), Some(c), Some(page)) =
                (stream_peak, collect_peak, value("page_json_bytes"))
            {
                let flat = (s as f64) < 10.0 * page as f64;
                let _ = writeln!(
                    md,
                    "\nThe stream's peak is {:.1}× one page's JSON and {:.0}× below collecting \
                     everything: memory stays {} (process peak RSS {} KiB).",
                    s as f64 / page as f64,
                    c as f64 / s.max(1) as f64,
                    if flat {
                        "flat, bounded by about one page"
                    } else {
                        "**not** flat"
                    },
                    value("vm_hwm_kib").map_or("–".to_owned(), |v| v.to_string())
                );
            }
        }
    }
    md
}

/// The interleaved subsection, which carries the ≤ 5% target: `overhead_driver paired`
/// per scenario.
fn paired(ctx: &mut Ctx, driver_build: &Cmd, driver: &Path) -> String {
    let rounds: u32 = if ctx.opts.quick { 40 } else { 200 };
    match driver_build.output() {
        Ok(done) if done.status.success() => {}
        Ok(done) => {
            ctx.problem(format!("overhead_driver build failed: {}", done.tail(10)));
            return String::new();
        }
        Err(e) => {
            ctx.problem(format!("overhead_driver not built: {e}"));
            return String::new();
        }
    }
    let mut md = format!(
        "\n### Interleaved: the ≤ 5% target\n\nCriterion measures one client for 13 s, then \
         the other; on a shared VM the machine's speed drifts by more than 5% between such \
         windows (the same code measured −7.4% and +8.6% on the small GET in two runs of \
         this report). `overhead_driver paired SCENARIO {rounds}` alternates batches of \
         about 20 ms of the two clients ({rounds} rounds, generated first in even rounds, \
         hand-written first in odd ones), so drift hits both alike; the overhead is the \
         median of the per-round ratios.\n\n"
    );
    let mut table = Table::new(&[
        "scenario",
        "generated (median per iteration)",
        "hand-written",
        "overhead (median of ratios)",
        "target ≤ 5%",
    ]);
    let mut missed = Vec::new();
    for (scenario, label) in [
        ("small_get", "small GET"),
        ("list_1mb", "~1 MB JSON list decode"),
        ("paginate", "10-page listing"),
    ] {
        let cmd = Cmd::new(driver).args(["paired", scenario, &rounds.to_string()]);
        eprintln!("bench: {}", ctx.show(&cmd));
        let parsed = cmd.output().and_then(|done| {
            if !done.status.success() {
                return Err(format!("failed ({}): {}", done.status, done.tail(10)));
            }
            let numbers: Vec<f64> = done
                .stdout
                .split_whitespace()
                .skip(2)
                .filter_map(|n| n.parse().ok())
                .collect();
            match numbers.as_slice() {
                [g, h, ratio] => Ok((*g, *h, *ratio)),
                _ => Err(format!("unexpected output {:?}", done.stdout.trim())),
            }
        });
        match parsed {
            Ok((g, h, ratio)) => {
                let overhead = (ratio - 1.0) * 100.0;
                if overhead > 5.0 {
                    missed.push(format!("the {label}"));
                }
                table.row(&[
                    label.to_owned(),
                    micros(g),
                    micros(h),
                    format!("{overhead:+.1}%"),
                    super::generation::verdict(overhead <= 5.0),
                ]);
            }
            Err(e) => {
                ctx.problem(format!("overhead_driver paired {scenario}: {e}"));
                table.row(&[
                    label.to_owned(),
                    "–".into(),
                    "–".into(),
                    "–".into(),
                    "not measured".into(),
                ]);
            }
        }
    }
    md.push_str(&table.render());
    if !missed.is_empty() {
        let _ = writeln!(
            md,
            "\n**Why {} misses 5%.** Not by doing more: the generated client runs about as \
             many instructions per request as the hand-written one (callgrind, next \
             subsection) and makes the same system calls (`strace -c` of \
             `overhead_driver` on 2,000 small GETs: the same `sendto`, `writev` and \
             `recvfrom` counts, fewer `epoll_wait`). What the remaining wall time is spent \
             on is not found yet; cache behaviour of the larger request future and the \
             hand-off with the loopback server's thread are the candidates.",
            missed.join(" and ")
        );
    }
    md
}

/// The instruction-count subsection: callgrind on `overhead_driver` for each of `runs`
/// (scenario, client, iterations).
fn instructions(
    ctx: &mut Ctx,
    build: &super::measure::Cmd,
    driver: &Path,
    runs: &[(&str, &str, u32)],
) -> String {
    let mut md = String::from("\n### Instructions per iteration (callgrind)\n\n");
    if !callgrind::available() {
        md.push_str("Not measured: valgrind is not installed.\n");
        return md;
    }
    eprintln!("bench: {}", ctx.show(build));
    match build.output() {
        Ok(done) if done.status.success() => {}
        Ok(done) => {
            ctx.problem(format!(
                "overhead_driver build failed ({}):\n{}",
                done.status,
                done.tail(15)
            ));
            md.push_str("Not measured.\n");
            return md;
        }
        Err(e) => {
            ctx.problem(format!("overhead_driver not built: {e}"));
            md.push_str("Not measured.\n");
            return md;
        }
    }
    let mut counts = Vec::new();
    for &(scenario, client, iterations) in runs {
        let run = Run {
            client,
            scenario,
            iterations,
        };
        eprintln!("bench: {}", ctx.show(&callgrind::command(driver, &run)));
        match callgrind::per_iteration(driver, &run) {
            Ok(n) => counts.push(((scenario, client), n)),
            Err(e) => ctx.problem(format!("callgrind {client} {scenario}: {e}")),
        }
    }
    let count = |scenario: &str, client: &str| {
        counts
            .iter()
            .find(|(key, _)| *key == (scenario, client))
            .map(|(_, n)| *n)
    };
    let thousands = |n: Option<f64>| match n {
        Some(n) if n >= 1e6 => format!("{:.2} M", n / 1e6),
        Some(n) => format!("{:.1} k", n / 1e3),
        None => "–".to_owned(),
    };
    let _ = writeln!(
        md,
        "The same scenarios as a plain loop (`overhead_driver`), instructions counted by \
         callgrind on the client thread over the measured iterations only (the server's \
         thread is not counted). Unlike wall time, the count does not move when other work \
         shares the machine, so it shows the client's own cost even on a busy machine; it \
         leaves out what instructions do not see (cache misses, waiting for the socket).\n"
    );
    let mut table = Table::new(&[
        "scenario",
        "generated",
        "hand-written",
        "difference",
        "bare hand-written (no timeouts, no `User-Agent`)",
    ]);
    for (scenario, label) in [
        ("small_get", "small GET, per request"),
        ("paginate", "10-page listing, per listing"),
    ] {
        let (g, h) = (count(scenario, "generated"), count(scenario, "handwritten"));
        let difference = match (g, h) {
            (Some(g), Some(h)) => format!("{:+.1}%", (g - h) / h * 100.0),
            _ => "–".to_owned(),
        };
        table.row(&[
            label.to_owned(),
            thousands(g),
            thousands(h),
            difference,
            thousands(count(scenario, "handwritten_bare")),
        ]);
    }
    md.push_str(&table.render());
    let listing = (
        count("paginate", "generated"),
        count("paginate", "handwritten"),
    );
    if let Some((g, h)) = listing.0.zip(listing.1).filter(|(g, h)| g > h) {
        let _ = writeln!(
            md,
            "\nThe listing's difference, {:.0} instructions per item, is mostly the `Stream` \
             protocol: each item of `items()` is moved through \
             `Poll<Option<Result<V1User, Error>>>` and the consumer's `try_fold`, where the \
             hand-written loop moves it once out of the page's `Vec`.",
            (g - h) / 1000.0
        );
    }
    md
}
