//! SQL for deal registration: the tenant's policy, products and named accounts, registrations, candidates for the
//! conflict check, and the history of each registration.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::postgres::PgRow;
use sqlx::{FromRow, Row};
use uuid::Uuid;

use crate::auth::Scope;
use crate::db::Tx;
use crate::rules::deal_conflict::{NamedAccount, Registration, Status};

/// The tenant's deal-registration policy; defaults apply until the program admin saves one.
#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Policy {
    pub protection_days: i32,
    pub similarity_threshold: f32,
    pub require_product_overlap: bool,
    pub auto_approve_clean: bool,
    pub extensions_allowed: i32,
    pub extension_days: i32,
    pub approval_sla_hours: i32,
    pub max_open_registrations: Option<i32>,
    pub reminder_days: i32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy {
            protection_days: 90,
            similarity_threshold: 0.6,
            require_product_overlap: true,
            auto_approve_clean: false,
            extensions_allowed: 1,
            extension_days: 30,
            approval_sla_hours: 48,
            max_open_registrations: None,
            reminder_days: 14,
        }
    }
}

const POLICY_COLUMNS: &str = "protection_days, similarity_threshold, require_product_overlap, auto_approve_clean,
    extensions_allowed, extension_days, approval_sla_hours, max_open_registrations, reminder_days";

pub async fn policy(tx: &mut Tx) -> Result<Policy, sqlx::Error> {
    let found: Option<Policy> =
        sqlx::query_as(sqlx::AssertSqlSafe(format!("select {POLICY_COLUMNS} from deal_policies")))
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.unwrap_or_default())
}

pub async fn save_policy(tx: &mut Tx, tenant: Uuid, p: &Policy) -> Result<(), sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "insert into deal_policies (tenant_id, {POLICY_COLUMNS}) values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (tenant_id) do update set
           protection_days = excluded.protection_days, similarity_threshold = excluded.similarity_threshold,
           require_product_overlap = excluded.require_product_overlap, auto_approve_clean = excluded.auto_approve_clean,
           extensions_allowed = excluded.extensions_allowed, extension_days = excluded.extension_days,
           approval_sla_hours = excluded.approval_sla_hours, max_open_registrations = excluded.max_open_registrations,
           reminder_days = excluded.reminder_days, updated_at = now()"
    )))
    .bind(tenant)
    .bind(p.protection_days)
    .bind(p.similarity_threshold)
    .bind(p.require_product_overlap)
    .bind(p.auto_approve_clean)
    .bind(p.extensions_allowed)
    .bind(p.extension_days)
    .bind(p.approval_sla_hours)
    .bind(p.max_open_registrations)
    .bind(p.reminder_days)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct Product {
    pub code: String,
    pub name: String,
}

pub async fn products(tx: &mut Tx) -> Result<Vec<Product>, sqlx::Error> {
    sqlx::query_as("select code, name from products where active order by lower(name), code").fetch_all(&mut **tx).await
}

/// Replaces the active product list: listed codes are (re)activated and renamed, others deactivated (registrations
/// keep referring to them).
pub async fn replace_products(tx: &mut Tx, tenant: Uuid, list: &[Product]) -> Result<(), sqlx::Error> {
    let codes: Vec<&str> = list.iter().map(|p| p.code.as_str()).collect();
    sqlx::query("update products set active = false where active and not (code = any($1))")
        .bind(&codes)
        .execute(&mut **tx)
        .await?;
    for p in list {
        sqlx::query(
            "insert into products (tenant_id, id, code, name) values ($1, $2, $3, $4)
             on conflict (tenant_id, code) do update set name = excluded.name, active = true
             where products.name is distinct from excluded.name or not products.active",
        )
        .bind(tenant)
        .bind(Uuid::new_v4())
        .bind(&p.code)
        .bind(&p.name)
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq, FromRow)]
pub struct NamedAccountRow {
    pub name: String,
    pub domain: Option<String>,
}

pub async fn named_accounts(tx: &mut Tx) -> Result<Vec<NamedAccountRow>, sqlx::Error> {
    sqlx::query_as("select name, domain from named_accounts order by lower(name)").fetch_all(&mut **tx).await
}

