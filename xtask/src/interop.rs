//! `cargo xtask interop`: our keys and signatures against independent implementations.
//!
//! Both directions, for every kind of key Okta accepts: keys we generate must pass
//! `openssl pkey -check` and import into Python jwcrypto and node jose with our thumbprint, and
//! JWS we sign must verify there (jwcrypto, PyJWT, jose) while tampered ones fail; keys they
//! generate must import into ours with their thumbprint, and JWS they sign must verify in ours.

use std::path::Path;

use anyhow::{Context as _, Result, bail, ensure};
use okta_jwk::__private::base64url;
use okta_jwk::{Algorithm, Curve, KeyPair, KeySpec, PublicJwk};

use crate::peers::{Peers, arg, field, openssl};

struct Case {
    spec: KeySpec,
    /// `jwcrypto_peer.py generate` kind.
    python_kind: &'static str,
}

const CASES: [Case; 6] = [
    Case {
        spec: KeySpec::Rsa {
            bits: 2048,
            alg: Algorithm::RS256,
        },
        python_kind: "RSA-2048",
    },
    Case {
        spec: KeySpec::Rsa {
            bits: 3072,
            alg: Algorithm::RS384,
        },
        python_kind: "RSA-3072",
    },
    Case {
        spec: KeySpec::Rsa {
            bits: 2048,
            alg: Algorithm::RS512,
        },
        python_kind: "RSA-2048",
    },
    Case {
        spec: KeySpec::Ec(Curve::P256),
        python_kind: "EC-P-256",
    },
    Case {
        spec: KeySpec::Ec(Curve::P384),
        python_kind: "EC-P-384",
    },
    Case {
        spec: KeySpec::Ec(Curve::P521),
        python_kind: "EC-P-521",
    },
];

pub(crate) fn run() -> Result<()> {
    let peers = Peers::ensure()?;
    let dir = tempdir()?;
    let mut checks = 0usize;
    for (i, case) in CASES.iter().enumerate() {
        let ours = KeyPair::generate(case.spec)?;
        let alg = ours.algorithm();
        let tag = format!("{alg}-{}", ours.kind());
        checks += ours_to_peers(&peers, &dir.join(format!("ours{i}")), &ours, &tag)?;
        checks += peers_to_ours(&peers, &dir.join(format!("theirs{i}")), case, alg, &tag)?;
        eprintln!("interop {tag}: ok");
    }
    for (i, alg) in Algorithm::ALL.into_iter().enumerate() {
        checks += jwts(&peers, &dir.join(format!("jwt{i}")), alg)?;
        eprintln!("interop {alg} client assertion and DPoP proof: ok");
    }
    checks += emulator(&peers, &dir)?;
    checks += okta_sdk(&peers, &dir, OktaSdk::Python)?;
    checks += okta_sdk(&peers, &dir, OktaSdk::Node)?;
    checks += bridged_sdk(&peers, &dir, OktaSdk::Python)?;
    checks += bridged_sdk(&peers, &dir, OktaSdk::Node)?;
    checks += learned_sdk(&peers, &dir)?;
    checks += oidc_provider(&peers, &dir)?;
    std::fs::remove_dir_all(&dir)?;
    eprintln!("xtask interop: {checks} cross-checks passed");
    Ok(())
}

/// A compact JWS over `payload`, signed by our key.
fn our_jws(key: &KeyPair, payload: &[u8]) -> Result<String> {
    let header = base64url::encode(format!(
        r#"{{"alg":"{}","kid":"{}"}}"#,
        key.algorithm(),
        key.kid()
    ));
    let input = format!("{header}.{}", base64url::encode(payload));
    let sig = key.sign(input.as_bytes())?;
    Ok(format!("{input}.{}", base64url::encode(sig)))
}

