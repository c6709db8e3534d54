//! Discovery documents and the org's token-signing keys (RFC 8414, OpenID Connect Discovery 1.0).

use serde_json::{Value, json};

use crate::errors;
use crate::http::Resp;
use crate::org::Org;

/// The one custom authorization server the emulator has: Okta's built-in `default`.
const CUSTOM: &str = "default";

/// `None` when `id` is the custom server; otherwise Okta's 404.
pub(crate) fn custom(id: &str) -> Option<Resp> {
    (id != CUSTOM).then(|| errors::not_found(&format!("{} (AuthorizationServer)", okta_safe(id))))
}

fn okta_safe(s: &str) -> String {
    s.chars()
        .filter(char::is_ascii_alphanumeric)
        .take(40)
        .collect()
}

/// `GET /.well-known/okta-organization`: what tools read to tell an Identity Engine org
/// (`"pipeline": "idx"`, which the emulator's org is) from a Classic one (`"v1"`).
fn organization(org: &Org) -> Resp {
    Resp::json(
        200,
        &json!({
            "id": crate::org::ORG_ID,
            "pipeline": "idx",
            "_links": {"organization": {"href": org.base}},
            "settings": {"analyticsCollectionEnabled": false, "bugReportingEnabled": true, "omEnabled": false}
        }),
    )
}

pub(crate) fn document(org: &Org, doc: &str, server: Option<&str>) -> Resp {
    if doc == "okta-organization" && server.is_none() {
        return organization(org);
    }
    if !matches!(doc, "openid-configuration" | "oauth-authorization-server") {
        return errors::not_found("(Resource)");
    }
    if let Some(id) = server
        && let Some(e) = custom(id)
    {
        return e;
    }
    let base = &org.base;
    let (issuer, v1) = match server {
        Some(id) => (
            format!("{base}/oauth2/{id}"),
            format!("{base}/oauth2/{id}/v1"),
        ),
        None => (base.clone(), format!("{base}/oauth2/v1")),
    };
    let algs = json!(crate::jose::ALGS);
    let mut d = json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{v1}/authorize"),
        "token_endpoint": format!("{v1}/token"),
        "userinfo_endpoint": format!("{v1}/userinfo"),
        "registration_endpoint": format!("{base}/oauth2/v1/clients"),
        "jwks_uri": format!("{v1}/keys"),
        "introspection_endpoint": format!("{v1}/introspect"),
        "revocation_endpoint": format!("{v1}/revoke"),
        "end_session_endpoint": format!("{v1}/logout"),
        "response_types_supported": ["code"],
        "response_modes_supported": ["query", "fragment", "form_post", "okta_post_message"],
        "grant_types_supported": ["authorization_code", "refresh_token", "client_credentials", "urn:ietf:params:oauth:grant-type:device_code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "profile", "email", "offline_access", "okta.users.read", "okta.users.manage"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "introspection_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "revocation_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post", "private_key_jwt", "none"],
        "claims_supported": ["iss", "sub", "aud", "iat", "exp", "nonce", "auth_time", "email", "name"],
        "code_challenge_methods_supported": ["S256"],
        "request_parameter_supported": true,
        "frontchannel_logout_supported": true,
        "frontchannel_logout_session_supported": true,
        "request_object_signing_alg_values_supported": algs.clone(),
        "dpop_signing_alg_values_supported": algs,
    });
    if let Value::Object(m) = &mut d {
        if doc == "oauth-authorization-server" {
            m.remove("userinfo_endpoint");
        }
        // The device grant is served by the org authorization server.
        if server.is_none() {
            m.insert(
                "device_authorization_endpoint".to_owned(),
                json!(format!("{v1}/device/authorize")),
            );
        }
    }
    Resp::json(200, &d)
}

pub(crate) fn keys(org: &Org) -> Resp {
    let keys: Vec<Value> = {
        let signing = org
            .signing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        signing
            .iter()
            .rev()
            .map(|k| Value::Object(k.public.clone()))
            .collect()
    };
    Resp::json(200, &json!({"keys": keys}))
        .with_header("Cache-Control", "max-age=3600, must-revalidate")
}
