//! The program admin's settings hub: one page that leads to each part of the program's configuration, and the
//! program's time zone (deadlines are days in it; people's times default to it).

pub mod store;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;

use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{Auth, CurrentUser, ProgramAdmin};
use crate::db::Tx;
use crate::error::{FieldErrors, Result};
use crate::web::{Page, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/program", get(page)).route("/admin/program/time-zone", post(time_zone_submit))
}

#[derive(Template, WebTemplate)]
#[template(path = "program/index.html")]
struct ProgramPage {
    page: Page,
    agreement_version: i32,
    template_items: usize,
    accepted: i64,
    partners: i64,
    zones: Vec<(String, String)>,
    time_zone: String,
    errors: FieldErrors,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Deserialize)]
struct TimeZoneForm {
    #[serde(default)]
    time_zone: String,
}

const NOTICES: &[(&str, &str)] = &[("time_zone", "Saved. Deadlines are now days in the program's new time zone.")];

async fn page(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<ProgramPage> {
    let time_zone = store::time_zone(&mut tx).await?;
    let page = render(&mut tx, &user, &csrf, time_zone, FieldErrors::new(), q.notice.as_deref()).await?;
    tx.commit().await?;
    Ok(page)
}

async fn render(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    time_zone: String,
    errors: FieldErrors,
    notice_code: Option<&str>,
) -> Result<ProgramPage> {
    let agreement_version = crate::agreement::current(tx).await?.map(|a| a.version).unwrap_or(0);
    let (accepted, partners) = crate::agreement::acceptance_counts(tx).await?;
    let template_items = crate::onboarding::store::template(tx).await?.len();
    Ok(ProgramPage {
        page: Page::new("Program settings", csrf, user, "/admin/program").with_notice(notice(notice_code, NOTICES)),
        agreement_version,
        template_items,
        accepted,
        partners,
        zones: format::zone_options(),
        time_zone,
        errors,
    })
}

/// Sets the program's time zone: one the zone database knows, or the form again with a message.
async fn time_zone_submit(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<TimeZoneForm>,
) -> Result<Response> {
    let Some(zone) = format::zone(&form.time_zone) else {
        let mut errors = FieldErrors::new();
        errors.add("time_zone", "Choose a time zone from the list.");
        let mut response = render(&mut tx, &user, &csrf, form.time_zone, errors, None).await?.into_response();
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    };
    store::set_time_zone(&mut tx, zone.name()).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/program?notice=time_zone").into_response())
}
