//! The bridge against the emulator, over loopback: a DPoP-required app's scoped tokens for a
//! caller that knows only SSWS, Okta's answers passed through, pages that stay on the bridge,
//! one token per scope set for many callers, and the hostile callers of issue 29 §4, each
//! refused or bounded with the org never contacted for a refused request.

use std::io::{Read as _, Write as _};
use std::net::TcpStream;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use okta_flows::bridge::{Bridge, BridgeEvent, BridgeLimits, Refusal};
use okta_flows::{Credential, Scope, ServiceCredentials, TokenRequest, TokenSource};
use okta_jwk::{Curve, KeySpec};

use crate::Setup;

/// A bridge for the setup's DPoP-required app, a token source per scope set (counted), and the
/// events it reports.
struct Bridged {
    setup: Setup,
    bridge: Bridge,
    sources: Arc<AtomicUsize>,
    events: Arc<Mutex<Vec<BridgeEvent>>>,
}

fn bridged(users: usize, limits: BridgeLimits) -> Bridged {
    let setup = Setup::new(KeySpec::Ec(Curve::P256), true, users);
    for scope in ["okta.groups.manage", "okta.groups.read"] {
        setup
            .okta
            .ensure_grant(&setup.admin, &setup.app_id, &Scope::new(scope).unwrap())
            .unwrap();
    }
    let sources = Arc::new(AtomicUsize::new(0));
    let events = Arc::new(Mutex::new(Vec::new()));
    let (okta, client, key) = (
        setup.okta.clone(),
        setup.client_id.clone(),
        setup.key.clone(),
    );
    let made = sources.clone();
    let seen = events.clone();
    let bridge = setup
        .okta
        .bridge(move |scopes| {
            made.fetch_add(1, Ordering::SeqCst);
            let source = TokenSource::new(
                okta.clone(),
                ServiceCredentials::new(client.clone(), key.clone()),
                TokenRequest::new(scopes.to_vec()),
            );
            Ok(Arc::new(source) as Arc<dyn Credential>)
        })
        .limits(limits)
        .on_event(move |e| seen.lock().unwrap().push(e.clone()))
        .start()
        .unwrap();
    setup.org.clear_events();
    Bridged {
        setup,
        bridge,
        sources,
        events,
    }
}

fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

/// `GET url` with `Authorization: SSWS token`: the status, the `Link`s and the JSON body.
fn get(agent: &ureq::Agent, url: &str, token: &str) -> (u16, Vec<String>, serde_json::Value) {
    let mut response = agent
        .get(url)
        .header("Authorization", format!("SSWS {token}"))
        .header("Accept", "application/json")
        .call()
        .unwrap();
    let links = response
        .headers()
        .get_all("link")
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .collect();
    let body = response.body_mut().read_to_string().unwrap();
    let json = serde_json::from_str(&body).unwrap_or(serde_json::Value::Null);
    (response.status().as_u16(), links, json)
}

fn next_link(links: &[String]) -> Option<String> {
    links
        .iter()
        .flat_map(|l| l.split(','))
        .find(|l| l.contains("rel=\"next\""))
        .map(|l| l.split(['<', '>']).nth(1).unwrap().to_owned())
}

/// A request written as bytes, and what came back before the bridge closed or the wait ended.
fn raw(bridge: &Bridge, request: &[u8]) -> String {
    let mut stream = TcpStream::connect(bridge.url().trim_start_matches("http://")).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(5)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    String::from_utf8_lossy(&answer).into_owned()
}

fn host(bridge: &Bridge) -> String {
    bridge.url().trim_start_matches("http://").to_owned()
}

#[test]
fn an_ssws_caller_lists_every_user_through_a_dpop_required_app() {
    let b = bridged(450, BridgeLimits::default());
    let secret = b.bridge.secret().expose_secret().to_owned();
    let agent = agent();
    let mut url = format!("{}/api/v1/users?limit=200", b.bridge.url());
    let (mut users, mut pages) = (0, 0);
    loop {
        let (status, links, body) = get(&agent, &url, &secret);
        assert_eq!(status, 200, "{body}");
        users += body.as_array().unwrap().len();
        pages += 1;
        for link in &links {
            assert!(
                link.starts_with(&format!("<{}/", b.bridge.url())),
                "a link that leaves the bridge: {link}"
            );
        }
        match next_link(&links) {
            Some(next) => url = next,
            None => break,
        }
    }
    assert_eq!((users, pages), (450, 3));
    // One user, read by login, through the same token.
    let (status, _, user) = get(
        &agent,
        &format!("{}/api/v1/users/user7@example.com", b.bridge.url()),
        &secret,
    );
    assert_eq!(
        (status, user["profile"]["login"].as_str()),
        (200, Some("user7@example.com"))
    );
    // Every page reached the org as the app (DPoP: the app requires it), with one token.
    let tokens = b.setup.token_outcomes();
    assert_eq!(
        tokens.iter().filter(|o| *o == "ok").count(),
        1,
        "{tokens:?}"
    );
    assert_eq!(b.sources.load(Ordering::SeqCst), 1);
    let events = b.events.lock().unwrap();
    assert_eq!(events.len(), 4);
    assert!(
        events
            .iter()
            .all(|e| e.scopes == ["okta.users.read"] && e.status == 200)
    );
    assert_eq!(events[1].path, "/api/v1/users?after=…&limit=…");
}

