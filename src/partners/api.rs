//! `/api/v1/partners`.

use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};

use super::store::{self, PartnerRow};
use super::{PartnerInput, PartnerPatch};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, ListParams, ListResponse};
use crate::auth::{AnyRole, Auth, ProgramAdmin};
use crate::error::{Error, Result};
use crate::ids::PartnerId;

pub fn routes() -> Router<AppState> {
    Router::new().route("/partners", get(list).post(create)).route("/partners/{id}", get(show).patch(update))
}

/// The partners the caller may see: all (program admin, channel chief), assigned ones (CAM), its own (partner).
#[utoipa::path(get, path = "/api/v1/partners", tag = "partners", params(ListParams),
    responses((status = 200, body = ListResponse<PartnerRow>)), security(("bearer" = [])))]
pub async fn list(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<ListResponse<PartnerRow>>> {
    let (items, total) = store::list(&mut tx, user.scope(), p.limit(), p.offset()).await?;
    tx.commit().await?;
    Ok(Json(ListResponse { items, total }))
}

#[utoipa::path(get, path = "/api/v1/partners/{id}", tag = "partners", params(("id" = Uuid, Path)),
    responses((status = 200, body = PartnerRow), (status = 404)), security(("bearer" = [])))]
pub async fn show(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<PartnerId>,
) -> Result<Json<PartnerRow>> {
    let partner = store::get(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok(Json(partner))
}

#[utoipa::path(post, path = "/api/v1/partners", tag = "partners", request_body = PartnerInput,
    responses((status = 201, body = PartnerRow), (status = 422)), security(("bearer" = [])))]
pub async fn create(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiJson(input): ApiJson<PartnerInput>,
) -> Result<(StatusCode, Json<PartnerRow>)> {
    let id = super::create(&mut tx, &user, input).await?;
    let partner = store::get(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(partner)))
}

/// Changes a partner: assign or unassign its CAM, set its tier, region, life-stage.
#[utoipa::path(patch, path = "/api/v1/partners/{id}", tag = "partners", params(("id" = Uuid, Path)), request_body = PartnerPatch,
    responses((status = 200, body = PartnerRow), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn update(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(id): ApiPath<PartnerId>,
    ApiJson(patch): ApiJson<PartnerPatch>,
) -> Result<Json<PartnerRow>> {
    super::change(&mut tx, id, patch).await?;
    let partner = store::get(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok(Json(partner))
}
