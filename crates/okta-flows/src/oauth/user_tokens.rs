//! A signed-in user's tokens: in hand, or kept in a file and refreshed when they near expiry.

use serde_json::Value;

use okta_assertion::{ClientId, UnixTime};

use crate::code::ErrorCode;
use crate::error::{Error, Result};
use crate::http::auth::{Token, TokenType};
use crate::http::client::Okta;
use crate::oauth::client_auth::ClientAuth;
use crate::secrets::{AccessToken, IdToken, RefreshToken};

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

/// A signed-in user's tokens, kept in a file (mode 0600, replaced atomically, locked across
/// processes) and refreshed with the refresh token when the access token nears expiry, so a
/// `login` once serves later runs. With [`UserTokenSource::sealed`] the file is encrypted and
/// authenticated (AES-256-GCM) as a token store's entries are; without, it is JSON.
pub struct UserTokenSource {
    okta: Okta,
    client_id: ClientId,
    auth: HeldAuth,
    path: std::path::PathBuf,
    margin: u64,
    memory: std::sync::Mutex<Option<Token>>,
    seal: Option<crate::seal::CacheSecret>,
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
    Key(Box<crate::oauth::tokens::ServiceCredentials>),
}

#[derive(serde::Serialize, serde::Deserialize)]
struct SavedUser {
    client_id: String,
    access_token: String,
    expires_at: u64,
    scopes: Vec<String>,
    refresh_token: Option<String>,
    /// Who signed in (the ID token's `preferred_username`, else `sub`), when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    user: Option<String>,
}

