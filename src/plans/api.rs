//! `/api/v1/business-plans` and `/api/v1/partners/{id}/scorecard`. Contract: docs/api.md ("Business plans").

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::scorecard::{self, Scorecard};
use super::store::{self, ObjectiveRow, PlanRow, SettingsRow};
use super::{CreateInput, ObjectiveKind, PlanPatch, PlanState, SettingsInput};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, ListParams, ListResponse};
use crate::auth::{AnyRole, Auth, Manager, ProgramAdmin, Staff};
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::ids::{BusinessPlanId, ObjectiveId, PartnerId, PlanCommentId};
use crate::rules::scorecard as rule;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/business-plans/settings", get(settings).put(put_settings))
        .route("/business-plans/overview", get(overview))
        .route("/business-plans", get(list).post(create))
        .route("/business-plans/{id}", get(show).patch(update))
        .route("/business-plans/{id}/share", post(share))
        .route("/business-plans/{id}/agree", post(agree))
        .route("/business-plans/{id}/close", post(close))
        .route("/business-plans/{id}/versions", get(versions))
        .route("/business-plans/{id}/comments", get(comments).post(comment))
        .route("/partners/{id}/scorecard", get(partner_scorecard))
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SettingsView {
    pub fiscal_year_start_month: i32,
    #[schema(value_type = String)]
    pub coverage_index: Decimal,
    pub coverage_from_win_rate: bool,
    /// The growth % a new plan's targets start from.
    #[schema(value_type = String)]
    pub default_growth_percent: Decimal,
}

impl From<SettingsRow> for SettingsView {
    fn from(s: SettingsRow) -> SettingsView {
        SettingsView {
            fiscal_year_start_month: s.fiscal_year_start_month,
            coverage_index: s.coverage_index,
            coverage_from_win_rate: s.coverage_from_win_rate,
            default_growth_percent: s.default_growth_percent,
        }
    }
}

/// The program's fiscal year start and the pipeline coverage the scorecard asks for.
#[utoipa::path(get, path = "/api/v1/business-plans/settings", tag = "plans",
    responses((status = 200, body = SettingsView)), security(("bearer" = [])))]
pub async fn settings(Auth { mut tx, .. }: Auth<Staff>) -> Result<Json<SettingsView>> {
    Ok(Json(store::settings(&mut tx).await?.into()))
}

/// Sets the fiscal year's first month, the coverage and the default growth % (program admins).
#[utoipa::path(put, path = "/api/v1/business-plans/settings", tag = "plans", request_body = SettingsInput,
    responses((status = 200, body = SettingsView), (status = 422)), security(("bearer" = [])))]
