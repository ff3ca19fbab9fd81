//! The email outbox: every email is first a row here, written in the transaction of the change that caused it, so
//! an email exists exactly when its change happened. The mail job delivers them when SMTP is configured.

pub mod routes;

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::db::Tx;

pub async fn enqueue(tx: &mut Tx, tenant_id: Uuid, to: &str, subject: &str, body: &str) -> Result<(), sqlx::Error> {
    sqlx::query("insert into outbox (tenant_id, to_address, subject, body) values ($1, $2, $3, $4)")
        .bind(tenant_id)
        .bind(to)
        .bind(subject)
        .bind(body)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct OutboxItem {
    pub id: Uuid,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i32,
    pub last_error: Option<String>,
}

pub async fn list(tx: &mut Tx, limit: i64, offset: i64) -> Result<(Vec<OutboxItem>, i64), sqlx::Error> {
    let items = sqlx::query_as(
        "select id, to_address as to, subject, body, created_at, sent_at, attempts, last_error
           from outbox order by created_at desc, id limit $1 offset $2",
    )
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut **tx)
    .await?;
    let total = sqlx::query_scalar("select count(*) from outbox").fetch_one(&mut **tx).await?;
    Ok((items, total))
}
