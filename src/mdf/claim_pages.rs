//! A request's own page (`/mdf/requests/{id}`): its forecast against what it returned at each waterfall stage (an SVG
//! chart with labels), its history, and its claim. The partner edits and submits a draft, reports results, files the
//! claim with its proof (file uploads, no script needed); the CAM or program admin reviews each line; the program
//! admin records payments. Every figure comes from `super` and `rules::mdf`; the template only shows them.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{DefaultBodyLimit, Multipart, Path, Query};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::claims::{self, ClaimInput, LineInput, LineVerdictInput, PaymentInput, ReviewInput};
use super::results::{self, ResultsInput, StageLine};
use super::{ApproveInput, LineVerdict, RequestInput, RequestStatus, WaterfallInput, store, upload};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AnyRole, Auth, CurrentUser, Manager, PartnerMember, ProgramAdmin, Role};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{AttachmentId, ClaimId, ClaimLineId, MdfRequestId};
use crate::web::{HtmlForm, Page, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mdf/requests/{id}", get(show))
        .route("/mdf/requests/{id}/edit", post(edit_form))
        .route("/mdf/requests/{id}/submit-here", post(submit_form))
        .route("/mdf/requests/{id}/approve-here", post(approve_form))
        .route("/mdf/requests/{id}/results", post(results_form))
        .route("/mdf/requests/{id}/claim", post(start_claim_form))
        .route("/mdf/claims/{id}/lines", post(add_line_form))
        .route("/mdf/claims/{id}/submit", post(submit_claim_form))
        .route("/mdf/claims/{id}/review", post(review_form))
        .route("/mdf/claims/{id}/pay", post(pay_form))
        .route("/mdf/claim-lines/{id}/delete", post(delete_line_form))
        .route(
            "/mdf/claim-lines/{id}/attachments",
            post(upload_form).layer(DefaultBodyLimit::max(upload::MAX_BODY_BYTES)),
        )
        .route("/mdf/attachments/{id}", get(download))
        .route("/mdf/attachments/{id}/delete", post(delete_file_form))
}

struct FileLine {
    id: AttachmentId,
    name: String,
    kind: &'static str,
    size: String,
}

struct LinePart {
    id: ClaimLineId,
    description: String,
    amount: String,
    /// The amount as a plain decimal, the review form's default.
    amount_plain: String,
    verdict: String,
    approved: String,
    reason: String,
    files: Vec<FileLine>,
}

struct PaymentLine {
    paid_on: String,
    amount: String,
    reference: String,
}

struct ClaimPart {
    id: ClaimId,
    status: &'static str,
    badge: &'static str,
    claimed_total: String,
    limit: String,
    approved_total: String,
    paid_total: String,
    left_to_pay: String,
    lines: Vec<LinePart>,
    payments: Vec<PaymentLine>,
    editable: bool,
    reviewable: bool,
    payable: bool,
}

struct HistoryLine {
    at: String,
    by: String,
    to: &'static str,
    note: String,
}

struct DealOption {
    id: String,
    label: String,
    checked: bool,
}

/// The edit form's values, as typed.
#[derive(Deserialize, Default, Clone)]
struct EditForm {
    #[serde(default)]
    allocation_id: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    activity_type: String,
    #[serde(default)]
    description: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    total_cost: String,
    #[serde(default)]
    requested_amount: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    response_rate: String,
    #[serde(default)]
    mql_rate: String,
    #[serde(default)]
    sql_rate: String,
    #[serde(default)]
    win_rate: String,
    #[serde(default)]
    average_deal: String,
}

impl EditForm {
    fn of(r: &store::RequestRow) -> EditForm {
        EditForm {
            allocation_id: r.allocation_id.to_string(),
            title: r.title.clone(),
            activity_type: r.activity_type.clone(),
            description: r.description.clone(),
            starts_on: r.starts_on.to_string(),
            ends_on: r.ends_on.to_string(),
            total_cost: format!("{:.2}", r.total_cost),
            requested_amount: format!("{:.2}", r.requested_amount),
            audience: r.audience.to_string(),
            response_rate: r.response_rate.normalize().to_string(),
            mql_rate: r.mql_rate.normalize().to_string(),
            sql_rate: r.sql_rate.normalize().to_string(),
            win_rate: r.win_rate.normalize().to_string(),
            average_deal: format!("{:.2}", r.average_deal),
        }
    }

