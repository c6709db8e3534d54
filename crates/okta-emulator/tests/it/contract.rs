//! The emulator's answers checked against Okta's published OpenAPI documents (issue 14,
//! section 4): for each operation exercised, the status must be one the contract declares, the
//! Content-Type JSON, and the body valid against the operation's response schema (error bodies
//! against Okta's `Error` schema). The documents are read from `shared/okta-openapi/` beside the
//! repository (never copied into it).
//!
//! OpenAPI 3.0 is not quite JSON Schema: `nullable: true` becomes a `null` type, and a
//! `discriminator`'s `oneOf` (whose branches all share the parent's properties) becomes `anyOf`.

use std::path::PathBuf;

use serde_json::{Value, json};

use crate::{Got, World, delete, get, post_json};

/// `shared/okta-openapi`, found above this crate (the repository's or the package's folder).
fn openapi_dir() -> Option<PathBuf> {
    let here = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    here.ancestors()
        .map(|a| a.join("shared/okta-openapi"))
        .find(|d| d.join("okta-management-oauth-subset.json").is_file())
}

/// OpenAPI 3.0's dialect turned into JSON Schema.
fn to_json_schema(v: &mut Value) {
    match v {
        Value::Object(map) => {
            if map.get("nullable") == Some(&Value::Bool(true))
                && let Some(Value::String(t)) = map.get("type").cloned()
            {
                map.insert("type".into(), json!([t, "null"]));
            }
            if map.remove("discriminator").is_some()
                && let Some(one_of) = map.remove("oneOf")
            {
                map.insert("anyOf".into(), one_of);
            }
            for value in map.values_mut() {
                to_json_schema(value);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(to_json_schema),
        _ => {}
    }
}

struct Contract {
    spec: Value,
}

impl Contract {
    /// The Management API document (the OAuth-for-Okta subset).
    fn load() -> Option<Contract> {
        let dir = openapi_dir()?;
        let text = std::fs::read_to_string(dir.join("okta-management-oauth-subset.json")).ok()?;
        let mut spec: Value = serde_json::from_str(&text).ok()?;
        to_json_schema(&mut spec);
        Some(Contract { spec })
    }

    /// The OAuth document, with its two known defects mended as its README says:
    /// `JsonSigningWebKey` loses its `oneOf` (each branch is `allOf` it: an endless loop), and
    /// `TokenResponseTokenType` gains `DPoP` (RFC 9449 §5, which Okta sends).
    fn load_oauth() -> Option<Contract> {
        let dir = openapi_dir()?;
        let text = std::fs::read_to_string(dir.join("okta-oauth-minimal.yaml")).ok()?;
        let mut spec: Value = serde_norway::from_str(&text).ok()?;
        let schemas = spec.pointer_mut("/components/schemas")?;
        schemas["JsonSigningWebKey"]
            .as_object_mut()?
            .remove("oneOf");
        schemas["TokenResponseTokenType"]["enum"]
            .as_array_mut()?
            .push(json!("DPoP"));
        to_json_schema(&mut spec);
        Some(Contract { spec })
    }

    /// Checks one answer of `method path` (a path template of the contract).
    fn check(&self, method: &str, path: &str, got: &Got) {
        let op = &self.spec["paths"][path][method.to_ascii_lowercase()];
        assert!(op.is_object(), "{method} {path} is not in the contract");
        let status = got.status.to_string();
        let response = &op["responses"][&status];
        assert!(
            response.is_object(),
            "{method} {path} answered {status}, which the contract does not declare ({:?})",
            op["responses"]
                .as_object()
                .map(|r| r.keys().collect::<Vec<_>>())
        );
        // A `$ref` to a shared response (`ErrorResourceNotFound404`) is followed.
        let response = match response["$ref"].as_str() {
            Some(r) => self.pointer(r),
            None => response.clone(),
        };
        let Some(schema) = response.pointer("/content/application~1json/schema") else {
            assert!(
                got.body.is_empty(),
                "{method} {path} {status}: a body the contract does not have"
            );
            return;
        };
        let content_type = got.header("content-type").unwrap_or_default();
        assert!(
            content_type.starts_with("application/json"),
            "{method} {path}: {content_type}"
        );
        let mut document = json!({"components": self.spec["components"].clone()});
        document["$ref"] = Value::String("#/x-schema".into());
        document["x-schema"] = schema.clone();
        let validator = jsonschema::options()
            .should_validate_formats(false)
            .build(&document)
            .unwrap_or_else(|e| panic!("{method} {path}: the contract's schema: {e}"));
        let body = got.json();
        let errors: Vec<String> = validator
            .iter_errors(&body)
            .map(|e| format!("{} at {}", e, e.instance_path))
            .take(5)
            .collect();
        assert!(
            errors.is_empty(),
            "{method} {path} {status}: {errors:#?}\nbody: {body}"
        );
    }

    fn pointer(&self, reference: &str) -> Value {
        let pointer = reference.trim_start_matches('#');
        self.spec.pointer(pointer).cloned().unwrap_or(Value::Null)
    }
}

#[test]
fn the_management_answers_follow_oktas_contract() {
    let Some(contract) = Contract::load() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "shared/okta-openapi is missing beside the repository: CI checks the contract"
        );
        eprintln!("note: shared/okta-openapi not found; the contract check did not run");
        return;
    };
    let w = World::new(false);
    let auth = w.ssws();
    let h = [("Authorization", auth.as_str())];
    let id = w.client_id.clone();

    // Apps.
    let created = post_json(
        &w.url("/api/v1/apps"),
        &json!({"name": "oidc_client", "label": "contract", "signOnMode": "OPENID_CONNECT",
                "credentials": {"oauthClient": {"token_endpoint_auth_method": "private_key_jwt"}},
                "settings": {"oauthClient": {"application_type": "service", "grant_types": ["client_credentials"],
                    "response_types": ["token"], "jwks": {"keys": [crate::Key::fixture("p384", Some("c1")).public]}}}}),
        &h,
    );
    contract.check("POST", "/api/v1/apps", &created);
    let new_id = created.json()["id"].as_str().unwrap().to_owned();
    contract.check("GET", "/api/v1/apps", &get(&w.url("/api/v1/apps"), &h));
    contract.check(
        "GET",
        "/api/v1/apps/{appId}",
        &get(&w.url(&format!("/api/v1/apps/{id}")), &h),
    );
    contract.check(
        "GET",
        "/api/v1/apps/{appId}",
        &get(&w.url("/api/v1/apps/0oaNOPE"), &h),
    );

    // Grants and roles.
    let grants = w.url(&format!("/api/v1/apps/{id}/grants"));
    let issuer = w.org.url().to_owned();
    contract.check(
        "POST",
        "/api/v1/apps/{appId}/grants",
        &post_json(
            &grants,
            &json!({"scopeId": "okta.apps.read", "issuer": issuer}),
            &h,
        ),
    );
    contract.check("GET", "/api/v1/apps/{appId}/grants", &get(&grants, &h));
    let roles = w.url(&format!("/oauth2/v1/clients/{id}/roles"));
    contract.check(
        "POST",
        "/oauth2/v1/clients/{clientId}/roles",
        &post_json(&roles, &json!({"type": "APP_ADMIN"}), &h),
    );
    contract.check(
        "GET",
        "/oauth2/v1/clients/{clientId}/roles",
        &get(&roles, &h),
    );
    // One assignment: read, taken away, then gone (404 both ways).
    let assigned = get(&roles, &h).json()[0]["id"].as_str().unwrap().to_owned();
    let one_role = format!("{roles}/{assigned}");
    let path = "/oauth2/v1/clients/{clientId}/roles/{roleAssignmentId}";
    contract.check("GET", path, &get(&one_role, &h));
    let removed = delete(&one_role, &h);
    assert_eq!(removed.status, 204, "{}", removed.body);
    contract.check("DELETE", path, &removed);
    let gone = get(&one_role, &h);
    assert_eq!(gone.status, 404);
    contract.check("GET", path, &gone);
    contract.check("DELETE", path, &delete(&one_role, &h));
    contract.check(
        "GET",
        "/oauth2/v1/clients/{clientId}/roles",
        &get(&w.url("/oauth2/v1/clients/0oaNOPE/roles"), &h),
    );

    // Keys.
    let keys = w.url(&format!("/api/v1/apps/{id}/credentials/jwks"));
    contract.check(
        "GET",
        "/api/v1/apps/{appId}/credentials/jwks",
        &get(&keys, &h),
    );

    // Users.
    contract.check(
        "GET",
        "/api/v1/users",
        &get(&w.url("/api/v1/users?limit=3"), &h),
    );
    contract.check(
        "GET",
        "/api/v1/users/{id}",
        &get(&w.url("/api/v1/users/user1%40example.com"), &h),
    );
    contract.check(
        "GET",
        "/api/v1/users/{id}",
        &get(&w.url("/api/v1/users/00uNOPE"), &h),
    );

    // Lifecycle and delete.
    let deactivate = w.url(&format!("/api/v1/apps/{new_id}/lifecycle/deactivate"));
    contract.check(
        "POST",
        "/api/v1/apps/{appId}/lifecycle/deactivate",
        &post_json(&deactivate, &json!({}), &h),
    );
    contract.check(
        "DELETE",
        "/api/v1/apps/{appId}",
        &delete(&w.url(&format!("/api/v1/apps/{new_id}")), &h),
    );
}

