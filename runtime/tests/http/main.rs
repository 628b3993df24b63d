//! Runtime behaviour against a real HTTP server (wiremock) on loopback.
//!
//! One test binary with one module per concern, to keep link time down.

mod auth;
mod common;
mod etag;
mod pagination;
mod paths;
mod responses;
