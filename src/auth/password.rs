//! Password hashing with argon2id, always off the async threads, and never more hashes at once than `Hashing`
//! allows: each takes about 19 MiB and a core for a while, so unbounded they would let one client take the machine.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString, rand_core::OsRng};
use tokio::sync::Semaphore;

use crate::error::Error;

pub const MIN_LENGTH: usize = 10;
pub const MAX_LENGTH: usize = 200;

/// The bound on hashes running at once, shared by every request of a server (it lives in the app state).
#[derive(Debug)]
pub struct Hashing {
    slots: Arc<Semaphore>,
    limit: usize,
    /// How long a request waits for a slot before it is answered 503.
    wait: Duration,
    running: Arc<AtomicUsize>,
    peak: Arc<AtomicUsize>,
}

/// Seconds a client is asked to wait when every hashing slot stayed taken.
pub const RETRY_AFTER_BUSY: u64 = 2;

impl Hashing {
    pub fn new(limit: usize, wait: Duration) -> Hashing {
        let limit = limit.max(1);
        Hashing {
            slots: Arc::new(Semaphore::new(limit)),
            limit,
            wait,
            running: Arc::new(AtomicUsize::new(0)),
            peak: Arc::new(AtomicUsize::new(0)),
        }
    }

    /// Two hashes per core (one per core leaves a core idle while another waits for its memory), waiting up to 2 s.
    pub fn for_this_machine() -> Hashing {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        Hashing::new(2 * cores, Duration::from_secs(2))
    }

    pub fn limit(&self) -> usize {
        self.limit
    }

    /// The most hashes that have run at once so far.
    pub fn peak(&self) -> usize {
        self.peak.load(Ordering::Relaxed)
    }

    /// Hashes `password` with argon2id (default parameters).
    pub async fn hash(&self, password: String) -> Result<String, Error> {
        Ok(self.run(move || hash_blocking(&password)).await??)
    }

    /// Checks `password` against `stored`, as `verify` does.
    pub async fn verify(&self, password: String, stored: Option<String>) -> Result<bool, Error> {
        self.run(move || verify_blocking(&password, stored.as_deref())).await
    }

    /// Runs `work` on the blocking pool once a slot is free; `Unavailable` when none frees up in time. The slot goes
    /// with the work, so a request that gives up (its client went away) frees it only when the hash is done.
    async fn run<T: Send + 'static>(&self, work: impl FnOnce() -> T + Send + 'static) -> Result<T, Error> {
        let slot = tokio::time::timeout(self.wait, self.slots.clone().acquire_owned())
            .await
            .map_err(|_| Error::Unavailable { retry_after: RETRY_AFTER_BUSY })?
            .map_err(|e| Error::Internal(e.into()))?;
        let (running, peak) = (self.running.clone(), self.peak.clone());
        tokio::task::spawn_blocking(move || {
            let now = running.fetch_add(1, Ordering::SeqCst) + 1;
            peak.fetch_max(now, Ordering::SeqCst);
            let out = work();
            running.fetch_sub(1, Ordering::SeqCst);
            drop(slot);
            out
        })
        .await
        .map_err(|e| Error::Internal(e.into()))
    }
}

/// Hashes `password` with argon2id (default parameters) on the blocking pool, outside any bound: for the command
/// line and setup, not for requests.
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
    tokio::task::spawn_blocking(move || verify_blocking(&password, stored.as_deref())).await.unwrap_or(false)
}

fn verify_blocking(password: &str, stored: Option<&str>) -> bool {
    let (hash, real) = match stored {
        Some(h) => (h, true),
        None => (dummy_hash(), false),
    };
    let ok = PasswordHash::new(hash)
        .map(|parsed| Argon2::default().verify_password(password.as_bytes(), &parsed).is_ok())
        .unwrap_or(false);
    ok && real
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

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn no_more_hashes_run_at_once_than_the_limit_and_the_overflow_is_told_to_come_back() {
        let hashing = Arc::new(Hashing::new(2, Duration::from_millis(30)));
        let tasks: Vec<_> = (0..12)
            .map(|_| {
                let h = hashing.clone();
                tokio::spawn(async move { h.verify("guess".into(), None).await })
            })
            .collect();
        let mut busy = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(verified) => assert!(!verified, "a dummy hash never matches"),
                Err(Error::Unavailable { retry_after }) => {
                    assert_eq!(retry_after, RETRY_AFTER_BUSY);
                    busy += 1;
                }
                Err(e) => panic!("unexpected {e:?}"),
            }
        }
        assert!(hashing.peak() >= 1 && hashing.peak() <= 2, "peak {}", hashing.peak());
        assert!(busy > 0, "12 hashes of tens of milliseconds cannot all start within 30 ms on 2 slots");
    }

    #[tokio::test]
    async fn a_hash_made_under_the_bound_verifies() {
        let hashing = Hashing::new(1, Duration::from_secs(5));
        let stored = hashing.hash("correct horse".into()).await.unwrap();
        assert!(hashing.verify("correct horse".into(), Some(stored.clone())).await.unwrap());
        assert!(!hashing.verify("wrong horse".into(), Some(stored)).await.unwrap());
    }
}
