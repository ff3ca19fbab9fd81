//! Users: creating, inviting, accepting invitations, deactivating; invalid input changes nothing.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::*;

fn invitation_link(body: &str) -> String {
    body.split_whitespace().find(|w| w.contains("/invitations/")).expect("a link in the email").to_string()
}

#[tokio::test]
async fn inviting_a_user_queues_an_email_whose_link_sets_the_password() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let r = app
        .post_json(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "New.Cam@Example.com", "name": "Nina Cam", "role": "cam"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let created = r.json();
    assert_eq!(created["email"], "new.cam@example.com");
    assert_eq!(created["invited"], true);
    assert_eq!(created["has_password"], false);

    let outbox = app.get("/api/v1/outbox", Some(&admin)).await.json();
    let mail = &outbox["items"][0];
    assert_eq!(mail["to"], "new.cam@example.com");
    assert!(mail["subject"].as_str().unwrap().contains("invited you"));
    let link = invitation_link(mail["body"].as_str().unwrap());
    let token = link.rsplit('/').next().unwrap();

    // The user cannot sign in before accepting.
    let early = app
        .post_json(
            "/api/v1/auth/login",
            None,
            json!({"tenant": "acme", "email": "new.cam@example.com", "password": "a new password"}),
        )
        .await;
    assert_eq!(early.status, StatusCode::UNAUTHORIZED);

    let short = app.post_json(&format!("/api/v1/invitations/{token}/accept"), None, json!({"password": "short"})).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(short.field_errors(), vec!["password"]);

    let ok = app
        .post_json(&format!("/api/v1/invitations/{token}/accept"), None, json!({"password": "a new password"}))
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.text());
    assert_eq!(ok.json()["tenant"], "acme");
    let login = app
        .post_json(
            "/api/v1/auth/login",
            None,
            json!({"tenant": "acme", "email": "new.cam@example.com", "password": "a new password"}),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
    assert_eq!(login.json()["user"]["role"], "cam");

    // The link works once.
    let again = app
        .post_json(&format!("/api/v1/invitations/{token}/accept"), None, json!({"password": "another password"}))
        .await;
    assert_eq!(again.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn unknown_or_malformed_invitation_tokens_are_404() {
    let app = TestApp::new().await;
    let fake = format!("{}{}", A.id.0.simple(), "ab".repeat(24));
    for token in ["nope", fake.as_str()] {
        let r = app
            .post_json(&format!("/api/v1/invitations/{token}/accept"), None, json!({"password": "long enough pw"}))
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{token}");
        assert_eq!(
            app.page(&format!("/invitations/{token}"), &Session::anonymous()).await.status,
            StatusCode::NOT_FOUND
        );
    }
}

#[tokio::test]
async fn the_invitation_page_sets_the_password_and_sends_to_sign_in() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    app.post_json(
        "/api/v1/users",
        Some(&admin),
        json!({"email": "pu@example.com", "name": "Pat User", "role": "partner_user", "partner_id": A.p2}),
    )
    .await;
    let body = app.get("/api/v1/outbox", Some(&admin)).await.json()["items"][0]["body"].as_str().unwrap().to_string();
    let path = invitation_link(&body).replace("http://127.0.0.1:8080", "");
    let page = app.page(&path, &Session::anonymous()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert_eq!(page.select("h1"), vec!["Welcome, Pat User".to_string()]);
    let mismatch =
        app.submit(&path, &Session::anonymous(), &[("password", "long enough 1"), ("confirm", "long enough 2")]).await;
    assert_eq!(mismatch.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(mismatch.select("#e-confirm"), vec!["The two passwords differ.".to_string()]);
    let done =
        app.submit(&path, &Session::anonymous(), &[("password", "long enough 1"), ("confirm", "long enough 1")]).await;
    assert_eq!(done.status, StatusCode::SEE_OTHER);
    assert_eq!(done.header("location"), Some("/login?notice=password-set&tenant=acme"));
}

#[tokio::test]
async fn creating_a_user_with_a_password_lets_them_sign_in_directly() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let r = app.post_json("/api/v1/users", Some(&admin), json!({"email": "chief2@example.com", "name": "C2", "role": "channel_chief", "password": "a strong password"})).await;
    assert_eq!(r.status, StatusCode::CREATED);
    assert_eq!(r.json()["invited"], false);
    let login = app
        .post_json(
            "/api/v1/auth/login",
            None,
            json!({"tenant": "acme", "email": "chief2@example.com", "password": "a strong password"}),
        )
        .await;
    assert_eq!(login.status, StatusCode::OK);
}

#[tokio::test]
async fn invalid_user_input_names_every_field_and_stores_nothing() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let before = app.count_in(A.id, "select count(*) from users").await;
    let r = app
        .post_json(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "not-an-email", "name": " ", "role": "emperor", "password": "short"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.header("content-type"), Some("application/problem+json"));
    assert_eq!(r.field_errors(), vec!["email", "name", "password", "role"]);
    let r = app
        .post_json(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "x@example.com", "name": "X", "role": "partner_user"}),
        )
        .await;
    assert_eq!(r.field_errors(), vec!["partner_id"]);
    let r = app
        .post_json(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "x@example.com", "name": "X", "role": "cam", "partner_id": A.p1}),
        )
        .await;
    assert_eq!(r.field_errors(), vec!["partner_id"]);
    let r =
        app.post_json("/api/v1/users", Some(&admin), json!({"email": email::CAM1, "name": "Dup", "role": "cam"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_errors(), vec!["email"]);
    let r = app.post_json("/api/v1/users", Some(&admin), json!({"email": 42})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_errors(), vec!["email"]);
    assert_eq!(app.count_in(A.id, "select count(*) from users").await, before);
    assert_eq!(app.count_in(A.id, "select count(*) from outbox").await, 0);
}

#[tokio::test]
async fn malformed_json_is_400_with_a_problem() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let request = TestApp::request(axum::http::Method::POST, "/api/v1/users")
        .header("authorization", format!("Bearer {admin}"))
        .header("content-type", "application/json")
        .body(axum::body::Body::from("{\"email\": "))
        .unwrap();
    let r = app.send(request).await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    assert_eq!(r.json()["status"], 400);
}

