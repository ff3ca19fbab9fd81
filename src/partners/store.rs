//! SQL for partners, scoped by tenant (row-level security) and by the caller's `Scope`.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::auth::Scope;
use crate::db::Tx;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct PartnerRow {
    pub id: Uuid,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub region: String,
    pub tier: String,
    pub cam_id: Option<Uuid>,
    pub cam_name: Option<String>,
    /// applicant, onboarding, activated, producing or lapsed.
    pub life_stage: String,
    pub user_count: i64,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "select p.id, p.name, p.country, p.region, p.tier, p.cam_id, c.name as cam_name, p.life_stage,
        p.active_users::bigint as user_count,
        p.created_at
   from partners p left join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id";

/// `(cam, partner)` filters for a scope: a CAM sees assigned partners, a partner user its own org.
fn filters(scope: Scope) -> (Option<Uuid>, Option<Uuid>) {
    match scope {
        Scope::Tenant => (None, None),
        Scope::Cam(cam) => (Some(cam), None),
        Scope::Partner(p) => (None, Some(p)),
    }
}

/// The scope as a condition on `$1` over partners aliased `p`, one SQL text per kind of scope so that each prepared
/// statement keeps a plan that uses the right index.
pub(crate) fn scope_condition(scope: Scope) -> (&'static str, Option<Uuid>) {
    match scope {
        Scope::Tenant => ("$1::uuid is null", None),
        Scope::Cam(cam) => ("p.cam_id = $1", Some(cam)),
        Scope::Partner(p) => ("p.id = $1", Some(p)),
    }
}

pub async fn list(tx: &mut Tx, scope: Scope, limit: i64, offset: i64) -> Result<(Vec<PartnerRow>, i64), sqlx::Error> {
    let (condition, id) = scope_condition(scope);
    let items: Vec<PartnerRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} where {condition} order by lower(p.name), p.id limit $2 offset $3"
    )))
    .bind(id)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut **tx)
    .await?;
    // A first page that is not full already says how many there are.
    let total = if offset == 0 && (items.len() as i64) < limit {
        items.len() as i64
    } else {
        sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from partners p where {condition}")))
            .bind(id)
            .fetch_one(&mut **tx)
            .await?
    };
    Ok((items, total))
}

/// Partners without a CAM, oldest first: the program admin's to-do list.
pub async fn unassigned(tx: &mut Tx, limit: i64) -> Result<Vec<PartnerRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} where p.cam_id is null order by p.created_at, p.id limit $1")))
        .bind(limit)
        .fetch_all(&mut **tx)
        .await
}

pub async fn get(tx: &mut Tx, scope: Scope, id: Uuid) -> Result<Option<PartnerRow>, sqlx::Error> {
    let (cam, partner) = filters(scope);
    sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} where p.id = $1 and ($2::uuid is null or p.cam_id = $2) and ($3::uuid is null or p.id = $3)"
    )))
    .bind(id)
    .bind(cam)
    .bind(partner)
    .fetch_optional(&mut **tx)
    .await
}

pub struct NewPartner<'a> {
    pub tenant_id: Uuid,
    pub name: &'a str,
    pub country: &'a str,
    pub region: &'a str,
    pub tier: &'a str,
    pub cam_id: Option<Uuid>,
    pub life_stage: &'a str,
}

pub async fn insert(tx: &mut Tx, p: NewPartner<'_>) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query(
        "insert into partners (tenant_id, id, name, country, region, tier, cam_id, life_stage)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(p.tenant_id)
    .bind(id)
    .bind(p.name)
    .bind(p.country)
    .bind(p.region)
    .bind(p.tier)
    .bind(p.cam_id)
    .bind(p.life_stage)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Changes to a partner; `None` leaves a field as it is. `cam_id: Some(None)` unassigns.
#[derive(Default)]
pub struct PartnerChange {
    pub name: Option<String>,
    pub country: Option<String>,
    pub region: Option<String>,
    pub tier: Option<String>,
    pub cam_id: Option<Option<Uuid>>,
    pub life_stage: Option<String>,
}

pub async fn update(tx: &mut Tx, id: Uuid, c: PartnerChange) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "update partners set
            name = coalesce($2, name), country = coalesce($3, country), region = coalesce($4, region),
            tier = coalesce($5, tier), cam_id = case when $6 then $7 else cam_id end,
            life_stage = coalesce($8, life_stage), updated_at = now()
          where id = $1",
    )
    .bind(id)
    .bind(c.name)
    .bind(c.country)
    .bind(c.region)
    .bind(c.tier)
    .bind(c.cam_id.is_some())
    .bind(c.cam_id.flatten())
    .bind(c.life_stage)
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The tenant's CAMs with how many partners each manages, for assignment lists.
pub async fn cams(tx: &mut Tx) -> Result<Vec<(Uuid, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "select u.id, u.name, count(p.id) from users u
           left join partners p on p.tenant_id = u.tenant_id and p.cam_id = u.id
          where u.role = 'cam' and u.active group by u.id, u.name order by lower(u.name)",
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn is_cam(tx: &mut Tx, id: Uuid) -> Result<bool, sqlx::Error> {
    let found: Option<i32> = sqlx::query_scalar("select 1 from users where id = $1 and role = 'cam' and active")
        .bind(id)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}
