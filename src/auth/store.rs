//! SQL of signing in and out: sign-in attempts (kept outside any tenant, by key), the user signing in, sessions.

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use uuid::Uuid;

use super::Role;
use super::throttle::Failures;
use crate::db::Tx;
use crate::ids::{PartnerId, SessionId, TenantId, UserId};

/// Locks `keys` (in the order given, the same for every caller) until the transaction ends: attempts under the same
/// key take turns between here and their commit, so each counts every attempt recorded before it.
pub async fn lock_keys(tx: &mut Tx, keys: &[String; 2]) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "select pg_advisory_xact_lock(hashtextextended($1, 0)), pg_advisory_xact_lock(hashtextextended($2, 0))",
        keys[0],
        keys[1],
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(())
}

/// Attempts recorded under each of `keys` in the last `window_minutes`, by key; keys without any are left out.
pub async fn recent_failures(
    tx: &mut Tx,
    keys: &[String],
    window_minutes: i32,
) -> Result<Vec<(String, Failures)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select key, count(*) as "count!", min(failed_at) as "oldest!" from login_failures
            where key = any($1) and failed_at > now() - make_interval(mins => $2) group by key"#,
        keys,
        window_minutes,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.key, Failures { count: r.count, oldest: r.oldest })).collect())
}

/// Records `attempt` under each of `keys`: it counts as a failure until the password proves right.
pub async fn record_attempt(tx: &mut Tx, attempt: Uuid, keys: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query!("insert into login_failures (key, attempt) select unnest($1::text[]), $2", keys, attempt)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Takes back the records of `attempt` (not checked after all).
pub async fn forget_attempt(pool: &PgPool, attempt: Uuid, keys: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from login_failures where key = any($1) and attempt = $2", keys, attempt)
        .execute(pool)
        .await?;
    Ok(())
}

/// After a successful sign-in: forgets the account's failures (`account_key`) and this attempt's other records.
pub async fn clear_failures(
    pool: &PgPool,
    account_key: &str,
    attempt: Uuid,
    keys: &[String],
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "delete from login_failures where key = $1 or (key = any($2) and attempt = $3)",
        account_key,
        keys,
        attempt
    )
    .execute(pool)
    .await?;
    Ok(())
}

/// Drops failure records that no longer count, so the table stays small.
pub async fn prune_failures(pool: &PgPool) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query!("delete from login_failures where failed_at < now() - interval '1 day'").execute(pool).await?;
    Ok(done.rows_affected())
}

/// What sign-in reads of a user.
pub struct UserLogin {
    pub id: UserId,
    pub password_hash: Option<String>,
    pub role: Role,
    pub partner_id: Option<PartnerId>,
    pub session_version: i32,
    pub active: bool,
    pub name: String,
    pub tenant_name: String,
}

/// The user of the transaction's tenant with this (lowercased) email.
pub async fn user_login(tx: &mut Tx, email: &str) -> Result<Option<UserLogin>, sqlx::Error> {
    sqlx::query_as!(
        UserLogin,
        r#"select u.id as "id: UserId", u.password_hash, u.role as "role: Role", u.partner_id as "partner_id: PartnerId",
                  u.session_version, u.active, u.name, t.name as tenant_name
             from users u join tenants t on t.id = u.tenant_id where u.email = $1"#,
        email,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn insert_session(
    tx: &mut Tx,
    tenant: TenantId,
    id: SessionId,
    user: UserId,
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into sessions (tenant_id, id, user_id, expires_at) values ($1, $2, $3, $4)",
        tenant as TenantId,
        id as SessionId,
        user as UserId,
        expires_at,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Revokes the session (at once for this instance, for the others when it commits).
pub async fn revoke_session(tx: &mut Tx, id: SessionId) -> Result<(), sqlx::Error> {
    sqlx::query!("update sessions set revoked_at = now() where id = $1 and revoked_at is null", id as SessionId)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
