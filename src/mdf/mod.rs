//! Market development funds: funds and allocations (program admin), requests with a lead-waterfall forecast
//! (partners), the ROI-ranked decision queue (CAMs, program admins), and the append-only ledger whose sums are every
//! balance. The contract is docs/api.md; the figures are `rules::mdf`.

pub mod api;
pub mod claim_pages;
pub mod claims;
pub mod claims_api;
pub mod demo;
pub mod export;
pub mod finance;
pub mod finance_api;
pub mod fund_pages;
pub mod pages;
pub mod plan_pages;
pub mod plans;
pub mod plans_api;
pub mod results;
pub mod store;
pub mod upload;
pub mod xlsx;

use chrono::{Datelike, Months, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{AllocationId, FundId, MdfRequestId, PartnerId};
use crate::outbox;
use crate::rules::mdf::{self as rules, Balances, Movement, Rates, Waterfall};

macro_rules! text_enum {
    ($(#[$doc:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
        #[sqlx(type_name = "text", rename_all = "snake_case")]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(s: &str) -> Option<$name> {
                $name::ALL.iter().copied().find(|v| v.as_str() == s)
            }

            fn choices() -> String {
                $name::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", ")
            }
        }
    };
}

text_enum!(
    /// How a fund reaches partners.
    FundKind { Proposal = "proposal", Accrual = "accrual", Discretionary = "discretionary" }
);
text_enum!(
    /// The span of a fund.
    Period { Quarter = "quarter", Half = "half", Year = "year" }
);
text_enum!(
    /// Where a request stands (docs/api.md, Requests).
    RequestStatus {
        Draft = "draft",
        Submitted = "submitted",
        InfoRequested = "info_requested",
        Approved = "approved",
        PartlyApproved = "partly_approved",
        Rejected = "rejected",
        Declined = "declined",
        Cancelled = "cancelled",
        Expired = "expired",
        Claimed = "claimed",
    }
);

text_enum!(
    /// Where a claim stands (docs/api.md, Claims).
    ClaimStatus {
        Draft = "draft",
        Submitted = "submitted",
        Approved = "approved",
        PartlyApproved = "partly_approved",
        Rejected = "rejected",
        PartlyPaid = "partly_paid",
        Paid = "paid",
    }
);
text_enum!(
    /// A reviewer's verdict on a claim line.
    LineVerdict { Approved = "approved", Reduced = "reduced", Rejected = "rejected" }
);
text_enum!(
    /// What a proof-of-performance file shows.
    AttachmentKind {
        Invoice = "invoice",
        Photo = "photo",
        AttendeeList = "attendee_list",
        Screenshot = "screenshot",
        Other = "other",
    }
);

impl Period {
    fn months(self) -> u32 {
        match self {
            Period::Quarter => 3,
            Period::Half => 6,
            Period::Year => 12,
        }
    }

    /// Whether `start` opens a period of this kind (the first day of a quarter, a half or a year).
    pub fn starts_on(self, start: NaiveDate) -> bool {
        start.day() == 1 && (start.month() - 1) % self.months() == 0
    }

    /// The last day of the period opened by `start`.
    pub fn end(self, start: NaiveDate) -> Option<NaiveDate> {
        start.checked_add_months(Months::new(self.months()))?.pred_opt()
    }

    /// The first day of the period before the one opened by `start`.
    pub fn previous(self, start: NaiveDate) -> Option<NaiveDate> {
        start.checked_sub_months(Months::new(self.months()))
    }
}

/// What someone does to a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Submit,
    RequestInfo,
    Approve,
    Reject,
    Decline,
    Cancel,
    Expire,
}

impl RequestStatus {
    /// The state `action` leads to from this one, or None when the action is not allowed here (409). Approve leads
    /// to `approved`; the caller makes it `partly_approved` for a smaller amount.
    pub fn after(self, action: Action) -> Option<RequestStatus> {
        use RequestStatus::*;
        match (self, action) {
            (Draft | InfoRequested | Rejected, Action::Submit) => Some(Submitted),
            (Submitted, Action::RequestInfo) => Some(InfoRequested),
            (Submitted, Action::Approve) => Some(Approved),
            (Submitted, Action::Reject) => Some(Rejected),
            (Submitted, Action::Decline) => Some(Declined),
            (Draft | Submitted | InfoRequested | Approved | PartlyApproved, Action::Cancel) => Some(Cancelled),
            (Approved | PartlyApproved, Action::Expire) => Some(Expired),
            _ => None,
        }
    }

    /// Whether money is held for the request.
    pub fn holds_reservation(self) -> bool {
        matches!(self, RequestStatus::Approved | RequestStatus::PartlyApproved)
    }

    /// Whether the partner may still edit the request.
    pub fn editable(self) -> bool {
        matches!(self, RequestStatus::Draft | RequestStatus::InfoRequested | RequestStatus::Rejected)
    }

