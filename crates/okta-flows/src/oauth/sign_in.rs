//! User sign-in with Authorization Code + PKCE (RFC 7636, RFC 8252): the authorize URL, the
//! code exchange, ID-token checks (OpenID Connect Core §3.1.3.7) and refresh.

use std::net::TcpListener;
use std::time::Duration;

use okta_assertion::{Validation, Verifier};
use okta_jwk::{Algorithm, Jwks};
use serde_json::Value;

use okta_assertion::ClientId;

use crate::error::{Error, Result, safe};
use crate::http::auth::{Token, TokenType};
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::planned::{PlannedAuth, PlannedRequest};
use crate::http::transport::MAX_JSON;
use crate::ids::Scope;
use crate::oauth::client_auth::ClientAuth;
use crate::oauth::listener::SignIn;
use crate::oauth::pkce::{Pkce, random_token};
use crate::oauth::user_tokens::UserTokens;
use crate::secrets::{AccessToken, IdToken, OAuthState, RefreshToken};
use crate::settings::OAuthEndpoint;

/// RFC 8628's grant type.
pub(crate) const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

impl Okta {
    fn user_token_request(&self, auth: ClientAuth<'_>, fields: &[(&str, String)]) -> Result<Value> {
        let fields: Vec<(&str, &str)> = fields.iter().map(|(k, v)| (*k, v.as_str())).collect();
        self.oauth_post(OAuthEndpoint::Token, auth, &fields)?.json()
    }

    pub(crate) fn user_tokens(
        &self,
        body: &Value,
        client_id: &ClientId,
        nonce: Option<&OAuthState>,
    ) -> Result<UserTokens> {
        let refuse = |why: &str| Error::TokenResponse(why.to_owned());
        let access = body["access_token"]
            .as_str()
            .filter(|t| !t.is_empty() && t.len() <= 16 * 1024)
            .ok_or_else(|| refuse("access_token is missing or too long"))?;
        if !body["token_type"]
            .as_str()
            .is_some_and(|t| t.eq_ignore_ascii_case("bearer"))
        {
            return Err(refuse(
                "a user token must be Bearer here (this client did not send a DPoP proof)",
            ));
        }
        let lifetime = match body.get("expires_in") {
            None => 3600,
            Some(v) => v
                .as_u64()
                .filter(|s| (1..=86_400).contains(s))
                .ok_or_else(|| refuse("expires_in must be 1 to 86400 seconds"))?,
        };
        let scopes = body["scope"]
            .as_str()
            .map(|s| {
                s.split(' ')
                    .filter(|x| !x.is_empty())
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default();
        let token = Token::from_parts(
            AccessToken::new(access),
            TokenType::Bearer,
            self.now().plus(lifetime),
            scopes,
            None,
        );
        let (id_token, id_claims) = match body["id_token"].as_str() {
            Some(jwt) => (
                Some(IdToken::new(jwt)),
                Some(self.check_id_token(jwt, client_id, nonce)?),
            ),
            None if nonce.is_some() => {
                return Err(refuse("openid was asked but no id_token came back"));
            }
            None => (None, None),
        };
        Ok(UserTokens {
            access: token,
            refresh: body["refresh_token"].as_str().map(RefreshToken::new),
            id_token,
            id_claims,
        })
    }

    /// RS256 only, a key of the server's JWKS by `kid` (fetched again once if unknown),
    /// `iss` = the issuer, `aud` = the client, times with 2 minutes of leeway, and the `nonce`.
    fn check_id_token(
        &self,
        jwt: &str,
        client_id: &ClientId,
        nonce: Option<&OAuthState>,
    ) -> Result<serde_json::Map<String, Value>> {
        let issuer = match &self.discovered() {
            Some(d) => d.issuer.clone(),
            None => match self.server() {
                crate::settings::AuthServer::Org => self.org_url().as_str().to_owned(),
                crate::settings::AuthServer::Custom(id) => {
                    format!("{}/oauth2/{id}", self.org_url().as_str())
                }
            },
        };
        let verifier = Verifier::new(&[Algorithm::RS256]);
        let validation = Validation::at(self.now())
            .leeway(120)
            .issuer(&issuer)
            .audience(client_id.as_str());
        let refused = |source| Error::IdToken { source };
        let verified = match verifier.verify(jwt, &self.fetch_jwks()?, &validation) {
            Err(okta_assertion::Error::NoKey { .. }) => verifier
                .verify(jwt, &self.fetch_jwks()?, &validation)
                .map_err(refused)?,
            other => other.map_err(refused)?,
        };
        if let Some(n) = nonce
            && verified.claims().get("nonce").and_then(Value::as_str) != Some(n.expose_secret())
        {
            return Err(Error::TokenResponse(
                "the ID token's nonce is not the one sent".into(),
            ));
        }
        Ok(verified.into_claims())
    }

    fn fetch_jwks(&self) -> Result<Jwks> {
        self.fetch_jwks_at(self.oauth_endpoint(OAuthEndpoint::Keys)?.as_str())
    }
}

pub(crate) fn fetch_jwks_at(okta: &Okta, url: &str) -> Result<Jwks> {
    let url = url::Url::parse(url).map_err(|_| Error::InvalidInput {
        what: "the JWKS URL",
        reason: "it does not parse",
    })?;
    if !okta.org_url().same_origin(&url) {
        return Err(Error::NotThisOrg {
            url: safe(url.as_str(), 100),
        });
    }
    let reply = okta.send(
        &Method::GET,
        &url,
        &[("Accept", "application/json")],
        None,
        MAX_JSON,
    )?;
    if reply.status != 200 {
        return Err(reply.problem());
    }
    let text = String::from_utf8(reply.body.clone())
        .map_err(|_| reply.unexpected("the JWKS is not UTF-8".into()))?;
    Jwks::from_json(&text).map_err(|source| Error::Key {
        action: "reading the server's JWKS",
        source,
    })
}

/// The query of an authorize request (RFC 6749 §4.1.1, RFC 7636 §4.3, OpenID Connect Core
/// §3.1.2.1): what [`start_sign_in`] sends, and what a plan lists with the secrets described.
fn authorize_query<'a>(
    client_id: &'a str,
    redirect_uri: &'a str,
    scopes: &[Scope],
    state: &'a str,
    challenge: &'a str,
    nonce: Option<&'a str>,
) -> Vec<(&'static str, String)> {
    let mut q = vec![
        ("client_id", client_id.to_owned()),
        ("response_type", "code".to_owned()),
        ("redirect_uri", redirect_uri.to_owned()),
        ("scope", crate::ids::join(scopes)),
        ("state", state.to_owned()),
        ("code_challenge", challenge.to_owned()),
        ("code_challenge_method", "S256".to_owned()),
    ];
    if let Some(n) = nonce {
        q.push(("nonce", n.to_owned()));
    }
    q
}

/// The form of a code exchange (RFC 6749 §4.1.3, RFC 7636 §4.5), before client
/// authentication: what [`finish_sign_in`] sends, and what a plan lists described.
fn code_exchange_form(
    code: &str,
    redirect_uri: &str,
    verifier: &str,
) -> Vec<(&'static str, String)> {
    vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.to_owned()),
        ("redirect_uri", redirect_uri.to_owned()),
        ("code_verifier", verifier.to_owned()),
    ]
}

