//! Onboarding pages: the partner's checklist by phase, the CAM's progress overview and a partner's checklist with the
//! CAM's items to complete, and the program admin's template editor.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::store::{self, ItemRow};
use super::{Auto, Owner, PHASES, TemplateInput, is_overdue, percent_complete, phase_label};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AnyRole, Auth, CurrentUser, ProgramAdmin, Role};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{OnboardingItemId, PartnerId, TemplateItemId};
use crate::web::{Page, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/onboarding", get(home_page))
        .route("/partners/{id}/onboarding", get(partner_page))
        .route("/onboarding-items/{id}/complete", post(complete_submit))
        .route("/onboarding-items/{id}/undo", post(undo_submit))
        .route("/admin/onboarding-template", get(template_page).post(template_add))
        .route("/admin/onboarding-template/{id}", get(template_item_page).post(template_item_save))
        .route("/admin/onboarding-template/{id}/delete", post(template_item_delete))
}

const NOTICES: &[(&str, &str)] = &[
    ("completed", "Item completed."),
    ("undone", "Item marked as not done."),
    ("added", "Item added to the template. New partners' checklists will include it."),
    ("saved", "Item saved. New partners' checklists will use it."),
    ("deleted", "Item removed from the template. Existing checklists keep it."),
];

/// A checklist item as the page shows it.
pub struct ItemLine {
    pub id: OnboardingItemId,
    pub title: String,
    pub description: String,
    pub link: String,
    pub owner: &'static str,
    pub due: String,
    pub required: bool,
    pub done: bool,
    pub overdue: bool,
    pub completed: String,
    pub note: String,
    pub auto: &'static str,
    pub can_work: bool,
}

pub struct Phase {
    pub label: &'static str,
    pub done: usize,
    pub total: usize,
    pub items: Vec<ItemLine>,
}

fn phases(user: &CurrentUser, items: &[ItemRow]) -> Vec<Phase> {
    let zone = user.reader.tenant_zone;
    let today = format::today_in(zone, chrono::Utc::now());
    PHASES
        .iter()
        .map(|&p| {
            let of_phase: Vec<&ItemRow> = items.iter().filter(|i| i.phase == p).collect();
            Phase {
                label: phase_label(p),
                done: of_phase.iter().filter(|i| i.completed_at.is_some()).count(),
                total: of_phase.len(),
                items: of_phase
                    .iter()
                    .map(|i| ItemLine {
                        id: i.id,
                        title: i.title.clone(),
                        description: i.description.clone(),
                        link: i.link.clone(),
                        owner: match (i.owner, user.role.is_partner()) {
                            (Owner::Cam, _) => "Channel account manager",
                            (Owner::Partner, true) => "Your team",
                            (Owner::Partner, false) => "Partner",
                        },
                        due: format::deadline(i.due_on, zone),
                        required: i.required,
                        done: i.completed_at.is_some(),
                        overdue: is_overdue(i, today),
                        completed: match (&i.completed_at, &i.completed_by_name) {
                            (Some(at), Some(by)) => format!("Done {} by {by}", format::day(*at)),
                            (Some(at), None) => format!("Done automatically {}", format::day(*at)),
                            _ => String::new(),
                        },
                        note: i.note.clone().unwrap_or_default(),
                        auto: i.auto.map(Auto::label).unwrap_or(""),
                        can_work: i.auto.is_none() && super::may_work(user, i),
                    })
                    .collect(),
            }
        })
        .filter(|p| p.total > 0)
        .collect()
}

#[derive(Template, WebTemplate)]
#[template(path = "onboarding/checklist.html")]
struct ChecklistPage {
    page: Page,
    heading: String,
    lede: String,
    percent: i64,
    overdue: usize,
    phases: Vec<Phase>,
    alert: Option<String>,
    is_staff: bool,
    partner_id: PartnerId,
}

