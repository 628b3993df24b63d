//! Stage 4, lower: parse the normalized document with `openapiv3` (parse errors located by
//! JSON pointer) and build the project's IR. Names are chosen here, once.

mod facts;
mod operations;
mod recursion;
mod types;

use std::collections::BTreeMap;

use openapiv3::{APIKeyLocation, OpenAPI, ReferenceOr, SecurityScheme};
use serde_json::Value;

use crate::error::{Error, Location, Result};
use crate::ident::Namespace;
use crate::ir::{Api, Auth, Operation, Provenance, Success, TypeDef, TypeKind, TypeRef};
use crate::report::{Report, Stage};
use crate::settings::{AuthSettings, Settings};

/// Lowering state: the parsed document, the names handed out so far, and the types built.
pub(crate) struct Lowerer<'a> {
    file: &'a str,
    spec: &'a OpenAPI,
    settings: &'a Settings,
    report: &'a mut Report,
    /// Component schema name → Rust type name.
    schema_names: BTreeMap<String, String>,
    /// Type names in the `models` module.
    type_names: Namespace,
    /// Types built so far.
    types: BTreeMap<String, TypeDef>,
    /// Names of hoisted types in creation order, so the types an operation created can be
    /// dropped again when the operation is skipped.
    hoisted: Vec<String>,
    /// Pointers of schemas lowered to `serde_json::Value` because this version cannot
    /// express them (each is noted in the report once).
    fallbacks: std::collections::BTreeSet<String>,
    /// Pointers of the inline schemas being hoisted, innermost last: an `allOf` that
    /// inlines a schema containing itself would otherwise hoist forever.
    hoisting: Vec<String>,
    /// The type of each component parameter's inline schema (`#/components/parameters/X`
    /// → its type), lowered once and shared by every operation that refers to it.
    component_param_types: BTreeMap<String, TypeRef>,
}

/// Parses `doc` (OpenAPI 3.0) with `openapiv3`, reporting the JSON pointer of a failure.
pub fn parse(doc: Value, file: &str) -> Result<OpenAPI> {
    use serde::Deserialize;
    // The fast path; on failure, parse again while tracking the path, for the error.
    if let Ok(spec) = OpenAPI::deserialize(&doc) {
        return Ok(spec);
    }
    serde_path_to_error::deserialize(&doc).map_err(|e| {
        let pointer = path_to_pointer(&e.path().to_string());
        Error::Parse {
            location: Location::new(file, pointer),
            message: format!("not a valid OpenAPI 3.0 document here: {}", e.inner()),
        }
    })
}

/// `paths./v1/x.get.responses` (serde_path_to_error's notation) → a JSON pointer.
fn path_to_pointer(path: &str) -> String {
    if path == "." {
        return String::new();
    }
    // serde_path_to_error joins segments with '.', and map keys containing '.' are
    // ambiguous; this is for humans, so a best effort is fine.
    path.split('.')
        .map(|seg| {
            let seg = seg.trim_start_matches('[').trim_end_matches(']');
            format!("/{}", seg.replace('~', "~0").replace('/', "~1"))
        })
        .collect()
}

