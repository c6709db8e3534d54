//! DPoP proofs (RFC 9449 §4), as Okta checks them (Okta's guide "Configure OAuth 2.0 Demonstrating Proof-of-Possession").

use std::fmt;

use okta_jwk::__private::base64url;
use okta_jwk::{Algorithm, KeyPair, KeySpec, PublicJwk, Signer, Thumbprint};
use serde::Serialize;

use crate::error::{Error, Result, sanitize};
use crate::random::{RandomSource, UnixTime, jti};
use crate::{jws, secret::DpopProof};

/// The `typ` of a DPoP proof.
pub const DPOP_TYP: &str = "dpop+jwt";

/// The key that DPoP proofs are signed with, separate from the client-assertion key (Okta's DPoP
/// guide requires that), and usually made fresh for each client.
///
/// Holds the encoded header (`typ`, `alg`, public `jwk`), which is the same for every proof, and
/// the key's RFC 7638 thumbprint, which Okta puts in the token's `cnf.jkt`.
pub struct DpopKey {
    signer: Box<dyn Signer>,
    header: String,
    jkt: Thumbprint,
}

impl fmt::Debug for DpopKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DpopKey")
            .field("alg", &self.signer.algorithm())
            .field("jkt", &self.jkt.as_str())
            .finish_non_exhaustive()
    }
}

#[derive(Serialize)]
struct Header<'a> {
    typ: &'static str,
    alg: &'a str,
    jwk: &'a PublicJwk,
}

#[derive(Serialize)]
struct Claims<'a> {
    jti: String,
    htm: &'a str,
    htu: &'a str,
    iat: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nonce: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ath: Option<String>,
}

impl DpopKey {
    /// A new ephemeral key for `alg` (ES256 is the usual choice: fast and small).
    pub fn generate(alg: Algorithm) -> Result<DpopKey> {
        let key = KeyPair::generate(KeySpec::for_algorithm(alg))?;
        DpopKey::new(key)
    }

    /// Uses an existing signer (for example a key persisted with its DPoP-bound token).
    pub fn new(signer: impl Signer + 'static) -> Result<DpopKey> {
        // Only the key members go into the header: no kid, use or alg, and never a private one.
        let jwk = signer.public_jwk().bare();
        let header = jws::encode_header(&Header {
            typ: DPOP_TYP,
            alg: signer.algorithm().as_str(),
            jwk: &jwk,
        })?;
        Ok(DpopKey {
            jkt: jwk.thumbprint(),
            signer: Box::new(signer),
            header,
        })
    }

    /// The JWK thumbprint (`jkt`) a DPoP-bound token's `cnf.jkt` must equal.
    pub fn jkt(&self) -> &Thumbprint {
        &self.jkt
    }

    /// The signing algorithm.
    pub fn algorithm(&self) -> Algorithm {
        self.signer.algorithm()
    }

    /// The public key, as it appears in the proof header.
    pub fn public_jwk(&self) -> PublicJwk {
        self.signer.public_jwk().bare()
    }

    /// Signs a proof for one HTTP request: fresh `jti`, `htm`, `htu`, `iat = now`, the server's
    /// `nonce` if one is known, and `ath` when the request carries `access_token`.
    pub fn proof(
        &self,
        htm: &Htm,
        htu: &Htu,
        now: UnixTime,
        rng: &dyn RandomSource,
        nonce: Option<&DpopNonce>,
        access_token: Option<&str>,
    ) -> Result<DpopProof> {
        let claims = Claims {
            jti: jti(rng)?,
            htm: htm.as_str(),
            htu: htu.as_str(),
            iat: now.secs(),
            nonce: nonce.map(DpopNonce::as_str),
            ath: access_token.map(ath),
        };
        jws::sign_compact(self.signer.as_ref(), &self.header, &claims).map(DpopProof::new)
    }
}

/// `ath`: base64url(SHA-256(ASCII(access token))) (RFC 9449 §4.2).
pub fn ath(access_token: &str) -> String {
    base64url::encode(ring::digest::digest(
        &ring::digest::SHA256,
        access_token.as_bytes(),
    ))
}

/// The `htm` claim: an HTTP method, uppercase as on the wire (`GET`, `POST`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Htm(String);

impl Htm {
    /// `POST`, for token requests.
    pub fn post() -> Htm {
        Htm("POST".to_owned())
    }

