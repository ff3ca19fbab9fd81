//! The partner agreement: the tenant keeps versioned texts (the highest version is current); a partner admin accepts
//! the current version for the organisation before its people may use the portal (the gate is in the session check,
//! see `auth`); each acceptance records who, when and which version.

pub mod api;
pub mod pages;

use chrono::{DateTime, Utc};
use uuid::Uuid;

use crate::auth::{CurrentUser, Role};
use crate::db::Tx;
use crate::error::{Error, FieldErrors};

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Agreement {
    pub version: i32,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[derive(Debug, Clone, sqlx::FromRow)]
pub struct Acceptance {
    pub version: i32,
    pub user_name: String,
    pub accepted_at: DateTime<Utc>,
}

pub async fn current(tx: &mut Tx) -> Result<Option<Agreement>, sqlx::Error> {
    sqlx::query_as("select version, body, created_at from agreements order by version desc limit 1")
        .fetch_optional(&mut **tx)
        .await
}

/// The partner's acceptance of `version`, if any.
pub async fn acceptance(tx: &mut Tx, partner: Uuid, version: i32) -> Result<Option<Acceptance>, sqlx::Error> {
    sqlx::query_as(
        "select a.version, u.name as user_name, a.accepted_at
           from agreement_acceptances a join users u on u.tenant_id = a.tenant_id and u.id = a.user_id
          where a.partner_id = $1 and a.version = $2",
    )
    .bind(partner)
    .bind(version)
    .fetch_optional(&mut **tx)
    .await
}

/// Accepts `version` for the user's organisation. Only partner admins may; the version must be the current one (409
/// otherwise, so nobody accepts a text they did not read). Accepting again answers the first acceptance.
pub async fn accept(tx: &mut Tx, user: &CurrentUser, version: Option<i64>) -> Result<Acceptance, Error> {
    let partner =
        user.partner_id.ok_or_else(|| Error::Forbidden("Only partner admins accept the agreement.".into()))?;
    if user.role != Role::PartnerAdmin {
        return Err(Error::Forbidden("Only a partner admin may accept the agreement for your organisation.".into()));
    }
    let current = current(tx).await?.ok_or(Error::NotFound)?;
    let Some(version) = version else {
        return Err(Error::invalid("version", "Send the version of the agreement you accept."));
    };
    if version != i64::from(current.version) {
        return Err(Error::Conflict(format!(
            "Version {version} is not the current agreement; read and accept version {}.",
            current.version
        )));
    }
    if let Some(existing) = acceptance(tx, partner, current.version).await? {
        return Ok(existing);
    }
    sqlx::query("insert into agreement_acceptances (tenant_id, partner_id, version, user_id) values ($1, $2, $3, $4)")
        .bind(user.tenant_id)
        .bind(partner)
        .bind(current.version)
        .bind(user.id)
        .execute(&mut **tx)
        .await?;
    acceptance(tx, partner, current.version).await?.ok_or(Error::NotFound)
}

/// Publishes a new version; every partner must accept it again.
pub async fn publish(tx: &mut Tx, user: &CurrentUser, body: &str) -> Result<i32, Error> {
    let mut errors = FieldErrors::new();
    let body = body.trim();
    if body.is_empty() {
        errors.add("body", "Write the agreement text.");
    } else if body.chars().count() > 100_000 {
        errors.add("body", "Use at most 100,000 characters.");
    }
    if current(tx).await?.is_some_and(|c| c.body.trim() == body) {
        errors.add("body", "The text is unchanged; edit it before publishing a new version.");
    }
    errors.into_result()?;
    // Every partner's people are held at the new version, on this instance at once.
    let version: i32 = sqlx::query_scalar(
        "insert into agreements (tenant_id, version, body, created_by)
         values ($1, coalesce((select max(version) from agreements), 0) + 1, $2, $3) returning version",
    )
    .bind(user.tenant_id)
    .bind(body)
    .bind(user.id)
    .fetch_one(&mut **tx)
    .await?;
    Ok(version)
}

/// How many partners have accepted the current version, of how many.
pub async fn acceptance_counts(tx: &mut Tx) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "select count(a.id), count(*) from partners p
           left join agreement_acceptances a on a.tenant_id = p.tenant_id and a.partner_id = p.id
                 and a.version = (select max(version) from agreements)",
    )
    .fetch_one(&mut **tx)
    .await
}
