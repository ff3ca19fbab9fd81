//! Formatting of what people read: dates, times, whole numbers. Times are shown in the reader's time zone: the
//! request's extractor (or the mail job, per recipient) names it once, and every timestamp formatted while the
//! request is served reads it, so that no view can forget to convert.

use std::cell::Cell;

use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use chrono_tz::Tz;

tokio::task_local! {
    /// The zone of whoever reads what is being formatted; UTC until the request's reader is known.
    static READER_ZONE: Cell<Tz>;
}

/// Serves `f` with room for its reader's zone (UTC until `set_reader_zone`).
pub async fn with_reader_zone<F: std::future::Future>(f: F) -> F::Output {
    READER_ZONE.scope(Cell::new(Tz::UTC), f).await
}

/// Names the zone of the current request's reader; outside `with_reader_zone` it does nothing.
pub fn set_reader_zone(zone: Tz) {
    let _ = READER_ZONE.try_with(|z| z.set(zone));
}

/// Runs `f` (rendering a message for one recipient) with times in `zone`.
pub fn in_zone<R>(zone: Tz, f: impl FnOnce() -> R) -> R {
    READER_ZONE.sync_scope(Cell::new(zone), f)
}

/// The zone times are shown in now.
pub fn reader_zone() -> Tz {
    READER_ZONE.try_with(Cell::get).unwrap_or(Tz::UTC)
}

/// A zone by its IANA name ("America/Chicago"); `None` for a name the zone database does not know.
pub fn zone(name: &str) -> Option<Tz> {
    name.trim().parse::<Tz>().ok()
}

/// The city a zone is named after, for sentences: "America/Chicago" → "Chicago", "UTC" → "UTC".
pub fn zone_city(zone: Tz) -> String {
    zone.name().rsplit('/').next().unwrap_or("UTC").replace('_', " ")
}

/// Every zone as a select's options, by name.
pub fn zone_options() -> Vec<(String, String)> {
    chrono_tz::TZ_VARIANTS.iter().map(|z| (z.name().to_string(), z.name().replace('_', " "))).collect()
}

/// The day it is at `now` in `zone`: deadlines are days in the program's zone.
pub fn today_in(zone: Tz, now: DateTime<Utc>) -> NaiveDate {
    now.with_timezone(&zone).date_naive()
}

/// A deadline stated with its zone: "due 5 Dec 2026, end of day, Chicago time".
pub fn deadline(day: NaiveDate, zone: Tz) -> String {
    format!("{}, end of day, {} time", date(day), zone_city(zone))
}

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// "9 Mar 2026". Written out rather than through a strftime pattern, which is parsed anew on every call: lists
/// format a few dates per row.
pub fn date(d: NaiveDate) -> String {
    let mut out = String::with_capacity(12);
    push_digits(&mut out, u128::from(d.day()), false);
    out.push(' ');
    out.push_str(MONTHS[d.month0() as usize]);
    out.push(' ');
    if d.year() < 0 {
        out.push('-');
    }
    push_digits(&mut out, u128::from(d.year().unsigned_abs()), false);
    out
}

/// "9 Mar 2026, 08:05 CST": the time in the reader's zone, with the zone's abbreviation.
pub fn datetime(t: DateTime<Utc>) -> String {
    let local = t.with_timezone(&reader_zone());
    format!("{}, {:02}:{:02} {}", date(local.date_naive()), local.hour(), local.minute(), local.format("%Z"))
}

/// The day of a moment in the reader's zone: "9 Mar 2026".
pub fn day(t: DateTime<Utc>) -> String {
    date(t.with_timezone(&reader_zone()).date_naive())
}

/// 1234567 → "1,234,567".
pub fn int(n: i64) -> String {
    let mut out = String::with_capacity(27);
    if n < 0 {
        out.push('-');
    }
    push_digits(&mut out, u128::from(n.unsigned_abs()), true);
    out
}

