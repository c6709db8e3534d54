//! The crate's one error type: what failed, where, what Okta said, and what to do about it.

use std::fmt;

use okta_assertion::UnixTime;

/// Okta's answer to a failed request, parsed from either error shape and `WWW-Authenticate`.
///
/// Read its fields; it is made only by this crate, and may gain fields in a minor release.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Problem {
    /// The HTTP status.
    pub status: u16,
    /// The OAuth `error` or the Okta `errorCode` (`invalid_client`, `E0000006`).
    pub code: Option<String>,
    /// `error_description` or `errorSummary`, sanitised for display.
    pub message: Option<String>,
    /// `errorCauses[].errorSummary`, sanitised.
    pub causes: Vec<String>,
    /// `X-Okta-Request-Id`, for Okta support and the System Log.
    pub request_id: Option<String>,
    /// A short, sanitised excerpt of a body that was not Okta JSON (an HTML page from a proxy).
    pub excerpt: Option<String>,
    /// What to do, for the causes we know.
    pub hint: Option<&'static str>,
    /// What this client sent that bears on the error (the `kid` an assertion was signed with).
    pub detail: Option<String>,
    /// `X-Rate-Limit-Limit`, `-Remaining` and `-Reset` of the answer, when present.
    pub rate_limit: Option<RateLimit>,
}

