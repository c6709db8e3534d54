//! Seeded users, made on demand from their index so that 100 000 of them cost nothing, with
//! ids that encode the index (found in O(1)) and opaque, tamper-evident `after` cursors.

use serde_json::{Value, json};

use crate::clock::{BASE62, base62_of, iso};
use crate::jose::b64;
use crate::org::{Org, State};

const FIRST: [&str; 16] = [
    "Alice", "Bob", "Carol", "Dave", "Erin", "Frank", "Grace", "Heidi", "Ivan", "Judy", "Mallory",
    "Niaj", "Olivia", "Peggy", "Rupert", "Sybil",
];
const LAST: [&str; 12] = [
    "Smith", "Jones", "Garcia", "Nguyen", "Okafor", "Kowalski", "Tanaka", "Silva", "Müller",
    "Haddad", "Ivanova", "Park",
];

/// User 0 is the org's super admin, `admin@example.com`, whom `/authorize` signs in by default.
pub(crate) fn login(i: usize) -> String {
    if i == 0 {
        "admin@example.com".to_owned()
    } else {
        format!("user{i}@example.com")
    }
}

pub(crate) fn is_admin(_org: &Org, i: usize) -> bool {
    i == 0
}

fn base62(mut n: u64, width: usize) -> String {
    let mut out = vec![b'0'; width];
    for slot in out.iter_mut().rev() {
        *slot = BASE62[(n % 62) as usize];
        n /= 62;
    }
    String::from_utf8(out).unwrap_or_default()
}

fn tag(org: &Org, what: &[u8], i: usize) -> Vec<u8> {
    let mut input = what.to_vec();
    input.extend((i as u64).to_be_bytes());
    ring::hmac::sign(&org.cursor_key, &input).as_ref().to_vec()
}

/// `00u` + the index in 6 base62 characters + 11 characters of a MAC: 20 in all, like Okta's.
pub(crate) fn id(org: &Org, i: usize) -> String {
    let mac = base62_of(&tag(org, b"user", i)[..11]);
    format!("00u{}{mac}", base62(i as u64, 6))
}

/// The index of a user id or login, if it names a user of this org.
pub(crate) fn find(org: &Org, id_or_login: &str) -> Option<usize> {
    find_in(org, &org.state(), id_or_login)
}

/// [`find`] for a caller that holds the state. Logins match without their case, as Okta's do.
pub(crate) fn find_in(org: &Org, state: &State, id_or_login: &str) -> Option<usize> {
    let i = find_index(org, state, id_or_login)?;
    (!state.deleted_users.contains(&i)).then_some(i)
}

fn find_index(org: &Org, state: &State, key: &str) -> Option<usize> {
    let total = total(org, state);
    if let Some(rest) = key.strip_prefix("00u").filter(|r| r.len() == 17) {
        let mut n: u64 = 0;
        for c in rest[..6].bytes() {
            n = n.checked_mul(62)? + BASE62.iter().position(|b| *b == c)? as u64;
        }
        let i = usize::try_from(n).ok()?;
        return (i < total && id(org, i) == key).then_some(i);
    }
    if let Some((&i, _)) = state.users.iter().find(|(_, u)| {
        u["profile"]["login"]
            .as_str()
            .is_some_and(|l| l.eq_ignore_ascii_case(key))
    }) {
        return Some(i);
    }
    let key = key.to_ascii_lowercase();
    let i = if key == "admin@example.com" {
        0
    } else {
        key.strip_prefix("user")?
            .strip_suffix("@example.com")?
            .parse()
            .ok()?
    };
    // A seeded user the org keeps may have changed its login.
    (i < org.config.users.count && login(i) == key && !state.users.contains_key(&i)).then_some(i)
}

/// One past the highest user index: the seeded users, then those created through the API.
pub(crate) fn total(org: &Org, state: &State) -> usize {
    state.next_user.max(org.config.users.count)
}

