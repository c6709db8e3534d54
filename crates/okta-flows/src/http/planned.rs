//! A request as a dry run lists it: method, URL, what authorizes it, headers and body, every
//! secret described, never shown.

use serde_json::Value;

use crate::http::method::Method;

/// One request a run sends, for a dry run: credentials are not part of it, only described.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct PlannedRequest {
    /// When it is sent (`always`, `unless okta.users.read is granted`).
    pub when: String,
    /// The method.
    pub method: Method,
    /// The full URL (`{new app id}` where the id is known only once the app exists).
    pub url: String,
    /// What authorizes it.
    pub by: PlannedAuth,
    /// Its headers besides `Authorization` for [`PlannedAuth::Admin`], each value described
    /// (`<a proof with ath>`), never a secret.
    pub headers: Vec<(String, String)>,
    /// The JSON body, if any.
    pub body: Option<Value>,
    /// The form body (`application/x-www-form-urlencoded`), if any, secrets described.
    pub form: Option<Vec<(String, String)>>,
}

/// What authorizes a planned request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PlannedAuth {
    /// The admin credential the plan runs with (an API token, or an admin's access token).
    Admin,
    /// The app itself, with a client assertion in the form (`private_key_jwt`).
    ClientAssertion,
    /// The app's access token (with a DPoP proof when the app requires DPoP), or a signed-in
    /// user's.
    AccessToken,
    /// A person, in their browser (the authorize request of a sign-in).
    Person,
    /// The app's client secret (a web app's, in the form) or, for a public app, nothing.
    ClientSecret,
}

impl PlannedRequest {
    /// A request of the admin steps.
    pub(crate) fn admin(when: String, method: Method, url: String, body: Option<Value>) -> Self {
        PlannedRequest {
            when,
            method,
            url,
            by: PlannedAuth::Admin,
            headers: Vec::new(),
            body,
            form: None,
        }
    }
}

/// A request of an admin step, as one function makes it: the sender sends it, a plan lists it.
/// Ids may be placeholders (`{new app id}`) when a plan lists it.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Request {
    pub(crate) method: Method,
    pub(crate) path: String,
    pub(crate) body: Option<Value>,
    /// For a change: how to find out whether it was made when its answer is lost.
    check: Option<&'static str>,
}

/// What to tell the caller to check when a request that changes something gets no clear
/// answer, when the request names nothing better.
pub(crate) const CHECK_CHANGE: &str = "check whether the change was made before repeating it";

impl Request {
    /// `GET path`.
    pub(crate) fn get(path: String) -> Request {
        Request {
            method: Method::GET,
            path,
            body: None,
            check: None,
        }
    }

    /// `POST path` with a JSON body; `check` says how to find out whether it was made when
    /// its answer is lost.
    pub(crate) fn post(path: String, body: Value, check: &'static str) -> Request {
        Request {
            method: Method::POST,
            path,
            body: Some(body),
            check: Some(check),
        }
    }

    /// How to find out whether this change was made when its answer is lost.
    pub(crate) fn check(&self) -> &'static str {
        self.check.unwrap_or(CHECK_CHANGE)
    }

    /// As a plan lists it, sent with the admin credential to the org at `origin`.
    pub(crate) fn planned(self, origin: &str, when: impl Into<String>) -> PlannedRequest {
        PlannedRequest::admin(
            when.into(),
            self.method,
            format!("{origin}{}", self.path),
            self.body,
        )
    }
}
