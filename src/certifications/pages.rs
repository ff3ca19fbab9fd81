//! `/certifications`: partner people see who holds what and until when, and a partner admin records a certification
//! (with its certificate) or imports a CSV; a CAM verifies its partners' certifications; the program admin also keeps
//! the certification types.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use chrono::NaiveDate;
use serde::Deserialize;

use super::store::{self, Filter};
use super::{CertStatus, ImportReport, RecordInput, TypeInput};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AnyRole, Auth, CurrentUser, Manager, ProgramAdmin, Role, UserAdmin};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{CertificationId, CertificationTypeId};
use crate::mdf::upload;
use crate::web::{Page, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/certifications", get(page).post(record).layer(DefaultBodyLimit::max(upload::MAX_BODY_BYTES)))
        .route("/certifications/import", post(import).layer(DefaultBodyLimit::max(upload::MAX_BODY_BYTES)))
        .route("/certifications/types", post(add_type))
        .route("/certifications/types/{id}", post(toggle_type))
        .route("/certifications/{id}/verify", post(verify))
        .route("/certifications/{id}/reject", post(reject))
        .route("/certifications/{id}/file", get(file))
}

struct TypeLine {
    id: CertificationTypeId,
    name: String,
    code: String,
    validity: String,
    active: bool,
    counting: String,
}

struct Line {
    id: CertificationId,
    partner: String,
    person: String,
    email: String,
    kind: String,
    earned_on: String,
    expires_on: String,
    status: &'static str,
    badge: &'static str,
    note: String,
    has_file: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "certifications/index.html")]
struct CertificationsPage {
    page: Page,
    is_partner: bool,
    can_record: bool,
    can_review: bool,
    is_admin: bool,
    show_partner: bool,
    types: Vec<TypeLine>,
    type_options: Vec<(String, String)>,
    pending: Vec<Line>,
    lines: Vec<Line>,
    total: String,
    status_filter: String,
    form: RecordForm,
    errors: FieldErrors,
    type_form: TypeForm,
    type_errors: FieldErrors,
    report: Option<ImportReport>,
    import_error: Option<String>,
    today: String,
}

#[derive(Deserialize, Default, Clone)]
struct RecordForm {
    #[serde(default, rename = "type")]
    kind: String,
    #[serde(default)]
    person_name: String,
    #[serde(default)]
    person_email: String,
    #[serde(default)]
    earned_on: String,
}

#[derive(Deserialize, Default, Clone)]
struct TypeForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    validity_months: String,
}

#[derive(Deserialize, Default)]
struct PageQuery {
    notice: Option<String>,
    status: Option<String>,
}

fn line(c: store::CertificationRow, today: NaiveDate) -> Line {
    let expired = c.expires_on < today;
    let (status, badge) = match (c.status, expired) {
        (CertStatus::Verified, false) => ("Verified", "badge-green"),
        (CertStatus::Verified, true) => ("Expired", "badge-gray"),
        (CertStatus::Pending, _) => ("Awaiting verification", "badge-yellow"),
        (CertStatus::Rejected, _) => ("Rejected", "badge-red"),
    };
    Line {
        id: c.id,
        partner: c.partner_name,
        person: c.person_name,
        email: c.person_email,
        kind: c.type_name,
        earned_on: format::date(c.earned_on),
        expires_on: format::date(c.expires_on),
        status,
        badge,
        note: c.note,
        has_file: c.has_file,
    }
}

struct Extra {
    form: RecordForm,
    errors: FieldErrors,
    type_form: TypeForm,
    type_errors: FieldErrors,
    report: Option<ImportReport>,
    import_error: Option<String>,
}

impl Default for Extra {
    fn default() -> Extra {
        Extra {
            form: RecordForm::default(),
            errors: FieldErrors::new(),
            type_form: TypeForm { name: String::new(), validity_months: "24".into() },
            type_errors: FieldErrors::new(),
            report: None,
            import_error: None,
        }
    }
}

