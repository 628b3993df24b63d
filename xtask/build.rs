//! Links the `xtask` binary as a position-dependent executable on Linux.
//!
//! A position-independent executable is relocated by the dynamic loader at every start:
//! about 19,000 relocations writing into 90 pages of `.data.rel.ro`, each page a
//! copy-on-write fault. That was most of the fixed cost of a run (about 3 ms of system
//! time per process, measured with `perf stat`), which dominates generation for small
//! documents. Linked with `-no-pie`, the same (position-independent) code has its
//! addresses resolved by the linker and nothing to relocate. Only this binary's link
//! changes: no crate is compiled differently.

fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bins=-no-pie");
    }
}
