//! Claims against approved requests: line items with proof-of-performance files (kept in PostgreSQL), submission
//! before the claim deadline, the reviewer's verdict per line within the claim limit, and payment in instalments.
//! Every step that moves money writes the ledger under the allocation's row lock, like the approvals do.

use chrono::{NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::store::{self, AttachmentRow, ClaimRow, NewLedger, PaymentRow};
use super::{AttachmentKind, ClaimStatus, LineVerdict, RequestStatus, money, upload};
use crate::auth::CurrentUser;
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{AttachmentId, ClaimId, ClaimLineId, MdfRequestId, PaymentId};
use crate::outbox;
use crate::rules::mdf::{self as rules, ClaimOutcome, LineProblem, LineReview, Movement, Verdict};

impl ClaimStatus {
    pub fn label(self) -> &'static str {
        match self {
            ClaimStatus::Draft => "Draft",
            ClaimStatus::Submitted => "Submitted",
            ClaimStatus::Approved => "Approved",
            ClaimStatus::PartlyApproved => "Partly approved",
            ClaimStatus::Rejected => "Rejected",
            ClaimStatus::PartlyPaid => "Partly paid",
            ClaimStatus::Paid => "Paid",
        }
    }

    /// Whether payments may still be recorded.
    pub fn payable(self) -> bool {
        matches!(self, ClaimStatus::Approved | ClaimStatus::PartlyApproved | ClaimStatus::PartlyPaid)
    }
}

impl LineVerdict {
    pub fn label(self) -> &'static str {
        match self {
            LineVerdict::Approved => "Approved",
            LineVerdict::Reduced => "Reduced",
            LineVerdict::Rejected => "Rejected",
        }
    }
}

