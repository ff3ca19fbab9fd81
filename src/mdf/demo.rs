//! Demo MDF: eighteen months of funds, allocations, requests, claims with proof, payments and results with linked
//! deals, in every state; the current quarter holds the live work (a ranked queue, a claim to review, a plan). Past
//! rows are written with their own times and consistent ledger rows (insert-only, as always).

use chrono::{DateTime, Duration, NaiveDate, Utc};
use rust_decimal::Decimal;
use sha2::{Digest, Sha256};

use super::store::{self, NewLedger, RequestHistory};
use super::{AttachmentKind, ClaimStatus, FundKind, LineVerdict, NewFund, NewRequest, Period, RequestStatus, plans};
use crate::db::Tx;
use crate::ids::{
    ActivityId, AllocationId, AttachmentId, ClaimId, ClaimLineId, DealId, FundId, MdfRequestId, PartnerId, PaymentId,
    PlanId, TenantId, UserId,
};
use crate::rules::mdf::{self as rules, Movement, Rates, Waterfall};

/// (partner, allocation per quarter, how far its forecasts come true)
const PARTNERS: &[(&str, i64, &str)] = &[
    ("Brightpath Solutions", 40_000, "0.9"),
    ("Cobalt Integrations", 35_000, "1.2"),
    ("Northwind IT", 25_000, "0.45"),
    ("Kestrel Cloud Services", 20_000, "0.8"),
    ("Sierra Networks", 15_000, "0.6"),
];

/// (code, title, benchmark rates, average deal) — the seeded activity types.
const KINDS: &[(&str, &str, [i64; 4], i64)] = &[
    ("event", "Customer summit booth", [8, 40, 30, 20], 25_000),
    ("webinar", "Webinar series", [5, 45, 25, 20], 20_000),
    ("email", "Email nurture campaign", [2, 30, 20, 15], 15_000),
    ("digital_ads", "LinkedIn campaign", [1, 25, 20, 15], 15_000),
    ("telemarketing", "Outbound call blitz", [10, 30, 25, 20], 20_000),
];

const CUSTOMERS: &[&str] = &[
    "Globex Retail",
    "Umbrella Health",
    "Stark Logistics",
    "Wayne Foods",
    "Soylent Labs",
    "Tyrell Energy",
    "Cyberdyne Motors",
    "Oscorp Media",
    "Vandelay Imports",
    "Pied Piper Cloud",
    "Hooli Finance",
    "Dunder Paper",
    "Wonka Confectionery",
    "Acme Rockets",
    "Nakatomi Trading",
    "Gringotts Capital",
    "Monarch Solar",
    "Aperture Optics",
    "Virtucon Steel",
    "Prestige Worldwide",
    "Sterling Cooper",
    "Bluth Homes",
    "Krusty Foods",
    "Duff Breweries",
    "Paper Street Soap",
    "Oceanic Air",
    "Blue Sun Grocers",
    "Rekall Travel",
    "Omni Consumer",
    "Weyland Mining",
];

#[derive(Clone, Copy, PartialEq, Eq)]
enum Outcome {
    Paid,
    PartlyPaid,
    /// Reviewed, every line approved, not paid yet.
    ClaimApproved,
    /// Reviewed with a line cut, not paid yet.
    ClaimPartly,
    ClaimRejected,
    ClaimSubmitted,
    ClaimDraft,
    Approved,
    Expired,
    Rejected,
    Declined,
    Cancelled,
    Submitted,
    InfoRequested,
    Draft,
}

struct Ctx {
    tenant: TenantId,
    admin: UserId,
    now: DateTime<Utc>,
    deals: usize,
}

fn d(n: i64) -> Decimal {
    Decimal::from(n)
}

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    day.and_hms_opt(hour, 15, 0).map_or_else(Utc::now, |t| t.and_utc())
}

