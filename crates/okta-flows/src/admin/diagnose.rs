//! What to do about a refusal: an error, plus what the library can read (Okta's contract, the
//! app's grants), becomes typed fixes. The command line only renders them; a library caller
//! gets the same help.

use okta_assertion::ClientId;

use crate::api_scopes::{self, ApiOperation};
use crate::code::ErrorCode;
use crate::error::Error;
use crate::http::auth::Credential;
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::ids::{AppId, StandardRole};

/// Who made a refused call.
#[derive(Clone, Copy)]
#[non_exhaustive]
pub enum Caller<'a> {
    /// A service app, by its client id; with an admin credential (an API token), its grants
    /// are read to say which are missing.
    App {
        /// The app's client id.
        client: &'a ClientId,
        /// A credential that may read the app's grants.
        admin: Option<&'a dyn Credential>,
    },
    /// A signed-in user, with their own token.
    User,
}

impl<'a> Caller<'a> {
    /// The app's client id, for an app.
    pub fn client(&self) -> Option<&'a ClientId> {
        match self {
            Caller::App { client, .. } => Some(client),
            Caller::User => None,
        }
    }
}

impl std::fmt::Debug for Caller<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Caller::App { client, admin } => f
                .debug_struct("App")
                .field("client", client)
                .field("admin", &admin.is_some())
                .finish(),
            Caller::User => f.write_str("User"),
        }
    }
}

/// One thing to do about a refusal.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Fix {
    /// Grant the app this scope (`POST /api/v1/apps/{id}/grants`).
    GrantScope {
        /// The app.
        client: ClientId,
        /// The scope.
        scope: String,
    },
    /// The app holds grants that cover the call: ask for these scopes in the token request.
    RequestScopes {
        /// The scopes the call needs.
        scopes: Vec<String>,
    },
    /// Assign the app an admin role that allows the call (its token has the scope, but no role
    /// lets it act: Okta's 403 E0000006).
    AssignAppRole {
        /// The app.
        client: ClientId,
        /// The narrowest standard role that allows it.
        role: StandardRole,
    },
    /// The app acts through a custom role: it must hold these permissions, and its resource set
    /// these resources (Okta's permissions catalog and resource-set resources for the scopes the
    /// call needs).
    ExtendCustomRole {
        /// The app.
        client: ClientId,
        /// The permissions the call needs.
        permissions: Vec<String>,
        /// The resources (REST URLs of the org) the call acts on.
        resources: Vec<String>,
    },
    /// Give the signed-in user an admin role that allows the call (a user's token acts with the
    /// user's roles).
    AssignUserRole {
        /// The narrowest standard role that allows it.
        role: StandardRole,
    },
    /// Assign the user to the app: Okta signs in only assigned users.
    AssignUserToApp {
        /// The app.
        client: ClientId,
    },
    /// The app authenticates with a client secret (a web app): give it.
    GiveClientSecret,
    /// The assertion was signed with a key the app does not have registered (or not active):
    /// sign with one of `registered`, or register this one.
    SignWithRegisteredKey {
        /// The `kid` the assertion was signed with.
        kid: String,
        /// The `kid`s of the app's active keys, when an admin credential could read them.
        registered: Vec<String>,
    },
    /// The assertion's times were refused: this machine's clock and the org's differ.
    CheckClock {
        /// The org's time minus this machine's, in seconds, when the org's `Date` could be read.
        skew: Option<i64>,
    },
    /// The app requires DPoP-bound tokens: send a DPoP proof (`DpopMode::Auto` or `Always`).
    SendDpopProof,
    /// The app does not allow the grant type used (the device grant needs a native app).
    AllowGrantType {
        /// The app.
        client: ClientId,
    },
    /// The app is a service app (client credentials): people do not sign in to it. Sign in to
    /// a web, native or single-page app (a native one for the device grant).
    UseSignInApp {
        /// The service app.
        client: ClientId,
    },
    /// The app does not list the redirect URI a sign-in comes back to: add it to the app's
    /// sign-in redirect URIs, or sign in with one it lists.
    RegisterRedirectUri {
        /// The app.
        client: ClientId,
        /// The redirect URI used.
        uri: String,
        /// The ones the app lists.
        registered: Vec<String>,
    },
}

