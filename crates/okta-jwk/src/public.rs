//! Public keys as JWKs: parsing with every RFC 7517/7518 check, exact output, thumbprints and
//! signature verification.

use std::fmt;

use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey};
use openssl::pkey::{PKey, Public};
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::{Map, Value};

use crate::error::{Error, Result, sanitize};
use crate::kid::{Kid, Thumbprint};
use crate::{Algorithm, Curve, b64, pem_io, strict_json};

/// Largest JWK text read, far above any real key (an 8192-bit private JWK is about 7 KiB).
pub(crate) const MAX_JWK_LEN: usize = 64 * 1024;

/// RSA members that make a JWK private (RFC 7518 §6.3.2), and EC's `d` (§6.2.2).
pub(crate) const PRIVATE_MEMBERS: [&str; 7] = ["d", "p", "q", "dp", "dq", "qi", "oth"];

/// What a key is, for messages and choices: `RSA 2048-bit` or `EC P-256`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum KeyKind {
    /// An RSA key with this many modulus bits.
    Rsa {
        /// Modulus length in bits.
        bits: usize,
    },
    /// An EC key on this curve.
    Ec(Curve),
}

impl KeyKind {
    /// Whether `alg` can be used with this key.
    pub fn fits(self, alg: Algorithm) -> bool {
        match self {
            KeyKind::Rsa { .. } => alg.is_rsa(),
            KeyKind::Ec(curve) => alg.curve() == Some(curve),
        }
    }

    /// The algorithm used when none is named: RS256 for RSA, the curve's for EC.
    pub fn default_algorithm(self) -> Algorithm {
        match self {
            KeyKind::Rsa { .. } => Algorithm::RS256,
            KeyKind::Ec(curve) => curve.algorithm(),
        }
    }

    pub(crate) fn check(self, alg: Algorithm) -> Result<()> {
        if self.fits(alg) {
            Ok(())
        } else {
            Err(Error::AlgorithmMismatch {
                alg,
                key: format!("an {self} key"),
            })
        }
    }
}

impl fmt::Display for KeyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            KeyKind::Rsa { bits } => write!(f, "RSA {bits}-bit"),
            KeyKind::Ec(curve) => write!(f, "EC {curve}"),
        }
    }
}

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

/// Public key numbers, always valid: RSA modulus 2048–8192 bits with a sane exponent, or an EC
/// point on its curve. Integers are big-endian without leading zeros; EC coordinates are full
/// width.
#[derive(Clone, PartialEq, Eq, Hash)]
pub(crate) enum Params {
    Rsa { n: Vec<u8>, e: Vec<u8> },
    Ec { crv: Curve, x: Vec<u8>, y: Vec<u8> },
}

impl Params {
    pub(crate) fn rsa(n: Vec<u8>, e: Vec<u8>) -> Result<Params> {
        let bits = rsa_bits(&n);
        if !(2048..=8192).contains(&bits) {
            return Err(Error::RsaKeySize { bits });
        }
        let odd = e.last().is_some_and(|b| b & 1 == 1);
        if e.is_empty() || e.len() > 8 || !odd || e.as_slice() == [1] || e[0] == 0 {
            return Err(Error::RsaExponent);
        }
        Ok(Params::Rsa { n, e })
    }

    pub(crate) fn ec(crv: Curve, x: Vec<u8>, y: Vec<u8>) -> Result<Params> {
        let len = crv.coordinate_len();
        if x.len() != len {
            return Err(Error::InvalidMember {
                member: "x",
                reason: coordinate_reason(crv),
            });
        }
        if y.len() != len {
            return Err(Error::InvalidMember {
                member: "y",
                reason: coordinate_reason(crv),
            });
        }
        // OpenSSL refuses coordinates outside the field, points off the curve and the point at
        // infinity (the invalid-curve attack of RFC 8725 §3.4 starts with such points).
        ec_public_key(crv, &x, &y)?;
        Ok(Params::Ec { crv, x, y })
    }

    pub(crate) fn kind(&self) -> KeyKind {
        match self {
            Params::Rsa { n, .. } => KeyKind::Rsa { bits: rsa_bits(n) },
            Params::Ec { crv, .. } => KeyKind::Ec(*crv),
        }
    }

    fn canonical_json(&self) -> String {
        // RFC 7638 §3.2: required members only, sorted, no white space. Every value here is
        // base64url or a fixed name, so no JSON escaping is needed.
        match self {
            Params::Rsa { n, e } => {
                format!(
                    r#"{{"e":"{}","kty":"RSA","n":"{}"}}"#,
                    b64::encode(e),
                    b64::encode(n)
                )
            }
            Params::Ec { crv, x, y } => format!(
                r#"{{"crv":"{}","kty":"EC","x":"{}","y":"{}"}}"#,
                crv.as_str(),
                b64::encode(x),
                b64::encode(y)
            ),
        }
    }