/// The rate-limit headers of an answer (Okta's "Rate limits" overview: `X-Rate-Limit-Limit`,
/// `-Remaining`, `-Reset`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct RateLimit {
    /// `X-Rate-Limit-Limit` (0 in the concurrency form).
    pub limit: u64,
    /// `X-Rate-Limit-Remaining`.
    pub remaining: u64,
    /// `X-Rate-Limit-Reset`.
    pub reset: Option<UnixTime>,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "HTTP {}", self.status)?;
        if let Some(code) = &self.code {
            write!(f, " {code}")?;
        }
        if let Some(message) = &self.message {
            write!(f, ": {message}")?;
        }
        for cause in &self.causes {
            write!(f, " ({cause})")?;
        }
        if let Some(excerpt) = &self.excerpt {
            write!(f, ": {excerpt:?}")?;
        }
        if let Some(id) = &self.request_id {
            write!(f, " [request id {id}]")?;
        }
        if let Some(hint) = self.hint {
            write!(f, "; hint: {hint}")?;
        }
        if let Some(detail) = &self.detail {
            write!(f, "; {detail}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong talking to Okta. No variant holds a token, an assertion, a proof
/// or a key.
///
/// Each error's `Display` is a whole sentence, its cause included (`signing the client
/// assertion: …`), so `{err}` alone says what happened; [`std::error::Error::source`] also
/// returns the cause, typed, for programs that look inside. Printing the whole chain, skip a
/// cause whose text already ends the message before it.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The org URL is not acceptable.
    #[error("org URL is not acceptable: {reason}")]
    OrgUrl {
        /// Why.
        reason: &'static str,
    },
    /// A value given to this crate is not acceptable (an id, a scope, a method, a path, a
    /// setting); nothing was sent.
    #[error("{what} is not acceptable: {reason}")]
    InvalidInput {
        /// What was given, with its article (`an app id`, `the HTTP method`).
        what: &'static str,
        /// The rule it broke.
        reason: &'static str,
    },
    /// The system's random number generator failed.
    #[error("the system's random number generator failed")]
    Random,
    /// An ID token was refused (signature, issuer, audience, times).
    #[error("the ID token was refused: {source}")]
    IdToken {
        /// Why.
        #[source]
        source: okta_assertion::Error,
    },
    /// A key was not sent to the app: it breaks one of Okta's rules for app keys.
    #[error("the key cannot be added: {reason}")]
    AppKeyRefused {
        /// Which rule.
        reason: &'static str,
    },
    /// The loopback listener for a sign-in redirect could not be opened ("address in use",
    /// "permission denied": see the source).
    #[error("cannot listen on {address} for the sign-in redirect: {source}")]
    Listen {
        /// The address (`127.0.0.1:8765`).
        address: String,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// A file this crate keeps (a token cache, a user token file) could not be written or read.
    #[error("{action} {path}: {source}")]
    File {
        /// What was being done (`writing the user token file`).
        action: &'static str,
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        #[source]
        source: std::io::Error,
    },
    /// The request never got an answer (DNS, connect, TLS, timeout, reset, or a proxy that
    /// could not be reached or refused to connect).
    #[error("{endpoint}: no answer from Okta{}: {source}", proxy.as_ref().map(|p| format!(" through the proxy {p}")).unwrap_or_default())]
    Transport {
        /// What was called (`POST /oauth2/v1/token`).
        endpoint: String,
        /// The proxy the request went to (`host:port`, never its credentials), if any.
        proxy: Option<String>,
        /// Why (the HTTP library's error; its type is not part of this crate's API).
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// The request was never sent: the host (the org's, or the proxy's) has no address, or
    /// refused the connection. Unlike [`Error::Transport`], nothing reached it, so a change
    /// was certainly not made and may be repeated.
    #[error("{endpoint}: {host} {reason}; nothing was sent")]
    Unreachable {
        /// What was called (`POST /api/v1/apps`).
        endpoint: String,
        /// The host that could not be reached (`example.okta.com`, or `the proxy HOST:PORT`).
        host: String,
        /// Why, in words: `has no address (DNS)`, `refused the connection`.
        reason: &'static str,
        /// The HTTP library's error.
        #[source]
        source: Box<dyn std::error::Error + Send + Sync>,
    },
    /// A name that is not one of Okta's standard admin roles, with the one most likely meant.
    #[error("{given:?} is not one of Okta's standard admin roles{}", meant.map(|m| format!("; did you mean {m}?")).unwrap_or_else(|| " (SUPER_ADMIN, ORG_ADMIN, APP_ADMIN, USER_ADMIN, HELP_DESK_ADMIN, READ_ONLY_ADMIN, …)".to_owned()))]
    UnknownRole {
        /// What was given (sanitised, at most 40 characters).
        given: String,
        /// The name of the standard role it is closest to (`READ_ONLY_ADMIN`), if one is close.
        meant: Option<&'static str>,
    },
    /// Okta answered with an error.
    #[error("{endpoint}: {problem}")]
    Okta {
        /// What was called.
        endpoint: String,
        /// What Okta said.
        problem: Box<Problem>,
    },
    /// Okta (or something in between) answered with a redirect, which is never followed: it would
    /// replay credentials to another host.
    #[error("{endpoint}: refused to follow a redirect (HTTP {status}) to {location:?}")]
    Redirect {
        /// What was called.
        endpoint: String,
        /// The status.
        status: u16,
        /// Where it pointed (sanitised).
        location: String,
    },
    /// The answer was not what the endpoint returns (not JSON, wrong shape, too large).
    #[error("{endpoint}: unexpected answer: {reason}")]
    Unexpected {
        /// What was called.
        endpoint: String,
        /// What is wrong.
        reason: String,
        /// The request id, if there was one.
        request_id: Option<String>,
        /// What could not read it (the JSON parser's error), when something did.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },
    /// Rate limited, and the retries allowed are spent (or the request is not safe to retry).
    #[error("{endpoint}: rate limited by Okta (HTTP 429){}", reset.map(|r| format!("; the limit resets at {}", r.to_rfc3339())).unwrap_or_default())]
    RateLimited {
        /// What was called.
        endpoint: String,
        /// `X-Rate-Limit-Reset`, when it made sense.
        reset: Option<UnixTime>,
        /// The request id.
        request_id: Option<String>,
    },
    /// A request that must not be repeated failed in a way that leaves its effect unknown.
    #[error("{endpoint}: outcome unknown ({reason}); {check}")]
    OutcomeUnknown {
        /// What was called.
        endpoint: String,
        /// What happened.
        reason: String,
        /// How to find out.
        check: &'static str,
    },
    /// The token response broke a rule of RFC 6749 / RFC 9449 or of this client.
    #[error("token response refused: {0}")]
    TokenResponse(String),
    /// The token lacks scopes the caller said it needs.
    #[error(
        "the token was granted {granted:?} but {missing:?} were required; grant them to the app (POST /api/v1/apps/{{id}}/grants)"
    )]
    MissingScopes {
        /// Required but not granted.
        missing: Vec<String>,
        /// What was granted.
        granted: Vec<String>,
    },
    /// The DPoP nonce dance did not converge.
    #[error("DPoP: {0}")]
    Dpop(String),
    /// User sign-in did not complete (an `error=` on the redirect, no code, a timeout).
    #[error("sign-in failed: {0}")]
    SignIn(String),
    /// Walking `Link: rel="next"` failed after some pages were fetched.
    #[error("pagination stopped after {pages} pages: {source}")]
    Pagination {
        /// Pages fetched before the failure.
        pages: usize,
        /// Items fetched before the failure (0 for [`Pages::raw`](crate::Pages::raw), whose
        /// caller splits the pages and counts their items).
        items: usize,
        /// The path and query of the page that was not fetched (`/api/v1/users?after=…`), when
        /// the walk can go on from it (after a rate limit or a failed request): a later walk of
        /// it resumes where this one stopped.
        resume: Option<String>,
        /// Why it stopped.
        #[source]
        source: Box<Error>,
    },
    /// A `Link` header that does not parse (RFC 8288).
    #[error("{endpoint}: malformed Link header")]
    MalformedLink {
        /// What was called.
        endpoint: String,
    },
    /// A next-page link that is not followed: it leaves this org or this list, so the token
    /// would go with it.
    #[error(
        "the next-page link {link:?} leaves this org or list; not followed (the credential would go with it)"
    )]
    ForeignLink {
        /// The link (sanitised).
        link: String,
    },
    /// The next-page link points at a page already fetched.
    #[error("the next-page link points at a page already fetched (a loop)")]
    PageLoop,
    /// More pages than the walk allows ([`crate::Pages::max_pages`]).
    #[error("more than {max} pages")]
    TooManyPages {
        /// The limit.
        max: usize,
    },
    /// A full URL given to [`crate::Okta::call`] is not on this org; credentials are sent to the
    /// org only.
    #[error("{url} is not on this org; credentials are sent to the org only")]
    NotThisOrg {
        /// The URL (sanitised).
        url: String,
    },
    /// Signing the client assertion failed.
    #[error("signing the client assertion: {0}")]
    ClientAssertion(#[source] okta_assertion::Error),
    /// Making a DPoP proof failed.
    #[error("making a DPoP proof: {0}")]
    DpopProof(#[source] okta_assertion::Error),
    /// A URL or value for a JWT claim was refused (an endpoint from discovery, a client id).
    #[error("{what}: {source}")]
    Claim {
        /// What it was (`the token endpoint from discovery`).
        what: &'static str,
        /// Why.
        #[source]
        source: okta_assertion::Error,
    },
    /// A key problem: the DPoP key could not be made or read back, or a key did not verify.
    #[error("{action}: {source}")]
    Key {
        /// What was being done (`reading the DPoP key saved with the token`).
        action: &'static str,
        /// Why.
        #[source]
        source: okta_jwk::Error,
    },
    /// A signing key given by a [`crate::LazySigner`] could not be loaded.
    #[error("loading the private key: {0}")]
    KeyLoad(#[source] Box<dyn std::error::Error + Send + Sync>),
    /// A token source has a store, but nothing to seal its entries under: the signer cannot
    /// derive a secret from its key (a KMS or an HSM) and no cache secret was configured.
    #[error(
        "a token store needs a cache secret to encrypt tokens under: this signer's private key is not in memory, so configure one (ServiceCredentials::with_cache_secret), or use no store; tokens are never stored in clear"
    )]
    CacheSecretNeeded,
    /// A least-privilege custom role was asked for a scope that no custom-role permission serves
    /// (the System Log, roles themselves): a standard admin role is needed for it.
    #[error(
        "no custom-role permission serves {scope}: give the app a standard admin role for it instead"
    )]
    NoCustomPermission {
        /// The scope.
        scope: String,
    },
    /// A token came back living no longer than the token source's margin: every call would
    /// fetch a new one, so the cache would be off without a word.
    #[error(
        "the token lives {lifetime} s, no longer than the cache margin of {margin} s: every call would fetch a new token; set a shorter margin (TokenSource::margin)"
    )]
    MarginTooLong {
        /// The margin, in seconds.
        margin: u64,
        /// How long the token lives, in seconds.
        lifetime: u64,
    },
    /// Another caller of the same token source has been fetching a token for longer than the
    /// source waits ([`crate::TokenSource::wait_at_most`]): a signer that hangs (a stuck KMS)
    /// does not block every caller for good.
    #[error("another caller has been fetching a token for more than {waited:?}; gave up waiting")]
    FetchTimedOut {
        /// How long this caller waited.
        waited: std::time::Duration,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// Okta's error code, typed, when Okta answered with one (its text is in
    /// [`Problem::code`]).
    pub fn okta_code(&self) -> Option<crate::ErrorCode> {
        match self {
            Error::Okta { problem, .. } => problem.code.as_deref().map(crate::ErrorCode::parse),
            Error::Pagination { source, .. } => source.okta_code(),
            _ => None,
        }
    }

    /// Whether Okta answered with this code.
    pub fn is(&self, code: &crate::ErrorCode) -> bool {
        self.okta_code().as_ref() == Some(code)
    }

    /// The HTTP status, when there was an answer.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Okta { problem, .. } => Some(problem.status),
            Error::RateLimited { .. } => Some(429),
            Error::Redirect { status, .. } => Some(*status),
            Error::Pagination { source, .. } => source.status(),
            _ => None,
        }
    }
}

