//! SQL for users and invitations. Always inside a tenant-scoped transaction.

use chrono::{DateTime, Utc};
use serde::Serialize;
use uuid::Uuid;

use crate::db::Tx;

#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct UserRow {
    pub id: Uuid,
    pub email: String,
    pub name: String,
    /// One of program_admin, channel_chief, cam, partner_admin, partner_user.
    pub role: String,
    pub partner_id: Option<Uuid>,
    pub partner_name: Option<String>,
    pub active: bool,
    /// False while an invitation waits to be accepted.
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
}

const SELECT: &str = "select u.id, u.email, u.name, u.role, u.partner_id, p.name as partner_name, u.active,
        u.password_hash is not null as has_password, u.created_at
   from users u left join partners p on p.tenant_id = u.tenant_id and p.id = u.partner_id";

/// Users of the tenant, or of one partner org.
pub async fn list(
    tx: &mut Tx,
    partner: Option<Uuid>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<UserRow>, i64), sqlx::Error> {
    let items = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{SELECT} where ($1::uuid is null or u.partner_id = $1)
          order by u.active desc, p.name nulls first, lower(u.name), u.id limit $2 offset $3"
    )))
    .bind(partner)
    .bind(limit)
    .bind(offset)
    .fetch_all(&mut **tx)
    .await?;
    let total = sqlx::query_scalar("select count(*) from users where ($1::uuid is null or partner_id = $1)")
        .bind(partner)
        .fetch_one(&mut **tx)
        .await?;
    Ok((items, total))
}

pub async fn get(tx: &mut Tx, id: Uuid, partner: Option<Uuid>) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as(sqlx::AssertSqlSafe(format!("{SELECT} where u.id = $1 and ($2::uuid is null or u.partner_id = $2)")))
        .bind(id)
        .bind(partner)
        .fetch_optional(&mut **tx)
        .await
}

pub struct NewUser<'a> {
    pub tenant_id: Uuid,
    pub email: &'a str,
    pub name: &'a str,
    pub role: &'a str,
    pub partner_id: Option<Uuid>,
    pub password_hash: Option<String>,
}

pub async fn insert(tx: &mut Tx, user: NewUser<'_>) -> Result<Uuid, sqlx::Error> {
    let id = Uuid::new_v4();
    sqlx::query(
        "insert into users (tenant_id, id, email, name, role, partner_id, password_hash)
         values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(user.tenant_id)
    .bind(id)
    .bind(user.email)
    .bind(user.name)
    .bind(user.role)
    .bind(user.partner_id)
    .bind(user.password_hash)
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Deactivates the user and bumps the session version, so every token they hold stops working at once.
pub async fn deactivate(tx: &mut Tx, id: Uuid) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("update users set active = false, session_version = session_version + 1 where id = $1 and active")
            .bind(id)
            .execute(&mut **tx)
            .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_invitation(
    tx: &mut Tx,
    tenant_id: Uuid,
    user_id: Uuid,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("insert into invitations (tenant_id, id, user_id, token_hash, expires_at) values ($1, $2, $3, $4, $5)")
        .bind(tenant_id)
        .bind(Uuid::new_v4())
        .bind(user_id)
        .bind(token_hash)
        .bind(expires_at)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

pub struct OpenInvitation {
    pub id: Uuid,
    pub user_id: Uuid,
    pub email: String,
    pub name: String,
}

/// The invitation with this token hash, if it is unused, unexpired and its user still active.
pub async fn open_invitation(tx: &mut Tx, token_hash: &[u8]) -> Result<Option<OpenInvitation>, sqlx::Error> {
    let row: Option<(Uuid, Uuid, String, String)> = sqlx::query_as(
        "select i.id, u.id, u.email, u.name from invitations i
           join users u on u.tenant_id = i.tenant_id and u.id = i.user_id
          where i.token_hash = $1 and i.accepted_at is null and i.expires_at > now() and u.active",
    )
    .bind(token_hash)
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|(id, user_id, email, name)| OpenInvitation { id, user_id, email, name }))
}

pub async fn accept_invitation(
    tx: &mut Tx,
    invitation: &OpenInvitation,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("select set_config('app.user_id', $1, true)")
        .bind(invitation.user_id.to_string())
        .execute(&mut **tx)
        .await?;
    sqlx::query("update invitations set accepted_at = now() where id = $1")
        .bind(invitation.id)
        .execute(&mut **tx)
        .await?;
    // Earlier invitations of the same user are spent too: one password, one way in.
    sqlx::query("update invitations set accepted_at = now() where user_id = $1 and accepted_at is null")
        .bind(invitation.user_id)
        .execute(&mut **tx)
        .await?;
    sqlx::query("update users set password_hash = $2 where id = $1")
        .bind(invitation.user_id)
        .bind(password_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}
