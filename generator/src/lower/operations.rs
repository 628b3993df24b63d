//! Operations → IR: parameters (path-level merged with operation-level), JSON request
//! bodies, the success response, the ETag precondition header and pagination. An
//! operation using something this version cannot express is skipped with its reason in
//! the report (never silently); a document that is broken (a `$ref` to nothing) is an error.

use std::collections::BTreeMap;

use indexmap::IndexMap;
use openapiv3::{
    MediaType, Parameter, ParameterData, ParameterSchemaOrContent, PathItem, QueryStyle,
    ReferenceOr, RequestBody, Response, StatusCode,
};

use super::Lowerer;
use super::types::{SchemaAt, resolve_field_path};
use crate::error::{Error, Result, pointer_push};
use crate::ident::{Namespace, camel, snake, unraw};
use crate::ir::{
    ArrayStyle, Body, BodyChoices, BodyKind, ErrorCase, ErrorStatus, Grouping, ObjectParam,
    Operation, PageShape, PageStrategy, Pagination, Param, ParamLocation, ReadModifyWrite,
    StatusCase, Success, TypeDef, TypeKind, TypeRef,
};
use crate::report::{Skipped, Stage};
use crate::settings::{GroupBy, PaginationStyle};
use crate::upgrade::unescape_token;

/// Names the generated `Client` already uses for its own methods.
const CLIENT_RESERVED: &[&str] = &["builder", "core", "from", "clone", "fmt", "into"];
/// Names every builder already uses for its own methods.
const BUILDER_RESERVED: &[&str] = &[
    "send",
    "send_and_wait",
    "pages",
    "items",
    "items_max",
    "if_match",
    "timeout",
    "header",
    "idempotency_key",
    "no_retry",
    "options",
    "client",
    "body",
    "into_request",
];
/// Module names the generated crate already uses, and feature names Cargo or the crate
/// already has (a module's feature is named after it): a tag named `all` (opto22's PAC
/// document) made a second `all` feature, and Cargo refused the manifest.
const MODULE_RESERVED: &[&str] = &[
    "models",
    "client",
    "runtime",
    "lib",
    "error",
    "pagination",
    "all",
    "default",
];

/// Why an operation was skipped.
struct Skip(String);

type OpResult<T> = std::result::Result<T, OpError>;

/// Either the operation is skipped (with a reason), or the whole document is broken.
enum OpError {
    Skip(Skip),
    Fatal(Error),
}

impl From<Error> for OpError {
    fn from(e: Error) -> Self {
        Self::Fatal(e)
    }
}

fn skip<T>(reason: impl Into<String>) -> OpResult<T> {
    Err(OpError::Skip(Skip(reason.into())))
}

/// A component reference `#/components/<kind>/<name>` → the name.
fn component_name<'r>(reference: &'r str, kind: &str) -> Option<&'r str> {
    reference
        .strip_prefix("#/components/")?
        .strip_prefix(kind)?
        .strip_prefix('/')
}

/// Finds each PUT guarded by `If-Match` whose body is what a GET on the same path returns
/// (taking only path parameters), and names its read-modify-write helper.
fn link_read_modify_write(operations: &mut [Operation], methods: &mut Namespace) {
    let gets: BTreeMap<&str, (&str, &TypeRef)> = operations
        .iter()
        .filter(|op| {
            op.method == "GET"
                && op
                    .params
                    .iter()
                    .all(|p| !p.required || p.location == ParamLocation::Path)
        })
        .filter_map(|op| match &op.success {
            Success::Json(ty) | Success::JsonOrEmpty(ty) => {
                Some((op.path.as_str(), (op.rust_name.as_str(), ty)))
            }
            _ => None,
        })
        .collect();
    let mut links = Vec::new();
    for (i, op) in operations.iter().enumerate() {
        let Some(BodyKind::Json { ty, .. }) =
            op.body.as_ref().filter(|b| b.required).map(|b| &b.kind)
        else {
            continue;
        };
        if op.method != "PUT"
            || op.if_match.is_none()
            || op
                .params
                .iter()
                .any(|p| p.required && p.location != ParamLocation::Path)
        {
            continue;
        }
        if let Some((get, resource)) = gets.get(op.path.as_str()).filter(|(_, t)| *t == ty) {
            links.push((i, (*get).to_owned(), (*resource).clone()));
        }
    }
    for (i, get_method, resource) in links {
        let method = methods.claim(&format!(
            "{}_with",
            crate::ident::unraw(&operations[i].rust_name)
        ));
        operations[i].read_modify_write = Some(ReadModifyWrite {
            method,
            get_method,
            resource,
        });
    }
}

/// The `Accept` header for non-JSON responses: the declared media types, in order,
/// without duplicates.
fn accept_header<'m>(media: impl Iterator<Item = &'m String>) -> String {
    let mut seen: Vec<String> = Vec::new();
    for m in media {
        let m = m.trim().to_owned();
        if !seen.contains(&m) {
            seen.push(m);
        }
    }
    seen.join(", ")
}

/// `Application/JSON; charset=utf-8` → `application/json`.
fn media_essence(media: &str) -> String {
    media
        .split(';')
        .next()
        .unwrap_or_default()
        .trim()
        .to_ascii_lowercase()
}

fn is_json(media: &str) -> bool {
    let essence = media_essence(media);
    essence == "application/json" || essence.ends_with("+json") || essence == "*/*"
}

/// The media type a client sends when the document accepts several: JSON, then forms,
/// then anything else in document order.
fn preferred_media(content: &IndexMap<String, MediaType>) -> Option<(&String, &MediaType)> {
    let rank = |m: &str| {
        let e = media_essence(m);
        if e == "application/json" {
            0
        } else if is_json(m) {
            1
        } else if e == "application/x-www-form-urlencoded" {
            2
        } else if e == "multipart/form-data" {
            3
        } else {
            4
        }
    };
    content.iter().min_by_key(|(m, _)| rank(m))
}

