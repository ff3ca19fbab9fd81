//! The workspace every page shares: the grouped navigation (each role's areas, no dead links, counts of what waits)
//! and time zones (the program's, set by its admin; each person's own; times shown in the reader's zone).

use axum::http::StatusCode;
use serde_json::json;

use crate::support::*;

const EVERY_PERSONA: [&str; 5] = [email::ADMIN, email::CHIEF, email::CAM1, email::P1_ADMIN, email::P1_USER];

/// The navigation's links of a page, from its wide bar.
fn nav_links(r: &Resp) -> Vec<(String, String)> {
    let sel = scraper::Selector::parse(".mainnav-wide a").unwrap();
    r.html()
        .select(&sel)
        .map(|a| (a.value().attr("href").unwrap_or("").to_string(), a.text().collect::<String>().trim().to_string()))
        .collect()
}

#[tokio::test]
async fn every_nav_link_of_every_role_leads_to_a_page_it_may_use() {
    let app = TestApp::new().await;
    for persona in EVERY_PERSONA {
        let session = app.session("acme", persona).await;
        let home = app.page("/", &session).await;
        assert_eq!(home.status, StatusCode::OK, "{persona}: {}", home.text());
        let links = nav_links(&home);
        assert!(!links.is_empty(), "{persona} has a navigation");
        for (href, label) in links {
            let r = app.page(&href, &session).await;
            assert_eq!(r.status, StatusCode::OK, "{persona}: {label} ({href}) is a dead link");
        }
    }
}

#[tokio::test]
async fn the_program_admin_reaches_every_area_grouped_by_what_people_do() {
    let app = TestApp::new().await;
    let admin = app.session("acme", email::ADMIN).await;
    let r = app.page("/admin/audit", &admin).await;
    assert_eq!(
        r.select(".mainnav-wide .navgroup-label"),
        ["Work", "Partners", "Plans and scorecards", "Program"],
        "Deals stands alone under its own name; coming groups show once they have an area"
    );
    let labels: Vec<String> = nav_links(&r).into_iter().map(|(_, l)| l).collect();
    for wanted in
        ["Home", "Approvals", "Partners", "Applications", "Onboarding", "Deals", "Settings", "Users", "Outbox"]
    {
        assert!(labels.iter().any(|l| l.starts_with(wanted)), "{wanted} in {labels:?}");
    }
    assert_eq!(r.select(".mainnav-wide a[aria-current=page]"), ["Audit log"]);
    // The phone's menu holds the same links, folded into a <details> that needs no script.
    assert_eq!(r.select(".navmenu .mainnav-phone a").len(), labels.len());
    // Partner people see their own areas only.
    let p1 = app.session("acme", email::P1_USER).await;
    let mine: Vec<String> = nav_links(&app.page("/", &p1).await).into_iter().map(|(h, _)| h).collect();
    assert_eq!(
        mine,
        [
            "/",
            "/onboarding",
            "/tier",
            "/deals",
            "/mdf",
            "/certifications",
            "/business-plans",
            "/scorecard",
            "/capability",
            "/agreement"
        ]
    );
}

#[tokio::test]
async fn the_approvals_link_counts_the_registrations_waiting_for_the_reader() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let r = app.post_json("/api/v1/deals", Some(&p1), crate::deals::deal("Waiting Widgets Ltd", None, &["crm"])).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let cam = app.session("acme", email::CAM1).await;
    let page = app.page("/", &cam).await;
    let approvals: Vec<String> = page.select(".mainnav-wide a[href='/deals/queue'] .count");
    assert_eq!(approvals.len(), 1, "{}", page.text());
    let waiting: i64 = approvals[0].chars().filter(char::is_ascii_digit).collect::<String>().parse().unwrap();
    assert!(waiting >= 1, "{approvals:?}");
    // The other CAM's queue holds none of P1's registrations; the partner has no approvals link at all.
    let p1_page = app.page("/", &app.session("acme", email::P1_ADMIN).await).await;
    assert!(p1_page.select(".mainnav-wide a[href='/deals/queue']").is_empty());
}

