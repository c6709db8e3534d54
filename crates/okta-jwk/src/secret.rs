//! Redacting holders for secret text.

/// Defines a newtype for secret text: `Debug` prints `Name([redacted])`, there is no `Display`
/// and no `Serialize`, `expose_secret()` hands out the text, and the memory is zeroed on drop.
///
/// The first argument is the visibility of the constructor `new`, so a crate can keep the
/// making of a secret to itself while others may read it.
///
/// ```
/// okta_jwk::secret_text!(
///     /// An API token.
///     pub ApiToken
/// );
/// let token = ApiToken::new("00abc");
/// assert_eq!(format!("{token:?}"), "ApiToken([redacted])");
/// assert_eq!(token.expose_secret(), "00abc");
/// ```
#[doc(hidden)]
#[macro_export]
macro_rules! secret_text {
    ($(#[$doc:meta])* $new_vis:vis $name:ident) => {
        $(#[$doc])*
        ///
        /// `Debug` prints only the type name; there is no `Display` and no `Serialize`. The text is
        /// wiped from memory when dropped.
        #[derive(Clone)]
        pub struct $name($crate::__private::Zeroizing<String>);

        /// Compares in constant time (for equal lengths), so a comparison reveals nothing of
        /// where two secrets differ.
        impl PartialEq for $name {
            fn eq(&self, other: &Self) -> bool {
                $crate::__private::constant_time_eq(self.0.as_bytes(), other.0.as_bytes())
            }
        }

        impl Eq for $name {}

        impl $name {
            /// Wraps text that must not be printed.
            $new_vis fn new(text: impl Into<String>) -> Self {
                Self($crate::__private::Zeroizing::new(text.into()))
            }

            /// The secret text. Call this only where the text leaves the process on purpose
            /// (on the wire, to a 0600 file, into a crypto library).
            pub fn expose_secret(&self) -> &str {
                &self.0
            }
        }

        impl std::fmt::Debug for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

secret_text!(
    /// A private key in PEM form (PKCS#8, PKCS#1 or SEC1).
    pub PrivatePem
);
secret_text!(
    /// A private key as a JWK (JSON text).
    pub PrivateJwk
);
secret_text!(
    /// The passphrase of an encrypted PEM private key.
    pub Passphrase
);

/// Thirty-two secret bytes derived from a private key with HKDF-SHA256 (RFC 5869): the same
/// key and the same `info` always give the same bytes, and the bytes tell nothing of the key.
/// `Debug` prints only the type name, and the bytes are wiped from memory when dropped.
///
/// What a [`Signer`](crate::Signer) with its private key in memory offers, through
/// [`Signer::derive_secret`](crate::Signer::derive_secret), to encrypt what belongs to that key
/// (a token cache entry) without handing out the key itself.
#[derive(Clone)]
pub struct DerivedSecret(zeroize::Zeroizing<[u8; 32]>);

impl DerivedSecret {
    /// HKDF-SHA256 of `material` with this crate's salt and `info`: for key material held
    /// elsewhere (a key file's bytes, a secret given by configuration).
    pub fn from_material(material: &[u8], info: &[u8]) -> DerivedSecret {
        DerivedSecret(zeroize::Zeroizing::new(hkdf_sha256(
            DERIVE_SALT,
            material,
            info,
        )))
    }

    /// The bytes. Call this only to feed them to a cipher or another key derivation.
    pub fn expose_secret(&self) -> &[u8; 32] {
        &self.0
    }
}

impl std::fmt::Debug for DerivedSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DerivedSecret([redacted])")
    }
}

/// The HKDF salt of [`DerivedSecret`]: fixed, so that every holder of a key derives the same.
const DERIVE_SALT: &[u8] = b"okta-jwk derived secret v1";

/// The first 32 bytes of HKDF-SHA256's output (RFC 5869 §2.2 and §2.3).
fn hkdf_sha256(salt: &[u8], material: &[u8], info: &[u8]) -> [u8; 32] {
    let prk = ring::hkdf::Salt::new(ring::hkdf::HKDF_SHA256, salt).extract(material);
    let mut out = [0u8; 32];
    let info = [info];
    // INVARIANT: 32 bytes is within HKDF-SHA256's limit of 255 × 32, so expand and fill succeed.
    if let Ok(okm) = prk.expand(&info, ring::hkdf::HKDF_SHA256) {
        let _ = okm.fill(&mut out);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(text: &str) -> Vec<u8> {
        (0..text.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(&text[i..i + 2], 16).unwrap_or(0))
            .collect()
    }

    #[test]
    fn hkdf_matches_rfc_5869_test_case_1() {
        // RFC 5869 Appendix A.1: SHA-256, L = 42; the first 32 bytes of its OKM.
        let okm = hkdf_sha256(
            &hex("000102030405060708090a0b0c"),
            &[0x0b; 22],
            &hex("f0f1f2f3f4f5f6f7f8f9"),
        );
        assert_eq!(
            okm.to_vec(),
            hex("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf")
        );
    }

    #[test]
    fn a_key_derives_the_same_secret_whatever_file_it_was_read_from() {
        let pair = crate::KeyPair::generate(crate::KeySpec::Ec(crate::Curve::P256)).unwrap();
        let from_pem =
            crate::KeyPair::from_pem(pair.to_pkcs8_pem().unwrap().expose_secret()).unwrap();
        let from_sec1 =
            crate::KeyPair::from_pem(pair.to_sec1_pem().unwrap().expose_secret()).unwrap();
        let a = pair.derive_secret(b"x").unwrap();
        assert_eq!(
            a.expose_secret(),
            from_pem.derive_secret(b"x").unwrap().expose_secret()
        );
        assert_eq!(
            a.expose_secret(),
            from_sec1.derive_secret(b"x").unwrap().expose_secret()
        );
        let other = crate::KeyPair::generate(crate::KeySpec::Ec(crate::Curve::P256)).unwrap();
        assert_ne!(
            a.expose_secret(),
            other.derive_secret(b"x").unwrap().expose_secret()
        );
    }

    #[test]
    fn derived_secrets_differ_by_material_and_info_and_are_redacted() {
        let a = DerivedSecret::from_material(b"key one", b"cache");
        assert_eq!(
            a.expose_secret(),
            DerivedSecret::from_material(b"key one", b"cache").expose_secret()
        );
        assert_ne!(
            a.expose_secret(),
            DerivedSecret::from_material(b"key two", b"cache").expose_secret()
        );
        assert_ne!(
            a.expose_secret(),
            DerivedSecret::from_material(b"key one", b"other").expose_secret()
        );
        assert_eq!(format!("{a:?}"), "DerivedSecret([redacted])");
    }

    #[test]
    fn debug_is_redacted() {
        assert_eq!(
            format!("{:?}", PrivatePem::new("-----BEGIN")),
            "PrivatePem([redacted])"
        );
        assert_eq!(
            format!("{:?}", PrivateJwk::new("{\"d\":\"x\"}")),
            "PrivateJwk([redacted])"
        );
        assert_eq!(
            format!("{:?}", Passphrase::new("hunter2")),
            "Passphrase([redacted])"
        );
        assert_eq!(PrivatePem::new("abc").expose_secret(), "abc");
    }
}
