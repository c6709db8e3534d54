//! `cargo xtask recorded [--check]`: the exchanges of real Okta traffic that the emulator's
//! replay test (`crates/okta-emulator/tests/it/recorded.rs`) sends again, extracted from the
//! recordings of Okta's Python management SDK (`../shared/okta-recordings`, beside the
//! repository) into committed data, so that a clone alone runs the replay.
//!
//! An exchange is kept when the emulator serves its operation (method and path template below)
//! and the replay can send it: its request body was recorded where the operation needs one, and
//! every id in its path was made by an exchange kept before it in the same recording (or the
//! recorded answer is a 404, so the id is meant not to exist). What is kept of an answer is what
//! the replay compares: the status, the media type, whether there is a body, the JSON members and
//! their types (strings emptied, except those a later request of the recording names: the ids the
//! replay maps), the `Link` relations, whether `X-Rate-Limit-*` and `DPoP-Nonce` were sent, and
//! the error code. Okta's texts (error summaries, descriptions) are left out, as are credentials
//! (the recorder had replaced them already: they were never real).
//!
//! `--check` extracts again and compares, where `../shared/okta-recordings` is present.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};

use crate::root;

/// Where the extract lives (the emulator's `tests/fixtures` links here).
pub(crate) const FILE: &str = "tests/fixtures/okta-recorded/exchanges.json";

/// The recordings, beside the repository.
const SHARED: &str = "../shared/okta-recordings";

/// Where they came from: the repository, its commit, its licence.
const ORIGIN: &str = "github.com/okta/okta-sdk-python, tests/integration/cassettes, \
                      commit f68509793adefde945ab53ff38f83fab578e3966 (v3.4.4), Apache-2.0";

/// The recordings' folder inside `../shared/okta-recordings`.
const CASSETTES: &str = "okta-sdk-python/cassettes";

/// The recorded org, replaced by the emulator's on replay.
const RECORDED_ORG: &str = "https://test.okta.com";

/// Recordings that are not Okta's own answers (hand-made or edited in the SDK's repository, as
/// the recordings' README lists): left out whole.
const HAND_MADE: [&str; 3] = [
    "test_application_cross_app_access_connections_it/",
    "test_users_it/TestUsersResource.test_forgot_password.yaml",
    "test_groups_it/TestGroupsResource.test_group_profile_custom_attributes.yaml",
];

