//! Certifications: recorded by a partner admin with the certificate (or imported from CSV), verified by the partner's
//! CAM, counting until they expire; who may see and do what.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use serde_json::{Value, json};

use crate::mdf_claims::PDF;
use crate::support::*;

const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";

/// A `multipart/form-data` body of text parts and, when given, a `file` part.
fn multipart(fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> (String, Vec<u8>) {
    let boundary = "----tributary-cert-boundary-51c2";
    let mut body = Vec::new();
    for (name, value) in fields {
        body.extend_from_slice(
            format!("--{boundary}\r\nContent-Disposition: form-data; name=\"{name}\"\r\n\r\n{value}\r\n").as_bytes(),
        );
    }
    if let Some((file_name, bytes)) = file {
        body.extend_from_slice(
            format!(
                "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{file_name}\"\r\n\
                 Content-Type: application/octet-stream\r\n\r\n"
            )
            .as_bytes(),
        );
        body.extend_from_slice(bytes);
        body.extend_from_slice(b"\r\n");
    }
    body.extend_from_slice(format!("--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn record_with(app: &TestApp, token: &str, fields: &[(&str, &str)], file: Option<(&str, &[u8])>) -> Resp {
    let (content_type, body) = multipart(fields, file);
    let r = TestApp::request(Method::POST, "/api/v1/certifications")
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, content_type)
        .body(Body::from(body))
        .unwrap();
    app.send(r).await
}

async fn record(app: &TestApp, token: &str, person: &str, email: &str, earned_on: &str) -> Resp {
    let fields =
        [("type", "sales_engineer"), ("person_name", person), ("person_email", email), ("earned_on", earned_on)];
    record_with(app, token, &fields, Some(("certificate.pdf", PDF))).await
}

async fn import(app: &TestApp, token: &str, query: &str, csv: &str) -> Resp {
    let r = TestApp::request(Method::POST, &format!("/api/v1/certifications/import{query}"))
        .header(header::AUTHORIZATION, format!("Bearer {token}"))
        .header(header::CONTENT_TYPE, "text/csv")
        .body(Body::from(csv.to_string()))
        .unwrap();
    app.send(r).await
}

fn days_ago(n: i64) -> String {
    (chrono::Utc::now().date_naive() - chrono::Duration::days(n)).to_string()
}

#[tokio::test]
async fn a_recorded_certification_counts_once_the_cam_verifies_it_and_until_it_expires() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let cam2 = app.token("acme", email::CAM2).await;

    let r = record(&app, &p1, "Ada Lovelace", "Ada@P1.example", &days_ago(30)).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let c = r.json();
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!((c["status"].as_str(), c["counting"].as_bool()), (Some("pending"), Some(false)));
    assert_eq!(c["person_email"], "ada@p1.example");
    assert_eq!(c["type"]["code"], "sales_engineer");
    assert_eq!(c["has_file"], true);
    // Partner One's CAM is told; nobody else.
    let told: i64 = app
        .count_in(A.id, "select count(*) from outbox where to_address = 'cam1@example.com' and subject like '%certification to verify'")
        .await;
    assert_eq!(told, 1);

    // The certificate comes back as it was sent.
    let file = app.get(&format!("/api/v1/certifications/{id}/file"), Some(&cam1)).await;
    assert_eq!(file.status, StatusCode::OK);
    assert_eq!(file.header("content-type"), Some("application/pdf"));
    assert!(file.header("content-disposition").unwrap().starts_with("attachment"));
    assert_eq!(file.body.as_slice(), PDF);

    // Another CAM's partner: not theirs to see or verify.
    let r = app.post_json(&format!("/api/v1/certifications/{id}/verify"), Some(&cam2), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.post_json(&format!("/api/v1/certifications/{id}/verify"), Some(&cam1), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!((r.json()["status"].as_str(), r.json()["counting"].as_bool()), (Some("verified"), Some(true)));
    assert_eq!(r.json()["verified_by"], "Cara Cam");
    let r = app.post_json(&format!("/api/v1/certifications/{id}/verify"), Some(&cam1), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = app
        .post_json(
            &format!("/api/v1/certifications/{id}/reject"),
            Some(&cam1),
            json!({"reason": "Not a real certificate"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // The recorder hears of it.
    let told = app.count_in(A.id, "select count(*) from outbox where to_address = 'p1.admin@example.com' and subject like 'Certification verified:%'").await;
    assert_eq!(told, 1);

    let counting = app.get("/api/v1/certifications?counting=true", Some(&p1)).await.json();
    assert_eq!(counting["total"], 1);

    // Its validity runs out: it stops counting the next day, with nothing run in between.
    {
        use sqlx::Connection;
        let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
        sqlx::query("update certifications set earned_on = current_date - 800, expires_on = current_date - 1")
            .execute(&mut owner)
            .await
            .unwrap();
    }
    let c = app.get(&format!("/api/v1/certifications/{id}"), Some(&p1)).await.json();
    assert_eq!((c["status"].as_str(), c["counting"].as_bool()), (Some("verified"), Some(false)));
    let counting = app.get("/api/v1/certifications?counting=true", Some(&p1)).await.json();
    assert_eq!(counting["total"], 0);
    let page = app.page("/certifications", &app.session("acme", email::P1_ADMIN).await).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Expired"), "{}", page.text());

    // Every change is in the audit log.
    let audited = app.count_in(A.id, "select count(*) from audit_log where entity_type = 'certifications'").await;
    assert!(audited >= 2, "{audited}");
}

#[tokio::test]
async fn a_rejected_certification_says_why_and_never_counts() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let id =
        record(&app, &p1, "Bo Diddley", "bo@p1.example", &days_ago(3)).await.json()["id"].as_str().unwrap().to_string();
    let r =
        app.post_json(&format!("/api/v1/certifications/{id}/reject"), Some(&cam1), json!({"reason": "short"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["errors"].get("reason").is_some());
    let r = app
        .post_json(
            &format!("/api/v1/certifications/{id}/reject"),
            Some(&cam1),
            json!({"reason": "The certificate names someone else."}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!((r.json()["status"].as_str(), r.json()["counting"].as_bool()), (Some("rejected"), Some(false)));
    assert_eq!(r.json()["note"], "The certificate names someone else.");
    // A decided certification is no longer the partner admin's to remove; the program admin may.
    assert_eq!(app.delete(&format!("/api/v1/certifications/{id}"), Some(&p1)).await.status, StatusCode::CONFLICT);
    let admin = app.token("acme", email::ADMIN).await;
    assert_eq!(app.delete(&format!("/api/v1/certifications/{id}"), Some(&admin)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.count_in(A.id, "select count(*) from certification_files").await, 0);
}

#[tokio::test]
async fn a_bad_record_names_every_wrong_field_and_leaves_nothing() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let fields = [("type", "astronaut"), ("person_name", ""), ("person_email", "nobody"), ("earned_on", "2999-01-01")];
    let r = record_with(&app, &p1, &fields, None).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let errors = r.json()["errors"].clone();
    for field in ["type", "person_name", "person_email", "earned_on", "file"] {
        assert!(errors.get(field).is_some(), "{field} not named: {errors}");
    }
    // A PNG is accepted only as a PNG; a spreadsheet is no certificate.
    let ok = [
        ("type", "sales_engineer"),
        ("person_name", "Cy"),
        ("person_email", "cy@p1.example"),
        ("earned_on", &days_ago(1)),
    ];
    let fields: Vec<(&str, &str)> = ok.iter().map(|(k, v)| (*k, &**v)).collect();
    let r = record_with(&app, &p1, &fields, Some(("scan.pdf", PNG))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["errors"].get("file").is_some());
    let r = record_with(&app, &p1, &fields, Some(("list.csv", b"a,b\n1,2\n"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    // Certified too long ago to be valid still.
    let stale = [
        ("type", "support_specialist"),
        ("person_name", "Cy"),
        ("person_email", "cy@p1.example"),
        ("earned_on", &days_ago(400)),
    ];
    let fields: Vec<(&str, &str)> = stale.iter().map(|(k, v)| (*k, &**v)).collect();
    let r = record_with(&app, &p1, &fields, Some(("scan.png", PNG))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["errors"]["earned_on"][0].as_str().unwrap().contains("expired"));
    assert_eq!(app.count_in(A.id, "select count(*) from certifications").await, 0);
    assert_eq!(app.count_in(A.id, "select count(*) from certification_files").await, 0);
    assert_eq!(app.count_in(A.id, "select count(*) from outbox where subject like '%to verify'").await, 0);

    // The same person, type and day twice is one certification.
    let fields = [
        ("type", "sales_engineer"),
        ("person_name", "Cy"),
        ("person_email", "cy@p1.example"),
        ("earned_on", "2026-06-01"),
    ];
    assert_eq!(record_with(&app, &p1, &fields, Some(("scan.png", PNG))).await.status, StatusCode::CREATED);
    assert_eq!(record_with(&app, &p1, &fields, Some(("scan.png", PNG))).await.status, StatusCode::CONFLICT);
    assert_eq!(app.count_in(A.id, "select count(*) from certification_files").await, 1);
}

#[tokio::test]
async fn a_csv_import_records_the_valid_rows_and_reports_each_of_the_others() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let admin = app.token("acme", email::ADMIN).await;
    let recent = days_ago(10);
    let csv = format!(
        "person_name,person_email,type,earned_on\n\
         Ann Archer,ann@p1.example,sales_engineer,{recent}\n\
         Ben Bold,not-an-email,sales_engineer,{recent}\n\
         Ann Archer,ann@p1.example,sales_engineer,{recent}\n\
         Cal Crane,cal@p1.example,Sales Professional,{recent}\n\
         Dee Dunn,dee@p1.example,astronaut,yesterday\n"
    );
    let r = import(&app, &p1, "", &csv).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let report = r.json();
    assert_eq!(report["created"], 2);
    let statuses: Vec<&str> =
        report["rows"].as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert_eq!(statuses, ["created", "invalid", "duplicate", "created", "invalid"]);
    let lines: Vec<u64> = report["rows"].as_array().unwrap().iter().map(|r| r["line"].as_u64().unwrap()).collect();
    assert_eq!(lines, [2, 3, 4, 5, 6]);
    let fields: Vec<&str> =
        report["rows"][4]["errors"].as_array().unwrap().iter().map(|e| e["field"].as_str().unwrap()).collect();
    assert_eq!(fields, ["earned_on", "type"]);
    let pending = app.get("/api/v1/certifications?status=pending", Some(&p1)).await.json();
    assert_eq!(pending["total"], 2);
    // One email for the batch.
    assert_eq!(
        app.count_in(A.id, "select count(*) from outbox where subject like '%2 certifications to verify'").await,
        1
    );

    // A file that is not the import's shape is refused whole.
    let r = import(&app, &p1, "", "name,email\nx,y\n").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["errors"].get("file").is_some());

    // The program admin imports for a partner, verified at once; a partner admin cannot pick another partner.
    let r = import(
        &app,
        &admin,
        &format!("?partner_id={}", A.p2),
        &format!("person_name,person_email,type,earned_on\nEve,eve@p2.example,sales_engineer,{recent}\n"),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let id = r.json()["rows"][0]["id"].as_str().unwrap().to_string();
    let c = app.get(&format!("/api/v1/certifications/{id}"), Some(&admin)).await.json();
    assert_eq!((c["status"].as_str(), c["partner_id"].as_str()), (Some("verified"), Some(A.p2.to_string().as_str())));
    let mine = app.get("/api/v1/certifications", Some(&p1)).await.json();
    assert_eq!(mine["total"], 2, "{mine}");
}

#[tokio::test]
async fn certifications_are_invisible_to_other_partners_unassigned_cams_and_other_tenants() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let id = record(&app, &p1, "Ada", "ada@p1.example", &days_ago(5)).await.json()["id"].as_str().unwrap().to_string();
    for (tenant, who) in
        [("acme", email::P2_ADMIN), ("acme", email::CAM2), ("globex", email::ADMIN), ("globex", email::P1_ADMIN)]
    {
        let token = app.token(tenant, who).await;
        for path in [format!("/api/v1/certifications/{id}"), format!("/api/v1/certifications/{id}/file")] {
            assert_eq!(app.get(&path, Some(&token)).await.status, StatusCode::NOT_FOUND, "{who} of {tenant}: {path}");
        }
        let list = app.get("/api/v1/certifications", Some(&token)).await.json();
        assert_eq!(list["total"], 0, "{who} of {tenant}");
    }
    let globex = app.token("globex", email::ADMIN).await;
    let r = app.post_json(&format!("/api/v1/certifications/{id}/verify"), Some(&globex), json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // The chief reads but does not decide; a partner user does not record.
    let chief = app.token("acme", email::CHIEF).await;
    assert_eq!(app.get(&format!("/api/v1/certifications/{id}"), Some(&chief)).await.status, StatusCode::OK);
    let r = app.post_json(&format!("/api/v1/certifications/{id}/verify"), Some(&chief), json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let user = app.token("acme", email::P1_USER).await;
    assert_eq!(record(&app, &user, "Bo", "bo@p1.example", &days_ago(5)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get(&format!("/api/v1/certifications/{id}"), Some(&user)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_program_admin_keeps_the_certification_types() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let types = app.get("/api/v1/certification-types", Some(&admin)).await.json();
    assert_eq!(types["total"], 4, "every program starts with the common types: {types}");
    let r = app
        .post_json(
            "/api/v1/certification-types",
            Some(&admin),
            json!({"name": "Cloud Architect", "validity_months": 36}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["code"], "cloud_architect");
    let id = r.json()["id"].as_str().unwrap().to_string();
    let again = app
        .post_json(
            "/api/v1/certification-types",
            Some(&admin),
            json!({"name": "Cloud Architect", "validity_months": 12}),
        )
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let bad =
        app.post_json("/api/v1/certification-types", Some(&admin), json!({"name": "", "validity_months": 0})).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let body = bad.json();
    let errors: Vec<&str> = body["errors"].as_object().unwrap().keys().map(|k| k.as_str()).collect();
    assert_eq!(errors, ["name", "validity_months"]);
    let cam = app.token("acme", email::CAM1).await;
    let r = app.post_json("/api/v1/certification-types", Some(&cam), json!({"name": "X", "validity_months": 12})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    // Retired, it is no longer offered to record.
    let r = app
        .json(Method::PATCH, &format!("/api/v1/certification-types/{id}"), Some(&admin), json!({"active": false}))
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["active"], false);
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let fields = [
        ("type", "cloud_architect"),
        ("person_name", "Ada"),
        ("person_email", "ada@p1.example"),
        ("earned_on", "2026-11-01"),
    ];
    let r = record_with(&app, &p1, &fields, Some(("c.pdf", PDF))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let other: Value =
        app.get("/api/v1/certification-types", Some(&app.token("globex", email::ADMIN).await)).await.json();
    assert_eq!(other["total"], 4, "the other tenant's types are its own");
}

#[tokio::test]
async fn the_cam_verifies_from_the_page_and_the_partner_records_from_it() {
    let app = TestApp::new().await;
    let p1 = app.session("acme", email::P1_ADMIN).await;
    let page = app.page("/certifications", &p1).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.select("form[action^='/certifications?_csrf='] input[type=file]").is_empty());
    let token = app.token("acme", email::P1_ADMIN).await;
    let id =
        record(&app, &token, "Ada", "ada@p1.example", &days_ago(5)).await.json()["id"].as_str().unwrap().to_string();

    let cam = app.session("acme", email::CAM1).await;
    let page = app.page("/certifications", &cam).await;
    assert!(page.text().contains("Awaiting verification"));
    assert_eq!(page.select(&format!("form[action='/certifications/{id}/verify'] button")).len(), 1);
    let r = app.submit(&format!("/certifications/{id}/verify"), &cam, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let c = app.get(&format!("/api/v1/certifications/{id}"), Some(&token)).await.json();
    assert_eq!(c["status"], "verified");
    let page = app.page("/certifications", &cam).await;
    assert!(page.text().contains("Nothing to verify"));
}

/// For the foreign-id sweep (tenancy): another tenant's certification and type, and Partner Two's certification.
pub(crate) async fn foreign_objects(app: &TestApp) -> Vec<(&'static str, (String, Option<String>))> {
    let b = app.token("globex", email::P1_ADMIN).await;
    let b_cert =
        record(app, &b, "Foreign", "foreign@b.example", &days_ago(2)).await.json()["id"].as_str().unwrap().to_string();
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let p2_cert =
        record(app, &p2, "Two", "two@p2.example", &days_ago(2)).await.json()["id"].as_str().unwrap().to_string();
    let b_admin = app.token("globex", email::ADMIN).await;
    let b_type = app.get("/api/v1/certification-types", Some(&b_admin)).await.json()["items"][0]["id"]
        .as_str()
        .unwrap()
        .to_string();
    vec![("certifications", (b_cert, Some(p2_cert))), ("certification-types", (b_type, None))]
}

/// The tier requirement "certified people (sales engineer)" counts the partner's verified, unexpired certifications
/// of that type, one a person.
#[tokio::test]
async fn tier_requirements_count_the_verified_unexpired_certified_people() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let certified = |standing: &Value| -> String {
        let gold = standing["tiers"].as_array().unwrap().iter().find(|t| t["code"] == "gold").unwrap().clone();
        let r = gold["requirements"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["metric"] == "certified_people")
            .unwrap()
            .clone();
        r["have"].as_str().map(str::to_string).unwrap_or_else(|| r["have"].to_string())
    };
    assert_eq!(certified(&evaluate(&app, &admin).await), "0");
    let mut ids = Vec::new();
    for (name, mail, earned) in [
        ("Ann", "ann@p1.example", 10),
        ("Ann", "ann@p1.example", 40),
        ("Ben", "ben@p1.example", 20),
        ("Cy", "cy@p1.example", 5),
    ] {
        let r = record(&app, &p1, name, mail, &days_ago(earned)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        ids.push(r.json()["id"].as_str().unwrap().to_string());
    }
    // Recorded is not yet verified.
    assert_eq!(certified(&evaluate(&app, &admin).await), "0");
    for id in &ids[..3] {
        let r = app.post_json(&format!("/api/v1/certifications/{id}/verify"), Some(&cam1), json!({})).await;
        assert_eq!(r.status, StatusCode::OK);
    }
    // Ann twice is one person; Cy is still pending.
    assert_eq!(certified(&evaluate(&app, &admin).await), "2");
    {
        use sqlx::Connection;
        let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
        sqlx::query("update certifications set earned_on = current_date - 800, expires_on = current_date - 1 where person_email = 'ben@p1.example'")
            .execute(&mut owner)
            .await
            .unwrap();
    }
    assert_eq!(certified(&evaluate(&app, &admin).await), "1");
}

async fn evaluate(app: &TestApp, admin: &str) -> Value {
    let r = app.post_json(&format!("/api/v1/partners/{}/standing/evaluate", A.p1), Some(admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}
