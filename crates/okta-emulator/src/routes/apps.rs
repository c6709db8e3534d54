//! Service apps through Dynamic Client Registration and the Apps API, their Okta-scope grants
//! and admin roles (Okta's Apps, Dynamic Client Registration and role-assignment APIs).

use serde_json::{Map, Value, json};

use crate::clock::iso;
use crate::config::DpopPolicy;
use crate::errors;
use crate::http::{Req, Resp};
use crate::org::{App, AppKey, ClientSecret, Grant, ORG_ID, Org, Role};
use crate::routes::common::{
    APP_ADMINS, APP_READERS, activation, auth, check_jwks, json_body, page_link, safe, self_link,
    strings,
};
use crate::routes::resource::role_json;

/// The Okta API scopes an app can be granted (the ones Okta's org authorization server knows).
pub(crate) const OKTA_SCOPES: [&str; 42] = [
    "okta.users.read",
    "okta.users.manage",
    "okta.users.read.self",
    "okta.users.manage.self",
    "okta.groups.read",
    "okta.groups.manage",
    "okta.apps.read",
    "okta.apps.manage",
    "okta.appGrants.read",
    "okta.appGrants.manage",
    "okta.roles.read",
    "okta.roles.manage",
    "okta.clients.read",
    "okta.clients.manage",
    "okta.clients.register",
    "okta.logs.read",
    "okta.policies.read",
    "okta.policies.manage",
    "okta.authorizationServers.read",
    "okta.authorizationServers.manage",
    "okta.factors.read",
    "okta.factors.manage",
    "okta.orgs.read",
    "okta.orgs.manage",
    "okta.schemas.read",
    "okta.schemas.manage",
    "okta.idps.read",
    "okta.idps.manage",
    "okta.trustedOrigins.read",
    "okta.trustedOrigins.manage",
    "okta.userTypes.read",
    "okta.userTypes.manage",
    "okta.domains.read",
    "okta.domains.manage",
    "okta.eventHooks.read",
    "okta.eventHooks.manage",
    "okta.networkZones.read",
    "okta.networkZones.manage",
    "okta.sessions.read",
    "okta.sessions.manage",
    "okta.apiTokens.read",
    "okta.apiTokens.manage",
];

/// The JWK as the app echoes it: as registered (no `use` when none was sent), with Okta's
/// `id`, `status`, `created` and `lastUpdated`, which the SDKs' key models require.
fn echo_jwk(k: &AppKey) -> Value {
    k.to_json()
}

fn dcr_json(org: &Org, app: &App) -> Value {
    let mut v = json!({
        "client_id": app.id,
        "client_id_issued_at": app.created,
        "client_name": app.name,
        "client_uri": Value::Null,
        "logo_uri": Value::Null,
        "redirect_uris": app.redirect_uris,
        "response_types": app.response_types,
        "grant_types": app.grant_types,
        "token_endpoint_auth_method": app.auth_method,
        "application_type": app.application_type,
    });
    if !app.keys.is_empty() {
        v["jwks"] = json!({"keys": app.keys.iter().map(echo_jwk).collect::<Vec<_>>()});
    }
    if let Some(secret) = app.current_secret() {
        v["client_secret"] = json!(secret);
        v["client_secret_expires_at"] = json!(0);
    }
    let _ = org;
    v
}

