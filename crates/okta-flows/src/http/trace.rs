//! What a tracer is told of each HTTP exchange.

use std::sync::Arc;

use crate::http::method::Method;

/// One HTTP exchange, as reported to a tracer: no header values, no bodies, nothing secret.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Trace {
    /// The method.
    pub method: Method,
    /// The URL without its query string's values: `https://org/api/v1/users?after=…&limit=…`.
    pub url: String,
    /// The status, when an answer came.
    pub status: Option<u16>,
    /// How long the exchange took.
    pub elapsed: std::time::Duration,
    /// `X-Okta-Request-Id`.
    pub request_id: Option<String>,
    /// The rate-limit headers.
    pub rate_limit: Option<crate::error::RateLimit>,
}

pub(crate) type Tracer = Arc<dyn Fn(&Trace) + Send + Sync>;
