//! One `Okta` value per org: its URL, authorization server, HTTP agent and policies.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use okta_assertion::Endpoint;

use okta_assertion::ClientId;
use okta_jwk::{Jwks, KeyPair, PublicJwk};
use serde_json::Value;

use crate::Retire;
use crate::error::{Error, Result};
use crate::http::client::{Okta, Transport};
use crate::http::method::Method;
use crate::http::policy::RetryPolicy;
use crate::http::trace::{Trace, Tracer};
use crate::http::transport::{AgentSettings, agent};
use crate::org::OrgUrl;
use crate::secrets::ProxyUrl;
use crate::settings::{AuthServer, Clock, Discovery, OAuthEndpoint, SystemClock};
use crate::{
    ApiResponse, ApiToken, AppId, AppKey, AppKeyId, Assignee, Caller, Check, ClientAuth,
    ClientSecret, Credential, CustomRole, DeviceSignIn, Diagnosis, DpopBinding, DpopMode, Ensured,
    Fix, Grant, GrantId, GroupId, Introspection, OidcApp, Pages, RefreshToken, RegisteredApp,
    ResourceSet, Role, RoleAssignment, RoleAssignmentId, Rotation, Scope, ServiceCredentials,
    SignIn, Token, TokenRequest, User, UserId, UserTokens,
};

/// Builds an [`Okta`].
#[derive(Clone)]
pub struct OktaBuilder {
    tracer: Option<Tracer>,
    discovery: Option<Discovery>,
    org: OrgUrl,
    server: AuthServer,
    agent: AgentSettings,
    retry: RetryPolicy,
    clock: Arc<dyn Clock>,
}

impl std::fmt::Debug for OktaBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OktaBuilder")
            .field("org", &self.org.as_str())
            .field("server", &self.server)
            .field("retry", &self.retry)
            .field("discovered", &self.discovery.is_some())
            .finish_non_exhaustive()
    }
}

impl OktaBuilder {
    /// Which authorization server issues tokens (default: the org server).
    pub fn authorization_server(mut self, server: AuthServer) -> OktaBuilder {
        self.server = server;
        self
    }

    /// Connect timeout (default 10 s) and total timeout per request (default 30 s).
    pub fn timeouts(mut self, connect: Duration, total: Duration) -> OktaBuilder {
        self.agent.connect_timeout = connect;
        self.agent.timeout = total;
        self
    }

    /// The `User-Agent` (default `okta-flows/VERSION`).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> OktaBuilder {
        self.agent.user_agent = user_agent.into();
        self
    }

    /// A proxy for every request (`http://host:port`, with `user:password@` when it asks for
    /// them; `https://`, `socks5://` too). Without one, no proxy is used: the environment's
    /// `HTTPS_PROXY` is not read. A loopback org is always reached directly.
    pub fn proxy(mut self, proxy: ProxyUrl) -> OktaBuilder {
        self.agent.proxy = Some(proxy);
        self
    }

    /// The retry policy.
    pub fn retry(mut self, retry: RetryPolicy) -> OktaBuilder {
        self.retry = retry;
        self
    }

    /// Reports every HTTP exchange (method, URL without query values, status, timing, request
    /// id, rate limit) to `tracer`; for `-v` output.
    pub fn trace(mut self, tracer: impl Fn(&Trace) + Send + Sync + 'static) -> OktaBuilder {
        self.tracer = Some(Arc::new(tracer));
        self
    }

    /// The clock (tests move it; everyone else keeps the system clock).
    pub fn clock(mut self, clock: Arc<dyn Clock>) -> OktaBuilder {
        self.clock = clock;
        self
    }

    /// Reads the authorization server's metadata now and uses its endpoints from then on
    /// (instead of Okta's fixed paths), refusing endpoints outside the org's origin.
    pub fn discover(mut self) -> Result<OktaBuilder> {
        let found = self.clone().build()?.discover()?;
        self.discovery = Some(found);
        Ok(self)
    }

    /// Builds the client. Fails with [`Error::InvalidInput`] for a `User-Agent` that is not a
    /// valid header value, a zero timeout, or a timeout or retry wait of more than a day.
    pub fn build(mut self) -> Result<Okta> {
        self.retry.check()?;
        if self.org.is_loopback() {
            // The org is on this machine (the emulator): a proxy could not reach it.
            self.agent.proxy = None;
        }
        let transport = Transport {
            agent: agent(&self.agent)?,
            tracer: self.tracer,
            retry: self.retry,
            pace_until: Mutex::new(HashMap::new()),
        };
        Ok(Okta::new(
            transport,
            self.discovery,
            self.org,
            self.server,
            self.clock,
        ))
    }
}

