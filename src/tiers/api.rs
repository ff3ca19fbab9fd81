//! `/api/v1/tiers` and `/api/v1/partners/{id}/standing`: the program's tiers (program admins write), a partner's
//! standing and history (whoever may see the partner), evaluate-now, overrides and promotion approval (program
//! admins). Contract: docs/api.md, "Tiers and standing".

use axum::extract::State;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::config::{self, TiersInput, TiersView};
use super::{OverrideInput, TierProgressView, store};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, ListParams, ListResponse};
use crate::auth::{AnyRole, Auth, ProgramAdmin};
use crate::db::Tx;
use crate::error::Result;
use crate::ids::PartnerId;
use crate::partners::LifeStage;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tiers", get(show_tiers).put(replace_tiers).post(add_tier))
        .route("/tiers/{code}", axum::routing::delete(remove_tier))
        .route("/partners/{id}/standing", get(standing))
        .route("/partners/{id}/standing/history", get(history))
        .route("/partners/{id}/standing/evaluate", post(evaluate))
        .route("/partners/{id}/standing/override", post(set_override).delete(end_override))
        .route("/partners/{id}/standing/promotion", post(approve_promotion))
        .route("/partners/{id}/standing/custom", axum::routing::put(set_custom_value))
}

/// The program's tiers with their benefits and requirements, and the tier policy.
#[utoipa::path(get, path = "/api/v1/tiers", tag = "tiers",
    responses((status = 200, body = TiersView)), security(("bearer" = [])))]
pub async fn show_tiers(Auth { mut tx, .. }: Auth<AnyRole>) -> Result<ApiJson<TiersView>> {
    Ok(ApiJson(config::view(&mut tx).await?))
}

/// Replaces the tiers, their requirements and the policy in one go (program admins).
#[utoipa::path(put, path = "/api/v1/tiers", tag = "tiers", request_body = TiersInput,
    responses((status = 200, body = TiersView), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn replace_tiers(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiJson(input): ApiJson<TiersInput>,
) -> Result<ApiJson<TiersView>> {
    config::replace(&mut tx, user.tenant_id, &input).await?;
    let view = config::view(&mut tx).await?;
    tx.commit().await?;
    Ok(ApiJson(view))
}

/// Adds one tier without requirements, above the highest or at `rank` (program admins).
#[utoipa::path(post, path = "/api/v1/tiers", tag = "tiers", request_body = config::NewTierInput,
    responses((status = 201, body = TiersView), (status = 422)), security(("bearer" = [])))]
pub async fn add_tier(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiJson(input): ApiJson<config::NewTierInput>,
) -> Result<(axum::http::StatusCode, ApiJson<TiersView>)> {
    config::add_tier(&mut tx, user.tenant_id, &input).await?;
    let view = config::view(&mut tx).await?;
    tx.commit().await?;
    Ok((axum::http::StatusCode::CREATED, ApiJson(view)))
}

