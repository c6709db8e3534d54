//! Every command line the tool prints as advice runs exactly as printed. [`suggestions`] finds
//! them in what a run printed: a line of its own, indented (`  okta-oauth api GET …`), a command
//! in backquotes, or one after a colon (`Assign one: okta-oauth role assign …`). Every run of
//! the suite is checked for placeholders in them ([`no_placeholders`]), and the journey of a new
//! user runs each one it meets, as printed: quickstart, the local org started again, `api`,
//! `quickstart --user`, `login`, `api --user`, the org restarted, and back — never typing
//! `--org` or a key path.

use std::io::BufRead as _;
use std::path::Path;
use std::process::{Child, Command, Stdio};

use serde_json::Value;

use crate::{BIN, ok, tmp};

/// The command lines in `text` that start with `okta-oauth`, as printed (without the program
/// name's own quoting: a line is cut at a closing backquote, or at ` (` after a colon form).
pub(crate) fn suggestions(text: &str) -> Vec<String> {
    let mut found = Vec::new();
    for line in text.lines() {
        let trimmed = line.trim_start();
        // Syntax, not advice: clap's usage lines.
        if trimmed.starts_with("Usage:") || line.contains("[OPTIONS]") {
            continue;
        }
        if trimmed.len() < line.len() && trimmed.starts_with("okta-oauth ") {
            found.push(trimmed.trim_end().to_owned());
            continue;
        }
        let mut rest = line;
        while let Some(at) = rest.find("`okta-oauth ") {
            let after = &rest[at + 1..];
            let end = after.find('`').unwrap_or(after.len());
            found.push(after[..end].to_owned());
            rest = &after[end..];
            rest = rest.strip_prefix('`').unwrap_or(rest);
        }
        if let Some(at) = line.find(": okta-oauth ") {
            let after = &line[at + 2..];
            let end = after.find(" (").unwrap_or(after.len());
            found.push(after[..end].trim_end_matches(['.', ',']).to_owned());
        }
    }
    found
}

/// Words that stand for something the reader must fill in: advice that holds one does not run
/// as printed.
const PLACEHOLDERS: &[&str] = &[
    "LOGIN", "NAME", "WORD", "LABEL", "FILE", "URL", "CLIENT", "ROLE", "ID", "PORT", "SET",
    "SCOPE", "KID", "DIR", "VALUE", "PATH", "APP",
];

/// Fails when a suggestion in `text` holds a placeholder (`LOGIN`, `<…>`, `…`).
pub(crate) fn no_placeholders(text: &str) {
    for line in suggestions(text) {
        let words = shell_words(&line);
        for word in &words {
            let bare = word.trim_matches(|c: char| !c.is_ascii_alphanumeric() && c != '_');
            assert!(
                !PLACEHOLDERS.contains(&bare)
                    && !word.contains('<')
                    && !word.contains('…')
                    && !word.contains("..."),
                "advice that cannot run as printed ({word:?} stands for something): {line}\nin: {text}"
            );
        }
    }
}

/// A line split as a POSIX shell splits it (single and double quotes, backslash escapes).
pub(crate) fn shell_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut word = String::new();
    let mut in_word = false;
    let mut chars = line.chars();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                in_word = true;
                for q in chars.by_ref() {
                    if q == '\'' {
                        break;
                    }
                    word.push(q);
                }
            }
            '"' => {
                in_word = true;
                while let Some(q) = chars.next() {
                    match q {
                        '"' => break,
                        '\\' => word.extend(chars.next()),
                        q => word.push(q),
                    }
                }
            }
            '\\' => {
                in_word = true;
                word.extend(chars.next());
            }
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut word));
                    in_word = false;
                }
            }
            c => {
                in_word = true;
                word.push(c);
            }
        }
    }
    if in_word {
        words.push(word);
    }
    words
}

/// The environment of one person's machine: their folders, and the built `okta-oauth` first
/// on `PATH`, so a suggestion runs as it would there.
struct Machine {
    env: Vec<(String, String)>,
}

impl Machine {
    fn new(name: &str) -> Machine {
        let home = tmp(name);
        let bin_dir = Path::new(BIN)
            .parent()
            .unwrap()
            .to_str()
            .unwrap()
            .to_owned();
        let path = format!("{bin_dir}:{}", std::env::var("PATH").unwrap_or_default());
        let at = |p: &str| home.join(p).to_str().unwrap().to_owned();
        Machine {
            env: vec![
                ("HOME".into(), at("")),
                ("XDG_CONFIG_HOME".into(), at(".config")),
                ("XDG_STATE_HOME".into(), at(".local/state")),
                ("PATH".into(), path),
            ],
        }
    }

    /// `line` as the shell would run it: program and arguments split from the printed text.
    fn command(&self, line: &str) -> Command {
        let words = shell_words(line);
        assert_eq!(words[0], "okta-oauth", "{line}");
        let mut cmd = Command::new(BIN);
        cmd.args(&words[1..]).env_clear();
        for (k, v) in &self.env {
            cmd.env(k, v);
        }
        cmd
    }

