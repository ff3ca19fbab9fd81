//! `/api/v1/users` and `/api/v1/invitations/{token}/accept`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::UserInput;
use super::store::{self, UserRow};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, ListParams, ListResponse};
use crate::auth::{Auth, Role, UserAdmin};
use crate::error::{Error, Result};
use crate::ids::{PartnerId, UserId};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(list).post(create))
        .route("/users/{id}", get(show).delete(deactivate))
        .route("/invitations/{token}/accept", post(accept))
}

fn org_scope(auth_role: Role, partner: Option<PartnerId>) -> Option<PartnerId> {
    if auth_role == Role::PartnerAdmin { partner } else { None }
}

/// Users of the tenant (program admin) or of the caller's own partner org (partner admin).
#[utoipa::path(get, path = "/api/v1/users", tag = "users", params(ListParams),
    responses((status = 200, body = ListResponse<UserRow>), (status = 403)), security(("bearer" = [])))]
pub async fn list(
    Auth { user, mut tx, .. }: Auth<UserAdmin>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<Json<ListResponse<UserRow>>> {
    let (items, total) = store::list(&mut tx, org_scope(user.role, user.partner_id), p.limit(), p.offset()).await?;
    tx.commit().await?;
    Ok(Json(ListResponse { items, total }))
}

#[utoipa::path(get, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 200, body = UserRow), (status = 404)), security(("bearer" = [])))]
pub async fn show(Auth { user, mut tx, .. }: Auth<UserAdmin>, ApiPath(id): ApiPath<UserId>) -> Result<Json<UserRow>> {
    let found = store::get(&mut tx, id, org_scope(user.role, user.partner_id)).await?.ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok(Json(found))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CreatedUser {
    #[serde(flatten)]
    pub user: UserRow,
    /// True when an invitation email with a set-password link was queued.
    pub invited: bool,
}

/// Adds a user. Without `password`, an invitation email with a set-password link goes to the outbox.
#[utoipa::path(post, path = "/api/v1/users", tag = "users", request_body = UserInput,
    responses((status = 201, body = CreatedUser), (status = 422, description = "Invalid fields")), security(("bearer" = [])))]
pub async fn create(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<UserAdmin>,
    ApiJson(input): ApiJson<UserInput>,
) -> Result<(StatusCode, Json<CreatedUser>)> {
    let (created, invited) = super::create(&mut tx, &user, &state, input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(CreatedUser { user: created, invited })))
}

/// Deactivates a user; every token they hold stops working at once.
#[utoipa::path(delete, path = "/api/v1/users/{id}", tag = "users", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404), (status = 409, description = "Deactivating yourself")), security(("bearer" = [])))]
pub async fn deactivate(
    Auth { user, mut tx, .. }: Auth<UserAdmin>,
    ApiPath(id): ApiPath<UserId>,
) -> Result<StatusCode> {
    super::deactivate(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AcceptInvitation {
    #[serde(default)]
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct AcceptedInvitation {
    pub email: String,
    pub tenant: String,
}

/// Sets the invited user's password. Unknown, used or expired invitations are 404.
#[utoipa::path(post, path = "/api/v1/invitations/{token}/accept", tag = "users", request_body = AcceptInvitation,
    params(("token" = String, Path)), responses((status = 200, body = AcceptedInvitation), (status = 404), (status = 422)))]
pub async fn accept(
    State(state): State<AppState>,
    ApiPath(token): ApiPath<String>,
    ApiJson(input): ApiJson<AcceptInvitation>,
) -> Result<Json<AcceptedInvitation>> {
    let invitee = super::invitations::accept(&state, &token, input.password).await?;
    Ok(Json(AcceptedInvitation { email: invitee.email, tenant: invitee.tenant_slug }))
}