    fn input(&self) -> RequestInput {
        let text = |s: &str| serde_json::Value::String(s.trim().to_string());
        RequestInput {
            allocation_id: Some(self.allocation_id.clone()),
            title: self.title.clone(),
            activity_type: self.activity_type.clone(),
            description: Some(self.description.clone()),
            starts_on: self.starts_on.clone(),
            ends_on: self.ends_on.clone(),
            total_cost: text(&self.total_cost),
            requested_amount: text(&self.requested_amount),
            waterfall: WaterfallInput {
                audience: count(&self.audience),
                response_rate: text(&self.response_rate),
                mql_rate: text(&self.mql_rate),
                sql_rate: text(&self.sql_rate),
                win_rate: text(&self.win_rate),
                average_deal: text(&self.average_deal),
            },
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "mdf/request.html")]
struct RequestPage {
    page: Page,
    alert: Option<String>,
    errors: FieldErrors,
    id: MdfRequestId,
    title: String,
    partner: String,
    status: &'static str,
    badge: &'static str,
    activity_type: String,
    dates: String,
    total_cost: String,
    requested: String,
    approved: String,
    reimbursement: String,
    claim_deadline: String,
    description: String,
    decision_note: String,
    flagged: bool,
    can_edit: bool,
    can_submit: bool,
    can_approve: bool,
    form: EditForm,
    activity_types: Vec<(String, String)>,
    allocations: Vec<(String, String)>,
    stages: Vec<StageLine>,
    forecast_roi: String,
    actual_roi: String,
    won_revenue: String,
    paid: String,
    can_report: bool,
    responses: String,
    mqls: String,
    sqls: String,
    deals: Vec<DealOption>,
    claim: Option<ClaimPart>,
    can_start_claim: bool,
    history: Vec<HistoryLine>,
    chart_height: usize,
}

fn claim_badge(s: super::ClaimStatus) -> &'static str {
    use super::ClaimStatus::*;
    match s {
        Approved | Paid => "badge-green",
        PartlyApproved | PartlyPaid => "badge-teal",
        Submitted => "badge-yellow",
        Rejected => "badge-red",
        Draft => "badge-gray",
    }
}

fn size(n: i32) -> String {
    if n >= 1024 * 1024 {
        format!("{:.1} MiB", f64::from(n) / (1024.0 * 1024.0))
    } else {
        format!("{} KiB", (n + 1023) / 1024)
    }
}

