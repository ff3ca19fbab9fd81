//! Page data read lately, served again while the version of its scope has not moved.
//!
//! A partner's home, a CAM's home and queue and the registration lists are read again and again while nothing they
//! show changes. Every change to what a partner's or a CAM's pages read bumps that scope's version in the same
//! transaction (triggers of migration 0020: registrations, partners, people, onboarding items, and the tenant's deal
//! policy). A page read through `read_versioned` reads its scope's version first and its statements after, in one
//! round trip, and is kept with that version; the next request for the same page of the same tenant reads only the
//! version, again under the request's session check and row-level security, and is served the kept page when the
//! version has not moved. Since the version is read before the statements, a kept page is never older than its
//! version: the first change after it moves the version, whichever instance makes it.
//!
//! A page is kept under its tenant and the names and arguments of its statements, which name its scope, so a page is
//! only ever served to requests that would have read the same statements. The tenant's and the other scopes' pages
//! are read every time (`read_once`).

use std::any::Any;
use std::borrow::Cow;
use std::collections::HashMap;
use std::fmt::Write;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use sqlx::Row;
use sqlx::postgres::PgRow;
use uuid::Uuid;

use super::{Arg, Prepared, ReadPool, SessionCache, SessionCheck, SessionRefused, answers, read_statements};

/// How many pages are kept at most, and how much room their rows may take, about; past either, all are forgotten
/// (they are read again on their next request).
const CAPACITY: usize = 4_096;
const BUDGET: usize = 32 << 20;
/// The room a kept page is taken to need: a little for the page, more for each row it read (a line of a list, with
/// its text and what it became, takes well under this).
const PAGE_WEIGHT: usize = 1024;
const ROW_WEIGHT: usize = 768;

/// The version of a scope (the partner's or CAM's with the tenant's) and the database's date: pages that count days
/// (overdue onboarding items) are read again the next day.
static VERSION: Prepared = Prepared {
    name: Cow::Borrowed("app_scope_version"),
    params: "uuid, uuid",
    sql: Cow::Borrowed(
        "select coalesce(sum(v), 0)::bigint, current_date::text from scope_versions where scope_id in ($1, $2)",
    ),
};

#[derive(Debug, Clone, PartialEq, Eq)]
struct Version {
    n: i64,
    day: String,
}

