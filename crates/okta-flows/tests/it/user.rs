//! User sign-in against the emulator, with PKCE through the loopback listener; the callbacks a
//! hostile page could send (an error, a wrong state); revoke and introspect; and key rotation
//! resumed from every point where it can be interrupted.

use std::sync::Arc;
use std::time::Duration;

use okta_emulator::{Fault, FaultRoute, FaultRule};
use okta_flows::{ClientAuth, ClientId, Credential, DpopMode, Error, TokenRequest};
use okta_jwk::{Curve, KeyPair, KeySpec};
use serde_json::json;

use crate::{Setup, scopes};

/// A public native app with this redirect URI, granted okta.users.read.
/// A native app whose redirect URI is `http://127.0.0.1:{port}/cb` on a port that was free a
/// moment ago (found by a sign-in started and dropped), with that port and redirect URI.
fn native_app_on_free_port(s: &Setup) -> (ClientId, u16, String) {
    let probe = s
        .okta
        .start_sign_in(
            &ClientId::new("x").unwrap(),
            0,
            "/cb",
            &scopes(&["okta.users.read"]),
        )
        .unwrap();
    let redirect = probe.redirect_uri().to_owned();
    let port: u16 = redirect
        .rsplit(':')
        .next()
        .unwrap()
        .trim_end_matches("/cb")
        .parse()
        .unwrap();
    drop(probe);
    (native_app(s, &redirect), port, redirect)
}

fn native_app(s: &Setup, redirect: &str) -> ClientId {
    let body = json!({"client_name": "cli", "application_type": "native", "redirect_uris": [redirect],
        "grant_types": ["authorization_code", "refresh_token"], "response_types": ["code"], "token_endpoint_auth_method": "none"});
    let app = s
        .okta
        .call(
            &s.admin,
            okta_flows::Method::POST,
            "/oauth2/v1/clients",
            Some(&body),
        )
        .unwrap()
        .body;
    let id = ClientId::new(app["client_id"].as_str().unwrap()).unwrap();
    s.okta
        .call(
            &s.admin,
            okta_flows::Method::PUT,
            &format!("/api/v1/apps/{id}/groups/00g0000000000everyone"),
            Some(&json!({})),
        )
        .unwrap();
    s.okta
        .add_grant(
            &s.admin,
            &okta_flows::AppId::of_client(&id).unwrap(),
            &okta_flows::Scope::new("okta.users.read").unwrap(),
        )
        .unwrap();
    id
}

/// What a browser does: open the authorize URL, follow the redirect to the loopback listener.
fn browser(authorize_url: String) -> std::thread::JoinHandle<(u16, String)> {
    std::thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let first = agent.get(&authorize_url).call().unwrap();
        let location = first
            .headers()
            .get("location")
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let mut page = agent.get(&location).call().unwrap();
        (
            page.status().as_u16(),
            page.body_mut().read_to_string().unwrap(),
        )
    })
}

fn raw_get(url: &str) -> u16 {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    agent.get(url).call().unwrap().status().as_u16()
}

