//! `/oauth2/v1/authorize` for user apps: PKCE (S256 only), exact redirect URIs, `state`
//! reflected, app assignments enforced, and either the sign-in page or (with
//! `Config::default_login`) a scripted sign-in with no page.

use crate::config::RedirectMatch;
use crate::errors::oauth;
use crate::http::{Req, Resp};
use crate::org::{App, Code, Org, PendingSignIn};
use crate::routes::signin;

/// Scopes any user app may ask for, besides the Okta API scopes granted to it.
const OIDC_SCOPES: [&str; 6] = [
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
];

/// The scopes a sign-in (authorization code or device) asks for, checked: at least one, each an
/// OpenID Connect scope or an Okta API scope granted to the app. The error is Okta's
/// `invalid_scope` description.
pub(crate) fn user_scopes(app: &App, text: Option<&str>) -> Result<Vec<String>, &'static str> {
    let scopes: Vec<String> = text
        .unwrap_or_default()
        .split(' ')
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
        .collect();
    if scopes.is_empty() {
        return Err(
            "The authorization server resource does not have any configured default scopes, 'scope' must be provided.",
        );
    }
    let allowed =
        |s: &String| OIDC_SCOPES.contains(&s.as_str()) || app.grants.iter().any(|g| &g.scope == s);
    if !scopes.iter().all(allowed) {
        return Err("One or more scopes are not configured for the authorization server resource.");
    }
    Ok(scopes)
}

fn redirect_allowed(org: &Org, app: &App, uri: &str) -> bool {
    if app.redirect_uris.iter().any(|r| r == uri) {
        return true;
    }
    if org.config.redirect_match != RedirectMatch::AnyLoopbackPort {
        return false;
    }
    // RFC 8252 §7.3: any port for loopback IP redirect URIs.
    let Ok(asked) = url::Url::parse(uri) else {
        return false;
    };
    let loopback =
        |u: &url::Url| u.scheme() == "http" && matches!(u.host_str(), Some("127.0.0.1" | "[::1]"));
    loopback(&asked)
        && app
            .redirect_uris
            .iter()
            .filter_map(|r| url::Url::parse(r).ok())
            .any(|r| {
                loopback(&r)
                    && r.host_str() == asked.host_str()
                    && r.path() == asked.path()
                    && r.query() == asked.query()
            })
}

/// 302 to the client's redirect URI with these parameters (and `state`).
fn back(uri: &str, params: &[(&str, &str)], state: Option<&str>) -> Resp {
    let mut url = match url::Url::parse(uri) {
        Ok(u) => u,
        Err(_) => {
            return oauth(
                400,
                "invalid_request",
                "The 'redirect_uri' parameter is not a valid URI.",
            );
        }
    };
    {
        let mut q = url.query_pairs_mut();
        for (k, v) in params {
            q.append_pair(k, v);
        }
        if let Some(s) = state {
            q.append_pair("state", s);
        }
    }
    let outcome = params
        .iter()
        .find(|(k, _)| *k == "error")
        .map_or("ok", |(_, v)| v)
        .to_owned();
    Resp::empty(302)
        .with_header("Location", url.to_string())
        .with_header("Cache-Control", "no-cache, no-store")
        .outcome(outcome)
}

