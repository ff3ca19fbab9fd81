//! SQL for deal registration: the tenant's policy, products and named accounts, registrations, candidates for the
//! conflict check, and the history of each registration.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use sqlx::FromRow;
use sqlx::postgres::PgRow;
use sqlx::types::Json;

use super::{Conflict, DealEvent, DealStatus, RejectReason};
use crate::auth::Scope;
use crate::db::Tx;
use crate::ids::{DealId, NamedAccountId, PartnerId, ProductId, TenantId, UserId};
use crate::rules::deal_conflict::{NamedAccount, Registration};

/// The tenant's deal-registration policy; defaults apply until the program admin saves one.
#[derive(Debug, Clone, PartialEq)]
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

pub async fn policy(tx: &mut Tx) -> Result<Policy, sqlx::Error> {
    let found = sqlx::query_as!(
        Policy,
        "select protection_days, similarity_threshold, require_product_overlap, auto_approve_clean,
                extensions_allowed, extension_days, approval_sla_hours, max_open_registrations, reminder_days
           from deal_policies"
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.unwrap_or_default())
}

pub async fn save_policy(tx: &mut Tx, tenant: TenantId, p: &Policy) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into deal_policies (tenant_id, protection_days, similarity_threshold, require_product_overlap,
                auto_approve_clean, extensions_allowed, extension_days, approval_sla_hours, max_open_registrations,
                reminder_days)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (tenant_id) do update set
           protection_days = excluded.protection_days, similarity_threshold = excluded.similarity_threshold,
           require_product_overlap = excluded.require_product_overlap, auto_approve_clean = excluded.auto_approve_clean,
           extensions_allowed = excluded.extensions_allowed, extension_days = excluded.extension_days,
           approval_sla_hours = excluded.approval_sla_hours, max_open_registrations = excluded.max_open_registrations,
           reminder_days = excluded.reminder_days, updated_at = now()",
        tenant as TenantId,
        p.protection_days,
        p.similarity_threshold,
        p.require_product_overlap,
        p.auto_approve_clean,
        p.extensions_allowed,
        p.extension_days,
        p.approval_sla_hours,
        p.max_open_registrations,
        p.reminder_days,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct Product {
    pub code: String,
    pub name: String,
}

pub async fn products(tx: &mut Tx) -> Result<Vec<Product>, sqlx::Error> {
    sqlx::query_as!(Product, "select code, name from products where active order by lower(name), code")
        .fetch_all(&mut **tx)
        .await
}

