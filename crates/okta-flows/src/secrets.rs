//! Redacting holders for the credentials this crate handles.

okta_jwk::secret_text!(
    /// An Okta API token, sent as `Authorization: SSWS …` to the management API.
    pub SswsToken
);
okta_jwk::secret_text!(
    /// An OAuth access token.
    pub AccessToken
);
okta_jwk::secret_text!(
    /// An OAuth refresh token.
    pub RefreshToken
);
okta_jwk::secret_text!(
    /// An OAuth client secret.
    pub ClientSecret
);
okta_jwk::secret_text!(
    /// An OpenID Connect ID token.
    pub IdToken
);
okta_jwk::secret_text!(
    /// An authorization code, good for one exchange.
    pub AuthorizationCode
);
okta_jwk::secret_text!(
    /// A device code (RFC 8628): whoever holds it gets the user's tokens once they approve.
    pub DeviceCode
);
okta_jwk::secret_text!(
    /// A PKCE `code_verifier`.
    pub PkceVerifier
);
okta_jwk::secret_text!(
    /// The OAuth `state` of a sign-in (and, alike, its OpenID `nonce`).
    pub OAuthState
);
okta_jwk::secret_text!(
    /// What callers of a bridge (`Okta::bridge`, feature `bridge`) send as their token:
    /// whoever holds it calls the org with the bridge's app.
    pub BridgeSecret
);
okta_jwk::secret_text!(
    /// A proxy URL, which may carry a password: `http://user:password@host:port`.
    pub ProxyUrl
);

impl ProxyUrl {
    /// A proxy URL from the parts the Okta SDKs configure (`okta.client.proxy.host`, `port`,
    /// `username`, `password`): `host` alone means `http://host`; the user name and password are
    /// percent-encoded into the URL.
    pub fn from_parts(
        host: &str,
        port: Option<u16>,
        credentials: Option<(&str, &str)>,
    ) -> crate::Result<ProxyUrl> {
        let bad = || crate::Error::InvalidInput {
            what: "the proxy URL",
            reason: "the host is not a host name or URL",
        };
        let text = if host.contains("://") {
            host.to_owned()
        } else {
            format!("http://{host}")
        };
        let mut url = url::Url::parse(&text).map_err(|_| bad())?;
        if url.host_str().is_none_or(str::is_empty) || url.path() != "/" || url.query().is_some() {
            return Err(bad());
        }
        if port.is_some() {
            url.set_port(port).map_err(|()| bad())?;
        }
        if let Some((user, password)) = credentials {
            url.set_username(user).map_err(|()| bad())?;
            url.set_password(Some(password)).map_err(|()| bad())?;
        }
        Ok(ProxyUrl::new(String::from(url)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn proxy_urls_from_sdk_parts() -> crate::Result<()> {
        let url = |h, p, c| ProxyUrl::from_parts(h, p, c).map(|u| u.expose_secret().to_owned());
        assert_eq!(
            url("proxy.corp", Some(3128), None)?,
            "http://proxy.corp:3128/"
        );
        // The WHATWG userinfo percent-encode set covers `@`, `:` and `/`.
        assert_eq!(
            url("https://proxy.corp", None, Some(("me", "p@ss:w/rd")))?,
            "https://me:p%40ss%3Aw%2Frd@proxy.corp/"
        );
        assert!(url("", Some(1), None).is_err());
        assert!(url("proxy.corp/path", None, None).is_err());
        let debug = format!(
            "{:?}",
            ProxyUrl::from_parts("p", None, Some(("u", "hunter2")))?
        );
        assert!(!debug.contains("hunter2"), "{debug}");
        Ok(())
    }

    #[test]
    fn debug_is_redacted() {
        assert_eq!(
            format!("{:?}", SswsToken::new("00abc")),
            "SswsToken([redacted])"
        );
        assert_eq!(
            format!("{:?}", AccessToken::new("eyJ")),
            "AccessToken([redacted])"
        );
        assert_eq!(
            format!("{:?}", RefreshToken::new("r")),
            "RefreshToken([redacted])"
        );
    }
}
