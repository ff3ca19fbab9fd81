//! Market development funds: the lead-waterfall forecast and its ROI, accrual allocations, the risk adjustment that
//! ranks the approval queue, the claim limit, and balances as sums of ledger movements. Pure: figures in, figures out.
//!
//! Money is `Decimal` with two places; rates are percents (`12.5` = 12.5 %). Stage counts are expected values and
//! keep their fractions: rounding a 0.4-win stage to 0 would zero every forecast of a small campaign.

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use serde::{Deserialize, Serialize};

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

/// The conversion rates of a campaign, each a percent between 0 and 100.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rates {
    pub response: Decimal,
    pub mql: Decimal,
    pub sql: Decimal,
    pub win: Decimal,
}

/// A forecast's inputs: who is reached, how they convert, what a won deal is worth.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Waterfall {
    pub audience: i64,
    pub rates: Rates,
    pub average_deal: Decimal,
}

/// Each stage of the waterfall, and the revenue it forecasts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Stages {
    pub responses: Decimal,
    pub mqls: Decimal,
    pub sqls: Decimal,
    pub wins: Decimal,
    /// Wins × average deal, to the cent.
    pub revenue: Decimal,
}

impl Waterfall {
    /// audience × response % = responses; × MQL % = MQLs; × SQL % = SQLs; × win % = wins; × average deal = revenue.
    pub fn stages(&self) -> Stages {
        let responses = Decimal::from(self.audience.max(0)) * self.rates.response / HUNDRED;
        let mqls = responses * self.rates.mql / HUNDRED;
        let sqls = mqls * self.rates.sql / HUNDRED;
        let wins = sqls * self.rates.win / HUNDRED;
        let revenue = money(wins * self.average_deal);
        Stages { responses, mqls, sqls, wins, revenue }
    }
}

/// Revenue per unit of MDF: `revenue ÷ cost`, to two places; none for a cost of zero.
pub fn roi(revenue: Decimal, cost: Decimal) -> Option<Decimal> {
    (cost > Decimal::ZERO).then(|| (revenue / cost).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero))
}

/// The vendor's share of a cost: `cost × share %`, to the cent (rounded down: never more than the share).
pub fn vendor_share(cost: Decimal, share_percent: Decimal) -> Decimal {
    down_to_cent(cost * share_percent / HUNDRED)
}

/// An accrual allocation: `percent` of the partner's closed-won revenue in the previous period, rounded down to the
/// cent so that the accrued total never exceeds the percent of the revenue. Negative revenue accrues nothing.
pub fn accrual(won_revenue: Decimal, percent: Decimal) -> Decimal {
    down_to_cent(won_revenue.max(Decimal::ZERO) * percent.clamp(Decimal::ZERO, HUNDRED) / HUNDRED)
}

/// The most a claim may be approved for: the approved request × the reimbursement percent, rounded down to the cent.
pub fn claim_limit(approved_amount: Decimal, reimbursement_percent: Decimal) -> Decimal {
    down_to_cent(approved_amount * reimbursement_percent.clamp(Decimal::ZERO, HUNDRED) / HUNDRED)
}

/// One past request of a partner with reported results: what it forecast and what its linked deals won.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Track {
    pub forecast_revenue: Decimal,
    pub won_revenue: Decimal,
}

/// The reliability bounds: a partner's history can halve-and-half-again a forecast, or lift it by half, no more.
pub const RELIABILITY_FLOOR: Decimal = Decimal::from_parts(25, 0, 0, false, 2);
pub const RELIABILITY_CAP: Decimal = Decimal::from_parts(150, 0, 0, false, 2);