/// Lowers a parsed document into the IR.
/// `file` names the document and `settings_name` the settings file, in errors.
pub fn lower(
    spec: &OpenAPI,
    settings: &Settings,
    settings_name: &str,
    file: &str,
    report: &mut Report,
) -> Result<Api> {
    let mut lowerer = Lowerer {
        file,
        spec,
        settings,
        report,
        schema_names: BTreeMap::new(),
        // Names the generated `models` module must not define.
        type_names: Namespace::with_reserved(["Result"]),
        types: BTreeMap::new(),
        hoisted: Vec::new(),
        fallbacks: std::collections::BTreeSet::new(),
        hoisting: Vec::new(),
        component_param_types: BTreeMap::new(),
    };
    lowerer.report.schemas_total = spec.components.as_ref().map_or(0, |c| c.schemas.len());
    lowerer.name_component_schemas();
    lowerer.lower_component_schemas()?;
    let mut operations = lowerer.lower_operations()?;
    let error_envelope = match &settings.errors.envelope {
        Some(name) => Some(lowerer.schema_rust_name(name, settings_name, "/errors/envelope")?),
        None => infer_envelope(&operations, lowerer.report),
    };
    if let Some(envelope) = &error_envelope {
        // Operations whose declared errors are all the envelope need no enum of their own.
        let envelope = TypeRef::Named(envelope.clone());
        for op in &mut operations {
            if op.errors.iter().all(|case| case.ty == envelope) {
                op.errors.clear();
                op.error_enum = None;
            }
        }
    }
    let boxed = recursion::break_cycles(&mut lowerer.types);
    if boxed > 0 {
        lowerer.report.note(
            Stage::Lower,
            format!("{boxed} field(s) boxed to break recursive types"),
        );
    }
    lowerer.mark_tasks(&mut operations, settings_name)?;
    lowerer.unwrap_envelopes(&mut operations);
    let preserved = facts::preserve_round_trips(&mut lowerer.types, &operations);
    if preserved > 0 {
        lowerer.report.note(
            Stage::Lower,
            format!(
                "{preserved} type(s) both sent and received keep unknown properties \
                 (`unknown_fields`), so a read-modify-write loses nothing"
            ),
        );
    }
    let eq_types = facts::eq_types(&lowerer.types);
    let auth = lowerer.auth();
    let base_url = lowerer.base_url();
    let report = lowerer.report;
    report.types_emitted = lowerer.types.len();
    Ok(Api {
        title: spec.info.title.clone(),
        description: spec.info.description.clone(),
        version: spec.info.version.clone(),
        base_url,
        auth,
        types: lowerer.types,
        eq_types,
        operations,
        error_envelope,
        if_match_header: settings.etag.as_ref().map(|e| e.if_match_header.clone()),
        update_attempts: settings.etag.as_ref().map_or(3, |e| e.update_attempts),
        provenance: match settings
            .document
            .as_ref()
            .is_some_and(|d| d.written_by_project)
        {
            true => Provenance::Project,
            false => Provenance::Vendor {
                added_by_fixes: report.operations_added_by_fixes.iter().cloned().collect(),
            },
        },
    })
}

