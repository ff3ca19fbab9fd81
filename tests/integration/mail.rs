//! Mail delivery from the outbox over SMTP (lettre), against a small SMTP server run by the test.

use std::sync::{Arc, Mutex};

use serde_json::json;
use tokio::io::{AsyncBufReadExt, AsyncWriteExt, BufReader};
use tokio::net::TcpListener;

use crate::support::*;

/// A minimal SMTP server that accepts every message and keeps what it received.
pub(crate) async fn smtp_sink() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        loop {
            let Ok((socket, _)) = listener.accept().await else { return };
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = socket.into_split();
                let mut lines = BufReader::new(read).lines();
                write.write_all(b"220 sink ESMTP\r\n").await.unwrap();
                let mut data = String::new();
                let mut in_data = false;
                while let Ok(Some(line)) = lines.next_line().await {
                    if in_data {
                        if line == "." {
                            in_data = false;
                            store.lock().unwrap().push(std::mem::take(&mut data));
                            write.write_all(b"250 OK queued\r\n").await.unwrap();
                        } else {
                            data.push_str(&line);
                            data.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or("").to_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 sink\r\n",
                        "DATA" => {
                            in_data = true;
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            write.write_all(b"221 bye\r\n").await.unwrap();
                            return;
                        }
                        _ => b"250 OK\r\n",
                    };
                    write.write_all(reply).await.unwrap();
                }
            });
        }
    });
    (format!("smtp://127.0.0.1:{port}"), received)
}

#[tokio::test]
async fn queued_mail_is_delivered_by_smtp_and_marked_sent_once() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    app.post_json(
        "/api/v1/users",
        Some(&admin),
        json!({"email": "new@example.com", "name": "New Person", "role": "cam"}),
    )
    .await;
    let (url, received) = smtp_sink().await;
    let mailer = tributary::jobs::mail::Mailer::new(&url).unwrap();
    assert_eq!(mailer.deliver_due(&app.pool).await.unwrap(), 1);
    {
        let got = received.lock().unwrap();
        assert_eq!(got.len(), 1);
        assert!(got[0].contains("To: new@example.com"), "{}", got[0]);
        assert!(got[0].contains("/invitations/"));
    }
    // Nothing is sent twice.
    assert_eq!(mailer.deliver_due(&app.pool).await.unwrap(), 0);
    let outbox = app.get("/api/v1/outbox", Some(&admin)).await.json();
    assert!(outbox["items"][0]["sent_at"].is_string());
}

#[tokio::test]
async fn a_failed_delivery_stays_queued_with_the_error_for_a_later_retry() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    app.post_json("/api/v1/users", Some(&admin), json!({"email": "later@example.com", "name": "Later", "role": "cam"}))
        .await;
    // Nothing listens on this port.
    let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
    let mailer = tributary::jobs::mail::Mailer::new(&format!("smtp://127.0.0.1:{port}")).unwrap();
    assert_eq!(mailer.deliver_due(&app.pool).await.unwrap(), 0);
    let outbox = app.get("/api/v1/outbox", Some(&admin)).await.json();
    let item = &outbox["items"][0];
    assert!(item["sent_at"].is_null());
    assert_eq!(item["attempts"], 1);
    assert!(item["last_error"].is_string());
}

#[tokio::test]
async fn an_email_carries_an_html_part_with_the_tenants_name_and_a_link_to_its_item() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    app.post_json("/api/v1/users", Some(&admin), json!({"email": "html@example.com", "name": "Hana", "role": "cam"}))
        .await;
    let (url, received) = smtp_sink().await;
    let mailer = tributary::jobs::mail::Mailer::new(&url).unwrap();
    assert_eq!(mailer.deliver_due(&app.pool).await.unwrap(), 1);
    let got = received.lock().unwrap();
    let message = &got[0];
    assert!(message.contains("multipart/alternative"), "{message}");
    assert!(message.contains("Content-Type: text/plain"), "{message}");
    assert!(message.contains("Content-Type: text/html"), "{message}");
    // The HTML part names the tenant and links straight to the invitation; it loads nothing from elsewhere.
    // Quoted-printable, undone: soft line breaks and the escaped equals sign.
    let html = message[message.find("Content-Type: text/html").unwrap()..].replace("=\n", "").replace("=3D", "=");
    assert!(html.contains("Acme Corp"), "{html}");
    assert!(html.contains(r#"<a href="http://127.0.0.1:8080/invitations/"#), "{html}");
    assert!(!html.contains("<img") && !html.contains("src="), "{html}");
}
