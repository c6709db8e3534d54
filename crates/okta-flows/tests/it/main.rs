//! okta-flows against the local emulator over real loopback HTTP: the guide's whole path, and the
//! client rows of the bad-input battery reproduced with the emulator's fault injection.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "tests fail loudly by design"
)]

mod battery;
mod path;
mod shapes;
mod user;

use std::sync::Arc;
use std::time::Duration;

use okta_assertion::ClientId;
use okta_emulator::{Config, Emulator, SeedUsers};
use okta_flows::{Credential, DpopMode, Okta, OrgUrl, RetryPolicy, ServiceCredentials, SswsToken};
use okta_jwk::{Curve, Jwks, KeyPair, KeySpec};

/// An emulator, a client for it, and a service app set up through the client's own admin calls.
pub struct Setup {
    pub org: Emulator,
    pub okta: Arc<Okta>,
    pub admin: SswsToken,
    pub key: Arc<KeyPair>,
    pub client_id: String,
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy {
        max_retries: 3,
        max_wait: Duration::from_millis(50),
        backoff: Duration::from_millis(5),
        pace: true,
    }
}

impl Setup {
    pub fn new(spec: KeySpec, dpop: bool, users: usize) -> Setup {
        let org = Emulator::start(Config {
            users: SeedUsers { count: users },
            ..Config::default()
        })
        .unwrap();
        let okta = Arc::new(
            Okta::builder(OrgUrl::dangerous_allow_loopback_http(org.url()).unwrap())
                .retry(fast_retries())
                .build()
                .unwrap(),
        );
        let admin = SswsToken::new(org.admin_token());
        let key = Arc::new(KeyPair::generate(spec).unwrap());
        let jwks = Jwks::new(vec![key.public_jwk().clone()]);
        let app = okta
            .create_service_app(Credential::Ssws(&admin), "svc", &jwks, dpop)
            .unwrap();
        assert_eq!(app.dpop_bound, Some(dpop));
        okta.add_grant(Credential::Ssws(&admin), &app.client_id, "okta.users.read")
            .unwrap();
        okta.assign_role(Credential::Ssws(&admin), &app.client_id, "READ_ONLY_ADMIN")
            .unwrap();
        Setup {
            org,
            okta,
            admin,
            key,
            client_id: app.client_id,
        }
    }

    pub fn simple() -> Setup {
        Setup::new(KeySpec::Ec(Curve::P256), false, 25)
    }

    pub fn creds(&self, mode: DpopMode) -> ServiceCredentials {
        ServiceCredentials::new(ClientId::new(&self.client_id).unwrap(), self.key.clone())
            .dpop(mode)
    }

    /// Outcomes of the emulator's token endpoint, in order.
    pub fn token_outcomes(&self) -> Vec<String> {
        self.org
            .events()
            .into_iter()
            .filter(|e| e.endpoint == "token")
            .map(|e| e.outcome)
            .collect()
    }
}
