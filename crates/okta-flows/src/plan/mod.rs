//! The steps of a guide as a plan: what it would send (for `--dry-run`) and running it, each
//! step reusing what exists.

pub(crate) mod service;
pub(crate) mod user;
