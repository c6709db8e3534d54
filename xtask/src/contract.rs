//! `cargo xtask contract [--check]`: the facts the tests need from Okta's published OpenAPI
//! documents (`../shared/okta-openapi`, beside the repository), extracted into committed data so
//! that a clone alone runs every test.
//!
//! For each operation the emulator's contract tests check: its status codes, the headers each
//! answer declares, and each answer's JSON schema with every component it reaches. For every
//! operation of the Management API: its OAuth scopes, which the two scope catalogs
//! (`crates/okta-flows/src/catalog.rs`, `crates/okta-emulator/src/catalog.rs`) are generated
//! from. Okta's prose (descriptions, summaries, examples, titles) is left out; each file is
//! stamped with the document it came from and that document's version.
//!
//! `--check` extracts again and compares, where `../shared/okta-openapi` is present; it always
//! checks that the catalogs are what the committed extract says.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use anyhow::{Context, Result, bail};
use serde_json::{Map, Value, json};

use crate::root;
use crate::scopes::Operation;

/// Where the extract lives (the emulator's `tests/fixtures` links here, so its packaged tests
/// read it too).
pub(crate) const DIR: &str = "tests/fixtures/okta-contract";

/// Where the documents in `../shared/okta-openapi` were published.
const ORIGIN: &str = "okta/okta-management-openapi-spec, dist/current (Apache-2.0)";

/// One extract: the document it comes from, the file it is written to, and the path templates
/// whose operations (all methods) it keeps.
struct Extract {
    document: &'static str,
    file: &'static str,
    paths: &'static [&'static str],
}

/// The operations the emulator's contract tests (`crates/okta-emulator/tests/it/contract.rs`)
/// check, by document. A test that checks an operation missing here fails and names this list.
const EXTRACTS: [Extract; 2] = [
    Extract {
        document: "okta-management-minimal.yaml",
        file: "management.json",
        paths: &[
            "/api/v1/api-tokens",
            "/api/v1/api-tokens/current",
            "/api/v1/api-tokens/{apiTokenId}",
            "/api/v1/apps",
            "/api/v1/apps/{appId}",
            "/api/v1/apps/{appId}/credentials/jwks",
            "/api/v1/apps/{appId}/credentials/jwks/{keyId}",
            "/api/v1/apps/{appId}/credentials/secrets",
            "/api/v1/apps/{appId}/credentials/secrets/{secretId}",
            "/api/v1/apps/{appId}/credentials/secrets/{secretId}/lifecycle/activate",
            "/api/v1/apps/{appId}/credentials/secrets/{secretId}/lifecycle/deactivate",
            "/api/v1/apps/{appId}/grants",
            "/api/v1/apps/{appId}/grants/{grantId}",
            "/api/v1/apps/{appId}/groups",
            "/api/v1/apps/{appId}/groups/{groupId}",
            "/api/v1/apps/{appId}/lifecycle/activate",
            "/api/v1/apps/{appId}/lifecycle/deactivate",
            "/api/v1/apps/{appId}/users",
            "/api/v1/apps/{appId}/users/{userId}",
            "/api/v1/groups",
            "/api/v1/groups/{groupId}",
            "/api/v1/groups/{groupId}/users",
            "/api/v1/groups/{groupId}/users/{userId}",
            "/api/v1/iam/resource-sets",
            "/api/v1/iam/resource-sets/{resourceSetIdOrLabel}",
            "/api/v1/iam/roles",
            "/api/v1/iam/roles/{roleIdOrLabel}",
            "/api/v1/users",
            "/api/v1/users/{id}",
            "/api/v1/users/{id}/lifecycle/activate",
            "/api/v1/users/{id}/lifecycle/deactivate",
            "/api/v1/users/{id}/lifecycle/suspend",
            "/api/v1/users/{id}/lifecycle/unsuspend",
            "/api/v1/users/{userId}/roles",
            "/api/v1/users/{userId}/roles/{roleAssignmentId}",
            "/oauth2/v1/clients/{clientId}/roles",
            "/oauth2/v1/clients/{clientId}/roles/{roleAssignmentId}",
        ],
    },
    Extract {
        document: "okta-oauth-minimal.yaml",
        file: "oauth.json",
        paths: &[
            "/.well-known/openid-configuration",
            "/oauth2/v1/authorize",
            "/oauth2/v1/clients",
            "/oauth2/v1/clients/{clientId}",
            "/oauth2/v1/device/authorize",
            "/oauth2/v1/introspect",
            "/oauth2/v1/keys",
            "/oauth2/v1/revoke",
            "/oauth2/v1/token",
            "/oauth2/v1/userinfo",
            "/oauth2/{authorizationServerId}/.well-known/oauth-authorization-server",
            "/oauth2/{authorizationServerId}/.well-known/openid-configuration",
            "/oauth2/{authorizationServerId}/v1/keys",
            "/oauth2/{authorizationServerId}/v1/token",
        ],
    },
];

/// The file of every Management API operation's OAuth scopes.
const SCOPES_FILE: &str = "scopes.json";

/// Okta's documents, beside the repository.
const SHARED: &str = "../shared/okta-openapi";

