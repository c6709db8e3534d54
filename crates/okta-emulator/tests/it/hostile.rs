//! Clients that try to take the emulator down: a declared body of 100 GB, a body dribbled a byte
//! at a time, a thousand idle connections, `Content-Length` beside `Transfer-Encoding`.
//!
//! Where memory is measured, the emulator runs as its own process (its binary) so its resident
//! size is its own; each test checks that it still answers afterwards.

use std::io::{BufRead as _, Read as _, Write as _};
use std::net::TcpStream;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const BIN: &str = env!("CARGO_BIN_EXE_okta-emulator");

/// The emulator binary, killed when the test ends.
struct Process {
    child: std::process::Child,
    port: u16,
    /// Kept open: the emulator prints its token line after the URL.
    _stdout: std::io::Lines<std::io::BufReader<std::process::ChildStdout>>,
}

impl Process {
    fn start(args: &[&str]) -> Process {
        let mut child = Command::new(BIN)
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
        let first = lines.next().unwrap().unwrap();
        let port = first
            .rsplit(':')
            .next()
            .and_then(|p| p.parse().ok())
            .unwrap_or_else(|| panic!("no port in {first:?}"));
        Process {
            child,
            port,
            _stdout: lines,
        }
    }

    /// A `/proc/PID/status` figure in kB: `VmRSS` now, `VmHWM` the peak.
    fn status_kb(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id())).unwrap();
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("no {field} in /proc/PID/status"))
    }

    fn open_fds(&self) -> usize {
        std::fs::read_dir(format!("/proc/{}/fd", self.child.id()))
            .map(|d| d.count())
            .unwrap_or(0)
    }

    fn alive(&mut self) -> bool {
        self.child.try_wait().unwrap().is_none()
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }
}