pub async fn load(tx: &mut Tx, tenant: TenantId, admin: UserId) -> anyhow::Result<()> {
    let now = Utc::now();
    let mut ctx = Ctx { tenant, admin, now, deals: 0 };
    let current = plans::quarter_of(now.date_naive());
    // Six past quarters: eighteen months of history.
    for back in (1..=6u32).rev() {
        let qs = current.checked_sub_months(chrono::Months::new(3 * back)).unwrap_or(current);
        let fund = fund(tx, &ctx, qs, 150_000).await?;
        for (p, (name, amount, reliability)) in PARTNERS.iter().enumerate() {
            let (partner, cam, author) = store::partner_people(tx, name).await?;
            let alloc = allocation(tx, &ctx, fund, partner, qs, *amount).await?;
            let Some(author) = author else { continue };
            let mut outcomes = match (back + p as u32) % 4 {
                0 => [Outcome::Paid, Outcome::Expired, Outcome::Rejected],
                1 => [Outcome::Paid, Outcome::Paid, Outcome::Declined],
                2 => [Outcome::Paid, Outcome::ClaimRejected, Outcome::Cancelled],
                _ => [Outcome::Paid, Outcome::Paid, Outcome::Rejected],
            };
            // Last quarter's claims are still being paid.
            if back == 1 && p < 3 {
                outcomes[0] = [Outcome::PartlyPaid, Outcome::ClaimApproved, Outcome::ClaimPartly][p];
            }
            for (i, outcome) in outcomes.into_iter().enumerate() {
                let seed = (back as usize) * 7 + p * 3 + i;
                let starts = qs + Duration::days(12 + 25 * i as i64 + (seed % 5) as i64);
                let who = Who { fund, alloc, partner, cam: cam.unwrap_or(admin), author };
                request(tx, &mut ctx, &who, seed, starts, outcome, reliability.parse().unwrap_or(Decimal::ONE)).await?;
            }
        }
    }
    // The current quarter: the live work.
    let fund = fund(tx, &ctx, current, 200_000).await?;
    let today = now.date_naive();
    let soon = (today + Duration::days(5)).min(Period::Quarter.end(current).unwrap_or(today));
    let early = (today - Duration::days(30)).max(current);
    let live: &[(&str, &[Outcome])] = &[
        (
            "Brightpath Solutions",
            &[Outcome::ClaimSubmitted, Outcome::ClaimDraft, Outcome::Submitted, Outcome::InfoRequested, Outcome::Draft],
        ),
        ("Cobalt Integrations", &[Outcome::Approved, Outcome::Submitted, Outcome::Cancelled]),
        ("Northwind IT", &[Outcome::Submitted, Outcome::Rejected, Outcome::Approved]),
        ("Kestrel Cloud Services", &[Outcome::Submitted]),
        ("Sierra Networks", &[]),
    ];
    for (p, (name, outcomes)) in live.iter().enumerate() {
        let (partner, cam, author) = store::partner_people(tx, name).await?;
        let alloc = allocation(tx, &ctx, fund, partner, current, PARTNERS[p].1 + 5_000).await?;
        let Some(author) = author else { continue };
        let who = Who { fund, alloc, partner, cam: cam.unwrap_or(admin), author };
        for (i, outcome) in outcomes.iter().enumerate() {
            let starts = match outcome {
                Outcome::ClaimSubmitted | Outcome::ClaimDraft | Outcome::Approved => early + Duration::days(i as i64),
                _ => soon,
            };
            let seed = 60 + p * 5 + i;
            request(tx, &mut ctx, &who, seed, starts, *outcome, PARTNERS[p].2.parse().unwrap_or(Decimal::ONE)).await?;
        }
    }
    plan(tx, &ctx, current, soon).await?;
    Ok(())
}

async fn fund(tx: &mut Tx, ctx: &Ctx, qs: NaiveDate, total: i64) -> anyhow::Result<FundId> {
    let id = FundId::new();
    let f = NewFund {
        name: format!("Field marketing {}", plans::quarter_name(qs)),
        kind: FundKind::Proposal,
        period: Period::Quarter,
        starts_on: qs,
        ends_on: Period::Quarter.end(qs).unwrap_or(qs),
        currency: "USD".into(),
        total: d(total),
        reimbursement_percent: d(50),
        claim_window_days: 60,
        accrual_percent: None,
    };
    store::insert_fund(tx, ctx.tenant, id, &f, ctx.admin).await?;
    Ok(id)
}

async fn allocation(
    tx: &mut Tx,
    ctx: &Ctx,
    fund: FundId,
    partner: PartnerId,
    qs: NaiveDate,
    amount: i64,
) -> anyhow::Result<AllocationId> {
    let id = AllocationId::new();
    let end = Period::Quarter.end(qs).unwrap_or(qs);
    store::insert_allocation(tx, ctx.tenant, id, fund, partner, end, d(50), None, ctx.admin).await?;
    let row = ledger(fund, id, partner, None, Movement::Allocate, d(amount), "quarterly allocation");
    store::insert_ledger_at(tx, ctx.tenant, &row, None, None, Some(ctx.admin), at(qs, 9).min(ctx.now)).await?;
    Ok(id)
}

