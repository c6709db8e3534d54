//! Where output goes: data to stdout (human or `--json`), everything else to stderr.

#![allow(
    clippy::print_stdout,
    clippy::print_stderr,
    reason = "this module is the CLI's terminal"
)]

use std::io::{IsTerminal, Write as _};

/// Writes to stdout. A closed pipe (`okta-oauth api … | head`) ends the command quietly with
/// success, as other Unix tools do; any other write failure (a full disk) is an error.
fn emit(text: &str, newline: bool) {
    if newline {
        let mut line = Vec::with_capacity(text.len() + 1);
        line.extend_from_slice(text.as_bytes());
        line.push(b'\n');
        emit_bytes(&line);
    } else {
        emit_bytes(text.as_bytes());
    }
}

/// [`emit`] of bytes as they are, in one write where the pipe takes them.
fn emit_bytes(bytes: &[u8]) {
    let mut out = std::io::stdout().lock();
    let written = out.write_all(bytes).and_then(|()| out.flush());
    if let Err(e) = written {
        if e.kind() == std::io::ErrorKind::BrokenPipe {
            std::process::exit(0);
        }
        eprintln!("error: writing the output: {e}");
        std::process::exit(1);
    }
}

/// How to render.
#[derive(Debug)]
pub(crate) struct Out {
    /// `--json` (or `--jq`): JSON on stdout.
    pub(crate) json: bool,
    /// `--jq EXPR`: the filter every JSON value goes through.
    pub(crate) jq: Option<crate::jq::Jq>,
}

impl Out {
    /// One result: `human` text, or `json` with `--json`.
    pub(crate) fn data(&self, human: &str, json: &serde_json::Value) {
        if self.json {
            self.line(json);
        } else {
            emit(human, true);
        }
    }

    /// One line of a list (NDJSON with `--json`).
    pub(crate) fn line(&self, json: &serde_json::Value) {
        match &self.jq {
            Some(jq) => self.filtered(jq, json.to_string().as_bytes()),
            None => emit(&json.to_string(), true),
        }
    }

    /// Lines already formatted (a page of NDJSON), written at once.
    pub(crate) fn lines_bytes(&self, bytes: &[u8]) {
        match &self.jq {
            Some(jq) => bytes
                .split(|b| *b == b'\n')
                .filter(|l| !l.is_empty())
                .for_each(|l| self.filtered(jq, l)),
            None => emit_bytes(bytes),
        }
    }

