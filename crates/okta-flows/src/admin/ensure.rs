//! Idempotent forms of the admin steps: each reads what is there first and changes only what is
//! missing, so running a setup twice (or after someone did part of it by hand) succeeds and says
//! what was there already.

use okta_assertion::ClientId;

use crate::admin::model::{Grant, RoleAssignment};
use crate::code::ErrorCode;
use crate::error::{Error, Result};
use crate::http::auth::Credential;
use crate::http::client::Okta;
use crate::ids::{AppId, Role, Scope, UserId};

/// What an `ensure_*` call found: it made the thing, or the thing was there already.
///
/// ```
/// use okta_flows::Ensured;
/// let found = Ensured::Already(7);
/// assert!(!found.was_made());
/// assert_eq!(found.into_inner(), 7);
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[allow(
    clippy::exhaustive_enums,
    reason = "made or there already: there is no third outcome"
)]
pub enum Ensured<T> {
    /// It was missing, and this call made it.
    Made(T),
    /// It was there already; nothing was changed.
    Already(T),
}

impl<T> Ensured<T> {
    /// Whether this call made it.
    pub fn was_made(&self) -> bool {
        matches!(self, Ensured::Made(_))
    }

    /// What was made or found.
    pub fn get(&self) -> &T {
        match self {
            Ensured::Made(t) | Ensured::Already(t) => t,
        }
    }

    /// What was made or found, by value.
    pub fn into_inner(self) -> T {
        match self {
            Ensured::Made(t) | Ensured::Already(t) => t,
        }
    }
}

pub(crate) fn ensure_grant(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    scope: &Scope,
) -> Result<Ensured<Grant>> {
    if let Some(g) = okta
        .list_grants(cred, app)?
        .into_iter()
        .find(|g| g.scope == *scope)
    {
        return Ok(Ensured::Already(g));
    }
    okta.add_grant(cred, app, scope).map(Ensured::Made)
}

pub(crate) fn ensure_role(
    okta: &Okta,
    cred: &dyn Credential,
    client: &ClientId,
    role: &Role,
) -> Result<Ensured<RoleAssignment>> {
    ensure_held(
        role,
        || okta.list_roles(cred, client),
        || okta.assign_role(cred, client, role),
    )
}

pub(crate) fn ensure_user_role(
    okta: &Okta,
    cred: &dyn Credential,
    user: &UserId,
    role: &Role,
) -> Result<Ensured<RoleAssignment>> {
    ensure_held(
        role,
        || okta.list_user_roles(cred, user),
        || okta.assign_user_role(cred, user, role),
    )
}

/// `role` among what `list` returns, or assigned by `assign`; Okta's 409 for one assigned
/// meanwhile is answered by listing again.
fn ensure_held(
    role: &Role,
    list: impl Fn() -> Result<Vec<RoleAssignment>>,
    assign: impl FnOnce() -> Result<RoleAssignment>,
) -> Result<Ensured<RoleAssignment>> {
    let find =
        || -> Result<Option<RoleAssignment>> { Ok(list()?.into_iter().find(|r| r.is(role))) };
    if let Some(r) = find()? {
        return Ok(Ensured::Already(r));
    }
    match assign() {
        Err(e) if e.is(&ErrorCode::RoleAlreadyAssigned) => found_after(find()?, e),
        other => other.map(Ensured::Made),
    }
}

pub(crate) fn ensure_assigned(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    user: &UserId,
) -> Result<Ensured<()>> {
    if okta.is_assigned(cred, app, user)? {
        return Ok(Ensured::Already(()));
    }
    okta.assign_user(cred, app, user).map(Ensured::Made)
}

/// Okta said the role is assigned already: the assignment, as listed, or that error when the
/// list does not show it.
fn found_after(found: Option<RoleAssignment>, said: Error) -> Result<Ensured<RoleAssignment>> {
    found.map(Ensured::Already).ok_or(said)
}
