//! The admin steps of the user half of Okta's guide, with an API token: create the OIDC app a
//! person signs in to (web with a client secret, native or single-page with PKCE), assign users
//! and groups to it, and give a user the admin role their own token needs.

use serde_json::{Value, json};

use crate::admin::apps::create_app_request;
use crate::admin::model::{RegisteredApp, RoleAssignment};
use crate::admin::read::{role_from, text, typed};
use crate::admin::roles::role_body;
use crate::error::{Error, Result};
use crate::http::auth::Credential;
use crate::http::call::made_but_unread;
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::planned::Request;
use crate::ids::{AppId, GroupId, Role, RoleAssignmentId, UserId};

/// The kind of OIDC app a person signs in to (Okta's `settings.oauthClient.application_type`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum OidcAppKind {
    /// A web app (`web`): a confidential client with a client secret, sent in the token request
    /// body (`client_secret_post`), as Okta's guide sets it up.
    Web,
    /// A native app (`native`): a public client with PKCE; it may also use the device grant.
    Native,
    /// A single-page app (`browser`): a public client with PKCE.
    Spa,
}

impl OidcAppKind {
    /// Okta's `application_type`.
    pub fn application_type(self) -> &'static str {
        match self {
            OidcAppKind::Web => "web",
            OidcAppKind::Native => "native",
            OidcAppKind::Spa => "browser",
        }
    }

    /// The kind Okta's `application_type` names (`service` is not a sign-in app: `None`).
    pub fn from_application_type(text: &str) -> Option<OidcAppKind> {
        match text {
            "web" => Some(OidcAppKind::Web),
            "native" => Some(OidcAppKind::Native),
            "browser" => Some(OidcAppKind::Spa),
            _ => None,
        }
    }

    /// The client authentication Okta is told to expect.
    pub fn token_endpoint_auth_method(self) -> &'static str {
        match self {
            OidcAppKind::Web => "client_secret_post",
            OidcAppKind::Native | OidcAppKind::Spa => "none",
        }
    }

    /// The grant types the app is created with: the authorization code and refresh tokens, and
    /// for a native app the device grant (RFC 8628).
    pub fn grant_types(self) -> &'static [&'static str] {
        match self {
            OidcAppKind::Web | OidcAppKind::Spa => &["authorization_code", "refresh_token"],
            OidcAppKind::Native => &[
                "authorization_code",
                "refresh_token",
                crate::oauth::sign_in::DEVICE_GRANT,
            ],
        }
    }
}

impl std::str::FromStr for OidcAppKind {
    type Err = Error;
    fn from_str(s: &str) -> Result<OidcAppKind> {
        match s {
            "web" => Ok(OidcAppKind::Web),
            "native" => Ok(OidcAppKind::Native),
            "spa" | "browser" => Ok(OidcAppKind::Spa),
            _ => Err(Error::InvalidInput {
                what: "the app type",
                reason: "it is web, native or spa",
            }),
        }
    }
}

/// What to create: a name, a kind and the sign-in redirect URIs.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct OidcApp {
    /// The label.
    pub name: String,
    /// Web, native or single-page.
    pub kind: OidcAppKind,
    /// Sign-in redirect URIs (at least one): `https://`, or `http://` on a loopback address, or
    /// (native apps) a private-use scheme (RFC 8252 §7.1).
    pub redirect_uris: Vec<String>,
}

impl OidcApp {
    /// An app of `kind` named `name` with these redirect URIs, checked.
    pub fn new(
        name: impl Into<String>,
        kind: OidcAppKind,
        redirect_uris: Vec<String>,
    ) -> Result<OidcApp> {
        let bad = |reason| Error::InvalidInput {
            what: "the redirect URI",
            reason,
        };
        if redirect_uris.is_empty() {
            return Err(bad("an app a person signs in to needs at least one"));
        }
        for uri in &redirect_uris {
            let url = url::Url::parse(uri).map_err(|_| bad("it is an absolute URL"))?;
            if url.fragment().is_some() {
                return Err(bad("it has no #fragment (RFC 6749 §3.1.2)"));
            }
            let loopback = matches!(
                url.host(),
                Some(url::Host::Ipv4(a)) if a.is_loopback()
            ) || matches!(url.host(), Some(url::Host::Ipv6(a)) if a.is_loopback())
                || url.host_str() == Some("localhost");
            let ok = match url.scheme() {
                "https" => true,
                "http" => loopback,
                // RFC 8252 §7.1: a private-use scheme, for native apps only.
                s => kind == OidcAppKind::Native && s.contains('.'),
            };
            if !ok {
                return Err(bad(
                    "it is https://, http:// on a loopback address, or (native apps) a reverse-domain scheme",
                ));
            }
        }
        Ok(OidcApp {
            name: name.into(),
            kind,
            redirect_uris,
        })
    }

