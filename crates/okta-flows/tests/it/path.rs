//! The guide's whole path: register with a JWKS, grant, role, token, list users over pages.

use std::sync::Arc;

use okta_flows::{Credential, DpopMode, TokenRequest, TokenSource, TokenType};
use okta_jwk::{Algorithm, Curve, KeySpec};

use crate::Setup;

#[test]
fn rsa_and_ec_with_and_without_dpop_list_every_user() {
    for (spec, dpop) in [
        (KeySpec::rsa(2048), false),
        (
            KeySpec::Rsa {
                bits: 2048,
                alg: Algorithm::RS384,
            },
            true,
        ),
        (KeySpec::Ec(Curve::P256), true),
        (KeySpec::Ec(Curve::P384), false),
    ] {
        let s = Setup::new(spec, dpop, 450);
        let source = TokenSource::new(
            s.okta.clone(),
            s.creds(DpopMode::Auto),
            TokenRequest::scopes(&["okta.users.read"]).unwrap(),
        );
        let mut ids = Vec::new();
        let mut pages = 0;
        for page in s.okta.pages(&source, "/api/v1/users?limit=200") {
            let page = page.unwrap();
            pages += 1;
            ids.extend(page.iter().map(|u| u["id"].as_str().unwrap().to_owned()));
        }
        assert_eq!((pages, ids.len()), (3, 450), "{spec:?} dpop={dpop}");
        ids.sort();
        ids.dedup();
        assert_eq!(ids.len(), 450);
        assert_eq!(source.tokens_fetched(), 1, "one token for all pages");
        let token = source.token().unwrap();
        assert_eq!(
            token.token_type(),
            if dpop {
                TokenType::DPoP
            } else {
                TokenType::Bearer
            }
        );
        assert_eq!(token.scopes(), ["okta.users.read"]);
        // No query credentials ever reached the org.
        assert!(s.org.events().iter().all(|e| !e.query_had_credentials));
    }
}

#[test]
fn auto_mode_knows_the_setting_of_an_app_this_client_made() {
    // Issue 12: the client that created the app read `dpop_bound_access_tokens: true` in
    // Okta's answer, so Auto sends a proof from the first request (on main, a 400
    // invalid_dpop_proof came first).
    let s = Setup::new(KeySpec::Ec(Curve::P256), true, 25);
    let request = TokenRequest::scopes(&["okta.users.read"]).unwrap();
    let token = s
        .okta
        .client_credentials(&s.creds(DpopMode::Auto), &request)
        .unwrap();
    assert_eq!(token.token_type(), TokenType::DPoP);
    assert_eq!(s.token_outcomes(), ["use_dpop_nonce", "ok"]);
}

#[test]
fn auto_mode_learns_dpop_once_and_reuses_the_nonce() {
    let s = Setup::new(KeySpec::Ec(Curve::P256), true, 25);
    // A client that never saw the app's settings has to learn them from the token endpoint.
    let okta = okta_flows::Okta::builder(
        okta_flows::OrgUrl::dangerous_allow_loopback_http(s.org.url()).unwrap(),
    )
    .build()
    .unwrap();
    let creds = s.creds(DpopMode::Auto);
    let request = TokenRequest::scopes(&["okta.users.read"]).unwrap();
    assert_eq!(
        okta.client_credentials(&creds, &request)
            .unwrap()
            .token_type(),
        TokenType::DPoP
    );
    assert_eq!(
        s.token_outcomes(),
        ["invalid_dpop_proof", "use_dpop_nonce", "ok"]
    );
    // Known now: the next token goes straight through, with the nonce it has.
    okta.client_credentials(&creds, &request).unwrap();
    assert_eq!(s.token_outcomes().len(), 4);
    assert_eq!(s.token_outcomes()[3], "ok");
}