fn new_app(
    org: &Org,
    body: &Map<String, Value>,
    settings: &Map<String, Value>,
    name: String,
    via_dcr: bool,
) -> Result<App, Resp> {
    let meta = |desc: &str| errors::oauth(400, "invalid_client_metadata", desc);
    let application_type = settings
        .get("application_type")
        .and_then(Value::as_str)
        .unwrap_or("web")
        .to_owned();
    if !matches!(
        application_type.as_str(),
        "web" | "native" | "browser" | "service"
    ) {
        return Err(meta(
            "application_type: The value must be one of web, native, browser, service.",
        ));
    }
    let service = application_type == "service";
    let default_grants = if service {
        vec!["client_credentials".to_owned()]
    } else {
        vec!["authorization_code".to_owned()]
    };
    let grant_types = strings(settings.get("grant_types")).unwrap_or(default_grants);
    // A service app may list `implicit` beside client credentials (Okta accepts it, recorded
    // 2026), never anything else.
    if service
        && (!grant_types.iter().any(|g| g == "client_credentials")
            || grant_types
                .iter()
                .any(|g| g != "client_credentials" && g != "implicit"))
    {
        return Err(meta(
            "grant_types: A service application can only use the client_credentials grant type.",
        ));
    }
    // Okta offers the device authorization grant to native apps only.
    if application_type != "native"
        && grant_types
            .iter()
            .any(|g| g == crate::routes::token::DEVICE_GRANT)
    {
        return Err(meta(
            "grant_types: The device authorization grant is only supported for native applications.",
        ));
    }
    let response_types = strings(settings.get("response_types")).unwrap_or_else(|| {
        vec![if service {
            "token".to_owned()
        } else {
            "code".to_owned()
        }]
    });
    let redirect_uris = strings(settings.get("redirect_uris")).unwrap_or_default();
    for uri in &redirect_uris {
        let ok =
            url::Url::parse(uri).is_ok_and(|u| u.fragment().is_none() && u.host_str().is_some());
        if !ok {
            return Err(meta(
                "redirect_uris: Each redirect URI must be an absolute URI without a fragment.",
            ));
        }
    }
    if grant_types.iter().any(|g| g == "authorization_code") && redirect_uris.is_empty() {
        return Err(meta("redirect_uris: The field cannot be left blank"));
    }
    let auth_method = body
        .get("token_endpoint_auth_method")
        .and_then(Value::as_str)
        .unwrap_or(if application_type == "web" {
            "client_secret_basic"
        } else if service {
            "private_key_jwt"
        } else {
            "none"
        })
        .to_owned();
    if !matches!(
        auth_method.as_str(),
        "client_secret_basic" | "client_secret_post" | "private_key_jwt" | "none"
    ) {
        return Err(meta(
            "token_endpoint_auth_method: The value is not supported.",
        ));
    }
    let keys = match settings.get("jwks") {
        Some(jwks) => check_jwks(org, jwks, &[])?,
        None if auth_method == "private_key_jwt" => {
            return Err(meta(
                "jwks: A private_key_jwt client needs a 'jwks' or 'jwks_uri'.",
            ));
        }
        None => Vec::new(),
    };
    let dpop_setting = settings
        .get("dpop_bound_access_tokens")
        .and_then(Value::as_bool);
    let dpop_bound = match org.config.dpop {
        DpopPolicy::Required => true,
        DpopPolicy::Optional => false,
        // Apps made through the API default to off (the default in Okta's OpenAPI document);
        // only the Admin Console turns DPoP on for new API service apps (`seed_service_app`).
        DpopPolicy::PerApp => service && dpop_setting.unwrap_or(false),
    };
    let now = org.now();
    let secrets = if auth_method.starts_with("client_secret") {
        vec![ClientSecret {
            id: org.rng.okta_id("ocs"),
            secret: org.rng.base62(40),
            active: true,
            created: now,
            updated: now,
        }]
    } else {
        Vec::new()
    };
    Ok(App {
        id: org.rng.okta_id("0oa"),
        name,
        application_type,
        auth_method,
        grant_types,
        response_types,
        redirect_uris,
        client_secret: None,
        keys,
        dpop_bound,
        grants: Vec::new(),
        roles: Vec::new(),
        created: org.now(),
        via_dcr,
        active: true,
        secrets,
        updated: 0,
        assigned_users: Default::default(),
        assigned_groups: Default::default(),
        kept_settings: kept_settings(settings)?,
        pkce_required: None,
    })
}