/// Replaces the active product list: listed codes are (re)activated and renamed, others deactivated (registrations
/// keep referring to them).
pub async fn replace_products(tx: &mut Tx, tenant: TenantId, list: &[Product]) -> Result<(), sqlx::Error> {
    let codes: Vec<String> = list.iter().map(|p| p.code.clone()).collect();
    sqlx::query!("update products set active = false where active and not (code = any($1))", &codes)
        .execute(&mut **tx)
        .await?;
    for p in list {
        sqlx::query!(
            "insert into products (tenant_id, id, code, name) values ($1, $2, $3, $4)
             on conflict (tenant_id, code) do update set name = excluded.name, active = true
             where products.name is distinct from excluded.name or not products.active",
            tenant as TenantId,
            ProductId::new() as ProductId,
            p.code,
            p.name,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

#[derive(Debug, Clone, PartialEq)]
pub struct NamedAccountRow {
    pub name: String,
    pub domain: Option<String>,
}

pub async fn named_accounts(tx: &mut Tx) -> Result<Vec<NamedAccountRow>, sqlx::Error> {
    sqlx::query_as!(NamedAccountRow, "select name, domain from named_accounts order by lower(name)")
        .fetch_all(&mut **tx)
        .await
}

pub async fn replace_named_accounts(
    tx: &mut Tx,
    tenant: TenantId,
    list: &[NamedAccountRow],
) -> Result<(), sqlx::Error> {
    use crate::rules::deal_conflict::{normalize_name, registrable_domain};
    sqlx::query!("delete from named_accounts").execute(&mut **tx).await?;
    for a in list {
        sqlx::query!(
            "insert into named_accounts (tenant_id, id, name, domain, normalized_name, registrable_domain)
             values ($1, $2, $3, $4, $5, $6)",
            tenant as TenantId,
            NamedAccountId::new() as NamedAccountId,
            a.name,
            a.domain,
            normalize_name(&a.name),
            a.domain.as_deref().and_then(registrable_domain),
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// Sets pg_trgm's `%` to the policy's similarity threshold for the rest of the transaction, a hair lower since
/// pg_trgm compares in single precision. The trigram index prunes by that threshold: at its default (0.3), a name
/// whose words are common made the index hand over thousands of rows for each that reaches the policy's.
pub async fn set_similarity_threshold(tx: &mut Tx, threshold: f64) -> Result<(), sqlx::Error> {
    let value = format!("{:.4}", (threshold - 0.001).clamp(0.0, 1.0));
    sqlx::query_scalar!(r#"select set_config('pg_trgm.similarity_threshold', $1, true) as "set!""#, value)
        .fetch_one(&mut **tx)
        .await
        .map(drop)
}

/// How many of the tenant's registrations there are (the empty word's count), and how many have each of `words` in
/// their name key.
pub async fn name_word_frequencies(tx: &mut Tx, words: &[String]) -> Result<(u64, Vec<(String, u64)>), sqlx::Error> {
    let row = sqlx::query!(
        r#"select coalesce((select names from customer_name_words where word = ''), 0)::bigint as "total!",
                  coalesce(array_agg(word), '{}') as "words!", coalesce(array_agg(names), '{}') as "names!"
             from customer_name_words where word = any($1) and word <> ''"#,
        words,
    )
    .fetch_one(&mut **tx)
    .await?;
    let counts = row.words.into_iter().zip(row.names.into_iter().map(|n| n.max(0) as u64)).collect();
    Ok((row.total.max(0) as u64, counts))
}

/// Open registrations that could clash: the same registrable domain or domain label (`domain_label`, None for a
/// shared mail domain), or a normalised name whose trigram similarity reaches `threshold` (most similar first), after
/// `set_similarity_threshold`. The similarity is compared again in double precision; the rule scores the candidates
/// again.
pub async fn candidates(
    tx: &mut Tx,
    normalized_name: &str,
    domain: Option<&str>,
    domain_label: Option<&str>,
    threshold: f64,
    exclude: Option<DealId>,
) -> Result<Vec<Registration>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select id as "id: DealId", partner_id as "partner_id: PartnerId", customer_name, customer_domain, country,
                  products, status as "status: DealStatus", protected_until
             from deals
            where status in ('pending', 'approved') and ($4::uuid is null or id <> $4)
              and ((normalized_name % $1 and similarity(normalized_name, $1) >= $3) or registrable_domain = $2
                   or domain_label = $5)
            order by similarity(normalized_name, $1) desc, created_at
            limit 200"#,
        normalized_name,
        domain,
        (threshold - 0.001) as f32,
        exclude as Option<DealId>,
        domain_label,
    )
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
            status: r.status.into(),
            protected_until: r.protected_until,
        })
        .collect())
}

/// The vendor's named accounts with the same registrable domain or a name similar enough (after
/// `set_similarity_threshold`).
pub async fn matching_named_accounts(
    tx: &mut Tx,
    normalized_name: &str,
    domain: Option<&str>,
    domain_label: Option<&str>,
    threshold: f64,
) -> Result<Vec<NamedAccount>, sqlx::Error> {
    sqlx::query_as!(
        NamedAccount,
        "select name, domain from named_accounts
          where (normalized_name % $1 and similarity(normalized_name, $1) >= $3) or registrable_domain = $2
             or domain_label = $4
          order by similarity(normalized_name, $1) desc, name
          limit 50",
        normalized_name,
        domain,
        (threshold - 0.001) as f32,
        domain_label,
    )
    .fetch_all(&mut **tx)
    .await
}

pub struct NewDeal<'a> {
    pub tenant_id: TenantId,
    pub id: DealId,
    pub partner_id: PartnerId,
    pub registered_by: UserId,
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
    pub status: DealStatus,
    pub conflicts: &'a [Conflict],
    pub protected_until: Option<NaiveDate>,
}

/// Runs, in `$tx`, a statement made of the text `$before`, the insert of the registration `$d` (a `NewDeal`, bound
/// as `$1` … `$17`) and the text `$after`, with any further parameters as `$18` on. A macro, so that the one insert
/// is checked as part of each statement that makes it.
macro_rules! insert_deal {
    ($tx:expr, $d:expr, $before:literal, $after:literal $(, $arg:expr)* $(,)?) => {{
        let d: NewDeal<'_> = $d;
        sqlx::query!(
            $before
                + "insert into deals (tenant_id, id, partner_id, registered_by, customer_name, normalized_name,
                          customer_domain, registrable_domain, country, products, estimated_value, currency,
                          expected_close_date, notes, status, conflicts, protected_until, decided_at)
                   values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17,
                           case when $15 = 'approved' then now() end)"
                + $after,
            d.tenant_id as TenantId,
            d.id as DealId,
            d.partner_id as PartnerId,
            d.registered_by as UserId,
            d.customer_name,
            d.normalized_name,
            d.customer_domain,
            d.registrable_domain,
            d.country,
            d.products,
            d.estimated_value,
            d.currency,
            d.expected_close_date,
            d.notes,
            d.status.as_str(),
            Json(d.conflicts) as Json<&[Conflict]>,
            d.protected_until,
            $($arg,)*
        )
        .execute(&mut **$tx)
        .await
    }};
}

