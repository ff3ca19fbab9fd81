//! A partner's quarterly marketing plan: the quarter's activities, each with its lead-waterfall forecast. Rates are
//! pre-filled from the partner's own history where it reported results, else from the tenant's benchmark for the
//! activity type, and may be edited; one click turns an activity into a pre-filled draft request.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::store::{self, ActivityRow, NewActivity, PlanRow};
use super::{RequestStatus, money, percent};
use crate::auth::CurrentUser;
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{ActivityId, AllocationId, MdfRequestId, PartnerId, PlanId};
use crate::rules::mdf::{self as rules, Rates, Waterfall};

/// "2026-Q2" → 2026-04-01.
pub fn parse_quarter(s: &str) -> Option<NaiveDate> {
    let (y, q) = s.trim().split_once("-Q").or_else(|| s.trim().split_once("-q"))?;
    let year: i32 = y.parse().ok()?;
    let q: u32 = q.parse().ok()?;
    if !(1..=4).contains(&q) || !(2000..=2100).contains(&year) {
        return None;
    }
    NaiveDate::from_ymd_opt(year, (q - 1) * 3 + 1, 1)
}

/// 2026-04-01 → "2026-Q2".
pub fn quarter_name(start: NaiveDate) -> String {
    format!("{}-Q{}", start.year(), (start.month() - 1) / 3 + 1)
}

/// The quarter `day` falls in.
pub fn quarter_of(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), (day.month() - 1) / 3 * 3 + 1, 1).unwrap_or(day)
}

fn quarter_end(start: NaiveDate) -> NaiveDate {
    super::Period::Quarter.end(start).unwrap_or(start)
}

/// The rates to pre-fill: the partner's own where it reported results, else the benchmark of the activity type.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = MdfRates)]
pub struct PrefilledRates {
    pub response_rate: String,
    pub mql_rate: String,
    pub sql_rate: String,
    pub win_rate: String,
    pub average_deal: String,
    /// history or benchmark
    pub from: &'static str,
    #[serde(skip)]
    pub rates: Rates,
    #[serde(skip)]
    pub deal: Decimal,
}

pub async fn prefilled(tx: &mut Tx, partner: PartnerId, activity_type: Option<&str>) -> Result<PrefilledRates> {
    let types = store::activity_types(tx).await?;
    let bench = activity_type
        .and_then(|t| types.iter().find(|x| x.code == t))
        .or(types.first())
        .ok_or_else(|| Error::invalid("activity_type", "The program has no activity types."))?;
    let h = store::rate_history(tx, partner).await?;
    let observed = rules::observed_rates(h.audience, h.responses, h.mqls, h.sqls, h.wins);
    let (rates, deal, from) = match observed {
        Some(r) => {
            let deal =
                if h.wins > 0 { (h.won_revenue / Decimal::from(h.wins)).round_dp(2) } else { bench.average_deal };
            (r, deal, "history")
        }
        None => (
            Rates { response: bench.response_rate, mql: bench.mql_rate, sql: bench.sql_rate, win: bench.win_rate },
            bench.average_deal,
            "benchmark",
        ),
    };
    Ok(PrefilledRates {
        response_rate: rates.response.normalize().to_string(),
        mql_rate: rates.mql.normalize().to_string(),
        sql_rate: rates.sql.normalize().to_string(),
        win_rate: rates.win.normalize().to_string(),
        average_deal: format!("{deal:.2}"),
        from,
        rates,
        deal,
    })
}

#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct ActivityInput {
    #[serde(default)]
    pub activity_type: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    #[schema(value_type = String)]
    pub cost: serde_json::Value,
    #[serde(default)]
    #[schema(value_type = String)]
    pub vendor_share_percent: serde_json::Value,
    /// The waterfall: `audience` and, optionally, the rates and average deal (left out: pre-filled).
    #[serde(default)]
    pub waterfall: super::WaterfallInput,
}

