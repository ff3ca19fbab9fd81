//! Market development funds: funds and allocations, requests through every state and every forbidden move, the
//! ceiling under concurrent approvals, the ROI-ranked queue, the append-only ledger, and who may see what.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

pub(crate) fn quarter_start() -> String {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    let month = (today.month() - 1) / 3 * 3 + 1;
    format!("{}-{:02}-01", today.year(), month)
}

pub(crate) async fn fund(app: &TestApp, admin: &str, name: &str, total: &str) -> String {
    let r = app
        .post_json(
            "/api/v1/mdf/funds",
            Some(admin),
            json!({"name": name, "kind": "proposal", "period": "quarter", "starts_on": quarter_start(),
                   "currency": "USD", "total": total, "reimbursement_percent": "50", "claim_window_days": 60}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

pub(crate) async fn allocate(app: &TestApp, admin: &str, fund: &str, partner: impl ToString, amount: &str) -> String {
    let r = app
        .post_json(
            &format!("/api/v1/mdf/funds/{fund}/allocations"),
            Some(admin),
            json!({"partner_id": partner.to_string(), "amount": amount}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()["id"].as_str().unwrap().to_string()
}

pub(crate) fn request_body(allocation: &str, title: &str, requested: &str, audience: i64, average_deal: &str) -> Value {
    let today = chrono::Utc::now().date_naive();
    json!({
        "allocation_id": allocation, "title": title, "activity_type": "event",
        "starts_on": (today + chrono::Duration::days(10)).to_string(),
        "ends_on": (today + chrono::Duration::days(11)).to_string(),
        "total_cost": "40000.00", "requested_amount": requested,
        "waterfall": {"audience": audience, "response_rate": "10", "mql_rate": "50", "sql_rate": "40",
                      "win_rate": "25", "average_deal": average_deal}
    })
}

pub(crate) async fn draft(app: &TestApp, partner: &str, body: Value) -> String {
    let r = app.post_json("/api/v1/mdf/requests", Some(partner), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["status"], "draft");
    r.json()["id"].as_str().unwrap().to_string()
}

pub(crate) async fn act(app: &TestApp, token: &str, id: &str, action: &str, body: Value) -> Resp {
    app.post_json(&format!("/api/v1/mdf/requests/{id}/{action}"), Some(token), body).await
}

pub(crate) async fn balances(app: &TestApp, token: &str, allocation: &str) -> Value {
    let r = app.get(&format!("/api/v1/mdf/allocations/{allocation}"), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["balances"].clone()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_approvals_commit_the_allocation_exactly_and_never_more() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let f = fund(&app, &admin, "Q fund", "50000").await;
    let a = allocate(&app, &admin, &f, A.p1, "10000").await;
    let mut ids = Vec::new();
    for i in 0..200 {
        let id = draft(&app, &p1, request_body(&a, &format!("Campaign {i}"), "100.00", 1000, "20000")).await;
        assert_eq!(act(&app, &p1, &id, "submit", json!({})).await.status, StatusCode::OK);
        ids.push(id);
    }
    let attempts = ids.iter().enumerate().map(|(i, id)| {
        // The CAM and the program admin race each other too.
        let token = if i % 2 == 0 { cam1.clone() } else { admin.clone() };
        let app = &app;
        async move { app.post_json(&format!("/api/v1/mdf/requests/{id}/approve"), Some(&token), json!({})).await.status }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::OK).count(), 100, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 100, "{statuses:?}");
    let b = balances(&app, &admin, &a).await;
    assert_eq!(b["reserved"], "10000.00");
    assert_eq!(b["available"], "0.00");
    assert_eq!(app.count_in(A.id, "select sum(amount)::bigint from mdf_ledger where kind = 'reserve'").await, 10000);
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_requests where status = 'approved'").await, 100);
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_requests where status = 'submitted'").await, 100);
}

#[tokio::test]
async fn a_fund_is_never_allocated_beyond_its_total() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let f = fund(&app, &admin, "Small fund", "1000").await;
    allocate(&app, &admin, &f, A.p1, "600").await;
    let r = app
        .post_json(
            &format!("/api/v1/mdf/funds/{f}/allocations"),
            Some(&admin),
            json!({"partner_id": A.p2.to_string(), "amount": "400.01"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    allocate(&app, &admin, &f, A.p2, "400").await;
    let r = app.get(&format!("/api/v1/mdf/funds/{f}"), Some(&admin)).await;
    assert_eq!(r.json()["balances"]["allocated"], "1000.00");
    assert_eq!(r.json()["balances"]["unallocated"], "0.00");
    // A second allocation of the same partner is a conflict; adjust instead.
    let r = app
        .post_json(
            &format!("/api/v1/mdf/funds/{f}/allocations"),
            Some(&admin),
            json!({"partner_id": A.p1.to_string(), "amount": "1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn invalid_funds_and_requests_name_every_field_and_change_nothing() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let r = app
        .post_json(
            "/api/v1/mdf/funds",
            Some(&admin),
            json!({"name": "", "kind": "lavish", "period": "quarter", "starts_on": "2026-02-01", "currency": "usd1",
                   "total": "-5", "reimbursement_percent": "120", "claim_window_days": 0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let errors = r.json()["errors"].clone();
    for field in ["name", "kind", "starts_on", "currency", "total", "reimbursement_percent", "claim_window_days"] {
        assert!(errors.get(field).is_some(), "{field} not named: {errors}");
    }
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_funds").await, 0);

    let f = fund(&app, &admin, "Fund", "5000").await;
    let a = allocate(&app, &admin, &f, A.p1, "5000").await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let mut body = request_body(&a, "", "50000.00", -1, "x");
    body["activity_type"] = json!("skywriting");
    let r = app.post_json("/api/v1/mdf/requests", Some(&p1), body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let errors = r.json()["errors"].clone();
    for field in ["title", "activity_type", "requested_amount", "waterfall.audience", "waterfall.average_deal"] {
        assert!(errors.get(field).is_some(), "{field} not named: {errors}");
    }
    // Another partner's allocation is not one to ask from.
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let r = app.post_json("/api/v1/mdf/requests", Some(&p2), request_body(&a, "Mine?", "100", 10, "100")).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["errors"].get("allocation_id").is_some());
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_requests").await, 0);
}

#[tokio::test]
async fn request_and_claim_lists_refuse_a_status_they_do_not_know_even_an_empty_one() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    for list in ["requests", "claims"] {
        for status in ["", "lavish"] {
            let r = app.get(&format!("/api/v1/mdf/{list}?status={status}"), Some(&admin)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{list} status={status:?}: {}", r.text());
            assert!(r.json()["errors"].get("status").is_some(), "{}", r.text());
        }
        assert_eq!(app.get(&format!("/api/v1/mdf/{list}?status=approved"), Some(&admin)).await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn each_request_state_change_and_every_forbidden_one() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let f = fund(&app, &admin, "Fund", "50000").await;
    let a = allocate(&app, &admin, &f, A.p1, "20000").await;
    let id = draft(&app, &p1, request_body(&a, "Trade show", "10000.00", 2000, "30000")).await;

    let expect = |r: &Resp, status: StatusCode| assert_eq!(r.status, status, "{}", r.text());
    // Draft: only submit and cancel.
    for action in ["approve", "request-info"] {
        expect(&act(&app, &cam1, &id, action, json!({"message": "m"})).await, StatusCode::CONFLICT);
    }
    for action in ["reject", "decline"] {
        expect(&act(&app, &cam1, &id, action, json!({"reason": "r"})).await, StatusCode::CONFLICT);
    }
    // The partner may not decide; the CAM may not submit.
    expect(&act(&app, &p1, &id, "approve", json!({})).await, StatusCode::FORBIDDEN);
    expect(&act(&app, &cam1, &id, "submit", json!({})).await, StatusCode::FORBIDDEN);

    let r = act(&app, &p1, &id, "submit", json!({})).await;
    expect(&r, StatusCode::OK);
    assert_eq!(r.json()["status"], "submitted");
    expect(&act(&app, &p1, &id, "submit", json!({})).await, StatusCode::CONFLICT);
    // Editing is closed while it is with the CAM.
    let edit = app
        .json(
            Method::PATCH,
            &format!("/api/v1/mdf/requests/{id}"),
            Some(&p1),
            request_body(&a, "Edited", "9000", 2000, "30000"),
        )
        .await;
    expect(&edit, StatusCode::CONFLICT);

    // Information requested, answered by resubmitting.
    expect(&act(&app, &cam1, &id, "request-info", json!({"message": ""})).await, StatusCode::UNPROCESSABLE_ENTITY);
    let r = act(&app, &cam1, &id, "request-info", json!({"message": "Which show?"})).await;
    expect(&r, StatusCode::OK);
    assert_eq!(r.json()["status"], "info_requested");
    expect(&act(&app, &cam1, &id, "approve", json!({})).await, StatusCode::CONFLICT);
    let edit = app
        .json(
            Method::PATCH,
            &format!("/api/v1/mdf/requests/{id}"),
            Some(&p1),
            request_body(&a, "Trade show (CeBIT)", "10000.00", 2000, "30000"),
        )
        .await;
    expect(&edit, StatusCode::OK);
    expect(&act(&app, &p1, &id, "submit", json!({})).await, StatusCode::OK);

    // Rejected, then resubmitted.
    let r = act(&app, &cam1, &id, "reject", json!({"reason": "Too early"})).await;
    expect(&r, StatusCode::OK);
    assert_eq!(r.json()["status"], "rejected");
    expect(&act(&app, &cam1, &id, "approve", json!({})).await, StatusCode::CONFLICT);
    expect(&act(&app, &p1, &id, "submit", json!({})).await, StatusCode::OK);

    // Partly approved: more than requested is invalid, less reserves less.
    expect(&act(&app, &cam1, &id, "approve", json!({"amount": "10000.01"})).await, StatusCode::UNPROCESSABLE_ENTITY);
    let r = act(&app, &cam1, &id, "approve", json!({"amount": "7500"})).await;
    expect(&r, StatusCode::OK);
    assert_eq!(r.json()["status"], "partly_approved");
    assert_eq!(r.json()["approved_amount"], "7500.00");
    assert_eq!(r.json()["reimbursement_percent"], "50");
    assert!(r.json()["claim_deadline"].is_string());
    assert_eq!(balances(&app, &p1, &a).await["reserved"], "7500.00");
    for action in ["approve", "submit", "request-info"] {
        expect(
            &act(&app, &cam1, &id, action, json!({"message": "m"})).await,
            if action == "submit" { StatusCode::FORBIDDEN } else { StatusCode::CONFLICT },
        );
    }
    expect(&act(&app, &cam1, &id, "decline", json!({"reason": "r"})).await, StatusCode::CONFLICT);
    // The history tells every step.
    let r = app.get(&format!("/api/v1/mdf/requests/{id}"), Some(&p1)).await;
    let detail = r.json();
    let steps: Vec<&str> = detail["history"].as_array().unwrap().iter().map(|h| h["to"].as_str().unwrap()).collect();
    assert_eq!(
        steps,
        ["draft", "submitted", "info_requested", "submitted", "rejected", "submitted", "partly_approved"]
    );

    // Cancelled: the reservation is released; nothing more may happen.
    expect(&act(&app, &cam1, &id, "cancel", json!({})).await, StatusCode::FORBIDDEN);
    let r = act(&app, &p1, &id, "cancel", json!({})).await;
    expect(&r, StatusCode::OK);
    assert_eq!(r.json()["status"], "cancelled");
    let b = balances(&app, &p1, &a).await;
    assert_eq!((b["reserved"].as_str(), b["available"].as_str()), (Some("0.00"), Some("20000.00")));
    expect(&act(&app, &p1, &id, "cancel", json!({})).await, StatusCode::CONFLICT);
    expect(&act(&app, &p1, &id, "submit", json!({})).await, StatusCode::CONFLICT);

    // Declined is final.
    let other = draft(&app, &p1, request_body(&a, "Webinar", "1000", 500, "10000")).await;
    expect(&act(&app, &p1, &other, "submit", json!({})).await, StatusCode::OK);
    expect(&act(&app, &cam1, &other, "decline", json!({"reason": "Not our audience"})).await, StatusCode::OK);
    for action in ["submit", "cancel"] {
        expect(&act(&app, &p1, &other, action, json!({})).await, StatusCode::CONFLICT);
    }
    // Every decision reached the partner by email.
    let sent = app.count_in(A.id, "select count(*) from outbox where subject like 'MDF request%'").await;
    assert!(sent >= 5, "{sent} emails");
    // And every change is in the audit log.
    assert!(app.count_in(A.id, "select count(*) from audit_log where entity_type = 'mdf_requests'").await >= 8);
}

#[tokio::test]
async fn the_queue_ranks_by_roi_with_a_running_total_against_the_remaining_budget() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let cam2 = app.token("acme", email::CAM2).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let f = fund(&app, &admin, "Fund", "100000").await;
    let a = allocate(&app, &admin, &f, A.p1, "25000").await;
    // 1,000 × 10 % × 50 % × 40 % × 25 % = 5 wins × 10,000 = 50,000 for 10,000: ROI 5.
    let low = draft(&app, &p1, request_body(&a, "Webinar", "10000.00", 1000, "10000")).await;
    // 2,000 × … = 10 wins × 30,000 = 300,000 for 20,000: ROI 15.
    let high = draft(&app, &p1, request_body(&a, "Trade show", "20000.00", 2000, "30000")).await;
    for id in [&low, &high] {
        assert_eq!(act(&app, &p1, id, "submit", json!({})).await.status, StatusCode::OK);
    }
    let r = app.get("/api/v1/mdf/queue", Some(&cam1)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let q = r.json();
    let items = q["items"].as_array().unwrap();
    assert_eq!(items.len(), 2);
    assert_eq!(items[0]["request"]["id"].as_str(), Some(high.as_str()));
    assert_eq!(items[0]["request"]["waterfall"]["wins"], "10.0");
    assert_eq!(items[0]["request"]["waterfall"]["forecast_revenue"], "300000.00");
    assert_eq!(items[0]["risk_adjusted_roi"], "15.00");
    assert_eq!(items[0]["running_total"], "20000.00");
    assert_eq!(items[1]["risk_adjusted_roi"], "5.00");
    assert_eq!(items[1]["running_total"], "30000.00");
    assert_eq!(q["remaining_budget"], "25000.00");
    // Another CAM's queue does not hold them; partners have no queue.
    assert_eq!(app.get("/api/v1/mdf/queue", Some(&cam2)).await.json()["total"], 0);
    assert_eq!(app.get("/api/v1/mdf/queue", Some(&p1)).await.status, StatusCode::FORBIDDEN);
    // Approving the first leaves the second above what remains.
    assert_eq!(act(&app, &cam1, &high, "approve", json!({})).await.status, StatusCode::OK);
    let q = app.get("/api/v1/mdf/queue", Some(&cam1)).await.json();
    assert_eq!(q["remaining_budget"], "5000.00");
    assert_eq!(act(&app, &cam1, &low, "approve", json!({})).await.status, StatusCode::CONFLICT);
    assert_eq!(act(&app, &cam1, &low, "approve", json!({"amount": "5000"})).await.status, StatusCode::OK);
}

#[tokio::test]
async fn another_tenants_another_partners_and_an_unassigned_cams_mdf_objects_are_404() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let f = fund(&app, &admin, "Fund", "10000").await;
    let a = allocate(&app, &admin, &f, A.p1, "5000").await;
    let id = draft(&app, &p1, request_body(&a, "Trade show", "1000", 100, "1000")).await;
    assert_eq!(act(&app, &p1, &id, "submit", json!({})).await.status, StatusCode::OK);

    let other_tenant = app.token("globex", email::ADMIN).await;
    let other_partner = app.token("acme", email::P2_ADMIN).await;
    let unassigned_cam = app.token("acme", email::CAM2).await;
    for token in [&other_tenant, &other_partner, &unassigned_cam] {
        assert_eq!(app.get(&format!("/api/v1/mdf/requests/{id}"), Some(token)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(app.get(&format!("/api/v1/mdf/allocations/{a}"), Some(token)).await.status, StatusCode::NOT_FOUND);
        let r = app.get("/api/v1/mdf/requests", Some(token)).await;
        assert_eq!(r.json()["total"], 0, "{}", r.text());
    }
    assert_eq!(app.get(&format!("/api/v1/mdf/funds/{f}"), Some(&other_tenant)).await.status, StatusCode::NOT_FOUND);
    let r = app
        .post_json(
            &format!("/api/v1/mdf/funds/{f}/allocations"),
            Some(&other_tenant),
            json!({"partner_id": B.p1.to_string(), "amount": "1"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    for token in [&other_tenant, &unassigned_cam] {
        assert_eq!(act(&app, token, &id, "approve", json!({})).await.status, StatusCode::NOT_FOUND);
        assert_eq!(act(&app, token, &id, "reject", json!({"reason": "r"})).await.status, StatusCode::NOT_FOUND);
    }
    assert_eq!(act(&app, &other_partner, &id, "cancel", json!({})).await.status, StatusCode::NOT_FOUND);
    // Partners do not see funds at all.
    assert_eq!(app.get(&format!("/api/v1/mdf/funds/{f}"), Some(&p1)).await.status, StatusCode::FORBIDDEN);
    // Nothing changed.
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_requests where status = 'submitted'").await, 1);
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_ledger where kind = 'reserve'").await, 0);
}

#[tokio::test]
async fn the_ledger_refuses_every_change_to_past_rows() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let f = fund(&app, &admin, "Fund", "10000").await;
    allocate(&app, &admin, &f, A.p1, "5000").await;
    for sql in ["update mdf_ledger set amount = 1", "delete from mdf_ledger"] {
        let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
        assert!(sqlx::query(sql).execute(&mut *tx).await.is_err(), "{sql} was allowed");
    }
    // Not even the owner may edit it.
    use sqlx::Connection;
    let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
    for sql in ["update mdf_ledger set amount = 1", "delete from mdf_ledger", "truncate mdf_ledger"] {
        assert!(sqlx::query(sql).execute(&mut owner).await.is_err(), "{sql} was allowed to the owner");
    }
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_ledger").await, 1);
}

/// For the foreign-id sweep (tenancy.rs): another tenant's fund, allocation and request, and Partner Two's
/// allocation and request, as `(resource, (other tenant's id, Partner Two's id))`.
pub(crate) async fn foreign_objects(app: &TestApp) -> Vec<(&'static str, (String, Option<String>))> {
    let b_admin = app.token("globex", email::ADMIN).await;
    let b_fund = fund(app, &b_admin, "Foreign fund", "1000").await;
    let b_allocation = allocate(app, &b_admin, &b_fund, B.p1, "500").await;
    let b_request = draft(
        app,
        &app.token("globex", email::P1_ADMIN).await,
        request_body(&b_allocation, "Foreign", "100", 10, "100"),
    )
    .await;
    let admin = app.token("acme", email::ADMIN).await;
    let a_fund = fund(app, &admin, "Sweep fund", "1000").await;
    let p2_allocation = allocate(app, &admin, &a_fund, A.p2, "500").await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let p2_request = draft(app, &p2, request_body(&p2_allocation, "Partner Two's", "100", 10, "100")).await;
    assert_eq!(act(app, &p2, &p2_request, "submit", json!({})).await.status, StatusCode::OK);
    let mut objects = vec![
        ("mdf/funds", (b_fund, None)),
        ("mdf/allocations", (b_allocation, Some(p2_allocation))),
        ("mdf/requests", (b_request, Some(p2_request))),
    ];
    objects.extend(crate::mdf_claims::foreign_claims(app).await);
    objects
}

#[tokio::test]
async fn the_funds_page_shows_a_partner_its_balance_and_lets_the_cam_decide_from_the_ranked_queue() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let f = fund(&app, &admin, "Q fund", "50000").await;
    let a = allocate(&app, &admin, &f, A.p1, "12000").await;
    let low = draft(&app, &p1, request_body(&a, "Webinar series", "10000.00", 1000, "10000")).await;
    let high = draft(&app, &p1, request_body(&a, "Trade show", "5000.00", 2000, "30000")).await;

    // The partner submits one from its page and sees what to do next.
    let partner = app.session("acme", email::P1_ADMIN).await;
    let r = app.page("/mdf", &partner).await;
    assert_eq!(r.status, StatusCode::OK);
    let text = r.text();
    assert!(text.contains("USD 12,000.00"), "{text}");
    assert!(text.contains("Submit it for a decision."));
    for id in [&low, &high] {
        let r = app.submit(&format!("/mdf/requests/{id}/submit"), &partner, &[]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    }

    // The CAM sees the higher ROI first, with the running total against the remaining budget.
    let cam = app.session("acme", email::CAM1).await;
    let r = app.page("/mdf", &cam).await;
    let rows = r.select("table.data tbody tr td:first-child");
    assert!(rows[0].contains("Trade show") && rows[1].contains("Webinar series"), "{rows:?}");
    let text = r.text();
    assert!(text.contains("USD 12,000.00") && text.contains("USD 15,000.00") && text.contains("over budget"), "{text}");
    let r = app.submit(&format!("/mdf/requests/{high}/approve"), &cam, &[("amount", "")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // More than the allocation holds: refused on the page, nothing reserved.
    let r = app.submit(&format!("/mdf/requests/{low}/approve"), &cam, &[("amount", "")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.text().contains("over-commit"), "{}", r.text());
    assert_eq!(balances(&app, &admin, &a).await["reserved"], "5000.00");
    // Another CAM's page does not list them.
    let cam2 = app.session("acme", email::CAM2).await;
    assert!(!app.page("/mdf", &cam2).await.text().contains("Webinar series"));
}

#[tokio::test]
async fn the_partner_home_shows_its_available_balance_and_next_deadline_and_the_cam_home_each_partners_funds() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let f = fund(&app, &admin, "Q fund", "50000").await;
    let a = allocate(&app, &admin, &f, A.p1, "12000").await;
    allocate(&app, &admin, &f, A.p2, "7000").await;
    let id = draft(&app, &p1, request_body(&a, "Trade show", "2000.00", 2000, "30000")).await;
    assert_eq!(act(&app, &p1, &id, "submit", json!({})).await.status, StatusCode::OK);
    let approved = act(&app, &cam1, &id, "approve", json!({})).await.json();
    let deadline: chrono::NaiveDate = approved["claim_deadline"].as_str().unwrap().parse().unwrap();

    let home = app.page("/", &app.session("acme", email::P1_ADMIN).await).await.text();
    assert!(home.contains("USD 10,000.00"), "{home}");
    // The claim deadline comes before the allocation's expiry at the end of the quarter only when it is earlier.
    let expiry = chrono::NaiveDate::parse_from_str(&quarter_start(), "%Y-%m-%d").unwrap() + chrono::Months::new(3)
        - chrono::Duration::days(1);
    assert!(home.contains(&tributary::web::format::date(deadline.min(expiry))), "{home}");

    let cam_home = app.page("/", &app.session("acme", email::CAM1).await).await.text();
    assert!(cam_home.contains("Partner One") && cam_home.contains("USD 2,000.00"), "{cam_home}");
    assert!(!cam_home.contains("USD 7,000.00"), "another CAM's partner shows: {cam_home}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_deadline_job_run_by_two_instances_at_once_expires_and_warns_once() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let f = fund(&app, &admin, "Q fund", "50000").await;
    let a = allocate(&app, &admin, &f, A.p1, "10000").await;
    let today = chrono::Utc::now().date_naive();
    let dated = |title: &str, ended_days_ago: i64| {
        let mut body = request_body(&a, title, "1000.00", 100, "1000");
        body["starts_on"] = json!((today - chrono::Duration::days(ended_days_ago + 1)).to_string());
        body["ends_on"] = json!((today - chrono::Duration::days(ended_days_ago)).to_string());
        body
    };
    // The fund's claim window is 60 days: one deadline passed a month ago, one comes in five days, one in a month.
    let overdue = draft(&app, &p1, dated("Spring show", 90)).await;
    let soon = draft(&app, &p1, dated("Summer webinar", 55)).await;
    let later = draft(&app, &p1, dated("Autumn mailing", 30)).await;
    for id in [&overdue, &soon, &later] {
        assert_eq!(act(&app, &p1, id, "submit", json!({})).await.status, StatusCode::OK);
        assert_eq!(act(&app, &cam1, id, "approve", json!({})).await.status, StatusCode::OK);
    }
    assert_eq!(balances(&app, &admin, &a).await["reserved"], "3000.00");

    let (one, two) = (app.state(), app.state());
    let (r1, r2) = tokio::join!(tributary::jobs::mdf_deadlines(&one), tributary::jobs::mdf_deadlines(&two));
    let (r1, r2) = (r1.unwrap(), r2.unwrap());
    assert_eq!((r1.0 + r2.0, r1.1 + r2.1), (1, 1), "{r1:?} {r2:?}");
    // A third run finds nothing left to do.
    assert_eq!(tributary::jobs::mdf_deadlines(&one).await.unwrap(), (0, 0));

    let status = |id: &String| {
        let app = &app;
        let p1 = p1.clone();
        let id = id.clone();
        async move { app.get(&format!("/api/v1/mdf/requests/{id}"), Some(&p1)).await.json()["status"].clone() }
    };
    assert_eq!(status(&overdue).await, "expired");
    assert_eq!(status(&soon).await, "approved");
    assert_eq!(status(&later).await, "approved");
    let b = balances(&app, &admin, &a).await;
    assert_eq!((b["reserved"].as_str(), b["available"].as_str()), (Some("2000.00"), Some("8000.00")));
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_ledger where kind = 'release'").await, 1);
    assert_eq!(app.count_in(A.id, "select count(*) from outbox where subject like 'MDF request expired:%'").await, 1);
    assert_eq!(
        app.count_in(A.id, "select count(*) from outbox where subject like 'MDF claim deadline coming:%'").await,
        1
    );
    // Nothing more can happen to the expired request.
    assert_eq!(act(&app, &p1, &overdue, "cancel", json!({})).await.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_ledger_reads_back_every_movement_and_exports_as_csv_for_finance() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let f = fund(&app, &admin, "Q fund", "50000").await;
    let a = allocate(&app, &admin, &f, A.p1, "10000").await;
    allocate(&app, &admin, &f, A.p2, "3000").await;
    let id = draft(&app, &p1, request_body(&a, "Trade show, \"big\"", "2500.00", 100, "100")).await;
    act(&app, &p1, &id, "submit", json!({})).await;
    act(&app, &cam1, &id, "approve", json!({})).await;
    act(&app, &p1, &id, "cancel", json!({})).await;

    let r = app.get("/api/v1/mdf/ledger", Some(&p1)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let kinds: Vec<String> =
        r.json()["items"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap().to_string()).collect();
    assert_eq!(kinds, ["release", "reserve", "allocate"], "newest first, the partner's own");
    assert_eq!(app.get("/api/v1/mdf/ledger", Some(&admin)).await.json()["total"], 4);
    assert_eq!(app.get("/api/v1/mdf/ledger", Some(&app.token("acme", email::CAM2).await)).await.json()["total"], 1);

    let r = app.get("/api/v1/mdf/ledger.csv", Some(&app.token("acme", email::CHIEF).await)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").unwrap().starts_with("text/csv"));
    let text = r.text();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 5, "{text}");
    assert!(lines[0].starts_with("created_at,kind,amount,currency,partner"));
    assert!(lines[1].contains(",allocate,10000.00,USD,Partner One,"), "{text}");
    assert!(lines[4].contains(",release,2500.00,USD,Partner One,") && lines[4].contains("request cancelled"), "{text}");
    assert_eq!(app.get("/api/v1/mdf/ledger.csv", Some(&p1)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_accrual_allocation_is_the_percent_of_last_periods_won_revenue() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    // Partner One wins 123,456.78 this quarter; a lost deal and Partner Two's win do not count.
    for (who, token, outcome, amount) in
        [("Won Co", &p1, "won", "123456.78"), ("Lost Co", &p1, "lost", "5000"), ("Other Co", &p1, "won", "0")]
    {
        let r = app.post_json("/api/v1/deals", Some(token), crate::deals::deal(who, None, &["crm"])).await;
        let id = r.json()["id"].as_str().unwrap().to_string();
        assert_eq!(
            app.post_json(&format!("/api/v1/deals/{id}/approve"), Some(&cam1), json!({})).await.status,
            StatusCode::OK
        );
        if amount != "0" {
            let r = app
                .post_json(
                    &format!("/api/v1/deals/{id}/close"),
                    Some(token),
                    json!({"outcome": outcome, "amount": amount}),
                )
                .await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        }
    }
    let next_quarter =
        (chrono::NaiveDate::parse_from_str(&quarter_start(), "%Y-%m-%d").unwrap() + chrono::Months::new(3)).to_string();
    let r = app
        .post_json(
            "/api/v1/mdf/funds",
            Some(&admin),
            json!({"name": "Accrual", "kind": "accrual", "period": "quarter", "starts_on": next_quarter,
                   "currency": "USD", "total": "100000", "reimbursement_percent": "100", "claim_window_days": 30,
                   "accrual_percent": "3"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let f = r.json()["id"].as_str().unwrap().to_string();
    // An amount is computed, not given.
    let r = app
        .post_json(
            &format!("/api/v1/mdf/funds/{f}/allocations"),
            Some(&admin),
            json!({"partner_id": A.p1.to_string(), "amount": "5"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let r = app
        .post_json(&format!("/api/v1/mdf/funds/{f}/allocations"), Some(&admin), json!({"partner_id": A.p1.to_string()}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // 3 % of 123,456.78 = 3,703.7034, rounded down to the cent.
    assert_eq!(r.json()["balances"]["allocated"], "3703.70");
    assert_eq!(r.json()["basis"]["won_revenue"], "123456.78");
    assert_eq!(r.json()["basis"]["accrual_percent"], "3");
}
