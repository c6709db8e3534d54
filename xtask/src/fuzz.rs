//! `cargo xtask fuzz [--seconds N] [TARGET…]`: a mutation fuzzer on stable Rust over every
//! parser that takes outside input. Seeds come from `tests/fixtures` and a few hand-written
//! headers; mutations flip, replace, insert, delete, repeat and splice bytes, and insert the
//! tokens that break parsers (huge numbers, quotes, brackets). An input whose outcome was not seen
//! before joins the corpus (a cheap stand-in for coverage). A panic is minimised and saved under
//! `xtask/fuzz/TARGET/`, where `cargo test -p xtask` replays it forever after; an input that takes
//! more than two seconds is saved as a hang.
//!
//! `cargo xtask fuzz` runs the loop in the `fuzz` profile (optimised, with overflow checks and
//! debug assertions), so an overflow is a crash here even though release builds would wrap.
//! `--dev` runs it in the `dev` profile instead (the same checks, unoptimised, and nothing more
//! to build): `cargo xtask ci`'s two seconds a target are a smoke test, where building every
//! dependency optimised once more would cost minutes; long runs keep the `fuzz` profile.

use std::collections::HashSet;
use std::panic::AssertUnwindSafe;
use std::path::PathBuf;
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

/// One parser: its name, and a function from bytes to a short description of the outcome.
pub(crate) struct Target {
    pub(crate) name: &'static str,
    pub(crate) run: fn(&[u8]) -> String,
    seeds: fn() -> Vec<Vec<u8>>,
}

fn text(bytes: &[u8]) -> std::borrow::Cow<'_, str> {
    String::from_utf8_lossy(bytes)
}

fn outcome<T, E: std::fmt::Display>(r: std::result::Result<T, E>) -> String {
    match r {
        Ok(_) => "ok".into(),
        Err(e) => e.to_string().chars().take(48).collect(),
    }
}

fn fixture_files(ext: &[&str]) -> Vec<Vec<u8>> {
    let dir = crate::root().join("tests/fixtures/keys");
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if ext.iter().any(|x| name.ends_with(x))
                && let Ok(bytes) = std::fs::read(e.path())
            {
                out.push(bytes);
            }
        }
    }
    out.sort();
    out
}

fn jwts() -> Vec<Vec<u8>> {
    let vectors = std::fs::read_to_string(crate::root().join("tests/fixtures/rfc/vectors.json"))
        .unwrap_or_default();
    let mut out: Vec<Vec<u8>> = vectors
        .split('"')
        .filter(|s| s.starts_with("eyJ") && s.matches('.').count() == 2)
        .map(|s| s.as_bytes().to_vec())
        .collect();
    out.push(b"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.".to_vec());
    out
}

fn lines(items: &[&str]) -> Vec<Vec<u8>> {
    items.iter().map(|s| s.as_bytes().to_vec()).collect()
}

/// The verifier's keys: every public fixture key.
fn fixture_jwks() -> okta_jwk::Jwks {
    let keys = fixture_files(&[".pub.jwk.test-only.json"])
        .iter()
        .filter_map(|b| okta_jwk::PublicJwk::from_json(&text(b)).ok())
        .collect();
    okta_jwk::Jwks::new(keys)
}

