//! The façade that generated client crates import as `cloudgen_runtime::codegen as rt`.
//!
//! It re-exports exactly what generated code uses, so that the contract between the
//! generator and this runtime is this one module. Hand-written code should prefer the
//! crate-root re-exports.

pub use crate::auth::{AuthScheme, LoginProvider, Secret, TokenHeader};
pub use crate::body::{ByteStream, Multipart};
pub use crate::builder::{BuildError, ClientBuilder};
pub use crate::by_status::{Answer, FromStatus};
pub use crate::call::CallOptions;
pub use crate::call_options;
pub use crate::client::ClientCore;
pub use crate::concurrency::{strip_fields, update_with};
pub use crate::de::{
    DecodeObject, FieldKey, discriminated, object, read, read_required, required, serialize_tagged,
    skip_value, variant,
};
pub use crate::error::{ApiError, Error};
pub use crate::pagination::{Items, NextPage, Page, Pages};
pub use crate::policy::VendorPolicies;
pub use crate::profile::{EtagPolicy, VendorProfile};
pub use crate::rate_limit::{BucketKey, RateLimit, RateLimitTable};
pub use crate::request::{IfMatch, Request};
pub use crate::response::Response;
pub use crate::retry::{RetryBudget, RetryPolicy};
pub use crate::scope::Scope;
pub use crate::sending::{Sending, kind};
pub use crate::ser::Object;
pub use crate::task::{PollPolicy, TaskShape, TaskState};
pub use crate::values::{Base64, Date, DateTime, Nullable, Rfc3339, Uuid};

pub use crate::params::{Delimited, ObjectPlace, ObjectStyle};
pub use bytes::Bytes;
pub use futures_util::Stream;
pub use http::{HeaderMap, Method};
pub use serde;
pub use serde_json;
