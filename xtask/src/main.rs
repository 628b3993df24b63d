//! `cargo xtask`: the project's automation entry point (argument parsing only; the work
//! is in the library so tests can call it). `bench` lives in this binary (`bench.rs`).

use std::process::ExitCode;

mod bench;

// Generation allocates and frees millions of small token-stream nodes from two threads;
// mimalloc does that about a third faster than the system allocator (measured on Palette).
#[global_allocator]
static ALLOCATOR: Allocator = Allocator;

/// mimalloc, through its plain entry points when the alignment asked for is at most a
/// word's (nearly every allocation: every block mimalloc hands out is word-aligned).
/// `mimalloc::MiMalloc` always calls the `_aligned` entry points, whose extra checks were
/// 13 million calls × about 10 instructions for Palette (callgrind).
struct Allocator;

const WORD: usize = std::mem::size_of::<usize>();

// SAFETY: every block comes from mimalloc and goes back to it (`mi_free` takes blocks of
// either kind); the plain entry points are used only where their word alignment
// satisfies the layout.
unsafe impl std::alloc::GlobalAlloc for Allocator {
    unsafe fn alloc(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: as above.
            unsafe { libmimalloc_sys::mi_malloc(layout.size()).cast() }
        } else {
            // SAFETY: forwarded unchanged.
            unsafe { mimalloc::MiMalloc.alloc(layout) }
        }
    }

    unsafe fn alloc_zeroed(&self, layout: std::alloc::Layout) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: as above.
            unsafe { libmimalloc_sys::mi_zalloc(layout.size()).cast() }
        } else {
            // SAFETY: forwarded unchanged.
            unsafe { mimalloc::MiMalloc.alloc_zeroed(layout) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: std::alloc::Layout) {
        // SAFETY: forwarded unchanged; mimalloc frees aligned and plain blocks alike.
        unsafe { mimalloc::MiMalloc.dealloc(ptr, layout) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: std::alloc::Layout, new_size: usize) -> *mut u8 {
        if layout.align() <= WORD {
            // SAFETY: `ptr` is a live mimalloc block; the new one is word-aligned.
            unsafe { libmimalloc_sys::mi_realloc(ptr.cast(), new_size).cast() }
        } else {
            // SAFETY: forwarded unchanged.
            unsafe { mimalloc::MiMalloc.realloc(ptr, layout, new_size) }
        }
    }
}

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