/// A person's sign-in to the app `client` (an id, or a placeholder) as a plan lists it: the
/// authorize request their browser makes, then the code exchange, authenticated with the
/// app's client secret in the form when `secret` (a web app), else as a public client.
pub(crate) fn planned_sign_in(
    okta: &Okta,
    client: &str,
    redirect_uri: &str,
    scopes: &[Scope],
    secret: bool,
) -> Vec<PlannedRequest> {
    let (Ok(authorize), Ok(token)) = (
        okta.oauth_endpoint(OAuthEndpoint::Authorize),
        okta.oauth_endpoint(OAuthEndpoint::Token),
    ) else {
        return Vec::new();
    };
    let openid = scopes.iter().any(|s| s.as_str() == "openid");
    let mut url = authorize.url().clone();
    url.query_pairs_mut().extend_pairs(authorize_query(
        client,
        redirect_uri,
        scopes,
        "<random>",
        "<S256 of the PKCE verifier>",
        openid.then_some("<random>"),
    ));
    let mut form: Vec<(String, String)> =
        code_exchange_form("<the code>", redirect_uri, "<the PKCE verifier>")
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect();
    form.push(("client_id".to_owned(), client.to_owned()));
    if secret {
        form.push((
            "client_secret".to_owned(),
            "<the client secret, redacted>".to_owned(),
        ));
    }
    vec![
        PlannedRequest {
            when: "always".to_owned(),
            method: Method::GET,
            url: url.to_string(),
            by: PlannedAuth::Person,
            headers: Vec::new(),
            body: None,
            form: None,
        },
        PlannedRequest {
            when: "always".to_owned(),
            method: Method::POST,
            url: token.as_str().to_owned(),
            by: PlannedAuth::ClientSecret,
            headers: Vec::new(),
            body: None,
            form: Some(form),
        },
    ]
}

