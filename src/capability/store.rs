//! SQL for capability scorecards, inside the request's tenant-scoped transaction; the caller's `Scope` narrows to a
//! partner's own or a CAM's assigned partners.

use std::collections::HashMap;

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use rust_decimal::prelude::{FromPrimitive, ToPrimitive};
use serde_json::Value;

use super::{Answers, AssessmentState, Category, ChoiceDoc, Question, QuestionKind, Questionnaire, TaskStatus, Topic};
use crate::auth::{CurrentUser, Scope};
use crate::db::Tx;
use crate::ids::{
    AssessmentId, CapabilityGoalId, CapabilityTaskId, PartnerId, QuestionId, QuestionnaireId, TenantId, UserId,
};
use crate::rules::capability::{Bands, Scores};

pub async fn bands(tx: &mut Tx) -> Result<Bands, sqlx::Error> {
    let row = sqlx::query!("select yellow_from, green_from from capability_settings").fetch_optional(&mut **tx).await?;
    Ok(row.map_or_else(Bands::default, |r| Bands { yellow_from: r.yellow_from, green_from: r.green_from }))
}

pub async fn put_bands(tx: &mut Tx, tenant: TenantId, b: Bands) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into capability_settings (tenant_id, yellow_from, green_from) values ($1, $2, $3)
         on conflict (tenant_id) do update set yellow_from = $2, green_from = $3, updated_at = now()",
        tenant as TenantId,
        b.yellow_from,
        b.green_from,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn current_questionnaire_id(tx: &mut Tx) -> Result<Option<QuestionnaireId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select id as "id: QuestionnaireId" from capability_questionnaires order by version desc limit 1"#
    )
    .fetch_optional(&mut **tx)
    .await
}

/// The document a version was installed from (what the admin edits).
pub async fn document(tx: &mut Tx, id: QuestionnaireId) -> Result<Value, sqlx::Error> {
    sqlx::query_scalar!("select document from capability_questionnaires where id = $1", id as QuestionnaireId)
        .fetch_one(&mut **tx)
        .await
}

/// A questionnaire version with its categories, topics and questions in order.
pub async fn questionnaire(tx: &mut Tx, id: QuestionnaireId) -> Result<Questionnaire, sqlx::Error> {
    let version =
        sqlx::query_scalar!("select version from capability_questionnaires where id = $1", id as QuestionnaireId)
            .fetch_one(&mut **tx)
            .await?;
    let rows = sqlx::query!(
        r#"select c.code as category_code, c.name as category_name, t.code as topic_code, t.name as topic_name,
                  t.recommendation, q.id as "question_id: QuestionId", q.text, q.kind as "kind: QuestionKind",
                  q.choices
             from capability_categories c
             join capability_topics t on t.tenant_id = c.tenant_id and t.category_id = c.id
             join capability_questions q on q.tenant_id = t.tenant_id and q.topic_id = t.id
            where c.questionnaire_id = $1
            order by c.position, t.position, q.position"#,
        id as QuestionnaireId,
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut categories: Vec<Category> = Vec::new();
    for r in rows {
        if categories.last().is_none_or(|c| c.code != r.category_code) {
            categories.push(Category { code: r.category_code, name: r.category_name, topics: vec![] });
        }
        let c = categories.last_mut().expect("pushed");
        if c.topics.last().is_none_or(|t| t.code != r.topic_code) {
            c.topics.push(Topic {
                code: r.topic_code,
                name: r.topic_name,
                recommendation: r.recommendation,
                questions: vec![],
            });
        }
        let choices: Vec<ChoiceDoc> = serde_json::from_value(r.choices).unwrap_or_default();
        c.topics.last_mut().expect("pushed").questions.push(Question {
            id: r.question_id,
            text: r.text,
            kind: r.kind,
            choices,
        });
    }
    Ok(Questionnaire { id, version, categories })
}

/// Installs a checked document as the next version.
pub async fn install(tx: &mut Tx, user: &CurrentUser, doc: &Value) -> Result<QuestionnaireId, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select app_capability_install($1, $2, $3) as "id!: QuestionnaireId""#,
        user.tenant_id as TenantId,
        doc,
        user.id as UserId,
    )
    .fetch_one(&mut **tx)
    .await
}

