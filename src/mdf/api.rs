//! `/api/v1/mdf`: funds and allocations (program admin), requests (partners draft and submit; CAMs and program admins
//! decide), the ROI-ranked queue. Contract: docs/api.md.

use axum::http::StatusCode;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::store::{self, AllocationRow, FundRow, HistoryEntry, RequestRow};
use super::{
    Action, AllocationInput, ApproveInput, BalancesView, FundInput, FundKind, Period, QueueItem, ReasonInput,
    RequestInput, RequestStatus,
};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, ListResponse, parse_json};
use crate::auth::{AnyRole, Auth, Manager, PartnerMember, ProgramAdmin, Role, Staff};
use crate::error::{Error, Result};
use crate::ids::{AllocationId, FundId, MdfRequestId, PartnerId};
use crate::rules::mdf::{self as rules, Rates, Waterfall};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mdf/funds", get(list_funds).post(create_fund))
        .route("/mdf/funds/{id}", get(show_fund))
        .route("/mdf/funds/{id}/allocations", post(allocate))
        .route("/mdf/allocations", get(list_allocations))
        .route("/mdf/allocations/{id}", get(show_allocation))
        .route("/mdf/requests", get(list_requests).post(create_request))
        .route("/mdf/requests/{id}", get(show_request).patch(update_request))
        .route("/mdf/requests/{id}/submit", post(submit))
        .route("/mdf/requests/{id}/request-info", post(request_info))
        .route("/mdf/requests/{id}/approve", post(approve))
        .route("/mdf/requests/{id}/reject", post(reject))
        .route("/mdf/requests/{id}/decline", post(decline))
        .route("/mdf/requests/{id}/cancel", post(cancel))
        .route("/mdf/requests/{id}/results", put(put_results))
        .route("/mdf/queue", get(queue))
        .route("/mdf/ledger", get(ledger))
        .route("/mdf/ledger.csv", get(ledger_csv))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct FundView {
    pub id: FundId,
    pub name: String,
    pub kind: FundKind,
    pub period: Period,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub currency: String,
    pub total: String,
    pub reimbursement_percent: String,
    pub claim_window_days: i32,
    pub accrual_percent: Option<String>,
    pub balances: BalancesView,
    pub created_at: DateTime<Utc>,
}

pub(super) async fn fund_view(tx: &mut crate::db::Tx, f: FundRow) -> Result<FundView> {
    let b = store::fund_balances(tx, f.id).await?;
    Ok(FundView {
        id: f.id,
        name: f.name,
        kind: f.kind,
        period: f.period,
        starts_on: f.starts_on,
        ends_on: f.ends_on,
        currency: f.currency,
        total: format!("{:.2}", f.total),
        reimbursement_percent: f.reimbursement_percent.normalize().to_string(),
        claim_window_days: f.claim_window_days,
        accrual_percent: f.accrual_percent.map(|p| p.normalize().to_string()),
        balances: BalancesView::of(&b, Some(f.total)),
        created_at: f.created_at,
    })
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct FundQuery {
    /// Only funds whose period contains this date (YYYY-MM-DD).
    pub period_containing: Option<NaiveDate>,
}

/// The tenant's funds with their balances (staff).
#[utoipa::path(get, path = "/api/v1/mdf/funds", tag = "mdf", params(FundQuery),
    responses((status = 200, body = ListResponse<FundView>)), security(("bearer" = [])))]
pub async fn list_funds(
    Auth { mut tx, .. }: Auth<Staff>,
    ApiQuery(q): ApiQuery<FundQuery>,
) -> Result<ApiJson<ListResponse<FundView>>> {
    let mut items = Vec::new();
    for f in store::funds(&mut tx, q.period_containing).await? {
        items.push(fund_view(&mut tx, f).await?);
    }
    let total = items.len() as i64;
    Ok(ApiJson(ListResponse { items, total }))
}

/// Creates a fund (program admins).
#[utoipa::path(post, path = "/api/v1/mdf/funds", tag = "mdf", request_body = FundInput,
    responses((status = 201, body = FundView), (status = 422)), security(("bearer" = [])))]