/// The members of `settings.oauthClient` kept and answered as sent: URIs must be strings (or
/// null), lists of URIs lists of strings.
fn kept_settings(settings: &Map<String, Value>) -> Result<Map<String, Value>, Resp> {
    const URIS: [&str; 6] = [
        "client_uri",
        "logo_uri",
        "policy_uri",
        "tos_uri",
        "initiate_login_uri",
        "frontchannel_logout_uri",
    ];
    // Single logout (`participate_slo`, `frontchannel_logout_session_required`): flags kept as
    // sent; the emulator has no sessions to end.
    const FLAGS: [&str; 2] = ["participate_slo", "frontchannel_logout_session_required"];
    let mut kept = Map::new();
    let kinds = URIS
        .iter()
        .map(|n| (n, true))
        .chain(FLAGS.iter().map(|n| (n, false)));
    for (name, is_uri) in kinds {
        let Some(v) = settings.get(*name) else {
            continue;
        };
        let fits = if is_uri {
            matches!(v, Value::String(_) | Value::Null)
        } else {
            v.is_boolean()
        };
        if !fits {
            let what = if is_uri { "a URI" } else { "a boolean" };
            return Err(errors::oauth(
                400,
                "invalid_client_metadata",
                &format!("{name}: The value must be {what}."),
            ));
        }
        kept.insert((*name).to_owned(), v.clone());
    }
    if let Some(v) = settings.get("post_logout_redirect_uris") {
        if strings(Some(v)).is_none() {
            return Err(errors::oauth(
                400,
                "invalid_client_metadata",
                "post_logout_redirect_uris: The value must be a list of URIs.",
            ));
        }
        kept.insert("post_logout_redirect_uris".to_owned(), v.clone());
    }
    Ok(kept)
}

pub(crate) fn dcr_create(org: &Org, req: &Req) -> Resp {
    try_resp!(auth(org, req, "okta.clients.register", &APP_ADMINS));
    let body = try_resp!(json_body(req));
    let name = body
        .get("client_name")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned();
    if name.is_empty() {
        return errors::oauth(
            400,
            "invalid_client_metadata",
            "client_name: The field cannot be left blank",
        );
    }
    let app = try_resp!(new_app(org, &body, &body, name, true));
    let out = dcr_json(org, &app);
    org.state().apps.insert(app.id.clone(), app);
    Resp::json(201, &out)
}

/// An unknown client on the management paths: 404 with Okta's error body, as the contract
/// says (`invalid_client` belongs to the token endpoint).
fn unknown_client(id: &str) -> Resp {
    errors::not_found(&format!("{} (Client)", safe(id)))
}

pub(crate) fn dcr_get(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.clients.read", &APP_READERS));
    match org.app(id) {
        Some(app) => Resp::json(200, &dcr_json(org, &app)),
        None => unknown_client(id),
    }
}

pub(crate) fn dcr_list(org: &Org, req: &Req) -> Resp {
    try_resp!(auth(org, req, "okta.clients.read", &APP_READERS));
    let mut apps: Vec<App> = org.state().apps.values().cloned().collect();
    apps.sort_by_key(|a| (a.created, a.id.clone()));
    Resp::json(
        200,
        &Value::Array(apps.iter().map(|a| dcr_json(org, a)).collect()),
    )
}

pub(crate) fn dcr_delete(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.clients.manage", &APP_ADMINS));
    match org.state().apps.remove(id) {
        Some(_) => Resp::empty(204),
        None => unknown_client(id),
    }
}

