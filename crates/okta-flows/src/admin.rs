//! The admin steps of Okta's guide, with an API token: create a service app with its JWKS, grant
//! it Okta scopes, give it an admin role. POSTs are never retried blindly.

use okta_assertion::ClientId;
use okta_jwk::Jwks;
use serde_json::{Value, json};

use crate::code::ErrorCode;
use crate::error::{Error, Result, safe};
use crate::http::auth::Credential;
use crate::http::call::made_but_unread;
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::ids::{AppId, DpopBinding, GrantId, Role, RoleAssignmentId, Scope, StandardRole};
use crate::org::OrgUrl;
use crate::secrets::ClientSecret;

/// An app as Okta registered it.
#[derive(Clone, PartialEq)]
pub struct RegisteredApp {
    id: AppId,
    client_id: ClientId,
    name: String,
    dpop_bound: Option<bool>,
    client_secret: Option<ClientSecret>,
    raw: Value,
}

impl std::fmt::Debug for RegisteredApp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RegisteredApp")
            .field("id", &self.id)
            .field("client_id", &self.client_id)
            .field("name", &self.name)
            .field("dpop_bound", &self.dpop_bound)
            .field("client_secret", &self.client_secret)
            .finish_non_exhaustive()
    }
}

impl RegisteredApp {
    /// An app known by its ids, as another tool or a test knows it: not DPoP-bound as far as
    /// this says, no client secret, and [`RegisteredApp::raw`] holding just `id` and `label`.
    ///
    /// ```
    /// use okta_flows::{AppId, ClientId, RegisteredApp};
    /// let app = RegisteredApp::new(AppId::new("0oa1abc")?, ClientId::new("0oa1abc")?, "reporting")
    ///     .with_dpop_bound(true);
    /// assert_eq!(app.dpop_bound(), Some(true));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn new(id: AppId, client_id: ClientId, name: impl Into<String>) -> RegisteredApp {
        let name = name.into();
        RegisteredApp {
            raw: json!({"id": id.as_str(), "label": name}),
            id,
            client_id,
            name,
            dpop_bound: None,
            client_secret: None,
        }
    }

    /// Says whether the app requires DPoP-bound tokens (`dpop_bound_access_tokens`).
    pub fn with_dpop_bound(mut self, bound: bool) -> RegisteredApp {
        self.dpop_bound = Some(bound);
        self
    }

    /// The app's client secret (an app with client-secret authentication).
    pub fn with_client_secret(mut self, secret: ClientSecret) -> RegisteredApp {
        self.client_secret = Some(secret);
        self
    }

    /// The app id (`0oa…`).
    pub fn id(&self) -> &AppId {
        &self.id
    }

    /// The OAuth client id (for an OAuth app, the same text as the app id).
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// Its name (DCR `client_name`, Apps API `label`).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// `settings.oauthClient.dpop_bound_access_tokens`, when Okta said.
    pub fn dpop_bound(&self) -> Option<bool> {
        self.dpop_bound
    }

    /// The client secret, when Okta returned one (apps with client-secret authentication, on
    /// creation).
    pub fn client_secret(&self) -> Option<&ClientSecret> {
        self.client_secret.as_ref()
    }

    /// The sign-in redirect URIs Okta lists for the app (`settings.oauthClient.redirect_uris`);
    /// none for a service app.
    pub fn redirect_uris(&self) -> Vec<&str> {
        self.raw
            .pointer("/settings/oauthClient/redirect_uris")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(Value::as_str)
            .collect()
    }

    /// The JSON Okta returned, without the client secret (see [`RegisteredApp::client_secret`]).
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// An Okta-scope grant of an app.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Grant {
    /// The grant id (`oag…`).
    pub id: GrantId,
    /// The scope (`okta.users.read`).
    pub scope: Scope,
}

/// An admin role assigned to an app.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RoleAssignment {
    /// The assignment id.
    pub id: RoleAssignmentId,
    /// Okta's role type (`SUPER_ADMIN`, `READ_ONLY_ADMIN`, `CUSTOM`, …), as it answered.
    pub role_type: String,
    /// For a `CUSTOM` assignment: the custom role's id (`role`), when Okta said.
    pub custom_role: Option<String>,
    /// For a `CUSTOM` assignment: the resource set's id (`resource-set`), when Okta said.
    pub resource_set: Option<String>,
}

impl RoleAssignment {
    /// The standard role, when it is one this crate knows.
    pub fn standard(&self) -> Option<StandardRole> {
        self.role_type.parse().ok()
    }

