//! Errors that say what and where, and small commands that do what a person means (issue 27,
//! section 5). Each assertion failed before.

use serde_json::Value;

use crate::{Org, fails, ok, run};

#[test]
fn commands_take_what_a_person_means_and_say_what_is_wrong() {
    let org = Org::new("what-and-where");
    let env = org.env();
    let id = org.client_id();
    // `grant revoke` takes the scope's name (before: "invalid a grant id").
    ok(&run(&["grant", "add", &id, "okta.groups.read"], &env, None));
    let revoked = ok(&run(
        &["grant", "revoke", &id, "okta.groups.read"],
        &env,
        None,
    ));
    assert!(
        revoked.starts_with("revoked okta.groups.read (oag"),
        "{revoked}"
    );
    fails(
        &run(&["grant", "revoke", &id, "okta.groups.read"], &env, None),
        1,
        "holds no grant for okta.groups.read (it holds: okta.users.read)",
    );
    // An unknown client id is named as such (before: a hint about the key's kid).
    let out = run(
        &[
            "token",
            "--client-id",
            "0oaUnknown1234567890",
            "--token-cache",
            "none",
        ],
        &env,
        None,
    );
    fails(
        &out,
        1,
        "the org has no active app with the client id 0oaUnknown1234567890",
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("kid"));
    // A misspelt role (before: "invalid an admin role", no did-you-mean).
    fails(
        &run(&["role", "assign", &id, "READ_ONLY_ADMN"], &env, None),
        1,
        "did you mean READ_ONLY_ADMIN?",
    );
    // A JWKS given as the private key (before: `member "kty" is missing`).
    let key = env
        .iter()
        .find(|(k, _)| *k == "OKTA_CLIENT_PRIVATEKEY")
        .unwrap()
        .1;
    let jwks = org.dir.join("public.json");
    std::fs::write(&jwks, ok(&run(&["jwks", key], &[], None))).unwrap();
    fails(
        &run(
            &["token", "--private-key", jwks.to_str().unwrap()],
            &env,
            None,
        ),
        1,
        "is a JWKS (a set of public keys, what the app registers), not a private key",
    );
    // `verify` with an org and no --jwks checks against the org's keys (before: refused).
    let token = org.dir.join("token");
    std::fs::write(&token, ok(&run(&["token"], &env, None))).unwrap();
    let verified = ok(&run(&["verify", token.to_str().unwrap()], &env, None));
    assert!(
        verified.starts_with("valid: signed with RS256"),
        "{verified}"
    );
    // `decode` shows the times as dates, and how far away they are.
    let decoded = ok(&run(&["decode", token.to_str().unwrap()], &[], None));
    assert!(decoded.contains("\nexpires     20"), "{decoded}");
    assert!(decoded.contains("Z (in "), "{decoded}");
    // A call with no content prints nothing (before: `null`).
    ok(&run(
        &["grant", "add", &id, "okta.groups.manage"],
        &env,
        None,
    ));
    ok(&run(&["role", "assign", &id, "ORG_ADMIN"], &env, None));
    let group: Value = serde_json::from_str(&ok(&run(
        &[
            "api",
            "POST",
            "/api/v1/groups",
            "--data",
            "-",
            "--scopes",
            "okta.groups.manage",
        ],
        &env,
        Some(r#"{"profile":{"name":"to delete"}}"#),
    )))
    .unwrap();
    let path = format!("/api/v1/groups/{}", group["id"].as_str().unwrap());
    let out = run(
        &["api", "DELETE", &path, "--scopes", "okta.groups.manage"],
        &env,
        None,
    );
    assert_eq!(ok(&out), "", "stdout of a 204");
    assert!(String::from_utf8_lossy(&out.stderr).contains("no content"));
}

#[test]
fn quickstart_takes_no_browser_for_its_sign_in() {
    // Before: "unexpected argument '--no-browser'" (the flag existed only on `login`).
    let out = run(
        &[
            "quickstart",
            "--user",
            "me@example.com",
            "--no-browser",
            "--dry-run",
            "--org",
            "https://example.okta.com",
        ],
        &[],
        None,
    );
    ok(&out);
    fails(
        &run(&["quickstart", "--no-browser"], &[], None),
        2,
        "--user",
    );
}

#[test]
fn a_listing_stopped_by_a_rate_limit_says_how_far_it_got_and_how_to_go_on() {
    // Before: "pagination stopped after 20 pages (0 items)", the cause twice, the reset as a
    // Unix epoch and no way to go on.
    use okta_emulator::{Fault, FaultRoute, FaultRule, Reset};
    use std::io::BufRead as _;
    // Pages of 200 users (about 120 KB each, more than a pipe holds): while this test does not
    // read, the command cannot write, and its fetcher, one page ahead at most, waits too; so
    // the fault below arrives before the last of the ten pages is asked for.
    let org = Org::with_users("stopped-listing", 2000);
    let env = org.env();
    let mut child = crate::command(&["api", "GET", "/api/v1/users?limit=200", "--all"], &env)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut lines = std::io::BufReader::new(child.stdout.take().unwrap()).lines();
    let mut ids = std::collections::BTreeSet::new();
    for line in lines.by_ref().take(200) {
        let user: Value = serde_json::from_str(&line.unwrap()).unwrap();
        ids.insert(user["id"].as_str().unwrap().to_owned());
    }
    // The limit is hit, and resets later than a wait is allowed to be.
    org.emulator.inject(FaultRule::always(
        FaultRoute::Users,
        Fault::RateLimited(Reset::Far),
    ));
    for line in lines {
        let user: Value = serde_json::from_str(&line.unwrap()).unwrap();
        ids.insert(user["id"].as_str().unwrap().to_owned());
    }
    let out = child.wait_with_output().unwrap();
    let said = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(1), "{said}");
    let printed = ids.len();
    // One page or more, as the org's answers and the fault's arrival interleave.
    let pages = printed / 200;
    let stopped = format!(
        "the listing stopped after {printed} items in {pages} page{}",
        if pages == 1 { "" } else { "s" }
    );
    assert!(said.contains(&stopped), "{stopped} in: {said}");
    assert!(
        said.contains("the limit resets at 2100-01-01T00:00:00Z"),
        "{said}"
    );
    assert_eq!(
        said.matches("rate limited by Okta").count(),
        1,
        "said once: {said}"
    );
    // The command it prints goes on from there.
    let again = crate::advice::suggestions(&said)
        .into_iter()
        .find(|s| s.starts_with("okta-oauth api GET "))
        .unwrap_or_else(|| panic!("no way to go on in: {said}"));
    org.emulator.clear_faults();
    let words = crate::advice::shell_words(&again);
    let args: Vec<&str> = words[1..].iter().map(String::as_str).collect();
    for line in ok(&run(&args, &env, None)).lines() {
        let user: Value = serde_json::from_str(line).unwrap();
        assert!(
            ids.insert(user["id"].as_str().unwrap().to_owned()),
            "printed twice"
        );
    }
    assert_eq!(ids.len(), 2000);
}

