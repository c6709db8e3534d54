//! Redacting holders for the JWTs this crate signs: each is a bearer credential until it expires.

okta_jwk::secret_text!(
    /// A signed client assertion (RFC 7523), made by [`crate::ClientAssertionBuilder::sign`].
    pub(crate) ClientAssertion
);
okta_jwk::secret_text!(
    /// A signed DPoP proof (RFC 9449), made by [`crate::DpopKey::proof`].
    pub(crate) DpopProof
);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_is_redacted() {
        assert_eq!(
            format!("{:?}", ClientAssertion::new("eyJ.a.b")),
            "ClientAssertion([redacted])"
        );
        assert_eq!(
            format!("{:?}", DpopProof::new("eyJ.a.b")),
            "DpopProof([redacted])"
        );
    }
}
