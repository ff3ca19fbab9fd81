//! The Funds area (`/mdf`): for a partner, its balances, its requests and what to do next; for CAMs and program
//! admins, the ROI-ranked queue with a running total against the remaining budget, decided from the page; for the
//! program admin and the chief, every fund's balances. Figures come from `rules::mdf` through `super`; the templates
//! only show them.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::{Action, ApproveInput, RequestStatus, store};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AnyRole, Auth, CurrentUser, Manager, PartnerMember, Role};
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::ids::MdfRequestId;
use crate::web::{Page, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mdf", get(overview))
        .route("/mdf/requests/{id}/submit", post(submit_form))
        .route("/mdf/requests/{id}/approve", post(approve_form))
        .route("/mdf/requests/{id}/reject", post(reject_form))
        .route("/mdf/funds", post(create_fund_form))
        .route("/mdf/funds/{id}/allocate", post(allocate_form))
}

struct FundLine {
    id: crate::ids::FundId,
    name: String,
    period: String,
    total: String,
    allocated: String,
    reserved: String,
    paid: String,
    available: String,
    /// Percent of the allocation still unspent (neither reserved, claimed nor paid).
    unspent_percent: i64,
    /// Running funds only: committed against the period gone, with the mid-period warning.
    pace: Option<super::finance::FundPace>,
}

struct AllocationLine {
    fund: String,
    expires: String,
    allocated: String,
    reserved: String,
    claimed: String,
    paid: String,
    available: String,
}

struct RequestLine {
    id: MdfRequestId,
    title: String,
    partner: String,
    status: String,
    badge: &'static str,
    requested: String,
    approved: String,
    forecast_roi: String,
    risk_adjusted_roi: String,
    running_total: String,
    /// The running total is above the remaining budget.
    over_budget: bool,
    flagged: bool,
    next_step: String,
    can_submit: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "mdf/index.html")]
struct Overview {
    page: Page,
    alert: Option<String>,
    is_partner: bool,
    can_decide: bool,
    funds: Vec<FundLine>,
    allocations: Vec<AllocationLine>,
    available_total: String,
    next_deadline: String,
    requests: Vec<RequestLine>,
    queue: Vec<RequestLine>,
    remaining_budget: String,
    claims: Vec<ClaimLine>,
    is_admin: bool,
    /// For the program admin's allocation form.
    partner_choices: Vec<(String, String)>,
}

/// A claim in the overview's list: what it is, where it stands, what it needs.
struct ClaimLine {
    request_id: MdfRequestId,
    title: String,
    partner: String,
    status: &'static str,
    limit: String,
    approved: String,
    waiting: bool,
}

pub(super) fn badge(s: RequestStatus) -> &'static str {
    match s {
        RequestStatus::Approved | RequestStatus::PartlyApproved | RequestStatus::Claimed => "badge-green",
        RequestStatus::Submitted | RequestStatus::InfoRequested => "badge-yellow",
        RequestStatus::Rejected | RequestStatus::Declined | RequestStatus::Expired => "badge-red",
        RequestStatus::Draft | RequestStatus::Cancelled => "badge-gray",
    }
}

/// What the partner should do next with a request.
fn next_step(r: &store::RequestRow) -> String {
    match r.status {
        RequestStatus::Draft => "Submit it for a decision.".into(),
        RequestStatus::InfoRequested => format!(
            "Your channel manager asks: {} Edit it and submit again.",
            r.decision_note.clone().unwrap_or_default()
        ),
        RequestStatus::Rejected => "Edit it and submit again, or let it go.".into(),
        RequestStatus::Submitted => "Waiting for your channel manager.".into(),
        RequestStatus::Approved | RequestStatus::PartlyApproved => match r.claim_deadline {
            Some(d) => format!("Run the activity, then claim with proof by {}.", format::date(d)),
            None => String::new(),
        },
        _ => String::new(),
    }
}

fn line(r: store::RequestRow) -> RequestLine {
    let roi = crate::rules::mdf::roi(r.forecast_revenue, r.requested_amount);
    RequestLine {
        id: r.id,
        title: r.title.clone(),
        partner: r.partner_name.clone(),
        status: r.status.label().into(),
        badge: badge(r.status),
        requested: format::money(r.requested_amount, &r.currency),
        approved: r.approved_amount.map(|a| format::money(a, &r.currency)).unwrap_or_default(),
        forecast_roi: roi.map(|x| format!("{x:.2}")).unwrap_or_else(|| "–".into()),
        risk_adjusted_roi: String::new(),
        running_total: String::new(),
        over_budget: false,
        flagged: r.flagged,
        next_step: next_step(&r),
        can_submit: r.status.after(Action::Submit).is_some(),
    }
}

