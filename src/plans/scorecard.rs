//! The performance scorecard: a partner's quarter against its business plan, computed from the data (deals, MDF
//! ledger, certifications, onboarding) with the figures of `rules::scorecard`. The same function feeds the API, the
//! scorecard page and the homes, so every screen shows the same number.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::{ObjectiveKind, PlanState, store};
use crate::auth::Scope;
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::ids::{BusinessPlanId, ObjectiveId, PartnerId};
use crate::rules::scorecard::{self as rule, Bands, Mark};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendPoint {
    pub fiscal_year: i32,
    pub quarter: u32,
    #[schema(value_type = String)]
    pub value: Decimal,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Metric {
    pub key: &'static str,
    pub label: &'static str,
    #[schema(value_type = String)]
    pub value: Decimal,
    #[schema(value_type = Option<String>)]
    pub target: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub attainment: Option<Decimal>,
    pub mark: Option<Mark>,
    /// The last four quarters, oldest first.
    pub trend: Vec<TrendPoint>,
    /// How to read `value`: `money`, `count` or `ratio`.
    pub unit: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ObjectiveScore {
    pub objective_id: ObjectiveId,
    pub kind: ObjectiveKind,
    pub name: String,
    pub weight: i32,
    #[schema(value_type = String)]
    pub target: Decimal,
    #[schema(value_type = String)]
    pub actual: Decimal,
    #[schema(value_type = Option<String>)]
    pub attainment: Option<Decimal>,
    pub mark: Option<Mark>,
    pub trend: Vec<TrendPoint>,
    pub unit: &'static str,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Scorecard {
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub fiscal_year: i32,
    pub quarter: u32,
    pub period_start: NaiveDate,
    /// The period's last day.
    pub period_end: NaiveDate,
    /// The fraction of the period gone (0–1).
    #[schema(value_type = String)]
    pub elapsed: Decimal,
    pub currency: String,
    pub plan_id: Option<BusinessPlanId>,
    pub plan_state: Option<PlanState>,
    /// Weighted plan attainment in the quarter; null without a plan.
    #[schema(value_type = Option<String>)]
    pub attainment: Option<Decimal>,
    #[schema(value_type = String)]
    pub coverage: Decimal,
    pub metrics: Vec<Metric>,
    pub objectives: Vec<ObjectiveScore>,
}

/// The four quarters ending with (`fiscal_year`, `quarter`), oldest first.
pub fn last_four(fiscal_year: i32, quarter: u32) -> Vec<(i32, u32)> {
    let mut out = Vec::new();
    let (mut y, mut q) = (fiscal_year, quarter.clamp(1, 4));
    for _ in 0..4 {
        out.push((y, q));
        if q == 1 {
            y -= 1;
            q = 4;
        } else {
            q -= 1;
        }
    }
    out.reverse();
    out
}

fn unit(kind: ObjectiveKind) -> &'static str {
    if kind.is_money() { "money" } else { "count" }
}

/// The partner's scorecard for a quarter (default: the current one). 404 when the scope may not see the partner.
pub async fn compute(
    tx: &mut Tx,
    scope: Scope,
    partner: PartnerId,
    fiscal_year: Option<i32>,
    quarter: Option<u32>,
) -> Result<Scorecard> {
    let partner_name = store::partner_name(tx, scope, partner).await?.ok_or(Error::NotFound)?;
    let settings = store::settings(tx).await?;
    let start_month = settings.fiscal_year_start_month as u32;
    let today = crate::program::store::today(tx).await?;
    let fiscal_year = fiscal_year.unwrap_or_else(|| rule::fiscal_year_of(today, start_month));
    let quarter = quarter.unwrap_or_else(|| rule::quarter_of(today, start_month));
    if !(1..=4).contains(&quarter) {
        return Err(Error::invalid("quarter", "Use a quarter from 1 to 4."));
    }
    if !(2000..=2100).contains(&fiscal_year) {
        return Err(Error::invalid("fiscal_year", "Use a fiscal year from 2000 to 2100."));
    }
    let period_start = rule::quarter_start(fiscal_year, start_month, quarter);
    let period_next = rule::quarter_start(fiscal_year, start_month, quarter + 1);
    let elapsed = rule::elapsed(period_start, period_next, today);

    let (plans, _) = store::plans(tx, scope, Some(partner), Some(fiscal_year), None, 1, 0).await?;
    let plan = plans.into_iter().next();
    let currency = plan.as_ref().map_or_else(|| "USD".to_string(), |p| p.currency.clone());
    let mut objectives = match &plan {
        Some(p) => store::objectives(tx, p.id).await?,
        None => vec![],
    };
    // While an amendment waits for the partner, the targets agreed before still hold.
    if let Some(p) = plan.as_ref().filter(|p| p.state == PlanState::Shared && p.version > 1) {
        let frozen = store::versions(tx, p.id).await?.pop().and_then(|v| {
            serde_json::from_value::<Vec<super::api::ObjectiveView>>(v.snapshot.get("objectives")?.clone()).ok()
        });
        if let Some(list) = frozen {
            objectives = list
                .into_iter()
                .map(|o| store::ObjectiveRow {
                    id: o.id,
                    kind: o.kind,
                    name: o.name,
                    certification: o.certification,
                    weight: o.weight,
                    targets: o.targets,
                    manual_actuals: o.manual_actuals,
                })
                .collect();
        }
    }

    let quarters = last_four(fiscal_year, quarter);
    let mut days: Vec<NaiveDate> = quarters.iter().map(|(y, q)| rule::quarter_start(*y, start_month, *q)).collect();
    days.push(period_next);
    let bounds = super::day_starts(tx, &days).await?;
    let m = store::measures(tx, partner, &currency, &bounds).await?;
    let now = &m[3];
    let open = store::open_pipeline(tx, partner, &currency).await?;
    let (won_4q, lost_4q) = m.iter().fold((0, 0), |(w, l), q| (w + q.won, l + q.lost));
    let coverage = rule::coverage(settings.coverage_index, settings.coverage_from_win_rate, won_4q, lost_4q);
    let bands = Bands::default();
    // Levels (people certified) are judged as they stand, not on pace.
    let level_day = |i: usize| std::cmp::min(today, days[i + 1] - Duration::days(1));

    let mut scores = Vec::new();
    for o in &objectives {
        let mut trend = Vec::new();
        for (i, (y, q)) in quarters.iter().enumerate() {
            let value = match o.kind {
                ObjectiveKind::ClosedWonRevenue => m[i].won_revenue,
                ObjectiveKind::RegisteredPipeline => m[i].registered_pipeline,
                ObjectiveKind::WonDeals => Decimal::from(m[i].won),
                ObjectiveKind::MdfSourcedPipeline => m[i].mdf_sourced_pipeline,
                ObjectiveKind::CertifiedPeople => {
                    let code = o.certification.as_deref().unwrap_or("");
                    let n = crate::certifications::store::certified_people(tx, &[partner], code, level_day(i)).await?;
                    Decimal::from(n.first().map_or(0, |(_, n)| *n))
                }
                ObjectiveKind::Custom if *y == fiscal_year => {
                    o.manual_actuals.get(*q as usize - 1).copied().unwrap_or_default()
                }
                ObjectiveKind::Custom => Decimal::ZERO,
            };
            trend.push(TrendPoint { fiscal_year: *y, quarter: *q, value });
        }
        let actual = trend[3].value;
        let target = o.targets.get(quarter as usize - 1).copied().unwrap_or_default();
        let pace_elapsed = if o.kind == ObjectiveKind::CertifiedPeople { Decimal::ONE } else { elapsed };
        scores.push(ObjectiveScore {
            objective_id: o.id,
            kind: o.kind,
            name: o.name.clone(),
            weight: o.weight,
            target,
            actual,
            attainment: rule::attainment(actual, target),
            mark: rule::mark(actual, target, pace_elapsed, bands),
            trend,
            unit: unit(o.kind),
        });
    }
    let attainment = plan.as_ref().and_then(|_| {
        rule::weighted_attainment(&scores.iter().map(|s| (s.weight.max(0) as u32, s.attainment)).collect::<Vec<_>>())
    });

    let trend = |f: &dyn Fn(&store::Measures) -> Decimal| -> Vec<TrendPoint> {
        quarters.iter().zip(&m).map(|((y, q), v)| TrendPoint { fiscal_year: *y, quarter: *q, value: f(v) }).collect()
    };
    let revenue_target: Option<Decimal> = {
        let t: Decimal = scores.iter().filter(|s| s.kind == ObjectiveKind::ClosedWonRevenue).map(|s| s.target).sum();
        (t > Decimal::ZERO).then_some(t)
    };
    let mut metrics = Vec::new();
    metrics.push(Metric {
        key: "performance_to_plan",
        label: "Closed-won revenue against plan",
        value: now.won_revenue,
        target: revenue_target,
        attainment: revenue_target.and_then(|t| rule::attainment(now.won_revenue, t)),
        mark: revenue_target.and_then(|t| rule::mark(now.won_revenue, t, elapsed, bands)),
        trend: trend(&|m| m.won_revenue),
        unit: "money",
    });
    let p2t = revenue_target.and_then(|t| rule::pipeline_to_target(open, t, now.won_revenue, coverage));
    metrics.push(Metric {
        key: "pipeline_to_target",
        label: "Pipeline to target",
        value: p2t.map_or(Decimal::ZERO, |v| v.round_dp(4)),
        target: p2t.map(|_| Decimal::ONE),
        attainment: p2t.map(|v| v.round_dp(4)),
        mark: p2t.map(|v| rule::mark_of_pace(v, bands)),
        trend: vec![],
        unit: "ratio",
    });
    metrics.push(Metric {
        key: "average_deal_size",
        label: "Average deal size",
        value: rule::average_deal_size(now.won_revenue, now.won).unwrap_or_default(),
        target: None,
        attainment: None,
        mark: None,
        trend: trend(&|m| rule::average_deal_size(m.won_revenue, m.won).unwrap_or_default()),
        unit: "money",
    });
    metrics.push(Metric {
        key: "win_rate",
        label: "Win rate",
        value: rule::win_rate(now.won, now.lost).map_or(Decimal::ZERO, |r| r.round_dp(4)),
        target: None,
        attainment: None,
        mark: None,
        trend: trend(&|m| rule::win_rate(m.won, m.lost).map_or(Decimal::ZERO, |r| r.round_dp(4))),
        unit: "ratio",
    });
    for (key, label, f) in [
        (
            "registrations_submitted",
            "Registrations submitted",
            (|m: &store::Measures| m.submitted) as fn(&store::Measures) -> i64,
        ),
        ("registrations_approved", "Registrations approved", |m: &store::Measures| m.approved),
        ("registrations_won", "Deals won", |m: &store::Measures| m.won),
    ] {
        let target = if key == "registrations_won" {
            let t: Decimal = scores.iter().filter(|s| s.kind == ObjectiveKind::WonDeals).map(|s| s.target).sum();
            (t > Decimal::ZERO).then_some(t)
        } else {
            None
        };
        let value = Decimal::from(f(now));
        metrics.push(Metric {
            key,
            label,
            value,
            target,
            attainment: target.and_then(|t| rule::attainment(value, t)),
            mark: target.and_then(|t| rule::mark(value, t, elapsed, bands)),
            trend: trend(&|m| Decimal::from(f(m))),
            unit: "count",
        });
    }
    if let Some(c) = scores.iter().find(|s| s.kind == ObjectiveKind::CertifiedPeople) {
        metrics.push(Metric {
            key: "certified_people",
            label: "Certified people",
            value: c.actual,
            target: Some(c.target),
            attainment: c.attainment,
            mark: c.mark,
            trend: c.trend.clone(),
            unit: "count",
        });
    } else {
        let n: i64 = crate::certifications::store::counting_by_type(tx, Scope::Partner(partner), today)
            .await?
            .into_iter()
            .map(|(_, n)| n)
            .sum();
        metrics.push(Metric {
            key: "certified_people",
            label: "Certified people",
            value: Decimal::from(n),
            target: None,
            attainment: None,
            mark: None,
            trend: vec![],
            unit: "count",
        });
    }
    let (done, all) = store::required_tasks(tx, partner).await?;
    let tasks = if all > 0 { (Decimal::from(done) / Decimal::from(all)).round_dp(4) } else { Decimal::ONE };
    metrics.push(Metric {
        key: "required_tasks_done",
        label: "Required tasks done",
        value: tasks,
        target: Some(Decimal::ONE),
        attainment: Some(tasks),
        mark: Some(rule::mark_of_pace(tasks, bands)),
        trend: vec![],
        unit: "ratio",
    });
    metrics.push(Metric {
        key: "mdf_used",
        label: "MDF paid out",
        value: now.mdf_paid,
        target: None,
        attainment: None,
        mark: None,
        trend: trend(&|m| m.mdf_paid),
        unit: "money",
    });

    Ok(Scorecard {
        partner_id: partner,
        partner_name,
        fiscal_year,
        quarter,
        period_start,
        period_end: period_next - Duration::days(1),
        elapsed,
        currency,
        plan_id: plan.as_ref().map(|p| p.id),
        plan_state: plan.as_ref().map(|p| p.state),
        attainment,
        coverage,
        metrics,
        objectives: scores,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_last_four_quarters_cross_the_year() {
        assert_eq!(last_four(2026, 2), [(2025, 3), (2025, 4), (2026, 1), (2026, 2)]);
        assert_eq!(last_four(2026, 4), [(2026, 1), (2026, 2), (2026, 3), (2026, 4)]);
    }
}
