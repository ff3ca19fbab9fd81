//! The program admin's page for the program's vocabularies (`/admin/vocabularies`): one entry a line.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::{EntryInput, Kind, Vocabularies, Vocabulary, store, validate_list};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{Auth, CurrentUser, ProgramAdmin};
use crate::error::{FieldErrors, Result};
use crate::web::{Page, notice};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/vocabularies", get(page).post(submit))
}

#[derive(Deserialize, Default, Clone)]
pub struct ListsForm {
    #[serde(default)]
    pub verticals: String,
    #[serde(default)]
    pub services: String,
}

/// One line a entry: `code | Label`, or a label alone (its code is made from it).
fn lines(list: &Vocabulary) -> String {
    list.active().map(|e| format!("{} | {}", e.code, e.label)).collect::<Vec<_>>().join("\n")
}

fn entries(text: &str) -> Vec<EntryInput> {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|line| match line.split_once('|') {
            Some((code, label)) => EntryInput { code: Some(code.trim().to_string()), label: label.trim().to_string() },
            None => EntryInput { code: None, label: line.to_string() },
        })
        .collect()
}

fn retired(list: &Vocabulary) -> String {
    list.entries.iter().filter(|e| !e.active).map(|e| e.label.as_str()).collect::<Vec<_>>().join(", ")
}

#[derive(Template, WebTemplate)]
#[template(path = "vocabularies/edit.html")]
struct ListsPage {
    page: Page,
    form: ListsForm,
    errors: FieldErrors,
    retired_verticals: String,
    retired_services: String,
}

fn page_for(user: &CurrentUser, csrf: &CsrfToken, code: Option<&str>) -> Page {
    Page::new("Verticals and services", csrf, user, "/admin/program")
        .with_notice(notice(code, &[("saved", "Lists saved. The application form offers them now.")]))
}

fn lists_page(page: Page, form: ListsForm, errors: FieldErrors, saved: &Vocabularies) -> ListsPage {
    ListsPage {
        page,
        form,
        errors,
        retired_verticals: retired(&saved.verticals),
        retired_services: retired(&saved.services),
    }
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn page(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<ListsPage> {
    let saved = store::load(&mut tx).await?;
    tx.commit().await?;
    let form = ListsForm { verticals: lines(&saved.verticals), services: lines(&saved.services) };
    Ok(lists_page(page_for(&user, &csrf, q.notice.as_deref()), form, FieldErrors::new(), &saved))
}

async fn submit(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<ListsForm>,
) -> Result<Response> {
    let saved = store::load(&mut tx).await?;
    let mut errors = FieldErrors::new();
    let verticals = validate_list(&mut errors, "verticals", &saved.verticals, &entries(&form.verticals));
    let services = validate_list(&mut errors, "services", &saved.services, &entries(&form.services));
    if !errors.is_empty() {
        tx.rollback().await?;
        let mut response = lists_page(page_for(&user, &csrf, None), form, errors, &saved).into_response();
        *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(response);
    }
    store::replace(&mut tx, user.tenant_id, Kind::Vertical, &verticals).await?;
    store::replace(&mut tx, user.tenant_id, Kind::Service, &services).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/vocabularies?notice=saved").into_response())
}
