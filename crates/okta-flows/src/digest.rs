//! One digest, for names: base64url(SHA-256(bytes)) names store entries and deferred keys.

use okta_jwk::__private::base64url;

/// base64url(SHA-256(bytes)).
pub(crate) fn sha256_b64(bytes: &[u8]) -> String {
    base64url::encode(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref())
}
