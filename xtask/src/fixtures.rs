//! `cargo xtask fixtures`: the committed test keys and everything derived from them.
//!
//! Source keys are made by the `openssl` command line (`--new-keys`); the other forms of each
//! key are derived by `openssl` and by Python jwcrypto, never by our own code, so tests that
//! read them compare our results with independent implementations. `manifest.json` records the
//! SHA-256 of every source and derived file; a test fails when they disagree (stale fixtures).

use std::collections::BTreeMap;
use std::path::Path;

use anyhow::{Context, Result};
use serde_json::json;

use crate::peers::{Peers, arg, field, openssl};
use crate::root;

/// Well-formed keys: (name, `openssl genpkey` arguments).
const GOOD: [(&str, &[&str]); 6] = [
    (
        "rsa2048",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048"],
    ),
    (
        "rsa3072",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:3072"],
    ),
    (
        "rsa4096",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:4096"],
    ),
    (
        "p256",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256"],
    ),
    (
        "p384",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-384"],
    ),
    (
        "p521",
        &["-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-521"],
    ),
];

/// Keys Okta refuses, for the bad-input battery.
const BAD: [(&str, &[&str]); 3] = [
    (
        "rsa1024",
        &["-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:1024"],
    ),
    (
        "secp256k1",
        &[
            "-algorithm",
            "EC",
            "-pkeyopt",
            "ec_paramgen_curve:secp256k1",
        ],
    ),
    ("ed25519", &["-algorithm", "ED25519"]),
];

/// The passphrase of the encrypted fixtures (not a secret: test data).
pub(crate) const PASSPHRASE: &str = "fixture-passphrase";

pub(crate) fn run(new_keys: bool) -> Result<()> {
    let dir = root().join("tests/fixtures/keys");
    std::fs::create_dir_all(&dir)?;
    let file = |name: &str| dir.join(name);
    if new_keys {
        for (name, args) in GOOD.iter().chain(BAD.iter()) {
            let out = file(&format!("{name}.test-only.pem"));
            let mut all = vec!["genpkey"];
            all.extend_from_slice(args);
            all.extend(["-out", arg(&out)?]);
            openssl(&all)?;
        }
        let rsa = file("rsa2048.test-only.pem");
        let p256 = file("p256.test-only.pem");
        let pass = format!("pass:{PASSPHRASE}");
        openssl(&[
            "pkcs8",
            "-topk8",
            "-v2",
            "aes-256-cbc",
            "-in",
            arg(&rsa)?,
            "-passout",
            &pass,
            "-out",
            arg(&file("rsa2048.encrypted.test-only.pem"))?,
        ])?;
        openssl(&[
            "ec",
            "-aes128",
            "-in",
            arg(&p256)?,
            "-passout",
            &pass,
            "-out",
            arg(&file("p256.legacy-encrypted.test-only.pem"))?,
        ])?;
        openssl(&[
            "req",
            "-x509",
            "-new",
            "-key",
            arg(&p256)?,
            "-subj",
            "/CN=okta-oauth fixture",
            "-days",
            "3650",
            "-out",
            arg(&file("p256.cert.test-only.pem"))?,
        ])?;
    }

    let peers = Peers::ensure()?;
    let mut thumbprints = BTreeMap::new();
    for (name, _) in GOOD
        .iter()
        .chain(BAD.iter())
        .filter(|(n, _)| *n != "ed25519")
    {
        let src = file(&format!("{name}.test-only.pem"));
        let s = arg(&src)?;
        let derive = |suffix: &str, args: &[&str]| -> Result<()> {
            let out = file(&format!("{name}.{suffix}"));
            let mut all = args.to_vec();
            all.extend(["-out", arg(&out)?]);
            openssl(&all).map(|_| ())
        };
        derive(
            "traditional.test-only.pem",
            &["pkey", "-in", s, "-traditional"],
        )?;
        derive("spki.test-only.pem", &["pkey", "-in", s, "-pubout"])?;
        if name.starts_with("rsa") {
            derive(
                "pkcs1-public.test-only.pem",
                &["rsa", "-in", s, "-RSAPublicKey_out"],
            )?;
        }
        let described = peers.python(&["describe", s])?;
        let private = serde_json::to_string(&peers.python(&["export", s])?)?;
        std::fs::write(file(&format!("{name}.jwk.test-only.json")), private + "\n")?;
        let public = serde_json::to_string(&described["public"])?;
        std::fs::write(
            file(&format!("{name}.pub.jwk.test-only.json")),
            public + "\n",
        )?;
        thumbprints.insert(
            name.to_string(),
            field(&described, "thumbprint")?.to_owned(),
        );
    }

    let mut hashes = BTreeMap::new();
    for entry in std::fs::read_dir(&dir)? {
        let path = entry?.path();
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_owned();
        if name.contains(".test-only.") {
            hashes.insert(name, sha256_hex(&path)?);
        }
    }
    let manifest = json!({
        "about": "Written by `cargo xtask fixtures`; do not edit. Sources by the openssl CLI, other forms by openssl and Python jwcrypto.",
        "openssl": openssl(&["version"])?.trim(),
        "passphrase": PASSPHRASE,
        "jwcrypto_thumbprints": thumbprints,
        "sha256": hashes,
    });
    std::fs::write(
        file("manifest.json"),
        serde_json::to_string_pretty(&manifest)? + "\n",
    )?;
    eprintln!("fixtures written to {}", dir.display());
    Ok(())
}

fn sha256_hex(path: &Path) -> Result<String> {
    let out = openssl(&["dgst", "-sha256", "-r", arg(path)?])
        .with_context(|| format!("hashing {}", path.display()))?;
    Ok(out.split_whitespace().next().unwrap_or_default().to_owned())
}
