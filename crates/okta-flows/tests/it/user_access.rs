//! The user half of Okta's guide through the library, against the emulator: an OIDC web app
//! with a client secret, assignments, the user's admin role, sign-in with `client_secret_post`
//! and `client_secret_basic`, and the device grant. The Basic header's expected value is RFC
//! 6749 §4.1.3's own example.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use httpmock::prelude::*;
use okta_emulator::{Config, Emulator, ManualClock};
use okta_flows::{
    AppId, Assignee, ClientAuth, ClientId, ClientSecret, GroupId, OidcApp, OidcAppKind, Okta,
    OrgUrl, RefreshToken, SswsToken, StandardRole,
};

use crate::{fast_retries, scopes};

pub(crate) struct Org {
    pub(crate) org: Emulator,
    pub(crate) okta: Okta,
    pub(crate) admin: SswsToken,
}

pub(crate) fn org(config: Config) -> Org {
    let org = Emulator::start(config).unwrap();
    let okta = Okta::builder(OrgUrl::dangerous_allow_loopback_http(org.url()).unwrap())
        .retry(fast_retries())
        .build()
        .unwrap();
    let admin = SswsToken::new(org.admin_token());
    Org { org, okta, admin }
}

/// A free loopback port and the redirect URI on it.
pub(crate) fn free_redirect() -> (u16, String) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    (port, format!("http://127.0.0.1:{port}/callback"))
}

/// The scripted browser: open the authorize URL, follow its redirect to the listener.
pub(crate) fn browse(url: String) -> std::thread::JoinHandle<u16> {
    std::thread::spawn(move || {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .max_redirects(0)
            .build()
            .into();
        let first = agent.get(&url).call().unwrap();
        let location = first.headers()["location"].to_str().unwrap().to_owned();
        agent.get(&location).call().unwrap().status().as_u16()
    })
}