pub async fn replace_named_accounts(tx: &mut Tx, tenant: Uuid, list: &[NamedAccountRow]) -> Result<(), sqlx::Error> {
    use crate::rules::deal_conflict::{normalize_name, registrable_domain};
    sqlx::query("delete from named_accounts").execute(&mut **tx).await?;
    for a in list {
        sqlx::query(
            "insert into named_accounts (tenant_id, id, name, domain, normalized_name, registrable_domain)
             values ($1, $2, $3, $4, $5, $6)",
        )
        .bind(tenant)
        .bind(Uuid::new_v4())
        .bind(&a.name)
        .bind(&a.domain)
        .bind(normalize_name(&a.name))
        .bind(a.domain.as_deref().and_then(registrable_domain))
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[derive(FromRow)]
struct CandidateRow {
    id: Uuid,
    partner_id: Uuid,
    customer_name: String,
    customer_domain: Option<String>,
    country: String,
    products: Vec<String>,
    status: String,
    protected_until: Option<NaiveDate>,
}

pub fn parse_status(s: &str) -> Status {
    match s {
        "approved" => Status::Approved,
        "rejected" => Status::Rejected,
        "withdrawn" => Status::Withdrawn,
        "expired" => Status::Expired,
        "won" => Status::Won,
        "lost" => Status::Lost,
        _ => Status::Pending,
    }
}

/// Open registrations that could clash: the same registrable domain, or a normalised name whose trigram similarity
/// reaches `threshold` (most similar first). The trigram index prunes with pg_trgm's `%` (its default threshold, 0.3,
/// the lowest the policy allows); the policy's threshold, a hair lower since pg_trgm compares in single precision,
/// keeps the rows read to ones the rule could match. The rule scores the candidates again.
pub async fn candidates(
    tx: &mut Tx,
    normalized_name: &str,
    domain: Option<&str>,
    threshold: f64,
    exclude: Option<Uuid>,
) -> Result<Vec<Registration>, sqlx::Error> {
    let rows: Vec<CandidateRow> = sqlx::query_as(
        "select id, partner_id, customer_name, customer_domain, country, products, status, protected_until
           from deals
          where status in ('pending', 'approved') and ($4::uuid is null or id <> $4)
            and ((normalized_name % $1 and similarity(normalized_name, $1) >= $3) or registrable_domain = $2)
          order by similarity(normalized_name, $1) desc, created_at
          limit 200",
    )
    .bind(normalized_name)
    .bind(domain)
    .bind((threshold - 0.001) as f32)
    .bind(exclude)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| Registration {
            id: r.id,
            partner_id: r.partner_id,
            customer_name: r.customer_name,
            customer_domain: r.customer_domain,
            country: r.country,
            products: r.products,
            status: parse_status(&r.status),
            protected_until: r.protected_until,
        })
        .collect())
}

/// The vendor's named accounts with the same registrable domain or a name similar enough. pg_trgm's `%` (its default
/// threshold, 0.3, the lowest the policy allows) lets the index prune; the policy's threshold, a hair lower since
/// pg_trgm compares in single precision, keeps the 50 read to ones the rule could match.
pub async fn matching_named_accounts(
    tx: &mut Tx,
    normalized_name: &str,
    domain: Option<&str>,
    threshold: f64,
) -> Result<Vec<NamedAccount>, sqlx::Error> {
    let rows: Vec<(String, Option<String>)> = sqlx::query_as(
        "select name, domain from named_accounts
          where (normalized_name % $1 and similarity(normalized_name, $1) >= $3) or registrable_domain = $2
          order by similarity(normalized_name, $1) desc, name
          limit 50",
    )
    .bind(normalized_name)
    .bind(domain)
    .bind((threshold - 0.001) as f32)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(name, domain)| NamedAccount { name, domain }).collect())
}

pub struct NewDeal<'a> {
    pub tenant_id: Uuid,
    pub id: Uuid,
    pub partner_id: Uuid,
    pub registered_by: Uuid,
    pub customer_name: &'a str,
    pub normalized_name: &'a str,
    pub customer_domain: Option<&'a str>,
    pub registrable_domain: Option<&'a str>,
    pub country: &'a str,
    pub products: &'a [String],
    pub estimated_value: Decimal,
    pub currency: &'a str,
    pub expected_close_date: NaiveDate,
    pub notes: &'a str,
    pub status: &'a str,
    pub conflicts: serde_json::Value,
    pub protected_until: Option<NaiveDate>,
}

