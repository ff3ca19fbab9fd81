//! What a request returned: the partner reports responses, MQLs and SQLs and links its deal registrations; actual ROI
//! is the closed-won revenue of the linked deals ÷ the MDF paid, shown against the forecast at each waterfall stage.

use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::RequestStatus;
use super::store::{self, RequestRow, ResultsRow};
use crate::auth::CurrentUser;
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{DealId, MdfRequestId};
use crate::rules::mdf::{self as rules, Rates, Stages, Waterfall};

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ResultsInput {
    #[serde(default)]
    pub responses: Option<i64>,
    #[serde(default)]
    pub mqls: Option<i64>,
    #[serde(default)]
    pub sqls: Option<i64>,
    /// The partner's own deal registrations the activity generated.
    #[serde(default)]
    #[schema(value_type = Vec<String>)]
    pub deal_ids: Vec<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResultsView {
    pub responses: Option<i32>,
    pub mqls: Option<i32>,
    pub sqls: Option<i32>,
    pub deal_ids: Vec<DealId>,
    /// Linked deals closed won.
    pub wins: i64,
    pub won_revenue: String,
    /// MDF paid on the request's claim.
    pub paid: String,
    /// Won revenue ÷ MDF paid; null until something is paid.
    pub actual_roi: Option<String>,
    pub reported_at: Option<chrono::DateTime<chrono::Utc>>,
}

impl From<&ResultsRow> for ResultsView {
    fn from(r: &ResultsRow) -> ResultsView {
        ResultsView {
            responses: r.responses,
            mqls: r.mqls,
            sqls: r.sqls,
            deal_ids: r.deal_ids.clone(),
            wins: r.won_deals,
            won_revenue: format!("{:.2}", r.won_revenue),
            paid: format!("{:.2}", r.paid),
            actual_roi: rules::roi(r.won_revenue, r.paid).map(|x| format!("{x:.2}")),
            reported_at: r.reported_at,
        }
    }
}

/// Whether results may be reported: once the request was approved.
pub fn reportable(s: RequestStatus) -> bool {
    matches!(
        s,
        RequestStatus::Approved | RequestStatus::PartlyApproved | RequestStatus::Claimed | RequestStatus::Expired
    )
}

/// Records the partner's results and the deals it links (its own, not linked to another request).
pub async fn report(tx: &mut Tx, user: &CurrentUser, id: MdfRequestId, input: &ResultsInput) -> Result<()> {
    let r = store::request_for_update(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    if !reportable(r.status) {
        return Err(Error::Conflict(format!(
            "Results are reported once a request is approved; this one is {}.",
            r.status.label().to_lowercase()
        )));
    }
    let mut errors = FieldErrors::new();
    let mut count = |field: &str, v: Option<i64>| -> i32 {
        match v {
            Some(n @ 0..=100_000_000) => n as i32,
            Some(_) => {
                errors.add(field, "Use a number from 0 to 100,000,000.");
                0
            }
            None => {
                errors.add(field, "This field is required.");
                0
            }
        }
    };
    let responses = count("responses", input.responses);
    let mqls = count("mqls", input.mqls);
    let sqls = count("sqls", input.sqls);
    if errors.is_empty() && (mqls > responses || sqls > mqls) {
        errors.add("sqls", "Each stage holds at most the one before it: SQLs ≤ MQLs ≤ responses.");
    }
    let mut deals = Vec::new();
    for d in &input.deal_ids {
        match uuid::Uuid::parse_str(d.trim()) {
            Ok(u) if !deals.contains(&u) => deals.push(u),
            Ok(_) => {}
            Err(_) => errors.add("deal_ids", format!("{d} is not a deal id.")),
        }
    }
    if !deals.is_empty() {
        if store::count_partner_deals(tx, r.partner_id, &deals).await? != deals.len() as i64 {
            errors.add("deal_ids", "Link only your own deal registrations.");
        } else if store::count_linked_elsewhere(tx, id, &deals).await? > 0 {
            errors.add("deal_ids", "A deal is already linked to another MDF request.");
        }
    }
    errors.into_result()?;
    store::set_results(tx, user.tenant_id, id, (responses, mqls, sqls), &deals).await?;
    Ok(())
}

/// One stage of the waterfall, forecast against actual, with bar lengths (0–100) for the chart.
pub struct StageLine {
    pub label: &'static str,
    pub forecast: String,
    pub actual: String,
    pub forecast_bar: u32,
    pub actual_bar: u32,
}

/// The request's waterfall stages side by side: forecast (the rule's stages) and actual (reported counts, won deals,
/// won revenue). Each pair of bars is scaled to the larger of the two so every stage is readable.
pub fn comparison(r: &RequestRow, res: &ResultsRow) -> Vec<StageLine> {
    let w = Waterfall {
        audience: i64::from(r.audience),
        rates: Rates { response: r.response_rate, mql: r.mql_rate, sql: r.sql_rate, win: r.win_rate },
        average_deal: r.average_deal,
    };
    let s: Stages = w.stages();
    let reported = res.reported_at.is_some();
    let count = |v: Option<i32>| v.filter(|_| reported).map(Decimal::from);
    let rows: [(&'static str, Decimal, Option<Decimal>, bool); 5] = [
        ("Responses", s.responses, count(res.responses), false),
        ("MQLs", s.mqls, count(res.mqls), false),
        ("SQLs", s.sqls, count(res.sqls), false),
        ("Wins", s.wins, Some(Decimal::from(res.won_deals)), false),
        ("Revenue", s.revenue, Some(res.won_revenue), true),
    ];
    rows.into_iter()
        .map(|(label, f, a, money)| {
            let top = f.max(a.unwrap_or_default());
            let bar = |v: Decimal| -> u32 {
                if top > Decimal::ZERO { (v * Decimal::ONE_HUNDRED / top).round().try_into().unwrap_or(0) } else { 0 }
            };
            let show = |v: Decimal| {
                if money {
                    crate::web::format::money(v, &r.currency)
                } else if v.fract().is_zero() {
                    format!("{v:.0}")
                } else {
                    format!("{v:.1}")
                }
            };
            StageLine {
                label,
                forecast: show(f),
                actual: a.map(show).unwrap_or_else(|| "not reported".into()),
                forecast_bar: bar(f),
                actual_bar: a.map(bar).unwrap_or(0),
            }
        })
        .collect()
}
