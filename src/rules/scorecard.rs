//! The performance scorecard's figures, one definition each: attainment, pace and its red/yellow/green mark,
//! pipeline-to-target with its coverage, average deal size and win rate, weighted plan attainment, the profit
//! forecast, fiscal periods and the targets a new plan starts from. Pure: the store measures, this judges.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::Serialize;

/// A metric's mark, judged on pace.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Mark {
    Red,
    Yellow,
    Green,
}

impl Mark {
    pub fn label(self) -> &'static str {
        match self {
            Mark::Red => "Behind",
            Mark::Yellow => "At risk",
            Mark::Green => "On track",
        }
    }

    pub fn css(self) -> &'static str {
        match self {
            Mark::Red => "red",
            Mark::Yellow => "yellow",
            Mark::Green => "green",
        }
    }
}

/// Where pace (actual ÷ expected to date) turns a mark green or yellow: green at ≥ 100 %, yellow at ≥ 75 %.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Bands {
    pub green: Decimal,
    pub yellow: Decimal,
}

impl Default for Bands {
    fn default() -> Bands {
        Bands { green: Decimal::ONE, yellow: Decimal::new(75, 2) }
    }
}

/// The coverage index asked for when the program sets none.
pub const DEFAULT_COVERAGE: Decimal = Decimal::from_parts(3, 0, 0, false, 0);

/// The fewest closed deals (won + lost) a trailing win rate must rest on to set the coverage.
pub const MIN_CLOSED_FOR_WIN_RATE: i64 = 5;

/// actual ÷ target; None without a positive target.
pub fn attainment(actual: Decimal, target: Decimal) -> Option<Decimal> {
    (target > Decimal::ZERO).then(|| actual / target)
}

/// How much of the target should be there after `elapsed` (0–1) of the period.
pub fn expected_to_date(target: Decimal, elapsed: Decimal) -> Decimal {
    target * elapsed.clamp(Decimal::ZERO, Decimal::ONE)
}

/// actual ÷ expected to date; None without a positive target. Before the period starts nothing is expected, so any
/// actual is on pace (1, or more when something is there already).
pub fn pace(actual: Decimal, target: Decimal, elapsed: Decimal) -> Option<Decimal> {
    if target <= Decimal::ZERO {
        return None;
    }
    let expected = expected_to_date(target, elapsed);
    if expected <= Decimal::ZERO {
        return Some(if actual > Decimal::ZERO { Decimal::TWO } else { Decimal::ONE });
    }
    Some(actual / expected)
}

/// The mark of a pace.
pub fn mark_of_pace(pace: Decimal, bands: Bands) -> Mark {
    if pace >= bands.green {
        Mark::Green
    } else if pace >= bands.yellow {
        Mark::Yellow
    } else {
        Mark::Red
    }
}

/// The mark of an actual against its target, judged on pace; None without a target.
pub fn mark(actual: Decimal, target: Decimal, elapsed: Decimal, bands: Bands) -> Option<Mark> {
    pace(actual, target, elapsed).map(|p| mark_of_pace(p, bands))
}

/// won ÷ (won + lost); None before anything closed.
pub fn win_rate(won: i64, lost: i64) -> Option<Decimal> {
    let closed = won.max(0) + lost.max(0);
    (closed > 0).then(|| Decimal::from(won.max(0)) / Decimal::from(closed))
}

/// Closed-won revenue ÷ deals won; None without a won deal.
pub fn average_deal_size(revenue: Decimal, won: i64) -> Option<Decimal> {
    (won > 0).then(|| (revenue / Decimal::from(won)).round_dp(2))
}

/// The pipeline coverage the scorecard asks for: the program's index, or — when the program derives it from the
/// partner's trailing win rate and enough deals closed — 1 ÷ win rate (a partner winning one in four needs 4×),
/// kept within 1–10.
pub fn coverage(program_index: Decimal, from_win_rate: bool, won: i64, lost: i64) -> Decimal {
    let fallback = if program_index > Decimal::ZERO { program_index } else { DEFAULT_COVERAGE };
    if !from_win_rate || won.max(0) + lost.max(0) < MIN_CLOSED_FOR_WIN_RATE {
        return fallback;
    }
    match win_rate(won, lost) {
        Some(rate) if rate > Decimal::ZERO => (Decimal::ONE / rate).round_dp(2).clamp(Decimal::ONE, Decimal::TEN),
        _ => Decimal::TEN,
    }
}

