//! A public key's numbers ([`Params`]) and what kind of key they make ([`KeyKind`]), with the
//! OpenSSL conversions both ways. Below [`crate::public`] (the JWK) and the backend that signs
//! and verifies: both build on these, and these on neither.

use std::fmt;

use openssl::bn::{BigNum, BigNumContext};
use openssl::ec::{EcGroup, EcKey};
use openssl::pkey::{PKey, Public};

use crate::error::{Error, Result};
use crate::{Algorithm, Curve, b64};

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

    pub(crate) fn canonical_json(&self) -> String {
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

    /// Reads SPKI DER.
    pub(crate) fn from_spki_der(der: &[u8]) -> Result<Params> {
        let pkey = PKey::public_key_from_der(der).map_err(|_| Error::Der { format: "SPKI" })?;
        Params::from_openssl(&pkey)
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
