//! Bundling small multi-file documents held in memory.

use serde_json::json;

use super::*;

fn files(entries: &[(&str, &str)]) -> BTreeMap<String, Vec<u8>> {
    entries
        .iter()
        .map(|(name, text)| ((*name).to_owned(), text.as_bytes().to_vec()))
        .collect()
}

fn main_doc(text: &str) -> Value {
    crate::load::parse_document("api/openapi.yaml", text.as_bytes()).expect("parses")
}

const MAIN: &str = r#"
openapi: 3.0.3
info: {title: t, version: "1"}
paths:
  /pets:
    $ref: paths/pets.yaml
components:
  schemas:
    Error:
      $ref: schemas/Error.yaml
      description: The error body.
"#;

const PETS: &str = r#"
get:
  operationId: listPets
  parameters:
    - $ref: ../common.yaml#/components/parameters/Limit
  responses:
    "200":
      description: ok
      content:
        application/json:
          schema:
            type: array
            items: {$ref: ../schemas/Pet.yaml}
          example: {$ref: not-followed.yaml}
    default:
      description: error
      content:
        application/json:
          schema: {$ref: '../schemas/Error.yaml'}
"#;

const PET: &str = r#"
type: object
properties:
  tag: {$ref: Tag.yaml}
  parent: {$ref: Pet.yaml}
  kind:
    $ref: '#/$defs/Kind'
$defs:
  Kind: {type: string, enum: [cat, dog]}
"#;

const COMMON: &str = r##"
components:
  parameters:
    Limit:
      name: limit
      in: query
      schema: {$ref: '#/components/schemas/Count'}
  schemas:
    Count: {type: integer}
"##;

fn pet_files() -> BTreeMap<String, Vec<u8>> {
    files(&[
        ("api/paths/pets.yaml", PETS),
        ("api/schemas/Pet.yaml", PET),
        ("api/schemas/Tag.yaml", "type: string\n"),
        (
            "api/schemas/Error.yaml",
            "type: object\nproperties: {message: {type: string}}\n",
        ),
        ("api/common.yaml", COMMON),
    ])
}

#[test]
fn files_become_components_and_path_items_are_copied_in() {
    let mut doc = main_doc(MAIN);
    let notes = bundle(&mut doc, "api/openapi.yaml", &pet_files()).expect("bundles");
    assert_eq!(notes.len(), 1, "{notes:?}");
    assert!(notes[0].contains("5 other file(s)"), "{notes:?}");

    let get = &doc["paths"]["/pets"]["get"];
    assert_eq!(get["operationId"], "listPets");
    assert_eq!(
        get["parameters"][0]["$ref"],
        "#/components/parameters/Limit"
    );
    let ok = &get["responses"]["200"]["content"]["application/json"];
    assert_eq!(ok["schema"]["items"]["$ref"], "#/components/schemas/Pet");
    // Example values are data: never followed or rewritten.
    assert_eq!(ok["example"], json!({"$ref": "not-followed.yaml"}));
    // The main document's own `Error` component received the file, so references to
    // the file from elsewhere point at it.
    assert_eq!(
        get["responses"]["default"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Error"
    );

    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["Error"]["properties"]["message"]["type"], "string");
    assert_eq!(schemas["Error"]["description"], "The error body.");
    assert_eq!(
        schemas["Pet"]["properties"]["tag"]["$ref"],
        "#/components/schemas/Tag"
    );
    assert_eq!(
        schemas["Pet"]["properties"]["parent"]["$ref"],
        "#/components/schemas/Pet"
    );
    // A local `$ref` inside another file points into that file.
    assert_eq!(
        schemas["Pet"]["properties"]["kind"]["$ref"],
        "#/components/schemas/Kind"
    );
    assert_eq!(schemas["Kind"]["enum"], json!(["cat", "dog"]));
    assert_eq!(schemas["Tag"]["type"], "string");
    assert_eq!(
        doc["components"]["parameters"]["Limit"]["schema"]["$ref"],
        "#/components/schemas/Count"
    );
    assert_eq!(schemas["Count"]["type"], "integer");
}