#[test]
fn a_web_app_signs_its_assigned_user_in_with_its_secret_and_the_role_opens_the_api() {
    let o = org({
        let mut config = Config::default();
        config.default_login = Some("user1@example.com".into());
        config
    });
    let (port, redirect) = free_redirect();
    let spec = OidcApp::new("guide web app", OidcAppKind::Web, vec![redirect]).unwrap();
    let app = o.okta.create_oidc_app(&o.admin, &spec).unwrap();
    assert_eq!(app.kind(), Some(OidcAppKind::Web));
    assert_eq!(app.application_type(), Some("web"));
    let secret = app
        .client_secret()
        .expect("a web app's secret, shown once")
        .clone();
    assert!(!app.raw().to_string().contains(secret.expose_secret()));
    o.okta
        .add_grant(
            &o.admin,
            app.id(),
            &okta_flows::Scope::new("okta.users.read").unwrap(),
        )
        .unwrap();
    let auth = ClientAuth::Secret {
        client_id: app.client_id(),
        secret: &secret,
    };
    let asked = scopes(&["openid", "offline_access", "okta.users.read"]);

    // Not assigned yet: the sign-in ends with Okta's access_denied, said plainly.
    let sign_in = o
        .okta
        .start_sign_in(app.client_id(), port, "/callback", &asked)
        .unwrap();
    let browser = browse(sign_in.url().to_owned());
    let err = o
        .okta
        .finish_sign_in(sign_in, auth, Duration::from_secs(20))
        .unwrap_err();
    browser.join().unwrap();
    assert!(
        err.to_string()
            .contains("User is not assigned to the client application"),
        "{err}"
    );

    let user = o.okta.find_user(&o.admin, "user1@example.com").unwrap();
    assert_eq!(user.login, "user1@example.com");
    assert!(!o.okta.is_assigned(&o.admin, app.id(), &user.id).unwrap());
    o.okta.assign_user(&o.admin, app.id(), &user.id).unwrap();
    o.okta.assign_user(&o.admin, app.id(), &user.id).unwrap();
    assert!(o.okta.is_assigned(&o.admin, app.id(), &user.id).unwrap());
    assert_eq!(
        o.okta.list_assignments(&o.admin, app.id()).unwrap(),
        vec![Assignee::User(user.id.clone())]
    );

    // client_secret_post, PKCE and state: tokens for user1.
    let sign_in = o
        .okta
        .start_sign_in(app.client_id(), port, "/callback", &asked)
        .unwrap();
    let browser = browse(sign_in.url().to_owned());
    let tokens = o
        .okta
        .finish_sign_in(sign_in, auth, Duration::from_secs(20))
        .unwrap();
    assert_eq!(browser.join().unwrap(), 200);
    assert_eq!(
        tokens.id_claims.as_ref().unwrap()["preferred_username"],
        "user1@example.com"
    );
    // The scope alone is not enough: the user holds no admin role (E0000006).
    let denied = o
        .okta
        .call(
            &tokens.access,
            okta_flows::Method::GET,
            "/api/v1/users?limit=1",
            None,
        )
        .unwrap_err();
    assert_eq!(
        denied.okta_code(),
        Some(okta_flows::ErrorCode::NoPermission)
    );
    let role = o
        .okta
        .assign_user_role(&o.admin, &user.id, &StandardRole::ReadOnlyAdmin.into())
        .unwrap();
    assert_eq!(role.standard(), Some(StandardRole::ReadOnlyAdmin));
    assert_eq!(o.okta.list_user_roles(&o.admin, &user.id).unwrap().len(), 1);
    o.okta
        .call(
            &tokens.access,
            okta_flows::Method::GET,
            "/api/v1/users?limit=1",
            None,
        )
        .unwrap();

    // Refresh with the same client, this time with client_secret_basic.
    let refreshed = o
        .okta
        .refresh(
            ClientAuth::SecretBasic {
                client_id: app.client_id(),
                secret: &secret,
            },
            app.client_id(),
            tokens.refresh.as_ref().unwrap(),
            None,
        )
        .unwrap();
    assert!(
        refreshed
            .access
            .scopes()
            .iter()
            .any(|s| s == "okta.users.read")
    );
    // A wrong secret is Okta's invalid_client.
    let wrong = ClientSecret::new("not-the-secret");
    let err = o
        .okta
        .refresh(
            ClientAuth::Secret {
                client_id: app.client_id(),
                secret: &wrong,
            },
            app.client_id(),
            tokens.refresh.as_ref().unwrap(),
            None,
        )
        .unwrap_err();
    assert_eq!(err.okta_code(), Some(okta_flows::ErrorCode::InvalidClient));

    o.okta
        .unassign(&o.admin, app.id(), &Assignee::User(user.id.clone()))
        .unwrap();
    assert!(
        o.okta
            .list_assignments(&o.admin, app.id())
            .unwrap()
            .is_empty()
    );
    o.okta
        .unassign_user_role(&o.admin, &user.id, &role.id)
        .unwrap();
    drop(o.org);
}

