//! What the bridge lets through, decided before anything reaches the org: the caller's proof,
//! the `Host`, the request target, the headers sent on and the headers handed back (with their
//! links pointed at the bridge). Pure functions of their inputs.

use crate::org::OrgUrl;

/// Why the bridge refused a request without contacting the org.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// No `Authorization` with the bridge's secret (`SSWS` or `Bearer`).
    NoSecret,
    /// An `Authorization` whose secret is not the bridge's.
    WrongSecret,
    /// A `Host` that is not the bridge's own address: a page in a browser that had its name
    /// pointed at loopback (DNS rebinding), or a request meant for elsewhere.
    ForeignHost,
    /// An absolute-form or authority-form target, or `CONNECT`: the bridge is no open proxy.
    NotOriginForm,
    /// A method Okta's APIs do not use.
    Method,
    /// A path that is not plain: `.` or `..` segments, encoded dots, slashes or backslashes,
    /// `//`, control characters, or too long.
    UnsafePath,
    /// A path outside Okta's management API (`/api/…`): the token endpoint among them.
    OutsideApi,
    /// An operation whose scopes Okta's contract does not name, with no fixed set to use.
    UnknownOperation,
    /// A body larger than the bridge takes.
    BodyTooLarge,
    /// A body that did not arrive in time.
    SlowBody,
    /// The token for the operation's scopes could not be had.
    NoToken,
    /// Okta did not answer.
    Unreachable,
}

impl Refusal {
    /// The HTTP status the caller gets.
    pub fn status(self) -> u16 {
        match self {
            Refusal::NoSecret | Refusal::WrongSecret => 401,
            Refusal::ForeignHost | Refusal::UnknownOperation | Refusal::NoToken => 403,
            Refusal::NotOriginForm | Refusal::UnsafePath => 400,
            Refusal::Method => 405,
            Refusal::OutsideApi => 404,
            Refusal::BodyTooLarge => 413,
            Refusal::SlowBody => 408,
            Refusal::Unreachable => 502,
        }
    }

    /// A short name, for logs and the error body's `errorCode` (`okta-oauth.bridge.…`).
    pub fn name(self) -> &'static str {
        match self {
            Refusal::NoSecret => "no_secret",
            Refusal::WrongSecret => "wrong_secret",
            Refusal::ForeignHost => "foreign_host",
            Refusal::NotOriginForm => "not_origin_form",
            Refusal::Method => "method",
            Refusal::UnsafePath => "unsafe_path",
            Refusal::OutsideApi => "outside_api",
            Refusal::UnknownOperation => "unknown_operation",
            Refusal::BodyTooLarge => "body_too_large",
            Refusal::SlowBody => "slow_body",
            Refusal::NoToken => "no_token",
            Refusal::Unreachable => "unreachable",
        }
    }

    /// What the caller is told, in words.
    pub(crate) fn summary(self) -> &'static str {
        match self {
            Refusal::NoSecret => {
                "okta-oauth bridge: send its secret as `Authorization: SSWS <secret>` (or Bearer); it is in the secret file or OKTA_CLIENT_TOKEN"
            }
            Refusal::WrongSecret => "okta-oauth bridge: that is not this bridge's secret",
            Refusal::ForeignHost => {
                "okta-oauth bridge: the Host header is not this bridge's address"
            }
            Refusal::NotOriginForm => {
                "okta-oauth bridge: send the path alone (origin-form); the bridge forwards only to its org"
            }
            Refusal::Method => "okta-oauth bridge: Okta's APIs do not take this method",
            Refusal::UnsafePath => {
                "okta-oauth bridge: the path holds dot segments, encoded dots, slashes or backslashes, doubled slashes or control characters, or is too long"
            }
            Refusal::OutsideApi => {
                "okta-oauth bridge: only Okta's management API (/api/...) is forwarded"
            }
            Refusal::UnknownOperation => {
                "okta-oauth bridge: Okta's contract names no scopes for this operation; start the bridge with fixed --scopes to forward it"
            }
            Refusal::BodyTooLarge => "okta-oauth bridge: the body is larger than it takes",
            Refusal::SlowBody => "okta-oauth bridge: the body did not arrive in time",
            Refusal::NoToken => {
                "okta-oauth bridge: no token could be had for the scopes this operation needs"
            }
            Refusal::Unreachable => "okta-oauth bridge: Okta did not answer",
        }
    }
}