async fn validate_activity(
    tx: &mut Tx,
    partner: PartnerId,
    quarter: NaiveDate,
    input: &ActivityInput,
) -> Result<NewActivity> {
    let mut errors = FieldErrors::new();
    let activity_type = input.activity_type.trim().to_string();
    if !store::activity_type_exists(tx, &activity_type).await? {
        errors.add("activity_type", "Use one of the program's activity types.");
    }
    let title = crate::validate::text(&mut errors, "title", &input.title, 200);
    let starts_on = super::date(&mut errors, "starts_on", &input.starts_on);
    let ends_on = super::date(&mut errors, "ends_on", &input.ends_on);
    let end = quarter_end(quarter);
    for (field, d) in [("starts_on", starts_on), ("ends_on", ends_on)] {
        if d.is_some_and(|d| d < quarter || d > end) {
            errors.add(field, format!("Use a date inside the plan's quarter ({} to {end}).", quarter));
        }
    }
    if let (Some(s), Some(e)) = (starts_on, ends_on)
        && e < s
    {
        errors.add("ends_on", "The activity cannot end before it starts.");
    }
    let cost = money(&mut errors, "cost", &input.cost, true);
    let vendor_share_percent = percent(&mut errors, "vendor_share_percent", &input.vendor_share_percent, false);
    let w = &input.waterfall;
    let audience = match w.audience {
        Some(a @ 0..=100_000_000) => a as i32,
        Some(_) => {
            errors.add("waterfall.audience", "Use a number of people from 0 to 100,000,000.");
            0
        }
        None => {
            errors.add("waterfall.audience", "This field is required.");
            0
        }
    };
    let pre = prefilled(tx, partner, Some(&activity_type)).await?;
    let mut edited = false;
    let mut rate = |field: &str, v: &serde_json::Value, default: Decimal| -> Decimal {
        if v.is_null() || v.as_str().is_some_and(|s| s.trim().is_empty()) {
            default
        } else {
            let p = percent(&mut errors, field, v, false);
            edited |= p != default;
            p
        }
    };
    let rates = Rates {
        response: rate("waterfall.response_rate", &w.response_rate, pre.rates.response),
        mql: rate("waterfall.mql_rate", &w.mql_rate, pre.rates.mql),
        sql: rate("waterfall.sql_rate", &w.sql_rate, pre.rates.sql),
        win: rate("waterfall.win_rate", &w.win_rate, pre.rates.win),
    };
    let average_deal = if w.average_deal.is_null() || w.average_deal.as_str().is_some_and(|s| s.trim().is_empty()) {
        pre.deal
    } else {
        let d = money(&mut errors, "waterfall.average_deal", &w.average_deal, true);
        edited |= d != pre.deal;
        d
    };
    errors.into_result()?;
    Ok(NewActivity {
        activity_type,
        title,
        starts_on: starts_on.unwrap_or(quarter),
        ends_on: ends_on.unwrap_or(quarter),
        cost,
        vendor_share_percent,
        audience,
        rates,
        average_deal,
        rates_from: if edited { "edited" } else { pre.from },
    })
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ActivityView {
    pub id: ActivityId,
    pub plan_id: PlanId,
    pub activity_type: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub cost: String,
    pub vendor_share_percent: String,
    /// cost × vendor share.
    pub requested: String,
    pub waterfall: super::api::WaterfallView,
    /// history, benchmark or edited.
    pub rates_from: String,
    /// The forecast ROI is more than twice the partner's historical actual ROI.
    pub flagged: bool,
    pub request_id: Option<MdfRequestId>,
    pub request_status: Option<RequestStatus>,
}

/// What an activity forecasts: its waterfall stages, the requested share and the ROI on it.
pub struct Forecast {
    pub requested: Decimal,
    pub revenue: Decimal,
    pub roi: Option<Decimal>,
}

pub fn forecast(a: &ActivityRow) -> (Waterfall, Forecast) {
    let w = Waterfall {
        audience: i64::from(a.audience),
        rates: Rates { response: a.response_rate, mql: a.mql_rate, sql: a.sql_rate, win: a.win_rate },
        average_deal: a.average_deal,
    };
    let requested = rules::vendor_share(a.cost, a.vendor_share_percent);
    let revenue = w.stages().revenue;
    (w, Forecast { requested, revenue, roi: rules::roi(revenue, requested) })
}

pub fn activity_view(a: &ActivityRow, historical_roi: Option<Decimal>) -> ActivityView {
    let (w, f) = forecast(a);
    let s = w.stages();
    let one = |d: Decimal| format!("{d:.1}");
    ActivityView {
        id: a.id,
        plan_id: a.plan_id,
        activity_type: a.activity_type.clone(),
        title: a.title.clone(),
        starts_on: a.starts_on,
        ends_on: a.ends_on,
        cost: format!("{:.2}", a.cost),
        vendor_share_percent: a.vendor_share_percent.normalize().to_string(),
        requested: format!("{:.2}", f.requested),
        waterfall: super::api::WaterfallView {
            audience: a.audience,
            response_rate: a.response_rate.normalize().to_string(),
            mql_rate: a.mql_rate.normalize().to_string(),
            sql_rate: a.sql_rate.normalize().to_string(),
            win_rate: a.win_rate.normalize().to_string(),
            average_deal: format!("{:.2}", a.average_deal),
            responses: one(s.responses),
            mqls: one(s.mqls),
            sqls: one(s.sqls),
            wins: one(s.wins),
            forecast_revenue: format!("{:.2}", s.revenue),
            forecast_roi: f.roi.map(|r| format!("{r:.2}")),
        },
        rates_from: a.rates_from.clone(),
        flagged: rules::flagged(f.roi, historical_roi),
        request_id: a.request_id,
        request_status: a.request_status,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanTotals {
    pub cost: String,
    pub requested: String,
    pub forecast_revenue: String,
    pub forecast_roi: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = MarketingPlanView)]
pub struct PlanView {
    pub id: PlanId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    /// "2026-Q1"
    pub quarter: String,
    pub activities: Vec<ActivityView>,
    pub totals: PlanTotals,
}

pub async fn historical_roi(tx: &mut Tx, partner: PartnerId) -> Result<Option<Decimal>> {
    let h = store::partner_history(tx, partner).await?;
    Ok(rules::historical_roi(h.won_revenue, h.paid))
}

pub async fn plan_view(tx: &mut Tx, user: &CurrentUser, p: PlanRow) -> Result<PlanView> {
    let hist = historical_roi(tx, p.partner_id).await?;
    let rows = store::activities(tx, user.scope(), Some(p.id), None).await?;
    let (mut cost, mut requested, mut revenue) = (Decimal::ZERO, Decimal::ZERO, Decimal::ZERO);
    for a in &rows {
        let (_, f) = forecast(a);
        cost += a.cost;
        requested += f.requested;
        revenue += f.revenue;
    }
    Ok(PlanView {
        id: p.id,
        partner_id: p.partner_id,
        partner_name: p.partner_name,
        quarter: quarter_name(p.quarter_start),
        activities: rows.iter().map(|a| activity_view(a, hist)).collect(),
        totals: PlanTotals {
            cost: format!("{cost:.2}"),
            requested: format!("{requested:.2}"),
            forecast_revenue: format!("{revenue:.2}"),
            forecast_roi: rules::roi(revenue, requested).map(|r| format!("{r:.2}")),
        },
    })
}

/// Opens the partner's plan for a quarter; one per partner and quarter (409).
pub async fn create_plan(tx: &mut Tx, user: &CurrentUser, quarter: &str) -> Result<PlanId> {
    let partner = user.partner_id.ok_or_else(Error::forbidden)?;
    let start = parse_quarter(quarter).ok_or_else(|| Error::invalid("quarter", "Use a quarter such as 2026-Q1."))?;
    let id = PlanId::new();
    if !store::insert_plan(tx, user.tenant_id, id, partner, start, user.id).await? {
        return Err(Error::Conflict(format!("You already have a plan for {}.", quarter_name(start))));
    }
    Ok(id)
}

pub async fn add_activity(tx: &mut Tx, user: &CurrentUser, plan: PlanId, input: &ActivityInput) -> Result<ActivityId> {
    let p = store::plans(tx, user.scope(), Some(plan), None, None).await?.into_iter().next().ok_or(Error::NotFound)?;
    let new = validate_activity(tx, p.partner_id, p.quarter_start, input).await?;
    let id = ActivityId::new();
    store::insert_activity(tx, user.tenant_id, id, plan, p.partner_id, &new).await?;
    Ok(id)
}

/// The activity in scope, locked; 409 when a request beyond a draft was made from it.
async fn changeable(tx: &mut Tx, user: &CurrentUser, id: ActivityId) -> Result<ActivityRow> {
    store::lock_activity(tx, id).await?;
    let a = store::activities(tx, user.scope(), None, Some(id)).await?.into_iter().next().ok_or(Error::NotFound)?;
    if a.request_status.is_some_and(|s| s != RequestStatus::Draft) {
        return Err(Error::Conflict("A request was made from this activity; change the request instead.".into()));
    }
    Ok(a)
}

pub async fn update_activity(tx: &mut Tx, user: &CurrentUser, id: ActivityId, input: &ActivityInput) -> Result<()> {
    let a = changeable(tx, user, id).await?;
    let new = validate_activity(tx, a.partner_id, a.quarter_start, input).await?;
    store::update_activity(tx, id, &new).await?;
    Ok(())
}

pub async fn delete_activity(tx: &mut Tx, user: &CurrentUser, id: ActivityId) -> Result<()> {
    let a = changeable(tx, user, id).await?;
    if let Some(r) = a.request_id {
        // Its draft goes with it.
        super::cancel(tx, user, r).await?;
    }
    store::delete_activity(tx, id).await?;
    Ok(())
}

/// Turns an activity into a draft request, pre-filled from it (title, type, dates, cost, requested share, waterfall).
/// Without an allocation, the partner's one open allocation whose fund covers the activity's start is taken.
pub async fn request_from(
    tx: &mut Tx,
    user: &CurrentUser,
    id: ActivityId,
    allocation: Option<&str>,
) -> Result<MdfRequestId> {
    store::lock_activity(tx, id).await?;
    let a = store::activities(tx, user.scope(), None, Some(id)).await?.into_iter().next().ok_or(Error::NotFound)?;
    if let Some(r) = a.request_id {
        return Err(Error::Conflict(format!("A request was already made from this activity ({r}).")));
    }
    let mut errors = FieldErrors::new();
    let allocation: Option<AllocationId> = crate::validate::optional_id(&mut errors, "allocation_id", allocation);
    errors.into_result()?;
    let allocation = match allocation {
        Some(x) => x,
        None => {
            let open = store::allocations_covering(tx, a.partner_id, a.starts_on).await?;
            match open.as_slice() {
                [one] => *one,
                [] => return Err(Error::invalid("allocation_id", "No open allocation of yours covers this activity.")),
                _ => {
                    return Err(Error::invalid(
                        "allocation_id",
                        "Several allocations cover this activity: choose one.",
                    ));
                }
            }
        }
    };
    let (w, f) = forecast(&a);
    let input = super::RequestInput {
        allocation_id: Some(allocation.to_string()),
        title: a.title.clone(),
        activity_type: a.activity_type.clone(),
        description: Some(String::new()),
        starts_on: a.starts_on.to_string(),
        ends_on: a.ends_on.to_string(),
        total_cost: serde_json::Value::String(format!("{:.2}", a.cost)),
        requested_amount: serde_json::Value::String(format!("{:.2}", f.requested)),
        waterfall: super::WaterfallInput {
            audience: Some(w.audience),
            response_rate: serde_json::Value::String(w.rates.response.to_string()),
            mql_rate: serde_json::Value::String(w.rates.mql.to_string()),
            sql_rate: serde_json::Value::String(w.rates.sql.to_string()),
            win_rate: serde_json::Value::String(w.rates.win.to_string()),
            average_deal: serde_json::Value::String(w.average_deal.to_string()),
        },
    };
    let request = super::create_request(tx, user, &input).await?;
    store::set_request_activity(tx, request, id).await?;
    Ok(request)
}