fn ours_to_peers(peers: &Peers, prefix: &Path, key: &KeyPair, tag: &str) -> Result<usize> {
    let alg = key.algorithm().as_str();
    let want = key.thumbprint();
    let path = |suffix: &str| prefix.with_extension(suffix);
    let traditional = if alg.starts_with("RS") {
        key.to_pkcs1_pem()?
    } else {
        key.to_sec1_pem()?
    };
    let files = [
        ("pkcs8.pem", key.to_pkcs8_pem()?.expose_secret().to_owned()),
        ("traditional.pem", traditional.expose_secret().to_owned()),
        ("jwk.json", key.to_private_jwk()?.expose_secret().to_owned()),
        ("spki.pem", key.public_jwk().to_spki_pem()?),
        ("pub.json", key.public_jwk().to_json()),
    ];
    let mut checks = 0;
    for (suffix, text) in &files {
        std::fs::write(path(suffix), text)?;
    }
    for suffix in ["pkcs8.pem", "traditional.pem"] {
        openssl(&["pkey", "-check", "-noout", "-in", arg(&path(suffix))?])?;
        checks += 1;
    }
    openssl(&[
        "pkey",
        "-pubin",
        "-pubcheck",
        "-noout",
        "-in",
        arg(&path("spki.pem"))?,
    ])?;
    for (suffix, _) in &files {
        let got = peers.python(&["describe", arg(&path(suffix))?])?;
        ensure!(
            field(&got, "thumbprint")? == want.as_str(),
            "{tag}: jwcrypto thumbprint of our {suffix} differs"
        );
        checks += 1;
        if !suffix.starts_with("traditional") {
            // jose reads PKCS#8, SPKI and JWK only.
            let got = peers.node(&["describe", arg(&path(suffix))?, alg])?;
            ensure!(
                field(&got, "thumbprint")? == want.as_str(),
                "{tag}: jose thumbprint of our {suffix} differs"
            );
            checks += 1;
        }
    }
    let jws = our_jws(key, b"{\"iss\":\"interop\",\"n\":1}")?;
    checks += peers_verify(peers, &path("pub.json"), alg, &jws, &format!("{tag} JWS"))?;
    Ok(checks)
}

