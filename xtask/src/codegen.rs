//! `cargo xtask codegen` (regenerate every vendor crate from `specs/`, or check freshness)
//! and `cargo xtask generate` (any document into any directory).

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use cloudgen::{Input, OverlayInput, Settings};

use crate::fsutil;
use crate::source;
use crate::workspace_root;

/// Folders of a generated crate that the generator owns entirely.
const OWNED: &[&str] = &["src"];

/// Options of `cargo xtask codegen`.
#[derive(Debug, Default, Clone)]
pub struct CodegenOptions {
    /// Only this vendor (a folder name under `specs/`).
    pub vendor: Option<String>,
    /// Check instead of writing.
    pub check: bool,
    /// Print the pipeline report.
    pub explain: bool,
}

/// Options of `cargo xtask generate`.
#[derive(Debug, Clone)]
pub struct GenerateOptions {
    /// The document.
    pub spec: PathBuf,
    /// Output directory.
    pub out: PathBuf,
    /// Optional settings file.
    pub settings: Option<PathBuf>,
    /// Print the pipeline report.
    pub explain: bool,
}

/// The vendors: folders of `specs/` with a `settings.toml`, sorted.
pub fn vendors(root: &Path) -> Result<Vec<String>, String> {
    let specs = root.join("specs");
    let entries =
        fs::read_dir(&specs).map_err(|e| format!("{}: cannot list: {e}", specs.display()))?;
    let mut names: Vec<String> = entries
        .flatten()
        .filter(|e| e.path().join("settings.toml").is_file())
        .filter_map(|e| e.file_name().to_str().map(str::to_owned))
        .collect();
    names.sort();
    Ok(names)
}

/// A vendor's generated crate in memory.
#[derive(Debug)]
pub struct VendorCrate {
    /// Where it goes.
    pub dir: PathBuf,
    /// Its files.
    pub generated: cloudgen::Generated,
    /// The test harness files and where they go: the exercise (every operation called
    /// once with samples, `tests/exercise/<vendor>.rs`) and the model table
    /// (`tests/models/<vendor>.rs`).
    pub test_files: Vec<(PathBuf, String)>,
}

fn read_settings(path: &Path, name: &str) -> Result<Settings, String> {
    let text =
        fs::read_to_string(path).map_err(|e| format!("{}: cannot read: {e}", path.display()))?;
    Settings::from_toml(&text, name).map_err(|e| e.to_string())
}

fn read_overlays(
    dir: &Path,
    rel_dir: &str,
    settings: &Settings,
) -> Result<Vec<OverlayInput>, String> {
    settings
        .fixes
        .overlays
        .iter()
        .map(|file| {
            let path = dir.join(file);
            let name = format!("{rel_dir}/{file}");
            let bytes = fs::read(&path).map_err(|e| format!("{name}: cannot read: {e}"))?;
            let document =
                cloudgen::load::parse_document(&name, &bytes).map_err(|e| e.to_string())?;
            Ok(OverlayInput { name, document })
        })
        .collect()
}

/// Everything one vendor's generation reads: settings, document, overlays.
#[derive(Debug)]
pub struct VendorInputs {
    /// Vendor name (directory under `specs/`).
    pub vendor: String,
    /// Parsed settings.
    pub settings: Settings,
    /// How the settings file is named in messages.
    pub settings_name: String,
    /// The document.
    pub document: source::Document,
    /// The overlays the settings name.
    pub overlays: Vec<OverlayInput>,
    /// Reads the files the document's `$ref`s name (relative to the workspace root).
    pub references: source::ReferencedFiles,
}

impl VendorInputs {
    fn input<'a>(&'a self, command: &'a str) -> Input<'a> {
        Input {
            document_name: &self.document.name,
            document: &self.document.bytes,
            references: &self.references,
            settings: &self.settings,
            settings_name: &self.settings_name,
            overlays: &self.overlays,
            command,
            runtime_path: "../../runtime",
            standalone: false,
        }
    }

