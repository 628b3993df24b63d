//! Typed values for the query parameters of APIs built on Python Eve (CloudCasa):
//! `where` ([`Filter`], a MongoDB query), `sort` ([`Sort`]), `projection`
//! ([`Projection`]) and `embedded` ([`Embedded`]), so that nobody writes JSON by hand in
//! a query string.
//!
//! Each type renders the exact text the parameter takes, through [`Display`] and
//! `From<T> for String`, so it plugs into every generated setter that takes
//! `impl Into<String>`:
//!
//! ```
//! use cloudgen_runtime::eve::{Embedded, Filter, Sort};
//!
//! let filter = Filter::regex_i("name", "^prod").and(Filter::is_in("trigger_type", ["ADHOC"]));
//! assert_eq!(
//!     filter.to_string(),
//!     r#"{"name":{"$regex":"^prod","$options":"i"},"trigger_type":{"$in":["ADHOC"]}}"#
//! );
//! assert_eq!(Sort::asc("name").then_desc("_created").to_string(), "name,-_created");
//! assert_eq!(Embedded::fields(["cluster", "policy"]).to_string(), r#"{"cluster":1,"policy":1}"#);
//! // client.list_kubebackups().r#where(filter).sort(Sort::desc("_created")) ...
//! ```
//!
//! Pass the values as they are: percent-encoding is done where the request is built.
//!
//! # Output
//!
//! Compact JSON, object keys in the order they were added. This module keeps that order
//! itself rather than relying on serde_json's `preserve_order` feature (which is on or off
//! depending on what else is in the build), so the same calls always give the same text.
//! Strings are escaped by serde_json. Values given to [`Filter`] constructors are
//! converted with [`serde_json::to_value`]; a map *inside* such a value keeps
//! serde_json's own key order.
//!
//! # Unusual input (deliberate behaviour; nothing here panics)
//!
//! - Field names are written verbatim and never checked: dotted paths (`backup.cluster`)
//!   are how MongoDB reaches into sub-documents, and a name starting with `$` is read by
//!   the server as an operator.
//! - [`Filter::is_in`] with no values matches no document and [`Filter::not_in`] with none
//!   matches every document, which is what MongoDB does with `$in: []` / `$nin: []`.
//! - MongoDB rejects an empty `$and` or `$or` array, so none is ever written:
//!   [`Filter::all_of`] of no filters is the empty filter `{}` (every document, the
//!   identity of AND) and [`Filter::any_of`] of none is [`Filter::nothing`] (no document,
//!   the identity of OR).
//! - A value that cannot be serialized to JSON (a map with non-string keys, a `Serialize`
//!   impl that fails) makes the filter *invalid*: [`Filter::error`] says why, a warning is
//!   logged, combining it with other filters keeps it invalid, and it renders as
//!   `invalid filter: <reason>`, which is not JSON, so the server rejects the request (Eve
//!   answers 400 to a `where` it cannot parse) instead of matching the wrong documents.
//! - [`Sort`] keeps the first key given for a field and ignores later ones for the same
//!   field; [`Projection`] and [`Embedded`] ignore repeated fields. Eve's sort syntax has
//!   no escape, so a field name containing `,` cannot be sorted on.
//! - An empty [`Projection`] or [`Embedded`] renders as `{}`: Eve then returns its default
//!   fields, and embeds nothing.

use std::fmt::{self, Display};

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

/// A JSON value whose objects keep their keys in insertion order, whatever serde_json's
/// features are.
#[derive(Debug, Clone, PartialEq)]
enum Node {
    Value(Value),
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
}

impl Serialize for Node {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Value(value) => value.serialize(serializer),
            Node::Object(entries) => Object(entries).serialize(serializer),
            Node::Array(items) => serializer.collect_seq(items),
        }
    }
}

/// The entries of an object, serialized as a JSON object in their order.
struct Object<'a>(&'a [(String, Node)]);

impl Serialize for Object<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.0.len()))?;
        for (key, value) in self.0 {
            map.serialize_entry(key, value)?;
        }
        map.end()
    }
}

/// Writes `value` as compact JSON, or `invalid <what>: <reason>` if serde_json refuses it
/// (it cannot for the values this module builds; a formatter error would panic in
/// `to_string`, so none is returned).
fn write_json(f: &mut fmt::Formatter<'_>, value: &impl Serialize, what: &str) -> fmt::Result {
    match serde_json::to_string(value) {
        Ok(json) => f.write_str(&json),
        Err(error) => write!(f, "invalid {what}: {error}"),
    }
}