#[test]
fn sign_in_exchange_refresh_introspect_revoke() {
    let s = Setup::simple();
    let sign_in = s
        .okta
        .start_sign_in(
            &ClientId::new("pending").unwrap(),
            0,
            "/callback",
            &scopes(&["openid", "offline_access", "okta.users.read"]),
        )
        .unwrap();
    let redirect = sign_in.redirect_uri().to_owned();
    assert!(redirect.starts_with("http://127.0.0.1:") && redirect.ends_with("/callback"));
    let id = native_app(&s, &redirect);
    // The client id is part of the URL: start again with the real one on the same port.
    let port: u16 = redirect
        .trim_start_matches("http://127.0.0.1:")
        .trim_end_matches("/callback")
        .parse()
        .unwrap();
    drop(sign_in);
    let sign_in = s
        .okta
        .start_sign_in(
            &id,
            port,
            "/callback",
            &scopes(&["openid", "offline_access", "okta.users.read"]),
        )
        .unwrap();
    let url = url::Url::parse(sign_in.url()).unwrap();
    let q: std::collections::HashMap<String, String> = url.query_pairs().into_owned().collect();
    assert_eq!(q["response_type"], "code");
    assert_eq!(q["code_challenge_method"], "S256");
    assert_eq!(q["code_challenge"].len(), 43);
    assert_eq!(q["redirect_uri"], redirect);
    assert!(q["state"].len() >= 43 && q.contains_key("nonce"));
    let page = browser(sign_in.url().to_owned());
    let tokens = s
        .okta
        .finish_sign_in(sign_in, ClientAuth::Public(&id), Duration::from_secs(10))
        .unwrap();
    let (status, body) = page.join().unwrap();
    assert_eq!(status, 200);
    assert!(
        body.contains("Signed in") && !body.contains(tokens.access.access_token().expose_secret())
    );
    let claims = tokens.id_claims.as_ref().unwrap();
    assert_eq!(claims["aud"], id.as_str());
    assert_eq!(
        tokens.access.scopes(),
        ["openid", "offline_access", "okta.users.read"]
    );
    // The user's token reads users.
    assert_eq!(
        s.okta
            .call(
                &tokens.access,
                okta_flows::Method::GET,
                "/api/v1/users?limit=1",
                None
            )
            .unwrap()
            .status,
        200
    );
    // Refresh, introspect, revoke.
    let refresh = tokens.refresh.clone().unwrap();
    let again = s
        .okta
        .refresh(
            ClientAuth::Public(&id),
            &id,
            &refresh,
            Some(&scopes(&["okta.users.read"])),
        )
        .unwrap();
    assert_eq!(again.access.scopes(), ["okta.users.read"]);
    let seen = s
        .okta
        .introspect(
            ClientAuth::Public(&id),
            again.access.access_token().expose_secret(),
        )
        .unwrap();
    assert!(seen.active);
    assert_eq!(seen.raw["username"], "admin@example.com");
    s.okta
        .revoke(
            ClientAuth::Public(&id),
            refresh.expose_secret(),
            Some("refresh_token"),
        )
        .unwrap();
    let err = s
        .okta
        .refresh(ClientAuth::Public(&id), &id, &refresh, None)
        .unwrap_err();
    assert_eq!(err.okta_code(), Some(okta_flows::ErrorCode::InvalidGrant));
}

#[test]
fn case_53_a_wrong_or_missing_state_is_ignored_and_the_code_never_exchanged() {
    let s = Setup::simple();
    let (id, port, redirect) = native_app_on_free_port(&s);
    let sign_in = s
        .okta
        .start_sign_in(&id, port, "/cb", &scopes(&["okta.users.read"]))
        .unwrap();
    let url = sign_in.url().to_owned();
    let redirect_for_thread = redirect.clone();
    let forger = std::thread::spawn(move || {
        // Forged callbacks first: wrong state, no state, another path.
        std::thread::sleep(Duration::from_millis(100));
        let codes = [
            raw_get(&format!("{redirect_for_thread}?code=forged&state=wrong")),
            raw_get(&format!("{redirect_for_thread}?code=forged")),
            raw_get(&format!(
                "{}/other?code=forged",
                redirect_for_thread.trim_end_matches("/cb")
            )),
        ];
        // Then the real sign-in.
        let (status, _) = browser(url).join().unwrap();
        (codes, status)
    });
    s.org.clear_events();
    let tokens = s
        .okta
        .finish_sign_in(sign_in, ClientAuth::Public(&id), Duration::from_secs(10))
        .unwrap();
    let (codes, status) = forger.join().unwrap();
    assert_eq!(codes, [400, 400, 404]);
    assert_eq!(status, 200);
    assert!(!tokens.access.access_token().expose_secret().is_empty());
    let exchanges: Vec<_> = s
        .org
        .events()
        .into_iter()
        .filter(|e| e.endpoint == "token")
        .collect();
    assert_eq!(exchanges.len(), 1, "only the real code was exchanged");
}

