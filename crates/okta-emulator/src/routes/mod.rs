//! Which handler serves which path, and the rate-limit bucket of each.

use crate::errors;
use crate::http::{Req, Resp};
use crate::org::Org;

/// Returns early with the response when a step fails.
macro_rules! try_resp {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(resp) => return resp,
        }
    };
}

mod api_tokens;
mod apps;
pub(crate) use apps::OKTA_SCOPES;
pub(crate) use common::check_jwks_for_seed as check_jwks;
mod assignments;
mod authorize;
mod common;
mod device;
mod discovery;
pub(crate) mod dpop;
mod groups;
mod iam;
mod keys;
pub(crate) mod resource;
mod secrets;
mod signin;
mod token;
mod user_roles;
mod users;
pub(crate) use users::{Writer, page_bytes};

/// A classified request path.
#[derive(Debug, Clone)]
pub(crate) struct Route {
    /// A stable name for the event log and fault rules (`token`, `users`, `grants`, …).
    pub(crate) name: &'static str,
    /// The rate-limit bucket.
    pub(crate) bucket: &'static str,
    pub(crate) segments: Vec<String>,
}

pub(crate) fn classify(path: &str) -> Route {
    // Segments are percent-decoded, as Okta does (a login `user7%40example.com` names
    // `user7@example.com`, as Okta's docs ask clients to encode it).
    let segments: Vec<String> = path
        .split('/')
        .filter(|s| !s.is_empty())
        .map(percent_decode)
        .collect();
    let s: Vec<&str> = segments.iter().map(String::as_str).collect();
    let (name, bucket) = match s.as_slice() {
        [".well-known", ..] | ["oauth2", _, ".well-known", ..] => ("discovery", "none"),
        ["oauth2", "v1", "keys"] | ["oauth2", _, "v1", "keys"] => ("keys", "none"),
        ["oauth2", "v1", "token"] | ["oauth2", _, "v1", "token"] => ("token", "oauth"),
        ["oauth2", "v1", "authorize"] | ["oauth2", _, "v1", "authorize"] => ("authorize", "oauth"),
        ["oauth2", "v1", "device", "authorize"] => ("device_authorize", "oauth"),
        ["login", "sign-in"] => ("sign_in", "oauth"),
        ["activate"] => ("activate", "oauth"),
        ["oauth2", "v1", "revoke"] | ["oauth2", _, "v1", "revoke"] => ("revoke", "oauth"),
        ["oauth2", "v1", "introspect"] | ["oauth2", _, "v1", "introspect"] => {
            ("introspect", "oauth")
        }
        ["oauth2", "v1", "clients", _, "roles", ..] => ("roles", "management"),
        ["oauth2", "v1", "clients", ..] => ("clients", "management"),
        ["api", "v1", "apps", _, "grants", ..] => ("grants", "management"),
        ["api", "v1", "apps", _, "credentials", "jwks", ..] => ("app_keys", "management"),
        ["api", "v1", "apps", _, "credentials", "secrets", ..] => ("app_secrets", "management"),
        ["api", "v1", "apps", _, "users", ..] => ("app_users", "management"),
        ["api", "v1", "apps", _, "groups", ..] => ("app_groups", "management"),
        ["api", "v1", "users", _, "roles", ..] => ("user_roles", "management"),
        ["api", "v1", "apps", ..] => ("apps", "management"),
        ["api", "v1", "users", ..] => ("users", "users"),
        ["api", "v1", "groups", ..] => ("groups", "management"),
        ["api", "v1", "iam", ..] => ("iam", "management"),
        ["api", "v1", "api-tokens", ..] => ("api_tokens", "management"),
        ["api", ..] => ("api", "management"),
        _ => ("other", "none"),
    };
    Route {
        name,
        bucket,
        segments,
    }
}

