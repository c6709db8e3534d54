//! `/api/v1/api-tokens`: the org's SSWS API tokens, as Okta's API Tokens API lists them (an
//! admin sees what is left to move to OAuth). The org has one: its admin token, owned by the
//! org's first admin. Revoking it (by id, or `current` with it) makes it fail from then on, as a
//! revoked token does at Okta (401 E0000011); the revocation is not kept across restarts.

use serde_json::{Value, json};

use crate::clock::iso;
use crate::errors;
use crate::http::{Req, Resp};
use crate::org::Org;
use crate::routes::common::{auth, safe, self_link};
use crate::users;

/// Who may read the org's API tokens, and who may revoke them.
const READERS: [&str; 3] = ["SUPER_ADMIN", "ORG_ADMIN", "READ_ONLY_ADMIN"];
const REVOKERS: [&str; 1] = ["SUPER_ADMIN"];

/// How long an unused token lives (Okta's default token window).
const WINDOW_DAYS: u64 = 30;

/// The admin token's id: `00T` and 17 characters derived from the token, so it stays the same
/// across restarts of an org with a state file.
pub(crate) fn admin_token_id(org: &Org) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, org.admin_token.as_bytes());
    format!("00T{}", crate::clock::base62_of(&digest.as_ref()[..17]))
}

/// The admin token as Okta describes an API token (the members of Okta's 2025 recordings).
fn token_json(org: &Org) -> Value {
    let id = admin_token_id(org);
    let owner = users::id(org, 0);
    let (created, used) = {
        let state = org.state();
        (
            state.started,
            state.admin_token_used.unwrap_or(state.started),
        )
    };
    json!({
        "id": id,
        "name": "okta-emulator admin token",
        "userId": owner,
        "clientName": "Okta API",
        "tokenWindow": format!("P{WINDOW_DAYS}D"),
        "network": {"connection": "ANYWHERE"},
        "expiresAt": iso(used + WINDOW_DAYS * 86_400),
        "created": iso(created),
        "lastUpdated": iso(used),
        "_links": {
            "self": {"href": format!("{}/api/v1/api-tokens/{id}", org.base), "hints": {"allow": ["GET", "DELETE"]}},
            "user": {"href": format!("{}/api/v1/users/{owner}", org.base), "hints": {"allow": ["GET"]}}
        }
    })
}

fn not_found(id: &str) -> Resp {
    errors::not_found(&format!("{} (Token)", safe(id)))
}

/// `GET /api/v1/api-tokens`.
pub(crate) fn list(org: &Org, req: &Req) -> Resp {
    try_resp!(auth(org, req, "okta.apiTokens.read", &READERS));
    let tokens: Vec<Value> = if org.state().admin_token_revoked {
        Vec::new()
    } else {
        vec![token_json(org)]
    };
    Resp::json(200, &Value::Array(tokens)).with_header("link", self_link(org, req))
}

/// `GET /api/v1/api-tokens/{id}`.
pub(crate) fn get(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apiTokens.read", &READERS));
    if id != admin_token_id(org) || org.state().admin_token_revoked {
        return not_found(id);
    }
    Resp::json(200, &token_json(org))
}

/// `DELETE /api/v1/api-tokens/{id}`, and `DELETE /api/v1/api-tokens/current` with the token
/// itself.
pub(crate) fn revoke(org: &Org, req: &Req, id: &str) -> Resp {
    if id == "current" {
        // Only the token itself can revoke itself this way (an OAuth token has no "current").
        let principal = try_resp!(crate::routes::resource::authenticate(org, req, ""));
        if !matches!(principal, crate::routes::resource::Principal::Admin) {
            return errors::no_permission();
        }
    } else {
        try_resp!(auth(org, req, "okta.apiTokens.manage", &REVOKERS));
        if id != admin_token_id(org) {
            return not_found(id);
        }
    }
    let mut state = org.state();
    if state.admin_token_revoked && id != "current" {
        return not_found(id);
    }
    state.admin_token_revoked = true;
    Resp::empty(204)
}
