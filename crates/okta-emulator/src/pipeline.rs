//! One request through the org: rate limits, injected faults, the route's handler, the event
//! log, and saving the state file after a change.

use crate::event::Event;
use crate::http::{Req, Resp};
use crate::org::Org;
use crate::routes;

/// The full pipeline for one request.
pub(crate) fn handle(org: &Org, req: &Req) -> Resp {
    let route = routes::classify(&req.path);
    let resp = match rate_limit(org, &route) {
        Err(limited) => limited,
        Ok(headers) => {
            let resp = match org.faults.before(req, &route, org) {
                Some(fault) => fault,
                None => {
                    let normal = routes::dispatch(org, req, &route);
                    org.faults.after(req, &route, normal, org)
                }
            };
            // A response that speaks for itself about rate limits (an injected 429) keeps
            // exactly what it says, including a missing reset.
            let has_own = resp
                .headers
                .iter()
                .any(|(h, _)| h.to_ascii_lowercase().starts_with("x-rate-limit-"));
            if has_own {
                resp
            } else {
                headers
                    .into_iter()
                    .fold(resp, |r, (n, v)| r.with_header(&n, v))
            }
        }
    };
    log(org, req, &route, &resp);
    if matches!(route.bucket, "management" | "users") && req.method != "GET" && resp.status < 300 {
        org.save_now();
    }
    resp
}

/// Counts the request in its endpoint's 60-second window; `Err` is Okta's 429. Each endpoint
/// family (users, apps, groups, grants, the token endpoint, …) has its own window, as Okta's
/// per-endpoint buckets do (a burst of user listings leaves app calls alone), with the limit of
/// its kind (`Config::rate_limits`).
fn rate_limit(org: &Org, route: &routes::Route) -> Result<Vec<(String, String)>, Resp> {
    let bucket = route.bucket;
    let limit = match bucket {
        "oauth" => org.config.rate_limits.oauth,
        "users" => org.config.rate_limits.users,
        "management" => org.config.rate_limits.management,
        _ => return Ok(Vec::new()),
    };
    let now = org.now();
    let mut state = org.state();
    let window = state.windows.entry(route.name).or_insert((now, 0));
    if now >= window.0 + 60 {
        *window = (now, 0);
    }
    let reset = window.0 + 60;
    let headers = |remaining: u32| {
        vec![
            ("X-Rate-Limit-Limit".to_owned(), limit.to_string()),
            ("X-Rate-Limit-Remaining".to_owned(), remaining.to_string()),
            ("X-Rate-Limit-Reset".to_owned(), reset.to_string()),
        ]
    };
    if window.1 >= limit {
        let mut resp = crate::errors::okta(
            429,
            "E0000047",
            "API call exceeded rate limit due to too many requests.",
            &[],
        );
        resp.headers.extend(headers(0));
        return Err(resp);
    }
    window.1 += 1;
    Ok(headers(limit - window.1))
}

fn log(org: &Org, req: &Req, route: &routes::Route, resp: &Resp) {
    let event = Event {
        request_id: req.request_id.clone(),
        method: req.method.clone(),
        endpoint: route.name.to_owned(),
        path: req.path.clone(),
        status: resp.status,
        outcome: resp.outcome.clone(),
        query_had_credentials: routes::query_has_credentials(req),
        time: org.now(),
    };
    let keep = org.config.event_log;
    if keep == 0 {
        return;
    }
    let mut state = org.state();
    while state.events.len() >= keep {
        state.events.pop_front();
    }
    state.events.push_back(event);
}
