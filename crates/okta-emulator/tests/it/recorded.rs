//! Real Okta traffic, sent again: each exchange that Okta's Python SDK recorded against real
//! orgs and that the emulator serves (`tests/fixtures/okta-recorded`, made by `cargo xtask
//! recorded`) is replayed against a fresh emulator per recording, ids mapped as answers arrive,
//! and the answer compared with Okta's: status, media type, whether there is a body, every JSON
//! member Okta sent with its type (recursively; the emulator's extra members are reported, not
//! counted), the `Link` relations, `X-Rate-Limit-*`, `DPoP-Nonce` and the error code.
//!
//! Where the emulator answers otherwise on purpose, the difference is decided in
//! docs/emulator.md ("Okta as recorded") and listed in [`DECIDED`]; any other difference fails,
//! and so does a decided one that no longer differs.

use std::collections::{BTreeMap, BTreeSet};

use okta_emulator::{Config, Emulator, SeedApp};
use serde_json::{Value, json};

use crate::{Got, Key, agent, assertion, ath, fixture, proof};

/// Recorded exchanges the emulator answers otherwise on purpose, each decided in
/// docs/emulator.md with its evidence: (source, why).
const DECIDED: &[(&str, &str)] = &[
    (
        "test_applications_it/TestApplicationsResource.test_list_applications_pagination_with_after.yaml#4",
        "built-in apps: a real org lists its own first-party apps (Okta Admin Console, Okta Dashboard, …); the emulator's org has none",
    ),
    (
        "test_applications_it/TestApplicationsResource.test_list_applications_with_http_info.yaml#1",
        "built-in apps: a real org lists its own first-party apps (Okta Admin Console, Okta Dashboard, …); the emulator's org has none",
    ),
    (
        "test_applications_it/TestApplicationsResource.test_list_applications_with_query_parameters.yaml#1",
        "built-in apps: a real org lists its own first-party apps (Okta Admin Console, Okta Dashboard, …); the emulator's org has none",
    ),
    (
        "test_applications_it/TestApplicationsResource.test_list_applications_with_query_parameters.yaml#2",
        "built-in apps: a real org lists its own first-party apps (Okta Admin Console, Okta Dashboard, …); the emulator's org has none",
    ),
    (
        "test_applications_it/TestApplicationsResource.test_list_applications_with_query_parameters.yaml#7",
        "built-in apps: a real org lists its own first-party apps (Okta Admin Console, Okta Dashboard, …); the emulator's org has none",
    ),
    (
        "test_applications_it/TestApplicationsResource.test_list_apps.yaml#2",
        "built-in apps: a real org lists its own first-party apps (Okta Admin Console, Okta Dashboard, …); the emulator's org has none",
    ),
    (
        "test_authenticator_it/TestAuthenticatorResource.test_authenticator_lifecycle.yaml#27",
        "built-in apps: a real org lists its own first-party apps (Okta Admin Console, Okta Dashboard, …); the emulator's org has none",
    ),
    (
        "test_authenticator_it/TestAuthenticatorResource.test_well_known_app_authenticator_configuration.yaml#0",
        "built-in apps: a real org lists its own first-party apps (Okta Admin Console, Okta Dashboard, …); the emulator's org has none",
    ),
    (
        "test_authorization_server_clients_it/TestAuthorizationServerClientsResource.test_auth_server_clients_lifecycle.yaml#1",
        "the recorded org had reached its plan's limit of app instances; the emulator's org has no such limit",
    ),
    (
        "test_groups_it/TestGroupsResource.test_search_group.yaml#1",
        "the group searched for was made earlier by a 2020 exchange whose request body was not recorded, so the replay could not make it",
    ),
    (
        "test_users_it/TestUsersResource.test_suspend_user.yaml#2",
        "the suspended user listed was made earlier by a 2020 exchange whose request body was not recorded, so the replay could not make it",
    ),
    (
        "test_users_it/TestUsersResource.test_user_pagination.yaml#3",
        "the cursor is Okta's, naming a user made earlier by a 2020 exchange whose request body was not recorded, so the replay could not make it; the emulator's cursors are opaque and tamper-evident",
    ),
];

/// One recorded exchange, as extracted.
struct Exchange<'a>(&'a Value);

impl Exchange<'_> {
    fn str(&self, name: &str) -> &str {
        self.0[name].as_str().unwrap_or("")
    }
    fn source(&self) -> &str {
        self.str("source")
    }
    fn recording(&self) -> &str {
        self.source().split('#').next().unwrap_or("")
    }
}

