//! Applying the configured faults (faults.rs) to one request of the org: some replace the
//! response before the handler runs, others bend the handler's response.

use serde_json::{Value, json};

use crate::faults::{Fault, FaultState, Reset, Trigger};
use crate::http::{Body, Req, Resp};
use crate::org::Org;
use crate::routes::Route;

impl FaultState {
    /// Takes the first rule for this route whose fault `applies`, counting it down.
    fn take(&self, route: &Route, org: &Org, applies: impl Fn(&Fault) -> bool) -> Option<Fault> {
        let mut rules = self.lock();
        let at = rules
            .iter()
            .position(|r| r.route.covers(route.name) && applies(&r.fault))?;
        let fire = match rules[at].trigger {
            Trigger::Always => true,
            Trigger::Next(n) => {
                if n <= 1 {
                    let fault = rules.remove(at).fault;
                    return Some(fault);
                }
                rules[at].trigger = Trigger::Next(n - 1);
                true
            }
            Trigger::Probability(p) => {
                let mut b = [0u8; 4];
                org.rng.fill(&mut b);
                f64::from(u32::from_be_bytes(b)) / f64::from(u32::MAX) < p.get()
            }
        };
        fire.then(|| rules[at].fault.clone())
    }

    /// Faults that replace the response before the handler runs.
    pub(crate) fn before(&self, _req: &Req, route: &Route, org: &Org) -> Option<Resp> {
        let fault = self.take(route, org, |f| {
            matches!(
                f,
                Fault::Status(_)
                    | Fault::Html(_)
                    | Fault::RateLimited(_)
                    | Fault::Concurrency
                    | Fault::TruncatedJson
                    | Fault::Huge(_)
                    | Fault::Stall(_)
                    | Fault::Redirect(_)
            ) || (route.name == "token" && *f == Fault::NonceForever)
        })?;
        let now = org.now();
        Some(match fault {
            Fault::Status(code) => {
                crate::errors::okta(code, "E0000009", "Internal Server Error", &[])
                    .outcome(format!("fault_{code}"))
            }
            Fault::Html(code) => {
                let page = format!(
                    "<html><head><title>{code} Bad Gateway</title></head><body><h1>{code} Bad Gateway</h1></body></html>"
                );
                let mut r = Resp::empty(code)
                    .with_header("Content-Type", "text/html")
                    .outcome(format!("fault_html_{code}"));
                r.body = Body::Bytes(page.into_bytes());
                r
            }
            Fault::RateLimited(reset) => {
                let mut r = crate::errors::okta(
                    429,
                    "E0000047",
                    "API call exceeded rate limit due to too many requests.",
                    &[],
                )
                .with_header("X-Rate-Limit-Limit", "600")
                .with_header("X-Rate-Limit-Remaining", "0");
                match reset {
                    Reset::In(s) => {
                        r = r.with_header("X-Rate-Limit-Reset", now.saturating_add(s).to_string());
                    }
                    Reset::Missing => {}
                    Reset::Garbage => r = r.with_header("X-Rate-Limit-Reset", "abc"),
                    Reset::Past => {
                        r = r
                            .with_header("X-Rate-Limit-Reset", now.saturating_sub(3600).to_string())
                    }
                    Reset::Far => r = r.with_header("X-Rate-Limit-Reset", "4102444800"),
                }
                r.outcome("fault_429")
            }
            Fault::Concurrency => crate::errors::okta(
                429,
                "E0000047",
                "API call exceeded rate limit due to too many requests.",
                &[],
            )
            .with_header("X-Rate-Limit-Limit", "0")
            .with_header("X-Rate-Limit-Remaining", "0")
            .with_header("X-Rate-Limit-Reset", (now + 1).to_string())
            .outcome("fault_concurrency"),
            Fault::TruncatedJson => {
                let mut r = Resp::empty(200)
                    .with_header("Content-Type", "application/json")
                    .outcome("fault_truncated");
                let cut: &[u8] = if route.name == "token" {
                    br#"{"access_token":"eyJ"#
                } else {
                    br#"[{"id":"00u"#
                };
                r.body = Body::Bytes(cut.to_vec());
                r
            }
            Fault::Huge(bytes) => {
                let mut body = Vec::with_capacity(bytes + 16);
                body.extend_from_slice(br#"{"pad":""#);
                body.resize(bytes.saturating_sub(2).max(body.len()), b'x');
                body.extend_from_slice(b"\"}");
                let mut r = Resp::empty(200)
                    .with_header("Content-Type", "application/json")
                    .outcome("fault_huge");
                r.body = Body::Bytes(body);
                r
            }
            Fault::Stall(ms) => {
                std::thread::sleep(std::time::Duration::from_millis(ms));
                return None;
            }
            Fault::Redirect(code) => Resp::empty(code)
                .with_header("Location", "https://evil.example/steal")
                .outcome(format!("fault_redirect_{code}")),
            Fault::NonceForever => crate::errors::oauth(
                400,
                "use_dpop_nonce",
                "Authorization server requires nonce in DPoP proof.",
            )
            .with_header("DPoP-Nonce", org.rng.token(24))
            .outcome("fault_nonce_forever"),
            _ => return None,
        })
    }

    /// Faults that bend a normal response.
    pub(crate) fn after(&self, req: &Req, route: &Route, mut resp: Resp, org: &Org) -> Resp {
        let is_nonce = resp.outcome == "use_dpop_nonce";
        let is_token_ok = route.name == "token" && resp.status == 200;
        let has_next = resp
            .headers
            .iter()
            .any(|(n, v)| n == "link" && v.contains("rel=\"next\""));
        let Some(fault) = self.take(route, org, |f| match f {
            Fault::WrongContentType | Fault::Slow(_) => true,
            Fault::LinkForeign => has_next,
            Fault::LinkLoop => route.name == "users" && resp.status == 200,
            Fault::NonceMissing | Fault::NonceDuplicate => is_nonce,
            Fault::TokenTypeBearer | Fault::ExpiresIn(_) => is_token_ok,
            _ => false,
        }) else {
            return resp;
        };
        match fault {
            Fault::WrongContentType => {
                resp.remove_header("content-type");
                resp = resp.with_header("Content-Type", "text/plain");
            }
            Fault::Slow(ms) => {
                let bytes = resp.body_bytes().to_vec();
                resp.body = Body::Slow {
                    bytes,
                    chunk: 16,
                    pause_ms: ms,
                };
            }
            Fault::LinkForeign => {
                for (n, v) in &mut resp.headers {
                    if n == "link" && v.contains("rel=\"next\"") {
                        *v = v.replace(&org.base, "https://evil.example");
                    }
                }
            }
            Fault::LinkLoop => {
                let this = format!(
                    "{}{}{}",
                    org.base,
                    req.path,
                    req.query
                        .as_deref()
                        .map(|q| format!("?{q}"))
                        .unwrap_or_default()
                );
                resp.headers
                    .retain(|(n, v)| !(n == "link" && v.contains("rel=\"next\"")));
                resp = resp.with_header("link", format!("<{this}>; rel=\"next\""));
            }
            Fault::NonceMissing => resp.remove_header("dpop-nonce"),
            Fault::NonceDuplicate => resp = resp.with_header("DPoP-Nonce", org.rng.token(24)),
            Fault::TokenTypeBearer | Fault::ExpiresIn(_) => {
                if let Ok(mut body) = serde_json::from_slice::<Value>(resp.body_bytes()) {
                    match fault {
                        Fault::ExpiresIn(v) => body["expires_in"] = v,
                        _ => body["token_type"] = json!("Bearer"),
                    }
                    resp.body = Body::Bytes(body.to_string().into_bytes());
                }
            }
            _ => {}
        }
        resp.outcome = format!("{}+fault", resp.outcome);
        resp
    }
}
