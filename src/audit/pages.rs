//! `/admin/audit`: who changed what, and when, for the program admin.

use askama::Template;
use askama_web::WebTemplate;
use axum::routing::get;
use axum::{Extension, Router};

use crate::AppState;
use crate::api::{ApiQuery, ListParams};
use crate::auth::csrf::CsrfToken;
use crate::auth::{Auth, ProgramAdmin};
use crate::error::Result;
use crate::home::AuditView;
use crate::web::{Page, format};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/audit", get(page))
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/audit.html")]
struct AuditPage {
    page: Page,
    entries: Vec<AuditView>,
    total: String,
    prev: Option<i64>,
    next: Option<i64>,
}

async fn page(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    ApiQuery(p): ApiQuery<ListParams>,
) -> Result<AuditPage> {
    let (limit, offset) = (100, p.offset());
    let (rows, total) = crate::audit::recent(&mut tx, limit, offset).await?;
    tx.commit().await?;
    Ok(AuditPage {
        page: Page::new("Audit log", &csrf, &user, "/admin/audit"),
        entries: rows.into_iter().map(AuditView::from).collect(),
        total: format::int(total),
        prev: (offset > 0).then(|| (offset - limit).max(0)),
        next: (offset + limit < total).then_some(offset + limit),
    })
}
