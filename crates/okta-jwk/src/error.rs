//! The crate's one error type.

use crate::Algorithm;

/// Everything that can go wrong while reading, checking, converting or using a key.
///
/// No variant carries key material: where input is at fault, the error names the member or the
/// encoding that is wrong, never its value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The input is not JSON, or not the JSON shape expected (a JWK must be an object).
    #[error("{what} is not valid JSON (line {line}, column {column})")]
    Json {
        /// What was being read (`"JWK"`, `"JWKS"`).
        what: &'static str,
        /// 1-based line of the first error.
        line: usize,
        /// 1-based column of the first error.
        column: usize,
    },
    /// A JSON object names the same member twice (RFC 7517 §4 requires unique names).
    #[error("{what} has the member {member:?} more than once")]
    DuplicateMember {
        /// What was being read.
        what: &'static str,
        /// The repeated member name (names are never secret).
        member: String,
    },
    /// A required JWK member is absent.
    #[error("member {member:?} is missing")]
    MissingMember {
        /// The member name.
        member: &'static str,
    },
    /// A JWK member is present but unusable.
    #[error("member {member:?} is invalid: {reason}")]
    InvalidMember {
        /// The member name.
        member: &'static str,
        /// Why, without the value.
        reason: &'static str,
    },
    /// The input is larger than any key this crate reads.
    #[error("{what} is too large ({len} bytes; at most {max})")]
    TooLarge {
        /// What was being read.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The cap.
        max: usize,
    },
    /// The key type is neither RSA nor EC.
    #[error("unsupported key type {kty:?}: Okta accepts RSA and EC keys")]
    UnsupportedKeyType {
        /// The `kty` found (sanitised, truncated).
        kty: String,
    },
    /// The curve is not P-256, P-384 or P-521.
    #[error("unsupported curve {crv:?}: use P-256, P-384 or P-521")]
    UnsupportedCurve {
        /// The curve name found (sanitised, truncated).
        crv: String,
    },
    /// The algorithm name is not one of Okta's six.
    #[error("unsupported algorithm {alg:?}: Okta accepts RS256, RS384, RS512, ES256, ES384, ES512")]
    UnsupportedAlgorithm {
        /// The algorithm found (sanitised, truncated).
        alg: String,
    },
    /// The algorithm does not fit the key.
    #[error("algorithm {alg} does not fit {key}")]
    AlgorithmMismatch {
        /// The algorithm asked for.
        alg: Algorithm,
        /// The key, described (`"an RSA key"`, `"a P-384 key"`).
        key: String,
    },
    /// An RSA modulus below 2048 bits (RFC 7518 §3.3) or above what is supported.
    #[error("RSA key of {bits} bits is not allowed: use 2048 to 8192 bits (RFC 7518 §3.3)")]
    RsaKeySize {
        /// The modulus length in bits.
        bits: usize,
    },
    /// An RSA size this crate will not generate.
    #[error("cannot generate an RSA key of {bits} bits: choose 2048, 3072 or 4096")]
    RsaGenerateSize {
        /// The size asked for.
        bits: usize,
    },
    /// The RSA public exponent is even, 1, or unreasonably large.
    #[error(
        "RSA public exponent is not acceptable (it must be odd, at least 3 and at most 2^64-1)"
    )]
    RsaExponent,
    /// The EC point is not on the named curve, or is the point at infinity.
    #[error("EC public point is not on the curve {crv}")]
    PointNotOnCurve {
        /// The curve.
        crv: &'static str,
    },
    /// The private and public parts of a key do not belong together.
    #[error("the private key does not match its public key")]
    KeyMismatch,
    /// A public key was given where the private key is needed.
    #[error("expected a private key, found {found}")]
    NotPrivate {
        /// What was found (`"a public JWK"`, `"PEM CERTIFICATE"`).
        found: String,
    },
    /// A private member was found where only a public key may appear.
    #[error("a public JWK must not hold private members, found {member:?}")]
    PrivateMemberInPublicKey {
        /// The offending member.
        member: &'static str,
    },
    /// The key is marked for another use than signing.
    #[error("the key's \"use\" is {found:?}; signing keys must have \"use\": \"sig\" or none")]
    KeyUse {
        /// The `use` found (sanitised, truncated).
        found: String,
    },
    /// The PEM input is encrypted and no passphrase was given.
    #[error("the private key is encrypted: give its passphrase, or decrypt it first")]
    Encrypted,
    /// Decrypting an encrypted PEM failed (wrong passphrase or damaged input).
    #[error("cannot decrypt the private key: wrong passphrase or damaged file")]
    Decrypt,
    /// The input holds more than one key where one is expected.
    #[error("the input holds {count} keys; give exactly one")]
    MultipleKeys {
        /// How many keys were found.
        count: usize,
    },
    /// No PEM block at all, or a broken one.
    #[error("not a PEM key: {reason}")]
    Pem {
        /// What is wrong.
        reason: &'static str,
    },
    /// The PEM has literal `\n` escapes instead of line breaks.
    #[error(
        "the PEM holds literal \\n escapes instead of line breaks (as when copied from an environment variable); unescape it explicitly"
    )]
    EscapedNewlines,
    /// A PEM label this crate does not read.
    #[error("unsupported PEM block {label:?}")]
    PemLabel {
        /// The label (sanitised, truncated).
        label: String,
    },
    /// The DER inside a PEM block does not parse as the labelled structure.
    #[error("the {format} structure is malformed")]
    Der {
        /// The structure (`"PKCS#8"`, `"PKCS#1"`, `"SEC1"`, `"SPKI"`).
        format: &'static str,
    },
    /// A `kid` that is empty, too long or holds control characters.
    #[error("key id is not acceptable: {reason}")]
    Kid {
        /// Why.
        reason: &'static str,
    },
    /// The signature did not verify.
    #[error("signature verification failed")]
    BadSignature,
    /// An ECDSA signature in DER form that does not read as one (see
    /// [`ecdsa_signature_from_der`](crate::ecdsa_signature_from_der)).
    #[error("the DER ECDSA signature is not acceptable: {reason}")]
    SignatureEncoding {
        /// Why.
        reason: &'static str,
    },
    /// Signing failed inside the crypto backend or an external signer (KMS, HSM, command).
    #[error("signing with {alg} failed{}", source.as_ref().map(|s| format!(": {s}")).unwrap_or_default())]
    Signing {
        /// The algorithm.
        alg: Algorithm,
        /// What an external signer reported, if anything.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync + 'static>>,
    },
    /// The crypto backend failed while generating or converting a key.
    #[error("the crypto backend failed while {operation}")]
    Backend {
        /// What was being done.
        operation: &'static str,
    },
}

/// Shorthand for results of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Untrusted text made safe to show in a message or on a terminal: every character that is not
/// printable ASCII (control characters, ANSI escapes, non-ASCII) becomes `?`, and the text is cut
/// to `max_chars` characters with `…` after it.
pub fn display_safe(s: &str, max_chars: usize) -> String {
    let mut out: String = s
        .chars()
        .take(max_chars)
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect();
    if s.chars().nth(max_chars).is_some() {
        out.push('…');
    }
    out
}

/// Names taken from key input, for messages.
pub(crate) fn sanitize(s: &str) -> String {
    display_safe(s, 40)
}

#[cfg(test)]
mod tests {
    use super::display_safe;

    #[test]
    fn display_safe_neutralises_escapes_and_cuts() {
        assert_eq!(display_safe("ok text", 40), "ok text");
        assert_eq!(display_safe("\u{1b}[31mred\n", 40), "?[31mred?");
        assert_eq!(display_safe("abcdef", 3), "abc…");
        assert_eq!(display_safe("abc", 3), "abc");
        assert_eq!(display_safe("é<script>", 40), "?<script>");
    }
}
