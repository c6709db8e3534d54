//! Authentication at `/api/v1` (SSWS, Bearer, DPoP), the scope and role check, and admin-role
//! JSON.

use serde_json::{Map, Value, json};

use crate::errors;
use crate::errors::safe;
use crate::http::{Req, Resp};
use crate::org::{CustomBinding, CustomRole, Issued, Org, ResourceSet, State, same_secret};
use crate::routes::dpop;

/// Who is calling.
#[derive(Debug, Clone)]
pub(crate) enum Principal {
    /// An SSWS API token: a super admin.
    Admin,
    /// An OAuth access token.
    Token {
        issued: Issued,
        scheme: &'static str,
    },
}

/// `WWW-Authenticate` as Okta writes it at `/api/v1` (note the `http://` realm, as observed).
fn challenge(
    org: &Org,
    req: &Req,
    scheme: &str,
    scope: &str,
    error: &str,
    description: &str,
) -> String {
    let host = org
        .base
        .trim_start_matches("https://")
        .trim_start_matches("http://");
    let algs = if scheme == "DPoP" {
        format!("algs=\"{}\", ", errors::ALGS_LIST)
    } else {
        String::new()
    };
    format!(
        "{scheme} {algs}authorization_uri=\"http://{host}/oauth2/v1/authorize\", realm=\"http://{host}\", scope=\"{scope}\", error=\"{error}\", error_description=\"{description}\", resource=\"{}\"",
        req.path
    )
}

fn oauth_challenge(
    org: &Org,
    req: &Req,
    status: u16,
    scheme: &str,
    scope: &str,
    error: &str,
    description: &str,
) -> Resp {
    Resp::empty(status)
        .with_header(
            "WWW-Authenticate",
            challenge(org, req, scheme, scope, error, description),
        )
        .outcome(error)
}

/// Authenticates a management or resource request.
pub(crate) fn authenticate(org: &Org, req: &Req, scope: &str) -> Result<Principal, Resp> {
    if req.query_pairs().iter().any(|(n, _)| n == "access_token") {
        return Err(errors::oauth(
            400,
            "invalid_request",
            "The access token cannot be presented in a query string.",
        ));
    }
    let values = req.all("authorization");
    let Some(value) = values.first().filter(|_| values.len() == 1) else {
        return Err(errors::invalid_token());
    };
    let (scheme, credential) = value.split_once(' ').unwrap_or((value, ""));
    // `SSWS<token>` with no space, as Okta's Python SDK sends it in SSWS mode: accepted unless
    // the org is set to refuse it (whether Okta accepts it is not documented).
    let (scheme, credential) = match value.strip_prefix("SSWS") {
        Some(rest) if scheme != "SSWS" && org.config.ssws_without_space && !rest.is_empty() => {
            ("SSWS", rest)
        }
        _ => (scheme, credential),
    };
    let credential = credential.trim();
    match scheme {
        "SSWS" if same_secret(credential, &org.admin_token) => {
            let mut state = org.state();
            if state.admin_token_revoked {
                return Err(errors::invalid_token());
            }
            state.admin_token_used = Some(org.now());
            Ok(Principal::Admin)
        }
        "SSWS" => Err(errors::invalid_token()),
        "Bearer" | "DPoP" => {
            let scheme = if scheme == "DPoP" { "DPoP" } else { "Bearer" };
            let issued = lookup_access_token(org, credential).map_err(|description| {
                oauth_challenge(org, req, 401, scheme, scope, "invalid_token", description)
            })?;
            match (&issued.jkt, scheme) {
                (Some(_), "Bearer") => {
                    return Err(errors::oauth(
                        400,
                        "invalid_request",
                        "The resource request must use the DPoP authentication scheme when using a DPoP bound token.",
                    ));
                }
                (None, "DPoP") => {
                    return Err(oauth_challenge(
                        org,
                        req,
                        401,
                        "DPoP",
                        scope,
                        "invalid_token",
                        "The presented access_token is not DPoP bound.",
                    ));
                }
                (Some(jkt), _) => {
                    if req.all("dpop").is_empty() {
                        return Err(errors::oauth(
                            400,
                            "invalid_request",
                            "The resource request requires a DPoP proof.",
                        ));
                    }
                    let expect = dpop::Expect {
                        nonce_required: false,
                        token: Some((credential, jkt)),
                    };
                    if let Err(r) = dpop::check(org, req, &expect) {
                        return Err(oauth_challenge(
                            org,
                            req,
                            400,
                            "DPoP",
                            scope,
                            r.error,
                            r.description,
                        ));
                    }
                }
                (None, _) => {}
            }
            Ok(Principal::Token { issued, scheme })
        }
        _ => Err(errors::invalid_token()),
    }
}

