//! Partners: creating, changing, assigning CAMs.

use axum::http::{Method, StatusCode};
use serde_json::json;

use crate::support::*;

#[tokio::test]
async fn a_program_admin_adds_a_partner_and_assigns_a_cam() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let r = app
        .post_json("/api/v1/partners", Some(&admin), json!({"name": "Zeta Systems", "country": "fr", "region": "EMEA"}))
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let p = r.json();
    assert_eq!(p["country"], "FR");
    assert_eq!(p["tier"], "registered");
    assert_eq!(p["life_stage"], "onboarding");
    assert_eq!(p["cam_id"], serde_json::Value::Null);
    let id = p["id"].as_str().unwrap();
    let r = app
        .json(
            Method::PATCH,
            &format!("/api/v1/partners/{id}"),
            Some(&admin),
            json!({"cam_id": A.cam2, "tier": "silver"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["cam_name"], "Carl Cam");
    let cam2 = app.token("acme", email::CAM2).await;
    assert_eq!(app.get(&format!("/api/v1/partners/{id}"), Some(&cam2)).await.status, StatusCode::OK);
    let r = app.json(Method::PATCH, &format!("/api/v1/partners/{id}"), Some(&admin), json!({"cam_id": null})).await;
    assert_eq!(r.json()["cam_id"], serde_json::Value::Null);
    assert_eq!(app.get(&format!("/api/v1/partners/{id}"), Some(&cam2)).await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn invalid_partner_input_names_every_field_and_changes_nothing() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let r = app
        .post_json(
            "/api/v1/partners",
            Some(&admin),
            json!({"name": "", "country": "XX", "region": "", "tier": "diamond", "cam_id": A.chief}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_errors(), vec!["cam_id", "country", "name", "region", "tier"]);
    let r = app
        .post_json("/api/v1/partners", Some(&admin), json!({"name": "partner one", "country": "US", "region": "NA"}))
        .await;
    assert_eq!(r.field_errors(), vec!["name"], "names are unique regardless of case");
    let r = app
        .json(
            Method::PATCH,
            &format!("/api/v1/partners/{}", A.p1),
            Some(&admin),
            json!({"life_stage": "zombie", "cam_id": "not-a-uuid"}),
        )
        .await;
    assert_eq!(r.field_errors(), vec!["cam_id", "life_stage"]);
    assert_eq!(app.count_in(A.id, "select count(*) from partners").await, 3);
    assert_eq!(app.count_in(A.id, "select count(*) from partners where life_stage = 'activated' and cam_id is not null and id = '00000000-0000-000a-0000-000000000020'").await, 1);
}

#[tokio::test]
async fn the_partners_page_assigns_cams_and_rerenders_invalid_input() {
    let app = TestApp::new().await;
    let session = app.session("acme", email::ADMIN).await;
    let page = app.page("/admin/partners", &session).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.select("table.data tbody tr").len(), 3);
    let r = app.submit(&format!("/admin/partners/{}/cam", A.p3), &session, &[("cam_id", &A.cam1.to_string())]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count_in(A.id, "select count(*) from partners where cam_id is null").await, 0);
    let bad = app
        .submit(
            "/admin/partners",
            &session,
            &[("name", "Partner One"), ("country", "ZZ"), ("region", "EMEA"), ("tier", "gold"), ("cam_id", "")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.select("#e-country").len(), 1);
    let good = app
        .submit(
            "/admin/partners",
            &session,
            &[("name", "Omega Ltd"), ("country", "GB"), ("region", "EMEA"), ("tier", "gold"), ("cam_id", "")],
        )
        .await;
    assert_eq!(good.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count_in(A.id, "select count(*) from partners").await, 4);
}

#[tokio::test]
async fn list_paging_follows_limit_and_offset() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let page = app.get("/api/v1/partners?limit=2&offset=1", Some(&admin)).await.json();
    assert_eq!(page["total"], 3);
    let names: Vec<&str> = page["items"].as_array().unwrap().iter().map(|p| p["name"].as_str().unwrap()).collect();
    assert_eq!(names, vec!["Partner Three", "Partner Two"]);
    let bad = app.get("/api/v1/partners?limit=lots", Some(&admin)).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.field_errors(), vec!["limit"]);
}

#[tokio::test]
async fn the_chief_sees_tenant_totals_by_tier_stage_region_and_cam() {
    let app = TestApp::new().await;
    let session = app.session("acme", email::CHIEF).await;
    let page = app.page("/", &session).await;
    let values = page.select(".stat-value");
    assert_eq!(values[0], "3", "partners");
    let regions = page.select("ul.bars li .bar-label");
    assert!(regions.contains(&"APAC".to_string()));
    let cams = page.select("#by-cam table.data tbody tr td:first-child");
    assert_eq!(cams, vec!["Cara Cam".to_string(), "Carl Cam".to_string()]);
}

#[tokio::test]
async fn the_program_admins_partner_list_comes_a_page_of_fifty_at_a_time_in_name_order() {
    use sqlx::Connection;
    let app = TestApp::new().await;
    let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
    sqlx::query(
        "insert into partners (tenant_id, id, name, country, region)
         select $1, gen_random_uuid(), 'Zz Reseller ' || lpad(i::text, 3, '0'), 'US', 'NA' from generate_series(1, 60) i",
    )
    .bind(A.id)
    .execute(&mut owner)
    .await
    .unwrap();
    let admin = app.session("acme", email::ADMIN).await;
    let first = app.page("/admin/partners", &admin).await;
    assert_eq!(first.status, StatusCode::OK);
    let names = first.select("table.data tbody tr td:first-child a");
    assert_eq!(names.len(), 50);
    assert_eq!(names[..3], ["Partner One", "Partner Three", "Partner Two"]);
    assert_eq!(first.select(".pager .muted"), ["1–50 of 63"]);
    assert_eq!(first.select(".pager a[rel=next]"), ["Next"]);
    let second = app.page("/admin/partners?page=2", &admin).await;
    let rest = second.select("table.data tbody tr td:first-child a");
    assert_eq!(rest.len(), 13);
    assert_eq!(rest.last().map(String::as_str), Some("Zz Reseller 060"));
    assert_eq!(second.select(".pager .muted"), ["51–63 of 63"]);
    assert!(second.select(".pager a[rel=next]").is_empty());
    // Anything that is not a page number shows the first page.
    let odd = app.page("/admin/partners?page=x", &admin).await;
    assert_eq!(odd.select("table.data tbody tr td:first-child a")[0], "Partner One");
}
