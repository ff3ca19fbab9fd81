//! SQL for the partner agreement and its acceptances. Always inside a tenant-scoped transaction.

use chrono::{DateTime, Utc};

use crate::db::Tx;
use crate::ids::{PartnerId, TenantId, UserId};

#[derive(Debug, Clone)]
pub struct Agreement {
    pub version: i32,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone)]
pub struct Acceptance {
    pub version: i32,
    pub user_name: String,
    pub accepted_at: DateTime<Utc>,
}

/// The current agreement: the highest version.
pub async fn current(tx: &mut Tx) -> Result<Option<Agreement>, sqlx::Error> {
    sqlx::query_as!(Agreement, "select version, body, created_at from agreements order by version desc limit 1")
        .fetch_optional(&mut **tx)
        .await
}

/// The partner's acceptance of `version`, if any.
pub async fn acceptance(tx: &mut Tx, partner: PartnerId, version: i32) -> Result<Option<Acceptance>, sqlx::Error> {
    sqlx::query_as!(
        Acceptance,
        "select a.version, u.name as user_name, a.accepted_at
           from agreement_acceptances a join users u on u.tenant_id = a.tenant_id and u.id = a.user_id
          where a.partner_id = $1 and a.version = $2",
        partner as PartnerId,
        version,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn insert_acceptance(
    tx: &mut Tx,
    tenant: TenantId,
    partner: PartnerId,
    version: i32,
    user: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into agreement_acceptances (tenant_id, partner_id, version, user_id) values ($1, $2, $3, $4)",
        tenant as TenantId,
        partner as PartnerId,
        version,
        user as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Adds the next version; returns its number.
pub async fn insert_version(tx: &mut Tx, tenant: TenantId, body: &str, author: UserId) -> Result<i32, sqlx::Error> {
    sqlx::query_scalar!(
        "insert into agreements (tenant_id, version, body, created_by)
         values ($1, coalesce((select max(version) from agreements), 0) + 1, $2, $3) returning version",
        tenant as TenantId,
        body,
        author as UserId,
    )
    .fetch_one(&mut **tx)
    .await
}

/// How many partners have accepted the current version, of how many.
pub async fn acceptance_counts(tx: &mut Tx) -> Result<(i64, i64), sqlx::Error> {
    let counts = sqlx::query!(
        r#"select count(a.id) as "accepted!", count(*) as "partners!" from partners p
             left join agreement_acceptances a on a.tenant_id = p.tenant_id and a.partner_id = p.id
                   and a.version = (select max(version) from agreements)"#
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((counts.accepted, counts.partners))
}