    /// Checks a method: an HTTP token in uppercase letters. `post` is refused, not fixed: HTTP
    /// methods are case-sensitive, and the proof must name the method actually sent.
    pub fn new(method: &str) -> Result<Htm> {
        if method.is_empty() || method.len() > 20 || !method.bytes().all(|b| b.is_ascii_uppercase())
        {
            return Err(Error::Method {
                method: sanitize(method),
            });
        }
        Ok(Htm(method.to_owned()))
    }

    /// The method.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The `htu` claim: the request URL without query and fragment, normalised per RFC 3986 §6.2.2
/// and §6.2.3 (lowercase scheme and host, no default port, no dot segments, uppercase
/// percent-escapes, unreserved characters decoded, empty path as `/`).
///
/// Okta refuses a proof whose `htu` holds the query string (pagination links have one), so the
/// query is always dropped here.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Htu(String);

impl Htu {
    /// The `htu` for a request URL.
    pub fn from_url(text: &str) -> Result<Htu> {
        let mut url = crate::claims::http_url(text)?;
        url.set_query(None);
        url.set_fragment(None);
        let path = normalise_escapes(url.path());
        url.set_path(&path);
        Ok(Htu(url.to_string()))
    }

    /// The claim text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Uppercases the hex of `%xx` escapes and decodes those of unreserved characters.
fn normalise_escapes(path: &str) -> String {
    let bytes = path.as_bytes();
    let mut out = String::with_capacity(path.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        if let (b'%', Some(&h), Some(&l)) = (bytes[i], bytes.get(i + 1), bytes.get(i + 2))
            && let (Some(h), Some(l)) = (hex(h), hex(l))
        {
            let c = char::from((h * 16 + l) as u8);
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~') {
                out.push(c);
            } else {
                out.push('%');
                out.push_str(&format!("{:02X}", h * 16 + l));
            }
            i += 3;
            continue;
        }
        out.push(char::from(bytes[i]));
        i += 1;
    }
    out
}

/// A server-provided DPoP nonce (RFC 9449 §8: `1*NQCHAR`, visible ASCII except `"` and `\`).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DpopNonce(String);

impl DpopNonce {
    /// Checks a nonce from a `DPoP-Nonce` header. Longer than 512 characters is refused: no
    /// server needs that, and it keeps a hostile one from growing every proof.
    pub fn new(nonce: &str) -> Result<DpopNonce> {
        let nqchar = |b: u8| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b);
        if nonce.is_empty() || nonce.len() > 512 || !nonce.bytes().all(nqchar) {
            return Err(Error::Nonce);
        }
        Ok(DpopNonce(nonce.to_owned()))
    }

    /// The nonce.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn htu_drops_query_and_fragment_and_normalises() -> Result<()> {
        let cases = [
            (
                "https://Org.Okta.com:443/api/v1/users?after=abc&limit=200",
                "https://org.okta.com/api/v1/users",
            ),
            ("https://org.okta.com", "https://org.okta.com/"),
            (
                "https://org.okta.com/a/./b/../c#frag",
                "https://org.okta.com/a/c",
            ),
            (
                "http://127.0.0.1:8080/oauth2/v1/token",
                "http://127.0.0.1:8080/oauth2/v1/token",
            ),
            ("http://127.0.0.1:80/x", "http://127.0.0.1/x"),
            (
                "https://org.okta.com/api/v1/users/%7euser%2fx",
                "https://org.okta.com/api/v1/users/~user%2Fx",
            ),
            (
                "https://org.okta.com/api/v1/users/a%40b.com",
                "https://org.okta.com/api/v1/users/a%40b.com",
            ),
            (
                "https://org.okta.com/api/v1/users/%41",
                "https://org.okta.com/api/v1/users/A",
            ),
        ];
        for (input, want) in cases {
            assert_eq!(Htu::from_url(input)?.as_str(), want, "{input}");
        }
        for bad in ["ftp://x/y", "https://user@x/y", "nope", "https://[::1/x"] {
            assert!(Htu::from_url(bad).is_err(), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn htm_must_be_uppercase() -> Result<()> {
        assert_eq!(Htm::new("GET")?.as_str(), "GET");
        for bad in ["get", "Post", "", "GET ", "G3T"] {
            assert!(Htm::new(bad).is_err(), "{bad}");
        }
        Ok(())
    }

    #[test]
    fn nonce_alphabet() {
        assert!(DpopNonce::new("8NLZUUhVawx1ns8AjrC4F6j8D2phvaw7").is_ok());
        for bad in ["", "a b", "a\"b", "a\\b", "é", &"x".repeat(513)] {
            assert!(DpopNonce::new(bad).is_err(), "{bad}");
        }
    }
}
