//! Makes a key pair for an Okta service app: the private key goes to a new file with mode 0600,
//! the public JWKS to register with Okta goes to stdout.
//!
//! ```text
//! cargo run --release -p okta-jwk --example keygen -- [--kty RSA|EC] [--out FILE]
//! ```
//!
//! The `okta-oauth keygen` command does the same with more choices (`--alg`, `--kid`, …); this
//! example shows the library calls it is made of.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "an example program"
)]

use std::io::Write;
use std::path::PathBuf;

use okta_jwk::{Curve, Jwks, KeyPair, KeySpec};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut spec = KeySpec::rsa(2048);
    let mut out = PathBuf::from("okta-private-key.pem");
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next()) {
            ("--kty", Some(kty)) if kty.eq_ignore_ascii_case("rsa") => spec = KeySpec::rsa(2048),
            ("--kty", Some(kty)) if kty.eq_ignore_ascii_case("ec") => {
                spec = KeySpec::Ec(Curve::P256)
            }
            ("--out", Some(path)) => out = PathBuf::from(path),
            _ => return Err("usage: keygen [--kty RSA|EC] [--out FILE]".into()),
        }
    }
    let key = KeyPair::generate(spec)?;
    write_private(&out, key.to_pkcs8_pem()?.expose_secret()).map_err(|e| {
        format!(
            "writing {}: {e} (an existing key is never overwritten)",
            out.display()
        )
    })?;
    eprintln!(
        "private key ({}, kid {}) written to {} (mode 0600)",
        key.kind(),
        key.kid(),
        out.display()
    );
    eprintln!("register this public JWKS with your Okta service app:");
    println!(
        "{}",
        Jwks::new(vec![key.public_jwk().clone()]).to_json_pretty()
    );
    Ok(())
}

/// Creates the file with mode 0600 and never overwrites an existing key.
fn write_private(path: &PathBuf, pem: &str) -> std::io::Result<()> {
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options.open(path)?;
    file.write_all(pem.as_bytes())?;
    file.sync_all()
}