/// How far a partner's forecasts came true: Σ won ÷ Σ forecast over its past requests, within
/// [`RELIABILITY_FLOOR`, `RELIABILITY_CAP`], to two places. 1 with no history (or no forecast revenue in it).
pub fn reliability(history: &[Track]) -> Decimal {
    let forecast: Decimal = history.iter().map(|t| t.forecast_revenue.max(Decimal::ZERO)).sum();
    let won: Decimal = history.iter().map(|t| t.won_revenue.max(Decimal::ZERO)).sum();
    if forecast <= Decimal::ZERO {
        return Decimal::ONE;
    }
    (won / forecast)
        .clamp(RELIABILITY_FLOOR, RELIABILITY_CAP)
        .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// The queue's rank: the forecast ROI weighed by the partner's reliability, to two places.
pub fn risk_adjusted_roi(forecast_roi: Decimal, reliability: Decimal) -> Decimal {
    (forecast_roi * reliability).round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// A forecast is flagged to the reviewer when its ROI is more than twice the partner's historical actual ROI.
pub fn flagged(forecast_roi: Option<Decimal>, historical_roi: Option<Decimal>) -> bool {
    match (forecast_roi, historical_roi) {
        (Some(f), Some(h)) => f > h * Decimal::TWO,
        _ => false,
    }
}

/// The partner's historical actual ROI: Σ won revenue ÷ Σ MDF paid over its past requests; none without payments.
pub fn historical_roi(won_revenue: Decimal, paid: Decimal) -> Option<Decimal> {
    roi(won_revenue, paid)
}

/// Conversion rates observed in a partner's reported results, as percents to two places, where each stage had a
/// base to convert from. None when nothing was reported (then the tenant's benchmarks apply).
pub fn observed_rates(audience: i64, responses: i64, mqls: i64, sqls: i64, wins: i64) -> Option<Rates> {
    let pct = |part: i64, base: i64| -> Option<Decimal> {
        (base > 0).then(|| {
            (Decimal::from(part.clamp(0, base)) * HUNDRED / Decimal::from(base))
                .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
        })
    };
    Some(Rates {
        response: pct(responses, audience)?,
        mql: pct(mqls, responses)?,
        sql: pct(sqls, mqls)?,
        win: pct(wins, sqls)?,
    })
}

/// A reviewer's verdict on one claim line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verdict {
    /// Paid as claimed.
    Approved,
    /// Paid in part: 0 < approved < claimed, with a reason.
    Reduced,
    /// Not paid, with a reason.
    Rejected,
}

/// One claim line as reviewed: what was claimed and what the reviewer decided.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LineReview {
    pub amount: Decimal,
    pub verdict: Verdict,
    /// Only read for a reduced line.
    pub approved_amount: Option<Decimal>,
    pub has_reason: bool,
}

/// Why a reviewed line is not acceptable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LineProblem {
    /// A reduced line needs an approved amount above zero and below the claimed amount.
    ReducedAmount,
    /// Reducing or rejecting a line needs a reason.
    ReasonRequired,
}

/// What a whole claim comes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClaimOutcome {
    Approved,
    PartlyApproved,
    Rejected,
}

/// A reviewed claim: each line's approved amount, their total and the claim's outcome.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Review {
    pub approved: Vec<Decimal>,
    pub total: Decimal,
    pub outcome: ClaimOutcome,
}

/// Why a review is refused: the lines at fault (by index), and the total when it is above the claim limit.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ReviewRefusal {
    pub lines: Vec<(usize, LineProblem)>,
    pub over_limit: Option<Decimal>,
}

/// Applies the verdicts: approved lines count in full, reduced lines their approved amount, rejected lines nothing.
/// The approved total may not exceed `limit` (the approved request × the reimbursement percent). The claim is
/// approved when every line is, rejected when every line is, partly approved otherwise.
pub fn review(lines: &[LineReview], limit: Decimal) -> Result<Review, ReviewRefusal> {
    let mut refusal = ReviewRefusal::default();
    let mut approved = Vec::with_capacity(lines.len());
    for (i, l) in lines.iter().enumerate() {
        let a = match l.verdict {
            Verdict::Approved => l.amount,
            Verdict::Rejected => Decimal::ZERO,
            Verdict::Reduced => match l.approved_amount {
                Some(a) if a > Decimal::ZERO && a < l.amount && a.scale() <= 2 => a,
                _ => {
                    refusal.lines.push((i, LineProblem::ReducedAmount));
                    Decimal::ZERO
                }
            },
        };
        if l.verdict != Verdict::Approved && !l.has_reason {
            refusal.lines.push((i, LineProblem::ReasonRequired));
        }
        approved.push(a);
    }
    let total: Decimal = approved.iter().copied().sum();
    if total > limit {
        refusal.over_limit = Some(total);
    }
    if !refusal.lines.is_empty() || refusal.over_limit.is_some() {
        return Err(refusal);
    }
    let outcome = if lines.iter().all(|l| l.verdict == Verdict::Approved) {
        ClaimOutcome::Approved
    } else if lines.iter().all(|l| l.verdict == Verdict::Rejected) {
        ClaimOutcome::Rejected
    } else {
        ClaimOutcome::PartlyApproved
    };
    Ok(Review { approved, total, outcome })
}

