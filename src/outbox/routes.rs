//! Reading the outbox: `GET /api/v1/outbox` and the program admin's outbox page.

use askama::Template;
use askama_web::WebTemplate;
use axum::Json;
use axum::extract::State;
use axum::routing::get;
use axum::{Extension, Router};

use super::OutboxItem;
use crate::AppState;
use crate::api::{ApiQuery, ListParams, ListResponse};
use crate::auth::csrf::CsrfToken;
use crate::auth::{Auth, ProgramAdmin};
use crate::error::Result;
use crate::web::{Page, format};

pub fn api() -> Router<AppState> {
    Router::new().route("/outbox", get(list))
}

pub fn pages() -> Router<AppState> {
    Router::new().route("/admin/outbox", get(page))
}

/// The emails sent or queued in the tenant, newest first.
#[utoipa::path(get, path = "/api/v1/outbox", tag = "outbox", params(ListParams),
    responses((status = 200, body = ListResponse<OutboxItem>), (status = 403, description = "Not a program admin")),
    security(("bearer" = [])))]
pub async fn list(
    Auth { mut tx, .. }: Auth<ProgramAdmin>,
    ApiQuery(params): ApiQuery<ListParams>,
) -> Result<Json<ListResponse<OutboxItem>>> {
    let (items, total) = super::list(&mut tx, params.limit(), params.offset()).await?;
    tx.commit().await?;
    Ok(Json(ListResponse { items, total }))
}

pub struct MailRow {
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created: String,
    pub status: &'static str,
    pub badge: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/outbox.html")]
struct OutboxPage {
    page: Page,
    mails: Vec<MailRow>,
    total: String,
    smtp: bool,
}

async fn page(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
) -> Result<OutboxPage> {
    let (items, total) = super::list(&mut tx, 200, 0).await?;
    tx.commit().await?;
    let mails = items
        .into_iter()
        .map(|m| {
            let (status, badge) = match (m.sent_at, m.attempts) {
                (Some(_), _) => ("Sent", "badge-green"),
                (None, 0) => ("Queued", "badge-gray"),
                (None, _) => ("Retrying", "badge-yellow"),
            };
            MailRow {
                to: m.to,
                subject: m.subject,
                body: m.body,
                created: format::datetime(m.created_at),
                status,
                badge,
            }
        })
        .collect();
    Ok(OutboxPage {
        page: Page::new("Outbox", &csrf, &user, "/admin/outbox"),
        mails,
        total: format::int(total),
        smtp: state.smtp_enabled,
    })
}