#[test]
fn the_contract_check_refuses_what_the_contract_does_not_allow() {
    let Some(contract) = Contract::load() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "shared/okta-openapi is missing"
        );
        return;
    };
    let got = |status: u16, body: &str| Got {
        status,
        headers: vec![("content-type".into(), "application/json".into())],
        body: body.into(),
    };
    let refused = |status: u16, body: &str| {
        let check = std::panic::AssertUnwindSafe(|| {
            contract.check(
                "GET",
                "/api/v1/apps/{appId}/credentials/jwks",
                &got(status, body),
            );
        });
        std::panic::catch_unwind(check).is_err()
    };
    // The emulator's old answers: a 201 and the `{"jwks":{"keys"}}` object.
    assert!(refused(201, "[]"), "an undeclared status");
    assert!(
        refused(200, r#"{"jwks":{"keys":[]}}"#),
        "an object where the contract has an array"
    );
    assert!(refused(200, r#"[{"id": 5}]"#), "a key whose id is a number");
    assert!(
        !refused(200, "[]"),
        "an empty list is what the contract allows"
    );

    let oauth = Contract::load_oauth().expect("the OAuth document reads");
    let token = |body: &str| {
        let check = std::panic::AssertUnwindSafe(|| {
            oauth.check("POST", "/oauth2/v1/token", &got(200, body));
        });
        std::panic::catch_unwind(check).is_err()
    };
    let good =
        r#"{"token_type":"DPoP","expires_in":3600,"access_token":"x","scope":"okta.users.read"}"#;
    assert!(!token(good), "a DPoP token response (the enum mended)");
    assert!(
        token(r#"{"token_type":"Mac","expires_in":3600,"access_token":"x"}"#),
        "an unknown token_type"
    );
    assert!(
        token(r#"{"token_type":"Bearer","expires_in":"3600","access_token":"x"}"#),
        "expires_in as a string"
    );
}

#[test]
fn the_oauth_answers_follow_oktas_contract() {
    let Some(contract) = Contract::load_oauth() else {
        assert!(
            std::env::var_os("CI").is_none(),
            "shared/okta-openapi is missing"
        );
        return;
    };
    let w = World::new(false);
    let auth = w.ssws();
    let h = [("Authorization", auth.as_str())];
    contract.check(
        "GET",
        "/.well-known/openid-configuration",
        &get(&w.url("/.well-known/openid-configuration"), &[]),
    );
    contract.check(
        "GET",
        "/oauth2/v1/keys",
        &get(&w.url("/oauth2/v1/keys"), &[]),
    );
    contract.check(
        "POST",
        "/oauth2/v1/token",
        &w.token_request(&w.assertion(), "okta.users.read", None),
    );
    // An assertion for another audience: Okta's OAuth error shape.
    let wrong = w.assertion_with(&[("aud", json!("https://elsewhere.example/oauth2/v1/token"))]);
    contract.check(
        "POST",
        "/oauth2/v1/token",
        &w.token_request(&wrong, "okta.users.read", None),
    );
    // Dynamic Client Registration.
    let key = crate::Key::fixture("p256", Some("dcr-1")).public;
    let registered = post_json(
        &w.url("/oauth2/v1/clients"),
        &json!({"client_name": "contract", "response_types": ["token"], "grant_types": ["client_credentials"],
                "token_endpoint_auth_method": "private_key_jwt", "application_type": "service", "jwks": {"keys": [key]}}),
        &h,
    );
    contract.check("POST", "/oauth2/v1/clients", &registered);
    let id = registered.json()["client_id"].as_str().unwrap().to_owned();
    contract.check(
        "GET",
        "/oauth2/v1/clients",
        &get(&w.url("/oauth2/v1/clients"), &h),
    );
    let one = w.url(&format!("/oauth2/v1/clients/{id}"));
    contract.check("GET", "/oauth2/v1/clients/{clientId}", &get(&one, &h));
    contract.check("DELETE", "/oauth2/v1/clients/{clientId}", &delete(&one, &h));
    contract.check("GET", "/oauth2/v1/clients/{clientId}", &get(&one, &h));
}
