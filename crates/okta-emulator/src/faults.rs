//! Fault injection (checklist E13): per route, for the next N requests, always, or by
//! probability. Some faults replace the response; others bend a normal one.

use std::str::FromStr;
use std::sync::Mutex;

use serde_json::Value;

/// What `X-Rate-Limit-Reset` says on an injected 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Reset {
    /// This many seconds from now.
    In(u64),
    /// No header at all.
    Missing,
    /// `abc`.
    Garbage,
    /// An hour ago.
    Past,
    /// The year 2100.
    Far,
}

/// A fault.
#[derive(Debug, Clone, PartialEq)]
pub enum Fault {
    /// That status with Okta's E0000009 body (5xx).
    Status(u16),
    /// An HTML error page from a proxy, with that status.
    Html(u16),
    /// 429 E0000047 with the given reset header.
    RateLimited(Reset),
    /// The concurrency form of 429: `X-Rate-Limit-Limit: 0`, `-Remaining: 0`.
    Concurrency,
    /// 200 with JSON cut short.
    TruncatedJson,
    /// The normal response labelled `text/plain`.
    WrongContentType,
    /// 200 with a JSON body of this many bytes.
    Huge(usize),
    /// The normal response sent 16 bytes at a time, this many ms apart.
    Slow(u64),
    /// Nothing for this many ms, then the normal response.
    Stall(u64),
    /// A redirect (302 or 307) to `https://evil.example/…`.
    Redirect(u16),
    /// `Link: rel="next"` pointing at another host.
    LinkForeign,
    /// `Link: rel="next"` equal to the page just served.
    LinkLoop,
    /// `use_dpop_nonce` without a `DPoP-Nonce` header.
    NonceMissing,
    /// `use_dpop_nonce` with two `DPoP-Nonce` headers.
    NonceDuplicate,
    /// `use_dpop_nonce` on every token request, with a fresh nonce each time.
    NonceForever,
    /// `token_type: "Bearer"` on a DPoP token response.
    TokenTypeBearer,
    /// `expires_in` replaced by this JSON value (`0`, `-1`, `"3600"`, `1e12`, `null`).
    ExpiresIn(Value),
}

/// When a rule fires.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Trigger {
    /// For the next N requests it applies to.
    Next(u32),
    /// Always.
    Always,
    /// With this probability (0 to 1), drawn from the org's random source.
    Probability(f64),
}

/// A fault for a route (`token`, `users`, `grants`, `clients`, `apps`, `app_keys`, `roles`,
/// `authorize`, `revoke`, `introspect`, `keys`, `discovery`, or `*`).
#[derive(Debug, Clone, PartialEq)]
pub struct FaultRule {
    /// The route name.
    pub route: String,
    /// The fault.
    pub fault: Fault,
    /// When.
    pub trigger: Trigger,
}

impl FaultRule {
    /// A rule for the next `n` requests of a route.
    pub fn next(route: &str, n: u32, fault: Fault) -> FaultRule {
        FaultRule {
            route: route.to_owned(),
            fault,
            trigger: Trigger::Next(n),
        }
    }

    /// A rule that always fires on a route.
    pub fn always(route: &str, fault: Fault) -> FaultRule {
        FaultRule {
            route: route.to_owned(),
            fault,
            trigger: Trigger::Always,
        }
    }
}

/// Parses `ROUTE:FAULT[:TRIGGER]`, e.g. `users:503:next=2`, `token:nonce-missing`,
/// `*:429-garbage:p=0.1`. Faults: `500`…`599`, `html502`, `429`, `429-missing`,
/// `429-garbage`, `429-past`, `429-far`, `concurrency`, `truncated`, `content-type`,
/// `huge=BYTES`, `slow=MS`, `stall=MS`, `redirect`, `redirect307`, `link-foreign`, `link-loop`,
/// `nonce-missing`, `nonce-duplicate`, `nonce-forever`, `bearer`, `expires-in=JSON`.
/// Triggers: `next=N` (default `next=1`), `always`, `p=PROBABILITY`.
impl FromStr for FaultRule {
    type Err = String;

    fn from_str(s: &str) -> Result<FaultRule, String> {
        let mut parts = s.splitn(3, ':');
        let route = parts
            .next()
            .filter(|r| !r.is_empty())
            .ok_or("missing route")?
            .to_owned();
        let fault_text = parts
            .next()
            .ok_or("missing fault (ROUTE:FAULT[:TRIGGER])")?;
        let (name, arg) = fault_text
            .split_once('=')
            .map_or((fault_text, None), |(n, a)| (n, Some(a)));
        let num = |a: Option<&str>| {
            a.and_then(|v| v.parse::<u64>().ok())
                .ok_or(format!("{name} needs a number: {name}=N"))
        };
        let fault = match name {
            "html502" => Fault::Html(502),
            "429" => Fault::RateLimited(Reset::In(2)),
            "429-missing" => Fault::RateLimited(Reset::Missing),
            "429-garbage" => Fault::RateLimited(Reset::Garbage),
            "429-past" => Fault::RateLimited(Reset::Past),
            "429-far" => Fault::RateLimited(Reset::Far),
            "concurrency" => Fault::Concurrency,
            "truncated" => Fault::TruncatedJson,
            "content-type" => Fault::WrongContentType,
            "huge" => Fault::Huge(usize::try_from(num(arg)?).map_err(|e| e.to_string())?),
            "slow" => Fault::Slow(num(arg)?),
            "stall" => Fault::Stall(num(arg)?),
            "redirect" => Fault::Redirect(302),
            "redirect307" => Fault::Redirect(307),
            "link-foreign" => Fault::LinkForeign,
            "link-loop" => Fault::LinkLoop,
            "nonce-missing" => Fault::NonceMissing,
            "nonce-duplicate" => Fault::NonceDuplicate,
            "nonce-forever" => Fault::NonceForever,
            "bearer" => Fault::TokenTypeBearer,
            "expires-in" => Fault::ExpiresIn(
                serde_json::from_str(arg.ok_or("expires-in needs a JSON value")?)
                    .map_err(|e| e.to_string())?,
            ),
            code => match code.parse::<u16>() {
                Ok(c) if (500..600).contains(&c) => Fault::Status(c),
                _ => return Err(format!("unknown fault {code:?}")),
            },
        };
        let trigger = match parts.next() {
            None => Trigger::Next(1),
            Some("always") => Trigger::Always,
            Some(t) => match t.split_once('=') {
                Some(("next", n)) => {
                    Trigger::Next(n.parse().map_err(|_| format!("bad count in {t:?}"))?)
                }
                Some(("p", p)) => match p.parse::<f64>() {
                    Ok(p) if (0.0..=1.0).contains(&p) => Trigger::Probability(p),
                    _ => return Err(format!("probability must be 0 to 1, got {p:?}")),
                },
                _ => return Err(format!("unknown trigger {t:?} (next=N, always, p=P)")),
            },
        };
        Ok(FaultRule {
            route,
            fault,
            trigger,
        })
    }
}

pub(crate) struct FaultState {
    rules: Mutex<Vec<FaultRule>>,
}

impl FaultState {
    pub(crate) fn new(rules: Vec<FaultRule>) -> FaultState {
        FaultState {
            rules: Mutex::new(rules),
        }
    }

    pub(crate) fn add(&self, rule: FaultRule) {
        self.lock().push(rule);
    }

    pub(crate) fn clear(&self) {
        self.lock().clear();
    }

    pub(crate) fn lock(&self) -> std::sync::MutexGuard<'_, Vec<FaultRule>> {
        self.rules
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}
