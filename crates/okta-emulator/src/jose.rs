//! The emulator's own JOSE handling: strict compact-JWS parsing, JWK checks as Okta applies them
//! to registered keys (Okta's app-key rules), RFC 7638 thumbprints, and josekit for the signatures.
//! Written separately from the client crates on purpose.

use base64::Engine as _;
use base64::engine::{DecodePaddingMode, GeneralPurpose, GeneralPurposeConfig};
use josekit::jwk::Jwk;
use josekit::jws::{self, JwsVerifier};
use serde_json::{Map, Value};

const B64: GeneralPurpose = GeneralPurpose::new(
    &base64::alphabet::URL_SAFE,
    GeneralPurposeConfig::new()
        .with_encode_padding(false)
        .with_decode_padding_mode(DecodePaddingMode::RequireNone)
        .with_decode_allow_trailing_bits(false),
);

pub(crate) fn b64(bytes: &[u8]) -> String {
    B64.encode(bytes)
}

pub(crate) fn unb64(text: &str) -> Option<Vec<u8>> {
    B64.decode(text).ok()
}

/// The algorithms Okta accepts for assertions and DPoP proofs.
pub(crate) const ALGS: [&str; 6] = ["RS256", "RS384", "RS512", "ES256", "ES384", "ES512"];

/// JSON with duplicate member names refused (a second `"alg"` must not slip past a check).
pub(crate) fn parse_json(bytes: &[u8]) -> Option<Value> {
    let text = std::str::from_utf8(bytes).ok()?;
    let value: Value = serde_json::from_str(text).ok()?;
    if has_duplicates(text) {
        None
    } else {
        Some(value)
    }
}

/// Scans JSON text for an object with a repeated member name.
fn has_duplicates(text: &str) -> bool {
    // A small tokenizer over valid JSON (serde_json accepted it already): track member names per
    // open object.
    let bytes = text.as_bytes();
    let mut stack: Vec<(bool, std::collections::HashSet<String>)> = Vec::new();
    let mut i = 0;
    let mut expect_key = false;
    while i < bytes.len() {
        match bytes[i] {
            b'{' => {
                stack.push((true, std::collections::HashSet::new()));
                expect_key = true;
            }
            b'[' => stack.push((false, std::collections::HashSet::new())),
            b'}' | b']' => {
                stack.pop();
                expect_key = false;
            }
            b',' => expect_key = stack.last().is_some_and(|(obj, _)| *obj),
            b'"' => {
                let start = i + 1;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    if bytes[i] == b'\\' {
                        i += 1;
                    }
                    i += 1;
                }
                if expect_key {
                    let raw = &text[start..i.min(text.len())];
                    let name: String = serde_json::from_str(&format!("\"{raw}\""))
                        .unwrap_or_else(|_| raw.to_owned());
                    if let Some((_, names)) = stack.last_mut()
                        && !names.insert(name)
                    {
                        return true;
                    }
                    expect_key = false;
                }
            }
            _ => {}
        }
        i += 1;
    }
    false
}

/// A compact JWS split into its parts. Nothing is verified yet.
pub(crate) struct Compact<'a> {
    pub(crate) header: Map<String, Value>,
    pub(crate) claims: Map<String, Value>,
    pub(crate) signing_input: &'a [u8],
    pub(crate) signature: Vec<u8>,
}

/// Splits `header.payload.signature`; `None` if any part is malformed.
pub(crate) fn parse_compact(token: &str) -> Option<Compact<'_>> {
    if token.len() > 16 * 1024 {
        return None;
    }
    let mut parts = token.split('.');
    let (h, p, s) = (parts.next()?, parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    let header = match parse_json(&unb64(h)?)? {
        Value::Object(m) => m,
        _ => return None,
    };
    let claims = match parse_json(&unb64(p)?)? {
        Value::Object(m) => m,
        _ => return None,
    };
    let signature = unb64(s)?;
    Some(Compact {
        header,
        claims,
        signing_input: &token.as_bytes()[..h.len() + 1 + p.len()],
        signature,
    })
}

