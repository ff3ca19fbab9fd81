//! The marketing plan page (`/mdf/plans`): a partner plans a quarter's activities with their forecasts (rates
//! pre-filled from its history or the program's benchmarks) and turns one into a draft request with one click; staff
//! read the plans of the partners in their care.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use chrono::Utc;
use serde::Deserialize;

use super::plans::{self, ActivityInput};
use super::{WaterfallInput, store};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AnyRole, Auth, CurrentUser, PartnerMember};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{ActivityId, MdfRequestId, PlanId};
use crate::web::{Page, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mdf/plans", get(show).post(create_form))
        .route("/mdf/plans/{id}/activities", post(add_form))
        .route("/mdf/activities/{id}/request", post(request_form))
        .route("/mdf/activities/{id}/delete", post(delete_form))
}

struct ActivityLine {
    id: ActivityId,
    title: String,
    kind: String,
    dates: String,
    cost: String,
    requested: String,
    stages: String,
    revenue: String,
    roi: String,
    rates_from: &'static str,
    flagged: bool,
    request: Option<(MdfRequestId, &'static str)>,
}

struct PlanBlock {
    partner: String,
    cost: String,
    requested: String,
    revenue: String,
    roi: String,
    activities: Vec<ActivityLine>,
}

#[derive(Deserialize, Default, Clone)]
struct ActivityForm {
    #[serde(default)]
    activity_type: String,
    #[serde(default)]
    title: String,
    #[serde(default)]
    starts_on: String,
    #[serde(default)]
    ends_on: String,
    #[serde(default)]
    cost: String,
    #[serde(default)]
    vendor_share_percent: String,
    #[serde(default)]
    audience: String,
    #[serde(default)]
    response_rate: String,
    #[serde(default)]
    mql_rate: String,
    #[serde(default)]
    sql_rate: String,
    #[serde(default)]
    win_rate: String,
    #[serde(default)]
    average_deal: String,
}

impl ActivityForm {
    fn input(&self) -> ActivityInput {
        let text = |s: &str| {
            if s.trim().is_empty() { serde_json::Value::Null } else { serde_json::Value::String(s.trim().into()) }
        };
        let audience = self.audience.trim().replace(',', "");
        ActivityInput {
            activity_type: self.activity_type.clone(),
            title: self.title.clone(),
            starts_on: self.starts_on.clone(),
            ends_on: self.ends_on.clone(),
            cost: text(&self.cost),
            vendor_share_percent: text(&self.vendor_share_percent),
            waterfall: WaterfallInput {
                audience: if audience.is_empty() { None } else { Some(audience.parse().unwrap_or(-1)) },
                response_rate: text(&self.response_rate),
                mql_rate: text(&self.mql_rate),
                sql_rate: text(&self.sql_rate),
                win_rate: text(&self.win_rate),
                average_deal: text(&self.average_deal),
            },
        }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "mdf/plans.html")]
struct PlansPage {
    page: Page,
    alert: Option<String>,
    is_partner: bool,
    quarter: String,
    quarters: Vec<(String, bool)>,
    plans: Vec<PlanBlock>,
    /// The partner's plan of the quarter, to add activities to.
    own_plan: Option<PlanId>,
    form: ActivityForm,
    errors: FieldErrors,
    activity_types: Vec<(String, String)>,
    rates_hint: String,
}

async fn render(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    quarter: Option<&str>,
    alert: Option<String>,
    code: Option<&str>,
    form: Option<(ActivityForm, FieldErrors)>,
) -> Result<PlansPage> {
    let page = Page::new("Marketing plans", csrf, user, "/mdf").with_notice(notice(
        code,
        &[
            ("started", "Plan started. Add the quarter's activities."),
            ("added", "Activity added with its forecast."),
            ("removed", "Activity removed."),
        ],
    ));
    let today = Utc::now().date_naive();
    let current = plans::quarter_of(today);
    let start = quarter.and_then(plans::parse_quarter).unwrap_or(current);
    let next = plans::quarter_of(current + chrono::Duration::days(95));
    let mut quarters: Vec<(String, bool)> = Vec::new();
    for q in [current, next, start] {
        let name = plans::quarter_name(q);
        if !quarters.iter().any(|(n, _)| *n == name) {
            quarters.push((name, q == start));
        }
    }
    let is_partner = user.role.is_partner();
    let mut blocks = Vec::new();
    let mut own_plan = None;
    for p in store::plans(tx, user.scope(), None, None, Some(start)).await? {
        let v = plans::plan_view(tx, user, p).await?;
        if is_partner {
            own_plan = Some(v.id);
        }
        let cur = "";
        let m = |s: &str| format::money(s.parse().unwrap_or_default(), cur).trim().to_string();
        blocks.push(PlanBlock {
            partner: v.partner_name.clone(),
            cost: m(&v.totals.cost),
            requested: m(&v.totals.requested),
            revenue: m(&v.totals.forecast_revenue),
            roi: v.totals.forecast_roi.clone().unwrap_or_else(|| "–".into()),
            activities: v
                .activities
                .iter()
                .map(|a| ActivityLine {
                    id: a.id,
                    title: a.title.clone(),
                    kind: a.activity_type.clone(),
                    dates: format!("{} – {}", format::date(a.starts_on), format::date(a.ends_on)),
                    cost: m(&a.cost),
                    requested: m(&a.requested),
                    stages: format!(
                        "{} → {} responses → {} MQLs → {} SQLs → {} wins",
                        a.waterfall.audience,
                        a.waterfall.responses,
                        a.waterfall.mqls,
                        a.waterfall.sqls,
                        a.waterfall.wins
                    ),
                    revenue: m(&a.waterfall.forecast_revenue),
                    roi: a.waterfall.forecast_roi.clone().unwrap_or_else(|| "–".into()),
                    rates_from: match a.rates_from.as_str() {
                        "history" => "your history",
                        "benchmark" => "program benchmark",
                        _ => "edited",
                    },
                    flagged: a.flagged,
                    request: a.request_id.zip(a.request_status.map(|s| s.label())),
                })
                .collect(),
        });
    }
    let (form, errors) = form.unwrap_or_default();
    let mut activity_types = Vec::new();
    let mut rates_hint = String::new();
    if is_partner {
        activity_types = store::activity_types(tx).await?.into_iter().map(|t| (t.code, t.label)).collect();
        if let Some(partner) = user.partner_id {
            let r = plans::prefilled(tx, partner, None).await?;
            rates_hint = if r.from == "history" {
                format!(
                    "Left empty, the rates come from your own results: response {} %, MQL {} %, SQL {} %, win {} %, average deal {}.",
                    r.response_rate, r.mql_rate, r.sql_rate, r.win_rate, r.average_deal
                )
            } else {
                "Left empty, the rates come from the program's benchmark for the activity type.".into()
            };
        }
    }
    Ok(PlansPage {
        page,
        alert,
        is_partner,
        quarter: plans::quarter_name(start),
        quarters,
        plans: blocks,
        own_plan,
        form,
        errors,
        activity_types,
        rates_hint,
    })
}

#[derive(Deserialize)]
struct PlanQuery {
    quarter: Option<String>,
    notice: Option<String>,
}

async fn show(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<PlanQuery>,
) -> Result<PlansPage> {
    let page = render(&mut tx, &user, &csrf, q.quarter.as_deref(), None, q.notice.as_deref(), None).await?;
    tx.commit().await?;
    Ok(page)
}

async fn refused(
    user: &CurrentUser,
    csrf: &CsrfToken,
    mut tx: Tx,
    quarter: Option<&str>,
    e: Error,
) -> Result<Response> {
    let status = e.status();
    let alert = match e {
        Error::Conflict(m) => m,
        Error::Invalid(errors) => {
            let fields: Vec<String> =
                errors.0.iter().flat_map(|(f, ms)| ms.iter().map(move |m| format!("{f}: {m}"))).collect();
            format!("Nothing was changed. {}", fields.join(" "))
        }
        other => return Err(other),
    };
    let page = render(&mut tx, user, csrf, quarter, Some(alert), None, None).await?;
    tx.commit().await?;
    let mut response = page.into_response();
    *response.status_mut() = status;
    Ok(response)
}

#[derive(Deserialize, Default)]
struct QuarterForm {
    #[serde(default)]
    quarter: String,
}

async fn create_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<QuarterForm>,
) -> Result<Response> {
    match crate::db::attempt!(tx, plans::create_plan(&mut tx, &user, &form.quarter)) {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/mdf/plans?quarter={}&notice=started", form.quarter.trim())).into_response())
        }
        Err(e) => refused(&user, &csrf, tx, Some(&form.quarter), e).await,
    }
}