/// A registration row from the fields of a `NewDeal`, in order (`$1` … `$17`).
const INSERT_DEAL: &str =
    "insert into deals (tenant_id, id, partner_id, registered_by, customer_name, normalized_name, customer_domain,
            registrable_domain, country, products, estimated_value, currency, expected_close_date, notes, status,
            conflicts, protected_until, decided_at)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                 case when $15 = 'approved' then now() end)";

type PgQuery<'q> = sqlx::query::Query<'q, sqlx::Postgres, sqlx::postgres::PgArguments>;

/// Binds `$1` … `$17` of `INSERT_DEAL`.
trait BindDeal<'q> {
    fn bind_deal(self, d: NewDeal<'q>) -> Self;
}

impl<'q> BindDeal<'q> for PgQuery<'q> {
    fn bind_deal(self, d: NewDeal<'q>) -> Self {
        self.bind(d.tenant_id)
            .bind(d.id)
            .bind(d.partner_id)
            .bind(d.registered_by)
            .bind(d.customer_name)
            .bind(d.normalized_name)
            .bind(d.customer_domain)
            .bind(d.registrable_domain)
            .bind(d.country)
            .bind(d.products)
            .bind(d.estimated_value)
            .bind(d.currency)
            .bind(d.expected_close_date)
            .bind(d.notes)
            .bind(d.status)
            .bind(d.conflicts)
            .bind(d.protected_until)
    }
}

/// Stores a registration row as it is, without history or mail (demo data).
pub async fn insert(tx: &mut Tx, d: NewDeal<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(INSERT_DEAL).bind_deal(d).execute(&mut **tx).await?;
    Ok(())
}

/// What a new registration needs to know before it is checked, read in one statement: the policy (defaults until the
/// program admin saves one), the active products, the partner's name, its open registrations and who reviews them.
pub struct RegistrationContext {
    pub policy: Policy,
    pub products: Vec<Product>,
    pub partner_name: String,
    /// Pending and approved registrations of the partner, for the cap on open registrations.
    pub open: i64,
    /// Its CAM, or the program admins when it has none (active people only).
    pub reviewers: Vec<String>,
}

pub async fn registration_context(tx: &mut Tx, partner: Uuid) -> Result<RegistrationContext, sqlx::Error> {
    let row = sqlx::query(sqlx::AssertSqlSafe(format!(
        "select p.tenant_id is not null as saved, {POLICY_COLUMNS},
                array(select code from products where active order by lower(name), code) as product_codes,
                array(select name from products where active order by lower(name), code) as product_names,
                (select name from partners where id = $1) as partner_name,
                (select coalesce(sum(n), 0)::bigint from deal_counts
                  where partner_id = $1 and status in ('pending', 'approved')) as open,
                array({REVIEWERS}) as reviewers
           from (select) one left join deal_policies p on true"
    )))
    .bind(partner)
    .fetch_one(&mut **tx)
    .await?;
    let policy = if row.try_get("saved")? { Policy::from_row(&row)? } else { Policy::default() };
    let codes: Vec<String> = row.try_get("product_codes")?;
    let names: Vec<String> = row.try_get("product_names")?;
    Ok(RegistrationContext {
        policy,
        products: codes.into_iter().zip(names).map(|(code, name)| Product { code, name }).collect(),
        partner_name: row.try_get("partner_name")?,
        open: row.try_get("open")?,
        reviewers: row.try_get("reviewers")?,
    })
}

/// The mail a registration sends its reviewers.
pub struct Mail<'a> {
    pub to: &'a [String],
    pub subject: &'a str,
    pub body: &'a str,
}