#[test]
fn each_operation_gets_its_own_scopes_and_okta_s_refusals_pass_through() {
    let b = bridged(5, BridgeLimits::default());
    let secret = b.bridge.secret().expose_secret().to_owned();
    let agent = agent();
    // The app holds okta.groups.manage but its role is read-only: Okta's 403, as Okta sent it.
    let mut response = agent
        .post(&format!("{}/api/v1/groups", b.bridge.url()))
        .header("Authorization", format!("SSWS {secret}"))
        .header("Content-Type", "application/json")
        .send(r#"{"profile":{"name":"bridged"}}"#)
        .unwrap();
    let body: serde_json::Value =
        serde_json::from_str(&response.body_mut().read_to_string().unwrap()).unwrap();
    assert_eq!(response.status().as_u16(), 403);
    assert_eq!(body["errorCode"], "E0000006", "{body}");
    // A scope the app was never granted: no token, the bridge's 403 naming Okta's refusal.
    let (status, _, body) = get(&agent, &format!("{}/api/v1/apps", b.bridge.url()), &secret);
    assert_eq!(status, 403);
    assert_eq!(body["errorCode"], "okta-oauth.bridge.no_token");
    assert!(
        body["errorSummary"]
            .as_str()
            .unwrap()
            .contains("okta.apps.read"),
        "{body}"
    );
    let events = b.events.lock().unwrap();
    let scopes: Vec<&[String]> = events.iter().map(|e| e.scopes.as_slice()).collect();
    assert_eq!(
        scopes,
        [
            &["okta.groups.manage".to_owned()][..],
            &["okta.apps.read".to_owned()][..]
        ]
    );
    assert_eq!(events[1].refused, Some(Refusal::NoToken));
}

#[test]
fn thirty_two_callers_at_once_make_one_token_request_per_scope_set() {
    let b = bridged(5, BridgeLimits::default());
    let secret = b.bridge.secret().expose_secret().to_owned();
    let url = b.bridge.url().to_owned();
    std::thread::scope(|s| {
        for i in 0..32 {
            let (secret, url) = (&secret, &url);
            s.spawn(move || {
                let path = if i % 2 == 0 {
                    "/api/v1/users"
                } else {
                    "/api/v1/groups"
                };
                let (status, _, body) = get(&agent(), &format!("{url}{path}"), secret);
                assert_eq!(status, 200, "{body}");
            });
        }
    });
    let requests = b.setup.token_outcomes();
    assert_eq!(
        requests.iter().filter(|o| *o == "ok").count(),
        2,
        "one token for okta.users.read and one for okta.groups.read: {requests:?}"
    );
    assert_eq!(b.sources.load(Ordering::SeqCst), 2);
}

#[test]
fn hostile_callers_are_refused_before_the_org_is_contacted() {
    let b = bridged(5, BridgeLimits::default());
    let secret = b.bridge.secret().expose_secret().to_owned();
    let h = host(&b.bridge);
    let auth = format!("Authorization: SSWS {secret}\r\n");
    let cases: Vec<(String, &str)> = vec![
        (
            format!("GET /api/v1/users HTTP/1.1\r\nHost: {h}\r\nConnection: close\r\n\r\n"),
            "401",
        ),
        (
            format!(
                "GET /api/v1/users HTTP/1.1\r\nHost: {h}\r\nAuthorization: SSWS {}x\r\nConnection: close\r\n\r\n",
                &secret[..secret.len() - 1]
            ),
            "401",
        ),
        (
            format!(
                "GET /api/v1/users HTTP/1.1\r\nHost: {h}\r\nAuthorization: Basic {secret}\r\nConnection: close\r\n\r\n"
            ),
            "401",
        ),
        (
            format!(
                "GET /api/v1/users HTTP/1.1\r\nHost: rebound.example:{}\r\n{auth}Connection: close\r\n\r\n",
                h.rsplit(':').next().unwrap()
            ),
            "403",
        ),
        (
            format!("GET /api/v1/users HTTP/1.1\r\n{auth}Connection: close\r\n\r\n"),
            "403",
        ),
        (
            format!(
                "GET {}/api/v1/users HTTP/1.1\r\nHost: {h}\r\n{auth}Connection: close\r\n\r\n",
                b.setup.org.url()
            ),
            "400",
        ),
        (
            format!(
                "GET http://{h}/api/v1/users HTTP/1.1\r\nHost: {h}\r\n{auth}Connection: close\r\n\r\n"
            ),
            "400",
        ),
        (
            format!("CONNECT example.okta.com:443 HTTP/1.1\r\nHost: {h}\r\n{auth}\r\n"),
            "400",
        ),
        (
            format!(
                "GET /api/v1/../../oauth2/v1/token HTTP/1.1\r\nHost: {h}\r\n{auth}Connection: close\r\n\r\n"
            ),
            "400",
        ),
        (
            format!(
                "POST /api/v1/%2e%2e/%2E%2E/oauth2/v1/token HTTP/1.1\r\nHost: {h}\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n"
            ),
            "400",
        ),
        (
            format!(
                "GET /api/v1/users/..%2f..%2foauth2%2fv1%2ftoken HTTP/1.1\r\nHost: {h}\r\n{auth}Connection: close\r\n\r\n"
            ),
            "400",
        ),
        (
            format!(
                "POST /oauth2/v1/token HTTP/1.1\r\nHost: {h}\r\n{auth}Content-Length: 0\r\nConnection: close\r\n\r\n"
            ),
            "404",
        ),
        (
            format!(
                "GET /oauth2/default/.well-known/openid-configuration HTTP/1.1\r\nHost: {h}\r\n{auth}Connection: close\r\n\r\n"
            ),
            "404",
        ),
        (
            format!(
                "GET /api/v1/not-an-operation HTTP/1.1\r\nHost: {h}\r\n{auth}Connection: close\r\n\r\n"
            ),
            "403",
        ),
        (
            format!("TRACE /api/v1/users HTTP/1.1\r\nHost: {h}\r\n{auth}Connection: close\r\n\r\n"),
            "405",
        ),
        (
            format!(
                "POST /api/v1/groups HTTP/1.1\r\nHost: {h}\r\n{auth}Content-Type: application/json\r\nContent-Length: 107374182400\r\n\r\n{{"
            ),
            "413",
        ),
        (
            format!(
                "GET /api/v1/users HTTP/1.1\r\nHost: {h}\r\n{auth}{}Connection: close\r\n\r\n",
                "X-Flood: a\r\n".repeat(200)
            ),
            "431",
        ),
        (
            format!(
                "GET /api/v1/users HTTP/1.1\r\nHost: {h}\r\n{auth}X-Long: {}\r\nConnection: close\r\n\r\n",
                "a".repeat(64 * 1024)
            ),
            "431",
        ),
    ];
    for (request, status) in &cases {
        let answer = raw(&b.bridge, request.as_bytes());
        let first = answer.lines().next().unwrap_or_default();
        assert!(
            first.starts_with(&format!("HTTP/1.1 {status}")),
            "{:?} answered {first:?}",
            request.lines().next().unwrap()
        );
        assert!(!answer.contains(&secret), "the secret came back");
    }
    assert!(
        b.setup.org.events().is_empty(),
        "a refused request reached the org: {:?}",
        b.setup.org.events()
    );
    let events = b.events.lock().unwrap();
    assert!(events.iter().all(|e| e.refused.is_some()));
    assert!(
        !format!("{events:?}").contains(&secret),
        "the secret is in an event"
    );
}

#[test]
fn slow_heads_slow_bodies_and_idle_connections_are_bounded() {
    let limits = BridgeLimits::default()
        .header_timeout(Duration::from_millis(500))
        .body_timeout(Duration::from_millis(500))
        .connections(200);
    let b = bridged(5, limits);
    let secret = b.bridge.secret().expose_secret().to_owned();
    let h = host(&b.bridge);
    // A head that never ends: closed after the header timeout.
    let start = Instant::now();
    let answer = raw(
        &b.bridge,
        format!("GET /api/v1/users HTTP/1.1\r\nHost: {h}\r\n").as_bytes(),
    );
    assert!(start.elapsed() < Duration::from_secs(4), "{answer:?}");
    // A body that never comes: 408 after the body timeout.
    let answer = raw(
        &b.bridge,
        format!("POST /api/v1/groups HTTP/1.1\r\nHost: {h}\r\nAuthorization: SSWS {secret}\r\nContent-Length: 100\r\n\r\n{{").as_bytes(),
    );
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer:?}");
    // 1 000 idle connections: those past the limit are closed at once, the rest after the
    // header timeout; then the bridge serves again.
    let idle: Vec<TcpStream> = (0..1000)
        .filter_map(|_| TcpStream::connect(&h).ok())
        .collect();
    assert!(idle.len() >= 900, "only {} connections opened", idle.len());
    std::thread::sleep(Duration::from_millis(1500));
    let closed = idle
        .iter()
        .filter(|s| {
            s.set_read_timeout(Some(Duration::from_millis(20))).unwrap();
            matches!((&**s).read(&mut [0u8; 1]), Ok(0))
        })
        .count();
    assert_eq!(closed, idle.len(), "idle connections still open");
    drop(idle);
    assert!(
        b.setup.org.events().is_empty(),
        "a bounded request reached the org"
    );
    let (status, _, body) = get(
        &agent(),
        &format!("{}/api/v1/users", b.bridge.url()),
        &secret,
    );
    assert_eq!(status, 200, "{body}");
}

