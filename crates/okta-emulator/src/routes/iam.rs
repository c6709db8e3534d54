//! Least-privilege admin roles: custom roles (`/api/v1/iam/roles`: a label and permissions) and
//! resource sets (`/api/v1/iam/resource-sets`: the resources they apply to), bound together when
//! assigned to a client or a user (`{"type": "CUSTOM", "role": …, "resource-set": …}`; read,
//! and checked against each call, in `resource.rs`).

use serde_json::{Map, Value, json};

use crate::clock::iso;
use crate::errors;
use crate::http::{Req, Resp};
use crate::org::{CustomRole, Org, ResourceSet};
use crate::routes::common::{APP_READERS, auth, json_body, link, safe, self_link};
use crate::routes::resource::{find_role, find_set};

fn text_field(body: &Map<String, Value>, name: &str) -> Result<String, Resp> {
    body.get(name)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .ok_or_else(|| {
            errors::validation(name, &[format!("{name}: The field cannot be left blank.")])
        })
}

fn list_field(body: &Map<String, Value>, name: &str) -> Result<Vec<String>, Resp> {
    let items: Option<Vec<String>> = body.get(name).and_then(Value::as_array).map(|a| {
        a.iter()
            .filter_map(Value::as_str)
            .map(str::to_owned)
            .collect()
    });
    match items {
        Some(v) if !v.is_empty() && v.len() <= 1000 => Ok(v),
        _ => Err(errors::validation(
            name,
            &[format!("{name}: 1 to 1000 entries are required.")],
        )),
    }
}

fn role_json(org: &Org, r: &CustomRole) -> Value {
    json!({
        "id": r.id, "label": r.label, "isCloneable": false, "description": r.description,
        "created": iso(r.created), "lastUpdated": iso(r.created),
        "_links": {
            "self": {"href": format!("{}/api/v1/iam/roles/{}", org.base, r.id)},
            "permissions": {"href": format!("{}/api/v1/iam/roles/{}/permissions", org.base, r.id)}
        }
    })
}

fn set_json(org: &Org, r: &ResourceSet) -> Value {
    json!({
        "id": r.id, "label": r.label, "description": r.description,
        "created": iso(r.created), "lastUpdated": iso(r.created),
        "_links": {
            "self": {"href": format!("{}/api/v1/iam/resource-sets/{}", org.base, r.id)},
            "resources": {"href": format!("{}/api/v1/iam/resource-sets/{}/resources", org.base, r.id)},
            "bindings": {"href": format!("{}/api/v1/iam/resource-sets/{}/bindings", org.base, r.id)}
        }
    })
}

/// `POST /api/v1/iam/roles`.
pub(crate) fn role_create(org: &Org, req: &Req) -> Resp {
    try_resp!(auth(org, req, "okta.roles.manage", &["SUPER_ADMIN"]));
    let body = try_resp!(json_body(req));
    let label = try_resp!(text_field(&body, "label"));
    let description = try_resp!(text_field(&body, "description"));
    let permissions = try_resp!(list_field(&body, "permissions"));
    if let Some(bad) = permissions.iter().find(|p| !p.starts_with("okta.")) {
        return errors::validation(
            "permissions",
            &[format!("permissions: {} is not a permission.", safe(bad))],
        );
    }
    let mut state = org.state();
    // A label in use: 400 E0000001 naming `label`, as Okta answers (recorded 2025).
    if find_role(&state, &label).is_some() {
        return errors::validation(
            "label",
            &["label: There is already an admin role with this name.".to_owned()],
        );
    }
    let role = CustomRole {
        id: org.rng.okta_id("cr0"),
        label,
        description,
        permissions,
        created: org.now(),
    };
    state.custom_roles.insert(role.id.clone(), role.clone());
    drop(state);
    let self_link = link(org, &format!("/api/v1/iam/roles/{}", role.id), "self");
    Resp::json(200, &role_json(org, &role)).with_header("link", self_link)
}

/// `GET /api/v1/iam/roles/{roleIdOrLabel}`.
pub(crate) fn role_get(org: &Org, req: &Req, key: &str) -> Resp {
    try_resp!(auth(org, req, "okta.roles.read", &APP_READERS));
    let state = org.state();
    match find_role(&state, key) {
        Some(r) => Resp::json(200, &role_json(org, r)).with_header("link", self_link(org, req)),
        None => errors::not_found(&format!("{} (CustomRole)", safe(key))),
    }
}

/// `GET /api/v1/iam/roles`: `{"roles": […]}`.
pub(crate) fn role_list(org: &Org, req: &Req) -> Resp {
    try_resp!(auth(org, req, "okta.roles.read", &APP_READERS));
    let state = org.state();
    let roles: Vec<Value> = state
        .custom_roles
        .values()
        .map(|r| role_json(org, r))
        .collect();
    let href = format!("{}/api/v1/iam/roles", org.base);
    Resp::json(
        200,
        &json!({"roles": roles, "_links": {"self": {"href": href}}}),
    )
    .with_header("link", self_link(org, req))
}