/// Stores a new registration in one statement: the row, its history (registered by `registered_by`, and approved
/// when `approved_note` says why), the partner's activation by its first registration, and the reviewers' mail.
pub async fn insert_registered(
    tx: &mut Tx,
    d: NewDeal<'_>,
    approved_note: Option<&str>,
    mail: Mail<'_>,
) -> Result<(), sqlx::Error> {
    sqlx::query(sqlx::AssertSqlSafe(format!(
        "with deal as ({INSERT_DEAL} returning tenant_id, id),
         events as (
            -- In this order in the history: the automatic approval a microsecond after the registration.
            insert into deal_events (tenant_id, deal_id, actor_id, event, from_status, to_status, note, at)
            select deal.tenant_id, deal.id, e.actor, e.event, e.from_status, e.to_status, e.note,
                   clock_timestamp() + e.n * interval '1 microsecond'
              from deal, (values (0, $4::uuid, 'registered', null, 'pending', null),
                                 (1, null, 'approved', 'pending', 'approved', $18)) e(n, actor, event, from_status, to_status, note)
             where e.n = 0 or $18 is not null),
         activated as (
            -- The first registered deal activates an onboarding partner.
            update partners set life_stage = 'activated', updated_at = now()
             where id = $3 and life_stage in ('applicant', 'onboarding'))
         insert into outbox (tenant_id, to_address, subject, body) select $1, unnest($19::text[]), $20, $21"
    )))
    .bind_deal(d)
    .bind(approved_note)
    .bind(mail.to)
    .bind(mail.subject)
    .bind(mail.body)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow)]
pub struct DealRow {
    pub id: Uuid,
    pub partner_id: Uuid,
    pub partner_name: String,
    pub cam_id: Option<Uuid>,
    pub registered_by: Uuid,
    pub registered_by_name: String,
    pub customer_name: String,
    pub normalized_name: String,
    pub customer_domain: Option<String>,
    pub registrable_domain: Option<String>,
    pub country: String,
    pub products: Vec<String>,
    pub estimated_value: Decimal,
    pub currency: String,
    pub expected_close_date: NaiveDate,
    pub notes: String,
    pub status: String,
    pub conflicts: serde_json::Value,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by_name: Option<String>,
    pub decision_reason: Option<String>,
    pub decision_note: Option<String>,
    pub protected_until: Option<NaiveDate>,
    pub extensions_used: i32,
    pub extension_requested_at: Option<DateTime<Utc>>,
    pub extension_note: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_amount: Option<Decimal>,
}

const SELECT: &str = "select d.id, d.partner_id, p.name as partner_name, p.cam_id, d.registered_by,
        r.name as registered_by_name, d.customer_name, d.normalized_name, d.customer_domain, d.registrable_domain,
        d.country, d.products, d.estimated_value, d.currency, d.expected_close_date, d.notes, d.status, d.conflicts,
        d.created_at, d.decided_at, x.name as decided_by_name, d.decision_reason, d.decision_note, d.protected_until,
        d.extensions_used, d.extension_requested_at, d.extension_note, d.closed_at, d.closed_amount
   from deals d
   join partners p on p.tenant_id = d.tenant_id and p.id = d.partner_id
   join users r on r.tenant_id = d.tenant_id and r.id = d.registered_by
   left join users x on x.tenant_id = d.tenant_id and x.id = d.decided_by";

/// What a line of a registration list or queue shows: a few columns, and how many clashes were found rather than
/// the findings themselves.
#[derive(Debug, Clone, FromRow)]
pub struct LineRow {
    pub id: Uuid,
    pub partner_name: String,
    pub customer_name: String,
    pub customer_domain: Option<String>,
    pub estimated_value: Decimal,
    pub currency: String,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub decision_reason: Option<String>,
    pub protected_until: Option<NaiveDate>,
    pub extension_requested_at: Option<DateTime<Utc>>,
    pub clashes: i32,
}

/// The columns of a `LineRow`, over registrations `d` (which carry their partner's name).
const LINE_COLUMNS: &str = "d.partner_name, d.id, d.customer_name, d.customer_domain, d.estimated_value,
        d.currency, d.status, d.created_at, d.decision_reason, d.protected_until, d.extension_requested_at,
        jsonb_array_length(d.conflicts) as clashes";

/// The scope as a condition on `$1` over registrations `d`, and the same over `deal_counts c`. Registrations carry
/// their partner's CAM (kept in step by triggers) and have indexes by it.
fn scope_condition(scope: Scope) -> (&'static str, &'static str) {
    match scope {
        Scope::Tenant => ("$1::uuid is null", "$1::uuid is null"),
        Scope::Cam(_) => ("d.cam_id = $1", "c.cam_id = $1"),
        Scope::Partner(_) => ("d.partner_id = $1", "c.partner_id = $1"),
    }
}

/// How many registrations match `condition` over `deal_counts c`: a sum over at most one row per partner and status.
fn count_sql(condition: &str) -> String {
    format!("select coalesce(sum(c.n), 0)::bigint from deal_counts c where {condition}")
}

