//! Decoding and verifying compact JWS (RFC 7515) with an algorithm allowlist (RFC 8725 §3.1).

use okta_jwk::__private::base64url;
use okta_jwk::{Algorithm, Jwks, PublicJwk};
use serde_json::{Map, Value};

use crate::error::{Error, Result, sanitize};
use crate::random::UnixTime;

/// Longest token accepted; Okta's access tokens are about 1 KB, our proofs under 1 KB.
const MAX_TOKEN_LEN: usize = 16 * 1024;

/// A decoded JWT whose signature has **not** been checked.
#[derive(Debug, Clone)]
pub struct Unverified {
    /// The protected header.
    pub header: Map<String, Value>,
    /// The claims.
    pub claims: Map<String, Value>,
    signing_input_len: usize,
    signature: Vec<u8>,
}

impl Unverified {
    /// Splits and decodes a compact JWT: exactly three base64url segments, a JSON-object header
    /// and payload, no duplicate member names, a non-empty signature. Nothing is verified.
    pub fn decode(token: &str) -> Result<Unverified> {
        if token.len() > MAX_TOKEN_LEN {
            return Err(Error::Malformed {
                reason: "it is longer than 16 KiB",
            });
        }
        let mut parts = token.split('.');
        let (Some(h), Some(p), Some(s), None) =
            (parts.next(), parts.next(), parts.next(), parts.next())
        else {
            return Err(Error::Malformed {
                reason: "a compact JWS has exactly three segments",
            });
        };
        let header = object(h, "header")?;
        let claims = object(p, "payload")?;
        let signature = base64url::decode(s).ok_or(Error::Malformed {
            reason: "the signature is not base64url",
        })?;
        if signature.is_empty() {
            return Err(Error::Malformed {
                reason: "the signature is empty (unsigned JWTs are refused)",
            });
        }
        Ok(Unverified {
            header,
            claims,
            signing_input_len: h.len() + 1 + p.len(),
            signature,
        })
    }

    /// The header's `alg`, as written.
    pub fn alg(&self) -> Option<&str> {
        self.header.get("alg").and_then(Value::as_str)
    }

    /// The header's `kid`, as written.
    pub fn kid(&self) -> Option<&str> {
        self.header.get("kid").and_then(Value::as_str)
    }
}

fn object(segment: &str, what: &'static str) -> Result<Map<String, Value>> {
    let bytes = base64url::decode(segment).ok_or(Error::Malformed {
        reason: if what == "header" {
            "the header is not base64url"
        } else {
            "the payload is not base64url"
        },
    })?;
    let text = std::str::from_utf8(&bytes).map_err(|_| Error::Malformed {
        reason: "a segment is not UTF-8",
    })?;
    match okta_jwk::__private::parse_json_strict(text, "JWT", MAX_TOKEN_LEN) {
        Ok(Value::Object(map)) => Ok(map),
        Ok(_) => Err(Error::Malformed {
            reason: "header and payload must be JSON objects",
        }),
        Err(okta_jwk::Error::DuplicateMember { .. }) => Err(Error::Malformed {
            reason: "a member name appears twice (RFC 7515 §4)",
        }),
        Err(_) => Err(Error::Malformed {
            reason: "a segment is not JSON",
        }),
    }
}

/// Verifies compact JWS signatures with an explicit algorithm allowlist.
///
/// Refuses `none`, HMAC and every algorithm not listed; any `crit` header; a key whose type
/// does not fit the algorithm. Never fetches `jku`, `x5u` or `x5c`, and never trusts an embedded
/// `jwk` (DPoP verifiers take that key on purpose, with [`Verifier::verify_with_key`]).
#[derive(Debug, Clone)]
pub struct Verifier {
    algorithms: Vec<Algorithm>,
    typ: Option<&'static str>,
}

/// A JWT whose signature checked out and whose claims passed a [`Validation`]: the only way
/// to its claims is through [`Verifier::verify`] or [`Verifier::verify_with_key`], which do
/// both.
#[derive(Debug, Clone)]
pub struct Verified {
    header: Map<String, Value>,
    claims: Map<String, Value>,
    alg: Algorithm,
}

impl Verified {
    /// The protected header.
    pub fn header(&self) -> &Map<String, Value> {
        &self.header
    }

    /// The claims.
    pub fn claims(&self) -> &Map<String, Value> {
        &self.claims
    }

    /// The claims, taken.
    pub fn into_claims(self) -> Map<String, Value> {
        self.claims
    }

    /// The algorithm it was signed with.
    pub fn alg(&self) -> Algorithm {
        self.alg
    }
}

impl Verifier {
    /// A verifier that accepts only these algorithms.
    pub fn new(algorithms: &[Algorithm]) -> Verifier {
        Verifier {
            algorithms: algorithms.to_vec(),
            typ: None,
        }
    }

    /// Also requires this `typ` header (compared case-insensitively, RFC 7515 §4.1.9), e.g.
    /// `dpop+jwt` (RFC 8725 §3.11: explicit typing).
    pub fn require_type(mut self, typ: &'static str) -> Verifier {
        self.typ = Some(typ);
        self
    }

    /// Verifies `token` with the key of `keys` that its `kid` names (with no `kid`, with the
    /// only key that fits its algorithm), then checks its claims against `validation`.
    pub fn verify(&self, token: &str, keys: &Jwks, validation: &Validation) -> Result<Verified> {
        let (jwt, alg) = self.decode_checked(token)?;
        let fitting: Vec<&PublicJwk> = keys.keys().iter().filter(|k| k.kind().fits(alg)).collect();
        let key = match jwt.kid() {
            Some(kid) => fitting
                .iter()
                .find(|k| k.kid().is_some_and(|k| k.as_str() == kid))
                .ok_or_else(|| Error::NoKey { kid: sanitize(kid) })?,
            None => match fitting.as_slice() {
                [one] => one,
                [] => return Err(Error::NoKey { kid: String::new() }),
                many => {
                    return Err(Error::AmbiguousKey {
                        candidates: many.len(),
                    });
                }
            },
        };
        Self::check_signature(token, jwt, alg, key)?.validated(validation)
    }