/// Removes one tier and its requirements (program admins); 409 for the entry tier or a tier partners hold.
#[utoipa::path(delete, path = "/api/v1/tiers/{code}", tag = "tiers", params(("code" = String, Path)),
    responses((status = 200, body = TiersView), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn remove_tier(
    Auth { mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(code): ApiPath<String>,
) -> Result<ApiJson<TiersView>> {
    config::remove_tier(&mut tx, &code).await?;
    let view = config::view(&mut tx).await?;
    tx.commit().await?;
    Ok(ApiJson(view))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OverrideView {
    pub tier: String,
    #[schema(value_type = String, format = Date)]
    pub until: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProjectionView {
    /// The tier the partner would hold at the next evaluation from its run-rate and weighted pipeline.
    pub tier: String,
    #[schema(value_type = String, format = Date)]
    pub by: NaiveDate,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StandingView {
    pub partner_id: PartnerId,
    /// The tier's code.
    pub tier: String,
    pub tier_name: String,
    pub life_stage: LifeStage,
    pub qualifies_for: Option<String>,
    /// promote, propose_promotion, hold, warn, start_grace, in_grace, demote or overridden; null before the first
    /// evaluation.
    pub action: Option<String>,
    /// The tier a promotion waiting for approval would give.
    pub proposed_tier: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub grace_until: Option<NaiveDate>,
    #[serde(rename = "override")]
    pub override_: Option<OverrideView>,
    pub evaluated_at: Option<DateTime<Utc>>,
    #[schema(value_type = Option<String>, format = Date)]
    pub next_evaluation_on: Option<NaiveDate>,
    pub projection: Option<ProjectionView>,
    /// Every tier's requirements as measured at the last evaluation, lowest first.
    pub tiers: Vec<TierProgressView>,
}

pub async fn standing_view(tx: &mut Tx, row: store::StandingRow) -> Result<StandingView> {
    let tier_name = store::tiers(tx)
        .await?
        .into_iter()
        .find(|t| t.code == row.tier)
        .map_or_else(|| crate::partners::tier_label(&row.tier), |t| t.name);
    Ok(StandingView::of(row, tier_name))
}

/// The standing of partner `id` as `scope` sees it now.
pub async fn current_view(tx: &mut Tx, scope: crate::auth::Scope, id: PartnerId) -> Result<StandingView> {
    let row = super::visible(tx, scope, id).await?;
    standing_view(tx, row).await
}

impl StandingView {
    pub fn of(row: store::StandingRow, tier_name: String) -> StandingView {
        let tiers = row.progress.and_then(|p| serde_json::from_value(p).ok()).unwrap_or_default();
        StandingView {
            partner_id: row.partner_id,
            tier: row.tier,
            tier_name,
            life_stage: row.life_stage,
            qualifies_for: row.qualifies_for,
            action: row.action,
            proposed_tier: row.proposed_tier,
            grace_until: row.grace_until,
            override_: match (row.override_tier, row.override_until) {
                (Some(tier), Some(until)) => {
                    Some(OverrideView { tier, until, reason: row.override_reason.unwrap_or_default() })
                }
                _ => None,
            },
            evaluated_at: row.evaluated_at,
            next_evaluation_on: row.next_evaluation_on.filter(|_| row.evaluated_at.is_some()),
            projection: match (row.projection_tier, row.next_evaluation_on) {
                (Some(tier), Some(by)) => Some(ProjectionView { tier, by }),
                _ => None,
            },
            tiers,
        }
    }
}

/// A partner's standing: its tier, what the last evaluation decided, and each requirement as measured.
#[utoipa::path(get, path = "/api/v1/partners/{id}/standing", tag = "tiers", params(("id" = Uuid, Path)),
    responses((status = 200, body = StandingView), (status = 404)), security(("bearer" = [])))]
pub async fn standing(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<PartnerId>,
) -> Result<Json<StandingView>> {
    let row = super::visible(&mut tx, user.scope(), id).await?;
    Ok(Json(standing_view(&mut tx, row).await?))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HistoryItem {
    /// The day of the change in the program's zone.
    #[schema(value_type = String, format = Date)]
    pub on: NaiveDate,
    pub at: DateTime<Utc>,
    /// promote, propose_promotion, approve_promotion, warn, start_grace, recover, demote, override, override_ended
    /// or set_by_admin.
    pub action: String,
    pub from_tier: String,
    pub to_tier: String,
    pub note: String,
    /// The program admin who made the change; null for the evaluation job.
    pub by: Option<String>,
}

/// A partner's standing history, newest first (append-only).
#[utoipa::path(get, path = "/api/v1/partners/{id}/standing/history", tag = "tiers",
    params(("id" = Uuid, Path), ListParams),
    responses((status = 200, body = ListResponse<HistoryItem>), (status = 404)), security(("bearer" = [])))]
pub async fn history(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<PartnerId>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<ListResponse<HistoryItem>>> {
    super::visible(&mut tx, user.scope(), id).await?;
    let (rows, total) = store::history(&mut tx, id, p.limit(), p.offset()).await?;
    let items = rows
        .into_iter()
        .map(|h| HistoryItem {
            on: h.on_date,
            at: h.at,
            action: h.action,
            from_tier: h.from_tier,
            to_tier: h.to_tier,
            note: h.note,
            by: h.by,
        })
        .collect();
    Ok(Json(ListResponse { items, total }))
}

/// Evaluates the partner now (program admins).
#[utoipa::path(post, path = "/api/v1/partners/{id}/standing/evaluate", tag = "tiers", params(("id" = Uuid, Path)),
    responses((status = 200, body = StandingView), (status = 404)), security(("bearer" = [])))]
pub async fn evaluate(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(id): ApiPath<PartnerId>,
) -> Result<Json<StandingView>> {
    super::visible(&mut tx, user.scope(), id).await?;
    let today = crate::program::store::today(&mut tx).await?;
    super::evaluate_one(&mut tx, &user, id, today, &state.base_url).await?;
    let view = current_view(&mut tx, user.scope(), id).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Holds the partner's tier until a date, whatever its metrics say (program admins).
#[utoipa::path(post, path = "/api/v1/partners/{id}/standing/override", tag = "tiers", params(("id" = Uuid, Path)),
    request_body = OverrideInput,
    responses((status = 200, body = StandingView), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn set_override(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(id): ApiPath<PartnerId>,
    ApiJson(input): ApiJson<OverrideInput>,
) -> Result<Json<StandingView>> {
    let today = crate::program::store::today(&mut tx).await?;
    super::set_override(&mut tx, &user, id, &input, today).await?;
    let view = current_view(&mut tx, user.scope(), id).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Ends the override and evaluates the partner by its metrics (program admins); 409 when none holds.
#[utoipa::path(delete, path = "/api/v1/partners/{id}/standing/override", tag = "tiers", params(("id" = Uuid, Path)),
    responses((status = 200, body = StandingView), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn end_override(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(id): ApiPath<PartnerId>,
) -> Result<Json<StandingView>> {
    let today = crate::program::store::today(&mut tx).await?;
    super::end_override(&mut tx, &user, id, today, &state.base_url).await?;
    let view = current_view(&mut tx, user.scope(), id).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Approves the promotion the last evaluation proposed (program admins); 409 when none is proposed.
#[utoipa::path(post, path = "/api/v1/partners/{id}/standing/promotion", tag = "tiers", params(("id" = Uuid, Path)),
    responses((status = 200, body = StandingView), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn approve_promotion(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(id): ApiPath<PartnerId>,
) -> Result<Json<StandingView>> {
    let today = crate::program::store::today(&mut tx).await?;
    super::approve_promotion(&mut tx, &user, id, today).await?;
    let view = current_view(&mut tx, user.scope(), id).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Sets a partner's value of a custom metric (program admins) → its standing, evaluated again with the value.
#[utoipa::path(put, path = "/api/v1/partners/{id}/standing/custom", tag = "tiers", params(("id" = Uuid, Path)),
    request_body = super::CustomValueInput,
    responses((status = 200, body = StandingView), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn set_custom_value(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(id): ApiPath<PartnerId>,
    ApiJson(input): ApiJson<super::CustomValueInput>,
) -> Result<Json<StandingView>> {
    let today = crate::program::store::today(&mut tx).await?;
    super::set_custom_value(&mut tx, &user, id, &input, today, &state.base_url).await?;
    let view = current_view(&mut tx, user.scope(), id).await?;
    tx.commit().await?;
    Ok(Json(view))
}