fn scope_filters(scope: Scope) -> (Option<Uuid>, Option<Uuid>) {
    match scope {
        Scope::Tenant => (None, None),
        Scope::Cam(cam) => (Some(cam), None),
        Scope::Partner(p) => (None, Some(p)),
    }
}

/// One registration the scope may see; `lock` takes the row for a state change.
pub async fn get(tx: &mut Tx, scope: Scope, id: Uuid, lock: bool) -> Result<Option<DealRow>, sqlx::Error> {
    let (cam, partner) = scope_filters(scope);
    let suffix = if lock { " for update of d" } else { "" };
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} where d.id = $1 and ($2::uuid is null or p.cam_id = $2) and ($3::uuid is null or d.partner_id = $3){suffix}"
    )))
    .bind(id)
    .bind(cam)
    .bind(partner)
    .fetch_optional(&mut **tx)
    .await
}

#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    /// One of `STATUSES`.
    pub status: Option<&'static str>,
    pub partner_id: Option<Uuid>,
}

/// The columns of a registration as the JSON API lists it (`api::DealView`), over registrations `d`.
const VIEW_COLUMNS: &str = "d.id, d.partner_id, d.partner_name, d.customer_name, d.customer_domain,
        d.country, d.products, d.estimated_value::text as estimated_value, d.currency, d.expected_close_date, d.notes,
        d.status, d.created_at, d.decided_at, d.decision_reason, d.decision_note, d.protected_until, d.extensions_used,
        d.extension_requested_at is not null as extension_requested, d.closed_amount::text as closed_amount";

/// What a list reads of each registration.
#[derive(Debug, Clone, Copy)]
pub enum Columns {
    /// A `LineRow`, for pages.
    Line,
    /// An `api::DealView`.
    View,
}

/// A page of registrations, newest first, and how many match in all.
///
/// Every scope has an index in the order of the page (the tenant's by age; a CAM's and a partner's by age, or by
/// status and age), so the page is read in order and cut; the total adds up the per-partner counts. The statement
/// varies with the scope and the filters given, so that each shape keeps a plan that uses its index.
pub async fn list<T>(
    tx: &mut Tx,
    scope: Scope,
    filter: &ListFilter,
    columns: Columns,
    limit: i64,
    offset: i64,
) -> Result<(Vec<T>, i64), sqlx::Error>
where
    T: for<'r> FromRow<'r, PgRow> + Send + Unpin,
{
    let (mut rows_where, mut counts_where) = {
        let (d, c) = scope_condition(scope);
        (d.to_string(), c.to_string())
    };
    if filter.status.is_some() {
        rows_where.push_str(" and d.status = $4");
        counts_where.push_str(" and c.status = $2");
    }
    if filter.partner_id.is_some() {
        rows_where.push_str(" and d.partner_id = $5");
        counts_where.push_str(" and c.partner_id = $3");
    }
    let columns = match columns {
        Columns::Line => LINE_COLUMNS,
        Columns::View => VIEW_COLUMNS,
    };
    // Varies with the scope and the filters (see above); only constant SQL text is put together.
    let rows: Vec<T> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {columns} from deals d where {rows_where} order by d.created_at desc, d.id desc limit $2 offset $3"
    )))
    .bind(scope.id())
    .bind(limit)
    .bind(offset)
    .bind(filter.status)
    .bind(filter.partner_id)
    .fetch_all(&mut **tx)
    .await?;
    // A first page that is not full says how many there are.
    if offset == 0 && (rows.len() as i64) < limit {
        let total = rows.len() as i64;
        return Ok((rows, total));
    }
    // As above: only constant SQL text is put together.
    let total = sqlx::query_scalar(sqlx::AssertSqlSafe(count_sql(&counts_where)))
        .bind(scope.id())
        .bind(filter.status)
        .bind(filter.partner_id)
        .fetch_one(&mut **tx)
        .await?;
    Ok((rows, total))
}

/// Registrations by id with their partner names, for showing the registrations a finding points at (staff only).
pub async fn by_ids(tx: &mut Tx, ids: &[Uuid]) -> Result<Vec<DealRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} where d.id = any($1)"))).bind(ids).fetch_all(&mut **tx).await
}

