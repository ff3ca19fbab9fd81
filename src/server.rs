//! Running the server: database (embedded or `DATABASE_URL`), optional demo data, HTTP with graceful shutdown, and
//! the background jobs.

use std::net::SocketAddr;

use anyhow::Context;
use tokio_util::sync::CancellationToken;

use crate::config::Config;
use crate::db::Database;
use crate::{AppState, app, demo, jobs, tenants};

pub async fn serve(config: Config, with_demo: bool) -> anyhow::Result<()> {
    let database = open_database(&config).await?;
    if with_demo && !tenants::store::any(&database.pool).await? {
        demo::load(&database.pool).await?;
        tracing::info!("demo data loaded: sign in to workspace \"demo\" as admin@demo.test / demo-password");
    }
    let listener = tokio::net::TcpListener::bind(config.listen)
        .await
        .with_context(|| format!("cannot listen on {}", config.listen))?;
    let addr = listener.local_addr()?;
    let base_url = config.base_url.clone().unwrap_or_else(|| format!("http://{addr}"));
    let state = AppState::new(database.pool.clone(), &config, base_url);
    let shutdown = CancellationToken::new();
    let jobs = jobs::spawn(state.clone(), config.smtp_url.clone(), shutdown.clone());
    tracing::info!("listening on http://{addr}");
    let stop = shutdown.clone();
    axum::serve(listener, app(state).into_make_service_with_connect_info::<SocketAddr>())
        .with_graceful_shutdown(async move {
            shutdown_signal().await;
            tracing::info!("shutting down");
            stop.cancel();
        })
        .await?;
    shutdown.cancel();
    let _ = jobs.await;
    database.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// Opens the database, saying what it does: starting a private cluster takes a few seconds the first time.
pub async fn open_database(config: &Config) -> anyhow::Result<Database> {
    if config.database_url.is_none() {
        tracing::info!("starting embedded PostgreSQL in {}", config.data_dir.join("pg").display());
    }
    let database = Database::open(config).await?;
    tracing::info!("database ready and migrated");
    Ok(database)
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = ctrl_c => {},
        _ = terminate => {},
    }
}
