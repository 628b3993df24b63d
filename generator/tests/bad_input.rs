//! Bad input never panics: `generate` (and `Settings::from_toml`) return an error that
//! names the file and the spot in it (a JSON pointer, or a line for text that does not
//! parse).

use std::panic::{AssertUnwindSafe, catch_unwind};

use cloudgen::{Input, OverlayInput, Settings};
use serde_json::json;

const SETTINGS_FILE: &str = "settings.toml";

/// Runs `generate`, asserting it returns an error (not `Ok`, not a panic); returns the
/// error's text.
/// The pipeline's input for a document given as text, with no other files.
fn input<'a>(
    document_name: &'a str,
    document: &'a str,
    settings: &'a Settings,
    overlays: &'a [OverlayInput],
) -> Input<'a> {
    Input {
        document_name,
        document: document.as_bytes(),
        references: &cloudgen::NoReferences,
        settings,
        settings_name: SETTINGS_FILE,
        overlays,
        command: "cargo test",
        runtime_path: "../runtime",
        standalone: true,
    }
}

fn generate_err(
    document_name: &str,
    document: &str,
    settings: &Settings,
    overlays: &[OverlayInput],
) -> String {
    let input = input(document_name, document, settings, overlays);
    match catch_unwind(AssertUnwindSafe(|| cloudgen::generate(&input))) {
        Ok(Ok(generated)) => panic!(
            "{document_name}: expected an error, got {} files; report:\n{}",
            generated.files.len(),
            generated.report
        ),
        Ok(Err(e)) => e.to_string(),
        Err(_) => panic!("{document_name}: generate panicked instead of returning an error"),
    }
}

fn assert_contains(text: &str, wanted: &[&str]) {
    for w in wanted {
        assert!(text.contains(w), "expected `{w}` in the error:\n{text}");
    }
}

/// A valid document with one operation `GET /x` answering `response_schema`.
fn doc_with_response_schema(response_schema: &str) -> String {
    format!(
        "openapi: 3.0.3
info:
  title: t
  version: '1'
paths:
  /x:
    get:
      operationId: getX
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema: {response_schema}
components:
  schemas:
    Pet:
      type: object
      properties:
        name:
          type: string
"
    )
}

#[test]
fn the_valid_base_document_generates() {
    // Guards the other tests: each breaks exactly one thing of this document.
    let doc = doc_with_response_schema("{$ref: '#/components/schemas/Pet'}");
    let settings = Settings::default();
    let input = Input {
        document_name: "spec.yaml",
        document: doc.as_bytes(),
        references: &cloudgen::NoReferences,
        settings: &settings,
        settings_name: SETTINGS_FILE,
        overlays: &[],
        command: "cargo test",
        runtime_path: "../runtime",
        standalone: true,
    };
    let generated = cloudgen::generate(&input).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(generated.report.operations_emitted, 1);
}

#[test]
fn empty_document() {
    let err = generate_err("spec.yaml", "", &Settings::default(), &[]);
    assert_contains(&err, &["spec.yaml", "not an object"]);
}

#[test]
fn truncated_json() {
    let err = generate_err(
        "spec.json",
        "{\n  \"openapi\": \"3.0.3\",\n  \"paths\": {",
        &Settings::default(),
        &[],
    );
    assert_contains(&err, &["spec.json#line 3", "cannot parse"]);
}

#[test]
fn broken_yaml() {
    let err = generate_err(
        "spec.yaml",
        "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: [\n",
        &Settings::default(),
        &[],
    );
    assert_contains(&err, &["spec.yaml#line ", "cannot parse"]);
}

#[test]
fn not_utf8() {
    let input_bytes = b"openapi: 3.0.3\ninfo: \xff\n";
    let settings = Settings::default();
    let input = Input {
        document_name: "spec.yaml",
        document: input_bytes,
        references: &cloudgen::NoReferences,
        settings: &settings,
        settings_name: SETTINGS_FILE,
        overlays: &[],
        command: "cargo test",
        runtime_path: "../runtime",
        standalone: true,
    };
    let err = cloudgen::generate(&input).expect_err("not UTF-8");
    assert_contains(&err.to_string(), &["spec.yaml", "not UTF-8"]);
}

#[test]
fn not_an_openapi_document() {
    let err = generate_err(
        "spec.yaml",
        "info:\n  title: t\n",
        &Settings::default(),
        &[],
    );
    assert_contains(&err, &["spec.yaml", "neither `openapi` nor `swagger`"]);
}

