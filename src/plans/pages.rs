//! Pages: `/business-plans` (list, draft), `/business-plans/{id}` (edit, share, agree, comment, close), and the
//! performance scorecard (`/scorecard` for partner people, `/partners/{id}/scorecard` for staff), printable.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use rust_decimal::Decimal;
use serde::Deserialize;

use super::scorecard::{self as card, Scorecard};
use super::store::{self, PlanRow};
use super::{CreateInput, ForecastInput, ObjectiveInput, PlanPatch, PlanState};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AnyRole, Auth, CurrentUser, Manager, PartnerMember, Role, Staff};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{BusinessPlanId, PartnerId};
use crate::rules::scorecard::{Mark, percent};
use crate::web::{Page, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/business-plans", get(list).post(create))
        .route("/business-plans/{id}", get(show).post(save))
        .route("/business-plans/{id}/share", post(share))
        .route("/business-plans/{id}/agree", post(agree))
        .route("/business-plans/{id}/close", post(close))
        .route("/business-plans/{id}/comments", post(comment))
        .route("/scorecard", get(own_scorecard))
        .route("/partners/{id}/scorecard", get(staff_scorecard))
        .merge(super::settings::routes())
}

fn badge(state: PlanState) -> &'static str {
    match state {
        PlanState::Draft => "badge-gray",
        PlanState::Shared => "badge-yellow",
        PlanState::Agreed => "badge-green",
        PlanState::Closed => "badge-gray",
    }
}

struct PlanLine {
    id: BusinessPlanId,
    partner: String,
    year: String,
    state: &'static str,
    badge: &'static str,
    version: i32,
    revenue: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "plans/index.html")]
struct ListPage {
    page: Page,
    can_draft: bool,
    plans: Vec<PlanLine>,
    partners: Vec<(String, String)>,
    form: DraftForm,
    errors: FieldErrors,
}

#[derive(Deserialize, Default, Clone)]
struct DraftForm {
    #[serde(default)]
    partner_id: String,
    #[serde(default)]
    growth_percent: String,
}

#[derive(Deserialize, Default)]
struct PageQuery {
    notice: Option<String>,
}

async fn render_list(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    q: &PageQuery,
    form: DraftForm,
    errors: FieldErrors,
) -> Result<ListPage> {
    let (rows, _) = store::plans(tx, user.scope(), None, None, None, 200, 0).await?;
    let can_draft = matches!(user.role, Role::Cam | Role::ProgramAdmin);
    let partners = if can_draft {
        std::iter::once((String::new(), "Choose…".to_string()))
            .chain(store::partners(tx, user.scope()).await?.into_iter().map(|(id, name)| (id.to_string(), name)))
            .collect()
    } else {
        vec![]
    };
    let mut plans = Vec::new();
    for p in rows {
        let objectives = store::objectives(tx, p.id).await?;
        let f = super::api::forecast_view(&p, &objectives);
        plans.push(PlanLine {
            id: p.id,
            partner: p.partner_name,
            year: fiscal_label(p.fiscal_year, p.starts_on),
            state: p.state.label(),
            badge: badge(p.state),
            version: p.version,
            revenue: format::money(f.revenue, &p.currency),
        });
    }
    let mut page = Page::new("Business plans", csrf, user, "/business-plans");
    page.notice = notice(q.notice.as_deref(), &[("closed", "The plan is closed.")]);
    Ok(ListPage { page, can_draft, plans, partners, form, errors })
}

fn fiscal_label(year: i32, starts_on: chrono::NaiveDate) -> String {
    if starts_on.format("%m").to_string() == "01" {
        format!("FY {year}")
    } else {
        format!("FY {year}/{}", (year + 1) % 100)
    }
}

async fn list(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<PageQuery>,
) -> Result<ListPage> {
    let growth = store::settings(&mut tx).await?.default_growth_percent.normalize().to_string();
    let p = render_list(
        &mut tx,
        &user,
        &csrf,
        &q,
        DraftForm { growth_percent: growth, ..DraftForm::default() },
        FieldErrors::new(),
    )
    .await?;
    tx.commit().await?;
    Ok(p)
}

