//! The steps of a guide as a plan: what it would send (for `--dry-run`) and running it, each
//! step reusing what exists.

pub(crate) mod service;
pub(crate) mod user;

use crate::admin::model::RegisteredApp;
use crate::error::Result;
use crate::http::auth::Credential;
use crate::http::client::Okta;
use crate::ids::AppId;

/// The app an earlier run recorded, when the org still has it (`None` for none recorded, or
/// one Okta no longer knows).
pub(crate) fn recorded_app(
    okta: &Okta,
    admin: &dyn Credential,
    existing: Option<&AppId>,
) -> Result<Option<RegisteredApp>> {
    let Some(id) = existing else {
        return Ok(None);
    };
    match okta.get_app(admin, id) {
        Ok(app) => Ok(Some(app)),
        Err(e) if e.status() == Some(404) => Ok(None),
        Err(e) => Err(e),
    }
}
