//! SQL for applications, their notes, the ideal partner profile and the public form's rate limit.

use chrono::{DateTime, Utc};

use super::ApplicationStatus;
use crate::db::Tx;
use crate::ids::{ApplicationId, NoteId, PartnerId, TenantId, UserId};
use crate::rules::cam_assignment::CamLoad;

#[derive(Debug, Clone)]
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
    let found = sqlx::query_as!(
        ProfileRow,
        "select countries, regions, verticals, services, min_employees, stale_days from ideal_profiles"
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.unwrap_or_default())
}

pub async fn save_profile(tx: &mut Tx, tenant: TenantId, p: &ProfileRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into ideal_profiles (tenant_id, countries, regions, verticals, services, min_employees, stale_days)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (tenant_id) do update set countries = excluded.countries, regions = excluded.regions,
           verticals = excluded.verticals, services = excluded.services, min_employees = excluded.min_employees,
           stale_days = excluded.stale_days, updated_at = now()",
        tenant as TenantId,
        &p.countries,
        &p.regions,
        &p.verticals,
        &p.services,
        p.min_employees,
        p.stale_days,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The tenant of a public form's slug: id and display name.
pub async fn tenant_by_slug(pool: &sqlx::PgPool, slug: &str) -> Result<Option<(TenantId, String)>, sqlx::Error> {
    let row = sqlx::query!(r#"select id as "id: TenantId", name from tenants where slug = $1"#, slug)
        .fetch_optional(pool)
        .await?;
    Ok(row.map(|r| (r.id, r.name)))
}

pub struct NewApplication<'a> {
    pub tenant_id: TenantId,
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

pub async fn insert(tx: &mut Tx, a: NewApplication<'_>) -> Result<ApplicationId, sqlx::Error> {
    let id = ApplicationId::new();
    sqlx::query!(
        "insert into applications (tenant_id, id, company_name, website, country, region, contact_name, contact_email,
            employees, verticals, services, message, fit_score, fit)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14)",
        a.tenant_id as TenantId,
        id as ApplicationId,
        a.company_name,
        a.website,
        a.country,
        a.region,
        a.contact_name,
        a.contact_email,
        a.employees,
        a.verticals,
        a.services,
        a.message,
        a.fit_score,
        a.fit,
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

#[derive(Debug, Clone)]
pub struct ApplicationRow {
    pub id: ApplicationId,
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
    pub status: ApplicationStatus,
    pub created_at: DateTime<Utc>,
    pub last_activity_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decided_by: Option<UserId>,
    pub decided_by_name: Option<String>,
    pub reason: Option<String>,
    pub partner_id: Option<PartnerId>,
    /// No action for longer than the profile's stale days while waiting for a decision.
    pub stale: bool,
}

// The statements that read applications each write out the same `stale` condition: the macros take SQL literals only.

/// One application; with `lock`, locked for a decision.
pub async fn get(tx: &mut Tx, id: ApplicationId, lock: bool) -> Result<Option<ApplicationRow>, sqlx::Error> {
    if lock {
        sqlx::query_as!(
            ApplicationRow,
            r#"select a.id as "id: ApplicationId", a.company_name, a.website, a.country, a.region, a.contact_name,
                      a.contact_email, a.employees, a.verticals, a.services, a.message, a.fit_score, a.fit,
                      a.status as "status: ApplicationStatus", a.created_at, a.last_activity_at, a.decided_at,
                      a.decided_by as "decided_by: UserId", d.name as "decided_by_name?", a.reason,
                      a.partner_id as "partner_id: PartnerId",
                      (a.status = 'submitted' and a.last_activity_at
                          < now() - make_interval(days => coalesce((select stale_days from ideal_profiles), 7)))
                          as "stale!"
                 from applications a left join users d on d.tenant_id = a.tenant_id and d.id = a.decided_by
                where a.id = $1 for update of a"#,
            id as ApplicationId,
        )
        .fetch_optional(&mut **tx)
        .await
    } else {
        sqlx::query_as!(
            ApplicationRow,
            r#"select a.id as "id: ApplicationId", a.company_name, a.website, a.country, a.region, a.contact_name,
                      a.contact_email, a.employees, a.verticals, a.services, a.message, a.fit_score, a.fit,
                      a.status as "status: ApplicationStatus", a.created_at, a.last_activity_at, a.decided_at,
                      a.decided_by as "decided_by: UserId", d.name as "decided_by_name?", a.reason,
                      a.partner_id as "partner_id: PartnerId",
                      (a.status = 'submitted' and a.last_activity_at
                          < now() - make_interval(days => coalesce((select stale_days from ideal_profiles), 7)))
                          as "stale!"
                 from applications a left join users d on d.tenant_id = a.tenant_id and d.id = a.decided_by
                where a.id = $1"#,
            id as ApplicationId,
        )
        .fetch_optional(&mut **tx)
        .await
    }
}

/// Applications by status (all when `None`): the best fit first, then the oldest; with the total.
pub async fn list(
    tx: &mut Tx,
    status: Option<ApplicationStatus>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<ApplicationRow>, i64), sqlx::Error> {
    // One statement per shape (a status or none), so that each generic plan fits it.
    let items = match status {
        Some(status) => {
            sqlx::query_as!(
                ApplicationRow,
                r#"select a.id as "id: ApplicationId", a.company_name, a.website, a.country, a.region,
                          a.contact_name, a.contact_email, a.employees, a.verticals, a.services, a.message,
                          a.fit_score, a.fit, a.status as "status: ApplicationStatus", a.created_at,
                          a.last_activity_at, a.decided_at, a.decided_by as "decided_by: UserId",
                          d.name as "decided_by_name?", a.reason, a.partner_id as "partner_id: PartnerId",
                          (a.status = 'submitted' and a.last_activity_at
                              < now() - make_interval(days => coalesce((select stale_days from ideal_profiles), 7)))
                              as "stale!"
                     from applications a left join users d on d.tenant_id = a.tenant_id and d.id = a.decided_by
                    where a.status = $1
                    order by (a.status = 'submitted') desc, a.fit_score desc, a.created_at, a.id limit $2 offset $3"#,
                status as ApplicationStatus,
                limit,
                offset,
            )
            .fetch_all(&mut **tx)
            .await?
        }
        None => {
            sqlx::query_as!(
                ApplicationRow,
                r#"select a.id as "id: ApplicationId", a.company_name, a.website, a.country, a.region,
                          a.contact_name, a.contact_email, a.employees, a.verticals, a.services, a.message,
                          a.fit_score, a.fit, a.status as "status: ApplicationStatus", a.created_at,
                          a.last_activity_at, a.decided_at, a.decided_by as "decided_by: UserId",
                          d.name as "decided_by_name?", a.reason, a.partner_id as "partner_id: PartnerId",
                          (a.status = 'submitted' and a.last_activity_at
                              < now() - make_interval(days => coalesce((select stale_days from ideal_profiles), 7)))
                              as "stale!"
                     from applications a left join users d on d.tenant_id = a.tenant_id and d.id = a.decided_by
                    order by (a.status = 'submitted') desc, a.fit_score desc, a.created_at, a.id limit $1 offset $2"#,
                limit,
                offset,
            )
            .fetch_all(&mut **tx)
            .await?
        }
    };
    let total =
        if offset == 0 && (items.len() as i64) < limit { items.len() as i64 } else { count(tx, status).await? };
    Ok((items, total))
}

/// How many applications have `status` (all when `None`).
async fn count(tx: &mut Tx, status: Option<ApplicationStatus>) -> Result<i64, sqlx::Error> {
    match status {
        Some(status) => {
            sqlx::query_scalar!(
                r#"select count(*) as "n!" from applications a where a.status = $1"#,
                status as ApplicationStatus,
            )
            .fetch_one(&mut **tx)
            .await
        }
        None => sqlx::query_scalar!(r#"select count(*) as "n!" from applications a"#).fetch_one(&mut **tx).await,
    }
}

/// How many applications wait for a decision, and how many of them are stale.
pub async fn waiting(tx: &mut Tx) -> Result<(i64, i64), sqlx::Error> {
    let row = sqlx::query!(
        r#"select count(*) as "waiting!",
                  count(*) filter (where a.last_activity_at
                      < now() - make_interval(days => coalesce((select stale_days from ideal_profiles), 7)))
                      as "stale!"
             from applications a where a.status = 'submitted'"#
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((row.waiting, row.stale))
}

pub async fn decide(
    tx: &mut Tx,
    id: ApplicationId,
    status: ApplicationStatus,
    actor: UserId,
    reason: Option<&str>,
    partner: Option<PartnerId>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update applications set status = $2, decided_at = now(), decided_by = $3, reason = $4, partner_id = $5,
                last_activity_at = now()
          where id = $1 and status = 'submitted'",
        id as ApplicationId,
        status as ApplicationStatus,
        actor as UserId,
        reason,
        partner as Option<PartnerId>,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(Debug, Clone)]
pub struct NoteRow {
    pub id: NoteId,
    pub author_id: UserId,
    pub author_name: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn notes(tx: &mut Tx, application: ApplicationId) -> Result<Vec<NoteRow>, sqlx::Error> {
    sqlx::query_as!(
        NoteRow,
        r#"select n.id as "id: NoteId", n.author_id as "author_id: UserId", u.name as author_name, n.body, n.created_at
             from application_notes n join users u on u.tenant_id = n.tenant_id and u.id = n.author_id
            where n.application_id = $1 order by n.created_at, n.id"#,
        application as ApplicationId,
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn add_note(
    tx: &mut Tx,
    tenant: TenantId,
    application: ApplicationId,
    author: UserId,
    body: &str,
) -> Result<NoteId, sqlx::Error> {
    let id = NoteId::new();
    sqlx::query!(
        "with note as (insert into application_notes (tenant_id, id, application_id, author_id, body)
                       values ($1, $2, $3, $4, $5))
         update applications set last_activity_at = now() where id = $3",
        tenant as TenantId,
        id as NoteId,
        application as ApplicationId,
        author as UserId,
        body,
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Active CAMs with how many partners each manages in all and in `region`, for choosing who takes a new partner.
pub async fn cam_loads(tx: &mut Tx, region: &str) -> Result<Vec<CamLoad>, sqlx::Error> {
    sqlx::query_as!(
        CamLoad,
        r#"select u.id as "id: UserId", u.name, count(p.id) as "partners!",
                  count(p.id) filter (where p.region = $1) as "in_region!"
             from users u left join partners p on p.tenant_id = u.tenant_id and p.cam_id = u.id
            where u.role = 'cam' and u.active group by u.id, u.name"#,
        region,
    )
    .fetch_all(&mut **tx)
    .await
}

/// Program admins' addresses, who hear of every new application.
pub async fn admin_recipients(tx: &mut Tx) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!("select email from users where role = 'program_admin' and active order by email")
        .fetch_all(&mut **tx)
        .await
}

/// Locks `keys` for the rest of the transaction (in the order given, the same for every caller) and counts the
/// submissions under each in the last hour, with the oldest of them.
pub async fn lock_and_count_submissions(
    tx: &mut Tx,
    keys: &[String; 2],
) -> Result<Vec<(i64, Option<DateTime<Utc>>)>, sqlx::Error> {
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended($1, 0)), pg_advisory_xact_lock(hashtextextended($2, 0))",
        keys[0],
        keys[1],
    )
    .fetch_one(&mut **tx)
    .await?;
    let rows = sqlx::query!(
        r#"select k.key as "key!", count(s.at) as "count!", min(s.at) as oldest
             from unnest($1::text[]) with ordinality as k (key, n)
             left join public_submissions s on s.key = k.key and s.at > now() - interval '1 hour'
            group by k.key, k.n order by k.n"#,
        &keys[..],
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.count, r.oldest)).collect())
}

/// Records a submission under each of `keys`, for the limits.
pub async fn record_submission(tx: &mut Tx, keys: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query!("insert into public_submissions (key) select unnest($1::text[])", keys).execute(&mut **tx).await?;
    Ok(())
}

pub async fn prune_submissions(pool: &sqlx::PgPool) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!("delete from public_submissions where at < now() - interval '1 day'").execute(pool).await?;
    Ok(done.rows_affected())
}
