//! Tier progression: which tier a partner qualifies for, what each requirement still needs in real units, and what
//! to do about it by the program's policy (promote, hold, warn, start a grace period, demote one tier, or hold by an
//! override).
//!
//! Tiers are ranked from 0 (the entry tier, which usually has no requirements). A tier is met when all of its
//! mandatory requirements are met and at least `optional_needed` of the others; a partner qualifies for the highest
//! tier it meets. Qualifying depends only on "value reaches threshold", so more of any metric never lowers it.
//!
//! A partner below its tier is not demoted at once: a grace period starts, and only once it has run out is the partner
//! moved down, one tier at a time. Meeting its tier again ends the grace period. An override holds a tier until its
//! date whatever the metrics say.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

/// What a requirement measures. Adding a metric is a variant here and a function that measures it; the tier tables
/// store the metric's key and its parameter (`Metric::key`, `Metric::parameter`).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Metric {
    /// Closed-won revenue in the trailing window, in the program's currency.
    ClosedWonRevenue { currency: String },
    /// Deals won in the trailing window.
    WonDeals,
    /// Registrations approved in the trailing window.
    ApprovedRegistrations,
    /// People holding a certification of the named kind ("sales engineer").
    CertifiedPeople { certification: String },
    /// The capability scorecard's score, 0–100.
    CapabilityScore,
    /// 1 once the onboarding checklist is complete, else 0.
    OnboardingComplete,
    /// 1 while an agreed business plan covers today, else 0.
    AgreedBusinessPlan,
    /// A value the program admin keeps by hand ("customer references").
    Custom { name: String },
}

impl Metric {
    /// The stored key of the metric.
    pub fn key(&self) -> &'static str {
        match self {
            Metric::ClosedWonRevenue { .. } => "closed_won_revenue",
            Metric::WonDeals => "won_deals",
            Metric::ApprovedRegistrations => "approved_registrations",
            Metric::CertifiedPeople { .. } => "certified_people",
            Metric::CapabilityScore => "capability_score",
            Metric::OnboardingComplete => "onboarding_complete",
            Metric::AgreedBusinessPlan => "agreed_business_plan",
            Metric::Custom { .. } => "custom",
        }
    }

    /// The metric's parameter (currency, certification, custom name), empty when it has none.
    pub fn parameter(&self) -> &str {
        match self {
            Metric::ClosedWonRevenue { currency } => currency,
            Metric::CertifiedPeople { certification } => certification,
            Metric::Custom { name } => name,
            _ => "",
        }
    }

    /// The metric of a stored key and parameter; None for an unknown key.
    pub fn from_key(key: &str, parameter: &str) -> Option<Metric> {
        Some(match key {
            "closed_won_revenue" => Metric::ClosedWonRevenue { currency: parameter.to_string() },
            "won_deals" => Metric::WonDeals,
            "approved_registrations" => Metric::ApprovedRegistrations,
            "certified_people" => Metric::CertifiedPeople { certification: parameter.to_string() },
            "capability_score" => Metric::CapabilityScore,
            "onboarding_complete" => Metric::OnboardingComplete,
            "agreed_business_plan" => Metric::AgreedBusinessPlan,
            "custom" => Metric::Custom { name: parameter.to_string() },
            _ => return None,
        })
    }

    /// Whether adding more of it (run-rate, pipeline) makes sense: amounts and counts, not scores or flags.
    pub fn accumulates(&self) -> bool {
        matches!(self, Metric::ClosedWonRevenue { .. } | Metric::WonDeals | Metric::ApprovedRegistrations)
    }

    /// What is still missing, in words: "USD 40,000 more closed-won revenue", "2 more won deals".
    fn gap_phrase(&self, gap: Decimal) -> String {
        let count = |one: &str, many: &str| {
            let n = gap.ceil();
            format!("{} more {}", n, if n == Decimal::ONE { one } else { many })
        };
        match self {
            Metric::ClosedWonRevenue { currency } => {
                format!("{currency} {} more closed-won revenue", thousands(gap.round_dp(0)))
            }
            Metric::WonDeals => count("won deal", "won deals"),
            Metric::ApprovedRegistrations => count("approved registration", "approved registrations"),
            Metric::CertifiedPeople { certification } => {
                count(&format!("certified {certification}"), &format!("certified {certification}s"))
            }
            Metric::CapabilityScore => format!("a capability score {} points higher", gap.ceil()),
            Metric::OnboardingComplete => "the onboarding checklist completed".to_string(),
            Metric::AgreedBusinessPlan => "an agreed business plan".to_string(),
            Metric::Custom { name } => format!("{} more {name}", gap.normalize()),
        }
    }

    /// A value as people read it: "USD 160,000", "3", "yes".
    fn show(&self, value: Decimal) -> String {
        match self {
            Metric::ClosedWonRevenue { currency } => format!("{currency} {}", thousands(value.round_dp(0))),
            Metric::OnboardingComplete | Metric::AgreedBusinessPlan => {
                if value >= Decimal::ONE {
                    "yes".into()
                } else {
                    "no".into()
                }
            }
            _ => value.normalize().to_string(),
        }
    }
}

