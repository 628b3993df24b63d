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

/// The per-call option methods of a generated request builder: `.timeout()`,
/// `.header()`, `.idempotency_key()` and `.no_retry()`, for a builder with an
/// `options: CallOptions` field. Generated crates invoke it in each builder's `impl`
/// (`rt::call_options!();`) rather than writing the same 24 lines for every operation.
#[macro_export]
macro_rules! call_options {
    () => {
        /// Overrides the client's timeout for this call.
        #[inline]
        pub fn timeout(mut self, timeout: ::std::time::Duration) -> Self {
            self.options.set_timeout(timeout);
            self
        }

        /// Adds a header to this call, replacing one of the same name.
        pub fn header(
            mut self,
            name: impl ::std::convert::Into<::std::string::String>,
            value: impl ::std::convert::Into<::std::string::String>,
        ) -> Self {
            self.options.add_header(name.into(), value.into());
            self
        }

        /// Sends `Idempotency-Key: <key>`, which also lets the client retry this call
        /// whatever its method.
        pub fn idempotency_key(
            mut self,
            key: impl ::std::convert::Into<::std::string::String>,
        ) -> Self {
            self.options.set_idempotency_key(key.into());
            self
        }

        /// Never retries this call.
        #[inline]
        pub fn no_retry(mut self) -> Self {
            self.options.set_no_retry();
            self
        }
    };
}
