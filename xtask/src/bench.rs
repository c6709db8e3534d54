//! `cargo xtask bench`: the command-line figures, each beside a reference measured in the same
//! run, written into the marked section of docs/benchmarks.md; then every `cargo bench`.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, Result, bail};

use crate::{build_position_dependent, build_release, output, root, run};

const RUNS: usize = 31;
const BEGIN: &str = "<!-- xtask bench: begin -->";
const END: &str = "<!-- xtask bench: end -->";

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

/// A process's peak resident size so far (`VmHWM` in /proc), in KiB.
fn vm_hwm_kib(pid: u32) -> Option<u64> {
    std::fs::read_to_string(format!("/proc/{pid}/status"))
        .ok()?
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|v| v.parse().ok())
}

/// Runs a command and reports its wall time and the peak RSS seen in /proc (sampled every 5 ms).
fn peak(mut cmd: Command) -> Result<(Duration, u64)> {
    let start = Instant::now();
    let mut child = cmd.stdout(Stdio::null()).stderr(Stdio::null()).spawn()?;
    let mut peak_kib = 0;
    loop {
        if let Some(v) = vm_hwm_kib(child.id()) {
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

/// Above this spread (interquartile range over median) of the paired ratios a figure is marked
/// as too noisy to trust.
const MAX_SPREAD: f64 = 0.15;

/// One command's wall time against a reference's, in rounds whose order alternates; each
/// round's ratio (ours over the reference) is kept, so a busy machine slows both alike.
struct Pair {
    ours: Duration,
    reference: Duration,
    ratios: Vec<f64>,
}

impl Pair {
    fn ratio(&self) -> f64 {
        let mut r = self.ratios.clone();
        r.sort_by(f64::total_cmp);
        r.get(r.len() / 2).copied().unwrap_or(f64::NAN)
    }

    fn quartiles(&self) -> (f64, f64) {
        let mut r = self.ratios.clone();
        r.sort_by(f64::total_cmp);
        let at = |q: f64| r[((r.len() - 1) as f64 * q).round() as usize];
        (at(0.25), at(0.75))
    }

    /// Whether the rounds disagree too much for the median to mean anything.
    fn noisy(&self) -> bool {
        let (low, high) = self.quartiles();
        (high - low) / self.ratio() > MAX_SPREAD
    }

    /// `1.23× (1.18–1.30)`, marked when the rounds disagree too much.
    fn cell(&self) -> String {
        let (low, high) = self.quartiles();
        format!(
            "{:.2}× ({low:.2}–{high:.2}){}",
            self.ratio(),
            if self.noisy() {
                ", too wide to trust"
            } else {
                ""
            }
        )
    }

    /// `met` when the paired ratio is at most `target`; no verdict from rounds too spread out
    /// (a loaded machine slows the reference too, which flatters short commands most).
    fn verdict(&self, target: f64) -> &'static str {
        if self.noisy() {
            "not judged (too noisy)"
        } else if self.ratio() <= target {
            "met"
        } else {
            "NOT met"
        }
    }
}

fn run_once(mut cmd: Command) -> Result<Duration> {
    let start = Instant::now();
    let status = cmd.stdout(Stdio::null()).stderr(Stdio::null()).status()?;
    if !status.success() {
        bail!("a benchmarked command failed ({status})");
    }
    Ok(start.elapsed())
}

/// `ours` and `reference`, `runs` rounds each, paired.
fn pair(
    runs: usize,
    mut ours: impl FnMut() -> Command,
    mut reference: impl FnMut() -> Command,
) -> Result<Pair> {
    // One warm-up of each (page cache, the token cache file).
    run_once(ours())?;
    run_once(reference())?;
    let (mut a, mut b, mut ratios) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..runs {
        let (x, y) = if round % 2 == 0 {
            let x = run_once(ours())?;
            (x, run_once(reference())?)
        } else {
            let y = run_once(reference())?;
            (run_once(ours())?, y)
        };
        ratios.push(x.as_secs_f64() / y.as_secs_f64().max(1e-9));
        a.push(x);
        b.push(y);
    }
    Ok(Pair {
        ours: median(a),
        reference: median(b),
        ratios,
    })
}

/// The URL of every page of a listing, walked once with curl (the `rel="next"` links).
fn page_urls(first: &str, ssws: &str) -> Result<Vec<String>> {
    let mut urls = Vec::new();
    let mut next = Some(first.to_owned());
    while let Some(url) = next.take() {
        let out = Command::new("curl")
            .args(["-s", "-D", "-", "-o", "/dev/null", "-H"])
            .arg(format!("Authorization: SSWS {ssws}"))
            .arg(&url)
            .output()?;
        let head = String::from_utf8_lossy(&out.stdout);
        next = head
            .lines()
            .filter(|l| l.to_ascii_lowercase().starts_with("link:"))
            .find(|l| l.contains("rel=\"next\""))
            .and_then(|l| Some(l[l.find('<')? + 1..l.find('>')?].to_owned()));
        urls.push(url);
        if urls.len() > 100_000 {
            bail!("the listing did not end");
        }
    }
    Ok(urls)
}

/// Token requests a `-v` run sent (its trace prints each HTTP exchange, never a credential).
fn token_posts(stderr: &[u8]) -> usize {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| l.contains("/oauth2/v1/token "))
        .count()
}

/// Token requests Okta answered 200, in a `-v` trace.
fn token_posts_ok(stderr: &[u8]) -> usize {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter(|l| l.contains("/oauth2/v1/token ") && l.contains("-> 200 "))
        .count()
}

/// A `proxy` started for a measure, and stopped when dropped.
struct Bridge {
    child: std::process::Child,
    url: String,
    secret: String,
}

impl Bridge {
    /// Starts `proxy`, whose first line on stdout names its URL, and reads its secret file;
    /// its stderr (the log, and the trace with `-v`) goes to `log`.
    fn start(mut proxy: Command, secret_file: &Path, log: Option<&Path>) -> Result<Bridge> {
        let stderr = match log {
            Some(path) => Stdio::from(std::fs::File::create(path)?),
            None => Stdio::null(),
        };
        let mut child = proxy.stdout(Stdio::piped()).stderr(stderr).spawn()?;
        let stdout = child.stdout.take().context("no proxy stdout")?;
        let mut lines = std::io::BufRead::lines(std::io::BufReader::new(stdout));
        let first = lines.next().transpose()?.unwrap_or_default();
        std::thread::spawn(move || lines.for_each(drop));
        let url = first
            .strip_prefix("export OKTA_CLIENT_ORGURL=")
            .context("proxy did not print its URL first")?
            .to_owned();
        let secret = std::fs::read_to_string(secret_file)?.trim().to_owned();
        Ok(Bridge { child, url, secret })
    }

    /// The peak resident size so far (`VmHWM`), in KiB.
    fn peak_kib(&self) -> Result<u64> {
        vm_hwm_kib(self.child.id()).context("no VmHWM for proxy")
    }
}

impl Drop for Bridge {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The command-line figures; with `all`, then every `cargo bench` of the workspace.
pub(crate) fn run_all(all: bool) -> Result<()> {
    let release = build_release()?;
    let position_dependent = build_position_dependent()?;
    // `OKTA_XTASK_BENCH_CLI=/path/to/okta-oauth` measures another build (an older one, for
    // before-and-after figures) against the same emulator and references.
    let bin = std::env::var_os("OKTA_XTASK_BENCH_CLI").map_or_else(
        || release.bin_dir.join("okta-oauth"),
        std::path::PathBuf::from,
    );
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
            "--write-token-file",
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
            let o = cli(args).output()?;
            if !o.status.success() {
                bail!(
                    "okta-oauth {args:?}: {}",
                    String::from_utf8_lossy(&o.stderr)
                );
            }
            Ok(String::from_utf8(o.stdout)?)
        };
        let path = |p: &Path| p.to_str().unwrap_or_default().to_owned();
        let ec_key = path(&dir.join("key.pem"));
        let rsa_key = path(&dir.join("rsa.pem"));
        out(&["keygen", "--kty", "EC", "--out", &ec_key])?;
        out(&["keygen", "--kty", "RSA", "--out", &rsa_key])?;
        // Three apps: ES256 with Bearer tokens, ES256 requiring DPoP, RS256 with Bearer.
        let mut ids = Vec::new();
        for (key, dpop) in [(&ec_key, false), (&ec_key, true), (&rsa_key, false)] {
            let mut args = vec!["app", "create", "--name", "bench", "--key", key, "--json"];
            if dpop {
                args.push("--dpop");
            }
            let app: serde_json::Value = serde_json::from_str(&out(&args)?)?;
            let id = app["id"].as_str().context("no app id")?.to_owned();
            for scope in ["okta.users.read", "okta.apps.read"] {
                out(&["grant", "add", &id, scope])?;
            }
            out(&["role", "assign", &id, "READ_ONLY_ADMIN"])?;
            ids.push(id);
        }
        let token = |id: &str, key: &str, extra: &[&str]| {
            let mut args = vec!["token", "--client-id", id, "--private-key", key];
            args.extend_from_slice(extra);
            cli(&args)
        };
        let no_cache = |id: &str, key: &str, extra: &[&str]| {
            let mut c = token(id, key, extra);
            c.args(["--token-cache", "none"]);
            c
        };

        // 1. A cold RS256 token against a cold ES256 one.
        let rs_vs_es = pair(
            RUNS,
            || no_cache(&ids[2], &rsa_key, &[]),
            || no_cache(&ids[0], &ec_key, &[]),
        )?;
        let es_vs_version = pair(
            RUNS,
            || no_cache(&ids[0], &ec_key, &[]),
            || cli(&["--version"]),
        )?;
        let dpop_vs_version = pair(
            RUNS,
            || no_cache(&ids[1], &ec_key, &["--dpop", "always"]),
            || cli(&["--version"]),
        )?;
        // 5. Process start: a cached token and `--version` against `true`.
        let cache = path(&dir.join("tokens.json"));
        out(&[
            "token",
            "--client-id",
            &ids[1],
            "--private-key",
            &ec_key,
            "--token-cache",
            &cache,
        ])?;
        let cached_vs_true = pair(
            RUNS,
            || {
                let mut c = token(&ids[1], &ec_key, &[]);
                c.args(["--token-cache", &cache]);
                c
            },
            || Command::new("true"),
        )?;
        let version_vs_true = pair(RUNS, || cli(&["--version"]), || Command::new("true"))?;
        // The same cached run from the position-dependent build: what the loader's relocations
        // of the shipped, position-independent one cost.
        let fixed_vs_true = pair(
            RUNS,
            || {
                let mut c = Command::new(&position_dependent);
                c.args(["token", "--client-id", &ids[1], "--private-key", &ec_key])
                    .args(["--token-cache", &cache]);
                env(&mut c);
                c
            },
            || Command::new("true"),
        )?;
        let relocations = |program: &Path| {
            output(Command::new("readelf").arg("-rW").arg(program)).map_or_else(
                |_| "not counted (no readelf)".to_owned(),
                |text| {
                    text.lines()
                        .filter(|l| l.contains("_RELATIVE"))
                        .count()
                        .to_string()
                },
            )
        };
        let (shipped_relocations, fixed_relocations) =
            (relocations(&bin), relocations(&position_dependent));

        // 3. Token requests of a DPoP app (`--dpop auto`): its first run ever, then a cold run
        // after it (other scopes, so no cached token) that starts from the saved hint and nonce.
        let hints = path(&dir.join("hint-tokens.json"));
        let posts = |scopes: &str| -> Result<usize> {
            let o = token(
                &ids[1],
                &ec_key,
                &["-v", "--scopes", scopes, "--token-cache", &hints],
            )
            .output()?;
            if !o.status.success() {
                bail!("okta-oauth token: {}", String::from_utf8_lossy(&o.stderr));
            }
            Ok(token_posts(&o.stderr))
        };
        let first_posts = posts("okta.users.read")?;
        let later_posts = posts("okta.apps.read")?;

        let (reuse_runs, reuse_tokens, reuse_time) = token_reuse(&cli, &ids[1], &ec_key, &dir)?;

        // 6. A fleet: 8 hosts (own state folders, so own cache files), 1 000 runs in all, with
        // and without a shared Redis; then a Redis hit against a file hit.
        let redis = Redis::start(&dir)?;
        let fleet = |shared: Option<&str>, name: &str| -> Result<usize> {
            let runs: Vec<std::thread::JoinHandle<Result<usize>>> = (0..FLEET_HOSTS)
                .map(|h| {
                    let host = dir.join(format!("{name}-{h}"));
                    let mut base = token(&ids[0], &ec_key, &["-v"]);
                    base.env("XDG_STATE_HOME", &host);
                    if let Some(url) = shared {
                        base.env("OKTA_CLIENT_CACHE", url);
                    }
                    let (program, args, envs) = command_parts(&base);
                    std::thread::spawn(move || {
                        let mut tokens = 0;
                        for _ in 0..FLEET_RUNS / FLEET_HOSTS {
                            let mut c = Command::new(&program);
                            c.args(&args);
                            for (k, v) in &envs {
                                c.env(k, v);
                            }
                            let o = c.output()?;
                            if !o.status.success() {
                                bail!("okta-oauth token: {}", String::from_utf8_lossy(&o.stderr));
                            }
                            tokens += String::from_utf8_lossy(&o.stderr)
                                .lines()
                                .filter(|l| {
                                    l.contains("/oauth2/v1/token ") && l.contains("-> 200 ")
                                })
                                .count();
                        }
                        Ok(tokens)
                    })
                })
                .collect();
            let mut total = 0;
            for r in runs {
                total += r
                    .join()
                    .map_err(|_| anyhow::anyhow!("a host thread panicked"))??;
            }
            Ok(total)
        };
        let fleet_files = fleet(None, "fleet-files")?;
        let fleet_redis = fleet(Some(&redis.url), "fleet-redis")?;
        let file_hit = path(&dir.join("hit-tokens.json"));
        out(&[
            "token",
            "--client-id",
            &ids[0],
            "--private-key",
            &ec_key,
            "--token-cache",
            &file_hit,
        ])?;
        let redis_vs_file = pair(
            RUNS,
            || {
                let mut c = no_cache(&ids[0], &ec_key, &[]);
                c.env("OKTA_CLIENT_CACHE", &redis.url);
                c
            },
            || {
                let mut c = token(&ids[0], &ec_key, &[]);
                c.args(["--token-cache", &file_hit]);
                c
            },
        )?;
        drop(redis);

        // 2. The 100 000-user listing against one keep-alive curl fetching the same pages.
        let first = format!("{url}/api/v1/users?limit=200");
        let urls = page_urls(&first, &ssws)?;
        let curl_config = dir.join("curl-pages.conf");
        let mut conf = format!("header = \"Authorization: SSWS {ssws}\"\nsilent\n");
        for u in &urls {
            conf.push_str(&format!("url = \"{u}\"\noutput = \"/dev/null\"\n"));
        }
        std::fs::write(&curl_config, conf)?;
        let curl = || {
            let mut c = Command::new("curl");
            c.arg("-K").arg(&curl_config);
            c
        };
        let list = |id: &str| {
            let mut c = cli(&[
                "api",
                "GET",
                "/api/v1/users?limit=200",
                "--all",
                "--client-id",
                id,
                "--private-key",
                &ec_key,
                "--token-cache",
                &cache,
            ]);
            c.env("OKTA_CLIENT_SCOPES", "okta.users.read");
            c
        };
        const LIST_RUNS: usize = 7;
        let list_bearer = pair(LIST_RUNS, || list(&ids[0]), curl)?;
        let list_dpop = pair(LIST_RUNS, || list(&ids[1]), curl)?;
        let (_, list_kib) = peak(list(&ids[1]))?;

        // 3. The bridge: the same pages through `proxy` (the org's links rewritten to it, as a
        // program following them asks for them) against `api --all` with the DPoP app.
        let bridge = Bridge::start(
            cli(&[
                "proxy",
                "--client-id",
                &ids[1],
                "--private-key",
                &ec_key,
                "--token-cache",
                &cache,
                "--secret-file",
                &path(&dir.join("bridge.secret")),
            ]),
            &dir.join("bridge.secret"),
            None,
        )?;
        let bridged_config = dir.join("curl-bridged.conf");
        let mut conf = format!(
            "header = \"Authorization: SSWS {}\"\nsilent\nfail\n",
            bridge.secret
        );
        for u in &urls {
            let through = u.replacen(url.as_str(), &bridge.url, 1);
            conf.push_str(&format!("url = \"{through}\"\noutput = \"/dev/null\"\n"));
        }
        std::fs::write(&bridged_config, conf)?;
        let bridged = || {
            let mut c = Command::new("curl");
            c.arg("-K").arg(&bridged_config);
            c
        };
        let list_bridged = pair(LIST_RUNS, bridged, || list(&ids[1]))?;
        let bridge_listing_kib = bridge.peak_kib()?;
        // 1 000 connections at once, held open: the bridge keeps its limit and closes the rest
        // (a caller past the limit is refused until idle ones time out).
        let held: Vec<std::net::TcpStream> = (0..1000)
            .filter_map(|_| {
                std::net::TcpStream::connect(bridge.url.trim_start_matches("http://")).ok()
            })
            .collect();
        std::thread::sleep(Duration::from_millis(500));
        let bridge_held_kib = bridge.peak_kib()?;
        let opened = held.len();
        drop(held);
        drop(bridge);
        // 32 callers at once through a bridge with no token yet: two scope sets (users, apps).
        let log = dir.join("bridge-32.log");
        let bridge = Bridge::start(
            cli(&[
                "proxy",
                "-v",
                "--client-id",
                &ids[1],
                "--private-key",
                &ec_key,
                "--token-cache",
                "none",
                "--secret-file",
                &path(&dir.join("bridge-32.secret")),
            ]),
            &dir.join("bridge-32.secret"),
            Some(&log),
        )?;
        let callers: Vec<std::thread::JoinHandle<Result<bool>>> = (0..32)
            .map(|i| {
                let target = format!(
                    "{}/api/v1/{}?limit=1",
                    bridge.url,
                    if i % 2 == 0 { "users" } else { "apps" }
                );
                let header = format!("Authorization: SSWS {}", bridge.secret);
                std::thread::spawn(move || {
                    Ok(Command::new("curl")
                        .args(["-sf", "-o", "/dev/null", "-H", &header, &target])
                        .status()?
                        .success())
                })
            })
            .collect();
        let mut answered = 0;
        for c in callers {
            answered += usize::from(
                c.join()
                    .map_err(|_| anyhow::anyhow!("a caller panicked"))??,
            );
        }
        drop(bridge);
        let bridge_tokens = token_posts_ok(&std::fs::read(&log)?);

        let met = |ok: bool| if ok { "met" } else { "NOT met" };
        Ok(format!(
            "{BEGIN}\n\n## okta-oauth (written by `cargo xtask bench`, release build with OpenSSL linked {openssl}, local okta-emulator)\n\n\
Each row runs our command and its reference alternately ({RUNS} rounds for single commands, {LIST_RUNS} for listings), \
keeps the ratio of each round, and reports the median ratio with its quartiles; a spread wider than {:.0} % is marked.\n\n\
| measure | ours (median) | reference, same run (median) | ratio (quartiles) | target |\n| --- | ---: | --- | --- | --- |\n\
| cold `token`, RS256 app (RSA 2048 key read from PEM) | {} | cold `token`, ES256 app: {} | {} | ≤ 1.3×: {} |\n\
| cold `token`, ES256 app | {} | `okta-oauth --version`: {} | {} | |\n\
| cold `token --dpop always` (nonce challenge included) | {} | `okta-oauth --version`: {} | {} | |\n\
| cached `token` (from the 0600 cache file) | {} | `true`: {} | {} | ≤ 2.5×: {} |\n\
| `okta-oauth --version` | {} | `true`: {} | {} | |\n\
| cached `token`, the same build as a position-dependent executable (not shipped: its code would have no ASLR) | {} | `true`: {} | {} | ≤ 2.5×: {} |\n\
| relative relocations the loader applies before `main` | {shipped_relocations} | position-dependent build: {fixed_relocations} | | |\n\
| `api GET /api/v1/users --all`, 100 000 users in {} pages, Bearer | {:.2} s | one keep-alive curl, same pages: {:.2} s | {} | ≤ 1.2×: {} |\n\
| the same listing, DPoP (a proof per page) | {:.2} s | the same curl: {:.2} s | {} | ≤ 1.3×: {} |\n\
| peak RSS of that listing (the CLI process alone) | {:.1} MB | | | ≤ 16 MB: {} |\n\
| the same 100 000 users through `proxy`: one keep-alive curl asking for each page the bridge's `Link` names (DPoP app) | {:.2} s | `api --all` with the DPoP app: {:.2} s | {} | ≤ 1.15×: {} |\n\
| peak RSS of `proxy`: after that listing, then with {opened} connections opened at once and held (its limit of 512 kept, the rest closed) | {:.1} MB, then {:.1} MB | | | ≤ 32 MB: {} |\n\
| token requests of 32 callers at once through a new `proxy`, two scope sets (users, apps), {answered} of 32 answered | {bridge_tokens} | | | 1 per scope set: {} |\n\
| token requests of a DPoP app with `--dpop auto`: its first run ever, then a cold run after it | {first_posts}, then {later_posts} | | | ≤ 2 (1 with the saved nonce): {} |\n\
| {reuse_runs} runs of `api GET /api/v1/users?limit=1` (DPoP app, new cache file) | {reuse_tokens} token request(s), {} a run | | | 1 token request: {} |\n\
| token requests per {FLEET_RUNS} `token` runs across {FLEET_HOSTS} hosts (own cache files, run side by side), sharing one Redis | {fleet_redis} | the same without Redis: {fleet_files} | | 1 per fleet: {} |\n\
| `token` served by Redis (`--token-cache none`, local `redis-server`) | {} | served by the cache file: {} | {} | |\n\n{END}",
            MAX_SPREAD * 100.0,
            ms(rs_vs_es.ours),
            ms(rs_vs_es.reference),
            rs_vs_es.cell(),
            rs_vs_es.verdict(1.3),
            ms(es_vs_version.ours),
            ms(es_vs_version.reference),
            es_vs_version.cell(),
            ms(dpop_vs_version.ours),
            ms(dpop_vs_version.reference),
            dpop_vs_version.cell(),
            ms(cached_vs_true.ours),
            ms(cached_vs_true.reference),
            cached_vs_true.cell(),
            cached_vs_true.verdict(2.5),
            ms(version_vs_true.ours),
            ms(version_vs_true.reference),
            version_vs_true.cell(),
            ms(fixed_vs_true.ours),
            ms(fixed_vs_true.reference),
            fixed_vs_true.cell(),
            fixed_vs_true.verdict(2.5),
            urls.len(),
            list_bearer.ours.as_secs_f64(),
            list_bearer.reference.as_secs_f64(),
            list_bearer.cell(),
            list_bearer.verdict(1.2),
            list_dpop.ours.as_secs_f64(),
            list_dpop.reference.as_secs_f64(),
            list_dpop.cell(),
            list_dpop.verdict(1.3),
            list_kib as f64 / 1024.0,
            met(list_kib <= 16 * 1024),
            list_bridged.ours.as_secs_f64(),
            list_bridged.reference.as_secs_f64(),
            list_bridged.cell(),
            list_bridged.verdict(1.15),
            bridge_listing_kib as f64 / 1024.0,
            bridge_held_kib as f64 / 1024.0,
            met(bridge_held_kib <= 32 * 1024),
            met(bridge_tokens == 2 && answered == 32),
            met(later_posts <= 1 && first_posts <= 3),
            ms(reuse_time),
            met(reuse_tokens == 1),
            met(fleet_redis == 1),
            ms(redis_vs_file.ours),
            ms(redis_vs_file.reference),
            redis_vs_file.cell(),
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
    if all {
        run(crate::cargo().args(["bench", "--workspace", "--locked"]))?;
    } else {
        // The emulator's own time for a 200-user page, before (serde_json::Value) and after
        // (the direct writer), paired in one run.
        run(crate::cargo().args([
            "bench",
            "-p",
            "okta-emulator",
            "--bench",
            "emulator",
            "--locked",
            "--",
            "pages",
        ]))?;
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

/// Hosts, and runs across them, of the fleet figure.
const FLEET_HOSTS: usize = 8;
const FLEET_RUNS: usize = 1000;

/// A command's program, arguments and environment, to make it again on another thread.
type Parts = (
    std::ffi::OsString,
    Vec<std::ffi::OsString>,
    Vec<(std::ffi::OsString, std::ffi::OsString)>,
);

fn command_parts(c: &Command) -> Parts {
    (
        c.get_program().to_owned(),
        c.get_args().map(ToOwned::to_owned).collect(),
        c.get_envs()
            .filter_map(|(k, v)| Some((k.to_owned(), v?.to_owned())))
            .collect(),
    )
}

/// Debian's `redis-server` on a free loopback port, without persistence, stopped when dropped.
struct Redis {
    child: std::process::Child,
    url: String,
}

impl Redis {
    fn start(dir: &Path) -> Result<Redis> {
        let port = std::net::TcpListener::bind("127.0.0.1:0")?
            .local_addr()?
            .port();
        let child = Command::new("redis-server")
            .args([
                "--port",
                &port.to_string(),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ])
            .current_dir(dir)
            .stdout(Stdio::null())
            .spawn()
            .context(
                "redis-server (Debian's redis-server package) is needed for the fleet figures",
            )?;
        let redis = Redis {
            child,
            url: format!("redis://127.0.0.1:{port}/0"),
        };
        let deadline = Instant::now() + Duration::from_secs(10);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            if Instant::now() > deadline {
                bail!("redis-server did not start");
            }
            std::thread::sleep(Duration::from_millis(20));
        }
        Ok(redis)
    }
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
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

#[cfg(test)]
mod tests {
    use super::*;

    fn pair(ratios: &[f64]) -> Pair {
        Pair {
            ours: Duration::ZERO,
            reference: Duration::ZERO,
            ratios: ratios.to_vec(),
        }
    }

    #[test]
    fn a_verdict_only_from_rounds_that_agree() {
        // Quartiles 2.30–2.40 around a median of 2.35: a 4 % spread, judged.
        let tight = pair(&[2.30, 2.30, 2.35, 2.40, 2.40]);
        assert_eq!(tight.verdict(2.5), "met");
        assert_eq!(tight.verdict(2.0), "NOT met");
        // Quartiles 1.2–3.1 around 1.9 (a loaded machine): no verdict, whatever the target.
        let loaded = pair(&[1.2, 1.2, 1.9, 3.1, 3.1]);
        assert!(
            loaded.cell().ends_with("too wide to trust"),
            "{}",
            loaded.cell()
        );
        assert_eq!(loaded.verdict(2.5), "not judged (too noisy)");
        assert_eq!(loaded.verdict(1.0), "not judged (too noisy)");
    }
}
