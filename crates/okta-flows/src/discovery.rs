//! The endpoints of an authorization server: Okta's fixed paths, or those its metadata names
//! (RFC 8414, OpenID Connect Discovery), kept on the org's origin.

use okta_assertion::Endpoint;

use crate::error::{Error, Result};
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::settings::{AuthServer, Discovery, OAuthEndpoint};

/// The URL of an endpoint: from discovery when it was read, else Okta's fixed path.
pub(crate) fn endpoint(okta: &Okta, which: OAuthEndpoint) -> Result<Endpoint> {
    if let Some(e) = okta.discovered().as_ref().and_then(|d| d.endpoint(which)) {
        return Ok(e.clone());
    }
    let name = which.path_segment();
    let path = match okta.server() {
        AuthServer::Org => format!("/oauth2/v1/{name}"),
        AuthServer::Custom(id) => format!("/oauth2/{id}/v1/{name}"),
    };
    Endpoint::parse(okta.org_url().join(&path)?.as_str()).map_err(|source| Error::Claim {
        what: "the OAuth endpoint URL",
        source,
    })
}

/// Reads the authorization server's metadata.
pub(crate) fn discover(okta: &Okta) -> Result<Discovery> {
    let base = match okta.server() {
        AuthServer::Org => String::new(),
        AuthServer::Custom(id) => format!("/oauth2/{id}"),
    };
    let mut last = None;
    for doc in ["oauth-authorization-server", "openid-configuration"] {
        let url = okta.org_url().join(&format!("{base}/.well-known/{doc}"))?;
        let reply = okta.send(
            &Method::GET,
            &url,
            &[("Accept", "application/json")],
            None,
            crate::http::transport::MAX_JSON,
        )?;
        if reply.status == 404 {
            last = Some(reply.problem());
            continue;
        }
        if reply.status != 200 {
            return Err(reply.problem());
        }
        let v = reply.json()?;
        let endpoint = |name: &str| -> Result<Option<Endpoint>> {
            let Some(text) = v.get(name).and_then(serde_json::Value::as_str) else {
                return Ok(None);
            };
            let e = Endpoint::parse(text).map_err(|source| Error::Claim {
                what: "an endpoint URL in the server's metadata",
                source,
            })?;
            if !okta.org_url().same_origin(e.url()) {
                return Err(reply.unexpected(format!(
                    "{name} is on another origin ({}); not used",
                    crate::error::safe(text, 100)
                )));
            }
            Ok(Some(e))
        };
        let token_endpoint = endpoint("token_endpoint")?
            .ok_or_else(|| reply.unexpected("the metadata has no token_endpoint".into()))?;
        return Ok(Discovery {
            issuer: v
                .get("issuer")
                .and_then(serde_json::Value::as_str)
                .map(|s| crate::error::safe(s, 200))
                .unwrap_or_default(),
            token_endpoint,
            revocation_endpoint: endpoint("revocation_endpoint")?,
            introspection_endpoint: endpoint("introspection_endpoint")?,
            authorization_endpoint: endpoint("authorization_endpoint")?,
            jwks_uri: endpoint("jwks_uri")?,
            device_authorization_endpoint: endpoint("device_authorization_endpoint")?,
        });
    }
    Err(last.unwrap_or_else(|| Error::Unexpected {
        endpoint: "GET /.well-known/…".into(),
        reason: "no metadata document".into(),
        request_id: None,
        source: None,
    }))
}

/// The org's time minus this machine's, in seconds, from the `Date` of a metadata document
/// (RFC 9110 §6.6.1); `None` when it cannot be read.
pub(crate) fn org_clock_skew(okta: &Okta) -> Option<i64> {
    let url = endpoint(okta, OAuthEndpoint::Keys).ok()?;
    let reply = okta
        .send(
            &Method::GET,
            url.url(),
            &[("Accept", "application/json")],
            None,
            crate::http::transport::MAX_JSON,
        )
        .ok()?;
    let org = i64::try_from(crate::http::link::http_date(reply.header("date")?)?).ok()?;
    let here = i64::try_from(okta.now().secs()).ok()?;
    org.checked_sub(here)
}
