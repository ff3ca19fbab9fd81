//! The chief's plans overview (coverage and attainment to date, by CAM, tier and region) from hand-made plans and
//! deals, who may read it, and that another tenant's plans never count; the program admin's plan settings page.

use axum::http::{Method, StatusCode};
use chrono::Datelike;
use serde_json::{Value, json};

use crate::support::*;

fn num(v: &Value) -> f64 {
    v.as_str().map_or_else(|| v.as_f64().unwrap_or(f64::NAN), |s| s.parse().unwrap())
}

/// The program's today, and a fiscal-year start month that puts today in the fourth quarter: the first three
/// quarters are then wholly gone, so a plan with targets only in them expects exactly their sum by now.
async fn today_in_q4(app: &TestApp, tenant: tributary::ids::TenantId) -> (chrono::NaiveDate, i32) {
    let mut tx = tributary::db::begin_tenant(&app.pool, tenant, None).await.unwrap();
    let today = tributary::program::store::today(&mut tx).await.unwrap();
    tx.commit().await.unwrap();
    let month = today.month() as i32;
    (today, (month - 1 + 12 - 9) % 12 + 1)
}

async fn set_start_month(app: &TestApp, admin: &str, month: i32) {
    let r = app
        .json(Method::PUT, "/api/v1/business-plans/settings", Some(admin), json!({"fiscal_year_start_month": month}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

/// Drafts the partner's plan with one revenue objective (`targets` per quarter), shares it and has it agreed.
async fn agreed_plan(app: &TestApp, cam: &str, partner_admin: &str, partner: &str, targets: [&str; 4]) -> String {
    let r = app.post_json("/api/v1/business-plans", Some(cam), json!({"partner_id": partner, "currency": "USD"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    let body = json!({"objectives": [
        {"kind": "closed_won_revenue", "weight": 70, "targets": targets},
        {"kind": "won_deals", "weight": 30, "targets": ["1", "1", "1", "1"]},
    ]});
    let r = app.json(Method::PATCH, &format!("/api/v1/business-plans/{id}"), Some(cam), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app.post_json(&format!("/api/v1/business-plans/{id}/share"), Some(cam), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app.post_json(&format!("/api/v1/business-plans/{id}/agree"), Some(partner_admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    id
}

/// A registration by the partner, approved by its CAM and closed won at `amount` today.
async fn won(app: &TestApp, partner_admin: &str, cam: &str, customer: &str, amount: &str, currency: &str) {
    let domain = format!("{}.example", customer.to_lowercase().replace(' ', "-"));
    let body = json!({
        "customer_name": customer, "customer_domain": domain, "country": "US", "products": ["CRM Suite"],
        "estimated_value": amount, "currency": currency,
        "expected_close_date": (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string(),
    });
    let r = app.post_json("/api/v1/deals", Some(partner_admin), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    let r = app.post_json(&format!("/api/v1/deals/{id}/approve"), Some(cam), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app
        .post_json(
            &format!("/api/v1/deals/{id}/close"),
            Some(partner_admin),
            json!({"outcome": "won", "amount": amount}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

fn group<'a>(list: &'a Value, label: &str) -> &'a Value {
    list.as_array().unwrap().iter().find(|g| g["label"] == label).unwrap_or_else(|| panic!("no {label} in {list}"))
}

#[tokio::test]
async fn the_overview_counts_coverage_and_attainment_to_date_by_cam_tier_and_region() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let chief = app.token("acme", email::CHIEF).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let cam2 = app.token("acme", email::CAM2).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let (today, start) = today_in_q4(&app, A.id).await;
    set_start_month(&app, &admin, start).await;

    // An applicant is not an active partner: never counted.
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    sqlx::query(
        "insert into partners (tenant_id, id, name, country, region, cam_id, life_stage)
         values ($1, gen_random_uuid(), 'Partner Applying', 'US', 'NA', $2, 'applicant')",
    )
    .bind(A.id)
    .bind(A.cam1)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();

    // Partner One (Cara Cam, NA): 10,000 + 10,000 + 20,000 expected by now; 30,000 won → 75 %.
    let p1_plan = agreed_plan(&app, &cam1, &p1, &A.p1.to_string(), ["10000", "10000", "20000", "0"]).await;
    won(&app, &p1, &cam1, "Alder Bank", "18000.00", "USD").await;
    won(&app, &p1, &cam1, "Birch Insurance", "12000.00", "USD").await;
    // Won in another currency than the plan's: not counted against it.
    won(&app, &p1, &cam1, "Cedar Mutual", "50000.00", "EUR").await;
    // Partner Two (Carl Cam, EMEA): 5,000 + 5,000 + 10,000 expected; 30,000 won → 150 %.
    agreed_plan(&app, &cam2, &p2, &A.p2.to_string(), ["5000", "5000", "10000", "0"]).await;
    won(&app, &p2, &cam2, "Dogwood Credit", "30000.00", "USD").await;
    // Partner Three (no CAM, APAC): a plan shared, never agreed.
    let r = app.post_json("/api/v1/business-plans", Some(&admin), json!({"partner_id": A.p3})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let p3_plan = r.json()["id"].as_str().unwrap().to_string();
    let r = app.post_json(&format!("/api/v1/business-plans/{p3_plan}/share"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());

    // The other tenant: a partner far ahead of an agreed plan, which must not move Acme's figures.
    let b_admin = app.token("globex", email::ADMIN).await;
    let b_cam = app.token("globex", email::CAM1).await;
    let b_p1 = app.token("globex", email::P1_ADMIN).await;
    set_start_month(&app, &b_admin, start).await;
    agreed_plan(&app, &b_cam, &b_p1, &B.p1.to_string(), ["100", "100", "100", "0"]).await;
    won(&app, &b_p1, &b_cam, "Elm Trust", "90000.00", "USD").await;

    // An amendment waiting for the partner: the targets agreed before still hold, and the plan still covers.
    let r = app
        .json(
            Method::PATCH,
            &format!("/api/v1/business-plans/{p1_plan}"),
            Some(&cam1),
            json!({"objectives": [{"kind": "closed_won_revenue", "weight": 100,
                                   "targets": ["90000", "90000", "90000", "90000"]}]}),
        )
        .await;
    assert_eq!((r.status, r.json()["state"].as_str()), (StatusCode::OK, Some("shared")), "{}", r.text());

    for token in [&chief, &admin] {
        let r = app.get("/api/v1/business-plans/overview", Some(token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    let o = app.get("/api/v1/business-plans/overview", Some(&chief)).await.json();
    let fiscal_year = if today.month() as i32 >= start { today.year() } else { today.year() - 1 };
    assert_eq!(o["fiscal_year"], fiscal_year);
    assert_eq!(o["as_of"], today.to_string());
    let all = &o["overall"];
    assert_eq!((all["partners"].as_i64(), all["with_agreed_plan"].as_i64()), (Some(3), Some(2)));
    // 2 of 3; (0.75 + 1.5) ÷ 2 = 1.125: green.
    assert_eq!(num(&all["coverage"]), 0.6667);
    assert_eq!((all["measured"].as_i64(), num(&all["attainment"])), (Some(2), 1.125));
    assert_eq!(all["mark"], "green");

    // Worst first: the unassigned partner (no agreed plan), Cara Cam at 75 % (yellow), Carl Cam at 150 %.
    let cams: Vec<&str> = o["by_cam"].as_array().unwrap().iter().map(|g| g["label"].as_str().unwrap()).collect();
    assert_eq!(cams, ["Unassigned", "Cara Cam", "Carl Cam"]);
    let cara = group(&o["by_cam"], "Cara Cam");
    let cam1_key = A.cam1.to_string();
    assert_eq!((cara["key"].as_str(), num(&cara["attainment"])), (Some(cam1_key.as_str()), 0.75));
    assert_eq!(cara["mark"], "yellow");
    assert_eq!((cara["partners"].as_i64(), num(&cara["coverage"])), (Some(1), 1.0));
    let unassigned = group(&o["by_cam"], "Unassigned");
    assert_eq!((unassigned["key"].as_str(), num(&unassigned["coverage"])), (Some("unassigned"), 0.0));
    assert!(unassigned["attainment"].is_null() && unassigned["mark"].is_null());
    let regions: Vec<&str> = o["by_region"].as_array().unwrap().iter().map(|g| g["key"].as_str().unwrap()).collect();
    assert_eq!(regions, ["APAC", "NA", "EMEA"]);
    assert_eq!(num(&group(&o["by_region"], "EMEA")["attainment"]), 1.5);
    let tiers = o["by_tier"].as_array().unwrap();
    assert_eq!(tiers.len(), 1);
    assert_eq!(
        (tiers[0]["key"].as_str(), tiers[0]["label"].as_str(), tiers[0]["partners"].as_i64()),
        (Some("registered"), Some("Registered"), Some(3))
    );

    // The other tenant sees only its own.
    let b = app.get("/api/v1/business-plans/overview", Some(&b_admin)).await.json();
    assert_eq!((b["overall"]["partners"].as_i64(), b["overall"]["with_agreed_plan"].as_i64()), (Some(3), Some(1)));
    // 90,000 ÷ 300: counted at most 200 %.
    assert_eq!(num(&b["overall"]["attainment"]), 2.0);

    // The chief's home shows it, formatted.
    let chief_page = app.session("acme", email::CHIEF).await;
    let page = app.page("/", &chief_page).await;
    assert_eq!(page.status, StatusCode::OK);
    let card = page.select("#plans-overview").join(" ");
    assert!(card.contains("67 %"), "{card}");
    assert!(card.contains("112 %"), "{card}");
    assert!(card.contains("2 of 3 active partners"), "{card}");
    assert!(card.contains("Cara Cam") && card.contains("Unassigned") && card.contains("EMEA"), "{card}");
    assert!(card.contains("No agreed plan") && card.contains("At risk"), "{card}");
}

#[tokio::test]
async fn only_the_chief_and_the_program_admin_read_the_overview() {
    let app = TestApp::new().await;
    for who in [email::CAM1, email::P1_ADMIN, email::P1_USER] {
        let token = app.token("acme", who).await;
        let r = app.get("/api/v1/business-plans/overview", Some(&token)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}: {}", r.text());
    }
    assert_eq!(app.get("/api/v1/business-plans/overview", None).await.status, StatusCode::UNAUTHORIZED);
    // With no plans at all: nobody covered, no attainment.
    let chief = app.token("acme", email::CHIEF).await;
    let o = app.get("/api/v1/business-plans/overview", Some(&chief)).await.json();
    assert_eq!((o["overall"]["partners"].as_i64(), num(&o["overall"]["coverage"])), (Some(3), 0.0));
    assert!(o["overall"]["attainment"].is_null());
    // The CAM's home has no overview card.
    let cam = app.session("acme", email::CAM1).await;
    assert!(app.page("/", &cam).await.select("#plans-overview").is_empty());
}

#[tokio::test]
async fn the_plan_settings_page_saves_valid_settings_audited_and_refuses_bad_ones_whole() {
    let app = TestApp::new().await;
    let admin = app.session("acme", email::ADMIN).await;
    let page = app.page("/admin/plans", &admin).await;
    assert_eq!(page.status, StatusCode::OK);
    // The defaults until set: January, 3, fixed, 10 %.
    assert_eq!(page.select("#f-coverage_index").len(), 1);
    assert!(page.text().contains(r#"value="3""#) && page.text().contains(r#"value="10""#), "{}", page.text());
    // The program settings hub and the navigation lead here.
    assert!(app.page("/admin/program", &admin).await.text().contains(r#"href="/admin/plans""#));
    assert!(page.select("nav a").iter().any(|l| l.contains("Plan settings")));

    // Bad input: every wrong field named beside it, the input shown again, nothing saved.
    let bad = [
        ("fiscal_year_start_month", "13"),
        ("coverage_mode", "index"),
        ("coverage_index", "eleven"),
        ("default_growth_percent", "2000"),
    ];
    let r = app.submit("/admin/plans", &admin, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("#e-fiscal_year_start_month")[0].contains("month"));
    assert!(r.select("#e-coverage_index")[0].contains("1 to 10"));
    assert!(r.select("#e-default_growth_percent")[0].contains("-100"));
    assert!(r.select("#e-coverage_mode").is_empty());
    assert!(r.text().contains(r#"value="eleven""#));
    assert_eq!(app.count_in(A.id, "select count(*) from plan_settings").await, 0);

    let good = [
        ("fiscal_year_start_month", "4"),
        ("coverage_mode", "win_rate"),
        ("coverage_index", "2.5"),
        ("default_growth_percent", "15"),
    ];
    let r = app.submit("/admin/plans", &admin, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let token = app.token("acme", email::ADMIN).await;
    let s = app.get("/api/v1/business-plans/settings", Some(&token)).await.json();
    assert_eq!(s["fiscal_year_start_month"], 4);
    assert_eq!((num(&s["coverage_index"]), s["coverage_from_win_rate"].as_bool()), (2.5, Some(true)));
    assert_eq!(num(&s["default_growth_percent"]), 15.0);
    let audited = app
        .count_in(A.id, "select count(*) from audit_log where entity_type = 'plan_settings' and actor_id is not null")
        .await;
    assert_eq!(audited, 1);
    // The other tenant's settings are untouched.
    assert_eq!(app.count_in(B.id, "select count(*) from plan_settings").await, 0);
    // A new plan starts from the default growth.
    let cam1 = app.token("acme", email::CAM1).await;
    let r = app.post_json("/api/v1/business-plans", Some(&cam1), json!({"partner_id": A.p1})).await;
    assert_eq!((r.status, num(&r.json()["growth_percent"])), (StatusCode::CREATED, 15.0), "{}", r.text());
    // The API refuses the same bad growth, changing nothing.
    let r = app
        .json(Method::PUT, "/api/v1/business-plans/settings", Some(&token), json!({"default_growth_percent": "-101"}))
        .await;
    assert_eq!(
        (r.status, r.field_errors()),
        (StatusCode::UNPROCESSABLE_ENTITY, vec!["default_growth_percent".to_string()])
    );
    assert_eq!(
        num(&app.get("/api/v1/business-plans/settings", Some(&token)).await.json()["default_growth_percent"]),
        15.0
    );

    // Only the program admin: others are refused.
    for who in [email::CHIEF, email::CAM1, email::P1_ADMIN] {
        let s = app.session("acme", who).await;
        assert_eq!(app.page("/admin/plans", &s).await.status, StatusCode::FORBIDDEN, "{who}");
        assert_eq!(app.submit("/admin/plans", &s, &good).await.status, StatusCode::FORBIDDEN, "{who}");
    }
}
