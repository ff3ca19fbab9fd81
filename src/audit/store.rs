//! SQL for reading the audit log (the database alone writes it). Always inside a tenant-scoped transaction.

use super::AuditEntry;
use crate::db::Tx;

/// A page of the log, newest first, and how many entries there are in all.
pub async fn recent(tx: &mut Tx, limit: i64, offset: i64) -> Result<(Vec<AuditEntry>, i64), sqlx::Error> {
    let items = sqlx::query_as!(
        AuditEntry,
        r#"select a.at, u.name as "actor_name?", a.action, a.entity_type, a.entity_id, a.before, a.after
             from audit_log a left join users u on u.tenant_id = a.tenant_id and u.id = a.actor_id
            order by a.at desc, a.id limit $1 offset $2"#,
        limit,
        offset,
    )
    .fetch_all(&mut **tx)
    .await?;
    let total = sqlx::query_scalar!(r#"select count(*) as "total!" from audit_log"#).fetch_one(&mut **tx).await?;
    Ok((items, total))
}