async fn render(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    id: MdfRequestId,
    alert: Option<String>,
    code: Option<&str>,
    edit: Option<(EditForm, FieldErrors)>,
) -> Result<RequestPage> {
    let r = store::request(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let page = Page::new(r.title.clone(), csrf, user, "/mdf").with_notice(notice(
        code,
        &[
            ("saved", "Request saved. Submit it when it is ready."),
            ("drafted", "Request drafted from your plan: check it and submit it."),
            ("approved", "Approved: the amount is reserved for the partner."),
            ("results", "Results saved."),
            ("claim", "Claim started. Attach proof to each line, then submit it."),
            ("line", "Line added."),
            ("line-removed", "Line removed."),
            ("file", "File attached."),
            ("file-removed", "File removed."),
            ("claim-submitted", "Claim submitted for review."),
            ("reviewed", "Claim reviewed. The partner has been told."),
            ("paid", "Payment recorded. The partner has been told."),
        ],
    ));
    let is_partner = user.role.is_partner();
    let res = store::results(tx, id).await?;
    let stages = results::comparison(&r, &res);
    let history = store::history(tx, id)
        .await?
        .into_iter()
        .map(|h| HistoryLine {
            at: format::date(h.at.date_naive()),
            by: h.by.unwrap_or_else(|| "Tributary".into()),
            to: h.to.label(),
            note: h.note.unwrap_or_default(),
        })
        .collect();
    let types = store::activity_types(tx).await?;
    let type_label =
        types.iter().find(|t| t.code == r.activity_type).map_or(r.activity_type.clone(), |t| t.label.clone());
    let can_edit = is_partner && r.status.editable();
    let (form, errors) = edit.unwrap_or_else(|| (EditForm::of(&r), FieldErrors::new()));
    let (mut activity_types, mut allocations) = (Vec::new(), Vec::new());
    if can_edit {
        activity_types = types.into_iter().map(|t| (t.code, t.label)).collect();
        let today = chrono::Utc::now().date_naive();
        for a in store::allocations(tx, user.scope(), None, None).await? {
            if a.expires_on >= today || a.id == r.allocation_id {
                allocations.push((a.id.to_string(), format!("{} (until {})", a.fund_name, format::date(a.expires_on))));
            }
        }
    }
    let can_report = is_partner && results::reportable(r.status);
    let mut deals = Vec::new();
    if can_report {
        for d in store::partner_deals(tx, r.partner_id).await? {
            deals.push(DealOption {
                id: d.id.to_string(),
                label: format!("{} · {} · {}", d.customer_name, d.status, format::money(d.value, &d.currency)),
                checked: res.deal_ids.contains(&d.id),
            });
        }
    }
    let claim = match store::claim_of_request(tx, id).await? {
        None => None,
        Some(cid) => {
            let row = store::claim(tx, user.scope(), cid, false).await?.ok_or(Error::NotFound)?;
            let v = claims::view(tx, row).await?;
            let cur = v.currency.clone();
            let m = |s: &str| format::money(s.parse().unwrap_or_default(), &cur);
            let paid: rust_decimal::Decimal = v.paid_total.parse().unwrap_or_default();
            let approved: Option<rust_decimal::Decimal> = v.approved_total.as_deref().and_then(|a| a.parse().ok());
            Some(ClaimPart {
                id: v.id,
                status: v.status.label(),
                badge: claim_badge(v.status),
                claimed_total: m(&v.claimed_total),
                limit: m(&v.limit),
                approved_total: v.approved_total.as_deref().map(m).unwrap_or_else(|| "–".into()),
                paid_total: m(&v.paid_total),
                left_to_pay: approved.map(|a| format!("{:.2}", a - paid)).unwrap_or_default(),
                lines: v
                    .lines
                    .iter()
                    .map(|l| LinePart {
                        id: l.id,
                        description: l.description.clone(),
                        amount: m(&l.amount),
                        amount_plain: l.amount.clone(),
                        verdict: l.verdict.map(|x| x.label().to_string()).unwrap_or_default(),
                        approved: l.approved_amount.as_deref().map(m).unwrap_or_default(),
                        reason: l.reason.clone().unwrap_or_default(),
                        files: l
                            .attachments
                            .iter()
                            .map(|a| FileLine {
                                id: a.id,
                                name: a.file_name.clone(),
                                kind: a.kind.label(),
                                size: size(a.size),
                            })
                            .collect(),
                    })
                    .collect(),
                payments: v
                    .payments
                    .iter()
                    .map(|p| PaymentLine {
                        paid_on: format::date(p.paid_on),
                        amount: format::money(p.amount, &cur),
                        reference: p.reference.clone(),
                    })
                    .collect(),
                editable: is_partner && v.status == super::ClaimStatus::Draft,
                reviewable: matches!(user.role, Role::Cam | Role::ProgramAdmin)
                    && v.status == super::ClaimStatus::Submitted,
                payable: user.role == Role::ProgramAdmin && v.status.payable(),
            })
        }
    };
    let today = chrono::Utc::now().date_naive();
    let can_start_claim =
        is_partner && claim.is_none() && r.status.holds_reservation() && r.claim_deadline.is_none_or(|d| today <= d);
    let forecast_roi = crate::rules::mdf::roi(r.forecast_revenue, r.requested_amount);
    let actual_roi = crate::rules::mdf::roi(res.won_revenue, res.paid);
    let m = |d: rust_decimal::Decimal| format::money(d, &r.currency);
    Ok(RequestPage {
        page,
        alert,
        errors,
        id,
        title: r.title.clone(),
        partner: r.partner_name.clone(),
        status: r.status.label(),
        badge: super::pages::badge(r.status),
        activity_type: type_label,
        dates: format!("{} – {}", format::date(r.starts_on), format::date(r.ends_on)),
        total_cost: m(r.total_cost),
        requested: m(r.requested_amount),
        approved: r.approved_amount.map(m).unwrap_or_else(|| "–".into()),
        reimbursement: r.reimbursement_percent.map(|p| format!("{} %", p.normalize())).unwrap_or_else(|| "–".into()),
        claim_deadline: r.claim_deadline.map(format::date).unwrap_or_else(|| "–".into()),
        description: r.description.clone(),
        decision_note: r.decision_note.clone().unwrap_or_default(),
        flagged: r.flagged && !is_partner,
        can_edit,
        can_submit: is_partner && r.status.after(super::Action::Submit).is_some(),
        can_approve: matches!(user.role, Role::Cam | Role::ProgramAdmin) && r.status == RequestStatus::Submitted,
        form,
        activity_types,
        allocations,
        stages,
        forecast_roi: forecast_roi.map(|x| format!("{x:.2}")).unwrap_or_else(|| "–".into()),
        actual_roi: actual_roi.map(|x| format!("{x:.2}")).unwrap_or_else(|| "–".into()),
        won_revenue: m(res.won_revenue),
        paid: m(res.paid),
        can_report,
        responses: res.responses.map(|v| v.to_string()).unwrap_or_default(),
        mqls: res.mqls.map(|v| v.to_string()).unwrap_or_default(),
        sqls: res.sqls.map(|v| v.to_string()).unwrap_or_default(),
        deals,
        claim,
        can_start_claim,
        history,
        chart_height: 5 * 66 + 4,
    })
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn show(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<MdfRequestId>,
    Query(q): Query<NoticeQuery>,
) -> Result<RequestPage> {
    let page = render(&mut tx, &user, &csrf, id, None, q.notice.as_deref(), None).await?;
    tx.commit().await?;
    Ok(page)
}

fn alert_of(e: &Error) -> String {
    match e {
        Error::Conflict(m) => m.clone(),
        Error::Invalid(errors) => {
            let fields: Vec<String> =
                errors.0.iter().flat_map(|(f, ms)| ms.iter().map(move |m| format!("{f}: {m}"))).collect();
            format!("Nothing was changed. {}", fields.join(" "))
        }
        _ => String::new(),
    }
}

/// After an action on request `id`: back to its page with a notice, or the page again with why it was refused
/// (nothing changed; 409 or 422).
async fn finish(
    user: &CurrentUser,
    csrf: &CsrfToken,
    mut tx: Tx,
    id: MdfRequestId,
    result: Result<()>,
    done: &str,
) -> Result<Response> {
    match result {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/mdf/requests/{id}?notice={done}")).into_response())
        }
        Err(e @ (Error::Conflict(_) | Error::Invalid(_))) => {
            let status = e.status();
            let page = render(&mut tx, user, csrf, id, Some(alert_of(&e)), None, None).await?;
            tx.commit().await?;
            let mut response = page.into_response();
            *response.status_mut() = status;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

async fn edit_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<MdfRequestId>,
    Form(form): Form<EditForm>,
) -> Result<Response> {
    let result = crate::db::attempt!(tx, super::update_request(&mut tx, &user, id, &form.input()));
    match result {
        Err(Error::Invalid(errors)) => {
            let alert = Some("Nothing was saved: correct the fields marked below.".to_string());
            let page = render(&mut tx, &user, &csrf, id, alert, None, Some((form, errors))).await?;
            tx.commit().await?;
            let mut response = page.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        other => finish(&user, &csrf, tx, id, other, "saved").await,
    }
}

async fn submit_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<MdfRequestId>,
) -> Result<Response> {
    let result = crate::db::attempt!(tx, super::submit(&mut tx, &user, id));
    match result {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to("/mdf?notice=submitted").into_response())
        }
        other => finish(&user, &csrf, tx, id, other, "submitted").await,
    }
}

#[derive(Deserialize, Default)]
struct AmountForm {
    #[serde(default)]
    amount: String,
}

async fn approve_form(
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<MdfRequestId>,
    Form(form): Form<AmountForm>,
) -> Result<Response> {
    let amount = form.amount.trim();
    let input = ApproveInput {
        amount: if amount.is_empty() { serde_json::Value::Null } else { serde_json::Value::String(amount.into()) },
    };
    let result = crate::db::attempt!(tx, super::approve(&mut tx, &user, id, &input)).map(|_| ());
    finish(&user, &csrf, tx, id, result, "approved").await
}

#[derive(Deserialize, Default)]
struct ResultsForm {
    #[serde(default)]
    responses: String,
    #[serde(default)]
    mqls: String,
    #[serde(default)]
    sqls: String,
    #[serde(default)]
    deal_ids: Vec<String>,
}

fn count(s: &str) -> Option<i64> {
    let t = s.trim().replace(',', "");
    if t.is_empty() { None } else { Some(t.parse().unwrap_or(-1)) }
}

async fn results_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<MdfRequestId>,
    HtmlForm(form): HtmlForm<ResultsForm>,
) -> Result<Response> {
    let input = ResultsInput {
        responses: count(&form.responses),
        mqls: count(&form.mqls),
        sqls: count(&form.sqls),
        deal_ids: form.deal_ids,
    };
    let result = crate::db::attempt!(tx, results::report(&mut tx, &user, id, &input));
    finish(&user, &csrf, tx, id, result, "results").await
}

