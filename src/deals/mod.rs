//! Deal registration: a partner registers an opportunity, the conflict rule explains any clash, and the partner's
//! CAM decides. The first approved registration wins and is protected for the policy's window.

pub mod api;
pub mod pages;
pub mod policy;
pub mod store;

use chrono::{Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::auth::{CurrentUser, Role, Scope};
use crate::db::Tx;
use crate::error::{Error, FieldErrors};
use crate::outbox;
use crate::rules::deal_conflict::{self, Finding, FindingKind, Registration, Status};
use crate::validate;
use store::{DealRow, NewDeal, Policy};

pub const STATUSES: [&str; 7] = ["pending", "approved", "rejected", "withdrawn", "expired", "won", "lost"];

/// The status named `s`, as the program spells it; None for a name that is no status.
pub fn status_named(s: &str) -> Option<&'static str> {
    STATUSES.into_iter().find(|known| *known == s)
}

/// Reasons a CAM may give for rejecting a registration (`other` needs a note).
pub const REJECT_REASONS: [(&str, &str); 6] = [
    ("duplicate", "Duplicate of an existing registration"),
    ("existing_customer", "Already a customer"),
    ("direct_sales_engaged", "Our direct sales team is engaged"),
    ("outside_territory", "Outside the partner's territory"),
    ("insufficient_information", "Not enough information"),
    ("other", "Other"),
];

pub fn reason_label(code: &str) -> &'static str {
    REJECT_REASONS.iter().find(|(c, _)| *c == code).map(|(_, l)| *l).unwrap_or("Other")
}

/// What a partner fills in to register a deal. Loose types so that every field can be checked and named at once.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct DealInput {
    #[serde(default)]
    pub customer_name: String,
    #[serde(default)]
    pub customer_domain: Option<String>,
    /// ISO 3166-1 alpha-2.
    #[serde(default)]
    pub country: String,
    /// Product codes from the tenant's product list.
    #[serde(default)]
    pub products: Vec<String>,
    /// Decimal string, e.g. "12500.00".
    #[serde(default)]
    #[schema(value_type = String)]
    pub estimated_value: serde_json::Value,
    /// ISO 4217.
    #[serde(default)]
    pub currency: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub expected_close_date: String,
    #[serde(default)]
    pub notes: Option<String>,
}

/// A clash as the API shows it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Conflict {
    /// same_partner_duplicate, other_partner_protected, other_partner_pending or vendor_direct_account.
    pub kind: String,
    pub deal_id: Option<Uuid>,
    /// Fields that matched: domain, name, country, products.
    pub matched_on: Vec<String>,
    pub score: f64,
    /// approve, review or reject.
    pub recommendation: String,
    pub evidence: Vec<EvidenceView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EvidenceView {
    pub field: String,
    pub score: f64,
    pub detail: String,
}