fn unprocessable(r: impl IntoResponse) -> Response {
    let mut r = r.into_response();
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

async fn create(
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<DraftForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::new();
    let partner_id = form.partner_id.parse::<PartnerId>().ok();
    let growth = form.growth_percent.trim().parse::<Decimal>().ok();
    if growth.is_none() {
        errors.add("growth_percent", "Enter a percentage, such as 10.");
    }
    let input = CreateInput { partner_id, fiscal_year: None, growth_percent: growth, currency: None };
    let result = if errors.is_empty() {
        crate::db::attempt!(tx, super::create(&mut tx, &user, &input))
    } else {
        Err(Error::Invalid(errors))
    };
    match result {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/business-plans/{id}?notice=drafted")).into_response())
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_) | Error::NotFound)) => {
            let errors = match e {
                Error::Invalid(errors) => errors,
                Error::Conflict(m) => {
                    let mut errors = FieldErrors::new();
                    errors.add("partner_id", m);
                    errors
                }
                _ => {
                    let mut errors = FieldErrors::new();
                    errors.add("partner_id", "Choose one of your partners.");
                    errors
                }
            };
            let p = render_list(&mut tx, &user, &csrf, &PageQuery::default(), form, errors).await?;
            Ok(unprocessable(p))
        }
        Err(e) => Err(e),
    }
}

struct ObjectiveLine {
    index: usize,
    kind: String,
    name: String,
    certification: String,
    weight: String,
    targets: Vec<String>,
    actuals: Vec<String>,
    custom: bool,
    shown_targets: Vec<String>,
}

struct CommentLine {
    author: String,
    body: String,
    at: String,
}

struct VersionLine {
    version: i32,
    agreed_by: String,
    agreed_at: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "plans/show.html")]
struct ShowPage {
    page: Page,
    id: BusinessPlanId,
    partner_id: PartnerId,
    partner: String,
    year: String,
    period: String,
    state: &'static str,
    badge: &'static str,
    version: i32,
    amendment: bool,
    can_edit: bool,
    can_share: bool,
    can_agree: bool,
    can_close: bool,
    can_comment: bool,
    is_staff: bool,
    currency: String,
    objectives: Vec<ObjectiveLine>,
    form: EditForm,
    errors: FieldErrors,
    revenue: String,
    profit: String,
    comments: Vec<CommentLine>,
    versions: Vec<VersionLine>,
    comment_error: Option<String>,
}

#[derive(Deserialize, Default, Clone)]
struct EditForm {
    #[serde(default)]
    value_proposition: String,
    #[serde(default)]
    go_to_market: String,
    #[serde(default)]
    vendor_commitments: String,
    #[serde(default)]
    partner_commitments: String,
    #[serde(default)]
    margin_percent: String,
    #[serde(default)]
    rebates: String,
    #[serde(default)]
    mdf: String,
    #[serde(default)]
    costs: String,
}

fn plain(d: Decimal) -> String {
    d.normalize().to_string()
}

