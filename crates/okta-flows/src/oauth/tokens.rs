//! Client credentials with `private_key_jwt` and DPoP, token validation, and a cached token
//! source that refreshes once for all threads.

use std::sync::{Arc, OnceLock};

use okta_assertion::{
    CLIENT_ASSERTION_TYPE, ClientAssertionBuilder, ClientId, DpopKey, Htm, Htu, UnixTime,
};
use okta_jwk::{Algorithm, Signer};
use serde_json::Value;

use crate::error::{Error, Result, safe};
use crate::http::auth::{BoundKey, Token, TokenType};
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::retry::Attempt;
use crate::http::transport::MAX_JSON;
use crate::ids::Scope;
use crate::secrets::AccessToken;
use crate::settings::OAuthEndpoint;

/// When to use DPoP at the token endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum DpopMode {
    /// With DPoP when the app is known to require it (its settings were read or written by this
    /// [`Okta`], or an earlier token request said so); otherwise without, until the token
    /// endpoint says the app requires it, then with, from the next attempt on (the default).
    Auto,
    /// Always, from the first request: for apps known to require DPoP (Okta's default for new
    /// API service apps since 2024).
    Always,
    /// Never.
    Never,
}

/// What names a signing key in a token cache, so that a cached token is used only with the key
/// it was fetched with.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct KeyIdentity(String);

impl KeyIdentity {
    /// The RFC 7638 thumbprint of the public key (what [`ServiceCredentials::new`] uses).
    pub fn of_public_key(jwk: &okta_jwk::PublicJwk) -> KeyIdentity {
        KeyIdentity(jwk.thumbprint().as_str().to_owned())
    }

    /// The SHA-256 of the key's encoded form (a PEM or JWK file's bytes): needs no parsing, so
    /// a run served by the cache never starts the crypto library. Another encoding of the same
    /// key is another identity, and costs one more token.
    pub fn of_encoded_key(encoded: &[u8]) -> KeyIdentity {
        KeyIdentity(format!("sha256:{}", crate::digest::sha256_b64(encoded)))
    }

    pub(crate) fn as_str(&self) -> &str {
        &self.0
    }
}

/// What a [`LazySigner`]'s loader returns.
type LoadedSigner = std::result::Result<Arc<dyn Signer>, Box<dyn std::error::Error + Send + Sync>>;

type LoadSigner = dyn Fn() -> LoadedSigner + Send + Sync;

/// A signing key loaded the first time something must be signed: a command line served by a
/// token cache file ([`TokenSource::persist_to`](crate::TokenSource::persist_to)) then never parses its key.
///
/// ```
/// # fn main() -> Result<(), Box<dyn std::error::Error>> {
/// use std::sync::Arc;
/// use okta_flows::{ClientId, KeyIdentity, LazySigner, ServiceCredentials};
///
/// let pem = okta_flows::jwk::KeyPair::generate(okta_flows::jwk::KeySpec::rsa(2048))?.to_pkcs8_pem()?;
/// let text = pem.expose_secret().to_owned();
/// let identity = KeyIdentity::of_encoded_key(text.as_bytes());
/// let signer = LazySigner::new(identity, move || {
///     Ok(Arc::new(okta_flows::jwk::KeyPair::from_pem(&text)?) as Arc<dyn okta_flows::jwk::Signer>)
/// });
/// let creds = ServiceCredentials::lazy(ClientId::new("0oa1b2c3d4e5f6g7h8i9")?, signer);
/// # let _ = creds;
/// # Ok(())
/// # }
/// ```
pub struct LazySigner {
    identity: KeyIdentity,
    secret: Option<crate::seal::CacheSecret>,
    load: Box<LoadSigner>,
    loaded: OnceLock<Arc<dyn Signer>>,
}

impl std::fmt::Debug for LazySigner {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LazySigner")
            .field("identity", &self.identity)
            .field("loaded", &self.loaded.get().is_some())
            .finish_non_exhaustive()
    }
}

