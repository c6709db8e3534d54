//! What Okta answers about apps, their grants and their admin roles, as types.

use okta_assertion::ClientId;
use serde_json::{Value, json};

use crate::ids::{AppId, GrantId, Role, RoleAssignmentId, Scope, StandardRole};
use crate::secrets::ClientSecret;

/// An app as Okta registered it.
#[derive(Clone, PartialEq)]
pub struct RegisteredApp {
    pub(crate) id: AppId,
    pub(crate) client_id: ClientId,
    pub(crate) name: String,
    pub(crate) dpop_bound: Option<bool>,
    pub(crate) client_secret: Option<ClientSecret>,
    pub(crate) raw: Value,
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