/// The realm every user of the org belongs to (`realmId`: Okta's orgs with realms send it on
/// every user, 2025 recordings).
pub(crate) const REALM: &str = "guo1afiNtSnZYILxO0g4";

/// The user type every user has (Okta's default type).
pub(crate) const USER_TYPE: &str = "oty1162QAr8hJjTaq0g4";

/// The user object of index `i` as a listing shows it (its `_links` hold `self` alone, as
/// Okta's listings do), if that user exists.
pub(crate) fn current(org: &Org, state: &State, i: usize) -> Option<Value> {
    if state.deleted_users.contains(&i) {
        return None;
    }
    let mut v = match state.users.get(&i) {
        Some(kept) => kept.clone(),
        None if i < org.config.users.count => return Some(user(org, i)),
        None => return None,
    };
    complete(&mut v);
    v["_links"] = json!({"self": {"href": format!("{}/api/v1/users/{}", org.base, id(org, i))}});
    Some(v)
}

/// The user object of index `i` as Okta answers for one user (read, create, update): with the
/// links of what its status allows.
pub(crate) fn full(org: &Org, state: &State, i: usize) -> Option<Value> {
    let mut v = current(org, state, i)?;
    let status = v["status"].as_str().unwrap_or("").to_owned();
    v["_links"] = links(org, &id(org, i), &status);
    Some(v)
}

/// What Okta derives from a stored user on every answer: the base profile's optional members
/// (`null` when unset), `credentials.emails` from the profile's email, and the realm.
fn complete(v: &mut Value) {
    if let Some(profile) = v["profile"].as_object_mut() {
        for name in ["mobilePhone", "secondEmail"] {
            profile.entry(name).or_insert(Value::Null);
        }
    }
    let email = v["profile"]["email"].as_str().map(str::to_owned);
    if let (Some(email), Some(credentials)) = (email, v["credentials"].as_object_mut()) {
        credentials.insert("emails".into(), emails(&email));
    }
    v["realmId"] = json!(REALM);
}

/// `credentials.emails` of a user whose profile has this email.
fn emails(email: &str) -> Value {
    json!([{"value": email, "status": "VERIFIED", "type": "PRIMARY"}])
}

/// The `_links` of one user in this status: the lifecycle operations the status allows, as
/// Okta sends them (recorded 2025–2026: ACTIVE and PASSWORD_EXPIRED, STAGED, SUSPENDED; Okta's
/// Users API reference for PROVISIONED, LOCKED_OUT and DEPROVISIONED).
pub(crate) fn links(org: &Org, id: &str, status: &str) -> Value {
    let user = format!("{}/api/v1/users/{id}", org.base);
    let post = |path: &str| json!({"href": format!("{user}/{path}"), "method": "POST"});
    let mut links = serde_json::Map::new();
    links.insert("self".into(), json!({"href": user}));
    links.insert(
        "schema".into(),
        json!({"href": format!("{}/api/v1/meta/schemas/user/osc1162QAr8hJjTaq0g4", org.base)}),
    );
    links.insert(
        "type".into(),
        json!({"href": format!("{}/api/v1/meta/types/user/{USER_TYPE}", org.base)}),
    );
    let lifecycle: &[(&str, &str)] = match status {
        "ACTIVE" | "PASSWORD_EXPIRED" | "RECOVERY" | "LOCKED_OUT" => &[
            ("suspend", "lifecycle/suspend"),
            ("resetPassword", "lifecycle/reset_password"),
            ("expirePassword", "lifecycle/expire_password"),
            ("forgotPassword", "credentials/forgot_password"),
            (
                "changeRecoveryQuestion",
                "credentials/change_recovery_question",
            ),
            ("deactivate", "lifecycle/deactivate"),
            ("changePassword", "credentials/change_password"),
            ("resetFactors", "lifecycle/reset_factors"),
        ],
        "STAGED" => &[
            ("activate", "lifecycle/activate"),
            ("resetFactors", "lifecycle/reset_factors"),
        ],
        "PROVISIONED" => &[
            ("reactivate", "lifecycle/reactivate"),
            ("deactivate", "lifecycle/deactivate"),
            ("resetFactors", "lifecycle/reset_factors"),
        ],
        "SUSPENDED" => &[
            ("unsuspend", "lifecycle/unsuspend"),
            ("deactivate", "lifecycle/deactivate"),
            ("resetFactors", "lifecycle/reset_factors"),
        ],
        "DEPROVISIONED" => &[("activate", "lifecycle/activate")],
        _ => &[],
    };
    for (name, path) in lifecycle {
        links.insert((*name).into(), post(path));
    }
    Value::Object(links)
}