/// open pipeline ÷ (remaining target × coverage); None when nothing remains to be won (the target is met) or there
/// is no target.
pub fn pipeline_to_target(
    open_pipeline: Decimal,
    target: Decimal,
    actual: Decimal,
    coverage: Decimal,
) -> Option<Decimal> {
    let remaining = target - actual;
    if target <= Decimal::ZERO || remaining <= Decimal::ZERO || coverage <= Decimal::ZERO {
        return None;
    }
    Some(open_pipeline.max(Decimal::ZERO) / (remaining * coverage))
}

/// The plan's attainment: the mean of its objectives' attainments weighted by their weights, each objective counted
/// at most 200 % so one runaway objective cannot hide the others. Objectives without a target are left out; None
/// when none has one.
pub fn weighted_attainment(objectives: &[(u32, Option<Decimal>)]) -> Option<Decimal> {
    let cap = Decimal::TWO;
    let (mut sum, mut weights) = (Decimal::ZERO, Decimal::ZERO);
    for (weight, a) in objectives {
        if let Some(a) = a {
            let w = Decimal::from(*weight);
            sum += w * (*a).clamp(Decimal::ZERO, cap);
            weights += w;
        }
    }
    (weights > Decimal::ZERO).then(|| sum / weights)
}

/// The partner's profit forecast: revenue × margin % + rebates + MDF − its costs.
pub fn profit_forecast(
    revenue: Decimal,
    margin_percent: Decimal,
    rebates: Decimal,
    mdf: Decimal,
    costs: Decimal,
) -> Decimal {
    (revenue * margin_percent / Decimal::ONE_HUNDRED + rebates + mdf - costs).round_dp(2)
}

/// A new plan's quarterly targets: last year's quarter × (1 + growth %), rounded up to whole units. A quarter with
/// no history takes the mean of the year's quarters, so a partner that started mid-year gets a target everywhere.
pub fn prefill_targets(last_year: [Decimal; 4], growth_percent: Decimal) -> [Decimal; 4] {
    let factor = (Decimal::ONE + growth_percent / Decimal::ONE_HUNDRED).max(Decimal::ZERO);
    let total: Decimal = last_year.iter().map(|v| (*v).max(Decimal::ZERO)).sum();
    let mean = total / Decimal::from(4);
    last_year.map(|v| {
        let base = if v > Decimal::ZERO { v } else { mean };
        (base * factor).ceil()
    })
}

/// The fiscal year (named by the calendar year it starts in) that `day` falls in.
pub fn fiscal_year_of(day: NaiveDate, start_month: u32) -> i32 {
    let start_month = start_month.clamp(1, 12);
    if day.month() >= start_month { day.year() } else { day.year() - 1 }
}

/// The first day of a fiscal year's quarter (1–4; 5 is the next year's start).
pub fn quarter_start(fiscal_year: i32, start_month: u32, quarter: u32) -> NaiveDate {
    let months = (start_month.clamp(1, 12) - 1) + (quarter.clamp(1, 5) - 1) * 3;
    let year = fiscal_year + (months / 12) as i32;
    NaiveDate::from_ymd_opt(year, months % 12 + 1, 1).unwrap_or(NaiveDate::MAX)
}

/// The quarter (1–4) of its fiscal year that `day` falls in.
pub fn quarter_of(day: NaiveDate, start_month: u32) -> u32 {
    let start_month = start_month.clamp(1, 12);
    let offset = (day.month() + 12 - start_month) % 12;
    offset / 3 + 1
}

/// How much of [start, end) has gone by at the end of `today`, 0–1.
pub fn elapsed(start: NaiveDate, end: NaiveDate, today: NaiveDate) -> Decimal {
    let length = (end - start).num_days();
    if length <= 0 {
        return Decimal::ONE;
    }
    let gone = ((today - start).num_days() + 1).clamp(0, length);
    (Decimal::from(gone) / Decimal::from(length)).round_dp(4)
}

/// How much of each quarter of a fiscal year has gone by at the end of `today`, 0–1 each: a past quarter 1, a coming
/// one 0.
pub fn quarters_elapsed(fiscal_year: i32, start_month: u32, today: NaiveDate) -> [Decimal; 4] {
    let mut out = [Decimal::ZERO; 4];
    for (i, e) in out.iter_mut().enumerate() {
        let q = i as u32 + 1;
        *e = elapsed(quarter_start(fiscal_year, start_month, q), quarter_start(fiscal_year, start_month, q + 1), today);
    }
    out
}

