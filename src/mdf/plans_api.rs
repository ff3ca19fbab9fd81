//! `/api/v1/mdf` marketing plans, their activities, the pre-filled rates and the activity types. Contract:
//! docs/api.md.

use axum::http::StatusCode;
use axum::routing::{get, patch, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::plans::{self, ActivityInput, ActivityView, PlanView, PrefilledRates};
use super::store::{self, ActivityTypeRow};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, ListResponse};
use crate::auth::{AnyRole, Auth, CurrentUser, PartnerMember};
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::ids::{ActivityId, PartnerId, PlanId};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mdf/plans", get(list_plans).post(create_plan))
        .route("/mdf/plans/{id}", get(show_plan))
        .route("/mdf/plans/{id}/activities", post(add_activity))
        .route("/mdf/activities/{id}", patch(update_activity).delete(delete_activity))
        .route("/mdf/activities/{id}/request", post(request_from_activity))
        .route("/mdf/rates", get(rates))
        .route("/mdf/activity-types", get(activity_types))
}

async fn plan_json(mut tx: Tx, user: &CurrentUser, id: PlanId) -> Result<Json<PlanView>> {
    let p =
        store::plans(&mut tx, user.scope(), Some(id), None, None).await?.into_iter().next().ok_or(Error::NotFound)?;
    let v = plans::plan_view(&mut tx, user, p).await?;
    tx.commit().await?;
    Ok(Json(v))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    pub partner_id: Option<PartnerId>,
    /// "2026-Q1"
    pub quarter: Option<String>,
}

/// Plans in the caller's scope, newest quarter first.
#[utoipa::path(get, path = "/api/v1/mdf/plans", tag = "mdf", params(PlanQuery),
    responses((status = 200, body = ListResponse<PlanView>), (status = 422)), security(("bearer" = [])))]