/// `responses` must be a map of responses, not a list.
const BAD_RESPONSES: &str = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /x:\n    get:\n      responses: [1]\n";

#[test]
fn invalid_openapi_structure_is_located() {
    let err = generate_err("spec.yaml", BAD_RESPONSES, &Settings::default(), &[]);
    assert_contains(&err, &["spec.yaml#/paths", "not a valid OpenAPI 3.0"]);
}

#[test]
#[ignore = "generator limitation: openapiv3's `#[serde(flatten)]` extensions hide the path \
            below `/paths` from serde_path_to_error, so the pointer stops at `/paths`"]
fn invalid_openapi_structure_is_located_precisely() {
    let err = generate_err("spec.yaml", BAD_RESPONSES, &Settings::default(), &[]);
    assert_contains(&err, &["spec.yaml#/paths/~1x/get/responses"]);
}

/// Generates `document`, which must succeed, and returns the report and the models.
fn generate_ok(document: &str) -> (String, String) {
    let settings = Settings::default();
    let input = input("spec.yaml", document, &settings, &[]);
    let generated = cloudgen::generate(&input).unwrap_or_else(|e| panic!("does not generate: {e}"));
    let models = generated
        .files
        .get("src/models.rs")
        .cloned()
        .unwrap_or_default();
    (generated.report.to_string(), models)
}

/// A dangling schema `$ref` (common in parts of real documents nothing uses) does not
/// refuse the document: the value is kept free-form and the report says where.
#[test]
fn schema_ref_to_nothing() {
    let doc = doc_with_response_schema("{$ref: '#/components/schemas/Nope'}");
    let (report, _) = generate_ok(&doc);
    assert_contains(
        &report,
        &[
            "/paths/~1x/get/responses/200/content/application~1json/schema",
            "#/components/schemas/Nope",
            "points to nothing",
        ],
    );
}

#[test]
fn schema_ref_to_nothing_in_a_component() {
    let doc = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        owner:\n          $ref: '#/components/schemas/Nope'\n";
    let (report, models) = generate_ok(doc);
    assert_contains(
        &report,
        &[
            "/components/schemas/Pet/properties/owner",
            "Nope",
            "free-form",
        ],
    );
    assert_contains(&models, &["pub owner: Option<serde_json::Value>"]);
}

#[test]
fn parameter_ref_to_nothing() {
    let doc = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths:\n  /x:\n    get:\n      parameters:\n        - $ref: '#/components/parameters/Nope'\n      responses:\n        '204':\n          description: ok\n";
    let err = generate_err("spec.yaml", doc, &Settings::default(), &[]);
    assert_contains(
        &err,
        &[
            "spec.yaml#/paths/~1x/get/parameters/0",
            "#/components/parameters/Nope",
        ],
    );
}

#[test]
fn swagger_2_with_a_parameter_missing_in_is_located() {
    let doc = "swagger: '2.0'\ninfo:\n  title: t\n  version: '1'\npaths:\n  /x:\n    get:\n      parameters:\n        - name: q\n          type: string\n      responses:\n        '200':\n          description: ok\n";
    let err = generate_err("spec.yaml", doc, &Settings::default(), &[]);
    assert_contains(&err, &["spec.yaml#/paths/~1x/get/parameters/0"]);
}

#[test]
fn unknown_openapi_version_is_refused() {
    let doc = "openapi: 4.0.0\ninfo:\n  title: t\n  version: '1'\npaths: {}\n";
    let err = generate_err("spec.yaml", doc, &Settings::default(), &[]);
    assert_contains(&err, &["spec.yaml#/openapi", "4.0.0"]);
}

/// Runs `generate`, asserting success; returns the report's text.
fn generate_report(document: &str) -> String {
    let settings = Settings::default();
    let input = Input {
        document_name: "spec.yaml",
        document: document.as_bytes(),
        references: &cloudgen::NoReferences,
        settings: &settings,
        settings_name: SETTINGS_FILE,
        overlays: &[],
        command: "cargo test",
        runtime_path: "../runtime",
        standalone: true,
    };
    match cloudgen::generate(&input) {
        Ok(generated) => generated.report.to_string(),
        Err(e) => panic!("expected success, got: {e}"),
    }
}