#[test]
fn case_54_an_error_on_the_redirect_is_a_sanitised_typed_error() {
    let s = Setup::simple();
    let sign_in = s
        .okta
        .start_sign_in(
            &ClientId::new("app").unwrap(),
            0,
            "/cb",
            &scopes(&["okta.users.read"]),
        )
        .unwrap();
    let url = url::Url::parse(sign_in.url()).unwrap();
    let state: String = url
        .query_pairs()
        .find(|(k, _)| k == "state")
        .unwrap()
        .1
        .into_owned();
    let redirect = sign_in.redirect_uri().to_owned();
    let t = std::thread::spawn(move || {
        std::thread::sleep(Duration::from_millis(50));
        let evil = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("error", "access_denied")
            .append_pair(
                "error_description",
                "<script>alert(1)</script>\u{1b}[31mred",
            )
            .append_pair("state", &state)
            .finish();
        raw_get(&format!("{redirect}?{evil}"))
    });
    let err = s
        .okta
        .finish_sign_in(
            sign_in,
            ClientAuth::Public(&ClientId::new("app").unwrap()),
            Duration::from_secs(10),
        )
        .unwrap_err();
    assert_eq!(t.join().unwrap(), 200);
    let shown = err.to_string();
    assert!(matches!(err, Error::SignIn(_)));
    assert!(
        shown.contains("access_denied") && !shown.contains('\u{1b}'),
        "{shown}"
    );
}

#[test]
fn a_sign_in_nobody_completes_times_out() {
    let s = Setup::simple();
    let sign_in = s
        .okta
        .start_sign_in(
            &ClientId::new("app").unwrap(),
            0,
            "/cb",
            &scopes(&["okta.users.read"]),
        )
        .unwrap();
    let start = std::time::Instant::now();
    let err = s
        .okta
        .finish_sign_in(
            sign_in,
            ClientAuth::Public(&ClientId::new("app").unwrap()),
            Duration::from_millis(300),
        )
        .unwrap_err();
    assert!(err.to_string().contains("no sign-in arrived"), "{err}");
    assert!(start.elapsed() < Duration::from_secs(3));
}

#[test]
fn service_tokens_are_revoked_and_introspected_with_an_assertion_for_that_endpoint() {
    let s = Setup::simple();
    let creds = s.creds(DpopMode::Auto);
    let token = s
        .okta
        .client_credentials(
            &creds,
            &TokenRequest::scopes(&scopes(&["okta.users.read"])).unwrap(),
        )
        .unwrap();
    let t = token.access_token().expose_secret();
    let seen = s
        .okta
        .introspect(ClientAuth::PrivateKeyJwt(&creds), t)
        .unwrap();
    assert!(seen.active);
    assert_eq!(seen.raw["client_id"], s.client_id.as_str());
    s.okta
        .revoke(ClientAuth::PrivateKeyJwt(&creds), t, Some("access_token"))
        .unwrap();
    assert!(
        !s.okta
            .introspect(ClientAuth::PrivateKeyJwt(&creds), t)
            .unwrap()
            .active
    );
    assert!(
        s.okta
            .call(&token, okta_flows::Method::GET, "/api/v1/users", None)
            .is_err()
    );
}

/// Rotates the setup's app to `new_key` with DPoP as needed, proving it with okta.users.read.
fn rotate(
    s: &Setup,
    new_key: Arc<KeyPair>,
    retire: okta_flows::Retire,
) -> okta_flows::Result<okta_flows::Rotation> {
    s.okta.rotate_app_key(
        &s.admin,
        &s.app_id,
        new_key,
        &scopes(&["okta.users.read"]),
        DpopMode::Auto,
        retire,
    )
}

fn active_kids(s: &Setup) -> Vec<String> {
    let mut kids: Vec<String> = s
        .okta
        .list_app_keys(&s.admin, &s.app_id)
        .unwrap()
        .into_iter()
        .filter(|k| k.active)
        .filter_map(|k| k.kid)
        .collect();
    kids.sort();
    kids
}

