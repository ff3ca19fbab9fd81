//! `/api/v1/capability/...`: the questionnaire and bands, assessments (answer, live score, submit), the scorecard
//! with peers, goals and tasks, and the chief's growth view. Contract: docs/api.md ("Capability scorecards").

use std::collections::{BTreeMap, HashMap};

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::{get, patch, post, put};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

use super::store::{self, AssessmentRow, GoalRow, TaskRow};
use super::{Answer, Answers, AssessmentState, Questionnaire, QuestionnaireDoc, TaskStatus};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, ListParams, ListResponse};
use crate::auth::{AnyRole, Auth, CurrentUser, ProgramAdmin, Role};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{AssessmentId, CapabilityGoalId, CapabilityTaskId, PartnerId};
use crate::rules::capability::{self as rule, Band, Bands, PeerStats, Scores};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/capability/questionnaire", get(questionnaire).put(replace_questionnaire))
        .route("/capability/bands", get(bands).put(put_bands))
        .route("/capability/assessments", get(list).post(create))
        .route("/capability/assessments/{id}", get(show))
        .route("/capability/assessments/{id}/answers", put(answer))
        .route("/capability/assessments/{id}/score", post(score))
        .route("/capability/assessments/{id}/submit", post(submit))
        .route("/capability/partners/{id}/scorecard", get(scorecard))
        .route("/capability/partners/{id}/goals", put(put_goal))
        .route("/capability/partners/{id}/tasks", post(add_task))
        .route("/capability/tasks/{id}", patch(update_task))
        .route("/capability/growth", get(growth))
}

/// The current questionnaire version with its question ids.
#[utoipa::path(get, path = "/api/v1/capability/questionnaire", tag = "capability",
    responses((status = 200, body = Questionnaire)), security(("bearer" = [])))]
pub async fn questionnaire(Auth { mut tx, .. }: Auth<AnyRole>) -> Result<Json<Questionnaire>> {
    let id = store::current_questionnaire_id(&mut tx).await?.ok_or(Error::NotFound)?;
    Ok(Json(store::questionnaire(&mut tx, id).await?))
}

/// Replaces the questionnaire with a new version (program admins); assessments already started keep theirs.
#[utoipa::path(put, path = "/api/v1/capability/questionnaire", tag = "capability", request_body = QuestionnaireDoc,
    responses((status = 201, body = Questionnaire), (status = 422)), security(("bearer" = [])))]
pub async fn replace_questionnaire(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiJson(doc): ApiJson<QuestionnaireDoc>,
) -> Result<(StatusCode, Json<Questionnaire>)> {
    super::replace_questionnaire(&mut tx, &user, &doc).await?;
    let id = store::current_questionnaire_id(&mut tx).await?.ok_or(Error::NotFound)?;
    let q = store::questionnaire(&mut tx, id).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(q)))
}

/// Where red turns yellow and yellow green.
#[utoipa::path(get, path = "/api/v1/capability/bands", tag = "capability",
    responses((status = 200, body = Bands)), security(("bearer" = [])))]
pub async fn bands(Auth { mut tx, .. }: Auth<AnyRole>) -> Result<Json<Bands>> {
    Ok(Json(store::bands(&mut tx).await?))
}

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityBandsInput)]
pub struct BandsInput {
    pub yellow_from: Option<i32>,
    pub green_from: Option<i32>,
}

/// Sets the bands (program admins).
#[utoipa::path(put, path = "/api/v1/capability/bands", tag = "capability", request_body = BandsInput,
    responses((status = 200, body = Bands), (status = 422)), security(("bearer" = [])))]
