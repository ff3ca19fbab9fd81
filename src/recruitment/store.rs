//! SQL for applications, their notes, the ideal partner profile and the public form's rate limit.

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::db::Tx;

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ProfileRow {
    pub countries: Vec<String>,
    pub regions: Vec<String>,
    pub verticals: Vec<String>,
    pub services: Vec<String>,
    pub min_employees: i32,
    pub stale_days: i32,
}

impl Default for ProfileRow {
    fn default() -> Self {
        ProfileRow {
            countries: Vec::new(),
            regions: Vec::new(),
            verticals: Vec::new(),
            services: Vec::new(),
            min_employees: 0,
            stale_days: 7,
        }
    }
}

pub async fn profile(tx: &mut Tx) -> Result<ProfileRow, sqlx::Error> {
    let found =
        sqlx::query_as("select countries, regions, verticals, services, min_employees, stale_days from ideal_profiles")
            .fetch_optional(&mut **tx)
            .await?;
    Ok(found.unwrap_or_default())
}

pub async fn save_profile(tx: &mut Tx, tenant: Uuid, p: &ProfileRow) -> Result<(), sqlx::Error> {
    sqlx::query(
        "insert into ideal_profiles (tenant_id, countries, regions, verticals, services, min_employees, stale_days)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (tenant_id) do update set countries = excluded.countries, regions = excluded.regions,
           verticals = excluded.verticals, services = excluded.services, min_employees = excluded.min_employees,
           stale_days = excluded.stale_days, updated_at = now()",
    )
    .bind(tenant)
    .bind(&p.countries)
    .bind(&p.regions)
    .bind(&p.verticals)
    .bind(&p.services)
    .bind(p.min_employees)
    .bind(p.stale_days)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub struct NewApplication<'a> {
    pub tenant_id: Uuid,
    pub company_name: &'a str,
    pub website: &'a str,
    pub country: &'a str,
    pub region: &'a str,
    pub contact_name: &'a str,
    pub contact_email: &'a str,
    pub employees: i32,
    pub verticals: &'a [String],
    pub services: &'a [String],
    pub message: &'a str,
    pub fit_score: i32,
    pub fit: serde_json::Value,
}

pub async fn insert(tx: &mut Tx, a: NewApplication<'_>) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query(
        "insert into applications (tenant_id, id, company_name, website, country, region, contact_name, contact_email,
            employees, verticals, services, message, fit_score, fit)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
    )
    .bind(a.tenant_id)
    .bind(id)
    .bind(a.company_name)
    .bind(a.website)
    .bind(a.country)
    .bind(a.region)
    .bind(a.contact_name)
    .bind(a.contact_email)
    .bind(a.employees)
    .bind(a.verticals)
    .bind(a.services)
    .bind(a.message)
    .bind(a.fit_score)
    .bind(a.fit)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct ApplicationRow {
    pub id: Uuid,
    pub company_name: String,
    pub website: String,
    pub country: String,
    pub region: String,
    pub contact_name: String,
    pub contact_email: String,
    pub employees: i32,
    pub verticals: Vec<String>,
    pub services: Vec<String>,
    pub message: String,
    pub fit_score: i32,
    pub fit: serde_json::Value,
    pub status: String,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<Uuid>,
    pub decided_by_name: Option<String>,
    pub reason: Option<String>,
    pub partner_id: Option<Uuid>,
    /// No action for longer than the profile's stale days while waiting for a decision.
    pub stale: bool,
}

/// Waiting for a decision with no action for longer than the profile's stale days.
const STALE: &str = "a.status = 'submitted'
    and a.last_activity_at < now() - make_interval(days => coalesce((select stale_days from ideal_profiles), 7))";

const SELECT_TEMPLATE: &str =
    "select a.id, a.company_name, a.website, a.country, a.region, a.contact_name, a.contact_email,
        a.employees, a.verticals, a.services, a.message, a.fit_score, a.fit, a.status, a.created_at,
        a.last_activity_at, a.decided_at, a.decided_by, d.name as decided_by_name, a.reason, a.partner_id,
        {STALE} as stale
   from applications a left join users d on d.tenant_id = a.tenant_id and d.id = a.decided_by";

