//! Password hashing with argon2id, always off the async threads.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use std::sync::OnceLock;

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 200;

/// Hashes `password` with argon2id (default parameters) on the blocking pool.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
}

pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| anyhow::anyhow!("hashing failed: {e}"))
}

/// Checks `password` against `stored`. Without a stored hash (unknown user, or invitation not yet accepted), it is
/// checked against a dummy hash so that the answer takes as long either way.
pub async fn verify(password: String, stored: Option<String>) -> bool {
    tokio::task::spawn_blocking(move || {
        let (hash, real) = match stored.as_deref() {
            Some(h) => (h, true),
            None => (dummy_hash(), false),
        };
        let ok = PasswordHash::new(hash)
            .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
            .unwrap_or(false);
        ok && real
    })
    .await
    .unwrap_or(false)
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| hash_blocking("dummy password, never matches").unwrap_or_default())
}

/// Field messages for a new password, empty when acceptable.
pub fn problems(password: &str) -> Option<String> {
    let n = password.chars().count();
    if n < MIN_LENGTH {
        Some(format!("Use at least {MIN_LENGTH} characters."))
    } else if n > MAX_LENGTH {
        Some(format!("Use at most {MAX_LENGTH} characters."))
    } else {
        None
    }
}
