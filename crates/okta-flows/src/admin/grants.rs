//! Okta API scope grants of an app (`/api/v1/apps/{id}/grants`).

use serde_json::{Value, json};

use crate::admin::model::Grant;
use crate::admin::read::grant_from;
use crate::error::Result;
use crate::http::auth::Credential;
use crate::http::call::made_but_unread;
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::ids::{AppId, GrantId, Scope};
use crate::org::OrgUrl;

pub(crate) fn add_grant(
    okta: &Okta,
    cred: &dyn Credential,
    app: &AppId,
    scope: &Scope,
) -> Result<Grant> {
    let path = format!("/api/v1/apps/{app}/grants");
    let check = "list the app's grants (GET /api/v1/apps/{id}/grants) before adding it again";
    let body = grant_body(okta.org_url(), scope);
    let r = okta.call_checked(cred, Method::POST, &path, Some(&body), check)?;
    made_but_unread(grant_from(&r.body, &path), check)
}

pub(crate) fn list_grants(okta: &Okta, cred: &dyn Credential, app: &AppId) -> Result<Vec<Grant>> {
    let path = format!("/api/v1/apps/{app}/grants");
    okta.list(cred, &path, grant_from)
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
