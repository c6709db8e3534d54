//! Redacting holders for private key material.

use zeroize::Zeroizing;

macro_rules! secret_text {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        ///
        /// `Debug` prints only the type name; there is no `Display` and no `Serialize`. The text is
        /// wiped from memory when dropped.
        #[derive(Clone, PartialEq, Eq)]
        pub struct $name(Zeroizing<String>);

        impl $name {
            /// Wraps text that must not be printed.
            pub fn new(text: impl Into<String>) -> Self {
                Self(Zeroizing::new(text.into()))
            }

            /// The secret text. Call this only where the text leaves the process on purpose
            /// (written to a 0600 file, handed to a crypto library).
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
    PrivatePem
);
secret_text!(
    /// A private key as a JWK (JSON text).
    PrivateJwk
);
secret_text!(
    /// The passphrase of an encrypted PEM private key.
    Passphrase
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
