//! Okta API scope grants of an app (`/api/v1/apps/{id}/grants`).

use serde_json::{Value, json};

use crate::admin::model::Grant;
use crate::admin::read::grant_from;
use crate::error::Result;
use crate::http::auth::Credential;
use crate::http::call::made_but_unread;
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::planned::Request;
use crate::ids::{AppId, GrantId, Scope};
use crate::org::OrgUrl;

pub(crate) fn add_grant(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    scope: &Scope,
) -> Result<Grant> {
    let request = add_grant_request(okta.org_url(), app, scope);
    let r = okta.send_request(cred, &request)?;
    made_but_unread(grant_from(&r.body, &request.path), request.check())
}

/// `POST /api/v1/apps/{app}/grants` for `scope`, issued by the org.
pub(crate) fn add_grant_request(
    org: &OrgUrl,
    app: &dyn std::fmt::Display,
    scope: &Scope,
) -> Request {
    Request::post(
        format!("/api/v1/apps/{app}/grants"),
        grant_body(org, scope),
        "list the app's grants (GET /api/v1/apps/{id}/grants) before adding it again",
    )
}

/// `GET /api/v1/apps/{app}/grants`.
pub(crate) fn list_grants_request(app: &dyn std::fmt::Display) -> Request {
    Request::get(format!("/api/v1/apps/{app}/grants"))
}

pub(crate) fn list_grants(okta: &Okta, cred: &dyn Credential, app: &AppId) -> Result<Vec<Grant>> {
    okta.list(cred, &list_grants_request(app).path, grant_from)
}

pub(crate) fn revoke_grant(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    grant: &GrantId,
) -> Result<()> {
    let path = format!("/api/v1/apps/{app}/grants/{grant}");
    okta.call(cred, Method::DELETE, &path, None).map(|_| ())
}

/// The body of `POST /api/v1/apps/{id}/grants` that [`Okta::add_grant`] sends.
pub(crate) fn grant_body(org: &OrgUrl, scope: &Scope) -> Value {
    json!({"scopeId": scope.as_str(), "issuer": org.as_str()})
}