/// `DELETE /api/v1/iam/roles/{roleIdOrLabel}`: 204.
pub(crate) fn role_delete(org: &Org, req: &Req, key: &str) -> Resp {
    try_resp!(auth(org, req, "okta.roles.manage", &["SUPER_ADMIN"]));
    let mut state = org.state();
    let Some(id) = find_role(&state, key).map(|r| r.id.clone()) else {
        return errors::not_found(&format!("{} (CustomRole)", safe(key)));
    };
    state.custom_roles.remove(&id);
    Resp::empty(204)
}

/// `POST /api/v1/iam/resource-sets`.
pub(crate) fn set_create(org: &Org, req: &Req) -> Resp {
    try_resp!(auth(org, req, "okta.roles.manage", &["SUPER_ADMIN"]));
    let body = try_resp!(json_body(req));
    let label = try_resp!(text_field(&body, "label"));
    let description = try_resp!(text_field(&body, "description"));
    let resources = try_resp!(list_field(&body, "resources"));
    let mut paths = Vec::new();
    for r in &resources {
        match resource_path(org, r) {
            Some(p) => paths.push(p),
            None => {
                return errors::validation(
                    "resources",
                    &[format!(
                        "resources: {} is not a resource of this org.",
                        safe(r)
                    )],
                );
            }
        }
    }
    let mut state = org.state();
    if find_set(&state, &label).is_some() {
        return errors::okta(
            409,
            "E0000007",
            "A resource set with this label exists already.",
            &[],
        );
    }
    let set = ResourceSet {
        id: org.rng.okta_id("iam"),
        label,
        description,
        resources: paths,
        created: org.now(),
    };
    state.resource_sets.insert(set.id.clone(), set.clone());
    drop(state);
    let self_link = link(
        org,
        &format!("/api/v1/iam/resource-sets/{}", set.id),
        "self",
    );
    Resp::json(200, &set_json(org, &set)).with_header("link", self_link)
}

/// `GET /api/v1/iam/resource-sets/{resourceSetIdOrLabel}`.
pub(crate) fn set_get(org: &Org, req: &Req, key: &str) -> Resp {
    try_resp!(auth(org, req, "okta.roles.read", &APP_READERS));
    let state = org.state();
    match find_set(&state, key) {
        Some(r) => Resp::json(200, &set_json(org, r)).with_header("link", self_link(org, req)),
        None => errors::not_found(&format!("{} (IAMPolicy)", safe(key))),
    }
}

/// `GET /api/v1/iam/resource-sets`: `{"resource-sets": […]}`.
pub(crate) fn set_list(org: &Org, req: &Req) -> Resp {
    try_resp!(auth(org, req, "okta.roles.read", &APP_READERS));
    let state = org.state();
    let sets: Vec<Value> = state
        .resource_sets
        .values()
        .map(|r| set_json(org, r))
        .collect();
    let href = format!("{}/api/v1/iam/resource-sets", org.base);
    Resp::json(
        200,
        &json!({"resource-sets": sets, "_links": {"self": {"href": href}}}),
    )
    .with_header("link", self_link(org, req))
}

/// `DELETE /api/v1/iam/resource-sets/{resourceSetIdOrLabel}`: 204.
pub(crate) fn set_delete(org: &Org, req: &Req, key: &str) -> Resp {
    try_resp!(auth(org, req, "okta.roles.manage", &["SUPER_ADMIN"]));
    let mut state = org.state();
    let Some(id) = find_set(&state, key).map(|r| r.id.clone()) else {
        return errors::not_found(&format!("{} (IAMPolicy)", safe(key)));
    };
    state.resource_sets.remove(&id);
    Resp::empty(204)
}

/// A resource as a path of this org: a REST URL on the org (`{org}/api/v1/groups/{id}/users`)
/// or its path. ORNs are not emulated.
/// A resource as the set keeps it: an Okta Resource Name (`orn:okta:…`, the form Okta's
/// Resource Sets API prefers, recorded 2025) kept as given, or a resource URL of this org kept
/// as its path.
fn resource_path(org: &Org, resource: &str) -> Option<String> {
    if let Some(rest) = resource.strip_prefix("orn:okta:") {
        let ok = rest.len() < 512
            && rest.split(':').count() >= 3
            && rest.split(':').all(|part| {
                !part.is_empty()
                    && part
                        .bytes()
                        .all(|b| b.is_ascii_alphanumeric() || b"-_.".contains(&b))
            });
        return ok.then(|| resource.to_owned());
    }
    let path = resource.strip_prefix(&org.base).unwrap_or(resource);
    let ok = path.starts_with("/api/v1/")
        && path.len() < 512
        && path
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"/-_.".contains(&b));
    ok.then(|| path.trim_end_matches('/').to_owned())
}
