//! SQL for the outbox: queueing in the transaction of the change, reading for the program admin, and the mail job's
//! claims and outcomes. Always inside a tenant-scoped transaction.

use super::OutboxItem;
use crate::db::Tx;
use crate::ids::{MailId, TenantId};

pub async fn enqueue(tx: &mut Tx, tenant: TenantId, to: &str, subject: &str, body: &str) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into outbox (tenant_id, to_address, subject, body) values ($1, $2, $3, $4)",
        tenant as TenantId,
        to,
        subject,
        body,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// A page of the outbox, newest first, and how many emails there are in all.
pub async fn list(tx: &mut Tx, limit: i64, offset: i64) -> Result<(Vec<OutboxItem>, i64), sqlx::Error> {
    let items = sqlx::query_as!(
        OutboxItem,
        r#"select id as "id: MailId", to_address as "to", subject, body, created_at, sent_at, attempts, last_error
             from outbox order by created_at desc, id limit $1 offset $2"#,
        limit,
        offset,
    )
    .fetch_all(&mut **tx)
    .await?;
    let total = sqlx::query_scalar!(r#"select count(*) as "total!" from outbox"#).fetch_one(&mut **tx).await?;
    Ok((items, total))
}

/// An email due for delivery.
pub struct DueMail {
    pub id: MailId,
    pub to_address: String,
    pub subject: String,
    pub body: String,
    pub attempts: i32,
}

/// Claims up to `limit` emails due now, oldest first; other instances skip them until this transaction ends.
pub async fn claim_due(tx: &mut Tx, limit: i64) -> Result<Vec<DueMail>, sqlx::Error> {
    sqlx::query_as!(
        DueMail,
        r#"select id as "id: MailId", to_address, subject, body, attempts from outbox
            where sent_at is null and next_attempt_at <= now()
            order by created_at limit $1 for update skip locked"#,
        limit,
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn mark_sent(tx: &mut Tx, id: MailId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update outbox set sent_at = now(), attempts = attempts + 1, last_error = null where id = $1",
        id as MailId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Records a failed attempt; the next one waits `delay_minutes`.
pub async fn mark_failed(tx: &mut Tx, id: MailId, error: &str, delay_minutes: i32) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update outbox set attempts = attempts + 1, last_error = $2,
                next_attempt_at = now() + make_interval(mins => $3) where id = $1",
        id as MailId,
        error,
        delay_minutes,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The name of the transaction's tenant, which its emails carry.
pub async fn tenant_name(tx: &mut Tx) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!("select name from tenants where id = app_current_tenant()").fetch_one(&mut **tx).await
}

/// The time zone the owner of `address` reads in: their own, else the program's (also for an address that is no
/// user's yet).
pub async fn reader_zone(tx: &mut Tx, address: &str) -> Result<String, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select coalesce((select u.time_zone from users u where u.email = lower($1)), t.time_zone) as "zone!"
             from tenants t where t.id = app_current_tenant()"#,
        address,
    )
    .fetch_one(&mut **tx)
    .await
}
