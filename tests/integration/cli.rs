//! The `tributary` command itself: tenant creation, demo data, and the embedded PostgreSQL default's lifecycle.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use axum::http::StatusCode;
use serde_json::json;

use crate::support::*;

const BIN: &str = env!("CARGO_BIN_EXE_tributary");

fn tributary(database_url: Option<&str>, data_dir: &Path) -> Command {
    let mut cmd = Command::new(BIN);
    cmd.env_remove("DATABASE_URL")
        .env("TRIBUTARY_DATA_DIR", data_dir)
        .env("RUST_LOG", "info")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(url) = database_url {
        cmd.env("DATABASE_URL", url);
    }
    cmd
}

/// A scratch data directory the `postgres` user can reach (the checkout may live under a private home).
fn scratch() -> PathBuf {
    let dir = std::env::temp_dir().join(format!("tributary-cli-{}", uuid::Uuid::new_v4().simple()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Processes whose command line mentions `needle` (the cluster's data directory).
fn processes_mentioning(needle: &Path) -> Vec<i32> {
    let needle = needle.to_string_lossy().into_owned();
    std::fs::read_dir("/proc")
        .unwrap()
        .flatten()
        .filter_map(|e| e.file_name().to_str().and_then(|n| n.parse::<i32>().ok()))
        .filter(|pid| {
            std::fs::read(format!("/proc/{pid}/cmdline"))
                .map(|c| String::from_utf8_lossy(&c).replace('\0', " ").contains(&needle))
                .unwrap_or(false)
        })
        .collect()
}

fn wait_until_gone(dir: &Path, limit: Duration) -> bool {
    let deadline = Instant::now() + limit;
    while Instant::now() < deadline {
        if processes_mentioning(dir).is_empty() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[tokio::test]
async fn tenant_create_reads_the_admin_password_from_stdin() {
    let app = TestApp::new().await;
    let dir = scratch();
    let mut child = tributary(Some(&app.database_url()), &dir)
        .args(["tenant", "create", "--slug", "initech", "--name", "Initech", "--admin-email", "Boss@Initech.test"])
        .stdin(Stdio::piped())
        .spawn()
        .unwrap();
    child.stdin.take().unwrap().write_all(b"a long enough password\n").unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let r = app
        .post_json(
            "/api/v1/auth/login",
            None,
            json!({"tenant": "initech", "email": "boss@initech.test", "password": "a long enough password"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["user"]["role"], "program_admin");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn tenant_create_failures_are_one_line_reasons_and_create_nothing() {
    let app = TestApp::new().await;
    let dir = scratch();
    for (slug, email, password, expect) in [
        ("acme", "x@acme.test", "a long enough password\n", "already exists"),
        ("Bad Slug!", "x@y.test", "a long enough password\n", "slug"),
        ("fine", "not-an-email", "short\n", "admin_email"),
    ] {
        let mut child = tributary(Some(&app.database_url()), &dir)
            .args(["tenant", "create", "--slug", slug, "--name", "N", "--admin-email", email])
            .stdin(Stdio::piped())
            .spawn()
            .unwrap();
        child.stdin.take().unwrap().write_all(password.as_bytes()).unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(!out.status.success(), "{slug}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        let last = stderr.lines().last().unwrap_or("");
        assert!(last.starts_with("error: ") && last.contains(expect), "{slug}: {stderr}");
    }
    let tenants: i64 = sqlx::query_scalar("select count(*) from tenants").fetch_one(&app.pool).await.unwrap();
    assert_eq!(tenants, 2);
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn demo_data_loads_once_and_a_second_run_changes_nothing() {
    let app = TestApp::new().await;
    let dir = scratch();
    let counts = |app: &TestApp| {
        let url = app.database_url();
        async move {
            let pool = tributary::db::runtime_pool(&url.parse().unwrap(), 1).await.unwrap();
            let tenant: tributary::ids::TenantId =
                sqlx::query_scalar("select id from tenants where slug = 'demo'").fetch_one(&pool).await.unwrap();
            let mut tx = tributary::db::begin_tenant(&pool, tenant, None).await.unwrap();
            let n: (i64, i64, i64, i64) = sqlx::query_as(
                "select (select count(*) from users), (select count(*) from partners), (select count(*) from outbox), (select count(*) from audit_log)",
            )
            .fetch_one(&mut *tx)
            .await
            .unwrap();
            n
        }
    };
    let first = tributary(Some(&app.database_url()), &dir).arg("demo").output().unwrap();
    assert!(first.status.success(), "{}", String::from_utf8_lossy(&first.stderr));
    let after_first = counts(&app).await;
    let second = tributary(Some(&app.database_url()), &dir).arg("demo").output().unwrap();
    assert!(second.status.success());
    assert!(String::from_utf8_lossy(&second.stderr).contains("nothing changed"));
    assert_eq!(counts(&app).await, after_first);
    assert!(after_first.1 >= 10, "partners in every life-stage");
    for who in ["admin", "chief", "cam1", "cam2", "partner1", "partner2"] {
        let r = app
            .post_json(
                "/api/v1/auth/login",
                None,
                json!({"tenant": "demo", "email": format!("{who}@demo.test"), "password": "demo-password"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::OK, "{who}");
        // Both demo partners have accepted the agreement: the portal is open to them.
        let token = r.json()["token"].as_str().unwrap().to_string();
        assert_eq!(app.get("/api/v1/deals", Some(&token)).await.status, StatusCode::OK, "{who}");
    }
    // Pending registrations clash at each strength: definitive, probable and possible.
    let admin = app
        .post_json(
            "/api/v1/auth/login",
            None,
            json!({"tenant": "demo", "email": "admin@demo.test", "password": "demo-password"}),
        )
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let pending = app.get("/api/v1/deals?status=pending&limit=500", Some(&admin)).await.json();
    let mut strengths = std::collections::BTreeSet::new();
    for d in pending["items"].as_array().unwrap() {
        let shown = app.get(&format!("/api/v1/deals/{}", d["id"].as_str().unwrap()), Some(&admin)).await.json();
        for c in shown["conflicts"].as_array().unwrap() {
            strengths.insert(c["strength"].as_str().unwrap().to_string());
        }
    }
    assert_eq!(strengths.into_iter().collect::<Vec<_>>(), ["definitive", "possible", "probable"]);
    // Applications in every state, one stale; checklists at different points, some overdue.
    let cam = app
        .post_json(
            "/api/v1/auth/login",
            None,
            json!({"tenant": "demo", "email": "cam1@demo.test", "password": "demo-password"}),
        )
        .await
        .json()["token"]
        .as_str()
        .unwrap()
        .to_string();
    let apps = app.get("/api/v1/applications?limit=100", Some(&cam)).await.json();
    for status in ["submitted", "approved", "rejected"] {
        assert!(apps["items"].as_array().unwrap().iter().any(|a| a["status"] == status), "{status}");
    }
    assert!(apps["items"].as_array().unwrap().iter().any(|a| a["stale"] == true));
    let url = app.database_url();
    let pool = tributary::db::runtime_pool(&url.parse().unwrap(), 1).await.unwrap();
    let tenant: tributary::ids::TenantId =
        sqlx::query_scalar("select id from tenants where slug = 'demo'").fetch_one(&pool).await.unwrap();
    let mut tx = tributary::db::begin_tenant(&pool, tenant, None).await.unwrap();
    let (lists, complete, overdue, gated): (i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(distinct partner_id) from onboarding_items),
                (select count(*) from (select partner_id from onboarding_items group by partner_id
                                        having bool_and(completed_at is not null)) c),
                (select count(distinct partner_id) from onboarding_items where completed_at is null and due_on < current_date),
                (select count(*) from partners p where exists (select 1 from users u where u.partner_id = p.id)
                    and not exists (select 1 from agreement_acceptances a where a.partner_id = p.id))",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert!(lists >= 4 && complete >= 1 && overdue >= 1 && gated == 1, "{lists} {complete} {overdue} {gated}");
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn migrate_on_the_embedded_default_stops_its_postgres_on_exit() {
    let dir = scratch();
    let out = tributary(None, &dir).arg("migrate").output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(dir.join("pg/data/PG_VERSION").exists(), "cluster initialised in the data dir");
    assert!(dir.join("secret").exists(), "signing secret generated once");
    assert!(wait_until_gone(&dir, Duration::from_secs(5)), "postgres left running");
    // The cluster is reused: a second run does not initialise again and keeps the secret.
    let secret = std::fs::read_to_string(dir.join("secret")).unwrap();
    let again = tributary(None, &dir).arg("migrate").output().unwrap();
    assert!(again.status.success());
    assert_eq!(std::fs::read_to_string(dir.join("secret")).unwrap(), secret);
    std::fs::remove_dir_all(dir).ok();
}

/// Starts `serve` on the embedded default and returns the child and its base URL once it listens.
fn start_server(dir: &Path) -> (std::process::Child, String) {
    let mut child =
        tributary(None, dir).args(["serve", "--demo"]).env("TRIBUTARY_LISTEN", "127.0.0.1:0").spawn().unwrap();
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if let Some(addr) = line.split("listening on ").nth(1) {
                let _ = tx.send(addr.trim().to_string());
            }
        }
    });
    let url = rx.recv_timeout(Duration::from_secs(60)).expect("server did not start listening");
    (child, url)
}

async fn get_status(url: &str) -> u16 {
    let stream = tokio::net::TcpStream::connect(url.trim_start_matches("http://")).await.unwrap();
    let (mut send, conn) = hyper::client::conn::http1::handshake(hyper_util::rt::TokioIo::new(stream)).await.unwrap();
    tokio::spawn(conn);
    let req = axum::http::Request::get("/readyz").header("host", "localhost").body(axum::body::Body::empty()).unwrap();
    send.send_request(req).await.unwrap().status().as_u16()
}

#[tokio::test]
async fn serve_stops_its_postgres_on_sigterm_and_exits_zero() {
    let dir = scratch();
    let (mut child, url) = start_server(&dir);
    assert_eq!(get_status(&url).await, 200);
    assert!(!processes_mentioning(&dir).is_empty());
    // SAFETY: signalling our own child.
    unsafe { libc::kill(child.id() as i32, libc::SIGTERM) };
    let status = child.wait().unwrap();
    assert!(status.success(), "{status:?}");
    assert!(wait_until_gone(&dir, Duration::from_secs(5)), "postgres left running after SIGTERM");
    std::fs::remove_dir_all(dir).ok();
}

#[tokio::test]
async fn a_killed_server_leaves_no_orphaned_postgres_and_the_next_start_reuses_the_cluster() {
    let dir = scratch();
    let (mut child, url) = start_server(&dir);
    assert_eq!(get_status(&url).await, 200);
    child.kill().unwrap();
    child.wait().unwrap();
    assert!(wait_until_gone(&dir, Duration::from_secs(10)), "postgres orphaned after SIGKILL");
    let (mut again, url) = start_server(&dir);
    assert_eq!(get_status(&url).await, 200);
    again.kill().unwrap();
    again.wait().unwrap();
    assert!(wait_until_gone(&dir, Duration::from_secs(10)));
    std::fs::remove_dir_all(dir).ok();
}

#[test]
fn a_bad_listen_address_or_pool_size_is_a_one_line_error() {
    for (variable, value) in
        [("TRIBUTARY_LISTEN", "not-an-address"), ("TRIBUTARY_DB_POOL", "0"), ("TRIBUTARY_DB_POOL", "many")]
    {
        let dir = scratch();
        let out = tributary(None, &dir).arg("migrate").env(variable, value).output().unwrap();
        assert!(!out.status.success());
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(stderr.contains(variable), "{stderr}");
        std::fs::remove_dir_all(dir).ok();
    }
}

/// Production runs as a database owner that is no superuser (as docker/initdb.sh creates it for compose): migrations,
/// demo data and serving all work, and requests still run as the runtime role under row-level security. The image
/// and compose file never load demo data unless asked.
#[tokio::test]
async fn a_non_superuser_owner_migrates_and_serves_and_containers_load_no_demo_by_default() {
    use sqlx::{Connection, Executor};
    let app = TestApp::new().await;
    let mut admin = sqlx::PgConnection::connect_with(&app.owner.clone().database("postgres")).await.unwrap();
    let role = format!("tributary_owner_{}", uuid::Uuid::new_v4().simple());
    let db = format!("tributary_t_{role}");
    admin
        .execute(sqlx::AssertSqlSafe(format!("create role {role} login nosuperuser createrole password 'owner-pw'")))
        .await
        .unwrap();
    admin.execute(sqlx::AssertSqlSafe(format!("create database {db} owner {role}"))).await.unwrap();
    let mut url = url::Url::parse(&app.database_url()).unwrap();
    url.set_path(&format!("/{db}"));
    url.set_username(&role).unwrap();
    url.set_password(Some("owner-pw")).unwrap();
    let dir = scratch();
    for command in [&["migrate"][..], &["demo"][..]] {
        let out = tributary(Some(url.as_str()), &dir).args(command).output().unwrap();
        assert!(out.status.success(), "{command:?}: {}", String::from_utf8_lossy(&out.stderr));
    }
    let mut conn = sqlx::PgConnection::connect(url.as_str()).await.unwrap();
    let (superuser, tenants): (bool, i64) = sqlx::query_as(
        "select (select rolsuper from pg_roles where rolname = current_user), (select count(*) from tenants)",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert!(!superuser);
    assert_eq!(tenants, 1);
    conn.close().await.unwrap();
    admin.execute(sqlx::AssertSqlSafe(format!("drop database {db} with (force)"))).await.unwrap();
    admin.execute(sqlx::AssertSqlSafe(format!("drop owned by {role} cascade"))).await.ok();
    admin.execute(sqlx::AssertSqlSafe(format!("drop role {role}"))).await.ok();
    std::fs::remove_dir_all(dir).ok();

    let dockerfile = include_str!("../../Dockerfile");
    let cmd = dockerfile.lines().find(|l| l.starts_with("CMD")).unwrap();
    assert_eq!(cmd, r#"CMD ["serve"]"#);
    let compose = include_str!("../../docker-compose.yml");
    assert!(compose.contains("command: ${TRIBUTARY_COMMAND:-serve}"));
    assert!(compose.contains("postgres://tributary:") && !compose.contains("POSTGRES_USER: tributary"));
    assert!(include_str!("../../docker/initdb.sh").contains("NOSUPERUSER CREATEROLE"));
}