#[derive(Deserialize, Default)]
struct LineForm {
    #[serde(default)]
    description: String,
    #[serde(default)]
    amount: String,
}

impl LineForm {
    fn input(&self) -> LineInput {
        LineInput {
            description: self.description.clone(),
            amount: if self.amount.trim().is_empty() {
                serde_json::Value::Null
            } else {
                serde_json::Value::String(self.amount.trim().into())
            },
        }
    }
}

async fn start_claim_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<MdfRequestId>,
    Form(form): Form<LineForm>,
) -> Result<Response> {
    let input = ClaimInput { lines: vec![form.input()] };
    let result = crate::db::attempt!(tx, claims::create(&mut tx, &user, id, &input)).map(|_| ());
    finish(&user, &csrf, tx, id, result, "claim").await
}

/// The request a claim belongs to, when the user may see it.
async fn request_of(tx: &mut Tx, user: &CurrentUser, claim: ClaimId) -> Result<MdfRequestId> {
    Ok(store::claim(tx, user.scope(), claim, false).await?.ok_or(Error::NotFound)?.request_id)
}

async fn request_of_line(tx: &mut Tx, user: &CurrentUser, line: ClaimLineId) -> Result<MdfRequestId> {
    let claim = store::claim_of_line(tx, user.scope(), line).await?.ok_or(Error::NotFound)?;
    request_of(tx, user, claim).await
}

