//! `/api/v1/users` with SSWS, Bearer and DPoP (RFC 6750, RFC 9449 §7): scopes, roles and the
//! refusals of wrong schemes and proofs.

use serde_json::{Value, json};

use crate::{Key, World, assertion, ath, delete, get, post_form, proof};

fn bearer(w: &World) -> String {
    w.token(None)["access_token"].as_str().unwrap().to_owned()
}

#[test]
fn users_with_ssws_and_bearer_paginate_to_the_end() {
    let config = {
        let mut config = okta_emulator::Config::default();
        config.users = okta_emulator::SeedUsers { count: 450 };
        config
    };
    let w = World::with(config, "p256", false);
    let token = bearer(&w);
    for auth in [w.ssws(), format!("Bearer {token}")] {
        let mut url = w.url("/api/v1/users?limit=200");
        let (mut seen, mut pages) = (Vec::new(), 0);
        loop {
            let got = get(&url, &[("Authorization", &auth)]);
            assert_eq!(got.status, 200, "{}", got.body);
            let links = got.all("link");
            assert!(
                links.iter().any(|l| l.ends_with("rel=\"self\"")),
                "{links:?}"
            );
            seen.extend(
                got.json()
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|u| u["id"].as_str().unwrap().to_owned()),
            );
            pages += 1;
            match links.iter().find(|l| l.ends_with("rel=\"next\"")) {
                Some(next) => {
                    url = next
                        .trim_start_matches('<')
                        .split('>')
                        .next()
                        .unwrap()
                        .to_owned()
                }
                None => break,
            }
        }
        assert_eq!(pages, 3);
        assert_eq!(seen.len(), 450);
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 450, "no user twice");
    }
    let first = get(
        &w.url("/api/v1/users?limit=1"),
        &[("Authorization", &w.ssws())],
    )
    .json();
    let user = &first[0];
    assert_eq!(user["profile"]["login"], "admin@example.com");
    for key in [
        "id",
        "status",
        "created",
        "lastUpdated",
        "profile",
        "credentials",
        "_links",
        "type",
    ] {
        assert!(user.get(key).is_some(), "{key}");
    }
    let id = user["id"].as_str().unwrap();
    assert_eq!(
        get(
            &w.url(&format!("/api/v1/users/{id}")),
            &[("Authorization", &w.ssws())]
        )
        .json()["id"],
        id
    );
    assert_eq!(
        get(
            &w.url("/api/v1/users/user3@example.com"),
            &[("Authorization", &w.ssws())]
        )
        .json()["profile"]["login"],
        "user3@example.com"
    );
    assert_eq!(
        get(
            &w.url("/api/v1/users/00uNOPE"),
            &[("Authorization", &w.ssws())]
        )
        .status,
        404
    );
}

#[test]
fn case_62_limits_and_cursors() {
    let w = World::new(false);
    let auth = [("Authorization", w.ssws())];
    let auth: Vec<(&str, &str)> = auth.iter().map(|(a, b)| (*a, b.as_str())).collect();
    for bad in ["0", "-5", "abc"] {
        get(&w.url(&format!("/api/v1/users?limit={bad}")), &auth)
            .expect(400, "Api validation failed: limit");
    }
    assert_eq!(
        get(&w.url("/api/v1/users?limit=201"), &auth)
            .json()
            .as_array()
            .unwrap()
            .len(),
        25,
        "clamped to 200"
    );
    let got = get(&w.url("/api/v1/users?limit=5"), &auth);
    let next = got
        .all("link")
        .into_iter()
        .find(|l| l.contains("next"))
        .unwrap()
        .to_owned();
    let cursor = next
        .split("after=")
        .nth(1)
        .unwrap()
        .split('&')
        .next()
        .unwrap()
        .to_owned();
    let mut bytes = crate::unb64(&cursor);
    bytes[7] ^= 1;
    let tampered = crate::b64(&bytes);
    get(&w.url(&format!("/api/v1/users?after={tampered}")), &auth)
        .expect(400, "Api validation failed: after");
    // A cursor from another org is refused too.
    let other = World::new(false);
    get(
        &other.url(&format!("/api/v1/users?after={cursor}")),
        &[("Authorization", &other.ssws())],
    )
    .expect(400, "Api validation failed: after");
}

