//! Reading two headers of Okta's answers: `Link` (RFC 8288) and an HTTP date (RFC 9110
//! §5.6.7), every number checked.

use crate::error::{Error, Result};

/// Parses `Link` header values (several lines and comma-joined), returning `(rel, url)` pairs.
pub(crate) fn links(values: &[&str], endpoint: &str) -> Result<Vec<(String, String)>> {
    let malformed = || Error::MalformedLink {
        endpoint: endpoint.to_owned(),
    };
    let mut out = Vec::new();
    for value in values {
        let mut rest = value.trim();
        while !rest.is_empty() {
            let Some(after) = rest.strip_prefix('<') else {
                return Err(malformed());
            };
            let Some((target, tail)) = after.split_once('>') else {
                return Err(malformed());
            };
            let end = tail.find(",").unwrap_or(tail.len());
            let params = &tail[..end];
            for param in params.split(';').map(str::trim).filter(|p| !p.is_empty()) {
                if let Some((name, v)) = param.split_once('=')
                    && name.trim().eq_ignore_ascii_case("rel")
                {
                    for rel in v.trim().trim_matches('"').split_whitespace() {
                        out.push((rel.to_ascii_lowercase(), target.to_owned()));
                    }
                }
            }
            rest = tail[end..].trim_start_matches(',').trim();
        }
    }
    Ok(out)
}

/// Parses an IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`) to Unix seconds. Every number comes
/// from the server: out of range (a year of 9223372036854775807, a 61st minute), it is `None`.
pub(crate) fn http_date(text: &str) -> Option<u64> {
    let parts: Vec<&str> = text.split_whitespace().collect();
    let [_, day, month, year, time, "GMT"] = parts[..] else {
        return None;
    };
    let months = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let m = i64::try_from(months.iter().position(|x| *x == month)?).ok()? + 1;
    let (d, y): (i64, i64) = (day.parse().ok()?, year.parse().ok()?);
    let hms: Vec<i64> = time
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    let [h, mi, s] = hms[..] else { return None };
    // RFC 9110 §5.6.7: a four-digit year; the fields in their ranges (60 for a leap second).
    if !(1970..=9999).contains(&y)
        || !(1..=31).contains(&d)
        || !(0..24).contains(&h)
        || !(0..60).contains(&mi)
        || !(0..=60).contains(&s)
    {
        return None;
    }
    // Days from civil (Howard Hinnant); with the ranges above nothing here can overflow.
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    u64::try_from(days * 86_400 + h * 3600 + mi * 60 + s).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn link_headers_in_both_forms() -> Result<()> {
        let separate = links(
            &[
                "<https://o/api/v1/users?limit=2>; rel=\"self\"",
                "<https://o/api/v1/users?after=x&limit=2>; rel=\"next\"",
            ],
            "GET /api/v1/users",
        )?;
        assert_eq!(
            separate[1],
            (
                "next".to_owned(),
                "https://o/api/v1/users?after=x&limit=2".to_owned()
            )
        );
        let joined = links(
            &["<https://o/a?x=1,2>; rel=\"self\", <https://o/a?after=y>; rel=next"],
            "GET /a",
        )?;
        assert_eq!(
            joined,
            vec![
                ("self".to_owned(), "https://o/a?x=1,2".to_owned()),
                ("next".to_owned(), "https://o/a?after=y".to_owned())
            ]
        );
        assert!(links(&["https://o/a; rel=next"], "GET /a").is_err());
        assert!(links(&["<https://o/a"], "GET /a").is_err());
        Ok(())
    }

    #[test]
    fn http_dates() {
        assert_eq!(
            http_date("Sun, 06 Nov 1994 08:49:37 GMT"),
            Some(784_111_777)
        );
        assert_eq!(
            http_date("Mon, 23 Nov 2026 15:17:43 GMT"),
            Some(1_795_447_063)
        );
        assert_eq!(http_date("yesterday"), None);
        // Out of range, as a hostile server may send (issue 13: these overflowed).
        assert_eq!(
            http_date("Sun, 06 Nov 9223372036854775807 08:49:37 GMT"),
            None
        );
        assert_eq!(http_date("Sun, 99999999999 Nov 1994 08:49:37 GMT"), None);
        assert_eq!(http_date("Sun, 06 Nov 1994 99999999999:49:37 GMT"), None);
        assert_eq!(http_date("Sun, 06 Nov -5 08:49:37 GMT"), None);
    }
}