/// Finds a live access token the org issued; `Err` is Okta's `invalid_token` description.
fn lookup_access_token(org: &Org, token: &str) -> Result<Issued, &'static str> {
    let jwt = crate::jose::parse_compact(token).ok_or("The token is invalid.")?;
    let kid = jwt
        .header
        .get("kid")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let valid = {
        let keys = org
            .signing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        keys.iter().any(|k| {
            k.kid == kid
                && crate::jose::verify(&k.public, "RS256", jwt.signing_input, &jwt.signature)
        })
    };
    if !valid {
        return Err("The token is invalid.");
    }
    if jwt.claims.get("aud").and_then(Value::as_str) != Some(org.base.as_str()) {
        return Err("The access token provided is not intended for Okta.");
    }
    let jti = jwt
        .claims
        .get("jti")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let issued = org
        .state()
        .tokens
        .get(jti)
        .cloned()
        .ok_or("The token is invalid.")?;
    if issued.revoked {
        return Err("The access token has been revoked.");
    }
    if org.now() >= issued.exp {
        return Err("The token has expired.");
    }
    Ok(issued)
}

/// Checks a scope (`manage` implies `read`) and the admin permission behind it.
pub(crate) fn require(
    org: &Org,
    req: &Req,
    principal: &Principal,
    scope: &str,
    roles: &[&str],
) -> Result<(), Resp> {
    let Principal::Token { issued, scheme } = principal else {
        return Ok(());
    };
    // The scopes Okta's contract gives this operation (all of them), else the route's own.
    let needed = contract_scopes(&req.method, &req.path)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| vec![scope]);
    for need in needed {
        let manage = need.replace(".read", ".manage");
        if !issued.scopes.iter().any(|s| s == need || *s == manage) {
            return Err(oauth_challenge(
                org,
                req,
                403,
                scheme,
                need,
                "insufficient_scope",
                "The access token provided does not contain the required scopes.",
            ));
        }
    }
    let needed_scopes: Vec<&str> = contract_scopes(&req.method, &req.path)
        .filter(|s| !s.is_empty())
        .unwrap_or_else(|| vec![scope]);
    let held: Vec<crate::org::Role> = match issued.user {
        Some(user) => org
            .state()
            .user_roles
            .get(&user)
            .cloned()
            .unwrap_or_default(),
        None => org
            .app(&issued.client_id)
            .map(|app| app.roles)
            .unwrap_or_default(),
    };
    let standard = match issued.user {
        Some(user) => holds(org, user, roles),
        None => held.iter().any(|r| roles.contains(&r.kind.as_str())),
    };
    // A custom role allows what its permissions and resource set cover.
    let allowed = standard
        || held
            .iter()
            .filter_map(|r| r.custom.as_ref())
            .any(|binding| allows(org, binding, &needed_scopes, req));
    if allowed {
        Ok(())
    } else {
        Err(errors::no_permission())
    }
}

/// Whether user `user` holds one of `roles` (the org's first user is its super admin, who may
/// do anything).
pub(crate) fn holds(org: &Org, user: usize, roles: &[&str]) -> bool {
    crate::users::is_admin(org, user)
        || org
            .state()
            .user_roles
            .get(&user)
            .is_some_and(|held| held.iter().any(|r| roles.contains(&r.kind.as_str())))
}