/// The login of user `i` as it is now.
pub(crate) fn login_of(org: &Org, i: usize) -> String {
    let state = org.state();
    state
        .users
        .get(&i)
        .and_then(|u| u["profile"]["login"].as_str().map(str::to_owned))
        .unwrap_or_else(|| login(i))
}

/// An opaque cursor for "the page starting at index `i`".
pub(crate) fn cursor(org: &Org, i: usize) -> String {
    let mut bytes = (i as u64).to_be_bytes().to_vec();
    bytes.extend(&tag(org, b"after", i)[..12]);
    b64(&bytes)
}

/// The index a cursor stands for, if this org made it and it names a user index.
pub(crate) fn open_cursor(org: &Org, cursor: &str) -> Option<usize> {
    open_position(org, cursor).filter(|&i| i <= total(org, &org.state()))
}

/// The position a cursor stands for, if this org made it (any listing's position).
pub(crate) fn open_position(org: &Org, cursor: &str) -> Option<usize> {
    let bytes = crate::jose::unb64(cursor)?;
    if bytes.len() != 20 {
        return None;
    }
    let i = usize::try_from(u64::from_be_bytes(bytes[..8].try_into().ok()?)).ok()?;
    let expected = tag(org, b"after", i);
    // Constant time: a cursor must not be forgeable byte by byte.
    let ok = bytes[8..]
        .iter()
        .zip(&expected[..12])
        .fold(0u8, |acc, (a, b)| acc | (a ^ b))
        == 0;
    ok.then_some(i)
}

/// The facts seeded user `i` is made of.
struct Seeded {
    first: &'static str,
    last: &'static str,
    created: u64,
    status: &'static str,
}

fn seeded(i: usize) -> Seeded {
    let (first, last) = if i == 0 {
        ("Ada", "Admin")
    } else {
        (FIRST[i % FIRST.len()], LAST[(i / FIRST.len()) % LAST.len()])
    };
    let status = match i % 50 {
        7 => "STAGED",
        13 => "PROVISIONED",
        29 => "LOCKED_OUT",
        41 => "SUSPENDED",
        _ => "ACTIVE",
    };
    Seeded {
        first,
        last,
        created: 1_650_000_000 + (i as u64 % 10_000) * 3600,
        status,
    }
}

/// Whether a listing writes user `i` with [`write_seeded`]: a seeded user the org has not
/// changed (nor deleted).
pub(crate) fn is_pristine(org: &Org, state: &State, i: usize) -> bool {
    i < org.config.users.count && !state.users.contains_key(&i) && !state.deleted_users.contains(&i)
}

/// A JSON string, escaped as serde_json escapes it.
fn push_str(out: &mut Vec<u8>, s: &str) {
    out.push(b'"');
    for c in s.chars() {
        match c {
            '"' => out.extend_from_slice(b"\\\""),
            '\\' => out.extend_from_slice(b"\\\\"),
            '\n' => out.extend_from_slice(b"\\n"),
            '\r' => out.extend_from_slice(b"\\r"),
            '\t' => out.extend_from_slice(b"\\t"),
            '\u{8}' => out.extend_from_slice(b"\\b"),
            '\u{c}' => out.extend_from_slice(b"\\f"),
            c if u32::from(c) < 0x20 => {
                out.extend_from_slice(format!("\\u{:04x}", u32::from(c)).as_bytes());
            }
            c => {
                let mut buf = [0u8; 4];
                out.extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
            }
        }
    }
    out.push(b'"');
}

