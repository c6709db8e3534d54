//! What several routes share: who may administer and read apps, authentication with a scope
//! and the roles that allow a call, JSON bodies, the JWKS checks of Okta's app-key rules, and the
//! `lifecycle/activate|deactivate` action of apps, keys and secrets.

use serde_json::{Map, Value};

use crate::errors;
pub(crate) use crate::errors::safe;
use crate::http::{Req, Resp};
use crate::org::{AppKey, Org};
use crate::routes::resource::{Principal, authenticate, require};

pub(crate) const APP_ADMINS: [&str; 3] = ["SUPER_ADMIN", "ORG_ADMIN", "APP_ADMIN"];
/// Who may read apps, clients, grants, roles and keys: the app admins and the read-only admin
/// (Okta's standard-role reference: the read-only administrator can view apps).
pub(crate) const APP_READERS: [&str; 4] =
    ["SUPER_ADMIN", "ORG_ADMIN", "APP_ADMIN", "READ_ONLY_ADMIN"];

pub(crate) fn auth(org: &Org, req: &Req, scope: &str, roles: &[&str]) -> Result<Principal, Resp> {
    let p = authenticate(org, req, scope)?;
    require(org, req, &p, scope, roles)?;
    Ok(p)
}

pub(crate) fn json_body(req: &Req) -> Result<Map<String, Value>, Resp> {
    if req.content_type() != "application/json" {
        return Err(errors::bad_media_type());
    }
    // Okta stores only characters of up to three UTF-8 bytes (observed behaviour; bad-input case 52).
    if req.body.iter().any(|b| *b >= 0xF0) {
        return Err(errors::validation(
            "body",
            &["The request contains characters outside the Basic Multilingual Plane.".to_owned()],
        ));
    }
    match crate::jose::parse_json(&req.body) {
        Some(Value::Object(m)) => Ok(m),
        _ => Err(errors::malformed_body()),
    }
}

pub(crate) fn strings(v: Option<&Value>) -> Option<Vec<String>> {
    v?.as_array()?
        .iter()
        .map(|s| s.as_str().map(str::to_owned))
        .collect()
}

/// Checks a JWKS for registration (Okta's app-key rules); on success returns the keys to store.
pub(crate) fn check_jwks(
    org: &Org,
    jwks: &Value,
    existing: &[AppKey],
) -> Result<Vec<AppKey>, Resp> {
    let invalid = |cause: &str| errors::validation("JsonWebKey", &[cause.to_owned()]);
    let keys = jwks
        .get("keys")
        .and_then(Value::as_array)
        .ok_or_else(|| invalid("The 'jwks' must contain a 'keys' array."))?;
    if keys.len() + existing.len() > 50 {
        return Err(invalid(
            "You can't create a new key. You have reached the maximum number of keys allowed (50). To add another key, you must first delete an existing one.",
        ));
    }
    let mut out = Vec::new();
    let mut kids: Vec<Option<String>> = existing
        .iter()
        .map(|k| k.kid().map(str::to_owned))
        .collect();
    let now = org.now();
    for key in keys {
        let jwk = key
            .as_object()
            .ok_or_else(|| invalid("Each key in the 'jwks' must be a JSON object."))?;
        crate::jose::check_public_jwk(jwk).map_err(|c| invalid(&c))?;
        let kid = jwk.get("kid").and_then(Value::as_str).map(str::to_owned);
        kids.push(kid);
        let mut stored = Map::new();
        for m in ["kty", "alg", "kid", "use", "e", "n", "crv", "x", "y"] {
            if let Some(v) = jwk.get(m) {
                stored.insert(m.to_owned(), v.clone());
            }
        }
        out.push(AppKey {
            id: org.rng.okta_id("pks"),
            jwk: stored,
            active: true,
            created: now,
            updated: now,
        });
    }
    if kids.len() > 1 {
        if !existing.is_empty() && existing.iter().any(|k| k.kid().is_none()) {
            return Err(invalid(
                "Each key should have a unique kid when adding multiple keys. Use the Apps API to update the JWKS to add a kid for the existing key, or delete the existing key and re-add the key with a kid using the JWKS APIs.",
            ));
        }
        let named: Vec<&String> = kids.iter().flatten().collect();
        let unique: std::collections::HashSet<&&String> = named.iter().collect();
        if named.len() != kids.len() || unique.len() != named.len() {
            return Err(invalid("All keys in the 'jwks' must have a unique `kid`."));
        }
    }
    Ok(out)
}

/// For `Emulator::seed_service_app`: the same checks as the API applies.
pub(crate) fn check_jwks_for_seed(org: &Org, jwks: &Value) -> Result<Vec<AppKey>, Resp> {
    check_jwks(org, jwks, &[])
}

/// The `…/lifecycle/activate|deactivate` of an app, a key or a secret: whether it activates.
pub(crate) fn activation(action: &str) -> Result<bool, Resp> {
    match action {
        "activate" => Ok(true),
        "deactivate" => Ok(false),
        _ => Err(errors::not_found(&format!(
            "{} (PathNotFound)",
            safe(action)
        ))),
    }
}

/// A `Link` header value: `<org + path>; rel="rel"`.
pub(crate) fn link(org: &Org, path_and_query: &str, rel: &str) -> String {
    format!("<{}{path_and_query}>; rel=\"{rel}\"", org.base)
}

/// The link to this listing from another cursor, keeping every other parameter (`after`
/// first, as Okta writes its links).
pub(crate) fn page_link(org: &Org, req: &Req, cursor: Option<String>, rel: &str) -> String {
    let mut query = url::form_urlencoded::Serializer::new(String::new());
    if let Some(c) = &cursor {
        query.append_pair("after", c);
    }
    for (name, value) in req.query_pairs() {
        if name != "after" {
            query.append_pair(&name, &value);
        }
    }
    let query = query.finish();
    let sep = if query.is_empty() { "" } else { "?" };
    link(org, &format!("{}{sep}{query}", req.path), rel)
}

/// `Link: <…>; rel="self"` naming the resource or page just answered, as Okta sends on its
/// listings and, for roles and resource sets, on single resources too (recorded 2025).
pub(crate) fn self_link(org: &Org, req: &Req) -> String {
    page_link(org, req, req.query_param("after"), "self")
}
