//! `/oauth2/v1/token`, `/revoke` and `/introspect`: client authentication with every check of
//! in Okta's order and with Okta's exact texts (Okta's OAuth 2.0 API reference).

use serde_json::{Value, json};

use crate::errors::{client, oauth};
use crate::http::{Req, Resp};
use crate::org::same_secret;
use crate::org::{App, DeviceStatus, Issued, Org};
use crate::routes::dpop::{self, Expect};

const ASSERTION_TYPE: &str = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
const GRANTS: &str = "[authorization_code, client_credentials, refresh_token, urn:ietf:params:oauth:grant-type:device_code]";
/// RFC 8628's grant type.
pub(crate) const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";
/// Access tokens of the org authorization server live one hour, fixed (Okta's "Implement OAuth
/// for Okta with a service app").
const LIFETIME: u64 = 3600;

/// How the client authenticated.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Method {
    Assertion,
    Secret,
    None,
}

/// The form, refusing credentials in the query, other media types and repeated parameters.
pub(crate) fn form(req: &Req) -> Result<Vec<(String, String)>, Resp> {
    if super::query_has_credentials(req) || req.query_pairs().iter().any(|(n, _)| n == "client_id")
    {
        return Err(oauth(
            400,
            "invalid_request",
            "Client credentials cannot be supplied via query parameters.",
        ));
    }
    if req.content_type() != "application/x-www-form-urlencoded" {
        return Err(oauth(
            400,
            "invalid_request",
            "The request must have a Content-Type of application/x-www-form-urlencoded.",
        ));
    }
    let pairs = req.form();
    let mut names: Vec<&str> = pairs.iter().map(|(n, _)| n.as_str()).collect();
    names.sort_unstable();
    if names.windows(2).any(|w| w[0] == w[1]) {
        return Err(oauth(
            400,
            "invalid_request",
            "The request contained multiple parameters with the same name.",
        ));
    }
    Ok(pairs)
}

/// Okta's answer when a required form parameter is absent or empty.
pub(crate) fn missing(name: &str) -> Resp {
    oauth(
        400,
        "invalid_request",
        &format!("The required parameter '{name}' is missing."),
    )
}

pub(crate) fn param<'a>(form: &'a [(String, String)], name: &str) -> Option<&'a str> {
    form.iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.is_empty())
}

/// Authenticates the client of a token, revoke or introspect request.
pub(crate) fn authenticate(
    org: &Org,
    req: &Req,
    form: &[(String, String)],
    token_endpoint: &str,
) -> Result<(App, Method), Resp> {
    let basic = req
        .header("authorization")
        .and_then(|h| h.strip_prefix("Basic "));
    let assertion = param(form, "client_assertion");
    let secret = param(form, "client_secret");
    let used = [basic.is_some(), assertion.is_some(), secret.is_some()]
        .iter()
        .filter(|b| **b)
        .count();
    if used > 1 {
        return Err(oauth(
            401,
            "invalid_request",
            "Cannot supply multiple client credentials. Use one of the following: credentials in the Authorization header, credentials in the post body, or a client_assertion in the post body.",
        ));
    }
    if let Some(assertion) = assertion {
        if param(form, "client_assertion_type") != Some(ASSERTION_TYPE) {
            return Err(oauth(
                400,
                "invalid_request",
                "The client_assertion_type is invalid.",
            ));
        }
        return check_assertion(org, req, form, assertion, token_endpoint)
            .map(|app| (app, Method::Assertion));
    }
    let (id, given_secret) = match basic {
        Some(b64) => {
            let decoded = base64_standard(b64).ok_or_else(|| client("Client authentication failed. Either the client or the client credentials are invalid."))?;
            let (id, s) = decoded
                .split_once(':')
                .map(|(a, b)| (a.to_owned(), Some(b.to_owned())))
                .unwrap_or((decoded, None));
            (Some(id), s)
        }
        None => (
            param(form, "client_id").map(str::to_owned),
            secret.map(str::to_owned),
        ),
    };
    let Some(id) = id else {
        return Err(client("No client credentials found."));
    };
    let app = org
        .app(&id)
        .ok_or_else(|| client("Invalid value for 'client_id' parameter."))?;
    match (given_secret, app.auth_method.as_str()) {
        (Some(given), "client_secret_basic" | "client_secret_post")
            if app.secret_matches(&given) =>
        {
            Ok((app, Method::Secret))
        }
        (Some(_), ..) => Err(client(
            "Client authentication failed. Either the client or the client credentials are invalid.",
        )),
        (None, "none") => Ok((app, Method::None)),
        (None, ..) => Err(client("No client credentials found.")),
    }
}

