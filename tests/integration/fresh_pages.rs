//! Pages are read from the database on every request: a change made by another instance (here: straight in the
//! database) shows on the very next request, and one person's page never shows another partner's, CAM's or tenant's
//! rows.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::Connection;

use crate::support::*;

fn deal(customer: &str) -> Value {
    crate::deals::deal(customer, None, &["crm"])
}

/// Runs `sql` as the database's owner, as another instance or an operator would.
async fn elsewhere(app: &TestApp, sql: &'static str, id: uuid::Uuid) {
    let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
    let done = sqlx::query(sql).bind(id).execute(&mut owner).await.unwrap();
    assert!(done.rows_affected() > 0, "{sql}");
}

#[tokio::test]
async fn a_partners_home_shows_each_change_made_in_the_database_on_the_very_next_request() {
    let app = TestApp::new().await;
    let session = app.session("acme", email::P1_USER).await;
    let home = app.page("/", &session).await;
    assert_eq!(home.status, StatusCode::OK);

    // Each change shows on the very next request.
    let changes: [(&str, &str); 4] = [
        ("update partners set name = 'Renamed Reseller Ltd' where id = $1", "Renamed Reseller Ltd"),
        ("update users set name = 'Zelda Newname' where id = $1", "Zelda Newname"),
        ("update users set email = 'cam.one.renamed@example.com' where id = $1", "cam.one.renamed@example.com"),
        (
            "insert into onboarding_items (tenant_id, partner_id, position, title, phase, owner, due_on, required)
             select tenant_id, id, 99, 'Book the kick-off call', 30, 'partner', current_date + 3, true
               from partners where id = $1",
            "Book the kick-off call",
        ),
    ];
    let ids = [A.p1.0, A.p1_admin.0, A.cam1.0, A.p1.0];
    for ((sql, shown), id) in changes.into_iter().zip(ids) {
        assert!(!app.page("/", &session).await.text().contains(shown));
        elsewhere(&app, sql, id).await;
        let page = app.page("/", &session).await.text();
        assert!(page.contains(shown), "{shown} shows after: {sql}");
    }
    // A registration changes the counts.
    let pending = |page: &str| {
        let after = page.split("Waiting for a decision</div><div class=\"stat-value\">").nth(1).unwrap_or_default();
        after.split('<').next().unwrap_or_default().to_string()
    };
    let before = pending(&app.page("/", &session).await.text());
    let token = app.token("acme", email::P1_USER).await;
    let r = app.post_json("/api/v1/deals", Some(&token), deal("Kept Pages Holdings")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let after = pending(&app.page("/", &session).await.text());
    assert!(!before.is_empty());
    assert_eq!(after.parse::<i64>().unwrap(), before.parse::<i64>().unwrap() + 1, "the pending count moved");
}

#[tokio::test]
async fn a_cams_queue_and_list_follow_registrations_decisions_reassignments_and_the_policy_at_once() {
    let app = TestApp::new().await;
    let cam = app.session("acme", email::CAM1).await;
    let cam_token = app.token("acme", email::CAM1).await;
    let cam2_token = app.token("acme", email::CAM2).await;
    let partner = app.token("acme", email::P1_USER).await;
    let listed = |token: String| {
        let app = &app;
        async move {
            let r = app.get("/api/v1/deals", Some(&token)).await;
            assert_eq!(r.status, StatusCode::OK);
            r.json()["items"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["customer_name"].as_str().unwrap().to_string())
                .collect::<Vec<_>>()
        }
    };
    let queue = app.page("/deals/queue", &cam).await.text();
    assert!(!queue.contains("Queue Watchers Plc"));
    assert!(!listed(cam_token.clone()).await.contains(&"Queue Watchers Plc".to_string()));
    app.page("/deals/queue", &cam).await;
    listed(cam_token.clone()).await;

    let r = app.post_json("/api/v1/deals", Some(&partner), deal("Queue Watchers Plc")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert!(app.page("/deals/queue", &cam).await.text().contains("Queue Watchers Plc"), "a new registration shows");
    assert!(listed(cam_token.clone()).await.contains(&"Queue Watchers Plc".to_string()));

    // The policy's deadline, changed elsewhere.
    assert!(!app.page("/deals/queue", &cam).await.text().contains("within 7 hours"));
    elsewhere(
        &app,
        "insert into deal_policies (tenant_id, approval_sla_hours) values ($1, 7)
                     on conflict (tenant_id) do update set approval_sla_hours = 7",
        A.id.0,
    )
    .await;
    assert!(app.page("/deals/queue", &cam).await.text().contains("within 7 hours"));

    // A decision takes it off the queue.
    let r = app.post_json(&format!("/api/v1/deals/{id}/approve"), Some(&cam_token), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(!app.page("/deals/queue", &cam).await.text().contains("Queue Watchers Plc"));

    // A reassignment made elsewhere moves the partner's registrations from one CAM's list to the other's.
    assert!(!listed(cam2_token.clone()).await.contains(&"Queue Watchers Plc".to_string()));
    elsewhere(&app, "update partners set cam_id = (select id from users where email = 'cam2@example.com' and tenant_id = partners.tenant_id) where id = $1", A.p1.0).await;
    assert!(!listed(cam_token.clone()).await.contains(&"Queue Watchers Plc".to_string()));
    assert!(listed(cam2_token.clone()).await.contains(&"Queue Watchers Plc".to_string()));
}

#[tokio::test]
async fn a_page_never_shows_another_partners_cams_or_tenants_rows() {
    let app = TestApp::new().await;
    // The fixtures name both tenants' partners alike.
    elsewhere(&app, "update partners set name = 'Globex Reseller' where id = $1", B.p1.0).await;
    let name = |tenant: &'static str, email: &'static str| {
        let app = &app;
        async move {
            let session = app.session(tenant, email).await;
            let page = app.page("/", &session).await;
            assert_eq!(page.status, StatusCode::OK);
            page.select("h1").join(" ") + &page.text()
        }
    };
    let a1 = name("acme", email::P1_USER).await;
    let a1_again = name("acme", email::P1_ADMIN).await;
    let a2 = name("acme", email::P2_ADMIN).await;
    let b1 = name("globex", email::P1_USER).await;
    let partner_name = |tenant: tributary::ids::TenantId, partner: tributary::ids::PartnerId| {
        let app = &app;
        async move {
            let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
            sqlx::query_scalar::<_, String>("select name from partners where tenant_id = $1 and id = $2")
                .bind(tenant)
                .bind(partner)
                .fetch_one(&mut owner)
                .await
                .unwrap()
        }
    };
    let (n_a1, n_a2, n_b1) =
        (partner_name(A.id, A.p1).await, partner_name(A.id, A.p2).await, partner_name(B.id, B.p1).await);
    assert!(a1.contains(&n_a1) && a1_again.contains(&n_a1));
    assert!(a2.contains(&n_a2) && !a2.contains(&n_a1), "another partner's home");
    assert!(b1.contains(&n_b1) && !b1.contains(&n_a1), "another tenant's home");

    // CAMs: each their own list, in each tenant.
    let ids = |tenant: &'static str, email: &'static str| {
        let app = &app;
        async move {
            let token = app.token(tenant, email).await;
            let r = app.get("/api/v1/deals?status=pending", Some(&token)).await;
            assert_eq!(r.status, StatusCode::OK);
            (r.json()["total"].as_i64().unwrap(), r.text())
        }
    };
    let partner = app.token("acme", email::P1_USER).await;
    for customer in ["Only For Cam One", "Also For Cam One"] {
        assert_eq!(app.post_json("/api/v1/deals", Some(&partner), deal(customer)).await.status, StatusCode::CREATED);
    }
    let (cam1, text1) = ids("acme", email::CAM1).await;
    let (_, again) = ids("acme", email::CAM1).await;
    let (_, cam2) = ids("acme", email::CAM2).await;
    let (_, other_tenant) = ids("globex", email::CAM1).await;
    assert!(cam1 >= 2 && text1.contains("Only For Cam One") && again == text1);
    assert!(!cam2.contains("Only For Cam One"), "another CAM's list");
    assert!(!other_tenant.contains("Only For Cam One"), "another tenant's list");
}
