//! The users API: list (with `q`, `filter` and `search`), get, create, update, replace, delete
//! and the lifecycle operations, with the scopes and admin roles Okta's contract states.

use serde_json::{Map, Value, json};

use crate::clock::iso;
use crate::errors;
use crate::filter::{self, Dialect, Expr};
use crate::http::{Req, Resp};
use crate::org::{EVERYONE, Org, State};
use crate::routes::common::{json_body, page_link, safe};
use crate::routes::resource::{authenticate, require};
use crate::users;

/// Roles that may read the directory: users, groups and who is in them.
pub(crate) const DIRECTORY_READERS: [&str; 6] = [
    "SUPER_ADMIN",
    "ORG_ADMIN",
    "READ_ONLY_ADMIN",
    "USER_ADMIN",
    "HELP_DESK_ADMIN",
    "GROUP_MEMBERSHIP_ADMIN",
];

/// Roles that may create, change and delete users (Okta's super, org and group administrators).
pub(crate) const USER_WRITERS: [&str; 3] = ["SUPER_ADMIN", "ORG_ADMIN", "USER_ADMIN"];

/// The properties `filter=` may name (Okta's contract for the users list).
const FILTERABLE: &[&str] = &[
    "status",
    "lastUpdated",
    "id",
    "profile.login",
    "profile.email",
    "profile.firstName",
    "profile.lastName",
];

fn read(org: &Org, req: &Req) -> Result<(), Resp> {
    let p = authenticate(org, req, "okta.users.read")?;
    require(org, req, &p, "okta.users.read", &DIRECTORY_READERS)
}

fn manage(org: &Org, req: &Req) -> Result<(), Resp> {
    let p = authenticate(org, req, "okta.users.manage")?;
    require(org, req, &p, "okta.users.manage", &USER_WRITERS)
}

pub(crate) fn not_found(id: &str) -> Resp {
    errors::not_found(&format!("{} (User)", safe(id)))
}

/// `E0000031`, Okta's answer to an expression it cannot read.
fn bad_criteria() -> Resp {
    errors::okta(400, "E0000031", "Invalid search criteria.", &[])
}

/// `limit`: from 1, larger values taken as `max` (users: default 200, or 10 with `q`, as the
/// contract says).
pub(crate) fn limit(req: &Req, default: usize, max: usize) -> Result<usize, Resp> {
    match req.query_param("limit") {
        None => Ok(default),
        Some(l) => match l.parse::<i64>() {
            Ok(n) if n >= 1 => Ok(usize::try_from(n).map_or(max, |n| n.min(max))),
            _ => Err(errors::validation(
                "limit",
                &[format!(
                    "limit: The limit must be a number from 1 to {max}."
                )],
            )),
        },
    }
}

/// `after`: an opaque cursor this org made, standing for a user index.
pub(crate) fn after(org: &Org, req: &Req) -> Result<usize, Resp> {
    match req.query_param("after") {
        None => Ok(0),
        Some(cursor) => users::open_cursor(org, &cursor).ok_or_else(|| {
            errors::validation("after", &["after: The cursor is not valid.".to_owned()])
        }),
    }
}

/// Which users a listing shows.
enum Select {
    /// Everyone but the deprovisioned (no parameter).
    All,
    /// `q`: a prefix of the first name, last name or email, without case; no deprovisioned.
    Prefix(String),
    /// `filter` (values with their case) or `search` (without).
    Expr(Expr, bool),
}

impl Select {
    fn from(req: &Req) -> Result<Select, Resp> {
        if let Some(text) = req.query_param("search") {
            return filter::parse(&text, Dialect::Search)
                .map(|e| Select::Expr(e, true))
                .ok_or_else(bad_criteria);
        }
        if let Some(text) = req.query_param("filter") {
            return filter::parse(&text, Dialect::Filter(FILTERABLE))
                .map(|e| Select::Expr(e, false))
                .ok_or_else(bad_criteria);
        }
        Ok(match req.query_param("q") {
            Some(q) => Select::Prefix(q.to_lowercase()),
            None => Select::All,
        })
    }

