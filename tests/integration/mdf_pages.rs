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

async fn fund_json(app: &TestApp, admin: &str, fund: &str) -> serde_json::Value {
    let r = app.get(&format!("/api/v1/mdf/funds/{fund}"), Some(admin)).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    r.json()
}

#[tokio::test]
async fn the_fund_page_shows_the_ledger_figures_and_edits_the_fund_from_its_form() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let page = app.session("acme", email::ADMIN).await;
    let f = fund(&app, &admin, "Q fund", "50000").await;
    allocate(&app, &admin, &f, A.p1, "20000").await;
    allocate(&app, &admin, &f, A.p2, "10000").await;
    let url = format!("/mdf/funds/{f}");

    let r = app.page(&url, &page).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let labels = r.select("#figures .stat-label");
    let values = r.select("#figures .stat-value");
    let figure = |label: &str| labels.iter().position(|l| l == label).map(|i| values[i].clone());
    assert_eq!(figure("Total").as_deref(), Some("USD 50,000.00"));
    assert_eq!(figure("Allocated").as_deref(), Some("USD 30,000.00"));
    assert_eq!(figure("Unallocated").as_deref(), Some("USD 20,000.00"));
    assert_eq!(figure("Available").as_deref(), Some("USD 30,000.00"));
    let allocations = r.select("#allocations tbody tr").join(" ");
    assert!(allocations.contains("Partner One") && allocations.contains("USD 20,000.00"), "{allocations}");
    assert!(allocations.contains("Partner Two") && allocations.contains("USD 10,000.00"), "{allocations}");
    assert_eq!(r.select("#ledger tbody tr").len(), 2);
    // The /mdf fund table links here.
    assert!(app.page("/mdf", &page).await.text().contains(&format!(r#"href="/mdf/funds/{f}""#)));

    // Every wrong field is named beside it, the form keeps what was typed, and nothing changes.
    let r = app
        .submit(
            &format!("{url}/edit"),
            &page,
            &[("name", " "), ("total", "lots"), ("reimbursement_percent", "0"), ("claim_window_days", "soon")],
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.select("#edit .field-error").len(), 4, "{:?}", r.select("#edit .field-error"));
    assert!(r.text().contains(r#"value="lots""#));
    let before = fund_json(&app, &admin, &f).await;
    assert_eq!((before["name"].as_str(), before["total"].as_str()), (Some("Q fund"), Some("50000.00")));

    // A total below what is allocated is refused with why.
    let r = app
        .submit(
            &format!("{url}/edit"),
            &page,
            &[("name", "Q fund"), ("total", "29999.99"), ("reimbursement_percent", "50"), ("claim_window_days", "60")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.select(".alert-error").join(" ").contains("allocated"), "{}", r.text());
    assert_eq!(fund_json(&app, &admin, &f).await["total"], "50000.00");

    let r = app
        .submit(
            &format!("{url}/edit"),
            &page,
            &[
                ("name", "Q fund (topped up)"),
                ("total", "60000"),
                ("reimbursement_percent", "40"),
                ("claim_window_days", "90"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header("location"), Some(format!("{url}?notice=saved").as_str()));
    let after = fund_json(&app, &admin, &f).await;
    assert_eq!(
        (
            after["name"].as_str(),
            after["total"].as_str(),
            after["reimbursement_percent"].as_str(),
            after["claim_window_days"].as_i64()
        ),
        (Some("Q fund (topped up)"), Some("60000.00"), Some("40"), Some(90))
    );
    assert!(
        app.count_in(A.id, "select count(*) from audit_log where action = 'mdf_funds.update' and actor_id is not null")
            .await
            >= 1
    );
}

#[tokio::test]
async fn adjusting_an_allocation_from_the_fund_page_appends_a_row_and_never_over_commits() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let page = app.session("acme", email::ADMIN).await;
    let f = fund(&app, &admin, "Q fund", "30000").await;
    let a1 = allocate(&app, &admin, &f, A.p1, "20000").await;
    let other = fund(&app, &admin, "Other fund", "1000").await;
    let foreign = allocate(&app, &admin, &other, A.p2, "1000").await;
    let adjust = format!("/mdf/funds/{f}/adjust");
    let adjustments = "select count(*) from mdf_ledger where kind = 'adjust'";

    // Nothing chosen, a zero amount, no reason: each named.
    let r = app.submit(&adjust, &page, &[("allocation_id", ""), ("amount", ""), ("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.select("#adjust .field-error").len(), 3);
    let r = app.submit(&adjust, &page, &[("allocation_id", &a1), ("amount", "0"), ("reason", "")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.select("#adjust .field-error").len(), 2);
    // Another fund's allocation is not one of this fund's.
    let r = app.submit(&adjust, &page, &[("allocation_id", &foreign), ("amount", "5"), ("reason", "Wrong fund")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("#adjust .field-error").join(" ").contains("this fund"));
    // More than the fund has unallocated, or a cut deeper than what is available: refused.
    let r = app.submit(&adjust, &page, &[("allocation_id", &a1), ("amount", "10000.01"), ("reason", "More")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert!(r.select(".alert-error").join(" ").contains("left to allocate"));
    assert!(r.text().contains(r#"value="10000.01""#));
    let r = app.submit(&adjust, &page, &[("allocation_id", &a1), ("amount", "-20000.01"), ("reason", "Less")]).await;
    assert_eq!(r.status, StatusCode::CONFLICT);
    assert_eq!(app.count_in(A.id, adjustments).await, 0);

    let r = app
        .submit(&adjust, &page, &[("allocation_id", &a1), ("amount", "-5000"), ("reason", "Moved to Partner Two")])
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let r = app.page(&format!("/mdf/funds/{f}"), &page).await;
    let ledger = r.select("#ledger tbody tr").join(" ");
    assert!(
        ledger.contains("Adjusted") && ledger.contains("USD -5,000.00") && ledger.contains("Moved to Partner Two"),
        "{ledger}"
    );
    assert!(r.select("#allocations").join(" ").contains("USD 15,000.00"));
    assert!(
        app.count_in(
            A.id,
            "select count(*) from audit_log where action = 'mdf_ledger.insert' and after ->> 'kind' = 'adjust'"
        )
        .await
            >= 1
    );

    // Twenty increases of 1,000 race for the 15,000 left to allocate: fifteen pass, five are refused, and the fund
    // is allocated exactly to its total.
    let attempts = (0..20).map(|i| {
        let (app, page, adjust, a1) = (&app, &page, &adjust, &a1);
        async move {
            let reason = format!("Top-up {i}");
            app.submit(adjust, page, &[("allocation_id", a1), ("amount", "1000"), ("reason", &reason)]).await.status
        }
    });
    let statuses = futures_util::future::join_all(attempts).await;
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::SEE_OTHER).count(), 15, "{statuses:?}");
    assert_eq!(statuses.iter().filter(|s| **s == StatusCode::CONFLICT).count(), 5, "{statuses:?}");
    let b = fund_json(&app, &admin, &f).await;
    assert_eq!(
        (b["balances"]["allocated"].as_str(), b["balances"]["unallocated"].as_str()),
        (Some("30000.00"), Some("0.00"))
    );
}

#[tokio::test]
async fn the_fund_page_and_its_forms_are_not_found_for_other_tenants_cams_and_partners() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let f = fund(&app, &admin, "Q fund", "30000").await;
    let a1 = allocate(&app, &admin, &f, A.p1, "20000").await;
    let url = format!("/mdf/funds/{f}");
    let edit = [("name", "Taken"), ("total", "99999"), ("reimbursement_percent", "10"), ("claim_window_days", "5")];
    let adjust = [("allocation_id", a1.as_str()), ("amount", "1000"), ("reason", "Not yours")];

    for (tenant, who) in
        [("globex", email::ADMIN), ("acme", email::CAM1), ("acme", email::P1_ADMIN), ("acme", email::P1_USER)]
    {
        let s = app.session(tenant, who).await;
        assert_eq!(app.page(&url, &s).await.status, StatusCode::NOT_FOUND, "{tenant} {who}");
        assert_eq!(app.submit(&format!("{url}/edit"), &s, &edit).await.status, StatusCode::NOT_FOUND, "{tenant} {who}");
        assert_eq!(app.submit(&format!("{url}/adjust"), &s, &adjust).await.status, StatusCode::NOT_FOUND, "{who}");
    }
    for (who, path) in [(email::CAM1, "/mdf/ledger.csv"), (email::P1_ADMIN, "/mdf/ledger.xlsx")] {
        let s = app.session("acme", who).await;
        assert_eq!(app.page(path, &s).await.status, StatusCode::NOT_FOUND, "{who} {path}");
    }
    // Another tenant's admin may export its own ledger, but not name this fund in it.
    let b_admin = app.session("globex", email::ADMIN).await;
    assert_eq!(app.page(&format!("/mdf/ledger.csv?fund_id={f}"), &b_admin).await.status, StatusCode::NOT_FOUND);
    let s = app.session("acme", email::ADMIN).await;
    assert_eq!(app.page(&format!("/mdf/funds/{}", uuid::Uuid::new_v4()), &s).await.status, StatusCode::NOT_FOUND);

    // The chief reads the page without its forms, and may not write.
    let chief = app.session("acme", email::CHIEF).await;
    let r = app.page(&url, &chief).await;
    assert_eq!(r.status, StatusCode::OK);
    assert!(r.select("#edit").is_empty() && r.select("#adjust").is_empty());
    assert_eq!(app.submit(&format!("{url}/edit"), &chief, &edit).await.status, StatusCode::FORBIDDEN);
    assert_eq!(app.submit(&format!("{url}/adjust"), &chief, &adjust).await.status, StatusCode::FORBIDDEN);

    let b = fund_json(&app, &admin, &f).await;
    assert_eq!((b["name"].as_str(), b["total"].as_str()), (Some("Q fund"), Some("30000.00")));
    assert_eq!(app.count_in(A.id, "select count(*) from mdf_ledger where kind = 'adjust'").await, 0);
}

#[tokio::test]
async fn finance_downloads_the_ledger_as_csv_and_xlsx_from_the_pages() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let f = fund(&app, &admin, "Q fund", "30000").await;
    allocate(&app, &admin, &f, A.p1, "20000").await;
    let other = fund(&app, &admin, "Other fund", "1000").await;
    allocate(&app, &admin, &other, A.p2, "700").await;
    for who in [email::ADMIN, email::CHIEF] {
        let s = app.session("acme", who).await;
        let r = app.page("/mdf/ledger.csv", &s).await;
        assert_eq!(r.status, StatusCode::OK, "{who}");
        assert_eq!(r.header("content-type"), Some("text/csv; charset=utf-8"));
        assert!(r.header("content-disposition").unwrap().contains("mdf-ledger.csv"));
        let text = r.text();
        assert_eq!(text.lines().count(), 3, "{text}");
        assert!(text.starts_with("created_at,kind,amount") && text.contains("20000.00") && text.contains("700.00"));
        // One fund's rows, as the fund page links them.
        let one = app.page(&format!("/mdf/ledger.csv?fund_id={f}"), &s).await.text();
        assert_eq!(one.lines().count(), 2, "{one}");
        assert!(one.contains("20000.00") && !one.contains("700.00"));
        let r = app.page(&format!("/mdf/ledger.xlsx?fund_id={f}"), &s).await;
        assert_eq!(r.status, StatusCode::OK);
        assert!(r.body.starts_with(b"PK\x03\x04"));
        assert!(r.header("content-disposition").unwrap().contains("mdf-ledger.xlsx"));
    }
    let s = app.session("acme", email::ADMIN).await;
    let links = app.page(&format!("/mdf/funds/{f}"), &s).await.text();
    assert!(
        links.contains(&format!("/mdf/ledger.csv?fund_id={f}"))
            && links.contains(&format!("/mdf/ledger.xlsx?fund_id={f}"))
    );
    assert!(app.page("/mdf", &s).await.text().contains(r#"href="/mdf/ledger.xlsx""#));
}
