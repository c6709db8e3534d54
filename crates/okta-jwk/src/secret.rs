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

#[cfg(test)]
mod tests {
    use super::*;

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