impl AttachmentKind {
    pub fn label(self) -> &'static str {
        match self {
            AttachmentKind::Invoice => "Invoice",
            AttachmentKind::Photo => "Photo",
            AttachmentKind::AttendeeList => "Attendee list",
            AttachmentKind::Screenshot => "Screenshot",
            AttachmentKind::Other => "Other",
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClaimLineView {
    pub id: ClaimLineId,
    pub description: String,
    pub amount: String,
    pub verdict: Option<LineVerdict>,
    pub approved_amount: Option<String>,
    pub reason: Option<String>,
    pub attachments: Vec<AttachmentRow>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClaimView {
    pub id: ClaimId,
    pub request_id: MdfRequestId,
    pub request_title: String,
    pub partner_id: crate::ids::PartnerId,
    pub partner_name: String,
    pub currency: String,
    pub status: ClaimStatus,
    pub lines: Vec<ClaimLineView>,
    /// The sum of the lines' amounts.
    pub claimed_total: String,
    /// The sum of the lines' approved amounts, once reviewed.
    pub approved_total: Option<String>,
    /// The request's approved amount × its reimbursement percent.
    pub limit: String,
    pub paid_total: String,
    pub payments: Vec<PaymentRow>,
    pub claim_deadline: Option<NaiveDate>,
    pub created_at: chrono::DateTime<Utc>,
    pub submitted_at: Option<chrono::DateTime<Utc>>,
    pub reviewed_at: Option<chrono::DateTime<Utc>>,
}

/// A claim as the API and the pages show it: its lines with their files, its payments and totals.
pub async fn view(tx: &mut Tx, c: ClaimRow) -> Result<ClaimView> {
    let lines = store::claim_lines(tx, c.id).await?;
    let mut files = store::claim_attachments(tx, c.id).await?;
    let payments = store::payments(tx, c.id).await?;
    let claimed: Decimal = lines.iter().map(|l| l.amount).sum();
    let paid: Decimal = payments.iter().map(|p| p.amount).sum();
    let lines = lines
        .into_iter()
        .map(|l| {
            let (mine, rest): (Vec<_>, Vec<_>) = files.drain(..).partition(|a| a.claim_line_id == l.id);
            files = rest;
            ClaimLineView {
                id: l.id,
                description: l.description,
                amount: format!("{:.2}", l.amount),
                verdict: l.verdict,
                approved_amount: l.approved_amount.map(|a| format!("{a:.2}")),
                reason: l.reason,
                attachments: mine,
            }
        })
        .collect();
    Ok(ClaimView {
        id: c.id,
        request_id: c.request_id,
        request_title: c.request_title,
        partner_id: c.partner_id,
        partner_name: c.partner_name,
        currency: c.currency,
        status: c.status,
        lines,
        claimed_total: format!("{claimed:.2}"),
        approved_total: c.approved_total.map(|a| format!("{a:.2}")),
        limit: format!("{:.2}", c.limit_amount),
        paid_total: format!("{paid:.2}"),
        payments,
        claim_deadline: c.claim_deadline,
        created_at: c.created_at,
        submitted_at: c.submitted_at,
        reviewed_at: c.reviewed_at,
    })
}

#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct LineInput {
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    #[schema(value_type = String)]
    pub amount: serde_json::Value,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ClaimInput {
    #[serde(default)]
    pub lines: Vec<LineInput>,
}

fn validate_line(errors: &mut FieldErrors, prefix: &str, l: &LineInput) -> (String, Decimal) {
    let description = crate::validate::text(errors, &format!("{prefix}description"), &l.description, 500);
    let amount = money(errors, &format!("{prefix}amount"), &l.amount, false);
    (description, amount)
}

fn refused(status: ClaimStatus, what: &str) -> Error {
    Error::Conflict(format!("A claim that is {} cannot be {what}.", status.label().to_lowercase()))
}

/// The claim in scope, locked for a change; 404 when the caller may not see it.
async fn locked(tx: &mut Tx, user: &CurrentUser, id: ClaimId) -> Result<ClaimRow> {
    store::claim(tx, user.scope(), id, true).await?.ok_or(Error::NotFound)
}

/// Opens a claim against the partner's approved request, before its claim deadline; one claim per request.
pub async fn create(tx: &mut Tx, user: &CurrentUser, request: MdfRequestId, input: &ClaimInput) -> Result<ClaimId> {
    let r = store::request_for_update(tx, user.scope(), request).await?.ok_or(Error::NotFound)?;
    if !r.status.holds_reservation() {
        return Err(Error::Conflict(format!(
            "Only an approved request can be claimed; this one is {}.",
            r.status.label().to_lowercase()
        )));
    }
    let today = Utc::now().date_naive();
    if r.claim_deadline.is_some_and(|d| today > d) {
        return Err(Error::Conflict("The claim deadline of this request has passed.".into()));
    }
    if store::claim_of_request(tx, request).await?.is_some() {
        return Err(Error::Conflict("This request already has a claim; add lines to it.".into()));
    }
    let mut errors = FieldErrors::new();
    let lines: Vec<(String, Decimal)> =
        input.lines.iter().enumerate().map(|(i, l)| validate_line(&mut errors, &format!("lines[{i}]."), l)).collect();
    errors.into_result()?;
    let limit = rules::claim_limit(r.approved_amount.unwrap_or_default(), r.reimbursement_percent.unwrap_or_default());
    let id = ClaimId::new();
    store::insert_claim(tx, user.tenant_id, id, request, r.partner_id, limit, user.id).await?;
    for (description, amount) in lines {
        store::insert_claim_line(tx, user.tenant_id, ClaimLineId::new(), id, &description, amount).await?;
    }
    Ok(id)
}

/// Adds a line to a draft claim.
pub async fn add_line(tx: &mut Tx, user: &CurrentUser, id: ClaimId, input: &LineInput) -> Result<ClaimLineId> {
    let c = locked(tx, user, id).await?;
    if c.status != ClaimStatus::Draft {
        return Err(refused(c.status, "changed"));
    }
    let mut errors = FieldErrors::new();
    let (description, amount) = validate_line(&mut errors, "", input);
    errors.into_result()?;
    let line = ClaimLineId::new();
    store::insert_claim_line(tx, user.tenant_id, line, id, &description, amount).await?;
    Ok(line)
}

/// Removes a line (and its files) from a draft claim.
pub async fn delete_line(tx: &mut Tx, user: &CurrentUser, line: ClaimLineId) -> Result<ClaimId> {
    let claim = store::claim_of_line(tx, user.scope(), line).await?.ok_or(Error::NotFound)?;
    let c = locked(tx, user, claim).await?;
    if c.status != ClaimStatus::Draft {
        return Err(refused(c.status, "changed"));
    }
    store::delete_claim_line(tx, line).await?;
    Ok(claim)
}

/// Files a draft claim: every line needs a file, the request must still be approved and its deadline not passed.
/// The request becomes `claimed` and the partner's CAM (or the program admins) is told.
pub async fn submit(tx: &mut Tx, user: &CurrentUser, id: ClaimId) -> Result<()> {
    let c = locked(tx, user, id).await?;
    if c.status != ClaimStatus::Draft {
        return Err(refused(c.status, "submitted"));
    }
    let r = store::request_for_update(tx, user.scope(), c.request_id).await?.ok_or(Error::NotFound)?;
    if !r.status.holds_reservation() {
        return Err(Error::Conflict(format!(
            "The request is {}; only an approved request can be claimed.",
            r.status.label().to_lowercase()
        )));
    }
    if r.claim_deadline.is_some_and(|d| Utc::now().date_naive() > d) {
        return Err(Error::Conflict("The claim deadline of this request has passed.".into()));
    }
    let view = view(tx, c.clone()).await?;
    let mut errors = FieldErrors::new();
    if view.lines.is_empty() {
        errors.add("lines", "Add at least one line with its proof of performance.");
    }
    for (i, l) in view.lines.iter().enumerate() {
        if l.attachments.is_empty() {
            errors.add(&format!("lines[{i}].attachments"), "Attach proof of performance (an invoice, photos, …).");
        }
    }
    errors.into_result()?;
    store::mark_claim_submitted(tx, id).await?;
    store::mark_status(tx, r.id, RequestStatus::Claimed).await?;
    store::insert_event(
        tx,
        user.tenant_id,
        r.id,
        Some(user.id),
        Some(r.status),
        RequestStatus::Claimed,
        Some("claim filed"),
    )
    .await?;
    let subject = format!("MDF claim to review: {}", r.title);
    let body = format!(
        "{} claims {} {} for \"{}\" (the limit is {:.2} {}).\n\nReview it in Tributary under Funds.\n",
        r.partner_name, view.claimed_total, r.currency, r.title, c.limit_amount, r.currency
    );
    for address in store::deciders(tx, r.partner_id).await? {
        outbox::enqueue(tx, user.tenant_id, &address, &subject, &body).await?;
    }
    Ok(())
}

#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct LineVerdictInput {
    #[serde(default)]
    #[schema(value_type = String, format = Uuid)]
    pub id: Option<String>,
    /// approved, reduced or rejected.
    #[serde(default)]
    pub verdict: String,
    /// Reduced lines: above 0 and below the line's amount.
    #[serde(default)]
    #[schema(value_type = Option<String>)]
    pub approved_amount: serde_json::Value,
    /// Required for reduced and rejected lines.
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct ReviewInput {
    #[serde(default)]
    pub lines: Vec<LineVerdictInput>,
}

/// Decides a submitted claim line by line within the claim limit. The ledger gets a `claim` row for the approved
/// total and a `release` row for the rest of the request's reservation, under the allocation's lock.
pub async fn review(tx: &mut Tx, user: &CurrentUser, id: ClaimId, input: &ReviewInput) -> Result<ClaimStatus> {
    let c = locked(tx, user, id).await?;
    if c.status != ClaimStatus::Submitted {
        return Err(refused(c.status, "reviewed"));
    }
    let lines = store::claim_lines(tx, id).await?;
    let mut errors = FieldErrors::new();
    let mut decided: Vec<(LineVerdict, Option<String>, Option<Decimal>)> = Vec::with_capacity(lines.len());
    for (i, line) in lines.iter().enumerate() {
        let found = input.lines.iter().find(|v| v.id.as_deref().map(str::trim) == Some(&line.id.to_string()));
        let Some(v) = found else {
            errors.add(&format!("lines[{i}].verdict"), "Give every line a verdict.");
            decided.push((LineVerdict::Approved, None, None));
            continue;
        };
        let verdict = LineVerdict::parse(v.verdict.trim()).unwrap_or_else(|| {
            errors.add(&format!("lines[{i}].verdict"), format!("Use one of: {}.", LineVerdict::choices()));
            LineVerdict::Approved
        });
        let reason = v.reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).map(str::to_string);
        if reason.as_ref().is_some_and(|r| r.chars().count() > 1000) {
            errors.add(&format!("lines[{i}].reason"), "Use at most 1000 characters.");
        }
        let amount = if verdict == LineVerdict::Reduced {
            let mut e = FieldErrors::new();
            let a = money(&mut e, "x", &v.approved_amount, false);
            e.is_empty().then_some(a)
        } else {
            None
        };
        decided.push((verdict, reason, amount));
    }
    let known: Vec<String> = lines.iter().map(|l| l.id.to_string()).collect();
    if input.lines.iter().any(|v| !known.iter().any(|k| Some(k.as_str()) == v.id.as_deref().map(str::trim))) {
        errors.add("lines", "A verdict names a line this claim does not have.");
    }
    let reviewed: Vec<LineReview> = lines
        .iter()
        .zip(&decided)
        .map(|(l, (verdict, reason, amount))| LineReview {
            amount: l.amount,
            verdict: match verdict {
                LineVerdict::Approved => Verdict::Approved,
                LineVerdict::Reduced => Verdict::Reduced,
                LineVerdict::Rejected => Verdict::Rejected,
            },
            approved_amount: *amount,
            has_reason: reason.is_some(),
        })
        .collect();
    let outcome = rules::review(&reviewed, c.limit_amount);
    if let Err(refusal) = &outcome {
        for (i, problem) in &refusal.lines {
            match problem {
                LineProblem::ReducedAmount => errors.add(
                    &format!("lines[{i}].approved_amount"),
                    format!("Approve more than 0 and less than the claimed {:.2}.", lines[*i].amount),
                ),
                LineProblem::ReasonRequired => {
                    errors.add(&format!("lines[{i}].reason"), "Say why the line is reduced or rejected.")
                }
            }
        }
        if let Some(total) = refusal.over_limit {
            errors.add(
                "lines",
                format!(
                    "The approved total {total:.2} is above the claim limit {:.2} {} (the approved request × the \
                     reimbursement percent).",
                    c.limit_amount, c.currency
                ),
            );
        }
    }
    errors.into_result()?;
    let review = outcome.map_err(|_| Error::invalid("lines", "The review is not valid."))?;
    for ((line, (verdict, reason, _)), approved) in lines.iter().zip(&decided).zip(&review.approved) {
        store::set_line_verdict(tx, line.id, *verdict, *approved, reason.as_deref()).await?;
    }
    let status = match review.outcome {
        ClaimOutcome::Approved => ClaimStatus::Approved,
        ClaimOutcome::PartlyApproved => ClaimStatus::PartlyApproved,
        ClaimOutcome::Rejected => ClaimStatus::Rejected,
    };
    store::lock_allocation(tx, c.allocation_id).await?;
    let reserved = c.reserved.unwrap_or_default();
    let ledger = |kind, amount, note: &str| NewLedger {
        fund: c.fund_id,
        allocation: c.allocation_id,
        partner: c.partner_id,
        request: Some(c.request_id),
        kind,
        amount,
        note: note.into(),
    };
    if review.total > Decimal::ZERO {
        store::insert_claim_ledger(
            tx,
            user.tenant_id,
            &ledger(Movement::Claim, review.total, "claim approved"),
            id,
            None,
            user,
        )
        .await?;
    }
    let rest = reserved - review.total;
    if rest > Decimal::ZERO {
        let row = ledger(Movement::Release, rest, "not claimed");
        store::insert_claim_ledger(tx, user.tenant_id, &row, id, None, user).await?;
    }
    store::mark_claim_reviewed(tx, id, status, review.total, user.id).await?;
    let subject = format!("MDF claim {}: {}", status.label().to_lowercase(), c.request_title);
    let body = format!(
        "Your claim for \"{}\" was {}: {:.2} {} approved of {:.2} claimed. Each line's verdict is in the portal under \
         Funds.\n",
        c.request_title,
        status.label().to_lowercase(),
        review.total,
        c.currency,
        lines.iter().map(|l| l.amount).sum::<Decimal>()
    );
    for address in store::partner_recipients(tx, c.partner_id, c.created_by).await? {
        outbox::enqueue(tx, user.tenant_id, &address, &subject, &body).await?;
    }
    Ok(status)
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
pub struct PaymentInput {
    #[serde(default)]
    #[schema(value_type = String)]
    pub amount: serde_json::Value,
    /// YYYY-MM-DD
    #[serde(default)]
    pub paid_on: String,
    #[serde(default)]
    pub reference: String,
}

/// Records an instalment on an approved claim (program admins): never above the approved total (409). The claim
/// becomes partly paid, or paid when the approved total is reached; a `pay` row goes to the ledger.
pub async fn pay(tx: &mut Tx, user: &CurrentUser, id: ClaimId, input: &PaymentInput) -> Result<PaymentId> {
    let c = locked(tx, user, id).await?;
    if !c.status.payable() {
        return Err(refused(c.status, "paid"));
    }
    let mut errors = FieldErrors::new();
    let amount = money(&mut errors, "amount", &input.amount, false);
    let paid_on = super::date(&mut errors, "paid_on", &input.paid_on);
    let reference = crate::validate::text(&mut errors, "reference", &input.reference, 120);
    errors.into_result()?;
    let approved = c.approved_total.unwrap_or_default();
    let paid: Decimal = store::payments(tx, id).await?.iter().map(|p| p.amount).sum();
    let Some(done) = rules::after_payment(approved, paid, amount) else {
        return Err(Error::Conflict(format!(
            "{:.2} {} of the approved {:.2} is left to pay; {:.2} would pay more than was approved.",
            approved - paid,
            c.currency,
            approved,
            amount
        )));
    };
    let payment = PaymentId::new();
    store::insert_payment(tx, user.tenant_id, payment, id, amount, paid_on.unwrap_or_default(), &reference, user.id)
        .await?;
    store::lock_allocation(tx, c.allocation_id).await?;
    let row = NewLedger {
        fund: c.fund_id,
        allocation: c.allocation_id,
        partner: c.partner_id,
        request: Some(c.request_id),
        kind: Movement::Pay,
        amount,
        note: reference.clone(),
    };
    store::insert_claim_ledger(tx, user.tenant_id, &row, id, Some(payment), user).await?;
    let status = if done { ClaimStatus::Paid } else { ClaimStatus::PartlyPaid };
    store::set_claim_status(tx, id, status).await?;
    let subject = format!("MDF payment made: {}", c.request_title);
    let body = format!(
        "{amount:.2} {} was paid on your claim for \"{}\" (reference {reference}); {:.2} of {:.2} approved is now paid.\n",
        c.currency,
        c.request_title,
        paid + amount,
        approved
    );
    for address in store::partner_recipients(tx, c.partner_id, c.created_by).await? {
        outbox::enqueue(tx, user.tenant_id, &address, &subject, &body).await?;
    }
    Ok(payment)
}

/// A file as received: its name as sent, the kind chosen, and its bytes.
pub struct Upload {
    pub file_name: Option<String>,
    pub kind: Option<String>,
    pub bytes: Option<Vec<u8>>,
}

/// Attaches a proof-of-performance file to a line of a draft claim, after checking its size and its type (by name
/// and by leading bytes). The metadata row and the bytes are written in the same transaction.
pub async fn attach(tx: &mut Tx, user: &CurrentUser, line: ClaimLineId, up: &Upload) -> Result<AttachmentId> {
    let claim = store::claim_of_line(tx, user.scope(), line).await?.ok_or(Error::NotFound)?;
    let c = locked(tx, user, claim).await?;
    if c.status != ClaimStatus::Draft {
        return Err(refused(c.status, "changed"));
    }
    let mut errors = FieldErrors::new();
    let kind = match up.kind.as_deref().map(str::trim).filter(|k| !k.is_empty()) {
        None => AttachmentKind::Other,
        Some(k) => AttachmentKind::parse(k).unwrap_or_else(|| {
            errors.add("kind", format!("Use one of: {}.", AttachmentKind::choices()));
            AttachmentKind::Other
        }),
    };
    let mut checked = None;
    match (&up.bytes, up.file_name.as_deref().and_then(upload::clean_name)) {
        (None, _) => errors.add("file", "Choose a file to upload."),
        (Some(_), None) => errors.add("file", "The file needs a name."),
        (Some(bytes), Some(name)) => match upload::check(&name, bytes) {
            Ok(content_type) => checked = Some((name, content_type)),
            Err(m) => errors.add("file", m),
        },
    }
    errors.into_result()?;
    let (Some((name, content_type)), Some(bytes)) = (checked, up.bytes.as_deref()) else {
        return Err(Error::invalid("file", "Choose a file to upload."));
    };
    let id = AttachmentId::new();
    let sha = hex::encode(Sha256::digest(bytes));
    let new =
        store::NewAttachment { id, claim, line, kind, file_name: &name, content_type, content: bytes, sha256: &sha };
    store::insert_attachment(tx, user.tenant_id, &new, user.id).await?;
    Ok(id)
}

/// Removes a file from a line of a draft claim.
pub async fn detach(tx: &mut Tx, user: &CurrentUser, id: AttachmentId) -> Result<ClaimId> {
    let a = store::attachment(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let c = locked(tx, user, a.claim_id).await?;
    if c.status != ClaimStatus::Draft {
        return Err(refused(c.status, "changed"));
    }
    store::delete_attachment(tx, id).await?;
    Ok(a.claim_id)
}
