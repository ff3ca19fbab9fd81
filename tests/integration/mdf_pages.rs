//! The MDF pages around the money: the partner home's card (available balance, next deadline), the chief's pace
//! warning per fund, the program admin's fund page (figures, edit, adjust, ledger) and the finance exports.

use axum::http::StatusCode;
use chrono::Datelike;
use serde_json::json;

use crate::mdf::{act, allocate, draft, fund, quarter_start, request_body};
use crate::support::*;

fn today() -> chrono::NaiveDate {
    chrono::Utc::now().date_naive()
}

fn day(d: chrono::NaiveDate) -> String {
    format!(
        "{} {} {}",
        d.day(),
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"][d.month0() as usize],
        d.year()
    )
}

#[tokio::test]
async fn the_partner_home_shows_the_available_balance_per_currency_and_the_next_deadline() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let home = app.session("acme", email::P1_ADMIN).await;

    // Without an allocation the home has no MDF card.
    assert!(app.page("/", &home).await.select("#mdf").is_empty());

    let usd = fund(&app, &admin, "Field marketing", "50000").await;
    let later = today() + chrono::Duration::days(200);
    let r = app
        .post_json(
            &format!("/api/v1/mdf/funds/{usd}/allocations"),
            Some(&admin),
            json!({"partner_id": A.p1.to_string(), "amount": "10000", "expires_on": later.to_string()}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let usd_allocation = r.json()["id"].as_str().unwrap().to_string();
    let r = app
        .post_json(
            "/api/v1/mdf/funds",
            Some(&admin),
            json!({"name": "EMEA events", "kind": "discretionary", "period": "quarter", "starts_on": quarter_start(),
                   "currency": "EUR", "total": "9000", "reimbursement_percent": "50", "claim_window_days": 30}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let eur = r.json()["id"].as_str().unwrap().to_string();
    let eur_allocation = allocate(&app, &admin, &eur, A.p1, "3000").await;

    // The EUR allocation runs out at the quarter's end, before the USD one: that is the next deadline.
    let page = app.page("/", &home).await;
    assert_eq!(page.status, StatusCode::OK);
    let card = page.select("#mdf").join(" ");
    assert!(card.contains("USD 10,000.00") && card.contains("EUR 3,000.00"), "{card}");
    let quarter_end = {
        let start = chrono::NaiveDate::parse_from_str(&quarter_start(), "%Y-%m-%d").unwrap();
        start.checked_add_months(chrono::Months::new(3)).unwrap().pred_opt().unwrap()
    };
    assert!(card.contains(&day(quarter_end)) && card.contains("EMEA events"), "{card}");
    assert!(page.text().contains(r#"href="/mdf""#));

    // An approved request: its claim deadline (the activity's end + the 60-day window) is what falls due next once
    // the EUR allocation has nothing left to request.
    let id = draft(&app, &p1, request_body(&usd_allocation, "Spring roadshow", "2000.00", 1000, "20000")).await;
    assert_eq!(act(&app, &p1, &id, "submit", json!({})).await.status, StatusCode::OK);
    assert_eq!(act(&app, &cam1, &id, "approve", json!({})).await.status, StatusCode::OK);
    let r = app
        .post_json(
            &format!("/api/v1/mdf/allocations/{eur_allocation}/adjust"),
            Some(&admin),
            json!({"amount": "-3000", "reason": "Moved to the USD fund"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let page = app.page("/", &home).await;
    let card = page.select("#mdf").join(" ");
    let deadline = today() + chrono::Duration::days(11 + 60);
    assert!(card.contains("USD 8,000.00") && card.contains("EUR 0.00"), "{card}");
    assert!(card.contains(&day(deadline)) && card.contains("Spring roadshow"), "{card}");
    assert!(page.text().contains(&format!("/mdf/requests/{id}#claim")));
    // The Funds page says the same.
    let funds = app.page("/mdf", &home).await.select(".lede").join(" ");
    assert!(funds.contains("USD 8,000.00") && funds.contains(&day(deadline)), "{funds}");

    // Another partner of the tenant sees none of it.
    let p2 = app.session("acme", email::P2_ADMIN).await;
    assert!(app.page("/", &p2).await.select("#mdf").is_empty());
}

#[tokio::test]
async fn the_chief_sees_each_running_funds_pace_and_a_warning_when_it_trails_past_mid_period() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let chief = app.session("acme", email::CHIEF).await;
    let f = fund(&app, &admin, "Quarter fund", "20000").await;
    allocate(&app, &admin, &f, A.p1, "10000").await;

    let start = chrono::NaiveDate::parse_from_str(&quarter_start(), "%Y-%m-%d").unwrap();
    let end = start.checked_add_months(chrono::Months::new(3)).unwrap().pred_opt().unwrap();
    let elapsed = ((today() - start).num_days() + 1) as f64 / ((end - start).num_days() + 1) as f64;
    let percent = (elapsed * 100.0).round() as i64;

    let page = app.page("/", &chief).await;
    assert_eq!(page.status, StatusCode::OK);
    let rows = page.select("#mdf tbody tr").join(" ");
    assert!(rows.contains("Quarter fund") && rows.contains("USD 10,000.00"), "{rows}");
    let overview = app.page("/mdf", &chief).await.text();
    if elapsed >= 0.5 {
        // Nothing committed past mid-period: behind by the whole share of the period gone.
        let figures = format!("0 % committed with {percent} % of the period gone ({percent} points behind)");
        assert!(rows.contains("Behind") && rows.contains(&figures), "{rows}");
        assert!(page.select("#mdf .alert").join(" ").contains("1 of 1 running funds trail their period"));
        assert!(overview.contains("Behind") && overview.contains(&figures));
    } else {
        assert!(rows.contains("Before mid-period"), "{rows}");
        assert!(page.select("#mdf .alert").is_empty());
        assert!(overview.contains("Before mid-period"));
    }
}