#[test]
fn always_mode_never_sends_a_token_request_without_a_proof() {
    let s = Setup::new(KeySpec::Ec(Curve::P256), true, 25);
    let token = s
        .okta
        .client_credentials(
            &s.creds(DpopMode::Always),
            &TokenRequest::scopes(&["okta.users.read"]).unwrap(),
        )
        .unwrap();
    assert_eq!(token.token_type(), TokenType::DPoP);
    assert_eq!(
        s.token_outcomes(),
        ["use_dpop_nonce", "ok"],
        "a fresh assertion after the challenge: no 'already used'"
    );
    let never = s
        .okta
        .client_credentials(
            &s.creds(DpopMode::Never),
            &TokenRequest::scopes(&["okta.users.read"]).unwrap(),
        )
        .unwrap_err();
    assert_eq!(
        never.okta_code(),
        Some(okta_flows::ErrorCode::InvalidDpopProof)
    );
    assert!(
        never.to_string().contains("hint: the app requires DPoP"),
        "{never}"
    );
}

#[test]
fn sixty_four_threads_make_exactly_one_token_request() {
    let s = Setup::new(KeySpec::Ec(Curve::P256), true, 25);
    let source = Arc::new(TokenSource::new(
        s.okta.clone(),
        s.creds(DpopMode::Always),
        TokenRequest::scopes(&["okta.users.read"]).unwrap(),
    ));
    let threads: Vec<_> = (0..64)
        .map(|_| {
            let source = source.clone();
            std::thread::spawn(move || {
                source
                    .token()
                    .unwrap()
                    .access_token()
                    .expose_secret()
                    .to_owned()
            })
        })
        .collect();
    let tokens: Vec<String> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    assert!(tokens.iter().all(|t| *t == tokens[0]));
    assert_eq!(source.tokens_fetched(), 1);
    assert_eq!(s.token_outcomes().iter().filter(|o| *o == "ok").count(), 1);
}

#[test]
fn admin_calls_list_grants_and_roles_and_delete_apps() {
    let s = Setup::simple();
    let ssws: &dyn Credential = &(s.admin);
    let grants = s.okta.list_grants(ssws, &s.app_id).unwrap();
    assert_eq!(
        grants.iter().map(|g| g.scope.as_str()).collect::<Vec<_>>(),
        ["okta.users.read"]
    );
    let extra = s
        .okta
        .add_grant(
            ssws,
            &s.app_id,
            &okta_flows::Scope::new("okta.groups.read").unwrap(),
        )
        .unwrap();
    s.okta.revoke_grant(ssws, &s.app_id, &extra.id).unwrap();
    assert_eq!(s.okta.list_grants(ssws, &s.app_id).unwrap().len(), 1);
    assert_eq!(
        s.okta.list_roles(ssws, &s.client_id).unwrap()[0].role_type,
        "READ_ONLY_ADMIN"
    );
    let dcr = s
        .okta
        .register_service_app(
            ssws,
            "by-dcr",
            &okta_jwk::Jwks::new(vec![s.key.public_jwk().clone()]),
        )
        .unwrap();
    assert!(dcr.client_id().as_str().starts_with("0oa"));
    assert_eq!(s.okta.list_apps(ssws).unwrap().len(), 2);
    s.okta.delete_app(ssws, dcr.id()).unwrap();
    assert_eq!(
        s.okta.get_app(ssws, dcr.id()).unwrap_err().okta_code(),
        Some(okta_flows::ErrorCode::NotFound)
    );
    assert!(
        okta_flows::AppId::new("../users").is_err(),
        "ids cannot change the path"
    );
    // The org's SSWS tokens, what is left to move to OAuth: the emulator's admin token, owned
    // by its first admin, usable from anywhere; its value is nowhere in what is read.
    let tokens = s.okta.list_api_tokens(ssws).unwrap();
    assert_eq!(tokens.len(), 1);
    assert!(tokens[0].id().starts_with("00T"));
    assert_eq!(tokens[0].network(), Some("ANYWHERE"));
    assert_eq!(tokens[0].client_name(), Some("Okta API"));
    assert!(tokens[0].user_id().is_some_and(|u| u.starts_with("00u")));
    assert!(tokens[0].created().is_some());
    assert!(!tokens[0].raw().to_string().contains(s.org.admin_token()));
}

