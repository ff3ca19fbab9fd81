//! Deal registration pages: partners register and follow their registrations; CAMs and program admins work the
//! approval queue and decide from one page with the evidence beside each clash.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use chrono::{DateTime, Utc};
use serde::Deserialize;

use super::api::current_conflicts;
use super::store::{self, DealRow, LineRow, ListFilter};
use super::{
    ApproveInput, CloseInput, Conflict, DealInput, DealStatus, EvidenceView, ExtendInput, RejectInput, RejectReason,
};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AnyRole, Auth, CurrentUser, Manager, PartnerMember, Role};
use crate::countries::{CURRENCIES, country_name};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::DealId;
use crate::rules::deal_conflict::{Decision, Field, FindingKind, Strength};
use crate::web::format;
use crate::web::{HtmlForm, Page, country_options, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/deals", get(list_page).post(register_submit))
        .route("/deals/new", get(register_page))
        .route("/deals/queue", get(queue_page))
        .route("/deals/{id}", get(show_page))
        .route("/deals/{id}/approve", post(approve_submit))
        .route("/deals/{id}/reject", post(reject_submit))
        .route("/deals/{id}/withdraw", post(withdraw_submit))
        .route("/deals/{id}/extend", post(extend_submit))
        .route("/deals/{id}/extension/approve", post(approve_extension_submit))
        .route("/deals/{id}/close", post(close_submit))
}

pub fn status_badge(status: DealStatus) -> &'static str {
    match status {
        DealStatus::Pending => "badge-yellow",
        DealStatus::Approved => "badge-green",
        DealStatus::Won => "badge-teal",
        DealStatus::Rejected => "badge-red",
        DealStatus::Lost | DealStatus::Expired | DealStatus::Withdrawn => "badge-gray",
    }
}

/// A registration as a table row shows it.
pub struct DealLine {
    pub id: DealId,
    pub customer: String,
    pub domain: String,
    pub partner: String,
    pub value: String,
    pub status: String,
    pub badge: &'static str,
    pub protected_until: String,
    pub registered: String,
    pub decision: String,
    pub sla: String,
    pub sla_badge: &'static str,
    pub extension_requested: bool,
    /// Clashes found when it was registered or last decided.
    pub clashes: usize,
}

fn sla(deal: &LineRow, sla_hours: i32, now: DateTime<Utc>) -> (String, &'static str) {
    if deal.status != DealStatus::Pending {
        return (String::new(), "");
    }
    pending_sla(deal.created_at, sla_hours, now)
}

/// The approval deadline of a registration pending since `created_at`, as of `now`: its wording and its colour.
fn pending_sla(created_at: DateTime<Utc>, sla_hours: i32, now: DateTime<Utc>) -> (String, &'static str) {
    let due = created_at + chrono::Duration::hours(i64::from(sla_hours));
    let left = (due - now).num_hours();
    let (lead, hours, badge) = if left < 0 {
        ("Overdue by ", -left, "badge-red")
    } else if left * 4 < i64::from(sla_hours) {
        ("Due in ", left, "badge-yellow")
    } else {
        ("Due in ", left, "badge-green")
    };
    // "Due in 5 h", "Overdue by 3 days": written out, as lists write one per row.
    let (n, unit) = if hours >= 48 { (hours / 24, " days") } else { (hours, " h") };
    let mut text = String::with_capacity(lead.len() + 12);
    text.push_str(lead);
    text.push_str(&format::int(n));
    text.push_str(unit);
    (text, badge)
}

/// A registration as a row of a list, its approval deadline measured from `now`.
fn line(d: &LineRow, sla_hours: i32, now: DateTime<Utc>) -> DealLine {
    let (sla, sla_badge) = sla(d, sla_hours, now);
    DealLine {
        id: d.id,
        value: format::money(d.estimated_value, &d.currency),
        status: d.status.label().to_string(),
        badge: status_badge(d.status),
        protected_until: d.protected_until.map(format::date).unwrap_or_default(),
        registered: format::day(d.created_at),
        decision: d.decision_reason.map(RejectReason::label).unwrap_or("").to_string(),
        customer: d.customer_name.clone(),
        domain: d.customer_domain.clone().unwrap_or_default(),
        partner: d.partner_name.clone(),
        sla,
        sla_badge,
        extension_requested: d.extension_requested_at.is_some(),
        clashes: d.clashes.max(0) as usize,
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "deals/list.html")]
struct ListPage {
    page: Page,
    lede: String,
    deals: Vec<DealLine>,
    tabs: Vec<(String, String, bool)>,
    is_partner: bool,
    total: String,
}

