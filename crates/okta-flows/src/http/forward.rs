//! A caller's request sent on as it is, for the bridge: Okta's status, headers and body come
//! back unjudged and unread (the body streams on), with this crate's `Authorization`, a DPoP
//! proof per attempt, the resource server's nonce challenge answered once, a rejected token
//! renewed once, and only idempotent requests repeated after a 503, a 504 or no answer.

use crate::error::{Error, Result};
use crate::http::auth::Credential;
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::transport::{Opened, header, open};

/// Okta's answer to a forwarded request, its body unread.
pub(crate) struct Forwarded {
    pub(crate) status: u16,
    pub(crate) headers: Vec<(String, String)>,
    pub(crate) body: ureq::Body,
}

impl Okta {
    /// Sends `method url` with the caller's `headers` (never an `Authorization` or `DPoP` of
    /// theirs: the caller filters them) and `body` (its media type and bytes), authorized by
    /// `cred`. Every answer Okta gives is returned, errors included; only a request that got
    /// no answer is an error.
    pub(crate) fn forward(
        &self,
        cred: &dyn Credential,
        method: Method,
        url: &url::Url,
        headers: &[(&str, &str)],
        body: Option<(&str, Vec<u8>)>,
    ) -> Result<Forwarded> {
        let origin = self.org_url().as_str().to_owned();
        let idempotent = method.is_idempotent();
        let retry = self.transport().retry;
        let (mut waits, mut challenged, mut renewed) = (0u32, false, false);
        loop {
            let (authorization, proof) = self.authorize(cred, &method, url)?;
            let mut sent: Vec<(&str, &str)> = headers.to_vec();
            sent.push(("Authorization", authorization.as_str()));
            if let Some(p) = &proof {
                sent.push(("DPoP", p.expose_secret()));
            }
            let retry_count = waits.to_string();
            if waits > 0 {
                sent.push(("X-Okta-Retry-Count", retry_count.as_str()));
            }
            let start = std::time::Instant::now();
            let opened = open(&self.transport().agent, &method, url, &sent, body.clone());
            self.trace(
                &method,
                url,
                start,
                opened.as_ref().ok().map(|o| o.status),
                None,
                None,
            );
            let Opened {
                status,
                headers: answer,
                body: unread,
                ..
            } = match opened {
                Ok(o) => o,
                Err(Error::Transport { .. }) if idempotent && waits < retry.max_retries => {
                    waits += 1;
                    std::thread::sleep(self.backoff(waits));
                    continue;
                }
                Err(e) => return Err(e),
            };
            let said = |name: &str| header(&answer, name);
            self.dpop().remember_nonce(&origin, said("dpop-nonce"));
            match status {
                // RFC 9449 §9: the resource server wants a nonce; it refused before acting, so
                // any request may be sent again, once.
                401 if proof.is_some()
                    && !challenged
                    && said("www-authenticate").is_some_and(|h| h.contains("use_dpop_nonce")) =>
                {
                    challenged = true;
                    continue;
                }
                401 => {
                    cred.rejected();
                    if idempotent && !renewed && cred.renewable() {
                        renewed = true;
                        continue;
                    }
                }
                503 | 504 if idempotent && waits < retry.max_retries => {
                    waits += 1;
                    std::thread::sleep(self.backoff(waits));
                    continue;
                }
                _ => {}
            }
            return Ok(Forwarded {
                status,
                headers: answer,
                body: unread,
            });
        }
    }
}