#[test]
fn okta_errors_carry_code_request_id_and_hint() {
    let s = Setup::simple();
    let creds = s.creds(DpopMode::Auto);
    // A scope never granted.
    let err = s
        .okta
        .client_credentials(
            &creds,
            &TokenRequest::scopes(&["okta.groups.read"]).unwrap(),
        )
        .unwrap_err();
    assert_eq!(err.okta_code(), Some(okta_flows::ErrorCode::InvalidScope));
    // A token without the users scope: 403 insufficient_scope from WWW-Authenticate (empty body).
    s.okta
        .add_grant(
            &s.admin,
            &s.app_id,
            &okta_flows::Scope::new("okta.groups.read").unwrap(),
        )
        .unwrap();
    let groups = s
        .okta
        .client_credentials(
            &creds,
            &TokenRequest::scopes(&["okta.groups.read"]).unwrap(),
        )
        .unwrap();
    let err = s
        .okta
        .call(&groups, okta_flows::Method::GET, "/api/v1/users", None)
        .unwrap_err();
    assert_eq!(
        (err.status(), err.okta_code()),
        (Some(403), Some(okta_flows::ErrorCode::InsufficientScope))
    );
    let shown = err.to_string();
    assert!(shown.contains("request id"), "{shown}");
    assert!(shown.contains("hint:"), "{shown}");
    // A role that cannot read users: E0000006 with the admin-role hint.
    let s2 = Setup::simple();
    let app = s2
        .okta
        .create_service_app(
            &s2.admin,
            "no-role",
            &okta_jwk::Jwks::new(vec![s2.key.public_jwk().clone()]),
            okta_flows::DpopBinding::NotRequired,
        )
        .unwrap();
    s2.okta
        .add_grant(
            &s2.admin,
            app.id(),
            &okta_flows::Scope::new("okta.users.read").unwrap(),
        )
        .unwrap();
    let creds = okta_flows::ServiceCredentials::new(app.client_id().clone(), s2.key.clone());
    let t = s2
        .okta
        .client_credentials(&creds, &TokenRequest::scopes(&["okta.users.read"]).unwrap())
        .unwrap();
    let err = s2
        .okta
        .call(&t, okta_flows::Method::GET, "/api/v1/users", None)
        .unwrap_err();
    assert_eq!(err.okta_code(), Some(okta_flows::ErrorCode::NoPermission));
    assert!(err.to_string().contains("assign one"), "{err}");
}