impl Okta {
    /// A builder for the org at `org`.
    pub fn builder(org: OrgUrl) -> OktaBuilder {
        OktaBuilder {
            tracer: None,
            discovery: None,
            org,
            server: AuthServer::Org,
            agent: AgentSettings {
                connect_timeout: Duration::from_secs(10),
                timeout: Duration::from_secs(30),
                user_agent: format!("okta-flows/{}", env!("CARGO_PKG_VERSION")),
                proxy: None,
            },
            retry: RetryPolicy::default(),
            clock: Arc::new(SystemClock),
        }
    }

    /// The org URL.
    pub fn org(&self) -> &OrgUrl {
        self.org_url()
    }

    /// The URL of an endpoint of the chosen authorization server: from discovery when it was
    /// read, else Okta's fixed path.
    pub fn oauth_endpoint(&self, which: OAuthEndpoint) -> Result<Endpoint> {
        crate::discovery::endpoint(self, which)
    }

    /// Fetches the authorization server's metadata: RFC 8414
    /// (`/.well-known/oauth-authorization-server`), else OpenID Connect Discovery.
    pub fn discover(&self) -> Result<Discovery> {
        crate::discovery::discover(self)
    }

    /// The authorization server this client asks for tokens.
    pub fn authorization_server(&self) -> &AuthServer {
        self.server()
    }

    // ---- Tokens for a service app (`private_key_jwt`, DPoP when the app requires it) -----------

    /// Gets an access token with the client-credentials grant.
    ///
    /// Every HTTP attempt carries a new assertion (Okta consumes each `jti`, even on a nonce
    /// challenge) and, with DPoP, a new proof with the latest nonce of the org.
    pub fn client_credentials(
        &self,
        creds: &ServiceCredentials,
        request: &TokenRequest,
    ) -> Result<Token> {
        crate::oauth::tokens::client_credentials(self, creds, request)
    }

    // ---- Calling Okta's APIs -------------------------------------------------------------------

    /// Sends one request to `path` (`/api/v1/users?limit=10`) or to a full URL of this org.
    ///
    /// Retries 429 (and 503/504) for idempotent methods only, waiting as `X-Rate-Limit-Reset`
    /// says; a POST that fails without an answer is reported as [`Error::OutcomeUnknown`].
    pub fn call(
        &self,
        cred: &dyn Credential,
        method: Method,
        path_or_url: &str,
        body: Option<&Value>,
    ) -> Result<ApiResponse> {
        crate::http::call::call(self, cred, method, path_or_url, body)
    }

    /// Pages of a list, fetched lazily by following `Link: rel="next"`. For the items one by
    /// one, see [`Pages::items`].
    pub fn pages<'a>(&'a self, cred: &'a dyn Credential, path: &str) -> Pages<'a> {
        crate::http::pages::pages(self, cred, path)
    }

    /// A bridge to this org for other programs (feature `bridge`): a forwarder on loopback
    /// that sends each caller's request on with a token of exactly that operation's scopes,
    /// made by `tokens` once per scope set. See [`bridge`](crate::bridge).
    #[cfg(feature = "bridge")]
    pub fn bridge(
        &self,
        tokens: impl Fn(&[Scope]) -> Result<Arc<dyn Credential>> + Send + Sync + 'static,
    ) -> crate::bridge::BridgeBuilder {
        crate::bridge::BridgeBuilder::new(self.clone(), Arc::new(tokens))
    }

