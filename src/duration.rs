//! Human durations on the command line (`90s`, `5m`, `1h30m`, `2d`, a bare number = seconds).

use std::time::Duration;

/// Parse a duration such as `30s`, `5m`, `1h30m`, `2d`, `250ms` or `45` (seconds).
pub fn parse(s: &str) -> Result<Duration, String> {
    let bad =
        || format!("'{s}' is not a duration; write e.g. 30s, 5m, 1h30m, 2d or a number of seconds");
    let t = s.trim();
    if t.is_empty() {
        return Err(bad());
    }
    if let Ok(secs) = t.parse::<f64>() {
        return if (0.0..1e10).contains(&secs) {
            Ok(Duration::from_secs_f64(secs))
        } else {
            Err(bad())
        };
    }
    let mut total = 0f64;
    let mut rest = t;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        if num_end == 0 {
            return Err(bad());
        }
        let n: f64 = rest[..num_end].parse().map_err(|_| bad())?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let factor = match &rest[..unit_end] {
            "ms" => 0.001,
            "s" | "sec" | "secs" => 1.0,
            "m" | "min" | "mins" => 60.0,
            "h" | "hr" | "hrs" => 3600.0,
            "d" | "day" | "days" => 86400.0,
            "w" => 604800.0,
            _ => return Err(bad()),
        };
        total += n * factor;
        rest = &rest[unit_end..];
    }
    if total >= 1e10 {
        return Err(bad());
    }
    Ok(Duration::from_secs_f64(total))
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

    #[test]
    fn parses_units() {
        assert_eq!(parse("90").unwrap(), Duration::from_secs(90));
        assert_eq!(parse("1h30m").unwrap(), Duration::from_secs(5400));
        assert_eq!(parse("2d").unwrap(), Duration::from_secs(172_800));
        assert_eq!(parse("250ms").unwrap(), Duration::from_millis(250));
        assert_eq!(parse("1.5m").unwrap(), Duration::from_secs(90));
        for bad in ["", "m", "5x", "-3", "1h-", "abc"] {
            assert!(parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn human_is_short() {
        assert_eq!(human(Duration::from_secs(45)), "45s");
        assert_eq!(human(Duration::from_secs(192)), "3m12s");
        assert_eq!(human(Duration::from_secs(7500)), "2h05m");
    }
}
