//! The org: its state, the request pipeline (rate limits, faults, routing, event log).

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

use serde_json::{Map, Value};

use crate::clock::Random;
use crate::config::Config;
use crate::event::Event;
use crate::faults::FaultState;
use crate::jose::SigningKey;

/// A registered OAuth app (DCR or `/api/v1/apps`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct App {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) application_type: String,
    pub(crate) auth_method: String,
    pub(crate) grant_types: Vec<String>,
    pub(crate) response_types: Vec<String>,
    pub(crate) redirect_uris: Vec<String>,
    /// The secret of a state file written before apps had several; moved into `secrets` on load.
    #[serde(default, skip_serializing)]
    pub(crate) client_secret: Option<String>,
    pub(crate) keys: Vec<AppKey>,
    pub(crate) dpop_bound: bool,
    pub(crate) grants: Vec<Grant>,
    pub(crate) roles: Vec<Role>,
    pub(crate) created: u64,
    pub(crate) via_dcr: bool,
    /// `ACTIVE` (the default) or `INACTIVE`; only an inactive app can be deleted.
    #[serde(default = "active")]
    pub(crate) active: bool,
    /// The app's client secrets (at most two), for `client_secret_basic` and `_post`.
    #[serde(default)]
    pub(crate) secrets: Vec<ClientSecret>,
    /// When the app was last replaced (`PUT`); 0 when never.
    #[serde(default)]
    pub(crate) updated: u64,
    /// Users assigned to the app directly (`scope: USER`), by index, with when.
    #[serde(default)]
    pub(crate) assigned_users: BTreeMap<usize, u64>,
    /// Groups assigned to the app, by id, with when; their members may sign in too.
    #[serde(default)]
    pub(crate) assigned_groups: BTreeMap<String, u64>,
    /// Members of `settings.oauthClient` the emulator does not act on but keeps and answers as
    /// they were sent (`client_uri`, `logo_uri`, `post_logout_redirect_uris`, …).
    #[serde(default)]
    pub(crate) kept_settings: serde_json::Map<String, serde_json::Value>,
    /// `credentials.oauthClient.pkce_required` as sent (Okta's default when not: true for
    /// browser and native apps, false otherwise).
    #[serde(default)]
    pub(crate) pkce_required: Option<bool>,
}

/// Constant-time comparison of two secrets of possibly different lengths.
pub(crate) fn same_secret(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let mut diff = u8::from(a.len() != b.len());
    for i in 0..a.len().max(b.len()) {
        diff |= a.get(i).copied().unwrap_or(0) ^ b.get(i).copied().unwrap_or(0xff);
    }
    diff == 0
}

impl App {
    /// Whether `given` is one of the app's active client secrets (in constant time each).
    pub(crate) fn secret_matches(&self, given: &str) -> bool {
        self.secrets
            .iter()
            .filter(|s| s.active)
            .fold(false, |hit, s| hit | same_secret(given, &s.secret))
    }

    /// The newest active client secret, which DCR shows as `client_secret`.
    pub(crate) fn current_secret(&self) -> Option<&str> {
        self.secrets
            .iter()
            .rev()
            .find(|s| s.active)
            .map(|s| s.secret.as_str())
    }
}

/// One client secret of an app, with Okta's lifecycle.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct ClientSecret {
    pub(crate) id: String,
    pub(crate) secret: String,
    pub(crate) active: bool,
    pub(crate) created: u64,
    pub(crate) updated: u64,
}

/// A group of users (`OKTA_GROUP`, or the built-in `Everyone`).
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Group {
    pub(crate) id: String,
    pub(crate) name: String,
    pub(crate) description: Option<String>,
    pub(crate) created: u64,
    pub(crate) updated: u64,
    pub(crate) members_updated: u64,
    /// User indexes.
    pub(crate) members: BTreeSet<usize>,
}

fn active() -> bool {
    true
}

/// One JWK registered for an app, with its lifecycle.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct AppKey {
    pub(crate) id: String,
    pub(crate) jwk: Map<String, Value>,
    pub(crate) active: bool,
    pub(crate) created: u64,
    pub(crate) updated: u64,
}