/// `{"<field>": <flag>, ...}` for each distinct field, in order.
fn flags(fields: &[String], flag: u8) -> Node {
    Node::Object(
        fields
            .iter()
            .map(|field| (field.clone(), Node::Value(Value::from(flag))))
            .collect(),
    )
}

/// Appends `field` unless it is already there.
fn push_distinct(fields: &mut Vec<String>, field: String) {
    if !fields.contains(&field) {
        fields.push(field);
    }
}

/// A MongoDB query document for Eve's `where` parameter.
///
/// Build one from the constructors (one condition on one field each) and combine them
/// with [`and`](Self::and), [`or`](Self::or), [`all_of`](Self::all_of) and
/// [`any_of`](Self::any_of). [`Filter::new`] (also `Default`) is the empty filter `{}`,
/// which matches every document.
///
/// ```
/// use cloudgen_runtime::eve::Filter;
///
/// // Conditions on different fields merge into one document (an implicit AND) ...
/// let f = Filter::eq("cluster", "5f612ab693eac38c72ff0b74").and(Filter::exists("migrationdef", false));
/// assert_eq!(f.to_string(), r#"{"cluster":"5f612ab693eac38c72ff0b74","migrationdef":{"$exists":false}}"#);
///
/// // ... and conditions on the same field become an explicit `$and`.
/// let f = Filter::gt("start_time", 1_700_000_000).and(Filter::lt("start_time", 1_700_086_400));
/// assert_eq!(
///     f.to_string(),
///     r#"{"$and":[{"start_time":{"$gt":1700000000}},{"start_time":{"$lt":1700086400}}]}"#
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Filter {
    clauses: Vec<(String, Node)>,
    /// Why the filter cannot be rendered (a value failed to serialize).
    invalid: Option<String>,
}

impl Filter {
    /// The empty filter `{}`: matches every document.
    pub fn new() -> Self {
        Self::default()
    }

    /// A filter that matches no document: `{"_id":{"$in":[]}}` (every Eve document has
    /// an `_id`). This is what [`any_of`](Self::any_of) gives for no filters.
    pub fn nothing() -> Self {
        Self::condition("_id", "$in", Ok(Value::Array(Vec::new())))
    }

    /// `{"<field>": <value>}`: `field` equals `value` (any serializable value; on an
    /// array field, MongoDB also matches arrays that contain `value`).
    ///
    /// A JSON object as `value` means "equal to this sub-document", unless its keys start
    /// with `$`, which the server reads as operators; [`operator`](Self::operator) says
    /// that explicitly.
    pub fn eq(field: impl Into<String>, value: impl Serialize) -> Self {
        let field = field.into();
        match serde_json::to_value(value) {
            Ok(value) => Self {
                clauses: vec![(field, Node::Value(value))],
                invalid: None,
            },
            Err(error) => Self::invalid(&field, &error),
        }
    }

    /// `{"<field>": {"<op>": <value>}}` for any MongoDB query operator `op` (written
    /// verbatim, e.g. `"$elemMatch"`); the other constructors are shorthands for this.
    pub fn operator(
        field: impl Into<String>,
        op: impl Into<String>,
        value: impl Serialize,
    ) -> Self {
        Self::condition_owned(field.into(), op.into(), serde_json::to_value(value))
    }

    /// `{"<field>": {"$ne": <value>}}`: `field` differs from `value` (or is missing).
    pub fn ne(field: impl Into<String>, value: impl Serialize) -> Self {
        Self::condition(field, "$ne", serde_json::to_value(value))
    }

    /// `{"<field>": {"$gt": <value>}}`: greater than.
    pub fn gt(field: impl Into<String>, value: impl Serialize) -> Self {
        Self::condition(field, "$gt", serde_json::to_value(value))
    }

    /// `{"<field>": {"$gte": <value>}}`: greater than or equal.
    pub fn gte(field: impl Into<String>, value: impl Serialize) -> Self {
        Self::condition(field, "$gte", serde_json::to_value(value))
    }

