//! `/api/v1/public/{tenant}/applications` (no sign-in) and `/api/v1/applications`: applying, reviewing, deciding.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::store::{self, ApplicationRow, NoteRow};
use super::{ApplicationInput, ApplicationStatus, Submission};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, ListResponse};
use crate::auth::{Auth, ClientIp, Manager};
use crate::error::{Error, Result};
use crate::ids::{ApplicationId, NoteId, PartnerId, UserId};
use crate::rules::fit_score::Criterion;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/public/{tenant}/applications", post(submit))
        .route("/applications", get(list))
        .route("/applications/{id}", get(show))
        .route("/applications/{id}/approve", post(approve))
        .route("/applications/{id}/reject", post(reject))
        .route("/applications/{id}/notes", post(add_note))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct SubmittedView {
    pub id: ApplicationId,
    pub status: ApplicationStatus,
    /// 0-100: how well the applicant fits the ideal partner profile.
    pub fit_score: i32,
}

/// Applies to become a partner of the tenant (no sign-in). Applications are limited per address and per tenant and
/// hour (429).
#[utoipa::path(post, path = "/api/v1/public/{tenant}/applications", tag = "recruitment",
    params(("tenant" = String, Path, description = "The tenant's slug")), request_body = ApplicationInput,
    responses((status = 201, body = SubmittedView), (status = 404, description = "Unknown tenant"),
        (status = 422, description = "Invalid fields"), (status = 429, description = "Too many applications")))]