async fn render_checklist(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    partner: PartnerId,
    alert: Option<String>,
) -> Result<ChecklistPage> {
    let p = crate::partners::store::get(tx, user.scope(), partner).await?.ok_or(Error::NotFound)?;
    let items = store::items(tx, partner).await?;
    let today = format::today_in(user.reader.tenant_zone, chrono::Utc::now());
    let is_staff = !user.role.is_partner();
    let (heading, lede) = if is_staff {
        (
            format!("Onboarding: {}", p.name),
            format!(
                "{} · {} · CAM {}. Complete the items that are yours; the partner works the rest.",
                p.life_stage.label(),
                p.region,
                p.cam_name.clone().unwrap_or_else(|| "not assigned".into())
            ),
        )
    } else {
        (
            "Your onboarding plan".to_string(),
            "The first 90 days in the program, step by step. Some items complete themselves as you go.".to_string(),
        )
    };
    Ok(ChecklistPage {
        page: Page::new(heading.clone(), csrf, user, "/onboarding"),
        heading,
        lede,
        percent: percent_complete(&items),
        overdue: items.iter().filter(|i| is_overdue(i, today)).count(),
        phases: phases(user, &items),
        alert,
        is_staff,
        partner_id: partner,
    })
}

struct ProgressLine {
    partner_id: PartnerId,
    partner: String,
    stage: &'static str,
    stage_badge: &'static str,
    cam: String,
    percent: i64,
    overdue: i64,
    cam_open: i64,
    next: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "onboarding/overview.html")]