#[test]
fn the_file_cache_serves_later_runs_and_keeps_the_dpop_key() {
    let s = Setup::new(KeySpec::Ec(Curve::P256), true, 25);
    let dir = std::env::temp_dir().join(format!("okta-flows-cache-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tokens.json");
    let request = || TokenRequest::scopes(&["okta.users.read"]).unwrap();
    // Many "runs": each a new source (a new process would have a new one too).
    for run in 0..20 {
        let source = TokenSource::new(s.okta.clone(), s.creds(DpopMode::Always), request())
            .persist_to(&file);
        let token = source.token().unwrap();
        assert_eq!(token.token_type(), TokenType::DPoP);
        assert_eq!(source.tokens_fetched(), u64::from(run == 0), "run {run}");
        // The saved token works with its saved key.
        let page = s
            .okta
            .call(
                &source,
                okta_flows::Method::GET,
                "/api/v1/users?limit=2",
                None,
            )
            .unwrap();
        assert_eq!(page.body.as_array().unwrap().len(), 2);
    }
    assert_eq!(
        s.token_outcomes().iter().filter(|o| *o == "ok").count(),
        1,
        "one token request for twenty runs"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // Other scopes are another entry; a corrupt file is a cache miss, not an error.
    let other = TokenSource::new(
        s.okta.clone(),
        s.creds(DpopMode::Always),
        TokenRequest::scopes(&["okta.users.read", "okta.apps.read"]).unwrap(),
    )
    .persist_to(&file);
    other.token().unwrap();
    assert_eq!(other.tokens_fetched(), 1);
    std::fs::write(&file, b"{not json").unwrap();
    let after =
        TokenSource::new(s.okta.clone(), s.creds(DpopMode::Always), request()).persist_to(&file);
    after.token().unwrap();
    assert_eq!(after.tokens_fetched(), 1);
    // Nothing secret in the file's name or in the source's Debug.
    assert!(!format!("{after:?}").contains("eyJ"));
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn threads_in_many_sources_share_one_file_and_one_token() {
    let s = Setup::simple();
    let dir = std::env::temp_dir().join(format!("okta-flows-cache2-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tokens.json");
    let okta = s.okta.clone();
    let client = s.client_id.clone();
    let key = s.key.clone();
    let threads: Vec<_> = (0..16)
        .map(|_| {
            let (okta, client, key, file) =
                (okta.clone(), client.clone(), key.clone(), file.clone());
            std::thread::spawn(move || {
                let creds = okta_flows::ServiceCredentials::new(client, key);
                let source = TokenSource::new(
                    okta,
                    creds,
                    TokenRequest::scopes(&["okta.users.read"]).unwrap(),
                )
                .persist_to(&file);
                source.token().unwrap();
                source.tokens_fetched()
            })
        })
        .collect();
    let fetched: u64 = threads.into_iter().map(|t| t.join().unwrap()).sum();
    assert_eq!(
        fetched, 1,
        "the file lock makes the sources wait for one fetch"
    );
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn discovery_reads_the_emulators_endpoints() {
    let s = Setup::simple();
    let okta = okta_flows::Okta::builder(
        okta_flows::OrgUrl::dangerous_allow_loopback_http(s.org.url()).unwrap(),
    )
    .discover()
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(
        okta.oauth_endpoint(okta_flows::OAuthEndpoint::Token)
            .unwrap()
            .as_str(),
        format!("{}/oauth2/v1/token", s.org.url())
    );
    assert_eq!(okta.discover().unwrap().issuer, s.org.url());
    let custom = okta_flows::Okta::builder(
        okta_flows::OrgUrl::dangerous_allow_loopback_http(s.org.url()).unwrap(),
    )
    .authorization_server(okta_flows::AuthServer::Custom(
        okta_flows::AuthServerId::new("default").unwrap(),
    ))
    .discover()
    .unwrap()
    .build()
    .unwrap();
    assert_eq!(
        custom
            .oauth_endpoint(okta_flows::OAuthEndpoint::Token)
            .unwrap()
            .as_str(),
        format!("{}/oauth2/default/v1/token", s.org.url())
    );
    let nope = okta_flows::Okta::builder(
        okta_flows::OrgUrl::dangerous_allow_loopback_http(s.org.url()).unwrap(),
    )
    .authorization_server(okta_flows::AuthServer::Custom(
        okta_flows::AuthServerId::new("nope").unwrap(),
    ))
    .discover()
    .unwrap_err();
    assert_eq!(nope.okta_code(), Some(okta_flows::ErrorCode::NotFound));
    let token = okta
        .client_credentials(
            &s.creds(DpopMode::Auto),
            &TokenRequest::scopes(&["okta.users.read"]).unwrap(),
        )
        .unwrap();
    assert_eq!(token.scopes(), ["okta.users.read"]);
}

#[test]
fn knowing_the_apps_setting_spends_no_request_on_finding_out() {
    let s = Setup::new(KeySpec::Ec(Curve::P256), true, 25);
    let app = s.okta.get_app(&s.admin, &s.app_id).unwrap();
    assert_eq!(app.dpop_bound(), Some(true));
    s.org.clear_events();
    let creds =
        okta_flows::ServiceCredentials::new(s.client_id.clone(), s.key.clone()).knowing(&app);
    s.okta
        .client_credentials(&creds, &TokenRequest::scopes(&["okta.users.read"]).unwrap())
        .unwrap();
    assert_eq!(
        s.token_outcomes(),
        ["use_dpop_nonce", "ok"],
        "no request without a proof"
    );
}

#[test]
fn a_deferred_key_is_parsed_only_when_a_token_must_be_signed() {
    use std::sync::atomic::{AtomicUsize, Ordering};

    use okta_flows::{Error, LazySigner, ServiceCredentials};
    use okta_jwk::{KeyPair, Signer};

    let s = Setup::new(KeySpec::Ec(Curve::P256), true, 5);
    let dir = std::env::temp_dir().join(format!("okta-flows-deferred-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tokens.json");
    let loads = Arc::new(AtomicUsize::new(0));
    // One "run" of a command line: new credentials whose loader parses `text`, counted.
    let run = |text: &str| {
        let (owned, loads) = (text.to_owned(), loads.clone());
        let signer = LazySigner::from_encoded_key(text.as_bytes(), move || {
            loads.fetch_add(1, Ordering::SeqCst);
            let key: Arc<dyn Signer> = Arc::new(KeyPair::from_pem(&owned)?);
            Ok(key)
        });
        let client = s.client_id.clone();
        let creds = ServiceCredentials::lazy(client, signer).dpop(DpopMode::Always);
        TokenSource::new(
            s.okta.clone(),
            creds,
            TokenRequest::scopes(&["okta.users.read"]).unwrap(),
        )
        .persist_to(&file)
    };
    let pem = s.key.to_pkcs8_pem().unwrap();
    let first = run(pem.expose_secret());
    assert_eq!(first.token().unwrap().token_type(), TokenType::DPoP);
    assert_eq!(
        (first.tokens_fetched(), loads.load(Ordering::SeqCst)),
        (1, 1)
    );
    // Later runs are served by the file without parsing the key, and the DPoP key saved with
    // the token (parsed on first use) still proves possession at the API.
    for _ in 0..5 {
        let later = run(pem.expose_secret());
        let page = s
            .okta
            .call(
                &later,
                okta_flows::Method::GET,
                "/api/v1/users?limit=2",
                None,
            )
            .unwrap();
        assert_eq!(page.body.as_array().unwrap().len(), 2);
        assert_eq!(later.tokens_fetched(), 0);
    }
    assert_eq!(
        loads.load(Ordering::SeqCst),
        1,
        "the key was never parsed again"
    );
    // The same key in another encoding is another entry: parsed, and one more token.
    let sec1 = run(s.key.to_sec1_pem().unwrap().expose_secret());
    sec1.token().unwrap();
    assert_eq!(
        (sec1.tokens_fetched(), loads.load(Ordering::SeqCst)),
        (1, 2)
    );
    // A key that does not parse fails the call that needs it, before any request is sent.
    let requests = s.token_outcomes().len();
    let broken = run("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
    let err = broken.token().unwrap_err();
    assert!(matches!(err, Error::KeyLoad(_)), "{err:?}");
    assert!(
        err.to_string().starts_with("loading the private key: "),
        "{err}"
    );
    assert!(
        std::error::Error::source(&err).is_some(),
        "the cause is kept"
    );
    assert_eq!(s.token_outcomes().len(), requests);
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_role_assignment_can_be_taken_away() {
    let s = Setup::simple();
    let role = okta_flows::StandardRole::AppAdmin.into();
    let assigned = s.okta.assign_role(&s.admin, &s.client_id, &role).unwrap();
    assert!(assigned.is(&role));
    assert_eq!(s.okta.list_roles(&s.admin, &s.client_id).unwrap().len(), 2);
    s.okta
        .unassign_role(&s.admin, &s.client_id, &assigned.id)
        .unwrap();
    let left = s.okta.list_roles(&s.admin, &s.client_id).unwrap();
    assert_eq!(left.len(), 1);
    assert_eq!(
        left[0].standard(),
        Some(okta_flows::StandardRole::ReadOnlyAdmin)
    );
    let again = s
        .okta
        .unassign_role(&s.admin, &s.client_id, &assigned.id)
        .unwrap_err();
    assert_eq!(again.okta_code(), Some(okta_flows::ErrorCode::NotFound));
}

/// Issue 15, item 3: what a run learnt of an app's DPoP and of the org's nonce is kept in the
/// cache file, so a cold run after it (a new process: a new `Okta`, no token for its scopes)
/// sends its first token request with a proof and the saved nonce.
#[test]
fn a_cold_run_after_an_earlier_one_starts_from_what_it_learnt() {
    use okta_flows::{Okta, OrgUrl, Scope, ServiceCredentials, SswsToken, StandardRole};
    let org = okta_emulator::Emulator::start({
        let mut config = okta_emulator::Config::default();
        // Nonces change every second and stay valid three periods: a saved one goes stale soon.
        config.nonce_period = 1;
        config
    })
    .unwrap();
    let fresh = || {
        Okta::builder(OrgUrl::dangerous_allow_loopback_http(org.url()).unwrap())
            .retry(crate::fast_retries())
            .build()
            .unwrap()
    };
    let admin = SswsToken::new(org.admin_token());
    let key = Arc::new(okta_jwk::KeyPair::generate(KeySpec::Ec(Curve::P256)).unwrap());
    let setup = fresh();
    let jwks = okta_jwk::Jwks::new(vec![key.public_jwk().clone()]);
    let app = setup
        .create_service_app(&admin, "svc", &jwks, crate::binding(true))
        .unwrap();
    for scope in ["okta.users.read", "okta.apps.read", "okta.groups.read"] {
        setup
            .add_grant(&admin, app.id(), &Scope::new(scope).unwrap())
            .unwrap();
    }
    setup
        .assign_role(&admin, app.client_id(), &StandardRole::ReadOnlyAdmin.into())
        .unwrap();
    let dir = std::env::temp_dir().join(format!("okta-flows-hint-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tokens.json");
    let run = |scopes: &[&str]| {
        org.clear_events();
        let creds =
            ServiceCredentials::new(app.client_id().clone(), key.clone()).dpop(DpopMode::Auto);
        let source = TokenSource::new(fresh(), creds, TokenRequest::scopes(scopes).unwrap())
            .persist_to(&file);
        let token = source.token().unwrap();
        assert_eq!(token.token_type(), TokenType::DPoP);
        org.events()
            .into_iter()
            .filter(|e| e.endpoint == "token")
            .map(|e| e.outcome)
            .collect::<Vec<_>>()
    };
    // The first run ever learns the hard way: no proof, then the nonce challenge.
    let first = run(&["okta.users.read"]);
    assert_eq!(first.len(), 3, "{first:?}");
    // A cold run for another scope set of the same app: one request, proof and nonce included.
    assert_eq!(run(&["okta.apps.read"]), vec!["ok".to_owned()]);
    // Once the saved nonce is stale, the server asks for a new one: two requests, never three.
    std::thread::sleep(std::time::Duration::from_millis(4200));
    let stale = run(&["okta.groups.read"]);
    assert_eq!(stale, vec!["use_dpop_nonce".to_owned(), "ok".to_owned()]);
    // The file holds no nonce or hint in clear beside a token it does not hold either: the DPoP
    // knowledge is keyed by a hash, never by the client id.
    let text = std::fs::read_to_string(&file).unwrap();
    assert!(!text.contains(app.client_id().as_str()), "{text}");
    std::fs::remove_dir_all(&dir).unwrap();
}

/// `Pages::raw` yields the items the server sent, the same as the parsed walk, page by page.
#[test]
fn raw_pages_hold_the_same_items_as_parsed_ones() {
    let s = Setup::new(KeySpec::Ec(Curve::P256), false, 450);
    let source = TokenSource::new(
        s.okta.clone(),
        s.creds(DpopMode::Never),
        TokenRequest::scopes(&["okta.users.read"]).unwrap(),
    );
    let parsed: Vec<Vec<serde_json::Value>> = s
        .okta
        .pages(&source, "/api/v1/users?limit=200")
        .map(Result::unwrap)
        .collect();
    let raw: Vec<Vec<serde_json::Value>> = s
        .okta
        .pages(&source, "/api/v1/users?limit=200")
        .raw()
        .map(|page| {
            let page = page.unwrap();
            page.items()
                .unwrap()
                .into_iter()
                .map(|text| serde_json::from_str(text).unwrap())
                .collect()
        })
        .collect();
    assert_eq!(
        parsed.iter().map(Vec::len).collect::<Vec<_>>(),
        vec![200, 200, 50]
    );
    assert_eq!(raw, parsed);
}
