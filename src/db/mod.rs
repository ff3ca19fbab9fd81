//! The database: connecting (to `DATABASE_URL` or the embedded default), migrations, and tenant-scoped transactions.

pub mod embedded;

use std::str::FromStr;
use std::sync::LazyLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, PgPool, Postgres};

use crate::config::Config;
use crate::ids::{SessionId, TenantId, UserId};
use embedded::{Durability, EmbeddedPg};

pub type Tx = sqlx::Transaction<'static, Postgres>;

/// The role every pooled connection switches to: neither superuser nor BYPASSRLS (created by the first migration).
pub const RUNTIME_ROLE: &str = "tributary_app";

pub static MIGRATOR: sqlx::migrate::Migrator = sqlx::migrate!("./migrations");

/// A connected database; keeps the embedded cluster alive for as long as it lives.
pub struct Database {
    pub pool: PgPool,
    pub owner_options: PgConnectOptions,
    embedded: Option<EmbeddedPg>,
}

impl Database {
    /// Connects to `DATABASE_URL`, or starts the embedded cluster in `$TRIBUTARY_DATA_DIR/pg`, then migrates.
    pub async fn open(config: &Config) -> anyhow::Result<Database> {
        let (owner_options, embedded) = match &config.database_url {
            Some(url) => (PgConnectOptions::from_str(url).context("DATABASE_URL is not a PostgreSQL URL")?, None),
            None => {
                let pg = EmbeddedPg::start(&config.data_dir.join("pg"), Durability::Durable).await?;
                (pg.ensure_database("tributary").await?, Some(pg))
            }
        };
        migrate(&owner_options).await?;
        let pool = runtime_pool(&owner_options, config.db_pool).await?;
        // Keys derived by the server's rules, which a migration cannot compute.
        crate::deals::rekey_names(&pool).await.map_err(|e| anyhow::anyhow!("rewriting customer name keys: {e}"))?;
        Ok(Database { pool, owner_options, embedded })
    }

    /// Closes the pool and stops the embedded cluster, if any.
    pub async fn close(mut self) {
        self.pool.close().await;
        if let Some(mut pg) = self.embedded.take() {
            tokio::task::spawn_blocking(move || pg.stop()).await.ok();
        }
    }
}

/// Runs the migrations as the connecting user, who owns the tables.
pub async fn migrate(owner_options: &PgConnectOptions) -> anyhow::Result<()> {
    let mut conn = sqlx::PgConnection::connect_with(owner_options).await.context("cannot connect to PostgreSQL")?;
    // Migrations of several processes at once (instances starting together) take turns.
    MIGRATOR.run(&mut conn).await.context("database migration failed")?;
    conn.close().await?;
    Ok(())
}

/// A pool whose connections all run as the runtime role, whatever user the URL names.
pub async fn runtime_pool(owner_options: &PgConnectOptions, max: u32) -> anyhow::Result<PgPool> {
    let pool = PgPoolOptions::new()
        .max_connections(max)
        .min_connections(1)
        .acquire_timeout(Duration::from_secs(10))
        // sqlx already tests every connection when it is released; a second test on acquire would cost each request
        // a round trip. Connections that sat idle while the server restarted are caught instead: once one is found
        // dead, every connection opened before that is let go and replaced.
        .test_before_acquire(false)
        .before_acquire(|_conn, meta| Box::pin(async move { Ok(!opened_before_last_fault(meta.age)) }))
        .after_connect(|conn, _meta| {
            Box::pin(async move {
                sqlx::query!("set role tributary_app").execute(&mut *conn).await?;
                Ok(())
            })
        })
        .connect_with(owner_options.clone())
        .await
        .context("cannot connect to PostgreSQL")?;
    Ok(pool)
}