/// Writes `n`, with thousands separators when `grouped`, without formatting machinery: lists write a few numbers
/// per row.
fn push_digits(out: &mut String, mut n: u128, grouped: bool) {
    let mut digits = [0u8; 39];
    let mut len = 0;
    loop {
        digits[len] = b'0' + (n % 10) as u8;
        len += 1;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    for i in (0..len).rev() {
        out.push(char::from(digits[i]));
        if grouped && i > 0 && i % 3 == 0 {
            out.push(',');
        }
    }
}

/// A share as a whole percentage of `total` (0 when the total is 0).
pub fn percent(part: i64, total: i64) -> i64 {
    if total <= 0 { 0 } else { (part * 100 + total / 2) / total }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_numbers_get_thousands_separators() {
        assert_eq!(int(0), "0");
        assert_eq!(int(999), "999");
        assert_eq!(int(1000), "1,000");
        assert_eq!(int(1234567), "1,234,567");
        assert_eq!(int(-45000), "-45,000");
    }

    #[test]
    fn dates_read_day_month_year() {
        assert_eq!(date(NaiveDate::from_ymd_opt(2026, 3, 9).unwrap()), "9 Mar 2026");
        assert_eq!(date(NaiveDate::from_ymd_opt(1999, 12, 31).unwrap()), "31 Dec 1999");
        let t = NaiveDate::from_ymd_opt(2026, 1, 5).unwrap().and_hms_opt(7, 4, 59).unwrap().and_utc();
        assert_eq!(datetime(t), "5 Jan 2026, 07:04 UTC");
    }

    proptest::proptest! {
        #[test]
        fn dates_read_as_strftime_would_write_them(days in 0i64..200_000, secs in 0u32..86_400) {
            let d = NaiveDate::from_ymd_opt(1900, 1, 1).unwrap() + chrono::Duration::days(days);
            proptest::prop_assert_eq!(date(d), d.format("%-d %b %Y").to_string());
            let t = d.and_hms_opt(secs / 3600, secs / 60 % 60, secs % 60).unwrap().and_utc();
            proptest::prop_assert_eq!(datetime(t), t.format("%-d %b %Y, %H:%M UTC").to_string());
        }
    }

    #[test]
    fn times_read_in_the_readers_zone_with_its_abbreviation() {
        let t = NaiveDate::from_ymd_opt(2026, 12, 3).unwrap().and_hms_opt(4, 30, 0).unwrap().and_utc();
        assert_eq!(datetime(t), "3 Dec 2026, 04:30 UTC", "no reader named: UTC");
        assert_eq!(in_zone(zone("America/Chicago").unwrap(), || datetime(t)), "2 Dec 2026, 22:30 CST");
        assert_eq!(in_zone(zone("Australia/Sydney").unwrap(), || day(t)), "3 Dec 2026");
        assert_eq!(in_zone(zone("Asia/Tokyo").unwrap(), || datetime(t)), "3 Dec 2026, 13:30 JST");
        assert_eq!(zone("Mars/Olympus"), None);
    }

    #[test]
    fn a_deadline_near_midnight_falls_on_the_programs_day_west_and_east_of_utc() {
        // 05:30 UTC on 5 Dec is still 4 Dec in Chicago; 14:30 UTC on 5 Dec is already 6 Dec in Auckland.
        let chicago = zone("America/Chicago").unwrap();
        let early = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap().and_hms_opt(5, 30, 0).unwrap().and_utc();
        assert_eq!(today_in(chicago, early), NaiveDate::from_ymd_opt(2026, 12, 4).unwrap());
        let auckland = zone("Pacific/Auckland").unwrap();
        let late = NaiveDate::from_ymd_opt(2026, 12, 5).unwrap().and_hms_opt(14, 30, 0).unwrap().and_utc();
        assert_eq!(today_in(auckland, late), NaiveDate::from_ymd_opt(2026, 12, 6).unwrap());
        assert_eq!(deadline(today_in(chicago, early), chicago), "4 Dec 2026, end of day, Chicago time");
        assert_eq!(zone_city(zone("America/Los_Angeles").unwrap()), "Los Angeles");
    }

    #[test]
    fn percentages_round_and_survive_an_empty_total() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(2, 3), 67);
        assert_eq!(percent(5, 0), 0);
    }
}

/// An amount with thousands separators and two decimals, after its currency code: "USD 12,500.00".
pub fn money(amount: rust_decimal::Decimal, currency: &str) -> String {
    let rounded = amount.round_dp(2);
    // At most two decimals now, so the mantissa in cents is exact.
    let cents = rounded.mantissa() * 10i128.pow(2 - rounded.scale().min(2));
    let mut out = String::with_capacity(currency.len() + 24);
    out.push_str(currency);
    out.push(' ');
    if cents < 0 {
        out.push('-');
    }
    let cents = cents.unsigned_abs();
    push_digits(&mut out, cents / 100, true);
    let fraction = (cents % 100) as u8;
    out.push('.');
    out.push(char::from(b'0' + fraction / 10));
    out.push(char::from(b'0' + fraction % 10));
    out
}

#[cfg(test)]
mod money_tests {
    use super::money;
    use rust_decimal::Decimal;
    use std::str::FromStr;

    #[test]
    fn money_reads_with_currency_separators_and_cents() {
        assert_eq!(money(Decimal::from_str("12500").unwrap(), "USD"), "USD 12,500.00");
        assert_eq!(money(Decimal::from_str("1234567.5").unwrap(), "EUR"), "EUR 1,234,567.50");
        assert_eq!(money(Decimal::from_str("0.07").unwrap(), "GBP"), "GBP 0.07");
        assert_eq!(money(Decimal::from_str("-0.50").unwrap(), "GBP"), "GBP -0.50", "a credit under one unit");
        assert_eq!(money(Decimal::from_str("999.995").unwrap(), "USD"), "USD 1,000.00");
        assert_eq!(money(Decimal::from_str("2.125").unwrap(), "USD"), "USD 2.12", "half to even, as before");
        assert_eq!(money(Decimal::MAX, "USD"), "USD 79,228,162,514,264,337,593,543,950,335.00");
    }

    proptest::proptest! {
        #[test]
        fn money_reads_as_the_rounded_amount_it_is(units in -10_000_000_000i64..10_000_000_000, scale in 0u32..6) {
            let amount = Decimal::new(units, scale);
            let text = money(amount, "EUR");
            let digits: String = text["EUR ".len()..].chars().filter(|c| *c != ',').collect();
            proptest::prop_assert_eq!(Decimal::from_str(&digits).unwrap(), amount.round_dp(2));
            proptest::prop_assert!(digits.split('.').nth(1).is_some_and(|cents| cents.len() == 2));
        }
    }
}
