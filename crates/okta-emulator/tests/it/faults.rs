//! Fault injection, rate limits (Okta's "Rate limits" overview) and the event log.

use okta_emulator::{Fault, FaultRoute, FaultRule, Reset};
use serde_json::json;

use crate::{World, get};

fn users(w: &World) -> crate::Got {
    get(
        &w.url("/api/v1/users?limit=2"),
        &[("Authorization", &w.ssws())],
    )
}

#[test]
fn each_fault_shows_on_the_wire() {
    let w = World::new(false);
    w.org
        .inject(FaultRule::next(FaultRoute::Users, 2, Fault::Status(503)));
    assert_eq!(users(&w).status, 503);
    assert_eq!(users(&w).json()["errorCode"], "E0000009");
    assert_eq!(users(&w).status, 200, "next=2 means two");
    w.org
        .inject(FaultRule::next(FaultRoute::Users, 1, Fault::Html(502)));
    let got = users(&w);
    assert_eq!(
        (got.status, got.header("content-type")),
        (502, Some("text/html"))
    );
    for (reset, want) in [
        (Reset::In(5), true),
        (Reset::Missing, false),
        (Reset::Garbage, true),
    ] {
        w.org.inject(FaultRule::next(
            FaultRoute::Users,
            1,
            Fault::RateLimited(reset),
        ));
        let got = users(&w);
        assert_eq!(got.status, 429);
        assert_eq!(got.json()["errorCode"], "E0000047");
        assert_eq!(
            got.header("x-rate-limit-reset").is_some(),
            want,
            "{reset:?}"
        );
    }
    w.org
        .inject(FaultRule::next(FaultRoute::Users, 1, Fault::Concurrency));
    let got = users(&w);
    assert_eq!(
        (
            got.header("x-rate-limit-limit"),
            got.header("x-rate-limit-remaining")
        ),
        (Some("0"), Some("0"))
    );
    w.org
        .inject(FaultRule::next(FaultRoute::Users, 1, Fault::TruncatedJson));
    assert!(serde_json::from_str::<serde_json::Value>(&users(&w).body).is_err());
    w.org.inject(FaultRule::next(
        FaultRoute::Users,
        1,
        Fault::WrongContentType,
    ));
    assert_eq!(users(&w).header("content-type"), Some("text/plain"));
    w.org.inject(FaultRule::next(
        FaultRoute::Users,
        1,
        Fault::Huge(3_000_000),
    ));
    assert!(users(&w).body.len() >= 3_000_000);
    w.org
        .inject(FaultRule::next(FaultRoute::Users, 1, Fault::Redirect(307)));
    let got = users(&w);
    assert_eq!(
        (got.status, got.header("location")),
        (307, Some("https://evil.example/steal"))
    );
    w.org
        .inject(FaultRule::next(FaultRoute::Users, 1, Fault::LinkForeign));
    assert!(
        users(&w)
            .all("link")
            .iter()
            .any(|l| l.contains("https://evil.example") && l.contains("next"))
    );
    w.org
        .inject(FaultRule::next(FaultRoute::Users, 1, Fault::LinkLoop));
    let got = users(&w);
    assert!(
        got.all("link")
            .iter()
            .any(|l| l.contains(&w.url("/api/v1/users?limit=2")) && l.contains("next"))
    );
    w.org
        .inject(FaultRule::next(FaultRoute::Users, 1, Fault::Slow(20)));
    let start = std::time::Instant::now();
    assert_eq!(users(&w).status, 200);
    assert!(
        start.elapsed() >= std::time::Duration::from_millis(100),
        "a slow body takes time"
    );
}

