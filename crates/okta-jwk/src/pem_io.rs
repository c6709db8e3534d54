//! PEM reading and writing: PKCS#8, PKCS#1, SEC1 and SPKI, with the mistakes people actually make
//! (certificates, encrypted keys, two keys in one file, `\n` escapes) named in the error.

use openssl::ec::EcKey;
use openssl::pkey::{PKey, Private};
use openssl::rsa::Rsa;

use crate::error::{Error, Result, sanitize};
use crate::params::Params;
use crate::secret::Passphrase;

/// Largest PEM text read; an 8192-bit PKCS#1 key is about 6.5 KiB.
const MAX_PEM_LEN: usize = 64 * 1024;

const PRIVATE_LABELS: [&str; 3] = ["PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"];
const PUBLIC_LABELS: [&str; 2] = ["PUBLIC KEY", "RSA PUBLIC KEY"];

/// Encodes DER as PEM with 64-character lines and `\n` endings.
pub(crate) fn encode(label: &str, der: Vec<u8>) -> String {
    let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
    pem::encode_config(&pem::Pem::new(label, der), config)
}

/// Whether the text looks like PEM rather than JSON.
pub(crate) fn looks_like_pem(text: &str) -> bool {
    text.contains("-----BEGIN ")
}

/// Splits text into PEM blocks, refusing escaped newlines and truncated or damaged blocks.
fn blocks(text: &str) -> Result<Vec<pem::Pem>> {
    if text.len() > MAX_PEM_LEN {
        return Err(Error::TooLarge {
            what: "PEM",
            len: text.len(),
            max: MAX_PEM_LEN,
        });
    }
    let begins = text.matches("-----BEGIN ").count();
    if begins == 0 {
        return Err(Error::Pem {
            reason: "no -----BEGIN line found",
        });
    }
    if !text.contains('\n') && text.contains("\\n") {
        return Err(Error::EscapedNewlines);
    }
    let blocks = pem::parse_many(text).map_err(|e| match e {
        // A backslash is never base64: `\n` in a body that does not decode is an escape (the
        // BEGIN and END lines on lines of their own, the body pasted from a variable).
        pem::PemError::InvalidData(_) if text.contains("\\n") => Error::EscapedNewlines,
        e => Error::Pem {
            reason: match e {
                pem::PemError::MismatchedTags(..) => "BEGIN and END labels differ",
                pem::PemError::MissingEndTag | pem::PemError::MissingData => {
                    "the block is truncated"
                }
                pem::PemError::InvalidData(_) | pem::PemError::NotUtf8(_) => {
                    "the base64 body is corrupted"
                }
                _ => "the block is malformed",
            },
        },
    })?;
    if blocks.len() != begins {
        return Err(Error::Pem {
            reason: "a block is truncated (no matching -----END line)",
        });
    }
    Ok(blocks)
}

/// Reads exactly one private key.
pub(crate) fn read_private(text: &str, passphrase: Option<&Passphrase>) -> Result<PKey<Private>> {
    let blocks = blocks(text)?;
    // `openssl ecparam -genkey` writes an EC PARAMETERS block before the key: skip it.
    let keys: Vec<&pem::Pem> = blocks
        .iter()
        .filter(|b| b.tag() != "EC PARAMETERS")
        .collect();
    let private: Vec<&&pem::Pem> = keys
        .iter()
        .filter(|b| PRIVATE_LABELS.contains(&b.tag()) || b.tag() == "ENCRYPTED PRIVATE KEY")
        .collect();
    match private.as_slice() {
        [one] => decode_private(one, passphrase),
        [] => Err(match keys.first() {
            Some(b) if PUBLIC_LABELS.contains(&b.tag()) || b.tag() == "CERTIFICATE" => {
                Error::NotPrivate {
                    found: format!("PEM {}", b.tag()),
                }
            }
            Some(b) => Error::PemLabel {
                label: sanitize(b.tag()),
            },
            None => Error::Pem {
                reason: "no key block found",
            },
        }),
        many => Err(Error::MultipleKeys { count: many.len() }),
    }
}

fn decode_private(block: &pem::Pem, passphrase: Option<&Passphrase>) -> Result<PKey<Private>> {
    let der = block.contents();
    let legacy_encrypted = block
        .headers()
        .get("Proc-Type")
        .is_some_and(|v| v.contains("ENCRYPTED"));
    match (block.tag(), legacy_encrypted, passphrase) {
        ("ENCRYPTED PRIVATE KEY", _, None) | (_, true, None) => Err(Error::Encrypted),
        ("ENCRYPTED PRIVATE KEY", _, Some(pass)) => {
            PKey::private_key_from_pkcs8_passphrase(der, pass.expose_secret().as_bytes())
                .map_err(|_| Error::Decrypt)
        }
        (_, true, Some(pass)) => {
            // Legacy OpenSSL encryption lives in the PEM headers, so OpenSSL reads the text.
            let text = encode_with_headers(block);
            PKey::private_key_from_pem_passphrase(text.as_bytes(), pass.expose_secret().as_bytes())
                .map_err(|_| Error::Decrypt)
        }
        ("PRIVATE KEY", false, _) => {
            PKey::private_key_from_pkcs8(der).map_err(|_| Error::Der { format: "PKCS#8" })
        }
        ("RSA PRIVATE KEY", false, _) => Rsa::private_key_from_der(der)
            .and_then(PKey::from_rsa)
            .map_err(|_| Error::Der { format: "PKCS#1" }),
        ("EC PRIVATE KEY", false, _) => EcKey::private_key_from_der(der)
            .and_then(PKey::from_ec_key)
            .map_err(|_| Error::Der { format: "SEC1" }),
        (label, ..) => Err(Error::PemLabel {
            label: sanitize(label),
        }),
    }
}

fn encode_with_headers(block: &pem::Pem) -> zeroize::Zeroizing<String> {
    let config = pem::EncodeConfig::new().set_line_ending(pem::LineEnding::LF);
    zeroize::Zeroizing::new(pem::encode_config(block, config))
}

/// Reads exactly one public key: SPKI or PKCS#1.
pub(crate) fn read_public(text: &str) -> Result<Params> {
    let blocks = blocks(text)?;
    let public: Vec<&pem::Pem> = blocks
        .iter()
        .filter(|b| PUBLIC_LABELS.contains(&b.tag()))
        .collect();
    let block = match public.as_slice() {
        [one] => *one,
        [] => {
            return Err(match blocks.first() {
                Some(b) if PRIVATE_LABELS.contains(&b.tag()) => Error::PemLabel {
                    label: format!("{} (a private key; read it as a key pair)", b.tag()),
                },
                Some(b) => Error::PemLabel {
                    label: sanitize(b.tag()),
                },
                None => Error::Pem {
                    reason: "no key block found",
                },
            });
        }
        many => return Err(Error::MultipleKeys { count: many.len() }),
    };
    if block.tag() == "PUBLIC KEY" {
        return Params::from_spki_der(block.contents());
    }
    let rsa = Rsa::public_key_from_der_pkcs1(block.contents())
        .map_err(|_| Error::Der { format: "PKCS#1" })?;
    Params::rsa(rsa.n().to_vec(), rsa.e().to_vec())
}

/// Replaces literal `\n` (and `\r\n`) escapes with line breaks, for PEM text that went through an
/// environment variable or a JSON string. Callers apply it on purpose; readers never guess.
pub fn unescape_newlines(text: &str) -> String {
    text.replace("\\r\\n", "\n").replace("\\n", "\n")
}
