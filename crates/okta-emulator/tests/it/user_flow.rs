//! Authorization Code + PKCE (RFC 6749 §4.1, RFC 7636), browserless sign-in, refresh, revoke
//! (RFC 7009) and introspect (RFC 7662).

use serde_json::{Value, json};

use crate::{World, get, post_form};

const VERIFIER: &str = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const CHALLENGE: &str = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"; // RFC 7636 Appendix B
const REDIRECT: &str = "http://127.0.0.1:53682/callback";

/// A public native app (PKCE, no secret) granted okta.users.read.
fn native(w: &World) -> String {
    let app = crate::post_json(
        &w.url("/oauth2/v1/clients"),
        &json!({"client_name": "cli", "application_type": "native", "redirect_uris": [REDIRECT],
                "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"], "token_endpoint_auth_method": "none"}),
        &[("Authorization", &w.ssws())],
    );
    assert_eq!(app.status, 201, "{}", app.body);
    let id = app.json()["client_id"].as_str().unwrap().to_owned();
    let grants = w.url(&format!("/api/v1/apps/{id}/grants"));
    crate::post_json(
        &grants,
        &json!({"scopeId": "okta.users.read", "issuer": w.org.url()}),
        &[("Authorization", &w.ssws())],
    );
    assign_everyone(w, &id);
    id
}

/// Lets every user sign in to the app (an app nobody is assigned to refuses every user).
fn assign_everyone(w: &World, id: &str) {
    let everyone = crate::put_json(
        &w.url(&format!("/api/v1/apps/{id}/groups/00g0000000000everyone")),
        &json!({}),
        &[("Authorization", &w.ssws())],
    );
    assert_eq!(everyone.status, 200, "{}", everyone.body);
}

fn authorize(w: &World, params: &[(&str, &str)]) -> crate::Got {
    let q: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(params)
        .finish();
    get(&w.url(&format!("/oauth2/v1/authorize?{q}")), &[])
}

fn location(got: &crate::Got) -> Vec<(String, String)> {
    assert_eq!(got.status, 302, "{}", got.body);
    let loc = url::Url::parse(got.header("location").unwrap()).unwrap();
    assert!(loc.as_str().starts_with(REDIRECT));
    loc.query_pairs().into_owned().collect()
}

