//! okta-flows against the local emulator over real loopback HTTP: the guide's whole path, and the
//! client rows of the bad-input battery reproduced with the emulator's fault injection.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    missing_docs,
    reason = "tests fail loudly by design"
)]

mod battery;
#[cfg(feature = "bridge")]
mod bridge;
mod contract;
mod decisions;
mod faults;
mod least_privilege;
mod path;
mod plans;
mod shapes;
mod stores;
mod user;
mod user_access;

use std::sync::Arc;
use std::time::Duration;

use okta_assertion::ClientId;
use okta_emulator::{Config, Emulator, SeedUsers};
use okta_flows::{
    AppId, DpopBinding, DpopMode, Okta, OrgUrl, RetryPolicy, Scope, ServiceCredentials, SswsToken,
    StandardRole,
};
use okta_jwk::{Curve, Jwks, KeyPair, KeySpec};

/// An emulator, a client for it, and a service app set up through the client's own admin calls.
pub struct Setup {
    pub org: Emulator,
    pub okta: Okta,
    pub admin: SswsToken,
    pub key: Arc<KeyPair>,
    pub client_id: ClientId,
    pub app_id: AppId,
}

pub fn fast_retries() -> RetryPolicy {
    RetryPolicy::default()
        .max_retries(3)
        .max_wait(Duration::from_millis(50))
        .backoff(Duration::from_millis(5))
}

/// Scopes from their names.
pub fn scopes(list: &[&str]) -> Vec<Scope> {
    Scope::list(list).unwrap()
}

pub fn binding(dpop: bool) -> DpopBinding {
    if dpop {
        DpopBinding::Required
    } else {
        DpopBinding::NotRequired
    }
}

impl Setup {
    pub fn new(spec: KeySpec, dpop: bool, users: usize) -> Setup {
        let org = Emulator::start({
            let mut config = Config::default();
            config.users = SeedUsers { count: users };
            config
        })
        .unwrap();
        let okta = Okta::builder(OrgUrl::dangerous_allow_loopback_http(org.url()).unwrap())
            .retry(fast_retries())
            .build()
            .unwrap();
        let admin = SswsToken::new(org.admin_token());
        let key = Arc::new(KeyPair::generate(spec).unwrap());
        let jwks = Jwks::new(vec![key.public_jwk().clone()]);
        let app = okta
            .create_service_app(&admin, "svc", &jwks, binding(dpop))
            .unwrap();
        assert_eq!(app.dpop_bound(), Some(dpop));
        okta.add_grant(&admin, app.id(), &Scope::new("okta.users.read").unwrap())
            .unwrap();
        okta.assign_role(&admin, app.client_id(), &StandardRole::ReadOnlyAdmin.into())
            .unwrap();
        Setup {
            org,
            okta,
            admin,
            key,
            client_id: app.client_id().clone(),
            app_id: app.id().clone(),
        }
    }

    /// Another service app of this org (no DPoP), granted `scopes`, with no role yet; and its key.
    pub fn another_app(
        &self,
        name: &str,
        scopes: &[Scope],
    ) -> (okta_flows::RegisteredApp, Arc<KeyPair>) {
        let key = Arc::new(KeyPair::generate(KeySpec::Ec(Curve::P256)).unwrap());
        let app = self
            .okta
            .create_service_app(
                &self.admin,
                name,
                &Jwks::new(vec![key.public_jwk().clone()]),
                DpopBinding::NotRequired,
            )
            .unwrap();
        for scope in scopes {
            self.okta
                .ensure_grant(&self.admin, app.id(), scope)
                .unwrap();
        }
        (app, key)
    }

    /// A token source of `app` for `scopes`.
    pub fn tokens_of(
        &self,
        app: &okta_flows::RegisteredApp,
        key: Arc<KeyPair>,
        scopes: &[Scope],
    ) -> okta_flows::TokenSource {
        okta_flows::TokenSource::new(
            self.okta.clone(),
            ServiceCredentials::new(app.client_id().clone(), key),
            okta_flows::TokenRequest::new(scopes.to_vec()),
        )
    }

    pub fn simple() -> Setup {
        Setup::new(KeySpec::Ec(Curve::P256), false, 25)
    }

    pub fn creds(&self, mode: DpopMode) -> ServiceCredentials {
        ServiceCredentials::new(self.client_id.clone(), self.key.clone()).dpop(mode)
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