impl Drop for Process {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Sends `request` on a new connection and reads until the server closes it (or `within`).
fn exchange(port: u16, request: &[u8], within: Duration) -> String {
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream.set_read_timeout(Some(within)).unwrap();
    stream.write_all(request).unwrap();
    let mut got = Vec::new();
    let _ = stream.read_to_end(&mut got);
    String::from_utf8_lossy(&got).into_owned()
}

fn probe(url: &str) -> u16 {
    crate::get(&format!("{url}/.well-known/openid-configuration"), &[]).status
}

#[test]
fn a_declared_body_of_100_gb_gets_413_and_costs_no_memory() {
    let mut org = Process::start(&[]);
    let mut stream = TcpStream::connect(("127.0.0.1", org.port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(
            b"POST /oauth2/v1/token HTTP/1.1\r\nHost: x\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 99999999999\r\n\r\n",
        )
        .unwrap();
    // More than the 1 MiB cap of a body: tiny_http, on dropping such a request, allocated the
    // 100 GB remainder and the process aborted.
    let _ = stream.write_all(&vec![b'a'; 2 * 1024 * 1024]);
    let mut got = Vec::new();
    let _ = stream.read_to_end(&mut got);
    let got = String::from_utf8_lossy(&got);
    assert!(got.starts_with("HTTP/1.1 413 "), "{got}");
    assert!(got.contains("E0000003"), "Okta's error body: {got}");
    assert!(got.contains("Connection: close"), "{got}");
    assert!(org.alive(), "the emulator survived");
    assert_eq!(probe(&org.url()), 200);
    let peak = org.status_kb("VmHWM");
    assert!(peak < 64 * 1024, "peak resident size {peak} kB");
}

#[test]
fn a_chunked_body_past_the_cap_is_refused_as_it_arrives() {
    let org = Process::start(&[]);
    let mut stream = TcpStream::connect(("127.0.0.1", org.port)).unwrap();
    stream
        .write_all(
            b"POST /oauth2/v1/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n",
        )
        .unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    // 2 MiB in 64 KiB chunks: past the 1 MiB cap, the server answers and stops reading.
    let chunk = vec![b'a'; 64 * 1024];
    for _ in 0..32 {
        if stream
            .write_all(format!("{:x}\r\n", chunk.len()).as_bytes())
            .and_then(|()| stream.write_all(&chunk))
            .and_then(|()| stream.write_all(b"\r\n"))
            .is_err()
        {
            break;
        }
    }
    let mut got = Vec::new();
    let _ = stream.read_to_end(&mut got);
    let got = String::from_utf8_lossy(&got);
    assert!(got.starts_with("HTTP/1.1 413 "), "{got}");
    assert_eq!(probe(&org.url()), 200);
}

#[test]
fn content_length_beside_transfer_encoding_is_refused_and_nothing_is_smuggled() {
    let org = okta_emulator::Emulator::start(okta_emulator::Config::default()).unwrap();
    let port: u16 = org.url().rsplit(':').next().unwrap().parse().unwrap();
    // The classic CL.TE shape: a front end honouring Content-Length would see one request, one
    // honouring Transfer-Encoding two; the emulator answers neither and closes.
    for request in [
        &b"POST /oauth2/v1/token HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\n\
           Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /oauth2/v1/keys HTTP/1.1\r\nHost: x\r\n\r\n"[..],
        b"POST /oauth2/v1/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\
          Content-Length: 49\r\n\r\n0\r\n\r\nGET /oauth2/v1/keys HTTP/1.1\r\nHost: x\r\n\r\n",
    ] {
        let got = exchange(port, request, Duration::from_secs(10));
        assert!(got.starts_with("HTTP/1.1 400 "), "{got}");
        assert!(
            got.contains("Content-Length and Transfer-Encoding must not be sent together."),
            "{got}"
        );
        assert_eq!(
            got.matches("HTTP/1.1 ").count(),
            1,
            "one answer, none for the smuggled request: {got}"
        );
    }
    assert!(
        org.events().iter().all(|e| e.path != "/oauth2/v1/keys"),
        "the smuggled request never reached a handler"
    );
    // A transfer coding the server does not know is refused too, rather than guessed at.
    let got = exchange(
        port,
        b"POST /oauth2/v1/token HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: gzip\r\n\r\n",
        Duration::from_secs(10),
    );
    assert!(got.starts_with("HTTP/1.1 501 "), "{got}");
}

#[test]
fn honest_framings_still_work_chunked_pipelined_and_expect_continue() {
    let org = okta_emulator::Emulator::start(okta_emulator::Config::default()).unwrap();
    let port: u16 = org.url().rsplit(':').next().unwrap().parse().unwrap();
    // A chunked form reaches the token endpoint whole: its grant type is read, so the error is
    // about the missing client, not the body.
    let got = exchange(
        port,
        b"POST /oauth2/v1/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
          Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\n\
          b\r\ngrant_type=\r\n12\r\nclient_credentials\r\n0\r\n\r\n",
        Duration::from_secs(10),
    );
    assert!(got.starts_with("HTTP/1.1 401 "), "{got}");
    assert!(got.contains("invalid_client"), "{got}");
    // Two requests in one write get two answers, in order, on the one connection.
    let got = exchange(
        port,
        b"GET /oauth2/v1/keys HTTP/1.1\r\nHost: x\r\n\r\n\
          GET /nope HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        Duration::from_secs(10),
    );
    let first = got.find("HTTP/1.1 200 ").expect("the keys");
    let second = got.find("HTTP/1.1 404 ").expect("the 404");
    assert!(first < second, "{got}");
    // `Expect: 100-continue` (curl sends it for bodies over 1 KiB) gets its interim answer.
    let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    stream
        .write_all(
            b"POST /oauth2/v1/token HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\
              Content-Type: application/x-www-form-urlencoded\r\n\
              Content-Length: 29\r\nExpect: 100-continue\r\n\r\n",
        )
        .unwrap();
    let mut interim = [0u8; 25];
    stream.read_exact(&mut interim).unwrap();
    assert_eq!(&interim, b"HTTP/1.1 100 Continue\r\n\r\n");
    stream.write_all(b"grant_type=client_credentials").unwrap();
    let mut got = String::new();
    let _ = stream.read_to_string(&mut got);
    assert!(got.starts_with("HTTP/1.1 401 "), "{got}");
}

#[test]
fn a_dribbled_body_or_head_is_cut_off_at_the_request_timeout() {
    let config = {
        let mut config = okta_emulator::Config::default();
        config.limits = okta_emulator::ServerLimits {
            request_timeout: Duration::from_secs(1),
            ..Default::default()
        };
        config
    };
    let org = okta_emulator::Emulator::start(config).unwrap();
    let port: u16 = org.url().rsplit(':').next().unwrap().parse().unwrap();
    for (start, dribble) in [
        (
            &b"POST /oauth2/v1/token HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n"[..],
            b'a',
        ),
        (&b"GET /oauth2/v1/keys HTTP/1.1\r\nX-Pad: "[..], b'p'),
    ] {
        let mut stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream.write_all(start).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_millis(50)))
            .unwrap();
        let began = Instant::now();
        let mut got = Vec::new();
        // A byte every 50 ms would hold the connection for 50 s; the server answers long before.
        while began.elapsed() < Duration::from_secs(20) {
            if stream.write_all(&[dribble]).is_err() {
                break;
            }
            let mut buf = [0u8; 4096];
            match stream.read(&mut buf) {
                Ok(0) => break,
                Ok(n) => got.extend_from_slice(&buf[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {}
                Err(e) if e.kind() == std::io::ErrorKind::TimedOut => {}
                Err(_) => break,
            }
            if got.ends_with(b"}") {
                break;
            }
        }
        let got = String::from_utf8_lossy(&got);
        assert!(got.starts_with("HTTP/1.1 408 "), "{got}");
        assert!(got.contains("The request timed out."), "{got}");
    }
    assert_eq!(probe(org.url()), 200);
}

/// Raises this process's soft limit on open files towards `want` (the emulator inherits it), as
/// far as the hard limit allows: a thousand connections need about 1 100 descriptors on each side.
fn ensure_open_files(want: u64) {
    const NEED: u64 = 1100;
    let limits = std::fs::read_to_string("/proc/self/limits").unwrap();
    let (soft, hard) = limits
        .lines()
        .find(|l| l.starts_with("Max open files"))
        .map(|l| {
            let f: Vec<&str> = l.split_whitespace().collect();
            let num = |i: usize| f.get(i).and_then(|v| v.parse().ok()).unwrap_or(u64::MAX);
            (num(3), num(4))
        })
        .unwrap_or((0, 0));
    let target = want.min(hard);
    if soft >= target {
        return;
    }
    let status = Command::new("prlimit")
        .args([
            "--pid",
            &std::process::id().to_string(),
            &format!("--nofile={target}:"),
        ])
        .status();
    assert!(
        target >= NEED && matches!(status, Ok(s) if s.success()),
        "the limit on open files is {soft} (hard {hard}); this test needs {NEED} (prlimit: {status:?})"
    );
}

#[test]
fn a_thousand_idle_connections_cost_little_and_the_org_keeps_answering() {
    ensure_open_files(4096);
    let mut org = Process::start(&[]);
    let before = org.status_kb("VmRSS");
    let mut idle = Vec::with_capacity(1000);
    for i in 0..1000 {
        let mut stream = TcpStream::connect(("127.0.0.1", org.port)).unwrap();
        // Half say nothing; half start a head and stop (the slowloris shape).
        if i % 2 == 1 {
            stream
                .write_all(b"GET /api/v1/users HTTP/1.1\r\nHost: x\r\n")
                .unwrap();
        }
        idle.push(stream);
    }
    // Every connection accepted (not just queued by the kernel): the emulator holds a descriptor
    // for each.
    let began = Instant::now();
    while org.open_fds() < 1000 && began.elapsed() < Duration::from_secs(30) {
        std::thread::sleep(Duration::from_millis(20));
    }
    assert!(org.open_fds() >= 1000, "{} descriptors", org.open_fds());
    for _ in 0..20 {
        assert_eq!(
            probe(&org.url()),
            200,
            "answers beside 1000 idle connections"
        );
    }
    let with_idle = org.status_kb("VmRSS");
    assert!(
        with_idle < 64 * 1024,
        "resident size {with_idle} kB with 1000 idle connections (was {before} kB)"
    );
    let threads = org.status_kb("Threads");
    assert!(threads < 100, "{threads} threads");
    assert!(org.alive());
    drop(idle);
}

/// Issue 28: every request appended an event that the command line's org never read or cleared
/// (about 423 bytes a request, 0.4 GB a million). The org a person runs keeps none: its
/// resident size after 20 000 more requests stays where it was.
#[test]
fn a_long_run_keeps_no_request_log() {
    let p = Process::start(&["--users", "1"]);
    let agent = crate::agent();
    let url = format!("{}/oauth2/v1/keys", p.url());
    let burst = |n: usize| {
        for _ in 0..n {
            let got = crate::collect(agent.get(&url).call());
            assert_eq!(got.status, 200);
        }
    };
    // Warm up: the allocator's arenas and the connection are in place before measuring.
    burst(2_000);
    let before = p.status_kb("VmRSS");
    burst(20_000);
    let after = p.status_kb("VmRSS");
    // Unbounded, 20 000 events held several megabytes; bounded, nothing is kept.
    assert!(
        after < before + 2_048,
        "resident size grew from {before} kB to {after} kB over 20 000 requests"
    );
}

/// A library org keeps the latest `Config::event_log` requests, oldest forgotten first.
#[test]
fn the_event_log_keeps_the_latest_requests() {
    let mut config = okta_emulator::Config::default();
    config.event_log = 100;
    let org = okta_emulator::Emulator::start(config).unwrap();
    for i in 0..250 {
        crate::get(&format!("{}/api/v1/nothing-{i}", org.url()), &[]);
    }
    let events = org.events();
    assert_eq!(events.len(), 100);
    assert_eq!(events[0].path, "/api/v1/nothing-150");
    assert_eq!(events[99].path, "/api/v1/nothing-249");
}
