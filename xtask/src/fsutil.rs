//! File helpers: the one place that decides whether a generated file is fresh, and
//! directory replacement that never leaves a half-written output.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

/// Differences between the files a generator wants under `dir` and what is there.
#[derive(Debug, Default)]
pub struct Staleness {
    /// Files whose contents differ or that are missing.
    pub changed: Vec<PathBuf>,
    /// Files under the generator-owned folders that the generator no longer writes.
    pub extra: Vec<PathBuf>,
}

impl Staleness {
    /// Whether everything is fresh.
    pub fn is_fresh(&self) -> bool {
        self.changed.is_empty() && self.extra.is_empty()
    }
}

/// Lists files under `dir/<owned>` recursively (relative to `dir`, `/`-separated).
fn owned_files(dir: &Path, owned: &[&str]) -> Vec<String> {
    let mut out = Vec::new();
    for folder in owned {
        let mut stack = vec![dir.join(folder)];
        while let Some(current) = stack.pop() {
            let Ok(entries) = fs::read_dir(&current) else {
                continue;
            };
            for entry in entries.flatten() {
                let path = entry.path();
                if path.is_dir() {
                    stack.push(path);
                } else if let Ok(rel) = path.strip_prefix(dir) {
                    out.push(rel.to_string_lossy().replace('\\', "/"));
                }
            }
        }
    }
    out.sort();
    out
}

/// Compares `files` (relative path → contents) with `dir`. The generator owns `src/`
/// (extra files there are stale) and the files it writes; anything else is left alone.
pub fn staleness(dir: &Path, files: &BTreeMap<String, String>, owned: &[&str]) -> Staleness {
    let mut result = Staleness::default();
    for (rel, contents) in files {
        let path = dir.join(rel);
        if fs::read_to_string(&path).ok().as_deref() != Some(contents.as_str()) {
            result.changed.push(path);
        }
    }
    for rel in owned_files(dir, owned) {
        if !files.contains_key(&rel) {
            result.extra.push(dir.join(rel));
        }
    }
    result
}

/// Makes `dir` hold exactly `files` in the owned folders: writes changed files, deletes
/// extra ones. Everything is already generated in memory, so a failure here is an I/O
/// failure, reported with the path.
pub fn write_tree(
    dir: &Path,
    files: &BTreeMap<String, String>,
    owned: &[&str],
) -> Result<Staleness, String> {
    let stale = staleness(dir, files, owned);
    for path in &stale.changed {
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent)
                .map_err(|e| format!("{}: cannot create: {e}", parent.display()))?;
        }
        let rel = path
            .strip_prefix(dir)
            .map(|p| p.to_string_lossy().replace('\\', "/"))
            .unwrap_or_default();
        let contents = files.get(&rel).map(String::as_str).unwrap_or_default();
        fs::write(path, contents).map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
    }
    for path in &stale.extra {
        fs::remove_file(path).map_err(|e| format!("{}: cannot remove: {e}", path.display()))?;
    }
    Ok(stale)
}

/// Writes `text` to `path` (creating its directory) unless the file already holds exactly
/// that, so unchanged files keep their modification time and cargo rebuilds nothing.
pub fn write_if_changed(path: &Path, text: &str) -> Result<(), String> {
    if fs::read_to_string(path).ok().as_deref() == Some(text) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent)
            .map_err(|e| format!("{}: cannot create: {e}", parent.display()))?;
    }
    fs::write(path, text).map_err(|e| format!("{}: cannot write: {e}", path.display()))
}