#[test]
fn jq_filters_every_json_output() {
    let org = Org::new("jq");
    let env = org.env();
    let logins = ok(&run(
        &[
            "api",
            "GET",
            "/api/v1/users?limit=200",
            "--all",
            "--jq",
            ".profile.login",
        ],
        &env,
        None,
    ));
    assert_eq!(logins.lines().count(), 450);
    assert_eq!(logins.lines().next(), Some("admin@example.com"));
    let status = ok(&run(&["auth", "status", "--jq", ".org.from"], &env, None));
    assert_eq!(status, "OKTA_CLIENT_ORGURL\n");
    // Nothing is sent with a filter that does not parse: a usage error.
    fails(
        &run(&["api", "GET", "/api/v1/users", "--jq", ".a["], &env, None),
        2,
        "--jq",
    );
    // One that fails on the data: exit 1, named.
    fails(
        &run(&["auth", "status", "--jq", ".org + 1"], &env, None),
        1,
        "--jq:",
    );
}

#[test]
fn a_custom_server_in_the_org_url_is_named_where_it_was_given() {
    // Before: "Leave out --authorization-server", a flag never passed.
    let out = run(
        &[
            "token",
            "--org",
            "https://example.okta.com/oauth2/default",
            "--client-id",
            "0oa1",
            "--private-key",
            "/nonexistent/k.pem",
        ],
        &[],
        None,
    );
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("leave /oauth2/default out of the org URL (--org https://example.okta.com)"),
        "{said}"
    );
    assert!(!said.contains("Leave out --authorization-server"), "{said}");
}

