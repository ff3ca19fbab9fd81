//! Test support: a private PostgreSQL cluster for the test run (or `TEST_DATABASE_URL`), a migrated template database
//! holding the fixtures, one fresh database per test cloned from it, and request helpers over the real router.

use std::net::SocketAddr;
use std::str::FromStr;

use axum::Router;
use axum::body::Body;
use axum::extract::ConnectInfo;
use axum::http::{HeaderMap, Method, Request, StatusCode, header};
use http_body_util::BodyExt;
use serde_json::Value;
use sqlx::postgres::{PgConnectOptions, PgPool};
use sqlx::{Connection, PgConnection};
use tokio::sync::OnceCell;
use tower::ServiceExt;
use tributary::config::Config;
use tributary::db::embedded::{Durability, EmbeddedPg};
use tributary::{AppState, app, db};
use uuid::Uuid;

pub use fixtures::*;

pub const PASSWORD: &str = "correct horse battery";

struct Cluster {
    admin: PgConnectOptions,
    /// The URL of a database on this cluster, with `{db}` in place of its name.
    url_pattern: String,
    template: String,
    _embedded: Option<EmbeddedPg>,
}

static CLUSTER: OnceCell<Cluster> = OnceCell::const_new();

async fn cluster() -> &'static Cluster {
    CLUSTER
        .get_or_init(|| async {
            let (admin, url_pattern, embedded) = match std::env::var("TEST_DATABASE_URL") {
                Ok(url) => {
                    let mut pattern = url::Url::parse(&url).expect("TEST_DATABASE_URL");
                    pattern.set_path("/DBNAME");
                    (PgConnectOptions::from_str(&url).expect("TEST_DATABASE_URL"), pattern.to_string(), None)
                }
                Err(_) => {
                    let base = if std::path::Path::new("/dev/shm").is_dir() {
                        std::path::PathBuf::from("/dev/shm")
                    } else {
                        std::env::temp_dir()
                    };
                    // SAFETY: getuid has no preconditions.
                    let root = base.join(format!("tributary-test-{}", unsafe { libc::getuid() }));
                    let pg = EmbeddedPg::start(&root, Durability::Ephemeral).await.expect("start test PostgreSQL");
                    (pg.connect_options("postgres"), pg.url("DBNAME"), Some(pg))
                }
            };
            let template = ensure_template(&admin).await;
            Cluster { admin, url_pattern, template, _embedded: embedded }
        })
        .await
}

/// The template's name changes whenever a migration or the fixtures change, so a stale one is never used.
fn template_name() -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    for m in db::MIGRATOR.iter() {
        m.checksum.hash(&mut h);
    }
    include_str!("fixtures.rs").hash(&mut h);
    format!("tributary_tmpl_{:016x}", h.finish())
}

async fn ensure_template(admin: &PgConnectOptions) -> String {
    let name = template_name();
    let mut conn = PgConnection::connect_with(admin).await.expect("connect to test cluster");
    // One test process at a time builds templates and sweeps leftovers.
    sqlx::query("select pg_advisory_lock(72177)").execute(&mut conn).await.unwrap();
    let stale: Vec<String> = sqlx::query_scalar(
        "select datname from pg_database where datname like 'tributary_t\\_%' or (datname like 'tributary_tmpl_%' and datname <> $1)",
    )
    .bind(&name)
    .fetch_all(&mut conn)
    .await
    .unwrap();
    for db in stale {
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("drop database if exists \"{db}\" with (force)")))
            .execute(&mut conn)
            .await;
    }
    let exists: Option<i32> = sqlx::query_scalar("select 1 from pg_database where datname = $1")
        .bind(&name)
        .fetch_optional(&mut conn)
        .await
        .unwrap();
    if exists.is_none() {
        let building = format!("{name}_building");
        sqlx::query(sqlx::AssertSqlSafe(format!("drop database if exists \"{building}\"")))
            .execute(&mut conn)
            .await
            .unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("create database \"{building}\""))).execute(&mut conn).await.unwrap();
        let options = admin.clone().database(&building);
        db::migrate(&options).await.expect("migrate template");
        let pool = db::runtime_pool(&options, 2).await.unwrap();
        fixtures::load(&pool).await;
        pool.close().await;
        sqlx::query(sqlx::AssertSqlSafe(format!("alter database \"{building}\" rename to \"{name}\"")))
            .execute(&mut conn)
            .await
            .unwrap();
    }
    sqlx::query("select pg_advisory_unlock(72177)").execute(&mut conn).await.unwrap();
    conn.close().await.unwrap();
    name
}