pub async fn put_settings(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiJson(input): ApiJson<SettingsInput>,
) -> Result<Json<SettingsView>> {
    let old = store::settings(&mut tx).await?;
    let s = super::apply_settings(&old, &input)?;
    store::put_settings(&mut tx, user.tenant_id, &s).await?;
    tx.commit().await?;
    Ok(Json(s.into()))
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ObjectiveView {
    pub id: ObjectiveId,
    pub kind: ObjectiveKind,
    pub name: String,
    pub certification: Option<String>,
    pub weight: i32,
    #[schema(value_type = Vec<String>)]
    pub targets: Vec<Decimal>,
    #[schema(value_type = Vec<String>)]
    pub manual_actuals: Vec<Decimal>,
}

pub fn objective_view(o: &ObjectiveRow) -> ObjectiveView {
    ObjectiveView {
        id: o.id,
        kind: o.kind,
        name: o.name.clone(),
        certification: o.certification.clone(),
        weight: o.weight,
        targets: o.targets.clone(),
        manual_actuals: o.manual_actuals.clone(),
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ForecastView {
    #[schema(value_type = String)]
    pub margin_percent: Decimal,
    #[schema(value_type = String)]
    pub rebates: Decimal,
    #[schema(value_type = String)]
    pub mdf: Decimal,
    #[schema(value_type = String)]
    pub costs: Decimal,
    /// The year's closed-won revenue target.
    #[schema(value_type = String)]
    pub revenue: Decimal,
    /// revenue × margin + rebates + MDF − costs.
    #[schema(value_type = String)]
    pub profit: Decimal,
}

pub fn forecast_view(p: &PlanRow, objectives: &[ObjectiveRow]) -> ForecastView {
    let revenue: Decimal = objectives
        .iter()
        .filter(|o| o.kind == ObjectiveKind::ClosedWonRevenue)
        .flat_map(|o| o.targets.iter().copied())
        .sum();
    ForecastView {
        margin_percent: p.margin_percent,
        rebates: p.rebates,
        mdf: p.mdf,
        costs: p.costs,
        revenue,
        profit: rule::profit_forecast(revenue, p.margin_percent, p.rebates, p.mdf, p.costs),
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlanView {
    pub id: BusinessPlanId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub fiscal_year: i32,
    pub starts_on: NaiveDate,
    /// The fiscal year's last day.
    pub ends_on: NaiveDate,
    pub state: PlanState,
    pub version: i32,
    pub currency: String,
    #[schema(value_type = String)]
    pub growth_percent: Decimal,
    pub value_proposition: String,
    pub go_to_market: String,
    pub vendor_commitments: String,
    pub partner_commitments: String,
    pub forecast: ForecastView,
    /// Left out of lists.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub objectives: Option<Vec<ObjectiveView>>,
    pub shared_at: Option<DateTime<Utc>>,
    pub agreed_at: Option<DateTime<Utc>>,
    pub agreed_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

pub fn plan_view(p: PlanRow, objectives: Option<&[ObjectiveRow]>) -> PlanView {
    let forecast = forecast_view(&p, objectives.unwrap_or(&[]));
    PlanView {
        id: p.id,
        partner_id: p.partner_id,
        partner_name: p.partner_name,
        fiscal_year: p.fiscal_year,
        starts_on: p.starts_on,
        ends_on: p.ends_on - chrono::Duration::days(1),
        state: p.state,
        version: p.version,
        currency: p.currency,
        growth_percent: p.growth_percent,
        value_proposition: p.value_proposition,
        go_to_market: p.go_to_market,
        vendor_commitments: p.vendor_commitments,
        partner_commitments: p.partner_commitments,
        forecast,
        objectives: objectives.map(|o| o.iter().map(objective_view).collect()),
        shared_at: p.shared_at,
        agreed_at: p.agreed_at,
        agreed_by: p.agreed_by,
        created_at: p.created_at,
        updated_at: p.updated_at,
    }
}

/// The plan with its objectives as the scope sees it.
pub async fn load(tx: &mut Tx, scope: crate::auth::Scope, id: BusinessPlanId) -> Result<PlanView> {
    let p = store::plan(tx, scope, id, false).await?.ok_or(Error::NotFound)?;
    let objectives = store::objectives(tx, id).await?;
    Ok(plan_view(p, Some(&objectives)))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PlanQuery {
    pub partner_id: Option<PartnerId>,
    pub fiscal_year: Option<i32>,
    /// draft, shared, agreed or closed.
    pub state: Option<String>,
    /// How many items to return (1-500, default 50).
    pub limit: Option<i64>,
    /// How many items to skip.
    pub offset: Option<i64>,
}

/// Plans in scope (partner people never see drafts), newest fiscal year first.
#[utoipa::path(get, path = "/api/v1/business-plans", tag = "plans", params(PlanQuery),
    responses((status = 200, body = ListResponse<PlanView>), (status = 422)), security(("bearer" = [])))]
pub async fn list(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(q): ApiQuery<PlanQuery>,
) -> Result<Json<ListResponse<PlanView>>> {
    let state = match q.state.as_deref() {
        None | Some("") => None,
        Some(s) => {
            Some(PlanState::parse(s).ok_or_else(|| Error::invalid("state", "Use draft, shared, agreed or closed."))?)
        }
    };
    let page = ListParams { limit: q.limit, offset: q.offset };
    let (rows, total) =
        store::plans(&mut tx, user.scope(), q.partner_id, q.fiscal_year, state, page.limit(), page.offset()).await?;
    Ok(Json(ListResponse { items: rows.into_iter().map(|p| plan_view(p, None)).collect(), total }))
}

/// Drafts a partner's plan for a fiscal year, targets pre-filled from last year's actuals × (1 + growth %).
#[utoipa::path(post, path = "/api/v1/business-plans", tag = "plans", request_body = CreateInput,
    responses((status = 201, body = PlanView), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiJson(input): ApiJson<CreateInput>,
) -> Result<(StatusCode, Json<PlanView>)> {
    let id = super::create(&mut tx, &user, &input).await?;
    let view = load(&mut tx, user.scope(), id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/v1/business-plans/{id}", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = PlanView), (status = 404)), security(("bearer" = [])))]
pub async fn show(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<BusinessPlanId>,
) -> Result<Json<PlanView>> {
    Ok(Json(load(&mut tx, user.scope(), id).await?))
}

/// Changes a draft or shared plan; on an agreed plan, starts an amendment the partner accepts again.
#[utoipa::path(patch, path = "/api/v1/business-plans/{id}", tag = "plans", request_body = PlanPatch,
    params(("id" = Uuid, Path)), responses((status = 200, body = PlanView), (status = 404), (status = 409),
    (status = 422)), security(("bearer" = [])))]
pub async fn update(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<BusinessPlanId>,
    ApiJson(patch): ApiJson<PlanPatch>,
) -> Result<Json<PlanView>> {
    super::update(&mut tx, &user, &state.base_url, id, &patch).await?;
    let view = load(&mut tx, user.scope(), id).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Shares a draft with the partner; its admins are emailed.
#[utoipa::path(post, path = "/api/v1/business-plans/{id}/share", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = PlanView), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn share(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<BusinessPlanId>,
) -> Result<Json<PlanView>> {
    super::share(&mut tx, &user, &state.base_url, id).await?;
    let view = load(&mut tx, user.scope(), id).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// The partner admin accepts the shared plan or amendment; its targets are frozen as a version.
#[utoipa::path(post, path = "/api/v1/business-plans/{id}/agree", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = PlanView), (status = 403), (status = 404), (status = 409)),
    security(("bearer" = [])))]
pub async fn agree(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<BusinessPlanId>,
) -> Result<Json<PlanView>> {
    super::agree(&mut tx, &user, &state.base_url, id).await?;
    let view = load(&mut tx, user.scope(), id).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// Closes an agreed plan once its fiscal year is over (program admins: any time).
#[utoipa::path(post, path = "/api/v1/business-plans/{id}/close", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = PlanView), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn close(
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<BusinessPlanId>,
) -> Result<Json<PlanView>> {
    super::close(&mut tx, &user, id).await?;
    let view = load(&mut tx, user.scope(), id).await?;
    tx.commit().await?;
    Ok(Json(view))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VersionView {
    pub version: i32,
    pub agreed_at: DateTime<Utc>,
    pub agreed_by: String,
    #[schema(value_type = Vec<Object>)]
    pub objectives: serde_json::Value,
    #[schema(value_type = Object)]
    pub forecast: serde_json::Value,
}

/// The agreed versions, oldest first: the frozen targets.
#[utoipa::path(get, path = "/api/v1/business-plans/{id}/versions", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = ListResponse<VersionView>), (status = 404)), security(("bearer" = [])))]
pub async fn versions(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<BusinessPlanId>,
) -> Result<Json<ListResponse<VersionView>>> {
    store::plan(&mut tx, user.scope(), id, false).await?.ok_or(Error::NotFound)?;
    let items: Vec<VersionView> = store::versions(&mut tx, id)
        .await?
        .into_iter()
        .map(|v| VersionView {
            version: v.version,
            agreed_at: v.agreed_at,
            agreed_by: v.agreed_by,
            objectives: v.snapshot.get("objectives").cloned().unwrap_or_default(),
            forecast: v.snapshot.get("forecast").cloned().unwrap_or_default(),
        })
        .collect();
    let total = items.len() as i64;
    Ok(Json(ListResponse { items, total }))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CommentView {
    pub id: PlanCommentId,
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

#[utoipa::path(get, path = "/api/v1/business-plans/{id}/comments", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = ListResponse<CommentView>), (status = 404)), security(("bearer" = [])))]
pub async fn comments(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<BusinessPlanId>,
) -> Result<Json<ListResponse<CommentView>>> {
    store::plan(&mut tx, user.scope(), id, false).await?.ok_or(Error::NotFound)?;
    let items: Vec<CommentView> = store::comments(&mut tx, id)
        .await?
        .into_iter()
        .map(|c| CommentView { id: c.id, author: c.author, body: c.body, created_at: c.created_at })
        .collect();
    let total = items.len() as i64;
    Ok(Json(ListResponse { items, total }))
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct CommentInput {
    /// 1–2000 characters.
    #[serde(default)]
    pub body: String,
}

/// Comments on a plan the caller sees (the partner's review).
#[utoipa::path(post, path = "/api/v1/business-plans/{id}/comments", tag = "plans", request_body = CommentInput,
    params(("id" = Uuid, Path)), responses((status = 201, body = CommentView), (status = 404), (status = 409),
    (status = 422)), security(("bearer" = [])))]
pub async fn comment(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<BusinessPlanId>,
    ApiJson(input): ApiJson<CommentInput>,
) -> Result<(StatusCode, Json<CommentView>)> {
    let cid = super::comment(&mut tx, &user, id, &input.body).await?;
    let c = store::comments(&mut tx, id).await?.into_iter().find(|c| c.id == cid).ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(CommentView { id: c.id, author: c.author, body: c.body, created_at: c.created_at })))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ScorecardQuery {
    /// The fiscal year (the calendar year it starts in); the current one by default.
    pub fiscal_year: Option<i32>,
    /// 1–4; the current quarter by default.
    pub quarter: Option<u32>,
}

/// The partner's performance scorecard for a quarter, computed from the data.
#[utoipa::path(get, path = "/api/v1/partners/{id}/scorecard", tag = "plans", params(("id" = Uuid, Path), ScorecardQuery),
    responses((status = 200, body = Scorecard), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn partner_scorecard(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<PartnerId>,
    ApiQuery(q): ApiQuery<ScorecardQuery>,
) -> Result<Json<Scorecard>> {
    Ok(Json(scorecard::compute(&mut tx, user.scope(), id, q.fiscal_year, q.quarter).await?))
}

/// The chief's plans overview: plan coverage and attainment to date, overall and by CAM, tier and region, worst
/// first (channel chief and program admin).
#[utoipa::path(get, path = "/api/v1/business-plans/overview", tag = "plans",
    responses((status = 200, body = super::overview::PlansOverview), (status = 403)), security(("bearer" = [])))]
pub async fn overview(Auth { user, mut tx, .. }: Auth<Staff>) -> Result<Json<super::overview::PlansOverview>> {
    if user.role == crate::auth::Role::Cam {
        return Err(Error::forbidden());
    }
    Ok(Json(super::overview::compute(&mut tx).await?))
}