fn ledger(
    fund: FundId,
    allocation: AllocationId,
    partner: PartnerId,
    request: Option<MdfRequestId>,
    kind: Movement,
    amount: Decimal,
    note: &str,
) -> NewLedger {
    NewLedger { fund, allocation, partner, request, kind, amount, note: note.into() }
}

struct Who {
    fund: FundId,
    alloc: AllocationId,
    partner: PartnerId,
    cam: UserId,
    author: UserId,
}

const PDF: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n% demo proof of performance\n%%EOF\n";

#[allow(clippy::too_many_lines)]
async fn request(
    tx: &mut Tx,
    ctx: &mut Ctx,
    who: &Who,
    seed: usize,
    starts_on: NaiveDate,
    outcome: Outcome,
    reliability: Decimal,
) -> anyhow::Result<MdfRequestId> {
    let (code, title, r, deal) = KINDS[seed % KINDS.len()];
    let audience = 1_500 + (seed as i64 * 379) % 3_500;
    let rates = Rates { response: d(r[0]), mql: d(r[1]), sql: d(r[2]), win: d(r[3]) };
    let waterfall = Waterfall { audience, rates, average_deal: d(deal) };
    let requested = d(4_000 + (seed as i64 * 1_250) % 9_000);
    let ends_on = starts_on + Duration::days(1 + (seed % 3) as i64);
    let forecast = waterfall.stages().revenue;
    let id = MdfRequestId::new();
    let new = NewRequest {
        allocation: who.alloc,
        title: title.into(),
        activity_type: code.into(),
        description: format!("{title}: {audience} people reached."),
        starts_on,
        ends_on,
        total_cost: requested * d(2),
        requested_amount: requested,
        waterfall,
        forecast_revenue: forecast,
    };
    store::insert_request(tx, ctx.tenant, id, who.partner, who.author, &new).await?;
    let created = at(starts_on - Duration::days(20), 10).min(ctx.now - Duration::days(3));
    let submitted = created + Duration::days(1);
    let decided = submitted + Duration::days(2);
    let deadline = ends_on + Duration::days(60);
    let approved = matches!(
        outcome,
        Outcome::Paid
            | Outcome::PartlyPaid
            | Outcome::ClaimApproved
            | Outcome::ClaimPartly
            | Outcome::ClaimRejected
            | Outcome::ClaimSubmitted
            | Outcome::ClaimDraft
            | Outcome::Approved
            | Outcome::Expired
            | Outcome::Cancelled
    );
    let amount = if seed % 4 == 1 && approved { (requested * d(8) / d(10)).round_dp(2) } else { requested };
    let ev =
        |from: Option<RequestStatus>, to: RequestStatus, by: UserId, note: Option<&'static str>, t: DateTime<Utc>| {
            (from, to, by, note, t)
        };
    let mut events = vec![ev(None, RequestStatus::Draft, who.author, None, created)];
    if outcome != Outcome::Draft {
        events.push(ev(Some(RequestStatus::Draft), RequestStatus::Submitted, who.author, None, submitted));
    }
    let approved_status = if amount < requested { RequestStatus::PartlyApproved } else { RequestStatus::Approved };
    let mut h = RequestHistory {
        status: RequestStatus::Draft,
        approved_amount: None,
        reimbursement_percent: None,
        claim_deadline: None,
        created_at: created,
        submitted_at: (outcome != Outcome::Draft).then_some(submitted),
        decided_at: None,
        decided_by: None,
        decision_note: None,
        results: None,
    };
    let l = |kind, amount, note: &str| ledger(who.fund, who.alloc, who.partner, Some(id), kind, amount, note);
    if approved {
        h.approved_amount = Some(amount);
        h.reimbursement_percent = Some(d(50));
        h.claim_deadline = Some(deadline);
        h.decided_at = Some(decided);
        h.decided_by = Some(who.cam);
        h.status = approved_status;
        events.push(ev(Some(RequestStatus::Submitted), approved_status, who.cam, None, decided));
        store::insert_ledger_at(tx, ctx.tenant, &l(Movement::Reserve, amount, ""), None, None, Some(who.cam), decided)
            .await?;
    }
    let filed = at(ends_on + Duration::days(6), 11).min(ctx.now - Duration::hours(20));
    let reviewed = (filed + Duration::days(4)).min(ctx.now - Duration::hours(2));
    match outcome {
        Outcome::Paid
        | Outcome::PartlyPaid
        | Outcome::ClaimApproved
        | Outcome::ClaimPartly
        | Outcome::ClaimRejected
        | Outcome::ClaimSubmitted
        | Outcome::ClaimDraft => {
            let limit = rules::claim_limit(amount, d(50));
            let claim = ClaimId::new();
            store::insert_claim(tx, ctx.tenant, claim, id, who.partner, limit, who.author).await?;
            let lines = [
                (format!("{title}: venue, media and fees"), (limit * d(75) / d(100)).round_dp(2)),
                (
                    "Catering, printing and give-aways".to_string(),
                    if outcome == Outcome::ClaimApproved {
                        limit - (limit * d(75) / d(100)).round_dp(2)
                    } else {
                        (limit * d(45) / d(100)).round_dp(2)
                    },
                ),
            ];
            let mut line_ids = Vec::new();
            for (i, (text, value)) in lines.iter().enumerate() {
                let line = ClaimLineId::new();
                store::insert_claim_line(tx, ctx.tenant, line, claim, text, *value).await?;
                let name = if i == 0 { "invoice.pdf" } else { "receipts.pdf" };
                let sha = hex::encode(Sha256::digest(PDF));
                let file = store::NewAttachment {
                    id: AttachmentId::new(),
                    claim,
                    line,
                    kind: if i == 0 { AttachmentKind::Invoice } else { AttachmentKind::Other },
                    file_name: name,
                    content_type: "application/pdf",
                    content: PDF,
                    sha256: &sha,
                };
                store::insert_attachment(tx, ctx.tenant, &file, who.author).await?;
                line_ids.push(line);
            }
            if outcome == Outcome::ClaimDraft {
                store::set_claim_history(tx, claim, ClaimStatus::Draft, None, filed, None, None, None).await?;
            } else {
                h.status = RequestStatus::Claimed;
                events.push(ev(Some(approved_status), RequestStatus::Claimed, who.author, Some("claim filed"), filed));
                if outcome == Outcome::ClaimSubmitted {
                    store::set_claim_history(tx, claim, ClaimStatus::Submitted, None, filed, Some(filed), None, None)
                        .await?;
                } else if outcome == Outcome::ClaimRejected {
                    store::set_line_verdict(
                        tx,
                        line_ids[0],
                        LineVerdict::Rejected,
                        Decimal::ZERO,
                        Some("No proof the booth was staffed"),
                    )
                    .await?;
                    store::set_line_verdict(
                        tx,
                        line_ids[1],
                        LineVerdict::Rejected,
                        Decimal::ZERO,
                        Some("Not covered by the program"),
                    )
                    .await?;
                    store::set_claim_history(
                        tx,
                        claim,
                        ClaimStatus::Rejected,
                        Some(Decimal::ZERO),
                        filed,
                        Some(filed),
                        Some(reviewed),
                        Some(who.cam),
                    )
                    .await?;
                    let row = l(Movement::Release, amount, "not claimed");
                    store::insert_ledger_at(tx, ctx.tenant, &row, Some(claim), None, Some(who.cam), reviewed).await?;
                } else {
                    // The first line in full, the second cut to what the limit leaves.
                    let first = lines[0].1;
                    let second = limit - first;
                    store::set_line_verdict(tx, line_ids[0], LineVerdict::Approved, first, None).await?;
                    if outcome == Outcome::ClaimApproved {
                        store::set_line_verdict(tx, line_ids[1], LineVerdict::Approved, second, None).await?;
                    } else {
                        store::set_line_verdict(
                            tx,
                            line_ids[1],
                            LineVerdict::Reduced,
                            second,
                            Some("Give-aways are not reimbursed"),
                        )
                        .await?;
                    }
                    let paid_status = match outcome {
                        Outcome::PartlyPaid => ClaimStatus::PartlyPaid,
                        Outcome::ClaimApproved => ClaimStatus::Approved,
                        Outcome::ClaimPartly => ClaimStatus::PartlyApproved,
                        _ => ClaimStatus::Paid,
                    };
                    store::set_claim_history(
                        tx,
                        claim,
                        paid_status,
                        Some(limit),
                        filed,
                        Some(filed),
                        Some(reviewed),
                        Some(who.cam),
                    )
                    .await?;
                    store::insert_ledger_at(
                        tx,
                        ctx.tenant,
                        &l(Movement::Claim, limit, "claim approved"),
                        Some(claim),
                        None,
                        Some(who.cam),
                        reviewed,
                    )
                    .await?;
                    if amount > limit {
                        store::insert_ledger_at(
                            tx,
                            ctx.tenant,
                            &l(Movement::Release, amount - limit, "not claimed"),
                            Some(claim),
                            None,
                            Some(who.cam),
                            reviewed,
                        )
                        .await?;
                    }
                    let instalments: Vec<Decimal> = if matches!(outcome, Outcome::ClaimApproved | Outcome::ClaimPartly)
                    {
                        Vec::new()
                    } else if outcome == Outcome::PartlyPaid {
                        vec![(limit * d(6) / d(10)).round_dp(2)]
                    } else if seed % 3 == 0 {
                        let first = (limit / d(2)).round_dp(2);
                        vec![first, limit - first]
                    } else {
                        vec![limit]
                    };
                    for (k, part) in instalments.into_iter().enumerate() {
                        let paid_at = (reviewed + Duration::days(10 + 15 * k as i64)).min(ctx.now - Duration::hours(1));
                        let payment = PaymentId::new();
                        let reference = format!("AP-{}-{:04}", paid_at.format("%Y%m"), seed * 10 + k);
                        store::insert_payment(
                            tx,
                            ctx.tenant,
                            payment,
                            claim,
                            part,
                            paid_at.date_naive(),
                            &reference,
                            ctx.admin,
                        )
                        .await?;
                        store::insert_ledger_at(
                            tx,
                            ctx.tenant,
                            &l(Movement::Pay, part, &reference),
                            Some(claim),
                            Some(payment),
                            Some(ctx.admin),
                            paid_at,
                        )
                        .await?;
                    }
                    // What it returned: the stages as reported and a deal won for the partner's usual share of the forecast.
                    let s = waterfall.stages();
                    let scale = |x: Decimal| -> i32 { (x * reliability).round().try_into().unwrap_or(0) };
                    let responses = scale(s.responses).max(1);
                    let mqls = scale(s.mqls).min(responses);
                    let sqls = scale(s.sqls).min(mqls);
                    h.results = Some((
                        responses,
                        mqls,
                        sqls,
                        (reviewed + Duration::days(30)).min(ctx.now - Duration::hours(1)),
                    ));
                    let won = (forecast * reliability).round_dp(0);
                    if won > Decimal::ZERO {
                        let deal = won_deal(tx, ctx, who, won, filed).await?;
                        store::link_deal(tx, ctx.tenant, id, deal).await?;
                    }
                }
            }
        }
        Outcome::Expired => {
            let gone = at(deadline + Duration::days(1), 0).min(ctx.now);
            h.status = RequestStatus::Expired;
            events.push(ev(
                Some(approved_status),
                RequestStatus::Expired,
                ctx.admin,
                Some("claim deadline passed"),
                gone,
            ));
            store::insert_ledger_at(
                tx,
                ctx.tenant,
                &l(Movement::Release, amount, "claim deadline passed"),
                None,
                None,
                None,
                gone,
            )
            .await?;
        }
        Outcome::Cancelled => {
            let t = decided + Duration::days(3);
            h.status = RequestStatus::Cancelled;
            events.push(ev(Some(approved_status), RequestStatus::Cancelled, who.author, None, t));
            store::insert_ledger_at(
                tx,
                ctx.tenant,
                &l(Movement::Release, amount, "request cancelled"),
                None,
                None,
                Some(who.author),
                t,
            )
            .await?;
        }
        Outcome::Rejected | Outcome::Declined => {
            let (status, note) = if outcome == Outcome::Rejected {
                (RequestStatus::Rejected, "The audience is outside our target accounts; please refocus and resubmit.")
            } else {
                (RequestStatus::Declined, "This kind of activity is not funded this year.")
            };
            h.status = status;
            h.decided_at = Some(decided);
            h.decided_by = Some(who.cam);
            h.decision_note = Some(note.into());
            events.push(ev(Some(RequestStatus::Submitted), status, who.cam, Some(note), decided));
        }
        Outcome::InfoRequested => {
            let note = "Which accounts are invited? Please attach the invitation list.";
            h.status = RequestStatus::InfoRequested;
            h.decision_note = Some(note.into());
            h.decided_at = Some(decided.min(ctx.now));
            h.decided_by = Some(who.cam);
            events.push(ev(
                Some(RequestStatus::Submitted),
                RequestStatus::InfoRequested,
                who.cam,
                Some(note),
                decided.min(ctx.now),
            ));
        }
        Outcome::Submitted => h.status = RequestStatus::Submitted,
        Outcome::Approved | Outcome::Draft => {}
    }
    store::set_request_history(tx, id, &h).await?;
    for (from, to, by, note, t) in events {
        store::insert_event_at(tx, ctx.tenant, id, Some(by), from, to, note, t).await?;
    }
    Ok(id)
}

