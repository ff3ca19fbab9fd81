//! Pages: `/capability` (a partner's scorecard and assessments, or the staff's partners with their bands), the
//! one-page assessment form (`/capability/assessments/{id}`, live scores with `/static/capability.js`), a partner's
//! scorecard for staff (`/partners/{id}/capability`), goals and tasks, the admin's questionnaire and bands, and the
//! chief's "which topics go with revenue growth".

use std::collections::BTreeMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Path, Query};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use serde::{Deserialize, Serialize};

use super::api::{self, CapabilityScorecard, GoalInput, TaskInput, TaskPatch};
use super::store;
use super::{Answer, Answers, AssessmentState, QuestionKind, Questionnaire, QuestionnaireDoc, TaskStatus};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{AnyRole, Auth, CurrentUser, ProgramAdmin, Role};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{AssessmentId, CapabilityTaskId, PartnerId};
use crate::rules::capability::{Band, Bands, Scores};
use crate::web::{Page, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/capability", get(index))
        .route("/capability/assessments", post(start))
        .route("/capability/assessments/{id}", get(show).post(save))
        .route("/capability/assessments/{id}/score", post(live_score))
        .route("/partners/{id}/capability", get(staff_scorecard))
        .route("/partners/{id}/capability/goals", post(add_goal))
        .route("/partners/{id}/capability/tasks", post(add_task))
        .route("/capability/tasks/{id}", post(move_task))
        .route("/capability/questionnaire", get(admin).post(replace))
        .route("/capability/bands", post(save_bands))
        .route("/capability/growth", get(growth))
        .route("/static/capability.js", get(script))
}

const SCRIPT: &str = include_str!("../../static/capability.js");

/// The live-score script: posts the form to `…/score` as it changes and writes the scores it gets back.
async fn script() -> impl IntoResponse {
    (
        [(header::CONTENT_TYPE, "text/javascript; charset=utf-8"), (header::CACHE_CONTROL, "public, max-age=3600")],
        SCRIPT,
    )
}

fn score_text(s: Option<f64>) -> String {
    s.map_or_else(|| "–".to_string(), |s| format!("{s:.0}"))
}

fn band_css(b: Option<Band>) -> &'static str {
    b.map_or("none", Band::css)
}

fn band_label(b: Option<Band>) -> &'static str {
    b.map_or("Not scored", Band::label)
}

fn trend_text(t: Option<f64>) -> String {
    match t {
        None => String::new(),
        Some(t) if t.abs() < 0.5 => "±0".into(),
        Some(t) => format!("{t:+.0}"),
    }
}

fn unprocessable(r: impl IntoResponse) -> Response {
    let mut r = r.into_response();
    *r.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
    r
}

#[derive(Deserialize, Default)]
struct PageQuery {
    notice: Option<String>,
}

const NOTICES: &[(&str, &str)] = &[
    ("saved", "Your answers are saved."),
    ("submitted", "The assessment is submitted; its scorecard is below."),
    ("goal", "The goal is set."),
    ("task", "The task is added to the action plan."),
    ("moved", "The task is updated."),
    ("questionnaire", "A new questionnaire version is in place for new assessments."),
    ("bands", "The bands are saved."),
];

// ---------------------------------------------------------------------------------------------------------------
// The scorecard (partner people at /capability, staff at /partners/{id}/capability).

struct TopicLine {
    name: String,
    score: String,
    css: &'static str,
    band: &'static str,
    trend: String,
    peer_average: String,
    top_quartile: String,
    goal: String,
}

struct CategoryLine {
    name: String,
    score: String,
    css: &'static str,
    band: &'static str,
    trend: String,
    topics: Vec<TopicLine>,
}

struct TaskLine {
    id: CapabilityTaskId,
    topic: String,
    title: String,
    status: &'static str,
    status_value: &'static str,
    recommended: bool,
    due: String,
}

struct AssessmentLink {
    id: AssessmentId,
    period: String,
    state: &'static str,
    score: String,
    css: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "capability/scorecard.html")]