fn shared() -> PathBuf {
    root().join(SHARED)
}

/// Reads one YAML or JSON document.
fn load(path: &Path) -> Result<Value> {
    let text =
        std::fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
    serde_norway::from_str(&text).with_context(|| format!("{} is not YAML", path.display()))
}

fn version(doc: &Value) -> Result<String> {
    doc.pointer("/info/version")
        .and_then(Value::as_str)
        .map(str::to_owned)
        .context("the document has no info.version")
}

/// The keys of a schema object that carry Okta's prose or tooling hints, not a rule a value is
/// checked against.
fn is_prose(key: &str) -> bool {
    matches!(
        key,
        "description" | "summary" | "example" | "examples" | "title" | "externalDocs"
    ) || key.starts_with("x-")
}

/// A schema without its prose. Names under `properties` are data (a property may be called
/// `description`), so only the schemas they map to are cleaned.
fn schema_facts(schema: &Value) -> Value {
    match schema {
        Value::Object(map) => {
            let mut out = Map::new();
            for (key, value) in map {
                if is_prose(key) {
                    continue;
                }
                let value = match key.as_str() {
                    "properties" | "patternProperties" => match value {
                        Value::Object(props) => Value::Object(
                            props
                                .iter()
                                .map(|(name, s)| (name.clone(), schema_facts(s)))
                                .collect(),
                        ),
                        other => other.clone(),
                    },
                    "enum" | "required" | "discriminator" | "default" => value.clone(),
                    _ => schema_facts(value),
                };
                out.insert(key.clone(), value);
            }
            Value::Object(out)
        }
        Value::Array(items) => Value::Array(items.iter().map(schema_facts).collect()),
        other => other.clone(),
    }
}

/// Every `#/components/...` reference under `v`.
fn refs(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(r)) = map.get("$ref") {
                out.push(r.clone());
            }
            map.values().for_each(|v| refs(v, out));
        }
        Value::Array(items) => items.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

/// One answer of an operation: its declared headers (names) and its JSON schema, if any.
fn response_facts(doc: &Value, response: &Value) -> Result<Value> {
    let response = match response.get("$ref").and_then(Value::as_str) {
        Some(r) => doc
            .pointer(r.trim_start_matches('#'))
            .with_context(|| format!("a dangling reference {r}"))?,
        None => response,
    };
    let mut out = Map::new();
    if let Some(headers) = response.get("headers").and_then(Value::as_object) {
        let names: Map<String, Value> = headers.keys().map(|h| (h.clone(), json!({}))).collect();
        out.insert("headers".into(), Value::Object(names));
    }
    if let Some(content) = response.get("content").and_then(Value::as_object) {
        let mut media = Map::new();
        for (kind, body) in content {
            let schema = body.get("schema").map(schema_facts);
            media.insert(
                kind.clone(),
                schema.map_or_else(|| json!({}), |s| json!({ "schema": s })),
            );
        }
        out.insert("content".into(), Value::Object(media));
    }
    Ok(Value::Object(out))
}

/// The extract of one document: the listed paths' operations and the components they reach.
fn extract(doc: &Value, spec: &Extract, version: &str) -> Result<Value> {
    let mut paths = Map::new();
    for path in spec.paths {
        let item = doc
            .pointer(&format!(
                "/paths/{}",
                path.replace('~', "~0").replace('/', "~1")
            ))
            .and_then(Value::as_object)
            .with_context(|| format!("{path} is not in {}", spec.document))?;
        let mut methods = Map::new();
        for (method, op) in item {
            if !["get", "post", "put", "patch", "delete"].contains(&method.as_str()) {
                continue;
            }
            let mut responses = Map::new();
            for (status, response) in op
                .get("responses")
                .and_then(Value::as_object)
                .into_iter()
                .flatten()
            {
                responses.insert(status.clone(), response_facts(doc, response)?);
            }
            methods.insert(method.clone(), json!({ "responses": responses }));
        }
        paths.insert((*path).to_owned(), Value::Object(methods));
    }
    let mut todo = Vec::new();
    refs(&Value::Object(paths.clone()), &mut todo);
    let mut components: BTreeMap<String, Map<String, Value>> = BTreeMap::new();
    while let Some(r) = todo.pop() {
        let Some((kind, name)) = r
            .strip_prefix("#/components/")
            .and_then(|p| p.split_once('/'))
        else {
            bail!("a reference outside the document's components: {r}");
        };
        if components.get(kind).is_some_and(|k| k.contains_key(name)) {
            continue;
        }
        let found = doc
            .pointer(&format!("/components/{kind}/{name}"))
            .with_context(|| format!("a dangling reference {r}"))?;
        let found = schema_facts(found);
        refs(&found, &mut todo);
        components
            .entry(kind.to_owned())
            .or_default()
            .insert(name.to_owned(), found);
    }
    Ok(json!({
        "source": format!("{}, from {ORIGIN}", spec.document),
        "version": version,
        "extracted_by": "cargo xtask contract: operations, status codes, declared headers and schemas; no descriptions or examples",
        "paths": paths,
        "components": components,
    }))
}

