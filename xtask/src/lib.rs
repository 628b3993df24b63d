//! Project automation behind `cargo xtask`: regenerating the checked-in client crates
//! from `specs/`, checking they are fresh, generating a crate from any document, and running the
//! generator over the peers' documents.

#![forbid(unsafe_code)]
#![warn(missing_docs, rust_2018_idioms)]

pub mod cli;
pub mod codegen;
pub mod contract;
pub mod directory;
pub mod fsutil;
pub mod peers;
pub mod source;

use std::path::PathBuf;

/// The workspace root (the directory holding `xtask/`).
pub fn workspace_root() -> PathBuf {
    let manifest = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    manifest.parent().map(PathBuf::from).unwrap_or(manifest)
}
