//! Business plans: drafting with pre-filled targets, sharing, the partner's agreement and the frozen versions,
//! amendments, forbidden moves, who may see what; and the performance scorecard's figures from hand-made deals.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

fn num(v: &Value) -> f64 {
    v.as_str().map_or_else(|| v.as_f64().unwrap_or(f64::NAN), |s| s.parse().unwrap())
}

async fn draft(app: &TestApp, token: &str, partner: &str) -> Value {
    let r =
        app.post_json("/api/v1/business-plans", Some(token), json!({"partner_id": partner, "currency": "GBP"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

async fn act(app: &TestApp, token: &str, id: &str, action: &str) -> Resp {
    app.post_json(&format!("/api/v1/business-plans/{id}/{action}"), Some(token), json!({})).await
}

async fn patch(app: &TestApp, token: &str, id: &str, body: Value) -> Resp {
    app.json(Method::PATCH, &format!("/api/v1/business-plans/{id}"), Some(token), body).await
}

fn objectives(revenue: &str, deals: &str) -> Value {
    json!([
        {"kind": "closed_won_revenue", "weight": 60, "targets": [revenue, revenue, revenue, revenue]},
        {"kind": "won_deals", "weight": 40, "targets": [deals, deals, deals, deals]},
    ])
}

async fn covered(app: &TestApp, partner: tributary::ids::PartnerId) -> bool {
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let today = tributary::program::store::today(&mut tx).await.unwrap();
    let v = tributary::plans::store::agreed_plan_covers(&mut tx, &[partner], today).await.unwrap();
    tx.commit().await.unwrap();
    v[0].1 == rust_decimal::Decimal::ONE
}

#[tokio::test]
async fn a_plan_is_drafted_shared_and_agreed_and_its_targets_are_frozen() {
    let app = TestApp::new().await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p1_user = app.token("acme", email::P1_USER).await;

    let plan = draft(&app, &cam1, &A.p1.to_string()).await;
    let id = plan["id"].as_str().unwrap().to_string();
    assert_eq!((plan["state"].as_str(), plan["version"].as_i64()), (Some("draft"), Some(1)));
    let kinds: Vec<&str> = plan["objectives"].as_array().unwrap().iter().map(|o| o["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["closed_won_revenue", "won_deals", "registered_pipeline"]);
    assert_eq!(plan["objectives"][0]["targets"].as_array().unwrap().len(), 4);
    // The partner does not see a draft.
    assert_eq!(app.get(&format!("/api/v1/business-plans/{id}"), Some(&p1)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("/api/v1/business-plans", Some(&p1)).await.json()["total"], 0);

    let r = patch(
        &app,
        &cam1,
        &id,
        json!({"objectives": objectives("80000", "4"), "value_proposition": "Managed backup for mid-market banks",
               "forecast": {"margin_percent": "22", "rebates": "6000", "mdf": "10000", "costs": "35000"}}),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // 320,000 × 22 % + 6,000 + 10,000 − 35,000 = 51,400.
    assert_eq!(num(&r.json()["forecast"]["revenue"]), 320000.0);
    assert_eq!(num(&r.json()["forecast"]["profit"]), 51400.0);

    let r = act(&app, &cam1, &id, "share").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["state"], "shared");
    let told = app
        .count_in(A.id, "select count(*) from outbox where to_address = 'p1.admin@example.com' and subject like 'Business plan % shared%'")
        .await;
    assert_eq!(told, 1);
    assert!(!covered(&app, A.p1).await);

    // The partner reads it and comments; a partner user may not accept it.
    assert_eq!(app.get(&format!("/api/v1/business-plans/{id}"), Some(&p1_user)).await.status, StatusCode::OK);
    let r = app
        .post_json(&format!("/api/v1/business-plans/{id}/comments"), Some(&p1_user), json!({"body": "Q1 is tight."}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(act(&app, &p1_user, &id, "agree").await.status, StatusCode::FORBIDDEN);
    assert_eq!(act(&app, &cam1, &id, "agree").await.status, StatusCode::FORBIDDEN);

    let r = act(&app, &p1, &id, "agree").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!((r.json()["state"].as_str(), r.json()["agreed_by"].is_string()), (Some("agreed"), true));
    let told = app
        .count_in(A.id, "select count(*) from outbox where to_address = 'cam1@example.com' and subject like '%business plan % agreed'")
        .await;
    assert_eq!(told, 1);
    let v = app.get(&format!("/api/v1/business-plans/{id}/versions"), Some(&p1)).await.json();
    assert_eq!(v["total"], 1);
    assert_eq!(num(&v["items"][0]["objectives"][0]["targets"][0]), 80000.0);
    // The agreed plan is what the tier requirement "agreed business plan" reads.
    assert!(covered(&app, A.p1).await);
    // Audited by the database.
    let audited = app
        .count_in(
            A.id,
            "select count(*) from audit_log where entity_type = 'business_plans' and action = 'business_plans.update'",
        )
        .await;
    assert!(audited >= 3, "{audited}");
    // The frozen versions cannot be changed, whoever tries.
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let changed = sqlx::query("update business_plan_versions set version = 9").execute(&mut *tx).await;
    assert!(changed.is_err());
}

#[tokio::test]
async fn an_amendment_after_agreement_is_accepted_again_and_every_version_is_kept() {
    let app = TestApp::new().await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let id = draft(&app, &cam1, &A.p1.to_string()).await["id"].as_str().unwrap().to_string();
    assert_eq!(patch(&app, &cam1, &id, json!({"objectives": objectives("80000", "4")})).await.status, StatusCode::OK);
    assert_eq!(act(&app, &cam1, &id, "share").await.status, StatusCode::OK);
    assert_eq!(act(&app, &p1, &id, "agree").await.status, StatusCode::OK);

    let r = patch(&app, &cam1, &id, json!({"objectives": objectives("90000", "5")})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!((r.json()["state"].as_str(), r.json()["version"].as_i64()), (Some("shared"), Some(2)));
    let told = app
        .count_in(
            A.id,
            "select count(*) from outbox where to_address = 'p1.admin@example.com' and subject like '% amended%'",
        )
        .await;
    assert_eq!(told, 1);
    // Still covered by the version agreed before, whose targets the scorecard keeps until the partner accepts.
    assert!(covered(&app, A.p1).await);
    let card = app.get(&format!("/api/v1/partners/{}/scorecard", A.p1), Some(&p1)).await.json();
    let metric =
        card["metrics"].as_array().unwrap().iter().find(|m| m["key"] == "performance_to_plan").unwrap().clone();
    assert_eq!(num(&metric["target"]), 80000.0);

    let r = act(&app, &p1, &id, "agree").await;
    assert_eq!((r.json()["state"].as_str(), r.json()["version"].as_i64()), (Some("agreed"), Some(2)));
    let v = app.get(&format!("/api/v1/business-plans/{id}/versions"), Some(&cam1)).await.json();
    let targets: Vec<f64> =
        v["items"].as_array().unwrap().iter().map(|i| num(&i["objectives"][0]["targets"][0])).collect();
    assert_eq!(targets, [80000.0, 90000.0]);
    let told = app
        .count_in(A.id, "select count(*) from outbox where to_address = 'cam1@example.com' and subject like '%amendment 2 accepted'")
        .await;
    assert_eq!(told, 1);
}

#[tokio::test]
async fn forbidden_moves_answer_409_and_change_nothing() {
    let app = TestApp::new().await;
    let cam1 = app.token("acme", email::CAM1).await;
    let admin = app.token("acme", email::ADMIN).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let id = draft(&app, &cam1, &A.p1.to_string()).await["id"].as_str().unwrap().to_string();

    // One active plan per partner and fiscal year.
    let r = app.post_json("/api/v1/business-plans", Some(&admin), json!({"partner_id": A.p1.to_string()})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    // A draft cannot be closed; the CAM's closing before the year ends is refused.
    assert_eq!(act(&app, &cam1, &id, "close").await.status, StatusCode::CONFLICT);
    assert_eq!(act(&app, &cam1, &id, "share").await.status, StatusCode::OK);
    assert_eq!(act(&app, &cam1, &id, "share").await.status, StatusCode::CONFLICT);
    assert_eq!(act(&app, &cam1, &id, "close").await.status, StatusCode::CONFLICT);
    assert_eq!(act(&app, &p1, &id, "agree").await.status, StatusCode::OK);
    assert_eq!(act(&app, &p1, &id, "agree").await.status, StatusCode::CONFLICT);
    assert_eq!(act(&app, &cam1, &id, "close").await.status, StatusCode::CONFLICT);
    let before = app.get(&format!("/api/v1/business-plans/{id}"), Some(&admin)).await.json();
    assert_eq!(before["state"], "agreed");

    // A program admin closes it; then nothing changes it any more.
    assert_eq!(act(&app, &admin, &id, "close").await.status, StatusCode::OK);
    assert_eq!(patch(&app, &cam1, &id, json!({"go_to_market": "x"})).await.status, StatusCode::CONFLICT);
    assert_eq!(act(&app, &cam1, &id, "share").await.status, StatusCode::CONFLICT);
    let r = app.post_json(&format!("/api/v1/business-plans/{id}/comments"), Some(&p1), json!({"body": "late"})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let after = app.get(&format!("/api/v1/business-plans/{id}"), Some(&admin)).await.json();
    assert_eq!((after["state"].as_str(), &after["go_to_market"]), (Some("closed"), &before["go_to_market"]));
    // Closed, a new plan for the year may start.
    let r = app.post_json("/api/v1/business-plans", Some(&admin), json!({"partner_id": A.p1.to_string()})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

#[tokio::test]
async fn invalid_plan_input_names_every_field_and_changes_nothing() {
    let app = TestApp::new().await;
    let cam1 = app.token("acme", email::CAM1).await;
    let r = app
        .post_json(
            "/api/v1/business-plans",
            Some(&cam1),
            json!({"partner_id": A.p1.to_string(), "fiscal_year": 1999, "growth_percent": "-200", "currency": "euro"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let mut fields: Vec<String> = r.json()["errors"].as_object().unwrap().keys().cloned().collect();
    fields.sort();
    assert_eq!(fields, ["currency", "fiscal_year", "growth_percent"]);

    let id = draft(&app, &cam1, &A.p1.to_string()).await["id"].as_str().unwrap().to_string();
    let r = patch(
        &app,
        &cam1,
        &id,
        json!({"value_proposition": "ok", "forecast": {"margin_percent": "120"},
               "objectives": [{"kind": "certified_people", "certification": "astronaut", "targets": ["1"]}]}),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let mut fields: Vec<String> = r.json()["errors"].as_object().unwrap().keys().cloned().collect();
    fields.sort();
    assert_eq!(fields, ["forecast.margin_percent", "objectives[0].certification", "objectives[0].targets"]);
    let after = app.get(&format!("/api/v1/business-plans/{id}"), Some(&cam1)).await.json();
    assert_eq!((after["value_proposition"].as_str(), after["objectives"].as_array().unwrap().len()), (Some(""), 3));
}

#[tokio::test]
async fn another_tenants_partners_and_unassigned_cams_plans_answer_404() {
    let app = TestApp::new().await;
    let cam1 = app.token("acme", email::CAM1).await;
    let cam2 = app.token("acme", email::CAM2).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let other = app.token("globex", email::ADMIN).await;
    let id = draft(&app, &cam1, &A.p1.to_string()).await["id"].as_str().unwrap().to_string();
    assert_eq!(act(&app, &cam1, &id, "share").await.status, StatusCode::OK);

    for token in [&cam2, &p2, &other] {
        assert_eq!(app.get(&format!("/api/v1/business-plans/{id}"), Some(token)).await.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.get(&format!("/api/v1/business-plans/{id}/versions"), Some(token)).await.status,
            StatusCode::NOT_FOUND
        );
        let r =
            app.post_json(&format!("/api/v1/business-plans/{id}/comments"), Some(token), json!({"body": "hi"})).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND);
        assert_eq!(
            app.get(&format!("/api/v1/partners/{}/scorecard", A.p1), Some(token)).await.status,
            StatusCode::NOT_FOUND
        );
    }
    assert_eq!(patch(&app, &cam2, &id, json!({"go_to_market": "x"})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(act(&app, &p2, &id, "agree").await.status, StatusCode::NOT_FOUND);
    let r = app.post_json("/api/v1/business-plans", Some(&cam2), json!({"partner_id": A.p1.to_string()})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    // Partner people do not draft.
    let r = app.post_json("/api/v1/business-plans", Some(&p1), json!({"partner_id": A.p1.to_string()})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/business-plans", Some(&cam2)).await.json()["total"], 0);
    assert_eq!(app.get("/api/v1/business-plans", Some(&p1)).await.json()["total"], 1);
}

fn deal(customer: &str, domain: &str, value: &str) -> Value {
    json!({
        "customer_name": customer,
        "customer_domain": domain,
        "country": "GB",
        "products": ["CRM Suite"],
        "estimated_value": value,
        "currency": "GBP",
        "expected_close_date": (chrono::Utc::now().date_naive() + chrono::Duration::days(45)).to_string(),
    })
}

#[tokio::test]
async fn the_scorecard_measures_the_quarter_against_the_agreed_plan() {
    let app = TestApp::new().await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let id = draft(&app, &cam1, &A.p1.to_string()).await["id"].as_str().unwrap().to_string();
    assert_eq!(patch(&app, &cam1, &id, json!({"objectives": objectives("80000", "4")})).await.status, StatusCode::OK);
    assert_eq!(act(&app, &cam1, &id, "share").await.status, StatusCode::OK);
    assert_eq!(act(&app, &p1, &id, "agree").await.status, StatusCode::OK);

    // Four registrations: two won (20,000 and 10,000), one lost, one still pending (12,500 of open pipeline).
    let mut ids = Vec::new();
    for (name, domain) in [
        ("Alder Bank", "alder.example"),
        ("Birch Insurance", "birch.example"),
        ("Cedar Mutual", "cedar.example"),
        ("Dogwood Credit", "dogwood.example"),
    ] {
        let r = app.post_json("/api/v1/deals", Some(&p1), deal(name, domain, "12500.00")).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        ids.push(r.json()["id"].as_str().unwrap().to_string());
    }
    for d in &ids[..3] {
        let r = app.post_json(&format!("/api/v1/deals/{d}/approve"), Some(&cam1), json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    for (d, body) in [
        (&ids[0], json!({"outcome": "won", "amount": "20000.00"})),
        (&ids[1], json!({"outcome": "won", "amount": "10000.00"})),
        (&ids[2], json!({"outcome": "lost"})),
    ] {
        let r = app.post_json(&format!("/api/v1/deals/{d}/close"), Some(&p1), body).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }

    let r = app.get(&format!("/api/v1/partners/{}/scorecard", A.p1), Some(&p1)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let s = r.json();
    let metric = |key: &str| s["metrics"].as_array().unwrap().iter().find(|m| m["key"] == key).unwrap().clone();
    let p2p = metric("performance_to_plan");
    assert_eq!((num(&p2p["value"]), num(&p2p["target"])), (30000.0, 80000.0));
    assert_eq!(num(&p2p["attainment"]), 0.375);
    assert_eq!(p2p["trend"].as_array().unwrap().len(), 4);
    assert_eq!(num(&p2p["trend"][3]["value"]), 30000.0);
    // 12,500 open ÷ ((80,000 − 30,000) × 3) = 0.0833.
    assert_eq!(num(&metric("pipeline_to_target")["value"]), 0.0833);
    assert_eq!(metric("pipeline_to_target")["mark"], "red");
    assert_eq!(num(&metric("average_deal_size")["value"]), 15000.0);
    assert_eq!(num(&metric("win_rate")["value"]), 0.6667);
    assert_eq!(num(&metric("registrations_submitted")["value"]), 4.0);
    assert_eq!(num(&metric("registrations_approved")["value"]), 3.0);
    assert_eq!(num(&metric("registrations_won")["value"]), 2.0);
    // (60 × 30,000/80,000 + 40 × 2/4) ÷ 100 = 0.425.
    assert_eq!(num(&s["attainment"]), 0.425);
    assert_eq!(s["plan_state"], "agreed");
    assert_eq!(num(&s["coverage"]), 3.0);

    // The same figures for the CAM; none for another partner's people.
    let staff = app.get(&format!("/api/v1/partners/{}/scorecard", A.p1), Some(&cam1)).await.json();
    assert_eq!(staff["attainment"], s["attainment"]);
    let r = app.get(&format!("/api/v1/partners/{}/scorecard?quarter=5", A.p1), Some(&cam1)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

/// A shared plan of the other tenant's first partner and of Partner Two, for the foreign-id sweep.
pub(crate) async fn foreign_objects(app: &TestApp) -> Vec<(&'static str, (String, Option<String>))> {
    let b_admin = app.token("globex", email::ADMIN).await;
    let b_plan = draft(app, &b_admin, &B.p1.to_string()).await["id"].as_str().unwrap().to_string();
    assert_eq!(act(app, &b_admin, &b_plan, "share").await.status, StatusCode::OK);
    let cam2 = app.token("acme", email::CAM2).await;
    let p2_plan = draft(app, &cam2, &A.p2.to_string()).await["id"].as_str().unwrap().to_string();
    assert_eq!(act(app, &cam2, &p2_plan, "share").await.status, StatusCode::OK);
    vec![("business-plans", (b_plan, Some(p2_plan)))]
}

#[tokio::test]
async fn the_pages_draft_share_and_agree_a_plan_and_show_the_scorecard() {
    let app = TestApp::new().await;
    let cam = app.session("acme", email::CAM1).await;
    let partner = app.session("acme", email::P1_ADMIN).await;

    // A wrong growth % re-renders the form with the message beside the field, and drafts nothing.
    let r = app.submit("/business-plans", &cam, &[("partner_id", &A.p1.to_string()), ("growth_percent", "lots")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let messages = r.select("#e-growth_percent");
    assert!(messages.iter().any(|e| e.contains("percentage")), "{messages:?}");
    assert_eq!(app.count_in(A.id, "select count(*) from business_plans").await, 0);

    let r = app.submit("/business-plans", &cam, &[("partner_id", &A.p1.to_string()), ("growth_percent", "12")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let to = r.header("location").unwrap().to_string();
    let path = to.split('?').next().unwrap().to_string();
    let page = app.page(&to, &cam).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.text().contains("Share with the partner"));

    let mut fields = vec![
        ("value_proposition", "Managed backup for banks"),
        ("margin_percent", "20"),
        ("o0_kind", "closed_won_revenue"),
        ("o0_name", "Closed-won revenue"),
        ("o0_weight", "100"),
        ("o0_q1", "50000"),
        ("o0_q2", "50000"),
        ("o0_q3", "60000"),
        ("o0_q4", "oops"),
    ];
    let r = app.submit(&path, &cam, &fields).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.text().contains("Enter a number."));
    fields[8] = ("o0_q4", "60000");
    let r = app.submit(&path, &cam, &fields).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(app.submit(&format!("{path}/share"), &cam, &[]).await.status, StatusCode::SEE_OTHER);

    let page = app.page(&path, &partner).await;
    assert!(page.text().contains("Accept the plan") && page.text().contains("Managed backup for banks"));
    assert_eq!(app.submit(&format!("{path}/agree"), &partner, &[]).await.status, StatusCode::SEE_OTHER);
    let page = app.page(&path, &partner).await;
    assert!(page.text().contains("Version 1: accepted by"), "{}", page.text());

    let card = app.page("/scorecard", &partner).await;
    assert_eq!(card.status, StatusCode::OK);
    assert!(card.text().contains("<svg") && card.text().contains("Closed-won revenue"));
    let staff = app.page(&format!("/partners/{}/scorecard", A.p1), &cam).await;
    assert_eq!(staff.status, StatusCode::OK);
    let other = app.session("acme", email::CAM2).await;
    assert_eq!(app.page(&format!("/partners/{}/scorecard", A.p1), &other).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_demo_has_a_plan_in_every_state_and_its_homes_show_them() {
    let app = TestApp::new().await;
    assert!(tributary::demo::load(&app.pool).await.unwrap());
    let demo = |email: &'static str| {
        let app = &app;
        async move {
            let body = json!({"tenant": "demo", "email": email, "password": "demo-password"});
            let r = app.post_json("/api/v1/auth/login", None, body).await;
            assert_eq!(r.status, StatusCode::OK, "{}", r.text());
            let token = r.json()["token"].as_str().unwrap().to_string();
            Session { token: Some(token), csrf: "0123456789abcdef0123456789abcdef".into() }
        }
    };
    let admin = demo("admin@demo.test").await.token.unwrap();
    let plans = app.get("/api/v1/business-plans", Some(&admin)).await.json();
    let mut states: Vec<String> =
        plans["items"].as_array().unwrap().iter().map(|p| p["state"].as_str().unwrap().to_string()).collect();
    states.sort();
    states.dedup();
    assert_eq!(states, ["agreed", "closed", "draft", "shared"]);
    let amended = plans["items"].as_array().unwrap().iter().find(|p| p["version"] == 2).unwrap();
    let v =
        app.get(&format!("/api/v1/business-plans/{}/versions", amended["id"].as_str().unwrap()), Some(&admin)).await;
    assert_eq!(v.json()["total"], 1);
    // The amendment's scorecard reads the frozen version 1 (90 % of the amended targets).
    let plan = amended["id"].as_str().unwrap();
    let live = app.get(&format!("/api/v1/business-plans/{plan}"), Some(&admin)).await.json();
    let card =
        app.get(&format!("/api/v1/partners/{}/scorecard", live["partner_id"].as_str().unwrap()), Some(&admin)).await;
    let card = card.json();
    let revenue = card["objectives"].as_array().unwrap().iter().find(|o| o["kind"] == "closed_won_revenue").unwrap();
    let q = card["quarter"].as_u64().unwrap() as usize - 1;
    let frozen = (num(&live["objectives"][0]["targets"][q]) * 0.9 * 100.0).round() / 100.0;
    assert!((num(&revenue["target"]) - frozen).abs() < 0.011, "{card}");

    let partner = demo("partner1@demo.test").await;
    let home = app.page("/", &partner).await;
    assert!(home.text().contains("Your business plan this quarter"), "{}", home.text());
    assert_eq!(app.page("/scorecard", &partner).await.status, StatusCode::OK);
    let cam = demo("cam1@demo.test").await;
    let home = app.page("/", &cam).await;
    assert!(home.text().contains("Business plans this quarter"));
    assert!(home.text().contains("No agreed plan yet"));
}

#[tokio::test]
async fn the_cam_home_shows_each_planned_partners_revenue_to_plan_and_pipeline_as_its_scorecard_does() {
    let app = TestApp::new().await;
    assert!(tributary::demo::load(&app.pool).await.unwrap());
    let body = json!({"tenant": "demo", "email": "cam1@demo.test", "password": "demo-password"});
    let token = app.post_json("/api/v1/auth/login", None, body).await.json()["token"].as_str().unwrap().to_string();
    let cam = Session { token: Some(token.clone()), csrf: "0123456789abcdef0123456789abcdef".into() };
    let page = app.page("/", &cam).await;
    let html = page.html();
    let row_sel = scraper::Selector::parse("#plans tbody tr").unwrap();
    let cell_sel = scraper::Selector::parse("td").unwrap();
    let link_sel = scraper::Selector::parse("a").unwrap();
    let rows: Vec<_> = html.select(&row_sel).collect();
    assert!(!rows.is_empty(), "{}", page.text());
    let mut measured = 0;
    for row in rows {
        let cells: Vec<String> =
            row.select(&cell_sel).map(|c| c.text().collect::<String>().trim().to_string()).collect();
        let href = row.select(&link_sel).next().unwrap().value().attr("href").unwrap();
        let id = href.trim_start_matches("/partners/").trim_end_matches("/scorecard");
        let card = app.get(&format!("/api/v1/partners/{id}/scorecard"), Some(&token)).await.json();
        let metric = |key: &str| card["metrics"].as_array().unwrap().iter().find(|m| m["key"] == key).unwrap().clone();
        let performance = metric("performance_to_plan");
        let expected = if performance["attainment"].is_null() {
            "–".to_string()
        } else {
            measured += 1;
            format!("{} %", (num(&performance["attainment"]) * 100.0).round())
        };
        assert_eq!(cells[1], expected, "{}: {card}", cells[0]);
        let pipeline = metric("pipeline_to_target");
        let expected = match (performance["target"].is_null(), pipeline["target"].is_null()) {
            (true, _) => "–".to_string(),
            (false, true) => "target met".to_string(),
            (false, false) => format!("{} %", (num(&pipeline["value"]) * 100.0).round()),
        };
        assert_eq!(cells[3], expected, "{}: {card}", cells[0]);
    }
    assert!(measured >= 1, "no partner of cam1 had a revenue target this quarter");
}
