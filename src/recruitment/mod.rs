//! Recruitment: the public "become a partner" application, its fit score against the ideal partner profile, the
//! review queue, and approval into a partner (with CAM, partner admin invitation and onboarding checklist) in one
//! transaction.

pub mod api;
pub mod pages;
pub mod store;

use std::net::IpAddr;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::CurrentUser;
use crate::countries;
use crate::db::{self, Tx};
use crate::error::{Error, FieldErrors, violates};
use crate::ids::{ApplicationId, NoteId, PartnerId, TenantId, UserId};
use crate::partners::LifeStage;
use crate::rules::cam_assignment;
use crate::rules::fit_score::{self, Applicant, FitScore, IdealProfile};
use crate::vocabularies::Vocabularies;
use crate::{outbox, validate};

/// Applications from one address per hour, across tenants.
pub const MAX_PER_HOUR: i64 = 5;
/// Applications to one tenant per hour, from all addresses together: each mails the applicant and every program
/// admin, so the form must not become a way to send mail without end.
pub const MAX_PER_TENANT_PER_HOUR: i64 = 30;

/// Where an application stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ApplicationStatus {
    Submitted,
    Approved,
    Rejected,
}

impl ApplicationStatus {
    pub const ALL: [ApplicationStatus; 3] =
        [ApplicationStatus::Submitted, ApplicationStatus::Approved, ApplicationStatus::Rejected];

    pub fn as_str(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "submitted",
            ApplicationStatus::Approved => "approved",
            ApplicationStatus::Rejected => "rejected",
        }
    }

    pub fn parse(s: &str) -> Option<ApplicationStatus> {
        ApplicationStatus::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            ApplicationStatus::Submitted => "Submitted",
            ApplicationStatus::Approved => "Approved",
            ApplicationStatus::Rejected => "Rejected",
        }
    }

    /// The badge colour; a stale application waiting for a decision stands out.
    pub fn badge(self, stale: bool) -> &'static str {
        match self {
            ApplicationStatus::Submitted if stale => "badge-red",
            ApplicationStatus::Submitted => "badge-yellow",
            ApplicationStatus::Approved => "badge-green",
            ApplicationStatus::Rejected => "badge-gray",
        }
    }
}

/// What an applicant sends. Text fields as text and `employees` as a number or numeric text, so that every field can
/// be checked and named at once.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct ApplicationInput {
    #[serde(default)]
    pub company_name: String,
    /// The company's web address, such as `acme.com` or `https://www.acme.com`.
    #[serde(default)]
    pub website: String,
    /// ISO 3166-1 alpha-2.
    #[serde(default)]
    pub country: String,
    #[serde(default)]
    pub contact_name: String,
    #[serde(default)]
    pub contact_email: String,
    /// Number of employees (1 or more).
    #[serde(default)]
    #[schema(value_type = i32)]
    pub employees: serde_json::Value,
    /// Codes: financial_services, healthcare, manufacturing, retail, public_sector, education, technology, telecom,
    /// energy, media.
    #[serde(default)]
    pub verticals: Vec<String>,
    /// Codes: resale, implementation, managed_services, consulting, integration, training, support, development.
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub message: Option<String>,
    /// Leave empty.
    #[serde(default)]
    pub fax: Option<String>,
}

struct Valid {
    company_name: String,
    website: String,
    country: String,
    region: &'static str,
    contact_name: String,
    contact_email: String,
    employees: i32,
    verticals: Vec<String>,
    services: Vec<String>,
    message: String,
}

fn validate_input(input: &ApplicationInput, vocabularies: &Vocabularies) -> Result<Valid, Error> {
    let mut errors = FieldErrors::new();
    let company_name = validate::text(&mut errors, "company_name", &input.company_name, 200);
    let website = website(&mut errors, "website", &input.website);
    let country = validate::country(&mut errors, "country", &input.country);
    let contact_name = validate::text(&mut errors, "contact_name", &input.contact_name, 200);
    let contact_email = validate::email(&mut errors, "contact_email", &input.contact_email);
    let employees = employees(&mut errors, "employees", &input.employees);
    let verticals = vocabularies.verticals.choose(&mut errors, "verticals", "vertical", &input.verticals, true);
    let services = vocabularies.services.choose(&mut errors, "services", "service", &input.services, true);
    let message = input.message.as_deref().unwrap_or("").trim().to_string();
    if message.chars().count() > 5000 {
        errors.add("message", "Use at most 5000 characters.");
    }
    errors.into_result()?;
    Ok(Valid {
        region: countries::region_of(&country).unwrap_or("EMEA"),
        company_name,
        website,
        country,
        contact_name,
        contact_email,
        employees,
        verticals,
        services,
        message,
    })
}

