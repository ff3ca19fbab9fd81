//! The program's own vocabularies: edited by the program admin, then used by the application form, the fit score,
//! the ideal profile and the API, with another tenant's lists untouched.

use axum::http::StatusCode;
use serde_json::{Value, json};

use crate::support::*;

fn application(company: &str, email: &str, verticals: &[&str], services: &[&str]) -> Value {
    json!({
        "company_name": company,
        "website": "www.example-partner.com",
        "country": "US",
        "contact_name": "Dana Applicant",
        "contact_email": email,
        "employees": 120,
        "verticals": verticals,
        "services": services,
    })
}

fn active(list: &Value) -> Vec<String> {
    list.as_array()
        .unwrap()
        .iter()
        .filter(|e| e["active"] == true)
        .map(|e| e["code"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn edited_vocabularies_drive_the_form_the_fit_score_and_the_api_of_their_program_only() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let audited = "select count(*) from audit_log where action like 'vocabulary_entries.%'";
    let (audited_a, audited_b) = (app.count_in(A.id, audited).await, app.count_in(B.id, audited).await);
    // An application made with the lists every program starts with.
    let before = app
        .post_json(
            "/api/v1/public/acme/applications",
            None,
            application("Old Fleet Co", "old@fleet.example", &["manufacturing"], &["resale"]),
        )
        .await;
    assert_eq!(before.status, StatusCode::CREATED, "{}", before.text());

    // A fleet-telematics vendor's own lists.
    let r = app
        .json(
            axum::http::Method::PUT,
            "/api/v1/vocabularies/verticals",
            Some(&admin),
            json!({"entries": [{"label": "Transportation & logistics"}, {"code": "healthcare", "label": "Healthcare"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(active(&r.json()), ["transportation_logistics", "healthcare"]);
    let r = app
        .json(
            axum::http::Method::PUT,
            "/api/v1/vocabularies/services",
            Some(&admin),
            json!({"entries": [{"label": "Installation"}, {"code": "managed_services", "label": "Managed services"}]}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let lists = app.get("/api/v1/vocabularies", Some(&app.token("acme", email::P1_USER).await)).await.json();
    assert_eq!(active(&lists["services"]), ["installation", "managed_services"]);
    assert!(
        lists["verticals"].as_array().unwrap().iter().any(|e| e["code"] == "manufacturing" && e["active"] == false)
    );
    assert!(lists["products"].as_array().unwrap().iter().any(|e| e["code"] == "crm"));

    // The ideal profile targets them.
    let session = app.session("acme", email::ADMIN).await;
    let r = app
        .submit(
            "/admin/recruitment",
            &session,
            &[
                ("verticals", "transportation_logistics"),
                ("services", "installation"),
                ("min_employees", "0"),
                ("stale_days", "7"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());

    // The public form offers them; the other tenant's form does not.
    let form = app.page("/apply/acme", &Session::anonymous()).await.select("label").join("\n");
    assert!(form.contains("Transportation & logistics") && form.contains("Installation"), "{form}");
    assert!(!form.contains("Manufacturing"));
    let other = app.page("/apply/globex", &Session::anonymous()).await.select("label").join("\n");
    assert!(other.contains("Manufacturing") && !other.contains("Transportation"), "{other}");

    // The API takes codes or labels, ignoring case and spaces, and the fit score names them by the program's labels.
    let r = app
        .post_json(
            "/api/v1/public/acme/applications",
            None,
            application(
                "Roadline GmbH",
                "ops@roadline.example",
                &["transportation &  LOGISTICS"],
                &["installation", "Managed services"],
            ),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    let shown = app.get(&format!("/api/v1/applications/{id}"), Some(&admin)).await.json();
    assert_eq!(shown["verticals"], json!(["transportation_logistics"]));
    assert_eq!(shown["services"], json!(["installation", "managed_services"]));
    let verticals = shown["fit"].as_array().unwrap().iter().find(|c| c["key"] == "verticals").unwrap().clone();
    assert_eq!(verticals["outcome"], "met", "{verticals}");
    assert!(verticals["detail"].as_str().unwrap().contains("Transportation & logistics"), "{verticals}");

    // A retired entry is no longer offered: 422 naming the field and listing the choices.
    let r = app
        .post_json(
            "/api/v1/public/acme/applications",
            None,
            application("Late Co", "late@co.example", &["Manufacturing"], &["installation"]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let detail = r.json()["errors"]["verticals"].to_string();
    assert!(detail.contains("Manufacturing") && detail.contains("Transportation & logistics"), "{detail}");
    // The other program still has its lists.
    let r = app
        .post_json(
            "/api/v1/public/globex/applications",
            None,
            application("Road Co", "road@co.example", &["Transportation & logistics"], &["resale"]),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    // The application made before keeps the entry it was scored with, by its label.
    let old = before.json()["id"].as_str().unwrap().to_string();
    let page = app.page(&format!("/applications/{old}"), &session).await.text();
    assert!(page.contains("Manufacturing"), "the retired entry's label stays on the application");
    // Every change is audited.
    // Two added, two relabelled or kept, the rest retired: each change audited, none in the other tenant.
    assert!(app.count_in(A.id, audited).await >= audited_a + 16);
    assert_eq!(app.count_in(B.id, audited).await, audited_b);
}

#[tokio::test]
async fn a_wrong_list_is_refused_entry_by_entry_and_changes_nothing() {
    let app = TestApp::new().await;
    let admin = app.token("acme", email::ADMIN).await;
    let put = |path: &'static str, token: String, body: Value| {
        let app = &app;
        async move { app.json(axum::http::Method::PUT, path, Some(&token), body).await }
    };
    let before = app.get("/api/v1/vocabularies", Some(&admin)).await.json();
    for body in [
        json!({"entries": [{"label": "Retail"}, {"code": "shops", "label": "RETAIL"}]}),
        json!({"entries": [{"code": "Bad Code", "label": "Fine"}]}),
        json!({"entries": []}),
    ] {
        let r = put("/api/v1/vocabularies/verticals", admin.clone(), body.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{body}");
        assert!(r.json()["errors"]["entries"].is_array(), "{}", r.text());
    }
    assert_eq!(app.get("/api/v1/vocabularies", Some(&admin)).await.json(), before);
    assert_eq!(
        put("/api/v1/vocabularies/products", admin.clone(), json!({"entries": []})).await.status,
        StatusCode::NOT_FOUND
    );
    let cam = app.token("acme", email::CAM1).await;
    let body = json!({"entries": [{"label": "Retail"}]});
    assert_eq!(put("/api/v1/vocabularies/verticals", cam, body).await.status, StatusCode::FORBIDDEN);

    // The page names the line that is wrong beside its field.
    let session = app.session("acme", email::ADMIN).await;
    let r =
        app.submit("/admin/vocabularies", &session, &[("verticals", "Retail\nretail"), ("services", "Resale")]).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.select("#e-verticals").iter().any(|e| e.contains("twice")), "{:?}", r.select("#e-verticals"));
    let r = app
        .submit(
            "/admin/vocabularies",
            &session,
            &[("verticals", "Retail\nTransportation & logistics"), ("services", "resale | Resale")],
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let after = app.get("/api/v1/vocabularies", Some(&admin)).await.json();
    assert_eq!(active(&after["verticals"]), ["retail", "transportation_logistics"]);
    assert_eq!(active(&after["services"]), ["resale"]);
}

#[tokio::test]
async fn deal_products_are_taken_by_code_or_name() {
    let app = TestApp::new().await;
    let p1 = app.token("acme", email::P1_ADMIN).await;
    let mut body = crate::deals::deal("Named Products Ltd", None, &["CRM suite", "analytics"]);
    let r = app.post_json("/api/v1/deals", Some(&p1), body.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let id = r.json()["id"].as_str().unwrap().to_string();
    assert_eq!(
        app.get(&format!("/api/v1/deals/{id}"), Some(&p1)).await.json()["products"],
        json!(["analytics", "crm"])
    );
    body["products"] = json!(["Widgets"]);
    let r = app.post_json("/api/v1/deals", Some(&p1), body).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(r.json()["errors"]["products"][0].as_str().unwrap().contains("Choose from: "), "{}", r.text());
}
