//! The org's SSWS API tokens (`GET /api/v1/api-tokens`), as an admin moving to OAuth reads them:
//! who owns each, from where it may be used, when it was made and when it expires unused. Okta
//! never shows a token's value again after it is made; neither does this.

use serde_json::Value;

use crate::error::{Result, safe};
use crate::http::auth::Credential;
use crate::http::client::Okta;

/// One of the org's SSWS API tokens, as Okta's API Tokens API describes it.
#[derive(Debug, Clone, PartialEq)]
pub struct ApiToken {
    id: String,
    name: String,
    user_id: Option<String>,
    client_name: Option<String>,
    network: Option<String>,
    created: Option<String>,
    expires_at: Option<String>,
    last_updated: Option<String>,
    raw: Value,
}

impl ApiToken {
    /// Okta's id of the token (`00T…`): not the token.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The name its owner gave it.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The id of the user it acts as (an SSWS token has every right of its owner).
    pub fn user_id(&self) -> Option<&str> {
        self.user_id.as_deref()
    }

    /// What made it (`Okta API` for a token made in the Admin Console).
    pub fn client_name(&self) -> Option<&str> {
        self.client_name.as_deref()
    }

    /// Where it may be used from: `ANYWHERE`, `ZONE` (network zones), … (`network.connection`).
    pub fn network(&self) -> Option<&str> {
        self.network.as_deref()
    }

    /// When it was made (RFC 3339, as Okta wrote it).
    pub fn created(&self) -> Option<&str> {
        self.created.as_deref()
    }

    /// When it expires if not used again (RFC 3339).
    pub fn expires_at(&self) -> Option<&str> {
        self.expires_at.as_deref()
    }

    /// When it was last used or changed (RFC 3339).
    pub fn last_updated(&self) -> Option<&str> {
        self.last_updated.as_deref()
    }

    /// Okta's JSON of it.
    pub fn raw(&self) -> &Value {
        &self.raw
    }

    fn from_json(v: &Value, endpoint: &str) -> Result<ApiToken> {
        let text = |pointer: &str| {
            v.pointer(pointer)
                .and_then(Value::as_str)
                .map(|s| safe(s, 200))
        };
        Ok(ApiToken {
            id: crate::admin::read::text(v, "/id", endpoint)?,
            name: text("/name").unwrap_or_default(),
            user_id: text("/userId"),
            client_name: text("/clientName"),
            network: text("/network/connection"),
            created: text("/created"),
            expires_at: text("/expiresAt"),
            last_updated: text("/lastUpdated"),
            raw: v.clone(),
        })
    }
}

/// Every API token of the org (all pages).
pub(crate) fn list_api_tokens(okta: &Okta, cred: &dyn Credential) -> Result<Vec<ApiToken>> {
    let endpoint = "/api/v1/api-tokens";
    let mut out = Vec::new();
    for token in okta.pages(cred, endpoint).items() {
        out.push(ApiToken::from_json(&token?, endpoint)?);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::ApiToken;

    /// The members of an API token in Okta's API Tokens API reference.
    #[test]
    fn a_token_is_read_from_oktas_json() {
        let v = serde_json::json!({
            "id": "00Tabcdefghij1234567", "name": "Reporting script", "userId": "00u1",
            "clientName": "Okta API", "tokenWindow": "P30D", "network": {"connection": "ZONE", "include": ["nzo1"]},
            "expiresAt": "2026-01-30T07:46:14.000Z", "created": "2025-07-21T05:52:51.000Z",
            "lastUpdated": "2025-12-31T07:46:14.000Z"
        });
        let t = ApiToken::from_json(&v, "/api/v1/api-tokens").unwrap();
        assert_eq!(t.id(), "00Tabcdefghij1234567");
        assert_eq!(t.name(), "Reporting script");
        assert_eq!(t.user_id(), Some("00u1"));
        assert_eq!(t.network(), Some("ZONE"));
        assert_eq!(t.created(), Some("2025-07-21T05:52:51.000Z"));
        assert!(ApiToken::from_json(&serde_json::json!({"name": "no id"}), "/x").is_err());
    }
}
