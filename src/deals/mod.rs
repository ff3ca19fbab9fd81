//! Deal registration: a partner registers an opportunity, the conflict rule explains any clash, and the partner's
//! CAM decides. The first approved registration wins and is protected for the policy's window.

pub mod api;
pub mod pages;
pub mod policy;
pub mod store;

use std::fmt;

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role, Scope};
use crate::db::Tx;
use crate::error::{Error, FieldErrors};
use crate::ids::{DealId, PartnerId, TenantId, UserId};
use crate::outbox;
use crate::rules::company_names;
use crate::rules::deal_conflict::{self, Decision, Field, Finding, FindingKind, Registration, Strength};
use crate::validate;
use crate::vocabularies::match_key;
use store::{DealRow, NewDeal, Policy};

/// Where a registration stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum DealStatus {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
    Expired,
    Won,
    Lost,
}

impl DealStatus {
    pub const ALL: [DealStatus; 7] = [
        DealStatus::Pending,
        DealStatus::Approved,
        DealStatus::Rejected,
        DealStatus::Withdrawn,
        DealStatus::Expired,
        DealStatus::Won,
        DealStatus::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DealStatus::Pending => "pending",
            DealStatus::Approved => "approved",
            DealStatus::Rejected => "rejected",
            DealStatus::Withdrawn => "withdrawn",
            DealStatus::Expired => "expired",
            DealStatus::Won => "won",
            DealStatus::Lost => "lost",
        }
    }

    /// The status named `s`, as the program spells it; None for a name that is no status.
    pub fn parse(s: &str) -> Option<DealStatus> {
        DealStatus::ALL.into_iter().find(|status| status.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            DealStatus::Pending => "Pending",
            DealStatus::Approved => "Approved",
            DealStatus::Rejected => "Rejected",
            DealStatus::Withdrawn => "Withdrawn",
            DealStatus::Expired => "Expired",
            DealStatus::Won => "Won",
            DealStatus::Lost => "Lost",
        }
    }
}

impl fmt::Display for DealStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl From<DealStatus> for deal_conflict::Status {
    fn from(status: DealStatus) -> deal_conflict::Status {
        match status {
            DealStatus::Pending => deal_conflict::Status::Pending,
            DealStatus::Approved => deal_conflict::Status::Approved,
            DealStatus::Rejected => deal_conflict::Status::Rejected,
            DealStatus::Withdrawn => deal_conflict::Status::Withdrawn,
            DealStatus::Expired => deal_conflict::Status::Expired,
            DealStatus::Won => deal_conflict::Status::Won,
            DealStatus::Lost => deal_conflict::Status::Lost,
        }
    }
}

/// Reasons a CAM may give for rejecting a registration (`other` needs a note).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum RejectReason {
    Duplicate,
    ExistingCustomer,
    DirectSalesEngaged,
    OutsideTerritory,
    InsufficientInformation,
    Other,
}

impl RejectReason {
    pub const ALL: [RejectReason; 6] = [
        RejectReason::Duplicate,
        RejectReason::ExistingCustomer,
        RejectReason::DirectSalesEngaged,
        RejectReason::OutsideTerritory,
        RejectReason::InsufficientInformation,
        RejectReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RejectReason::Duplicate => "duplicate",
            RejectReason::ExistingCustomer => "existing_customer",
            RejectReason::DirectSalesEngaged => "direct_sales_engaged",
            RejectReason::OutsideTerritory => "outside_territory",
            RejectReason::InsufficientInformation => "insufficient_information",
            RejectReason::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<RejectReason> {
        RejectReason::ALL.into_iter().find(|reason| reason.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            RejectReason::Duplicate => "Duplicate of an existing registration",
            RejectReason::ExistingCustomer => "Already a customer",
            RejectReason::DirectSalesEngaged => "Our direct sales team is engaged",
            RejectReason::OutsideTerritory => "Outside the partner's territory",
            RejectReason::InsufficientInformation => "Not enough information",
            RejectReason::Other => "Other",
        }
    }
}

/// What happened to a registration, as its history records it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum DealEvent {
    Registered,
    Approved,
    Rejected,
    Withdrawn,
    ExtensionRequested,
    ExtensionApproved,
    ExpiryReminder,
    Expired,
    Won,
    Lost,
}

