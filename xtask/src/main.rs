//! `cargo xtask`: the project's automation entry point (argument parsing only; the work
//! is in the library so tests can call it).

use std::process::ExitCode;

fn main() -> ExitCode {
    match xtask::cli::run(std::env::args_os().skip(1).collect()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::FAILURE
        }
    }
}
