//! The user half of Okta's guide: app assignments enforced at sign-in, users' admin roles
//! enforced on their tokens (E0000006), the sign-in page, and the device authorization grant
//! (RFC 8628). Okta's texts: "User is not assigned to the client application." (the
//! `access_denied` Okta sends back for an unassigned user), "Unable to sign in" (its sign-in
//! widget), and RFC 8628 §3.5's error codes.

use std::sync::Arc;

use okta_emulator::{Config, ManualClock};
use serde_json::{Value, json};

use crate::{Got, World, delete, get, post_form, post_json, put_json};

const REDIRECT: &str = "http://127.0.0.1:53682/callback";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; // RFC 7636 Appendix B
const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const DEVICE: &str = "urn:ietf:params:oauth:grant-type:device_code";

fn ssws(w: &World) -> [(&'static str, String); 1] {
    [("Authorization", w.ssws())]
}

fn h<'a>(pairs: &'a [(&'static str, String)]) -> Vec<(&'static str, &'a str)> {
    pairs.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// A public app through the Apps API, granted okta.users.read, assigned to nobody.
fn app(w: &World, kind: &str, grants: &[&str]) -> String {
    let body = json!({
        "name": "oidc_client", "label": format!("{kind} app"), "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"token_endpoint_auth_method": "none"}},
        "settings": {"oauthClient": {"application_type": kind, "grant_types": grants,
            "response_types": ["code"], "redirect_uris": [REDIRECT]}}
    });
    let got = post_json(&w.url("/api/v1/apps"), &body, &h(&ssws(w)));
    assert_eq!(got.status, 200, "{}", got.body);
    let id = got.json()["id"].as_str().unwrap().to_owned();
    let grant = post_json(
        &w.url(&format!("/api/v1/apps/{id}/grants")),
        &json!({"scopeId": "okta.users.read", "issuer": w.org.url()}),
        &h(&ssws(w)),
    );
    assert_eq!(grant.status, 201, "{}", grant.body);
    id
}

fn authorize(w: &World, id: &str, login: Option<&str>) -> Got {
    let mut params = vec![
        ("client_id", id),
        ("response_type", "code"),
        ("redirect_uri", REDIRECT),
        ("scope", "openid okta.users.read"),
        ("state", "st-1"),
        ("code_challenge", CHALLENGE),
        ("code_challenge_method", "S256"),
    ];
    if let Some(l) = login {
        params.push(("login_hint", l));
    }
    let q: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    get(&w.url(&format!("/oauth2/v1/authorize?{q}")), &[])
}

fn query_of(got: &Got) -> Vec<(String, String)> {
    assert_eq!(got.status, 302, "{}", got.body);
    url::Url::parse(got.header("location").unwrap())
        .unwrap()
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn param(q: &[(String, String)], name: &str) -> Option<String> {
    q.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone())
}

fn user_id(w: &World, login: &str) -> String {
    let got = get(&w.url(&format!("/api/v1/users/{login}")), &h(&ssws(w)));
    assert_eq!(got.status, 200, "{}", got.body);
    got.json()["id"].as_str().unwrap().to_owned()
}

/// Signs `login` in to `id` by script and returns the user's access token.
fn user_token(w: &World, id: &str, login: &str) -> String {
    let code = param(&query_of(&authorize(w, id, Some(login))), "code").expect("a code");
    let got = post_form(
        &w.url("/oauth2/v1/token"),
        &[
            ("grant_type", "authorization_code"),
            ("client_id", id),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
        &[],
    );
    assert_eq!(got.status, 200, "{}", got.body);
    got.json()["access_token"].as_str().unwrap().to_owned()
}

#[test]
fn only_assigned_users_sign_in_directly_or_through_a_group() {
    let w = World::new(false);
    let id = app(&w, "native", &["authorization_code"]);
    // Nobody is assigned: Okta sends the user back with access_denied and its text.
    let q = query_of(&authorize(&w, &id, Some("user1@example.com")));
    assert_eq!(param(&q, "error").as_deref(), Some("access_denied"));
    assert_eq!(
        param(&q, "error_description").as_deref(),
        Some("User is not assigned to the client application.")
    );
    assert_eq!(param(&q, "state").as_deref(), Some("st-1"));
    assert_eq!(param(&q, "code"), None);

    // A direct assignment (the body of Okta's AppUserAssignSSORequest example).
    let uid = user_id(&w, "user1@example.com");
    let users_url = w.url(&format!("/api/v1/apps/{id}/users"));
    let got = post_json(
        &users_url,
        &json!({"id": uid, "scope": "USER", "credentials": {"userName": "user1@example.com"}}),
        &h(&ssws(&w)),
    );
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json()["id"], uid.as_str());
    assert_eq!(got.json()["scope"], "USER");
    assert_eq!(got.json()["credentials"]["userName"], "user1@example.com");
    let listed = get(&users_url, &h(&ssws(&w))).json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    assert!(
        param(
            &query_of(&authorize(&w, &id, Some("user1@example.com"))),
            "code"
        )
        .is_some()
    );
    // Another user is still refused.
    let q = query_of(&authorize(&w, &id, Some("user2@example.com")));
    assert_eq!(param(&q, "error").as_deref(), Some("access_denied"));

    // A group assignment lets its members in, and only them.
    let group = post_json(
        &w.url("/api/v1/groups"),
        &json!({"profile": {"name": "Signers"}}),
        &h(&ssws(&w)),
    );
    assert_eq!(group.status, 200, "{}", group.body);
    let gid = group.json()["id"].as_str().unwrap().to_owned();
    let u2 = user_id(&w, "user2@example.com");
    let member = put_json(
        &w.url(&format!("/api/v1/groups/{gid}/users/{u2}")),
        &json!({}),
        &h(&ssws(&w)),
    );
    assert_eq!(member.status, 204, "{}", member.body);
    let assigned = put_json(
        &w.url(&format!("/api/v1/apps/{id}/groups/{gid}")),
        &json!({"priority": 0}),
        &h(&ssws(&w)),
    );
    assert_eq!(assigned.status, 200, "{}", assigned.body);
    assert_eq!(assigned.json()["id"], gid.as_str());
    assert!(
        param(
            &query_of(&authorize(&w, &id, Some("user2@example.com"))),
            "code"
        )
        .is_some()
    );
    let q = query_of(&authorize(&w, &id, Some("user3@example.com")));
    assert_eq!(param(&q, "error").as_deref(), Some("access_denied"));

    // Unassigning takes sign-in away again.
    let gone = delete(&format!("{users_url}/{uid}"), &h(&ssws(&w)));
    assert_eq!(gone.status, 204, "{}", gone.body);
    assert_eq!(
        get(&format!("{users_url}/{uid}"), &h(&ssws(&w))).status,
        404
    );
    let q = query_of(&authorize(&w, &id, Some("user1@example.com")));
    assert_eq!(param(&q, "error").as_deref(), Some("access_denied"));
    // An unknown group or user cannot be assigned.
    let bad = put_json(
        &w.url(&format!("/api/v1/apps/{id}/groups/00gnothere0000000000")),
        &json!({}),
        &h(&ssws(&w)),
    );
    assert_eq!(bad.status, 404);
    let bad = post_json(
        &users_url,
        &json!({"id": "00unothere0000000000"}),
        &h(&ssws(&w)),
    );
    assert_eq!(bad.status, 404);
}

#[test]
fn a_user_token_needs_the_users_admin_role() {
    let w = World::new(false);
    let id = app(&w, "native", &["authorization_code"]);
    let everyone = put_json(
        &w.url(&format!("/api/v1/apps/{id}/groups/00g0000000000everyone")),
        &json!({}),
        &h(&ssws(&w)),
    );
    assert_eq!(everyone.status, 200);
    let at = user_token(&w, &id, "user1@example.com");
    let bearer = [("Authorization", format!("Bearer {at}"))];
    // The scope is there, the permission is not: Okta's E0000006.
    let got = get(&w.url("/api/v1/users?limit=1"), &h(&bearer));
    assert_eq!(got.status, 403, "{}", got.body);
    assert_eq!(got.json()["errorCode"], "E0000006");

    let uid = user_id(&w, "user1@example.com");
    let roles = w.url(&format!("/api/v1/users/{uid}/roles"));
    let got = post_json(&roles, &json!({"type": "READ_ONLY_ADMIN"}), &h(&ssws(&w)));
    assert_eq!(got.status, 201, "{}", got.body);
    let role = got.json();
    assert_eq!(role["type"], "READ_ONLY_ADMIN");
    assert_eq!(role["assignmentType"], "USER");
    assert_eq!(role["status"], "ACTIVE");
    // The same token now reads users: the role is checked at each call, as Okta does.
    assert_eq!(
        get(&w.url("/api/v1/users?limit=1"), &h(&bearer)).status,
        200
    );
    // A second assignment of the same role is Okta's E0000090.
    let again = post_json(&roles, &json!({"type": "READ_ONLY_ADMIN"}), &h(&ssws(&w)));
    assert_eq!(again.status, 409);
    assert_eq!(again.json()["errorCode"], "E0000090");
    let bad = post_json(&roles, &json!({"type": "EMPEROR"}), &h(&ssws(&w)));
    assert_eq!(bad.status, 400);
    let listed = get(&roles, &h(&ssws(&w))).json();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let ra = role["id"].as_str().unwrap();
    assert_eq!(get(&format!("{roles}/{ra}"), &h(&ssws(&w))).status, 200);
    assert_eq!(delete(&format!("{roles}/{ra}"), &h(&ssws(&w))).status, 204);
    assert_eq!(
        get(&w.url("/api/v1/users?limit=1"), &h(&bearer)).status,
        403
    );
}

fn page_world() -> World {
    World::with(
        {
            let mut config = Config::default();
            config.default_login = None;
            config
        },
        "p256",
        false,
    )
}

/// The hidden `request` field of a sign-in page.
fn handle_of(page: &str) -> String {
    let at = page
        .find("name=\"request\" value=\"")
        .expect("a request field")
        + 22;
    page[at..].split('"').next().unwrap().to_owned()
}

#[test]
fn the_sign_in_page_checks_the_password_and_sends_the_code_back() {
    let w = page_world();
    let id = app(&w, "web", &["authorization_code"]);
    put_json(
        &w.url(&format!("/api/v1/apps/{id}/groups/00g0000000000everyone")),
        &json!({}),
        &h(&ssws(&w)),
    );
    // A login_hint prefills the form; it is escaped, never markup.
    let page = authorize(&w, &id, Some("\"><script>alert(1)</script>"));
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.header("content-type")
            .unwrap()
            .starts_with("text/html")
    );
    assert!(
        page.header("content-security-policy")
            .unwrap()
            .contains("default-src 'none'")
    );
    assert!(!page.body.contains("<script>"), "{}", page.body);
    assert!(page.body.contains("&quot;&gt;&lt;script&gt;"));
    assert!(page.body.contains("id=\"okta-signin-username\""));
    let handle = handle_of(&page.body);
    let sign_in = w.url("/login/sign-in");
    let wrong = post_form(
        &sign_in,
        &[
            ("request", &handle),
            ("username", "user1@example.com"),
            ("password", "nope"),
        ],
        &[],
    );
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("Unable to sign in"), "{}", wrong.body);
    assert!(
        !wrong.body.contains("nope"),
        "the password is never shown back"
    );
    // A user who is not ACTIVE (user 7 is STAGED) cannot sign in either, with the same words.
    let staged = post_form(
        &sign_in,
        &[
            ("request", &handle),
            ("username", "user7@example.com"),
            ("password", okta_emulator::DEFAULT_PASSWORD),
        ],
        &[],
    );
    assert_eq!(staged.status, 401);
    let right = post_form(
        &sign_in,
        &[
            ("request", &handle),
            ("username", "user1@example.com"),
            ("password", okta_emulator::DEFAULT_PASSWORD),
        ],
        &[],
    );
    let q = query_of(&right);
    assert_eq!(param(&q, "state").as_deref(), Some("st-1"));
    assert!(param(&q, "code").is_some());
    // The page's request is good once.
    let replay = post_form(
        &sign_in,
        &[
            ("request", &handle),
            ("username", "user1@example.com"),
            ("password", okta_emulator::DEFAULT_PASSWORD),
        ],
        &[],
    );
    assert_eq!(replay.status, 400);
}

#[test]
fn the_sign_in_page_refuses_an_unassigned_user_after_the_password() {
    let w = page_world();
    let id = app(&w, "web", &["authorization_code"]);
    let handle = handle_of(&authorize(&w, &id, None).body);
    let got = post_form(
        &w.url("/login/sign-in"),
        &[
            ("request", &handle),
            ("username", "user1@example.com"),
            ("password", okta_emulator::DEFAULT_PASSWORD),
        ],
        &[],
    );
    let q = query_of(&got);
    assert_eq!(param(&q, "error").as_deref(), Some("access_denied"));
    assert_eq!(
        param(&q, "error_description").as_deref(),
        Some("User is not assigned to the client application.")
    );
}

fn device_world() -> (World, Arc<ManualClock>) {
    let clock = Arc::new(ManualClock::new(crate::now()));
    let w = World::with(
        {
            let mut config = Config::default();
            config.clock = clock.clone();
            config
        },
        "p256",
        false,
    );
    (w, clock)
}

fn start_device(w: &World, id: &str) -> Value {
    let got = post_form(
        &w.url("/oauth2/v1/device/authorize"),
        &[("client_id", id), ("scope", "openid okta.users.read")],
        &[],
    );
    assert_eq!(got.status, 200, "{}", got.body);
    got.json()
}

fn poll(w: &World, id: &str, device_code: &str) -> Got {
    post_form(
        &w.url("/oauth2/v1/token"),
        &[
            ("grant_type", DEVICE),
            ("client_id", id),
            ("device_code", device_code),
        ],
        &[],
    )
}

fn activate(w: &World, code: &str, password: &str, decision: &str) -> Got {
    post_form(
        &w.url("/activate"),
        &[
            ("user_code", code),
            ("username", "user1@example.com"),
            ("password", password),
            ("decision", decision),
        ],
        &[],
    )
}

#[test]
fn the_device_grant_polls_slows_down_and_hands_out_tokens_once() {
    let (w, clock) = device_world();
    let id = app(&w, "native", &["authorization_code", DEVICE]);
    put_json(
        &w.url(&format!("/api/v1/apps/{id}/groups/00g0000000000everyone")),
        &json!({}),
        &h(&ssws(&w)),
    );
    // Discovery names the endpoint.
    let d = get(&w.url("/.well-known/openid-configuration"), &[]).json();
    assert_eq!(
        d["device_authorization_endpoint"],
        w.url("/oauth2/v1/device/authorize")
    );
    let start = start_device(&w, &id);
    let user_code = start["user_code"].as_str().unwrap().to_owned();
    let device_code = start["device_code"].as_str().unwrap().to_owned();
    // RFC 8628 §6.1: eight characters from a set with no vowels.
    assert_eq!(user_code.len(), 8);
    assert!(
        user_code
            .bytes()
            .all(|b| b"BCDFGHJKLMNPQRSTVWXZ".contains(&b)),
        "{user_code}"
    );
    assert_eq!(start["verification_uri"], w.url("/activate"));
    assert_eq!(
        start["verification_uri_complete"],
        format!("{}?user_code={user_code}", w.url("/activate"))
    );
    assert_eq!(start["interval"], 5);
    assert_eq!(start["expires_in"], 600);

    assert_eq!(
        poll(&w, &id, &device_code).json()["error"],
        "authorization_pending"
    );
    // Again at once: too fast, and the interval grows by 5 s (RFC 8628 §3.5).
    assert_eq!(poll(&w, &id, &device_code).json()["error"], "slow_down");
    clock.advance(6);
    assert_eq!(poll(&w, &id, &device_code).json()["error"], "slow_down");
    // Now 15 s apart.
    clock.advance(14);
    assert_eq!(poll(&w, &id, &device_code).json()["error"], "slow_down");
    clock.advance(20);
    assert_eq!(
        poll(&w, &id, &device_code).json()["error"],
        "authorization_pending"
    );

    // The activation page: prefilled from verification_uri_complete; a wrong password is refused.
    let page = get(
        &format!("{}?user_code={user_code}", w.url("/activate")),
        &[],
    );
    assert_eq!(page.status, 200);
    assert!(page.body.contains(&format!("value=\"{user_code}\"")));
    let wrong = activate(&w, &user_code, "nope", "allow");
    assert_eq!(wrong.status, 401);
    assert!(wrong.body.contains("Unable to sign in"));
    // Typed in lower case with a dash, as people do.
    let typed = format!("{}-{}", &user_code[..4], &user_code[4..]).to_lowercase();
    let ok = activate(&w, &typed, okta_emulator::DEFAULT_PASSWORD, "allow");
    assert_eq!(ok.status, 200, "{}", ok.body);
    clock.advance(20);
    let tokens = poll(&w, &id, &device_code);
    assert_eq!(tokens.status, 200, "{}", tokens.body);
    assert!(tokens.json()["access_token"].is_string());
    assert!(tokens.json()["id_token"].is_string());
    // One set of tokens per device code.
    clock.advance(20);
    assert_eq!(poll(&w, &id, &device_code).json()["error"], "invalid_grant");
}

#[test]
fn the_device_grant_ends_in_access_denied_or_expired_token() {
    let (w, clock) = device_world();
    let id = app(&w, "native", &["authorization_code", DEVICE]);
    // Nobody is assigned: approving is refused, and the client hears access_denied.
    let start = start_device(&w, &id);
    let refused = activate(
        &w,
        start["user_code"].as_str().unwrap(),
        okta_emulator::DEFAULT_PASSWORD,
        "allow",
    );
    assert_eq!(refused.status, 403);
    assert!(
        refused
            .body
            .contains("User is not assigned to the client application.")
    );
    assert_eq!(
        poll(&w, &id, start["device_code"].as_str().unwrap()).json()["error"],
        "access_denied"
    );
    put_json(
        &w.url(&format!("/api/v1/apps/{id}/groups/00g0000000000everyone")),
        &json!({}),
        &h(&ssws(&w)),
    );
    // The user says no.
    let start = start_device(&w, &id);
    let denied = activate(
        &w,
        start["user_code"].as_str().unwrap(),
        okta_emulator::DEFAULT_PASSWORD,
        "deny",
    );
    assert_eq!(denied.status, 200);
    assert_eq!(
        poll(&w, &id, start["device_code"].as_str().unwrap()).json()["error"],
        "access_denied"
    );
    // Nobody answers for ten minutes.
    let start = start_device(&w, &id);
    clock.advance(601);
    assert_eq!(
        poll(&w, &id, start["device_code"].as_str().unwrap()).json()["error"],
        "expired_token"
    );
    // Guessing codes is slowed down (RFC 8628 §5.1): ten wrong ones in a minute, then even the
    // right one waits for the minute to pass.
    let start = start_device(&w, &id);
    let right = start["user_code"].as_str().unwrap().to_owned();
    for _ in 0..10 {
        assert_eq!(
            activate(&w, "BCDFGHJK", okta_emulator::DEFAULT_PASSWORD, "allow").status,
            400
        );
    }
    assert_eq!(
        activate(&w, &right, okta_emulator::DEFAULT_PASSWORD, "allow").status,
        429
    );
    clock.advance(61);
    let start = start_device(&w, &id);
    let right = start["user_code"].as_str().unwrap().to_owned();
    assert_eq!(
        activate(&w, &right, okta_emulator::DEFAULT_PASSWORD, "allow").status,
        200
    );
    // Only a native app may have the device grant.
    let body = json!({
        "name": "oidc_client", "label": "web with device", "signOnMode": "OPENID_CONNECT",
        "credentials": {"oauthClient": {"token_endpoint_auth_method": "client_secret_post"}},
        "settings": {"oauthClient": {"application_type": "web", "grant_types": ["authorization_code", DEVICE],
            "response_types": ["code"], "redirect_uris": [REDIRECT]}}
    });
    let refused = post_json(&w.url("/api/v1/apps"), &body, &h(&ssws(&w)));
    assert_eq!(refused.status, 400, "{}", refused.body);
    // An app without the grant type cannot start one.
    let web = app(&w, "native", &["authorization_code"]);
    let got = post_form(
        &w.url("/oauth2/v1/device/authorize"),
        &[("client_id", &web), ("scope", "openid")],
        &[],
    );
    assert_eq!(got.status, 400);
    assert_eq!(got.json()["error"], "unauthorized_client");
}

/// The scopes come from Okta's contract (the emulator's copy of the generated catalog): the
/// user-assignment operations declare `okta.apps.read` / `okta.apps.manage`, the user-role ones
/// `okta.roles.read`, whatever else the token holds.
#[test]
fn each_operation_needs_the_scopes_okta_s_contract_declares() {
    let w = World::new(false);
    let id = app(&w, "native", &["authorization_code"]);
    let users_only = crate::app_token(&w, &["okta.users.read"], "SUPER_ADMIN");
    let scope_of = |got: &Got| {
        let challenge = got
            .header("www-authenticate")
            .unwrap_or_default()
            .to_owned();
        challenge
            .split("scope=\"")
            .nth(1)
            .and_then(|r| r.split('"').next())
            .unwrap_or_default()
            .to_owned()
    };
    let got = get(
        &w.url(&format!("/api/v1/apps/{id}/users")),
        &[("Authorization", users_only.as_str())],
    );
    assert_eq!(got.status, 403);
    assert_eq!(scope_of(&got), "okta.apps.read");
    let uid = user_id(&w, "user1@example.com");
    let got = get(
        &w.url(&format!("/api/v1/users/{uid}/roles")),
        &[("Authorization", users_only.as_str())],
    );
    assert_eq!(got.status, 403);
    assert_eq!(scope_of(&got), "okta.roles.read");
    // okta.apps.manage covers okta.apps.read.
    let manage = crate::app_token(&w, &["okta.apps.manage"], "SUPER_ADMIN");
    let got = get(
        &w.url(&format!("/api/v1/apps/{id}/users")),
        &[("Authorization", manage.as_str())],
    );
    assert_eq!(got.status, 200, "{}", got.body);
}
