//! `okta-oauth quickstart`: Okta's service-app guide in one idempotent run.

use std::path::PathBuf;
use std::sync::Arc;

use anyhow::{Context as _, Result};
use clap::Args;
use okta_flows::{
    AppId, OrgUrl, Scope, ServiceAppPlan, ServiceCredentials, StandardRole, Step, TokenSource,
};
use okta_jwk::{Curve, Jwks, KeyPair, KeySpec};
use serde_json::{Value, json};

use crate::context::{Context, LOCAL, SSWS_TOKEN_FILE, Target, default_profile_name};
use crate::files;
use crate::out::Out;
use crate::profile::{LocalOrg, Profile, loopback_port, org_folder};

/// `okta-oauth quickstart`.
#[derive(Debug, Args)]
pub(crate) struct Quickstart {
    #[command(flatten)]
    pub(crate) org: crate::context::OrgOpts,
    /// Where the key, the JWKS and what was created are kept (default: the okta-oauth state
    /// folder, `quickstart`).
    #[arg(long, value_name = "DIR")]
    dir: Option<PathBuf>,
    /// Okta API scopes to grant and request.
    #[arg(long, default_value = "okta.users.read")]
    scopes: String,
    /// The scopes of the calls a program makes instead of --scopes (a file as `scopes --from`
    /// reads it; with --least-privilege, a custom role for exactly those calls).
    #[arg(long, value_name = "FILE", conflicts_with = "scopes")]
    from: Option<PathBuf>,
    /// The admin role to give the app.
    #[arg(long, default_value = "READ_ONLY_ADMIN")]
    role: String,
    /// Print the requests a run against --org would send (secrets redacted), and send nothing,
    /// write nothing.
    #[arg(long)]
    dry_run: bool,
    /// Give the app a custom admin role with exactly the permissions --scopes need, over every
    /// user (a resource set), instead of --role: Okta's least-privilege advice.
    #[arg(long, conflicts_with = "user")]
    least_privilege: bool,
    /// The user half of Okta's guide instead, for this user (a login): a web app with a client
    /// secret and a loopback redirect URI, the user assigned to it, the scopes granted, the
    /// role given to the user, a sign-in, and the first users listed with the user's own token.
    /// On the local org the login may be left out (user1@example.com).
    #[arg(long, value_name = "LOGIN", num_args = 0..=1, default_missing_value = "")]
    user: Option<String>,
    /// Do not try to open a browser for the sign-in (--user): print its URL only.
    #[arg(long, requires = "user")]
    no_browser: bool,
    /// The loopback port of the web app's redirect URI, where the sign-in comes back (--user).
    #[arg(long, default_value_t = 8765, value_name = "PORT")]
    redirect_port: u16,
    /// The port of the local org on 127.0.0.1, when no org is given (0: a free one) [default:
    /// the port the profile remembers, else a free one]
    #[arg(long)]
    port: Option<u16>,
}

impl Quickstart {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let base = self
            .dir
            .clone()
            .unwrap_or_else(|| files::state_dir().join("quickstart"));
        if !self.dry_run {
            migrate_flat_layout(&base, out);
        }
        let target = Target::of(ctx, self.port)?;
        // A folder per org: a key pair and an app made for one org are never used at another.
        let dir = match &target {
            Target::Local { .. } => base.join(LOCAL),
            Target::Org { .. } => base.join(org_folder(ctx.okta()?.org())),
        };
        let scopes_text = match &self.from {
            Some(file) => crate::cmd::scopes::scopes_from(file)?.join(" "),
            None => self.scopes.clone(),
        };
        let scopes = crate::config::words(&scopes_text);
        crate::cmd::scopes::check_known(&scopes)?;
        if let Some(login) = &self.user {
            let run = crate::cmd::quickstart_user::UserRun {
                login,
                scopes: &scopes_text,
                role: &self.role,
                port: self.redirect_port,
                dry_run: self.dry_run,
                browser: !self.no_browser,
            };
            return run.run(&dir, &target, ctx, out);
        }
        if self.dry_run {
            return self.plan(&dir, &scopes, &target, ctx, out);
        }

