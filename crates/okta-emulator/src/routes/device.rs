//! The device authorization grant (RFC 8628): `/oauth2/v1/device/authorize` hands out a device
//! code and a user code, and the user approves on `/activate`; the client polls the token
//! endpoint (`token.rs`), kept to the interval with `slow_down`.

use serde_json::json;

use crate::errors::oauth;
use crate::http::{Req, Resp};
use crate::org::same_secret;
use crate::org::{Device, DeviceStatus, Org};
use crate::routes::assignments::{NOT_ASSIGNED, assigned};
use crate::routes::signin;
use crate::routes::token::{DEVICE_GRANT, authenticate, form, param};

/// RFC 8628 §6.1: 20 consonants (no vowels, so no words; no look-alikes), 8 of them.
const USER_CODE_CHARS: &[u8] = b"BCDFGHJKLMNPQRSTVWXZ";
/// Wrong user codes allowed in a minute on the activation page.
const MAX_WRONG_CODES: u32 = 10;
/// How long a device code lives (Okta: 10 minutes).
const DEVICE_LIFETIME: u64 = 600;

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
    let scopes = match crate::routes::authorize::user_scopes(&app, param(&form, "scope")) {
        Ok(s) => s,
        Err(description) => return oauth(400, "invalid_scope", description),
    };
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

/// `GET /activate[?user_code=…]`.
pub(crate) fn activate_page(req: &Req) -> Resp {
    let code = req.query_param("user_code").unwrap_or_default();
    signin::activation_form(&code, None, 200)
}

/// `POST /activate`: approve or deny a device authorization after signing in.
pub(crate) fn activate(org: &Org, req: &Req) -> Resp {
    let form = try_resp!(signin::form_of(req));
    let typed = signin::field(&form, "user_code");
    let code = normalise_user_code(typed);
    let now = org.now();
    // RFC 8628 §5.1: user codes are short, so guessing them is slowed down: after
    // MAX_WRONG_CODES wrong codes in a minute, the page refuses codes until the minute is over.
    let (window, wrong) = org.state().wrong_codes;
    if now < window.saturating_add(60) && wrong >= MAX_WRONG_CODES {
        return signin::activation_form(
            typed,
            Some("Too many wrong codes. Wait a minute, then try again."),
            429,
        );
    }
    let found = {
        let state = org.state();
        state
            .devices
            .iter()
            .find(|(_, d)| {
                d.status == DeviceStatus::Pending && d.exp > now && same_secret(&d.user_code, &code)
            })
            .map(|(k, d)| (k.clone(), d.client_id.clone()))
    };
    let Some((device_code, client_id)) = found else {
        let mut state = org.state();
        let (window, wrong) = state.wrong_codes;
        state.wrong_codes = if now < window.saturating_add(60) {
            (window, wrong.saturating_add(1))
        } else {
            (now, 1)
        };
        drop(state);
        return signin::activation_form(typed, Some("That code is not valid or has expired."), 400);
    };
    let Some(user) = signin::check_password(
        org,
        signin::field(&form, "username"),
        signin::field(&form, "password"),
    ) else {
        return signin::activation_form(typed, Some(signin::UNABLE), 401);
    };
    let mut state = org.state();
    let may = state
        .apps
        .get(&client_id)
        .is_some_and(|app| assigned(&state, app, user));
    let deny = signin::field(&form, "decision") == "deny";
    let Some(device) = state.devices.get_mut(&device_code) else {
        return signin::activation_form(typed, Some("That code is not valid or has expired."), 400);
    };
    if !may {
        device.status = DeviceStatus::Denied;
        drop(state);
        return signin::html(
            403,
            "Activate your device",
            &format!("<p class=\"error\" id=\"okta-signin-error\">{NOT_ASSIGNED}</p>"),
        );
    }
    device.status = if deny {
        DeviceStatus::Denied
    } else {
        DeviceStatus::Approved(user)
    };
    drop(state);
    if deny {
        signin::html(
            200,
            "Activate your device",
            "<p id=\"result\">Access denied. You can close this window.</p>",
        )
    } else {
        signin::html(
            200,
            "Activate your device",
            "<p id=\"result\">Device activated. You can return to your device.</p>",
        )
    }
}