/// An OIDC app as Okta answers for it, on create, read, list and replace alike (the members of
/// Okta's 2025–2026 recordings; `_links.self` and `appGrants` besides, which Okta's Apps API
/// reference documents).
pub(crate) fn app_json(org: &Org, app: &App) -> Value {
    let href = format!("{}/api/v1/apps/{}", org.base, app.id);
    let pkce_required = app.pkce_required.unwrap_or(matches!(
        app.application_type.as_str(),
        "browser" | "native"
    ));
    let mut oauth_settings = json!({
        "client_uri": Value::Null,
        "logo_uri": Value::Null,
        "redirect_uris": app.redirect_uris,
        "response_types": app.response_types,
        "grant_types": app.grant_types,
        "application_type": app.application_type,
        "consent_method": if app.via_dcr { "REQUIRED" } else { "TRUSTED" },
        "issuer_mode": "DYNAMIC",
        "idp_initiated_login": {"mode": "DISABLED", "default_scope": []},
        "wildcard_redirect": "DISABLED",
        "dpop_bound_access_tokens": app.dpop_bound,
        "jwks": {"keys": app.keys.iter().map(echo_jwk).collect::<Vec<_>>()},
    });
    if let Some(settings) = oauth_settings.as_object_mut() {
        // An app with the refresh-token grant: its refresh tokens are not rotated (Okta's
        // default, recorded 2025).
        if app.grant_types.iter().any(|g| g == "refresh_token") {
            settings.insert("refresh_token".into(), json!({"rotation_type": "STATIC"}));
        }
        settings.extend(app.kept_settings.clone());
    }
    let lifecycle = if app.active { "deactivate" } else { "activate" };
    let mut links = json!({
        "self": {"href": href},
        "appGrants": {"href": format!("{href}/grants")},
        "uploadLogo": {"href": format!("{href}/logo"), "hints": {"allow": ["POST"]}},
        "appLinks": [{
            "name": "oidc_client_link",
            "href": format!("{}/home/oidc_client/{}/aln177a159h7Zf52X0g8", org.base, app.id),
            "type": "text/html"
        }],
        "profileEnrollment": {"href": format!("{}/api/v1/policies/rst1emulatorenroll0g4", org.base)},
        "policies": {"href": format!("{href}/policies"), "hints": {"allow": ["PUT"]}},
        "groups": {"href": format!("{href}/groups")},
        "logo": [{
            "name": "medium",
            "href": format!("{}/assets/img/logos/default.png", org.base),
            "type": "image/png"
        }],
        "accessPolicy": {"href": format!("{}/api/v1/policies/rst1emulatoraccess0g4", org.base)},
        "users": {"href": format!("{href}/users")},
        lifecycle: {"href": format!("{href}/lifecycle/{lifecycle}")},
    });
    if app.auth_method.starts_with("client_secret") {
        links["clientCredentials"] =
            json!([{"name": "secrets", "href": format!("{href}/credentials/secrets")}]);
    }
    json!({
        "id": app.id,
        "orn": format!("orn:okta:idp:{ORG_ID}:apps:oidc_client:{}", app.id),
        "name": "oidc_client",
        "label": app.name,
        "status": if app.active { "ACTIVE" } else { "INACTIVE" },
        "lastUpdated": iso(app.created.max(app.updated)),
        "created": iso(app.created),
        "accessibility": {"selfService": false, "errorRedirectUrl": Value::Null, "loginRedirectUrl": Value::Null},
        "visibility": {
            "autoLaunch": false, "autoSubmitToolbar": false,
            "hide": {"iOS": true, "web": true}, "appLinks": {"oidc_client_link": true}
        },
        "features": [],
        "signOnMode": "OPENID_CONNECT",
        "credentials": {
            "userNameTemplate": {"template": "${source.login}", "type": "BUILT_IN"},
            "signing": {"kid": org.signing_kid()},
            "oauthClient": {
                "autoKeyRotation": true,
                "client_id": app.id,
                "token_endpoint_auth_method": app.auth_method,
                "pkce_required": pkce_required,
            }
        },
        "universalLogout": Value::Null,
        "settings": {
            "app": {},
            "notifications": {"vpn": {"network": {"connection": "DISABLED"}, "message": Value::Null, "helpUrl": Value::Null}},
            "manualProvisioning": false,
            "implicitAssignment": false,
            "emOptInStatus": "NONE",
            "notes": {"admin": Value::Null, "enduser": Value::Null},
            "oauthClient": oauth_settings,
        },
        "_links": links,
    })
}