    /// `{"<field>": {"$lt": <value>}}`: less than.
    pub fn lt(field: impl Into<String>, value: impl Serialize) -> Self {
        Self::condition(field, "$lt", serde_json::to_value(value))
    }

    /// `{"<field>": {"$lte": <value>}}`: less than or equal.
    pub fn lte(field: impl Into<String>, value: impl Serialize) -> Self {
        Self::condition(field, "$lte", serde_json::to_value(value))
    }

    /// `{"<field>": {"$in": [<values>...]}}`: `field` equals one of `values`. With no
    /// values it matches no document.
    pub fn is_in<I>(field: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: Serialize,
    {
        Self::condition(field, "$in", to_array(values))
    }

    /// `{"<field>": {"$nin": [<values>...]}}`: `field` equals none of `values`. With no
    /// values it matches every document.
    pub fn not_in<I>(field: impl Into<String>, values: I) -> Self
    where
        I: IntoIterator,
        I::Item: Serialize,
    {
        Self::condition(field, "$nin", to_array(values))
    }

    /// `{"<field>": {"$exists": <exists>}}`: whether the document has `field` at all.
    pub fn exists(field: impl Into<String>, exists: bool) -> Self {
        Self::condition(field, "$exists", Ok(Value::Bool(exists)))
    }

    /// `{"<field>": {"$regex": "<pattern>"}}`: `field` matches the regular expression
    /// `pattern` (PCRE syntax, unanchored; written verbatim).
    pub fn regex(field: impl Into<String>, pattern: impl Into<String>) -> Self {
        Self::condition(field, "$regex", Ok(Value::String(pattern.into())))
    }

    /// `{"<field>": {"$regex": "<pattern>", "$options": "i"}}`: like
    /// [`regex`](Self::regex), ignoring case.
    pub fn regex_i(field: impl Into<String>, pattern: impl Into<String>) -> Self {
        Self {
            clauses: vec![(
                field.into(),
                Node::Object(vec![
                    (
                        "$regex".to_owned(),
                        Node::Value(Value::String(pattern.into())),
                    ),
                    (
                        "$options".to_owned(),
                        Node::Value(Value::String("i".to_owned())),
                    ),
                ]),
            )],
            invalid: None,
        }
    }

    /// `{"$and": [<filters>...]}`: every filter matches. With no filters this is the empty
    /// filter `{}` (every document), never an empty `$and`, which MongoDB rejects.
    pub fn all_of(filters: impl IntoIterator<Item = Filter>) -> Self {
        Self::combine("$and", filters).unwrap_or_default()
    }

    /// `{"$or": [<filters>...]}`: at least one filter matches. With no filters this is
    /// [`Filter::nothing`] (no document), never an empty `$or`, which MongoDB rejects.
    pub fn any_of(filters: impl IntoIterator<Item = Filter>) -> Self {
        Self::combine("$or", filters).unwrap_or_else(Self::nothing)
    }

    /// Both `self` and `other` match. When their top-level keys are all different, the
    /// conditions are merged into one document (MongoDB ANDs the keys of a document);
    /// when a key appears in both, the result is `{"$and": [self, other]}` (extending
    /// `self`'s array when `self` is already exactly one `$and`).
    pub fn and(mut self, other: Filter) -> Self {
        if self.invalid.is_some() {
            return self;
        }
        if other.invalid.is_some() {
            return other;
        }
        let collides = other
            .clauses
            .iter()
            .any(|(key, _)| self.clauses.iter().any(|(own, _)| own == key));
        if !collides {
            self.clauses.extend(other.clauses);
            return self;
        }
        self.extend_or_wrap("$and", other)
    }

    /// `self` or `other` matches: `{"$or": [self, other]}`, extending `self`'s array when
    /// `self` is already exactly one `$or` (so `a.or(b).or(c)` is one `$or` of three).
    pub fn or(self, other: Filter) -> Self {
        if self.invalid.is_some() {
            return self;
        }
        if other.invalid.is_some() {
            return other;
        }
        self.extend_or_wrap("$or", other)
    }

    /// Whether this is the empty filter `{}` (matches every document).
    pub fn is_empty(&self) -> bool {
        self.clauses.is_empty() && self.invalid.is_none()
    }

    /// Why this filter is invalid (a value could not be serialized to JSON), if it is.
    /// An invalid filter renders as `invalid filter: <reason>`, which the server rejects.
    pub fn error(&self) -> Option<&str> {
        self.invalid.as_deref()
    }

    /// `{"<field>": {"<op>": <value>}}`.
    fn condition(
        field: impl Into<String>,
        op: &'static str,
        value: Result<Value, serde_json::Error>,
    ) -> Self {
        Self::condition_owned(field.into(), op.to_owned(), value)
    }

    fn condition_owned(field: String, op: String, value: Result<Value, serde_json::Error>) -> Self {
        match value {
            Ok(value) => Self {
                clauses: vec![(field, Node::Object(vec![(op, Node::Value(value))]))],
                invalid: None,
            },
            Err(error) => Self::invalid(&field, &error),
        }
    }

    fn invalid(field: &str, error: &serde_json::Error) -> Self {
        tracing::warn!(field, %error, "Eve filter value cannot be serialized to JSON");
        Self {
            clauses: Vec::new(),
            invalid: Some(format!(
                "the value for `{field}` cannot be serialized: {error}"
            )),
        }
    }

    /// `{"<op>": [<filters>...]}`; `None` when there are no filters; the first invalid
    /// filter when there is one.
    fn combine(op: &str, filters: impl IntoIterator<Item = Filter>) -> Option<Self> {
        let mut items = Vec::new();
        for filter in filters {
            if filter.invalid.is_some() {
                return Some(filter);
            }
            items.push(Node::Object(filter.clauses));
        }
        if items.is_empty() {
            return None;
        }
        Some(Self {
            clauses: vec![(op.to_owned(), Node::Array(items))],
            invalid: None,
        })
    }

    /// Appends `other` to `self`'s `op` array when `self` is exactly one `op` clause, else
    /// gives `{"<op>": [self, other]}`. Both must be valid.
    fn extend_or_wrap(mut self, op: &str, other: Filter) -> Self {
        if let [(key, Node::Array(items))] = self.clauses.as_mut_slice() {
            if key == op {
                items.push(Node::Object(other.clauses));
                return self;
            }
        }
        Self {
            clauses: vec![(
                op.to_owned(),
                Node::Array(vec![
                    Node::Object(self.clauses),
                    Node::Object(other.clauses),
                ]),
            )],
            invalid: None,
        }
    }
}

/// The values as one JSON array; the first value that fails to serialize fails it.
fn to_array<I>(values: I) -> Result<Value, serde_json::Error>
where
    I: IntoIterator,
    I::Item: Serialize,
{
    values
        .into_iter()
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()
        .map(Value::Array)
}

impl Display for Filter {
    /// Compact JSON, or `invalid filter: <reason>` (see [`Filter::error`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.invalid {
            Some(reason) => write!(f, "invalid filter: {reason}"),
            None => write_json(f, &Object(&self.clauses), "filter"),
        }
    }
}

