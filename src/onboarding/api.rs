//! `/api/v1/partners/{id}/onboarding` and `/api/v1/onboarding-items/{id}/complete|undo`.

use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;

use super::store::{self, ItemRow};
use super::{Auto, CompleteInput, Owner, is_overdue, percent_complete};
use crate::AppState;
use crate::api::{ApiPath, parse_json};
use crate::auth::{AnyRole, Auth};
use crate::error::{Error, Result};
use crate::ids::{OnboardingItemId, PartnerId, UserId};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/partners/{id}/onboarding", get(checklist))
        .route("/onboarding-items/{id}/complete", post(complete))
        .route("/onboarding-items/{id}/undo", post(undo))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ItemView {
    pub id: OnboardingItemId,
    pub title: String,
    pub description: String,
    pub link: String,
    /// 30, 60 or 90.
    pub phase: i32,
    /// partner or cam: who completes it.
    pub owner: Owner,
    pub due_on: NaiveDate,
    pub required: bool,
    /// Set for items that complete themselves: agreement_accepted, users_invited, first_deal_registered.
    pub auto: Option<Auto>,
    pub overdue: bool,
    pub completed_at: Option<DateTime<Utc>>,
    /// Null when the item completed itself.
    pub completed_by: Option<UserId>,
    pub note: Option<String>,
}

impl ItemView {
    pub fn new(i: ItemRow, today: NaiveDate) -> ItemView {
        ItemView {
            overdue: is_overdue(&i, today),
            id: i.id,
            title: i.title,
            description: i.description,
            link: i.link,
            phase: i.phase,
            owner: i.owner,
            due_on: i.due_on,
            required: i.required,
            auto: i.auto,
            completed_at: i.completed_at,
            completed_by: i.completed_by,
            note: i.note,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ChecklistView {
    /// Share of the required items done, 0-100.
    pub percent_complete: i64,
    pub items: Vec<ItemView>,
}

/// A partner's onboarding checklist (the partner's people, its CAM, program admins and the channel chief).
#[utoipa::path(get, path = "/api/v1/partners/{id}/onboarding", tag = "onboarding", params(("id" = Uuid, Path)),
    responses((status = 200, body = ChecklistView), (status = 404)), security(("bearer" = [])))]
pub async fn checklist(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<PartnerId>,
) -> Result<Json<ChecklistView>> {
    crate::partners::store::get(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let items = store::items(&mut tx, id).await?;
    let today = crate::program::store::today(&mut tx).await?;
    Ok(Json(ChecklistView {
        percent_complete: percent_complete(&items),
        items: items.into_iter().map(|i| ItemView::new(i, today)).collect(),
    }))
}

async fn set(user_tx: Auth<AnyRole>, id: OnboardingItemId, body: &[u8], done: bool) -> Result<Json<ItemView>> {
    let Auth { user, mut tx, .. } = user_tx;
    let input: CompleteInput =
        if body.iter().all(u8::is_ascii_whitespace) { CompleteInput::default() } else { parse_json(body)? };
    let item = super::set_done(&mut tx, &user, id, input.note.as_deref(), done).await?;
    let today = crate::program::store::today(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(ItemView::new(item, today)))
}

/// Completes an item with an optional note: partner people their partner's items, the CAM (or a program admin) the
/// CAM's. 403 for the other side's items, 409 when already complete or when it completes itself.
#[utoipa::path(post, path = "/api/v1/onboarding-items/{id}/complete", tag = "onboarding", params(("id" = Uuid, Path)),
    request_body(content = CompleteInput, description = "Optional"),
    responses((status = 200, body = ItemView), (status = 403), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn complete(
    auth: Auth<AnyRole>,
    ApiPath(id): ApiPath<OnboardingItemId>,
    body: axum::body::Bytes,
) -> Result<Json<ItemView>> {
    set(auth, id, &body, true).await
}

/// Marks a completed item as not done again (same rules as completing).
#[utoipa::path(post, path = "/api/v1/onboarding-items/{id}/undo", tag = "onboarding", params(("id" = Uuid, Path)),
    responses((status = 200, body = ItemView), (status = 403), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn undo(
    auth: Auth<AnyRole>,
    ApiPath(id): ApiPath<OnboardingItemId>,
    body: axum::body::Bytes,
) -> Result<Json<ItemView>> {
    set(auth, id, &body, false).await
}