impl AppKey {
    pub(crate) fn kid(&self) -> Option<&str> {
        self.jwk.get("kid").and_then(Value::as_str)
    }

    /// The key as Okta shows it, in an app and in the key listing: the JWK as registered, with
    /// Okta's `id`, `status`, `created` and `lastUpdated`.
    pub(crate) fn to_json(&self) -> Value {
        let mut v = self.jwk.clone();
        v.insert("id".into(), Value::String(self.id.clone()));
        let status = if self.active { "ACTIVE" } else { "INACTIVE" };
        v.insert("status".into(), Value::String(status.into()));
        v.insert(
            "created".into(),
            Value::String(crate::clock::iso(self.created)),
        );
        v.insert(
            "lastUpdated".into(),
            Value::String(crate::clock::iso(self.updated)),
        );
        Value::Object(v)
    }
}

/// An Okta-scope consent grant.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Grant {
    pub(crate) id: String,
    pub(crate) scope: String,
    pub(crate) created: u64,
}

/// An admin role assigned to an app or a user.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct Role {
    pub(crate) id: String,
    pub(crate) kind: String,
    pub(crate) created: u64,
    /// For `CUSTOM`: the custom role and the resource set it applies to.
    #[serde(default)]
    pub(crate) custom: Option<CustomBinding>,
}

/// A custom role bound to a resource set.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct CustomBinding {
    pub(crate) role: String,
    pub(crate) resource_set: String,
}

/// A custom admin role (`/api/v1/iam/roles`): a label and permissions.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct CustomRole {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) description: String,
    pub(crate) permissions: Vec<String>,
    pub(crate) created: u64,
}

/// A resource set (`/api/v1/iam/resource-sets`): the resources a custom role applies to, as
/// REST URLs of the org.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct ResourceSet {
    pub(crate) id: String,
    pub(crate) label: String,
    pub(crate) description: String,
    pub(crate) resources: Vec<String>,
    pub(crate) created: u64,
}

/// An access or refresh token the org issued.
#[derive(Debug, Clone)]
pub(crate) struct Issued {
    pub(crate) client_id: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) jkt: Option<String>,
    pub(crate) exp: u64,
    pub(crate) iat: u64,
    pub(crate) user: Option<usize>,
    pub(crate) revoked: bool,
    pub(crate) refresh: bool,
}

/// An authorization code waiting to be exchanged.
#[derive(Debug, Clone)]
pub(crate) struct Code {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) challenge: Option<String>,
    pub(crate) scopes: Vec<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) user: usize,
    pub(crate) exp: u64,
}

/// An authorize request waiting on the sign-in page for the user's name and password.
#[derive(Debug, Clone)]
pub(crate) struct PendingSignIn {
    pub(crate) client_id: String,
    pub(crate) redirect_uri: String,
    pub(crate) state: String,
    pub(crate) challenge: Option<String>,
    pub(crate) scopes: Vec<String>,
    pub(crate) nonce: Option<String>,
    pub(crate) exp: u64,
}

/// Where a device authorization (RFC 8628) stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum DeviceStatus {
    /// The user has not answered yet.
    Pending,
    /// The user signed in and approved.
    Approved(usize),
    /// The user said no.
    Denied,
}

/// A device authorization: its user code, what it asks for, and how often it was polled.
#[derive(Debug, Clone)]
pub(crate) struct Device {
    pub(crate) client_id: String,
    pub(crate) user_code: String,
    pub(crate) scopes: Vec<String>,
    pub(crate) exp: u64,
    /// Seconds the client must wait between polls (raised by 5 at each `slow_down`).
    pub(crate) interval: u64,
    /// When the client last polled, in the org's clock.
    pub(crate) last_poll: Option<u64>,
    pub(crate) status: DeviceStatus,
}