#[test]
fn client_secret_basic_is_rfc_6749s_header() {
    let server = MockServer::start();
    // RFC 6749 §4.1.3 / §2.3.1: client s6BhdRkqt3, secret gX1fBat3bV.
    let mock = server.mock(|when, then| {
        when.method(POST)
            .path("/oauth2/v1/token")
            .header("authorization", "Basic czZCaGRSa3F0MzpnWDFmQmF0M2JW")
            .body_excludes("client_secret")
            .body_includes("grant_type=refresh_token");
        then.status(200)
            .header("content-type", "application/json")
            .body(r#"{"access_token":"at","token_type":"Bearer","expires_in":3600}"#);
    });
    let okta = Okta::builder(OrgUrl::dangerous_allow_loopback_http(&server.base_url()).unwrap())
        .build()
        .unwrap();
    let id = ClientId::new("s6BhdRkqt3").unwrap();
    let secret = ClientSecret::new("gX1fBat3bV");
    okta.refresh(
        ClientAuth::SecretBasic {
            client_id: &id,
            secret: &secret,
        },
        &id,
        &RefreshToken::new("rt"),
        None,
    )
    .unwrap();
    mock.assert();
}

#[test]
fn a_native_app_signs_in_with_the_device_grant_slowing_down_when_told() {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs();
    let clock = Arc::new(ManualClock::new(now));
    let o = org({
        let mut config = Config::default();
        config.device_interval = 1;
        config.clock = clock.clone();
        config
    });
    let spec = OidcApp::new(
        "device app",
        OidcAppKind::Native,
        vec!["http://127.0.0.1:9/callback".to_owned()],
    )
    .unwrap();
    let app = o.okta.create_oidc_app(&o.admin, &spec).unwrap();
    assert!(app.client_secret().is_none());
    let everyone = GroupId::new("00g0000000000everyone").unwrap();
    o.okta.assign_group(&o.admin, app.id(), &everyone).unwrap();
    o.okta
        .add_grant(
            &o.admin,
            &AppId::new(app.id().as_str()).unwrap(),
            &okta_flows::Scope::new("okta.users.read").unwrap(),
        )
        .unwrap();
    let auth = ClientAuth::Public(app.client_id());
    let device = o
        .okta
        .start_device_sign_in(auth, &scopes(&["openid", "okta.users.read"]))
        .unwrap();
    assert_eq!(device.user_code().len(), 8);
    assert_eq!(
        device.verification_uri(),
        format!("{}/activate", o.org.url())
    );
    assert_eq!(device.interval(), Duration::from_secs(1));
    let code = device.user_code().to_owned();
    let base = o.org.url().to_owned();
    // The "wait": the org's clock moves instead of this thread sleeping. The second poll comes
    // too soon (no time passes), so the org says slow_down and the wait grows by 5 s; the user
    // approves during the third wait.
    let waits = Arc::new(Mutex::new(Vec::new()));
    let seen = waits.clone();
    let mut wait = move |d: Duration| {
        let mut seen = seen.lock().unwrap();
        seen.push(d.as_secs());
        match seen.len() {
            2 => {}
            3 => {
                clock.advance(d.as_secs());
                let agent: ureq::Agent = ureq::Agent::config_builder()
                    .http_status_as_error(false)
                    .build()
                    .into();
                let got = agent
                    .post(&format!("{base}/activate"))
                    .send_form([
                        ("user_code", code.as_str()),
                        ("username", "user2@example.com"),
                        ("password", okta_emulator::DEFAULT_PASSWORD),
                        ("decision", "allow"),
                    ])
                    .unwrap();
                assert_eq!(got.status().as_u16(), 200);
            }
            _ => clock.advance(d.as_secs()),
        }
    };
    let tokens = o
        .okta
        .finish_device_sign_in(device, auth, &mut wait)
        .unwrap();
    assert_eq!(*waits.lock().unwrap(), vec![1, 1, 6]);
    assert_eq!(
        tokens.access.scopes(),
        &["openid".to_owned(), "okta.users.read".to_owned()]
    );

    // Denied by the user: a typed error that says so.
    let device = o
        .okta
        .start_device_sign_in(auth, &scopes(&["openid"]))
        .unwrap();
    let code = device.user_code().to_owned();
    let base = o.org.url().to_owned();
    let mut deny = move |_: Duration| {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .build()
            .into();
        agent
            .post(&format!("{base}/activate"))
            .send_form([
                ("user_code", code.as_str()),
                ("username", "user2@example.com"),
                ("password", okta_emulator::DEFAULT_PASSWORD),
                ("decision", "deny"),
            ])
            .unwrap();
    };
    let err = o
        .okta
        .finish_device_sign_in(device, auth, &mut deny)
        .unwrap_err();
    assert!(err.to_string().contains("access_denied"), "{err}");
}
