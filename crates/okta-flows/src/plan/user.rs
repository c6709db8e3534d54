//! The admin half of the user part of Okta's guide as one idempotent plan: reuse or create the
//! web app with its client secret, assign the user, make sure of its grants, make sure the user
//! holds the admin role their token needs. Like [`crate::ServiceAppPlan`], the same plan runs
//! ([`UserAccessPlan::run`]) or lists the requests a run would send
//! ([`UserAccessPlan::requests`]).

use serde_json::{Value, json};

use crate::admin::access::{OidcApp, OidcAppKind, User};
use crate::admin::grants::grant_body;
use crate::admin::model::RegisteredApp;
use crate::admin::roles::role_body;
use crate::code::ErrorCode;
use crate::error::{Error, Result};
use crate::http::auth::{Credential, Token};
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::planned::PlannedRequest;
use crate::ids::{AppId, Role, Scope};
use crate::oauth::sign_in::planned_sign_in;
use crate::secrets::ClientSecret;

/// An OIDC app a user signs in to, with its grants, the user's assignment and the user's role.
#[derive(Debug, Clone)]
pub struct UserAccessPlan {
    app: OidcApp,
    login: String,
    scopes: Vec<Scope>,
    role: Role,
    existing: Option<AppId>,
    have_secret: bool,
    first_call: String,
}