impl DealEvent {
    pub const ALL: [DealEvent; 10] = [
        DealEvent::Registered,
        DealEvent::Approved,
        DealEvent::Rejected,
        DealEvent::Withdrawn,
        DealEvent::ExtensionRequested,
        DealEvent::ExtensionApproved,
        DealEvent::ExpiryReminder,
        DealEvent::Expired,
        DealEvent::Won,
        DealEvent::Lost,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            DealEvent::Registered => "registered",
            DealEvent::Approved => "approved",
            DealEvent::Rejected => "rejected",
            DealEvent::Withdrawn => "withdrawn",
            DealEvent::ExtensionRequested => "extension_requested",
            DealEvent::ExtensionApproved => "extension_approved",
            DealEvent::ExpiryReminder => "expiry_reminder",
            DealEvent::Expired => "expired",
            DealEvent::Won => "won",
            DealEvent::Lost => "lost",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            DealEvent::Registered => "Registered",
            DealEvent::Approved => "Approved",
            DealEvent::Rejected => "Rejected",
            DealEvent::Withdrawn => "Withdrawn",
            DealEvent::ExtensionRequested => "Extension requested",
            DealEvent::ExtensionApproved => "Extension approved",
            DealEvent::ExpiryReminder => "Expiry reminder",
            DealEvent::Expired => "Expired",
            DealEvent::Won => "Won",
            DealEvent::Lost => "Lost",
        }
    }
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

/// A clash as staff see it in the API and as a registration keeps it (`deals.conflicts`, written when it is
/// registered and when it is approved): the rule's finding, its scores rounded.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Conflict {
    /// same_partner_duplicate, other_partner_protected, other_partner_pending or vendor_direct_account.
    #[schema(value_type = String)]
    pub kind: FindingKind,
    /// definitive, probable or possible: how certain it is that both are one customer.
    #[schema(value_type = String)]
    pub strength: Strength,
    pub deal_id: Option<DealId>,
    /// Fields that matched: domain, name, country, products.
    #[schema(value_type = Vec<String>)]
    pub matched_on: Vec<Field>,
    pub score: f64,
    /// approve, review or reject.
    #[schema(value_type = String)]
    pub recommendation: Decision,
    pub evidence: Vec<EvidenceView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct EvidenceView {
    #[schema(value_type = String)]
    pub field: Field,
    pub score: f64,
    pub detail: String,
}

/// A clash as the registering partner may know it: never the rival registration, its partner, the evidence text or
/// a named account; only the partner's own earlier registration when it duplicates that.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartnerConflict {
    #[schema(value_type = String)]
    pub kind: FindingKind,
    #[schema(value_type = String)]
    pub strength: Strength,
    /// The partner's own registration, for a duplicate of it; null otherwise.
    pub deal_id: Option<DealId>,
    #[schema(value_type = Vec<String>)]
    pub matched_on: Vec<Field>,
    /// A worded reason, such as "Another partner holds a protected registration for probably the same customer:
    /// the web domain and name match."
    pub reason: String,
}

/// A clash as the reader may see it: staff get the evidence, partners their own view.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[serde(untagged)]
pub enum ConflictView {
    Staff(Conflict),
    Partner(PartnerConflict),
}

fn rounded(score: f64) -> f64 {
    (score * 100.0).round() / 100.0
}

impl Conflict {
    pub fn from_finding(f: &Finding) -> Conflict {
        Conflict {
            kind: f.kind,
            strength: f.strength,
            deal_id: f.registration_id,
            matched_on: f.matched_on.clone(),
            score: rounded(f.score),
            recommendation: f.recommendation,
            evidence: f
                .evidence
                .iter()
                .map(|e| EvidenceView { field: e.field, score: rounded(e.score), detail: e.detail.clone() })
                .collect(),
        }
    }

