//! The admin steps of Okta's guides, with an admin credential: service apps, their scope grants
//! and admin roles, least-privilege custom roles, app keys, the user half (OIDC apps, users,
//! assignments, users' roles), idempotent `ensure_*` forms, and the diagnosis of a refusal.

pub(crate) mod access;
pub(crate) mod api_tokens;
pub(crate) mod apps;
pub(crate) mod checkup;
pub(crate) mod diagnose;
pub(crate) mod ensure;
pub(crate) mod grants;
pub(crate) mod iam;
pub(crate) mod keys;
pub(crate) mod model;
pub(crate) mod privileges;
pub(crate) mod read;
pub(crate) mod roles;