/// How an object parameter is written, if its location and style have an object form:
/// query `form` (exploded by default), `deepObject`, `spaceDelimited`, `pipeDelimited`;
/// path and header `simple`; cookie `form` without explode.
fn object_style_of(param: &Parameter, explode: Option<bool>) -> Option<ObjectParam> {
    use openapiv3::{HeaderStyle, PathStyle};
    match param {
        Parameter::Query { style, .. } => Some(ObjectParam::Query(match style {
            QueryStyle::Form if explode.unwrap_or(true) => "FormExploded",
            QueryStyle::Form => "Form",
            QueryStyle::DeepObject => "DeepObject",
            QueryStyle::SpaceDelimited => "SpaceDelimited",
            QueryStyle::PipeDelimited => "PipeDelimited",
        })),
        Parameter::Path {
            style: PathStyle::Simple,
            ..
        } => Some(ObjectParam::Joined {
            place: "Path",
            exploded: explode.unwrap_or(false),
        }),
        Parameter::Header {
            style: HeaderStyle::Simple,
            ..
        } => Some(ObjectParam::Joined {
            place: "Header",
            exploded: explode.unwrap_or(false),
        }),
        Parameter::Cookie { .. } if !explode.unwrap_or(true) => Some(ObjectParam::Joined {
            place: "Cookie",
            exploded: false,
        }),
        _ => None,
    }
}

/// How an array parameter is written, from its `style` and `explode` (OpenAPI defaults:
/// `form` + explode for query, `simple` for path and header). An empty delimiter marks a
/// style with no array form (`deepObject`).
fn array_style(param: &Parameter, explode: Option<bool>) -> ArrayStyle {
    let (default_explode, delimiter) = match param {
        Parameter::Query { style, .. } => match style {
            QueryStyle::Form => (true, ","),
            QueryStyle::SpaceDelimited => (false, " "),
            QueryStyle::PipeDelimited => (false, "|"),
            QueryStyle::DeepObject => (false, ""),
        },
        _ => (false, ","),
    };
    let explode = explode.unwrap_or(default_explode);
    let is_query = matches!(param, Parameter::Query { .. });
    ArrayStyle {
        explode: explode && is_query,
        delimiter,
    }
}

struct Namers {
    methods: Namespace,
    builders: Namespace,
    modules: Namespace,
    tag_modules: BTreeMap<String, String>,
}

impl<'a> Lowerer<'a> {
    /// Lowers every operation; sorted by Rust name.
    pub(crate) fn lower_operations(&mut self) -> Result<Vec<Operation>> {
        let mut namers = Namers {
            methods: Namespace::with_reserved(CLIENT_RESERVED.iter().copied()),
            builders: Namespace::with_reserved(["Client"]),
            modules: Namespace::with_reserved(MODULE_RESERVED.iter().copied()),
            tag_modules: BTreeMap::new(),
        };
        let mut operations = Vec::new();
        let spec = self.spec;
        for (path, item) in &spec.paths.paths {
            let path_pointer = pointer_push("/paths", path);
            let item = match item {
                ReferenceOr::Item(item) => item,
                ReferenceOr::Reference { reference } => {
                    return Err(Error::invalid(
                        self.file,
                        &path_pointer,
                        format!("path item `$ref: {reference}` is not supported yet"),
                    ));
                }
            };
            for (method, op) in methods(item) {
                self.report.operations_total += 1;
                let pointer = pointer_push(&path_pointer, method);
                let hoisted_before = self.hoisted.len();
                match self.lower_operation(&mut namers, path, method, item, op, &pointer) {
                    Ok(lowered) => {
                        self.report.operations_emitted += 1;
                        operations.push(lowered);
                    }
                    Err(OpError::Skip(Skip(reason))) => {
                        // Types hoisted for the skipped operation go with it, and so do
                        // the component parameters' types among them.
                        let dropped: Vec<String> = self.hoisted.drain(hoisted_before..).collect();
                        for name in &dropped {
                            self.types.remove(name);
                        }
                        self.component_param_types.retain(|_, ty| {
                            let mut named = Vec::new();
                            ty.named_into(&mut named);
                            !named.iter().any(|n| dropped.iter().any(|d| d == n))
                        });
                        self.report
                            .operations_skipped
                            .push(Skipped { pointer, reason })
                    }
                    Err(OpError::Fatal(e)) => return Err(e),
                }
            }
        }
        link_read_modify_write(&mut operations, &mut namers.methods);
        operations.sort_by(|a, b| a.rust_name.cmp(&b.rust_name));
        Ok(operations)
    }

