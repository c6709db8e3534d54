//! Service apps: registered (Dynamic Client Registration) or created (the Apps API), read,
//! listed, deactivated, deleted. POSTs are never retried blindly.

use okta_assertion::ClientId;
use okta_jwk::Jwks;
use serde_json::{Value, json};

use crate::admin::model::RegisteredApp;
use crate::admin::read::{take_secret, typed};
use crate::code::ErrorCode;
use crate::error::Result;
use crate::http::auth::Credential;
use crate::http::call::made_but_unread;
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::planned::Request;
use crate::ids::{AppId, DpopBinding};

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
    let request = create_app_request(service_app_body(name, jwks, dpop));
    let r = okta.send_request(cred, &request)?;
    made_but_unread(okta.app_from(r.body), request.check())
}

/// `POST /api/v1/apps` with an app's JSON.
pub(crate) fn create_app_request(body: Value) -> Request {
    Request::post(
        "/api/v1/apps".to_owned(),
        body,
        "list the apps (GET /api/v1/apps) before creating again",
    )
}

/// `GET /api/v1/apps/{app}`.
pub(crate) fn get_app_request(app: &dyn std::fmt::Display) -> Request {
    Request::get(format!("/api/v1/apps/{app}"))
}

pub(crate) fn get_app(okta: &Okta, cred: &dyn Credential, id: &AppId) -> Result<RegisteredApp> {
    okta.app_from(okta.send_request(cred, &get_app_request(id))?.body)
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