    pub fn label(self) -> &'static str {
        match self {
            RequestStatus::Draft => "Draft",
            RequestStatus::Submitted => "Submitted",
            RequestStatus::InfoRequested => "Information requested",
            RequestStatus::Approved => "Approved",
            RequestStatus::PartlyApproved => "Partly approved",
            RequestStatus::Rejected => "Rejected",
            RequestStatus::Declined => "Declined",
            RequestStatus::Cancelled => "Cancelled",
            RequestStatus::Expired => "Expired",
            RequestStatus::Claimed => "Claimed",
        }
    }
}

/// A decimal from a JSON string or number ("12500.00", 12500).
pub fn parse_decimal(v: &serde_json::Value) -> Option<Decimal> {
    let text = match v {
        serde_json::Value::String(s) => s.trim().replace(',', ""),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    text.parse::<Decimal>().ok()
}

/// A required amount of money: positive (or zero when `zero_ok`), at most two decimals, below 10^12.
fn money(errors: &mut FieldErrors, field: &str, v: &serde_json::Value, zero_ok: bool) -> Decimal {
    match parse_decimal(v) {
        Some(d)
            if d.scale() <= 2
                && d < Decimal::from(1_000_000_000_000i64)
                && (d > Decimal::ZERO || (zero_ok && d.is_zero())) =>
        {
            d
        }
        Some(_) => {
            errors.add(field, "Use a positive amount with at most two decimals.");
            Decimal::ZERO
        }
        None if v.is_null() => {
            errors.add(field, "This field is required.");
            Decimal::ZERO
        }
        None => {
            errors.add(field, "Use an amount such as 12500.00.");
            Decimal::ZERO
        }
    }
}

/// A percent between `min` (exclusive when `min_open`) and 100, at most two decimals.
fn percent(errors: &mut FieldErrors, field: &str, v: &serde_json::Value, min_open: bool) -> Decimal {
    match parse_decimal(v) {
        Some(d) if d.scale() <= 2 && d <= Decimal::ONE_HUNDRED && (d > Decimal::ZERO || (!min_open && d.is_zero())) => {
            d
        }
        None if v.is_null() => {
            errors.add(field, "This field is required.");
            Decimal::ZERO
        }
        _ => {
            let low = if min_open { "above 0" } else { "from 0" };
            errors.add(field, format!("Use a percent {low} up to 100, with at most two decimals."));
            Decimal::ZERO
        }
    }
}

fn date(errors: &mut FieldErrors, field: &str, v: &str) -> Option<NaiveDate> {
    if v.trim().is_empty() {
        errors.add(field, "This field is required.");
        return None;
    }
    let d = NaiveDate::parse_from_str(v.trim(), "%Y-%m-%d").ok();
    if d.is_none() {
        errors.add(field, "Use a date such as 2026-03-31.");
    }
    d
}

// ---------------------------------------------------------------------------------------------------------------
// Funds and allocations

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct FundInput {
    #[serde(default)]
    pub name: String,
    /// proposal, accrual or discretionary.
    #[serde(default)]
    pub kind: String,
    /// quarter, half or year.
    #[serde(default)]
    pub period: String,
    /// The first day of the period.
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub currency: String,
    #[serde(default)]
    #[schema(value_type = String)]
    pub total: serde_json::Value,
    #[serde(default)]
    #[schema(value_type = String)]
    pub reimbursement_percent: serde_json::Value,
    #[serde(default)]
    pub claim_window_days: Option<i64>,
    /// Accrual funds only.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub accrual_percent: serde_json::Value,
}

pub struct NewFund {
    pub name: String,
    pub kind: FundKind,
    pub period: Period,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub currency: String,
    pub total: Decimal,
    pub reimbursement_percent: Decimal,
    pub claim_window_days: i32,
    pub accrual_percent: Option<Decimal>,
}

pub fn validate_fund(input: &FundInput) -> Result<NewFund> {
    let mut errors = FieldErrors::new();
    let name = crate::validate::text(&mut errors, "name", &input.name, 120);
    let kind = FundKind::parse(input.kind.trim());
    if kind.is_none() {
        errors.add("kind", format!("Use one of: {}.", FundKind::choices()));
    }
    let period = Period::parse(input.period.trim());
    if period.is_none() {
        errors.add("period", format!("Use one of: {}.", Period::choices()));
    }
    let starts_on = date(&mut errors, "starts_on", &input.starts_on);
    if let (Some(p), Some(s)) = (period, starts_on)
        && !p.starts_on(s)
    {
        errors.add("starts_on", format!("Use the first day of a {}.", p.as_str()));
    }
    let currency = input.currency.trim().to_uppercase();
    if currency.len() != 3 || !currency.bytes().all(|b| b.is_ascii_uppercase()) {
        errors.add("currency", "Use an ISO 4217 code such as USD.");
    }
    let total = money(&mut errors, "total", &input.total, false);
    let reimbursement_percent = percent(&mut errors, "reimbursement_percent", &input.reimbursement_percent, true);
    let claim_window_days = match input.claim_window_days {
        Some(d @ 1..=365) => d as i32,
        Some(_) => {
            errors.add("claim_window_days", "Use a number of days from 1 to 365.");
            0
        }
        None => {
            errors.add("claim_window_days", "This field is required.");
            0
        }
    };
    let accrual_percent = match kind {
        Some(FundKind::Accrual) => Some(percent(&mut errors, "accrual_percent", &input.accrual_percent, false)),
        _ => {
            if !input.accrual_percent.is_null() {
                errors.add("accrual_percent", "Only accrual funds take an accrual percent.");
            }
            None
        }
    };
    errors.into_result()?;
    let (kind, period, starts_on) =
        (kind.unwrap_or(FundKind::Proposal), period.unwrap_or(Period::Quarter), starts_on.unwrap_or_default());
    let ends_on = period.end(starts_on).ok_or_else(|| Error::invalid("starts_on", "Use a date such as 2026-01-01."))?;
    Ok(NewFund {
        name,
        kind,
        period,
        starts_on,
        ends_on,
        currency,
        total,
        reimbursement_percent,
        claim_window_days,
        accrual_percent,
    })
}

pub async fn create_fund(tx: &mut Tx, user: &CurrentUser, input: &FundInput) -> Result<FundId> {
    let fund = validate_fund(input)?;
    if store::fund_name_taken(tx, &fund.name).await? {
        return Err(Error::invalid("name", "Another fund has this name."));
    }
    let id = FundId::new();
    store::insert_fund(tx, user.tenant_id, id, &fund, user.id).await?;
    Ok(id)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AllocationInput {
    #[serde(default)]
    #[schema(value_type = String, format = Uuid)]
    pub partner_id: Option<String>,
    /// Required but for accrual funds, where it is computed.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub amount: serde_json::Value,
    /// Defaults to the fund's last day.
    #[serde(default)]
    pub expires_on: Option<String>,
    /// Defaults to the fund's.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub reimbursement_percent: serde_json::Value,
}

/// Gives a partner its share of a fund. The fund row is locked while its unallocated rest is checked, so concurrent
/// allocations never exceed the fund's total.
pub async fn allocate(
    tx: &mut Tx,
    user: &CurrentUser,
    fund_id: FundId,
    input: &AllocationInput,
) -> Result<AllocationId> {
    let fund = store::lock_fund(tx, fund_id).await?.ok_or(Error::NotFound)?;
    let mut errors = FieldErrors::new();
    let partner: Option<PartnerId> =
        crate::validate::optional_id(&mut errors, "partner_id", input.partner_id.as_deref());
    if partner.is_none() && errors.get("partner_id").is_none() {
        errors.add("partner_id", "This field is required.");
    }
    let partner = match partner {
        Some(p) if store::partner_exists(tx, p).await? => Some(p),
        Some(_) => {
            errors.add("partner_id", "No such partner.");
            None
        }
        None => None,
    };
    let expires_on = match input.expires_on.as_deref().filter(|s| !s.trim().is_empty()) {
        None => fund.ends_on,
        Some(s) => match date(&mut errors, "expires_on", s) {
            Some(d) if d < fund.starts_on => {
                errors.add("expires_on", "Use a date inside or after the fund's period.");
                d
            }
            Some(d) => d,
            None => fund.ends_on,
        },
    };
    let reimbursement_percent = if input.reimbursement_percent.is_null() {
        fund.reimbursement_percent
    } else {
        percent(&mut errors, "reimbursement_percent", &input.reimbursement_percent, true)
    };
    let mut basis = None;
    let amount = if fund.kind == FundKind::Accrual {
        if !input.amount.is_null() {
            errors.add("amount", "An accrual fund computes the amount from last period's won revenue.");
        }
        match partner {
            Some(p) => {
                let from = fund.period.previous(fund.starts_on).unwrap_or(fund.starts_on);
                let won = store::won_revenue(tx, p, from, fund.starts_on).await?;
                let pct = fund.accrual_percent.unwrap_or_default();
                basis = Some(serde_json::json!({
                    "won_revenue": format!("{won:.2}"), "accrual_percent": pct.normalize().to_string(),
                    "period_start": from, "period_end": fund.starts_on.pred_opt(),
                }));
                rules::accrual(won, pct)
            }
            None => Decimal::ZERO,
        }
    } else {
        money(&mut errors, "amount", &input.amount, false)
    };
    errors.into_result()?;
    let partner = partner.ok_or(Error::NotFound)?;
    if store::allocation_exists(tx, fund_id, partner).await? {
        return Err(Error::Conflict("This partner already has an allocation of this fund; adjust it instead.".into()));
    }
    let allocated = store::fund_balances(tx, fund_id).await?.allocated;
    if amount > fund.total - allocated {
        return Err(Error::Conflict(format!(
            "The fund has {:.2} {} left to allocate; {:.2} was asked.",
            fund.total - allocated,
            fund.currency,
            amount
        )));
    }
    let id = AllocationId::new();
    store::insert_allocation(
        tx,
        user.tenant_id,
        id,
        fund_id,
        partner,
        expires_on,
        reimbursement_percent,
        basis,
        user.id,
    )
    .await?;
    if amount > Decimal::ZERO {
        let row = store::NewLedger {
            fund: fund_id,
            allocation: id,
            partner,
            request: None,
            kind: Movement::Allocate,
            amount,
            note: String::new(),
        };
        store::insert_ledger(tx, user.tenant_id, &row, Some(user)).await?;
    }
    Ok(id)
}

// ---------------------------------------------------------------------------------------------------------------
// Requests

/// The waterfall's inputs as typed (rates in percent).
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct WaterfallInput {
    #[serde(default)]
    pub audience: Option<i64>,
    #[serde(default)]
    #[schema(value_type = String)]
    pub response_rate: serde_json::Value,
    #[serde(default)]
    #[schema(value_type = String)]
    pub mql_rate: serde_json::Value,
    #[serde(default)]
    #[schema(value_type = String)]
    pub sql_rate: serde_json::Value,
    #[serde(default)]
    #[schema(value_type = String)]
    pub win_rate: serde_json::Value,
    #[serde(default)]
    #[schema(value_type = String)]
    pub average_deal: serde_json::Value,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RequestInput {
    #[serde(default)]
    #[schema(value_type = String, format = Uuid)]
    pub allocation_id: Option<String>,
    #[serde(default)]
    pub title: String,
    /// A code of the tenant's activity types.
    #[serde(default)]
    pub activity_type: String,
    #[serde(default)]
    pub description: Option<String>,
    #[serde(default)]
    pub starts_on: String,
    #[serde(default)]
    pub ends_on: String,
    #[serde(default)]
    #[schema(value_type = String)]
    pub total_cost: serde_json::Value,
    #[serde(default)]
    #[schema(value_type = String)]
    pub requested_amount: serde_json::Value,
    #[serde(default)]
    pub waterfall: WaterfallInput,
}

pub struct NewRequest {
    pub allocation: AllocationId,
    pub title: String,
    pub activity_type: String,
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub total_cost: Decimal,
    pub requested_amount: Decimal,
    pub waterfall: Waterfall,
    pub forecast_revenue: Decimal,
}

fn validate_waterfall(errors: &mut FieldErrors, w: &WaterfallInput) -> Waterfall {
    let audience = match w.audience {
        Some(a @ 0..=100_000_000) => a,
        Some(_) => {
            errors.add("waterfall.audience", "Use a number of people from 0 to 100,000,000.");
            0
        }
        None => {
            errors.add("waterfall.audience", "This field is required.");
            0
        }
    };
    let rates = Rates {
        response: percent(errors, "waterfall.response_rate", &w.response_rate, false),
        mql: percent(errors, "waterfall.mql_rate", &w.mql_rate, false),
        sql: percent(errors, "waterfall.sql_rate", &w.sql_rate, false),
        win: percent(errors, "waterfall.win_rate", &w.win_rate, false),
    };
    let average_deal = money(errors, "waterfall.average_deal", &w.average_deal, true);
    Waterfall { audience, rates, average_deal }
}

async fn validate_request(tx: &mut Tx, partner: PartnerId, input: &RequestInput) -> Result<NewRequest> {
    let mut errors = FieldErrors::new();
    let allocation: Option<AllocationId> =
        crate::validate::optional_id(&mut errors, "allocation_id", input.allocation_id.as_deref());
    let allocation = match allocation {
        None => {
            if errors.get("allocation_id").is_none() {
                errors.add("allocation_id", "This field is required.");
            }
            None
        }
        Some(a) => match store::allocation(tx, crate::auth::Scope::Partner(partner), a).await? {
            Some(row) if row.expires_on >= Utc::now().date_naive() => Some(row),
            Some(_) => {
                errors.add("allocation_id", "This allocation has expired.");
                None
            }
            None => {
                errors.add("allocation_id", "No such allocation of yours.");
                None
            }
        },
    };
    let title = crate::validate::text(&mut errors, "title", &input.title, 200);
    let activity_type = input.activity_type.trim().to_string();
    if !store::activity_type_exists(tx, &activity_type).await? {
        errors.add("activity_type", "Use one of the program's activity types.");
    }
    let description = input.description.as_deref().unwrap_or("").trim().to_string();
    if description.chars().count() > 4000 {
        errors.add("description", "Use at most 4000 characters.");
    }
    let starts_on = date(&mut errors, "starts_on", &input.starts_on);
    let ends_on = date(&mut errors, "ends_on", &input.ends_on);
    if let (Some(s), Some(e)) = (starts_on, ends_on)
        && e < s
    {
        errors.add("ends_on", "The activity cannot end before it starts.");
    }
    let total_cost = money(&mut errors, "total_cost", &input.total_cost, false);
    let requested_amount = money(&mut errors, "requested_amount", &input.requested_amount, false);
    if errors.get("total_cost").is_none() && errors.get("requested_amount").is_none() && requested_amount > total_cost {
        errors.add("requested_amount", "Ask for at most the activity's total cost.");
    }
    let waterfall = validate_waterfall(&mut errors, &input.waterfall);
    errors.into_result()?;
    let forecast_revenue = waterfall.stages().revenue;
    Ok(NewRequest {
        allocation: allocation.map(|a| a.id).unwrap_or_default(),
        title,
        activity_type,
        description,
        starts_on: starts_on.unwrap_or_default(),
        ends_on: ends_on.unwrap_or_default(),
        total_cost,
        requested_amount,
        waterfall,
        forecast_revenue,
    })
}

/// A partner's new request, in draft.
pub async fn create_request(tx: &mut Tx, user: &CurrentUser, input: &RequestInput) -> Result<MdfRequestId> {
    let partner = user.partner_id.ok_or_else(Error::forbidden)?;
    let new = validate_request(tx, partner, input).await?;
    let id = MdfRequestId::new();
    store::insert_request(tx, user.tenant_id, id, partner, user.id, &new).await?;
    store::insert_event(tx, user.tenant_id, id, Some(user.id), None, RequestStatus::Draft, None).await?;
    Ok(id)
}

/// Edits a request the partner may still change (draft, information requested, rejected).
pub async fn update_request(tx: &mut Tx, user: &CurrentUser, id: MdfRequestId, input: &RequestInput) -> Result<()> {
    let partner = user.partner_id.ok_or_else(Error::forbidden)?;
    let current = store::request_for_update(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    if !current.status.editable() {
        return Err(Error::Conflict(format!("A request that is {} can no longer be edited.", current.status.label())));
    }
    let new = validate_request(tx, partner, input).await?;
    store::update_request(tx, id, &new).await?;
    Ok(())
}

fn refused(from: RequestStatus, action: &str) -> Error {
    Error::Conflict(format!("A request that is {} cannot be {action}.", from.label().to_lowercase()))
}

/// Submits a draft, answered or rejected request for a decision; tells the partner's CAM (or the program admins).
pub async fn submit(tx: &mut Tx, user: &CurrentUser, id: MdfRequestId) -> Result<()> {
    let r = store::request_for_update(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let to = r.status.after(Action::Submit).ok_or_else(|| refused(r.status, "submitted"))?;
    let history = store::partner_history(tx, r.partner_id).await?;
    let forecast_roi = rules::roi(r.forecast_revenue, r.requested_amount);
    let flagged = rules::flagged(forecast_roi, rules::historical_roi(history.won_revenue, history.paid));
    store::mark_submitted(tx, id, flagged).await?;
    store::insert_event(tx, user.tenant_id, id, Some(user.id), Some(r.status), to, None).await?;
    let subject = format!("MDF request to decide: {}", r.title);
    let body = format!(
        "{} asks for {:.2} {} for \"{}\" ({} to {}).\n\nDecide it in Tributary under Funds.\n",
        r.partner_name, r.requested_amount, r.currency, r.title, r.starts_on, r.ends_on
    );
    for address in store::deciders(tx, r.partner_id).await? {
        outbox::enqueue(tx, user.tenant_id, &address, &subject, &body).await?;
    }
    Ok(())
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = MdfApproveInput)]
pub struct ApproveInput {
    /// Less than requested for a partial approval; the requested amount when left out.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub amount: serde_json::Value,
}

/// Approves a submitted request, reserving the amount in the ledger. The allocation row is locked while its available
/// balance is checked and the reservation written: concurrent approvals queue on it, and none can reserve what
/// another has taken.
pub async fn approve(tx: &mut Tx, user: &CurrentUser, id: MdfRequestId, input: &ApproveInput) -> Result<RequestStatus> {
    let r = store::request_for_update(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    r.status.after(Action::Approve).ok_or_else(|| refused(r.status, "approved"))?;
    let amount = if input.amount.is_null() {
        r.requested_amount
    } else {
        let mut errors = FieldErrors::new();
        let a = money(&mut errors, "amount", &input.amount, false);
        if errors.is_empty() && a > r.requested_amount {
            errors.add("amount", format!("Approve at most the requested {:.2}.", r.requested_amount));
        }
        errors.into_result()?;
        a
    };
    let to = if amount < r.requested_amount { RequestStatus::PartlyApproved } else { RequestStatus::Approved };
    let allocation = store::lock_allocation(tx, r.allocation_id).await?.ok_or(Error::NotFound)?;
    let balances = store::allocation_balances(tx, r.allocation_id).await?;
    if balances.check(Movement::Reserve, amount).is_err() {
        return Err(Error::Conflict(format!(
            "The partner's allocation has {:.2} {} available; approving {:.2} would over-commit it.",
            balances.available(),
            r.currency,
            amount
        )));
    }
    let row = store::NewLedger {
        fund: r.fund_id,
        allocation: r.allocation_id,
        partner: r.partner_id,
        request: Some(id),
        kind: Movement::Reserve,
        amount,
        note: String::new(),
    };
    store::insert_ledger(tx, user.tenant_id, &row, Some(user)).await?;
    let deadline = r.ends_on + chrono::Duration::days(i64::from(allocation.claim_window_days));
    store::mark_approved(tx, id, to, amount, allocation.reimbursement_percent, deadline, user.id).await?;
    store::insert_event(tx, user.tenant_id, id, Some(user.id), Some(r.status), to, None).await?;
    let line = format!(
        "Your MDF request \"{}\" was {} for {:.2} {}. File your claim with proof of performance by {deadline}.",
        r.title,
        to.label().to_lowercase(),
        amount,
        r.currency
    );
    notify_partner(tx, user, &r, &format!("MDF request {}: {}", to.label().to_lowercase(), r.title), &line).await?;
    Ok(to)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ReasonInput {
    #[serde(default)]
    pub reason: String,
}

/// Sends a submitted request back for more information, rejects it (the partner may resubmit) or declines it (final).
pub async fn decide(
    tx: &mut Tx,
    user: &CurrentUser,
    id: MdfRequestId,
    action: Action,
    reason: &str,
) -> Result<RequestStatus> {
    let r = store::request_for_update(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let verb = match action {
        Action::RequestInfo => "sent back for information",
        Action::Reject => "rejected",
        _ => "declined",
    };
    let to = r.status.after(action).ok_or_else(|| refused(r.status, verb))?;
    let mut errors = FieldErrors::new();
    let field = if action == Action::RequestInfo { "message" } else { "reason" };
    let reason = crate::validate::text(&mut errors, field, reason, 2000);
    errors.into_result()?;
    store::mark_decided(tx, id, to, &reason, user.id).await?;
    store::insert_event(tx, user.tenant_id, id, Some(user.id), Some(r.status), to, Some(&reason)).await?;
    let line = match action {
        Action::RequestInfo => format!("Your MDF request \"{}\" needs more information: {reason}", r.title),
        Action::Reject => {
            format!("Your MDF request \"{}\" was rejected: {reason}\n\nYou may edit and resubmit it.", r.title)
        }
        _ => format!("Your MDF request \"{}\" was declined: {reason}", r.title),
    };
    notify_partner(tx, user, &r, &format!("MDF request {}: {}", to.label().to_lowercase(), r.title), &line).await?;
    Ok(to)
}

/// Cancels a request before any claim (the partner or a program admin); a reservation is released.
pub async fn cancel(tx: &mut Tx, user: &CurrentUser, id: MdfRequestId) -> Result<()> {
    let r = store::request_for_update(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let to = r.status.after(Action::Cancel).ok_or_else(|| refused(r.status, "cancelled"))?;
    if r.status.holds_reservation() {
        store::lock_allocation(tx, r.allocation_id).await?;
        let amount = r.approved_amount.unwrap_or_default();
        let row = store::NewLedger {
            fund: r.fund_id,
            allocation: r.allocation_id,
            partner: r.partner_id,
            request: Some(id),
            kind: Movement::Release,
            amount,
            note: "request cancelled".into(),
        };
        store::insert_ledger(tx, user.tenant_id, &row, Some(user)).await?;
    }
    store::mark_status(tx, id, to).await?;
    store::insert_event(tx, user.tenant_id, id, Some(user.id), Some(r.status), to, None).await?;
    Ok(())
}

async fn notify_partner(
    tx: &mut Tx,
    user: &CurrentUser,
    r: &store::RequestRow,
    subject: &str,
    line: &str,
) -> Result<()> {
    let body = format!("{line}\n\nSee it in the partner portal under Funds.\n");
    for address in store::partner_recipients(tx, r.partner_id, r.created_by).await? {
        outbox::enqueue(tx, user.tenant_id, &address, subject, &body).await?;
    }
    Ok(())
}

/// One row of the decision queue.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct QueueItem {
    pub request: api::RequestView,
    /// Decimal string: the forecast ROI weighed by the partner's track record.
    pub risk_adjusted_roi: Option<String>,
    pub reliability: String,
    /// The requested amounts down to this row.
    pub running_total: String,
}

/// The submitted requests in scope, ranked by risk-adjusted ROI (highest first, then earliest submitted), with the
/// running total of what they ask.
pub async fn queue(tx: &mut Tx, user: &CurrentUser, fund: Option<FundId>) -> Result<(Vec<QueueItem>, Decimal)> {
    let (ranked, remaining) = ranked_queue(tx, user, fund).await?;
    Ok((ranked.into_iter().map(|(item, _)| item).collect(), remaining))
}

/// The queue with each item's request row (for the pages).
pub async fn ranked_queue(
    tx: &mut Tx,
    user: &CurrentUser,
    fund: Option<FundId>,
) -> Result<(Vec<(QueueItem, store::RequestRow)>, Decimal)> {
    let rows = store::queue(tx, user.scope(), fund).await?;
    let mut ranked: Vec<(Option<Decimal>, store::QueueRow)> = rows
        .into_iter()
        .map(|q| {
            let rel = rules::reliability(&[rules::Track {
                forecast_revenue: q.history_forecast,
                won_revenue: q.history_won,
            }]);
            let roi = rules::roi(q.request.forecast_revenue, q.request.requested_amount)
                .map(|r| rules::risk_adjusted_roi(r, rel));
            (roi, q)
        })
        .collect();
    ranked.sort_by(|(a, qa), (b, qb)| b.cmp(a).then(qa.request.submitted_at.cmp(&qb.request.submitted_at)));
    let mut running = Decimal::ZERO;
    let items = ranked
        .into_iter()
        .map(|(roi, q)| {
            running += q.request.requested_amount;
            let rel = rules::reliability(&[rules::Track {
                forecast_revenue: q.history_forecast,
                won_revenue: q.history_won,
            }]);
            let item = QueueItem {
                request: api::RequestView::from(q.request.clone()),
                risk_adjusted_roi: roi.map(|r| format!("{r:.2}")),
                reliability: format!("{rel:.2}"),
                running_total: format!("{running:.2}"),
            };
            (item, q.request)
        })
        .collect();
    let remaining = store::remaining_budget(tx, user.scope(), fund).await?;
    Ok((items, remaining))
}

/// Balances as the API writes them: decimal strings.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct BalancesView {
    pub allocated: String,
    pub reserved: String,
    pub claimed: String,
    pub paid: String,
    pub expired: String,
    pub available: String,
    /// Funds only: total − allocated.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unallocated: Option<String>,
}

impl BalancesView {
    pub fn of(b: &Balances, total: Option<Decimal>) -> BalancesView {
        BalancesView {
            allocated: format!("{:.2}", b.allocated),
            reserved: format!("{:.2}", b.reserved),
            claimed: format!("{:.2}", b.claimed),
            paid: format!("{:.2}", b.paid),
            expired: format!("{:.2}", b.expired),
            available: format!("{:.2}", b.available()),
            unallocated: total.map(|t| format!("{:.2}", t - b.allocated)),
        }
    }
}

/// A partner's MDF at a glance, for its home and its Funds page: what it can still request (per currency, over its
/// running allocations) and the next date it must act by.
pub struct HomeFigures {
    /// "USD 12,000.00", one per currency.
    pub available: Vec<String>,
    pub deadline: Option<HomeDeadline>,
}

/// The next MDF deadline, said with what falls due and where to act on it.
pub struct HomeDeadline {
    /// "5 Feb 2027"
    pub on: String,
    /// "in 12 days", "tomorrow", "today".
    pub when: String,
    /// "Claim for "Spring roadshow"" or "Field marketing Q1 allocation expires".
    pub what: String,
    pub link: String,
    /// Within a week.
    pub soon: bool,
}

/// How many upcoming deadlines are read to find the first one that matters (expiries of spent allocations do not).
const DEADLINES_READ: i64 = 50;

pub async fn partner_figures(tx: &mut Tx, partner: PartnerId) -> Result<Option<HomeFigures>> {
    let rows = store::balances_by_partner(tx, crate::auth::Scope::Partner(partner)).await?;
    if rows.is_empty() {
        return Ok(None);
    }
    let available = rows.iter().map(|(_, _, c, b)| crate::web::format::money(b.available(), c)).collect();
    let today = crate::program::store::today(tx).await?;
    let balances = store::allocation_balances_in(tx, crate::auth::Scope::Partner(partner)).await?;
    let next = store::deadlines(tx, partner, today, DEADLINES_READ).await?.into_iter().find(|d| {
        d.kind == "claim" || balances.get(&AllocationId(d.id)).is_some_and(|b| b.available() > Decimal::ZERO)
    });
    let deadline = next.map(|d| {
        let days = (d.on_date - today).num_days();
        let (what, link) = if d.kind == "claim" {
            (format!("Claim for \u{201c}{}\u{201d}", d.title), format!("/mdf/requests/{}#claim", d.id))
        } else {
            (format!("{}: the unrequested rest of your allocation expires", d.title), "/mdf".to_string())
        };
        HomeDeadline {
            on: crate::web::format::date(d.on_date),
            when: match days {
                0 => "today".into(),
                1 => "tomorrow".into(),
                n => format!("in {} days", crate::web::format::int(n)),
            },
            what,
            link,
            soon: days <= i64::from(DEADLINE_WARNING_DAYS),
        }
    });
    Ok(Some(HomeFigures { available, deadline }))
}

/// One partner's MDF on a CAM's home.
pub struct PartnerFunds {
    pub partner: String,
    pub allocated: String,
    pub reserved: String,
    pub paid: String,
    pub available: String,
}

pub async fn partner_funds(tx: &mut Tx, scope: crate::auth::Scope) -> Result<Vec<PartnerFunds>> {
    use crate::web::format::money;
    Ok(store::balances_by_partner(tx, scope)
        .await?
        .into_iter()
        .map(|(_, name, c, b)| PartnerFunds {
            partner: name,
            allocated: money(b.allocated, &c),
            reserved: money(b.reserved, &c),
            paid: money(b.paid, &c),
            available: money(b.available(), &c),
        })
        .collect())
}

/// Days before a claim deadline that the partner is warned.
pub const DEADLINE_WARNING_DAYS: i32 = 7;

/// The deadline job for one tenant: requests past their claim deadline with no claim expire and their reservation
/// is released; those within a week of it are warned once. Rows are claimed with `FOR UPDATE SKIP LOCKED` and each
/// change is conditional on the state read under that lock, so two instances running it at once do everything once.
pub async fn run_deadlines(tx: &mut Tx, tenant: crate::ids::TenantId, today: NaiveDate) -> Result<(usize, usize)> {
    let overdue = store::claim_overdue(tx, today).await?;
    for r in &overdue {
        store::lock_allocation(tx, r.allocation_id).await?;
        let amount = r.approved_amount.unwrap_or_default();
        if amount > Decimal::ZERO {
            let row = store::NewLedger {
                fund: r.fund_id,
                allocation: r.allocation_id,
                partner: r.partner_id,
                request: Some(r.id),
                kind: Movement::Release,
                amount,
                note: "claim deadline passed".into(),
            };
            store::insert_ledger(tx, tenant, &row, None).await?;
        }
        store::mark_status(tx, r.id, RequestStatus::Expired).await?;
        store::insert_event(
            tx,
            tenant,
            r.id,
            None,
            Some(r.status),
            RequestStatus::Expired,
            Some("claim deadline passed"),
        )
        .await?;
        let line = format!(
            "The claim deadline of your MDF request \"{}\" passed without a claim; its {:.2} {} went back to your allocation.",
            r.title, amount, r.currency
        );
        notify(tx, tenant, r, &format!("MDF request expired: {}", r.title), &line).await?;
    }
    let warn = store::claim_deadline_warnings(tx, today, DEADLINE_WARNING_DAYS).await?;
    for r in &warn {
        store::mark_warned(tx, r.id).await?;
        let line = format!(
            "File the claim for your MDF request \"{}\" with proof of performance by {}, or the {:.2} {} reserved for it is released.",
            r.title,
            r.claim_deadline.map(|d| d.to_string()).unwrap_or_default(),
            r.approved_amount.unwrap_or_default(),
            r.currency
        );
        notify(tx, tenant, r, &format!("MDF claim deadline coming: {}", r.title), &line).await?;
    }
    Ok((overdue.len(), warn.len()))
}

async fn notify(
    tx: &mut Tx,
    tenant: crate::ids::TenantId,
    r: &store::RequestRow,
    subject: &str,
    line: &str,
) -> Result<()> {
    let body = format!("{line}\n\nSee it in the partner portal under Funds.\n");
    for address in store::partner_recipients(tx, r.partner_id, r.created_by).await? {
        outbox::enqueue(tx, tenant, &address, subject, &body).await?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_allowed_request_transition_and_no_other() {
        use RequestStatus::*;
        let allowed = [
            (Draft, Action::Submit, Submitted),
            (InfoRequested, Action::Submit, Submitted),
            (Rejected, Action::Submit, Submitted),
            (Submitted, Action::RequestInfo, InfoRequested),
            (Submitted, Action::Approve, Approved),
            (Submitted, Action::Reject, Rejected),
            (Submitted, Action::Decline, Declined),
            (Draft, Action::Cancel, Cancelled),
            (Submitted, Action::Cancel, Cancelled),
            (InfoRequested, Action::Cancel, Cancelled),
            (Approved, Action::Cancel, Cancelled),
            (PartlyApproved, Action::Cancel, Cancelled),
            (Approved, Action::Expire, Expired),
            (PartlyApproved, Action::Expire, Expired),
        ];
        let actions = [
            Action::Submit,
            Action::RequestInfo,
            Action::Approve,
            Action::Reject,
            Action::Decline,
            Action::Cancel,
            Action::Expire,
        ];
        for &from in RequestStatus::ALL {
            for action in actions {
                let expected = allowed.iter().find(|(f, a, _)| *f == from && *a == action).map(|(_, _, t)| *t);
                assert_eq!(from.after(action), expected, "{from:?} + {action:?}");
            }
        }
    }

    #[test]
    fn periods_open_on_their_first_day_and_end_on_their_last() {
        let d = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
        assert!(Period::Quarter.starts_on(d("2026-04-01")));
        assert!(!Period::Quarter.starts_on(d("2026-05-01")));
        assert!(Period::Half.starts_on(d("2026-07-01")));
        assert!(!Period::Year.starts_on(d("2026-07-01")));
        assert_eq!(Period::Quarter.end(d("2026-01-01")), Some(d("2026-03-31")));
        assert_eq!(Period::Year.end(d("2026-01-01")), Some(d("2026-12-31")));
        assert_eq!(Period::Half.previous(d("2026-07-01")), Some(d("2026-01-01")));
    }
}