async fn add_line_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<ClaimId>,
    Form(form): Form<LineForm>,
) -> Result<Response> {
    let request = request_of(&mut tx, &user, id).await?;
    let result = crate::db::attempt!(tx, claims::add_line(&mut tx, &user, id, &form.input())).map(|_| ());
    finish(&user, &csrf, tx, request, result, "line").await
}

async fn delete_line_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<ClaimLineId>,
) -> Result<Response> {
    let request = request_of_line(&mut tx, &user, id).await?;
    let result = crate::db::attempt!(tx, claims::delete_line(&mut tx, &user, id)).map(|_| ());
    finish(&user, &csrf, tx, request, result, "line-removed").await
}

async fn upload_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<ClaimLineId>,
    headers: HeaderMap,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response> {
    let request = request_of_line(&mut tx, &user, id).await?;
    let too_large = || Error::invalid("file", "The upload is larger than 10 MiB.");
    let up = if super::claims_api::announced_too_large(&headers) {
        Err(too_large())
    } else {
        match multipart {
            Err(_) => Err(Error::invalid("file", "Choose a file to upload.")),
            Ok(m) => super::claims_api::read_upload(m).await.map_err(|e| e.unwrap_or_else(too_large)),
        }
    };
    let result = match up {
        Ok(up) => crate::db::attempt!(tx, claims::attach(&mut tx, &user, id, &up)).map(|_| ()),
        Err(e) => Err(e),
    };
    let refused_status =
        matches!(&result, Err(Error::Invalid(e)) if e.get("file").is_some_and(|m| m.contains("larger")));
    let mut response = finish(&user, &csrf, tx, request, result, "file").await?;
    if refused_status && super::claims_api::announced_too_large(&headers) {
        *response.status_mut() = axum::http::StatusCode::PAYLOAD_TOO_LARGE;
    }
    Ok(response)
}

