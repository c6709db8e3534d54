//! OAuth for Okta over the network, blocking: create a service app with its key, grant it Okta
//! scopes and an admin role, get tokens with client credentials (`private_key_jwt`, DPoP when the
//! app requires it), and call Okta's APIs with pagination and rate limits.
//!
//! The paved path, with this crate alone: a key, a service app with its grant and role, a
//! DPoP-bound token kept fresh by a [`TokenSource`], and every user over all pages.
//!
//! ```
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let emulator = okta_emulator::Emulator::start(okta_emulator::Config::default())?;
//! # let (org_url, api_token) = (emulator.url().to_owned(), emulator.admin_token().to_owned());
//! use std::sync::Arc;
//! use okta_flows::{jwk, Okta, OrgUrl, Scope, ServiceAppPlan, ServiceCredentials, SswsToken};
//! use okta_flows::{StandardRole, TokenRequest, TokenSource};
//!
//! // `OrgUrl::parse("https://example.okta.com")` for a real org; the doctest uses a local emulator.
//! let okta = Okta::builder(OrgUrl::dangerous_allow_loopback_http(&org_url)?).build()?;
//! let admin = SswsToken::new(api_token);
//!
//! // The admin steps of Okta's guide, idempotent: the app, its grant, its admin role.
//! let key = Arc::new(jwk::KeyPair::generate(jwk::KeySpec::Ec(jwk::Curve::P256))?);
//! let jwks = jwk::Jwks::new(vec![key.public_jwk().clone()]);
//! let scopes = vec![Scope::new("okta.users.read")?];
//! let plan = ServiceAppPlan::new("reporting", jwks, scopes.clone(), StandardRole::ReadOnlyAdmin.into());
//! let app = plan.run(&okta, &admin, |step| println!("{step:?}"))?.app;
//!
//! // The service app's own calls: a cached DPoP-bound token, then every user, page by page.
//! let creds = ServiceCredentials::for_app(&app, key);
//! let tokens = TokenSource::new(okta.clone(), creds, TokenRequest::new(scopes));
//! let users = okta.pages(&tokens, "/api/v1/users?limit=10").items().collect::<Result<Vec<_>, _>>()?;
//! assert_eq!(users.len(), 25);
//! # Ok(())
//! # }
//! ```
//!
//! ## The API, by role
//!
//! Every operation is a method of [`Okta`], listed on its page in the order below.
//!
//! - **The client**: [`Okta`] from [`Okta::builder`] ([`OktaBuilder`]) for an [`OrgUrl`], with an
//!   [`AuthServer`], a [`RetryPolicy`], a [`Clock`], a tracer ([`Trace`]) and, once read,
//!   [`Discovery`] of the [`OAuthEndpoint`]s.
//! - **Tokens for a service app**: [`ServiceCredentials`] (a key, or a [`LazySigner`]; a
//!   [`DpopMode`]), a [`TokenRequest`], and [`Okta::client_credentials`] for a [`Token`] of a
//!   [`TokenType`]. A [`TokenSource`] keeps it fresh for every thread, and in [`TokenStore`]s:
//!   a [`FileStore`], a `RedisStore` (feature `redis`), or one of yours, sealed under a
//!   [`CacheSecret`].
//! - **Calling Okta's APIs**: [`Okta::call`] with a [`Method`] and any [`Credential`] (an
//!   [`SswsToken`], a [`Token`], a [`TokenSource`]) gives an [`ApiResponse`]; [`Okta::pages`]
//!   walks a list ([`Pages`], [`Items`], [`RawPages`], [`RawPage`]). [`api_scopes`] says which
//!   scopes each operation needs.
//! - **The admin steps**: service apps ([`RegisteredApp`]), scope [`Grant`]s, admin roles
//!   ([`Role`], [`StandardRole`], [`RoleAssignment`]), app keys ([`AppKey`], [`Rotation`]);
//!   `ensure_*` forms that say what was there ([`Ensured`]); least privilege ([`CustomRole`],
//!   [`ResourceSet`], [`permissions_for`], [`resources_for`]); the org's SSWS [`ApiToken`]s
//!   left to replace; whole guides as plans
//!   ([`ServiceAppPlan`], [`UserAccessPlan`], each step a [`PlannedRequest`]).
//! - **User access and sign-in**: the OIDC app ([`OidcApp`]), [`User`]s and [`Assignee`]s, a
//!   browser sign-in ([`SignIn`], [`Pkce`]) or the device grant ([`DeviceSignIn`]), the user's
//!   [`UserTokens`] kept by a [`UserTokenSource`]; [`ClientAuth`] for revocation and
//!   [`Introspection`].
//! - **Other programs through your app** (feature `bridge`): `Okta::bridge` starts a forwarder
//!   on loopback that gives programs knowing only SSWS (Okta's SDKs, curl, scripts) each
//!   operation's scoped, DPoP-bound access; see the `bridge` module.
//! - **Errors, and what to do**: one [`Error`]; Okta's answer as a [`Problem`] with its
//!   [`ErrorCode`]; [`Okta::diagnose_call`] and [`diagnose_sign_in`] turn a refusal into a
//!   [`Diagnosis`] of typed [`Fix`]es.
//! - **The layers below**: [`jwk`] (keys), and the JWT layer's [`ClientId`], [`DpopKey`],
//!   [`Endpoint`], [`UnixTime`].
// Public types can grow without a breaking release: each exhaustive one says why it may be.
#![warn(clippy::exhaustive_structs, clippy::exhaustive_enums)]