    fn lower_operation(
        &mut self,
        namers: &mut Namers,
        path: &str,
        method: &str,
        item: &PathItem,
        op: &openapiv3::Operation,
        pointer: &str,
    ) -> OpResult<Operation> {
        let operation_id = op
            .operation_id
            .clone()
            .unwrap_or_else(|| format!("{method}{path}"));
        let op_camel = camel(self.method_base_name(&operation_id));
        let mut params = Vec::new();
        let mut if_match = None;
        let mut param_names = Namespace::with_reserved(BUILDER_RESERVED.iter().copied());
        for (param, param_pointer, component) in self.merged_parameters(item, op, pointer)? {
            let data = match param {
                Parameter::Path { parameter_data, .. } => (ParamLocation::Path, parameter_data),
                Parameter::Query { parameter_data, .. } => (ParamLocation::Query, parameter_data),
                Parameter::Header { parameter_data, .. } => (ParamLocation::Header, parameter_data),
                Parameter::Cookie { parameter_data, .. } => (ParamLocation::Cookie, parameter_data),
            };
            let (location, data) = data;
            if location == ParamLocation::Header
                && self
                    .settings
                    .etag
                    .as_ref()
                    .is_some_and(|e| e.if_match_header.eq_ignore_ascii_case(&data.name))
            {
                if_match = Some(data.required);
                continue;
            }
            let (ty, media) =
                self.lower_param_type(data, &param_pointer, component.as_deref(), &op_camel)?;
            let ty = self.param_value_type(ty);
            let mut object_style = None;
            // What the value is, through aliases (`type SortOverLeagues = Vec<...>`).
            let shape = self.through_aliases(&ty).clone();
            let mut array = match (&shape, media) {
                // A scalar is written as plain text whatever the media type: JSON would
                // quote a string, which no server reading an id in a path expects.
                (_, Some(media)) if self.is_scalar(&ty) => {
                    if is_json(media) {
                        self.report.note(
                            Stage::Lower,
                            format!(
                                "{param_pointer}: parameter `{}` is declared as `content` \
                                 `{media}` with a scalar schema; it is sent as plain text \
                                 (`abc`, not the JSON string `\"abc\"`)",
                                data.name
                            ),
                        );
                    }
                    None
                }
                (_, Some(media)) if is_json(media) => {
                    object_style = Some(ObjectParam::Json {
                        place: match location {
                            ParamLocation::Path => "Path",
                            ParamLocation::Query => "Query",
                            ParamLocation::Header => "Header",
                            ParamLocation::Cookie => "Cookie",
                        },
                    });
                    None
                }
                (_, Some(media)) => {
                    return skip(format!(
                        "parameter `{}` is declared as `content` `{media}`, which has no text \
                         form here for a value that is not a scalar",
                        data.name
                    ));
                }
                (TypeRef::Vec(inner), None) if self.is_scalar(inner) => {
                    Some(array_style(param, data.explode))
                }
                (_, None) if self.is_scalar(&ty) => None,
                (_, None)
                    if self.is_flat_object(&ty) || self.is_scalar_array_or_flat_union(&ty) =>
                {
                    match object_style_of(param, data.explode) {
                        Some(style) => {
                            object_style = Some(style);
                            None
                        }
                        None => {
                            return skip(format!(
                                "parameter `{}` is an object in {} with a style that has no \
                                 object form here (path `label`/`matrix` and exploded cookies)",
                                data.name,
                                location_key(param)
                            ));
                        }
                    }
                }
                (_, None) => {
                    return skip(format!(
                        "parameter `{}` is a nested object or an array of non-scalars, which no \
                         parameter style can write",
                        data.name
                    ));
                }
            };
            let mut wire_name = data.name.clone();
            if let Some(ArrayStyle { delimiter: "", .. }) = array {
                // OpenAPI defines `deepObject` for objects only. For an array, what the
                // servers that use it read (Rails, PHP, Stripe's `expand`) is `name[]=a&name[]=b`.
                wire_name = format!("{}[]", data.name);
                array = Some(ArrayStyle {
                    explode: true,
                    delimiter: ",",
                });
                self.report.note(
                    Stage::Lower,
                    format!(
                        "{param_pointer}: parameter `{0}` is an array with `style: deepObject`, \
                         which OpenAPI leaves undefined; it is sent as `{0}[]=a&{0}[]=b`",
                        data.name
                    ),
                );
            }
            params.push(Param {
                rust_name: param_names.claim(&snake(&data.name)),
                wire_name,
                location,
                ty,
                required: data.required || location == ParamLocation::Path,
                docs: data.description.clone().filter(|d| !d.trim().is_empty()),
                deprecated: data.deprecated.unwrap_or(false),
                array,
                object_style,
            });
        }
        let mut body = match &op.request_body {
            Some(body) => {
                self.lower_body(body, &pointer_push(pointer, "requestBody"), &op_camel)?
            }
            None => None,
        };
        let mut success = self.lower_success(&op.responses.responses, pointer, &op_camel)?;
        let errors = self.lower_errors(&op.responses, pointer, &op_camel)?;
        let mut error_enum = None;
        let builder_name = namers.builders.claim(&op_camel);
        if !errors.is_empty() {
            error_enum = Some(namers.builders.claim(&format!("{builder_name}Error")));
        }
        if let Some(choices) = body.as_mut().and_then(|b| b.choices.as_mut()) {
            choices.name = namers.builders.claim(&format!("{builder_name}Content"));
        }
        if let Success::ByStatus { name, .. } = &mut success {
            *name = namers.builders.claim(&format!("{builder_name}Response"));
        }
        let pagination = self.pagination(method, &params, &success, pointer, &builder_name);
        // The operation's own server (operation level first, then path level), when it
        // is not the client's base URL.
        let server = op
            .servers
            .first()
            .or_else(|| item.servers.first())
            .map(super::server_url)
            .filter(|url| !url.is_empty() && *url != self.base_url());
        let group = match self.settings.operations.group_by {
            GroupBy::Tag => Grouping::Tag(
                op.tags
                    .first()
                    .map(String::as_str)
                    .unwrap_or("other")
                    .to_owned(),
            ),
            GroupBy::Path => Grouping::Path(path_group(path)),
        };
        let (Grouping::Tag(tag) | Grouping::Path(tag)) = &group;
        let tag = tag.as_str();
        let module = match namers.tag_modules.get(tag) {
            Some(m) => m.clone(),
            None => {
                // `all_group` reads as what it is; `all_2` would suggest a second `all`.
                let wanted = snake(tag);
                let wanted = match MODULE_RESERVED.contains(&unraw(&wanted)) {
                    true => format!("{}_group", unraw(&wanted)),
                    false => wanted,
                };
                let m = namers.modules.claim(&wanted);
                namers.tag_modules.insert(tag.to_owned(), m.clone());
                m
            }
        };
        Ok(Operation {
            rust_name: namers
                .methods
                .claim(&snake(self.method_base_name(&operation_id))),
            builder_name,
            operation_id,
            origin: pointer.to_owned(),
            method: method.to_ascii_uppercase(),
            path: path.to_owned(),
            module,
            group,
            summary: op.summary.clone().filter(|s| !s.trim().is_empty()),
            description: op.description.clone().filter(|s| !s.trim().is_empty()),
            deprecated: op.deprecated,
            params,
            if_match,
            body,
            success,
            pagination,
            read_modify_write: None,
            unwrap: None,
            added_by_fixes: self
                .report
                .operations_added_by_fixes
                .contains(&format!("{} {path}", method.to_ascii_uppercase())),
            returns_task: false,
            server,
            error_enum,
            errors,
        })
    }