pub async fn create_fund(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiJson(input): ApiJson<FundInput>,
) -> Result<(StatusCode, Json<FundView>)> {
    let id = super::create_fund(&mut tx, &user, &input).await?;
    let f = store::fund(&mut tx, id).await?.ok_or(Error::NotFound)?;
    let view = fund_view(&mut tx, f).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/v1/mdf/funds/{id}", tag = "mdf", params(("id" = Uuid, Path)),
    responses((status = 200, body = FundView), (status = 404)), security(("bearer" = [])))]
pub async fn show_fund(Auth { mut tx, .. }: Auth<Staff>, ApiPath(id): ApiPath<FundId>) -> Result<Json<FundView>> {
    let f = store::fund(&mut tx, id).await?.ok_or(Error::NotFound)?;
    Ok(Json(fund_view(&mut tx, f).await?))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AllocationView {
    pub id: AllocationId,
    pub fund_id: FundId,
    pub fund_name: String,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub currency: String,
    pub expires_on: NaiveDate,
    pub reimbursement_percent: String,
    #[schema(value_type = Option<Object>)]
    pub basis: Option<serde_json::Value>,
    pub balances: BalancesView,
}

pub(super) async fn allocation_view(tx: &mut crate::db::Tx, a: AllocationRow) -> Result<AllocationView> {
    let b = store::allocation_balances(tx, a.id).await?;
    Ok(AllocationView {
        id: a.id,
        fund_id: a.fund_id,
        fund_name: a.fund_name,
        partner_id: a.partner_id,
        partner_name: a.partner_name,
        currency: a.currency,
        expires_on: a.expires_on,
        reimbursement_percent: a.reimbursement_percent.normalize().to_string(),
        basis: a.basis,
        balances: BalancesView::of(&b, None),
    })
}

/// Gives a partner its share of a fund (program admins). Accrual funds compute the amount.
#[utoipa::path(post, path = "/api/v1/mdf/funds/{id}/allocations", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = AllocationInput,
    responses((status = 201, body = AllocationView), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn allocate(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(id): ApiPath<FundId>,
    ApiJson(input): ApiJson<AllocationInput>,
) -> Result<(StatusCode, Json<AllocationView>)> {
    let a = super::allocate(&mut tx, &user, id, &input).await?;
    let row = store::allocation(&mut tx, user.scope(), a).await?.ok_or(Error::NotFound)?;
    let view = allocation_view(&mut tx, row).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AllocationQuery {
    pub fund_id: Option<FundId>,
    pub partner_id: Option<PartnerId>,
}

/// Allocations in the caller's scope, with balances.
#[utoipa::path(get, path = "/api/v1/mdf/allocations", tag = "mdf", params(AllocationQuery),
    responses((status = 200, body = ListResponse<AllocationView>)), security(("bearer" = [])))]
pub async fn list_allocations(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(q): ApiQuery<AllocationQuery>,
) -> Result<ApiJson<ListResponse<AllocationView>>> {
    let mut items = Vec::new();
    for a in store::allocations(&mut tx, user.scope(), q.fund_id, q.partner_id).await? {
        items.push(allocation_view(&mut tx, a).await?);
    }
    let total = items.len() as i64;
    Ok(ApiJson(ListResponse { items, total }))
}

#[utoipa::path(get, path = "/api/v1/mdf/allocations/{id}", tag = "mdf", params(("id" = Uuid, Path)),
    responses((status = 200, body = AllocationView), (status = 404)), security(("bearer" = [])))]
