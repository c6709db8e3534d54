//! The emulator over real loopback HTTP, driven by requests built here: assertions and DPoP
//! proofs are signed directly with josekit (not with the okta-oauth client crates), with keys
//! made by the OpenSSL command line (tests/fixtures/keys).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "tests fail loudly by design"
)]

mod binary;
mod contract;
mod directory;
mod discovery;
mod faults;
mod hostile;
mod iam;
mod management;
mod recorded;
mod resource;
mod token;
mod user_access;
mod user_flow;

use std::sync::atomic::{AtomicU64, Ordering};

use josekit::jws::{self, JwsSigner};
use okta_emulator::{Config, Emulator, SeedApp};
use serde_json::{Map, Value, json};

pub fn fixture(path: &str) -> String {
    let full = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

pub fn b64(bytes: impl AsRef<[u8]>) -> String {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
}

pub fn now() -> u64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs()
}

/// A key pair from the fixtures, able to sign with josekit.
pub struct Key {
    pub alg: &'static str,
    pub public: Value,
    signer: Box<dyn JwsSigner>,
}

impl Key {
    /// `name` is a fixture key (`rsa2048`, `p256`, `p384`, `p521`); its public JWK gets `kid`.
    pub fn fixture(name: &str, kid: Option<&str>) -> Key {
        let pem = fixture(&format!("keys/{name}.test-only.pem"));
        let (alg, signer): (&'static str, Box<dyn JwsSigner>) = match name {
            n if n.starts_with("rsa") => {
                ("RS256", Box::new(jws::RS256.signer_from_pem(&pem).unwrap()))
            }
            "p256" => ("ES256", Box::new(jws::ES256.signer_from_pem(&pem).unwrap())),
            "p384" => ("ES384", Box::new(jws::ES384.signer_from_pem(&pem).unwrap())),
            _ => ("ES512", Box::new(jws::ES512.signer_from_pem(&pem).unwrap())),
        };
        let mut public: Value =
            serde_json::from_str(&fixture(&format!("keys/{name}.pub.jwk.test-only.json"))).unwrap();
        let obj = public.as_object_mut().unwrap();
        obj.remove("kid");
        if let Some(kid) = kid {
            obj.insert("kid".into(), json!(kid));
        }
        Key {
            alg,
            public,
            signer,
        }
    }

    /// The public JWK without `kid`.
    pub fn bare(&self) -> Value {
        let mut v = self.public.clone();
        v.as_object_mut().unwrap().remove("kid");
        v
    }

    /// Signs `header.claims` as given (nothing added), returning the compact JWS.
    pub fn sign(&self, header: &Value, claims: &Value) -> String {
        let input = format!("{}.{}", b64(header.to_string()), b64(claims.to_string()));
        let sig = self.signer.sign(input.as_bytes()).unwrap();
        format!("{input}.{}", b64(sig))
    }

    pub fn kid(&self) -> Option<&str> {
        self.public.get("kid").and_then(Value::as_str)
    }
}

static JTI: AtomicU64 = AtomicU64::new(0);

pub fn jti() -> String {
    format!("jti-{}-{}", now(), JTI.fetch_add(1, Ordering::Relaxed))
}

/// A client assertion for `client_id` at `aud`, with any claim or header member replaced or
/// removed (`Value::Null` removes).
pub fn assertion(
    key: &Key,
    client_id: &str,
    aud: &str,
    header: &[(&str, Value)],
    claims: &[(&str, Value)],
) -> String {
    let t = now();
    let mut h = json!({"alg": key.alg, "typ": "JWT"});
    if let Some(kid) = key.kid() {
        h["kid"] = json!(kid);
    }
    let mut c = json!({"iss": client_id, "sub": client_id, "aud": aud, "iat": t, "exp": t + 300, "jti": jti()});
    apply(&mut h, header);
    apply(&mut c, claims);
    key.sign(&h, &c)
}