/// The app a create or replace body describes (label, `OPENID_CONNECT`, OAuth settings).
fn app_from_body(org: &Org, req: &Req) -> Result<App, Resp> {
    let body = json_body(req)?;
    let label = body
        .get("label")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim()
        .to_owned();
    if label.is_empty() {
        return Err(errors::validation(
            "label",
            &["label: The field cannot be left blank".to_owned()],
        ));
    }
    if body.get("signOnMode").and_then(Value::as_str) != Some("OPENID_CONNECT") {
        return Err(errors::validation(
            "signOnMode",
            &["signOnMode: Only OPENID_CONNECT apps are emulated.".to_owned()],
        ));
    }
    let mut whole = Value::Object(body);
    // A client that sends back an app it read (an SDK's update) sends the members Okta adds to
    // each key; they are Okta's, not the key's.
    if let Some(keys) = whole
        .pointer_mut("/settings/oauthClient/jwks/keys")
        .and_then(Value::as_array_mut)
    {
        for key in keys.iter_mut().filter_map(Value::as_object_mut) {
            for added in ["id", "status", "created", "lastUpdated", "_links"] {
                key.remove(added);
            }
        }
    }
    let empty = Map::new();
    let settings = whole
        .pointer("/settings/oauthClient")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let mut auth_body = Map::new();
    if let Some(m) = whole.pointer("/credentials/oauthClient/token_endpoint_auth_method") {
        auth_body.insert("token_endpoint_auth_method".to_owned(), m.clone());
    }
    let pkce_required = match whole.pointer("/credentials/oauthClient/pkce_required") {
        None | Some(Value::Null) => None,
        Some(Value::Bool(b)) => Some(*b),
        Some(_) => {
            return Err(errors::validation(
                "credentials",
                &[
                    "credentials.oauthClient.pkce_required: The value must be a boolean."
                        .to_owned(),
                ],
            ));
        }
    };
    match new_app(org, &auth_body, settings, label, false) {
        Ok(app) => Ok(App {
            pkce_required,
            ..app
        }),
        Err(r) if r.outcome == "invalid_client_metadata" => {
            let cause = serde_json::from_slice::<Value>(r.body_bytes())
                .ok()
                .and_then(|v| v["error_description"].as_str().map(str::to_owned))
                .unwrap_or_default();
            Err(errors::validation("settings", &[cause]))
        }
        Err(r) => Err(r),
    }
}

pub(crate) fn app_create(org: &Org, req: &Req) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let app = try_resp!(app_from_body(org, req));
    let mut out = app_json(org, &app);
    // The secret of a client-secret app is in the answer that creates it; later reads go through
    // the secrets API (`/credentials/secrets`).
    if let (Some(secret), Some(oauth)) = (
        app.current_secret(),
        out.pointer_mut("/credentials/oauthClient")
            .and_then(Value::as_object_mut),
    ) {
        oauth.insert("client_secret".to_owned(), json!(secret));
    }
    org.state().apps.insert(app.id.clone(), app);
    // The contract and both SDKs' generated code declare 200.
    Resp::json(200, &out)
}

/// `PUT /api/v1/apps/{id}`: the label and OAuth settings are replaced; what the contract calls
/// system-assigned (`id`, `name`, `status`, `created`) and the app's secrets, grants and roles
/// stay. A key sent again as it was keeps its id and status.
pub(crate) fn app_replace(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let Some(old) = org.app(id) else {
        return errors::not_found(&format!("{} (AppInstance)", safe(id)));
    };
    let mut app = try_resp!(app_from_body(org, req));
    if app.application_type != old.application_type {
        return errors::validation(
            "settings",
            &[
                "settings.oauthClient.application_type: The application type cannot be changed."
                    .to_owned(),
            ],
        );
    }
    for key in &mut app.keys {
        if let Some(same) = old.keys.iter().find(|k| k.jwk == key.jwk) {
            *key = same.clone();
        }
    }
    if !old.secrets.is_empty() {
        app.secrets = old.secrets;
    }
    app.id = old.id;
    app.created = old.created;
    app.grants = old.grants;
    app.roles = old.roles;
    app.via_dcr = old.via_dcr;
    app.active = old.active;
    app.updated = org.now();
    let out = app_json(org, &app);
    org.state().apps.insert(app.id.clone(), app);
    Resp::json(200, &out)
}

