//! Browser journeys: headless Chromium (Debian's chromium and chromium-driver) driving the real server, one journey
//! per role. Each page visited is saved as a screenshot under `target/test-output/screenshots/`.

use std::future::Future;
use std::os::unix::process::CommandExt;
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

use fantoccini::{Client, ClientBuilder, Locator};
use futures_util::FutureExt;

use crate::support::*;

/// The chromedriver of this test run, started once and killed with the test process.
fn driver() -> &'static str {
    static URL: OnceLock<String> = OnceLock::new();
    URL.get_or_init(|| {
        let binary = ["/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"]
            .into_iter()
            .find(|p| std::path::Path::new(p).exists())
            .expect("chromedriver not found: run scripts/test, which installs Debian's chromium and chromium-driver");
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let (tx, rx) = std::sync::mpsc::channel();
        // Spawned and waited on by a thread that lives as long as the driver: the death signal is tied to it.
        std::thread::spawn(move || {
            let mut cmd = Command::new(binary);
            cmd.arg(format!("--port={port}")).stdout(Stdio::null()).stderr(Stdio::null());
            // SAFETY: only async-signal-safe calls between fork and exec.
            unsafe {
                cmd.pre_exec(|| {
                    libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL as libc::c_ulong);
                    Ok(())
                });
            }
            let mut child = cmd.spawn().expect("start chromedriver");
            tx.send(()).unwrap();
            let _ = child.wait();
        });
        rx.recv().unwrap();
        let deadline = Instant::now() + Duration::from_secs(30);
        while std::net::TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(Instant::now() < deadline, "chromedriver did not start");
            std::thread::sleep(Duration::from_millis(50));
        }
        format!("http://127.0.0.1:{port}")
    })
}

fn screenshot_dir() -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/test-output/screenshots");
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

async fn browser(width: u32, height: u32) -> Client {
    let chromium =
        ["/usr/bin/chromium", "/usr/bin/chromium-browser"].into_iter().find(|p| std::path::Path::new(p).exists());
    let mut options = serde_json::json!({
        "args": [
            "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--disable-quic",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
            "--disable-extensions", format!("--window-size={width},{height}")
        ]
    });
    if let Some(binary) = chromium {
        options["binary"] = binary.into();
    }
    if width < 500 {
        // Chromium's windows are at least 500 px wide: a phone's width is emulated instead.
        options["mobileEmulation"] =
            serde_json::json!({"deviceMetrics": {"width": width, "height": height, "pixelRatio": 1.0}});
    }
    let mut caps = serde_json::Map::new();
    caps.insert("goog:chromeOptions".into(), options);
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    ClientBuilder::new(connector).capabilities(caps).connect(driver()).await.expect("start a Chromium session")
}

/// Runs a journey and always ends the browser session, also when the journey fails.
async fn journey<F, Fut>(width: u32, height: u32, f: F)
where
    F: FnOnce(Client) -> Fut,
    Fut: Future<Output = ()>,
{
    let client = browser(width, height).await;
    let result = std::panic::AssertUnwindSafe(f(client.clone())).catch_unwind().await;
    let _ = client.close().await;
    if let Err(panic) = result {
        std::panic::resume_unwind(panic);
    }
}

/// Saves a screenshot of the current page, and checks the page with axe-core: every page a journey looks at has no
/// serious or critical accessibility violation.
async fn shot(c: &Client, name: &str) {
    let png = c.screenshot().await.unwrap();
    std::fs::write(screenshot_dir().join(format!("{name}.png")), png).unwrap();
    let mut tally = AxeTally::default();
    axe(c, name, &mut tally).await;
    assert!(tally.serious.is_empty(), "serious or critical accessibility violations: {:#?}", tally.serious);
}