struct ScorecardPage {
    page: Page,
    partner_name: String,
    tier: String,
    period: String,
    previous_period: String,
    overall: String,
    css: &'static str,
    band: &'static str,
    trend: String,
    peers: usize,
    peers_shown: bool,
    bands: Bands,
    categories: Vec<CategoryLine>,
    tasks: Vec<TaskLine>,
    assessments: Vec<AssessmentLink>,
    can_fill: bool,
    /// The current quarter's draft to continue, if any.
    draft: Option<AssessmentId>,
    can_start: bool,
    partner_id: PartnerId,
    topics: Vec<(String, String)>,
    statuses: Vec<(String, String)>,
    errors: FieldErrors,
}

async fn scorecard_page(tx: &mut Tx, user: &CurrentUser, page: Page, partner: PartnerId) -> Result<ScorecardPage> {
    scorecard_page_with(tx, user, page, partner, FieldErrors::new()).await
}

async fn scorecard_page_with(
    tx: &mut Tx,
    user: &CurrentUser,
    page: Page,
    partner: PartnerId,
    errors: FieldErrors,
) -> Result<ScorecardPage> {
    let s: CapabilityScorecard = api::build_scorecard(tx, user, partner).await?;
    let (rows, _) = store::assessments(tx, user.scope(), Some(partner), 12, 0).await?;
    let today = crate::program::store::today(tx).await?;
    let this_quarter = super::quarter_start(today);
    let draft = rows.iter().find(|a| a.state == AssessmentState::Draft).map(|a| a.id);
    let can_fill = super::may_fill(user);
    let can_start = can_fill && !rows.iter().any(|a| a.period_start == this_quarter);
    let topic_names: BTreeMap<String, String> =
        s.categories.iter().flat_map(|c| c.topics.iter().map(|t| (t.code.clone(), t.name.clone()))).collect();
    let peers_shown = s.categories.iter().flat_map(|c| &c.topics).any(|t| t.peers.is_some());
    Ok(ScorecardPage {
        page,
        partner_name: s.partner_name,
        tier: s.tier,
        period: s.period.unwrap_or_default(),
        previous_period: s.previous_period.unwrap_or_default(),
        overall: score_text(s.overall),
        css: band_css(s.band),
        band: band_label(s.band),
        trend: trend_text(s.trend),
        peers: s.peers,
        peers_shown,
        bands: s.bands,
        categories: s
            .categories
            .into_iter()
            .map(|c| CategoryLine {
                name: c.name,
                score: score_text(c.score),
                css: band_css(c.band),
                band: band_label(c.band),
                trend: trend_text(c.trend),
                topics: c
                    .topics
                    .into_iter()
                    .map(|t| TopicLine {
                        name: t.name,
                        score: score_text(t.score),
                        css: band_css(t.band),
                        band: band_label(t.band),
                        trend: trend_text(t.trend),
                        peer_average: t.peers.map_or_else(String::new, |p| format!("{:.0}", p.average)),
                        top_quartile: t.peers.map_or_else(String::new, |p| format!("{:.0}", p.top_quartile)),
                        goal: t.goal.map_or_else(String::new, |g| g.target_score.to_string()),
                    })
                    .collect(),
            })
            .collect(),
        tasks: s
            .tasks
            .into_iter()
            .map(|t| TaskLine {
                id: t.id,
                topic: topic_names.get(&t.topic).cloned().unwrap_or(t.topic),
                title: t.title,
                status: t.status.label(),
                status_value: t.status.as_str(),
                recommended: t.status == TaskStatus::Recommended,
                due: t.due_on.map(crate::web::format::date).unwrap_or_default(),
            })
            .collect(),
        assessments: rows
            .iter()
            .map(|a| AssessmentLink {
                id: a.id,
                period: super::period_label(a.period_start),
                state: a.state.label(),
                score: score_text(a.overall_score),
                css: band_css(a.overall_score.map(|x| s.bands.band(x))),
            })
            .collect(),
        can_fill,
        draft,
        can_start,
        partner_id: partner,
        topics: std::iter::once((String::new(), "Choose…".to_string())).chain(topic_names).collect(),
        statuses: [TaskStatus::NotStarted, TaskStatus::InProgress, TaskStatus::Done]
            .into_iter()
            .map(|t| (t.as_str().to_string(), t.label().to_string()))
            .collect(),
        errors,
    })
}