pub async fn get(tx: &mut Tx, id: Uuid, lock: bool) -> Result<Option<ApplicationRow>, sqlx::Error> {
    let sql = format!("{} where a.id = $1{}", select(), if lock { " for update of a" } else { "" });
    sqlx::query_as(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(&mut **tx).await
}

fn select() -> String {
    SELECT_TEMPLATE.replace("{STALE}", STALE)
}

/// Applications by status (all when `None`): the best fit first, then the oldest; with the total.
pub async fn list(
    tx: &mut Tx,
    status: Option<&str>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ApplicationRow>, i64), sqlx::Error> {
    // One statement per shape (a status or none), so that each generic plan fits it.
    let condition = if status.is_some() { "a.status = $1" } else { "$1::text is null" };
    let items: Vec<ApplicationRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{} where {condition}
          order by (a.status = 'submitted') desc, a.fit_score desc, a.created_at, a.id limit $2 offset $3",
        select()
    )))
    .bind(status)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut **tx)
    .await?;
    let total = if offset == 0 && (items.len() as i64) < limit {
        items.len() as i64
    } else {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from applications a where {condition}")))
            .bind(status)
            .fetch_one(&mut **tx)
            .await?
    };
    Ok((items, total))
}

/// How many applications wait for a decision, and how many of them are stale.
pub async fn waiting(tx: &mut Tx) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select count(*), count(*) filter (where {STALE}) from applications a where a.status = 'submitted'"
    )))
    .fetch_one(&mut **tx)
    .await
}

pub async fn decide(
    tx: &mut Tx,
    id: Uuid,
    status: &str,
    actor: Uuid,
    reason: Option<&str>,
    partner: Option<Uuid>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "update applications set status = $2, decided_at = now(), decided_by = $3, reason = $4, partner_id = $5,
                last_activity_at = now()
          where id = $1 and status = 'submitted'",
    )
    .bind(id)
    .bind(status)
    .bind(actor)
    .bind(reason)
    .bind(partner)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct NoteRow {
    pub id: Uuid,
    pub author_id: Uuid,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn notes(tx: &mut Tx, application: Uuid) -> Result<Vec<NoteRow>, sqlx::Error> {
    sqlx::query_as(
        "select n.id, n.author_id, u.name as author_name, n.body, n.created_at
           from application_notes n join users u on u.tenant_id = n.tenant_id and u.id = n.author_id
          where n.application_id = $1 order by n.created_at, n.id",
    )
    .bind(application)
    .fetch_all(&mut **tx)
    .await
}

pub async fn add_note(
    tx: &mut Tx,
    tenant: Uuid,
    application: Uuid,
    author: Uuid,
    body: &str,
) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query(
        "with note as (insert into application_notes (tenant_id, id, application_id, author_id, body)
                       values ($1, $2, $3, $4, $5))
         update applications set last_activity_at = now() where id = $3",
    )
    .bind(tenant)
    .bind(id)
    .bind(application)
    .bind(author)
    .bind(body)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Active CAMs with how many partners each manages in all and in `region`, for choosing who takes a new partner.
pub async fn cam_loads(tx: &mut Tx, region: &str) -> Result<Vec<crate::rules::cam_assignment::CamLoad>, sqlx::Error> {
    let rows: Vec<(Uuid, String, i64, i64)> = sqlx::query_as(
        "select u.id, u.name, count(p.id), count(p.id) filter (where p.region = $1)
           from users u left join partners p on p.tenant_id = u.tenant_id and p.cam_id = u.id
          where u.role = 'cam' and u.active group by u.id, u.name",
    )
    .bind(region)
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, name, partners, in_region)| crate::rules::cam_assignment::CamLoad { id, name, partners, in_region })
        .collect())
}

/// Program admins' addresses, who hear of every new application.
pub async fn admin_recipients(tx: &mut Tx) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("select email from users where role = 'program_admin' and active order by email")
        .fetch_all(&mut **tx)
        .await
}

/// Records a stored submission from `key`, for the rate limit.
pub async fn record_submission(tx: &mut Tx, key: &str) -> Result<(), sqlx::Error> {
    sqlx::query("insert into public_submissions (key) values ($1)").bind(key).execute(&mut **tx).await?;
    Ok(())
}

/// Submissions from `key` in the last hour, and when the oldest of them came.
pub async fn recent_submissions(pool: &sqlx::PgPool, key: &str) -> Result<(i64, Option<DateTime<Utc>>), sqlx::Error> {
    sqlx::query_as("select count(*), min(at) from public_submissions where key = $1 and at > now() - interval '1 hour'")
        .bind(key)
        .fetch_one(pool)
        .await
}

pub async fn prune_submissions(pool: &sqlx::PgPool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("delete from public_submissions where at < now() - interval '1 day'").execute(pool).await?;
    Ok(done.rows_affected())
}