/// Sort keys for Eve's `sort` parameter, in priority order.
///
/// Renders Eve's comma-separated form: a field name sorts ascending, `-` before it
/// descending, e.g. `name,-_created` (CloudCasa's documentation and API document use
/// `sort=-_created` and `city,-lastname`).
///
/// ```
/// use cloudgen_runtime::eve::Sort;
///
/// assert_eq!(Sort::desc("_created").to_string(), "-_created");
/// assert_eq!(Sort::asc("name").then_desc("_created").to_string(), "name,-_created");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Sort {
    /// Field and whether it sorts descending.
    keys: Vec<(String, bool)>,
}

impl Sort {
    /// Sorts by `field`, ascending.
    pub fn asc(field: impl Into<String>) -> Self {
        Self {
            keys: vec![(field.into(), false)],
        }
    }

    /// Sorts by `field`, descending (`-field`).
    pub fn desc(field: impl Into<String>) -> Self {
        Self {
            keys: vec![(field.into(), true)],
        }
    }

    /// Then by `field`, ascending (ignored if `field` is already a key).
    pub fn then_asc(self, field: impl Into<String>) -> Self {
        self.then(field.into(), false)
    }

    /// Then by `field`, descending (ignored if `field` is already a key).
    pub fn then_desc(self, field: impl Into<String>) -> Self {
        self.then(field.into(), true)
    }

    fn then(mut self, field: String, descending: bool) -> Self {
        if !self.keys.iter().any(|(own, _)| *own == field) {
            self.keys.push((field, descending));
        }
        self
    }
}