#[test]
fn bundling_is_deterministic() {
    let mut a = main_doc(MAIN);
    let mut b = main_doc(MAIN);
    bundle(&mut a, "api/openapi.yaml", &pet_files()).unwrap();
    bundle(&mut b, "api/openapi.yaml", &pet_files()).unwrap();
    assert_eq!(
        serde_json::to_string(&a).unwrap(),
        serde_json::to_string(&b).unwrap()
    );
}

#[test]
fn swagger2_targets_go_to_definitions() {
    let mut doc = main_doc(
        r#"
swagger: "2.0"
info: {title: t, version: "1"}
paths:
  /x:
    get:
      parameters: [{$ref: "defs.json#/parameters/Page"}]
      responses:
        "200": {description: ok, schema: {$ref: "defs.json#/definitions/Thing"}}
"#,
    );
    let source = files(&[(
        "api/defs.json",
        r#"{"definitions": {"Thing": {"type": "object"}},
            "parameters": {"Page": {"name": "page", "in": "query", "type": "integer"}}}"#,
    )]);
    bundle(&mut doc, "api/openapi.yaml", &source).expect("bundles");
    let get = &doc["paths"]["/x"]["get"];
    assert_eq!(
        get["responses"]["200"]["schema"]["$ref"],
        "#/definitions/Thing"
    );
    assert_eq!(get["parameters"][0]["$ref"], "#/parameters/Page");
    assert_eq!(doc["definitions"]["Thing"]["type"], "object");
    assert_eq!(doc["parameters"]["Page"]["name"], "page");
}

#[test]
fn a_name_taken_in_the_main_document_gets_the_file_name_in_front() {
    let mut doc = main_doc(
        r#"
openapi: 3.0.3
paths: {}
components:
  schemas:
    Error: {type: string}
    Wrapper:
      properties:
        inner: {$ref: "other.yaml#/components/schemas/Error"}
        again: {$ref: "./other.yaml#/components/schemas/Error"}
"#,
    );
    let source = files(&[(
        "api/other.yaml",
        "components: {schemas: {Error: {type: object}}}\n",
    )]);
    bundle(&mut doc, "api/openapi.yaml", &source).expect("bundles");
    let schemas = &doc["components"]["schemas"];
    assert_eq!(schemas["Error"]["type"], "string");
    assert_eq!(schemas["other_Error"]["type"], "object");
    let props = &schemas["Wrapper"]["properties"];
    assert_eq!(props["inner"]["$ref"], "#/components/schemas/other_Error");
    assert_eq!(props["again"]["$ref"], "#/components/schemas/other_Error");
}

#[test]
fn discriminator_mappings_to_files_are_rewritten() {
    let mut doc = main_doc(
        r#"
openapi: 3.0.3
paths: {}
components:
  schemas:
    Pet:
      oneOf: [{$ref: "cat.yaml"}]
      discriminator:
        propertyName: kind
        mapping: {cat: "cat.yaml", dog: "Dog"}
"#,
    );
    let source = files(&[("api/cat.yaml", "type: object\n")]);
    bundle(&mut doc, "api/openapi.yaml", &source).expect("bundles");
    let pet = &doc["components"]["schemas"]["Pet"];
    assert_eq!(pet["oneOf"][0]["$ref"], "#/components/schemas/cat");
    assert_eq!(
        pet["discriminator"]["mapping"]["cat"],
        "#/components/schemas/cat"
    );
    assert_eq!(pet["discriminator"]["mapping"]["dog"], "Dog");
}