/// A fresh org for one recording, its DPoP-bound service app, and the ids mapped so far.
struct Replay {
    org: Emulator,
    client_id: String,
    key: Key,
    dpop_key: Key,
    ids: BTreeMap<String, String>,
    token: Option<String>,
    nonce: Option<String>,
}

impl Replay {
    /// `scopes`: those of the recording's token requests; without any, the org has no
    /// service app (its app listings hold only what the recording makes).
    fn new(scopes: &[&str]) -> Replay {
        let org = Emulator::start(Config::default()).unwrap();
        let key = Key::fixture("rsa2048", Some("replay-key"));
        let client_id = if scopes.is_empty() {
            String::new()
        } else {
            org.seed_service_app(
                SeedApp::new("replay", vec![key.public.clone()])
                    .dpop(true)
                    .scopes(scopes)
                    .role("SUPER_ADMIN"),
            )
            .unwrap()
        };
        Replay {
            org,
            client_id,
            key,
            dpop_key: Key::fixture("p256", None),
            ids: BTreeMap::new(),
            token: None,
            nonce: None,
        }
    }

    /// The recorded text with every id made so far replaced by the emulator's.
    fn map(&self, text: &str) -> String {
        if let Some(id) = self.ids.get(text) {
            return id.clone();
        }
        let mut out = text.to_owned();
        for (recorded, ours) in &self.ids {
            if recorded.len() >= 15 && out.contains(recorded.as_str()) {
                out = out.replace(recorded.as_str(), ours);
            }
        }
        out
    }

    fn map_value(&self, v: &Value) -> Value {
        match v {
            Value::String(s) => Value::String(self.map(s)),
            Value::Array(items) => items.iter().map(|i| self.map_value(i)).collect(),
            Value::Object(m) => m
                .iter()
                .map(|(k, v)| (k.clone(), self.map_value(v)))
                .collect(),
            other => other.clone(),
        }
    }

    fn map_path(&self, path: &str) -> String {
        path.split('/')
            .map(|segment| {
                let decoded = url::form_urlencoded::parse(format!("x={segment}").as_bytes())
                    .next()
                    .map(|(_, v)| v.into_owned())
                    .unwrap_or_default();
                match self.ids.get(&decoded) {
                    Some(ours) => url::form_urlencoded::byte_serialize(ours.as_bytes()).collect(),
                    None => segment.to_owned(),
                }
            })
            .collect::<Vec<_>>()
            .join("/")
    }