pub async fn submit(
    State(state): State<AppState>,
    ApiPath(tenant): ApiPath<String>,
    ClientIp(ip): ClientIp,
    ApiJson(input): ApiJson<ApplicationInput>,
) -> Result<(StatusCode, Json<SubmittedView>)> {
    let tenant = super::tenant_by_slug(&state.pool, &tenant).await?;
    // A filled honeypot is answered as a success: a bot must not learn what gave it away.
    let (Submission::Stored(s) | Submission::Discarded(s)) =
        super::submit(&state.pool, &state.base_url, tenant, ip, input).await?;
    Ok((
        StatusCode::CREATED,
        Json(SubmittedView { id: s.id, status: ApplicationStatus::Submitted, fit_score: s.fit_score }),
    ))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApplicationView {
    pub id: ApplicationId,
    pub company_name: String,
    pub website: String,
    pub country: String,
    pub region: String,
    pub contact_name: String,
    pub contact_email: String,
    pub employees: i32,
    pub verticals: Vec<String>,
    pub services: Vec<String>,
    pub message: String,
    /// submitted, approved or rejected.
    pub status: ApplicationStatus,
    pub fit_score: i32,
    /// Each criterion of the ideal partner profile: points earned, and why.
    #[schema(value_type = Vec<Object>)]
    pub fit: Vec<Criterion>,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
    /// Waiting with no action for longer than the tenant's stale days.
    pub stale: bool,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<UserId>,
    pub reason: Option<String>,
    pub partner_id: Option<PartnerId>,
}

impl From<ApplicationRow> for ApplicationView {
    fn from(a: ApplicationRow) -> Self {
        let fit =
            serde_json::from_value::<crate::rules::fit_score::FitScore>(a.fit).map(|f| f.criteria).unwrap_or_default();
        ApplicationView {
            id: a.id,
            company_name: a.company_name,
            website: a.website,
            country: a.country,
            region: a.region,
            contact_name: a.contact_name,
            contact_email: a.contact_email,
            employees: a.employees,
            verticals: a.verticals,
            services: a.services,
            message: a.message,
            status: a.status,
            fit_score: a.fit_score,
            fit,
            created_at: a.created_at,
            last_activity_at: a.last_activity_at,
            stale: a.stale,
            decided_at: a.decided_at,
            decided_by: a.decided_by,
            reason: a.reason,
            partner_id: a.partner_id,
        }
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ApplicationQuery {
    /// submitted, approved or rejected.
    #[param(value_type = Option<ApplicationStatus>)]
    pub status: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Applications, the best fit and oldest first (CAMs and program admins).
#[utoipa::path(get, path = "/api/v1/applications", tag = "recruitment", params(ApplicationQuery),
    responses((status = 200, body = ListResponse<ApplicationView>), (status = 422)), security(("bearer" = [])))]
pub async fn list(
    Auth { mut tx, .. }: Auth<Manager>,
    ApiQuery(q): ApiQuery<ApplicationQuery>,
) -> Result<Json<ListResponse<ApplicationView>>> {
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(ApplicationStatus::parse(s).ok_or_else(|| {
            let all: Vec<&str> = ApplicationStatus::ALL.iter().map(|s| s.as_str()).collect();
            Error::invalid("status", format!("Use one of: {}.", all.join(", ")))
        })?),
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let (rows, total) = store::list(&mut tx, status, limit, q.offset.unwrap_or(0).max(0)).await?;
    Ok(Json(ListResponse { items: rows.into_iter().map(ApplicationView::from).collect(), total }))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct NoteView {
    pub id: NoteId,
    pub author_id: UserId,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

impl From<NoteRow> for NoteView {
    fn from(n: NoteRow) -> Self {
        NoteView {
            id: n.id,
            author_id: n.author_id,
            author_name: n.author_name,
            body: n.body,
            created_at: n.created_at,
        }
    }
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApplicationDetail {
    #[serde(flatten)]
    pub application: ApplicationView,
    pub notes: Vec<NoteView>,
}

/// One application with its notes. Partner people and other tenants get 404.
#[utoipa::path(get, path = "/api/v1/applications/{id}", tag = "recruitment", params(("id" = Uuid, Path)),
    responses((status = 200, body = ApplicationDetail), (status = 404)), security(("bearer" = [])))]
pub async fn show(
    Auth { user, mut tx, .. }: Auth,
    ApiPath(id): ApiPath<ApplicationId>,
) -> Result<Json<ApplicationDetail>> {
    if user.role.is_partner() || user.role == crate::auth::Role::ChannelChief {
        return Err(Error::NotFound);
    }
    let app = store::get(&mut tx, id, false).await?.ok_or(Error::NotFound)?;
    let notes = store::notes(&mut tx, id).await?;
    Ok(Json(ApplicationDetail { application: app.into(), notes: notes.into_iter().map(NoteView::from).collect() }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ApplicationApproveInput)]
pub struct ApproveInput {
    /// The CAM who takes the partner; the least-loaded CAM of the partner's region when omitted.
    #[serde(default)]
    pub cam_id: Option<String>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct ApprovedView {
    pub partner_id: PartnerId,
    pub partner_admin_user_id: UserId,
    pub cam_id: Option<UserId>,
}

/// Approves an application in one transaction: partner, CAM, partner admin with an invitation email, onboarding
/// checklist. 409 when it was already decided, or when the partner or its admin cannot be created (nothing is).
#[utoipa::path(post, path = "/api/v1/applications/{id}/approve", tag = "recruitment", params(("id" = Uuid, Path)),
    request_body = Option<ApproveInput>, responses((status = 200, body = ApprovedView), (status = 404), (status = 409),
        (status = 422)), security(("bearer" = [])))]
pub async fn approve(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<ApplicationId>,
    body: axum::body::Bytes,
) -> Result<Json<ApprovedView>> {
    let input: ApproveInput =
        if body.iter().all(u8::is_ascii_whitespace) { ApproveInput::default() } else { crate::api::parse_json(&body)? };
    let done = super::approve(&mut tx, &user, &state.base_url, id, input.cam_id.as_deref()).await?;
    tx.commit().await?;
    Ok(Json(ApprovedView {
        partner_id: done.partner_id,
        partner_admin_user_id: done.partner_admin_user_id,
        cam_id: done.cam_id,
    }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = ApplicationRejectInput)]
pub struct RejectInput {
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub reason: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    pub id: ApplicationId,
    pub status: ApplicationStatus,
}

#[utoipa::path(post, path = "/api/v1/applications/{id}/reject", tag = "recruitment", params(("id" = Uuid, Path)),
    request_body = RejectInput, responses((status = 200, body = DecisionView), (status = 404), (status = 409),
        (status = 422)), security(("bearer" = [])))]
pub async fn reject(
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<ApplicationId>,
    ApiJson(input): ApiJson<RejectInput>,
) -> Result<Json<DecisionView>> {
    super::reject(&mut tx, &user, id, &input.reason).await?;
    tx.commit().await?;
    Ok(Json(DecisionView { id, status: ApplicationStatus::Rejected }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct NoteInput {
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub body: String,
}

/// Adds a review note (it counts as activity: the application is no longer stale).
#[utoipa::path(post, path = "/api/v1/applications/{id}/notes", tag = "recruitment", params(("id" = Uuid, Path)),
    request_body = NoteInput, responses((status = 201, body = NoteView), (status = 404), (status = 422)),
    security(("bearer" = [])))]
pub async fn add_note(
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<ApplicationId>,
    ApiJson(input): ApiJson<NoteInput>,
) -> Result<(StatusCode, Json<NoteView>)> {
    let note = super::add_note(&mut tx, &user, id, &input.body).await?;
    let created = store::notes(&mut tx, id).await?.into_iter().find(|n| n.id == note).ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(created.into())))
}
