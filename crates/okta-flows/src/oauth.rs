//! Revocation (RFC 7009) and introspection (RFC 7662) with client authentication.

use okta_assertion::{CLIENT_ASSERTION_TYPE, ClientAssertionBuilder, ClientId};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::transport::MAX_JSON;
use crate::settings::OAuthEndpoint;
use crate::tokens::ServiceCredentials;

/// How a client proves who it is at revoke, introspect and the token endpoint.
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum ClientAuth<'a> {
    /// `private_key_jwt`: an assertion whose `aud` is the endpoint called.
    PrivateKeyJwt(&'a ServiceCredentials),
    /// A public client (PKCE): `client_id` only.
    Public(&'a ClientId),
    /// `client_secret_post`: the id and secret in the form body (Okta's guide: "Send client
    /// credentials in body").
    Secret {
        /// The client id.
        client_id: &'a ClientId,
        /// The secret.
        secret: &'a crate::secrets::ClientSecret,
    },
    /// `client_secret_basic`: the id and secret in `Authorization: Basic`, each
    /// form-urlencoded first (RFC 6749 §2.3.1).
    SecretBasic {
        /// The client id.
        client_id: &'a ClientId,
        /// The secret.
        secret: &'a crate::secrets::ClientSecret,
    },
}

impl ClientAuth<'_> {
    /// The client id this authentication names.
    pub fn client_id(&self) -> &ClientId {
        match self {
            ClientAuth::PrivateKeyJwt(c) => c.client_id(),
            ClientAuth::Public(id)
            | ClientAuth::Secret { client_id: id, .. }
            | ClientAuth::SecretBasic { client_id: id, .. } => id,
        }
    }

    /// The `Authorization: Basic` value of `client_secret_basic`, zeroed on drop.
    fn basic_header(&self) -> Option<crate::secrets::ClientSecret> {
        use base64::Engine as _;
        let ClientAuth::SecretBasic { client_id, secret } = self else {
            return None;
        };
        let enc = |s: &str| url::form_urlencoded::byte_serialize(s.as_bytes()).collect::<String>();
        let pair = crate::secrets::ClientSecret::new(format!(
            "{}:{}",
            enc(client_id.as_str()),
            enc(secret.expose_secret())
        ));
        Some(crate::secrets::ClientSecret::new(format!(
            "Basic {}",
            base64::engine::general_purpose::STANDARD.encode(pair.expose_secret().as_bytes())
        )))
    }
}

/// What introspection said.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Introspection {
    /// `active`.
    pub active: bool,
    /// The whole answer (`scope`, `client_id`, `exp`, `sub`, `cnf`, …).
    pub raw: Value,
}

impl Okta {
    /// Adds the client-authentication fields for a call to `endpoint` to a form.
    pub(crate) fn client_auth_form(
        &self,
        auth: ClientAuth<'_>,
        endpoint: &okta_assertion::Endpoint,
        form: &mut url::form_urlencoded::Serializer<'_, String>,
    ) -> Result<()> {
        match auth {
            ClientAuth::PrivateKeyJwt(creds) => {
                let builder =
                    ClientAssertionBuilder::new(creds.client_id().clone(), endpoint.clone());
                let assertion = builder
                    .sign(creds.signer()?.as_ref(), self.now(), self.rng())
                    .map_err(Error::ClientAssertion)?;
                form.append_pair("client_assertion_type", CLIENT_ASSERTION_TYPE);
                form.append_pair("client_assertion", assertion.expose_secret());
            }
            ClientAuth::Public(id) => {
                form.append_pair("client_id", id.as_str());
            }
            ClientAuth::Secret { client_id, secret } => {
                form.append_pair("client_id", client_id.as_str());
                form.append_pair("client_secret", secret.expose_secret());
            }
            // The credentials go in the header (`oauth_post`).
            ClientAuth::SecretBasic { .. } => {}
        }
        Ok(())
    }

    /// POSTs a form with client authentication to an OAuth endpoint of the server (`token`,
    /// `revoke`, `introspect`); anything but 200 is the server's problem, parsed.
    pub(crate) fn oauth_post(
        &self,
        which: OAuthEndpoint,
        auth: ClientAuth<'_>,
        fields: &[(&str, &str)],
    ) -> Result<crate::http::transport::Reply> {
        let endpoint = self.oauth_endpoint(which)?;
        let mut form = url::form_urlencoded::Serializer::new(String::new());
        for (k, v) in fields {
            form.append_pair(k, v);
        }
        self.client_auth_form(auth, &endpoint, &mut form)?;
        let basic = auth.basic_header();
        let mut headers = vec![("Accept", "application/json")];
        if let Some(b) = &basic {
            headers.push(("Authorization", b.expose_secret()));
        }
        let reply = self.send(
            &Method::POST,
            endpoint.url(),
            &headers,
            Some((
                "application/x-www-form-urlencoded",
                form.finish().into_bytes(),
            )),
            MAX_JSON,
        )?;
        if reply.status == 200 {
            Ok(reply)
        } else {
            Err(reply.problem())
        }
    }
}

pub(crate) fn revoke(
    okta: &Okta,
    auth: ClientAuth<'_>,
    token: &str,
    hint: Option<&str>,
) -> Result<()> {
    let mut fields = vec![("token", token)];
    if let Some(h) = hint {
        fields.push(("token_type_hint", h));
    }
    okta.oauth_post(OAuthEndpoint::Revoke, auth, &fields)
        .map(|_| ())
}

pub(crate) fn introspect(okta: &Okta, auth: ClientAuth<'_>, token: &str) -> Result<Introspection> {
    let reply = okta.oauth_post(OAuthEndpoint::Introspect, auth, &[("token", token)])?;
    let raw = reply.json()?;
    let active = raw
        .get("active")
        .and_then(Value::as_bool)
        .ok_or_else(|| reply.unexpected("no boolean \"active\"".into()))?;
    Ok(Introspection { active, raw })
}