/// A step of a run, as it happens.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum UserStep<'a> {
    /// The recorded app exists and is used.
    ReusedApp(&'a RegisteredApp),
    /// A new app was created (for a web app, with its first client secret).
    CreatedApp(&'a RegisteredApp),
    /// The app existed but its secret was not at hand: a new one was made.
    NewSecret(&'a RegisteredApp),
    /// The user was assigned already.
    AlreadyAssigned(&'a User),
    /// The user was assigned now.
    Assigned(&'a User),
    /// The scope was granted already.
    AlreadyGranted(&'a Scope),
    /// The scope was granted now.
    Granted(&'a Scope),
    /// The user held the role already.
    UserAlreadyHasRole(&'a Role),
    /// The role was given to the user now.
    AssignedUserRole(&'a Role),
}

/// What a run left.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UserAccess {
    /// The app.
    pub app: RegisteredApp,
    /// The user.
    pub user: User,
    /// A client secret made by this run (a new app's, or a new one for a reused app whose
    /// secret was not at hand): keep it, Okta shows it once.
    pub new_secret: Option<ClientSecret>,
}

impl UserAccessPlan {
    /// A plan for `app`, signing `login` in with `scopes`, the user holding `role`.
    pub fn new(app: OidcApp, login: impl Into<String>, scopes: Vec<Scope>, role: Role) -> Self {
        UserAccessPlan {
            app,
            login: login.into(),
            scopes,
            role,
            existing: None,
            have_secret: false,
            first_call: "/api/v1/users?limit=10".to_owned(),
        }
    }

    /// The call the user makes with their own token once signed in (default
    /// `/api/v1/users?limit=10`): a GET of this path, its first page.
    pub fn first_call(mut self, path: impl Into<String>) -> Self {
        self.first_call = path.into();
        self
    }

    /// The guide's last step, with the signed-in user's token: the first page of the plan's
    /// first call.
    pub fn call_first(&self, okta: &Okta, token: &Token) -> Result<Vec<Value>> {
        Ok(okta
            .pages(token, &self.first_call)
            .next()
            .transpose()?
            .unwrap_or_default())
    }

    /// The app an earlier run made, and whether its client secret is still at hand (when it is
    /// not, a run makes a new secret rather than a new app).
    pub fn reuse(mut self, app: Option<AppId>, have_secret: bool) -> Self {
        self.existing = app;
        self.have_secret = have_secret;
        self
    }

    /// Runs the plan. Every step reads before it writes, so a run that was interrupted is
    /// finished by running again.
    pub fn run(
        &self,
        okta: &Okta,
        admin: &dyn Credential,
        mut on_step: impl FnMut(UserStep<'_>),
    ) -> Result<UserAccess> {
        let user = okta.find_user(admin, &self.login)?;
        let found = match &self.existing {
            Some(id) => match okta.get_app(admin, id) {
                Ok(app) => Some(app),
                Err(e) if e.status() == Some(404) => None,
                Err(e) => return Err(e),
            },
            None => None,
        };
        let mut new_secret = None;
        let app = match found {
            Some(app) => {
                on_step(UserStep::ReusedApp(&app));
                if self
                    .app
                    .kind
                    .token_endpoint_auth_method()
                    .starts_with("client_secret")
                    && !self.have_secret
                {
                    new_secret = Some(okta.new_client_secret(admin, app.id())?);
                    on_step(UserStep::NewSecret(&app));
                }
                app
            }
            None => {
                let app = okta.create_oidc_app(admin, &self.app)?;
                new_secret = app.client_secret().cloned();
                on_step(UserStep::CreatedApp(&app));
                app
            }
        };
        if okta.is_assigned(admin, app.id(), &user.id)? {
            on_step(UserStep::AlreadyAssigned(&user));
        } else {
            okta.assign_user(admin, app.id(), &user.id)?;
            on_step(UserStep::Assigned(&user));
        }
        let held = okta.list_grants(admin, app.id())?;
        for scope in &self.scopes {
            if held.iter().any(|g| &g.scope == scope) {
                on_step(UserStep::AlreadyGranted(scope));
            } else {
                okta.add_grant(admin, app.id(), scope)?;
                on_step(UserStep::Granted(scope));
            }
        }
        let roles = okta.list_user_roles(admin, &user.id)?;
        // A super admin may do everything already.
        if roles
            .iter()
            .any(|r| r.is(&self.role) || r.role_type == "SUPER_ADMIN")
        {
            on_step(UserStep::UserAlreadyHasRole(&self.role));
        } else {
            match okta.assign_user_role(admin, &user.id, &self.role) {
                Err(e) if e.is(&ErrorCode::RoleAlreadyAssigned) => {}
                other => {
                    other?;
                }
            }
            on_step(UserStep::AssignedUserRole(&self.role));
        }
        Ok(UserAccess {
            app,
            user,
            new_secret,
        })
    }

    /// The requests a run would send to `okta`'s org, in order, each with when it is sent.
    pub fn requests(&self, okta: &Okta) -> Vec<PlannedRequest> {
        let org = okta.org();
        let url = |path: &str| format!("{}{path}", org.as_str());
        let id = self
            .existing
            .as_ref()
            .map_or_else(|| "{new app id}".to_owned(), ToString::to_string);
        let login = url::form_urlencoded::byte_serialize(self.login.as_bytes()).collect::<String>();
        let mut out = Vec::new();
        let mut push = |when: String, method: Method, url: String, body: Option<Value>| {
            out.push(PlannedRequest::admin(when, method, url, body));
        };
        push(
            "always".into(),
            Method::GET,
            url(&format!("/api/v1/users/{login}")),
            None,
        );
        if let Some(existing) = &self.existing {
            push(
                "always (the app recorded by an earlier run)".into(),
                Method::GET,
                url(&format!("/api/v1/apps/{existing}")),
                None,
            );
            if !self.have_secret {
                push(
                    "if the recorded app exists (its secret is not at hand)".into(),
                    Method::POST,
                    url(&format!("/api/v1/apps/{existing}/credentials/secrets")),
                    Some(json!({})),
                );
            }
        }
        push(
            "unless the recorded app exists".into(),
            Method::POST,
            url("/api/v1/apps"),
            Some(self.app.body()),
        );
        push(
            "always".into(),
            Method::GET,
            url(&format!("/api/v1/apps/{id}/users/{{user id}}")),
            None,
        );
        push(
            "unless the user is assigned".into(),
            Method::POST,
            url(&format!("/api/v1/apps/{id}/users")),
            Some(json!({"id": "{user id}", "scope": "USER"})),
        );
        let grants = url(&format!("/api/v1/apps/{id}/grants"));
        push("always".into(), Method::GET, grants.clone(), None);
        for scope in &self.scopes {
            push(
                format!("unless {scope} is granted"),
                Method::POST,
                grants.clone(),
                Some(grant_body(org, scope)),
            );
        }
        let roles = url("/api/v1/users/{user id}/roles");
        push("always".into(), Method::GET, roles.clone(), None);
        push(
            format!("unless the user has {} (or is a super admin)", self.role),
            Method::POST,
            roles,
            Some(role_body(&self.role)),
        );
        // The person signs in (the app's first redirect URI), then calls with their token.
        if let Some(redirect) = self.app.redirect_uris.first() {
            out.extend(planned_sign_in(
                okta,
                &id,
                redirect,
                &self.scopes,
                self.app.kind == OidcAppKind::Web,
            ));
        }
        out.push(crate::http::call::planned_call(
            okta,
            Method::GET,
            &self.first_call,
            false,
        ));
        out
    }
}

pub(crate) fn new_client_secret(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
) -> Result<ClientSecret> {
    let path = format!("/api/v1/apps/{app}/credentials/secrets");
    let check = "list the app's secrets (GET /api/v1/apps/{id}/credentials/secrets)";
    let r = okta.call_checked(cred, Method::POST, &path, Some(&json!({})), check)?;
    r.body["client_secret"]
        .as_str()
        .filter(|s| !s.is_empty())
        .map(ClientSecret::new)
        .ok_or_else(|| Error::Unexpected {
            endpoint: path,
            reason: "the answer has no client_secret".into(),
            request_id: r.request_id.clone(),
            source: None,
        })
}