    /// The operationId without the vendor's common prefix, when the settings name one
    /// and something is left after it.
    fn method_base_name<'i>(&self, operation_id: &'i str) -> &'i str {
        self.settings
            .operations
            .strip_operation_id_prefix
            .as_deref()
            .and_then(|prefix| operation_id.strip_prefix(prefix))
            .filter(|rest| rest.chars().next().is_some_and(|c| c.is_ascii_alphabetic()))
            .unwrap_or(operation_id)
    }

    /// Path-item parameters overridden by operation parameters of the same name and
    /// location; references resolved. Returns each with its document pointer.
    fn merged_parameters<'s>(
        &self,
        item: &'s PathItem,
        op: &'s openapiv3::Operation,
        pointer: &str,
    ) -> Result<Vec<(&'s Parameter, String, Option<String>)>>
    where
        Self: 's,
    {
        let path_pointer = pointer.rsplit_once('/').map_or("", |(p, _)| p);
        let mut merged: IndexMap<(String, &'static str), (&'s Parameter, String, Option<String>)> =
            IndexMap::new();
        let level = [
            (&item.parameters, pointer_push(path_pointer, "parameters")),
            (&op.parameters, pointer_push(pointer, "parameters")),
        ];
        for (list, list_pointer) in level {
            for (i, p) in list.iter().enumerate() {
                let at = pointer_push(&list_pointer, &i.to_string());
                let param = self.resolve_parameter(p, &at)?;
                let key = (param.parameter_data_ref().name.clone(), location_key(param));
                let component = match p {
                    ReferenceOr::Reference { reference } => component_name(reference, "parameters")
                        .map(|name| format!("/components/parameters/{name}")),
                    ReferenceOr::Item(_) => None,
                };
                merged.insert(key, (param, at, component));
            }
        }
        Ok(merged.into_values().collect())
    }

    fn resolve_parameter<'s>(
        &self,
        p: &'s ReferenceOr<Parameter>,
        at: &str,
    ) -> Result<&'s Parameter>
    where
        Self: 's,
    {
        match p {
            ReferenceOr::Item(p) => Ok(p),
            ReferenceOr::Reference { reference } => {
                let found = component_name(reference, "parameters")
                    .and_then(|name| self.spec.components.as_ref()?.parameters.get(name));
                match found {
                    Some(ReferenceOr::Item(p)) => Ok(p),
                    _ => Err(Error::invalid(
                        self.file,
                        at,
                        format!("`$ref: {reference}` does not resolve to a parameter"),
                    )),
                }
            }
        }
    }

    /// A parameter's type, and the media type when it is declared with `content` (one
    /// media type and its schema) instead of `schema`. A component parameter's schema is
    /// lowered once, named after the component (`workflow-run-status`, more telling than
    /// the parameter's `status`), and shared by every operation that refers to it.
    fn lower_param_type<'p>(
        &mut self,
        data: &'p ParameterData,
        param_pointer: &str,
        component: Option<&str>,
        op_camel: &str,
    ) -> OpResult<(TypeRef, Option<&'p str>)>
    where
        'a: 'p,
    {
        let (schema, schema_at, media) = match &data.format {
            ParameterSchemaOrContent::Schema(s) => (s, "schema".to_owned(), None),
            ParameterSchemaOrContent::Content(content) => {
                let mut entries = content.iter();
                let (Some((media, media_type)), None) = (entries.next(), entries.next()) else {
                    return skip(format!(
                        "parameter `{}` has {} media types in `content`, where OpenAPI \
                         allows exactly one",
                        data.name,
                        content.len()
                    ));
                };
                let Some(schema) = &media_type.schema else {
                    return skip(format!(
                        "parameter `{}` declares `content` `{media}` with no schema",
                        data.name
                    ));
                };
                let at = pointer_push(&pointer_push("content", media), "schema");
                (schema, at, Some(media.as_str()))
            }
        };
        let ty = match component {
            Some(component) => match self.component_param_types.get(component) {
                Some(ty) => ty.clone(),
                None => {
                    let key = component.rsplit('/').next().unwrap_or(&data.name);
                    let mut hint = camel(&unescape_token(key));
                    if self.type_names.contains(&hint) {
                        // A schema of that name (GitHub's `status`): say what it is
                        // rather than number it.
                        hint.push_str("Param");
                    }
                    let ty = self.lower_type(
                        SchemaAt::from(schema),
                        &format!("{component}/{schema_at}"),
                        &hint,
                    )?;
                    self.component_param_types
                        .insert(component.to_owned(), ty.clone());
                    ty
                }
            },
            None => self.lower_type(
                SchemaAt::from(schema),
                &format!("{param_pointer}/{schema_at}"),
                &format!("{op_camel}{}", camel(&data.name)),
            )?,
        };
        Ok((ty, media))
    }

    /// The request body, or `None` for an optional one that declares no media type (an
    /// empty `content`, as just-eat's document writes): nothing to send.
    fn lower_body(
        &mut self,
        body: &ReferenceOr<RequestBody>,
        pointer: &str,
        op_camel: &str,
    ) -> OpResult<Option<Body>> {
        let body = match body {
            ReferenceOr::Item(b) => b,
            ReferenceOr::Reference { reference } => {
                let found = component_name(reference, "requestBodies")
                    .and_then(|name| self.spec.components.as_ref()?.request_bodies.get(name));
                match found {
                    Some(ReferenceOr::Item(b)) => b,
                    _ => {
                        return Err(OpError::Fatal(Error::invalid(
                            self.file,
                            pointer,
                            format!("`$ref: {reference}` does not resolve to a request body"),
                        )));
                    }
                }
            }
        };
        let Some((media_name, media)) = preferred_media(&body.content) else {
            if body.required {
                return skip("the request body is required but declares no media type");
            }
            self.report.note(
                Stage::Lower,
                format!(
                    "{pointer}: the optional request body declares no media type; the \
                     operation sends none"
                ),
            );
            return Ok(None);
        };
        let kind = self.body_kind(media_name, media, pointer, op_camel, None)?;
        let mut variants = vec![(media_variant(media_name), media_name.clone(), kind.clone())];
        let mut other_media = Vec::new();
        for (name, alternative) in &body.content {
            if name == media_name {
                continue;
            }
            let variant = media_variant(name);
            let duplicate = variants.iter().any(|(v, _, _)| *v == variant);
            // An alternative this generator cannot lower is still documented.
            match self.body_kind(name, alternative, pointer, op_camel, Some(&variant)) {
                Ok(kind) if !duplicate => variants.push((variant, name.clone(), kind)),
                _ => other_media.push(name.clone()),
            }
        }
        let choices = (variants.len() > 1).then(|| BodyChoices {
            name: String::new(), // named with the builder, which claims it
            variants,
        });
        Ok(Some(Body {
            kind,
            required: body.required,
            docs: body.description.clone().filter(|d| !d.trim().is_empty()),
            other_media,
            choices,
        }))
    }

    /// How the body is sent as `media_name`; `variant` names an alternative (its inline
    /// types are named after it).
    fn body_kind(
        &mut self,
        media_name: &str,
        media: &MediaType,
        pointer: &str,
        op_camel: &str,
        variant: Option<&str>,
    ) -> OpResult<BodyKind> {
        let media_pointer = pointer_push(&pointer_push(pointer, "content"), media_name);
        let essence = media_essence(media_name);
        let suffix = variant.unwrap_or_default();
        Ok(if is_json(media_name) {
            let ty = self.media_type(media, &media_pointer, &format!("{op_camel}Body{suffix}"))?;
            let media = if essence == "*/*" {
                "application/json".to_owned()
            } else {
                essence
            };
            BodyKind::Json { ty, media }
        } else if essence == "application/x-www-form-urlencoded" {
            BodyKind::Form(self.media_type(media, &media_pointer, &format!("{op_camel}Form"))?)
        } else if essence == "multipart/form-data" {
            BodyKind::Multipart {
                fields: self.multipart_fields(media, &media_pointer)?,
            }
        } else if essence.starts_with("text/") {
            BodyKind::Text { media: essence }
        } else {
            BodyKind::Binary { media: essence }
        })
    }

    /// The fields a multipart body lists: (name, is a file, required).
    fn multipart_fields<'m>(
        &self,
        media: &'m MediaType,
        pointer: &str,
    ) -> Result<Vec<(String, bool, bool)>>
    where
        'a: 'm,
    {
        let schema = match &media.schema {
            Some(ReferenceOr::Item(s)) => s,
            Some(ReferenceOr::Reference { reference }) => match self.component_schema(reference) {
                Some(s) => s,
                None => return Ok(Vec::new()),
            },
            None => return Ok(Vec::new()),
        };
        let Some(props) = self.property_list(schema, &pointer_push(pointer, "schema"))? else {
            return Ok(Vec::new());
        };
        Ok(props
            .into_iter()
            .map(|(name, at, required)| (name.to_owned(), self.is_binary(at), required))
            .collect())
    }

    fn media_type(&mut self, media: &MediaType, pointer: &str, hint: &str) -> Result<TypeRef> {
        match &media.schema {
            Some(schema) => self.lower_type(
                SchemaAt::from(schema),
                &pointer_push(pointer, "schema"),
                hint,
            ),
            None => Ok(TypeRef::Json),
        }
    }

    /// The error answers declared with a JSON body, codes first, then ranges, then
    /// `default`. Inline bodies are named after the operation and the status.
    fn lower_errors(
        &mut self,
        responses: &openapiv3::Responses,
        pointer: &str,
        op_camel: &str,
    ) -> OpResult<Vec<ErrorCase>> {
        let mut declared: Vec<(ErrorStatus, String, &ReferenceOr<Response>)> = responses
            .responses
            .iter()
            .filter_map(|(code, response)| {
                let status = match code {
                    StatusCode::Code(c) if *c >= 400 => ErrorStatus::Code(*c),
                    StatusCode::Range(r) if *r >= 4 => ErrorStatus::Range(*r),
                    _ => return None,
                };
                Some((status, code.to_string(), response))
            })
            .collect();
        if let Some(default) = &responses.default {
            declared.push((ErrorStatus::Default, "default".to_owned(), default));
        }
        declared.sort_by_key(|(status, _, _)| *status);
        let mut cases = Vec::new();
        for (status, text, response) in declared {
            let at = pointer_push(&pointer_push(pointer, "responses"), &text);
            let response = self.resolve_response(response, &at)?;
            let Some((media_name, media)) = response.content.iter().find(|(m, _)| is_json(m))
            else {
                continue;
            };
            if media.schema.is_none() {
                continue;
            }
            let variant = error_variant(status);
            let media_at = pointer_push(&pointer_push(&at, "content"), media_name);
            let ty = self.media_type(media, &media_at, &format!("{op_camel}{variant}"))?;
            cases.push(ErrorCase {
                status,
                variant,
                ty,
                docs: Some(response.description.clone()).filter(|d| !d.trim().is_empty()),
            });
        }
        Ok(cases)
    }

    fn resolve_response<'s>(&self, r: &'s ReferenceOr<Response>, at: &str) -> Result<&'s Response>
    where
        Self: 's,
    {
        match r {
            ReferenceOr::Item(r) => Ok(r),
            ReferenceOr::Reference { reference } => {
                let found = component_name(reference, "responses")
                    .and_then(|name| self.spec.components.as_ref()?.responses.get(name));
                match found {
                    Some(ReferenceOr::Item(r)) => Ok(r),
                    _ => Err(Error::invalid(
                        self.file,
                        at,
                        format!("`$ref: {reference}` does not resolve to a response"),
                    )),
                }
            }
        }
    }

    /// The 2xx responses collapse to one success shape.
    fn lower_success(
        &mut self,
        responses: &IndexMap<StatusCode, ReferenceOr<Response>>,
        pointer: &str,
        op_camel: &str,
    ) -> OpResult<Success> {
        let mut shapes: Vec<(String, Success, Option<String>)> = Vec::new();
        // When several statuses carry a body, an inline body is named after its status
        // (`BackupClusterAccepted`), not `...Response2`: the names then say which is which.
        let with_body = responses
            .iter()
            .filter(|(code, response)| match (code, response) {
                (StatusCode::Code(c), ReferenceOr::Item(r)) => {
                    (200..300).contains(c) && !matches!(c, 204 | 205) && !r.content.is_empty()
                }
                (StatusCode::Code(c), ReferenceOr::Reference { .. }) => (200..300).contains(c),
                (StatusCode::Range(r), _) => *r == 2,
            })
            .count();
        for (code, response) in responses {
            let text = code.to_string();
            let is_success = match code {
                StatusCode::Code(c) => (200..300).contains(c),
                StatusCode::Range(r) => *r == 2,
            };
            if !is_success {
                continue;
            }
            let at = pointer_push(&pointer_push(pointer, "responses"), &text);
            let response = self.resolve_response(response, &at)?;
            // HTTP forbids a body in 204 and 205 answers: a declared one is a document
            // defect (Swagger 2.0 generators often copy the 200 schema), and decoding it
            // would fail on every real answer.
            let bodiless = matches!(code, StatusCode::Code(204 | 205));
            if bodiless && !response.content.is_empty() {
                self.report.note(
                    Stage::Lower,
                    format!(
                        "{at}: a {text} answer has no body (HTTP); its declared content is ignored"
                    ),
                );
            }
            let shape = if response.content.is_empty() || bodiless {
                Success::Empty
            } else if let Some((media_name, media)) =
                response.content.iter().find(|(m, _)| is_json(m))
            {
                let media_at = pointer_push(&pointer_push(&at, "content"), media_name);
                let hint = match code {
                    StatusCode::Code(c) if with_body > 1 => {
                        format!("{op_camel}{}", status_variant(*c))
                    }
                    _ => format!("{op_camel}Response"),
                };
                Success::Json(self.media_type(media, &media_at, &hint)?)
            } else if response
                .content
                .keys()
                .all(|m| media_essence(m).starts_with("text/"))
            {
                Success::Text {
                    accept: accept_header(response.content.keys()),
                }
            } else {
                Success::Binary {
                    accept: accept_header(response.content.keys()),
                }
            };
            let docs = Some(response.description.clone()).filter(|d| !d.trim().is_empty());
            shapes.push((text, shape, docs));
        }
        let mut bodies = shapes.iter().filter(|(_, s, _)| *s != Success::Empty);
        let Some((_, first, _)) = bodies.next() else {
            return Ok(Success::Empty);
        };
        if bodies.any(|(_, s, _)| s != first) {
            return by_status(&shapes);
        }
        let some_empty = shapes.iter().any(|(_, s, _)| *s == Success::Empty);
        Ok(match first {
            Success::Json(ty) if some_empty => Success::JsonOrEmpty(ty.clone()),
            other => other.clone(),
        })
    }

    /// A parameter's type as the builder takes it: a timestamp named through aliases is
    /// the timestamp itself (the emitter writes it as RFC 3339), a list of timestamps is a
    /// list of strings (its items are joined with `Display`, which for `chrono` is not
    /// RFC 3339), and a UUID is a string.
    fn param_value_type(&self, ty: TypeRef) -> TypeRef {
        let resolved = self.through_aliases(&ty);
        match resolved {
            TypeRef::DateTime => TypeRef::DateTime,
            // Ids arrive as strings from everywhere (other calls, config, the command
            // line); a `Uuid` argument would make every caller parse one first, and a
            // vendor's "uuid" ids are not always UUIDs.
            TypeRef::Uuid => TypeRef::String,
            TypeRef::Vec(inner) if self.through_aliases(inner) == &TypeRef::DateTime => {
                TypeRef::Vec(Box::new(TypeRef::String))
            }
            _ => ty,
        }
    }

    /// The type an alias stands for (through alias chains, a bounded number of them).
    fn through_aliases<'t>(&'t self, ty: &'t TypeRef) -> &'t TypeRef {
        crate::ir::through_aliases(&self.types, ty)
    }

    /// Whether a type can be written as a single path/query/header value.
    fn is_scalar(&self, ty: &TypeRef) -> bool {
        crate::ir::writes_as_text(&self.types, ty)
    }

    /// An object whose properties are scalars or arrays of scalars: what the query
    /// parameter styles can write (a free-form object is checked when sent).
    fn is_flat_object(&self, ty: &TypeRef) -> bool {
        let flat = |t: &TypeRef| match t {
            TypeRef::Vec(inner) => self.is_scalar(inner),
            other => self.is_scalar(other),
        };
        match ty {
            TypeRef::JsonObject => true,
            TypeRef::Map(inner) => flat(inner),
            TypeRef::Named(n) => match self.types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Struct(s)) => s.fields.iter().all(|f| flat(&f.ty)),
                Some(TypeKind::Alias(inner)) => self.is_flat_object(inner),
                _ => false,
            },
            _ => false,
        }
    }

    /// A union (`oneOf`/`anyOf`) whose every variant is a scalar, an array of scalars or a
    /// flat object (Stripe's `created`: a timestamp or `{gte, lte}`; PandaScore's `page`:
    /// a number or `{number, size}`): written in the parameter's style as whichever
    /// variant it holds.
    fn is_scalar_array_or_flat_union(&self, ty: &TypeRef) -> bool {
        let TypeKind::Union(u) = (match self.through_aliases(ty) {
            TypeRef::Named(n) => match self.types.get(n) {
                Some(def) => &def.kind,
                None => return false,
            },
            _ => return false,
        }) else {
            return false;
        };
        u.variants.iter().all(|(_, variant)| {
            let variant = match variant {
                TypeRef::Boxed(inner) => inner,
                other => other,
            };
            match self.through_aliases(variant) {
                TypeRef::Vec(inner) => self.is_scalar(inner),
                _ => self.is_scalar(variant) || self.is_flat_object(variant),
            }
        })
    }

    /// Pagination facts when the vendor settings describe its lists and this operation
    /// is one (a GET or POST with the marker query parameter and an items array in its
    /// response).
    fn pagination(
        &mut self,
        method: &str,
        params: &[Param],
        success: &Success,
        pointer: &str,
        builder_name: &str,
    ) -> Option<Pagination> {
        let settings = self.settings.pagination.as_ref()?;
        // POST too: vendors page searches whose filter is a body (Palette's
        // `POST /v1/dashboard/spectroclusters/search` takes `continue`); each page
        // re-sends the same body with the next cursor.
        if !matches!(method, "get" | "post")
            || !params
                .iter()
                .any(|p| p.location == ParamLocation::Query && p.wire_name == settings.marker_param)
        {
            return None;
        }
        match self.page_shape(success, settings.items.as_deref(), builder_name) {
            Ok((page, item_type)) => {
                let strategy = self.page_strategy(settings, &page, params, pointer)?;
                Some(Pagination {
                    page,
                    item_type,
                    strategy,
                })
            }
            Err(reason) => {
                self.report
                    .note(Stage::Lower, format!("{pointer}: not paginated: {reason}"));
                None
            }
        }
    }

    /// Where a list response's items are: the named property `items`, or (without one)
    /// the response itself when it is an array, or its only array property.
    fn page_shape(
        &self,
        success: &Success,
        items: Option<&str>,
        builder_name: &str,
    ) -> std::result::Result<(PageShape, TypeRef), String> {
        let page_type = match success {
            Success::Json(TypeRef::Vec(item)) if items.is_none() => {
                let shape = PageShape::Array {
                    name: format!("{builder_name}Page"),
                };
                return Ok((shape, (**item).clone()));
            }
            Success::Json(TypeRef::Named(name)) => name,
            _ => return Err("the response is not a named object".into()),
        };
        let Some(TypeDef {
            kind: TypeKind::Struct(page),
            ..
        }) = self.types.get(page_type)
        else {
            return Err(format!("`{page_type}` is not an object"));
        };
        let field = match items {
            Some(items) => page
                .fields
                .iter()
                .find(|f| f.wire_name == items)
                .ok_or_else(|| format!("`{page_type}` has no `{items}`"))?,
            None => {
                let mut arrays = page
                    .fields
                    .iter()
                    .filter(|f| matches!(f.ty, TypeRef::Vec(_)));
                match (arrays.next(), arrays.next()) {
                    (Some(field), None) => field,
                    (None, _) => return Err(format!("`{page_type}` has no array property")),
                    (Some(_), Some(_)) => {
                        return Err(format!(
                            "`{page_type}` has several array properties; set `items`"
                        ));
                    }
                }
            }
        };
        let TypeRef::Vec(item_type) = &field.ty else {
            return Err(format!("`{}` is not an array", field.wire_name));
        };
        let shape = PageShape::Model {
            name: page_type.clone(),
            items_field: (field.rust_name.clone(), field.is_option()),
        };
        Ok((shape, (**item_type).clone()))
    }

    /// How a page leads to the next, per the vendor's style; `None` (with a note) when
    /// the cursor the style needs is missing from the page type.
    fn page_strategy(
        &mut self,
        settings: &crate::settings::PaginationSettings,
        page: &PageShape,
        params: &[Param],
        pointer: &str,
    ) -> Option<PageStrategy> {
        let cursor = |this: &mut Self| {
            let pointers = settings.next.as_ref().map(|n| n.all()).unwrap_or_default();
            let PageShape::Model { name, .. } = page else {
                return Err(format!(
                    "a bare array has no cursor `{}`",
                    pointers.join("`, `")
                ));
            };
            let mut reasons = Vec::new();
            for next in &pointers {
                match resolve_field_path(&this.types, name, next) {
                    Ok(cursor) => return Ok(cursor),
                    Err(reason) => reasons.push(format!("cursor `{next}` in `{name}`: {reason}")),
                }
            }
            Err(reasons.join("; "))
        };
        let result = match settings.style {
            PaginationStyle::NextLink => {
                cursor(self).map(|cursor| PageStrategy::NextLink { cursor })
            }
            PaginationStyle::Token => cursor(self).map(|cursor| PageStrategy::Token {
                param: settings
                    .token_param
                    .clone()
                    .unwrap_or_else(|| settings.marker_param.clone()),
                cursor,
            }),
            PaginationStyle::Offset => Ok(PageStrategy::Offset {
                param: settings.marker_param.clone(),
                limit_param: settings.limit_param.clone().filter(|limit| {
                    params
                        .iter()
                        .any(|p| p.location == ParamLocation::Query && &p.wire_name == limit)
                }),
            }),
        };
        result
            .map_err(|reason| {
                self.report
                    .note(Stage::Lower, format!("{pointer}: not paginated: {reason}"));
            })
            .ok()
    }
}

