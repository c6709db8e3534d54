//! Measuring for the workspace's benchmarks: each figure is taken beside its reference in the
//! same run, in interleaved rounds, and reported as medians and a ratio, because the machines
//! are shared and noisy.
//!
//! ```
//! let row = okta_bench::compare("sum", || (0..100u64).sum::<u64>(), "sum again", || (0..100u64).sum::<u64>());
//! assert!(row.ours > 0.0 && row.reference > 0.0);
//! ```

#![allow(clippy::print_stdout, reason = "benchmarks report on stdout")]

use std::hint::black_box;
use std::process::Command;
use std::time::{Duration, Instant};

/// One line of a report: our rate beside the reference's.
#[derive(Debug, Clone)]
pub struct Row {
    /// What we measured.
    pub name: String,
    /// Median operations per second of ours.
    pub ours: f64,
    /// What the reference is.
    pub reference_name: String,
    /// Median operations per second of the reference.
    pub reference: f64,
}

impl Row {
    /// Ours divided by the reference.
    pub fn ratio(&self) -> f64 {
        if self.reference > 0.0 {
            self.ours / self.reference
        } else {
            f64::NAN
        }
    }
}

/// Rounds and time per round, from `OKTA_BENCH_ROUNDS` and `OKTA_BENCH_MS` (defaults 7 × 300 ms).
fn settings() -> (usize, Duration) {
    let num = |name: &str, default: u64| {
        std::env::var(name)
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(default)
    };
    let rounds = usize::try_from(num("OKTA_BENCH_ROUNDS", 7))
        .unwrap_or(7)
        .max(1);
    (rounds, Duration::from_millis(num("OKTA_BENCH_MS", 300)))
}

/// Operations per second of `f` over about `time`.
fn rate<T>(f: &mut impl FnMut() -> T, time: Duration) -> f64 {
    let start = Instant::now();
    let mut n = 0u64;
    while start.elapsed() < time {
        black_box(f());
        n += 1;
    }
    n as f64 / start.elapsed().as_secs_f64()
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(0.0)
}

/// Measures `ours` and `reference` in alternating rounds and returns their medians.
pub fn compare<A, B>(
    name: &str,
    mut ours: impl FnMut() -> A,
    reference_name: &str,
    mut reference: impl FnMut() -> B,
) -> Row {
    let (rounds, time) = settings();
    // One warm-up round each.
    rate(&mut ours, time / 4);
    rate(&mut reference, time / 4);
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..rounds {
        a.push(rate(&mut ours, time));
        b.push(rate(&mut reference, time));
    }
    Row {
        name: name.to_owned(),
        ours: median(a),
        reference_name: reference_name.to_owned(),
        reference: median(b),
    }
}

/// Measures `ours` alone, against a fixed reference rate taken elsewhere in the same run.
pub fn against<A>(
    name: &str,
    mut ours: impl FnMut() -> A,
    reference_name: &str,
    reference: f64,
) -> Row {
    let (rounds, time) = settings();
    rate(&mut ours, time / 4);
    let a = (0..rounds).map(|_| rate(&mut ours, time)).collect();
    Row {
        name: name.to_owned(),
        ours: median(a),
        reference_name: reference_name.to_owned(),
        reference,
    }
}

/// `openssl speed` sign and verify rates for one algorithm (`rsa2048`, `ecdsap256`), one core.
/// `None` when the command is missing or says something unexpected.
pub fn openssl_speed(alg: &str) -> Option<(f64, f64)> {
    let (rounds, time) = settings();
    let secs = time.as_secs().max(1).to_string();
    let mut best: Vec<(f64, f64)> = Vec::new();
    for _ in 0..rounds.min(3) {
        let out = Command::new("openssl")
            .args(["speed", "-mr", "-seconds", &secs, alg])
            .output()
            .ok()?;
        let text = String::from_utf8_lossy(&out.stdout);
        // OpenSSL 3: "+F2:<index>:<bits>:<sign/s>:<verify/s>" (RSA), "+F4:…" (ECDSA).
        let line = text
            .lines()
            .find(|l| l.starts_with("+F2:") || l.starts_with("+F4:"))?;
        let f: Vec<&str> = line.split(':').collect();
        best.push((f.get(3)?.parse().ok()?, f.get(4)?.parse().ok()?));
    }
    Some((
        median(best.iter().map(|b| b.0).collect()),
        median(best.iter().map(|b| b.1).collect()),
    ))
}

/// Prints rows as a Markdown table, with a target column where one is given.
pub fn print_table(title: &str, rows: &[(Row, Option<f64>)]) {
    println!("\n### {title}\n");
    println!("| operation | ops/s | reference | ref ops/s | ratio | target |");
    println!("| --- | ---: | --- | ---: | ---: | --- |");
    for (row, target) in rows {
        let target = match target {
            Some(t) if row.ratio() >= *t => format!("≥ {:.0} % met", t * 100.0),
            Some(t) => format!("≥ {:.0} % NOT met", t * 100.0),
            None => String::new(),
        };
        println!(
            "| {} | {:.0} | {} | {:.0} | {:.1} % | {} |",
            row.name,
            row.ours,
            row.reference_name,
            row.reference,
            row.ratio() * 100.0,
            target
        );
    }
}
