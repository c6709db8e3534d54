//! OAuth for Okta over the network, blocking: create a service app with its key, grant it Okta
//! scopes and an admin role, get tokens with client credentials (`private_key_jwt`, DPoP when the
//! app requires it), and call Okta's APIs with pagination and rate limits.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = okta_emulator::Emulator::start(okta_emulator::Config::default())?;
//! # let org_url = emulator.url().to_owned();
//! # let api_token = emulator.admin_token().to_owned();
//! use std::sync::Arc;
//! use okta_flows::{Credential, Okta, OrgUrl, ServiceCredentials, SswsToken, TokenRequest, TokenSource};
//! use okta_jwk::{Curve, Jwks, KeyPair, KeySpec};
//!
//! // `OrgUrl::parse("https://example.okta.com")` for a real org; the doctest uses a local emulator.
//! let okta = Arc::new(Okta::builder(OrgUrl::dangerous_allow_loopback_http(&org_url)?).build()?);
//! let admin = SswsToken::new(api_token);
//!
//! // The admin steps of Okta's guide.
//! let key = Arc::new(KeyPair::generate(KeySpec::Ec(Curve::P256))?);
//! let jwks = Jwks::new(vec![key.public_jwk().clone()]);
//! let app = okta.create_service_app(Credential::Ssws(&admin), "reporting", &jwks, true)?;
//! okta.add_grant(Credential::Ssws(&admin), &app.client_id, "okta.users.read")?;
//! okta.assign_role(Credential::Ssws(&admin), &app.client_id, "READ_ONLY_ADMIN")?;
//!
//! // The service app's own calls: a cached, DPoP-bound token, then a paginated list.
//! let creds = ServiceCredentials::new(okta_assertion::ClientId::new(app.client_id)?, key);
//! let tokens = TokenSource::new(okta.clone(), creds, TokenRequest::scopes(&["okta.users.read"]));
//! let first_page = okta.pages(Credential::Source(&tokens), "/api/v1/users?limit=10").next().ok_or("no first page")??;
//! assert_eq!(first_page.len(), 10);
//! # Ok(())
//! # }
//! ```

mod admin;
mod api;
mod cache;
mod client;
mod error;
mod ids;
mod keys;
mod oauth;
mod org;
mod provision;
mod secrets;
mod tokens;
mod transport;
mod user;

pub use admin::{Grant, RegisteredApp, RoleAssignment};
pub use api::{ApiResponse, Authorization, Credential, Items, Pages};
pub use client::{
    AuthServer, Clock, Discovery, OAuthEndpoint, Okta, OktaBuilder, RetryPolicy, SystemClock,
    Trace,
};
pub use error::{Error, Problem, RateLimit, Result};
pub use ids::{
    AppId, AppKeyId, AuthServerId, CustomRoleId, DpopBinding, GrantId, ResourceSetId, Role,
    RoleAssignmentId, Scope, StandardRole,
};
pub use keys::{AppKey, MAX_APP_KEYS, Rotation};
pub use oauth::{ClientAuth, Introspection};
pub use org::OrgUrl;
pub use provision::{PlannedRequest, Provisioned, ServiceAppPlan, Step};
pub use secrets::{
    AccessToken, AuthorizationCode, ClientSecret, IdToken, OAuthState, PkceVerifier, ProxyUrl,
    RefreshToken, SswsToken,
};
pub use tokens::{
    DpopMode, KeyIdentity, LazySigner, ServiceCredentials, Token, TokenRequest, TokenSource,
    TokenType,
};
pub use user::{Pkce, SignIn, UserTokenSource, UserTokens};

/// The HTTP method type of [`Okta::call`] (the `http` crate's, as ureq re-exports it).
pub use ureq::http::Method;

/// The types of the JWT layer that this crate's API takes and returns.
pub use okta_assertion::{ClientId, DpopKey, Endpoint, UnixTime};

/// The key layer, for making and reading the key a service app signs with
/// (`okta_flows::jwk::KeyPair`), so the paved path needs this crate alone.
pub mod jwk {
    pub use okta_jwk::{
        Algorithm, Curve, Jwks, KeyPair, KeySpec, Kid, Passphrase, PrivateJwk, PrivatePem,
        PublicJwk, Signer, Thumbprint,
    };
}
