//! Sign-in, sign-out, revocation, throttling and role access.

use axum::body::Body;
use axum::http::{Method, StatusCode, header};
use serde_json::json;

use sqlx::Connection;

use crate::support::*;

#[tokio::test]
async fn signing_in_with_the_right_password_returns_a_token_and_the_user() {
    let app = TestApp::new().await;
    let r = app
        .post_json(
            "/api/v1/auth/login",
            None,
            json!({"tenant": "acme", "email": "P1.Admin@Example.com", "password": PASSWORD}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    let body = r.json();
    assert_eq!(body["user"]["id"], A.p1_admin.to_string());
    assert_eq!(body["user"]["role"], "partner_admin");
    assert_eq!(body["user"]["partner_id"], A.p1.to_string());
    let me = app.get("/api/v1/auth/me", body["token"].as_str()).await;
    assert_eq!(me.status, StatusCode::OK);
    assert_eq!(me.json()["email"], email::P1_ADMIN);
}

#[tokio::test]
async fn wrong_password_unknown_email_and_unknown_tenant_all_answer_401() {
    let app = TestApp::new().await;
    for (tenant, email, password) in [
        ("acme", email::ADMIN, "not the password"),
        ("acme", "nobody@example.com", PASSWORD),
        ("nowhere", email::ADMIN, PASSWORD),
        ("globex", "p1.admin@example.com", "wrong"),
    ] {
        let r = app
            .post_json("/api/v1/auth/login", None, json!({"tenant": tenant, "email": email, "password": password}))
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{tenant} {email}");
        assert_eq!(r.header("content-type"), Some("application/problem+json"));
        assert!(r.json().get("token").is_none());
    }
}

#[tokio::test]
async fn missing_login_fields_are_each_named() {
    let app = TestApp::new().await;
    let r = app.post_json("/api/v1/auth/login", None, json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_errors(), vec!["email", "password", "tenant"]);
}

#[tokio::test]
async fn requests_without_a_valid_token_answer_401() {
    let app = TestApp::new().await;
    assert_eq!(app.get("/api/v1/partners", None).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/partners", Some("garbage")).await.status, StatusCode::UNAUTHORIZED);
    let token = app.token("acme", email::ADMIN).await;
    let mut forged = token.clone();
    forged.pop();
    forged.push('x');
    assert_eq!(app.get("/api/v1/partners", Some(&forged)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/partners", Some(&token)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn logging_out_revokes_that_token_at_once_and_only_that_one() {
    let app = TestApp::new().await;
    let first = app.token("acme", email::CAM1).await;
    let second = app.token("acme", email::CAM1).await;
    assert_eq!(app.post_json("/api/v1/auth/logout", Some(&first), json!({})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/partners", Some(&first)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/partners", Some(&second)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn deactivating_a_user_revokes_their_tokens_and_blocks_sign_in() {
    let app = TestApp::new().await;
    let victim = app.token("acme", email::P1_USER).await;
    let admin = app.token("acme", email::ADMIN).await;
    assert_eq!(app.delete(&format!("/api/v1/users/{}", A.p1_user), Some(&admin)).await.status, StatusCode::NO_CONTENT);
    assert_eq!(app.get("/api/v1/partners", Some(&victim)).await.status, StatusCode::UNAUTHORIZED);
    let r = app
        .post_json("/api/v1/auth/login", None, json!({"tenant": "acme", "email": email::P1_USER, "password": PASSWORD}))
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn repeated_failures_for_an_account_are_throttled_with_retry_after() {
    let app = TestApp::new().await;
    let attempt = |password: &'static str| {
        app.post_json(
            "/api/v1/auth/login",
            None,
            json!({"tenant": "acme", "email": email::CHIEF, "password": password}),
        )
    };
    for _ in 0..5 {
        assert_eq!(attempt("wrong").await.status, StatusCode::UNAUTHORIZED);
    }
    let r = attempt(PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
    let retry: u64 = r.header("retry-after").unwrap().parse().unwrap();
    assert!(retry > 0 && retry <= 15 * 60);
    // Another account from another address is not affected.
    let other = app
        .post_json("/api/v1/auth/login", None, json!({"tenant": "acme", "email": email::CAM2, "password": PASSWORD}))
        .await;
    assert_eq!(other.status, StatusCode::OK);
}

#[tokio::test]
async fn repeated_failures_from_one_address_are_throttled_across_accounts() {
    let app = TestApp::new().await;
    for i in 0..30 {
        let r = app
            .post_json(
                "/api/v1/auth/login",
                None,
                json!({"tenant": "acme", "email": format!("guess{i}@example.com"), "password": "x"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app
        .post_json("/api/v1/auth/login", None, json!({"tenant": "acme", "email": email::ADMIN, "password": PASSWORD}))
        .await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS);
    assert!(r.header("retry-after").is_some());
}

#[tokio::test]
async fn a_successful_sign_in_clears_the_account_failures() {
    let app = TestApp::new().await;
    for _ in 0..4 {
        app.post_json("/api/v1/auth/login", None, json!({"tenant": "acme", "email": email::CAM1, "password": "wrong"}))
            .await;
    }
    app.token("acme", email::CAM1).await;
    for _ in 0..4 {
        app.post_json("/api/v1/auth/login", None, json!({"tenant": "acme", "email": email::CAM1, "password": "wrong"}))
            .await;
    }
    app.token("acme", email::CAM1).await;
}

/// Every API endpoint against every role: allowed roles succeed, others get 403.
#[tokio::test]
async fn each_role_reaches_exactly_the_api_endpoints_it_may() {
    let app = TestApp::new().await;
    let roles = [
        (email::ADMIN, "program_admin"),
        (email::CHIEF, "channel_chief"),
        (email::CAM1, "cam"),
        (email::P1_ADMIN, "partner_admin"),
        (email::P1_USER, "partner_user"),
    ];
    let endpoints: [(&str, &[&str]); 6] = [
        ("/api/v1/deals", &["program_admin", "channel_chief", "cam", "partner_admin", "partner_user"]),
        ("/api/v1/partners", &["program_admin", "channel_chief", "cam", "partner_admin", "partner_user"]),
        ("/api/v1/users", &["program_admin", "partner_admin"]),
        ("/api/v1/outbox", &["program_admin"]),
        ("/api/v1/auth/me", &["program_admin", "channel_chief", "cam", "partner_admin", "partner_user"]),
        ("/api/v1/openapi.json", &["program_admin", "channel_chief", "cam", "partner_admin", "partner_user"]),
    ];
    for (email, role) in roles {
        let token = app.token("acme", email).await;
        for (path, allowed) in endpoints {
            let r = app.get(path, Some(&token)).await;
            let expected = if allowed.contains(&role) { StatusCode::OK } else { StatusCode::FORBIDDEN };
            assert_eq!(r.status, expected, "{role} GET {path}");
        }
        let p =
            app.json(Method::PATCH, &format!("/api/v1/partners/{}", A.p1), Some(&token), json!({"tier": "gold"})).await;
        let expected = if role == "program_admin" { StatusCode::OK } else { StatusCode::FORBIDDEN };
        assert_eq!(p.status, expected, "{role} PATCH partner");
    }
}

#[tokio::test]
async fn each_role_sees_its_own_home_page_and_only_its_pages() {
    let app = TestApp::new().await;
    let cases = [
        (
            email::ADMIN,
            "Program overview",
            &["/admin/partners", "/users", "/admin/outbox", "/admin/audit"][..],
            &[][..],
        ),
        (email::CHIEF, "Channel overview", &[], &["/admin/partners", "/users", "/admin/outbox", "/admin/audit"]),
        (email::CAM1, "My partners", &[], &["/admin/partners", "/users", "/admin/outbox", "/admin/audit"]),
        (email::P1_ADMIN, "Welcome back, Pia", &["/users"], &["/admin/partners", "/admin/outbox", "/admin/audit"]),
        (email::P1_USER, "Welcome back, Paul", &[], &["/admin/partners", "/users", "/admin/outbox", "/admin/audit"]),
    ];
    for (email, heading, allowed, forbidden) in cases {
        let session = app.session("acme", email).await;
        let home = app.page("/", &session).await;
        assert_eq!(home.status, StatusCode::OK, "{email}");
        assert_eq!(home.select("h1"), vec![heading.to_string()], "{email}");
        for path in allowed {
            assert_eq!(app.page(path, &session).await.status, StatusCode::OK, "{email} {path}");
        }
        for path in forbidden {
            let r = app.page(path, &session).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{email} {path}");
            assert!(r.text().contains("<html"), "forbidden pages render in the layout");
        }
    }
}

#[tokio::test]
async fn pages_without_a_session_send_the_visitor_to_sign_in() {
    let app = TestApp::new().await;
    let r = app.page("/users?x=1", &Session::anonymous()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), Some("/login?next=%2Fusers%3Fx%3D1"));
}

#[tokio::test]
async fn the_login_form_sets_an_httponly_lax_cookie_and_redirects_to_next() {
    let app = TestApp::new().await;
    let r = app
        .submit(
            "/login",
            &Session::anonymous(),
            &[("tenant", "acme"), ("email", email::CAM1), ("password", PASSWORD), ("next", "/partners/x")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), Some("/partners/x"));
    let cookie = r
        .headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_string())
        .find(|c| c.starts_with("tributary_session="))
        .unwrap();
    assert!(cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax") && !cookie.contains("Secure"), "{cookie}");
}

#[tokio::test]
async fn a_failed_login_form_rerenders_with_the_input_and_a_message() {
    let app = TestApp::new().await;
    let r = app
        .submit("/login", &Session::anonymous(), &[("tenant", "acme"), ("email", email::CAM1), ("password", "nope")])
        .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    assert_eq!(r.select(".alert-error"), vec!["The workspace, email or password is not right.".to_string()]);
    let html = r.text();
    assert!(html.contains(&format!("value=\"{}\"", email::CAM1)), "email kept");
    let blank = app.submit("/login", &Session::anonymous(), &[("tenant", ""), ("email", ""), ("password", "")]).await;
    assert_eq!(blank.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(blank.select(".field-error").len(), 3);
}

#[tokio::test]
async fn signing_out_from_the_page_revokes_the_session() {
    let app = TestApp::new().await;
    let session = app.session("acme", email::CAM1).await;
    assert_eq!(app.page("/", &session).await.status, StatusCode::OK);
    let r = app.submit("/logout", &session, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), Some("/login?notice=signed-out"));
    assert_eq!(app.page("/", &session).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_form_without_the_csrf_token_is_refused_and_changes_nothing() {
    let app = TestApp::new().await;
    let session = app.session("acme", email::ADMIN).await;
    let body = format!("cam_id={}", A.cam2);
    let request = TestApp::request(Method::POST, &format!("/admin/partners/{}/cam", A.p1))
        .header(header::COOKIE, session.cookie())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    let r = app.send(request).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let cam: tributary::ids::UserId = {
        let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
        sqlx::query_scalar("select cam_id from partners where id = $1").bind(A.p1).fetch_one(&mut *tx).await.unwrap()
    };
    assert_eq!(cam, A.cam1);
}

#[tokio::test]
async fn a_form_posted_from_another_origin_is_refused() {
    let app = TestApp::new().await;
    let session = app.session("acme", email::ADMIN).await;
    let body = format!("_csrf={}&cam_id={}", session.csrf, A.cam2);
    let request = TestApp::request(Method::POST, &format!("/admin/partners/{}/cam", A.p1))
        .header(header::COOKIE, session.cookie())
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .header(header::ORIGIN, "https://evil.example")
        .header(header::HOST, "127.0.0.1:8080")
        .body(Body::from(body))
        .unwrap();
    assert_eq!(app.send(request).await.status, StatusCode::FORBIDDEN);
    let ok = app.submit(&format!("/admin/partners/{}/cam", A.p1), &session, &[("cam_id", &A.cam2.to_string())]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "the same form from our origin works");
}

#[tokio::test]
async fn the_partner_home_checks_the_session_in_the_same_round_trip_as_its_data() {
    let app = TestApp::new().await;
    let admin = app.session("acme", email::P1_ADMIN).await;
    let user = app.session("acme", email::P1_USER).await;
    // Several times over the pool's connections: the first use on a connection prepares the statement, later ones
    // run it.
    for _ in 0..6 {
        let home = app.page("/", &user).await;
        assert_eq!(home.status, StatusCode::OK);
        assert_eq!(home.select("h1").len(), 1);
        assert!(home.text().contains(email::P1_ADMIN), "the org's people are listed");
    }
    // Deactivated: the very next page is refused.
    let token = app.token("acme", email::P1_ADMIN).await;
    assert!(app.delete(&format!("/api/v1/users/{}", A.p1_user), Some(&token)).await.status.is_success());
    let refused = app.page("/", &user).await;
    assert_eq!(refused.status, StatusCode::SEE_OTHER);
    assert!(refused.header("location").unwrap().starts_with("/login"));
    // Signed out: the same.
    assert_eq!(app.page("/", &admin).await.status, StatusCode::OK);
    app.submit("/logout", &admin, &[]).await;
    assert_eq!(app.page("/", &admin).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn the_partner_home_shows_its_own_counts_and_the_three_earliest_open_onboarding_items() {
    let app = TestApp::new().await;
    // A checklist started 40 days ago: some items are overdue.
    let start = chrono::Utc::now().date_naive() - chrono::Duration::days(40);
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    tributary::onboarding::store::create_checklist(&mut tx, A.id, A.p1, start).await.unwrap();
    tx.commit().await.unwrap();
    let admin = app.token("acme", email::P1_ADMIN).await;
    let checklist = app.get(&format!("/api/v1/partners/{}/onboarding", A.p1), Some(&admin)).await.json();
    // (due date, position, title, id, partner may complete it) of the open items; the API lists them by position.
    let open: Vec<(String, usize, String, String, bool)> = checklist["items"]
        .as_array()
        .unwrap()
        .iter()
        .enumerate()
        .filter(|(_, i)| i["completed_at"].is_null())
        .map(|(position, i)| {
            let text = |k: &str| i[k].as_str().unwrap().to_owned();
            (text("due_on"), position, text("title"), text("id"), i["owner"] == "partner" && i["auto"].is_null())
        })
        .collect();
    let mut by_due = open.clone();
    by_due.sort();
    // Completing the earliest item the partner may complete takes it off the list.
    let done = by_due.iter().find(|i| i.4).unwrap().clone();
    let r = app.post_json(&format!("/api/v1/onboarding-items/{}/complete", done.3), Some(&admin), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let expected: Vec<&str> = by_due.iter().filter(|i| i.3 != done.3).take(3).map(|i| i.2.as_str()).collect();
    assert_eq!(expected.len(), 3, "the template has enough open items for this test");
    // One registration of the partner's own, and one of another partner's that must not count.
    let deal = |name: &str| {
        json!({"customer_name": name, "country": "DE", "products": ["crm"], "estimated_value": "1000.00",
               "currency": "EUR", "expected_close_date": (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string()})
    };
    assert_eq!(app.post_json("/api/v1/deals", Some(&admin), deal("Umbrella")).await.status, StatusCode::CREATED);
    let p2 = app.token("acme", email::P2_ADMIN).await;
    assert_eq!(app.post_json("/api/v1/deals", Some(&p2), deal("Tyrell")).await.status, StatusCode::CREATED);

    let home = app.page("/", &app.session("acme", email::P1_USER).await).await;
    assert_eq!(home.status, StatusCode::OK);
    let listed = home.select(".next-items li");
    assert_eq!(listed.len(), 3, "{listed:?}");
    for (shown, title) in listed.iter().zip(&expected) {
        assert!(shown.starts_with(title), "{shown:?} should be {title:?}: expected {expected:?}");
    }
    assert!(!home.select(".next-items .badge-red").is_empty(), "items due before today are marked overdue");
    let stat = |label: &str| {
        let labels = home.select(".stat .stat-label");
        home.select(".stat .stat-value")[labels.iter().position(|l| l == label).unwrap()].clone()
    };
    assert_eq!(stat("Waiting for a decision"), "1", "only the partner's own registration counts");
    assert_eq!(stat("Won"), "0");
}

#[tokio::test]
async fn the_cam_home_shows_only_their_partners_and_waiting_registrations_in_one_round_trip() {
    let app = TestApp::new().await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let deal = |name: &str| {
        json!({"customer_name": name, "country": "DE", "products": ["crm"], "estimated_value": "1000.00",
               "currency": "EUR", "expected_close_date": (chrono::Utc::now().date_naive() + chrono::Duration::days(30)).to_string()})
    };
    for name in ["Umbrella", "Tyrell"] {
        assert_eq!(app.post_json("/api/v1/deals", Some(&p2), deal(name)).await.status, StatusCode::CREATED);
    }
    let stat = |home: &Resp, label: &str| {
        let labels = home.select(".stat .stat-label");
        home.select(".stat .stat-value")[labels.iter().position(|l| l == label).unwrap()].clone()
    };
    let cam2 = app.session("acme", email::CAM2).await;
    // Twice: once preparing the statements on the connection, once running them.
    for _ in 0..2 {
        let home = app.page("/", &cam2).await;
        assert_eq!(home.status, StatusCode::OK);
        assert_eq!(home.select("main h1"), ["My partners"]);
        assert_eq!(home.select("table.data tbody tr td:first-child a"), ["Partner Two"]);
        assert_eq!(stat(&home, "Assigned partners"), "1");
        assert_eq!(stat(&home, "Onboarding"), "0", "its first registration activated it");
        assert!(home.select(".alert-info")[0].starts_with("2 deal registration(s)"));
    }
    let cam1 = app.page("/", &app.session("acme", email::CAM1).await).await;
    assert_eq!(cam1.select("table.data tbody tr td:first-child a"), ["Partner One"]);
    assert!(cam1.select(".alert-info").is_empty(), "no registration waits for cam1");
    // The same CAM email in another tenant sees that tenant's partner only.
    let globex = app.page("/", &app.session("globex", email::CAM2).await).await;
    assert_eq!(globex.select("table.data tbody tr td:first-child a"), ["Partner Two"]);
    assert!(globex.select(".alert-info").is_empty());
    // Signed out, the home is refused.
    app.submit("/logout", &cam2, &[]).await;
    assert_eq!(app.page("/", &cam2).await.status, StatusCode::SEE_OTHER);
}

#[tokio::test]
async fn a_revoked_session_or_a_deactivated_user_is_refused_on_the_very_next_request_on_pages_and_the_api() {
    let app = TestApp::new().await;
    let partner = app.token("acme", email::P1_USER).await;
    let admin = app.token("acme", email::P1_ADMIN).await;
    let cam = app.token("acme", email::CAM1).await;
    let cookie = |t: &str| Session { token: Some(t.to_string()), csrf: String::new() };
    for token in [&partner, &admin, &cam] {
        assert_eq!(app.get("/api/v1/deals", Some(token)).await.status, StatusCode::OK);
        assert_eq!(app.page("/deals", &cookie(token)).await.status, StatusCode::OK);
    }
    // Changes made by another instance (here: straight in the database) hold from the next request on.
    let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
    let claims = |t: &str| app.state.keys.verify(t).unwrap();
    sqlx::query("update sessions set revoked_at = now() where id = $1")
        .bind(claims(&cam).sid)
        .execute(&mut owner)
        .await
        .unwrap();
    assert_eq!(app.get("/api/v1/deals", Some(&cam)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.page("/deals", &cookie(&cam)).await.status, StatusCode::SEE_OTHER, "to the sign-in page");
    sqlx::query("update users set active = false where id = $1")
        .bind(claims(&admin).sub)
        .execute(&mut owner)
        .await
        .unwrap();
    assert_eq!(app.get("/api/v1/deals", Some(&admin)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.page("/", &cookie(&admin)).await.status, StatusCode::SEE_OTHER);
    assert_eq!(app.get("/api/v1/deals", Some(&partner)).await.status, StatusCode::OK, "other sessions still hold");
    // A new agreement holds the tenant's partner people back until their organisation accepts it.
    sqlx::query("insert into agreements (tenant_id, version, body) select tenant_id, max(version) + 1, 'Version two.' from agreements where tenant_id = $1 group by tenant_id")
        .bind(A.id)
        .execute(&mut owner)
        .await
        .unwrap();
    assert_eq!(app.get("/api/v1/deals", Some(&partner)).await.status, StatusCode::FORBIDDEN);
}