struct PartnerLine {
    id: PartnerId,
    name: String,
    tier: String,
    score: String,
    css: &'static str,
    band: &'static str,
    period: String,
    due: bool,
}

#[derive(Template, WebTemplate)]
#[template(path = "capability/index.html")]
struct StaffPage {
    page: Page,
    partners: Vec<PartnerLine>,
    can_start: bool,
    options: Vec<(String, String)>,
    is_admin: bool,
    sees_growth: bool,
    errors: FieldErrors,
}

async fn staff_page(tx: &mut Tx, user: &CurrentUser, page: Page, errors: FieldErrors) -> Result<StaffPage> {
    let today = crate::program::store::today(tx).await?;
    let bands = store::bands(tx).await?;
    let rows = store::standings(tx, user.scope(), super::half_start(today)).await?;
    let can_start = matches!(user.role, Role::Cam | Role::ProgramAdmin);
    let options = std::iter::once((String::new(), "Choose…".to_string()))
        .chain(rows.iter().map(|p| (p.id.to_string(), p.name.clone())))
        .collect();
    Ok(StaffPage {
        page,
        partners: rows.into_iter().map(|p| partner_line(p, &bands)).collect(),
        can_start,
        options,
        is_admin: user.role == Role::ProgramAdmin,
        sees_growth: matches!(user.role, Role::ChannelChief | Role::ProgramAdmin),
        errors,
    })
}

async fn index(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<PageQuery>,
) -> Result<Response> {
    let mut page = Page::new("Capability", &csrf, &user, "/capability");
    page.notice = notice(q.notice.as_deref(), NOTICES);
    let r = match (user.role.is_partner(), user.partner_id) {
        (true, Some(own)) => {
            page.title = "Capability scorecard".into();
            scorecard_page(&mut tx, &user, page, own).await?.into_response()
        }
        _ => staff_page(&mut tx, &user, page, FieldErrors::new()).await?.into_response(),
    };
    tx.commit().await?;
    Ok(r)
}

async fn staff_scorecard(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<PartnerId>,
    Query(q): Query<PageQuery>,
) -> Result<ScorecardPage> {
    if user.role.is_partner() && user.partner_id != Some(id) {
        return Err(Error::NotFound);
    }
    let mut page = Page::new("Capability scorecard", &csrf, &user, "/capability");
    page.notice = notice(q.notice.as_deref(), NOTICES);
    let p = scorecard_page(&mut tx, &user, page, id).await?;
    tx.commit().await?;
    Ok(p)
}

fn scorecard_href(user: &CurrentUser, partner: PartnerId) -> String {
    if user.role.is_partner() { "/capability".into() } else { format!("/partners/{partner}/capability") }
}

#[derive(Deserialize, Default)]
struct StartForm {
    #[serde(default)]
    partner_id: String,
}