pub(crate) fn targets() -> Vec<Target> {
    vec![
        Target {
            name: "public-jwk",
            run: |b| outcome(okta_jwk::PublicJwk::from_json(&text(b))),
            seeds: || fixture_files(&[".json"]),
        },
        Target {
            name: "private-jwk",
            run: |b| outcome(okta_jwk::KeyPair::from_jwk(&text(b))),
            seeds: || fixture_files(&[".jwk.test-only.json"]),
        },
        Target {
            name: "pem",
            run: |b| outcome(okta_jwk::KeyPair::from_pem(&text(b))),
            seeds: || fixture_files(&[".pem"]),
        },
        Target {
            name: "any-key",
            run: |b| outcome(okta_jwk::AnyKey::read(&text(b))),
            seeds: || fixture_files(&[".pem", ".json"]),
        },
        Target {
            name: "jwks",
            run: |b| outcome(okta_jwk::Jwks::from_json(&text(b))),
            seeds: || {
                let mut s = fixture_files(&[".pub.jwk.test-only.json"]);
                s.push(fixture_jwks().to_json().into_bytes());
                s
            },
        },
        Target {
            name: "der-signature",
            run: |b| {
                let alg = match b.first() {
                    Some(x) if x % 3 == 0 => okta_jwk::Algorithm::ES256,
                    Some(x) if x % 3 == 1 => okta_jwk::Algorithm::ES384,
                    _ => okta_jwk::Algorithm::ES512,
                };
                outcome(okta_jwk::ecdsa_signature_from_der(
                    alg,
                    b.get(1..).unwrap_or_default(),
                ))
            },
            seeds: || {
                vec![
                    vec![0, 0x30, 6, 2, 1, 1, 2, 1, 2],
                    vec![2, 0x30, 0x81, 0x88, 2, 0x42],
                ]
            },
        },
        Target {
            name: "jwt-decode",
            run: |b| outcome(okta_assertion::Unverified::decode(&text(b))),
            seeds: jwts,
        },
        Target {
            name: "jwt-verify",
            run: |b| {
                thread_local! {
                    static KEYS: okta_jwk::Jwks = fixture_jwks();
                }
                let any_time = okta_assertion::Validation::at(okta_assertion::UnixTime(0))
                    .leeway(u64::MAX)
                    .require_exp(false);
                KEYS.with(|keys| {
                    outcome(
                        okta_assertion::Verifier::new(&okta_jwk::Algorithm::ALL).verify(
                            &text(b),
                            keys,
                            &any_time,
                        ),
                    )
                })
            },
            seeds: jwts,
        },
        Target {
            name: "token-response",
            run: okta_flows::__fuzz::token_response,
            seeds: || {
                lines(&[
                    r#"{"token_type":"Bearer","expires_in":3600,"access_token":"eyJ.a.b","scope":"okta.users.read"}"#,
                    r#"{"token_type":"DPoP","expires_in":"3600","access_token":"x"}"#,
                    r#"{"token_type":"bearer","access_token":"x","expires_in":1e12,"scope":null}"#,
                ])
            },
        },
        Target {
            name: "link",
            run: |b| okta_flows::__fuzz::link(&text(b)),
            seeds: || {
                lines(&[
                    "<https://o.okta.com/api/v1/users?limit=2>; rel=\"self\"\n<https://o.okta.com/api/v1/users?after=x>; rel=\"next\"",
                    "<https://o/a?x=1,2>; rel=\"self\", <https://o/a?after=y>; rel=next",
                ])
            },
        },
        Target {
            name: "bridge-request",
            run: |b| okta_flows::__fuzz::bridge_request(&text(b)),
            seeds: || {
                lines(&[
                    "/api/v1/users\nlimit=200&after=00u1\n127.0.0.1:8001\nSSWS 0123456789abcdef0123",
                    "/api/v1/../../oauth2/v1/token\n\nlocalhost:8001\nBearer x",
                    "/api/v1/users/%2e%2e/x\nq=a%20b\nevil.example:8001\nSSWS0123456789abcdef0123",
                ])
            },
        },
        Target {
            name: "bridge-answer-headers",
            run: |b| okta_flows::__fuzz::bridge_answer_headers(&text(b)),
            seeds: || {
                lines(&[
                    "link: <https://example.okta.com/api/v1/users?after=x>; rel=\"next\"\nx-rate-limit-remaining: 599",
                    "Location: https://example.okta.com/api/v1/groups/00g1\nset-cookie: sid=1\nLink: <https://evil.example/>; rel=\"next\", </api/v1/users>; rel=\"a,b\"",
                    "location: https://example.okta.com@evil.example/\nlocation: //evil.example/x",
                ])
            },
        },
        Target {
            name: "www-authenticate",
            run: |b| okta_flows::__fuzz::www_authenticate(&text(b)),
            seeds: || {
                lines(&[
                    r#"DPoP error="use_dpop_nonce", error_description="Resource server requires nonce in DPoP proof""#,
                    r#"Bearer authorization_uri="http://o/oauth2/v1/authorize", realm="IdpError", scope="okta.users.read", error="insufficient_scope""#,
                ])
            },
        },
        Target {
            name: "http-date",
            run: |b| okta_flows::__fuzz::http_date(&text(b)),
            seeds: || {
                lines(&[
                    "Sun, 06 Nov 1994 08:49:37 GMT",
                    "Mon, 23 Nov 2026 15:17:43 GMT",
                    "Sun, 06 Nov 9223372036854775807 08:49:37 GMT",
                ])
            },
        },
        Target {
            name: "problem",
            run: okta_flows::__fuzz::problem,
            seeds: || {
                lines(&[
                    "403\napplication/json\nx-rate-limit-limit: 600\nx-rate-limit-remaining: 0\nx-rate-limit-reset: 18446744073709551615\n\n{\"errorCode\":\"E0000006\",\"errorSummary\":\"You do not have permission\",\"errorCauses\":[{\"errorSummary\":\"x\"}]}",
                    "400\napplication/json\n\n{\"error\":\"invalid_client\",\"error_description\":\"The client_assertion JWT kid is invalid.\"}",
                    "429\ntext/html\n\n<html>busy</html>",
                ])
            },
        },
        Target {
            name: "dpop-nonce",
            run: |b| outcome(okta_assertion::DpopNonce::new(text(b).as_ref())),
            seeds: || lines(&["eyJ7S_zG.9DcMk5jsoV", "n0nce-1"]),
        },
        Target {
            name: "org-url",
            run: |b| outcome(okta_flows::OrgUrl::parse(&text(b))),
            seeds: || {
                lines(&[
                    "https://example.okta.com",
                    "https://example.okta.com:8443/",
                    "http://[::1]:1",
                ])
            },
        },
        Target {
            name: "ids",
            run: |b| {
                let t = text(b);
                format!(
                    "{} {} {}",
                    okta_assertion::ClientId::new(t.as_ref()).is_ok(),
                    okta_flows::Scope::new(t.as_ref()).is_ok(),
                    okta_flows::AppId::new(t.as_ref()).is_ok()
                )
            },
            seeds: || lines(&["0oa1b2c3d4e5f6g7h8i9", "okta.users.read", "../../api"]),
        },
    ]
}