/// Where a claim stands after a payment of `amount` on top of `paid_before`: partly paid, or paid once the approved
/// total is reached. None when the payment would take the sum above the approved total (or is not positive).
pub fn after_payment(approved_total: Decimal, paid_before: Decimal, amount: Decimal) -> Option<bool> {
    let after = paid_before + amount;
    (amount > Decimal::ZERO && after <= approved_total).then_some(after == approved_total)
}

/// The kinds of ledger movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Movement {
    /// Money given to the allocation.
    Allocate,
    /// Held for an approved request.
    Reserve,
    /// A reservation given back (cancelled, expired, or the unclaimed rest of a claim).
    Release,
    /// A reservation turned into an approved claim.
    Claim,
    /// An approved claim paid (in one or several instalments).
    Pay,
    /// Unreserved money written off when the allocation expires.
    Expire,
    /// A correction of the allocated amount, either sign.
    Adjust,
}

impl Movement {
    pub const ALL: [Movement; 7] = [
        Movement::Allocate,
        Movement::Reserve,
        Movement::Release,
        Movement::Claim,
        Movement::Pay,
        Movement::Expire,
        Movement::Adjust,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Movement::Allocate => "allocate",
            Movement::Reserve => "reserve",
            Movement::Release => "release",
            Movement::Claim => "claim",
            Movement::Pay => "pay",
            Movement::Expire => "expire",
            Movement::Adjust => "adjust",
        }
    }

    pub fn parse(s: &str) -> Option<Movement> {
        Movement::ALL.into_iter().find(|m| m.as_str() == s)
    }
}

/// An allocation's (or a fund's, summed over its allocations) standing: each a sum of ledger rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
pub struct Balances {
    pub allocated: Decimal,
    pub reserved: Decimal,
    pub claimed: Decimal,
    pub paid: Decimal,
    pub expired: Decimal,
}

/// Why a movement may not be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// Not a positive amount (or a zero adjustment).
    NotPositive,
    /// More than is available to reserve, expire or take away.
    OverAvailable,
    /// Releasing or claiming more than is reserved.
    OverReserved,
    /// Paying more than is claimed.
    OverClaimed,
}

impl Balances {
    /// What can still be reserved: allocated less everything held, claimed, paid or written off.
    pub fn available(&self) -> Decimal {
        self.allocated - self.reserved - self.claimed - self.paid - self.expired
    }

    /// The balances after one movement, without checks (reading back rows already written).
    pub fn apply(mut self, kind: Movement, amount: Decimal) -> Balances {
        match kind {
            Movement::Allocate | Movement::Adjust => self.allocated += amount,
            Movement::Reserve => self.reserved += amount,
            Movement::Release => self.reserved -= amount,
            Movement::Claim => {
                self.reserved -= amount;
                self.claimed += amount;
            }
            Movement::Pay => {
                self.claimed -= amount;
                self.paid += amount;
            }
            Movement::Expire => self.expired += amount,
        }
        self
    }

    /// Whether the movement may be written now: nothing may go below zero.
    pub fn check(&self, kind: Movement, amount: Decimal) -> Result<(), Refusal> {
        if amount.is_zero() || (kind != Movement::Adjust && amount.is_sign_negative()) {
            return Err(Refusal::NotPositive);
        }
        let ok = match kind {
            Movement::Allocate => true,
            Movement::Adjust => amount > Decimal::ZERO || -amount <= self.available(),
            Movement::Reserve | Movement::Expire => amount <= self.available(),
            Movement::Release | Movement::Claim => amount <= self.reserved,
            Movement::Pay => amount <= self.claimed,
        };
        if ok {
            Ok(())
        } else {
            Err(match kind {
                Movement::Release | Movement::Claim => Refusal::OverReserved,
                Movement::Pay => Refusal::OverClaimed,
                _ => Refusal::OverAvailable,
            })
        }
    }