fn peers_to_ours(
    peers: &Peers,
    prefix: &Path,
    case: &Case,
    alg: Algorithm,
    tag: &str,
) -> Result<usize> {
    let mut checks = 0;
    let payload = prefix.with_extension("payload");
    std::fs::write(&payload, b"{\"sub\":\"from a peer\"}")?;
    let p = arg(prefix)?;
    let generated = [
        (
            "jwcrypto",
            peers.python(&["generate", case.python_kind, p])?,
        ),
        (
            "jose",
            peers.node(&["generate", alg.as_str(), &format!("{p}-jose")])?,
        ),
    ];
    for (who, answer) in generated {
        let base = if who == "jose" {
            format!("{p}-jose")
        } else {
            p.to_owned()
        };
        let want = field(&answer, "thumbprint")?;
        for suffix in ["jwk.json", "pem"] {
            let file = format!("{base}.{suffix}");
            let text = std::fs::read_to_string(&file)?;
            let key = if suffix == "pem" {
                KeyPair::from_pem(&text)?
            } else {
                KeyPair::from_jwk(&text)?
            };
            ensure!(
                key.thumbprint().as_str() == want,
                "{tag}: our thumbprint of {who}'s {suffix} differs"
            );
            checks += 1;
        }
        let key_file = format!("{base}.jwk.json");
        let signed = if who == "jose" {
            peers.node(&["sign", &key_file, alg.as_str(), arg(&payload)?])?
        } else {
            peers.python(&["sign", &key_file, alg.as_str(), arg(&payload)?])?
        };
        let jws = field(&signed, "jws")?;
        let public = KeyPair::from_jwk(&std::fs::read_to_string(&key_file)?)?
            .public_jwk()
            .bare();
        verify_compact(&public, alg, jws)
            .map_err(|e| anyhow::anyhow!("{tag}: {who}'s JWS: {e}"))?;
        let mut bad = jws.to_owned();
        bad.insert_str(jws.find('.').unwrap_or(0) + 1, "e30"); // another payload
        if verify_compact(&public, alg, &bad).is_ok() {
            bail!("{tag}: we accepted a tampered JWS from {who}");
        }
        checks += 2;
    }
    let ossl = format!("{p}-openssl.pem");
    let args: Vec<&str> = match case.spec {
        KeySpec::Rsa { bits: 3072, .. } => {
            vec!["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"]
        }
        KeySpec::Rsa { .. } => vec!["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
        KeySpec::Ec(Curve::P256) => vec!["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
        KeySpec::Ec(Curve::P384) => vec!["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
        KeySpec::Ec(Curve::P521) => vec!["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
        other => bail!("{tag}: no OpenSSL counterpart for {other:?}"),
    };
    let mut all = vec!["genpkey"];
    all.extend(args);
    all.extend(["-out", &ossl]);
    openssl(&all)?;
    let described = peers.python(&["describe", &ossl])?;
    let key = KeyPair::from_pem(&std::fs::read_to_string(&ossl)?)?;
    ensure!(
        key.thumbprint().as_str() == field(&described, "thumbprint")?,
        "{tag}: OpenSSL key thumbprint differs"
    );
    Ok(checks + 1)
}

/// The emulator binary on a free port: the child, its URL and the file holding its API token.
fn start_emulator(
    dir: &Path,
    users: &str,
) -> Result<(std::process::Child, String, std::path::PathBuf)> {
    use std::io::BufRead as _;
    crate::run(crate::cargo().args(["build", "--locked", "--quiet", "-p", "okta-emulator"]))?;
    let token_file = dir.join(format!("emulator-token-{users}"));
    let mut child = std::process::Command::new(crate::root().join("target/debug/okta-emulator"))
        .args(["--users", users, "--write-token-file", arg(&token_file)?])
        .stdout(std::process::Stdio::piped())
        .spawn()?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout from okta-emulator"))?;
    let mut lines = std::io::BufReader::new(stdout).lines();
    let first = lines.next().transpose()?.unwrap_or_default();
    let _token_line = lines.next().transpose()?;
    let url = first.rsplit(' ').next().unwrap_or_default().to_owned();
    Ok((child, url, token_file))
}

/// The emulator against an independent client: Python (PyJWT, jwcrypto) signs, curl sends.
fn emulator(peers: &Peers, dir: &Path) -> Result<usize> {
    let (mut child, url, token_file) = start_emulator(dir, "40")?;
    let result = peers.python_script("emulator_client.py", &[&url, arg(&token_file)?]);
    let _ = child.kill();
    let _ = child.wait();
    let seen = result?;
    let steps = seen["seen"].as_array().map_or(0, Vec::len);
    ensure!(steps >= 9, "the Python client stopped early: {seen}");
    eprintln!("interop okta-emulator with a Python + curl client: {steps} steps ok");
    Ok(steps)
}

/// Which of Okta's SDKs drives the emulator.
#[derive(Clone, Copy)]
enum OktaSdk {
    Python,
    Node,
}

/// A child process stopped when this is dropped.
struct Stopped(std::process::Child);

impl Drop for Stopped {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// An emulator of 450 users with a service app made as Okta's guide makes one (DPoP required),
/// its key in a PEM file; the emulator stops when this is dropped.
struct SdkOrg {
    _emulator: Stopped,
    url: String,
    token: String,
    app: okta_flows::RegisteredApp,
    key: KeyPair,
    pem: std::path::PathBuf,
}

impl SdkOrg {
    fn start(
        dir: &Path,
        name: &str,
        spec: KeySpec,
        scopes: &[&str],
        role: okta_flows::StandardRole,
    ) -> Result<SdkOrg> {
        let (child, url, token_file) = start_emulator(dir, "450")?;
        let emulator = Stopped(child);
        let token = std::fs::read_to_string(&token_file)?.trim().to_owned();
        let okta =
            okta_flows::Okta::builder(okta_flows::OrgUrl::dangerous_allow_loopback_http(&url)?)
                .build()?;
        let admin = okta_flows::SswsToken::new(token.clone());
        let key = KeyPair::generate(spec)?;
        let pem = dir.join(format!("{}-key.pem", name.replace(' ', "-")));
        okta_flows::write_private_file(&pem, key.to_pkcs8_pem()?.expose_secret().as_bytes())?;
        let plan = okta_flows::ServiceAppPlan::new(
            name,
            okta_jwk::Jwks::new(vec![key.public_jwk().clone()]),
            okta_flows::Scope::list(scopes)?,
            role.into(),
        );
        let app = plan.run(&okta, &admin, |_| {})?.app;
        ensure!(
            app.dpop_bound() == Some(true),
            "the app does not require DPoP"
        );
        Ok(SdkOrg {
            _emulator: emulator,
            url,
            token,
            app,
            key,
            pem,
        })
    }
}

impl SdkOrg {
    /// `okta-oauth ARGS` (the debug build) for this org, with an environment of its own: the
    /// org, loopback allowed, and `home` for every folder it keeps things in.
    fn cli(&self, home: &Path, args: &[&str]) -> std::process::Command {
        let mut c = std::process::Command::new(crate::root().join("target/debug/okta-oauth"));
        c.args(args)
            .env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", home)
            .env("XDG_STATE_HOME", home)
            .env("XDG_CONFIG_HOME", home)
            .env("OKTA_CLIENT_ORGURL", &self.url)
            .env("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1");
        c
    }
}

/// The emulator against one of Okta's own SDKs: users across pages, a user by login, an error
/// and an app with an API token (the Python SDK also the key listing: the node SDK's model of it
/// predates the contract's array); then a DPoP-bound service app in private-key mode.
fn okta_sdk(peers: &Peers, dir: &Path, sdk: OktaSdk) -> Result<usize> {
    let org = SdkOrg::start(
        dir,
        "okta sdk",
        KeySpec::rsa(2048),
        &["okta.users.read"],
        okta_flows::StandardRole::ReadOnlyAdmin,
    )?;
    let args = [
        &org.url,
        org.token.as_str(),
        org.app.client_id().as_str(),
        arg(&org.pem)?,
        org.key.kid().as_str(),
    ];
    let seen = match sdk {
        OktaSdk::Python => peers.okta_python_script("okta_sdk_peer.py", &args),
        OktaSdk::Node => peers.node_script("okta_node_sdk_peer.mjs", &args),
    }?;
    drop(org);
    let steps = seen["seen"].as_array().map_or(0, Vec::len);
    let (name, least) = match sdk {
        OktaSdk::Python => ("Okta's Python SDK (okta 3.4.6)", 28),
        OktaSdk::Node => ("Okta's node SDK (@okta/okta-sdk-nodejs 8.1.0)", 21),
    };
    ensure!(steps >= least, "{name} stopped early: {seen}");
    eprintln!("interop okta-emulator with {name}: {steps} steps ok");
    Ok(steps)
}

/// One of Okta's SDKs, unchanged and in SSWS mode, run by `okta-oauth exec` against an org
/// whose service app requires DPoP: users across pages (the SDK following the bridge's links),
/// a user by login, a group created and deleted, the org's API tokens, and Okta's 403 passed
/// through.
fn bridged_sdk(peers: &Peers, dir: &Path, sdk: OktaSdk) -> Result<usize> {
    crate::run(crate::cargo().args(["build", "--locked", "--quiet", "-p", "okta-oauth"]))?;
    let org = SdkOrg::start(
        dir,
        "bridged sdk",
        KeySpec::Ec(Curve::P256),
        &[
            "okta.users.read",
            "okta.groups.manage",
            "okta.apiTokens.read",
            "okta.apiTokens.manage",
        ],
        okta_flows::StandardRole::OrgAdmin,
    )?;
    let script = match sdk {
        OktaSdk::Python => "okta_sdk_bridged.py",
        OktaSdk::Node => "okta_node_sdk_bridged.mjs",
    };
    let text = crate::output(
        org.cli(dir, &["exec", "--token-cache", "none", "--"])
            .args(peers.sdk_command(script)?)
            .env("OKTA_CLIENT_CLIENTID", org.app.client_id().as_str())
            .env("OKTA_CLIENT_PRIVATEKEY", &org.pem),
    )?;
    drop(org);
    let seen: serde_json::Value =
        serde_json::from_str(&text).with_context(|| format!("{script} said {text}"))?;
    let steps = seen["seen"].as_array().map_or(0, Vec::len);
    let (name, least) = match sdk {
        OktaSdk::Python => ("Okta's Python SDK (okta 3.4.6)", 11),
        OktaSdk::Node => ("Okta's node SDK (@okta/okta-sdk-nodejs 8.1.0)", 6),
    };
    ensure!(
        steps >= least,
        "{name} through the bridge stopped early: {seen}"
    );
    eprintln!(
        "interop okta-oauth exec with {name} in SSWS mode, the app requiring DPoP: {steps} steps ok"
    );
    Ok(steps)
}

/// A legacy SSWS script to a least-privilege app in two commands: Okta's Python SDK listing
/// users runs through `exec --learn`, `quickstart --least-privilege --from` makes an app from
/// what it learned, and the same script runs again with that app.
fn learned_sdk(peers: &Peers, dir: &Path) -> Result<usize> {
    let org = SdkOrg::start(
        dir,
        "learning sdk",
        KeySpec::Ec(Curve::P256),
        &["okta.users.read"],
        okta_flows::StandardRole::ReadOnlyAdmin,
    )?;
    let learned = dir.join("learned.ndjson");
    let state = dir.join("learned-state");
    std::fs::create_dir_all(&state)?;
    let cli = |args: &[&str]| org.cli(&state, args);
    let mut script = peers.sdk_command("okta_sdk_bridged.py")?;
    script.push("users".to_owned());
    let run_script = |client: &str, key: &Path, learn: bool| -> Result<usize> {
        let mut args = vec!["exec", "--token-cache", "none"];
        if learn {
            args.extend(["--learn", arg(&learned)?]);
        }
        args.push("--");
        args.extend(script.iter().map(String::as_str));
        let text = crate::output(
            cli(&args)
                .env("OKTA_CLIENT_CLIENTID", client)
                .env("OKTA_CLIENT_PRIVATEKEY", key),
        )?;
        let seen: serde_json::Value =
            serde_json::from_str(&text).with_context(|| format!("the users script said {text}"))?;
        let steps = seen["seen"].as_array().map_or(0, Vec::len);
        ensure!(steps >= 7, "the users script stopped early: {seen}");
        Ok(steps)
    };
    let before = run_script(org.app.client_id().as_str(), &org.pem, true)?;
    let made: serde_json::Value = serde_json::from_str(&crate::output(
        cli(&[
            "quickstart",
            "--least-privilege",
            "--from",
            arg(&learned)?,
            "--json",
        ])
        .env("OKTA_CLIENT_TOKEN", &org.token),
    )?)?;
    let client = made["client_id"]
        .as_str()
        .context("quickstart made no app")?;
    ensure!(
        client != org.app.client_id().as_str(),
        "quickstart reused the first app"
    );
    let key = made["private_key"]
        .as_str()
        .context("quickstart wrote no key")?;
    let after = run_script(client, Path::new(key), false)?;
    drop(org);
    eprintln!(
        "interop exec --learn, then quickstart --least-privilege --from, then the same Python SDK script with the app made: {before} and {after} steps ok"
    );
    Ok(before + after)
}

/// okta-flows against the npm `oidc-provider`: discovery, `private_key_jwt`, client
/// credentials, and DPoP with the nonce the server requires.
fn oidc_provider(peers: &Peers, dir: &Path) -> Result<usize> {
    use std::io::BufRead as _;
    use std::sync::Arc;

    use okta_assertion::ClientId;
    use okta_flows::{DpopMode, Okta, OrgUrl, ServiceCredentials, TokenRequest, TokenType};

    let key = Arc::new(KeyPair::generate(KeySpec::Ec(Curve::P256))?);
    let jwks_file = dir.join("oidc-provider-client-jwks.json");
    std::fs::write(
        &jwks_file,
        okta_jwk::Jwks::new(vec![key.public_jwk().clone()]).to_json(),
    )?;
    // A free loopback port for the native client's redirect URI, registered at start.
    let port = std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    // The web client's secret: random per run, handed to the server in a file.
    let web_secret = {
        let mut bytes = [0u8; 24];
        okta_assertion::RandomSource::fill(&okta_assertion::OsRandom::new(), &mut bytes)
            .map_err(|_| anyhow::anyhow!("no randomness"))?;
        bytes.iter().map(|b| format!("{b:02x}")).collect::<String>()
    };
    let secret_file = dir.join("oidc-provider-web-secret");
    okta_flows::write_private_file(&secret_file, web_secret.as_bytes())?;
    let mut child = peers.node_server(
        "oidc_provider_server.mjs",
        &[arg(&jwks_file)?, &redirect, arg(&secret_file)?],
    )?;
    let stdout = child
        .stdout
        .take()
        .ok_or_else(|| anyhow::anyhow!("no stdout from oidc-provider"))?;
    let mut lines = std::io::BufReader::new(stdout).lines();
    let first = lines.next().transpose()?.unwrap_or_default();
    // Keep reading what the server prints: a closed pipe would kill it on its next log line.
    std::thread::spawn(move || lines.for_each(drop));
    let result = (|| -> Result<usize> {
        let issuer = first
            .strip_prefix("listening ")
            .ok_or_else(|| anyhow::anyhow!("oidc-provider said {first:?}"))?;
        let okta = Okta::builder(OrgUrl::dangerous_allow_loopback_http(issuer)?)
            .discover()?
            .build()?;
        ensure!(
            okta.oauth_endpoint(okta_flows::OAuthEndpoint::Token)?
                .as_str()
                == format!("{issuer}/token"),
            "discovery found another token endpoint"
        );
        let request = TokenRequest::scopes(&["okta.users.read"])?.require_all();
        let dpop = ServiceCredentials::new(ClientId::new("interop-dpop")?, key.clone())
            .dpop(DpopMode::Always);
        let token = okta.client_credentials(&dpop, &request)?;
        ensure!(
            token.token_type() == TokenType::DPoP,
            "oidc-provider gave a {:?} token to a DPoP client",
            token.token_type()
        );
        ensure!(
            token.scopes() == ["okta.users.read"],
            "scopes {:?}",
            token.scopes()
        );
        // The nonce is known now: a second token goes through at once.
        okta.client_credentials(&dpop, &request)?;
        let bearer = ServiceCredentials::new(ClientId::new("interop-bearer")?, key.clone())
            .dpop(DpopMode::Never);
        let token = okta.client_credentials(
            &bearer,
            &TokenRequest::scopes(&["okta.users.read", "okta.apps.read"])?,
        )?;
        ensure!(
            token.token_type() == TokenType::Bearer && token.scopes().len() == 2,
            "bearer client: {token:?}"
        );
        // A key oidc-provider does not know is refused.
        let stranger = Arc::new(KeyPair::generate(KeySpec::Ec(Curve::P256))?);
        let refused = okta.client_credentials(
            &ServiceCredentials::new(ClientId::new("interop-bearer")?, stranger)
                .dpop(DpopMode::Never),
            &request,
        );
        ensure!(
            refused
                .as_ref()
                .err()
                .and_then(okta_flows::Error::okta_code)
                == Some(okta_flows::ErrorCode::InvalidClient),
            "an unknown key was not refused: {refused:?}"
        );
        // Authorization Code + PKCE through the scripted sign-in, with a browser played here:
        // the tokens, and the page the listener showed the browser.
        let sign_in = |auth: okta_flows::ClientAuth<'_>| -> Result<_> {
            let sign_in = okta.start_sign_in(
                auth.client_id(),
                port,
                "/callback",
                &okta_flows::Scope::list(&["openid"])?,
            )?;
            let url = sign_in.url().to_owned();
            let browser = std::thread::spawn(move || play_browser(&url));
            let tokens = okta.finish_sign_in(sign_in, auth, std::time::Duration::from_secs(20));
            let page = browser
                .join()
                .map_err(|_| anyhow::anyhow!("the browser thread panicked"))??;
            Ok((tokens, page))
        };
        let native = okta_flows::ClientId::new("interop-native")?;
        let (tokens, page) = sign_in(okta_flows::ClientAuth::Public(&native))?;
        ensure!(page.contains("Signed in"), "the listener's page: {page}");
        let claims = tokens?
            .id_claims
            .ok_or_else(|| anyhow::anyhow!("no ID token"))?;
        ensure!(
            claims.get("sub").and_then(serde_json::Value::as_str) == Some("user-1"),
            "ID token claims {claims:?}"
        );
        ensure!(
            claims.get("aud").and_then(serde_json::Value::as_str) == Some("interop-native"),
            "ID token aud"
        );
        // A confidential web app as Okta's guide sets one up: PKCE and state, the client secret
        // in the token request body (client_secret_post).
        let web = okta_flows::ClientId::new("interop-web")?;
        let web_sign_in = |secret: &okta_flows::ClientSecret| {
            sign_in(okta_flows::ClientAuth::Secret {
                client_id: &web,
                secret,
            })
            .map(|(tokens, _)| tokens)
        };
        let claims = web_sign_in(&okta_flows::ClientSecret::new(web_secret.as_str()))??
            .id_claims
            .ok_or_else(|| anyhow::anyhow!("no ID token for the web client"))?;
        ensure!(
            claims.get("aud").and_then(serde_json::Value::as_str) == Some("interop-web"),
            "web ID token aud {claims:?}"
        );
        // The wrong secret is refused by the peer.
        let refused = web_sign_in(&okta_flows::ClientSecret::new("not-the-secret"))?;
        ensure!(
            refused
                .as_ref()
                .err()
                .and_then(okta_flows::Error::okta_code)
                == Some(okta_flows::ErrorCode::InvalidClient),
            "a wrong client secret was not refused: {:?}",
            refused.map(|_| ())
        );
        Ok(10)
    })();
    let _ = child.kill();
    let _ = child.wait();
    let checks = result?;
    eprintln!(
        "interop okta-flows with oidc-provider (discovery, private_key_jwt, DPoP nonces, PKCE sign-in, a web app with client_secret_post): {checks} checks ok"
    );
    Ok(checks)
}

/// What a browser does with an authorize URL: follow redirects (keeping cookies) until the
/// loopback listener answers; returns that page.
fn play_browser(start: &str) -> Result<String> {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .http_status_as_error(false)
        .max_redirects(0)
        .build()
        .into();
    let mut url = url::Url::parse(start)?;
    let mut cookies: Vec<(String, String)> = Vec::new();
    for _ in 0..10 {
        let cookie = cookies
            .iter()
            .map(|(n, v)| format!("{n}={v}"))
            .collect::<Vec<_>>()
            .join("; ");
        let mut req = agent.get(url.as_str());
        if !cookie.is_empty() {
            req = req.header("Cookie", &cookie);
        }
        let mut resp = req.call()?;
        for set in resp.headers().get_all("set-cookie") {
            let pair = set
                .to_str()
                .unwrap_or_default()
                .split(';')
                .next()
                .unwrap_or_default();
            if let Some((name, value)) = pair.split_once('=') {
                cookies.retain(|(n, _)| n != name);
                cookies.push((name.trim().to_owned(), value.trim().to_owned()));
            }
        }
        match resp.headers().get("location").and_then(|l| l.to_str().ok()) {
            Some(location) => url = url.join(location)?,
            None => return Ok(resp.body_mut().read_to_string()?),
        }
    }
    bail!("too many redirects")
}

/// Client assertions and DPoP proofs, ours to the peers and theirs to our `Verifier`.
fn jwts(peers: &Peers, prefix: &Path, alg: Algorithm) -> Result<usize> {
    use okta_assertion::{
        ClientAssertionBuilder, ClientId, DPOP_TYP, DpopKey, Endpoint, Htm, Htu, OsRandom,
        UnixTime, Validation, Verifier,
    };
    let now = UnixTime(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)?
            .as_secs(),
    );
    let rng = OsRandom::new();
    let token_url = "https://interop.example/oauth2/v1/token";
    let key = KeyPair::generate(KeySpec::for_algorithm(alg))?;
    let assertion =
        ClientAssertionBuilder::new(ClientId::new("0oainterop")?, Endpoint::parse(token_url)?)
            .sign(&key, now, &rng)?;
    let dpop = DpopKey::generate(alg)?;
    let proof = dpop.proof(
        &Htm::post(),
        &Htu::from_url(token_url)?,
        now,
        &rng,
        None,
        Some("token"),
    )?;
    let mut checks = 0;
    let cases = [
        (
            "assertion",
            assertion.expose_secret().to_owned(),
            key.public_jwk().to_json(),
        ),
        (
            "proof",
            proof.expose_secret().to_owned(),
            dpop.public_jwk().to_json(),
        ),
    ];
    for (what, jwt, public) in cases {
        let key_file = prefix.with_extension(format!("{what}.pub.json"));
        std::fs::write(&key_file, public)?;
        checks += peers_verify(
            peers,
            &key_file,
            alg.as_str(),
            &jwt,
            &format!("{alg} {what}"),
        )?;
    }
    // Theirs: a JWT with the claims of a client assertion, and one typed as a DPoP proof.
    let claims = format!(
        r#"{{"iss":"0oainterop","sub":"0oainterop","aud":"{token_url}","iat":{},"exp":{},"jti":"x1"}}"#,
        now.secs(),
        now.secs() + 300
    );
    let payload = prefix.with_extension("claims.json");
    std::fs::write(&payload, &claims)?;
    for who in ["jwcrypto", "jose"] {
        let base = format!("{}-{who}", arg(prefix)?);
        let generated = if who == "jose" {
            peers.node(&["generate", alg.as_str(), &base])?
        } else {
            peers.python(&["generate", python_kind(alg), &base])?
        };
        let _ = field(&generated, "thumbprint")?;
        let key_file = format!("{base}.jwk.json");
        let signed = if who == "jose" {
            peers.node(&["sign", &key_file, alg.as_str(), arg(&payload)?])?
        } else {
            peers.python(&["sign", &key_file, alg.as_str(), arg(&payload)?])?
        };
        let jwt = field(&signed, "jws")?;
        let public = KeyPair::from_jwk(&std::fs::read_to_string(&key_file)?)?
            .public_jwk()
            .bare();
        let checks_of = Validation::at(now).audience(token_url).issuer("0oainterop");
        Verifier::new(&[alg]).verify_with_key(jwt, &public, &checks_of)?;
        let wrong_alg = Algorithm::ALL
            .into_iter()
            .find(|a| *a != alg && a.is_rsa() == alg.is_rsa());
        if let Some(other) = wrong_alg {
            ensure!(
                Verifier::new(&[other])
                    .verify_with_key(jwt, &public, &checks_of)
                    .is_err(),
                "{alg}: accepted under {other}"
            );
        }
        let mut bad = jwt.as_bytes().to_vec();
        let at = jwt.find('.').unwrap_or(0) + 5;
        bad[at] = if bad[at] == b'A' { b'B' } else { b'A' };
        let bad = String::from_utf8(bad)?;
        ensure!(
            Verifier::new(&[alg])
                .verify_with_key(&bad, &public, &checks_of)
                .is_err(),
            "{alg}: accepted {who}'s tampered JWT"
        );
        ensure!(
            Verifier::new(&[alg])
                .require_type(DPOP_TYP)
                .verify_with_key(jwt, &public, &checks_of)
                .is_err(),
            "{alg}: an untyped JWT passed as a DPoP proof"
        );
        checks += 4;
    }
    Ok(checks)
}

fn python_kind(alg: Algorithm) -> &'static str {
    match alg {
        Algorithm::ES256 => "EC-P-256",
        Algorithm::ES384 => "EC-P-384",
        Algorithm::ES512 => "EC-P-521",
        _ => "RSA-2048",
    }
}

/// Asks all three peers to verify `jws` with the public key in `key_file`, and `jws` with one
/// byte of its payload changed; they must accept the first and refuse the second.
fn peers_verify(peers: &Peers, key_file: &Path, alg: &str, jws: &str, what: &str) -> Result<usize> {
    let mut tampered = jws.as_bytes().to_vec();
    let at = jws.find('.').unwrap_or(0) + 5;
    tampered[at] = if tampered[at] == b'A' { b'B' } else { b'A' };
    let mut checks = 0;
    for (name, token, expect) in [
        ("good", jws.as_bytes().to_vec(), true),
        ("tampered", tampered, false),
    ] {
        let file = key_file.with_extension(format!("{name}.jws"));
        std::fs::write(&file, token)?;
        let py = peers.python(&["verify", arg(key_file)?, alg, arg(&file)?])?;
        let js = peers.node(&["verify", arg(key_file)?, alg, arg(&file)?])?;
        for (who, verdict) in [
            ("jwcrypto", &py["jwcrypto"]),
            ("PyJWT", &py["pyjwt"]),
            ("jose", &js["jose"]),
        ] {
            ensure!(
                verdict.as_bool() == Some(expect),
                "{who} says {verdict} for our {name} {what}"
            );
            checks += 1;
        }
    }
    Ok(checks)
}

fn verify_compact(key: &PublicJwk, alg: Algorithm, jws: &str) -> Result<()> {
    let (input, sig) = jws
        .rsplit_once('.')
        .ok_or_else(|| anyhow::anyhow!("not a compact JWS"))?;
    let sig =
        base64url::decode(sig).ok_or_else(|| anyhow::anyhow!("signature is not base64url"))?;
    key.verify(alg, input.as_bytes(), &sig)?;
    Ok(())
}

fn tempdir() -> Result<std::path::PathBuf> {
    let dir = std::env::temp_dir().join(format!("okta-interop-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    Ok(dir)
}
