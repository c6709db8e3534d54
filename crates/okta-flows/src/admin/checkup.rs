//! A checkup: every check of an org, a service app or a sign-in app at once, each with what
//! fixes it (the [`Fix`]es a refusal is diagnosed with), so that a setup is put right before a
//! call fails rather than one failure at a time.

use okta_assertion::ClientId;
use serde_json::Value;

use crate::admin::diagnose::Fix;
use crate::http::auth::{Credential, TokenType};
use crate::http::client::Okta;
use crate::ids::{AppId, Scope};
use crate::oauth::tokens::{DpopMode, ServiceCredentials, TokenRequest};

/// How one check came out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Outcome {
    /// All is well.
    Passed,
    /// Works, but deserves a look.
    Warning,
    /// Will fail: see the fixes.
    Failed,
    /// Not checked: it needs something not at hand (an admin credential, an earlier check).
    Skipped,
}

/// One check of a checkup.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Check {
    /// What was checked, in a few words (`org reachable`, `key registered`).
    pub name: &'static str,
    /// How it came out.
    pub outcome: Outcome,
    /// What was found, in words.
    pub detail: String,
    /// What fixes it (empty when it passed, or when no typed fix applies).
    pub fixes: Vec<Fix>,
}

impl Check {
    fn new(name: &'static str, outcome: Outcome, detail: impl Into<String>) -> Check {
        Check {
            name,
            outcome,
            detail: detail.into(),
            fixes: Vec::new(),
        }
    }

    fn fix(mut self, fix: Fix) -> Check {
        self.fixes.push(fix);
        self
    }

    fn skipped(name: &'static str) -> Check {
        Check::new(
            name,
            Outcome::Skipped,
            "needs an admin credential (an API token)",
        )
    }
}

/// The clock skew beyond which assertions and proofs are refused: Okta allows a small leeway
/// only, so more than half a minute is a failure waiting to happen.
const SKEW_WARN: i64 = 30;

/// The org: it answers its metadata, and its clock agrees with this machine's.
pub(crate) fn check_org(okta: &Okta) -> Vec<Check> {
    let reachable = match okta.discover() {
        Ok(d) => Check::new(
            "org reachable",
            Outcome::Passed,
            format!("{} answers (issuer {})", okta.org().as_str(), d.issuer),
        ),
        Err(e) => {
            return vec![Check::new("org reachable", Outcome::Failed, e.to_string())];
        }
    };
    let clock = match crate::discovery::org_clock_skew(okta) {
        Some(skew) if skew.abs() <= SKEW_WARN => Check::new(
            "clock",
            Outcome::Passed,
            format!("within {} s of the org's", skew.unsigned_abs()),
        ),
        Some(skew) => Check::new(
            "clock",
            Outcome::Failed,
            format!(
                "{} s {} the org's",
                skew.unsigned_abs(),
                if skew > 0 { "behind" } else { "ahead of" }
            ),
        )
        .fix(Fix::CheckClock { skew: Some(skew) }),
        None => Check::new("clock", Outcome::Warning, "the org sent no readable Date"),
    };
    vec![reachable, clock]
}

