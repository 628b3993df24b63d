//! Runtime overhead: the criterion benchmark of `bench/runtime-overhead` (generated
//! Palette client against hand-written reqwest + serde, loopback server) and its
//! `pagination_memory` program (live heap of a 100,000-item stream).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;

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
         `.rate_limits(RateLimitTable::new(&[]))`, everything else as shipped: retries, \
         error envelope, headers) is compared with a hand-written `reqwest` + `serde` call \
         doing the same requests and decoding into the same generated model types, so the \
         difference is the generated client and its runtime, not the model types. Criterion \
         0.8.2 ({}); medians with 95% confidence intervals.\n\n```sh\n{}\n",
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
            manifest.into_os_string(),
        ])
        .args(["--bin", "pagination_memory"]);
    let _ = writeln!(md, "{}\n```\n", ctx.show(&memory));

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
        "overhead at the median",
        "target ≤ 5%",
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
                    super::generation::verdict(overhead <= 5.0),
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
                    "not measured".into(),
                ]);
            }
        }
    }
    md.push_str(&table.render());
    let attribution = |function: &str| {
        median_ns(
            &criterion_dir
                .join("list_1mb")
                .join(function)
                .join("new")
                .join("estimates.json"),
        )
        .ok()
        .map(|m| m.0)
    };
    if let (Some(g), Some(h), Some(p)) = (
        attribution("generated"),
        attribution("handwritten"),
        attribution("handwritten_path_to_error"),
    ) {
        let _ = writeln!(
            md,
            "\nAttribution (1 MB list): the same hand-written call decoding with \
             `serde_path_to_error`, as the runtime does to name the JSON path of a \
             mismatch, takes {} ({:+.1}% over plain `serde_json`); that accounts for {:.0}% \
             of the generated client's extra {}.",
            micros(p),
            (p - h) / h * 100.0,
            ((p - h) / (g - h)).clamp(0.0, 9.99) * 100.0,
            micros(g - h)
        );
    }
    if any {
        md.push_str(
            "\nLatency is per iteration (for the 10-page listing: all ten requests); \
             req/s = requests per iteration ÷ median latency, one request at a time.\n",
        );
    }

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
