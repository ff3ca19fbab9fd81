//! One fund's page (`/mdf/funds/{id}`) for the program admin: its figures from the ledger, its allocations with their
//! balances and expiry, its latest ledger rows, and the forms that change it (the fund's terms; an allocation by an
//! `adjust` ledger row, never an edit). The chief reads the same page without the forms. The finance exports of the
//! ledger for a browser session (`/mdf/ledger.csv`, `/mdf/ledger.xlsx`) live here too. Other roles get 404.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::finance::{self, AdjustInput, FundPatch};
use super::store;
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AnyRole, Auth, CurrentUser, Role, Scope};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{AllocationId, FundId};
use crate::web::{Page, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mdf/funds/{id}", get(show))
        .route("/mdf/funds/{id}/edit", post(edit_form))
        .route("/mdf/funds/{id}/adjust", post(adjust_form))
        .route("/mdf/ledger.csv", get(ledger_csv))
        .route("/mdf/ledger.xlsx", get(ledger_xlsx))
}

/// How many of the fund's ledger rows the page lists, newest first (the exports hold them all).
const LEDGER_ROWS: i64 = 25;

/// The program admin and the chief read funds; to anyone else a fund does not exist.
fn may_read(user: &CurrentUser) -> Result<()> {
    match user.role {
        Role::ProgramAdmin | Role::ChannelChief => Ok(()),
        _ => Err(Error::NotFound),
    }
}

/// Only the program admin changes a fund; the chief reads (403), others do not see it (404).
fn may_write(user: &CurrentUser) -> Result<()> {
    match user.role {
        Role::ProgramAdmin => Ok(()),
        Role::ChannelChief => Err(Error::forbidden()),
        _ => Err(Error::NotFound),
    }
}

/// The fund's edit form as typed.
#[derive(Deserialize, Default, Clone)]
struct EditForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    total: String,
    #[serde(default)]
    reimbursement_percent: String,
    #[serde(default)]
    claim_window_days: String,
}

/// The adjustment form as typed.
#[derive(Deserialize, Default, Clone)]
struct AdjustForm {
    #[serde(default)]
    allocation_id: String,
    #[serde(default)]
    amount: String,
    #[serde(default)]
    reason: String,
}

struct Figure {
    label: &'static str,
    value: String,
    note: &'static str,
}

struct AllocationLine {
    partner: String,
    expires: String,
    expired: bool,
    allocated: String,
    reserved: String,
    claimed: String,
    paid: String,
    available: String,
}

struct LedgerLine {
    at: String,
    kind: &'static str,
    partner: String,
    amount: String,
    note: String,
    request: Option<String>,
}

#[derive(Template, WebTemplate)]
#[template(path = "mdf/fund.html")]
struct FundPage {
    page: Page,
    id: FundId,
    name: String,
    summary: String,
    is_admin: bool,
    alert: Option<String>,
    figures: Vec<Figure>,
    pace: Option<finance::FundPace>,
    allocations: Vec<AllocationLine>,
    ledger: Vec<LedgerLine>,
    ledger_total: String,
    edit: EditForm,
    edit_errors: FieldErrors,
    adjust: AdjustForm,
    adjust_errors: FieldErrors,
    /// The adjust form's allocations: id and "Partner (available …)".
    allocation_choices: Vec<(String, String)>,
}

fn kind_label(kind: &str) -> &'static str {
    match kind {
        "allocate" => "Allocated",
        "reserve" => "Reserved",
        "release" => "Released",
        "claim" => "Claimed",
        "pay" => "Paid",
        "expire" => "Expired",
        "adjust" => "Adjusted",
        _ => "Other",
    }
}

const NOTICES: &[(&str, &str)] =
    &[("saved", "Fund saved."), ("adjusted", "Allocation adjusted: an adjust row is in the ledger.")];

/// What a form left to show again: its values, its errors, and a message above the page.
#[derive(Default)]
struct Shown {
    edit: Option<EditForm>,
    edit_errors: FieldErrors,
    adjust: AdjustForm,
    adjust_errors: FieldErrors,
    alert: Option<String>,
}