/// xorshift64*: fast, and reproducible from its seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        if n == 0 {
            0
        } else {
            (self.next() % n as u64) as usize
        }
    }
}

const TOKENS: &[&[u8]] = &[
    b"\"",
    b"{",
    b"}",
    b"[",
    b"]",
    b",",
    b":",
    b"\\",
    b"\n",
    b"=",
    b".",
    b"-",
    b"/",
    b"null",
    b"1e999",
    b"-1",
    b"0",
    b"\"\"",
    b"18446744073709551615",
    b"9223372036854775807",
    b"-9223372036854775808",
    b"\"d\":\"AA\"",
    b"-----BEGIN PRIVATE KEY-----\n",
    b"\xff\xfe",
    b"\x00",
    b"%00",
    b"eyJ",
    b";",
    b"<",
    b">",
];

/// The largest input tried.
const MAX_INPUT: usize = 64 * 1024;

fn mutate(rng: &mut Rng, input: &mut Vec<u8>, corpus: &[Vec<u8>]) {
    for _ in 0..=rng.below(4) {
        let len = input.len();
        match rng.below(8) {
            0 if len > 0 => {
                let at = rng.below(len);
                input[at] ^= 1 << rng.below(8);
            }
            1 if len > 0 => {
                let at = rng.below(len);
                input[at] = rng.next() as u8;
            }
            2 => {
                let at = rng.below(len + 1);
                let token = TOKENS[rng.below(TOKENS.len())];
                input.splice(at..at, token.iter().copied());
            }
            3 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(16)).min(len);
                input.drain(at..end);
            }
            4 if len > 0 => {
                let at = rng.below(len);
                let end = (at + 1 + rng.below(64)).min(len);
                let piece = input[at..end].to_vec();
                let to = rng.below(len + 1);
                for _ in 0..=rng.below(3) {
                    input.splice(to..to, piece.iter().copied());
                }
            }
            5 if !corpus.is_empty() => {
                let other = &corpus[rng.below(corpus.len())];
                if !other.is_empty() {
                    let from = rng.below(other.len());
                    let end = (from + 1 + rng.below(256)).min(other.len());
                    let at = rng.below(len + 1);
                    input.splice(at..at, other[from..end].iter().copied());
                }
            }
            6 if len > 0 => input.truncate(rng.below(len)),
            _ => {
                let at = rng.below(len + 1);
                input.insert(at, rng.next() as u8);
            }
        }
    }
    input.truncate(MAX_INPUT);
}

