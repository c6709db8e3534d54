//! PKCE (RFC 7636): a verifier from 32 random bytes and its S256 challenge; and the random
//! `state` and `nonce` of a sign-in.

use okta_assertion::RandomSource;
use okta_jwk::__private::base64url;

use crate::error::{Error, Result};
use crate::secrets::PkceVerifier;

/// A PKCE pair: a 43-character verifier from 32 random bytes and its S256 challenge. `plain` is
/// never used.
#[derive(Debug)]
pub struct Pkce {
    verifier: PkceVerifier,
    challenge: String,
}

impl Pkce {
    /// A new pair.
    pub fn new(rng: &dyn RandomSource) -> Result<Pkce> {
        let mut bytes = [0u8; 32];
        rng.fill(&mut bytes).map_err(|_| Error::Random)?;
        Ok(Pkce::from_verifier(&base64url::encode(bytes)))
    }

    /// The pair for a given verifier (RFC 7636 Appendix B checks this).
    pub fn from_verifier(verifier: &str) -> Pkce {
        let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
        Pkce {
            verifier: PkceVerifier::new(verifier),
            challenge: base64url::encode(digest),
        }
    }

    /// `code_challenge` (method S256).
    pub fn challenge(&self) -> &str {
        &self.challenge
    }

    /// `code_verifier`.
    pub fn verifier(&self) -> &PkceVerifier {
        &self.verifier
    }
}

pub(crate) fn random_token(rng: &dyn RandomSource) -> Result<String> {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes).map_err(|_| Error::Random)?;
    Ok(base64url::encode(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rfc7636_appendix_b_and_oktas_example() {
        assert_eq!(
            Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(
            Pkce::from_verifier("M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag")
                .challenge(),
            "qjrzSW9gMiUgpUvqgEPE4_-8swvyCtfOVvg55o5S_es"
        );
    }

    #[test]
    fn generated_verifiers_are_43_unreserved_characters() -> Result<()> {
        let rng = okta_assertion::OsRandom::new();
        let a = Pkce::new(&rng)?;
        let b = Pkce::new(&rng)?;
        for p in [&a, &b] {
            let v = p.verifier().expose_secret();
            assert_eq!(v.len(), 43);
            assert!(
                v.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
            );
        }
        assert_ne!(a.verifier(), b.verifier());
        assert_eq!(format!("{:?}", a.verifier()), "PkceVerifier([redacted])");
        Ok(())
    }
}
