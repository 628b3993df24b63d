//! Emits one module per tag: for each operation, a `Client` method taking the required
//! parameters (so forgetting one is a compile error) and returning a builder with a setter
//! per optional parameter, per-call overrides, and `send()` (plus `pages()`/`items()` for
//! list operations). All request logic is in the runtime; this only wires names.

use proc_macro2::TokenStream;
use quote::{format_ident, quote};

use super::docs;
use super::features::{FeatureMap, cfg_attr};
use super::models::{ident, type_tokens};
use crate::ir::{
    Api, Body, BodyChoices, BodyKind, ErrorCase, ErrorStatus, Grouping, ObjectParam, Operation,
    Param, ParamLocation, ReadModifyWrite, StatusCase, Success, TypeRef,
};

fn models() -> TokenStream {
    quote! { crate::models:: }
}

/// The error envelope type tokens.
pub fn envelope_type(api: &Api) -> TokenStream {
    match &api.error_envelope {
        Some(name) => {
            let name = ident(name);
            quote! { crate::models::#name }
        }
        None => quote! { serde_json::Value },
    }
}

/// One tag module. The items of an operation of a group compiled in parts carry its
/// part's feature gate.
pub fn emit_module(
    api: &Api,
    module: &str,
    ops: &[&Operation],
    features: &FeatureMap,
) -> TokenStream {
    let items = ops.iter().map(|op| {
        let part = features.operations.get(&op.rust_name).map(String::as_str);
        let items = emit_operation(api, op, part);
        let cfg = part.map(|feature| quote! { #[cfg(feature = #feature)] });
        quote! { #( #cfg #items )* }
    });
    let doc = match ops.first().map(|op| (&op.group, op.path.as_str())) {
        Some((Grouping::Path(segment), example)) => format!(
            " Operations on the `{}` paths (e.g. `{}`).",
            segment.replace('`', "'"),
            example.replace('`', "'")
        ),
        Some((Grouping::Tag(tag), _)) => format!(" Operations tagged `{}`.", tag.replace('`', "'")),
        None => format!(" Operations of the `{module}` group."),
    };
    // In a group compiled in parts the module is always declared, empty when no part is
    // enabled: the import is gated like the operations.
    let use_gate = features
        .parts
        .get(&super::features::feature_of(module))
        .map(|parts| cfg_attr(Some(parts)));
    quote! {
        #![doc = #doc]
        #use_gate
        use cloudgen_runtime::codegen as rt;
        #( #items )*
    }
}

fn arg_type(ty: &TypeRef) -> TokenStream {
    let inner = type_tokens(ty, &models());
    quote! { impl Into<#inner> }
}

/// The items of one operation: the `Client` method, the builder and its impl, and the
/// operation's own enums.
fn emit_operation(api: &Api, op: &Operation, part: Option<&str>) -> Vec<TokenStream> {
    let method_name = ident(&op.rust_name);
    let builder = format_ident!("{}", op.builder_name);
    let required: Vec<&Param> = op.params.iter().filter(|p| p.required).collect();
    let optional: Vec<&Param> = op.params.iter().filter(|p| !p.required).collect();
    let body_required = op.body.as_ref().is_some_and(|b| b.required);

    // Client method.
    let mut args = Vec::new();
    let mut inits = Vec::new();
    for p in &required {
        let name = ident(&p.rust_name);
        let ty = arg_type(&p.ty);
        args.push(quote! { #name: #ty });
        inits.push(quote! { #name: #name.into() });
    }
    for p in &optional {
        let name = ident(&p.rust_name);
        inits.push(quote! { #name: None });
    }
    if let Some(body) = &op.body {
        let (_, arg, convert) = body_types(body);
        if body.required {
            args.push(quote! { body: #arg });
            inits.push(if convert {
                quote! { body: body.into() }
            } else {
                quote! { body }
            });
        } else {
            inits.push(quote! { body: None });
        }
    }
    let if_match_field = op.if_match.map(|_| quote! { if_match: Option<String>, });
    let if_match_init = op.if_match.map(|_| quote! { if_match: None, });
    // clippy counts `&self` too: seven required parameters are eight arguments.
    let too_many = (args.len() + 1 > 7).then(|| {
        quote! { #[allow(clippy::too_many_arguments, reason = "one argument per required parameter of the operation")] }
    });
    let deprecated = op.deprecated.then(|| quote! { #[deprecated] });
    let mut method_doc = method_doc_lines(op, &required, body_required);
    if let Some(part) = part {
        method_doc.push(String::new());
        method_doc.push(format!(
            "Compiled with the cargo feature `{part}` (or `{}`, which enables all its parts).",
            super::features::feature_of(&op.module)
        ));
    }
    let method_doc = docs::attrs(&method_doc);

    // Builder fields and setters.
    let mut fields = Vec::new();
    for p in &required {
        let name = ident(&p.rust_name);
        let ty = type_tokens(&p.ty, &models());
        fields.push(quote! { #name: #ty, });
    }
    let mut setters = Vec::new();
    for p in &optional {
        let name = ident(&p.rust_name);
        let ty = type_tokens(&p.ty, &models());
        fields.push(quote! { #name: Option<#ty>, });
        let mut lines = p.docs.as_deref().map(docs::clean).unwrap_or_default();
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.push(format!(
            "Sets the {} parameter `{}`{}.",
            location_word(p.location),
            p.wire_name,
            if matches!(p.object_style, Some(ObjectParam::Json { .. })) {
                ", sent as its JSON text"
            } else {
                ""
            }
        ));
        let doc = docs::attrs(&lines);
        let deprecated = p.deprecated.then(|| quote! { #[deprecated] });
        setters.push(quote! {
            #doc
            #deprecated
            pub fn #name(mut self, value: impl Into<#ty>) -> Self {
                self.#name = Some(value.into());
                self
            }
        });
    }
    if let Some(body) = &op.body {
        let (stored, arg, convert) = body_types(body);
        if body.required {
            fields.push(quote! { body: #stored, });
        } else {
            fields.push(quote! { body: Option<#stored>, });
            let value = if convert {
                quote! { value.into() }
            } else {
                quote! { value }
            };
            let doc = docs::attrs(&body_doc_lines(body));
            setters.push(quote! {
                #doc
                #[inline]
                pub fn body(mut self, value: #arg) -> Self {
                    self.body = Some(#value);
                    self
                }
            });
        }
    }
    if let Some(required) = op.if_match {
        let header = api.if_match_header.as_deref().unwrap_or("If-Match");
        let when = if required {
            "The document requires it; when not set, the ETag remembered from the last response \
             for this resource is sent, and the call fails before sending if there is none."
        } else {
            "Optional; when not set, the ETag remembered from the last response for this \
             resource is sent, if any."
        };
        let line1 =
            format!(" Sets the `{header}` precondition to `etag` (the resource's current ETag).");
        let line2 = format!(" {when}");
        setters.push(quote! {
            #[doc = #line1]
            #[doc = ""]
            #[doc = #line2]
            pub fn if_match(mut self, etag: impl Into<String>) -> Self {
                self.if_match = Some(etag.into());
                self
            }
        });
    }

    // Request construction.
    let method = format_ident!("{}", op.method);
    let path = &op.path;
    let mut steps = Vec::new();
    if let Some(server) = &op.server {
        steps.push(quote! { .server(#server) });
    }
    for p in &op.params {
        let name = ident(&p.rust_name);
        let wire = &p.wire_name;
        match p.object_style {
            Some(ObjectParam::Query(style)) => {
                let style = format_ident!("{}", style);
                steps.push(if p.required {
                    quote! { .query_object(#wire, &self.#name, rt::ObjectStyle::#style) }
                } else {
                    quote! { .query_object_opt(#wire, self.#name.as_ref(), rt::ObjectStyle::#style) }
                });
                continue;
            }
            Some(ObjectParam::Json { place }) => {
                let place = format_ident!("{}", place);
                steps.push(if p.required {
                    quote! { .json_param(rt::ObjectPlace::#place, #wire, &self.#name) }
                } else {
                    quote! { .json_param_opt(rt::ObjectPlace::#place, #wire, self.#name.as_ref()) }
                });
                continue;
            }
            Some(ObjectParam::Joined { place, exploded }) => {
                let place = format_ident!("{}", place);
                steps.push(if p.required {
                    quote! { .object_param(rt::ObjectPlace::#place, #wire, &self.#name, #exploded) }
                } else {
                    quote! { .object_param_opt(rt::ObjectPlace::#place, #wire, self.#name.as_ref(), #exploded) }
                });
                continue;
            }
            None => {}
        }
        // A timestamp is written as RFC 3339 (chrono's `Display` is not).
        let (value, value_opt) = if p.ty == TypeRef::DateTime {
            (
                quote! { rt::Rfc3339(self.#name) },
                quote! { self.#name.map(rt::Rfc3339).as_ref() },
            )
        } else {
            (quote! { self.#name }, quote! { self.#name.as_ref() })
        };
        let step = match (&p.array, p.location, p.required) {
            (None, ParamLocation::Path, _) => quote! { .path_param(#wire, #value) },
            (None, ParamLocation::Query, true) => quote! { .query(#wire, #value) },
            (None, ParamLocation::Query, false) => quote! { .query_opt(#wire, #value_opt) },
            (None, ParamLocation::Header, true) => quote! { .header(#wire, #value) },
            (None, ParamLocation::Header, false) => quote! { .header_opt(#wire, #value_opt) },
            (None, ParamLocation::Cookie, true) => quote! { .cookie(#wire, #value) },
            (None, ParamLocation::Cookie, false) => quote! { .cookie_opt(#wire, #value_opt) },
            (Some(style), ParamLocation::Query, true) if style.explode => {
                quote! { .query_each(#wire, self.#name) }
            }
            (Some(style), ParamLocation::Query, false) if style.explode => {
                quote! { .query_each(#wire, self.#name.into_iter().flatten()) }
            }
            (Some(style), location, true) => {
                let delimiter = style.delimiter;
                let method = setter_for(location);
                quote! { .#method(#wire, rt::Delimited(&self.#name, #delimiter)) }
            }
            (Some(style), location, false) => {
                let delimiter = style.delimiter;
                let method = format_ident!("{}_opt", setter_for(location));
                quote! { .#method(#wire, self.#name.as_deref().map(|v| rt::Delimited(v, #delimiter))) }
            }
        };
        steps.push(step);
    }
    if let Success::Binary { accept } | Success::Text { accept } = &op.success {
        // The client's default `Accept` is JSON; this answer is something else.
        steps.push(quote! { .header("accept", #accept) });
    }
    if let Some(required) = op.if_match {
        let policy = if required {
            quote! { rt::IfMatch::Required }
        } else {
            quote! { rt::IfMatch::Optional }
        };
        steps.push(quote! { .if_match(self.if_match, #policy) });
    }
    let optional_body = match &op.body {
        Some(b) if b.required && b.choices.is_none() => {
            steps.push(body_call(&b.kind, quote! { self.body }));
            None
        }
        Some(b) if b.required => {
            let attach = attach_choice(b, quote! { self.body }, false);
            Some(quote! { let request = #attach; })
        }
        Some(b) if b.choices.is_some() => {
            let attach = attach_choice(b, quote! { self.body }, true);
            Some(quote! { let request = #attach; })
        }
        Some(b) => {
            let call = body_call(&b.kind, quote! { body });
            Some(quote! {
                let request = match self.body {
                    Some(body) => request #call,
                    None => request,
                };
            })
        }
        None => None,
    };

    let envelope = envelope_type(api);
    // What `send` answers, the `ClientCore` method that sends it, and its answer kind.
    let (output, call, kind) = match &op.success {
        Success::Empty => (
            quote! { () },
            quote! { send_empty::<#envelope> },
            quote! { Empty<#envelope> },
        ),
        Success::Json(ty) => {
            let ty = type_tokens(ty, &models());
            let wire = match &op.unwrap {
                Some((wrapper, _)) => {
                    let wrapper = ident(wrapper);
                    quote! { crate::models::#wrapper }
                }
                None => ty.clone(),
            };
            (
                ty,
                quote! { send_json::<#wire, #envelope> },
                quote! { Json<#wire, #envelope> },
            )
        }
        Success::JsonOrEmpty(ty) => {
            let ty = type_tokens(ty, &models());
            (
                quote! { Option<#ty> },
                quote! { send_json_or_empty::<#ty, #envelope> },
                quote! { JsonOrEmpty<#ty, #envelope> },
            )
        }
        Success::Binary { .. } => (
            quote! { rt::ByteStream<#envelope> },
            quote! { send_stream::<#envelope> },
            quote! { Stream<#envelope> },
        ),
        Success::Text { .. } => (
            quote! { String },
            quote! { send_text::<#envelope> },
            quote! { Text<#envelope> },
        ),
        Success::ByStatus { name, .. } => {
            let name = format_ident!("{}", name);
            (
                quote! { #name },
                quote! { send_by_status::<#name, #envelope> },
                quote! { ByStatus<#name, #envelope> },
            )
        }
    };
    let by_status_enum = match &op.success {
        Success::ByStatus { name, cases } => Some(emit_by_status(name, cases, &builder)),
        _ => None,
    };
    let error_enum = op
        .error_enum
        .as_ref()
        .map(|name| emit_error_enum(name, &op.errors, &op.rust_name));
    let body_enum = op
        .body
        .as_ref()
        .and_then(|b| b.choices.as_ref())
        .map(|choices| emit_body_choices(choices, &op.rust_name));
    let streams = op.pagination.as_ref().map(|pg| {
        let page = super::pagination::page_path(&pg.page);
        quote! {
            /// Every page, following the next-page links, as a stream. Each page is
            /// requested when the previous one has been consumed.
            #[inline]
            pub fn pages(self) -> rt::Pages<#page, #envelope> {
                let client = self.client.clone();
                client.core().pages(self.into_request())
            }

            /// Every item of every page, as a stream; at most one page is held in memory.
            /// Stop early with `StreamExt::take`, or cap with [`Self::items_max`].
            #[inline]
            pub fn items(self) -> rt::Items<#page, #envelope> {
                let client = self.client.clone();
                client.core().items(self.into_request(), None)
            }

            /// Like [`Self::items`], stopping after `max_items` items without requesting
            /// further pages.
            #[inline]
            pub fn items_max(self, max_items: u64) -> rt::Items<#page, #envelope> {
                let client = self.client.clone();
                client.core().items(self.into_request(), Some(max_items))
            }
        }
    });
    let unwrap = op.unwrap.as_ref().map(|(_, field)| {
        let field = ident(field);
        quote! { .map(|response| response.map(|envelope| envelope.#field)) }
    });
    let wait = op.returns_task.then(|| {
        quote! {
            /// Sends the request, then polls the task it started until the task ends (at
            /// [`TASK_POLL_PATH`](crate::TASK_POLL_PATH)); returns the task's result. A failed task is [`rt::Error::TaskFailed`]; the client's
            /// poll policy bounds the wait.
            #[inline]
            pub async fn send_and_wait(self) -> Result<rt::serde_json::Value, crate::Error> {
                let client = self.client.clone();
                let accepted = self.send().await?;
                client
                    .core()
                    .wait_for_task(&crate::client::TASK_SHAPE, crate::client::TASK_POLL_PATH, &*accepted)
                    .await
            }
        }
    });
    // A plain function returning the runtime's future, which starts (and decodes) only
    // when awaited, unless the answer is unwrapped after it arrives: an `async fn` per
    // operation is a state machine per operation for the compiler to check, and compiles
    // the answer's decoding into this crate (see `rt::Sending`).
    let send = match &unwrap {
        None => quote! {
            /// Sends the request when the returned future is awaited.
            #[inline]
            pub fn send(self) -> rt::Sending<rt::kind::#kind> {
                let client = self.client.clone();
                client.core().#call(self.into_request())
            }
        },
        Some(unwrap) => quote! {
            /// Sends the request.
            #[inline]
            pub async fn send(self) -> Result<rt::Response<#output>, crate::Error> {
                let client = self.client.clone();
                client.core().#call(self.into_request()).await #unwrap
            }
        },
    };
    let builder_doc = format!(
        " Request builder for [`Client::{}`](crate::Client::{}): `{} {}`.",
        crate::ident::unraw(&op.rust_name),
        crate::ident::unraw(&op.rust_name),
        op.method,
        op.path
    );
    let must_use = "a request builder does nothing until `.send()` is awaited";

    let read_modify_write = op
        .read_modify_write
        .as_ref()
        .map(|rmw| emit_read_modify_write(api, op, rmw, &required, &output));

    let mut items: Vec<TokenStream> = read_modify_write.into_iter().collect();
    items.push(quote! {
        impl crate::Client {
            #method_doc
            #deprecated
            #too_many
            #[inline]
            pub fn #method_name(&self, #( #args ),*) -> #builder {
                #builder {
                    client: self.clone(),
                    #( #inits, )*
                    #if_match_init
                    options: rt::CallOptions::default(),
                }
            }
        }
    });
    items.push(quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use = #must_use]
        pub struct #builder {
            client: crate::Client,
            #( #fields )*
            #if_match_field
            options: rt::CallOptions,
        }
    });
    items.push(quote! {
        impl #builder {
            #( #setters )*

            // `.timeout()`, `.header()`, `.idempotency_key()`, `.no_retry()`.
            rt::call_options!();

            #[inline]
            fn into_request(self) -> rt::Request {
                let request = rt::Request::new(rt::Method::#method, #path)
                    #( #steps )*;
                #optional_body
                self.options.apply(request)
            }

            #send

            #wait

            #streams
        }
    });
    items.extend(by_status_enum.into_iter().flatten());
    items.extend(body_enum.into_iter().flatten());
    items.extend(error_enum.into_iter().flatten());
    items
}

/// The success enum of an operation with a different body per 2xx status, and its
/// [`FromStatus`](cloudgen_runtime::FromStatus) impl. An undeclared 2xx status is kept
/// whole in `Other`, never an error.
fn emit_by_status(
    name: &str,
    cases: &[StatusCase],
    builder: &proc_macro2::Ident,
) -> Vec<TokenStream> {
    let name = format_ident!("{}", name);
    let doc = format!(" What [`{builder}::send`] answers, by the response's status.");
    let variants = cases.iter().map(|case| {
        let variant = format_ident!("{}", case.variant);
        let mut lines = vec![format!("`{}`.", case.status)];
        if let Some(text) = &case.docs {
            lines.push(String::new());
            lines.extend(docs::clean(text));
        }
        let doc = docs::attrs(&lines);
        match &case.body {
            Some(ty) => {
                let ty = type_tokens(ty, &models());
                quote! { #doc #variant(#ty), }
            }
            None => quote! { #doc #variant, },
        }
    });
    let arms = cases.iter().map(|case| {
        let variant = format_ident!("{}", case.variant);
        let status = case.status;
        match &case.body {
            Some(_) => quote! { #status => Self::#variant(answer.json()?), },
            None => quote! { #status => Self::#variant, },
        }
    });
    let definition = quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant, reason = "one value per call, moved once; boxing would only make matching on it harder")]
        pub enum #name {
            #( #variants )*
            /// A 2xx status the document does not declare, with its body undecoded.
            Other(rt::Answer),
        }
    };
    let from_status = quote! {
        impl rt::FromStatus for #name {
            fn from_status<E>(answer: rt::Answer) -> Result<Self, rt::Error<E>> {
                Ok(match answer.status().as_u16() {
                    #( #arms )*
                    _ => Self::Other(answer),
                })
            }
        }
    };
    vec![definition, from_status]
}

/// The enum of the error bodies an operation declares, with `from_error`.
fn emit_error_enum(name: &str, cases: &[ErrorCase], method: &str) -> Vec<TokenStream> {
    let name = format_ident!("{}", name);
    let doc = format!(
        " The error bodies the document declares for \
         [`Client::{method}`](crate::Client::{method}), by status: see [`Self::from_error`]."
    );
    let variants = cases.iter().map(|case| {
        let variant = format_ident!("{}", case.variant);
        let status = match case.status {
            ErrorStatus::Code(c) => format!("`{c}`."),
            ErrorStatus::Range(r) => format!("`{r}XX`."),
            ErrorStatus::Default => "Any other error status (`default`).".to_owned(),
        };
        let mut lines = vec![status];
        if let Some(text) = &case.docs {
            lines.push(String::new());
            lines.extend(docs::clean(text));
        }
        let doc = docs::attrs(&lines);
        let ty = type_tokens(&case.ty, &models());
        quote! { #doc #variant(#ty), }
    });
    let arms = cases.iter().map(|case| {
        let variant = format_ident!("{}", case.variant);
        let pattern = match case.status {
            ErrorStatus::Code(c) => quote! { #c },
            ErrorStatus::Range(r) => {
                let (low, high) = (r * 100, r * 100 + 99);
                quote! { #low..=#high }
            }
            ErrorStatus::Default => quote! { _ },
        };
        quote! { #pattern => api.decode_body().map(Self::#variant), }
    });
    let fallback =
        (!cases.iter().any(|c| c.status == ErrorStatus::Default)).then(|| quote! { _ => None, });
    let decode = match cases {
        [only] if only.status == ErrorStatus::Default => {
            let variant = format_ident!("{}", only.variant);
            quote! { api.decode_body().map(Self::#variant) }
        }
        _ => quote! {
            match api.status.as_u16() {
                #( #arms )*
                #fallback
            }
        },
    };
    let definition = quote! {
        #[doc = #doc]
        #[derive(Debug, Clone, PartialEq)]
        #[allow(clippy::large_enum_variant, reason = "one value per call, moved once; boxing would only make matching on it harder")]
        pub enum #name {
            #( #variants )*
        }
    };
    let from_error = quote! {
        impl #name {
            /// The declared body of `error`'s response, decoded by its status; `None`
            /// when the call got no error response, the status is not declared, or the
            /// body is not the declared type (the raw body stays in the error).
            #[inline]
            pub fn from_error(error: &crate::Error) -> Option<Self> {
                let api = error.api_error()?;
                #decode
            }
        }
    };
    vec![definition, from_error]
}

/// `match value { Content::Json(v) => request.json_body(&v), … }` (with `Some(…)` arms and
/// a `None => request` arm when the body is optional).
fn attach_choice(body: &Body, value: TokenStream, optional: bool) -> TokenStream {
    let Some(choices) = &body.choices else {
        return quote! { request };
    };
    let name = format_ident!("{}", choices.name);
    let arms = choices.variants.iter().map(|(variant, _, kind)| {
        let variant = format_ident!("{}", variant);
        let call = body_call(kind, quote! { v });
        if optional {
            quote! { Some(#name::#variant(v)) => request #call, }
        } else {
            quote! { #name::#variant(v) => request #call, }
        }
    });
    let none = optional.then(|| quote! { None => request, });
    quote! {
        match #value {
            #( #arms )*
            #none
        }
    }
}

/// The enum a caller picks the body's media type with, and `From` impls for each
/// variant's type that no other variant shares.
fn emit_body_choices(choices: &BodyChoices, method: &str) -> Vec<TokenStream> {
    let name = format_ident!("{}", choices.name);
    let doc = format!(
        " The body of [`Client::{method}`](crate::Client::{method}), in one of the media \
         types the operation accepts; the first is the default a plain value converts to."
    );
    let payloads: Vec<String> = choices
        .variants
        .iter()
        .map(|(_, _, kind)| kind_types(kind).0.to_string())
        .collect();
    let variants = choices.variants.iter().map(|(variant, media, kind)| {
        let variant = format_ident!("{}", variant);
        let (stored, _, _) = kind_types(kind);
        let line = match kind {
            BodyKind::Binary { .. } => format!(" Sent as `{media}`: the bytes as given."),
            BodyKind::Text { .. } => format!(" Sent as `{media}` text."),
            _ => format!(" Sent as `{media}`."),
        };
        quote! { #[doc = #line] #variant(#stored), }
    });
    let froms = choices
        .variants
        .iter()
        .zip(&payloads)
        .enumerate()
        // The default always converts; another only when no other variant shares its type.
        .filter(|(i, (_, payload))| {
            *i == 0 || payloads.iter().filter(|p| p == payload).count() == 1
        })
        .map(|(_, ((variant, _, kind), _))| {
            let variant = format_ident!("{}", variant);
            let (stored, _, _) = kind_types(kind);
            quote! {
                impl From<#stored> for #name {
                    fn from(value: #stored) -> Self {
                        Self::#variant(value)
                    }
                }
            }
        });
    let definition = quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[allow(clippy::large_enum_variant, reason = "one value per call, moved once; boxing would only make matching on it harder")]
        pub enum #name {
            #( #variants )*
        }
    };
    std::iter::once(definition).chain(froms).collect()
}

/// `replace_x_with(id, |resource| ...)`: GET, modify, PUT with `If-Match`; start over on 412.
fn emit_read_modify_write(
    api: &Api,
    op: &Operation,
    rmw: &ReadModifyWrite,
    path_params: &[&Param],
    output: &TokenStream,
) -> TokenStream {
    let method = ident(&rmw.method);
    let get = ident(&rmw.get_method);
    let put = ident(&op.rust_name);
    let resource = type_tokens(&rmw.resource, &models());
    let attempts = api.update_attempts;
    let names: Vec<_> = path_params.iter().map(|p| ident(&p.rust_name)).collect();
    let args = path_params.iter().map(|p| {
        let name = ident(&p.rust_name);
        let ty = arg_type(&p.ty);
        quote! { #name: #ty }
    });
    let owned = path_params.iter().map(|p| {
        let name = ident(&p.rust_name);
        let ty = type_tokens(&p.ty, &models());
        quote! { let #name: #ty = #name.into(); }
    });
    let lines = vec![
        format!(
            "Read-modify-write: fetches the resource with [`Self::{}`], lets `modify` change \
             it, and writes it back with [`Self::{}`] under `If-Match`. When someone else \
             changed it in between (412), starts over with a fresh copy, up to {attempts} \
             attempts; then returns the 412.",
            crate::ident::unraw(&rmw.get_method),
            crate::ident::unraw(&op.rust_name)
        ),
        String::new(),
        "Read-only fields of the fetched resource are never sent back.".to_owned(),
    ];
    let doc = docs::attrs(&lines);
    // `&self`, the path parameters and `modify`.
    let too_many = (path_params.len() + 2 > 7).then(|| {
        quote! { #[allow(clippy::too_many_arguments, reason = "one argument per path parameter")] }
    });
    quote! {
        impl crate::Client {
            #doc
            #too_many
            pub async fn #method(
                &self,
                #( #args, )*
                modify: impl FnMut(&mut #resource),
            ) -> Result<rt::Response<#output>, crate::Error> {
                #( #owned )*
                rt::update_with(
                    #attempts,
                    || {
                        let request = self.#get( #( #names.clone() ),* );
                        async move {
                            let response = request.send().await?;
                            let etag = response.etag().map(str::to_owned);
                            Ok((response.into_inner(), etag))
                        }
                    },
                    modify,
                    |resource, etag| {
                        let request = self.#put( #( #names.clone(), )* resource);
                        match etag {
                            Some(etag) => request.if_match(etag).send(),
                            None => request.send(),
                        }
                    },
                )
                .await
            }
        }
    }
}

/// The `rt::Request` method that sets a parameter in `location`.
fn setter_for(location: ParamLocation) -> proc_macro2::Ident {
    format_ident!(
        "{}",
        match location {
            ParamLocation::Path => "path_param",
            ParamLocation::Query => "query",
            ParamLocation::Header => "header",
            ParamLocation::Cookie => "cookie",
        }
    )
}

/// (stored type, argument type, whether the argument needs `.into()`) of a body.
fn body_types(body: &Body) -> (TokenStream, TokenStream, bool) {
    if let Some(choices) = &body.choices {
        let name = format_ident!("{}", choices.name);
        return (quote! { #name }, quote! { impl Into<#name> }, true);
    }
    kind_types(&body.kind)
}

/// (stored type, argument type, whether the argument needs `.into()`) of one encoding.
fn kind_types(kind: &BodyKind) -> (TokenStream, TokenStream, bool) {
    match kind {
        BodyKind::Json { ty, .. } | BodyKind::Form(ty) => {
            let ty = type_tokens(ty, &models());
            (ty.clone(), ty, false)
        }
        BodyKind::Multipart { .. } => (quote! { rt::Multipart }, quote! { rt::Multipart }, false),
        BodyKind::Binary { .. } => (quote! { rt::Bytes }, quote! { impl Into<rt::Bytes> }, true),
        BodyKind::Text { .. } => (quote! { String }, quote! { impl Into<String> }, true),
    }
}

/// The `rt::Request` call that attaches the body `value`.
fn body_call(kind: &BodyKind, value: TokenStream) -> TokenStream {
    match kind {
        BodyKind::Json { media, .. } if media == "application/json" => {
            quote! { .json_body(&#value) }
        }
        BodyKind::Json { media, .. } => quote! { .json_body_as(#media, &#value) },
        BodyKind::Form(_) => quote! { .form_body(&#value) },
        BodyKind::Multipart { .. } => quote! { .multipart(#value) },
        BodyKind::Binary { media } => quote! { .bytes_body(#media, #value) },
        BodyKind::Text { .. } => quote! { .text_body(#value) },
    }
}

/// Doc lines describing a body: its description, encoding, and (multipart) fields.
fn body_doc_lines(body: &Body) -> Vec<String> {
    let mut lines = body.docs.as_deref().map(docs::clean).unwrap_or_default();
    let encoding = match &body.kind {
        BodyKind::Json { media, .. } => format!("Sent as `{media}`."),
        BodyKind::Form(_) => "Sent as `application/x-www-form-urlencoded`.".to_owned(),
        BodyKind::Multipart { fields } => {
            let listed: Vec<String> = fields
                .iter()
                .map(|(name, file, required)| {
                    format!(
                        "`{name}` ({}{})",
                        if *file { "file" } else { "text" },
                        if *required { ", required" } else { "" }
                    )
                })
                .collect();
            if listed.is_empty() {
                "Sent as `multipart/form-data`.".to_owned()
            } else {
                format!(
                    "Sent as `multipart/form-data`; the document lists the parts {}.",
                    listed.join(", ")
                )
            }
        }
        BodyKind::Binary { media } => format!("Sent as raw bytes, `{media}`."),
        BodyKind::Text { media } => format!("Sent as text, `{media}`."),
    };
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(encoding);
    if let Some(choices) = &body.choices {
        let others: Vec<String> = choices
            .variants
            .iter()
            .skip(1)
            .map(|(variant, media, _)| format!("`{}::{variant}` for `{media}`", choices.name))
            .collect();
        lines.push(format!(
            "That is the default; the operation also accepts {}: pass [`{}`] to choose.",
            others.join(", "),
            choices.name
        ));
    }
    if !body.other_media.is_empty() {
        lines.push(format!(
            "The document also accepts {}, which this client does not send.",
            body.other_media
                .iter()
                .map(|m| format!("`{m}`"))
                .collect::<Vec<_>>()
                .join(", ")
        ));
    }
    lines
}

fn location_word(location: ParamLocation) -> &'static str {
    match location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    }
}

fn method_doc_lines(op: &Operation, required: &[&Param], body_required: bool) -> Vec<String> {
    let mut lines = Vec::new();
    if let Some(summary) = &op.summary {
        lines.extend(docs::clean(summary));
    }
    if let Some(description) = &op.description {
        if !lines.is_empty() {
            lines.push(String::new());
        }
        lines.extend(docs::clean(description));
    }
    if !lines.is_empty() {
        lines.push(String::new());
    }
    lines.push(format!("Sends `{} {}`.", op.method, op.path));
    if let Some(name) = &op.error_enum {
        let statuses: Vec<String> = op
            .errors
            .iter()
            .map(|case| match case.status {
                ErrorStatus::Code(c) => c.to_string(),
                ErrorStatus::Range(r) => format!("{r}XX"),
                ErrorStatus::Default => "default".to_owned(),
            })
            .collect();
        lines.push(String::new());
        lines.push(format!(
            "Declared error bodies ({}): decode one from the returned error with \
             [`{name}::from_error`].",
            statuses.join(", ")
        ));
    }
    if let Some(server) = &op.server {
        lines.push(String::new());
        lines.push(format!(
            "Served at `{server}` (this operation's own server in the document) while the \
             client has its default base URL; a base URL set on the builder applies instead."
        ));
    }
    if op.added_by_fixes {
        lines.push(String::new());
        lines.push(
            "Not in the vendor's published document: added by this project's declared fixes \
             (the vendor's API serves it; see the crate docs)."
                .to_owned(),
        );
    }
    if op.returns_task {
        lines.push(String::new());
        lines.push(
            "The vendor runs this as a task: `.send()` returns the accepted task, \
             `.send_and_wait()` polls it to its end."
                .to_owned(),
        );
    }
    if !required.is_empty() || body_required {
        lines.push(String::new());
        lines.push("Arguments:".to_owned());
        for p in required {
            let what = p
                .docs
                .as_deref()
                .map(|d| docs::clean(d).join(" "))
                .filter(|d| !d.is_empty())
                .unwrap_or_else(|| format!("the {} parameter", location_word(p.location)));
            let json = if matches!(p.object_style, Some(ObjectParam::Json { .. })) {
                " (sent as its JSON text)"
            } else {
                ""
            };
            lines.push(format!(
                "- `{}` (`{}`): {what}{json}",
                crate::ident::unraw(&p.rust_name),
                p.wire_name
            ));
        }
        if let Some(body) = op.body.as_ref().filter(|b| b.required) {
            lines.push(format!("- `body`: {}", body_doc_lines(body).join(" ")));
        }
    }
    if op.deprecated {
        lines.push(String::new());
        lines.push("Deprecated by the vendor.".to_owned());
    }
    lines
}