        // The org: a real one (--org, OKTA_CLIENT_ORGURL, a profile, okta.yaml), or the embedded
        // emulator. Nothing is written before it answers.
        let mut _emulator = None;
        let (okta, ssws, org_text) = match &target {
            Target::Org { text } => {
                let (okta, ssws) = ctx.admin()?;
                okta.discover()
                    .with_context(|| format!("reaching the org {}", okta.org().as_str()))?;
                (okta, ssws, text.clone())
            }
            Target::Local { port } => {
                files::private_dir(&dir)?;
                let (org, okta, ssws, url) = crate::connect::local_org(
                    dir.join("emulator-state.json"),
                    None,
                    *port,
                    ctx.flags.verbose,
                    out,
                )?;
                files::write_private(
                    &dir.join(SSWS_TOKEN_FILE),
                    &format!("{}\n", ssws.expose_secret()),
                    true,
                )?;
                _emulator = Some(org);
                (okta, ssws, url)
            }
        };
        files::private_dir(&dir)?;
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
        let role = if self.least_privilege {
            let scopes = Scope::list(&scopes)?;
            let resources = okta_flows::resources_for(okta.org(), &scopes)?;
            let role =
                okta.least_privilege_role(&ssws, LEAST_PRIVILEGE_ROLE, &scopes, &resources)?;
            out.step(&format!(
                "the custom role {LEAST_PRIVILEGE_ROLE:?} grants {} over {}, and nothing else",
                okta_flows::permissions_for(&scopes)?.join(" "),
                resources.join(" ")
            ));
            role
        } else {
            self.role.parse::<StandardRole>()?.into()
        };
        let plan = service_app_plan(jwks, &scopes, recorded_app(&dir), role)?;
        let done = plan.run(&okta, &ssws, |step| match step {
            Step::ReusedApp(app) => out.step(&format!(
                "reusing the service app {} ({})",
                app.client_id(),
                app.name()
            )),
            Step::CreatedApp(app) => out.step(&format!(
                "created the service app {} with the public key (private_key_jwt, DPoP required)",
                app.client_id()
            )),
            Step::AlreadyGranted(scope) => out.step(&format!("{scope} is already granted")),
            Step::Granted(scope) => out.step(&format!("granted {scope}")),
            Step::AlreadyHasRole(role) => {
                out.step(&format!("the app already has the {role} role"));
            }
            Step::AssignedRole(role) => out.step(&format!("assigned the {role} admin role")),
            _ => {}
        })?;
        let app = done.app;
        std::fs::write(
            &record_file,
            serde_json::to_vec_pretty(
                &json!({"org": org_text, "client_id": app.client_id().as_str()}),
            )?,
        )?;

