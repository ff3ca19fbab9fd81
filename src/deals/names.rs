//! The conflict check's name search: each tenant's customer names (`deal_names`), indexed by trigram in this
//! process's memory and brought up to date from the database inside the transaction that searches.
//!
//! Rows of `deal_names` are only added, each stamped with the id of the transaction that added it. A search first
//! reads the names stamped at or after the tenant's horizon: the oldest transaction that was still running when the
//! names were last read (`pg_snapshot_xmin`). Everything older had finished by then, so its names were read then;
//! anything newer, or still running then, is read again. The search therefore sees every name its own statement's
//! snapshot sees, as a database search would, whichever instance added them.

use std::collections::HashMap;
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
    index: RwLock<Indexed>,
}

#[derive(Default)]
struct Indexed {
    names: NameIndex,
    /// Every name added by a transaction older than this is in `names`.
    horizon: i64,
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
        entry.loaded.get_or_try_init(|| catch_up(&entry, tx)).await?;
        catch_up(&entry, tx).await?;
        let index = entry.index.read().unwrap_or_else(|e| e.into_inner());
        Ok(index.names.similar(normalized, threshold, MAX_NAMES).into_iter().map(|(n, _)| n.to_owned()).collect())
    }
}

/// Reads the names added at or after the tenant's horizon and moves the horizon on.
async fn catch_up(entry: &Tenant, tx: &mut Tx) -> Result<(), sqlx::Error> {
    let from = entry.index.read().unwrap_or_else(|e| e.into_inner()).horizon;
    let (horizon, added): (i64, Vec<String>) = sqlx::query_as(
        "select pg_snapshot_xmin(pg_current_snapshot())::text::bigint,
                array(select name from deal_names where xid >= $1)",
    )
    .bind(from)
    .fetch_one(&mut **tx)
    .await?;
    let mut index = entry.index.write().unwrap_or_else(|e| e.into_inner());
    for name in &added {
        index.names.add(name);
    }
    if added.len() > 1000 {
        index.names.shrink();
    }
    // Everything older than `horizon` had finished when these names were read, and names from `from` on were read:
    // whatever another search has moved the horizon to meanwhile, the larger one holds.
    index.horizon = index.horizon.max(horizon);
    Ok(())
}