/// A web address with a host that has a dot; `acme.com` becomes `https://acme.com`.
fn website(errors: &mut FieldErrors, field: &str, raw: &str) -> String {
    let v = raw.trim();
    if v.is_empty() {
        errors.add(field, "Enter your company's website, such as acme.com.");
        return String::new();
    }
    let full = if v.contains("://") { v.to_string() } else { format!("https://{v}") };
    let ok = v.len() <= 253
        && url::Url::parse(&full).is_ok_and(|u| {
            matches!(u.scheme(), "http" | "https")
                && u.host_str().is_some_and(|h| h.contains('.') && !h.starts_with('.') && !h.ends_with('.'))
        });
    if !ok {
        errors.add(field, "Enter a web address such as acme.com or https://www.acme.com.");
    }
    full.trim_end_matches('/').to_string()
}

fn employees(errors: &mut FieldErrors, field: &str, raw: &serde_json::Value) -> i32 {
    let n = match raw {
        serde_json::Value::Number(n) => n.as_i64(),
        serde_json::Value::String(s) => s.trim().replace([',', ' ', '_'], "").parse::<i64>().ok(),
        _ => None,
    };
    match n {
        Some(n) if (1..=10_000_000).contains(&n) => n as i32,
        Some(_) => {
            errors.add(field, "Enter a number of employees between 1 and 10,000,000.");
            0
        }
        None if raw.is_null() || raw.as_str().is_some_and(|s| s.trim().is_empty()) => {
            errors.add(field, "Enter how many people work for your company.");
            0
        }
        None => {
            errors.add(field, "Enter a whole number, such as 120.");
            0
        }
    }
}

impl From<&store::ProfileRow> for IdealProfile {
    fn from(p: &store::ProfileRow) -> Self {
        IdealProfile {
            countries: p.countries.clone(),
            regions: p.regions.clone(),
            verticals: p.verticals.clone(),
            services: p.services.clone(),
            min_employees: p.min_employees,
        }
    }
}

/// The tenant a public form belongs to: id and display name.
pub async fn tenant_by_slug(pool: &sqlx::PgPool, slug: &str) -> Result<(TenantId, String), Error> {
    let slug = slug.trim().to_lowercase();
    if !crate::tenants::is_slug(&slug) {
        return Err(Error::NotFound);
    }
    store::tenant_by_slug(pool, &slug).await?.ok_or(Error::NotFound)
}

/// The keys the public form's limits count under: the sender's address (across tenants) and the tenant.
fn rate_keys(tenant: TenantId, ip: Option<IpAddr>) -> [String; 2] {
    [format!("apply-tenant:{tenant}"), format!("apply:{}", crate::auth::client::address_key(ip))]
}

/// Counts this submission under its limits, atomically: the keys are locked for the transaction, so submissions made
/// at once take turns and each sees those before it. Refuses (429) a tenant or an address already at its limit.
async fn claim_submission(tx: &mut Tx, keys: &[String; 2]) -> Result<(), Error> {
    let counts = store::lock_and_count_submissions(tx, keys).await?;
    let limits = [MAX_PER_TENANT_PER_HOUR, MAX_PER_HOUR];
    let waits = counts.iter().zip(limits).filter(|((count, _), max)| count >= max).map(|((_, oldest), _)| {
        oldest.map(|o| (o + Duration::hours(1) - Utc::now()).num_seconds().max(1)).unwrap_or(3600) as u64
    });
    if let Some(retry_after) = waits.max() {
        return Err(Error::TooManyRequests { retry_after });
    }
    store::record_submission(tx, keys).await?;
    Ok(())
}

pub struct Submitted {
    pub id: ApplicationId,
    pub fit_score: i32,
}

/// What became of a submission.
pub enum Submission {
    Stored(Submitted),
    /// The honeypot was filled: nothing stored and nobody mailed, and the sender is answered as if it were stored
    /// (a made-up id), so that a bot learns nothing.
    Discarded(Submitted),
}