    /// Verifies `token` with one given key, then checks its claims against `validation`.
    pub fn verify_with_key(
        &self,
        token: &str,
        key: &PublicJwk,
        validation: &Validation,
    ) -> Result<Verified> {
        let (jwt, alg) = self.decode_checked(token)?;
        if !key.kind().fits(alg) {
            return Err(Error::Key(okta_jwk::Error::AlgorithmMismatch {
                alg,
                key: format!("an {} key", key.kind()),
            }));
        }
        Self::check_signature(token, jwt, alg, key)?.validated(validation)
    }

    fn decode_checked(&self, token: &str) -> Result<(Unverified, Algorithm)> {
        let jwt = Unverified::decode(token)?;
        let named = jwt.alg().ok_or(Error::Malformed {
            reason: "the header has no \"alg\"",
        })?;
        let alg = named
            .parse::<Algorithm>()
            .ok()
            .filter(|a| self.algorithms.contains(a))
            .ok_or_else(|| Error::AlgorithmNotAllowed {
                alg: sanitize(named),
            })?;
        if jwt.header.contains_key("crit") {
            return Err(Error::Critical);
        }
        if let Some(expected) = self.typ {
            let found = jwt
                .header
                .get("typ")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if !found.eq_ignore_ascii_case(expected) {
                return Err(Error::Type {
                    expected,
                    found: sanitize(found),
                });
            }
        }
        Ok((jwt, alg))
    }

    fn check_signature(
        token: &str,
        jwt: Unverified,
        alg: Algorithm,
        key: &PublicJwk,
    ) -> Result<Verified> {
        let input = &token.as_bytes()[..jwt.signing_input_len];
        key.verify(alg, input, &jwt.signature)
            .map_err(|e| match e {
                okta_jwk::Error::BadSignature => Error::BadSignature,
                other => Error::Key(other),
            })?;
        Ok(Verified {
            header: jwt.header,
            claims: jwt.claims,
            alg,
        })
    }
}

/// Which claims to check, and against what. Nothing is checked that is not asked for, except
/// that `exp`, `nbf` and `iat`, when present, must be integers.
#[derive(Debug, Clone)]
pub struct Validation {
    now: UnixTime,
    leeway: u64,
    issuer: Option<String>,
    audience: Option<String>,
    require_exp: bool,
}

impl Validation {
    /// Checks times against `now` with no leeway, and requires `exp`.
    pub fn at(now: UnixTime) -> Validation {
        Validation {
            now,
            leeway: 0,
            issuer: None,
            audience: None,
            require_exp: true,
        }
    }

    /// Seconds of clock skew to allow on `exp`, `nbf` and `iat`.
    pub fn leeway(mut self, seconds: u64) -> Validation {
        self.leeway = seconds;
        self
    }

    /// Requires `iss` to equal this.
    pub fn issuer(mut self, issuer: impl Into<String>) -> Validation {
        self.issuer = Some(issuer.into());
        self
    }

    /// Requires `aud` (a string or an array of strings) to contain this.
    pub fn audience(mut self, audience: impl Into<String>) -> Validation {
        self.audience = Some(audience.into());
        self
    }

    /// Whether `exp` must be present (default: yes).
    pub fn require_exp(mut self, yes: bool) -> Validation {
        self.require_exp = yes;
        self
    }
}

impl Verified {
    /// Checks the claims: times (integers; `exp` not passed, `nbf`/`iat` not in the future),
    /// then issuer and audience when asked.
    fn validated(self, v: &Validation) -> Result<Verified> {
        let (now, leeway) = (v.now.secs(), v.leeway);
        match numeric(&self.claims, "exp")? {
            Some(exp) if now >= exp.saturating_add(leeway) => {
                return Err(Error::Expired { exp, now, leeway });
            }
            None if v.require_exp => return Err(Error::MissingClaim { claim: "exp" }),
            _ => {}
        }
        for claim in ["nbf", "iat"] {
            if let Some(t) = numeric(&self.claims, claim)?
                && t > now.saturating_add(leeway)
            {
                return Err(Error::NotYetValid {
                    not_before: t,
                    now,
                    leeway,
                });
            }
        }
        if let Some(expected) = &v.issuer {
            let found = self
                .claims
                .get("iss")
                .and_then(Value::as_str)
                .unwrap_or_default();
            if found != expected {
                return Err(Error::Issuer {
                    expected: expected.clone(),
                    found: sanitize(found),
                });
            }
        }
        if let Some(expected) = &v.audience {
            let ok = match self.claims.get("aud") {
                Some(Value::String(a)) => a == expected,
                Some(Value::Array(list)) => list.iter().any(|a| a.as_str() == Some(expected)),
                _ => false,
            };
            if !ok {
                return Err(Error::Audience {
                    expected: expected.clone(),
                });
            }
        }
        Ok(self)
    }
}

/// A NumericDate claim: a non-negative integer (a string such as `"1614664267"` is refused).
fn numeric(claims: &Map<String, Value>, claim: &'static str) -> Result<Option<u64>> {
    match claims.get(claim) {
        None => Ok(None),
        Some(Value::Number(n)) => n.as_u64().map(Some).ok_or(Error::ClaimType {
            claim,
            expected: "a non-negative integer (seconds since the epoch)",
        }),
        Some(_) => Err(Error::ClaimType {
            claim,
            expected: "a number (seconds since the epoch), not a string",
        }),
    }
}
