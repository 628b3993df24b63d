//! The generator's own intermediate representation: what the emitter needs to know about
//! types and operations, with Rust names already chosen and wire names kept beside them.
//! Built by `lower`; the emitter never sees `openapiv3` types. Collections are ordered
//! (Vec / BTreeMap), so output is deterministic by construction.

use std::collections::BTreeMap;

/// The whole API.
#[derive(Debug, Clone, PartialEq)]
pub struct Api {
    /// `info.title`.
    pub title: String,
    /// `info.description`.
    pub description: Option<String>,
    /// `info.version`, as written (not necessarily semver).
    pub version: String,
    /// Default base URL.
    pub base_url: String,
    /// Authentication the client sends.
    pub auth: Auth,
    /// Named types by Rust name.
    pub types: BTreeMap<String, TypeDef>,
    /// Types that derive `Eq` (nothing floating-point inside).
    pub eq_types: std::collections::BTreeSet<String>,
    /// Operations, sorted by Rust name.
    pub operations: Vec<Operation>,
    /// Rust name of the vendor error envelope type, if any.
    pub error_envelope: Option<String>,
    /// Name of the precondition header when the vendor uses ETags.
    pub if_match_header: Option<String>,
    /// Attempts of the read-modify-write helpers.
    pub update_attempts: u32,
    /// Where the document comes from, for the crate's docs.
    pub provenance: Provenance,
}

/// Who wrote the document the crate is generated from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Provenance {
    /// The vendor published it; the project's fixes added these operations
    /// (`METHOD /path`).
    Vendor {
        /// Operations added by fixes.
        added_by_fixes: Vec<String>,
    },
    /// The project wrote it from public facts (the vendor publishes none).
    Project,
}

/// Authentication scheme.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Auth {
    /// None.
    None,
    /// `Authorization: Bearer`.
    Bearer,
    /// API key in a header.
    ApiKey {
        /// Header name.
        header: String,
    },
}

/// A named Rust type.
#[derive(Debug, Clone, PartialEq)]
pub struct TypeDef {
    /// Rust name.
    pub name: String,
    /// Where it comes from (JSON pointer in the document).
    pub origin: String,
    /// Doc text.
    pub docs: Option<String>,
    /// Deprecated in the document.
    pub deprecated: bool,
    /// What it is.
    pub kind: TypeKind,
}

/// Shapes of named types.
#[derive(Debug, Clone, PartialEq)]
pub enum TypeKind {
    /// An object with known properties.
    Struct(Struct),
    /// A string enum (with a catch-all for values added later).
    StringEnum(StringEnum),
    /// A named alias for another type (`type KubeclusterId = String;`).
    Alias(TypeRef),
    /// A value of one of several types (`oneOf` / `anyOf`), tried in order.
    Union(Union),
    /// An integer enum (with a catch-all for values added later).
    IntEnum(IntEnum),
    /// A `oneOf`/`anyOf` with a `discriminator`: the tag property picks the variant.
    Tagged(Tagged),
}

/// An integer enum.
#[derive(Debug, Clone, PartialEq)]
pub struct IntEnum {
    /// (Rust variant name, value), in document order.
    pub variants: Vec<(String, i64)>,
    /// Name of the variant holding values this version does not know.
    pub catch_all: String,
}

/// A `oneOf`/`anyOf` with a `discriminator`.
#[derive(Debug, Clone, PartialEq)]
pub struct Tagged {
    /// The tag property's wire name.
    pub property: String,
    /// Variants in document order.
    pub variants: Vec<TaggedVariant>,
    /// Name of the variant holding objects whose tag this version does not know.
    pub catch_all: String,
}

/// One variant of a [`Tagged`] union.
#[derive(Debug, Clone, PartialEq)]
pub struct TaggedVariant {
    /// Rust variant name.
    pub rust_name: String,
    /// The tag values naming it (the first is written when serializing).
    pub tags: Vec<String>,
    /// Its type (a named struct).
    pub ty: TypeRef,
    /// Whether that struct has the tag property itself (else serializing adds it).
    pub has_property: bool,
}

/// `oneOf` / `anyOf`: an untagged enum whose variants are tried in order.
#[derive(Debug, Clone, PartialEq)]
pub struct Union {
    /// (Rust variant name, type) in document order.
    pub variants: Vec<(String, TypeRef)>,
}

/// An object type.
#[derive(Debug, Clone, PartialEq)]
pub struct Struct {
    /// Fields in document order.
    pub fields: Vec<Field>,
    /// What happens to properties not among the fields.
    pub additional: Additional,
}