/// Stores an application for the tenant (after the spam checks), scores it, confirms it to the applicant and tells
/// the program admins. The confirmation carries nothing the applicant wrote: the form would otherwise let anyone
/// mail their text to any address under the tenant's name.
pub async fn submit(
    pool: &sqlx::PgPool,
    base_url: &str,
    tenant: (TenantId, String),
    ip: Option<IpAddr>,
    input: ApplicationInput,
) -> Result<Submission, Error> {
    let (tenant_id, tenant_name) = tenant;
    let mut tx = db::begin_tenant(pool, tenant_id, None).await?;
    let vocabularies = crate::vocabularies::store::load(&mut tx).await?;
    // Invalid input ends here: the transaction is dropped, and nothing counted or stored.
    let v = validate_input(&input, &vocabularies)?;
    claim_submission(&mut tx, &rate_keys(tenant_id, ip)).await?;
    let profile = store::profile(&mut tx).await?;
    let fit = fit_score::score(
        &IdealProfile::from(&profile),
        &Applicant {
            country: &v.country,
            region: v.region,
            employees: v.employees,
            verticals: &v.verticals,
            services: &v.services,
        },
        &vocabularies.fit_labels(),
    );
    if input.fax.as_deref().is_some_and(|f| !f.trim().is_empty()) {
        // The limits count it all the same: a bot must not tell from them either.
        tx.commit().await?;
        return Ok(Submission::Discarded(Submitted { id: ApplicationId::new(), fit_score: i32::from(fit.score) }));
    }
    let id = store::insert(
        &mut tx,
        store::NewApplication {
            tenant_id,
            company_name: &v.company_name,
            website: &v.website,
            country: &v.country,
            region: v.region,
            contact_name: &v.contact_name,
            contact_email: &v.contact_email,
            employees: v.employees,
            verticals: &v.verticals,
            services: &v.services,
            message: &v.message,
            fit_score: i32::from(fit.score),
            fit: serde_json::to_value(&fit).map_err(anyhow::Error::from)?,
        },
    )
    .await?;
    let subject = format!("We received your application to the {tenant_name} partner program");
    let body = format!(
        "Hello,\n\nThank you for applying to the {tenant_name} partner program.\n\n\
         Our channel team reviews every application and will get back to you. If we approve it, you will receive an \
         invitation to the partner portal at this address.\n\nIf you did not apply, you need not do anything.\n"
    );
    outbox::enqueue(&mut tx, tenant_id, &v.contact_email, &subject, &body).await?;
    let subject = format!("New partner application: {} ({} % fit)", v.company_name, fit.score);
    let body = format!(
        "{} from {} applied to become a partner.\n\nFit with the ideal partner profile: {} %\n{}\n\nReview it: {base_url}/applications/{id}\n",
        v.contact_name,
        v.company_name,
        fit.score,
        explain(&fit)
    );
    for to in store::admin_recipients(&mut tx).await? {
        outbox::enqueue(&mut tx, tenant_id, &to, &subject, &body).await?;
    }
    tx.commit().await?;
    Ok(Submission::Stored(Submitted { id, fit_score: i32::from(fit.score) }))
}

fn explain(fit: &FitScore) -> String {
    fit.criteria
        .iter()
        .map(|c| format!("- {}: {}/{} — {}", c.label, c.points, c.max, c.detail))
        .collect::<Vec<_>>()
        .join("\n")
}

/// What approving created.
pub struct Approved {
    pub partner_id: PartnerId,
    pub partner_admin_user_id: UserId,
    pub cam_id: Option<UserId>,
}

fn already_decided(a: &store::ApplicationRow) -> Error {
    let when = a.decided_at.map(crate::web::format::day).unwrap_or_default();
    Error::Conflict(format!("This application was already {} on {when}.", a.status.as_str()))
}

