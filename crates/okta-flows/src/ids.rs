//! Newtypes for the protocol strings of Okta's admin API: app, grant and key ids, OAuth scopes
//! and admin roles. Each is checked once, where it enters, so no call can put a path segment or
//! a space where an id or a scope belongs.

use std::fmt;
use std::str::FromStr;

use crate::error::{Error, Result};

/// Checks an Okta object id: 1 to 64 letters, digits, `-` and `_` (Okta's ids are URL-safe:
/// `0oa…`, `oag…`, `pks…`), so it can stand as a path segment as it is.
fn okta_id(what: &'static str, text: String) -> Result<String> {
    let ok = !text.is_empty()
        && text.len() <= 64
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_');
    if ok {
        Ok(text)
    } else {
        Err(Error::InvalidInput {
            what,
            reason: "an Okta id has 1 to 64 letters, digits, - and _",
        })
    }
}

macro_rules! okta_id_type {
    ($(#[$doc:meta])* $name:ident, $what:literal) => {
        $(#[$doc])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub struct $name(String);

        impl $name {
            #[doc = concat!("Checks and wraps ", $what, ": 1 to 64 letters, digits, `-` and `_`.")]
            pub fn new(id: impl Into<String>) -> Result<$name> {
                okta_id($what, id.into()).map($name)
            }

            /// The id as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl FromStr for $name {
            type Err = Error;
            fn from_str(s: &str) -> Result<$name> {
                $name::new(s)
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.serialize_str(&self.0)
            }
        }
    };
}

okta_id_type!(
    /// An app's id (`0oa…`). For OAuth apps it is also the client id.
    AppId,
    "an app id"
);
okta_id_type!(
    /// The id of a scope grant of an app (`oag…`).
    GrantId,
    "a grant id"
);
okta_id_type!(
    /// Okta's id of one of an app's keys (`pks…`), used in the key URLs; not the JWK `kid`.
    AppKeyId,
    "a key id"
);
okta_id_type!(
    /// The id of a role assignment (`irb…`).
    RoleAssignmentId,
    "a role assignment id"
);
okta_id_type!(
    /// A user's id (`00u…`).
    UserId,
    "a user id"
);
okta_id_type!(
    /// A group's id (`00g…`).
    GroupId,
    "a group id"
);
okta_id_type!(
    /// The id of a custom admin role (`cr0…`).
    CustomRoleId,
    "a custom role id"
);
okta_id_type!(
    /// The id of a custom authorization server (`default`, `aus…`).
    AuthServerId,
    "an authorization server id"
);
okta_id_type!(
    /// The id of a resource set (`iam…`), what a custom role applies to.
    ResourceSetId,
    "a resource set id"
);

impl AppId {
    /// The app id of an OAuth app, which Okta makes equal to its client id.
    pub fn of_client(client_id: &okta_assertion::ClientId) -> Result<AppId> {
        AppId::new(client_id.as_str())
    }
}

/// An OAuth scope (`okta.users.read`, `openid`): one scope-token of RFC 6749 §3.3, printable
/// ASCII without space, `"` or `\`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Scope(String);

impl Scope {
    /// Checks and wraps one scope.
    pub fn new(scope: impl Into<String>) -> Result<Scope> {
        let scope = scope.into();
        let token = |b: u8| b == 0x21 || (0x23..=0x5B).contains(&b) || (0x5D..=0x7E).contains(&b);
        if scope.is_empty() || scope.len() > 256 || !scope.bytes().all(token) {
            return Err(Error::InvalidInput {
                what: "a scope",
                reason: "a scope is 1 to 256 printable ASCII characters without space, \" or \\ (RFC 6749 §3.3)",
            });
        }
        Ok(Scope(scope))
    }

    /// Several scopes at once, each checked.
    pub fn list<S: AsRef<str>>(scopes: &[S]) -> Result<Vec<Scope>> {
        scopes.iter().map(|s| Scope::new(s.as_ref())).collect()
    }

    /// The scope as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Scope {
    type Err = Error;
    fn from_str(s: &str) -> Result<Scope> {
        Scope::new(s)
    }
}

impl AsRef<str> for Scope {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl serde::Serialize for Scope {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

/// Joins scopes into the space-separated form of a `scope` parameter.
pub(crate) fn join(scopes: &[Scope]) -> String {
    let mut out = String::new();
    for (i, s) in scopes.iter().enumerate() {
        if i > 0 {
            out.push(' ');
        }
        out.push_str(s.as_str());
    }
    out
}

macro_rules! standard_roles {
    ($($variant:ident => $text:literal, $doc:literal;)*) => {
        /// Okta's standard admin roles (the `type` of a role assignment), as its Management API
        /// lists them under `StandardRoleAssignmentSchema`.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[non_exhaustive]
        pub enum StandardRole {
            $(#[doc = $doc] $variant,)*
        }

        impl StandardRole {
            /// Every standard role, in Okta's order.
            pub const ALL: &'static [StandardRole] = &[$(StandardRole::$variant,)*];

            /// Okta's name of the role (`READ_ONLY_ADMIN`).
            pub fn as_str(self) -> &'static str {
                match self {
                    $(StandardRole::$variant => $text,)*
                }
            }
        }
    };
}

standard_roles! {
    AccessCertificationsAdmin => "ACCESS_CERTIFICATIONS_ADMIN", "Access Certifications Administrator (IAM-based).";
    AccessRequestsAdmin => "ACCESS_REQUESTS_ADMIN", "Access Requests Administrator (IAM-based).";
    ApiAccessManagementAdmin => "API_ACCESS_MANAGEMENT_ADMIN", "API Access Management Administrator.";
    AppAdmin => "APP_ADMIN", "Application Administrator.";
    GroupMembershipAdmin => "GROUP_MEMBERSHIP_ADMIN", "Group Membership Administrator.";
    HelpDeskAdmin => "HELP_DESK_ADMIN", "Help Desk Administrator.";
    OrgAdmin => "ORG_ADMIN", "Organizational Administrator.";
    ReadOnlyAdmin => "READ_ONLY_ADMIN", "Read-Only Administrator.";
    ReportAdmin => "REPORT_ADMIN", "Report Administrator.";
    SuperAdmin => "SUPER_ADMIN", "Super Administrator.";
    UserAdmin => "USER_ADMIN", "User Administrator.";
    WorkflowsAdmin => "WORKFLOWS_ADMIN", "Workflows Administrator (IAM-based).";
}

impl fmt::Display for StandardRole {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl StandardRole {
    /// The standard role `text` most likely meant: within three edits of its name, case,
    /// underscores, dashes and spaces aside, or one whose name it begins (`readonly`).
    fn closest(text: &str) -> Option<StandardRole> {
        let compact = |s: &str| -> String {
            s.chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .map(|c| c.to_ascii_uppercase())
                .collect()
        };
        let given = compact(text);
        if given.len() < 3 {
            return None;
        }
        StandardRole::ALL
            .iter()
            .copied()
            .map(|r| {
                let name = compact(r.as_str());
                let d = if name.starts_with(&given) && given.len() >= 4 {
                    0
                } else {
                    crate::spelling::distance(&given, &name)
                };
                (d, r)
            })
            .filter(|(d, _)| *d <= 3)
            .min_by_key(|(d, _)| *d)
            .map(|(_, r)| r)
    }
}

impl FromStr for StandardRole {
    type Err = Error;
    /// Okta's name, in any case (`read_only_admin` too).
    fn from_str(s: &str) -> Result<StandardRole> {
        StandardRole::ALL
            .iter()
            .copied()
            .find(|r| r.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| Error::UnknownRole {
                given: crate::error::safe(s.trim(), 40),
                meant: StandardRole::closest(s).map(StandardRole::as_str),
            })
    }
}

/// An admin role to assign: a standard one, or a custom role over a resource set.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Role {
    /// A standard role.
    Standard(StandardRole),
    /// A custom role (`type: CUSTOM`), which Okta grants over a resource set.
    Custom {
        /// The custom role.
        role: CustomRoleId,
        /// The resource set it applies to.
        resource_set: ResourceSetId,
    },
}

impl From<StandardRole> for Role {
    fn from(role: StandardRole) -> Role {
        Role::Standard(role)
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Role::Standard(r) => f.write_str(r.as_str()),
            Role::Custom { role, resource_set } => write!(f, "CUSTOM {role} on {resource_set}"),
        }
    }
}

/// How a new service app treats DPoP (`settings.oauthClient.dpop_bound_access_tokens`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DpopBinding {
    /// Every token request must carry a DPoP proof and tokens are DPoP-bound (Okta's default for
    /// new API service apps in the Admin Console).
    Required,
    /// Bearer tokens; no proof needed.
    NotRequired,
}

impl DpopBinding {
    /// The value of `dpop_bound_access_tokens`.
    pub fn is_required(self) -> bool {
        self == DpopBinding::Required
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_misspelt_role_names_the_one_meant() {
        for (typed, meant) in [
            ("READ_ONLY_ADMN", Some(StandardRole::ReadOnlyAdmin)),
            ("readonly", Some(StandardRole::ReadOnlyAdmin)),
            ("org-admin", Some(StandardRole::OrgAdmin)),
            ("SUPERADMIN", Some(StandardRole::SuperAdmin)),
            ("xyz", None),
        ] {
            match typed.parse::<StandardRole>() {
                Err(Error::UnknownRole { meant: m, .. }) => {
                    assert_eq!(m, meant.map(StandardRole::as_str), "{typed}");
                }
                other => panic!("{typed}: {other:?}"),
            }
        }
        let shown = "READ_ONLY_ADMN"
            .parse::<StandardRole>()
            .map(|_| ())
            .unwrap_err();
        assert_eq!(
            shown.to_string(),
            "\"READ_ONLY_ADMN\" is not one of Okta's standard admin roles; did you mean READ_ONLY_ADMIN?"
        );
    }

    use super::*;

    #[test]
    fn ids_refuse_what_would_change_a_path() {
        for bad in [
            "",
            "../../api/v1/users",
            "a/b",
            "a?b",
            "a b",
            "0oa%2F",
            &"x".repeat(65),
        ] {
            assert!(AppId::new(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            AppId::new("0oa1b2c3-d_4").map(|a| a.to_string()).ok(),
            Some("0oa1b2c3-d_4".into())
        );
    }

    #[test]
    fn scopes_are_rfc_6749_scope_tokens() {
        assert!(Scope::new("okta.users.read").is_ok());
        assert!(Scope::new("openid").is_ok());
        for bad in [
            "",
            "okta.users.read okta.apps.read",
            "a\"b",
            "a\\b",
            "é",
            "a\tb",
        ] {
            assert!(Scope::new(bad).is_err(), "{bad:?}");
        }
        let list = Scope::list(&["openid", "profile"]).map(|l| join(&l)).ok();
        assert_eq!(list.as_deref(), Some("openid profile"));
    }

    #[test]
    fn standard_roles_round_trip_okta_names() {
        // The names of Okta's StandardRoleAssignmentSchema (management API, release 2026.06.3).
        let okta = [
            "ACCESS_CERTIFICATIONS_ADMIN",
            "ACCESS_REQUESTS_ADMIN",
            "API_ACCESS_MANAGEMENT_ADMIN",
            "APP_ADMIN",
            "GROUP_MEMBERSHIP_ADMIN",
            "HELP_DESK_ADMIN",
            "ORG_ADMIN",
            "READ_ONLY_ADMIN",
            "REPORT_ADMIN",
            "SUPER_ADMIN",
            "USER_ADMIN",
            "WORKFLOWS_ADMIN",
        ];
        let ours: Vec<&str> = StandardRole::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(ours, okta);
        assert_eq!(
            "read_only_admin".parse::<StandardRole>().ok(),
            Some(StandardRole::ReadOnlyAdmin)
        );
        assert!("CUSTOM".parse::<StandardRole>().is_err());
    }
}