/// Begins a transaction scoped to `tenant` (and, for the audit log, to the acting user) in one round trip: the
/// tenant is transaction-local, so a pooled connection can never carry it into another request.
pub async fn begin_tenant(pool: &PgPool, tenant: TenantId, actor: Option<UserId>) -> Result<Tx, sqlx::Error> {
    // One simple query (no parameters in that protocol): only UUIDs, hex digits and dashes, are written into it.
    let actor = actor.map(|a| a.to_string()).unwrap_or_default();
    let sql = format!(
        "begin; select set_config('app.tenant_id', '{tenant}', true), set_config('app.user_id', '{actor}', true)"
    );
    begin_uncancelled(pool, sql).await
}

/// Begins a transaction outside any tenant, for the few tables that are not tenant data (sign-in attempts).
pub async fn begin(pool: &PgPool) -> Result<Tx, sqlx::Error> {
    begin_uncancelled(pool, "begin".into()).await
}

/// Begins a transaction with `sql`, to the end even when the request that asked is cancelled half way (its client
/// went away). sqlx counts a transaction only once the answer to BEGIN is read: a BEGIN cancelled in flight would put
/// its connection back into the pool inside a transaction that nobody ends, scoped to the cancelled request's tenant.
/// The spawned task always finishes, and dropping what it got rolls the transaction back.
///
/// A pooled connection found dead (the database restarted while it sat idle) is tried once more on a fresh one: the
/// statement only scopes and checks, so nothing was applied.
async fn begin_uncancelled(pool: &PgPool, sql: String) -> Result<Tx, sqlx::Error> {
    let pool = pool.clone();
    // `sql` is the statement of `begin_tenant` or `begin_session`, written from ids, an integer and a boolean only.
    let sql: std::sync::Arc<str> = sql.into();
    tokio::spawn(async move {
        match pool.begin_with(sqlx::AssertSqlSafe(sql.clone())).await {
            Err(e) if is_dead_connection(&e) => {
                note_fault();
                tracing::info!(error = %e, "a pooled connection was dead; trying a fresh one");
                pool.begin_with(sqlx::AssertSqlSafe(sql)).await
            }
            other => other,
        }
    })
    .await
    .map_err(|_| sqlx::Error::WorkerCrashed)?
}

/// Whether `e` says the connection is gone (closed, reset, or ended by the server: SQLSTATE class 08, or 57P01-57P03
/// for an administrator's shutdown, a crash, or a server that is starting up).
pub fn is_dead_connection(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => {
            db.code().is_some_and(|c| c.starts_with("08") || matches!(c.as_ref(), "57P01" | "57P02" | "57P03"))
        }
        _ => false,
    }
}

/// Whether `e` is the database being out of reach for a moment rather than a fault of the request: a dead
/// connection, no connection to be had in time, or too many connections. Such requests answer 503 with Retry-After.
pub fn is_outage(e: &sqlx::Error) -> bool {
    is_dead_connection(e)
        || matches!(e, sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed)
        || matches!(e, sqlx::Error::Database(db) if db.code().as_deref() == Some("53300"))
}

static EPOCH: LazyLock<Instant> = LazyLock::new(Instant::now);
/// When a pooled connection was last found dead, in nanoseconds after `EPOCH` plus one; 0 for never. One value for the
/// process: a restart of the database kills every pool's idle connections alike.
static LAST_FAULT: AtomicU64 = AtomicU64::new(0);

fn note_fault() {
    let since = EPOCH.elapsed().as_nanos() as u64;
    LAST_FAULT.fetch_max(since + 1, Ordering::Relaxed);
}

/// Whether a connection `age` old was opened before the last dead connection was found, and may be dead too.
fn opened_before_last_fault(age: Duration) -> bool {
    match LAST_FAULT.load(Ordering::Relaxed) {
        0 => false,
        at => {
            let fault_age = EPOCH.elapsed().saturating_sub(Duration::from_nanos(at - 1));
            age > fault_age
        }
    }
}

/// Why an authenticated request may not open its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionRefused {
    /// Signed out, expired, deactivated or the session version bumped.
    Invalid,
    /// A partner person whose organisation has not accepted the current partner agreement.
    AgreementPending,
}