pub async fn list_plans(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> Result<ApiJson<ListResponse<PlanView>>> {
    let quarter = match q.quarter.as_deref().filter(|s| !s.trim().is_empty()) {
        None => None,
        Some(s) => {
            Some(plans::parse_quarter(s).ok_or_else(|| Error::invalid("quarter", "Use a quarter such as 2026-Q1."))?)
        }
    };
    let mut items = Vec::new();
    for p in store::plans(&mut tx, user.scope(), None, q.partner_id, quarter).await? {
        items.push(plans::plan_view(&mut tx, &user, p).await?);
    }
    let total = items.len() as i64;
    Ok(ApiJson(ListResponse { items, total }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanInput {
    /// "2026-Q1"
    #[serde(default)]
    pub quarter: String,
}

/// Opens the caller's partner's plan for a quarter (one per quarter).
#[utoipa::path(post, path = "/api/v1/mdf/plans", tag = "mdf", request_body = PlanInput,
    responses((status = 201, body = PlanView), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn create_plan(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiJson(input): ApiJson<PlanInput>,
) -> Result<(StatusCode, Json<PlanView>)> {
    let id = plans::create_plan(&mut tx, &user, &input.quarter).await?;
    Ok((StatusCode::CREATED, plan_json(tx, &user, id).await?))
}

#[utoipa::path(get, path = "/api/v1/mdf/plans/{id}", tag = "mdf", params(("id" = Uuid, Path)),
    responses((status = 200, body = PlanView), (status = 404)), security(("bearer" = [])))]
pub async fn show_plan(Auth { user, tx, .. }: Auth<AnyRole>, ApiPath(id): ApiPath<PlanId>) -> Result<Json<PlanView>> {
    plan_json(tx, &user, id).await
}

async fn activity_json(mut tx: Tx, user: &CurrentUser, id: ActivityId) -> Result<Json<ActivityView>> {
    let a =
        store::activities(&mut tx, user.scope(), None, Some(id)).await?.into_iter().next().ok_or(Error::NotFound)?;
    let hist = plans::historical_roi(&mut tx, a.partner_id).await?;
    tx.commit().await?;
    Ok(Json(plans::activity_view(&a, hist)))
}

/// Adds an activity to a plan (the partner). Rates left out are pre-filled.
#[utoipa::path(post, path = "/api/v1/mdf/plans/{id}/activities", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = ActivityInput,
    responses((status = 201, body = ActivityView), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn add_activity(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<PlanId>,
    ApiJson(input): ApiJson<ActivityInput>,
) -> Result<(StatusCode, Json<ActivityView>)> {
    let a = plans::add_activity(&mut tx, &user, id, &input).await?;
    Ok((StatusCode::CREATED, activity_json(tx, &user, a).await?))
}

/// Changes an activity (409 once a request beyond a draft was made from it).
#[utoipa::path(patch, path = "/api/v1/mdf/activities/{id}", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = ActivityInput,
    responses((status = 200, body = ActivityView), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn update_activity(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<ActivityId>,
    ApiJson(input): ApiJson<ActivityInput>,
) -> Result<Json<ActivityView>> {
    plans::update_activity(&mut tx, &user, id, &input).await?;
    activity_json(tx, &user, id).await
}

/// Removes an activity (409 once a request beyond a draft was made from it).
#[utoipa::path(delete, path = "/api/v1/mdf/activities/{id}", tag = "mdf", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn delete_activity(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<ActivityId>,
) -> Result<StatusCode> {
    plans::delete_activity(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct FromActivityInput {
    /// Left out: the partner's one open allocation whose fund covers the activity.
    #[serde(default)]
    #[schema(value_type = Option<String>, format = Uuid)]
    pub allocation_id: Option<String>,
}

/// Turns an activity into a draft request pre-filled from it (the partner).
#[utoipa::path(post, path = "/api/v1/mdf/activities/{id}/request", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = FromActivityInput,
    responses((status = 201, body = super::api::RequestDetail), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn request_from_activity(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<ActivityId>,
    body: axum::body::Bytes,
) -> Result<(StatusCode, Json<super::api::RequestDetail>)> {
    let input: FromActivityInput = if body.iter().all(u8::is_ascii_whitespace) {
        FromActivityInput::default()
    } else {
        crate::api::parse_json(&body)?
    };
    let request = plans::request_from(&mut tx, &user, id, input.allocation_id.as_deref()).await?;
    Ok((StatusCode::CREATED, super::api::detail(tx, &user, request).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RatesQuery {
    /// Staff: whose rates.
    pub partner_id: Option<PartnerId>,
    /// The benchmark's activity type (the first of the program's when left out).
    pub activity_type: Option<String>,
}

/// The conversion rates to pre-fill: the partner's own history where it has some, else the tenant's benchmark.
#[utoipa::path(get, path = "/api/v1/mdf/rates", tag = "mdf", params(RatesQuery),
    responses((status = 200, body = PrefilledRates), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn rates(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(q): ApiQuery<RatesQuery>,
) -> Result<Json<PrefilledRates>> {
    let partner = match (user.partner_id, q.partner_id) {
        (Some(own), _) => own,
        (None, Some(p)) => {
            let visible = store::plans_partner_visible(&mut tx, user.scope(), p).await?;
            if !visible {
                return Err(Error::NotFound);
            }
            p
        }
        (None, None) => return Err(Error::invalid("partner_id", "Name the partner whose rates you want.")),
    };
    let r = plans::prefilled(&mut tx, partner, q.activity_type.as_deref()).await?;
    tx.commit().await?;
    Ok(Json(r))
}

/// The program's kinds of marketing activity with their benchmark rates.
#[utoipa::path(get, path = "/api/v1/mdf/activity-types", tag = "mdf",
    responses((status = 200, body = ListResponse<ActivityTypeRow>)), security(("bearer" = [])))]
pub async fn activity_types(Auth { mut tx, .. }: Auth<AnyRole>) -> Result<ApiJson<ListResponse<ActivityTypeRow>>> {
    let items = store::activity_types(&mut tx).await?;
    let total = items.len() as i64;
    Ok(ApiJson(ListResponse { items, total }))
}
