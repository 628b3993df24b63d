//! Runtime behaviour against a real HTTP server (wiremock) on loopback.
//!
//! One test binary with one module per concern, to keep link time down.

mod auth;
mod bodies;
mod common;
mod concurrency;
mod etag;
mod faults;
mod login;
mod pagination;
mod paths;
mod rate_limits;
mod responses;
mod servers;
mod statuses;
mod tasks;
