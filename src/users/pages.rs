//! The users page: the program admin manages everyone in the tenant, a partner admin the people of its own org.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::UserInput;
use super::store;
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{Auth, CurrentUser, Role, UserAdmin};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::UserId;
use crate::partners::store as partners_store;
use crate::web::{Page, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/users", get(list_page).post(create_submit))
        .route("/users/{id}/deactivate", post(deactivate_submit))
}

pub struct UserView {
    pub id: UserId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub org: String,
    pub status: &'static str,
    pub badge: &'static str,
    pub since: String,
    pub can_deactivate: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "users/list.html")]
struct UsersPage {
    page: Page,
    heading: &'static str,
    lede: String,
    users: Vec<UserView>,
    total: String,
    roles: Vec<(String, String)>,
    partners: Vec<(String, String)>,
    show_partner: bool,
    form: UserForm,
    errors: FieldErrors,
}

#[derive(Deserialize, Default, Clone)]
struct UserForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    partner_id: String,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

const NOTICES: &[(&str, &str)] = &[
    ("invited", "Invitation sent. The user sets a password from the link in their email."),
    ("deactivated", "User deactivated. Their sessions have ended."),
];

async fn render(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    form: UserForm,
    errors: FieldErrors,
    notice_code: Option<&str>,
) -> Result<UsersPage> {
    let org = if user.role == Role::PartnerAdmin { user.partner_id } else { None };
    let (rows, total) = store::list(tx, org, 500, 0).await?;
    let allowed: &[Role] = if org.is_some() { &[Role::PartnerUser, Role::PartnerAdmin] } else { &Role::ALL };
    let partners = if org.is_none() {
        let (ps, _) = partners_store::list(tx, user.scope(), 500, 0).await?;
        let mut options = vec![(String::new(), "None (vendor staff)".to_string())];
        options.extend(ps.into_iter().map(|p| (p.id.to_string(), p.name)));
        options
    } else {
        Vec::new()
    };
    let users = rows
        .into_iter()
        .map(|u| {
            let (status, badge) = super::status_of(&u);
            UserView {
                id: u.id,
                can_deactivate: u.active && u.id != user.id,
                role: u.role,
                org: u.partner_name.unwrap_or_else(|| user.tenant_name.clone()),
                since: format::day(u.created_at),
                name: u.name,
                email: u.email,
                status,
                badge,
            }
        })
        .collect();
    let (heading, lede) = if org.is_some() {
        ("Team", "The people of your organisation who can use the partner portal.".to_string())
    } else {
        ("Users", format!("Everyone who can sign in to {}.", user.tenant_name))
    };
    Ok(UsersPage {
        page: Page::new(heading, csrf, user, "/users").with_notice(notice(notice_code, NOTICES)),
        heading,
        lede,
        users,
        total: format::int(total),
        roles: allowed.iter().map(|r| (r.as_str().to_string(), r.label().to_string())).collect(),
        show_partner: org.is_none(),
        partners,
        form,
        errors,
    })
}

async fn list_page(
    Auth { user, mut tx, .. }: Auth<UserAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<UsersPage> {
    let form = UserForm {
        role: if user.role == Role::PartnerAdmin { Role::PartnerUser } else { Role::Cam }.as_str().into(),
        ..Default::default()
    };
    let page = render(&mut tx, &user, &csrf, form, FieldErrors::new(), q.notice.as_deref()).await?;
    tx.commit().await?;
    Ok(page)
}

async fn create_submit(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<UserAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<UserForm>,
) -> Result<Response> {
    let input = UserInput {
        email: form.email.clone(),
        name: form.name.clone(),
        role: form.role.clone(),
        partner_id: Some(form.partner_id.clone()),
        password: None,
    };
    match crate::db::attempt!(tx, super::create(&mut tx, &user, &state, input)) {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to("/users?notice=invited").into_response())
        }
        Err(Error::Invalid(errors)) => {
            let page = render(&mut tx, &user, &csrf, form, errors, None).await?;
            tx.commit().await?;
            let mut response = page.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

async fn deactivate_submit(Auth { user, mut tx, .. }: Auth<UserAdmin>, Path(id): Path<UserId>) -> Result<Response> {
    super::deactivate(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(Redirect::to("/users?notice=deactivated").into_response())
}