fn base64_standard(text: &str) -> Option<String> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text.trim())
        .ok()?;
    String::from_utf8(bytes).ok()
}

/// The client assertion's checks, in Okta's order; consumes the `jti`.
fn check_assertion(
    org: &Org,
    req: &Req,
    form: &[(String, String)],
    assertion: &str,
    token_endpoint: &str,
) -> Result<App, Resp> {
    let parse_failed = || client("The parsing of the client_assertion failed.");
    let jwt = crate::jose::parse_compact(assertion).ok_or_else(parse_failed)?;
    if jwt.header.contains_key("crit") {
        return Err(parse_failed());
    }
    let claimed = param(form, "client_id")
        .or_else(|| jwt.claims.get("iss").and_then(Value::as_str))
        .ok_or_else(parse_failed)?;
    let app = org
        .app(claimed)
        .ok_or_else(|| client("Invalid value for 'client_id' parameter."))?;
    if app.keys.is_empty() {
        return Err(client(
            "The client does not have a JWKSet configured, but the client_assertion requires one.",
        ));
    }
    let kid_invalid = || client("The client_assertion JWT kid is invalid.");
    let key = match jwt.header.get("kid") {
        Some(Value::String(kid)) => app
            .keys
            .iter()
            .find(|k| k.kid() == Some(kid.as_str()))
            .ok_or_else(kid_invalid)?,
        Some(_) => return Err(kid_invalid()),
        None if app.keys.len() == 1 => &app.keys[0],
        None => return Err(kid_invalid()),
    };
    if !key.active {
        return Err(kid_invalid());
    }
    let alg = jwt
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !crate::jose::ALGS.contains(&alg) || !crate::jose::alg_fits(&key.jwk, alg) {
        return Err(client(
            "The client_assertion JWT signature algorithm is invalid.",
        ));
    }
    if !crate::jose::verify(&key.jwk, alg, jwt.signing_input, &jwt.signature) {
        return Err(client("The client_assertion signature is invalid."));
    }
    let claim = |name: &str| jwt.claims.get(name).and_then(Value::as_str);
    if claim("iss") != Some(app.id.as_str()) {
        return Err(client(
            "The issuer claim for client_assertion is not a valid client_id.",
        ));
    }
    if claim("sub") != Some(app.id.as_str()) {
        return Err(client(
            "The subject claim for client_assertion is not a valid client_id.",
        ));
    }
    let invoked = format!("{}{}", org.base, req.path);
    let aud_ok = claim("aud").is_some_and(|aud| {
        aud == invoked || (org.config.aud_allow_token_endpoint && aud == token_endpoint)
    });
    if !aud_ok {
        return Err(client(
            "The audience claim for client_assertion must be the endpoint invoked for the request.",
        ));
    }
    let now = org.now();
    let leeway = org.config.leeway;
    let exp = jwt
        .claims
        .get("exp")
        .and_then(Value::as_u64)
        .ok_or_else(|| {
            client("The client_assertion must contain the 'exp' claim as seconds since epoch.")
        })?;
    if now >= exp.saturating_add(leeway) {
        return Err(client("The client_assertion token is expired."));
    }
    if exp > now.saturating_add(LIFETIME) {
        return Err(client(
            "The client_assertion token has an expiration too far into the future.",
        ));
    }
    match jwt.claims.get("iat") {
        None => {}
        Some(v) => match v.as_u64() {
            Some(iat) if iat > now.saturating_add(leeway) => {
                return Err(client(
                    "The client_assertion token must be issued before the current time.",
                ));
            }
            Some(_) => {}
            None => return Err(parse_failed()),
        },
    }
    if let Some(jti) = jwt.claims.get("jti") {
        let jti = jti.as_str().ok_or_else(parse_failed)?.to_owned();
        let mut state = org.state();
        state
            .assertion_jtis
            .retain(|_, until| until.saturating_add(leeway) > now);
        if state
            .assertion_jtis
            .insert((app.id.clone(), jti), exp)
            .is_some()
        {
            return Err(client("The client_assertion token has already been used."));
        }
    }
    Ok(app)
}

