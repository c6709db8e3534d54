//! User sign-in with Authorization Code + PKCE (RFC 7636, RFC 8252): the authorize URL, a
//! loopback listener for the redirect, the code exchange, ID-token checks and refresh
//! (checklist C17–C20).

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use okta_assertion::{RandomSource, Validation, Verifier};
use okta_jwk::__private::base64url;
use okta_jwk::{Algorithm, Jwks};
use serde_json::Value;

use okta_assertion::{ClientId, UnixTime};

use crate::code::ErrorCode;
use crate::error::{Error, Result, safe};
use crate::http::auth::{Token, TokenType};
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::transport::MAX_JSON;
use crate::ids::Scope;
use crate::oauth::ClientAuth;
use crate::secrets::{
    AccessToken, AuthorizationCode, IdToken, OAuthState, PkceVerifier, RefreshToken,
};
use crate::settings::OAuthEndpoint;

/// RFC 8628's grant type.
pub(crate) const DEVICE_GRANT: &str = "urn:ietf:params:oauth:grant-type:device_code";

/// A PKCE pair: a 43-character verifier from 32 random bytes and its S256 challenge. `plain` is
/// never used.
#[derive(Debug)]
pub struct Pkce {
    verifier: PkceVerifier,
    challenge: String,
}

impl Pkce {
    /// A new pair.
    pub fn new(rng: &dyn RandomSource) -> Result<Pkce> {
        let mut bytes = [0u8; 32];
        rng.fill(&mut bytes).map_err(|_| Error::Random)?;
        Ok(Pkce::from_verifier(&base64url::encode(bytes)))
    }

    /// The pair for a given verifier (RFC 7636 Appendix B checks this).
    pub fn from_verifier(verifier: &str) -> Pkce {
        let digest = ring::digest::digest(&ring::digest::SHA256, verifier.as_bytes());
        Pkce {
            verifier: PkceVerifier::new(verifier),
            challenge: base64url::encode(digest),
        }
    }

    /// `code_challenge` (method S256).
    pub fn challenge(&self) -> &str {
        &self.challenge
    }

    /// `code_verifier`.
    pub fn verifier(&self) -> &PkceVerifier {
        &self.verifier
    }
}

fn random_token(rng: &dyn RandomSource) -> Result<String> {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes).map_err(|_| Error::Random)?;
    Ok(base64url::encode(bytes))
}

/// A user sign-in in progress: the listener is bound before the URL is shown, so the redirect
/// cannot arrive before anyone listens.
///
/// `Debug` shows the redirect URI only: the authorize URL carries the `state` and `nonce`.
pub struct SignIn {
    url: String,
    redirect_uri: String,
    path: String,
    listener: TcpListener,
    state: OAuthState,
    nonce: Option<OAuthState>,
    pkce: Pkce,
    client_id: ClientId,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("redirect_uri", &self.redirect_uri)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// The tokens of a signed-in user.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct UserTokens {
    /// The access token.
    pub access: Token,
    /// The refresh token (with `offline_access`).
    pub refresh: Option<RefreshToken>,
    /// The ID token (with `openid`), already checked.
    pub id_token: Option<IdToken>,
    /// Its claims.
    pub id_claims: Option<serde_json::Map<String, Value>>,
}

impl UserTokens {
    /// A user's tokens obtained elsewhere (or in a test): the access token alone; set
    /// `refresh`, `id_token` and `id_claims` as needed.
    pub fn new(access: Token) -> UserTokens {
        UserTokens {
            access,
            refresh: None,
            id_token: None,
            id_claims: None,
        }
    }
}

/// A loopback port that is free now, for a redirect URI that has to be registered with the app
/// before [`Okta::start_sign_in`] listens on it. Another process could take the port in
/// between; the sign-in then fails to listen, and its error names the address.
pub fn free_loopback_port() -> Result<u16> {
    let listen = |source| Error::Listen {
        address: "127.0.0.1:0".to_owned(),
        source,
    };
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(listen)?;
    Ok(listener.local_addr().map_err(listen)?.port())
}

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

    /// C20: RS256 only, a key of the server's JWKS by `kid` (fetched again once if unknown),
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
    {
        let mut q = url.query_pairs_mut();
        q.append_pair("client_id", client_id.as_str())
            .append_pair("response_type", "code")
            .append_pair("redirect_uri", &redirect_uri)
            .append_pair("scope", &crate::ids::join(scopes))
            .append_pair("state", state.expose_secret())
            .append_pair("code_challenge", pkce.challenge())
            .append_pair("code_challenge_method", "S256");
        if let Some(n) = &nonce {
            q.append_pair("nonce", n.expose_secret());
        }
    }
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

