//! Okta's `filter` and `search` expressions (SCIM-like, RFC 7644 §3.4.2.2), evaluated against a
//! resource's JSON: `profile.login eq "a@example.com"`, `status eq "ACTIVE" and lastUpdated gt
//! "2024-01-01T00:00:00.000Z"`, `profile.firstName sw "Al"`, `(a eq "1" or b pr)`.
//!
//! The two dialects differ as Okta's contract says: `filter` knows only `eq` (and the inequalities
//! on `lastUpdated`), `and`/`or`, a fixed set of properties, and compares values with their case;
//! `search` knows every operator but `ne`, `not`, any property, and ignores the case of values.

use serde_json::Value;

/// Which dialect an expression is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Dialect {
    /// `filter=`, limited to these properties (the users API's list; groups pass their own).
    Filter(&'static [&'static str]),
    /// `search=`.
    Search,
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Expr {
    And(Box<Expr>, Box<Expr>),
    Or(Box<Expr>, Box<Expr>),
    Not(Box<Expr>),
    Present(String),
    Compare { path: String, op: Op, value: Value },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Op {
    Eq,
    Sw,
    Co,
    Ew,
    Gt,
    Ge,
    Lt,
    Le,
}

/// Longest expression accepted (Okta: "an overly complex or long search query can result in an
/// error").
const MAX_LEN: usize = 2048;
/// Deepest nesting of parentheses and `not`.
const MAX_DEPTH: usize = 16;

#[derive(Debug, Clone, PartialEq)]
enum Token {
    Word(String),
    Text(String),
    Open,
    Close,
}

fn tokens(text: &str) -> Option<Vec<Token>> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(&c) = chars.peek() {
        match c {
            ' ' | '\t' => {
                chars.next();
            }
            '(' => {
                chars.next();
                out.push(Token::Open);
            }
            ')' => {
                chars.next();
                out.push(Token::Close);
            }
            '"' => {
                chars.next();
                let mut s = String::new();
                loop {
                    match chars.next()? {
                        '"' => break,
                        '\\' => s.push(chars.next()?),
                        c => s.push(c),
                    }
                }
                out.push(Token::Text(s));
            }
            _ => {
                let mut w = String::new();
                while let Some(&c) = chars.peek() {
                    if matches!(c, ' ' | '\t' | '(' | ')' | '"') {
                        break;
                    }
                    w.push(c);
                    chars.next();
                }
                out.push(Token::Word(w));
            }
        }
    }
    Some(out)
}

struct Parser<'a> {
    tokens: &'a [Token],
    at: usize,
    dialect: Dialect,
}

impl Parser<'_> {
    fn peek_word(&self) -> Option<String> {
        match self.tokens.get(self.at) {
            Some(Token::Word(w)) => Some(w.to_ascii_lowercase()),
            _ => None,
        }
    }

    fn or(&mut self, depth: usize) -> Option<Expr> {
        let mut left = self.and(depth)?;
        while self.peek_word().as_deref() == Some("or") {
            self.at += 1;
            left = Expr::Or(Box::new(left), Box::new(self.and(depth)?));
        }
        Some(left)
    }

    fn and(&mut self, depth: usize) -> Option<Expr> {
        let mut left = self.factor(depth)?;
        while self.peek_word().as_deref() == Some("and") {
            self.at += 1;
            left = Expr::And(Box::new(left), Box::new(self.factor(depth)?));
        }
        Some(left)
    }

    fn factor(&mut self, depth: usize) -> Option<Expr> {
        if depth > MAX_DEPTH {
            return None;
        }
        match self.tokens.get(self.at)? {
            Token::Open => {
                self.at += 1;
                let inner = self.or(depth + 1)?;
                (self.tokens.get(self.at)? == &Token::Close).then_some(())?;
                self.at += 1;
                Some(inner)
            }
            Token::Word(w) if w.eq_ignore_ascii_case("not") => {
                (self.dialect == Dialect::Search).then_some(())?;
                self.at += 1;
                Some(Expr::Not(Box::new(self.factor(depth + 1)?)))
            }
            Token::Word(path) => {
                let path = path.clone();
                valid_path(&path).then_some(())?;
                self.at += 1;
                let op = self.peek_word()?;
                self.at += 1;
                if op == "pr" {
                    (self.dialect == Dialect::Search).then_some(())?;
                    return Some(Expr::Present(path));
                }
                let op = match op.as_str() {
                    "eq" => Op::Eq,
                    "sw" => Op::Sw,
                    "co" => Op::Co,
                    "ew" => Op::Ew,
                    "gt" => Op::Gt,
                    "ge" => Op::Ge,
                    "lt" => Op::Lt,
                    "le" => Op::Le,
                    _ => return None,
                };
                let value = match self.tokens.get(self.at)? {
                    Token::Text(s) => Value::String(s.clone()),
                    Token::Word(w) => match w.as_str() {
                        "true" => Value::Bool(true),
                        "false" => Value::Bool(false),
                        "null" => Value::Null,
                        n => Value::Number(n.parse::<i64>().ok()?.into()),
                    },
                    _ => return None,
                };
                self.at += 1;
                if let Dialect::Filter(allowed) = self.dialect {
                    allowed.contains(&path.as_str()).then_some(())?;
                    let inequality = matches!(op, Op::Gt | Op::Ge | Op::Lt | Op::Le);
                    let ok = op == Op::Eq || (inequality && path == "lastUpdated");
                    ok.then_some(())?;
                }
                Some(Expr::Compare { path, op, value })
            }
            _ => None,
        }
    }
}