#[derive(Debug, Clone)]
pub struct AssessmentRow {
    pub id: AssessmentId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub tier: String,
    pub questionnaire_id: QuestionnaireId,
    pub period_start: NaiveDate,
    pub state: AssessmentState,
    pub answers: Answers,
    pub overall_score: Option<f64>,
    pub category_scores: HashMap<String, f64>,
    pub topic_scores: HashMap<String, f64>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub submitted_by_name: Option<String>,
    pub updated_at: DateTime<Utc>,
}

fn score_map(v: Value) -> HashMap<String, f64> {
    serde_json::from_value(v).unwrap_or_default()
}

fn to_f64(d: Option<Decimal>) -> Option<f64> {
    d.and_then(|d| d.to_f64())
}

macro_rules! assessment_rows {
    ($rows:expr) => {
        $rows.into_iter().map(|r| AssessmentRow {
            id: r.id,
            partner_id: r.partner_id,
            partner_name: r.partner_name,
            tier: r.tier,
            questionnaire_id: r.questionnaire_id,
            period_start: r.period_start,
            state: r.state,
            answers: serde_json::from_value(r.answers).unwrap_or_default(),
            overall_score: to_f64(r.overall_score),
            category_scores: score_map(r.category_scores),
            topic_scores: score_map(r.topic_scores),
            submitted_at: r.submitted_at,
            submitted_by_name: r.submitted_by_name,
            updated_at: r.updated_at,
        })
    };
}

/// One assessment, when the scope may see its partner.
pub async fn assessment(tx: &mut Tx, scope: Scope, id: AssessmentId) -> Result<Option<AssessmentRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select a.id as "id: AssessmentId", a.partner_id as "partner_id: PartnerId", p.name as partner_name, p.tier,
                  a.questionnaire_id as "questionnaire_id: QuestionnaireId", a.period_start,
                  a.state as "state: AssessmentState", a.answers, a.overall_score, a.category_scores, a.topic_scores,
                  a.submitted_at, u.name as "submitted_by_name?", a.updated_at
             from capability_assessments a
             join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
             left join users u on u.tenant_id = a.tenant_id and u.id = a.submitted_by
            where a.id = $1 and ($2::uuid is null or a.partner_id = $2) and ($3::uuid is null or p.cam_id = $3)"#,
        id as AssessmentId,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(assessment_rows!(rows).next())
}

