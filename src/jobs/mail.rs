//! Delivers the outbox by SMTP (lettre). A failed send is retried later with a growing delay.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;
use uuid::Uuid;

use crate::db;

pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

const BATCH: i64 = 20;

impl Mailer {
    pub fn new(url: &str) -> anyhow::Result<Mailer> {
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?.build();
        let from = "Tributary <no-reply@tributary.local>".parse()?;
        Ok(Mailer { transport, from })
    }

    /// Sends what is due in every tenant; returns how many went out.
    pub async fn deliver_due(&self, pool: &PgPool) -> anyhow::Result<usize> {
        let tenants: Vec<Uuid> = sqlx::query_scalar("select id from tenants").fetch_all(pool).await?;
        let mut sent = 0;
        for tenant in tenants {
            let mut tx = db::begin_tenant(pool, tenant, None).await?;
            let due: Vec<(Uuid, String, String, String, i32)> = sqlx::query_as(
                "select id, to_address, subject, body, attempts from outbox
                  where sent_at is null and next_attempt_at <= now()
                  order by created_at limit $1 for update skip locked",
            )
            .bind(BATCH)
            .fetch_all(&mut *tx)
            .await?;
            for (id, to, subject, body, attempts) in due {
                match self.send(&to, &subject, body).await {
                    Ok(()) => {
                        sqlx::query("update outbox set sent_at = now(), attempts = attempts + 1, last_error = null where id = $1")
                            .bind(id)
                            .execute(&mut *tx)
                            .await?;
                        sent += 1;
                    }
                    Err(e) => {
                        let delay_minutes = 2_i32.saturating_pow(attempts.clamp(0, 10) as u32);
                        sqlx::query(
                            "update outbox set attempts = attempts + 1, last_error = $2,
                                    next_attempt_at = now() + make_interval(mins => $3) where id = $1",
                        )
                        .bind(id)
                        .bind(e.to_string())
                        .bind(delay_minutes)
                        .execute(&mut *tx)
                        .await?;
                    }
                }
            }
            tx.commit().await?;
        }
        Ok(sent)
    }

    async fn send(&self, to: &str, subject: &str, body: String) -> anyhow::Result<()> {
        let message = Message::builder().from(self.from.clone()).to(to.parse()?).subject(subject).body(body)?;
        self.transport.send(message).await?;
        Ok(())
    }
}