    /// Sends the recorded request, as this org's.
    fn send(&mut self, x: &Exchange) -> Got {
        let path = self.map_path(x.str("path"));
        let query = x.str("query");
        let base = format!("{}{path}", self.org.url());
        let url = if query.is_empty() {
            base.clone()
        } else {
            let pairs: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
                .map(|(k, v)| (k.into_owned(), self.map(&v)))
                .collect();
            let q: String = url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(pairs)
                .finish();
            format!("{base}?{q}")
        };
        let method = x.str("method");
        let mut request = ureq::http::Request::builder()
            .method(method)
            .uri(&url)
            .header("Accept", "application/json");
        let body: Vec<u8>;
        if path == "/oauth2/v1/token" {
            // The recorded assertion and proof were replaced by the recorder: sign our own,
            // with the nonce when the recorded request carried one (its answer was not the
            // nonce challenge).
            let form = &x.0["body"]["form"];
            let aud = format!("{}/oauth2/v1/token", self.org.url());
            let a = assertion(&self.key, &self.client_id, &aud, &[], &[]);
            let nonce = (x.str("error") != "use_dpop_nonce")
                .then(|| self.nonce.clone().unwrap_or_else(|| self.org.dpop_nonce()));
            let claims: Vec<(&str, Value)> =
                nonce.map(|n| ("nonce", json!(n))).into_iter().collect();
            let p = proof(&self.dpop_key, "POST", &aud, &[], &claims);
            body = url::form_urlencoded::Serializer::new(String::new())
                .append_pair("grant_type", form["grant_type"].as_str().unwrap_or(""))
                .append_pair("scope", form["scope"].as_str().unwrap_or(""))
                .append_pair(
                    "client_assertion_type",
                    "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                )
                .append_pair("client_assertion", &a)
                .finish()
                .into_bytes();
            request = request
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("DPoP", p);
        } else {
            match x.str("auth") {
                "dpop" => {
                    let token = self.token.clone().expect("a DPoP call before any token");
                    let mut claims = vec![("ath", json!(ath(&token)))];
                    if let Some(n) = &self.nonce {
                        claims.push(("nonce", json!(n)));
                    }
                    let p = proof(&self.dpop_key, method, &base, &[], &claims);
                    request = request
                        .header("Authorization", format!("DPoP {token}"))
                        .header("DPoP", p);
                }
                _ => {
                    request =
                        request.header("Authorization", format!("SSWS {}", self.org.admin_token()));
                }
            }
            let b = &x.0["body"];
            body = if b.is_null() {
                Vec::new()
            } else {
                request = request.header("Content-Type", "application/json");
                self.map_value(b).to_string().into_bytes()
            };
        }
        let got = crate::collect(agent().run(request.body(body).unwrap()));
        if let Some(n) = got.header("DPoP-Nonce") {
            self.nonce = Some(n.to_owned());
        }
        if path == "/oauth2/v1/token" && got.status == 200 {
            self.token = got.json()["access_token"].as_str().map(str::to_owned);
        }
        got
    }

    /// Learns the emulator's ids from an answer whose recorded shape kept Okta's.
    fn learn(&mut self, shape: &Value, ours: &Value) {
        match (shape, ours) {
            (Value::String(recorded), Value::String(mine)) if !recorded.is_empty() => {
                self.ids
                    .entry(recorded.clone())
                    .or_insert_with(|| mine.clone());
            }
            (Value::Object(r), Value::Object(o)) => {
                for (k, v) in r {
                    if let Some(mine) = o.get(k) {
                        self.learn(v, mine);
                    }
                }
            }
            _ => {}
        }
    }
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// The members Okta sent that ours lacks or types otherwise (`missing`), and ours that Okta did
/// not send (`extra`), by JSON path.
fn compare(
    at: &str,
    okta: &Value,
    ours: &Value,
    missing: &mut Vec<String>,
    extra: &mut Vec<String>,
) {
    match (okta, ours) {
        (Value::Object(o), Value::Object(m)) => {
            for (k, v) in o {
                match m.get(k) {
                    Some(mine) => compare(&format!("{at}.{k}"), v, mine, missing, extra),
                    None => missing.push(format!("{at}.{k} ({}) missing", kind(v))),
                }
            }
            for k in m.keys().filter(|k| !o.contains_key(*k)) {
                extra.push(format!("{at}.{k}"));
            }
        }
        (Value::Array(o), Value::Array(m)) => match (o.first(), m.is_empty()) {
            (Some(_), true) => {
                missing.push(format!("{at}: Okta's list has members, ours is empty"))
            }
            (Some(element), false) => {
                for (i, mine) in m.iter().enumerate() {
                    compare(&format!("{at}[{i}]"), element, mine, missing, extra);
                }
            }
            (None, _) => {}
        },
        // Null and a value are a difference of state, not of type: Okta's members are nullable
        // (`lastLogin` before a first sign-in, `activated` for an org's first admin).
        (Value::Null, _) | (_, Value::Null) => {}
        (o, m) if kind(o) != kind(m) => {
            missing.push(format!("{at}: Okta {}, ours {}", kind(o), kind(m)));
        }
        _ => {}
    }
}

fn rels(values: &[&str]) -> BTreeSet<String> {
    values
        .iter()
        .flat_map(|v| v.split(','))
        .filter_map(|part| part.split("rel=").nth(1))
        .map(|r| r.trim().trim_matches(';').trim_matches('"').to_owned())
        .collect()
}

/// What differs between the recorded answer and ours.
fn differences(x: &Exchange, got: &Got, extras: &mut Vec<String>) -> Vec<String> {
    let mut out = Vec::new();
    let status = x.0["status"].as_u64().unwrap_or(0);
    if u64::from(got.status) != status {
        out.push(format!("status: Okta {status}, ours {}", got.status));
    }
    let ours_type = got.header("Content-Type").map(|t| {
        t.split(';')
            .next()
            .unwrap_or("")
            .trim()
            .to_ascii_lowercase()
    });
    let okta_type = x.0["media_type"].as_str().map(str::to_owned);
    if x.0["has_body"].as_bool() != Some(!got.body.is_empty()) {
        out.push(format!(
            "body: Okta {}, ours {}",
            if x.0["has_body"] == json!(true) {
                "sent one"
            } else {
                "sent none"
            },
            if got.body.is_empty() { "none" } else { "one" }
        ));
    }
    if okta_type.is_some() && okta_type != ours_type && !got.body.is_empty() {
        out.push(format!(
            "Content-Type: Okta {okta_type:?}, ours {ours_type:?}"
        ));
    }
    let ours: Option<Value> = serde_json::from_str(&got.body).ok();
    if let (Some(shape), Some(mine)) = (x.0.get("shape").filter(|s| !s.is_null()), &ours)
        && status == u64::from(got.status)
    {
        compare("$", shape, mine, &mut out, extras);
    }
    let okta_rels: BTreeSet<String> = x.0["link"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .map(str::to_owned)
        .collect();
    let our_rels = rels(&got.all("Link"));
    for rel in okta_rels.difference(&our_rels) {
        out.push(format!("Link rel=\"{rel}\" missing"));
    }
    if x.0["rate_limit"] == json!(true) && got.header("X-Rate-Limit-Limit").is_none() {
        out.push("X-Rate-Limit-* missing".into());
    }
    if x.0["dpop_nonce"] == json!(true) && got.header("DPoP-Nonce").is_none() {
        out.push("DPoP-Nonce missing".into());
    }
    if let Some(code) = x.0["error"].as_str() {
        let mine = ours
            .as_ref()
            .and_then(|v| v.get("errorCode").or_else(|| v.get("error")))
            .and_then(Value::as_str);
        if mine != Some(code) {
            out.push(format!("error: Okta {code}, ours {mine:?}"));
        }
    }
    out
}

#[test]
fn the_emulator_answers_as_okta_did() {
    let extract: Value = serde_json::from_str(&fixture("okta-recorded/exchanges.json")).unwrap();
    let exchanges: Vec<Exchange> = extract["exchanges"]
        .as_array()
        .unwrap()
        .iter()
        .map(Exchange)
        .collect();
    assert!(exchanges.len() > 300, "the extract lost its exchanges");
    let mut by_recording: BTreeMap<&str, Vec<&Exchange>> = BTreeMap::new();
    for x in &exchanges {
        by_recording.entry(x.recording()).or_default().push(x);
    }
    let mut differing: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut extras = Vec::new();
    for (_, recording) in by_recording {
        let scopes: BTreeSet<&str> = recording
            .iter()
            .filter_map(|x| x.0["body"]["form"]["scope"].as_str())
            .flat_map(str::split_whitespace)
            .collect();
        let scopes: Vec<&str> = scopes.into_iter().collect();
        let mut replay = Replay::new(&scopes);
        for x in recording {
            let got = replay.send(x);
            let diffs = differences(x, &got, &mut extras);
            if let (Some(shape), Ok(ours)) =
                (x.0.get("shape"), serde_json::from_str::<Value>(&got.body))
            {
                replay.learn(shape, &ours);
            }
            if !diffs.is_empty() {
                differing.insert(
                    format!("{} {} {}", x.source(), x.str("method"), x.str("path")),
                    diffs,
                );
            }
        }
    }
    let total = exchanges.len();
    let matching = total - differing.len();
    let mut extra_members: BTreeMap<String, usize> = BTreeMap::new();
    for e in extras {
        let general: String = e
            .split('.')
            .map(|p| p.split('[').next().unwrap_or(p))
            .collect::<Vec<_>>()
            .join(".");
        *extra_members.entry(general).or_default() += 1;
    }
    let decided: BTreeSet<&str> = DECIDED.iter().map(|(s, _)| *s).collect();
    let source = |exchange: &str| exchange.split(' ').next().unwrap_or("").to_owned();
    for (exchange, diffs) in &differing {
        let mark = if decided.contains(source(exchange).as_str()) {
            "differs (decided in docs/emulator.md)"
        } else {
            "DIFFERS"
        };
        eprintln!("{mark}: {exchange}");
        for d in diffs {
            eprintln!("    {d}");
        }
    }
    eprintln!(
        "the emulator sends {} members Okta's recordings do not show: {}",
        extra_members.len(),
        extra_members.keys().cloned().collect::<Vec<_>>().join(", ")
    );
    eprintln!(
        "{matching} of {total} recorded exchanges match ({} differ as decided in \
         docs/emulator.md)",
        differing.len()
    );
    let undecided: Vec<&String> = differing
        .keys()
        .filter(|k| !decided.contains(k.split(' ').next().unwrap_or("")))
        .collect();
    let stale: Vec<&&str> = decided
        .iter()
        .filter(|s| !differing.keys().any(|k| k.split(' ').next() == Some(**s)))
        .collect();
    assert!(
        undecided.is_empty() && stale.is_empty(),
        "{} exchanges differ from Okta's recordings without a decision in docs/emulator.md: \
         {undecided:#?}\ndecided differences that no longer differ (drop them from DECIDED): \
         {stale:#?}",
        undecided.len()
    );
}