fn valid_path(path: &str) -> bool {
    !path.is_empty()
        && path.split('.').all(|part| {
            !part.is_empty() && part.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        })
}

/// Parses an expression; `None` for anything Okta would answer "Invalid search criteria" to.
pub(crate) fn parse(text: &str, dialect: Dialect) -> Option<Expr> {
    if text.len() > MAX_LEN {
        return None;
    }
    let tokens = tokens(text)?;
    let mut parser = Parser {
        tokens: &tokens,
        at: 0,
        dialect,
    };
    let expr = parser.or(0)?;
    (parser.at == tokens.len()).then_some(expr)
}

impl Expr {
    /// Whether `resource` matches; `fold` compares strings without their case (`search`).
    pub(crate) fn matches(&self, resource: &Value, fold: bool) -> bool {
        match self {
            Expr::And(a, b) => a.matches(resource, fold) && b.matches(resource, fold),
            Expr::Or(a, b) => a.matches(resource, fold) || b.matches(resource, fold),
            Expr::Not(a) => !a.matches(resource, fold),
            Expr::Present(path) => lookup(resource, path).is_some_and(|v| !v.is_null()),
            Expr::Compare { path, op, value } => match lookup(resource, path) {
                // An array matches when one of its elements does (RFC 7644 §3.4.2.2).
                Some(Value::Array(items)) => items.iter().any(|v| compare(v, *op, value, fold)),
                Some(v) => compare(v, *op, value, fold),
                None => value.is_null() && *op == Op::Eq,
            },
        }
    }

    /// The value of `path eq "value"` when that is the whole expression (for a direct lookup).
    pub(crate) fn only_equals(&self, path: &str) -> Option<&str> {
        match self {
            Expr::Compare {
                path: p,
                op: Op::Eq,
                value: Value::String(v),
            } if p == path => Some(v),
            _ => None,
        }
    }
}

fn lookup<'a>(resource: &'a Value, path: &str) -> Option<&'a Value> {
    let mut v = resource;
    for part in path.split('.') {
        v = v.get(part)?;
    }
    Some(v)
}