    /// The body of `POST /api/v1/apps`.
    pub(crate) fn body(&self) -> Value {
        json!({
            "name": "oidc_client", "label": self.name, "signOnMode": "OPENID_CONNECT",
            "credentials": {"oauthClient": {
                "token_endpoint_auth_method": self.kind.token_endpoint_auth_method(),
                "autoKeyRotation": true
            }},
            "settings": {"oauthClient": {
                "application_type": self.kind.application_type(),
                "grant_types": self.kind.grant_types(),
                "response_types": ["code"],
                "redirect_uris": self.redirect_uris,
                "consent_method": "REQUIRED",
            }},
        })
    }
}

/// A user, as far as these steps need one.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct User {
    /// The id (`00u…`).
    pub id: UserId,
    /// `profile.login`.
    pub login: String,
    /// `status` (`ACTIVE`, `STAGED`, …).
    pub status: String,
}

/// A user's or a group's assignment to an app.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Assignee {
    /// Assigned directly.
    User(UserId),
    /// Assigned through a group: every member may sign in.
    Group(GroupId),
}

fn unexpected(endpoint: &str, reason: &str) -> Error {
    Error::Unexpected {
        endpoint: endpoint.to_owned(),
        reason: reason.to_owned(),
        request_id: None,
        source: None,
    }
}

/// A login or id as one path segment: Okta accepts either in `/api/v1/users/{id}`, and a login
/// is percent-encoded there, as its docs ask.
fn user_segment(login_or_id: &str) -> Result<String> {
    if login_or_id.is_empty()
        || login_or_id.len() > 256
        || login_or_id.chars().any(char::is_control)
        || login_or_id == "."
        || login_or_id == ".."
    {
        return Err(Error::InvalidInput {
            what: "the user",
            reason: "a login or user id is 1 to 256 characters, none of them control characters",
        });
    }
    Ok(url::form_urlencoded::byte_serialize(login_or_id.as_bytes())
        .collect::<String>()
        .replace('+', "%20"))
}

impl RegisteredApp {
    /// The kind of sign-in app this is, or `None` for a service app (or one Okta did not say).
    pub fn kind(&self) -> Option<OidcAppKind> {
        self.raw()
            .pointer("/settings/oauthClient/application_type")
            .and_then(Value::as_str)
            .and_then(OidcAppKind::from_application_type)
    }

    /// Okta's `application_type` as it said (`service`, `web`, `native`, `browser`).
    pub fn application_type(&self) -> Option<&str> {
        self.raw()
            .pointer("/settings/oauthClient/application_type")
            .or_else(|| self.raw().get("application_type"))
            .and_then(Value::as_str)
    }
}

pub(crate) fn create_oidc_app(
    okta: &Okta,
    cred: &dyn Credential,
    app: &OidcApp,
) -> Result<RegisteredApp> {
    let request = create_app_request(app.body());
    let r = okta.send_request(cred, &request)?;
    made_but_unread(okta.app_from(r.body), request.check())
}

pub(crate) fn find_user(okta: &Okta, cred: &dyn Credential, login_or_id: &str) -> Result<User> {
    let path = find_user_request(&user_segment(login_or_id)?).path;
    let v = okta.call(cred, Method::GET, &path, None)?.body;
    Ok(User {
        id: typed(&v, "/id", &path, "a user id", UserId::new)?,
        login: text(&v, "/profile/login", &path)?,
        status: text(&v, "/status", &path)?,
    })
}

pub(crate) fn assign_user(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    user: &UserId,
) -> Result<()> {
    okta.send_request(cred, &assign_user_request(app, user))
        .map(|_| ())
}

pub(crate) fn assign_group(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    group: &GroupId,
) -> Result<()> {
    let path = format!("/api/v1/apps/{app}/groups/{group}");
    okta.call(cred, Method::PUT, &path, Some(&json!({})))
        .map(|_| ())
}

pub(crate) fn unassign(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    who: &Assignee,
) -> Result<()> {
    let path = match who {
        Assignee::User(u) => format!("/api/v1/apps/{app}/users/{u}"),
        Assignee::Group(g) => format!("/api/v1/apps/{app}/groups/{g}"),
    };
    okta.call(cred, Method::DELETE, &path, None).map(|_| ())
}

