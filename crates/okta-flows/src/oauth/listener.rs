//! The loopback listener a sign-in redirect comes back to (RFC 8252 §7.3): one request on
//! `127.0.0.1`, its `state` checked in constant time, a page that says what happened.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};
use std::time::{Duration, Instant};

use okta_assertion::ClientId;

use crate::error::{Error, Result, safe};
use crate::oauth::pkce::Pkce;
use crate::secrets::{AuthorizationCode, OAuthState};

/// A user sign-in in progress: the listener is bound before the URL is shown, so the redirect
/// cannot arrive before anyone listens.
///
/// `Debug` shows the redirect URI only: the authorize URL carries the `state` and `nonce`.
pub struct SignIn {
    pub(crate) url: String,
    pub(crate) redirect_uri: String,
    pub(crate) path: String,
    pub(crate) listener: TcpListener,
    pub(crate) state: OAuthState,
    pub(crate) nonce: Option<OAuthState>,
    pub(crate) pkce: Pkce,
    pub(crate) client_id: ClientId,
}

impl std::fmt::Debug for SignIn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SignIn")
            .field("redirect_uri", &self.redirect_uri)
            .field("client_id", &self.client_id)
            .finish_non_exhaustive()
    }
}

/// A loopback port that is free now, for a redirect URI that has to be registered with the app
/// before [`Okta::start_sign_in`](crate::Okta::start_sign_in) listens on it. Another process could take the port in
/// between; the sign-in then fails to listen, and its error names the address.
pub fn free_loopback_port() -> Result<u16> {
    let listen = |source| Error::Listen {
        address: "127.0.0.1:0".to_owned(),
        source,
    };
    let listener = TcpListener::bind(("127.0.0.1", 0)).map_err(listen)?;
    Ok(listener.local_addr().map_err(listen)?.port())
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
    /// is never exchanged.
    pub(crate) fn wait_for_code(&self, timeout: Duration) -> Result<AuthorizationCode> {
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
    pub(crate) fn one_request(&self, mut stream: TcpStream) -> Option<Result<AuthorizationCode>> {
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
            respond(
                &mut stream,
                "200 OK",
                &failed_page(error, get("error_description").unwrap_or_default()),
            );
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

/// The page for an error the authorization server sent back: what it said, escaped, and where
/// to look next.
fn failed_page(error: &str, description: &str) -> String {
    let escape = |s: &str| {
        safe(s, 300)
            .replace('&', "&amp;")
            .replace('<', "&lt;")
            .replace('>', "&gt;")
            .replace('"', "&quot;")
    };
    format!(
        "<!doctype html><meta charset=\"utf-8\"><title>Sign-in failed</title><h1>Sign-in failed</h1><p>The authorization server answered <code>{}</code>{}</p><p>Return to the terminal: it says what to do.</p>",
        escape(error),
        if description.is_empty() {
            String::new()
        } else {
            format!(": {}", escape(description))
        }
    )
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
    pub(crate) fn a_free_loopback_port_can_be_listened_on() {
        let port = free_loopback_port().unwrap();
        assert_ne!(port, 0);
        // Free when returned: binding it again succeeds (a busy machine could race us here, but
        // nothing else in this test process binds ports).
        let listener = TcpListener::bind(("127.0.0.1", port)).unwrap();
        assert_eq!(listener.local_addr().unwrap().port(), port);
    }
}
