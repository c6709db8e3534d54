//! The HTTP method of a request to Okta: this crate's own type, so that its API does not tie
//! callers to the `http` crate version its HTTP client happens to use.

use std::fmt;
use std::str::FromStr;

use crate::error::Error;

/// An HTTP method (RFC 9110 §9): the five Okta's APIs use, and HEAD and OPTIONS. Methods are
/// case-sensitive (RFC 9110 §9.1), so `"get"` does not parse, and neither does a typo.
///
/// ```
/// use okta_flows::Method;
/// assert_eq!("DELETE".parse::<Method>()?, Method::DELETE);
/// assert!("GTE".parse::<Method>().is_err());
/// assert!("get".parse::<Method>().is_err());
/// assert!(Method::PUT.is_idempotent() && !Method::POST.is_idempotent());
/// # Ok::<(), okta_flows::Error>(())
/// ```
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
pub struct Method(Verb);

#[derive(Clone, Copy, PartialEq, Eq, Hash)]
enum Verb {
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
}

impl Method {
    /// `GET`.
    pub const GET: Method = Method(Verb::Get);
    /// `HEAD`.
    pub const HEAD: Method = Method(Verb::Head);
    /// `POST`.
    pub const POST: Method = Method(Verb::Post);
    /// `PUT`.
    pub const PUT: Method = Method(Verb::Put);
    /// `PATCH`.
    pub const PATCH: Method = Method(Verb::Patch);
    /// `DELETE`.
    pub const DELETE: Method = Method(Verb::Delete);
    /// `OPTIONS`.
    pub const OPTIONS: Method = Method(Verb::Options);

    const ALL: [Method; 7] = [
        Method::GET,
        Method::HEAD,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::OPTIONS,
    ];

    /// The method's name, as sent (`GET`).
    pub fn as_str(self) -> &'static str {
        match self.0 {
            Verb::Get => "GET",
            Verb::Head => "HEAD",
            Verb::Post => "POST",
            Verb::Put => "PUT",
            Verb::Patch => "PATCH",
            Verb::Delete => "DELETE",
            Verb::Options => "OPTIONS",
        }
    }

    /// Whether sending it twice has the effect of sending it once (RFC 9110 §9.2.2): only
    /// these are retried after a 503 or 504, or when no answer came.
    pub fn is_idempotent(self) -> bool {
        !matches!(self.0, Verb::Post | Verb::Patch)
    }

    /// The HTTP client's own type.
    pub(crate) fn to_http(self) -> ureq::http::Method {
        match self.0 {
            Verb::Get => ureq::http::Method::GET,
            Verb::Head => ureq::http::Method::HEAD,
            Verb::Post => ureq::http::Method::POST,
            Verb::Put => ureq::http::Method::PUT,
            Verb::Patch => ureq::http::Method::PATCH,
            Verb::Delete => ureq::http::Method::DELETE,
            Verb::Options => ureq::http::Method::OPTIONS,
        }
    }
}

impl FromStr for Method {
    type Err = Error;

    /// Parses a method name, case-sensitively: [`Error::InvalidInput`] for anything else.
    fn from_str(s: &str) -> Result<Method, Error> {
        if let Some(m) = Method::ALL.into_iter().find(|m| m.as_str() == s) {
            return Ok(m);
        }
        let reason = if Method::ALL
            .iter()
            .any(|m| m.as_str().eq_ignore_ascii_case(s))
        {
            "methods are case-sensitive (RFC 9110 §9.1): GET, not get"
        } else {
            "it is not one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS"
        };
        Err(Error::InvalidInput {
            what: "the HTTP method",
            reason,
        })
    }
}

impl fmt::Display for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for Method {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
