//! The independent implementations we check against, installed at pinned versions into
//! `.interop/` (a Python venv with jwcrypto and PyJWT; node `jose`), so every machine runs the
//! same peers.

use std::path::{Path, PathBuf};
use std::process::Command;

use anyhow::{Context, Result, bail};

use crate::{output, root, run};

const JWCRYPTO: &str = "jwcrypto==1.6.1";
const PYJWT: &str = "pyjwt[crypto]==2.15.1";
const JOSE: &str = "jose@6.2.18";
const OIDC_PROVIDER: &str = "oidc-provider@9.13.3";
/// Okta's own node SDK.
const OKTA_NODE_SDK: &str = "@okta/okta-sdk-nodejs@8.1.0";
/// Okta's own Python SDK, in a venv of its own (its dependencies pin their own PyJWT).
const OKTA_PYTHON_SDK: &str = "okta==3.4.6";

/// Handles to the installed peers.
pub(crate) struct Peers {
    python: PathBuf,
    okta_python: PathBuf,
    node_dir: PathBuf,
}

impl Peers {
    /// Installs what is missing and returns the peers. Fails (never skips) when a peer cannot
    /// be installed: a cross-check that did not run must not look like one that passed.
    pub(crate) fn ensure() -> Result<Peers> {
        let dir = root().join(".interop");
        let venv = dir.join("venv");
        let python = venv.join("bin/python");
        if !python.exists() {
            run(Command::new("python3").args(["-m", "venv"]).arg(&venv))
                .context("creating the Python venv (apt-get install python3-venv?)")?;
        }
        if output(Command::new(&python).args(["-c", "import jwcrypto, jwt"])).is_err() {
            run(Command::new(&python).args(["-m", "pip", "install", "--quiet", JWCRYPTO, PYJWT]))?;
        }
        let okta_venv = dir.join("okta-venv");
        let okta_python = okta_venv.join("bin/python");
        if !okta_python.exists() {
            run(Command::new("python3").args(["-m", "venv"]).arg(&okta_venv))
                .context("creating the venv of Okta's Python SDK")?;
        }
        let version = output(Command::new(&okta_python).args([
            "-c",
            "import importlib.metadata as m; print(m.version('okta'))",
        ]));
        let wanted = OKTA_PYTHON_SDK.trim_start_matches("okta==");
        if version.ok().as_deref().map(str::trim) != Some(wanted) {
            run(Command::new(&okta_python).args([
                "-m",
                "pip",
                "install",
                "--quiet",
                OKTA_PYTHON_SDK,
            ]))
            .context("installing Okta's Python SDK")?;
        }
        let node_dir = dir.join("node");
        let installed = |pkg: &str| {
            node_dir
                .join(format!("node_modules/{pkg}/package.json"))
                .exists()
        };
        if !installed("jose") || !installed("oidc-provider") || !installed("@okta/okta-sdk-nodejs")
        {
            std::fs::create_dir_all(&node_dir)?;
            std::fs::write(
                node_dir.join("package.json"),
                "{\"private\":true,\"type\":\"module\"}\n",
            )?;
            run(Command::new("npm")
                .args([
                    "install",
                    "--silent",
                    "--no-audit",
                    "--no-fund",
                    JOSE,
                    OIDC_PROVIDER,
                    OKTA_NODE_SDK,
                ])
                .current_dir(&node_dir))
            .context(
                "installing node jose, oidc-provider and Okta's node SDK (is npm installed?)",
            )?;
        }
        // The scripts must sit beside node_modules for their imports to resolve.
        for script in [
            "jose_peer.mjs",
            "oidc_provider_server.mjs",
            "okta_node_sdk_peer.mjs",
            "okta_node_sdk_bridged.mjs",
            "seen.mjs",
        ] {
            std::fs::copy(peer_script(script), node_dir.join(script))?;
        }
        Ok(Peers {
            python,
            okta_python,
            node_dir,
        })
    }

