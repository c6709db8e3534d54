//! The admin half of Okta's service-app guide as one idempotent plan: reuse or create the app,
//! make sure of its grants, make sure of its admin role. The same plan runs
//! ([`ServiceAppPlan::run`]) or lists the requests a run would send
//! ([`ServiceAppPlan::requests`]), so a dry run cannot drift from what is done.

use okta_jwk::Jwks;
use serde_json::Value;

use crate::admin::apps::{create_app_request, get_app_request, service_app_body};
use crate::admin::grants::{add_grant_request, list_grants_request};
use crate::admin::model::RegisteredApp;
use crate::admin::roles::{assign_role_request, list_roles_request};
use crate::cache::source::TokenSource;
use crate::error::Result;
use crate::http::auth::Credential;
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::planned::PlannedRequest;
use crate::ids::{AppId, DpopBinding, Role, Scope};
use crate::oauth::tokens::{TokenRequest, planned_token_request};

/// A service app with its key, grants and role, to be made so.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let emulator = okta_emulator::Emulator::start(okta_emulator::Config::default())?;
/// # let org = okta_flows::OrgUrl::dangerous_allow_loopback_http(emulator.url())?;
/// # let admin = okta_flows::SswsToken::new(emulator.admin_token());
/// use okta_flows::{Okta, Scope, ServiceAppPlan, StandardRole, jwk};
///
/// let okta = Okta::builder(org).build()?;
/// let key = jwk::KeyPair::generate(jwk::KeySpec::Ec(jwk::Curve::P256))?;
/// let plan = ServiceAppPlan::new(
///     "reporting",
///     jwk::Jwks::new(vec![key.public_jwk().clone()]),
///     vec![Scope::new("okta.users.read")?],
///     StandardRole::ReadOnlyAdmin.into(),
/// );
/// let first = plan.run(&okta, &admin, |_| {})?;
/// // Run again with the app it made: nothing new is created.
/// let again = plan.reuse(Some(first.app.id().clone())).run(&okta, &admin, |_| {})?;
/// assert_eq!(first.app.id(), again.app.id());
/// assert!(!again.created && again.granted.is_empty() && !again.role_assigned);
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ServiceAppPlan {
    name: String,
    jwks: Jwks,
    dpop: DpopBinding,
    scopes: Vec<Scope>,
    role: Role,
    existing: Option<AppId>,
    first_call: String,
}

