//! `cargo xtask modules`: the structural rules of ARCHITECTURE.md, checked in the sources.
//!
//! - Inside each crate, dependencies between modules point one way: no module reaches another
//!   that reaches it back, directly or through others (a circle). A module and the modules inside
//!   it are one unit here (a child may use its parent's items and the parent its children's);
//!   between siblings, at every level, the graph has no circle.
//! - okta-jwk and okta-assertion read no clock, no environment and no file, and open no socket:
//!   times, settings and key text are their callers' to give.
//! - The command line does no network I/O: okta-flows does it (and the emulator, for itself).
//!
//! A module's dependencies are the `crate::`, `super::` and `self::` paths of its code, outside
//! comments and outside its `#[cfg(test)]` module; a path to a name the crate root re-exports
//! counts as a path to the module the name comes from.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use anyhow::{Result, bail};

use crate::root;

/// A module's path inside its crate: `[]` for the root, `["routes", "token"]` for
/// `src/routes/token.rs`.
type ModPath = Vec<String>;

/// What okta-jwk and okta-assertion never do: read the clock, the environment or a file, or open
/// a socket (their callers pass times, settings and key text).
const PURE: &[&str] = &[
    "SystemTime::now",
    "Instant::now",
    "std::env",
    "env::var",
    "std::fs",
    "File::",
    "TcpStream",
    "TcpListener",
    "UdpSocket",
];

/// Words that must not appear in a crate's code, with the rule each one breaks.
const FORBIDDEN: &[(&str, &[&str], &str)] = &[
    (
        "okta-jwk",
        PURE,
        "okta-jwk reads no clock, no environment and no file, and opens no socket",
    ),
    (
        "okta-assertion",
        PURE,
        "okta-assertion reads no clock, no environment and no file, and opens no socket",
    ),
    (
        "okta-oauth",
        &["TcpListener", "TcpStream", "UdpSocket", "ureq::", "redis::"],
        "the command line does no network I/O (okta-flows does)",
    ),
];

/// What the command line must not know of Okta: its error codes, its message texts and the JSON
/// paths of its answers. Okta's decisions are okta-flows' (its `ErrorCode`, its diagnosis, its
/// typed answers), so a library caller gets the same help as the command line. Searched in the
/// code and its strings, not in comments.
const OKTA_KNOWLEDGE: &[&str] = &[
    "E00000",
    "errorCode",
    "errorSummary",
    "error_description",
    "invalid_scope",
    "insufficient_scope",
    "invalid_client",
    "invalid_grant",
    "invalid_token",
    "invalid_request",
    "unauthorized_client",
    "invalid_dpop_proof",
    "use_dpop_nonce",
    "access_denied",
    "authorization_pending",
    "slow_down",
    "expired_token",
    "not assigned to the client application",
    "Api validation failed",
    "You do not have permission",
    "Invalid token provided",
    "Invalid session",
    "\"/settings/",
    "\"/credentials/",
    "\"/profile/",
    "\"/_links",
];

/// Words that must not appear in a crate's code or its strings, with the rule each one breaks.
const FORBIDDEN_TEXT: &[(&str, &[&str], &str)] = &[(
    "okta-oauth",
    OKTA_KNOWLEDGE,
    "Okta's codes, texts and JSON paths are okta-flows' to know, not the command line's",
)];

pub(crate) fn run() -> Result<()> {
    let mut problems = Vec::new();
    let crates = root().join("crates");
    let mut names: Vec<String> = std::fs::read_dir(&crates)?
        .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect();
    names.sort();
    for name in names {
        let src = crates.join(&name).join("src");
        let files = read_crate(&src)?;
        if files.is_empty() {
            continue;
        }
        problems.extend(circles(&files).into_iter().map(|c| format!("{name}: {c}")));
        for (rules, lines) in [
            (FORBIDDEN, code_lines as fn(&str) -> Vec<(usize, String)>),
            (FORBIDDEN_TEXT, code_and_strings),
        ] {
            for (krate, words, rule) in rules {
                if *krate != name {
                    continue;
                }
                for (file, text) in files.values() {
                    for (line_no, line) in lines(text) {
                        for word in *words {
                            if line.contains(word) {
                                problems.push(format!(
                                    "{name}: {rule}, but src/{file}:{line_no} has `{word}`"
                                ));
                            }
                        }
                    }
                }
            }
        }
    }
    problems.extend(
        unmapped_files()?
            .into_iter()
            .map(|f| format!("ARCHITECTURE.md's code map does not name {f}")),
    );
    if !problems.is_empty() {
        bail!(
            "the architecture's rules do not hold:\n  {}",
            problems.join("\n  ")
        );
    }
    eprintln!(
        "modules: no circles inside any crate, the layers' rules hold, and the code map names \
         every source file"
    );
    Ok(())
}