impl Version {
    fn of(rows: &[PgRow]) -> Result<Version, sqlx::Error> {
        let row = rows.first().ok_or_else(|| sqlx::Error::Protocol("the scope's version has no row".into()))?;
        Ok(Version { n: row.try_get(0)?, day: row.try_get(1)? })
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
struct Key {
    tenant: Uuid,
    /// The statements' names and arguments.
    statements: String,
}

impl Key {
    fn new(tenant: Uuid, statements: &[(&Prepared, &[Arg])]) -> Key {
        let mut text = String::new();
        for (statement, args) in statements {
            let _ = write!(text, "{}(", statement.name);
            for arg in *args {
                let _ = write!(text, "{arg},");
            }
            text.push(')');
        }
        Key { tenant, statements: text }
    }
}

struct Entry {
    version: Version,
    data: Arc<dyn Any + Send + Sync>,
    weight: usize,
}

#[derive(Default)]
struct Kept {
    entries: HashMap<Key, Entry>,
    /// The weight of all entries.
    weight: usize,
}

#[derive(Default)]
struct Inner {
    kept: RwLock<Kept>,
    hits: AtomicU64,
    misses: AtomicU64,
}

/// The pages this instance keeps. Cheap to clone (one shared cache); a disabled cache keeps nothing.
#[derive(Clone)]
pub struct PageCache {
    inner: Arc<Inner>,
    enabled: bool,
}

impl PageCache {
    pub fn new(enabled: bool) -> PageCache {
        PageCache { inner: Arc::default(), enabled }
    }

    /// How many requests were served a kept page, and how many read their statements.
    pub fn stats(&self) -> (u64, u64) {
        (self.inner.hits.load(Ordering::Relaxed), self.inner.misses.load(Ordering::Relaxed))
    }

    /// How many pages are kept.
    pub fn len(&self) -> usize {
        self.inner.kept.read().unwrap_or_else(|e| e.into_inner()).entries.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    fn get(&self, key: &Key) -> Option<(Version, Arc<dyn Any + Send + Sync>)> {
        let kept = self.inner.kept.read().unwrap_or_else(|e| e.into_inner());
        kept.entries.get(key).map(|e| (e.version.clone(), e.data.clone()))
    }

    fn put(&self, key: Key, version: Version, data: Arc<dyn Any + Send + Sync>, weight: usize) {
        let mut kept = self.inner.kept.write().unwrap_or_else(|e| e.into_inner());
        // Of two reads of one page racing, the newer version stays.
        if let Some(e) = kept.entries.get(&key) {
            if e.version.day == version.day && e.version.n > version.n {
                return;
            }
        }
        if let Some(old) = kept.entries.remove(&key) {
            kept.weight -= old.weight;
        }
        if kept.entries.len() >= CAPACITY || kept.weight + weight > BUDGET {
            kept.entries.clear();
            kept.weight = 0;
        }
        if weight <= BUDGET {
            kept.weight += weight;
            kept.entries.insert(key, Entry { version, data, weight });
        }
    }
}

/// Reads a page of the scope `scope` (a partner or a CAM) like `read_once`, or serves it as kept when its version has
/// not moved since: one round trip either way, but for a page whose version moved (two). `decode` makes the page's
/// data from the rows of `statements`, in order. Without a scope (the tenant's pages), the page is read every time.
pub async fn read_versioned<T, E, const N: usize>(
    pool: &ReadPool,
    sessions: &SessionCache,
    cache: &PageCache,
    check: &SessionCheck,
    scope: Option<Uuid>,
    statements: [(&Prepared, &[Arg]); N],
    decode: impl FnOnce([Vec<PgRow>; N]) -> Result<T, E>,
) -> Result<Result<Arc<T>, SessionRefused>, E>
where
    T: Send + Sync + 'static,
    E: From<sqlx::Error>,
{
    let Some(scope) = scope.filter(|_| cache.enabled) else {
        return match super::read_once(pool, sessions, check, statements).await? {
            Ok(rows) => Ok(Ok(Arc::new(decode(rows)?))),
            Err(refused) => Ok(Err(refused)),
        };
    };
    let version_args = [Arg::Uuid(scope), Arg::Uuid(check.tenant)];
    let version = (&VERSION, &version_args[..]);
    let key = Key::new(check.tenant, &statements);
    if let Some((kept, data)) = cache.get(&key) {
        let rows = match read_statements(pool, sessions, check, &[version]).await? {
            Ok(rows) => rows,
            Err(refused) => return Ok(Err(refused)),
        };
        if Version::of(&rows[0])? == kept {
            if let Ok(data) = data.downcast::<T>() {
                cache.inner.hits.fetch_add(1, Ordering::Relaxed);
                return Ok(Ok(data));
            }
        }
    }
    let mut all = Vec::with_capacity(N + 1);
    all.push(version);
    all.extend(statements);
    let mut rows = match read_statements(pool, sessions, check, &all).await? {
        Ok(rows) => rows.into_iter(),
        Err(refused) => return Ok(Err(refused)),
    };
    let read = Version::of(&rows.next().unwrap_or_default())?;
    let rows: Vec<Vec<PgRow>> = rows.collect();
    let weight = PAGE_WEIGHT + ROW_WEIGHT * rows.iter().map(Vec::len).sum::<usize>();
    let data = Arc::new(decode(answers(rows)?)?);
    cache.inner.misses.fetch_add(1, Ordering::Relaxed);
    cache.put(key, read, data.clone(), weight);
    Ok(Ok(data))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn version(n: i64) -> Version {
        Version { n, day: "2026-12-02".into() }
    }

    fn key(tenant: Uuid, scope: Uuid) -> Key {
        static PAGE: Prepared = Prepared { name: Cow::Borrowed("page"), params: "uuid", sql: Cow::Borrowed("") };
        Key::new(tenant, &[(&PAGE, &[Arg::Uuid(scope), Arg::Int(50)])])
    }

    #[test]
    fn a_page_is_kept_under_its_tenant_and_its_statements_arguments() {
        let (t1, t2, a, b) = (Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4(), Uuid::new_v4());
        assert_ne!(key(t1, a), key(t2, a), "another tenant");
        assert_ne!(key(t1, a), key(t1, b), "another scope");
        assert_eq!(key(t1, a), key(t1, a));
        let cache = PageCache::new(true);
        cache.put(key(t1, a), version(3), Arc::new("a"), 1);
        assert!(cache.get(&key(t1, b)).is_none());
        assert!(cache.get(&key(t2, a)).is_none());
        assert_eq!(cache.get(&key(t1, a)).unwrap().0, version(3));
    }

    #[test]
    fn of_two_racing_reads_the_newer_version_is_kept() {
        let cache = PageCache::new(true);
        let k = key(Uuid::new_v4(), Uuid::new_v4());
        cache.put(k.clone(), version(5), Arc::new(5), 1);
        cache.put(k.clone(), version(4), Arc::new(4), 1);
        assert_eq!(cache.get(&k).unwrap().0, version(5));
        cache.put(k.clone(), version(6), Arc::new(6), 1);
        assert_eq!(cache.get(&k).unwrap().0, version(6));
        // A new day replaces whatever was kept.
        cache.put(k.clone(), Version { n: 1, day: "2026-12-03".into() }, Arc::new(1), 1);
        assert_eq!(cache.get(&k).unwrap().0.n, 1);
    }

    #[test]
    fn the_cache_forgets_everything_rather_than_grow_past_its_capacity() {
        let cache = PageCache::new(true);
        let tenant = Uuid::new_v4();
        for _ in 0..CAPACITY {
            cache.put(key(tenant, Uuid::new_v4()), version(1), Arc::new(()), 1);
        }
        assert_eq!(cache.len(), CAPACITY);
        let last = key(tenant, Uuid::new_v4());
        cache.put(last.clone(), version(1), Arc::new(()), 1);
        assert_eq!(cache.len(), 1);
        assert!(cache.get(&last).is_some());
    }

    #[test]
    fn the_cache_forgets_everything_rather_than_grow_past_its_budget_and_never_keeps_a_page_larger_than_it() {
        let cache = PageCache::new(true);
        let tenant = Uuid::new_v4();
        let quarter = BUDGET / 4;
        for _ in 0..4 {
            cache.put(key(tenant, Uuid::new_v4()), version(1), Arc::new(()), quarter);
        }
        assert_eq!(cache.len(), 4);
        // The same page again replaces its own weight.
        let k = key(tenant, Uuid::new_v4());
        cache.put(k.clone(), version(1), Arc::new(()), 1);
        assert_eq!(cache.len(), 1, "over the budget: all forgotten");
        cache.put(k.clone(), version(2), Arc::new(()), quarter);
        cache.put(k.clone(), version(3), Arc::new(()), quarter);
        assert_eq!(cache.len(), 1);
        assert_eq!(cache.inner.kept.read().unwrap().weight, quarter);
        cache.put(key(tenant, Uuid::new_v4()), version(1), Arc::new(()), BUDGET + 1);
        assert!(cache.is_empty());
    }
}