    /// The balances of a ledger, its rows in order.
    pub fn of<'a>(rows: impl IntoIterator<Item = &'a (Movement, Decimal)>) -> Balances {
        rows.into_iter().fold(Balances::default(), |b, (kind, amount)| b.apply(*kind, *amount))
    }

    /// Sums of several allocations' balances (a fund's, a partner's).
    pub fn sum(items: impl IntoIterator<Item = Balances>) -> Balances {
        items.into_iter().fold(Balances::default(), |a, b| Balances {
            allocated: a.allocated + b.allocated,
            reserved: a.reserved + b.reserved,
            claimed: a.claimed + b.claimed,
            paid: a.paid + b.paid,
            expired: a.expired + b.expired,
        })
    }
}

/// How far behind the clock committed money may fall before a fund is flagged, in percentage points: at mid-period a
/// fund that has committed less than a quarter of what it allocated is flagged, at the end one below 75 %.
pub const PACE_TOLERANCE_POINTS: i64 = 25;

/// A running fund whose allocations are being committed (reserved, claimed or paid) more slowly than its period
/// passes: the figures behind the chief's mid-period warning, in whole percents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct PaceWarning {
    /// Share of the allocated money committed.
    pub committed_percent: i64,
    /// Share of the period gone.
    pub elapsed_percent: i64,
    /// `elapsed_percent − committed_percent`.
    pub behind_points: i64,
}

/// The share of a period `[starts_on, ends_on]` gone by the end of `today`, between 0 and 1 (both days count).
pub fn elapsed_fraction(starts_on: NaiveDate, ends_on: NaiveDate, today: NaiveDate) -> Decimal {
    let days = (ends_on - starts_on).num_days() + 1;
    if days <= 0 {
        return Decimal::ONE;
    }
    let gone = ((today - starts_on).num_days() + 1).clamp(0, days);
    Decimal::from(gone) / Decimal::from(days)
}

/// The mid-period warning for unspent funds: none before half of the period is gone, none while nothing is allocated,
/// otherwise a warning when the committed share of the allocation trails the elapsed share of the period by more than
/// `PACE_TOLERANCE_POINTS` (compared unrounded). `elapsed` is a fraction (0–1, clamped).
pub fn pace_warning(committed: Decimal, allocated: Decimal, elapsed: Decimal) -> Option<PaceWarning> {
    let elapsed = elapsed.clamp(Decimal::ZERO, Decimal::ONE);
    if allocated <= Decimal::ZERO || elapsed < Decimal::new(5, 1) {
        return None;
    }
    let committed_share = (committed.max(Decimal::ZERO) / allocated).min(Decimal::ONE);
    let behind = (elapsed - committed_share) * HUNDRED;
    if behind <= Decimal::from(PACE_TOLERANCE_POINTS) {
        return None;
    }
    let whole = |d: Decimal| -> i64 {
        d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero).try_into().unwrap_or_default()
    };
    let (committed_percent, elapsed_percent) = (whole(committed_share * HUNDRED), whole(elapsed * HUNDRED));
    Some(PaceWarning { committed_percent, elapsed_percent, behind_points: elapsed_percent - committed_percent })
}

fn money(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

fn down_to_cent(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::ToZero)
}

#[cfg(test)]
mod tests {
    use std::str::FromStr;

    use proptest::prelude::*;

    use super::*;