pub(crate) fn app_get(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.read", &APP_READERS));
    match org.app(id) {
        Some(app) => Resp::json(200, &app_json(org, &app)),
        None => errors::not_found(&format!("{} (AppInstance)", safe(id))),
    }
}

/// `GET /api/v1/apps`: `q` (a prefix of the label or name, without case), `filter` (`status eq
/// "ACTIVE"|"INACTIVE"`, `name eq "…"`), `limit` (default 20, at most 200) and `after` (the id
/// of the last app of the page before, as Okta's own links carry it), with `Link` `self` and
/// `next`. A cursor that names no app is 400 E0000029; an `expand` other than `user/{id}` is
/// 400 E0000001 (both recorded 2025).
pub(crate) fn app_list(org: &Org, req: &Req) -> Resp {
    try_resp!(auth(org, req, "okta.apps.read", &APP_READERS));
    if let Some(expand) = req.query_param("expand") {
        let ok = expand
            .strip_prefix("user/")
            .is_some_and(|id| !id.is_empty() && id.bytes().all(|b| b.is_ascii_alphanumeric()));
        if !ok {
            return errors::validation("RequestParams", &["Expand query is malformed.".to_owned()]);
        }
    }
    let limit = try_resp!(crate::routes::users::limit(req, 20, 200));
    let status_or_name = match req.query_param("filter") {
        None => None,
        Some(f) => match app_filter(&f) {
            Some(clause) => Some(clause),
            None => return errors::okta(400, "E0000031", "Invalid search criteria.", &[]),
        },
    };
    let q = req.query_param("q").map(|q| q.to_lowercase());
    let mut apps: Vec<App> = org.state().apps.values().cloned().collect();
    apps.sort_by_key(|a| (a.created, a.id.clone()));
    apps.retain(|a| {
        let by_q = q.as_ref().is_none_or(|q| {
            a.name.to_lowercase().starts_with(q.as_str()) || "oidc_client".starts_with(q.as_str())
        });
        let by_filter = match &status_or_name {
            None => true,
            Some(("status", v)) => {
                (v == "ACTIVE") == a.active && matches!(v.as_str(), "ACTIVE" | "INACTIVE")
            }
            Some((_, v)) => v == "oidc_client",
        };
        by_q && by_filter
    });
    let start = match req.query_param("after") {
        None => 0,
        Some(after) => match apps.iter().position(|a| a.id == after) {
            Some(i) => i + 1,
            None => {
                return errors::okta(
                    400,
                    "E0000029",
                    "Invalid paging request.",
                    &["Invalid cursor.".to_owned()],
                );
            }
        },
    };
    let page: Vec<&App> = apps.iter().skip(start).take(limit).collect();
    let more = start + page.len() < apps.len();
    let mut resp = Resp::json(
        200,
        &Value::Array(page.iter().map(|a| app_json(org, a)).collect()),
    )
    .with_header("link", self_link(org, req));
    if let (true, Some(last)) = (more, page.last()) {
        resp = resp.with_header("link", page_link(org, req, Some(last.id.clone()), "next"));
    }
    resp
}

/// One clause of an app listing's `filter`: `status eq "…"` or `name eq "…"`.
fn app_filter(filter: &str) -> Option<(&'static str, String)> {
    let mut words = filter.splitn(3, ' ');
    let field = match words.next()? {
        "status" => "status",
        "name" => "name",
        _ => return None,
    };
    if words.next()? != "eq" {
        return None;
    }
    let value = words.next()?.strip_prefix('"')?.strip_suffix('"')?;
    Some((field, value.to_owned()))
}

