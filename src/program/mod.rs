//! The program admin's settings hub: one page that leads to each part of the program's configuration.

use askama::Template;
use askama_web::WebTemplate;
use axum::routing::get;
use axum::{Extension, Router};

use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{Auth, ProgramAdmin};
use crate::error::Result;
use crate::web::Page;

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/program", get(page))
}

#[derive(Template, WebTemplate)]
#[template(path = "program/index.html")]
struct ProgramPage {
    page: Page,
    agreement_version: i32,
    template_items: usize,
    accepted: i64,
    partners: i64,
}

async fn page(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
) -> Result<ProgramPage> {
    let agreement_version = crate::agreement::current(&mut tx).await?.map(|a| a.version).unwrap_or(0);
    let (accepted, partners) = crate::agreement::acceptance_counts(&mut tx).await?;
    let template_items = crate::onboarding::store::template(&mut tx).await?.len();
    Ok(ProgramPage {
        page: Page::new("Program settings", &csrf, &user, "/admin/program"),
        agreement_version,
        template_items,
        accepted,
        partners,
    })
}
