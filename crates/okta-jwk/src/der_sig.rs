//! ECDSA signatures in the DER form of X9.62/RFC 3279 (`SEQUENCE { INTEGER r, INTEGER s }`),
//! which KMS and HSM APIs and OpenSSL return, turned into the fixed-width `r || s` form that
//! JWS requires (RFC 7518 §3.4).

use crate::Algorithm;
use crate::error::{Error, Result};

/// Turns a DER-encoded ECDSA signature into its JWS form: `r` and `s` as big-endian integers,
/// each left-padded to the curve's size (32, 48 or 66 octets), one after the other.
///
/// For a [`Signer`](crate::Signer) backed by a KMS or HSM whose sign call returns DER (AWS KMS,
/// Google Cloud KMS, PKCS#11 with some tokens). The DER is read strictly: one `SEQUENCE` of two
/// minimal, positive `INTEGER`s that fit the curve, with nothing after it.
///
/// ```
/// use okta_jwk::{Algorithm, ecdsa_signature_from_der};
///
/// // r = 1, s = 2 on P-256.
/// let jws = ecdsa_signature_from_der(Algorithm::ES256, &[0x30, 6, 2, 1, 1, 2, 1, 2])?;
/// assert_eq!(jws.len(), 64);
/// assert_eq!((jws[31], jws[63]), (1, 2));
/// # Ok::<(), okta_jwk::Error>(())
/// ```
pub fn ecdsa_signature_from_der(alg: Algorithm, der: &[u8]) -> Result<Vec<u8>> {
    let refuse = |reason| Err(Error::SignatureEncoding { reason });
    let Some(curve) = alg.curve() else {
        return refuse("an RSA signature is used as it is; only ECDSA has a DER form");
    };
    let width = curve.coordinate_len();
    let (body, rest) = tlv(der, 0x30)?;
    if !rest.is_empty() {
        return refuse("bytes follow the SEQUENCE");
    }
    let (r, body) = tlv(body, 0x02)?;
    let (s, body) = tlv(body, 0x02)?;
    if !body.is_empty() {
        return refuse("the SEQUENCE holds more than two INTEGERs");
    }
    let mut out = Vec::with_capacity(2 * width);
    for int in [r, s] {
        let magnitude = unsigned(int)?;
        if magnitude.len() > width {
            return refuse("an INTEGER is larger than the curve allows");
        }
        out.resize(out.len() + width - magnitude.len(), 0);
        out.extend_from_slice(magnitude);
    }
    Ok(out)
}

/// One DER element of type `tag`: its contents and what follows it.
fn tlv(input: &[u8], tag: u8) -> Result<(&[u8], &[u8])> {
    let refuse = |reason| Err(Error::SignatureEncoding { reason });
    let [found, first, rest @ ..] = input else {
        return refuse("the DER ends early");
    };
    if *found != tag {
        return refuse(if tag == 0x30 {
            "not a DER SEQUENCE"
        } else {
            "not a DER INTEGER"
        });
    }
    let (len, rest) = match *first {
        n @ 0..=0x7f => (usize::from(n), rest),
        0x81 => match rest {
            [n @ 0x80..=0xff, rest @ ..] => (usize::from(*n), rest),
            _ => return refuse("a DER length is not minimal"),
        },
        _ => return refuse("a DER length is longer than an ECDSA signature needs"),
    };
    if rest.len() < len {
        return refuse("the DER ends early");
    }
    Ok(rest.split_at(len))
}

/// The magnitude of a positive, minimally encoded DER INTEGER.
fn unsigned(int: &[u8]) -> Result<&[u8]> {
    let refuse = |reason| Err(Error::SignatureEncoding { reason });
    match int {
        [] => refuse("an INTEGER is empty"),
        [b, ..] if *b >= 0x80 => refuse("an INTEGER is negative"),
        [0] => refuse("an INTEGER is zero"),
        [0, next, ..] if *next < 0x80 => refuse("an INTEGER is not minimally encoded"),
        [0, magnitude @ ..] => Ok(magnitude),
        magnitude => Ok(magnitude),
    }
}
