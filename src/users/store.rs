//! SQL for users and invitations. Always inside a tenant-scoped transaction.

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::auth::Role;
use crate::db::Tx;
use crate::ids::{InvitationId, PartnerId, TenantId, UserId};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserRow {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub partner_id: Option<PartnerId>,
    pub partner_name: Option<String>,
    pub active: bool,
    /// False while an invitation waits to be accepted.
    pub has_password: bool,
    pub created_at: DateTime<Utc>,
}

/// Users of the tenant, or of one partner org.
pub async fn list(
    tx: &mut Tx,
    partner: Option<PartnerId>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<UserRow>, i64), sqlx::Error> {
    let items = sqlx::query_as!(
        UserRow,
        r#"select u.id as "id: UserId", u.email, u.name, u.role as "role: Role",
                  u.partner_id as "partner_id: PartnerId", p.name as "partner_name?", u.active,
                  u.password_hash is not null as "has_password!", u.created_at
             from users u left join partners p on p.tenant_id = u.tenant_id and p.id = u.partner_id
            where ($1::uuid is null or u.partner_id = $1)
            order by u.active desc, p.name nulls first, lower(u.name), u.id limit $2 offset $3"#,
        partner as Option<PartnerId>,
        limit,
        offset,
    )
    .fetch_all(&mut **tx)
    .await?;
    let total = sqlx::query_scalar!(
        r#"select count(*) as "total!" from users where ($1::uuid is null or partner_id = $1)"#,
        partner as Option<PartnerId>,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((items, total))
}

/// The user, when they belong to `partner` (or to the tenant, with no partner given).
pub async fn get(tx: &mut Tx, id: UserId, partner: Option<PartnerId>) -> Result<Option<UserRow>, sqlx::Error> {
    sqlx::query_as!(
        UserRow,
        r#"select u.id as "id: UserId", u.email, u.name, u.role as "role: Role",
                  u.partner_id as "partner_id: PartnerId", p.name as "partner_name?", u.active,
                  u.password_hash is not null as "has_password!", u.created_at
             from users u left join partners p on p.tenant_id = u.tenant_id and p.id = u.partner_id
            where u.id = $1 and ($2::uuid is null or u.partner_id = $2)"#,
        id as UserId,
        partner as Option<PartnerId>,
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Whether the partner exists (and is visible in this transaction's tenant).
pub async fn partner_exists(tx: &mut Tx, partner: PartnerId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(r#"select exists(select 1 from partners where id = $1) as "exists!""#, partner as PartnerId)
        .fetch_one(&mut **tx)
        .await
}

/// Whether a user of the tenant has this (lowercased) email, and if so, their partner (`None` for vendor staff).
pub async fn email_owner(tx: &mut Tx, email: &str) -> Result<Option<Option<PartnerId>>, sqlx::Error> {
    sqlx::query_scalar!(r#"select partner_id as "partner_id: PartnerId" from users where email = $1"#, email)
        .fetch_optional(&mut **tx)
        .await
}

pub async fn partner_name(tx: &mut Tx, partner: PartnerId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("select name from partners where id = $1", partner as PartnerId).fetch_optional(&mut **tx).await
}

pub struct NewUser<'a> {
    pub tenant_id: TenantId,
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub partner_id: Option<PartnerId>,
    pub password_hash: Option<String>,
}

pub async fn insert(tx: &mut Tx, user: NewUser<'_>) -> Result<UserId, sqlx::Error> {
    let id = UserId::new();
    sqlx::query!(
        "insert into users (tenant_id, id, email, name, role, partner_id, password_hash)
         values ($1, $2, $3, $4, $5, $6, $7)",
        user.tenant_id as TenantId,
        id as UserId,
        user.email,
        user.name,
        user.role as Role,
        user.partner_id as Option<PartnerId>,
        user.password_hash,
    )
    .execute(&mut **tx)
    .await?;
    Ok(id)
}

/// Deactivates the user and bumps the session version, so every token they hold stops working at once.
pub async fn deactivate(tx: &mut Tx, id: UserId) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update users set active = false, session_version = session_version + 1 where id = $1 and active",
        id as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn insert_invitation(
    tx: &mut Tx,
    tenant_id: TenantId,
    user_id: UserId,
    token_hash: &[u8],
    expires_at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into invitations (tenant_id, id, user_id, token_hash, expires_at) values ($1, $2, $3, $4, $5)",
        tenant_id as TenantId,
        InvitationId::new() as InvitationId,
        user_id as UserId,
        token_hash,
        expires_at,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

pub struct OpenInvitation {
    pub id: InvitationId,
    pub user_id: UserId,
    pub email: String,
    pub name: String,
}

/// The invitation with this token hash, if it is unused, unexpired and its user still active.
pub async fn open_invitation(tx: &mut Tx, token_hash: &[u8]) -> Result<Option<OpenInvitation>, sqlx::Error> {
    sqlx::query_as!(
        OpenInvitation,
        r#"select i.id as "id: InvitationId", u.id as "user_id: UserId", u.email, u.name from invitations i
             join users u on u.tenant_id = i.tenant_id and u.id = i.user_id
            where i.token_hash = $1 and i.accepted_at is null and i.expires_at > now() and u.active"#,
        token_hash,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn accept_invitation(
    tx: &mut Tx,
    invitation: &OpenInvitation,
    password_hash: &str,
) -> Result<(), sqlx::Error> {
    // The invited user is the actor of what follows, for the audit log.
    sqlx::query_scalar!("select set_config('app.user_id', $1, true)", invitation.user_id.to_string())
        .fetch_one(&mut **tx)
        .await?;
    sqlx::query!("update invitations set accepted_at = now() where id = $1", invitation.id as InvitationId)
        .execute(&mut **tx)
        .await?;
    // Earlier invitations of the same user are spent too: one password, one way in.
    sqlx::query!(
        "update invitations set accepted_at = now() where user_id = $1 and accepted_at is null",
        invitation.user_id as UserId,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!("update users set password_hash = $2 where id = $1", invitation.user_id as UserId, password_hash)
        .execute(&mut **tx)
        .await?;
    Ok(())
}

/// The time zone a user chose for themselves; `None` when they follow the program's.
pub async fn own_time_zone(tx: &mut Tx, id: UserId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("select time_zone from users where id = $1", id as UserId).fetch_one(&mut **tx).await
}

/// Sets (or, with `None`, clears) a user's own time zone.
pub async fn set_time_zone(tx: &mut Tx, id: UserId, zone: Option<&str>) -> Result<(), sqlx::Error> {
    sqlx::query!("update users set time_zone = $2 where id = $1", id as UserId, zone).execute(&mut **tx).await.map(drop)
}
