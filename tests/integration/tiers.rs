//! Partner standing: the evaluation at simulated dates (promotion, warning, grace, demotion one tier at a time,
//! overrides, life-stages), two job instances sharing the work, the tier configuration (admin-only, 422, 409), and who
//! may see a standing.

use axum::http::{Method, StatusCode};
use chrono::{Duration, NaiveDate, Utc};
use serde_json::{Value, json};
use tributary::ids::{PartnerId, TenantId, UserId};

use crate::support::*;

fn today() -> NaiveDate {
    Utc::now().date_naive()
}

/// A won registration of `partner`, closed (and decided and registered) `days_ago` days before now.
pub(crate) async fn won_deal(
    app: &TestApp,
    tenant: TenantId,
    partner: PartnerId,
    by: UserId,
    amount: i64,
    at_day: i64,
) {
    let mut tx = tributary::db::begin_tenant(&app.pool, tenant, None).await.unwrap();
    let at = Utc::now() + Duration::days(at_day);
    sqlx::query(
        "insert into deals (tenant_id, id, partner_id, registered_by, customer_name, normalized_name, country, products,
                            estimated_value, currency, expected_close_date, status, created_at, decided_at, closed_at,
                            closed_amount, partner_name)
         select $1, gen_random_uuid(), $2, $3, 'Customer ' || left(md5(random()::text), 8), 'customer', 'US',
                array['crm'], $4, 'USD', $5::timestamptz::date, 'won', $5, $5, $5, $4, p.name
           from partners p where p.id = $2",
    )
    .bind(tenant)
    .bind(partner)
    .bind(by)
    .bind(rust_decimal::Decimal::from(amount))
    .bind(at)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
}

async fn evaluate(app: &TestApp, tenant: TenantId, day: NaiveDate) -> Vec<tributary::tiers::Decision> {
    tributary::tiers::evaluate_all(&app.pool, tenant, day, "http://127.0.0.1:8080").await.unwrap()
}

