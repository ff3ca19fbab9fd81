//! Certifications: the program's certification types (each valid for some months), and the partners' people who hold
//! them. A partner admin records one with its certificate (or imports a CSV); the partner's CAM verifies it. A
//! certification counts (tier requirements, scorecards) while it is verified and not expired: `expires_on` is the day
//! it was earned plus the type's validity, so an expired one stops counting the next day with nothing to run.
//! Contract: docs/api.md.

pub mod api;
pub mod demo;
pub mod pages;
pub mod store;

use chrono::{Months, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{CertificationId, CertificationTypeId, PartnerId};
use crate::outbox::store as outbox;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum CertStatus {
    /// Recorded by the partner, waiting for the CAM.
    Pending,
    Verified,
    Rejected,
}

impl CertStatus {
    pub fn parse(s: &str) -> Option<CertStatus> {
        match s {
            "pending" => Some(CertStatus::Pending),
            "verified" => Some(CertStatus::Verified),
            "rejected" => Some(CertStatus::Rejected),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            CertStatus::Pending => "Awaiting verification",
            CertStatus::Verified => "Verified",
            CertStatus::Rejected => "Rejected",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Source {
    Manual,
    Import,
}

/// The day a certification earned on `earned_on` stops counting after: its validity later, less nothing (it counts
/// through `expires_on`).
pub fn expires_on(earned_on: NaiveDate, validity_months: i32) -> NaiveDate {
    earned_on.checked_add_months(Months::new(validity_months.max(1) as u32)).unwrap_or(NaiveDate::MAX)
}

/// Whether a certification counts on `today`.
pub fn counts(status: CertStatus, expires_on: NaiveDate, today: NaiveDate) -> bool {
    status == CertStatus::Verified && expires_on >= today
}

/// A code made from a name: lowercase letters, digits and underscores, at most 40.
pub fn code_from(name: &str) -> String {
    let mut code = String::new();
    for c in name.trim().chars().flat_map(char::to_lowercase) {
        if c.is_ascii_alphanumeric() {
            code.push(c);
        } else if !code.is_empty() && !code.ends_with('_') {
            code.push('_');
        }
        if code.len() >= 40 {
            break;
        }
    }
    code.trim_end_matches('_').to_string()
}

fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TypeInput {
    /// Lowercase letters, digits and underscores; made from the name when left out.
    pub code: Option<String>,
    pub name: String,
    /// 1–120.
    pub validity_months: Option<i32>,
}

#[derive(Debug, Clone)]
pub struct NewType {
    pub code: String,
    pub name: String,
    pub validity_months: i32,
}

pub fn validate_type(input: &TypeInput) -> Result<NewType> {
    let mut errors = FieldErrors::new();
    let name = crate::validate::text(&mut errors, "name", &input.name, 120);
    let code = match input.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
        Some(c) => c.to_string(),
        None => code_from(&name),
    };
    if !name.is_empty() && !is_code(&code) {
        errors
            .add("code", "Use lowercase letters, digits and underscores (up to 40), starting with a letter or digit.");
    }
    let validity_months = validity(&mut errors, input.validity_months);
    errors.into_result()?;
    Ok(NewType { code, name, validity_months })
}

fn validity(errors: &mut FieldErrors, months: Option<i32>) -> i32 {
    match months {
        Some(m) if (1..=120).contains(&m) => m,
        Some(_) => {
            errors.add("validity_months", "Use a number of months from 1 to 120.");
            0
        }
        None => {
            errors.add("validity_months", "Say how many months a certification stays valid.");
            0
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TypePatch {
    pub name: Option<String>,
    pub validity_months: Option<i32>,
    pub active: Option<bool>,
}

/// One person's certification as typed in a form, a multipart request or a CSV row.
#[derive(Debug, Clone, Default)]
pub struct RecordInput {
    /// The type's code or name.
    pub type_code: String,
    pub person_name: String,
    pub person_email: String,
    pub earned_on: String,
}

#[derive(Debug, Clone)]
pub struct NewCertification {
    pub type_id: CertificationTypeId,
    pub person_name: String,
    pub person_email: String,
    pub earned_on: NaiveDate,
    pub expires_on: NaiveDate,
}

/// Checks one record against the program's active types and today's date.
pub fn validate_record(input: &RecordInput, types: &[store::TypeRow], today: NaiveDate) -> Result<NewCertification> {
    let mut errors = FieldErrors::new();
    let wanted = input.type_code.trim();
    let ty = types.iter().find(|t| t.active && (t.code == wanted || t.name.eq_ignore_ascii_case(wanted)));
    if ty.is_none() {
        let choices: Vec<&str> = types.iter().filter(|t| t.active).map(|t| t.code.as_str()).collect();
        if wanted.is_empty() {
            errors.add("type", "Choose a certification.");
        } else {
            errors.add("type", format!("Choose one of the program's certifications: {}.", choices.join(", ")));
        }
    }
    let person_name = crate::validate::text(&mut errors, "person_name", &input.person_name, 120);
    let person_email = crate::validate::email(&mut errors, "person_email", &input.person_email);
    let earned_on = match NaiveDate::parse_from_str(input.earned_on.trim(), "%Y-%m-%d") {
        Ok(d) if d > today => {
            errors.add("earned_on", "The date is in the future.");
            None
        }
        Ok(d) => Some(d),
        Err(_) => {
            errors.add("earned_on", "Enter the date as YYYY-MM-DD.");
            None
        }
    };
    if let (Some(t), Some(d)) = (ty, earned_on) {
        if expires_on(d, t.validity_months) < today {
            errors.add("earned_on", format!("A {} certification from this day has expired already.", t.name));
        }
    }
    errors.into_result()?;
    let (ty, earned_on) = (ty.expect("checked"), earned_on.expect("checked"));
    Ok(NewCertification {
        type_id: ty.id,
        person_name,
        person_email,
        earned_on,
        expires_on: expires_on(earned_on, ty.validity_months),
    })
}

/// The most rows one CSV import takes.
pub const MAX_IMPORT_ROWS: usize = 5000;

/// The columns of an import file, in any order.
pub const IMPORT_COLUMNS: [&str; 4] = ["person_name", "person_email", "type", "earned_on"];

/// A CSV file's rows as records with their line numbers, or what is wrong with the file as a whole.
pub fn parse_csv(bytes: &[u8]) -> Result<Vec<(u64, RecordInput)>, String> {
    let text = std::str::from_utf8(bytes).map_err(|_| "The file is not UTF-8 text.".to_string())?;
    let text = text.trim_start_matches('\u{feff}');
    let mut reader = csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
    let headers = reader.headers().map_err(|_| "The file is not CSV.".to_string())?.clone();
    let position = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
    let columns: Vec<Option<usize>> = IMPORT_COLUMNS.iter().map(|c| position(c)).collect();
    if columns.iter().any(Option::is_none) {
        return Err(format!("The first line must name the columns {}.", IMPORT_COLUMNS.join(",")));
    }
    let mut rows = Vec::new();
    for record in reader.records() {
        let record = record.map_err(|e| format!("The file is not CSV: {e}."))?;
        if record.iter().all(str::is_empty) {
            continue;
        }
        if rows.len() == MAX_IMPORT_ROWS {
            return Err(format!("Import at most {MAX_IMPORT_ROWS} rows at a time."));
        }
        // The reader's own line count misses the blank lines it skips: count them in the text.
        // (its position may also be that of the blank lines before the record).
        let line = record.position().map_or(0, |p| {
            let start = p.byte() as usize;
            let skipped = text[start..].len() - text[start..].trim_start_matches(['\r', '\n']).len();
            text[..start + skipped].matches('\n').count() as u64 + 1
        });
        let get = |i: usize| columns[i].and_then(|c| record.get(c)).unwrap_or("").to_string();
        rows.push((
            line,
            RecordInput { person_name: get(0), person_email: get(1), type_code: get(2), earned_on: get(3) },
        ));
    }
    if rows.is_empty() {
        return Err("The file has no rows below its header.".into());
    }
    Ok(rows)
}

/// The certificate file of a record.
pub struct CertificateFile {
    pub name: String,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

/// Checks an uploaded certificate: PDF, PNG or JPEG of at most 10 MiB, judged by its bytes and its name.
pub fn check_file(errors: &mut FieldErrors, file_name: &str, bytes: Vec<u8>) -> Option<CertificateFile> {
    let Some(name) = crate::mdf::upload::clean_name(file_name) else {
        errors.add("file", "Attach the certificate as a PDF, PNG or JPEG file.");
        return None;
    };
    match crate::mdf::upload::check(&name, &bytes) {
        Ok(ct @ ("application/pdf" | "image/png" | "image/jpeg")) => {
            Some(CertificateFile { name, content_type: ct, bytes })
        }
        Ok(_) => {
            errors.add("file", "Attach the certificate as a PDF, PNG or JPEG file.");
            None
        }
        Err(message) => {
            errors.add("file", message);
            None
        }
    }
}

fn partner_of(user: &CurrentUser, partner: Option<PartnerId>) -> Result<PartnerId> {
    match (user.role, user.partner_id, partner) {
        (Role::PartnerAdmin, Some(own), _) => Ok(own),
        (Role::ProgramAdmin, _, Some(p)) => Ok(p),
        (Role::ProgramAdmin, _, None) => Err(Error::invalid("partner_id", "Choose the partner.")),
        _ => Err(Error::forbidden()),
    }
}

/// Records one certification with its certificate; the partner's CAM (or the program admins) is told.
pub async fn record(
    tx: &mut Tx,
    user: &CurrentUser,
    base_url: &str,
    partner: Option<PartnerId>,
    input: &RecordInput,
    file: Option<(String, Vec<u8>)>,
) -> Result<CertificationId> {
    let partner = partner_of(user, partner)?;
    if !store::partner_in_scope(tx, user.scope(), partner).await? {
        return Err(Error::NotFound);
    }
    let types = store::types(tx).await?;
    let today = crate::program::store::today(tx).await?;
    let mut errors = FieldErrors::new();
    let checked = match file {
        Some((name, bytes)) => check_file(&mut errors, &name, bytes),
        None => {
            errors.add("file", "Attach the certificate as a PDF, PNG or JPEG file.");
            None
        }
    };
    let record = validate_record(input, &types, today);
    if let Err(Error::Invalid(e)) = &record {
        for (field, messages) in &e.0 {
            for m in messages {
                errors.add(field, m.clone());
            }
        }
    }
    errors.into_result()?;
    let record = record?;
    let status = if user.role == Role::ProgramAdmin { CertStatus::Verified } else { CertStatus::Pending };
    let id = store::insert(tx, user, partner, &record, status, Source::Manual)
        .await?
        .ok_or_else(|| Error::Conflict("This person already holds this certification from that day.".into()))?;
    if let Some(file) = checked {
        store::insert_file(tx, id, &file).await?;
    }
    if status == CertStatus::Pending {
        tell_reviewers(tx, user, partner, base_url, 1).await?;
    }
    Ok(id)
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportRow {
    pub line: u64,
    /// `created`, `duplicate` or `invalid`.
    pub status: String,
    pub errors: Vec<FieldMessage>,
    pub id: Option<CertificationId>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FieldMessage {
    pub field: String,
    pub message: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    pub created: usize,
    pub rows: Vec<ImportRow>,
}

/// Records each valid row of a CSV file and reports on every row. A partner admin's rows wait for the CAM; a program
/// admin's are verified at once.
pub async fn import(
    tx: &mut Tx,
    user: &CurrentUser,
    base_url: &str,
    partner: Option<PartnerId>,
    bytes: &[u8],
) -> Result<ImportReport> {
    let partner = partner_of(user, partner)?;
    if !store::partner_in_scope(tx, user.scope(), partner).await? {
        return Err(Error::NotFound);
    }
    let rows = parse_csv(bytes).map_err(|m| Error::invalid("file", m))?;
    let types = store::types(tx).await?;
    let today = crate::program::store::today(tx).await?;
    let status = if user.role == Role::ProgramAdmin { CertStatus::Verified } else { CertStatus::Pending };
    let mut report = ImportReport { created: 0, rows: Vec::with_capacity(rows.len()) };
    for (line, input) in rows {
        let row = match validate_record(&input, &types, today) {
            Err(Error::Invalid(e)) => ImportRow {
                line,
                status: "invalid".into(),
                errors: e
                    .0
                    .into_iter()
                    .flat_map(|(field, ms)| {
                        ms.into_iter().map(move |message| FieldMessage { field: field.clone(), message })
                    })
                    .collect(),
                id: None,
            },
            Err(e) => return Err(e),
            Ok(record) => match store::insert(tx, user, partner, &record, status, Source::Import).await? {
                Some(id) => {
                    report.created += 1;
                    ImportRow { line, status: "created".into(), errors: vec![], id: Some(id) }
                }
                None => ImportRow { line, status: "duplicate".into(), errors: vec![], id: None },
            },
        };
        report.rows.push(row);
    }
    if status == CertStatus::Pending && report.created > 0 {
        tell_reviewers(tx, user, partner, base_url, report.created).await?;
    }
    Ok(report)
}

async fn tell_reviewers(tx: &mut Tx, user: &CurrentUser, partner: PartnerId, base_url: &str, n: usize) -> Result<()> {
    let name = store::partner_name(tx, partner).await?.unwrap_or_default();
    let subject = if n == 1 {
        format!("{name}: a certification to verify")
    } else {
        format!("{name}: {n} certifications to verify")
    };
    let body = format!(
        "{} recorded {} for {name}. Check the certificates and verify them:\n{base_url}/certifications?status=pending\n",
        user.name,
        if n == 1 { "a certification".to_string() } else { format!("{n} certifications") },
    );
    for address in store::reviewers(tx, partner).await? {
        outbox::enqueue(tx, user.tenant_id, &address, &subject, &body).await?;
    }
    Ok(())
}

/// The CAM (of the partner) or a program admin verifies or rejects a pending certification; its recorder is told.
pub async fn decide(
    tx: &mut Tx,
    user: &CurrentUser,
    base_url: &str,
    id: CertificationId,
    verdict: CertStatus,
    reason: Option<&str>,
) -> Result<()> {
    let c = store::get(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let note = match verdict {
        CertStatus::Rejected => {
            let reason = reason.map(str::trim).unwrap_or("");
            let n = reason.chars().count();
            if !(10..=1000).contains(&n) {
                return Err(Error::invalid("reason", "Say why, in 10 to 1,000 characters."));
            }
            reason.to_string()
        }
        _ => String::new(),
    };
    if c.status != CertStatus::Pending {
        return Err(Error::Conflict(format!("This certification is {} already.", c.status.label().to_lowercase())));
    }
    if !store::set_status(tx, user, id, verdict, &note).await? {
        return Err(Error::Conflict("This certification was decided meanwhile.".into()));
    }
    let (subject, line) = match verdict {
        CertStatus::Verified => (
            format!("Certification verified: {} ({})", c.person_name, c.type_name),
            format!(
                "{}'s {} certification is verified; it counts until {}.",
                c.person_name,
                c.type_name,
                crate::web::format::date(c.expires_on)
            ),
        ),
        _ => (
            format!("Certification not accepted: {} ({})", c.person_name, c.type_name),
            format!("{}'s {} certification was not accepted: {note}", c.person_name, c.type_name),
        ),
    };
    let body = format!("{line}\n\n{base_url}/certifications\n");
    if let Some(address) = store::recorder_email(tx, c.recorded_by).await? {
        outbox::enqueue(tx, user.tenant_id, &address, &subject, &body).await?;
    }
    Ok(())
}

/// A partner admin removes its pending certification; a program admin removes any.
pub async fn delete(tx: &mut Tx, user: &CurrentUser, id: CertificationId) -> Result<()> {
    let c = store::get(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    match user.role {
        Role::ProgramAdmin => {}
        Role::PartnerAdmin if c.status == CertStatus::Pending => {}
        Role::PartnerAdmin => {
            return Err(Error::Conflict("Only a certification awaiting verification can be removed.".into()));
        }
        _ => return Err(Error::forbidden()),
    }
    store::delete(tx, id).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    fn types() -> Vec<store::TypeRow> {
        vec![store::TypeRow {
            id: CertificationTypeId::new(),
            code: "sales_engineer".into(),
            name: "Sales engineer".into(),
            validity_months: 24,
            active: true,
        }]
    }

    #[test]
    fn a_certification_counts_through_its_last_valid_day_and_not_after() {
        let until = expires_on(d("2025-01-31"), 24);
        assert_eq!(until, d("2027-01-31"));
        assert!(counts(CertStatus::Verified, until, d("2027-01-31")));
        assert!(!counts(CertStatus::Verified, until, d("2027-02-01")));
        assert!(!counts(CertStatus::Pending, until, d("2026-01-01")));
        // Month ends stay month ends: 31 January + 1 month is the last day of February.
        assert_eq!(expires_on(d("2026-01-31"), 1), d("2026-02-28"));
    }

    #[test]
    fn codes_are_made_from_names() {
        assert_eq!(code_from("Sales Engineer (Level 2)"), "sales_engineer_level_2");
        assert_eq!(code_from("  Pre-Sales  "), "pre_sales");
        assert!(is_code("sales_engineer") && !is_code("Sales") && !is_code("_x") && !is_code(""));
    }

    #[test]
    fn a_record_names_every_wrong_field() {
        let today = d("2026-12-04");
        let input = RecordInput {
            type_code: "astronaut".into(),
            person_name: " ".into(),
            person_email: "not-an-email".into(),
            earned_on: "2027-01-01".into(),
        };
        let Err(Error::Invalid(e)) = validate_record(&input, &types(), today) else { panic!("accepted") };
        let fields: Vec<&str> = e.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["earned_on", "person_email", "person_name", "type"]);

        let ok = RecordInput {
            type_code: "Sales engineer".into(),
            person_name: "Ada Lovelace".into(),
            person_email: "Ada@Example.com".into(),
            earned_on: "2025-06-30".into(),
        };
        let r = validate_record(&ok, &types(), today).unwrap();
        assert_eq!((r.person_email.as_str(), r.expires_on), ("ada@example.com", d("2027-06-30")));

        let stale = RecordInput { earned_on: "2024-01-01".into(), ..ok };
        let Err(Error::Invalid(e)) = validate_record(&stale, &types(), today) else { panic!("accepted") };
        assert!(e.get("earned_on").unwrap().contains("expired"));
    }

    #[test]
    fn csv_rows_keep_their_line_numbers_and_the_header_may_be_in_any_order() {
        let file = "\u{feff}type,person_email,person_name,earned_on\nsales_engineer,a@x.com,Ann,2026-01-02\n\n\
                    sales_engineer,b@x.com,\"Bo, Jr.\",2026-02-03\n";
        let rows = parse_csv(file.as_bytes()).unwrap();
        assert_eq!(rows.len(), 2);
        assert_eq!((rows[0].0, rows[0].1.person_name.as_str()), (2, "Ann"));
        assert_eq!(
            (rows[1].0, rows[1].1.person_name.as_str(), rows[1].1.type_code.as_str()),
            (4, "Bo, Jr.", "sales_engineer")
        );
        assert!(parse_csv(b"name,email\nx,y\n").unwrap_err().contains("person_name"));
        assert!(parse_csv(b"person_name,person_email,type,earned_on\n").unwrap_err().contains("no rows"));
        assert!(parse_csv(&[0xff, 0xfe, 0x00]).is_err());
    }
}
