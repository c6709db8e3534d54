//! What a request is authorised with: an API token, an access token (bearer or DPoP-bound, with
//! its key), or a source of them; below the transport, so the HTTP layer needs nothing of OAuth.

use std::sync::{Arc, OnceLock};

use okta_assertion::{DpopKey, Htm, Htu, UnixTime};

use crate::error::{Error, Result};
use crate::http::method::Method;
use crate::secrets::{AccessToken, SswsToken};

/// Anything that can authorize a request to Okta's APIs: an API token ([`SswsToken`]), an
/// access token ([`Token`]), a [`TokenSource`](crate::TokenSource) or a signed-in user's
/// [`UserTokenSource`](crate::UserTokenSource), or a type of the caller's own.
pub trait Credential: Send + Sync {
    /// What to send with the next attempt. Called once per attempt, so a source can hand out a
    /// fresh token after a refresh.
    fn authorization(&self) -> Result<Authorization>;

    /// Okta answered 401 to what [`Credential::authorization`] gave: forget anything cached.
    /// The default does nothing.
    fn rejected(&self) {}

    /// Whether, after [`Credential::rejected`], the next [`Credential::authorization`] asks the
    /// authorization server for a new token (a [`TokenSource`](crate::TokenSource) fetches
    /// one; a [`UserTokenSource`](crate::UserTokenSource) with a refresh token refreshes), so
    /// that a request refused with 401 is worth repeating once: a token cached before the org
    /// restarted, or revoked, is replaced without the caller's help. The default: no.
    fn renewable(&self) -> bool {
        false
    }
}

/// The `Authorization` of one request.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Authorization {
    /// `SSWS {token}`: an Okta API token.
    Ssws(SswsToken),
    /// `Bearer {token}`, or `DPoP {token}` with a proof from its key.
    Token(Token),
}

impl Credential for SswsToken {
    fn authorization(&self) -> Result<Authorization> {
        Ok(Authorization::Ssws(self.clone()))
    }
}

impl Credential for Token {
    fn authorization(&self) -> Result<Authorization> {
        Ok(Authorization::Token(self.clone()))
    }
}

impl<C: Credential + ?Sized> Credential for std::sync::Arc<C> {
    fn authorization(&self) -> Result<Authorization> {
        (**self).authorization()
    }
    fn rejected(&self) {
        (**self).rejected();
    }
    fn renewable(&self) -> bool {
        (**self).renewable()
    }
}

/// `Bearer` or `DPoP`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TokenType {
    /// A bearer token.
    Bearer,
    /// A DPoP-bound token: every use needs a proof from its key.
    DPoP,
}

/// An access token with what is known about it. Treated as opaque (as Okta asks of access tokens): nothing here is read
/// from inside the token.
#[derive(Clone)]
pub struct Token {
    access: AccessToken,
    kind: TokenType,
    expires_at: UnixTime,
    scopes: Vec<String>,
    dpop: Option<Arc<BoundKey>>,
}

/// The DPoP key a token is bound to: in hand, or saved with a cached token and parsed the first
/// time a proof is needed (a run that only prints the token never parses it).
pub(crate) struct BoundKey {
    key: OnceLock<Arc<DpopKey>>,
    saved: Option<okta_jwk::PrivateJwk>,
}

impl BoundKey {
    pub(crate) fn ready(key: Arc<DpopKey>) -> Arc<BoundKey> {
        Arc::new(BoundKey {
            key: OnceLock::from(key),
            saved: None,
        })
    }

    pub(crate) fn saved(jwk: okta_jwk::PrivateJwk) -> Arc<BoundKey> {
        Arc::new(BoundKey {
            key: OnceLock::new(),
            saved: Some(jwk),
        })
    }

    fn get(&self) -> Result<Arc<DpopKey>> {
        if let Some(key) = self.key.get() {
            return Ok(key.clone());
        }
        let Some(jwk) = self.saved.as_ref() else {
            // INVARIANT: a BoundKey is made `ready` (key set) or `saved` (jwk set).
            return Err(Error::Key {
                action: "reading the DPoP key saved with the token",
                source: okta_jwk::Error::MissingMember { member: "d" },
            });
        };
        let pair =
            okta_jwk::KeyPair::from_jwk(jwk.expose_secret()).map_err(|source| Error::Key {
                action: "reading the DPoP key saved with the token",
                source,
            })?;
        let key = Arc::new(DpopKey::new(pair).map_err(Error::DpopProof)?);
        Ok(self.key.get_or_init(|| key).clone())
    }
}

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Token")
            .field("access", &self.access)
            .field("type", &self.kind)
            .field("expires_at", &self.expires_at)
            .field("scopes", &self.scopes)
            .finish_non_exhaustive()
    }
}