fn compare(have: &Value, op: Op, want: &Value, fold: bool) -> bool {
    match (have, want) {
        (Value::String(h), Value::String(w)) => {
            let (h, w) = if fold {
                (h.to_lowercase(), w.to_lowercase())
            } else {
                (h.clone(), w.clone())
            };
            match op {
                Op::Eq => h == w,
                Op::Sw => h.starts_with(&w),
                Op::Co => h.contains(&w),
                Op::Ew => h.ends_with(&w),
                // Okta's timestamps and statuses compare as text.
                Op::Gt => h > w,
                Op::Ge => h >= w,
                Op::Lt => h < w,
                Op::Le => h <= w,
            }
        }
        (Value::Number(h), Value::Number(w)) => {
            let (Some(h), Some(w)) = (h.as_f64(), w.as_f64()) else {
                return false;
            };
            match op {
                Op::Eq => h == w,
                Op::Gt => h > w,
                Op::Ge => h >= w,
                Op::Lt => h < w,
                Op::Le => h <= w,
                Op::Sw | Op::Co | Op::Ew => false,
            }
        }
        (h, w) => op == Op::Eq && h == w,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    const USERS: &[&str] = &[
        "status",
        "lastUpdated",
        "id",
        "profile.login",
        "profile.email",
        "profile.firstName",
        "profile.lastName",
    ];

    fn user() -> Value {
        json!({"id": "00u1", "status": "ACTIVE", "lastUpdated": "2024-05-01T00:00:00.000Z",
               "profile": {"login": "Ada@Example.com", "firstName": "Ada", "department": "R&D",
                           "mobilePhone": null, "tags": ["x", "y"]}})
    }

    fn check(text: &str, dialect: Dialect) -> bool {
        let expr = parse(text, dialect).unwrap_or_else(|| panic!("{text:?} parses"));
        expr.matches(&user(), dialect == Dialect::Search)
    }

    #[test]
    fn the_filter_forms_of_oktas_contract() {
        let f = Dialect::Filter(USERS);
        assert!(check(r#"status eq "ACTIVE""#, f));
        assert!(check(r#"profile.login eq "Ada@Example.com""#, f));
        // Values keep their case in a filter.
        assert!(!check(r#"profile.login eq "ada@example.com""#, f));
        // Operators do not.
        assert!(check(
            r#"status EQ "ACTIVE" AND lastUpdated gt "2024-01-01T00:00:00.000Z""#,
            f
        ));
        assert!(check(r#"status eq "STAGED" or id eq "00u1""#, f));
        assert!(!check(r#"lastUpdated lt "2024-01-01T00:00:00.000Z""#, f));
        // Only eq, only these properties, no not, no pr.
        for bad in [
            r#"profile.login sw "Ada""#,
            r#"status gt "A""#,
            r#"profile.department eq "R&D""#,
            r#"not status eq "ACTIVE""#,
            "profile.login pr",
        ] {
            assert_eq!(parse(bad, f), None, "{bad}");
        }
    }

    #[test]
    fn the_search_forms_of_oktas_contract() {
        let s = Dialect::Search;
        assert!(check(r#"profile.login eq "ada@example.com""#, s));
        assert!(check(r#"profile.firstName sw "ad""#, s));
        assert!(check(r#"profile.department eq "r&d""#, s));
        // The contract's way to say "not STAGED".
        assert!(check(r#"(status lt "STAGED" or status gt "STAGED")"#, s));
        assert!(check(r#"not (status eq "SUSPENDED")"#, s));
        assert!(check("profile.department pr", s));
        assert!(!check("profile.mobilePhone pr", s));
        assert!(check(r#"profile.tags eq "y""#, s));
        assert!(check(
            r#"profile.login co "example" and (id eq "00u2" or status eq "active")"#,
            s
        ));
    }

    #[test]
    fn malformed_expressions_are_refused() {
        for bad in [
            "",
            "status",
            "status eq",
            r#"status eq "ACTIVE"#,
            r#"status ne "ACTIVE""#,
            r#"(status eq "ACTIVE""#,
            r#"status eq "ACTIVE")"#,
            r#"status eq "ACTIVE" and"#,
            r#"status eq "A" "B""#,
            r#"pro file eq "x""#,
            r#"profile..login eq "x""#,
        ] {
            assert_eq!(parse(bad, Dialect::Search), None, "{bad:?}");
        }
        let deep = format!("{}status pr{}", "(".repeat(40), ")".repeat(40));
        assert_eq!(parse(&deep, Dialect::Search), None);
        assert_eq!(parse(&"a pr or ".repeat(400), Dialect::Search), None);
    }

    #[test]
    fn a_lookup_by_one_equality_is_recognised() {
        let e = parse(r#"profile.login eq "a@b.c""#, Dialect::Search).unwrap();
        assert_eq!(e.only_equals("profile.login"), Some("a@b.c"));
        assert_eq!(e.only_equals("id"), None);
    }
}