/// Why a call was refused, and what fixes it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Diagnosis {
    /// The code Okta answered with.
    pub code: ErrorCode,
    /// The call, as Okta's contract names it (`GET /api/v1/groups/{groupId}`), when it is one.
    pub operation: Option<String>,
    /// The scopes the contract says the call needs.
    pub needed: Vec<String>,
    /// Whether the app's grants were read (an admin credential was given and worked); when
    /// not, [`Fix::GrantScope`]s name every needed scope, "if the app lacks it".
    pub grants_read: bool,
    /// What to do, in order.
    pub fixes: Vec<Fix>,
}

pub(crate) fn diagnose_call(
    okta: &Okta,
    error: &Error,
    method: Method,
    path: &str,
    caller: Caller<'_>,
) -> Option<Diagnosis> {
    let code = error.okta_code()?;
    if !matches!(
        code,
        ErrorCode::InvalidScope | ErrorCode::InsufficientScope | ErrorCode::NoPermission
    ) {
        return None;
    }
    let op = api_scopes::operation(method, path)?;
    let needed: Vec<String> = op.scope_names().map(str::to_owned).collect();
    if needed.is_empty() {
        return None;
    }
    let mut diagnosis = Diagnosis {
        operation: Some(format!("{} {}", op.method(), op.template())),
        needed,
        grants_read: false,
        fixes: Vec::new(),
        code: code.clone(),
    };
    match (code, caller) {
        (ErrorCode::NoPermission, Caller::User) => {
            diagnosis.fixes.push(Fix::AssignUserRole {
                role: role_for(&op),
            });
        }
        (ErrorCode::NoPermission, Caller::App { client, admin }) => {
            let custom = admin.is_some_and(|admin| {
                okta.list_roles(admin, client)
                    .is_ok_and(|roles| roles.iter().any(|r| r.role_type == "CUSTOM"))
            });
            let scopes = crate::ids::Scope::list(&diagnosis.needed).unwrap_or_default();
            let needs =
                crate::admin::privileges::permissions_for(&scopes).and_then(|permissions| {
                    Ok((
                        permissions,
                        crate::admin::privileges::resources_for(okta.org(), &scopes)?,
                    ))
                });
            match (custom, needs) {
                (true, Ok((permissions, resources))) => {
                    diagnosis.fixes.push(Fix::ExtendCustomRole {
                        client: client.clone(),
                        permissions,
                        resources,
                    });
                }
                _ => diagnosis.fixes.push(Fix::AssignAppRole {
                    client: client.clone(),
                    role: role_for(&op),
                }),
            }
        }
        (_, Caller::User) => {}
        (_, Caller::App { client, admin }) => {
            let held = admin.and_then(|admin| {
                let app = AppId::new(client.as_str()).ok()?;
                okta.list_grants(admin, &app).ok()
            });
            diagnosis.grants_read = held.is_some();
            let missing: Vec<String> = match &held {
                Some(grants) => {
                    let names: Vec<&str> = grants.iter().map(|g| g.scope.as_str()).collect();
                    op.missing(&names).into_iter().map(str::to_owned).collect()
                }
                None => diagnosis.needed.clone(),
            };
            if let (Some(grants), true) = (&held, missing.is_empty()) {
                // Ask for what the app holds: the scope itself, or the `.manage` grant that
                // serves a `.read` need (asking for a `.read` it is not granted would fail).
                let mut scopes: Vec<String> = Vec::new();
                for need in &diagnosis.needed {
                    let exact = grants.iter().find(|g| g.scope.as_str() == need);
                    let covering = exact.or_else(|| {
                        grants
                            .iter()
                            .find(|g| api_scopes::covers(g.scope.as_str(), need))
                    });
                    if let Some(g) = covering
                        && !scopes.iter().any(|s| s == g.scope.as_str())
                    {
                        scopes.push(g.scope.as_str().to_owned());
                    }
                }
                diagnosis.fixes.push(Fix::RequestScopes { scopes });
            }
            for scope in missing {
                diagnosis.fixes.push(Fix::GrantScope {
                    client: client.clone(),
                    scope,
                });
            }
        }
    }
    Some(diagnosis)
}