async fn render_show(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    plan: PlanRow,
    edit: Option<(EditForm, Vec<ObjectiveLine>, FieldErrors)>,
    comment_error: Option<String>,
    notice_code: Option<&str>,
) -> Result<ShowPage> {
    let objectives = store::objectives(tx, plan.id).await?;
    let f = super::api::forecast_view(&plan, &objectives);
    let manager = matches!(user.role, Role::Cam | Role::ProgramAdmin);
    let lines: Vec<ObjectiveLine> = objectives
        .iter()
        .enumerate()
        .map(|(i, o)| ObjectiveLine {
            index: i,
            kind: o.kind.as_str().to_string(),
            name: o.name.clone(),
            certification: o.certification.clone().unwrap_or_default(),
            weight: o.weight.to_string(),
            targets: o.targets.iter().map(|t| plain(*t)).collect(),
            actuals: o.manual_actuals.iter().map(|t| plain(*t)).collect(),
            custom: o.kind == super::ObjectiveKind::Custom,
            shown_targets: o
                .targets
                .iter()
                .map(|t| if o.kind.is_money() { format::money(*t, &plan.currency) } else { plain(*t) })
                .collect(),
        })
        .collect();
    let (form, lines, errors) = match edit {
        Some(e) => e,
        None => (
            EditForm {
                value_proposition: plan.value_proposition.clone(),
                go_to_market: plan.go_to_market.clone(),
                vendor_commitments: plan.vendor_commitments.clone(),
                partner_commitments: plan.partner_commitments.clone(),
                margin_percent: plain(plan.margin_percent),
                rebates: plain(plan.rebates),
                mdf: plain(plan.mdf),
                costs: plain(plan.costs),
            },
            lines,
            FieldErrors::new(),
        ),
    };
    let comments = store::comments(tx, plan.id)
        .await?
        .into_iter()
        .map(|c| CommentLine { author: c.author, body: c.body, at: format::datetime(c.created_at) })
        .collect();
    let versions = store::versions(tx, plan.id)
        .await?
        .into_iter()
        .map(|v| VersionLine { version: v.version, agreed_by: v.agreed_by, agreed_at: format::datetime(v.agreed_at) })
        .collect();
    let notices = [
        ("drafted", "Draft created, targets pre-filled from last year's actuals and the growth %. Adjust, then share."),
        ("saved", "Saved."),
        ("amended", "Saved as an amendment: the partner has been asked to accept it."),
        ("shared", "Shared: the partner's admins have been emailed to review and accept it."),
        ("agreed", "Agreed. The targets are frozen as this version."),
        ("commented", "Comment added."),
    ];
    let mut page = Page::new(format!("Business plan: {}", plan.partner_name), csrf, user, "/business-plans");
    page.notice = notice(notice_code, &notices);
    Ok(ShowPage {
        page,
        id: plan.id,
        partner_id: plan.partner_id,
        year: fiscal_label(plan.fiscal_year, plan.starts_on),
        period: format!(
            "{} – {}",
            format::date(plan.starts_on),
            format::date(plan.ends_on - chrono::Duration::days(1))
        ),
        state: plan.state.label(),
        badge: badge(plan.state),
        version: plan.version,
        amendment: plan.state == PlanState::Shared && plan.version > 1,
        can_edit: manager && plan.state != PlanState::Closed,
        can_share: manager && plan.state == PlanState::Draft,
        can_agree: user.role == Role::PartnerAdmin && plan.state == PlanState::Shared,
        can_close: manager && plan.state == PlanState::Agreed,
        can_comment: plan.state != PlanState::Closed,
        is_staff: !user.role.is_partner(),
        partner: plan.partner_name,
        currency: plan.currency.clone(),
        objectives: lines,
        form,
        errors,
        revenue: format::money(f.revenue, &plan.currency),
        profit: format::money(f.profit, &plan.currency),
        comments,
        versions,
        comment_error,
    })
}

async fn show(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<BusinessPlanId>,
    Query(q): Query<PageQuery>,
) -> Result<ShowPage> {
    let plan = store::plan(&mut tx, user.scope(), id, false).await?.ok_or(Error::NotFound)?;
    let p = render_show(&mut tx, &user, &csrf, plan, None, None, q.notice.as_deref()).await?;
    tx.commit().await?;
    Ok(p)
}