async fn quarter_of_plan(tx: &mut Tx, user: &CurrentUser, id: PlanId) -> Result<String> {
    let p = store::plans(tx, user.scope(), Some(id), None, None).await?.into_iter().next().ok_or(Error::NotFound)?;
    Ok(plans::quarter_name(p.quarter_start))
}

async fn add_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<PlanId>,
    Form(form): Form<ActivityForm>,
) -> Result<Response> {
    let quarter = quarter_of_plan(&mut tx, &user, id).await?;
    match crate::db::attempt!(tx, plans::add_activity(&mut tx, &user, id, &form.input())) {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/mdf/plans?quarter={quarter}&notice=added")).into_response())
        }
        Err(Error::Invalid(errors)) => {
            let alert = Some("Nothing was added: correct the fields marked below.".to_string());
            let page = render(&mut tx, &user, &csrf, Some(&quarter), alert, None, Some((form, errors))).await?;
            tx.commit().await?;
            let mut response = page.into_response();
            *response.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => refused(&user, &csrf, tx, Some(&quarter), e).await,
    }
}

async fn activity_quarter(tx: &mut Tx, user: &CurrentUser, id: ActivityId) -> Result<String> {
    let a = store::activities(tx, user.scope(), None, Some(id)).await?.into_iter().next().ok_or(Error::NotFound)?;
    Ok(plans::quarter_name(a.quarter_start))
}

async fn request_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<ActivityId>,
) -> Result<Response> {
    let quarter = activity_quarter(&mut tx, &user, id).await?;
    match crate::db::attempt!(tx, plans::request_from(&mut tx, &user, id, None)) {
        Ok(request) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/mdf/requests/{request}?notice=drafted#edit")).into_response())
        }
        Err(e) => refused(&user, &csrf, tx, Some(&quarter), e).await,
    }
}

async fn delete_form(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<ActivityId>,
) -> Result<Response> {
    let quarter = activity_quarter(&mut tx, &user, id).await?;
    match crate::db::attempt!(tx, plans::delete_activity(&mut tx, &user, id)) {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/mdf/plans?quarter={quarter}&notice=removed")).into_response())
        }
        Err(e) => refused(&user, &csrf, tx, Some(&quarter), e).await,
    }
}