    fn shows(&self, user: &Value) -> bool {
        let deprovisioned = user["status"] == "DEPROVISIONED";
        match self {
            Select::All => !deprovisioned,
            Select::Prefix(q) => {
                !deprovisioned
                    && ["firstName", "lastName", "email"].iter().any(|f| {
                        user["profile"][f]
                            .as_str()
                            .is_some_and(|v| v.to_lowercase().starts_with(q.as_str()))
                    })
            }
            Select::Expr(e, fold) => e.matches(user, *fold),
        }
    }

    /// The one user an expression names by id or login, when that is all it says.
    fn direct(&self, org: &Org, state: &State) -> Option<Option<usize>> {
        let Select::Expr(e, _) = self else {
            return None;
        };
        let key = e
            .only_equals("profile.login")
            .or_else(|| e.only_equals("id"))?;
        Some(users::find_in(org, state, key))
    }
}

pub(crate) fn list(org: &Org, req: &Req) -> Resp {
    try_resp!(read(org, req));
    let select = try_resp!(Select::from(req));
    let is_q = matches!(select, Select::Prefix(_));
    let limit = try_resp!(limit(req, if is_q { 10 } else { 200 }, 200));
    let start = try_resp!(after(org, req));
    let (page, next) = {
        let state = org.state();
        match select.direct(org, &state) {
            Some(found) => {
                let page: Vec<Value> = found
                    .filter(|&i| i >= start)
                    .and_then(|i| users::current(org, &state, i))
                    .filter(|u| select.shows(u))
                    .into_iter()
                    .collect();
                (page, None)
            }
            None => {
                let (body, next) = users_page(org, &state, &select, start, limit, Writer::Direct);
                drop(state);
                // `q` does not page (the contract): the first `limit` matches only.
                return page_answer_bytes(org, req, body, start, next.filter(|_| !is_q));
            }
        }
    };
    page_answer(org, req, page, start, next)
}

/// How a page of users is serialized.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(crate) enum Writer {
    /// Seeded users the org has not changed written straight as bytes; others serialized.
    Direct,
    /// Every user built as a `serde_json::Value`, then serialized (how pages were made before
    /// issue 28: the reference the direct writer is measured and tested against).
    Values,
}

/// The JSON array of the users `select` shows from index `start`, at most `limit`, and the
/// index where the next page starts.
fn users_page(
    org: &Org,
    state: &State,
    select: &Select,
    start: usize,
    limit: usize,
    writer: Writer,
) -> (Vec<u8>, Option<usize>) {
    let total = users::total(org, state);
    let direct = writer == Writer::Direct && matches!(select, Select::All);
    let mut out = Vec::with_capacity(limit.min(total.saturating_sub(start)) * 720 + 2);
    let mut values = Vec::new();
    let mut shown = 0;
    let mut next = None;
    out.push(b'[');
    for i in start..total {
        // A seeded user is never deprovisioned: the listing shows every one.
        if direct && users::is_pristine(org, state, i) {
            if shown == limit {
                next = Some(i);
                break;
            }
            if shown > 0 {
                out.push(b',');
            }
            users::write_seeded(org, i, &mut out);
            shown += 1;
            continue;
        }
        let Some(user) = users::current(org, state, i) else {
            continue;
        };
        if !select.shows(&user) {
            continue;
        }
        if shown == limit {
            next = Some(i);
            break;
        }
        if writer == Writer::Values {
            values.push(user);
        } else {
            if shown > 0 {
                out.push(b',');
            }
            // INVARIANT: a Value always serializes.
            let _ = serde_json::to_writer(&mut out, &user);
        }
        shown += 1;
    }
    if writer == Writer::Values {
        return (Value::Array(values).to_string().into_bytes(), next);
    }
    out.push(b']');
    (out, next)
}