async fn standing(app: &TestApp, token: &str, partner: PartnerId) -> Value {
    let r = app.get(&format!("/api/v1/partners/{partner}/standing"), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

async fn history_actions(app: &TestApp, token: &str, partner: PartnerId) -> Vec<String> {
    let r = app.get(&format!("/api/v1/partners/{partner}/standing/history"), Some(token)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let mut actions: Vec<String> =
        r.json()["items"].as_array().unwrap().iter().map(|i| i["action"].as_str().unwrap().to_string()).collect();
    actions.reverse();
    actions
}

async fn set_tier(app: &TestApp, admin: &str, partner: PartnerId, tier: &str) {
    let r = app.json(Method::PATCH, &format!("/api/v1/partners/{partner}"), Some(admin), json!({"tier": tier})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

async fn mail_subjects(app: &TestApp, admin: &str) -> Vec<(String, String)> {
    let r = app.get("/api/v1/outbox?limit=500", Some(admin)).await;
    r.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| (m["to"].as_str().unwrap().to_string(), m["subject"].as_str().unwrap().to_string()))
        .collect()
}

#[tokio::test]
async fn a_partner_is_promoted_then_graced_then_demoted_as_its_deals_age_out_of_the_window() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    // Four won deals today: USD 60,000, four wins, four approved registrations — Silver's requirements, with room.
    for _ in 0..4 {
        won_deal(&app, A.id, A.p1, A.p1_admin, 15000, 0).await;
    }
    let d0 = today();
    evaluate(&app, A.id, d0).await;
    let s = standing(&app, &admin, A.p1).await;
    assert_eq!((s["tier"].as_str(), s["action"].as_str()), (Some("silver"), Some("promote")), "{s}");
    assert_eq!(s["life_stage"], "producing");
    let silver = &s["tiers"][1];
    assert_eq!(silver["met"], true);
    let gold = &s["tiers"][2];
    assert_eq!(gold["requirements"][0]["gap"], "USD 190,000 more closed-won revenue");
    assert_eq!(gold["requirements"][0]["summary"], "Closed-won revenue: USD 60,000 of USD 250,000");
    assert_eq!(gold["requirements"][3]["summary"], "Certified sales engineers: 0 of 2");
    let mails = mail_subjects(&app, &admin).await;
    for to in [email::P1_ADMIN, email::CAM1] {
        assert!(mails.contains(&(to.to_string(), "Partner One is now Silver".to_string())), "{mails:?}");
    }
    assert!(!mails.iter().any(|(to, _)| to == email::P1_USER), "partner users are not told, their admins are");

    // Evaluated again the same way: nothing new happens.
    evaluate(&app, A.id, d0 + Duration::days(7)).await;
    assert_eq!(standing(&app, &admin, A.p1).await["action"], "hold");

    // A year on, the deals have left the 365-day window: grace for 90 days, the tier kept.
    let d1 = d0 + Duration::days(365);
    evaluate(&app, A.id, d1).await;
    let s = standing(&app, &admin, A.p1).await;
    let until = (d1 + Duration::days(90)).to_string();
    assert_eq!((s["tier"].as_str(), s["action"].as_str()), (Some("silver"), Some("start_grace")), "{s}");
    assert_eq!(s["grace_until"].as_str(), Some(until.as_str()));
    assert_eq!(s["life_stage"], "lapsed");
    let subject = format!("Partner One has until {until} to meet Silver again");
    assert!(mail_subjects(&app, &admin).await.contains(&(email::CAM1.to_string(), subject)));
    evaluate(&app, A.id, d1 + Duration::days(89)).await;
    let s = standing(&app, &admin, A.p1).await;
    assert_eq!((s["tier"].as_str(), s["action"].as_str()), (Some("silver"), Some("in_grace")));
    // Grace over: down one tier.
    evaluate(&app, A.id, d1 + Duration::days(90)).await;
    let s = standing(&app, &admin, A.p1).await;
    assert_eq!((s["tier"].as_str(), s["action"].as_str()), (Some("registered"), Some("demote")), "{s}");
    assert_eq!(s["grace_until"], Value::Null);
    assert_eq!(history_actions(&app, &admin, A.p1).await, ["promote", "start_grace", "demote"]);
    let subject = "Partner One moved from Silver to Registered".to_string();
    assert!(mail_subjects(&app, &admin).await.contains(&(email::P1_ADMIN.to_string(), subject)));
}

#[tokio::test]
async fn demotion_goes_one_tier_at_a_time_each_after_its_own_grace_period() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    set_tier(&app, &admin, A.p2, "gold").await;
    let d0 = today();
    evaluate(&app, A.id, d0).await;
    assert_eq!(standing(&app, &admin, A.p2).await["action"], "start_grace");
    evaluate(&app, A.id, d0 + Duration::days(90)).await;
    let s = standing(&app, &admin, A.p2).await;
    assert_eq!((s["tier"].as_str(), s["action"].as_str()), (Some("silver"), Some("demote")));
    // Still short of Silver: a new grace period, not straight to the bottom.
    evaluate(&app, A.id, d0 + Duration::days(97)).await;
    let s = standing(&app, &admin, A.p2).await;
    assert_eq!((s["tier"].as_str(), s["action"].as_str()), (Some("silver"), Some("start_grace")));
    evaluate(&app, A.id, d0 + Duration::days(187)).await;
    assert_eq!(standing(&app, &admin, A.p2).await["tier"], "registered");
    assert_eq!(
        history_actions(&app, &admin, A.p2).await,
        ["set_by_admin", "start_grace", "demote", "start_grace", "demote"]
    );
}

#[tokio::test]
async fn a_narrow_margin_warns_once_and_meeting_the_tier_again_ends_grace() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    set_tier(&app, &admin, A.p1, "silver").await;
    // USD 52,000 is within 10 % of Silver's 50,000.
    won_deal(&app, A.id, A.p1, A.p1_admin, 26000, 0).await;
    won_deal(&app, A.id, A.p1, A.p1_admin, 26000, 0).await;
    won_deal(&app, A.id, A.p1, A.p1_admin, 1, 0).await;
    let d0 = today();
    evaluate(&app, A.id, d0).await;
    let s = standing(&app, &admin, A.p1).await;
    assert_eq!((s["tier"].as_str(), s["action"].as_str()), (Some("silver"), Some("warn")), "{s}");
    let subject = "Partner One is at risk of losing Silver".to_string();
    let warned = |m: &Vec<(String, String)>| m.iter().filter(|(to, s)| to == email::CAM1 && *s == subject).count();
    assert_eq!(warned(&mail_subjects(&app, &admin).await), 1);
    evaluate(&app, A.id, d0 + Duration::days(7)).await;
    assert_eq!(warned(&mail_subjects(&app, &admin).await), 1, "a warning is sent once, not every evaluation");

    // Partner Two below Silver starts grace; a win that meets Silver again ends it.
    set_tier(&app, &admin, A.p2, "silver").await;
    evaluate(&app, A.id, d0 + Duration::days(14)).await;
    assert_eq!(standing(&app, &admin, A.p2).await["action"], "start_grace");
    for _ in 0..4 {
        won_deal(&app, A.id, A.p2, A.p2_admin, 30000, 15).await;
    }
    evaluate(&app, A.id, d0 + Duration::days(21)).await;
    let s = standing(&app, &admin, A.p2).await;
    assert_eq!(
        (s["tier"].as_str(), s["action"].as_str(), &s["grace_until"]),
        (Some("silver"), Some("hold"), &Value::Null)
    );
    assert_eq!(history_actions(&app, &admin, A.p2).await, ["set_by_admin", "start_grace", "recover"]);
}

#[tokio::test]
async fn life_stages_follow_wins_and_silence_as_time_passes() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    let d0 = today();
    won_deal(&app, A.id, A.p1, A.p1_admin, 1000, 0).await;
    evaluate(&app, A.id, d0).await;
    let stage = |v: Value| v["life_stage"].as_str().unwrap().to_string();
    assert_eq!(stage(standing(&app, &admin, A.p1).await), "producing");
    // Partner Two never registered: still onboarding whenever it is evaluated.
    assert_eq!(stage(standing(&app, &admin, A.p2).await), "onboarding");
    evaluate(&app, A.id, d0 + Duration::days(89)).await;
    assert_eq!(stage(standing(&app, &admin, A.p1).await), "producing");
    evaluate(&app, A.id, d0 + Duration::days(90)).await;
    assert_eq!(stage(standing(&app, &admin, A.p1).await), "lapsed");
    // The chief's counts follow.
    let lapsed = app.count_in(A.id, "select count(*) from partners where life_stage = 'lapsed'").await;
    assert_eq!(lapsed, 1);
    // Winning again brings it back.
    won_deal(&app, A.id, A.p1, A.p1_admin, 1000, 100).await;
    evaluate(&app, A.id, d0 + Duration::days(100)).await;
    assert_eq!(stage(standing(&app, &admin, A.p1).await), "producing");
}

