//! DPoP proof checks: RFC 9449 §4.3 and Okta's rules (Okta's DPoP guide).

use serde_json::{Map, Value};

use crate::http::Req;
use crate::jose;
use crate::org::Org;

/// How long a proof is accepted after its `iat` (Okta: five minutes).
const MAX_AGE: u64 = 300;

/// Why a proof was refused: Okta's `error` and `error_description`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) error: &'static str,
    pub(crate) description: &'static str,
}

const fn refuse(description: &'static str) -> Refusal {
    Refusal {
        error: "invalid_dpop_proof",
        description,
    }
}

pub(crate) const MISSING: Refusal = refuse("The DPoP proof JWT header is missing.");
const MULTIPLE: Refusal = refuse("Multiple DPoP proof JWT headers are not allowed.");
const INVALID: Refusal = refuse("The DPoP proof JWT is invalid.");
const TYP: Refusal = refuse("'typ' must be 'dpop+jwt' in the DPoP proof JWT.");
const ALG: Refusal = refuse("The DPoP proof JWT signature algorithm is invalid.");
const PARSE: Refusal = refuse("The DPoP proof JWT cannot be parsed.");
const SIGNATURE: Refusal = refuse("The DPoP proof JWT signature is invalid.");
const HTM: Refusal = refuse("'htm' claim in the DPoP proof JWT is invalid.");
const HTU: Refusal = refuse("'htu' claim in the DPoP proof JWT is invalid.");
const IAT: Refusal = refuse("'iat' claim in the DPoP proof JWT is invalid.");
const FUTURE: Refusal = refuse("The DPoP proof JWT is issued in the future.");
const TOO_OLD: Refusal = refuse("The DPoP proof JWT is issued more than five minutes in the past.");
const JTI: Refusal = refuse("'jti' claim in the DPoP proof JWT is invalid.");
const REPLAY: Refusal = refuse("The DPoP proof JWT has already been used.");
const ATH: Refusal =
    refuse("'ath' claim in the DPoP proof does not match the presented access_token.");
const BINDING: Refusal = refuse("The access_token is not bound to the provided DPoP proof.");
/// The nonce challenge (`400 use_dpop_nonce` with a fresh `DPoP-Nonce`).
pub(crate) const USE_NONCE: Refusal = Refusal {
    error: "use_dpop_nonce",
    description: "Authorization server requires nonce in DPoP proof.",
};

/// What the request demands of its proof.
pub(crate) struct Expect<'a> {
    /// The token endpoint requires a nonce; resource servers check one only when sent.
    pub(crate) nonce_required: bool,
    /// For resource requests: the access token (`ath`) and its `cnf.jkt`.
    pub(crate) token: Option<(&'a str, &'a str)>,
}

/// Checks the request's `DPoP` header; returns the proof key's thumbprint (`jkt`).
pub(crate) fn check(org: &Org, req: &Req, expect: &Expect<'_>) -> Result<String, Refusal> {
    let proofs = req.all("dpop");
    let proof = match proofs.as_slice() {
        [] => return Err(MISSING),
        [one] => *one,
        _ => return Err(MULTIPLE),
    };
    let jwt = jose::parse_compact(proof).ok_or(PARSE)?;
    let typ = jwt
        .header
        .get("typ")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !typ.eq_ignore_ascii_case("dpop+jwt") {
        return Err(TYP);
    }
    let alg = jwt
        .header
        .get("alg")
        .and_then(Value::as_str)
        .unwrap_or_default();
    if !jose::ALGS.contains(&alg) {
        return Err(ALG);
    }
    if jwt.header.contains_key("crit") {
        return Err(INVALID);
    }
    let jwk: &Map<String, Value> = jwt
        .header
        .get("jwk")
        .and_then(Value::as_object)
        .ok_or(INVALID)?;
    if jose::check_public_jwk(jwk).is_err() || !jose::alg_fits(jwk, alg) {
        return Err(INVALID);
    }
    if !jose::verify(jwk, alg, jwt.signing_input, &jwt.signature) {
        return Err(SIGNATURE);
    }
    let claims = &jwt.claims;
    if claims.get("htm").and_then(Value::as_str) != Some(req.method.as_str()) {
        return Err(HTM);
    }
    let htu = claims.get("htu").and_then(Value::as_str).ok_or(HTU)?;
    if !htu_matches(org, htu, &req.path) {
        return Err(HTU);
    }
    let iat = claims.get("iat").and_then(Value::as_u64).ok_or(IAT)?;
    let now = org.now();
    if iat > now.saturating_add(org.config.leeway) {
        return Err(FUTURE);
    }
    if now > iat.saturating_add(MAX_AGE) {
        return Err(TOO_OLD);
    }
    let jti = claims
        .get("jti")
        .and_then(Value::as_str)
        .filter(|j| !j.is_empty() && j.len() <= 256)
        .ok_or(JTI)?;
    match claims.get("nonce") {
        Some(Value::String(n)) if nonce_valid(org, n) => {}
        Some(_) if expect.nonce_required => return Err(USE_NONCE),
        Some(_) => return Err(INVALID),
        None if expect.nonce_required => return Err(USE_NONCE),
        None => {}
    }
    let jkt = jose::thumbprint(jwk).ok_or(INVALID)?;
    if let Some((token, bound)) = expect.token {
        let ath = jose::b64(ring::digest::digest(&ring::digest::SHA256, token.as_bytes()).as_ref());
        if claims.get("ath").and_then(Value::as_str) != Some(ath.as_str()) {
            return Err(ATH);
        }
        if jkt != bound {
            return Err(BINDING);
        }
    }
    // Replay: one use per target URI while the proof is fresh (RFC 9449 §11.1).
    let key = (normalise(htu).unwrap_or_default(), jti.to_owned());
    let mut state = org.state();
    state.proof_jtis.retain(|_, until| *until > now);
    if state
        .proof_jtis
        .insert(
            key,
            iat.saturating_add(MAX_AGE)
                .saturating_add(org.config.leeway),
        )
        .is_some()
    {
        return Err(REPLAY);
    }
    Ok(jkt)
}

