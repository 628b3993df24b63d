//! `cargo xtask`: the project's automation entry point (argument parsing only; the work
//! is in the library so tests can call it). `bench` lives in this binary (`bench.rs`).

use std::process::ExitCode;

mod bench;

// Generation allocates and frees millions of small token-stream nodes from two threads;
// mimalloc does that about a third faster than the system allocator (measured on Palette).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let args: Vec<std::ffi::OsString> = std::env::args_os().skip(1).collect();
    let result = match args.first().and_then(|a| a.to_str()) {
        Some("bench") => bench::run(args[1..].to_vec()),
        Some("-h" | "--help") | None => {
            let result = xtask::cli::run(args);
            println!("{}", bench::USAGE);
            result
        }
        _ => xtask::cli::run(args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