async fn render(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    q: &PageQuery,
    extra: Extra,
) -> Result<CertificationsPage> {
    let today = crate::program::store::today(tx).await?;
    let scope = user.scope();
    let types = store::types(tx).await?;
    let mut counting = std::collections::HashMap::new();
    for (code, n) in store::counting_by_type(tx, scope, today).await? {
        counting.insert(code, n);
    }
    let status = q.status.as_deref().and_then(CertStatus::parse);
    let can_review = matches!(user.role, Role::Cam | Role::ProgramAdmin);
    let pending = if can_review {
        let f = Filter { status: Some(CertStatus::Pending), ..Filter::default() };
        store::list(tx, scope, &f, 100, 0).await?.0.into_iter().map(|c| line(c, today)).collect()
    } else {
        Vec::new()
    };
    let (rows, total) = store::list(tx, scope, &Filter { status, ..Filter::default() }, 200, 0).await?;
    let notices = [
        ("recorded", "Certification recorded. Your channel account manager verifies it against the certificate."),
        ("recorded_verified", "Certification recorded and verified."),
        ("verified", "Certification verified. It counts toward tier requirements from today."),
        ("rejected", "Certification rejected. Whoever recorded it has been told why."),
        ("type_added", "Certification type added."),
        ("type_changed", "Certification type changed."),
    ];
    let mut page = Page::new("Certifications", csrf, user, "/certifications");
    page.notice = notice(q.notice.as_deref(), &notices);
    Ok(CertificationsPage {
        page,
        is_partner: user.role.is_partner(),
        can_record: user.role == Role::PartnerAdmin,
        can_review,
        is_admin: user.role == Role::ProgramAdmin,
        show_partner: !user.role.is_partner(),
        type_options: std::iter::once((String::new(), "Choose…".to_string()))
            .chain(types.iter().filter(|t| t.active).map(|t| (t.code.clone(), t.name.clone())))
            .collect(),
        types: types
            .into_iter()
            .map(|t| TypeLine {
                counting: format::int(counting.get(&t.code).copied().unwrap_or(0)),
                validity: if t.validity_months % 12 == 0 {
                    format!("{} year{}", t.validity_months / 12, if t.validity_months == 12 { "" } else { "s" })
                } else {
                    format!("{} months", t.validity_months)
                },
                id: t.id,
                name: t.name,
                code: t.code,
                active: t.active,
            })
            .collect(),
        pending,
        lines: rows.into_iter().map(|c| line(c, today)).collect(),
        total: format::int(total),
        status_filter: status.map(|s| format!("{s:?}").to_lowercase()).unwrap_or_default(),
        form: extra.form,
        errors: extra.errors,
        type_form: extra.type_form,
        type_errors: extra.type_errors,
        report: extra.report,
        import_error: extra.import_error,
        today: format::date(today),
    })
}

async fn page(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<PageQuery>,
) -> Result<CertificationsPage> {
    let p = render(&mut tx, &user, &csrf, &q, Extra::default()).await?;
    tx.commit().await?;
    Ok(p)
}

fn unprocessable(p: CertificationsPage) -> Response {
    let mut r = p.into_response();
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

/// The record form (multipart: the certificate rides along).
async fn record(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<UserAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response> {
    let multipart = multipart.map_err(|_| Error::BadRequest("The form could not be read.".into()))?;
    let (fields, file) = match super::api::read_form(multipart).await {
        Ok(f) => f,
        Err(None) => return Err(Error::invalid("file", "The certificate is larger than 10 MiB.")),
        Err(Some(e)) => return Err(e),
    };
    let input: RecordInput = super::api::record_input(&fields);
    let result = crate::db::attempt!(tx, super::record(&mut tx, &user, &state.base_url, None, &input, file));
    match result {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to("/certifications?notice=recorded").into_response())
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) => {
            let errors = match e {
                Error::Invalid(errors) => errors,
                Error::Conflict(m) => {
                    let mut errors = FieldErrors::new();
                    errors.add("person_email", m);
                    errors
                }
                _ => unreachable!(),
            };
            let form = RecordForm {
                kind: input.type_code,
                person_name: input.person_name,
                person_email: input.person_email,
                earned_on: input.earned_on,
            };
            let extra = Extra { form, errors, ..Extra::default() };
            let p = render(&mut tx, &user, &csrf, &PageQuery::default(), extra).await?;
            Ok(unprocessable(p))
        }
        Err(e) => Err(e),
    }
}

