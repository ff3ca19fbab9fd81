//! Signing in and out: credential check, throttling, session rows and token issue. Used by the API and the pages.

use std::net::IpAddr;

use chrono::{Duration, Utc};

use uuid::Uuid;

use super::token::{Claims, LIFETIME_HOURS};
use super::{Role, client, store, throttle};
use crate::db;
use crate::error::{Error, FieldErrors};
use crate::ids::{PartnerId, SessionId, TenantId, UserId};
use crate::{AppState, tenants};

pub use super::store::prune_failures;

#[derive(Debug, Default, Clone)]
pub struct Credentials {
    pub tenant: String,
    pub email: String,
    pub password: String,
}

#[derive(Debug, Clone)]
pub struct SignedIn {
    pub token: String,
    pub user_id: UserId,
    pub email: String,
    pub role: Role,
    pub partner_id: Option<PartnerId>,
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

/// Checks the credentials and opens a session. Wrong credentials of any kind answer the same `Unauthorized`.
///
/// The attempt is recorded under the account's and the address's keys before the password is checked, with the keys
/// locked from the count to the record: of any number of attempts made at once, only as many as the limits leave get
/// to the password check, and the rest are refused without it. An attempt that could not be checked (busy, database
/// away) takes its record back; one that succeeds clears the account's.
pub async fn sign_in(state: &AppState, creds: Credentials, ip: Option<IpAddr>) -> Result<SignedIn, Error> {
    creds.validate()?;
    let slug = creds.tenant.trim().to_lowercase();
    let email = creds.email.trim().to_lowercase();
    let account_key = format!("account:{slug}:{email}");
    let address_key = format!("address:{}", client::address_key(ip));
    let keys = [account_key.clone(), address_key.clone()];

    let attempt = Uuid::new_v4();
    let mut tx = db::begin(&state.pool).await?;
    store::lock_keys(&mut tx, &keys).await?;
    let recent = store::recent_failures(&mut tx, &keys, throttle::WINDOW_MINUTES as i32).await?;
    let failures = |key: &str| recent.iter().find(|(k, _)| k == key).map(|(_, f)| *f);
    if let Some(retry_after) = throttle::retry_after(failures(&account_key), failures(&address_key), Utc::now()) {
        return Err(Error::TooManyRequests { retry_after });
    }
    store::record_attempt(&mut tx, attempt, &keys).await?;
    tx.commit().await?;

    let (tenant, user) = match check_password(state, &slug, &email, creds.password).await {
        Ok(Some(found)) => found,
        // Wrong: the record stays as a failure.
        Ok(None) => return Err(Error::Unauthorized),
        Err(e) => {
            if let Err(forget) = store::forget_attempt(&state.pool, attempt, &keys).await {
                tracing::warn!(error = %forget, "a sign-in attempt that was not checked stays counted");
            }
            return Err(e);
        }
    };

    store::clear_failures(&state.pool, &account_key, attempt, &keys).await?;
    let session_id = SessionId::new();
    let now = Utc::now();
    let expires = now + Duration::hours(LIFETIME_HOURS);
    let mut tx = db::begin_tenant(&state.pool, tenant, Some(user.id)).await?;
    store::insert_session(&mut tx, tenant, session_id, user.id, expires).await?;
    tx.commit().await?;
    let token = state.keys.issue(&Claims {
        sub: user.id,
        tid: tenant,
        sid: session_id,
        role: user.role,
        pid: user.partner_id,
        sv: user.session_version,
        name: user.name,
        email: email.clone(),
        tn: user.tenant_name,
        iat: now.timestamp(),
        exp: expires.timestamp(),
    })?;
    Ok(SignedIn { token, user_id: user.id, email, role: user.role, partner_id: user.partner_id })
}

/// The active user of the workspace `slug` with this email, when `password` is theirs. Unknown workspaces and users
/// are checked against a dummy hash, so that the answer takes as long either way.
async fn check_password(
    state: &AppState,
    slug: &str,
    email: &str,
    password: String,
) -> Result<Option<(TenantId, store::UserLogin)>, Error> {
    let tenant = tenants::store::id_by_slug(&state.pool, slug).await?;
    let user = match tenant {
        Some(tenant) => {
            let mut tx = db::begin_tenant(&state.pool, tenant, None).await?;
            let user = store::user_login(&mut tx, email).await?;
            tx.commit().await?;
            user
        }
        None => None,
    };
    let user = user.filter(|u| u.active);
    let stored_hash = user.as_ref().and_then(|u| u.password_hash.clone());
    let verified = state.hashing.verify(password, stored_hash).await?;
    Ok(tenant.zip(user).filter(|_| verified))
}

/// Revokes the session behind the current token (at once for this instance, for the others when it commits).
pub async fn sign_out(tx: &mut db::Tx, session_id: SessionId) -> Result<(), Error> {
    store::revoke_session(tx, session_id).await?;
    Ok(())
}