fn label<T: Serialize>(v: &T) -> String {
    serde_json::to_value(v).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

impl Conflict {
    pub fn from_finding(f: &Finding) -> Conflict {
        Conflict {
            kind: label(&f.kind),
            deal_id: f.registration_id,
            matched_on: f.matched_on.iter().map(label).collect(),
            score: (f.score * 100.0).round() / 100.0,
            recommendation: label(&f.recommendation),
            evidence: f
                .evidence
                .iter()
                .map(|e| EvidenceView {
                    field: label(&e.field),
                    score: (e.score * 100.0).round() / 100.0,
                    detail: e.detail.clone(),
                })
                .collect(),
        }
    }
}

struct Validated {
    customer_name: String,
    customer_domain: Option<String>,
    registrable_domain: Option<String>,
    country: String,
    products: Vec<String>,
    estimated_value: Decimal,
    currency: String,
    expected_close_date: NaiveDate,
    notes: String,
}

fn parse_money(v: &serde_json::Value) -> Option<Decimal> {
    let text = match v {
        serde_json::Value::String(s) => s.trim().replace(',', ""),
        serde_json::Value::Number(n) => n.to_string(),
        _ => return None,
    };
    text.parse::<Decimal>().ok()
}

fn validate_input(input: &DealInput, known_products: &[store::Product], today: NaiveDate) -> Result<Validated, Error> {
    let mut errors = FieldErrors::new();
    let customer_name = validate::text(&mut errors, "customer_name", &input.customer_name, 200);
    if errors.get("customer_name").is_none() && deal_conflict::normalize_name(&customer_name).is_empty() {
        errors.add("customer_name", "Use the customer's company name.");
    }
    let customer_domain =
        input.customer_domain.as_deref().map(str::trim).filter(|d| !d.is_empty()).map(str::to_lowercase);
    let registrable_domain = customer_domain.as_deref().and_then(deal_conflict::registrable_domain);
    if customer_domain.is_some() && registrable_domain.is_none() {
        errors.add("customer_domain", "Use the customer's web domain, such as acme.com.");
    }
    let country = validate::country(&mut errors, "country", &input.country);
    let mut products: Vec<String> =
        input.products.iter().map(|p| p.trim().to_lowercase()).filter(|p| !p.is_empty()).collect();
    products.sort();
    products.dedup();
    if products.is_empty() {
        errors.add("products", "Choose at least one product.");
    } else if let Some(unknown) = products.iter().find(|p| !known_products.iter().any(|k| &k.code == *p)) {
        errors.add("products", format!("{unknown:?} is not one of the program's products."));
    }
    let estimated_value = match parse_money(&input.estimated_value) {
        Some(v) if v > Decimal::ZERO && v.scale() <= 2 && v < Decimal::from(1_000_000_000_000i64) => v,
        Some(_) => {
            errors.add("estimated_value", "Use a positive amount with at most two decimals.");
            Decimal::ZERO
        }
        None => {
            errors.add("estimated_value", "Enter the estimated deal value, such as 12500.00.");
            Decimal::ZERO
        }
    };
    let currency = input.currency.trim().to_uppercase();
    if !crate::countries::is_currency(&currency) {
        errors.add("currency", "Use an ISO 4217 currency code, such as USD or EUR.");
    }
    let expected_close_date = match NaiveDate::parse_from_str(input.expected_close_date.trim(), "%Y-%m-%d") {
        Ok(d) if d < today => {
            errors.add("expected_close_date", "The expected close date cannot be in the past.");
            d
        }
        Ok(d) if d > today + Duration::days(3 * 365) => {
            errors.add("expected_close_date", "Use a date within the next three years.");
            d
        }
        Ok(d) => d,
        Err(_) => {
            errors.add("expected_close_date", "Use a date like 2027-03-31.");
            today
        }
    };
    let notes = input.notes.as_deref().unwrap_or("").trim().to_string();
    if notes.chars().count() > 4000 {
        errors.add("notes", "Use at most 4000 characters.");
    }
    errors.into_result()?;
    Ok(Validated {
        customer_name,
        customer_domain,
        registrable_domain,
        country,
        products,
        estimated_value,
        currency,
        expected_close_date,
        notes,
    })
}

fn rule_policy(p: &Policy) -> deal_conflict::Policy {
    deal_conflict::Policy {
        similarity_threshold: f64::from(p.similarity_threshold),
        require_product_overlap: p.require_product_overlap,
    }
}

/// Runs the conflict rule for a registration against what is in the database now.
pub async fn findings_for(tx: &mut Tx, reg: &Registration, policy: &Policy) -> Result<Vec<Finding>, Error> {
    let normalized = deal_conflict::normalize_name(&reg.customer_name);
    let domain = reg.customer_domain.as_deref().and_then(deal_conflict::registrable_domain);
    let rule = rule_policy(policy);
    let candidates =
        store::candidates(tx, &normalized, domain.as_deref(), rule.similarity_threshold, Some(reg.id)).await?;
    let named = store::matching_named_accounts(tx, &normalized, domain.as_deref(), rule.similarity_threshold).await?;
    Ok(deal_conflict::check(reg, &candidates, &named, &rule, Utc::now().date_naive()))
}

pub fn registration_of(d: &DealRow) -> Registration {
    Registration {
        id: d.id,
        partner_id: d.partner_id,
        customer_name: d.customer_name.clone(),
        customer_domain: d.customer_domain.clone(),
        country: d.country.clone(),
        products: d.products.clone(),
        status: store::parse_status(&d.status),
        protected_until: d.protected_until,
    }
}

pub struct Registered {
    pub id: Uuid,
    pub status: &'static str,
    pub findings: Vec<Finding>,
    pub protected_until: Option<NaiveDate>,
}

/// Registers a deal for the caller's partner: validates, checks conflicts, stores it with its findings, tells the
/// reviewer, and approves it at once when the policy auto-approves clean registrations.
pub async fn register(tx: &mut Tx, user: &CurrentUser, base_url: &str, input: DealInput) -> Result<Registered, Error> {
    let partner = user.partner_id.ok_or_else(Error::forbidden)?;
    let today = Utc::now().date_naive();
    let context = store::registration_context(tx, partner).await?;
    let policy = &context.policy;
    let v = validate_input(&input, &context.products, today)?;
    if let Some(cap) = policy.max_open_registrations {
        if context.open >= i64::from(cap) {
            return Err(Error::Conflict(format!(
                "Your organisation already has {cap} open registrations, the most the program allows. Close or withdraw some first."
            )));
        }
    }
    if policy.auto_approve_clean {
        store::lock_approvals(tx).await?;
    }
    let id = Uuid::new_v4();
    let reg = Registration {
        id,
        partner_id: partner,
        customer_name: v.customer_name.clone(),
        customer_domain: v.customer_domain.clone(),
        country: v.country.clone(),
        products: v.products.clone(),
        status: Status::Pending,
        protected_until: None,
    };
    let findings = findings_for(tx, &reg, policy).await?;
    let approve = policy.auto_approve_clean && findings.is_empty();
    let (status, protected_until) = if approve {
        ("approved", Some(today + Duration::days(i64::from(policy.protection_days))))
    } else {
        ("pending", None)
    };
    let conflicts: Vec<Conflict> = findings.iter().map(Conflict::from_finding).collect();
    let normalized = deal_conflict::normalize_name(&v.customer_name);
    let subject = format!("New deal registration: {} ({})", v.customer_name, context.partner_name);
    let clash = if findings.is_empty() {
        "No conflicts were found.".to_string()
    } else {
        format!("{} possible conflict(s) to review.", findings.len())
    };
    let body = format!(
        "{} registered {} for {} {} (expected close {}).\n{clash}\n\nReview it: {base_url}/deals/{id}\n",
        user.name, v.customer_name, v.currency, v.estimated_value, v.expected_close_date
    );
    store::insert_registered(
        tx,
        NewDeal {
            tenant_id: user.tenant_id,
            id,
            partner_id: partner,
            registered_by: user.id,
            customer_name: &v.customer_name,
            normalized_name: &normalized,
            customer_domain: v.customer_domain.as_deref(),
            registrable_domain: v.registrable_domain.as_deref(),
            country: &v.country,
            products: &v.products,
            estimated_value: v.estimated_value,
            currency: &v.currency,
            expected_close_date: v.expected_close_date,
            notes: &v.notes,
            status,
            conflicts: serde_json::to_value(&conflicts).unwrap_or_default(),
            protected_until,
        },
        approve.then_some("Approved automatically: no conflicts."),
        store::Mail { to: &context.reviewers, subject: &subject, body: &body },
    )
    .await?;
    if approve {
        notify_partner_of(tx, user.tenant_id, partner, user.id, &v.customer_name, "approved", protected_until).await?;
    }
    Ok(Registered { id, status, findings, protected_until })
}

async fn notify_partner_of(
    tx: &mut Tx,
    tenant: Uuid,
    partner: Uuid,
    registered_by: Uuid,
    customer: &str,
    what: &str,
    until: Option<NaiveDate>,
) -> Result<(), Error> {
    let (subject, line) = match what {
        "approved" => (
            format!("Deal registration approved: {customer}"),
            format!(
                "Your registration for {customer} is approved and protected until {}.",
                until.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
        "rejected" => (
            format!("Deal registration rejected: {customer}"),
            format!("Your registration for {customer} was rejected."),
        ),
        "extended" => (
            format!("Deal registration extended: {customer}"),
            format!(
                "The protection of your registration for {customer} now runs until {}.",
                until.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
        "expiring" => (
            format!("Deal registration expiring: {customer}"),
            format!(
                "Your protection for {customer} ends on {}. Close the deal or ask for an extension before then.",
                until.map(|d| d.to_string()).unwrap_or_default()
            ),
        ),
        "expired" => {
            (format!("Deal registration expired: {customer}"), format!("Your protection for {customer} has ended."))
        }
        _ => (format!("Deal registration update: {customer}"), format!("Your registration for {customer} changed.")),
    };
    for to in store::partner_recipients(tx, partner, registered_by).await? {
        outbox::enqueue(tx, tenant, &to, &subject, &format!("{line}\n\nSee it in the partner portal under Deals.\n"))
            .await?;
    }
    Ok(())
}

/// Who may act on a registration: the partner's CAM and program admins decide; the partner's people withdraw,
/// ask for extensions and close.
fn decider_scope(user: &CurrentUser) -> Result<Scope, Error> {
    match user.role {
        Role::ProgramAdmin | Role::Cam => Ok(user.scope()),
        _ => Err(Error::forbidden()),
    }
}

fn partner_scope(user: &CurrentUser) -> Result<Scope, Error> {
    match user.role {
        Role::PartnerAdmin | Role::PartnerUser => Ok(user.scope()),
        _ => Err(Error::Forbidden("Only the registering partner can do this.".into())),
    }
}

fn conflict_state(deal: &DealRow, action: &str) -> Error {
    Error::Conflict(format!("A registration that is {} cannot be {action}.", deal.status))
}

/// Approves a pending registration. Under the tenant's approval lock, the conflicts are checked again: when another
/// partner already holds an approved, unexpired registration for the same opportunity, this is refused.
pub async fn approve(tx: &mut Tx, user: &CurrentUser, id: Uuid) -> Result<NaiveDate, Error> {
    let scope = decider_scope(user)?;
    store::get(tx, scope, id, false).await?.ok_or(Error::NotFound)?;
    store::lock_approvals(tx).await?;
    let deal = store::get(tx, scope, id, true).await?.ok_or(Error::NotFound)?;
    if deal.status != "pending" {
        return Err(conflict_state(&deal, "approved"));
    }
    let policy = store::policy(tx).await?;
    let findings = findings_for(tx, &registration_of(&deal), &policy).await?;
    if findings.iter().any(|f| f.kind == FindingKind::OtherPartnerProtected) {
        return Err(Error::Conflict(
            "Another partner already holds an approved, unexpired registration for this opportunity.".into(),
        ));
    }
    // A duplicate of the partner's own registration blocks only once that one is approved; pending ones lose the race.
    let own: Vec<Uuid> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::SamePartnerDuplicate)
        .filter_map(|f| f.registration_id)
        .collect();
    let own_approved: Option<i32> =
        sqlx::query_scalar("select 1 from deals where id = any($1) and status = 'approved' limit 1")
            .bind(&own)
            .fetch_optional(&mut **tx)
            .await?;
    if own_approved.is_some() {
        return Err(Error::Conflict(
            "This partner already holds an approved, unexpired registration for this opportunity.".into(),
        ));
    }
    let until = Utc::now().date_naive() + Duration::days(i64::from(policy.protection_days));
    let conflicts: Vec<Conflict> = findings.iter().map(Conflict::from_finding).collect();
    sqlx::query(
        "update deals set status = 'approved', decided_at = now(), decided_by = $2, protected_until = $3,
                conflicts = $4, updated_at = now() where id = $1",
    )
    .bind(id)
    .bind(user.id)
    .bind(until)
    .bind(serde_json::to_value(&conflicts).unwrap_or_default())
    .execute(&mut **tx)
    .await?;
    store::record_event(tx, user.tenant_id, id, Some(user.id), "approved", Some("pending"), "approved", None).await?;
    notify_partner_of(
        tx,
        user.tenant_id,
        deal.partner_id,
        deal.registered_by,
        &deal.customer_name,
        "approved",
        Some(until),
    )
    .await?;
    Ok(until)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct RejectInput {
    /// duplicate, existing_customer, direct_sales_engaged, outside_territory, insufficient_information or other.
    #[serde(default)]
    pub reason: String,
    /// Required when the reason is `other`.
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn reject(tx: &mut Tx, user: &CurrentUser, id: Uuid, input: RejectInput) -> Result<(), Error> {
    let scope = decider_scope(user)?;
    let deal = store::get(tx, scope, id, true).await?.ok_or(Error::NotFound)?;
    let mut errors = FieldErrors::new();
    let reason = input.reason.trim();
    if !REJECT_REASONS.iter().any(|(c, _)| *c == reason) {
        errors.add("reason", "Choose a reason: duplicate, existing_customer, direct_sales_engaged, outside_territory, insufficient_information or other.");
    }
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if reason == "other" && note.is_none() {
        errors.add("note", "Say why when the reason is \"other\".");
    }
    if note.is_some_and(|n| n.chars().count() > 2000) {
        errors.add("note", "Use at most 2000 characters.");
    }
    errors.into_result()?;
    if deal.status != "pending" {
        return Err(conflict_state(&deal, "rejected"));
    }
    sqlx::query(
        "update deals set status = 'rejected', decided_at = now(), decided_by = $2, decision_reason = $3,
                decision_note = $4, updated_at = now() where id = $1",
    )
    .bind(id)
    .bind(user.id)
    .bind(reason)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    let why = match note {
        Some(n) => format!("{}: {n}", reason_label(reason)),
        None => reason_label(reason).to_string(),
    };
    store::record_event(tx, user.tenant_id, id, Some(user.id), "rejected", Some("pending"), "rejected", Some(&why))
        .await?;
    notify_partner_of(tx, user.tenant_id, deal.partner_id, deal.registered_by, &deal.customer_name, "rejected", None)
        .await?;
    Ok(())
}

pub async fn withdraw(tx: &mut Tx, user: &CurrentUser, id: Uuid) -> Result<(), Error> {
    let scope = partner_scope(user)?;
    let deal = store::get(tx, scope, id, true).await?.ok_or(Error::NotFound)?;
    if deal.status != "pending" {
        return Err(conflict_state(&deal, "withdrawn"));
    }
    sqlx::query("update deals set status = 'withdrawn', updated_at = now() where id = $1")
        .bind(id)
        .execute(&mut **tx)
        .await?;
    store::record_event(tx, user.tenant_id, id, Some(user.id), "withdrawn", Some("pending"), "withdrawn", None).await?;
    Ok(())
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ExtendInput {
    /// Why more time is needed.
    #[serde(default)]
    pub note: Option<String>,
}

pub async fn request_extension(
    tx: &mut Tx,
    user: &CurrentUser,
    base_url: &str,
    id: Uuid,
    input: ExtendInput,
) -> Result<(), Error> {
    let scope = partner_scope(user)?;
    let deal = store::get(tx, scope, id, true).await?.ok_or(Error::NotFound)?;
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 2000) {
        return Err(Error::invalid("note", "Use at most 2000 characters."));
    }
    if deal.status != "approved" {
        return Err(conflict_state(&deal, "extended"));
    }
    let policy = store::policy(tx).await?;
    if deal.extension_requested_at.is_some() {
        return Err(Error::Conflict("An extension request is already waiting for a decision.".into()));
    }
    if deal.extensions_used >= policy.extensions_allowed {
        return Err(Error::Conflict(format!(
            "This registration has used the {} extension(s) the program allows.",
            policy.extensions_allowed
        )));
    }
    sqlx::query(
        "update deals set extension_requested_at = now(), extension_note = $2, updated_at = now() where id = $1",
    )
    .bind(id)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    store::record_event(
        tx,
        user.tenant_id,
        id,
        Some(user.id),
        "extension_requested",
        Some("approved"),
        "approved",
        note,
    )
    .await?;
    let subject = format!("Extension requested: {}", deal.customer_name);
    let body = format!(
        "{} asks to extend the protection of {} (now until {}).\n{}\n\nDecide here: {base_url}/deals/{id}\n",
        deal.partner_name,
        deal.customer_name,
        deal.protected_until.map(|d| d.to_string()).unwrap_or_default(),
        note.unwrap_or("")
    );
    for to in store::reviewer_recipients(tx, deal.partner_id).await? {
        outbox::enqueue(tx, user.tenant_id, &to, &subject, &body).await?;
    }
    Ok(())
}

pub async fn approve_extension(tx: &mut Tx, user: &CurrentUser, id: Uuid) -> Result<NaiveDate, Error> {
    let scope = decider_scope(user)?;
    let deal = store::get(tx, scope, id, true).await?.ok_or(Error::NotFound)?;
    if deal.status != "approved" || deal.extension_requested_at.is_none() {
        return Err(Error::Conflict("There is no extension request waiting on this registration.".into()));
    }
    let policy = store::policy(tx).await?;
    let base = deal.protected_until.unwrap_or_else(|| Utc::now().date_naive()).max(Utc::now().date_naive());
    let until = base + Duration::days(i64::from(policy.extension_days));
    sqlx::query(
        "update deals set protected_until = $2, extensions_used = extensions_used + 1, extension_requested_at = null,
                reminder_sent_at = null, updated_at = now() where id = $1",
    )
    .bind(id)
    .bind(until)
    .execute(&mut **tx)
    .await?;
    let note = format!("Protected until {until}");
    store::record_event(
        tx,
        user.tenant_id,
        id,
        Some(user.id),
        "extension_approved",
        Some("approved"),
        "approved",
        Some(&note),
    )
    .await?;
    notify_partner_of(
        tx,
        user.tenant_id,
        deal.partner_id,
        deal.registered_by,
        &deal.customer_name,
        "extended",
        Some(until),
    )
    .await?;
    Ok(until)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct CloseInput {
    /// won or lost.
    #[serde(default)]
    pub outcome: String,
    /// The closed amount for a won deal (decimal string); the estimate is used when left out.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub amount: Option<serde_json::Value>,
}

pub async fn close(tx: &mut Tx, user: &CurrentUser, id: Uuid, input: CloseInput) -> Result<&'static str, Error> {
    let scope = match user.role {
        Role::ChannelChief => return Err(Error::forbidden()),
        _ => user.scope(),
    };
    let deal = store::get(tx, scope, id, true).await?.ok_or(Error::NotFound)?;
    let mut errors = FieldErrors::new();
    let outcome: &'static str = match input.outcome.trim() {
        "won" => "won",
        "lost" => "lost",
        _ => {
            errors.add("outcome", "Choose won or lost.");
            "lost"
        }
    };
    let amount = match &input.amount {
        None | Some(serde_json::Value::Null) => None,
        Some(v) => match parse_money(v) {
            Some(a) if a >= Decimal::ZERO && a.scale() <= 2 => Some(a),
            _ => {
                errors.add("amount", "Use an amount with at most two decimals, such as 12500.00.");
                None
            }
        },
    };
    errors.into_result()?;
    if deal.status != "approved" {
        return Err(conflict_state(&deal, "closed"));
    }
    let amount = if outcome == "won" { Some(amount.unwrap_or(deal.estimated_value)) } else { amount };
    sqlx::query(
        "update deals set status = $2, closed_at = now(), closed_amount = $3, extension_requested_at = null,
                updated_at = now() where id = $1",
    )
    .bind(id)
    .bind(outcome)
    .bind(amount)
    .execute(&mut **tx)
    .await?;
    let note = amount.map(|a| format!("{} {a}", deal.currency));
    store::record_event(tx, user.tenant_id, id, Some(user.id), outcome, Some("approved"), outcome, note.as_deref())
        .await?;
    if outcome == "won" {
        sqlx::query("update partners set life_stage = 'producing', updated_at = now() where id = $1 and life_stage <> 'producing'")
            .bind(deal.partner_id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(outcome)
}

/// Expires approved registrations whose window has passed and sends reminders before expiry. Rows are claimed with
/// `FOR UPDATE SKIP LOCKED`, so instances running this at once never expire or remind twice.
pub async fn expire_and_remind(tx: &mut Tx, tenant: Uuid, today: NaiveDate) -> Result<(usize, usize), Error> {
    let due: Vec<(Uuid, Uuid, Uuid, String, Option<NaiveDate>)> = sqlx::query_as(
        "select id, partner_id, registered_by, customer_name, protected_until from deals
          where status = 'approved' and protected_until < $1
          order by protected_until limit 500 for update skip locked",
    )
    .bind(today)
    .fetch_all(&mut **tx)
    .await?;
    for (id, partner, registered_by, customer, until) in &due {
        sqlx::query(
            "update deals set status = 'expired', extension_requested_at = null, updated_at = now() where id = $1",
        )
        .bind(id)
        .execute(&mut **tx)
        .await?;
        store::record_event(tx, tenant, *id, None, "expired", Some("approved"), "expired", None).await?;
        notify_partner_of(tx, tenant, *partner, *registered_by, customer, "expired", *until).await?;
    }
    let policy = store::policy(tx).await?;
    let remind: Vec<(Uuid, Uuid, Uuid, String, Option<NaiveDate>)> = sqlx::query_as(
        "select id, partner_id, registered_by, customer_name, protected_until from deals
          where status = 'approved' and reminder_sent_at is null and protected_until >= $1
            and protected_until <= $1 + $2::int
          order by protected_until limit 500 for update skip locked",
    )
    .bind(today)
    .bind(policy.reminder_days)
    .fetch_all(&mut **tx)
    .await?;
    for (id, partner, registered_by, customer, until) in &remind {
        sqlx::query("update deals set reminder_sent_at = now() where id = $1").bind(id).execute(&mut **tx).await?;
        store::record_event(tx, tenant, *id, None, "expiry_reminder", Some("approved"), "approved", None).await?;
        notify_partner_of(tx, tenant, *partner, *registered_by, customer, "expiring", *until).await?;
    }
    Ok((due.len(), remind.len()))
}
