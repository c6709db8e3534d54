//! Who may sign in to an app: its user assignments (`/api/v1/apps/{appId}/users`) and group
//! assignments (`/api/v1/apps/{appId}/groups`), and the check `/authorize` and the device grant
//! make with them.

use serde_json::{Value, json};

use crate::clock::iso;
use crate::errors;
use crate::http::{Req, Resp};
use crate::org::{App, EVERYONE, Org, State};
use crate::routes::common::{APP_ADMINS, APP_READERS, auth, json_body, safe, self_link};
use crate::users;

/// Whether user `user` may sign in to `app`: assigned to it directly or through one of its
/// groups (Everyone holds every user).
pub(crate) fn assigned(state: &State, app: &App, user: usize) -> bool {
    app.assigned_users.contains_key(&user)
        || app.assigned_groups.keys().any(|g| {
            g == EVERYONE
                || state
                    .groups
                    .get(g)
                    .is_some_and(|group| group.members.contains(&user))
        })
}

/// Okta's answer when a user who is not assigned signs in.
pub(crate) const NOT_ASSIGNED: &str = "User is not assigned to the client application.";

fn unknown_app(id: &str) -> Resp {
    errors::not_found(&format!("{} (AppInstance)", safe(id)))
}

fn app_user_json(org: &Org, state: &State, app: &str, user: usize, since: u64) -> Value {
    let id = users::id(org, user);
    let login = users::current(org, state, user)
        .and_then(|u| u["profile"]["login"].as_str().map(str::to_owned))
        .unwrap_or_else(|| users::login(user));
    json!({
        "id": id, "externalId": null, "created": iso(since), "lastUpdated": iso(since),
        "scope": "USER", "status": "ACTIVE", "statusChanged": iso(since), "passwordChanged": null,
        "syncState": "DISABLED", "credentials": {"userName": login}, "profile": {},
        "_links": {
            "app": {"href": format!("{}/api/v1/apps/{app}", org.base)},
            "user": {"href": format!("{}/api/v1/users/{id}", org.base)}
        }
    })
}

fn app_group_json(org: &Org, app: &str, group: &str, since: u64) -> Value {
    json!({
        "id": group, "priority": 0, "lastUpdated": iso(since), "profile": {},
        "_links": {
            "app": {"href": format!("{}/api/v1/apps/{app}", org.base)},
            "self": {"href": format!("{}/api/v1/apps/{app}/groups/{group}", org.base)},
            "group": {"href": format!("{}/api/v1/groups/{group}", org.base)}
        }
    })
}

/// `GET /api/v1/apps/{appId}/users`.
pub(crate) fn list_users(org: &Org, req: &Req, app: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.read", &APP_READERS));
    let state = org.state();
    let Some(a) = state.apps.get(app) else {
        return unknown_app(app);
    };
    let all: Vec<Value> = a
        .assigned_users
        .iter()
        .filter(|(u, _)| !state.deleted_users.contains(u))
        .map(|(u, since)| app_user_json(org, &state, app, *u, *since))
        .collect();
    Resp::json(200, &Value::Array(all)).with_header("link", self_link(org, req))
}

/// `POST /api/v1/apps/{appId}/users` with `{"id": userId, "scope": "USER", …}`: 200 with the
/// assignment, also when the user was assigned already.
pub(crate) fn assign_user(org: &Org, req: &Req, app: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let body = try_resp!(json_body(req));
    let Some(user_id) = body.get("id").and_then(Value::as_str) else {
        return errors::validation("id", &["id: The field cannot be left blank.".to_owned()]);
    };
    if body
        .get("scope")
        .and_then(Value::as_str)
        .is_some_and(|s| s != "USER")
    {
        return errors::validation(
            "scope",
            &["scope: Only USER can be assigned through this endpoint.".to_owned()],
        );
    }
    let mut state = org.state();
    let Some(user) = users::find_in(org, &state, user_id) else {
        return crate::routes::users::not_found(user_id);
    };
    let now = org.now();
    let Some(a) = state.apps.get_mut(app) else {
        return unknown_app(app);
    };
    let since = *a.assigned_users.entry(user).or_insert(now);
    Resp::json(200, &app_user_json(org, &state, app, user, since))
}

/// `GET /api/v1/apps/{appId}/users/{userId}`.
pub(crate) fn get_user(org: &Org, req: &Req, app: &str, user_id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.read", &APP_READERS));
    let state = org.state();
    let Some(a) = state.apps.get(app) else {
        return unknown_app(app);
    };
    match users::find_in(org, &state, user_id)
        .and_then(|u| a.assigned_users.get(&u).map(|since| (u, *since)))
    {
        Some((u, since)) => Resp::json(200, &app_user_json(org, &state, app, u, since)),
        None => errors::not_found(&format!("{} (AppUser)", safe(user_id))),
    }
}

/// `DELETE /api/v1/apps/{appId}/users/{userId}`: 204; the user can no longer sign in (unless a
/// group still assigns them).
pub(crate) fn unassign_user(org: &Org, req: &Req, app: &str, user_id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let mut state = org.state();
    let user = users::find_in(org, &state, user_id);
    let Some(a) = state.apps.get_mut(app) else {
        return unknown_app(app);
    };
    match user.and_then(|u| a.assigned_users.remove(&u)) {
        Some(_) => Resp::empty(204),
        None => errors::not_found(&format!("{} (AppUser)", safe(user_id))),
    }
}

/// `GET /api/v1/apps/{appId}/groups`.
pub(crate) fn list_groups(org: &Org, req: &Req, app: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.read", &APP_READERS));
    let state = org.state();
    let Some(a) = state.apps.get(app) else {
        return unknown_app(app);
    };
    let all: Vec<Value> = a
        .assigned_groups
        .iter()
        .map(|(g, since)| app_group_json(org, app, g, *since))
        .collect();
    Resp::json(200, &Value::Array(all)).with_header("link", self_link(org, req))
}

/// `PUT /api/v1/apps/{appId}/groups/{groupId}` (the body, `{"priority": …}`, may be empty).
pub(crate) fn assign_group(org: &Org, req: &Req, app: &str, group: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    if !req.body.is_empty() {
        try_resp!(json_body(req));
    }
    let mut state = org.state();
    if !state.groups.contains_key(group) {
        return errors::not_found(&format!("{} (UserGroup)", safe(group)));
    }
    let now = org.now();
    let Some(a) = state.apps.get_mut(app) else {
        return unknown_app(app);
    };
    let since = *a.assigned_groups.entry(group.to_owned()).or_insert(now);
    Resp::json(200, &app_group_json(org, app, group, since))
}

/// `GET /api/v1/apps/{appId}/groups/{groupId}`.
pub(crate) fn get_group(org: &Org, req: &Req, app: &str, group: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.read", &APP_READERS));
    let Some(a) = org.app(app) else {
        return unknown_app(app);
    };
    match a.assigned_groups.get(group) {
        Some(since) => Resp::json(200, &app_group_json(org, app, group, *since)),
        None => errors::not_found(&format!("{} (ApplicationGroupAssignment)", safe(group))),
    }
}

/// `DELETE /api/v1/apps/{appId}/groups/{groupId}`: 204.
pub(crate) fn unassign_group(org: &Org, req: &Req, app: &str, group: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let mut state = org.state();
    let Some(a) = state.apps.get_mut(app) else {
        return unknown_app(app);
    };
    match a.assigned_groups.remove(group) {
        Some(_) => Resp::empty(204),
        None => errors::not_found(&format!("{} (ApplicationGroupAssignment)", safe(group))),
    }
}
