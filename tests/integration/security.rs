//! Attacks and faults: parallel password guessing, hashing under load, open redirects, the public form as a mail
//! cannon, forwarded addresses, role changes made behind the server's back, user enumeration, and a database that
//! goes away under load.

use std::net::{IpAddr, SocketAddr};
use std::time::{Duration, Instant};

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{Method, Request, StatusCode, header};
use futures_util::future::join_all;
use http_body_util::BodyExt;
use serde_json::{Value, json};
use sqlx::Connection;
use tower::ServiceExt;
use tributary::auth::client::Cidr;
use tributary::auth::password::Hashing;
use tributary::config::Config;
use tributary::{AppState, app};

use crate::support::*;

/// Sends `request` through `router` as if it came from `peer`.
async fn send_from(router: &Router, peer: IpAddr, mut request: Request<Body>) -> Resp {
    request.extensions_mut().insert(ConnectInfo(SocketAddr::new(peer, 40000)));
    let response = router.clone().oneshot(request).await.unwrap();
    let status = response.status();
    let headers = response.headers().clone();
    let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
    Resp { status, headers, body }
}

fn json_request(method: Method, path: &str, token: Option<&str>, body: &Value) -> Request<Body> {
    let mut b = Request::builder().method(method).uri(path).header(header::CONTENT_TYPE, "application/json");
    if let Some(t) = token {
        b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
    }
    b.body(Body::from(body.to_string())).unwrap()
}

fn login(email: &str, password: &str) -> Request<Body> {
    json_request(
        Method::POST,
        "/api/v1/auth/login",
        None,
        &json!({"tenant": "acme", "email": email, "password": password}),
    )
}

/// An address of the documentation range 198.51.100.0/24 and beyond, one per `n`.
fn address(n: u32) -> IpAddr {
    IpAddr::V4(std::net::Ipv4Addr::from(0xC633_6400 + n))
}

fn statuses(responses: &[Resp]) -> std::collections::BTreeMap<u16, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for r in responses {
        *counts.entry(r.status.as_u16()).or_insert(0) += 1;
    }
    counts
}

async fn owner(app: &TestApp) -> sqlx::PgConnection {
    sqlx::PgConnection::connect_with(&app.owner).await.unwrap()
}

async fn login_records(app: &TestApp, key: &str) -> i64 {
    sqlx::query_scalar("select count(*) from login_failures where key = $1")
        .bind(key)
        .fetch_one(&mut owner(app).await)
        .await
        .unwrap()
}

