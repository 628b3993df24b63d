//! Shared fixtures: vendor profiles, client construction, the vendor error envelope.

use cloudgen_runtime::{AuthScheme, ClientBuilder, ClientCore, EtagPolicy, VendorProfile};
use serde::Deserialize;
use wiremock::MockServer;

pub(crate) const TOKEN: &str = "tok-SECRET-1234";

pub(crate) static BEARER: VendorProfile = VendorProfile {
    name: "bearer-vendor",
    default_base_url: "https://unused.invalid/api",
    auth: AuthScheme::Bearer,
    user_agent: "cloudgen-test/1.0",
    etag: Some(EtagPolicy {
        if_match_header: "If-Match",
    }),
};

pub(crate) static API_KEY: VendorProfile = VendorProfile {
    name: "apikey-vendor",
    default_base_url: "https://unused.invalid",
    auth: AuthScheme::ApiKey {
        header: "MC-Api-Key",
    },
    user_agent: "cloudgen-test/1.0",
    etag: None,
};

/// A bearer client whose base URL is `<server>/api`.
pub(crate) fn client(server: &MockServer) -> ClientCore {
    ClientBuilder::<ClientCore>::new(&BEARER)
        .base_url(format!("{}/api", server.uri()))
        .bearer_token(TOKEN)
        .build()
        .expect("client builds")
}

/// CloudCasa/Eve error envelope.
#[derive(Debug, Deserialize, PartialEq)]
pub(crate) struct Envelope {
    #[serde(rename = "_status")]
    pub(crate) status: String,
    #[serde(rename = "_error")]
    pub(crate) error: EnvelopeError,
}

#[derive(Debug, Deserialize, PartialEq)]
pub(crate) struct EnvelopeError {
    pub(crate) code: u16,
    pub(crate) message: String,
}
