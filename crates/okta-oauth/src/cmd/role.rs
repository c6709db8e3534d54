//! `okta-oauth role`: admin roles of apps and users, and least-privilege custom roles.

use anyhow::{Context as _, Result, bail};
use clap::Subcommand;
use okta_flows::{Credential, Role, Scope, StandardRole};
use serde_json::json;

use crate::context::Context;
use crate::out::Out;

/// `okta-oauth role`.
#[derive(Debug, Subcommand)]
pub(crate) enum RoleCmd {
    /// Assign an admin role (SUPER_ADMIN, READ_ONLY_ADMIN, …) to a client, or with --user to a
    /// user: a user's own token acts with their roles' permissions.
    Assign {
        /// CLIENT ROLE, or ROLE alone with --user; CLIENT alone (or nothing, with --user) for
        /// --custom.
        #[arg(value_name = "[CLIENT] ROLE", num_args = 0..=2)]
        targets: Vec<String>,
        /// The user (login or id) to give the role to, instead of a client.
        #[arg(long, value_name = "LOGIN")]
        user: Option<String>,
        /// A custom role (id or label) instead of a standard one, with --resource-set.
        #[arg(long, value_name = "ROLE", requires = "resource_set")]
        custom: Option<String>,
        /// The resource set (id or label) the custom role applies to.
        #[arg(long, value_name = "SET", requires = "custom")]
        resource_set: Option<String>,
    },
    /// Make (or find, by label) a least-privilege custom role: the permissions these scopes
    /// need, applied to the users of --group (repeatable) or to every user.
    Custom {
        /// The role's label (its resource set is labelled `LABEL resources`).
        label: String,
        /// The scopes whose actions the role may do.
        #[arg(long, default_value = "okta.users.read")]
        scopes: String,
        /// A group whose users the role applies to (repeat for more) [default: every user].
        #[arg(long = "group", value_name = "ID")]
        groups: Vec<String>,
    },
    /// List a client's admin roles, or with --user a user's.
    List {
        /// The client id (not with --user).
        #[arg(required_unless_present = "user", conflicts_with = "user")]
        client: Option<String>,
        /// The user (login or id).
        #[arg(long, value_name = "LOGIN")]
        user: Option<String>,
    },
}

impl RoleCmd {
    pub(crate) fn run(&self, ctx: &Context, out: &Out) -> Result<()> {
        let (okta, ssws) = ctx.admin()?;
        let cred: &dyn Credential = &ssws;
        match self {
            RoleCmd::Custom {
                label,
                scopes,
                groups,
            } => {
                let scopes = crate::config::words(scopes);
                crate::cmd::scopes::check_known(&scopes)?;
                let scopes = Scope::list(&scopes)?;
                let groups = groups
                    .iter()
                    .map(|g| okta_flows::GroupId::new(g.as_str()))
                    .collect::<okta_flows::Result<Vec<_>>>()?;
                let resources = okta_flows::resources_within(okta.org(), &scopes, &groups)?;
                let role = okta.least_privilege_role(cred, label, &scopes, &resources)?;
                let Role::Custom { role, resource_set } = role else {
                    bail!("Okta answered with a role that is not custom");
                };
                out.data(
                    &format!("custom role {role} with the resource set {resource_set}. Assign it to an app with `role assign`, the app's client id, --custom {role} and --resource-set {resource_set}"),
                    &json!({"role": role.as_str(), "resource_set": resource_set.as_str(), "resources": resources}),
                );
            }
            RoleCmd::Assign {
                targets,
                user,
                custom,
                resource_set,
            } => {
                let (client, role) = match (targets.as_slice(), user, custom) {
                    ([], Some(_), Some(_)) => (None, None),
                    ([client], None, Some(_)) => (Some(client), None),
                    ([role], Some(_), None) => (None, Some(role)),
                    ([client, role], None, None) => (Some(client), Some(role)),
                    ([_, _], Some(_), _) => {
                        bail!("with --user, give the role alone: role assign --user LOGIN ROLE")
                    }
                    (_, _, Some(_)) => bail!(
                        "with --custom, give the client alone (or --user): role assign CLIENT --custom ROLE --resource-set SET"
                    ),
                    _ => bail!(
                        "give the client and the role: role assign CLIENT ROLE (or --user LOGIN ROLE)"
                    ),
                };
                let role = match (role, custom, resource_set) {
                    (Some(r), _, _) => Role::Standard(r.parse::<StandardRole>()?),
                    (None, Some(c), Some(set)) => {
                        let found = okta.find_custom_role(cred, c)?.with_context(|| {
                            format!("no custom role {c:?} (`role custom` with a label and --scopes makes one)")
                        })?;
                        let set = okta
                            .find_resource_set(cred, set)?
                            .with_context(|| format!("no resource set {set:?}"))?;
                        Role::Custom {
                            role: found.id,
                            resource_set: set.id,
                        }
                    }
                    _ => bail!("give a standard role, or --custom ROLE --resource-set SET"),
                };
                let ensured = match (client, user) {
                    (Some(client), _) => {
                        okta.ensure_role(cred, &okta_flows::ClientId::new(client.as_str())?, &role)?
                    }
                    (None, Some(login)) => {
                        let u = okta.find_user(cred, login)?;
                        okta.ensure_user_role(cred, &u.id, &role)?
                    }
                    (None, None) => bail!("give a client or --user"),
                };
                let made = ensured.was_made();
                let r = ensured.into_inner();
                out.data(
                    &format!(
                        "{} {} ({})",
                        if made {
                            "assigned"
                        } else {
                            "already assigned:"
                        },
                        r.role_type,
                        r.id
                    ),
                    &json!({"id": r.id.as_str(), "type": r.role_type, "already": !made}),
                );
            }
            RoleCmd::List { client, user } => {
                let roles = match (client, user) {
                    (_, Some(login)) => {
                        let u = okta.find_user(cred, login)?;
                        okta.list_user_roles(cred, &u.id)?
                    }
                    (Some(client), None) => {
                        okta.list_roles(cred, &okta_flows::ClientId::new(client.as_str())?)?
                    }
                    (None, None) => bail!("give a client id or --user LOGIN"),
                };
                out.list(
                    ["ASSIGNMENT ID", "ROLE"],
                    roles.into_iter().map(|r| {
                        let role = r.custom_role.clone().unwrap_or_else(|| r.role_type.clone());
                        (
                            [r.id.to_string(), role],
                            json!({"id": r.id.as_str(), "type": r.role_type}),
                        )
                    }),
                );
            }
        }
        Ok(())
    }
}
