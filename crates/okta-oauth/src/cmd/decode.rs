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
        let now = okta_flows::UnixTime::from_system_time(std::time::SystemTime::now());
        let mut times = String::new();
        for (claim, what) in [("iat", "issued"), ("nbf", "not before"), ("exp", "expires")] {
            let Some(at) = decoded
                .claims
                .get(claim)
                .and_then(serde_json::Value::as_u64)
            else {
                continue;
            };
            let at = okta_flows::UnixTime(at);
            let relative = if at > now {
                format!("in {}", crate::out::duration(at.since(now)))
            } else {
                format!("{} ago", crate::out::duration(now.since(at)))
            };
            times.push_str(&format!(
                "\n{what:<11} {} ({relative})",
                crate::out::utc_time(at)
            ));
        }
        let human = format!(
            "UNVERIFIED: the signature was not checked (use okta-oauth verify)\nheader: {}\nclaims: {}{times}",
            serde_json::to_string_pretty(&decoded.header)?,
            serde_json::to_string_pretty(&decoded.claims)?
        );
        out.data(&human, &json);
        Ok(())
    }
}
