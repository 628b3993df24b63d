//! `cargo test` catches stale generated crates: this runs `cargo xtask codegen --check`.

#[test]
fn generated_crates_are_fresh() {
    let opts = xtask::codegen::CodegenOptions {
        vendor: None,
        check: true,
        explain: false,
    };
    if let Err(message) = xtask::codegen::codegen(&opts) {
        panic!("{message}");
    }
}
