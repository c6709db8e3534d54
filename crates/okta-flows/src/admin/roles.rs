//! Admin roles of an app (`/oauth2/v1/clients/{id}/roles`); without one, Okta answers the
//! app's calls with 403 E0000006.

use okta_assertion::ClientId;
use serde_json::{Value, json};

use crate::admin::model::RoleAssignment;
use crate::admin::read::{client_segment, role_from};
use crate::error::Result;
use crate::http::auth::Credential;
use crate::http::call::made_but_unread;
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::http::planned::Request;
use crate::ids::{Role, RoleAssignmentId};

pub(crate) fn assign_role(
    okta: &Okta,
    cred: &dyn Credential,
    client: &ClientId,
    role: &Role,
) -> Result<RoleAssignment> {
    let request = assign_role_request(&client_segment(client)?, role);
    let r = okta.send_request(cred, &request)?;
    made_but_unread(role_from(&r.body, &request.path), request.check())
}

/// `POST /oauth2/v1/clients/{client}/roles` with `role`.
pub(crate) fn assign_role_request(client: &dyn std::fmt::Display, role: &Role) -> Request {
    Request::post(
        format!("/oauth2/v1/clients/{client}/roles"),
        role_body(role),
        "list the client's roles (GET /oauth2/v1/clients/{id}/roles)",
    )
}

/// `GET /oauth2/v1/clients/{client}/roles`.
pub(crate) fn list_roles_request(client: &dyn std::fmt::Display) -> Request {
    Request::get(format!("/oauth2/v1/clients/{client}/roles"))
}

pub(crate) fn unassign_role(
    okta: &Okta,
    cred: &dyn Credential,
    client: &ClientId,
    assignment: &RoleAssignmentId,
) -> Result<()> {
    let path = format!(
        "/oauth2/v1/clients/{}/roles/{assignment}",
        client_segment(client)?
    );
    okta.call(cred, Method::DELETE, &path, None).map(|_| ())
}

pub(crate) fn list_roles(
    okta: &Okta,
    cred: &dyn Credential,
    client: &ClientId,
) -> Result<Vec<RoleAssignment>> {
    okta.list(
        cred,
        &list_roles_request(&client_segment(client)?).path,
        role_from,
    )
}

/// The body of `POST /oauth2/v1/clients/{id}/roles` that [`Okta::assign_role`] sends (Okta's
/// `StandardRoleAssignmentSchema` or `CustomRoleAssignmentSchema`).
pub(crate) fn role_body(role: &Role) -> Value {
    match role {
        Role::Standard(r) => json!({"type": r.as_str()}),
        Role::Custom { role, resource_set } => {
            json!({"type": "CUSTOM", "role": role.as_str(), "resource-set": resource_set.as_str()})
        }
    }
}
