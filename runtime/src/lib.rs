//! Hand-written runtime shared by every client crate that `cloudgen` generates.
//!
//! Generated crates hold the typed models and one method per operation; everything
//! that is not specific to one operation lives here, in small layers that can each be
//! used (and tested) on their own:
//!
//! - [`ClientBuilder`] / [`VendorProfile`]: transport configuration (`reqwest` with
//!   rustls, connect and per-request timeouts, user agent, default headers) and
//!   credentials ([`Secret`], never printed).
//! - [`Request`]: an operation call as data: path template with percent-encoded
//!   parameters, query, headers, JSON body, `If-Match` policy, timeout.
//! - [`ClientCore`]: sends a [`Request`], classifies the outcome into a
//!   [`Response`] or an [`Error`], remembers `ETag`s (see [`ClientCore::etag_for`]),
//!   and drives pagination ([`Pages`], [`Items`]) over the [`Page`] trait.
//! - [`Error`] / [`ApiError`]: one error taxonomy that says whether the request may
//!   have been sent and keeps the raw body of every failed response.
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
mod builder;
mod client;
pub mod codegen;
mod decode;
mod error;
mod etag;
mod pagination;
mod path;
mod profile;
mod request;
mod response;

pub use auth::{AuthScheme, Secret};
pub use builder::{BuildError, ClientBuilder};
pub use client::ClientCore;
pub use error::{ApiError, Error};
pub use pagination::{Items, NextPage, Page, Pages};
pub use profile::{EtagPolicy, VendorProfile};
pub use request::{IfMatch, Request};
pub use response::Response;