#[test]
fn a_reference_back_into_the_main_document_becomes_local() {
    let mut doc = main_doc(
        r#"
openapi: 3.0.3
paths:
  /a: {$ref: "paths/a.yaml"}
components:
  schemas:
    Shared: {type: string}
"#,
    );
    let source = files(&[(
        "api/paths/a.yaml",
        "get:\n  responses:\n    '200':\n      description: ok\n      content:\n        application/json:\n          schema: {$ref: '../openapi.yaml#/components/schemas/Shared'}\n",
    )]);
    bundle(&mut doc, "api/openapi.yaml", &source).expect("bundles");
    assert_eq!(
        doc["paths"]["/a"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]["$ref"],
        "#/components/schemas/Shared"
    );
}

#[test]
fn a_missing_file_names_the_referring_place() {
    let mut doc = main_doc(MAIN);
    let err = bundle(&mut doc, "api/openapi.yaml", &files(&[])).expect_err("missing");
    let text = err.to_string();
    assert!(
        text.starts_with("api/openapi.yaml#/paths/~1pets/$ref"),
        "{text}"
    );
    assert!(text.contains("api/paths/pets.yaml"), "{text}");
    assert!(text.contains("cannot read"), "{text}");
}

#[test]
fn a_missing_pointer_names_file_and_pointer() {
    let mut doc = main_doc(
        "openapi: 3.0.3\npaths: {}\ncomponents: {schemas: {A: {items: {$ref: 'b.yaml#/Nope'}}}}\n",
    );
    let err = bundle(
        &mut doc,
        "api/openapi.yaml",
        &files(&[("api/b.yaml", "{}")]),
    )
    .expect_err("no such pointer");
    let text = err.to_string();
    assert!(
        text.starts_with("api/openapi.yaml#/components/schemas/A/items/$ref"),
        "{text}"
    );
    assert!(text.contains("nothing at `#/Nope`"), "{text}");
}

#[test]
fn a_broken_file_is_a_parse_error_naming_it() {
    let mut doc = main_doc(MAIN);
    let mut source = pet_files();
    source.insert("api/schemas/Error.yaml".into(), b"type: [\n".to_vec());
    let err = bundle(&mut doc, "api/openapi.yaml", &source).expect_err("bad yaml");
    assert!(
        err.to_string().starts_with("api/schemas/Error.yaml#line"),
        "{err}"
    );
}

#[test]
fn copied_in_references_that_loop_are_an_error() {
    let mut doc = main_doc("openapi: 3.0.3\npaths:\n  /a: {$ref: a.yaml}\n");
    let source = files(&[
        ("api/a.yaml", "$ref: b.yaml\n"),
        ("api/b.yaml", "$ref: a.yaml\n"),
    ]);
    let err = bundle(&mut doc, "api/openapi.yaml", &source).expect_err("cycle");
    assert!(err.to_string().contains("cyclic `$ref`"), "{err}");
}

#[test]
fn a_document_without_external_references_is_untouched() {
    let mut doc = main_doc(
        "openapi: 3.0.3\npaths: {}\ncomponents: {schemas: {A: {$ref: '#/components/schemas/B'}, B: {type: string}}}\n",
    );
    let before = doc.clone();
    let notes = bundle(&mut doc, "api/openapi.yaml", &NoReferences).expect("nothing to do");
    assert!(notes.is_empty());
    assert_eq!(doc, before);
}

#[test]
fn without_a_source_an_external_reference_says_why() {
    let mut doc = main_doc(MAIN);
    let err = bundle(&mut doc, "api/openapi.yaml", &NoReferences).expect_err("no source");
    assert!(err.to_string().contains("one document"), "{err}");
}

#[test]
fn a_components_section_of_the_wrong_type_is_an_error() {
    let mut doc = main_doc(
        "openapi: 3.0.3\npaths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: a.yaml}\ncomponents: [1]\n",
    );
    let source = files(&[("api/a.yaml", "type: string\n")]);
    let err = bundle(&mut doc, "api/openapi.yaml", &source).expect_err("components is a list");
    assert!(
        err.to_string().starts_with("api/openapi.yaml#/components:"),
        "{err}"
    );
}