#[tokio::test]
async fn two_job_instances_evaluate_each_partner_once() {
    let app = TestApp::new().await;
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    sqlx::query(
        "insert into partners (tenant_id, id, name, country, region)
         select $1, gen_random_uuid(), 'Bulk partner ' || n, 'US', 'NA' from generate_series(1, 700) n",
    )
    .bind(A.id)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    let day = today();
    let base = "http://127.0.0.1:8080";
    let (a, b) = tokio::join!(
        tributary::tiers::run_due(&app.pool, A.id, day, base),
        tributary::tiers::run_due(&app.pool, A.id, day, base)
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let mut all: Vec<PartnerId> = a.iter().chain(b.iter()).map(|d| d.partner).collect();
    let n = all.len();
    all.sort();
    all.dedup();
    assert_eq!(all.len(), n, "a partner was evaluated twice");
    assert_eq!(n, 703);
    // Nothing is due again today.
    assert!(tributary::tiers::run_due(&app.pool, A.id, day, base).await.unwrap().is_empty());
    let evaluated = app.count_in(A.id, "select count(*) from partner_standings where evaluated_on is not null").await;
    assert_eq!(evaluated, 703);
    // Tenant B was not touched.
    let other = app.count_in(B.id, "select count(*) from partner_standings").await;
    assert_eq!(other, 0);
}

#[tokio::test]
async fn an_override_holds_its_tier_until_its_date() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    let d0 = today();
    let until = (d0 + Duration::days(30)).to_string();
    let path = format!("/api/v1/partners/{}/standing/override", A.p1);
    let r = app
        .post_json(&path, Some(&admin), json!({"tier": "gold", "until": until, "reason": "Strategic launch partner"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!((r.json()["tier"].as_str(), r.json()["action"].as_str()), (Some("gold"), Some("overridden")));
    assert_eq!(r.json()["override"]["until"].as_str(), Some(until.as_str()));
    evaluate(&app, A.id, d0 + Duration::days(30)).await;
    let s = standing(&app, &admin, A.p1).await;
    assert_eq!((s["tier"].as_str(), s["action"].as_str()), (Some("gold"), Some("overridden")));
    // The day after: the override has ended and the partner meets nothing, so grace starts at Gold.
    evaluate(&app, A.id, d0 + Duration::days(31)).await;
    let s = standing(&app, &admin, A.p1).await;
    assert_eq!(
        (s["tier"].as_str(), s["action"].as_str(), &s["override"]),
        (Some("gold"), Some("start_grace"), &Value::Null)
    );
    assert_eq!(history_actions(&app, &admin, A.p1).await, ["override", "override_ended", "start_grace"]);

    // Bad overrides name each field; a DELETE without an override is 409.
    let r = app
        .post_json(&path, Some(&admin), json!({"tier": "diamond", "until": d0.to_string(), "reason": "short"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let errors = r.json()["errors"].clone();
    for field in ["tier", "until", "reason"] {
        assert!(errors.get(field).is_some(), "{errors}");
    }
    assert_eq!(app.delete(&path, Some(&admin)).await.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn promotion_waits_for_approval_when_the_policy_says_so() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    let mut config = app.get("/api/v1/tiers", Some(&admin)).await.json();
    config["policy"]["auto_promote"] = json!(false);
    let r = app.json(Method::PUT, "/api/v1/tiers", Some(&admin), config).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    for _ in 0..3 {
        won_deal(&app, A.id, A.p1, A.p1_admin, 20000, 0).await;
    }
    evaluate(&app, A.id, today()).await;
    let s = standing(&app, &admin, A.p1).await;
    assert_eq!((s["tier"].as_str(), s["action"].as_str()), (Some("registered"), Some("propose_promotion")));
    assert_eq!(s["proposed_tier"], "silver");
    let path = format!("/api/v1/partners/{}/standing/promotion", A.p1);
    let cam = app.token(A.slug, email::CAM1).await;
    assert_eq!(app.post_json(&path, Some(&cam), json!({})).await.status, StatusCode::FORBIDDEN);
    let r = app.post_json(&path, Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["tier"], "silver");
    assert_eq!(app.post_json(&path, Some(&admin), json!({})).await.status, StatusCode::CONFLICT);
    assert_eq!(history_actions(&app, &admin, A.p1).await, ["propose_promotion", "approve_promotion"]);
}

#[tokio::test]
async fn a_standing_is_404_to_other_tenants_other_partners_and_unassigned_cams() {
    let app = TestApp::new().await;
    let b_admin = app.token(B.slug, email::ADMIN).await;
    let p2 = app.token(A.slug, email::P2_ADMIN).await;
    let cam2 = app.token(A.slug, email::CAM2).await;
    for suffix in ["standing", "standing/history"] {
        let path = format!("/api/v1/partners/{}/{suffix}", A.p1);
        for token in [&b_admin, &p2, &cam2] {
            assert_eq!(app.get(&path, Some(token)).await.status, StatusCode::NOT_FOUND, "{path}");
        }
    }
    for suffix in ["standing/evaluate", "standing/override", "standing/promotion"] {
        let path = format!("/api/v1/partners/{}/{suffix}", A.p1);
        let r = app
            .post_json(
                &path,
                Some(&b_admin),
                json!({"tier": "gold", "until": "2099-01-01", "reason": "Another tenant's"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{path}: {}", r.text());
    }
    let cam1 = app.token(A.slug, email::CAM1).await;
    let p1 = app.token(A.slug, email::P1_USER).await;
    for token in [&cam1, &p1] {
        standing(&app, token, A.p1).await;
    }
}

#[tokio::test]
async fn only_program_admins_change_tiers_and_standing() {
    let app = TestApp::new().await;
    let config = app.get("/api/v1/tiers", Some(&app.token(A.slug, email::CHIEF).await)).await.json();
    assert_eq!(config["tiers"].as_array().unwrap().len(), 4);
    assert_eq!(config["policy"]["grace_days"], 90);
    for who in [email::CHIEF, email::CAM1, email::P1_ADMIN] {
        let token = app.token(A.slug, who).await;
        let r = app.json(Method::PUT, "/api/v1/tiers", Some(&token), config.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{who}");
        for suffix in ["evaluate", "override", "promotion"] {
            let path = format!("/api/v1/partners/{}/standing/{suffix}", A.p1);
            assert_eq!(app.post_json(&path, Some(&token), json!({})).await.status, StatusCode::FORBIDDEN, "{who}");
        }
    }
    let admin = app.token(A.slug, email::ADMIN).await;
    let r = app.post_json(&format!("/api/v1/partners/{}/standing/evaluate", A.p1), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["action"], "hold");
}

#[tokio::test]
async fn a_wrong_tier_configuration_is_422_naming_every_field_and_changes_nothing() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    let before = app.get("/api/v1/tiers", Some(&admin)).await.json();
    let mut bad = before.clone();
    bad["tiers"][1]["code"] = json!("registered");
    bad["tiers"][2]["rank"] = json!(7);
    bad["tiers"][2]["requirements"][0]["metric"] = json!("vibes");
    bad["tiers"][3]["optional_needed"] = json!(9);
    bad["tiers"][3]["requirements"][0]["threshold"] = json!("-5");
    bad["policy"]["grace_days"] = json!(5000);
    let r = app.json(Method::PUT, "/api/v1/tiers", Some(&admin), bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let errors = r.json()["errors"].clone();
    for field in [
        "tiers",
        "tiers[1].code",
        "tiers[2].requirements[0].metric",
        "tiers[3].optional_needed",
        "tiers[3].requirements[0].threshold",
        "policy.grace_days",
    ] {
        assert!(errors.get(field).is_some(), "{field} not named: {errors}");
    }
    assert_eq!(app.get("/api/v1/tiers", Some(&admin)).await.json(), before);

    // A requirement the admin sets reads back; a tier partners hold cannot be removed.
    let mut good = before.clone();
    good["tiers"][1]["requirements"][0]["threshold"] = json!("75000");
    let r = app.json(Method::PUT, "/api/v1/tiers", Some(&admin), good.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["tiers"][1]["requirements"][0]["threshold"], "75000");
    set_tier(&app, &admin, A.p1, "platinum").await;
    good["tiers"].as_array_mut().unwrap().pop();
    let r = app.json(Method::PUT, "/api/v1/tiers", Some(&admin), good).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert_eq!(app.get("/api/v1/tiers", Some(&admin)).await.json()["tiers"].as_array().unwrap().len(), 4);
}

#[tokio::test]
async fn the_partners_api_takes_the_programs_tier_codes() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    let path = format!("/api/v1/partners/{}", A.p1);
    let r = app.json(Method::PATCH, &path, Some(&admin), json!({"tier": "diamond"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["errors"]["tier"][0].as_str().unwrap().contains("platinum"));
    let mut config = app.get("/api/v1/tiers", Some(&admin)).await.json();
    config["tiers"].as_array_mut().unwrap().push(json!({"code": "diamond", "rank": 4, "name": "Diamond",
        "badge_colour": "#0b6e99", "benefits": {"discount_percent": "25", "mdf_accrual_percent": "4",
        "protection_days": 365, "from": "2027-01-01"}, "optional_needed": 0,
        "requirements": [{"metric": "closed_won_revenue", "parameter": "USD", "threshold": "5000000",
                          "window_days": 365, "mandatory": true}]}));
    let r = app.json(Method::PUT, "/api/v1/tiers", Some(&admin), config).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app.json(Method::PATCH, &path, Some(&admin), json!({"tier": "diamond"})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Another tenant's program has no Diamond.
    let b_admin = app.token(B.slug, email::ADMIN).await;
    let r = app
        .json(Method::PATCH, &format!("/api/v1/partners/{}", B.p1), Some(&b_admin), json!({"tier": "diamond"}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn the_partner_sees_its_gaps_and_staff_see_who_needs_attention() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    for _ in 0..4 {
        won_deal(&app, A.id, A.p1, A.p1_admin, 15000, 0).await;
    }
    set_tier(&app, &admin, A.p2, "silver").await;
    evaluate(&app, A.id, today()).await;

    let p1 = app.session(A.slug, email::P1_USER).await;
    let r = app.page("/tier", &p1).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.select("h1"), ["Your tier"]);
    let next = r.select("#next-tier h2");
    assert_eq!(next, ["What Gold takes"]);
    assert!(r.text().contains("Still needed: USD 190,000 more closed-won revenue."), "{}", r.text());
    assert_eq!(r.select("#next-benefits h2"), ["Gold benefits"]);
    let window_from = today() - chrono::Duration::days(364);
    let since = format!("Counted over the trailing 12 months, since {}.", window_from.format("%-d %b %Y"));
    assert!(r.text().contains(&since), "{since}");
    assert!(!r.select("#projection").is_empty());
    assert!(r.select("#admin-actions").is_empty(), "partners do not see the admin's actions");
    let home = app.page("/", &p1).await;
    assert!(home.text().contains("To reach Gold:"), "{}", home.text());

    // Partner Two fell below Silver: its CAM sees it in grace, the chief sees the quarter's movements.
    let cam2 = app.session(A.slug, email::CAM2).await;
    let r = app.page("/", &cam2).await;
    let watch = r.select("#tier-watch tbody tr");
    assert_eq!(watch.len(), 1, "{watch:?}");
    assert!(watch[0].contains("Partner Two") && watch[0].contains("In grace"), "{watch:?}");
    let cam1 = app.session(A.slug, email::CAM1).await;
    assert!(app.page("/", &cam1).await.select("#tier-watch tbody tr").is_empty());
    let chief = app.session(A.slug, email::CHIEF).await;
    let rows = app.page("/", &chief).await.select("#tier-movements tbody tr");
    assert_eq!(rows.len(), 2, "{rows:?}");
    // The CAM may open an assigned partner's standing, not another's.
    assert_eq!(app.page(&format!("/partners/{}/standing", A.p2), &cam2).await.status, StatusCode::OK);
    assert_eq!(app.page(&format!("/partners/{}/standing", A.p1), &cam2).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn the_tier_settings_form_saves_and_re_renders_with_messages_beside_fields() {
    let app = TestApp::new().await;
    let admin = app.session(A.slug, email::ADMIN).await;
    let r = app.page("/admin/tiers", &admin).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // Every field of the page as the browser would send it.
    let html = r.html();
    let mut fields: Vec<(String, String)> = Vec::new();
    for el in html.select(
        &scraper::Selector::parse("form[action='/admin/tiers'] input, form[action='/admin/tiers'] select").unwrap(),
    ) {
        let name = el.value().attr("name").unwrap_or("").to_string();
        if name.is_empty() || name == "_csrf" {
            continue;
        }
        if el.value().attr("type") == Some("checkbox") {
            if el.value().attr("checked").is_some() {
                fields.push((name, "on".into()));
            }
            continue;
        }
        let value = if el.value().name() == "select" {
            el.select(&scraper::Selector::parse("option[selected]").unwrap())
                .next()
                .and_then(|o| o.value().attr("value"))
                .unwrap_or("")
                .to_string()
        } else {
            el.value().attr("value").unwrap_or("").to_string()
        };
        fields.push((name, value));
    }
    let set = |fields: &mut Vec<(String, String)>, name: &str, value: &str| {
        fields.retain(|(n, _)| n != name);
        fields.push((name.into(), value.into()));
    };
    let mut bad = fields.clone();
    set(&mut bad, "grace", "-3");
    set(&mut bad, "t1_r0_threshold", "lots");
    let pairs: Vec<(&str, &str)> = bad.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = app.submit("/admin/tiers", &admin, &pairs).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.select(".field-error").len(), 2, "{:?}", r.select(".field-error"));
    assert_eq!(r.select("#f-t1_r0_threshold").len(), 1);
    assert!(r.text().contains("value=\"lots\""), "the form keeps what was typed");

    // A new requirement on Silver: 2 customer references, kept by hand.
    let mut good = fields.clone();
    let rows: usize = fields.iter().find(|(n, _)| n == "t1_rows").unwrap().1.parse().unwrap();
    let blank = rows - 1;
    set(&mut good, &format!("t1_r{blank}_metric"), "custom");
    set(&mut good, &format!("t1_r{blank}_parameter"), "customer references");
    set(&mut good, &format!("t1_r{blank}_threshold"), "2");
    set(&mut good, &format!("t1_r{blank}_mandatory"), "on");
    let pairs: Vec<(&str, &str)> = good.iter().map(|(a, b)| (a.as_str(), b.as_str())).collect();
    let r = app.submit("/admin/tiers", &admin, &pairs).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let token = app.token(A.slug, email::ADMIN).await;
    let config = app.get("/api/v1/tiers", Some(&token)).await.json();
    let silver = config["tiers"][1]["requirements"].as_array().unwrap().clone();
    assert_eq!(silver.len(), rows);
    assert_eq!(silver.last().unwrap()["parameter"], "customer references");
    assert_eq!(config["policy"]["grace_days"], 90);
}

#[tokio::test]
async fn a_custom_metric_counts_the_value_the_admin_keeps() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    // Silver also takes 2 customer references, kept by hand.
    let mut config = app.get("/api/v1/tiers", Some(&admin)).await.json();
    config["tiers"][1]["requirements"].as_array_mut().unwrap().push(json!({"metric": "custom",
        "parameter": "customer references", "threshold": "2", "window_days": 365, "mandatory": true}));
    assert_eq!(app.json(Method::PUT, "/api/v1/tiers", Some(&admin), config).await.status, StatusCode::OK);
    for _ in 0..4 {
        won_deal(&app, A.id, A.p1, A.p1_admin, 15000, 0).await;
    }
    evaluate(&app, A.id, today()).await;
    let s = standing(&app, &admin, A.p1).await;
    assert_eq!(s["tier"], "registered");
    assert_eq!(s["tiers"][1]["requirements"][4]["gap"], "2 more customer references");
    let path = format!("/api/v1/partners/{}/standing/custom", A.p1);
    let r = app.json(Method::PUT, &path, Some(&admin), json!({"name": "references", "value": "many"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["errors"]["name"].is_array() && r.json()["errors"]["value"].is_array(), "{}", r.text());
    let cam = app.token(A.slug, email::CAM1).await;
    let body = json!({"name": "customer references", "value": "3"});
    assert_eq!(app.json(Method::PUT, &path, Some(&cam), body.clone()).await.status, StatusCode::FORBIDDEN);
    let b_admin = app.token(B.slug, email::ADMIN).await;
    assert_eq!(app.json(Method::PUT, &path, Some(&b_admin), body.clone()).await.status, StatusCode::NOT_FOUND);
    let r = app.json(Method::PUT, &path, Some(&admin), body).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!((r.json()["tier"].as_str(), r.json()["action"].as_str()), (Some("silver"), Some("promote")));
}

#[tokio::test]
async fn a_new_partner_starts_in_the_programs_entry_tier_whatever_its_code() {
    let app = TestApp::new().await;
    let admin = app.token(A.slug, email::ADMIN).await;
    for p in [A.p1, A.p2, A.p3] {
        set_tier(&app, &admin, p, "silver").await;
    }
    let mut config = app.get("/api/v1/tiers", Some(&admin)).await.json();
    config["tiers"][0]["code"] = json!("member");
    config["tiers"][0]["name"] = json!("Member");
    let r = app.json(Method::PUT, "/api/v1/tiers", Some(&admin), config).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app
        .post_json("/api/v1/partners", Some(&admin), json!({"name": "Newcomer", "country": "FR", "region": "EMEA"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["tier"], "member");
}