    /// `line` as printed, with no input and its output read here.
    fn piped(&self, line: &str) -> Command {
        let mut cmd = self.command(line);
        cmd.stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        cmd
    }

    /// Runs `line` as printed; what it printed, stdout and stderr together.
    fn run(&self, line: &str) -> String {
        let out = self.piped(line).output().unwrap();
        let said = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        no_placeholders(&said);
        assert!(out.status.success(), "`{line}` failed:\n{said}");
        crate::PRINTED.with(|p| p.borrow_mut().push(said.clone()));
        said
    }

    /// Runs `line` as printed, expecting it to fail; what it printed.
    fn fails(&self, line: &str) -> String {
        let out = self.command(line).stdin(Stdio::null()).output().unwrap();
        let said = String::from_utf8_lossy(&out.stderr).into_owned();
        no_placeholders(&said);
        assert_eq!(out.status.code(), Some(1), "`{line}` did not fail: {said}");
        said
    }

    /// Starts the local org with the command printed for it; it runs until dropped.
    fn start_org(&self, line: &str) -> Running {
        assert!(line.starts_with("okta-oauth emulator "), "{line}");
        let mut child = self
            .command(line)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        // The rest is read on, so the org never blocks on a full pipe.
        let (url, _, _) = first_line(child.stdout.take().unwrap(), |l| {
            l.strip_prefix("okta-emulator listening on ")
                .map(str::to_owned)
        });
        let url = url.unwrap_or_else(|| panic!("`{line}` did not start"));
        Running { child, url }
    }

    /// Runs `okta-oauth login` as printed (there is no display, so no browser opens) and plays
    /// the person at the browser: the local org's sign-in page, filled in with `login` and
    /// `password`.
    fn login(&self, line: &str, user: &str, password: &str) -> String {
        let child = self.piped(line).spawn().unwrap();
        // Stopped however the test ends: a sign-in that never comes would wait five minutes.
        let mut child = Running {
            child,
            url: String::new(),
        };
        let (url, seen, rest) = first_line(child.child.stderr.take().unwrap(), |l| {
            l.trim().starts_with("http").then(|| l.trim().to_owned())
        });
        let url = url.unwrap_or_else(|| panic!("`{line}` printed no sign-in URL: {seen:?}"));
        sign_in_at_the_page(&url, user, password);
        let status = child.child.wait().unwrap();
        let mut stdout = String::new();
        std::io::Read::read_to_string(&mut child.child.stdout.take().unwrap(), &mut stdout)
            .unwrap();
        let mut seen = seen;
        seen.extend(rest.join().unwrap());
        let said = format!("{stdout}{}", seen.join("\n"));
        assert!(status.success(), "`{line}` failed:\n{said}");
        said
    }
}

/// Reads `stream` line by line until `find` finds what it looks for; the lines after it are
/// read on by a thread (so the writer never blocks), which hands them back when joined.
fn first_line<R: std::io::Read + Send + 'static>(
    stream: R,
    find: impl Fn(&str) -> Option<String>,
) -> (
    Option<String>,
    Vec<String>,
    std::thread::JoinHandle<Vec<String>>,
) {
    let mut lines = std::io::BufReader::new(stream).lines();
    let mut seen = Vec::new();
    let found = lines
        .by_ref()
        .map_while(Result::ok)
        .inspect(|l| seen.push(l.clone()))
        .find_map(|l| find(&l));
    let rest = std::thread::spawn(move || lines.map_while(Result::ok).collect());
    (found, seen, rest)
}

/// A person's browser at the local org's sign-in page: the form read, filled in and sent, and
/// the redirect followed back to `login`'s loopback listener.
fn sign_in_at_the_page(url: &str, user: &str, password: &str) {
    let agent: ureq::Agent = ureq::Agent::config_builder()
        .max_redirects(0)
        .http_status_as_error(false)
        .build()
        .into();
    let page = agent
        .get(url)
        .call()
        .unwrap()
        .body_mut()
        .read_to_string()
        .unwrap();
    let request = page
        .split("name=\"request\" value=\"")
        .nth(1)
        .and_then(|r| r.split('"').next())
        .unwrap_or_else(|| panic!("no sign-in form in: {page}"))
        .replace("&amp;", "&")
        .replace("&quot;", "\"");
    let origin: String = url.splitn(4, '/').take(3).collect::<Vec<_>>().join("/");
    let answer = agent
        .post(format!("{origin}/login/sign-in"))
        .send_form([
            ("request", request.as_str()),
            ("username", user),
            ("password", password),
        ])
        .unwrap();
    let location = answer
        .headers()
        .get("location")
        .unwrap_or_else(|| panic!("the sign-in was refused: {}", answer.status()))
        .to_str()
        .unwrap()
        .to_owned();
    let back = agent.get(&location).call().unwrap();
    assert_eq!(back.status(), 200, "the callback {location}");
}

