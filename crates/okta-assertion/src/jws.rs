//! Compact JWS serialisation (RFC 7515 §7.1) over any [`Signer`].

use okta_jwk::__private::base64url;
use okta_jwk::Signer;
use serde::Serialize;

use crate::error::{Error, Result};

/// Signs `claims` under a header that was encoded once, returning `header.payload.signature`.
pub(crate) fn sign_compact(
    signer: &dyn Signer,
    encoded_header: &str,
    claims: &impl Serialize,
) -> Result<String> {
    let payload = serde_json::to_vec(claims).map_err(|_| Error::Malformed {
        reason: "claims do not serialise",
    })?;
    let mut out = String::with_capacity(encoded_header.len() + payload.len() * 4 / 3 + 400);
    out.push_str(encoded_header);
    out.push('.');
    out.push_str(&base64url::encode(&payload));
    let sig = signer.sign(out.as_bytes())?;
    out.push('.');
    out.push_str(&base64url::encode(&sig));
    Ok(out)
}

/// base64url of a header's JSON.
pub(crate) fn encode_header(header: &impl Serialize) -> Result<String> {
    serde_json::to_vec(header)
        .map(base64url::encode)
        .map_err(|_| Error::Malformed {
            reason: "header does not serialise",
        })
}