pub async fn show_allocation(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<AllocationId>,
) -> Result<Json<AllocationView>> {
    let a = store::allocation(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    Ok(Json(allocation_view(&mut tx, a).await?))
}

/// A request's forecast: the inputs and each stage of the lead waterfall.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WaterfallView {
    pub audience: i32,
    pub response_rate: String,
    pub mql_rate: String,
    pub sql_rate: String,
    pub win_rate: String,
    pub average_deal: String,
    pub responses: String,
    pub mqls: String,
    pub sqls: String,
    pub wins: String,
    pub forecast_revenue: String,
    /// Forecast revenue ÷ requested amount.
    pub forecast_roi: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequestView {
    pub id: MdfRequestId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub allocation_id: AllocationId,
    pub fund_id: FundId,
    pub currency: String,
    pub title: String,
    pub activity_type: String,
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub total_cost: String,
    pub requested_amount: String,
    pub approved_amount: Option<String>,
    pub reimbursement_percent: Option<String>,
    pub claim_deadline: Option<NaiveDate>,
    pub status: RequestStatus,
    pub waterfall: WaterfallView,
    /// The forecast ROI is more than twice the partner's historical actual ROI.
    pub flagged: bool,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
}

fn one_place(d: rust_decimal::Decimal) -> String {
    format!("{:.1}", d)
}

impl From<RequestRow> for RequestView {
    fn from(r: RequestRow) -> RequestView {
        let w = Waterfall {
            audience: i64::from(r.audience),
            rates: Rates { response: r.response_rate, mql: r.mql_rate, sql: r.sql_rate, win: r.win_rate },
            average_deal: r.average_deal,
        };
        let s = w.stages();
        RequestView {
            id: r.id,
            partner_id: r.partner_id,
            partner_name: r.partner_name,
            allocation_id: r.allocation_id,
            fund_id: r.fund_id,
            currency: r.currency,
            title: r.title,
            activity_type: r.activity_type,
            description: r.description,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            total_cost: format!("{:.2}", r.total_cost),
            requested_amount: format!("{:.2}", r.requested_amount),
            approved_amount: r.approved_amount.map(|a| format!("{a:.2}")),
            reimbursement_percent: r.reimbursement_percent.map(|p| p.normalize().to_string()),
            claim_deadline: r.claim_deadline,
            status: r.status,
            waterfall: WaterfallView {
                audience: r.audience,
                response_rate: r.response_rate.normalize().to_string(),
                mql_rate: r.mql_rate.normalize().to_string(),
                sql_rate: r.sql_rate.normalize().to_string(),
                win_rate: r.win_rate.normalize().to_string(),
                average_deal: format!("{:.2}", r.average_deal),
                responses: one_place(s.responses),
                mqls: one_place(s.mqls),
                sqls: one_place(s.sqls),
                wins: one_place(s.wins),
                forecast_revenue: format!("{:.2}", s.revenue),
                forecast_roi: rules::roi(s.revenue, r.requested_amount).map(|x| format!("{x:.2}")),
            },
            flagged: r.flagged,
            created_at: r.created_at,
            submitted_at: r.submitted_at,
            decided_at: r.decided_at,
            decision_note: r.decision_note,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RequestDetail {
    #[serde(flatten)]
    pub request: RequestView,
    pub history: Vec<HistoryEntry>,
    /// What the partner reported and its linked deals won; null until reported.
    pub results: Option<super::results::ResultsView>,
}

pub(super) async fn detail(
    mut tx: crate::db::Tx,
    user: &crate::auth::CurrentUser,
    id: MdfRequestId,
) -> Result<Json<RequestDetail>> {
    let r = store::request(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let history = store::history(&mut tx, id).await?;
    let res = store::results(&mut tx, id).await?;
    tx.commit().await?;
    let results = res.reported_at.is_some().then(|| super::results::ResultsView::from(&res));
    Ok(Json(RequestDetail { request: r.into(), history, results }))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RequestQuery {
    #[param(value_type = Option<RequestStatus>)]
    pub status: Option<String>,
    pub partner_id: Option<PartnerId>,
    pub fund_id: Option<FundId>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Requests in the caller's scope, newest first.
#[utoipa::path(get, path = "/api/v1/mdf/requests", tag = "mdf", params(RequestQuery),
    responses((status = 200, body = ListResponse<RequestView>), (status = 422)), security(("bearer" = [])))]
pub async fn list_requests(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(q): ApiQuery<RequestQuery>,
) -> Result<ApiJson<ListResponse<RequestView>>> {
    // An empty status is no status: refused like any other unknown one.
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(
            RequestStatus::parse(s)
                .ok_or_else(|| Error::invalid("status", format!("Use one of: {}.", RequestStatus::choices())))?,
        ),
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let offset = q.offset.unwrap_or(0).max(0);
    let (rows, total) = store::requests(&mut tx, user.scope(), status, q.partner_id, q.fund_id, limit, offset).await?;
    Ok(ApiJson(ListResponse { items: rows.into_iter().map(RequestView::from).collect(), total }))
}

/// Drafts a request for the caller's partner.
#[utoipa::path(post, path = "/api/v1/mdf/requests", tag = "mdf", request_body = RequestInput,
    responses((status = 201, body = RequestDetail), (status = 422)), security(("bearer" = [])))]
pub async fn create_request(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiJson(input): ApiJson<RequestInput>,
) -> Result<(StatusCode, Json<RequestDetail>)> {
    let id = super::create_request(&mut tx, &user, &input).await?;
    Ok((StatusCode::CREATED, detail(tx, &user, id).await?))
}

#[utoipa::path(get, path = "/api/v1/mdf/requests/{id}", tag = "mdf", params(("id" = Uuid, Path)),
    responses((status = 200, body = RequestDetail), (status = 404)), security(("bearer" = [])))]
pub async fn show_request(
    Auth { user, tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<MdfRequestId>,
) -> Result<Json<RequestDetail>> {
    detail(tx, &user, id).await
}

/// Edits a draft, a request sent back for information, or a rejected one (the partner).
#[utoipa::path(patch, path = "/api/v1/mdf/requests/{id}", tag = "mdf", params(("id" = Uuid, Path)), request_body = RequestInput,
    responses((status = 200, body = RequestDetail), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn update_request(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<MdfRequestId>,
    ApiJson(input): ApiJson<RequestInput>,
) -> Result<Json<RequestDetail>> {
    super::update_request(&mut tx, &user, id, &input).await?;
    detail(tx, &user, id).await
}

#[utoipa::path(post, path = "/api/v1/mdf/requests/{id}/submit", tag = "mdf", params(("id" = Uuid, Path)),
    responses((status = 200, body = RequestDetail), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn submit(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<MdfRequestId>,
) -> Result<Json<RequestDetail>> {
    super::submit(&mut tx, &user, id).await?;
    detail(tx, &user, id).await
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct MessageInput {
    #[serde(default)]
    pub message: String,
}

/// Sends a submitted request back to the partner for more information.
#[utoipa::path(post, path = "/api/v1/mdf/requests/{id}/request-info", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = MessageInput,
    responses((status = 200, body = RequestDetail), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn request_info(
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<MdfRequestId>,
    ApiJson(input): ApiJson<MessageInput>,
) -> Result<Json<RequestDetail>> {
    super::decide(&mut tx, &user, id, Action::RequestInfo, &input.message).await?;
    detail(tx, &user, id).await
}

/// Approves a submitted request, in full or for a smaller amount, reserving it. 409 when the allocation cannot
/// cover it.
#[utoipa::path(post, path = "/api/v1/mdf/requests/{id}/approve", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = Option<ApproveInput>,
    responses((status = 200, body = RequestDetail), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn approve(
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<MdfRequestId>,
    body: axum::body::Bytes,
) -> Result<Json<RequestDetail>> {
    let input: ApproveInput =
        if body.iter().all(u8::is_ascii_whitespace) { ApproveInput::default() } else { parse_json(&body)? };
    super::approve(&mut tx, &user, id, &input).await?;
    detail(tx, &user, id).await
}

/// Rejects a submitted request; the partner may edit and resubmit it.
#[utoipa::path(post, path = "/api/v1/mdf/requests/{id}/reject", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = ReasonInput,
    responses((status = 200, body = RequestDetail), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn reject(
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<MdfRequestId>,
    ApiJson(input): ApiJson<ReasonInput>,
) -> Result<Json<RequestDetail>> {
    super::decide(&mut tx, &user, id, Action::Reject, &input.reason).await?;
    detail(tx, &user, id).await
}

/// Declines a submitted request for good.
#[utoipa::path(post, path = "/api/v1/mdf/requests/{id}/decline", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = ReasonInput,
    responses((status = 200, body = RequestDetail), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn decline(
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<MdfRequestId>,
    ApiJson(input): ApiJson<ReasonInput>,
) -> Result<Json<RequestDetail>> {
    super::decide(&mut tx, &user, id, Action::Decline, &input.reason).await?;
    detail(tx, &user, id).await
}

/// Cancels a request before any claim (the partner, a program admin), releasing what was reserved.
#[utoipa::path(post, path = "/api/v1/mdf/requests/{id}/cancel", tag = "mdf", params(("id" = Uuid, Path)),
    responses((status = 200, body = RequestDetail), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn cancel(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<MdfRequestId>,
) -> Result<Json<RequestDetail>> {
    if !(user.role.is_partner() || user.role == Role::ProgramAdmin) {
        return Err(Error::forbidden());
    }
    super::cancel(&mut tx, &user, id).await?;
    detail(tx, &user, id).await
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct QueueQuery {
    pub fund_id: Option<FundId>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct QueueView {
    pub items: Vec<QueueItem>,
    pub total: i64,
    /// What the listed requests can still draw on: the available balance of the allocations in scope.
    pub remaining_budget: String,
}

/// The submitted requests in scope, ranked by risk-adjusted ROI, with a running total against the remaining budget.
#[utoipa::path(get, path = "/api/v1/mdf/queue", tag = "mdf", params(QueueQuery),
    responses((status = 200, body = QueueView)), security(("bearer" = [])))]
pub async fn queue(
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiQuery(q): ApiQuery<QueueQuery>,
) -> Result<ApiJson<QueueView>> {
    let (items, remaining) = super::queue(&mut tx, &user, q.fund_id).await?;
    let total = items.len() as i64;
    Ok(ApiJson(QueueView { items, total, remaining_budget: format!("{remaining:.2}") }))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    pub fund_id: Option<FundId>,
    pub partner_id: Option<PartnerId>,
    /// First day (YYYY-MM-DD), inclusive.
    pub from: Option<NaiveDate>,
    /// Last day (YYYY-MM-DD), inclusive.
    pub to: Option<NaiveDate>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl LedgerQuery {
    pub(super) fn filter(&self) -> store::LedgerFilter {
        store::LedgerFilter { fund: self.fund_id, partner: self.partner_id, from: self.from, to: self.to }
    }
}

/// The ledger rows in the caller's scope, newest first (partners see their own).
#[utoipa::path(get, path = "/api/v1/mdf/ledger", tag = "mdf", params(LedgerQuery),
    responses((status = 200, body = ListResponse<store::LedgerEntry>)), security(("bearer" = [])))]
pub async fn ledger(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(q): ApiQuery<LedgerQuery>,
) -> Result<ApiJson<ListResponse<store::LedgerEntry>>> {
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let offset = q.offset.unwrap_or(0).max(0);
    let (items, total) = store::ledger(&mut tx, user.scope(), &q.filter(), true, limit, offset).await?;
    Ok(ApiJson(ListResponse { items, total }))
}

/// Rows an export holds at most (a tenant's ledger over a few years fits well within it).
pub(super) const EXPORT_ROWS: i64 = 1_000_000;

/// The ledger as CSV, oldest first (program admin, channel chief), for finance.
#[utoipa::path(get, path = "/api/v1/mdf/ledger.csv", tag = "mdf", params(LedgerQuery),
    responses((status = 200, content_type = "text/csv", body = String)), security(("bearer" = [])))]
pub async fn ledger_csv(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(q): ApiQuery<LedgerQuery>,
) -> Result<axum::response::Response> {
    if !matches!(user.role, Role::ProgramAdmin | Role::ChannelChief) {
        return Err(Error::forbidden());
    }
    let (rows, _) = store::ledger(&mut tx, user.scope(), &q.filter(), false, EXPORT_ROWS, 0).await?;
    tx.commit().await?;
    super::export::csv(rows)
}

/// Reports what an approved request returned and links the partner's deals to it (the partner).
#[utoipa::path(put, path = "/api/v1/mdf/requests/{id}/results", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = super::results::ResultsInput,
    responses((status = 200, body = RequestDetail), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn put_results(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<MdfRequestId>,
    ApiJson(input): ApiJson<super::results::ResultsInput>,
) -> Result<Json<RequestDetail>> {
    super::results::report(&mut tx, &user, id, &input).await?;
    detail(tx, &user, id).await
}
