//! JWK Sets.

use serde::ser::{Serialize, SerializeStruct, Serializer};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::{Kid, PublicJwk, strict_json};

/// Largest JWKS text read: 50 keys (Okta's limit per app) of 8192 bits fit easily.
const MAX_JWKS_LEN: usize = 1024 * 1024;

/// A JWK Set (RFC 7517 §5) of public keys.
///
/// Reading is lenient as RFC 7517 §5 asks: keys of unknown type, or with missing or out-of-range
/// members, are skipped and listed in [`Jwks::skipped`]. Duplicate member names anywhere, or
/// private members in any key, fail the whole set. Writing is exact: `{"keys":[…]}`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Jwks {
    keys: Vec<PublicJwk>,
    skipped: Vec<Skipped>,
}

/// A key of a JWKS that was passed over, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Skipped {
    /// Its position in `keys`, from 0.
    pub index: usize,
    /// Why it was not usable.
    pub reason: String,
}

impl Jwks {
    /// A set of these keys.
    pub fn new(keys: Vec<PublicJwk>) -> Jwks {
        Jwks {
            keys,
            skipped: Vec::new(),
        }
    }

    /// Parses a JWKS, skipping unusable keys.
    pub fn from_json(text: &str) -> Result<Jwks> {
        let value = strict_json::parse(text, "JWKS", MAX_JWKS_LEN)?;
        let keys = match value.get("keys") {
            Some(Value::Array(keys)) => keys,
            Some(_) => {
                return Err(Error::InvalidMember {
                    member: "keys",
                    reason: "it is not an array",
                });
            }
            None => return Err(Error::MissingMember { member: "keys" }),
        };
        let mut jwks = Jwks::default();
        for (index, key) in keys.iter().enumerate() {
            match PublicJwk::from_value(key) {
                Ok(jwk) => jwks.keys.push(jwk),
                Err(e @ Error::PrivateMemberInPublicKey { .. }) => return Err(e),
                Err(e) => jwks.skipped.push(Skipped {
                    index,
                    reason: e.to_string(),
                }),
            }
        }
        Ok(jwks)
    }

    /// The usable keys, in document order.
    pub fn keys(&self) -> &[PublicJwk] {
        &self.keys
    }

    /// The keys that were skipped while reading.
    pub fn skipped(&self) -> &[Skipped] {
        &self.skipped
    }

    /// The first key with this `kid`.
    pub fn get(&self, kid: &Kid) -> Option<&PublicJwk> {
        self.keys.iter().find(|k| k.kid() == Some(kid))
    }

    /// Adds a key.
    pub fn push(&mut self, key: PublicJwk) {
        self.keys.push(key);
    }

    /// Whether there are no usable keys.
    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// The set as compact JSON text.
    pub fn to_json(&self) -> String {
        // INVARIANT: serialising strings into a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The set as indented JSON text, for people.
    pub fn to_json_pretty(&self) -> String {
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

impl Serialize for Jwks {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut st = s.serialize_struct("Jwks", 1)?;
        st.serialize_field("keys", &self.keys)?;
        st.end()
    }
}

impl FromIterator<PublicJwk> for Jwks {
    fn from_iter<I: IntoIterator<Item = PublicJwk>>(iter: I) -> Jwks {
        Jwks::new(iter.into_iter().collect())
    }
}