impl fmt::Display for Metric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Metric::ClosedWonRevenue { .. } => write!(f, "Closed-won revenue"),
            Metric::WonDeals => write!(f, "Won deals"),
            Metric::ApprovedRegistrations => write!(f, "Approved registrations"),
            Metric::CertifiedPeople { certification } => write!(f, "Certified {certification}s"),
            Metric::CapabilityScore => write!(f, "Capability score"),
            Metric::OnboardingComplete => write!(f, "Onboarding complete"),
            Metric::AgreedBusinessPlan => write!(f, "Agreed business plan"),
            Metric::Custom { name } => write!(f, "{name}"),
        }
    }
}

/// "1,234,567" for a whole number.
fn thousands(value: Decimal) -> String {
    let digits = value.abs().trunc().to_string();
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    if value.is_sign_negative() && !value.is_zero() { format!("-{out}") } else { out }
}

/// One requirement of a tier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Requirement {
    pub metric: Metric,
    /// The value to reach (inclusive).
    pub threshold: Decimal,
    /// The trailing window the metric is measured over, in days (ignored by metrics that have none).
    pub window_days: u32,
    /// Mandatory, or one of the "N of M" others.
    pub mandatory: bool,
}

/// A tier, ranked from 0 (the entry tier).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tier {
    pub rank: u32,
    pub name: String,
    pub requirements: Vec<Requirement>,
    /// How many of the requirements that are not mandatory must be met (at most their number).
    pub optional_needed: u32,
}

/// A partner's measured value of each requirement, by (tier rank, index of the requirement in its tier). A value
/// missing here is a metric whose data does not exist yet: the requirement is not met until it does.
pub type Measured = BTreeMap<(u32, usize), Decimal>;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Override {
    pub rank: u32,
    /// The override holds through this day.
    pub until: NaiveDate,
}

/// Where the partner stands before this evaluation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Standing {
    pub rank: u32,
    /// The end of a running grace period, if the partner is in one.
    pub grace_until: Option<NaiveDate>,
    pub override_: Option<Override>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// Promotion without a program admin's approval.
    pub auto_promote: bool,
    /// How long a partner below its tier keeps it before it is demoted (90 days by default).
    pub grace_days: u32,
    /// A partner meeting its tier is warned ("at risk") when some requirement is met by less than this margin, in
    /// percent of the threshold (10 by default).
    pub risk_margin_percent: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { auto_promote: true, grace_days: 90, risk_margin_percent: 10 }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// Moved up to `to` (automatic promotion).
    Promote { to: u32 },
    /// Qualifies for `to`; waits for a program admin's approval.
    ProposePromotion { to: u32 },
    /// Stays where it is.
    Hold,
    /// Stays, but some requirement of its tier is met only narrowly.
    Warn,
    /// Below its tier: keeps it until `until`, then is demoted unless it meets it again.
    StartGrace { until: NaiveDate },
    /// Still below its tier within a running grace period.
    InGrace { until: NaiveDate },
    /// Grace ran out: down one tier, to `to`.
    Demote { to: u32 },
    /// An override holds `rank` until `until`.
    Overridden { rank: u32, until: NaiveDate },
}

