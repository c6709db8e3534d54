//! Okta's two error shapes, with Okta's exact texts (Okta's "Error codes" reference; RFC 6749 §5.2 for the OAuth shape).

use serde_json::json;

use crate::http::Resp;

/// An OAuth error (`{"error","error_description"}`), with the no-cache headers Okta sends.
pub(crate) fn oauth(status: u16, error: &str, description: &str) -> Resp {
    Resp::json(
        status,
        &json!({"error": error, "error_description": description}),
    )
    .with_header("Cache-Control", "no-cache, no-store")
    .with_header("Pragma", "no-cache")
    .outcome(error)
}

/// A management API error (`{"errorCode","errorSummary","errorLink","errorId","errorCauses"}`).
pub(crate) fn okta(status: u16, code: &str, summary: &str, causes: &[String]) -> Resp {
    let causes: Vec<_> = causes.iter().map(|c| json!({"errorSummary": c})).collect();
    static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let n = NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let id = format!("oae{n:022}");
    Resp::json(
        status,
        &json!({"errorCode": code, "errorSummary": summary, "errorLink": code, "errorId": id, "errorCauses": causes}),
    )
    .outcome(code)
}

pub(crate) fn validation(what: &str, causes: &[String]) -> Resp {
    okta(
        400,
        "E0000001",
        &format!("Api validation failed: {what}"),
        causes,
    )
}

pub(crate) fn not_found(what: &str) -> Resp {
    okta(
        404,
        "E0000007",
        &format!("Not found: Resource not found: {what}"),
        &[],
    )
}

pub(crate) fn invalid_token() -> Resp {
    okta(401, "E0000011", "Invalid token provided", &[])
}

pub(crate) fn no_permission() -> Resp {
    okta(
        403,
        "E0000006",
        "You do not have permission to perform the requested action",
        &[],
    )
}

pub(crate) fn method_not_allowed() -> Resp {
    okta(
        405,
        "E0000022",
        "The endpoint does not support the provided HTTP method",
        &[],
    )
}

pub(crate) fn bad_media_type() -> Resp {
    okta(
        400,
        "E0000021",
        "Bad request. Accept and/or Content-Type headers likely do not match supported values.",
        &[],
    )
}

pub(crate) fn malformed_body() -> Resp {
    okta(
        400,
        "E0000003",
        "The request body was not well-formed.",
        &[],
    )
}

/// The assertion failures: all 401 `invalid_client`.
pub(crate) fn client(description: &str) -> Resp {
    oauth(401, "invalid_client", description)
}

pub(crate) const ALGS_LIST: &str = "RS256 RS384 RS512 ES256 ES384 ES512";

pub(crate) fn safe(id: &str) -> String {
    // Okta echoes an id as it was given (`non-existent-role-id`, recorded 2025): the characters
    // of ids, labels and logins are kept; anything else is dropped.
    id.chars()
        .filter(|c| c.is_ascii_alphanumeric() || "-_.@".contains(*c))
        .take(40)
        .collect()
}
