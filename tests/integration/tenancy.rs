//! Tenancy enforced by PostgreSQL: row-level security, the runtime role, and 404 for other tenants' and other
//! partners' objects on every endpoint.

use axum::http::{Method, StatusCode};
use serde_json::json;
use sqlx::Connection;

use crate::support::*;

const TENANT_TABLES: [&str; 8] =
    ["users", "partners", "sessions", "invitations", "audit_log", "outbox", "deals", "deal_counts"];

#[tokio::test]
async fn rows_of_another_tenant_are_invisible_inside_a_tenant_scoped_transaction() {
    let app = TestApp::new().await;
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let tenants: Vec<tributary::ids::TenantId> =
        sqlx::query_scalar("select distinct tenant_id from users").fetch_all(&mut *tx).await.unwrap();
    assert_eq!(tenants, vec![A.id]);
    let b_partner: Option<uuid::Uuid> =
        sqlx::query_scalar("select id from partners where id = $1").bind(B.p1).fetch_optional(&mut *tx).await.unwrap();
    assert_eq!(b_partner, None);
    // Writing a row for tenant B from tenant A's transaction is refused by the policy.
    let err = sqlx::query(
        "insert into partners (tenant_id, id, name, country, region) values ($1, gen_random_uuid(), 'X', 'US', 'NA')",
    )
    .bind(B.id)
    .execute(&mut *tx)
    .await
    .unwrap_err();
    assert!(err.to_string().contains("row-level security"), "{err}");
}

#[tokio::test]
async fn nothing_is_visible_without_a_tenant() {
    let app = TestApp::new().await;
    let mut conn = app.pool.acquire().await.unwrap();
    for table in TENANT_TABLES {
        let n: i64 = sqlx::query_scalar(sqlx::AssertSqlSafe(format!("select count(*) from {table}")))
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(n, 0, "{table} shows rows without a tenant");
    }
    let owner_sees: i64 = {
        // The table owner (the migration user, here a superuser) does see them, which shows the rows exist.
        let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
        sqlx::query_scalar("select count(*) from users").fetch_one(&mut owner).await.unwrap()
    };
    assert!(owner_sees > 0);
}