#[tokio::test]
async fn a_partner_admin_adds_users_to_their_own_org_only() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let r = app
        .post_json(
            "/api/v1/users",
            Some(&p1),
            json!({"email": "rep@p1.example.com", "name": "Rep", "role": "partner_user"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["partner_id"], A.p1.to_string());
    let staff = app
        .post_json(
            "/api/v1/users",
            Some(&p1),
            json!({"email": "boss@example.com", "name": "Boss", "role": "program_admin"}),
        )
        .await;
    assert_eq!(staff.field_errors(), vec!["role"]);
    let other = app
        .post_json(
            "/api/v1/users",
            Some(&p1),
            json!({"email": "o@example.com", "name": "O", "role": "partner_user", "partner_id": A.p2}),
        )
        .await;
    assert_eq!(other.field_errors(), vec!["partner_id"]);
    // A partner user may not manage users at all.
    let pu = app.token("acme", email::P1_USER).await;
    let r = app
        .post_json("/api/v1/users", Some(&pu), json!({"email": "z@example.com", "name": "Z", "role": "partner_user"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_partner_admin_lists_and_deactivates_only_their_own_people() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let listed = app.get("/api/v1/users", Some(&p1)).await.json();
    let emails: Vec<&str> = listed["items"].as_array().unwrap().iter().map(|u| u["email"].as_str().unwrap()).collect();
    assert_eq!(emails.len(), 2, "{emails:?}");
    assert!(emails.contains(&email::P1_USER) && emails.contains(&email::P1_ADMIN));
    // Another partner's user is not there to deactivate.
    assert_eq!(app.delete(&format!("/api/v1/users/{}", A.p2_admin), Some(&p1)).await.status, StatusCode::NOT_FOUND);
    let user_token = app.token("acme", email::P1_USER).await;
    assert_eq!(app.get("/api/v1/deals", Some(&user_token)).await.status, StatusCode::OK);
    assert!(app.delete(&format!("/api/v1/users/{}", A.p1_user), Some(&p1)).await.status.is_success());
    // The deactivated user's token stops working at once.
    assert_eq!(app.get("/api/v1/deals", Some(&user_token)).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_admin_cannot_deactivate_themselves() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let r = app.delete(&format!("/api/v1/users/{}", A.admin), Some(&admin)).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(app.get("/api/v1/auth/me", Some(&admin)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_users_page_invites_and_rerenders_invalid_input_beside_the_fields() {
    let app = TestApp::new().await;
    let session = app.session("acme", email::ADMIN).await;
    let bad = app
        .submit("/users", &session, &[("name", "Val"), ("email", "bad"), ("role", "partner_user"), ("partner_id", "")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.select("#e-email").len(), 1);
    assert_eq!(bad.select("#e-partner_id").len(), 1);
    assert!(bad.text().contains("value=\"Val\""), "input kept");
    let ok = app
        .submit(
            "/users",
            &session,
            &[("name", "Val Cam"), ("email", "val@example.com"), ("role", "cam"), ("partner_id", "")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER);
    let list = app.page("/users?notice=invited", &session).await;
    assert!(list.select("td").iter().any(|t| t.contains("val@example.com")));
    assert_eq!(list.select(".alert-success").len(), 1);
}

#[tokio::test]
async fn every_change_is_written_to_the_audit_log_with_actor_and_before_after() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    app.json(axum::http::Method::PATCH, &format!("/api/v1/partners/{}", A.p1), Some(&admin), json!({"tier": "gold"}))
        .await;
    app.delete(&format!("/api/v1/users/{}", A.p1_user), Some(&admin)).await;
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let rows: Vec<(Option<tributary::ids::UserId>, String, serde_json::Value, serde_json::Value)> = sqlx::query_as(
        "select actor_id, action, before, after from audit_log where action like '%.update' order by at",
    )
    .fetch_all(&mut *tx)
    .await
    .unwrap();
    assert_eq!(rows.len(), 2, "{rows:?}");
    assert_eq!(rows[0].0, Some(A.admin));
    assert_eq!(rows[0].1, "partners.update");
    assert_eq!(rows[0].2, json!({"tier": "registered"}));
    assert_eq!(rows[0].3, json!({"tier": "gold"}));
    assert_eq!(rows[1].1, "users.update");
    assert_eq!(rows[1].3["active"], json!(false));
    let session = app.session("acme", email::ADMIN).await;
    let page = app.page("/admin/audit", &session).await;
    assert!(page.select("td").iter().any(|t| t == "tier: registered → gold"));
}

#[tokio::test]
async fn a_partners_count_of_people_follows_invitations_and_deactivations_without_auditing_the_partner() {
    let app = TestApp::new().await;
    let users_of_partner_one = |home: &Resp| {
        let rows = home.select("table.data tbody tr td:first-child a");
        let row = rows.iter().position(|name| name == "Partner One").expect("Partner One is listed");
        home.select("table.data tbody tr td.num")[row].clone()
    };
    let cam1 = app.session("acme", email::CAM1).await;
    assert_eq!(users_of_partner_one(&app.page("/", &cam1).await), "2");

    let admin = app.token("acme", email::P1_ADMIN).await;
    let invited = app
        .post_json(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "p1.new@example.com", "name": "New One", "role": "partner_user"}),
        )
        .await;
    assert_eq!(invited.status, StatusCode::CREATED, "{}", invited.text());
    assert_eq!(users_of_partner_one(&app.page("/", &cam1).await), "3");

    let id = invited.json()["id"].as_str().unwrap().to_string();
    assert!(app.delete(&format!("/api/v1/users/{id}"), Some(&admin)).await.status.is_success());
    assert!(app.delete(&format!("/api/v1/users/{}", A.p1_user), Some(&admin)).await.status.is_success());
    assert_eq!(users_of_partner_one(&app.page("/", &cam1).await), "1");
    // The people's changes are audited on the users; counting them is no change of the partner.
    assert_eq!(app.count_in(A.id, "select count(*) from audit_log where action = 'partners.update'").await, 0);
    assert!(app.count_in(A.id, "select count(*) from audit_log where action = 'users.update'").await >= 2);
}