        let kid = key.kid().as_str().to_owned();
        let creds = ServiceCredentials::for_app(&app, Arc::new(key));
        let source = TokenSource::new(okta.clone(), creds, plan.token_request())
            .persist_to(dir.join("tokens.json"));
        let first = plan
            .call_first(&okta, &source)
            .context("getting a token with client credentials, then the first users")?;
        let token = first.token;
        let kind = if token.token_type() == okta_flows::TokenType::DPoP {
            "DPoP"
        } else {
            "Bearer"
        };
        out.step(&format!(
            "got a {kind} access token with {} (valid for an hour)",
            token.scopes().join(" ")
        ));
        let users = first.items;
        out.step(&format!("listed the first {} users with it", users.len()));
        let logins: Vec<&str> = users
            .iter()
            .filter_map(|u| u["profile"]["login"].as_str())
            .collect();
        let local = match &target {
            Target::Local { .. } => Some(LocalOrg {
                state: dir.join("emulator-state.json"),
                port: loopback_port(&org_text),
            }),
            Target::Org { .. } => None,
        };
        let profile = Profile {
            org: Some(org_text.clone()),
            allow_http_loopback: local.is_some() || okta.org().is_loopback(),
            token_file: local.as_ref().map(|_| dir.join(SSWS_TOKEN_FILE)),
            client_id: Some(app.client_id().as_str().to_owned()),
            private_key: Some(files::absolute(&key_file)),
            // No scopes: `api` asks for what each call needs.
            kid: Some(kid),
            local_org: local.clone(),
            ..Profile::default()
        };
        let remembered = crate::cmd::profile::remember(
            ctx,
            &default_profile_name(&target, &okta),
            |p| {
                // The sign-in app and the token file a person set are kept.
                let login = p.login.take();
                let token_file = p.token_file.take();
                *p = profile.clone();
                p.login = login;
                p.token_file = profile.token_file.clone().or(token_file);
            },
            out,
        );
        let call = match &remembered {
            Some(_) => "okta-oauth api GET /api/v1/users --all".to_owned(),
            None => format!(
                "okta-oauth api GET /api/v1/users --all --org {}{} --client-id {} --private-key {}",
                crate::out::shell_word(&org_text),
                if profile.allow_http_loopback {
                    " --allow-http-loopback"
                } else {
                    ""
                },
                app.client_id(),
                crate::out::shell_word(&key_file.to_string_lossy())
            ),
        };
        let next = match &local {
            Some(org) => format!(
                "The local org stops with this command; its apps, keys and API token are kept in {}.\nNext, start it again and keep it running:\n  {}\nthen, in another terminal:\n  {call}",
                dir.display(),
                org.start_command()
            ),
            None => format!("Next:\n  {call}"),
        };
        let human = format!(
            "\nDone. Service app {} can call Okta's API with scoped tokens.\n  org:         {org_text}\n  private key: {}\n  JWKS:        {}\n  first users: {}\n\n{next}",
            app.client_id(),
            key_file.display(),
            jwks_file.display(),
            logins.join(", "),
        );
        out.data(
            &human,
            &json!({"org": org_text, "client_id": app.client_id().as_str(), "private_key": key_file, "jwks": jwks_file, "token_type": kind, "scopes": token.scopes(), "users": logins}),
        );
        if let Some(note) = crate::out::not_on_path_note() {
            out.note(&note);
        }
        Ok(())
    }

    /// `--dry-run`: the requests of a run against a real org, in order, with every credential
    /// replaced by a description. Reads the recorded key and app, if any; writes and sends nothing.
    fn plan(
        &self,
        dir: &std::path::Path,
        scopes: &[&str],
        target: &Target,
        ctx: &Context,
        out: &Out,
    ) -> Result<()> {
        if target.is_local() {
            anyhow::bail!(
                "--dry-run needs an org (--org or OKTA_CLIENT_ORGURL): without one, quickstart only talks to the local emulator it starts"
            );
        }
        let okta = ctx.okta()?;
        let org = okta.org().clone();
        let ssws = ctx.planned_admin();
        out.note(&format!(
            "dry run: nothing is sent to {} and nothing is written",
            org.as_str()
        ));
        let key_file = dir.join("service-key.pem");
        let (key, key_note) = if key_file.exists() {
            let key = files::private_key(&key_file)?;
            let note = format!("reuse the key pair in {}", key_file.display());
            (key, note)
        } else {
            let note = format!(
                "make an EC P-256 key pair in {} (mode 0600); the kid below is an example",
                key_file.display()
            );
            (KeyPair::generate(KeySpec::Ec(Curve::P256))?, note)
        };
        let jwks = Jwks::new(vec![key.public_jwk().clone()]);
        let recorded = recorded_app(dir);
        let mut steps = vec![json!({"step": key_note})];
        let role = if self.least_privilege {
            let scopes = Scope::list(scopes)?;
            steps.push(json!({"step": format!(
                "find or create the custom role {LEAST_PRIVILEGE_ROLE:?} (POST /api/v1/iam/roles, permissions {}) and its resource set of {} (POST /api/v1/iam/resource-sets); their ids below are placeholders",
                okta_flows::permissions_for(&scopes)?.join(" "),
                okta_flows::resources_for(&org, &scopes)?.join(" ")
            )}));
            okta_flows::Role::Custom {
                role: okta_flows::CustomRoleId::new("new-custom-role")?,
                resource_set: okta_flows::ResourceSetId::new("new-resource-set")?,
            }
        } else {
            self.role.parse::<StandardRole>()?.into()
        };
        for r in service_app_plan(jwks, scopes, recorded, role)?.requests(&okta) {
            steps.push(crate::out::planned_step(r, ssws));
        }
        for step in &steps {
            if out.json {
                out.line(step);
            } else {
                out.raw(&crate::out::render_step(step));
            }
        }
        Ok(())
    }
}

/// The label of the custom role `--least-privilege` makes (its resource set: `… resources`).
const LEAST_PRIVILEGE_ROLE: &str = "okta-oauth quickstart (least privilege)";

/// Before per-org folders, one run's files sat in the quickstart folder itself: move them into
/// the folder of the org they were made for (the local org for a loopback URL), once.
fn migrate_flat_layout(base: &std::path::Path, out: &Out) {
    let Some(org) = std::fs::read(base.join("quickstart.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v["org"].as_str().map(str::to_owned))
    else {
        return;
    };
    let folder = match OrgUrl::parse(&org) {
        Ok(url) if !url.is_loopback() => org_folder(&url),
        _ => LOCAL.to_owned(),
    };
    let target = base.join(&folder);
    if target.exists() || files::private_dir(&target).is_err() {
        return;
    }
    for name in [
        "service-key.pem",
        "service-jwks.json",
        "quickstart.json",
        "tokens.json",
        "emulator-state.json",
        "ssws-token",
    ] {
        let _ = std::fs::rename(base.join(name), target.join(name));
    }
    out.step(&format!(
        "moved the files of the earlier run for {org} into {}",
        target.display()
    ));
}

/// The app an earlier run recorded in `dir`, if any.
fn recorded_app(dir: &std::path::Path) -> Option<AppId> {
    std::fs::read(dir.join("quickstart.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v["client_id"].as_str().and_then(|id| AppId::new(id).ok()))
}

/// The service app of the guide: this key, these scopes, this role, DPoP required.
fn service_app_plan(
    jwks: Jwks,
    scopes: &[&str],
    recorded: Option<AppId>,
    role: okta_flows::Role,
) -> Result<ServiceAppPlan> {
    Ok(
        ServiceAppPlan::new("okta-oauth quickstart", jwks, Scope::list(scopes)?, role)
            .reuse(recorded),
    )
}