    pub fn for_partner(&self) -> PartnerConflict {
        PartnerConflict {
            kind: self.kind,
            strength: self.strength,
            deal_id: if self.kind == FindingKind::SamePartnerDuplicate { self.deal_id } else { None },
            matched_on: self.matched_on.clone(),
            reason: deal_conflict::partner_reason(self.kind, self.strength, &self.matched_on),
        }
    }

    /// What `user` may see of the clashes.
    pub fn views_for(user: &CurrentUser, conflicts: Vec<Conflict>) -> Vec<ConflictView> {
        if user.role.is_partner() {
            conflicts.iter().map(|c| ConflictView::Partner(c.for_partner())).collect()
        } else {
            conflicts.into_iter().map(ConflictView::Staff).collect()
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
    // A product by its code or its name, ignoring case and spaces.
    let mut products: Vec<String> = Vec::new();
    let mut unknown: Vec<String> = Vec::new();
    for given in input.products.iter().map(|p| p.trim()).filter(|p| !p.is_empty()) {
        let key = match_key(given);
        match known_products.iter().find(|k| match_key(&k.code) == key || match_key(&k.name) == key) {
            Some(k) => products.push(k.code.clone()),
            None => unknown.push(format!("{given:?}")),
        }
    }
    products.sort();
    products.dedup();
    if !unknown.is_empty() {
        let names: Vec<&str> = known_products.iter().map(|k| k.name.as_str()).collect();
        errors.add("products", format!("Unknown product: {}. Choose from: {}.", unknown.join(", "), names.join(", ")));
    } else if products.is_empty() {
        errors.add("products", "Choose at least one product.");
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
    // The rule finds some names (misspelt, run together) less alike in trigrams than the policy's threshold.
    let floor = deal_conflict::candidate_similarity_floor(&rule);
    store::set_similarity_threshold(tx, floor).await?;
    // One group's companies under other public suffixes (philips.com, philips.nl); never a mail provider's label.
    let label = domain.as_deref().filter(|d| !company_names::is_shared_mail_domain(d)).map(company_names::domain_label);
    let candidates =
        store::candidates(tx, &normalized, domain.as_deref(), label.as_deref(), floor, Some(reg.id)).await?;
    let named = store::matching_named_accounts(tx, &normalized, domain.as_deref(), label.as_deref(), floor).await?;
    // Words many of the tenant's customer names share weigh less: their frequencies among its registrations.
    let mut words: Vec<String> = std::iter::once(reg.customer_name.as_str())
        .chain(candidates.iter().map(|c| c.customer_name.as_str()))
        .chain(named.iter().map(|n| n.name.as_str()))
        .flat_map(company_names::frequency_words)
        .collect();
    words.sort();
    words.dedup();
    let (names, frequencies) = store::name_word_frequencies(tx, &words).await?;
    let weights = deal_conflict::NameWeights::from_document_frequencies(names, frequencies);
    let today = crate::program::store::today(tx).await?;
    Ok(deal_conflict::check(reg, &candidates, &named, &rule, &weights, today))
}

/// Rewrites the stored name keys (`normalized_name` of registrations and named accounts) made by an older version of
/// `deal_conflict::normalize_name`, once, when the server starts: the trigram search compares those keys.
pub async fn rekey_names(pool: &sqlx::PgPool) -> Result<(), Error> {
    let mut tx = crate::db::begin(pool).await?;
    if store::lock_name_key_version(&mut tx).await? >= deal_conflict::NAME_KEY_VERSION {
        return Ok(());
    }
    let mut rewritten = 0;
    for tenant in store::tenant_ids(&mut tx).await? {
        store::scope_to(&mut tx, tenant).await?;
        let (deals, named) = store::names_with_keys(&mut tx).await?;
        let (deal_ids, deal_keys): (Vec<DealId>, Vec<String>) = deals
            .into_iter()
            .filter_map(|(id, name, key)| Some((id, deal_conflict::normalize_name(&name))).filter(|(_, k)| *k != key))
            .unzip();
        let (named_ids, named_keys): (Vec<_>, Vec<String>) = named
            .into_iter()
            .filter_map(|(id, name, key)| Some((id, deal_conflict::normalize_name(&name))).filter(|(_, k)| *k != key))
            .unzip();
        rewritten += deal_ids.len() + named_ids.len();
        store::rewrite_name_keys(&mut tx, (&deal_ids, &deal_keys), (&named_ids, &named_keys)).await?;
    }
    store::set_name_key_version(&mut tx, deal_conflict::NAME_KEY_VERSION).await?;
    tx.commit().await?;
    tracing::info!(rewritten, version = deal_conflict::NAME_KEY_VERSION, "customer name keys rewritten");
    Ok(())
}

pub fn registration_of(d: &DealRow) -> Registration {
    Registration {
        id: d.id,
        partner_id: d.partner_id,
        customer_name: d.customer_name.clone(),
        customer_domain: d.customer_domain.clone(),
        country: d.country.clone(),
        products: d.products.clone(),
        status: d.status.into(),
        protected_until: d.protected_until,
    }
}

pub struct Registered {
    pub id: DealId,
    pub status: DealStatus,
    pub conflicts: Vec<Conflict>,
    pub protected_until: Option<NaiveDate>,
}

/// Registers a deal for the caller's partner: validates, checks conflicts, stores it with its findings, tells the
/// reviewer, and approves it at once when the policy auto-approves clean registrations.
pub async fn register(tx: &mut Tx, user: &CurrentUser, base_url: &str, input: DealInput) -> Result<Registered, Error> {
    let partner = user.partner_id.ok_or_else(Error::forbidden)?;
    // Protection windows are days in the program's zone.
    let today = crate::program::store::today(tx).await?;
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
    let id = DealId::new();
    let reg = Registration {
        id,
        partner_id: partner,
        customer_name: v.customer_name.clone(),
        customer_domain: v.customer_domain.clone(),
        country: v.country.clone(),
        products: v.products.clone(),
        status: DealStatus::Pending.into(),
        protected_until: None,
    };
    let findings = findings_for(tx, &reg, policy).await?;
    let approve = policy.auto_approve_clean && findings.is_empty();
    let (status, protected_until) = if approve {
        (DealStatus::Approved, Some(today + Duration::days(i64::from(policy.protection_days))))
    } else {
        (DealStatus::Pending, None)
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
            conflicts: &conflicts,
            protected_until,
        },
        approve.then_some("Approved automatically: no conflicts."),
        store::Mail { to: &context.reviewers, subject: &subject, body: &body },
    )
    .await?;
    if let Some(until) = protected_until {
        let to = Recipient { tenant: user.tenant_id, partner, registered_by: user.id, deal: id, base_url };
        notify_partner_of(tx, to, &v.customer_name, PartnerNotice::Approved(until)).await?;
    }
    Ok(Registered { id, status, conflicts, protected_until })
}

/// Who hears about a registration: the partner's admins and the person who registered it; and where the
/// registration is (the server's base URL).
#[derive(Clone, Copy)]
struct Recipient<'a> {
    tenant: TenantId,
    partner: PartnerId,
    registered_by: UserId,
    deal: DealId,
    base_url: &'a str,
}

impl<'a> Recipient<'a> {
    fn of(tenant: TenantId, deal: &DealRow, base_url: &'a str) -> Recipient<'a> {
        Recipient { tenant, partner: deal.partner_id, registered_by: deal.registered_by, deal: deal.id, base_url }
    }
}

/// What a partner is told about its registration.
#[derive(Clone, Copy)]
enum PartnerNotice {
    /// Approved and protected until then.
    Approved(NaiveDate),
    Rejected,
    /// Protected for longer, until then.
    Extended(NaiveDate),
    /// The protection ends then.
    Expiring(Option<NaiveDate>),
    Expired,
}

async fn notify_partner_of(tx: &mut Tx, to: Recipient<'_>, customer: &str, notice: PartnerNotice) -> Result<(), Error> {
    let day = crate::web::format::date;
    let (subject, line) = match notice {
        PartnerNotice::Approved(until) => (
            format!("Deal registration approved: {customer}"),
            format!("Your registration for {customer} is approved and protected until {}.", day(until)),
        ),
        PartnerNotice::Rejected => (
            format!("Deal registration rejected: {customer}"),
            format!("Your registration for {customer} was rejected."),
        ),
        PartnerNotice::Extended(until) => (
            format!("Deal registration extended: {customer}"),
            format!("The protection of your registration for {customer} now runs until {}.", day(until)),
        ),
        PartnerNotice::Expiring(until) => (
            format!("Deal registration expiring: {customer}"),
            format!(
                "Your protection for {customer} ends on {}. Close the deal or ask for an extension before then.",
                until.map(day).unwrap_or_default()
            ),
        ),
        PartnerNotice::Expired => {
            (format!("Deal registration expired: {customer}"), format!("Your protection for {customer} has ended."))
        }
    };
    for address in store::partner_recipients(tx, to.partner, to.registered_by).await? {
        let body = format!("{line}\n\nSee the registration: {}/deals/{}\n", to.base_url, to.deal);
        outbox::enqueue(tx, to.tenant, &address, &subject, &body).await?;
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

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ApproveInput {
    /// Why the registration is approved although it is probably the same customer as one another partner (or this
    /// partner) already holds: required then, 10 to 1000 characters; ignored otherwise.
    #[serde(default)]
    #[schema(min_length = 10, max_length = 1000)]
    pub override_reason: Option<String>,
}

/// Approves a pending registration. Under the tenant's approval lock, the conflicts are checked again against the
/// claims that hold (another partner's protected registration, the partner's own approved one): the same customer
/// for certain is refused; probably the same customer needs `override_reason`, which the registration keeps.
pub async fn approve(
    tx: &mut Tx,
    user: &CurrentUser,
    base_url: &str,
    id: DealId,
    input: ApproveInput,
) -> Result<NaiveDate, Error> {
    let scope = decider_scope(user)?;
    store::get(tx, scope, id, false).await?.ok_or(Error::NotFound)?;
    store::lock_approvals(tx).await?;
    let deal = store::get(tx, scope, id, true).await?.ok_or(Error::NotFound)?;
    if deal.status != DealStatus::Pending {
        return Err(conflict_state(&deal, "approved"));
    }
    let policy = store::policy(tx).await?;
    let findings = findings_for(tx, &registration_of(&deal), &policy).await?;
    // A duplicate of the partner's own registration holds only once that one is approved; pending ones lose the race.
    let own: Vec<DealId> = findings
        .iter()
        .filter(|f| f.kind == FindingKind::SamePartnerDuplicate && f.strength.blocks_without_override())
        .filter_map(|f| f.registration_id)
        .collect();
    let own_approved = store::approved_among(tx, &own).await?;
    let holding: Vec<&Finding> = findings
        .iter()
        .filter(|f| {
            f.blocks_approval_without_override()
                || f.registration_id
                    .is_some_and(|r| f.kind == FindingKind::SamePartnerDuplicate && own_approved.contains(&r))
        })
        .collect();
    let whose =
        |f: &Finding| if f.kind == FindingKind::SamePartnerDuplicate { "This partner" } else { "Another partner" };
    if let Some(f) = holding.iter().find(|f| f.strength.blocks_even_with_override()) {
        return Err(Error::Conflict(format!(
            "{} already holds an approved, unexpired registration for this customer.",
            whose(f)
        )));
    }
    let override_reason = match holding.first() {
        None => None,
        Some(f) => {
            let reason = input.override_reason.as_deref().map(str::trim).unwrap_or("");
            let chars = reason.chars().count();
            if chars == 0 {
                return Err(Error::invalid(
                    "override_reason",
                    format!(
                        "{} already holds an approved registration for probably the same customer. To approve anyway, \
                         say how you checked that they are different customers.",
                        whose(f)
                    ),
                ));
            }
            if !(10..=1000).contains(&chars) {
                return Err(Error::invalid("override_reason", "Use 10 to 1000 characters."));
            }
            Some(reason.to_string())
        }
    };
    let until = crate::program::store::today(tx).await? + Duration::days(i64::from(policy.protection_days));
    let conflicts: Vec<Conflict> = findings.iter().map(Conflict::from_finding).collect();
    store::approve(tx, id, user.id, until, &conflicts, override_reason.as_deref()).await?;
    match &override_reason {
        Some(reason) => {
            let note = format!("Approved over a probable clash: {reason}");
            store::record_approval_with_staff_note(tx, user.tenant_id, id, user.id, &note).await?
        }
        None => {
            store::record_event(
                tx,
                user.tenant_id,
                id,
                Some(user.id),
                DealEvent::Approved,
                Some(DealStatus::Pending),
                DealStatus::Approved,
                None,
            )
            .await?
        }
    }
    let to = Recipient::of(user.tenant_id, &deal, base_url);
    notify_partner_of(tx, to, &deal.customer_name, PartnerNotice::Approved(until)).await?;
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

const CHOOSE_A_REASON: &str = "Choose a reason: duplicate, existing_customer, direct_sales_engaged, outside_territory, insufficient_information or other.";

pub async fn reject(
    tx: &mut Tx,
    user: &CurrentUser,
    base_url: &str,
    id: DealId,
    input: RejectInput,
) -> Result<(), Error> {
    let scope = decider_scope(user)?;
    let deal = store::get(tx, scope, id, true).await?.ok_or(Error::NotFound)?;
    let mut errors = FieldErrors::new();
    let reason = RejectReason::parse(input.reason.trim());
    if reason.is_none() {
        errors.add("reason", CHOOSE_A_REASON);
    }
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if reason == Some(RejectReason::Other) && note.is_none() {
        errors.add("note", "Say why when the reason is \"other\".");
    }
    if note.is_some_and(|n| n.chars().count() > 2000) {
        errors.add("note", "Use at most 2000 characters.");
    }
    errors.into_result()?;
    let Some(reason) = reason else { return Err(Error::invalid("reason", CHOOSE_A_REASON)) };
    if deal.status != DealStatus::Pending {
        return Err(conflict_state(&deal, "rejected"));
    }
    store::reject(tx, id, user.id, reason, note).await?;
    let why = match note {
        Some(n) => format!("{}: {n}", reason.label()),
        None => reason.label().to_string(),
    };
    store::record_event(
        tx,
        user.tenant_id,
        id,
        Some(user.id),
        DealEvent::Rejected,
        Some(DealStatus::Pending),
        DealStatus::Rejected,
        Some(&why),
    )
    .await?;
    let to = Recipient::of(user.tenant_id, &deal, base_url);
    notify_partner_of(tx, to, &deal.customer_name, PartnerNotice::Rejected).await?;
    Ok(())
}

pub async fn withdraw(tx: &mut Tx, user: &CurrentUser, id: DealId) -> Result<(), Error> {
    let scope = partner_scope(user)?;
    let deal = store::get(tx, scope, id, true).await?.ok_or(Error::NotFound)?;
    if deal.status != DealStatus::Pending {
        return Err(conflict_state(&deal, "withdrawn"));
    }
    store::withdraw(tx, id).await?;
    store::record_event(
        tx,
        user.tenant_id,
        id,
        Some(user.id),
        DealEvent::Withdrawn,
        Some(DealStatus::Pending),
        DealStatus::Withdrawn,
        None,
    )
    .await?;
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
    id: DealId,
    input: ExtendInput,
) -> Result<(), Error> {
    let scope = partner_scope(user)?;
    let deal = store::get(tx, scope, id, true).await?.ok_or(Error::NotFound)?;
    let note = input.note.as_deref().map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 2000) {
        return Err(Error::invalid("note", "Use at most 2000 characters."));
    }
    if deal.status != DealStatus::Approved {
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
    store::request_extension(tx, id, note).await?;
    store::record_event(
        tx,
        user.tenant_id,
        id,
        Some(user.id),
        DealEvent::ExtensionRequested,
        Some(DealStatus::Approved),
        DealStatus::Approved,
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

pub async fn approve_extension(
    tx: &mut Tx,
    user: &CurrentUser,
    base_url: &str,
    id: DealId,
) -> Result<NaiveDate, Error> {
    let scope = decider_scope(user)?;
    let deal = store::get(tx, scope, id, true).await?.ok_or(Error::NotFound)?;
    if deal.status != DealStatus::Approved || deal.extension_requested_at.is_none() {
        return Err(Error::Conflict("There is no extension request waiting on this registration.".into()));
    }
    let policy = store::policy(tx).await?;
    let today = crate::program::store::today(tx).await?;
    let base = deal.protected_until.unwrap_or(today).max(today);
    let until = base + Duration::days(i64::from(policy.extension_days));
    store::extend(tx, id, until).await?;
    let note = format!("Protected until {until}");
    store::record_event(
        tx,
        user.tenant_id,
        id,
        Some(user.id),
        DealEvent::ExtensionApproved,
        Some(DealStatus::Approved),
        DealStatus::Approved,
        Some(&note),
    )
    .await?;
    let to = Recipient::of(user.tenant_id, &deal, base_url);
    notify_partner_of(tx, to, &deal.customer_name, PartnerNotice::Extended(until)).await?;
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

/// Closes an approved registration as won or lost; answers which.
pub async fn close(tx: &mut Tx, user: &CurrentUser, id: DealId, input: CloseInput) -> Result<DealStatus, Error> {
    let scope = match user.role {
        Role::ChannelChief => return Err(Error::forbidden()),
        _ => user.scope(),
    };
    let deal = store::get(tx, scope, id, true).await?.ok_or(Error::NotFound)?;
    let mut errors = FieldErrors::new();
    let outcome = match DealStatus::parse(input.outcome.trim()) {
        Some(won_or_lost @ (DealStatus::Won | DealStatus::Lost)) => won_or_lost,
        _ => {
            errors.add("outcome", "Choose won or lost.");
            DealStatus::Lost
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
    if deal.status != DealStatus::Approved {
        return Err(conflict_state(&deal, "closed"));
    }
    let won = outcome == DealStatus::Won;
    let amount = if won { Some(amount.unwrap_or(deal.estimated_value)) } else { amount };
    store::close(tx, id, outcome, amount).await?;
    let note = amount.map(|a| format!("{} {a}", deal.currency));
    let event = if won { DealEvent::Won } else { DealEvent::Lost };
    store::record_event(
        tx,
        user.tenant_id,
        id,
        Some(user.id),
        event,
        Some(DealStatus::Approved),
        outcome,
        note.as_deref(),
    )
    .await?;
    if won {
        store::mark_producing(tx, deal.partner_id).await?;
    }
    Ok(outcome)
}

/// Expires approved registrations whose window has passed and sends reminders before expiry. Rows are claimed with
/// `FOR UPDATE SKIP LOCKED`, so instances running this at once never expire or remind twice.
pub async fn expire_and_remind(
    tx: &mut Tx,
    tenant: TenantId,
    base_url: &str,
    today: NaiveDate,
) -> Result<(usize, usize), Error> {
    let due = store::claim_expired(tx, today).await?;
    for d in &due {
        store::expire(tx, d.id).await?;
        store::record_event(
            tx,
            tenant,
            d.id,
            None,
            DealEvent::Expired,
            Some(DealStatus::Approved),
            DealStatus::Expired,
            None,
        )
        .await?;
        notify_partner_of(tx, d.recipient(tenant, base_url), &d.customer_name, PartnerNotice::Expired).await?;
    }
    let policy = store::policy(tx).await?;
    let remind = store::claim_reminders(tx, today, policy.reminder_days).await?;
    for d in &remind {
        store::mark_reminded(tx, d.id).await?;
        store::record_event(
            tx,
            tenant,
            d.id,
            None,
            DealEvent::ExpiryReminder,
            Some(DealStatus::Approved),
            DealStatus::Approved,
            None,
        )
        .await?;
        notify_partner_of(
            tx,
            d.recipient(tenant, base_url),
            &d.customer_name,
            PartnerNotice::Expiring(d.protected_until),
        )
        .await?;
    }
    Ok((due.len(), remind.len()))
}

impl store::Expiring {
    fn recipient<'a>(&self, tenant: TenantId, base_url: &'a str) -> Recipient<'a> {
        Recipient { tenant, partner: self.partner_id, registered_by: self.registered_by, deal: self.id, base_url }
    }
}
