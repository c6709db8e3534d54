//! Fault injection: per route, for the next N requests, always, or by
//! probability. Some faults replace the response; others bend a normal one.

use std::str::FromStr;
use std::sync::Mutex;

use serde_json::Value;

/// Why a fault rule could not be made.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum FaultError {
    /// A route name the emulator does not have.
    #[error("unknown route {0:?}: one of {names}", names = FaultRoute::names())]
    UnknownRoute(String),
    /// A probability that is not a number from 0 to 1.
    #[error("a probability is a number from 0 to 1, not {0}")]
    Probability(f64),
    /// A rule's text that does not read as `ROUTE:FAULT[:TRIGGER]`.
    #[error("{0}")]
    Syntax(String),
}

/// Which requests a fault applies to: one route of the emulator (the `endpoint` of its
/// [`Event`](crate::Event)s), or all of them. A typo does not compile; as text (`users`,
/// `*`) it is parsed with a typed error.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FaultRoute {
    /// `*`: every route.
    Any,
    /// `discovery`: `/.well-known/…`.
    Discovery,
    /// `keys`: `/oauth2/v1/keys`.
    Keys,
    /// `token`: `/oauth2/v1/token`.
    Token,
    /// `authorize`: `/oauth2/v1/authorize`.
    Authorize,
    /// `device_authorize`: `/oauth2/v1/device/authorize`.
    DeviceAuthorize,
    /// `sign_in`: the sign-in page.
    SignIn,
    /// `activate`: the device activation page.
    Activate,
    /// `revoke`: `/oauth2/v1/revoke`.
    Revoke,
    /// `introspect`: `/oauth2/v1/introspect`.
    Introspect,
    /// `roles`: `/oauth2/v1/clients/{id}/roles`.
    Roles,
    /// `clients`: `/oauth2/v1/clients` (Dynamic Client Registration).
    Clients,
    /// `grants`: `/api/v1/apps/{id}/grants`.
    Grants,
    /// `app_keys`: `/api/v1/apps/{id}/credentials/jwks`.
    AppKeys,
    /// `app_secrets`: `/api/v1/apps/{id}/credentials/secrets`.
    AppSecrets,
    /// `app_users`: `/api/v1/apps/{id}/users`.
    AppUsers,
    /// `app_groups`: `/api/v1/apps/{id}/groups`.
    AppGroups,
    /// `user_roles`: `/api/v1/users/{id}/roles`.
    UserRoles,
    /// `apps`: the rest of `/api/v1/apps`.
    Apps,
    /// `users`: the rest of `/api/v1/users`.
    Users,
    /// `groups`: `/api/v1/groups`.
    Groups,
    /// `iam`: `/api/v1/iam` (custom roles, resource sets).
    Iam,
    /// `api_tokens`: `/api/v1/api-tokens` (the org's SSWS API tokens).
    ApiTokens,
    /// `api`: any other `/api/…` path.
    Api,
    /// `other`: anything else.
    Other,
}

impl FaultRoute {
    const ALL: [FaultRoute; 25] = [
        FaultRoute::Any,
        FaultRoute::Discovery,
        FaultRoute::Keys,
        FaultRoute::Token,
        FaultRoute::Authorize,
        FaultRoute::DeviceAuthorize,
        FaultRoute::SignIn,
        FaultRoute::Activate,
        FaultRoute::Revoke,
        FaultRoute::Introspect,
        FaultRoute::Roles,
        FaultRoute::Clients,
        FaultRoute::Grants,
        FaultRoute::AppKeys,
        FaultRoute::AppSecrets,
        FaultRoute::AppUsers,
        FaultRoute::AppGroups,
        FaultRoute::UserRoles,
        FaultRoute::Apps,
        FaultRoute::Users,
        FaultRoute::Groups,
        FaultRoute::Iam,
        FaultRoute::ApiTokens,
        FaultRoute::Api,
        FaultRoute::Other,
    ];

    /// The route's name, as events report it (`*` for every route).
    pub fn name(self) -> &'static str {
        match self {
            FaultRoute::Any => "*",
            FaultRoute::Discovery => "discovery",
            FaultRoute::Keys => "keys",
            FaultRoute::Token => "token",
            FaultRoute::Authorize => "authorize",
            FaultRoute::DeviceAuthorize => "device_authorize",
            FaultRoute::SignIn => "sign_in",
            FaultRoute::Activate => "activate",
            FaultRoute::Revoke => "revoke",
            FaultRoute::Introspect => "introspect",
            FaultRoute::Roles => "roles",
            FaultRoute::Clients => "clients",
            FaultRoute::Grants => "grants",
            FaultRoute::AppKeys => "app_keys",
            FaultRoute::AppSecrets => "app_secrets",
            FaultRoute::AppUsers => "app_users",
            FaultRoute::AppGroups => "app_groups",
            FaultRoute::UserRoles => "user_roles",
            FaultRoute::Apps => "apps",
            FaultRoute::Users => "users",
            FaultRoute::Groups => "groups",
            FaultRoute::Iam => "iam",
            FaultRoute::ApiTokens => "api_tokens",
            FaultRoute::Api => "api",
            FaultRoute::Other => "other",
        }
    }

    /// Whether a request of the route named `route` is one this applies to.
    pub(crate) fn covers(self, route: &str) -> bool {
        self == FaultRoute::Any || self.name() == route
    }

    fn names() -> String {
        FaultRoute::ALL.map(FaultRoute::name).join(", ")
    }
}

