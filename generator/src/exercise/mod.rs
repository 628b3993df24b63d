//! The exercise: a Rust file that calls every operation of a generated crate once, with
//! every required parameter and body filled from the document's schemas (see
//! [`sample`]), plus what each request must look like on the wire (method, path with the
//! samples in place, required query parameters, content type, body bytes).
//!
//! Two harnesses include it: the loopback recording test (`tests/tests/all_operations.rs`),
//! which checks every request against those expectations, and the contract harness
//! (`cargo xtask contract`), which sends the same calls to Prism, a mock server built
//! independently from the same document, and checks that Prism accepts each request and
//! that each response decodes. The file is written by `cargo xtask codegen` next to the
//! crate it exercises, so a change in the generator shows in both.

pub mod models;
pub mod pattern;
pub mod random;
pub mod sample;

use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::Value;

use crate::emit::EmitOptions;
use crate::emit::models::{ident, type_tokens};
use crate::error::Result;
use crate::ir::{Api, BodyKind, Operation, Param, ParamLocation, Success};
use sample::Sampler;

/// The bytes every file upload sends: not UTF-8, with a NUL and CRLF, so that a body
/// re-encoded anywhere on the way shows.
pub const SAMPLE_FILE: &[u8] = b"cloudgen sample file\r\n\x00\x01\xfe\xff end";

/// The ETag every call guarded by `If-Match` sends.
const SAMPLE_ETAG: &str = "\"sample-etag\"";

