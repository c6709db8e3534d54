//! `okta-oauth quickstart --user`: the user half of Okta's guide in one idempotent run — the
//! web app, the user's assignment, the grants, the user's role, a sign-in and a first call with
//! the user's own token.

use std::path::Path;
use std::time::Duration;

use anyhow::{Context as _, Result};
use okta_flows::{
    AppId, ClientAuth, ClientSecret, OidcApp, OidcAppKind, Scope, StandardRole, UserAccessPlan,
    UserStep,
};
use serde_json::{Value, json};

use crate::context::Context;
use crate::context::Target;
use crate::files;
use crate::out::Out;

/// The login the local org signs in when none is given: a user with no admin role, so the run
/// shows the role step the guide asks for.
const LOCAL_USER: &str = "user1@example.com";
const APP_NAME: &str = "okta-oauth quickstart (user sign-in)";

/// What an earlier run recorded in `dir`: the app, if any.
fn recorded(dir: &Path) -> Option<AppId> {
    std::fs::read(dir.join("user-quickstart.json"))
        .ok()
        .and_then(|b| serde_json::from_slice::<Value>(&b).ok())
        .and_then(|v| v["client_id"].as_str().and_then(|id| AppId::new(id).ok()))
}

/// The settings of `quickstart --user` a run needs.
pub(crate) struct UserRun<'a> {
    /// The login (empty: the local org's default user).
    pub(crate) login: &'a str,
    pub(crate) scopes: &'a str,
    pub(crate) role: &'a str,
    pub(crate) port: u16,
    pub(crate) dry_run: bool,
    /// Whether to open a browser for the sign-in.
    pub(crate) browser: bool,
}

impl UserRun<'_> {
    pub(crate) fn run(&self, dir: &Path, target: &Target, ctx: &Context, out: &Out) -> Result<()> {
        run(self, self.login, dir, target, ctx, out)
    }
}