/// Approves an application in one transaction: the partner (life-stage onboarding) with its CAM — the one chosen, or
/// the least-loaded CAM of the partner's region —, the contact as partner admin with an invitation email, and the
/// onboarding checklist from the tenant's template. Any failure leaves nothing behind (the caller's transaction).
pub async fn approve(
    tx: &mut Tx,
    actor: &CurrentUser,
    base_url: &str,
    id: ApplicationId,
    cam: Option<&str>,
) -> Result<Approved, Error> {
    let app = store::get(tx, id, true).await?.ok_or(Error::NotFound)?;
    if app.status != ApplicationStatus::Submitted {
        return Err(already_decided(&app));
    }
    let mut errors = FieldErrors::new();
    let chosen = validate::optional_id(&mut errors, "cam_id", cam);
    if let Some(c) = chosen {
        if !crate::partners::store::is_cam(tx, c).await? {
            errors.add("cam_id", "This user is not an active channel account manager.");
        }
    }
    errors.into_result()?;
    let cam_id = match chosen {
        Some(c) => Some(c),
        None => cam_assignment::least_loaded(&store::cam_loads(tx, &app.region).await?).map(|c| c.id),
    };
    // A new partner starts in the program's entry tier.
    let tier = crate::tiers::store::entry_code(tx).await?.unwrap_or_else(|| "registered".into());
    let partner_id = crate::partners::store::insert(
        tx,
        crate::partners::store::NewPartner {
            tenant_id: actor.tenant_id,
            name: &app.company_name,
            country: &app.country,
            region: &app.region,
            tier: &tier,
            cam_id,
            life_stage: LifeStage::Onboarding,
        },
    )
    .await
    .map_err(|e| {
        if violates(&e, "partners_name_key") {
            Error::Conflict(format!(
                "A partner named \"{}\" already exists. Reject this application as a duplicate, or rename the existing partner first.",
                app.company_name
            ))
        } else {
            e.into()
        }
    })?;
    let user = crate::users::store::insert(
        tx,
        crate::users::store::NewUser {
            tenant_id: actor.tenant_id,
            email: &app.contact_email,
            name: &app.contact_name,
            role: crate::auth::Role::PartnerAdmin,
            partner_id: Some(partner_id),
            password_hash: None,
        },
    )
    .await
    .map_err(|e| {
        if violates(&e, "users_tenant_id_email_key") {
            Error::Conflict(format!(
                "A user with the contact's email address {} already exists, so the partner admin cannot be created. Nothing was changed.",
                app.contact_email
            ))
        } else {
            e.into()
        }
    })?;
    crate::users::invitations::invite(tx, actor, user, &app.contact_email, &app.contact_name, base_url).await?;
    // The checklist's due dates count from today in the program's zone.
    let signed = crate::program::store::today(tx).await?;
    crate::onboarding::store::create_checklist(tx, actor.tenant_id, partner_id, signed).await?;
    store::decide(tx, id, ApplicationStatus::Approved, actor.id, None, Some(partner_id)).await?;
    Ok(Approved { partner_id, partner_admin_user_id: user, cam_id })
}

/// Rejects an application with a reason (kept for the team) and tells the applicant politely.
pub async fn reject(tx: &mut Tx, actor: &CurrentUser, id: ApplicationId, reason: &str) -> Result<(), Error> {
    let app = store::get(tx, id, true).await?.ok_or(Error::NotFound)?;
    let mut errors = FieldErrors::new();
    let reason = validate::text(&mut errors, "reason", reason, 1000);
    if app.status != ApplicationStatus::Submitted {
        return Err(already_decided(&app));
    }
    errors.into_result()?;
    store::decide(tx, id, ApplicationStatus::Rejected, actor.id, Some(&reason), None).await?;
    let subject = format!("Your application to the {} partner program", actor.tenant_name);
    let body = format!(
        "Hello {},\n\nThank you for your interest in the {} partner program. After reviewing the application of {}, \
         we are not able to offer a partnership at this time.\n\nYou are welcome to apply again when your business changes.\n",
        app.contact_name, actor.tenant_name, app.company_name
    );
    outbox::enqueue(tx, actor.tenant_id, &app.contact_email, &subject, &body).await?;
    Ok(())
}

pub async fn add_note(tx: &mut Tx, actor: &CurrentUser, id: ApplicationId, body: &str) -> Result<NoteId, Error> {
    store::get(tx, id, false).await?.ok_or(Error::NotFound)?;
    let mut errors = FieldErrors::new();
    let body = validate::text(&mut errors, "body", body, 5000);
    errors.into_result()?;
    Ok(store::add_note(tx, actor.tenant_id, id, actor.id, &body).await?)
}

/// The badge colour of a fit score.
pub fn fit_badge(score: i32) -> &'static str {
    match score {
        75.. => "badge-green",
        50..=74 => "badge-yellow",
        _ => "badge-gray",
    }
}

pub fn age_days(at: DateTime<Utc>) -> i64 {
    (Utc::now() - at).num_days()
}

/// The ideal profile as the program admin edits it; every field checked and named.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct ProfileInput {
    /// ISO 3166-1 alpha-2 codes.
    #[serde(default)]
    pub countries: Vec<String>,
    /// NA, LATAM, EMEA or APAC.
    #[serde(default)]
    pub regions: Vec<String>,
    #[serde(default)]
    pub verticals: Vec<String>,
    #[serde(default)]
    pub services: Vec<String>,
    #[serde(default)]
    pub min_employees: String,
    #[serde(default)]
    pub stale_days: String,
}

