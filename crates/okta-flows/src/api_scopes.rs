//! Which Okta API scopes a call needs, from Okta's own contract: the OAuth scopes each of the
//! Management API's operations declares (generated into `catalog.rs` by `cargo xtask scopes`).
//!
//! ```
//! use okta_flows::{Method, api_scopes};
//! let op = api_scopes::operation(Method::GET, "/api/v1/groups/00g1abcd/users?limit=5").unwrap();
//! assert_eq!(op.template(), "/api/v1/groups/{groupId}/users");
//! assert_eq!(op.scopes()[0].as_str(), "okta.groups.read");
//! assert_eq!(api_scopes::suggestion("okta.user.read"), Some("okta.users.read"));
//! ```

use crate::catalog::{CONTRACT_VERSION, OPERATIONS, SCOPES};
use crate::http::method::Method;
use crate::ids::{Scope, StandardRole};

/// The version of Okta's contract the catalog was generated from.
pub const CONTRACT: &str = CONTRACT_VERSION;

/// The scopes of OpenID Connect a sign-in may ask for besides Okta's API scopes.
pub const OIDC_SCOPES: [&str; 6] = [
    "openid",
    "profile",
    "email",
    "address",
    "phone",
    "offline_access",
];

/// One operation of Okta's Management API and the scopes it needs (every one of them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ApiOperation {
    method: &'static str,
    template: &'static str,
    scopes: &'static [u8],
}

impl ApiOperation {
    /// The method (`GET`).
    pub fn method(&self) -> &'static str {
        self.method
    }

    /// The contract's path template (`/api/v1/groups/{groupId}`).
    pub fn template(&self) -> &'static str {
        self.template
    }

    /// The scopes the operation needs; empty for the few operations the contract gives none
    /// (an API token only).
    pub fn scopes(&self) -> Vec<Scope> {
        self.scope_names()
            .filter_map(|s| Scope::new(s).ok())
            .collect()
    }

    /// The scope names, as the contract spells them.
    pub fn scope_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.scopes
            .iter()
            .filter_map(|i| SCOPES.get(usize::from(*i)).copied())
    }

    /// The needed scopes that `held` does not cover (`okta.X.manage` covers `okta.X.read`).
    pub fn missing<S: AsRef<str>>(&self, held: &[S]) -> Vec<&'static str> {
        self.scope_names()
            .filter(|need| !held.iter().any(|h| covers(h.as_ref(), need)))
            .collect()
    }
}

/// Whether holding `held` lets a token do what `needed` allows: the same scope, or the
/// `manage` scope of the same resource for a `read` one.
pub fn covers(held: &str, needed: &str) -> bool {
    held == needed
        || needed
            .strip_suffix(".read")
            .is_some_and(|base| held.strip_suffix(".manage") == Some(base))
}

/// The operation `method path` calls: the path may be a full URL and carry a query; ids match
/// the template's `{…}` segments; a literal segment beats a `{…}` one (`/api/v1/users/me` over
/// `/api/v1/users/{id}`). `None` when the contract has no such operation.
pub fn operation(method: Method, path: &str) -> Option<ApiOperation> {
    let path = match path.find("://") {
        Some(i) => path[i + 3..].find('/').map_or("/", |j| &path[i + 3 + j..]),
        None => path,
    };
    let path = path.split(['?', '#']).next().unwrap_or_default();
    let asked: Vec<&str> = path.split('/').filter(|s| !s.is_empty()).collect();
    let method = method.as_str();
    let mut best: Option<(usize, ApiOperation)> = None;
    for (m, template, scopes, parts) in index() {
        if *m != method || parts.len() != asked.len() {
            continue;
        }
        let mut literal = 0;
        let fits = parts.iter().zip(&asked).all(|(t, a)| {
            if t.starts_with('{') && t.ends_with('}') {
                !a.is_empty()
            } else if t == a {
                literal += 1;
                true
            } else {
                false
            }
        });
        if fits && best.is_none_or(|(l, _)| literal > l) {
            best = Some((
                literal,
                ApiOperation {
                    method: m,
                    template,
                    scopes,
                },
            ));
        }
    }
    best.map(|(_, op)| op)
}