impl LazySigner {
    /// A signer that `load` makes on first use, named `identity` in token caches. An error from
    /// `load` is returned as [`Error::KeyLoad`] by the call that needed the key. With a token
    /// store, the key is loaded to derive the secret entries are sealed under; use
    /// [`LazySigner::from_encoded_key`] for runs served by the store that never parse the key.
    pub fn new(
        identity: KeyIdentity,
        load: impl Fn() -> LoadedSigner + Send + Sync + 'static,
    ) -> LazySigner {
        LazySigner {
            identity,
            secret: None,
            load: Box::new(load),
            loaded: OnceLock::new(),
        }
    }

    /// A signer for the key encoded as `encoded` (a PEM or JWK file's bytes), made by `load` on
    /// first use: named by [`KeyIdentity::of_encoded_key`], and sealing token store entries
    /// under [`CacheSecret::from_key_text`](crate::CacheSecret::from_key_text), so a run
    /// served by a token store never parses the key.
    pub fn from_encoded_key(
        encoded: &[u8],
        load: impl Fn() -> LoadedSigner + Send + Sync + 'static,
    ) -> LazySigner {
        let mut signer = LazySigner::new(KeyIdentity::of_encoded_key(encoded), load);
        signer.secret = Some(crate::seal::CacheSecret::from_key_text(encoded));
        signer
    }

    fn get(&self) -> Result<Arc<dyn Signer>> {
        if let Some(signer) = self.loaded.get() {
            return Ok(signer.clone());
        }
        let signer = (self.load)().map_err(Error::KeyLoad)?;
        Ok(self.loaded.get_or_init(|| signer).clone())
    }
}

/// The signing key: in hand, or loaded the first time something must be signed.
enum SigningKey {
    Ready(Arc<dyn Signer>),
    Lazy(LazySigner),
}

/// A service app's credentials: its client id and the key it registered.
pub struct ServiceCredentials {
    client_id: ClientId,
    key: SigningKey,
    dpop: DpopMode,
    dpop_key: OnceLock<Arc<DpopKey>>,
    /// The private JWK of a key this client generated, so a token can be saved with its key.
    dpop_private: OnceLock<okta_jwk::PrivateJwk>,
    dpop_alg: Algorithm,
    /// The secret token store entries are sealed under, when given by configuration.
    cache_secret: Option<crate::seal::CacheSecret>,
    /// The secret derived from a signer in hand, once asked for.
    derived_secret: OnceLock<Option<crate::seal::CacheSecret>>,
}

impl std::fmt::Debug for ServiceCredentials {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ServiceCredentials")
            .field("client_id", &self.client_id)
            .field("dpop", &self.dpop)
            .finish_non_exhaustive()
    }
}

impl ServiceCredentials {
    /// Credentials signing with `signer` (a `KeyPair`, or a KMS/HSM signer).
    pub fn new(client_id: ClientId, signer: Arc<dyn Signer>) -> ServiceCredentials {
        ServiceCredentials::with_key(client_id, SigningKey::Ready(signer))
    }

    /// Credentials whose key is loaded only when something must be signed.
    pub fn lazy(client_id: ClientId, signer: LazySigner) -> ServiceCredentials {
        ServiceCredentials::with_key(client_id, SigningKey::Lazy(signer))
    }

    fn with_key(client_id: ClientId, key: SigningKey) -> ServiceCredentials {
        ServiceCredentials {
            client_id,
            key,
            dpop: DpopMode::Auto,
            dpop_key: OnceLock::new(),
            dpop_private: OnceLock::new(),
            dpop_alg: Algorithm::ES256,
            cache_secret: None,
            derived_secret: OnceLock::new(),
        }
    }

    /// Seals token store entries under this secret instead of one derived from the private
    /// key: for a signer whose key never sits in memory (a KMS or an HSM), which cannot derive
    /// one. Without either, a [`TokenSource`](crate::TokenSource) with a store refuses to run
    /// ([`Error::CacheSecretNeeded`]) rather than store tokens in clear.
    pub fn with_cache_secret(mut self, secret: crate::seal::CacheSecret) -> ServiceCredentials {
        self.cache_secret = Some(secret);
        self
    }