/// The text of the first element matching `css` once it satisfies `ready`: after a click the old page may still be
/// showing, so this waits (up to 10 s) instead of reading the first match.
async fn wait_text(c: &Client, css: &str, ready: impl Fn(&str) -> bool) -> String {
    let deadline = Instant::now() + Duration::from_secs(10);
    let mut last = String::new();
    while Instant::now() < deadline {
        if let Ok(element) = c.find(Locator::Css(css)).await {
            if let Ok(text) = element.text().await {
                if ready(&text) {
                    return text;
                }
                last = text;
            }
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("`{css}` never became ready; last text: {last:?}");
}

async fn assert_text(c: &Client, css: &str, expected: &str) {
    wait_text(c, css, |t| t == expected).await;
}

async fn sign_in(c: &Client, base: &str, email: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    c.find(Locator::Id("f-tenant")).await.unwrap().send_keys("acme").await.unwrap();
    c.find(Locator::Id("f-email")).await.unwrap().send_keys(email).await.unwrap();
    c.find(Locator::Id("f-password")).await.unwrap().send_keys(PASSWORD).await.unwrap();
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("header.topbar")).await.unwrap();
}

async fn sign_out(c: &Client, base: &str) {
    c.find(Locator::Css(".usermenu button")).await.unwrap().click().await.unwrap();
    assert_text(c, ".alert-success", "You have signed out.").await;
    assert!(c.current_url().await.unwrap().as_str().starts_with(&format!("{base}/login")));
    // The old session is gone: home sends us back to sign in.
    c.goto(&format!("{base}/")).await.unwrap();
    c.wait().for_element(Locator::Id("f-tenant")).await.unwrap();
}

/// Visits each page, checks its heading and saves a screenshot.
async fn tour(c: &Client, base: &str, role: &str, pages: &[(&str, &str, &str)]) {
    for (path, name, heading) in pages {
        c.goto(&format!("{base}{path}")).await.unwrap();
        assert_text(c, "main h1", heading).await;
        shot(c, &format!("{role}-{name}")).await;
    }
}

#[tokio::test]
async fn a_program_admin_signs_in_manages_the_program_and_signs_out() {
    let app = TestApp::new().await;
    let base = app.serve().await;
    journey(1280, 900, |c| async move {
        c.goto(&format!("{base}/login")).await.unwrap();
        shot(&c, "login").await;
        sign_in(&c, &base, email::ADMIN).await;
        assert_text(&c, "main h1", "Program overview").await;
        shot(&c, "program_admin-home").await;
        tour(
            &c,
            &base,
            "program_admin",
            &[
                ("/admin/partners", "partners", "Partners"),
                ("/users", "users", "Users"),
                ("/admin/outbox", "outbox", "Outbox"),
                ("/admin/audit", "audit", "Audit log"),
            ],
        )
        .await;
        // Assign the unassigned partner to a CAM from the partners page.
        c.goto(&format!("{base}/admin/partners")).await.unwrap();
        let select = c.find(Locator::Id(&format!("cam-{}", A.p3))).await.unwrap();
        select.select_by_value(&A.cam2.to_string()).await.unwrap();
        let form = c.find(Locator::Css(&format!("form[action='/admin/partners/{}/cam']", A.p3))).await.unwrap();
        form.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
        assert_text(&c, ".alert-success", "CAM assignment saved.").await;
        sign_out(&c, &base).await;
    })
    .await;
    assert_eq!(app.count_in(A.id, "select count(*) from partners where cam_id is null").await, 0);
}

#[tokio::test]
async fn a_channel_chief_signs_in_sees_the_tenant_totals_and_signs_out() {
    let app = TestApp::new().await;
    let base = app.serve().await;
    journey(1280, 900, |c| async move {
        sign_in(&c, &base, email::CHIEF).await;
        assert_text(&c, "main h1", "Channel overview").await;
        shot(&c, "channel_chief-home").await;
        sign_out(&c, &base).await;
    })
    .await;
}

#[tokio::test]
async fn a_cam_signs_in_sees_their_partners_opens_one_and_signs_out() {
    let app = TestApp::new().await;
    let base = app.serve().await;
    journey(1280, 900, |c| async move {
        sign_in(&c, &base, email::CAM1).await;
        assert_text(&c, "main h1", "My partners").await;
        shot(&c, "cam-home").await;
        c.find(Locator::LinkText("Partner One")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Partner One").await;
        shot(&c, "cam-partner").await;
        sign_out(&c, &base).await;
    })
    .await;
}

#[tokio::test]
async fn a_partner_admin_signs_in_invites_a_colleague_and_signs_out() {
    let app = TestApp::new().await;
    let base = app.serve().await;
    journey(1280, 900, |c| async move {
        sign_in(&c, &base, email::P1_ADMIN).await;
        assert_text(&c, "main h1", "Welcome back, Pia").await;
        shot(&c, "partner_admin-home").await;
        c.find(Locator::LinkText("Team")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Team").await;
        // A mistake first: the form comes back with the message beside the field.
        c.find(Locator::Id("f-name")).await.unwrap().send_keys("Quinn Rep").await.unwrap();
        c.find(Locator::Id("f-email")).await.unwrap().send_keys("quinn@").await.unwrap();
        c.find(Locator::Css("#invite button[type=submit]")).await.unwrap().click().await.unwrap();
        wait_text(&c, "#e-email", |t| t.starts_with("Enter an email address")).await;
        shot(&c, "partner_admin-team-invalid").await;
        let email_field = c.find(Locator::Id("f-email")).await.unwrap();
        email_field.clear().await.unwrap();
        email_field.send_keys("quinn@p1.example.com").await.unwrap();
        c.find(Locator::Css("#invite button[type=submit]")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Invitation sent")).await;
        shot(&c, "partner_admin-team").await;
        sign_out(&c, &base).await;
    })
    .await;
    assert_eq!(app.count_in(A.id, "select count(*) from users where email = 'quinn@p1.example.com'").await, 1);
}

#[tokio::test]
async fn a_partner_user_signs_in_on_a_phone_sees_their_home_and_signs_out() {
    let app = TestApp::new().await;
    let base = app.serve().await;
    journey(390, 844, |c| async move {
        sign_in(&c, &base, email::P1_USER).await;
        assert_text(&c, "main h1", "Welcome back, Paul").await;
        shot(&c, "partner_user-home-phone").await;
        // No way into vendor pages.
        c.goto(&format!("{base}/admin/partners")).await.unwrap();
        assert_text(&c, "main h1", "You can't do that here").await;
        shot(&c, "partner_user-forbidden-phone").await;
        c.goto(&format!("{base}/")).await.unwrap();
        sign_out(&c, &base).await;
    })
    .await;
}

#[tokio::test]
async fn a_partner_registers_a_clashing_deal_the_cam_decides_on_the_evidence_and_the_partner_sees_why() {
    let app = TestApp::new().await;
    // Partner Two already registered the opportunity, and cam2 approved it.
    let p2 = app.token("acme", email::P2_ADMIN).await;
    let date = (chrono::Utc::now().date_naive() + chrono::Duration::days(40)).to_string();
    let body = serde_json::json!({"customer_name": "Massive Dynamic Inc.", "customer_domain": "massivedynamic.com", "country": "US",
        "products": ["crm"], "estimated_value": "80000", "currency": "USD", "expected_close_date": date});
    let first = app.post_json("/api/v1/deals", Some(&p2), body).await.json();
    let cam2 = app.token("acme", email::CAM2).await;
    app.post_json(
        &format!("/api/v1/deals/{}/approve", first["id"].as_str().unwrap()),
        Some(&cam2),
        serde_json::json!({}),
    )
    .await;
    let base = app.serve().await;

    let deal_path = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let path = deal_path.clone();
    let base_p = base.clone();
    journey(1280, 900, |c| async move {
        sign_in(&c, &base_p, email::P1_USER).await;
        c.find(Locator::LinkText("Deals")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Deal registrations").await;
        c.find(Locator::LinkText("Register a deal")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Register a deal").await;
        c.find(Locator::Id("f-customer_name")).await.unwrap().send_keys("MASSIVE DYNAMIC LLC").await.unwrap();
        c.find(Locator::Id("f-customer_domain")).await.unwrap().send_keys("www.massivedynamic.com").await.unwrap();
        c.find(Locator::Id("f-country")).await.unwrap().select_by_value("US").await.unwrap();
        c.find(Locator::Id("f-estimated_value")).await.unwrap().send_keys("95000").await.unwrap();
        c.execute(&format!("document.getElementById('f-expected_close_date').value = '{date}'"), vec![]).await.unwrap();
        c.find(Locator::Css("input[name=products][value=crm]")).await.unwrap().click().await.unwrap();
        shot(&c, "partner_user-deal-register").await;
        c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "MASSIVE DYNAMIC LLC").await;
        wait_text(&c, ".alert-info", |t| t.contains("Another partner holds a protected registration")).await;
        let html = c.source().await.unwrap();
        assert!(!html.contains("Partner Two"), "the rival partner is named to the partner");
        shot(&c, "partner_user-deal-clash").await;
        *path.lock().unwrap() = c.current_url().await.unwrap().path().to_string();
        sign_out(&c, &base_p).await;
    })
    .await;

    let deal = deal_path.lock().unwrap().clone();
    let base_c = base.clone();
    let deal_c = deal.clone();
    journey(1280, 900, |c| async move {
        sign_in(&c, &base_c, email::CAM1).await;
        c.find(Locator::Css(".mainnav-wide a[href=\"/deals/queue\"]")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Approval queue").await;
        shot(&c, "cam-queue").await;
        c.find(Locator::LinkText("MASSIVE DYNAMIC LLC")).await.unwrap().click().await.unwrap();
        wait_text(&c, "article.clash", |t| t.contains("Partner Two") && t.contains("massivedynamic.com")).await;
        shot(&c, "cam-deal-evidence").await;
        // Approving is refused: the other partner is protected.
        c.find(Locator::Css(&format!("form[action='{deal_c}/approve'] button"))).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-error", |t| t.contains("Another partner already holds")).await;
        c.find(Locator::Id("f-reason")).await.unwrap().select_by_value("duplicate").await.unwrap();
        c.find(Locator::Id("f-note")).await.unwrap().send_keys("Another partner registered it first.").await.unwrap();
        c.find(Locator::Css(&format!("form[action='{deal_c}/reject'] button"))).await.unwrap().click().await.unwrap();
        assert_text(&c, ".alert-success", "Registration rejected. The partner has been told why.").await;
        sign_out(&c, &base_c).await;
    })
    .await;

    journey(1280, 900, |c| async move {
        sign_in(&c, &base, email::P1_USER).await;
        c.goto(&format!("{base}/deals")).await.unwrap();
        wait_text(&c, "table.data tbody", |t| {
            t.contains("Rejected") && t.contains("Duplicate of an existing registration")
        })
        .await;
        shot(&c, "partner_user-deals").await;
        c.goto(&format!("{base}{deal}")).await.unwrap();
        wait_text(&c, "dl.facts", |t| {
            t.contains("Duplicate of an existing registration: Another partner registered it first.")
        })
        .await;
        shot(&c, "partner_user-deal-decided").await;
    })
    .await;
}

async fn fill(c: &Client, id: &str, value: &str) {
    c.find(Locator::Id(id)).await.unwrap().send_keys(value).await.unwrap();
}

async fn sign_in_as(c: &Client, base: &str, email: &str, password: &str) {
    c.goto(&format!("{base}/login")).await.unwrap();
    fill(c, "f-tenant", "acme").await;
    fill(c, "f-email", email).await;
    fill(c, "f-password", password).await;
    c.find(Locator::Css("form button[type=submit]")).await.unwrap().click().await.unwrap();
    c.wait().for_element(Locator::Css("header.topbar")).await.unwrap();
}

#[tokio::test]
async fn a_company_applies_a_cam_approves_and_the_new_partner_admin_accepts_and_works_the_checklist() {
    let app = TestApp::new().await;
    let base = app.serve().await;
    let pool = app.pool.clone();
    journey(1280, 900, |c| async move {
        // A company applies on the tenant's public page.
        c.goto(&format!("{base}/apply/acme")).await.unwrap();
        assert_text(&c, "main h1", "Become a Acme Corp partner").await;
        fill(&c, "f-company_name", "Rhein Health Systems GmbH").await;
        fill(&c, "f-website", "rhein-health.de").await;
        fill(&c, "f-employees", "85").await;
        c.find(Locator::Id("f-country")).await.unwrap().select_by_value("DE").await.unwrap();
        c.find(Locator::Css("input[name=verticals][value=healthcare]")).await.unwrap().click().await.unwrap();
        c.find(Locator::Css("input[name=services][value=implementation]")).await.unwrap().click().await.unwrap();
        fill(&c, "f-contact_name", "Greta Lang").await;
        fill(&c, "f-contact_email", "greta@rhein-health.de").await;
        shot(&c, "applicant-form").await;
        c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Thank you for applying").await;
        shot(&c, "applicant-thanks").await;

        // The CAM of the region reviews it and approves it in one step.
        sign_in(&c, &base, email::CAM2).await;
        c.find(Locator::LinkText("Applications")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Partner applications").await;
        shot(&c, "cam-applications").await;
        c.find(Locator::LinkText("Rhein Health Systems GmbH")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Rhein Health Systems GmbH").await;
        shot(&c, "cam-application").await;
        c.find(Locator::Css("form[action$='/approve'] button")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Application approved")).await;
        sign_out(&c, &base).await;

        // The contact arrives through the emailed link and sets a password.
        let tenant = A.id;
        let mut tx = tributary::db::begin_tenant(&pool, tenant, None).await.unwrap();
        let body: String = sqlx::query_scalar(
            "select body from outbox where to_address = 'greta@rhein-health.de' and body like '%/invitations/%'",
        )
        .fetch_one(&mut *tx)
        .await
        .unwrap();
        tx.commit().await.unwrap();
        let link = body.split_whitespace().find(|w| w.contains("/invitations/")).unwrap().to_string();
        assert!(link.starts_with(&base), "{link}");
        c.goto(&link).await.unwrap();
        assert_text(&c, "main h1", "Welcome, Greta Lang").await;
        fill(&c, "f-password", "rhein health 2026").await;
        fill(&c, "f-confirm", "rhein health 2026").await;
        c.find(Locator::Css("main form button[type=submit]")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::Id("f-tenant")).await.unwrap();

        // Signing in leads to the agreement first.
        sign_in_as(&c, &base, "greta@rhein-health.de", "rhein health 2026").await;
        assert_text(&c, "main h1", "Partner agreement").await;
        shot(&c, "partner_admin-agreement").await;
        c.find(Locator::Css("input[name=confirm]")).await.unwrap().click().await.unwrap();
        c.find(Locator::Css("form[action='/agreement/accept'] button")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Welcome back, Greta").await;
        shot(&c, "partner_admin-home-onboarding").await;

        // The checklist: the agreement item completed itself; the admin completes the next one with a note.
        c.find(Locator::LinkText("Open the checklist")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Your onboarding plan").await;
        let progress = wait_text(&c, ".progress-head strong", |t| t.ends_with('%')).await;
        assert_eq!(progress, "12 %");
        let item = c
            .find(Locator::XPath(
                "//li[contains(@class,'check-item')][.//strong[text()='Conflict rules acknowledged']]",
            ))
            .await
            .unwrap();
        item.find(Locator::Css("input[name=note]"))
            .await
            .unwrap()
            .send_keys("Walked the sales team through it")
            .await
            .unwrap();
        item.find(Locator::Css("button")).await.unwrap().click().await.unwrap();
        assert_text(&c, ".alert-success", "Item completed.").await;
        assert_text(&c, ".progress-head strong", "25 %").await;
        shot(&c, "partner_admin-checklist").await;
        sign_out(&c, &base).await;

        // The CAM watches the progress.
        sign_in(&c, &base, email::CAM2).await;
        c.find(Locator::LinkText("Onboarding")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Onboarding").await;
        let row = wait_text(&c, "table.data tbody", |t| t.contains("Rhein Health Systems GmbH")).await;
        assert!(row.contains("25 %"), "{row}");
        shot(&c, "cam-onboarding").await;
        c.find(Locator::LinkText("Rhein Health Systems GmbH")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Onboarding: Rhein Health Systems GmbH").await;
        shot(&c, "cam-partner-checklist").await;
        sign_out(&c, &base).await;
    })
    .await;
    assert_eq!(
        app.count_in(A.id, "select count(*) from onboarding_items i join users u on u.tenant_id = i.tenant_id and u.id = i.completed_by where u.email = 'greta@rhein-health.de' and i.note = 'Walked the sales team through it'").await,
        1
    );
}

#[tokio::test]
async fn a_cam_approves_a_probable_clash_with_a_reason_and_the_partner_sees_the_approval() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let date = (chrono::Utc::now().date_naive() + chrono::Duration::days(40)).to_string();
    let body = |name: &str| {
        serde_json::json!({"customer_name": name, "country": "DE", "products": ["crm"], "estimated_value": "42000",
            "currency": "EUR", "expected_close_date": date})
    };
    let first = app.post_json("/api/v1/deals", Some(&app.token("acme", email::P1_ADMIN).await), body("Hooli")).await;
    let first = first.json()["id"].as_str().unwrap().to_string();
    app.post_json(&format!("/api/v1/deals/{first}/approve"), Some(&admin), serde_json::json!({})).await;
    let second =
        app.post_json("/api/v1/deals", Some(&app.token("acme", email::P2_ADMIN).await), body("Hooli Holdings")).await;
    let second = second.json()["id"].as_str().unwrap().to_string();
    let base = app.serve().await;

    let (base_c, deal) = (base.clone(), format!("/deals/{second}"));
    journey(1366, 900, |c| async move {
        sign_in(&c, &base_c, email::CAM2).await;
        c.goto(&format!("{base_c}{deal}")).await.unwrap();
        wait_text(&c, "article.clash", |t| t.contains("Probable match") && t.contains("Partner One")).await;
        fill(&c, "f-override_reason", "Checked with both: the holding company buys separately.").await;
        shot(&c, "cam-deal-override").await;
        c.find(Locator::Css(&format!("form[action='{deal}/approve'] button"))).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.contains("approved")).await;
        wait_text(&c, "dl.facts", |t| t.contains("Checked with both: the holding company buys separately.")).await;
        sign_out(&c, &base_c).await;
    })
    .await;

    let deal = format!("/deals/{second}");
    journey(390, 844, |c| async move {
        sign_in(&c, &base, email::P2_ADMIN).await;
        c.goto(&format!("{base}{deal}")).await.unwrap();
        wait_text(&c, "main .lede", |t| t.contains("Approved")).await;
        let html = c.source().await.unwrap();
        assert!(!html.contains("holding company buys separately"), "the staff's reason is not shown to the partner");
        assert!(!html.contains("Partner One"), "the rival partner is named to the partner");
        shot(&c, "partner_admin-deal-approved-over-clash").await;
    })
    .await;
}

/// axe-core, installed with npm under target/ by the test setup the first time (like Chromium by scripts/ensure-deps)
/// and injected by the test: the server never fetches or serves it.
fn axe_source() -> &'static str {
    static SOURCE: OnceLock<String> = OnceLock::new();
    SOURCE.get_or_init(|| {
        let prefix = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/axe");
        let file = prefix.join("node_modules/axe-core/axe.min.js");
        if !file.exists() {
            let status = Command::new("npm")
                .args(["install", "--no-audit", "--no-fund", "--silent", "--prefix"])
                .arg(&prefix)
                .arg("axe-core@4")
                .status()
                .expect("npm, to install axe-core for the accessibility checks");
            assert!(status.success(), "npm install axe-core failed");
        }
        std::fs::read_to_string(&file).unwrap()
    })
}

/// What axe found on one page, by impact.
#[derive(Default)]
struct AxeTally {
    serious: Vec<String>,
    moderate: usize,
    minor: usize,
}

/// Runs axe-core on the current page (WCAG 2 A and AA rules and best practices), prints what it found and adds it to
/// `tally`.
async fn axe(c: &Client, page: &str, tally: &mut AxeTally) {
    c.execute(&format!("{}\nreturn true;", axe_source()), vec![]).await.unwrap();
    let found = c
        .execute_async(
            "const done = arguments[arguments.length - 1];
             axe.run(document, {resultTypes: ['violations']})
               .then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.length,
                                                         target: String(v.nodes[0] && v.nodes[0].target)}))))
               .catch(e => done([{id: 'axe-error: ' + e, impact: 'critical', nodes: 0, target: ''}]));",
            vec![],
        )
        .await
        .unwrap();
    for v in found.as_array().unwrap() {
        let (id, impact) = (v["id"].as_str().unwrap_or(""), v["impact"].as_str().unwrap_or(""));
        println!("axe {page}: {impact} {id} ({} nodes, first {})", v["nodes"], v["target"]);
        match impact {
            "serious" | "critical" => tally.serious.push(format!("{page}: {impact} {id} at {}", v["target"])),
            "moderate" => tally.moderate += 1,
            _ => tally.minor += 1,
        }
    }
}

/// The navigation links that are not wholly inside the viewport, by their text.
async fn nav_links_outside_viewport(c: &Client) -> Vec<String> {
    let out = c
        .execute(
            "return [...document.querySelectorAll('.mainnav-wide a')].filter(a => {
                 const r = a.getBoundingClientRect();
                 return r.width === 0 || r.left < 0 || r.top < 0 || r.right > window.innerWidth
                     || r.bottom > window.innerHeight;
             }).map(a => a.textContent.trim());",
            vec![],
        )
        .await
        .unwrap();
    out.as_array().unwrap().iter().map(|v| v.as_str().unwrap_or("").to_string()).collect()
}

/// The addresses keyboard focus reaches, in order, pressing Tab from the top of the page.
async fn tab_stops(c: &Client, presses: usize) -> Vec<String> {
    c.execute("document.activeElement && document.activeElement.blur(); window.scrollTo(0, 0); return true;", vec![])
        .await
        .unwrap();
    let mut stops = Vec::new();
    for _ in 0..presses {
        press(c, fantoccini::key::Key::Tab).await;
        let href = c
            .execute("const a = document.activeElement; return a ? (a.getAttribute('href') || a.tagName) : '';", vec![])
            .await
            .unwrap();
        stops.push(href.as_str().unwrap_or("").to_string());
    }
    stops
}

async fn press(c: &Client, key: fantoccini::key::Key) {
    use fantoccini::actions::{InputSource, KeyAction, KeyActions};
    let k: char = key.into();
    let actions =
        KeyActions::new("keyboard".into()).then(KeyAction::Down { value: k }).then(KeyAction::Up { value: k });
    c.perform_actions(actions).await.unwrap();
}

/// Every persona's navigation at a laptop's 1366 px and a phone's 390 px: every link inside the viewport and reached
/// by Tab on the laptop, the phone's menu opened without script, axe-core run on every page of the persona's
/// navigation at both widths (0 serious or critical), and screenshots of each navigation.
#[tokio::test]
async fn every_personas_navigation_fits_is_reached_by_keyboard_and_passes_axe_at_laptop_and_phone_widths() {
    let app = TestApp::new().await;
    let base = app.serve().await;
    let mut tally = AxeTally::default();
    let personas = [
        ("admin", email::ADMIN),
        ("chief", email::CHIEF),
        ("cam", email::CAM1),
        ("partner-admin", email::P1_ADMIN),
        ("partner-user", email::P1_USER),
    ];
    for (role, who) in personas {
        for (width, height) in [(1366, 900), (390, 844)] {
            let base = base.clone();
            let tally = &mut tally;
            journey(width, height, |c| async move {
                sign_in(&c, &base, who).await;
                let hrefs: Vec<String> = c
                    .execute(
                        "return [...document.querySelectorAll('.mainnav-wide a')].map(a => a.getAttribute('href'));",
                        vec![],
                    )
                    .await
                    .unwrap()
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|v| v.as_str().unwrap().to_string())
                    .collect();
                assert!(!hrefs.is_empty(), "{role} has a navigation");
                if width == 1366 {
                    assert_eq!(nav_links_outside_viewport(&c).await, Vec::<String>::new(), "{role}: nav links cut off");
                    shot(&c, &format!("nav-{role}-1366")).await;
                    let stops = tab_stops(&c, hrefs.len() + 4).await;
                    for href in &hrefs {
                        assert!(stops.contains(href), "{role}: {href} not reached by Tab; stops {stops:?}");
                    }
                } else {
                    c.find(Locator::Css(".navmenu summary")).await.unwrap().click().await.unwrap();
                    c.wait().for_element(Locator::Css(".navmenu[open] .mainnav-phone a")).await.unwrap();
                    shot(&c, &format!("nav-{role}-390")).await;
                }
                for href in &hrefs {
                    c.goto(&format!("{base}{href}")).await.unwrap();
                    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
                    axe(&c, &format!("{role} {href} at {width}px"), tally).await;
                }
            })
            .await;
        }
    }
    println!(
        "axe-core over every persona's pages at 1366 and 390 px: {} serious or critical, {} moderate, {} minor",
        tally.serious.len(),
        tally.moderate,
        tally.minor
    );
    assert!(tally.serious.is_empty(), "serious or critical accessibility violations: {:#?}", tally.serious);
}

/// A partner admin does their main journey with the keyboard alone: Tab to Deals in the navigation, Enter, Tab to
/// "Register a deal", Enter.
#[tokio::test]
async fn a_partner_admin_reaches_deal_registration_with_tab_and_enter_only() {
    let app = TestApp::new().await;
    let base = app.serve().await;
    journey(1366, 900, |c| async move {
        sign_in(&c, &base, email::P1_ADMIN).await;
        let mut reached = false;
        for _ in 0..30 {
            press(&c, fantoccini::key::Key::Tab).await;
            let href = c.execute("return document.activeElement.getAttribute('href');", vec![]).await.unwrap();
            if href.as_str() == Some("/deals") {
                reached = true;
                break;
            }
        }
        assert!(reached, "Deals is reached by Tab");
        press(&c, fantoccini::key::Key::Enter).await;
        wait_text(&c, "main h1", |t| t.contains("Deal")).await;
        let mut found = false;
        for _ in 0..40 {
            press(&c, fantoccini::key::Key::Tab).await;
            let href = c.execute("return document.activeElement.getAttribute('href');", vec![]).await.unwrap();
            if href.as_str() == Some("/deals/new") {
                found = true;
                break;
            }
        }
        assert!(found, "Register a deal is reached by Tab");
        press(&c, fantoccini::key::Key::Enter).await;
        assert_text(&c, "main h1", "Register a deal").await;
        shot(&c, "keyboard-partner-admin-register").await;
    })
    .await;
}

#[tokio::test]
async fn an_admin_sets_a_requirement_the_partner_sees_its_gap_and_a_won_deal_promotes_it() {
    let app = TestApp::new().await;
    // Partner One has won USD 36,000 over three registrations this year.
    for _ in 0..3 {
        crate::tiers::won_deal(&app, A.id, A.p1, A.p1_admin, 12000, 0).await;
    }
    let base = app.serve().await;
    let today = chrono::Utc::now().date_naive();
    let evaluate = || tributary::tiers::evaluate_all(&app.pool, A.id, today, "http://127.0.0.1:8080");

    let b = base.clone();
    journey(1280, 900, |c| async move {
        sign_in(&c, &b, email::ADMIN).await;
        c.find(Locator::Css(".mainnav-wide a[href=\"/admin/tiers\"]")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Tiers and standing").await;
        let threshold = c.find(Locator::Id("f-t1_r0_threshold")).await.unwrap();
        threshold.clear().await.unwrap();
        threshold.send_keys("40000").await.unwrap();
        shot(&c, "program_admin-tiers").await;
        c.find(Locator::Css("form[action='/admin/tiers'] .form-actions button")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Tier settings saved")).await;
        sign_out(&c, &b).await;
    })
    .await;

    evaluate().await.unwrap();
    let b = base.clone();
    journey(390, 844, |c| async move {
        sign_in(&c, &b, email::P1_USER).await;
        wait_text(&c, "#tier-standing", |t| t.contains("USD 4,000 more closed-won revenue")).await;
        shot(&c, "partner_user-home-tier-phone").await;
        c.goto(&format!("{b}/tier")).await.unwrap();
        assert_text(&c, "main h1", "Your tier").await;
        wait_text(&c, "#next-tier", |t| t.contains("What Silver takes") && t.contains("USD 4,000 more")).await;
        shot(&c, "partner_user-tier-gap-phone").await;
        sign_out(&c, &b).await;
    })
    .await;

    // A registration is approved and won; the next evaluation promotes the partner.
    let p1 = app.token(A.slug, email::P1_USER).await;
    let close = (today + chrono::Duration::days(30)).to_string();
    let body = serde_json::json!({"customer_name": "Umbrella Health", "customer_domain": "umbrella-health.com",
        "country": "US", "products": ["crm"], "estimated_value": "10000", "currency": "USD",
        "expected_close_date": close});
    let deal = app.post_json("/api/v1/deals", Some(&p1), body).await.json();
    let id = deal["id"].as_str().unwrap().to_string();
    let cam1 = app.token(A.slug, email::CAM1).await;
    let r = app.post_json(&format!("/api/v1/deals/{id}/approve"), Some(&cam1), serde_json::json!({})).await;
    assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.text());
    let r = app
        .post_json(
            &format!("/api/v1/deals/{id}/close"),
            Some(&p1),
            serde_json::json!({"outcome": "won", "amount": "10000"}),
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.text());
    evaluate().await.unwrap();

    let b = base.clone();
    journey(1280, 900, |c| async move {
        sign_in(&c, &b, email::P1_USER).await;
        c.goto(&format!("{b}/tier")).await.unwrap();
        wait_text(&c, "#standing-headline", |t| t.contains("was promoted to Silver")).await;
        shot(&c, "partner_user-tier-promoted").await;
        sign_out(&c, &b).await;
        sign_in(&c, &b, email::CAM1).await;
        c.find(Locator::LinkText("Partner One")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Partner One").await;
        c.find(Locator::LinkText("Tier standing")).await.unwrap().click().await.unwrap();
        wait_text(&c, "main table.data tbody", |t| t.contains("Promoted") && t.contains("Registered → Silver")).await;
        shot(&c, "cam-partner-standing").await;
        sign_out(&c, &b).await;
    })
    .await;
    let token = app.token(A.slug, email::ADMIN).await;
    let mail = app.get("/api/v1/outbox", Some(&token)).await.json();
    let told = mail["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|m| m["to"] == email::CAM1 && m["subject"] == "Partner One is now Silver");
    assert!(told, "the CAM is told by email");
}

/// The MDF journey end to end: a partner plans a quarter and requests from an activity (counting the fields typed),
/// the CAM approves from the ROI-ranked queue, the partner claims with a PDF, the CAM reduces one line, the program
/// admin pays, the partner reports what it won, and the chief sees the return.
#[tokio::test]
async fn a_partner_plans_requests_and_claims_mdf_the_cam_approves_and_reduces_the_admin_pays_and_the_chief_sees_roi() {
    use serde_json::json;
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let today = chrono::Utc::now().date_naive();
    let quarter = crate::mdf::quarter_start();
    let r = app
        .post_json(
            "/api/v1/mdf/funds",
            Some(&admin),
            json!({"name": "Field marketing", "kind": "proposal", "period": "quarter", "starts_on": quarter,
                   "currency": "USD", "total": "250000", "reimbursement_percent": "50", "claim_window_days": 60}),
        )
        .await;
    let fund = r.json()["id"].as_str().unwrap().to_string();
    crate::mdf::allocate(&app, &admin, &fund, A.p1, "40000").await;
    // A deal the campaign will have won, registered and closed beforehand.
    let deal = app.post_json("/api/v1/deals", Some(&p1), crate::deals::deal("Northwind Traders", None, &["crm"])).await;
    let deal = deal.json()["id"].as_str().unwrap().to_string();
    app.post_json(&format!("/api/v1/deals/{deal}/approve"), Some(&cam1), json!({})).await;
    let r = app
        .post_json(&format!("/api/v1/deals/{deal}/close"), Some(&p1), json!({"outcome": "won", "amount": "80000"}))
        .await;
    assert_eq!(r.status, axum::http::StatusCode::OK);
    let pdf = screenshot_dir().join("proof-invoice.pdf");
    std::fs::write(&pdf, crate::mdf_claims::PDF).unwrap();
    let base = app.serve().await;
    let day = today.to_string();
    journey(1280, 1000, |c| async move {
        // The partner plans the quarter.
        sign_in(&c, &base, email::P1_ADMIN).await;
        c.goto(&format!("{base}/mdf/plans")).await.unwrap();
        c.find(Locator::Css("form[action='/mdf/plans'] button")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Plan started")).await;
        let mut typed = 0;
        c.find(Locator::Id("f-activity_type")).await.unwrap().select_by_value("event").await.unwrap();
        for (id, value) in [
            ("f-title", "Cloud Summit booth"),
            ("f-cost", "20000"),
            ("f-vendor_share_percent", "50"),
            ("f-audience", "2000"),
        ] {
            fill(&c, id, value).await;
            typed += 1;
        }
        for id in ["f-starts_on", "f-ends_on"] {
            c.execute(&format!("document.getElementById('{id}').value = '{day}'"), vec![]).await.unwrap();
            typed += 1;
        }
        c.find(Locator::Css("#add button[type=submit]")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Activity added")).await;
        // 2,000 × 8 % × 40 % × 30 % × 20 % = 3.84 wins × 25,000 = 96,000 for 10,000: ROI 9.60.
        wait_text(&c, "table.data", |t| t.contains("9.60")).await;
        shot(&c, "partner-mdf-plan").await;
        // One click: the request, pre-filled; then submit.
        c.find(Locator::Css("button[id^='request-']")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Cloud Summit booth").await;
        shot(&c, "partner-mdf-request-draft").await;
        c.find(Locator::Id("submit-request")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Request submitted")).await;
        assert!(typed <= 8, "{typed} fields typed to request MDF from a plan");
        sign_out(&c, &base).await;

        // The CAM approves from the ranked queue.
        sign_in(&c, &base, email::CAM1).await;
        c.goto(&format!("{base}/mdf")).await.unwrap();
        wait_text(&c, "table.data", |t| t.contains("Cloud Summit booth")).await;
        shot(&c, "cam-mdf-queue").await;
        c.find(Locator::Css("form[action$='/approve'] button")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Approved")).await;
        sign_out(&c, &base).await;

        // The partner claims with a PDF per line.
        sign_in(&c, &base, email::P1_ADMIN).await;
        c.goto(&format!("{base}/mdf")).await.unwrap();
        c.find(Locator::LinkText("Cloud Summit booth")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Cloud Summit booth").await;
        fill(&c, "f-description", "Booth and venue").await;
        fill(&c, "f-amount", "3500").await;
        c.find(Locator::Css("form[action$='/claim'] button")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Claim started")).await;
        fill(&c, "f-description", "Catering").await;
        fill(&c, "f-amount", "2000").await;
        c.find(Locator::Css("form[action$='/lines'] button")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Line added")).await;
        for i in 0..2 {
            let forms = c.find_all(Locator::Css("form.upload")).await.unwrap();
            let input = forms[i].find(Locator::Css("input[type=file]")).await.unwrap();
            input.send_keys(pdf.to_str().unwrap()).await.unwrap();
            forms[i].find(Locator::Css("button")).await.unwrap().click().await.unwrap();
            wait_text(&c, ".alert-success", |t| t.starts_with("File attached")).await;
        }
        shot(&c, "partner-mdf-claim-draft").await;
        c.find(Locator::Id("submit-claim")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Claim submitted")).await;
        sign_out(&c, &base).await;

        // The CAM reduces the catering line.
        sign_in(&c, &base, email::CAM1).await;
        c.goto(&format!("{base}/mdf")).await.unwrap();
        c.find(Locator::Css("a[href$='#claim']")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::Css("form#review")).await.unwrap();
        let selects = c.find_all(Locator::Css("form#review select")).await.unwrap();
        selects[1].clone().select_by_value("reduced").await.unwrap();
        c.find_all(Locator::Css("form#review input[name^='amount-']")).await.unwrap()[1]
            .send_keys("1500")
            .await
            .unwrap();
        c.find_all(Locator::Css("form#review input[name^='reason-']")).await.unwrap()[1]
            .send_keys("Lunch for 30 people, not 40")
            .await
            .unwrap();
        shot(&c, "cam-mdf-claim-review").await;
        c.find(Locator::Css("form#review button[type=submit]")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Claim reviewed")).await;
        sign_out(&c, &base).await;

        // The program admin pays what was approved.
        sign_in(&c, &base, email::ADMIN).await;
        c.goto(&format!("{base}/mdf")).await.unwrap();
        c.find(Locator::Css("a[href$='#claim']")).await.unwrap().click().await.unwrap();
        c.wait().for_element(Locator::Css("form#pay")).await.unwrap();
        c.execute(&format!("document.getElementById('f-paid_on').value = '{day}'"), vec![]).await.unwrap();
        fill(&c, "f-reference", "WIRE-2026-114").await;
        c.find(Locator::Css("form#pay button[type=submit]")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Payment recorded")).await;
        wait_text(&c, "#claim", |t| t.contains("Paid") && t.contains("USD 5,000.00")).await;
        shot(&c, "program_admin-mdf-paid").await;
        sign_out(&c, &base).await;

        // The partner reports what the booth brought in.
        sign_in(&c, &base, email::P1_ADMIN).await;
        c.goto(&format!("{base}/mdf")).await.unwrap();
        c.find(Locator::LinkText("Cloud Summit booth")).await.unwrap().click().await.unwrap();
        fill(&c, "f-responses", "150").await;
        fill(&c, "f-mqls", "70").await;
        fill(&c, "f-sqls", "20").await;
        c.find(Locator::Css("#results input[type=checkbox]")).await.unwrap().click().await.unwrap();
        c.find(Locator::Css("#results button[type=submit]")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Results saved")).await;
        // 80,000 won ÷ 5,000 paid.
        wait_text(&c, "main", |t| t.contains("actual ROI 16.00")).await;
        shot(&c, "partner-mdf-request-results").await;
        sign_out(&c, &base).await;

        // The chief sees the return by tier and region.
        sign_in(&c, &base, email::CHIEF).await;
        wait_text(&c, "#mdf", |t| t.contains("ROI by tier") && t.contains("16.00")).await;
        c.execute("document.getElementById('mdf').scrollIntoView(); return true;", vec![]).await.unwrap();
        shot(&c, "channel_chief-home-mdf").await;
        sign_out(&c, &base).await;
    })
    .await;
}

/// The partner's MDF pages on a phone: nothing wider than the screen, and axe finds nothing serious.
#[tokio::test]
async fn the_partners_mdf_pages_fit_a_phone() {
    use serde_json::json;
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let fund = crate::mdf::fund(&app, &admin, "Field marketing", "250000").await;
    let allocation = crate::mdf::allocate(&app, &admin, &fund, A.p1, "40000").await;
    let body =
        crate::mdf::request_body(&allocation, "Cloud Summit booth with a rather long title", "10000", 2000, "25000");
    let request = crate::mdf::draft(&app, &p1, body).await;
    crate::mdf::act(&app, &p1, &request, "submit", json!({})).await;
    crate::mdf::act(&app, &cam1, &request, "approve", json!({})).await;
    let r = app
        .post_json(
            &format!("/api/v1/mdf/requests/{request}/claims"),
            Some(&p1),
            json!({"lines": [{"description": "Booth, venue and a very long description of the costs", "amount": "3500"}]}),
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::CREATED);
    app.post_json("/api/v1/mdf/plans", Some(&p1), json!({"quarter": crate::mdf::quarter_start()[..4].to_string() + "-Q" + &((chrono::Datelike::month(&chrono::Utc::now().date_naive()) - 1) / 3 + 1).to_string()})).await;
    let base = app.serve().await;
    journey(390, 844, |c| async move {
        sign_in(&c, &base, email::P1_ADMIN).await;
        for (path, name) in
            [("/mdf", "funds"), ("/mdf/plans", "plan"), (&format!("/mdf/requests/{request}")[..], "request")]
        {
            c.goto(&format!("{base}{path}")).await.unwrap();
            c.wait().for_element(Locator::Css("main h1")).await.unwrap();
            let wide = c
                .execute("return document.documentElement.scrollWidth - document.documentElement.clientWidth;", vec![])
                .await
                .unwrap();
            assert!(wide.as_i64().unwrap_or(99) <= 0, "{path} is {wide} px wider than the phone");
            shot(&c, &format!("partner-phone-mdf-{name}")).await;
        }
    })
    .await;
}

/// Clears a field and types into it, counting the fields a person typed.
async fn type_field(c: &Client, id: &str, value: &str, typed: &std::sync::atomic::AtomicUsize) {
    let field = c.find(Locator::Id(id)).await.unwrap();
    field.clear().await.unwrap();
    field.send_keys(value).await.unwrap();
    typed.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
}

#[tokio::test]
async fn a_cam_drafts_and_shares_a_plan_the_partner_admin_comments_and_agrees_in_under_ten_typed_fields() {
    let app = TestApp::new().await;
    // Last year Partner One won three deals: the draft's targets grow from them.
    for days in [-330, -365, -420] {
        crate::tiers::won_deal(&app, A.id, A.p1, A.p1_admin, 15000, days).await;
    }
    let base = app.serve().await;
    let typed = std::sync::Arc::new(std::sync::atomic::AtomicUsize::new(0));

    let (b, t) = (base.clone(), typed.clone());
    journey(1280, 900, |c| async move {
        sign_in(&c, &b, email::CAM1).await;
        c.find(Locator::Css(".mainnav-wide a[href=\"/business-plans\"]")).await.unwrap().click().await.unwrap();
        assert_text(&c, "main h1", "Business plans").await;
        c.find(Locator::Css(&format!("#f-partner_id option[value='{}']", A.p1))).await.unwrap().click().await.unwrap();
        type_field(&c, "f-growth_percent", "15", &t).await;
        shot(&c, "cam-plan-draft-form").await;
        c.find(Locator::Css("form[action='/business-plans'] button[type=submit]"))
            .await
            .unwrap()
            .click()
            .await
            .unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Draft created")).await;
        type_field(&c, "f-value_proposition", "Managed backup for regional banks.", &t).await;
        type_field(&c, "f-partner_commitments", "Two certified sales engineers by Q2.", &t).await;
        type_field(&c, "f-margin_percent", "22", &t).await;
        c.find(Locator::Css(".form-actions button[type=submit]")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Saved")).await;
        shot(&c, "cam-plan-draft").await;
        c.find(Locator::Css("form[action$='/share'] button")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Shared")).await;
        sign_out(&c, &b).await;
    })
    .await;

    let (b, t) = (base.clone(), typed.clone());
    journey(390, 844, |c| async move {
        sign_in(&c, &b, email::P1_ADMIN).await;
        c.goto(&format!("{b}/business-plans")).await.unwrap();
        c.find(Locator::LinkText("Partner One")).await.unwrap().click().await.unwrap();
        wait_text(&c, "main h1", |t| t.starts_with("Partner One: business plan")).await;
        shot(&c, "partner_admin-plan-review-phone").await;
        type_field(&c, "f-body", "Agreed; we add a webinar in Q3.", &t).await;
        c.find(Locator::Css("form[action$='/comments'] button")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Comment added")).await;
        c.find(Locator::Css("form[action$='/agree'] button")).await.unwrap().click().await.unwrap();
        wait_text(&c, ".alert-success", |t| t.starts_with("Agreed")).await;
        shot(&c, "partner_admin-plan-agreed-phone").await;
        c.goto(&format!("{b}/scorecard")).await.unwrap();
        assert_text(&c, "main h1", "Partner One: performance scorecard").await;
        shot(&c, "partner_admin-scorecard-phone").await;
        // The one-pager prints on its own print stylesheet: no navigation, the charts kept.
        let pdf = c.print(Default::default()).await.unwrap();
        assert!(pdf.starts_with(b"%PDF"));
        std::fs::write(screenshot_dir().join("partner_admin-scorecard.pdf"), pdf).unwrap();
        sign_out(&c, &b).await;
    })
    .await;

    let typed = typed.load(std::sync::atomic::Ordering::SeqCst);
    assert!(typed <= 10, "{typed} fields typed");
    let admin = app.token(A.slug, email::ADMIN).await;
    let plans = app.get("/api/v1/business-plans", Some(&admin)).await.json();
    assert_eq!(plans["items"][0]["state"], "agreed");
    // Targets came from last year's wins grown by 15 %, not typed.
    let id = plans["items"][0]["id"].as_str().unwrap();
    let plan = app.get(&format!("/api/v1/business-plans/{id}"), Some(&admin)).await.json();
    let year: f64 = plan["objectives"][0]["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().parse::<f64>().unwrap())
        .sum();
    assert!(year >= 45000.0 * 1.15 - 1.0, "{year}");
}

/// The pages the MDF and tier gaps added or changed, for each reader, at a laptop's and a phone's width: no
/// horizontal overflow on the phone, axe clean, and a screenshot of each to look at.
#[tokio::test]
async fn the_fund_page_homes_queue_and_tier_pages_fit_a_laptop_and_a_phone() {
    use serde_json::json;
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let cam1 = app.token("acme", email::CAM1).await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let fund = crate::mdf::fund(&app, &admin, "Field marketing with a long fund name", "250000").await;
    let allocation = crate::mdf::allocate(&app, &admin, &fund, A.p1, "40000").await;
    crate::mdf::allocate(&app, &admin, &fund, A.p2, "25000").await;
    for (title, amount, approve) in [("Cloud Summit booth", "10000", true), ("Partner webinar series", "4000", false)] {
        let body = crate::mdf::request_body(&allocation, title, amount, 2000, "25000");
        let request = crate::mdf::draft(&app, &p1, body).await;
        crate::mdf::act(&app, &p1, &request, "submit", json!({})).await;
        if approve {
            crate::mdf::act(&app, &cam1, &request, "approve", json!({})).await;
        }
    }
    let r = app
        .post_json(
            &format!("/api/v1/mdf/allocations/{allocation}/adjust"),
            Some(&admin),
            json!({"amount": "-2500", "reason": "Moved to the spring launch budget"}),
        )
        .await;
    assert_eq!(r.status, axum::http::StatusCode::OK, "{}", r.text());
    tributary::tiers::evaluate_all(&app.pool, A.id, chrono::Utc::now().date_naive(), "http://127.0.0.1:8080")
        .await
        .unwrap();
    let base = app.serve().await;
    let fund_page = format!("/mdf/funds/{fund}");
    let pages: [(&str, &[(&str, &str)]); 4] = [
        (email::ADMIN, &[(&fund_page[..], "fund"), ("/admin/tiers", "tier-settings")]),
        (email::CHIEF, &[("/", "home"), (&fund_page[..], "fund")]),
        (email::CAM1, &[("/mdf", "queue")]),
        (email::P1_ADMIN, &[("/", "home"), ("/mdf", "funds"), ("/tier", "tier")]),
    ];
    for (width, height, device) in [(1280, 900, "laptop"), (390, 844, "phone")] {
        for (who, visits) in pages {
            let base = base.clone();
            journey(width, height, |c| async move {
                sign_in(&c, &base, who).await;
                for (path, name) in visits {
                    c.goto(&format!("{base}{path}")).await.unwrap();
                    c.wait().for_element(Locator::Css("main h1")).await.unwrap();
                    let wide = c
                        .execute(
                            "return document.documentElement.scrollWidth - document.documentElement.clientWidth;",
                            vec![],
                        )
                        .await
                        .unwrap();
                    let role = who.split('@').next().unwrap_or(who).replace('.', "_");
                    shot(&c, &format!("gaps-{device}-{role}-{name}")).await;
                    // The blocks the gaps added, below the fold: scrolled to and shot too.
                    for anchor in ["mdf", "allocations", "adjust", "ledger", "add-tier", "current-tier", "next-tier"] {
                        let script = format!(
                            "const e = document.getElementById('{anchor}'); if (e) {{ e.scrollIntoView(); return true; }} return false;"
                        );
                        if c.execute(&script, vec![]).await.unwrap().as_bool() == Some(true) {
                            shot(&c, &format!("gaps-{device}-{role}-{name}-{anchor}")).await;
                        }
                    }
                    if wide.as_i64().unwrap_or(99) > 0 {
                        let culprits = c
                            .execute(
                                "return [...document.querySelectorAll('body *')].filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1 && !e.closest('.table-wrap')).slice(0, 5).map(e => e.tagName + '.' + e.className + ' ' + Math.round(e.getBoundingClientRect().right)).join(', ');",
                                vec![],
                            )
                            .await
                            .unwrap();
                        panic!("{path} is {wide} px too wide for a {device}: {culprits}");
                    }
                }
            })
            .await;
        }
    }
}

#[tokio::test]
async fn a_partner_answers_the_capability_assessment_on_one_page_and_sees_its_scorecard_against_peers() {
    let app = TestApp::new().await;
    for n in 1..=5 {
        crate::capability::add_peer(&app, n, 40.0 + 5.0 * f64::from(n)).await;
    }
    let base = app.serve().await;
    journey(1280, 900, |c| async move {
        sign_in(&c, &base, email::P1_USER).await;
        c.goto(&format!("{base}/capability")).await.unwrap();
        assert_text(&c, "main h1", "Capability scorecard: Partner One").await;
        c.find(Locator::XPath("//button[contains(., \"Start this quarter\")]")).await.unwrap().click().await.unwrap();
        wait_text(&c, "main h1", |t| t.starts_with("Capability assessment")).await;
        assert_eq!(c.find_all(Locator::Css(".cap-question")).await.unwrap().len(), 60, "all sixty on one page");
        // The first question's best answer: the live score follows without a reload.
        c.find(Locator::Css(".cap-question input[type=radio][value='3']")).await.unwrap().click().await.unwrap();
        assert_text(&c, "[data-score='overall']", "100").await;
        assert_text(&c, "[data-answered]", "1").await;
        // The rest: the second-best answer of every single choice, the first two practices of every checklist.
        c.execute(
            "document.querySelectorAll('.cap-question').forEach(function (q, i) {
                 if (i === 0) return;
                 var radios = q.querySelectorAll('input[type=radio]');
                 if (radios.length) { radios[radios.length - 2].click(); return; }
                 var boxes = q.querySelectorAll('input[type=checkbox]');
                 if (boxes.length) { boxes[0].click(); boxes[1].click(); return; }
                 var text = q.querySelector('textarea');
                 if (text) { text.value = 'Two people work on this.'; }
             });",
            vec![],
        )
        .await
        .unwrap();
        assert_text(&c, "[data-answered]", "54").await;
        shot(&c, "partner-capability-assessment").await;
        c.find(Locator::Css("button[value=submit]")).await.unwrap().click().await.unwrap();
        assert_text(&c, ".alert-success", "The assessment is submitted; its scorecard is below.").await;
        assert_text(&c, "main h1", "Capability scorecard: Partner One").await;
        // Single choices at 2 of 3 (67), checklists at 2 of 4 (50.5); the first topic's best answer lifts it.
        let overall = c.find(Locator::Css("[data-testid=overall]")).await.unwrap().text().await.unwrap();
        assert!(overall.parse::<f64>().is_ok_and(|v| (55.0..=70.0).contains(&v)), "{overall}");
        // Peers: five other partners of the tier at 45..65, average 55, top quarter (two) 62.5.
        let peer_cells = c.find_all(Locator::Css("table.data tbody tr td:nth-child(4)")).await.unwrap();
        assert_eq!(peer_cells[0].text().await.unwrap(), "55");
        let top = c.find_all(Locator::Css("table.data tbody tr td:nth-child(5)")).await.unwrap();
        assert!(["62", "63"].contains(&top[0].text().await.unwrap().as_str()));
        let page = c.source().await.unwrap();
        assert!(page.contains("Recommended"), "tasks proposed for the weakest topics");
        shot(&c, "partner-capability-scorecard").await;
    })
    .await;
}
