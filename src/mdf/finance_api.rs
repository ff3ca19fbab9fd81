//! `/api/v1/mdf` for program admins and finance: fund changes, allocation adjustments, the ledger as XLSX, and a
//! partner's quarter summary. Contract: docs/api.md.

use axum::response::Response;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::api::{AllocationView, FundView, LedgerQuery};
use super::finance::{self, AdjustInput, FundPatch, Summary};
use super::store;
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery};
use crate::auth::{AnyRole, Auth, ProgramAdmin, Role};
use crate::error::{Error, Result};
use crate::ids::{AllocationId, FundId, PartnerId};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mdf/funds/{id}", patch(patch_fund))
        .route("/mdf/allocations/{id}/adjust", post(adjust_allocation))
        .route("/mdf/partners/{id}/summary", get(partner_summary))
        .route("/mdf/ledger.xlsx", get(ledger_xlsx))
}

/// Changes a fund's name, total, default reimbursement or claim window (program admins). 409 below what is allocated.
#[utoipa::path(patch, path = "/api/v1/mdf/funds/{id}", tag = "mdf", params(("id" = Uuid, Path)), request_body = FundPatch,
    responses((status = 200, body = FundView), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn patch_fund(
    Auth { mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(id): ApiPath<FundId>,
    ApiJson(input): ApiJson<FundPatch>,
) -> Result<Json<FundView>> {
    finance::patch_fund(&mut tx, id, &input).await?;
    let f = store::fund(&mut tx, id).await?.ok_or(Error::NotFound)?;
    let view = super::api::fund_view(&mut tx, f).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Adds to or takes from an allocation with an `adjust` ledger row (program admins).
#[utoipa::path(post, path = "/api/v1/mdf/allocations/{id}/adjust", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = AdjustInput,
    responses((status = 200, body = AllocationView), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn adjust_allocation(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(id): ApiPath<AllocationId>,
    ApiJson(input): ApiJson<AdjustInput>,
) -> Result<Json<AllocationView>> {
    finance::adjust(&mut tx, &user, id, &input).await?;
    let a = store::allocation(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let view = super::api::allocation_view(&mut tx, a).await?;
    tx.commit().await?;
    Ok(Json(view))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// "2026-Q1"; the current quarter when left out.
    pub quarter: Option<String>,
}

/// A partner's MDF in a quarter: balances, requests, forecast and won revenue, actual ROI.
#[utoipa::path(get, path = "/api/v1/mdf/partners/{id}/summary", tag = "mdf", params(("id" = Uuid, Path), SummaryQuery),
    responses((status = 200, body = Summary), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn partner_summary(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<PartnerId>,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> Result<Json<Summary>> {
    if !store::plans_partner_visible(&mut tx, user.scope(), id).await? {
        return Err(Error::NotFound);
    }
    let start = match q.quarter.as_deref().filter(|s| !s.trim().is_empty()) {
        None => super::plans::quarter_of(chrono::Utc::now().date_naive()),
        Some(s) => {
            super::plans::parse_quarter(s).ok_or_else(|| Error::invalid("quarter", "Use a quarter such as 2026-Q1."))?
        }
    };
    let s = finance::summary(&mut tx, id, start).await?;
    tx.commit().await?;
    Ok(Json(s))
}

/// The ledger as an Excel workbook, oldest first (program admin, channel chief), for finance.
#[utoipa::path(get, path = "/api/v1/mdf/ledger.xlsx", tag = "mdf", params(LedgerQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>)),
    security(("bearer" = [])))]
pub async fn ledger_xlsx(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(q): ApiQuery<LedgerQuery>,
) -> Result<Response> {
    if !matches!(user.role, Role::ProgramAdmin | Role::ChannelChief) {
        return Err(Error::forbidden());
    }
    let (rows, _) = store::ledger(&mut tx, user.scope(), &q.filter(), false, super::api::EXPORT_ROWS, 0).await?;
    tx.commit().await?;
    super::export::xlsx(rows).await
}