/// The JSON of an admin-role assignment.
pub(crate) fn role_json(org: &Org, app: &str, id: &str, kind: &str, created: u64) -> Value {
    json!({
        "id": id, "label": role_label(kind), "type": kind, "status": "ACTIVE",
        "created": crate::clock::iso(created), "lastUpdated": crate::clock::iso(created),
        "assignmentType": "CLIENT",
        "_links": {"assignee": {"href": format!("{}/oauth2/v1/clients/{app}", org.base)}}
    })
}

/// The admin roles Okta has, with their labels.
pub(crate) fn role_label(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "SUPER_ADMIN" => "Super Administrator",
        "ORG_ADMIN" => "Organizational Administrator",
        "APP_ADMIN" => "Application Administrator",
        "USER_ADMIN" => "Group Administrator",
        "HELP_DESK_ADMIN" => "Help Desk Administrator",
        "READ_ONLY_ADMIN" => "Read Only Administrator",
        "MOBILE_ADMIN" => "Mobile Administrator",
        "API_ACCESS_MANAGEMENT_ADMIN" => "API Access Management Administrator",
        "REPORT_ADMIN" => "Report Administrator",
        "GROUP_MEMBERSHIP_ADMIN" => "Group Membership Administrator",
        _ => return None,
    })
}

pub(crate) fn find_role<'a>(state: &'a State, key: &str) -> Option<&'a CustomRole> {
    state.custom_roles.get(key).or_else(|| {
        state
            .custom_roles
            .values()
            .find(|r| r.label.eq_ignore_ascii_case(key))
    })
}

pub(crate) fn find_set<'a>(state: &'a State, key: &str) -> Option<&'a ResourceSet> {
    state.resource_sets.get(key).or_else(|| {
        state
            .resource_sets
            .values()
            .find(|r| r.label.eq_ignore_ascii_case(key))
    })
}

/// A required text member of an assignment body.
fn member(body: &Map<String, Value>, name: &str) -> Result<String, Resp> {
    body.get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            errors::validation(name, &[format!("{name}: The field cannot be left blank.")])
        })
}

/// The type and custom binding an assignment body names: a standard role's `type`, or
/// `{"type": "CUSTOM", "role": id or label, "resource-set": id or label}` (both must exist).
pub(crate) fn assignment_of(
    org: &Org,
    body: &Map<String, Value>,
) -> Result<(String, Option<CustomBinding>), Resp> {
    let kind = body
        .get("type")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    if kind != "CUSTOM" {
        if role_label(&kind).is_none() {
            return Err(errors::validation(
                "type",
                &["type: The role type is not valid.".to_owned()],
            ));
        }
        return Ok((kind, None));
    }
    let role = member(body, "role")?;
    let set = member(body, "resource-set")?;
    let state = org.state();
    let role = find_role(&state, &role)
        .map(|r| r.id.clone())
        .ok_or_else(|| errors::not_found(&format!("{} (Role)", safe(&role))))?;
    let resource_set = find_set(&state, &set)
        .map(|r| r.id.clone())
        .ok_or_else(|| errors::not_found(&format!("{} (ResourceSet)", safe(&set))))?;
    Ok((kind, Some(CustomBinding { role, resource_set })))
}

/// The members `"role"`, `"resource-set"` and `label` of a custom assignment's JSON.
pub(crate) fn describe(org: &Org, binding: &CustomBinding, v: &mut Value) {
    let state = org.state();
    v["role"] = json!(binding.role);
    v["resource-set"] = json!(binding.resource_set);
    v["label"] = json!(
        state
            .custom_roles
            .get(&binding.role)
            .map(|r| r.label.clone())
    );
}