/// The current DPoP nonce (changes every `nonce_period`; the previous two stay valid).
pub(crate) fn current_nonce(org: &Org) -> String {
    nonce_for(org, org.now() / org.config.nonce_period.max(1))
}

fn nonce_for(org: &Org, period: u64) -> String {
    let key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &org.nonce_secret);
    let tag = ring::hmac::sign(&key, &period.to_be_bytes());
    jose::b64(&tag.as_ref()[..24])
}

fn nonce_valid(org: &Org, nonce: &str) -> bool {
    let now = org.now() / org.config.nonce_period.max(1);
    (0..3).any(|back| {
        now.checked_sub(back)
            .is_some_and(|p| nonce_for(org, p) == nonce)
    })
}

/// RFC 3986 §6.2.2–6.2.3 normalisation of an `htu`; `None` if it has a query or fragment or is
/// not an http(s) URL.
fn normalise(htu: &str) -> Option<String> {
    let url = url::Url::parse(htu).ok()?;
    if !matches!(url.scheme(), "http" | "https")
        || url.query().is_some()
        || url.fragment().is_some()
    {
        return None;
    }
    if htu.contains('?') || htu.contains('#') {
        return None;
    }
    Some(
        format!(
            "{}://{}{}",
            url.scheme(),
            url.host_str()?,
            port_suffix(&url)
        ) + &unreserved(url.path()),
    )
}

fn port_suffix(url: &url::Url) -> String {
    url.port().map(|p| format!(":{p}")).unwrap_or_default()
}

/// Decodes escapes of unreserved characters and uppercases the others.
fn unreserved(path: &str) -> String {
    let mut out = String::new();
    let b = path.as_bytes();
    let mut i = 0;
    while i < b.len() {
        if b[i] == b'%'
            && i + 2 < b.len()
            && let Ok(v) = u8::from_str_radix(&path[i + 1..i + 3], 16)
        {
            let c = char::from(v);
            if c.is_ascii_alphanumeric() || "-._~".contains(c) {
                out.push(c);
            } else {
                out.push_str(&format!("%{v:02X}"));
            }
            i += 3;
            continue;
        }
        out.push(char::from(b[i]));
        i += 1;
    }
    out
}

fn htu_matches(org: &Org, htu: &str, request_path: &str) -> bool {
    let Some(claimed) = normalise(htu) else {
        return false;
    };
    let actual = normalise(&format!("{}{request_path}", org.base));
    if org.config.htu_okta_compat {
        // Okta appears to percent-decode the request path before comparing (okta-sdk-nodejs#453).
        let decoded = url::form_urlencoded::parse(
            format!("p={}", request_path.replace('+', "%2B")).as_bytes(),
        )
        .next()
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
        return claimed == format!("{}{decoded}", org.base);
    }
    actual.as_deref() == Some(claimed.as_str())
}
