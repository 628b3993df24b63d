//! [`CallOptions`]: what a caller overrides for one call (timeout, extra headers, an
//! idempotency key, no retries). Every generated request builder holds one and offers
//! `.timeout()`, `.header()`, `.idempotency_key()` and `.no_retry()`.

use std::time::Duration;

use crate::request::Request;

/// Per-call overrides, applied on top of the client's settings when the request is built.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    timeout: Option<Duration>,
    headers: Vec<(String, String)>,
    idempotency_key: Option<String>,
    no_retry: bool,
}

impl CallOptions {
    /// Overrides the client's per-attempt timeout.
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout = Some(timeout);
    }

    /// Adds a header, replacing the client's (or the operation's) header of that name.
    /// An invalid name or value makes the call fail before sending, naming it.
    pub fn add_header(&mut self, name: String, value: String) {
        self.headers.push((name, value));
    }

    /// Sends `Idempotency-Key` and lets the client retry the call whatever its method.
    pub fn set_idempotency_key(&mut self, key: String) {
        self.idempotency_key = Some(key);
    }

    /// Never retries the call.
    pub fn set_no_retry(&mut self) {
        self.no_retry = true;
    }

    /// `request` with these overrides.
    pub fn apply(self, mut request: Request) -> Request {
        for (name, value) in self.headers {
            request = request.header_named(&name, value);
        }
        if let Some(key) = self.idempotency_key {
            request = request.idempotency_key(key);
        }
        if self.no_retry {
            request = request.no_retry();
        }
        match self.timeout {
            Some(timeout) => request.timeout(timeout),
            None => request,
        }
    }
}