/// Whether a custom assignment allows this call: the role holds the permission the operation
/// needs ([`permission_for`]; a `manage` permission includes its `read`, and group `manage`
/// includes `members.manage`, as Okta's permissions catalog says), and the resource set
/// holds the resource. A resource covers itself and what is under it; a group's users
/// (`/api/v1/groups/{id}/users`) also cover each member (`/api/v1/users/{userId}`), but not
/// the list of every user.
pub(crate) fn allows(org: &Org, binding: &CustomBinding, needed: &[&str], req: &Req) -> bool {
    let state = org.state();
    let (Some(role), Some(set)) = (
        state.custom_roles.get(&binding.role),
        state.resource_sets.get(&binding.resource_set),
    ) else {
        return false;
    };
    let permitted = needed.iter().all(|scope| {
        let Some(need) = permission_for(scope, &req.method, &req.path) else {
            return false;
        };
        role.permissions.iter().any(|held| includes(held, need))
    });
    if !permitted {
        return false;
    }
    let path = req.path.trim_end_matches('/');
    set.resources.iter().any(|r| {
        let Some(r) = orn_path(r) else {
            return false;
        };
        let r = r.as_str();
        if path == r || path.starts_with(&format!("{r}/")) {
            return true;
        }
        // A group's users: each of its members.
        let Some(group) = r
            .strip_prefix("/api/v1/groups/")
            .and_then(|g| g.strip_suffix("/users"))
        else {
            return false;
        };
        let Some(user) = path
            .strip_prefix("/api/v1/users/")
            .and_then(|u| u.split('/').next())
        else {
            return false;
        };
        let group = state.groups.get(group);
        let everyone = group.is_some_and(|g| g.id == crate::org::EVERYONE);
        crate::users::find_in(org, &state, user)
            .is_some_and(|i| everyone || group.is_some_and(|g| g.members.contains(&i)))
    })
}

/// The admin permission a custom role needs for a call that a token's `scope` allows (Okta's
/// permissions catalog: `okta.users.create` to create a user, `okta.groups.create` to create a
/// group, `okta.groups.members.manage` for a group's members, `okta.authzServers.*` for
/// authorization servers, `okta.X.read` and `okta.X.manage` otherwise). `None` for a scope no
/// custom-role permission serves.
pub(crate) fn permission_for(scope: &str, method: &str, path: &str) -> Option<&'static str> {
    let read = method.eq_ignore_ascii_case("GET");
    let segments: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    Some(match (scope, segments.as_slice()) {
        ("okta.users.read" | "okta.users.manage", _) if read => "okta.users.read",
        ("okta.users.manage", ["api", "v1", "users"]) => "okta.users.create",
        ("okta.users.manage", _) => "okta.users.manage",
        ("okta.groups.read" | "okta.groups.manage", _) if read => "okta.groups.read",
        ("okta.groups.manage", ["api", "v1", "groups"]) => "okta.groups.create",
        ("okta.groups.manage", ["api", "v1", "groups", _, "users", _]) => {
            "okta.groups.members.manage"
        }
        ("okta.groups.manage", _) => "okta.groups.manage",
        ("okta.apps.read" | "okta.apps.manage", _) if read => "okta.apps.read",
        ("okta.apps.manage", _) => "okta.apps.manage",
        ("okta.authorizationServers.read" | "okta.authorizationServers.manage", _) if read => {
            "okta.authzServers.read"
        }
        ("okta.authorizationServers.manage", _) => "okta.authzServers.manage",
        _ => return None,
    })
}

/// Whether holding the permission `held` grants `need`: the same one, the `manage` of a `read`,
/// or group `manage` for group members.
fn includes(held: &str, need: &str) -> bool {
    held == need
        || need
            .strip_suffix(".read")
            .is_some_and(|base| held.strip_suffix(".manage") == Some(base))
        || (held == "okta.groups.manage" && need == "okta.groups.members.manage")
}

