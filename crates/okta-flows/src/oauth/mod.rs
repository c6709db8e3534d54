//! OAuth 2.0 with Okta's authorization servers: client credentials with `private_key_jwt` and
//! DPoP, how a client authenticates, revocation and introspection, and a person's sign-in
//! (Authorization Code + PKCE, the device grant) with their tokens kept and refreshed.

pub(crate) mod client_auth;
pub(crate) mod device;
pub(crate) mod listener;
pub(crate) mod pkce;
pub(crate) mod post;
pub(crate) mod sign_in;
pub(crate) mod tokens;
pub(crate) mod user_tokens;