/// The CSV import form: the report shows on the page.
async fn import(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<UserAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response> {
    let multipart = multipart.map_err(|_| Error::BadRequest("The form could not be read.".into()))?;
    let bytes = match super::api::read_form(multipart).await {
        Ok((_, Some((_, bytes)))) => bytes,
        Ok((_, None)) => Vec::new(),
        Err(None) => return Err(Error::invalid("file", "The file is larger than 10 MiB.")),
        Err(Some(e)) => return Err(e),
    };
    let result = if bytes.is_empty() {
        Err(Error::invalid("file", "Choose a CSV file."))
    } else {
        crate::db::attempt!(tx, super::import(&mut tx, &user, &state.base_url, None, &bytes))
    };
    let (extra, status) = match result {
        Ok(report) => (Extra { report: Some(report), ..Extra::default() }, StatusCode::OK),
        Err(Error::Invalid(errors)) => (
            Extra { import_error: errors.get("file").map(str::to_string), ..Extra::default() },
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(e) => return Err(e),
    };
    let p = render(&mut tx, &user, &csrf, &PageQuery::default(), extra).await?;
    tx.commit().await?;
    let mut r = p.into_response();
    *r.status_mut() = status;
    Ok(r)
}

async fn verify(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    Path(id): Path<CertificationId>,
) -> Result<Response> {
    super::decide(&mut tx, &user, &state.base_url, id, CertStatus::Verified, None).await?;
    tx.commit().await?;
    Ok(Redirect::to("/certifications?notice=verified").into_response())
}

#[derive(Deserialize, Default)]
struct RejectForm {
    #[serde(default)]
    reason: String,
}

async fn reject(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    Path(id): Path<CertificationId>,
    Form(form): Form<RejectForm>,
) -> Result<Response> {
    super::decide(&mut tx, &user, &state.base_url, id, CertStatus::Rejected, Some(&form.reason)).await?;
    tx.commit().await?;
    Ok(Redirect::to("/certifications?notice=rejected").into_response())
}

async fn add_type(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<TypeForm>,
) -> Result<Response> {
    let months = form.validity_months.trim().parse::<i32>().ok().or(Some(0));
    let input = TypeInput { code: None, name: form.name.clone(), validity_months: months };
    let checked = super::validate_type(&input);
    let result = match checked {
        Ok(t) => match store::insert_type(&mut tx, user.tenant_id, &t).await? {
            Some(_) => Ok(()),
            None => Err(Error::invalid("name", "A certification with this name exists already.")),
        },
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to("/certifications?notice=type_added").into_response())
        }
        Err(Error::Invalid(type_errors)) => {
            let extra = Extra { type_form: form, type_errors, ..Extra::default() };
            let p = render(&mut tx, &user, &csrf, &PageQuery::default(), extra).await?;
            Ok(unprocessable(p))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
struct ToggleForm {
    #[serde(default)]
    active: String,
}

async fn toggle_type(
    Auth { mut tx, .. }: Auth<ProgramAdmin>,
    Path(id): Path<CertificationTypeId>,
    Form(form): Form<ToggleForm>,
) -> Result<Response> {
    if !store::update_type(&mut tx, id, None, None, Some(form.active == "true")).await? {
        return Err(Error::NotFound);
    }
    tx.commit().await?;
    Ok(Redirect::to("/certifications?notice=type_changed").into_response())
}

async fn file(Auth { user, mut tx, .. }: Auth<AnyRole>, Path(id): Path<CertificationId>) -> Result<Response> {
    super::api::download(&mut tx, &user, id).await
}