async fn render(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    id: FundId,
    shown: Shown,
    notice_code: Option<&str>,
) -> Result<FundPage> {
    let f = store::fund(tx, id).await?.ok_or(Error::NotFound)?;
    let today = crate::program::store::today(tx).await?;
    let b = store::fund_balances(tx, id).await?;
    let m = |d: rust_decimal::Decimal| format::money(d, &f.currency);
    let figures = vec![
        Figure { label: "Total", value: m(f.total), note: "the fund's budget" },
        Figure { label: "Allocated", value: m(b.allocated), note: "given to partners" },
        Figure { label: "Unallocated", value: m(f.total - b.allocated), note: "left to allocate" },
        Figure { label: "Reserved", value: m(b.reserved), note: "held for approved requests" },
        Figure { label: "Claimed", value: m(b.claimed), note: "approved claims not yet paid" },
        Figure { label: "Paid", value: m(b.paid), note: "reimbursed" },
        Figure { label: "Expired", value: m(b.expired), note: "written off" },
        Figure { label: "Available", value: m(b.available()), note: "allocated, still to request" },
    ];
    let running = f.starts_on <= today && today <= f.ends_on;
    let pace = running.then(|| finance::fund_pace(&f, &b, today));
    let balances = store::fund_allocation_balances(tx, id).await?;
    let rows = store::allocations(tx, Scope::Tenant, Some(id), None).await?;
    let mut allocations = Vec::with_capacity(rows.len());
    let mut allocation_choices = vec![(String::new(), "Choose an allocation".to_string())];
    for a in rows {
        let ab = balances.get(&a.id).copied().unwrap_or_default();
        allocation_choices.push((a.id.to_string(), format!("{} (available {})", a.partner_name, m(ab.available()))));
        allocations.push(AllocationLine {
            partner: a.partner_name,
            expires: format::date(a.expires_on),
            expired: a.expires_on < today,
            allocated: m(ab.allocated),
            reserved: m(ab.reserved),
            claimed: m(ab.claimed),
            paid: m(ab.paid),
            available: m(ab.available()),
        });
    }
    let filter = store::LedgerFilter { fund: Some(id), partner: None, from: None, to: None };
    let (entries, total) = store::ledger(tx, Scope::Tenant, &filter, true, LEDGER_ROWS, 0).await?;
    let ledger = entries
        .into_iter()
        .map(|e| LedgerLine {
            at: format::datetime(e.created_at),
            kind: kind_label(&e.kind),
            partner: e.partner_name,
            amount: format::money(e.amount, &e.currency),
            note: e.note,
            request: e.request_id.map(|r| r.to_string()),
        })
        .collect();
    let edit = shown.edit.unwrap_or_else(|| EditForm {
        name: f.name.clone(),
        total: format!("{:.2}", f.total),
        reimbursement_percent: f.reimbursement_percent.normalize().to_string(),
        claim_window_days: f.claim_window_days.to_string(),
    });
    let summary = format!(
        "{} fund for {} – {}, in {}; partners are reimbursed {} % of an approved request and claim within {} days \
         of the activity's end.",
        match f.kind {
            super::FundKind::Proposal => "A proposal-based",
            super::FundKind::Accrual => "An accrual",
            super::FundKind::Discretionary => "A discretionary",
        },
        format::date(f.starts_on),
        format::date(f.ends_on),
        f.currency,
        f.reimbursement_percent.normalize(),
        format::int(i64::from(f.claim_window_days)),
    );
    Ok(FundPage {
        page: Page::new(f.name.clone(), csrf, user, "/mdf").with_notice(notice(notice_code, NOTICES)),
        id,
        name: f.name,
        summary,
        is_admin: user.role == Role::ProgramAdmin,
        alert: shown.alert,
        figures,
        pace,
        allocations,
        ledger,
        ledger_total: format::int(total),
        edit,
        edit_errors: shown.edit_errors,
        adjust: shown.adjust,
        adjust_errors: shown.adjust_errors,
        allocation_choices,
    })
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn show(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<FundId>,
    Query(q): Query<NoticeQuery>,
) -> Result<FundPage> {
    may_read(&user)?;
    let page = render(&mut tx, &user, &csrf, id, Shown::default(), q.notice.as_deref()).await?;
    tx.commit().await?;
    Ok(page)
}

/// After a form: back to the page with a notice, or the page again with the form as typed and why it was refused.
/// The failed write was rolled back to its savepoint: nothing changed.
async fn finish(
    user: &CurrentUser,
    csrf: &CsrfToken,
    mut tx: Tx,
    id: FundId,
    result: Result<()>,
    done: &str,
    shown: impl FnOnce(FieldErrors, Option<String>) -> Shown,
) -> Result<Response> {
    let (errors, alert, status) = match result {
        Ok(()) => {
            tx.commit().await?;
            return Ok(Redirect::to(&format!("/mdf/funds/{id}?notice={done}")).into_response());
        }
        Err(Error::Invalid(errors)) => (
            errors,
            Some("Nothing was changed: see the messages beside the fields.".to_string()),
            StatusCode::UNPROCESSABLE_ENTITY,
        ),
        Err(Error::Conflict(message)) => {
            (FieldErrors::new(), Some(format!("Nothing was changed. {message}")), StatusCode::CONFLICT)
        }
        Err(e) => return Err(e),
    };
    let page = render(&mut tx, user, csrf, id, shown(errors, alert), None).await?;
    tx.commit().await?;
    let mut response = page.into_response();
    *response.status_mut() = status;
    Ok(response)
}

fn text(s: &str) -> serde_json::Value {
    serde_json::Value::String(s.trim().to_string())
}

async fn edit_form(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<FundId>,
    Form(form): Form<EditForm>,
) -> Result<Response> {
    may_write(&user)?;
    store::fund(&mut tx, id).await?.ok_or(Error::NotFound)?;
    // A window that is no whole number reads as 0, which the rule refuses with its message.
    let patch = FundPatch {
        name: Some(form.name.clone()),
        total: text(&form.total),
        reimbursement_percent: text(&form.reimbursement_percent),
        claim_window_days: Some(form.claim_window_days.trim().parse().unwrap_or(0)),
    };
    let result = crate::db::attempt!(tx, finance::patch_fund(&mut tx, id, &patch));
    finish(&user, &csrf, tx, id, result, "saved", |edit_errors, alert| Shown {
        edit: Some(form),
        edit_errors,
        alert,
        ..Default::default()
    })
    .await
}

async fn adjust_form(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<FundId>,
    Form(form): Form<AdjustForm>,
) -> Result<Response> {
    may_write(&user)?;
    store::fund(&mut tx, id).await?.ok_or(Error::NotFound)?;
    let allocation = form.allocation_id.trim().parse::<AllocationId>().ok();
    let of_this_fund = match allocation {
        Some(a) => store::allocation(&mut tx, user.scope(), a).await?.filter(|a| a.fund_id == id).map(|a| a.id),
        None => None,
    };
    let result = match of_this_fund {
        Some(a) => {
            let input = AdjustInput { amount: text(&form.amount), reason: form.reason.clone() };
            crate::db::attempt!(tx, finance::adjust(&mut tx, &user, a, &input))
        }
        None => {
            let mut errors = FieldErrors::new();
            errors.add("allocation_id", "Choose one of this fund's allocations.");
            // The other fields are checked too, so that every mistake is named at once.
            if form.amount.trim().is_empty() {
                errors.add("amount", "This field is required.");
            }
            if form.reason.trim().is_empty() {
                errors.add("reason", "This field is required.");
            }
            Err(Error::Invalid(errors))
        }
    };
    finish(&user, &csrf, tx, id, result, "adjusted", |adjust_errors, alert| Shown {
        adjust: form,
        adjust_errors,
        alert,
        ..Default::default()
    })
    .await
}

/// The ledger export's filter as the pages link it: one fund's rows, or all.
#[derive(Deserialize, Default)]
struct ExportQuery {
    #[serde(default)]
    fund_id: Option<String>,
}

async fn export_rows(tx: &mut Tx, user: &CurrentUser, q: &ExportQuery) -> Result<Vec<store::LedgerEntry>> {
    may_read(user)?;
    let fund = match q.fund_id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => {
            let id = s.parse::<FundId>().map_err(|_| Error::NotFound)?;
            store::fund(tx, id).await?.ok_or(Error::NotFound)?;
            Some(id)
        }
    };
    let filter = store::LedgerFilter { fund, partner: None, from: None, to: None };
    let (rows, _) = store::ledger(tx, user.scope(), &filter, false, super::api::EXPORT_ROWS, 0).await?;
    Ok(rows)
}

async fn ledger_csv(Auth { user, mut tx, .. }: Auth<AnyRole>, Query(q): Query<ExportQuery>) -> Result<Response> {
    let rows = export_rows(&mut tx, &user, &q).await?;
    tx.commit().await?;
    super::export::csv(rows)
}

async fn ledger_xlsx(Auth { user, mut tx, .. }: Auth<AnyRole>, Query(q): Query<ExportQuery>) -> Result<Response> {
    let rows = export_rows(&mut tx, &user, &q).await?;
    tx.commit().await?;
    super::export::xlsx(rows).await
}