    /// What `--jq` makes of one JSON value; a filter that fails ends the command (exit 1).
    fn filtered(&self, jq: &crate::jq::Jq, json: &[u8]) {
        match jq.lines(json) {
            Ok(lines) => {
                let mut text = lines.join("\n");
                if !lines.is_empty() {
                    text.push('\n');
                }
                emit_bytes(text.as_bytes());
            }
            Err(e) => {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
        }
    }

    /// A list: a table under `header` as text, or each row's JSON value on a line of its own
    /// (NDJSON) with `--json`.
    pub(crate) fn list<const N: usize>(
        &self,
        header: [&str; N],
        rows: impl IntoIterator<Item = ([String; N], serde_json::Value)>,
    ) {
        let mut table = vec![header.map(str::to_owned)];
        for (cells, json) in rows {
            if self.json {
                self.line(&json);
            } else {
                table.push(cells);
            }
        }
        if !self.json && table.len() > 1 {
            emit(&table_text(&table), false);
        }
    }

    /// Text as is (a key in PEM form).
    pub(crate) fn raw(&self, text: &str) {
        emit(text, !text.ends_with('\n'));
    }

    /// A progress or status note, on stderr.
    pub(crate) fn note(&self, text: &str) {
        eprintln!("{text}");
    }

    /// A step of a long job, on stderr: `✓ what`.
    pub(crate) fn step(&self, text: &str) {
        eprintln!("  ✓ {text}");
    }

    /// Whether stdout is a terminal (private keys are never printed to one).
    pub(crate) fn is_terminal(&self) -> bool {
        std::io::stdout().is_terminal()
    }

    /// Whether stderr is a terminal (progress lines only then).
    pub(crate) fn stderr_is_terminal(&self) -> bool {
        std::io::stderr().is_terminal()
    }
}

/// Asks on the terminal before a change that cannot be undone, unless `yes` (`--yes`). Without
/// a terminal to ask on, the change is refused: a script says `--yes`.
pub(crate) fn confirm(question: &str, yes: bool) -> anyhow::Result<()> {
    if yes {
        return Ok(());
    }
    if !(std::io::stdin().is_terminal() && std::io::stderr().is_terminal()) {
        anyhow::bail!(
            "{question} This acts at once and cannot be undone: with no terminal to ask on, confirm with --yes. Nothing was changed"
        );
    }
    eprint!("{question} [y/N] ");
    let mut answer = String::new();
    std::io::stdin().read_line(&mut answer)?;
    match answer.trim().to_ascii_lowercase().as_str() {
        "y" | "yes" => Ok(()),
        _ => anyhow::bail!("not confirmed: nothing was changed"),
    }
}

/// When `okta-oauth` on `PATH` is not this program (a first run through `cargo run`), what to
/// do so that the commands it printed run as printed; `None` when they do.
pub(crate) fn not_on_path_note() -> Option<String> {
    let this = std::env::current_exe().ok()?.canonicalize().ok()?;
    let found = crate::env::path("PATH").and_then(|path| {
        std::env::split_paths(&path)
            .map(|dir| dir.join("okta-oauth"))
            .find(|candidate| candidate.is_file())
    });
    match found.and_then(|f| f.canonicalize().ok()) {
        Some(f) if f == this => None,
        Some(other) => Some(format!(
            "note: `okta-oauth` on your PATH is {}, not this build ({}): the commands above run this build's code once it is installed (`cargo install --path crates/okta-oauth --locked` in the repository)",
            other.display(),
            this.display()
        )),
        None => Some(format!(
            "note: `okta-oauth` is not on your PATH yet (this build is {}): `cargo install --path crates/okta-oauth --locked` in the repository installs it, and the commands above then run as printed",
            this.display()
        )),
    }
}

/// A warning on stderr, from code that has no `Out` at hand.
pub(crate) fn warn(text: &str) {
    eprintln!("{text}");
}

/// One line of the `-v` trace.
pub(crate) fn trace(t: &okta_flows::Trace) {
    let status = t
        .status
        .map_or_else(|| "no answer".to_owned(), |s| s.to_string());
    let mut line = format!(
        "> {} {} -> {status} in {} ms",
        t.method,
        t.url,
        t.elapsed.as_millis()
    );
    if let Some(id) = &t.request_id {
        line.push_str(&format!(" [request id {id}]"));
    }
    if let Some(r) = &t.rate_limit {
        line.push_str(&format!(
            " [rate limit {}/{}{}]",
            r.remaining,
            r.limit,
            r.reset
                .map(|x| format!(", resets {}", x.to_rfc3339()))
                .unwrap_or_default()
        ));
    }
    eprintln!("{line}");
}

/// One planned step of a dry run as text: `METHOD URL`, its headers and body, indented.
pub(crate) fn render_step(step: &serde_json::Value) -> String {
    let Some(method) = step["method"].as_str() else {
        return format!("- {}", step["step"].as_str().unwrap_or_default());
    };
    let mut text = format!(
        "- {method} {}    ({})",
        step["url"].as_str().unwrap_or_default(),
        step["when"].as_str().unwrap_or_default()
    );
    for (name, value) in step["headers"].as_object().into_iter().flatten() {
        text.push_str(&format!(
            "\n    {name}: {}",
            value.as_str().unwrap_or_default()
        ));
    }
    for field in ["body", "form"] {
        if !step[field].is_null() {
            let pretty = serde_json::to_string_pretty(&step[field]).unwrap_or_default();
            text.push_str(&format!(
                "\n    {field}: {}",
                pretty.replace('\n', "\n    ")
            ));
        }
    }
    text
}

/// A planned request as a step of a dry run: `admin` describes the credential of the admin
/// steps; everything else okta-flows describes itself.
pub(crate) fn planned_step(r: okta_flows::PlannedRequest, admin: &str) -> serde_json::Value {
    let mut headers = serde_json::Map::new();
    if r.by == okta_flows::PlannedAuth::Admin {
        headers.insert("Authorization".into(), admin.into());
    }
    for (name, value) in r.headers {
        headers.insert(name, value.into());
    }
    let mut step = serde_json::json!({
        "when": r.when, "method": r.method.as_str(), "url": r.url, "headers": headers,
    });
    if let Some(body) = r.body {
        step["body"] = body;
    }
    if let Some(form) = r.form {
        step["form"] = form
            .into_iter()
            .map(|(k, v)| (k, serde_json::Value::String(v)))
            .collect();
    }
    step
}

/// Rows as a table: the first is the header; columns padded to their widest cell, two spaces
/// apart, no trailing spaces.
pub(crate) fn table_text<const N: usize>(rows: &[[String; N]]) -> String {
    let mut widths = [0usize; N];
    for row in rows {
        for (w, cell) in widths.iter_mut().zip(row) {
            *w = (*w).max(cell.chars().count());
        }
    }
    let mut text = String::new();
    for row in rows {
        let mut line = String::new();
        for (i, cell) in row.iter().enumerate() {
            line.push_str(cell);
            if i + 1 < N {
                let pad = widths[i] - cell.chars().count() + 2;
                line.extend(std::iter::repeat_n(' ', pad));
            }
        }
        text.push_str(line.trim_end());
        text.push('\n');
    }
    text
}

/// A moment in UTC, as RFC 3339 writes it (`2026-12-07T18:05:09Z`).
pub(crate) fn utc_time(at: okta_flows::UnixTime) -> String {
    at.to_rfc3339()
}

/// A span of seconds in words: `45 s`, `12 min`, `3 h 5 min`, `2 d 4 h`.
pub(crate) fn duration(secs: u64) -> String {
    match secs {
        0..60 => format!("{secs} s"),
        60..3600 => format!("{} min", secs / 60),
        3600..86_400 => match secs % 3600 / 60 {
            0 => format!("{} h", secs / 3600),
            m => format!("{} h {m} min", secs / 3600),
        },
        _ => format!("{} d {} h", secs / 86_400, secs % 86_400 / 3600),
    }
}

/// `word` as one shell word: as it is when it holds nothing the shell reads specially, else in
/// single quotes.
pub(crate) fn shell_word(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/._-+:@%,=".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', "'\\''"))
    }
}

