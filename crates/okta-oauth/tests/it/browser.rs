//! `login` end to end in a real browser: Debian's headless Chromium, driven through WebDriver
//! (W3C WebDriver, by chromedriver), signs in on the emulator's sign-in page; the CLI receives
//! the code on its loopback listener. A tampered `state` and a wrong password are refused on the
//! way. Needs `/usr/bin/chromium` and `/usr/bin/chromedriver` (`.ci/run` installs them), so it
//! is run by `cargo xtask ci` (`cargo test -p okta-oauth --test it browser -- --ignored`).

use std::io::BufRead as _;
use std::process::{Child, Stdio};
use std::time::{Duration, Instant};

use okta_emulator::{Config, Emulator};
use serde_json::{Value, json};

use crate::{command, ok, run, tmp};

/// W3C WebDriver's key for an element reference.
const ELEMENT: &str = "element-6066-11e4-a52e-4f735466cecf";

fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// A chromedriver process and one headless Chromium session; both end on drop.
struct Browser {
    driver: Child,
    base: String,
    session: String,
    agent: ureq::Agent,
}

impl Browser {
    fn start(profile: &std::path::Path) -> Browser {
        for tool in ["/usr/bin/chromium", "/usr/bin/chromedriver"] {
            assert!(
                std::path::Path::new(tool).exists(),
                "{tool} is missing: install Debian's chromium and chromium-driver (.ci/run does)"
            );
        }
        let port = free_port();
        let driver = std::process::Command::new("/usr/bin/chromedriver")
            .arg(format!("--port={port}"))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        let base = format!("http://127.0.0.1:{port}");
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(60)))
            .build()
            .into();
        let deadline = Instant::now() + Duration::from_secs(20);
        while agent.get(&format!("{base}/status")).call().is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(100));
        }
        // The flags the machine's notes give for this closed network: no background traffic.
        let args = [
            "--headless=new".to_owned(),
            "--no-sandbox".to_owned(),
            "--disable-gpu".to_owned(),
            "--disable-dev-shm-usage".to_owned(),
            "--disable-quic".to_owned(),
            "--no-first-run".to_owned(),
            "--disable-background-networking".to_owned(),
            "--disable-component-update".to_owned(),
            "--disable-sync".to_owned(),
            format!("--user-data-dir={}", profile.display()),
        ];
        let caps = json!({"capabilities": {"alwaysMatch": {
            "browserName": "chrome",
            "goog:chromeOptions": {"binary": "/usr/bin/chromium", "args": args}
        }}});
        let mut browser = Browser {
            driver,
            base,
            session: String::new(),
            agent,
        };
        let created = browser.send("POST", "/session", Some(caps));
        browser.session = created["sessionId"]
            .as_str()
            .unwrap_or_else(|| panic!("no session: {created}"))
            .to_owned();
        browser
    }

    fn send(&self, method: &str, path: &str, body: Option<Value>) -> Value {
        let url = format!("{}{path}", self.base);
        let mut resp = match (method, body) {
            ("POST", body) => self
                .agent
                .post(&url)
                .header("content-type", "application/json")
                .send(body.unwrap_or_else(|| json!({})).to_string()),
            ("DELETE", _) => self.agent.delete(&url).call(),
            _ => self.agent.get(&url).call(),
        }
        .unwrap();
        let v: Value = serde_json::from_str(&resp.body_mut().read_to_string().unwrap()).unwrap();
        assert!(
            v["value"]["error"].is_null(),
            "{method} {path}: {}",
            v["value"]
        );
        v.get("sessionId").map_or(v["value"].clone(), |_| v.clone())
    }

    fn session_path(&self, tail: &str) -> String {
        format!("/session/{}{tail}", self.session)
    }

    fn open(&self, url: &str) {
        self.send(
            "POST",
            &self.session_path("/url"),
            Some(json!({"url": url})),
        );
    }

    fn find(&self, css: &str) -> String {
        let v = self.send(
            "POST",
            &self.session_path("/element"),
            Some(json!({"using": "css selector", "value": css})),
        );
        v[ELEMENT].as_str().unwrap().to_owned()
    }

    fn clear(&self, element: &str) {
        self.send(
            "POST",
            &self.session_path(&format!("/element/{element}/clear")),
            None,
        );
    }

    fn type_into(&self, css: &str, text: &str) {
        let e = self.find(css);
        self.clear(&e);
        self.send(
            "POST",
            &self.session_path(&format!("/element/{e}/value")),
            Some(json!({"text": text})),
        );
    }

    fn click(&self, css: &str) {
        let e = self.find(css);
        self.send(
            "POST",
            &self.session_path(&format!("/element/{e}/click")),
            None,
        );
    }

    fn page(&self) -> String {
        self.send("GET", &self.session_path("/source"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    fn current_url(&self) -> String {
        self.send("GET", &self.session_path("/url"), None)
            .as_str()
            .unwrap_or_default()
            .to_owned()
    }

    /// Waits until the page holds `text`.
    fn wait_for(&self, text: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let page = self.page();
            if page.contains(text) {
                return page;
            }
            assert!(Instant::now() < deadline, "{text:?} never showed: {page}");
            std::thread::sleep(Duration::from_millis(100));
        }
    }
}

impl Drop for Browser {
    fn drop(&mut self) {
        if !self.session.is_empty() {
            let _ = self
                .agent
                .delete(&format!("{}/session/{}", self.base, self.session))
                .call();
        }
        let _ = self.driver.kill();
        let _ = self.driver.wait();
    }
}

#[test]
#[ignore = "needs Debian's chromium and chromium-driver; cargo xtask ci runs it"]
fn browser_login_in_headless_chromium_through_the_sign_in_page() {
    let dir = tmp("browser");
    // The sign-in page, not the scripted sign-in.
    let org = Emulator::start({
        let mut config = Config::default();
        config.default_login = None;
        config
    })
    .unwrap();
    let env = [
        ("OKTA_CLIENT_ORGURL", org.url()),
        ("OKTA_CLIENT_TOKEN", org.admin_token()),
        ("OKTA_OAUTH_ALLOW_HTTP_LOOPBACK", "1"),
        ("XDG_STATE_HOME", dir.to_str().unwrap()),
        ("HOME", dir.to_str().unwrap()),
    ];
    let port = free_port();
    let redirect = format!("http://127.0.0.1:{port}/callback");
    let secret = dir.join("web.secret");
    let created: Value = serde_json::from_str(&ok(&run(
        &[
            "app",
            "create",
            "--type",
            "web",
            "--name",
            "Browser test app",
            "--redirect-uri",
            &redirect,
            "--secret-file",
            secret.to_str().unwrap(),
            "--json",
        ],
        &env,
        None,
    )))
    .unwrap();
    let id = created["id"].as_str().unwrap().to_owned();
    ok(&run(&["grant", "add", &id, "okta.users.read"], &env, None));
    ok(&run(
        &["app", "assign", &id, "--user", "user1@example.com"],
        &env,
        None,
    ));

    let port_text = port.to_string();
    let mut login = command(
        &[
            "login",
            "--client-id",
            &id,
            "--client-secret-file",
            secret.to_str().unwrap(),
            "--port",
            &port_text,
            "--no-browser",
            "--timeout",
            "120",
            "--json",
        ],
        &env,
    )
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap();
    let mut lines = std::io::BufReader::new(login.stderr.take().unwrap()).lines();
    let url = lines
        .by_ref()
        .map(Result::unwrap)
        .find_map(|l| l.trim().starts_with("http").then(|| l.trim().to_owned()))
        .expect("login printed the URL");
    let said = std::thread::spawn(move || lines.map_while(Result::ok).collect::<Vec<_>>());

    let profile = dir.join("chromium-profile");
    let browser = Browser::start(&profile);
    // A callback with a state that is not this sign-in's: refused, and login keeps waiting.
    browser.open(&format!("{redirect}?code=forged&state=tampered"));
    browser.wait_for("Sign-in failed");
    // The sign-in page, as a person sees it.
    browser.open(&url);
    let page = browser.wait_for("okta-signin-username");
    assert!(page.contains("Browser test app"), "{page}");
    browser.type_into("#okta-signin-username", "user1@example.com");
    browser.type_into("#okta-signin-password", "not-the-password");
    browser.click("#okta-signin-submit");
    browser.wait_for("Unable to sign in");
    browser.type_into("#okta-signin-username", "user1@example.com");
    browser.type_into("#okta-signin-password", okta_emulator::DEFAULT_PASSWORD);
    browser.click("#okta-signin-submit");
    // The org redirects to login's listener, which answers the browser.
    browser.wait_for("Signed in. You can close this window");
    assert!(browser.current_url().starts_with(&redirect));

    let out = login.wait_with_output().unwrap();
    let said = said.join().unwrap().join("\n");
    assert!(out.status.success(), "login: {said}");
    let done: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(done["signed_in"], true);
    assert_eq!(done["user"], "user1@example.com");
    // One code exchanged: the forged one never reached the token endpoint.
    let exchanges = org
        .events()
        .iter()
        .filter(|e| e.endpoint == "token")
        .count();
    assert_eq!(exchanges, 1);
}
