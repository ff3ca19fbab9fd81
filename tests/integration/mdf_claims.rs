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
    vec![
        ("mdf/claims", (b_claim, Some(p2_claim))),
        ("mdf/claim-lines", (b_line, Some(p2_line))),
        ("mdf/attachments", (b_file, Some(p2_file))),
    ]
}
