//! Redacting holders for the credentials this crate handles.

okta_jwk::secret_text!(
    /// An Okta API token, sent as `Authorization: SSWS …` to the management API.
    pub SswsToken
);
okta_jwk::secret_text!(
    /// An OAuth access token.
    pub AccessToken
);
okta_jwk::secret_text!(
    /// An OAuth refresh token.
    pub RefreshToken
);
okta_jwk::secret_text!(
    /// An OAuth client secret.
    pub ClientSecret
);
okta_jwk::secret_text!(
    /// An OpenID Connect ID token.
    pub IdToken
);
okta_jwk::secret_text!(
    /// An authorization code, good for one exchange.
    pub AuthorizationCode
);
okta_jwk::secret_text!(
    /// A PKCE `code_verifier`.
    pub PkceVerifier
);
okta_jwk::secret_text!(
    /// The OAuth `state` of a sign-in (and, alike, its OpenID `nonce`).
    pub OAuthState
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        assert_eq!(
            format!("{:?}", SswsToken::new("00abc")),
            "SswsToken([redacted])"
        );
        assert_eq!(
            format!("{:?}", AccessToken::new("eyJ")),
            "AccessToken([redacted])"
        );
        assert_eq!(
            format!("{:?}", RefreshToken::new("r")),
            "RefreshToken([redacted])"
        );
    }
}
