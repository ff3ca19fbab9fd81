//! Deal registration: registering, the conflict check, the workflow and its forbidden moves, the race-proof
//! approval, expiry, and who may see what.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

pub(crate) fn deal(customer: &str, domain: Option<&str>, products: &[&str]) -> Value {
    json!({
        "customer_name": customer,
        "customer_domain": domain,
        "country": "GB",
        "products": products,
        "estimated_value": "12500.00",
        "currency": "GBP",
        "expected_close_date": (chrono::Utc::now().date_naive() + chrono::Duration::days(45)).to_string(),
        "notes": "Met the CIO at a trade show."
    })
}

async fn register(app: &TestApp, token: &str, body: Value) -> Value {
    let r = app.post_json("/api/v1/deals", Some(token), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

/// The clashes of a registration as staff see them, with the rival registrations and the evidence.
async fn staff_conflicts(app: &TestApp, id: &Value) -> Value {
    let admin = app.token("acme", email::ADMIN).await;
    let r = app.get(&format!("/api/v1/deals/{}", id.as_str().unwrap()), Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["conflicts"].clone()
}

async fn act(app: &TestApp, token: &str, id: &str, action: &str, body: Value) -> crate::support::Resp {
    app.post_json(&format!("/api/v1/deals/{id}/{action}"), Some(token), body).await
}

#[tokio::test]
async fn registering_a_deal_stores_it_pending_and_tells_the_cam() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_USER).await;
    let r = register(&app, &p1, deal("Soylent Foods", Some("https://www.soylent.co.uk/about"), &["crm"])).await;
    assert_eq!(r["status"], "pending");
    assert_eq!(r["conflicts"], json!([]));
    assert!(r["protected_until"].is_null());
    let id = r["id"].as_str().unwrap();
    let shown = app.get(&format!("/api/v1/deals/{id}"), Some(&p1)).await.json();
    assert_eq!(shown["customer_domain"], "https://www.soylent.co.uk/about");
    assert_eq!(shown["estimated_value"], "12500.00");
    assert_eq!(shown["history"][0]["event"], "registered");
    let admin = app.token("acme", email::ADMIN).await;
    let outbox = app.get("/api/v1/outbox", Some(&admin)).await.json();
    assert_eq!(outbox["items"][0]["to"], email::CAM1);
    assert!(outbox["items"][0]["body"].as_str().unwrap().contains(&format!("/deals/{id}")));
    // The partner's first registration activates it.
    assert_eq!(
        app.count_in(A.id, "select count(*) from partners where life_stage = 'activated' and name = 'Partner One'")
            .await,
        1
    );
}

#[tokio::test]
async fn invalid_registrations_name_every_field_and_store_nothing() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_USER).await;
    let r = app
        .post_json(
            "/api/v1/deals",
            Some(&p1),
            json!({"customer_name": "", "customer_domain": "not a domain", "country": "XX", "products": ["warp-drive"],
                   "estimated_value": "-5", "currency": "EURO", "expected_close_date": "2020-01-01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        r.field_errors(),
        vec![
            "country",
            "currency",
            "customer_domain",
            "customer_name",
            "estimated_value",
            "expected_close_date",
            "products"
        ]
    );
    let r = app.post_json("/api/v1/deals", Some(&p1), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count_in(A.id, "select count(*) from deals").await, 0);
    assert_eq!(app.count_in(A.id, "select count(*) from outbox").await, 0);
}

#[tokio::test]
async fn only_partner_people_register_deals() {
    let app = TestApp::new().await;
    for who in [email::ADMIN, email::CAM1, email::CHIEF] {
        let token = app.token("acme", who).await;
        let r = app.post_json("/api/v1/deals", Some(&token), deal("X Ltd", None, &["crm"])).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
    }
}

#[tokio::test]
async fn a_clash_is_found_whatever_the_spelling_subdomain_or_legal_suffix() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let first =
        register(&app, &p1, deal("Acme Widgets, Inc.", Some("www.acmewidgets.co.uk"), &["crm", "analytics"])).await;
    let second = register(&app, &p2, deal("ACME WIDGETS LTD", Some("eu.acmewidgets.co.uk"), &["crm"])).await;
    let staff = staff_conflicts(&app, &second["id"]).await;
    let c = &staff[0];
    assert_eq!(c["kind"], "other_partner_pending");
    assert_eq!(c["strength"], "definitive");
    assert_eq!(c["deal_id"], first["id"]);
    assert_eq!(c["matched_on"], json!(["domain", "name", "country", "products"]));
    assert_eq!(c["score"], 1.0);
    // The registering partner learns what matched and how certainly, not whose registration it is.
    assert_eq!(
        second["conflicts"],
        json!([{"kind": "other_partner_pending", "strength": "definitive", "deal_id": null,
                "matched_on": ["domain", "name", "country", "products"],
                "reason": "Another partner's registration for the same customer is waiting for a decision; the first one approved wins: the web domain, name, country and products match."}])
    );
    // A name-only match with different punctuation, and no domain at all.
    let third = register(&app, &p2, deal("Acme-Widgets", None, &["analytics"])).await;
    assert_eq!(third["conflicts"][0]["kind"], "other_partner_pending");
    // Another product line is no clash while the policy requires a product overlap.
    let fourth = register(&app, &p2, deal("Acme Widgets", None, &["security"])).await;
    assert_eq!(fourth["conflicts"], json!([]));
}