/// The program's vocabularies, for the public application form (outside any session).
pub async fn vocabularies_of(pool: &sqlx::PgPool, tenant: TenantId) -> Result<Vocabularies, Error> {
    let mut tx = db::begin_tenant(pool, tenant, None).await?;
    let vocabularies = crate::vocabularies::store::load(&mut tx).await?;
    tx.commit().await?;
    Ok(vocabularies)
}

pub fn parse_profile(input: &ProfileInput, vocabularies: &Vocabularies) -> Result<store::ProfileRow, Error> {
    let mut errors = FieldErrors::new();
    let mut countries = Vec::new();
    for c in input.countries.iter().flat_map(|c| c.split([',', ' '])).map(|c| c.trim().to_uppercase()) {
        if c.is_empty() {
            continue;
        }
        if !countries::is_country(&c) {
            errors.add("countries", format!("{c} is not an ISO 3166-1 country code."));
        } else if !countries.contains(&c) {
            countries.push(c);
        }
    }
    let mut regions = Vec::new();
    for r in input.regions.iter().map(|r| r.trim().to_uppercase()).filter(|r| !r.is_empty()) {
        if !crate::partners::REGIONS.contains(&r.as_str()) {
            errors.add("regions", format!("Choose regions from: {}.", crate::partners::REGIONS.join(", ")));
        } else if !regions.contains(&r) {
            regions.push(r);
        }
    }
    let verticals = vocabularies.verticals.choose(&mut errors, "verticals", "vertical", &input.verticals, false);
    let services = vocabularies.services.choose(&mut errors, "services", "service", &input.services, false);
    let min_employees = match input.min_employees.trim() {
        "" => 0,
        s => match s.replace([',', ' '], "").parse::<i32>() {
            Ok(n) if (0..=1_000_000).contains(&n) => n,
            _ => {
                errors.add("min_employees", "Enter a whole number from 0 to 1,000,000 (0: no minimum).");
                0
            }
        },
    };
    let stale_days = match input.stale_days.trim().parse::<i32>() {
        Ok(n) if (1..=365).contains(&n) => n,
        _ => {
            errors.add("stale_days", "Enter a number of days from 1 to 365.");
            7
        }
    };
    errors.into_result()?;
    Ok(store::ProfileRow { countries, regions, verticals, services, min_employees, stale_days })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bare_domain_becomes_an_https_address() {
        let mut e = FieldErrors::new();
        assert_eq!(website(&mut e, "website", " acme.com/ "), "https://acme.com");
        assert!(e.is_empty());
    }

    #[test]
    fn a_website_without_a_dotted_host_is_refused() {
        for bad in ["acme", "ftp://acme.com", "https://", "http://.com", "not a url at all"] {
            let mut e = FieldErrors::new();
            website(&mut e, "website", bad);
            assert!(e.get("website").is_some(), "{bad}");
        }
    }

    #[test]
    fn employees_accept_numbers_and_numeric_text() {
        let mut e = FieldErrors::new();
        assert_eq!(employees(&mut e, "employees", &serde_json::json!(120)), 120);
        assert_eq!(employees(&mut e, "employees", &serde_json::json!("1,200")), 1200);
        assert!(e.is_empty());
        for bad in [serde_json::json!(0), serde_json::json!("many"), serde_json::json!(null), serde_json::json!(1.5)] {
            let mut e = FieldErrors::new();
            employees(&mut e, "employees", &bad);
            assert!(e.get("employees").is_some(), "{bad}");
        }
    }

    #[test]
    fn verticals_and_services_are_taken_by_code_or_label_and_unknown_ones_named() {
        let input = ApplicationInput {
            verticals: vec!["healthcare".into(), "gaming".into()],
            services: vec!["Managed services".into()],
            ..ApplicationInput::default()
        };
        let Err(Error::Invalid(e)) = validate_input(&input, &Vocabularies::defaults()) else { panic!("accepted") };
        assert!(e.get("verticals").unwrap().contains("gaming"));
        assert!(e.get("services").is_none(), "a label is taken: {:?}", e.get("services"));
    }

    #[test]
    fn every_field_of_an_empty_application_is_named() {
        let Err(Error::Invalid(e)) = validate_input(&ApplicationInput::default(), &Vocabularies::defaults()) else {
            panic!("accepted")
        };
        for f in [
            "company_name",
            "website",
            "country",
            "contact_name",
            "contact_email",
            "employees",
            "verticals",
            "services",
        ] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }
}
