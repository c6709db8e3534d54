//! `okta-oauth thumbprint`: a key's RFC 7638 thumbprint.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use okta_jwk::Kid;

use crate::files;
use crate::out::Out;

/// `okta-oauth thumbprint`.
#[derive(Debug, Args)]
pub(crate) struct Thumbprint {
    #[command(flatten)]
    pub(crate) keys: crate::context::KeyOpts,
    /// The key file (PEM or JWK, private or public; a JWKS of one key, or with --kid). `-` reads
    /// standard input.
    file: PathBuf,
    /// The key of a JWKS file to take, by its kid.
    #[arg(long)]
    kid: Option<String>,
}

impl Thumbprint {
    pub(crate) fn run(&self, out: &Out) -> Result<()> {
        let key = files::any_key(&self.file, self.kid.as_deref())?;
        let tp = key.public_jwk().thumbprint();
        out.data(tp.as_str(), &serde_json::json!({"thumbprint": tp.as_str(), "kid": key.public_jwk().kid().map(Kid::as_str)}));
        Ok(())
    }
}
