//! Reading Okta's answers: text and typed values at JSON pointers, lists, an app (its client
//! secret taken out of its JSON), a grant, a role assignment.

use okta_assertion::ClientId;
use serde_json::Value;

use crate::admin::model::{Grant, RegisteredApp, RoleAssignment};
use crate::error::{Error, Result, safe};
use crate::http::auth::Credential;
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::ids::{AppId, GrantId, RoleAssignmentId, Scope};
use crate::secrets::ClientSecret;

pub(crate) fn text(v: &Value, pointer: &str, endpoint: &str) -> Result<String> {
    v.pointer(pointer)
        .and_then(Value::as_str)
        .map(|s| safe(s, 200))
        .ok_or_else(|| Error::Unexpected {
            endpoint: endpoint.to_owned(),
            reason: format!("the answer has no {pointer}"),
            request_id: None,
            source: None,
        })
}

/// A typed value from Okta's answer; a malformed one is Okta's unexpected answer, not the
/// caller's invalid input.
pub(crate) fn typed<T, E>(
    v: &Value,
    pointer: &str,
    endpoint: &str,
    what: &str,
    make: impl FnOnce(String) -> std::result::Result<T, E>,
) -> Result<T> {
    make(text(v, pointer, endpoint)?).map_err(|_| Error::Unexpected {
        endpoint: endpoint.to_owned(),
        reason: format!("{pointer} is not {what}"),
        request_id: None,
        source: None,
    })
}

impl Okta {
    /// GETs a JSON array and reads each item with `item`.
    pub(crate) fn list<T>(
        &self,
        cred: &dyn Credential,
        path: &str,
        item: fn(&Value, &str) -> Result<T>,
    ) -> Result<Vec<T>> {
        let r = self.call(cred, Method::GET, path, None)?;
        let list = r.body.as_array().ok_or_else(|| Error::Unexpected {
            endpoint: path.to_owned(),
            reason: "not a list".into(),
            request_id: r.request_id.clone(),
            source: None,
        })?;
        list.iter().map(|v| item(v, path)).collect()
    }

    /// An app from Okta's JSON. What it says of DPoP is remembered, so that
    /// [`crate::DpopMode::Auto`] sends a proof from the first token request.
    pub(crate) fn app_from(&self, mut v: Value) -> Result<RegisteredApp> {
        let endpoint = "/api/v1/apps";
        let id = typed(&v, "/id", endpoint, "an Okta id", AppId::new)?;
        let client_pointer = if v.pointer("/credentials/oauthClient/client_id").is_some() {
            "/credentials/oauthClient/client_id"
        } else {
            "/id"
        };
        let client_id = typed(&v, client_pointer, endpoint, "a client id", ClientId::new)?;
        let dpop_bound = v
            .pointer("/settings/oauthClient/dpop_bound_access_tokens")
            .and_then(Value::as_bool);
        if dpop_bound == Some(true) {
            self.dpop().set_required(client_id.as_str());
        }
        let client_secret = take_secret(&mut v, "/credentials/oauthClient/client_secret");
        Ok(RegisteredApp {
            id,
            client_id,
            name: text(&v, "/label", endpoint)?,
            dpop_bound,
            client_secret,
            raw: v,
        })
    }
}

/// A client id as a path segment: Okta's client ids are URL-safe, but RFC 6749 allows more.
pub(crate) fn client_segment(client: &ClientId) -> Result<&str> {
    AppId::new(client.as_str())?;
    Ok(client.as_str())
}

/// Takes a client secret out of an answer, so the JSON kept can be shown.
pub(crate) fn take_secret(v: &mut Value, pointer: &str) -> Option<ClientSecret> {
    let (parent, member) = pointer.rsplit_once('/')?;
    let holder = if parent.is_empty() {
        Some(v)
    } else {
        v.pointer_mut(parent)
    }?;
    match holder.as_object_mut()?.remove(member)? {
        Value::String(s) => Some(ClientSecret::new(s)),
        _ => None,
    }
}

pub(crate) fn grant_from(v: &Value, path: &str) -> Result<Grant> {
    Ok(Grant {
        id: typed(v, "/id", path, "an Okta id", GrantId::new)?,
        scope: typed(v, "/scopeId", path, "a scope", Scope::new)?,
    })
}

pub(crate) fn role_from(v: &Value, path: &str) -> Result<RoleAssignment> {
    let member = |name: &str| v.get(name).and_then(Value::as_str).map(|s| safe(s, 64));
    Ok(RoleAssignment {
        id: typed(v, "/id", path, "an Okta id", RoleAssignmentId::new)?,
        role_type: text(v, "/type", path)?,
        custom_role: member("role"),
        resource_set: member("resource-set"),
    })
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn a_client_secret_is_taken_out_of_the_json() {
        let mut v = json!({"id": "0oa1", "credentials": {"oauthClient": {"client_secret": "s3cr3t-value", "client_id": "0oa1"}}});
        let secret = take_secret(&mut v, "/credentials/oauthClient/client_secret");
        assert_eq!(
            secret.as_ref().map(ClientSecret::expose_secret),
            Some("s3cr3t-value")
        );
        assert!(!v.to_string().contains("s3cr3t-value"));
        let mut top = json!({"client_id": "0oa1", "client_secret": "top-secret"});
        assert!(take_secret(&mut top, "/client_secret").is_some());
        assert!(!top.to_string().contains("top-secret"));
    }
}