/// What `--state FILE` keeps across restarts: the admin token, the apps with their keys,
/// secrets, grants and roles, the users created or changed, and the groups. Issued tokens are
/// not kept.
#[derive(serde::Serialize, serde::Deserialize)]
pub(crate) struct Saved {
    pub(crate) admin_token: String,
    pub(crate) apps: Vec<App>,
    /// Users created through the API and seeded users that changed, by index.
    #[serde(default)]
    pub(crate) users: BTreeMap<usize, Value>,
    #[serde(default)]
    pub(crate) deleted_users: BTreeSet<usize>,
    #[serde(default)]
    pub(crate) next_user: usize,
    #[serde(default)]
    pub(crate) groups: Vec<Group>,
    /// Users' admin roles, by user index.
    #[serde(default)]
    pub(crate) user_roles: BTreeMap<usize, Vec<Role>>,
    #[serde(default)]
    pub(crate) custom_roles: Vec<CustomRole>,
    #[serde(default)]
    pub(crate) resource_sets: Vec<ResourceSet>,
}

/// Everything that changes.
#[derive(Default)]
pub(crate) struct State {
    pub(crate) apps: HashMap<String, App>,
    /// Client-assertion `jti`s per client, kept until their `exp`.
    pub(crate) assertion_jtis: HashMap<(String, String), u64>,
    /// DPoP proof `jti`s per target URI, kept for the proof window.
    pub(crate) proof_jtis: HashMap<(String, String), u64>,
    /// Access and refresh tokens by their `jti` (access) or value (refresh).
    pub(crate) tokens: HashMap<String, Issued>,
    pub(crate) codes: HashMap<String, Code>,
    /// The latest requests, at most `Config::event_log` of them.
    pub(crate) events: std::collections::VecDeque<Event>,
    /// Requests in the current window per bucket: (window start, count).
    pub(crate) windows: HashMap<&'static str, (u64, u32)>,
    /// When the org started (its admin token's `created`).
    pub(crate) started: u64,
    /// When the admin token was last used (its `lastUpdated`; the window counts from it).
    pub(crate) admin_token_used: Option<u64>,
    /// Whether the admin token was revoked (`DELETE /api/v1/api-tokens/…`): it fails from then
    /// on.
    pub(crate) admin_token_revoked: bool,
    /// Users the org keeps whole (created, or seeded and since changed), by index.
    pub(crate) users: BTreeMap<usize, Value>,
    /// Users deleted for good.
    pub(crate) deleted_users: BTreeSet<usize>,
    /// The index the next created user gets (at least the number of seeded users).
    pub(crate) next_user: usize,
    pub(crate) groups: BTreeMap<String, Group>,
    /// Users' admin roles, by user index.
    pub(crate) user_roles: BTreeMap<usize, Vec<Role>>,
    /// Custom admin roles, by id.
    pub(crate) custom_roles: BTreeMap<String, CustomRole>,
    /// Resource sets, by id.
    pub(crate) resource_sets: BTreeMap<String, ResourceSet>,
    /// Authorize requests on the sign-in page, by the page's handle.
    pub(crate) sign_ins: HashMap<String, PendingSignIn>,
    /// Device authorizations by device code.
    pub(crate) devices: HashMap<String, Device>,
    /// Wrong user codes at `/activate`: (start of the minute, how many).
    pub(crate) wrong_codes: (u64, u32),
}

/// The id of the built-in group every user belongs to.
pub(crate) const EVERYONE: &str = "00g0000000000everyone";

/// The org's id (`00o…`), which its ORNs name.
pub(crate) const ORG_ID: &str = "00o1emulatororg0000x7";

/// The org: fixed facts, configuration, and the state behind one lock.
pub(crate) struct Org {
    pub(crate) config: Config,
    pub(crate) base: String,
    pub(crate) admin_token: String,
    pub(crate) signing: Mutex<Vec<SigningKey>>,
    pub(crate) rng: Random,
    pub(crate) cursor_key: ring::hmac::Key,
    pub(crate) nonce_secret: Vec<u8>,
    pub(crate) faults: FaultState,
    state: Mutex<State>,
    requests: AtomicU64,
}

