//! Snapshot tests of the generator's output.
//!
//! Every document in `tests/fixtures/` is one case, named after what it covers. For each,
//! the generated `src/*.rs` files and the report are snapshotted with `insta` (one
//! snapshot per fixture, in `tests/snapshots/`), and generating twice must give identical
//! output. `Cargo.toml` is not snapshotted: it holds the runtime's absolute path.
//!
//! [`every_fixture_compiles_with_warnings_denied`] then writes every fixture's crate into
//! one scratch workspace under the target directory and runs a single
//! `cargo clippy -- -D warnings` over all of them, then checks the crates of
//! [`FEATURE_BY_FEATURE`] with each of their features alone.
//!
//! A fixture `<name>.yaml|json` may have settings in `<name>.settings.toml`; the crate
//! name is always `fixture-<name>`.
//!
//! Accept changed snapshots with `INSTA_UPDATE=always cargo test -p cloudgen` (or
//! `cargo insta review`), then read the diff.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

use cloudgen::{Generated, Input, Settings};

/// Fixtures whose crates are also compiled with each of their features alone.
const FEATURE_BY_FEATURE: &[&str] = &["groups_in_parts.yaml", "keywords_and_reserved_names.yaml"];

/// The regenerate command written into headers.
const COMMAND: &str = "cargo test";

fn manifest_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn fixtures_dir() -> PathBuf {
    manifest_dir().join("tests").join("fixtures")
}

/// Absolute path of the runtime crate.
fn runtime_path() -> String {
    let path = manifest_dir().join("..").join("runtime");
    let path = std::fs::canonicalize(&path).unwrap_or(path);
    path.to_str().expect("UTF-8 runtime path").to_owned()
}

/// Every fixture document's file name, sorted.
fn fixture_files() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(fixtures_dir())
        .expect("tests/fixtures exists")
        .map(|entry| {
            entry
                .expect("readable directory entry")
                .file_name()
                .into_string()
                .expect("UTF-8 file name")
        })
        .filter(|name| {
            !name.ends_with(".settings.toml")
                && (name.ends_with(".yaml") || name.ends_with(".yml") || name.ends_with(".json"))
        })
        .collect();
    names.sort();
    names
}

/// `keywords_and_reserved_names.yaml` → `keywords_and_reserved_names`.
fn stem(file: &str) -> &str {
    file.rsplit_once('.').map_or(file, |(stem, _)| stem)
}

fn crate_name(file: &str) -> String {
    format!("fixture-{}", stem(file).replace('_', "-"))
}

/// The fixture's settings file (if any), with the crate name set.
fn settings_for(file: &str) -> Settings {
    let settings_file = format!("{}.settings.toml", stem(file));
    let mut settings = match std::fs::read_to_string(fixtures_dir().join(&settings_file)) {
        Ok(text) => Settings::from_toml(&text, &settings_file)
            .unwrap_or_else(|e| panic!("fixture settings do not parse: {e}")),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Settings::default(),
        Err(e) => panic!("cannot read {settings_file}: {e}"),
    };
    settings.krate.name = crate_name(file);
    settings
}

/// Reads the files fixtures' `$ref`s name, relative to `tests/fixtures/`.
#[derive(Debug)]
struct FixtureFiles;

impl cloudgen::ReferenceSource for FixtureFiles {
    fn read(&self, name: &str) -> std::io::Result<Vec<u8>> {
        std::fs::read(fixtures_dir().join(name))
    }
}

/// Generates the crate for fixture `file`.
fn generate(file: &str, standalone: bool) -> Generated {
    let document = std::fs::read(fixtures_dir().join(file))
        .unwrap_or_else(|e| panic!("cannot read fixture {file}: {e}"));
    let settings = settings_for(file);
    let settings_name = format!("{}.settings.toml", stem(file));
    let runtime = runtime_path();
    let input = Input {
        document_name: file,
        document: &document,
        references: &FixtureFiles,
        settings: &settings,
        settings_name: &settings_name,
        overlays: &[],
        command: COMMAND,
        runtime_path: &runtime,
        standalone,
    };
    cloudgen::generate(&input).unwrap_or_else(|e| panic!("{file} does not generate: {e}"))
}