#[tokio::test]
async fn the_first_approved_registration_wins_and_a_clashing_one_cannot_be_approved() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let admin = app.token("acme", email::ADMIN).await;
    let first = register(&app, &p1, deal("Globex Corporation", Some("globex.com"), &["crm"])).await;
    let second = register(&app, &p2, deal("Globex Corp.", Some("globex.com"), &["crm"])).await;
    let first_id = first["id"].as_str().unwrap();
    let r = act(&app, &cam1, first_id, "approve", json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "approved");
    let until = chrono::NaiveDate::parse_from_str(r.json()["protected_until"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(until, chrono::Utc::now().date_naive() + chrono::Duration::days(90));
    let second_id = second["id"].as_str().unwrap();
    // The audit log records how many findings a registration had, not a copy of them, and an approval's change.
    assert_eq!(second["conflicts"].as_array().unwrap().len(), 1);
    let audited = "select count(*) from audit_log a join deals d on d.id = a.entity_id
        where (d.customer_name, a.action, a.after -> 'conflicts') in
              (('Globex Corporation', 'deals.insert', '0'), ('Globex Corp.', 'deals.insert', '1'))
           or (d.customer_name, a.action, a.before ->> 'status', a.after ->> 'status')
              = ('Globex Corporation', 'deals.update', 'pending', 'approved')";
    assert_eq!(app.count_in(A.id, audited).await, 3);
    let refused = act(&app, &admin, second_id, "approve", json!({})).await;
    assert_eq!(refused.status, StatusCode::CONFLICT);
    assert_eq!(refused.header("content-type"), Some("application/problem+json"));
    // The pending one now shows the protected clash, and the registering partner is told.
    let shown = app.get(&format!("/api/v1/deals/{second_id}"), Some(&p2)).await.json();
    assert_eq!(shown["status"], "pending");
    assert_eq!(shown["conflicts"][0]["kind"], "other_partner_protected");
    assert_eq!(shown["conflicts"][0]["strength"], "definitive");
    assert!(shown["conflicts"][0]["deal_id"].is_null());
    assert_eq!(staff_conflicts(&app, &second["id"]).await[0]["recommendation"], "reject");
    let outbox = app.get("/api/v1/outbox", Some(&admin)).await.json();
    assert!(outbox["items"].as_array().unwrap().iter().any(
        |m| m["to"] == email::P1_ADMIN && m["subject"].as_str().unwrap().starts_with("Deal registration approved")
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn concurrent_approvals_of_clashing_registrations_let_exactly_one_win() {
    let app = TestApp::new().await;
    let mut ids = Vec::new();
    for who in [email::P1_ADMIN, email::P1_USER, email::P2_ADMIN, email::P3_ADMIN] {
        let token = app.token("acme", who).await;
        for _ in 0..2 {
            ids.push(
                register(&app, &token, deal("Hooli GmbH", Some("hooli.de"), &["crm"])).await["id"]
                    .as_str()
                    .unwrap()
                    .to_string(),
            );
        }
    }
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let attempts = ids.iter().enumerate().map(|(i, id)| {
        // Program admin and CAM race each other too, where the CAM may decide.
        let token = if i < 4 && i % 2 == 0 { cam1.clone() } else { admin.clone() };
        let app = &app;
        async move { app.post_json(&format!("/api/v1/deals/{id}/approve"), Some(&token), json!({})).await.status }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 1, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), ids.len() - 1, "{statuses:?}");
    assert_eq!(app.count_in(A.id, "select count(*) from deals where status = 'approved'").await, 1);
}

#[tokio::test]
async fn the_rival_partner_is_never_named_to_a_partner() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let first = register(&app, &p1, deal("Vandelay Industries", Some("vandelay.com"), &["crm"])).await;
    act(&app, &cam1, first["id"].as_str().unwrap(), "approve", json!({})).await;
    let second = register(&app, &p2, deal("Vandelay Industries LLC", Some("vandelay.com"), &["crm"])).await;
    let id = second["id"].as_str().unwrap();
    for body in [second.to_string(), app.get(&format!("/api/v1/deals/{id}"), Some(&p2)).await.text()] {
        assert!(!body.contains("Partner One"), "{body}");
    }
    let session = app.session("acme", email::P2_ADMIN).await;
    let page = app.page(&format!("/deals/{id}"), &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.text().contains("Partner One"));
    assert!(page.text().contains("Another partner holds a protected registration"));
    // The clashing registration itself is out of reach.
    let theirs = first["id"].as_str().unwrap();
    assert_eq!(app.get(&format!("/api/v1/deals/{theirs}"), Some(&p2)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.page(&format!("/deals/{theirs}"), &session).await.status, StatusCode::NOT_FOUND);
    // The CAM deciding sees both sides, with the partner named.
    let cam2 = app.session("acme", email::CAM2).await;
    let staff = app.page(&format!("/deals/{id}"), &cam2).await;
    assert!(staff.select("article.clash dd").contains(&"Partner One".to_string()));
}

#[tokio::test]
async fn rejecting_needs_a_listed_reason_and_a_note_for_other() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let id = register(&app, &p1, deal("Wayne Shipping", None, &["crm"])).await["id"].as_str().unwrap().to_string();
    let r = act(&app, &cam1, &id, "reject", json!({"reason": "bored"})).await;
    assert_eq!(r.field_errors(), vec!["reason"]);
    let r = act(&app, &cam1, &id, "reject", json!({"reason": "other"})).await;
    assert_eq!(r.field_errors(), vec!["note"]);
    assert_eq!(app.count_in(A.id, "select count(*) from deals where status = 'pending'").await, 1);
    let r = act(&app, &cam1, &id, "reject", json!({"reason": "other", "note": "Customer is in receivership."})).await;
    assert_eq!(r.status, StatusCode::OK);
    let shown = app.get(&format!("/api/v1/deals/{id}"), Some(&p1)).await.json();
    assert_eq!(shown["status"], "rejected");
    assert_eq!(shown["decision_reason"], "other");
    assert_eq!(shown["decision_note"], "Customer is in receivership.");
    let last = shown["history"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["event"], "rejected");
    assert_eq!(last["actor"], "Cara Cam");
    assert_eq!(last["note"], "Other: Customer is in receivership.");
}

#[tokio::test]
async fn every_move_the_state_machine_forbids_is_409_and_changes_nothing() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let new = |name: &'static str| deal(name, None, &["crm"]);
    let pending = register(&app, &p1, new("Pending Co")).await["id"].as_str().unwrap().to_string();
    let approved = register(&app, &p1, new("Approved Co")).await["id"].as_str().unwrap().to_string();
    act(&app, &cam1, &approved, "approve", json!({})).await;
    let withdrawn = register(&app, &p1, new("Withdrawn Co")).await["id"].as_str().unwrap().to_string();
    assert_eq!(act(&app, &p1, &withdrawn, "withdraw", json!({})).await.status, StatusCode::OK);
    let won = register(&app, &p1, new("Won Co")).await["id"].as_str().unwrap().to_string();
    act(&app, &cam1, &won, "approve", json!({})).await;
    assert_eq!(
        act(&app, &p1, &won, "close", json!({"outcome": "won", "amount": "15000.50"})).await.status,
        StatusCode::OK
    );
    let before: i64 = app.count_in(A.id, "select count(*) from deal_events").await;

    let forbidden = [
        (&approved, "approve", &cam1),
        (&withdrawn, "approve", &cam1),
        (&won, "reject", &cam1),
        (&approved, "withdraw", &p1),
        (&pending, "extend", &p1),
        (&pending, "close", &p1),
        (&withdrawn, "close", &p1),
        (&pending, "extension/approve", &cam1),
        (&approved, "extension/approve", &cam1),
        (&won, "withdraw", &p1),
    ];
    for (id, action, token) in forbidden {
        let body = if action == "close" {
            json!({"outcome": "lost"})
        } else if action == "reject" {
            json!({"reason": "duplicate"})
        } else {
            json!({})
        };
        let r = act(&app, token, id, action, body).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{action} on {id}: {}", r.text());
    }
    assert_eq!(app.count_in(A.id, "select count(*) from deal_events").await, before);
    let shown = app.get(&format!("/api/v1/deals/{won}"), Some(&p1)).await.json();
    assert_eq!(shown["status"], "won");
    assert_eq!(shown["closed_amount"], "15000.50");
}

#[tokio::test]
async fn an_extension_is_asked_by_the_partner_and_approved_by_the_cam_within_the_policy() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_USER).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let id = register(&app, &p1, deal("Stark Logistics", None, &["crm"])).await["id"].as_str().unwrap().to_string();
    let until =
        act(&app, &cam1, &id, "approve", json!({})).await.json()["protected_until"].as_str().unwrap().to_string();
    // The CAM cannot ask, the partner cannot approve.
    assert_eq!(act(&app, &cam1, &id, "extend", json!({})).await.status, StatusCode::FORBIDDEN);
    assert_eq!(act(&app, &p1, &id, "extend", json!({"note": "Board meets in March."})).await.status, StatusCode::OK);
    assert_eq!(act(&app, &p1, &id, "extend", json!({})).await.status, StatusCode::CONFLICT, "one request at a time");
    assert_eq!(act(&app, &p1, &id, "extension/approve", json!({})).await.status, StatusCode::FORBIDDEN);
    let r = act(&app, &cam1, &id, "extension/approve", json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
    let old = chrono::NaiveDate::parse_from_str(&until, "%Y-%m-%d").unwrap();
    let new = chrono::NaiveDate::parse_from_str(r.json()["protected_until"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(new - old, chrono::Duration::days(30));
    // The default policy allows one extension.
    assert_eq!(act(&app, &p1, &id, "extend", json!({})).await.status, StatusCode::CONFLICT);
    let events: Vec<String> = app.get(&format!("/api/v1/deals/{id}"), Some(&p1)).await.json()["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["event"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(events, vec!["registered", "approved", "extension_requested", "extension_approved"]);
}

#[tokio::test]
async fn a_vendor_direct_named_account_is_flagged_for_rejection() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let r = register(&app, &p1, deal("Initrode", Some("sales.initrode.com"), &["security"])).await;
    assert_eq!(r["conflicts"][0]["kind"], "vendor_direct_account");
    // The partner is not told the vendor's named account, nor any evidence.
    assert!(!r["conflicts"].to_string().contains("nitrode"), "{}", r["conflicts"]);
    let staff = staff_conflicts(&app, &r["id"]).await;
    assert_eq!(staff[0]["recommendation"], "reject");
    assert!(staff[0]["deal_id"].is_null());
    assert!(staff[0]["evidence"].to_string().contains("initrode.com"));
}

#[tokio::test]
async fn another_tenants_and_another_partners_registrations_answer_404_everywhere() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let id = register(&app, &p1, deal("Private Deal Co", None, &["crm"])).await["id"].as_str().unwrap().to_string();
    let outsiders = [
        app.token("globex", email::ADMIN).await,
        app.token("globex", email::P1_ADMIN).await,
        app.token("acme", email::P2_ADMIN).await,
        app.token("acme", email::CAM2).await,
    ];
    for token in &outsiders {
        assert_eq!(app.get(&format!("/api/v1/deals/{id}"), Some(token)).await.status, StatusCode::NOT_FOUND);
        let list = app.get("/api/v1/deals", Some(token)).await.json();
        assert_eq!(list["total"], 0);
    }
    let b_admin = &outsiders[0];
    let b_partner = &outsiders[1];
    let p2 = &outsiders[2];
    let cam2 = &outsiders[3];
    for (action, token, body) in [
        ("approve", b_admin, json!({})),
        ("approve", cam2, json!({})),
        ("reject", cam2, json!({"reason": "duplicate"})),
        ("withdraw", p2, json!({})),
        ("withdraw", b_partner, json!({})),
        ("extend", p2, json!({})),
        ("extension/approve", cam2, json!({})),
        ("close", p2, json!({"outcome": "won"})),
    ] {
        let r = act(&app, token, &id, action, body).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{action}: {}", r.text());
    }
    assert_eq!(app.count_in(A.id, "select count(*) from deals where status = 'pending'").await, 1);
    // The chief reads everything but decides nothing.
    let chief = app.token("acme", email::CHIEF).await;
    assert_eq!(app.get(&format!("/api/v1/deals/{id}"), Some(&chief)).await.status, StatusCode::OK);
    assert_eq!(act(&app, &chief, &id, "approve", json!({})).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn listing_filters_by_status_and_partner() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let a = register(&app, &p1, deal("Alpha", None, &["crm"])).await["id"].as_str().unwrap().to_string();
    register(&app, &p1, deal("Beta", None, &["crm"])).await;
    register(&app, &p2, deal("Gamma", None, &["crm"])).await;
    act(&app, &cam1, &a, "approve", json!({})).await;
    let admin = app.token("acme", email::ADMIN).await;
    assert_eq!(app.get("/api/v1/deals", Some(&admin)).await.json()["total"], 3);
    assert_eq!(app.get("/api/v1/deals?status=pending", Some(&admin)).await.json()["total"], 2);
    assert_eq!(app.get(&format!("/api/v1/deals?partner_id={}", A.p2), Some(&admin)).await.json()["total"], 1);
    assert_eq!(app.get("/api/v1/deals", Some(&cam1)).await.json()["total"], 2);
    // Totals hold on partial pages and past the last one, for the whole tenant and for a CAM.
    for (token, expected) in [(&admin, 3), (&cam1, 2)] {
        for query in ["limit=1", "limit=1&offset=1", "limit=2&offset=9"] {
            let page = app.get(&format!("/api/v1/deals?{query}"), Some(token)).await.json();
            assert_eq!(page["total"], expected, "{query}");
        }
    }
    let oldest = app.get("/api/v1/deals?limit=1&offset=2", Some(&admin)).await.json();
    assert_eq!(oldest["items"][0]["customer_name"], "Alpha", "newest first");
    let bad = app.get("/api/v1/deals?status=maybe", Some(&admin)).await;
    assert_eq!(bad.field_errors(), vec!["status"]);
}

#[tokio::test]
async fn the_expiry_job_expires_once_and_reminds_once() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let old = register(&app, &p1, deal("Old Deal", None, &["crm"])).await["id"].as_str().unwrap().to_string();
    let soon = register(&app, &p1, deal("Soon Deal", None, &["crm"])).await["id"].as_str().unwrap().to_string();
    act(&app, &cam1, &old, "approve", json!({})).await;
    act(&app, &cam1, &soon, "approve", json!({})).await;
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    sqlx::query("update deals set protected_until = current_date - 1 where customer_name = 'Old Deal'")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::query("update deals set protected_until = current_date + 5 where customer_name = 'Soon Deal'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let state = app.state();
    // Two instances at once: each registration is expired and reminded exactly once.
    let (a, b) = tokio::join!(tributary::jobs::expire_deals(&state), tributary::jobs::expire_deals(&state));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!(a.0 + b.0, 1, "expired once");
    assert_eq!(a.1 + b.1, 1, "reminded once");
    assert_eq!(tributary::jobs::expire_deals(&state).await.unwrap(), (0, 0));
    let shown = app.get(&format!("/api/v1/deals/{old}"), Some(&p1)).await.json();
    assert_eq!(shown["status"], "expired");
    let admin = app.token("acme", email::ADMIN).await;
    let subjects: Vec<String> = app.get("/api/v1/outbox", Some(&admin)).await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["subject"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(subjects.iter().filter(|s| s.starts_with("Deal registration expired")).count(), 1);
    assert_eq!(subjects.iter().filter(|s| s.starts_with("Deal registration expiring")).count(), 1);
}

async fn set_policy(app: &TestApp, fields: &[(&str, &str)]) -> crate::support::Resp {
    let session = app.session("acme", email::ADMIN).await;
    let mut all: Vec<(&str, &str)> = vec![
        ("protection_days", "90"),
        ("similarity_percent", "60"),
        ("require_product_overlap", "on"),
        ("extensions_allowed", "1"),
        ("extension_days", "30"),
        ("approval_sla_hours", "48"),
        ("max_open_registrations", ""),
        ("reminder_days", "14"),
        ("products", "crm | CRM Suite\nanalytics | Analytics Cloud\nsecurity | Security Edge"),
        ("named_accounts", "Initrode Global | initrode.com"),
    ];
    for (k, v) in fields {
        all.retain(|(key, _)| key != k);
        all.push((k, v));
    }
    app.submit("/admin/deal-policy", &session, &all).await
}

#[tokio::test]
async fn the_policy_can_cap_open_registrations_and_auto_approve_clean_ones() {
    let app = TestApp::new().await;
    assert_eq!(
        set_policy(&app, &[("max_open_registrations", "2"), ("auto_approve_clean", "on"), ("protection_days", "60")])
            .await
            .status,
        StatusCode::SEE_OTHER
    );
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let clean = register(&app, &p1, deal("Clean Co", Some("clean.example"), &["crm"])).await;
    assert_eq!(clean["status"], "approved");
    let until = chrono::NaiveDate::parse_from_str(clean["protected_until"].as_str().unwrap(), "%Y-%m-%d").unwrap();
    assert_eq!(until, chrono::Utc::now().date_naive() + chrono::Duration::days(60));
    // Its history says it was registered, then approved automatically, in that order; its CAM is told, and so is
    // the partner.
    let shown = app.get(&format!("/api/v1/deals/{}", clean["id"].as_str().unwrap()), Some(&p1)).await.json();
    let history: Vec<(&str, Option<&str>)> = shown["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["event"].as_str().unwrap(), e["note"].as_str()))
        .collect();
    assert_eq!(history, [("registered", None), ("approved", Some("Approved automatically: no conflicts."))]);
    let told = "select count(*) from outbox where (to_address, subject) in
        (('cam1@example.com', 'New deal registration: Clean Co (Partner One)'),
         ('p1.admin@example.com', 'Deal registration approved: Clean Co'))";
    assert_eq!(app.count_in(A.id, told).await, 2);
    let clash = register(&app, &p1, deal("Clean Company", Some("clean.example"), &["crm"])).await;
    assert_eq!(clash["status"], "pending", "a clash is never approved automatically");
    let capped = app.post_json("/api/v1/deals", Some(&p1), deal("Third", None, &["crm"])).await;
    assert_eq!(capped.status, StatusCode::CONFLICT);
    assert_eq!(app.count_in(A.id, "select count(*) from deals").await, 2);
}

#[tokio::test]
async fn the_policy_page_refuses_invalid_settings_field_by_field() {
    let app = TestApp::new().await;
    let r = set_policy(
        &app,
        &[
            ("protection_days", "0"),
            ("similarity_percent", "5"),
            ("products", "Bad Code!\n"),
            ("named_accounts", "Foo | not a domain"),
        ],
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["protection_days", "similarity_percent", "products", "named_accounts"] {
        assert_eq!(r.select(&format!("#e-{field}")).len(), 1, "{field}");
    }
    assert_eq!(app.count_in(A.id, "select count(*) from deal_policies").await, 0);
    let ok = set_policy(&app, &[("products", "crm | CRM Suite\nedge | Edge Gateway")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count_in(A.id, "select count(*) from products where active").await, 2);
}

#[tokio::test]
async fn the_pages_register_a_deal_and_rerender_mistakes_beside_the_fields() {
    let app = TestApp::new().await;
    let session = app.session("acme", email::P1_USER).await;
    let form = app.page("/deals/new", &session).await;
    assert_eq!(form.status, StatusCode::OK);
    assert_eq!(form.select("fieldset label.check").len(), 3);
    let bad = app
        .submit(
            "/deals",
            &session,
            &[
                ("customer_name", "Kramerica"),
                ("country", "US"),
                ("estimated_value", "lots"),
                ("currency", "USD"),
                ("expected_close_date", ""),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["estimated_value", "expected_close_date", "products"] {
        assert_eq!(bad.select(&format!("#e-{field}")).len(), 1, "{field}");
    }
    assert!(bad.text().contains("value=\"Kramerica\""));
    let date = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let ok = app
        .submit(
            "/deals",
            &session,
            &[
                ("customer_name", "Kramerica"),
                ("country", "US"),
                ("estimated_value", "25,000"),
                ("currency", "USD"),
                ("expected_close_date", &date),
                ("products", "crm"),
                ("products", "analytics"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let location = ok.header("location").unwrap().to_string();
    let shown = app.page(&location, &session).await;
    assert_eq!(shown.select("h1"), vec!["Kramerica".to_string()]);
    assert!(shown.select("dd").contains(&"USD 25,000.00".to_string()));
    let cam = app.session("acme", email::CAM1).await;
    let queue = app.page("/deals/queue", &cam).await;
    assert!(queue.select("table.data td a").contains(&"Kramerica".to_string()));
}

#[tokio::test]
async fn a_long_queue_shows_the_oldest_fifty_and_says_how_many_wait() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    for i in 0..53 {
        register(&app, &p1, deal(&format!("Queue Customer {i:03}"), None, &["crm"])).await;
    }
    let cam = app.session("acme", email::CAM1).await;
    let queue = app.page("/deals/queue", &cam).await;
    let rows = queue.select("main section:first-of-type table.data tbody tr td:first-child a");
    assert_eq!(rows.len(), 50);
    assert_eq!(rows[0], "Queue Customer 000", "oldest first");
    assert_eq!(rows[49], "Queue Customer 049");
    assert!(queue.select(".lede")[0].starts_with("53 pending registrations"));
    assert!(queue.text().contains("3 more are waiting"));
}

#[tokio::test]
async fn the_queue_counts_down_to_the_decision_the_policy_asks_for() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    register(&app, &p1, deal("Hooli", None, &["crm"])).await;
    let cam = app.session("acme", email::CAM1).await;
    let deadline = |page: &crate::support::Resp| page.select("main section:first-of-type tbody td:nth-child(6) .badge");
    let queue = app.page("/deals/queue", &cam).await;
    assert_eq!(deadline(&queue), ["Due in 47 h"], "the default of 48 hours before any policy is saved");
    assert!(queue.select(".lede")[0].contains("within 48 hours"));
    assert_eq!(set_policy(&app, &[("approval_sla_hours", "100")]).await.status, StatusCode::SEE_OTHER);
    let queue = app.page("/deals/queue", &cam).await;
    assert_eq!(deadline(&queue), ["Due in 4 days"]);
    assert!(queue.select(".lede")[0].starts_with("1 pending registration,"));
    assert!(queue.select(".lede")[0].contains("within 100 hours"));
}

fn ids(list: &Value) -> Vec<String> {
    list["items"].as_array().unwrap().iter().map(|d| d["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_partner_moved_to_another_cam_takes_its_registrations_to_that_cams_queue() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let id = register(&app, &p1, deal("Moving Customer", None, &["crm"])).await["id"].as_str().unwrap().to_string();
    let (cam1, cam2) = (app.token("acme", email::CAM1).await, app.token("acme", email::CAM2).await);
    let pending = "/api/v1/deals?status=pending";
    assert!(ids(&app.get(pending, Some(&cam1)).await.json()).contains(&id));
    assert!(!ids(&app.get(pending, Some(&cam2)).await.json()).contains(&id));
    assert_eq!(app.get(&format!("/api/v1/deals/{id}"), Some(&cam2)).await.status, StatusCode::NOT_FOUND);

    let admin = app.token("acme", email::ADMIN).await;
    let moved = app
        .json(Method::PATCH, &format!("/api/v1/partners/{}", A.p1), Some(&admin), json!({"cam_id": A.cam2.to_string()}))
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());

    let before = app.get(pending, Some(&cam1)).await.json();
    assert!(!ids(&before).contains(&id), "the former CAM no longer sees it");
    assert_eq!(app.get(&format!("/api/v1/deals/{id}"), Some(&cam1)).await.status, StatusCode::NOT_FOUND);
    let after = app.get(pending, Some(&cam2)).await.json();
    assert!(ids(&after).contains(&id), "the new CAM has it");
    assert_eq!(after["total"], after["items"].as_array().unwrap().len());
    let queue = app.page("/deals/queue", &app.session("acme", email::CAM2).await).await;
    assert!(queue.select("table.data td a").contains(&"Moving Customer".to_string()));
    // A registered deal is the only deal insert audited; its CAM following the partner is audited on the partner.
    assert_eq!(
        app.count_in(A.id, "select count(*) from audit_log where entity_type = 'deals' and action <> 'deals.insert'")
            .await,
        0
    );
    assert_eq!(
        app.count_in(A.id, "select count(*) from audit_log where entity_type = 'partners' and action = 'partners.update' and after ? 'cam_id'").await,
        1
    );
}

#[tokio::test]
async fn the_queue_shows_each_manager_their_pending_registrations_clashes_and_extension_requests() {
    let app = TestApp::new().await;
    let (p1, p2) = (app.token("acme", email::P1_ADMIN).await, app.token("acme", email::P2_ADMIN).await);
    register(&app, &p1, deal("Initech", Some("initech.com"), &["crm"])).await;
    register(&app, &p2, deal("Initech Inc.", Some("initech.com"), &["crm"])).await;
    let asked = register(&app, &p1, deal("Hooli", None, &["crm"])).await["id"].as_str().unwrap().to_string();
    let cam1 = app.token("acme", email::CAM1).await;
    assert_eq!(act(&app, &cam1, &asked, "approve", json!({})).await.status, StatusCode::OK);
    assert_eq!(act(&app, &p1, &asked, "extend", json!({"note": "Budget in Q3."})).await.status, StatusCode::OK);
    register(&app, &app.token("globex", email::P1_ADMIN).await, deal("Globex Customer", None, &["crm"])).await;

    let cell = |page: &crate::support::Resp, section: usize| {
        page.select(&format!("main section:nth-of-type({section}) table.data tbody tr td:first-child a"))
    };
    // The program admin sees every partner's; each CAM only their partners'; nobody another tenant's.
    let admin = app.page("/deals/queue", &app.session("acme", email::ADMIN).await).await;
    assert_eq!(admin.status, StatusCode::OK);
    assert_eq!(cell(&admin, 1), ["Initech", "Initech Inc."]);
    assert!(admin.select(".lede")[0].starts_with("2 pending registrations"));
    // Clashes are counted when a registration is made: the first Initech had none then, the second found it.
    assert_eq!(admin.select("main section:nth-of-type(1) .badge-red"), ["1 found"]);
    assert_eq!(cell(&admin, 2), ["Hooli"], "the extension request");
    let cam = app.page("/deals/queue", &app.session("acme", email::CAM1).await).await;
    assert_eq!(cell(&cam, 1), ["Initech"]);
    assert_eq!(cell(&cam, 2), ["Hooli"]);
    let cam2 = app.page("/deals/queue", &app.session("acme", email::CAM2).await).await;
    assert_eq!(cell(&cam2, 1), ["Initech Inc."]);
    assert!(cell(&cam2, 2).is_empty());
    // Partner people have no queue.
    assert_eq!(
        app.page("/deals/queue", &app.session("acme", email::P1_ADMIN).await).await.status,
        StatusCode::FORBIDDEN
    );
}

async fn total(app: &TestApp, path: &str, token: &str) -> i64 {
    app.get(path, Some(token)).await.json()["total"].as_i64().unwrap()
}

/// Registrations per partner, status and CAM that `deal_counts` does not say, or says wrongly (0 when in step).
const COUNTS_OUT_OF_STEP: &str = "select count(*) from (
    (select partner_id, status, cam_id, sum(n) from deal_counts group by 1, 2, 3 having sum(n) <> 0
     except select partner_id, status, cam_id, count(*) from deals group by 1, 2, 3)
    union all
    (select partner_id, status, cam_id, count(*) from deals group by 1, 2, 3
     except select partner_id, status, cam_id, sum(n) from deal_counts group by 1, 2, 3 having sum(n) <> 0)) x";

#[tokio::test]
async fn the_counts_behind_totals_stay_in_step_through_every_change_of_a_registration() {
    let app = TestApp::new().await;
    let (p1, p2) = (app.token("acme", email::P1_ADMIN).await, app.token("acme", email::P2_ADMIN).await);
    let (cam1, cam2) = (app.token("acme", email::CAM1).await, app.token("acme", email::CAM2).await);
    let id = |v: Value| v["id"].as_str().unwrap().to_string();
    let mut p1_deals = Vec::new();
    for name in ["Alpha", "Bravo", "Charlie", "Delta", "Echo"] {
        p1_deals.push(id(register(&app, &p1, deal(name, None, &["crm"])).await));
    }
    register(&app, &p2, deal("Foxtrot", None, &["crm"])).await;
    register(&app, &app.token("globex", email::P1_ADMIN).await, deal("Golf", None, &["crm"])).await;
    assert_eq!(act(&app, &cam1, &p1_deals[0], "approve", json!({})).await.status, StatusCode::OK);
    assert_eq!(act(&app, &cam1, &p1_deals[1], "approve", json!({})).await.status, StatusCode::OK);
    let won = act(&app, &p1, &p1_deals[1], "close", json!({"outcome": "won", "amount": "900.00"})).await;
    assert_eq!(won.status, StatusCode::OK, "{}", won.text());
    let rejected = act(&app, &cam1, &p1_deals[2], "reject", json!({"reason": "other", "note": "No."})).await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.text());
    assert_eq!(act(&app, &p1, &p1_deals[3], "withdraw", json!({})).await.status, StatusCode::OK);
    assert_eq!(app.count_in(A.id, COUNTS_OUT_OF_STEP).await, 0);
    assert_eq!(app.count_in(B.id, COUNTS_OUT_OF_STEP).await, 0);

    // Totals read the counts: a one-item page of each scope and filter says how many there are in all.
    let admin = app.token("acme", email::ADMIN).await;
    assert_eq!(total(&app, "/api/v1/deals?limit=1", &admin).await, 6, "the tenant's, not another tenant's");
    assert_eq!(total(&app, "/api/v1/deals?limit=1&status=pending", &admin).await, 2);
    assert_eq!(total(&app, &format!("/api/v1/deals?limit=1&partner_id={}", A.p2), &admin).await, 1);
    assert_eq!(total(&app, "/api/v1/deals?limit=1", &cam1).await, 5, "cam1 has partner one");
    assert_eq!(total(&app, "/api/v1/deals?limit=1&status=won", &cam1).await, 1);
    assert_eq!(total(&app, "/api/v1/deals?limit=1", &cam2).await, 1);
    assert_eq!(total(&app, "/api/v1/deals?limit=1", &p1).await, 5);
    assert_eq!(total(&app, "/api/v1/deals?limit=1&status=withdrawn", &p1).await, 1);
    assert_eq!(total(&app, "/api/v1/deals?limit=1", &p2).await, 1);

    // The partner moves to cam2: its counts go along.
    let moved = app
        .json(Method::PATCH, &format!("/api/v1/partners/{}", A.p1), Some(&admin), json!({"cam_id": A.cam2.to_string()}))
        .await;
    assert_eq!(moved.status, StatusCode::OK, "{}", moved.text());
    assert_eq!(app.count_in(A.id, COUNTS_OUT_OF_STEP).await, 0);
    assert_eq!(total(&app, "/api/v1/deals?limit=1", &cam1).await, 0);
    assert_eq!(total(&app, "/api/v1/deals?limit=1", &cam2).await, 6);
    let queue = app.page("/deals/queue", &app.session("acme", email::CAM2).await).await;
    assert!(queue.select(".lede")[0].starts_with("2 pending registrations"), "{:?}", queue.select(".lede"));

    // The expiry job moves approved registrations on.
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    sqlx::query("update deals set protected_until = current_date - 1 where status = 'approved'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let state = app.state();
    assert_eq!(tributary::jobs::expire_deals(&state).await.unwrap().0, 1);
    assert_eq!(app.count_in(A.id, COUNTS_OUT_OF_STEP).await, 0);
    assert_eq!(total(&app, "/api/v1/deals?limit=1&status=expired", &p1).await, 1);
}

/// A copy of one of the partner's registrations, under a new id and with `status`.
const COPY_A_REGISTRATION: &str = "insert into deals (tenant_id, id, partner_id, registered_by, customer_name,
        normalized_name, country, products, estimated_value, currency, expected_close_date, status)
    select tenant_id, gen_random_uuid(), partner_id, registered_by, customer_name, normalized_name, country, products,
           estimated_value, currency, expected_close_date, $2
      from deals where partner_id = $1 limit 1";

#[tokio::test]
async fn a_registration_whose_partner_moves_in_the_same_transaction_is_counted_under_the_new_cam() {
    let app = TestApp::new().await;
    register(&app, &app.token("acme", email::P1_ADMIN).await, deal("Alpha", None, &["crm"])).await;
    register(&app, &app.token("acme", email::P2_ADMIN).await, deal("Bravo", None, &["crm"])).await;

    // Counted at commit, a registration whose partner moves to another CAM in the same transaction is counted under
    // the new CAM, also where the partner had no count for its status yet.
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    sqlx::query(COPY_A_REGISTRATION).bind(A.p2).bind("won").execute(&mut *tx).await.unwrap();
    sqlx::query("update partners set cam_id = $1 where id = $2")
        .bind(A.cam1)
        .bind(A.p2)
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(app.count_in(A.id, COUNTS_OUT_OF_STEP).await, 0);
    assert_eq!(total(&app, "/api/v1/deals?limit=1&status=won", &app.token("acme", email::CAM1).await).await, 1);
}

/// The conflict check asks PostgreSQL for its candidates (pg_trgm under row-level security): names added by another
/// instance are found, a transaction's names once it commits, another tenant's never.
#[tokio::test]
async fn the_conflict_check_finds_candidates_through_pg_trgm_under_row_level_security() {
    use sqlx::{Connection, Executor};
    let app = TestApp::new().await;
    let other = app.router_with_base_url("http://127.0.0.1:8081");
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let p3 = app.token("acme", email::P3_ADMIN).await;
    // A similar name in the other tenant is never a candidate.
    let b_p1 = app.token("globex", email::P1_ADMIN).await;
    register(&app, &b_p1, deal("Initech Systems", None, &["crm"])).await;
    let first = register(&app, &p1, deal("Initech Systems", None, &["crm"])).await;
    assert_eq!(first["conflicts"], json!([]));

    // A registration added directly, in a transaction that stays open while the others below happen.
    let mut open = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
    open.execute("begin").await.unwrap();
    let asia: uuid::Uuid = sqlx::query_scalar(
        "insert into deals (tenant_id, id, partner_id, registered_by, customer_name, normalized_name, country,
                            products, estimated_value, currency, expected_close_date)
         select tenant_id, gen_random_uuid(), partner_id, registered_by, 'Initech Systems Asia', 'initech asia',
                country, products, estimated_value, currency, expected_close_date
           from deals where id = $1::uuid
         returning id",
    )
    .bind(first["id"].as_str().unwrap())
    .fetch_one(&mut open)
    .await
    .unwrap();

    // Another instance adds a name while that transaction is open; the next check finds it.
    let request = TestApp::request(Method::POST, "/api/v1/deals")
        .header("authorization", format!("Bearer {p2}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from(deal("Initech Systems Europe", None, &["crm"]).to_string()))
        .unwrap();
    let europe = tower::ServiceExt::oneshot(other, request).await.unwrap();
    assert_eq!(europe.status(), StatusCode::CREATED);
    let europe: Value =
        serde_json::from_slice(&axum::body::to_bytes(europe.into_body(), usize::MAX).await.unwrap()).unwrap();
    let seen = register(&app, &p3, deal("Initech Systems Ltd", None, &["crm"])).await;
    let ids = |conflicts: Value| -> Vec<String> {
        let mut ids: Vec<String> =
            conflicts.as_array().unwrap().iter().map(|c| c["deal_id"].as_str().unwrap().to_string()).collect();
        ids.sort();
        ids
    };
    let mut expected = vec![first["id"].as_str().unwrap().to_string(), europe["id"].as_str().unwrap().to_string()];
    expected.sort();
    assert_eq!(ids(staff_conflicts(&app, &seen["id"]).await), expected);

    // Committed now, and found.
    open.execute("commit").await.unwrap();
    let last = register(&app, &p2, deal("INITECH SYSTEMS, INC.", None, &["crm"])).await;
    expected.push(asia.to_string());
    expected.push(seen["id"].as_str().unwrap().to_string());
    expected.sort();
    assert_eq!(ids(staff_conflicts(&app, &last["id"]).await), expected);
}

/// The trigram index serves the name search for the runtime role, under row-level security (`similarity_op` is
/// leakproof), rather than a scan of every open registration.
#[tokio::test]
async fn the_name_search_uses_the_trigram_index_under_row_level_security() {
    use sqlx::Connection;
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let first = register(&app, &p1, deal("Initech Systems", None, &["crm"])).await;
    // Enough open registrations of other customers that reading them all would cost more than the index.
    let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
    sqlx::query(
        "insert into deals (tenant_id, id, partner_id, registered_by, customer_name, normalized_name, country,
                            products, estimated_value, currency, expected_close_date)
         select d.tenant_id, gen_random_uuid(), d.partner_id, d.registered_by, n.name, n.name, d.country, d.products,
                d.estimated_value, d.currency, d.expected_close_date
           from deals d, (select md5(i::text) || ' ' || md5((i * 7)::text) as name
                            from generate_series(1, 5000) i) n
          where d.id = $1::uuid",
    )
    .bind(first["id"].as_str().unwrap())
    .execute(&mut owner)
    .await
    .unwrap();
    // Vacuumed, so that the new names leave the index's pending list as autovacuum would take them.
    sqlx::query("vacuum analyze deals").execute(&mut owner).await.unwrap();
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let role: String = sqlx::query_scalar("select current_user").fetch_one(&mut *tx).await.unwrap();
    assert_eq!(role, "tributary_app");
    // Scans of the whole tenant (or table) are taken off: what is left is the trigram index, if it can serve.
    sqlx::query("set local enable_seqscan = off").execute(&mut *tx).await.unwrap();
    sqlx::query("set local enable_indexscan = off").execute(&mut *tx).await.unwrap();
    let plan: Vec<String> = sqlx::query_scalar(
        "explain select id from deals
          where status in ('pending', 'approved') and normalized_name % 'initech systems'",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    let plan = plan.join("\n");
    assert!(plan.contains("deals_open_name_trgm"), "{plan}");
    // And the check finds the one similar name among them.
    let second =
        register(&app, &app.token("acme", email::P2_ADMIN).await, deal("Initech Systems Ltd", None, &["crm"])).await;
    let staff = staff_conflicts(&app, &second["id"]).await;
    let found: Vec<&str> = staff.as_array().unwrap().iter().map(|c| c["deal_id"].as_str().unwrap()).collect();
    assert_eq!(found, [first["id"].as_str().unwrap()]);
}

#[tokio::test]
async fn a_renamed_partner_goes_by_its_new_name_on_its_registrations_without_auditing_them_again() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam = app.token("acme", email::CAM1).await;
    let listed = |token: String| {
        let app = &app;
        async move {
            let r = app.get(&format!("/api/v1/deals?partner_id={}&limit=500", A.p1), Some(&token)).await;
            assert_eq!(r.status, StatusCode::OK);
            r.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["partner_name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let p1 = app.token("acme", email::P1_USER).await;
    let lede =
        || async { app.page("/deals/queue", &app.session("acme", email::CAM1).await).await.select(".lede")[0].clone() };
    for (customer, waiting) in
        [("Globex Retail", "1 pending registration,"), ("Umbrella Health", "2 pending registrations,")]
    {
        register(&app, &p1, deal(customer, None, &["crm"])).await;
        assert!(lede().await.starts_with(waiting), "{}", lede().await);
    }
    let before = listed(admin.clone()).await;
    assert!(!before.is_empty() && before.iter().all(|n| n != "Renamed Reseller"));
    let audited = "select count(*) from audit_log where entity_type = 'deals'";
    let deal_entries = app.count_in(A.id, audited).await;
    let r = app
        .json(Method::PATCH, &format!("/api/v1/partners/{}", A.p1), Some(&admin), json!({"name": "Renamed Reseller"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    for token in [admin, cam] {
        let after = listed(token).await;
        assert_eq!(after.len(), before.len());
        assert!(after.iter().all(|n| n == "Renamed Reseller"), "{after:?}");
    }
    let queue = app.page("/deals/queue", &app.session("acme", email::CAM1).await).await;
    assert!(queue.text().contains("Renamed Reseller"), "the approval queue shows the new name");
    assert_eq!(app.count_in(A.id, audited).await, deal_entries, "the rename is audited on the partner alone");
}

#[tokio::test]
async fn names_with_markup_in_them_read_as_typed_on_every_list_and_never_become_markup() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let partner = app
        .post_json(
            "/api/v1/partners",
            Some(&admin),
            json!({"name": "Tom & \"Jerry's\" <Resale>", "country": "GB", "region": "EMEA", "cam_id": A.cam1}),
        )
        .await;
    assert_eq!(partner.status, StatusCode::CREATED, "{}", partner.text());
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let customer = "<img src=x onerror=alert(1)> Fish & Chips";
    register(&app, &p1, deal(customer, None, &["crm"])).await;
    let cam = app.session("acme", email::CAM1).await;
    let queue = app.page("/deals/queue", &cam).await;
    assert!(queue.select("table.data td a").contains(&customer.to_string()));
    let list = app.page("/deals", &cam).await;
    assert!(list.select("table.data td a").contains(&customer.to_string()));
    let home = app.page("/", &cam).await;
    assert!(home.select("table.data td a").contains(&"Tom & \"Jerry's\" <Resale>".to_string()));
    let admin_page = app.page("/admin/partners", &app.session("acme", email::ADMIN).await).await;
    assert!(admin_page.select("table.data td a").contains(&"Tom & \"Jerry's\" <Resale>".to_string()));
    for page in [&queue, &list] {
        assert!(!page.text().contains("<img"), "markup came through");
        assert!(page.text().contains("&#60;img src=x onerror=alert(1)&#62; Fish &#38; Chips"));
    }
    for page in [&home, &admin_page] {
        assert!(!page.text().contains("<Resale>"), "markup came through");
        assert!(page.text().contains("Tom &#38; &#34;Jerry&#39;s&#34; &#60;Resale&#62;"));
    }
}

#[tokio::test]
async fn the_list_writes_each_registration_as_its_own_page_does_dates_and_all() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let id =
        register(&app, &p1, deal("Globex", Some("globex.example"), &["crm"])).await["id"].as_str().unwrap().to_string();
    let admin = app.token("acme", email::ADMIN).await;
    let approved = act(&app, &admin, &id, "approve", json!({})).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.text());
    let list = app.get("/api/v1/deals", Some(&p1)).await;
    assert_eq!(list.header("content-type"), Some("application/json"));
    let listed = list.json()["items"].as_array().unwrap().iter().find(|d| d["id"] == id.as_str()).unwrap().clone();
    let shown = app.get(&format!("/api/v1/deals/{id}"), Some(&p1)).await.json();
    for field in ["created_at", "decided_at", "expected_close_date", "protected_until", "estimated_value", "products"] {
        assert!(!listed[field].is_null(), "{field} is set");
        assert_eq!(listed[field], shown[field], "{field}");
    }
    assert!(listed["created_at"].as_str().unwrap().ends_with('Z'));
}

#[tokio::test]
async fn each_strength_blocks_as_it_should_and_a_probable_clash_is_approved_only_with_a_reason() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let p3 = app.token("acme", email::P3_ADMIN).await;
    let first = register(&app, &p1, deal("Hooli", Some("hooli.com"), &["crm"])).await;
    assert_eq!(act(&app, &admin, first["id"].as_str().unwrap(), "approve", json!({})).await.status, StatusCode::OK);

    // Possible (two different web domains): evidence only, approved without a word.
    let possible = register(&app, &p3, deal("Hooli", Some("hooli-shop.com"), &["crm"])).await;
    assert_eq!(possible["conflicts"][0]["strength"], "possible");
    let r = act(&app, &admin, possible["id"].as_str().unwrap(), "approve", json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    // Definitive (the same domain): refused, whatever reason is given.
    let definitive = register(&app, &p2, deal("Hooli Inc.", Some("www.hooli.com"), &["crm"])).await;
    assert_eq!(definitive["conflicts"][0]["strength"], "definitive");
    let r = act(
        &app,
        &admin,
        definitive["id"].as_str().unwrap(),
        "approve",
        json!({"override_reason": "I checked it twice."}),
    )
    .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());

    // Probable (the same name but for a descriptor, no domain): 422 naming the reason until one is given.
    let probable = register(&app, &p2, deal("Hooli Holdings", None, &["crm"])).await;
    let id = probable["id"].as_str().unwrap();
    let strengths: Vec<&str> =
        probable["conflicts"].as_array().unwrap().iter().map(|c| c["strength"].as_str().unwrap()).collect();
    assert!(strengths.contains(&"probable"), "{strengths:?}");
    for body in [json!({}), json!({"override_reason": "   "}), json!({"override_reason": "checked"})] {
        let r = act(&app, &admin, id, "approve", body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("override_reason"), "{}", r.text());
    }
    // A bare POST (no body at all) is the same as no reason.
    let bare = app
        .send(
            TestApp::request(Method::POST, &format!("/api/v1/deals/{id}/approve"))
                .header("authorization", format!("Bearer {admin}"))
                .body(axum::body::Body::empty())
                .unwrap(),
        )
        .await;
    assert_eq!(bare.status, StatusCode::UNPROCESSABLE_ENTITY);
    let reason = "Called both: Hooli Holdings is the parent's Irish holding company, a different buyer.";
    let r = act(&app, &admin, id, "approve", json!({"override_reason": reason})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "approved");

    // Staff see the reason on the registration and in its history; the audit log keeps it; the partner sees the
    // approval, not the reason.
    let shown = app.get(&format!("/api/v1/deals/{id}"), Some(&admin)).await.json();
    assert_eq!(shown["override_reason"], reason);
    let approved = shown["history"].as_array().unwrap().iter().find(|h| h["event"] == "approved").unwrap();
    assert_eq!(approved["note"], format!("Approved over a probable clash: {reason}"));
    let audited = "select count(*) from audit_log where action = 'deals.update'
        and after ->> 'override_reason' like 'Called both:%' and after ->> 'status' = 'approved'";
    assert_eq!(app.count_in(A.id, audited).await, 1);
    let partner = app.get(&format!("/api/v1/deals/{id}"), Some(&p2)).await.json();
    assert_eq!(partner["status"], "approved");
    assert!(partner.get("override_reason").is_none());
    assert!(!partner.to_string().contains("Called both"), "the staff's reason is kept from the partner: {partner}");
    let session = app.session("acme", email::CAM2).await;
    let page = app.page(&format!("/deals/{id}"), &session).await;
    assert!(page.text().contains("Approved over a probable clash"), "{}", page.text());
}

#[tokio::test]
async fn a_probable_clash_on_the_page_asks_for_a_reason_beside_the_field_and_changes_nothing_without_one() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let first = register(&app, &p1, deal("Pied Piper", None, &["crm"])).await;
    act(&app, &admin, first["id"].as_str().unwrap(), "approve", json!({})).await;
    let second = register(&app, &p2, deal("Pied Piper Group", None, &["crm"])).await;
    let id = second["id"].as_str().unwrap();
    let session = app.session("acme", email::ADMIN).await;
    let page = app.page(&format!("/deals/{id}"), &session).await;
    assert_eq!(page.select("#f-override_reason").len(), 1, "the page offers the reason field");
    let r = app.submit(&format!("/deals/{id}/approve"), &session, &[("override_reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let beside = r.select("#e-override_reason");
    assert!(beside.iter().any(|e| e.contains("different customers")), "{beside:?}");
    assert_eq!(app.get(&format!("/api/v1/deals/{id}"), Some(&admin)).await.json()["status"], "pending");
    let r = app
        .submit(&format!("/deals/{id}/approve"), &session, &[("override_reason", "Different legal entity, checked.")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(app.get(&format!("/api/v1/deals/{id}"), Some(&admin)).await.json()["status"], "approved");
    // Its protection ends with a day in the program's zone, and the page says so.
    let facts = app.page(&format!("/deals/{id}"), &session).await.select("dl.facts dd").join(" | ");
    assert!(facts.contains(", end of day, "), "{facts}");
}

/// Whatever a partner reads (API, pages, emails), a rival's registration id, partner, customer name and the vendor's
/// named accounts stay out of it.
#[tokio::test]
async fn the_rival_and_the_named_accounts_are_never_named_to_a_partner() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let rival = register(&app, &p1, deal("Vandelay Industries Inc", Some("vandelay.com"), &["crm"])).await;
    let rival_id = rival["id"].as_str().unwrap().to_string();
    act(&app, &admin, &rival_id, "approve", json!({})).await;
    let mine = register(&app, &p2, deal("VANDELAY INDUSTRIES", Some("vandelay.com"), &["crm"])).await;
    let named = register(&app, &p2, deal("Initrode", Some("initrode.com"), &["crm"])).await;
    let own_dup = register(&app, &p2, deal("Vandelay Industries Corp", Some("vandelay.com"), &["crm"])).await;
    let secrets = [rival_id.as_str(), "Vandelay Industries Inc", "Partner One", "Initrode Global", "(100%"];
    let mut seen = vec![mine.to_string(), named.to_string(), own_dup.to_string()];
    for r in [&mine, &named, &own_dup] {
        let id = r["id"].as_str().unwrap();
        seen.push(app.get(&format!("/api/v1/deals/{id}"), Some(&p2)).await.text());
        let session = app.session("acme", email::P2_ADMIN).await;
        seen.push(app.page(&format!("/deals/{id}"), &session).await.text());
    }
    seen.push(app.get("/api/v1/deals?limit=500", Some(&p2)).await.text());
    act(&app, &admin, mine["id"].as_str().unwrap(), "reject", json!({"reason": "duplicate"})).await;
    let outbox: Vec<String> = app.get("/api/v1/outbox?limit=500", Some(&admin)).await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["to"] == email::P2_ADMIN)
        .map(|m| m.to_string())
        .collect();
    assert!(!outbox.is_empty());
    seen.extend(outbox);
    for text in &seen {
        for secret in secrets {
            assert!(!text.contains(secret), "{secret:?} shown to the partner in {text}");
        }
    }
    // Its own earlier registration is the one id it is given.
    let dup = own_dup["conflicts"].as_array().unwrap().iter().find(|c| c["kind"] == "same_partner_duplicate").unwrap();
    assert_eq!(dup["deal_id"], mine["id"]);
}

/// Keys made by an older name rule are rewritten once at start-up, in every tenant, without audit noise; the search
/// then finds what the new rule calls one customer.
#[tokio::test]
async fn name_keys_of_an_older_rule_are_rewritten_once_at_start_up() {
    use sqlx::Connection;
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let b_p1 = app.token("globex", email::P1_ADMIN).await;
    register(&app, &p1, deal("Dell Technologies Inc.", None, &["crm"])).await;
    register(&app, &b_p1, deal("Dell Technologies Inc.", None, &["crm"])).await;
    let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
    // As an older rule left them.
    sqlx::query("update deals set normalized_name = 'dell technologies'").execute(&mut owner).await.unwrap();
    sqlx::query("update named_accounts set normalized_name = 'stale key'").execute(&mut owner).await.unwrap();
    sqlx::query("update name_key_version set version = 1").execute(&mut owner).await.unwrap();
    let audited = "select count(*) from audit_log where action in ('deals.update', 'named_accounts.update')";
    let before = app.count_in(A.id, audited).await;

    tributary::deals::rekey_names(&app.pool).await.unwrap();
    let keys: Vec<String> =
        sqlx::query_scalar("select distinct normalized_name from deals").fetch_all(&mut owner).await.unwrap();
    assert_eq!(keys, ["dell"]);
    let named: Vec<String> =
        sqlx::query_scalar("select normalized_name from named_accounts where name = 'Initrode Global'")
            .fetch_all(&mut owner)
            .await
            .unwrap();
    assert_eq!(named, ["initrode", "initrode"]);
    let version: i32 = sqlx::query_scalar("select version from name_key_version").fetch_one(&mut owner).await.unwrap();
    assert_eq!(version, tributary::rules::deal_conflict::NAME_KEY_VERSION);
    assert_eq!(app.count_in(A.id, audited).await, before);
    // The word counts follow the keys, in each tenant.
    let words: Vec<(String, i64)> =
        sqlx::query_as("select word, names from customer_name_words where names > 0 and word like 'dell%' order by 1")
            .fetch_all(&mut owner)
            .await
            .unwrap();
    assert_eq!(words, [("dell".to_string(), 1), ("dell".to_string(), 1)]);
    // The search finds the one customer by the new key.
    let again = register(&app, &app.token("acme", email::P2_ADMIN).await, deal("DELL", None, &["crm"])).await;
    assert_eq!(again["conflicts"][0]["kind"], "other_partner_pending");

    // Once done, a second start leaves the keys alone.
    sqlx::query("update deals set normalized_name = 'left alone'").execute(&mut owner).await.unwrap();
    tributary::deals::rekey_names(&app.pool).await.unwrap();
    let kept: i64 = sqlx::query_scalar("select count(*) from deals where normalized_name = 'left alone'")
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(kept, 3);
}

/// A word many of the tenant's customer names share says less about two names than a rare one: the same pair of
/// names clashes in a tenant where their shared word is rare, and not where most names have it.
#[tokio::test]
async fn words_many_of_the_tenants_customers_share_weigh_less() {
    use sqlx::Connection;
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let b_p1 = app.token("globex", email::P1_ADMIN).await;
    let b_p2 = app.token("globex", email::P2_ADMIN).await;
    // In the second tenant, most customers are "Nordic ..." (the counts follow the registrations, by trigger).
    let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
    let seed = register(&app, &b_p1, deal("Fjordline", None, &["crm"])).await;
    sqlx::query(
        "insert into deals (tenant_id, id, partner_id, registered_by, customer_name, normalized_name, country,
                            products, estimated_value, currency, expected_close_date, status)
         select d.tenant_id, gen_random_uuid(), d.partner_id, d.registered_by, 'Nordic ' || w, 'nordic ' || w,
                d.country, d.products, d.estimated_value, d.currency, d.expected_close_date, 'lost'
           from deals d, (select 'w' || md5(i::text) as w from generate_series(1, 300) i) n
          where d.id = $1::uuid",
    )
    .bind(seed["id"].as_str().unwrap())
    .execute(&mut owner)
    .await
    .unwrap();
    let common: i64 = sqlx::query_scalar("select names from customer_name_words where word = 'nordic'")
        .fetch_one(&mut owner)
        .await
        .unwrap();
    assert_eq!(common, 300);
    // The empty word counts every registration of each tenant: the total the weights divide by.
    let off: i64 = sqlx::query_scalar(
        "select count(*)
           from (select tenant_id, count(*) as n from deals group by tenant_id) d
           full join (select tenant_id, names from customer_name_words where word = '') w using (tenant_id)
          where coalesce(d.n, 0) <> coalesce(w.names, 0)",
    )
    .fetch_one(&mut owner)
    .await
    .unwrap();
    assert_eq!(off, 0);

    let pair = |a: &'static str, b: &'static str, first: String, second: String| {
        let app = &app;
        async move {
            register(app, &first, deal(a, None, &["crm"])).await;
            let r = register(app, &second, deal(b, None, &["crm"])).await;
            r["conflicts"]
                .as_array()
                .unwrap()
                .iter()
                .map(|c| c["strength"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let rare = pair("Nordic Widget Works", "Nordic Gadget Works", p1, p2).await;
    let shared = pair("Nordic Widget Works", "Nordic Gadget Works", b_p1.clone(), b_p2).await;
    assert_eq!(rare, ["possible"]);
    assert!(shared.is_empty(), "{shared:?}");
}

/// One group's companies under other public suffixes are found by their domain label even when their names share
/// no trigrams (initials), and a mail provider's label finds nothing.
#[tokio::test]
async fn the_same_domain_label_under_another_suffix_is_a_candidate() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let group = register(&app, &p1, deal("Bayerische Motoren Werke AG", Some("bmw.com"), &["crm"])).await;
    let initials = register(&app, &p2, deal("BMW", Some("www.bmw.co.uk"), &["crm"])).await;
    let staff = staff_conflicts(&app, &initials["id"]).await;
    assert_eq!(staff[0]["deal_id"], group["id"], "{staff}");
    assert_eq!(staff[0]["strength"], "probable");
    register(&app, &p1, deal("Zyxel Parts", Some("gmail.com"), &["crm"])).await;
    let mail = register(&app, &p2, deal("Quorvane Freight", Some("gmail.co.uk"), &["crm"])).await;
    assert_eq!(staff_conflicts(&app, &mail["id"]).await, json!([]));
}

/// Every email about a registration links straight to it and gives its dates as people write them.
#[tokio::test]
async fn a_partner_is_mailed_a_link_to_the_registration_at_each_decision() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let approved = register(&app, &p1, deal("Linked Approval Ltd", None, &["crm"])).await;
    let rejected = register(&app, &p1, deal("Linked Rejection Ltd", None, &["crm"])).await;
    let (a, r) = (approved["id"].as_str().unwrap(), rejected["id"].as_str().unwrap());
    let until =
        act(&app, &admin, a, "approve", json!({})).await.json()["protected_until"].as_str().unwrap().to_string();
    act(&app, &admin, r, "reject", json!({"reason": "existing_customer"})).await;
    let outbox = app.get("/api/v1/outbox?limit=500", Some(&admin)).await.json();
    let body_of = |subject: &str| {
        outbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["to"] == email::P1_ADMIN && m["subject"].as_str().unwrap().ends_with(subject))
            .map(|m| m["body"].as_str().unwrap().to_string())
            .unwrap_or_else(|| panic!("no mail about {subject}: {outbox}"))
    };
    let approval = body_of("Linked Approval Ltd");
    assert!(approval.contains(&format!("http://127.0.0.1:8080/deals/{a}")), "{approval}");
    let day = chrono::NaiveDate::parse_from_str(&until, "%Y-%m-%d").unwrap();
    assert!(approval.contains(&day.format("%-d %b %Y").to_string()), "{approval}");
    assert!(body_of("Linked Rejection Ltd").contains(&format!("http://127.0.0.1:8080/deals/{r}")));
}