    /// The secret token store entries are sealed under: the configured one, else one derived
    /// from the private key (its file's bytes for a [`LazySigner::from_encoded_key`]).
    pub(crate) fn cache_secret(&self) -> Result<Option<crate::seal::CacheSecret>> {
        if let Some(secret) = &self.cache_secret {
            return Ok(Some(secret.clone()));
        }
        let signer = match &self.key {
            SigningKey::Ready(signer) => signer.clone(),
            SigningKey::Lazy(lazy) => match &lazy.secret {
                Some(secret) => return Ok(Some(secret.clone())),
                // A deferred key named without its text: loaded now, to derive the secret.
                None => lazy.get()?,
            },
        };
        Ok(self
            .derived_secret
            .get_or_init(|| crate::seal::CacheSecret::from_signer(&*signer))
            .clone())
    }

    /// Whether `token` suits the DPoP mode: a DPoP-bound token never serves [`DpopMode::Never`],
    /// a Bearer token never serves [`DpopMode::Always`] (a cache may hold one from a run with
    /// another mode).
    pub(crate) fn suits(&self, token: &crate::http::auth::Token) -> bool {
        use crate::http::auth::TokenType;
        match self.dpop {
            DpopMode::Never => token.token_type() != TokenType::DPoP,
            DpopMode::Always => token.token_type() == TokenType::DPoP,
            DpopMode::Auto => true,
        }
    }

    /// The DPoP mode asked for.
    pub(crate) fn mode(&self) -> DpopMode {
        self.dpop
    }

    /// The DPoP mode (default `Auto`).
    pub fn dpop(mut self, mode: DpopMode) -> ServiceCredentials {
        self.dpop = mode;
        self
    }

    /// Uses this DPoP key instead of a new ephemeral ES256 one (for a key saved with its token).
    pub fn dpop_key(self, key: Arc<DpopKey>) -> ServiceCredentials {
        let _ = self.dpop_key.set(key);
        self
    }

    /// The client id.
    pub fn client_id(&self) -> &ClientId {
        &self.client_id
    }

    /// The signing key, loading a deferred one on first use.
    pub(crate) fn signer(&self) -> Result<Arc<dyn Signer>> {
        match &self.key {
            SigningKey::Ready(signer) => Ok(signer.clone()),
            SigningKey::Lazy(lazy) => lazy.get(),
        }
    }

    fn ephemeral_key(&self) -> Result<Arc<DpopKey>> {
        if let Some(k) = self.dpop_key.get() {
            return Ok(k.clone());
        }
        let key_error = |source| Error::Key {
            action: "generating the DPoP key",
            source,
        };
        let pair = okta_jwk::KeyPair::generate(okta_jwk::KeySpec::for_algorithm(self.dpop_alg))
            .map_err(key_error)?;
        let private = pair.to_private_jwk().map_err(key_error)?;
        let key = Arc::new(DpopKey::new(pair).map_err(Error::DpopProof)?);
        let chosen = self.dpop_key.get_or_init(|| key.clone()).clone();
        if Arc::ptr_eq(&chosen, &key) {
            let _ = self.dpop_private.set(private);
        }
        Ok(chosen)
    }

    /// What names the signing key in a cached token's identity: its thumbprint, or for a
    /// deferred key the digest of its source (which needs no parsing).
    pub(crate) fn key_identity(&self) -> KeyIdentity {
        match &self.key {
            SigningKey::Ready(signer) => KeyIdentity::of_public_key(signer.public_jwk()),
            SigningKey::Lazy(lazy) => lazy.identity.clone(),
        }
    }

    /// The private JWK of the DPoP key, when this client generated it.
    pub(crate) fn dpop_private(&self) -> Option<&okta_jwk::PrivateJwk> {
        self.dpop_private.get()
    }
}

/// What to ask for.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct TokenRequest {
    scopes: Vec<Scope>,
    required: Vec<Scope>,
}

impl TokenRequest {
    /// Asks for these scopes; the token may come back with fewer.
    pub fn new(scopes: impl IntoIterator<Item = Scope>) -> TokenRequest {
        TokenRequest {
            scopes: scopes.into_iter().collect(),
            required: Vec::new(),
        }
    }

