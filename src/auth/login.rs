//! Signing in and out: credential check, throttling, session rows and token issue. Used by the API and the pages.

use std::net::IpAddr;

use chrono::{Duration, Utc};
use uuid::Uuid;

use super::throttle::{self, Failures};
use super::token::{Claims, LIFETIME_HOURS};
use super::{Role, password};
use crate::AppState;
use crate::db;
use crate::error::{Error, FieldErrors};

#[derive(Debug, Default, Clone)]
pub struct Credentials {
    pub tenant: String,
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub user_id: Uuid,
    pub email: String,
    pub role: Role,
    pub partner_id: Option<Uuid>,
}

impl Credentials {
    pub fn validate(&self) -> Result<(), Error> {
        let mut errors = FieldErrors::new();
        if self.tenant.trim().is_empty() {
            errors.add("tenant", "Enter your workspace.");
        }
        if self.email.trim().is_empty() {
            errors.add("email", "Enter your email address.");
        }
        if self.password.is_empty() {
            errors.add("password", "Enter your password.");
        }
        errors.into_result()
    }
}

/// What sign-in reads of a user: id, password hash, role, partner, session version, active.
type UserLogin = (Uuid, Option<String>, String, Option<Uuid>, i32, bool, String, String);

/// Checks the credentials and opens a session. Wrong credentials of any kind answer the same `Unauthorized`.
pub async fn sign_in(state: &AppState, creds: Credentials, ip: Option<IpAddr>) -> Result<SignedIn, Error> {
    creds.validate()?;
    let slug = creds.tenant.trim().to_lowercase();
    let email = creds.email.trim().to_lowercase();
    let account_key = format!("account:{slug}:{email}");
    let address_key = format!("address:{}", ip.map(|i| i.to_string()).unwrap_or_else(|| "unknown".into()));

    let rows: Vec<(String, i64, chrono::DateTime<Utc>)> = sqlx::query_as(
        "select key, count(*), min(failed_at) from login_failures
          where key = any($1) and failed_at > now() - make_interval(mins => $2) group by key",
    )
    .bind([account_key.clone(), address_key.clone()])
    .bind(throttle::WINDOW_MINUTES as i32)
    .fetch_all(&state.pool)
    .await?;
    let failures = |key: &str| rows.iter().find(|r| r.0 == key).map(|r| Failures { count: r.1, oldest: r.2 });
    if let Some(retry_after) = throttle::retry_after(failures(&account_key), failures(&address_key), Utc::now()) {
        return Err(Error::TooManyRequests { retry_after });
    }

    let tenant: Option<Uuid> =
        sqlx::query_scalar("select id from tenants where slug = $1").bind(&slug).fetch_optional(&state.pool).await?;
    let user: Option<UserLogin> = match tenant {
        Some(tenant) => {
            let mut tx = db::begin_tenant(&state.pool, tenant, None).await?;
            let row = sqlx::query_as(
                "select u.id, u.password_hash, u.role, u.partner_id, u.session_version, u.active, u.name, t.name
                   from users u join tenants t on t.id = u.tenant_id where u.email = $1",
            )
            .bind(&email)
            .fetch_optional(&mut *tx)
            .await?;
            tx.commit().await?;
            row
        }
        None => None,
    };
    let stored_hash = user.as_ref().filter(|u| u.5).and_then(|u| u.1.clone());
    let verified = password::verify(creds.password, stored_hash).await;
    let (Some(tenant), Some((user_id, _, role, partner_id, session_version, true, name, tenant_name)), true) =
        (tenant, user, verified)
    else {
        sqlx::query("insert into login_failures (key) select unnest($1::text[])")
            .bind([account_key, address_key])
            .execute(&state.pool)
            .await?;
        return Err(Error::Unauthorized);
    };
    let role = Role::parse(&role).ok_or_else(|| anyhow::anyhow!("unknown role {role}"))?;

    sqlx::query("delete from login_failures where key = $1").bind(&account_key).execute(&state.pool).await?;
    let session_id = Uuid::new_v4();
    let now = Utc::now();
    let expires = now + Duration::hours(LIFETIME_HOURS);
    let mut tx = db::begin_tenant(&state.pool, tenant, Some(user_id)).await?;
    sqlx::query("insert into sessions (tenant_id, id, user_id, expires_at) values ($1, $2, $3, $4)")
        .bind(tenant)
        .bind(session_id)
        .bind(user_id)
        .bind(expires)
        .execute(&mut *tx)
        .await?;
    tx.commit().await?;
    let token = state.keys.issue(&Claims {
        sub: user_id,
        tid: tenant,
        sid: session_id,
        role,
        pid: partner_id,
        sv: session_version,
        name,
        email: email.clone(),
        tn: tenant_name,
        iat: now.timestamp(),
        exp: expires.timestamp(),
    })?;
    Ok(SignedIn { token, user_id, email, role, partner_id })
}

/// Revokes the session behind the current token (at once for this instance, for the others when it commits).
pub async fn sign_out(tx: &mut db::Tx, session_id: Uuid) -> Result<(), Error> {
    sqlx::query("update sessions set revoked_at = now() where id = $1 and revoked_at is null")
        .bind(session_id)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// Drops failure records that no longer count, so the table stays small.
pub async fn prune_failures(pool: &sqlx::PgPool) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query("delete from login_failures where failed_at < now() - interval '1 day'").execute(pool).await?;
    Ok(done.rows_affected())
}
