//! Recruitment pages: the public application form of each tenant, the review queue and application page for CAMs and
//! program admins, and the program admin's ideal partner profile.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::store::{self, ApplicationRow, ProfileRow};
use super::{ApplicationInput, ApplicationStatus, ProfileInput, Submission, age_days, fit_badge};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{Auth, ClientIp, CurrentUser, Manager, ProgramAdmin};
use crate::countries::country_name;
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{ApplicationId, PartnerId};
use crate::rules::cam_assignment;
use crate::rules::fit_score::{Criterion, FitScore, Outcome};
use crate::users::invitations::tenant_slug;
use crate::vocabularies::{Vocabularies, Vocabulary};
use crate::web::{HtmlForm, Page, country_options, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/apply/{tenant}", get(apply_page).post(apply_submit))
        .route("/apply/{tenant}/thanks", get(thanks_page))
        .route("/applications", get(queue_page))
        .route("/applications/{id}", get(show_page))
        .route("/applications/{id}/approve", post(approve_submit))
        .route("/applications/{id}/reject", post(reject_submit))
        .route("/applications/{id}/notes", post(note_submit))
        .route("/admin/recruitment", get(profile_page).post(profile_submit))
}

/// A checkbox of a group: value, label, checked.
pub type Choice = (String, String, bool);

fn choice_list<'a>(known: impl IntoIterator<Item = (&'a str, &'a str)>, selected: &[String]) -> Vec<Choice> {
    known.into_iter().map(|(c, l)| (c.to_string(), l.to_string(), selected.iter().any(|s| s == c))).collect()
}

/// The entries a list offers, as checkboxes.
fn offered(list: &Vocabulary, selected: &[String]) -> Vec<Choice> {
    choice_list(list.active().map(|e| (e.code.as_str(), e.label.as_str())), selected)
}

#[derive(Deserialize, Default, Clone)]
struct ApplyForm {
    #[serde(default)]
    company_name: String,
    #[serde(default)]
    website: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    contact_name: String,
    #[serde(default)]
    contact_email: String,
    #[serde(default)]
    employees: String,
    #[serde(default)]
    verticals: Vec<String>,
    #[serde(default)]
    services: Vec<String>,
    #[serde(default)]
    message: String,
    #[serde(default)]
    fax: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "recruitment/apply.html")]
struct ApplyPage {
    page: Page,
    slug: String,
    tenant_name: String,
    form: ApplyForm,
    errors: FieldErrors,
    countries: Vec<(String, String)>,
    verticals: Vec<Choice>,
    services: Vec<Choice>,
}

fn apply_view(
    slug: &str,
    (tenant_name, vocabularies): (String, &Vocabularies),
    csrf: &CsrfToken,
    form: ApplyForm,
    errors: FieldErrors,
) -> ApplyPage {
    let mut page = Page::public(format!("Become a {tenant_name} partner"), Some(csrf));
    page.wide = true;
    ApplyPage {
        page,
        slug: slug.to_string(),
        tenant_name,
        countries: country_options(),
        verticals: offered(&vocabularies.verticals, &form.verticals),
        services: offered(&vocabularies.services, &form.services),
        form,
        errors,
    }
}

async fn apply_page(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(slug): Path<String>,
) -> Result<ApplyPage> {
    let (tenant, name) = super::tenant_by_slug(&state.pool, &slug).await?;
    let vocabularies = super::vocabularies_of(&state.pool, tenant).await?;
    Ok(apply_view(&slug, (name, &vocabularies), &csrf, ApplyForm::default(), FieldErrors::new()))
}

