//! One request to Okta and its answer: the method, the transport (no redirects, bounded reads,
//! Okta's error shapes), retries, what the request is authorised with, a call to the APIs, and
//! pagination. Nothing here knows OAuth: an access token is only something to send.

pub(crate) mod auth;
pub(crate) mod call;
pub(crate) mod client;
#[cfg(feature = "bridge")]
pub(crate) mod forward;
pub(crate) mod link;
pub(crate) mod method;
pub(crate) mod pages;
pub(crate) mod planned;
pub(crate) mod policy;
pub(crate) mod retry;
pub(crate) mod trace;
pub(crate) mod transport;
