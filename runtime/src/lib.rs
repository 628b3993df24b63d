//! Hand-written runtime shared by every client crate that `cloudgen` generates.
//!
//! Generated crates hold the typed models and one method per operation; everything
//! that is not specific to one operation lives here, in small layers that can each be
//! used (and tested) on their own:
//!
//! - [`ClientBuilder`] / [`VendorProfile`] / [`VendorPolicies`]: transport
//!   configuration (`reqwest` with rustls, connect, per-attempt and whole-operation
//!   timeouts, user agent, default headers), credentials ([`Secret`], never printed;
//!   login tokens via [`TokenProvider`]), [`Scope`], retries ([`RetryPolicy`]) and
//!   client-side rate limits ([`RateLimitTable`]).
//! - [`Request`]: an operation call as data: path template with percent-encoded
//!   parameters, query, headers, body (JSON, form, multipart, bytes, text, streamed
//!   file), `If-Match` policy, timeout, retry switches.
//! - [`ClientCore`]: sends a [`Request`], retries it by policy, classifies the outcome
//!   into a [`Response`] or an [`Error`], remembers `ETag`s (see
//!   [`ClientCore::etag_for`]), drives pagination ([`Pages`], [`Items`]) over the
//!   [`Page`] trait, and polls async tasks ([`task`]).
//! - [`Error`] / [`ApiError`]: one error taxonomy that says whether the request may
//!   have been sent and keeps the raw body of every failed response.
//! - [`Clock`] / [`RandomSource`]: injected time and randomness.
//! - [`eve`]: typed `where` / `sort` / `projection` / `embedded` query values for
//!   Eve-based APIs (MongoDB filters without hand-written JSON).
//!
//! Generated code reaches all of this through one façade, [`codegen`]; nothing else
//! in this crate is part of the contract with the generator.

#![forbid(unsafe_code)]
#![warn(
    missing_docs,
    missing_debug_implementations,
    unreachable_pub,
    rust_2018_idioms
)]

mod auth;
mod body;
mod builder;
mod by_status;
mod call;
mod client;
pub mod codegen;
pub mod concurrency;
mod de;
mod decode;
mod error;
mod etag;
pub mod eve;
mod json_path;
mod pagination;
mod params;
mod path;
mod policy;
mod profile;
pub mod rate_limit;
mod request;
mod response;
pub mod retry;
mod scope;
mod sending;
mod ser;
pub mod task;
mod time;
mod values;

pub use auth::{AuthScheme, LoginProvider, Secret, Token, TokenHeader, TokenProvider};
pub use body::{ByteStream, Multipart};
pub use builder::{BuildError, ClientBuilder};
pub use by_status::{Answer, FromStatus};
pub use call::CallOptions;
pub use client::ClientCore;
pub use concurrency::{strip_fields, update_with};
pub use error::{ApiError, Error};
pub use pagination::{Items, NextPage, Page, Pages, next_link};
pub use params::{Delimited, ObjectPlace, ObjectStyle};
pub use policy::VendorPolicies;
pub use profile::{EtagPolicy, VendorProfile};
pub use rate_limit::{BucketKey, RateLimit, RateLimitTable};
pub use request::{IDEMPOTENCY_KEY_HEADER, IfMatch, Request};
pub use response::Response;
pub use retry::{RetryBudget, RetryDecision, RetryPolicy};
pub use scope::Scope;
pub use sending::{AnswerKind, Sending, kind};
pub use task::{PollPolicy, TaskShape, TaskState};
pub use time::{BoxFuture, Clock, ManualClock, RandomSource, SeededRandom, SystemClock};
pub use values::{Base64, Date, DateTime, Nullable, Rfc3339, Uuid};
