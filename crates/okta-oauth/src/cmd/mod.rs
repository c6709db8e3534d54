//! One module per command, named after it (`quickstart --user` in `quickstart_user.rs`).

pub(crate) mod api;
pub(crate) mod api_tokens;
pub(crate) mod app;
pub(crate) mod assertion;
pub(crate) mod auth;
pub(crate) mod convert;
pub(crate) mod decode;
pub(crate) mod doctor;
pub(crate) mod exec;
pub(crate) mod grant;
pub(crate) mod jwks;
pub(crate) mod keygen;
pub(crate) mod keys;
pub(crate) mod login;
pub(crate) mod profile;
pub(crate) mod proxy;
pub(crate) mod quickstart;
pub(crate) mod quickstart_user;
pub(crate) mod role;
pub(crate) mod scopes;
pub(crate) mod thumbprint;
pub(crate) mod token;
pub(crate) mod verify;
