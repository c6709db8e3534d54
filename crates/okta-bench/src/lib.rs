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
    /// The ratio of each round of ours to the round of the reference beside it (paired), in
    /// the order measured; empty when the reference was measured apart.
    pub pairs: Vec<f64>,
}

/// Above this spread (the interquartile range of the paired ratios over their median) a figure
/// is reported as too noisy to trust.
pub const MAX_SPREAD: f64 = 0.15;

impl Row {
    /// Ours over the reference: the median of the paired ratios, or of the medians when the
    /// reference was measured apart.
    pub fn ratio(&self) -> f64 {
        if !self.pairs.is_empty() {
            return median(self.pairs.clone());
        }
        if self.reference > 0.0 {
            self.ours / self.reference
        } else {
            f64::NAN
        }
    }

    /// The first and third quartiles of the paired ratios (`None` without pairs).
    pub fn spread(&self) -> Option<(f64, f64)> {
        quartiles(&self.pairs)
    }

    /// Whether the pairs agree well enough for the ratio to mean something.
    pub fn trustworthy(&self) -> bool {
        match self.spread() {
            Some((low, high)) => (high - low) / self.ratio() <= MAX_SPREAD,
            None => false,
        }
    }
}

/// The first and third quartiles (nearest rank), `None` for fewer than two values.
pub fn quartiles(values: &[f64]) -> Option<(f64, f64)> {
    if values.len() < 2 {
        return None;
    }
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let at = |q: f64| v[((v.len() - 1) as f64 * q).round() as usize];
    Some((at(0.25), at(0.75)))
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

/// Measures `ours` and `reference` in alternating rounds, each round of ours paired with the
/// reference's round beside it (the order alternates too, so neither always runs first).
pub fn compare<A, B>(
    name: &str,
    mut ours: impl FnMut() -> A,
    reference_name: &str,
    mut reference: impl FnMut() -> B,
) -> Row {
    let (rounds, time) = settings();
    // One warm-up round each.
    rate(&mut reference, time / 4);
    compare_with(
        name,
        ours_rounds(&mut ours),
        reference_name,
        |t| rate(&mut reference, t),
        rounds,
        time,
    )
}

fn ours_rounds<A>(ours: &mut impl FnMut() -> A) -> impl FnMut(Duration) -> f64 + '_ {
    rate(ours, Duration::from_millis(50));
    move |t| rate(ours, t)
}

/// [`compare`] with rounds measured by the callers: each returns operations per second over
/// about the time it is given.
fn compare_with(
    name: &str,
    mut ours: impl FnMut(Duration) -> f64,
    reference_name: &str,
    mut reference: impl FnMut(Duration) -> f64,
    rounds: usize,
    time: Duration,
) -> Row {
    let (mut a, mut b, mut pairs) = (Vec::new(), Vec::new(), Vec::new());
    for round in 0..rounds {
        let (x, y) = if round % 2 == 0 {
            let x = ours(time);
            (x, reference(time))
        } else {
            let y = reference(time);
            (ours(time), y)
        };
        a.push(x);
        b.push(y);
        if y > 0.0 {
            pairs.push(x / y);
        }
    }
    Row {
        name: name.to_owned(),
        ours: median(a),
        reference_name: reference_name.to_owned(),
        reference: median(b),
        pairs,
    }
}

/// Measures `ours` paired round by round with `openssl speed -seconds 1 ALG`'s sign rate (a
/// process of its own, one core), each of our rounds one second too. `None` when the command is
/// missing or says something unexpected.
pub fn against_openssl<A>(name: &str, mut ours: impl FnMut() -> A, alg: &str) -> Option<Row> {
    let (rounds, _) = settings();
    openssl_round(alg)?;
    let mut failed = false;
    let row = compare_with(
        name,
        ours_rounds(&mut ours),
        &format!("`openssl speed {alg}` sign"),
        |_| {
            let rate = openssl_round(alg);
            failed |= rate.is_none();
            rate.unwrap_or(0.0)
        },
        rounds.min(7),
        Duration::from_secs(1),
    );
    (!failed).then_some(row)
}

/// One `openssl speed -seconds 1` run's sign rate.
fn openssl_round(alg: &str) -> Option<f64> {
    let out = Command::new("openssl")
        .args(["speed", "-mr", "-seconds", "1", alg])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    // OpenSSL 3: "+F2:<index>:<bits>:<sign/s>:<verify/s>" (RSA), "+F4:…" (ECDSA).
    let line = text
        .lines()
        .find(|l| l.starts_with("+F2:") || l.starts_with("+F4:"))?;
    line.split(':').nth(3)?.parse().ok()
}

/// Measures `ours` alone, against a fixed reference rate taken elsewhere in the same run (no
/// pairs: [`Row::trustworthy`] is false).
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
        pairs: Vec::new(),
    }
}

/// Prints rows as a Markdown table, with a target column where one is given.
pub fn print_table(title: &str, rows: &[(Row, Option<f64>)]) {
    println!("\n### {title}\n");
    println!(
        "| operation | ops/s | reference | ref ops/s | ratio (paired median) | spread (quartiles) | target |"
    );
    println!("| --- | ---: | --- | ---: | ---: | --- | --- |");
    let mut noisy = 0;
    for (row, target) in rows {
        let target = match target {
            Some(t) if row.ratio() >= *t => format!("≥ {:.0} % met", t * 100.0),
            Some(t) => format!("≥ {:.0} % NOT met", t * 100.0),
            None => String::new(),
        };
        let spread = match row.spread() {
            Some((low, high)) if row.trustworthy() => {
                format!("{:.1}–{:.1} %", low * 100.0, high * 100.0)
            }
            Some((low, high)) => {
                noisy += 1;
                format!("{:.1}–{:.1} % too wide to trust", low * 100.0, high * 100.0)
            }
            None => "not paired".to_owned(),
        };
        println!(
            "| {} | {:.0} | {} | {:.0} | {:.1} % | {} | {} |",
            row.name,
            row.ours,
            row.reference_name,
            row.reference,
            row.ratio() * 100.0,
            spread,
            target
        );
    }
    if noisy > 0 {
        println!(
            "\n{noisy} figure(s) varied by more than {:.0} % between rounds: the machine was busy; run again before trusting them.",
            MAX_SPREAD * 100.0
        );
    }
}
