//! `okta-oauth convert`: a key from one form to another.

use std::path::PathBuf;

use anyhow::{Result, bail};
use clap::{Args, ValueEnum};
use okta_jwk::AnyKey;

use crate::files;
use crate::out::Out;

/// `okta-oauth convert`.
#[derive(Debug, Args)]
pub(crate) struct Convert {
    #[command(flatten)]
    pub(crate) keys: crate::context::KeyOpts,
    /// The key file (PEM or JWK, private or public; a JWKS of one key). `-` reads standard
    /// input.
    file: PathBuf,
    /// The key of a JWKS file to take, by its kid.
    #[arg(long)]
    kid: Option<String>,
    /// The form to write.
    #[arg(long, value_enum)]
    to: Form,
    /// Write only the public key.
    #[arg(long)]
    public: bool,
    /// Write to this file (mode 0600 for private keys) instead of standard output.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
    /// Replace an existing output file.
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum Form {
    /// JWK (JSON).
    Jwk,
    /// PKCS#8 PEM (`PRIVATE KEY`); with --public, SPKI.
    Pkcs8,
    /// PKCS#1 PEM (`RSA PRIVATE KEY` / `RSA PUBLIC KEY`), RSA only.
    Pkcs1,
    /// SEC1 PEM (`EC PRIVATE KEY`), EC only.
    Sec1,
    /// SPKI PEM (`PUBLIC KEY`).
    Spki,
}

impl Convert {
    pub(crate) fn run(&self, out: &Out) -> Result<()> {
        let key = files::any_key(&self.file, self.kid.as_deref())?;
        files::entering(&key, &self.file)?;
        let (text, secret) = match (&key, self.public || matches!(self.to, Form::Spki)) {
            (AnyKey::Private(pair), false) => match self.to {
                Form::Jwk => (pair.to_private_jwk()?.expose_secret().to_owned(), true),
                Form::Pkcs8 => (pair.to_pkcs8_pem()?.expose_secret().to_owned(), true),
                Form::Pkcs1 => (pair.to_pkcs1_pem()?.expose_secret().to_owned(), true),
                Form::Sec1 => (pair.to_sec1_pem()?.expose_secret().to_owned(), true),
                Form::Spki => bail!("SPKI is a public-key form; add --public"),
            },
            (AnyKey::Public(_), false) => bail!(
                "{} holds a public key only; add --public",
                self.file.display()
            ),
            (_, true) => {
                let public = key.public_jwk();
                let text = match self.to {
                    Form::Jwk => public.to_json(),
                    Form::Pkcs8 | Form::Spki => public.to_spki_pem()?,
                    Form::Pkcs1 => public.to_pkcs1_pem()?,
                    Form::Sec1 => {
                        bail!("SEC1 holds private EC keys; use --to spki for a public key")
                    }
                };
                (text, false)
            }
        };
        match (&self.out, secret) {
            (Some(path), true) => files::write_private(path, &text, self.force)?,
            (Some(path), false) => std::fs::write(path, &text)?,
            (None, true) if out.is_terminal() => bail!(
                "refusing to print a private key to a terminal; use --out FILE (or pipe the output)"
            ),
            (None, _) => out.raw(&text),
        }
        Ok(())
    }
}
