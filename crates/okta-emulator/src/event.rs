//! The event log: one entry per request, as the emulator saw it, with no secret in it.

/// One request as the emulator saw it. Holds no secrets: no tokens, assertions,
/// proofs, codes or query values.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Event {
    /// The `X-Okta-Request-Id` it was answered with.
    pub request_id: String,
    /// The HTTP method.
    pub method: String,
    /// The route name (`token`, `users`, `grants`, …).
    pub endpoint: String,
    /// The path, without the query.
    pub path: String,
    /// The status answered.
    pub status: u16,
    /// `ok`, the OAuth `error`, the Okta `errorCode`, or `fault_…`.
    pub outcome: String,
    /// Whether the query string carried a credential-like parameter.
    pub query_had_credentials: bool,
    /// When, by the org's clock.
    pub time: u64,
}