/// Stores a registration row as it is, without history or mail (demo data).
pub async fn insert(tx: &mut Tx, d: NewDeal<'_>) -> Result<(), sqlx::Error> {
    insert_deal!(tx, d, "", "")?;
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

pub async fn registration_context(tx: &mut Tx, partner: PartnerId) -> Result<RegistrationContext, sqlx::Error> {
    // The policy's columns are null until the program admin saves one; its reviewers as `reviewer_recipients`.
    let row = sqlx::query!(
        r#"select p.protection_days as "protection_days?", p.similarity_threshold as "similarity_threshold?",
                  p.require_product_overlap as "require_product_overlap?",
                  p.auto_approve_clean as "auto_approve_clean?", p.extensions_allowed as "extensions_allowed?",
                  p.extension_days as "extension_days?", p.approval_sla_hours as "approval_sla_hours?",
                  p.max_open_registrations as "max_open_registrations?", p.reminder_days as "reminder_days?",
                  array(select code from products where active order by lower(name), code) as "product_codes!",
                  array(select name from products where active order by lower(name), code) as "product_names!",
                  (select name from partners where id = $1) as "partner_name!",
                  (select coalesce(sum(n), 0)::bigint from deal_counts
                    where partner_id = $1 and status in ('pending', 'approved')) as "open!",
                  array(select u.email from partners p join users u on u.tenant_id = p.tenant_id and u.id = p.cam_id
                         where p.id = $1 and u.active
                        union
                        select email from users where role = 'program_admin' and active
                           and not exists (select 1 from partners p
                                             join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
                                            where p.id = $1 and c.active)) as "reviewers!"
             from (select) one left join deal_policies p on true"#,
        partner as PartnerId,
    )
    .fetch_one(&mut **tx)
    .await?;
    let d = Policy::default();
    let policy = Policy {
        protection_days: row.protection_days.unwrap_or(d.protection_days),
        similarity_threshold: row.similarity_threshold.unwrap_or(d.similarity_threshold),
        require_product_overlap: row.require_product_overlap.unwrap_or(d.require_product_overlap),
        auto_approve_clean: row.auto_approve_clean.unwrap_or(d.auto_approve_clean),
        extensions_allowed: row.extensions_allowed.unwrap_or(d.extensions_allowed),
        extension_days: row.extension_days.unwrap_or(d.extension_days),
        approval_sla_hours: row.approval_sla_hours.unwrap_or(d.approval_sla_hours),
        max_open_registrations: row.max_open_registrations,
        reminder_days: row.reminder_days.unwrap_or(d.reminder_days),
    };
    Ok(RegistrationContext {
        policy,
        products: row
            .product_codes
            .into_iter()
            .zip(row.product_names)
            .map(|(code, name)| Product { code, name })
            .collect(),
        partner_name: row.partner_name,
        open: row.open,
        reviewers: row.reviewers,
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
    insert_deal!(
        tx,
        d,
        "with deal as (",
        " returning tenant_id, id),
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
         insert into outbox (tenant_id, to_address, subject, body) select $1, unnest($19::text[]), $20, $21",
        approved_note,
        mail.to,
        mail.subject,
        mail.body,
    )?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct DealRow {
    pub id: DealId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub cam_id: Option<UserId>,
    pub registered_by: UserId,
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
    pub status: DealStatus,
    /// The findings as of the last decision.
    pub conflicts: Json<Vec<Conflict>>,
    pub created_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by_name: Option<String>,
    pub decision_reason: Option<RejectReason>,
    pub decision_note: Option<String>,
    pub protected_until: Option<NaiveDate>,
    pub extensions_used: i32,
    pub extension_requested_at: Option<DateTime<Utc>>,
    pub extension_note: Option<String>,
    pub closed_at: Option<DateTime<Utc>>,
    pub closed_amount: Option<Decimal>,
    /// Why staff approved it over a probable clash.
    pub override_reason: Option<String>,
}

/// `query_as!` of `DealRow`s: registrations `d` with their partner `p`, registering user `r` and decider `x`, then
/// the text `$rest` (a literal), with its parameters.
macro_rules! deal_rows {
    ($rest:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            DealRow,
            r#"select d.id as "id: DealId", d.partner_id as "partner_id: PartnerId", p.name as partner_name,
                      p.cam_id as "cam_id: UserId", d.registered_by as "registered_by: UserId",
                      r.name as registered_by_name, d.customer_name, d.normalized_name, d.customer_domain,
                      d.registrable_domain, d.country, d.products, d.estimated_value, d.currency,
                      d.expected_close_date, d.notes, d.status as "status: DealStatus",
                      d.conflicts as "conflicts: Json<Vec<Conflict>>", d.created_at, d.decided_at,
                      x.name as "decided_by_name?", d.decision_reason as "decision_reason: RejectReason",
                      d.decision_note, d.protected_until, d.extensions_used, d.extension_requested_at,
                      d.extension_note, d.closed_at, d.closed_amount, d.override_reason
                 from deals d
                 join partners p on p.tenant_id = d.tenant_id and p.id = d.partner_id
                 join users r on r.tenant_id = d.tenant_id and r.id = d.registered_by
                 left join users x on x.tenant_id = d.tenant_id and x.id = d.decided_by "# + $rest
            $(, $arg)*
        )
    };
}

/// What a line of a registration list or queue shows: a few columns, and how many clashes were found rather than
/// the findings themselves.
#[derive(Debug, Clone, FromRow)]
pub struct LineRow {
    pub id: DealId,
    pub partner_name: String,
    pub customer_name: String,
    pub customer_domain: Option<String>,
    pub estimated_value: Decimal,
    pub currency: String,
    pub status: DealStatus,
    pub created_at: DateTime<Utc>,
    pub decision_reason: Option<RejectReason>,
    pub protected_until: Option<NaiveDate>,
    pub extension_requested_at: Option<DateTime<Utc>>,
    pub clashes: i32,
}

/// The columns of a `LineRow`, over registrations `d` (which carry their partner's name), for `list`; `line_rows!`
/// reads the same.
const LINE_COLUMNS: &str = "d.partner_name, d.id, d.customer_name, d.customer_domain, d.estimated_value,
        d.currency, d.status, d.created_at, d.decision_reason, d.protected_until, d.extension_requested_at,
        jsonb_array_length(d.conflicts) as clashes";

/// `query_as!` of `LineRow`s over registrations `d`, then the text `$rest` (a literal), with its parameters.
macro_rules! line_rows {
    ($rest:literal $(, $arg:expr)* $(,)?) => {
        sqlx::query_as!(
            LineRow,
            r#"select d.partner_name, d.id as "id: DealId", d.customer_name, d.customer_domain, d.estimated_value,
                      d.currency, d.status as "status: DealStatus", d.created_at,
                      d.decision_reason as "decision_reason: RejectReason", d.protected_until,
                      d.extension_requested_at, jsonb_array_length(d.conflicts) as "clashes!"
                 from deals d "# + $rest
            $(, $arg)*
        )
    };
}

/// The scope as a condition over registrations `d`, and the same over `deal_counts c`, on the CAM `$1` or the
/// partner `$2` (bound whatever the scope). Registrations carry their partner's CAM (kept in step by triggers) and
/// have indexes by it.
fn scope_condition(scope: Scope) -> (&'static str, &'static str) {
    match scope {
        Scope::Tenant => ("true", "true"),
        Scope::Cam(_) => ("d.cam_id = $1", "c.cam_id = $1"),
        Scope::Partner(_) => ("d.partner_id = $2", "c.partner_id = $2"),
    }
}

/// One registration the scope may see; `lock` takes the row for a state change.
pub async fn get(tx: &mut Tx, scope: Scope, id: DealId, lock: bool) -> Result<Option<DealRow>, sqlx::Error> {
    let (cam, partner) = (scope.cam(), scope.partner());
    if lock {
        deal_rows!(
            "where d.id = $1 and ($2::uuid is null or p.cam_id = $2) and ($3::uuid is null or d.partner_id = $3)
             for update of d",
            id as DealId,
            cam as Option<UserId>,
            partner as Option<PartnerId>,
        )
        .fetch_optional(&mut **tx)
        .await
    } else {
        deal_rows!(
            "where d.id = $1 and ($2::uuid is null or p.cam_id = $2) and ($3::uuid is null or d.partner_id = $3)",
            id as DealId,
            cam as Option<UserId>,
            partner as Option<PartnerId>,
        )
        .fetch_optional(&mut **tx)
        .await
    }
}

#[derive(Debug, Default, Clone)]
pub struct ListFilter {
    pub status: Option<DealStatus>,
    pub partner_id: Option<PartnerId>,
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
        rows_where.push_str(" and d.status = $5");
        counts_where.push_str(" and c.status = $3");
    }
    if filter.partner_id.is_some() {
        rows_where.push_str(" and d.partner_id = $6");
        counts_where.push_str(" and c.partner_id = $4");
    }
    let columns = match columns {
        Columns::Line => LINE_COLUMNS,
        Columns::View => VIEW_COLUMNS,
    };
    let status = filter.status.map(DealStatus::as_str);
    // Varies with the scope and the filters (see above); only constant SQL text is put together.
    let rows: Vec<T> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {columns} from deals d where {rows_where} order by d.created_at desc, d.id desc limit $3 offset $4"
    )))
    .bind(scope.cam())
    .bind(scope.partner())
    .bind(limit)
    .bind(offset)
    .bind(status)
    .bind(filter.partner_id)
    .fetch_all(&mut **tx)
    .await?;
    // A first page that is not full says how many there are.
    if offset == 0 && (rows.len() as i64) < limit {
        let total = rows.len() as i64;
        return Ok((rows, total));
    }
    // As above: only constant SQL text is put together.
    let total = sqlx::query_scalar(sqlx::AssertSqlSafe(format!(
        "select coalesce(sum(c.n), 0)::bigint from deal_counts c where {counts_where}"
    )))
    .bind(scope.cam())
    .bind(scope.partner())
    .bind(status)
    .bind(filter.partner_id)
    .fetch_one(&mut **tx)
    .await?;
    Ok((rows, total))
}