/// A DPoP proof, with any claim or header member replaced or removed.
pub fn proof(
    key: &Key,
    htm: &str,
    htu: &str,
    header: &[(&str, Value)],
    claims: &[(&str, Value)],
) -> String {
    let mut h = json!({"typ": "dpop+jwt", "alg": key.alg, "jwk": key.bare()});
    let mut c = json!({"jti": jti(), "htm": htm, "htu": htu, "iat": now()});
    apply(&mut h, header);
    apply(&mut c, claims);
    key.sign(&h, &c)
}

pub fn ath(token: &str) -> String {
    b64(ring::digest::digest(
        &ring::digest::SHA256,
        token.as_bytes(),
    ))
}

fn apply(target: &mut Value, changes: &[(&str, Value)]) {
    let map: &mut Map<String, Value> = target.as_object_mut().unwrap();
    for (k, v) in changes {
        if v.is_null() {
            map.remove(*k);
        } else {
            map.insert((*k).to_owned(), v.clone());
        }
    }
}

/// What came back.
#[derive(Debug)]
pub struct Got {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: String,
}

impl Got {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
    pub fn all(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }
    /// `error_description` (OAuth) or `errorSummary` (Okta) of the body.
    pub fn says(&self) -> String {
        let v = self.json();
        v["error_description"]
            .as_str()
            .or(v["errorSummary"].as_str())
            .unwrap_or_default()
            .to_owned()
    }
    #[track_caller]
    pub fn expect(&self, status: u16, text: &str) -> &Got {
        assert_eq!(self.status, status, "body: {}", self.body);
        assert_eq!(self.says(), text, "body: {}", self.body);
        self
    }
}

/// A plain HTTP client: no redirects, statuses as data.
pub fn agent() -> ureq::Agent {
    ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into()
}

pub fn collect(resp: Result<ureq::http::Response<ureq::Body>, ureq::Error>) -> Got {
    let mut resp = resp.unwrap();
    let status = resp.status().as_u16();
    let headers = resp
        .headers()
        .iter()
        .map(|(n, v)| {
            (
                n.as_str().to_owned(),
                v.to_str().unwrap_or_default().to_owned(),
            )
        })
        .collect();
    let body = resp
        .body_mut()
        .with_config()
        .limit(64 * 1024 * 1024)
        .read_to_string()
        .unwrap_or_default();
    Got {
        status,
        headers,
        body,
    }
}

pub fn get(url: &str, headers: &[(&str, &str)]) -> Got {
    let mut req = agent().get(url);
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    collect(req.call())
}

pub fn post_form(url: &str, form: &[(&str, &str)], headers: &[(&str, &str)]) -> Got {
    let body: String = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(form)
        .finish();
    post_raw(
        url,
        "application/x-www-form-urlencoded",
        body.as_bytes(),
        headers,
    )
}

pub fn post_json(url: &str, body: &Value, headers: &[(&str, &str)]) -> Got {
    post_raw(
        url,
        "application/json",
        body.to_string().as_bytes(),
        headers,
    )
}

pub fn put_json(url: &str, body: &Value, headers: &[(&str, &str)]) -> Got {
    let mut req = agent().put(url).header("Content-Type", "application/json");
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    collect(req.send(body.to_string().as_bytes()))
}

/// A bearer token for a new service app of `w`'s org with these scopes and this admin role.
pub fn app_token(w: &World, scopes: &[&str], role: &str) -> String {
    let client_id = w
        .org
        .seed_service_app(
            okta_emulator::SeedApp::new("scoped", vec![w.key.public.clone()])
                .dpop(false)
                .scopes(scopes)
                .role(role),
        )
        .unwrap();
    let a = assertion(&w.key, &client_id, &w.token_url(), &[], &[]);
    let form = [
        ("grant_type", "client_credentials"),
        ("scope", &scopes.join(" ")),
        (
            "client_assertion_type",
            "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
        ),
        ("client_assertion", &a),
    ];
    let got = post_form(&w.token_url(), &form, &[]);
    assert_eq!(got.status, 200, "{}", got.body);
    format!("Bearer {}", got.json()["access_token"].as_str().unwrap())
}