/// Assessments in scope, newest period first; of one partner when given.
pub async fn assessments(
    tx: &mut Tx,
    scope: Scope,
    partner: Option<PartnerId>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<AssessmentRow>, i64), sqlx::Error> {
    let total = sqlx::query_scalar!(
        r#"select count(*) as "n!" from capability_assessments a
             join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
            where ($1::uuid is null or a.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
              and ($3::uuid is null or a.partner_id = $3)"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        partner as Option<PartnerId>,
    )
    .fetch_one(&mut **tx)
    .await?;
    let rows = sqlx::query!(
        r#"select a.id as "id: AssessmentId", a.partner_id as "partner_id: PartnerId", p.name as partner_name, p.tier,
                  a.questionnaire_id as "questionnaire_id: QuestionnaireId", a.period_start,
                  a.state as "state: AssessmentState", a.answers, a.overall_score, a.category_scores, a.topic_scores,
                  a.submitted_at, u.name as "submitted_by_name?", a.updated_at
             from capability_assessments a
             join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
             left join users u on u.tenant_id = a.tenant_id and u.id = a.submitted_by
            where ($1::uuid is null or a.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
              and ($3::uuid is null or a.partner_id = $3)
            order by a.period_start desc, p.name, a.id
            limit $4 offset $5"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        partner as Option<PartnerId>,
        limit,
        offset,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok((assessment_rows!(rows).collect(), total))
}

/// Starts an assessment; None when the partner has one for the period already.
pub async fn insert_assessment(
    tx: &mut Tx,
    user: &CurrentUser,
    partner: PartnerId,
    questionnaire: QuestionnaireId,
    period_start: NaiveDate,
) -> Result<Option<AssessmentId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"insert into capability_assessments (tenant_id, id, partner_id, questionnaire_id, period_start, created_by)
           values ($1, $2, $3, $4, $5, $6)
           on conflict do nothing
           returning id as "id: AssessmentId""#,
        user.tenant_id as TenantId,
        AssessmentId::new() as AssessmentId,
        partner as PartnerId,
        questionnaire as QuestionnaireId,
        period_start,
        user.id as UserId,
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Saves a draft's answers; false when it is no longer a draft.
pub async fn save_answers(tx: &mut Tx, id: AssessmentId, answers: &Answers) -> Result<bool, sqlx::Error> {
    let json = serde_json::to_value(answers).unwrap_or(Value::Object(Default::default()));
    let done = sqlx::query!(
        "update capability_assessments set answers = $2, updated_at = now() where id = $1 and state = 'draft'",
        id as AssessmentId,
        json,
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

fn scores_json(pairs: &[(String, Option<f64>)]) -> Value {
    Value::Object(
        pairs
            .iter()
            .filter_map(|(code, s)| Some((code.clone(), serde_json::Number::from_f64((*s)?)?.into())))
            .collect(),
    )
}

/// Submits a draft with its scores; false when it is no longer a draft.
pub async fn mark_submitted(
    tx: &mut Tx,
    user: &CurrentUser,
    id: AssessmentId,
    overall: f64,
    s: &Scores,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update capability_assessments
            set state = 'submitted', submitted_by = $2, submitted_at = now(), overall_score = $3,
                category_scores = $4, topic_scores = $5, updated_at = now()
          where id = $1 and state = 'draft'",
        id as AssessmentId,
        user.id as UserId,
        Decimal::from_f64(overall).unwrap_or(Decimal::ONE).round_dp(2),
        scores_json(&s.categories),
        scores_json(&s.topics),
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A partner's submitted assessments, newest period first: the latest and the one before give the trend.
pub async fn submitted(tx: &mut Tx, partner: PartnerId, limit: i64) -> Result<Vec<AssessmentRow>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select a.id as "id: AssessmentId", a.partner_id as "partner_id: PartnerId", p.name as partner_name, p.tier,
                  a.questionnaire_id as "questionnaire_id: QuestionnaireId", a.period_start,
                  a.state as "state: AssessmentState", a.answers, a.overall_score, a.category_scores, a.topic_scores,
                  a.submitted_at, u.name as "submitted_by_name?", a.updated_at
             from capability_assessments a
             join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
             left join users u on u.tenant_id = a.tenant_id and u.id = a.submitted_by
            where a.partner_id = $1 and a.state = 'submitted'
            order by a.period_start desc
            limit $2"#,
        partner as PartnerId,
        limit,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(assessment_rows!(rows).collect())
}

/// The latest topic scores of every other partner of `tier` with a submitted assessment.
pub async fn peer_topic_scores(
    tx: &mut Tx,
    tier: &str,
    except: PartnerId,
) -> Result<Vec<HashMap<String, f64>>, sqlx::Error> {
    let rows = sqlx::query_scalar!(
        r#"select distinct on (a.partner_id) a.topic_scores as "s!"
             from capability_assessments a
             join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
            where a.state = 'submitted' and p.tier = $1 and a.partner_id <> $2
            order by a.partner_id, a.period_start desc"#,
        tier,
        except as PartnerId,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(score_map).collect())
}

/// The latest overall score of each partner of `ids` with a submitted assessment (the tier metric).
pub async fn latest_overall(tx: &mut Tx, ids: &[PartnerId]) -> Result<Vec<(PartnerId, Decimal)>, sqlx::Error> {
    let ids: Vec<uuid::Uuid> = ids.iter().map(|p| p.0).collect();
    let rows = sqlx::query!(
        r#"select distinct on (partner_id) partner_id as "id: PartnerId", overall_score as "s!"
             from capability_assessments
            where partner_id = any($1) and state = 'submitted'
            order by partner_id, period_start desc"#,
        &ids,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.s)).collect())
}

/// Per partner in scope: its name, its latest overall score, and whether it has an assessment (any state) since
/// `since` (the CAM home, the staff list).
pub struct PartnerStanding {
    pub id: PartnerId,
    pub name: String,
    pub tier: String,
    pub latest: Option<f64>,
    pub latest_period: Option<NaiveDate>,
    pub assessed_since: bool,
}

pub async fn standings(tx: &mut Tx, scope: Scope, since: NaiveDate) -> Result<Vec<PartnerStanding>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select p.id as "id: PartnerId", p.name, p.tier, l.overall_score, l.period_start as "latest_period?",
                  exists (select 1 from capability_assessments x
                           where x.tenant_id = p.tenant_id and x.partner_id = p.id and x.period_start >= $3)
                    as "assessed!"
             from partners p
             left join lateral (select a.overall_score, a.period_start from capability_assessments a
                                 where a.tenant_id = p.tenant_id and a.partner_id = p.id and a.state = 'submitted'
                                 order by a.period_start desc limit 1) l on true
            where ($1::uuid is null or p.id = $1) and ($2::uuid is null or p.cam_id = $2)
              and p.life_stage <> 'applicant'
            order by p.name, p.id"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        since,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|r| PartnerStanding {
            id: r.id,
            name: r.name,
            tier: r.tier,
            latest: to_f64(r.overall_score),
            latest_period: r.latest_period,
            assessed_since: r.assessed,
        })
        .collect())
}

