//! An app's client secrets (`/api/v1/apps/{appId}/credentials/secrets`): at most two, each
//! `ACTIVE` or `INACTIVE`; only an inactive one can be deleted, and the last active one cannot
//! be deactivated (the app could no longer sign in). The token endpoint accepts any active one.

use serde_json::{Value, json};

use crate::clock::iso;
use crate::errors;
use crate::http::{Req, Resp};
use crate::org::{App, ClientSecret, Org};
use crate::routes::common::{APP_ADMINS, APP_READERS, auth, json_body, safe};

/// Okta's limit of secrets per app.
const MAX_SECRETS: usize = 2;

fn app_not_found(id: &str) -> Resp {
    errors::not_found(&format!("{} (AppInstance)", safe(id)))
}

fn secret_not_found(id: &str) -> Resp {
    errors::not_found(&format!("{} (OAuth2ClientSecret)", safe(id)))
}

fn refused(cause: &str) -> Resp {
    errors::validation("client_secret", &[cause.to_owned()])
}

/// The secret as Okta shows it. `secret_hash` is the first 16 bytes of the secret's SHA-256,
/// base64url (Okta does not document its hash; the shape matches its examples).
fn secret_json(org: &Org, app: &App, s: &ClientSecret) -> Value {
    let digest = ring::digest::digest(&ring::digest::SHA256, s.secret.as_bytes());
    json!({
        "id": s.id,
        "status": if s.active { "ACTIVE" } else { "INACTIVE" },
        "client_secret": s.secret,
        "secret_hash": crate::jose::b64(&digest.as_ref()[..16]),
        "created": iso(s.created),
        "lastUpdated": iso(s.updated),
        "_links": {
            "activate": {"href": format!("{}/api/v1/apps/{}/credentials/secrets/{}/lifecycle/activate", org.base, app.id, s.id), "hints": {"allow": ["POST"]}},
            "deactivate": {"href": format!("{}/api/v1/apps/{}/credentials/secrets/{}/lifecycle/deactivate", org.base, app.id, s.id), "hints": {"allow": ["POST"]}},
            "delete": {"href": format!("{}/api/v1/apps/{}/credentials/secrets/{}", org.base, app.id, s.id), "hints": {"allow": ["DELETE"]}},
        },
    })
}

pub(crate) fn list(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.read", &APP_READERS));
    match org.app(id) {
        Some(app) => Resp::json(
            200,
            &Value::Array(
                app.secrets
                    .iter()
                    .map(|s| secret_json(org, &app, s))
                    .collect(),
            ),
        ),
        None => app_not_found(id),
    }
}

pub(crate) fn get(org: &Org, req: &Req, id: &str, sid: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.read", &APP_READERS));
    let Some(app) = org.app(id) else {
        return app_not_found(id);
    };
    match app.secrets.iter().find(|s| s.id == sid) {
        Some(s) => Resp::json(200, &secret_json(org, &app, s)),
        None => secret_not_found(sid),
    }
}

/// A new secret: the caller's own (`client_secret`, 14 to 100 printable characters) or a
/// generated one; `status` may ask for it inactive.
pub(crate) fn create(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let body = if req.body.is_empty() {
        serde_json::Map::new()
    } else {
        try_resp!(json_body(req))
    };
    let given = match body.get("client_secret") {
        None | Some(Value::Null) => None,
        Some(Value::String(s))
            if (14..=100).contains(&s.len()) && s.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            Some(s.clone())
        }
        Some(_) => {
            return refused(
                "client_secret: The secret must be 14 to 100 printable ASCII characters.",
            );
        }
    };
    let active = match body.get("status").and_then(Value::as_str) {
        None | Some("ACTIVE") => true,
        Some("INACTIVE") => false,
        Some(_) => return refused("status: The value must be ACTIVE or INACTIVE."),
    };
    let now = org.now();
    let mut state = org.state();
    let Some(app) = state.apps.get_mut(id) else {
        return app_not_found(id);
    };
    if !app.auth_method.starts_with("client_secret") {
        return refused("The app does not authenticate with a client secret.");
    }
    if app.secrets.len() >= MAX_SECRETS {
        return refused("You can have at most two client secrets. Delete one first.");
    }
    let secret = ClientSecret {
        id: org.rng.okta_id("ocs"),
        secret: given.unwrap_or_else(|| org.rng.base62(40)),
        active,
        created: now,
        updated: now,
    };
    app.secrets.push(secret.clone());
    let app = app.clone();
    // The contract declares 201 for this one creation.
    Resp::json(201, &secret_json(org, &app, &secret))
}

pub(crate) fn delete(org: &Org, req: &Req, id: &str, sid: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let mut state = org.state();
    let Some(app) = state.apps.get_mut(id) else {
        return app_not_found(id);
    };
    match app.secrets.iter().position(|s| s.id == sid) {
        Some(at) if app.secrets[at].active => {
            refused("Only an inactive client secret can be deleted. Deactivate it first.")
        }
        Some(at) => {
            app.secrets.remove(at);
            Resp::empty(204)
        }
        None => secret_not_found(sid),
    }
}

pub(crate) fn lifecycle(org: &Org, req: &Req, id: &str, sid: &str, action: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let active = try_resp!(crate::routes::common::activation(action));
    let now = org.now();
    let mut state = org.state();
    let Some(app) = state.apps.get_mut(id) else {
        return app_not_found(id);
    };
    let Some(at) = app.secrets.iter().position(|s| s.id == sid) else {
        return secret_not_found(sid);
    };
    let others_active = app
        .secrets
        .iter()
        .enumerate()
        .any(|(i, s)| i != at && s.active);
    if !active && app.secrets[at].active && !others_active {
        return refused("The last active client secret cannot be deactivated.");
    }
    if app.secrets[at].active != active {
        app.secrets[at].active = active;
        app.secrets[at].updated = now;
    }
    let app = app.clone();
    Resp::json(200, &secret_json(org, &app, &app.secrets[at]))
}