/// The snapshot text: every `src/*.rs` file (in path order) and the report.
fn snapshot_text(generated: &Generated) -> String {
    let mut out = String::new();
    for (path, text) in &generated.files {
        if path.starts_with("src/") && path.ends_with(".rs") {
            writeln!(out, "// ---- {path} ----").expect("write to String");
            out.push_str(text);
            if !text.ends_with('\n') {
                out.push('\n');
            }
        }
    }
    writeln!(out, "// ---- report ----").expect("write to String");
    write!(out, "{}", generated.report).expect("write to String");
    out
}

/// Generates `file` twice, checks determinism and the absence of machine paths, and
/// compares with the stored snapshot.
fn check_fixture(file: &str) -> Generated {
    let first = generate(file, false);
    let second = generate(file, false);
    assert_eq!(first.files, second.files, "{file}: two generations differ");
    assert_eq!(first.report, second.report, "{file}: two reports differ");
    let text = snapshot_text(&first);
    for machine_path in [manifest_dir().to_str().unwrap_or_default(), &runtime_path()] {
        assert!(
            !text.contains(machine_path),
            "{file}: the snapshot mentions the machine path {machine_path}"
        );
    }
    insta::assert_snapshot!(stem(file), text);
    first
}

macro_rules! fixture_tests {
    ($( $test:ident => $file:literal, )*) => {
        $(
            #[test]
            fn $test() {
                check_fixture($file);
            }
        )*

        /// Fixtures with a test of their own (this macro's and hand-written ones).
        const COVERED: &[&str] = &[$( $file, )* "skipped_operations.yaml"];
    };
}

fixture_tests! {
    object_required_optional_nullable => "object_required_optional_nullable.yaml",
    formats_defaults_and_int_enums => "formats_defaults_and_int_enums.yaml",
    discriminated_unions => "discriminated_unions.yaml",
    patch_tri_state_and_extra_properties => "patch_tri_state_and_extra_properties.yaml",
    string_enum_with_symbols_and_case_clash => "string_enum_with_symbols_and_case_clash.yaml",
    inline_objects_hoisted => "inline_objects_hoisted.yaml",
    map_and_free_form => "map_and_free_form.yaml",
    keywords_and_reserved_names => "keywords_and_reserved_names.yaml",
    path_query_header_params => "path_query_header_params.yaml",
    operation_ids_missing_and_duplicate => "operation_ids_missing_and_duplicate.yaml",
    json_body_and_empty_response => "json_body_and_empty_response.yaml",
    eve_pagination_and_etag => "eve_pagination_and_etag.yaml",
    json_input => "json_input.json",
    field_names_colliding_after_escaping => "field_names_colliding_after_escaping.yaml",
    required_scalar_params => "required_scalar_params.yaml",
    all_of_merge_and_single_ref => "all_of_merge_and_single_ref.yaml",
    dropshot_unions_and_formats => "dropshot_unions_and_formats.yaml",
    schema_fallbacks => "schema_fallbacks.yaml",
    offset_pages_data_envelope_tasks => "offset_pages_data_envelope_tasks.yaml",
    cookie_params => "cookie_params.yaml",
    several_success_bodies => "several_success_bodies.yaml",
    multi_file => "multi_file.yaml",
    prelude_names_servers_and_odd_versions => "prelude_names_servers_and_odd_versions.yaml",
    swagger2_form_only_and_non_json => "swagger2_form_only_and_non_json.yaml",
    inline_only_unions_and_type_arrays => "inline_only_unions_and_type_arrays.yaml",
    request_media_type_choice => "request_media_type_choice.yaml",
    object_params => "object_params.yaml",
    groups_in_parts => "groups_in_parts.yaml",
    union_and_content_params => "union_and_content_params.yaml",
}

/// Fixtures whose generated crate is known not to pass clippy with warnings denied,
/// because of a generator bug: the compile check expects exactly these crates to fail
/// (so it fails when one is fixed, as a reminder to delete its entry here).
const KNOWN_CLIPPY_FAILURES: &[(&str, &str)] = &[];