/// The operations the emulator serves: method, path template (`{…}` an id made earlier), and
/// whether the request needs a body (a recording without one cannot be sent again).
const OPERATIONS: &[Operation] = &[
    ("GET", "/.well-known/openid-configuration", false),
    ("GET", "/.well-known/oauth-authorization-server", false),
    ("GET", "/.well-known/okta-organization", false),
    ("GET", "/oauth2/v1/keys", false),
    ("POST", "/oauth2/v1/token", true),
    ("POST", "/oauth2/v1/clients/{client}/roles", true),
    ("GET", "/oauth2/v1/clients/{client}/roles", false),
    (
        "GET",
        "/oauth2/v1/clients/{client}/roles/{assignment}",
        false,
    ),
    (
        "DELETE",
        "/oauth2/v1/clients/{client}/roles/{assignment}",
        false,
    ),
    ("POST", "/api/v1/apps", true),
    ("GET", "/api/v1/apps", false),
    ("GET", "/api/v1/apps/{app}", false),
    ("PUT", "/api/v1/apps/{app}", true),
    ("DELETE", "/api/v1/apps/{app}", false),
    ("POST", "/api/v1/apps/{app}/lifecycle/activate", false),
    ("POST", "/api/v1/apps/{app}/lifecycle/deactivate", false),
    ("POST", "/api/v1/apps/{app}/grants", true),
    ("GET", "/api/v1/apps/{app}/grants", false),
    ("GET", "/api/v1/apps/{app}/grants/{grant}", false),
    ("DELETE", "/api/v1/apps/{app}/grants/{grant}", false),
    ("POST", "/api/v1/apps/{app}/credentials/jwks", true),
    ("GET", "/api/v1/apps/{app}/credentials/jwks", false),
    ("GET", "/api/v1/apps/{app}/credentials/jwks/{key}", false),
    ("DELETE", "/api/v1/apps/{app}/credentials/jwks/{key}", false),
    (
        "POST",
        "/api/v1/apps/{app}/credentials/jwks/{key}/lifecycle/activate",
        false,
    ),
    (
        "POST",
        "/api/v1/apps/{app}/credentials/jwks/{key}/lifecycle/deactivate",
        false,
    ),
    ("POST", "/api/v1/apps/{app}/credentials/secrets", false),
    ("GET", "/api/v1/apps/{app}/credentials/secrets", false),
    (
        "GET",
        "/api/v1/apps/{app}/credentials/secrets/{secret}",
        false,
    ),
    (
        "DELETE",
        "/api/v1/apps/{app}/credentials/secrets/{secret}",
        false,
    ),
    (
        "POST",
        "/api/v1/apps/{app}/credentials/secrets/{secret}/lifecycle/activate",
        false,
    ),
    (
        "POST",
        "/api/v1/apps/{app}/credentials/secrets/{secret}/lifecycle/deactivate",
        false,
    ),
    ("POST", "/api/v1/apps/{app}/users", true),
    ("GET", "/api/v1/apps/{app}/users", false),
    ("GET", "/api/v1/apps/{app}/users/{user}", false),
    ("DELETE", "/api/v1/apps/{app}/users/{user}", false),
    ("GET", "/api/v1/apps/{app}/groups", false),
    ("GET", "/api/v1/apps/{app}/groups/{group}", false),
    ("PUT", "/api/v1/apps/{app}/groups/{group}", false),
    ("DELETE", "/api/v1/apps/{app}/groups/{group}", false),
    ("POST", "/api/v1/users", true),
    ("GET", "/api/v1/users", false),
    ("GET", "/api/v1/users/{user}", false),
    ("POST", "/api/v1/users/{user}", true),
    ("PUT", "/api/v1/users/{user}", true),
    ("DELETE", "/api/v1/users/{user}", false),
    ("POST", "/api/v1/users/{user}/lifecycle/activate", false),
    ("POST", "/api/v1/users/{user}/lifecycle/deactivate", false),
    ("POST", "/api/v1/users/{user}/lifecycle/suspend", false),
    ("POST", "/api/v1/users/{user}/lifecycle/unsuspend", false),
    ("POST", "/api/v1/users/{user}/roles", true),
    ("GET", "/api/v1/users/{user}/roles", false),
    ("GET", "/api/v1/users/{user}/roles/{assignment}", false),
    ("DELETE", "/api/v1/users/{user}/roles/{assignment}", false),
    ("POST", "/api/v1/groups", true),
    ("GET", "/api/v1/groups", false),
    ("GET", "/api/v1/groups/{group}", false),
    ("PUT", "/api/v1/groups/{group}", true),
    ("DELETE", "/api/v1/groups/{group}", false),
    ("GET", "/api/v1/groups/{group}/users", false),
    ("PUT", "/api/v1/groups/{group}/users/{user}", false),
    ("DELETE", "/api/v1/groups/{group}/users/{user}", false),
    ("POST", "/api/v1/iam/roles", true),
    ("GET", "/api/v1/iam/roles", false),
    ("GET", "/api/v1/iam/roles/{role}", false),
    ("DELETE", "/api/v1/iam/roles/{role}", false),
    ("GET", "/api/v1/api-tokens", false),
    ("GET", "/api/v1/api-tokens/{token}", false),
    ("DELETE", "/api/v1/api-tokens/{token}", false),
    ("POST", "/api/v1/iam/resource-sets", true),
    ("GET", "/api/v1/iam/resource-sets", false),
    ("GET", "/api/v1/iam/resource-sets/{set}", false),
    ("DELETE", "/api/v1/iam/resource-sets/{set}", false),
];

/// The operation a recorded request belongs to, and the ids its path names.
/// One operation: method, path template, whether the request needs a body.
type Operation = (&'static str, &'static str, bool);

