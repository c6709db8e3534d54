//! `cargo xtask bench`: the command-line figures, each beside a reference measured in the same
//! run, written into the marked section of docs/benchmarks.md; then every `cargo bench`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{build_release, root, run};

const RUNS: usize = 31;
const BEGIN: &str = "<!-- xtask bench: begin -->";
const END: &str = "<!-- xtask bench: end -->";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// Wall time of `cmd`, `RUNS` times; the median.
fn time(mut make: impl FnMut() -> Command) -> Result<Duration> {
    let mut times = Vec::new();
    for _ in 0..RUNS {
        let start = Instant::now();
        let status = make()
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()?;
        if !status.success() {
            bail!("a benchmarked command failed ({status})");
        }
        times.push(start.elapsed());
    }
    Ok(median(times))
}

/// Runs a command and reports its wall time and the peak RSS seen in /proc (sampled every 5 ms).
fn peak(mut cmd: Command) -> Result<(Duration, u64)> {
    let start = Instant::now();
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn()?;
    let status_file = format!("/proc/{}/status", child.id());
    let mut peak_kib = 0;
    loop {
        if let Ok(text) = std::fs::read_to_string(&status_file)
            && let Some(v) = text
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|v| v.parse::<u64>().ok())
        {
            peak_kib = peak_kib.max(v);
        }
        if let Some(status) = child.try_wait()? {
            if !status.success() {
                bail!("the listing failed ({status})");
            }
            return Ok((start.elapsed(), peak_kib));
        }
        std::thread::sleep(Duration::from_millis(5));
    }
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1000.0)
}

