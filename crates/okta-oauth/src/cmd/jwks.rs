//! `okta-oauth jwks`: the public JWKS of key files.

use std::path::PathBuf;

use anyhow::Result;
use clap::Args;
use okta_jwk::Jwks;

use crate::files;
use crate::out::Out;

/// `okta-oauth jwks`.
#[derive(Debug, Args)]
pub(crate) struct JwksCmd {
    #[command(flatten)]
    pub(crate) keys: crate::context::KeyOpts,
    /// Key files (private or public; PEM, JWK or JWKS: every key of a JWKS is taken). `-` reads
    /// standard input.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
}

impl JwksCmd {
    pub(crate) fn run(&self, out: &Out) -> Result<()> {
        let mut jwks = Jwks::default();
        for f in &self.files {
            for key in files::keys(f)? {
                files::entering(&key, f)?;
                let public = key.public_jwk().clone();
                jwks.push(if public.kid().is_some() {
                    public
                } else {
                    public.with_thumbprint_kid()
                });
            }
        }
        out.data(&jwks.to_json_pretty(), &serde_json::to_value(&jwks)?);
        Ok(())
    }
}
