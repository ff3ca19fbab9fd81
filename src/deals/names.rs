//! The conflict check's name search: each tenant's customer names (`deal_names`), indexed by trigram in this
//! process's memory and brought up to date from the database inside the transaction that searches.
//!
//! Rows of `deal_names` are only added, each stamped with the id of the transaction that added it. A search first
//! reads the names stamped at or after the tenant's horizon: the oldest transaction that was still running when the
//! names were last read (`pg_snapshot_xmin`). Everything older had finished by then, so its names were read then;
//! anything newer, or still running then, is read again. The search therefore sees every name its own statement's
//! snapshot sees, as a database search would, whichever instance added them.

use std::collections::HashMap;
use std::sync::atomic::{AtomicI64, Ordering};
use std::sync::{Arc, Mutex, RwLock};

use tokio::sync::OnceCell;
use uuid::Uuid;

use crate::db::Tx;
use crate::rules::name_index::NameIndex;

/// At most this many similar names are looked up among the open registrations.
pub const MAX_NAMES: usize = 1000;

#[derive(Default)]
pub struct Names {
    tenants: Mutex<HashMap<Uuid, Arc<Tenant>>>,
}

#[derive(Default)]
struct Tenant {
    loaded: OnceCell<()>,
    names: RwLock<NameIndex>,
    /// Every name added by a transaction older than this is in `names`. Outside the lock, so that a search that
    /// finds no new names never waits for other searches reading the index.
    horizon: AtomicI64,
}

impl Names {
    fn tenant(&self, tenant: Uuid) -> Arc<Tenant> {
        self.tenants.lock().unwrap_or_else(|e| e.into_inner()).entry(tenant).or_default().clone()
    }

    /// The tenant's normalised names whose similarity to `normalized` reaches `threshold`, most similar first, as of
    /// the transaction's next statement.
    pub async fn similar(
        &self,
        tx: &mut Tx,
        tenant: Uuid,
        normalized: &str,
        threshold: f64,
    ) -> Result<Vec<String>, sqlx::Error> {
        let entry = self.tenant(tenant);
        // The first search of a tenant reads all of its names; searches arriving meanwhile wait for that one.
        let mut loaded_now = false;
        entry
            .loaded
            .get_or_try_init(|| {
                loaded_now = true;
                catch_up(&entry, tx)
            })
            .await?;
        if !loaded_now {
            catch_up(&entry, tx).await?;
        }
        let index = entry.names.read().unwrap_or_else(|e| e.into_inner());
        Ok(index.similar(normalized, threshold, MAX_NAMES).into_iter().map(|(n, _)| n.to_owned()).collect())
    }
}

/// Reads the names added at or after the tenant's horizon and moves the horizon on.
async fn catch_up(entry: &Tenant, tx: &mut Tx) -> Result<(), sqlx::Error> {
    let from = entry.horizon.load(Ordering::Acquire);
    let (horizon, added): (i64, Vec<String>) = sqlx::query_as(
        "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint,
                array(select name from deal_names where xid >= $1)",
    )
    .bind(from)
    .fetch_one(&mut **tx)
    .await?;
    if !added.is_empty() {
        let mut names = entry.names.write().unwrap_or_else(|e| e.into_inner());
        for name in &added {
            names.add(name);
        }
        if added.len() > 1000 {
            names.shrink();
        }
    }
    // Everything older than `horizon` had finished when these names were read, and names from `from` on were read
    // (and are in the index before the horizon moves): whatever another search has moved it to meanwhile, the larger
    // one holds.
    entry.horizon.fetch_max(horizon, Ordering::AcqRel);
    Ok(())
}