/// The longest path and query the bridge forwards.
pub(crate) const MAX_TARGET: usize = 8 * 1024;

/// The secret in `Authorization: SSWS <secret>` or `Bearer <secret>`, compared with the bridge's
/// through their digests (no early exit on the first differing byte).
pub(crate) fn caller_proof(authorization: Option<&[u8]>, secret: &str) -> Result<(), Refusal> {
    let Some(value) = authorization else {
        return Err(Refusal::NoSecret);
    };
    let value = std::str::from_utf8(value).map_err(|_| Refusal::WrongSecret)?;
    let value = value.trim();
    // `SSWS<secret>` with no space is what Okta's Python SDK sends in SSWS (and Bearer) mode.
    let given = ["SSWS", "Bearer"]
        .iter()
        .find_map(|scheme| {
            let head = value.get(..scheme.len())?;
            head.eq_ignore_ascii_case(scheme)
                .then(|| &value[scheme.len()..])
        })
        .filter(|rest| !rest.trim().is_empty())
        .ok_or(Refusal::NoSecret)?;
    let digest = |s: &str| ring::digest::digest(&ring::digest::SHA256, s.trim().as_bytes());
    if digest(given).as_ref() == digest(secret).as_ref() {
        Ok(())
    } else {
        Err(Refusal::WrongSecret)
    }
}

/// Whether `host` (the `Host` header) names the bridge at `port`: `127.0.0.1`, `localhost` or
/// `[::1]`, with the port.
pub(crate) fn own_host(host: Option<&[u8]>, port: u16) -> bool {
    let Some(host) = host.and_then(|h| std::str::from_utf8(h).ok()) else {
        return false;
    };
    let Some((name, given)) = host.trim().rsplit_once(':') else {
        return false;
    };
    given.parse::<u16>().ok() == Some(port)
        && ["127.0.0.1", "localhost", "[::1]"]
            .iter()
            .any(|n| n.eq_ignore_ascii_case(name))
}

/// Checks a request target's path (origin-form, already split from its query) and query: the
/// URL on the org they make, whose path is exactly the one asked for.
pub(crate) fn target(org: &OrgUrl, path: &str, query: Option<&str>) -> Result<url::Url, Refusal> {
    let length = path.len() + query.map_or(0, |q| q.len() + 1);
    if !path.starts_with('/') || length > MAX_TARGET {
        return Err(Refusal::UnsafePath);
    }
    let lower = path.to_ascii_lowercase();
    let unsafe_path = path.contains("//")
        || path.contains('\\')
        || path.chars().any(|c| c.is_control() || c == ' ')
        || ["%2e", "%2f", "%5c", "%00", "%25"]
            .iter()
            .any(|e| lower.contains(e))
        || path.split('/').any(|s| s == "." || s == "..");
    if unsafe_path || query.is_some_and(|q| q.chars().any(|c| c.is_control() || c == ' ')) {
        return Err(Refusal::UnsafePath);
    }
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    // Okta's management API: `/api/…`, and the few families under a product name
    // (`/attack-protection/api/v1/…`, `/integrations/api/v1/…`).
    let managed = segments.first() == Some(&"api")
        || (segments.get(1) == Some(&"api") && segments.first() != Some(&"oauth2"));
    if !managed {
        return Err(Refusal::OutsideApi);
    }
    let joined = match query {
        Some(q) => format!("{path}?{q}"),
        None => path.to_owned(),
    };
    let url = org.join(&joined).map_err(|_| Refusal::UnsafePath)?;
    // The URL parser normalises; a path it changed is one the checks above did not foresee.
    if url.path() != path {
        return Err(Refusal::UnsafePath);
    }
    Ok(url)
}

/// The caller's headers sent on to Okta: what says what the caller wants and sends, nothing
/// that authorizes, routes or names the caller's connection.
pub(crate) const FORWARDED: [&str; 4] = [
    "accept",
    "accept-language",
    "user-agent",
    "x-okta-user-agent-extended",
];

/// Okta's headers not handed back: those of the connection (RFC 9110 §7.6.1), and cookies set
/// for the org's origin.
const DROPPED: [&str; 10] = [
    "connection",
    "keep-alive",
    "proxy-authenticate",
    "proxy-connection",
    "te",
    "trailer",
    "transfer-encoding",
    "upgrade",
    "set-cookie",
    "alt-svc",
];

