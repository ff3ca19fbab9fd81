//! The email outbox: every email is first a row here, written in the transaction of the change that caused it, so
//! an email exists exactly when its change happened. The mail job delivers them when SMTP is configured.

pub mod routes;
pub mod store;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ids::MailId;
pub use store::{enqueue, list};

/// A moment as the owner of `address` reads it ("9 Mar 2026, 08:05 CST"): emails show times in their reader's zone.
pub async fn time_for(tx: &mut crate::db::Tx, address: &str, t: DateTime<Utc>) -> Result<String, sqlx::Error> {
    let zone = crate::web::format::zone(&store::reader_zone(tx, address).await?).unwrap_or(chrono_tz::Tz::UTC);
    Ok(crate::web::format::in_zone(zone, || crate::web::format::datetime(t)))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutboxItem {
    pub id: MailId,
    pub to: String,
    pub subject: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
    pub sent_at: Option<DateTime<Utc>>,
    pub attempts: i32,
    pub last_error: Option<String>,
}