/// A service app: it exists, its key is registered and active, its grants cover `scopes`, it
/// holds an admin role, its DPoP setting suits `creds`, and a token comes.
pub(crate) fn check_service_app(
    okta: &Okta,
    creds: &ServiceCredentials,
    scopes: &[Scope],
    admin: Option<&dyn Credential>,
) -> Vec<Check> {
    let client = creds.client_id();
    let mut checks = Vec::new();
    let app = match (admin, AppId::new(client.as_str())) {
        (Some(admin), Ok(id)) => match okta.get_app(admin, &id) {
            Ok(app) => {
                checks.push(Check::new(
                    "app",
                    Outcome::Passed,
                    format!("{client} ({})", app.name()),
                ));
                Some((admin, id, app))
            }
            Err(e) => {
                checks.push(Check::new("app", Outcome::Failed, e.to_string()));
                None
            }
        },
        _ => {
            checks.push(Check::skipped("app"));
            None
        }
    };
    match &app {
        Some((admin, id, app)) => {
            let kid = creds
                .signer()
                .ok()
                .and_then(|s| s.public_jwk().kid().map(ToString::to_string))
                .unwrap_or_default();
            checks.push(match okta.list_app_keys(*admin, id) {
                Ok(keys) => {
                    let active: Vec<String> = keys
                        .into_iter()
                        .filter(|k| k.active)
                        .filter_map(|k| k.kid)
                        .collect();
                    if active.contains(&kid) {
                        Check::new(
                            "key registered",
                            Outcome::Passed,
                            format!("kid {kid} is active"),
                        )
                    } else {
                        Check::new(
                            "key registered",
                            Outcome::Failed,
                            format!("the app has no active key with kid {kid}"),
                        )
                        .fix(Fix::SignWithRegisteredKey {
                            kid,
                            registered: active,
                        })
                    }
                }
                Err(e) => Check::new("key registered", Outcome::Failed, e.to_string()),
            });
            checks.push(match okta.list_grants(*admin, id) {
                Ok(grants) => {
                    let missing: Vec<&Scope> =
                        scopes.iter().filter(|s| !covered(s, &grants)).collect();
                    if missing.is_empty() {
                        Check::new(
                            "grants",
                            Outcome::Passed,
                            format!("cover {}", names(scopes)),
                        )
                    } else {
                        let mut check = Check::new(
                            "grants",
                            Outcome::Failed,
                            format!(
                                "no grant for {}",
                                missing
                                    .iter()
                                    .map(|s| s.as_str())
                                    .collect::<Vec<_>>()
                                    .join(" ")
                            ),
                        );
                        for scope in missing {
                            check = check.fix(Fix::GrantScope {
                                client: client.clone(),
                                scope: scope.as_str().to_owned(),
                            });
                        }
                        check
                    }
                }
                Err(e) => Check::new("grants", Outcome::Failed, e.to_string()),
            });
            checks.push(match okta.list_roles(*admin, client) {
                Ok(roles) if roles.is_empty() => {
                    let wanted: Vec<&str> = scopes.iter().map(Scope::as_str).collect();
                    Check::new(
                        "admin role",
                        Outcome::Failed,
                        "none: a token is issued, but every call is refused (403)",
                    )
                    .fix(Fix::AssignAppRole {
                        client: client.clone(),
                        role: crate::api_scopes::suggested_role(&wanted),
                    })
                }
                Ok(roles) => Check::new(
                    "admin role",
                    Outcome::Passed,
                    roles
                        .iter()
                        .map(|r| r.custom_role.clone().unwrap_or_else(|| r.role_type.clone()))
                        .collect::<Vec<_>>()
                        .join(", "),
                ),
                Err(e) => Check::new("admin role", Outcome::Failed, e.to_string()),
            });
            checks.push(match (app.dpop_bound(), creds.mode()) {
                (Some(true), DpopMode::Never) => Check::new(
                    "DPoP",
                    Outcome::Failed,
                    "the app requires DPoP-bound tokens, and DPoP is turned off",
                )
                .fix(Fix::SendDpopProof),
                (Some(true), _) => Check::new("DPoP", Outcome::Passed, "required by the app, and sent"),
                (_, DpopMode::Always) => Check::new(
                    "DPoP",
                    Outcome::Passed,
                    "not required by the app; sent anyway",
                ),
                _ => Check::new(
                    "DPoP",
                    Outcome::Warning,
                    "not required by the app: its tokens work for anyone who copies them (Okta's console requires DPoP for new API service apps)",
                ),
            });
        }
        None => {
            for name in ["key registered", "grants", "admin role", "DPoP"] {
                checks.push(Check::skipped(name));
            }
        }
    }
    let request = match TokenRequest::scopes(scopes) {
        Ok(r) => r,
        Err(e) => {
            checks.push(Check::new("token", Outcome::Failed, e.to_string()));
            return checks;
        }
    };
    checks.push(match okta.client_credentials(creds, &request) {
        Ok(token) => Check::new(
            "token",
            Outcome::Passed,
            format!(
                "a {} token for {}",
                if token.token_type() == TokenType::DPoP {
                    "DPoP-bound"
                } else {
                    "Bearer"
                },
                token.scopes().join(" ")
            ),
        ),
        Err(e) => {
            let fix = okta.diagnose_token(&e, creds, admin);
            let check = Check::new("token", Outcome::Failed, e.to_string());
            match fix {
                Some(fix) => check.fix(fix),
                None => check,
            }
        }
    });
    checks
}

