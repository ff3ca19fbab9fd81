//! Recruitment and onboarding: the public application and its spam guards, the fit score, the review queue, the
//! one-transaction approval (and its failure path), the invitation, the agreement gate, checklists with
//! auto-completion, and who may see what.

use axum::http::StatusCode;
use serde_json::{Value, json};
use sqlx::Connection;
use uuid::Uuid;

use crate::support::*;

pub(crate) fn application(company: &str, email: &str, country: &str) -> Value {
    json!({
        "company_name": company,
        "website": "www.example-partner.com",
        "country": country,
        "contact_name": "Dana Applicant",
        "contact_email": email,
        "employees": 120,
        "verticals": ["healthcare", "retail"],
        "services": ["implementation", "managed_services"],
        "message": "We implement CRM for hospitals."
    })
}

pub(crate) async fn apply(app: &TestApp, body: Value) -> Value {
    let r = app.post_json("/api/v1/public/acme/applications", None, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

async fn set_profile(app: &TestApp) {
    let admin = app.session("acme", email::ADMIN).await;
    let r = app
        .submit(
            "/admin/recruitment",
            &admin,
            &[
                ("countries", "DE, AT"),
                ("verticals", "healthcare"),
                ("services", "implementation"),
                ("services", "consulting"),
                ("min_employees", "50"),
                ("stale_days", "5"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
}

async fn outbox(app: &TestApp) -> Vec<Value> {
    let admin = app.token("acme", email::ADMIN).await;
    app.get("/api/v1/outbox?limit=500", Some(&admin)).await.json()["items"].as_array().unwrap().clone()
}

fn link_in(body: &str, marker: &str) -> String {
    body.split_whitespace().find(|w| w.contains(marker)).expect("a link in the email").to_string()
}

/// Approves through the API as cam1 and returns (partner id, partner admin id).
pub(crate) async fn approve(app: &TestApp, id: &str, body: Value) -> (Uuid, Uuid) {
    let cam = app.token("acme", email::CAM1).await;
    let r = app.post_json(&format!("/api/v1/applications/{id}/approve"), Some(&cam), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let j = r.json();
    (j["partner_id"].as_str().unwrap().parse().unwrap(), j["partner_admin_user_id"].as_str().unwrap().parse().unwrap())
}

/// Accepts the invitation of `email` from the outbox and signs in; returns the bearer token.
async fn arrive(app: &TestApp, email: &str) -> String {
    let mail = outbox(app)
        .await
        .into_iter()
        .find(|m| m["to"] == email && m["subject"].as_str().unwrap().contains("invited"))
        .expect("an invitation");
    let link = link_in(mail["body"].as_str().unwrap(), "/invitations/");
    let token = link.rsplit('/').next().unwrap();
    let r = app
        .post_json(&format!("/api/v1/invitations/{token}/accept"), None, json!({"password": "a new password"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app
        .post_json("/api/v1/auth/login", None, json!({"tenant": "acme", "email": email, "password": "a new password"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["token"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn an_application_is_scored_against_the_ideal_profile_and_confirmed_by_email() {
    let app = TestApp::new().await;
    set_profile(&app).await;
    let good = apply(&app, application("Heilkunde IT GmbH", "dana@heilkunde.de", "DE")).await;
    assert_eq!(good["status"], "submitted");
    // Country, vertical and size match; one of the two services sought (13 of 25).
    assert_eq!(good["fit_score"], 88);
    let mut poor = application("Loja Pequena", "ana@loja.com.br", "BR");
    poor["verticals"] = json!(["retail"]);
    poor["services"] = json!(["resale"]);
    poor["employees"] = json!("10");
    let poor = apply(&app, poor).await;
    // Size earns 20 x 10/50; nothing else matches.
    assert_eq!(poor["fit_score"], 4);

    let cam = app.token("acme", email::CAM1).await;
    let shown = app.get(&format!("/api/v1/applications/{}", poor["id"].as_str().unwrap()), Some(&cam)).await.json();
    assert_eq!(shown["website"], "https://www.example-partner.com");
    assert_eq!(shown["region"], "LATAM");
    let fit: Vec<&str> = shown["fit"].as_array().unwrap().iter().map(|c| c["outcome"].as_str().unwrap()).collect();
    assert_eq!(fit, ["missed", "missed", "missed", "partial"]);
    assert!(shown["fit"][0]["detail"].as_str().unwrap().contains("DE"), "{}", shown["fit"][0]);

    // The best fit comes first in the queue.
    let list = app.get("/api/v1/applications?status=submitted", Some(&cam)).await.json();
    assert_eq!(list["total"], 2);
    assert_eq!(list["items"][0]["company_name"], "Heilkunde IT GmbH");

    let mails = outbox(&app).await;
    let confirmation = mails.iter().find(|m| m["to"] == "dana@heilkunde.de").expect("a confirmation");
    assert!(confirmation["subject"].as_str().unwrap().contains("We received your application"));
    assert!(
        mails.iter().any(|m| m["to"] == email::ADMIN && m["subject"].as_str().unwrap().contains("Heilkunde IT GmbH"))
    );
}

#[tokio::test]
async fn invalid_applications_name_every_field_and_store_nothing() {
    let app = TestApp::new().await;
    let r = app
        .post_json(
            "/api/v1/public/acme/applications",
            None,
            json!({"company_name": " ", "website": "nowhere", "country": "XX", "contact_name": "",
                   "contact_email": "not-an-email", "employees": 0, "verticals": ["gaming"], "services": []}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = r.json()["errors"].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    for f in
        ["company_name", "website", "country", "contact_name", "contact_email", "employees", "verticals", "services"]
    {
        assert!(errors.iter().any(|e| e == f), "{f} missing from {errors:?}");
    }
    let wrong_type = app.post_json("/api/v1/public/acme/applications", None, json!({"verticals": "healthcare"})).await;
    assert_eq!(wrong_type.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(app.count_in(A.id, "select count(*) from applications").await, 0);
    assert_eq!(app.count_in(A.id, "select count(*) from outbox").await, 0);

    let unknown = app.post_json("/api/v1/public/nosuch/applications", None, application("X", "x@x.com", "DE")).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(app.page("/apply/nosuch", &Session::anonymous()).await.status, StatusCode::NOT_FOUND);

    // The page re-renders the input with a message beside each field.
    let page = app
        .submit("/apply/acme", &Session::anonymous(), &[("company_name", "Kept Name"), ("verticals", "healthcare")])
        .await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(page.select(".field-error").len() >= 6, "{:?}", page.select(".field-error"));
    assert!(page.text().contains("value=\"Kept Name\""));
    assert!(page.text().contains("value=\"healthcare\" checked"));
    assert_eq!(app.count_in(A.id, "select count(*) from applications").await, 0);
}

#[tokio::test]
async fn the_honeypot_and_a_per_address_limit_hold_off_spam() {
    let app = TestApp::new().await;
    let mut bot = application("Spam Inc", "bot@spam.com", "US");
    bot["fax"] = json!("+1 555 0100");
    let r = app.post_json("/api/v1/public/acme/applications", None, bot).await;
    assert_eq!(r.status, StatusCode::CREATED, "answered as a success, so that the bot learns nothing");
    // A bot filling the form is shown the thank-you page; nothing is kept.
    let page = app
        .submit(
            "/apply/acme",
            &Session::anonymous(),
            &[
                ("company_name", "Spam Inc"),
                ("website", "spam.com"),
                ("country", "US"),
                ("contact_name", "Bot"),
                ("contact_email", "bot@spam.com"),
                ("employees", "5"),
                ("verticals", "retail"),
                ("services", "resale"),
                ("fax", "yes"),
            ],
        )
        .await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.header("location"), Some("/apply/acme/thanks"));
    assert_eq!(app.count_in(A.id, "select count(*) from applications").await, 0);

    // The two bot submissions count against the address too, as real ones would.
    for i in 0..3 {
        apply(&app, application(&format!("Company {i}"), &format!("c{i}@example.org"), "US")).await;
    }
    let sixth =
        app.post_json("/api/v1/public/acme/applications", None, application("Six", "six@example.org", "US")).await;
    assert_eq!(sixth.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(sixth.header("retry-after").unwrap().parse::<u64>().unwrap() > 0);
    assert_eq!(app.count_in(A.id, "select count(*) from applications").await, 3);
}

#[tokio::test]
async fn approving_creates_the_partner_its_cam_admin_invitation_and_checklist_in_one_step() {
    let app = TestApp::new().await;
    let submitted = apply(&app, application("Berlin Systems", "lena@berlin-systems.de", "DE")).await;
    let id = submitted["id"].as_str().unwrap();
    let (partner, admin_user) = approve(&app, id, json!({})).await;

    let chief = app.token("acme", email::CHIEF).await;
    let p = app.get(&format!("/api/v1/partners/{partner}"), Some(&chief)).await.json();
    assert_eq!(p["name"], "Berlin Systems");
    assert_eq!(p["life_stage"], "onboarding");
    assert_eq!(p["region"], "EMEA");
    // cam2 is the only CAM working EMEA.
    assert_eq!(p["cam_id"], A.cam2.to_string());
    let users = app.get(&format!("/api/v1/users/{admin_user}"), Some(&app.token("acme", email::ADMIN).await)).await;
    assert_eq!(users.json()["role"], "partner_admin");
    assert_eq!(users.json()["email"], "lena@berlin-systems.de");
    let checklist = app.get(&format!("/api/v1/partners/{partner}/onboarding"), Some(&chief)).await.json();
    assert_eq!(checklist["items"].as_array().unwrap().len(), 8);
    assert_eq!(checklist["percent_complete"], 0);
    let first = &checklist["items"][0];
    assert_eq!(first["phase"], 30);
    assert!(first["due_on"].as_str().is_some());
    assert!(
        outbox(&app)
            .await
            .iter()
            .any(|m| m["to"] == "lena@berlin-systems.de" && m["body"].as_str().unwrap().contains("/invitations/"))
    );

    let cam = app.token("acme", email::CAM1).await;
    let shown = app.get(&format!("/api/v1/applications/{id}"), Some(&cam)).await.json();
    assert_eq!(shown["status"], "approved");
    assert_eq!(shown["partner_id"], partner.to_string());
    // Deciding twice is a conflict and changes nothing.
    let again = app.post_json(&format!("/api/v1/applications/{id}/approve"), Some(&cam), json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    let reject =
        app.post_json(&format!("/api/v1/applications/{id}/reject"), Some(&cam), json!({"reason": "late"})).await;
    assert_eq!(reject.status, StatusCode::CONFLICT);
    assert_eq!(app.count_in(A.id, "select count(*) from partners where name = 'Berlin Systems'").await, 1);

    // A chosen CAM wins over the suggestion; a user who is no CAM is refused by name.
    let other = apply(&app, application("Wien Data", "max@wien-data.at", "AT")).await;
    let bad = app
        .post_json(
            &format!("/api/v1/applications/{}/approve", other["id"].as_str().unwrap()),
            Some(&cam),
            json!({"cam_id": A.p1_admin.to_string()}),
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.json()["errors"]["cam_id"].is_array());
    let (wien, _) = approve(&app, other["id"].as_str().unwrap(), json!({"cam_id": A.cam1.to_string()})).await;
    let p = app.get(&format!("/api/v1/partners/{wien}"), Some(&chief)).await.json();
    assert_eq!(p["cam_id"], A.cam1.to_string());
}

#[tokio::test]
async fn a_failed_approval_creates_nothing() {
    let app = TestApp::new().await;
    // The contact is already a user of the tenant: the partner is inserted before the user fails.
    let submitted = apply(&app, application("Fresh Partner Ltd", email::P1_ADMIN, "GB")).await;
    let id = submitted["id"].as_str().unwrap();
    let before_partners = app.count_in(A.id, "select count(*) from partners").await;
    let before_outbox = app.count_in(A.id, "select count(*) from outbox").await;
    let cam = app.token("acme", email::CAM1).await;
    let r = app.post_json(&format!("/api/v1/applications/{id}/approve"), Some(&cam), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.json()["detail"].as_str().unwrap().contains(email::P1_ADMIN));
    assert_eq!(app.count_in(A.id, "select count(*) from partners").await, before_partners);
    assert_eq!(app.count_in(A.id, "select count(*) from onboarding_items").await, 0);
    assert_eq!(app.count_in(A.id, "select count(*) from invitations").await, 0);
    assert_eq!(app.count_in(A.id, "select count(*) from outbox").await, before_outbox);
    assert_eq!(app.count_in(A.id, "select count(*) from applications where status = 'submitted'").await, 1);

    // A company that already is a partner: 409, nothing created; the page shows why.
    let dup = apply(&app, application("Partner One", "new@partner-one.com", "US")).await;
    let session = app.session("acme", email::CAM1).await;
    let page = app
        .submit(&format!("/applications/{}/approve", dup["id"].as_str().unwrap()), &session, &[("cam_id", "")])
        .await;
    assert_eq!(page.status, StatusCode::CONFLICT);
    assert!(page.select(".alert-error").concat().contains("already exists"));
    assert_eq!(app.count_in(A.id, "select count(*) from partners").await, before_partners);
    assert_eq!(app.count_in(A.id, "select count(*) from users where email = 'new@partner-one.com'").await, 0);
}

#[tokio::test]
async fn the_invited_admin_accepts_the_agreement_before_using_the_portal() {
    let app = TestApp::new().await;
    let submitted = apply(&app, application("Gate Keepers BV", "joost@gatekeepers.nl", "NL")).await;
    let (partner, _) = approve(&app, submitted["id"].as_str().unwrap(), json!({})).await;
    let token = arrive(&app, "joost@gatekeepers.nl").await;

    // Everything but the agreement (and signing out) is held back, saying why.
    let held = app.get("/api/v1/deals", Some(&token)).await;
    assert_eq!(held.status, StatusCode::FORBIDDEN);
    assert!(held.json()["detail"].as_str().unwrap().contains("agreement"));
    assert_eq!(
        app.get(&format!("/api/v1/partners/{partner}/onboarding"), Some(&token)).await.status,
        StatusCode::FORBIDDEN
    );
    let me = app.get("/api/v1/auth/me", Some(&token)).await;
    assert_eq!(me.status, StatusCode::OK);
    let session = Session { token: Some(token.clone()), csrf: Session::anonymous().csrf };
    let home = app.page("/", &session).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert_eq!(home.header("location"), Some("/agreement"));

    let agreement = app.get("/api/v1/agreement", Some(&token)).await.json();
    assert_eq!(agreement["version"], 1);
    assert!(agreement["accepted_at"].is_null());
    assert!(agreement["text"].as_str().unwrap().contains("Partner Program Agreement"));
    let stale = app.post_json("/api/v1/agreement/accept", Some(&token), json!({"version": 2})).await;
    assert_eq!(stale.status, StatusCode::CONFLICT);
    let ok = app.post_json("/api/v1/agreement/accept", Some(&token), json!({"version": 1})).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    assert_eq!(ok.json()["version"], 1);
    assert_eq!(app.get("/api/v1/deals", Some(&token)).await.status, StatusCode::OK);
    // The acceptance is recorded (who, which version) and completed the checklist item by itself.
    assert_eq!(
        app.count_in(A.id, "select count(*) from agreement_acceptances a join users u on u.tenant_id = a.tenant_id and u.id = a.user_id where u.email = 'joost@gatekeepers.nl' and a.version = 1").await,
        1
    );
    let checklist = app.get(&format!("/api/v1/partners/{partner}/onboarding"), Some(&token)).await.json();
    let item = checklist["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["title"] == "Partner agreement accepted")
        .unwrap()
        .clone();
    assert!(item["completed_at"].is_string());
    assert!(item["completed_by"].is_null());

    // A new version asks every partner again; only a partner admin may accept it.
    let admin = app.token("acme", email::ADMIN).await;
    let v2 = app.post_json("/api/v1/agreement", Some(&admin), json!({"text": "Version two of the agreement."})).await;
    assert_eq!(v2.status, StatusCode::CREATED);
    assert_eq!(v2.json()["version"], 2);
    let p1_user = app.token("acme", email::P1_USER).await;
    assert_eq!(app.get("/api/v1/deals", Some(&p1_user)).await.status, StatusCode::FORBIDDEN);
    let by_user = app.post_json("/api/v1/agreement/accept", Some(&p1_user), json!({"version": 2})).await;
    assert_eq!(by_user.status, StatusCode::FORBIDDEN);
    let p1_admin = app.token("acme", email::P1_ADMIN).await;
    assert_eq!(
        app.post_json("/api/v1/agreement/accept", Some(&p1_admin), json!({"version": 2})).await.status,
        StatusCode::OK
    );
    assert_eq!(app.get("/api/v1/deals", Some(&p1_user)).await.status, StatusCode::OK);
    // The vendor's people are never held.
    assert_eq!(app.get("/api/v1/deals", Some(&app.token("acme", email::CAM1).await)).await.status, StatusCode::OK);
}

async fn checklist_for(app: &TestApp, partner: tributary::ids::PartnerId) {
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let start = chrono::Utc::now().date_naive() - chrono::Duration::days(40);
    tributary::onboarding::store::create_checklist(&mut tx, A.id, partner, start).await.unwrap();
    tx.commit().await.unwrap();
}

async fn item_id(app: &TestApp, token: &str, partner: tributary::ids::PartnerId, title: &str) -> String {
    let c = app.get(&format!("/api/v1/partners/{partner}/onboarding"), Some(token)).await.json();
    c["items"].as_array().unwrap().iter().find(|i| i["title"] == title).unwrap()["id"].as_str().unwrap().to_string()
}

#[tokio::test]
async fn checklist_items_are_worked_by_their_owner_and_automatic_ones_complete_themselves() {
    let app = TestApp::new().await;
    checklist_for(&app, A.p1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let c = app.get(&format!("/api/v1/partners/{}/onboarding", A.p1), Some(&p1)).await.json();
    // p1 accepted the agreement before its checklist existed; p1 already has two users.
    let done: Vec<&str> = c["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["completed_at"].is_string())
        .map(|i| i["title"].as_str().unwrap())
        .collect();
    assert_eq!(done, ["Partner agreement accepted", "Portal users invited"]);
    assert_eq!(c["percent_complete"], 25);
    // Started 40 days ago: the 30-day items still open are overdue.
    let overdue = c["items"].as_array().unwrap().iter().filter(|i| i["overdue"] == true).count();
    assert_eq!(overdue, 2);

    let rules = item_id(&app, &p1, A.p1, "Conflict rules acknowledged").await;
    let r = app
        .post_json(
            &format!("/api/v1/onboarding-items/{rules}/complete"),
            Some(&p1),
            json!({"note": "Read it with the sales team"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["note"], "Read it with the sales team");
    assert_eq!(r.json()["completed_by"], A.p1_admin.to_string());
    assert_eq!(
        app.post_json(&format!("/api/v1/onboarding-items/{rules}/complete"), Some(&p1), json!({})).await.status,
        StatusCode::CONFLICT
    );

    let credit = item_id(&app, &p1, A.p1, "Credit application approved").await;
    assert_eq!(
        app.post_json(&format!("/api/v1/onboarding-items/{credit}/complete"), Some(&p1), json!({})).await.status,
        StatusCode::FORBIDDEN
    );
    let cam2 = app.token("acme", email::CAM2).await;
    assert_eq!(
        app.post_json(&format!("/api/v1/onboarding-items/{credit}/complete"), Some(&cam2), json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    let cam1 = app.token("acme", email::CAM1).await;
    assert_eq!(
        app.post_json(&format!("/api/v1/onboarding-items/{credit}/complete"), Some(&cam1), json!({})).await.status,
        StatusCode::OK
    );

    let first_deal = item_id(&app, &p1, A.p1, "First deal registered").await;
    assert_eq!(
        app.post_json(&format!("/api/v1/onboarding-items/{first_deal}/complete"), Some(&p1), json!({})).await.status,
        StatusCode::CONFLICT
    );
    let deal = json!({"customer_name": "Umbrella Health", "country": "US", "products": ["crm"], "estimated_value": "5000",
        "currency": "USD", "expected_close_date": (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string()});
    assert_eq!(app.post_json("/api/v1/deals", Some(&p1), deal).await.status, StatusCode::CREATED);
    let c = app.get(&format!("/api/v1/partners/{}/onboarding", A.p1), Some(&p1)).await.json();
    let item = c["items"].as_array().unwrap().iter().find(|i| i["id"] == first_deal.as_str()).unwrap().clone();
    assert!(item["completed_at"].is_string());
    // 5 of 8 required items: agreement, users, rules, credit, first deal.
    assert_eq!(c["percent_complete"], 62);

    // Undo, and every completion and undo is in the audit log with its actor.
    let r = app.post_json(&format!("/api/v1/onboarding-items/{rules}/undo"), Some(&p1), json!({})).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.json()["completed_at"].is_null());
    assert_eq!(
        app.post_json(&format!("/api/v1/onboarding-items/{rules}/undo"), Some(&p1), json!({})).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.count_in(A.id, "select count(*) from audit_log where entity_type = 'onboarding_items' and action = 'onboarding_items.update' and actor_id is not null and after ? 'completed_by'").await,
        3
    );
    // The CAM's overview shows the partner with its overdue items.
    let session = app.session("acme", email::CAM1).await;
    let page = app.page("/onboarding", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Partner One"));
    assert!(!page.text().contains("Partner Two"));
}

#[tokio::test]
async fn another_tenants_or_partners_applications_checklists_and_items_answer_404() {
    let app = TestApp::new().await;
    let submitted = apply(&app, application("Hidden Co", "h@hidden.co", "FR")).await;
    let id = submitted["id"].as_str().unwrap();
    checklist_for(&app, A.p1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let item = item_id(&app, &p1, A.p1, "Conflict rules acknowledged").await;

    let globex_admin = app.token("globex", email::ADMIN).await;
    for path in [format!("/api/v1/applications/{id}"), format!("/api/v1/partners/{}/onboarding", A.p1)] {
        assert_eq!(app.get(&path, Some(&globex_admin)).await.status, StatusCode::NOT_FOUND, "{path}");
    }
    for action in ["approve", "reject", "notes"] {
        let r = app
            .post_json(
                &format!("/api/v1/applications/{id}/{action}"),
                Some(&globex_admin),
                json!({"reason": "x", "body": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{action}");
    }
    assert_eq!(app.get("/api/v1/applications", Some(&globex_admin)).await.json()["total"], 0);
    assert_eq!(
        app.post_json(&format!("/api/v1/onboarding-items/{item}/complete"), Some(&globex_admin), json!({}))
            .await
            .status,
        StatusCode::NOT_FOUND
    );

    let p2 = app.token("acme", email::P2_ADMIN).await;
    assert_eq!(app.get(&format!("/api/v1/applications/{id}"), Some(&p2)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.get(&format!("/api/v1/partners/{}/onboarding", A.p1), Some(&p2)).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_json(&format!("/api/v1/onboarding-items/{item}/complete"), Some(&p2), json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(
        app.post_json(&format!("/api/v1/onboarding-items/{item}/undo"), Some(&p2), json!({})).await.status,
        StatusCode::NOT_FOUND
    );
    let cam2 = app.token("acme", email::CAM2).await;
    assert_eq!(
        app.get(&format!("/api/v1/partners/{}/onboarding", A.p1), Some(&cam2)).await.status,
        StatusCode::NOT_FOUND
    );
    let session = app.session("acme", email::P2_ADMIN).await;
    assert_eq!(app.page(&format!("/partners/{}/onboarding", A.p1), &session).await.status, StatusCode::NOT_FOUND);
    // Applications are the vendor's business: partners cannot list them.
    assert_eq!(app.get("/api/v1/applications", Some(&p2)).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_queue_flags_stale_applications_until_someone_acts() {
    let app = TestApp::new().await;
    set_profile(&app).await;
    let a = apply(&app, application("Slow Lane AG", "s@slowlane.de", "DE")).await;
    let id = a["id"].as_str().unwrap();
    let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
    sqlx::query(
        "update applications set created_at = now() - interval '9 days', last_activity_at = now() - interval '9 days'",
    )
    .execute(&mut owner)
    .await
    .unwrap();
    let cam = app.token("acme", email::CAM1).await;
    assert_eq!(app.get(&format!("/api/v1/applications/{id}"), Some(&cam)).await.json()["stale"], true);
    let session = app.session("acme", email::CAM1).await;
    let queue = app.page("/applications", &session).await;
    assert!(queue.text().contains("1 stale"), "{}", queue.text());
    let note = app
        .post_json(
            &format!("/api/v1/applications/{id}/notes"),
            Some(&cam),
            json!({"body": "Called them; references next week."}),
        )
        .await;
    assert_eq!(note.status, StatusCode::CREATED);
    let empty = app.post_json(&format!("/api/v1/applications/{id}/notes"), Some(&cam), json!({"body": "  "})).await;
    assert_eq!(empty.status, StatusCode::UNPROCESSABLE_ENTITY);
    let shown = app.get(&format!("/api/v1/applications/{id}"), Some(&cam)).await.json();
    assert_eq!(shown["stale"], false);
    assert_eq!(shown["notes"][0]["author_name"], "Cara Cam");
    // Rejecting needs a reason; the applicant hears politely.
    let none = app.post_json(&format!("/api/v1/applications/{id}/reject"), Some(&cam), json!({"reason": ""})).await;
    assert_eq!(none.status, StatusCode::UNPROCESSABLE_ENTITY);
    let ok = app
        .post_json(
            &format!("/api/v1/applications/{id}/reject"),
            Some(&cam),
            json!({"reason": "Too far from our focus"}),
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK);
    let mails = outbox(&app).await;
    let told = mails
        .iter()
        .find(|m| m["to"] == "s@slowlane.de" && m["subject"].as_str().unwrap().starts_with("Your application"))
        .unwrap();
    assert!(!told["body"].as_str().unwrap().contains("Too far"));
}

#[tokio::test]
async fn the_program_admin_edits_the_template_and_new_checklists_follow_it() {
    let app = TestApp::new().await;
    let admin = app.session("acme", email::ADMIN).await;
    let bad = app
        .submit(
            "/admin/onboarding-template",
            &admin,
            &[("title", ""), ("phase", "45"), ("owner", "x"), ("due_days", "999"), ("link", "javascript:x")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.select(".field-error").len(), 5, "{:?}", bad.select(".field-error"));
    assert_eq!(app.count_in(A.id, "select count(*) from onboarding_template_items").await, 8);
    let ok = app
        .submit(
            "/admin/onboarding-template",
            &admin,
            &[
                ("title", "Joint business plan signed"),
                ("phase", "90"),
                ("owner", "cam"),
                ("due_days", "85"),
                ("required", "on"),
                ("description", "Both sides sign the plan."),
                ("link", "https://example.com/plan"),
                ("auto", ""),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    let page = app.page("/admin/onboarding-template", &admin).await;
    assert!(page.text().contains("Joint business plan signed"));
    checklist_for(&app, A.p3).await;
    let chief = app.token("acme", email::CHIEF).await;
    let c = app.get(&format!("/api/v1/partners/{}/onboarding", A.p3), Some(&chief)).await.json();
    assert_eq!(c["items"].as_array().unwrap().len(), 9);
    assert!(
        c["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|i| i["title"] == "Joint business plan signed" && i["owner"] == "cam")
    );
}
