//! `okta-oauth decode`: a JWT's header and claims, offline and unverified.

use anyhow::Result;
use clap::Args;
use serde_json::json;
use std::path::PathBuf;

use crate::files;
use crate::out::Out;

/// `okta-oauth decode`.
#[derive(Debug, Args)]
pub(crate) struct DecodeCmd {
    /// A file holding the JWT, or `-` for standard input (a JWT is a credential: not an argument).
    #[arg(default_value = "-")]
    file: PathBuf,
}

impl DecodeCmd {
    pub(crate) fn run(&self, out: &Out) -> Result<()> {
        let jwt = files::read(&self.file)?;
        let decoded = okta_assertion::Unverified::decode(jwt.trim())?;
        let json = json!({"verified": false, "header": decoded.header, "claims": decoded.claims});
        let human = format!(
            "UNVERIFIED: the signature was not checked (use okta-oauth verify)\nheader: {}\nclaims: {}",
            serde_json::to_string_pretty(&decoded.header)?,
            serde_json::to_string_pretty(&decoded.claims)?
        );
        out.data(&human, &json);
        Ok(())
    }
}