#[derive(Debug, Clone)]
pub struct GoalRow {
    pub id: CapabilityGoalId,
    pub topic_code: String,
    pub target_score: i32,
    pub note: String,
}

pub async fn goals(tx: &mut Tx, partner: PartnerId) -> Result<Vec<GoalRow>, sqlx::Error> {
    sqlx::query_as!(
        GoalRow,
        r#"select id as "id: CapabilityGoalId", topic_code, target_score, note
             from capability_goals where partner_id = $1 order by created_at, id"#,
        partner as PartnerId,
    )
    .fetch_all(&mut **tx)
    .await
}

/// Sets the partner's goal for a topic (one a topic).
pub async fn put_goal(
    tx: &mut Tx,
    user: &CurrentUser,
    partner: PartnerId,
    topic: &str,
    target: i32,
    note: &str,
) -> Result<CapabilityGoalId, sqlx::Error> {
    sqlx::query_scalar!(
        r#"insert into capability_goals (tenant_id, id, partner_id, topic_code, target_score, note, created_by)
           values ($1, $2, $3, $4, $5, $6, $7)
           on conflict (tenant_id, partner_id, topic_code)
           do update set target_score = $5, note = $6, updated_at = now()
           returning id as "id: CapabilityGoalId""#,
        user.tenant_id as TenantId,
        CapabilityGoalId::new() as CapabilityGoalId,
        partner as PartnerId,
        topic,
        target,
        note,
        user.id as UserId,
    )
    .fetch_one(&mut **tx)
    .await
}

#[derive(Debug, Clone)]
pub struct TaskRow {
    pub id: CapabilityTaskId,
    pub partner_id: PartnerId,
    pub goal_id: Option<CapabilityGoalId>,
    pub topic_code: String,
    pub title: String,
    pub status: TaskStatus,
    pub due_on: Option<NaiveDate>,
}

pub async fn tasks(tx: &mut Tx, partner: PartnerId) -> Result<Vec<TaskRow>, sqlx::Error> {
    sqlx::query_as!(
        TaskRow,
        r#"select id as "id: CapabilityTaskId", partner_id as "partner_id: PartnerId",
                  goal_id as "goal_id: CapabilityGoalId", topic_code, title, status as "status: TaskStatus", due_on
             from capability_tasks where partner_id = $1
            order by status = 'done', created_at, id"#,
        partner as PartnerId,
    )
    .fetch_all(&mut **tx)
    .await
}