/// A step of a run, as it happens.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub enum Step<'a> {
    /// The recorded app exists and is used.
    ReusedApp(&'a RegisteredApp),
    /// A new app was created.
    CreatedApp(&'a RegisteredApp),
    /// The scope was granted already.
    AlreadyGranted(&'a Scope),
    /// The scope was granted now.
    Granted(&'a Scope),
    /// The app had the role already.
    AlreadyHasRole(&'a Role),
    /// The role was assigned now.
    AssignedRole(&'a Role),
}

/// What a run left, and what it changed.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct Provisioned {
    /// The app.
    pub app: RegisteredApp,
    /// Whether it was created by this run.
    pub created: bool,
    /// The scopes this run granted.
    pub granted: Vec<Scope>,
    /// Whether this run assigned the role.
    pub role_assigned: bool,
}

/// What a plan's first call with the app's own token returned.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct FirstCall {
    /// The token the call was made with.
    pub token: crate::http::auth::Token,
    /// The first page of the call's answer.
    pub items: Vec<Value>,
}

impl ServiceAppPlan {
    /// A plan for an app named `name` with `jwks`, granted `scopes`, holding `role`, requiring
    /// DPoP (Okta's default for new API service apps); see [`ServiceAppPlan::dpop`].
    pub fn new(name: impl Into<String>, jwks: Jwks, scopes: Vec<Scope>, role: Role) -> Self {
        ServiceAppPlan {
            name: name.into(),
            jwks,
            dpop: DpopBinding::Required,
            scopes,
            role,
            existing: None,
            first_call: "/api/v1/users?limit=10".to_owned(),
        }
    }

    /// The call the app makes with its own token once it is set up, as Okta's guide ends
    /// (default `/api/v1/users?limit=10`): a GET of this path, its first page.
    pub fn first_call(mut self, path: impl Into<String>) -> Self {
        self.first_call = path.into();
        self
    }

    /// What the app's token is asked for: the plan's scopes, all of them required.
    pub fn token_request(&self) -> TokenRequest {
        TokenRequest::new(self.scopes.clone()).require_all()
    }

    /// The guide's last steps, with a source of the app's tokens (made with
    /// [`ServiceAppPlan::token_request`] and the app [`run`](ServiceAppPlan::run) made): a token,
    /// then the first page of the plan's first call.
    pub fn call_first(&self, okta: &Okta, tokens: &TokenSource) -> Result<FirstCall> {
        let token = tokens.token()?;
        let items = okta
            .pages(tokens, &self.first_call)
            .next()
            .transpose()?
            .unwrap_or_default();
        Ok(FirstCall { token, items })
    }

    /// Whether the app, when created, requires DPoP (default [`DpopBinding::Required`]).
    pub fn dpop(mut self, dpop: DpopBinding) -> Self {
        self.dpop = dpop;
        self
    }

    /// The app an earlier run made: used when it still exists (else a new one is created).
    pub fn reuse(mut self, app: Option<AppId>) -> Self {
        self.existing = app;
        self
    }

    /// Runs the plan, reporting each step to `on_step`. Every step reads before it writes, so a
    /// run that was interrupted is finished by running again.
    pub fn run(
        &self,
        okta: &Okta,
        admin: &dyn Credential,
        mut on_step: impl FnMut(Step<'_>),
    ) -> Result<Provisioned> {
        let found = crate::plan::recorded_app(okta, admin, self.existing.as_ref())?;
        let created = found.is_none();
        let app = match found {
            Some(app) => {
                on_step(Step::ReusedApp(&app));
                app
            }
            None => {
                let app = okta.create_service_app(admin, &self.name, &self.jwks, self.dpop)?;
                on_step(Step::CreatedApp(&app));
                app
            }
        };
        let held = okta.list_grants(admin, app.id())?;
        let mut granted = Vec::new();
        for scope in &self.scopes {
            if held.iter().any(|g| &g.scope == scope) {
                on_step(Step::AlreadyGranted(scope));
            } else {
                okta.add_grant(admin, app.id(), scope)?;
                on_step(Step::Granted(scope));
                granted.push(scope.clone());
            }
        }
        let role_assigned = okta
            .ensure_role(admin, app.client_id(), &self.role)?
            .was_made();
        on_step(if role_assigned {
            Step::AssignedRole(&self.role)
        } else {
            Step::AlreadyHasRole(&self.role)
        });
        Ok(Provisioned {
            app,
            created,
            granted,
            role_assigned,
        })
    }

    /// The requests a run would send to `okta`'s org, in order, each with when it is sent:
    /// the admin steps, then the token request and the first call. Each is made by the same
    /// function as the request a run sends.
    pub fn requests(&self, okta: &Okta) -> Vec<PlannedRequest> {
        let org = okta.org();
        let origin = org.as_str();
        let id = self
            .existing
            .as_ref()
            .map_or_else(|| "{new app id}".to_owned(), ToString::to_string);
        let mut out = Vec::new();
        if let Some(existing) = &self.existing {
            out.push(
                get_app_request(existing)
                    .planned(origin, "always (the app recorded by an earlier run)"),
            );
        }
        out.push(
            create_app_request(service_app_body(&self.name, &self.jwks, self.dpop))
                .planned(origin, "unless the recorded app exists"),
        );
        out.push(list_grants_request(&id).planned(origin, "always"));
        for scope in &self.scopes {
            out.push(
                add_grant_request(org, &id, scope)
                    .planned(origin, format!("unless {scope} is granted")),
            );
        }
        out.push(list_roles_request(&id).planned(origin, "always"));
        out.push(
            assign_role_request(&id, &self.role)
                .planned(origin, format!("unless the app has {}", self.role)),
        );
        let kid = self
            .jwks
            .keys()
            .first()
            .and_then(|k| k.kid().map(ToString::to_string))
            .unwrap_or_else(|| "(none)".to_owned());
        let dpop = self.dpop == DpopBinding::Required;
        out.extend(planned_token_request(
            okta,
            &id,
            &kid,
            &self.token_request(),
            dpop,
        ));
        out.push(crate::http::call::planned_call(
            okta,
            Method::GET,
            &self.first_call,
            dpop,
        ));
        out
    }
}