impl Display for Sort {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, (field, descending)) in self.keys.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            if *descending {
                f.write_str("-")?;
            }
            f.write_str(field)?;
        }
        Ok(())
    }
}

/// Which fields Eve's `projection` parameter returns: only some ([`include`](Self::include),
/// `{"name":1,"status":1}`) or all but some ([`exclude`](Self::exclude), `{"secret":0}`).
/// MongoDB does not mix the two, so one projection is one or the other. Eve adds its
/// metadata fields (`_id`, `_etag`, ...) either way.
///
/// ```
/// use cloudgen_runtime::eve::Projection;
///
/// assert_eq!(Projection::include(["name", "status"]).to_string(), r#"{"name":1,"status":1}"#);
/// assert_eq!(Projection::exclude(["secret"]).to_string(), r#"{"secret":0}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Projection {
    fields: Vec<String>,
    include: bool,
}

impl Projection {
    /// Only these fields (and Eve's metadata). With no fields, `{}`: Eve's default fields.
    pub fn include<I>(fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Self::new(fields, true)
    }

    /// Every field but these.
    pub fn exclude<I>(fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        Self::new(fields, false)
    }

    /// Adds `field`, included or excluded like the others.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        push_distinct(&mut self.fields, field.into());
        self
    }

    fn new<I>(fields: I, include: bool) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let mut distinct = Vec::new();
        for field in fields {
            push_distinct(&mut distinct, field.into());
        }
        Self {
            fields: distinct,
            include,
        }
    }
}

impl Display for Projection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_json(
            f,
            &flags(&self.fields, u8::from(self.include)),
            "projection",
        )
    }
}

/// Which reference fields Eve's `embedded` parameter replaces by the documents they point
/// to: `{"cluster":1,"policy":1}`. Dotted paths reach into embedded documents
/// (`backup_inst.cluster`).
///
/// ```
/// use cloudgen_runtime::eve::Embedded;
///
/// let embedded = Embedded::fields(["cluster", "backup_inst"]).field("backup_inst.cluster");
/// assert_eq!(embedded.to_string(), r#"{"cluster":1,"backup_inst":1,"backup_inst.cluster":1}"#);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Embedded {
    fields: Vec<String>,
}

impl Embedded {
    /// Embeds these fields. With no fields, `{}`: nothing is embedded.
    pub fn fields<I>(fields: I) -> Self
    where
        I: IntoIterator,
        I::Item: Into<String>,
    {
        let mut distinct = Vec::new();
        for field in fields {
            push_distinct(&mut distinct, field.into());
        }
        Self { fields: distinct }
    }

    /// Embeds `field` too.
    pub fn field(mut self, field: impl Into<String>) -> Self {
        push_distinct(&mut self.fields, field.into());
        self
    }
}

impl Display for Embedded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write_json(f, &flags(&self.fields, 1), "embedded")
    }
}

macro_rules! into_string {
    ($($ty:ty),*) => {$(
        impl From<$ty> for String {
            fn from(value: $ty) -> String {
                value.to_string()
            }
        }
        impl From<&$ty> for String {
            fn from(value: &$ty) -> String {
                value.to_string()
            }
        }
    )*};
}

