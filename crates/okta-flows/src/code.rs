//! Okta's error codes, typed: the `errorCode` of the Management API (Okta's "Error codes"
//! reference) and the OAuth `error` of the authorization server (RFC 6749 §5.2, RFC 6750 §3.1,
//! RFC 8628 §3.5, RFC 9449 §7.1, §8).

use std::fmt;

macro_rules! codes {
    ($( $(#[$doc:meta])* $name:ident = $text:literal, )*) => {
        /// An error code Okta answered with. Codes this crate does not know are
        /// [`ErrorCode::Other`], with Okta's text.
        ///
        /// ```
        /// use okta_flows::ErrorCode;
        /// assert_eq!(ErrorCode::parse("E0000006"), ErrorCode::NoPermission);
        /// assert_eq!(ErrorCode::parse("invalid_scope").as_str(), "invalid_scope");
        /// assert_eq!(ErrorCode::parse("E0000999"), ErrorCode::Other("E0000999".into()));
        /// ```
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum ErrorCode {
            $( $(#[$doc])* $name, )*
            /// A code this crate has no name for, as Okta sent it.
            Other(String),
        }

        impl ErrorCode {
            /// The code Okta's text names.
            pub fn parse(text: &str) -> ErrorCode {
                match text {
                    $( $text => ErrorCode::$name, )*
                    other => ErrorCode::Other(other.to_owned()),
                }
            }

            /// The code as Okta writes it (`E0000006`, `invalid_scope`).
            pub fn as_str(&self) -> &str {
                match self {
                    $( ErrorCode::$name => $text, )*
                    ErrorCode::Other(text) => text,
                }
            }
        }
    };
}

codes! {
    /// `E0000001`: "Api validation failed" (a field of the request is refused; a grant that
    /// exists already).
    ApiValidationFailed = "E0000001",
    /// `E0000003`: the request body was not well-formed.
    BodyNotWellFormed = "E0000003",
    /// `E0000004`: authentication failed.
    AuthenticationFailed = "E0000004",
    /// `E0000005`: "Invalid session": this endpoint does not accept this kind of credential.
    InvalidSession = "E0000005",
    /// `E0000006`: the credential holds the scope, but its admin roles do not allow the action.
    NoPermission = "E0000006",
    /// `E0000007`: not found.
    NotFound = "E0000007",
    /// `E0000009`: an internal server error.
    InternalServerError = "E0000009",
    /// `E0000011`: "Invalid token provided": wrong, expired or revoked, or sent as SSWS.
    InvalidTokenProvided = "E0000011",
    /// `E0000015`: the org does not have the feature.
    FeatureNotAvailable = "E0000015",
    /// `E0000047`: the rate limit is exceeded.
    RateLimitExceeded = "E0000047",
    /// `E0000056`: an active app cannot be deleted: deactivate it first.
    AppNotDeactivated = "E0000056",
    /// `E0000090`: the admin role is assigned already.
    RoleAlreadyAssigned = "E0000090",
    /// `invalid_request` (RFC 6749 §5.2).
    InvalidRequest = "invalid_request",
    /// `invalid_client`: client authentication failed (RFC 6749 §5.2).
    InvalidClient = "invalid_client",
    /// `invalid_grant`: the code, refresh token or device code is not valid (RFC 6749 §5.2).
    InvalidGrant = "invalid_grant",
    /// `unauthorized_client`: the app may not use this grant type (RFC 6749 §5.2).
    UnauthorizedClient = "unauthorized_client",
    /// `unsupported_grant_type` (RFC 6749 §5.2).
    UnsupportedGrantType = "unsupported_grant_type",
    /// `invalid_scope`: a scope asked for is not granted to the app (RFC 6749 §5.2).
    InvalidScope = "invalid_scope",
    /// `access_denied` (RFC 6749 §4.1.2.1; RFC 8628 §3.5).
    AccessDenied = "access_denied",
    /// `invalid_token`: the access token is not valid (RFC 6750 §3.1).
    InvalidToken = "invalid_token",
    /// `insufficient_scope`: the token lacks the scope the call needs (RFC 6750 §3.1).
    InsufficientScope = "insufficient_scope",
    /// `invalid_dpop_proof` (RFC 9449 §7.1).
    InvalidDpopProof = "invalid_dpop_proof",
    /// `use_dpop_nonce`: send the proof again with the server's nonce (RFC 9449 §8).
    UseDpopNonce = "use_dpop_nonce",
    /// `authorization_pending`: the device sign-in is not approved yet (RFC 8628 §3.5).
    AuthorizationPending = "authorization_pending",
    /// `slow_down`: poll less often (RFC 8628 §3.5).
    SlowDown = "slow_down",
    /// `expired_token`: the device code expired (RFC 8628 §3.5).
    ExpiredToken = "expired_token",
}

impl fmt::Display for ErrorCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_named_code_reads_back_as_itself() {
        for text in [
            "E0000001",
            "E0000006",
            "E0000090",
            "invalid_scope",
            "use_dpop_nonce",
            "expired_token",
        ] {
            let code = ErrorCode::parse(text);
            assert!(!matches!(code, ErrorCode::Other(_)), "{text}");
            assert_eq!(code.as_str(), text);
        }
        assert_eq!(
            ErrorCode::parse("e0000006"),
            ErrorCode::Other("e0000006".into())
        );
    }
}
