//! Metric sources: what a batch of partners has of each metric over a trailing window ending today, and what the
//! projection adds (run-rate over the time to the next evaluation plus weighted open pipeline). Adding a metric is a
//! variant of `rules::tier_progression::Metric` and a branch of `source` here, never a migration. The capability score is
//! the overall score of the partner's latest submitted capability assessment.

use std::collections::HashMap;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;

use super::{ByPartner, Program, store};
use crate::db::Tx;
use crate::error::Result;
use crate::ids::PartnerId;
use crate::rules::tier_progression::Metric;

/// What the partners of `ids` have of `metric` over the `window_days` up to and including `today`; None when the
/// metric has no data source yet. Partners missing from a Some answer have 0.
pub async fn source(
    tx: &mut Tx,
    program: &Program,
    metric: &Metric,
    ids: &[PartnerId],
    window_days: u32,
    today: NaiveDate,
) -> Result<Option<Vec<(PartnerId, Decimal)>>> {
    let to = program.start_of(today + Duration::days(1));
    let from = program.start_of(today + Duration::days(1) - Duration::days(i64::from(window_days.max(1))));
    Ok(Some(match metric {
        Metric::ClosedWonRevenue { currency } => store::closed_won_revenue(tx, ids, currency, from, to).await?,
        Metric::WonDeals => store::won_deals(tx, ids, from, to).await?,
        Metric::ApprovedRegistrations => store::approved_registrations(tx, ids, from, to).await?,
        Metric::OnboardingComplete => store::onboarding_complete(tx, ids).await?,
        Metric::Custom { name } => store::custom_values(tx, ids, name).await?,
        Metric::CertifiedPeople { certification } => {
            crate::certifications::store::certified_people(tx, ids, certification, today)
                .await?
                .into_iter()
                .map(|(id, n)| (id, Decimal::from(n)))
                .collect()
        }
        Metric::AgreedBusinessPlan => crate::plans::store::agreed_plan_covers(tx, ids, today).await?,
        // The overall score of the partner's latest submitted assessment, whatever its age.
        Metric::CapabilityScore => crate::capability::store::latest_overall(tx, ids).await?,
    }))
}

/// Every requirement of the program measured for every partner of `ids`: one query per distinct (metric, window),
/// and one for the open pipeline per currency.
pub async fn measure_all(
    tx: &mut Tx,
    program: &Program,
    ids: &[PartnerId],
    today: NaiveDate,
    horizon_days: i32,
) -> Result<ByPartner> {
    let mut by_spec: HashMap<(Metric, u32), Option<HashMap<PartnerId, Decimal>>> = HashMap::new();
    for tier in &program.rule_tiers {
        for r in &tier.requirements {
            let key = (r.metric.clone(), r.window_days);
            if by_spec.contains_key(&key) {
                continue;
            }
            let values = source(tx, program, &r.metric, ids, r.window_days, today).await?;
            by_spec.insert(key, values.map(|v| v.into_iter().collect()));
        }
    }
    let mut pipelines: HashMap<String, HashMap<PartnerId, store::Pipeline>> = HashMap::new();
    let mut any_counts = false;
    for tier in &program.rule_tiers {
        for r in &tier.requirements {
            match &r.metric {
                Metric::ClosedWonRevenue { currency } if !pipelines.contains_key(currency) => {
                    let rows = store::pipeline(tx, ids, currency).await?;
                    pipelines.insert(currency.clone(), rows.into_iter().map(|p| (p.id, p)).collect());
                }
                Metric::WonDeals | Metric::ApprovedRegistrations => any_counts = true,
                _ => {}
            }
        }
    }
    if any_counts && pipelines.is_empty() {
        let rows = store::pipeline(tx, ids, "").await?;
        pipelines.insert(String::new(), rows.into_iter().map(|p| (p.id, p)).collect());
    }
    let counts = pipelines.values().next();
    let half = Decimal::new(5, 1);
    let quarter = Decimal::new(25, 2);
    let horizon = Decimal::from(horizon_days.max(1));
    let mut out = ByPartner::new();
    for id in ids {
        let (have, expected) = out.entry(*id).or_default();
        for tier in &program.rule_tiers {
            for (i, r) in tier.requirements.iter().enumerate() {
                let Some(Some(values)) = by_spec.get(&(r.metric.clone(), r.window_days)) else { continue };
                let v = values.get(id).copied().unwrap_or_default();
                have.insert((tier.rank, i), v);
                if !r.metric.accumulates() {
                    continue;
                }
                let run_rate = v * horizon / Decimal::from(r.window_days.max(1));
                let pipeline = match &r.metric {
                    Metric::ClosedWonRevenue { currency } => pipelines
                        .get(currency)
                        .and_then(|p| p.get(id))
                        .map_or(Decimal::ZERO, |p| p.approved_value * half + p.pending_value * quarter),
                    Metric::WonDeals => counts.and_then(|p| p.get(id)).map_or(Decimal::ZERO, |p| {
                        Decimal::from(p.approved) * half + Decimal::from(p.pending) * quarter
                    }),
                    Metric::ApprovedRegistrations => {
                        counts.and_then(|p| p.get(id)).map_or(Decimal::ZERO, |p| Decimal::from(p.pending) * half)
                    }
                    _ => Decimal::ZERO,
                };
                expected.insert((tier.rank, i), run_rate + pipeline);
            }
        }
    }
    Ok(out)
}