/// Every `.rs` file under `src`, by module path, with its file name (`routes/mod.rs`). With both
/// `lib.rs` and `main.rs`, the binary's root is left out: it uses the library by its name, not
/// through `crate::`.
fn read_crate(src: &Path) -> Result<BTreeMap<ModPath, (String, String)>> {
    let mut files = BTreeMap::new();
    if !src.is_dir() {
        return Ok(files);
    }
    let has_lib = src.join("lib.rs").is_file();
    let mut stack = vec![src.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let relative = path.strip_prefix(src)?;
            if has_lib && relative == Path::new("main.rs") {
                continue;
            }
            let mut parts: Vec<String> = relative
                .iter()
                .map(|p| p.to_string_lossy().trim_end_matches(".rs").to_owned())
                .collect();
            if matches!(
                parts.last().map(String::as_str),
                Some("mod" | "lib" | "main")
            ) {
                parts.pop();
            }
            let name = relative.to_string_lossy().into_owned();
            files.insert(parts, (name, std::fs::read_to_string(&path)?));
        }
    }
    Ok(files)
}

/// The lines of code (numbered from 1) before the file's `#[cfg(test)]` module, each without
/// its `// …` comment and with its string literals blanked (a path in a message is not a use).
fn code_lines(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .map(|(i, l)| (i + 1, code_only(l)))
        .filter(|(_, l)| !l.trim().is_empty())
        .collect()
}

/// The lines (numbered from 1) before the file's `#[cfg(test)]` module, each without its `// …`
/// comment, string literals kept.
fn code_and_strings(text: &str) -> Vec<(usize, String)> {
    text.lines()
        .enumerate()
        .take_while(|(_, l)| l.trim() != "#[cfg(test)]")
        .map(|(i, l)| (i + 1, without_comment(l)))
        .filter(|(_, l)| !l.trim().is_empty() && !l.trim_start().starts_with("///"))
        .collect()
}

/// A line up to its `//` comment (one outside a string literal): as many characters as
/// [`code_only`] keeps, which stops there.
fn without_comment(line: &str) -> String {
    line.chars().take(code_only(line).chars().count()).collect()
}

/// A line's code: what is in string literals becomes spaces, and a `//` comment ends the line.
fn code_only(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let (mut in_string, mut escaped) = (false, false);
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        if in_string {
            match c {
                _ if escaped => escaped = false,
                '\\' => escaped = true,
                '"' => in_string = false,
                _ => {}
            }
            out.push(if in_string { ' ' } else { '"' });
            continue;
        }
        match c {
            '"' => in_string = true,
            '/' if chars.peek() == Some(&'/') => break,
            _ => {}
        }
        out.push(c);
    }
    out
}

/// The paths written at the start of `text` (just after `crate::`, `super::` or `self::`):
/// `a::b::C` is one, `{a::b, c::{d, e as f}}` is one for each leaf.
fn paths_at(text: &str) -> Vec<Vec<String>> {
    struct Parser<'a> {
        s: &'a [u8],
        at: usize,
    }
    impl Parser<'_> {
        fn skip_space(&mut self) {
            while self.s.get(self.at).is_some_and(u8::is_ascii_whitespace) {
                self.at += 1;
            }
        }
        fn word(&mut self) -> Option<String> {
            let start = self.at;
            while self
                .s
                .get(self.at)
                .is_some_and(|b| b.is_ascii_alphanumeric() || *b == b'_')
            {
                self.at += 1;
            }
            (self.at > start).then(|| String::from_utf8_lossy(&self.s[start..self.at]).into_owned())
        }
        fn eat(&mut self, token: &str) -> bool {
            let found = self.s[self.at..].starts_with(token.as_bytes());
            if found {
                self.at += token.len();
            }
            found
        }
        /// One path or group after `prefix`, its leaves pushed to `out`.
        fn tree(&mut self, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
            let depth = prefix.len();
            loop {
                if self.eat("{") {
                    loop {
                        self.skip_space();
                        if self.eat("}") || self.at >= self.s.len() {
                            break;
                        }
                        let before = self.at;
                        self.tree(prefix, out);
                        self.skip_space();
                        if self.eat("as ") {
                            self.skip_space();
                            self.word();
                            self.skip_space();
                        }
                        if !self.eat(",") && self.at == before {
                            break;
                        }
                    }
                    break;
                }
                match self.word() {
                    Some(w) => prefix.push(w),
                    None => break,
                }
                if !self.eat("::") {
                    out.push(prefix.clone());
                    break;
                }
            }
            prefix.truncate(depth);
        }
    }
    let mut out = Vec::new();
    Parser {
        s: text.as_bytes(),
        at: 0,
    }
    .tree(&mut Vec::new(), &mut out);
    out.retain(|p| !p.is_empty());
    out
}