mod admin;
pub mod api_scopes;
#[cfg(feature = "bridge")]
pub mod bridge;
mod cache;
mod catalog;
mod code;
mod digest;
mod discovery;
mod error;
mod files;
mod http;
mod ids;
mod oauth;
mod okta;
mod org;
mod plan;
mod seal;
mod secrets;
mod settings;
mod spelling;

// The client.
pub use http::client::Okta;
pub use http::policy::RetryPolicy;
pub use http::trace::Trace;
pub use okta::OktaBuilder;
pub use org::OrgUrl;
pub use settings::{AuthServer, Clock, Discovery, OAuthEndpoint, SystemClock};

// Tokens for a service app, and keeping them.
#[cfg(feature = "redis")]
pub use cache::redis::{RedisStore, RedisUrlError};
pub use cache::source::TokenSource;
pub use cache::store::{FileStore, StoreError, StoreLock, TokenStore};
pub use http::auth::{Token, TokenType};
pub use oauth::tokens::{DpopMode, KeyIdentity, LazySigner, ServiceCredentials, TokenRequest};
pub use seal::{CacheSecret, CacheSecretError, MIN_CACHE_SECRET};

// Calling Okta's APIs.
pub use http::auth::{Authorization, Credential};
pub use http::call::ApiResponse;
pub use http::method::Method;
pub use http::pages::{Items, Pages, RawPage, RawPages};

// The admin steps, their plans, and least privilege.
pub use admin::api_tokens::ApiToken;
pub use admin::ensure::Ensured;
pub use admin::iam::{CustomRole, ResourceSet};
pub use admin::keys::{AppKey, MAX_APP_KEYS, Retire, Rotation};
pub use admin::model::{Grant, RegisteredApp, RoleAssignment};
pub use admin::privileges::{
    all_users, permissions_for, resources_for, resources_within, users_of_group,
};
pub use http::planned::{PlannedAuth, PlannedRequest};
pub use plan::service::{FirstCall, Provisioned, ServiceAppPlan, Step};
pub use plan::user::{UserAccess, UserAccessPlan, UserStep};

// User access and sign-in.
pub use admin::access::{Assignee, OidcApp, OidcAppKind, User};
pub use oauth::client_auth::{ClientAuth, Introspection};
pub use oauth::device::DeviceSignIn;
pub use oauth::listener::{SignIn, free_loopback_port};
pub use oauth::pkce::Pkce;
pub use oauth::user_tokens::{SignInStatus, UserTokenSource, UserTokens};

// Errors, and what to do about them.
pub use admin::checkup::{Check, Outcome};
pub use admin::diagnose::{Caller, Diagnosis, Fix, diagnose_sign_in};
pub use code::ErrorCode;
pub use error::{Error, Problem, RateLimit, Result};

// Ids, secrets and files.
pub use files::write_private_file;
pub use ids::{
    AppId, AppKeyId, AuthServerId, CustomRoleId, DpopBinding, GrantId, GroupId, ResourceSetId,
    Role, RoleAssignmentId, Scope, StandardRole, UserId,
};
pub use secrets::{
    AccessToken, AuthorizationCode, BridgeSecret, ClientSecret, DeviceCode, IdToken, OAuthState,
    PkceVerifier, ProxyUrl, RefreshToken, SswsToken,
};

/// The types of the JWT layer that this crate's API takes and returns.
pub use okta_assertion::{ClientId, DpopKey, Endpoint, UnixTime};

/// The key layer, for making and reading the key a service app signs with
/// (`okta_flows::jwk::KeyPair`), so the paved path needs this crate alone.
pub mod jwk {
    pub use okta_jwk::{
        Algorithm, Curve, Error, Jwks, KeyPair, KeySpec, Kid, Passphrase, PrivateJwk, PrivatePem,
        PublicJwk, Signer, Thumbprint, ecdsa_signature_from_der,
    };
}

/// The README's examples, compiled and run as doctests so they stay true.
#[doc = include_str!("../README.md")]
#[cfg(doctest)]
pub struct ReadmeDoctests;

#[doc(hidden)]
pub mod __fuzz {
    //! Entry points into the parsers of what servers send, for `cargo xtask fuzz`; not part of
    //! the API and not covered by semver. Each returns a short description of the outcome.