    /// Runs the Python peer and parses its JSON answer.
    pub(crate) fn python(&self, args: &[&str]) -> Result<serde_json::Value> {
        let text = output(
            Command::new(&self.python)
                .arg(peer_script("jwcrypto_peer.py"))
                .args(args),
        )?;
        serde_json::from_str(&text).with_context(|| format!("jwcrypto peer said {text}"))
    }

    /// Runs another script of `xtask/peers` with the venv's Python and parses its JSON answer.
    pub(crate) fn python_script(&self, script: &str, args: &[&str]) -> Result<serde_json::Value> {
        let text = output(
            Command::new(&self.python)
                .arg(peer_script(script))
                .args(args),
        )?;
        serde_json::from_str(&text).with_context(|| format!("{script} said {text}"))
    }

    /// Runs a script of `xtask/peers` with the venv of Okta's Python SDK (which refuses plain
    /// http unless its testing switch says otherwise: the emulator is on loopback).
    pub(crate) fn okta_python_script(
        &self,
        script: &str,
        args: &[&str],
    ) -> Result<serde_json::Value> {
        let text = output(
            Command::new(&self.okta_python)
                .arg(peer_script(script))
                .args(args)
                .env("OKTA_TESTING_TESTINGDISABLEHTTPSCHECK", "true"),
        )?;
        serde_json::from_str(&text).with_context(|| format!("{script} said {text}"))
    }

    /// The program and arguments that run a script of Okta's SDKs unchanged, for another
    /// program to start (`okta-oauth exec -- …`): the Python SDK's venv, or node beside the node
    /// SDK.
    pub(crate) fn sdk_command(&self, script: &str) -> Result<Vec<String>> {
        let (program, path) = if script.ends_with(".py") {
            (self.okta_python.clone(), peer_script(script))
        } else {
            (PathBuf::from("node"), self.node_dir.join(script))
        };
        Ok(vec![
            crate::peers::arg(&program)?.to_owned(),
            crate::peers::arg(&path)?.to_owned(),
        ])
    }

    /// Starts a node script of the peers folder as a server; returns the child.
    pub(crate) fn node_server(&self, script: &str, args: &[&str]) -> Result<std::process::Child> {
        Command::new("node")
            .arg(self.node_dir.join(script))
            .args(args)
            .stdout(std::process::Stdio::piped())
            .spawn()
            .with_context(|| format!("starting {script}"))
    }

    /// Runs a node script of the peers folder and parses its JSON answer.
    pub(crate) fn node_script(&self, script: &str, args: &[&str]) -> Result<serde_json::Value> {
        let text = output(
            Command::new("node")
                .arg(self.node_dir.join(script))
                .args(args),
        )?;
        serde_json::from_str(&text).with_context(|| format!("{script} said {text}"))
    }

    /// Runs the node peer and parses its JSON answer.
    pub(crate) fn node(&self, args: &[&str]) -> Result<serde_json::Value> {
        let text = output(
            Command::new("node")
                .arg(self.node_dir.join("jose_peer.mjs"))
                .args(args),
        )?;
        serde_json::from_str(&text).with_context(|| format!("jose peer said {text}"))
    }
}

fn peer_script(name: &str) -> PathBuf {
    root().join("xtask/peers").join(name)
}

/// Runs the `openssl` command line.
pub(crate) fn openssl(args: &[&str]) -> Result<String> {
    output(Command::new("openssl").args(args))
}

/// Text of a peer's JSON field, or an error naming it.
pub(crate) fn field<'a>(v: &'a serde_json::Value, name: &str) -> Result<&'a str> {
    match v[name].as_str() {
        Some(s) => Ok(s),
        None => bail!("peer answer has no {name}: {v}"),
    }
}

/// A path as `&str` for peer arguments.
pub(crate) fn arg(path: &Path) -> Result<&str> {
    path.to_str().context("non-UTF-8 path")
}