    /// Whether this assignment is `role`. For a custom role: the same role and resource set
    /// when Okta's answer names them, else (an answer that does not) any custom assignment.
    pub fn is(&self, role: &Role) -> bool {
        match role {
            Role::Standard(r) => self.role_type == r.as_str(),
            Role::Custom { role, resource_set } => {
                self.role_type == "CUSTOM"
                    && self
                        .custom_role
                        .as_deref()
                        .is_none_or(|r| r == role.as_str())
                    && self
                        .resource_set
                        .as_deref()
                        .is_none_or(|s| s == resource_set.as_str())
            }
        }
    }
}

pub(crate) fn text(v: &Value, pointer: &str, endpoint: &str) -> Result<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(|s| safe(s, 200))
        .ok_or_else(|| Error::Unexpected {
            endpoint: endpoint.to_owned(),
            reason: format!("the answer has no {pointer}"),
            request_id: None,
            source: None,
        })
}

/// A typed value from Okta's answer; a malformed one is Okta's unexpected answer, not the
/// caller's invalid input.
pub(crate) fn typed<T, E>(
    v: &Value,
    pointer: &str,
    endpoint: &str,
    what: &str,
    make: impl FnOnce(String) -> std::result::Result<T, E>,
) -> Result<T> {
    make(text(v, pointer, endpoint)?).map_err(|_| Error::Unexpected {
        endpoint: endpoint.to_owned(),
        reason: format!("{pointer} is not {what}"),
        request_id: None,
        source: None,
    })
}

impl Okta {
    /// GETs a JSON array and reads each item with `item`.
    pub(crate) fn list<T>(
        &self,
        cred: &dyn Credential,
        path: &str,
        item: fn(&Value, &str) -> Result<T>,
    ) -> Result<Vec<T>> {
        let r = self.call(cred, Method::GET, path, None)?;
        let list = r.body.as_array().ok_or_else(|| Error::Unexpected {
            endpoint: path.to_owned(),
            reason: "not a list".into(),
            request_id: r.request_id.clone(),
            source: None,
        })?;
        list.iter().map(|v| item(v, path)).collect()
    }

    /// An app from Okta's JSON. What it says of DPoP is remembered, so that
    /// [`crate::DpopMode::Auto`] sends a proof from the first token request.
    pub(crate) fn app_from(&self, mut v: Value) -> Result<RegisteredApp> {
        let endpoint = "/api/v1/apps";
        let id = typed(&v, "/id", endpoint, "an Okta id", AppId::new)?;
        let client_pointer = if v.pointer("/credentials/oauthClient/client_id").is_some() {
            "/credentials/oauthClient/client_id"
        } else {
            "/id"
        };
        let client_id = typed(&v, client_pointer, endpoint, "a client id", ClientId::new)?;
        let dpop_bound = v
            .pointer("/settings/oauthClient/dpop_bound_access_tokens")
            .and_then(Value::as_bool);
        if dpop_bound == Some(true) {
            self.dpop().set_required(client_id.as_str());
        }
        let client_secret = take_secret(&mut v, "/credentials/oauthClient/client_secret");
        Ok(RegisteredApp {
            id,
            client_id,
            name: text(&v, "/label", endpoint)?,
            dpop_bound,
            client_secret,
            raw: v,
        })
    }
}

pub(crate) fn register_service_app(
    okta: &Okta,
    cred: &dyn Credential,
    name: &str,
    jwks: &Jwks,
) -> Result<RegisteredApp> {
    let body = json!({
        "client_name": name, "response_types": ["token"], "grant_types": ["client_credentials"],
        "token_endpoint_auth_method": "private_key_jwt", "application_type": "service", "jwks": jwks,
    });
    let r = okta.call_checked(
        cred,
        Method::POST,
        "/oauth2/v1/clients",
        Some(&body),
        "list the apps (GET /api/v1/apps) before registering again",
    )?;
    let endpoint = "POST /oauth2/v1/clients";
    let client_id = typed(
        &r.body,
        "/client_id",
        endpoint,
        "a client id",
        ClientId::new,
    )?;
    let id = typed(&r.body, "/client_id", endpoint, "an Okta id", AppId::new)?;
    let mut raw = r.body;
    let client_secret = take_secret(&mut raw, "/client_secret");
    Ok(RegisteredApp {
        id,
        client_id,
        name: name.to_owned(),
        dpop_bound: None,
        client_secret,
        raw,
    })
}

