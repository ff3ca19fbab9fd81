//! Capability scorecards: answering, live scores and submitting with hand-computed figures, the states and their
//! forbidden moves, who may see what, peers shown only from five, the due e-mail sent once by two job runs at once,
//! the tier metric, and the one-page form.

use axum::http::{Method, StatusCode};
use serde_json::{Map, Value, json};

use crate::support::*;

async fn start(app: &TestApp, token: &str, body: Value) -> Value {
    let r = app.post_json("/api/v1/capability/assessments", Some(token), body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    r.json()
}

/// Every question answered at its best, except the first topic's two scored questions: the worst choice (1) and
/// the second of four (34).
fn answers(questionnaire: &Value) -> Map<String, Value> {
    let mut out = Map::new();
    let mut first_topic = true;
    for c in questionnaire["categories"].as_array().unwrap() {
        for t in c["topics"].as_array().unwrap() {
            let mut n = 0;
            for q in t["questions"].as_array().unwrap() {
                let id = q["id"].as_str().unwrap().to_string();
                let k = q["choices"].as_array().unwrap().len();
                let answer = match q["kind"].as_str().unwrap() {
                    "text" => json!({"text": "Two sellers, one territory."}),
                    "multi" => json!({"choices": (0..k).collect::<Vec<_>>()}),
                    _ if first_topic => {
                        n += 1;
                        json!({"choices": [if n == 1 { 0 } else { 1 }]})
                    }
                    _ => json!({"choices": [k - 1]}),
                };
                out.insert(id, answer);
            }
            first_topic = false;
        }
    }
    out
}

fn topic<'a>(scores: &'a Value, code: &str) -> &'a Value {
    scores["topics"].as_array().unwrap().iter().find(|t| t["code"] == code).unwrap()
}

