//! MDF claims: lines with proof of performance, review within the claim limit, payment in instalments, the ledger
//! rows each writes, every forbidden move, the upload checks, and who may see what.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::mdf::{act, allocate, balances, draft, fund, request_body};
use crate::support::*;

pub(crate) const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n";

/// A `multipart/form-data` body with a `file` part and a `kind` part.
pub(crate) fn multipart(file_name: &str, kind: &str, bytes: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----tributary-test-boundary-7d1f";
    let mut body = Vec::new();
    body.extend_from_slice(
        format!("--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n").as_bytes(),
    );
    body.extend_from_slice(
        format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
             Content-Type: application/octet-stream\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub(crate) async fn upload(app: &TestApp, token: &str, line: &str, file_name: &str, bytes: &[u8]) -> Resp {
    let (content_type, body) = multipart(file_name, "invoice", bytes);
    let r = TestApp::request(Method::POST, &format!("/api/v1/mdf/claim-lines/{line}/attachments"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    app.send(r).await
}

/// An approved request of Partner One for `approved` of a 20,000 allocation (fund at 50 % reimbursement).
async fn approved_request(app: &TestApp, requested: &str) -> (String, String) {
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let f = fund(app, &admin, "Claims fund", "50000").await;
    let a = allocate(app, &admin, &f, A.p1, "20000").await;
    let id = draft(app, &p1, request_body(&a, "Trade show", requested, 2000, "30000")).await;
    assert_eq!(act(app, &p1, &id, "submit", json!({})).await.status, StatusCode::OK);
    assert_eq!(act(app, &cam1, &id, "approve", json!({})).await.status, StatusCode::OK);
    (id, a)
}

async fn new_claim(app: &TestApp, token: &str, request: &str, lines: Value) -> Resp {
    app.post_json(&format!("/api/v1/mdf/requests/{request}/claims"), Some(token), json!({"lines": lines})).await
}

fn line_ids(claim: &Value) -> Vec<String> {
    claim["lines"].as_array().unwrap().iter().map(|l| l["id"].as_str().unwrap().to_string()).collect()
}

#[tokio::test]
async fn a_claim_is_reviewed_line_by_line_within_its_limit_and_paid_in_instalments() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let (request, allocation) = approved_request(&app, "10000.00").await;

    let lines = json!([{"description": "Booth and venue", "amount": "3000"},
                       {"description": "Catering", "amount": "2500"},
                       {"description": "Give-aways", "amount": "800"}]);
    let r = new_claim(&app, &p1, &request, lines).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let claim = r.json();
    let id = claim["id"].as_str().unwrap().to_string();
    assert_eq!(claim["status"], "draft");
    assert_eq!(claim["claimed_total"], "6300.00");
    // 10,000 approved × 50 % reimbursement.
    assert_eq!(claim["limit"], "5000.00");
    let lines = line_ids(&claim);

    // Every line needs its proof before the claim can be filed.
    let r = app.post_json(&format!("/api/v1/mdf/claims/{id}/submit"), Some(&p1), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    for i in 0..3 {
        assert!(r.json()["errors"].get(format!("lines[{i}].attachments")).is_some(), "{}", r.text());
    }
    for line in &lines {
        let r = upload(&app, &p1, line, "invoice.pdf", PDF).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["content_type"], "application/pdf");
        assert_eq!(r.json()["size"], PDF.len());
    }
    let r = app.post_json(&format!("/api/v1/mdf/claims/{id}/submit"), Some(&p1), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "submitted");
    let req = app.get(&format!("/api/v1/mdf/requests/{request}"), Some(&p1)).await.json();
    assert_eq!(req["status"], "claimed");

    // Approving every line in full would pay 6,300 against a limit of 5,000.
    let all: Vec<Value> = lines.iter().map(|l| json!({"id": l, "verdict": "approved"})).collect();
    let r = app.post_json(&format!("/api/v1/mdf/claims/{id}/review"), Some(&cam1), json!({"lines": all})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.json()["errors"].get("lines").is_some());
    // A reduction needs a reason and an amount below the line's.
    let bad = json!({"lines": [{"id": lines[0], "verdict": "approved"},
                               {"id": lines[1], "verdict": "reduced", "approved_amount": "2500"},
                               {"id": lines[2], "verdict": "rejected"}]});
    let r = app.post_json(&format!("/api/v1/mdf/claims/{id}/review"), Some(&cam1), bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let errors = r.json()["errors"].clone();
    for field in ["lines[1].approved_amount", "lines[1].reason", "lines[2].reason"] {
        assert!(errors.get(field).is_some(), "{field} not named: {errors}");
    }
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_ledger where kind = 'claim'").await, 0);

    let review = json!({"lines": [{"id": lines[0], "verdict": "approved"},
                                  {"id": lines[1], "verdict": "reduced", "approved_amount": "1500", "reason": "Lunch for 30, not 50"},
                                  {"id": lines[2], "verdict": "rejected", "reason": "Give-aways are not covered"}]});
    let r = app.post_json(&format!("/api/v1/mdf/claims/{id}/review"), Some(&cam1), review).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let c = r.json();
    assert_eq!(c["status"], "partly_approved");
    assert_eq!(c["approved_total"], "4500.00");
    assert_eq!(c["lines"][1]["verdict"], "reduced");
    assert_eq!(c["lines"][1]["approved_amount"], "1500.00");
    assert_eq!(c["lines"][2]["approved_amount"], "0.00");
    // The ledger: 4,500 claimed, the other 5,500 of the reservation released.
    let b = balances(&app, &admin, &allocation).await;
    assert_eq!((b["reserved"].as_str(), b["claimed"].as_str()), (Some("0.00"), Some("4500.00")));
    assert_eq!(b["available"], "15500.00");
    assert_eq!(app.count_in(A.id, "select sum(amount)::bigint from mdf_ledger where kind = 'release'").await, 5500);

    // Payments: only the program admin, never above the approved total, in instalments.
    let pay = |amount: &str| json!({"amount": amount, "paid_on": "2026-03-31", "reference": "PAY-1"});
    let url = format!("/api/v1/mdf/claims/{id}/payments");
    assert_eq!(app.post_json(&url, Some(&cam1), pay("100")).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.post_json(&url, Some(&admin), pay("4500.01")).await.status, StatusCode::CONFLICT);
    let r = app.post_json(&url, Some(&admin), json!({"amount": "-1", "paid_on": "someday", "reference": ""})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    for field in ["amount", "paid_on", "reference"] {
        assert!(r.json()["errors"].get(field).is_some(), "{field}: {}", r.text());
    }
    assert_eq!(app.post_json(&url, Some(&admin), pay("3000")).await.status, StatusCode::CREATED);
    let c = app.get(&format!("/api/v1/mdf/claims/{id}"), Some(&p1)).await.json();
    assert_eq!((c["status"].as_str(), c["paid_total"].as_str()), (Some("partly_paid"), Some("3000.00")));
    assert_eq!(app.post_json(&url, Some(&admin), pay("1500.01")).await.status, StatusCode::CONFLICT);
    assert_eq!(app.post_json(&url, Some(&admin), pay("1500")).await.status, StatusCode::CREATED);
    let c = app.get(&format!("/api/v1/mdf/claims/{id}"), Some(&p1)).await.json();
    assert_eq!(c["status"], "paid");
    assert_eq!(c["payments"].as_array().unwrap().len(), 2);
    assert_eq!(app.post_json(&url, Some(&admin), pay("0.01")).await.status, StatusCode::CONFLICT);
    let b = balances(&app, &p1, &allocation).await;
    assert_eq!((b["claimed"].as_str(), b["paid"].as_str()), (Some("0.00"), Some("4500.00")));
    assert_eq!(
        app.count_in(A.id, "select count(*) from mdf_ledger where kind = 'pay' and payment_id is not null").await,
        2
    );

    // The CAM heard of the claim; the partner of the review and of each payment.
    let outbox = app.get("/api/v1/outbox", Some(&admin)).await.json();
    let subjects: Vec<&str> =
        outbox["items"].as_array().unwrap().iter().map(|m| m["subject"].as_str().unwrap()).collect();
    assert!(subjects.contains(&"MDF claim to review: Trade show"), "{subjects:?}");
    assert!(subjects.contains(&"MDF claim partly approved: Trade show"), "{subjects:?}");
    assert_eq!(subjects.iter().filter(|s| **s == "MDF payment made: Trade show").count(), 2, "{subjects:?}");
}

#[tokio::test]
async fn every_forbidden_claim_move_is_a_conflict_and_changes_nothing() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let (request, allocation) = approved_request(&app, "4000").await;

    // A request not approved cannot be claimed.
    let other = draft(&app, &p1, request_body(&allocation, "Webinar", "1000", 100, "1000")).await;
    let r = new_claim(&app, &p1, &other, json!([])).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    // Invalid lines are named; nothing is written.
    let r = new_claim(&app, &p1, &request, json!([{"description": "", "amount": "-3"}])).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["errors"].get("lines[0].description").is_some() && r.json()["errors"].get("lines[0].amount").is_some()
    );
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_claims").await, 0);

    let r = new_claim(&app, &p1, &request, json!([{"description": "Venue", "amount": "1000"}])).await;
    assert_eq!(r.status, StatusCode::CREATED);
    let id = r.json()["id"].as_str().unwrap().to_string();
    let line = line_ids(&r.json())[0].clone();
    // One claim per request.
    assert_eq!(new_claim(&app, &p1, &request, json!([])).await.status, StatusCode::CONFLICT);
    // A draft is neither reviewed nor paid; the CAM does not file it.
    let review = json!({"lines": [{"id": line, "verdict": "approved"}]});
    assert_eq!(
        app.post_json(&format!("/api/v1/mdf/claims/{id}/review"), Some(&cam1), review.clone()).await.status,
        StatusCode::CONFLICT
    );
    let pay = json!({"amount": "1", "paid_on": "2026-01-01", "reference": "x"});
    assert_eq!(
        app.post_json(&format!("/api/v1/mdf/claims/{id}/payments"), Some(&admin), pay.clone()).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.post_json(&format!("/api/v1/mdf/claims/{id}/submit"), Some(&cam1), json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    // A draft's lines and files can change.
    let r = app
        .post_json(&format!("/api/v1/mdf/claims/{id}/lines"), Some(&p1), json!({"description": "Ads", "amount": "200"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED);
    let extra = line_ids(&r.json())[1].clone();
    assert_eq!(app.delete(&format!("/api/v1/mdf/claim-lines/{extra}"), Some(&p1)).await.status, StatusCode::NO_CONTENT);
    let file = upload(&app, &p1, &line, "photo.png", b"\x89PNG\r\n\x1a\n0000").await;
    assert_eq!(file.status, StatusCode::CREATED, "{}", file.text());
    let file = file.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.post_json(&format!("/api/v1/mdf/claims/{id}/submit"), Some(&p1), json!({})).await.status,
        StatusCode::OK
    );

    // Once filed: no second filing, no new lines or files, no removal; the request cannot be cancelled any more.
    assert_eq!(
        app.post_json(&format!("/api/v1/mdf/claims/{id}/submit"), Some(&p1), json!({})).await.status,
        StatusCode::CONFLICT
    );
    let r = app
        .post_json(&format!("/api/v1/mdf/claims/{id}/lines"), Some(&p1), json!({"description": "More", "amount": "1"}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(upload(&app, &p1, &line, "more.pdf", PDF).await.status, StatusCode::CONFLICT);
    assert_eq!(app.delete(&format!("/api/v1/mdf/attachments/{file}"), Some(&p1)).await.status, StatusCode::CONFLICT);
    assert_eq!(app.delete(&format!("/api/v1/mdf/claim-lines/{line}"), Some(&p1)).await.status, StatusCode::CONFLICT);
    assert_eq!(act(&app, &p1, &request, "cancel", json!({})).await.status, StatusCode::CONFLICT);
    // Reviewed: not again; rejected in full, nothing is payable and all of the reservation goes back.
    let rejected = json!({"lines": [{"id": line, "verdict": "rejected", "reason": "No proof of the event"}]});
    let r = app.post_json(&format!("/api/v1/mdf/claims/{id}/review"), Some(&cam1), rejected.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["status"], "rejected");
    assert_eq!(
        app.post_json(&format!("/api/v1/mdf/claims/{id}/review"), Some(&cam1), rejected).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.post_json(&format!("/api/v1/mdf/claims/{id}/payments"), Some(&admin), pay).await.status,
        StatusCode::CONFLICT
    );
    let b = balances(&app, &admin, &allocation).await;
    assert_eq!(
        (b["reserved"].as_str(), b["claimed"].as_str(), b["available"].as_str()),
        (Some("0.00"), Some("0.00"), Some("20000.00"))
    );

    // After the claim deadline a claim cannot be opened.
    let late = draft(&app, &p1, request_body(&allocation, "Late", "1000", 100, "1000")).await;
    assert_eq!(act(&app, &p1, &late, "submit", json!({})).await.status, StatusCode::OK);
    assert_eq!(act(&app, &cam1, &late, "approve", json!({})).await.status, StatusCode::OK);
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    sqlx::query("update mdf_requests set claim_deadline = current_date - 1 where title = 'Late'")
        .execute(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(new_claim(&app, &p1, &late, json!([])).await.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn uploads_are_checked_for_size_and_type_and_a_refused_one_leaves_nothing() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let (request, _) = approved_request(&app, "4000").await;
    let r = new_claim(&app, &p1, &request, json!([{"description": "Venue", "amount": "1000"}])).await;
    let line = line_ids(&r.json())[0].clone();

    // An executable named like a PDF, a PDF named like a picture, a script, a file without a name's extension.
    for (name, bytes) in [
        ("invoice.pdf", &b"MZ\x90\x00\x03\x00\x00\x00"[..]),
        ("photo.png", PDF),
        ("run.sh", b"#!/bin/sh\necho hi\n"),
        ("invoice", PDF),
    ] {
        let r = upload(&app, &p1, &line, name, bytes).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{name}: {}", r.text());
        assert!(r.json()["errors"].get("file").is_some(), "{name}: {}", r.text());
    }
    // Just over 10 MiB: refused by its size, named as the file.
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let r = upload(&app, &p1, &line, "big.pdf", &big).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.json()["errors"]["file"][0].as_str().unwrap().contains("10 MiB"));
    // Over 11 MiB: 413 before the body is read.
    big.resize(11 * 1024 * 1024 + 1, b' ');
    let r = upload(&app, &p1, &line, "huge.pdf", &big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    // A part without any file.
    let (content_type, body) = multipart("", "invoice", b"");
    let r = app
        .send(
            TestApp::request(Method::POST, &format!("/api/v1/mdf/claim-lines/{line}/attachments"))
                .header(header::AUTHORIZATION, format!("Bearer {p1}"))
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_attachments").await, 0);
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_attachment_contents").await, 0);

    // Accepted: a CSV of attendees, an Excel sheet, a JPEG, kept byte for byte and served as an attachment.
    let csv = "name,company\nJosé Álvarez,Acme\n".as_bytes();
    let r = upload(&app, &p1, &line, "attendees.csv", csv).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let csv_id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(upload(&app, &p1, &line, "costs.xlsx", b"PK\x03\x04\x14\x00rest").await.status, StatusCode::CREATED);
    assert_eq!(
        upload(&app, &p1, &line, "booth.JPG", b"\xff\xd8\xff\xe0\x00\x10JFIF").await.status,
        StatusCode::CREATED
    );
    let cam1 = app.token("acme", email::CAM1).await;
    let r = app.get(&format!("/api/v1/mdf/attachments/{csv_id}"), Some(&cam1)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.body, csv);
    assert_eq!(r.header("content-type"), Some("text/csv"));
    assert!(r.header("content-disposition").unwrap().starts_with("attachment; filename=\"attendees.csv\""));
    // Removed while the claim is a draft: the bytes go with it.
    assert_eq!(
        app.delete(&format!("/api/v1/mdf/attachments/{csv_id}"), Some(&p1)).await.status,
        StatusCode::NO_CONTENT
    );
    assert_eq!(app.get(&format!("/api/v1/mdf/attachments/{csv_id}"), Some(&p1)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_attachment_contents").await, 2);
}

#[tokio::test]
async fn claims_lines_and_attachments_of_others_are_not_found() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let (request, _) = approved_request(&app, "4000").await;
    let r = new_claim(&app, &p1, &request, json!([{"description": "Venue", "amount": "1000"}])).await;
    let claim = r.json()["id"].as_str().unwrap().to_string();
    let line = line_ids(&r.json())[0].clone();
    let file = upload(&app, &p1, &line, "invoice.pdf", PDF).await.json()["id"].as_str().unwrap().to_string();

    let other_tenant = app.token("globex", email::ADMIN).await;
    let other_tenant_partner = app.token("globex", email::P1_ADMIN).await;
    let other_partner = app.token("acme", email::P2_ADMIN).await;
    let unassigned_cam = app.token("acme", email::CAM2).await;
    for token in [&other_tenant, &other_tenant_partner, &other_partner, &unassigned_cam] {
        assert_eq!(app.get(&format!("/api/v1/mdf/claims/{claim}"), Some(token)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.get(&format!("/api/v1/mdf/attachments/{file}"), Some(token)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(app.get("/api/v1/mdf/claims", Some(token)).await.json()["total"], 0);
    }
    for token in [&other_tenant_partner, &other_partner] {
        assert_eq!(upload(&app, token, &line, "x.pdf", PDF).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.delete(&format!("/api/v1/mdf/attachments/{file}"), Some(token)).await.status,
            StatusCode::NOT_FOUND
        );
        assert_eq!(
            app.delete(&format!("/api/v1/mdf/claim-lines/{line}"), Some(token)).await.status,
            StatusCode::NOT_FOUND
        );
        let r = app.post_json(&format!("/api/v1/mdf/claims/{claim}/submit"), Some(token), json!({})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(new_claim(&app, token, &request, json!([])).await.status, StatusCode::NOT_FOUND);
    }
    let review = json!({"lines": [{"id": line, "verdict": "approved"}]});
    for token in [&other_tenant, &unassigned_cam] {
        let r = app.post_json(&format!("/api/v1/mdf/claims/{claim}/review"), Some(token), review.clone()).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
    }
    // The owner and the chief do see it.
    assert_eq!(app.get(&format!("/api/v1/mdf/claims/{claim}"), Some(&p1)).await.status, StatusCode::OK);
    let chief = app.token("acme", email::CHIEF).await;
    assert_eq!(app.get(&format!("/api/v1/mdf/attachments/{file}"), Some(&chief)).await.status, StatusCode::OK);
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_attachments").await, 1);
}

/// For the foreign-id sweep: another tenant's claim, claim line and attachment, and Partner Two's.
pub(crate) async fn foreign_claims(app: &TestApp) -> Vec<(&'static str, (String, Option<String>))> {
    async fn one(
        app: &TestApp,
        tenant: &str,
        partner_email: &str,
        partner: impl ToString,
        cam: &str,
    ) -> (String, String, String) {
        let admin = app.token(tenant, email::ADMIN).await;
        let p = app.token(tenant, partner_email).await;
        let f = fund(app, &admin, &format!("Claims sweep {partner_email}"), "1000").await;
        let a = allocate(app, &admin, &f, partner, "500").await;
        let request = draft(app, &p, request_body(&a, "Swept", "100", 10, "100")).await;
        assert_eq!(act(app, &p, &request, "submit", json!({})).await.status, StatusCode::OK);
        let approver = app.token(tenant, cam).await;
        assert_eq!(act(app, &approver, &request, "approve", json!({})).await.status, StatusCode::OK);
        let r = new_claim(app, &p, &request, json!([{"description": "Venue", "amount": "50"}])).await;
        let claim = r.json()["id"].as_str().unwrap().to_string();
        let line = line_ids(&r.json())[0].clone();
        let file = upload(app, &p, &line, "invoice.pdf", PDF).await.json()["id"].as_str().unwrap().to_string();
        (claim, line, file)
    }
    let (b_claim, b_line, b_file) = one(app, "globex", email::P1_ADMIN, B.p1, email::ADMIN).await;
    let (p2_claim, p2_line, p2_file) = one(app, "acme", email::P2_ADMIN, A.p2, email::CAM2).await;
    async fn plan(app: &TestApp, tenant: &str, partner_email: &str) -> (String, String) {
        let p = app.token(tenant, partner_email).await;
        let r = app.post_json("/api/v1/mdf/plans", Some(&p), json!({"quarter": this_quarter()})).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let plan = r.json()["id"].as_str().unwrap().to_string();
        let r =
            app.post_json(&format!("/api/v1/mdf/plans/{plan}/activities"), Some(&p), activity("Swept show", 100)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        (plan, r.json()["id"].as_str().unwrap().to_string())
    }
    let (b_plan, b_activity) = plan(app, "globex", email::P1_ADMIN).await;
    let (p2_plan, p2_activity) = plan(app, "acme", email::P2_ADMIN).await;
    vec![
        ("mdf/partners", (B.p1.to_string(), Some(A.p2.to_string()))),
        ("mdf/plans", (b_plan, Some(p2_plan))),
        ("mdf/activities", (b_activity, Some(p2_activity))),
        ("mdf/claims", (b_claim, Some(p2_claim))),
        ("mdf/claim-lines", (b_line, Some(p2_line))),
        ("mdf/attachments", (b_file, Some(p2_file))),
    ]
}

async fn won_deal(app: &TestApp, customer: &str, amount: &str) -> String {
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let r = app.post_json("/api/v1/deals", Some(&p1), crate::deals::deal(customer, None, &["crm"])).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.post_json(&format!("/api/v1/deals/{id}/approve"), Some(&cam1), json!({})).await.status,
        StatusCode::OK
    );
    let r = app
        .post_json(&format!("/api/v1/deals/{id}/close"), Some(&p1), json!({"outcome": "won", "amount": amount}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    id
}

/// Approved for 10,000 (limit 5,000), claimed 4,000 in one line with proof, approved in full and paid.
async fn paid_request(app: &TestApp) -> String {
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let (request, _) = approved_request(app, "10000.00").await;
    let r = new_claim(app, &p1, &request, json!([{"description": "Booth", "amount": "4000"}])).await;
    let id = r.json()["id"].as_str().unwrap().to_string();
    let line = line_ids(&r.json())[0].clone();
    assert_eq!(upload(app, &p1, &line, "invoice.pdf", PDF).await.status, StatusCode::CREATED);
    assert_eq!(
        app.post_json(&format!("/api/v1/mdf/claims/{id}/submit"), Some(&p1), json!({})).await.status,
        StatusCode::OK
    );
    let review = json!({"lines": [{"id": line, "verdict": "approved"}]});
    assert_eq!(
        app.post_json(&format!("/api/v1/mdf/claims/{id}/review"), Some(&cam1), review).await.status,
        StatusCode::OK
    );
    let pay = json!({"amount": "4000", "paid_on": "2026-02-01", "reference": "WIRE-7"});
    assert_eq!(
        app.post_json(&format!("/api/v1/mdf/claims/{id}/payments"), Some(&admin), pay).await.status,
        StatusCode::CREATED
    );
    request
}

#[tokio::test]
async fn actual_roi_is_the_won_revenue_of_linked_deals_over_mdf_paid_against_the_forecast() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let request = paid_request(&app).await;
    let w1 = won_deal(&app, "Northwind Traders", "60000").await;
    let w2 = won_deal(&app, "Contoso Pharma", "20000.50").await;
    let open = crate::deals::deal("Fabrikam Open", None, &["crm"]);
    let open = app.post_json("/api/v1/deals", Some(&p1), open).await.json()["id"].as_str().unwrap().to_string();
    let url = format!("/api/v1/mdf/requests/{request}/results");

    // Stages must narrow, deals must be the partner's own.
    let r = app.json(Method::PUT, &url, Some(&p1), json!({"responses": 10, "mqls": 20, "sqls": 5})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let theirs = app.post_json("/api/v1/deals", Some(&p2), crate::deals::deal("Partner Two Co", None, &["crm"])).await;
    let theirs = theirs.json()["id"].as_str().unwrap().to_string();
    let r = app
        .json(Method::PUT, &url, Some(&p1), json!({"responses": 1, "mqls": 1, "sqls": 1, "deal_ids": [theirs]}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["errors"].get("deal_ids").is_some());
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_request_deals").await, 0);

    let body = json!({"responses": 180, "mqls": 90, "sqls": 30, "deal_ids": [w1, w2, open]});
    let r = app.json(Method::PUT, &url, Some(&p1), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let d = r.json();
    // Forecast: 2,000 × 10 % × 50 % × 40 % × 25 % = 10 wins × 30,000 = 300,000 for 10,000 requested: ROI 30.
    assert_eq!(d["waterfall"]["forecast_revenue"], "300000.00");
    assert_eq!(d["waterfall"]["forecast_roi"], "30.00");
    // Actual: two linked deals won 60,000 + 20,000.50 = 80,000.50 for 4,000 paid: ROI 20.00 (20.0001).
    assert_eq!(d["results"]["wins"], 2);
    assert_eq!(d["results"]["won_revenue"], "80000.50");
    assert_eq!(d["results"]["paid"], "4000.00");
    assert_eq!(d["results"]["actual_roi"], "20.00");
    assert_eq!(d["results"]["deal_ids"].as_array().unwrap().len(), 3);

    // The request's page shows each stage, forecast against actual, in the chart.
    let page = app.page(&format!("/mdf/requests/{request}"), &app.session("acme", email::P1_ADMIN).await).await;
    assert_eq!(page.status, StatusCode::OK);
    let desc = page.select("svg.chart desc").join(" ");
    for stage in [
        "Responses: forecast 200, actual 180",
        "MQLs: forecast 100, actual 90",
        "SQLs: forecast 40, actual 30",
        "Wins: forecast 10, actual 2",
        "Revenue: forecast USD 300,000.00, actual USD 80,000.50",
    ] {
        assert!(desc.contains(stage), "{stage} not in {desc}");
    }
    assert!(page.text().contains("actual ROI <strong>20.00</strong>"), "{}", page.text());
    // A deal comes from one request at most; a draft reports nothing.
    let allocation = app.get(&format!("/api/v1/mdf/requests/{request}"), Some(&p1)).await.json()["allocation_id"]
        .as_str()
        .unwrap()
        .to_string();
    let other = draft(&app, &p1, request_body(&allocation, "Webinar", "100", 10, "100")).await;
    let r = app
        .json(
            Method::PUT,
            &format!("/api/v1/mdf/requests/{other}/results"),
            Some(&p1),
            json!({"responses": 1, "mqls": 0, "sqls": 0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
}

async fn upload_form(app: &TestApp, session: &Session, line: &str, file_name: &str, bytes: &[u8]) -> Resp {
    let (content_type, body) = multipart(file_name, "invoice", bytes);
    let r = TestApp::request(Method::POST, &format!("/mdf/claim-lines/{line}/attachments?_csrf={}", session.csrf))
        .header(header::COOKIE, session.cookie())
        .header(header::CONTENT_TYPE, content_type)
        .header(header::ORIGIN, "http://127.0.0.1:8080")
        .header(header::HOST, "127.0.0.1:8080")
        .body(Body::from(body))
        .unwrap();
    app.send(r).await
}

#[tokio::test]
async fn the_partner_claims_with_a_file_the_cam_reduces_a_line_and_the_admin_pays_from_the_pages() {
    let app = TestApp::new().await;
    let p1 = app.session("acme", email::P1_ADMIN).await;
    let cam1 = app.session("acme", email::CAM1).await;
    let admin = app.session("acme", email::ADMIN).await;
    let (request, _) = approved_request(&app, "10000.00").await;
    let page = format!("/mdf/requests/{request}");

    let r = app.submit(&format!("{page}/claim"), &p1, &[("description", "Booth"), ("amount", "3000")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let claim = app.count_in(A.id, "select count(*) from mdf_claims where status = 'draft'").await;
    assert_eq!(claim, 1);
    let html = app.page(&page, &p1).await;
    let form = html.select("form.upload");
    assert_eq!(form.len(), 1);
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let (claim_id, line): (uuid::Uuid, uuid::Uuid) =
        sqlx::query_as("select claim_id, id from mdf_claim_lines").fetch_one(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    // Without the form's token in the action URL the upload is refused.
    let (content_type, body) = multipart("invoice.pdf", "invoice", PDF);
    let r = app
        .send(
            TestApp::request(Method::POST, &format!("/mdf/claim-lines/{line}/attachments"))
                .header(header::COOKIE, p1.cookie())
                .header(header::CONTENT_TYPE, content_type)
                .body(Body::from(body))
                .unwrap(),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // A disguised file is refused on the page, with nothing kept.
    let r = upload_form(&app, &p1, &line.to_string(), "invoice.pdf", b"MZ\x90\x00").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("not a .pdf file"), "{}", r.text());
    let r = upload_form(&app, &p1, &line.to_string(), "invoice.pdf", PDF).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = app
        .submit(&format!("/mdf/claims/{claim_id}/lines"), &p1, &[("description", "Catering"), ("amount", "2000")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    // The new line has no proof yet: submitting is refused and says why.
    let r = app.submit(&format!("/mdf/claims/{claim_id}/submit"), &p1, &[]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let second: uuid::Uuid = sqlx::query_scalar("select id from mdf_claim_lines where description = 'Catering'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(
        upload_form(&app, &p1, &second.to_string(), "lunch.jpg", b"\xff\xd8\xff\xe0JFIF").await.status,
        StatusCode::SEE_OTHER
    );
    assert_eq!(app.submit(&format!("/mdf/claims/{claim_id}/submit"), &p1, &[]).await.status, StatusCode::SEE_OTHER);

    // The CAM sees it waiting on the Funds page and reviews it from the request's page.
    let funds = app.page("/mdf", &cam1).await;
    assert!(funds.text().contains("needs you"), "{}", funds.text());
    let html = app.page(&page, &cam1).await;
    assert_eq!(html.select("form#review fieldset").len(), 2);
    let v = |k: &str, l: uuid::Uuid| format!("{k}-{l}");
    let (v1, v2, a2, r2) = (v("verdict", line), v("verdict", second), v("amount", second), v("reason", second));
    let r = app
        .submit(
            &format!("/mdf/claims/{claim_id}/review"),
            &cam1,
            &[(&v1, "approved"), (&v2, "reduced"), (&a2, "1500"), (&r2, "")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a reduction without a reason");
    let r = app
        .submit(
            &format!("/mdf/claims/{claim_id}/review"),
            &cam1,
            &[(&v1, "approved"), (&v2, "reduced"), (&a2, "1500"), (&r2, "Lunch for 30, not 40")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    // The program admin pays what is left (4,500, filled in) in one go.
    let html = app.page(&page, &admin).await;
    assert!(html.text().contains("value=\"4500.00\""), "{}", html.text());
    let r = app
        .submit(
            &format!("/mdf/claims/{claim_id}/pay"),
            &admin,
            &[("amount", "4500.00"), ("paid_on", "2026-03-01"), ("reference", "WIRE-1")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let html = app.page(&page, &p1).await;
    assert!(html.text().contains("Paid"), "{}", html.text());
    assert!(html.text().contains("WIRE-1"));
    // The file can be downloaded from the page by the CAM.
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let file: uuid::Uuid = sqlx::query_scalar("select id from mdf_attachments where file_name = 'invoice.pdf'")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let r = app.page(&format!("/mdf/attachments/{file}"), &cam1).await;
    assert_eq!((r.status, r.body.as_slice()), (StatusCode::OK, PDF));
}

fn this_quarter() -> String {
    use chrono::Datelike;
    let today = chrono::Utc::now().date_naive();
    format!("{}-Q{}", today.year(), (today.month() - 1) / 3 + 1)
}

/// An event today, costing 20,000 of which half is asked of the vendor, reaching `audience`; rates left to pre-fill.
fn activity(title: &str, audience: i64) -> Value {
    let today = chrono::Utc::now().date_naive().to_string();
    json!({"activity_type": "event", "title": title, "starts_on": today, "ends_on": today, "cost": "20000",
           "vendor_share_percent": "50", "waterfall": {"audience": audience}})
}

#[tokio::test]
async fn a_partner_plans_a_quarter_with_prefilled_rates_and_requests_from_an_activity() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let f = fund(&app, &admin, "Plan fund", "50000").await;
    allocate(&app, &admin, &f, A.p1, "20000").await;

    assert_eq!(
        app.post_json("/api/v1/mdf/plans", Some(&p1), json!({"quarter": "2026-Q5"})).await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    let r = app.post_json("/api/v1/mdf/plans", Some(&p1), json!({"quarter": this_quarter()})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let plan = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.post_json("/api/v1/mdf/plans", Some(&p1), json!({"quarter": this_quarter()})).await.status,
        StatusCode::CONFLICT
    );

    // No history yet: the program's benchmark for events.
    let rates = app.get("/api/v1/mdf/rates?activity_type=event", Some(&p1)).await.json();
    assert_eq!(rates["from"], "benchmark");
    assert_eq!((rates["response_rate"].as_str(), rates["win_rate"].as_str()), (Some("8"), Some("20")));

    let mut outside = activity("Next year's show", 1000);
    outside["starts_on"] = json!("2099-01-01");
    let r = app.post_json(&format!("/api/v1/mdf/plans/{plan}/activities"), Some(&p1), outside).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["errors"].get("starts_on").is_some());

    let r =
        app.post_json(&format!("/api/v1/mdf/plans/{plan}/activities"), Some(&p1), activity("Trade show", 1000)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let a = r.json();
    let id = a["id"].as_str().unwrap().to_string();
    // 1,000 × 8 % = 80 × 40 % = 32 × 30 % = 9.6 × 20 % = 1.92 wins × 25,000 = 48,000 for 10,000 asked: ROI 4.80.
    assert_eq!(a["rates_from"], "benchmark");
    assert_eq!(a["requested"], "10000.00");
    assert_eq!(a["waterfall"]["sqls"], "9.6");
    assert_eq!(a["waterfall"]["forecast_revenue"], "48000.00");
    assert_eq!(a["waterfall"]["forecast_roi"], "4.80");
    let mut edited = activity("Trade show", 1000);
    edited["waterfall"]["win_rate"] = json!("25");
    let r = app.json(Method::PATCH, &format!("/api/v1/mdf/activities/{id}"), Some(&p1), edited.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["rates_from"], "edited");
    assert_eq!(r.json()["waterfall"]["forecast_revenue"], "60000.00");
    let p = app.get(&format!("/api/v1/mdf/plans/{plan}"), Some(&p1)).await.json();
    assert_eq!(p["totals"]["requested"], "10000.00");
    assert_eq!(p["totals"]["forecast_roi"], "6.00");

    // One click: a draft request pre-filled from the activity, on the one allocation that covers it.
    let r = app.post_json(&format!("/api/v1/mdf/activities/{id}/request"), Some(&p1), json!({})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let req = r.json();
    assert_eq!((req["status"].as_str(), req["title"].as_str()), (Some("draft"), Some("Trade show")));
    assert_eq!((req["total_cost"].as_str(), req["requested_amount"].as_str()), (Some("20000.00"), Some("10000.00")));
    assert_eq!(req["waterfall"]["forecast_revenue"], "60000.00");
    assert_eq!(
        app.post_json(&format!("/api/v1/mdf/activities/{id}/request"), Some(&p1), json!({})).await.status,
        StatusCode::CONFLICT
    );
    // While the request is a draft the activity can change; once submitted it cannot.
    let rid = req["id"].as_str().unwrap().to_string();
    assert_eq!(act(&app, &p1, &rid, "submit", json!({})).await.status, StatusCode::OK);
    let r = app.json(Method::PATCH, &format!("/api/v1/mdf/activities/{id}"), Some(&p1), edited).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(app.delete(&format!("/api/v1/mdf/activities/{id}"), Some(&p1)).await.status, StatusCode::CONFLICT);
    let p = app.get(&format!("/api/v1/mdf/plans/{plan}"), Some(&p1)).await.json();
    assert_eq!(p["activities"][0]["request_status"], "submitted");
    // Others do not see the plan; the CAM does.
    let p2 = app.token("acme", email::P2_ADMIN).await;
    assert_eq!(app.get(&format!("/api/v1/mdf/plans/{plan}"), Some(&p2)).await.status, StatusCode::NOT_FOUND);
    let cam1 = app.token("acme", email::CAM1).await;
    assert_eq!(app.get(&format!("/api/v1/mdf/plans/{plan}"), Some(&cam1)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn rates_come_from_the_partners_history_and_a_forecast_above_twice_it_is_flagged() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let request = paid_request(&app).await;
    let w1 = won_deal(&app, "Northwind Traders", "60000").await;
    let w2 = won_deal(&app, "Contoso Pharma", "20000.50").await;
    let body = json!({"responses": 180, "mqls": 90, "sqls": 30, "deal_ids": [w1, w2]});
    assert_eq!(
        app.json(Method::PUT, &format!("/api/v1/mdf/requests/{request}/results"), Some(&p1), body).await.status,
        StatusCode::OK
    );
    // 180 of 2,000 responded (9 %), 90 MQLs (50 %), 30 SQLs (33.33 %), 2 won (6.67 %) at 40,000.25 on average.
    let r = app.get("/api/v1/mdf/rates", Some(&p1)).await.json();
    assert_eq!(r["from"], "history");
    assert_eq!(
        [&r["response_rate"], &r["mql_rate"], &r["sql_rate"], &r["win_rate"], &r["average_deal"]],
        [&json!("9"), &json!("50"), &json!("33.33"), &json!("6.67"), &json!("40000.25")]
    );
    let plan = app.post_json("/api/v1/mdf/plans", Some(&p1), json!({"quarter": this_quarter()})).await.json()["id"]
        .as_str()
        .unwrap()
        .to_string();
    // History's ROI is 80,000.50 ÷ 4,000 = 20.00. A 1,000-person event forecasts
    // 1,000 × 9 % × 50 % × 33.33 % × 6.67 % × 40,000.25 = 40,016.25 for 10,000: 4.00, not flagged.
    let a = app
        .post_json(&format!("/api/v1/mdf/plans/{plan}/activities"), Some(&p1), activity("Modest", 1000))
        .await
        .json();
    assert_eq!(a["rates_from"], "history");
    assert_eq!(a["waterfall"]["forecast_roi"], "4.00");
    assert_eq!(a["flagged"], false);
    // Eleven times the audience: 440,178.73 for 10,000, ROI 44.02, more than twice 20.00.
    let a =
        app.post_json(&format!("/api/v1/mdf/plans/{plan}/activities"), Some(&p1), activity("Bold", 11000)).await.json();
    assert_eq!(a["waterfall"]["forecast_roi"], "44.02");
    assert_eq!(a["flagged"], true);
}

#[tokio::test]
async fn a_fund_changes_and_an_allocation_is_adjusted_by_ledger_rows_within_the_funds() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let chief = app.token("acme", email::CHIEF).await;
    let f = fund(&app, &admin, "Q fund", "50000").await;
    let a = allocate(&app, &admin, &f, A.p1, "20000").await;
    let url = format!("/api/v1/mdf/funds/{f}");

    assert_eq!(
        app.json(Method::PATCH, &url, Some(&admin), json!({"total": "19999.99"})).await.status,
        StatusCode::CONFLICT
    );
    let r = app
        .json(Method::PATCH, &url, Some(&admin), json!({"reimbursement_percent": "0", "claim_window_days": 0}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        r.json()["errors"].get("reimbursement_percent").is_some()
            && r.json()["errors"].get("claim_window_days").is_some()
    );
    assert_eq!(app.json(Method::PATCH, &url, Some(&chief), json!({"total": "1"})).await.status, StatusCode::FORBIDDEN);
    let r = app
        .json(
            Method::PATCH,
            &url,
            Some(&admin),
            json!({"name": "Q fund (topped up)", "total": "60000", "claim_window_days": 90}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        (r.json()["total"].as_str(), r.json()["balances"]["unallocated"].as_str()),
        (Some("60000.00"), Some("40000.00"))
    );

    let adjust = format!("/api/v1/mdf/allocations/{a}/adjust");
    assert_eq!(
        app.post_json(&adjust, Some(&admin), json!({"amount": "40000.01", "reason": "More"})).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.post_json(&adjust, Some(&admin), json!({"amount": "-20000.01", "reason": "Less"})).await.status,
        StatusCode::CONFLICT
    );
    let r = app.post_json(&adjust, Some(&admin), json!({"amount": "0"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["errors"].get("amount").is_some() && r.json()["errors"].get("reason").is_some());
    assert_eq!(
        app.post_json(&adjust, Some(&cam1), json!({"amount": "1", "reason": "x"})).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.post_json(&adjust, Some(&admin), json!({"amount": "-5000", "reason": "Moved to Partner Two"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["balances"]["allocated"], "15000.00");
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_ledger where kind = 'adjust' and amount = -5000").await, 1);

    // Finance gets the ledger as a workbook; partners do not.
    let r = app.get("/api/v1/mdf/ledger.xlsx", Some(&chief)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.body.starts_with(b"PK\x03\x04"));
    assert_eq!(r.header("content-type"), Some("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"));
    assert!(r.header("content-disposition").unwrap().contains("mdf-ledger.xlsx"));
    let p1 = app.token("acme", email::P1_ADMIN).await;
    assert_eq!(app.get("/api/v1/mdf/ledger.xlsx", Some(&p1)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_partners_quarter_summary_adds_up_its_money_requests_and_return() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let request = paid_request(&app).await;
    let w1 = won_deal(&app, "Northwind Traders", "60000").await;
    let w2 = won_deal(&app, "Contoso Pharma", "20000.50").await;
    let body = json!({"responses": 180, "mqls": 90, "sqls": 30, "deal_ids": [w1, w2]});
    assert_eq!(
        app.json(Method::PUT, &format!("/api/v1/mdf/requests/{request}/results"), Some(&p1), body).await.status,
        StatusCode::OK
    );
    let url = format!("/api/v1/mdf/partners/{}/summary?quarter={}", A.p1, this_quarter());
    let s = app.get(&url, Some(&p1)).await;
    assert_eq!(s.status, StatusCode::OK, "{}", s.text());
    let s = s.json();
    // 20,000 allocated; 10,000 reserved, 4,000 claimed and paid, 6,000 released: 16,000 available.
    assert_eq!(
        [&s["allocated"], &s["reserved"], &s["claimed"], &s["paid"], &s["available"]],
        [&json!("20000.00"), &json!("0.00"), &json!("0.00"), &json!("4000.00"), &json!("16000.00")]
    );
    assert_eq!(s["requests"], json!({"submitted": 1, "approved": 1, "rejected": 0}));
    assert_eq!((s["forecast_revenue"].as_str(), s["won_revenue"].as_str()), (Some("300000.00"), Some("80000.50")));
    assert_eq!(s["actual_roi"], "20.00");
    // Another quarter holds nothing; another partner's or an unassigned CAM's view is 404.
    let empty = app.get(&format!("/api/v1/mdf/partners/{}/summary?quarter=2001-Q1", A.p1), Some(&p1)).await.json();
    assert_eq!((empty["paid"].as_str(), empty["actual_roi"].is_null()), (Some("0.00"), true));
    for who in [email::P2_ADMIN, email::CAM2] {
        let t = app.token("acme", who).await;
        assert_eq!(app.get(&url, Some(&t)).await.status, StatusCode::NOT_FOUND, "{who}");
    }
    let chief = app.session("acme", email::CHIEF).await;
    // The chief's overview: allocation use and ROI by tier and region.
    let home = app.page("/", &chief).await;
    let text = home.select("#mdf").join(" ");
    assert!(text.contains("Market development funds"), "{text}");
    assert!(text.contains("20.00"), "ROI by tier and region: {text}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_hundred_concurrent_approvals_and_claim_reviews_commit_the_budget_exactly() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    // Reimbursed in full: an approved claim moves its whole reservation to claimed, releasing nothing.
    let r = app
        .post_json(
            "/api/v1/mdf/funds",
            Some(&admin),
            json!({"name": "Race fund", "kind": "proposal", "period": "quarter", "starts_on": crate::mdf::quarter_start(),
                   "currency": "USD", "total": "50000", "reimbursement_percent": "100", "claim_window_days": 60}),
        )
        .await;
    let f = r.json()["id"].as_str().unwrap().to_string();
    let a = allocate(&app, &admin, &f, A.p1, "10000").await;
    // Twenty approved requests with their claims filed.
    let mut claims = Vec::new();
    for i in 0..20 {
        let id = draft(&app, &p1, request_body(&a, &format!("Claimed {i}"), "100.00", 1000, "20000")).await;
        assert_eq!(act(&app, &p1, &id, "submit", json!({})).await.status, StatusCode::OK);
        assert_eq!(act(&app, &cam1, &id, "approve", json!({})).await.status, StatusCode::OK);
        let c = new_claim(&app, &p1, &id, json!([{"description": "Venue", "amount": "100"}])).await.json();
        let line = line_ids(&c)[0].clone();
        assert_eq!(upload(&app, &p1, &line, "invoice.pdf", PDF).await.status, StatusCode::CREATED);
        let cid = c["id"].as_str().unwrap().to_string();
        assert_eq!(
            app.post_json(&format!("/api/v1/mdf/claims/{cid}/submit"), Some(&p1), json!({})).await.status,
            StatusCode::OK
        );
        claims.push((cid, line));
    }
    // Two hundred more waiting for approval: 20,000 asked of the 8,000 left.
    let mut waiting = Vec::new();
    for i in 0..200 {
        let id = draft(&app, &p1, request_body(&a, &format!("Campaign {i}"), "100.00", 1000, "20000")).await;
        assert_eq!(act(&app, &p1, &id, "submit", json!({})).await.status, StatusCode::OK);
        waiting.push(id);
    }
    let approvals = waiting.iter().enumerate().map(|(i, id)| {
        let token = if i % 2 == 0 { cam1.clone() } else { admin.clone() };
        let app = &app;
        async move { app.post_json(&format!("/api/v1/mdf/requests/{id}/approve"), Some(&token), json!({})).await.status }
    });
    let reviews = claims.iter().map(|(cid, line)| {
        let app = &app;
        let token = cam1.clone();
        async move {
            let body = json!({"lines": [{"id": line, "verdict": "approved"}]});
            app.post_json(&format!("/api/v1/mdf/claims/{cid}/review"), Some(&token), body).await.status
        }
    });
    let (approved, reviewed) =
        futures_util::future::join(futures_util::future::join_all(approvals), futures_util::future::join_all(reviews))
            .await;
    assert!(reviewed.iter().all(|s| *s == StatusCode::OK), "{reviewed:?}");
    assert_eq!(approved.iter().filter(|s| **s == StatusCode::OK).count(), 80, "{approved:?}");
    assert_eq!(approved.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 120, "{approved:?}");
    let b = balances(&app, &admin, &a).await;
    assert_eq!(
        (b["reserved"].as_str(), b["claimed"].as_str(), b["available"].as_str()),
        (Some("8000.00"), Some("2000.00"), Some("0.00"))
    );
    // Committed (reserved + claimed + paid) equals the allocation exactly, read straight from the ledger.
    let committed = app
        .count_in(
            A.id,
            "select (sum(amount) filter (where kind = 'reserve') - coalesce(sum(amount) filter (where kind = 'release'), 0))::bigint
               from mdf_ledger",
        )
        .await;
    assert_eq!(committed, 10000);
}

#[tokio::test]
async fn every_mdf_endpoint_of_the_contract_is_in_the_openapi_document_and_back() {
    let app = TestApp::new().await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    let paths = doc["paths"].as_object().unwrap();
    let contract = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/docs/api.md")).unwrap();
    let mut documented = std::collections::BTreeSet::new();
    for method in ["GET", "POST", "PUT", "PATCH", "DELETE"] {
        for (i, _) in contract.match_indices(&format!("`{method} /api/v1/mdf/")) {
            let rest = &contract[i + method.len() + 2..];
            let end = rest.find(['`', '?', ' ']).unwrap();
            documented.insert((method.to_lowercase(), rest[..end].to_string()));
        }
    }
    // The documented forms name a path's id after what it is (`{id}` everywhere in this contract).
    assert!(documented.len() >= 35, "{documented:?}");
    for (method, path) in &documented {
        assert!(
            paths.get(path).and_then(|p| p.get(method)).is_some(),
            "{method} {path} is documented but not in OpenAPI"
        );
    }
    for (path, ops) in paths.iter().filter(|(p, _)| p.starts_with("/api/v1/mdf/")) {
        for method in ops.as_object().unwrap().keys() {
            assert!(
                documented.contains(&(method.clone(), path.clone())),
                "{method} {path} is in OpenAPI but not documented"
            );
        }
    }
}

#[tokio::test]
async fn the_program_admin_creates_a_fund_and_allocates_it_from_the_funds_page() {
    let app = TestApp::new().await;
    let admin = app.session("acme", email::ADMIN).await;
    let page = app.page("/mdf", &admin).await;
    assert_eq!(page.select("#new-fund h2"), vec!["New fund".to_string()]);
    let fields = |name: &'static str, total: &'static str| {
        vec![
            ("name", name),
            ("kind", "proposal"),
            ("period", "quarter"),
            ("currency", "USD"),
            ("total", total),
            ("reimbursement_percent", "50"),
            ("claim_window_days", "60"),
        ]
    };
    // A wrong start date and a negative total: refused with both named, nothing made.
    let mut bad = fields("Bad fund", "-1");
    bad.push(("starts_on", "2026-02-01"));
    let r = app.submit("/mdf/funds", &admin, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("starts_on") && r.text().contains("total"), "{}", r.text());
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_funds").await, 0);
    let start = crate::mdf::quarter_start();
    let mut good = fields("Field marketing", "100000");
    good.push(("starts_on", &start));
    let r = app.submit("/mdf/funds", &admin, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let fund: uuid::Uuid = sqlx::query_scalar("select id from mdf_funds").fetch_one(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    let url = format!("/mdf/funds/{fund}/allocate");
    let p1 = A.p1.to_string();
    let r = app.submit(&url, &admin, &[("partner_id", &p1), ("amount", "100000.01")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "more than the fund holds");
    assert_eq!(
        app.submit(&url, &admin, &[("partner_id", &p1), ("amount", "30000")]).await.status,
        StatusCode::SEE_OTHER
    );
    let cam = app.session("acme", email::CAM1).await;
    assert_eq!(app.submit(&url, &cam, &[("partner_id", &p1), ("amount", "1")]).await.status, StatusCode::FORBIDDEN);
    // The partner sees the money.
    let partner = app.page("/mdf", &app.session("acme", email::P1_ADMIN).await).await;
    assert!(partner.text().contains("USD 30,000.00"), "{}", partner.text());
}
