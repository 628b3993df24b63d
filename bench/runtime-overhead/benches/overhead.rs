//! The generated Palette client against a hand-written reqwest + serde client, on one
//! loopback server: a small GET, a ~1 MB list decode, and a 10-page `continue`-token
//! listing. Each benchmark group has the two functions `generated` and `handwritten`;
//! `small_get` also has `handwritten_bare` (the hand-written call without timeouts or
//! `User-Agent`), for the breakdown in the report. `cargo xtask bench --runtime` reads
//! criterion's medians from `<target>/criterion/<group>/<function>/new/estimates.json`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use runtime_overhead::{
    BIG_LIMIT, HandWritten, PAGE_ITEMS, Setup, generated_count_all_users, header_lines,
    record_heads, setup,
};

fn overhead(c: &mut Criterion) {
    let Setup {
        addr,
        runtime,
        generated,
        handwritten,
    } = setup();
    let bare = HandWritten::bare(addr);

    // Both clients must do the same work before anything is timed.
    runtime.block_on(async {
        let (a, generated_heads) = record_heads(async {
            generated
                .users_uid_get("u1")
                .send()
                .await
                .expect("generated get")
        })
        .await;
        let (b, handwritten_heads) =
            record_heads(async { handwritten.get_user("u1").await.expect("handwritten get") })
                .await;
        assert_eq!(a.into_inner(), b, "same user");
        // The same request line and the same headers, byte for byte.
        assert_eq!(generated_heads.len(), 1);
        assert_eq!(handwritten_heads.len(), 1);
        assert_eq!(
            generated_heads[0].lines().next(),
            handwritten_heads[0].lines().next(),
            "same request line"
        );
        assert_eq!(
            header_lines(&generated_heads[0]),
            header_lines(&handwritten_heads[0]),
            "same headers"
        );
        let a = generated
            .users_list()
            .limit(BIG_LIMIT as i64)
            .send()
            .await
            .expect("list");
        let b = handwritten.list_users(BIG_LIMIT, None).await.expect("list");
        let a = a.into_inner();
        assert_eq!(a.items.len(), BIG_LIMIT);
        assert_eq!(a, b, "same list");
        let a = generated_count_all_users(&generated, PAGE_ITEMS)
            .await
            .expect("pages");
        let b = handwritten
            .count_all_users(PAGE_ITEMS)
            .await
            .expect("pages");
        assert_eq!((a, b), (10 * PAGE_ITEMS, 10 * PAGE_ITEMS), "10 pages each");
        bare.get_user("u1").await.expect("bare get");
    });

    let mut group = c.benchmark_group("small_get");
    group.throughput(Throughput::Elements(1));
    group.bench_function("generated", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(generated.users_uid_get("u1").send().await.expect("get")) })
    });
    group.bench_function("handwritten", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(handwritten.get_user("u1").await.expect("get")) })
    });
    // Breakdown, not a competitor: what the baseline's timeouts and `User-Agent` cost.
    group.bench_function("handwritten_bare", |b| {
        b.to_async(&runtime)
            .iter(|| async { black_box(bare.get_user("u1").await.expect("get")) })
    });
    group.finish();

    let mut group = c.benchmark_group("list_1mb");
    group.throughput(Throughput::Elements(1));
    group.bench_function("generated", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                generated
                    .users_list()
                    .limit(BIG_LIMIT as i64)
                    .send()
                    .await
                    .expect("list"),
            )
        })
    });
    group.bench_function("handwritten", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(handwritten.list_users(BIG_LIMIT, None).await.expect("list"))
        })
    });
    group.finish();

    let mut group = c.benchmark_group("paginate_10_pages");
    group.throughput(Throughput::Elements(10));
    group.bench_function("generated", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                generated_count_all_users(&generated, PAGE_ITEMS)
                    .await
                    .expect("pages"),
            )
        })
    });
    group.bench_function("handwritten", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                handwritten
                    .count_all_users(PAGE_ITEMS)
                    .await
                    .expect("pages"),
            )
        })
    });
    group.finish();
}

criterion_group!(benches, overhead);
criterion_main!(benches);