#[test]
fn token_faults() {
    let w = World::new(true);
    let dk = crate::Key::fixture("p256", None);
    let p = crate::proof(&dk, "POST", &w.token_url(), &[], &[]);
    w.org
        .inject(FaultRule::next(FaultRoute::Token, 1, Fault::NonceMissing));
    let got = w.token_request(&w.assertion(), "okta.users.read", Some(&p));
    assert_eq!(got.json()["error"], "use_dpop_nonce");
    assert!(got.header("dpop-nonce").is_none());
    let p = crate::proof(&dk, "POST", &w.token_url(), &[], &[]);
    w.org
        .inject(FaultRule::next(FaultRoute::Token, 1, Fault::NonceDuplicate));
    assert_eq!(
        w.token_request(&w.assertion(), "okta.users.read", Some(&p))
            .all("dpop-nonce")
            .len(),
        2
    );
    w.org.inject(FaultRule::next(
        FaultRoute::Token,
        1,
        Fault::TokenTypeBearer,
    ));
    let nonce = json!(w.org.dpop_nonce());
    let p = crate::proof(
        &dk,
        "POST",
        &w.token_url(),
        &[],
        &[("nonce", nonce.clone())],
    );
    assert_eq!(
        w.token_request(&w.assertion(), "okta.users.read", Some(&p))
            .json()["token_type"],
        "Bearer"
    );
    for value in [json!(0), json!(-1), json!("3600"), json!(1e12)] {
        w.org.inject(FaultRule::next(
            FaultRoute::Token,
            1,
            Fault::ExpiresIn(value.clone()),
        ));
        let p = crate::proof(
            &dk,
            "POST",
            &w.token_url(),
            &[],
            &[("nonce", nonce.clone())],
        );
        assert_eq!(
            w.token_request(&w.assertion(), "okta.users.read", Some(&p))
                .json()["expires_in"],
            value
        );
    }
    w.org
        .inject(FaultRule::always(FaultRoute::Token, Fault::NonceForever));
    for _ in 0..3 {
        let p = crate::proof(
            &dk,
            "POST",
            &w.token_url(),
            &[],
            &[("nonce", nonce.clone())],
        );
        assert_eq!(
            w.token_request(&w.assertion(), "okta.users.read", Some(&p))
                .json()["error"],
            "use_dpop_nonce"
        );
    }
    w.org.clear_faults();
    w.org
        .inject(FaultRule::next(FaultRoute::Token, 1, Fault::TruncatedJson));
    assert_eq!(
        w.token_request(&w.assertion(), "okta.users.read", None)
            .body,
        r#"{"access_token":"eyJ"#
    );
}

#[test]
fn fault_rules_parse_from_text() {
    let r: FaultRule = "users:503:next=2".parse().unwrap();
    assert_eq!(r, FaultRule::next(FaultRoute::Users, 2, Fault::Status(503)));
    assert_eq!(
        "token:nonce-missing".parse::<FaultRule>().unwrap(),
        FaultRule::next(FaultRoute::Token, 1, Fault::NonceMissing)
    );
    assert_eq!(
        "*:429-garbage:always".parse::<FaultRule>().unwrap(),
        FaultRule::always(FaultRoute::Any, Fault::RateLimited(Reset::Garbage))
    );
    assert_eq!(
        "token:expires-in=\"3600\""
            .parse::<FaultRule>()
            .unwrap()
            .fault,
        Fault::ExpiresIn(json!("3600"))
    );
    for bad in [
        "",
        "users",
        "users:404",
        "users:503:p=2",
        "users:huge",
        "users:teapot",
    ] {
        assert!(bad.parse::<FaultRule>().is_err(), "{bad}");
    }
}

