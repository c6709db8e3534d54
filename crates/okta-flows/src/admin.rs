//! The admin steps of Okta's guide, with an API token: create a service app with its JWKS, grant
//! it Okta scopes, give it an admin role. POSTs are never retried blindly.

use okta_jwk::Jwks;
use serde_json::{Value, json};

use crate::api::Credential;
use crate::client::Okta;
use crate::error::{Error, Result, safe};
use crate::org::OrgUrl;

/// A service app as Okta registered it.
#[derive(Debug, Clone, PartialEq)]
pub struct RegisteredApp {
    /// The client id (also the app id).
    pub client_id: String,
    /// Its name (DCR `client_name`, Apps API `label`).
    pub name: String,
    /// `settings.oauthClient.dpop_bound_access_tokens`, when Okta said.
    pub dpop_bound: Option<bool>,
    /// The JSON Okta returned.
    pub raw: Value,
}

/// An Okta-scope grant of an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Grant {
    /// The grant id (`oag…`).
    pub id: String,
    /// The scope (`okta.users.read`).
    pub scope: String,
}

/// An admin role assigned to an app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoleAssignment {
    /// The assignment id.
    pub id: String,
    /// The role type (`SUPER_ADMIN`, `READ_ONLY_ADMIN`, …).
    pub kind: String,
}

fn text(v: &Value, pointer: &str, endpoint: &str) -> Result<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(|s| safe(s, 200))
        .ok_or_else(|| Error::Unexpected {
            endpoint: endpoint.to_owned(),
            reason: format!("the answer has no {pointer}"),
            request_id: None,
        })
}

/// Okta's ids are URL-safe; refuse anything that could change the path.
fn id_segment(id: &str) -> Result<&str> {
    if !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    {
        Ok(id)
    } else {
        Err(Error::Config(
            "an Okta id has only letters, digits, - and _",
        ))
    }
}

impl Okta {
    /// Registers a service app (`private_key_jwt`, client credentials) through Dynamic Client
    /// Registration, `POST /oauth2/v1/clients`.
    pub fn register_service_app(
        &self,
        cred: Credential<'_>,
        name: &str,
        jwks: &Jwks,
    ) -> Result<RegisteredApp> {
        let body = json!({
            "client_name": name, "response_types": ["token"], "grant_types": ["client_credentials"],
            "token_endpoint_auth_method": "private_key_jwt", "application_type": "service", "jwks": jwks,
        });
        let r = self.call_checked(
            cred,
            "POST",
            "/oauth2/v1/clients",
            Some(&body),
            "list the apps (GET /api/v1/apps) before registering again",
        )?;
        Ok(RegisteredApp {
            client_id: text(&r.body, "/client_id", "POST /oauth2/v1/clients")?,
            name: name.to_owned(),
            dpop_bound: None,
            raw: r.body,
        })
    }

    /// Creates a service app through the Apps API, `POST /api/v1/apps`, with DPoP required or not.
    pub fn create_service_app(
        &self,
        cred: Credential<'_>,
        name: &str,
        jwks: &Jwks,
        dpop: bool,
    ) -> Result<RegisteredApp> {
        let r = self.call_checked(
            cred,
            "POST",
            "/api/v1/apps",
            Some(&service_app_body(name, jwks, dpop)),
            "list the apps (GET /api/v1/apps) before creating again",
        )?;
        app_from(r.body)
    }

    /// An app by id (Apps API).
    pub fn get_app(&self, cred: Credential<'_>, id: &str) -> Result<RegisteredApp> {
        app_from(
            self.call(
                cred,
                "GET",
                &format!("/api/v1/apps/{}", id_segment(id)?),
                None,
            )?
            .body,
        )
    }

    /// Every app (all pages).
    pub fn list_apps(&self, cred: Credential<'_>) -> Result<Vec<RegisteredApp>> {
        let mut out = Vec::new();
        for page in self.pages(cred, "/api/v1/apps") {
            for app in page? {
                out.push(app_from(app)?);
            }
        }
        Ok(out)
    }

    /// Deletes an app.
    pub fn delete_app(&self, cred: Credential<'_>, id: &str) -> Result<()> {
        self.call(
            cred,
            "DELETE",
            &format!("/api/v1/apps/{}", id_segment(id)?),
            None,
        )
        .map(|_| ())
    }