fn panics(target: &Target, input: &[u8]) -> bool {
    std::panic::catch_unwind(AssertUnwindSafe(|| (target.run)(input))).is_err()
}

/// The smallest input found, by deleting pieces, that still panics.
fn minimise(target: &Target, input: &[u8]) -> Vec<u8> {
    let mut best = input.to_vec();
    let mut chunk = best.len().max(1);
    while chunk >= 1 {
        let mut at = 0;
        while at < best.len() {
            let mut shorter = best.clone();
            shorter.drain(at..(at + chunk).min(best.len()));
            if panics(target, &shorter) {
                best = shorter;
            } else {
                at += chunk;
            }
        }
        if chunk == 1 {
            break;
        }
        chunk /= 2;
    }
    best
}

/// Where a target's saved inputs live.
pub(crate) fn saved_dir(name: &str) -> PathBuf {
    crate::root().join("xtask/fuzz").join(name)
}

fn save(name: &str, kind: &str, input: &[u8]) -> Result<PathBuf> {
    let dir = saved_dir(name);
    std::fs::create_dir_all(&dir)?;
    // FNV-1a: a stable name for the same input.
    let hash = input.iter().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(*b)).wrapping_mul(0x0100_0000_01b3)
    });
    let path = dir.join(format!("{kind}-{hash:016x}.bin"));
    std::fs::write(&path, input)?;
    Ok(path)
}

/// The loop itself, in this process: each target for `seconds`.
pub(crate) fn run_loop(seconds: u64, only: &[String], seed: u64) -> Result<()> {
    let targets: Vec<Target> = targets()
        .into_iter()
        .filter(|t| only.is_empty() || only.iter().any(|o| o == t.name))
        .collect();
    if targets.is_empty() {
        bail!(
            "no such fuzz target; the targets: {}",
            self::targets()
                .iter()
                .map(|t| t.name)
                .collect::<Vec<_>>()
                .join(", ")
        );
    }
    // A panic is what is looked for: keep its message off the terminal.
    std::panic::set_hook(Box::new(|_| {}));
    let mut failures = Vec::new();
    for (i, target) in targets.iter().enumerate() {
        let mut rng = Rng(seed ^ (0x9E37_79B9_7F4A_7C15_u64.wrapping_mul(i as u64 + 1)) | 1);
        let mut corpus = (target.seeds)();
        let saved = std::fs::read_dir(saved_dir(target.name))
            .into_iter()
            .flatten()
            .flatten()
            .filter_map(|e| std::fs::read(e.path()).ok());
        corpus.extend(saved);
        if corpus.is_empty() {
            corpus.push(Vec::new());
        }
        let mut seen = HashSet::new();
        let deadline = Instant::now() + Duration::from_secs(seconds);
        let (mut executions, mut slowest) = (0u64, Duration::ZERO);
        let mut crashed = None;
        while Instant::now() < deadline && crashed.is_none() {
            for _ in 0..64 {
                let mut input = corpus[rng.below(corpus.len())].clone();
                mutate(&mut rng, &mut input, &corpus);
                let started = Instant::now();
                let result = std::panic::catch_unwind(AssertUnwindSafe(|| (target.run)(&input)));
                let took = started.elapsed();
                executions += 1;
                slowest = slowest.max(took);
                if took > Duration::from_secs(2) {
                    let path = save(target.name, "hang", &input)?;
                    failures.push(format!(
                        "{}: an input took {took:?}: {}",
                        target.name,
                        path.display()
                    ));
                }
                match result {
                    Ok(described) => {
                        if seen.len() < 50_000 && seen.insert(described) && corpus.len() < 10_000 {
                            corpus.push(input);
                        }
                    }
                    Err(_) => {
                        crashed = Some(input);
                        break;
                    }
                }
            }
        }
        if let Some(input) = crashed {
            let small = minimise(target, &input);
            let path = save(target.name, "crash", &small)?;
            failures.push(format!(
                "{}: a panic, saved as {}",
                target.name,
                path.display()
            ));
        }
        eprintln!(
            "fuzz {:<17} {executions:>10} executions in {seconds} s, {} outcomes, corpus {}, slowest {slowest:?}",
            target.name,
            seen.len(),
            corpus.len()
        );
    }
    let _ = std::panic::take_hook();
    if !failures.is_empty() {
        bail!("fuzzing found:\n{}", failures.join("\n"));
    }
    Ok(())
}

