//! `/api/v1/deals`: registering, reading and deciding deal registrations.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::store::{self, DealRow, HistoryEntry, ListFilter};
use super::{
    ApproveInput, CloseInput, Conflict, ConflictView, DealInput, DealStatus, ExtendInput, RejectInput, RejectReason,
};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, ListResponse, parse_json};
use crate::auth::{AnyRole, Auth, CurrentUser, Manager, PartnerMember, Role};
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::ids::{DealId, PartnerId};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/deals", get(list).post(create))
        .route("/deals/{id}", get(show))
        .route("/deals/{id}/approve", post(approve))
        .route("/deals/{id}/reject", post(reject))
        .route("/deals/{id}/extend", post(extend))
        .route("/deals/{id}/extension/approve", post(approve_extension))
        .route("/deals/{id}/withdraw", post(withdraw))
        .route("/deals/{id}/close", post(close))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct RegisteredDeal {
    pub id: DealId,
    /// pending, or approved when the policy auto-approves clean registrations.
    pub status: DealStatus,
    /// Staff see each clash with its evidence; the registering partner sees its own view (`PartnerConflict`).
    pub conflicts: Vec<ConflictView>,
    pub protected_until: Option<NaiveDate>,
}

/// Registers a deal for the caller's partner and reports any clash at once.
#[utoipa::path(post, path = "/api/v1/deals", tag = "deals", request_body = DealInput,
    responses((status = 201, body = RegisteredDeal), (status = 409, description = "Open-registration cap reached"),
        (status = 422, description = "Invalid fields")), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiJson(input): ApiJson<DealInput>,
) -> Result<(StatusCode, Json<RegisteredDeal>)> {
    let r = super::register(&mut tx, &user, &state.base_url, input).await?;
    tx.commit().await?;
    Ok((
        StatusCode::CREATED,
        Json(RegisteredDeal {
            id: r.id,
            status: r.status,
            conflicts: Conflict::views_for(&user, r.conflicts),
            protected_until: r.protected_until,
        }),
    ))
}

/// A registration as the API shows it.
#[derive(Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct DealView {
    pub id: DealId,
    pub partner_id: PartnerId,
    /// Omitted for partner callers' view of findings; always their own partner here.
    pub partner_name: String,
    pub customer_name: String,
    pub customer_domain: Option<String>,
    pub country: String,
    pub products: Vec<String>,
    /// Decimal string.
    pub estimated_value: String,
    pub currency: String,
    pub expected_close_date: NaiveDate,
    pub notes: String,
    pub status: DealStatus,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<RejectReason>,
    pub decision_note: Option<String>,
    pub protected_until: Option<NaiveDate>,
    pub extensions_used: i32,
    pub extension_requested: bool,
    pub closed_amount: Option<String>,
}