fn run(
    q: &UserRun<'_>,
    login: &str,
    dir: &Path,
    target: &Target,
    ctx: &Context,
    out: &Out,
) -> Result<()> {
    let local = target.is_local();
    let login = match (login, local) {
        ("", true) => LOCAL_USER,
        ("", false) => anyhow::bail!(
            "--user needs the login of the person who signs in on this org: --user you@example.com"
        ),
        (l, _) => l,
    };
    let mut scopes = vec!["openid".to_owned(), "offline_access".to_owned()];
    let granted: Vec<String> = crate::config::words(q.scopes)
        .into_iter()
        .map(str::to_owned)
        .collect();
    scopes.extend(granted.iter().cloned());
    // Port 0: a port free now, so the redirect URI registered is the one listened on.
    let port = match q.port {
        0 => okta_flows::free_loopback_port().context("finding a free loopback port")?,
        p => p,
    };
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let role: StandardRole = q.role.parse()?;
    let secret_file = dir.join("web-client-secret");
    let plan = UserAccessPlan::new(
        OidcApp::new(APP_NAME, OidcAppKind::Web, vec![redirect.clone()])?,
        login,
        Scope::list(&granted)?,
        role.into(),
    )
    .reuse(recorded(dir), secret_file.exists());
    if q.dry_run {
        if local {
            anyhow::bail!(
                "--dry-run needs an org (--org or OKTA_CLIENT_ORGURL): without one, quickstart only talks to the local emulator it starts"
            );
        }
        let okta = ctx.okta()?;
        out.note(&format!(
            "dry run: nothing is sent to {} and nothing is written",
            okta.org().as_str()
        ));
        let ssws = ctx.planned_admin();
        let mut steps = vec![
            json!({"step": format!("write the client secret to {} (mode 0600) when Okta shows one", secret_file.display())}),
        ];
        steps.extend(
            plan.requests(&okta)
                .into_iter()
                .map(|r| crate::out::planned_step(r, ssws)),
        );
        for step in &steps {
            if out.json {
                out.line(step);
            } else {
                out.raw(&crate::out::render_step(step));
            }
        }
        return Ok(());
    }
    let mut emulator = None;
    let (okta, ssws, org_text) = match target {
        Target::Local { port } => {
            files::private_dir(dir)?;
            let (org, okta, ssws, url) = crate::connect::local_org(
                dir.join("emulator-state.json"),
                Some(login.to_owned()),
                *port,
                ctx.flags.verbose,
                out,
            )?;
            emulator = Some(org);
            (okta, ssws, url)
        }
        Target::Org { text } => {
            let (okta, ssws) = ctx.admin()?;
            okta.discover()
                .with_context(|| format!("reaching the org {}", okta.org().as_str()))?;
            files::private_dir(dir)?;
            (okta, ssws, text.clone())
        }
    };

    let done = plan.run(&okta, &ssws, |step| match step {
        UserStep::ReusedApp(app) => out.step(&format!(
            "reusing the web app {} ({})",
            app.client_id(),
            app.name()
        )),
        UserStep::CreatedApp(app) => out.step(&format!(
            "created the web app {} (client_secret_post, redirect URI {redirect})",
            app.client_id()
        )),
        UserStep::NewSecret(app) => out.step(&format!(
            "made a new client secret for {} (the earlier one was not in {})",
            app.client_id(),
            dir.display()
        )),
        UserStep::AlreadyAssigned(u) => {
            out.step(&format!("{} is already assigned to the app", u.login))
        }
        UserStep::Assigned(u) => out.step(&format!("assigned {} to the app", u.login)),
        UserStep::AlreadyGranted(s) => out.step(&format!("{s} is already granted")),
        UserStep::Granted(s) => out.step(&format!("granted {s}")),
        UserStep::UserAlreadyHasRole(r) => {
            out.step(&format!("{login} already holds {r} (or is a super admin)"))
        }
        UserStep::AssignedUserRole(r) => out.step(&format!("gave {login} the {r} admin role")),
        _ => {}
    })?;
    let app = done.app;
    let registered = app.redirect_uris().contains(&redirect.as_str());
    if !registered {
        anyhow::bail!(
            "the web app {} an earlier run made does not list the redirect URI {redirect}: run with the --port it was made with, or add the URI to the app (PUT /api/v1/apps/{})",
            app.client_id(),
            app.client_id()
        );
    }
    if let Some(secret) = &done.new_secret {
        // Replaces a secret that no longer works (a new app, or a new secret for the old one).
        files::write_private(&secret_file, &format!("{}\n", secret.expose_secret()), true)
            .with_context(|| {
                format!(
                    "the app {} holds a new client secret that could not be written to {}",
                    app.client_id(),
                    secret_file.display()
                )
            })?;
        out.step(&format!(
            "wrote the client secret to {} (mode 0600)",
            secret_file.display()
        ));
    }
    std::fs::write(
        dir.join("user-quickstart.json"),
        serde_json::to_vec_pretty(
            &json!({"org": org_text, "client_id": app.client_id().as_str(), "login": login}),
        )?,
    )?;
    let secret = ClientSecret::new(files::read(&secret_file)?.trim());

    // The sign-in: PKCE and state, the secret in the body (the guide's "Send client credentials
    // in body").
    let scopes = Scope::list(&scopes)?;
    let sign_in = okta.start_sign_in(app.client_id(), port, "/callback", &scopes)?;
    let url = sign_in.url().to_owned();
    let auth = ClientAuth::Secret {
        client_id: app.client_id(),
        secret: &secret,
    };
    let wait = Duration::from_secs(300);
    let tokens = match &emulator {
        Some(org) => {
            out.step(&format!("signing {login} in at the local org"));
            // The local org's scripted sign-in stands in for the person and their browser.
            let location = org
                .sign_in_redirect(&url)
                .map_err(|e| anyhow::anyhow!("the local org refused the sign-in: {e}"))?;
            std::thread::scope(|s| {
                let browser = s.spawn(|| org.follow_redirect(&location));
                let tokens = okta.finish_sign_in(sign_in, auth, wait);
                let _ = browser.join();
                tokens
            })
        }
        None => {
            out.note(&format!("Sign in as {login} at:\n\n  {url}\n"));
            if q.browser && crate::browser::open_browser(&url) {
                out.note("Opened your browser.");
            }
            okta.finish_sign_in(sign_in, auth, wait)
        }
    }
    .context("signing the user in")?;
    let who = tokens
        .id_claims
        .as_ref()
        .and_then(|c| c.get("preferred_username").and_then(Value::as_str))
        .unwrap_or(login)
        .to_owned();
    out.step(&format!(
        "signed {who} in; their token holds {}",
        tokens.access.scopes().join(" ")
    ));
    let users = plan
        .call_first(&okta, &tokens.access)
        .context("listing users with the user's token")?;
    let logins: Vec<&str> = users
        .iter()
        .filter_map(|u| u["profile"]["login"].as_str())
        .collect();
    out.step(&format!("listed the first {} users with it", logins.len()));
    let remembered = crate::cmd::profile::remember(
        ctx,
        &crate::context::default_profile_name(target, &okta),
        |p| {
            crate::cmd::profile::set_org(p, ctx, &okta);
            if let Target::Local { .. } = target {
                p.token_file = Some(dir.join(crate::context::SSWS_TOKEN_FILE));
                p.local_org = Some(crate::profile::LocalOrg {
                    state: dir.join("emulator-state.json"),
                    port: crate::profile::loopback_port(okta.org().as_str()),
                });
            }
            p.login = Some(crate::profile::LoginProfile {
                client_id: Some(app.client_id().as_str().to_owned()),
                client_secret_file: Some(files::absolute(&secret_file)),
                port: Some(port),
                path: None,
            });
        },
        out,
    );
    if emulator.is_none() {
        let path = crate::cmd::login::sign_in_file(ctx, &okta, app.client_id());
        if let Some(dir) = path.parent() {
            files::private_dir(dir)?;
        }
        okta_flows::UserTokenSource::new(okta.clone(), app.client_id().clone(), path)
            .with_secret(secret.clone())
            .store(&tokens)?;
    }
    let login_cmd = match &remembered {
        Some(_) => "okta-oauth login".to_owned(),
        None => format!(
            "okta-oauth login --org {}{} --client-id {} --client-secret-file {} --port {port}",
            crate::out::shell_word(&org_text),
            if okta.org().is_loopback() {
                " --allow-http-loopback"
            } else {
                ""
            },
            app.client_id(),
            crate::out::shell_word(&files::absolute(&secret_file).to_string_lossy())
        ),
    };
    let api_cmd = match &remembered {
        Some(_) => "okta-oauth api GET /api/v1/users --user --all".to_owned(),
        None => format!(
            "okta-oauth api GET /api/v1/users --user --all --org {}{}",
            crate::out::shell_word(&org_text),
            if okta.org().is_loopback() {
                " --allow-http-loopback"
            } else {
                ""
            },
        ),
    };
    let next = if emulator.is_some() {
        let start = crate::profile::LocalOrg {
            state: dir.join("emulator-state.json"),
            port: crate::profile::loopback_port(okta.org().as_str()),
        }
        .start_command();
        format!(
            "The local org stops with this command; its apps are kept in {}.\nNext, start it again and keep it running:\n  {start}\nthen, in another terminal, sign in as {login} (password: {}) and call the API as them:\n  {login_cmd}\n  {api_cmd}",
            dir.display(),
            okta_emulator::DEFAULT_PASSWORD,
        )
    } else {
        format!("Next, call Okta's API as {who} (`{login_cmd}` signs in again):\n  {api_cmd}")
    };
    out.data(
        &format!(
            "\nDone. {who} signed in to {} and called Okta's API with their own scoped token.\n  org:           {org_text}\n  client secret: {}\n  first users:   {}\n\n{next}",
            app.client_id(),
            secret_file.display(),
            logins.join(", ")
        ),
        &json!({"org": org_text, "client_id": app.client_id().as_str(), "user": who, "client_secret_file": secret_file, "scopes": tokens.access.scopes(), "users": logins}),
    );
    if let Some(note) = crate::out::not_on_path_note() {
        out.note(&note);
    }
    Ok(())
}