/// The first page of `/api/v1/users` from `start`, made by `writer` (benchmarks and the test
/// that holds the two writers equal).
pub(crate) fn page_bytes(org: &Org, start: usize, limit: usize, writer: Writer) -> Vec<u8> {
    let state = org.state();
    users_page(org, &state, &Select::All, start, limit, writer).0
}

/// A page of a listing as Okta answers it: the items, `Link: rel="self"` for where the page
/// starts and `rel="next"` for where the next one does, when one follows (positions, as opaque
/// cursors).
pub(crate) fn page_answer(
    org: &Org,
    req: &Req,
    page: Vec<Value>,
    start: usize,
    next: Option<usize>,
) -> Resp {
    page_answer_bytes(
        org,
        req,
        Value::Array(page).to_string().into_bytes(),
        start,
        next,
    )
}

/// [`page_answer`] for a page serialized already.
fn page_answer_bytes(
    org: &Org,
    req: &Req,
    body: Vec<u8>,
    start: usize,
    next: Option<usize>,
) -> Resp {
    let this = (start > 0).then(|| users::cursor(org, start));
    let mut resp =
        Resp::json_bytes(200, body).with_header("link", page_link(org, req, this, "self"));
    if let Some(n) = next {
        resp = resp.with_header(
            "link",
            page_link(org, req, Some(users::cursor(org, n)), "next"),
        );
    }
    resp
}

pub(crate) fn get(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(read(org, req));
    let state = org.state();
    match users::find_in(org, &state, id).and_then(|i| users::full(org, &state, i)) {
        // The contract declares an `Etag`: a weak one, from the user object as it is now.
        Some(user) => {
            let digest = ring::digest::digest(&ring::digest::SHA256, user.to_string().as_bytes());
            let tag = crate::jose::b64(&digest.as_ref()[..12]);
            Resp::json(200, &user).with_header("ETag", format!("W/\"{tag}\""))
        }
        None => not_found(id),
    }
}

/// The profile properties Okta's default user schema requires.
const REQUIRED: [&str; 4] = ["login", "email", "firstName", "lastName"];

/// Checks a whole profile (create and replace); `Err` is Okta's validation error.
fn check_profile(
    org: &Org,
    state: &State,
    profile: &Map<String, Value>,
    itself: Option<usize>,
) -> Result<(), Resp> {
    let mut causes = Vec::new();
    for field in REQUIRED {
        if profile
            .get(field)
            .and_then(Value::as_str)
            .is_none_or(|v| v.trim().is_empty())
        {
            causes.push(format!("{field}: The field cannot be left blank"));
        }
    }
    for field in ["login", "email"] {
        if let Some(v) = profile.get(field).and_then(Value::as_str)
            && !v.trim().is_empty()
            && !looks_like_email(v)
        {
            causes.push(format!(
                "{field}: Username must be in the form of an email address"
            ));
        }
    }
    if let Some(login) = profile.get("login").and_then(Value::as_str)
        && users::find_in(org, state, login).is_some_and(|other| Some(other) != itself)
    {
        causes.push(
            "login: An object with this field already exists in the current organization"
                .to_owned(),
        );
    }
    if causes.is_empty() {
        Ok(())
    } else {
        let what = if causes.iter().any(|c| c.starts_with("login")) {
            "login"
        } else {
            "profile"
        };
        Err(errors::validation(what, &causes))
    }
}

fn looks_like_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    !local.is_empty() && domain.contains('.') && !domain.starts_with('.') && !domain.ends_with('.')
}

/// The profile of a request body; `Err` when it is missing or not an object.
fn body_profile(body: &Map<String, Value>) -> Result<Map<String, Value>, Resp> {
    match body.get("profile") {
        Some(Value::Object(p)) => Ok(p.clone()),
        _ => Err(errors::validation(
            "profile",
            &["profile: The field cannot be left blank".to_owned()],
        )),
    }
}

/// `credentials.recovery_question.question` of a request body, when it has one.
fn recovery_question(body: &Map<String, Value>) -> Option<String> {
    body.get("credentials")?
        .get("recovery_question")?
        .get("question")?
        .as_str()
        .filter(|q| !q.trim().is_empty())
        .map(str::to_owned)
}