/// Where each module's code leads: (from, to, where) for every path that names another module.
fn references(files: &BTreeMap<ModPath, (String, String)>) -> Vec<(ModPath, ModPath, String)> {
    let modules: BTreeSet<&ModPath> = files.keys().collect();
    // The crate root's re-exports: `pub use module::Name;` makes `crate::Name` a path into
    // `module`.
    let mut reexports: BTreeMap<String, ModPath> = BTreeMap::new();
    if let Some((_, root_text)) = files.get(&Vec::new()) {
        for (_, line) in code_lines(root_text) {
            let line = line.trim();
            let Some(used) = line
                .strip_prefix("pub use ")
                .or_else(|| line.strip_prefix("pub(crate) use "))
                .or_else(|| line.strip_prefix("use "))
            else {
                continue;
            };
            let used = used.strip_prefix("crate::").unwrap_or(used);
            for path in paths_at(used) {
                if let (Some(name), Some(module)) = (path.last(), resolve(&modules, &path))
                    && !module.is_empty()
                {
                    reexports.insert(name.clone(), module);
                }
            }
        }
    }
    let mut found = Vec::new();
    for (from, (file, text)) in files {
        for (line_no, line) in code_lines(text) {
            for (marker, base) in [
                ("crate::", Vec::new()),
                (
                    "super::",
                    from.split_last()
                        .map(|(_, p)| p.to_vec())
                        .unwrap_or_default(),
                ),
                ("self::", from.clone()),
            ] {
                let mut rest = line.as_str();
                while let Some(i) = rest.find(marker) {
                    let before = rest[..i].chars().next_back();
                    rest = &rest[i + marker.len()..];
                    if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
                        continue; // `my_crate::`, not `crate::`
                    }
                    for path in paths_at(rest) {
                        let full: ModPath = base.iter().cloned().chain(path).collect();
                        let target = match resolve(&modules, &full) {
                            Some(m) if m.is_empty() => full
                                .first()
                                .and_then(|name| reexports.get(name))
                                .cloned()
                                .unwrap_or_default(),
                            Some(m) => m,
                            None => continue,
                        };
                        found.push((
                            from.clone(),
                            target,
                            format!("src/{file}:{line_no} {marker}{}", line_text(rest)),
                        ));
                    }
                }
            }
        }
    }
    found
}

fn line_text(rest: &str) -> String {
    let text = rest
        .split([';', '('])
        .next()
        .unwrap_or_default()
        .trim_end_matches([',', ' ']);
    text.chars().take(80).collect()
}

/// The deepest module a path leads into.
fn resolve(modules: &BTreeSet<&ModPath>, path: &[String]) -> Option<ModPath> {
    (0..=path.len())
        .rev()
        .map(|n| path[..n].to_vec())
        .find(|p| modules.contains(p))
}

/// Every circle between sibling modules, as `a → b (where) → a (where)`.
fn circles(files: &BTreeMap<ModPath, (String, String)>) -> Vec<String> {
    // (parent, from child, to child) → one place the dependency is written.
    let mut edges: BTreeMap<(ModPath, String, String), String> = BTreeMap::new();
    for (from, to, place) in references(files) {
        let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
        if common == from.len() || common == to.len() {
            continue; // a module and one inside it
        }
        edges
            .entry((
                from[..common].to_vec(),
                from[common].clone(),
                to[common].clone(),
            ))
            .or_insert(place);
    }
    let mut levels: BTreeMap<ModPath, BTreeMap<String, BTreeSet<String>>> = BTreeMap::new();
    for (parent, a, b) in edges.keys() {
        levels
            .entry(parent.clone())
            .or_default()
            .entry(a.clone())
            .or_default()
            .insert(b.clone());
    }
    let mut out = Vec::new();
    for (parent, graph) in &levels {
        let mut reported: BTreeSet<BTreeSet<String>> = BTreeSet::new();
        for start in graph.keys() {
            if let Some(cycle) = cycle_from(graph, start)
                && reported.insert(cycle.iter().cloned().collect())
            {
                let name = |m: &str| {
                    parent
                        .iter()
                        .map(String::as_str)
                        .chain([m])
                        .collect::<Vec<_>>()
                        .join("::")
                };
                let mut text = name(&cycle[0]);
                for pair in
                    cycle
                        .windows(2)
                        .chain([[cycle[cycle.len() - 1].clone(), cycle[0].clone()].as_slice()])
                {
                    let place = &edges[&(parent.clone(), pair[0].clone(), pair[1].clone())];
                    text.push_str(&format!(" → {} ({place})", name(&pair[1])));
                }
                out.push(format!("a module circle: {text}"));
            }
        }
    }
    out
}