/// A process a test started as printed (the local org, a `login`): stopped when dropped, however
/// the test ends.
struct Running {
    child: Child,
    /// Where it listens, for the org.
    url: String,
}

impl Drop for Running {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The one suggestion of `said` that starts with `start`.
fn the(said: &str, start: &str) -> String {
    let found: Vec<String> = suggestions(said)
        .into_iter()
        .filter(|s| s.starts_with(start))
        .collect();
    assert_eq!(found.len(), 1, "one `{start}…` in: {said}");
    found.into_iter().next().unwrap()
}

#[test]
fn a_new_user_lives_in_the_tool_by_following_what_it_prints() {
    let me = Machine::new("lived-in");
    let said = me.run("okta-oauth quickstart");
    assert!(said.contains("remembered as profile local"), "{said}");
    // This build is the `okta-oauth` on PATH here: no note that it is not.
    assert!(!said.contains("is not on your PATH"), "{said}");
    let start = the(&said, "okta-oauth emulator ");
    let list = the(&said, "okta-oauth api ");
    assert!(
        !list.contains("--org") && !list.contains("--private-key"),
        "{list}"
    );
    // The user half, before the org runs (quickstart starts its own, on the remembered port).
    let said = me.run("okta-oauth quickstart --user");
    assert_eq!(
        the(&said, "okta-oauth emulator "),
        start,
        "the same org, again"
    );
    let login = the(&said, "okta-oauth login");
    let as_user = the(&said, "okta-oauth api ");
    assert_eq!(login, "okta-oauth login");
    let password = said
        .split("(password: ")
        .nth(1)
        .and_then(|p| p.split(')').next())
        .unwrap()
        .to_owned();

    let org = me.start_org(&start);
    let users = me.run(&list);
    assert_eq!(
        users.lines().filter(|l| l.starts_with('{')).count(),
        25,
        "{users}"
    );
    let signed_in = me.login(&login, "user1@example.com", &password);
    assert!(
        signed_in.contains("signed in as user1@example.com"),
        "{signed_in}"
    );
    let theirs = me.run(&as_user);
    assert!(theirs.contains("user1@example.com"), "{theirs}");
    // The user's own token, for another program.
    let theirs = me.run("okta-oauth token --user --format json");
    let token: Value = serde_json::from_str(theirs.lines().next().unwrap()).unwrap();
    assert_eq!(token["token_type"], "Bearer", "{theirs}");
    let healthy = me.run("okta-oauth doctor");
    for line in [
        "✓ service app: token: a DPoP-bound token",
        "✓ sign-in app: redirect URI:",
        "✓ sign-in app: assigned: user1@example.com may sign in",
    ] {
        assert!(healthy.contains(line), "{line} in: {healthy}");
    }
    let status = me.run("okta-oauth auth status --json");
    let status: Value = serde_json::from_str(status.lines().next().unwrap()).unwrap();
    assert_eq!(status["profile"], "local");
    assert_eq!(status["org"]["url"], org.url.as_str());
    assert_eq!(status["service_app"]["token"]["token_type"], "DPoP");
    assert_eq!(
        status["sign_in_app"]["signed_in"]["user"],
        "user1@example.com"
    );

    // The org restarts: its tokens are gone. The service token is replaced at once; the
    // user's refresh token is refused too, and the advice signs them in again.
    drop(org);
    let org = me.start_org(&start);
    let users = me.run(&list);
    assert_eq!(
        users.lines().filter(|l| l.starts_with('{')).count(),
        25,
        "{users}"
    );
    let refused = me.fails(&as_user);
    let again = the(&refused, "okta-oauth login");
    me.login(&again, "user1@example.com", &password);
    let theirs = me.run(&as_user);
    assert!(theirs.contains("user1@example.com"), "{theirs}");

    // And out: revoked at the org, forgotten here.
    let out = me.run("okta-oauth logout");
    assert!(out.contains("signed out of"), "{out}");
    let refused = me.fails(&as_user);
    assert_eq!(the(&refused, "okta-oauth login"), "okta-oauth login");
    drop(org);
    ok(&crate::run(&["--version"], &[], None));
}

#[test]
fn suggestions_are_found_as_printed() {
    let text = "Next:\n  okta-oauth api GET /api/v1/users --all\nGrant it: okta-oauth grant add 0oa1 okta.apps.read (with an API token)\nsee `okta-oauth profile list` or `okta-oauth auth status`";
    assert_eq!(
        suggestions(text),
        [
            "okta-oauth api GET /api/v1/users --all",
            "okta-oauth grant add 0oa1 okta.apps.read",
            "okta-oauth profile list",
            "okta-oauth auth status",
        ]
    );
    assert_eq!(
        shell_words("okta-oauth role custom 'a b' --scopes \"x y\" c\\ d"),
        [
            "okta-oauth",
            "role",
            "custom",
            "a b",
            "--scopes",
            "x y",
            "c d"
        ]
    );
}