    // ---- Service apps --------------------------------------------------------------------------

    /// Registers a service app (`private_key_jwt`, client credentials) through Dynamic Client
    /// Registration, `POST /oauth2/v1/clients`.
    pub fn register_service_app(
        &self,
        cred: &dyn Credential,
        name: &str,
        jwks: &Jwks,
    ) -> Result<RegisteredApp> {
        crate::admin::apps::register_service_app(self, cred, name, jwks)
    }

    /// Creates a service app through the Apps API, `POST /api/v1/apps`, with DPoP required or
    /// not.
    pub fn create_service_app(
        &self,
        cred: &dyn Credential,
        name: &str,
        jwks: &Jwks,
        dpop: DpopBinding,
    ) -> Result<RegisteredApp> {
        crate::admin::apps::create_service_app(self, cred, name, jwks, dpop)
    }

    /// An app by id (Apps API).
    pub fn get_app(&self, cred: &dyn Credential, id: &AppId) -> Result<RegisteredApp> {
        crate::admin::apps::get_app(self, cred, id)
    }

    /// Every app (all pages).
    pub fn list_apps(&self, cred: &dyn Credential) -> Result<Vec<RegisteredApp>> {
        crate::admin::apps::list_apps(self, cred)
    }

    /// The org's SSWS API tokens (`GET /api/v1/api-tokens`, all pages; scope
    /// `okta.apiTokens.read`): what is left to move to OAuth. Their values are never shown.
    pub fn list_api_tokens(&self, cred: &dyn Credential) -> Result<Vec<ApiToken>> {
        crate::admin::api_tokens::list_api_tokens(self, cred)
    }

    /// Deactivates an app (`POST /api/v1/apps/{id}/lifecycle/deactivate`): its clients get no
    /// more tokens.
    pub fn deactivate_app(&self, cred: &dyn Credential, id: &AppId) -> Result<()> {
        crate::admin::apps::deactivate_app(self, cred, id)
    }

    /// Deletes an app. Okta deletes only inactive apps, so an active one is deactivated first.
    pub fn delete_app(&self, cred: &dyn Credential, id: &AppId) -> Result<()> {
        crate::admin::apps::delete_app(self, cred, id)
    }

    // ---- Okta API scope grants -----------------------------------------------------------------

    /// Grants an Okta scope to an app (`issuer` is the org). Not retried: on an unclear failure,
    /// [`Error::OutcomeUnknown`] says to list the grants.
    pub fn add_grant(&self, cred: &dyn Credential, app: &AppId, scope: &Scope) -> Result<Grant> {
        crate::admin::grants::add_grant(self, cred, app, scope)
    }

    /// The app's grants.
    pub fn list_grants(&self, cred: &dyn Credential, app: &AppId) -> Result<Vec<Grant>> {
        crate::admin::grants::list_grants(self, cred, app)
    }

    /// Revokes a grant.
    pub fn revoke_grant(&self, cred: &dyn Credential, app: &AppId, grant: &GrantId) -> Result<()> {
        crate::admin::grants::revoke_grant(self, cred, app, grant)
    }

    /// The app holds a grant for `scope`: the existing one, or a new one. (Okta refuses a second
    /// grant of the same scope with 400 E0000001.)
    pub fn ensure_grant(
        &self,
        cred: &dyn Credential,
        app: &AppId,
        scope: &Scope,
    ) -> Result<Ensured<Grant>> {
        crate::admin::ensure::ensure_grant(self, cred, app, scope)
    }

    // ---- Admin roles of an app -----------------------------------------------------------------

    /// Assigns an admin role to a client. Without one, Okta answers the app's API calls with
    /// 403 E0000006.
    pub fn assign_role(
        &self,
        cred: &dyn Credential,
        client: &ClientId,
        role: &Role,
    ) -> Result<RoleAssignment> {
        crate::admin::roles::assign_role(self, cred, client, role)
    }