    fn d(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    fn rates(r: &str, m: &str, s: &str, w: &str) -> Rates {
        Rates { response: d(r), mql: d(m), sql: d(s), win: d(w) }
    }

    #[test]
    fn a_trade_show_waterfall_matches_the_hand_computed_figures() {
        // 2,000 visitors × 10 % = 200 responses × 50 % = 100 MQLs × 40 % = 40 SQLs × 25 % = 10 wins × 30,000 =
        // 300,000 revenue; for 20,000 of MDF that is an ROI of 15.
        let w = Waterfall { audience: 2000, rates: rates("10", "50", "40", "25"), average_deal: d("30000") };
        let s = w.stages();
        assert_eq!((s.responses, s.mqls, s.sqls, s.wins), (d("200"), d("100"), d("40"), d("10")));
        assert_eq!(s.revenue, d("300000.00"));
        assert_eq!(roi(s.revenue, d("20000")), Some(d("15.00")));
    }

    #[test]
    fn small_campaigns_keep_fractional_stages() {
        // 500 × 2 % = 10 × 30 % = 3 × 20 % = 0.6 × 15 % = 0.09 wins × 15,000 = 1,350.
        let w = Waterfall { audience: 500, rates: rates("2", "30", "20", "15"), average_deal: d("15000") };
        let s = w.stages();
        assert_eq!(s.wins, d("0.09"));
        assert_eq!(s.revenue, d("1350.00"));
        assert_eq!(roi(s.revenue, d("4000")), Some(d("0.34")));
    }

    #[test]
    fn roi_of_nothing_spent_is_none() {
        assert_eq!(roi(d("1000"), Decimal::ZERO), None);
    }

    #[test]
    fn accrual_is_the_percent_of_won_revenue_rounded_down() {
        assert_eq!(accrual(d("1234567.89"), d("3")), d("37037.03"));
        assert_eq!(accrual(d("-100"), d("3")), Decimal::ZERO);
        assert_eq!(accrual(d("1000"), d("0")), Decimal::ZERO);
    }

    #[test]
    fn the_claim_limit_is_the_approved_amount_times_the_reimbursement_percent() {
        assert_eq!(claim_limit(d("10000"), d("50")), d("5000.00"));
        assert_eq!(claim_limit(d("333.33"), d("75")), d("249.99"));
    }

    #[test]
    fn reliability_weighs_won_against_forecast_within_bounds() {
        let t = |f: &str, w: &str| Track { forecast_revenue: d(f), won_revenue: d(w) };
        assert_eq!(reliability(&[]), Decimal::ONE);
        // (60,000 + 20,000) ÷ (100,000 + 60,000) = 0.5
        assert_eq!(reliability(&[t("100000", "60000"), t("60000", "20000")]), d("0.50"));
        assert_eq!(reliability(&[t("100000", "0")]), d("0.25"));
        assert_eq!(reliability(&[t("100000", "900000")]), d("1.50"));
        assert_eq!(reliability(&[t("0", "5000")]), Decimal::ONE);
    }

    #[test]
    fn risk_adjustment_reorders_a_bold_forecast_below_a_reliable_one() {
        // Partner A forecasts ROI 20 but has delivered a quarter of its forecasts: 5. Partner B forecasts 8 and
        // delivers them: 8. B ranks first.
        let a = risk_adjusted_roi(d("20"), d("0.25"));
        let b = risk_adjusted_roi(d("8"), d("1.00"));
        assert_eq!((a, b), (d("5.00"), d("8.00")));
        assert!(b > a);
    }

    #[test]
    fn a_forecast_above_twice_the_history_is_flagged() {
        assert!(flagged(Some(d("10.01")), Some(d("5"))));
        assert!(!flagged(Some(d("10")), Some(d("5"))));
        assert!(!flagged(Some(d("50")), None));
    }

    #[test]
    fn observed_rates_come_from_reported_results() {
        let r = observed_rates(1000, 80, 40, 10, 2).unwrap();
        assert_eq!(r, rates("8.00", "50.00", "25.00", "20.00"));
        assert_eq!(observed_rates(1000, 0, 0, 0, 0), None);
    }

    #[test]
    fn balances_follow_a_request_from_allocation_to_payment() {
        let rows = [
            (Movement::Allocate, d("50000")),
            (Movement::Reserve, d("10000")),
            (Movement::Reserve, d("5000")),
            (Movement::Release, d("5000")),
            (Movement::Claim, d("8000")),
            (Movement::Release, d("2000")),
            (Movement::Pay, d("3000")),
            (Movement::Adjust, d("-1000")),
        ];
        let b = Balances::of(&rows);
        assert_eq!(
            b,
            Balances { allocated: d("49000"), reserved: d("0"), claimed: d("5000"), paid: d("3000"), expired: d("0") }
        );
        assert_eq!(b.available(), d("41000"));
        assert_eq!(b.check(Movement::Reserve, d("41000.01")), Err(Refusal::OverAvailable));
        assert_eq!(b.check(Movement::Pay, d("5000.01")), Err(Refusal::OverClaimed));
        assert_eq!(b.check(Movement::Release, d("0.01")), Err(Refusal::OverReserved));
        assert_eq!(b.check(Movement::Reserve, d("0")), Err(Refusal::NotPositive));
        assert_eq!(b.check(Movement::Adjust, d("-41000.01")), Err(Refusal::OverAvailable));
        assert_eq!(b.check(Movement::Adjust, d("-41000")), Ok(()));
    }

    fn line(amount: &str, verdict: Verdict, approved: Option<&str>, reason: bool) -> LineReview {
        LineReview { amount: d(amount), verdict, approved_amount: approved.map(d), has_reason: reason }
    }

    #[test]
    fn a_claim_with_one_reduced_line_is_partly_approved_for_the_hand_computed_total() {
        // Venue 6,000 approved, catering 2,500 reduced to 1,500, giveaways 800 rejected: 7,500 of a 10,000 limit.
        let lines = [
            line("6000", Verdict::Approved, None, false),
            line("2500", Verdict::Reduced, Some("1500"), true),
            line("800", Verdict::Rejected, None, true),
        ];
        let r = review(&lines, d("10000")).unwrap();
        assert_eq!(r.approved, vec![d("6000"), d("1500"), d("0")]);
        assert_eq!(r.total, d("7500"));
        assert_eq!(r.outcome, ClaimOutcome::PartlyApproved);
    }

    #[test]
    fn a_claim_above_its_limit_or_with_unexplained_cuts_is_refused() {
        let over = review(&[line("6000", Verdict::Approved, None, false)], d("5000")).unwrap_err();
        assert_eq!(over.over_limit, Some(d("6000")));
        let bad = review(
            &[line("100", Verdict::Reduced, Some("100"), true), line("100", Verdict::Rejected, None, false)],
            d("1000"),
        )
        .unwrap_err();
        assert_eq!(bad.lines, vec![(0, LineProblem::ReducedAmount), (1, LineProblem::ReasonRequired)]);
        assert_eq!(
            review(&[line("5000", Verdict::Approved, None, false)], d("5000")).unwrap().outcome,
            ClaimOutcome::Approved
        );
        assert_eq!(
            review(&[line("5000", Verdict::Rejected, None, true)], d("0")).unwrap().outcome,
            ClaimOutcome::Rejected
        );
    }

    #[test]
    fn instalments_pay_up_to_the_approved_total_and_no_further() {
        assert_eq!(after_payment(d("7500"), d("0"), d("5000")), Some(false));
        assert_eq!(after_payment(d("7500"), d("5000"), d("2500")), Some(true));
        assert_eq!(after_payment(d("7500"), d("5000"), d("2500.01")), None);
        assert_eq!(after_payment(d("7500"), d("0"), d("0")), None);
    }

    #[test]
    fn a_fund_behind_its_clock_after_mid_period_is_flagged_with_its_figures() {
        let day = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        // A quarter of 90 days: on day 45 half of it is gone.
        let half = elapsed_fraction(day("2026-01-01"), day("2026-03-31"), day("2026-02-14"));
        assert_eq!(half, d("0.5"));
        // Before mid-period nothing is flagged, however little is committed.
        let early = elapsed_fraction(day("2026-01-01"), day("2026-03-31"), day("2026-02-13"));
        assert_eq!(pace_warning(Decimal::ZERO, d("10000"), early), None);
        // At half-time, 20 % committed is 30 points behind: flagged; 25 % is exactly the tolerance: not flagged.
        assert_eq!(
            pace_warning(d("2000"), d("10000"), half),
            Some(PaceWarning { committed_percent: 20, elapsed_percent: 50, behind_points: 30 })
        );
        assert_eq!(pace_warning(d("2500"), d("10000"), half), None);
        // At the end of the period, 70 % committed is flagged, 80 % is not.
        assert!(pace_warning(d("7000"), d("10000"), Decimal::ONE).is_some());
        assert_eq!(pace_warning(d("8000"), d("10000"), Decimal::ONE), None);
        // Nothing allocated: nothing to spend, nothing to flag. Days outside the period clamp.
        assert_eq!(pace_warning(Decimal::ZERO, Decimal::ZERO, Decimal::ONE), None);
        assert_eq!(elapsed_fraction(day("2026-01-01"), day("2026-03-31"), day("2025-12-01")), Decimal::ZERO);
        assert_eq!(elapsed_fraction(day("2026-01-01"), day("2026-03-31"), day("2026-06-01")), Decimal::ONE);
    }

    #[test]
    fn movement_names_read_back() {
        for m in Movement::ALL {
            assert_eq!(Movement::parse(m.as_str()), Some(m));
        }
    }

    fn any_movement() -> impl Strategy<Value = (Movement, Decimal)> {
        (0..Movement::ALL.len(), -1_000_000i64..5_000_000)
            .prop_map(|(k, cents)| (Movement::ALL[k], Decimal::new(cents, 2)))
    }

    proptest! {
        #[test]
        fn balances_never_go_negative_under_checked_movements(moves in prop::collection::vec(any_movement(), 0..80)) {
            let mut b = Balances::default();
            let mut written = Vec::new();
            for (kind, amount) in moves {
                if b.check(kind, amount).is_ok() {
                    b = b.apply(kind, amount);
                    written.push((kind, amount));
                }
                prop_assert!(b.allocated >= Decimal::ZERO);
                prop_assert!(b.reserved >= Decimal::ZERO);
                prop_assert!(b.claimed >= Decimal::ZERO);
                prop_assert!(b.paid >= Decimal::ZERO);
                prop_assert!(b.expired >= Decimal::ZERO);
                prop_assert!(b.available() >= Decimal::ZERO);
            }
            // The standing read back from the rows is the one built up movement by movement.
            prop_assert_eq!(Balances::of(&written), b);
        }

        #[test]
        fn the_ledger_sums_match_the_balances(moves in prop::collection::vec(any_movement(), 0..80)) {
            let mut b = Balances::default();
            let mut written = Vec::new();
            for (kind, amount) in moves {
                if b.check(kind, amount).is_ok() {
                    b = b.apply(kind, amount);
                    written.push((kind, amount));
                }
            }
            let sum = |k: &[Movement]| -> Decimal {
                written.iter().filter(|(m, _)| k.contains(m)).map(|(_, a)| *a).sum()
            };
            // allocated = allocate + adjust; paid = pay; claimed = claim − pay; reserved = reserve − release − claim.
            prop_assert_eq!(b.allocated, sum(&[Movement::Allocate, Movement::Adjust]));
            prop_assert_eq!(b.paid, sum(&[Movement::Pay]));
            prop_assert_eq!(b.claimed, sum(&[Movement::Claim]) - sum(&[Movement::Pay]));
            prop_assert_eq!(b.reserved, sum(&[Movement::Reserve]) - sum(&[Movement::Release]) - sum(&[Movement::Claim]));
            // Everything allocated is somewhere: available, held, claimed, paid or written off.
            prop_assert_eq!(b.available() + b.reserved + b.claimed + b.paid + b.expired, b.allocated);
            // Split in two, the sums add up.
            let mid = written.len() / 2;
            prop_assert_eq!(Balances::sum([Balances::of(&written[..mid]), Balances::of(&written[mid..])]), b);
        }

        #[test]
        fn reservations_never_exceed_the_allocation(amounts in prop::collection::vec(1i64..2_000_000, 1..200), total in 1i64..50_000_000) {
            let mut b = Balances::default().apply(Movement::Allocate, Decimal::new(total, 2));
            for cents in amounts {
                let a = Decimal::new(cents, 2);
                if b.check(Movement::Reserve, a).is_ok() {
                    b = b.apply(Movement::Reserve, a);
                }
            }
            prop_assert!(b.reserved <= b.allocated);
        }

        #[test]
        fn an_accepted_review_never_exceeds_the_limit_and_sums_its_lines(
            lines in prop::collection::vec((1i64..10_000_000, 0u8..3, 0i64..10_000_000, any::<bool>()), 1..20),
            limit in 0i64..50_000_000,
        ) {
            let reviewed: Vec<LineReview> = lines.iter().map(|&(amount, v, approved, reason)| LineReview {
                amount: Decimal::new(amount, 2),
                verdict: [Verdict::Approved, Verdict::Reduced, Verdict::Rejected][usize::from(v)],
                approved_amount: Some(Decimal::new(approved, 2)),
                has_reason: reason,
            }).collect();
            if let Ok(r) = review(&reviewed, Decimal::new(limit, 2)) {
                prop_assert!(r.total <= Decimal::new(limit, 2));
                prop_assert_eq!(r.total, r.approved.iter().copied().sum::<Decimal>());
                for (l, a) in reviewed.iter().zip(&r.approved) {
                    prop_assert!(*a >= Decimal::ZERO && *a <= l.amount);
                }
            }
        }

        #[test]
        fn instalments_never_pay_more_than_approved(total in 1i64..10_000_000, parts in prop::collection::vec(1i64..5_000_000, 1..30)) {
            let approved = Decimal::new(total, 2);
            let mut paid = Decimal::ZERO;
            for cents in parts {
                if let Some(done) = after_payment(approved, paid, Decimal::new(cents, 2)) {
                    paid += Decimal::new(cents, 2);
                    prop_assert_eq!(done, paid == approved);
                }
                prop_assert!(paid <= approved);
            }
        }

        #[test]
        fn the_waterfall_narrows_at_each_stage(audience in 0i64..10_000_000, r in 0u32..=10_000, m in 0u32..=10_000,
                                               s in 0u32..=10_000, w in 0u32..=10_000, deal in 0i64..100_000_000) {
            let rates = Rates { response: Decimal::new(r.into(), 2), mql: Decimal::new(m.into(), 2),
                                sql: Decimal::new(s.into(), 2), win: Decimal::new(w.into(), 2) };
            let st = Waterfall { audience, rates, average_deal: Decimal::new(deal, 2) }.stages();
            prop_assert!(st.responses <= Decimal::from(audience));
            prop_assert!(st.mqls <= st.responses && st.sqls <= st.mqls && st.wins <= st.sqls);
            prop_assert!(st.revenue >= Decimal::ZERO);
        }

        #[test]
        fn the_pace_warning_waits_for_mid_period_and_never_flags_a_fund_on_pace(
            committed in 0i64..20_000_000, allocated in 0i64..10_000_000, elapsed in 0u32..=1000, more in 0i64..5_000_000,
        ) {
            let (c, a, e) = (Decimal::new(committed, 2), Decimal::new(allocated, 2), Decimal::new(elapsed.into(), 3));
            let w = pace_warning(c, a, e);
            if e < d("0.5") || a.is_zero() || c * Decimal::ONE_HUNDRED >= (e * Decimal::ONE_HUNDRED - Decimal::from(PACE_TOLERANCE_POINTS)) * a {
                prop_assert_eq!(w, None);
            }
            if let Some(w) = w {
                prop_assert!(w.committed_percent < w.elapsed_percent);
                prop_assert!((0..=100).contains(&w.committed_percent) && (50..=100).contains(&w.elapsed_percent));
                prop_assert_eq!(w.behind_points, w.elapsed_percent - w.committed_percent);
            }
            // Committing more never raises a warning that was not there.
            if w.is_none() {
                prop_assert_eq!(pace_warning(c + Decimal::new(more, 2), a, e), None);
            }
        }

        #[test]
        fn accrual_and_claim_limits_never_exceed_their_share(cents in 0i64..10_000_000_000, pct in 0u32..=10_000) {
            let base = Decimal::new(cents, 2);
            let p = Decimal::new(pct.into(), 2);
            prop_assert!(accrual(base, p) * HUNDRED <= base * p);
            prop_assert!(claim_limit(base, p) <= base);
            prop_assert!(base * p / HUNDRED - claim_limit(base, p) < Decimal::new(1, 2));
        }
    }
}
