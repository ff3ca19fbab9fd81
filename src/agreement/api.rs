//! `/api/v1/agreement`: read the current partner agreement, accept it, publish a new version.

use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::api::ApiJson;
use crate::auth::{AnyRole, Auth, PartnerMember, ProgramAdmin};
use crate::error::{Error, Result};

pub fn routes() -> Router<AppState> {
    Router::new().route("/agreement", get(show).post(publish)).route("/agreement/accept", post(accept))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AgreementView {
    pub version: i32,
    pub text: String,
    pub published_at: DateTime<Utc>,
    /// When the caller's partner accepted this version; null when not yet (and for the vendor's people).
    pub accepted_at: Option<DateTime<Utc>>,
    pub accepted_by: Option<String>,
}

/// The tenant's current partner agreement and whether the caller's organisation has accepted it.
#[utoipa::path(get, path = "/api/v1/agreement", tag = "agreement",
    responses((status = 200, body = AgreementView), (status = 404)), security(("bearer" = [])))]
pub async fn show(Auth { user, mut tx, .. }: Auth<AnyRole>) -> Result<Json<AgreementView>> {
    let current = super::current(&mut tx).await?.ok_or(Error::NotFound)?;
    let accepted = match user.partner_id {
        Some(p) => super::acceptance(&mut tx, p, current.version).await?,
        None => None,
    };
    Ok(Json(AgreementView {
        version: current.version,
        text: current.body,
        published_at: current.created_at,
        accepted_at: accepted.as_ref().map(|a| a.accepted_at),
        accepted_by: accepted.map(|a| a.user_name),
    }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct AcceptInput {
    /// The version read and accepted; must be the current one.
    #[serde(default)]
    pub version: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AcceptedView {
    pub version: i32,
    pub accepted_at: DateTime<Utc>,
    pub accepted_by: String,
}

/// Accepts the current agreement for the caller's organisation (partner admins). 409 when `version` is not current.
#[utoipa::path(post, path = "/api/v1/agreement/accept", tag = "agreement", request_body = AcceptInput,
    responses((status = 200, body = AcceptedView), (status = 403), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn accept(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiJson(input): ApiJson<AcceptInput>,
) -> Result<Json<AcceptedView>> {
    let a = super::accept(&mut tx, &user, input.version).await?;
    tx.commit().await?;
    Ok(Json(AcceptedView { version: a.version, accepted_at: a.accepted_at, accepted_by: a.user_name }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PublishInput {
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub text: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PublishedView {
    pub version: i32,
}

/// Publishes a new version of the agreement (program admin): every partner must accept it again.
#[utoipa::path(post, path = "/api/v1/agreement", tag = "agreement", request_body = PublishInput,
    responses((status = 201, body = PublishedView), (status = 422)), security(("bearer" = [])))]
pub async fn publish(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiJson(input): ApiJson<PublishInput>,
) -> Result<(StatusCode, Json<PublishedView>)> {
    let version = super::publish(&mut tx, &user, &input.text).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(PublishedView { version })))
}
