//! The groups API: list (with `q`, `filter` and `search`), get, create, replace, delete, and
//! members (list, add, remove). `Everyone` is built in: every user is a member, and it cannot be
//! changed or deleted.

use std::collections::BTreeSet;

use serde_json::{Value, json};

use crate::errors;
use crate::filter::{self, Dialect};
use crate::http::{Req, Resp};
use crate::org::{EVERYONE, Group, Org, State};
use crate::routes::common::{json_body, safe};
use crate::routes::resource::{authenticate, require};
use crate::routes::users::{DIRECTORY_READERS, after, limit, page_answer};

use crate::clock::iso;
use crate::users;

/// Roles that may create and delete groups.
const GROUP_WRITERS: [&str; 2] = ["SUPER_ADMIN", "ORG_ADMIN"];
/// Roles that may change who is in a group.
const MEMBERSHIP_WRITERS: [&str; 4] = [
    "SUPER_ADMIN",
    "ORG_ADMIN",
    "USER_ADMIN",
    "GROUP_MEMBERSHIP_ADMIN",
];
/// The properties `filter=` may name for groups.
const FILTERABLE: &[&str] = &[
    "id",
    "type",
    "lastUpdated",
    "lastMembershipUpdated",
    "profile.name",
];

fn allowed(org: &Org, req: &Req, scope: &str, roles: &[&str]) -> Result<(), Resp> {
    let p = authenticate(org, req, scope)?;
    require(org, req, &p, scope, roles)
}

fn not_found(id: &str) -> Resp {
    errors::not_found(&format!("{} (UserGroup)", safe(id)))
}

fn built_in() -> Resp {
    errors::okta(
        403,
        "E0000006",
        "You do not have permission to perform the requested action",
        &["The built-in group Everyone cannot be changed.".to_owned()],
    )
}

fn group_json(org: &Org, g: &Group) -> Value {
    let link = |tail: &str| json!({"href": format!("{}/api/v1/groups/{}{tail}", org.base, g.id)});
    // `"description": null` when there is none, as Okta answers (recorded 2020–2025), though
    // the contract's profile types it as a string.
    let profile = json!({"name": g.name, "description": g.description});
    let logo = |size: &str| {
        json!({
            "name": size,
            "href": format!("{}/assets/img/logos/groups/okta-{size}.png", org.base),
            "type": "image/png"
        })
    };
    json!({
        "id": g.id,
        "created": iso(g.created),
        "lastUpdated": iso(g.updated),
        "lastMembershipUpdated": iso(g.members_updated),
        "objectClass": ["okta:user_group"],
        "type": if g.id == EVERYONE { "BUILT_IN" } else { "OKTA_GROUP" },
        "profile": profile,
        "_links": {
            "logo": [logo("medium"), logo("large")],
            "self": link(""), "users": link("/users"), "apps": link("/apps")
        },
    })
}

/// The name and description of a request body's `profile`.
fn profile(req: &Req) -> Result<(String, Option<String>), Resp> {
    let body = json_body(req)?;
    let name = body
        .get("profile")
        .and_then(|p| p.get("name"))
        .and_then(Value::as_str)
        .map(str::trim)
        .unwrap_or_default()
        .to_owned();
    if name.is_empty() {
        return Err(errors::validation(
            "name",
            &["name: The field cannot be left blank".to_owned()],
        ));
    }
    let description = body
        .get("profile")
        .and_then(|p| p.get("description"))
        .and_then(Value::as_str)
        .map(str::to_owned);
    Ok((name, description))
}

fn name_taken(state: &State, name: &str, itself: Option<&str>) -> bool {
    state
        .groups
        .values()
        .any(|g| g.name.eq_ignore_ascii_case(name) && Some(g.id.as_str()) != itself)
}

fn taken() -> Resp {
    errors::validation(
        "name",
        &["name: An object with this field already exists in the current organization".to_owned()],
    )
}

