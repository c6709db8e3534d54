//! How a client authenticates to an OAuth endpoint, and what introspection answers
//! (RFC 7662).

use okta_assertion::ClientId;
use serde_json::Value;

use crate::oauth::tokens::ServiceCredentials;

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
    pub(crate) fn basic_header(&self) -> Option<crate::secrets::ClientSecret> {
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