impl Token {
    /// A bearer access token obtained elsewhere (another client, a test), to use with
    /// [`Okta::call`](crate::Okta::call) and [`Okta::pages`](crate::Okta::pages): `expires_at` and `scopes` as its issuer said.
    ///
    /// ```
    /// use okta_flows::{AccessToken, Token, TokenType, UnixTime};
    /// let token = Token::bearer(AccessToken::new("eyJ…"), UnixTime(1_900_000_000), vec!["okta.users.read".into()]);
    /// assert_eq!(token.token_type(), TokenType::Bearer);
    /// assert!(format!("{token:?}").contains("redacted"));
    /// ```
    pub fn bearer(access: AccessToken, expires_at: UnixTime, scopes: Vec<String>) -> Token {
        Token::from_parts(access, TokenType::Bearer, expires_at, scopes, None)
    }

    /// A DPoP-bound access token obtained elsewhere, with the key it is bound to: every request
    /// made with it carries a proof from `key` (RFC 9449 §7).
    pub fn dpop(
        access: AccessToken,
        key: Arc<DpopKey>,
        expires_at: UnixTime,
        scopes: Vec<String>,
    ) -> Token {
        Token::from_parts(
            access,
            TokenType::DPoP,
            expires_at,
            scopes,
            Some(BoundKey::ready(key)),
        )
    }

    /// The private JWK of the DPoP key, when this token was restored from a store with it.
    pub(crate) fn saved_dpop_key(&self) -> Option<&okta_jwk::PrivateJwk> {
        self.dpop.as_ref()?.saved.as_ref()
    }

    /// The access token.
    pub fn access_token(&self) -> &AccessToken {
        &self.access
    }

    /// `Bearer` or `DPoP`.
    pub fn token_type(&self) -> TokenType {
        self.kind
    }

    /// When it expires, by this machine's clock.
    pub fn expires_at(&self) -> UnixTime {
        self.expires_at
    }

    /// The scopes Okta granted (possibly fewer than requested).
    pub fn scopes(&self) -> &[String] {
        &self.scopes
    }

    /// The DPoP key the token is bound to (`None` for a bearer token). A key saved with a
    /// cached token is parsed here, on first use; an unreadable one is an error.
    pub(crate) fn dpop_key(&self) -> Result<Option<Arc<DpopKey>>> {
        self.dpop.as_ref().map(|b| b.get()).transpose()
    }

    /// A DPoP proof for one request made with this token (RFC 9449 §7: `htm`, `htu` without
    /// query or fragment, `ath` of this token, the server's `nonce` when it sent one), for a
    /// request this crate does not send itself. `None` for a bearer token.
    ///
    /// A DPoP key restored from a token cache file is parsed on the first proof, so this is
    /// where an unreadable one shows.
    pub fn dpop_proof(
        &self,
        method: &Method,
        url: &str,
        now: UnixTime,
        nonce: Option<&okta_assertion::DpopNonce>,
    ) -> Result<Option<okta_assertion::DpopProof>> {
        self.proof_with(method, url, now, nonce, &okta_assertion::OsRandom::new())
    }

    pub(crate) fn proof_with(
        &self,
        method: &Method,
        url: &str,
        now: UnixTime,
        nonce: Option<&okta_assertion::DpopNonce>,
        rng: &dyn okta_assertion::RandomSource,
    ) -> Result<Option<okta_assertion::DpopProof>> {
        let Some(key) = self.dpop_key()? else {
            return Ok(None);
        };
        let htm = Htm::new(method.as_str()).map_err(Error::DpopProof)?;
        let htu = Htu::from_url(url).map_err(Error::DpopProof)?;
        key.proof(
            &htm,
            &htu,
            now,
            rng,
            nonce,
            Some(self.access.expose_secret()),
        )
        .map(Some)
        .map_err(Error::DpopProof)
    }

    pub(crate) fn from_parts(
        access: AccessToken,
        kind: TokenType,
        expires_at: UnixTime,
        scopes: Vec<String>,
        dpop: Option<Arc<BoundKey>>,
    ) -> Token {
        Token {
            access,
            kind,
            expires_at,
            scopes,
            dpop,
        }
    }
}