/// What a [`UserTokenSource`] holds, for a status line: no token in it.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct SignInStatus {
    /// Who signed in, when the sign-in said (`preferred_username`, else `sub`).
    pub user: Option<String>,
    /// The access token's scopes.
    pub scopes: Vec<String>,
    /// When the access token expires (it may have been refused since: see
    /// [`Credential::rejected`](crate::Credential::rejected)).
    pub expires_at: UnixTime,
    /// Whether a refresh token is kept.
    pub refresh: bool,
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
            seal: None,
        }
    }

    /// Keeps the file encrypted and authenticated under `secret` (AES-256-GCM, bound to the
    /// app's client id): derive it from the app's client secret or private key
    /// ([`CacheSecret::from_client_secret`](crate::CacheSecret::from_client_secret),
    /// [`CacheSecret::from_signer`](crate::CacheSecret::from_signer)), or keep a random one in
    /// the OS keyring. A file sealed under another secret, changed, or written in clear is not
    /// read (not signed in), and is replaced at the next sign-in.
    pub fn sealed(mut self, secret: crate::seal::CacheSecret) -> UserTokenSource {
        self.seal = Some(secret);
        self
    }

    /// The name a sealed file is bound to.
    fn entry_name(&self) -> String {
        format!("sign-in:{}", self.client_id.as_str())
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
    pub fn with_private_key(
        mut self,
        key: crate::oauth::tokens::ServiceCredentials,
    ) -> UserTokenSource {
        self.auth = HeldAuth::Key(Box::new(key));
        self
    }

    /// The client id a token file in clear was saved for, if `path` holds one (so a later run
    /// can find the app `login` signed in to). A [sealed](UserTokenSource::sealed) file cannot
    /// be read without its secret: name such files after their app instead.
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

    /// What is kept for this app, if anything: who, the scopes, the expiry, whether a refresh
    /// token is there. Reads the file only.
    pub fn status(&self) -> Option<SignInStatus> {
        self.load().map(|s| SignInStatus {
            user: s.user,
            scopes: s.scopes,
            expires_at: UnixTime(s.expires_at),
            refresh: s.refresh_token.is_some(),
        })
    }

    /// Signs out: forgets the tokens here (the file is removed), then revokes them at the org
    /// (RFC 7009), the refresh token first (Okta revokes the access tokens minted from it too).
    /// Returns whether there was a sign-in; a failed revocation is an error after the tokens
    /// are forgotten here.
    pub fn sign_out(&self) -> Result<bool> {
        let saved = {
            let _lock = crate::files::lock_file(&self.path);
            let saved = self.load();
            *crate::http::client::lock(&self.memory) = None;
            if saved.is_some() {
                std::fs::remove_file(&self.path).map_err(|source| Error::File {
                    action: "removing the user token file",
                    path: self.path.clone(),
                    source,
                })?;
            }
            saved
        };
        let Some(saved) = saved else {
            return Ok(false);
        };
        if let Some(refresh) = &saved.refresh_token {
            self.okta
                .revoke(self.auth(), refresh, Some("refresh_token"))?;
        }
        if !saved.access_token.is_empty() {
            self.okta
                .revoke(self.auth(), &saved.access_token, Some("access_token"))?;
        }
        Ok(true)
    }

    /// Saves the tokens of a sign-in.
    pub fn store(&self, tokens: &UserTokens) -> Result<()> {
        let lock = crate::files::lock_file(&self.path);
        self.save(tokens, None)?;
        drop(lock);
        *crate::http::client::lock(&self.memory) = Some(tokens.access.clone());
        Ok(())
    }

    /// Writes `tokens`; `user` names who signed in when the tokens do not (a refresh).
    fn save(&self, tokens: &UserTokens, user: Option<String>) -> Result<()> {
        let saved = SavedUser {
            client_id: self.client_id.as_str().to_owned(),
            access_token: tokens.access.access_token().expose_secret().to_owned(),
            expires_at: tokens.access.expires_at().secs(),
            scopes: tokens.access.scopes().to_vec(),
            refresh_token: tokens
                .refresh
                .as_ref()
                .map(|r| r.expose_secret().to_owned()),
            user: tokens
                .id_claims
                .as_ref()
                .and_then(|c| {
                    c.get("preferred_username")
                        .or_else(|| c.get("sub"))
                        .and_then(Value::as_str)
                        .map(str::to_owned)
                })
                .or(user),
        };
        self.write(&saved)
    }

    fn write(&self, saved: &SavedUser) -> Result<()> {
        let file_error = |source| Error::File {
            action: "writing the user token file",
            path: self.path.clone(),
            source,
        };
        let bytes = serde_json::to_vec(saved).map_err(|e| file_error(e.into()))?;
        let bytes = match &self.seal {
            None => bytes,
            Some(secret) => secret
                .seal(&self.entry_name(), &bytes)
                .ok_or_else(|| file_error(std::io::Error::other("sealing failed")))?,
        };
        crate::files::write_private_file(&self.path, &bytes).map_err(file_error)
    }

    fn load(&self) -> Option<SavedUser> {
        let crate::files::PrivateRead::Bytes(bytes) =
            crate::files::read_private_file(&self.path, 1024 * 1024)
        else {
            return None;
        };
        let saved: SavedUser = match &self.seal {
            None => serde_json::from_slice(&bytes).ok()?,
            Some(secret) => {
                serde_json::from_slice(&secret.open(&self.entry_name(), &bytes)?).ok()?
            }
        };
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
        let _lock = crate::files::lock_file(&self.path);
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
            self.save(&fresh, saved.user)?;
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

    /// The access token is forgotten, in memory and in the file; the refresh token is kept, so
    /// the next [`UserTokenSource::token`] refreshes.
    fn rejected(&self) {
        *crate::http::client::lock(&self.memory) = None;
        let _lock = crate::files::lock_file(&self.path);
        if let Some(mut saved) = self.load() {
            saved.expires_at = 0;
            saved.access_token.clear();
            let _ = self.write(&saved);
        }
    }

    fn renewable(&self) -> bool {
        self.load().is_some_and(|s| s.refresh_token.is_some())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::seal::CacheSecret;

    fn tokens() -> UserTokens {
        let mut tokens = UserTokens::new(Token::from_parts(
            AccessToken::new("ACCESS-SECRET-TOKEN"),
            TokenType::Bearer,
            UnixTime(4_000_000_000),
            vec!["okta.users.read".to_owned()],
            None,
        ));
        tokens.refresh = Some(RefreshToken::new("REFRESH-SECRET-TOKEN"));
        tokens
    }

    #[test]
    #[allow(clippy::unwrap_used, reason = "a test fails loudly")]
    fn a_sealed_sign_in_is_read_only_with_its_secret_and_holds_no_token_in_clear() -> Result<()> {
        let dir = std::env::temp_dir().join(format!("okta-flows-sealed-{}", std::process::id()));
        std::fs::create_dir_all(&dir).map_err(|e| Error::File {
            action: "making a test folder",
            path: dir.clone(),
            source: e,
        })?;
        let path = dir.join("0oaweb.json");
        let okta = Okta::builder(crate::OrgUrl::parse("https://example.okta.com")?).build()?;
        let client = ClientId::new("0oaweb").unwrap();
        let secret = |s: &str| CacheSecret::from_client_secret(&crate::ClientSecret::new(s));
        let source = |s: &str| {
            UserTokenSource::new(okta.clone(), client.clone(), path.clone()).sealed(secret(s))
        };
        source("the-app-secret").store(&tokens())?;
        let on_disk = std::fs::read(&path).unwrap_or_default();
        let text = String::from_utf8_lossy(&on_disk);
        assert!(!text.contains("SECRET-TOKEN") && !text.contains("okta.users.read"));
        let status = source("the-app-secret").status();
        assert_eq!(status.map(|s| s.refresh), Some(true));
        assert_eq!(
            source("another-secret").status(),
            None,
            "another secret reads nothing"
        );
        let clear = UserTokenSource::new(okta.clone(), client.clone(), path.clone());
        assert_eq!(clear.status(), None, "not read as JSON either");
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }
}
