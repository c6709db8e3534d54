//! `okta-oauth doctor`: every check at once, each with its fix — the settings, the org (reachable,
//! its clock), the service app (its key, grants, role, DPoP, a token) and the sign-in app (its
//! type, redirect URI, the user's assignment). okta-flows decides; this renders.

use anyhow::Result;
use clap::Args;
use okta_flows::{Check, Outcome, Scope};
use serde_json::json;

use crate::context::Context;
use crate::out::Out;
use crate::service::ServiceOpts;

/// `okta-oauth doctor`.
#[derive(Debug, Args)]
pub(crate) struct DoctorCmd {
    #[command(flatten)]
    pub(crate) org: crate::context::OrgOpts,
    #[command(flatten)]
    service: ServiceOpts,
}

/// One line of the report.
struct Row {
    section: &'static str,
    name: &'static str,
    outcome: Outcome,
    detail: String,
    fixes: Vec<String>,
}

impl Row {
    fn new(section: &'static str, name: &'static str, outcome: Outcome, detail: String) -> Row {
        Row {
            section,
            name,
            outcome,
            detail,
            fixes: Vec::new(),
        }
    }
}

impl DoctorCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let mut rows = Vec::new();
        // The settings: each named with where it came from.
        let org = ctx.org_setting()?;
        rows.push(match &org {
            Some(s) => Row::new(
                "settings",
                "org",
                Outcome::Passed,
                format!("{} (from {})", s.value, s.from),
            ),
            None => Row::new(
                "settings",
                "org",
                Outcome::Failed,
                format!("missing {}", Context::NO_ORG),
            ),
        });
        let ssws = ctx.ssws().ok();
        rows.push(match &ssws {
            Some(_) => Row::new(
                "settings",
                "API token",
                Outcome::Passed,
                "set: the app's registration is read too".to_owned(),
            ),
            None => Row::new(
                "settings",
                "API token",
                Outcome::Skipped,
                "none: the checks of the app's registration are skipped".to_owned(),
            ),
        });
        let unknown = crate::env::unknown_okta_variables();
        if !unknown.is_empty() {
            rows.push(Row::new(
                "settings",
                "environment",
                Outcome::Warning,
                format!("{} not read by okta-oauth (misspelt?)", unknown.join(", ")),
            ));
        }
        let admin = ssws.as_ref().map(|s| s as &dyn okta_flows::Credential);
        let okta = match &org {
            Some(_) => Some(ctx.okta()?),
            None => None,
        };
        let reachable = match &okta {
            Some(okta) => {
                let checks = okta.check_org();
                let up = checks
                    .iter()
                    .all(|c| c.name != "org reachable" || c.outcome == Outcome::Passed);
                if !up
                    && let Some((_, p)) = &ctx.profile
                    && let Some(local) = &p.local_org
                {
                    rows.extend(self.rows("org", checks, ctx, None));
                    if let Some(last) = rows.last_mut() {
                        last.fixes.push(format!(
                            "Start the local org again:\n  {}",
                            local.start_command()
                        ));
                    }
                } else {
                    rows.extend(self.rows("org", checks, ctx, None));
                }
                up
            }
            None => false,
        };
        // The service app.
        match (self.service.check(ctx), &okta) {
            (Ok(()), Some(okta)) if reachable => {
                let scopes = self.service.scopes(ctx)?;
                let creds = self.service.credentials(ctx)?;
                let checks = okta.check_service_app(&creds, &Scope::list(&scopes)?, admin);
                rows.extend(self.rows("service app", checks, ctx, None));
            }
            (Ok(()), _) => rows.push(Row::new(
                "service app",
                "app",
                Outcome::Skipped,
                "the org does not answer".to_owned(),
            )),
            (Err(e), _) => rows.push(Row::new(
                "service app",
                "settings",
                Outcome::Skipped,
                crate::out::error_text(&e).replace("missing ", "not set: "),
            )),
        }
        // The sign-in app.
        let held = crate::cmd::login::LoginClient::default().held(ctx, false);
        match (held, &okta) {
            (Ok(client), Some(okta)) if reachable => {
                let (port, path) = crate::cmd::login::remembered_redirect(ctx);
                let uri = format!("http://127.0.0.1:{port}{path}");
                let user = client
                    .store(ctx, okta.clone())
                    .status()
                    .and_then(|s| s.user);
                let checks =
                    okta.check_sign_in_app(&client.client_id, &uri, user.as_deref(), admin);
                rows.extend(self.rows("sign-in app", checks, ctx, user.as_deref()));
            }
            (Ok(_), _) => rows.push(Row::new(
                "sign-in app",
                "app",
                Outcome::Skipped,
                "the org does not answer".to_owned(),
            )),
            (Err(_), _) => rows.push(Row::new(
                "sign-in app",
                "app",
                Outcome::Skipped,
                "none set (okta.oauth2.clientId, OKTA_OAUTH2_CLIENT_ID, or a profile's login)"
                    .to_owned(),
            )),
        }
        let failed = rows.iter().filter(|r| r.outcome == Outcome::Failed).count();
        for row in &rows {
            if out.json {
                out.line(&json!({
                    "section": row.section,
                    "check": row.name,
                    "outcome": outcome_word(row.outcome),
                    "detail": row.detail,
                    "fixes": row.fixes,
                }));
            } else {
                let mut text = format!(
                    "{} {}: {}: {}",
                    mark(row.outcome),
                    row.section,
                    row.name,
                    row.detail
                );
                for fix in &row.fixes {
                    text.push_str(&format!("\n    fix: {}", fix.replace('\n', "\n    ")));
                }
                out.raw(&text);
            }
        }
        if failed > 0 {
            anyhow::bail!(
                "{failed} check{} failed (fixes above)",
                if failed == 1 { "" } else { "s" }
            );
        }
        if !out.json {
            out.note("All checks passed.");
        }
        Ok(())
    }

    /// `checks` as rows, each fix in words; `user` is who signed in (a fix may name them).
    fn rows(
        &self,
        section: &'static str,
        checks: Vec<Check>,
        ctx: &Context,
        user: Option<&str>,
    ) -> Vec<Row> {
        checks
            .into_iter()
            .map(|c| {
                let mut row = Row::new(section, c.name, c.outcome, c.detail);
                row.fixes = c
                    .fixes
                    .iter()
                    .filter_map(|f| crate::fixes::render(f, ctx, Some(&self.service), user))
                    .collect();
                row
            })
            .collect()
    }
}

fn mark(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "✓",
        Outcome::Warning => "!",
        Outcome::Failed => "✗",
        _ => "-",
    }
}

fn outcome_word(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Passed => "passed",
        Outcome::Warning => "warning",
        Outcome::Failed => "failed",
        _ => "skipped",
    }
}
