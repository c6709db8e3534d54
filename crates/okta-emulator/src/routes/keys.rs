//! An app's signing keys: `/api/v1/apps/{id}/credentials/jwks` (Okta's Apps API, "Application JSON Web Keys").

use serde_json::{Value, json};

use crate::config::JwksListShape;
use crate::errors;
use crate::http::{Req, Resp};
use crate::org::{AppKey, Org};
use crate::routes::common::{APP_ADMINS, APP_READERS, auth, check_jwks, json_body, safe};

fn key_json(org: &Org, app: &str, k: &AppKey) -> Value {
    let mut v = k.to_json();
    let href = format!("{}/api/v1/apps/{app}/credentials/jwks/{}", org.base, k.id);
    v["_links"] = if k.active {
        json!({"self": {"href": href}, "deactivate": {"href": format!("{href}/lifecycle/deactivate"), "hints": {"allow": ["POST"]}}})
    } else {
        json!({"self": {"href": href}, "activate": {"href": format!("{href}/lifecycle/activate"), "hints": {"allow": ["POST"]}},
               "delete": {"href": href, "hints": {"allow": ["DELETE"]}}})
    };
    v
}

fn no_app(id: &str) -> Resp {
    errors::not_found(&format!("{} (AppInstance)", safe(id)))
}

fn no_key(kid: &str) -> Resp {
    errors::not_found(&format!("{} (JsonWebKey)", safe(kid)))
}

pub(crate) fn list(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.read", &APP_READERS));
    let Some(app) = org.app(id) else {
        return no_app(id);
    };
    let keys: Vec<Value> = app.keys.iter().map(|k| key_json(org, id, k)).collect();
    let body = match org.config.jwks_list_shape {
        JwksListShape::Wrapped => json!({"jwks": {"keys": keys}}),
        JwksListShape::Keys => json!({"keys": keys}),
        JwksListShape::Array => Value::Array(keys),
    };
    Resp::json(200, &body)
}

pub(crate) fn get(org: &Org, req: &Req, id: &str, kid: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.read", &APP_READERS));
    let Some(app) = org.app(id) else {
        return no_app(id);
    };
    match app.keys.iter().find(|k| k.id == kid) {
        Some(k) => Resp::json(200, &key_json(org, id, k)),
        None => no_key(kid),
    }
}

pub(crate) fn add(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let mut body = try_resp!(json_body(req));
    let status = body.remove("status");
    let active = match status.as_ref().and_then(Value::as_str) {
        None | Some("ACTIVE") => true,
        Some("INACTIVE") => false,
        Some(_) => {
            return errors::validation(
                "JsonWebKey",
                &["status: The value must be ACTIVE or INACTIVE.".to_owned()],
            );
        }
    };
    let existing = match org.app(id) {
        Some(app) => app.keys,
        None => return no_app(id),
    };
    let mut added = try_resp!(check_jwks(
        org,
        &json!({"keys": [Value::Object(body)]}),
        &existing
    ));
    let Some(mut key) = added.pop() else {
        return errors::malformed_body();
    };
    key.active = active;
    let mut state = org.state();
    let Some(app) = state.apps.get_mut(id) else {
        return no_app(id);
    };
    app.keys.push(key.clone());
    drop(state);
    Resp::json(201, &key_json(org, id, &key))
}

pub(crate) fn lifecycle(org: &Org, req: &Req, id: &str, kid: &str, action: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let activate = try_resp!(crate::routes::common::activation(action));
    let now = org.now();
    let mut state = org.state();
    let Some(app) = state.apps.get_mut(id) else {
        return no_app(id);
    };
    let only_active = app.keys.iter().filter(|k| k.active).count() == 1;
    let private_key_jwt = app.auth_method == "private_key_jwt";
    let Some(key) = app.keys.iter_mut().find(|k| k.id == kid) else {
        return no_key(kid);
    };
    if !activate && key.active && only_active && private_key_jwt {
        return errors::validation(
            "JsonWebKey",
            &["Can't deactivate the only active JSON Web Key when the value for `token_endpoint_auth_method` is `private_key_jwt`.".to_owned()],
        );
    }
    key.active = activate;
    key.updated = now;
    let key = key.clone();
    drop(state);
    Resp::json(200, &key_json(org, id, &key))
}

pub(crate) fn delete(org: &Org, req: &Req, id: &str, kid: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let mut state = org.state();
    let Some(app) = state.apps.get_mut(id) else {
        return no_app(id);
    };
    let Some(at) = app.keys.iter().position(|k| k.id == kid) else {
        return no_key(kid);
    };
    if app.keys[at].active {
        return errors::validation(
            "JsonWebKey",
            &[
                "You can't delete an active JSON Web key. Deactivate the key before deleting it."
                    .to_owned(),
            ],
        );
    }
    app.keys.remove(at);
    Resp::empty(204)
}
