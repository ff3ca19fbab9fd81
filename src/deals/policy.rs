//! The program admin's deal-registration policy page: protection window, conflict sensitivity, approvals,
//! extensions, the product list and the vendor-direct named accounts.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Form, Router};
use serde::Deserialize;

use super::store::{self, NamedAccountRow, Policy, Product};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{Auth, CurrentUser, ProgramAdmin};
use crate::error::{Error, FieldErrors, Result};
use crate::web::{Page, notice};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/deal-policy", get(page).post(submit))
}

#[derive(Deserialize, Default, Clone)]
pub struct PolicyForm {
    #[serde(default)]
    pub protection_days: String,
    #[serde(default)]
    pub similarity_percent: String,
    #[serde(default)]
    pub require_product_overlap: Option<String>,
    #[serde(default)]
    pub auto_approve_clean: Option<String>,
    #[serde(default)]
    pub extensions_allowed: String,
    #[serde(default)]
    pub extension_days: String,
    #[serde(default)]
    pub approval_sla_hours: String,
    #[serde(default)]
    pub max_open_registrations: String,
    #[serde(default)]
    pub reminder_days: String,
    #[serde(default)]
    pub products: String,
    #[serde(default)]
    pub named_accounts: String,
}

impl PolicyForm {
    fn from_saved(p: &Policy, products: &[Product], accounts: &[NamedAccountRow]) -> PolicyForm {
        PolicyForm {
            protection_days: p.protection_days.to_string(),
            similarity_percent: ((p.similarity_threshold * 100.0).round() as i32).to_string(),
            require_product_overlap: p.require_product_overlap.then(|| "on".into()),
            auto_approve_clean: p.auto_approve_clean.then(|| "on".into()),
            extensions_allowed: p.extensions_allowed.to_string(),
            extension_days: p.extension_days.to_string(),
            approval_sla_hours: p.approval_sla_hours.to_string(),
            max_open_registrations: p.max_open_registrations.map(|n| n.to_string()).unwrap_or_default(),
            reminder_days: p.reminder_days.to_string(),
            products: products.iter().map(|p| format!("{} | {}", p.code, p.name)).collect::<Vec<_>>().join("\n"),
            named_accounts: accounts
                .iter()
                .map(|a| match &a.domain {
                    Some(d) => format!("{} | {d}", a.name),
                    None => a.name.clone(),
                })
                .collect::<Vec<_>>()
                .join("\n"),
        }
    }

    /// Checks every field; returns the policy, products and named accounts to save.
    pub fn parse(&self) -> Result<(Policy, Vec<Product>, Vec<NamedAccountRow>), Error> {
        let mut errors = FieldErrors::new();
        let mut number = |field: &str, raw: &str, min: i32, max: i32| -> i32 {
            match raw.trim().parse::<i32>() {
                Ok(n) if (min..=max).contains(&n) => n,
                _ => {
                    errors.add(field, format!("Use a whole number from {min} to {max}."));
                    min
                }
            }
        };
        let protection_days = number("protection_days", &self.protection_days, 1, 730);
        let similarity = number("similarity_percent", &self.similarity_percent, 30, 100);
        let extensions_allowed = number("extensions_allowed", &self.extensions_allowed, 0, 10);
        let extension_days = number("extension_days", &self.extension_days, 1, 365);
        let approval_sla_hours = number("approval_sla_hours", &self.approval_sla_hours, 1, 720);
        let reminder_days = number("reminder_days", &self.reminder_days, 0, 90);
        let max_open_registrations = if self.max_open_registrations.trim().is_empty() {
            None
        } else {
            Some(number("max_open_registrations", &self.max_open_registrations, 1, 100_000))
        };
        let mut products = Vec::new();
        for (i, line) in self.products.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
            let (code, name) = line.split_once('|').map(|(c, n)| (c.trim(), n.trim())).unwrap_or((line, line));
            let code = code.to_lowercase().replace(' ', "-");
            let valid = !code.is_empty()
                && code.len() <= 40
                && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-' || c == '_');
            if !valid || name.is_empty() || name.chars().count() > 120 {
                errors.add(
                    "products",
                    format!("Line {}: write `code | Name`, the code in lowercase letters, digits and dashes.", i + 1),
                );
            } else if products.iter().any(|p: &Product| p.code == code) {
                errors.add("products", format!("Line {}: the code {code:?} appears twice.", i + 1));
            } else {
                products.push(Product { code, name: name.to_string() });
            }
        }
        if products.is_empty() && errors.get("products").is_none() {
            errors.add("products", "List at least one product partners can register deals for.");
        }
        let mut accounts = Vec::new();
        for (i, line) in self.named_accounts.lines().map(str::trim).filter(|l| !l.is_empty()).enumerate() {
            let (name, domain) = match line.split_once('|') {
                Some((n, d)) => (n.trim(), Some(d.trim().to_lowercase()).filter(|d| !d.is_empty())),
                None => (line, None),
            };
            if name.is_empty() || name.chars().count() > 200 {
                errors.add(
                    "named_accounts",
                    format!("Line {}: write `Company name | domain` (the domain is optional).", i + 1),
                );
                continue;
            }
            if let Some(d) = &domain {
                if crate::rules::deal_conflict::registrable_domain(d).is_none() {
                    errors.add("named_accounts", format!("Line {}: {d:?} is not a web domain.", i + 1));
                    continue;
                }
            }
            accounts.push(NamedAccountRow { name: name.to_string(), domain });
        }
        errors.into_result()?;
        let policy = Policy {
            protection_days,
            similarity_threshold: similarity as f32 / 100.0,
            require_product_overlap: self.require_product_overlap.is_some(),
            auto_approve_clean: self.auto_approve_clean.is_some(),
            extensions_allowed,
            extension_days,
            approval_sla_hours,
            max_open_registrations,
            reminder_days,
        };
        Ok((policy, products, accounts))
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "admin/deal_policy.html")]
struct PolicyPage {
    page: Page,
    form: PolicyForm,
    errors: FieldErrors,
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn page(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<PolicyPage> {
    let form = PolicyForm::from_saved(
        &store::policy(&mut tx).await?,
        &store::products(&mut tx).await?,
        &store::named_accounts(&mut tx).await?,
    );
    tx.commit().await?;
    Ok(PolicyPage { page: page_for(&user, &csrf, q.notice.as_deref()), form, errors: FieldErrors::new() })
}

fn page_for(user: &CurrentUser, csrf: &CsrfToken, code: Option<&str>) -> Page {
    Page::new("Deal registration policy", csrf, user, "/admin/deal-policy")
        .with_notice(notice(code, &[("saved", "Policy saved.")]))
}

async fn submit(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<PolicyForm>,
) -> Result<Response> {
    match form.parse() {
        Ok((policy, products, accounts)) => {
            store::save_policy(&mut tx, user.tenant_id, &policy).await?;
            store::replace_products(&mut tx, user.tenant_id, &products).await?;
            store::replace_named_accounts(&mut tx, user.tenant_id, &accounts).await?;
            tx.commit().await?;
            Ok(Redirect::to("/admin/deal-policy?notice=saved").into_response())
        }
        Err(Error::Invalid(errors)) => {
            tx.rollback().await?;
            let mut response = PolicyPage { page: page_for(&user, &csrf, None), form, errors }.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}
