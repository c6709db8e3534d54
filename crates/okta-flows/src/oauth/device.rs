//! The device authorization grant (RFC 8628): sign a user in from a host with no browser. The
//! user opens the verification URL anywhere, types the user code and approves; this side polls
//! the token endpoint at the server's interval, slowing down when told to.

use std::time::{Duration, Instant};

use okta_assertion::ClientId;
use serde_json::Value;

use crate::code::ErrorCode;
use crate::error::{Error, Result, safe};
use crate::http::client::Okta;
use crate::ids::Scope;
use crate::oauth::client_auth::ClientAuth;
use crate::oauth::sign_in::DEVICE_GRANT;
use crate::oauth::user_tokens::UserTokens;
use crate::secrets::DeviceCode;
use crate::settings::OAuthEndpoint;

/// A device sign-in in progress: show [`DeviceSignIn::verification_uri`] and
/// [`DeviceSignIn::user_code`] to the user, then [`Okta::finish_device_sign_in`].
pub struct DeviceSignIn {
    device_code: DeviceCode,
    user_code: String,
    verification_uri: String,
    verification_uri_complete: Option<String>,
    expires_at: Instant,
    interval: Duration,
    client_id: ClientId,
    scopes: Vec<Scope>,
}

impl std::fmt::Debug for DeviceSignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DeviceSignIn")
            .field("user_code", &self.user_code)
            .field("verification_uri", &self.verification_uri)
            .field("interval", &self.interval)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

impl DeviceSignIn {
    /// The code the user types on the verification page.
    pub fn user_code(&self) -> &str {
        &self.user_code
    }

    /// Where the user goes (`https://{org}/activate`).
    pub fn verification_uri(&self) -> &str {
        &self.verification_uri
    }

    /// The same page with the code filled in, when the server gave one (for a link or QR code).
    pub fn verification_uri_complete(&self) -> Option<&str> {
        self.verification_uri_complete.as_deref()
    }

    /// How long the user has left.
    pub fn expires_in(&self) -> Duration {
        self.expires_at.saturating_duration_since(Instant::now())
    }

    /// How long this side waits between polls now.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// The scopes asked for.
    pub fn scopes(&self) -> &[Scope] {
        &self.scopes
    }
}

/// A URL the server says to show a person: `https://`, or `http://` on loopback; at most 2 KiB.
fn shown_url(v: &Value, name: &str) -> Result<Option<String>> {
    let Some(text) = v.get(name) else {
        return Ok(None);
    };
    let bad = || Error::TokenResponse(format!("{name} is not an https:// URL"));
    let text = text.as_str().filter(|t| t.len() <= 2048).ok_or_else(bad)?;
    let url = url::Url::parse(text).map_err(|_| bad())?;
    let loopback = matches!(url.host(), Some(url::Host::Ipv4(a)) if a.is_loopback())
        || matches!(url.host(), Some(url::Host::Ipv6(a)) if a.is_loopback());
    match url.scheme() {
        "https" => Ok(Some(url.to_string())),
        "http" if loopback => Ok(Some(url.to_string())),
        _ => Err(bad()),
    }
}

fn seconds(
    v: &Value,
    name: &str,
    default: u64,
    range: std::ops::RangeInclusive<u64>,
) -> Result<u64> {
    match v.get(name) {
        None => Ok(default),
        Some(n) => n.as_u64().filter(|s| range.contains(s)).ok_or_else(|| {
            Error::TokenResponse(format!(
                "{name} must be {} to {} seconds",
                range.start(),
                range.end()
            ))
        }),
    }
}

pub(crate) fn start_device_sign_in(
    okta: &Okta,
    auth: ClientAuth<'_>,
    scopes: &[Scope],
) -> Result<DeviceSignIn> {
    let scope = crate::ids::join(scopes);
    let mut fields = vec![("scope", scope.as_str())];
    let client_id = auth.client_id().clone();
    if let ClientAuth::PrivateKeyJwt(_) | ClientAuth::SecretBasic { .. } = auth {
        fields.push(("client_id", client_id.as_str()));
    }
    let reply = okta.oauth_post(OAuthEndpoint::DeviceAuthorize, auth, &fields)?;
    let v = reply.json()?;
    let text = |name: &str, max: usize| {
        v[name]
            .as_str()
            .filter(|t| !t.is_empty() && t.len() <= max && !t.chars().any(char::is_control))
            .map(str::to_owned)
            .ok_or_else(|| Error::TokenResponse(format!("{name} is missing or malformed")))
    };
    let device_code = DeviceCode::new(text("device_code", 2048)?);
    let user_code = text("user_code", 64)?;
    let verification_uri = shown_url(&v, "verification_uri")?
        .ok_or_else(|| Error::TokenResponse("verification_uri is missing".into()))?;
    let verification_uri_complete = shown_url(&v, "verification_uri_complete")?;
    let expires_in = seconds(&v, "expires_in", 600, 1..=86_400)?;
    // RFC 8628 §3.2: 5 seconds when the server does not say.
    let interval = seconds(&v, "interval", 5, 1..=300)?;
    Ok(DeviceSignIn {
        device_code,
        user_code: safe(&user_code, 64),
        verification_uri,
        verification_uri_complete,
        expires_at: Instant::now() + Duration::from_secs(expires_in),
        interval: Duration::from_secs(interval),
        client_id,
        scopes: scopes.to_vec(),
    })
}

pub(crate) fn finish_device_sign_in(
    okta: &Okta,
    mut device: DeviceSignIn,
    auth: ClientAuth<'_>,
    wait: &mut dyn FnMut(Duration),
) -> Result<UserTokens> {
    loop {
        if Instant::now() + device.interval >= device.expires_at {
            return Err(Error::SignIn(
                "the device code expired before the sign-in was approved; start again".into(),
            ));
        }
        wait(device.interval);
        let mut fields = vec![
            ("grant_type", DEVICE_GRANT),
            ("device_code", device.device_code.expose_secret()),
        ];
        if let ClientAuth::PrivateKeyJwt(_) | ClientAuth::SecretBasic { .. } = auth {
            fields.push(("client_id", device.client_id.as_str()));
        }
        let answer = okta
            .oauth_post(OAuthEndpoint::Token, auth, &fields)
            .and_then(|r| r.json());
        match answer {
            Ok(body) => return okta.user_tokens(&body, &device.client_id, None),
            Err(e) => match e.okta_code() {
                Some(ErrorCode::AuthorizationPending) => {}
                Some(ErrorCode::SlowDown) => {
                    device.interval = device.interval.saturating_add(Duration::from_secs(5));
                }
                Some(ErrorCode::ExpiredToken) => {
                    return Err(Error::SignIn(
                        "the device code expired before the sign-in was approved; start again"
                            .into(),
                    ));
                }
                Some(ErrorCode::AccessDenied) => {
                    let why = match &e {
                        Error::Okta { problem, .. } => problem.message.clone(),
                        _ => None,
                    };
                    return Err(Error::SignIn(format!(
                        "the authorization server answered access_denied: {}",
                        why.as_deref().unwrap_or("the sign-in was denied")
                    )));
                }
                _ => return Err(e),
            },
        }
    }
}
