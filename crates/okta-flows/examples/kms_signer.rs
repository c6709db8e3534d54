//! A service app whose private key never enters the program: a `Signer` that asks a key store
//! (a KMS or HSM) to sign, the way AWS KMS, Google Cloud KMS or a PKCS#11 token do, and turns
//! their DER-encoded ECDSA signature into the form JWS needs.
//!
//! The "KMS" here is a stand-in that keeps its key to itself and answers in DER; replace
//! `Kms::sign` with the call to yours. Runs against a local emulator it starts.
//!
//! A token kept between runs (a file, or Redis for a fleet) is encrypted under a secret derived
//! from the private key, which a KMS never hands out: such a signer's token store needs a cache
//! secret given by configuration (here `OKTA_FLOWS_CACHE_SECRET`, at least 32 bytes, the same on
//! every host), and refuses to store tokens without one.
//!
//! ```text
//! cargo run -p okta-flows --example kms_signer
//! ```
#![allow(clippy::print_stdout, reason = "an example program")]

use std::sync::Arc;

use okta_flows::jwk::{self, Algorithm, PublicJwk, Signer};
use okta_flows::{CacheSecret, Error, StandardRole, TokenRequest, TokenSource};
use okta_flows::{Okta, OrgUrl, Scope, ServiceAppPlan, ServiceCredentials, SswsToken};
use ring::signature::{ECDSA_P256_SHA256_ASN1_SIGNING, EcdsaKeyPair, KeyPair as _};

/// The key store: it signs, and hands out the public key; the private key stays inside.
struct Kms {
    key: EcdsaKeyPair,
    rng: ring::rand::SystemRandom,
}

impl Kms {
    fn new() -> Result<Kms, Box<dyn std::error::Error>> {
        let rng = ring::rand::SystemRandom::new();
        let pkcs8 = EcdsaKeyPair::generate_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, &rng)
            .map_err(|_| "the key store could not make a key")?;
        let key = EcdsaKeyPair::from_pkcs8(&ECDSA_P256_SHA256_ASN1_SIGNING, pkcs8.as_ref(), &rng)
            .map_err(|_| "the key store could not load its key")?;
        Ok(Kms { key, rng })
    }

    /// What a KMS sign call returns for ECDSA_SHA_256: a DER `SEQUENCE { r, s }`.
    fn sign(&self, message: &[u8]) -> Result<Vec<u8>, ring::error::Unspecified> {
        Ok(self.key.sign(&self.rng, message)?.as_ref().to_vec())
    }

    /// The public key as the KMS gives it: an uncompressed point, `04 || x || y`.
    fn public_point(&self) -> &[u8] {
        self.key.public_key().as_ref()
    }
}

/// A `Signer` over the KMS: ES256, the registered public JWK, and the KMS's signature.
struct KmsSigner {
    kms: Kms,
    public: PublicJwk,
}

impl KmsSigner {
    fn new(kms: Kms) -> Result<KmsSigner, Box<dyn std::error::Error>> {
        let point = kms.public_point();
        let b64 = |bytes: &[u8]| {
            use base64::Engine as _;
            base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes)
        };
        let jwk = format!(
            r#"{{"kty":"EC","crv":"P-256","x":"{}","y":"{}"}}"#,
            b64(&point[1..33]),
            b64(&point[33..65])
        );
        let public = PublicJwk::from_json(&jwk)?.with_thumbprint_kid();
        Ok(KmsSigner { kms, public })
    }
}

impl Signer for KmsSigner {
    fn algorithm(&self) -> Algorithm {
        Algorithm::ES256
    }

    fn public_jwk(&self) -> &PublicJwk {
        &self.public
    }

    fn sign(&self, signing_input: &[u8]) -> Result<Vec<u8>, jwk::Error> {
        let der = self
            .kms
            .sign(signing_input)
            .map_err(|_| jwk::Error::Signing {
                alg: Algorithm::ES256,
                source: Some("the key store refused to sign".into()),
            })?;
        jwk::ecdsa_signature_from_der(Algorithm::ES256, &der)
    }
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let emulator = okta_emulator::Emulator::start(okta_emulator::Config::default())?;
    let okta = Okta::builder(OrgUrl::dangerous_allow_loopback_http(emulator.url())?).build()?;
    let admin = SswsToken::new(emulator.admin_token());

    let signer = Arc::new(KmsSigner::new(Kms::new()?)?);
    let jwks = jwk::Jwks::new(vec![signer.public_jwk().clone()]);
    let scopes = vec![Scope::new("okta.users.read")?];
    let role = StandardRole::ReadOnlyAdmin.into();
    let plan = ServiceAppPlan::new("kms example", jwks, scopes.clone(), role);
    let app = plan.run(&okta, &admin, |_| {})?.app;

    let cache = std::env::temp_dir().join(format!("kms-example-{}.json", std::process::id()));
    let without = TokenSource::new(
        okta.clone(),
        ServiceCredentials::for_app(&app, signer.clone()),
        TokenRequest::new(scopes.clone()),
    )
    .persist_to(&cache);
    assert!(matches!(without.token(), Err(Error::CacheSecretNeeded)));
    println!("with a token file but no cache secret: refused, nothing stored in clear");

    let secret = match std::env::var("OKTA_FLOWS_CACHE_SECRET") {
        Ok(text) => CacheSecret::from_text(&text)?,
        // For this demonstration only: a random secret of this run (its tokens outlive it
        // unread). A fleet gives every member the same secret, from a secret manager.
        Err(_) => {
            let mut bytes = [0u8; 32];
            ring::rand::SecureRandom::fill(&ring::rand::SystemRandom::new(), &mut bytes)
                .map_err(|_| "no random source")?;
            let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
            CacheSecret::from_text(&hex)?
        }
    };
    let creds = ServiceCredentials::for_app(&app, signer).with_cache_secret(secret);
    let tokens =
        TokenSource::new(okta.clone(), creds, TokenRequest::new(scopes)).persist_to(&cache);
    let token = tokens.token()?;
    println!(
        "a {:?} token for {}, its assertion signed by the KMS",
        token.token_type(),
        app.client_id()
    );
    let users = okta
        .pages(&tokens, "/api/v1/users?limit=5")
        .next()
        .ok_or("no page")??;
    println!("first page: {} users", users.len());
    let _ = std::fs::remove_file(&cache);
    let _ = std::fs::remove_file(cache.with_extension("json.lock"));
    Ok(())
}