/// Builds the exercise file for `api` (lowered from the normalized document `doc`) of the
/// crate named `crate_name`.
pub fn emit(api: &Api, doc: &Value, crate_name: &str, opts: &EmitOptions) -> Result<String> {
    let sampler = Sampler::new(doc);
    let krate = format_ident!("{}", crate_name.replace('-', "_"));
    let mut entries = Vec::new();
    let mut functions = Vec::new();
    for (index, op) in api.operations.iter().enumerate() {
        let function = format_ident!("call_{index}");
        let mut call = exercise(&sampler, doc, op)?;
        if let Success::Binary { accept } | Success::Text { accept } = &op.success {
            call.headers.push(("accept".to_owned(), accept.clone()));
        }
        if let (Some(_), Some(name)) = (op.if_match, &api.if_match_header) {
            call.headers.push((name.clone(), SAMPLE_ETAG.to_owned()));
            call.if_match = true;
        }
        let (entry, body) = call.tokens(op, &function);
        entries.push(entry);
        functions.push(body);
    }
    let sample_file = proc_macro2::Literal::byte_string(SAMPLE_FILE);
    let count = api.operations.len();
    let doc = format!(
        " Calls every operation of `{crate_name}` ({count}) once, with sample values for every \
         required parameter and body, and says what each request must look like."
    );
    let tokens = quote! {
        #![doc = #doc]
        #![allow(deprecated, dead_code, clippy::all, reason = "calls every operation as generated, deprecated or not; harnesses read what they need")]

        use #krate as api;
        use api::runtime::codegen as rt;

        /// What a call returns.
        pub type Run<'a> = std::pin::Pin<Box<dyn std::future::Future<Output = Outcome> + Send + 'a>>;

        /// The result of one call.
        #[derive(Debug)]
        pub enum Outcome {
            /// A sample value did not deserialize into its Rust type: nothing was sent.
            NotBuilt(String),
            /// The call's result (its body dropped: only whether it decoded matters).
            Sent(Result<(), api::Error>),
        }

        /// A body as it must arrive.
        #[derive(Debug, Clone, Copy)]
        pub enum ExpectedBody {
            /// No body.
            None,
            /// This JSON (compared as JSON values).
            Json(&'static str),
            /// URL-encoded form fields of this JSON object.
            Form(&'static str),
            /// Exactly these bytes.
            Bytes(&'static [u8]),
            /// A multipart form with these parts (name, exact bytes).
            Multipart(&'static [(&'static str, &'static [u8])]),
        }

        /// One operation's call and its expected request.
        #[derive(Debug)]
        pub struct Call {
            /// The document's operationId.
            pub operation_id: &'static str,
            /// HTTP method.
            pub method: &'static str,
            /// The path template.
            pub path_template: &'static str,
            /// The path as sent: samples in place, percent-encoded.
            pub path: &'static str,
            /// Required query parameters (name, value when it is a single scalar).
            pub query: &'static [(&'static str, Option<&'static str>)],
            /// Required header parameters (name, value).
            pub headers: &'static [(&'static str, &'static str)],
            /// The `Content-Type` (its media type) when there is a body.
            pub content_type: Option<&'static str>,
            /// The body.
            pub body: ExpectedBody,
            /// Sends the call.
            pub run: for<'a> fn(&'a api::Client) -> Run<'a>,
        }

        /// The bytes every file upload sends.
        pub const SAMPLE_FILE: &[u8] = #sample_file;

        /// Every operation, in the crate's order.
        pub static CALLS: &[Call] = &[ #( #entries ),* ];

        fn sample<T: rt::serde::de::DeserializeOwned>(json: &str) -> Result<T, String> {
            rt::serde_json::from_str(json).map_err(|e| format!("sample {json} does not deserialize: {e}"))
        }

        #( #functions )*
    };
    crate::emit::render(tokens, "the exercise", opts)
}

/// One operation's samples.
struct Exercise {
    /// (Rust type, sample JSON) per required parameter, in argument order.
    args: Vec<(TokenStream, String)>,
    path: String,
    query: Vec<(String, Option<String>)>,
    headers: Vec<(String, String)>,
    body: Option<BodySample>,
    /// Set the `If-Match` precondition explicitly.
    if_match: bool,
}

enum BodySample {
    Model {
        ty: TokenStream,
        json: String,
        content_type: String,
        form: bool,
    },
    Multipart(Vec<(String, Option<String>)>),
    Bytes(String),
    Text(String, String),
}

fn exercise(sampler: &Sampler<'_>, doc: &Value, op: &Operation) -> Result<Exercise> {
    let doc_op = doc.pointer(&op.origin).unwrap_or(&Value::Null);
    let path_item_pointer = op.origin.rsplit_once('/').map_or("", |(item, _)| item);
    let path_item = doc.pointer(path_item_pointer).unwrap_or(&Value::Null);
    let mut args = Vec::new();
    let mut path = op.path.clone();
    let mut query = Vec::new();
    let mut headers = Vec::new();
    for param in op.params.iter().filter(|p| p.required) {
        let schema = param_schema(sampler, doc_op, path_item, param);
        let value = sampler.sample(&schema);
        let written = scalar_text(&value);
        match param.location {
            ParamLocation::Path => {
                let text = written.clone().unwrap_or_else(|| value.to_string());
                path = path.replace(&format!("{{{}}}", param.wire_name), &encode_segment(&text));
            }
            ParamLocation::Query => query.push((param.wire_name.clone(), written.clone())),
            ParamLocation::Header => {
                headers.push((param.wire_name.clone(), written.clone().unwrap_or_default()));
            }
            ParamLocation::Cookie => {
                let pair = format!(
                    "{}={}",
                    param.wire_name,
                    written.clone().unwrap_or_default()
                );
                match headers.iter_mut().find(|(name, _)| name == "Cookie") {
                    Some((_, line)) => {
                        line.push_str("; ");
                        line.push_str(&pair);
                    }
                    None => headers.push(("Cookie".to_owned(), pair)),
                }
            }
        }
        args.push((
            type_tokens(&param.ty, &quote! { api::models:: }),
            value.to_string(),
        ));
    }
    let body = op
        .body
        .as_ref()
        .filter(|b| b.required)
        .map(|body| body_sample(sampler, doc_op, &body.kind));
    Ok(Exercise {
        args,
        path,
        query,
        headers,
        body,
        if_match: false,
    })
}

/// The schema of the document's parameter that `param` was lowered from (operation
/// level first, then path level).
fn param_schema(sampler: &Sampler<'_>, doc_op: &Value, path_item: &Value, param: &Param) -> Value {
    let location = match param.location {
        ParamLocation::Path => "path",
        ParamLocation::Query => "query",
        ParamLocation::Header => "header",
        ParamLocation::Cookie => "cookie",
    };
    [doc_op, path_item]
        .into_iter()
        .filter_map(|holder| holder.get("parameters").and_then(Value::as_array))
        .flatten()
        .map(|p| sampler.resolve(p))
        .find(|p| {
            p.get("name").and_then(Value::as_str) == Some(param.wire_name.as_str())
                && p.get("in").and_then(Value::as_str) == Some(location)
        })
        .and_then(|p| {
            p.get("schema").cloned().or_else(|| {
                p.get("content")?
                    .as_object()?
                    .values()
                    .next()?
                    .get("schema")
                    .cloned()
            })
        })
        .unwrap_or_else(|| serde_json::json!({"type": "string"}))
}

fn body_sample(sampler: &Sampler<'_>, doc_op: &Value, kind: &BodyKind) -> BodySample {
    let content = doc_op.pointer("/requestBody").map(|b| sampler.resolve(b));
    let schema_of = |media: &str| {
        content
            .and_then(|b| b.get("content"))
            .and_then(|c| c.get(media))
            .and_then(|m| m.get("schema"))
            .cloned()
            .unwrap_or(Value::Null)
    };
    match kind {
        BodyKind::Json { ty, media } => BodySample::Model {
            ty: type_tokens(ty, &quote! { api::models:: }),
            json: sampler.sample(&schema_of(media)).to_string(),
            content_type: media.clone(),
            form: false,
        },
        BodyKind::Form(ty) => BodySample::Model {
            ty: type_tokens(ty, &quote! { api::models:: }),
            json: sampler
                .sample(&schema_of("application/x-www-form-urlencoded"))
                .to_string(),
            content_type: "application/x-www-form-urlencoded".into(),
            form: true,
        },
        BodyKind::Multipart { fields } => {
            let schema = sampler.resolve(&schema_of("multipart/form-data")).clone();
            // A form whose parts the document does not name (a map of files) gets one.
            let any_file = [("file".to_owned(), true, true)];
            let fields = if fields.is_empty() {
                &any_file[..]
            } else {
                &fields[..]
            };
            let parts = fields
                .iter()
                .map(|(name, file, _)| {
                    if *file {
                        (name.clone(), None)
                    } else {
                        let property = schema
                            .pointer(&format!(
                                "/properties/{}",
                                name.replace('~', "~0").replace('/', "~1")
                            ))
                            .cloned()
                            .unwrap_or(Value::Null);
                        let value = sampler.sample(&property);
                        (
                            name.clone(),
                            Some(scalar_text(&value).unwrap_or_else(|| value.to_string())),
                        )
                    }
                })
                .collect();
            BodySample::Multipart(parts)
        }
        BodyKind::Binary { media } => BodySample::Bytes(media.clone()),
        BodyKind::Text { media } => BodySample::Text(media.clone(), "sample text".into()),
    }
}

impl Exercise {
    fn tokens(&self, op: &Operation, function: &proc_macro2::Ident) -> (TokenStream, TokenStream) {
        let operation_id = op.operation_id.as_str();
        let method = op.method.as_str();
        let path_template = op.path.as_str();
        let path = self.path.as_str();
        let query = self.query.iter().map(|(name, value)| match value {
            Some(value) => quote! { (#name, Some(#value)) },
            None => quote! { (#name, None) },
        });
        let headers = self
            .headers
            .iter()
            .map(|(name, value)| quote! { (#name, #value) });
        let mut lets = Vec::new();
        let mut names = Vec::new();
        for (i, (ty, json)) in self.args.iter().enumerate() {
            let name = format_ident!("a{i}");
            lets.push(quote! { let #name: #ty = sample(#json)?; });
            names.push(name);
        }
        let (content_type, expected) = match &self.body {
            None => (quote! { None }, quote! { ExpectedBody::None }),
            Some(BodySample::Model {
                ty,
                json,
                content_type,
                form,
            }) => {
                lets.push(quote! { let body: #ty = sample(#json)?; });
                names.push(format_ident!("body"));
                let expected = if *form {
                    quote! { ExpectedBody::Form(#json) }
                } else {
                    quote! { ExpectedBody::Json(#json) }
                };
                (quote! { Some(#content_type) }, expected)
            }
            Some(BodySample::Multipart(parts)) => {
                let adds = parts.iter().map(|(name, text)| match text {
                    Some(text) => quote! { .text(#name, #text) },
                    None => quote! {
                        .bytes(#name, rt::Bytes::from_static(SAMPLE_FILE), Some("sample.bin"), Some("application/octet-stream"))
                    },
                });
                let expected_parts = parts.iter().map(|(name, text)| match text {
                    Some(text) => {
                        let bytes = proc_macro2::Literal::byte_string(text.as_bytes());
                        quote! { (#name, #bytes) }
                    }
                    None => quote! { (#name, SAMPLE_FILE) },
                });
                lets.push(quote! { let body = rt::Multipart::new() #( #adds )*; });
                names.push(format_ident!("body"));
                (
                    quote! { Some("multipart/form-data") },
                    quote! { ExpectedBody::Multipart(&[ #( #expected_parts ),* ]) },
                )
            }
            Some(BodySample::Bytes(media)) => {
                lets.push(quote! { let body = rt::Bytes::from_static(SAMPLE_FILE); });
                names.push(format_ident!("body"));
                (
                    quote! { Some(#media) },
                    quote! { ExpectedBody::Bytes(SAMPLE_FILE) },
                )
            }
            Some(BodySample::Text(media, text)) => {
                let bytes = proc_macro2::Literal::byte_string(text.as_bytes());
                lets.push(quote! { let body = String::from(#text); });
                names.push(format_ident!("body"));
                (
                    quote! { Some(#media) },
                    quote! { ExpectedBody::Bytes(#bytes) },
                )
            }
        };
        let method_name = ident(&op.rust_name);
        let if_match = self.if_match.then(|| quote! { .if_match(#SAMPLE_ETAG) });
        let entry = quote! {
            Call {
                operation_id: #operation_id,
                method: #method,
                path_template: #path_template,
                path: #path,
                query: &[ #( #query ),* ],
                headers: &[ #( #headers ),* ],
                content_type: #content_type,
                body: #expected,
                run: #function,
            }
        };
        let body = quote! {
            fn #function(client: &api::Client) -> Run<'_> {
                Box::pin(async move {
                    let build = || -> Result<_, String> {
                        #( #lets )*
                        Ok(client.#method_name(#( #names ),*) #if_match)
                    };
                    match build() {
                        Ok(request) => Outcome::Sent(request.send().await.map(|_| ())),
                        Err(why) => Outcome::NotBuilt(why),
                    }
                })
            }
        };
        (entry, body)
    }
}

/// How a scalar sample is written in a path, query or header: strings as they are,
/// numbers and booleans as JSON writes them; `None` for arrays and objects.
fn scalar_text(value: &Value) -> Option<String> {
    match value {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Percent-encodes a path segment the way the runtime does: everything but RFC 3986's
/// unreserved characters.
fn encode_segment(text: &str) -> String {
    let mut out = String::new();
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~".contains(&byte) {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}