#[test]
fn skipped_operations() {
    let generated = check_fixture("skipped_operations.yaml");
    let report = &generated.report;
    assert_eq!(report.operations_total, 9, "{report}");
    assert_eq!(report.operations_emitted, 3, "{report}");
    let skipped: Vec<(&str, &str)> = report
        .operations_skipped
        .iter()
        .map(|s| (s.pointer.as_str(), s.reason.as_str()))
        .collect();
    let expect = [
        (
            "/paths/~1search/get",
            "parameter `filter` is a nested object",
        ),
        ("/paths/~1mixed/post", "non-JSON 201 answer"),
        ("/paths/~1ranged/post", "the range `2XX`"),
        ("/paths/~1two-media/get", "2 media types in `content`"),
        ("/paths/~1xml-param/get", "`content` `application/xml`"),
        (
            "/paths/~1empty-body-required/post",
            "required but declares no media type",
        ),
    ];
    assert_eq!(skipped.len(), expect.len(), "{report}");
    for (pointer, reason) in expect {
        assert!(
            skipped
                .iter()
                .any(|(p, r)| *p == pointer && r.contains(reason)),
            "expected {pointer} skipped because `{reason}`; report:\n{report}"
        );
    }
    assert!(
        generated.files.values().all(|f| !f.contains("fn mixed")),
        "a skipped operation was emitted"
    );
}

#[test]
fn every_fixture_has_a_test() {
    let mut covered: Vec<&str> = COVERED.to_vec();
    covered.sort_unstable();
    assert_eq!(
        fixture_files(),
        covered,
        "add a test for each fixture in tests/fixtures (and remove tests of deleted ones)"
    );
}

/// Where cargo builds: `CARGO_TARGET_DIR`, else the workspace's `target/`.
fn target_dir() -> PathBuf {
    let workspace = manifest_dir().join("..");
    match std::env::var_os("CARGO_TARGET_DIR") {
        Some(dir) => workspace.join(dir),
        None => workspace.join("target"),
    }
}

/// `cargo` in the scratch `workspace`, building into `target/fixture-check`, without the
/// flags and wrapper of the cargo running this test.
fn scratch_cargo(workspace: &Path, target: &Path) -> Command {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut command = Command::new(cargo);
    command
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target.join("fixture-check"))
        .env_remove("CARGO_ENCODED_RUSTFLAGS")
        .env_remove("RUSTC_WORKSPACE_WRAPPER");
    command
}