/// Why a JWK cannot be registered (the `errorCauses` summary Okta gives, or our own wording
/// where Okta's is unknown).
pub(crate) fn check_public_jwk(jwk: &Map<String, Value>) -> Result<(), String> {
    const PRIVATE: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "oth"];
    if PRIVATE.iter().any(|m| jwk.contains_key(*m)) {
        return Err("The 'jwks' must not contain private key material.".to_owned());
    }
    let text = |m: &str| jwk.get(m).and_then(Value::as_str);
    match jwk.get("use") {
        None | Some(Value::Null) => {}
        Some(Value::String(u)) if u == "sig" => {}
        Some(_) => return Err("The 'use' of a key in the 'jwks' must be 'sig'.".to_owned()),
    }
    match text("kty") {
        Some("RSA") => {
            let n = text("n")
                .and_then(unb64)
                .ok_or("The RSA key in the 'jwks' has an invalid 'n'.")?;
            let e = text("e")
                .and_then(unb64)
                .ok_or("The RSA key in the 'jwks' has an invalid 'e'.")?;
            if n.first() == Some(&0) || e.first() == Some(&0) || e.is_empty() {
                return Err("The RSA key in the 'jwks' is not minimally encoded.".to_owned());
            }
            let bits = n.len() * 8 - n.first().map_or(8, |b| b.leading_zeros() as usize);
            if bits < 2048 {
                return Err(
                    "RSA key length in the 'jwks' is less than '2,048' bits for the given key."
                        .to_owned(),
                );
            }
            if bits > 16384 || e.len() > 8 || e.last().is_some_and(|b| b & 1 == 0) {
                return Err("The RSA key in the 'jwks' is invalid.".to_owned());
            }
        }
        Some("EC") => {
            let len = match text("crv") {
                Some("P-256") => 32,
                Some("P-384") => 48,
                Some("P-521") => 66,
                _ => return Err("The EC key in the 'jwks' uses an unsupported curve.".to_owned()),
            };
            let x = text("x")
                .and_then(unb64)
                .ok_or("The EC key in the 'jwks' has an invalid 'x'.")?;
            let y = text("y")
                .and_then(unb64)
                .ok_or("The EC key in the 'jwks' has an invalid 'y'.")?;
            if x.len() != len || y.len() != len {
                return Err(
                    "The EC key in the 'jwks' has coordinates of the wrong length.".to_owned(),
                );
            }
            // josekit builds the key through OpenSSL, which refuses points off the curve. The
            // verifier is kept: a DPoP proof brings its key on every request, and building it
            // again each time cost as much as checking the signature.
            cached_verifier(jwk, curve_alg(len))
                .map_err(|()| "The EC key in the 'jwks' is not a point on its curve.".to_owned())?;
        }
        _ => return Err("The 'kty' of a key in the 'jwks' must be 'RSA' or 'EC'.".to_owned()),
    }
    if let Some(kid) = jwk.get("kid")
        && !kid.is_null()
        && !kid.is_string()
    {
        return Err("The 'kid' of a key in the 'jwks' must be a string.".to_owned());
    }
    Ok(())
}

fn curve_alg(len: usize) -> &'static str {
    match len {
        32 => "ES256",
        48 => "ES384",
        _ => "ES512",
    }
}

/// Whether `alg` is meant for this key's type (and curve).
pub(crate) fn alg_fits(jwk: &Map<String, Value>, alg: &str) -> bool {
    match jwk.get("kty").and_then(Value::as_str) {
        Some("RSA") => alg.starts_with("RS"),
        Some("EC") => match jwk.get("crv").and_then(Value::as_str) {
            Some("P-256") => alg == "ES256",
            Some("P-384") => alg == "ES384",
            Some("P-521") => alg == "ES512",
            _ => false,
        },
        _ => false,
    }
}

