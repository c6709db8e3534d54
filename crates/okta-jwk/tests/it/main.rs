//! Integration tests for okta-jwk: RFC vectors, the bad-input battery, Wycheproof, round trips,
//! snapshots and the committed fixtures.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly by design"
)]

mod battery;
mod fixtures;
mod rfc;
mod roundtrip;
mod secrets;
mod snapshots;
mod wycheproof_vectors;

use std::path::PathBuf;

/// The workspace's `tests/fixtures` folder.
pub fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// A fixture file's text.
pub fn fixture(path: &str) -> String {
    let full = fixtures_dir().join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The RFC vectors (RFC 7515, 7520, 7638, 9449).
pub fn vectors() -> serde_json::Value {
    serde_json::from_str(&fixture("rfc/vectors.json")).unwrap()
}

/// `v[a][b]` as text.
pub fn s<'a>(v: &'a serde_json::Value, a: &str, b: &str) -> &'a str {
    v[a][b]
        .as_str()
        .unwrap_or_else(|| panic!("vectors.json: {a}.{b}"))
}

/// jwcrypto's thumbprint of a fixture key, from the manifest.
pub fn fixtures_thumbprint(name: &str) -> String {
    let m: serde_json::Value = serde_json::from_str(&fixture("keys/manifest.json")).unwrap();
    m["jwcrypto_thumbprints"][name].as_str().unwrap().to_owned()
}