/// A sign-in app: it is one people sign in to with the authorization code, it lists
/// `redirect_uri`, and `user` (a login), when given, is assigned to it.
pub(crate) fn check_sign_in_app(
    okta: &Okta,
    client: &ClientId,
    redirect_uri: &str,
    user: Option<&str>,
    admin: Option<&dyn Credential>,
) -> Vec<Check> {
    let (Some(admin), Ok(id)) = (admin, AppId::new(client.as_str())) else {
        return ["sign-in app", "redirect URI", "assigned"]
            .into_iter()
            .map(Check::skipped)
            .collect();
    };
    let app = match okta.get_app(admin, &id) {
        Ok(app) => app,
        Err(e) => return vec![Check::new("sign-in app", Outcome::Failed, e.to_string())],
    };
    let oauth = &app.raw()["settings"]["oauthClient"];
    let kind = oauth["application_type"].as_str().unwrap_or("unknown");
    let grants: Vec<&str> = oauth["grant_types"]
        .as_array()
        .map(|g| g.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let mut checks = vec![if kind == "service" {
        Check::new(
            "sign-in app",
            Outcome::Failed,
            format!("{client} is a service app (client credentials): people cannot sign in to it"),
        )
        .fix(Fix::UseSignInApp {
            client: client.clone(),
        })
    } else if !grants.contains(&"authorization_code") {
        Check::new(
            "sign-in app",
            Outcome::Failed,
            format!("{client} ({kind}) does not allow the authorization code grant"),
        )
        .fix(Fix::AllowGrantType {
            client: client.clone(),
        })
    } else {
        Check::new(
            "sign-in app",
            Outcome::Passed,
            format!("{client} ({kind}, {})", app.name()),
        )
    }];
    checks.push(if app.redirect_uris().contains(&redirect_uri) {
        Check::new(
            "redirect URI",
            Outcome::Passed,
            format!("{redirect_uri} is registered"),
        )
    } else {
        Check::new(
            "redirect URI",
            Outcome::Failed,
            format!(
                "{redirect_uri} is not among the app's ({})",
                app.redirect_uris().join(", ")
            ),
        )
        .fix(Fix::RegisterRedirectUri {
            client: client.clone(),
            uri: redirect_uri.to_owned(),
            registered: app.redirect_uris().into_iter().map(str::to_owned).collect(),
        })
    });
    checks.push(match user {
        None => Check::new("assigned", Outcome::Skipped, "no one has signed in yet"),
        Some(login) => match okta
            .find_user(admin, login)
            .and_then(|u| okta.is_assigned(admin, &id, &u.id))
        {
            Ok(true) => Check::new("assigned", Outcome::Passed, format!("{login} may sign in")),
            Ok(false) => Check::new(
                "assigned",
                Outcome::Failed,
                format!("{login} is not assigned to the app"),
            )
            .fix(Fix::AssignUserToApp {
                client: client.clone(),
            }),
            Err(e) => Check::new("assigned", Outcome::Failed, e.to_string()),
        },
    });
    checks
}

/// Whether a grant covers `scope`: its own, or the `.manage` scope that serves its reads.
fn covered(scope: &Scope, grants: &[crate::admin::model::Grant]) -> bool {
    let name = scope.as_str();
    let manage = name
        .strip_suffix(".read")
        .map(|base| format!("{base}.manage"));
    grants
        .iter()
        .any(|g| g.scope.as_str() == name || manage.as_deref() == Some(g.scope.as_str()))
}

fn names(scopes: &[Scope]) -> String {
    scopes
        .iter()
        .map(Scope::as_str)
        .collect::<Vec<_>>()
        .join(" ")
}
