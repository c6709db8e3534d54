//! Least-privilege admin roles, as Okta's guide suggests: "a custom admin role with permissions
//! to specific resource sets" instead of a standard role. A custom role (`/api/v1/iam/roles`)
//! holds permissions; a resource set (`/api/v1/iam/resource-sets`) names what they apply to;
//! the two are assigned together to a client or a user ([`Role::Custom`]).

use serde_json::{Value, json};

use crate::admin::read::{text, typed};
use crate::error::Result;
use crate::http::auth::Credential;
use crate::http::call::made_but_unread;
use crate::http::client::Okta;
use crate::http::method::Method;
use crate::ids::{CustomRoleId, ResourceSetId, Role, Scope};

/// A custom admin role.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct CustomRole {
    /// Its id (`cr0…`).
    pub id: CustomRoleId,
    /// Its unique label.
    pub label: String,
}

/// A resource set.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ResourceSet {
    /// Its id (`iam…`).
    pub id: ResourceSetId,
    /// Its unique label.
    pub label: String,
}

fn segment(key: &str) -> String {
    url::form_urlencoded::byte_serialize(key.as_bytes())
        .collect::<String>()
        .replace('+', "%20")
}

pub(crate) fn find_custom_role(
    okta: &Okta,
    cred: &dyn Credential,
    key: &str,
) -> Result<Option<CustomRole>> {
    let path = format!("/api/v1/iam/roles/{}", segment(key));
    match okta.call(cred, Method::GET, &path, None) {
        Ok(r) => Ok(Some(custom_role(&r.body, &path)?)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

pub(crate) fn create_custom_role(
    okta: &Okta,
    cred: &dyn Credential,
    label: &str,
    description: &str,
    permissions: &[String],
) -> Result<CustomRole> {
    let path = "/api/v1/iam/roles";
    let body = json!({"label": label, "description": description, "permissions": permissions});
    let check = "look the role up by its label (GET /api/v1/iam/roles/{label})";
    let r = okta.call_checked(cred, Method::POST, path, Some(&body), check)?;
    made_but_unread(custom_role(&r.body, path), check)
}

pub(crate) fn find_resource_set(
    okta: &Okta,
    cred: &dyn Credential,
    key: &str,
) -> Result<Option<ResourceSet>> {
    let path = format!("/api/v1/iam/resource-sets/{}", segment(key));
    match okta.call(cred, Method::GET, &path, None) {
        Ok(r) => Ok(Some(resource_set(&r.body, &path)?)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}

pub(crate) fn create_resource_set(
    okta: &Okta,
    cred: &dyn Credential,
    label: &str,
    description: &str,
    resources: &[String],
) -> Result<ResourceSet> {
    let path = "/api/v1/iam/resource-sets";
    let body = json!({"label": label, "description": description, "resources": resources});
    let check = "look the resource set up by its label (GET /api/v1/iam/resource-sets/{label})";
    let r = okta.call_checked(cred, Method::POST, path, Some(&body), check)?;
    made_but_unread(resource_set(&r.body, path), check)
}

pub(crate) fn least_privilege_role(
    okta: &Okta,
    cred: &dyn Credential,
    label: &str,
    scopes: &[Scope],
    resources: &[String],
) -> Result<Role> {
    let role = match okta.find_custom_role(cred, label)? {
        Some(r) => r,
        None => okta.create_custom_role(
            cred,
            label,
            &format!("Made by okta-oauth for {}", crate::ids::join(scopes)),
            &crate::admin::privileges::permissions_for(scopes)?,
        )?,
    };
    let set_label = format!("{label} resources");
    let set = match okta.find_resource_set(cred, &set_label)? {
        Some(s) => s,
        None => okta.create_resource_set(
            cred,
            &set_label,
            &format!("What the custom role {label} applies to"),
            resources,
        )?,
    };
    Ok(Role::Custom {
        role: role.id,
        resource_set: set.id,
    })
}

fn custom_role(v: &Value, path: &str) -> Result<CustomRole> {
    Ok(CustomRole {
        id: typed(v, "/id", path, "an Okta id", CustomRoleId::new)?,
        label: text(v, "/label", path)?,
    })
}

fn resource_set(v: &Value, path: &str) -> Result<ResourceSet> {
    Ok(ResourceSet {
        id: typed(v, "/id", path, "an Okta id", ResourceSetId::new)?,
        label: text(v, "/label", path)?,
    })
}