#[tokio::test]
async fn a_hundred_parallel_wrong_passwords_get_at_most_five_tries_before_429() {
    let app = TestApp::new().await;
    // Each guess from an address of its own, so that only the account's limit stands in the way.
    let guesses = (0..100).map(|i| send_from(&app.router, address(i), login(email::CHIEF, &format!("guess {i}"))));
    let responses = join_all(guesses).await;
    let counts = statuses(&responses);
    let tried = counts.get(&401).copied().unwrap_or(0);
    assert!((1..=5).contains(&tried), "{counts:?}");
    assert_eq!(counts.get(&429).copied().unwrap_or(0), 100 - tried, "{counts:?}");
    assert!(
        responses
            .iter()
            .filter(|r| r.status == StatusCode::TOO_MANY_REQUESTS)
            .all(|r| r.header("retry-after").is_some())
    );
    assert_eq!(
        login_records(&app, "account:acme:chief@example.com").await,
        tried as i64,
        "only the tries stay recorded"
    );
    // Even the right password waits now.
    let right = send_from(&app.router, address(200), login(email::CHIEF, PASSWORD)).await;
    assert_eq!(right.status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn a_successful_sign_in_leaves_no_attempt_counted_against_its_address() {
    let app = TestApp::new().await;
    for _ in 0..3 {
        app.token("acme", email::CAM1).await;
    }
    assert_eq!(login_records(&app, "address:10.0.0.1").await, 0);
    let wrong = app
        .post_json("/api/v1/auth/login", None, json!({"tenant": "acme", "email": email::CAM1, "password": "x"}))
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(login_records(&app, "address:10.0.0.1").await, 1);
}

#[tokio::test]
async fn password_hashing_never_runs_past_its_bound_and_the_overflow_is_answered_503() {
    let app = TestApp::new().await;
    let cores = std::thread::available_parallelism().unwrap().get();
    assert_eq!(app.state.hashing.limit(), 2 * cores, "the server's bound: two hashes per core");

    let state = AppState::new(app.pool.clone(), &Config::for_tests(String::new()), "http://127.0.0.1:8080".into())
        .with_hashing(Hashing::new(2, Duration::from_millis(100)));
    let router = tributary::app(state.clone());
    // Unknown accounts, each from its own address: every attempt gets to the hash (against the dummy).
    let attempts = (0..40).map(|i| send_from(&router, address(i), login(&format!("nobody{i}@example.com"), "guess")));
    let responses = join_all(attempts).await;
    let counts = statuses(&responses);
    assert!(state.hashing.peak() <= 2, "peak {}", state.hashing.peak());
    let busy: Vec<&Resp> = responses.iter().filter(|r| r.status == StatusCode::SERVICE_UNAVAILABLE).collect();
    assert!(!busy.is_empty(), "40 hashes cannot all start within 100 ms on 2 slots: {counts:?}");
    assert!(busy.iter().all(|r| r.header("retry-after").is_some_and(|s| s.parse::<u64>().unwrap() > 0)));
    assert_eq!(counts.get(&401).copied().unwrap_or(0) + busy.len(), 40, "{counts:?}");
    // An attempt turned away unchecked is not counted as a failure.
    let recorded: i64 = sqlx::query_scalar("select count(*) from login_failures where key like 'account:acme:nobody%'")
        .fetch_one(&mut owner(&app).await)
        .await
        .unwrap();
    assert_eq!(recorded as usize, 40 - busy.len());
}

const EVIL_NEXTS: [&str; 9] = [
    "/%09/evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "//evil.example",
    "\\/evil.example",
    "/\\evil.example",
    "https://evil.example/",
    "http://127.0.0.1:8080.evil.example/",
    "javascript:alert(1)",
];

#[tokio::test]
async fn sign_in_never_sends_anyone_off_the_origin() {
    let app = TestApp::new().await;
    for next in EVIL_NEXTS {
        let r = app
            .submit(
                "/login",
                &Session::anonymous(),
                &[("tenant", "acme"), ("email", email::CAM1), ("password", PASSWORD), ("next", next)],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{next:?}");
        assert_eq!(r.header("location"), Some("/"), "{next:?}");
        let query: String = form_urlencoded::byte_serialize(next.as_bytes()).collect();
        let page = app.get(&format!("/login?next={query}"), None).await;
        assert!(page.text().contains(r#"name="next" value="/""#), "{next:?}: {}", page.text());
    }
    let r = app
        .submit(
            "/login",
            &Session::anonymous(),
            &[("tenant", "acme"), ("email", email::CAM1), ("password", PASSWORD), ("next", "/deals?status=pending")],
        )
        .await;
    assert_eq!(r.header("location"), Some("/deals?status=pending"), "a path of our own is followed");
}

#[tokio::test]
async fn onboarding_template_links_cannot_lead_off_the_portal() {
    let app = TestApp::new().await;
    let admin = app.session("acme", email::ADMIN).await;
    for link in ["/%09/evil.example", "/\t/evil.example", "//evil.example", "/\\evil.example"] {
        let r = app
            .submit(
                "/admin/onboarding-template",
                &admin,
                &[("title", "Read this"), ("phase", "30"), ("owner", "partner"), ("due_days", "5"), ("link", link)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{link:?}");
    }
    assert_eq!(app.count_in(A.id, "select count(*) from onboarding_template_items where title = 'Read this'").await, 0);
}

fn application(company: &str, email: &str) -> Value {
    json!({
        "company_name": company,
        "website": "www.example-partner.com",
        "country": "DE",
        "contact_name": "Dana Applicant",
        "contact_email": email,
        "employees": 120,
        "verticals": ["healthcare"],
        "services": ["implementation"],
        "message": "We implement CRM for hospitals."
    })
}

fn apply(body: &Value) -> Request<Body> {
    json_request(Method::POST, "/api/v1/public/acme/applications", None, body)
}

async fn applications(app: &TestApp) -> i64 {
    app.count_in(A.id, "select count(*) from applications").await
}

#[tokio::test]
async fn parallel_applications_past_the_address_limit_are_refused() {
    let app = TestApp::new().await;
    let sender = address(7);
    let bodies: Vec<Value> =
        (0..20).map(|i| application(&format!("Company {i}"), &format!("c{i}@example.org"))).collect();
    let responses = join_all(bodies.iter().map(|b| send_from(&app.router, sender, apply(b)))).await;
    let counts = statuses(&responses);
    assert_eq!(counts.get(&201), Some(&5), "{counts:?}");
    assert_eq!(counts.get(&429), Some(&15), "{counts:?}");
    assert_eq!(applications(&app).await, 5);
}

#[tokio::test]
async fn parallel_applications_past_the_tenants_hourly_cap_are_refused() {
    let app = TestApp::new().await;
    let cap = tributary::recruitment::MAX_PER_TENANT_PER_HOUR as usize;
    let bodies: Vec<Value> =
        (0..cap + 8).map(|i| application(&format!("Company {i}"), &format!("c{i}@example.org"))).collect();
    // Every application from an address of its own.
    let responses =
        join_all(bodies.iter().enumerate().map(|(i, b)| send_from(&app.router, address(i as u32), apply(b)))).await;
    let counts = statuses(&responses);
    assert_eq!(counts.get(&201), Some(&cap), "{counts:?}");
    assert_eq!(counts.get(&429), Some(&8), "{counts:?}");
    assert_eq!(applications(&app).await, cap as i64);
    // Another tenant's form is open still.
    let other = send_from(
        &app.router,
        address(999),
        json_request(Method::POST, "/api/v1/public/globex/applications", None, &application("Else", "e@example.org")),
    )
    .await;
    assert_eq!(other.status, StatusCode::CREATED, "{}", other.text());
}

#[tokio::test]
async fn the_confirmation_email_carries_nothing_the_applicant_wrote() {
    let app = TestApp::new().await;
    let mut body = application("Cheap pills at evil.example", "victim@example.org");
    body["contact_name"] = json!("Click https://evil.example/win now");
    let r = app.post_json("/api/v1/public/acme/applications", None, body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let admin = app.token("acme", email::ADMIN).await;
    let outbox = app.get("/api/v1/outbox?limit=50", Some(&admin)).await.json();
    let mails = outbox["items"].as_array().unwrap();
    let confirmation = mails.iter().find(|m| m["to"] == "victim@example.org").expect("a confirmation");
    let text = format!("{} {}", confirmation["subject"], confirmation["body"]);
    assert!(text.contains("Acme Corp"), "{text}");
    assert!(!text.contains("evil.example") && !text.contains("pills") && !text.contains("Click"), "{text}");
}

#[tokio::test]
async fn the_api_answers_a_honeypot_hit_as_a_success_and_keeps_nothing() {
    let app = TestApp::new().await;
    let real =
        app.post_json("/api/v1/public/acme/applications", None, application("Real Co", "real@example.org")).await;
    let mut bot = application("Spam Inc", "bot@spam.example");
    bot["fax"] = json!("+1 555 0100");
    let r = app.post_json("/api/v1/public/acme/applications", None, bot).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let (real, fake) = (real.json(), r.json());
    let keys = |v: &Value| v.as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(keys(&fake), keys(&real), "the same shape");
    assert_eq!(fake["status"], "submitted");
    assert!(fake["id"].as_str().unwrap().parse::<uuid::Uuid>().is_ok());
    assert_eq!(applications(&app).await, 1);
    assert_eq!(
        app.count_in(
            A.id,
            "select count(*) from outbox where to_address = 'bot@spam.example' or body like '%Spam Inc%'"
        )
        .await,
        0
    );
}

#[tokio::test]
async fn forwarded_addresses_are_ignored_from_an_untrusted_peer() {
    let app = TestApp::new().await;
    let proxy: IpAddr = "10.0.0.2".parse().unwrap();
    let mut statuses = Vec::new();
    for i in 0..6 {
        let mut request = apply(&application(&format!("Co {i}"), &format!("c{i}@example.org")));
        request.headers_mut().insert("x-forwarded-for", address(i).to_string().parse().unwrap());
        request.headers_mut().insert("forwarded", format!("for={}", address(100 + i)).parse().unwrap());
        statuses.push(send_from(&app.router, proxy, request).await.status);
    }
    assert_eq!(statuses[..5], [StatusCode::CREATED; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS, "all six came from one peer");
}

#[tokio::test]
async fn forwarded_addresses_from_a_trusted_proxy_name_the_client() {
    let app = TestApp::new().await;
    let mut config = Config::for_tests(String::new());
    config.trusted_proxies = vec![Cidr::parse("10.0.0.0/8").unwrap()];
    let router = tributary::app(AppState::new(app.pool.clone(), &config, "http://127.0.0.1:8080".into()));
    let proxy: IpAddr = "10.0.0.2".parse().unwrap();
    let via_proxy = |i: u32, forwarded_for: String| {
        let mut request = apply(&application(&format!("Co {i}"), &format!("c{i}@example.org")));
        // The client put a made-up address first; the proxy appended the one it saw.
        request.headers_mut().insert("x-forwarded-for", format!("203.0.113.250, {forwarded_for}").parse().unwrap());
        send_from(&router, proxy, request)
    };
    for i in 0..6 {
        let r = via_proxy(i, address(i).to_string()).await;
        assert_eq!(r.status, StatusCode::CREATED, "six clients behind one proxy: {}", r.text());
    }
    let mut last = StatusCode::OK;
    for i in 10..16 {
        last = via_proxy(i, address(50).to_string()).await.status;
    }
    assert_eq!(last, StatusCode::TOO_MANY_REQUESTS, "one client behind the proxy still has its limit");
    // IPv6 clients count by their /64.
    let mut statuses = Vec::new();
    for i in 20..26 {
        statuses.push(via_proxy(i, format!("2001:db8:1:2::{i:x}")).await.status);
    }
    assert_eq!(statuses[..5], [StatusCode::CREATED; 5]);
    assert_eq!(statuses[5], StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(
        via_proxy(30, "2001:db8:1:3::1".into()).await.status,
        StatusCode::CREATED,
        "the next /64 is another client"
    );
}

#[tokio::test]
async fn a_role_or_partner_changed_in_sql_is_refused_on_the_next_request() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::P1_ADMIN).await;
    let user = app.token("acme", email::P1_USER).await;
    let page = |t: &str| Session { token: Some(t.to_string()), csrf: String::new() };
    for token in [&admin, &user] {
        assert_eq!(app.get("/api/v1/users", Some(&admin)).await.status, StatusCode::OK);
        assert_eq!(app.page("/", &page(token)).await.status, StatusCode::OK);
    }
    let mut db = owner(&app).await;
    sqlx::query("update users set role = 'partner_user' where id = $1")
        .bind(A.p1_admin)
        .execute(&mut db)
        .await
        .unwrap();
    assert_eq!(app.get("/api/v1/users", Some(&admin)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.get("/api/v1/auth/me", Some(&admin)).await.status, StatusCode::UNAUTHORIZED);
    let home = app.page("/", &page(&admin)).await;
    assert_eq!(home.status, StatusCode::SEE_OTHER);
    assert!(home.header("location").unwrap().starts_with("/login"));
    // Moved to another partner: the old partner's token no longer holds either.
    sqlx::query("update users set partner_id = $2 where id = $1")
        .bind(A.p1_user)
        .bind(A.p2)
        .execute(&mut db)
        .await
        .unwrap();
    assert_eq!(app.get("/api/v1/deals", Some(&user)).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.page("/deals", &page(&user)).await.status, StatusCode::SEE_OTHER);
    // Signing in again gives a token of the new role.
    let again = app
        .post_json(
            "/api/v1/auth/login",
            None,
            json!({"tenant": "acme", "email": email::P1_ADMIN, "password": PASSWORD}),
        )
        .await;
    assert_eq!(again.json()["user"]["role"], "partner_user");
    // Other changes leave sessions alone.
    let cam = app.token("acme", email::CAM1).await;
    sqlx::query("update users set name = 'Cara Renamed' where id = $1").bind(A.cam1).execute(&mut db).await.unwrap();
    assert_eq!(app.get("/api/v1/deals", Some(&cam)).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_partner_admin_adding_a_user_learns_nothing_of_addresses_outside_their_organisation() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let add = |email: &str| {
        app.post_json("/api/v1/users", Some(&p1), json!({"email": email, "name": "Sam Seller", "role": "partner_user"}))
    };
    let fresh = add("sam.new@example.com").await;
    assert_eq!(fresh.status, StatusCode::CREATED, "{}", fresh.text());
    let fresh = fresh.json();
    // Taken by another partner's admin, and by the vendor's program admin.
    for taken in [email::P2_ADMIN, email::ADMIN] {
        let r = add(taken).await;
        assert_eq!(r.status, StatusCode::CREATED, "{taken}: {}", r.text());
        let answer = r.json();
        let shape = |v: &Value| {
            v.as_object().unwrap().iter().map(|(k, v)| (k.clone(), std::mem::discriminant(v))).collect::<Vec<_>>()
        };
        assert_eq!(shape(&answer), shape(&fresh), "{taken}");
        for same in ["name", "role", "partner_id", "partner_name", "active", "has_password", "invited"] {
            assert_eq!(answer[same], fresh[same], "{taken}: {same}");
        }
        assert_eq!(answer["email"], taken);
    }
    // Nothing of theirs changed, and their owners heard of it.
    let p2_admin: (String, Option<uuid::Uuid>) = sqlx::query_as("select role, partner_id from users where id = $1")
        .bind(A.p2_admin)
        .fetch_one(&mut owner(&app).await)
        .await
        .unwrap();
    assert_eq!(p2_admin, ("partner_admin".to_string(), Some(A.p2.0)));
    assert_eq!(app.count_in(A.id, "select count(*) from users").await, 9, "eight fixtures and the fresh one");
    assert_eq!(
        app.count_in(A.id, "select count(*) from outbox where to_address in ('p2.admin@example.com', 'admin@example.com') and subject like 'Someone tried to add you%'").await,
        2
    );
    // Through the page, the same.
    let session = app.session("acme", email::P1_ADMIN).await;
    for email in ["page.new@example.com", email::P3_ADMIN] {
        let r =
            app.submit("/users", &session, &[("email", email), ("name", "Pat Page"), ("role", "partner_user")]).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{email}: {}", r.text());
        assert_eq!(r.header("location"), Some("/users?notice=invited"), "{email}");
    }
}

#[tokio::test]
async fn pooled_connections_killed_while_idle_are_replaced_without_an_error() {
    let app = TestApp::new().await;
    let token = app.token("acme", email::CAM1).await;
    // Several connections in the pool.
    let warm = join_all((0..6).map(|_| app.get("/api/v1/deals", Some(&token)))).await;
    assert!(warm.iter().all(|r| r.status == StatusCode::OK));
    let killed: Vec<bool> = sqlx::query_scalar(
        "select pg_terminate_backend(pid) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid()",
    )
    .fetch_all(&mut owner(&app).await)
    .await
    .unwrap();
    assert!(!killed.is_empty());
    for _ in 0..8 {
        let r = app.get("/api/v1/deals", Some(&token)).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    }
    assert_eq!(app.get("/readyz", None).await.status, StatusCode::OK);
}

/// A private cluster for the restart test: the shared test cluster must never be restarted.
struct PrivateCluster {
    root: std::path::PathBuf,
    pg: Option<tributary::db::embedded::EmbeddedPg>,
}

impl PrivateCluster {
    async fn start() -> PrivateCluster {
        let base = if std::path::Path::new("/dev/shm").is_dir() { "/dev/shm".into() } else { std::env::temp_dir() };
        let root = base.join(format!("tributary-fault-{}", uuid::Uuid::new_v4().simple()));
        let pg = tributary::db::embedded::EmbeddedPg::start(&root, tributary::db::embedded::Durability::Ephemeral)
            .await
            .expect("start a private PostgreSQL");
        PrivateCluster { root, pg: Some(pg) }
    }

    async fn restart(&mut self, down_for: Duration) {
        let mut pg = self.pg.take().unwrap();
        tokio::task::spawn_blocking(move || pg.stop()).await.unwrap();
        tokio::time::sleep(down_for).await;
        let pg = tributary::db::embedded::EmbeddedPg::start(&self.root, tributary::db::embedded::Durability::Ephemeral)
            .await
            .expect("restart the private PostgreSQL");
        self.pg = Some(pg);
    }
}

impl Drop for PrivateCluster {
    fn drop(&mut self) {
        drop(self.pg.take());
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

#[tokio::test]
async fn a_database_restart_under_load_answers_no_500_and_recovers_by_itself() {
    let mut cluster = PrivateCluster::start().await;
    let options = cluster.pg.as_ref().unwrap().ensure_database("tributary").await.unwrap();
    tributary::db::migrate(&options).await.unwrap();
    let pool = tributary::db::runtime_pool(&options, 8).await.unwrap();
    load(&pool).await;
    let router = app(AppState::new(pool.clone(), &Config::for_tests(String::new()), "http://127.0.0.1:8080".into()));
    let peer: IpAddr = "10.0.0.1".parse().unwrap();
    let mut tokens = Vec::new();
    for email in [email::CAM1, email::P1_USER, email::ADMIN, email::P2_ADMIN] {
        let r = send_from(&router, peer, login(email, PASSWORD)).await;
        tokens.push(r.json()["token"].as_str().unwrap().to_string());
    }

    // Four clients, reading and writing with a short pause, until told to stop.
    let started = Instant::now();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let clients: Vec<_> = tokens
        .into_iter()
        .enumerate()
        .map(|(n, token)| {
            let (router, stop) = (router.clone(), stop.clone());
            tokio::spawn(async move {
                let mut seen = Vec::new();
                let mut i = 0;
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    i += 1;
                    let write = n == 1 || (n == 3 && i % 2 == 0);
                    let request = match (n, write) {
                        (_, true) => json_request(
                            Method::POST,
                            "/api/v1/deals",
                            Some(&token),
                            &crate::deals::deal(&format!("Customer {n}-{i} Holdings"), None, &["crm"]),
                        ),
                        (2, _) => json_request(Method::GET, "/api/v1/users", Some(&token), &json!(null)),
                        _ => json_request(Method::GET, "/api/v1/deals", Some(&token), &json!(null)),
                    };
                    let r = send_from(&router, peer, request).await;
                    seen.push((started.elapsed(), write, r.status, r.text()));
                    tokio::time::sleep(Duration::from_millis(20)).await;
                }
                seen
            })
        })
        .collect();
    let ready = {
        let (router, stop) = (router.clone(), stop.clone());
        tokio::spawn(async move {
            let mut seen = Vec::new();
            while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                let r = send_from(&router, peer, Request::get("/readyz").body(Body::empty()).unwrap()).await;
                seen.push((started.elapsed(), r.status));
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            seen
        })
    };

    tokio::time::sleep(Duration::from_millis(1500)).await;
    let restart_began = started.elapsed();
    cluster.restart(Duration::from_millis(1500)).await;
    let restarted = started.elapsed();
    tokio::time::sleep(Duration::from_secs(5)).await;
    stop.store(true, std::sync::atomic::Ordering::Relaxed);

    let mut seen = Vec::new();
    for c in clients {
        seen.extend(c.await.unwrap());
    }
    let ready = ready.await.unwrap();
    let failures: Vec<_> =
        seen.iter().filter(|(_, _, s, _)| s.is_server_error() && *s != StatusCode::SERVICE_UNAVAILABLE).collect();
    assert!(failures.is_empty(), "no 500s: {failures:?}");
    assert!(
        seen.iter().all(|(_, _, s, _)| s.is_success() || *s == StatusCode::SERVICE_UNAVAILABLE),
        "{:?}",
        seen.iter().filter(|(_, _, s, _)| !s.is_success()).collect::<Vec<_>>()
    );
    // Recovered by itself: after the restart settled, everything succeeds, writes too.
    let settled = restarted + Duration::from_secs(1);
    let late: Vec<_> = seen.iter().filter(|(at, _, _, _)| *at > settled).collect();
    assert!(late.iter().any(|(_, write, _, _)| *write));
    assert!(late.iter().all(|(_, _, s, _)| s.is_success()), "{late:?}");
    // Readiness said so meanwhile.
    assert!(
        ready.iter().any(|(at, s)| *at > restart_began && *at < restarted && *s == StatusCode::SERVICE_UNAVAILABLE),
        "{ready:?}"
    );
    assert!(ready.iter().filter(|(at, _)| *at > settled).all(|(_, s)| *s == StatusCode::OK), "{ready:?}");
    // No request half-applied: every registration answered 201 is there, and only those or ones whose answer was lost.
    let created = seen.iter().filter(|(_, write, s, _)| *write && *s == StatusCode::CREATED).count() as i64;
    let unsure = seen.iter().filter(|(_, write, s, _)| *write && *s == StatusCode::SERVICE_UNAVAILABLE).count() as i64;
    let mut tx = tributary::db::begin_tenant(&pool, A.id, None).await.unwrap();
    let stored: i64 = sqlx::query_scalar("select count(*) from deals").fetch_one(&mut *tx).await.unwrap();
    drop(tx);
    assert!(stored >= created && stored <= created + unsure, "{stored} stored, {created} created, {unsure} unsure");
    pool.close().await;
}

#[test]
fn a_malformed_trusted_proxy_list_is_a_one_line_error_naming_the_entry() {
    let dir = std::env::temp_dir().join(format!("tributary-proxies-{}", uuid::Uuid::new_v4().simple()));
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_tributary"))
        .arg("migrate")
        .env_remove("DATABASE_URL")
        .env("TRIBUTARY_DATA_DIR", &dir)
        .env("TRIBUTARY_TRUSTED_PROXIES", "10.0.0.0/8, proxy.example")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    std::fs::remove_dir_all(&dir).ok();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(stderr.contains("TRIBUTARY_TRUSTED_PROXIES") && stderr.contains("proxy.example"), "{stderr}");
}

/// PostgreSQL text cannot hold the NUL character: a body carrying one is refused naming the field, never a 500, and
/// nothing is stored; a form with one is refused too.
#[tokio::test]
async fn the_nul_character_is_refused_naming_its_field_never_a_server_error() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let mut body = crate::deals::deal("Nul Corp", None, &["crm"]);
    body["notes"] = json!("before\u{0}after");
    let r = app.post_json("/api/v1/deals", Some(&p1), body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.field_errors(), ["notes"]);
    let r = app.post_json("/api/v1/deals", Some(&p1), json!({"customer_name": "x", "products": ["a\u{0}"]})).await;
    assert_eq!(r.field_errors(), ["products[0]"]);
    assert_eq!(app.count_in(A.id, "select count(*) from deals").await, 0);
    let session = app.session("acme", email::P1_ADMIN).await;
    let r = app
        .submit(
            "/deals",
            &session,
            &[
                ("customer_name", "Nul\u{0} Corp"),
                ("country", "GB"),
                ("products", "crm"),
                ("estimated_value", "100"),
                ("currency", "GBP"),
                ("expected_close_date", "2099-01-01"),
            ],
        )
        .await;
    assert!(r.status.is_client_error(), "{}", r.status);
    assert_eq!(app.count_in(A.id, "select count(*) from deals").await, 0);
}