async fn render(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    alert: Option<String>,
    code: Option<&str>,
) -> Result<Overview> {
    let page = Page::new("Funds", csrf, user, "/mdf").with_notice(notice(
        code,
        &[
            ("submitted", "Request submitted. Your channel manager has been told."),
            ("approved", "Approved: the amount is reserved for the partner."),
            ("rejected", "Rejected. The partner may edit and resubmit it."),
            ("fund", "Fund created. Allocate it to partners below."),
            ("allocated", "Allocated: the partner can request from it now."),
        ],
    ));
    let scope = user.scope();
    let mut allocations = Vec::new();
    let mut available = Decimal::ZERO;
    let mut currency = String::new();
    let mut next_deadline: Option<chrono::NaiveDate> = None;
    // The program admin and the chief read funds; a CAM its partners' running allocations; a partner all of its own.
    let list_allocations = !matches!(user.role, Role::ProgramAdmin | Role::ChannelChief);
    let balances = if list_allocations { store::allocation_balances_in(tx, scope).await? } else { Default::default() };
    let today = chrono::Utc::now().date_naive();
    let listed = if list_allocations { store::allocations(tx, scope, None, None).await? } else { Vec::new() };
    for a in listed {
        if user.role == Role::Cam && a.expires_on < today {
            continue;
        }
        let b = balances.get(&a.id).copied().unwrap_or_default();
        if a.expires_on >= chrono::Utc::now().date_naive() {
            available += b.available();
            currency = a.currency.clone();
            next_deadline = Some(next_deadline.map_or(a.expires_on, |d| d.min(a.expires_on)));
        }
        allocations.push(AllocationLine {
            fund: a.fund_name,
            expires: format::date(a.expires_on),
            allocated: format::money(b.allocated, &a.currency),
            reserved: format::money(b.reserved, &a.currency),
            claimed: format::money(b.claimed, &a.currency),
            paid: format::money(b.paid, &a.currency),
            available: format::money(b.available(), &a.currency),
        });
    }
    let (rows, _) = store::requests(tx, scope, None, None, None, 50, 0).await?;
    for r in &rows {
        if let Some(d) = r.claim_deadline.filter(|_| r.status.holds_reservation()) {
            next_deadline = Some(next_deadline.map_or(d, |n| n.min(d)));
        }
    }
    let requests: Vec<RequestLine> = rows.into_iter().map(line).collect();
    let can_decide = matches!(user.role, Role::Cam | Role::ProgramAdmin);
    let (mut queue, mut remaining_budget) = (Vec::new(), String::new());
    if can_decide {
        let (items, remaining) = super::ranked_queue(tx, user, None).await?;
        for (item, row) in items {
            let currency = row.currency.clone();
            let mut l = line(row);
            let running: Decimal = item.running_total.parse().unwrap_or_default();
            l.risk_adjusted_roi = item.risk_adjusted_roi.unwrap_or_else(|| "–".into());
            l.running_total = format::money(running, &currency);
            l.over_budget = running > remaining;
            queue.push(l);
        }
        remaining_budget = format::money(remaining, if currency.is_empty() { "USD" } else { &currency });
    }
    let mut funds = Vec::new();
    if matches!(user.role, Role::ProgramAdmin | Role::ChannelChief) {
        for f in store::funds(tx, None).await? {
            let b = store::fund_balances(tx, f.id).await?;
            let running = f.starts_on <= today && today <= f.ends_on;
            let pace = running.then(|| super::finance::fund_pace(&f, &b, today));
            let unspent = if b.allocated > Decimal::ZERO {
                ((b.available() * Decimal::ONE_HUNDRED) / b.allocated).round().try_into().unwrap_or(0)
            } else {
                0
            };
            funds.push(FundLine {
                id: f.id,
                name: f.name,
                period: format!("{} – {}", format::date(f.starts_on), format::date(f.ends_on)),
                total: format::money(f.total, &f.currency),
                allocated: format::money(b.allocated, &f.currency),
                reserved: format::money(b.reserved, &f.currency),
                paid: format::money(b.paid, &f.currency),
                available: format::money(b.available(), &f.currency),
                unspent_percent: unspent,
                pace,
            });
        }
    }
    let (claim_rows, _) = store::claims(tx, scope, None, None, 20, 0).await?;
    let claims = claim_rows
        .into_iter()
        .map(|c| ClaimLine {
            request_id: c.request_id,
            title: c.request_title,
            partner: c.partner_name,
            status: c.status.label(),
            limit: format::money(c.limit_amount, &c.currency),
            approved: c.approved_total.map(|a| format::money(a, &c.currency)).unwrap_or_default(),
            waiting: match user.role {
                Role::Cam => c.status == super::ClaimStatus::Submitted,
                Role::ProgramAdmin => c.status == super::ClaimStatus::Submitted || c.status.payable(),
                _ => c.status == super::ClaimStatus::Draft,
            },
        })
        .collect();
    let is_admin = user.role == Role::ProgramAdmin;
    let partner_choices = if is_admin {
        store::partner_choices(tx).await?.into_iter().map(|(id, name)| (id.to_string(), name)).collect()
    } else {
        Vec::new()
    };
    // A partner's headline: per currency (its allocations may differ), and the deadline its home shows.
    let (available_total, next_deadline) = match user.partner_id {
        Some(p) => match super::partner_figures(tx, p).await? {
            Some(f) => (
                f.available.join(" · "),
                f.deadline.map(|d| format!("{} ({})", d.on, d.what)).unwrap_or_else(|| "none".into()),
            ),
            None => ("–".into(), "none".into()),
        },
        None => (
            if currency.is_empty() { "–".into() } else { format::money(available, &currency) },
            next_deadline.map(format::date).unwrap_or_else(|| "none".into()),
        ),
    };
    Ok(Overview {
        is_admin,
        partner_choices,
        claims,
        page,
        alert,
        is_partner: user.role.is_partner(),
        can_decide,
        funds,
        allocations,
        available_total,
        next_deadline,
        requests,
        queue,
        remaining_budget,
    })
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn overview(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<Overview> {
    let page = render(&mut tx, &user, &csrf, None, q.notice.as_deref()).await?;
    tx.commit().await?;
    Ok(page)
}

/// After an action: back to the page with a notice, or the page again with why it was refused (nothing changed).
async fn finish(user: &CurrentUser, csrf: &CsrfToken, mut tx: Tx, result: Result<()>, done: &str) -> Result<Response> {
    match result {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/mdf?notice={done}")).into_response())
        }
        Err(e @ (Error::Conflict(_) | Error::Invalid(_))) => {
            let status = e.status();
            let alert = match e {
                Error::Conflict(m) => m,
                Error::Invalid(errors) => {
                    let fields: Vec<String> =
                        errors.0.iter().flat_map(|(f, ms)| ms.iter().map(move |m| format!("{f}: {m}"))).collect();
                    format!("Nothing was changed. {}", fields.join(" "))
                }
                _ => String::new(),
            };
            let page = render(&mut tx, user, csrf, Some(alert), None).await?;
            tx.commit().await?;
            let mut response = page.into_response();
            *response.status_mut() = status;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

async fn submit_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<MdfRequestId>,
) -> Result<Response> {
    let result = crate::db::attempt!(tx, super::submit(&mut tx, &user, id));
    finish(&user, &csrf, tx, result, "submitted").await
}

#[derive(Deserialize, Default)]
struct ApproveForm {
    #[serde(default)]
    amount: String,
}

async fn approve_form(
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<MdfRequestId>,
    Form(form): Form<ApproveForm>,
) -> Result<Response> {
    let amount = form.amount.trim();
    let input = ApproveInput {
        amount: if amount.is_empty() { serde_json::Value::Null } else { serde_json::Value::String(amount.into()) },
    };
    let result = crate::db::attempt!(tx, super::approve(&mut tx, &user, id, &input)).map(|_| ());
    finish(&user, &csrf, tx, result, "approved").await
}

#[derive(Deserialize, Default)]
struct ReasonForm {
    #[serde(default)]
    reason: String,
}

async fn reject_form(
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<MdfRequestId>,
    Form(form): Form<ReasonForm>,
) -> Result<Response> {
    let result = crate::db::attempt!(tx, super::decide(&mut tx, &user, id, Action::Reject, &form.reason)).map(|_| ());
    finish(&user, &csrf, tx, result, "rejected").await
}

#[derive(Deserialize, Default)]
struct FundForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    period: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    total: String,
    #[serde(default)]
    reimbursement_percent: String,
    #[serde(default)]
    claim_window_days: String,
    #[serde(default)]
    accrual_percent: String,
}

fn text_or_null(s: &str) -> serde_json::Value {
    if s.trim().is_empty() { serde_json::Value::Null } else { serde_json::Value::String(s.trim().into()) }
}

async fn create_fund_form(
    Auth { user, mut tx, .. }: Auth<crate::auth::ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<FundForm>,
) -> Result<Response> {
    let input = super::FundInput {
        name: form.name,
        kind: form.kind,
        period: form.period,
        starts_on: form.starts_on,
        currency: form.currency,
        total: text_or_null(&form.total),
        reimbursement_percent: text_or_null(&form.reimbursement_percent),
        claim_window_days: Some(form.claim_window_days.trim().parse().unwrap_or(0)),
        accrual_percent: text_or_null(&form.accrual_percent),
    };
    let result = crate::db::attempt!(tx, super::create_fund(&mut tx, &user, &input)).map(|_| ());
    finish(&user, &csrf, tx, result, "fund").await
}

#[derive(Deserialize, Default)]
struct AllocateForm {
    #[serde(default)]
    partner_id: String,
    #[serde(default)]
    amount: String,
}

async fn allocate_form(
    Auth { user, mut tx, .. }: Auth<crate::auth::ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<crate::ids::FundId>,
    Form(form): Form<AllocateForm>,
) -> Result<Response> {
    let input = super::AllocationInput {
        partner_id: Some(form.partner_id),
        amount: text_or_null(&form.amount),
        expires_on: None,
        reimbursement_percent: serde_json::Value::Null,
    };
    let result = crate::db::attempt!(tx, super::allocate(&mut tx, &user, id, &input)).map(|_| ());
    finish(&user, &csrf, tx, result, "allocated").await
}