pub(crate) fn list(org: &Org, req: &Req) -> Resp {
    try_resp!(allowed(org, req, "okta.groups.read", &DIRECTORY_READERS));
    let limit = try_resp!(limit(req, 10_000, 10_000));
    let select: Box<dyn Fn(&Value) -> bool> = if let Some(text) = req.query_param("search") {
        let Some(e) = filter::parse(&text, Dialect::Search) else {
            return errors::okta(400, "E0000031", "Invalid search criteria.", &[]);
        };
        Box::new(move |g| e.matches(g, true))
    } else if let Some(text) = req.query_param("filter") {
        let Some(e) = filter::parse(&text, Dialect::Filter(FILTERABLE)) else {
            return errors::okta(400, "E0000031", "Invalid search criteria.", &[]);
        };
        Box::new(move |g| e.matches(g, false))
    } else if let Some(q) = req.query_param("q") {
        let q = q.to_lowercase();
        Box::new(move |g| {
            g["profile"]["name"]
                .as_str()
                .is_some_and(|n| n.to_lowercase().starts_with(&q))
        })
    } else {
        Box::new(|_| true)
    };
    // Groups page by their position in id order; the cursor is the position of the next one.
    let start = match req.query_param("after") {
        None => 0,
        Some(c) => match users::open_position(org, &c) {
            Some(i) => i,
            None => {
                return errors::validation(
                    "after",
                    &["after: The cursor is not valid.".to_owned()],
                );
            }
        },
    };
    let all: Vec<Value> = {
        let state = org.state();
        state
            .groups
            .values()
            .map(|g| group_json(org, g))
            .filter(|g| select(g))
            .collect()
    };
    let page: Vec<Value> = all.iter().skip(start).take(limit).cloned().collect();
    let next = Some(start.saturating_add(limit)).filter(|n| *n < all.len());
    page_answer(org, req, page, start, next)
}

pub(crate) fn get(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(allowed(org, req, "okta.groups.read", &DIRECTORY_READERS));
    match org.state().groups.get(id) {
        Some(g) => Resp::json(200, &group_json(org, g)),
        None => not_found(id),
    }
}

pub(crate) fn create(org: &Org, req: &Req) -> Resp {
    try_resp!(allowed(org, req, "okta.groups.manage", &GROUP_WRITERS));
    let (name, description) = try_resp!(profile(req));
    let now = org.now();
    let mut state = org.state();
    if name_taken(&state, &name, None) {
        return taken();
    }
    let group = Group {
        id: org.rng.okta_id("00g"),
        name,
        description,
        created: now,
        updated: now,
        members_updated: now,
        members: BTreeSet::new(),
    };
    let out = group_json(org, &group);
    state.groups.insert(group.id.clone(), group);
    Resp::json(200, &out)
}

pub(crate) fn replace(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(allowed(org, req, "okta.groups.manage", &GROUP_WRITERS));
    let (name, description) = try_resp!(profile(req));
    let now = org.now();
    let mut state = org.state();
    if id == EVERYONE {
        return built_in();
    }
    if !state.groups.contains_key(id) {
        return not_found(id);
    }
    if name_taken(&state, &name, Some(id)) {
        return taken();
    }
    match state.groups.get_mut(id) {
        Some(g) => {
            g.name = name;
            g.description = description;
            g.updated = now;
            Resp::json(200, &group_json(org, g))
        }
        None => not_found(id),
    }
}

pub(crate) fn delete(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(allowed(org, req, "okta.groups.manage", &GROUP_WRITERS));
    if id == EVERYONE {
        return built_in();
    }
    match org.state().groups.remove(id) {
        Some(_) => Resp::empty(204),
        None => not_found(id),
    }
}

pub(crate) fn members(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(allowed(org, req, "okta.groups.read", &DIRECTORY_READERS));
    let limit = try_resp!(limit(req, 1000, 1000));
    let start = try_resp!(after(org, req));
    let (page, next) = {
        let state = org.state();
        let Some(group) = state.groups.get(id) else {
            return not_found(id);
        };
        let everyone = id == EVERYONE;
        let total = users::total(org, &state);
        let candidates: Box<dyn Iterator<Item = usize>> = if everyone {
            Box::new(start..total)
        } else {
            Box::new(group.members.range(start..).copied())
        };
        let mut page = Vec::new();
        let mut next = None;
        for i in candidates {
            let Some(user) = users::current(org, &state, i) else {
                continue;
            };
            if page.len() == limit {
                next = Some(i);
                break;
            }
            page.push(user);
        }
        (page, next)
    };
    page_answer(org, req, page, start, next)
}

fn membership(org: &Org, req: &Req, id: &str, user: &str, add: bool) -> Resp {
    try_resp!(allowed(org, req, "okta.groups.manage", &MEMBERSHIP_WRITERS));
    let now = org.now();
    let mut state = org.state();
    if id == EVERYONE && state.groups.contains_key(id) {
        return built_in();
    }
    let Some(i) = users::find_in(org, &state, user) else {
        return crate::routes::users::not_found(user);
    };
    let Some(group) = state.groups.get_mut(id) else {
        return not_found(id);
    };
    let changed = if add {
        group.members.insert(i)
    } else {
        group.members.remove(&i)
    };
    if changed {
        group.members_updated = now;
    }
    Resp::empty(204)
}

pub(crate) fn add_member(org: &Org, req: &Req, id: &str, user: &str) -> Resp {
    membership(org, req, id, user, true)
}

pub(crate) fn remove_member(org: &Org, req: &Req, id: &str, user: &str) -> Resp {
    membership(org, req, id, user, false)
}