/// What the database checks before it serves an authenticated request: that the session still holds and, with
/// `agreement`, that the user's partner has accepted the current partner agreement.
#[derive(Debug, Clone, Copy)]
pub struct SessionCheck {
    pub tenant: TenantId,
    pub user: UserId,
    pub session: SessionId,
    pub version: i32,
    pub agreement: bool,
}

fn refusal(e: &sqlx::Error) -> Option<SessionRefused> {
    match e {
        sqlx::Error::Database(e) if e.code().as_deref() == Some("28000") => Some(SessionRefused::Invalid),
        sqlx::Error::Database(e) if e.code().as_deref() == Some("TRAGR") => Some(SessionRefused::AgreementPending),
        _ => None,
    }
}

/// Opens the transaction of an authenticated request in one round trip: `app_open_session` scopes it to the tenant
/// and the user and checks the session (SQLSTATE 28000 when it no longer holds, TRAGR when the partner agreement is
/// pending), then BEGIN takes those settings into the explicit transaction. When the check fails, PostgreSQL rolls
/// its implicit transaction back and the connection is left clean.
pub async fn begin_session(pool: &PgPool, check: &SessionCheck) -> Result<Result<Tx, SessionRefused>, sqlx::Error> {
    let SessionCheck { tenant, user, session, version, agreement } = check;
    // One simple query, so that the check costs no round trip of its own; the simple protocol takes no parameters,
    // and only ids (UUIDs), an integer and a boolean are written into it.
    let sql = format!("select app_open_session('{tenant}', '{user}', '{session}', {version}, {agreement}); begin");
    match begin_uncancelled(pool, sql).await {
        Ok(tx) => Ok(Ok(tx)),
        Err(e) => refusal(&e).map(Err).ok_or(e),
    }
}

/// Runs a write (an expression awaiting a `Result` that uses the transaction `$tx`) under a savepoint: when it fails,
/// what it wrote is undone and the transaction stays usable, so a form that failed validation (or a rule) re-renders
/// in the same transaction with the user's input beside the messages, and a failed request changes nothing.
/// Evaluates to the write's result; fails with the database's error if the savepoint itself does.
macro_rules! attempt {
    ($tx:expr, $write:expr) => {{
        $crate::db::savepoint(&mut $tx).await?;
        let result = $write.await;
        if result.is_err() {
            $crate::db::roll_back_to_savepoint(&mut $tx).await?;
        }
        result
    }};
}
pub(crate) use attempt;

/// The savepoint of `attempt!`.
pub async fn savepoint(tx: &mut Tx) -> Result<(), sqlx::Error> {
    sqlx::query!("savepoint attempt").execute(&mut **tx).await.map(drop)
}

/// Undoes what was written since the savepoint of `attempt!`.
pub async fn roll_back_to_savepoint(tx: &mut Tx) -> Result<(), sqlx::Error> {
    sqlx::query!("rollback to savepoint attempt").execute(&mut **tx).await.map(drop)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn connections_opened_before_a_dead_one_was_found_are_let_go_and_later_ones_kept() {
        note_fault();
        std::thread::sleep(Duration::from_millis(5));
        assert!(opened_before_last_fault(Duration::from_secs(60)), "opened a minute ago");
        assert!(!opened_before_last_fault(Duration::from_millis(1)), "opened just now");
    }

    #[test]
    fn lost_connections_and_a_database_out_of_reach_are_outages() {
        let reset = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        assert!(is_dead_connection(&reset) && is_outage(&reset));
        assert!(is_outage(&sqlx::Error::PoolTimedOut) && !is_dead_connection(&sqlx::Error::PoolTimedOut));
        assert!(!is_outage(&sqlx::Error::RowNotFound));
        assert!(!is_outage(&sqlx::Error::Protocol("unexpected message".into())));
    }
}