impl Action {
    pub fn key(&self) -> &'static str {
        match self {
            Action::Promote { .. } => "promote",
            Action::ProposePromotion { .. } => "propose_promotion",
            Action::Hold => "hold",
            Action::Warn => "warn",
            Action::StartGrace { .. } => "start_grace",
            Action::InGrace { .. } => "in_grace",
            Action::Demote { .. } => "demote",
            Action::Overridden { .. } => "overridden",
        }
    }
}

/// One requirement as measured: what the partner has, what it needs, and the gap in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Progress {
    pub metric: Metric,
    pub mandatory: bool,
    pub window_days: u32,
    /// None when the metric's data does not exist yet.
    pub have: Option<Decimal>,
    pub need: Decimal,
    pub met: bool,
    /// 0–100, for a progress bar.
    pub percent: u8,
    /// "Closed-won revenue: USD 160,000 of USD 200,000".
    pub summary: String,
    /// "USD 40,000 more closed-won revenue"; empty when met.
    pub gap: String,
}

/// A tier's requirements as measured, and whether the tier is met.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TierProgress {
    pub rank: u32,
    pub met: bool,
    pub requirements: Vec<Progress>,
    /// "Meet 2 of the 3 other requirements", when the tier counts some toward N of M.
    pub n_of_m: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The highest tier the metrics meet.
    pub qualifies_for: u32,
    /// The tier the partner holds after this evaluation.
    pub rank: u32,
    /// The grace period running after this evaluation, if any.
    pub grace_until: Option<NaiveDate>,
    pub action: Action,
    /// Every tier's requirements as measured, lowest first.
    pub tiers: Vec<TierProgress>,
}

fn progress(rank: u32, index: usize, r: &Requirement, measured: &Measured) -> Progress {
    let have = measured.get(&(rank, index)).copied();
    let met = have.is_some_and(|v| v >= r.threshold);
    let percent = match have {
        _ if r.threshold <= Decimal::ZERO => 100,
        Some(v) => ((v / r.threshold * Decimal::ONE_HUNDRED).to_f64().unwrap_or(0.0).clamp(0.0, 100.0)) as u8,
        None => 0,
    };
    let percent = if met { 100 } else { percent.min(99) };
    let flag = matches!(r.metric, Metric::OnboardingComplete | Metric::AgreedBusinessPlan);
    let summary = match have {
        Some(v) if flag => format!("{}: {}", r.metric, r.metric.show(v)),
        Some(v) => format!("{}: {} of {}", r.metric, r.metric.show(v), r.metric.show(r.threshold)),
        None => format!("{}: not measured yet", r.metric),
    };
    let gap = match have {
        _ if met => String::new(),
        Some(v) => r.metric.gap_phrase(r.threshold - v),
        None => r.metric.gap_phrase(r.threshold),
    };
    Progress {
        metric: r.metric.clone(),
        mandatory: r.mandatory,
        window_days: r.window_days,
        have,
        need: r.threshold,
        met,
        percent,
        summary,
        gap,
    }
}

fn tier_progress(tier: &Tier, measured: &Measured) -> TierProgress {
    let requirements: Vec<Progress> =
        tier.requirements.iter().enumerate().map(|(i, r)| progress(tier.rank, i, r, measured)).collect();
    let optional: Vec<&Progress> = requirements.iter().filter(|p| !p.mandatory).collect();
    let needed = (tier.optional_needed as usize).min(optional.len());
    let met = requirements.iter().filter(|p| p.mandatory).all(|p| p.met)
        && optional.iter().filter(|p| p.met).count() >= needed;
    let n_of_m = (!optional.is_empty() && needed > 0)
        .then(|| format!("Meet {needed} of the {} other requirements", optional.len()));
    TierProgress { rank: tier.rank, met, requirements, n_of_m }
}

/// The highest tier `measured` meets (0 when none: the entry tier).
pub fn qualifying_tier(tiers: &[Tier], measured: &Measured) -> u32 {
    tiers.iter().map(|t| tier_progress(t, measured)).filter(|p| p.met).map(|p| p.rank).max().unwrap_or(0)
}

