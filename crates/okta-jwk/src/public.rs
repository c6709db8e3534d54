//! Public keys as JWKs: parsing with every RFC 7517/7518 check, exact output, thumbprints and
//! signature verification.

use std::fmt;

use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::error::{Error, Result, sanitize};
use crate::kid::{Kid, Thumbprint};
use crate::params::{KeyKind, Params, backend, bn};
use crate::{Algorithm, Curve, b64, pem_io, strict_json};

/// Largest JWK text read, far above any real key (an 8192-bit private JWK is about 7 KiB).
pub(crate) const MAX_JWK_LEN: usize = 64 * 1024;

/// RSA members that make a JWK private (RFC 7518 §6.3.2), and EC's `d` (§6.2.2).
pub(crate) const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "oth"];

/// The intended use of a key (`use`, RFC 7517 §4.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[allow(
    clippy::exhaustive_enums,
    reason = "RFC 7517 §4.2 defines sig and enc; other values are refused when read"
)]
pub enum KeyUse {
    /// `"sig"`: signing.
    Sig,
    /// `"enc"`: encryption.
    Enc,
}

impl KeyUse {
    /// The JWK spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            KeyUse::Sig => "sig",
            KeyUse::Enc => "enc",
        }
    }
}

/// A public key as a JWK. It cannot hold private members, and its numbers were checked when it
/// was made: an RSA modulus of 2048 to 8192 bits, or an EC point on P-256, P-384 or P-521.
///
/// Serialises exactly as `{"kty","n","e"|"crv","x","y","kid","use","alg"}`, in that order,
/// leaving out absent optional members.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct PublicJwk {
    pub(crate) params: Params,
    kid: Option<Kid>,
    key_use: Option<KeyUse>,
    alg: Option<Algorithm>,
}

impl fmt::Debug for PublicJwk {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PublicJwk")
            .field("kind", &self.kind())
            .field("kid", &self.kid)
            .field("use", &self.key_use)
            .field("alg", &self.alg)
            .field("thumbprint", &self.thumbprint().as_str())
            .finish()
    }
}

impl PublicJwk {
    pub(crate) fn from_params(params: Params) -> PublicJwk {
        PublicJwk {
            params,
            kid: None,
            key_use: None,
            alg: None,
        }
    }

    /// Parses one public JWK from JSON text.
    ///
    /// Refuses private members (`d`, `p`, …), duplicate member names, padded or standard
    /// base64, non-minimal integers, short EC coordinates, points off the curve, RSA moduli below
    /// 2048 bits, and an `alg` that does not fit the key. Unknown members are ignored.
    pub fn from_json(text: &str) -> Result<PublicJwk> {
        let value = strict_json::parse(text, "JWK", MAX_JWK_LEN)?;
        PublicJwk::from_value(&value)
    }

    pub(crate) fn from_value(value: &Value) -> Result<PublicJwk> {
        let obj = value.as_object().ok_or(Error::Json {
            what: "JWK",
            line: 1,
            column: 1,
        })?;
        if let Some(member) = PRIVATE_MEMBERS.iter().find(|m| obj.contains_key(**m)) {
            return Err(Error::PrivateMemberInPublicKey { member });
        }
        PublicJwk::from_object(obj)
    }

    /// Reads the public part of an object that may also hold private members.
    pub(crate) fn from_object(obj: &Map<String, Value>) -> Result<PublicJwk> {
        let kty = required_str(obj, "kty")?;
        let params = match kty {
            "RSA" => Params::rsa(uint(obj, "n")?, uint(obj, "e")?)?,
            "EC" => {
                let crv: Curve = required_str(obj, "crv")?.parse()?;
                Params::ec(crv, octets(obj, "x")?, octets(obj, "y")?)?
            }
            other => {
                return Err(Error::UnsupportedKeyType {
                    kty: sanitize(other),
                });
            }
        };
        let kid = optional_str(obj, "kid")?.map(Kid::new).transpose()?;
        let key_use = match optional_str(obj, "use")? {
            None => None,
            Some("sig") => Some(KeyUse::Sig),
            Some("enc") => Some(KeyUse::Enc),
            Some(other) => {
                return Err(Error::KeyUse {
                    found: sanitize(other),
                });
            }
        };
        let alg = optional_str(obj, "alg")?
            .map(str::parse::<Algorithm>)
            .transpose()?;
        if let Some(alg) = alg {
            params.kind().check(alg)?;
        }
        Ok(PublicJwk {
            params,
            kid,
            key_use,
            alg,
        })
    }

    /// Reads a public key from PEM: SPKI (`PUBLIC KEY`) or PKCS#1 (`RSA PUBLIC KEY`).
    pub fn from_pem(text: &str) -> Result<PublicJwk> {
        pem_io::read_public(text).map(PublicJwk::from_params)
    }

