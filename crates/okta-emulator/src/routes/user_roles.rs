//! Users' admin roles (`/api/v1/users/{userId}/roles`): what a user's own access token may do at
//! `/api/v1` besides its scopes. A user token needs the scope and a role that allows the call,
//! as an app's token does (E0000006 otherwise).

use serde_json::{Value, json};

use crate::clock::iso;
use crate::errors;
use crate::http::{Req, Resp};
use crate::org::{Org, Role};
use crate::routes::common::{APP_READERS, auth, json_body, safe};
use crate::routes::resource::role_label;
use crate::users;

fn role_json(org: &Org, user_id: &str, r: &Role) -> Value {
    let mut v = json!({
        "id": r.id, "label": role_label(&r.kind), "type": r.kind, "status": "ACTIVE",
        "created": iso(r.created), "lastUpdated": iso(r.created), "assignmentType": "USER",
        "_links": {"assignee": {"href": format!("{}/api/v1/users/{user_id}", org.base)}}
    });
    if let Some(binding) = &r.custom {
        crate::routes::resource::describe(org, binding, &mut v);
    }
    v
}

fn user_of(org: &Org, user: &str) -> Result<(usize, String), Resp> {
    let state = org.state();
    users::find_in(org, &state, user)
        .map(|i| (i, users::id(org, i)))
        .ok_or_else(|| crate::routes::users::not_found(user))
}

/// `POST /api/v1/users/{userId}/roles` with `{"type": ROLE}`: 201.
pub(crate) fn assign(org: &Org, req: &Req, user: &str) -> Resp {
    try_resp!(auth(org, req, "okta.roles.manage", &["SUPER_ADMIN"]));
    let body = try_resp!(json_body(req));
    let (kind, custom) = try_resp!(crate::routes::resource::assignment_of(org, &body));
    let (i, id) = try_resp!(user_of(org, user));
    let role = Role {
        id: org.rng.okta_id("ra1"),
        kind,
        created: org.now(),
        custom,
    };
    let mut state = org.state();
    let held = state.user_roles.entry(i).or_default();
    if held
        .iter()
        .any(|r| r.kind == role.kind && r.custom == role.custom)
    {
        return errors::okta(409, "E0000090", "Duplicate role assignment exception.", &[]);
    }
    held.push(role.clone());
    drop(state);
    Resp::json(201, &role_json(org, &id, &role))
}

/// `GET /api/v1/users/{userId}/roles`.
pub(crate) fn list(org: &Org, req: &Req, user: &str) -> Resp {
    try_resp!(auth(org, req, "okta.roles.read", &APP_READERS));
    let (i, id) = try_resp!(user_of(org, user));
    let state = org.state();
    let mut all: Vec<Value> = state
        .user_roles
        .get(&i)
        .map(|held| held.iter().map(|r| role_json(org, &id, r)).collect())
        .unwrap_or_default();
    if users::is_admin(org, i) {
        let created = 1_650_000_000;
        let builtin = Role {
            id: format!("ra1{}", &id[3..]),
            kind: "SUPER_ADMIN".to_owned(),
            created,
            custom: None,
        };
        all.insert(0, role_json(org, &id, &builtin));
    }
    Resp::json(200, &Value::Array(all))
}

/// `GET /api/v1/users/{userId}/roles/{roleAssignmentId}`.
pub(crate) fn get(org: &Org, req: &Req, user: &str, assignment: &str) -> Resp {
    try_resp!(auth(org, req, "okta.roles.read", &APP_READERS));
    let (i, id) = try_resp!(user_of(org, user));
    let state = org.state();
    match state
        .user_roles
        .get(&i)
        .and_then(|held| held.iter().find(|r| r.id == assignment))
    {
        Some(r) => Resp::json(200, &role_json(org, &id, r)),
        None => errors::not_found(&format!("{} (RoleAssignment)", safe(assignment))),
    }
}

/// `DELETE /api/v1/users/{userId}/roles/{roleAssignmentId}`: 204.
pub(crate) fn unassign(org: &Org, req: &Req, user: &str, assignment: &str) -> Resp {
    try_resp!(auth(org, req, "okta.roles.manage", &["SUPER_ADMIN"]));
    let (i, _) = try_resp!(user_of(org, user));
    let mut state = org.state();
    let Some(held) = state.user_roles.get_mut(&i) else {
        return errors::not_found(&format!("{} (RoleAssignment)", safe(assignment)));
    };
    let before = held.len();
    held.retain(|r| r.id != assignment);
    if held.len() == before {
        return errors::not_found(&format!("{} (RoleAssignment)", safe(assignment)));
    }
    Resp::empty(204)
}