async fn start(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<StartForm>,
) -> Result<Response> {
    let partner = if user.role.is_partner() { user.partner_id } else { form.partner_id.parse::<PartnerId>().ok() };
    let result = crate::db::attempt!(tx, super::create(&mut tx, &user, partner, None));
    match result {
        Ok(id) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/capability/assessments/{id}")).into_response())
        }
        Err(e @ (Error::Invalid(_) | Error::Conflict(_))) if !user.role.is_partner() => {
            let errors = match e {
                Error::Invalid(e) => e,
                Error::Conflict(m) => {
                    let mut errors = FieldErrors::new();
                    errors.add("partner_id", m);
                    errors
                }
                _ => unreachable!(),
            };
            let page = Page::new("Capability", &csrf, &user, "/capability");
            Ok(unprocessable(staff_page(&mut tx, &user, page, errors).await?))
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The one-page assessment.

struct ChoiceLine {
    index: usize,
    label: String,
    checked: bool,
}

struct QuestionLine {
    field: String,
    number: usize,
    text: String,
    multi: bool,
    text_kind: bool,
    choices: Vec<ChoiceLine>,
    text_value: String,
    /// A multi-choice question answered with none of its choices.
    none_checked: bool,
    error: Option<String>,
}

struct TopicBlock {
    code: String,
    name: String,
    score: String,
    css: &'static str,
    questions: Vec<QuestionLine>,
}

struct CategoryBlock {
    code: String,
    name: String,
    score: String,
    css: &'static str,
    topics: Vec<TopicBlock>,
}

#[derive(Template, WebTemplate)]
#[template(path = "capability/assessment.html")]
struct AssessmentPage {
    page: Page,
    id: AssessmentId,
    partner_name: String,
    period: String,
    editable: bool,
    submitted_note: String,
    overall: String,
    css: &'static str,
    answered: usize,
    scored: usize,
    categories: Vec<CategoryBlock>,
    scorecard_href: String,
    has_errors: bool,
}

fn field(id: impl std::fmt::Display) -> String {
    format!("q_{id}")
}

/// Whether the reader may change the answers, and where the partner's scorecard is.
struct FormContext {
    editable: bool,
    scorecard_href: String,
}

fn assessment_page(
    page: Page,
    a: &store::AssessmentRow,
    q: &Questionnaire,
    answers: &Answers,
    bands: Bands,
    errors: &FieldErrors,
    cx: FormContext,
) -> AssessmentPage {
    let s: Scores = super::scores(q, answers);
    let topic_score = |code: &str| s.topics.iter().find(|t| t.0 == code).and_then(|t| t.1);
    let category_score = |code: &str| s.categories.iter().find(|c| c.0 == code).and_then(|c| c.1);
    let mut number = 0;
    let categories = q
        .categories
        .iter()
        .map(|c| CategoryBlock {
            code: c.code.clone(),
            name: c.name.clone(),
            score: score_text(category_score(&c.code)),
            css: band_css(category_score(&c.code).map(|x| bands.band(x))),
            topics: c
                .topics
                .iter()
                .map(|t| TopicBlock {
                    code: t.code.clone(),
                    name: t.name.clone(),
                    score: score_text(topic_score(&t.code)),
                    css: band_css(topic_score(&t.code).map(|x| bands.band(x))),
                    questions: t
                        .questions
                        .iter()
                        .map(|question| {
                            number += 1;
                            let answer = answers.get(&question.id);
                            QuestionLine {
                                field: field(question.id),
                                number,
                                text: question.text.clone(),
                                multi: question.kind == QuestionKind::Multi,
                                text_kind: question.kind == QuestionKind::Text,
                                choices: question
                                    .choices
                                    .iter()
                                    .enumerate()
                                    .map(|(i, c)| ChoiceLine {
                                        index: i,
                                        label: c.label.clone(),
                                        checked: answer.is_some_and(|a| a.choices.contains(&i)),
                                    })
                                    .collect(),
                                text_value: answer.map(|a| a.text.clone()).unwrap_or_default(),
                                none_checked: question.kind == QuestionKind::Multi
                                    && answer.is_some_and(|a| a.choices.is_empty()),
                                error: errors.get(&format!("answers.{}", question.id)).map(str::to_string),
                            }
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    let scored = q.questions().filter(|(_, x)| x.kind != QuestionKind::Text).count();
    let answered = scored - super::unanswered(q, answers).0.len();
    AssessmentPage {
        page,
        id: a.id,
        partner_name: a.partner_name.clone(),
        period: super::period_label(a.period_start),
        editable: cx.editable,
        submitted_note: match (&a.submitted_by_name, a.submitted_at) {
            (Some(by), Some(at)) => format!("Submitted by {by} on {}.", crate::web::format::day(at)),
            _ => String::new(),
        },
        overall: score_text(s.overall),
        css: band_css(s.overall.map(|x| bands.band(x))),
        answered,
        scored,
        categories,
        scorecard_href: cx.scorecard_href,
        has_errors: !errors.is_empty(),
    }
}

async fn show(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<AssessmentId>,
    Query(pq): Query<PageQuery>,
) -> Result<AssessmentPage> {
    let a = store::assessment(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let q = store::questionnaire(&mut tx, a.questionnaire_id).await?;
    let bands = store::bands(&mut tx).await?;
    let mut page = Page::new(
        format!("Capability assessment {}", super::period_label(a.period_start)),
        &csrf,
        &user,
        "/capability",
    );
    page.notice = notice(pq.notice.as_deref(), NOTICES);
    let editable = a.state == AssessmentState::Draft && super::may_fill(&user);
    let href = scorecard_href(&user, a.partner_id);
    let p = assessment_page(
        page,
        &a,
        &q,
        &a.answers,
        bands,
        &FieldErrors::new(),
        FormContext { editable, scorecard_href: href },
    );
    tx.commit().await?;
    Ok(p)
}

/// The answers a posted form gives (the form holds every question, so they replace the saved ones): a single choice
/// left blank, a multi-choice question with nothing ticked (not even "None of these") or an empty text is unanswered.
fn form_answers(q: &Questionnaire, body: &[u8]) -> (BTreeMap<String, Answer>, String, FieldErrors) {
    let mut posted: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut action = String::new();
    for (k, v) in form_urlencoded::parse(body) {
        if k == "action" {
            action = v.into_owned();
        } else if let Some(id) = k.strip_prefix("q_") {
            posted.entry(id.to_string()).or_default().push(v.into_owned());
        }
    }
    let mut errors = FieldErrors::new();
    let mut given = BTreeMap::new();
    for (_, question) in q.questions() {
        let key = question.id.to_string();
        let values: Vec<String> =
            posted.remove(&key).unwrap_or_default().into_iter().filter(|v| !v.trim().is_empty()).collect();
        if values.is_empty() {
            continue;
        }
        let answer = match question.kind {
            QuestionKind::Text => Answer { choices: vec![], text: values.join("\n") },
            QuestionKind::Multi if values.iter().any(|v| v == NONE) => Answer::default(),
            _ => {
                let mut choices = Vec::new();
                for v in &values {
                    match v.parse::<usize>() {
                        Ok(i) => choices.push(i),
                        Err(_) => errors.add(&format!("answers.{key}"), "Choose one of the answers shown."),
                    }
                }
                Answer { choices, text: String::new() }
            }
        };
        given.insert(key, answer);
    }
    (given, action, errors)
}

/// The value of a multi-choice question's "None of these".
const NONE: &str = "none";

async fn save(
    axum::extract::State(state): axum::extract::State<AppState>,
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<AssessmentId>,
    body: Bytes,
) -> Result<Response> {
    let a = store::assessment(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    if !super::may_fill(&user) {
        return Err(Error::forbidden());
    }
    if a.state != AssessmentState::Draft {
        return Err(Error::Conflict("This assessment is submitted; its answers can no longer change.".into()));
    }
    let q = store::questionnaire(&mut tx, a.questionnaire_id).await?;
    let (given, action, form_errors) = form_answers(&q, &body);
    let result = if form_errors.is_empty() {
        crate::db::attempt!(tx, async {
            super::answer(&mut tx, &user, id, &given, true).await?;
            if action == "submit" {
                super::submit(&mut tx, &user, &state.base_url, id).await?;
            }
            Ok::<_, Error>(())
        })
    } else {
        Err(Error::Invalid(form_errors))
    };
    match result {
        Ok(()) => {
            tx.commit().await?;
            let to = if action == "submit" {
                format!("{}?notice=submitted", scorecard_href(&user, a.partner_id))
            } else {
                format!("/capability/assessments/{id}?notice=saved")
            };
            Ok(Redirect::to(&to).into_response())
        }
        Err(Error::Invalid(errors)) => {
            // Nothing was saved: show the form as it was posted, with a message beside each question to fix.
            let mut answers = Answers::new();
            let _ = super::merge_answers(&q, &mut answers, &given);
            let bands = store::bands(&mut tx).await?;
            let page = Page::new(
                format!("Capability assessment {}", super::period_label(a.period_start)),
                &csrf,
                &user,
                "/capability",
            );
            let href = scorecard_href(&user, a.partner_id);
            Ok(unprocessable(assessment_page(
                page,
                &a,
                &q,
                &answers,
                bands,
                &errors,
                FormContext { editable: true, scorecard_href: href },
            )))
        }
        Err(e) => Err(e),
    }
}

#[derive(Serialize)]
struct LiveScore {
    score: String,
    band: &'static str,
}

#[derive(Serialize)]
struct LiveScores {
    overall: LiveScore,
    answered: usize,
    scores: BTreeMap<String, LiveScore>,
}

/// The form's scores as they stand, for the script: formatted text and band per `cat:<code>` and `topic:<code>`.
async fn live_score(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Path(id): Path<AssessmentId>,
    body: Bytes,
) -> Result<Response> {
    let a = store::assessment(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let q = store::questionnaire(&mut tx, a.questionnaire_id).await?;
    let (given, _, errors) = form_answers(&q, &body);
    errors.into_result()?;
    let s = super::preview(&mut tx, &user, id, &given, true).await?;
    let mut answers = Answers::new();
    super::merge_answers(&q, &mut answers, &given)?;
    let bands = store::bands(&mut tx).await?;
    let line = |x: Option<f64>| LiveScore { score: score_text(x), band: band_css(x.map(|v| bands.band(v))) };
    let mut scores = BTreeMap::new();
    for (code, x) in &s.categories {
        scores.insert(format!("cat:{code}"), line(*x));
    }
    for (code, x) in &s.topics {
        scores.insert(format!("topic:{code}"), line(*x));
    }
    let scored = q.questions().filter(|(_, x)| x.kind != QuestionKind::Text).count();
    let out =
        LiveScores { overall: line(s.overall), answered: scored - super::unanswered(&q, &answers).0.len(), scores };
    tx.commit().await?;
    Ok(axum::Json(out).into_response())
}

// ---------------------------------------------------------------------------------------------------------------
// Goals and tasks.

#[derive(Deserialize, Default)]
struct GoalForm {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    target_score: String,
    #[serde(default)]
    note: String,
}

async fn add_goal(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(partner): Path<PartnerId>,
    Form(form): Form<GoalForm>,
) -> Result<Response> {
    let input = GoalInput { topic: form.topic, target_score: form.target_score.trim().parse().ok(), note: form.note };
    let result = crate::db::attempt!(tx, api::set_goal(&mut tx, &user, partner, &input));
    after_plan_change(tx, &user, &csrf, partner, result.map(drop), "goal").await
}

#[derive(Deserialize, Default)]
struct TaskForm {
    #[serde(default)]
    topic: String,
    #[serde(default)]
    title: String,
}

async fn add_task(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(partner): Path<PartnerId>,
    Form(form): Form<TaskForm>,
) -> Result<Response> {
    let input = TaskInput { topic: form.topic, title: form.title, goal_id: None, due_on: None };
    let result = crate::db::attempt!(tx, api::new_task(&mut tx, &user, partner, &input));
    after_plan_change(tx, &user, &csrf, partner, result.map(drop), "task").await
}

async fn after_plan_change(
    mut tx: Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    partner: PartnerId,
    result: Result<()>,
    done: &str,
) -> Result<Response> {
    match result {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("{}?notice={done}", scorecard_href(user, partner))).into_response())
        }
        Err(Error::Invalid(errors)) => {
            let page = Page::new("Capability scorecard", csrf, user, "/capability");
            Ok(unprocessable(scorecard_page_with(&mut tx, user, page, partner, errors).await?))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
struct MoveForm {
    #[serde(default)]
    status: String,
}

async fn move_task(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    Path(id): Path<CapabilityTaskId>,
    Form(form): Form<MoveForm>,
) -> Result<Response> {
    let t = store::task(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    api::change_task(&mut tx, &user, id, &TaskPatch { status: Some(form.status), goal_id: None }).await?;
    tx.commit().await?;
    Ok(Redirect::to(&format!("{}?notice=moved", scorecard_href(&user, t.partner_id))).into_response())
}

// ---------------------------------------------------------------------------------------------------------------
// The admin's questionnaire and bands.

#[derive(Template, WebTemplate)]
#[template(path = "capability/admin.html")]
struct AdminPage {
    page: Page,
    version: i32,
    counts: String,
    document: String,
    yellow_from: String,
    green_from: String,
    errors: FieldErrors,
    document_errors: Vec<(String, String)>,
}

async fn admin_page(
    tx: &mut Tx,
    user: &CurrentUser,
    page: Page,
    document: Option<String>,
    bands: Option<(String, String)>,
    errors: FieldErrors,
) -> Result<AdminPage> {
    let id = store::current_questionnaire_id(tx).await?.ok_or(Error::NotFound)?;
    let q = store::questionnaire(tx, id).await?;
    let topics: usize = q.categories.iter().map(|c| c.topics.len()).sum();
    let document = match document {
        Some(d) => d,
        None => serde_json::to_string_pretty(&store::document(tx, id).await?).unwrap_or_default(),
    };
    let b = store::bands(tx).await?;
    let (yellow_from, green_from) = bands.unwrap_or((b.yellow_from.to_string(), b.green_from.to_string()));
    let _ = user;
    let document_errors = errors
        .0
        .iter()
        .filter(|(k, _)| k.starts_with("categories") || k.as_str() == "document")
        .flat_map(|(k, ms)| ms.iter().map(move |m| (k.clone(), m.clone())))
        .collect();
    Ok(AdminPage {
        page,
        version: q.version,
        counts: format!("{} categories, {} topics, {} questions", q.categories.len(), topics, q.questions().count()),
        document,
        yellow_from,
        green_from,
        errors,
        document_errors,
    })
}

async fn admin(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<PageQuery>,
) -> Result<AdminPage> {
    let mut page = Page::new("Capability questionnaire", &csrf, &user, "/capability");
    page.notice = notice(q.notice.as_deref(), NOTICES);
    let p = admin_page(&mut tx, &user, page, None, None, FieldErrors::new()).await?;
    tx.commit().await?;
    Ok(p)
}

#[derive(Deserialize, Default)]
struct DocumentForm {
    #[serde(default)]
    document: String,
}

async fn replace(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<DocumentForm>,
) -> Result<Response> {
    let result = match serde_json::from_str::<QuestionnaireDoc>(&form.document) {
        Ok(doc) => crate::db::attempt!(tx, super::replace_questionnaire(&mut tx, &user, &doc)),
        Err(e) => Err(Error::invalid("document", format!("This is not a questionnaire document: {e}."))),
    };
    match result {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to("/capability/questionnaire?notice=questionnaire").into_response())
        }
        Err(Error::Invalid(errors)) => {
            let page = Page::new("Capability questionnaire", &csrf, &user, "/capability");
            Ok(unprocessable(admin_page(&mut tx, &user, page, Some(form.document), None, errors).await?))
        }
        Err(e) => Err(e),
    }
}

#[derive(Deserialize, Default)]
struct BandsForm {
    #[serde(default)]
    yellow_from: String,
    #[serde(default)]
    green_from: String,
}

async fn save_bands(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<BandsForm>,
) -> Result<Response> {
    let mut errors = FieldErrors::new();
    let yellow = form.yellow_from.trim().parse::<i32>().ok();
    let green = form.green_from.trim().parse::<i32>().ok();
    if yellow.is_none() {
        errors.add("yellow_from", "Enter a whole score, such as 50.");
    }
    if green.is_none() {
        errors.add("green_from", "Enter a whole score, such as 75.");
    }
    let result = match (yellow, green) {
        (Some(y), Some(g)) if errors.is_empty() => {
            crate::db::attempt!(tx, super::set_bands(&mut tx, &user, Bands { yellow_from: y, green_from: g }))
        }
        _ => Err(Error::Invalid(errors)),
    };
    match result {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to("/capability/questionnaire?notice=bands").into_response())
        }
        Err(Error::Invalid(errors)) => {
            let page = Page::new("Capability questionnaire", &csrf, &user, "/capability");
            let bands = Some((form.yellow_from, form.green_from));
            Ok(unprocessable(admin_page(&mut tx, &user, page, None, bands, errors).await?))
        }
        Err(e) => Err(e),
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The chief's growth view.

struct GrowthLine {
    name: String,
    category: String,
    partners: usize,
    correlation: String,
    top: String,
    bottom: String,
    css: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "capability/growth.html")]
struct GrowthPage {
    page: Page,
    partners: usize,
    topics: Vec<GrowthLine>,
}

fn growth_percent(g: f64) -> String {
    format!("{:+.1} %", g * 100.0)
}

async fn growth(Auth { user, mut tx, .. }: Auth<AnyRole>, Extension(csrf): Extension<CsrfToken>) -> Result<GrowthPage> {
    if !matches!(user.role, Role::ChannelChief | Role::ProgramAdmin) {
        return Err(Error::forbidden());
    }
    let g = api::build_growth(&mut tx).await?;
    let page = Page::new("Capability and growth", &csrf, &user, "/capability");
    tx.commit().await?;
    Ok(GrowthPage {
        page,
        partners: g.partners,
        topics: g
            .topics
            .into_iter()
            .map(|t| GrowthLine {
                name: t.name,
                category: t.category,
                partners: t.figures.partners,
                correlation: t.figures.correlation.map_or_else(|| "–".into(), |r| format!("{r:+.2}")),
                top: growth_percent(t.figures.top_half_growth),
                bottom: growth_percent(t.figures.bottom_half_growth),
                css: match t.figures.correlation {
                    Some(r) if r >= 0.3 => "green",
                    Some(r) if r <= -0.3 => "red",
                    _ => "none",
                },
            })
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------------------------------
// The homes' blocks.

/// The partner home's block: the band of the latest assessment and whether one is due this half year.
#[derive(Template)]
#[template(path = "capability/home_partner.html")]
pub struct HomePartner {
    pub score: String,
    pub css: &'static str,
    pub band: &'static str,
    pub period: String,
    pub due: bool,
}

pub async fn home_partner(tx: &mut Tx, user: &CurrentUser) -> Result<Option<HomePartner>> {
    let Some(partner) = user.partner_id else { return Ok(None) };
    let today = crate::program::store::today(tx).await?;
    let bands = store::bands(tx).await?;
    let rows = store::standings(tx, crate::auth::Scope::Partner(partner), super::half_start(today)).await?;
    let Some(p) = rows.into_iter().next() else { return Ok(None) };
    let band = p.latest.map(|s| bands.band(s));
    Ok(Some(HomePartner {
        score: score_text(p.latest),
        css: band_css(band),
        band: band_label(band),
        period: p.latest_period.map(super::period_label).unwrap_or_default(),
        due: !p.assessed_since,
    }))
}

/// The CAM home's block: each assigned partner's band, and those with no assessment this half year.
#[derive(Template)]
#[template(path = "capability/home_cam.html")]
pub struct HomeCam {
    partners: Vec<PartnerLine>,
    due: usize,
}

/// A partner's line on the staff list and the CAM home: its latest score, band and whether one is due.
fn partner_line(p: store::PartnerStanding, bands: &Bands) -> PartnerLine {
    let band = p.latest.map(|s| bands.band(s));
    PartnerLine {
        id: p.id,
        name: p.name,
        tier: p.tier,
        score: score_text(p.latest),
        css: band_css(band),
        band: band_label(band),
        period: p.latest_period.map(super::period_label).unwrap_or_default(),
        due: !p.assessed_since,
    }
}

pub async fn home_cam(tx: &mut Tx, user: &CurrentUser) -> Result<HomeCam> {
    let today = crate::program::store::today(tx).await?;
    let bands = store::bands(tx).await?;
    let rows = store::standings(tx, user.scope(), super::half_start(today)).await?;
    let partners: Vec<PartnerLine> = rows.into_iter().map(|p| partner_line(p, &bands)).collect();
    let due = partners.iter().filter(|p| p.due).count();
    Ok(HomeCam { partners, due })
}
