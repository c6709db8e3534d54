//! The examples at the end of each command's `--help`. Every line that starts with
//! `okta-oauth` is a command that runs as written (with the profile `quickstart` leaves, or
//! the settings named beside it).

/// `quickstart`.
pub(crate) const QUICKSTART: &str = "Examples:
  # The whole path on a local org, with no account; remembered as the profile `local`
  okta-oauth quickstart
  # Against your org, with an API token, least privilege for two scopes
  OKTA_CLIENT_TOKEN=$(cat ~/.okta-token) okta-oauth quickstart --org https://example.okta.com --least-privilege --scopes 'okta.users.read okta.groups.read'
  # What it would send, sent nowhere
  okta-oauth quickstart --org https://example.okta.com --dry-run
  # An app for exactly the calls a script makes (one a line: GET /api/v1/users)
  okta-oauth quickstart --least-privilege --from calls.txt
  # The user half: a web app, a sign-in, a call with the user's own token
  okta-oauth quickstart --user";

/// `keygen`.
pub(crate) const KEYGEN: &str = "Examples:
  okta-oauth keygen --out service-key.pem > service-jwks.json
  okta-oauth keygen --kty EC --out ec-key.pem --json";

/// `jwks`.
pub(crate) const JWKS: &str = "Examples:
  okta-oauth jwks service-key.pem > service-jwks.json";

/// `convert`.
pub(crate) const CONVERT: &str = "Examples:
  okta-oauth convert service-key.pem --to jwk --public";

/// `thumbprint`.
pub(crate) const THUMBPRINT: &str = "Examples:
  okta-oauth thumbprint service-key.pem";

/// `app`.
pub(crate) const APP: &str = "Examples:
  okta-oauth app create --name backend --key service-key.pem --dpop
  okta-oauth app create --type web --name portal --secret-file portal.secret
  okta-oauth app list --json
  okta-oauth app assign 0oa8f5j3ecb5w3dF64x7 --user ana@example.com";

/// `grant`.
pub(crate) const GRANT: &str = "Examples:
  okta-oauth grant add 0oa8f5j3ecb5w3dF64x7 okta.groups.read
  okta-oauth grant revoke 0oa8f5j3ecb5w3dF64x7 okta.groups.read";

/// `api-tokens`.
pub(crate) const API_TOKENS: &str = "Examples:
  okta-oauth api-tokens list
  okta-oauth api-tokens list --json --jq 'select(.network == \"ANYWHERE\") | .name'";

/// `role`.
pub(crate) const ROLE: &str = "Examples:
  okta-oauth role assign 0oa8f5j3ecb5w3dF64x7 READ_ONLY_ADMIN
  okta-oauth role assign --user ana@example.com READ_ONLY_ADMIN
  okta-oauth role custom 'group readers' --scopes okta.groups.read";

/// `keys`.
pub(crate) const KEYS: &str = "Examples:
  okta-oauth keys list 0oa8f5j3ecb5w3dF64x7
  okta-oauth keys rotate 0oa8f5j3ecb5w3dF64x7 --key new-key.pem --yes";

/// `assertion`.
pub(crate) const ASSERTION: &str = "Examples:
  okta-oauth assertion --endpoint revoke";

/// `token`.
pub(crate) const TOKEN: &str = "Examples:
  okta-oauth token --scopes okta.users.read
  okta-oauth token --format json
  # A Bearer token for another program (an app that does not require DPoP)
  okta-oauth token --dpop never --format header
  # The signed-in user's token
  okta-oauth token --user";

/// `api`.
pub(crate) const API: &str = "Examples:
  okta-oauth api GET /api/v1/users --all
  okta-oauth api GET '/api/v1/users?search=profile.department+eq+\"Sales\"' --all --jq .profile.login
  okta-oauth api POST /api/v1/groups --data group.json
  okta-oauth api GET /api/v1/users/me --user";

/// `proxy`.
pub(crate) const PROXY: &str = "Examples:
  okta-oauth proxy --secret-file bridge.secret
  # In another shell: an SSWS script changes only its URL and token
  curl -H \"Authorization: SSWS $(cat bridge.secret)\" http://127.0.0.1:8001/api/v1/users
  okta-oauth proxy --port 8001 --learn calls.ndjson
  # A fixed set for every call (operations Okta's contract does not know go on too)
  okta-oauth proxy --scopes 'okta.users.read okta.groups.read'";

/// `exec`.
pub(crate) const EXEC: &str = "Examples:
  okta-oauth exec -- python3 list_users.py
  okta-oauth exec --log -- node sync-groups.js
  # Record what a script uses, then make an app for exactly that
  okta-oauth exec --learn calls.ndjson -- ./report.sh
  okta-oauth scopes --from calls.ndjson
  okta-oauth quickstart --org https://example.okta.com --least-privilege --from calls.ndjson";

/// `login`.
pub(crate) const LOGIN: &str = "Examples:
  okta-oauth login
  okta-oauth login --client-id 0oa8f5j3ecb5w3dF64x7 --client-secret-file portal.secret --port 8765
  # No browser on this host: a code to enter on any device (native apps)
  okta-oauth login --device";

/// `scopes`.
pub(crate) const SCOPES: &str = "Examples:
  okta-oauth scopes 'GET /api/v1/groups'
  okta-oauth scopes --search groups
  # The scopes and a custom role's permissions for every call of a file (one a line)
  okta-oauth scopes --from calls.txt";

/// `decode`.
pub(crate) const DECODE: &str = "Examples:
  okta-oauth token > token.jwt && okta-oauth decode token.jwt";

/// `verify`.
pub(crate) const VERIFY: &str = "Examples:
  # Against the org's own keys
  okta-oauth token > token.jwt && okta-oauth verify token.jwt
  okta-oauth verify token.jwt --jwks https://example.okta.com/oauth2/v1/keys";

/// `auth`.
pub(crate) const AUTH: &str = "Examples:
  okta-oauth auth status
  okta-oauth auth status --json --jq .service_app.token";

/// `logout`.
pub(crate) const LOGOUT: &str = "Examples:
  okta-oauth logout";

/// `doctor`.
pub(crate) const DOCTOR: &str = "Examples:
  okta-oauth doctor
  okta-oauth doctor --scopes 'okta.users.read okta.groups.read'
  okta-oauth doctor --json --jq 'select(.outcome == \"failed\")'";

/// `profile`.
pub(crate) const PROFILE: &str = "Examples:
  okta-oauth profile list
  okta-oauth profile use local
  okta-oauth profile show --json";

/// `emulator`.
pub(crate) const EMULATOR: &str = "Examples:
  okta-oauth emulator --port 8080 --users 500 --write-token-file ssws-token
  okta-oauth emulator --rate-limit 2000,20,1200 --fault users:503:next=2";

/// `completions`.
pub(crate) const COMPLETIONS: &str = "Install:
  # bash
  okta-oauth completions bash > ~/.local/share/bash-completion/completions/okta-oauth
  # zsh (a folder on $fpath)
  okta-oauth completions zsh > ~/.zfunc/_okta-oauth
  # fish
  okta-oauth completions fish > ~/.config/fish/completions/okta-oauth.fish";