#[test]
fn the_man_pages_name_only_pages_that_exist() {
    // Before: the one page pointed at okta-oauth-*(1) pages that did not exist.
    let dir = crate::tmp("man-pages");
    ok(&run(&["man", "--dir", dir.to_str().unwrap()], &[], None));
    let main = std::fs::read_to_string(dir.join("okta-oauth.1")).unwrap();
    let mut named = 0;
    // roff writes a dash as `\-`.
    for line in main.replace("\\-", "-").lines() {
        if let Some(page) = line
            .strip_prefix("okta-oauth-")
            .and_then(|rest| rest.strip_suffix("(1)"))
        {
            named += 1;
            assert!(
                dir.join(format!("okta-oauth-{page}.1")).exists(),
                "okta-oauth-{page}(1) is named but not written"
            );
        }
    }
    assert!(named >= 20, "{named} pages named");
    assert!(dir.join("okta-oauth-app-create.1").exists());
}

#[test]
fn quickstart_says_when_the_commands_it_prints_are_not_on_path() {
    // A first run through `cargo run`: `okta-oauth` is not installed yet, so its next commands
    // would fail as printed. It says so, and how to install it.
    let dir = crate::tmp("not-on-path");
    let state = dir.to_str().unwrap();
    let out = run(
        &["quickstart", "--port", "0"],
        &[("XDG_STATE_HOME", state), ("HOME", state)],
        None,
    );
    ok(&out);
    let said = String::from_utf8_lossy(&out.stderr);
    assert!(
        said.contains("`okta-oauth` is not on your PATH yet"),
        "{said}"
    );
    assert!(
        said.contains("cargo install --path crates/okta-oauth --locked"),
        "{said}"
    );
}

/// Issue 29 §3: `api-tokens list` shows what is left to move to OAuth — the org's SSWS tokens,
/// with the owner's login, where each may be used from, when made and when it expires unused —
/// and never a token's value.
#[test]
fn api_tokens_list_shows_what_is_left_to_move() {
    let org = Org::new("api-tokens");
    let env = org.env();
    let table = ok(&run(&["api-tokens", "list"], &env, None));
    let lines: Vec<&str> = table.lines().collect();
    assert!(lines[0].starts_with("NAME"), "{table}");
    assert!(
        lines[0].contains("OWNER") && lines[0].contains("NETWORK"),
        "{table}"
    );
    assert_eq!(lines.len(), 2, "{table}");
    assert!(lines[1].contains("admin@example.com"), "{table}");
    assert!(lines[1].contains("ANYWHERE"), "{table}");
    let ndjson = ok(&run(&["api-tokens", "list", "--json"], &env, None));
    let token: Value = serde_json::from_str(ndjson.lines().next().unwrap()).unwrap();
    assert_eq!(token["owner"], "admin@example.com");
    assert!(token["id"].as_str().unwrap().starts_with("00T"));
    assert_eq!(token["network"], "ANYWHERE");
    let secret = org.emulator.admin_token();
    assert!(!table.contains(secret) && !ndjson.contains(secret));
}