async fn won_deal(
    tx: &mut Tx,
    ctx: &mut Ctx,
    who: &Who,
    amount: Decimal,
    around: DateTime<Utc>,
) -> anyhow::Result<DealId> {
    use crate::deals::store as deals_store;
    use crate::rules::deal_conflict::normalize_name;
    let customer = format!("{} {}", CUSTOMERS[ctx.deals % CUSTOMERS.len()], ctx.deals / CUSTOMERS.len() + 1);
    let customer = customer.trim_end_matches(" 1").to_string();
    ctx.deals += 1;
    let id = DealId::new();
    let products = vec!["crm".to_string()];
    let closed = (around + Duration::days(35)).min(ctx.now - Duration::hours(6));
    deals_store::insert(
        tx,
        deals_store::NewDeal {
            tenant_id: ctx.tenant,
            id,
            partner_id: who.partner,
            registered_by: who.author,
            customer_name: &customer,
            normalized_name: &normalize_name(&customer),
            customer_domain: None,
            registrable_domain: None,
            country: "US",
            products: &products,
            estimated_value: amount,
            currency: "USD",
            expected_close_date: closed.date_naive(),
            notes: "Sourced at an MDF-funded activity.",
            status: crate::deals::DealStatus::Won,
            conflicts: &[],
            protected_until: Some(closed.date_naive() + Duration::days(30)),
        },
    )
    .await?;
    store::set_deal_won_at(tx, id, amount, around - Duration::days(5), closed).await?;
    Ok(id)
}