impl From<DealRow> for DealView {
    fn from(d: DealRow) -> Self {
        DealView {
            id: d.id,
            partner_id: d.partner_id,
            partner_name: d.partner_name,
            customer_name: d.customer_name,
            customer_domain: d.customer_domain,
            country: d.country,
            products: d.products,
            estimated_value: format!("{:.2}", d.estimated_value),
            currency: d.currency,
            expected_close_date: d.expected_close_date,
            notes: d.notes,
            status: d.status,
            created_at: d.created_at,
            decided_at: d.decided_at,
            decision_reason: d.decision_reason,
            decision_note: d.decision_note,
            protected_until: d.protected_until,
            extensions_used: d.extensions_used,
            extension_requested: d.extension_requested_at.is_some(),
            closed_amount: d.closed_amount.map(|a| format!("{a:.2}")),
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DealQuery {
    /// pending, approved, rejected, withdrawn, expired, won or lost.
    #[param(value_type = Option<DealStatus>)]
    pub status: Option<String>,
    pub partner_id: Option<PartnerId>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Registrations the caller may see: its own (partner), its partners' (CAM), all (program admin, channel chief).
#[utoipa::path(get, path = "/api/v1/deals", tag = "deals", params(DealQuery),
    responses((status = 200, body = ListResponse<DealView>), (status = 422)), security(("bearer" = [])))]
pub async fn list(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(q): ApiQuery<DealQuery>,
) -> Result<ApiJson<ListResponse<DealView>>> {
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(DealStatus::parse(s).ok_or_else(|| {
            let names: Vec<&str> = DealStatus::ALL.iter().map(|s| s.as_str()).collect();
            Error::invalid("status", format!("Use one of: {}.", names.join(", ")))
        })?),
    };
    let filter = ListFilter { status, partner_id: q.partner_id };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let offset = q.offset.unwrap_or(0).max(0);
    let (items, total) = store::list(&mut tx, user.scope(), &filter, store::Columns::View, limit, offset).await?;
    Ok(ApiJson(ListResponse { items, total }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DealDetail {
    #[serde(flatten)]
    pub deal: DealView,
    /// For pending registrations, the clashes as they stand now; otherwise as found at the last decision. Staff see
    /// the evidence; the registering partner its own view.
    pub conflicts: Vec<ConflictView>,
    /// Why staff approved it over a probable clash (staff only).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub override_reason: Option<String>,
    pub history: Vec<HistoryEntry>,
}

/// The conflicts of a registration: live while pending, the recorded ones after a decision.
pub async fn current_conflicts(tx: &mut Tx, deal: &DealRow) -> Result<Vec<Conflict>> {
    if deal.status == DealStatus::Pending {
        let policy = store::policy(tx).await?;
        let findings = super::findings_for(tx, &super::registration_of(deal), &policy).await?;
        Ok(findings.iter().map(Conflict::from_finding).collect())
    } else {
        Ok(deal.conflicts.0.clone())
    }
}

#[utoipa::path(get, path = "/api/v1/deals/{id}", tag = "deals", params(("id" = Uuid, Path)),
    responses((status = 200, body = DealDetail), (status = 404)), security(("bearer" = [])))]
pub async fn show(Auth { user, mut tx, .. }: Auth<AnyRole>, ApiPath(id): ApiPath<DealId>) -> Result<Json<DealDetail>> {
    let deal = store::get(&mut tx, user.scope(), id, false).await?.ok_or(Error::NotFound)?;
    let conflicts = current_conflicts(&mut tx, &deal).await?;
    let history = store::history(&mut tx, id, !user.role.is_partner()).await?;
    tx.commit().await?;
    let override_reason = if user.role.is_partner() { None } else { deal.override_reason.clone() };
    Ok(Json(DealDetail {
        deal: deal.into(),
        conflicts: Conflict::views_for(&user, conflicts),
        override_reason,
        history,
    }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Decided {
    pub status: DealStatus,
    pub protected_until: Option<NaiveDate>,
}

async fn respond(mut tx: Tx, user: &CurrentUser, id: DealId) -> Result<Json<Decided>> {
    let deal = store::get(&mut tx, user.scope(), id, false).await?.ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok(Json(Decided { status: deal.status, protected_until: deal.protected_until }))
}

/// Approves a pending registration (the partner's CAM or a program admin). 409 when another partner (or this one)
/// holds an approved, unexpired registration for the same customer for certain; 422 naming `override_reason` when
/// it is probably the same customer and no reason to approve anyway is given.
#[utoipa::path(post, path = "/api/v1/deals/{id}/approve", tag = "deals", params(("id" = Uuid, Path)),
    request_body = Option<ApproveInput>,
    responses((status = 200, body = Decided), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<DealId>,
    body: axum::body::Bytes,
) -> Result<Json<Decided>> {
    // The body is optional: a bare POST approves when nothing needs overriding.
    let input: ApproveInput =
        if body.iter().all(u8::is_ascii_whitespace) { ApproveInput::default() } else { parse_json(&body)? };
    super::approve(&mut tx, &user, &state.base_url, id, input).await?;
    respond(tx, &user, id).await
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/reject", tag = "deals", params(("id" = Uuid, Path)), request_body = RejectInput,
    responses((status = 200, body = Decided), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<DealId>,
    ApiJson(input): ApiJson<RejectInput>,
) -> Result<Json<Decided>> {
    super::reject(&mut tx, &user, &state.base_url, id, input).await?;
    respond(tx, &user, id).await
}

/// Asks for an extension of an approved registration's protection (the registering partner).
#[utoipa::path(post, path = "/api/v1/deals/{id}/extend", tag = "deals", params(("id" = Uuid, Path)), request_body = Option<ExtendInput>,
    responses((status = 200, body = Decided), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn extend(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<DealId>,
    body: axum::body::Bytes,
) -> Result<Json<Decided>> {
    // The body is optional: a bare POST asks for an extension without a note.
    let input: ExtendInput =
        if body.iter().all(u8::is_ascii_whitespace) { ExtendInput::default() } else { parse_json(&body)? };
    super::request_extension(&mut tx, &user, &state.base_url, id, input).await?;
    respond(tx, &user, id).await
}

#[utoipa::path(post, path = "/api/v1/deals/{id}/extension/approve", tag = "deals", params(("id" = Uuid, Path)),
    responses((status = 200, body = Decided), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn approve_extension(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<DealId>,
) -> Result<Json<Decided>> {
    super::approve_extension(&mut tx, &user, &state.base_url, id).await?;
    respond(tx, &user, id).await
}

/// Withdraws a pending registration (the registering partner).
#[utoipa::path(post, path = "/api/v1/deals/{id}/withdraw", tag = "deals", params(("id" = Uuid, Path)),
    responses((status = 200, body = Decided), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn withdraw(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<DealId>,
) -> Result<Json<Decided>> {
    super::withdraw(&mut tx, &user, id).await?;
    respond(tx, &user, id).await
}

/// Closes an approved registration as won or lost (the partner, its CAM or a program admin).
#[utoipa::path(post, path = "/api/v1/deals/{id}/close", tag = "deals", params(("id" = Uuid, Path)), request_body = CloseInput,
    responses((status = 200, body = Decided), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn close(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<DealId>,
    ApiJson(input): ApiJson<CloseInput>,
) -> Result<Json<Decided>> {
    if user.role == Role::ChannelChief {
        return Err(Error::forbidden());
    }
    super::close(&mut tx, &user, id, input).await?;
    respond(tx, &user, id).await
}