pub(crate) fn app_delete(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let mut state = org.state();
    match state.apps.get(id) {
        // "Deletes an inactive application" (the contract): an active one is refused.
        // 403, as Okta answers (recorded 2025–2026; the contract declares 403 too).
        Some(app) if app.active => errors::okta(
            403,
            "E0000056",
            "Delete application forbidden.",
            &["The application must be deactivated before it can be deleted.".to_owned()],
        ),
        Some(_) => {
            state.apps.remove(id);
            Resp::empty(204)
        }
        None => errors::not_found(&format!("{} (AppInstance)", safe(id))),
    }
}

/// `POST /api/v1/apps/{id}/lifecycle/activate|deactivate`: 200 with `{}`, as Okta answers
/// (recorded 2020, 2025 and 2026; the contract declares no body).
pub(crate) fn app_lifecycle(org: &Org, req: &Req, id: &str, action: &str) -> Resp {
    try_resp!(auth(org, req, "okta.apps.manage", &APP_ADMINS));
    let active = try_resp!(activation(action));
    match org.state().apps.get_mut(id) {
        Some(app) => {
            app.active = active;
            Resp::json(200, &json!({}))
        }
        None => errors::not_found(&format!("{} (AppInstance)", safe(id))),
    }
}

fn grant_json(org: &Org, app: &App, g: &Grant) -> Value {
    let app_href = format!("{}/api/v1/apps/{}", org.base, app.id);
    json!({
        "id": g.id, "status": "ACTIVE", "created": iso(g.created),
        "createdBy": {"id": "00u000000000000admin", "type": "User"},
        "lastUpdated": iso(g.created), "issuer": org.base, "clientId": app.id, "scopeId": g.scope,
        "source": "ADMIN", "_embedded": {"scope": {"id": g.scope}},
        "_links": {
            "app": {"href": app_href, "title": app.name},
            "self": {"href": format!("{app_href}/grants/{}", g.id), "hints": {"allow": ["GET", "DELETE"]}},
            "client": {"href": format!("{}/oauth2/v1/clients/{}", org.base, app.id), "title": app.name},
        }
    })
}

pub(crate) fn grant_add(org: &Org, req: &Req, id: &str) -> Resp {
    // Only a super admin can grant Okta scopes to an app (Okta's guide "Implement OAuth for Okta with a service app").
    try_resp!(auth(org, req, "okta.appGrants.manage", &["SUPER_ADMIN"]));
    let body = try_resp!(json_body(req));
    let scope = body
        .get("scopeId")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .to_owned();
    let issuer = body
        .get("issuer")
        .and_then(Value::as_str)
        .unwrap_or_default();
    let mut state = org.state();
    let Some(app) = state.apps.get_mut(id) else {
        return errors::not_found(&format!("{} (AppInstance)", safe(id)));
    };
    if !OKTA_SCOPES.contains(&scope.as_str()) {
        return errors::validation("scopeId", &[]);
    }
    if issuer != org.base {
        return errors::validation(
            "issuer",
            &["issuer: The issuer must be the org authorization server.".to_owned()],
        );
    }
    if app.grants.iter().any(|g| g.scope == scope) {
        return errors::validation(
            "scopeId",
            &["scopeId: The scope has already been granted to the app.".to_owned()],
        );
    }
    let grant = Grant {
        id: org.rng.okta_id("oag"),
        scope,
        created: org.now(),
    };
    app.grants.push(grant.clone());
    let app = app.clone();
    drop(state);
    Resp::json(201, &grant_json(org, &app, &grant))
}

pub(crate) fn grant_list(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.appGrants.read", &APP_READERS));
    match org.app(id) {
        Some(app) => Resp::json(
            200,
            &Value::Array(
                app.grants
                    .iter()
                    .map(|g| grant_json(org, &app, g))
                    .collect(),
            ),
        ),
        None => errors::not_found(&format!("{} (AppInstance)", safe(id))),
    }
}