impl FromStr for FaultRoute {
    type Err = FaultError;

    fn from_str(s: &str) -> Result<FaultRoute, FaultError> {
        FaultRoute::ALL
            .into_iter()
            .find(|r| r.name() == s)
            .ok_or_else(|| FaultError::UnknownRoute(s.to_owned()))
    }
}

/// A probability from 0 to 1, checked when made (NaN and values outside are refused).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Probability(f64);

impl Probability {
    /// `p`, when it is a number from 0 to 1.
    pub fn new(p: f64) -> Result<Probability, FaultError> {
        if (0.0..=1.0).contains(&p) {
            Ok(Probability(p))
        } else {
            Err(FaultError::Probability(p))
        }
    }

    /// The number.
    pub fn get(self) -> f64 {
        self.0
    }
}

/// What `X-Rate-Limit-Reset` says on an injected 429.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
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
#[non_exhaustive]
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
#[non_exhaustive]
pub enum Trigger {
    /// For the next N requests it applies to.
    Next(u32),
    /// Always.
    Always,
    /// With this probability, drawn from the org's random source.
    Probability(Probability),
}

/// A fault for a route.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct FaultRule {
    /// The route.
    pub route: FaultRoute,
    /// The fault.
    pub fault: Fault,
    /// When.
    pub trigger: Trigger,
}

impl FaultRule {
    /// A rule for the next `n` requests of a route.
    pub fn next(route: FaultRoute, n: u32, fault: Fault) -> FaultRule {
        FaultRule {
            route,
            fault,
            trigger: Trigger::Next(n),
        }
    }

    /// A rule that always fires on a route.
    pub fn always(route: FaultRoute, fault: Fault) -> FaultRule {
        FaultRule {
            route,
            fault,
            trigger: Trigger::Always,
        }
    }

    /// A rule that fires on a request of a route with probability `p`.
    pub fn sometimes(route: FaultRoute, p: Probability, fault: Fault) -> FaultRule {
        FaultRule {
            route,
            fault,
            trigger: Trigger::Probability(p),
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
    type Err = FaultError;

    fn from_str(s: &str) -> Result<FaultRule, FaultError> {
        parse_rule(s).map_err(|e| match e {
            Parsed::Typed(e) => e,
            Parsed::Text(text) => FaultError::Syntax(text),
        })
    }
}

/// An error of [`parse_rule`]: typed, or a sentence about the rule's syntax.
enum Parsed {
    Typed(FaultError),
    Text(String),
}

impl From<String> for Parsed {
    fn from(text: String) -> Parsed {
        Parsed::Text(text)
    }
}

impl From<&str> for Parsed {
    fn from(text: &str) -> Parsed {
        Parsed::Text(text.to_owned())
    }
}

impl From<FaultError> for Parsed {
    fn from(e: FaultError) -> Parsed {
        Parsed::Typed(e)
    }
}

fn parse_rule(s: &str) -> Result<FaultRule, Parsed> {
    {
        let mut parts = s.splitn(3, ':');
        let route: FaultRoute = parts
            .next()
            .filter(|r| !r.is_empty())
            .ok_or("missing route")?
            .parse()?;
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
                _ => return Err(format!("unknown fault {code:?}").into()),
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
                    Ok(p) => Trigger::Probability(Probability::new(p)?),
                    Err(_) => return Err(format!("probability must be 0 to 1, got {p:?}").into()),
                },
                _ => return Err(format!("unknown trigger {t:?} (next=N, always, p=P)").into()),
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Every route a rule can name is one the emulator classifies requests into, so a rule
    /// for it can fire.
    #[test]
    fn every_fault_route_is_a_route_of_the_emulator() {
        let samples = [
            "/.well-known/openid-configuration",
            "/oauth2/v1/keys",
            "/oauth2/v1/token",
            "/oauth2/v1/authorize",
            "/oauth2/v1/device/authorize",
            "/login/sign-in",
            "/activate",
            "/oauth2/v1/revoke",
            "/oauth2/v1/introspect",
            "/oauth2/v1/clients/0oa1/roles",
            "/oauth2/v1/clients",
            "/api/v1/apps/0oa1/grants",
            "/api/v1/apps/0oa1/credentials/jwks",
            "/api/v1/apps/0oa1/credentials/secrets",
            "/api/v1/apps/0oa1/users",
            "/api/v1/apps/0oa1/groups",
            "/api/v1/users/00u1/roles",
            "/api/v1/apps",
            "/api/v1/users",
            "/api/v1/groups",
            "/api/v1/iam/roles",
            "/api/v1/api-tokens",
            "/api/v1/meta",
            "/nowhere",
        ];
        let classified: Vec<&str> = samples
            .iter()
            .map(|p| crate::routes::classify(p).name)
            .collect();
        for route in FaultRoute::ALL {
            assert!(
                route == FaultRoute::Any || classified.contains(&route.name()),
                "{route:?} names no route the emulator has"
            );
            assert_eq!(route.name().parse::<FaultRoute>(), Ok(route));
        }
        assert_eq!(classified.len(), FaultRoute::ALL.len() - 1);
    }
}
