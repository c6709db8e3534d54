//! What a least-privilege custom role needs for a set of Okta API scopes: the admin permissions
//! (Okta's permissions catalog, `okta.users.create` apart from `okta.users.manage`, authorization
//! servers as `okta.authzServers.*`) and the resources (Okta's resource-set resources, as REST
//! URLs of the org) that each scope's operations act on. Beside the scope catalog: the scopes
//! say what a token may ask for, this says what the role behind it must allow.

use crate::error::{Error, Result};
use crate::ids::{GroupId, Scope};
use crate::org::OrgUrl;

/// Each scope a custom role can serve: the permissions it needs, and the resource (a path on
/// the org) that holds what it acts on.
const TABLE: [(&str, &[&str], &str); 8] = [
    ("okta.users.read", &["okta.users.read"], "/api/v1/users"),
    (
        "okta.users.manage",
        &["okta.users.manage", "okta.users.create"],
        "/api/v1/users",
    ),
    ("okta.groups.read", &["okta.groups.read"], "/api/v1/groups"),
    (
        "okta.groups.manage",
        &["okta.groups.manage", "okta.groups.create"],
        "/api/v1/groups",
    ),
    ("okta.apps.read", &["okta.apps.read"], "/api/v1/apps"),
    ("okta.apps.manage", &["okta.apps.manage"], "/api/v1/apps"),
    (
        "okta.authorizationServers.read",
        &["okta.authzServers.read"],
        "/api/v1/authorizationServers",
    ),
    (
        "okta.authorizationServers.manage",
        &["okta.authzServers.manage"],
        "/api/v1/authorizationServers",
    ),
];

fn row(scope: &Scope) -> Result<&'static (&'static str, &'static [&'static str], &'static str)> {
    TABLE
        .iter()
        .find(|(s, _, _)| *s == scope.as_str())
        .ok_or_else(|| Error::NoCustomPermission {
            scope: scope.as_str().to_owned(),
        })
}

/// The permissions a custom role needs to do what these scopes allow, each once. A scope no
/// custom-role permission serves (`okta.logs.read`, `okta.roles.manage`) is
/// [`Error::NoCustomPermission`]: give such an app a standard role.
///
/// ```
/// use okta_flows::{Scope, permissions_for};
/// let scopes = Scope::list(&["okta.groups.manage", "okta.users.read"])?;
/// assert_eq!(permissions_for(&scopes)?, ["okta.groups.manage", "okta.groups.create", "okta.users.read"]);
/// # Ok::<(), okta_flows::Error>(())
/// ```
pub fn permissions_for(scopes: &[Scope]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for scope in scopes {
        for p in row(scope)?.1 {
            if !out.iter().any(|o| o == p) {
                out.push((*p).to_owned());
            }
        }
    }
    Ok(out)
}

/// The resources (REST URLs of `org`) a resource set needs for these scopes: every user for
/// the user scopes, every group for the group scopes, and so on; each once.
///
/// ```
/// use okta_flows::{OrgUrl, Scope, resources_for};
/// let org = OrgUrl::parse("https://example.okta.com")?;
/// let scopes = Scope::list(&["okta.users.read", "okta.groups.read"])?;
/// assert_eq!(resources_for(&org, &scopes)?, ["https://example.okta.com/api/v1/users", "https://example.okta.com/api/v1/groups"]);
/// # Ok::<(), okta_flows::Error>(())
/// ```
pub fn resources_for(org: &OrgUrl, scopes: &[Scope]) -> Result<Vec<String>> {
    let mut out: Vec<String> = Vec::new();
    for scope in scopes {
        let url = format!("{}{}", org.as_str(), row(scope)?.2);
        if !out.contains(&url) {
            out.push(url);
        }
    }
    Ok(out)
}

/// The resource "every user of the org" (a REST URL, as resource sets take them).
pub fn all_users(org: &OrgUrl) -> String {
    format!("{}/api/v1/users", org.as_str())
}

/// The resource "the users of this group".
pub fn users_of_group(org: &OrgUrl, group: &GroupId) -> String {
    format!("{}/api/v1/groups/{group}/users", org.as_str())
}

/// Like [`resources_for`], with the users limited to those of `groups` (when any are given): the
/// user scopes then act on `…/api/v1/groups/{id}/users` of each group instead of every user.
pub fn resources_within(org: &OrgUrl, scopes: &[Scope], groups: &[GroupId]) -> Result<Vec<String>> {
    let every_user = all_users(org);
    let mut out = resources_for(org, scopes)?;
    if !groups.is_empty() && out.contains(&every_user) {
        out.retain(|r| *r != every_user);
        out.extend(groups.iter().map(|g| users_of_group(org, g)));
    }
    Ok(out)
}
