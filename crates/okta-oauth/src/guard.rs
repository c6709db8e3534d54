//! Secrets where a path or a name belongs. People paste a key, a JWT or an API token into the
//! command line (`--private-key "$(cat key.pem)"`, `decode "$JWT"`); clap would then quote it in
//! its error, and the shell history and `ps` keep it. Such text is recognised here, before clap
//! parses anything, and refused without being shown.

use std::ffi::OsString;

/// What `text` looks like, when it looks like a secret.
pub(crate) fn secret_like(text: &str) -> Option<&'static str> {
    let t = text.trim();
    if t.contains("-----BEGIN") || t.contains("PRIVATE KEY-----") {
        return Some("a PEM key");
    }
    // A JWK, or a piece of one (its `{` lost on the way).
    if t.contains("\"kty\"") || t.contains("\"d\":") || t.contains("\"d\" :") {
        return Some("a JWK");
    }
    let b64url = |s: &str| {
        !s.is_empty()
            && s.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
    };
    let parts: Vec<&str> = t.split('.').collect();
    if t.starts_with("eyJ")
        && parts.len() == 3
        && parts[..2].iter().all(|p| b64url(p))
        && t.len() > 40
    {
        return Some("a JWT");
    }
    if t.len() == 42 && t.starts_with("00") && b64url(t) {
        return Some("an Okta API token");
    }
    let base64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=' | b'-' | b'_');
    if t.len() >= 120
        && !t.contains('.')
        && t.bytes().all(|b| base64(b) || b == b'\n' || b == b'\r')
    {
        return Some("base64 key material");
    }
    None
}

/// [`secret_like`], and for text given where a file path belongs also a bare token: 32 or more
/// base64url characters with no `/` or `.` (a client secret, an access token), which a real
/// path seldom is; it is not echoed in messages.
pub(crate) fn secret_like_path(text: &str) -> Option<&'static str> {
    secret_like(text).or_else(|| {
        let t = text.trim();
        let bare = t.len() >= 32
            && t.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
            && t.bytes().any(|b| b.is_ascii_digit())
            && t.bytes().any(|b| b.is_ascii_alphabetic());
        bare.then_some("a secret or token")
    })
}

/// The first argument that looks like a secret: its position (1-based) and what it looks like.
/// For `--flag=value`, the value is what is judged.
pub(crate) fn secret_argument(args: &[OsString]) -> Option<(usize, &'static str)> {
    args.iter().enumerate().skip(1).find_map(|(i, arg)| {
        let text = arg.to_string_lossy();
        let value = match text.strip_prefix("--").and_then(|t| t.split_once('=')) {
            Some((_, value)) => value,
            None => &text,
        };
        secret_like(value).map(|what| (i, what))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secrets_are_recognised_and_paths_are_not() {
        let jwt = "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIwb2ExIiwiZXhwIjoxfQ.c2lnbmF0dXJlLWJ5dGVz";
        for (text, what) in [
            (
                "-----BEGIN PRIVATE KEY-----\nMIIE…\n-----END PRIVATE KEY-----",
                "a PEM key",
            ),
            (r#"{"kty":"EC","crv":"P-256","d":"x"}"#, "a JWK"),
            (jwt, "a JWT"),
            (
                "00abcdefghijklmnopqrstuvwxyzABCDEFGHIJ0123",
                "an Okta API token",
            ),
            (
                &"MIIEvQIBADANBgkqhkiG9w0BAQEFAASC".repeat(5),
                "base64 key material",
            ),
        ] {
            assert_eq!(secret_like(text), Some(what), "{text}");
        }
        for path in [
            "key.pem",
            "/home/me/.okta/service-key.pem",
            "-",
            "token.jwt",
            "https://example.okta.com/oauth2/v1/keys",
            "/api/v1/users?limit=200",
            "okta.users.read",
            "0oa1b2c3d4e5f6g7h8i9",
            "READ_ONLY_ADMIN",
        ] {
            assert_eq!(secret_like(path), None, "{path}");
        }
        let args: Vec<OsString> = [
            "okta-oauth",
            "token",
            "--private-key=-----BEGIN PRIVATE KEY-----x",
        ]
        .iter()
        .map(OsString::from)
        .collect();
        assert_eq!(secret_argument(&args), Some((2, "a PEM key")));
    }
}