/// A schema the generator cannot express (`not`) does not abort the document: that one
/// value becomes `serde_json::Value`, and the report says where and why.
#[test]
fn not_falls_back_to_json_value_with_a_located_note() {
    let doc = "openapi: 3.0.3\ninfo:\n  title: t\n  version: '1'\npaths: {}\ncomponents:\n  schemas:\n    Pet:\n      type: object\n      properties:\n        kind:\n          not:\n            type: string\n";
    let report = generate_report(doc);
    assert_contains(
        &report,
        &["/components/schemas/Pet/properties/kind", "`not`"],
    );
}

#[test]
fn not_in_an_operation_falls_back_with_a_located_note() {
    let doc = doc_with_response_schema("{not: {type: integer}}");
    let report = generate_report(&doc);
    assert_contains(
        &report,
        &[
            "/paths/~1x/get/responses/200/content/application~1json/schema",
            "`not`",
        ],
    );
}

/// `nxet` (on line 8) is not a pagination setting.
const UNKNOWN_KEY: &str = "[crate]\nname = \"x\"\n\n[pagination]\nstyle = \"next-link\"\nitems = \"_items\"\nmarker_param = \"page\"\nnxet = \"/_links/next/href\"\n";

#[test]
fn settings_with_an_unknown_key() {
    let result = catch_unwind(|| Settings::from_toml(UNKNOWN_KEY, SETTINGS_FILE))
        .expect("from_toml does not panic");
    let err = result.expect_err("unknown key `nxet`").to_string();
    assert_contains(&err, &["settings.toml#line ", "`nxet`", "invalid settings"]);
}

#[test]
fn settings_with_an_unknown_key_names_its_line() {
    let err = Settings::from_toml(UNKNOWN_KEY, SETTINGS_FILE)
        .expect_err("unknown key `nxet`")
        .to_string();
    assert_contains(&err, &["settings.toml#line 8"]);
}

#[test]
fn settings_that_are_not_toml() {
    let err = Settings::from_toml("[crate\nname = 1\n", SETTINGS_FILE)
        .expect_err("not TOML")
        .to_string();
    assert_contains(&err, &["settings.toml#line 1"]);
}

#[test]
fn overlay_target_matching_nothing() {
    let overlay = OverlayInput {
        name: "overlay.yaml".to_owned(),
        document: json!({
            "overlay": "1.0.0",
            "info": {"title": "t", "version": "1"},
            "actions": [{"target": "$.components.schemas.Gone", "update": {"x": 1}}]
        }),
    };
    let doc = doc_with_response_schema("{$ref: '#/components/schemas/Pet'}");
    let err = generate_err("spec.yaml", &doc, &Settings::default(), &[overlay]);
    assert_contains(
        &err,
        &[
            "overlay.yaml",
            "/actions/0",
            "$.components.schemas.Gone",
            "did not apply",
        ],
    );
}

#[test]
fn unknown_named_fixup() {
    let mut settings = Settings::default();
    settings.fixes.fixups = vec!["no-such-fixup".to_owned()];
    let doc = doc_with_response_schema("{$ref: '#/components/schemas/Pet'}");
    let err = generate_err("spec.yaml", &doc, &settings, &[]);
    assert_contains(
        &err,
        &[
            "settings.toml#/fixes/fixups",
            "no-such-fixup",
            "eve-operation-ids",
        ],
    );
}

#[test]
fn stale_named_fixup() {
    // A known fixup that finds nothing to fix fails rather than passing silently.
    let mut settings = Settings::default();
    settings.fixes.fixups = vec!["eve-operation-ids".to_owned()];
    let doc = doc_with_response_schema("{$ref: '#/components/schemas/Pet'}");
    let err = generate_err("spec.yaml", &doc, &settings, &[]);
    assert_contains(
        &err,
        &[
            "settings.toml#/fixes/fixups",
            "eve-operation-ids",
            "nothing to fix",
        ],
    );
}

#[test]
fn error_envelope_naming_no_schema() {
    let mut settings = Settings::default();
    settings.errors.envelope = Some("Nope".to_owned());
    let doc = doc_with_response_schema("{$ref: '#/components/schemas/Pet'}");
    let err = generate_err("spec.yaml", &doc, &settings, &[]);
    assert_contains(&err, &["settings.toml#/errors/envelope", "Nope"]);
}