    /// The document after upgrade and the declared fixes (OpenAPI 3.0.3 JSON).
    pub fn normalized_document(&self) -> Result<serde_json::Value, String> {
        cloudgen::normalized_document(&self.input("")).map_err(|e| e.to_string())
    }

    /// The vendor's own document written into `dir` (for tools that need a file), or
    /// `None` when the project wrote the document.
    pub fn original_path(&self, dir: &Path) -> Result<Option<PathBuf>, String> {
        if self
            .settings
            .document
            .as_ref()
            .is_some_and(|d| d.written_by_project)
        {
            return Ok(None);
        }
        let extension = if self.document.bytes.first() == Some(&b'{') {
            "json"
        } else {
            "yaml"
        };
        let path = dir.join(format!("{}.original.{extension}", self.vendor));
        fs::write(&path, &self.document.bytes)
            .map_err(|e| format!("{}: cannot write: {e}", path.display()))?;
        Ok(Some(path))
    }
}

/// Reads one vendor's settings, document and overlays.
pub fn read_vendor(root: &Path, vendor: &str) -> Result<VendorInputs, String> {
    let rel_dir = format!("specs/{vendor}");
    let dir = root.join(&rel_dir);
    let settings_name = format!("{rel_dir}/settings.toml");
    let settings = read_settings(&dir.join("settings.toml"), &settings_name)?;
    let Some(document_source) = &settings.document else {
        return Err(format!(
            "{settings_name}: no [document] section naming the vendor's document"
        ));
    };
    let document = source::fetch(root, vendor, document_source)?;
    let overlays = read_overlays(&dir, &rel_dir, &settings)?;
    Ok(VendorInputs {
        vendor: vendor.to_owned(),
        settings,
        settings_name,
        document,
        overlays,
        references: source::ReferencedFiles {
            root: Some(root.to_path_buf()),
        },
    })
}

/// Generates one vendor's crate in memory.
pub fn generate_vendor(root: &Path, vendor: &str) -> Result<VendorCrate, String> {
    let inputs = read_vendor(root, vendor)?;
    let command = format!("cargo xtask codegen {vendor}");
    let (generated, tests) =
        cloudgen::generate_with_exercise(&inputs.input(&command)).map_err(|e| e.to_string())?;
    let file = format!("{vendor}.rs");
    Ok(VendorCrate {
        dir: root.join("generated").join(vendor),
        generated,
        test_files: vec![
            (
                root.join("tests").join("exercise").join(&file),
                tests.exercise,
            ),
            (root.join("tests").join("models").join(&file), tests.models),
        ],
    })
}

/// `cargo xtask codegen`.
pub fn codegen(opts: &CodegenOptions) -> Result<(), String> {
    let root = workspace_root();
    let all = vendors(&root)?;
    let selected: Vec<String> = match &opts.vendor {
        Some(v) if all.contains(v) => vec![v.clone()],
        Some(v) => {
            return Err(format!(
                "no vendor `{v}`: known vendors are {}",
                all.join(", ")
            ));
        }
        None => all,
    };
    let mut stale_lines = Vec::new();
    for vendor in &selected {
        let started = std::time::Instant::now();
        let krate = generate_vendor(&root, vendor)?;
        let elapsed = started.elapsed();
        if opts.explain {
            print!("{}", krate.generated.report);
        }
        if opts.check {
            let stale = fsutil::staleness(&krate.dir, &krate.generated.files, OWNED);
            stale_lines.extend(
                stale
                    .changed
                    .iter()
                    .map(|p| format!("  stale: {}", p.display())),
            );
            stale_lines.extend(
                stale
                    .extra
                    .iter()
                    .map(|p| format!("  no longer generated: {}", p.display())),
            );
            for (path, text) in &krate.test_files {
                if fs::read_to_string(path).ok().as_deref() != Some(text.as_str()) {
                    stale_lines.push(format!("  stale: {}", path.display()));
                }
            }
        } else {
            let written = fsutil::write_tree(&krate.dir, &krate.generated.files, OWNED)?;
            for (path, text) in &krate.test_files {
                fsutil::write_if_changed(path, text)?;
            }
            println!(
                "{vendor}: {} ({} files changed, {} removed, {:.2?})",
                krate.generated.report.summary(),
                written.changed.len(),
                written.extra.len(),
                elapsed
            );
        }
    }
    if stale_lines.is_empty() {
        if opts.check {
            println!("generated crates are fresh ({})", selected.join(", "));
        }
        Ok(())
    } else {
        Err(format!(
            "generated code is stale; run `cargo xtask codegen`:\n{}",
            stale_lines.join("\n")
        ))
    }
}

