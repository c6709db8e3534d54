//! `okta-oauth quickstart`: Okta's service-app guide in one idempotent run.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context, Result};
use clap::Args;
use okta_flows::{Credential, OrgUrl, ServiceCredentials, SswsToken, TokenRequest, TokenSource};
use okta_jwk::{Curve, Jwks, KeyPair, KeySpec};
use serde_json::{Value, json};

use crate::connect::{AdminOpts, OrgOpts};
use crate::files;
use crate::out::Out;

/// `okta-oauth quickstart`.
#[derive(Debug, Args)]
pub(crate) struct Quickstart {
    /// Where the key, the JWKS and what was created are kept (default: the okta-oauth state
    /// folder, `quickstart`).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Okta API scopes to grant and request.
    #[arg(long, default_value = "okta.users.read")]
    scopes: String,
    /// The admin role to give the app.
    #[arg(long, default_value = "READ_ONLY_ADMIN")]
    role: String,
}

impl Quickstart {
    pub(crate) fn run(&self, org_opts: &OrgOpts, admin: &AdminOpts, out: &Out) -> Result<()> {
        let dir = self
            .dir
            .clone()
            .unwrap_or_else(|| files::state_dir().join("quickstart"));
        files::private_dir(&dir)?;
        let scopes: Vec<&str> = self
            .scopes
            .split([' ', ','])
            .filter(|s| !s.is_empty())
            .collect();

        // The org: a real one (--org / OKTA_CLIENT_ORGURL), or the embedded emulator.
        let mut _emulator = None;
        let (okta, ssws, org_text) = match org_opts.org_text() {
            Some(text) => (org_opts.okta()?, admin.ssws()?, text),
            None => {
                let config = okta_emulator::Config {
                    users: okta_emulator::SeedUsers { count: 25 },
                    state_file: Some(dir.join("emulator-state.json")),
                    ..Default::default()
                };
                let org = okta_emulator::Emulator::start(config)
                    .context("starting the local Okta org")?;
                let url = org.url().to_owned();
                let okta = crate::connect::client(
                    OrgUrl::dangerous_allow_loopback_http(&url)?,
                    org_opts.verbose,
                )?;
                let ssws = SswsToken::new(org.admin_token());
                out.step(&format!(
                    "no --org given: started a local Okta org (okta-emulator) at {url}"
                ));
                _emulator = Some(org);
                (okta, ssws, url)
            }
        };
        let admin_cred = Credential::Ssws(&ssws);

        // 1. The key pair and its JWKS.
        let key_file = dir.join("service-key.pem");
        let key = if key_file.exists() {
            let key = files::private_key(&key_file)?;
            out.step(&format!(
                "reusing the key pair in {} ({}, kid {})",
                key_file.display(),
                key.kind(),
                key.kid()
            ));
            key
        } else {
            let key = KeyPair::generate(KeySpec::Ec(Curve::P256))?;
            files::write_private(&key_file, key.to_pkcs8_pem()?.expose_secret(), false)?;
            out.step(&format!(
                "made a key pair: {} (EC P-256, mode 0600), kid {}",
                key_file.display(),
                key.kid()
            ));
            key
        };
        let jwks = Jwks::new(vec![key.public_jwk().clone()]);
        let jwks_file = dir.join("service-jwks.json");
        std::fs::write(&jwks_file, jwks.to_json_pretty())?;
        out.step(&format!("wrote the public JWKS to {}", jwks_file.display()));

        // 2. The service app: reuse the one recorded here if the org still has it.
        let record_file = dir.join("quickstart.json");
        let recorded: Option<String> = std::fs::read(&record_file)
            .ok()
            .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
            .and_then(|v| v["client_id"].as_str().map(str::to_owned));
        let app = match recorded.and_then(|id| okta.get_app(admin_cred, &id).ok()) {
            Some(app) => {
                out.step(&format!(
                    "reusing the service app {} ({})",
                    app.client_id, app.name
                ));
                app
            }
            None => {
                let app =
                    okta.create_service_app(admin_cred, "okta-oauth quickstart", &jwks, true)?;
                out.step(&format!("created the service app {} with the public key (private_key_jwt, DPoP required)", app.client_id));
                app
            }
        };
        std::fs::write(
            &record_file,
            serde_json::to_vec_pretty(&json!({"org": org_text, "client_id": app.client_id}))?,
        )?;

        // 3. Grants and 4. the admin role.
        let granted: Vec<String> = okta
            .list_grants(admin_cred, &app.client_id)?
            .into_iter()
            .map(|g| g.scope)
            .collect();
        for scope in &scopes {
            if granted.iter().any(|g| g == scope) {
                out.step(&format!("{scope} is already granted"));
            } else {
                okta.add_grant(admin_cred, &app.client_id, scope)?;
                out.step(&format!("granted {scope}"));
            }
        }
        if okta
            .list_roles(admin_cred, &app.client_id)?
            .iter()
            .any(|r| r.kind == self.role)
        {
            out.step(&format!("the app already has the {} role", self.role));
        } else {
            okta.assign_role(admin_cred, &app.client_id, &self.role)?;
            out.step(&format!("assigned the {} admin role", self.role));
        }

        // 5. A token, and 6. the first page of users.
        let creds = ServiceCredentials::new(
            okta_assertion::ClientId::new(&app.client_id)?,
            Arc::new(key),
        )
        .knowing(&app);
        let source = TokenSource::new(
            okta.clone(),
            creds,
            TokenRequest::scopes(&scopes).require(&scopes),
        )
        .persist_to(dir.join("tokens.json"));
        let token = source
            .token()
            .context("getting a token with client credentials")?;
        let kind = if token.token_type() == okta_flows::TokenType::DPoP {
            "DPoP"
        } else {
            "Bearer"
        };
        out.step(&format!(
            "got a {kind} access token with {} (valid for an hour)",
            token.scopes().join(" ")
        ));
        let users = okta
            .pages(Credential::Source(&source), "/api/v1/users?limit=10")
            .next()
            .transpose()?
            .unwrap_or_default();
        out.step(&format!("listed the first {} users with it", users.len()));
        let logins: Vec<&str> = users
            .iter()
            .filter_map(|u| u["profile"]["login"].as_str())
            .collect();
        let next = if _emulator.is_some() {
            format!(
                "The local org stops with this command (its apps are kept in {}).\nTo keep one running: okta-oauth emulator --state {} --token-file {}\nthen pass its URL with --org URL --allow-http-loopback.",
                dir.display(),
                dir.join("emulator-state.json").display(),
                dir.join("ssws-token").display()
            )
        } else {
            format!(
                "Next: okta-oauth api GET /api/v1/users --all --client-id {} --private-key {}",
                app.client_id,
                key_file.display()
            )
        };
        let human = format!(
            "\nDone. Service app {} can call Okta's API with scoped tokens.\n  org:         {org_text}\n  private key: {}\n  JWKS:        {}\n  first users: {}\n\n{next}",
            app.client_id,
            key_file.display(),
            jwks_file.display(),
            logins.join(", "),
        );
        out.data(
            &human,
            &json!({"org": org_text, "client_id": app.client_id, "private_key": key_file, "jwks": jwks_file, "token_type": kind, "scopes": token.scopes(), "users": logins}),
        );
        Ok(())
    }
}
