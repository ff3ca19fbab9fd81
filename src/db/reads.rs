//! Connections for the one-round-trip reads (`read_once`), put back without another round trip.
//!
//! sqlx's pool tests every connection it gets back with a round trip of its own (a Sync and its ReadyForQuery), in
//! case the request that held it was cancelled half way through a query. For a page read in one simple query that
//! doubled the round trips to PostgreSQL: on the partner home it was about a seventh of the machine's work. Here a
//! connection goes back only when its query was read to the end (`ReadConn::release`); one dropped before that (the
//! request was cancelled, or the connection failed) is closed instead, so none is ever reused mid-query.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgConnection};
use sqlx::{ConnectOptions, Executor, PgPool};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

/// What every runtime connection runs first: the runtime role, and generic plans (see `runtime_pool`).
pub const SESSION_SETUP: &str = "set role tributary_app; set plan_cache_mode = force_generic_plan";

/// As many connections as the pool they are made like, opened when first needed.
#[derive(Clone)]
pub struct ReadPool {
    inner: Arc<Inner>,
}

struct Inner {
    options: Arc<PgConnectOptions>,
    idle: Mutex<Vec<PgConnection>>,
    permits: Arc<Semaphore>,
    timeout: Duration,
}

impl ReadPool {
    /// Connections like those of `pool` (same database, user and settings), as many as it may hold.
    pub fn like(pool: &PgPool) -> ReadPool {
        let options = pool.options();
        ReadPool {
            inner: Arc::new(Inner {
                options: pool.connect_options(),
                idle: Mutex::new(Vec::new()),
                permits: Arc::new(Semaphore::new(options.get_max_connections() as usize)),
                timeout: options.get_acquire_timeout(),
            }),
        }
    }

    /// An idle connection, or a new one when none is idle and fewer than the maximum are open.
    pub async fn acquire(&self) -> Result<ReadConn, sqlx::Error> {
        let permit = tokio::time::timeout(self.inner.timeout, self.inner.permits.clone().acquire_owned())
            .await
            .map_err(|_| sqlx::Error::PoolTimedOut)?
            .map_err(|_| sqlx::Error::PoolClosed)?;
        let idle = self.inner.idle.lock().unwrap_or_else(|e| e.into_inner()).pop();
        let conn = match idle {
            Some(conn) => conn,
            None => {
                let mut conn = self.inner.options.connect().await?;
                conn.execute(SESSION_SETUP).await?;
                conn
            }
        };
        Ok(ReadConn { conn: Some(conn), pool: self.inner.clone(), _permit: permit })
    }

    /// How many connections wait idle.
    pub fn idle(&self) -> usize {
        self.inner.idle.lock().unwrap_or_else(|e| e.into_inner()).len()
    }
}

/// A connection of a `ReadPool`; dropped unless it was released, which closes its socket, since it may be in the
/// middle of a query.
pub struct ReadConn {
    conn: Option<PgConnection>,
    pool: Arc<Inner>,
    _permit: OwnedSemaphorePermit,
}

impl ReadConn {
    /// Puts the connection back for the next read. Only for a connection whose last query was read to its end
    /// (PostgreSQL answered ReadyForQuery), whether it succeeded or PostgreSQL refused it.
    pub fn release(mut self) {
        if let Some(conn) = self.conn.take() {
            self.pool.idle.lock().unwrap_or_else(|e| e.into_inner()).push(conn);
        }
    }
}

impl std::ops::Deref for ReadConn {
    type Target = PgConnection;
    fn deref(&self) -> &PgConnection {
        self.conn.as_ref().expect("a connection until released")
    }
}

impl std::ops::DerefMut for ReadConn {
    fn deref_mut(&mut self) -> &mut PgConnection {
        self.conn.as_mut().expect("a connection until released")
    }
}