pub(crate) fn token(org: &Org, req: &Req, server: Option<&str>) -> Resp {
    let resp = grant(org, req, server);
    // A DPoP-bound token comes with the nonce to use next, as Okta sends it on the 200 as on
    // the 400 challenge (recorded 2026).
    if resp.status == 200 && req.header("dpop").is_some() {
        return resp.with_header("DPoP-Nonce", dpop::current_nonce(org));
    }
    resp
}

/// The token request, answered by its grant.
fn grant(org: &Org, req: &Req, server: Option<&str>) -> Resp {
    let form = try_resp!(form(req));
    let grant = match param(&form, "grant_type") {
        None => {
            return oauth(
                400,
                "invalid_request",
                &format!("The token request must specify a 'grant_type'. Valid values: {GRANTS}"),
            );
        }
        Some(
            g @ ("client_credentials" | "authorization_code" | "refresh_token" | DEVICE_GRANT),
        ) => g.to_owned(),
        Some(_) => {
            return oauth(
                400,
                "unsupported_grant_type",
                &format!(
                    "The authorization grant type is not supported by the authorization server. Configured grant types: {GRANTS}."
                ),
            );
        }
    };
    let token_endpoint = format!("{}{}", org.base, req.path);
    let (app, method) = try_resp!(authenticate(org, req, &form, &token_endpoint));
    if !app.grant_types.contains(&grant) {
        return oauth(
            400,
            "unauthorized_client",
            &format!(
                "The client is not authorized to use the provided grant type. Configured grant types: [{}].",
                app.grant_types.join(", ")
            ),
        );
    }
    match grant.as_str() {
        "client_credentials" => client_credentials(org, req, &form, &app, method, server),
        "authorization_code" => authorization_code(org, req, &form, &app),
        DEVICE_GRANT => device_code(org, req, &form, &app),
        _ => refresh(org, req, &form, &app),
    }
}

/// DPoP at the token endpoint: `Ok(None)` when no proof applies, `Ok(Some(jkt))` when bound.
fn token_dpop(org: &Org, req: &Req, required: bool) -> Result<Option<String>, Resp> {
    if !required && (req.all("dpop").is_empty() || !org.config.bind_optional_dpop) {
        return Ok(None);
    }
    match dpop::check(
        org,
        req,
        &Expect {
            nonce_required: true,
            token: None,
        },
    ) {
        Ok(jkt) => Ok(Some(jkt)),
        Err(r) if r == dpop::USE_NONCE => {
            Err(oauth(400, r.error, r.description)
                .with_header("DPoP-Nonce", dpop::current_nonce(org)))
        }
        Err(r) => Err(oauth(400, r.error, r.description)),
    }
}