/// Properties of an object beyond its declared ones.
#[derive(Debug, Clone, PartialEq)]
pub enum Additional {
    /// The document says nothing: decoding skips them.
    Unspecified,
    /// `additionalProperties: false`: decoding still skips them (never an error).
    Forbidden,
    /// `additionalProperties: true` or a schema: kept in a map field of this Rust name
    /// and value type, flattened into the object.
    Typed(String, TypeRef),
    /// Not declared, but the type is read and written back (a GET → PUT resource): kept
    /// in a JSON map field of this Rust name, so a round trip loses nothing.
    Preserved(String),
}

/// One property.
#[derive(Debug, Clone, PartialEq)]
pub struct Field {
    /// Rust field name (possibly raw, `r#type`).
    pub rust_name: String,
    /// JSON property name.
    pub wire_name: String,
    /// The value type (without the `Option` that optionality adds).
    pub ty: TypeRef,
    /// Listed in `required`.
    pub required: bool,
    /// `nullable: true`.
    pub nullable: bool,
    /// `readOnly: true`: sent by the server only, never serialized in requests.
    pub read_only: bool,
    /// Doc text.
    pub docs: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// Held in a `Box` because the type contains itself through this field.
    pub boxed: bool,
    /// `writeOnly: true`: sent in requests, absent from responses.
    pub write_only: bool,
    /// The document's `default`, when it is a scalar of the field's type: the field stays
    /// an `Option` (absent is sent as absent, so a PATCH never overwrites a value the
    /// caller did not set) and `{field}_or_default()` reads it with the default applied.
    pub default: Option<serde_json::Value>,
}

/// How a property is held, from `required`, `nullable`, `readOnly`, `writeOnly` and
/// `default`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldShape {
    /// `T`: required and never null.
    Plain,
    /// `Option<T>`: optional (not sent when `None`), required but nullable (sent as
    /// `null`), read-only, or write-only.
    Option,
    /// `Nullable<T>`: optional *and* nullable, so absent, `null` and a value differ.
    Nullable,
}

impl Field {
    /// How the field is held.
    pub fn shape(&self) -> FieldShape {
        if self.read_only {
            return FieldShape::Option;
        }
        match (self.required && !self.write_only, self.nullable) {
            (true, false) => FieldShape::Plain,
            (true, true) => FieldShape::Option,
            (false, true) => FieldShape::Nullable,
            (false, false) => FieldShape::Option,
        }
    }

    /// Whether the Rust field is an `Option`.
    pub fn is_option(&self) -> bool {
        self.shape() == FieldShape::Option
    }

    /// Whether a missing property decodes (anything but [`FieldShape::Plain`]).
    pub fn may_be_missing(&self) -> bool {
        self.shape() != FieldShape::Plain
    }
}

/// A string enum.
#[derive(Debug, Clone, PartialEq)]
pub struct StringEnum {
    /// Known values.
    pub variants: Vec<Variant>,
    /// Name of the variant holding values this version does not know (`Unknown`, or
    /// `Other` when a known value is itself called "unknown").
    pub catch_all: String,
}

/// One enum value.
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// Rust variant name.
    pub rust_name: String,
    /// Value on the wire.
    pub wire_value: String,
}

/// A reference to a type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum TypeRef {
    /// A named type in `models`.
    Named(String),
    /// `String`.
    String,
    /// `bool`.
    Bool,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `u32` (`format: uint32`).
    U32,
    /// `u64` (`format: uint64`).
    U64,
    /// `f32`.
    F32,
    /// `f64`.
    F64,
    /// `format: date-time`: `cloudgen_runtime::DateTime` (chrono, UTC).
    DateTime,
    /// `format: date`: `cloudgen_runtime::Date`.
    Date,
    /// `format: uuid`: `cloudgen_runtime::Uuid`.
    Uuid,
    /// `format: byte`: `cloudgen_runtime::Base64` (bytes carried as base64 text).
    Base64,
    /// `Vec<T>`.
    Vec(Box<TypeRef>),
    /// `BTreeMap<String, T>`.
    Map(Box<TypeRef>),
    /// A free-form JSON object: `serde_json::Map<String, Value>`.
    JsonObject,
    /// Any JSON value.
    Json,
    /// `Box<T>`: breaks a by-value cycle (union variants).
    Boxed(Box<TypeRef>),
}