/// An error and its causes, each said once: okta-flows' errors include their cause in their own
/// text, so a cause that already ends the message before it is not repeated.
pub(crate) fn error_text(e: &anyhow::Error) -> String {
    let mut text = String::new();
    for cause in e.chain() {
        let part = cause.to_string();
        if text.ends_with(&part) {
            continue;
        }
        if !text.is_empty() {
            text.push_str(": ");
        }
        text.push_str(&part);
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn durations_read_in_words() {
        assert_eq!(duration(59), "59 s");
        assert_eq!(duration(3599), "59 min");
        assert_eq!(duration(3600), "1 h");
        assert_eq!(duration(3 * 3600 + 300), "3 h 5 min");
        assert_eq!(duration(2 * 86_400 + 4 * 3600), "2 d 4 h");
    }

    #[test]
    fn tables_align_under_their_header() {
        let rows = [
            ["NAME".to_owned(), "ORG".to_owned()],
            ["local".to_owned(), "http://127.0.0.1:1".to_owned()],
            ["example.okta.com".to_owned(), "-".to_owned()],
        ];
        assert_eq!(
            table_text(&rows),
            "NAME              ORG\nlocal             http://127.0.0.1:1\nexample.okta.com  -\n"
        );
    }

    #[test]
    fn a_cause_the_message_already_says_is_not_repeated() {
        #[derive(Debug)]
        struct Outer(std::io::Error);
        impl std::fmt::Display for Outer {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "signing the client assertion: {}", self.0)
            }
        }
        impl std::error::Error for Outer {
            fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
                Some(&self.0)
            }
        }
        let e = anyhow::Error::new(Outer(std::io::Error::other("no answer")))
            .context("getting a token");
        assert_eq!(
            error_text(&e),
            "getting a token: signing the client assertion: no answer"
        );
    }
}
