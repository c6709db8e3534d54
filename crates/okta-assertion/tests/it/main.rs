//! Integration tests for okta-assertion.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    reason = "tests fail loudly by design"
)]

mod assertion;
mod dpop;
mod properties;
mod verify;

use std::path::PathBuf;
use std::sync::atomic::{AtomicU64, Ordering};

use okta_assertion::{RandomSource, Result};

/// Deterministic "randomness" for reproducible outputs: each fill is SHA-256(seed ‖ counter).
pub struct Seeded {
    seed: u64,
    counter: AtomicU64,
}

impl Seeded {
    /// A source that starts from `seed`.
    pub fn new(seed: u64) -> Seeded {
        Seeded {
            seed,
            counter: AtomicU64::new(0),
        }
    }
}

impl RandomSource for Seeded {
    fn fill(&self, dest: &mut [u8]) -> Result<()> {
        let n = self.counter.fetch_add(1, Ordering::Relaxed);
        let mut input = self.seed.to_be_bytes().to_vec();
        input.extend(n.to_be_bytes());
        let digest = ring::digest::digest(&ring::digest::SHA256, &input);
        for (d, s) in dest.iter_mut().zip(digest.as_ref().iter().cycle()) {
            *d = *s;
        }
        Ok(())
    }
}

/// A fixture file of the workspace.
pub fn fixture(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

/// The RFC vectors.
pub fn vectors() -> serde_json::Value {
    serde_json::from_str(&fixture("rfc/vectors.json")).unwrap()
}

/// Header and claims of a compact JWT, decoded without any check, for assertions in tests.
pub fn parts(jwt: &str) -> (serde_json::Value, serde_json::Value) {
    let mut it = jwt.split('.');
    let mut next = || {
        let bytes = okta_jwk::__private::base64url::decode(it.next().unwrap()).unwrap();
        serde_json::from_slice(&bytes).unwrap()
    };
    (next(), next())
}

/// A validation that accepts any times: for tests about the signature stage only.
fn signature_only() -> okta_assertion::Validation {
    okta_assertion::Validation::at(okta_assertion::UnixTime(0))
        .leeway(u64::MAX)
        .require_exp(false)
}