fn requested_scopes(form: &[(String, String)]) -> Vec<String> {
    param(form, "scope")
        .map(|s| {
            s.split(' ')
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn client_credentials(
    org: &Org,
    req: &Req,
    form: &[(String, String)],
    app: &App,
    method: Method,
    server: Option<&str>,
) -> Resp {
    if app.application_type != "service" {
        return client(
            "Only clients with 'application_type' of 'service' may use the client_credentials 'grant_type' with the Org Authorization Server.",
        );
    }
    if method != Method::Assertion {
        return client(
            "Client Credentials requests to the Org Authorization Server must use the private_key_jwt token_endpoint_auth_method.",
        );
    }
    let jkt = try_resp!(token_dpop(org, req, app.dpop_bound));
    let requested = requested_scopes(form);
    if requested.is_empty() {
        return oauth(400, "invalid_scope", "No scopes were requested.");
    }
    if requested.iter().any(|s| s == "openid") {
        return oauth(
            400,
            "invalid_scope",
            "Cannot request 'openid' scopes using client credentials.",
        );
    }
    if server.is_some() {
        // The custom server `default` holds no custom scopes, and only the org server can mint
        // Okta API scopes.
        let list = requested.join(", ");
        return oauth(
            400,
            "invalid_scope",
            &format!("The following scopes are not allowed for this request: [{list}]."),
        );
    }
    let granted: Vec<String> = requested
        .iter()
        .filter(|s| app.grants.iter().any(|g| &g.scope == *s))
        .cloned()
        .collect();
    if granted.is_empty() {
        return match org.config.no_scope_error {
            crate::config::NoScopeError::InvalidScope => oauth(
                400,
                "invalid_scope",
                "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.",
            ),
            crate::config::NoScopeError::AccessDenied => oauth(
                400,
                "access_denied",
                "Policy evaluation succeeded, but all the requested scopes were rejected.",
            ),
        };
    }
    let (access, _) = mint(org, app, &granted, jkt.clone(), None);
    token_response(&access, jkt.is_some(), &granted, None, None)
}

fn token_response(
    access: &str,
    dpop: bool,
    scopes: &[String],
    id_token: Option<String>,
    refresh: Option<String>,
) -> Resp {
    let mut body = json!({
        "token_type": if dpop { "DPoP" } else { "Bearer" },
        "expires_in": LIFETIME,
        "access_token": access,
        "scope": scopes.join(" "),
    });
    if let Some(id) = id_token {
        body["id_token"] = json!(id);
    }
    if let Some(r) = refresh {
        body["refresh_token"] = json!(r);
    }
    Resp::json(200, &body)
        .with_header("Cache-Control", "no-cache, no-store")
        .with_header("Pragma", "no-cache")
}

/// Mints an access token (the claims of Okta's org authorization server tokens) and records it.
fn mint(
    org: &Org,
    app: &App,
    scopes: &[String],
    jkt: Option<String>,
    user: Option<usize>,
) -> (String, String) {
    let now = org.now();
    let jti = format!("AT.{}", org.rng.token(32));
    let mut claims = json!({
        "ver": 1, "jti": jti, "iss": org.base, "aud": org.base,
        "sub": user.map_or_else(|| app.id.clone(), |u| crate::users::login_of(org, u)),
        "iat": now, "exp": now + LIFETIME, "cid": app.id, "scp": scopes,
    });
    if let Some(u) = user {
        claims["uid"] = json!(crate::users::id(org, u));
        claims["auth_time"] = json!(now);
    }
    if let Some(j) = &jkt {
        claims["cnf"] = json!({"jkt": j});
    }
    let token = org.sign_token(&claims);
    let issued = Issued {
        client_id: app.id.clone(),
        scopes: scopes.to_vec(),
        jkt,
        exp: now + LIFETIME,
        iat: now,
        user,
        revoked: false,
        refresh: false,
    };
    org.state().tokens.insert(jti.clone(), issued);
    (token, jti)
}

fn authorization_code(org: &Org, req: &Req, form: &[(String, String)], app: &App) -> Resp {
    let invalid_code = || {
        oauth(
            400,
            "invalid_grant",
            "The authorization code is invalid or has expired.",
        )
    };
    let Some(code) = param(form, "code") else {
        return missing("code");
    };
    // A code is single-use: it is gone after the first exchange, successful or not.
    let Some(code) = org.state().codes.remove(code) else {
        return invalid_code();
    };
    if code.exp <= org.now() {
        return invalid_code();
    }
    if code.client_id != app.id {
        return oauth(
            400,
            "invalid_grant",
            "The client specified is not valid for this authorization code.",
        );
    }
    if param(form, "redirect_uri") != Some(code.redirect_uri.as_str()) {
        return oauth(
            400,
            "invalid_grant",
            "The 'redirect_uri' does not match the redirection URI used in the authorization request.",
        );
    }
    match (&code.challenge, param(form, "code_verifier")) {
        (Some(_), None) => {
            return oauth(
                400,
                "invalid_request",
                "PKCE code verifier is required by the application.",
            );
        }
        (None, Some(_)) => {
            return oauth(
                400,
                "invalid_request",
                "PKCE code challenge should be specified in the authorize request for code verification.",
            );
        }
        (Some(challenge), Some(verifier)) => {
            let charset = verifier
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-._~".contains(&b));
            let computed = crate::jose::b64(
                ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes()).as_ref(),
            );
            if !(43..=128).contains(&verifier.len())
                || !charset
                || !same_secret(&computed, challenge)
            {
                return oauth(400, "invalid_grant", "PKCE verification failed.");
            }
        }
        (None, None) => {}
    }
    user_grant(
        org,
        req,
        app,
        &code.scopes,
        code.user,
        code.nonce.as_deref(),
    )
}

/// Tokens for a signed-in user (authorization code or device grant): the access token, an ID
/// token with `openid`, a refresh token with `offline_access`.
pub(crate) fn user_grant(
    org: &Org,
    req: &Req,
    app: &App,
    scopes: &[String],
    user: usize,
    nonce: Option<&str>,
) -> Resp {
    let jkt = try_resp!(token_dpop(org, req, app.dpop_bound));
    let (access, _) = mint(org, app, scopes, jkt.clone(), Some(user));
    let id_token = scopes.iter().any(|s| s == "openid").then(|| {
        let now = org.now();
        let mut claims = json!({
            "ver": 1, "sub": crate::users::id(org, user), "iss": org.base, "aud": app.id,
            "iat": now, "exp": now + LIFETIME, "auth_time": now, "amr": ["pwd"], "idp": "00o000000000000okta",
            "jti": format!("ID.{}", org.rng.token(24)), "preferred_username": crate::users::login_of(org, user),
        });
        if let Some(n) = nonce {
            claims["nonce"] = json!(n);
        }
        org.sign_token(&claims)
    });
    let refresh = scopes.iter().any(|s| s == "offline_access").then(|| {
        let value = org.rng.token(32);
        let now = org.now();
        let issued = Issued {
            client_id: app.id.clone(),
            scopes: scopes.to_vec(),
            jkt: jkt.clone(),
            exp: now + 90 * 86_400,
            iat: now,
            user: Some(user),
            revoked: false,
            refresh: true,
        };
        org.state().tokens.insert(value.clone(), issued);
        value
    });
    token_response(&access, jkt.is_some(), scopes, id_token, refresh)
}

fn refresh(org: &Org, req: &Req, form: &[(String, String)], app: &App) -> Resp {
    let invalid = || {
        oauth(
            400,
            "invalid_grant",
            "The refresh token is invalid or expired.",
        )
    };
    let Some(value) = param(form, "refresh_token") else {
        return missing("refresh_token");
    };
    let Some(issued) = org.state().tokens.get(value).cloned() else {
        return invalid();
    };
    if !issued.refresh || issued.revoked || issued.client_id != app.id || issued.exp <= org.now() {
        return invalid();
    }
    let scopes = match requested_scopes(form) {
        s if s.is_empty() => issued.scopes.clone(),
        s if s.iter().all(|x| issued.scopes.contains(x)) => s,
        _ => {
            return oauth(
                400,
                "invalid_scope",
                "The requested scope is invalid, unknown, malformed, or exceeds the scope granted by the resource owner.",
            );
        }
    };
    let jkt = try_resp!(token_dpop(org, req, app.dpop_bound || issued.jkt.is_some()));
    if issued.jkt.is_some() && jkt != issued.jkt {
        return oauth(
            400,
            "invalid_dpop_proof",
            "Invalid DPoP Public Key binding in refresh token",
        );
    }
    let (access, _) = mint(org, app, &scopes, jkt.clone(), issued.user);
    token_response(
        &access,
        jkt.is_some(),
        &scopes,
        None,
        Some(value.to_owned()),
    )
}

/// The token endpoint of the server whose revoke or introspect endpoint was called.
fn sibling_token_endpoint(org: &Org, req: &Req) -> String {
    let prefix = req.path.rsplit_once('/').map_or("", |(p, _)| p);
    format!("{}{prefix}/token", org.base)
}

/// What revoke and introspect both start with: the calling client, authenticated as at the token
/// endpoint of the same server, and the key of the `token` it names (an access token's jti, or
/// the token itself for a refresh token).
fn client_and_token(org: &Org, req: &Req) -> Result<(App, String), Resp> {
    let form = form(req)?;
    let (app, _) = authenticate(org, req, &form, &sibling_token_endpoint(org, req))?;
    let Some(token) = param(&form, "token") else {
        return Err(oauth(
            400,
            "invalid_request",
            "The 'token' parameter is required.",
        ));
    };
    let key = access_jti(token).unwrap_or_else(|| token.to_owned());
    Ok((app, key))
}

pub(crate) fn revoke(org: &Org, req: &Req) -> Resp {
    let (app, key) = try_resp!(client_and_token(org, req));
    if let Some(issued) = org.state().tokens.get_mut(&key) {
        // A client may only revoke its own tokens; anything else still answers 200 (RFC 7009).
        if issued.client_id == app.id {
            issued.revoked = true;
        }
    }
    Resp::empty(200)
        .with_header("Cache-Control", "no-cache, no-store")
        .with_header("Pragma", "no-cache")
}

fn access_jti(token: &str) -> Option<String> {
    crate::jose::parse_compact(token)?
        .claims
        .get("jti")?
        .as_str()
        .map(str::to_owned)
}

pub(crate) fn introspect(org: &Org, req: &Req) -> Resp {
    let (app, key) = try_resp!(client_and_token(org, req));
    let issued = org.state().tokens.get(&key).cloned();
    let inactive = Resp::json(200, &json!({"active": false}));
    let Some(t) = issued.filter(|t| !t.revoked && t.exp > org.now() && t.client_id == app.id)
    else {
        return inactive;
    };
    let mut body = json!({
        "active": true, "token_type": if t.jkt.is_some() { "DPoP" } else { "Bearer" }, "scope": t.scopes.join(" "),
        "client_id": t.client_id, "exp": t.exp, "iat": t.iat, "iss": org.base,
        "sub": t.user.map_or_else(|| t.client_id.clone(), |u| crate::users::login_of(org, u)),
    });
    if !t.refresh {
        body["aud"] = json!(org.base);
        body["jti"] = json!(key);
    }
    if let Some(u) = t.user {
        body["username"] = json!(crate::users::login_of(org, u));
        body["uid"] = json!(crate::users::id(org, u));
    }
    if let Some(j) = &t.jkt {
        body["cnf"] = json!({"jkt": j});
    }
    Resp::json(200, &body)
}

/// The device-code grant at the token endpoint.
fn device_code(org: &Org, req: &Req, form: &[(String, String)], app: &App) -> Resp {
    let Some(device_code) = param(form, "device_code") else {
        return missing("device_code");
    };
    let now = org.now();
    let outcome = {
        let mut state = org.state();
        let Some(device) = state.devices.get_mut(device_code) else {
            return oauth(
                400,
                "invalid_grant",
                "The device code is invalid or has expired.",
            );
        };
        if device.client_id != app.id {
            return oauth(
                400,
                "invalid_grant",
                "The client specified is not valid for this device code.",
            );
        }
        if now >= device.exp {
            Err(oauth(400, "expired_token", "The device code has expired."))
        } else if device
            .last_poll
            .is_some_and(|last| now < last.saturating_add(device.interval))
        {
            // RFC 8628 §3.5: a client polling too fast waits 5 seconds longer from now on.
            device.interval = device.interval.saturating_add(5);
            device.last_poll = Some(now);
            Err(oauth(
                400,
                "slow_down",
                "The client is polling too frequently and should wait longer between polls.",
            ))
        } else {
            device.last_poll = Some(now);
            match device.status {
                DeviceStatus::Pending => Err(oauth(
                    400,
                    "authorization_pending",
                    "The device authorization is pending. Please try again later.",
                )),
                DeviceStatus::Denied => Err(oauth(
                    400,
                    "access_denied",
                    "The resource owner or authorization server denied the request.",
                )),
                DeviceStatus::Approved(user) => Ok((user, device.scopes.clone())),
            }
        }
    };
    match outcome {
        Ok((user, scopes)) => {
            // A device code is good for one set of tokens.
            org.state().devices.remove(device_code);
            user_grant(org, req, app, &scopes, user, None)
        }
        Err(resp) => {
            if resp.outcome == "expired_token" || resp.outcome == "access_denied" {
                org.state().devices.remove(device_code);
            }
            resp
        }
    }
}