    use crate::http::transport::Reply;

    /// A 200 token response body (RFC 6749 §5.1, RFC 9449 §5), checked as `client_credentials`
    /// checks it.
    pub fn token_response(body: &[u8]) -> String {
        let Ok(value) = serde_json::from_slice(body) else {
            return "not JSON".into();
        };
        let request = crate::TokenRequest::default();
        match crate::oauth::tokens::validate(
            &value,
            &request,
            None,
            false,
            okta_assertion::UnixTime(1_700_000_000),
        ) {
            Ok(t) => format!("ok {:?}", t.token_type()),
            Err(e) => short(&e),
        }
    }

    /// `Link` header values, one a line.
    pub fn link(text: &str) -> String {
        let values: Vec<&str> = text.lines().collect();
        match crate::http::link::links(&values, "GET /fuzz") {
            Ok(l) => format!("ok {}", l.len()),
            Err(e) => short(&e),
        }
    }

    /// A caller's request to the bridge: the first line its path, the second its query, the
    /// third its `Host`, the fourth its `Authorization`.
    #[cfg(feature = "bridge")]
    pub fn bridge_request(text: &str) -> String {
        let mut lines = text.split('\n');
        let path = lines.next().unwrap_or_default();
        let query = lines.next().filter(|q| !q.is_empty());
        let host = lines.next().map(str::as_bytes);
        let authorization = lines.next().map(str::as_bytes);
        let Ok(org) = crate::OrgUrl::parse("https://example.okta.com") else {
            return "no org".into();
        };
        let target = crate::bridge::rules::target(&org, path, query);
        if let Ok(url) = &target
            && (url.host_str() != Some("example.okta.com")
                || url.scheme() != "https"
                || url.port().is_some()
                || url.path() != path)
        {
            // INVARIANT: a target the bridge takes stays on the org and is the path asked for.
            panic!("the bridge would forward {path:?} as {url}");
        }
        format!(
            "{} {} {:?}",
            target.map_or_else(|r| r.name(), |_| "ok"),
            crate::bridge::rules::own_host(host, 8001),
            crate::bridge::rules::caller_proof(authorization, "0123456789abcdef0123").is_ok()
        )
    }

    /// Okta's answer headers as the bridge hands them back, `name: value` a line.
    #[cfg(feature = "bridge")]
    pub fn bridge_answer_headers(text: &str) -> String {
        let headers: Vec<(String, String)> = text
            .lines()
            .filter_map(|l| l.split_once(':'))
            .map(|(n, v)| (n.trim().to_owned(), v.trim().to_owned()))
            .collect();
        let Ok(org) = crate::OrgUrl::parse("https://example.okta.com") else {
            return "no org".into();
        };
        let kept = crate::bridge::rules::answer_headers(&org, "http://127.0.0.1:8001", &headers);
        for (name, value) in &kept {
            // INVARIANT: a Location handed back is on the bridge.
            if name.eq_ignore_ascii_case("location")
                && !(value == "http://127.0.0.1:8001"
                    || value.starts_with("http://127.0.0.1:8001/"))
            {
                panic!("a Location leaves the bridge: {value}");
            }
        }
        format!("ok {}", kept.len())
    }

    /// A `WWW-Authenticate` header.
    pub fn www_authenticate(text: &str) -> String {
        let c = crate::http::transport::parse_challenge(text);
        format!("{} {}", c.scheme.len().min(8), c.params.len().min(8))
    }

    /// A `Date` header.
    pub fn http_date(text: &str) -> String {
        format!("{:?}", crate::http::link::http_date(text).is_some())
    }

    /// An error answer: the first line is the status, the second the Content-Type, then
    /// `X-Rate-Limit-*` and `WWW-Authenticate` lines as `name: value`, a blank line, the body.
    pub fn problem(input: &[u8]) -> String {
        let text = String::from_utf8_lossy(input);
        let (head, body) = text.split_once("\n\n").unwrap_or((&text, ""));
        let mut lines = head.lines();
        let status = lines
            .next()
            .and_then(|s| s.trim().parse().ok())
            .unwrap_or(400);
        let mut headers = vec![(
            "content-type".to_owned(),
            lines.next().unwrap_or("application/json").to_owned(),
        )];
        headers.extend(lines.filter_map(|l| {
            l.split_once(':')
                .map(|(n, v)| (n.trim().to_ascii_lowercase(), v.trim().to_owned()))
        }));
        let reply = Reply {
            status,
            headers,
            body: body.as_bytes().to_vec(),
            endpoint: "GET /fuzz".into(),
        };
        let _ = reply.rate_limit();
        short(&reply.problem())
    }

    fn short(e: &crate::Error) -> String {
        let text = e.to_string();
        text.chars().take(40).collect()
    }
}