/// `cargo xtask fuzz`: builds this tool in the `fuzz` profile and runs the loop there.
pub(crate) fn run(args: &[&str]) -> Result<()> {
    let mut seconds = 10;
    let mut only = Vec::new();
    let mut profile = "fuzz";
    let mut rest = args.iter();
    while let Some(arg) = rest.next() {
        match *arg {
            "--dev" => profile = "dev",
            "--seconds" => {
                seconds = rest
                    .next()
                    .and_then(|s| s.parse().ok())
                    .context("--seconds takes a whole number")?;
            }
            name => only.push(name.to_owned()),
        }
    }
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_nanos() as u64);
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = std::process::Command::new(cargo);
    cmd.args([
        "run",
        "--locked",
        "--quiet",
        "--profile",
        profile,
        "-p",
        "xtask",
        "--",
        "fuzz-loop",
    ])
    .arg(seconds.to_string())
    .arg(seed.to_string())
    .args(&only)
    .current_dir(crate::root());
    eprintln!("fuzz: seed {seed}, {seconds} s a target, profile {profile}");
    crate::run(&mut cmd)
}

/// Every saved input of a target, for the regression test.
#[cfg(test)]
pub(crate) fn saved_inputs(name: &str) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out: Vec<(PathBuf, Vec<u8>)> = std::fs::read_dir(saved_dir(name))
        .into_iter()
        .flatten()
        .flatten()
        .filter_map(|e| std::fs::read(e.path()).ok().map(|b| (e.path(), b)))
        .collect();
    out.sort();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_inputs_and_seeds_never_panic() {
        for target in targets() {
            let inputs = saved_inputs(target.name)
                .into_iter()
                .map(|(p, b)| (p.display().to_string(), b))
                .chain(
                    (target.seeds)()
                        .into_iter()
                        .map(|b| ("a seed".to_owned(), b)),
                );
            for (name, input) in inputs {
                assert!(!panics(&target, &input), "{}: {name} panics", target.name);
            }
        }
    }

    #[test]
    fn the_mutator_is_reproducible_and_bounded() {
        let corpus = vec![b"{\"kty\":\"EC\"}".to_vec()];
        let run = |seed| {
            let mut rng = Rng(seed);
            let mut input = corpus[0].clone();
            for _ in 0..10_000 {
                mutate(&mut rng, &mut input, &corpus);
            }
            input
        };
        assert_eq!(run(7), run(7));
        assert!(run(7).len() <= MAX_INPUT);
    }

    #[test]
    fn a_panic_is_minimised() {
        let target = Target {
            name: "test",
            run: |b| {
                assert!(!b.windows(3).any(|w| w == b"BAD"), "found");
                String::new()
            },
            seeds: Vec::new,
        };
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let small = minimise(&target, b"xxxxxBADyyyyyyy");
        std::panic::set_hook(prev);
        assert_eq!(small, b"BAD");
    }
}