    /// Asks for these scopes, each checked ([`Scope::new`]).
    pub fn scopes<S: AsRef<str>>(scopes: &[S]) -> Result<TokenRequest> {
        Ok(TokenRequest::new(Scope::list(scopes)?))
    }

    /// Asks for exactly the scopes Okta's contract says the call `method path` needs (all of
    /// them required), or `None` when the contract has no such operation or gives it none.
    ///
    /// ```
    /// use okta_flows::{Method, TokenRequest};
    /// let request = TokenRequest::for_call(Method::GET, "/api/v1/groups/00g1/users").unwrap();
    /// assert_eq!(request.requested()[0].as_str(), "okta.groups.read");
    /// ```
    pub fn for_call(method: Method, path: &str) -> Option<TokenRequest> {
        let scopes = crate::api_scopes::operation(method, path)?.scopes();
        (!scopes.is_empty()).then(|| TokenRequest::new(scopes).require_all())
    }

    /// The scopes asked for.
    pub fn requested(&self) -> &[Scope] {
        &self.scopes
    }

    /// Fails with [`Error::MissingScopes`] unless every scope asked for is granted.
    pub fn require_all(mut self) -> TokenRequest {
        self.required = self.scopes.clone();
        self
    }

    /// Fails with [`Error::MissingScopes`] unless these are granted.
    pub fn require(mut self, scopes: impl IntoIterator<Item = Scope>) -> TokenRequest {
        self.required = scopes.into_iter().collect();
        self
    }
}

/// At most this many `use_dpop_nonce` retries (Okta's SDKs use 2).
const NONCE_RETRIES: u32 = 2;

