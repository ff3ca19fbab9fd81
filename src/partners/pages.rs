//! Partner pages: the program admin's partner list (add a partner, assign CAMs) and a partner's profile.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::store::{self, PartnerRow};
use super::{PartnerInput, PartnerPatch, REGIONS};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{Auth, CurrentUser, ProgramAdmin, Staff};
use crate::countries::{COUNTRIES, country_name};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::PartnerId;
use crate::users::store as users_store;
use crate::web::format;
use crate::web::{Page, Pager, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/admin/partners", get(list_page).post(create_submit))
        .route("/admin/partners/{id}/cam", post(assign_submit))
        .route("/partners/{id}", get(show_page))
}

/// A partner as a table row shows it.
pub struct PartnerView {
    pub id: PartnerId,
    pub name: String,
    pub country: String,
    pub region: String,
    pub tier: String,
    pub tier_badge: &'static str,
    pub life_stage: &'static str,
    pub stage_badge: &'static str,
    pub cam_id: String,
    pub cam_name: String,
    pub users: String,
    pub since: String,
}

impl From<PartnerRow> for PartnerView {
    fn from(p: PartnerRow) -> Self {
        PartnerView {
            id: p.id,
            country: country_name(&p.country).unwrap_or(&p.country).to_string(),
            region: p.region,
            tier_badge: super::tier_badge(&p.tier),
            tier: super::tier_label(&p.tier),
            stage_badge: p.life_stage.badge(),
            life_stage: p.life_stage.label(),
            cam_id: p.cam_id.map(|id| id.to_string()).unwrap_or_default(),
            cam_name: p.cam_name.unwrap_or_else(|| "Unassigned".into()),
            users: format::int(p.user_count),
            since: format::day(p.created_at),
            name: p.name,
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/partners.html")]
struct PartnersPage {
    page: Page,
    partners: Vec<PartnerView>,
    total: String,
    pager: Pager,
    cams: Vec<(String, String)>,
    countries: Vec<(String, String)>,
    regions: Vec<(String, String)>,
    tiers: Vec<(String, String)>,
    form: PartnerForm,
    errors: FieldErrors,
}

#[derive(Deserialize, Default, Clone)]
struct PartnerForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    region: String,
    #[serde(default)]
    tier: String,
    #[serde(default)]
    cam_id: String,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
    page: Option<String>,
}

/// How many partners a page of the program admin's list shows.
const PARTNERS_PER_PAGE: i64 = 50;

const NOTICES: &[(&str, &str)] = &[("added", "Partner added."), ("assigned", "CAM assignment saved.")];

fn options(values: &[&str], label: impl Fn(&str) -> String) -> Vec<(String, String)> {
    values.iter().map(|v| (v.to_string(), label(v))).collect()
}

async fn render_list(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    form: PartnerForm,
    errors: FieldErrors,
    notice_code: Option<&str>,
    page: i64,
) -> Result<PartnersPage> {
    let (rows, total) = store::list(tx, user.scope(), PARTNERS_PER_PAGE, (page - 1) * PARTNERS_PER_PAGE).await?;
    let mut cams = vec![(String::new(), "Unassigned".to_string())];
    cams.extend(store::cams(tx).await?.into_iter().map(|(id, name, n)| (id.to_string(), format!("{name} ({n})"))));
    let mut countries = vec![(String::new(), "Choose a country".to_string())];
    countries.extend(COUNTRIES.iter().map(|(c, n)| (c.to_string(), n.to_string())));
    Ok(PartnersPage {
        page: Page::new("Partners", csrf, user, "/admin/partners").with_notice(notice(notice_code, NOTICES)),
        partners: rows.into_iter().map(PartnerView::from).collect(),
        total: format::int(total),
        pager: Pager::new("/admin/partners", page, PARTNERS_PER_PAGE, total),
        cams,
        countries,
        regions: options(&REGIONS, str::to_string),
        tiers: crate::tiers::store::tiers(tx).await?.into_iter().map(|t| (t.code, t.name)).collect(),
        form,
        errors,
    })
}

async fn list_page(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<PartnersPage> {
    let form = PartnerForm { tier: "registered".into(), region: "EMEA".into(), ..Default::default() };
    let page = render_list(
        &mut tx,
        &user,
        &csrf,
        form,
        FieldErrors::new(),
        q.notice.as_deref(),
        Pager::page(q.page.as_deref()),
    )
    .await?;
    tx.commit().await?;
    Ok(page)
}

async fn create_submit(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<PartnerForm>,
) -> Result<Response> {
    let input = PartnerInput {
        name: form.name.clone(),
        country: form.country.clone(),
        region: form.region.clone(),
        tier: Some(form.tier.clone()),
        cam_id: Some(form.cam_id.clone()),
        life_stage: None,
    };
    match crate::db::attempt!(tx, super::create(&mut tx, &user, input)) {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to("/admin/partners?notice=added").into_response())
        }
        Err(Error::Invalid(errors)) => {
            // Nothing was written; the form is shown again from a fresh transaction.
            let page = render_list(&mut tx, &user, &csrf, form, errors, None, 1).await?;
            tx.commit().await?;
            let mut response = page.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize)]
struct AssignForm {
    #[serde(default)]
    cam_id: String,
}

async fn assign_submit(
    Auth { mut tx, .. }: Auth<ProgramAdmin>,
    Path(id): Path<PartnerId>,
    Form(form): Form<AssignForm>,
) -> Result<Response> {
    let cam = Some(form.cam_id).filter(|c| !c.is_empty());
    super::change(&mut tx, id, PartnerPatch { cam_id: Some(cam), ..Default::default() }).await?;
    tx.commit().await?;
    Ok(Redirect::to("/admin/partners?notice=assigned").into_response())
}

pub struct MemberView {
    pub name: String,
    pub email: String,
    pub role: &'static str,
    pub status: &'static str,
    pub badge: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "partners/show.html")]
struct PartnerPage {
    page: Page,
    partner: PartnerView,
    members: Vec<MemberView>,
}

/// A partner's profile, for the vendor's people who may see it (a CAM only for assigned partners).
async fn show_page(
    Auth { user, mut tx, .. }: Auth<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<PartnerId>,
) -> Result<PartnerPage> {
    let partner = store::get(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let (users, _) = users_store::list(&mut tx, Some(id), 500, 0).await?;
    tx.commit().await?;
    let members = users.into_iter().map(MemberView::from).collect();
    let path = if user.role == crate::auth::Role::ProgramAdmin { "/admin/partners" } else { "/" };
    Ok(PartnerPage { page: Page::new(partner.name.clone(), &csrf, &user, path), partner: partner.into(), members })
}

impl From<users_store::UserRow> for MemberView {
    fn from(u: users_store::UserRow) -> Self {
        let (status, badge) = crate::users::status_of(&u);
        MemberView { role: u.role.label(), name: u.name, email: u.email, status, badge }
    }
}