/// The operations with their templates split into segments, split once per process (the
/// bridge looks up every request it forwards).
type Indexed = (&'static str, &'static str, &'static [u8], Vec<&'static str>);

fn index() -> &'static [Indexed] {
    static INDEX: std::sync::OnceLock<Vec<Indexed>> = std::sync::OnceLock::new();
    INDEX.get_or_init(|| {
        OPERATIONS
            .iter()
            .map(|(m, template, scopes)| {
                let parts = template.split('/').filter(|s| !s.is_empty()).collect();
                (*m, *template, *scopes, parts)
            })
            .collect()
    })
}

/// Every operation whose path template or scopes contain `term` (without case).
pub fn search(term: &str) -> Vec<ApiOperation> {
    let term = term.to_ascii_lowercase();
    OPERATIONS
        .iter()
        .map(|(method, template, scopes)| ApiOperation {
            method,
            template,
            scopes,
        })
        .filter(|op| {
            op.template.to_ascii_lowercase().contains(&term)
                || op
                    .scope_names()
                    .any(|s| s.to_ascii_lowercase().contains(&term))
        })
        .collect()
}

/// A standard admin role that allows what these scopes do, for a hint: `READ_ONLY_ADMIN` for
/// reads; for changes the narrowest standard role whose permissions cover them (Okta's
/// "Standard administrator roles and permissions": `USER_ADMIN` for users, `APP_ADMIN` for apps),
/// `SUPER_ADMIN` for roles themselves, and `ORG_ADMIN` otherwise (groups among them: only the
/// org and super admins create or delete groups).
pub fn suggested_role(scopes: &[&str]) -> StandardRole {
    let manages = |prefixes: &[&str]| {
        scopes
            .iter()
            .filter(|s| !s.ends_with(".read"))
            .all(|s| prefixes.iter().any(|p| s.starts_with(p)))
    };
    if scopes.iter().all(|s| s.ends_with(".read")) {
        StandardRole::ReadOnlyAdmin
    } else if scopes.iter().any(|s| s.starts_with("okta.roles.")) {
        StandardRole::SuperAdmin
    } else if manages(&["okta.apps.", "okta.appGrants.", "okta.clients."]) {
        StandardRole::AppAdmin
    } else if manages(&["okta.users."]) {
        // Okta's table: the Group Administrator creates, changes and deletes users; creating or
        // deleting groups is for the org and super admins.
        StandardRole::UserAdmin
    } else if manages(&["okta.authorizationServers."]) {
        StandardRole::ApiAccessManagementAdmin
    } else {
        StandardRole::OrgAdmin
    }
}

/// The scopes to grant an app that makes these operations: each one's scopes, once, sorted.
/// A `read` scope stays beside its `manage` one (which covers what it allows): a client that
/// asks each call's own scopes, as `Okta::call` with automatic scopes does, asks for the `read`
/// one, and Okta refuses a scope the app was not granted.
///
/// ```
/// use okta_flows::{Method, api_scopes};
/// let ops = [
///     api_scopes::operation(Method::GET, "/api/v1/groups").unwrap(),
///     api_scopes::operation(Method::POST, "/api/v1/groups").unwrap(),
///     api_scopes::operation(Method::GET, "/api/v1/users/00u1").unwrap(),
/// ];
/// assert_eq!(
///     api_scopes::needed_for(&ops),
///     ["okta.groups.manage", "okta.groups.read", "okta.users.read"]
/// );
/// ```
pub fn needed_for(operations: &[ApiOperation]) -> Vec<&'static str> {
    let mut all: Vec<&'static str> = operations.iter().flat_map(|op| op.scope_names()).collect();
    all.sort_unstable();
    all.dedup();
    all
}

