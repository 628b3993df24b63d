//! Which model types a set of Cargo features compiles in a generated crate: the
//! `#[cfg(...)]` gates the generator writes on the items of `src/models.rs` (and
//! `src/models/*.rs`), evaluated against the features enabled (expanded through the
//! crate's `[features]` table). Used to explain a feature's build time by the model types
//! it reaches.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::Path;

/// Model types compiled with `features` enabled, and model types in all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reach {
    pub enabled: usize,
    pub total: usize,
}

/// Reads `crate_dir/Cargo.toml` and the crate's models files and counts the model types
/// `features` enable.
pub fn model_types(crate_dir: &Path, features: &[&str]) -> Result<Reach, String> {
    let manifest_path = crate_dir.join("Cargo.toml");
    let manifest = fs::read_to_string(&manifest_path)
        .map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let table =
        feature_table(&manifest).map_err(|e| format!("{}: {e}", manifest_path.display()))?;
    let enabled = expand(&table, features);
    let mut reach = Reach {
        enabled: 0,
        total: 0,
    };
    for path in model_files(crate_dir)? {
        let models = fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))?;
        let file = count(&models, &enabled);
        reach.enabled += file.enabled;
        reach.total += file.total;
    }
    Ok(reach)
}

/// `src/models.rs` and the group files under `src/models/`, if the crate has them. Every
/// item of a group file carries its own gate, so the files are counted alike.
fn model_files(crate_dir: &Path) -> Result<Vec<std::path::PathBuf>, String> {
    let mut files = vec![crate_dir.join("src/models.rs")];
    let dir = crate_dir.join("src/models");
    if dir.is_dir() {
        let entries = fs::read_dir(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
        let mut group_files: Vec<_> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|path| path.extension().is_some_and(|ext| ext == "rs"))
            .collect();
        group_files.sort();
        files.extend(group_files);
    }
    Ok(files)
}

/// The `[features]` table: each feature and the features it enables.
pub fn feature_table(manifest: &str) -> Result<BTreeMap<String, Vec<String>>, String> {
    let value: toml::Table = manifest.parse().map_err(|e| format!("{e}"))?;
    let Some(features) = value.get("features").and_then(toml::Value::as_table) else {
        return Ok(BTreeMap::new());
    };
    let mut table = BTreeMap::new();
    for (name, list) in features {
        let list = list
            .as_array()
            .ok_or_else(|| format!("feature `{name}` is not a list"))?
            .iter()
            .filter_map(toml::Value::as_str)
            .map(str::to_owned)
            .collect();
        table.insert(name.clone(), list);
    }
    Ok(table)
}

/// `features` and everything they enable, transitively.
fn expand(table: &BTreeMap<String, Vec<String>>, features: &[&str]) -> BTreeSet<String> {
    let mut enabled = BTreeSet::new();
    let mut todo: Vec<String> = features.iter().map(|f| (*f).to_owned()).collect();
    while let Some(feature) = todo.pop() {
        if enabled.insert(feature.clone()) {
            todo.extend(table.get(&feature).into_iter().flatten().cloned());
        }
    }
    enabled
}

/// Counts the `pub struct`/`pub enum`/`pub type` items at the top level of `models`, and
/// those whose gate (a `#[cfg(feature = "..")]` or `#[cfg(any(feature = "..", ...))]`
/// line among the item's attributes and doc comments) names an enabled feature. An item
/// with no gate is always compiled.
fn count(models: &str, enabled: &BTreeSet<String>) -> Reach {
    let mut reach = Reach {
        enabled: 0,
        total: 0,
    };
    let mut gate: Option<&str> = None;
    for line in models.lines() {
        if line.starts_with("#[cfg(") {
            gate = Some(line);
        } else if ["pub struct ", "pub enum ", "pub type "]
            .iter()
            .any(|item| line.starts_with(item))
        {
            reach.total += 1;
            if gate.is_none_or(|gate| gate_enabled(gate, enabled)) {
                reach.enabled += 1;
            }
            gate = None;
        } else if !(line.starts_with("#[") || line.starts_with("///")) {
            gate = None;
        }
    }
    reach
}

/// Whether a gate line names one of the enabled features.
fn gate_enabled(gate: &str, enabled: &BTreeSet<String>) -> bool {
    gate.split("feature = \"")
        .skip(1)
        .filter_map(|rest| rest.split_once('"').map(|(name, _)| name))
        .any(|name| enabled.contains(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    const MANIFEST: &str = r#"
[package]
name = "x"

[features]
default = ["all"]
all = ["clusters", "projects"]
clusters = ["clusters-aws", "clusters-core"]
clusters-aws = []
clusters-core = []
projects = []
"#;

    const MODELS: &str = r#"
#[cfg(feature = "clusters-core")]
/// A cluster.
#[derive(Debug)]
pub struct Cluster {}
#[cfg(feature = "clusters-core")]
impl Cluster {}
#[cfg(any(feature = "clusters-aws", feature = "projects"))]
pub enum Shared {}
pub type Always = String;
#[cfg(feature = "projects")]
impl Foo {}
pub struct AfterAnImpl {}
"#;

    fn reach(features: &[&str]) -> Reach {
        let table = feature_table(MANIFEST).expect("manifest");
        count(MODELS, &expand(&table, features))
    }

    #[test]
    fn gates_are_evaluated_against_expanded_features() {
        assert_eq!(
            reach(&[]),
            Reach {
                enabled: 2,
                total: 4
            }
        );
        assert_eq!(
            reach(&["projects"]),
            Reach {
                enabled: 3,
                total: 4
            }
        );
        assert_eq!(
            reach(&["clusters"]),
            Reach {
                enabled: 4,
                total: 4
            }
        );
        assert_eq!(
            reach(&["clusters-aws"]),
            Reach {
                enabled: 3,
                total: 4
            }
        );
        assert_eq!(
            reach(&["all"]),
            Reach {
                enabled: 4,
                total: 4
            }
        );
    }

    #[test]
    fn a_feature_list_that_is_not_a_list_is_an_error() {
        let err = feature_table("[features]\nx = 1\n").expect_err("not a list");
        assert!(err.contains("`x`"), "{err}");
    }
}