fn has_password(body: &Map<String, Value>) -> bool {
    body.get("credentials")
        .and_then(|c| c.get("password"))
        .and_then(|p| p.get("value"))
        .and_then(Value::as_str)
        .is_some_and(|v| !v.is_empty())
}

/// Makes sure the org keeps user `i` whole (a seeded user is copied on its first change).
fn kept<'a>(org: &Org, state: &'a mut State, i: usize) -> Option<&'a mut Value> {
    if !state.users.contains_key(&i) {
        let mut seeded = users::current(org, state, i)?;
        if let Some(o) = seeded.as_object_mut() {
            o.remove("_links");
        }
        state.users.insert(i, seeded);
    }
    state.users.get_mut(&i)
}

pub(crate) fn create(org: &Org, req: &Req) -> Resp {
    try_resp!(manage(org, req));
    let body = try_resp!(json_body(req));
    let profile = try_resp!(body_profile(&body));
    let activate = req.query_param("activate").is_none_or(|a| a != "false");
    let now = org.now();
    let mut state = org.state();
    try_resp!(check_profile(org, &state, &profile, None));
    let password = has_password(&body);
    // Okta: not activated → STAGED; activated with a password → ACTIVE; without one, the user
    // must finish the activation email first → PROVISIONED.
    let status = match (activate, password) {
        (false, _) => "STAGED",
        (true, true) => "ACTIVE",
        (true, false) => "PROVISIONED",
    };
    let i = users::total(org, &state);
    let mut credentials = json!({"provider": {"type": "OKTA", "name": "OKTA"}});
    if password {
        credentials["password"] = json!({});
    }
    // The question is answered back (never the answer), as Okta's recordings show.
    if let Some(question) = recovery_question(&body) {
        credentials["recovery_question"] = json!({"question": question});
    }
    let user = json!({
        "id": users::id(org, i),
        "status": status,
        "created": iso(now),
        "activated": if activate { Value::String(iso(now)) } else { Value::Null },
        // Set at creation whatever the status (2025–2026 recordings; 2020's left it null).
        "statusChanged": iso(now),
        "lastLogin": Value::Null,
        "lastUpdated": iso(now),
        "passwordChanged": if password { Value::String(iso(now)) } else { Value::Null },
        "type": {"id": users::USER_TYPE},
        "profile": profile,
        "credentials": credentials,
    });
    state.next_user = i + 1;
    state.users.insert(i, user);
    // Groups named at creation (`groupIds`); the contract ignores ids it does not know.
    if let Some(ids) = body.get("groupIds").and_then(Value::as_array) {
        for gid in ids.iter().filter_map(Value::as_str) {
            if let Some(g) = state.groups.get_mut(gid).filter(|g| g.id != EVERYONE) {
                g.members.insert(i);
                g.members_updated = now;
            }
        }
    }
    match users::full(org, &state, i) {
        Some(user) => Resp::json(200, &user),
        None => errors::okta(500, "E0000009", "Internal Server Error", &[]),
    }
}

/// `POST /api/v1/users/{id}` (the profile's given properties change) and `PUT` (the profile is
/// replaced).
pub(crate) fn update(org: &Org, req: &Req, id: &str, replace: bool) -> Resp {
    try_resp!(manage(org, req));
    let body = try_resp!(json_body(req));
    let now = org.now();
    let mut state = org.state();
    let Some(i) = users::find_in(org, &state, id) else {
        return not_found(id);
    };
    let mut profile = if replace {
        try_resp!(body_profile(&body))
    } else {
        let old = users::current(org, &state, i)
            .and_then(|u| u["profile"].as_object().cloned())
            .unwrap_or_default();
        match body.get("profile") {
            Some(Value::Object(changes)) => {
                let mut merged = old;
                merged.extend(changes.clone());
                merged
            }
            Some(_) => {
                return errors::validation(
                    "profile",
                    &["profile: The value must be an object".to_owned()],
                );
            }
            None => old,
        }
    };
    profile.retain(|_, v| !v.is_null() || !replace);
    try_resp!(check_profile(org, &state, &profile, Some(i)));
    let password = has_password(&body);
    let Some(user) = kept(org, &mut state, i) else {
        return not_found(id);
    };
    user["profile"] = Value::Object(profile);
    user["lastUpdated"] = json!(iso(now));
    if password {
        user["credentials"]["password"] = json!({});
        user["passwordChanged"] = json!(iso(now));
    }
    if let Some(question) = recovery_question(&body) {
        user["credentials"]["recovery_question"] = json!({"question": question});
    }
    match users::full(org, &state, i) {
        Some(user) => Resp::json(200, &user),
        None => not_found(id),
    }
}

