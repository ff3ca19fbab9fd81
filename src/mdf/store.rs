//! SQL for market development funds. Always inside the request's tenant-scoped transaction; balances are sums of the
//! ledger, read under the lock of the allocation (or fund) row they guard.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use super::{AttachmentKind, ClaimStatus, FundKind, LineVerdict, NewFund, NewRequest, Period, RequestStatus};
use crate::auth::{CurrentUser, Scope};
use crate::db::Tx;
use crate::ids::{
    ActivityId, AllocationId, AttachmentId, ClaimId, ClaimLineId, DealId, FundId, MdfRequestId, PartnerId, PaymentId,
    PlanId, TenantId, UserId,
};
use crate::rules::mdf::{Balances, Movement};

pub struct FundRow {
    pub id: FundId,
    pub name: String,
    pub kind: FundKind,
    pub period: Period,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub currency: String,
    pub total: Decimal,
    pub reimbursement_percent: Decimal,
    pub claim_window_days: i32,
    pub accrual_percent: Option<Decimal>,
    pub created_at: DateTime<Utc>,
}

pub async fn fund_name_taken(tx: &mut Tx, name: &str) -> Result<bool, sqlx::Error> {
    let n = sqlx::query_scalar!(r#"select count(*) as "n!" from mdf_funds where lower(name) = lower($1)"#, name)
        .fetch_one(&mut **tx)
        .await?;
    Ok(n > 0)
}

pub async fn insert_fund(
    tx: &mut Tx,
    tenant: TenantId,
    id: FundId,
    f: &NewFund,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_funds (tenant_id, id, name, kind, period, starts_on, ends_on, currency, total,
                                reimbursement_percent, claim_window_days, accrual_percent, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        tenant as TenantId,
        id as FundId,
        f.name,
        f.kind as FundKind,
        f.period as Period,
        f.starts_on,
        f.ends_on,
        f.currency,
        f.total,
        f.reimbursement_percent,
        f.claim_window_days,
        f.accrual_percent,
        by as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn fund(tx: &mut Tx, id: FundId) -> Result<Option<FundRow>, sqlx::Error> {
    sqlx::query_as!(
        FundRow,
        r#"select id as "id: FundId", name, kind as "kind: FundKind", period as "period: Period", starts_on, ends_on,
                  currency, total, reimbursement_percent, claim_window_days, accrual_percent, created_at
             from mdf_funds where id = $1"#,
        id as FundId,
    )
    .fetch_optional(&mut **tx)
    .await
}

/// The fund, its row locked until the transaction ends (allocations take it).
pub async fn lock_fund(tx: &mut Tx, id: FundId) -> Result<Option<FundRow>, sqlx::Error> {
    sqlx::query_as!(
        FundRow,
        r#"select id as "id: FundId", name, kind as "kind: FundKind", period as "period: Period", starts_on, ends_on,
                  currency, total, reimbursement_percent, claim_window_days, accrual_percent, created_at
             from mdf_funds where id = $1 for update"#,
        id as FundId,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn funds(tx: &mut Tx, containing: Option<NaiveDate>) -> Result<Vec<FundRow>, sqlx::Error> {
    sqlx::query_as!(
        FundRow,
        r#"select id as "id: FundId", name, kind as "kind: FundKind", period as "period: Period", starts_on, ends_on,
                  currency, total, reimbursement_percent, claim_window_days, accrual_percent, created_at
             from mdf_funds where $1::date is null or $1 between starts_on and ends_on
            order by starts_on desc, name"#,
        containing,
    )
    .fetch_all(&mut **tx)
    .await
}

fn fold(rows: Vec<(String, Option<Decimal>)>) -> Balances {
    rows.into_iter().fold(Balances::default(), |b, (kind, sum)| match Movement::parse(&kind) {
        Some(m) => b.apply(m, sum.unwrap_or_default()),
        None => b,
    })
}

pub async fn fund_balances(tx: &mut Tx, fund: FundId) -> Result<Balances, sqlx::Error> {
    let rows = sqlx::query!(
        "select kind, sum(amount) as total from mdf_ledger where fund_id = $1 group by kind",
        fund as FundId
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(fold(rows.into_iter().map(|r| (r.kind, r.total)).collect()))
}

pub async fn allocation_balances(tx: &mut Tx, allocation: AllocationId) -> Result<Balances, sqlx::Error> {
    let rows = sqlx::query!(
        "select kind, sum(amount) as total from mdf_ledger where allocation_id = $1 group by kind",
        allocation as AllocationId
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(fold(rows.into_iter().map(|r| (r.kind, r.total)).collect()))
}

pub async fn partner_exists(tx: &mut Tx, id: PartnerId) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar!("select 1 as one from partners where id = $1", id as PartnerId)
        .fetch_optional(&mut **tx)
        .await?
        .is_some())
}

/// A partner's closed-won revenue on deals closed in [from, to).
pub async fn won_revenue(
    tx: &mut Tx,
    partner: PartnerId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<Decimal, sqlx::Error> {
    let v = sqlx::query_scalar!(
        r#"select coalesce(sum(closed_amount), 0) as "v!" from deals
            where partner_id = $1 and status = 'won' and closed_at >= $2::date and closed_at < $3::date"#,
        partner as PartnerId,
        from,
        to,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(v)
}

pub async fn allocation_exists(tx: &mut Tx, fund: FundId, partner: PartnerId) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        "select 1 as one from mdf_allocations where fund_id = $1 and partner_id = $2",
        fund as FundId,
        partner as PartnerId
    )
    .fetch_optional(&mut **tx)
    .await?
    .is_some())
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_allocation(
    tx: &mut Tx,
    tenant: TenantId,
    id: AllocationId,
    fund: FundId,
    partner: PartnerId,
    expires_on: NaiveDate,
    reimbursement_percent: Decimal,
    basis: Option<serde_json::Value>,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_allocations (tenant_id, id, fund_id, partner_id, expires_on, reimbursement_percent, basis,
                                      created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        tenant as TenantId,
        id as AllocationId,
        fund as FundId,
        partner as PartnerId,
        expires_on,
        reimbursement_percent,
        basis,
        by as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub struct AllocationRow {
    pub id: AllocationId,
    pub fund_id: FundId,
    pub fund_name: String,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub currency: String,
    pub expires_on: NaiveDate,
    pub reimbursement_percent: Decimal,
    pub claim_window_days: i32,
    pub basis: Option<serde_json::Value>,
}

/// One allocation the scope may see (its partner's own, a CAM's assigned partners', any for the tenant).
pub async fn allocation(tx: &mut Tx, scope: Scope, id: AllocationId) -> Result<Option<AllocationRow>, sqlx::Error> {
    sqlx::query_as!(
        AllocationRow,
        r#"select a.id as "id: AllocationId", a.fund_id as "fund_id: FundId", f.name as fund_name,
                  a.partner_id as "partner_id: PartnerId", p.name as partner_name, f.currency, a.expires_on,
                  a.reimbursement_percent, f.claim_window_days, a.basis
             from mdf_allocations a
             join mdf_funds f on f.tenant_id = a.tenant_id and f.id = a.fund_id
             join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
            where a.id = $1 and ($2::uuid is null or a.partner_id = $2) and ($3::uuid is null or p.cam_id = $3)"#,
        id as AllocationId,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn allocations(
    tx: &mut Tx,
    scope: Scope,
    fund: Option<FundId>,
    partner: Option<PartnerId>,
) -> Result<Vec<AllocationRow>, sqlx::Error> {
    sqlx::query_as!(
        AllocationRow,
        r#"select a.id as "id: AllocationId", a.fund_id as "fund_id: FundId", f.name as fund_name,
                  a.partner_id as "partner_id: PartnerId", p.name as partner_name, f.currency, a.expires_on,
                  a.reimbursement_percent, f.claim_window_days, a.basis
             from mdf_allocations a
             join mdf_funds f on f.tenant_id = a.tenant_id and f.id = a.fund_id
             join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
            where ($1::uuid is null or a.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
              and ($3::uuid is null or a.fund_id = $3) and ($4::uuid is null or a.partner_id = $4)
            order by f.starts_on desc, f.name, p.name"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        fund as Option<FundId>,
        partner as Option<PartnerId>,
    )
    .fetch_all(&mut **tx)
    .await
}

/// The allocation row locked until the transaction ends: every reservation of it takes this lock first.
pub async fn lock_allocation(tx: &mut Tx, id: AllocationId) -> Result<Option<AllocationRow>, sqlx::Error> {
    sqlx::query_as!(
        AllocationRow,
        r#"select a.id as "id: AllocationId", a.fund_id as "fund_id: FundId", f.name as fund_name,
                  a.partner_id as "partner_id: PartnerId", p.name as partner_name, f.currency, a.expires_on,
                  a.reimbursement_percent, f.claim_window_days, a.basis
             from mdf_allocations a
             join mdf_funds f on f.tenant_id = a.tenant_id and f.id = a.fund_id
             join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
            where a.id = $1
              for update of a"#,
        id as AllocationId,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub struct NewLedger {
    pub fund: FundId,
    pub allocation: AllocationId,
    pub partner: PartnerId,
    pub request: Option<MdfRequestId>,
    pub kind: Movement,
    pub amount: Decimal,
    pub note: String,
}

/// Appends one ledger row (the only write the ledger takes).
pub async fn insert_ledger(
    tx: &mut Tx,
    tenant: TenantId,
    row: &NewLedger,
    by: Option<&CurrentUser>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_ledger (tenant_id, fund_id, allocation_id, partner_id, request_id, kind, amount, note,
                                 created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        tenant as TenantId,
        row.fund as FundId,
        row.allocation as AllocationId,
        row.partner as PartnerId,
        row.request as Option<MdfRequestId>,
        row.kind.as_str(),
        row.amount,
        row.note,
        by.map(|u| u.id) as Option<UserId>,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn activity_type_exists(tx: &mut Tx, code: &str) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar!("select 1 as one from mdf_activity_types where code = $1 and active", code)
        .fetch_optional(&mut **tx)
        .await?
        .is_some())
}

pub async fn insert_request(
    tx: &mut Tx,
    tenant: TenantId,
    id: MdfRequestId,
    partner: PartnerId,
    by: UserId,
    r: &NewRequest,
) -> Result<(), sqlx::Error> {
    let w = &r.waterfall;
    sqlx::query!(
        "insert into mdf_requests (tenant_id, id, partner_id, allocation_id, fund_id, created_by, title, activity_type,
                                   description, starts_on, ends_on, total_cost, requested_amount, audience,
                                   response_rate, mql_rate, sql_rate, win_rate, average_deal, forecast_revenue)
         select $1, $2, $3, a.id, a.fund_id, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19
           from mdf_allocations a where a.id = $4",
        tenant as TenantId,
        id as MdfRequestId,
        partner as PartnerId,
        r.allocation as AllocationId,
        by as UserId,
        r.title,
        r.activity_type,
        r.description,
        r.starts_on,
        r.ends_on,
        r.total_cost,
        r.requested_amount,
        w.audience as i64 as i32,
        w.rates.response,
        w.rates.mql,
        w.rates.sql,
        w.rates.win,
        w.average_deal,
        r.forecast_revenue,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn update_request(tx: &mut Tx, id: MdfRequestId, r: &NewRequest) -> Result<(), sqlx::Error> {
    let w = &r.waterfall;
    sqlx::query!(
        "update mdf_requests m
            set allocation_id = a.id, fund_id = a.fund_id, title = $3, activity_type = $4, description = $5,
                starts_on = $6, ends_on = $7, total_cost = $8, requested_amount = $9, audience = $10,
                response_rate = $11, mql_rate = $12, sql_rate = $13, win_rate = $14, average_deal = $15,
                forecast_revenue = $16, updated_at = now()
           from mdf_allocations a
          where m.id = $1 and a.id = $2",
        id as MdfRequestId,
        r.allocation as AllocationId,
        r.title,
        r.activity_type,
        r.description,
        r.starts_on,
        r.ends_on,
        r.total_cost,
        r.requested_amount,
        w.audience as i64 as i32,
        w.rates.response,
        w.rates.mql,
        w.rates.sql,
        w.rates.win,
        w.average_deal,
        r.forecast_revenue,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: MdfRequestId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub allocation_id: AllocationId,
    pub fund_id: FundId,
    pub currency: String,
    pub created_by: UserId,
    pub title: String,
    pub activity_type: String,
    pub description: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub total_cost: Decimal,
    pub requested_amount: Decimal,
    pub approved_amount: Option<Decimal>,
    pub reimbursement_percent: Option<Decimal>,
    pub claim_deadline: Option<NaiveDate>,
    pub status: RequestStatus,
    pub audience: i32,
    pub response_rate: Decimal,
    pub mql_rate: Decimal,
    pub sql_rate: Decimal,
    pub win_rate: Decimal,
    pub average_deal: Decimal,
    pub forecast_revenue: Decimal,
    pub flagged: bool,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_note: Option<String>,
}

/// One request the scope may see.
pub async fn request(tx: &mut Tx, scope: Scope, id: MdfRequestId) -> Result<Option<RequestRow>, sqlx::Error> {
    sqlx::query_as!(
        RequestRow,
        r#"select r.id as "id: MdfRequestId", r.partner_id as "partner_id: PartnerId", p.name as partner_name,
                  r.allocation_id as "allocation_id: AllocationId", r.fund_id as "fund_id: FundId", f.currency,
                  r.created_by as "created_by: UserId", r.title, r.activity_type, r.description, r.starts_on, r.ends_on,
                  r.total_cost, r.requested_amount, r.approved_amount, r.reimbursement_percent, r.claim_deadline,
                  r.status as "status: RequestStatus", r.audience, r.response_rate, r.mql_rate, r.sql_rate, r.win_rate,
                  r.average_deal, r.forecast_revenue, r.flagged, r.created_at, r.submitted_at, r.decided_at,
                  r.decision_note
             from mdf_requests r
             join partners p on p.tenant_id = r.tenant_id and p.id = r.partner_id
             join mdf_funds f on f.tenant_id = r.tenant_id and f.id = r.fund_id
            where r.id = $1 and ($2::uuid is null or r.partner_id = $2) and ($3::uuid is null or p.cam_id = $3)"#,
        id as MdfRequestId,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_optional(&mut **tx)
    .await
}

/// One request the scope may see, its row locked until the transaction ends (every state change takes it).
pub async fn request_for_update(
    tx: &mut Tx,
    scope: Scope,
    id: MdfRequestId,
) -> Result<Option<RequestRow>, sqlx::Error> {
    sqlx::query_as!(
        RequestRow,
        r#"select r.id as "id: MdfRequestId", r.partner_id as "partner_id: PartnerId", p.name as partner_name,
                  r.allocation_id as "allocation_id: AllocationId", r.fund_id as "fund_id: FundId", f.currency,
                  r.created_by as "created_by: UserId", r.title, r.activity_type, r.description, r.starts_on, r.ends_on,
                  r.total_cost, r.requested_amount, r.approved_amount, r.reimbursement_percent, r.claim_deadline,
                  r.status as "status: RequestStatus", r.audience, r.response_rate, r.mql_rate, r.sql_rate, r.win_rate,
                  r.average_deal, r.forecast_revenue, r.flagged, r.created_at, r.submitted_at, r.decided_at,
                  r.decision_note
             from mdf_requests r
             join partners p on p.tenant_id = r.tenant_id and p.id = r.partner_id
             join mdf_funds f on f.tenant_id = r.tenant_id and f.id = r.fund_id
            where r.id = $1 and ($2::uuid is null or r.partner_id = $2) and ($3::uuid is null or p.cam_id = $3)
              for update of r"#,
        id as MdfRequestId,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn requests(
    tx: &mut Tx,
    scope: Scope,
    status: Option<RequestStatus>,
    partner: Option<PartnerId>,
    fund: Option<FundId>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<RequestRow>, i64), sqlx::Error> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from mdf_requests r join partners p on p.tenant_id = r.tenant_id and p.id = r.partner_id
            where ($1::uuid is null or r.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
              and ($3::text is null or r.status = $3) and ($4::uuid is null or r.partner_id = $4)
              and ($5::uuid is null or r.fund_id = $5)"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        status as Option<RequestStatus>,
        partner as Option<PartnerId>,
        fund as Option<FundId>,
    )
    .fetch_one(&mut **tx)
    .await?;
    let rows = sqlx::query_as!(
        RequestRow,
        r#"select r.id as "id: MdfRequestId", r.partner_id as "partner_id: PartnerId", p.name as partner_name,
                  r.allocation_id as "allocation_id: AllocationId", r.fund_id as "fund_id: FundId", f.currency,
                  r.created_by as "created_by: UserId", r.title, r.activity_type, r.description, r.starts_on, r.ends_on,
                  r.total_cost, r.requested_amount, r.approved_amount, r.reimbursement_percent, r.claim_deadline,
                  r.status as "status: RequestStatus", r.audience, r.response_rate, r.mql_rate, r.sql_rate, r.win_rate,
                  r.average_deal, r.forecast_revenue, r.flagged, r.created_at, r.submitted_at, r.decided_at,
                  r.decision_note
             from mdf_requests r
             join partners p on p.tenant_id = r.tenant_id and p.id = r.partner_id
             join mdf_funds f on f.tenant_id = r.tenant_id and f.id = r.fund_id
            where ($1::uuid is null or r.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
              and ($3::text is null or r.status = $3) and ($4::uuid is null or r.partner_id = $4)
              and ($5::uuid is null or r.fund_id = $5)
            order by r.created_at desc, r.id
            limit $6 offset $7"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        status as Option<RequestStatus>,
        partner as Option<PartnerId>,
        fund as Option<FundId>,
        limit,
        offset,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok((rows, total))
}

pub async fn insert_event(
    tx: &mut Tx,
    tenant: TenantId,
    request: MdfRequestId,
    by: Option<UserId>,
    from: Option<RequestStatus>,
    to: RequestStatus,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_request_events (tenant_id, request_id, actor_id, from_status, to_status, note)
         values ($1, $2, $3, $4, $5, $6)",
        tenant as TenantId,
        request as MdfRequestId,
        by as Option<UserId>,
        from as Option<RequestStatus>,
        to as RequestStatus,
        note,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = MdfHistoryEntry)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub by: Option<String>,
    pub from: Option<RequestStatus>,
    pub to: RequestStatus,
    pub note: Option<String>,
}

pub async fn history(tx: &mut Tx, request: MdfRequestId) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    sqlx::query_as!(
        HistoryEntry,
        r#"select e.at, u.name as "by?", e.from_status as "from: RequestStatus", e.to_status as "to: RequestStatus",
                  e.note
             from mdf_request_events e left join users u on u.tenant_id = e.tenant_id and u.id = e.actor_id
            where e.request_id = $1 order by e.at, e.id"#,
        request as MdfRequestId,
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn mark_submitted(tx: &mut Tx, id: MdfRequestId, flagged: bool) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_requests set status = 'submitted', submitted_at = now(), flagged = $2, updated_at = now()
          where id = $1",
        id as MdfRequestId,
        flagged
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn mark_approved(
    tx: &mut Tx,
    id: MdfRequestId,
    to: RequestStatus,
    amount: Decimal,
    reimbursement_percent: Decimal,
    deadline: NaiveDate,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_requests set status = $2, approved_amount = $3, reimbursement_percent = $4, claim_deadline = $5,
                decided_at = now(), decided_by = $6, decision_note = null, updated_at = now()
          where id = $1",
        id as MdfRequestId,
        to as RequestStatus,
        amount,
        reimbursement_percent,
        deadline,
        by as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn mark_decided(
    tx: &mut Tx,
    id: MdfRequestId,
    to: RequestStatus,
    note: &str,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_requests set status = $2, decision_note = $3, decided_at = now(), decided_by = $4, updated_at = now()
          where id = $1",
        id as MdfRequestId,
        to as RequestStatus,
        note,
        by as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn mark_status(tx: &mut Tx, id: MdfRequestId, to: RequestStatus) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_requests set status = $2, updated_at = now() where id = $1",
        id as MdfRequestId,
        to as RequestStatus
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A partner's record: forecast and won revenue over its requests with reported results, and MDF paid to it.
pub struct PartnerHistory {
    pub forecast_revenue: Decimal,
    pub won_revenue: Decimal,
    pub paid: Decimal,
}

pub async fn partner_history(tx: &mut Tx, partner: PartnerId) -> Result<PartnerHistory, sqlx::Error> {
    let r = sqlx::query!(
        r#"select
             (select coalesce(sum(forecast_revenue), 0) from mdf_requests
               where partner_id = $1 and results_reported_at is not null) as "forecast!",
             (select coalesce(sum(d.closed_amount), 0) from mdf_request_deals rd
                join mdf_requests h on h.tenant_id = rd.tenant_id and h.id = rd.request_id
                join deals d on d.tenant_id = rd.tenant_id and d.id = rd.deal_id
               where h.partner_id = $1 and d.status = 'won') as "won!",
             (select coalesce(sum(amount), 0) from mdf_ledger where partner_id = $1 and kind = 'pay') as "paid!""#,
        partner as PartnerId,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(PartnerHistory { forecast_revenue: r.forecast, won_revenue: r.won, paid: r.paid })
}

pub struct QueueRow {
    pub request: RequestRow,
    pub history_forecast: Decimal,
    pub history_won: Decimal,
}

/// The submitted requests in scope, with each partner's record of forecast against won revenue.
pub async fn queue(tx: &mut Tx, scope: Scope, fund: Option<FundId>) -> Result<Vec<QueueRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"with q as (
             select r.*, p.name as partner_name, f.currency from mdf_requests r
               join partners p on p.tenant_id = r.tenant_id and p.id = r.partner_id
               join mdf_funds f on f.tenant_id = r.tenant_id and f.id = r.fund_id
              where r.status = 'submitted' and ($1::uuid is null or p.cam_id = $1) and ($2::uuid is null or r.fund_id = $2)
                and ($3::uuid is null or r.partner_id = $3)
           ), hist as (
             select h.partner_id, sum(h.forecast_revenue) as forecast,
                    sum((select coalesce(sum(d.closed_amount), 0) from mdf_request_deals rd
                           join deals d on d.tenant_id = rd.tenant_id and d.id = rd.deal_id
                          where rd.request_id = h.id and d.status = 'won')) as won
               from mdf_requests h
              where h.results_reported_at is not null and h.partner_id in (select partner_id from q)
              group by h.partner_id
           )
           select q.id as "id: MdfRequestId", q.partner_id as "partner_id: PartnerId", q.partner_name as "partner_name!",
                  q.allocation_id as "allocation_id: AllocationId", q.fund_id as "fund_id: FundId", q.currency as "currency!",
                  q.created_by as "created_by: UserId", q.title, q.activity_type, q.description, q.starts_on, q.ends_on,
                  q.total_cost, q.requested_amount, q.approved_amount, q.reimbursement_percent, q.claim_deadline,
                  q.status as "status: RequestStatus", q.audience, q.response_rate, q.mql_rate, q.sql_rate, q.win_rate,
                  q.average_deal, q.forecast_revenue, q.flagged, q.created_at, q.submitted_at, q.decided_at,
                  q.decision_note, coalesce(hist.forecast, 0) as "history_forecast!", coalesce(hist.won, 0) as "history_won!"
             from q left join hist on hist.partner_id = q.partner_id"#,
        scope.cam() as Option<UserId>,
        fund as Option<FundId>,
        scope.partner() as Option<PartnerId>,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|q| QueueRow {
            history_forecast: q.history_forecast,
            history_won: q.history_won,
            request: RequestRow {
                id: q.id,
                partner_id: q.partner_id,
                partner_name: q.partner_name,
                allocation_id: q.allocation_id,
                fund_id: q.fund_id,
                currency: q.currency,
                created_by: q.created_by,
                title: q.title,
                activity_type: q.activity_type,
                description: q.description,
                starts_on: q.starts_on,
                ends_on: q.ends_on,
                total_cost: q.total_cost,
                requested_amount: q.requested_amount,
                approved_amount: q.approved_amount,
                reimbursement_percent: q.reimbursement_percent,
                claim_deadline: q.claim_deadline,
                status: q.status,
                audience: q.audience,
                response_rate: q.response_rate,
                mql_rate: q.mql_rate,
                sql_rate: q.sql_rate,
                win_rate: q.win_rate,
                average_deal: q.average_deal,
                forecast_revenue: q.forecast_revenue,
                flagged: q.flagged,
                created_at: q.created_at,
                submitted_at: q.submitted_at,
                decided_at: q.decided_at,
                decision_note: q.decision_note,
            },
        })
        .collect())
}

/// What the queue's requests can still draw on: the available balance of the allocations in scope (of one fund, or
/// of every fund whose period is running).
pub async fn remaining_budget(tx: &mut Tx, scope: Scope, fund: Option<FundId>) -> Result<Decimal, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select l.kind, sum(l.amount) as total
             from mdf_ledger l
             join mdf_allocations a on a.tenant_id = l.tenant_id and a.id = l.allocation_id
             join mdf_funds f on f.tenant_id = a.tenant_id and f.id = a.fund_id
             join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
            where ($1::uuid is null or p.cam_id = $1) and ($3::uuid is null or a.partner_id = $3)
              and (case when $2::uuid is null then current_date <= a.expires_on else a.fund_id = $2 end)
            group by l.kind"#,
        scope.cam() as Option<UserId>,
        fund as Option<FundId>,
        scope.partner() as Option<PartnerId>,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(fold(rows.into_iter().map(|r| (r.kind, r.total)).collect()).available())
}

/// Who decides a partner's requests: its CAM, or the program admins when it has none.
pub async fn deciders(tx: &mut Tx, partner: PartnerId) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select u.email from partners p join users u on u.tenant_id = p.tenant_id and u.id = p.cam_id
            where p.id = $1 and u.active
           union
           select u.email from users u
            where u.role = 'program_admin' and u.active
              and not exists (select 1 from partners p where p.id = $1 and p.cam_id is not null)"#,
        partner as PartnerId,
    )
    .fetch_all(&mut **tx)
    .await
    .map(|v| v.into_iter().flatten().collect())
}

/// Who hears of a decision: the request's author and the partner's admins (active).
pub async fn partner_recipients(tx: &mut Tx, partner: PartnerId, author: UserId) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select email from users where partner_id = $1 and active and (id = $2 or role = 'partner_admin') order by email",
        partner as PartnerId,
        author as UserId,
    )
    .fetch_all(&mut **tx)
    .await
}

/// The balances of each partner in scope over its allocations still running, by currency, partners by name.
pub async fn balances_by_partner(
    tx: &mut Tx,
    scope: Scope,
) -> Result<Vec<(PartnerId, String, String, Balances)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select a.partner_id as "partner_id: PartnerId", p.name, f.currency, l.kind, sum(l.amount) as total
             from mdf_ledger l
             join mdf_allocations a on a.tenant_id = l.tenant_id and a.id = l.allocation_id
             join mdf_funds f on f.tenant_id = a.tenant_id and f.id = a.fund_id
             join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
            where a.expires_on >= current_date and ($1::uuid is null or p.cam_id = $1)
              and ($2::uuid is null or a.partner_id = $2)
            group by a.partner_id, p.name, f.currency, l.kind
            order by p.name, a.partner_id, f.currency"#,
        scope.cam() as Option<UserId>,
        scope.partner() as Option<PartnerId>,
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut out: Vec<(PartnerId, String, String, Balances)> = Vec::new();
    for r in rows {
        let kind = Movement::parse(&r.kind);
        match out.last_mut() {
            Some(last) if last.0 == r.partner_id && last.2 == r.currency => {
                if let Some(k) = kind {
                    last.3 = last.3.apply(k, r.total.unwrap_or_default());
                }
            }
            _ => {
                let b = kind.map_or(Balances::default(), |k| Balances::default().apply(k, r.total.unwrap_or_default()));
                out.push((r.partner_id, r.name, r.currency, b));
            }
        }
    }
    Ok(out)
}

/// A date the partner must act by.
pub struct DeadlineRow {
    /// `claim` (a request's claim deadline) or `expiry` (an allocation's last day).
    pub kind: String,
    pub on_date: NaiveDate,
    /// The request's title or the fund's name.
    pub title: String,
    /// The request's or the allocation's id.
    pub id: uuid::Uuid,
}

/// The partner's MDF deadlines from `today` on, nearest first (a claim before an expiry on the same day): the claim
/// deadlines of its approved requests and the last days of its allocations.
pub async fn deadlines(
    tx: &mut Tx,
    partner: PartnerId,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<DeadlineRow>, sqlx::Error> {
    sqlx::query_as!(
        DeadlineRow,
        r#"select d.kind as "kind!", d.on_date as "on_date!", d.title as "title!", d.id as "id!"
             from (select 'claim' as kind, r.claim_deadline as on_date, r.title, r.id
                     from mdf_requests r
                    where r.partner_id = $1 and r.status in ('approved', 'partly_approved')
                      and r.claim_deadline >= $2
                   union all
                   select 'expiry', a.expires_on, f.name, a.id
                     from mdf_allocations a
                     join mdf_funds f on f.tenant_id = a.tenant_id and f.id = a.fund_id
                    where a.partner_id = $1 and a.expires_on >= $2) d
            order by d.on_date, d.kind, d.title
            limit $3"#,
        partner as PartnerId,
        today,
        limit,
    )
    .fetch_all(&mut **tx)
    .await
}

/// Approved requests whose claim deadline has passed, locked; rows another instance holds are skipped.
pub async fn claim_overdue(tx: &mut Tx, today: NaiveDate) -> Result<Vec<RequestRow>, sqlx::Error> {
    sqlx::query_as!(
        RequestRow,
        r#"select r.id as "id: MdfRequestId", r.partner_id as "partner_id: PartnerId", p.name as partner_name,
                  r.allocation_id as "allocation_id: AllocationId", r.fund_id as "fund_id: FundId", f.currency,
                  r.created_by as "created_by: UserId", r.title, r.activity_type, r.description, r.starts_on, r.ends_on,
                  r.total_cost, r.requested_amount, r.approved_amount, r.reimbursement_percent, r.claim_deadline,
                  r.status as "status: RequestStatus", r.audience, r.response_rate, r.mql_rate, r.sql_rate, r.win_rate,
                  r.average_deal, r.forecast_revenue, r.flagged, r.created_at, r.submitted_at, r.decided_at,
                  r.decision_note
             from mdf_requests r
             join partners p on p.tenant_id = r.tenant_id and p.id = r.partner_id
             join mdf_funds f on f.tenant_id = r.tenant_id and f.id = r.fund_id
            where r.status in ('approved', 'partly_approved') and r.claim_deadline < $1
            order by r.claim_deadline, r.id
              for update of r skip locked"#,
        today,
    )
    .fetch_all(&mut **tx)
    .await
}

/// Approved requests whose claim deadline falls within `days`, not yet warned, locked (others' skipped).
pub async fn claim_deadline_warnings(tx: &mut Tx, today: NaiveDate, days: i32) -> Result<Vec<RequestRow>, sqlx::Error> {
    sqlx::query_as!(
        RequestRow,
        r#"select r.id as "id: MdfRequestId", r.partner_id as "partner_id: PartnerId", p.name as partner_name,
                  r.allocation_id as "allocation_id: AllocationId", r.fund_id as "fund_id: FundId", f.currency,
                  r.created_by as "created_by: UserId", r.title, r.activity_type, r.description, r.starts_on, r.ends_on,
                  r.total_cost, r.requested_amount, r.approved_amount, r.reimbursement_percent, r.claim_deadline,
                  r.status as "status: RequestStatus", r.audience, r.response_rate, r.mql_rate, r.sql_rate, r.win_rate,
                  r.average_deal, r.forecast_revenue, r.flagged, r.created_at, r.submitted_at, r.decided_at,
                  r.decision_note
             from mdf_requests r
             join partners p on p.tenant_id = r.tenant_id and p.id = r.partner_id
             join mdf_funds f on f.tenant_id = r.tenant_id and f.id = r.fund_id
            where r.status in ('approved', 'partly_approved') and r.deadline_warned_at is null
              and r.claim_deadline >= $1 and r.claim_deadline <= $1 + $2::int
            order by r.claim_deadline, r.id
              for update of r skip locked"#,
        today,
        days,
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn mark_warned(tx: &mut Tx, id: MdfRequestId) -> Result<(), sqlx::Error> {
    sqlx::query!("update mdf_requests set deadline_warned_at = now() where id = $1", id as MdfRequestId)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct LedgerEntry {
    pub id: uuid::Uuid,
    pub fund_id: FundId,
    pub allocation_id: AllocationId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub request_id: Option<MdfRequestId>,
    pub claim_id: Option<ClaimId>,
    pub payment_id: Option<PaymentId>,
    /// allocate, reserve, release, claim, pay, expire or adjust.
    pub kind: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub currency: String,
    pub note: String,
    pub created_by: Option<UserId>,
    pub created_at: DateTime<Utc>,
}

pub struct LedgerFilter {
    pub fund: Option<FundId>,
    pub partner: Option<PartnerId>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

/// Ledger rows in scope, in the order written (`newest_first` for the API's pages, oldest first for exports).
pub async fn ledger(
    tx: &mut Tx,
    scope: Scope,
    f: &LedgerFilter,
    newest_first: bool,
    limit: i64,
    offset: i64,
) -> Result<(Vec<LedgerEntry>, i64), sqlx::Error> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from mdf_ledger l join partners p on p.tenant_id = l.tenant_id and p.id = l.partner_id
            where ($1::uuid is null or l.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
              and ($3::uuid is null or l.fund_id = $3) and ($4::uuid is null or l.partner_id = $4)
              and ($5::date is null or l.created_at >= $5::date) and ($6::date is null or l.created_at < $6::date + 1)"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        f.fund as Option<FundId>,
        f.partner as Option<PartnerId>,
        f.from,
        f.to,
    )
    .fetch_one(&mut **tx)
    .await?;
    let rows = sqlx::query_as!(
        LedgerEntry,
        r#"select l.id, l.fund_id as "fund_id: FundId", l.allocation_id as "allocation_id: AllocationId",
                  l.partner_id as "partner_id: PartnerId", p.name as partner_name,
                  l.request_id as "request_id: MdfRequestId", l.claim_id as "claim_id: ClaimId",
                  l.payment_id as "payment_id: PaymentId", l.kind, l.amount, fu.currency, l.note,
                  l.created_by as "created_by: UserId", l.created_at
             from mdf_ledger l
             join partners p on p.tenant_id = l.tenant_id and p.id = l.partner_id
             join mdf_funds fu on fu.tenant_id = l.tenant_id and fu.id = l.fund_id
            where ($1::uuid is null or l.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
              and ($3::uuid is null or l.fund_id = $3) and ($4::uuid is null or l.partner_id = $4)
              and ($5::date is null or l.created_at >= $5::date) and ($6::date is null or l.created_at < $6::date + 1)
            order by case when $7 then -l.seq else l.seq end
            limit $8 offset $9"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        f.fund as Option<FundId>,
        f.partner as Option<PartnerId>,
        f.from,
        f.to,
        newest_first,
        limit,
        offset,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok((rows, total))
}

// ---------------------------------------------------------------------------------------------------------------
// Claims, their lines and proof, payments

/// A claim with what it needs of its request.
#[derive(Debug, Clone)]
pub struct ClaimRow {
    pub id: ClaimId,
    pub request_id: MdfRequestId,
    pub request_title: String,
    pub request_status: RequestStatus,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub fund_id: FundId,
    pub allocation_id: AllocationId,
    pub currency: String,
    pub status: ClaimStatus,
    pub limit_amount: Decimal,
    pub approved_total: Option<Decimal>,
    /// The request's approved amount: the reservation the claim settles.
    pub reserved: Option<Decimal>,
    pub claim_deadline: Option<NaiveDate>,
    pub created_by: UserId,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub reviewed_at: Option<DateTime<Utc>>,
}

/// One claim the scope may see; `lock` holds its row until the transaction ends (every change of it takes it).
pub async fn claim(tx: &mut Tx, scope: Scope, id: ClaimId, lock: bool) -> Result<Option<ClaimRow>, sqlx::Error> {
    let row = sqlx::query_as!(
        ClaimRow,
        r#"select c.id as "id: ClaimId", c.request_id as "request_id: MdfRequestId", r.title as request_title,
                  r.status as "request_status: RequestStatus", c.partner_id as "partner_id: PartnerId",
                  p.name as partner_name, r.fund_id as "fund_id: FundId", r.allocation_id as "allocation_id: AllocationId",
                  f.currency, c.status as "status: ClaimStatus", c.limit_amount, c.approved_total,
                  r.approved_amount as reserved, r.claim_deadline, c.created_by as "created_by: UserId", c.created_at,
                  c.submitted_at, c.reviewed_at
             from mdf_claims c
             join mdf_requests r on r.tenant_id = c.tenant_id and r.id = c.request_id
             join partners p on p.tenant_id = c.tenant_id and p.id = c.partner_id
             join mdf_funds f on f.tenant_id = r.tenant_id and f.id = r.fund_id
            where c.id = $1 and ($2::uuid is null or c.partner_id = $2) and ($3::uuid is null or p.cam_id = $3)"#,
        id as ClaimId,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_optional(&mut **tx)
    .await?;
    if lock && row.is_some() {
        sqlx::query!("select id from mdf_claims where id = $1 for update", id as ClaimId).fetch_one(&mut **tx).await?;
    }
    Ok(row)
}

/// The claim filed against a request, if any.
pub async fn claim_of_request(tx: &mut Tx, request: MdfRequestId) -> Result<Option<ClaimId>, sqlx::Error> {
    sqlx::query_scalar!(r#"select id as "id: ClaimId" from mdf_claims where request_id = $1"#, request as MdfRequestId)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn claims(
    tx: &mut Tx,
    scope: Scope,
    status: Option<ClaimStatus>,
    partner: Option<PartnerId>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ClaimRow>, i64), sqlx::Error> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from mdf_claims c join partners p on p.tenant_id = c.tenant_id and p.id = c.partner_id
            where ($1::uuid is null or c.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
              and ($3::text is null or c.status = $3) and ($4::uuid is null or c.partner_id = $4)"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        status as Option<ClaimStatus>,
        partner as Option<PartnerId>,
    )
    .fetch_one(&mut **tx)
    .await?;
    let rows = sqlx::query_as!(
        ClaimRow,
        r#"select c.id as "id: ClaimId", c.request_id as "request_id: MdfRequestId", r.title as request_title,
                  r.status as "request_status: RequestStatus", c.partner_id as "partner_id: PartnerId",
                  p.name as partner_name, r.fund_id as "fund_id: FundId", r.allocation_id as "allocation_id: AllocationId",
                  f.currency, c.status as "status: ClaimStatus", c.limit_amount, c.approved_total,
                  r.approved_amount as reserved, r.claim_deadline, c.created_by as "created_by: UserId", c.created_at,
                  c.submitted_at, c.reviewed_at
             from mdf_claims c
             join mdf_requests r on r.tenant_id = c.tenant_id and r.id = c.request_id
             join partners p on p.tenant_id = c.tenant_id and p.id = c.partner_id
             join mdf_funds f on f.tenant_id = r.tenant_id and f.id = r.fund_id
            where ($1::uuid is null or c.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
              and ($3::text is null or c.status = $3) and ($4::uuid is null or c.partner_id = $4)
            order by c.submitted_at nulls last, c.created_at desc, c.id
            limit $5 offset $6"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        status as Option<ClaimStatus>,
        partner as Option<PartnerId>,
        limit,
        offset,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok((rows, total))
}

pub async fn insert_claim(
    tx: &mut Tx,
    tenant: TenantId,
    id: ClaimId,
    request: MdfRequestId,
    partner: PartnerId,
    limit: Decimal,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_claims (tenant_id, id, request_id, partner_id, limit_amount, created_by)
         values ($1, $2, $3, $4, $5, $6)",
        tenant as TenantId,
        id as ClaimId,
        request as MdfRequestId,
        partner as PartnerId,
        limit,
        by as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct ClaimLineRow {
    pub id: ClaimLineId,
    pub claim_id: ClaimId,
    pub description: String,
    pub amount: Decimal,
    pub verdict: Option<LineVerdict>,
    pub approved_amount: Option<Decimal>,
    pub reason: Option<String>,
}

pub async fn claim_lines(tx: &mut Tx, claim: ClaimId) -> Result<Vec<ClaimLineRow>, sqlx::Error> {
    sqlx::query_as!(
        ClaimLineRow,
        r#"select id as "id: ClaimLineId", claim_id as "claim_id: ClaimId", description, amount,
                  verdict as "verdict: LineVerdict", approved_amount, reason
             from mdf_claim_lines where claim_id = $1 order by position, id"#,
        claim as ClaimId,
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn insert_claim_line(
    tx: &mut Tx,
    tenant: TenantId,
    id: ClaimLineId,
    claim: ClaimId,
    description: &str,
    amount: Decimal,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_claim_lines (tenant_id, id, claim_id, position, description, amount)
         values ($1, $2, $3, (select coalesce(max(position), 0) + 1 from mdf_claim_lines where claim_id = $3), $4, $5)",
        tenant as TenantId,
        id as ClaimLineId,
        claim as ClaimId,
        description,
        amount,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The claim a line belongs to, when the scope may see it.
pub async fn claim_of_line(tx: &mut Tx, scope: Scope, line: ClaimLineId) -> Result<Option<ClaimId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select l.claim_id as "id: ClaimId" from mdf_claim_lines l
             join mdf_claims c on c.tenant_id = l.tenant_id and c.id = l.claim_id
             join partners p on p.tenant_id = c.tenant_id and p.id = c.partner_id
            where l.id = $1 and ($2::uuid is null or c.partner_id = $2) and ($3::uuid is null or p.cam_id = $3)"#,
        line as ClaimLineId,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Removes a line and its proof (the files go with their attachment rows).
pub async fn delete_claim_line(tx: &mut Tx, line: ClaimLineId) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from mdf_attachments where claim_line_id = $1", line as ClaimLineId)
        .execute(&mut **tx)
        .await?;
    sqlx::query!("delete from mdf_claim_lines where id = $1", line as ClaimLineId).execute(&mut **tx).await?;
    Ok(())
}

pub async fn set_line_verdict(
    tx: &mut Tx,
    line: ClaimLineId,
    verdict: LineVerdict,
    approved_amount: Decimal,
    reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_claim_lines set verdict = $2, approved_amount = $3, reason = $4 where id = $1",
        line as ClaimLineId,
        verdict as LineVerdict,
        approved_amount,
        reason,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn mark_claim_submitted(tx: &mut Tx, id: ClaimId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_claims set status = 'submitted', submitted_at = now(), updated_at = now() where id = $1",
        id as ClaimId
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn mark_claim_reviewed(
    tx: &mut Tx,
    id: ClaimId,
    status: ClaimStatus,
    approved_total: Decimal,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_claims set status = $2, approved_total = $3, reviewed_at = now(), reviewed_by = $4, updated_at = now()
          where id = $1",
        id as ClaimId,
        status as ClaimStatus,
        approved_total,
        by as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn set_claim_status(tx: &mut Tx, id: ClaimId, status: ClaimStatus) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_claims set status = $2, updated_at = now() where id = $1",
        id as ClaimId,
        status as ClaimStatus
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = MdfAttachment)]
pub struct AttachmentRow {
    pub id: AttachmentId,
    #[serde(skip)]
    pub claim_id: ClaimId,
    pub claim_line_id: ClaimLineId,
    pub kind: AttachmentKind,
    pub file_name: String,
    pub content_type: String,
    pub size: i32,
    pub created_at: DateTime<Utc>,
}

pub async fn claim_attachments(tx: &mut Tx, claim: ClaimId) -> Result<Vec<AttachmentRow>, sqlx::Error> {
    sqlx::query_as!(
        AttachmentRow,
        r#"select id as "id: AttachmentId", claim_id as "claim_id: ClaimId", claim_line_id as "claim_line_id: ClaimLineId",
                  kind as "kind: AttachmentKind", file_name, content_type, size, created_at
             from mdf_attachments where claim_id = $1 order by created_at, id"#,
        claim as ClaimId,
    )
    .fetch_all(&mut **tx)
    .await
}

/// One attachment the scope may see.
pub async fn attachment(tx: &mut Tx, scope: Scope, id: AttachmentId) -> Result<Option<AttachmentRow>, sqlx::Error> {
    sqlx::query_as!(
        AttachmentRow,
        r#"select a.id as "id: AttachmentId", a.claim_id as "claim_id: ClaimId",
                  a.claim_line_id as "claim_line_id: ClaimLineId", a.kind as "kind: AttachmentKind", a.file_name,
                  a.content_type, a.size, a.created_at
             from mdf_attachments a
             join mdf_claims c on c.tenant_id = a.tenant_id and c.id = a.claim_id
             join partners p on p.tenant_id = c.tenant_id and p.id = c.partner_id
            where a.id = $1 and ($2::uuid is null or c.partner_id = $2) and ($3::uuid is null or p.cam_id = $3)"#,
        id as AttachmentId,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn attachment_content(tx: &mut Tx, id: AttachmentId) -> Result<Vec<u8>, sqlx::Error> {
    sqlx::query_scalar!("select content from mdf_attachment_contents where attachment_id = $1", id as AttachmentId)
        .fetch_one(&mut **tx)
        .await
}

pub struct NewAttachment<'a> {
    pub id: AttachmentId,
    pub claim: ClaimId,
    pub line: ClaimLineId,
    pub kind: AttachmentKind,
    pub file_name: &'a str,
    pub content_type: &'a str,
    pub content: &'a [u8],
    pub sha256: &'a str,
}

pub async fn insert_attachment(
    tx: &mut Tx,
    tenant: TenantId,
    a: &NewAttachment<'_>,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_attachments (tenant_id, id, claim_id, claim_line_id, kind, file_name, content_type, size, sha256,
                                      created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
        tenant as TenantId,
        a.id as AttachmentId,
        a.claim as ClaimId,
        a.line as ClaimLineId,
        a.kind as AttachmentKind,
        a.file_name,
        a.content_type,
        a.content.len() as i32,
        a.sha256,
        by as UserId,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into mdf_attachment_contents (tenant_id, attachment_id, content) values ($1, $2, $3)",
        tenant as TenantId,
        a.id as AttachmentId,
        a.content,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn delete_attachment(tx: &mut Tx, id: AttachmentId) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from mdf_attachments where id = $1", id as AttachmentId).execute(&mut **tx).await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = MdfPayment)]
pub struct PaymentRow {
    pub id: PaymentId,
    pub claim_id: ClaimId,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub amount: Decimal,
    pub paid_on: NaiveDate,
    pub reference: String,
    pub created_at: DateTime<Utc>,
}

pub async fn payments(tx: &mut Tx, claim: ClaimId) -> Result<Vec<PaymentRow>, sqlx::Error> {
    sqlx::query_as!(
        PaymentRow,
        r#"select id as "id: PaymentId", claim_id as "claim_id: ClaimId", amount, paid_on, reference, created_at
             from mdf_payments where claim_id = $1 order by paid_on, created_at, id"#,
        claim as ClaimId,
    )
    .fetch_all(&mut **tx)
    .await
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_payment(
    tx: &mut Tx,
    tenant: TenantId,
    id: PaymentId,
    claim: ClaimId,
    amount: Decimal,
    paid_on: NaiveDate,
    reference: &str,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_payments (tenant_id, id, claim_id, amount, paid_on, reference, created_by)
         values ($1, $2, $3, $4, $5, $6, $7)",
        tenant as TenantId,
        id as PaymentId,
        claim as ClaimId,
        amount,
        paid_on,
        reference,
        by as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Appends a ledger row caused by a claim (its `claim` and `release` rows) or a payment (`pay`).
pub async fn insert_claim_ledger(
    tx: &mut Tx,
    tenant: TenantId,
    row: &NewLedger,
    claim: ClaimId,
    payment: Option<PaymentId>,
    by: &CurrentUser,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_ledger (tenant_id, fund_id, allocation_id, partner_id, request_id, claim_id, payment_id, kind,
                                 amount, note, created_by)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
        tenant as TenantId,
        row.fund as FundId,
        row.allocation as AllocationId,
        row.partner as PartnerId,
        row.request as Option<MdfRequestId>,
        claim as ClaimId,
        payment as Option<PaymentId>,
        row.kind.as_str(),
        row.amount,
        row.note,
        by.id as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

// ---------------------------------------------------------------------------------------------------------------
// Results: what a request returned

/// A request's reported results, the won revenue of its linked deals and the MDF paid for it.
pub struct ResultsRow {
    pub responses: Option<i32>,
    pub mqls: Option<i32>,
    pub sqls: Option<i32>,
    pub reported_at: Option<DateTime<Utc>>,
    pub deal_ids: Vec<DealId>,
    pub won_deals: i64,
    pub won_revenue: Decimal,
    pub paid: Decimal,
}

pub async fn results(tx: &mut Tx, id: MdfRequestId) -> Result<ResultsRow, sqlx::Error> {
    let r = sqlx::query!(
        r#"select r.actual_responses, r.actual_mqls, r.actual_sqls, r.results_reported_at,
                  coalesce((select array_agg(rd.deal_id order by rd.deal_id) from mdf_request_deals rd
                             where rd.request_id = r.id), '{}') as "deal_ids!: Vec<uuid::Uuid>",
                  (select count(*) from mdf_request_deals rd join deals d on d.tenant_id = rd.tenant_id and d.id = rd.deal_id
                    where rd.request_id = r.id and d.status = 'won') as "won_deals!",
                  (select coalesce(sum(d.closed_amount), 0) from mdf_request_deals rd
                     join deals d on d.tenant_id = rd.tenant_id and d.id = rd.deal_id
                    where rd.request_id = r.id and d.status = 'won') as "won_revenue!",
                  (select coalesce(sum(l.amount), 0) from mdf_ledger l where l.request_id = r.id and l.kind = 'pay') as "paid!"
             from mdf_requests r where r.id = $1"#,
        id as MdfRequestId,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(ResultsRow {
        responses: r.actual_responses,
        mqls: r.actual_mqls,
        sqls: r.actual_sqls,
        reported_at: r.results_reported_at,
        deal_ids: r.deal_ids.into_iter().map(DealId).collect(),
        won_deals: r.won_deals,
        won_revenue: r.won_revenue,
        paid: r.paid,
    })
}

/// How many of `deals` are the partner's own.
pub async fn count_partner_deals(tx: &mut Tx, partner: PartnerId, deals: &[uuid::Uuid]) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from deals where partner_id = $1 and id = any($2)"#,
        partner as PartnerId,
        deals,
    )
    .fetch_one(&mut **tx)
    .await
}

/// How many of `deals` are linked to another request than `request`.
pub async fn count_linked_elsewhere(
    tx: &mut Tx,
    request: MdfRequestId,
    deals: &[uuid::Uuid],
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select count(*) as "n!" from mdf_request_deals where request_id <> $1 and deal_id = any($2)"#,
        request as MdfRequestId,
        deals,
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn set_results(
    tx: &mut Tx,
    tenant: TenantId,
    id: MdfRequestId,
    (responses, mqls, sqls): (i32, i32, i32),
    deals: &[uuid::Uuid],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_requests set actual_responses = $2, actual_mqls = $3, actual_sqls = $4, results_reported_at = now(),
                updated_at = now()
          where id = $1",
        id as MdfRequestId,
        responses,
        mqls,
        sqls,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "delete from mdf_request_deals where request_id = $1 and deal_id <> all($2)",
        id as MdfRequestId,
        deals
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into mdf_request_deals (tenant_id, request_id, deal_id) select $1, $2, d from unnest($3::uuid[]) d
         on conflict (tenant_id, deal_id) do nothing",
        tenant as TenantId,
        id as MdfRequestId,
        deals,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A partner's deals to link to a request: most recent first.
pub struct DealChoice {
    pub id: DealId,
    pub customer_name: String,
    pub status: String,
    pub value: Decimal,
    pub currency: String,
}

pub async fn partner_deals(tx: &mut Tx, partner: PartnerId) -> Result<Vec<DealChoice>, sqlx::Error> {
    sqlx::query_as!(
        DealChoice,
        r#"select id as "id: DealId", customer_name, status, coalesce(closed_amount, estimated_value) as "value!", currency
             from deals where partner_id = $1 and status in ('approved', 'won', 'pending')
            order by created_at desc limit 100"#,
        partner as PartnerId,
    )
    .fetch_all(&mut **tx)
    .await
}

/// One of the tenant's kinds of marketing activity, with its benchmark rates.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
#[schema(as = MdfActivityType)]
pub struct ActivityTypeRow {
    pub code: String,
    pub label: String,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub response_rate: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub mql_rate: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub sql_rate: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub win_rate: Decimal,
    #[serde(with = "rust_decimal::serde::str")]
    #[schema(value_type = String)]
    pub average_deal: Decimal,
}

pub async fn activity_types(tx: &mut Tx) -> Result<Vec<ActivityTypeRow>, sqlx::Error> {
    sqlx::query_as!(
        ActivityTypeRow,
        "select code, label, response_rate, mql_rate, sql_rate, win_rate, average_deal
           from mdf_activity_types where active order by position, code"
    )
    .fetch_all(&mut **tx)
    .await
}

// ---------------------------------------------------------------------------------------------------------------
// Marketing plans and their activities

pub struct PlanRow {
    pub id: PlanId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub quarter_start: NaiveDate,
}

pub async fn insert_plan(
    tx: &mut Tx,
    tenant: TenantId,
    id: PlanId,
    partner: PartnerId,
    quarter_start: NaiveDate,
    by: UserId,
) -> Result<bool, sqlx::Error> {
    let n = sqlx::query!(
        "insert into mdf_plans (tenant_id, id, partner_id, quarter_start, created_by) values ($1, $2, $3, $4, $5)
         on conflict (tenant_id, partner_id, quarter_start) do nothing",
        tenant as TenantId,
        id as PlanId,
        partner as PartnerId,
        quarter_start,
        by as UserId,
    )
    .execute(&mut **tx)
    .await?
    .rows_affected();
    Ok(n == 1)
}

pub async fn plans(
    tx: &mut Tx,
    scope: Scope,
    id: Option<PlanId>,
    partner: Option<PartnerId>,
    quarter_start: Option<NaiveDate>,
) -> Result<Vec<PlanRow>, sqlx::Error> {
    sqlx::query_as!(
        PlanRow,
        r#"select pl.id as "id: PlanId", pl.partner_id as "partner_id: PartnerId", p.name as partner_name, pl.quarter_start
             from mdf_plans pl join partners p on p.tenant_id = pl.tenant_id and p.id = pl.partner_id
            where ($1::uuid is null or pl.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
              and ($3::uuid is null or pl.id = $3) and ($4::uuid is null or pl.partner_id = $4)
              and ($5::date is null or pl.quarter_start = $5)
            order by pl.quarter_start desc, p.name
            limit 500"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        id as Option<PlanId>,
        partner as Option<PartnerId>,
        quarter_start,
    )
    .fetch_all(&mut **tx)
    .await
}

#[derive(Debug, Clone)]
pub struct ActivityRow {
    pub id: ActivityId,
    pub plan_id: PlanId,
    pub partner_id: PartnerId,
    pub quarter_start: NaiveDate,
    pub activity_type: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub cost: Decimal,
    pub vendor_share_percent: Decimal,
    pub audience: i32,
    pub response_rate: Decimal,
    pub mql_rate: Decimal,
    pub sql_rate: Decimal,
    pub win_rate: Decimal,
    pub average_deal: Decimal,
    pub rates_from: String,
    /// The live request made from it (not cancelled or declined), and its state.
    pub request_id: Option<MdfRequestId>,
    pub request_status: Option<RequestStatus>,
}

pub async fn activities(
    tx: &mut Tx,
    scope: Scope,
    plan: Option<PlanId>,
    id: Option<ActivityId>,
) -> Result<Vec<ActivityRow>, sqlx::Error> {
    sqlx::query_as!(
        ActivityRow,
        r#"select a.id as "id: ActivityId", a.plan_id as "plan_id: PlanId", a.partner_id as "partner_id: PartnerId",
                  pl.quarter_start, a.activity_type, a.title, a.starts_on, a.ends_on, a.cost, a.vendor_share_percent,
                  a.audience, a.response_rate, a.mql_rate, a.sql_rate, a.win_rate, a.average_deal, a.rates_from,
                  r.id as "request_id?: MdfRequestId", r.status as "request_status?: RequestStatus"
             from mdf_activities a
             join mdf_plans pl on pl.tenant_id = a.tenant_id and pl.id = a.plan_id
             join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
             left join mdf_requests r on r.tenant_id = a.tenant_id and r.activity_id = a.id
                                     and r.status not in ('cancelled', 'declined')
            where ($1::uuid is null or a.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
              and ($3::uuid is null or a.plan_id = $3) and ($4::uuid is null or a.id = $4)
            order by a.starts_on, a.title, a.id"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        plan as Option<PlanId>,
        id as Option<ActivityId>,
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn lock_activity(tx: &mut Tx, id: ActivityId) -> Result<(), sqlx::Error> {
    sqlx::query!("select id from mdf_activities where id = $1 for update", id as ActivityId)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(())
}

pub struct NewActivity {
    pub activity_type: String,
    pub title: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub cost: Decimal,
    pub vendor_share_percent: Decimal,
    pub audience: i32,
    pub rates: crate::rules::mdf::Rates,
    pub average_deal: Decimal,
    pub rates_from: &'static str,
}

pub async fn insert_activity(
    tx: &mut Tx,
    tenant: TenantId,
    id: ActivityId,
    plan: PlanId,
    partner: PartnerId,
    a: &NewActivity,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_activities (tenant_id, id, plan_id, partner_id, activity_type, title, starts_on, ends_on, cost,
                                     vendor_share_percent, audience, response_rate, mql_rate, sql_rate, win_rate,
                                     average_deal, rates_from)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17)",
        tenant as TenantId,
        id as ActivityId,
        plan as PlanId,
        partner as PartnerId,
        a.activity_type,
        a.title,
        a.starts_on,
        a.ends_on,
        a.cost,
        a.vendor_share_percent,
        a.audience,
        a.rates.response,
        a.rates.mql,
        a.rates.sql,
        a.rates.win,
        a.average_deal,
        a.rates_from,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn update_activity(tx: &mut Tx, id: ActivityId, a: &NewActivity) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_activities set activity_type = $2, title = $3, starts_on = $4, ends_on = $5, cost = $6,
                vendor_share_percent = $7, audience = $8, response_rate = $9, mql_rate = $10, sql_rate = $11,
                win_rate = $12, average_deal = $13, rates_from = $14, updated_at = now()
          where id = $1",
        id as ActivityId,
        a.activity_type,
        a.title,
        a.starts_on,
        a.ends_on,
        a.cost,
        a.vendor_share_percent,
        a.audience,
        a.rates.response,
        a.rates.mql,
        a.rates.sql,
        a.rates.win,
        a.average_deal,
        a.rates_from,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Removes an activity; requests once made from it (cancelled, declined or draft) forget it.
pub async fn delete_activity(tx: &mut Tx, id: ActivityId) -> Result<(), sqlx::Error> {
    sqlx::query!("update mdf_requests set activity_id = null where activity_id = $1", id as ActivityId)
        .execute(&mut **tx)
        .await?;
    sqlx::query!("delete from mdf_activities where id = $1", id as ActivityId).execute(&mut **tx).await?;
    Ok(())
}

pub async fn set_request_activity(tx: &mut Tx, request: MdfRequestId, activity: ActivityId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_requests set activity_id = $2 where id = $1",
        request as MdfRequestId,
        activity as ActivityId
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A partner's record over its requests with reported results: audience, each stage, won deals and revenue.
pub struct RateHistory {
    pub audience: i64,
    pub responses: i64,
    pub mqls: i64,
    pub sqls: i64,
    pub wins: i64,
    pub won_revenue: Decimal,
}

pub async fn rate_history(tx: &mut Tx, partner: PartnerId) -> Result<RateHistory, sqlx::Error> {
    let r = sqlx::query!(
        r#"select coalesce(sum(r.audience), 0)::bigint as "audience!", coalesce(sum(r.actual_responses), 0)::bigint as "responses!",
                  coalesce(sum(r.actual_mqls), 0)::bigint as "mqls!", coalesce(sum(r.actual_sqls), 0)::bigint as "sqls!",
                  (select count(*) from mdf_request_deals rd join deals d on d.tenant_id = rd.tenant_id and d.id = rd.deal_id
                     join mdf_requests h on h.tenant_id = rd.tenant_id and h.id = rd.request_id
                    where h.partner_id = $1 and d.status = 'won') as "wins!",
                  (select coalesce(sum(d.closed_amount), 0) from mdf_request_deals rd
                     join deals d on d.tenant_id = rd.tenant_id and d.id = rd.deal_id
                     join mdf_requests h on h.tenant_id = rd.tenant_id and h.id = rd.request_id
                    where h.partner_id = $1 and d.status = 'won') as "won_revenue!"
             from mdf_requests r where r.partner_id = $1 and r.results_reported_at is not null"#,
        partner as PartnerId,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(RateHistory {
        audience: r.audience,
        responses: r.responses,
        mqls: r.mqls,
        sqls: r.sqls,
        wins: r.wins,
        won_revenue: r.won_revenue,
    })
}

/// The partner's allocations still open on `day` whose fund's period covers it.
pub async fn allocations_covering(
    tx: &mut Tx,
    partner: PartnerId,
    day: NaiveDate,
) -> Result<Vec<AllocationId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select a.id as "id: AllocationId" from mdf_allocations a
             join mdf_funds f on f.tenant_id = a.tenant_id and f.id = a.fund_id
            where a.partner_id = $1 and a.expires_on >= current_date and $2 between f.starts_on and f.ends_on
            order by f.starts_on, a.id"#,
        partner as PartnerId,
        day,
    )
    .fetch_all(&mut **tx)
    .await
}

/// Whether the scope may see the partner (its own people, its CAM, the tenant's staff).
pub async fn plans_partner_visible(tx: &mut Tx, scope: Scope, partner: PartnerId) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query_scalar!(
        "select 1 as one from partners p where p.id = $1 and ($2::uuid is null or p.id = $2) and ($3::uuid is null or p.cam_id = $3)",
        partner as PartnerId,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_optional(&mut **tx)
    .await?
    .is_some())
}

// ---------------------------------------------------------------------------------------------------------------
// Finance: fund changes, a partner's quarter, the chief's return by tier and region

pub async fn update_fund(
    tx: &mut Tx,
    id: FundId,
    name: &str,
    total: Decimal,
    reimbursement_percent: Decimal,
    claim_window_days: i32,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_funds set name = $2, total = $3, reimbursement_percent = $4, claim_window_days = $5, updated_at = now()
          where id = $1",
        id as FundId,
        name,
        total,
        reimbursement_percent,
        claim_window_days,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub struct PartnerQuarter {
    pub currency: Option<String>,
    pub balances: Balances,
    pub submitted: i64,
    pub approved: i64,
    pub rejected: i64,
    pub forecast_revenue: Decimal,
    pub won_revenue: Decimal,
}

/// A partner's figures over the funds whose period overlaps [from, to].
pub async fn partner_quarter(
    tx: &mut Tx,
    partner: PartnerId,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<PartnerQuarter, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select l.kind, sum(l.amount) as total, min(f.currency) as currency
             from mdf_ledger l join mdf_funds f on f.tenant_id = l.tenant_id and f.id = l.fund_id
            where l.partner_id = $1 and f.starts_on <= $3 and f.ends_on >= $2
            group by l.kind"#,
        partner as PartnerId,
        from,
        to,
    )
    .fetch_all(&mut **tx)
    .await?;
    let currency = rows.iter().find_map(|r| r.currency.clone());
    let balances = fold(rows.into_iter().map(|r| (r.kind, r.total)).collect());
    let r = sqlx::query!(
        r#"select count(*) filter (where r.submitted_at is not null) as "submitted!",
                  count(*) filter (where r.approved_amount is not null) as "approved!",
                  count(*) filter (where r.status in ('rejected', 'declined')) as "rejected!",
                  coalesce(sum(r.forecast_revenue) filter (where r.approved_amount is not null), 0) as "forecast!",
                  coalesce((select sum(d.closed_amount) from mdf_request_deals rd
                              join mdf_requests x on x.tenant_id = rd.tenant_id and x.id = rd.request_id
                              join mdf_funds xf on xf.tenant_id = x.tenant_id and xf.id = x.fund_id
                              join deals d on d.tenant_id = rd.tenant_id and d.id = rd.deal_id
                             where x.partner_id = $1 and xf.starts_on <= $3 and xf.ends_on >= $2 and d.status = 'won'), 0)
                    as "won!"
             from mdf_requests r join mdf_funds f on f.tenant_id = r.tenant_id and f.id = r.fund_id
            where r.partner_id = $1 and f.starts_on <= $3 and f.ends_on >= $2"#,
        partner as PartnerId,
        from,
        to,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(PartnerQuarter {
        currency,
        balances,
        submitted: r.submitted,
        approved: r.approved,
        rejected: r.rejected,
        forecast_revenue: r.forecast,
        won_revenue: r.won,
    })
}

/// MDF paid and the won revenue of linked deals since `since`, by partner tier and by region (one pass:
/// `(true, tier, paid, won)` rows, then `(false, region, paid, won)` rows).
pub async fn roi_by_tier_and_region(
    tx: &mut Tx,
    since: NaiveDate,
) -> Result<Vec<(bool, String, Decimal, Decimal)>, sqlx::Error> {
    // One pass over the pay rows (an index-only scan) and the linked won deals, grouped both ways at once.
    let rows = sqlx::query!(
        r#"select grouping(p.tier) = 0 as "by_tier!", coalesce(p.tier, p.region) as "key!", sum(x.paid) as "paid!",
                  sum(x.won) as "won!"
             from (select partner_id, amount as paid, 0::numeric as won from mdf_ledger
                    where kind = 'pay' and created_at >= $1::date
                   union all
                   select r.partner_id, 0, d.closed_amount from mdf_request_deals rd
                     join mdf_requests r on r.tenant_id = rd.tenant_id and r.id = rd.request_id
                     join deals d on d.tenant_id = rd.tenant_id and d.id = rd.deal_id
                    where d.status = 'won' and d.closed_at >= $1::date) x
             join partners p on p.id = x.partner_id
            group by grouping sets ((p.tier), (p.region)) order by 1 desc, 2"#,
        since,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.by_tier, r.key, r.paid, r.won)).collect())
}

// ---------------------------------------------------------------------------------------------------------------
// Demo and benchmark history: rows written as they would have been, with their own times

/// Appends a ledger row dated `at` (history loaded after the fact; still insert-only).
#[allow(clippy::too_many_arguments)]
pub async fn insert_ledger_at(
    tx: &mut Tx,
    tenant: TenantId,
    row: &NewLedger,
    claim: Option<ClaimId>,
    payment: Option<PaymentId>,
    by: Option<UserId>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_ledger (tenant_id, fund_id, allocation_id, partner_id, request_id, claim_id, payment_id, kind,
                                 amount, note, created_by, created_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)",
        tenant as TenantId,
        row.fund as FundId,
        row.allocation as AllocationId,
        row.partner as PartnerId,
        row.request as Option<MdfRequestId>,
        claim as Option<ClaimId>,
        payment as Option<PaymentId>,
        row.kind.as_str(),
        row.amount,
        row.note,
        by as Option<UserId>,
        at,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A request's state and times as history left them.
pub struct RequestHistory {
    pub status: RequestStatus,
    pub approved_amount: Option<Decimal>,
    pub reimbursement_percent: Option<Decimal>,
    pub claim_deadline: Option<NaiveDate>,
    pub created_at: DateTime<Utc>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<UserId>,
    pub decision_note: Option<String>,
    pub results: Option<(i32, i32, i32, DateTime<Utc>)>,
}

pub async fn set_request_history(tx: &mut Tx, id: MdfRequestId, h: &RequestHistory) -> Result<(), sqlx::Error> {
    let (responses, mqls, sqls, reported) = match h.results {
        Some((r, m, s, at)) => (Some(r), Some(m), Some(s), Some(at)),
        None => (None, None, None, None),
    };
    sqlx::query!(
        "update mdf_requests set status = $2, approved_amount = $3, reimbursement_percent = $4, claim_deadline = $5,
                created_at = $6, submitted_at = $7, decided_at = $8, decided_by = $9, decision_note = $10,
                actual_responses = $11, actual_mqls = $12, actual_sqls = $13, results_reported_at = $14,
                updated_at = coalesce($8::timestamptz, $6::timestamptz)
          where id = $1",
        id as MdfRequestId,
        h.status as RequestStatus,
        h.approved_amount,
        h.reimbursement_percent,
        h.claim_deadline,
        h.created_at,
        h.submitted_at,
        h.decided_at,
        h.decided_by as Option<UserId>,
        h.decision_note,
        responses,
        mqls,
        sqls,
        reported,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_event_at(
    tx: &mut Tx,
    tenant: TenantId,
    request: MdfRequestId,
    by: Option<UserId>,
    from: Option<RequestStatus>,
    to: RequestStatus,
    note: Option<&str>,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_request_events (tenant_id, request_id, actor_id, from_status, to_status, note, at)
         values ($1, $2, $3, $4, $5, $6, $7)",
        tenant as TenantId,
        request as MdfRequestId,
        by as Option<UserId>,
        from as Option<RequestStatus>,
        to as RequestStatus,
        note,
        at,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub async fn set_claim_history(
    tx: &mut Tx,
    id: ClaimId,
    status: ClaimStatus,
    approved_total: Option<Decimal>,
    created_at: DateTime<Utc>,
    submitted_at: Option<DateTime<Utc>>,
    reviewed_at: Option<DateTime<Utc>>,
    reviewed_by: Option<UserId>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update mdf_claims set status = $2, approved_total = $3, created_at = $4, submitted_at = $5, reviewed_at = $6,
                reviewed_by = $7, updated_at = coalesce($6::timestamptz, $5::timestamptz, $4::timestamptz)
          where id = $1",
        id as ClaimId,
        status as ClaimStatus,
        approved_total,
        created_at,
        submitted_at,
        reviewed_at,
        reviewed_by as Option<UserId>,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn link_deal(tx: &mut Tx, tenant: TenantId, request: MdfRequestId, deal: DealId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into mdf_request_deals (tenant_id, request_id, deal_id) values ($1, $2, $3)",
        tenant as TenantId,
        request as MdfRequestId,
        deal as DealId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Dates a demo deal: registered, approved and closed won for `amount` at the given times.
pub async fn set_deal_won_at(
    tx: &mut Tx,
    deal: DealId,
    amount: Decimal,
    created_at: DateTime<Utc>,
    closed_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update deals set created_at = $2::timestamptz, decided_at = $2::timestamptz + interval '1 day', closed_at = $3,
                closed_amount = $4
          where id = $1",
        deal as DealId,
        created_at,
        closed_at,
        amount,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A demo partner by name: its id, its CAM, and one of its people (its admin first) who files its requests.
pub async fn partner_people(
    tx: &mut Tx,
    name: &str,
) -> Result<(PartnerId, Option<UserId>, Option<UserId>), sqlx::Error> {
    let r = sqlx::query!(
        r#"select p.id as "id: PartnerId", p.cam_id as "cam: UserId",
                  (select u.id from users u where u.partner_id = p.id order by u.role = 'partner_admin' desc, u.created_at
                    limit 1) as "person: UserId"
             from partners p where p.name = $1"#,
        name
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((r.id, r.cam, r.person))
}

/// The balances of every allocation in scope, in one pass over their ledger rows.
pub async fn allocation_balances_in(
    tx: &mut Tx,
    scope: Scope,
) -> Result<std::collections::HashMap<AllocationId, Balances>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select l.allocation_id as "allocation_id: AllocationId", l.kind, sum(l.amount) as total
             from mdf_ledger l join partners p on p.tenant_id = l.tenant_id and p.id = l.partner_id
            where ($1::uuid is null or l.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
            group by l.allocation_id, l.kind"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut out: std::collections::HashMap<AllocationId, Balances> = std::collections::HashMap::new();
    for r in rows {
        if let Some(kind) = Movement::parse(&r.kind) {
            let b = out.entry(r.allocation_id).or_default();
            *b = b.apply(kind, r.total.unwrap_or_default());
        }
    }
    Ok(out)
}

/// Partners to allocate to, by name (the first thousand).
pub async fn partner_choices(tx: &mut Tx) -> Result<Vec<(PartnerId, String)>, sqlx::Error> {
    Ok(sqlx::query!(r#"select id as "id: PartnerId", name from partners order by name, id limit 1000"#)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect())
}

/// The balances of each allocation of a fund (the fund page), by allocation.
pub async fn fund_allocation_balances(
    tx: &mut Tx,
    fund: FundId,
) -> Result<std::collections::HashMap<AllocationId, Balances>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select allocation_id as "allocation_id: AllocationId", kind, sum(amount) as total
             from mdf_ledger where fund_id = $1
            group by allocation_id, kind"#,
        fund as FundId,
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut out: std::collections::HashMap<AllocationId, Balances> = std::collections::HashMap::new();
    for r in rows {
        if let Some(kind) = Movement::parse(&r.kind) {
            let b = out.entry(r.allocation_id).or_default();
            *b = b.apply(kind, r.total.unwrap_or_default());
        }
    }
    Ok(out)
}