impl Lowerer<'_> {
    /// The Rust name of the component schema a setting names; a located settings error
    /// when the document has no such schema.
    fn schema_rust_name(&self, name: &str, settings_name: &str, key: &str) -> Result<String> {
        self.schema_names
            .get(name)
            .cloned()
            .ok_or_else(|| Error::Settings {
                location: Location::new(settings_name, key),
                message: format!("no schema `{name}` in the document's components/schemas"),
            })
    }

    /// Marks the operations answering the vendor's "task accepted" schema.
    fn mark_tasks(&mut self, operations: &mut [Operation], settings_name: &str) -> Result<()> {
        let Some(tasks) = &self.settings.tasks else {
            return Ok(());
        };
        let accepted = self.schema_rust_name(&tasks.accepted, settings_name, "/tasks/accepted")?;
        if !tasks.poll_path.contains("{id}") {
            return Err(Error::Settings {
                location: Location::new(settings_name, "/tasks/poll_path"),
                message: format!("`{}` has no `{{id}}` parameter", tasks.poll_path),
            });
        }
        let mut marked = 0;
        for op in operations.iter_mut() {
            if matches!(
                &op.success,
                Success::Json(TypeRef::Named(n)) | Success::JsonOrEmpty(TypeRef::Named(n))
                    if *n == accepted
            ) {
                op.returns_task = true;
                marked += 1;
            }
        }
        if marked > 0 {
            self.report.note(
                Stage::Lower,
                format!(
                    "{marked} operation(s) answer `{}` and can wait for their task",
                    tasks.accepted
                ),
            );
        }
        Ok(())
    }

    /// Returns the inside of `{"<unwrap>": ...}` success bodies (not for paged lists,
    /// whose pages are decoded whole).
    fn unwrap_envelopes(&mut self, operations: &mut [Operation]) {
        let Some(property) = self.settings.responses.unwrap.as_deref() else {
            return;
        };
        let mut unwrapped = 0;
        for op in operations.iter_mut() {
            let Success::Json(TypeRef::Named(wrapper)) = &op.success else {
                continue;
            };
            if op.pagination.is_some() || op.returns_task {
                continue;
            }
            let Some(TypeDef {
                kind: TypeKind::Struct(s),
                ..
            }) = self.types.get(wrapper)
            else {
                continue;
            };
            let [field] = s.fields.as_slice() else {
                continue;
            };
            if field.wire_name != property || field.is_option() {
                continue;
            }
            op.unwrap = Some((wrapper.clone(), field.rust_name.clone()));
            op.success = Success::Json(field.ty.clone());
            unwrapped += 1;
        }
        if unwrapped > 0 {
            self.report.note(
                Stage::Lower,
                format!(
                    "{unwrapped} operation(s) return the inside of their `{property}` envelope"
                ),
            );
        }
    }

    /// The settings' auth, else the document's: the first scheme of the global security
    /// requirement, else the first declared scheme.
    fn auth(&mut self) -> Auth {
        if let Some(auth) = &self.settings.client.auth {
            return match auth {
                AuthSettings::None => Auth::None,
                AuthSettings::Bearer => Auth::Bearer,
                AuthSettings::ApiKey { header } => Auth::ApiKey {
                    header: header.clone(),
                },
            };
        }
        let Some(components) = &self.spec.components else {
            return Auth::None;
        };
        let preferred = self
            .spec
            .security
            .iter()
            .flatten()
            .flat_map(|req| req.keys())
            .next()
            .cloned();
        let chosen = preferred
            .and_then(|name| components.security_schemes.get(&name).map(|s| (name, s)))
            .or_else(|| {
                components
                    .security_schemes
                    .iter()
                    .next()
                    .map(|(n, s)| (n.clone(), s))
            });
        let Some((name, ReferenceOr::Item(scheme))) = chosen else {
            return Auth::None;
        };
        match scheme {
            SecurityScheme::HTTP { scheme, .. } if scheme.eq_ignore_ascii_case("bearer") => {
                Auth::Bearer
            }
            SecurityScheme::APIKey {
                location: APIKeyLocation::Header,
                name: header,
                ..
            } => Auth::ApiKey {
                header: header.clone(),
            },
            _ => {
                self.report.note(
                    Stage::Lower,
                    format!(
                        "security scheme `{name}` is not supported yet (bearer and header API keys \
                         are); the client sends no credentials unless the settings say otherwise"
                    ),
                );
                Auth::None
            }
        }
    }

    /// The settings' base URL, else the first server with its variables' defaults.
    pub(crate) fn base_url(&self) -> String {
        if let Some(url) = &self.settings.client.base_url {
            return url.clone();
        }
        self.spec
            .servers
            .first()
            .map(server_url)
            .unwrap_or_default()
    }
}

/// A server's URL with its variables' defaults filled in, without a trailing `/`.
pub(crate) fn server_url(server: &openapiv3::Server) -> String {
    let mut url = server.url.clone();
    for (name, var) in server.variables.iter().flatten() {
        url = url.replace(&format!("{{{name}}}"), &var.default);
    }
    url.trim_end_matches('/').to_owned()
}

/// With no envelope in the settings: the schema most declared error answers of the
/// document have, when at least half of them do (the common case: one `Error` almost
/// everywhere). Operations declaring other error bodies get their own error enum.
fn infer_envelope(operations: &[crate::ir::Operation], report: &mut Report) -> Option<String> {
    let mut counts: std::collections::BTreeMap<&str, usize> = std::collections::BTreeMap::new();
    let mut total = 0;
    for case in operations.iter().flat_map(|op| &op.errors) {
        total += 1;
        if let TypeRef::Named(name) = &case.ty {
            *counts.entry(name.as_str()).or_default() += 1;
        }
    }
    // Most used; among equals, the first by name (deterministic).
    let (name, used) =
        counts
            .into_iter()
            .fold(None, |best: Option<(&str, usize)>, (name, n)| match best {
                Some((_, m)) if m >= n => best,
                _ => Some((name, n)),
            })?;
    if used * 2 < total {
        return None;
    }
    report.note(
        Stage::Lower,
        format!(
            "error envelope: `{name}`, the body of {used} of the {total} declared error \
             answers (set `[errors] envelope` to choose another)"
        ),
    );
    Some(name.to_owned())
}