/// One task, when the scope may see its partner.
pub async fn task(tx: &mut Tx, scope: Scope, id: CapabilityTaskId) -> Result<Option<TaskRow>, sqlx::Error> {
    sqlx::query_as!(
        TaskRow,
        r#"select t.id as "id: CapabilityTaskId", t.partner_id as "partner_id: PartnerId",
                  t.goal_id as "goal_id: CapabilityGoalId", t.topic_code, t.title, t.status as "status: TaskStatus",
                  t.due_on
             from capability_tasks t join partners p on p.tenant_id = t.tenant_id and p.id = t.partner_id
            where t.id = $1 and ($2::uuid is null or t.partner_id = $2) and ($3::uuid is null or p.cam_id = $3)"#,
        id as CapabilityTaskId,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn insert_task(
    tx: &mut Tx,
    user: &CurrentUser,
    partner: PartnerId,
    goal: Option<CapabilityGoalId>,
    topic: &str,
    title: &str,
    due_on: Option<NaiveDate>,
) -> Result<CapabilityTaskId, sqlx::Error> {
    sqlx::query_scalar!(
        r#"insert into capability_tasks (tenant_id, id, partner_id, goal_id, topic_code, title, due_on, created_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8)
           returning id as "id: CapabilityTaskId""#,
        user.tenant_id as TenantId,
        CapabilityTaskId::new() as CapabilityTaskId,
        partner as PartnerId,
        goal as Option<CapabilityGoalId>,
        topic,
        title,
        due_on,
        user.id as UserId,
    )
    .fetch_one(&mut **tx)
    .await
}

/// Proposes a task for a topic unless one with the same title is still open.
pub async fn recommend_task(
    tx: &mut Tx,
    tenant: TenantId,
    partner: PartnerId,
    topic: &str,
    title: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into capability_tasks (tenant_id, id, partner_id, topic_code, title, status)
         select $1, $2, $3, $4, $5, 'recommended'
          where not exists (select 1 from capability_tasks
                             where partner_id = $3 and topic_code = $4 and title = $5 and status <> 'done')",
        tenant as TenantId,
        CapabilityTaskId::new() as CapabilityTaskId,
        partner as PartnerId,
        topic,
        title,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn set_task(
    tx: &mut Tx,
    id: CapabilityTaskId,
    status: TaskStatus,
    goal: Option<Option<CapabilityGoalId>>,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update capability_tasks set status = $2, goal_id = case when $3 then $4 else goal_id end, updated_at = now()
          where id = $1",
        id as CapabilityTaskId,
        status as TaskStatus,
        goal.is_some(),
        goal.flatten() as Option<CapabilityGoalId>,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Whether a goal belongs to the partner.
pub async fn goal_of(tx: &mut Tx, partner: PartnerId, goal: CapabilityGoalId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from capability_goals where id = $1 and partner_id = $2) as "e!""#,
        goal as CapabilityGoalId,
        partner as PartnerId,
    )
    .fetch_one(&mut **tx)
    .await
}

/// For the chief: each partner's latest topic scores with its closed-won revenue over the twelve months up to `to`
/// and the twelve before (amounts summed as recorded, so a partner's growth compares it with itself).
pub async fn growth_inputs(
    tx: &mut Tx,
    to: DateTime<Utc>,
) -> Result<Vec<(HashMap<String, f64>, Decimal, Decimal)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"with latest as (
               select distinct on (partner_id) partner_id, topic_scores
                 from capability_assessments where state = 'submitted'
                order by partner_id, period_start desc),
           revenue as (
               select d.partner_id,
                      sum(coalesce(d.closed_amount, d.estimated_value))
                          filter (where d.closed_at >= $1::timestamptz - interval '12 months') as current,
                      sum(coalesce(d.closed_amount, d.estimated_value))
                          filter (where d.closed_at < $1::timestamptz - interval '12 months') as previous
                 from deals d
                where d.status = 'won' and d.closed_at >= $1::timestamptz - interval '24 months' and d.closed_at < $1
                  and d.partner_id in (select partner_id from latest)
                group by d.partner_id)
           select l.topic_scores as "s!", coalesce(r.current, 0) as "current!", coalesce(r.previous, 0) as "previous!"
             from latest l left join revenue r on r.partner_id = l.partner_id"#,
        to,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (score_map(r.s), r.current, r.previous)).collect())
}

/// Claims the partners with no assessment since `half` and no due notice for it yet, skipping those another instance
/// holds.
pub async fn claim_due(tx: &mut Tx, half: NaiveDate, limit: i64) -> Result<Vec<(PartnerId, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select p.id as "id: PartnerId", p.name from partners p
            where p.life_stage in ('onboarding', 'activated', 'producing', 'lapsed')
              and not exists (select 1 from capability_assessments a
                               where a.tenant_id = p.tenant_id and a.partner_id = p.id and a.period_start >= $1)
              and not exists (select 1 from capability_due_notices n
                               where n.tenant_id = p.tenant_id and n.partner_id = p.id and n.half_start = $1)
            order by p.id
            limit $2
            for update of p skip locked"#,
        half,
        limit,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// Records the due notice of a partner and half year; false when one exists (sent by another instance).
pub async fn record_notice(
    tx: &mut Tx,
    tenant: TenantId,
    partner: PartnerId,
    half: NaiveDate,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "insert into capability_due_notices (tenant_id, partner_id, half_start) values ($1, $2, $3)
         on conflict do nothing",
        tenant as TenantId,
        partner as PartnerId,
        half,
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}