/// The part of a year's quarterly targets expected by now: each quarter's target × the fraction of it gone
/// (`elapsed`, 0–1 each, clamped). Missing quarters count nothing; negative targets count as 0.
pub fn target_to_date(targets: &[Decimal], elapsed: &[Decimal]) -> Decimal {
    targets.iter().zip(elapsed).map(|(t, e)| expected_to_date((*t).max(Decimal::ZERO), *e)).sum()
}

/// The share of active partners with an agreed plan, 0–1; None without active partners. A count of plans above
/// the count of partners (which the store never gives) reads as full coverage.
pub fn plan_coverage(with_agreed_plan: i64, active_partners: i64) -> Option<Decimal> {
    (active_partners > 0)
        .then(|| Decimal::from(with_agreed_plan.clamp(0, active_partners)) / Decimal::from(active_partners))
}

/// The mean of partners' attainments, each counted at most 200 % (as in `weighted_attainment`) so one runaway
/// partner cannot hide the others, and at least 0; None for nobody.
pub fn mean_attainment(attainments: &[Decimal]) -> Option<Decimal> {
    if attainments.is_empty() {
        return None;
    }
    let sum: Decimal = attainments.iter().map(|a| (*a).clamp(Decimal::ZERO, Decimal::TWO)).sum();
    Some(sum / Decimal::from(attainments.len() as i64))
}