/// The group of a path: its first segment that is neither a version nor a parameter.
fn path_group(path: &str) -> String {
    path.split('/')
        .filter(|s| !s.is_empty() && !s.starts_with('{'))
        .find(|s| {
            let version = s
                .strip_prefix('v')
                .is_some_and(|rest| !rest.is_empty() && rest.chars().all(|c| c.is_ascii_digit()));
            !version
        })
        .unwrap_or("root")
        .to_owned()
}

/// [`Success::ByStatus`] for answers whose bodies differ by status: each must be JSON or
/// empty and have an exact status (a `2XX` range cannot choose a variant). The enum's
/// name is claimed by the caller.
fn by_status(shapes: &[(String, Success, Option<String>)]) -> OpResult<Success> {
    let mut cases = Vec::new();
    for (code, shape, docs) in shapes {
        let Ok(status) = code.parse::<u16>() else {
            return skip(format!(
                "success responses with different bodies include the range `{code}`, which \
                 cannot be told apart from the exact statuses"
            ));
        };
        let body = match shape {
            Success::Empty => None,
            Success::Json(ty) => Some(ty.clone()),
            _ => {
                return skip(format!(
                    "success responses with different bodies include a non-JSON {code} \
                     answer, which is not supported yet"
                ));
            }
        };
        cases.push(StatusCase {
            status,
            variant: status_variant(status),
            body,
            docs: docs.clone(),
        });
    }
    cases.sort_by_key(|c| c.status);
    Ok(Success::ByStatus {
        name: String::new(),
        cases,
    })
}