/// The scopes Okta's contract gives the operation `method path` (from the emulator's own copy
/// of the generated catalog), or `None` when the contract does not have it. A literal segment
/// beats a `{…}` one.
pub(crate) fn contract_scopes(method: &str, path: &str) -> Option<Vec<&'static str>> {
    let asked: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let mut best: Option<(usize, &'static [u8])> = None;
    for (m, template, scopes) in crate::catalog::OPERATIONS.iter() {
        if !m.eq_ignore_ascii_case(method) {
            continue;
        }
        let parts: Vec<&str> = template.split('/').filter(|s| !s.is_empty()).collect();
        if parts.len() != asked.len() {
            continue;
        }
        let mut literal = 0;
        let mut fits = true;
        for (t, a) in parts.iter().zip(&asked) {
            if t.starts_with('{') {
                continue;
            }
            if t != a {
                fits = false;
                break;
            }
            literal += 1;
        }
        if fits && best.is_none_or(|(l, _)| literal > l) {
            best = Some((literal, scopes));
        }
    }
    best.map(|(_, scopes)| {
        scopes
            .iter()
            .filter_map(|i| crate::catalog::SCOPES.get(usize::from(*i)).copied())
            .collect()
    })
}

/// The API path a resource of a resource set stands for: a path as it is; an Okta Resource Name
/// (`orn:okta:directory:{org}:groups:{id}`, `…:groups:{id}:contained_resources`, `…:users`,
/// `orn:okta:idp:{org}:apps[:{name}:{id}]`) as the path of what it names; `None` for an ORN this
/// org does not serve (it permits nothing).
pub(crate) fn orn_path(resource: &str) -> Option<String> {
    let Some(rest) = resource.strip_prefix("orn:okta:") else {
        return Some(resource.to_owned());
    };
    let parts: Vec<&str> = rest.split(':').collect();
    let path = match parts.as_slice() {
        ["directory", _, "users"] => "/api/v1/users".to_owned(),
        ["directory", _, "groups"] => "/api/v1/groups".to_owned(),
        ["directory", _, "groups", id] => format!("/api/v1/groups/{id}"),
        ["directory", _, "groups", id, "contained_resources"] => {
            format!("/api/v1/groups/{id}/users")
        }
        ["idp", _, "apps"] => "/api/v1/apps".to_owned(),
        ["idp", _, "apps", _name] => "/api/v1/apps".to_owned(),
        ["idp", _, "apps", _name, id] => format!("/api/v1/apps/{id}"),
        _ => return None,
    };
    Some(path)
}

#[cfg(test)]
mod tests {
    use super::{contract_scopes, orn_path};

    /// The ORN forms of Okta's Resource Sets API reference, as the paths they name.
    #[test]
    fn okta_resource_names_stand_for_their_paths() {
        let o = "orn:okta:directory:00o1";
        assert_eq!(
            orn_path(&format!("{o}:users")).as_deref(),
            Some("/api/v1/users")
        );
        assert_eq!(
            orn_path(&format!("{o}:groups:00g1")).as_deref(),
            Some("/api/v1/groups/00g1")
        );
        assert_eq!(
            orn_path(&format!("{o}:groups:00g1:contained_resources")).as_deref(),
            Some("/api/v1/groups/00g1/users")
        );
        assert_eq!(
            orn_path("orn:okta:idp:00o1:apps:oidc_client:0oa1").as_deref(),
            Some("/api/v1/apps/0oa1")
        );
        assert_eq!(
            orn_path("orn:okta:idp:00o1:apps").as_deref(),
            Some("/api/v1/apps")
        );
        assert_eq!(
            orn_path("/api/v1/groups/00g1").as_deref(),
            Some("/api/v1/groups/00g1")
        );
        // An ORN of something the org does not serve permits nothing.
        assert_eq!(orn_path("orn:okta:workflow:00o1:flows:1"), None);
    }

    #[test]
    fn the_contract_gives_each_operation_its_scopes() {
        assert_eq!(
            contract_scopes("GET", "/api/v1/users/00u1"),
            Some(vec!["okta.users.read"])
        );
        assert_eq!(
            contract_scopes("put", "/api/v1/apps/0oa1/groups/00g1"),
            Some(vec!["okta.apps.manage"])
        );
        // An operation that needs two scopes needs both.
        assert_eq!(
            contract_scopes("GET", "/api/v1/apps/0oa1/group-push/mappings"),
            Some(vec!["okta.apps.read", "okta.groups.read"])
        );
        assert_eq!(contract_scopes("GET", "/api/v1/not-a-thing"), None);
    }
}
