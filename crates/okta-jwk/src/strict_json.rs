//! JSON reading that refuses duplicate member names at any depth (RFC 7517 §4, RFC 8259 §4).
//!
//! `serde_json` keeps the last of two equal names without a word; for keys that would let two
//! readers see two different keys in one document.

use std::fmt;

use serde::de::{self, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Value};

use crate::error::{Error, sanitize};

/// Parses `text` into a `Value`, refusing duplicate member names. Errors never quote the input.
pub(crate) fn parse(text: &str, what: &'static str, max: usize) -> Result<Value, Error> {
    if text.len() > max {
        return Err(Error::TooLarge {
            what,
            len: text.len(),
            max,
        });
    }
    let mut de = serde_json::Deserializer::from_str(text);
    let strict = match de::Deserialize::deserialize(&mut de).and_then(|v| de.end().map(|()| v)) {
        Ok(Strict(v)) => v,
        Err(e) => {
            return Err(match duplicate_name(&e) {
                Some(member) => Error::DuplicateMember { what, member },
                None => Error::Json {
                    what,
                    line: e.line(),
                    column: e.column(),
                },
            });
        }
    };
    Ok(strict)
}

const DUPLICATE: &str = "duplicate member ";

fn duplicate_name(e: &serde_json::Error) -> Option<String> {
    let msg = e.to_string();
    let rest = msg.strip_prefix(DUPLICATE)?;
    // The message is "duplicate member <name> at line L column C": keep only the name.
    let name = rest.rsplit_once(" at line ").map_or(rest, |(n, _)| n);
    Some(sanitize(name))
}

struct Strict(Value);

impl<'de> de::Deserialize<'de> for Strict {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(StrictVisitor).map(Strict)
    }
}

struct StrictVisitor;

impl<'de> Visitor<'de> for StrictVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map_or(Value::Null, Value::Number))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_owned()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut out = Vec::new();
        while let Some(Strict(v)) = seq.next_element()? {
            out.push(v);
        }
        Ok(Value::Array(out))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format_args!("{DUPLICATE}{key}")));
            }
            let Strict(v) = map.next_value()?;
            out.insert(key, v);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_duplicates_at_any_depth() {
        let top = parse(r#"{"n":"a","n":"b"}"#, "JWK", 1000).unwrap_err();
        assert!(matches!(top, Error::DuplicateMember { ref member, .. } if member == "n"));
        let deep = parse(r#"{"keys":[{"kty":"RSA","e":"1","e":"2"}]}"#, "JWKS", 1000).unwrap_err();
        assert!(matches!(deep, Error::DuplicateMember { ref member, .. } if member == "e"));
    }

    #[test]
    fn errors_do_not_quote_the_input() {
        let err = parse(r#"{"d": "SECRETSECRET" x}"#, "JWK", 1000).unwrap_err();
        assert!(!err.to_string().contains("SECRET"), "{err}");
        assert!(matches!(err, Error::Json { line: 1, .. }));
    }

    #[test]
    fn caps_the_size() {
        let err = parse(&"1".repeat(11), "JWK", 10).unwrap_err();
        assert!(matches!(
            err,
            Error::TooLarge {
                len: 11,
                max: 10,
                ..
            }
        ));
    }

    #[test]
    fn keeps_ordinary_values() -> Result<(), Error> {
        let v = parse(r#"{"a":[1,-2,3.5,true,null,"s"],"b":{}}"#, "JWK", 1000)?;
        assert_eq!(v, serde_json::json!({"a":[1,-2,3.5,true,null,"s"],"b":{}}));
        Ok(())
    }
}
