//! Operations: health, security headers, body limits, error pages, the OpenAPI document.

use axum::body::Body;
use axum::http::{Method, StatusCode};

use crate::support::*;

#[tokio::test]
async fn health_and_readiness_answer_200() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn readiness_is_503_when_the_database_is_gone() {
    let app = TestApp::new().await;
    app.pool.close().await;
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(app.get("/healthz", None).await.status, StatusCode::OK);
}

#[tokio::test]
async fn every_response_carries_the_security_headers_and_a_request_id() {
    let app = TestApp::new().await;
    for path in ["/login", "/api/v1/partners", "/nope"] {
        let r = app.get(path, None).await;
        assert!(r.header("content-security-policy").unwrap().contains("frame-ancestors 'none'"), "{path}");
        assert_eq!(r.header("x-content-type-options"), Some("nosniff"));
        assert_eq!(r.header("referrer-policy"), Some("same-origin"));
        assert!(r.header("x-request-id").is_some_and(|v| v.len() == 36));
    }
}

#[tokio::test]
async fn unknown_pages_get_a_404_page_and_unknown_api_paths_a_problem() {
    let app = TestApp::new().await;
    let page = app.get("/no/such/page", None).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.header("content-type").unwrap().starts_with("text/html"));
    assert_eq!(page.select("h1"), vec!["Page not found".to_string()]);
    let api = app.get("/api/v1/nothing", None).await;
    assert_eq!(api.status, StatusCode::NOT_FOUND);
    assert_eq!(api.header("content-type"), Some("application/problem+json"));
}

