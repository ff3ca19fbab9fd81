//! Delivers the outbox by SMTP (lettre). A failed send is retried later with a growing delay. Each email goes as
//! multipart/alternative: the plain text it was written as, and an HTML part beside it (askama, no remote images)
//! that carries the tenant's name and makes its addresses links.

use askama::Template;
use lettre::message::{Mailbox, MultiPart};
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
            let tenant_name = outbox::store::tenant_name(&mut tx).await?;
            for mail in outbox::store::claim_due(&mut tx, BATCH).await? {
                match self.send(&tenant_name, &mail.to_address, &mail.subject, mail.body).await {
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

    async fn send(&self, tenant_name: &str, to: &str, subject: &str, body: String) -> anyhow::Result<()> {
        let html = html_part(tenant_name, subject, &body)?;
        let message = Message::builder()
            .from(self.from.clone())
            .to(to.parse()?)
            .subject(subject)
            .multipart(MultiPart::alternative_plain_html(body, html))?;
        self.transport.send(message).await?;
        Ok(())
    }
}

/// A run of an email's text, a link when it is a web address.
pub struct Piece {
    pub text: String,
    pub href: Option<String>,
}

#[derive(Template)]
#[template(path = "email/message.html")]
struct HtmlMessage<'a> {
    tenant_name: &'a str,
    subject: &'a str,
    /// Paragraphs of lines of pieces.
    paragraphs: Vec<Vec<Vec<Piece>>>,
}

/// The HTML part of an email whose plain text is `body`: its paragraphs and lines kept, its web addresses links.
pub fn html_part(tenant_name: &str, subject: &str, body: &str) -> anyhow::Result<String> {
    let paragraphs =
        body.split("\n\n").filter(|p| !p.trim().is_empty()).map(|p| p.lines().map(pieces).collect()).collect();
    Ok(HtmlMessage { tenant_name, subject, paragraphs }.render()?)
}

/// A line cut into text and links (http and https addresses only; a trailing full stop or comma stays text).
fn pieces(line: &str) -> Vec<Piece> {
    let mut out = Vec::new();
    let mut text = String::new();
    for (i, word) in line.split(' ').enumerate() {
        if i > 0 {
            text.push(' ');
        }
        let trimmed = word.trim_end_matches(['.', ',', ')', ';']);
        if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
            out.push(Piece { text: std::mem::take(&mut text), href: None });
            out.push(Piece { text: trimmed.to_string(), href: Some(trimmed.to_string()) });
            text.push_str(&word[trimmed.len()..]);
        } else {
            text.push_str(word);
        }
    }
    out.push(Piece { text, href: None });
    out.retain(|p| !p.text.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_html_part_keeps_the_text_links_addresses_and_names_the_tenant() {
        let html = html_part(
            "Acme <Cloud>",
            "Deal approved",
            "Hello Ann,\n\nYour deal is approved. See it: https://prm.example.com/deals/42.\nThanks\n",
        )
        .unwrap();
        assert!(html.contains("Acme &#60;Cloud&#62;") || html.contains("Acme &lt;Cloud&gt;"), "escaped: {html}");
        assert!(html.contains(r#"<a href="https://prm.example.com/deals/42""#), "{html}");
        assert!(html.contains("</a>.<br>Thanks"), "the full stop stays text: {html}");
        assert!(!html.contains("<img"), "no images, remote or not");
    }

    #[test]
    fn only_web_addresses_become_links() {
        let p = pieces("javascript:alert(1) and /relative and https://x.test/a");
        let links: Vec<_> = p.iter().filter_map(|p| p.href.as_deref()).collect();
        assert_eq!(links, ["https://x.test/a"]);
    }
}