/// The form of a client-credentials token request (RFC 6749 §4.4.2, RFC 7523 §2.2): what
/// [`client_credentials`] sends, and what a plan lists with the assertion described.
pub(crate) fn client_credentials_form(
    request: &TokenRequest,
    assertion: &str,
) -> [(&'static str, String); 4] {
    [
        ("grant_type", "client_credentials".to_owned()),
        ("scope", crate::ids::join(&request.scopes)),
        ("client_assertion_type", CLIENT_ASSERTION_TYPE.to_owned()),
        ("client_assertion", assertion.to_owned()),
    ]
}

/// The token request of `client` (an id, or a placeholder), signed with `kid`, as a plan lists
/// it: nothing when the token endpoint's URL cannot be made.
pub(crate) fn planned_token_request(
    okta: &Okta,
    client: &str,
    kid: &str,
    request: &TokenRequest,
    dpop: bool,
) -> Option<crate::http::planned::PlannedRequest> {
    let token_url = okta
        .oauth_endpoint(OAuthEndpoint::Token)
        .ok()?
        .as_str()
        .to_owned();
    let assertion = format!("<a JWT signed by kid {kid}: iss = sub = {client}, aud = {token_url}>");
    let form = client_credentials_form(request, &assertion)
        .into_iter()
        .map(|(k, v)| (k.to_owned(), v))
        .collect();
    let mut headers = Vec::new();
    if dpop {
        headers.push((
            "DPoP".to_owned(),
            "<a proof signed by a new P-256 key, with the server's nonce once it asks>".to_owned(),
        ));
    }
    Some(crate::http::planned::PlannedRequest {
        when: "always".to_owned(),
        method: Method::POST,
        url: token_url,
        by: crate::http::planned::PlannedAuth::ClientAssertion,
        headers,
        body: None,
        form: Some(form),
    })
}

pub(crate) fn client_credentials(
    okta: &Okta,
    creds: &ServiceCredentials,
    request: &TokenRequest,
) -> Result<Token> {
    let endpoint = okta.oauth_endpoint(OAuthEndpoint::Token)?;
    let origin = okta.org_url().as_str().to_owned();
    let builder = ClientAssertionBuilder::new(creds.client_id.clone(), endpoint.clone());
    let known = okta.dpop().is_required(creds.client_id.as_str());
    let mut use_dpop = match creds.dpop {
        DpopMode::Always => true,
        DpopMode::Never => false,
        DpopMode::Auto => known,
    };
    let mut learned = false;
    let url = endpoint.url().clone();
    let htu = Htu::from_url(endpoint.as_str()).map_err(Error::DpopProof)?;
    let bucket = url.path().to_owned();
    okta.with_retries(NONCE_RETRIES, Some(&bucket), |_| {
        let now = okta.now();
        let signer = creds.signer()?;
        let (kid, alg) = (signer.kid().map(|k| k.as_str().to_owned()), signer.algorithm());
        let assertion = builder
            .sign(signer.as_ref(), now, okta.rng())
            .map_err(Error::ClientAssertion)?;
        let dpop = if use_dpop {
            Some(creds.ephemeral_key()?)
        } else {
            None
        };
        let proof = match &dpop {
            Some(key) => Some(
                key.proof(
                    &Htm::post(),
                    &htu,
                    now,
                    okta.rng(),
                    okta.dpop().nonce(&origin).as_ref(),
                    None,
                )
                .map_err(Error::DpopProof)?,
            ),
            None => None,
        };
        let form = url::form_urlencoded::Serializer::new(String::new())
            .extend_pairs(client_credentials_form(request, assertion.expose_secret()))
            .finish();
        let mut headers = vec![("Accept", "application/json")];
        if let Some(p) = &proof {
            headers.push(("DPoP", p.expose_secret()));
        }
        let reply = okta.send(
            &Method::POST,
            &url,
            &headers,
            Some(("application/x-www-form-urlencoded", form.into_bytes())),
            MAX_JSON,
        )?;
        let nonces = reply.all("dpop-nonce");
        if nonces.len() > 1 {
            return Err(Error::Dpop(
                "the server sent more than one DPoP-Nonce header (RFC 9449 §8 allows one)"
                    .into(),
            ));
        }
        okta
            .dpop()
            .remember_nonce(&origin, nonces.first().copied());
        if reply.status == 200 {
            let required = use_dpop && (creds.dpop == DpopMode::Always || learned || known);
            return validate(
                &reply.json()?,
                request,
                dpop.filter(|_| use_dpop),
                required,
                okta.now(),
            )
            .map(Attempt::Done);
        }
        let body = if matches!(reply.status, 400 | 401) {
            reply.json().ok()
        } else {
            None
        };
        let error = body
            .as_ref()
            .and_then(|b| b["error"].as_str())
            .unwrap_or_default();
        let description = body
            .as_ref()
            .and_then(|b| b["error_description"].as_str())
            .unwrap_or_default();
        match (reply.status, error) {
            (400, "use_dpop_nonce") if use_dpop => {
                if nonces.is_empty() {
                    return Err(Error::Dpop("the token endpoint asked for a nonce (use_dpop_nonce) but sent no DPoP-Nonce header".into()));
                }
                Ok(Attempt::Challenge {
                    exhausted: Error::Dpop(format!(
                        "the token endpoint still asked for a new nonce after {NONCE_RETRIES} retries"
                    )),
                })
            }
            (400, "invalid_dpop_proof")
                if !use_dpop
                    && creds.dpop == DpopMode::Auto
                    && description.contains("header is missing") =>
            {
                // Once only: from now on `use_dpop` is set.
                okta.dpop().set_required(creds.client_id.as_str());
                use_dpop = true;
                learned = true;
                Ok(Attempt::Again)
            }
            // A 429 means the request was not processed: safe to send again, even a POST.
            (429, _) => Ok(Attempt::RateLimited(reply)),
            // A client-credentials request creates nothing: a gateway's failure is retried,
            // each time with a new assertion and proof.
            (502..=504, _) => Ok(Attempt::Unavailable(reply)),
            (400 | 401, code) => {
                let mut err = reply.problem();
                if let Error::Okta { problem, .. } = &mut err {
                    if code == "invalid_client" && description.contains("'client_id'") {
                        // Okta's words for a client id it does not know: the key is not the
                        // question.
                        problem.detail = Some(format!(
                            "the org has no active app with the client id {}: check the client id",
                            creds.client_id.as_str()
                        ));
                    } else if code == "invalid_client" {
                        problem.detail = Some(format!(
                            "the assertion was signed with kid {:?} ({}); the app's keys: GET /api/v1/apps/{{id}}/credentials/jwks",
                            kid.as_deref().unwrap_or("none"),
                            alg,
                        ));
                    } else if !use_dpop
                        && creds.dpop == DpopMode::Auto
                        && (code == "invalid_grant"
                            || description.to_ascii_lowercase().contains("dpop"))
                    {
                        problem.hint = Some(
                            "if the app requires DPoP, this server does not say so in Okta's words: send a proof from the start (DpopMode::Always)",
                        );
                    }
                }
                Err(err)
            }
            _ => Err(reply.problem()),
        }
    })
}

/// Checks a 200 token response (RFC 6749 §5.1, RFC 9449 §5).
pub(crate) fn validate(
    body: &Value,
    request: &TokenRequest,
    dpop: Option<Arc<DpopKey>>,
    dpop_required: bool,
    now: UnixTime,
) -> Result<Token> {
    let refuse = |why: &str| Err(Error::TokenResponse(why.to_owned()));
    let Some(obj) = body.as_object() else {
        return refuse("the body is not a JSON object");
    };
    let access = match obj.get("access_token") {
        Some(Value::String(t))
            if !t.is_empty() && t.len() <= 16 * 1024 && t.bytes().all(|b| b.is_ascii_graphic()) =>
        {
            t
        }
        _ => return refuse("access_token is missing, empty, too long or not printable"),
    };
    let kind = match obj
        .get("token_type")
        .and_then(Value::as_str)
        .map(str::to_ascii_lowercase)
        .as_deref()
    {
        Some("bearer") => TokenType::Bearer,
        Some("dpop") => TokenType::DPoP,
        Some(other) => {
            return Err(Error::TokenResponse(format!(
                "unknown token_type {:?}",
                safe(other, 20)
            )));
        }
        None => return refuse("token_type is missing"),
    };
    let dpop = match (kind, dpop) {
        (TokenType::DPoP, Some(key)) => Some(key),
        (TokenType::DPoP, None) => {
            return refuse("a DPoP token came back for a request without a DPoP proof");
        }
        (TokenType::Bearer, Some(_)) if dpop_required => {
            return refuse(
                "the app requires DPoP but the token came back as Bearer (RFC 9449 §5: not DPoP-protected)",
            );
        }
        (TokenType::Bearer, _) => None,
    };
    let lifetime = match obj.get("expires_in") {
        None => 3600,
        Some(Value::Number(n)) => match n.as_u64() {
            Some(s) if (1..=86_400).contains(&s) => s,
            _ => return refuse("expires_in must be a whole number of seconds from 1 to 86400"),
        },
        Some(_) => return refuse("expires_in must be a number, not a string"),
    };
    let scopes: Vec<String> = match obj.get("scope") {
        Some(Value::String(s)) => s
            .split(' ')
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        None => request
            .scopes
            .iter()
            .map(|s| s.as_str().to_owned())
            .collect(),
        Some(_) => return refuse("scope must be a space-separated string"),
    };
    let missing: Vec<String> = request
        .required
        .iter()
        .filter(|s| !scopes.iter().any(|g| g == s.as_str()))
        .map(|s| s.as_str().to_owned())
        .collect();
    if !missing.is_empty() {
        return Err(Error::MissingScopes {
            missing,
            granted: scopes,
        });
    }
    Ok(Token::from_parts(
        AccessToken::new(access.as_str()),
        kind,
        now.plus(lifetime),
        scopes,
        dpop.map(BoundKey::ready),
    ))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "tests fail loudly by design")]

    use super::*;

    #[test]
    fn an_unreadable_saved_dpop_key_is_an_error_on_use() {
        let token = Token::from_parts(
            AccessToken::new("at"),
            TokenType::DPoP,
            UnixTime(u64::MAX),
            Vec::new(),
            Some(BoundKey::saved(okta_jwk::PrivateJwk::new(
                "{\"kty\":\"EC\"}",
            ))),
        );
        assert!(matches!(token.dpop_key(), Err(Error::Key { .. })));
        let bearer = Token::from_parts(
            AccessToken::new("at"),
            TokenType::Bearer,
            UnixTime(0),
            Vec::new(),
            None,
        );
        assert!(bearer.dpop_key().unwrap().is_none());
    }
}
