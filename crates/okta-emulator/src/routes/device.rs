//! The device authorization grant (RFC 8628): `/oauth2/v1/device/authorize` hands out a device
//! code and a user code, the user approves on `/activate` (`signin.rs`), and the client polls the
//! token endpoint, kept to the interval with `slow_down`.

use serde_json::json;

use crate::errors::oauth;
use crate::http::{Req, Resp};
use crate::org::{App, Device, DeviceStatus, Org};
use crate::routes::token::{DEVICE_GRANT, authenticate, form, missing, param, user_grant};

/// RFC 8628 §6.1: 20 consonants (no vowels, so no words; no look-alikes), 8 of them.
const USER_CODE_CHARS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
/// How long a device code lives (Okta: 10 minutes).
const DEVICE_LIFETIME: u64 = 600;

/// The scopes any user app may ask for, besides the Okta API scopes granted to it.
const OIDC_SCOPES: [&str; 6] = [
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
];

fn user_code(org: &Org) -> String {
    let mut code = String::with_capacity(8);
    while code.len() < 8 {
        let mut b = [0u8; 1];
        org.rng.fill(&mut b);
        // 240 = 12 × 20: taking only bytes below it keeps every character equally likely.
        if b[0] < 240 {
            code.push(char::from(
                USER_CODE_CHARS[usize::from(b[0]) % USER_CODE_CHARS.len()],
            ));
        }
    }
    code
}

/// A user code as typed: case and dashes or spaces do not matter (RFC 8628 §6.1).
pub(crate) fn normalise_user_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| !matches!(c, '-' | ' '))
        .map(|c| c.to_ascii_uppercase())
        .collect()
}

/// `POST /oauth2/v1/device/authorize`.
pub(crate) fn authorize(org: &Org, req: &Req) -> Resp {
    let form = try_resp!(form(req));
    let endpoint = format!("{}{}", org.base, req.path);
    let (app, _) = try_resp!(authenticate(org, req, &form, &endpoint));
    if !app.grant_types.iter().any(|g| g == DEVICE_GRANT) {
        return oauth(
            400,
            "unauthorized_client",
            "The client is not authorized to use the provided grant type. Configured grant types: [authorization_code].",
        );
    }
    let scopes: Vec<String> = param(&form, "scope")
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if scopes.is_empty() {
        return oauth(
            400,
            "invalid_scope",
            "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
        );
    }
    let allowed =
        |s: &String| OIDC_SCOPES.contains(&s.as_str()) || app.grants.iter().any(|g| &g.scope == s);
    if !scopes.iter().all(allowed) {
        return oauth(
            400,
            "invalid_scope",
            "One or more scopes are not configured for the authorization server resource.",
        );
    }
    let device_code = org.rng.token(32);
    let code = user_code(org);
    let interval = org.config.device_interval;
    org.state().devices.insert(
        device_code.clone(),
        Device {
            client_id: app.id.clone(),
            user_code: code.clone(),
            scopes,
            exp: org.now() + DEVICE_LIFETIME,
            interval,
            last_poll: None,
            status: DeviceStatus::Pending,
        },
    );
    let verification = format!("{}/activate", org.base);
    Resp::json(
        200,
        &json!({
            "device_code": device_code, "user_code": code,
            "verification_uri": verification,
            "verification_uri_complete": format!("{verification}?user_code={code}"),
            "expires_in": DEVICE_LIFETIME, "interval": interval
        }),
    )
    .with_header("Cache-Control", "no-store")
}

/// The device-code grant at the token endpoint.
pub(crate) fn token(org: &Org, req: &Req, form: &[(String, String)], app: &App) -> Resp {
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