/// Reads the edit form: the plan's fields and, per objective i, `o{i}_kind`, `o{i}_name`, `o{i}_certification`,
/// `o{i}_weight`, `o{i}_q1`…`o{i}_q4` (and `o{i}_a1`…`o{i}_a4` for custom ones).
fn read_edit(fields: &HashMap<String, String>) -> (EditForm, Vec<ObjectiveLine>, PlanPatch, FieldErrors) {
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let mut errors = FieldErrors::new();
    let number = |field: &str, v: &str, errors: &mut FieldErrors| -> Option<Decimal> {
        let t = v.trim().replace(',', "");
        if t.is_empty() {
            return Some(Decimal::ZERO);
        }
        match t.parse::<Decimal>() {
            Ok(d) => Some(d),
            Err(_) => {
                errors.add(field, "Enter a number.");
                None
            }
        }
    };
    let form = EditForm {
        value_proposition: get("value_proposition"),
        go_to_market: get("go_to_market"),
        vendor_commitments: get("vendor_commitments"),
        partner_commitments: get("partner_commitments"),
        margin_percent: get("margin_percent"),
        rebates: get("rebates"),
        mdf: get("mdf"),
        costs: get("costs"),
    };
    let forecast = ForecastInput {
        margin_percent: number("forecast.margin_percent", &form.margin_percent, &mut errors),
        rebates: number("forecast.rebates", &form.rebates, &mut errors),
        mdf: number("forecast.mdf", &form.mdf, &mut errors),
        costs: number("forecast.costs", &form.costs, &mut errors),
    };
    let mut lines = Vec::new();
    let mut inputs = Vec::new();
    for i in 0..12 {
        let kind = get(&format!("o{i}_kind"));
        if kind.is_empty() {
            continue;
        }
        let targets: Vec<String> = (1..=4).map(|q| get(&format!("o{i}_q{q}"))).collect();
        let actuals: Vec<String> = (1..=4).map(|q| get(&format!("o{i}_a{q}"))).collect();
        let weight = get(&format!("o{i}_weight"));
        let field = format!("objectives[{i}].targets");
        let t: Vec<Decimal> = targets.iter().filter_map(|v| number(&field, v, &mut errors)).collect();
        let field = format!("objectives[{i}].manual_actuals");
        let a: Vec<Decimal> = actuals.iter().filter_map(|v| number(&field, v, &mut errors)).collect();
        let w = weight.trim().parse::<i32>().ok().or(Some(0));
        let custom = kind == "custom";
        inputs.push(ObjectiveInput {
            kind: kind.clone(),
            name: Some(get(&format!("o{i}_name"))),
            certification: Some(get(&format!("o{i}_certification"))).filter(|c| !c.is_empty()),
            weight: w,
            targets: t,
            manual_actuals: custom.then_some(a),
        });
        lines.push(ObjectiveLine {
            index: i,
            name: get(&format!("o{i}_name")),
            certification: get(&format!("o{i}_certification")),
            kind,
            weight,
            shown_targets: targets.clone(),
            targets,
            actuals,
            custom,
        });
    }
    let patch = PlanPatch {
        value_proposition: Some(form.value_proposition.clone()),
        go_to_market: Some(form.go_to_market.clone()),
        vendor_commitments: Some(form.vendor_commitments.clone()),
        partner_commitments: Some(form.partner_commitments.clone()),
        growth_percent: None,
        forecast: Some(forecast),
        objectives: Some(inputs),
    };
    (form, lines, patch, errors)
}

async fn save(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<BusinessPlanId>,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response> {
    let plan = store::plan(&mut tx, user.scope(), id, false).await?.ok_or(Error::NotFound)?;
    let (form, lines, patch, errors) = read_edit(&fields);
    let result = if errors.is_empty() {
        crate::db::attempt!(tx, super::update(&mut tx, &user, &state.base_url, id, &patch))
    } else {
        Err(Error::Invalid(errors))
    };
    match result {
        Ok(()) => {
            tx.commit().await?;
            let code = if plan.state == PlanState::Agreed { "amended" } else { "saved" };
            Ok(Redirect::to(&format!("/business-plans/{id}?notice={code}")).into_response())
        }
        Err(Error::Invalid(errors)) => {
            let p = render_show(&mut tx, &user, &csrf, plan, Some((form, lines, errors)), None, None).await?;
            Ok(unprocessable(p))
        }
        Err(e) => Err(e),
    }
}

async fn share(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    Path(id): Path<BusinessPlanId>,
) -> Result<Response> {
    super::share(&mut tx, &user, &state.base_url, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/business-plans/{id}?notice=shared")).into_response())
}

async fn agree(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Path(id): Path<BusinessPlanId>,
) -> Result<Response> {
    super::agree(&mut tx, &user, &state.base_url, id).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("/business-plans/{id}?notice=agreed")).into_response())
}

