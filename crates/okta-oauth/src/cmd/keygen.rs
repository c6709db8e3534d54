//! `okta-oauth keygen`: a new key pair, written 0600.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use okta_jwk::{Algorithm, Curve, Jwks, KeyPair, KeySpec, Kid};

use crate::files;
use crate::out::Out;

/// `okta-oauth keygen`.
#[derive(Debug, Args)]
pub(crate) struct Keygen {
    /// Key type.
    #[arg(long, value_enum, default_value_t = Kty::Rsa)]
    kty: Kty,
    /// RSA modulus size.
    #[arg(long, default_value_t = 2048)]
    bits: usize,
    /// EC curve (P-256, P-384, P-521).
    #[arg(long, default_value = "P-256")]
    crv: String,
    /// Signing algorithm (RS256/384/512 for RSA; fixed by the curve for EC).
    #[arg(long)]
    alg: Option<String>,
    /// Key id (default: the RFC 7638 thumbprint).
    #[arg(long)]
    kid: Option<String>,
    /// Where to write the private key (mode 0600): PKCS#8 PEM, or a private JWK when the name
    /// ends in `.json` or `.jwk` (a JWK keeps --alg and --kid; a PEM cannot). `-` writes it to
    /// standard output (not to a terminal) and the JWKS to standard error. [default:
    /// okta-private-key.pem, or okta-private-key.json with --alg or --kid]
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace an existing file.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Kty {
    #[value(name = "RSA", alias = "rsa")]
    Rsa,
    #[value(name = "EC", alias = "ec")]
    Ec,
}

impl Keygen {
    pub(crate) fn run(&self, out: &Out) -> Result<()> {
        let spec = match self.kty {
            Kty::Rsa => {
                if ![2048, 3072, 4096].contains(&self.bits) {
                    bail!("--bits must be 2048, 3072 or 4096");
                }
                let alg = match &self.alg {
                    Some(a) => a.parse::<Algorithm>()?,
                    None => Algorithm::RS256,
                };
                KeySpec::Rsa {
                    bits: self.bits,
                    alg,
                }
            }
            Kty::Ec => KeySpec::Ec(self.crv.parse::<Curve>()?),
        };
        let mut key = KeyPair::generate(spec)?;
        if let (Kty::Ec, Some(alg)) = (self.kty, &self.alg) {
            key = key.with_algorithm(alg.parse()?)?;
        }
        if let Some(kid) = &self.kid {
            key = key.with_kid(Kid::new(kid.clone())?);
        }
        // A PEM holds the key alone: a later command reading it signs with the key type's
        // default algorithm and the thumbprint as kid. What the JWKS tells Okta must be what
        // every later command signs with, so settings a PEM cannot hold go to a JWK.
        let plain = key.algorithm() == key.kind().default_algorithm()
            && key.kid().as_str() == key.thumbprint().as_str();
        let out_path = self.out.clone().unwrap_or_else(|| {
            PathBuf::from(if plain {
                "okta-private-key.pem"
            } else {
                "okta-private-key.json"
            })
        });
        let to_stdout = out_path == std::path::Path::new("-");
        let as_jwk = out_path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case("json") || e.eq_ignore_ascii_case("jwk"))
            || (to_stdout && !plain);
        if !plain && !as_jwk {
            bail!(
                "{} would be a PEM file, which cannot hold alg {} or kid {:?}: every later command would sign with {} and the thumbprint, which Okta would refuse. Write a JWK instead (--out {}.json), which keeps both",
                out_path.display(),
                key.algorithm(),
                key.kid().as_str(),
                key.kind().default_algorithm(),
                out_path.with_extension("").display(),
            );
        }
        let private = if as_jwk {
            key.to_private_jwk()?.expose_secret().to_owned()
        } else {
            key.to_pkcs8_pem()?.expose_secret().to_owned()
        };
        let jwks = Jwks::new(vec![key.public_jwk().clone()]);
        let described = format!("{}, {}, kid {}", key.kind(), key.algorithm(), key.kid());
        if to_stdout {
            if out.is_terminal() {
                bail!(
                    "refusing to print a private key to a terminal; give --out FILE or pipe the output"
                );
            }
            out.raw(&private);
            out.note(&format!("private key ({described}) written to standard output; register this public JWKS with Okta:"));
            out.note(&jwks.to_json_pretty());
            return Ok(());
        }
        files::write_private(&out_path, &private, self.force)?;
        out.note(&format!(
            "private key ({described}) written to {} (mode 0600{})",
            out_path.display(),
            if as_jwk { ", a private JWK" } else { "" }
        ));
        out.data(&jwks.to_json_pretty(), &serde_json::to_value(&jwks)?);
        Ok(())
    }
}