/// Whether some requirement of `tier` is met by less than the policy's margin.
fn at_risk(tier: &TierProgress, policy: &Policy) -> bool {
    let margin = Decimal::from(policy.risk_margin_percent) / Decimal::ONE_HUNDRED;
    tier.requirements.iter().any(|p| match p.have {
        Some(v) if p.met && p.need > Decimal::ZERO => v < p.need * (Decimal::ONE + margin),
        _ => false,
    })
}

/// Evaluates a partner on `today`.
pub fn evaluate(
    tiers: &[Tier],
    measured: &Measured,
    standing: &Standing,
    policy: &Policy,
    today: NaiveDate,
) -> Evaluation {
    let mut tiers: Vec<&Tier> = tiers.iter().collect();
    tiers.sort_by_key(|t| t.rank);
    let progress: Vec<TierProgress> = tiers.iter().map(|t| tier_progress(t, measured)).collect();
    let qualifies_for = progress.iter().filter(|p| p.met).map(|p| p.rank).max().unwrap_or(0);
    let top = tiers.last().map_or(0, |t| t.rank);
    let current = standing.rank.min(top);
    let done = |rank: u32, grace_until: Option<NaiveDate>, action: Action| Evaluation {
        qualifies_for,
        rank,
        grace_until,
        action,
        tiers: progress.clone(),
    };

    if let Some(o) = standing.override_.as_ref().filter(|o| o.until >= today) {
        return done(o.rank, None, Action::Overridden { rank: o.rank, until: o.until });
    }
    if qualifies_for > current {
        return if policy.auto_promote {
            done(qualifies_for, None, Action::Promote { to: qualifies_for })
        } else {
            done(current, None, Action::ProposePromotion { to: qualifies_for })
        };
    }
    if qualifies_for == current {
        let warn = progress.iter().find(|p| p.rank == current).is_some_and(|p| at_risk(p, policy));
        return done(current, None, if warn { Action::Warn } else { Action::Hold });
    }
    // Below its tier.
    match standing.grace_until {
        None => {
            let until = today + Duration::days(i64::from(policy.grace_days));
            done(current, Some(until), Action::StartGrace { until })
        }
        Some(until) if until > today => done(current, Some(until), Action::InGrace { until }),
        Some(_) => {
            // One tier at a time: the next evaluation starts a new grace period if it is still below.
            let to = tiers.iter().map(|t| t.rank).filter(|r| *r < current).max().unwrap_or(0);
            done(to, None, Action::Demote { to })
        }
    }
}

/// The tier the partner would qualify for at the next evaluation if `expected` (its run-rate over the time to come
/// plus its weighted pipeline, per requirement) were added to the metrics that accumulate.
pub fn projected_tier(tiers: &[Tier], measured: &Measured, expected: &Measured) -> u32 {
    let mut projected = measured.clone();
    for tier in tiers {
        for (i, r) in tier.requirements.iter().enumerate() {
            if let (true, Some(more)) = (r.metric.accumulates(), expected.get(&(tier.rank, i))) {
                *projected.entry((tier.rank, i)).or_insert(Decimal::ZERO) += (*more).max(Decimal::ZERO);
            }
        }
    }
    qualifying_tier(tiers, &projected)
}