/// `DELETE /api/v1/users/{id}`: a user who is not deprovisioned is deactivated first; a
/// deprovisioned one is deleted for good (Okta's two-step delete).
pub(crate) fn delete(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(manage(org, req));
    let now = org.now();
    let mut state = org.state();
    let Some(i) = users::find_in(org, &state, id) else {
        return not_found(id);
    };
    let status = users::current(org, &state, i).map(|u| u["status"].clone());
    if status.as_ref().is_some_and(|s| s != "DEPROVISIONED") {
        set_status(org, &mut state, i, "DEPROVISIONED", now);
    } else {
        state.users.remove(&i);
        state.deleted_users.insert(i);
        for g in state.groups.values_mut() {
            if g.members.remove(&i) {
                g.members_updated = now;
            }
        }
    }
    Resp::empty(204)
}

fn set_status(org: &Org, state: &mut State, i: usize, status: &str, now: u64) {
    if let Some(user) = kept(org, state, i) {
        user["status"] = json!(status);
        user["statusChanged"] = json!(iso(now));
        user["lastUpdated"] = json!(iso(now));
        if status == "ACTIVE" && user["activated"].is_null() {
            user["activated"] = json!(iso(now));
        }
    }
}

/// `POST /api/v1/users/{id}/lifecycle/{action}`: the transitions of Okta's user lifecycle.
pub(crate) fn lifecycle(org: &Org, req: &Req, id: &str, action: &str) -> Resp {
    try_resp!(manage(org, req));
    let now = org.now();
    let mut state = org.state();
    let Some(i) = users::find_in(org, &state, id) else {
        return not_found(id);
    };
    let status = users::current(org, &state, i)
        .and_then(|u| u["status"].as_str().map(str::to_owned))
        .unwrap_or_default();
    let refuse = |cause: &str| {
        errors::okta(
            400,
            "E0000001",
            &format!("Api validation failed: {action}"),
            &[cause.to_owned()],
        )
    };
    let (next, answer) = match action {
        "activate" => {
            if status == "ACTIVE" {
                return errors::okta(
                    403,
                    "E0000016",
                    "Activation failed because the user is already active",
                    &[],
                );
            }
            // With `sendEmail=false` the caller gets the activation link to pass on.
            let body = if req.query_param("sendEmail").as_deref() == Some("false") {
                let token = org.rng.base62(20);
                json!({"activationToken": token,
                       "activationUrl": format!("{}/welcome/{token}", org.base)})
            } else {
                json!({})
            };
            ("ACTIVE", Resp::json(200, &body))
        }
        "deactivate" => {
            if status == "DEPROVISIONED" {
                return not_found(id);
            }
            ("DEPROVISIONED", Resp::json(200, &json!({})))
        }
        "suspend" => {
            if status != "ACTIVE" {
                return refuse("Cannot suspend a user that is not active");
            }
            ("SUSPENDED", Resp::json(200, &json!({})))
        }
        "unsuspend" => {
            if status != "SUSPENDED" {
                return refuse("Cannot unsuspend a user that is not suspended");
            }
            ("ACTIVE", Resp::json(200, &json!({})))
        }
        _ => return errors::not_found(&format!("{} (PathNotFound)", safe(action))),
    };
    set_status(org, &mut state, i, next, now);
    answer
}
