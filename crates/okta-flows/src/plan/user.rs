//! The admin half of the user part of Okta's guide as one idempotent plan: reuse or create the
//! web app with its client secret, assign the user, make sure of its grants, make sure the user
//! holds the admin role their token needs. Like [`crate::ServiceAppPlan`], the same plan runs
//! ([`UserAccessPlan::run`]) or lists the requests a run would send
//! ([`UserAccessPlan::requests`]).

use serde_json::{Value, json};

use crate::admin::access::{
    OidcApp, OidcAppKind, User, assign_user_request, assign_user_role_request, find_user_request,
    is_assigned_request, list_user_roles_request,
};
use crate::admin::apps::{create_app_request, get_app_request};
use crate::admin::grants::{add_grant_request, list_grants_request};
use crate::admin::model::RegisteredApp;
use crate::code::ErrorCode;
use crate::error::{Error, Result};
use crate::http::auth::{Credential, Token};
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::planned::{PlannedRequest, Request};
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
        let found = crate::plan::recorded_app(okta, admin, self.existing.as_ref())?;
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

    /// The requests a run would send to `okta`'s org, in order, each with when it is sent:
    /// the admin steps, then the person's sign-in and the first call with their token. Each is
    /// made by the same function as the request a run sends.
    pub fn requests(&self, okta: &Okta) -> Vec<PlannedRequest> {
        let org = okta.org();
        let origin = org.as_str();
        let id = self
            .existing
            .as_ref()
            .map_or_else(|| "{new app id}".to_owned(), ToString::to_string);
        let login = url::form_urlencoded::byte_serialize(self.login.as_bytes()).collect::<String>();
        let user = "{user id}";
        let mut out = vec![find_user_request(&login).planned(origin, "always")];
        if let Some(existing) = &self.existing {
            out.push(
                get_app_request(existing)
                    .planned(origin, "always (the app recorded by an earlier run)"),
            );
            if !self.have_secret {
                out.push(new_client_secret_request(existing).planned(
                    origin,
                    "if the recorded app exists (its secret is not at hand)",
                ));
            }
        }
        out.push(
            create_app_request(self.app.body()).planned(origin, "unless the recorded app exists"),
        );
        out.push(is_assigned_request(&id, &user).planned(origin, "always"));
        out.push(assign_user_request(&id, &user).planned(origin, "unless the user is assigned"));
        out.push(list_grants_request(&id).planned(origin, "always"));
        for scope in &self.scopes {
            out.push(
                add_grant_request(org, &id, scope)
                    .planned(origin, format!("unless {scope} is granted")),
            );
        }
        out.push(list_user_roles_request(&user).planned(origin, "always"));
        out.push(assign_user_role_request(&user, &self.role).planned(
            origin,
            format!("unless the user has {} (or is a super admin)", self.role),
        ));
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
    let request = new_client_secret_request(app);
    let path = request.path.clone();
    let r = okta.send_request(cred, &request)?;
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

/// `POST /api/v1/apps/{app}/credentials/secrets`: a new client secret.
pub(crate) fn new_client_secret_request(app: &dyn std::fmt::Display) -> Request {
    Request::post(
        format!("/api/v1/apps/{app}/credentials/secrets"),
        json!({}),
        "list the app's secrets (GET /api/v1/apps/{id}/credentials/secrets)",
    )
}