/// Okta's answer headers as the caller gets them: hop-by-hop headers and cookies dropped,
/// `Link` and `Location` pointed at the bridge (`base`); a link elsewhere than the org is
/// dropped, so that a client following it does not take the bridge's secret there.
pub(crate) fn answer_headers(
    org: &OrgUrl,
    base: &str,
    headers: &[(String, String)],
) -> Vec<(String, String)> {
    let mut kept = Vec::with_capacity(headers.len());
    for (name, value) in headers {
        let lower = name.to_ascii_lowercase();
        if DROPPED.contains(&lower.as_str()) {
            continue;
        }
        match lower.as_str() {
            "link" => {
                let links = rewrite_links(org, base, value);
                if !links.is_empty() {
                    kept.push((name.clone(), links));
                }
            }
            "location" => {
                if let Some(at) = rebase(org, base, value.trim()) {
                    kept.push((name.clone(), at));
                }
            }
            _ => kept.push((name.clone(), value.clone())),
        }
    }
    kept
}

/// `url` on the bridge when it is on the org (or a path), `None` when it is elsewhere.
fn rebase(org: &OrgUrl, base: &str, url: &str) -> Option<String> {
    if url.starts_with('/') && !url.starts_with("//") {
        return Some(format!("{base}{url}"));
    }
    let origin = org.as_str();
    let rest = url.get(origin.len()..)?;
    (url[..origin.len()].eq_ignore_ascii_case(origin) && (rest.is_empty() || rest.starts_with('/')))
        .then(|| format!("{base}{rest}"))
}