/// `cargo xtask generate`: any document, default or given settings, into `out`, which
/// must be empty, absent, or a crate this command generated before.
pub fn generate(opts: &GenerateOptions) -> Result<(), String> {
    let spec_name = opts.spec.display().to_string();
    let bytes = source::read_named(&spec_name)?;
    let (settings, settings_name, overlays) = match &opts.settings {
        Some(path) => {
            let name = path.display().to_string();
            let settings = read_settings(path, &name)?;
            let dir = path.parent().unwrap_or(Path::new("."));
            let overlays = read_overlays(dir, &dir.display().to_string(), &settings)?;
            (settings, name, overlays)
        }
        None => (
            default_settings(&opts.spec),
            "(default settings)".to_owned(),
            Vec::new(),
        ),
    };
    let runtime = workspace_root().join("runtime");
    let runtime = runtime.canonicalize().unwrap_or(runtime);
    let runtime_path = runtime.display().to_string();
    let command = format!("cargo xtask generate --spec {spec_name}");
    let generated = cloudgen::generate(&Input {
        document_name: &spec_name,
        document: &bytes,
        references: &source::ReferencedFiles::default(),
        settings: &settings,
        settings_name: &settings_name,
        overlays: &overlays,
        command: &command,
        runtime_path: &runtime_path,
        standalone: true,
    })
    .map_err(|e| e.to_string())?;
    if opts.explain {
        print!("{}", generated.report);
    }
    replace_dir(&opts.out, &generated.files)?;
    println!("{}: {}", opts.out.display(), generated.report.summary());
    Ok(())
}

/// Settings for a document with none: the crate is named after the file.
fn default_settings(spec: &Path) -> Settings {
    let stem = spec
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("api")
        .to_ascii_lowercase();
    let name: String = stem
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>()
        .trim_matches('-')
        .to_owned();
    let mut settings = Settings::default();
    settings.krate.name = match name.chars().next() {
        Some(c) if c.is_ascii_alphabetic() => format!("{name}-client"),
        _ => format!("api-{name}-client"),
    };
    settings
}

/// Writes `files` into a fresh sibling directory, then swaps it in for `out`: a failure
/// never leaves a half-written `out`.
fn replace_dir(out: &Path, files: &BTreeMap<String, String>) -> Result<(), String> {
    if out.exists() {
        let is_ours =
            fs::read_to_string(out.join("Cargo.toml")).is_ok_and(|t| t.contains("@generated"));
        let is_empty = fs::read_dir(out)
            .map(|mut d| d.next().is_none())
            .unwrap_or(false);
        if !is_ours && !is_empty {
            return Err(format!(
                "{}: exists and is not a crate generated by this tool; choose an empty or new directory",
                out.display()
            ));
        }
    }
    let parent = out
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    fs::create_dir_all(parent).map_err(|e| format!("{}: cannot create: {e}", parent.display()))?;
    let staging = parent.join(format!(
        ".{}.partial-{}",
        out.file_name().and_then(|n| n.to_str()).unwrap_or("out"),
        std::process::id()
    ));
    let _ = fs::remove_dir_all(&staging);
    let result = fsutil::write_tree(&staging, files, OWNED).and_then(|_| {
        if out.exists() {
            fs::remove_dir_all(out)
                .map_err(|e| format!("{}: cannot replace: {e}", out.display()))?;
        }
        fs::rename(&staging, out)
            .map_err(|e| format!("{}: cannot move into place: {e}", out.display()))
    });
    if result.is_err() {
        let _ = fs::remove_dir_all(&staging);
    }
    result
}
