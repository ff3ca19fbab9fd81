//! Agreement pages: partner people read the current agreement (a partner admin accepts it for the organisation);
//! the program admin publishes new versions and sees who has accepted.

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
use crate::auth::{AnyRole, Auth, CurrentUser, PartnerMember, ProgramAdmin, Role};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::web::{Page, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/agreement", get(page))
        .route("/agreement/accept", post(accept_submit))
        .route("/admin/agreement", get(admin_page).post(publish_submit))
}

const NOTICES: &[(&str, &str)] = &[
    ("accepted", "Thank you. The agreement is accepted for your organisation; the portal is open."),
    ("published", "New version published. Every partner admin is asked to accept it at their next visit."),
];

#[derive(Template, WebTemplate)]
#[template(path = "agreement/show.html")]
struct AgreementPage {
    page: Page,
    version: i32,
    published: String,
    body: String,
    accepted: String,
    can_accept: bool,
    is_partner: bool,
    alert: Option<String>,
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn render(tx: &mut Tx, user: &CurrentUser, csrf: &CsrfToken, alert: Option<String>) -> Result<AgreementPage> {
    let current = super::current(tx).await?.ok_or(Error::NotFound)?;
    let accepted = match user.partner_id {
        Some(p) => super::acceptance(tx, p, current.version).await?,
        None => None,
    };
    Ok(AgreementPage {
        page: Page::new("Partner agreement", csrf, user, "/agreement"),
        version: current.version,
        published: format::day(current.created_at),
        body: current.body,
        accepted: accepted
            .as_ref()
            .map(|a| format!("Accepted by {} on {}", a.user_name, format::datetime(a.accepted_at)))
            .unwrap_or_default(),
        can_accept: accepted.is_none() && user.role == Role::PartnerAdmin,
        is_partner: user.role.is_partner(),
        alert,
    })
}

async fn page(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<AgreementPage> {
    let mut page = render(&mut tx, &user, &csrf, None).await?;
    page.page.notice = notice(q.notice.as_deref(), NOTICES);
    Ok(page)
}

#[derive(Deserialize, Default)]
struct AcceptForm {
    #[serde(default)]
    version: String,
    #[serde(default)]
    confirm: Option<String>,
}

async fn accept_submit(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<AcceptForm>,
) -> Result<Response> {
    let result = if form.confirm.is_none() {
        Err(Error::invalid("confirm", "Tick the box to confirm that you accept the agreement."))
    } else {
        crate::db::attempt!(tx, super::accept(&mut tx, &user, form.version.trim().parse::<i64>().ok())).map(|_| ())
    };
    match result {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to("/?notice=agreement-accepted").into_response())
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            let status = e.status();
            let alert = match e {
                Error::Conflict(m) => m,
                Error::Invalid(errors) => errors.0.values().flatten().next().cloned().unwrap_or_default(),
                _ => String::new(),
            };
            let page = render(&mut tx, &user, &csrf, Some(alert)).await?;
            let mut response = page.into_response();
            *response.status_mut() = status;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "agreement/admin.html")]
struct AdminPage {
    page: Page,
    version: i32,
    published: String,
    body: String,
    accepted: i64,
    partners: i64,
    errors: FieldErrors,
}

async fn render_admin(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    body: Option<String>,
    errors: FieldErrors,
) -> Result<AdminPage> {
    let current = super::current(tx).await?;
    let (accepted, partners) = super::acceptance_counts(tx).await?;
    Ok(AdminPage {
        page: Page::new("Partner agreement", csrf, user, "/admin/program"),
        version: current.as_ref().map(|c| c.version).unwrap_or(0),
        published: current.as_ref().map(|c| format::day(c.created_at)).unwrap_or_default(),
        body: body.or_else(|| current.map(|c| c.body)).unwrap_or_default(),
        accepted,
        partners,
        errors,
    })
}

async fn admin_page(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<AdminPage> {
    let mut page = render_admin(&mut tx, &user, &csrf, None, FieldErrors::new()).await?;
    page.page.notice = notice(q.notice.as_deref(), NOTICES);
    Ok(page)
}

#[derive(Deserialize, Default)]
struct PublishForm {
    #[serde(default)]
    body: String,
}

async fn publish_submit(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<PublishForm>,
) -> Result<Response> {
    match crate::db::attempt!(tx, super::publish(&mut tx, &user, &form.body)) {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to("/admin/agreement?notice=published").into_response())
        }
        Err(Error::Invalid(errors)) => {
            let page = render_admin(&mut tx, &user, &csrf, Some(form.body), errors).await?;
            let mut response = page.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}