pub(crate) fn start_sign_in(
    okta: &Okta,
    client_id: &ClientId,
    port: u16,
    path: &str,
    scopes: &[Scope],
) -> Result<SignIn> {
    if !path.starts_with('/') || path.contains(['?', '#']) {
        return Err(Error::InvalidInput {
            what: "the redirect path",
            reason: "it starts with / and has no query or fragment",
        });
    }
    let address = format!("127.0.0.1:{port}");
    let listen = |source| Error::Listen {
        address: address.clone(),
        source,
    };
    let listener = TcpListener::bind(("127.0.0.1", port)).map_err(listen)?;
    let port = listener.local_addr().map_err(listen)?.port();
    let redirect_uri = format!("http://127.0.0.1:{port}{path}");
    let pkce = Pkce::new(okta.rng())?;
    let state = OAuthState::new(random_token(okta.rng())?);
    let nonce = if scopes.iter().any(|s| s.as_str() == "openid") {
        Some(OAuthState::new(random_token(okta.rng())?))
    } else {
        None
    };
    let mut url = okta.oauth_endpoint(OAuthEndpoint::Authorize)?.url().clone();
    url.query_pairs_mut().extend_pairs(authorize_query(
        client_id.as_str(),
        &redirect_uri,
        scopes,
        state.expose_secret(),
        pkce.challenge(),
        nonce.as_ref().map(OAuthState::expose_secret),
    ));
    Ok(SignIn {
        url: url.to_string(),
        redirect_uri,
        path: path.to_owned(),
        listener,
        state,
        nonce,
        pkce,
        client_id: client_id.clone(),
    })
}

/// Sends the authorize request as a browser would, without following where it leads: an
/// authorization server that refuses it outright (an unknown client, a redirect URI the app
/// does not list) answers 4xx with its own page, which the person would see in place of a
/// sign-in while nothing comes back to the listener. That is an error now, not after the wait.
/// A redirect back to the listener with `error` is that error.
pub(crate) fn check_sign_in_request(okta: &Okta, sign_in: &SignIn) -> Result<()> {
    let url = url::Url::parse(sign_in.url()).map_err(|_| Error::InvalidInput {
        what: "the sign-in URL",
        reason: "it does not parse",
    })?;
    let reply = okta.send(
        &crate::http::method::Method::GET,
        &url,
        &[("Accept", "text/html,application/json")],
        None,
        crate::http::transport::MAX_JSON,
    )?;
    if let Some(location) = reply.header("location")
        && location.starts_with(sign_in.redirect_uri())
        && let Ok(back) = url::Url::parse(location)
        && let Some((_, error)) = back.query_pairs().find(|(k, _)| k == "error")
    {
        let description = back
            .query_pairs()
            .find(|(k, _)| k == "error_description")
            .map(|(_, d)| format!(": {}", safe(&d, 200)))
            .unwrap_or_default();
        return Err(Error::SignIn(format!(
            "the authorization server answered {}{description}",
            safe(&error, 40)
        )));
    }
    if reply.status < 400 {
        return Ok(());
    }
    let said = serde_json::from_slice::<serde_json::Value>(&reply.body)
        .ok()
        .and_then(|v| {
            ["error_description", "errorSummary", "error"]
                .iter()
                .find_map(|k| v[*k].as_str().map(|s| safe(s, 200)))
        })
        .map(|s| format!(": {s}"))
        .unwrap_or_default();
    Err(Error::SignIn(format!(
        "the authorization server refused the sign-in request before showing its page (HTTP {}{said}), so nothing would come back to {}: the app may not list that redirect URI, may not be one people sign in to (a service app), or the client id may be wrong",
        reply.status,
        sign_in.redirect_uri()
    )))
}

pub(crate) fn finish_sign_in(
    okta: &Okta,
    sign_in: SignIn,
    auth: ClientAuth<'_>,
    timeout: Duration,
) -> Result<UserTokens> {
    let code = sign_in.wait_for_code(timeout)?;
    drop(sign_in.listener);
    let mut fields = code_exchange_form(
        code.expose_secret(),
        &sign_in.redirect_uri,
        sign_in.pkce.verifier().expose_secret(),
    );
    if let ClientAuth::PrivateKeyJwt(_) = auth {
        fields.push(("client_id", sign_in.client_id.as_str().to_owned()));
    }
    let body = okta.user_token_request(auth, &fields)?;
    okta.user_tokens(&body, &sign_in.client_id, sign_in.nonce.as_ref())
}

pub(crate) fn refresh(
    okta: &Okta,
    auth: ClientAuth<'_>,
    client_id: &ClientId,
    refresh: &RefreshToken,
    scopes: Option<&[Scope]>,
) -> Result<UserTokens> {
    let mut fields = vec![
        ("grant_type", "refresh_token".to_owned()),
        ("refresh_token", refresh.expose_secret().to_owned()),
    ];
    if let Some(s) = scopes {
        fields.push(("scope", crate::ids::join(s)));
    }
    if let ClientAuth::PrivateKeyJwt(_) = auth {
        fields.push(("client_id", client_id.as_str().to_owned()));
    }
    let body = okta.user_token_request(auth, &fields)?;
    let mut tokens = okta.user_tokens(&body, client_id, None)?;
    if tokens.refresh.is_none() {
        tokens.refresh = Some(refresh.clone());
    }
    Ok(tokens)
}
