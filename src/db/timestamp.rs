//! Timestamps and dates as PostgreSQL writes them in text, read without a format parser.
//!
//! Pages read in one round trip get their rows as text (a simple query has no binary results), and sqlx reads a text
//! `timestamptz` with chrono's `parse_from_str`, which parses its format pattern anew for every value: about 3,000
//! instructions a timestamp, an eighth of the approval queue's own work. PostgreSQL's output has one shape,
//! `2026-11-30 12:34:56.123456+00` (fraction and offset minutes only when not zero), which is read here directly;
//! anything else (BC dates, years past 9999, `infinity`) is left to sqlx's decoder (see `db::row`).

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};

/// The number written by the ASCII digits `b[range]`, or None when there is anything else there.
fn num(b: &[u8], range: std::ops::Range<usize>) -> Option<u32> {
    let digits = b.get(range)?;
    digits.iter().try_fold(0u32, |n, &d| d.is_ascii_digit().then(|| n * 10 + u32::from(d - b'0')))
}

/// The date at the start of `b` (`YYYY-MM-DD`).
fn date_at(b: &[u8]) -> Option<NaiveDate> {
    if b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
        return None;
    }
    NaiveDate::from_ymd_opt(num(b, 0..4)? as i32, num(b, 5..7)?, num(b, 8..10)?)
}

/// `YYYY-MM-DD`, or None for any other text.
pub(super) fn parse_date(s: &str) -> Option<NaiveDate> {
    if s.len() != 10 {
        return None;
    }
    date_at(s.as_bytes())
}

/// `YYYY-MM-DD HH:MM:SS[.f{1,6}]±HH[:MM[:SS]]`, or None for any other text.
pub(super) fn parse(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    let num = |range: std::ops::Range<usize>| num(b, range);
    let punct = |i: usize, c: u8| b.get(i) == Some(&c);
    if !(punct(10, b' ') && punct(13, b':') && punct(16, b':')) {
        return None;
    }
    let date = date_at(b)?;
    let (mut i, mut nanos) = (19, 0);
    if punct(i, b'.') {
        let start = i + 1;
        i = start;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        let digits = i - start;
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos = num(start..i)? * 10u32.pow(9 - digits as u32);
    }
    let time = date.and_hms_nano_opt(num(11..13)?, num(14..16)?, num(17..19)?, nanos)?;
    let sign = match b.get(i)? {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let mut offset = num(i + 1..i + 3)? as i32 * 3600;
    i += 3;
    for unit in [60, 1] {
        if punct(i, b':') {
            offset += num(i + 1..i + 3)? as i32 * unit;
            i += 3;
        }
    }
    if i != b.len() {
        return None;
    }
    let fixed = FixedOffset::east_opt(sign * offset)?.from_local_datetime(&time).single()?;
    Some(fixed.with_timezone(&Utc))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::Timelike;
    use proptest::prelude::*;

    /// What sqlx's decoder makes of the text.
    fn chrono_reads(s: &str) -> Option<DateTime<Utc>> {
        DateTime::parse_from_str(s, "%Y-%m-%d %H:%M:%S%.f%#z").ok().map(|t| t.with_timezone(&Utc))
    }

    #[test]
    fn reads_what_postgresql_writes() {
        let t = parse("2026-11-30 12:34:56.123456+00").unwrap();
        assert_eq!(t.to_rfc3339(), "2026-11-30T12:34:56.123456+00:00");
        assert_eq!(parse("2026-11-30 12:34:56+00").unwrap().nanosecond(), 0);
        assert_eq!(parse("2026-11-30 12:34:56.5+05:30").unwrap().to_rfc3339(), "2026-11-30T07:04:56.500+00:00");
        assert_eq!(parse("1901-12-13 20:45:52-00:09:21").unwrap().to_rfc3339(), "1901-12-13T20:55:13+00:00");
    }

    #[test]
    fn reads_dates_as_postgresql_writes_them() {
        assert_eq!(parse_date("2026-02-28"), NaiveDate::from_ymd_opt(2026, 2, 28));
        for s in ["2026-02-30", "2026-2-28", "12026-01-01", "2026-01-01 BC", "infinity", "2026/01/01", ""] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn leaves_any_other_text_to_the_general_decoder() {
        for s in [
            "infinity",
            "-infinity",
            "0044-03-15 12:00:00+00 BC",
            "12026-01-01 00:00:00+00",
            "2026-02-30 00:00:00+00",
            "2026-11-30 24:00:00+00",
            "2026-11-30 12:34:56",
            "2026-11-30 12:34:56.+00",
            "2026-11-30T12:34:56+00",
            "2026-11-30 12:34:56+0",
            "",
        ] {
            assert_eq!(parse(s), None, "{s}");
        }
    }

    proptest! {
        #[test]
        fn reads_as_chrono_reads(secs in -2_000_000_000i64..32_000_000_000, micros in 0u32..1_000_000,
                                 offset_minutes in -15 * 60i32..=15 * 60, digits in 0usize..=6) {
            let t = DateTime::from_timestamp(secs, micros * 1000).unwrap();
            let zone = FixedOffset::east_opt(offset_minutes * 60).unwrap();
            let local = t.with_timezone(&zone);
            let mut text = local.format("%Y-%m-%d %H:%M:%S").to_string();
            if digits > 0 {
                text.push_str(&format!(".{:06}", micros)[..digits + 1]);
            }
            let (sign, m) = if offset_minutes < 0 { ('-', -offset_minutes) } else { ('+', offset_minutes) };
            text.push_str(&format!("{sign}{:02}", m / 60));
            if m % 60 != 0 {
                text.push_str(&format!(":{:02}", m % 60));
            }
            prop_assert_eq!(parse(&text), chrono_reads(&text), "{}", text);
            prop_assert!(parse(&text).is_some());
        }
    }
}