#[tokio::test]
async fn an_oversized_body_is_refused() {
    let app = TestApp::new().await;
    let big = format!("{{\"tenant\": \"{}\"}}", "x".repeat(tributary::BODY_LIMIT + 10));
    let request = TestApp::request(Method::POST, "/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(big))
        .unwrap();
    let r = app.send(request).await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(app.count_in(A.id, "select count(*) from sessions").await, 0);
}

#[tokio::test]
async fn the_openapi_document_lists_the_contract_endpoints() {
    let app = TestApp::new().await;
    let doc = app.get("/api/v1/openapi.json", None).await.json();
    let paths = doc["paths"].as_object().unwrap();
    for path in [
        "/api/v1/auth/login",
        "/api/v1/auth/logout",
        "/api/v1/users",
        "/api/v1/users/{id}",
        "/api/v1/invitations/{token}/accept",
        "/api/v1/partners",
        "/api/v1/partners/{id}",
        "/api/v1/outbox",
        "/api/v1/deals",
        "/api/v1/deals/{id}",
        "/api/v1/deals/{id}/approve",
        "/api/v1/deals/{id}/reject",
        "/api/v1/deals/{id}/extend",
        "/api/v1/deals/{id}/extension/approve",
        "/api/v1/deals/{id}/withdraw",
        "/api/v1/deals/{id}/close",
    ] {
        assert!(paths.contains_key(path), "{path} missing from the OpenAPI document");
    }
    assert!(paths["/api/v1/partners/{id}"].get("patch").is_some());
    assert!(paths["/api/v1/users/{id}"].get("delete").is_some());
}

#[tokio::test]
async fn the_stylesheet_is_served_and_cacheable() {
    let app = TestApp::new().await;
    let r = app.get("/static/app.css", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.header("content-type").unwrap().starts_with("text/css"));
    assert!(r.header("cache-control").unwrap().contains("max-age"));
}

#[tokio::test]
async fn a_server_error_shows_a_plain_page_without_internals() {
    let app = TestApp::new().await;
    let session = app.session("acme", email::ADMIN).await;
    // A database out of reach is an outage: 503 with Retry-After.
    app.pool.close().await;
    let r = app.page("/", &session).await;
    assert_eq!(r.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(r.header("retry-after").is_some());
    assert_eq!(r.select("h1"), vec!["Something went wrong on our side".to_string()]);
    let html = r.text().to_lowercase();
    assert!(!html.contains("pool") && !html.contains("sqlx"), "internals leaked: {html}");
    let api = app.get("/api/v1/partners", Some(session.token.as_deref().unwrap())).await;
    assert_eq!(api.status, StatusCode::SERVICE_UNAVAILABLE);
    assert!(!api.text().to_lowercase().contains("pool"));
}

#[tokio::test]
async fn cookies_are_secure_when_the_base_url_is_https() {
    let app = TestApp::new().await;
    let router = app.router_with_base_url("https://prm.example.com");
    let body = format!(
        "_csrf=0123456789abcdef0123456789abcdef&tenant=acme&email={}&password={}",
        email::CAM1,
        PASSWORD.replace(' ', "+")
    );
    let request = TestApp::request(Method::POST, "/login")
        .header("cookie", "tributary_csrf=0123456789abcdef0123456789abcdef")
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://prm.example.com")
        .body(Body::from(body))
        .unwrap();
    let response = tower::ServiceExt::oneshot(router, request).await.unwrap();
    assert_eq!(response.status(), StatusCode::SEE_OTHER);
    let cookie = response
        .headers()
        .get_all("set-cookie")
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("tributary_session="))
        .unwrap();
    assert!(cookie.contains("; Secure"), "{cookie}");
}

/// Two server instances on one database run the expiry job at the same moment: each registration expires once, each
/// reminder goes out once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_expiry_job_run_by_two_instances_at_once_does_each_registration_once() {
    use sqlx::Connection;
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let admin = app.token("acme", email::ADMIN).await;
    let mut ids = Vec::new();
    for i in 0..8 {
        let r = app
            .post_json("/api/v1/deals", Some(&p1), crate::deals::deal(&format!("Expiring {i} Ltd"), None, &["crm"]))
            .await;
        let id = r.json()["id"].as_str().unwrap().to_string();
        assert_eq!(
            app.post_json(&format!("/api/v1/deals/{id}/approve"), Some(&admin), serde_json::json!({})).await.status,
            StatusCode::OK
        );
        ids.push(id);
    }
    // Five past their window, three inside the reminder days.
    let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
    for (i, id) in ids.iter().enumerate() {
        let until = if i < 5 { "current_date - 1" } else { "current_date + 2" };
        sqlx::query(sqlx::AssertSqlSafe(format!("update deals set protected_until = {until} where id = '{id}'")))
            .execute(&mut owner)
            .await
            .unwrap();
    }
    let mail_before = app.count_in(A.id, "select count(*) from outbox").await;
    let other = tributary::db::runtime_pool(&app.owner, 4).await.unwrap();
    let first = app.state();
    let second = tributary::AppState::new(
        other,
        &tributary::config::Config::for_tests(String::new()),
        "http://127.0.0.1:8081".into(),
    );
    let (a, b) = tokio::join!(tributary::jobs::expire_deals(&first), tributary::jobs::expire_deals(&second));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert_eq!((a.0 + b.0, a.1 + b.1), (5, 3), "{a:?} {b:?}");
    assert_eq!(app.count_in(A.id, "select count(*) from deals where status = 'expired'").await, 5);
    assert_eq!(app.count_in(A.id, "select count(*) from deal_events where event = 'expired'").await, 5);
    assert_eq!(app.count_in(A.id, "select count(*) from outbox").await - mail_before, 8);
    // Run again: nothing left to do.
    assert_eq!(tributary::jobs::expire_deals(&second).await.unwrap(), (0, 0));
}

/// Two instances deliver the outbox at the same moment: every message goes out once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mail_delivered_by_two_instances_at_once_goes_out_once() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    for i in 0..12 {
        let body =
            serde_json::json!({"email": format!("new{i}@example.com"), "name": format!("New {i}"), "role": "cam"});
        assert_eq!(app.post_json("/api/v1/users", Some(&admin), body).await.status, StatusCode::CREATED);
    }
    let (url, received) = crate::mail::smtp_sink().await;
    let one = tributary::jobs::mail::Mailer::new(&url).unwrap();
    let two = tributary::jobs::mail::Mailer::new(&url).unwrap();
    let other = tributary::db::runtime_pool(&app.owner, 4).await.unwrap();
    let (a, b) = tokio::join!(one.deliver_due(&app.pool), two.deliver_due(&other));
    assert_eq!(a.unwrap() + b.unwrap(), 12);
    let got = received.lock().unwrap().clone();
    assert_eq!(got.len(), 12);
    for i in 0..12 {
        assert_eq!(got.iter().filter(|m| m.contains(&format!("To: new{i}@example.com"))).count(), 1, "new{i}");
    }
    assert_eq!(app.count_in(A.id, "select count(*) from outbox where sent_at is null").await, 0);
}
