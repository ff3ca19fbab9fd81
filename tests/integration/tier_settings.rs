//! The program's tiers as a list the program admin grows and shrinks: adding a tier at a rank, removing one (never
//! the entry tier, never one that partners hold or an override names), from the API and from /admin/tiers, with
//! every refusal explained and nothing changed.

use axum::http::{Method, StatusCode};
use serde_json::{Value, json};

use crate::support::*;

async fn codes(app: &TestApp, token: &str) -> Vec<(String, i64)> {
    let r = app.get("/api/v1/tiers", Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()["tiers"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| (t["code"].as_str().unwrap().to_string(), t["rank"].as_i64().unwrap()))
        .collect()
}

fn ranked(codes: &[&str]) -> Vec<(String, i64)> {
    codes.iter().enumerate().map(|(i, c)| (c.to_string(), i as i64)).collect()
}

async fn set_tier(app: &TestApp, admin: &str, partner: impl ToString, tier: &str) {
    let path = format!("/api/v1/partners/{}", partner.to_string());
    let r = app.json(Method::PATCH, &path, Some(admin), json!({"tier": tier})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

fn detail(r: &Resp) -> String {
    let v: Value = r.json();
    v["detail"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn the_program_admin_adds_a_tier_at_a_rank_or_above_the_highest() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    let cam = app.token(A.slug, email::CAM1).await;

    let r = app.post_json("/api/v1/tiers", Some(&admin), json!({"code": "bronze", "name": "Bronze", "rank": 1})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(codes(&app, &admin).await, ranked(&["registered", "bronze", "silver", "gold", "platinum"]));
    // The tiers that moved keep their requirements.
    let config = app.get("/api/v1/tiers", Some(&admin)).await.json();
    assert!(!config["tiers"][2]["requirements"].as_array().unwrap().is_empty());
    assert!(config["tiers"][1]["requirements"].as_array().unwrap().is_empty());

    let r = app
        .post_json(
            "/api/v1/tiers",
            Some(&admin),
            json!({"code": "diamond", "name": "Diamond", "badge_colour": "#0B6E99",
                   "benefits": {"discount_percent": "25", "mdf_accrual_percent": "4", "protection_days": 365}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let diamond = r.json()["tiers"][5].clone();
    assert_eq!((diamond["code"].as_str(), diamond["rank"].as_i64()), (Some("diamond"), Some(5)));
    assert_eq!(
        (diamond["badge_colour"].as_str(), diamond["benefits"]["discount_percent"].as_str()),
        (Some("#0b6e99"), Some("25"))
    );
    // A partner can hold it now.
    set_tier(&app, &admin, A.p1, "diamond").await;

    // Every wrong field is named without a prefix; nothing changes.
    let before = codes(&app, &admin).await;
    let r = app
        .post_json(
            "/api/v1/tiers",
            Some(&admin),
            json!({"code": "Gold!", "name": "", "badge_colour": "red", "rank": 0}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let mut fields = r.field_errors();
    fields.sort();
    assert_eq!(fields, ["badge_colour", "code", "name", "rank"]);
    let r = app.post_json("/api/v1/tiers", Some(&admin), json!({"code": "gold", "name": "Gold again"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_errors(), ["code"]);
    let r = app.post_json("/api/v1/tiers", Some(&admin), json!({"code": "x", "name": "X", "rank": 9})).await;
    assert_eq!(r.field_errors(), ["rank"]);
    assert_eq!(codes(&app, &admin).await, before);

    // Only the program admin; another tenant's program is untouched.
    let r = app.post_json("/api/v1/tiers", Some(&cam), json!({"code": "copper", "name": "Copper"})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let b_admin = app.token(B.slug, email::ADMIN).await;
    assert_eq!(codes(&app, &b_admin).await, ranked(&["registered", "silver", "gold", "platinum"]));
    assert!(app.count_in(A.id, "select count(*) from audit_log where action = 'tiers.insert'").await >= 2);
}

#[tokio::test]
async fn removing_a_tier_refuses_the_entry_tier_and_tiers_that_partners_hold_or_an_override_names() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    let cam = app.token(A.slug, email::CAM1).await;
    let all = ranked(&["registered", "silver", "gold", "platinum"]);

    let r = app.delete("/api/v1/tiers/registered", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(detail(&r).contains("entry tier"), "{}", detail(&r));

    set_tier(&app, &admin, A.p1, "gold").await;
    let r = app.delete("/api/v1/tiers/gold", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(detail(&r).contains("1 partner holds Gold"), "{}", detail(&r));

    let until = (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string();
    let r = app
        .post_json(
            &format!("/api/v1/partners/{}/standing/override", A.p2),
            Some(&admin),
            json!({"tier": "platinum", "until": until, "reason": "Strategic launch partner this quarter"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // The override puts the partner at platinum: it holds it.
    let r = app.delete("/api/v1/tiers/platinum", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(detail(&r).contains("Platinum"), "{}", detail(&r));
    assert_eq!(app.delete("/api/v1/tiers/copper", Some(&admin)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.delete("/api/v1/tiers/silver", Some(&cam)).await.status, StatusCode::FORBIDDEN);
    assert_eq!(codes(&app, &admin).await, all);

    // Silver goes with its requirements; the tiers above it move down one rank.
    let r = app.delete("/api/v1/tiers/silver", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(codes(&app, &admin).await, ranked(&["registered", "gold", "platinum"]));
    assert_eq!(app.count_in(A.id, "select count(*) from tier_requirements where tier_code = 'silver'").await, 0);
    assert!(app.count_in(A.id, "select count(*) from audit_log where action = 'tiers.delete'").await >= 1);
    // Another tenant's Silver stays.
    let b_admin = app.token(B.slug, email::ADMIN).await;
    assert_eq!(codes(&app, &b_admin).await, all);
}

#[tokio::test]
async fn the_settings_page_adds_and_removes_tiers_with_messages_beside_the_fields() {
    let app = TestApp::new().await;
    let token = app.token(A.slug, email::ADMIN).await;
    let admin = app.session(A.slug, email::ADMIN).await;
    let r = app.page("/admin/tiers", &admin).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.select("#add-tier h2"), ["Add a tier"]);
    // The entry tier has no remove button; the others do.
    assert_eq!(r.select("form[action='/admin/tiers/registered/remove']").len(), 0);
    assert_eq!(r.select("form#remove-gold[action='/admin/tiers/gold/remove']").len(), 1);
    assert_eq!(r.select("#tier-gold button[form='remove-gold']").len(), 1);
    // The settings form's only own button saves: Enter in a field never removes a tier.
    assert_eq!(r.select("form[action='/admin/tiers'] button:not([form])"), ["Save tiers and policy"]);

    let bad = [("new_name", " "), ("new_code", "bad code"), ("new_badge_colour", "red"), ("new_rank", "1")];
    let r = app.submit("/admin/tiers/add", &admin, &bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.select("#add-tier .field-error").len(), 3, "{:?}", r.select("#add-tier .field-error"));
    assert!(r.text().contains(r#"value="bad code""#));
    assert_eq!(codes(&app, &token).await.len(), 4);

    let good = [("new_name", "Bronze"), ("new_code", "bronze"), ("new_badge_colour", "#a0522d"), ("new_rank", "1")];
    let r = app.submit("/admin/tiers/add", &admin, &good).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = app.page("/admin/tiers?notice=added", &admin).await;
    assert!(r.select("#tier-bronze h2").join(" ").contains("rank 1"), "{:?}", r.select("#tier-bronze h2"));
    assert!(r.select("#tier-silver h2").join(" ").contains("rank 2"));

    let r = app.submit("/admin/tiers/registered/remove", &admin, &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.select(".alert-error").join(" ").contains("entry tier"));
    set_tier(&app, &token, A.p1, "bronze").await;
    let r = app.submit("/admin/tiers/bronze/remove", &admin, &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.select(".alert-error").join(" ").contains("1 partner holds Bronze"));
    let r = app.submit("/admin/tiers/platinum/remove", &admin, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    let r = app.page("/admin/tiers", &admin).await;
    assert!(r.select("#tier-platinum").is_empty());
    assert_eq!(codes(&app, &token).await, ranked(&["registered", "bronze", "silver", "gold"]));
    assert_eq!(app.submit("/admin/tiers/copper/remove", &admin, &[]).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_tier_settings_pages_are_not_found_for_anyone_but_the_program_admin() {
    let app = TestApp::new().await;
    let token = app.token(A.slug, email::ADMIN).await;
    let add = [("new_name", "Copper"), ("new_code", "copper"), ("new_badge_colour", "#b87333"), ("new_rank", "1")];
    for who in [email::CAM1, email::CHIEF, email::P1_ADMIN, email::P1_USER] {
        let s = app.session(A.slug, who).await;
        assert_eq!(app.page("/admin/tiers", &s).await.status, StatusCode::NOT_FOUND, "{who}");
        assert_eq!(app.submit("/admin/tiers/add", &s, &add).await.status, StatusCode::NOT_FOUND, "{who}");
        assert_eq!(app.submit("/admin/tiers/platinum/remove", &s, &[]).await.status, StatusCode::NOT_FOUND, "{who}");
    }
    // Another tenant's admin changes its own program only.
    let b = app.session(B.slug, email::ADMIN).await;
    assert_eq!(app.submit("/admin/tiers/platinum/remove", &b, &[]).await.status, StatusCode::SEE_OTHER);
    assert_eq!(codes(&app, &token).await, ranked(&["registered", "silver", "gold", "platinum"]));
}

#[tokio::test]
async fn removing_a_tier_withdraws_a_promotion_proposed_to_it() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    let mut config = app.get("/api/v1/tiers", Some(&admin)).await.json();
    config["policy"]["auto_promote"] = json!(false);
    assert_eq!(app.json(Method::PUT, "/api/v1/tiers", Some(&admin), config).await.status, StatusCode::OK);
    for _ in 0..3 {
        crate::tiers::won_deal(&app, A.id, A.p1, A.p1_admin, 20000, 0).await;
    }
    let today = chrono::Utc::now().date_naive();
    tributary::tiers::evaluate_all(&app.pool, A.id, today, "http://127.0.0.1:8080").await.unwrap();
    let standing = format!("/api/v1/partners/{}/standing", A.p1);
    let s = app.get(&standing, Some(&admin)).await.json();
    assert_eq!((s["action"].as_str(), s["proposed_tier"].as_str()), (Some("propose_promotion"), Some("silver")));

    // No partner holds Silver yet: it goes, and the proposal with it; the next evaluation proposes nothing lower.
    let r = app.delete("/api/v1/tiers/silver", Some(&admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let s = app.get(&standing, Some(&admin)).await.json();
    assert_eq!((s["action"].as_str(), s["proposed_tier"].as_str()), (Some("hold"), None));
    tributary::tiers::evaluate_all(&app.pool, A.id, today, "http://127.0.0.1:8080").await.unwrap();
    let s = app.get(&standing, Some(&admin)).await.json();
    assert_eq!((s["tier"].as_str(), s["proposed_tier"].as_str()), (Some("registered"), None));
    let r = app.post_json(&format!("{standing}/promotion"), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "nothing is proposed any more: {}", r.text());
}
