//! The org URL: `https://` and a host, nothing else.

use std::fmt;

use crate::error::{Error, Result};

/// An Okta org URL: `https://` and a host (and port), no path, query, fragment or user info.
///
/// `http://` is accepted only for loopback addresses and only through
/// [`OrgUrl::dangerous_allow_loopback_http`], which exists for the local emulator.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct OrgUrl(url::Url);

impl OrgUrl {
    /// Parses an `https://` org URL, normalised to scheme, host and port.
    pub fn parse(text: &str) -> Result<OrgUrl> {
        let url = parse(text)?;
        if url.scheme() != "https" {
            return Err(Error::OrgUrl {
                reason: "it must use https:// (http:// only for a local emulator, with the loopback opt-in)",
            });
        }
        Ok(OrgUrl(url))
    }

    /// Whether the org is on this machine (`127.0.0.0/8`, `[::1]`, `localhost`).
    pub fn is_loopback(&self) -> bool {
        is_loopback(&self.0)
    }

    /// Like [`OrgUrl::parse`], but also accepts `http://` when the host is a loopback address
    /// (`127.0.0.1`, `[::1]`, `localhost`): for the local emulator only. Tokens sent over plain
    /// HTTP to anything else could be read on the way, so other hosts are still refused.
    pub fn dangerous_allow_loopback_http(text: &str) -> Result<OrgUrl> {
        let url = parse(text)?;
        let loopback = is_loopback(&url);
        match url.scheme() {
            "https" => Ok(OrgUrl(url)),
            "http" if loopback => Ok(OrgUrl(url)),
            _ => Err(Error::OrgUrl {
                reason: "http:// is allowed for loopback addresses only",
            }),
        }
    }

    /// Splits an issuer as Okta writes it into the org and the custom authorization server it
    /// names: `https://example.okta.com/oauth2/default` is the org and `default`; an org URL
    /// alone (the org authorization server's issuer) names none.
    ///
    /// ```
    /// use okta_flows::OrgUrl;
    /// assert_eq!(OrgUrl::split_issuer("https://example.okta.com/oauth2/aus1/"), ("https://example.okta.com", Some("aus1")));
    /// assert_eq!(OrgUrl::split_issuer("https://example.okta.com"), ("https://example.okta.com", None));
    /// ```
    pub fn split_issuer(text: &str) -> (&str, Option<&str>) {
        let trimmed = text.trim().trim_end_matches('/');
        match trimmed.split_once("/oauth2/") {
            Some((org, id)) => (org, Some(id)),
            None => (trimmed, None),
        }
    }

    /// The URL as text, without a trailing slash: `https://example.okta.com`.
    pub fn as_str(&self) -> &str {
        self.0.as_str().trim_end_matches('/')
    }

    /// `origin + path` as a URL. The path must start with `/`, and the URL must stay on this
    /// origin: `.evil.example/x` would otherwise make `https://org.okta.com.evil.example/x`.
    pub(crate) fn join(&self, path: &str) -> Result<url::Url> {
        let refuse = |reason| Error::InvalidInput {
            what: "the path",
            reason,
        };
        if !path.starts_with('/') || path.starts_with("//") {
            return Err(refuse(
                "a path on the org starts with a single / (/api/v1/users)",
            ));
        }
        let url = url::Url::parse(&format!("{}{path}", self.as_str()))
            .map_err(|_| refuse("it does not make a URL"))?;
        if !self.same_origin(&url) {
            return Err(refuse("it leaves the org"));
        }
        Ok(url)
    }

    /// Whether `url` has this org's scheme, host and port.
    pub(crate) fn same_origin(&self, url: &url::Url) -> bool {
        self.0.origin() == url.origin()
    }
}

fn parse(text: &str) -> Result<url::Url> {
    let url = url::Url::parse(text.trim()).map_err(|_| Error::OrgUrl {
        reason: "it does not parse as a URL",
    })?;
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::OrgUrl {
            reason: "it has no host",
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::OrgUrl {
            reason: "it must not carry user info",
        });
    }
    if url.query().is_some() || url.fragment().is_some() || !matches!(url.path(), "" | "/") {
        return Err(Error::OrgUrl {
            reason: "give the org URL only (https://example.okta.com), without a path",
        });
    }
    Ok(url)
}

impl fmt::Display for OrgUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        Some(url::Host::Domain(d)) => d == "localhost",
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn org_urls() -> Result<()> {
        assert_eq!(
            OrgUrl::parse("https://Example.OKTA.com:443/")?.as_str(),
            "https://example.okta.com"
        );
        assert_eq!(
            OrgUrl::parse(" https://example.okta.com ")?.as_str(),
            "https://example.okta.com"
        );
        for bad in [
            "http://example.okta.com",
            "https://example.okta.com/oauth2",
            "https://u:p@x.com",
            "https://x.com?q",
            "x.com",
            "ftp://x.com",
        ] {
            assert!(OrgUrl::parse(bad).is_err(), "{bad}");
        }
        assert_eq!(
            OrgUrl::dangerous_allow_loopback_http("http://127.0.0.1:8080")?.as_str(),
            "http://127.0.0.1:8080"
        );
        assert!(
            OrgUrl::dangerous_allow_loopback_http("http://[::1]:9")?
                .as_str()
                .starts_with("http://[::1]")
        );
        assert!(OrgUrl::dangerous_allow_loopback_http("http://localhost:1").is_ok());
        assert!(OrgUrl::dangerous_allow_loopback_http("http://example.okta.com").is_err());
        assert!(OrgUrl::dangerous_allow_loopback_http("http://127.0.0.1.evil.com").is_err());
        Ok(())
    }
}