/// One test's world: its own database cloned from the template, and the real router over it.
pub struct TestApp {
    pub router: Router,
    /// The state behind `router` (its caches).
    pub state: AppState,
    pub pool: PgPool,
    /// The connecting (owner) user, for checks the runtime role could not make. Not used by the server.
    pub owner: PgConnectOptions,
    db_name: String,
    admin: PgConnectOptions,
    url_pattern: String,
}

impl TestApp {
    pub async fn new() -> TestApp {
        let cluster = cluster().await;
        let db_name = format!("tributary_t_{}", Uuid::new_v4().simple());
        let mut conn = PgConnection::connect_with(&cluster.admin).await.unwrap();
        let fast = format!("create database \"{db_name}\" template \"{}\" strategy file_copy", cluster.template);
        if sqlx::query(sqlx::AssertSqlSafe(fast)).execute(&mut conn).await.is_err() {
            let plain = format!("create database \"{db_name}\" template \"{}\"", cluster.template);
            sqlx::query(sqlx::AssertSqlSafe(plain)).execute(&mut conn).await.unwrap();
        }
        conn.close().await.unwrap();
        let owner = cluster.admin.clone().database(&db_name);
        let pool = db::runtime_pool(&owner, 8).await.unwrap();
        let config = Config::for_tests(String::new());
        let state = AppState::new(pool.clone(), &config, "http://127.0.0.1:8080".into());
        TestApp {
            router: app(state.clone()),
            state,
            pool,
            owner,
            db_name,
            admin: cluster.admin.clone(),
            url_pattern: cluster.url_pattern.clone(),
        }
    }

    /// The application state over this test's database, for running background jobs directly.
    pub fn state(&self) -> AppState {
        AppState::new(self.pool.clone(), &Config::for_tests(String::new()), "http://127.0.0.1:8080".into())
    }

    /// The router of this test's database as served at another base URL.
    pub fn router_with_base_url(&self, base_url: &str) -> Router {
        app(AppState::new(self.pool.clone(), &Config::for_tests(String::new()), base_url.into()))
    }

    /// A `DATABASE_URL` for this test's database, for running the binary against it.
    pub fn database_url(&self) -> String {
        self.url_pattern.replace("DBNAME", &self.db_name)
    }

    pub async fn send(&self, request: Request<Body>) -> Resp {
        let response = self.router.clone().oneshot(request).await.unwrap();
        let status = response.status();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await.unwrap().to_bytes().to_vec();
        Resp { status, headers, body }
    }

    pub fn request(method: Method, path: &str) -> axum::http::request::Builder {
        Request::builder().method(method).uri(path).extension(ConnectInfo(SocketAddr::from(([10, 0, 0, 1], 40000))))
    }

