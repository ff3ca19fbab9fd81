//! The partner agreement: the tenant keeps versioned texts (the highest version is current); a partner admin accepts
//! the current version for the organisation before its people may use the portal (the gate is in the session check,
//! see `auth`); each acceptance records who, when and which version.

pub mod api;
pub mod pages;
pub mod store;

use crate::auth::{CurrentUser, Role};
use crate::db::Tx;
use crate::error::{Error, FieldErrors};
pub use store::{Acceptance, Agreement, acceptance, acceptance_counts, current};

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
    store::insert_acceptance(tx, user.tenant_id, partner, current.version, user.id).await?;
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
    Ok(store::insert_version(tx, user.tenant_id, body, user.id).await?)
}