pub(crate) fn create_service_app(
    okta: &Okta,
    cred: &dyn Credential,
    name: &str,
    jwks: &Jwks,
    dpop: DpopBinding,
) -> Result<RegisteredApp> {
    let check = "list the apps (GET /api/v1/apps) before creating again";
    let body = service_app_body(name, jwks, dpop);
    let r = okta.call_checked(cred, Method::POST, "/api/v1/apps", Some(&body), check)?;
    made_but_unread(okta.app_from(r.body), check)
}

pub(crate) fn get_app(okta: &Okta, cred: &dyn Credential, id: &AppId) -> Result<RegisteredApp> {
    let path = format!("/api/v1/apps/{id}");
    okta.app_from(okta.call(cred, Method::GET, &path, None)?.body)
}

pub(crate) fn list_apps(okta: &Okta, cred: &dyn Credential) -> Result<Vec<RegisteredApp>> {
    let mut out = Vec::new();
    for app in okta.pages(cred, "/api/v1/apps").items() {
        out.push(okta.app_from(app?)?);
    }
    Ok(out)
}

pub(crate) fn deactivate_app(okta: &Okta, cred: &dyn Credential, id: &AppId) -> Result<()> {
    let path = format!("/api/v1/apps/{id}/lifecycle/deactivate");
    let check = "get the app (GET /api/v1/apps/{id}) to see its status";
    okta.call_checked(cred, Method::POST, &path, None, check)
        .map(|_| ())
}

pub(crate) fn delete_app(okta: &Okta, cred: &dyn Credential, id: &AppId) -> Result<()> {
    let path = format!("/api/v1/apps/{id}");
    match okta.call(cred, Method::DELETE, &path, None) {
        Err(e) if e.is(&ErrorCode::AppNotDeactivated) => {
            okta.deactivate_app(cred, id)?;
            okta.call(cred, Method::DELETE, &path, None).map(|_| ())
        }
        other => other.map(|_| ()),
    }
}

pub(crate) fn add_grant(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    scope: &Scope,
) -> Result<Grant> {
    let path = format!("/api/v1/apps/{app}/grants");
    let check = "list the app's grants (GET /api/v1/apps/{id}/grants) before adding it again";
    let body = grant_body(okta.org_url(), scope);
    let r = okta.call_checked(cred, Method::POST, &path, Some(&body), check)?;
    made_but_unread(grant_from(&r.body, &path), check)
}

pub(crate) fn list_grants(okta: &Okta, cred: &dyn Credential, app: &AppId) -> Result<Vec<Grant>> {
    let path = format!("/api/v1/apps/{app}/grants");
    okta.list(cred, &path, grant_from)
}

pub(crate) fn revoke_grant(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    grant: &GrantId,
) -> Result<()> {
    let path = format!("/api/v1/apps/{app}/grants/{grant}");
    okta.call(cred, Method::DELETE, &path, None).map(|_| ())
}

pub(crate) fn assign_role(
    okta: &Okta,
    cred: &dyn Credential,
    client: &ClientId,
    role: &Role,
) -> Result<RoleAssignment> {
    let path = format!("/oauth2/v1/clients/{}/roles", client_segment(client)?);
    let check = "list the client's roles (GET /oauth2/v1/clients/{id}/roles)";
    let r = okta.call_checked(cred, Method::POST, &path, Some(&role_body(role)), check)?;
    made_but_unread(role_from(&r.body, &path), check)
}

pub(crate) fn unassign_role(
    okta: &Okta,
    cred: &dyn Credential,
    client: &ClientId,
    assignment: &RoleAssignmentId,
) -> Result<()> {
    let path = format!(
        "/oauth2/v1/clients/{}/roles/{assignment}",
        client_segment(client)?
    );
    okta.call(cred, Method::DELETE, &path, None).map(|_| ())
}

pub(crate) fn list_roles(
    okta: &Okta,
    cred: &dyn Credential,
    client: &ClientId,
) -> Result<Vec<RoleAssignment>> {
    let path = format!("/oauth2/v1/clients/{}/roles", client_segment(client)?);
    okta.list(cred, &path, role_from)
}

/// A client id as a path segment: Okta's client ids are URL-safe, but RFC 6749 allows more.
fn client_segment(client: &ClientId) -> Result<&str> {
    AppId::new(client.as_str())?;
    Ok(client.as_str())
}