/// `%XX` sequences decoded (others kept as they are); bytes that are not UTF-8 become U+FFFD.
fn percent_decode(segment: &str) -> String {
    let bytes = segment.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (
            bytes[i],
            bytes.get(i + 1).copied().and_then(hex),
            bytes.get(i + 2).copied().and_then(hex),
        ) {
            (b'%', Some(h), Some(l)) => {
                // INVARIANT: two hex digits make a value below 256.
                out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

pub(crate) fn dispatch(org: &Org, req: &Req, route: &Route) -> Resp {
    let s: Vec<&str> = route.segments.iter().map(String::as_str).collect();
    let m = req.method.as_str();
    match (m, s.as_slice()) {
        ("GET", [".well-known", doc]) => discovery::document(org, doc, None),
        ("GET", [".well-known", "oauth-authorization-server", "oauth2", id]) => {
            discovery::document(org, "oauth-authorization-server", Some(id))
        }
        ("GET", ["oauth2", id, ".well-known", doc]) => discovery::document(org, doc, Some(id)),
        ("GET", ["oauth2", "v1", "keys"]) => discovery::keys(org),
        ("GET", ["oauth2", id, "v1", "keys"]) => {
            discovery::custom(id).unwrap_or_else(|| discovery::keys(org))
        }

        ("POST", ["oauth2", "v1", "token"]) => token::token(org, req, None),
        ("POST", ["oauth2", id, "v1", "token"]) => {
            discovery::custom(id).unwrap_or_else(|| token::token(org, req, Some(id)))
        }
        ("POST", ["oauth2", "v1", "revoke"]) => token::revoke(org, req),
        ("POST", ["oauth2", "v1", "introspect"]) => token::introspect(org, req),
        ("GET", ["oauth2", "v1", "authorize"]) => authorize::authorize(org, req),
        ("POST", ["login", "sign-in"]) => authorize::sign_in(org, req),
        ("POST", ["oauth2", "v1", "device", "authorize"]) => device::authorize(org, req),
        ("GET", ["activate"]) => device::activate_page(req),
        ("POST", ["activate"]) => device::activate(org, req),

        ("POST", ["oauth2", "v1", "clients"]) => apps::dcr_create(org, req),
        ("GET", ["oauth2", "v1", "clients"]) => apps::dcr_list(org, req),
        ("GET", ["oauth2", "v1", "clients", id]) => apps::dcr_get(org, req, id),
        ("DELETE", ["oauth2", "v1", "clients", id]) => apps::dcr_delete(org, req, id),
        ("POST", ["oauth2", "v1", "clients", id, "roles"]) => apps::role_assign(org, req, id),
        ("GET", ["oauth2", "v1", "clients", id, "roles"]) => apps::role_list(org, req, id),
        ("GET", ["oauth2", "v1", "clients", id, "roles", ra]) => apps::role_get(org, req, id, ra),
        ("DELETE", ["oauth2", "v1", "clients", id, "roles", ra]) => {
            apps::role_unassign(org, req, id, ra)
        }

        ("POST", ["api", "v1", "apps"]) => apps::app_create(org, req),
        ("GET", ["api", "v1", "apps"]) => apps::app_list(org, req),
        ("GET", ["api", "v1", "apps", id]) => apps::app_get(org, req, id),
        ("DELETE", ["api", "v1", "apps", id]) => apps::app_delete(org, req, id),
        ("POST", ["api", "v1", "apps", id, "lifecycle", action]) => {
            apps::app_lifecycle(org, req, id, action)
        }
        ("POST", ["api", "v1", "apps", id, "grants"]) => apps::grant_add(org, req, id),
        ("GET", ["api", "v1", "apps", id, "grants"]) => apps::grant_list(org, req, id),
        ("GET", ["api", "v1", "apps", id, "grants", gid]) => apps::grant_get(org, req, id, gid),
        ("DELETE", ["api", "v1", "apps", id, "grants", gid]) => {
            apps::grant_revoke(org, req, id, gid)
        }

        ("GET", ["api", "v1", "apps", id, "credentials", "jwks"]) => keys::list(org, req, id),
        ("POST", ["api", "v1", "apps", id, "credentials", "jwks"]) => keys::add(org, req, id),
        ("GET", ["api", "v1", "apps", id, "credentials", "jwks", kid]) => {
            keys::get(org, req, id, kid)
        }
        ("DELETE", ["api", "v1", "apps", id, "credentials", "jwks", kid]) => {
            keys::delete(org, req, id, kid)
        }
        (
            "POST",
            [
                "api",
                "v1",
                "apps",
                id,
                "credentials",
                "jwks",
                kid,
                "lifecycle",
                action,
            ],
        ) => keys::lifecycle(org, req, id, kid, action),

        ("PUT", ["api", "v1", "apps", id]) => apps::app_replace(org, req, id),
        ("GET", ["api", "v1", "apps", id, "credentials", "secrets"]) => secrets::list(org, req, id),
        ("POST", ["api", "v1", "apps", id, "credentials", "secrets"]) => {
            secrets::create(org, req, id)
        }
        ("GET", ["api", "v1", "apps", id, "credentials", "secrets", sid]) => {
            secrets::get(org, req, id, sid)
        }
        ("DELETE", ["api", "v1", "apps", id, "credentials", "secrets", sid]) => {
            secrets::delete(org, req, id, sid)
        }
        (
            "POST",
            [
                "api",
                "v1",
                "apps",
                id,
                "credentials",
                "secrets",
                sid,
                "lifecycle",
                action,
            ],
        ) => secrets::lifecycle(org, req, id, sid, action),

        ("GET", ["api", "v1", "apps", id, "users"]) => assignments::list_users(org, req, id),
        ("POST", ["api", "v1", "apps", id, "users"]) => assignments::assign_user(org, req, id),
        ("GET", ["api", "v1", "apps", id, "users", uid]) => {
            assignments::get_user(org, req, id, uid)
        }
        ("DELETE", ["api", "v1", "apps", id, "users", uid]) => {
            assignments::unassign_user(org, req, id, uid)
        }
        ("GET", ["api", "v1", "apps", id, "groups"]) => assignments::list_groups(org, req, id),
        ("GET", ["api", "v1", "apps", id, "groups", gid]) => {
            assignments::get_group(org, req, id, gid)
        }
        ("PUT", ["api", "v1", "apps", id, "groups", gid]) => {
            assignments::assign_group(org, req, id, gid)
        }
        ("DELETE", ["api", "v1", "apps", id, "groups", gid]) => {
            assignments::unassign_group(org, req, id, gid)
        }
        ("POST", ["api", "v1", "users", id, "roles"]) => user_roles::assign(org, req, id),
        ("GET", ["api", "v1", "users", id, "roles"]) => user_roles::list(org, req, id),
        ("GET", ["api", "v1", "users", id, "roles", ra]) => user_roles::get(org, req, id, ra),
        ("DELETE", ["api", "v1", "users", id, "roles", ra]) => {
            user_roles::unassign(org, req, id, ra)
        }

        ("GET", ["api", "v1", "users"]) => users::list(org, req),
        ("POST", ["api", "v1", "users"]) => users::create(org, req),
        ("GET", ["api", "v1", "users", id]) => users::get(org, req, id),
        ("POST", ["api", "v1", "users", id]) => users::update(org, req, id, false),
        ("PUT", ["api", "v1", "users", id]) => users::update(org, req, id, true),
        ("DELETE", ["api", "v1", "users", id]) => users::delete(org, req, id),
        ("POST", ["api", "v1", "users", id, "lifecycle", action]) => {
            users::lifecycle(org, req, id, action)
        }

        ("POST", ["api", "v1", "iam", "roles"]) => iam::role_create(org, req),
        ("GET", ["api", "v1", "iam", "roles"]) => iam::role_list(org, req),
        ("GET", ["api", "v1", "iam", "roles", key]) => iam::role_get(org, req, key),
        ("DELETE", ["api", "v1", "iam", "roles", key]) => iam::role_delete(org, req, key),
        ("POST", ["api", "v1", "iam", "resource-sets"]) => iam::set_create(org, req),
        ("GET", ["api", "v1", "iam", "resource-sets"]) => iam::set_list(org, req),
        ("GET", ["api", "v1", "iam", "resource-sets", key]) => iam::set_get(org, req, key),
        ("DELETE", ["api", "v1", "iam", "resource-sets", key]) => iam::set_delete(org, req, key),

        ("GET", ["api", "v1", "api-tokens"]) => api_tokens::list(org, req),
        ("GET", ["api", "v1", "api-tokens", id]) => api_tokens::get(org, req, id),
        ("DELETE", ["api", "v1", "api-tokens", id]) => api_tokens::revoke(org, req, id),

        ("GET", ["api", "v1", "groups"]) => groups::list(org, req),
        ("POST", ["api", "v1", "groups"]) => groups::create(org, req),
        ("GET", ["api", "v1", "groups", id]) => groups::get(org, req, id),
        ("PUT", ["api", "v1", "groups", id]) => groups::replace(org, req, id),
        ("DELETE", ["api", "v1", "groups", id]) => groups::delete(org, req, id),
        ("GET", ["api", "v1", "groups", id, "users"]) => groups::members(org, req, id),
        ("PUT", ["api", "v1", "groups", id, "users", uid]) => groups::add_member(org, req, id, uid),
        ("DELETE", ["api", "v1", "groups", id, "users", uid]) => {
            groups::remove_member(org, req, id, uid)
        }

        (_, _) if route.name != "other" && route.name != "api" => errors::method_not_allowed(),
        _ => {
            let path: String = req
                .path
                .chars()
                .filter(|c| c.is_ascii_graphic())
                .take(80)
                .collect();
            errors::not_found(&format!("{path} (PathNotFound)"))
        }
    }
}

/// Whether the query string carries anything that belongs in a form body (tests assert
/// no credentials ever arrived in a URL).
pub(crate) fn query_has_credentials(req: &Req) -> bool {
    const CREDENTIALS: [&str; 7] = [
        "client_assertion",
        "client_secret",
        "client_assertion_type",
        "code_verifier",
        "refresh_token",
        "password",
        "token",
    ];
    req.query_pairs()
        .iter()
        .any(|(n, _)| CREDENTIALS.contains(&n.as_str()))
}
