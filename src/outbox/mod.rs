//! The email outbox: every email is first a row here, written in the transaction of the change that caused it, so
//! an email exists exactly when its change happened. The mail job delivers them when SMTP is configured.

pub mod routes;
pub mod store;

use chrono::{DateTime, Utc};
use serde::Serialize;

use crate::ids::MailId;
pub use store::{enqueue, list};

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