    /// Takes an admin role assignment away from a client.
    pub fn unassign_role(
        &self,
        cred: &dyn Credential,
        client: &ClientId,
        assignment: &RoleAssignmentId,
    ) -> Result<()> {
        crate::admin::roles::unassign_role(self, cred, client, assignment)
    }

    /// The client's admin roles.
    pub fn list_roles(
        &self,
        cred: &dyn Credential,
        client: &ClientId,
    ) -> Result<Vec<RoleAssignment>> {
        crate::admin::roles::list_roles(self, cred, client)
    }

    /// The client holds `role`: the existing assignment, or a new one. (Okta refuses a second
    /// assignment of the same role with 409 E0000090; one made meanwhile is found and returned.)
    pub fn ensure_role(
        &self,
        cred: &dyn Credential,
        client: &ClientId,
        role: &Role,
    ) -> Result<Ensured<RoleAssignment>> {
        crate::admin::ensure::ensure_role(self, cred, client, role)
    }

    // ---- Least-privilege custom roles ----------------------------------------------------------

    /// The custom role `label` with the permissions these scopes need, bound to the resource
    /// set `{label} resources` of `resources`: each found by its label, or created. The
    /// [`Role`] to assign ([`Okta::assign_role`], [`Okta::assign_user_role`]).
    pub fn least_privilege_role(
        &self,
        cred: &dyn Credential,
        label: &str,
        scopes: &[Scope],
        resources: &[String],
    ) -> Result<Role> {
        crate::admin::iam::least_privilege_role(self, cred, label, scopes, resources)
    }

    /// A custom role by id or label, if it exists.
    pub fn find_custom_role(&self, cred: &dyn Credential, key: &str) -> Result<Option<CustomRole>> {
        crate::admin::iam::find_custom_role(self, cred, key)
    }

    /// Creates a custom role with these permissions (`POST /api/v1/iam/roles`).
    pub fn create_custom_role(
        &self,
        cred: &dyn Credential,
        label: &str,
        description: &str,
        permissions: &[String],
    ) -> Result<CustomRole> {
        crate::admin::iam::create_custom_role(self, cred, label, description, permissions)
    }

    /// A resource set by id or label, if it exists.
    pub fn find_resource_set(
        &self,
        cred: &dyn Credential,
        key: &str,
    ) -> Result<Option<ResourceSet>> {
        crate::admin::iam::find_resource_set(self, cred, key)
    }

    /// Creates a resource set of these resources (REST URLs of the org: [`all_users`](crate::all_users),
    /// [`users_of_group`](crate::users_of_group)).
    pub fn create_resource_set(
        &self,
        cred: &dyn Credential,
        label: &str,
        description: &str,
        resources: &[String],
    ) -> Result<ResourceSet> {
        crate::admin::iam::create_resource_set(self, cred, label, description, resources)
    }

    // ---- An app's keys -------------------------------------------------------------------------

    /// The app's keys. Accepts each list shape Okta is known to send: `{"jwks":{"keys":[…]}}`,
    /// `{"keys":[…]}` and `[…]` (Okta's Apps API reference gives the array).
    pub fn list_app_keys(&self, cred: &dyn Credential, app: &AppId) -> Result<Vec<AppKey>> {
        crate::admin::keys::list_app_keys(self, cred, app)
    }

    /// Adds a key, checking Okta's rules first: at most 50 keys, a `kid`, and no `kid` twice.
    pub fn add_app_key(
        &self,
        cred: &dyn Credential,
        app: &AppId,
        key: &PublicJwk,
        active: bool,
    ) -> Result<AppKey> {
        crate::admin::keys::add_app_key(self, cred, app, key, active)
    }

    /// Activates or deactivates a key (Okta refuses to deactivate the last active key of a
    /// `private_key_jwt` app).
    pub fn set_app_key_active(
        &self,
        cred: &dyn Credential,
        app: &AppId,
        key: &AppKeyId,
        active: bool,
    ) -> Result<AppKey> {
        crate::admin::keys::set_app_key_active(self, cred, app, key, active)
    }