pub(crate) fn authorize(org: &Org, req: &Req) -> Resp {
    let q = |name: &str| req.query_param(name).filter(|v| !v.is_empty());
    let Some(app) = q("client_id").and_then(|id| org.app(&id)) else {
        return oauth(
            400,
            "invalid_client",
            "Invalid value for 'client_id' parameter.",
        );
    };
    // Until the redirect URI is known good, errors are shown here, never sent anywhere.
    let Some(redirect) = q("redirect_uri").filter(|r| redirect_allowed(org, &app, r)) else {
        return oauth(
            400,
            "invalid_request",
            "The 'redirect_uri' parameter must be a Login redirect URI in the client app settings.",
        );
    };
    let state = q("state");
    let fail = |error: &str, description: &str| {
        back(
            &redirect,
            &[("error", error), ("error_description", description)],
            state.as_deref(),
        )
    };
    if q("response_type").as_deref() != Some("code") {
        return fail(
            "unsupported_response_type",
            "The response type is not supported by the authorization server. Configured response types: [code].",
        );
    }
    if !app.grant_types.iter().any(|g| g == "authorization_code") {
        return fail(
            "unauthorized_client",
            "The client is not authorized to use the provided grant type. Configured grant types: [client_credentials].",
        );
    }
    let Some(state) = state.clone() else {
        return fail(
            "invalid_request",
            "The authorization request is missing the required parameter 'state'.",
        );
    };
    let challenge = q("code_challenge");
    match (&challenge, q("code_challenge_method").as_deref()) {
        (None, _) if app.auth_method == "none" => {
            return fail(
                "invalid_request",
                "PKCE code challenge is required by the application.",
            );
        }
        (None, _) => {}
        (Some(_), Some("S256")) => {}
        (Some(_), _) => {
            return fail(
                "invalid_request",
                "PKCE code challenge method is not supported. Valid values: [S256]",
            );
        }
    }
    if let Some(c) = &challenge
        && (c.len() != 43
            || !c
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'))
    {
        return fail(
            "invalid_request",
            "PKCE code challenge contains illegal characters.",
        );
    }
    let scopes = match user_scopes(&app, q("scope").as_deref()) {
        Ok(s) => s,
        Err(description) => return fail("invalid_scope", description),
    };
    let pending = PendingSignIn {
        client_id: app.id.clone(),
        redirect_uri: redirect.clone(),
        state: state.clone(),
        challenge,
        scopes,
        nonce: q("nonce"),
        exp: org.now() + 600,
    };
    let Some(default) = org.config.default_login.clone() else {
        // The sign-in page: the request waits under a random handle for the form.
        let handle = org.rng.token(32);
        org.state().sign_ins.insert(handle.clone(), pending);
        return signin::page(&app.name, &handle, q("login_hint").as_deref(), None);
    };
    let login = q("login_hint").unwrap_or(default);
    let Some(user) = crate::users::find(org, &login) else {
        return fail(
            "login_required",
            "The client specified not to prompt, but the user is not logged in.",
        );
    };
    signed_in(org, &pending, user)
}

/// The end of a sign-in: a user who is not assigned to the app is sent back with
/// `access_denied`, as Okta does; otherwise a code is issued and sent back with `state`.
pub(crate) fn signed_in(org: &Org, pending: &PendingSignIn, user: usize) -> Resp {
    let allowed = {
        let state = org.state();
        state
            .apps
            .get(&pending.client_id)
            .is_some_and(|app| crate::routes::assignments::assigned(&state, app, user))
    };
    if !allowed {
        return back(
            &pending.redirect_uri,
            &[
                ("error", "access_denied"),
                (
                    "error_description",
                    crate::routes::assignments::NOT_ASSIGNED,
                ),
            ],
            Some(&pending.state),
        );
    }
    let code = org.rng.token(32);
    let record = Code {
        client_id: pending.client_id.clone(),
        redirect_uri: pending.redirect_uri.clone(),
        challenge: pending.challenge.clone(),
        scopes: pending.scopes.clone(),
        nonce: pending.nonce.clone(),
        user,
        exp: org.now() + 300,
    };
    org.state().codes.insert(code.clone(), record);
    back(
        &pending.redirect_uri,
        &[("code", &code)],
        Some(&pending.state),
    )
}

/// `POST /login/sign-in`: the sign-in form.
pub(crate) fn sign_in(org: &Org, req: &Req) -> Resp {
    let form = try_resp!(signin::form_of(req));
    let handle = signin::field(&form, "request");
    let pending = org.state().sign_ins.get(handle).cloned();
    let Some(pending) = pending.filter(|p| p.exp > org.now()) else {
        org.state().sign_ins.remove(handle);
        return signin::html(
            400,
            "Sign in",
            "<p class=\"error\" id=\"okta-signin-error\">This sign-in has expired or was used already. Start again from the app.</p>",
        );
    };
    let app_name = org
        .app(&pending.client_id)
        .map(|a| a.name)
        .unwrap_or_default();
    let login = signin::field(&form, "username");
    let Some(user) = signin::check_password(org, login, signin::field(&form, "password")) else {
        return signin::page(&app_name, handle, Some(login), Some(signin::UNABLE));
    };
    org.state().sign_ins.remove(handle);
    signed_in(org, &pending, user)
}
