//! Human durations on the command line and in query strings (`90s`, `5m`, `1h30m`, `2d`, a bare
//! number = seconds). One grammar for both, written down as [`PATTERN`] for the OpenAPI
//! document, so the document and the parser accept exactly the same strings.

use std::time::Duration;

/// The grammar of [`parse`] as an ECMA-262/JSON Schema pattern (also needs a length of at least
/// 1): a bare number of seconds, or parts `N<unit>` with units largest first, each at most once.
/// N has 1 to 5 digits and an optional fraction, which bounds a duration to about 2,200 years,
/// so a window like `now() - since` always stays a valid timestamp.
pub const PATTERN: &str = concat!(
    r"^(?:[0-9]{1,5}(?:\.[0-9]+)?",
    r"|(?:[0-9]{1,5}(?:\.[0-9]+)?w)?",
    r"(?:[0-9]{1,5}(?:\.[0-9]+)?(?:days|day|d))?",
    r"(?:[0-9]{1,5}(?:\.[0-9]+)?(?:hrs|hr|h))?",
    r"(?:[0-9]{1,5}(?:\.[0-9]+)?(?:mins|min|m))?",
    r"(?:[0-9]{1,5}(?:\.[0-9]+)?(?:secs|sec|s))?",
    r"(?:[0-9]{1,5}(?:\.[0-9]+)?ms)?)$"
);

/// Units, largest first (the order parts must come in), with their length in seconds.
const UNITS: [(&[&str], f64); 6] = [
    (&["w"], 604_800.0),
    (&["d", "day", "days"], 86_400.0),
    (&["h", "hr", "hrs"], 3_600.0),
    (&["m", "min", "mins"], 60.0),
    (&["s", "sec", "secs"], 1.0),
    (&["ms"], 0.001),
];

/// Parse a duration such as `30s`, `5m`, `1h30m`, `2d`, `250ms` or `45` (seconds): exactly the
/// strings [`PATTERN`] matches.
pub fn parse(s: &str) -> Result<Duration, String> {
    let bad = || {
        format!(
            "'{s}' is not a duration; write e.g. 30s, 5m, 1h30m, 2d or a number of seconds \
             (units largest first, at most 5 digits each)"
        )
    };
    let (n, rest) = number(s).ok_or_else(bad)?;
    if rest.is_empty() {
        return Ok(Duration::from_secs_f64(n));
    }
    let mut total = 0f64;
    let mut next_unit = 0;
    let mut rest = s;
    while !rest.is_empty() {
        let (n, after) = number(rest).ok_or_else(bad)?;
        let unit_len = after
            .find(|c: char| !c.is_ascii_alphabetic())
            .unwrap_or(after.len());
        let unit = &after[..unit_len];
        let i = UNITS[next_unit..]
            .iter()
            .position(|(names, _)| names.contains(&unit))
            .ok_or_else(bad)?;
        total += n * UNITS[next_unit + i].1;
        next_unit += i + 1;
        rest = &after[unit_len..];
    }
    Ok(Duration::from_secs_f64(total))
}

/// A leading `[0-9]{1,5}(\.[0-9]+)?` and what follows it.
fn number(s: &str) -> Option<(f64, &str)> {
    let digits = |t: &str| t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
    let whole = digits(s);
    if !(1..=5).contains(&whole) {
        return None;
    }
    let mut end = whole;
    if let Some(frac) = s[whole..].strip_prefix('.') {
        let n = digits(frac);
        if n == 0 {
            return None;
        }
        end += 1 + n;
    }
    Some((s[..end].parse().ok()?, &s[end..]))
}

/// Short human form for tables: `45s`, `3m12s`, `2h05m`, `3d04h`.
pub fn human(d: Duration) -> String {
    let s = d.as_secs();
    if s < 60 {
        if d.as_secs_f64() < 10.0 && d.subsec_millis() > 0 {
            return format!("{:.1}s", d.as_secs_f64());
        }
        format!("{s}s")
    } else if s < 3600 {
        format!("{}m{:02}s", s / 60, s % 60)
    } else if s < 86400 {
        format!("{}h{:02}m", s / 3600, (s % 3600) / 60)
    } else {
        format!("{}d{:02}h", s / 86400, (s % 86400) / 3600)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn parses_units() {
        assert_eq!(parse("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("2d").unwrap(), Duration::from_secs(172_800));
        assert_eq!(parse("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse("1.5m").unwrap(), Duration::from_secs(90));
        assert_eq!(parse("1s500ms").unwrap(), Duration::from_millis(1500));
        assert_eq!(parse("2days3hrs").unwrap(), Duration::from_secs(183_600));
        for bad in [
            "", "m", "5x", "-3", "1h-", "abc", " 5m", "5m ", "30m1h", "1m1m", "1e3", "+5", ".5",
            "5.", "inf", "NaN", "123456", "100000s", "1h30", "5M",
        ] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_longest_duration_is_bounded() {
        let longest = parse("99999.9w99999.9d99999.9h99999.9m99999.9s99999.9ms").unwrap();
        assert!(longest.as_secs_f64() < 1e11, "{longest:?}");
    }

    fn pattern() -> regex::Regex {
        regex::Regex::new(PATTERN).unwrap()
    }

    proptest! {
        #[test]
        fn every_string_the_pattern_matches_parses(
            s in proptest::string::string_regex(&PATTERN[1..PATTERN.len() - 1]).unwrap()
        ) {
            prop_assume!(!s.is_empty());
            prop_assert!(parse(&s).is_ok(), "{s}");
        }

        #[test]
        fn the_parser_accepts_only_what_the_pattern_matches(
            s in r"[0-9.]{0,7}(w|d|days?|hr?s?|m|mins?|s|secs?|ms|x|e)?[0-9.]{0,3}[a-z]{0,3}[0-9]{0,2}"
        ) {
            prop_assert_eq!(parse(&s).is_ok(), !s.is_empty() && pattern().is_match(&s), "{}", s);
        }
    }

    #[test]
    fn human_is_short() {
        assert_eq!(human(Duration::from_secs(45)), "45s");
        assert_eq!(human(Duration::from_secs(192)), "3m12s");
        assert_eq!(human(Duration::from_secs(7500)), "2h05m");
    }
}