/// A ratio as a whole percent for people to read.
pub fn percent(ratio: Decimal) -> i64 {
    (ratio * Decimal::ONE_HUNDRED).round().to_i64().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn attainment_is_actual_over_target() {
        assert_eq!(attainment(d("45000"), d("60000")), Some(d("0.75")));
        assert_eq!(attainment(d("10"), d("0")), None);
    }

    #[test]
    fn marks_are_judged_on_pace_not_on_the_whole_target() {
        // Half the quarter gone, 60,000 target: 30,000 expected. 27,000 is 90 % of pace: yellow, though only 45 % of
        // the target; 30,000 is green; 21,000 (70 %) red.
        let half = d("0.5");
        let bands = Bands::default();
        assert_eq!(pace(d("27000"), d("60000"), half), Some(d("0.9")));
        assert_eq!(mark(d("27000"), d("60000"), half, bands), Some(Mark::Yellow));
        assert_eq!(mark(d("30000"), d("60000"), half, bands), Some(Mark::Green));
        assert_eq!(mark(d("21000"), d("60000"), half, bands), Some(Mark::Red));
        // Nothing expected before the period starts: on pace.
        assert_eq!(mark(d("0"), d("60000"), d("0"), bands), Some(Mark::Green));
        assert_eq!(mark(d("5"), d("0"), half, bands), None);
    }

    #[test]
    fn pipeline_to_target_divides_by_the_remaining_target_times_coverage() {
        // Target 100,000, 40,000 won: 60,000 remains; × 3 = 180,000 wanted; 90,000 open → 0.5.
        assert_eq!(pipeline_to_target(d("90000"), d("100000"), d("40000"), DEFAULT_COVERAGE), Some(d("0.5")));
        assert_eq!(pipeline_to_target(d("90000"), d("100000"), d("100000"), DEFAULT_COVERAGE), None);
    }

    #[test]
    fn coverage_comes_from_the_program_or_the_trailing_win_rate() {
        assert_eq!(coverage(d("3"), false, 1, 3), d("3"));
        // One in four won: 4×.
        assert_eq!(coverage(d("3"), true, 2, 6), d("4"));
        // Too few closed deals to judge: the program's index.
        assert_eq!(coverage(d("2.5"), true, 1, 3), d("2.5"));
        // Never won: the most, 10×; always won: at least 1×.
        assert_eq!(coverage(d("3"), true, 0, 8), d("10"));
        assert_eq!(coverage(d("3"), true, 8, 0), d("1"));
    }

    #[test]
    fn win_rate_and_average_deal_size() {
        assert_eq!(win_rate(3, 1), Some(d("0.75")));
        assert_eq!(win_rate(0, 0), None);
        assert_eq!(average_deal_size(d("100000"), 3), Some(d("33333.33")));
        assert_eq!(average_deal_size(d("100000"), 0), None);
    }

    #[test]
    fn weighted_attainment_weighs_objectives_and_caps_runaways() {
        // 60 × 0.5 + 40 × 1.0 = 70 over 100 → 0.70.
        assert_eq!(weighted_attainment(&[(60, Some(d("0.5"))), (40, Some(d("1")))]), Some(d("0.7")));
        // 5.0 counts as 2.0: (1 × 2 + 1 × 0) ÷ 2 = 1; no target is left out.
        assert_eq!(weighted_attainment(&[(1, Some(d("5"))), (1, Some(d("0"))), (50, None)]), Some(d("1")));
        assert_eq!(weighted_attainment(&[(1, None)]), None);
    }

    #[test]
    fn profit_forecast_is_revenue_times_margin_plus_rebates_and_mdf_less_costs() {
        // 400,000 × 22 % = 88,000; + 6,000 + 10,000 − 35,000 = 69,000.
        assert_eq!(profit_forecast(d("400000"), d("22"), d("6000"), d("10000"), d("35000")), d("69000"));
    }

    #[test]
    fn targets_grow_from_last_years_quarters_and_fill_empty_ones() {
        // Quarters 10,000 / 20,000 / 0 / 30,000 (mean 15,000), growth 10 %: 11,000 / 22,000 / 16,500 / 33,000.
        let t = prefill_targets([d("10000"), d("20000"), d("0"), d("30000")], d("10"));
        assert_eq!(t, [d("11000"), d("22000"), d("16500"), d("33000")]);
        // Counts round up: 3 deals × 1.1 = 3.3 → 4.
        assert_eq!(prefill_targets([d("3"); 4], d("10")), [d("4"); 4]);
    }

    #[test]
    fn fiscal_years_and_quarters_follow_the_start_month() {
        // Fiscal year starting in April: 2027-02-10 is in FY 2026, Q4 (January–March).
        assert_eq!(fiscal_year_of(day("2027-02-10"), 4), 2026);
        assert_eq!(quarter_of(day("2027-02-10"), 4), 4);
        assert_eq!(quarter_start(2026, 4, 4), day("2027-01-01"));
        assert_eq!(quarter_start(2026, 4, 5), day("2027-04-01"));
        assert_eq!(fiscal_year_of(day("2026-12-04"), 1), 2026);
        assert_eq!(quarter_of(day("2026-12-04"), 1), 4);
        assert_eq!(quarter_start(2026, 11, 2), day("2027-02-01"));
    }

    #[test]
    fn elapsed_counts_today_as_gone() {
        // Q4 2026 has 92 days; at the end of 2026-12-04, 31 (October) + 30 (November) + 4 = 65 are gone.
        let e = elapsed(day("2026-10-01"), day("2027-01-01"), day("2026-12-04"));
        assert_eq!(e, (Decimal::from(65) / Decimal::from(92)).round_dp(4));
        assert_eq!(elapsed(day("2026-10-01"), day("2027-01-01"), day("2026-09-01")), d("0"));
        assert_eq!(elapsed(day("2026-10-01"), day("2027-01-01"), day("2027-03-01")), d("1"));
    }

    #[test]
    fn target_to_date_counts_past_quarters_whole_and_the_current_one_by_its_part_gone() {
        // Fiscal year 2026 from January, at the end of 2026-12-04: Q1–Q3 gone, Q4 65 of 92 days.
        let e = quarters_elapsed(2026, 1, day("2026-12-04"));
        assert_eq!(e[..3], [d("1"), d("1"), d("1")]);
        assert_eq!(e[3], (Decimal::from(65) / Decimal::from(92)).round_dp(4));
        // Quarters of 10,000 / 20,000 / 30,000 / 40,000 with half of Q3 gone: 10,000 + 20,000 + 15,000 = 45,000.
        let t = [d("10000"), d("20000"), d("30000"), d("40000")];
        assert_eq!(target_to_date(&t, &[d("1"), d("1"), d("0.5"), d("0")]), d("45000"));
        // Before the year starts nothing is expected; after it, everything.
        assert_eq!(target_to_date(&t, &quarters_elapsed(2027, 1, day("2026-12-04"))), d("0"));
        assert_eq!(target_to_date(&t, &quarters_elapsed(2025, 1, day("2026-12-04"))), d("100000"));
        // 36,000 won against 45,000 expected: 80 %.
        assert_eq!(attainment(d("36000"), target_to_date(&t, &[d("1"), d("1"), d("0.5"), d("0")])), Some(d("0.8")));
    }

    #[test]
    fn plan_coverage_is_the_share_of_active_partners_with_an_agreed_plan() {
        assert_eq!(plan_coverage(3, 4), Some(d("0.75")));
        assert_eq!(plan_coverage(0, 7), Some(d("0")));
        assert_eq!(plan_coverage(0, 0), None);
        assert_eq!(plan_coverage(5, 4), Some(d("1")));
    }

    #[test]
    fn mean_attainment_caps_each_partner_at_200_percent() {
        // 0.5 + 1.0 + 2.0 (3.0 capped) = 3.5 over 3.
        assert_eq!(mean_attainment(&[d("0.5"), d("1"), d("3")]), Some(d("3.5") / d("3")));
        assert_eq!(mean_attainment(&[d("0.8"), d("0.6")]), Some(d("0.7")));
        assert_eq!(mean_attainment(&[]), None);
    }

    fn money() -> impl Strategy<Value = Decimal> {
        (0i64..100_000_000).prop_map(|c| Decimal::new(c, 2))
    }

    proptest! {
        #[test]
        fn more_closed_won_revenue_never_lowers_attainment(a in money(), extra in money(), t in money(),
                                                          e in 0u32..=100) {
            let elapsed = Decimal::new(i64::from(e), 2);
            prop_assert!(attainment(a + extra, t) >= attainment(a, t));
            prop_assert!(mark(a + extra, t, elapsed, Bands::default()) >= mark(a, t, elapsed, Bands::default()));
            let w = |x: Decimal| weighted_attainment(&[(3, attainment(x, t)), (1, Some(Decimal::new(5, 1)))]);
            prop_assert!(w(a + extra) >= w(a));
        }

        #[test]
        fn more_closed_won_revenue_never_lowers_the_overviews_attainment(
            won in money(), extra in money(), others in prop::collection::vec(0i64..400, 0..6),
            targets in prop::collection::vec(money(), 4), days in 0i64..400) {
            let today = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap() + chrono::Duration::days(days);
            let ttd = target_to_date(&targets, &quarters_elapsed(2026, 1, today));
            let others: Vec<Decimal> = others.into_iter().map(|a| Decimal::new(a, 2)).collect();
            let mean = |w: Decimal| {
                let mut all = others.clone();
                all.extend(attainment(w, ttd));
                mean_attainment(&all)
            };
            prop_assert!(attainment(won + extra, ttd) >= attainment(won, ttd));
            prop_assert!(mean(won + extra) >= mean(won));
            if let Some(m) = mean(won) {
                prop_assert!(m >= Decimal::ZERO && m <= Decimal::TWO);
            }
        }

        #[test]
        fn coverage_stays_within_0_and_1(with in -5i64..10_000, active in -5i64..10_000) {
            match plan_coverage(with, active) {
                Some(c) => prop_assert!(active > 0 && c >= Decimal::ZERO && c <= Decimal::ONE),
                None => prop_assert!(active <= 0),
            }
        }

        #[test]
        fn bands_are_monotone(p in 0i64..400, q in 0i64..400) {
            let (lo, hi) = (p.min(q), p.max(q));
            let bands = Bands::default();
            prop_assert!(mark_of_pace(Decimal::new(lo, 2), bands) <= mark_of_pace(Decimal::new(hi, 2), bands));
        }

        #[test]
        fn more_pipeline_never_lowers_coverage_and_weighted_attainment_stays_within_0_and_2(
            open in money(), extra in money(), t in money(), won in money(),
            ws in prop::collection::vec((1u32..100, proptest::option::of(0i64..1000)), 0..8)) {
            let c = DEFAULT_COVERAGE;
            prop_assert!(pipeline_to_target(open + extra, t, won, c) >= pipeline_to_target(open, t, won, c));
            let objectives: Vec<(u32, Option<Decimal>)> =
                ws.into_iter().map(|(w, a)| (w, a.map(|a| Decimal::new(a, 2)))).collect();
            if let Some(a) = weighted_attainment(&objectives) {
                prop_assert!(a >= Decimal::ZERO && a <= Decimal::TWO);
            }
        }
    }
}
