//! `okta-oauth verify`: a JWT checked against a JWKS.

use anyhow::{Context as _, Result};
use clap::Args;
use serde_json::json;
use std::path::PathBuf;

use crate::context::Context;
use crate::files;
use crate::out::Out;

/// `okta-oauth verify`.
#[derive(Debug, Args)]
pub(crate) struct VerifyCmd {
    #[command(flatten)]
    pub(crate) org: crate::context::OrgOpts,
    /// A file holding the JWT, or `-` for standard input.
    #[arg(default_value = "-")]
    file: PathBuf,
    /// The JWKS: a file, or a URL on the org [default: the org's own keys, its `jwks_uri`,
    /// when an org is set]
    #[arg(long, value_name = "FILE|URL")]
    jwks: Option<String>,
    /// Allowed algorithms, comma-separated.
    #[arg(long, default_value = "RS256,ES256")]
    alg: String,
    /// Required `iss`.
    #[arg(long)]
    issuer: Option<String>,
    /// Required `aud`.
    #[arg(long)]
    audience: Option<String>,
}

impl VerifyCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let jwt = files::read(&self.file)?;
        let jwks = match &self.jwks {
            Some(url) if url.starts_with("http://") || url.starts_with("https://") => {
                ctx.client_for(url)?.fetch_jwks_at(url)?
            }
            Some(file) => okta_jwk::Jwks::from_json(&files::read(std::path::Path::new(file))?)?,
            None => {
                if ctx.org_setting()?.is_none() {
                    anyhow::bail!(
                        "give the keys to check against: --jwks FILE|URL, or an org (--org, OKTA_CLIENT_ORGURL, a profile) whose keys are read"
                    );
                }
                let okta = ctx.okta()?;
                let uri = okta
                    .discover()?
                    .jwks_uri
                    .context("the org's metadata names no jwks_uri: give --jwks FILE|URL")?;
                okta.fetch_jwks_at(uri.as_str())?
            }
        };
        let algs = self
            .alg
            .split(',')
            .map(|a| a.trim().parse::<okta_jwk::Algorithm>())
            .collect::<Result<Vec<_>, _>>()?;
        let now = okta_assertion::UnixTime::from_system_time(std::time::SystemTime::now());
        let mut validation = okta_assertion::Validation::at(now).leeway(60);
        if let Some(i) = &self.issuer {
            validation = validation.issuer(i.clone());
        }
        if let Some(a) = &self.audience {
            validation = validation.audience(a.clone());
        }
        let verified =
            okta_assertion::Verifier::new(&algs).verify(jwt.trim(), &jwks, &validation)?;
        out.data(
            &format!("valid: signed with {} by a key of the JWKS; claims checked\n{}", verified.alg(), serde_json::to_string_pretty(verified.claims())?),
            &json!({"verified": true, "alg": verified.alg().as_str(), "header": verified.header(), "claims": verified.claims()}),
        );
        Ok(())
    }
}