impl Org {
    pub(crate) fn new(
        config: Config,
        base: String,
        signing: Vec<SigningKey>,
        saved: Option<Saved>,
    ) -> Org {
        let rng = Random::new(config.seed);
        let admin_token = match &saved {
            Some(saved) => saved.admin_token.clone(),
            None => config
                .admin_token
                .clone()
                .unwrap_or_else(|| format!("00{}", rng.base62(40))),
        };
        let mut state = State::default();
        let now = config.clock.now();
        state.started = now;
        if let Some(saved) = saved {
            state.apps = saved.apps.into_iter().map(|a| (a.id.clone(), a)).collect();
            state.users = saved.users;
            state.deleted_users = saved.deleted_users;
            state.next_user = saved.next_user;
            state.groups = saved
                .groups
                .into_iter()
                .map(|g| (g.id.clone(), g))
                .collect();
            state.user_roles = saved.user_roles;
            state.custom_roles = saved
                .custom_roles
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect();
            state.resource_sets = saved
                .resource_sets
                .into_iter()
                .map(|r| (r.id.clone(), r))
                .collect();
        }
        for app in state.apps.values_mut() {
            if let Some(secret) = app.client_secret.take().filter(|_| app.secrets.is_empty()) {
                app.secrets.push(ClientSecret {
                    id: rng.okta_id("ocs"),
                    secret,
                    active: true,
                    created: app.created,
                    updated: app.created,
                });
            }
        }
        state.next_user = state.next_user.max(config.users.count);
        if !state.groups.values().any(|g| g.id == EVERYONE) {
            state.groups.insert(
                EVERYONE.to_owned(),
                Group {
                    id: EVERYONE.to_owned(),
                    name: "Everyone".to_owned(),
                    description: Some("All users in your organization".to_owned()),
                    created: now,
                    updated: now,
                    members_updated: now,
                    members: BTreeSet::new(),
                },
            );
        }
        let mut secret = [0u8; 32];
        rng.fill(&mut secret);
        let cursor_key = ring::hmac::Key::new(ring::hmac::HMAC_SHA256, &secret);
        let mut nonce_secret = vec![0u8; 32];
        rng.fill(&mut nonce_secret);
        let faults = FaultState::new(config.faults.clone());
        Org {
            config,
            base,
            admin_token,
            signing: Mutex::new(signing),
            rng,
            cursor_key,
            nonce_secret,
            faults,
            state: Mutex::new(state),
            requests: AtomicU64::new(0),
        }
    }

    pub(crate) fn state(&self) -> MutexGuard<'_, State> {
        self.state
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    pub(crate) fn now(&self) -> u64 {
        self.config.clock.now()
    }

    pub(crate) fn new_request_id(&self) -> String {
        let n = self.requests.fetch_add(1, Ordering::Relaxed);
        format!("{}{n:06}", self.rng.base62(14))
    }

    /// Saves now (for changes made outside a request).
    pub(crate) fn save_now(&self) {
        self.save();
    }

    /// Writes the apps and the admin token to the state file, if there is one.
    fn save(&self) {
        let Some(path) = &self.config.state_file else {
            return;
        };
        let saved = {
            let state = self.state();
            let mut apps: Vec<App> = state.apps.values().cloned().collect();
            apps.sort_by(|a, b| a.id.cmp(&b.id));
            Saved {
                admin_token: self.admin_token.clone(),
                apps,
                users: state.users.clone(),
                deleted_users: state.deleted_users.clone(),
                next_user: state.next_user,
                groups: state.groups.values().cloned().collect(),
                user_roles: state.user_roles.clone(),
                custom_roles: state.custom_roles.values().cloned().collect(),
                resource_sets: state.resource_sets.values().cloned().collect(),
            }
        };
        // A failed save leaves the previous file whole; the request has been answered already.
        let _ = serde_json::to_vec_pretty(&saved)
            .map(|bytes| crate::files::write_private(path, &bytes));
    }

    /// The current token-signing key.
    pub(crate) fn sign_token(&self, claims: &Value) -> String {
        let keys = self
            .signing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        keys.last().map(|k| k.sign(claims)).unwrap_or_default()
    }

    /// The kid of the current token-signing key (what an app's `credentials.signing` names).
    pub(crate) fn signing_kid(&self) -> String {
        let keys = self
            .signing
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        keys.last().map(|k| k.kid.clone()).unwrap_or_default()
    }

    /// The app, if the id names one.
    pub(crate) fn app(&self, id: &str) -> Option<App> {
        self.state().apps.get(id).cloned()
    }
}