pub(crate) fn run_all() -> Result<()> {
    let release = build_release()?;
    let bin = release.bin_dir.join("okta-oauth");
    let emulator_bin = release.bin_dir.join("okta-emulator");
    let openssl = release.openssl;
    let dir = std::env::temp_dir().join(format!("okta-xtask-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let token_file = dir.join("ssws");
    let mut emulator = Command::new(&emulator_bin)
        .args([
            "--users",
            "100000",
            "--rate-limit",
            "100000,100000,100000",
            "--token-file",
        ])
        .arg(&token_file)
        .stdout(Stdio::piped())
        .spawn()?;
    let result = (|| -> Result<String> {
        let stdout = emulator.stdout.take().context("no emulator stdout")?;
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
        let url = lines
            .next()
            .transpose()?
            .unwrap_or_default()
            .rsplit(' ')
            .next()
            .unwrap_or_default()
            .to_owned();
        // The second line comes after the token file is written.
        let _written = lines.next().transpose()?;
        std::thread::spawn(move || lines.for_each(drop));
        let ssws = std::fs::read_to_string(&token_file)?.trim().to_owned();
        let env = |c: &mut Command| {
            c.env("OKTA_CLIENT_ORGURL", &url)
                .env("OKTA_CLIENT_TOKEN", &ssws)
                .env("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1")
                .env("XDG_STATE_HOME", &dir);
        };
        let cli = |args: &[&str]| {
            let mut c = Command::new(&bin);
            c.args(args);
            env(&mut c);
            c
        };
        let out = |args: &[&str]| -> Result<String> {
            Ok(String::from_utf8(cli(args).output()?.stdout)?)
        };
        let key = dir.join("key.pem");
        out(&[
            "keygen",
            "--kty",
            "EC",
            "--out",
            key.to_str().unwrap_or_default(),
        ])?;
        let mut ids = Vec::new();
        for dpop in [false, true] {
            let mut args = vec![
                "app",
                "create",
                "--name",
                "bench",
                "--key",
                key.to_str().unwrap_or_default(),
                "--json",
            ];
            if dpop {
                args.push("--dpop");
            }
            let app: serde_json::Value = serde_json::from_str(&out(&args)?)?;
            let id = app["id"].as_str().context("no app id")?.to_owned();
            out(&["grant", "add", &id, "okta.users.read"])?;
            out(&["role", "assign", &id, "READ_ONLY_ADMIN"])?;
            ids.push(id);
        }
        let key_arg = key.to_str().unwrap_or_default().to_owned();
        let floor = time(|| cli(&["--version"]))?;
        let exec_floor = time(|| Command::new("true"))?;
        let token = |id: &str, extra: &[&str]| {
            let mut args = vec!["token", "--client-id", id, "--private-key", &key_arg];
            args.extend_from_slice(extra);
            let mut c = cli(&args);
            c.arg("--token-cache");
            c
        };
        let cold_bearer = time(|| {
            let mut c = token(&ids[0], &[]);
            c.arg("none");
            c
        })?;
        let cold_dpop = time(|| {
            let mut c = token(&ids[1], &["--dpop", "always"]);
            c.arg("none");
            c
        })?;
        let cache = dir.join("tokens.json");
        let cache_arg = cache.to_str().unwrap_or_default().to_owned();
        let mut first = token(&ids[1], &[]);
        first.arg(&cache_arg);
        first.output()?;
        let cached = time(|| {
            let mut c = token(&ids[1], &[]);
            c.arg(&cache_arg);
            c
        })?;
        let (reuse_runs, reuse_tokens, reuse_time) = token_reuse(&cli, &ids[1], &key_arg, &dir)?;
        let mut list = cli(&[
            "api",
            "GET",
            "/api/v1/users?limit=200",
            "--all",
            "--client-id",
            &ids[1],
            "--private-key",
            &key_arg,
            "--token-cache",
            &cache_arg,
        ]);
        list.env("OKTA_CLIENT_SCOPES", "okta.users.read");
        let (list_time, list_kib) = peak(list)?;
        let verdict = |d: Duration, target_ms: f64| {
            if d.as_secs_f64() * 1000.0 <= target_ms {
                "met"
            } else {
                "NOT met"
            }
        };
        Ok(format!(
            "{BEGIN}\n\n## okta-oauth (written by `cargo xtask bench`, medians of {RUNS} runs, release build with OpenSSL linked {openssl}, local okta-emulator)\n\n\
| measure | median | reference (same run) | target |\n| --- | ---: | --- | --- |\n\
| cold `okta-oauth token` (new process, no cache; Bearer app) | {} | `okta-oauth --version`: {} | ≤ 10 ms: {} |\n\
| cold `okta-oauth token --dpop always` (nonce challenge included) | {} | `okta-oauth --version`: {} | |\n\
| cached `okta-oauth token` (from the 0600 cache file) | {} | `okta-oauth --version`: {}; `true`: {} | ≤ 3 ms: {} |\n\
| {reuse_runs} runs of `okta-oauth api GET /api/v1/users?limit=1` (DPoP app, new cache file) | {reuse_tokens} token request(s), {} a run | | 1 token request: {} |\n\
| `okta-oauth api GET /api/v1/users --all`, 100 000 users in 500 pages, DPoP | {:.2} s | | |\n\
| peak RSS of that listing (the CLI process alone) | {:.1} MB | | ≤ 32 MB: {} |\n\n{END}",
            ms(cold_bearer),
            ms(floor),
            verdict(cold_bearer, 10.0),
            ms(cold_dpop),
            ms(floor),
            ms(cached),
            ms(floor),
            ms(exec_floor),
            verdict(cached, 3.0),
            ms(reuse_time),
            if reuse_tokens == 1 { "met" } else { "NOT met" },
            list_time.as_secs_f64(),
            list_kib as f64 / 1024.0,
            if list_kib <= 32 * 1024 {
                "met"
            } else {
                "NOT met"
            },
        ))
    })();
    let _ = emulator.kill();
    let _ = emulator.wait();
    let _ = std::fs::remove_dir_all(&dir);
    let section = result?;
    println!("{section}");
    let doc_path = root().join("docs/benchmarks.md");
    write_section(&doc_path, &section)?;
    eprintln!("written to {}", doc_path.display());
    if std::env::args().any(|a| a == "--all") {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        run(Command::new(&cargo)
            .args(["bench", "--workspace", "--locked"])
            .current_dir(root()))?;
    }
    Ok(())
}

/// The token-reuse target: many `api` runs within the hour make one token request. Counted
/// from each run's `-v` trace, which prints every HTTP exchange (never a credential).
fn token_reuse(
    cli: &dyn Fn(&[&str]) -> Command,
    client_id: &str,
    key: &str,
    dir: &Path,
) -> Result<(usize, usize, Duration)> {
    const REUSE_RUNS: usize = 1000;
    let cache = dir.join("reuse-tokens.json");
    let cache = cache.to_str().unwrap_or_default();
    let mut tokens = 0;
    let mut times = Vec::with_capacity(REUSE_RUNS);
    for _ in 0..REUSE_RUNS {
        let start = Instant::now();
        let out = cli(&[
            "api",
            "GET",
            "/api/v1/users?limit=1",
            "-v",
            "--client-id",
            client_id,
            "--private-key",
            key,
            "--token-cache",
            cache,
        ])
        .env("OKTA_CLIENT_SCOPES", "okta.users.read")
        .output()?;
        times.push(start.elapsed());
        if !out.status.success() {
            bail!(
                "okta-oauth api failed: {}",
                String::from_utf8_lossy(&out.stderr)
            );
        }
        tokens += String::from_utf8_lossy(&out.stderr)
            .lines()
            .filter(|l| l.contains("/oauth2/v1/token ") && l.contains("-> 200 "))
            .count();
    }
    Ok((REUSE_RUNS, tokens, median(times)))
}

fn write_section(path: &Path, section: &str) -> Result<()> {
    let text = std::fs::read_to_string(path)?;
    let new = match (text.find(BEGIN), text.find(END)) {
        (Some(a), Some(b)) if a < b => format!("{}{section}{}", &text[..a], &text[b + END.len()..]),
        _ => format!("{text}\n{section}\n"),
    };
    std::fs::write(path, new)?;
    Ok(())
}