impl Okta {
    /// What fixes a refused token request of `creds`: an assertion signed with a key the app
    /// does not have (its active keys read with `admin`, when given), times the org's clock
    /// refuses (the skew read from the org's `Date`), or a missing DPoP proof. `None` for other
    /// errors.
    pub fn diagnose_token(
        &self,
        error: &Error,
        creds: &crate::oauth::tokens::ServiceCredentials,
        admin: Option<&dyn Credential>,
    ) -> Option<Fix> {
        let said = match error {
            Error::Okta { problem, .. } => problem.message.as_deref().unwrap_or_default(),
            _ => "",
        };
        match error.okta_code()? {
            ErrorCode::InvalidClient if said.contains("kid") => {
                let kid = creds
                    .signer()
                    .ok()
                    .and_then(|s| s.public_jwk().kid().map(ToString::to_string))
                    .unwrap_or_default();
                let registered = admin
                    .and_then(|admin| {
                        let app = AppId::new(creds.client_id().as_str()).ok()?;
                        self.list_app_keys(admin, &app).ok()
                    })
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|k| k.active)
                    .filter_map(|k| k.kid)
                    .collect();
                Some(Fix::SignWithRegisteredKey { kid, registered })
            }
            ErrorCode::InvalidClient
                if [
                    "expired",
                    "too far into the future",
                    "issued before the current time",
                ]
                .iter()
                .any(|w| said.contains(w)) =>
            {
                Some(Fix::CheckClock {
                    skew: crate::discovery::org_clock_skew(self),
                })
            }
            ErrorCode::InvalidDpopProof if said.contains("missing") => Some(Fix::SendDpopProof),
            _ => None,
        }
    }
}

/// What fixes a refused sign-in of the app `client`, as far as the error tells:
/// an unassigned user, a web app's missing secret (`sent_secret` false), a grant type the app
/// does not allow.
pub fn diagnose_sign_in(error: &Error, client: &ClientId, sent_secret: bool) -> Option<Fix> {
    let said = match error {
        Error::SignIn(text) => text.as_str(),
        Error::Okta { problem, .. } => problem.message.as_deref().unwrap_or_default(),
        _ => "",
    };
    // Okta's words when the user is not assigned to the app (an `access_denied` on the
    // redirect, or the token endpoint's refusal).
    if said.contains("not assigned to the client application") {
        return Some(Fix::AssignUserToApp {
            client: client.clone(),
        });
    }
    match error.okta_code()? {
        ErrorCode::InvalidClient if !sent_secret => Some(Fix::GiveClientSecret),
        ErrorCode::UnauthorizedClient => Some(Fix::AllowGrantType {
            client: client.clone(),
        }),
        _ => None,
    }
}

/// A sign-in refused with `invalid_scope`: a grant for each Okta API scope asked for that the
/// app does not hold (each one asked for when `admin` cannot read its grants). Empty for any
/// other refusal.
pub(crate) fn sign_in_grants(
    okta: &Okta,
    error: &Error,
    client: &ClientId,
    scopes: &[crate::ids::Scope],
    admin: Option<&dyn Credential>,
) -> Vec<Fix> {
    let refused_scope = match error {
        Error::SignIn(text) => text.contains("invalid_scope"),
        other => other.okta_code() == Some(ErrorCode::InvalidScope),
    };
    if !refused_scope {
        return Vec::new();
    }
    let held: Option<Vec<String>> = admin.and_then(|admin| {
        let app = AppId::new(client.as_str()).ok()?;
        okta.list_grants(admin, &app)
            .ok()
            .map(|g| g.into_iter().map(|g| g.scope.as_str().to_owned()).collect())
    });
    scopes
        .iter()
        .map(crate::ids::Scope::as_str)
        .filter(|s| s.starts_with("okta."))
        .filter(|s| held.as_ref().is_none_or(|h| !h.iter().any(|g| g == s)))
        .map(|s| Fix::GrantScope {
            client: client.clone(),
            scope: s.to_owned(),
        })
        .collect()
}

/// The narrowest standard role that allows the operation.
fn role_for(op: &ApiOperation) -> StandardRole {
    let needed: Vec<&str> = op.scope_names().collect();
    api_scopes::suggested_role(&needed)
}
