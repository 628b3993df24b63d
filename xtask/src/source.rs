//! Where a vendor's document comes from: the local path named in its settings when that
//! file exists, else its public URL, downloaded once into `target/spec-cache/` and checked
//! against the pinned sha256. Either way the bytes must match the pin.

use std::fs;
use std::path::{Path, PathBuf};

use cloudgen::settings::DocumentSource;

/// The document's bytes and how to name it in messages.
#[derive(Debug)]
pub struct Document {
    /// Path (relative to the workspace root when it is inside it) or URL.
    pub name: String,
    /// Contents.
    pub bytes: Vec<u8>,
}

/// Largest document accepted from a URL.
const MAX_DOWNLOAD: u64 = 256 * 1024 * 1024;

/// Resolves a vendor's document. `root` is the workspace root; `vendor` names it in
/// messages.
pub fn fetch(root: &Path, vendor: &str, source: &DocumentSource) -> Result<Document, String> {
    let local = source.path.as_ref().map(|p| root.join(p));
    if let Some(path) = local.as_ref().filter(|p| p.is_file()) {
        let bytes = fs::read(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
        verify(&bytes, source, &path.display().to_string())?;
        let name = source.path.clone().unwrap_or_default();
        return Ok(Document { name, bytes });
    }
    let Some(url) = &source.url else {
        return Err(format!(
            "{vendor}: the document is not at {} and the settings name no URL to download it from",
            describe(local.as_deref())
        ));
    };
    let cache = cache_path(root, source);
    if let Some(cache) = cache.as_ref().filter(|c| c.is_file()) {
        if let Ok(bytes) = fs::read(cache) {
            if verify(&bytes, source, url).is_ok() {
                return Ok(Document {
                    name: url.clone(),
                    bytes,
                });
            }
        }
    }
    let bytes = download(url).map_err(|e| {
        format!(
            "{vendor}: the document is neither at {} nor downloadable from {url}: {e}",
            describe(local.as_deref())
        )
    })?;
    verify(&bytes, source, url)?;
    if let Some(cache) = cache {
        if let Some(parent) = cache.parent() {
            let _ = fs::create_dir_all(parent);
        }
        // The cache is an optimisation: failing to write it is not an error.
        let _ = fs::write(&cache, &bytes);
    }
    Ok(Document {
        name: url.clone(),
        bytes,
    })
}

fn describe(local: Option<&Path>) -> String {
    local.map_or_else(
        || "(no local path set)".to_owned(),
        |p| p.display().to_string(),
    )
}

fn cache_path(root: &Path, source: &DocumentSource) -> Option<PathBuf> {
    let sha = source.sha256.as_ref()?;
    Some(root.join("target").join("spec-cache").join(sha))
}

fn verify(bytes: &[u8], source: &DocumentSource, name: &str) -> Result<(), String> {
    let Some(expected) = &source.sha256 else {
        return Ok(());
    };
    let actual = cloudgen::sha256_hex(bytes);
    if actual.eq_ignore_ascii_case(expected) {
        Ok(())
    } else {
        Err(format!(
            "{name}: sha256 is {actual} but the settings pin {expected}; the document changed: \
             review it, then update the pin"
        ))
    }
}

/// Reads the files a document's `$ref`s name: paths (relative ones against `root`, or the
/// current directory when there is none) and `http(s)://` URLs.
#[derive(Debug, Clone, Default)]
pub struct ReferencedFiles {
    /// What relative paths are relative to.
    pub root: Option<PathBuf>,
}

impl cloudgen::ReferenceSource for ReferencedFiles {
    fn read(&self, name: &str) -> std::io::Result<Vec<u8>> {
        if name.starts_with("http://") || name.starts_with("https://") {
            return download(name).map_err(std::io::Error::other);
        }
        let path = Path::new(name.strip_prefix("file://").unwrap_or(name));
        match &self.root {
            Some(root) if path.is_relative() => fs::read(root.join(path)),
            _ => fs::read(path),
        }
    }
}

/// A document named by a path or an `http(s)://` URL.
pub fn read_named(name: &str) -> Result<Vec<u8>, String> {
    if name.starts_with("http://") || name.starts_with("https://") {
        download(name).map_err(|e| format!("{name}: cannot download: {e}"))
    } else {
        fs::read(name).map_err(|e| format!("{name}: cannot read: {e}"))
    }
}

fn download(url: &str) -> Result<Vec<u8>, String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .timeout_global(Some(std::time::Duration::from_secs(60)))
        .build()
        .into();
    let mut response = agent.get(url).call().map_err(|e| e.to_string())?;
    response
        .body_mut()
        .with_config()
        .limit(MAX_DOWNLOAD)
        .read_to_vec()
        .map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn missing_everywhere_names_both_places() {
        let dir = std::env::temp_dir();
        let source = DocumentSource {
            path: Some("no/such/file.yaml".into()),
            url: Some("http://127.0.0.1:9/spec.yaml".into()),
            sha256: Some("00".into()),
            written_by_project: false,
        };
        let err = fetch(&dir, "acme", &source).expect_err("nothing to fetch");
        assert!(err.contains("no/such/file.yaml"), "{err}");
        assert!(err.contains("http://127.0.0.1:9/spec.yaml"), "{err}");
    }

    #[test]
    fn a_changed_local_document_is_refused() {
        let dir = tempdir();
        fs::write(dir.join("doc.yaml"), b"openapi: 3.0.3").expect("write");
        let source = DocumentSource {
            path: Some("doc.yaml".into()),
            url: None,
            sha256: Some("0".repeat(64)),
            written_by_project: false,
        };
        let err = fetch(&dir, "acme", &source).expect_err("pin mismatch");
        assert!(err.contains("sha256"), "{err}");
    }

    fn tempdir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-source-{}", std::process::id()));
        let _ = fs::create_dir_all(&dir);
        dir
    }
}