pub(crate) fn grant_get(org: &Org, req: &Req, id: &str, gid: &str) -> Resp {
    try_resp!(auth(org, req, "okta.appGrants.read", &APP_READERS));
    let Some(app) = org.app(id) else {
        return errors::not_found(&format!("{} (AppInstance)", safe(id)));
    };
    match app.grants.iter().find(|g| g.id == gid) {
        Some(g) => Resp::json(200, &grant_json(org, &app, g)),
        None => errors::not_found(&format!("{} (OAuth2ScopeConsentGrant)", safe(gid))),
    }
}

pub(crate) fn grant_revoke(org: &Org, req: &Req, id: &str, gid: &str) -> Resp {
    try_resp!(auth(org, req, "okta.appGrants.manage", &["SUPER_ADMIN"]));
    let mut state = org.state();
    let Some(app) = state.apps.get_mut(id) else {
        return errors::not_found(&format!("{} (AppInstance)", safe(id)));
    };
    let before = app.grants.len();
    app.grants.retain(|g| g.id != gid);
    if app.grants.len() == before {
        return errors::not_found(&format!("{} (OAuth2ScopeConsentGrant)", safe(gid)));
    }
    Resp::empty(204)
}

pub(crate) fn role_assign(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.roles.manage", &["SUPER_ADMIN"]));
    let body = try_resp!(json_body(req));
    let (kind, custom) = try_resp!(crate::routes::resource::assignment_of(org, &body));
    let mut state = org.state();
    let Some(app) = state.apps.get_mut(id) else {
        return unknown_client(id);
    };
    if app
        .roles
        .iter()
        .any(|r| r.kind == kind && r.custom == custom)
    {
        return errors::okta(409, "E0000090", "Duplicate role assignment exception.", &[]);
    }
    let role = Role {
        id: org.rng.okta_id("ra1"),
        kind,
        created: org.now(),
        custom,
    };
    app.roles.push(role.clone());
    drop(state);
    // The contract declares 200 (the Python SDK returns no role for a 201).
    Resp::json(200, &app_role_json(org, id, &role))
}

/// An app's role assignment as Okta shows it (a custom one with its role and resource set).
fn app_role_json(org: &Org, app: &str, r: &Role) -> Value {
    let mut v = role_json(org, app, &r.id, &r.kind, r.created);
    if let Some(binding) = &r.custom {
        crate::routes::resource::describe(org, binding, &mut v);
    }
    v
}

pub(crate) fn role_list(org: &Org, req: &Req, id: &str) -> Resp {
    try_resp!(auth(org, req, "okta.roles.read", &APP_READERS));
    match org.app(id) {
        Some(app) => Resp::json(
            200,
            &Value::Array(
                app.roles
                    .iter()
                    .map(|r| app_role_json(org, id, r))
                    .collect(),
            ),
        ),
        None => unknown_client(id),
    }
}

/// `GET /oauth2/v1/clients/{id}/roles/{roleAssignmentId}`.
pub(crate) fn role_get(org: &Org, req: &Req, id: &str, assignment: &str) -> Resp {
    try_resp!(auth(org, req, "okta.roles.read", &APP_READERS));
    let Some(app) = org.app(id) else {
        return unknown_client(id);
    };
    match app.roles.iter().find(|r| r.id == assignment) {
        Some(r) => Resp::json(200, &app_role_json(org, id, r)),
        None => errors::not_found(&format!("{} (RoleAssignment)", safe(assignment))),
    }
}

/// `DELETE /oauth2/v1/clients/{id}/roles/{roleAssignmentId}`: the client loses the role.
pub(crate) fn role_unassign(org: &Org, req: &Req, id: &str, assignment: &str) -> Resp {
    try_resp!(auth(org, req, "okta.roles.manage", &["SUPER_ADMIN"]));
    let mut state = org.state();
    let Some(app) = state.apps.get_mut(id) else {
        return unknown_client(id);
    };
    let before = app.roles.len();
    app.roles.retain(|r| r.id != assignment);
    if app.roles.len() == before {
        return errors::not_found(&format!("{} (RoleAssignment)", safe(assignment)));
    }
    Resp::empty(204)
}