fn code_for(w: &World, id: &str, scope: &str) -> String {
    let got = authorize(
        w,
        &[
            ("client_id", id),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", scope),
            ("state", "st-123"),
            ("nonce", "n-1"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    );
    let q = location(&got);
    assert!(q.contains(&("state".into(), "st-123".into())));
    q.into_iter().find(|(k, _)| k == "code").unwrap().1
}

fn exchange(w: &World, id: &str, code: &str, verifier: Option<&str>, redirect: &str) -> crate::Got {
    let mut form = vec![
        ("grant_type", "authorization_code"),
        ("client_id", id),
        ("code", code),
        ("redirect_uri", redirect),
    ];
    if let Some(v) = verifier {
        form.push(("code_verifier", v));
    }
    post_form(&w.url("/oauth2/v1/token"), &form, &[])
}

#[test]
fn the_whole_user_flow() {
    let w = World::new(false);
    let id = native(&w);
    let code = code_for(&w, &id, "openid offline_access okta.users.read");
    let got = exchange(&w, &id, &code, Some(VERIFIER), REDIRECT);
    assert_eq!(got.status, 200, "{}", got.body);
    let body = got.json();
    assert_eq!(body["token_type"], "Bearer");
    let at = body["access_token"].as_str().unwrap().to_owned();
    let claims: Value =
        serde_json::from_slice(&crate::unb64(at.split('.').nth(1).unwrap())).unwrap();
    assert_eq!(claims["sub"], "admin@example.com");
    assert!(claims["uid"].as_str().unwrap().starts_with("00u"));
    let id_token: Value = serde_json::from_slice(&crate::unb64(
        body["id_token"]
            .as_str()
            .unwrap()
            .split('.')
            .nth(1)
            .unwrap(),
    ))
    .unwrap();
    assert_eq!(id_token["aud"], id.as_str());
    assert_eq!(id_token["nonce"], "n-1");
    assert_eq!(id_token["iss"], w.org.url());
    // The user's token reads users (user 0 is a super admin).
    assert_eq!(
        get(
            &w.url("/api/v1/users?limit=2"),
            &[("Authorization", &format!("Bearer {at}"))]
        )
        .status,
        200
    );
    // Refresh.
    let rt = body["refresh_token"].as_str().unwrap().to_owned();
    let refreshed = post_form(
        &w.url("/oauth2/v1/token"),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &id),
            ("refresh_token", &rt),
            ("scope", "okta.users.read"),
        ],
        &[],
    );
    assert_eq!(refreshed.status, 200, "{}", refreshed.body);
    assert_eq!(refreshed.json()["scope"], "okta.users.read");
    // Introspect, revoke, introspect again.
    let active = post_form(
        &w.url("/oauth2/v1/introspect"),
        &[("client_id", &id), ("token", &at)],
        &[],
    )
    .json();
    assert_eq!(active["active"], true);
    assert_eq!(active["username"], "admin@example.com");
    assert_eq!(
        post_form(
            &w.url("/oauth2/v1/revoke"),
            &[("client_id", &id), ("token", &rt)],
            &[]
        )
        .status,
        200
    );
    post_form(
        &w.url("/oauth2/v1/token"),
        &[
            ("grant_type", "refresh_token"),
            ("client_id", &id),
            ("refresh_token", &rt),
        ],
        &[],
    )
    .expect(400, "The refresh token is invalid or expired.");
    assert_eq!(
        post_form(
            &w.url("/oauth2/v1/revoke"),
            &[("client_id", &id), ("token", &at)],
            &[]
        )
        .status,
        200
    );
    assert_eq!(
        post_form(
            &w.url("/oauth2/v1/introspect"),
            &[("client_id", &id), ("token", &at)],
            &[]
        )
        .json(),
        json!({"active": false})
    );
    post_form(&w.url("/oauth2/v1/revoke"), &[("client_id", &id)], &[])
        .expect(400, "The 'token' parameter is required.");
    // login_hint picks another user.
    let got = authorize(
        &w,
        &[
            ("client_id", &id),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
            ("state", "s"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
            ("login_hint", "user4@example.com"),
        ],
    );
    let code = location(&got)
        .into_iter()
        .find(|(k, _)| k == "code")
        .unwrap()
        .1;
    let at = exchange(&w, &id, &code, Some(VERIFIER), REDIRECT).json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let claims: Value =
        serde_json::from_slice(&crate::unb64(at.split('.').nth(1).unwrap())).unwrap();
    assert_eq!(claims["sub"], "user4@example.com");
}

#[test]
fn cases_55_to_59_pkce_codes_and_redirects() {
    let w = World::new(false);
    let id = native(&w);
    // 55: verifiers of 42 and 129 characters, or with '+'; and a wrong one.
    for v in [
        "a".repeat(42),
        "a".repeat(129),
        format!("{}+", &VERIFIER[..43]),
        "b".repeat(43),
    ] {
        let code = code_for(&w, &id, "openid");
        exchange(&w, &id, &code, Some(&v), REDIRECT).expect(400, "PKCE verification failed.");
    }
    let code = code_for(&w, &id, "openid");
    exchange(&w, &id, &code, None, REDIRECT)
        .expect(400, "PKCE code verifier is required by the application.");
    // 56: plain or no method.
    for method in [Some("plain"), None] {
        let mut p = vec![
            ("client_id", id.as_str()),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
            ("state", "s"),
            ("code_challenge", CHALLENGE),
        ];
        if let Some(m) = method {
            p.push(("code_challenge_method", m));
        }
        let q = location(&authorize(&w, &p));
        assert!(
            q.contains(&(
                "error_description".into(),
                "PKCE code challenge method is not supported. Valid values: [S256]".into()
            )),
            "{q:?}"
        );
    }
    // A public client must send a challenge.
    let q = location(&authorize(
        &w,
        &[
            ("client_id", &id),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
            ("state", "s"),
        ],
    ));
    assert!(q.contains(&(
        "error_description".into(),
        "PKCE code challenge is required by the application.".into()
    )));
    // 57: a verifier when no challenge was sent (a confidential web app may skip PKCE).
    let web = crate::post_json(&w.url("/oauth2/v1/clients"), &json!({"client_name": "web", "application_type": "web", "redirect_uris": [REDIRECT], "token_endpoint_auth_method": "client_secret_post"}), &[("Authorization", &w.ssws())]).json();
    let (web_id, secret) = (
        web["client_id"].as_str().unwrap(),
        web["client_secret"].as_str().unwrap(),
    );
    assign_everyone(&w, web_id);
    let q = location(&authorize(
        &w,
        &[
            ("client_id", web_id),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
            ("state", "s"),
        ],
    ));
    let code = q.into_iter().find(|(k, _)| k == "code").unwrap().1;
    post_form(
        &w.url("/oauth2/v1/token"),
        &[
            ("grant_type", "authorization_code"),
            ("client_id", web_id),
            ("client_secret", secret),
            ("code", &code),
            ("redirect_uri", REDIRECT),
            ("code_verifier", VERIFIER),
        ],
        &[],
    )
    .expect(
        400,
        "PKCE code challenge should be specified in the authorize request for code verification.",
    );
    // 58: a code used twice.
    let code = code_for(&w, &id, "openid");
    assert_eq!(
        exchange(&w, &id, &code, Some(VERIFIER), REDIRECT).status,
        200
    );
    exchange(&w, &id, &code, Some(VERIFIER), REDIRECT)
        .expect(400, "The authorization code is invalid or has expired.");
    // 59: another redirect_uri at /token.
    let code = code_for(&w, &id, "openid");
    let got = exchange(
        &w,
        &id,
        &code,
        Some(VERIFIER),
        "http://127.0.0.1:53682/other",
    );
    assert_eq!(got.json()["error"], "invalid_grant");
    // An unregistered redirect is never redirected to.
    let got = authorize(
        &w,
        &[
            ("client_id", &id),
            ("response_type", "code"),
            ("redirect_uri", "https://evil.example/cb"),
            ("scope", "openid"),
            ("state", "s"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    );
    got.expect(
        400,
        "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
    );
    assert!(got.header("location").is_none());
    // A challenge with illegal characters; a scope not granted.
    let q = location(&authorize(
        &w,
        &[
            ("client_id", &id),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", "openid"),
            ("state", "s"),
            ("code_challenge", &"+".repeat(43)),
            ("code_challenge_method", "S256"),
        ],
    ));
    assert!(q.contains(&(
        "error_description".into(),
        "PKCE code challenge contains illegal characters.".into()
    )));
    let q = location(&authorize(
        &w,
        &[
            ("client_id", &id),
            ("response_type", "code"),
            ("redirect_uri", REDIRECT),
            ("scope", "okta.groups.manage"),
            ("state", "s"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    ));
    assert!(q.contains(&("error".into(), "invalid_scope".into())));
}

#[test]
fn loopback_redirects_may_use_any_port_when_configured() {
    let config = {
        let mut config = okta_emulator::Config::default();
        config.redirect_match = okta_emulator::RedirectMatch::AnyLoopbackPort;
        config
    };
    let w = World::with(config, "p256", false);
    let id = native(&w);
    let other_port = "http://127.0.0.1:40001/callback";
    let got = authorize(
        &w,
        &[
            ("client_id", &id),
            ("response_type", "code"),
            ("redirect_uri", other_port),
            ("scope", "openid"),
            ("state", "s"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    );
    assert_eq!(got.status, 302, "{}", got.body);
    assert!(got.header("location").unwrap().starts_with(other_port));
    // The exact default refuses it.
    let strict = World::new(false);
    let id = native(&strict);
    let got = authorize(
        &strict,
        &[
            ("client_id", &id),
            ("response_type", "code"),
            ("redirect_uri", other_port),
            ("scope", "openid"),
            ("state", "s"),
            ("code_challenge", CHALLENGE),
            ("code_challenge_method", "S256"),
        ],
    );
    assert_eq!(got.status, 400);
}