fn operation(method: &str, path: &str) -> Option<(&'static Operation, Vec<String>)> {
    let segments: Vec<&str> = path.trim_matches('/').split('/').collect();
    OPERATIONS.iter().find_map(|op| {
        if op.0 != method {
            return None;
        }
        let template: Vec<&str> = op.1.trim_matches('/').split('/').collect();
        if template.len() != segments.len() {
            return None;
        }
        let mut ids = Vec::new();
        for (t, s) in template.iter().zip(&segments) {
            if t.starts_with('{') {
                ids.push(percent_decode(s));
            } else if t != s {
                return None;
            }
        }
        Some((op, ids))
    })
}

/// `%XX` decoded (a login in a path is sent encoded).
fn percent_decode(s: &str) -> String {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let hex = |at: usize| bytes.get(at).and_then(|b| char::from(*b).to_digit(16));
        if let (b'%', Some(h), Some(l)) = (bytes[i], hex(i + 1), hex(i + 2)) {
            out.push(u8::try_from(h * 16 + l).unwrap_or(b'?'));
            i += 3;
            continue;
        }
        out.push(bytes[i]);
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// A header's values, whichever way the recorder wrote them (a list, or one string in 2020).
fn header<'a>(headers: &'a Value, name: &str) -> Vec<&'a str> {
    let Some(map) = headers.as_object() else {
        return Vec::new();
    };
    map.iter()
        .filter(|(k, _)| k.eq_ignore_ascii_case(name))
        .flat_map(|(_, v)| match v {
            Value::String(s) => vec![s.as_str()],
            Value::Array(items) => items.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// What stands for a password or a recovery answer a recorded request sent: the test data of
/// Okta's SDK, but credentials by their place, so not carried into the repository.
const PLACEHOLDER: &str = "Replay-Passw0rd!";

/// A request body with its credentials (`password.value`, `recovery_question.answer`) replaced
/// by [`PLACEHOLDER`].
fn without_credentials(v: &Value) -> Value {
    match v {
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| {
                    let v = match (k.as_str(), v) {
                        ("password", Value::Object(p))
                            if p.get("value").is_some_and(Value::is_string) =>
                        {
                            let mut p = p.clone();
                            p.insert("value".into(), json!(PLACEHOLDER));
                            Value::Object(p)
                        }
                        ("answer", Value::String(_)) => json!(PLACEHOLDER),
                        _ => without_credentials(v),
                    };
                    (k.clone(), v)
                })
                .collect(),
        ),
        Value::Array(items) => items.iter().map(without_credentials).collect(),
        other => other.clone(),
    }
}

/// Every string in a JSON value.
fn strings(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Array(items) => items.iter().for_each(|i| strings(i, out)),
        Value::Object(map) => map.values().for_each(|i| strings(i, out)),
        _ => {}
    }
}

/// The strings of a JSON value that are not inside a list.
fn strings_outside_lists(v: &Value, out: &mut BTreeSet<String>) {
    match v {
        Value::String(s) => {
            out.insert(s.clone());
        }
        Value::Object(map) => map.values().for_each(|i| strings_outside_lists(i, out)),
        _ => {}
    }
}

/// The shape of an answer: members and types, strings emptied unless `keep` holds them, a list
/// as one element holding what all its elements have (or empty).
fn shape(v: &Value, keep: &BTreeSet<String>) -> Value {
    match v {
        Value::String(s) if keep.contains(s) => Value::String(s.clone()),
        Value::String(_) => json!(""),
        Value::Number(_) => json!(0),
        Value::Bool(_) => json!(false),
        Value::Null => Value::Null,
        Value::Object(map) => Value::Object(
            map.iter()
                .map(|(k, v)| (k.clone(), shape(v, keep)))
                .collect(),
        ),
        Value::Array(items) => {
            let empty = BTreeSet::new();
            let mut common: Option<Value> = None;
            for item in items {
                let s = shape(item, &empty);
                common = Some(match common {
                    None => s,
                    Some(c) => intersect(&c, &s).unwrap_or(Value::Null),
                });
            }
            Value::Array(common.into_iter().collect())
        }
    }
}

