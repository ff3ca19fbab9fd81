//! Delivers the outbox by SMTP (lettre). A failed send is retried later with a growing delay.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::PgPool;

use crate::{db, outbox, tenants};

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
        let mut sent = 0;
        for tenant in tenants::store::ids(pool).await? {
            let mut tx = db::begin_tenant(pool, tenant, None).await?;
            for mail in outbox::store::claim_due(&mut tx, BATCH).await? {
                match self.send(&mail.to_address, &mail.subject, mail.body).await {
                    Ok(()) => {
                        outbox::store::mark_sent(&mut tx, mail.id).await?;
                        sent += 1;
                    }
                    Err(e) => {
                        let delay_minutes = 2_i32.saturating_pow(mail.attempts.clamp(0, 10) as u32);
                        outbox::store::mark_failed(&mut tx, mail.id, &e.to_string(), delay_minutes).await?;
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
