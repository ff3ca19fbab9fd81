//! SQL for tenants. The `tenants` table has no row-level security: these run on the pool or in any transaction.

use sqlx::PgPool;

use crate::db::Tx;
use crate::ids::TenantId;

/// The tenant with this slug (sign-in names its workspace by slug).
pub async fn id_by_slug(pool: &PgPool, slug: &str) -> Result<Option<TenantId>, sqlx::Error> {
    sqlx::query_scalar!(r#"select id as "id: TenantId" from tenants where slug = $1"#, slug).fetch_optional(pool).await
}

/// Every tenant, for jobs that work tenant by tenant.
pub async fn ids(pool: &PgPool) -> Result<Vec<TenantId>, sqlx::Error> {
    sqlx::query_scalar!(r#"select id as "id: TenantId" from tenants"#).fetch_all(pool).await
}

/// Whether any tenant exists yet.
pub async fn any(pool: &PgPool) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"select exists(select 1 from tenants) as "any!""#).fetch_one(pool).await
}

/// The slug of the transaction's tenant, for links and sign-in hints.
pub async fn current_slug(tx: &mut Tx) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!("select slug from tenants where id = app_current_tenant()").fetch_one(&mut **tx).await
}

pub async fn insert(tx: &mut Tx, id: TenantId, slug: &str, name: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("insert into tenants (id, slug, name) values ($1, $2, $3)", id as TenantId, slug, name)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
