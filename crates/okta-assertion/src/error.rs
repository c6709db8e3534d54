//! The crate's one error type.

/// What can go wrong while building, signing, decoding or verifying a JWT.
///
/// No variant holds a token, a signature or key material; claim values that appear are public
/// (issuer, audience, times) and sanitised.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The signing key or a key used for verification was unusable.
    #[error("the key: {0}")]
    Key(#[from] okta_jwk::Error),
    /// A client id that is empty, too long, or holds characters Okta never issues.
    #[error("client id is not acceptable: {reason}")]
    ClientId {
        /// Why.
        reason: &'static str,
    },
    /// An assertion lifetime outside 1 s to 3599 s.
    #[error(
        "assertion lifetime of {seconds} s is not allowed: Okta requires less than one hour (use 1 to 3599 s; 300 is the default)"
    )]
    Lifetime {
        /// The lifetime asked for.
        seconds: u64,
    },
    /// A URL that cannot be an endpoint or a DPoP `htu`.
    #[error("URL is not acceptable: {reason}")]
    Url {
        /// Why.
        reason: &'static str,
    },
    /// An HTTP method that is not an uppercase token.
    #[error("HTTP method {method:?} is not an uppercase token")]
    Method {
        /// The method (sanitised).
        method: String,
    },
    /// A DPoP nonce outside RFC 9449's `1*NQCHAR`.
    #[error(
        "DPoP nonce is not acceptable: it must be 1 to 512 visible ASCII characters without quote or backslash"
    )]
    Nonce,
    /// The system's random source failed.
    #[error("the random source failed")]
    Random,
    /// Not a compact JWS: segment count, base64url or JSON.
    #[error("not a well-formed JWT: {reason}")]
    Malformed {
        /// What is wrong.
        reason: &'static str,
    },
    /// The header names an algorithm outside the verifier's allowlist (`none`, HS256, PS256, …).
    #[error("algorithm {alg:?} is not allowed here")]
    AlgorithmNotAllowed {
        /// The algorithm named (sanitised).
        alg: String,
    },
    /// The header lists critical extensions, which this verifier does not implement.
    #[error("the JWT header marks extensions as critical (\"crit\"), and none are supported")]
    Critical,
    /// The `typ` header is not what this kind of JWT requires.
    #[error("JWT type {found:?} is not the expected {expected:?}")]
    Type {
        /// The `typ` expected.
        expected: &'static str,
        /// The `typ` found (sanitised), or empty.
        found: String,
    },
    /// No key of the set fits the header's `kid` and algorithm.
    #[error("no key matches kid {kid:?}")]
    NoKey {
        /// The `kid` asked for (sanitised), or empty when the header had none.
        kid: String,
    },
    /// The header has no `kid` and the set has several keys that could fit.
    #[error("the JWT has no kid and {candidates} keys could have signed it")]
    AmbiguousKey {
        /// How many keys fit the algorithm.
        candidates: usize,
    },
    /// The signature does not verify.
    #[error("signature does not verify")]
    BadSignature,
    /// A required claim is absent.
    #[error("claim {claim:?} is missing")]
    MissingClaim {
        /// The claim.
        claim: &'static str,
    },
    /// A claim has the wrong JSON type (e.g. `exp` as a string, as in one of Okta's examples).
    #[error("claim {claim:?} has the wrong type: {expected}")]
    ClaimType {
        /// The claim.
        claim: &'static str,
        /// What it must be.
        expected: &'static str,
    },
    /// `exp` has passed.
    #[error("the JWT expired at {exp} (now {now}, leeway {leeway} s)")]
    Expired {
        /// `exp`.
        exp: u64,
        /// The time checked against.
        now: u64,
        /// Leeway allowed.
        leeway: u64,
    },
    /// `nbf` or `iat` is still in the future.
    #[error("the JWT is not valid before {not_before} (now {now}, leeway {leeway} s)")]
    NotYetValid {
        /// `nbf` (or `iat`).
        not_before: u64,
        /// The time checked against.
        now: u64,
        /// Leeway allowed.
        leeway: u64,
    },
    /// `iss` is not the expected issuer.
    #[error("issuer {found:?} is not the expected {expected:?}")]
    Issuer {
        /// Expected.
        expected: String,
        /// Found (sanitised).
        found: String,
    },
    /// `aud` does not hold the expected audience.
    #[error("audience does not include {expected:?}")]
    Audience {
        /// Expected.
        expected: String,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Untrusted text from a token, for messages.
pub(crate) fn sanitize(s: &str) -> String {
    okta_jwk::__private::display_safe(s, 60)
}
