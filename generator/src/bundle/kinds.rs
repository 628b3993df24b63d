//! What kind of OpenAPI object sits at each place of a document, so a `$ref` to another
//! file can be given a home of the right kind (`components/schemas`, `…/parameters`, …)
//! and so `$ref`s inside example values and extensions are never followed.

/// The document's major version, which decides where components live.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Version {
    /// Swagger 2.0: `definitions`, `parameters`, `responses` at the top level.
    Swagger2,
    /// OpenAPI 3.x: everything under `components`.
    OpenApi3,
}

/// The OpenAPI object expected at a place in the document.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The document itself.
    Root,
    /// `components`.
    Components,
    /// A path item (`paths/*`, `webhooks/*`, a callback's entries).
    PathItem,
    /// An operation under a path item.
    Operation,
    /// A callback: a map of expressions to path items.
    Callback,
    /// A parameter.
    Parameter,
    /// A request body (3.x).
    RequestBody,
    /// A response.
    Response,
    /// A media type under `content`.
    MediaType,
    /// An encoding entry of a media type.
    Encoding,
    /// A header.
    Header,
    /// A schema.
    Schema,
    /// An example object (its `value` is data).
    Example,
    /// A link.
    Link,
    /// A security scheme.
    SecurityScheme,
}

/// How a child value holds objects of a kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    /// The value is one object of the kind (or, for `items`, possibly a list of them).
    One(Kind),
    /// The value maps names to objects of the kind.
    Map(Kind),
    /// The value is a list of objects of the kind.
    List(Kind),
}

/// HTTP methods that name operations in a path item.
const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// What the child `key` of an object of kind `parent` holds; `None` means nothing to
/// follow there (data, extensions, or keys that hold no references).
pub(crate) fn child(parent: Kind, key: &str, version: Version) -> Option<Shape> {
    use Kind::*;
    use Shape::{List, Map, One};
    if key.starts_with("x-") {
        return None;
    }
    Some(match (parent, key) {
        (Root, "paths" | "webhooks") => Map(PathItem),
        (Root, "components") if version == Version::OpenApi3 => One(Components),
        (Root, "definitions") if version == Version::Swagger2 => Map(Schema),
        (Root, "parameters") if version == Version::Swagger2 => Map(Parameter),
        (Root, "responses") if version == Version::Swagger2 => Map(Response),
        (Components, "schemas") => Map(Schema),
        (Components, "parameters") => Map(Parameter),
        (Components, "responses") => Map(Response),
        (Components, "requestBodies") => Map(RequestBody),
        (Components, "headers") => Map(Header),
        (Components, "examples") => Map(Example),
        (Components, "securitySchemes") => Map(SecurityScheme),
        (Components, "links") => Map(Link),
        (Components, "callbacks") => Map(Callback),
        (Components, "pathItems") => Map(PathItem),
        (PathItem | Operation, "parameters") => List(Parameter),
        (PathItem, method) if METHODS.contains(&method) => One(Operation),
        (Operation, "requestBody") => One(RequestBody),
        (Operation, "responses") => Map(Response),
        (Operation, "callbacks") => Map(Callback),
        (Callback, _) => One(PathItem),
        (Parameter | Header, "schema" | "items") => One(Schema),
        (Parameter | Header | MediaType, "examples") if version == Version::OpenApi3 => {
            Map(Example)
        }
        (Parameter | Header | RequestBody | Response, "content") => Map(MediaType),
        (MediaType, "schema") => One(Schema),
        (MediaType, "encoding") => Map(Encoding),
        (Encoding | Response, "headers") => Map(Header),
        (Response, "links") => Map(Link),
        (Response, "schema") => One(Schema),
        (
            Schema,
            "properties" | "patternProperties" | "$defs" | "definitions" | "dependentSchemas",
        ) => Map(Schema),
        (Schema, "allOf" | "oneOf" | "anyOf" | "prefixItems") => List(Schema),
        (
            Schema,
            "items"
            | "additionalProperties"
            | "additionalItems"
            | "not"
            | "if"
            | "then"
            | "else"
            | "contains"
            | "propertyNames"
            | "unevaluatedProperties"
            | "unevaluatedItems",
        ) => One(Schema),
        _ => return None,
    })
}

/// Where objects of `kind` are kept in a document of `version` (a JSON pointer to the
/// map), or `None` when the kind has no such place and a reference is copied in.
pub(crate) fn home(kind: Kind, version: Version) -> Option<&'static str> {
    use Kind::*;
    match version {
        Version::Swagger2 => match kind {
            Schema => Some("/definitions"),
            Parameter => Some("/parameters"),
            Response => Some("/responses"),
            _ => None,
        },
        Version::OpenApi3 => match kind {
            Schema => Some("/components/schemas"),
            Parameter => Some("/components/parameters"),
            Response => Some("/components/responses"),
            RequestBody => Some("/components/requestBodies"),
            Header => Some("/components/headers"),
            Example => Some("/components/examples"),
            SecurityScheme => Some("/components/securitySchemes"),
            Link => Some("/components/links"),
            Callback => Some("/components/callbacks"),
            // 3.0 has no `components/pathItems`; operations are never components.
            Root | Components | PathItem | Operation | MediaType | Encoding => None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_values_and_extensions_are_not_followed() {
        let v3 = Version::OpenApi3;
        assert_eq!(child(Kind::Schema, "example", v3), None);
        assert_eq!(child(Kind::Schema, "default", v3), None);
        assert_eq!(child(Kind::Schema, "enum", v3), None);
        assert_eq!(child(Kind::Example, "value", v3), None);
        assert_eq!(child(Kind::Operation, "x-code-samples", v3), None);
        // Swagger 2.0 response examples are data keyed by media type.
        assert_eq!(child(Kind::Response, "examples", Version::Swagger2), None);
    }

    #[test]
    fn components_differ_by_version() {
        assert_eq!(
            child(Kind::Root, "definitions", Version::Swagger2),
            Some(Shape::Map(Kind::Schema))
        );
        assert_eq!(child(Kind::Root, "definitions", Version::OpenApi3), None);
        assert_eq!(home(Kind::Schema, Version::Swagger2), Some("/definitions"));
        assert_eq!(
            home(Kind::RequestBody, Version::OpenApi3),
            Some("/components/requestBodies")
        );
        assert_eq!(home(Kind::PathItem, Version::OpenApi3), None);
    }
}
