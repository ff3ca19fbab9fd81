//! The database: connecting (to `DATABASE_URL` or the embedded default), migrations, and tenant-scoped transactions.

pub mod embedded;
pub mod pages;
pub mod reads;
pub mod row;
pub mod sessions;
pub mod timestamp;

use std::borrow::Cow;
use std::str::FromStr;
use std::time::Duration;

use anyhow::Context;
use chrono::{DateTime, Utc};
use futures_util::TryStreamExt;
use sqlx::Either;
use sqlx::postgres::{PgConnectOptions, PgConnection, PgPoolOptions, PgRow};
use sqlx::{Connection, Executor, PgPool, Postgres, Row};

use crate::config::Config;
use embedded::{Durability, EmbeddedPg};
pub use pages::{PageCache, read_versioned};
pub use reads::ReadPool;
pub use sessions::SessionCache;

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
                conn.execute(reads::SESSION_SETUP).await?;
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
    begin_uncancelled(pool, sql).await
}

/// Begins a transaction with `sql`, to the end even when the request that asked is cancelled half way (its client
/// went away). sqlx counts a transaction only once the answer to BEGIN is read: a BEGIN cancelled in flight would put
/// its connection back into the pool inside a transaction that nobody ends, scoped to the cancelled request's tenant.
/// The spawned task always finishes, and dropping what it got rolls the transaction back.
async fn begin_uncancelled(pool: &PgPool, sql: String) -> Result<Tx, sqlx::Error> {
    let pool = pool.clone();
    tokio::spawn(async move { pool.begin_with(sqlx::AssertSqlSafe(sql)).await })
        .await
        .map_err(|_| sqlx::Error::WorkerCrashed)?
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
    pub tenant: uuid::Uuid,
    pub user: uuid::Uuid,
    pub session: uuid::Uuid,
    pub version: i32,
    pub agreement: bool,
}

impl SessionCheck {
    /// The check's arguments, for `app_open_session` (which scopes the implicit transaction of a simple query to the
    /// tenant and the user, then raises SQLSTATE 28000 when the session no longer holds, TRAGR when the agreement is
    /// pending). Only UUIDs, an integer and a boolean are interpolated.
    fn args(&self) -> String {
        let SessionCheck { tenant, user, session, version, agreement } = self;
        format!("('{tenant}', '{user}', '{session}', {version}, {agreement})")
    }
}

/// The check as a statement prepared on each connection, so that a request reading in one round trip has none of it
/// parsed or planned.
static OPEN_SESSION: Prepared = Prepared {
    name: Cow::Borrowed("app_session"),
    params: "uuid, uuid, uuid, integer, boolean",
    sql: Cow::Borrowed(OPEN_SESSION_SQL),
};
const OPEN_SESSION_SQL: &str = "select app_open_session($1, $2, $3, $4, $5)";

/// What a request whose session was checked lately sends instead of the check: the tenant and the user, for
/// row-level security and the audit log.
static SCOPE: Prepared = Prepared {
    name: Cow::Borrowed("app_scope"),
    params: "text, text",
    sql: Cow::Borrowed("select set_config('app.tenant_id', $1, true), set_config('app.user_id', $2, true)"),
};

fn refusal(e: &sqlx::Error) -> Option<SessionRefused> {
    match e {
        sqlx::Error::Database(e) if e.code().as_deref() == Some("28000") => Some(SessionRefused::Invalid),
        sqlx::Error::Database(e) if e.code().as_deref() == Some("TRAGR") => Some(SessionRefused::AgreementPending),
        _ => None,
    }
}

/// Opens the transaction of an authenticated request: scope it to the tenant and the user, check the session unless
/// `sessions` admits it, begin. One round trip, except for the first request of a session that can be remembered: its
/// check goes ahead on its own, to learn the session's expiry.
pub async fn begin_session(
    pool: &PgPool,
    sessions: &SessionCache,
    check: &SessionCheck,
) -> Result<Result<Tx, SessionRefused>, sqlx::Error> {
    if sessions.admits(check) {
        return begin_tenant(pool, check.tenant, Some(check.user)).await.map(Ok);
    }
    let Some(ticket) = sessions.ticket() else {
        // The check runs before BEGIN, in the implicit transaction of this simple query: when it fails, PostgreSQL
        // rolls that back and the connection is left clean; when it succeeds, BEGIN takes the settings into the
        // explicit transaction.
        let sql = format!("select app_open_session{}; begin", check.args());
        return match begin_uncancelled(pool, sql).await {
            Ok(tx) => Ok(Ok(tx)),
            Err(e) => refusal(&e).map(Err).ok_or(e),
        };
    };
    let SessionCheck { tenant, user, session, version, agreement } = *check;
    // An implicit transaction that ends with the check: a refused check leaves nothing open.
    let expires: Result<DateTime<Utc>, _> = sqlx::query_scalar(OPEN_SESSION_SQL)
        .bind(tenant)
        .bind(user)
        .bind(session)
        .bind(version)
        .bind(agreement)
        .fetch_one(pool)
        .await;
    match expires {
        Ok(expires) => sessions.remember(ticket, check, expires),
        Err(e) => return refusal(&e).map(Err).ok_or(e),
    }
    begin_tenant(pool, tenant, Some(user)).await.map(Ok)
}

/// A read-only statement that `read_once` runs by name: prepared on a connection the first time it runs there, with
/// the parameter types `params` (`"uuid, integer"`, or empty).
pub struct Prepared {
    pub name: Cow<'static, str>,
    pub params: &'static str,
    pub sql: Cow<'static, str>,
}