#[derive(Deserialize, Default)]
struct ListQuery {
    status: Option<String>,
    notice: Option<String>,
}

/// Registrations the caller may see, newest first.
async fn list_page(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<ListQuery>,
) -> Result<ListPage> {
    let status = q.status.as_deref().and_then(DealStatus::parse);
    let filter = ListFilter { status, ..Default::default() };
    let (rows, total): (Vec<LineRow>, i64) =
        store::list(&mut tx, user.scope(), &filter, store::Columns::Line, 200, 0).await?;
    let sla_hours = store::policy(&mut tx).await?.approval_sla_hours;
    let mut tabs = vec![("/deals".to_string(), "All".to_string(), status.is_none())];
    tabs.extend(
        DealStatus::ALL.map(|s| (format!("/deals?status={}", s.as_str()), s.label().to_string(), status == Some(s))),
    );
    let is_partner = user.role.is_partner();
    let lede = if is_partner {
        "Your deal registrations: what is protected, until when, and why each decision was taken.".to_string()
    } else {
        "Deal registrations of the partners you can see.".to_string()
    };
    Ok(ListPage {
        page: Page::new("Deal registrations", &csrf, &user, "/deals").with_notice(notice(q.notice.as_deref(), NOTICES)),
        lede,
        deals: {
            let now = Utc::now();
            rows.iter().map(|d| line(d, sla_hours, now)).collect()
        },
        tabs,
        is_partner,
        total: format::int(total),
    })
}

const NOTICES: &[(&str, &str)] = &[
    ("registered", "Registration submitted. Your channel account manager has been told."),
    ("approved", "Registration approved. The partner has been told."),
    ("rejected", "Registration rejected. The partner has been told why."),
    ("withdrawn", "Registration withdrawn."),
    ("extension-requested", "Extension requested. Your channel account manager will decide."),
    ("extended", "Extension approved."),
    ("won", "Marked as won. Congratulations!"),
    ("lost", "Marked as lost."),
];

#[derive(Deserialize, Default, Clone)]
struct RegisterForm {
    #[serde(default)]
    customer_name: String,
    #[serde(default)]
    customer_domain: String,
    #[serde(default)]
    country: String,
    #[serde(default)]
    products: Vec<String>,
    #[serde(default)]
    estimated_value: String,
    #[serde(default)]
    currency: String,
    #[serde(default)]
    expected_close_date: String,
    #[serde(default)]
    notes: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "deals/new.html")]
struct RegisterPage {
    page: Page,
    form: RegisterForm,
    errors: FieldErrors,
    products: Vec<(String, String, bool)>,
    countries: Vec<(String, String)>,
    currencies: Vec<(String, String)>,
    min_date: String,
    protection_days: i32,
}

async fn render_register(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    form: RegisterForm,
    errors: FieldErrors,
) -> Result<RegisterPage> {
    let products = store::products(tx).await?;
    let policy = store::policy(tx).await?;
    Ok(RegisterPage {
        page: Page::new("Register a deal", csrf, user, "/deals"),
        products: products.into_iter().map(|p| (p.code.clone(), p.name, form.products.contains(&p.code))).collect(),
        countries: country_options(),
        currencies: CURRENCIES.iter().map(|(c, n)| (c.to_string(), format!("{c} — {n}"))).collect(),
        min_date: Utc::now().date_naive().to_string(),
        protection_days: policy.protection_days,
        form,
        errors,
    })
}

async fn register_page(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
) -> Result<RegisterPage> {
    let form = RegisterForm { currency: "USD".into(), ..Default::default() };
    let page = render_register(&mut tx, &user, &csrf, form, FieldErrors::new()).await?;
    tx.commit().await?;
    Ok(page)
}