#[tokio::test]
async fn times_show_in_the_readers_own_zone_and_the_api_stays_rfc3339() {
    let app = TestApp::new().await;
    let admin_token = app.token("acme", email::ADMIN).await;
    let r = app
        .post_json(
            "/api/v1/users",
            Some(&admin_token),
            json!({"email": "tz@example.com", "name": "Zoe", "role": "cam"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let admin = app.session("acme", email::ADMIN).await;
    let before = app.page("/admin/outbox", &admin).await.text();
    assert!(before.contains(" UTC"), "the program's zone is UTC until its admin sets one");

    // The admin's own zone: Chicago.
    let r = app.submit("/profile", &admin, &[("time_zone", "America/Chicago")]).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let after = app.page("/admin/outbox", &admin).await.text();
    assert!(after.contains(" CST"), "outbox times in Chicago time: {after}");
    assert!(!after.contains(" UTC<") && !after.contains(", UTC"), "no UTC left on the page");
    let profile = app.page("/profile", &admin).await;
    assert_eq!(profile.select("#f-time_zone option[selected]"), ["America/Chicago"]);

    // The API is unchanged: RFC 3339 in UTC, whatever the reader's zone.
    let api = app.get("/api/v1/outbox", Some(&admin_token)).await.json();
    let created = api["items"][0]["created_at"].as_str().or_else(|| api[0]["created_at"].as_str()).unwrap().to_string();
    assert!(chrono::DateTime::parse_from_rfc3339(&created).is_ok(), "{created}");
    assert!(created.ends_with('Z') || created.ends_with("+00:00"), "{created}");

    // Someone else still reads the program's zone.
    let cam = app.session("acme", email::CAM1).await;
    assert!(app.page("/profile", &cam).await.text().contains("UTC"));
}

#[tokio::test]
async fn the_program_admin_sets_the_programs_zone_which_people_follow_unless_they_chose_their_own() {
    let app = TestApp::new().await;
    let admin = app.session("acme", email::ADMIN).await;
    let bad = app.submit("/admin/program/time-zone", &admin, &[("time_zone", "Mars/Olympus_Mons")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(bad.select("#e-time_zone"), ["Choose a time zone from the list."]);
    assert_eq!(app.count_in(A.id, "select count(*) from tenants where time_zone <> 'UTC'").await, 0, "nothing changed");

    let ok = app.submit("/admin/program/time-zone", &admin, &[("time_zone", "Australia/Sydney")]).await;
    assert_eq!(ok.status, StatusCode::SEE_OTHER, "{}", ok.text());
    assert_eq!(
        app.count_in(A.id, "select count(*) from audit_log where action = 'tenants.update' and after->>'time_zone' = 'Australia/Sydney'").await,
        1,
        "the change is audited"
    );
    // The CAM follows the program's zone: Sydney's daylight time in December.
    let cam = app.session("acme", email::CAM1).await;
    let profile = app.page("/profile", &cam).await.text();
    assert!(profile.contains("AEDT"), "{profile}");
    // The other tenant is untouched.
    assert_eq!(
        app.count_in(B.id, "select count(*) from tenants where id = app_current_tenant() and time_zone = 'UTC'").await,
        1
    );
    // Only the program admin sets it.
    let r = app.submit("/admin/program/time-zone", &cam, &[("time_zone", "UTC")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_email_shows_its_time_in_its_readers_zone() {
    let app = TestApp::new().await;
    // P2's admin reads in Tokyo; the program stays in UTC.
    let p2 = app.session("acme", email::P2_ADMIN).await;
    assert_eq!(app.submit("/profile", &p2, &[("time_zone", "Asia/Tokyo")]).await.status, StatusCode::SEE_OTHER);
    // P1's admin tries to add P2's admin's address: its owner hears of it, at Tokyo's time.
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let r = app
        .post_json(
            "/api/v1/users",
            Some(&p1),
            json!({"email": email::P2_ADMIN, "name": "Taken", "role": "partner_user"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    // A new person's invitation states its expiry in the program's zone.
    let admin = app.token("acme", email::ADMIN).await;
    app.post_json("/api/v1/users", Some(&admin), json!({"email": "new.tz@example.com", "name": "New", "role": "cam"}))
        .await;
    let outbox = app.get("/api/v1/outbox", Some(&admin)).await.json();
    let body_to = |to: &str| {
        outbox["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["to"] == to)
            .map(|m| m["body"].as_str().unwrap().to_string())
    };
    let told = body_to(email::P2_ADMIN).expect("the owner is told");
    assert!(told.contains(" JST."), "{told}");
    let invited = body_to("new.tz@example.com").expect("the invitation");
    assert!(invited.contains(" UTC)"), "{invited}");
}

#[tokio::test]
async fn the_email_about_a_new_application_links_straight_to_it() {
    let app = TestApp::new().await;
    let r = app
        .post_json(
            "/api/v1/public/acme/applications",
            None,
            crate::recruitment::application("Linkable Ltd", "l@linkable.test", "DE"),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    let admin = app.token("acme", email::ADMIN).await;
    let outbox = app.get("/api/v1/outbox", Some(&admin)).await.json();
    let staff = outbox["items"].as_array().unwrap().iter().find(|m| m["to"] == email::ADMIN).expect("staff are told");
    let body = staff["body"].as_str().unwrap();
    assert!(body.contains(&format!("Review it: http://127.0.0.1:8080/applications/{id}")), "{body}");
}

/// The first due date of the checklist of a partner signed now, in a program whose zone is `zone`.
async fn first_due_date_signed_now_in(zone: &str) -> (chrono::NaiveDate, chrono::NaiveDate) {
    let app = TestApp::new().await;
    let admin = app.session("acme", email::ADMIN).await;
    assert_eq!(
        app.submit("/admin/program/time-zone", &admin, &[("time_zone", zone)]).await.status,
        StatusCode::SEE_OTHER
    );
    let applied =
        crate::recruitment::apply(&app, crate::recruitment::application("Dateline GmbH", "d@dateline.test", "DE"))
            .await;
    let (partner, _) = crate::recruitment::approve(&app, applied["id"].as_str().unwrap(), json!({})).await;
    let token = app.token("acme", email::ADMIN).await;
    let list = app.get(&format!("/api/v1/partners/{partner}/onboarding"), Some(&token)).await.json();
    let first = list["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["due_on"].as_str().unwrap().parse::<chrono::NaiveDate>().unwrap())
        .min()
        .unwrap();
    let days = app.count_in(A.id, "select min(due_days)::bigint from onboarding_template_items").await;
    (first - chrono::Duration::days(days), tributary::web::format::today_in(zone.parse().unwrap(), chrono::Utc::now()))
}

#[tokio::test]
async fn deadlines_count_from_the_programs_day_west_and_east_of_utc() {
    // Kiritimati (UTC+14) and Pago Pago (UTC-11) are never on the same day: whatever the hour this runs, the
    // checklist of a partner signed now starts on each program's own day.
    let (east_start, east_today) = first_due_date_signed_now_in("Pacific/Kiritimati").await;
    let (west_start, west_today) = first_due_date_signed_now_in("Pacific/Pago_Pago").await;
    assert_eq!(east_start, east_today, "east of UTC");
    assert_eq!(west_start, west_today, "west of UTC");
    assert!(east_start > west_start, "{east_start} is a later day than {west_start}");
}