struct OverviewPage {
    page: Page,
    rows: Vec<ProgressLine>,
    overdue_partners: usize,
    show_cam: bool,
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

/// Partner people see their checklist; the vendor's people the progress of every partner they can see.
async fn home_page(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<Response> {
    if let Some(partner) = user.partner_id {
        let mut page = render_checklist(&mut tx, &user, &csrf, partner, None).await?;
        page.page.notice = notice(q.notice.as_deref(), NOTICES);
        return Ok(page.into_response());
    }
    let rows = store::progress(&mut tx, user.scope()).await?;
    let rows: Vec<ProgressLine> = rows
        .into_iter()
        .map(|r| ProgressLine {
            partner_id: r.partner_id,
            partner: r.partner_name,
            stage: r.life_stage.label(),
            stage_badge: r.life_stage.badge(),
            cam: r.cam_name.unwrap_or_else(|| "Unassigned".into()),
            percent: super::Counts {
                items: r.items,
                done: r.done,
                required: r.required,
                required_done: r.required_done,
            }
            .percent(),
            overdue: r.overdue,
            cam_open: r.cam_open,
            next: match (r.next_title, r.next_due) {
                (Some(t), Some(d)) => format!("{t} · due {}", format::date(d)),
                _ => "All done".into(),
            },
        })
        .collect();
    Ok(OverviewPage {
        page: Page::new("Onboarding", &csrf, &user, "/onboarding"),
        overdue_partners: rows.iter().filter(|r| r.overdue > 0).count(),
        show_cam: user.role != Role::Cam,
        rows,
    }
    .into_response())
}

async fn partner_page(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<PartnerId>,
    Query(q): Query<NoticeQuery>,
) -> Result<ChecklistPage> {
    let mut page = render_checklist(&mut tx, &user, &csrf, id, None).await?;
    page.page.notice = notice(q.notice.as_deref(), NOTICES);
    Ok(page)
}

#[derive(Deserialize, Default)]
struct ItemForm {
    #[serde(default)]
    note: String,
}

async fn set(auth: Auth<AnyRole>, csrf: CsrfToken, id: OnboardingItemId, note: &str, done: bool) -> Result<Response> {
    let Auth { user, mut tx, .. } = auth;
    match crate::db::attempt!(tx, super::set_done(&mut tx, &user, id, Some(note), done)) {
        Ok(item) => {
            tx.commit().await?;
            let back = if user.role.is_partner() {
                "/onboarding".to_string()
            } else {
                format!("/partners/{}/onboarding", item.partner_id)
            };
            let code = if done { "completed" } else { "undone" };
            Ok(Redirect::to(&format!("{back}?notice={code}#item-{id}")).into_response())
        }
        Err(e @ (Error::Conflict(_) | Error::Forbidden(_) | Error::Invalid(_))) => {
            let status = e.status();
            let alert = match e {
                Error::Conflict(m) | Error::Forbidden(m) => m,
                Error::Invalid(errors) => errors.get("note").unwrap_or("The note is invalid.").to_string(),
                _ => String::new(),
            };
            let item = store::item(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
            let page = render_checklist(&mut tx, &user, &csrf, item.partner_id, Some(alert)).await?;
            let mut response = page.into_response();
            *response.status_mut() = status;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

async fn complete_submit(
    auth: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<OnboardingItemId>,
    Form(form): Form<ItemForm>,
) -> Result<Response> {
    set(auth, csrf, id, &form.note, true).await
}

async fn undo_submit(
    auth: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<OnboardingItemId>,
) -> Result<Response> {
    set(auth, csrf, id, "", false).await
}

struct TemplateLine {
    id: TemplateItemId,
    title: String,
    phase: &'static str,
    owner: &'static str,
    due_days: i32,
    required: bool,
    auto: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "onboarding/template.html")]
struct TemplatePage {
    page: Page,
    items: Vec<TemplateLine>,
    form: TemplateInput,
    errors: FieldErrors,
    phases: Vec<(String, String)>,
    owners: Vec<(String, String)>,
    autos: Vec<(String, String)>,
    editing: Option<TemplateItemId>,
}

type Options = Vec<(String, String)>;

fn owner_choice(owner: Owner) -> &'static str {
    match owner {
        Owner::Partner => "The partner",
        Owner::Cam => "The CAM",
    }
}

fn choices() -> (Options, Options, Options) {
    let phases = PHASES.iter().map(|p| (p.to_string(), phase_label(*p).to_string())).collect();
    let owners = Owner::ALL.iter().map(|o| (o.as_str().to_string(), owner_choice(*o).to_string())).collect();
    let mut autos = vec![(String::new(), "No: completed by hand".to_string())];
    autos.extend(Auto::ALL.iter().map(|a| (a.as_str().to_string(), format!("Yes, {}", a.label()))));
    (phases, owners, autos)
}

async fn render_template(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    form: TemplateInput,
    errors: FieldErrors,
    editing: Option<TemplateItemId>,
) -> Result<TemplatePage> {
    let items = store::template(tx).await?;
    let (phases, owners, autos) = choices();
    Ok(TemplatePage {
        page: Page::new("Onboarding template", csrf, user, "/admin/program"),
        items: items
            .iter()
            .map(|t| TemplateLine {
                id: t.id,
                title: t.title.clone(),
                phase: phase_label(t.phase),
                owner: t.owner.label(),
                due_days: t.due_days,
                required: t.required,
                auto: t.auto.map(Auto::label).unwrap_or(""),
            })
            .collect(),
        form,
        errors,
        phases,
        owners,
        autos,
        editing,
    })
}

async fn template_page(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<TemplatePage> {
    let form = TemplateInput {
        phase: "30".into(),
        owner: Owner::Partner.as_str().into(),
        due_days: "30".into(),
        required: Some("on".into()),
        ..Default::default()
    };
    let mut page = render_template(&mut tx, &user, &csrf, form, FieldErrors::new(), None).await?;
    page.page.notice = notice(q.notice.as_deref(), NOTICES);
    Ok(page)
}

async fn save(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    csrf: CsrfToken,
    id: Option<TemplateItemId>,
    form: TemplateInput,
) -> Result<Response> {
    match form.parse() {
        Ok(item) => {
            if !store::save_template_item(&mut tx, user.tenant_id, id, &item).await? {
                return Err(Error::NotFound);
            }
            tx.commit().await?;
            let code = if id.is_some() { "saved" } else { "added" };
            Ok(Redirect::to(&format!("/admin/onboarding-template?notice={code}")).into_response())
        }
        Err(Error::Invalid(errors)) => {
            let page = render_template(&mut tx, &user, &csrf, form, errors, id).await?;
            let mut response = page.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

async fn template_add(
    auth: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<TemplateInput>,
) -> Result<Response> {
    save(auth, csrf, None, form).await
}

async fn template_item_page(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<TemplateItemId>,
) -> Result<TemplatePage> {
    let item = store::template_item(&mut tx, id).await?.ok_or(Error::NotFound)?;
    let page =
        render_template(&mut tx, &user, &csrf, TemplateInput::from_item(&item), FieldErrors::new(), Some(id)).await?;
    Ok(page)
}

async fn template_item_save(
    auth: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<TemplateItemId>,
    Form(form): Form<TemplateInput>,
) -> Result<Response> {
    save(auth, csrf, Some(id), form).await
}

async fn template_item_delete(
    Auth { mut tx, .. }: Auth<ProgramAdmin>,
    Path(id): Path<TemplateItemId>,
) -> Result<Response> {
    if !store::delete_template_item(&mut tx, id).await? {
        return Err(Error::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to("/admin/onboarding-template?notice=deleted").into_response())
}