/// Every Management API operation's OAuth scopes, as `[method, path, [scopes…]]` rows sorted
/// by path then method.
fn scopes_extract(doc: &Value, version: &str) -> Result<Value> {
    let ops = crate::scopes::operations(doc)?;
    let rows: Vec<Value> = ops
        .iter()
        .map(|o| json!([o.method, o.path, o.scopes]))
        .collect();
    Ok(json!({
        "source": format!("okta-management-minimal.yaml, from {ORIGIN}"),
        "version": version,
        "extracted_by": "cargo xtask contract: each operation's `security` requirement `oauth2`",
        "operations": rows,
    }))
}

/// The committed scope table, read back.
pub(crate) fn committed_scopes() -> Result<(String, Vec<Operation>)> {
    let file = root().join(DIR).join(SCOPES_FILE);
    let doc: Value = serde_json::from_str(
        &std::fs::read_to_string(&file).with_context(|| format!("reading {}", file.display()))?,
    )
    .with_context(|| format!("{} is not JSON", file.display()))?;
    let version = version_of(&doc)?;
    let mut ops = Vec::new();
    for row in doc["operations"]
        .as_array()
        .context("the scope table has no operations")?
    {
        let text = |v: &Value| {
            v.as_str()
                .map(str::to_owned)
                .context("a cell that is not text")
        };
        let scopes = row[2]
            .as_array()
            .context("a row without scopes")?
            .iter()
            .map(text)
            .collect::<Result<Vec<_>>>()?;
        ops.push(Operation {
            method: text(&row[0])?,
            path: text(&row[1])?,
            scopes,
        });
    }
    ops.sort();
    Ok((version, ops))
}

fn version_of(doc: &Value) -> Result<String> {
    doc["version"]
        .as_str()
        .map(str::to_owned)
        .context("the extract has no version")
}

/// Pretty JSON with a final newline, so diffs of the committed files read line by line.
fn render(v: &Value) -> Result<String> {
    Ok(serde_json::to_string_pretty(v)? + "\n")
}

/// `cargo xtask contract [--check]`.
pub(crate) fn run(check: bool) -> Result<()> {
    let dir = root().join(DIR);
    let shared = shared();
    if shared.is_dir() {
        let mut files = Vec::new();
        for spec in &EXTRACTS {
            let doc = load(&shared.join(spec.document))?;
            let version = version(&doc)?;
            files.push((spec.file, render(&extract(&doc, spec, &version)?)?));
            if spec.file == "management.json" {
                files.push((SCOPES_FILE, render(&scopes_extract(&doc, &version)?)?));
            }
        }
        for (name, text) in files {
            let file = dir.join(name);
            if check {
                let committed = std::fs::read_to_string(&file).unwrap_or_default();
                if committed != text {
                    bail!("{DIR}/{name} is not what {SHARED} says: run `cargo xtask contract`");
                }
            } else {
                std::fs::create_dir_all(&dir)?;
                std::fs::write(&file, text).with_context(|| format!("writing {name}"))?;
            }
        }
        eprintln!(
            "contract: {DIR} {} {SHARED}",
            if check { "matches" } else { "written from" },
        );
    } else if check {
        eprintln!(
            "contract: {SHARED} is not beside the repository; the committed extract is not \
             compared with Okta's documents (the tests still read it)"
        );
    } else {
        bail!(
            "{SHARED} is missing: the extract is made from Okta's documents beside the repository"
        );
    }
    crate::scopes::run(check)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_dropped_and_property_names_kept() {
        let schema = json!({
            "type": "object",
            "description": "Okta's words",
            "x-okta-tags": ["Group"],
            "properties": {
                "description": {"type": "string", "description": "more words", "example": "x"},
                "name": {"type": "string", "enum": ["a", "b"]},
            },
            "required": ["name"],
        });
        assert_eq!(
            schema_facts(&schema),
            json!({
                "type": "object",
                "properties": {
                    "description": {"type": "string"},
                    "name": {"type": "string", "enum": ["a", "b"]},
                },
                "required": ["name"],
            })
        );
    }

    /// The committed extract holds no prose key anywhere in a schema.
    #[test]
    fn the_committed_extract_holds_no_prose() -> Result<()> {
        fn walk(v: &Value, under_properties: bool, at: &str) -> Result<()> {
            match v {
                Value::Object(map) => {
                    for (k, v) in map {
                        if !under_properties && is_prose(k) {
                            bail!("{at}/{k}: prose in the extract");
                        }
                        walk(v, k == "properties", &format!("{at}/{k}"))?;
                    }
                }
                Value::Array(items) => {
                    for (i, v) in items.iter().enumerate() {
                        walk(v, false, &format!("{at}/{i}"))?;
                    }
                }
                _ => {}
            }
            Ok(())
        }
        for spec in &EXTRACTS {
            let text = std::fs::read_to_string(root().join(DIR).join(spec.file))?;
            let doc: Value = serde_json::from_str(&text)?;
            walk(&doc["paths"], false, spec.file)?;
            walk(&doc["components"], false, spec.file)?;
            assert!(doc["version"].as_str().is_some_and(|v| !v.is_empty()));
        }
        Ok(())
    }
}