/// The fix for the causes people hit (Okta's error-code reference and OAuth guides).
pub(crate) fn hint(code: Option<&str>, message: Option<&str>) -> Option<&'static str> {
    let m = message.unwrap_or_default();
    Some(match code? {
        "E0000006" => {
            "the token has the scope, but its holder has no admin role that allows this: assign one to the app (POST /oauth2/v1/clients/{id}/roles) or, for a user's token, to the user (POST /api/v1/users/{id}/roles)"
        }
        "E0000011" => "the token is wrong, expired or revoked, or an OAuth token was sent as SSWS",
        "E0000005" => "this endpoint does not accept this kind of credential",
        "E0000047" => "too many requests: wait for X-Rate-Limit-Reset",
        "invalid_scope" => "request only scopes granted to the app (GET /api/v1/apps/{id}/grants)",
        "invalid_client" if m.contains("kid is invalid") => {
            "the app has several keys (or the kid is unknown or inactive): sign with the kid of an active key"
        }
        "invalid_client"
            if m.contains("too far into the future")
                || m.contains("issued before the current time") =>
        {
            "check the system clock: the assertion's times are judged by Okta's clock"
        }
        "invalid_client" if m.contains("audience") => {
            "the assertion's aud must be exactly the URL of the endpoint called"
        }
        "invalid_client" if m.contains("already been used") => {
            "every request needs a new assertion (a new jti)"
        }
        "invalid_client" if m.contains("signature is invalid") => {
            "the key that signed is not the one registered under this kid"
        }
        "invalid_request" if m.contains("multiple client credentials") => {
            "send exactly one client authentication method"
        }
        "invalid_dpop_proof" if m.contains("header is missing") => {
            "the app requires DPoP: send a DPoP proof (or turn DPoP off in the app)"
        }
        "invalid_dpop_proof" if m.contains("htu") => {
            "htu must be the request URL without query or fragment"
        }
        "invalid_dpop_proof" => "the DPoP proof was refused: check its key, htm, htu, iat and ath",
        "invalid_token" => "get a new token",
        "insufficient_scope" => {
            "the token lacks the scope this endpoint needs: grant it to the app and request it"
        }
        _ => return None,
    })
}

/// Untrusted text from the network made safe to print.
pub(crate) fn safe(text: &str, max: usize) -> String {
    okta_jwk::__private::display_safe(text, max)
}