    /// Signs in through the API and returns the bearer token.
    pub async fn token(&self, tenant: &str, email: &str) -> String {
        let r = self
            .post_json(
                "/api/v1/auth/login",
                None,
                serde_json::json!({"tenant": tenant, "email": email, "password": PASSWORD}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "login of {email} failed: {}", r.text());
        r.json()["token"].as_str().unwrap().to_string()
    }

    pub async fn get(&self, path: &str, token: Option<&str>) -> Resp {
        let mut b = Self::request(Method::GET, path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    pub async fn json(&self, method: Method, path: &str, token: Option<&str>, body: Value) -> Resp {
        let mut b = Self::request(method, path).header(header::CONTENT_TYPE, "application/json");
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::from(body.to_string())).unwrap()).await
    }

    pub async fn post_json(&self, path: &str, token: Option<&str>, body: Value) -> Resp {
        self.json(Method::POST, path, token, body).await
    }

    pub async fn delete(&self, path: &str, token: Option<&str>) -> Resp {
        let mut b = Self::request(Method::DELETE, path);
        if let Some(t) = token {
            b = b.header(header::AUTHORIZATION, format!("Bearer {t}"));
        }
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// A browser session: the session cookie of a signed-in user and a CSRF token.
    pub async fn session(&self, tenant: &str, email: &str) -> Session {
        let token = self.token(tenant, email).await;
        Session { token: Some(token), csrf: "0123456789abcdef0123456789abcdef".into() }
    }

    pub async fn page(&self, path: &str, session: &Session) -> Resp {
        let b = Self::request(Method::GET, path).header(header::COOKIE, session.cookie());
        self.send(b.body(Body::empty()).unwrap()).await
    }

    /// Submits a form as a browser would: session and CSRF cookies, the token in the form, our own Origin.
    pub async fn submit(&self, path: &str, session: &Session, fields: &[(&str, &str)]) -> Resp {
        let mut all: Vec<(&str, &str)> = vec![("_csrf", session.csrf.as_str())];
        all.extend_from_slice(fields);
        let body = serde_urlencoded::to_string(&all).unwrap();
        let b = Self::request(Method::POST, path)
            .header(header::COOKIE, session.cookie())
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ORIGIN, "http://127.0.0.1:8080")
            .header(header::HOST, "127.0.0.1:8080");
        self.send(b.body(Body::from(body)).unwrap()).await
    }

    /// Runs `sql` in a transaction scoped to `tenant` as the runtime role, returning one integer.
    pub async fn count_in(&self, tenant: tributary::ids::TenantId, sql: &'static str) -> i64 {
        let mut tx = db::begin_tenant(&self.pool, tenant, None).await.unwrap();
        let n: i64 = sqlx::query_scalar(sql).fetch_one(&mut *tx).await.unwrap();
        tx.commit().await.unwrap();
        n
    }

    /// Serves the app on a free local port, for browser tests. Returns the base URL.
    pub async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let addr = listener.local_addr().unwrap();
        let config = Config::for_tests(String::new());
        let state = AppState::new(self.pool.clone(), &config, format!("http://{addr}"));
        let router = app(state).into_make_service_with_connect_info::<SocketAddr>();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        format!("http://{addr}")
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        let admin = self.admin.clone();
        let name = self.db_name.clone();
        // Dropping runs on a thread of its own: Drop cannot await, and the test's runtime is blocked meanwhile, so
        // only a fresh connection is used; FORCE ends the pool's connections from the server side.
        let _ = std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
            rt.block_on(async move {
                if let Ok(mut conn) = PgConnection::connect_with(&admin).await {
                    let _ =
                        sqlx::query(sqlx::AssertSqlSafe(format!("drop database if exists \"{name}\" with (force)")))
                            .execute(&mut conn)
                            .await;
                }
            });
        })
        .join();
    }
}

#[derive(Clone)]
pub struct Session {
    pub token: Option<String>,
    pub csrf: String,
}

impl Session {
    pub fn anonymous() -> Session {
        Session { token: None, csrf: "0123456789abcdef0123456789abcdef".into() }
    }

    pub fn cookie(&self) -> String {
        match &self.token {
            Some(t) => format!("tributary_session={t}; tributary_csrf={}", self.csrf),
            None => format!("tributary_csrf={}", self.csrf),
        }
    }
}

pub struct Resp {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Vec<u8>,
}

impl Resp {
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|_| panic!("not JSON ({}): {}", self.status, self.text()))
    }

    pub fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    pub fn html(&self) -> scraper::Html {
        scraper::Html::parse_document(&self.text())
    }

    /// Texts of the elements matching a CSS selector.
    pub fn select(&self, selector: &str) -> Vec<String> {
        let sel = scraper::Selector::parse(selector).unwrap();
        self.html().select(&sel).map(|e| e.text().collect::<String>().trim().to_string()).collect()
    }

    pub fn field_errors(&self) -> Vec<String> {
        let v = self.json();
        v["errors"].as_object().map(|o| o.keys().cloned().collect()).unwrap_or_default()
    }
}

#[path = "fixtures.rs"]
mod fixtures;