async fn apply_submit(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(slug): Path<String>,
    ClientIp(ip): ClientIp,
    HtmlForm(form): HtmlForm<ApplyForm>,
) -> Result<Response> {
    let tenant = super::tenant_by_slug(&state.pool, &slug).await?;
    let (tenant_id, name) = tenant.clone();
    let input = ApplicationInput {
        company_name: form.company_name.clone(),
        website: form.website.clone(),
        country: form.country.clone(),
        contact_name: form.contact_name.clone(),
        contact_email: form.contact_email.clone(),
        employees: serde_json::Value::String(form.employees.clone()),
        verticals: form.verticals.clone(),
        services: form.services.clone(),
        message: Some(form.message.clone()),
        fax: Some(form.fax.clone()),
    };
    match super::submit(&state.pool, &state.base_url, tenant, ip, input).await {
        // A filled honeypot looks like success to the sender.
        Ok(Submission::Stored(_) | Submission::Discarded(_)) => {
            Ok(Redirect::to(&format!("/apply/{slug}/thanks")).into_response())
        }
        Err(Error::Invalid(errors)) => {
            let vocabularies = super::vocabularies_of(&state.pool, tenant_id).await?;
            let mut response = apply_view(&slug, (name, &vocabularies), &csrf, form, errors).into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "recruitment/thanks.html")]
struct ThanksPage {
    page: Page,
    tenant_name: String,
}

async fn thanks_page(State(state): State<AppState>, Path(slug): Path<String>) -> Result<ThanksPage> {
    let (_, tenant_name) = super::tenant_by_slug(&state.pool, &slug).await?;
    Ok(ThanksPage { page: Page::public("Application received", None), tenant_name })
}

/// An application as a table row shows it.
struct Line {
    id: ApplicationId,
    company: String,
    contact: String,
    place: String,
    employees: String,
    fit: i32,
    fit_badge: &'static str,
    received: String,
    age: String,
    status: &'static str,
    badge: &'static str,
    stale: bool,
}

fn age_label(days: i64) -> String {
    match days {
        0 => "today".into(),
        1 => "1 day".into(),
        n => format!("{n} days"),
    }
}

fn line(a: &ApplicationRow) -> Line {
    Line {
        id: a.id,
        company: a.company_name.clone(),
        contact: a.contact_name.clone(),
        place: format!("{} · {}", country_name(&a.country).unwrap_or(&a.country), a.region),
        employees: format::int(i64::from(a.employees)),
        fit: a.fit_score,
        fit_badge: fit_badge(a.fit_score),
        received: format::day(a.created_at),
        age: age_label(age_days(a.created_at)),
        status: a.status.label(),
        badge: a.status.badge(a.stale),
        stale: a.stale,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "recruitment/queue.html")]
struct QueuePage {
    page: Page,
    tabs: Vec<(String, String, bool)>,
    items: Vec<Line>,
    total: String,
    waiting: i64,
    stale: i64,
    stale_days: i32,
    apply_url: String,
}

#[derive(Deserialize, Default)]
struct QueueQuery {
    status: Option<String>,
    notice: Option<String>,
}

async fn queue_page(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<QueueQuery>,
) -> Result<QueuePage> {
    // `all` shows every status; anything unknown shows the waiting ones.
    let status = match q.status.as_deref() {
        Some("all") => None,
        s => Some(s.and_then(ApplicationStatus::parse).unwrap_or(ApplicationStatus::Submitted)),
    };
    let (rows, total) = store::list(&mut tx, status, 200, 0).await?;
    let (waiting, stale) = store::waiting(&mut tx).await?;
    let profile = store::profile(&mut tx).await?;
    let slug = tenant_slug(&mut tx).await?;
    let mut tabs =
        vec![("/applications".to_string(), "Waiting".to_string(), status == Some(ApplicationStatus::Submitted))];
    tabs.push(("/applications?status=approved".into(), "Approved".into(), status == Some(ApplicationStatus::Approved)));
    tabs.push(("/applications?status=rejected".into(), "Rejected".into(), status == Some(ApplicationStatus::Rejected)));
    tabs.push(("/applications?status=all".into(), "All".into(), status.is_none()));
    Ok(QueuePage {
        page: Page::new("Partner applications", &csrf, &user, "/applications")
            .with_notice(notice(q.notice.as_deref(), NOTICES)),
        tabs,
        items: rows.iter().map(line).collect(),
        total: format::int(total),
        waiting,
        stale,
        stale_days: profile.stale_days,
        apply_url: format!("{}/apply/{slug}", state.base_url),
    })
}

const NOTICES: &[(&str, &str)] = &[
    ("approved", "Application approved: the partner exists, its admin has been invited and onboarding has begun."),
    ("rejected", "Application rejected. The applicant has been told."),
    ("noted", "Note added."),
    ("saved", "Ideal partner profile saved. New applications are scored against it."),
];

struct CriterionView {
    label: String,
    points: u8,
    max: u8,
    detail: String,
    badge: &'static str,
    outcome: &'static str,
}

fn criterion_view(c: &Criterion) -> CriterionView {
    let (badge, outcome) = match c.outcome {
        Outcome::Met => ("badge-green", "Match"),
        Outcome::Partial => ("badge-yellow", "Partial"),
        Outcome::Missed => ("badge-red", "No match"),
        Outcome::NoTarget => ("badge-gray", "No target"),
    };
    CriterionView { label: c.label.clone(), points: c.points, max: c.max, detail: c.detail.clone(), badge, outcome }
}

struct NoteLine {
    author: String,
    at: String,
    body: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "recruitment/show.html")]
