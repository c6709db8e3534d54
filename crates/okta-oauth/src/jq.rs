//! `--jq EXPR`: a jq filter over every JSON value a command prints (gh's flag), run by jaq, a
//! jq implementation in Rust. Strings come out as text, as `jq -r` and gh print them; any other
//! value as one line of JSON.

use jaq_core::load::{Arena, File, Loader};
use jaq_core::{Compiler, Ctx, Vars, data, unwrap_valr};
use jaq_json::Val;

/// A compiled filter.
pub(crate) struct Jq {
    filter: jaq_core::Filter<data::JustLut<Val>>,
}

impl std::fmt::Debug for Jq {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Jq")
    }
}

impl Jq {
    /// Compiles `code`, with jq's standard filters (`select`, `map`, `keys`, …).
    pub(crate) fn compile(code: &str) -> Result<Jq, String> {
        let defs = jaq_core::defs()
            .chain(jaq_std::defs())
            .chain(jaq_json::defs());
        let funs = jaq_core::funs()
            .chain(jaq_std::funs())
            .chain(jaq_json::funs());
        let loader = Loader::new(defs);
        let arena = Arena::default();
        let modules = loader
            .load(&arena, File { code, path: () })
            .map_err(|errors| {
                format!(
                    "--jq {code:?} does not parse ({} error{})",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" }
                )
            })?;
        let filter = Compiler::default()
            .with_funs(funs)
            .compile(modules)
            .map_err(|errors| {
                format!(
                    "--jq {code:?} does not compile: {} undefined or misused name{}",
                    errors.len(),
                    if errors.len() == 1 { "" } else { "s" }
                )
            })?;
        Ok(Jq { filter })
    }

    /// The lines `value` (JSON text) becomes.
    pub(crate) fn lines(&self, json: &[u8]) -> Result<Vec<String>, String> {
        let input = jaq_json::read::parse_single(json)
            .map_err(|e| format!("--jq: the output is not JSON: {e}"))?;
        let ctx = Ctx::<data::JustLut<Val>>::new(&self.filter.lut, Vars::new([]));
        let mut lines = Vec::new();
        for out in self.filter.id.run((ctx, input)).map(unwrap_valr) {
            let value = out.map_err(|e| format!("--jq: {e}"))?;
            let text = value.to_string();
            // A string as text: its JSON form read back.
            match serde_json::from_str::<serde_json::Value>(&text) {
                Ok(serde_json::Value::String(s)) => lines.push(s),
                _ => lines.push(text),
            }
        }
        Ok(lines)
    }
}

#[cfg(test)]
mod tests {
    use super::Jq;

    #[test]
    fn a_filter_selects_as_jq_does() {
        // Expected outputs as jq 1.7 prints them with -r (strings raw, the rest compact JSON
        // is jq's -c; jaq writes compact JSON).
        let jq = Jq::compile(".a[] | select(type == \"object\") | .b").unwrap();
        assert_eq!(
            jq.lines(br#"{"a":[1,{"b":"x"},{"b":2}]}"#).unwrap(),
            ["x", "2"]
        );
        let jq = Jq::compile("{id, n: (.tags | length)}").unwrap();
        assert_eq!(
            jq.lines(br#"{"id":"00u1","tags":["a","b"],"x":1}"#)
                .unwrap(),
            [r#"{"id":"00u1","n":2}"#]
        );
        assert!(Jq::compile(".a[").is_err());
        assert!(Jq::compile("nosuchfilter").is_err());
        let jq = Jq::compile(".a + 1").unwrap();
        assert!(jq.lines(br#"{"a":"text"}"#).is_err());
    }
}