/// The variant name of a 2xx status: its reason phrase (`201` → `Created`), or
/// `Status299` for one without a registered phrase.
/// The variant for a declared error status: its reason phrase for the common ones.
fn error_variant(status: ErrorStatus) -> String {
    let phrase = match status {
        ErrorStatus::Default => "Default",
        ErrorStatus::Range(4) => "ClientError",
        ErrorStatus::Range(5) => "ServerError",
        ErrorStatus::Range(r) => return format!("Status{r}xx"),
        ErrorStatus::Code(code) => match code {
            400 => "BadRequest",
            401 => "Unauthorized",
            402 => "PaymentRequired",
            403 => "Forbidden",
            404 => "NotFound",
            405 => "MethodNotAllowed",
            406 => "NotAcceptable",
            408 => "RequestTimeout",
            409 => "Conflict",
            410 => "Gone",
            412 => "PreconditionFailed",
            413 => "PayloadTooLarge",
            415 => "UnsupportedMediaType",
            422 => "UnprocessableEntity",
            423 => "Locked",
            428 => "PreconditionRequired",
            429 => "TooManyRequests",
            500 => "InternalServerError",
            501 => "NotImplemented",
            502 => "BadGateway",
            503 => "ServiceUnavailable",
            504 => "GatewayTimeout",
            _ => return format!("Status{code}"),
        },
    };
    phrase.to_owned()
}

