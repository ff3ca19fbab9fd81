//! Background work in the same binary. Each job claims its rows with `FOR UPDATE SKIP LOCKED`, so several server
//! instances can run side by side without doing anything twice.

pub mod mail;

use std::time::Duration;

use tokio_util::sync::CancellationToken;

use crate::AppState;

/// Starts the periodic jobs; they stop when `shutdown` is cancelled.
pub fn spawn(state: AppState, smtp_url: Option<String>, shutdown: CancellationToken) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mailer = match smtp_url.as_deref().map(mail::Mailer::new).transpose() {
            Ok(m) => m,
            Err(e) => {
                tracing::error!(error = %e, "TRIBUTARY_SMTP_URL is not usable; mail stays in the outbox");
                None
            }
        };
        let mut tick = tokio::time::interval(Duration::from_secs(5));
        let mut rounds: u64 = 0;
        loop {
            tokio::select! {
                _ = shutdown.cancelled() => break,
                _ = tick.tick() => {}
            }
            if let Some(mailer) = &mailer {
                if let Err(e) = mailer.deliver_due(&state.pool).await {
                    tracing::warn!(error = %e, "mail delivery round failed");
                }
            }
            if rounds % 12 == 0 {
                if let Err(e) = expire_deals(&state).await {
                    tracing::warn!(error = %e, "deal expiry round failed");
                }
                if let Err(e) = mdf_deadlines(&state).await {
                    tracing::warn!(error = %e, "MDF deadline round failed");
                }
                if let Err(e) = tier_standing(&state).await {
                    tracing::warn!(error = %e, "tier evaluation round failed");
                }
                if let Err(e) = capability_due(&state).await {
                    tracing::warn!(error = %e, "capability due-notice round failed");
                }
            }
            if rounds % 720 == 0 {
                if let Err(e) = crate::auth::login::prune_failures(&state.pool).await {
                    tracing::warn!(error = %e, "pruning sign-in failures failed");
                }
                if let Err(e) = crate::recruitment::store::prune_submissions(&state.pool).await {
                    tracing::warn!(error = %e, "pruning public submissions failed");
                }
            }
            rounds += 1;
        }
    })
}

/// Expires approved registrations past their window and sends reminders, tenant by tenant.
pub async fn expire_deals(state: &AppState) -> anyhow::Result<(usize, usize)> {
    let tenants = crate::tenants::store::ids(&state.pool).await?;
    let (mut expired, mut reminded) = (0, 0);
    for tenant in tenants {
        let mut tx = crate::db::begin_tenant(&state.pool, tenant, None).await?;
        // A window ends with its last day in the program's zone.
        let today = crate::program::store::today(&mut tx).await?;
        let (e, r) = crate::deals::expire_and_remind(&mut tx, tenant, &state.base_url, today)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        tx.commit().await?;
        expired += e;
        reminded += r;
    }
    Ok((expired, reminded))
}

/// Expires MDF requests past their claim deadline (releasing the reservation) and warns of coming ones, tenant by
/// tenant (`mdf::run_deadlines`).
pub async fn mdf_deadlines(state: &AppState) -> anyhow::Result<(usize, usize)> {
    let tenants = crate::tenants::store::ids(&state.pool).await?;
    let (mut expired, mut warned) = (0, 0);
    for tenant in tenants {
        let mut tx = crate::db::begin_tenant(&state.pool, tenant, None).await?;
        let today = crate::program::store::today(&mut tx).await?;
        let (e, w) = crate::mdf::run_deadlines(&mut tx, tenant, today).await.map_err(|e| anyhow::anyhow!("{e}"))?;
        tx.commit().await?;
        expired += e;
        warned += w;
    }
    Ok((expired, warned))
}

/// Evaluates the partners due today (their tier standing and life-stage), tenant by tenant, in batches claimed with
/// `FOR UPDATE SKIP LOCKED` (`tiers::run_due`).
pub async fn tier_standing(state: &AppState) -> anyhow::Result<usize> {
    let tenants = crate::tenants::store::ids(&state.pool).await?;
    let mut evaluated = 0;
    for tenant in tenants {
        let mut tx = crate::db::begin_tenant(&state.pool, tenant, None).await?;
        let today = crate::program::store::today(&mut tx).await?;
        tx.commit().await?;
        let done = crate::tiers::run_due(&state.pool, tenant, today, &state.base_url)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        evaluated += done.len();
    }
    Ok(evaluated)
}

/// Tells the admins of partners with no capability assessment this half year that one is due, once per partner and
/// half year, tenant by tenant (`capability::send_due_notices`, claimed with `FOR UPDATE SKIP LOCKED`).
pub async fn capability_due(state: &AppState) -> anyhow::Result<usize> {
    let tenants = crate::tenants::store::ids(&state.pool).await?;
    let mut told = 0;
    for tenant in tenants {
        let mut tx = crate::db::begin_tenant(&state.pool, tenant, None).await?;
        let today = crate::program::store::today(&mut tx).await?;
        told += crate::capability::send_due_notices(&mut tx, tenant, &state.base_url, today)
            .await
            .map_err(|e| anyhow::anyhow!("{e}"))?;
        tx.commit().await?;
    }
    Ok(told)
}