#[test]
fn case_61_bad_tokens_and_scope_and_role_checks() {
    let w = World::new(false);
    get(
        &w.url("/api/v1/users"),
        &[("Authorization", "Bearer garbage")],
    )
    .status
    .eq(&401)
    .then_some(())
    .unwrap();
    let token = bearer(&w);
    // A bearer token sent as SSWS.
    get(
        &w.url("/api/v1/users"),
        &[("Authorization", &format!("SSWS {token}"))],
    )
    .expect(401, "Invalid token provided");
    // Revoked.
    let a = crate::assertion(&w.key, &w.client_id, &w.url("/oauth2/v1/revoke"), &[], &[]);
    let revoked = crate::post_form(
        &w.url("/oauth2/v1/revoke"),
        &[
            ("token", &token),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &a),
        ],
        &[],
    );
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    let got = get(
        &w.url("/api/v1/users"),
        &[("Authorization", &format!("Bearer {token}"))],
    );
    assert_eq!(got.status, 401);
    assert!(
        got.header("www-authenticate")
            .unwrap()
            .contains("The access token has been revoked.")
    );
    // Insufficient scope: 403, WWW-Authenticate, empty body.
    let grants = w.url(&format!("/api/v1/apps/{}/grants", w.client_id));
    crate::post_json(
        &grants,
        &json!({"scopeId": "okta.groups.read", "issuer": w.org.url()}),
        &[("Authorization", &w.ssws())],
    );
    let groups_only = w
        .token_request(&w.assertion(), "okta.groups.read", None)
        .json()["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let got = get(
        &w.url("/api/v1/users"),
        &[("Authorization", &format!("Bearer {groups_only}"))],
    );
    assert_eq!(got.status, 403);
    assert!(got.body.is_empty());
    let challenge = got.header("www-authenticate").unwrap();
    assert!(challenge.starts_with("Bearer "), "{challenge}");
    assert!(
        challenge.contains("error=\"insufficient_scope\""),
        "{challenge}"
    );
    assert!(
        challenge.contains("scope=\"okta.users.read\""),
        "{challenge}"
    );
    assert!(
        challenge.contains("resource=\"/api/v1/users\""),
        "{challenge}"
    );
    // The scope without an admin role: E0000006.
    let org = okta_emulator::Emulator::start(okta_emulator::Config::default()).unwrap();
    let key = Key::fixture("p256", Some("k"));
    let id = org
        .seed_service_app(
            okta_emulator::SeedApp::new("no-role", vec![key.public.clone()])
                .dpop(false)
                .scopes(&["okta.users.read"]),
        )
        .unwrap();
    let token_url = format!("{}/oauth2/v1/token", org.url());
    let a = crate::assertion(&key, &id, &token_url, &[], &[]);
    let t = crate::post_form(
        &token_url,
        &[
            ("grant_type", "client_credentials"),
            ("scope", "okta.users.read"),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", &a),
        ],
        &[],
    );
    let t = t.json()["access_token"].as_str().unwrap().to_owned();
    get(
        &format!("{}/api/v1/users", org.url()),
        &[("Authorization", &format!("Bearer {t}"))],
    )
    .expect(
        403,
        "You do not have permission to perform the requested action",
    );
    // access_token in the query string.
    get(&w.url(&format!("/api/v1/users?access_token={token}")), &[]).expect(
        400,
        "The access token cannot be presented in a query string.",
    );
}