/// A parameter of a `Prepared` statement, written into the query as a literal: only kinds whose text cannot break out
/// of one.
#[derive(Debug, Clone, Copy)]
pub enum Arg {
    Uuid(uuid::Uuid),
    Int(i64),
    /// Text from the program itself (a status from a fixed list), never from a request.
    Const(&'static str),
    Null,
}

impl std::fmt::Display for Arg {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Arg::Uuid(u) => write!(f, "'{u}'"),
            Arg::Int(n) => write!(f, "{n}"),
            Arg::Const(s) => write!(f, "'{}'", s.replace('\'', "''")),
            Arg::Null => f.write_str("null"),
        }
    }
}

/// Serves a read-only request in one round trip: the session check (or, for a session `sessions` admits, only the
/// tenant's scope) and the `statements` travel in one simple query, in one implicit transaction that ends with it, so
/// there is no BEGIN and no ROLLBACK to wait for. Returns the rows of each statement, in order.
pub async fn read_once<const N: usize>(
    pool: &ReadPool,
    sessions: &SessionCache,
    check: &SessionCheck,
    statements: [(&Prepared, &[Arg]); N],
) -> Result<Result<[Vec<PgRow>; N], SessionRefused>, sqlx::Error> {
    match read_statements(pool, sessions, check, &statements).await? {
        Ok(results) => answers(results).map(Ok),
        Err(refused) => Ok(Err(refused)),
    }
}

/// The rows of each of `N` statements sent in one query.
pub(crate) fn answers<const N: usize>(results: Vec<Vec<PgRow>>) -> Result<[Vec<PgRow>; N], sqlx::Error> {
    let answered = results.len();
    results.try_into().map_err(|_| sqlx::Error::Protocol(format!("{N} statements sent, {answered} answered")))
}

/// `read_once` for any number of statements.
pub(crate) async fn read_statements(
    pool: &ReadPool,
    sessions: &SessionCache,
    check: &SessionCheck,
    statements: &[(&Prepared, &[Arg])],
) -> Result<Result<Vec<Vec<PgRow>>, SessionRefused>, sqlx::Error> {
    // A session checked lately only scopes the request; any other is checked first, and remembered when it passes.
    let checked = !sessions.admits(check);
    let ticket = if checked { sessions.ticket() } else { None };
    let mut sql = if checked {
        format!("execute {}{};", OPEN_SESSION.name, check.args())
    } else {
        format!("execute {}('{}', '{}');", SCOPE.name, check.tenant, check.user)
    };
    for (statement, args) in statements {
        sql.push_str(" execute ");
        sql.push_str(&statement.name);
        if !args.is_empty() {
            let args: Vec<String> = args.iter().map(ToString::to_string).collect();
            sql.push_str(&format!("({})", args.join(", ")));
        }
        sql.push(';');
    }
    let mut conn = pool.acquire().await?;
    let mut prepared = false;
    let answer = loop {
        match results_of(&mut conn, &sql).await {
            // SQLSTATE 26000: one of them is not prepared on this connection yet.
            Err(sqlx::Error::Database(e)) if !prepared && e.code().as_deref() == Some("26000") => {
                let existing: Vec<String> =
                    sqlx::query_scalar("select name from pg_prepared_statements").fetch_all(&mut *conn).await?;
                for statement in [&OPEN_SESSION, &SCOPE].into_iter().chain(statements.iter().map(|(s, _)| *s)) {
                    let Prepared { name, params, sql } = statement;
                    if !existing.iter().any(|e| e == name) {
                        let params = if params.is_empty() { String::new() } else { format!("({params})") };
                        conn.execute(sqlx::AssertSqlSafe(format!("prepare {name}{params} as {sql}"))).await?;
                    }
                }
                prepared = true;
            }
            answer => break answer,
        }
    };
    // PostgreSQL answered the query to its end, also when it refused it: the connection can serve the next read.
    // After any other error (the connection failed) it is dropped.
    if matches!(answer, Ok(_) | Err(sqlx::Error::Database(_))) {
        conn.release();
    }
    let mut results = match answer {
        Ok(results) => results.into_iter(),
        Err(e) => return refusal(&e).map(Err).ok_or(e),
    };
    // The check's (or the scope's) result comes first.
    let first = results.next();
    if let Some(ticket) = ticket {
        let expires = first.as_deref().and_then(|rows| rows.first()).map(|row| row.try_get(0)).transpose()?;
        if let Some(expires) = expires {
            sessions.remember(ticket, check, expires);
        }
    }
    Ok(Ok(results.collect()))
}

/// The first column of the first row, as a count: zero when there is no row.
pub fn count(rows: &[PgRow]) -> Result<i64, sqlx::Error> {
    rows.first().map(|r| r.try_get(0)).transpose().map(Option::unwrap_or_default)
}

/// The rows of each statement of a simple query.
async fn results_of(conn: &mut PgConnection, sql: &str) -> Result<Vec<Vec<PgRow>>, sqlx::Error> {
    let (mut results, mut rows) = (Vec::new(), Vec::new());
    let mut stream = sqlx::raw_sql(sqlx::AssertSqlSafe(sql.to_owned())).fetch_many(&mut *conn);
    while let Some(item) = stream.try_next().await? {
        match item {
            // A statement's rows come before its completion.
            Either::Left(_) => results.push(std::mem::take(&mut rows)),
            Either::Right(row) => rows.push(row),
        }
    }
    Ok(results)
}

/// Ends a transaction that only read. Dropping it queues a ROLLBACK that travels with the pool's own check of the
/// connection on release, which saves the request the round trip of a COMMIT.
pub fn finish_read(tx: Tx) {
    drop(tx);
}