async fn close(Auth { user, mut tx, .. }: Auth<Manager>, Path(id): Path<BusinessPlanId>) -> Result<Response> {
    super::close(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(Redirect::to("/business-plans?notice=closed").into_response())
}

#[derive(Deserialize, Default)]
struct CommentForm {
    #[serde(default)]
    body: String,
}

async fn comment(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<BusinessPlanId>,
    Form(form): Form<CommentForm>,
) -> Result<Response> {
    match crate::db::attempt!(tx, super::comment(&mut tx, &user, id, &form.body)) {
        Ok(_) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/business-plans/{id}?notice=commented#comments")).into_response())
        }
        Err(Error::Invalid(e)) => {
            let plan = store::plan(&mut tx, user.scope(), id, false).await?.ok_or(Error::NotFound)?;
            let message = e.get("body").map(str::to_string);
            let p = render_show(&mut tx, &user, &csrf, plan, None, message, None).await?;
            Ok(unprocessable(p))
        }
        Err(e) => Err(e),
    }
}

/// One bar of the objectives chart: actual against target, drawn in Rust so the template only places it.
struct Bar {
    label: String,
    actual: String,
    target: String,
    y: i64,
    width: i64,
    target_x: i64,
    mark: &'static str,
    mark_label: &'static str,
    percent: String,
}

struct TrendBar {
    label: String,
    value: String,
    x: i64,
    height: i64,
    y: i64,
}

struct MetricLine {
    label: &'static str,
    value: String,
    target: String,
    mark: &'static str,
    mark_label: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "plans/scorecard.html")]
struct ScorecardPage {
    page: Page,
    partner: String,
    period: String,
    quarter_label: String,
    plan_link: Option<String>,
    plan_state: String,
    attainment: String,
    attainment_mark: &'static str,
    coverage: String,
    bars: Vec<Bar>,
    chart_height: i64,
    trend: Vec<TrendBar>,
    metrics: Vec<MetricLine>,
    prev: String,
    next: String,
}

fn mark_parts(m: Option<Mark>) -> (&'static str, &'static str) {
    m.map_or(("none", "No target"), |m| (m.css(), m.label()))
}

fn show_value(v: Decimal, unit: &str, currency: &str) -> String {
    match unit {
        "money" => format::money(v, currency),
        "ratio" => format!("{} %", percent(v)),
        _ => plain(v.round_dp(2)),
    }
}

