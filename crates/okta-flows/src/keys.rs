//! An app's signing keys (`/api/v1/apps/{id}/credentials/jwks`) and a guided rotation that can
//! be resumed after an interruption at any step without leaving the app without an active key.

use std::sync::Arc;

use okta_jwk::{KeyPair, PublicJwk};
use serde_json::Value;

use crate::api::Credential;
use crate::client::Okta;
use crate::error::{Error, Result, safe};
use crate::tokens::{DpopMode, ServiceCredentials, TokenRequest};

/// Okta allows at most 50 keys per app.
pub const MAX_APP_KEYS: usize = 50;

/// One of an app's keys.
#[derive(Debug, Clone, PartialEq)]
pub struct AppKey {
    /// Okta's key id (`pks…`), used in the key URLs. Not the JWK `kid`.
    pub id: String,
    /// The JWK `kid`.
    pub kid: Option<String>,
    /// Whether it is `ACTIVE`.
    pub active: bool,
    /// The key as Okta holds it.
    pub raw: Value,
}

/// What a rotation did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Rotation {
    /// Whether the new key was added (false when a previous run had added it).
    pub added: bool,
    /// Whether the new key had to be activated.
    pub activated: bool,
    /// Okta ids of the keys deactivated.
    pub deactivated: Vec<String>,
    /// Okta ids of the keys deleted.
    pub deleted: Vec<String>,
}

fn keys_path(app_id: &str) -> Result<String> {
    if app_id.is_empty() || !app_id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(Error::Config("an app id has only letters and digits"));
    }
    Ok(format!("/api/v1/apps/{app_id}/credentials/jwks"))
}

fn key_from(v: &Value, endpoint: &str) -> Result<AppKey> {
    let id = v["id"]
        .as_str()
        .map(|s| safe(s, 64))
        .ok_or_else(|| Error::Unexpected {
            endpoint: endpoint.to_owned(),
            reason: "a key without an id".into(),
            request_id: None,
        })?;
    Ok(AppKey {
        id,
        kid: v["kid"].as_str().map(str::to_owned),
        active: v["status"].as_str() == Some("ACTIVE"),
        raw: v.clone(),
    })
}

impl Okta {
    /// The app's keys. Accepts each list shape Okta is known to send: `{"jwks":{"keys":[…]}}`,
    /// `{"keys":[…]}` and `[…]` (okta-behaviour.md §A.4).
    pub fn list_app_keys(&self, cred: Credential<'_>, app_id: &str) -> Result<Vec<AppKey>> {
        let path = keys_path(app_id)?;
        let body = self.call(cred, "GET", &path, None)?.body;
        let list = body
            .pointer("/jwks/keys")
            .or_else(|| body.get("keys"))
            .unwrap_or(&body);
        let list = list.as_array().ok_or_else(|| Error::Unexpected {
            endpoint: path.clone(),
            reason: "no list of keys".into(),
            request_id: None,
        })?;
        list.iter().map(|k| key_from(k, &path)).collect()
    }

    /// Adds a key, checking Okta's rules first: at most 50 keys, a `kid`, and no `kid` twice.
    pub fn add_app_key(
        &self,
        cred: Credential<'_>,
        app_id: &str,
        key: &PublicJwk,
        active: bool,
    ) -> Result<AppKey> {
        let existing = self.list_app_keys(cred, app_id)?;
        let Some(kid) = key.kid() else {
            return Err(Error::Config("a key added to an app needs a kid"));
        };
        if existing.len() >= MAX_APP_KEYS {
            return Err(Error::Config(
                "the app already has 50 keys, Okta's limit: delete an inactive one first",
            ));
        }
        if existing
            .iter()
            .any(|k| k.kid.as_deref() == Some(kid.as_str()))
        {
            return Err(Error::Config("the app already has a key with this kid"));
        }
        let mut body = serde_json::to_value(key.clone().with_use(okta_jwk::KeyUse::Sig))
            .map_err(|_| Error::Config("key JSON"))?;
        body["status"] = Value::String(if active { "ACTIVE" } else { "INACTIVE" }.into());
        let path = keys_path(app_id)?;
        let r = self.call_checked(
            cred,
            "POST",
            &path,
            Some(&body),
            "list the app's keys (GET /api/v1/apps/{id}/credentials/jwks) before adding it again",
        )?;
        key_from(&r.body, &path)
    }

    /// Activates or deactivates a key (Okta refuses to deactivate the last active key of a
    /// `private_key_jwt` app).
    pub fn set_app_key_active(
        &self,
        cred: Credential<'_>,
        app_id: &str,
        key_id: &str,
        active: bool,
    ) -> Result<AppKey> {
        let action = if active { "activate" } else { "deactivate" };
        let path = format!(
            "{}/{}/lifecycle/{action}",
            keys_path(app_id)?,
            key_segment(key_id)?
        );
        let r = self.call_checked(
            cred,
            "POST",
            &path,
            None,
            "list the app's keys to see their status",
        )?;
        key_from(&r.body, &path)
    }

    /// Deletes an inactive key.
    pub fn delete_app_key(&self, cred: Credential<'_>, app_id: &str, key_id: &str) -> Result<()> {
        let path = format!("{}/{}", keys_path(app_id)?, key_segment(key_id)?);
        self.call(cred, "DELETE", &path, None).map(|_| ())
    }

    /// Rotates the app to `new_key`: add it (active), prove a token can be had with it, then
    /// deactivate and delete every other key. Each step looks at the app's keys first, so after
    /// an interruption anywhere the same call finishes the job; the old keys are only touched
    /// after the new one has worked, so the app always has an active key that signs.
    pub fn rotate_app_key(
        &self,
        admin: Credential<'_>,
        app_id: &str,
        new_key: Arc<KeyPair>,
        proof_scopes: &[&str],
        dpop: DpopMode,
    ) -> Result<Rotation> {
        let mut report = Rotation::default();
        let kid = new_key.kid().as_str().to_owned();
        let keys = self.list_app_keys(admin, app_id)?;
        match keys.iter().find(|k| k.kid.as_deref() == Some(kid.as_str())) {
            None => {
                self.add_app_key(admin, app_id, new_key.public_jwk(), true)?;
                report.added = true;
            }
            Some(k) if !k.active => {
                self.set_app_key_active(admin, app_id, &k.id, true)?;
                report.activated = true;
            }
            Some(_) => {}
        }
        let creds =
            ServiceCredentials::new(okta_assertion::ClientId::new(app_id)?, new_key).dpop(dpop);
        self.client_credentials(&creds, &TokenRequest::scopes(proof_scopes))?;
        for k in self
            .list_app_keys(admin, app_id)?
            .into_iter()
            .filter(|k| k.kid.as_deref() != Some(kid.as_str()))
        {
            if k.active {
                self.set_app_key_active(admin, app_id, &k.id, false)?;
                report.deactivated.push(k.id.clone());
            }
            self.delete_app_key(admin, app_id, &k.id)?;
            report.deleted.push(k.id);
        }
        Ok(report)
    }
}

fn key_segment(id: &str) -> Result<&str> {
    if !id.is_empty() && id.len() <= 64 && id.bytes().all(|b| b.is_ascii_alphanumeric()) {
        Ok(id)
    } else {
        Err(Error::Config("an Okta key id has only letters and digits"))
    }
}