/// Every Okta API scope the contract names.
pub fn all() -> &'static [&'static str] {
    &SCOPES
}

/// Okta API scopes that Okta's scope reference documents but the Management API contract does
/// not list for any operation (the `.self` scopes of a user's own profile).
pub const DOCUMENTED_ELSEWHERE: [&str; 2] = ["okta.users.manage.self", "okta.users.read.self"];

/// Whether `scope` is an Okta API scope: one of the contract's, or of
/// [`DOCUMENTED_ELSEWHERE`].
pub fn is_known(scope: &str) -> bool {
    SCOPES.binary_search(&scope).is_ok() || DOCUMENTED_ELSEWHERE.contains(&scope)
}

/// The known scope `scope` most likely meant (`okta.user.read` → `okta.users.read`): the
/// closest by edit distance, at most 3 edits away, among the contract's scopes and OpenID
/// Connect's.
pub fn suggestion(scope: &str) -> Option<&'static str> {
    SCOPES
        .iter()
        .chain(OIDC_SCOPES.iter())
        .map(|known| (crate::spelling::distance(scope, known), *known))
        .filter(|(d, _)| *d <= 3)
        .min_by_key(|(d, _)| *d)
        .map(|(_, known)| known)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn concrete_paths_find_their_templates() {
        let op = operation(
            Method::GET,
            "https://example.okta.com/api/v1/users/00u1?expand=x",
        )
        .unwrap();
        assert_eq!(op.template(), "/api/v1/users/{id}");
        assert_eq!(op.scope_names().collect::<Vec<_>>(), ["okta.users.read"]);
        assert!(operation(Method::GET, "/api/v1/nothing/here").is_none());
        assert!(operation(Method::GET, "/api/v1/apps").is_some());
        // Both scopes of an operation that needs two.
        let push = operation(Method::GET, "/api/v1/apps/0oa1/group-push/mappings").unwrap();
        assert_eq!(push.scope_names().count(), 2);
        assert_eq!(push.missing(&["okta.apps.read"]), ["okta.groups.read"]);
    }

    #[test]
    fn hints_name_the_narrowest_standard_role() {
        assert_eq!(
            suggested_role(&["okta.apps.read"]).as_str(),
            "READ_ONLY_ADMIN"
        );
        assert_eq!(suggested_role(&["okta.apps.manage"]).as_str(), "APP_ADMIN");
        assert_eq!(
            suggested_role(&["okta.users.manage", "okta.groups.read"]).as_str(),
            "USER_ADMIN"
        );
        // Okta's table: group admins do not create groups; org admins do.
        assert_eq!(
            suggested_role(&["okta.groups.manage"]).as_str(),
            "ORG_ADMIN"
        );
        assert_eq!(
            suggested_role(&["okta.roles.manage"]).as_str(),
            "SUPER_ADMIN"
        );
        assert_eq!(
            suggested_role(&["okta.policies.manage"]).as_str(),
            "ORG_ADMIN"
        );
    }

    #[test]
    fn manage_covers_read_and_nothing_else() {
        assert!(covers("okta.users.manage", "okta.users.read"));
        assert!(covers("okta.users.read", "okta.users.read"));
        assert!(!covers("okta.users.read", "okta.users.manage"));
        assert!(!covers("okta.groups.manage", "okta.users.read"));
    }

    #[test]
    fn misspelt_scopes_get_a_suggestion() {
        assert!(is_known("okta.users.read"));
        assert!(!is_known("okta.user.read"));
        assert_eq!(suggestion("okta.user.read"), Some("okta.users.read"));
        assert_eq!(suggestion("okta.Apps.read"), Some("okta.apps.read"));
        assert_eq!(suggestion("openid "), Some("openid"));
        assert_eq!(suggestion("something.else.entirely"), None);
    }
}