    /// Reads a public key from SPKI DER.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicJwk> {
        Params::from_spki_der(der).map(PublicJwk::from_params)
    }

    /// Sets the key id.
    pub fn with_kid(mut self, kid: Kid) -> PublicJwk {
        self.kid = Some(kid);
        self
    }

    /// Sets the key id to the RFC 7638 thumbprint.
    pub fn with_thumbprint_kid(self) -> PublicJwk {
        let kid = Kid::from(self.thumbprint());
        self.with_kid(kid)
    }

    /// Sets `use`.
    pub fn with_use(mut self, key_use: KeyUse) -> PublicJwk {
        self.key_use = Some(key_use);
        self
    }

    /// Sets `alg`, which must fit the key.
    pub fn with_alg(mut self, alg: Algorithm) -> Result<PublicJwk> {
        self.kind().check(alg)?;
        self.alg = Some(alg);
        Ok(self)
    }

    /// Drops `kid`, `use` and `alg`, keeping only the key.
    pub fn bare(&self) -> PublicJwk {
        PublicJwk::from_params(self.params.clone())
    }

    /// The key id, if any.
    pub fn kid(&self) -> Option<&Kid> {
        self.kid.as_ref()
    }

    /// The `use`, if any.
    pub fn key_use(&self) -> Option<KeyUse> {
        self.key_use
    }

    /// The `alg`, if any.
    pub fn alg(&self) -> Option<Algorithm> {
        self.alg
    }

    /// What kind of key this is.
    pub fn kind(&self) -> KeyKind {
        self.params.kind()
    }

    /// The RFC 7638 SHA-256 thumbprint (also DPoP's `jkt`).
    pub fn thumbprint(&self) -> Thumbprint {
        Thumbprint::of_canonical_json(&self.params.canonical_json())
    }

    /// Whether both describe the same key, whatever their `kid`, `use` and `alg`.
    pub fn same_key(&self, other: &PublicJwk) -> bool {
        self.params == other.params
    }

    /// The JWK as compact JSON text.
    pub fn to_json(&self) -> String {
        // INVARIANT: serialising strings into a String cannot fail.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The key as SPKI DER.
    pub fn to_spki_der(&self) -> Result<Vec<u8>> {
        self.params
            .to_openssl()?
            .public_key_to_der()
            .map_err(|_| backend("encoding SPKI"))
    }

    /// The key as SPKI PEM (`-----BEGIN PUBLIC KEY-----`).
    pub fn to_spki_pem(&self) -> Result<String> {
        Ok(pem_io::encode("PUBLIC KEY", self.to_spki_der()?))
    }

    /// An RSA key as PKCS#1 PEM (`-----BEGIN RSA PUBLIC KEY-----`).
    pub fn to_pkcs1_pem(&self) -> Result<String> {
        let Params::Rsa { n, e } = &self.params else {
            return Err(Error::AlgorithmMismatch {
                alg: self.kind().default_algorithm(),
                key: "PKCS#1, which holds only RSA keys".to_owned(),
            });
        };
        let rsa = openssl::rsa::Rsa::from_public_components(bn(n)?, bn(e)?)
            .map_err(|_| backend("building an RSA public key"))?;
        let der = rsa
            .public_key_to_der_pkcs1()
            .map_err(|_| backend("encoding PKCS#1"))?;
        Ok(pem_io::encode("RSA PUBLIC KEY", der))
    }

    /// Checks a JWS signature (`sig` as JWS carries it: PKCS#1 v1.5 for RS*, fixed-width R‖S
    /// for ES*) over `message` with `alg`, which must fit this key.
    pub fn verify(&self, alg: Algorithm, message: &[u8], sig: &[u8]) -> Result<()> {
        self.kind().check(alg)?;
        crate::backend::verify(&self.params, alg, message, sig)
    }
}

impl PublicJwk {
    /// The members in output order: `kty`, the key's own members, then `kid`, `use`, `alg`.
    /// The boundary between the two groups is returned too, so private members can go there.
    pub(crate) fn members(&self) -> (Vec<(&'static str, String)>, usize) {
        let mut m: Vec<(&'static str, String)> = match &self.params {
            Params::Rsa { n, e } => {
                vec![
                    ("kty", "RSA".into()),
                    ("n", b64::encode(n)),
                    ("e", b64::encode(e)),
                ]
            }
            Params::Ec { crv, x, y } => vec![
                ("kty", "EC".into()),
                ("crv", crv.as_str().into()),
                ("x", b64::encode(x)),
                ("y", b64::encode(y)),
            ],
        };
        let key_members = m.len();
        if let Some(kid) = &self.kid {
            m.push(("kid", kid.as_str().to_owned()));
        }
        if let Some(key_use) = self.key_use {
            m.push(("use", key_use.as_str().to_owned()));
        }
        if let Some(alg) = self.alg {
            m.push(("alg", alg.as_str().to_owned()));
        }
        (m, key_members)
    }
}

impl Serialize for PublicJwk {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let (members, _) = self.members();
        let mut map = s.serialize_map(Some(members.len()))?;
        for (name, value) in &members {
            map.serialize_entry(name, value)?;
        }
        map.end()
    }
}

pub(crate) fn required_str<'a>(
    obj: &'a Map<String, Value>,
    member: &'static str,
) -> Result<&'a str> {
    optional_str(obj, member)?.ok_or(Error::MissingMember { member })
}

/// A string member; JSON `null` counts as absent (Okta echoes `"use": null`).
pub(crate) fn optional_str<'a>(
    obj: &'a Map<String, Value>,
    member: &'static str,
) -> Result<Option<&'a str>> {
    match obj.get(member) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(_) => Err(Error::InvalidMember {
            member,
            reason: "it is not a string",
        }),
    }
}

/// A base64url member holding raw octets (EC coordinates and `d`).
pub(crate) fn octets(obj: &Map<String, Value>, member: &'static str) -> Result<Vec<u8>> {
    let text = required_str(obj, member)?;
    b64::decode(text).ok_or(Error::InvalidMember {
        member,
        reason: "it is not unpadded base64url (RFC 7515 §2)",
    })
}

/// A Base64urlUInt member (RFC 7518 §2): big-endian, at least one octet, no leading zero octet.
pub(crate) fn uint(obj: &Map<String, Value>, member: &'static str) -> Result<Vec<u8>> {
    let bytes = octets(obj, member)?;
    match bytes.first() {
        None => Err(Error::InvalidMember {
            member,
            reason: "it is empty",
        }),
        Some(0) if bytes.len() > 1 => Err(Error::InvalidMember {
            member,
            reason: "it has a leading zero octet (Base64urlUInt must be minimal, RFC 7518 §2)",
        }),
        _ => Ok(bytes),
    }
}