pub async fn put_bands(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiJson(input): ApiJson<BandsInput>,
) -> Result<Json<Bands>> {
    let old = store::bands(&mut tx).await?;
    let b = Bands {
        yellow_from: input.yellow_from.unwrap_or(old.yellow_from),
        green_from: input.green_from.unwrap_or(old.green_from),
    };
    super::set_bands(&mut tx, &user, b).await?;
    tx.commit().await?;
    Ok(Json(b))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ScoreLine {
    pub code: String,
    pub score: Option<f64>,
    pub band: Option<Band>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentScores {
    pub overall: Option<f64>,
    pub band: Option<Band>,
    pub categories: Vec<ScoreLine>,
    pub topics: Vec<ScoreLine>,
}

pub fn scores_view(s: &Scores, bands: Bands) -> AssessmentScores {
    let line = |(code, score): &(String, Option<f64>)| ScoreLine {
        code: code.clone(),
        score: *score,
        band: score.map(|s| bands.band(s)),
    };
    AssessmentScores {
        overall: s.overall,
        band: s.overall.map(|s| bands.band(s)),
        categories: s.categories.iter().map(line).collect(),
        topics: s.topics.iter().map(line).collect(),
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentView {
    pub id: AssessmentId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    /// `2026-Q4`.
    pub period: String,
    pub period_start: NaiveDate,
    pub state: AssessmentState,
    pub questionnaire_version: i32,
    #[schema(value_type = Object)]
    pub answers: Answers,
    /// Scored questions still without an answer.
    pub unanswered: usize,
    pub scores: AssessmentScores,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by: Option<String>,
}

async fn assessment_view(tx: &mut Tx, a: AssessmentRow) -> Result<AssessmentView> {
    let q = store::questionnaire(tx, a.questionnaire_id).await?;
    let bands = store::bands(tx).await?;
    let s = super::scores(&q, &a.answers);
    Ok(AssessmentView {
        id: a.id,
        partner_id: a.partner_id,
        partner_name: a.partner_name,
        period: super::period_label(a.period_start),
        period_start: a.period_start,
        state: a.state,
        questionnaire_version: q.version,
        unanswered: super::unanswered(&q, &a.answers).0.len(),
        scores: scores_view(&s, bands),
        answers: a.answers,
        submitted_at: a.submitted_at,
        submitted_by: a.submitted_by_name,
    })
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AssessmentQuery {
    pub partner_id: Option<PartnerId>,
    /// How many items to return (1-500, default 50).
    pub limit: Option<i64>,
    /// How many items to skip.
    pub offset: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentLine {
    pub id: AssessmentId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub period: String,
    pub state: AssessmentState,
    pub overall: Option<f64>,
    pub band: Option<Band>,
}

/// Assessments in scope, newest quarter first.
#[utoipa::path(get, path = "/api/v1/capability/assessments", tag = "capability", params(AssessmentQuery),
    responses((status = 200, body = ListResponse<AssessmentLine>)), security(("bearer" = [])))]
pub async fn list(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(q): ApiQuery<AssessmentQuery>,
) -> Result<Json<ListResponse<AssessmentLine>>> {
    let page = ListParams { limit: q.limit, offset: q.offset };
    let bands = store::bands(&mut tx).await?;
    let (rows, total) = store::assessments(&mut tx, user.scope(), q.partner_id, page.limit(), page.offset()).await?;
    let items = rows
        .into_iter()
        .map(|a| AssessmentLine {
            id: a.id,
            partner_id: a.partner_id,
            partner_name: a.partner_name,
            period: super::period_label(a.period_start),
            state: a.state,
            overall: a.overall_score,
            band: a.overall_score.map(|s| bands.band(s)),
        })
        .collect();
    Ok(Json(ListResponse { items, total }))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityAssessmentInput)]
pub struct CreateInput {
    /// Staff name the partner; partner people assess their own.
    pub partner_id: Option<PartnerId>,
    /// `2026-Q4`; the current quarter when left out.
    pub period: Option<String>,
}

/// Starts an assessment (partner people for their own partner, its CAM, program admins).
#[utoipa::path(post, path = "/api/v1/capability/assessments", tag = "capability", request_body = CreateInput,
    responses((status = 201, body = AssessmentView), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn create(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiJson(input): ApiJson<CreateInput>,
) -> Result<(StatusCode, Json<AssessmentView>)> {
    let id = super::create(&mut tx, &user, input.partner_id, input.period.as_deref()).await?;
    let a = store::assessment(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let view = assessment_view(&mut tx, a).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(view)))
}

#[utoipa::path(get, path = "/api/v1/capability/assessments/{id}", tag = "capability", params(("id" = Uuid, Path)),
    responses((status = 200, body = AssessmentView), (status = 404)), security(("bearer" = [])))]
pub async fn show(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<AssessmentId>,
) -> Result<Json<AssessmentView>> {
    let a = store::assessment(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    Ok(Json(assessment_view(&mut tx, a).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityAnswersInput)]
#[serde(default)]
pub struct AnswersInput {
    /// By question id: `{"choices": [index, ...]}` or `{"text": "..."}`. An empty answer removes one.
    #[schema(value_type = Object)]
    pub answers: BTreeMap<String, Answer>,
}

/// Saves answers to a draft (merged into those saved before); 409 once submitted.
#[utoipa::path(put, path = "/api/v1/capability/assessments/{id}/answers", tag = "capability",
    params(("id" = Uuid, Path)), request_body = AnswersInput,
    responses((status = 200, body = AssessmentView), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn answer(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<AssessmentId>,
    ApiJson(input): ApiJson<AnswersInput>,
) -> Result<Json<AssessmentView>> {
    super::answer(&mut tx, &user, id, &input.answers, false).await?;
    let a = store::assessment(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let view = assessment_view(&mut tx, a).await?;
    tx.commit().await?;
    Ok(Json(view))
}

/// The scores the saved answers with these on top would give, saving nothing (live scores).
#[utoipa::path(post, path = "/api/v1/capability/assessments/{id}/score", tag = "capability",
    params(("id" = Uuid, Path)), request_body = AnswersInput,
    responses((status = 200, body = AssessmentScores), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn score(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<AssessmentId>,
    ApiJson(input): ApiJson<AnswersInput>,
) -> Result<Json<AssessmentScores>> {
    let s = super::preview(&mut tx, &user, id, &input.answers, false).await?;
    let bands = store::bands(&mut tx).await?;
    Ok(Json(scores_view(&s, bands)))
}

/// Submits a draft whose scored questions are all answered (422 names each unanswered one); 409 once submitted.
#[utoipa::path(post, path = "/api/v1/capability/assessments/{id}/submit", tag = "capability",
    params(("id" = Uuid, Path)),
    responses((status = 200, body = AssessmentView), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn submit(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<AssessmentId>,
) -> Result<Json<AssessmentView>> {
    super::submit(&mut tx, &user, &state.base_url, id).await?;
    let a = store::assessment(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let view = assessment_view(&mut tx, a).await?;
    tx.commit().await?;
    Ok(Json(view))
}

// ---------------------------------------------------------------------------------------------------------------
// The scorecard.

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CapabilityGoal)]
pub struct GoalView {
    pub id: CapabilityGoalId,
    pub topic: String,
    pub target_score: i32,
    pub note: String,
}

impl From<GoalRow> for GoalView {
    fn from(g: GoalRow) -> GoalView {
        GoalView { id: g.id, topic: g.topic_code, target_score: g.target_score, note: g.note }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CapabilityTask)]
pub struct TaskView {
    pub id: CapabilityTaskId,
    pub topic: String,
    pub goal_id: Option<CapabilityGoalId>,
    pub title: String,
    pub status: TaskStatus,
    pub due_on: Option<NaiveDate>,
}

impl From<TaskRow> for TaskView {
    fn from(t: TaskRow) -> TaskView {
        TaskView {
            id: t.id,
            topic: t.topic_code,
            goal_id: t.goal_id,
            title: t.title,
            status: t.status,
            due_on: t.due_on,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TopicCard {
    pub code: String,
    pub name: String,
    pub score: Option<f64>,
    pub band: Option<Band>,
    /// Points since the previous assessment.
    pub trend: Option<f64>,
    /// Among the other partners of the same tier; None with fewer than 5 of them.
    pub peers: Option<PeerStats>,
    pub goal: Option<GoalView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CategoryCard {
    pub code: String,
    pub name: String,
    pub score: Option<f64>,
    pub band: Option<Band>,
    pub trend: Option<f64>,
    pub topics: Vec<TopicCard>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CapabilityScorecard {
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub tier: String,
    pub bands: Bands,
    /// The latest submitted assessment, with the period it assesses.
    pub assessment_id: Option<AssessmentId>,
    pub period: Option<String>,
    pub previous_period: Option<String>,
    pub overall: Option<f64>,
    pub band: Option<Band>,
    pub trend: Option<f64>,
    /// Peers (other partners of the tier with a submitted assessment).
    pub peers: usize,
    pub categories: Vec<CategoryCard>,
    pub tasks: Vec<TaskView>,
}

/// The scorecard of a partner the caller may see (404 otherwise).
pub async fn build_scorecard(tx: &mut Tx, user: &CurrentUser, partner: PartnerId) -> Result<CapabilityScorecard> {
    if !crate::certifications::store::partner_in_scope(tx, user.scope(), partner).await? {
        return Err(Error::NotFound);
    }
    let bands = store::bands(tx).await?;
    let history = store::submitted(tx, partner, 2).await?;
    let (name, tier) = match history.first() {
        Some(a) => (a.partner_name.clone(), a.tier.clone()),
        None => partner_name_tier(tx, partner).await?,
    };
    let goals: HashMap<String, GoalView> =
        store::goals(tx, partner).await?.into_iter().map(|g| (g.topic_code.clone(), g.into())).collect();
    let tasks = store::tasks(tx, partner).await?.into_iter().map(TaskView::from).collect();
    let q = match history.first() {
        Some(a) => store::questionnaire(tx, a.questionnaire_id).await?,
        None => {
            let id = store::current_questionnaire_id(tx).await?.ok_or(Error::NotFound)?;
            store::questionnaire(tx, id).await?
        }
    };
    let peer_scores = store::peer_topic_scores(tx, &tier, partner).await?;
    let latest = history.first();
    let previous = history.get(1);
    let get = |m: Option<&HashMap<String, f64>>, code: &str| m.and_then(|m| m.get(code).copied());
    let categories = q
        .categories
        .iter()
        .map(|c| {
            let score = get(latest.map(|a| &a.category_scores), &c.code);
            CategoryCard {
                code: c.code.clone(),
                name: c.name.clone(),
                score,
                band: score.map(|s| bands.band(s)),
                trend: rule::trend(score, get(previous.map(|a| &a.category_scores), &c.code)),
                topics: c
                    .topics
                    .iter()
                    .map(|t| {
                        let score = get(latest.map(|a| &a.topic_scores), &t.code);
                        let peer: Vec<f64> = peer_scores.iter().filter_map(|m| m.get(&t.code).copied()).collect();
                        TopicCard {
                            code: t.code.clone(),
                            name: t.name.clone(),
                            score,
                            band: score.map(|s| bands.band(s)),
                            trend: rule::trend(score, get(previous.map(|a| &a.topic_scores), &t.code)),
                            peers: rule::peers(&peer),
                            goal: goals.get(&t.code).cloned(),
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    let overall = latest.and_then(|a| a.overall_score);
    Ok(CapabilityScorecard {
        partner_id: partner,
        partner_name: name,
        tier,
        bands,
        assessment_id: latest.map(|a| a.id),
        period: latest.map(|a| super::period_label(a.period_start)),
        previous_period: previous.map(|a| super::period_label(a.period_start)),
        overall,
        band: overall.map(|s| bands.band(s)),
        trend: rule::trend(overall, previous.and_then(|a| a.overall_score)),
        peers: peer_scores.len(),
        categories,
        tasks,
    })
}

async fn partner_name_tier(tx: &mut Tx, partner: PartnerId) -> Result<(String, String)> {
    let r = sqlx::query!("select name, tier from partners where id = $1", partner as PartnerId)
        .fetch_optional(&mut **tx)
        .await?
        .ok_or(Error::NotFound)?;
    Ok((r.name, r.tier))
}

/// A partner's capability scorecard: scores and bands of its latest submitted assessment, trend against the one
/// before, peer and top-quartile averages among partners of its tier, goals and tasks.
#[utoipa::path(get, path = "/api/v1/capability/partners/{id}/scorecard", tag = "capability",
    params(("id" = Uuid, Path)), responses((status = 200, body = CapabilityScorecard), (status = 404)),
    security(("bearer" = [])))]
pub async fn scorecard(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<PartnerId>,
) -> Result<Json<CapabilityScorecard>> {
    Ok(Json(build_scorecard(&mut tx, &user, id).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityGoalInput)]
#[serde(default)]
pub struct GoalInput {
    pub topic: String,
    /// 1–100.
    pub target_score: Option<i32>,
    #[serde(default)]
    pub note: String,
}

fn may_plan(user: &CurrentUser) -> Result<()> {
    if super::may_fill(user) { Ok(()) } else { Err(Error::forbidden()) }
}

/// Sets the partner's goal for a topic (one a topic; setting it again changes it).
pub async fn set_goal(tx: &mut Tx, user: &CurrentUser, partner: PartnerId, input: &GoalInput) -> Result<GoalView> {
    if !crate::certifications::store::partner_in_scope(tx, user.scope(), partner).await? {
        return Err(Error::NotFound);
    }
    may_plan(user)?;
    let id = store::current_questionnaire_id(tx).await?.ok_or(Error::NotFound)?;
    let q = store::questionnaire(tx, id).await?;
    let mut errors = FieldErrors::new();
    if q.topic(input.topic.trim()).is_none() {
        errors.add("topic", "Choose one of the questionnaire's topics.");
    }
    match input.target_score {
        Some(t) if (1..=100).contains(&t) => {}
        _ => errors.add("target_score", "Use a score from 1 to 100."),
    }
    if input.note.chars().count() > 1000 {
        errors.add("note", "Keep the note within 1,000 characters.");
    }
    errors.into_result()?;
    let target = input.target_score.expect("checked");
    let id = store::put_goal(tx, user, partner, input.topic.trim(), target, input.note.trim()).await?;
    Ok(GoalView { id, topic: input.topic.trim().to_string(), target_score: target, note: input.note.trim().into() })
}

#[utoipa::path(put, path = "/api/v1/capability/partners/{id}/goals", tag = "capability",
    params(("id" = Uuid, Path)), request_body = GoalInput,
    responses((status = 200, body = GoalView), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn put_goal(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<PartnerId>,
    ApiJson(input): ApiJson<GoalInput>,
) -> Result<Json<GoalView>> {
    let g = set_goal(&mut tx, &user, id, &input).await?;
    tx.commit().await?;
    Ok(Json(g))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityTaskInput)]
#[serde(default)]
pub struct TaskInput {
    pub topic: String,
    pub title: String,
    pub goal_id: Option<CapabilityGoalId>,
    pub due_on: Option<NaiveDate>,
}

pub async fn new_task(tx: &mut Tx, user: &CurrentUser, partner: PartnerId, input: &TaskInput) -> Result<TaskView> {
    if !crate::certifications::store::partner_in_scope(tx, user.scope(), partner).await? {
        return Err(Error::NotFound);
    }
    may_plan(user)?;
    let id = store::current_questionnaire_id(tx).await?.ok_or(Error::NotFound)?;
    let q = store::questionnaire(tx, id).await?;
    let mut errors = FieldErrors::new();
    if q.topic(input.topic.trim()).is_none() {
        errors.add("topic", "Choose one of the questionnaire's topics.");
    }
    let title = crate::validate::text(&mut errors, "title", &input.title, 200);
    if let Some(g) = input.goal_id {
        if !store::goal_of(tx, partner, g).await? {
            errors.add("goal_id", "Choose one of the partner's goals.");
        }
    }
    errors.into_result()?;
    let id = store::insert_task(tx, user, partner, input.goal_id, input.topic.trim(), &title, input.due_on).await?;
    Ok(TaskView {
        id,
        topic: input.topic.trim().into(),
        goal_id: input.goal_id,
        title,
        status: TaskStatus::NotStarted,
        due_on: input.due_on,
    })
}

#[utoipa::path(post, path = "/api/v1/capability/partners/{id}/tasks", tag = "capability",
    params(("id" = Uuid, Path)), request_body = TaskInput,
    responses((status = 201, body = TaskView), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn add_task(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<PartnerId>,
    ApiJson(input): ApiJson<TaskInput>,
) -> Result<(StatusCode, Json<TaskView>)> {
    let t = new_task(&mut tx, &user, id, &input).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(t)))
}

#[derive(Debug, Default, Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityTaskPatch)]
pub struct TaskPatch {
    /// recommended, not_started, in_progress or done.
    pub status: Option<String>,
    /// A goal of the partner, or null to detach.
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub goal_id: Option<Option<CapabilityGoalId>>,
}

/// A field that is present, even as null (absent stays None through `default`).
fn present<'de, D: serde::Deserializer<'de>, T: Deserialize<'de>>(d: D) -> Result<Option<Option<T>>, D::Error> {
    Option::<T>::deserialize(d).map(Some)
}

pub async fn change_task(tx: &mut Tx, user: &CurrentUser, id: CapabilityTaskId, patch: &TaskPatch) -> Result<TaskView> {
    let t = store::task(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    may_plan(user)?;
    let mut errors = FieldErrors::new();
    let status = match patch.status.as_deref() {
        None => t.status,
        Some(s) => TaskStatus::parse(s).unwrap_or_else(|| {
            errors.add("status", "Use recommended, not_started, in_progress or done.");
            t.status
        }),
    };
    if let Some(Some(g)) = patch.goal_id {
        if !store::goal_of(tx, t.partner_id, g).await? {
            errors.add("goal_id", "Choose one of the partner's goals.");
        }
    }
    errors.into_result()?;
    if status == TaskStatus::Recommended && t.status != TaskStatus::Recommended {
        return Err(Error::Conflict("A task taken on cannot go back to recommended.".into()));
    }
    store::set_task(tx, id, status, patch.goal_id).await?;
    let t = store::task(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    Ok(t.into())
}

/// Moves a task along (not started → in progress → done), or attaches it to a goal.
#[utoipa::path(patch, path = "/api/v1/capability/tasks/{id}", tag = "capability", params(("id" = Uuid, Path)),
    request_body = TaskPatch,
    responses((status = 200, body = TaskView), (status = 404), (status = 409), (status = 422)),
    security(("bearer" = [])))]
pub async fn update_task(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<CapabilityTaskId>,
    ApiJson(patch): ApiJson<TaskPatch>,
) -> Result<Json<TaskView>> {
    let t = change_task(&mut tx, &user, id, &patch).await?;
    tx.commit().await?;
    Ok(Json(t))
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GrowthTopic {
    pub topic: String,
    pub name: String,
    pub category: String,
    #[serde(flatten)]
    pub figures: rule::TopicGrowth,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CapabilityGrowth {
    /// Partners with a submitted assessment and closed-won revenue in the twelve months before the last twelve.
    pub partners: usize,
    /// Strongest positive correlation first.
    pub topics: Vec<GrowthTopic>,
}

/// Across the program: which topics go with revenue growth.
pub async fn build_growth(tx: &mut Tx) -> Result<CapabilityGrowth> {
    let id = store::current_questionnaire_id(tx).await?.ok_or(Error::NotFound)?;
    let q = store::questionnaire(tx, id).await?;
    let inputs = store::growth_inputs(tx, Utc::now()).await?;
    let points: Vec<rule::GrowthPoint> = inputs
        .into_iter()
        .filter_map(|(topics, current, previous)| {
            let g = rule::growth(current.to_f64()?, previous.to_f64()?)?;
            Some(rule::GrowthPoint { topics, growth: g })
        })
        .collect();
    let figures = rule::topics_and_growth(&q.topic_codes(), &points);
    let topics = figures
        .into_iter()
        .map(|f| {
            let (name, category) = q
                .categories
                .iter()
                .find_map(|c| c.topics.iter().find(|t| t.code == f.topic).map(|t| (t.name.clone(), c.name.clone())))
                .unwrap_or_default();
            GrowthTopic { topic: f.topic.clone(), name, category, figures: f }
        })
        .collect();
    Ok(CapabilityGrowth { partners: points.len(), topics })
}

/// Which topics go with revenue growth (channel chief and program admins).
#[utoipa::path(get, path = "/api/v1/capability/growth", tag = "capability",
    responses((status = 200, body = CapabilityGrowth)), security(("bearer" = [])))]
pub async fn growth(Auth { user, mut tx, .. }: Auth<AnyRole>) -> Result<Json<CapabilityGrowth>> {
    if !matches!(user.role, Role::ChannelChief | Role::ProgramAdmin) {
        return Err(Error::forbidden());
    }
    Ok(Json(build_growth(&mut tx).await?))
}