/// Registrations by id with their partner names, for showing the registrations a finding points at (staff only).
pub async fn by_ids(tx: &mut Tx, ids: &[DealId]) -> Result<Vec<DealRow>, sqlx::Error> {
    deal_rows!("where d.id = any($1)", ids as &[DealId]).fetch_all(&mut **tx).await
}

/// Appends a history entry: who moved the registration from which status to which, and why.
#[allow(clippy::too_many_arguments)]
pub async fn record_event(
    tx: &mut Tx,
    tenant: TenantId,
    deal: DealId,
    actor: Option<UserId>,
    event: DealEvent,
    from: Option<DealStatus>,
    to: DealStatus,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into deal_events (tenant_id, deal_id, actor_id, event, from_status, to_status, note)
         values ($1, $2, $3, $4, $5, $6, $7)",
        tenant as TenantId,
        deal as DealId,
        actor as Option<UserId>,
        event.as_str(),
        from.map(DealStatus::as_str),
        to.as_str(),
        note,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records an approval whose note only staff read (the reason to approve over a probable clash).
pub async fn record_approval_with_staff_note(
    tx: &mut Tx,
    tenant: TenantId,
    deal: DealId,
    actor: UserId,
    staff_note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into deal_events (tenant_id, deal_id, actor_id, event, from_status, to_status, staff_note)
         values ($1, $2, $3, 'approved', 'pending', 'approved', $4)",
        tenant as TenantId,
        deal as DealId,
        actor as UserId,
        staff_note,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct HistoryEntry {
    pub at: DateTime<Utc>,
    pub event: DealEvent,
    pub from_status: Option<DealStatus>,
    pub to_status: DealStatus,
    pub actor: Option<String>,
    pub note: Option<String>,
}

/// A registration's history; `staff` readers also get the notes kept for staff.
pub async fn history(tx: &mut Tx, deal: DealId, staff: bool) -> Result<Vec<HistoryEntry>, sqlx::Error> {
    sqlx::query_as!(
        HistoryEntry,
        r#"select e.at, e.event as "event: DealEvent", e.from_status as "from_status: DealStatus",
                  e.to_status as "to_status: DealStatus", u.name as "actor?",
                  case when $2 then coalesce(e.staff_note, e.note) else e.note end as note
             from deal_events e left join users u on u.tenant_id = e.tenant_id and u.id = e.actor_id
            where e.deal_id = $1 order by e.at, e.id"#,
        deal as DealId,
        staff,
    )
    .fetch_all(&mut **tx)
    .await
}

/// Serialises approvals within a tenant: the re-check of conflicts and the approval happen under this lock, so two
/// clashing registrations can never both be approved, whatever the timing.
pub async fn lock_approvals(tx: &mut Tx) -> Result<(), sqlx::Error> {
    sqlx::query!("select from pg_advisory_xact_lock(7301, hashtext(app_current_tenant()::text))")
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Which of `ids` are approved registrations.
pub async fn approved_among(tx: &mut Tx, ids: &[DealId]) -> Result<Vec<DealId>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    sqlx::query_scalar!(
        r#"select id as "id: DealId" from deals where id = any($1) and status = 'approved'"#,
        ids as &[DealId],
    )
    .fetch_all(&mut **tx)
    .await
}

/// Approves a registration, protected until `until`, keeping the findings it was approved with.
pub async fn approve(
    tx: &mut Tx,
    id: DealId,
    by: UserId,
    until: NaiveDate,
    conflicts: &[Conflict],
    override_reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update deals set status = 'approved', decided_at = now(), decided_by = $2, protected_until = $3,
                conflicts = $4, override_reason = $5, updated_at = now() where id = $1",
        id as DealId,
        by as UserId,
        until,
        Json(conflicts) as Json<&[Conflict]>,
        override_reason,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn reject(
    tx: &mut Tx,
    id: DealId,
    by: UserId,
    reason: RejectReason,
    note: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update deals set status = 'rejected', decided_at = now(), decided_by = $2, decision_reason = $3,
                decision_note = $4, updated_at = now() where id = $1",
        id as DealId,
        by as UserId,
        reason.as_str(),
        note,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub async fn withdraw(tx: &mut Tx, id: DealId) -> Result<(), sqlx::Error> {
    sqlx::query!("update deals set status = 'withdrawn', updated_at = now() where id = $1", id as DealId)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub async fn request_extension(tx: &mut Tx, id: DealId, note: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update deals set extension_requested_at = now(), extension_note = $2, updated_at = now() where id = $1",
        id as DealId,
        note,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Grants the extension asked for: protected until `until`, and reminded again before then.
pub async fn extend(tx: &mut Tx, id: DealId, until: NaiveDate) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update deals set protected_until = $2, extensions_used = extensions_used + 1, extension_requested_at = null,
                reminder_sent_at = null, updated_at = now() where id = $1",
        id as DealId,
        until,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Closes a registration as `outcome` (won or lost).
pub async fn close(tx: &mut Tx, id: DealId, outcome: DealStatus, amount: Option<Decimal>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update deals set status = $2, closed_at = now(), closed_amount = $3, extension_requested_at = null,
                updated_at = now() where id = $1",
        id as DealId,
        outcome.as_str(),
        amount,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A won deal makes its partner a producing one.
pub async fn mark_producing(tx: &mut Tx, partner: PartnerId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update partners set life_stage = 'producing', updated_at = now() where id = $1 and life_stage <> 'producing'",
        partner as PartnerId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// An approved registration whose protection ends, or has ended.
pub struct Expiring {
    pub id: DealId,
    pub partner_id: PartnerId,
    pub registered_by: UserId,
    pub customer_name: String,
    pub protected_until: Option<NaiveDate>,
}

/// Approved registrations protected until before `today`, taken for expiry.
pub async fn claim_expired(tx: &mut Tx, today: NaiveDate) -> Result<Vec<Expiring>, sqlx::Error> {
    sqlx::query_as!(
        Expiring,
        r#"select id as "id: DealId", partner_id as "partner_id: PartnerId", registered_by as "registered_by: UserId",
                  customer_name, protected_until
             from deals
            where status = 'approved' and protected_until < $1
            order by protected_until limit 500 for update skip locked"#,
        today,
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn expire(tx: &mut Tx, id: DealId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update deals set status = 'expired', extension_requested_at = null, updated_at = now() where id = $1",
        id as DealId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Approved registrations not reminded yet whose protection ends within `days` of `today`, taken for a reminder.
pub async fn claim_reminders(tx: &mut Tx, today: NaiveDate, days: i32) -> Result<Vec<Expiring>, sqlx::Error> {
    sqlx::query_as!(
        Expiring,
        r#"select id as "id: DealId", partner_id as "partner_id: PartnerId", registered_by as "registered_by: UserId",
                  customer_name, protected_until
             from deals
            where status = 'approved' and reminder_sent_at is null and protected_until >= $1
              and protected_until <= $1 + $2::int
            order by protected_until limit 500 for update skip locked"#,
        today,
        days,
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn mark_reminded(tx: &mut Tx, id: DealId) -> Result<(), sqlx::Error> {
    sqlx::query!("update deals set reminder_sent_at = now() where id = $1", id as DealId).execute(&mut **tx).await?;
    Ok(())
}

/// Email addresses of the people to tell about a partner's registration: its active partner admins and the
/// registering user.
pub async fn partner_recipients(
    tx: &mut Tx,
    partner: PartnerId,
    registered_by: UserId,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select email from users where partner_id = $1 and active and password_hash is not null
            and (role = 'partner_admin' or id = $2) order by email",
        partner as PartnerId,
        registered_by as UserId,
    )
    .fetch_all(&mut **tx)
    .await
}

/// Who reviews a partner's registrations: its CAM, or the program admins when it has none (`registration_context`
/// reads the same).
pub async fn reviewer_recipients(tx: &mut Tx, partner: PartnerId) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select u.email as "email!" from partners p join users u on u.tenant_id = p.tenant_id and u.id = p.cam_id
            where p.id = $1 and u.active
           union
           select email from users where role = 'program_admin' and active
              and not exists (select 1 from partners p join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
                               where p.id = $1 and c.active)"#,
        partner as PartnerId,
    )
    .fetch_all(&mut **tx)
    .await
}

/// How many registrations wait for a decision within a scope.
pub async fn pending_count(tx: &mut Tx, scope: Scope) -> Result<i64, sqlx::Error> {
    // One statement per scope, each with its own plan: a sum over at most one row per partner and status.
    match scope {
        Scope::Tenant => {
            sqlx::query_scalar!(
                r#"select coalesce(sum(n), 0)::bigint as "n!" from deal_counts where status = 'pending'"#
            )
            .fetch_one(&mut **tx)
            .await
        }
        Scope::Cam(cam) => sqlx::query_scalar!(
            r#"select coalesce(sum(n), 0)::bigint as "n!" from deal_counts where cam_id = $1 and status = 'pending'"#,
            cam as UserId,
        )
        .fetch_one(&mut **tx)
        .await,
        Scope::Partner(partner) => {
            sqlx::query_scalar!(
                r#"select coalesce(sum(n), 0)::bigint as "n!" from deal_counts
                    where partner_id = $1 and status = 'pending'"#,
                partner as PartnerId,
            )
            .fetch_one(&mut **tx)
            .await
        }
    }
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
    Ok(Queue {
        pending: oldest_pending(tx, scope, limit).await?,
        extensions: extension_requests(tx, scope).await?,
        sla_hours: policy(tx).await?.approval_sla_hours,
        waiting: pending_count(tx, scope).await?,
    })
}

/// The oldest `limit` pending registrations of the scope; one statement per scope, each with its own plan.
async fn oldest_pending(tx: &mut Tx, scope: Scope, limit: i64) -> Result<Vec<LineRow>, sqlx::Error> {
    match scope {
        Scope::Tenant => {
            line_rows!("where d.status = 'pending' order by d.created_at, d.id limit $1", limit)
                .fetch_all(&mut **tx)
                .await
        }
        Scope::Cam(cam) => {
            line_rows!(
                "where d.cam_id = $1 and d.status = 'pending' order by d.created_at, d.id limit $2",
                cam as UserId,
                limit,
            )
            .fetch_all(&mut **tx)
            .await
        }
        Scope::Partner(partner) => {
            line_rows!(
                "where d.partner_id = $1 and d.status = 'pending' order by d.created_at, d.id limit $2",
                partner as PartnerId,
                limit,
            )
            .fetch_all(&mut **tx)
            .await
        }
    }
}

/// Approved registrations of the scope whose partner asked for more time, oldest request first; one statement per
/// scope, as above.
async fn extension_requests(tx: &mut Tx, scope: Scope) -> Result<Vec<LineRow>, sqlx::Error> {
    match scope {
        Scope::Tenant => {
            line_rows!(
                "where d.status = 'approved' and d.extension_requested_at is not null
                 order by d.extension_requested_at limit 200"
            )
            .fetch_all(&mut **tx)
            .await
        }
        Scope::Cam(cam) => {
            line_rows!(
                "where d.status = 'approved' and d.extension_requested_at is not null and d.cam_id = $1
                 order by d.extension_requested_at limit 200",
                cam as UserId,
            )
            .fetch_all(&mut **tx)
            .await
        }
        Scope::Partner(partner) => {
            line_rows!(
                "where d.status = 'approved' and d.extension_requested_at is not null and d.partner_id = $1
                 order by d.extension_requested_at limit 200",
                partner as PartnerId,
            )
            .fetch_all(&mut **tx)
            .await
        }
    }
}

/// The version of the name-key rule the stored keys were made with, locked until the transaction ends so that
/// instances starting together rewrite them once.
pub async fn lock_name_key_version(tx: &mut Tx) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!("select version from name_key_version for update").fetch_one(&mut **tx).await
}

pub async fn set_name_key_version(tx: &mut Tx, version: i32) -> Result<(), sqlx::Error> {
    sqlx::query!("update name_key_version set version = $1", version).execute(&mut **tx).await?;
    Ok(())
}

pub async fn tenant_ids(tx: &mut Tx) -> Result<Vec<TenantId>, sqlx::Error> {
    sqlx::query_scalar!(r#"select id as "id: TenantId" from tenants order by id"#).fetch_all(&mut **tx).await
}

/// Scopes the rest of the transaction to `tenant` (for work that visits every tenant in one transaction).
pub async fn scope_to(tx: &mut Tx, tenant: TenantId) -> Result<(), sqlx::Error> {
    sqlx::query_scalar!("select set_config('app.tenant_id', $1, true)", tenant.to_string())
        .fetch_one(&mut **tx)
        .await?;
    Ok(())
}

/// Every registration's and named account's name, with the key stored for it.
#[allow(clippy::type_complexity)]
pub async fn names_with_keys(
    tx: &mut Tx,
) -> Result<(Vec<(DealId, String, String)>, Vec<(NamedAccountId, String, String)>), sqlx::Error> {
    let deals = sqlx::query!(r#"select id as "id: DealId", customer_name, normalized_name from deals"#)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|r| (r.id, r.customer_name, r.normalized_name))
        .collect();
    let named = sqlx::query!(r#"select id as "id: NamedAccountId", name, normalized_name from named_accounts"#)
        .fetch_all(&mut **tx)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name, r.normalized_name))
        .collect();
    Ok((deals, named))
}

/// Rewrites name keys in the tenant the transaction is scoped to now. The word counts that follow the keys are
/// counted at once, while the transaction is still scoped to that tenant, not at the commit.
pub async fn rewrite_name_keys(
    tx: &mut Tx,
    deals: (&[DealId], &[String]),
    named: (&[NamedAccountId], &[String]),
) -> Result<(), sqlx::Error> {
    sqlx::query!("set constraints all immediate").execute(&mut **tx).await?;
    sqlx::query!(
        "update deals d set normalized_name = k.key from unnest($1::uuid[], $2::text[]) as k (id, key) where d.id = k.id",
        deals.0 as &[DealId],
        deals.1,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "update named_accounts a set normalized_name = k.key from unnest($1::uuid[], $2::text[]) as k (id, key)
          where a.id = k.id",
        named.0 as &[NamedAccountId],
        named.1,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