#[test]
fn a_429_passes_through_and_only_idempotent_requests_are_repeated() {
    use okta_emulator::{Fault, FaultRoute, FaultRule, Reset};
    let b = bridged(5, BridgeLimits::default());
    let secret = b.bridge.secret().expose_secret().to_owned();
    let agent = agent();
    let users = format!("{}/api/v1/users", b.bridge.url());
    // Warm: the token is had before the faults.
    assert_eq!(get(&agent, &users, &secret).0, 200);
    // A 429 goes back to the caller as Okta sent it, its rate-limit headers with it: the
    // caller's own client waits (Okta's SDKs do), and nothing is repeated behind its back.
    b.setup.org.clear_events();
    b.setup.org.inject(FaultRule::next(
        FaultRoute::Users,
        1,
        Fault::RateLimited(Reset::In(30)),
    ));
    let response = agent
        .get(&users)
        .header("Authorization", format!("SSWS {secret}"))
        .call()
        .unwrap();
    assert_eq!(response.status().as_u16(), 429);
    for header in [
        "x-rate-limit-limit",
        "x-rate-limit-remaining",
        "x-rate-limit-reset",
    ] {
        assert!(response.headers().contains_key(header), "{header} missing");
    }
    assert_eq!(b.setup.org.events().len(), 1);
    // A 503 to a GET is tried again; to a POST it is the caller's, sent once.
    b.setup.org.clear_events();
    b.setup
        .org
        .inject(FaultRule::next(FaultRoute::Users, 1, Fault::Status(503)));
    assert_eq!(get(&agent, &users, &secret).0, 200);
    assert_eq!(b.setup.org.events().len(), 2);
    b.setup.org.clear_events();
    b.setup
        .org
        .inject(FaultRule::next(FaultRoute::Groups, 1, Fault::Status(503)));
    let status = agent
        .post(&format!("{}/api/v1/groups", b.bridge.url()))
        .header("Authorization", format!("SSWS {secret}"))
        .header("Content-Type", "application/json")
        .send(r#"{"profile":{"name":"once"}}"#)
        .unwrap()
        .status()
        .as_u16();
    assert_eq!(status, 503);
    let posts: Vec<_> = b
        .setup
        .org
        .events()
        .into_iter()
        .filter(|e| e.endpoint != "token")
        .collect();
    assert_eq!(posts.len(), 1, "{posts:?}");
}

#[test]
fn an_answer_longer_than_one_part_streams_through_whole() {
    use okta_emulator::{Fault, FaultRoute, FaultRule};
    let b = bridged(5, BridgeLimits::default());
    let secret = b.bridge.secret().expose_secret().to_owned();
    // 3 MB: more than a part (256 KiB), so it is pumped through the channel, part by part.
    for size in [3_000_000, 262_144, 262_145] {
        b.setup
            .org
            .inject(FaultRule::next(FaultRoute::Users, 1, Fault::Huge(size)));
        let mut response = agent()
            .get(&format!("{}/api/v1/users", b.bridge.url()))
            .header("Authorization", format!("SSWS {secret}"))
            .call()
            .unwrap();
        assert_eq!(response.status().as_u16(), 200);
        let body = response
            .body_mut()
            .with_config()
            .limit(10_000_000)
            .read_to_vec()
            .unwrap();
        assert_eq!(body.len(), size);
        let json: serde_json::Value = serde_json::from_slice(&body).unwrap();
        assert!(json.is_array() || json.is_object());
    }
}
