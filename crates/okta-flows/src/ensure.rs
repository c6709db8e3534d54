//! Idempotent forms of the admin steps: each reads what is there first and changes only what is
//! missing, so running a setup twice (or after someone did part of it by hand) succeeds and says
//! what was there already.

use okta_assertion::ClientId;

use crate::admin::{Grant, RoleAssignment};
use crate::api::Credential;
use crate::code::ErrorCode;
use crate::error::{Error, Result};
use crate::ids::{AppId, Role, Scope, UserId};
use crate::okta::Okta;

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

impl Okta {
    /// The app holds a grant for `scope`: the existing one, or a new one. (Okta refuses a second
    /// grant of the same scope with 400 E0000001.)
    pub fn ensure_grant(
        &self,
        cred: &dyn Credential,
        app: &AppId,
        scope: &Scope,
    ) -> Result<Ensured<Grant>> {
        if let Some(g) = self
            .list_grants(cred, app)?
            .into_iter()
            .find(|g| g.scope == *scope)
        {
            return Ok(Ensured::Already(g));
        }
        self.add_grant(cred, app, scope).map(Ensured::Made)
    }

    /// The client holds `role`: the existing assignment, or a new one. (Okta refuses a second
    /// assignment of the same role with 409 E0000090; one made meanwhile is found and returned.)
    pub fn ensure_role(
        &self,
        cred: &dyn Credential,
        client: &ClientId,
        role: &Role,
    ) -> Result<Ensured<RoleAssignment>> {
        let find = || -> Result<Option<RoleAssignment>> {
            Ok(self
                .list_roles(cred, client)?
                .into_iter()
                .find(|r| r.is(role)))
        };
        if let Some(r) = find()? {
            return Ok(Ensured::Already(r));
        }
        match self.assign_role(cred, client, role) {
            Err(e) if e.is(&ErrorCode::RoleAlreadyAssigned) => found_after(find()?, e),
            other => other.map(Ensured::Made),
        }
    }

    /// The user holds `role`: the existing assignment, or a new one.
    pub fn ensure_user_role(
        &self,
        cred: &dyn Credential,
        user: &UserId,
        role: &Role,
    ) -> Result<Ensured<RoleAssignment>> {
        let find = || -> Result<Option<RoleAssignment>> {
            Ok(self
                .list_user_roles(cred, user)?
                .into_iter()
                .find(|r| r.is(role)))
        };
        if let Some(r) = find()? {
            return Ok(Ensured::Already(r));
        }
        match self.assign_user_role(cred, user, role) {
            Err(e) if e.is(&ErrorCode::RoleAlreadyAssigned) => found_after(find()?, e),
            other => other.map(Ensured::Made),
        }
    }

    /// The user is assigned to the app (may sign in to it): directly already, or now.
    pub fn ensure_assigned(
        &self,
        cred: &dyn Credential,
        app: &AppId,
        user: &UserId,
    ) -> Result<Ensured<()>> {
        if self.is_assigned(cred, app, user)? {
            return Ok(Ensured::Already(()));
        }
        self.assign_user(cred, app, user).map(Ensured::Made)
    }
}

/// Okta said the role is assigned already: the assignment, as listed, or that error when the
/// list does not show it.
fn found_after(found: Option<RoleAssignment>, said: Error) -> Result<Ensured<RoleAssignment>> {
    found.map(Ensured::Already).ok_or(said)
}