/// The shortest circle through `start`, if there is one (breadth first).
fn cycle_from(graph: &BTreeMap<String, BTreeSet<String>>, start: &str) -> Option<Vec<String>> {
    let mut previous: BTreeMap<&str, &str> = BTreeMap::new();
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(node) = queue.pop_front() {
        for next in graph.get(node).into_iter().flatten() {
            if next == start {
                let mut path = vec![node.to_owned()];
                let mut at = node;
                while at != start {
                    at = previous[at];
                    path.push(at.to_owned());
                }
                path.reverse();
                return Some(path);
            }
            if !previous.contains_key(next.as_str()) {
                previous.insert(next, node);
                queue.push_back(next);
            }
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn krate(files: &[(&str, &str)]) -> BTreeMap<ModPath, (String, String)> {
        files
            .iter()
            .map(|(p, t)| {
                let (path, name) = if p.is_empty() {
                    (Vec::new(), "lib.rs".to_owned())
                } else {
                    (p.split('/').map(str::to_owned).collect(), format!("{p}.rs"))
                };
                (path, (name, (*t).to_owned()))
            })
            .collect()
    }

    #[test]
    fn paths_in_use_groups_and_expressions() {
        assert_eq!(paths_at("a::b::C;"), vec![vec!["a", "b", "C"]]);
        assert_eq!(
            paths_at("{a::B, c::{d, e as f}, g};"),
            vec![vec!["a", "B"], vec!["c", "d"], vec!["c", "e"], vec!["g"]]
        );
        assert_eq!(
            paths_at("users::iso(self.created)"),
            vec![vec!["users", "iso"]]
        );
    }

    #[test]
    fn a_layered_crate_has_no_circle() {
        let files = krate(&[
            ("", "mod a;\nmod b;\nmod c;\npub use c::Thing;\n"),
            ("a", "use crate::b::f;\nuse crate::Thing;\n"),
            ("b", "use crate::c::{Thing, g};\n"),
            ("c", "pub struct Thing;\n"),
        ]);
        assert_eq!(circles(&files), Vec::<String>::new());
    }

    #[test]
    fn circles_are_found_through_every_kind_of_path() {
        // Directly, through `super::` in a nested module, through a third module, and through
        // a name the root re-exports.
        let direct = krate(&[
            ("", ""),
            ("org", "x = crate::users::iso(t);"),
            ("users", "use crate::org::{Org, State};"),
        ]);
        let found = circles(&direct);
        assert_eq!(found.len(), 1, "{found:?}");
        assert!(
            found[0].contains("org → users (src/org.rs:1 crate::users::iso)"),
            "{found:?}"
        );
        assert!(
            found[0].contains("→ org (src/users.rs:1 crate::org::{Org, State})"),
            "{found:?}"
        );

        let nested = krate(&[
            ("", ""),
            ("routes", "mod a;\nmod b;\n"),
            ("routes/a", "use super::b::run;\n"),
            ("routes/b", "fn f() { self::g(); super::a::h(); }\n"),
        ]);
        assert_eq!(circles(&nested).len(), 1, "{:?}", circles(&nested));
        assert!(circles(&nested)[0].contains("routes::a → routes::b"));

        let three = krate(&[
            ("", ""),
            ("a", "crate::b::x"),
            ("b", "crate::c::x"),
            ("c", "crate::a::x"),
        ]);
        assert_eq!(circles(&three).len(), 1);

        let reexported = krate(&[
            ("", "pub use tokens::Token;\n"),
            ("cache", "use crate::Token;\n"),
            ("tokens", "use crate::cache::Layers;\n"),
        ]);
        assert_eq!(circles(&reexported).len(), 1, "{:?}", circles(&reexported));
    }

    #[test]
    fn okta_knowledge_is_found_in_strings_but_not_in_comments() {
        let text = "let a = \"E0000006\"; // E0000090 is fine here\nlet b = 1; // \"/settings/x\"\n/// invalid_scope in a doc\nlet c = e.is(x) && t.contains(\"not assigned to the client application\");\n";
        let found: Vec<usize> = code_and_strings(text)
            .into_iter()
            .filter(|(_, l)| OKTA_KNOWLEDGE.iter().any(|w| l.contains(w)))
            .map(|(n, _)| n)
            .collect();
        assert_eq!(found, [1, 4]);
    }

    #[test]
    fn comments_tests_and_parents_are_not_dependencies() {
        let files = krate(&[
            ("", "mod a;\nmod b;\n"),
            (
                "a",
                "/// See [`crate::b::f`].\nlet s = \"crate::b\"; // crate::b::g\n#[cfg(test)]\nmod tests { use crate::b::h; }\n",
            ),
            ("b", "use crate::a::x;\n"),
            // A parent and its child may use each other.
            ("b/c", "use super::y;\n"),
        ]);
        // Only `b → a` is left: no circle. (The string literal is not a path either.)
        let refs: Vec<(ModPath, ModPath)> = references(&files)
            .into_iter()
            .map(|(f, t, _)| (f, t))
            .filter(|(f, t)| f != t)
            .collect();
        assert!(
            refs.contains(&(vec!["b".into()], vec!["a".into()])),
            "{refs:?}"
        );
        assert!(
            !refs
                .iter()
                .any(|(f, t)| f == &vec!["a".to_owned()] && t == &vec!["b".to_owned()]),
            "{refs:?}"
        );
        assert_eq!(circles(&files), Vec::<String>::new());
    }
}

/// The source files ARCHITECTURE.md's code map does not name, per crate: each crate's section
/// (`### \`crates/NAME\``, `### \`xtask\``) must name each of its files, as `dir/file.rs`, or
/// as `dir/` and `file.rs` both (a folder's files listed after its name); `dir/mod.rs` as `dir/`.
pub(crate) fn unmapped_files() -> Result<Vec<String>> {
    let map = std::fs::read_to_string(root().join("ARCHITECTURE.md"))?;
    let mut crates: Vec<(String, std::path::PathBuf)> = std::fs::read_dir(root().join("crates"))?
        .filter_map(|e| e.ok())
        .map(|e| {
            let name = e.file_name().to_string_lossy().into_owned();
            (format!("crates/{name}"), e.path())
        })
        .collect();
    crates.push(("xtask".to_owned(), root().join("xtask")));
    crates.sort();
    let mut missing = Vec::new();
    for (name, dir) in crates {
        let heading = format!("### `{name}`");
        let Some(start) = map.find(&heading) else {
            missing.push(format!("{name}: no section"));
            continue;
        };
        let rest = &map[start + heading.len()..];
        let section = &rest[..rest.find("\n#").unwrap_or(rest.len())];
        let src = dir.join("src");
        let mut files: Vec<String> = Vec::new();
        let mut stack = vec![src.clone()];
        while let Some(d) = stack.pop() {
            for entry in std::fs::read_dir(&d)? {
                let path = entry?.path();
                if path.is_dir() {
                    stack.push(path);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    files.push(
                        path.strip_prefix(&src)?
                            .to_string_lossy()
                            .replace('\\', "/"),
                    );
                }
            }
        }
        if dir.join("build.rs").is_file() {
            files.push("build.rs".to_owned());
        }
        files.sort();
        for file in files {
            let named = match file.rsplit_once('/') {
                None => section.contains(&format!("`{file}`")),
                Some((folder, "mod.rs")) => section.contains(&format!("`{folder}/")),
                Some((folder, leaf)) => {
                    section.contains(&format!("`{file}`"))
                        || (section.contains(&format!("`{folder}/`"))
                            && section.contains(&format!("`{leaf}`")))
                }
            };
            if !named {
                missing.push(format!("{name}/src/{file}"));
            }
        }
    }
    Ok(missing)
}

#[cfg(test)]
mod map_tests {
    use super::*;

    /// ARCHITECTURE.md's code map names every source file of every crate.
    #[test]
    fn the_code_map_names_every_source_file() -> Result<()> {
        let missing = unmapped_files()?;
        assert!(
            missing.is_empty(),
            "ARCHITECTURE.md does not name: {missing:#?}"
        );
        Ok(())
    }
}