impl TypeRef {
    /// Pushes the named types this type holds (through `Vec`, maps and boxes) onto `out`.
    pub fn named_into<'t>(&'t self, out: &mut Vec<&'t str>) {
        match self {
            Self::Named(n) => out.push(n),
            Self::Vec(inner) | Self::Map(inner) | Self::Boxed(inner) => inner.named_into(out),
            _ => {}
        }
    }
}

/// The type `ty` stands for once aliases are followed (a bounded number of them, so an
/// alias cycle stops).
pub fn through_aliases<'t>(
    types: &'t BTreeMap<String, TypeDef>,
    mut ty: &'t TypeRef,
) -> &'t TypeRef {
    for _ in 0..32 {
        match ty {
            TypeRef::Named(n) => match types.get(n).map(|t| &t.kind) {
                Some(TypeKind::Alias(inner)) => ty = inner,
                _ => return ty,
            },
            _ => return ty,
        }
    }
    ty
}

/// Whether a value of `ty` is written in a parameter as one piece of text (its
/// `Display`): a scalar, a string or integer enum, an alias of one, or a union
/// (`oneOf`/`anyOf`) whose every variant is one (GitHub's `workflow_id`: an integer or a
/// file name).
pub fn writes_as_text(types: &BTreeMap<String, TypeDef>, ty: &TypeRef) -> bool {
    /// Aliases and unions can name each other; deeper than this is a cycle.
    const MAX_DEPTH: usize = 16;
    fn walk(types: &BTreeMap<String, TypeDef>, ty: &TypeRef, depth: usize) -> bool {
        match ty {
            TypeRef::String
            | TypeRef::Bool
            | TypeRef::I32
            | TypeRef::I64
            | TypeRef::U32
            | TypeRef::U64
            | TypeRef::F32
            | TypeRef::F64
            | TypeRef::DateTime
            | TypeRef::Date
            | TypeRef::Uuid
            | TypeRef::Base64 => true,
            TypeRef::Named(name) if depth < MAX_DEPTH => {
                match types.get(name).map(|def| &def.kind) {
                    Some(TypeKind::StringEnum(_) | TypeKind::IntEnum(_)) => true,
                    Some(TypeKind::Alias(inner)) => walk(types, inner, depth + 1),
                    Some(TypeKind::Union(u)) => {
                        !u.variants.is_empty()
                            && u.variants.iter().all(|(_, v)| walk(types, v, depth + 1))
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }
    walk(types, ty, 0)
}

impl TypeDef {
    /// The named types a value of this type holds directly (fields, extra-property
    /// values, variants, the aliased type).
    pub fn children(&self) -> Vec<&str> {
        let mut out = Vec::new();
        match &self.kind {
            TypeKind::Struct(s) => {
                s.fields.iter().for_each(|f| f.ty.named_into(&mut out));
                if let Additional::Typed(_, ty) = &s.additional {
                    ty.named_into(&mut out);
                }
            }
            TypeKind::Alias(ty) => ty.named_into(&mut out),
            TypeKind::Union(u) => u
                .variants
                .iter()
                .for_each(|(_, ty)| ty.named_into(&mut out)),
            TypeKind::Tagged(t) => t.variants.iter().for_each(|v| v.ty.named_into(&mut out)),
            TypeKind::StringEnum(_) | TypeKind::IntEnum(_) => {}
        }
        out
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ParamLocation {
    /// Path segment.
    Path,
    /// Query string.
    Query,
    /// Header.
    Header,
    /// Cookie (all of a request's cookies share one `Cookie` header).
    Cookie,
}

/// An operation parameter.
#[derive(Debug, Clone, PartialEq)]
pub struct Param {
    /// Rust name (unique within the operation's builder).
    pub rust_name: String,
    /// Name on the wire.
    pub wire_name: String,
    /// Where.
    pub location: ParamLocation,
    /// Value type.
    pub ty: TypeRef,
    /// Required by the document.
    pub required: bool,
    /// Doc text.
    pub docs: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// For array parameters: how the values are written.
    pub array: Option<ArrayStyle>,
    /// For an object parameter: how it is written.
    pub object_style: Option<ObjectParam>,
}

/// How an object parameter is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ObjectParam {
    /// In the query, in this `rt::ObjectStyle` (`FormExploded`, `Form`, `DeepObject`,
    /// `SpaceDelimited`, `PipeDelimited`).
    Query(&'static str),
    /// As one string in this `rt::ObjectPlace` (`Path`, `Header`, `Cookie`).
    Joined {
        /// The place.
        place: &'static str,
        /// `a=1,b=2` rather than `a,1,b,2`.
        exploded: bool,
    },
    /// Declared with `content: application/json`: its JSON text as one string in this
    /// `rt::ObjectPlace` (`Path`, `Query`, `Header`, `Cookie`). Any value but a scalar,
    /// which is written as plain text.
    Json {
        /// The place.
        place: &'static str,
    },
}

/// The body of a request.
#[derive(Debug, Clone, PartialEq)]
pub struct Body {
    /// How it is sent.
    pub kind: BodyKind,
    /// Required by the document.
    pub required: bool,
    /// Doc text.
    pub docs: Option<String>,
    /// Media types the document also accepts, not offered by this client (for docs).
    pub other_media: Vec<String>,
    /// When the document accepts several media types: the enum the caller picks one
    /// with (`kind` is its first variant, the default).
    pub choices: Option<BodyChoices>,
}

/// The media types a request body may be sent as, as a generated enum.
#[derive(Debug, Clone, PartialEq)]
pub struct BodyChoices {
    /// The enum's name (`CreatePetContent`).
    pub name: String,
    /// (variant name, media type as in the document, encoding), the default first.
    pub variants: Vec<(String, String, BodyKind)>,
}

/// Request body encodings.
#[derive(Debug, Clone, PartialEq)]
pub enum BodyKind {
    /// JSON (`application/json` or another `*+json` media type).
    Json {
        /// Value type.
        ty: TypeRef,
        /// Media type sent as `Content-Type`.
        media: String,
    },
    /// `application/x-www-form-urlencoded` fields of a flat object.
    Form(TypeRef),
    /// `multipart/form-data`: the caller builds the parts.
    Multipart {
        /// The fields the document lists: (name, is a file, required).
        fields: Vec<(String, bool, bool)>,
    },
    /// Raw bytes with this media type (`application/octet-stream`, images, ...).
    Binary {
        /// Media type.
        media: String,
    },
    /// Text with this media type.
    Text {
        /// Media type.
        media: String,
    },
}

impl BodyKind {
    /// The model type the body carries, if any.
    pub fn model(&self) -> Option<&TypeRef> {
        match self {
            Self::Json { ty, .. } | Self::Form(ty) => Some(ty),
            _ => None,
        }
    }
}

/// What a successful call returns.
#[derive(Debug, Clone, PartialEq)]
pub enum Success {
    /// No body (or one the client ignores).
    Empty,
    /// A JSON body of this type.
    Json(TypeRef),
    /// A JSON body of this type, or no body (the document declares both, e.g. `200` with
    /// a body and `204`): `Option<T>`.
    JsonOrEmpty(TypeRef),
    /// Several 2xx answers with different JSON bodies (e.g. `200` with the resource and
    /// `201` with a creation receipt): an enum with a variant per status, plus one keeping
    /// an undeclared 2xx answer whole.
    ByStatus {
        /// The enum's name (unique among the builders of the crate).
        name: String,
        /// The declared answers, in status order.
        cases: Vec<StatusCase>,
    },
    /// A binary body, streamed; `accept` lists the declared media types.
    Binary {
        /// The `Accept` header to send.
        accept: String,
    },
    /// A text body; `accept` lists the declared media types.
    Text {
        /// The `Accept` header to send.
        accept: String,
    },
}

/// One declared answer of [`Success::ByStatus`].
#[derive(Debug, Clone, PartialEq)]
pub struct StatusCase {
    /// The HTTP status.
    pub status: u16,
    /// The enum variant (`Created` for 201).
    pub variant: String,
    /// The JSON body's type; `None` when the answer has no body.
    pub body: Option<TypeRef>,
    /// The response's description, for docs.
    pub docs: Option<String>,
}

/// How an array parameter is written (OpenAPI `style` / `explode`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArrayStyle {
    /// Repeat the parameter once per value (`?id=1&id=2`).
    pub explode: bool,
    /// Otherwise, the delimiter between values (`,`, ` `, `|`).
    pub delimiter: &'static str,
}

/// Pagination facts for a list operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Pagination {
    /// What a page looks like.
    pub page: PageShape,
    /// The item type.
    pub item_type: TypeRef,
    /// How the next page is found.
    pub strategy: PageStrategy,
}

/// The shape of a list response.
#[derive(Debug, Clone, PartialEq)]
pub enum PageShape {
    /// A model struct (in `crate::models`) with an array field.
    Model {
        /// The struct's name.
        name: String,
        /// The items field, and whether it is an `Option`.
        items_field: (String, bool),
    },
    /// A bare JSON array; the generator adds a transparent newtype with this name in
    /// `crate::pagination` to carry the `Page` impl.
    Array {
        /// The newtype's name.
        name: String,
    },
}

impl PageShape {
    /// The page type's name.
    pub fn name(&self) -> &str {
        match self {
            PageShape::Model { name, .. } | PageShape::Array { name } => name,
        }
    }
}

/// How a page says where the next one is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageStrategy {
    /// A link to the next page, at `cursor`: field steps (name, is_option) ending in a
    /// string.
    NextLink {
        /// Path to the link.
        cursor: Vec<(String, bool)>,
    },
    /// A token to send back in query parameter `param`, at `cursor`.
    Token {
        /// Query parameter name.
        param: String,
        /// Path to the token.
        cursor: Vec<(String, bool)>,
    },
    /// Skip/limit: add the page's item count to query parameter `param`.
    Offset {
        /// Query parameter holding the offset.
        param: String,
        /// Query parameter holding the page size, if the operation has one.
        limit_param: Option<String>,
    },
}

/// What puts an operation in its module (`operations.group_by` in the settings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Grouping {
    /// The operation's first tag (`other` when it has none).
    Tag(String),
    /// The first segment of its path that is neither a version nor a parameter.
    Path(String),
}

/// One API operation.
#[derive(Debug, Clone, PartialEq)]
pub struct Operation {
    /// Rust method name (snake case).
    pub rust_name: String,
    /// Builder type name (upper camel case).
    pub builder_name: String,
    /// The (normalized) operationId.
    pub operation_id: String,
    /// Where in the document (`/paths/~1v1~1things/get`).
    pub origin: String,
    /// HTTP method, upper case.
    pub method: String,
    /// Path template as in the document.
    pub path: String,
    /// Module (from the first tag, or the path: see [`Grouping`]).
    pub module: String,
    /// What put the operation in its module, as the document writes it.
    pub group: Grouping,
    /// `summary`.
    pub summary: Option<String>,
    /// `description`.
    pub description: Option<String>,
    /// Deprecated.
    pub deprecated: bool,
    /// Parameters in document order (path, query, header).
    pub params: Vec<Param>,
    /// The If-Match header parameter, when the vendor's ETag policy covers it:
    /// `Some(required)`.
    pub if_match: Option<bool>,
    /// Request body.
    pub body: Option<Body>,
    /// Success response.
    pub success: Success,
    /// Pagination, for list operations.
    pub pagination: Option<Pagination>,
    /// For a PUT guarded by `If-Match` whose resource a GET on the same path returns: the
    /// read-modify-write helper to generate.
    pub read_modify_write: Option<ReadModifyWrite>,
    /// The success body is this wrapper struct's one field (`success` is the field's
    /// type): (wrapper type, field's Rust name).
    pub unwrap: Option<(String, String)>,
    /// Not in the vendor's published document: added by the project's declared fixes.
    pub added_by_fixes: bool,
    /// The success body is the vendor's "task accepted" answer: the builder also gets
    /// `send_and_wait()`.
    pub returns_task: bool,
    /// The operation's own server URL (from `servers` on the operation or its path), when
    /// it differs from the client's base URL.
    pub server: Option<String>,
    /// Error answers the document declares with a JSON body, in match order (codes,
    /// ranges, `default`); empty when the crate's error envelope already covers them all.
    pub errors: Vec<ErrorCase>,
    /// The enum the declared error bodies decode into (`GetPetError`), when `errors` is
    /// not empty.
    pub error_enum: Option<String>,
}

/// Which error statuses an [`ErrorCase`] covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum ErrorStatus {
    /// One status code.
    Code(u16),
    /// `4XX` (4) or `5XX` (5).
    Range(u16),
    /// `default`: every other error status.
    Default,
}

/// One declared error answer.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorCase {
    /// The statuses it covers.
    pub status: ErrorStatus,
    /// The enum variant (`NotFound`, `ClientError`, `Default`).
    pub variant: String,
    /// The body's type.
    pub ty: TypeRef,
    /// The response's description.
    pub docs: Option<String>,
}

/// A generated `replace_x_with(id, |resource| ...)` helper.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadModifyWrite {
    /// The helper's method name.
    pub method: String,
    /// The GET operation's method name.
    pub get_method: String,
    /// The resource type.
    pub resource: TypeRef,
}