    /// Deletes an inactive key.
    pub fn delete_app_key(&self, cred: &dyn Credential, app: &AppId, key: &AppKeyId) -> Result<()> {
        crate::admin::keys::delete_app_key(self, cred, app, key)
    }

    /// Rotates the app to `new_key`: add it (active), prove a token can be had with it, then
    /// deactivate every other key, and delete them too with [`Retire::Delete`]. Each step looks
    /// at the app's keys first, so after an interruption anywhere the same call finishes the
    /// job; the old keys are only touched after the new one has worked, so the app always has
    /// an active key that signs.
    pub fn rotate_app_key(
        &self,
        admin: &dyn Credential,
        app_id: &AppId,
        new_key: Arc<KeyPair>,
        proof_scopes: &[Scope],
        dpop: DpopMode,
        retire: Retire,
    ) -> Result<Rotation> {
        crate::admin::keys::rotate_app_key(self, admin, app_id, new_key, proof_scopes, dpop, retire)
    }

    // ---- User access: the OIDC app, its users, their roles -------------------------------------

    /// Creates the OIDC app a person signs in to, through the Apps API. For a web app, Okta's
    /// answer carries the client secret, once: [`RegisteredApp::client_secret`].
    pub fn create_oidc_app(&self, cred: &dyn Credential, app: &OidcApp) -> Result<RegisteredApp> {
        crate::admin::access::create_oidc_app(self, cred, app)
    }

    /// Makes a new client secret for an app (`POST /api/v1/apps/{appId}/credentials/secrets`);
    /// Okta keeps at most two, so an app with two needs one deleted first.
    pub fn new_client_secret(&self, cred: &dyn Credential, app: &AppId) -> Result<ClientSecret> {
        crate::plan::user::new_client_secret(self, cred, app)
    }

    /// A user by login or id (`GET /api/v1/users/{login}`).
    pub fn find_user(&self, cred: &dyn Credential, login_or_id: &str) -> Result<User> {
        crate::admin::access::find_user(self, cred, login_or_id)
    }

    /// Assigns a user to an app (`POST /api/v1/apps/{appId}/users`): they may sign in to it.
    /// Assigning someone who is assigned already changes nothing.
    pub fn assign_user(&self, cred: &dyn Credential, app: &AppId, user: &UserId) -> Result<()> {
        crate::admin::access::assign_user(self, cred, app, user)
    }

    /// Assigns a group to an app (`PUT /api/v1/apps/{appId}/groups/{groupId}`): every member may
    /// sign in. Idempotent.
    pub fn assign_group(&self, cred: &dyn Credential, app: &AppId, group: &GroupId) -> Result<()> {
        crate::admin::access::assign_group(self, cred, app, group)
    }

    /// Takes an assignment away; the user (or the group's members) can no longer sign in, unless
    /// another assignment lets them.
    pub fn unassign(&self, cred: &dyn Credential, app: &AppId, who: &Assignee) -> Result<()> {
        crate::admin::access::unassign(self, cred, app, who)
    }

    /// Who is assigned to the app: its users, then its groups (all pages).
    pub fn list_assignments(&self, cred: &dyn Credential, app: &AppId) -> Result<Vec<Assignee>> {
        crate::admin::access::list_assignments(self, cred, app)
    }

    /// Whether `user` may sign in to `app` by a direct assignment
    /// (`GET /api/v1/apps/{appId}/users/{userId}`: 200 or 404).
    pub fn is_assigned(&self, cred: &dyn Credential, app: &AppId, user: &UserId) -> Result<bool> {
        crate::admin::access::is_assigned(self, cred, app, user)
    }

    /// The user is assigned to the app (may sign in to it): directly already, or now.
    pub fn ensure_assigned(
        &self,
        cred: &dyn Credential,
        app: &AppId,
        user: &UserId,
    ) -> Result<Ensured<()>> {
        crate::admin::ensure::ensure_assigned(self, cred, app, user)
    }