#[tokio::test]
async fn the_tenant_setting_does_not_outlive_its_transaction() {
    let app = TestApp::new().await;
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let inside: i64 = sqlx::query_scalar("select count(*) from partners").fetch_one(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(inside, 3);
    // Every pooled connection, reused after that transaction, sees nothing.
    for _ in 0..8 {
        let n: i64 = sqlx::query_scalar("select count(*) from partners").fetch_one(&app.pool).await.unwrap();
        assert_eq!(n, 0);
    }
}

#[tokio::test]
async fn the_runtime_role_is_neither_superuser_nor_bypassrls_and_every_table_forces_rls() {
    let app = TestApp::new().await;
    let (user, superuser, bypass): (String, bool, bool) =
        sqlx::query_as("select current_user::text, rolsuper, rolbypassrls from pg_roles where rolname = current_user")
            .fetch_one(&app.pool)
            .await
            .unwrap();
    assert_eq!(user, tributary::db::RUNTIME_ROLE);
    assert!(!superuser && !bypass);
    // Every table that holds a tenant's rows, as the schema says: those with a tenant_id column.
    let tables: Vec<(String, bool, bool)> = sqlx::query_as(
        "select c.relname::text, c.relrowsecurity, c.relforcerowsecurity from pg_class c
          where c.relnamespace = 'public'::regnamespace and c.relkind = 'r'
            and exists (select 1 from pg_attribute a where a.attrelid = c.oid and a.attname = 'tenant_id'
                                                      and not a.attisdropped)
          order by 1",
    )
    .fetch_all(&app.pool)
    .await
    .unwrap();
    for table in TENANT_TABLES {
        assert!(tables.iter().any(|(t, _, _)| t == table), "{table}");
    }
    for (table, enabled, forced) in &tables {
        assert!(*enabled && *forced, "{table} does not force row-level security");
    }
    // Every tenant-owned table's primary key starts with tenant_id.
    let names: Vec<&str> = tables.iter().map(|(t, _, _)| t.as_str()).collect();
    let keys: Vec<(String, String)> = sqlx::query_as(
        "select c.relname::text, a.attname::text from pg_index i join pg_class c on c.oid = i.indrelid
           join pg_attribute a on a.attrelid = c.oid and a.attnum = i.indkey[0]
          where i.indisprimary and c.relnamespace = 'public'::regnamespace and c.relname = any($1)",
    )
    .bind(&names)
    .fetch_all(&app.pool)
    .await
    .unwrap();
    let unkeyed: Vec<&str> = names.iter().copied().filter(|t| !keys.iter().any(|(k, _)| k == t)).collect();
    assert!(unkeyed.is_empty(), "tables without a primary key: {unkeyed:?}");
    assert!(keys.iter().all(|(_, col)| col == "tenant_id"), "{keys:?}");
}

#[tokio::test]
async fn the_audit_log_cannot_be_rewritten_by_the_server() {
    let app = TestApp::new().await;
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let err = sqlx::query("delete from audit_log").execute(&mut *tx).await.unwrap_err();
    assert!(err.to_string().contains("permission denied"), "{err}");
}

#[tokio::test]
async fn another_tenants_objects_answer_404_on_every_endpoint() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let b_partner = format!("/api/v1/partners/{}", B.p1);
    let b_user = format!("/api/v1/users/{}", B.p1_user);
    assert_eq!(app.get(&b_partner, Some(&admin)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(
        app.json(Method::PATCH, &b_partner, Some(&admin), json!({"tier": "gold"})).await.status,
        StatusCode::NOT_FOUND
    );
    assert_eq!(app.get(&b_user, Some(&admin)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&b_user, Some(&admin)).await.status, StatusCode::NOT_FOUND);
    // Lists never include them.
    let partners = app.get("/api/v1/partners", Some(&admin)).await.json();
    assert_eq!(partners["total"], 3);
    assert!(!partners.to_string().contains(&B.p1.to_string()));
    let users = app.get("/api/v1/users", Some(&admin)).await.json();
    assert!(!users.to_string().contains(&B.p1_user.to_string()));
    // Pages too.
    let session = app.session("acme", email::ADMIN).await;
    assert_eq!(app.page(&format!("/partners/{}", B.p1), &session).await.status, StatusCode::NOT_FOUND);
    let r = app.submit(&format!("/users/{}/deactivate", B.p1_user), &session, &[]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    assert_eq!(app.count_in(B.id, "select count(*) from users where active").await, 8);
    // And a B user cannot be made a member of an A partner.
    let r = app
        .post_json(
            "/api/v1/users",
            Some(&admin),
            json!({"email": "x@example.com", "name": "X", "role": "partner_user", "partner_id": B.p1}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_errors(), vec!["partner_id"]);
}

#[tokio::test]
async fn another_partners_objects_answer_404_for_partner_users() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    assert_eq!(app.get(&format!("/api/v1/partners/{}", A.p2), Some(&p1)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/partners/{}", A.p1), Some(&p1)).await.status, StatusCode::OK);
    let list = app.get("/api/v1/partners", Some(&p1)).await.json();
    assert_eq!(list["total"], 1);
    assert_eq!(list["items"][0]["id"], A.p1.to_string());
    // Users of another partner are invisible to a partner admin, and cannot be deactivated.
    assert_eq!(app.get(&format!("/api/v1/users/{}", A.p2_admin), Some(&p1)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.delete(&format!("/api/v1/users/{}", A.p2_admin), Some(&p1)).await.status, StatusCode::NOT_FOUND);
    let users = app.get("/api/v1/users", Some(&p1)).await.json();
    assert_eq!(users["total"], 2);
    assert_eq!(app.count_in(A.id, "select count(*) from users where active").await, 8);
}

#[tokio::test]
async fn a_cam_sees_only_assigned_partners() {
    let app = TestApp::new().await;
    let cam1 = app.token("acme", email::CAM1).await;
    let list = app.get("/api/v1/partners", Some(&cam1)).await.json();
    let ids: Vec<&str> = list["items"].as_array().unwrap().iter().map(|p| p["id"].as_str().unwrap()).collect();
    assert_eq!(ids, vec![A.p1.to_string()]);
    assert_eq!(app.get(&format!("/api/v1/partners/{}", A.p2), Some(&cam1)).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get(&format!("/api/v1/partners/{}", A.p3), Some(&cam1)).await.status, StatusCode::NOT_FOUND);
    let session = app.session("acme", email::CAM1).await;
    assert_eq!(app.page(&format!("/partners/{}", A.p1), &session).await.status, StatusCode::OK);
    assert_eq!(app.page(&format!("/partners/{}", A.p2), &session).await.status, StatusCode::NOT_FOUND);
    let home = app.page("/", &session).await;
    assert_eq!(home.select("table.data tbody tr td a"), vec!["Partner One".to_string()]);
}

#[tokio::test]
async fn a_token_of_one_tenant_cannot_read_another_even_with_a_known_id() {
    let app = TestApp::new().await;
    let b_admin = app.token("globex", email::ADMIN).await;
    assert_eq!(app.get(&format!("/api/v1/partners/{}", A.p1), Some(&b_admin)).await.status, StatusCode::NOT_FOUND);
    let outbox = app.get("/api/v1/outbox", Some(&b_admin)).await.json();
    assert_eq!(outbox["total"], 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_cancelled_while_its_transaction_begins_leaves_no_transaction_open() {
    let app = TestApp::new().await;
    // One connection, so whatever a cancelled beginning leaves behind is what the next request gets.
    let pool = tributary::db::runtime_pool(&app.owner, 1).await.unwrap();
    for i in 0..60u32 {
        // Polled a few times (which sends BEGIN), then given time to run it on the server, then dropped unanswered,
        // as when a client goes away mid-request.
        let mut begin = Box::pin(tributary::db::begin_tenant(&pool, A.id, Some(A.admin)));
        for _ in 0..=i % 4 {
            if futures_util::poll!(&mut begin).is_ready() {
                break;
            }
            tokio::task::yield_now().await;
        }
        std::thread::sleep(std::time::Duration::from_millis(2));
        drop(begin);
        let mut conn = pool.acquire().await.unwrap();
        // A transaction left open would still be scoped to the cancelled request's tenant.
        let tenant: Option<String> = sqlx::query_scalar("select nullif(current_setting('app.tenant_id', true), '')")
            .fetch_one(&mut *conn)
            .await
            .unwrap();
        assert_eq!(tenant, None, "a transaction was left open by beginning {i}");
    }
}

/// Every API endpoint that takes an id, called by every role with ids it must not reach (another tenant's, another
/// partner's, an unassigned CAM's partners'), answers 404 and names nothing of the object; or 403 exactly as it does
/// for an id that does not exist (a role that may not use the endpoint at all). The endpoints come from the OpenAPI
/// document: an endpoint whose resource is not in the table below fails the test until it is added.
#[tokio::test]
async fn foreign_ids_answer_404_on_every_endpoint_for_every_role() {
    use sqlx::Connection;
    let app = TestApp::new().await;
    // One object of each kind in the other tenant and for Partner Two (CAM 2's partner, not CAM 1's).
    let deal = crate::deals::deal;
    let b_deal = app
        .post_json(
            "/api/v1/deals",
            Some(&app.token("globex", email::P1_ADMIN).await),
            deal("Foreign Co", None, &["crm"]),
        )
        .await;
    let p2_deal = app
        .post_json(
            "/api/v1/deals",
            Some(&app.token("acme", email::P2_ADMIN).await),
            deal("Other Partner Co", None, &["crm"]),
        )
        .await;
    let application = |company: &str| {
        json!({"company_name": company, "website": "example-applicant.com", "country": "DE", "contact_name": "Ann",
               "contact_email": "ann@example-applicant.com", "employees": 20, "verticals": ["retail"],
               "services": ["resale"]})
    };
    let b_application =
        app.post_json("/api/v1/public/globex/applications", None, application("Foreign Applicant")).await;
    let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
    let item_of = |partner: uuid::Uuid| {
        sqlx::query_scalar::<_, uuid::Uuid>(
            "insert into onboarding_items (tenant_id, partner_id, position, title, phase, owner, due_on, required)
             select tenant_id, id, 1, 'Kick-off call', 30, 'partner', current_date + 7, true from partners
              where id = $1 returning id",
        )
        .bind(partner)
    };
    let b_item = item_of(B.p1.into()).fetch_one(&mut owner).await.unwrap().to_string();
    let p2_item = item_of(A.p2.into()).fetch_one(&mut owner).await.unwrap().to_string();
    let id = |r: &crate::support::Resp| r.json()["id"].as_str().unwrap().to_string();

    // Resource (first path segment) -> (other tenant's id, Partner Two's id when partner-scoped).
    let objects: std::collections::BTreeMap<&str, (String, Option<String>)> = [
        ("deals", (id(&b_deal), Some(id(&p2_deal)))),
        ("partners", (B.p1.to_string(), Some(A.p2.to_string()))),
        ("users", (B.p1_user.to_string(), Some(A.p2_admin.to_string()))),
        ("applications", (id(&b_application), None)),
        ("onboarding-items", (b_item, Some(p2_item))),
    ]
    .into_iter()
    .chain(crate::mdf::foreign_objects(&app).await)
    .chain(crate::certifications::foreign_objects(&app).await)
    .chain(crate::plans::foreign_objects(&app).await)
    .chain(crate::capability::foreign_objects(&app).await)
    .collect();
    // Paths whose parameter is no object id.
    let not_ids = [
        "/api/v1/invitations/{token}/accept",
        "/api/v1/public/{tenant}/applications",
        "/api/v1/vocabularies/{list}",
        // A tier's code names one of the caller's own program's tiers (tier_settings covers it).
        "/api/v1/tiers/{code}",
    ];

    let doc = app.get("/api/v1/openapi.json", None).await.json();
    let roles = [email::ADMIN, email::CHIEF, email::CAM1, email::P1_ADMIN, email::P1_USER];
    let mut tokens = Vec::new();
    for who in roles {
        tokens.push((who, app.token("acme", who).await));
    }
    let mut checked = 0;
    for (path, operations) in doc["paths"].as_object().unwrap() {
        if !path.contains('{') || not_ids.contains(&path.as_str()) {
            continue;
        }
        // The path before its id: `deals`, `mdf/requests`.
        let resource = path.trim_start_matches("/api/v1/").split("/{").next().unwrap();
        let (foreign, other_partner) =
            objects.get(resource).unwrap_or_else(|| panic!("{path}: add its resource to the foreign-id sweep"));
        for method in operations.as_object().unwrap().keys() {
            let method: Method = method.to_uppercase().parse().unwrap();
            for (who, token) in &tokens {
                let mut ids = vec![("another tenant's", foreign.clone())];
                let partner_role = who.starts_with("p1.");
                if let Some(theirs) = other_partner.as_ref().filter(|_| partner_role || *who == email::CAM1) {
                    ids.push(("another partner's", theirs.clone()));
                }
                for (whose, object) in ids {
                    let url = path.replace("{id}", &object);
                    let r = app.json(method.clone(), &url, Some(token), json!({})).await;
                    let what = format!("{method} {url} as {who} ({whose} object)");
                    match r.status {
                        StatusCode::NOT_FOUND => {}
                        StatusCode::FORBIDDEN => {
                            // Refused for the role whatever the id: the same as for an id that does not exist.
                            let nobody = path.replace("{id}", &uuid::Uuid::new_v4().to_string());
                            let again = app.json(method.clone(), &nobody, Some(token), json!({})).await;
                            assert_eq!((again.status, again.text()), (r.status, r.text()), "{what}");
                        }
                        status => panic!("{what}: {status} {}", r.text()),
                    }
                    assert!(!r.text().contains(&object), "{what} names the object: {}", r.text());
                    checked += 1;
                }
            }
        }
    }
    assert!(checked >= 100, "only {checked} calls");
    let b_deal_id = id(&b_deal);
    assert_eq!(
        app.get(&format!("/api/v1/deals/{b_deal_id}"), Some(&app.token("globex", email::ADMIN).await)).await.status,
        StatusCode::OK
    );
}
