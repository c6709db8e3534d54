//! Client assertions for `private_key_jwt` (RFC 7523 §2.2), as Okta checks them.

use std::borrow::Cow;

use okta_jwk::{Algorithm, Signer};
use serde::Serialize;

use crate::claims::{ClientId, Endpoint, Lifetime};
use crate::error::Result;
use crate::random::{RandomSource, UnixTime, jti};
use crate::{jws, secret::ClientAssertion};

/// The `client_assertion_type` that goes with a client assertion.
pub const CLIENT_ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

/// Builds client assertions for one client and one endpoint.
///
/// Each [`ClientAssertionBuilder::sign`] makes a new assertion with a new 128-bit `jti`: Okta
/// accepts a `jti` once, and consumes it even on requests that then fail (a DPoP nonce
/// challenge), so every HTTP attempt needs its own assertion.
#[derive(Debug, Clone)]
pub struct ClientAssertionBuilder {
    client_id: ClientId,
    audience: Endpoint,
    lifetime: Lifetime,
    not_before: bool,
    /// The encoded header for the last signer seen: its algorithm and kid, then the text.
    header: std::sync::OnceLock<(Algorithm, Option<String>, String)>,
}

#[derive(Serialize)]
struct Header<'a> {
    alg: &'a str,
    typ: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    kid: Option<&'a str>,
}

#[derive(Serialize)]
struct Claims<'a> {
    iss: &'a str,
    sub: &'a str,
    aud: &'a str,
    iat: u64,
    exp: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    nbf: Option<u64>,
    jti: String,
}

impl ClientAssertionBuilder {
    /// Assertions with `iss = sub = client_id` and `aud = audience`.
    pub fn new(client_id: ClientId, audience: Endpoint) -> ClientAssertionBuilder {
        ClientAssertionBuilder {
            client_id,
            audience,
            lifetime: Lifetime::default(),
            not_before: false,
            header: std::sync::OnceLock::new(),
        }
    }

    /// How long each assertion is valid (`exp - iat`); 300 s by default.
    pub fn lifetime(mut self, lifetime: Lifetime) -> ClientAssertionBuilder {
        self.lifetime = lifetime;
        self
    }

    /// Whether to add `nbf = iat` (off by default; Okta does not need it).
    pub fn not_before(mut self, yes: bool) -> ClientAssertionBuilder {
        self.not_before = yes;
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// The audience.
    pub fn audience(&self) -> &Endpoint {
        &self.audience
    }

    /// Signs a new assertion issued at `now`. The header carries the signer's `alg`, `typ: JWT`
    /// and its `kid` when it has one (Okta needs it once an app has more than one key).
    pub fn sign(
        &self,
        signer: &dyn Signer,
        now: UnixTime,
        rng: &dyn RandomSource,
    ) -> Result<ClientAssertion> {
        let (alg, kid) = (signer.algorithm(), signer.kid().map(okta_jwk::Kid::as_str));
        let encode = || {
            jws::encode_header(&Header {
                alg: alg.as_str(),
                typ: "JWT",
                kid,
            })
        };
        // The header is the same for every assertion of one signer: encode it once.
        let header = match self.header.get() {
            Some((a, k, text)) if *a == alg && k.as_deref() == kid => Cow::Borrowed(text.as_str()),
            Some(_) => Cow::Owned(encode()?),
            None => {
                let text = encode()?;
                let _ = self.header.set((alg, kid.map(str::to_owned), text.clone()));
                Cow::Owned(text)
            }
        };
        let iat = now.secs();
        let claims = Claims {
            iss: self.client_id.as_str(),
            sub: self.client_id.as_str(),
            aud: self.audience.as_str(),
            iat,
            exp: iat.saturating_add(self.lifetime.secs()),
            nbf: self.not_before.then_some(iat),
            jti: jti(rng)?,
        };
        jws::sign_compact(signer, &header, &claims).map(ClientAssertion::new)
    }
}