#[test]
fn rotation_resumes_from_every_point_of_interruption() {
    // Each case brings the app to one intermediate state by hand, then resumes.
    for stop_after in 0..=4 {
        let s = Setup::simple();
        let admin: &dyn Credential = &(s.admin);
        let old_kid = s.key.kid().as_str().to_owned();
        let new_key = Arc::new(KeyPair::generate(KeySpec::Ec(Curve::P384)).unwrap());
        let new_kid = new_key.kid().as_str().to_owned();
        if stop_after >= 1 {
            // Interrupted after adding the new key inactive (or before activating it).
            s.okta
                .add_app_key(admin, &s.app_id, new_key.public_jwk(), stop_after >= 2)
                .unwrap();
        }
        let keys = s.okta.list_app_keys(admin, &s.app_id).unwrap();
        let old_id = keys
            .iter()
            .find(|k| k.kid.as_deref() == Some(old_kid.as_str()))
            .unwrap()
            .id
            .clone();
        if stop_after >= 3 {
            s.okta
                .set_app_key_active(admin, &s.app_id, &old_id, false)
                .unwrap();
        }
        if stop_after >= 4 {
            s.okta.delete_app_key(admin, &s.app_id, &old_id).unwrap();
        }
        assert!(
            !active_kids(&s).is_empty(),
            "never without an active key (stop {stop_after})"
        );
        let report = rotate(&s, new_key.clone(), okta_flows::Retire::Delete).unwrap();
        assert_eq!(report.added, stop_after == 0, "stop {stop_after}");
        assert_eq!(report.activated, stop_after == 1, "stop {stop_after}");
        assert_eq!(
            active_kids(&s),
            std::slice::from_ref(&new_kid),
            "stop {stop_after}"
        );
        assert_eq!(s.okta.list_app_keys(admin, &s.app_id).unwrap().len(), 1);
        // The new key works; the old one is refused.
        let new_creds = okta_flows::ServiceCredentials::new(s.client_id.clone(), new_key.clone());
        assert!(
            s.okta
                .client_credentials(
                    &new_creds,
                    &TokenRequest::scopes(&scopes(&["okta.users.read"])).unwrap()
                )
                .is_ok()
        );
        let old = s
            .okta
            .client_credentials(
                &s.creds(DpopMode::Auto),
                &TokenRequest::scopes(&scopes(&["okta.users.read"])).unwrap(),
            )
            .unwrap_err();
        assert_eq!(old.okta_code(), Some(okta_flows::ErrorCode::InvalidClient));
        // Running it again changes nothing.
        let again = rotate(&s, new_key, okta_flows::Retire::Delete).unwrap();
        assert_eq!(again, okta_flows::Rotation::default());
    }
}

#[test]
fn a_rotation_whose_proof_fails_leaves_the_old_key_working() {
    let s = Setup::simple();
    let new_key = Arc::new(KeyPair::generate(KeySpec::Ec(Curve::P256)).unwrap());
    s.org
        .inject(FaultRule::next(FaultRoute::Token, 1, Fault::Status(500)));
    assert!(rotate(&s, new_key.clone(), okta_flows::Retire::Delete).is_err());
    assert_eq!(
        active_kids(&s).len(),
        2,
        "both keys active, nothing removed"
    );
    assert!(
        s.okta
            .client_credentials(
                &s.creds(DpopMode::Auto),
                &TokenRequest::scopes(&scopes(&["okta.users.read"])).unwrap()
            )
            .is_ok(),
        "the old key still signs"
    );
    let report = rotate(&s, new_key, okta_flows::Retire::Delete).unwrap();
    assert!(!report.added && report.deleted.len() == 1);
}

#[test]
fn key_rules_are_checked_before_sending_and_every_list_shape_is_read() {
    let s = Setup::simple();
    let admin: &dyn Credential = &(s.admin);
    s.org.clear_events();
    let err = s
        .okta
        .add_app_key(admin, &s.app_id, s.key.public_jwk(), true)
        .unwrap_err();
    assert!(
        err.to_string().contains("already has a key with this kid"),
        "{err}"
    );
    assert!(
        s.org.events().iter().all(|e| e.method == "GET"),
        "nothing was sent"
    );
    for shape in [
        okta_emulator::JwksListShape::Keys,
        okta_emulator::JwksListShape::Array,
    ] {
        let org = okta_emulator::Emulator::start({
            let mut config = okta_emulator::Config::default();
            config.jwks_list_shape = shape;
            config
        })
        .unwrap();
        let okta = okta_flows::Okta::builder(
            okta_flows::OrgUrl::dangerous_allow_loopback_http(org.url()).unwrap(),
        )
        .build()
        .unwrap();
        let admin = okta_flows::SswsToken::new(org.admin_token());
        let app = okta
            .create_service_app(
                &admin,
                "x",
                &okta_jwk::Jwks::new(vec![s.key.public_jwk().clone()]),
                okta_flows::DpopBinding::NotRequired,
            )
            .unwrap();
        assert_eq!(
            okta.list_app_keys(&admin, app.id()).unwrap().len(),
            1,
            "{shape:?}"
        );
    }
}

struct ShiftedClock(std::sync::atomic::AtomicU64);