/// Seeded user `i` as JSON, written straight into `out`: byte for byte what serializing
/// [`user`] writes (a test holds them equal), without building it (a listing's page of 200 is
/// most of what a large org's emulator does).
pub(crate) fn write_seeded(org: &Org, i: usize, out: &mut Vec<u8>) {
    let s = seeded(i);
    let id = id(org, i);
    let login = login(i);
    let activated = s.status == "ACTIVE" && i != 0;
    let key = |out: &mut Vec<u8>, k: &str| {
        out.push(b',');
        push_str(out, k);
        out.push(b':');
    };
    out.extend_from_slice(b"{\"id\":");
    push_str(out, &id);
    key(out, "status");
    push_str(out, s.status);
    key(out, "created");
    push_str(out, &iso(s.created));
    let time_or_null = |out: &mut Vec<u8>, at: Option<u64>| match at {
        Some(t) => push_str(out, &iso(t)),
        None => out.extend_from_slice(b"null"),
    };
    key(out, "activated");
    time_or_null(out, activated.then_some(s.created + 60));
    key(out, "statusChanged");
    push_str(out, &iso(s.created + 60));
    key(out, "lastLogin");
    time_or_null(out, i.is_multiple_of(3).then_some(s.created + 86_400));
    key(out, "lastUpdated");
    push_str(out, &iso(s.created + 120));
    key(out, "passwordChanged");
    push_str(out, &iso(s.created + 90));
    key(out, "type");
    out.extend_from_slice(b"{\"id\":");
    push_str(out, USER_TYPE);
    out.extend_from_slice(b"},\"profile\":{\"firstName\":");
    push_str(out, s.first);
    key(out, "lastName");
    push_str(out, s.last);
    out.extend_from_slice(b",\"mobilePhone\":null,\"secondEmail\":null,\"login\":");
    push_str(out, &login);
    key(out, "email");
    push_str(out, &login);
    out.extend_from_slice(b"},\"credentials\":{\"password\":{},\"emails\":[{\"value\":");
    push_str(out, &login);
    out.extend_from_slice(
        b",\"status\":\"VERIFIED\",\"type\":\"PRIMARY\"}],\"provider\":{\"type\":\"OKTA\",\"name\":\"OKTA\"}}",
    );
    key(out, "realmId");
    push_str(out, REALM);
    out.extend_from_slice(b",\"_links\":{\"self\":{\"href\":");
    push_str(out, &format!("{}/api/v1/users/{id}", org.base));
    out.extend_from_slice(b"}}}");
}

/// The User object of Okta's Users API.
pub(crate) fn user(org: &Org, i: usize) -> Value {
    let Seeded {
        first,
        last,
        created,
        status,
    } = seeded(i);
    let id = id(org, i);
    // The org's first admin was made with the org, never activated (Okta's orgs list theirs with
    // `activated: null`), and has signed in.
    let activated = status == "ACTIVE" && i != 0;
    json!({
        "id": id,
        "status": status,
        "created": iso(created),
        "activated": if activated { Value::String(iso(created + 60)) } else { Value::Null },
        "statusChanged": iso(created + 60),
        "lastLogin": if i.is_multiple_of(3) { Value::String(iso(created + 86_400)) } else { Value::Null },
        "lastUpdated": iso(created + 120),
        "passwordChanged": iso(created + 90),
        "type": {"id": USER_TYPE},
        "profile": {
            "firstName": first, "lastName": last, "mobilePhone": Value::Null, "secondEmail": Value::Null,
            "login": login(i), "email": login(i)
        },
        "credentials": {
            "password": {},
            "emails": emails(&login(i)),
            "provider": {"type": "OKTA", "name": "OKTA"}
        },
        "realmId": REALM,
        "_links": {"self": {"href": format!("{}/api/v1/users/{id}", org.base)}}
    })
}