/// Takes a client secret out of an answer, so the JSON kept can be shown.
fn take_secret(v: &mut Value, pointer: &str) -> Option<ClientSecret> {
    let (parent, member) = pointer.rsplit_once('/')?;
    let holder = if parent.is_empty() {
        Some(v)
    } else {
        v.pointer_mut(parent)
    }?;
    match holder.as_object_mut()?.remove(member)? {
        Value::String(s) => Some(ClientSecret::new(s)),
        _ => None,
    }
}

/// The body of `POST /api/v1/apps` that [`Okta::create_service_app`] sends: a service app
/// with `private_key_jwt`, the public `jwks`, and DPoP-bound tokens as `dpop` says.
pub(crate) fn service_app_body(name: &str, jwks: &Jwks, dpop: DpopBinding) -> Value {
    json!({
        "name": "oidc_client", "label": name, "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"token_endpoint_auth_method": "private_key_jwt"}},
        "settings": {"oauthClient": {
            "application_type": "service", "grant_types": ["client_credentials"], "response_types": ["token"],
            "jwks": jwks, "dpop_bound_access_tokens": dpop.is_required(),
        }},
    })
}

/// The body of `POST /api/v1/apps/{id}/grants` that [`Okta::add_grant`] sends.
pub(crate) fn grant_body(org: &OrgUrl, scope: &Scope) -> Value {
    json!({"scopeId": scope.as_str(), "issuer": org.as_str()})
}

/// The body of `POST /oauth2/v1/clients/{id}/roles` that [`Okta::assign_role`] sends (Okta's
/// `StandardRoleAssignmentSchema` or `CustomRoleAssignmentSchema`).
pub(crate) fn role_body(role: &Role) -> Value {
    match role {
        Role::Standard(r) => json!({"type": r.as_str()}),
        Role::Custom { role, resource_set } => {
            json!({"type": "CUSTOM", "role": role.as_str(), "resource-set": resource_set.as_str()})
        }
    }
}

fn grant_from(v: &Value, path: &str) -> Result<Grant> {
    Ok(Grant {
        id: typed(v, "/id", path, "an Okta id", GrantId::new)?,
        scope: typed(v, "/scopeId", path, "a scope", Scope::new)?,
    })
}

pub(crate) fn role_from(v: &Value, path: &str) -> Result<RoleAssignment> {
    let member = |name: &str| v.get(name).and_then(Value::as_str).map(|s| safe(s, 64));
    Ok(RoleAssignment {
        id: typed(v, "/id", path, "an Okta id", RoleAssignmentId::new)?,
        role_type: text(v, "/type", path)?,
        custom_role: member("role"),
        resource_set: member("resource-set"),
    })
}

/// Credentials for the apps this module registers and reads (here, beside `RegisteredApp`, so
/// that `tokens` does not depend on `admin`).
impl crate::oauth::tokens::ServiceCredentials {
    /// Credentials for an app this program registered or read: its client id, and `Always` or
    /// `Never` DPoP as its settings say (`Auto` when they did not say).
    pub fn for_app(
        app: &RegisteredApp,
        signer: std::sync::Arc<dyn okta_jwk::Signer>,
    ) -> crate::oauth::tokens::ServiceCredentials {
        crate::oauth::tokens::ServiceCredentials::new(app.client_id().clone(), signer).knowing(app)
    }

    /// Takes the app's DPoP setting when it is known (an app this program created, or read with
    /// `get_app`): `Always` when it requires DPoP, `Never` when it does not, so no request is
    /// spent finding out. An unknown setting keeps `Auto`.
    pub fn knowing(self, app: &RegisteredApp) -> crate::oauth::tokens::ServiceCredentials {
        match app.dpop_bound() {
            Some(true) => self.dpop(crate::oauth::tokens::DpopMode::Always),
            Some(false) => self.dpop(crate::oauth::tokens::DpopMode::Never),
            None => self,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_client_secret_is_taken_out_of_the_json() {
        let mut v = json!({"id": "0oa1", "credentials": {"oauthClient": {"client_secret": "s3cr3t-value", "client_id": "0oa1"}}});
        let secret = take_secret(&mut v, "/credentials/oauthClient/client_secret");
        assert_eq!(
            secret.as_ref().map(ClientSecret::expose_secret),
            Some("s3cr3t-value")
        );
        assert!(!v.to_string().contains("s3cr3t-value"));
        let mut top = json!({"client_id": "0oa1", "client_secret": "top-secret"});
        assert!(take_secret(&mut top, "/client_secret").is_some());
        assert!(!top.to_string().contains("top-secret"));
    }
}