async fn register_submit(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    HtmlForm(form): HtmlForm<RegisterForm>,
) -> Result<Response> {
    let input = DealInput {
        customer_name: form.customer_name.clone(),
        customer_domain: Some(form.customer_domain.clone()),
        country: form.country.clone(),
        products: form.products.clone(),
        estimated_value: serde_json::Value::String(form.estimated_value.clone()),
        currency: form.currency.clone(),
        expected_close_date: form.expected_close_date.clone(),
        notes: Some(form.notes.clone()),
    };
    match crate::db::attempt!(tx, super::register(&mut tx, &user, &state.base_url, input)) {
        Ok(r) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/deals/{}?notice=registered", r.id)).into_response())
        }
        Err(Error::Invalid(errors)) => {
            let page = render_register(&mut tx, &user, &csrf, form, errors).await?;
            tx.commit().await?;
            let mut response = page.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

/// A clash as a partner may see it: what matched and how certain it is, never who holds the other registration.
pub struct PartnerClash {
    pub reason: String,
    pub strength: &'static str,
    pub badge: &'static str,
    pub own_deal: Option<DealId>,
}

/// A clash as a CAM sees it: the finding, and the clashing registration beside this one.
pub struct StaffClash {
    pub kind: &'static str,
    pub badge: &'static str,
    pub strength: &'static str,
    pub strength_badge: &'static str,
    pub evidence: Vec<(String, String, String)>,
    pub other: Option<DealSide>,
    pub named_account: String,
}

pub struct DealSide {
    pub id: DealId,
    pub partner: String,
    pub customer: String,
    pub domain: String,
    pub country: String,
    pub products: String,
    pub status: String,
    pub badge: &'static str,
    pub protected_until: String,
    pub registered: String,
    pub value: String,
}

/// Product codes as the names people know them by (codes no longer listed stay as they are).
fn product_names(codes: &[String], products: &[store::Product]) -> String {
    codes
        .iter()
        .map(|c| products.iter().find(|p| &p.code == c).map(|p| p.name.clone()).unwrap_or_else(|| c.clone()))
        .collect::<Vec<_>>()
        .join(", ")
}

fn side(d: &DealRow, products: &[store::Product]) -> DealSide {
    DealSide {
        id: d.id,
        partner: d.partner_name.clone(),
        customer: d.customer_name.clone(),
        domain: d.customer_domain.clone().unwrap_or_else(|| "—".into()),
        country: country_name(&d.country).unwrap_or(&d.country).to_string(),
        products: product_names(&d.products, products),
        status: d.status.label().to_string(),
        badge: status_badge(d.status),
        protected_until: d.protected_until.map(format::date).unwrap_or_else(|| "—".into()),
        registered: format::day(d.created_at),
        value: format::money(d.estimated_value, &d.currency),
    }
}

fn kind_text(kind: FindingKind) -> (&'static str, &'static str) {
    match kind {
        FindingKind::SamePartnerDuplicate => ("Duplicate of your own registration", "badge-yellow"),
        FindingKind::OtherPartnerProtected => ("Another partner holds a protected registration", "badge-red"),
        FindingKind::OtherPartnerPending => ("Another partner's registration is pending", "badge-yellow"),
        FindingKind::VendorDirectAccount => ("Named account of the direct sales team", "badge-purple"),
    }
}

fn strength_badge(strength: Strength) -> (&'static str, &'static str) {
    match strength {
        Strength::Definitive => ("Definitive match", "badge-red"),
        Strength::Probable => ("Probable match", "badge-yellow"),
        Strength::Possible => ("Possible match", "badge-gray"),
    }
}

/// A clash as a partner may see it.
fn partner_clash(c: &Conflict) -> PartnerClash {
    let view = c.for_partner();
    let (strength, badge) = strength_badge(view.strength);
    PartnerClash { reason: view.reason, strength, badge, own_deal: view.deal_id }
}

/// Evidence as staff read it: product codes under the names people know them by.
fn evidence_detail(e: &EvidenceView, products: &[store::Product]) -> String {
    match (e.field, e.detail.strip_prefix("shared products: ")) {
        (Field::Products, Some(codes)) => {
            let codes: Vec<String> = codes.split(", ").map(str::to_string).collect();
            format!("shared products: {}", product_names(&codes, products))
        }
        _ => e.detail.clone(),
    }
}

/// A clash as staff see it, beside the registration it points at (among `others`).
fn staff_clash(c: &Conflict, others: &[DealRow], products: &[store::Product]) -> StaffClash {
    let (kind, badge) = kind_text(c.kind);
    let named_account = match c.kind {
        FindingKind::VendorDirectAccount => c.evidence.first().map(|e| e.detail.clone()).unwrap_or_default(),
        _ => String::new(),
    };
    let (strength, strength_badge) = strength_badge(c.strength);
    StaffClash {
        kind,
        badge,
        strength,
        strength_badge,
        evidence: c
            .evidence
            .iter()
            .map(|e| {
                (e.field.label().to_string(), format!("{}%", (e.score * 100.0).round()), evidence_detail(e, products))
            })
            .collect(),
        other: c.deal_id.and_then(|id| others.iter().find(|o| o.id == id)).map(|o| side(o, products)),
        named_account,
    }
}

/// What the findings together recommend: the strictest recommendation among them (a possible match alone
/// recommends approval).
fn overall(conflicts: &[Conflict]) -> (&'static str, &'static str) {
    let decision = conflicts.iter().map(|c| c.recommendation).max().unwrap_or(Decision::Approve);
    let badge = match decision {
        Decision::Reject => "badge-red",
        Decision::Approve => "badge-green",
        Decision::Review => "badge-yellow",
    };
    (decision.label(), badge)
}

#[derive(Template, WebTemplate)]
#[template(path = "deals/show.html")]
struct ShowPage {
    page: Page,
    deal: DealSide,
    notes: String,
    expected_close: String,
    status: DealStatus,
    decided: String,
    decision: String,
    extension_requested: String,
    extensions_left: i32,
    closed: String,
    is_partner: bool,
    can_decide: bool,
    can_close: bool,
    partner_clashes: Vec<PartnerClash>,
    staff_clashes: Vec<StaffClash>,
    history: Vec<(String, String, String, String)>,
    reasons: Vec<(String, String)>,
    alert: Option<String>,
    errors: FieldErrors,
    recommendation: String,
    recommendation_badge: &'static str,
    /// Approving needs a reason: probably the same customer as a registration that may hold.
    override_needed: bool,
    override_reason: String,
}

async fn render_show(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    id: DealId,
    (alert, errors): (Option<String>, FieldErrors),
    notice_code: Option<&str>,
) -> Result<ShowPage> {
    let deal = store::get(tx, user.scope(), id, false).await?.ok_or(Error::NotFound)?;
    let conflicts: Vec<Conflict> = current_conflicts(tx, &deal).await?;
    let policy = store::policy(tx).await?;
    let products = store::products(tx).await?;
    let is_partner = user.role.is_partner();
    let (partner_clashes, staff_clashes) = if is_partner {
        (conflicts.iter().map(partner_clash).collect(), Vec::new())
    } else {
        let ids: Vec<DealId> = conflicts.iter().filter_map(|c| c.deal_id).collect();
        let others = store::by_ids(tx, &ids).await?;
        (Vec::new(), conflicts.iter().map(|c| staff_clash(c, &others, &products)).collect())
    };
    let overall = overall(&conflicts);
    let override_needed = conflicts.iter().any(|c| {
        c.strength == Strength::Probable
            && matches!(c.kind, FindingKind::OtherPartnerProtected | FindingKind::SamePartnerDuplicate)
    });
    let history = store::history(tx, id, !is_partner)
        .await?
        .into_iter()
        .map(|h| {
            (
                format::datetime(h.at),
                h.event.label().to_string(),
                h.actor.unwrap_or_else(|| "System".into()),
                h.note.unwrap_or_default(),
            )
        })
        .collect();
    let can_decide = matches!(user.role, Role::ProgramAdmin | Role::Cam);
    let can_close = deal.status == DealStatus::Approved && user.role != Role::ChannelChief;
    Ok(ShowPage {
        page: Page::new(
            deal.customer_name.clone(),
            csrf,
            user,
            if can_decide && deal.status == DealStatus::Pending { "/deals/queue" } else { "/deals" },
        )
        .with_notice(notice(notice_code, NOTICES)),
        notes: deal.notes.clone(),
        expected_close: format::date(deal.expected_close_date),
        status: deal.status,
        decided: match (&deal.decided_at, &deal.decided_by_name) {
            (Some(at), Some(by)) => format!("{} by {by}", format::datetime(*at)),
            (Some(at), None) => format!("{} (automatically)", format::datetime(*at)),
            _ => String::new(),
        },
        decision: match (&deal.decision_reason, &deal.decision_note) {
            (Some(r), Some(n)) => format!("{}: {n}", r.label()),
            (Some(r), None) => r.label().to_string(),
            _ => String::new(),
        },
        extension_requested: deal
            .extension_requested_at
            .map(|at| {
                format!(
                    "Requested {}{}",
                    format::datetime(at),
                    deal.extension_note.as_deref().map(|n| format!(": {n}")).unwrap_or_default()
                )
            })
            .unwrap_or_default(),
        extensions_left: (policy.extensions_allowed - deal.extensions_used).max(0),
        closed: deal.closed_amount.map(|a| format::money(a, &deal.currency)).unwrap_or_default(),
        is_partner,
        can_decide,
        can_close,
        partner_clashes,
        staff_clashes,
        history,
        reasons: RejectReason::ALL.map(|r| (r.as_str().to_string(), r.label().to_string())).to_vec(),
        alert,
        errors,
        recommendation: overall.0.to_string(),
        recommendation_badge: overall.1,
        override_needed: override_needed && deal.status == DealStatus::Pending,
        override_reason: if is_partner { String::new() } else { deal.override_reason.clone().unwrap_or_default() },
        deal: {
            // Protection ends with its last day in the program's zone: say so.
            let mut this = side(&deal, &products);
            if let Some(until) = deal.protected_until {
                this.protected_until = format::deadline(until, user.reader.tenant_zone);
            }
            this
        },
    })
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn show_page(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<DealId>,
    Query(q): Query<NoticeQuery>,
) -> Result<ShowPage> {
    let page = render_show(&mut tx, &user, &csrf, id, (None, FieldErrors::new()), q.notice.as_deref()).await?;
    tx.commit().await?;
    Ok(page)
}

/// After an action: back to the registration with a notice, or the page again with the reason it was refused.
async fn finish(
    user: &CurrentUser,
    csrf: &CsrfToken,
    mut tx: Tx,
    id: DealId,
    result: Result<()>,
    done: &str,
) -> Result<Response> {
    match result {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/deals/{id}?notice={done}")).into_response())
        }
        Err(e @ (Error::Conflict(_) | Error::Invalid(_))) => {
            let status = e.status();
            let (alert, errors) = match e {
                Error::Conflict(m) => (Some(m), FieldErrors::new()),
                Error::Invalid(errors) => {
                    (Some("Nothing was changed. Check the fields marked below.".to_string()), errors)
                }
                _ => (None, FieldErrors::new()),
            };
            let page = render_show(&mut tx, user, csrf, id, (alert, errors), None).await?;
            tx.commit().await?;
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
    override_reason: String,
}

async fn approve_submit(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<DealId>,
    Form(form): Form<ApproveForm>,
) -> Result<Response> {
    let input = ApproveInput { override_reason: Some(form.override_reason) };
    let result = crate::db::attempt!(tx, super::approve(&mut tx, &user, &state.base_url, id, input)).map(|_| ());
    finish(&user, &csrf, tx, id, result, "approved").await
}

#[derive(Deserialize, Default)]
struct RejectForm {
    #[serde(default)]
    reason: String,
    #[serde(default)]
    note: String,
}

async fn reject_submit(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<DealId>,
    Form(form): Form<RejectForm>,
) -> Result<Response> {
    let result = crate::db::attempt!(
        tx,
        super::reject(&mut tx, &user, &state.base_url, id, RejectInput { reason: form.reason, note: Some(form.note) })
    );
    finish(&user, &csrf, tx, id, result, "rejected").await
}

async fn withdraw_submit(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<DealId>,
) -> Result<Response> {
    let result = crate::db::attempt!(tx, super::withdraw(&mut tx, &user, id));
    finish(&user, &csrf, tx, id, result, "withdrawn").await
}

#[derive(Deserialize, Default)]
struct ExtendForm {
    #[serde(default)]
    note: String,
}

async fn extend_submit(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<DealId>,
    Form(form): Form<ExtendForm>,
) -> Result<Response> {
    let result = crate::db::attempt!(
        tx,
        super::request_extension(&mut tx, &user, &state.base_url, id, ExtendInput { note: Some(form.note) })
    );
    finish(&user, &csrf, tx, id, result, "extension-requested").await
}

async fn approve_extension_submit(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<DealId>,
) -> Result<Response> {
    let result = crate::db::attempt!(tx, super::approve_extension(&mut tx, &user, &state.base_url, id)).map(|_| ());
    finish(&user, &csrf, tx, id, result, "extended").await
}

#[derive(Deserialize, Default)]
struct CloseForm {
    #[serde(default)]
    outcome: String,
    #[serde(default)]
    amount: String,
}

async fn close_submit(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<DealId>,
    Form(form): Form<CloseForm>,
) -> Result<Response> {
    let amount = Some(form.amount.trim().to_string()).filter(|a| !a.is_empty()).map(serde_json::Value::String);
    let result =
        crate::db::attempt!(tx, super::close(&mut tx, &user, id, CloseInput { outcome: form.outcome, amount }));
    // The notice names the outcome; a refusal shows the page again instead.
    let done = if matches!(result, Ok(DealStatus::Won)) { "won" } else { "lost" };
    finish(&user, &csrf, tx, id, result.map(|_| ()), done).await
}

#[derive(Template, WebTemplate)]
#[template(path = "deals/queue.html")]
struct QueuePage {
    page: Page,
    /// "1 pending registration", "1,204 pending registrations".
    waiting: String,
    more: usize,
    pending: Vec<DealLine>,
    extensions: Vec<DealLine>,
    sla_hours: i32,
    overdue: usize,
}

const QUEUE_PAGE: i64 = 50;

/// The approval queue: pending registrations of the caller's partners (all, for a program admin), oldest first.
async fn queue_page(
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
) -> Result<QueuePage> {
    // The oldest ones are what needs doing; a long queue says how long it is rather than listing it all.
    let queue = store::queue(&mut tx, user.scope(), QUEUE_PAGE).await?;
    let now = Utc::now();
    let pending: Vec<DealLine> = queue.pending.iter().map(|d| line(d, queue.sla_hours, now)).collect();
    Ok(QueuePage {
        page: Page::new("Approval queue", &csrf, &user, "/deals/queue"),
        waiting: format!(
            "{} pending registration{}",
            format::int(queue.waiting),
            if queue.waiting == 1 { "" } else { "s" }
        ),
        more: (queue.waiting as usize).saturating_sub(pending.len()),
        overdue: pending.iter().filter(|d| d.sla_badge == "badge-red").count(),
        pending,
        extensions: queue.extensions.iter().map(|d| line(d, queue.sla_hours, now)).collect(),
        sla_hours: queue.sla_hours,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pending(created_at: DateTime<Utc>) -> LineRow {
        LineRow {
            id: DealId::default(),
            partner_name: "Northwind".into(),
            customer_name: "Initech".into(),
            customer_domain: None,
            estimated_value: rust_decimal::Decimal::new(1_250_000, 2),
            currency: "USD".into(),
            status: DealStatus::Pending,
            created_at,
            decision_reason: None,
            protected_until: None,
            extension_requested_at: None,
            clashes: 2,
        }
    }

    #[test]
    fn the_approval_deadline_reads_in_hours_then_days_and_turns_red_when_missed() {
        let now = Utc::now();
        let h = chrono::Duration::hours;
        assert_eq!(sla(&pending(now - h(1)), 48, now), ("Due in 47 h".into(), "badge-green"));
        assert_eq!(sla(&pending(now - h(40)), 48, now), ("Due in 8 h".into(), "badge-yellow"));
        assert_eq!(sla(&pending(now - h(48 + 72)), 48, now), ("Overdue by 3 days".into(), "badge-red"));
        assert_eq!(sla(&pending(now - h(24 * 3000)), 48, now).0, "Overdue by 2,998 days");
        let decided = LineRow { status: DealStatus::Approved, ..pending(now - h(100)) };
        assert_eq!(sla(&decided, 48, now), (String::new(), ""));
    }

    #[test]
    fn a_row_of_a_list_shows_the_value_the_date_and_the_clashes() {
        let created = DateTime::parse_from_rfc3339("2026-03-09T10:00:00Z").unwrap().with_timezone(&Utc);
        let row = line(&pending(created), 48, created);
        assert_eq!((row.value.as_str(), row.registered.as_str(), row.clashes), ("USD 12,500.00", "9 Mar 2026", 2));
        assert_eq!((row.status.as_str(), row.sla.as_str()), ("Pending", "Due in 2 days"));
    }
}