pub(crate) fn list_assignments(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
) -> Result<Vec<Assignee>> {
    let mut out = Vec::new();
    for (tail, make) in [
        (
            "users",
            (|id| UserId::new(id).map(Assignee::User)) as fn(String) -> Result<Assignee>,
        ),
        ("groups", |id| GroupId::new(id).map(Assignee::Group)),
    ] {
        let path = format!("/api/v1/apps/{app}/{tail}");
        for item in okta.pages(cred, &path).items() {
            let item = item?;
            let id = item["id"]
                .as_str()
                .ok_or_else(|| unexpected(&path, "an assignment has no id"))?;
            out.push(
                make(id.to_owned()).map_err(|_| unexpected(&path, "an id is not an Okta id"))?,
            );
        }
    }
    Ok(out)
}

pub(crate) fn is_assigned(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    user: &UserId,
) -> Result<bool> {
    match okta.send_request(cred, &is_assigned_request(app, user)) {
        Ok(_) => Ok(true),
        Err(e) if e.status() == Some(404) => Ok(false),
        Err(e) => Err(e),
    }
}

pub(crate) fn assign_user_role(
    okta: &Okta,
    cred: &dyn Credential,
    user: &UserId,
    role: &Role,
) -> Result<RoleAssignment> {
    let request = assign_user_role_request(user, role);
    let r = okta.send_request(cred, &request)?;
    made_but_unread(role_from(&r.body, &request.path), request.check())
}

pub(crate) fn list_user_roles(
    okta: &Okta,
    cred: &dyn Credential,
    user: &UserId,
) -> Result<Vec<RoleAssignment>> {
    okta.list(cred, &list_user_roles_request(user).path, role_from)
}

pub(crate) fn unassign_user_role(
    okta: &Okta,
    cred: &dyn Credential,
    user: &UserId,
    assignment: &RoleAssignmentId,
) -> Result<()> {
    let path = format!("/api/v1/users/{user}/roles/{assignment}");
    okta.call(cred, Method::DELETE, &path, None).map(|_| ())
}

/// `GET /api/v1/users/{user}` (an id, or a login as a path segment).
pub(crate) fn find_user_request(user: &dyn std::fmt::Display) -> Request {
    Request::get(format!("/api/v1/users/{user}"))
}

/// `POST /api/v1/apps/{app}/users`: the user assigned to the app.
pub(crate) fn assign_user_request(
    app: &dyn std::fmt::Display,
    user: &dyn std::fmt::Display,
) -> Request {
    Request::post(
        format!("/api/v1/apps/{app}/users"),
        json!({"id": user.to_string(), "scope": "USER"}),
        "list the app's users (GET /api/v1/apps/{id}/users)",
    )
}

/// `GET /api/v1/apps/{app}/users/{user}`: 200 when the user is assigned, 404 when not.
pub(crate) fn is_assigned_request(
    app: &dyn std::fmt::Display,
    user: &dyn std::fmt::Display,
) -> Request {
    Request::get(format!("/api/v1/apps/{app}/users/{user}"))
}

/// `POST /api/v1/users/{user}/roles` with `role`.
pub(crate) fn assign_user_role_request(user: &dyn std::fmt::Display, role: &Role) -> Request {
    Request::post(
        format!("/api/v1/users/{user}/roles"),
        role_body(role),
        "list the user's roles (GET /api/v1/users/{id}/roles)",
    )
}

/// `GET /api/v1/users/{user}/roles`.
pub(crate) fn list_user_roles_request(user: &dyn std::fmt::Display) -> Request {
    Request::get(format!("/api/v1/users/{user}/roles"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redirect_uris_follow_rfc_8252() {
        let ok = |kind, uri: &str| OidcApp::new("a", kind, vec![uri.to_owned()]).is_ok();
        assert!(ok(OidcAppKind::Web, "https://app.example.com/callback"));
        assert!(ok(OidcAppKind::Web, "http://127.0.0.1:8765/callback"));
        assert!(ok(OidcAppKind::Web, "http://[::1]:8765/callback"));
        assert!(ok(OidcAppKind::Native, "com.example.app:/callback"));
        assert!(!ok(OidcAppKind::Web, "http://app.example.com/callback"));
        assert!(!ok(OidcAppKind::Web, "https://app.example.com/cb#frag"));
        assert!(!ok(OidcAppKind::Spa, "com.example.app:/callback"));
        assert!(!ok(OidcAppKind::Web, "not a url"));
        assert!(OidcApp::new("a", OidcAppKind::Web, vec![]).is_err());
    }

    #[test]
    fn a_login_is_one_encoded_path_segment() {
        assert_eq!(user_segment("a@example.com").unwrap(), "a%40example.com");
        assert_eq!(user_segment("../x y").unwrap(), "..%2Fx%20y");
        assert!(user_segment("").is_err());
        assert!(user_segment("..").is_err());
        assert!(user_segment("a\nb").is_err());
    }
}
