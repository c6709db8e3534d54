//! `cargo bench -p okta-flows`: the cost of a cached token (in memory and from the cache file),
//! 64 threads asking at once, and a walk over 100 000 users (500 pages) with its peak memory,
//! each beside a reference measured in the same run.

#![allow(clippy::unwrap_used, clippy::print_stdout, reason = "benchmark")]

use std::sync::{Arc, Mutex};

use okta_bench::{Row, compare, print_table};
use okta_emulator::{Config, Emulator, RateLimits, SeedUsers};
use okta_flows::{
    DpopMode, Okta, OrgUrl, ServiceCredentials, SswsToken, TokenRequest, TokenSource,
};
use okta_jwk::{Curve, Jwks, KeyPair, KeySpec};

/// Peak resident memory of this process since the last reset, in KiB (Linux).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

fn current_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))?
        .split_whitespace()
        .nth(1)?
        .parse()
        .ok()
}

/// Resets the peak to the current size (Linux ≥ 4.0: write 5 to clear_refs).
fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let org = Emulator::start({
        let mut config = Config::default();
        config.users = SeedUsers { count: 100_000 };
        config.rate_limits = RateLimits {
            oauth: 2000,
            users: 1200,
            management: 1200,
        };
        config
    })
    .unwrap();
    let okta = Okta::builder(OrgUrl::dangerous_allow_loopback_http(org.url()).unwrap())
        .build()
        .unwrap();
    let admin = SswsToken::new(org.admin_token());
    let key = Arc::new(KeyPair::generate(KeySpec::Ec(Curve::P256)).unwrap());
    let app = okta
        .create_service_app(
            &admin,
            "bench",
            &Jwks::new(vec![key.public_jwk().clone()]),
            okta_flows::DpopBinding::Required,
        )
        .unwrap();
    okta.add_grant(
        &admin,
        app.id(),
        &okta_flows::Scope::new("okta.users.read").unwrap(),
    )
    .unwrap();
    okta.assign_role(
        &admin,
        app.client_id(),
        &okta_flows::StandardRole::ReadOnlyAdmin.into(),
    )
    .unwrap();
    let creds =
        || ServiceCredentials::new(app.client_id().clone(), key.clone()).dpop(DpopMode::Always);
    let request = || TokenRequest::scopes(&["okta.users.read"]).unwrap();
    let mut rows: Vec<(Row, Option<f64>)> = Vec::new();

    // A cached token, in memory.
    let source = TokenSource::new(okta.clone(), creds(), request());
    source.token().unwrap();
    let floor = Mutex::new(Some(
        String::from("an access token of about a kilobyte").repeat(30),
    ));
    rows.push((
        compare(
            "TokenSource::token(), cached",
            || source.token().unwrap(),
            "Mutex lock + String clone (the floor)",
            || floor.lock().unwrap().clone(),
        ),
        None,
    ));

    // A cached token from the file, as a new process would get it.
    let dir = std::env::temp_dir().join(format!("okta-flows-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("tokens.json");
    TokenSource::new(okta.clone(), creds(), request())
        .persist_to(&file)
        .token()
        .unwrap();
    let fetched = std::sync::atomic::AtomicU64::new(0);
    rows.push((
        compare(
            "new TokenSource + token() from the cache file (a new run)",
            || {
                let s = TokenSource::new(okta.clone(), creds(), request()).persist_to(&file);
                let t = s.token().unwrap();
                fetched.fetch_add(s.tokens_fetched(), std::sync::atomic::Ordering::Relaxed);
                t
            },
            "std::fs::read of the cache file",
            || std::fs::read(&file).unwrap(),
        ),
        None,
    ));
    println!(
        "\ntoken requests made by all the cache-file runs above: {}",
        fetched.into_inner()
    );

    // 64 threads at once on a cold source.
    let cold = Arc::new(TokenSource::new(okta.clone(), creds(), request()));
    org.clear_events();
    let threads: Vec<_> = (0..64)
        .map(|_| {
            let c = cold.clone();
            std::thread::spawn(move || c.token().map(|_| ()))
        })
        .collect();
    for t in threads {
        t.join().unwrap().unwrap();
    }
    let token_requests = org
        .events()
        .iter()
        .filter(|e| e.endpoint == "token" && e.outcome == "ok")
        .count();
    println!(
        "64 threads asking a cold TokenSource at once: {token_requests} successful token request(s) at the org, {} fetch(es) by the source (64 without single-flight)",
        cold.tokens_fetched()
    );

    // 100 000 users, 500 pages.
    let before = current_rss_kib();
    let reset = reset_peak();
    org.clear_events();
    let start = std::time::Instant::now();
    let (mut pages, mut users) = (0, 0);
    for page in okta.pages(&source, "/api/v1/users?limit=200") {
        users += page.unwrap().len();
        pages += 1;
    }
    let elapsed = start.elapsed();
    let limited = org.events().iter().filter(|e| e.status == 429).count();
    println!(
        "\nlisted {users} users in {pages} pages in {:.2} s ({:.0} pages/s); 429 answers: {limited}",
        elapsed.as_secs_f64(),
        pages as f64 / elapsed.as_secs_f64()
    );
    match (reset, before, peak_rss_kib()) {
        (true, Some(before), Some(peak)) => println!(
            "peak RSS during the walk (client and in-process emulator together): {:.1} MB (before the walk: {:.1} MB); target ≤ 32 MB",
            peak as f64 / 1024.0,
            before as f64 / 1024.0
        ),
        _ => println!("peak RSS: not measurable on this system"),
    }
    print_table("okta-flows", &rows);
    std::fs::remove_dir_all(&dir).unwrap();
}
