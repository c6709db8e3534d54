//! An app's signing keys (`/api/v1/apps/{id}/credentials/jwks`) and a guided rotation that can
//! be resumed after an interruption at any step without leaving the app without an active key.

use std::sync::Arc;

use okta_jwk::{KeyPair, PublicJwk};
use serde_json::Value;

use crate::error::{Error, Result, safe};
use crate::http::auth::Credential;
use crate::http::call::made_but_unread;
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::ids::{AppId, AppKeyId, Scope};
use crate::oauth::tokens::{DpopMode, ServiceCredentials, TokenRequest};

/// Okta allows at most 50 keys per app.
pub const MAX_APP_KEYS: usize = 50;

/// One of an app's keys.
#[derive(Clone, PartialEq)]
#[non_exhaustive]
pub struct AppKey {
    /// Okta's key id (`pks…`), used in the key URLs. Not the JWK `kid`.
    pub id: AppKeyId,
    /// The JWK `kid`.
    pub kid: Option<String>,
    /// Whether it is `ACTIVE`.
    pub active: bool,
    raw: Value,
}

impl std::fmt::Debug for AppKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppKey")
            .field("id", &self.id)
            .field("kid", &self.kid)
            .field("active", &self.active)
            .finish_non_exhaustive()
    }
}

impl AppKey {
    /// The key as Okta holds it (a public JWK with Okta's `id`, `status`, `created`, …).
    pub fn raw(&self) -> &Value {
        &self.raw
    }
}

/// What a rotation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct Rotation {
    /// Whether the new key was added (false when a previous run had added it).
    pub added: bool,
    /// Whether the new key had to be activated.
    pub activated: bool,
    /// Okta ids of the keys deactivated.
    pub deactivated: Vec<AppKeyId>,
    /// Okta ids of the keys deleted.
    pub deleted: Vec<AppKeyId>,
}

/// What a rotation does with the app's other keys once the new one has worked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Retire {
    /// Deactivate them and keep them (Okta refuses tokens signed with an inactive key; a key
    /// kept can be activated again if something still signs with it).
    Deactivate,
    /// Deactivate and delete them.
    Delete,
}

fn keys_path(app: &AppId) -> String {
    format!("/api/v1/apps/{app}/credentials/jwks")
}

fn key_from(v: &Value, endpoint: &str) -> Result<AppKey> {
    let id = v["id"]
        .as_str()
        .and_then(|s| AppKeyId::new(s).ok())
        .ok_or_else(|| Error::Unexpected {
            endpoint: endpoint.to_owned(),
            reason: "a key without an Okta id".into(),
            request_id: None,
            source: None,
        })?;
    Ok(AppKey {
        id,
        kid: v["kid"].as_str().map(|k| safe(k, 200)),
        active: v["status"].as_str() == Some("ACTIVE"),
        raw: v.clone(),
    })
}

pub(crate) fn list_app_keys(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
) -> Result<Vec<AppKey>> {
    let path = keys_path(app);
    let body = okta.call(cred, Method::GET, &path, None)?.body;
    let list = body
        .pointer("/jwks/keys")
        .or_else(|| body.get("keys"))
        .unwrap_or(&body);
    let list = list.as_array().ok_or_else(|| Error::Unexpected {
        endpoint: path.clone(),
        reason: "no list of keys".into(),
        request_id: None,
        source: None,
    })?;
    list.iter().map(|k| key_from(k, &path)).collect()
}

pub(crate) fn add_app_key(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    key: &PublicJwk,
    active: bool,
) -> Result<AppKey> {
    let existing = okta.list_app_keys(cred, app)?;
    let refuse = |reason| Err(Error::AppKeyRefused { reason });
    let Some(kid) = key.kid() else {
        return refuse("a key added to an app needs a kid");
    };
    if existing.len() >= MAX_APP_KEYS {
        return refuse("the app already has 50 keys, Okta's limit: delete an inactive one first");
    }
    if existing
        .iter()
        .any(|k| k.kid.as_deref() == Some(kid.as_str()))
    {
        return refuse("the app already has a key with this kid");
    }
    let mut body =
        serde_json::to_value(key.clone().with_use(okta_jwk::KeyUse::Sig)).map_err(|_| {
            Error::AppKeyRefused {
                reason: "the key does not serialise as JSON",
            }
        })?;
    body["status"] = Value::String(if active { "ACTIVE" } else { "INACTIVE" }.into());
    let path = keys_path(app);
    let check =
        "list the app's keys (GET /api/v1/apps/{id}/credentials/jwks) before adding it again";
    let r = okta.call_checked(cred, Method::POST, &path, Some(&body), check)?;
    made_but_unread(key_from(&r.body, &path), check)
}

pub(crate) fn set_app_key_active(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    key: &AppKeyId,
    active: bool,
) -> Result<AppKey> {
    let action = if active { "activate" } else { "deactivate" };
    let path = format!("{}/{key}/lifecycle/{action}", keys_path(app));
    let check = "list the app's keys to see their status";
    let r = okta.call_checked(cred, Method::POST, &path, None, check)?;
    made_but_unread(key_from(&r.body, &path), check)
}

pub(crate) fn delete_app_key(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    key: &AppKeyId,
) -> Result<()> {
    let path = format!("{}/{key}", keys_path(app));
    okta.call(cred, Method::DELETE, &path, None).map(|_| ())
}

pub(crate) fn rotate_app_key(
    okta: &Okta,
    admin: &dyn Credential,
    app_id: &AppId,
    new_key: Arc<KeyPair>,
    proof_scopes: &[Scope],
    dpop: DpopMode,
    retire: Retire,
) -> Result<Rotation> {
    let mut report = Rotation::default();
    let kid = new_key.kid().as_str().to_owned();
    let keys = okta.list_app_keys(admin, app_id)?;
    match keys.iter().find(|k| k.kid.as_deref() == Some(kid.as_str())) {
        None => {
            okta.add_app_key(admin, app_id, new_key.public_jwk(), true)?;
            report.added = true;
        }
        Some(k) if !k.active => {
            okta.set_app_key_active(admin, app_id, &k.id, true)?;
            report.activated = true;
        }
        Some(_) => {}
    }
    let client_id =
        okta_assertion::ClientId::new(app_id.as_str()).map_err(|source| Error::Claim {
            what: "the app id as a client id",
            source,
        })?;
    let creds = ServiceCredentials::new(client_id, new_key).dpop(dpop);
    okta.client_credentials(&creds, &TokenRequest::new(proof_scopes.to_vec()))?;
    for k in okta
        .list_app_keys(admin, app_id)?
        .into_iter()
        .filter(|k| k.kid.as_deref() != Some(kid.as_str()))
    {
        if k.active {
            okta.set_app_key_active(admin, app_id, &k.id, false)?;
            report.deactivated.push(k.id.clone());
        }
        if retire == Retire::Delete {
            okta.delete_app_key(admin, app_id, &k.id)?;
            report.deleted.push(k.id);
        }
    }
    Ok(report)
}