struct ShowPage {
    page: Page,
    app: Line,
    website: String,
    email: String,
    message: String,
    verticals: String,
    services: String,
    criteria: Vec<CriterionView>,
    notes: Vec<NoteLine>,
    is_open: bool,
    decided: String,
    reason: String,
    partner_id: Option<PartnerId>,
    cams: Vec<(String, String)>,
    suggested: String,
    alert: Option<String>,
    errors: FieldErrors,
    reject_reason: String,
    note: String,
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

#[derive(Default)]
struct Entered {
    alert: Option<String>,
    errors: FieldErrors,
    reject_reason: String,
    note: String,
}

async fn render_show(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    id: ApplicationId,
    entered: Entered,
) -> Result<ShowPage> {
    let app = store::get(tx, id, false).await?.ok_or(Error::NotFound)?;
    let notes = store::notes(tx, id).await?;
    let fit: FitScore =
        serde_json::from_value(app.fit.clone()).unwrap_or(FitScore { score: app.fit_score as u8, criteria: vec![] });
    let loads = store::cam_loads(tx, &app.region).await?;
    let suggested = cam_assignment::least_loaded(&loads).map(|c| c.id);
    let mut cams: Vec<(String, String)> = loads
        .iter()
        .map(|c| {
            let mark = if Some(c.id) == suggested { " — suggested" } else { "" };
            let plural = if c.partners == 1 { "" } else { "s" };
            (
                c.id.to_string(),
                format!("{} ({} partner{plural}, {} in {}){mark}", c.name, c.partners, c.in_region, app.region),
            )
        })
        .collect();
    cams.sort_by_key(|c| c.1.to_lowercase());
    let vocabularies = crate::vocabularies::store::load(tx).await?;
    let labels = |codes: &[String], list: &Vocabulary| {
        codes.iter().map(|c| list.label_of(c).to_string()).collect::<Vec<_>>().join(", ")
    };
    let decided = match (&app.decided_at, &app.decided_by_name) {
        (Some(at), Some(by)) => format!("{} by {by}", format::datetime(*at)),
        (Some(at), None) => format::datetime(*at),
        _ => String::new(),
    };
    Ok(ShowPage {
        page: Page::new(app.company_name.clone(), csrf, user, "/applications"),
        website: app.website.clone(),
        email: app.contact_email.clone(),
        message: app.message.clone(),
        verticals: labels(&app.verticals, &vocabularies.verticals),
        services: labels(&app.services, &vocabularies.services),
        criteria: fit.criteria.iter().map(criterion_view).collect(),
        notes: notes
            .into_iter()
            .map(|n| NoteLine { author: n.author_name, at: format::datetime(n.created_at), body: n.body })
            .collect(),
        is_open: app.status == ApplicationStatus::Submitted,
        decided,
        reason: app.reason.clone().unwrap_or_default(),
        partner_id: app.partner_id,
        cams,
        suggested: suggested.map(|s| s.to_string()).unwrap_or_default(),
        app: line(&app),
        alert: entered.alert,
        errors: entered.errors,
        reject_reason: entered.reject_reason,
        note: entered.note,
    })
}

async fn show_page(
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<ApplicationId>,
    Query(q): Query<NoticeQuery>,
) -> Result<ShowPage> {
    let mut page = render_show(&mut tx, &user, &csrf, id, Entered::default()).await?;
    page.page.notice = notice(q.notice.as_deref(), NOTICES);
    Ok(page)
}

/// Who acts on which application, for finishing a form post.
struct Acting<'a> {
    user: &'a CurrentUser,
    csrf: &'a CsrfToken,
    id: ApplicationId,
}

