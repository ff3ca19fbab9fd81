//! Invitations: a one-time link by email with which an invited user sets their password. The token names its
//! tenant (so the lookup runs inside that tenant's row-level security) and only its SHA-256 is stored.

use chrono::{Duration, Utc};
use rand::RngCore;
use sha2::{Digest, Sha256};

use super::store;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::db::{self, Tx};
use crate::error::{Error, FieldErrors};
use crate::ids::{TenantId, UserId};
use crate::outbox;
pub use crate::tenants::store::current_slug as tenant_slug;

pub const VALID_DAYS: i64 = 7;

/// Creates an invitation for `user_id`, queues the email, and returns the link.
pub async fn invite(
    tx: &mut Tx,
    actor: &CurrentUser,
    user_id: UserId,
    email: &str,
    name: &str,
    base_url: &str,
) -> Result<String, Error> {
    let mut secret = [0u8; 24];
    rand::thread_rng().fill_bytes(&mut secret);
    let token = format!("{}{}", actor.tenant_id.0.simple(), hex::encode(secret));
    let expires = Utc::now() + Duration::days(VALID_DAYS);
    store::insert_invitation(tx, actor.tenant_id, user_id, &hash(&token), expires).await?;
    let link = format!("{base_url}/invitations/{token}");
    let until = outbox::time_for(tx, email, expires).await?;
    let subject = format!("{} invited you to {} on Tributary", actor.name, actor.tenant_name);
    let body = format!(
        "Hello {name},\n\n{} has invited you to the {} partner portal on Tributary.\n\n\
         Set your password here (the link works once and expires in {VALID_DAYS} days, on {until}):\n{link}\n\n\
         Your sign-in: workspace \"{}\" and this email address.\n",
        actor.name,
        actor.tenant_name,
        tenant_slug(tx).await?,
    );
    outbox::enqueue(tx, actor.tenant_id, email, &subject, &body).await?;
    Ok(link)
}

pub fn hash(token: &str) -> Vec<u8> {
    Sha256::digest(token.as_bytes()).to_vec()
}

/// The tenant a token belongs to, when it is well-formed.
pub fn tenant_of(token: &str) -> Option<TenantId> {
    if token.len() != 80 || !token.bytes().all(|b| b.is_ascii_hexdigit()) {
        return None;
    }
    token[..32].parse().ok()
}

/// Who an open invitation is for, and the tenant's slug for signing in afterwards.
pub struct Invitee {
    pub email: String,
    pub name: String,
    pub tenant_slug: String,
}

/// Looks up an open invitation; `NotFound` for unknown, used or expired tokens.
pub async fn find(pool: &sqlx::PgPool, token: &str) -> Result<Invitee, Error> {
    let tenant = tenant_of(token).ok_or(Error::NotFound)?;
    let mut tx = db::begin_tenant(pool, tenant, None).await?;
    let open = store::open_invitation(&mut tx, &hash(token)).await?.ok_or(Error::NotFound)?;
    let tenant_slug = tenant_slug(&mut tx).await?;
    tx.commit().await?;
    Ok(Invitee { email: open.email, name: open.name, tenant_slug })
}

/// Sets the invited user's password and spends the invitation.
pub async fn accept(state: &AppState, token: &str, password: String) -> Result<Invitee, Error> {
    let tenant = tenant_of(token).ok_or(Error::NotFound)?;
    let mut tx = db::begin_tenant(&state.pool, tenant, None).await?;
    let open = store::open_invitation(&mut tx, &hash(token)).await?.ok_or(Error::NotFound)?;
    let mut errors = FieldErrors::new();
    if let Some(problem) = crate::auth::password::problems(&password) {
        errors.add("password", problem);
    }
    errors.into_result()?;
    let hashed = state.hashing.hash(password).await?;
    store::accept_invitation(&mut tx, &open, &hashed).await?;
    let tenant_slug = tenant_slug(&mut tx).await?;
    tx.commit().await?;
    Ok(Invitee { email: open.email, name: open.name, tenant_slug })
}