/// What two shapes share: the members both have with the same type (`None`: nothing shared).
fn intersect(a: &Value, b: &Value) -> Option<Value> {
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => Some(Value::Object(
            x.iter()
                .filter_map(|(k, v)| Some((k.clone(), intersect(v, y.get(k)?)?)))
                .collect(),
        )),
        (Value::Array(x), Value::Array(y)) => Some(match (x.first(), y.first()) {
            (Some(p), Some(q)) => Value::Array(intersect(p, q).into_iter().collect()),
            _ => json!([]),
        }),
        (Value::String(_), Value::String(_)) => Some(json!("")),
        (Value::Number(_), Value::Number(_)) => Some(json!(0)),
        (Value::Bool(_), Value::Bool(_)) => Some(json!(false)),
        (Value::Null, Value::Null) => Some(Value::Null),
        _ => None,
    }
}

/// The `rel` of each link in `Link` headers.
fn link_rels(values: &[&str]) -> Vec<String> {
    let mut rels = BTreeSet::new();
    for value in values {
        for part in value.split(',') {
            if let Some(at) = part.find("rel=") {
                let rel = part[at + 4..]
                    .trim()
                    .trim_matches('"')
                    .trim_end_matches(';');
                rels.insert(rel.trim_matches('"').to_owned());
            }
        }
    }
    rels.into_iter().collect()
}

/// One recorded interaction, read.
struct Recorded {
    method: String,
    path: String,
    query: String,
    auth: &'static str,
    dpop: bool,
    body: Value,
    status: u64,
    response_headers: Value,
    response_body: String,
}

fn read_interaction(it: &Value) -> Result<Recorded> {
    let request = &it["request"];
    let response = &it["response"];
    let uri = request["uri"].as_str().context("a request without uri")?;
    let rest = uri
        .strip_prefix(RECORDED_ORG)
        .with_context(|| format!("{uri} is not at {RECORDED_ORG}"))?;
    let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
    let authorization = header(&request["headers"], "Authorization");
    let auth = match authorization
        .first()
        .and_then(|a| a.split_whitespace().next())
    {
        Some("SSWS") => "ssws",
        Some("Bearer") => "bearer",
        Some("DPoP") => "dpop",
        _ => "none",
    };
    let body = match &request["body"] {
        Value::Null => Value::Null,
        Value::String(text) => serde_json::from_str(text).unwrap_or(Value::String(text.clone())),
        form @ Value::Object(_) => json!({ "form": form }),
        other => other.clone(),
    };
    Ok(Recorded {
        method: request["method"].as_str().context("no method")?.to_owned(),
        path: path.to_owned(),
        query: query.to_owned(),
        auth,
        dpop: !header(&request["headers"], "DPoP").is_empty(),
        body,
        status: response["status"]["code"].as_u64().context("no status")?,
        response_headers: response["headers"].clone(),
        response_body: response["body"]["string"].as_str().unwrap_or("").to_owned(),
    })
}

/// Why a recorded exchange is not replayed (`None`: it is).
fn leave_out(
    r: &Recorded,
    op: Option<&(&str, &str, bool)>,
    ids: &[String],
    known: &BTreeSet<String>,
) -> Option<String> {
    let Some(&(_, template, needs_body)) = op else {
        return Some("not served by the emulator".into());
    };
    if needs_body && r.body.is_null() {
        return Some("request body not recorded".into());
    }
    if template == "/api/v1/apps" && r.method == "POST" {
        let mode = r.body["signOnMode"]
            .as_str()
            .or_else(|| r.body["name"].as_str())
            .unwrap_or("");
        if mode != "OPENID_CONNECT" {
            return Some(format!("a {mode} app (the emulator serves OIDC apps)"));
        }
    }
    if template == "/oauth2/v1/token" {
        let form = &r.body["form"];
        if form["grant_type"].as_str() != Some("client_credentials") || !r.dpop {
            return Some("a token request other than client credentials with DPoP".into());
        }
    }
    if r.auth == "bearer" {
        return Some("a Bearer call (the replay's service app is DPoP-bound)".into());
    }
    if let Some(id) = ids.iter().find(|id| !known.contains(*id))
        && r.status != 404
    {
        return Some(format!("names {id}, which no kept exchange made"));
    }
    None
}