#[tokio::test]
async fn an_assessment_is_scored_live_submitted_and_then_frozen() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_USER).await;
    let q = app.get("/api/v1/capability/questionnaire", Some(&p1)).await.json();
    let cats = q["categories"].as_array().unwrap();
    let topics: usize = cats.iter().map(|c| c["topics"].as_array().unwrap().len()).sum();
    let questions: usize = cats
        .iter()
        .flat_map(|c| c["topics"].as_array().unwrap())
        .map(|t| t["questions"].as_array().unwrap().len())
        .sum();
    assert_eq!((cats.len(), topics, questions), (6, 20, 60));

    let a = start(&app, &p1, json!({})).await;
    let id = a["id"].as_str().unwrap().to_string();
    assert_eq!((a["state"].as_str(), a["partner_id"].as_str()), (Some("draft"), Some(A.p1.to_string().as_str())));
    assert!(a["scores"]["overall"].is_null());
    // One assessment a partner a quarter.
    let again = app.post_json("/api/v1/capability/assessments", Some(&p1), json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT);

    let all = answers(&q);
    let first_q = cats[0]["topics"][0]["questions"][0]["id"].as_str().unwrap().to_string();
    // Live: scores what the form holds, saving nothing.
    let r = app
        .post_json(
            &format!("/api/v1/capability/assessments/{id}/score"),
            Some(&p1),
            json!({"answers": {first_q.clone(): {"choices": [2]}}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    // 2 of 0..3 points: 1 + 99 × 2/3 = 67.
    assert_eq!(r.json()["overall"], 67.0);
    assert_eq!(r.json()["band"], "yellow");
    assert_eq!(app.count_in(A.id, "select count(*) from capability_assessments where answers <> '{}'").await, 0);
    // A wrong answer is named by its question.
    let r = app
        .post_json(
            &format!("/api/v1/capability/assessments/{id}/score"),
            Some(&p1),
            json!({"answers": {first_q.clone(): {"choices": [9]}}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_errors(), vec![format!("answers.{first_q}")]);

    // Submitting with questions unanswered names each of them, and changes nothing.
    let r = app
        .json(
            Method::PUT,
            &format!("/api/v1/capability/assessments/{id}/answers"),
            Some(&p1),
            json!({"answers": {first_q.clone(): {"choices": [0]}}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["unanswered"], 53);
    let r = app.post_json(&format!("/api/v1/capability/assessments/{id}/submit"), Some(&p1), json!({})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_errors().len(), 53);
    assert_eq!(app.count_in(A.id, "select count(*) from capability_assessments where state = 'draft'").await, 1);

    let r = app
        .json(Method::PUT, &format!("/api/v1/capability/assessments/{id}/answers"), Some(&p1), json!({"answers": all}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let r = app.post_json(&format!("/api/v1/capability/assessments/{id}/submit"), Some(&p1), json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!(v["state"], "submitted");
    // Sales team: (1 + 34) / 2 = 17.5; sales: (17.5 + 3 × 100) / 4 = 79.375; overall (79.375 + 5 × 100) / 6.
    assert_eq!(topic(&v["scores"], "sales_team")["score"], 17.5);
    assert_eq!(topic(&v["scores"], "sales_team")["band"], "red");
    assert_eq!(v["scores"]["categories"][0]["score"], 79.38);
    assert_eq!(v["scores"]["overall"], 96.56);
    assert_eq!(v["scores"]["band"], "green");

    // The CAM is told, and the lowest (non-green) topic gets its recommended task.
    let told = app
        .count_in(A.id, "select count(*) from outbox where to_address = 'cam1@example.com' and subject like '%capability assessment%submitted'")
        .await;
    assert_eq!(told, 1);
    let card = app.get(&format!("/api/v1/capability/partners/{}/scorecard", A.p1), Some(&p1)).await.json();
    assert_eq!(card["overall"], 96.56);
    let tasks = card["tasks"].as_array().unwrap();
    assert_eq!(tasks.len(), 1);
    assert_eq!((tasks[0]["topic"].as_str(), tasks[0]["status"].as_str()), (Some("sales_team"), Some("recommended")));

    // Submitted: answers and submission are refused.
    let r = app
        .json(Method::PUT, &format!("/api/v1/capability/assessments/{id}/answers"), Some(&p1), json!({"answers": {}}))
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    let r = app.post_json(&format!("/api/v1/capability/assessments/{id}/submit"), Some(&p1), json!({})).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    // A task taken on moves along, but never back to recommended.
    let task = tasks[0]["id"].as_str().unwrap();
    let path = format!("/api/v1/capability/tasks/{task}");
    assert_eq!(
        app.json(Method::PATCH, &path, Some(&p1), json!({"status": "in_progress"})).await.status,
        StatusCode::OK
    );
    assert_eq!(
        app.json(Method::PATCH, &path, Some(&p1), json!({"status": "recommended"})).await.status,
        StatusCode::CONFLICT
    );
    let r = app.json(Method::PATCH, &path, Some(&p1), json!({"status": "someday"})).await;
    assert_eq!(r.field_errors(), vec!["status"]);

    // The tier metric reads the latest overall score.
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let program = tributary::tiers::Program::load(&mut tx).await.unwrap();
    let today = tributary::program::store::today(&mut tx).await.unwrap();
    let got = tributary::tiers::metrics::source(
        &mut tx,
        &program,
        &tributary::rules::tier_progression::Metric::CapabilityScore,
        &[A.p1, A.p2],
        365,
        today,
    )
    .await
    .unwrap()
    .expect("the capability score has a source");
    tx.commit().await.unwrap();
    assert_eq!(got, vec![(A.p1, rust_decimal::Decimal::new(9656, 2))]);
}

#[tokio::test]
async fn another_tenants_partners_and_cams_assessments_are_not_found() {
    let app = TestApp::new().await;
    let cam1 = app.token("acme", email::CAM1).await;
    let a = start(&app, &cam1, json!({"partner_id": A.p1})).await;
    let id = a["id"].as_str().unwrap();
    let paths = [
        (Method::GET, format!("/api/v1/capability/assessments/{id}")),
        (Method::PUT, format!("/api/v1/capability/assessments/{id}/answers")),
        (Method::POST, format!("/api/v1/capability/assessments/{id}/score")),
        (Method::POST, format!("/api/v1/capability/assessments/{id}/submit")),
        (Method::GET, format!("/api/v1/capability/partners/{}/scorecard", A.p1)),
    ];
    for who in [("globex", email::ADMIN), ("acme", email::P2_ADMIN), ("acme", email::CAM2)] {
        let token = app.token(who.0, who.1).await;
        for (method, path) in &paths {
            let r = app.json(method.clone(), path, Some(&token), json!({"answers": {}})).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{method} {path} as {who:?}");
        }
        let list = app.get("/api/v1/capability/assessments", Some(&token)).await.json();
        assert_eq!(list["total"], 0, "{who:?}");
    }
    // A CAM cannot start one for a partner that is not theirs, nor a partner for another.
    let r = app.post_json("/api/v1/capability/assessments", Some(&cam1), json!({"partner_id": A.p2})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let own = start(&app, &p2, json!({"partner_id": A.p1})).await;
    assert_eq!(own["partner_id"], A.p2.to_string());
    // The chief reads but does not fill in.
    let chief = app.token("acme", email::CHIEF).await;
    assert_eq!(app.get(&format!("/api/v1/capability/assessments/{id}"), Some(&chief)).await.status, StatusCode::OK);
    let r = app
        .json(
            Method::PUT,
            &format!("/api/v1/capability/assessments/{id}/answers"),
            Some(&chief),
            json!({"answers": {}}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

/// Objects of the other tenant and of Partner Two, for the tenancy sweeps.
pub(crate) async fn foreign_objects(app: &TestApp) -> Vec<(&'static str, (String, Option<String>))> {
    let b = app.token("globex", email::P1_ADMIN).await;
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let b_a = start(app, &b, json!({})).await["id"].as_str().unwrap().to_string();
    let p2_a = start(app, &p2, json!({})).await["id"].as_str().unwrap().to_string();
    let task = |token: String, partner: String| async move {
        let r = app
            .post_json(
                &format!("/api/v1/capability/partners/{partner}/tasks"),
                Some(&token),
                json!({"topic": "pipeline", "title": "Review the pipeline monthly"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        r.json()["id"].as_str().unwrap().to_string()
    };
    let b_task = task(b.clone(), B.p1.to_string()).await;
    let p2_task = task(p2.clone(), A.p2.to_string()).await;
    vec![
        ("capability/assessments", (b_a, Some(p2_a))),
        ("capability/partners", (B.p1.to_string(), Some(A.p2.to_string()))),
        ("capability/tasks", (b_task, Some(p2_task))),
    ]
}

/// Adds a partner of Partner One's tier with a submitted assessment this quarter whose every topic scored `score`.
pub(crate) async fn add_peer(app: &TestApp, n: i32, score: f64) {
    use sqlx::Connection;
    let mut owner = sqlx::PgConnection::connect_with(&app.owner).await.unwrap();
    sqlx::query(
        "with p as (
             insert into partners (tenant_id, id, name, country, region, tier)
             select tenant_id, gen_random_uuid(), 'Peer ' || $2, 'DE', 'EMEA', tier from partners where id = $1
             returning tenant_id, id),
         q as (select id, tenant_id from capability_questionnaires where tenant_id = (select tenant_id from p)),
         t as (select jsonb_object_agg(code, $3::float8) as s from capability_topics
                where questionnaire_id = (select id from q) and code <> 'pipeline')
         insert into capability_assessments (tenant_id, id, partner_id, questionnaire_id, period_start, state,
                                             overall_score, topic_scores, created_by, submitted_by, submitted_at)
         select p.tenant_id, gen_random_uuid(), p.id, q.id, date_trunc('quarter', current_date)::date, 'submitted',
                $3, t.s, $4, $4, now()
           from p, q, t",
    )
    .bind(uuid::Uuid::from(A.p1))
    .bind(n)
    .bind(score)
    .bind(uuid::Uuid::from(A.admin))
    .execute(&mut owner)
    .await
    .unwrap();
}

#[tokio::test]
async fn peer_averages_show_only_from_five_peers_of_the_same_tier() {
    let app = TestApp::new().await;
    for n in 1..=4 {
        add_peer(&app, n, 10.0 * f64::from(n)).await;
    }
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let path = format!("/api/v1/capability/partners/{}/scorecard", A.p1);
    let card = app.get(&path, Some(&p1)).await.json();
    assert_eq!(card["peers"], 4);
    assert!(card["categories"][0]["topics"][0]["peers"].is_null());
    add_peer(&app, 5, 50.0).await;
    let card = app.get(&path, Some(&p1)).await.json();
    let peers = &card["categories"][0]["topics"][0]["peers"];
    assert_eq!(card["categories"][0]["topics"][0]["code"], "sales_team");
    // 10..50: average 30; the top quarter (two of five) 45. A topic nobody answered stays hidden.
    assert_eq!(
        (peers["peers"].as_i64(), peers["average"].as_f64(), peers["top_quartile"].as_f64()),
        (Some(5), Some(30.0), Some(45.0))
    );
    assert_eq!(card["categories"][0]["topics"][1]["code"], "pipeline");
    assert!(card["categories"][0]["topics"][1]["peers"].is_null());
}

async fn run_due(app: &TestApp) -> usize {
    let mut tx = tributary::db::begin_tenant(&app.pool, A.id, None).await.unwrap();
    let today = tributary::program::store::today(&mut tx).await.unwrap();
    let n = tributary::capability::send_due_notices(&mut tx, A.id, "http://127.0.0.1:8080", today).await.unwrap();
    tx.commit().await.unwrap();
    n
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_due_email_goes_once_a_half_year_even_with_two_jobs_at_once() {
    let app = TestApp::new().await;
    // Partner Two is assessed this half year already.
    start(&app, &app.token("acme", email::P2_ADMIN).await, json!({})).await;
    let (a, b) = tokio::join!(run_due(&app), run_due(&app));
    let due_to = |who: &'static str| {
        let sql: &'static str = match who {
            "p1" => {
                "select count(*) from outbox where to_address = 'p1.admin@example.com' and subject like '%capability assessment%due'"
            }
            _ => {
                "select count(*) from outbox where to_address = 'p2.admin@example.com' and subject like '%capability assessment%due'"
            }
        };
        app.count_in(A.id, sql)
    };
    assert_eq!(due_to("p1").await, 1);
    assert_eq!(due_to("p2").await, 0);
    let notices = app.count_in(A.id, "select count(*) from capability_due_notices").await;
    assert_eq!(a + b, notices as usize);
    assert!(notices >= 1);
    assert_eq!(run_due(&app).await, 0, "once a half year");
    assert_eq!(due_to("p1").await, 1);
}

#[tokio::test]
async fn the_one_page_form_scores_live_and_refuses_an_incomplete_submission() {
    let app = TestApp::new().await;
    let s = app.session("acme", email::P1_USER).await;
    let r = app.page("/capability", &s).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.text().contains("Start this quarter"), "{}", r.text());
    let r = app.submit("/capability/assessments", &s, &[]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let form = r.header("location").unwrap().to_string();
    let r = app.page(&form, &s).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.select(".cap-question").len(), 60);
    let html = r.html();
    let sel = scraper::Selector::parse("input[type=radio]").unwrap();
    let first = html.select(&sel).next().unwrap().value().attr("name").unwrap().to_string();

    // The live score of the form as it stands.
    let r = app.submit(&format!("{form}/score"), &s, &[(&first, "3")]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let v = r.json();
    assert_eq!((v["overall"]["score"].as_str(), v["overall"]["band"].as_str()), (Some("100"), Some("green")));
    assert_eq!(v["scores"]["topic:sales_team"]["score"], "100");

    // Submitting one answer of sixty: the form comes back with a message beside each unanswered question.
    let r = app.submit(&form, &s, &[(&first, "3"), ("action", "submit")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.select(".cap-question .field-error").len(), 53, "every unanswered scored question");
    assert_eq!(app.count_in(A.id, "select count(*) from capability_assessments where answers <> '{}'").await, 0);
    // Saving keeps the answer.
    let r = app.submit(&form, &s, &[(&first, "3"), ("action", "save")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(app.count_in(A.id, "select count(*) from capability_assessments where answers <> '{}'").await, 1);
    let r = app.page(&form, &s).await;
    assert!(r.text().contains(&format!("name=\"{first}\" value=\"3\" checked")), "the answer is shown");
}

#[tokio::test]
async fn the_demo_shows_progress_over_four_quarters_and_peers_in_one_tier_at_least() {
    let app = TestApp::new().await;
    assert!(tributary::demo::load(&app.pool).await.unwrap());
    let pool = &app.pool;
    let tenant: tributary::ids::TenantId =
        sqlx::query_scalar("select id from tenants where slug = 'demo'").fetch_one(pool).await.unwrap();
    let mut tx = tributary::db::begin_tenant(pool, tenant, None).await.unwrap();
    // Partners with four submitted quarters whose overall score rose from the first to the last.
    let (four, rising): (i64, i64) = sqlx::query_as(
        "with s as (select partner_id, count(*) as n,
                           (array_agg(overall_score order by period_start))[1] as first,
                           (array_agg(overall_score order by period_start desc))[1] as last
                      from capability_assessments where state = 'submitted' group by partner_id)
         select count(*) filter (where n = 4), count(*) filter (where n = 4 and last > first) from s",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert!(four >= 5 && rising == four, "{four} partners with four quarters, {rising} rising");
    let biggest_tier: i64 = sqlx::query_scalar(
        "select max(n) from (select count(distinct a.partner_id) as n from capability_assessments a
                              join partners p on p.id = a.partner_id where a.state = 'submitted' group by p.tier) t",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert!(biggest_tier >= 6, "five peers for a partner of the biggest tier: {biggest_tier}");
    let (goals, tasks): (i64, i64) =
        sqlx::query_as("select (select count(*) from capability_goals), (select count(*) from capability_tasks)")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    assert!(goals > 0 && tasks == 3 * goals, "{goals} goals, {tasks} tasks");
    tx.commit().await.unwrap();
}

#[tokio::test]
async fn the_admin_replaces_the_questionnaire_and_the_bands_and_the_chief_sees_growth() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let doc = json!({"categories": [{"code": "sales", "name": "Sales", "topics": [
    {"code": "pipeline", "name": "Pipeline", "recommendation": "Review it monthly", "questions": [
        {"text": "How do you manage the pipeline?", "kind": "single",
         "choices": [{"label": "Not at all", "points": 0}, {"label": "Well", "points": 10}]},
        {"text": "Which practices?", "kind": "multi", "choices": [{"label": "", "points": 1}]}
    ]}]}]});
    let r = app.json(Method::PUT, "/api/v1/capability/questionnaire", Some(&admin), doc.clone()).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_errors(), vec!["categories[0].topics[0].questions[1].choices"]);
    let mut good = doc.clone();
    good["categories"][0]["topics"][0]["questions"][1]["choices"] =
        json!([{"label": "Reviews", "points": 1}, {"label": "Forecasts", "points": 1}]);
    let r = app.json(Method::PUT, "/api/v1/capability/questionnaire", Some(&admin), good).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["version"], 2);
    // A partner user may not.
    let p1 = app.token("acme", email::P1_USER).await;
    let r = app.json(Method::PUT, "/api/v1/capability/questionnaire", Some(&p1), doc).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert_eq!(app.get("/api/v1/capability/questionnaire", Some(&p1)).await.json()["version"], 2);

    // Bands: both fields named when wrong; nothing saved.
    let r = app
        .json(Method::PUT, "/api/v1/capability/bands", Some(&admin), json!({"yellow_from": 80, "green_from": 60}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.field_errors(), vec!["green_from"]);
    let r = app.json(Method::PUT, "/api/v1/capability/bands", Some(&admin), json!({"green_from": 80})).await;
    assert_eq!(r.json(), json!({"yellow_from": 50, "green_from": 80}));

    // The page: a document that is no JSON comes back beside its field.
    let s = app.session("acme", email::ADMIN).await;
    let r = app.submit("/capability/questionnaire", &s, &[("document", "{not json")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("#e-document").iter().any(|e| e.contains("not a questionnaire document")));
    let r = app.submit("/capability/bands", &s, &[("yellow_from", "many"), ("green_from", "75")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.select("#e-yellow_from").len(), 1);
    assert_eq!(app.get("/api/v1/capability/questionnaire", Some(&p1)).await.json()["version"], 2);

    // Growth: the chief and the admin; nobody else.
    let chief = app.token("acme", email::CHIEF).await;
    let g = app.get("/api/v1/capability/growth", Some(&chief)).await;
    assert_eq!(g.status, StatusCode::OK);
    assert_eq!(g.json()["partners"], 0);
    assert_eq!(app.get("/api/v1/capability/growth", Some(&p1)).await.status, StatusCode::FORBIDDEN);
    let page = app.page("/capability/growth", &app.session("acme", email::CHIEF).await).await;
    assert_eq!(page.status, StatusCode::OK);
}