#[test]
fn a_misspelt_route_or_an_impossible_probability_is_refused_when_made() {
    // On main `FaultRule::next("user", …)` was accepted and never fired (the route is `users`),
    // and `Trigger::Probability(f64::NAN)` was accepted and never fired either.
    use okta_emulator::{FaultError, Probability};
    assert_eq!(
        "user:503".parse::<FaultRule>(),
        Err(FaultError::UnknownRoute("user".into()))
    );
    assert!(matches!(
        "user".parse::<FaultRoute>(),
        Err(FaultError::UnknownRoute(_))
    ));
    for p in [f64::NAN, -0.1, 1.5, f64::INFINITY] {
        assert!(matches!(
            Probability::new(p),
            Err(FaultError::Probability(_))
        ));
    }
    for text in ["users:503:p=NaN", "users:503:p=inf"] {
        assert!(matches!(
            text.parse::<FaultRule>(),
            Err(FaultError::Probability(_))
        ));
    }
    // A rule made from the typed parts fires, on the route it names.
    let w = World::new(false);
    w.org.inject(FaultRule::sometimes(
        FaultRoute::Users,
        Probability::new(1.0).unwrap(),
        Fault::Status(503),
    ));
    assert_eq!(users(&w).status, 503);
    assert_eq!(users(&w).status, 503);
    w.org.clear_faults();
    assert_eq!(users(&w).status, 200);
}

#[test]
fn rate_limits_count_per_bucket_and_answer_429_with_e0000047() {
    let config = {
        let mut config = okta_emulator::Config::default();
        config.rate_limits = okta_emulator::RateLimits {
            oauth: 100,
            users: 3,
            management: 100,
        };
        config
    };
    let w = World::with(config, "p256", false);
    let remaining: Vec<String> = (0..3)
        .map(|_| {
            users(&w)
                .header("x-rate-limit-remaining")
                .unwrap()
                .to_owned()
        })
        .collect();
    assert_eq!(remaining, ["2", "1", "0"]);
    let got = users(&w);
    assert_eq!(got.status, 429);
    assert_eq!(got.json()["errorCode"], "E0000047");
    let reset: u64 = got.header("x-rate-limit-reset").unwrap().parse().unwrap();
    assert!(reset > crate::now() && reset <= crate::now() + 60);
    // Another bucket is unaffected.
    assert_eq!(
        w.token_request(&w.assertion(), "okta.users.read", None)
            .status,
        200
    );
}

#[test]
fn the_event_log_records_outcomes_and_no_secrets() {
    let w = World::new(true);
    let dk = crate::Key::fixture("p256", None);
    let token = w.token(Some(&dk))["access_token"]
        .as_str()
        .unwrap()
        .to_owned();
    let a = w.assertion();
    w.token_request(&a, "okta.users.read", None);
    w.token_request(&a, "okta.users.read", None);
    get(&w.url("/api/v1/users"), &[("Authorization", &w.ssws())]);
    let events = w.org.events();
    let outcomes: Vec<&str> = events
        .iter()
        .filter(|e| e.endpoint == "token")
        .map(|e| e.outcome.as_str())
        .collect();
    assert_eq!(outcomes, ["ok", "invalid_dpop_proof", "invalid_client"]);
    let text = format!("{events:?}");
    for secret in [token.as_str(), a.as_str(), w.org.admin_token()] {
        assert!(
            !text.contains(&secret[..secret.len().min(40)]),
            "the event log leaks a secret"
        );
    }
    assert!(events.iter().all(|e| e.request_id.len() == 20));
}

/// Each endpoint family has its own window, as Okta's per-endpoint buckets do: listing groups
/// until 429 leaves the apps API alone (before issue 28, one management window covered both).
#[test]
fn each_endpoint_family_has_its_own_rate_limit_window() {
    let config = {
        let mut config = okta_emulator::Config::default();
        config.rate_limits = okta_emulator::RateLimits {
            oauth: 100,
            users: 100,
            management: 2,
        };
        config
    };
    let w = World::with(config, "p256", false);
    let ssws = w.ssws();
    let h = [("Authorization", ssws.as_str())];
    let groups = || crate::get(&w.url("/api/v1/groups"), &h);
    assert_eq!(groups().status, 200);
    assert_eq!(groups().status, 200);
    let refused = groups();
    assert_eq!(refused.status, 429);
    assert_eq!(refused.json()["errorCode"], "E0000047");
    let apps = crate::get(&w.url("/api/v1/apps"), &h);
    assert_eq!(apps.status, 200, "{}", apps.body);
    assert_eq!(apps.header("x-rate-limit-remaining"), Some("1"));
}