/// A requirement's trailing window in words, as the tier page shows it: "trailing 12 months, since 4 Dec 2025".
/// Whole years read as months, whole weeks up to twelve as weeks, anything else as days; `from` is the window's first
/// day.
pub fn window_span(window_days: u32, from: NaiveDate) -> String {
    let days = window_days.max(1);
    let span = if days % 365 == 0 {
        format!("{} months", days / 365 * 12)
    } else if days % 7 == 0 && days <= 84 {
        match days / 7 {
            1 => "week".to_string(),
            w => format!("{w} weeks"),
        }
    } else if days == 1 {
        "day".to_string()
    } else {
        format!("{days} days")
    };
    format!("trailing {span}, since {}", from.format("%-d %b %Y"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_reads_in_the_unit_people_use_with_its_first_day() {
        let from = NaiveDate::from_ymd_opt(2025, 12, 4).unwrap();
        assert_eq!(window_span(365, from), "trailing 12 months, since 4 Dec 2025");
        assert_eq!(window_span(730, from), "trailing 24 months, since 4 Dec 2025");
        assert_eq!(window_span(90, from), "trailing 90 days, since 4 Dec 2025");
        assert_eq!(window_span(28, from), "trailing 4 weeks, since 4 Dec 2025");
        assert_eq!(window_span(7, from), "trailing week, since 4 Dec 2025");
        assert_eq!(window_span(1, from), "trailing day, since 4 Dec 2025");
        assert_eq!(window_span(0, from), "trailing day, since 4 Dec 2025");
        assert_eq!(
            window_span(182, NaiveDate::from_ymd_opt(2026, 6, 5).unwrap()),
            "trailing 182 days, since 5 Jun 2026"
        );
    }
    use proptest::prelude::*;
    fn d(n: i64) -> Decimal {
        Decimal::from(n)
    }

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn req(metric: Metric, threshold: Decimal, mandatory: bool) -> Requirement {
        Requirement { metric, threshold, window_days: 365, mandatory }
    }

    fn usd() -> Metric {
        Metric::ClosedWonRevenue { currency: "USD".into() }
    }

    fn engineers() -> Metric {
        Metric::CertifiedPeople { certification: "engineer".into() }
    }

    /// The seeds' four tiers: Registered, Silver, Gold, Platinum.
    fn tiers() -> Vec<Tier> {
        vec![
            Tier { rank: 0, name: "Registered".into(), requirements: vec![], optional_needed: 0 },
            Tier {
                rank: 1,
                name: "Silver".into(),
                requirements: vec![req(usd(), d(50000), true), req(engineers(), d(1), true)],
                optional_needed: 0,
            },
            Tier {
                rank: 2,
                name: "Gold".into(),
                requirements: vec![
                    req(usd(), d(200000), true),
                    req(engineers(), d(3), true),
                    req(Metric::WonDeals, d(5), false),
                    req(Metric::CapabilityScore, d(70), false),
                    req(Metric::AgreedBusinessPlan, d(1), false),
                ],
                optional_needed: 2,
            },
            Tier {
                rank: 3,
                name: "Platinum".into(),
                requirements: vec![req(usd(), d(1000000), true), req(engineers(), d(8), true)],
                optional_needed: 0,
            },
        ]
    }

    /// The same values for every tier's requirement of each metric.
    fn measured(values: &[(Metric, Decimal)]) -> Measured {
        let mut m = Measured::new();
        for t in tiers() {
            for (i, r) in t.requirements.iter().enumerate() {
                if let Some((_, v)) = values.iter().find(|(metric, _)| *metric == r.metric) {
                    m.insert((t.rank, i), *v);
                }
            }
        }
        m
    }

    fn standing(rank: u32) -> Standing {
        Standing { rank, grace_until: None, override_: None }
    }

    const TODAY: &str = "2026-12-04";

    #[test]
    fn the_gap_is_told_in_real_units() {
        let m = measured(&[(usd(), d(160000)), (engineers(), d(1)), (Metric::WonDeals, d(6))]);
        let e = evaluate(&tiers(), &m, &standing(1), &Policy::default(), day(TODAY));
        assert_eq!(e.qualifies_for, 1);
        let gold = &e.tiers[2];
        assert!(!gold.met);
        assert_eq!(gold.requirements[0].gap, "USD 40,000 more closed-won revenue");
        assert_eq!(gold.requirements[0].summary, "Closed-won revenue: USD 160,000 of USD 200,000");
        assert_eq!(gold.requirements[0].percent, 80);
        assert_eq!(gold.requirements[1].gap, "2 more certified engineers");
        assert_eq!(gold.requirements[2].gap, "");
        assert_eq!(gold.requirements[3].gap, "a capability score 70 points higher");
        assert_eq!(gold.requirements[3].summary, "Capability score: not measured yet");
        assert_eq!(gold.n_of_m.as_deref(), Some("Meet 2 of the 3 other requirements"));
    }

    #[test]
    fn n_of_m_counts_the_requirements_that_are_not_mandatory() {
        let base = [(usd(), d(250000)), (engineers(), d(3))];
        let one = measured(&[base[0].clone(), base[1].clone(), (Metric::WonDeals, d(5))]);
        assert_eq!(qualifying_tier(&tiers(), &one), 1, "one of the two needed");
        let two =
            measured(&[base[0].clone(), base[1].clone(), (Metric::WonDeals, d(5)), (Metric::AgreedBusinessPlan, d(1))]);
        assert_eq!(qualifying_tier(&tiers(), &two), 2);
    }

    #[test]
    fn promotion_is_automatic_or_waits_for_approval_by_policy() {
        let m = measured(&[(usd(), d(60000)), (engineers(), d(2))]);
        let auto = evaluate(&tiers(), &m, &standing(0), &Policy::default(), day(TODAY));
        assert_eq!((auto.rank, auto.action), (1, Action::Promote { to: 1 }));
        let manual = Policy { auto_promote: false, ..Policy::default() };
        let asked = evaluate(&tiers(), &m, &standing(0), &manual, day(TODAY));
        assert_eq!((asked.rank, asked.action), (0, Action::ProposePromotion { to: 1 }));
    }

    #[test]
    fn a_narrow_margin_warns_and_falling_short_starts_grace_then_demotes_one_tier() {
        let policy = Policy::default();
        let narrow = measured(&[(usd(), d(52000)), (engineers(), d(2))]);
        assert_eq!(evaluate(&tiers(), &narrow, &standing(1), &policy, day(TODAY)).action, Action::Warn);
        let comfortable = measured(&[(usd(), d(90000)), (engineers(), d(2))]);
        assert_eq!(evaluate(&tiers(), &comfortable, &standing(1), &policy, day(TODAY)).action, Action::Hold);

        // A Gold partner that now meets nothing: grace first, for 90 days.
        let nothing = measured(&[]);
        let start = evaluate(&tiers(), &nothing, &standing(2), &policy, day(TODAY));
        assert_eq!(start.action, Action::StartGrace { until: day("2027-03-04") });
        assert_eq!((start.rank, start.grace_until), (2, Some(day("2027-03-04"))));
        let during = Standing { rank: 2, grace_until: start.grace_until, override_: None };
        let mid = evaluate(&tiers(), &nothing, &during, &policy, day("2027-02-01"));
        assert_eq!((mid.rank, mid.action), (2, Action::InGrace { until: day("2027-03-04") }));
        // Grace over: down one tier, not to the bottom.
        let after = evaluate(&tiers(), &nothing, &during, &policy, day("2027-03-04"));
        assert_eq!((after.rank, after.action, after.grace_until), (1, Action::Demote { to: 1 }, None));
        // Meeting the tier again ends the grace period.
        let back = measured(&[
            (usd(), d(300000)),
            (engineers(), d(4)),
            (Metric::WonDeals, d(9)),
            (Metric::CapabilityScore, d(90)),
        ]);
        let recovered = evaluate(&tiers(), &back, &during, &policy, day("2027-02-01"));
        assert_eq!((recovered.rank, recovered.grace_until, recovered.action), (2, None, Action::Hold));
    }

    #[test]
    fn an_override_holds_its_tier_until_its_date() {
        let o =
            Standing { rank: 1, grace_until: None, override_: Some(Override { rank: 3, until: day("2027-01-31") }) };
        let m = measured(&[]);
        let held = evaluate(&tiers(), &m, &o, &Policy::default(), day("2027-01-31"));
        assert_eq!((held.rank, held.action), (3, Action::Overridden { rank: 3, until: day("2027-01-31") }));
        let expired = evaluate(&tiers(), &m, &o, &Policy::default(), day("2027-02-01"));
        assert_eq!(expired.action, Action::StartGrace { until: day("2027-05-02") });
    }

    #[test]
    fn the_projection_adds_run_rate_and_pipeline_to_what_accumulates() {
        let m = measured(&[
            (usd(), d(180000)),
            (engineers(), d(3)),
            (Metric::WonDeals, d(4)),
            (Metric::AgreedBusinessPlan, d(1)),
        ]);
        assert_eq!(qualifying_tier(&tiers(), &m), 1);
        let expected = measured(&[(usd(), d(30000)), (Metric::WonDeals, d(1)), (engineers(), d(10))]);
        // Revenue and deals grow; certified people do not accumulate from a pipeline.
        assert_eq!(projected_tier(&tiers(), &m, &expected), 2);
    }

    #[test]
    fn metrics_round_trip_through_their_stored_key() {
        for m in [usd(), Metric::WonDeals, engineers(), Metric::Custom { name: "customer references".into() }] {
            assert_eq!(Metric::from_key(m.key(), m.parameter()), Some(m.clone()));
        }
        assert_eq!(Metric::from_key("nonsense", ""), None);
    }

    fn any_values() -> impl Strategy<Value = Vec<u32>> {
        prop::collection::vec(0u32..1_200_000, 5)
    }

    fn from_values(v: &[u32]) -> Measured {
        measured(&[
            (usd(), Decimal::from(v[0])),
            (engineers(), Decimal::from(v[1] % 12)),
            (Metric::WonDeals, Decimal::from(v[2] % 10)),
            (Metric::CapabilityScore, Decimal::from(v[3] % 101)),
            (Metric::AgreedBusinessPlan, Decimal::from(v[4] % 2)),
        ])
    }

    fn any_standing() -> impl Strategy<Value = Standing> {
        (0u32..4, prop::option::of(0i64..200), prop::option::of((0u32..4, 0i64..200))).prop_map(|(rank, grace, o)| {
            let base = day(TODAY);
            Standing {
                rank,
                grace_until: grace.map(|d| base + Duration::days(d - 100)),
                override_: o.map(|(rank, d)| Override { rank, until: base + Duration::days(d - 100) }),
            }
        })
    }

    proptest! {
        #[test]
        fn more_of_any_metric_never_yields_a_lower_tier(v in any_values(), which in 0usize..5, more in 1u32..500_000) {
            let mut w = v.clone();
            w[which] = w[which].saturating_add(more);
            // The modular metrics: raise within their range.
            let before = from_values(&v);
            let mut after = from_values(&v);
            for ((rank, i), value) in from_values(&w) {
                let old = before.get(&(rank, i)).copied().unwrap_or_default();
                after.insert((rank, i), value.max(old));
            }
            prop_assert!(qualifying_tier(&tiers(), &after) >= qualifying_tier(&tiers(), &before));
        }

        #[test]
        fn a_partner_meeting_its_tier_is_never_demoted(v in any_values(), s in any_standing()) {
            let m = from_values(&v);
            let e = evaluate(&tiers(), &m, &s, &Policy::default(), day(TODAY));
            // An override is the program admin's decision, held to its date (its own property below).
            let overridden = s.override_.as_ref().is_some_and(|o| o.until >= day(TODAY));
            if qualifying_tier(&tiers(), &m) >= s.rank && !overridden {
                prop_assert!(e.rank >= s.rank, "{e:?}");
                let demoted = matches!(e.action, Action::Demote { .. } | Action::StartGrace { .. });
                prop_assert!(!demoted, "{:?}", e.action);
            }
        }

        #[test]
        fn demotion_comes_only_after_grace_and_one_tier_at_a_time(v in any_values(), s in any_standing()) {
            let today = day(TODAY);
            let e = evaluate(&tiers(), &from_values(&v), &s, &Policy::default(), today);
            if let Action::Demote { to } = e.action {
                prop_assert!(s.grace_until.is_some_and(|g| g <= today), "{s:?}");
                prop_assert_eq!(to, s.rank - 1);
            }
            let overridden = matches!(e.action, Action::Overridden { .. });
            prop_assert!(e.rank + 1 >= s.rank.min(3) || overridden, "{:?}", e);
        }

        #[test]
        fn an_override_holds_until_its_date(v in any_values(), s in any_standing()) {
            let today = day(TODAY);
            let e = evaluate(&tiers(), &from_values(&v), &s, &Policy::default(), today);
            match &s.override_ {
                Some(o) if o.until >= today => prop_assert_eq!(e.rank, o.rank),
                _ => {
                    let overridden = matches!(e.action, Action::Overridden { .. });
                    prop_assert!(!overridden, "{:?}", e.action);
                }
            }
        }

        #[test]
        fn the_evaluation_is_deterministic(v in any_values(), s in any_standing()) {
            let m = from_values(&v);
            let a = evaluate(&tiers(), &m, &s, &Policy::default(), day(TODAY));
            let b = evaluate(&tiers(), &m, &s, &Policy::default(), day(TODAY));
            prop_assert_eq!(a, b);
        }
    }
}