    /// Gives a user an admin role (`POST /api/v1/users/{userId}/roles`). A user's own access
    /// token acts with the scopes it holds *and* the permissions of the user's roles: without
    /// one, Okta answers 403 E0000006.
    pub fn assign_user_role(
        &self,
        cred: &dyn Credential,
        user: &UserId,
        role: &Role,
    ) -> Result<RoleAssignment> {
        crate::admin::access::assign_user_role(self, cred, user, role)
    }

    /// The user's admin roles.
    pub fn list_user_roles(
        &self,
        cred: &dyn Credential,
        user: &UserId,
    ) -> Result<Vec<RoleAssignment>> {
        crate::admin::access::list_user_roles(self, cred, user)
    }

    /// Takes an admin role away from a user.
    pub fn unassign_user_role(
        &self,
        cred: &dyn Credential,
        user: &UserId,
        assignment: &RoleAssignmentId,
    ) -> Result<()> {
        crate::admin::access::unassign_user_role(self, cred, user, assignment)
    }

    /// The user holds `role`: the existing assignment, or a new one.
    pub fn ensure_user_role(
        &self,
        cred: &dyn Credential,
        user: &UserId,
        role: &Role,
    ) -> Result<Ensured<RoleAssignment>> {
        crate::admin::ensure::ensure_user_role(self, cred, user, role)
    }

    // ---- User sign-in (Authorization Code + PKCE, the device grant) and refresh ----------------

    /// Starts a sign-in: binds `127.0.0.1:{port}` (never `0.0.0.0`), and builds the authorize
    /// URL with `response_type=code`, the exact `redirect_uri` `http://127.0.0.1:{port}{path}`,
    /// the scopes, a 256-bit `state`, an S256 `code_challenge`, and a `nonce` when `openid` is
    /// asked. Register that redirect URI with the app. Port 0 picks a free port (only for
    /// servers that accept any loopback port, RFC 8252 §7.3).
    pub fn start_sign_in(
        &self,
        client_id: &ClientId,
        port: u16,
        path: &str,
        scopes: &[Scope],
    ) -> Result<SignIn> {
        crate::oauth::sign_in::start_sign_in(self, client_id, port, path, scopes)
    }

    /// Sends the sign-in's authorize request as a browser would, without following it, so that
    /// a request the authorization server refuses outright (an unknown client, a redirect URI
    /// the app does not list, a service app) fails now instead of after the wait for a redirect
    /// that never comes. Sends no credential.
    pub fn check_sign_in_request(&self, sign_in: &SignIn) -> Result<()> {
        crate::oauth::sign_in::check_sign_in_request(self, sign_in)
    }

    /// Waits for the redirect (at most `timeout`), then exchanges the code.
    pub fn finish_sign_in(
        &self,
        sign_in: SignIn,
        auth: ClientAuth<'_>,
        timeout: Duration,
    ) -> Result<UserTokens> {
        crate::oauth::sign_in::finish_sign_in(self, sign_in, auth, timeout)
    }

    /// Starts a device sign-in (`POST /v1/device/authorize` with `client_id` and `scope`): the
    /// app must allow the device grant (Okta: native apps).
    pub fn start_device_sign_in(
        &self,
        auth: ClientAuth<'_>,
        scopes: &[Scope],
    ) -> Result<DeviceSignIn> {
        crate::oauth::device::start_device_sign_in(self, auth, scopes)
    }

    /// Polls the token endpoint until the user approves (the tokens), denies, or the code
    /// expires; `authorization_pending` waits the interval, `slow_down` adds 5 seconds to it
    /// (RFC 8628 §3.5). `wait` does the waiting (`std::thread::sleep` in a program; a test may
    /// pass a clock of its own).
    pub fn finish_device_sign_in(
        &self,
        device: DeviceSignIn,
        auth: ClientAuth<'_>,
        wait: &mut dyn FnMut(Duration),
    ) -> Result<UserTokens> {
        crate::oauth::device::finish_device_sign_in(self, device, auth, wait)
    }