#[test]
fn dpop_at_the_resource_server_cases_36_37() {
    let w = World::new(true);
    let dk = Key::fixture("p256", None);
    let token = w.token(Some(&dk))["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let url = w.url("/api/v1/users");
    let auth = format!("DPoP {token}");
    let good = proof(&dk, "GET", &url, &[], &[("ath", json!(ath(&token)))]);
    let got = get(
        &format!("{url}?limit=3"),
        &[("Authorization", &auth), ("DPoP", &good)],
    );
    assert_eq!(got.status, 200, "{}", got.body);
    assert_eq!(got.json().as_array().unwrap().len(), 3);
    let www = |p: &str| {
        let got = get(&url, &[("Authorization", &auth), ("DPoP", p)]);
        assert_eq!(got.status, 400, "{}", got.body);
        let h = got.header("www-authenticate").unwrap().to_owned();
        assert!(
            h.starts_with("DPoP algs=\"RS256 RS384 RS512 ES256 ES384 ES512\""),
            "{h}"
        );
        assert!(h.contains("error=\"invalid_dpop_proof\""), "{h}");
        h
    };
    // 36: no ath, or the ath of another token.
    assert!(
        www(&proof(&dk, "GET", &url, &[], &[]))
            .contains("'ath' claim in the DPoP proof does not match the presented access_token.")
    );
    assert!(
        www(&proof(
            &dk,
            "GET",
            &url,
            &[],
            &[("ath", json!(ath("other")))]
        ))
        .contains("does not match")
    );
    // htu with the query string (the Go SDK bug, I4), and another key than the token's.
    assert!(
        www(&proof(
            &dk,
            "GET",
            &format!("{url}?limit=3"),
            &[],
            &[("ath", json!(ath(&token)))]
        ))
        .contains("'htu' claim in the DPoP proof JWT is invalid.")
    );
    let other = Key::fixture("p384", None);
    assert!(
        www(&proof(
            &other,
            "GET",
            &url,
            &[],
            &[("ath", json!(ath(&token)))]
        ))
        .contains("The access_token is not bound to the provided DPoP proof.")
    );
    // Replay of a good proof.
    assert!(www(&good).contains("The DPoP proof JWT has already been used."));
    // 37: DPoP token as Bearer; Bearer token as DPoP; DPoP token without a proof.
    get(&url, &[("Authorization", &format!("Bearer {token}"))])
        .expect(400, "The resource request must use the DPoP authentication scheme when using a DPoP bound token.");
    get(&url, &[("Authorization", &auth)])
        .expect(400, "The resource request requires a DPoP proof.");
    let plain = World::new(false);
    let bearer_token = bearer(&plain);
    let p = proof(
        &dk,
        "GET",
        &plain.url("/api/v1/users"),
        &[],
        &[("ath", json!(ath(&bearer_token)))],
    );
    let got = get(
        &plain.url("/api/v1/users"),
        &[
            ("Authorization", &format!("DPoP {bearer_token}")),
            ("DPoP", &p),
        ],
    );
    assert_eq!(got.status, 401);
    assert!(
        got.header("www-authenticate")
            .unwrap()
            .contains("The presented access_token is not DPoP bound.")
    );
    // A nonce is optional at the resource, but a bad one is refused.
    let with_nonce = proof(
        &dk,
        "GET",
        &url,
        &[],
        &[
            ("ath", json!(ath(&token))),
            ("nonce", json!(w.org.dpop_nonce())),
        ],
    );
    assert_eq!(
        get(&url, &[("Authorization", &auth), ("DPoP", &with_nonce)]).status,
        200
    );
    let bad_nonce = proof(
        &dk,
        "GET",
        &url,
        &[],
        &[("ath", json!(ath(&token))), ("nonce", json!("bogus"))],
    );
    assert!(www(&bad_nonce).contains("The DPoP proof JWT is invalid."));
}

#[test]
fn a_dpop_proof_sent_to_an_app_without_dpop_still_binds_the_token() {
    let w = World::new(false);
    let dk = Key::fixture("p256", None);
    let body: Value = w.token(Some(&dk));
    assert_eq!(body["token_type"], "DPoP");
}

#[test]
fn a_login_percent_encoded_in_the_path_names_the_user() {
    // Issue 14: on main `user7%40example.com` was looked up as "user740examplecom" (404); the
    // node SDK encodes the login as Okta's docs ask.
    let w = World::new(false);
    let token = w.token(None);
    let auth = format!("Bearer {}", token["access_token"].as_str().unwrap());
    let by_plain = get(
        &w.url("/api/v1/users/user7@example.com"),
        &[("Authorization", auth.as_str())],
    );
    let by_encoded = get(
        &w.url("/api/v1/users/user7%40example.com"),
        &[("Authorization", auth.as_str())],
    );
    assert_eq!(by_encoded.status, 200, "{}", by_encoded.body);
    assert_eq!(by_encoded.json()["id"], by_plain.json()["id"]);
    assert_eq!(by_encoded.json()["profile"]["login"], "user7@example.com");
}

#[test]
fn a_read_only_admin_with_the_apps_scope_reads_apps() {
    // Issue 14: on main READ_ONLY_ADMIN + okta.apps.read got 403 E0000006 on an app; Okta's
    // read-only administrator can view apps (but not change them).
    let org = okta_emulator::Emulator::start(okta_emulator::Config::default()).unwrap();
    let key = Key::fixture("p256", Some("key-1"));
    let seed = okta_emulator::SeedApp::new("reader", vec![key.public.clone()])
        .dpop(false)
        .scopes(&["okta.apps.read", "okta.apps.manage"])
        .role("READ_ONLY_ADMIN");
    let id = org.seed_service_app(seed).unwrap();
    let token_url = format!("{}/oauth2/v1/token", org.url());
    let a = assertion(&key, &id, &token_url, &[], &[]);
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", "okta.apps.read okta.apps.manage"),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", a.as_str()),
    ];
    let got = post_form(&token_url, &form, &[]);
    assert_eq!(got.status, 200, "{}", got.body);
    let auth = format!("Bearer {}", got.json()["access_token"].as_str().unwrap());
    let h = [("Authorization", auth.as_str())];
    let app = get(&format!("{}/api/v1/apps/{id}", org.url()), &h);
    assert_eq!(app.status, 200, "{}", app.body);
    assert_eq!(
        get(
            &format!("{}/api/v1/apps/{id}/credentials/jwks", org.url()),
            &h
        )
        .status,
        200
    );
    // Reading is all: a change still needs an app admin.
    let denied = delete(&format!("{}/api/v1/apps/{id}", org.url()), &h);
    assert_eq!(denied.status, 403, "{}", denied.body);
    assert_eq!(denied.json()["errorCode"], "E0000006");
}

#[test]
fn an_ssws_token_without_a_space_is_accepted_unless_refused() {
    // Issue 14: Okta's Python SDK sends `SSWS<token>` in SSWS mode; on main it got 401.
    let w = World::new(false);
    let joined = format!("SSWS{}", w.org.admin_token());
    let got = get(
        &w.url("/api/v1/users?limit=1"),
        &[("Authorization", joined.as_str())],
    );
    assert_eq!(got.status, 200, "{}", got.body);
    let strict = okta_emulator::Emulator::start({
        let mut config = okta_emulator::Config::default();
        config.ssws_without_space = false;
        config
    })
    .unwrap();
    let joined = format!("SSWS{}", strict.admin_token());
    let got = get(
        &format!("{}/api/v1/users?limit=1", strict.url()),
        &[("Authorization", joined.as_str())],
    );
    assert_eq!(got.status, 401, "{}", got.body);
    let spaced = format!("SSWS {}", strict.admin_token());
    assert_eq!(
        get(
            &format!("{}/api/v1/users?limit=1", strict.url()),
            &[("Authorization", spaced.as_str())]
        )
        .status,
        200
    );
}