/// Appends a history entry: who moved the registration from which status to which, and why.
#[allow(clippy::too_many_arguments)]
pub async fn record_event(
    tx: &mut Tx,
    tenant: Uuid,
    deal: Uuid,
    actor: Option<Uuid>,
    event: &str,
    from: Option<&str>,
    to: &str,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into deal_events (tenant_id, deal_id, actor_id, event, from_status, to_status, note)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(deal)
    .bind(actor)
    .bind(event)
    .bind(from)
    .bind(to)
    .bind(note)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, FromRow, serde::Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub event: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub actor: Option<String>,
    pub note: Option<String>,
}

pub async fn history(tx: &mut Tx, deal: Uuid) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    sqlx::query_as(
        "select e.at, e.event, e.from_status, e.to_status, u.name as actor, e.note
           from deal_events e left join users u on u.tenant_id = e.tenant_id and u.id = e.actor_id
          where e.deal_id = $1 order by e.at, e.id",
    )
    .bind(deal)
    .fetch_all(&mut **tx)
    .await
}

/// Serialises approvals within a tenant: the re-check of conflicts and the approval happen under this lock, so two
/// clashing registrations can never both be approved, whatever the timing.
pub async fn lock_approvals(tx: &mut Tx) -> Result<(), sqlx::Error> {
    sqlx::query("select pg_advisory_xact_lock(7301, hashtext(app_current_tenant()::text))").execute(&mut **tx).await?;
    Ok(())
}

/// Email addresses of the people to tell about a partner's registration: its active partner admins and the
/// registering user.
pub async fn partner_recipients(tx: &mut Tx, partner: Uuid, registered_by: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "select email from users where partner_id = $1 and active and password_hash is not null
            and (role = 'partner_admin' or id = $2) order by email",
    )
    .bind(partner)
    .bind(registered_by)
    .fetch_all(&mut **tx)
    .await
}

/// Who reviews a partner's registrations: its CAM, or the program admins when it has none.
pub async fn reviewer_recipients(tx: &mut Tx, partner: Uuid) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(REVIEWERS).bind(partner).fetch_all(&mut **tx).await
}

/// The emails of a partner's (`$1`) reviewers.
const REVIEWERS: &str = "select u.email from partners p join users u on u.tenant_id = p.tenant_id and u.id = p.cam_id
      where p.id = $1 and u.active
     union
     select email from users where role = 'program_admin' and active
        and not exists (select 1 from partners p join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
                         where p.id = $1 and c.active)";

/// How many registrations wait for a decision within a scope.
pub async fn pending_count(tx: &mut Tx, scope: Scope) -> Result<i64, sqlx::Error> {
    // Varies with the scope (one plan per scope); only constant SQL text is put together.
    let sql = count_sql(&format!("{} and c.status = 'pending'", scope_condition(scope).1));
    sqlx::query_scalar(sqlx::AssertSqlSafe(sql)).bind(scope.id()).fetch_one(&mut **tx).await
}

/// What the approval queue shows.
pub struct Queue {
    /// The policy's hours for a decision.
    pub sla_hours: i32,
    /// The oldest pending registrations, at most the page asked for.
    pub pending: Vec<LineRow>,
    /// All pending registrations of the scope.
    pub waiting: i64,
    /// Approved registrations whose partner asked for more time, oldest request first.
    pub extensions: Vec<LineRow>,
}

/// The approval queue: the oldest `limit` pending registrations of the scope, how many wait in all, and the
/// extension requests.
pub async fn queue(tx: &mut Tx, scope: Scope, limit: i64) -> Result<Queue, sqlx::Error> {
    let (condition, _) = scope_condition(scope);
    // Varies with the scope (one plan per scope); only constant SQL text is put together.
    let pending = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {LINE_COLUMNS} from deals d where {condition} and d.status = 'pending'
          order by d.created_at, d.id limit $2"
    )))
    .bind(scope.id())
    .bind(limit)
    .fetch_all(&mut **tx)
    .await?;
    // As above.
    let extensions = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {LINE_COLUMNS} from deals d
          where d.status = 'approved' and d.extension_requested_at is not null and {condition}
          order by d.extension_requested_at limit 200"
    )))
    .bind(scope.id())
    .fetch_all(&mut **tx)
    .await?;
    Ok(Queue {
        sla_hours: policy(tx).await?.approval_sla_hours,
        waiting: pending_count(tx, scope).await?,
        pending,
        extensions,
    })
}
