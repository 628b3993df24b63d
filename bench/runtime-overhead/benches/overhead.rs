//! The generated Palette client against a hand-written reqwest + serde client, on one
//! loopback server: a small GET, a ~1 MB list decode, and a 10-page `continue`-token
//! listing. Each benchmark group has the two functions `generated` and `handwritten`;
//! `cargo xtask bench --runtime` reads criterion's medians from
//! `<target>/criterion/<group>/<function>/new/estimates.json`.

use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use runtime_overhead::{
    BIG_LIMIT, HandWritten, PAGE_ITEMS, bench_routes, generated_client, generated_count_all_users,
    start_server,
};

fn overhead(c: &mut Criterion) {
    let addr = start_server(bench_routes());
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("client runtime");
    let generated = generated_client(addr);
    let handwritten = HandWritten::new(addr);

    // Both clients must do the same work before anything is timed.
    runtime.block_on(async {
        let a = generated
            .users_uid_get("u1")
            .send()
            .await
            .expect("generated get");
        let b = handwritten.get_user("u1").await.expect("handwritten get");
        assert_eq!(a.into_inner(), b, "same user");
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
    // Attribution, not a competitor: the hand-written call decoding like the runtime.
    group.bench_function("handwritten_path_to_error", |b| {
        b.to_async(&runtime).iter(|| async {
            black_box(
                handwritten
                    .list_users_path_to_error(BIG_LIMIT)
                    .await
                    .expect("list"),
            )
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