into_string!(Filter, Sort, Projection, Embedded);

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use serde_json::json;

    use super::*;

    #[test]
    fn eq_takes_any_serializable_value() {
        assert_eq!(Filter::eq("name", "prod").to_string(), r#"{"name":"prod"}"#);
        assert_eq!(Filter::eq("pause", true).to_string(), r#"{"pause":true}"#);
        assert_eq!(Filter::eq("pv_count", 3).to_string(), r#"{"pv_count":3}"#);
        assert_eq!(
            Filter::eq("policy", None::<&str>).to_string(),
            r#"{"policy":null}"#
        );
        assert_eq!(
            Filter::eq("namespaces", ["a", "b"]).to_string(),
            r#"{"namespaces":["a","b"]}"#
        );
        #[derive(serde::Serialize)]
        enum State {
            #[serde(rename = "READY")]
            Ready,
        }
        assert_eq!(
            Filter::eq("state", State::Ready).to_string(),
            r#"{"state":"READY"}"#
        );
    }

    #[test]
    fn names_and_values_are_escaped() {
        let filter = Filter::eq("we\"ird\\key", "line\nbreak \u{1} naïve");
        assert_eq!(
            filter.to_string(),
            r#"{"we\"ird\\key":"line\nbreak \u0001 naïve"}"#
        );
        let parsed: Value = serde_json::from_str(&filter.to_string()).expect("valid JSON");
        assert_eq!(parsed, json!({"we\"ird\\key": "line\nbreak \u{1} naïve"}));
    }

    #[test]
    fn comparison_operators() {
        assert_eq!(
            Filter::ne("state", "READY").to_string(),
            r#"{"state":{"$ne":"READY"}}"#
        );
        assert_eq!(
            Filter::gt("start_time", 10).to_string(),
            r#"{"start_time":{"$gt":10}}"#
        );
        assert_eq!(
            Filter::gte("start_time", 10).to_string(),
            r#"{"start_time":{"$gte":10}}"#
        );
        assert_eq!(
            Filter::lt("num_errors", 1).to_string(),
            r#"{"num_errors":{"$lt":1}}"#
        );
        assert_eq!(
            Filter::lte("num_errors", 1.5).to_string(),
            r#"{"num_errors":{"$lte":1.5}}"#
        );
        assert_eq!(
            Filter::operator("is_replication", "$eq", false).to_string(),
            r#"{"is_replication":{"$eq":false}}"#
        );
    }

    #[test]
    fn membership_and_existence() {
        assert_eq!(
            Filter::is_in("state", ["READY", "PENDING"]).to_string(),
            r#"{"state":{"$in":["READY","PENDING"]}}"#
        );
        assert_eq!(
            Filter::not_in("type", vec!["DELETE_BACKUP".to_owned()]).to_string(),
            r#"{"type":{"$nin":["DELETE_BACKUP"]}}"#
        );
        assert_eq!(
            Filter::exists("migrationdef", false).to_string(),
            r#"{"migrationdef":{"$exists":false}}"#
        );
    }

    #[test]
    fn empty_membership_lists_are_kept() {
        // MongoDB: `$in: []` matches nothing, `$nin: []` everything. Both are valid.
        assert_eq!(
            Filter::is_in("state", Vec::<String>::new()).to_string(),
            r#"{"state":{"$in":[]}}"#
        );
        assert_eq!(
            Filter::not_in("state", [0u8; 0]).to_string(),
            r#"{"state":{"$nin":[]}}"#
        );
    }

    #[test]
    fn regular_expressions() {
        assert_eq!(
            Filter::regex("name", r"^prod-\d+$").to_string(),
            r#"{"name":{"$regex":"^prod-\\d+$"}}"#
        );
        assert_eq!(
            Filter::regex_i("name", "^prod").to_string(),
            r#"{"name":{"$regex":"^prod","$options":"i"}}"#
        );
    }

    #[test]
    fn and_merges_distinct_fields_in_order() {
        // Insertion order, not alphabetical, whether or not serde_json keeps order.
        let filter = Filter::eq("zeta", 1)
            .and(Filter::eq("alpha", 2))
            .and(Filter::new());
        assert_eq!(filter.to_string(), r#"{"zeta":1,"alpha":2}"#);
        assert_eq!(Filter::new().and(Filter::eq("a", 1)), Filter::eq("a", 1));
    }

    #[test]
    fn and_of_the_same_field_is_an_explicit_and() {
        let filter = Filter::gte("t", 1).and(Filter::lt("t", 5));
        assert_eq!(
            filter.to_string(),
            r#"{"$and":[{"t":{"$gte":1}},{"t":{"$lt":5}}]}"#
        );
        // A third condition on `t` no longer collides at the top level (only `$and` is
        // there), so it merges beside the `$and`: still the conjunction of all three.
        assert_eq!(
            filter.clone().and(Filter::ne("t", 3)).to_string(),
            r#"{"$and":[{"t":{"$gte":1}},{"t":{"$lt":5}}],"t":{"$ne":3}}"#
        );
        // A collision with a lone `$and` extends its array instead of nesting.
        let nested = filter.and(Filter::all_of([Filter::eq("u", 1)]));
        assert_eq!(
            nested.to_string(),
            r#"{"$and":[{"t":{"$gte":1}},{"t":{"$lt":5}},{"$and":[{"u":1}]}]}"#
        );
    }

    #[test]
    fn or_chains_into_one_array() {
        let cluster = "5f612ab693eac38c72ff0b74";
        let filter = Filter::operator("is_replication", "$eq", false)
            .and(Filter::eq("backup.cluster", cluster).or(Filter::eq("restore.cluster", cluster)));
        // Facts §2.4: the Rancher extension's kubemigrations filter, built with the helper.
        assert_eq!(
            filter.to_string(),
            format!(
                r#"{{"is_replication":{{"$eq":false}},"$or":[{{"backup.cluster":"{cluster}"}},{{"restore.cluster":"{cluster}"}}]}}"#
            )
        );
        let three = Filter::eq("a", 1)
            .or(Filter::eq("b", 2))
            .or(Filter::eq("c", 3));
        assert_eq!(three.to_string(), r#"{"$or":[{"a":1},{"b":2},{"c":3}]}"#);
    }

    #[test]
    fn all_of_and_any_of() {
        let filter = Filter::all_of([
            Filter::regex_i("name", "^prod"),
            Filter::is_in("state", ["READY"]),
        ]);
        assert_eq!(
            filter.to_string(),
            r#"{"$and":[{"name":{"$regex":"^prod","$options":"i"}},{"state":{"$in":["READY"]}}]}"#
        );
        let filter = Filter::any_of(vec![Filter::eq("a", 1), Filter::new()]);
        assert_eq!(filter.to_string(), r#"{"$or":[{"a":1},{}]}"#);
        assert_eq!(
            Filter::all_of([Filter::eq("a", 1)]).to_string(),
            r#"{"$and":[{"a":1}]}"#
        );
    }

    #[test]
    fn empty_combinations_are_identities_not_empty_arrays() {
        assert_eq!(Filter::all_of([]).to_string(), "{}");
        assert!(Filter::all_of(Vec::new()).is_empty());
        assert_eq!(Filter::any_of([]).to_string(), r#"{"_id":{"$in":[]}}"#);
        assert_eq!(Filter::any_of([]), Filter::nothing());
        assert_eq!(Filter::new().to_string(), "{}");
        assert_eq!(Filter::default(), Filter::new());
    }

    #[test]
    fn unserializable_values_make_the_filter_invalid() {
        let mut bad = BTreeMap::new();
        bad.insert((1, 2), "tuple keys are not JSON");
        let invalid = Filter::eq("labels", &bad);
        let reason = invalid.error().expect("invalid").to_owned();
        assert!(reason.contains("`labels`"), "{reason}");
        assert!(!invalid.is_empty());
        let text = invalid.to_string();
        assert!(text.starts_with("invalid filter: "), "{text}");
        assert!(
            serde_json::from_str::<Value>(&text).is_err(),
            "never valid JSON"
        );
        // Invalid stays invalid through every combinator, on either side.
        for combined in [
            Filter::eq("a", 1).and(invalid.clone()),
            invalid.clone().and(Filter::eq("a", 1)),
            Filter::eq("a", 1).or(invalid.clone()),
            invalid.clone().or(Filter::eq("a", 1)),
            Filter::all_of([Filter::eq("a", 1), invalid.clone()]),
            Filter::any_of([invalid.clone()]),
        ] {
            assert_eq!(combined.error(), Some(reason.as_str()));
        }
        assert!(Filter::is_in("x", [&bad]).error().is_some());
        assert!(Filter::gt("x", &bad).error().is_some());
    }

    #[test]
    fn sort_uses_eves_comma_syntax() {
        assert_eq!(Sort::asc("name").to_string(), "name");
        assert_eq!(Sort::desc("_created").to_string(), "-_created");
        assert_eq!(
            Sort::asc("city")
                .then_desc("lastname")
                .then_asc("_id")
                .to_string(),
            "city,-lastname,_id"
        );
        // A field's first key wins.
        assert_eq!(
            Sort::desc("a").then_asc("a").then_desc("b").to_string(),
            "-a,-b"
        );
    }

    #[test]
    fn projection_includes_or_excludes() {
        assert_eq!(
            Projection::include(["name", "status"]).to_string(),
            r#"{"name":1,"status":1}"#
        );
        assert_eq!(
            Projection::exclude(["secret"]).to_string(),
            r#"{"secret":0}"#
        );
        assert_eq!(
            Projection::exclude(["a"]).field("b").field("a").to_string(),
            r#"{"a":0,"b":0}"#
        );
        assert_eq!(Projection::include(Vec::<String>::new()).to_string(), "{}");
    }

    #[test]
    fn embedded_fields_with_dotted_paths() {
        assert_eq!(
            Embedded::fields(["cluster", "policy"]).to_string(),
            r#"{"cluster":1,"policy":1}"#
        );
        assert_eq!(
            Embedded::fields(["cluster", "backup_inst", "cluster"])
                .field("backup_inst.cluster")
                .to_string(),
            r#"{"cluster":1,"backup_inst":1,"backup_inst.cluster":1}"#
        );
        assert_eq!(Embedded::fields([""; 0]).to_string(), "{}");
    }

    #[test]
    fn converts_into_string() {
        fn takes(value: impl Into<String>) -> String {
            value.into()
        }
        let filter = Filter::eq("a", 1);
        assert_eq!(takes(&filter), r#"{"a":1}"#);
        assert_eq!(takes(filter), r#"{"a":1}"#);
        assert_eq!(takes(Sort::desc("x")), "-x");
        let projection = Projection::include(["x"]);
        assert_eq!(takes(&projection), r#"{"x":1}"#);
        assert_eq!(takes(projection), r#"{"x":1}"#);
        assert_eq!(takes(Embedded::fields(["x"])), r#"{"x":1}"#);
    }

    /// The values reach the server intact: the request layer percent-encodes them and a
    /// real HTTP server decodes exactly the JSON that was rendered.
    #[tokio::test]
    async fn values_round_trip_through_a_real_request() {
        use wiremock::{Mock, MockServer, ResponseTemplate, matchers};

        use crate::{AuthScheme, ClientBuilder, ClientCore, Request, VendorProfile};

        static PROFILE: VendorProfile = VendorProfile {
            name: "eve-test",
            default_base_url: "https://unused.invalid/api",
            auth: AuthScheme::Bearer,
            user_agent: "cloudgen-test/1.0",
            etag: None,
        };
        let server = MockServer::start().await;
        Mock::given(matchers::method("GET"))
            .and(matchers::path("/api/v1/kubebackups"))
            .respond_with(ResponseTemplate::new(200).set_body_json(json!({"_items": []})))
            .mount(&server)
            .await;
        let client = ClientBuilder::<ClientCore>::new(&PROFILE)
            .base_url(format!("{}/api", server.uri()))
            .bearer_token("t")
            .build()
            .expect("client builds");

        // Characters that mean something in a query string or in a URL.
        let filter = Filter::all_of([
            Filter::regex_i("name", "^a+b c&d=e#f%20?/é"),
            Filter::is_in("state", ["READY", "PARTIAL"]),
        ])
        .and(Filter::gt("start_time", 1_700_000_000));
        let sort = Sort::asc("name").then_desc("_created");
        let projection = Projection::include(["name", "status"]);
        let embedded = Embedded::fields(["cluster"]).field("backup_inst.cluster");
        let request = Request::new(http::Method::GET, "/v1/kubebackups")
            .query("where", &filter)
            .query("sort", &sort)
            .query("projection", &projection)
            .query("embedded", &embedded);
        client
            .send_json::<Value, Value>(request)
            .await
            .expect("200");

        let received = server.received_requests().await.expect("recording on");
        assert_eq!(received.len(), 1);
        let query: Vec<(String, String)> = received[0]
            .url
            .query_pairs()
            .map(|(k, v)| (k.into_owned(), v.into_owned()))
            .collect();
        assert_eq!(
            query,
            [
                ("where".to_owned(), filter.to_string()),
                ("sort".to_owned(), "name,-_created".to_owned()),
                (
                    "projection".to_owned(),
                    r#"{"name":1,"status":1}"#.to_owned()
                ),
                (
                    "embedded".to_owned(),
                    r#"{"cluster":1,"backup_inst.cluster":1}"#.to_owned()
                ),
            ]
        );
        let sent: Value = serde_json::from_str(&query[0].1).expect("where is JSON");
        assert_eq!(
            sent,
            json!({
                "$and": [
                    {"name": {"$regex": "^a+b c&d=e#f%20?/é", "$options": "i"}},
                    {"state": {"$in": ["READY", "PARTIAL"]}}
                ],
                "start_time": {"$gt": 1_700_000_000}
            })
        );
    }
}