/// A `Link` value (RFC 8288 §3: `<url>; params`, comma-separated) with each URL rebased, and
/// each link-value whose URL is elsewhere left out.
fn rewrite_links(org: &OrgUrl, base: &str, value: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    let mut rest = value;
    while let Some(open) = rest.find('<') {
        let Some(close) = rest[open..].find('>').map(|c| open + c) else {
            break;
        };
        let url = &rest[open + 1..close];
        // The parameters run to the next link-value: a comma outside quotes before a `<`.
        let after = &rest[close + 1..];
        let mut end = after.len();
        let mut quoted = false;
        for (i, c) in after.char_indices() {
            match c {
                '"' => quoted = !quoted,
                ',' if !quoted => {
                    end = i;
                    break;
                }
                _ => {}
            }
        }
        if let Some(at) = rebase(org, base, url.trim()) {
            out.push(format!("<{at}>{}", &after[..end]));
        }
        rest = after.get(end + 1..).unwrap_or_default();
    }
    out.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn org() -> OrgUrl {
        OrgUrl::parse("https://example.okta.com").unwrap_or_else(|_| unreachable!())
    }

    #[test]
    fn the_secret_is_asked_for_as_ssws_or_bearer() {
        let s = "s3cret-value";
        assert_eq!(caller_proof(Some(b"SSWS s3cret-value"), s), Ok(()));
        assert_eq!(caller_proof(Some(b"Bearer s3cret-value"), s), Ok(()));
        assert_eq!(caller_proof(Some(b"bearer  s3cret-value "), s), Ok(()));
        // As Okta's Python SDK sends it.
        assert_eq!(caller_proof(Some(b"SSWSs3cret-value"), s), Ok(()));
        assert_eq!(caller_proof(Some(b"Bearers3cret-value"), s), Ok(()));
        assert_eq!(caller_proof(Some(b"SSWSx"), s), Err(Refusal::WrongSecret));
        assert_eq!(caller_proof(None, s), Err(Refusal::NoSecret));
        assert_eq!(caller_proof(Some(b"Basic czM="), s), Err(Refusal::NoSecret));
        assert_eq!(caller_proof(Some(b"SSWS"), s), Err(Refusal::NoSecret));
        assert_eq!(
            caller_proof(Some(b"SSWS s3cret-valuf"), s),
            Err(Refusal::WrongSecret)
        );
        assert_eq!(caller_proof(Some(b"SSWS "), s), Err(Refusal::NoSecret));
        assert_eq!(caller_proof(Some(b"SSWS x"), s), Err(Refusal::WrongSecret));
        assert_eq!(
            caller_proof(Some(b"SSWS \xff"), s),
            Err(Refusal::WrongSecret)
        );
    }

    #[test]
    fn only_the_bridges_own_host_and_port() {
        assert!(own_host(Some(b"127.0.0.1:8080"), 8080));
        assert!(own_host(Some(b"localhost:8080"), 8080));
        assert!(own_host(Some(b"LOCALHOST:8080"), 8080));
        assert!(own_host(Some(b"[::1]:8080"), 8080));
        for foreign in [
            &b"127.0.0.1:8081"[..],
            b"127.0.0.1",
            b"evil.example:8080",
            b"localhost.evil.example:8080",
            b"127.0.0.1:8080:8080",
            b"",
            b"\xff:8080",
        ] {
            assert!(!own_host(Some(foreign), 8080), "{foreign:?}");
        }
        assert!(!own_host(None, 8080));
    }

    #[test]
    fn only_plain_paths_of_the_management_api() {
        let ok = |p: &str, q: Option<&str>| target(&org(), p, q).map(|u| u.to_string());
        assert_eq!(
            ok(
                "/api/v1/users",
                Some("limit=2&search=profile.login%20sw%20%22a%22")
            ),
            Ok(
                "https://example.okta.com/api/v1/users?limit=2&search=profile.login%20sw%20%22a%22"
                    .into()
            )
        );
        assert!(ok("/attack-protection/api/v1/user-lockout-settings", None).is_ok());
        for (path, refusal) in [
            ("/oauth2/v1/token", Refusal::OutsideApi),
            ("/oauth2/default/v1/token", Refusal::OutsideApi),
            ("/oauth2/api/x", Refusal::OutsideApi),
            ("/.well-known/openid-configuration", Refusal::OutsideApi),
            ("/", Refusal::OutsideApi),
            ("/login/default", Refusal::OutsideApi),
            ("/api/v1/../../oauth2/v1/token", Refusal::UnsafePath),
            ("/api/v1/%2e%2e/%2E%2E/oauth2/v1/token", Refusal::UnsafePath),
            ("/api/v1/.%2e/x", Refusal::UnsafePath),
            ("/api/v1/users/%2F..%2Foauth2", Refusal::UnsafePath),
            ("/api/v1/users/..\\..\\oauth2", Refusal::UnsafePath),
            ("/api/v1/./users", Refusal::UnsafePath),
            ("//evil.example/api/v1/users", Refusal::UnsafePath),
            ("/api//v1/users", Refusal::UnsafePath),
            ("/api/v1/users\u{0}", Refusal::UnsafePath),
            ("/api/v1/users%00", Refusal::UnsafePath),
            ("/api/v1/%252e%252e/x", Refusal::UnsafePath),
            ("api/v1/users", Refusal::UnsafePath),
        ] {
            assert_eq!(ok(path, None), Err(refusal), "{path}");
        }
        let long = format!("/api/v1/users/{}", "a".repeat(MAX_TARGET));
        assert_eq!(ok(&long, None), Err(Refusal::UnsafePath));
    }

    #[test]
    fn links_point_back_at_the_bridge_and_elsewhere_is_dropped() {
        let base = "http://127.0.0.1:9000";
        let headers = vec![
            (
                "link".to_owned(),
                r#"<https://example.okta.com/api/v1/users?limit=2>; rel="self""#.to_owned(),
            ),
            (
                "Link".to_owned(),
                r#"<https://example.okta.com/api/v1/users?after=00u2&limit=2>; rel="next", <https://evil.example/x>; rel="next", </api/v1/users>; rel="a,b""#.to_owned(),
            ),
            ("link".to_owned(), "<https://example.okta.com.evil.example/api>; rel=\"next\"".to_owned()),
            ("Location".to_owned(), "https://example.okta.com/api/v1/groups/00g1".to_owned()),
            ("location".to_owned(), "https://evil.example/api/v1/groups/00g1".to_owned()),
            ("Transfer-Encoding".to_owned(), "chunked".to_owned()),
            ("set-cookie".to_owned(), "sid=1".to_owned()),
            ("x-rate-limit-remaining".to_owned(), "599".to_owned()),
        ];
        let got = answer_headers(&org(), base, &headers);
        let expected: Vec<(String, String)> = [
            ("link", r#"<http://127.0.0.1:9000/api/v1/users?limit=2>; rel="self""#),
            (
                "Link",
                r#"<http://127.0.0.1:9000/api/v1/users?after=00u2&limit=2>; rel="next",<http://127.0.0.1:9000/api/v1/users>; rel="a,b""#,
            ),
            ("Location", "http://127.0.0.1:9000/api/v1/groups/00g1"),
            ("x-rate-limit-remaining", "599"),
        ]
        .iter()
        .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
        .collect();
        assert_eq!(got, expected);
    }
}