fn scorecard_page(s: Scorecard, page: Page, base: String) -> ScorecardPage {
    let bars = s
        .objectives
        .iter()
        .enumerate()
        .map(|(i, o)| {
            let scale = o.target.max(o.actual).max(Decimal::ONE);
            let px = |v: Decimal| (v / scale * Decimal::from(300)).round().try_into().unwrap_or(0i64);
            let (mark, mark_label) = mark_parts(o.mark);
            Bar {
                label: o.name.clone(),
                actual: show_value(o.actual, o.unit, &s.currency),
                target: show_value(o.target, o.unit, &s.currency),
                y: 4 + i as i64 * 62,
                width: px(o.actual).max(2),
                target_x: px(o.target),
                mark,
                mark_label,
                percent: o.attainment.map_or("–".into(), |a| format!("{} %", percent(a))),
            }
        })
        .collect::<Vec<_>>();
    let revenue = s.metrics.iter().find(|m| m.key == "performance_to_plan");
    let trend = revenue
        .map(|m| {
            let top = m.trend.iter().map(|t| t.value).max().unwrap_or_default().max(Decimal::ONE);
            m.trend
                .iter()
                .enumerate()
                .map(|(i, t)| {
                    let height: i64 = (t.value / top * Decimal::from(100)).round().try_into().unwrap_or(0);
                    TrendBar {
                        label: format!("Q{} {}", t.quarter, t.fiscal_year),
                        value: format::money(t.value, &s.currency),
                        x: 10 + i as i64 * 80,
                        height: height.max(1),
                        y: 120 - height.max(1),
                    }
                })
                .collect()
        })
        .unwrap_or_default();
    let metrics = s
        .metrics
        .iter()
        .map(|m| {
            let (mark, mark_label) = mark_parts(m.mark);
            MetricLine {
                label: m.label,
                value: show_value(m.value, m.unit, &s.currency),
                target: m.target.map_or(String::new(), |t| show_value(t, m.unit, &s.currency)),
                mark,
                mark_label,
            }
        })
        .collect();
    let (prev_y, prev_q) = if s.quarter == 1 { (s.fiscal_year - 1, 4) } else { (s.fiscal_year, s.quarter - 1) };
    let (next_y, next_q) = if s.quarter == 4 { (s.fiscal_year + 1, 1) } else { (s.fiscal_year, s.quarter + 1) };
    let attainment_mark = match s.attainment {
        Some(a) => {
            crate::rules::scorecard::mark_of_pace(a / s.elapsed.max(Decimal::new(1, 2)), Default::default()).css()
        }
        None => "none",
    };
    ScorecardPage {
        page,
        partner: s.partner_name,
        period: format!("{} – {}", format::date(s.period_start), format::date(s.period_end)),
        quarter_label: format!("Q{} of fiscal year {}", s.quarter, s.fiscal_year),
        plan_link: s.plan_id.map(|id| format!("/business-plans/{id}")),
        plan_state: s.plan_state.map_or("No plan for this year".into(), |p| p.label().to_string()),
        attainment: s.attainment.map_or("–".into(), |a| format!("{} %", percent(a))),
        attainment_mark,
        coverage: format!("{}×", plain(s.coverage)),
        chart_height: 8 + bars.len() as i64 * 62,
        bars,
        trend,
        metrics,
        prev: format!("{base}?fiscal_year={prev_y}&quarter={prev_q}"),
        next: format!("{base}?fiscal_year={next_y}&quarter={next_q}"),
    }
}

#[derive(Deserialize, Default)]
struct CardQuery {
    fiscal_year: Option<i32>,
    quarter: Option<u32>,
}

async fn own_scorecard(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<CardQuery>,
) -> Result<ScorecardPage> {
    let partner = user.partner_id.ok_or(Error::NotFound)?;
    let s = card::compute(&mut tx, user.scope(), partner, q.fiscal_year, q.quarter).await?;
    let page = Page::new("Scorecard", &csrf, &user, "/scorecard");
    tx.commit().await?;
    Ok(scorecard_page(s, page, "/scorecard".into()))
}

async fn staff_scorecard(
    Auth { user, mut tx, .. }: Auth<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<PartnerId>,
    Query(q): Query<CardQuery>,
) -> Result<ScorecardPage> {
    let s = card::compute(&mut tx, user.scope(), id, q.fiscal_year, q.quarter).await?;
    let page = Page::new(format!("Scorecard: {}", s.partner_name), &csrf, &user, "/scorecards");
    tx.commit().await?;
    Ok(scorecard_page(s, page, format!("/partners/{id}/scorecard")))
}