#[cfg(test)]
thread_local! {
    /// Verifiers this thread built (what the cache is for).
    static BUILT: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// A josekit verifier for a public JWK and an algorithm.
fn verifier(jwk: &Map<String, Value>, alg: &str) -> Result<Box<dyn JwsVerifier>, ()> {
    #[cfg(test)]
    BUILT.set(BUILT.get() + 1);
    let mut public = Map::new();
    for m in ["kty", "n", "e", "crv", "x", "y"] {
        if let Some(v) = jwk.get(m) {
            public.insert(m.to_owned(), v.clone());
        }
    }
    let key = Jwk::from_map(public).map_err(|_| ())?;
    let v: Box<dyn JwsVerifier> = match alg {
        "RS256" => Box::new(jws::RS256.verifier_from_jwk(&key).map_err(|_| ())?),
        "RS384" => Box::new(jws::RS384.verifier_from_jwk(&key).map_err(|_| ())?),
        "RS512" => Box::new(jws::RS512.verifier_from_jwk(&key).map_err(|_| ())?),
        "ES256" => Box::new(jws::ES256.verifier_from_jwk(&key).map_err(|_| ())?),
        "ES384" => Box::new(jws::ES384.verifier_from_jwk(&key).map_err(|_| ())?),
        "ES512" => Box::new(jws::ES512.verifier_from_jwk(&key).map_err(|_| ())?),
        _ => return Err(()),
    };
    Ok(v)
}

/// Verifiers made from a JWK, by algorithm and key: building one goes through OpenSSL 3's
/// decoders (measured: 17 % of the emulator's time serving a DPoP listing, where every request
/// brings the same proof key and the same access-token key).
type Verifiers = std::collections::HashMap<String, std::sync::Arc<dyn JwsVerifier>>;

/// Most verifiers kept; past it the cache starts again (keys are few in any real test).
const MAX_VERIFIERS: usize = 4096;

fn cached_verifier(
    jwk: &Map<String, Value>,
    alg: &str,
) -> Result<std::sync::Arc<dyn JwsVerifier>, ()> {
    static CACHE: std::sync::OnceLock<std::sync::Mutex<Verifiers>> = std::sync::OnceLock::new();
    let mut key = String::from(alg);
    for m in ["kty", "n", "e", "crv", "x", "y"] {
        key.push('\n');
        key.push_str(jwk.get(m).and_then(Value::as_str).unwrap_or_default());
    }
    let cache = CACHE.get_or_init(Default::default);
    if let Some(v) = cache.lock().ok().and_then(|c| c.get(&key).cloned()) {
        return Ok(v);
    }
    let v: std::sync::Arc<dyn JwsVerifier> = std::sync::Arc::from(verifier(jwk, alg)?);
    if let Ok(mut c) = cache.lock() {
        if c.len() >= MAX_VERIFIERS {
            c.clear();
        }
        c.insert(key, v.clone());
    }
    Ok(v)
}

/// Checks a JWS signature with a public JWK.
pub(crate) fn verify(jwk: &Map<String, Value>, alg: &str, input: &[u8], sig: &[u8]) -> bool {
    cached_verifier(jwk, alg).is_ok_and(|v| v.verify(input, sig).is_ok())
}

/// RFC 7638 SHA-256 thumbprint.
pub(crate) fn thumbprint(jwk: &Map<String, Value>) -> Option<String> {
    let get = |m: &str| jwk.get(m).and_then(Value::as_str);
    let canonical = match get("kty")? {
        "RSA" => serde_json::json!({"e": get("e")?, "kty": "RSA", "n": get("n")?}),
        "EC" => {
            serde_json::json!({"crv": get("crv")?, "kty": "EC", "x": get("x")?, "y": get("y")?})
        }
        _ => return None,
    };
    // serde_json's Map is ordered by key and compact: exactly RFC 7638's form.
    let text = serde_json::to_string(&canonical).ok()?;
    Some(b64(ring::digest::digest(
        &ring::digest::SHA256,
        text.as_bytes(),
    )
    .as_ref()))
}

/// The org's token-signing keys (RS256), with the public JWKS served at `/oauth2/v1/keys`.
pub(crate) struct SigningKey {
    pub(crate) kid: String,
    signer: josekit::jws::alg::rsassa::RsassaJwsSigner,
    pub(crate) public: Map<String, Value>,
}

impl SigningKey {
    /// A new RSA 2048 key, as PKCS#8 DER.
    pub(crate) fn generate_der() -> Result<Vec<u8>, String> {
        Ok(jws::RS256
            .generate_key_pair(2048)
            .map_err(|e| e.to_string())?
            .to_der_private_key())
    }

    pub(crate) fn from_der(kid: String, der: &[u8]) -> Result<SigningKey, String> {
        let pair = josekit::jwk::alg::rsa::RsaKeyPair::from_der(der).map_err(|e| e.to_string())?;
        let signer = jws::RS256.signer_from_der(der).map_err(|e| e.to_string())?;
        let mut public: Map<String, Value> = pair.to_jwk_public_key().into();
        public.insert("kid".to_owned(), Value::String(kid.clone()));
        public.insert("use".to_owned(), Value::String("sig".to_owned()));
        public.insert("alg".to_owned(), Value::String("RS256".to_owned()));
        Ok(SigningKey {
            kid,
            signer,
            public,
        })
    }

    /// Signs claims as a compact JWT with `{"kid","alg":"RS256"}` (the header of Okta's tokens).
    pub(crate) fn sign(&self, claims: &Value) -> String {
        use josekit::jws::JwsSigner as _;
        let header = serde_json::json!({"kid": self.kid, "alg": "RS256"});
        let input = format!(
            "{}.{}",
            b64(header.to_string().as_bytes()),
            b64(claims.to_string().as_bytes())
        );
        // Signing with a key we generated cannot fail short of memory exhaustion.
        let sig = self.signer.sign(input.as_bytes()).unwrap_or_default();
        format!("{input}.{}", b64(&sig))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn duplicates_are_found_at_any_depth() {
        assert!(parse_json(br#"{"a":1,"a":2}"#).is_none());
        assert!(parse_json(br#"{"k":[{"n":"x","e":"y","n":"z"}]}"#).is_none());
        assert!(parse_json(br#"{"a":{"b":1},"b":{"a":2}}"#).is_some());
        assert!(
            parse_json(br#"{"a\u0062":1,"ab":2}"#).is_none(),
            "escapes are decoded before comparing"
        );
        assert!(
            parse_json(br#"{"s":"{\"a\":1,\"a\":2}"}"#).is_some(),
            "strings are not objects"
        );
    }

    #[test]
    fn a_proof_key_is_built_into_a_verifier_once() {
        use josekit::jwk::alg::ec::{EcCurve, EcKeyPair};
        let pair = EcKeyPair::generate(EcCurve::P256).unwrap_or_else(|e| panic!("{e}"));
        let jwk = pair.to_jwk_public_key();
        let jwk: &Map<String, Value> = jwk.as_ref();
        let before = BUILT.get();
        // What every DPoP proof goes through: the key's checks, then the signature's.
        for _ in 0..3 {
            assert_eq!(check_public_jwk(jwk), Ok(()));
            assert!(!verify(jwk, "ES256", b"input", &[0; 64]));
        }
        assert_eq!(BUILT.get() - before, 1);
    }

    #[test]
    fn thumbprint_matches_rfc7638() {
        let jwk: Map<String, Value> = serde_json::from_str(r#"{"kty":"RSA","e":"AQAB","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJECPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw"}"#).unwrap_or_default();
        assert_eq!(
            thumbprint(&jwk).as_deref(),
            Some("NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs")
        );
    }
}
