//! A person's own settings: the time zone their times are shown in (the program's unless they choose another).

use askama::Template;
use askama_web::WebTemplate;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::store;
use crate::AppState;
use crate::auth::Auth;
use crate::auth::csrf::CsrfToken;
use crate::error::{FieldErrors, Result};
use crate::web::{Page, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new().route("/profile", get(page).post(submit))
}

#[derive(Template, WebTemplate)]
#[template(path = "users/profile.html")]
struct ProfilePage {
    page: Page,
    zones: Vec<(String, String)>,
    /// The chosen zone's name; empty for the program's.
    selected: String,
    errors: FieldErrors,
    /// "Chicago (America/Chicago)": the program's zone, which an empty choice follows.
    program_zone: String,
    /// What the reader's clock says now, in their zone.
    now: String,
}

#[derive(Deserialize, Default)]
struct ProfileForm {
    #[serde(default)]
    time_zone: String,
}

const NOTICES: &[(&str, &str)] = &[("saved", "Saved. Times are now shown in your time zone.")];

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

fn render(
    user: &crate::auth::CurrentUser,
    csrf: &CsrfToken,
    selected: String,
    errors: FieldErrors,
    notice_code: Option<&str>,
) -> ProfilePage {
    let program = user.reader.tenant_zone;
    let mut zones = vec![(String::new(), format!("The program's time zone ({})", program.name().replace('_', " ")))];
    zones.extend(format::zone_options());
    ProfilePage {
        page: Page::new("Your settings", csrf, user, "/profile").with_notice(notice(notice_code, NOTICES)),
        zones,
        selected,
        errors,
        program_zone: format!("{} ({})", format::zone_city(program), program.name()),
        now: format::datetime(chrono::Utc::now()),
    }
}

async fn page(
    Auth { user, mut tx, .. }: Auth,
    Extension(csrf): Extension<CsrfToken>,
    axum::extract::Query(q): axum::extract::Query<NoticeQuery>,
) -> Result<ProfilePage> {
    let selected = store::own_time_zone(&mut tx, user.id).await?.unwrap_or_default();
    tx.commit().await?;
    Ok(render(&user, &csrf, selected, FieldErrors::new(), q.notice.as_deref()))
}

async fn submit(
    Auth { user, mut tx, .. }: Auth,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<ProfileForm>,
) -> Result<Response> {
    let chosen = form.time_zone.trim();
    let zone = if chosen.is_empty() { None } else { format::zone(chosen) };
    if !chosen.is_empty() && zone.is_none() {
        let mut errors = FieldErrors::new();
        errors.add("time_zone", "Choose a time zone from the list.");
        let mut response = render(&user, &csrf, form.time_zone, errors, None).into_response();
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    store::set_time_zone(&mut tx, user.id, zone.map(|z| z.name())).await?;
    tx.commit().await?;
    Ok(Redirect::to("/profile?notice=saved").into_response())
}