/// Every fixture's crate, written into one scratch workspace, passes
/// `cargo clippy -- -D warnings` (and `rustc` with `-D warnings`), except the
/// [`KNOWN_CLIPPY_FAILURES`], which must fail. One cargo run for all fixtures; the
/// lockfile of the repository is copied so nothing new is resolved.
#[test]
fn every_fixture_compiles_with_warnings_denied() {
    let target = target_dir();
    let workspace = target.join("fixture-crates");
    if workspace.exists() {
        std::fs::remove_dir_all(&workspace).expect("remove the old scratch workspace");
    }
    std::fs::create_dir_all(&workspace).expect("create the scratch workspace");

    let mut members = Vec::new();
    let mut with_serde_tests = Vec::new();
    for file in fixture_files() {
        let member = stem(&file).to_owned();
        let generated = generate(&file, false);
        for (path, text) in &generated.files {
            let dest = workspace.join(&member).join(path);
            std::fs::create_dir_all(dest.parent().expect("file has a parent"))
                .expect("create crate directory");
            std::fs::write(&dest, text).expect("write generated file");
        }
        // A fixture's serde tests (`<stem>.serde.rs`) become the crate's integration test.
        let serde_tests = fixtures_dir().join(format!("{member}.serde.rs"));
        if serde_tests.exists() {
            let dest = workspace.join(&member).join("tests").join("serde.rs");
            std::fs::create_dir_all(dest.parent().expect("file has a parent"))
                .expect("create tests directory");
            std::fs::copy(&serde_tests, &dest).expect("copy serde tests");
            with_serde_tests.push(crate_name(&file));
        }
        members.push(member);
    }
    let members_toml: Vec<String> = members.iter().map(|m| format!("    \"{m}\",")).collect();
    let manifest = format!(
        "# Written by generator/tests/snapshots.rs; every run replaces this directory.\n\
         [workspace]\nresolver = \"3\"\nmembers = [\n{}\n]\n\n\
         [profile.dev]\ndebug = false\n",
        members_toml.join("\n")
    );
    std::fs::write(workspace.join("Cargo.toml"), manifest).expect("write workspace manifest");
    std::fs::copy(
        manifest_dir().join("..").join("Cargo.lock"),
        workspace.join("Cargo.lock"),
    )
    .expect("copy Cargo.lock");

    let started = Instant::now();
    let output = scratch_cargo(&workspace, &target)
        .args([
            "clippy",
            "--workspace",
            "--all-targets",
            "--offline",
            "--keep-going",
        ])
        .args(["--", "-D", "warnings"])
        .env("RUSTFLAGS", "-Dwarnings")
        .output()
        .expect("run cargo clippy");
    let stderr = String::from_utf8_lossy(&output.stderr);
    eprintln!(
        "cargo clippy over {} fixture crates in {}: {:.1}s",
        members.len(),
        workspace.display(),
        started.elapsed().as_secs_f64()
    );
    // With `--keep-going`, cargo names every crate that failed.
    let mut failed: Vec<String> = stderr
        .lines()
        .filter_map(|line| line.strip_prefix("error: could not compile `"))
        .filter_map(|rest| rest.split('`').next())
        .map(str::to_owned)
        .collect();
    failed.sort();
    failed.dedup();
    let mut expected: Vec<String> = KNOWN_CLIPPY_FAILURES
        .iter()
        .map(|(file, _)| crate_name(file))
        .collect();
    expected.sort();
    assert!(
        output.status.success() || !failed.is_empty(),
        "cargo clippy failed before checking the fixture crates ({}):\n{stderr}",
        output.status
    );
    assert_eq!(
        failed, expected,
        "the fixture crates failing clippy with warnings denied are not the known ones \
         (KNOWN_CLIPPY_FAILURES); cargo said:\n{stderr}"
    );

    // A crate split into features compiles with any one of them alone (or none): a type
    // in a group's models file must not name one that only another group compiles.
    for file in FEATURE_BY_FEATURE {
        let member = stem(file);
        let manifest = std::fs::read_to_string(workspace.join(member).join("Cargo.toml"))
            .expect("read the fixture's manifest");
        let manifest: toml::Table = manifest.parse().expect("the manifest is TOML");
        let features = manifest["features"].as_table().expect("a [features] table");
        let alone = features.keys().filter(|f| *f != "default").map(Some);
        for feature in alone.chain([None]) {
            let mut check = scratch_cargo(&workspace, &target);
            check.args(["check", "--offline", "-p", &crate_name(file)]);
            check.arg("--no-default-features");
            if let Some(feature) = feature {
                check.args(["--features", feature]);
            }
            let output = check
                .env("RUSTFLAGS", "-Dwarnings")
                .output()
                .expect("run cargo check");
            assert!(
                output.status.success(),
                "{member} with only the feature {feature:?} does not compile:\n{}",
                String::from_utf8_lossy(&output.stderr)
            );
        }
    }

    // The serde tests of the fixtures that have them: values decode, keep what they
    // should, and encode back to the same JSON.
    let mut test = scratch_cargo(&workspace, &target);
    test.args(["test", "--offline", "--test", "serde"]);
    for name in &with_serde_tests {
        test.args(["-p", name]);
    }
    let output = test.output().expect("run cargo test");
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        output.status.success(),
        "the fixtures' serde tests failed:\n{stdout}\n{stderr}"
    );
    let passed: usize = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("test result: ok. "))
        .filter_map(|l| l.split(' ').next()?.parse::<usize>().ok())
        .sum();
    assert!(
        passed >= with_serde_tests.len(),
        "too few serde tests ran:\n{stdout}"
    );
}