fn status_variant(status: u16) -> String {
    let phrase = match status {
        200 => "Ok",
        201 => "Created",
        202 => "Accepted",
        203 => "NonAuthoritativeInformation",
        204 => "NoContent",
        205 => "ResetContent",
        206 => "PartialContent",
        207 => "MultiStatus",
        208 => "AlreadyReported",
        226 => "ImUsed",
        _ => return format!("Status{status}"),
    };
    phrase.to_owned()
}

fn location_key(p: &Parameter) -> &'static str {
    match p {
        Parameter::Path { .. } => "path",
        Parameter::Query { .. } => "query",
        Parameter::Header { .. } => "header",
        Parameter::Cookie { .. } => "cookie",
    }
}

/// The operations of a path item, in a fixed method order.
fn methods(item: &PathItem) -> impl Iterator<Item = (&'static str, &openapiv3::Operation)> {
    [
        ("get", &item.get),
        ("put", &item.put),
        ("post", &item.post),
        ("delete", &item.delete),
        ("options", &item.options),
        ("head", &item.head),
        ("patch", &item.patch),
        ("trace", &item.trace),
    ]
    .into_iter()
    .filter_map(|(m, op)| op.as_ref().map(|op| (m, op)))
}

/// The enum variant for a request media type: `Json`, `Form`, `Multipart`, else the
/// media type in camel case (`OctetStream`, `TextPlain`, `MergePatchJson`).
fn media_variant(media: &str) -> String {
    let essence = media_essence(media);
    match essence.as_str() {
        "application/json" => "Json".to_owned(),
        "application/x-www-form-urlencoded" => "Form".to_owned(),
        "multipart/form-data" => "Multipart".to_owned(),
        "*/*" => "Any".to_owned(),
        _ => {
            let (kind, sub) = essence.split_once('/').unwrap_or(("", &essence));
            let words = if kind == "application" || kind.is_empty() {
                sub.to_owned()
            } else {
                format!("{kind} {sub}")
            };
            let name = camel(&words);
            if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                format!("Media{name}")
            } else {
                name
            }
        }
    }
}