    /// Grants an Okta scope to an app (`issuer` is the org). Not retried: on an unclear failure,
    /// [`Error::OutcomeUnknown`] says to list the grants.
    pub fn add_grant(&self, cred: Credential<'_>, app_id: &str, scope: &str) -> Result<Grant> {
        let path = format!("/api/v1/apps/{}/grants", id_segment(app_id)?);
        let r = self.call_checked(
            cred,
            "POST",
            &path,
            Some(&grant_body(&self.org, scope)),
            "list the app's grants (GET /api/v1/apps/{id}/grants) before adding it again",
        )?;
        grant_from(&r.body, &path)
    }

    /// The app's grants.
    pub fn list_grants(&self, cred: Credential<'_>, app_id: &str) -> Result<Vec<Grant>> {
        let path = format!("/api/v1/apps/{}/grants", id_segment(app_id)?);
        self.list(cred, &path, grant_from)
    }

    /// Revokes a grant.
    pub fn revoke_grant(&self, cred: Credential<'_>, app_id: &str, grant_id: &str) -> Result<()> {
        let path = format!(
            "/api/v1/apps/{}/grants/{}",
            id_segment(app_id)?,
            id_segment(grant_id)?
        );
        self.call(cred, "DELETE", &path, None).map(|_| ())
    }

    /// Assigns an admin role to a client (`SUPER_ADMIN`, `READ_ONLY_ADMIN`, …). Without one,
    /// Okta answers the app's API calls with 403 E0000006.
    pub fn assign_role(
        &self,
        cred: Credential<'_>,
        client_id: &str,
        role: &str,
    ) -> Result<RoleAssignment> {
        let path = format!("/oauth2/v1/clients/{}/roles", id_segment(client_id)?);
        let r = self.call_checked(
            cred,
            "POST",
            &path,
            Some(&role_body(role)),
            "list the client's roles (GET /oauth2/v1/clients/{id}/roles)",
        )?;
        role_from(&r.body, &path)
    }

    /// The client's admin roles.
    pub fn list_roles(&self, cred: Credential<'_>, client_id: &str) -> Result<Vec<RoleAssignment>> {
        let path = format!("/oauth2/v1/clients/{}/roles", id_segment(client_id)?);
        self.list(cred, &path, role_from)
    }

    /// GETs a JSON array and reads each item with `item`.
    fn list<T>(
        &self,
        cred: Credential<'_>,
        path: &str,
        item: fn(&Value, &str) -> Result<T>,
    ) -> Result<Vec<T>> {
        let r = self.call(cred, "GET", path, None)?;
        let list = r.body.as_array().ok_or_else(|| Error::Unexpected {
            endpoint: path.to_owned(),
            reason: "not a list".into(),
            request_id: r.request_id.clone(),
        })?;
        list.iter().map(|v| item(v, path)).collect()
    }
}

/// The body of `POST /api/v1/apps` that [`Okta::create_service_app`] sends: a service app
/// with `private_key_jwt`, the public `jwks`, and DPoP-bound tokens when `dpop`.
pub fn service_app_body(name: &str, jwks: &Jwks, dpop: bool) -> Value {
    json!({
        "name": "oidc_client", "label": name, "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"token_endpoint_auth_method": "private_key_jwt"}},
        "settings": {"oauthClient": {
            "application_type": "service", "grant_types": ["client_credentials"], "response_types": ["token"],
            "jwks": jwks, "dpop_bound_access_tokens": dpop,
        }},
    })
}

/// The body of `POST /api/v1/apps/{id}/grants` that [`Okta::add_grant`] sends.
pub fn grant_body(org: &OrgUrl, scope: &str) -> Value {
    json!({"scopeId": scope, "issuer": org.as_str()})
}

/// The body of `POST /oauth2/v1/clients/{id}/roles` that [`Okta::assign_role`] sends.
pub fn role_body(role: &str) -> Value {
    json!({"type": role})
}

fn grant_from(v: &Value, path: &str) -> Result<Grant> {
    Ok(Grant {
        id: text(v, "/id", path)?,
        scope: text(v, "/scopeId", path)?,
    })
}

fn role_from(v: &Value, path: &str) -> Result<RoleAssignment> {
    Ok(RoleAssignment {
        id: text(v, "/id", path)?,
        kind: text(v, "/type", path)?,
    })
}

fn app_from(v: Value) -> Result<RegisteredApp> {
    let endpoint = "/api/v1/apps";
    Ok(RegisteredApp {
        client_id: text(&v, "/id", endpoint)?,
        name: text(&v, "/label", endpoint)?,
        dpop_bound: v
            .pointer("/settings/oauthClient/dpop_bound_access_tokens")
            .and_then(Value::as_bool),
        raw: v,
    })
}
