//! `/admin/plans`: the program admin's plan settings page — the fiscal year's first month, the pipeline coverage the
//! performance scorecard asks for (a fixed index, or derived from each partner's trailing win rate) and the growth %
//! a new plan's targets start from. The same settings as `PUT /api/v1/business-plans/settings`; every change is
//! audited by the database (`plan_settings_audit`).

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Query;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::{Extension, Form, Router};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::store::{self, SettingsRow};
use super::{SettingsInput, apply_settings};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{Auth, CurrentUser, ProgramAdmin};
use crate::error::{Error, FieldErrors, Result};
use crate::web::{Page, notice};

pub fn routes() -> Router<AppState> {
    Router::new().route("/admin/plans", get(page).post(submit))
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// The form as typed: every field as text, so that each can be checked and shown again beside its message.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct SettingsForm {
    #[serde(default)]
    pub fiscal_year_start_month: String,
    /// `index` (the fixed coverage index) or `win_rate`.
    #[serde(default)]
    pub coverage_mode: String,
    #[serde(default)]
    pub coverage_index: String,
    #[serde(default)]
    pub default_growth_percent: String,
}

impl SettingsForm {
    fn from_saved(s: &SettingsRow) -> SettingsForm {
        SettingsForm {
            fiscal_year_start_month: s.fiscal_year_start_month.to_string(),
            coverage_mode: if s.coverage_from_win_rate { "win_rate" } else { "index" }.to_string(),
            coverage_index: s.coverage_index.normalize().to_string(),
            default_growth_percent: s.default_growth_percent.normalize().to_string(),
        }
    }

    /// The settings the form asks for, or every wrong field with its message.
    pub fn parse(&self, old: &SettingsRow) -> Result<SettingsRow> {
        let mut errors = FieldErrors::new();
        let number = |text: &str| text.trim().trim_end_matches('%').trim().replace(',', "").parse::<Decimal>().ok();
        let month = self.fiscal_year_start_month.trim().parse::<i32>().ok();
        if month.is_none() {
            errors.add("fiscal_year_start_month", "Choose the month the fiscal year starts in.");
        }
        let from_win_rate = match self.coverage_mode.as_str() {
            "index" => Some(false),
            "win_rate" => Some(true),
            _ => {
                errors.add("coverage_mode", "Choose how the pipeline coverage is set.");
                None
            }
        };
        let coverage = number(&self.coverage_index);
        if coverage.is_none() {
            errors.add("coverage_index", "Enter a number from 1 to 10, such as 3.");
        }
        let growth = number(&self.default_growth_percent);
        if growth.is_none() {
            errors.add("default_growth_percent", "Enter a percentage, such as 10.");
        }
        let input = SettingsInput {
            fiscal_year_start_month: month,
            coverage_index: coverage,
            coverage_from_win_rate: from_win_rate,
            default_growth_percent: growth,
        };
        // The range checks of the API, for the fields that parsed.
        match apply_settings(old, &input) {
            Ok(s) if errors.is_empty() => Ok(s),
            Ok(_) => Err(Error::Invalid(errors)),
            Err(Error::Invalid(more)) => {
                for (field, messages) in &more.0 {
                    for m in messages {
                        errors.add(field, m.clone());
                    }
                }
                Err(Error::Invalid(errors))
            }
            Err(e) => Err(e),
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "plans/settings.html")]
struct SettingsPage {
    page: Page,
    form: SettingsForm,
    months: Vec<(String, String)>,
    modes: Vec<(String, String)>,
    errors: FieldErrors,
}

fn settings_page(
    user: &CurrentUser,
    csrf: &CsrfToken,
    code: Option<&str>,
    form: SettingsForm,
    errors: FieldErrors,
) -> SettingsPage {
    SettingsPage {
        page: Page::new("Plan settings", csrf, user, "/admin/plans")
            .with_notice(notice(code, &[("saved", "Plan settings saved.")])),
        form,
        months: MONTHS.iter().enumerate().map(|(i, m)| ((i + 1).to_string(), m.to_string())).collect(),
        modes: vec![
            ("index".to_string(), "The fixed index below".to_string()),
            ("win_rate".to_string(), "Derived from each partner's trailing win rate".to_string()),
        ],
        errors,
    }
}

#[derive(Deserialize)]
struct NoticeQuery {
    notice: Option<String>,
}

async fn page(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<SettingsPage> {
    let saved = store::settings(&mut tx).await?;
    tx.commit().await?;
    Ok(settings_page(&user, &csrf, q.notice.as_deref(), SettingsForm::from_saved(&saved), FieldErrors::new()))
}

/// Saves the settings, or shows the form again with the input and a message beside each wrong field (and saves
/// nothing).
async fn submit(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<SettingsForm>,
) -> Result<Response> {
    let old = store::settings(&mut tx).await?;
    match form.parse(&old) {
        Ok(s) => {
            store::put_settings(&mut tx, user.tenant_id, &s).await?;
            tx.commit().await?;
            Ok(Redirect::to("/admin/plans?notice=saved").into_response())
        }
        Err(Error::Invalid(errors)) => {
            tx.rollback().await?;
            let mut response = settings_page(&user, &csrf, None, form, errors).into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_form_names_every_wrong_field() {
        let old = SettingsRow::default();
        let form = SettingsForm {
            fiscal_year_start_month: "13".into(),
            coverage_mode: "guess".into(),
            coverage_index: "lots".into(),
            default_growth_percent: "2000".into(),
        };
        let Err(Error::Invalid(e)) = form.parse(&old) else { panic!() };
        let fields: Vec<&str> = e.0.keys().map(String::as_str).collect();
        assert_eq!(fields, ["coverage_index", "coverage_mode", "default_growth_percent", "fiscal_year_start_month"]);
        let ok = SettingsForm {
            fiscal_year_start_month: "4".into(),
            coverage_mode: "win_rate".into(),
            coverage_index: "2.5".into(),
            default_growth_percent: "12 %".into(),
        };
        let s = ok.parse(&old).unwrap();
        assert_eq!(
            (s.fiscal_year_start_month, s.coverage_index, s.coverage_from_win_rate, s.default_growth_percent),
            (4, Decimal::new(25, 1), true, Decimal::from(12))
        );
    }
}