pub(crate) fn finish_sign_in(
    okta: &Okta,
    sign_in: SignIn,
    auth: ClientAuth<'_>,
    timeout: Duration,
) -> Result<UserTokens> {
    let code = sign_in.wait_for_code(timeout)?;
    drop(sign_in.listener);
    let mut fields = vec![
        ("grant_type", "authorization_code".to_owned()),
        ("code", code.expose_secret().to_owned()),
        ("redirect_uri", sign_in.redirect_uri.clone()),
        (
            "code_verifier",
            sign_in.pkce.verifier().expose_secret().to_owned(),
        ),
    ];
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

/// The page the browser shows after the redirect: static, with no code or token in it.
const DONE: &str = "<!doctype html><title>Signed in</title><p>Signed in. You can close this window and return to the terminal.</p>";
const FAILED: &str = "<!doctype html><title>Sign-in failed</title><p>Sign-in failed. Return to the terminal for details.</p>";

impl SignIn {
    /// The URL to open in the user's browser (print it too: there may be no browser).
    pub fn url(&self) -> &str {
        &self.url
    }

    /// The redirect URI to register with the app.
    pub fn redirect_uri(&self) -> &str {
        &self.redirect_uri
    }

    /// Accepts connections until one brings this sign-in's `state` on the exact path, or an
    /// `error`, or the time is up. A wrong or missing `state` is answered and ignored: the code
    /// is never exchanged (C18/C19).
    fn wait_for_code(&self, timeout: Duration) -> Result<AuthorizationCode> {
        let deadline = Instant::now() + timeout;
        self.listener
            .set_nonblocking(true)
            .map_err(|source| Error::Listen {
                address: self.redirect_uri.clone(),
                source,
            })?;
        loop {
            match self.listener.accept() {
                Ok((stream, _)) => {
                    if let Some(result) = self.one_request(stream) {
                        return result;
                    }
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    if Instant::now() >= deadline {
                        return Err(Error::SignIn(format!(
                            "no sign-in arrived at {} within {} s",
                            self.redirect_uri,
                            timeout.as_secs()
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                }
                Err(source) => {
                    return Err(Error::Listen {
                        address: self.redirect_uri.clone(),
                        source,
                    });
                }
            }
        }
    }

    /// `Some` when the request settles the sign-in.
    fn one_request(&self, mut stream: TcpStream) -> Option<Result<AuthorizationCode>> {
        let _ = stream.set_nonblocking(false);
        let _ = stream.set_read_timeout(Some(Duration::from_secs(5)));
        let mut line = String::new();
        let mut reader = BufReader::new(std::io::Read::take(stream.try_clone().ok()?, 8 * 1024));
        reader.read_line(&mut line).ok()?;
        // Drain the headers so the browser sees a clean answer.
        let mut header = String::new();
        while reader.read_line(&mut header).is_ok_and(|n| n > 2) {
            header.clear();
        }
        let target = line.split_whitespace().nth(1).unwrap_or_default();
        let (path, query) = target.split_once('?').unwrap_or((target, ""));
        if !line.starts_with("GET ") || path != self.path {
            respond(
                &mut stream,
                "404 Not Found",
                "<!doctype html><title>Not found</title>",
            );
            return None;
        }
        let params: Vec<(String, String)> = url::form_urlencoded::parse(query.as_bytes())
            .into_owned()
            .collect();
        let get = |k: &str| params.iter().find(|(n, _)| n == k).map(|(_, v)| v.as_str());
        let state_ok = get("state").is_some_and(|s| {
            okta_jwk::__private::constant_time_eq(
                s.as_bytes(),
                self.state.expose_secret().as_bytes(),
            )
        });
        if !state_ok {
            respond(&mut stream, "400 Bad Request", FAILED);
            return None;
        }
        if let Some(error) = get("error") {
            respond(&mut stream, "200 OK", FAILED);
            let description = get("error_description")
                .map(|d| format!(": {}", safe(d, 200)))
                .unwrap_or_default();
            return Some(Err(Error::SignIn(format!(
                "the authorization server answered {}{description}",
                safe(error, 40)
            ))));
        }
        match get("code") {
            Some(code) if !code.is_empty() && code.len() <= 2048 => {
                respond(&mut stream, "200 OK", DONE);
                Some(Ok(AuthorizationCode::new(code)))
            }
            _ => {
                respond(&mut stream, "400 Bad Request", FAILED);
                Some(Err(Error::SignIn("the redirect carried no code".into())))
            }
        }
    }
}

fn respond(stream: &mut TcpStream, status: &str, page: &str) {
    let _ = write!(
        stream,
        "HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nCache-Control: no-store\r\nReferrer-Policy: no-referrer\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{page}",
        page.len()
    );
    let _ = stream.flush();
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_free_loopback_port_can_be_listened_on() {
        let port = free_loopback_port().unwrap();
        assert_ne!(port, 0);
        // Free when returned: binding it again succeeds (a busy machine could race us here, but
        // nothing else in this test process binds ports).
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        assert_eq!(listener.local_addr().unwrap().port(), port);
    }

    #[test]
    fn rfc7636_appendix_b_and_oktas_example() {
        assert_eq!(
            Pkce::from_verifier("dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk").challenge(),
            "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"
        );
        assert_eq!(
            Pkce::from_verifier("M25iVXpKU3puUjFaYWg3T1NDTDQtcW1ROUY5YXlwalNoc0hhakxifmZHag")
                .challenge(),
            "qjrzSW9gMiUgpUvqgEPE4_-8swvyCtfOVvg55o5S_es"
        );
    }

    #[test]
    fn generated_verifiers_are_43_unreserved_characters() -> Result<()> {
        let rng = okta_assertion::OsRandom::new();
        let a = Pkce::new(&rng)?;
        let b = Pkce::new(&rng)?;
        for p in [&a, &b] {
            let v = p.verifier().expose_secret();
            assert_eq!(v.len(), 43);
            assert!(
                v.bytes()
                    .all(|c| c.is_ascii_alphanumeric() || c == b'-' || c == b'_')
            );
        }
        assert_ne!(a.verifier(), b.verifier());
        assert_eq!(format!("{:?}", a.verifier()), "PkceVerifier([redacted])");
        Ok(())
    }
}

/// A signed-in user's tokens, kept in a file (mode 0600, replaced atomically, locked across
/// processes) and refreshed with the refresh token when the access token nears expiry, so a
/// `login` once serves later runs.
pub struct UserTokenSource {
    okta: Okta,
    client_id: ClientId,
    auth: HeldAuth,
    path: std::path::PathBuf,
    margin: u64,
    memory: std::sync::Mutex<Option<Token>>,
}

impl std::fmt::Debug for UserTokenSource {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("UserTokenSource")
            .field("client_id", &self.client_id)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// How a [`UserTokenSource`] authenticates its client when it refreshes.
enum HeldAuth {
    Public,
    Post(crate::secrets::ClientSecret),
    Basic(crate::secrets::ClientSecret),
    Key(Box<crate::tokens::ServiceCredentials>),
}

#[derive(serde::Serialize, serde::Deserialize)]
struct SavedUser {
    client_id: String,
    access_token: String,
    expires_at: u64,
    scopes: Vec<String>,
    refresh_token: Option<String>,
}

impl UserTokenSource {
    /// Tokens of a public client (PKCE), kept in `path`.
    pub fn new(
        okta: Okta,
        client_id: ClientId,
        path: impl Into<std::path::PathBuf>,
    ) -> UserTokenSource {
        UserTokenSource {
            okta,
            client_id,
            auth: HeldAuth::Public,
            path: path.into(),
            margin: 60,
            memory: std::sync::Mutex::new(None),
        }
    }

    /// The client secret of a confidential web app (sent as `client_secret_post` on refresh).
    pub fn with_secret(mut self, secret: crate::secrets::ClientSecret) -> UserTokenSource {
        self.auth = HeldAuth::Post(secret);
        self
    }

    /// The client secret, sent as `client_secret_basic` on refresh.
    pub fn with_secret_basic(mut self, secret: crate::secrets::ClientSecret) -> UserTokenSource {
        self.auth = HeldAuth::Basic(secret);
        self
    }

    /// A private key the app authenticates with (`private_key_jwt`) on refresh.
    pub fn with_private_key(mut self, key: crate::tokens::ServiceCredentials) -> UserTokenSource {
        self.auth = HeldAuth::Key(Box::new(key));
        self
    }

    /// The client id a token file was saved for, if `path` holds one (so a later run can find
    /// the app `login` signed in to).
    pub fn saved_client_id(path: &std::path::Path) -> Option<ClientId> {
        let crate::files::PrivateRead::Bytes(bytes) =
            crate::files::read_private_file(path, 1024 * 1024)
        else {
            return None;
        };
        let saved: SavedUser = serde_json::from_slice(&bytes).ok()?;
        ClientId::new(saved.client_id).ok()
    }

    fn auth(&self) -> ClientAuth<'_> {
        match &self.auth {
            HeldAuth::Public => ClientAuth::Public(&self.client_id),
            HeldAuth::Post(secret) => ClientAuth::Secret {
                client_id: &self.client_id,
                secret,
            },
            HeldAuth::Basic(secret) => ClientAuth::SecretBasic {
                client_id: &self.client_id,
                secret,
            },
            HeldAuth::Key(key) => ClientAuth::PrivateKeyJwt(key),
        }
    }

    /// Saves the tokens of a sign-in.
    pub fn store(&self, tokens: &UserTokens) -> Result<()> {
        let lock = crate::store::lock_file(&self.path);
        self.save(tokens)?;
        drop(lock);
        *crate::http::client::lock(&self.memory) = Some(tokens.access.clone());
        Ok(())
    }

    fn save(&self, tokens: &UserTokens) -> Result<()> {
        let saved = SavedUser {
            client_id: self.client_id.as_str().to_owned(),
            access_token: tokens.access.access_token().expose_secret().to_owned(),
            expires_at: tokens.access.expires_at().secs(),
            scopes: tokens.access.scopes().to_vec(),
            refresh_token: tokens
                .refresh
                .as_ref()
                .map(|r| r.expose_secret().to_owned()),
        };
        let file_error = |source| Error::File {
            action: "writing the user token file",
            path: self.path.clone(),
            source,
        };
        let bytes = serde_json::to_vec(&saved).map_err(|e| file_error(e.into()))?;
        crate::files::write_private_file(&self.path, &bytes).map_err(file_error)
    }

    fn load(&self) -> Option<SavedUser> {
        let crate::files::PrivateRead::Bytes(bytes) =
            crate::files::read_private_file(&self.path, 1024 * 1024)
        else {
            return None;
        };
        let saved: SavedUser = serde_json::from_slice(&bytes).ok()?;
        (saved.client_id == self.client_id.as_str()).then_some(saved)
    }

    /// A valid access token: the one in memory or in the file, or a refreshed one. Without a
    /// usable refresh token, an error that says to sign in again.
    pub fn token(&self) -> Result<Token> {
        let fresh_until = self.okta.now().plus(self.margin);
        if let Some(t) = crate::http::client::lock(&self.memory)
            .as_ref()
            .filter(|t| t.expires_at() > fresh_until)
        {
            return Ok(t.clone());
        }
        let _lock = crate::store::lock_file(&self.path);
        let saved = self
            .load()
            .ok_or_else(|| Error::SignIn("not signed in: sign in first".into()))?;
        let token = if UnixTime(saved.expires_at) > fresh_until {
            Token::from_parts(
                AccessToken::new(saved.access_token),
                TokenType::Bearer,
                UnixTime(saved.expires_at),
                saved.scopes,
                None,
            )
        } else {
            let refresh = saved.refresh_token.map(RefreshToken::new).ok_or_else(|| {
                Error::SignIn(
                    "the sign-in has expired and there is no refresh token: sign in again".into(),
                )
            })?;
            let fresh = match self
                .okta
                .refresh(self.auth(), &self.client_id, &refresh, None)
            {
                Ok(fresh) => fresh,
                Err(e) if e.is(&ErrorCode::InvalidGrant) => {
                    let _ = std::fs::remove_file(&self.path);
                    return Err(Error::SignIn(
                        "the refresh token is no longer valid: sign in again".into(),
                    ));
                }
                Err(e) => return Err(e),
            };
            self.save(&fresh)?;
            fresh.access
        };
        *crate::http::client::lock(&self.memory) = Some(token.clone());
        Ok(token)
    }
}

impl crate::http::auth::Credential for UserTokenSource {
    fn authorization(&self) -> Result<crate::http::auth::Authorization> {
        Ok(crate::http::auth::Authorization::Token(self.token()?))
    }
}