pub fn post_raw(url: &str, content_type: &str, body: &[u8], headers: &[(&str, &str)]) -> Got {
    let mut req = agent().post(url).header("Content-Type", content_type);
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    collect(req.send(body))
}

pub fn delete(url: &str, headers: &[(&str, &str)]) -> Got {
    let mut req = agent().delete(url);
    for (n, v) in headers {
        req = req.header(*n, *v);
    }
    collect(req.call())
}

/// An org with one service app for `key`, granted `okta.users.read`, with a read-only admin role.
pub struct World {
    pub org: Emulator,
    pub client_id: String,
    pub key: Key,
}

impl World {
    pub fn new(dpop: bool) -> World {
        World::with(Config::default(), "p256", dpop)
    }

    pub fn with(config: Config, key: &str, dpop: bool) -> World {
        let org = Emulator::start(config).unwrap();
        let key = Key::fixture(key, Some("key-1"));
        let seed = SeedApp::new("svc", vec![key.public.clone()])
            .dpop(dpop)
            .scopes(&["okta.users.read"])
            .role("READ_ONLY_ADMIN");
        let client_id = org.seed_service_app(seed).unwrap();
        World {
            org,
            client_id,
            key,
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.org.url())
    }

    pub fn token_url(&self) -> String {
        self.url("/oauth2/v1/token")
    }

    pub fn ssws(&self) -> String {
        format!("SSWS {}", self.org.admin_token())
    }

    /// A client-credentials request with this assertion and optional DPoP proof.
    pub fn token_request(&self, assertion: &str, scope: &str, dpop: Option<&str>) -> Got {
        let form = [
            ("grant_type", "client_credentials"),
            ("scope", scope),
            (
                "client_assertion_type",
                "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
            ),
            ("client_assertion", assertion),
        ];
        let headers: Vec<(&str, &str)> = dpop.map(|p| vec![("DPoP", p)]).unwrap_or_default();
        post_form(&self.token_url(), &form, &headers)
    }

    pub fn assertion(&self) -> String {
        assertion(&self.key, &self.client_id, &self.token_url(), &[], &[])
    }

    /// The app's assertion for the token endpoint with these claims set or replaced.
    pub fn assertion_with(&self, claims: &[(&str, Value)]) -> String {
        assertion(&self.key, &self.client_id, &self.token_url(), &[], claims)
    }

    /// A token, going through the nonce challenge when the app requires DPoP.
    pub fn token(&self, dpop_key: Option<&Key>) -> Value {
        let Some(dk) = dpop_key else {
            let got = self.token_request(&self.assertion(), "okta.users.read", None);
            assert_eq!(got.status, 200, "{}", got.body);
            return got.json();
        };
        let nonce = self.org.dpop_nonce();
        let p = proof(
            dk,
            "POST",
            &self.token_url(),
            &[],
            &[("nonce", json!(nonce))],
        );
        let got = self.token_request(&self.assertion(), "okta.users.read", Some(&p));
        assert_eq!(got.status, 200, "{}", got.body);
        got.json()
    }
}

pub fn unb64(text: &str) -> Vec<u8> {
    use base64::Engine as _;
    base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(text)
        .unwrap()
}

/// RFC 7638 thumbprint, computed here with serde_json's sorted maps.
pub fn thumbprint(jwk: &Value) -> String {
    // A BTreeMap sorts the members whatever serde_json's map does (josekit turns on its
    // insertion-ordered maps for the whole workspace).
    let m = jwk.as_object().unwrap();
    let pick: std::collections::BTreeMap<&String, &Value> = m
        .iter()
        .filter(|(k, _)| matches!(k.as_str(), "kty" | "n" | "e" | "crv" | "x" | "y"))
        .collect();
    b64(ring::digest::digest(
        &ring::digest::SHA256,
        serde_json::to_string(&pick).unwrap().as_bytes(),
    ))
}