async fn delete_file_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<AttachmentId>,
) -> Result<Response> {
    let a = store::attachment(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let request = request_of(&mut tx, &user, a.claim_id).await?;
    let result = crate::db::attempt!(tx, claims::detach(&mut tx, &user, id)).map(|_| ());
    finish(&user, &csrf, tx, request, result, "file-removed").await
}

async fn download(Auth { user, mut tx, .. }: Auth<AnyRole>, Path(id): Path<AttachmentId>) -> Result<Response> {
    super::claims_api::download(&mut tx, &user, id).await
}

async fn submit_claim_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<ClaimId>,
) -> Result<Response> {
    let request = request_of(&mut tx, &user, id).await?;
    let result = crate::db::attempt!(tx, claims::submit(&mut tx, &user, id));
    finish(&user, &csrf, tx, request, result, "claim-submitted").await
}

/// The review form: `verdict-{line}`, `amount-{line}` and `reason-{line}` for every line.
async fn review_form(
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<ClaimId>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response> {
    let request = request_of(&mut tx, &user, id).await?;
    let mut lines = Vec::new();
    for line in store::claim_lines(&mut tx, id).await? {
        let get = |k: &str| form.get(&format!("{k}-{}", line.id)).map(|v| v.trim().to_string()).unwrap_or_default();
        let verdict = get("verdict");
        let amount = get("amount");
        lines.push(LineVerdictInput {
            id: Some(line.id.to_string()),
            approved_amount: if verdict == LineVerdict::Reduced.as_str() && !amount.is_empty() {
                serde_json::Value::String(amount)
            } else {
                serde_json::Value::Null
            },
            verdict,
            reason: Some(get("reason")),
        });
    }
    let result = crate::db::attempt!(tx, claims::review(&mut tx, &user, id, &ReviewInput { lines })).map(|_| ());
    finish(&user, &csrf, tx, request, result, "reviewed").await
}

#[derive(Deserialize, Default)]
struct PayForm {
    #[serde(default)]
    amount: String,
    #[serde(default)]
    paid_on: String,
    #[serde(default)]
    reference: String,
}

async fn pay_form(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<ClaimId>,
    Form(form): Form<PayForm>,
) -> Result<Response> {
    let request = request_of(&mut tx, &user, id).await?;
    let input = PaymentInput {
        amount: serde_json::Value::String(form.amount.trim().into()),
        paid_on: form.paid_on,
        reference: form.reference,
    };
    let result = crate::db::attempt!(tx, claims::pay(&mut tx, &user, id, &input)).map(|_| ());
    finish(&user, &csrf, tx, request, result, "paid").await
}
