//! Newtypes for the values that go into Okta's JWTs.

use std::fmt;

use crate::error::{Error, Result};

/// An OAuth client id, as Okta issues them (`0oa…`): 1 to 255 URL-safe characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ClientId(String);

impl ClientId {
    /// Checks and wraps a client id.
    pub fn new(id: impl Into<String>) -> Result<ClientId> {
        let id = id.into();
        if id.is_empty() {
            return Err(Error::ClientId {
                reason: "it is empty",
            });
        }
        if id.len() > 255 {
            return Err(Error::ClientId {
                reason: "it is longer than 255 characters",
            });
        }
        let unreserved = |c: char| c.is_ascii_alphanumeric() || matches!(c, '-' | '.' | '_' | '~');
        if !id.chars().all(unreserved) {
            return Err(Error::ClientId {
                reason: "only letters, digits and - . _ ~ are allowed",
            });
        }
        Ok(ClientId(id))
    }

    /// The id as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for ClientId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// The URL of the endpoint a client assertion is sent to, which Okta requires as its `aud`
/// (compared as an exact string, RFC 7523 §3): `https://{org}/oauth2/v1/token`, or the revoke or
/// introspect endpoint, of the org or a custom authorization server.
///
/// Held in the canonical form of the URL standard (lowercase scheme and host, no default port),
/// with no query, fragment or user info.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Endpoint(url::Url);

impl Endpoint {
    /// Parses an endpoint URL (`http` or `https`, with a host).
    pub fn parse(text: &str) -> Result<Endpoint> {
        let url = http_url(text)?;
        if url.query().is_some() || url.fragment().is_some() {
            return Err(Error::Url {
                reason: "an endpoint has no query or fragment",
            });
        }
        Ok(Endpoint(url))
    }

    /// The URL text, exactly as sent in `aud`.
    pub fn as_str(&self) -> &str {
        self.0.as_str()
    }

    /// The parsed URL.
    pub fn url(&self) -> &url::Url {
        &self.0
    }
}

impl fmt::Display for Endpoint {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Parses an absolute `http`/`https` URL with a host and no user info.
pub(crate) fn http_url(text: &str) -> Result<url::Url> {
    let url = url::Url::parse(text).map_err(|_| Error::Url {
        reason: "it does not parse as a URL",
    })?;
    if !matches!(url.scheme(), "http" | "https") {
        return Err(Error::Url {
            reason: "the scheme must be https (or http for loopback)",
        });
    }
    if url.host_str().is_none_or(str::is_empty) {
        return Err(Error::Url {
            reason: "it has no host",
        });
    }
    if !url.username().is_empty() || url.password().is_some() {
        return Err(Error::Url {
            reason: "it must not carry user info",
        });
    }
    Ok(url)
}

/// How long a client assertion is valid: 1 to 3599 seconds, 300 by default.
///
/// Okta rejects an `exp` more than one hour ahead; with any clock drift exactly one hour fails
/// too, so this type cannot hold 3600 or more.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Lifetime(u64);

impl Lifetime {
    /// The longest lifetime this type allows.
    pub const MAX: Lifetime = Lifetime(3599);

    /// Checks and wraps a lifetime in seconds.
    pub fn from_secs(seconds: u64) -> Result<Lifetime> {
        if (1..=Lifetime::MAX.0).contains(&seconds) {
            Ok(Lifetime(seconds))
        } else {
            Err(Error::Lifetime { seconds })
        }
    }

    /// The lifetime in seconds.
    pub fn secs(self) -> u64 {
        self.0
    }
}

impl Default for Lifetime {
    /// 300 seconds: far from both of Okta's edges (issued in the future; more than an hour).
    fn default() -> Lifetime {
        Lifetime(300)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lifetime_bounds() {
        assert_eq!(Lifetime::default().secs(), 300);
        assert!(Lifetime::from_secs(3599).is_ok());
        assert!(matches!(
            Lifetime::from_secs(3600),
            Err(Error::Lifetime { seconds: 3600 })
        ));
        assert!(matches!(
            Lifetime::from_secs(0),
            Err(Error::Lifetime { .. })
        ));
    }

    #[test]
    fn client_ids() {
        assert!(ClientId::new("0oanq59zytBKVwQQ80h7").is_ok());
        assert!(ClientId::new("").is_err());
        assert!(ClientId::new("a b").is_err());
        assert!(ClientId::new("a\"b").is_err());
        assert!(ClientId::new("x".repeat(256)).is_err());
    }

    #[test]
    fn endpoints() -> Result<()> {
        let e = Endpoint::parse("HTTPS://Example.OKTA.com:443/oauth2/v1/token")?;
        assert_eq!(e.as_str(), "https://example.okta.com/oauth2/v1/token");
        for bad in [
            "ftp://x/token",
            "https://x/token?client_assertion=1",
            "https://x/token#f",
            "https://u:p@x/token",
            "not a url",
            "/oauth2/v1/token",
        ] {
            assert!(Endpoint::parse(bad).is_err(), "{bad}");
        }
        Ok(())
    }
}
