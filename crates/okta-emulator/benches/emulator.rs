//! `cargo bench -p okta-emulator`: client-credentials token requests per second (RS256 and ES256
//! assertions, with and without DPoP) and `/api/v1/users` pages per second, each beside the
//! emulator's cheapest request (the discovery document) measured in the same run. The client
//! signs with josekit in this process, so its signing shares the machine's two cores. Then the
//! emulator's own time for a 200-user page, its direct writer beside the `serde_json::Value`
//! pages it replaced (`-- pages`: that row alone).

#![allow(clippy::unwrap_used, clippy::print_stdout, reason = "benchmark")]

use josekit::jws::{self, JwsSigner};
use okta_bench::{compare, print_table};
use okta_emulator::{Config, Emulator, RateLimits, SeedApp, SeedUsers};
use serde_json::{Value, json};

fn b64(b: impl AsRef<[u8]>) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(b)
}

fn fixture(p: &str) -> String {
    std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures/keys")
            .join(p),
    )
    .unwrap()
}

fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

struct Client {
    agent: ureq::Agent,
    token_url: String,
    client_id: String,
    alg: &'static str,
    signer: Box<dyn JwsSigner>,
    dpop: Option<(Box<dyn JwsSigner>, Value, String)>,
    n: std::cell::Cell<u64>,
}

impl Client {
    fn sign(signer: &dyn JwsSigner, header: &Value, claims: &Value) -> String {
        let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
        format!("{input}.{}", b64(signer.sign(input.as_bytes()).unwrap()))
    }

    fn token(&self) -> u16 {
        let n = self.n.get() + 1;
        self.n.set(n);
        let t = now();
        let claims = json!({"iss": self.client_id, "sub": self.client_id, "aud": self.token_url, "iat": t, "exp": t + 300, "jti": format!("b{n}-{t}")});
        let assertion = Self::sign(
            self.signer.as_ref(),
            &json!({"alg": self.alg, "kid": "k"}),
            &claims,
        );
        let body = format!(
            "grant_type=client_credentials&scope=okta.users.read&client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion={assertion}"
        );
        let mut req = self
            .agent
            .post(&self.token_url)
            .header("Content-Type", "application/x-www-form-urlencoded");
        if let Some((signer, jwk, nonce)) = &self.dpop {
            let proof = Self::sign(
                signer.as_ref(),
                &json!({"typ": "dpop+jwt", "alg": "ES256", "jwk": jwk}),
                &json!({"jti": format!("p{n}-{t}"), "htm": "POST", "htu": self.token_url, "iat": t, "nonce": nonce}),
            );
            req = req.header("DPoP", proof);
        }
        let mut resp = req.send(body).unwrap();
        let _ = resp.body_mut().read_to_vec();
        resp.status().as_u16()
    }
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let limits = RateLimits {
        oauth: u32::MAX,
        users: u32::MAX,
        management: u32::MAX,
    };
    let org = Emulator::start({
        let mut config = Config::default();
        config.rate_limits = limits;
        config.users = SeedUsers { count: 100_000 };
        config
    })
    .unwrap();
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .build()
        .into();
    let discovery = format!("{}/.well-known/openid-configuration", org.url());
    let cheapest = || {
        let mut r = agent.get(&discovery).call().unwrap();
        let _ = r.body_mut().read_to_vec();
    };
    let mut rows = Vec::new();
    // `cargo bench -p okta-emulator -- pages` (what `cargo xtask bench` runs): the page row alone.
    let pages_only = std::env::args().any(|a| a == "pages");
    for (key, alg) in [("rsa2048", "RS256"), ("p256", "ES256")]
        .into_iter()
        .filter(|_| !pages_only)
    {
        for dpop in [false, true] {
            let mut public: Value =
                serde_json::from_str(&fixture(&format!("{key}.pub.jwk.test-only.json"))).unwrap();
            public["kid"] = json!("k");
            let client_id = org
                .seed_service_app(
                    SeedApp::new("bench", vec![public])
                        .dpop(dpop)
                        .scopes(&["okta.users.read"])
                        .role("READ_ONLY_ADMIN"),
                )
                .unwrap();
            let pem = fixture(&format!("{key}.test-only.pem"));
            let signer: Box<dyn JwsSigner> = if alg == "RS256" {
                Box::new(jws::RS256.signer_from_pem(&pem).unwrap())
            } else {
                Box::new(jws::ES256.signer_from_pem(&pem).unwrap())
            };
            let dpop_key = dpop.then(|| {
                let mut jwk: Value =
                    serde_json::from_str(&fixture("p384.pub.jwk.test-only.json")).unwrap();
                jwk = serde_json::from_str(&fixture("p256.pub.jwk.test-only.json")).unwrap_or(jwk);
                jwk.as_object_mut().unwrap().remove("kid");
                let s: Box<dyn JwsSigner> = Box::new(
                    jws::ES256
                        .signer_from_pem(fixture("p256.test-only.pem"))
                        .unwrap(),
                );
                (s, jwk, org.dpop_nonce())
            });
            let client = Client {
                agent: agent.clone(),
                token_url: format!("{}/oauth2/v1/token", org.url()),
                client_id,
                alg,
                signer,
                dpop: dpop_key,
                n: 0.into(),
            };
            assert_eq!(client.token(), 200);
            let name = format!(
                "token request, {alg} assertion{}",
                if dpop { " + ES256 DPoP proof" } else { "" }
            );
            rows.push((
                compare(&name, || client.token(), "GET discovery document", cheapest),
                None,
            ));
        }
    }
    let auth = format!("SSWS {}", org.admin_token());
    let page = format!("{}/api/v1/users?limit=200", org.url());
    if !pages_only {
        rows.push((
            compare(
                "GET /api/v1/users, 200 users (~140 KB)",
                || {
                    let mut r = agent
                        .get(&page)
                        .header("Authorization", &auth)
                        .call()
                        .unwrap();
                    r.body_mut()
                        .with_config()
                        .limit(10 << 20)
                        .read_to_vec()
                        .unwrap()
                        .len()
                },
                "GET discovery document",
                cheapest,
            ),
            None,
        ));
    }
    if !pages_only {
        print_table(
            "okta-emulator: requests per second over loopback (one client thread)",
            &rows,
        );
    }
    // The emulator's own work for a page, without HTTP: the direct writer against the
    // `serde_json::Value` pages it replaced (issue 28: at most half the time, so at least 2×).
    let page_rows = vec![(
        compare(
            "users page, 200 users, direct writer",
            || org.users_page_body(1_000, 200, false).len(),
            "the same page built as serde_json::Value (before)",
            || org.users_page_body(1_000, 200, true).len(),
        ),
        Some(2.0),
    )];
    print_table(
        "okta-emulator: 200-user pages made per second (in process)",
        &page_rows,
    );
}