/// The extract of one recording: its kept exchanges, and why the others were left.
fn extract_recording(
    name: &str,
    doc: &Value,
    left: &mut BTreeMap<String, usize>,
) -> Result<Vec<Value>> {
    let interactions = doc["interactions"].as_array().context("no interactions")?;
    let recorded: Vec<Recorded> = interactions
        .iter()
        .map(read_interaction)
        .collect::<Result<_>>()?;
    // First pass: which exchanges are kept, and what each makes known.
    let mut known = BTreeSet::new();
    let mut kept = Vec::new();
    for (index, r) in recorded.iter().enumerate() {
        let found = operation(&r.method, &r.path);
        let (op, ids) = match &found {
            Some((op, ids)) => (Some(*op), ids.clone()),
            None => (None, Vec::new()),
        };
        if let Some(why) = leave_out(r, op, &ids, &known) {
            if std::env::var_os("RECORDED_VERBOSE").is_some() {
                eprintln!("{name}#{index} {} {}: {why}", r.method, r.path);
            }
            let why = if why.starts_with("names ") {
                "names an id no kept exchange made".to_owned()
            } else {
                why
            };
            *left.entry(why).or_default() += 1;
            continue;
        }
        strings(&r.body, &mut known);
        if let Ok(answer) = serde_json::from_str::<Value>(&r.response_body) {
            // Not from lists: the replay cannot tell which of its elements is which.
            strings_outside_lists(&answer, &mut known);
        }
        kept.push((index, op.map(|o| o.1).unwrap_or_default()));
    }
    // Second pass: the strings later requests name, which the replay maps.
    let mut out = Vec::new();
    for (n, (index, template)) in kept.iter().enumerate() {
        let r = &recorded[*index];
        let mut named = BTreeSet::new();
        for (later, _) in &kept[n + 1..] {
            let l = &recorded[*later];
            for segment in l.path.split('/') {
                named.insert(percent_decode(segment));
            }
            for pair in l.query.split('&') {
                if let Some((_, v)) = pair.split_once('=') {
                    named.insert(percent_decode(v));
                }
            }
            strings(&l.body, &mut named);
        }
        named.retain(|s| s.len() >= 6);
        let answer: Option<Value> = serde_json::from_str(&r.response_body).ok();
        let media_type = header(&r.response_headers, "Content-Type")
            .first()
            .map(|t| {
                t.split(';')
                    .next()
                    .unwrap_or("")
                    .trim()
                    .to_ascii_lowercase()
            });
        let error_code = answer.as_ref().and_then(|a| {
            a.get("errorCode")
                .or_else(|| a.get("error"))
                .and_then(Value::as_str)
                .map(str::to_owned)
        });
        let body = if *template == "/oauth2/v1/token" {
            // Only what the replay sends again: it signs its own assertion and proof.
            let form = &r.body["form"];
            json!({ "form": { "grant_type": form["grant_type"], "scope": form["scope"] } })
        } else {
            without_credentials(&r.body)
        };
        out.push(json!({
            "source": format!("{name}#{index}"),
            "recorded": header(&r.response_headers, "Date").first().map(|d| year(d)),
            "method": r.method,
            "path": r.path,
            "query": r.query,
            "auth": r.auth,
            "dpop": r.dpop,
            "body": body,
            "status": r.status,
            "media_type": media_type,
            "has_body": !r.response_body.is_empty(),
            "shape": answer.as_ref().map(|a| shape(a, &named)),
            "link": link_rels(&header(&r.response_headers, "Link")),
            "rate_limit": !header(&r.response_headers, "X-Rate-Limit-Limit").is_empty(),
            "dpop_nonce": !header(&r.response_headers, "DPoP-Nonce").is_empty(),
            "error": error_code,
        }));
    }
    Ok(out)
}

/// The year of an HTTP date (`Thu, 27 Aug 2020 18:15:49 GMT` → 2020).
fn year(date: &str) -> Value {
    date.split_whitespace()
        .nth(3)
        .and_then(|y| y.parse::<u64>().ok())
        .map_or(Value::Null, Value::from)
}

fn recordings(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for folder in std::fs::read_dir(dir).with_context(|| format!("reading {}", dir.display()))? {
        let folder = folder?.path();
        if folder.is_dir() {
            for file in std::fs::read_dir(&folder)? {
                let file = file?.path();
                if file.extension().is_some_and(|e| e == "yaml") {
                    files.push(file);
                }
            }
        }
    }
    files.sort();
    Ok(files)
}

