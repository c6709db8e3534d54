//! The pages a person sees, and the password check behind them: the sign-in form of
//! `/oauth2/v1/authorize` (posted to `/login/sign-in`, handled in `authorize.rs`) and the
//! device activation form of `/activate` (RFC 8628 §3.3, handled in `device.rs`). The form
//! fields carry the ids of Okta's sign-in widget (`okta-signin-username`, `…-password`,
//! `…-submit`), so a WebDriver script written for one finds its way on the other.

use crate::http::{Req, Resp};
use crate::org::Org;
use crate::org::same_secret;

/// Okta's sign-in widget's words for a wrong login or password (which of the two is not said).
pub(crate) const UNABLE: &str = "Unable to sign in";

/// Text safe inside HTML element content and double-quoted attributes.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if c.is_control() => {}
            c => out.push(c),
        }
    }
    out
}

pub(crate) fn html(status: u16, title: &str, body: &str) -> Resp {
    let page = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <meta name=\"viewport\" content=\"width=device-width\"><title>{title}</title>\
         <style>body{{font-family:sans-serif;max-width:26em;margin:4em auto}}\
         label,input,button{{display:block;width:100%;margin:.4em 0}}\
         .error{{color:#b00;font-weight:bold}}</style></head>\
         <body><h1>{title}</h1>\n{body}\n<p><small>okta-emulator: a local test org</small></p></body></html>\n"
    );
    let mut r = Resp::empty(status)
        .with_header("Content-Type", "text/html; charset=utf-8")
        .with_header("Cache-Control", "no-cache, no-store")
        .with_header("X-Frame-Options", "DENY")
        // No scripts at all; the form posts back here (a CSP `form-action` would also govern the
        // redirect that follows it, to the client's own URI, so it is left out).
        .with_header(
            "Content-Security-Policy",
            "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'",
        )
        .with_header("Referrer-Policy", "no-referrer");
    r.body = crate::http::Body::Bytes(page.into_bytes());
    r
}

fn error_line(error: Option<&str>) -> String {
    error
        .map(|e| {
            format!(
                "<p class=\"error\" id=\"okta-signin-error\" role=\"alert\">{}</p>",
                escape(e)
            )
        })
        .unwrap_or_default()
}

/// The sign-in form for a waiting authorize request.
pub(crate) fn page(app: &str, handle: &str, login: Option<&str>, error: Option<&str>) -> Resp {
    let body = format!(
        "<p>Sign in to <b id=\"app-name\">{}</b></p>{}\
         <form method=\"post\" action=\"/login/sign-in\">\
         <input type=\"hidden\" name=\"request\" value=\"{}\">\
         <label for=\"okta-signin-username\">Username</label>\
         <input id=\"okta-signin-username\" name=\"username\" autocomplete=\"username\" value=\"{}\" required>\
         <label for=\"okta-signin-password\">Password</label>\
         <input id=\"okta-signin-password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <button id=\"okta-signin-submit\" type=\"submit\">Sign in</button></form>",
        escape(app),
        error_line(error),
        escape(handle),
        escape(login.unwrap_or_default()),
    );
    html(if error.is_some() { 401 } else { 200 }, "Sign in", &body)
}

pub(crate) fn field<'a>(form: &'a [(String, String)], name: &str) -> &'a str {
    form.iter()
        .find(|(n, _)| n == name)
        .map_or("", |(_, v)| v.as_str())
}

pub(crate) fn form_of(req: &Req) -> Result<Vec<(String, String)>, Resp> {
    if !req
        .content_type()
        .starts_with("application/x-www-form-urlencoded")
    {
        return Err(html(
            415,
            "Sign in",
            "<p class=\"error\">Send the form.</p>",
        ));
    }
    Ok(req.form())
}

/// The user a login and password name, if both are right and the user may sign in (ACTIVE).
pub(crate) fn check_password(org: &Org, login: &str, password: &str) -> Option<usize> {
    // Compared first, whatever the login, so the time taken does not say which one was wrong.
    let password_ok = same_secret(password, &org.config.user_password);
    let state = org.state();
    let user = crate::users::find_in(org, &state, login.trim())?;
    let active = crate::users::current(org, &state, user)
        .is_some_and(|u| u["status"].as_str() == Some("ACTIVE"));
    (password_ok && active).then_some(user)
}

pub(crate) fn activation_form(code: &str, error: Option<&str>, status: u16) -> Resp {
    let body = format!(
        "<p>Enter the code your device shows, then sign in to let it use your account.</p>{}\
         <form method=\"post\" action=\"/activate\">\
         <label for=\"user-code\">Activation code</label>\
         <input id=\"user-code\" name=\"user_code\" autocomplete=\"off\" value=\"{}\" required>\
         <label for=\"okta-signin-username\">Username</label>\
         <input id=\"okta-signin-username\" name=\"username\" autocomplete=\"username\" required>\
         <label for=\"okta-signin-password\">Password</label>\
         <input id=\"okta-signin-password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required>\
         <button id=\"okta-signin-submit\" type=\"submit\" name=\"decision\" value=\"allow\">Allow</button>\
         <button id=\"deny\" type=\"submit\" name=\"decision\" value=\"deny\">Deny</button></form>",
        error_line(error),
        escape(code),
    );
    html(status, "Activate your device", &body)
}