    /// Gets new tokens with a refresh token (and, optionally, fewer scopes).
    pub fn refresh(
        &self,
        auth: ClientAuth<'_>,
        client_id: &ClientId,
        refresh: &RefreshToken,
        scopes: Option<&[Scope]>,
    ) -> Result<UserTokens> {
        crate::oauth::sign_in::refresh(self, auth, client_id, refresh, scopes)
    }

    /// Fetches a JWKS from a URL of this org (a `jwks_uri`), for checking tokens.
    pub fn fetch_jwks_at(&self, url: &str) -> Result<Jwks> {
        crate::oauth::sign_in::fetch_jwks_at(self, url)
    }

    // ---- Revocation and introspection ----------------------------------------------------------

    /// Revokes an access or refresh token (`token_type_hint` optional). Okta answers 200 even for
    /// an unknown token, so as not to say which tokens exist.
    pub fn revoke(&self, auth: ClientAuth<'_>, token: &str, hint: Option<&str>) -> Result<()> {
        crate::oauth::post::revoke(self, auth, token, hint)
    }

    /// Asks whether a token is active, and what it carries.
    pub fn introspect(&self, auth: ClientAuth<'_>, token: &str) -> Result<Introspection> {
        crate::oauth::post::introspect(self, auth, token)
    }

    // ---- What to do about a refusal ------------------------------------------------------------

    /// What fixes a sign-in refused with `invalid_scope`: a grant for each Okta API scope of
    /// `scopes` the app does not hold (read with `admin`; each one asked for without it).
    /// Empty for any other error.
    pub fn diagnose_sign_in_scopes(
        &self,
        error: &Error,
        client: &ClientId,
        scopes: &[Scope],
        admin: Option<&dyn Credential>,
    ) -> Vec<Fix> {
        crate::admin::diagnose::sign_in_grants(self, error, client, scopes, admin)
    }

    /// Checks the org: it answers its metadata, and its clock is within half a minute of this
    /// machine's (from its `Date`). Sends two reads.
    pub fn check_org(&self) -> Vec<Check> {
        crate::admin::checkup::check_org(self)
    }

    /// Checks a service app at once, each check with what fixes it: with `admin` (an API
    /// token), that the app exists, that the key `creds` signs with is registered and active,
    /// that its grants cover `scopes`, that it holds an admin role and that its DPoP setting
    /// suits `creds`; then that a token for `scopes` comes. Changes nothing.
    pub fn check_service_app(
        &self,
        creds: &ServiceCredentials,
        scopes: &[Scope],
        admin: Option<&dyn Credential>,
    ) -> Vec<Check> {
        crate::admin::checkup::check_service_app(self, creds, scopes, admin)
    }

    /// Checks a sign-in app with `admin`: it allows the authorization code (not a service
    /// app), it lists `redirect_uri`, and `user` (a login), when given, is assigned to it.
    /// Changes nothing.
    pub fn check_sign_in_app(
        &self,
        client: &ClientId,
        redirect_uri: &str,
        user: Option<&str>,
        admin: Option<&dyn Credential>,
    ) -> Vec<Check> {
        crate::admin::checkup::check_sign_in_app(self, client, redirect_uri, user, admin)
    }

    /// What fixes `error`, the answer to `method path` made by `caller`: for `invalid_scope`
    /// and `insufficient_scope` the scopes Okta's contract says the call needs, against the
    /// app's grants when they can be read; for 403 E0000006 the narrowest standard admin role
    /// that allows it. `None` for other errors, and for calls the contract does not know.
    pub fn diagnose_call(
        &self,
        error: &Error,
        method: Method,
        path: &str,
        caller: Caller<'_>,
    ) -> Option<Diagnosis> {
        crate::admin::diagnose::diagnose_call(self, error, method, path, caller)
    }
}
