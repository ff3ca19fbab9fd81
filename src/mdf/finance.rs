//! The money side for program admins, finance and the chief: changing a fund, adjusting an allocation (an `adjust`
//! ledger row, never an edit), a partner's quarter in one function (what the partner page, the CAM home and a QBR
//! read), and the chief's overview of allocation use, payments and ROI by tier and region.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::store::{self, NewLedger};
use super::{money, percent, plans};
use crate::auth::CurrentUser;
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{AllocationId, FundId, PartnerId};
use crate::rules::mdf::{self as rules, Movement};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct FundPatch {
    #[serde(default)]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub total: serde_json::Value,
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub reimbursement_percent: serde_json::Value,
    #[serde(default)]
    pub claim_window_days: Option<i64>,
}

/// Changes a fund's name, total, default reimbursement or claim window. The total may not go below what is allocated
/// (409); the fund row is locked as allocations lock it.
pub async fn patch_fund(tx: &mut Tx, id: FundId, input: &FundPatch) -> Result<()> {
    let f = store::lock_fund(tx, id).await?.ok_or(Error::NotFound)?;
    let mut errors = FieldErrors::new();
    let name = match &input.name {
        Some(n) => crate::validate::text(&mut errors, "name", n, 120),
        None => f.name.clone(),
    };
    let total = if input.total.is_null() { f.total } else { money(&mut errors, "total", &input.total, false) };
    let reimbursement = if input.reimbursement_percent.is_null() {
        f.reimbursement_percent
    } else {
        percent(&mut errors, "reimbursement_percent", &input.reimbursement_percent, true)
    };
    let window = match input.claim_window_days {
        None => f.claim_window_days,
        Some(d @ 1..=365) => d as i32,
        Some(_) => {
            errors.add("claim_window_days", "Use a number of days from 1 to 365.");
            f.claim_window_days
        }
    };
    if errors.get("name").is_none() && !name.eq_ignore_ascii_case(&f.name) && store::fund_name_taken(tx, &name).await? {
        errors.add("name", "Another fund has this name.");
    }
    errors.into_result()?;
    let allocated = store::fund_balances(tx, id).await?.allocated;
    if total < allocated {
        return Err(Error::Conflict(format!(
            "{allocated:.2} {} of the fund is allocated; its total cannot go below that.",
            f.currency
        )));
    }
    store::update_fund(tx, id, &name, total, reimbursement, window).await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AdjustInput {
    /// Signed, not zero: more or less for the partner.
    #[serde(default)]
    #[schema(value_type = String)]
    pub amount: serde_json::Value,
    #[serde(default)]
    pub reason: String,
}

/// Adds to or takes from an allocation with an `adjust` ledger row. The fund row, then the allocation row, are locked:
/// a cut may not exceed what is available, an increase may not exceed what the fund has unallocated (409).
pub async fn adjust(tx: &mut Tx, user: &CurrentUser, id: AllocationId, input: &AdjustInput) -> Result<()> {
    let a = store::allocation(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let fund = store::lock_fund(tx, a.fund_id).await?.ok_or(Error::NotFound)?;
    store::lock_allocation(tx, id).await?;
    let mut errors = FieldErrors::new();
    let amount = match super::parse_decimal(&input.amount) {
        Some(d) if !d.is_zero() && d.scale() <= 2 && d.abs() < Decimal::from(1_000_000_000_000i64) => d,
        None if input.amount.is_null() => {
            errors.add("amount", "This field is required.");
            Decimal::ZERO
        }
        _ => {
            errors.add("amount", "Use a signed amount other than zero, with at most two decimals.");
            Decimal::ZERO
        }
    };
    let reason = crate::validate::text(&mut errors, "reason", &input.reason, 500);
    errors.into_result()?;
    let balances = store::allocation_balances(tx, id).await?;
    if balances.check(Movement::Adjust, amount).is_err() {
        return Err(Error::Conflict(format!(
            "The allocation has {:.2} {} available; it cannot be cut by {:.2}.",
            balances.available(),
            a.currency,
            -amount
        )));
    }
    let unallocated = fund.total - store::fund_balances(tx, a.fund_id).await?.allocated;
    if amount > unallocated {
        return Err(Error::Conflict(format!(
            "The fund has {unallocated:.2} {} left to allocate; {amount:.2} was asked.",
            a.currency
        )));
    }
    let row = NewLedger {
        fund: a.fund_id,
        allocation: id,
        partner: a.partner_id,
        request: None,
        kind: Movement::Adjust,
        amount,
        note: reason,
    };
    store::insert_ledger(tx, user.tenant_id, &row, Some(user)).await?;
    Ok(())
}

/// A partner's MDF in one quarter: the figures a partner page, the CAM home and a QBR snapshot all read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = MdfPartnerSummary)]
pub struct Summary {
    pub partner_id: PartnerId,
    /// "2026-Q1"
    pub quarter: String,
    pub currency: String,
    pub allocated: String,
    pub reserved: String,
    pub claimed: String,
    pub paid: String,
    pub available: String,
    pub requests: SummaryRequests,
    pub forecast_revenue: String,
    pub won_revenue: String,
    /// Won revenue ÷ paid; null while nothing is paid.
    pub actual_roi: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct SummaryRequests {
    /// Requests ever submitted.
    pub submitted: i64,
    /// Approved in full or in part (claimed ones included).
    pub approved: i64,
    /// Rejected or declined.
    pub rejected: i64,
}

/// The quarter's figures over the funds whose period overlaps it: ledger balances of the partner's allocations of
/// them, its requests on them, the forecast of the approved ones and what their linked deals won.
pub async fn summary(tx: &mut Tx, partner: PartnerId, quarter_start: NaiveDate) -> Result<Summary> {
    let end = super::Period::Quarter.end(quarter_start).unwrap_or(quarter_start);
    let q = store::partner_quarter(tx, partner, quarter_start, end).await?;
    let m = |d: Decimal| format!("{d:.2}");
    Ok(Summary {
        partner_id: partner,
        quarter: plans::quarter_name(quarter_start),
        currency: q.currency.unwrap_or_else(|| "USD".into()),
        allocated: m(q.balances.allocated),
        reserved: m(q.balances.reserved),
        claimed: m(q.balances.claimed),
        paid: m(q.balances.paid),
        available: m(q.balances.available()),
        requests: SummaryRequests { submitted: q.submitted, approved: q.approved, rejected: q.rejected },
        forecast_revenue: m(q.forecast_revenue),
        won_revenue: m(q.won_revenue),
        actual_roi: rules::roi(q.won_revenue, q.balances.paid).map(|r| format!("{r:.2}")),
    })
}

/// The chief's MDF overview: the running funds' use, payments, and return by tier and region.
pub struct ChiefFigures {
    pub allocated: String,
    pub committed: String,
    pub paid: String,
    pub unspent_percent: i64,
    /// Set when at least one running fund trails its period (`rules::mdf::pace_warning`).
    pub warning: Option<String>,
    /// Each running fund's use against its clock.
    pub funds: Vec<FundPace>,
    pub by_tier: Vec<RoiLine>,
    pub by_region: Vec<RoiLine>,
}

/// A running fund's allocation use against the share of its period gone, with the mid-period warning when it trails.
pub struct FundPace {
    pub id: FundId,
    pub name: String,
    pub ends: String,
    pub allocated: String,
    pub committed: String,
    pub committed_percent: i64,
    pub elapsed_percent: i64,
    /// "20 % committed with 50 % of the period gone (30 points behind)".
    pub warning: Option<String>,
    /// "Behind", "On pace", or "Before mid-period" (not judged yet), and its badge class.
    pub status: &'static str,
    pub badge: &'static str,
}

/// The pace of one fund from its ledger balances, as of `today`.
pub fn fund_pace(f: &store::FundRow, b: &rules::Balances, today: NaiveDate) -> FundPace {
    let elapsed = rules::elapsed_fraction(f.starts_on, f.ends_on, today);
    let committed = b.reserved + b.claimed + b.paid;
    let whole = |d: Decimal| -> i64 { d.round().try_into().unwrap_or(0) };
    let committed_percent =
        if b.allocated > Decimal::ZERO { whole(committed * Decimal::ONE_HUNDRED / b.allocated) } else { 0 };
    let m = |d: Decimal| crate::web::format::money(d, &f.currency);
    let warning = rules::pace_warning(committed, b.allocated, elapsed);
    let (status, badge) = match warning {
        Some(_) => ("Behind", "badge-red"),
        None if elapsed < Decimal::new(5, 1) => ("Before mid-period", "badge-gray"),
        None => ("On pace", "badge-green"),
    };
    FundPace {
        status,
        badge,
        id: f.id,
        name: f.name.clone(),
        ends: crate::web::format::date(f.ends_on),
        allocated: m(b.allocated),
        committed: m(committed),
        committed_percent,
        elapsed_percent: whole(elapsed * Decimal::ONE_HUNDRED),
        warning: warning.map(|w| {
            format!(
                "{} % committed with {} % of the period gone ({} points behind)",
                w.committed_percent, w.elapsed_percent, w.behind_points
            )
        }),
    }
}

pub struct RoiLine {
    pub label: String,
    pub paid: String,
    pub won: String,
    pub roi: String,
}

pub async fn chief_figures(tx: &mut Tx, today: NaiveDate) -> Result<Option<ChiefFigures>> {
    let funds = store::funds(tx, Some(today)).await?;
    if funds.is_empty() {
        return Ok(None);
    }
    let currency = funds[0].currency.clone();
    let mut b = Vec::new();
    let mut paces = Vec::new();
    for f in &funds {
        let balances = store::fund_balances(tx, f.id).await?;
        paces.push(fund_pace(f, &balances, today));
        b.push(balances);
    }
    let total = rules::Balances::sum(b);
    let committed = total.reserved + total.claimed + total.paid;
    let unspent = if total.allocated > Decimal::ZERO {
        (total.available() * Decimal::ONE_HUNDRED / total.allocated).round().try_into().unwrap_or(0)
    } else {
        0
    };
    let behind = paces.iter().filter(|p| p.warning.is_some()).count();
    let warning = (behind > 0).then(|| {
        format!(
            "{behind} of {} running funds trail their period: past mid-period, the share of their allocation \
             committed is more than {} points below the share of the period gone. Nudge partners to plan and \
             request, or reallocate.",
            paces.len(),
            rules::PACE_TOLERANCE_POINTS
        )
    });
    let m = |d: Decimal| crate::web::format::money(d, &currency);
    let lines = |rows: Vec<(String, Decimal, Decimal)>| -> Vec<RoiLine> {
        rows.into_iter()
            .map(|(label, paid, won)| RoiLine {
                label,
                paid: m(paid),
                won: m(won),
                roi: rules::roi(won, paid).map(|r| format!("{r:.2}")).unwrap_or_else(|| "–".into()),
            })
            .collect()
    };
    // The return over the last four quarters.
    let since = today - chrono::Duration::days(365);
    let (mut by_tier, mut by_region) = (Vec::new(), Vec::new());
    for (tier, key, paid, won) in store::roi_by_tier_and_region(tx, since).await? {
        if tier {
            by_tier.push((crate::partners::tier_label(&key), paid, won));
        } else {
            by_region.push((key, paid, won));
        }
    }
    Ok(Some(ChiefFigures {
        allocated: m(total.allocated),
        committed: m(committed),
        paid: m(total.paid),
        unspent_percent: unspent,
        warning,
        funds: paces,
        by_tier: lines(by_tier),
        by_region: lines(by_region),
    }))
}