fn extract(shared: &Path) -> Result<(Value, BTreeMap<String, usize>, usize)> {
    let dir = shared.join(CASSETTES);
    let mut exchanges = Vec::new();
    let mut left = BTreeMap::new();
    let mut total = 0;
    for file in recordings(&dir)? {
        let name = file
            .strip_prefix(&dir)?
            .to_string_lossy()
            .replace('\\', "/");
        let text = std::fs::read_to_string(&file)?;
        let doc: Value =
            serde_norway::from_str(&text).with_context(|| format!("{name} is not YAML"))?;
        total += doc["interactions"].as_array().map_or(0, Vec::len);
        if HAND_MADE.iter().any(|h| name.starts_with(h)) {
            *left
                .entry("hand-made, not Okta's answer".to_owned())
                .or_default() += doc["interactions"].as_array().map_or(0, Vec::len);
            continue;
        }
        exchanges.extend(extract_recording(&name, &doc, &mut left)?);
    }
    let mut header = Map::new();
    header.insert("source".into(), json!(ORIGIN));
    header.insert(
        "extracted_by".into(),
        json!("cargo xtask recorded (xtask/src/recorded.rs)"),
    );
    header.insert("recorded_org".into(), json!(RECORDED_ORG));
    header.insert("exchanges".into(), Value::Array(exchanges));
    Ok((Value::Object(header), left, total))
}

/// `cargo xtask recorded [--check]`.
pub(crate) fn run(check: bool) -> Result<()> {
    let shared = root().join(SHARED);
    let file = root().join(FILE);
    if !shared.is_dir() {
        if check {
            eprintln!(
                "recorded: {SHARED} is not beside the repository; the committed exchanges are \
                 not compared with the recordings (the replay still reads them)"
            );
            return Ok(());
        }
        bail!(
            "{SHARED} is missing: the exchanges are extracted from the recordings beside the repository"
        );
    }
    let (extract, left, total) = extract(&shared)?;
    let kept = extract["exchanges"].as_array().map_or(0, Vec::len);
    let text = serde_json::to_string_pretty(&extract)? + "\n";
    if check {
        let committed = std::fs::read_to_string(&file).unwrap_or_default();
        if committed != text {
            bail!("{FILE} is not what {SHARED} says: run `cargo xtask recorded`");
        }
        eprintln!("recorded: {FILE} matches {SHARED} ({kept} of {total} exchanges replayed)");
    } else {
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(&file, text).with_context(|| format!("writing {FILE}"))?;
        eprintln!("recorded: {kept} of {total} recorded exchanges written to {FILE}; left out:");
        for (why, n) in &left {
            eprintln!("  {n:5}  {why}");
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn credentials_in_a_recorded_request_are_replaced() {
        let body = json!({
            "profile": {"login": "a@example.com"},
            "credentials": {"password": {"value": "Password150kta"},
                            "recovery_question": {"question": "Colour?", "answer": "teal"}}
        });
        let kept = without_credentials(&body);
        assert_eq!(kept["credentials"]["password"]["value"], PLACEHOLDER);
        assert_eq!(
            kept["credentials"]["recovery_question"]["answer"],
            PLACEHOLDER
        );
        assert_eq!(
            kept["credentials"]["recovery_question"]["question"],
            "Colour?"
        );
        assert_eq!(kept["profile"]["login"], "a@example.com");
        assert!(!kept.to_string().contains("Password150kta"));
    }

    #[test]
    fn a_shape_keeps_members_and_types_and_only_the_named_strings() {
        let keep: BTreeSet<String> = ["0oa1".to_owned()].into();
        let answer = json!({"id": "0oa1", "label": "x", "n": 3, "ok": true, "none": null,
                            "list": [{"a": 1, "b": "x"}, {"a": 2}]});
        assert_eq!(
            shape(&answer, &keep),
            json!({"id": "0oa1", "label": "", "n": 0, "ok": false, "none": null,
                   "list": [{"a": 0}]})
        );
        assert_eq!(
            link_rels(&["<https://o/x>; rel=\"self\", <https://o/y>; rel=\"next\""]),
            ["next", "self"]
        );
    }
}
