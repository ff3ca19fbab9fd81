//! Tenants: the vendors running a partner program on this server. Created from the command line.

pub mod store;

use sqlx::PgPool;

use crate::auth::{Role, password};
use crate::db;
use crate::error::{Error, FieldErrors};
use crate::ids::TenantId;
use crate::users::store::{self as users_store, NewUser};
use crate::validate;

pub struct NewTenant {
    pub slug: String,
    pub name: String,
    pub admin_email: String,
    pub admin_name: String,
    pub admin_password: String,
}

pub fn is_slug(s: &str) -> bool {
    let bytes = s.as_bytes();
    !bytes.is_empty()
        && bytes.len() <= 40
        && bytes.iter().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || *b == b'-')
        && bytes[0] != b'-'
        && bytes[bytes.len() - 1] != b'-'
}

/// Creates the tenant and its first program admin in one transaction. Returns the tenant id.
pub async fn create(pool: &PgPool, input: NewTenant) -> Result<TenantId, Error> {
    let mut errors = FieldErrors::new();
    let slug = input.slug.trim().to_lowercase();
    if !is_slug(&slug) {
        errors.add("slug", "Use 1-40 lowercase letters, digits and dashes, not starting or ending with a dash.");
    }
    let name = validate::text(&mut errors, "name", &input.name, 200);
    let email = validate::email(&mut errors, "admin_email", &input.admin_email);
    if let Some(problem) = password::problems(&input.admin_password) {
        errors.add("password", problem);
    }
    errors.into_result()?;
    let hash = password::hash(input.admin_password).await?;
    let tenant_id = TenantId::new();
    // One transaction, scoped to the tenant about to exist: tenant and admin appear together or not at all.
    let mut tx = db::begin_tenant(pool, tenant_id, None).await?;
    if let Err(e) = store::insert(&mut tx, tenant_id, &slug, &name).await {
        return Err(if crate::error::violates(&e, "tenants_slug_key") {
            Error::invalid("slug", format!("A tenant with the slug {slug:?} already exists."))
        } else {
            e.into()
        });
    }
    let admin = NewUser {
        tenant_id,
        email: &email,
        name: if input.admin_name.trim().is_empty() { "Program admin" } else { input.admin_name.trim() },
        role: Role::ProgramAdmin,
        partner_id: None,
        password_hash: Some(hash),
    };
    users_store::insert(&mut tx, admin).await?;
    tx.commit().await?;
    Ok(tenant_id)
}