/// The partner home's block: this quarter's plan attainment and the scorecard's marks.
pub struct HomePlan {
    pub attainment: String,
    pub mark: &'static str,
    pub plan_state: String,
    pub marks: Vec<(&'static str, String, &'static str, &'static str)>,
}

pub async fn home_block(tx: &mut Tx, user: &CurrentUser) -> Result<Option<HomePlan>> {
    let Some(partner) = user.partner_id else { return Ok(None) };
    let s = card::compute(tx, user.scope(), partner, None, None).await?;
    if s.plan_id.is_none() {
        return Ok(None);
    }
    let attainment_mark = match s.attainment {
        Some(a) => {
            crate::rules::scorecard::mark_of_pace(a / s.elapsed.max(Decimal::new(1, 2)), Default::default()).css()
        }
        None => "none",
    };
    Ok(Some(HomePlan {
        attainment: s.attainment.map_or("–".into(), |a| format!("{} %", percent(a))),
        mark: attainment_mark,
        plan_state: s.plan_state.map_or(String::new(), |p| p.label().to_string()),
        marks: s
            .metrics
            .iter()
            .filter(|m| m.mark.is_some())
            .map(|m| {
                let (css, label) = mark_parts(m.mark);
                (m.label, show_value(m.value, m.unit, &s.currency), css, label)
            })
            .collect(),
    }))
}

/// One assigned partner on the CAM home: its closed-won revenue against the plan's target this quarter (the
/// scorecard's performance-to-plan), on pace or not, and its pipeline to target.
pub struct CamPlanLine {
    pub id: PartnerId,
    pub name: String,
    pub attainment: String,
    pub mark: &'static str,
    pub mark_label: &'static str,
    pub coverage: String,
}

/// The CAM home's block: partners with an agreed plan and where they stand, and those without one.
pub struct CamPlans {
    pub lines: Vec<CamPlanLine>,
    pub missing: Vec<(PartnerId, String, &'static str)>,
}

/// How many partners the CAM home lists with their plan figures.
const CAM_PLANS_SHOWN: i64 = 25;

pub async fn cam_block(tx: &mut Tx, user: &CurrentUser) -> Result<CamPlans> {
    use crate::rules::scorecard as rule;
    let scope = user.scope();
    let today = crate::program::store::today(tx).await?;
    let settings = store::settings(tx).await?;
    let start_month = settings.fiscal_year_start_month as u32;
    let (year, quarter) = (rule::fiscal_year_of(today, start_month), rule::quarter_of(today, start_month));
    let (first_year, first_quarter) = card::last_four(year, quarter)[0];
    let days = [
        rule::quarter_start(first_year, start_month, first_quarter),
        rule::quarter_start(year, start_month, quarter),
        rule::quarter_start(year, start_month, quarter + 1),
    ];
    let elapsed = rule::elapsed(days[1], days[2], today);
    let bounds = super::day_starts(tx, &days).await?;
    let rows = store::cam_plan_rows(tx, scope, today, CAM_PLANS_SHOWN, quarter as i32, bounds[0], bounds[1], bounds[2])
        .await?;
    let bands = rule::Bands::default();
    let lines = rows
        .into_iter()
        .map(|r| {
            let target = r.target.filter(|t| *t > Decimal::ZERO);
            let (mark, mark_label) = mark_parts(target.and_then(|t| rule::mark(r.won_revenue, t, elapsed, bands)));
            let cover = rule::coverage(settings.coverage_index, settings.coverage_from_win_rate, r.won_4q, r.lost_4q);
            let coverage = match target.map(|t| rule::pipeline_to_target(r.open_pipeline, t, r.won_revenue, cover)) {
                None => "–".into(),
                Some(None) => "target met".into(),
                Some(Some(v)) => format!("{} %", percent(v.round_dp(4))),
            };
            CamPlanLine {
                id: r.id,
                name: r.name,
                attainment: target
                    .and_then(|t| rule::attainment(r.won_revenue, t))
                    .map_or("–".into(), |a| format!("{} %", percent(a))),
                mark,
                mark_label,
                coverage,
            }
        })
        .collect();
    let missing = store::without_agreed_plan(tx, scope, today, 50)
        .await?
        .into_iter()
        .map(|(id, name, state)| (id, name, state.map_or("No plan", PlanState::label)))
        .collect();
    Ok(CamPlans { lines, missing })
}