    pub(crate) fn to_openssl(&self) -> Result<PKey<Public>> {
        let pkey = match self {
            Params::Rsa { n, e } => {
                let rsa = openssl::rsa::Rsa::from_public_components(bn(n)?, bn(e)?)
                    .map_err(|_| backend("building an RSA public key"))?;
                PKey::from_rsa(rsa)
            }
            Params::Ec { crv, x, y } => PKey::from_ec_key(ec_public_key(*crv, x, y)?),
        };
        pkey.map_err(|_| backend("building a public key"))
    }

    pub(crate) fn from_openssl<T: openssl::pkey::HasPublic>(pkey: &PKey<T>) -> Result<Params> {
        if let Ok(rsa) = pkey.rsa() {
            return Params::rsa(rsa.n().to_vec(), rsa.e().to_vec());
        }
        if let Ok(ec) = pkey.ec_key() {
            let crv = curve_of(ec.group())?;
            let (x, y) = affine(&ec, crv)?;
            return Params::ec(crv, x, y);
        }
        Err(Error::UnsupportedKeyType {
            kty: key_type_name(pkey.id()),
        })
    }

    /// Uncompressed SEC1 point `04 || x || y`, as ring wants it.
    pub(crate) fn ec_point(x: &[u8], y: &[u8]) -> Vec<u8> {
        let mut point = Vec::with_capacity(1 + x.len() + y.len());
        point.push(4);
        point.extend_from_slice(x);
        point.extend_from_slice(y);
        point
    }
}

fn coordinate_reason(crv: Curve) -> &'static str {
    match crv {
        Curve::P256 => "P-256 coordinates must be exactly 32 octets (RFC 7518 §6.2.1.2)",
        Curve::P384 => "P-384 coordinates must be exactly 48 octets (RFC 7518 §6.2.1.2)",
        Curve::P521 => "P-521 coordinates must be exactly 66 octets (RFC 7518 §6.2.1.2)",
    }
}

/// OpenSSL's short name of a key type (`"ED25519"`, `"DSA"`), for messages.
pub(crate) fn key_type_name(id: openssl::pkey::Id) -> String {
    let name = openssl::nid::Nid::from_raw(id.as_raw()).short_name();
    name.map_or_else(
        |_| format!("OpenSSL key type {}", id.as_raw()),
        str::to_owned,
    )
}

pub(crate) fn rsa_bits(n: &[u8]) -> usize {
    match n.first() {
        None => 0,
        Some(&top) => (n.len() - 1) * 8 + (8 - top.leading_zeros() as usize),
    }
}

pub(crate) fn bn(bytes: &[u8]) -> Result<BigNum> {
    BigNum::from_slice(bytes).map_err(|_| backend("reading a big number"))
}

pub(crate) fn backend(operation: &'static str) -> Error {
    Error::Backend { operation }
}

pub(crate) fn ec_group(crv: Curve) -> Result<EcGroup> {
    EcGroup::from_curve_name(crv.nid()).map_err(|_| backend("loading a curve"))
}

pub(crate) fn curve_of(group: &openssl::ec::EcGroupRef) -> Result<Curve> {
    let nid = group.curve_name();
    nid.and_then(Curve::from_nid)
        .ok_or_else(|| Error::UnsupportedCurve {
            crv: nid
                .and_then(|n| n.short_name().ok())
                .unwrap_or("explicit parameters")
                .to_owned(),
        })
}

fn ec_public_key(crv: Curve, x: &[u8], y: &[u8]) -> Result<EcKey<Public>> {
    let group = ec_group(crv)?;
    // EC_KEY_set_public_key_affine_coordinates refuses coordinates outside the field and then
    // runs EC_KEY_check_key: on the curve, not infinity, of the group's order.
    EcKey::from_public_key_affine_coordinates(&group, &*bn(x)?, &*bn(y)?)
        .map_err(|_| Error::PointNotOnCurve { crv: crv.as_str() })
}

pub(crate) fn affine<T: openssl::pkey::HasPublic>(
    ec: &EcKey<T>,
    crv: Curve,
) -> Result<(Vec<u8>, Vec<u8>)> {
    let err = |_| backend("reading an EC point");
    let mut ctx = BigNumContext::new().map_err(err)?;
    let mut x = BigNum::new().map_err(err)?;
    let mut y = BigNum::new().map_err(err)?;
    ec.public_key()
        .affine_coordinates(ec.group(), &mut x, &mut y, &mut ctx)
        .map_err(err)?;
    // INVARIANT: coordinate lengths are 32, 48 or 66, far below i32::MAX.
    let len = crv.coordinate_len() as i32;
    Ok((
        x.to_vec_padded(len).map_err(err)?,
        y.to_vec_padded(len).map_err(err)?,
    ))
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
        pem_io::read_public(text)
    }

    /// Reads a public key from SPKI DER.
    pub fn from_spki_der(der: &[u8]) -> Result<PublicJwk> {
        let pkey = PKey::public_key_from_der(der).map_err(|_| Error::Der { format: "SPKI" })?;
        Params::from_openssl(&pkey).map(PublicJwk::from_params)
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
