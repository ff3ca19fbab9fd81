//! The database: connecting (to `DATABASE_URL` or the embedded default), migrations, and tenant-scoped transactions.

pub mod embedded;

use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use sqlx::postgres::{PgConnectOptions, PgPoolOptions};
use sqlx::{Connection, Executor, PgPool, Postgres};

use crate::config::Config;
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
        let pool = runtime_pool(&owner_options, 16).await?;
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
        // a round trip.
        .test_before_acquire(false)
        .after_connect(|conn, _meta| {
            // Generic plans: every statement is prepared per scope and filter shape, so its generic plan fits; left to
            // itself, PostgreSQL keeps re-planning statements whose generic estimate looks worse (a CAM's partner set
            // in an array), which cost the queue and the homes more than executing them.
            Box::pin(async move {
                conn.execute("set role tributary_app; set plan_cache_mode = force_generic_plan").await?;
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
pub async fn begin_tenant(pool: &PgPool, tenant: uuid::Uuid, actor: Option<uuid::Uuid>) -> Result<Tx, sqlx::Error> {
    // Only UUIDs (hex digits and dashes) are interpolated, which keeps this single simple-protocol round trip safe.
    let actor = actor.map(|a| a.to_string()).unwrap_or_default();
    let sql = format!(
        "begin; select set_config('app.tenant_id', '{tenant}', true), set_config('app.user_id', '{actor}', true)"
    );
    pool.begin_with(sqlx::AssertSqlSafe(sql)).await
}

/// Why an authenticated request may not open its transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SessionRefused {
    /// Signed out, expired, deactivated or the session version bumped.
    Invalid,
    /// A partner person whose organisation has not accepted the current partner agreement.
    AgreementPending,
}

/// Opens the transaction of an authenticated request in one round trip: begin, scope it to the tenant and the user,
/// and check that the session still holds (`app_check_session` raises SQLSTATE 28000 when it does not) and, with
/// `agreement`, that the user's partner has accepted the current agreement (SQLSTATE TRAGR).
pub async fn begin_session(
    pool: &PgPool,
    tenant: uuid::Uuid,
    user: uuid::Uuid,
    session: uuid::Uuid,
    version: i32,
    agreement: bool,
) -> Result<Result<Tx, SessionRefused>, sqlx::Error> {
    // Only UUIDs, an integer and a boolean are interpolated. The check runs before BEGIN, in the implicit transaction
    // of this simple query: when it fails, PostgreSQL rolls that back and the connection is left clean; when it
    // succeeds, BEGIN takes the settings into the explicit transaction.
    let sql = format!(
        "select set_config('app.tenant_id', '{tenant}', true), set_config('app.user_id', '{user}', true);
         select app_check_session('{user}', '{session}', {version}, {agreement});
         begin"
    );
    match pool.begin_with(sqlx::AssertSqlSafe(sql)).await {
        Ok(tx) => Ok(Ok(tx)),
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("28000") => Ok(Err(SessionRefused::Invalid)),
        Err(sqlx::Error::Database(e)) if e.code().as_deref() == Some("TRAGR") => {
            Ok(Err(SessionRefused::AgreementPending))
        }
        Err(e) => Err(e),
    }
}

/// Ends a transaction that only read. Dropping it queues a ROLLBACK that travels with the pool's own check of the
/// connection on release, which saves the request the round trip of a COMMIT.
pub fn finish_read(tx: Tx) {
    drop(tx);
}