/// Brightpath's plan for the current quarter: three activities, one already requested.
async fn plan(tx: &mut Tx, ctx: &Ctx, quarter: NaiveDate, day: NaiveDate) -> anyhow::Result<()> {
    let (partner, _, Some(author)) = store::partner_people(tx, "Brightpath Solutions").await? else { return Ok(()) };
    let id = PlanId::new();
    store::insert_plan(tx, ctx.tenant, id, partner, quarter, author).await?;
    let requested =
        store::requests(tx, crate::auth::Scope::Partner(partner), Some(RequestStatus::Submitted), None, None, 1, 0)
            .await?
            .0
            .into_iter()
            .next();
    let items: [(&str, &str, i64, i64, i32); 3] = [
        ("event", "Customer summit booth", 24_000, 50, 2_400),
        ("webinar", "Security webinar for CIOs", 6_000, 50, 1_800),
        ("email", "Year-end renewal nurture", 3_000, 40, 9_000),
    ];
    for (i, (code, title, cost, share, audience)) in items.into_iter().enumerate() {
        let k = KINDS.iter().find(|k| k.0 == code).map_or(KINDS[0], |k| *k);
        let a = store::NewActivity {
            activity_type: code.into(),
            title: title.into(),
            starts_on: day,
            ends_on: day,
            cost: d(cost),
            vendor_share_percent: d(share),
            audience,
            rates: Rates { response: d(k.2[0]), mql: d(k.2[1]), sql: d(k.2[2]), win: d(k.2[3]) },
            average_deal: d(k.3),
            rates_from: "benchmark",
        };
        let activity = ActivityId::new();
        store::insert_activity(tx, ctx.tenant, activity, id, partner, &a).await?;
        if i == 0
            && let Some(r) = &requested
        {
            store::set_request_activity(tx, r.id, activity).await?;
        }
    }
    Ok(())
}
