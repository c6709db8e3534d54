//! Form POSTs to the authorization server's endpoints with client authentication: the
//! token endpoint's user grants, revocation (RFC 7009) and introspection (RFC 7662).

use okta_assertion::{CLIENT_ASSERTION_TYPE, ClientAssertionBuilder};
use serde_json::Value;

use crate::error::{Error, Result};
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::transport::MAX_JSON;
use crate::oauth::client_auth::{ClientAuth, Introspection};
use crate::settings::OAuthEndpoint;

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