impl okta_flows::Clock for ShiftedClock {
    fn now(&self) -> okta_flows::UnixTime {
        okta_flows::SystemClock
            .now()
            .plus(self.0.load(std::sync::atomic::Ordering::SeqCst))
    }
}

#[test]
fn a_users_tokens_serve_later_runs_and_refresh_near_expiry() {
    use okta_flows::Clock as _;
    let s = Setup::simple();
    let shift = Arc::new(ShiftedClock(std::sync::atomic::AtomicU64::new(0)));
    let okta = okta_flows::Okta::builder(
        okta_flows::OrgUrl::dangerous_allow_loopback_http(s.org.url()).unwrap(),
    )
    .clock(shift.clone())
    .build()
    .unwrap();
    let (id, port, _) = native_app_on_free_port(&s);
    let sign_in = okta
        .start_sign_in(
            &id,
            port,
            "/cb",
            &scopes(&["offline_access", "okta.users.read"]),
        )
        .unwrap();
    let page = browser(sign_in.url().to_owned());
    let tokens = okta
        .finish_sign_in(sign_in, ClientAuth::Public(&id), Duration::from_secs(10))
        .unwrap();
    page.join().unwrap();
    let dir = std::env::temp_dir().join(format!("okta-flows-user-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("user-tokens.json");
    okta_flows::UserTokenSource::new(okta.clone(), id.clone(), &file)
        .store(&tokens)
        .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        assert_eq!(
            std::fs::metadata(&file).unwrap().permissions().mode() & 0o777,
            0o600
        );
    }
    // A later run: the saved token, no request.
    s.org.clear_events();
    let later = okta_flows::UserTokenSource::new(okta.clone(), id.clone(), &file);
    assert_eq!(
        later.token().unwrap().access_token(),
        tokens.access.access_token()
    );
    assert!(s.org.events().is_empty());
    assert_eq!(
        okta.call(
            &later,
            okta_flows::Method::GET,
            "/api/v1/users?limit=1",
            None
        )
        .unwrap()
        .status,
        200
    );
    // Near expiry (by the client's clock): one refresh, saved for the next run.
    shift.0.store(3590, std::sync::atomic::Ordering::SeqCst);
    let refreshed = okta_flows::UserTokenSource::new(okta.clone(), id.clone(), &file)
        .token()
        .unwrap();
    assert_ne!(refreshed.access_token(), tokens.access.access_token());
    assert_eq!(
        s.org
            .events()
            .iter()
            .filter(|e| e.endpoint == "token")
            .count(),
        1
    );
    assert!(refreshed.expires_at() > shift.now().plus(3000));
    // A revoked refresh token: the next refresh says to sign in again, and the file is gone.
    okta.revoke(
        ClientAuth::Public(&id),
        tokens.refresh.as_ref().unwrap().expose_secret(),
        None,
    )
    .unwrap();
    shift.0.store(2 * 3600, std::sync::atomic::Ordering::SeqCst);
    let err = okta_flows::UserTokenSource::new(okta.clone(), id.clone(), &file)
        .token()
        .unwrap_err();
    assert!(err.to_string().contains("sign in again"), "{err}");
    assert!(!file.exists());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_rotation_keeps_the_old_keys_inactive_unless_asked_to_delete_them() {
    let s = Setup::simple();
    let admin: &dyn Credential = &(s.admin);
    let before = s.okta.list_app_keys(admin, &s.app_id).unwrap();
    let new_key = Arc::new(KeyPair::generate(KeySpec::Ec(Curve::P256)).unwrap());
    let report = rotate(&s, new_key.clone(), okta_flows::Retire::Deactivate).unwrap();
    assert!(report.added && report.deleted.is_empty());
    assert_eq!(report.deactivated.len(), before.len());
    let after = s.okta.list_app_keys(admin, &s.app_id).unwrap();
    assert_eq!(after.len(), before.len() + 1, "the old keys are kept");
    assert_eq!(active_kids(&s), [new_key.kid().as_str().to_owned()]);
    // Asked again with Delete, the inactive ones go.
    let report = rotate(&s, new_key, okta_flows::Retire::Delete).unwrap();
    assert_eq!(report.deleted.len(), before.len());
    assert_eq!(s.okta.list_app_keys(admin, &s.app_id).unwrap().len(), 1);
}