/// Commits a decision and goes on, or rolls it back and shows the application again with the reason.
async fn finish(a: Acting<'_>, mut tx: Tx, result: Result<()>, done: &str, mut entered: Entered) -> Result<Response> {
    let Acting { user, csrf, id } = a;
    match result {
        Ok(()) => {
            tx.commit().await?;
            let to = if done == "noted" {
                format!("/applications/{id}?notice=noted")
            } else {
                format!("/applications?notice={done}")
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(e @ (Error::Conflict(_) | Error::Invalid(_))) => {
            let status = e.status();
            match e {
                Error::Conflict(m) => entered.alert = Some(m),
                Error::Invalid(errors) => {
                    entered.alert = Some("Nothing was changed. Check the fields marked below.".into());
                    entered.errors = errors;
                }
                _ => {}
            }
            let page = render_show(&mut tx, user, csrf, id, entered).await?;
            let mut response = page.into_response();
            *response.status_mut() = status;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
struct ApproveForm {
    #[serde(default)]
    cam_id: String,
}

async fn approve_submit(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<ApplicationId>,
    Form(form): Form<ApproveForm>,
) -> Result<Response> {
    let result =
        crate::db::attempt!(tx, super::approve(&mut tx, &user, &state.base_url, id, Some(&form.cam_id))).map(|_| ());
    finish(Acting { user: &user, csrf: &csrf, id }, tx, result, "approved", Entered::default()).await
}

#[derive(Deserialize, Default)]
struct RejectForm {
    #[serde(default)]
    reason: String,
}

async fn reject_submit(
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<ApplicationId>,
    Form(form): Form<RejectForm>,
) -> Result<Response> {
    let result = crate::db::attempt!(tx, super::reject(&mut tx, &user, id, &form.reason));
    let entered = Entered { reject_reason: form.reason, ..Default::default() };
    finish(Acting { user: &user, csrf: &csrf, id }, tx, result, "rejected", entered).await
}

#[derive(Deserialize, Default)]
struct NoteForm {
    #[serde(default)]
    body: String,
}

async fn note_submit(
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<ApplicationId>,
    Form(form): Form<NoteForm>,
) -> Result<Response> {
    let result = crate::db::attempt!(tx, super::add_note(&mut tx, &user, id, &form.body)).map(|_| ());
    let entered = Entered { note: form.body, ..Default::default() };
    finish(Acting { user: &user, csrf: &csrf, id }, tx, result, "noted", entered).await
}

#[derive(Template, WebTemplate)]
#[template(path = "recruitment/profile.html")]
struct ProfilePage {
    page: Page,
    countries: String,
    regions: Vec<Choice>,
    verticals: Vec<Choice>,
    services: Vec<Choice>,
    min_employees: String,
    stale_days: String,
    errors: FieldErrors,
    apply_url: String,
}

fn profile_view(
    user: &CurrentUser,
    csrf: &CsrfToken,
    (input, vocabularies): (&ProfileInput, &Vocabularies),
    errors: FieldErrors,
    apply_url: String,
) -> ProfilePage {
    let regions: Vec<(&str, &str)> = crate::partners::REGIONS.iter().map(|r| (*r, *r)).collect();
    ProfilePage {
        page: Page::new("Ideal partner profile", csrf, user, "/admin/program"),
        countries: input.countries.join(", "),
        regions: choice_list(regions, &input.regions),
        verticals: offered(&vocabularies.verticals, &input.verticals),
        services: offered(&vocabularies.services, &input.services),
        min_employees: input.min_employees.clone(),
        stale_days: input.stale_days.clone(),
        errors,
        apply_url,
    }
}

fn profile_input(p: &ProfileRow) -> ProfileInput {
    ProfileInput {
        countries: p.countries.clone(),
        regions: p.regions.clone(),
        verticals: p.verticals.clone(),
        services: p.services.clone(),
        min_employees: p.min_employees.to_string(),
        stale_days: p.stale_days.to_string(),
    }
}

async fn profile_page(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<ProfilePage> {
    let profile = store::profile(&mut tx).await?;
    let slug = tenant_slug(&mut tx).await?;
    let vocabularies = crate::vocabularies::store::load(&mut tx).await?;
    let mut page = profile_view(
        &user,
        &csrf,
        (&profile_input(&profile), &vocabularies),
        FieldErrors::new(),
        format!("{}/apply/{slug}", state.base_url),
    );
    page.page.notice = notice(q.notice.as_deref(), NOTICES);
    Ok(page)
}

async fn profile_submit(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    HtmlForm(input): HtmlForm<ProfileInput>,
) -> Result<Response> {
    let vocabularies = crate::vocabularies::store::load(&mut tx).await?;
    match super::parse_profile(&input, &vocabularies) {
        Ok(profile) => {
            store::save_profile(&mut tx, user.tenant_id, &profile).await?;
            tx.commit().await?;
            Ok(Redirect::to("/admin/recruitment?notice=saved").into_response())
        }
        Err(Error::Invalid(errors)) => {
            let slug = tenant_slug(&mut tx).await?;
            let mut response =
                profile_view(&user, &csrf, (&input, &vocabularies), errors, format!("{}/apply/{slug}", state.base_url))
                    .into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}
