//! SQL for partners, scoped by tenant (row-level security) and by the caller's `Scope`.

use chrono::{DateTime, Utc};
use serde::Serialize;

use super::LifeStage;
use crate::auth::Scope;
use crate::db::Tx;
use crate::ids::{PartnerId, TenantId, UserId};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PartnerRow {
    pub id: PartnerId,
    pub name: String,
    /// ISO 3166-1 alpha-2.
    pub country: String,
    pub region: String,
    pub tier: String,
    pub cam_id: Option<UserId>,
    pub cam_name: Option<String>,
    pub life_stage: LifeStage,
    pub user_count: i64,
    pub created_at: DateTime<Utc>,
}

/// `(cam, partner)` filters for a scope: a CAM sees assigned partners, a partner user its own org.
fn filters(scope: Scope) -> (Option<UserId>, Option<PartnerId>) {
    (scope.cam(), scope.partner())
}

pub async fn list(tx: &mut Tx, scope: Scope, limit: i64, offset: i64) -> Result<(Vec<PartnerRow>, i64), sqlx::Error> {
    // One statement per kind of scope, so that each prepared statement keeps a plan that uses the right index.
    let items =
        match scope {
            Scope::Tenant => sqlx::query_as!(
                PartnerRow,
                r#"select p.id as "id: PartnerId", p.name, p.country, p.region, p.tier, p.cam_id as "cam_id: UserId",
                          c.name as "cam_name?", p.life_stage as "life_stage: LifeStage",
                          (select count(*) from users u where u.partner_id = p.id and u.active) as "user_count!", p.created_at
                     from partners p left join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
                    order by lower(p.name), p.id limit $1 offset $2"#,
                limit,
                offset,
            )
            .fetch_all(&mut **tx)
            .await?,
            Scope::Cam(cam) => sqlx::query_as!(
                PartnerRow,
                r#"select p.id as "id: PartnerId", p.name, p.country, p.region, p.tier, p.cam_id as "cam_id: UserId",
                          c.name as "cam_name?", p.life_stage as "life_stage: LifeStage",
                          (select count(*) from users u where u.partner_id = p.id and u.active) as "user_count!", p.created_at
                     from partners p left join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
                    where p.cam_id = $1
                    order by lower(p.name), p.id limit $2 offset $3"#,
                cam as UserId,
                limit,
                offset,
            )
            .fetch_all(&mut **tx)
            .await?,
            Scope::Partner(partner) => sqlx::query_as!(
                PartnerRow,
                r#"select p.id as "id: PartnerId", p.name, p.country, p.region, p.tier, p.cam_id as "cam_id: UserId",
                          c.name as "cam_name?", p.life_stage as "life_stage: LifeStage",
                          (select count(*) from users u where u.partner_id = p.id and u.active) as "user_count!", p.created_at
                     from partners p left join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
                    where p.id = $1
                    order by lower(p.name), p.id limit $2 offset $3"#,
                partner as PartnerId,
                limit,
                offset,
            )
            .fetch_all(&mut **tx)
            .await?,
        };
    // A first page that is not full already says how many there are.
    let total = if offset == 0 && (items.len() as i64) < limit { items.len() as i64 } else { count(tx, scope).await? };
    Ok((items, total))
}

/// How many partners the scope holds.
async fn count(tx: &mut Tx, scope: Scope) -> Result<i64, sqlx::Error> {
    match scope {
        Scope::Tenant => sqlx::query_scalar!(r#"select count(*) as "n!" from partners p"#).fetch_one(&mut **tx).await,
        Scope::Cam(cam) => {
            sqlx::query_scalar!(r#"select count(*) as "n!" from partners p where p.cam_id = $1"#, cam as UserId)
                .fetch_one(&mut **tx)
                .await
        }
        Scope::Partner(partner) => {
            sqlx::query_scalar!(r#"select count(*) as "n!" from partners p where p.id = $1"#, partner as PartnerId)
                .fetch_one(&mut **tx)
                .await
        }
    }
}

/// Partners without a CAM, oldest first: the program admin's to-do list.
pub async fn unassigned(tx: &mut Tx, limit: i64) -> Result<Vec<PartnerRow>, sqlx::Error> {
    sqlx::query_as!(
        PartnerRow,
        r#"select p.id as "id: PartnerId", p.name, p.country, p.region, p.tier, p.cam_id as "cam_id: UserId",
                  c.name as "cam_name?", p.life_stage as "life_stage: LifeStage",
                  (select count(*) from users u where u.partner_id = p.id and u.active) as "user_count!", p.created_at
             from partners p left join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
            where p.cam_id is null order by p.created_at, p.id limit $1"#,
        limit,
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn get(tx: &mut Tx, scope: Scope, id: PartnerId) -> Result<Option<PartnerRow>, sqlx::Error> {
    let (cam, partner) = filters(scope);
    sqlx::query_as!(
        PartnerRow,
        r#"select p.id as "id: PartnerId", p.name, p.country, p.region, p.tier, p.cam_id as "cam_id: UserId",
                  c.name as "cam_name?", p.life_stage as "life_stage: LifeStage",
                  (select count(*) from users u where u.partner_id = p.id and u.active) as "user_count!", p.created_at
             from partners p left join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
            where p.id = $1 and ($2::uuid is null or p.cam_id = $2) and ($3::uuid is null or p.id = $3)"#,
        id as PartnerId,
        cam as Option<UserId>,
        partner as Option<PartnerId>,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub struct NewPartner<'a> {
    pub tenant_id: TenantId,
    pub name: &'a str,
    pub country: &'a str,
    pub region: &'a str,
    pub tier: &'a str,
    pub cam_id: Option<UserId>,
    pub life_stage: LifeStage,
}

pub async fn insert(tx: &mut Tx, p: NewPartner<'_>) -> Result<PartnerId, sqlx::Error> {
    let id = PartnerId::new();
    sqlx::query!(
        "insert into partners (tenant_id, id, name, country, region, tier, cam_id, life_stage)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        p.tenant_id as TenantId,
        id as PartnerId,
        p.name,
        p.country,
        p.region,
        p.tier,
        p.cam_id as Option<UserId>,
        p.life_stage as LifeStage,
    )
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
    pub cam_id: Option<Option<UserId>>,
    pub life_stage: Option<LifeStage>,
}

pub async fn update(tx: &mut Tx, id: PartnerId, c: PartnerChange) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update partners set
            name = coalesce($2, name), country = coalesce($3, country), region = coalesce($4, region),
            tier = coalesce($5, tier), cam_id = case when $6 then $7 else cam_id end,
            life_stage = coalesce($8, life_stage), updated_at = now()
          where id = $1",
        id as PartnerId,
        c.name,
        c.country,
        c.region,
        c.tier,
        c.cam_id.is_some(),
        c.cam_id.flatten() as Option<UserId>,
        c.life_stage as Option<LifeStage>,
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The tenant's CAMs with how many partners each manages, for assignment lists.
pub async fn cams(tx: &mut Tx) -> Result<Vec<(UserId, String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select u.id as "id: UserId", u.name, count(p.id) as "partners!" from users u
             left join partners p on p.tenant_id = u.tenant_id and p.cam_id = u.id
            where u.role = 'cam' and u.active group by u.id, u.name order by lower(u.name)"#
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name, r.partners)).collect())
}

pub async fn is_cam(tx: &mut Tx, id: UserId) -> Result<bool, sqlx::Error> {
    let found = sqlx::query_scalar!("select 1 from users where id = $1 and role = 'cam' and active", id as UserId)
        .fetch_optional(&mut **tx)
        .await?;
    Ok(found.is_some())
}
