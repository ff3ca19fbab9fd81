//! Capability scorecards: the program's versioned questionnaire (categories → topics → questions), the assessments a
//! partner or its CAM fills in per quarter (draft → submitted), their scores on 1–100 with red/yellow/green bands
//! (`rules::capability`), peer and top-quartile averages among partners of the same tier, the trend against the
//! previous assessment, goals per topic with an action plan of tasks, and the chief's view of which topics go with
//! revenue growth. The period is a quarter; the cadence the CAM home and the due e-mail follow is one assessment a
//! half year. Contract: docs/api.md ("Capability scorecards").

pub mod api;
pub mod demo;
pub mod pages;
pub mod store;

use std::collections::{BTreeMap, HashMap};

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{AssessmentId, PartnerId, QuestionId};
use crate::outbox::store as outbox;
use crate::rules::capability::{self as rule, Bands};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[schema(as = CapabilityQuestionKind)]
pub enum QuestionKind {
    /// One choice; its points placed between the least and most on offer.
    Single,
    /// Any number of choices; the share of the points on offer.
    Multi,
    /// Free text, not scored.
    Text,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[schema(as = AssessmentState)]
pub enum AssessmentState {
    Draft,
    Submitted,
}

impl AssessmentState {
    pub fn label(self) -> &'static str {
        match self {
            AssessmentState::Draft => "Draft",
            AssessmentState::Submitted => "Submitted",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
#[schema(as = CapabilityTaskStatus)]
pub enum TaskStatus {
    /// Proposed by the scorecard for one of the lowest-scoring topics; nobody has taken it on yet.
    Recommended,
    NotStarted,
    InProgress,
    Done,
}

impl TaskStatus {
    pub const ALL: [TaskStatus; 4] =
        [TaskStatus::Recommended, TaskStatus::NotStarted, TaskStatus::InProgress, TaskStatus::Done];

    pub fn as_str(self) -> &'static str {
        match self {
            TaskStatus::Recommended => "recommended",
            TaskStatus::NotStarted => "not_started",
            TaskStatus::InProgress => "in_progress",
            TaskStatus::Done => "done",
        }
    }

    pub fn parse(s: &str) -> Option<TaskStatus> {
        TaskStatus::ALL.into_iter().find(|t| t.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TaskStatus::Recommended => "Recommended",
            TaskStatus::NotStarted => "Not started",
            TaskStatus::InProgress => "In progress",
            TaskStatus::Done => "Done",
        }
    }
}

// ---------------------------------------------------------------------------------------------------------------
// The questionnaire document: what the admin edits, and what a version is installed from.

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityChoice)]
pub struct ChoiceDoc {
    pub label: String,
    /// 0–100.
    pub points: i32,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityQuestionInput)]
pub struct QuestionDoc {
    pub text: String,
    pub kind: QuestionKind,
    /// Two to ten for single and multi choice; none for text.
    #[serde(default)]
    pub choices: Vec<ChoiceDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityTopicInput)]
pub struct TopicDoc {
    /// Lowercase letters, digits and underscores; keeps the topic's history (trend, peers) across versions.
    pub code: String,
    pub name: String,
    /// The task recommended when the topic scores among the partner's lowest.
    pub recommendation: String,
    pub questions: Vec<QuestionDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityCategoryInput)]
pub struct CategoryDoc {
    pub code: String,
    pub name: String,
    pub topics: Vec<TopicDoc>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityQuestionnaireInput)]
pub struct QuestionnaireDoc {
    pub categories: Vec<CategoryDoc>,
}

fn is_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 40
        && code.starts_with(|c: char| c.is_ascii_lowercase() || c.is_ascii_digit())
        && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

/// Checks a questionnaire document, naming each wrong field by its path (`categories[0].topics[1].name`).
pub fn validate_document(doc: &QuestionnaireDoc) -> Result<()> {
    let mut errors = FieldErrors::new();
    let code_msg = "Use lowercase letters, digits and underscores (up to 40).";
    if doc.categories.is_empty() || doc.categories.len() > 20 {
        errors.add("categories", "Give one to twenty categories.");
    }
    let (mut category_codes, mut topic_codes) = (Vec::new(), Vec::new());
    for (i, c) in doc.categories.iter().enumerate() {
        let at = format!("categories[{i}]");
        if !is_code(&c.code) {
            errors.add(&format!("{at}.code"), code_msg);
        } else if category_codes.contains(&c.code.as_str()) {
            errors.add(&format!("{at}.code"), "Another category has this code.");
        }
        category_codes.push(c.code.as_str());
        crate::validate::text(&mut errors, &format!("{at}.name"), &c.name, 120);
        if c.topics.is_empty() || c.topics.len() > 20 {
            errors.add(&format!("{at}.topics"), "Give one to twenty topics.");
        }
        for (j, t) in c.topics.iter().enumerate() {
            let at = format!("{at}.topics[{j}]");
            if !is_code(&t.code) {
                errors.add(&format!("{at}.code"), code_msg);
            } else if topic_codes.contains(&t.code.as_str()) {
                errors.add(&format!("{at}.code"), "Another topic has this code.");
            }
            topic_codes.push(t.code.as_str());
            crate::validate::text(&mut errors, &format!("{at}.name"), &t.name, 120);
            crate::validate::text(&mut errors, &format!("{at}.recommendation"), &t.recommendation, 200);
            if t.questions.is_empty() || t.questions.len() > 20 {
                errors.add(&format!("{at}.questions"), "Give one to twenty questions.");
            } else if t.questions.iter().all(|q| q.kind == QuestionKind::Text) {
                errors.add(&format!("{at}.questions"), "Give the topic at least one scored question.");
            }
            for (k, q) in t.questions.iter().enumerate() {
                let at = format!("{at}.questions[{k}]");
                crate::validate::text(&mut errors, &format!("{at}.text"), &q.text, 300);
                match q.kind {
                    QuestionKind::Text if !q.choices.is_empty() => {
                        errors.add(&format!("{at}.choices"), "A text question has no choices.");
                    }
                    QuestionKind::Text => {}
                    _ if !(2..=10).contains(&q.choices.len()) => {
                        errors.add(&format!("{at}.choices"), "Give two to ten choices.");
                    }
                    kind => {
                        for (l, choice) in q.choices.iter().enumerate() {
                            crate::validate::text(&mut errors, &format!("{at}.choices[{l}].label"), &choice.label, 200);
                            if !(0..=100).contains(&choice.points) {
                                errors.add(&format!("{at}.choices[{l}].points"), "Use points from 0 to 100.");
                            }
                        }
                        let most = q.choices.iter().map(|c| c.points).max().unwrap_or(0);
                        let least = q.choices.iter().map(|c| c.points).min().unwrap_or(0);
                        if kind == QuestionKind::Multi && most <= 0 || kind == QuestionKind::Single && most == least {
                            errors.add(&format!("{at}.choices"), "Give the choices different points, some above 0.");
                        }
                    }
                }
            }
        }
    }
    errors.into_result()
}

// ---------------------------------------------------------------------------------------------------------------
// A questionnaire version as stored, and the answers of an assessment.

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CapabilityQuestion)]
pub struct Question {
    pub id: QuestionId,
    pub text: String,
    pub kind: QuestionKind,
    pub choices: Vec<ChoiceDoc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CapabilityTopic)]
pub struct Topic {
    pub code: String,
    pub name: String,
    pub recommendation: String,
    pub questions: Vec<Question>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CapabilityCategory)]
pub struct Category {
    pub code: String,
    pub name: String,
    pub topics: Vec<Topic>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
#[schema(as = CapabilityQuestionnaire)]
pub struct Questionnaire {
    pub id: crate::ids::QuestionnaireId,
    pub version: i32,
    pub categories: Vec<Category>,
}

impl Questionnaire {
    pub fn questions(&self) -> impl Iterator<Item = (&Topic, &Question)> {
        self.categories.iter().flat_map(|c| c.topics.iter()).flat_map(|t| t.questions.iter().map(move |q| (t, q)))
    }

    pub fn topic(&self, code: &str) -> Option<&Topic> {
        self.categories.iter().flat_map(|c| c.topics.iter()).find(|t| t.code == code)
    }

    pub fn topic_codes(&self) -> Vec<String> {
        self.categories.iter().flat_map(|c| c.topics.iter()).map(|t| t.code.clone()).collect()
    }
}

/// One question's answer: the indexes of the chosen choices (none or one for single choice), or the text.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, utoipa::ToSchema)]
#[schema(as = CapabilityAnswer)]
pub struct Answer {
    #[serde(default)]
    pub choices: Vec<usize>,
    #[serde(default)]
    pub text: String,
}

/// Answers by question id.
pub type Answers = BTreeMap<QuestionId, Answer>;

/// Checks answers against the questionnaire and merges them into `into` (an answer with no choice and no text
/// removes one). Every wrong answer is named as `answers.<question id>`.
pub fn merge_answers(q: &Questionnaire, into: &mut Answers, given: &BTreeMap<String, Answer>) -> Result<()> {
    let mut errors = FieldErrors::new();
    let by_id: HashMap<String, &Question> = q.questions().map(|(_, q)| (q.id.to_string(), q)).collect();
    for (key, answer) in given {
        let field = format!("answers.{key}");
        let Some(question) = by_id.get(key.as_str()) else {
            errors.add(&field, "No such question in this assessment's questionnaire.");
            continue;
        };
        match question.kind {
            QuestionKind::Text => {
                if !answer.choices.is_empty() {
                    errors.add(&field, "A text question takes text, not choices.");
                } else if answer.text.chars().count() > 2000 {
                    errors.add(&field, "Keep the answer within 2,000 characters.");
                }
            }
            kind => {
                if !answer.text.is_empty() {
                    errors.add(&field, "A choice question takes choices, not text.");
                } else if answer.choices.iter().any(|&c| c >= question.choices.len()) {
                    errors.add(
                        &field,
                        format!(
                            "Choose among the {} choices (0 to {}).",
                            question.choices.len(),
                            question.choices.len() - 1
                        ),
                    );
                } else if kind == QuestionKind::Single && answer.choices.len() > 1 {
                    errors.add(&field, "Choose one answer.");
                }
            }
        }
    }
    errors.into_result()?;
    for (key, answer) in given {
        let id: QuestionId =
            key.parse().map_err(|_| Error::invalid(&format!("answers.{key}"), "Not a question id."))?;
        let kind = by_id[key.as_str()].kind;
        let mut a = answer.clone();
        a.text = a.text.trim().to_string();
        a.choices.sort_unstable();
        a.choices.dedup();
        // A single-choice question with nothing chosen is unanswered; a multi-choice one is "none of these".
        if (kind == QuestionKind::Single && a.choices.is_empty()) || (kind == QuestionKind::Text && a.text.is_empty()) {
            into.remove(&id);
        } else {
            into.insert(id, a);
        }
    }
    Ok(())
}

/// The scores of the answers so far.
pub fn scores(q: &Questionnaire, answers: &Answers) -> rule::Scores {
    let categories: Vec<rule::Category> = q
        .categories
        .iter()
        .map(|c| rule::Category {
            code: c.code.clone(),
            topics: c
                .topics
                .iter()
                .map(|t| rule::Topic {
                    code: t.code.clone(),
                    questions: t
                        .questions
                        .iter()
                        .filter(|q| q.kind != QuestionKind::Text)
                        .filter_map(|q| {
                            let a = answers.get(&q.id)?;
                            Some(rule::Answered {
                                multi: q.kind == QuestionKind::Multi,
                                points: q.choices.iter().map(|c| c.points).collect(),
                                chosen: a.choices.clone(),
                            })
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect();
    rule::score(&categories)
}

/// The scored questions with no answer, as field errors.
pub fn unanswered(q: &Questionnaire, answers: &Answers) -> FieldErrors {
    let mut errors = FieldErrors::new();
    for (_, question) in q.questions() {
        if question.kind != QuestionKind::Text && !answers.contains_key(&question.id) {
            errors.add(&format!("answers.{}", question.id), "Answer this question.");
        }
    }
    errors
}

// ---------------------------------------------------------------------------------------------------------------
// Periods.

/// The first day of the quarter `day` is in.
pub fn quarter_start(day: NaiveDate) -> NaiveDate {
    let m = (day.month0() / 3) * 3 + 1;
    NaiveDate::from_ymd_opt(day.year(), m, 1).expect("a quarter's first day")
}

/// The first day of the half year `day` is in.
pub fn half_start(day: NaiveDate) -> NaiveDate {
    NaiveDate::from_ymd_opt(day.year(), if day.month() <= 6 { 1 } else { 7 }, 1).expect("a half year's first day")
}

/// `2026-Q4` for a quarter's first day.
pub fn period_label(start: NaiveDate) -> String {
    format!("{}-Q{}", start.year(), start.month0() / 3 + 1)
}

/// A period as `2026-Q4` (or any day inside the quarter, `2026-11-15`).
pub fn parse_period(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if let Some((y, q)) = s.split_once("-Q").or_else(|| s.split_once("-q")) {
        let (y, q) = (y.parse::<i32>().ok()?, q.parse::<u32>().ok()?);
        if !(2000..=2100).contains(&y) || !(1..=4).contains(&q) {
            return None;
        }
        return NaiveDate::from_ymd_opt(y, (q - 1) * 3 + 1, 1);
    }
    NaiveDate::parse_from_str(s, "%Y-%m-%d").ok().filter(|d| (2000..=2100).contains(&d.year())).map(quarter_start)
}

// ---------------------------------------------------------------------------------------------------------------
// What people do.

/// Who may fill in a partner's assessment: its own people, its CAM (in scope) and the program admin.
pub fn may_fill(user: &CurrentUser) -> bool {
    matches!(user.role, Role::PartnerAdmin | Role::PartnerUser | Role::Cam | Role::ProgramAdmin)
}

/// Starts an assessment for a partner and a quarter (the current one by default).
pub async fn create(
    tx: &mut Tx,
    user: &CurrentUser,
    partner: Option<PartnerId>,
    period: Option<&str>,
) -> Result<AssessmentId> {
    let mut errors = FieldErrors::new();
    let partner = match (user.partner_id, partner) {
        (Some(own), _) if user.role.is_partner() => Some(own),
        (_, Some(p)) => Some(p),
        _ => {
            errors.add("partner_id", "Choose the partner.");
            None
        }
    };
    let today = crate::program::store::today(tx).await?;
    let period = match period.map(str::trim).filter(|p| !p.is_empty()) {
        None => Some(quarter_start(today)),
        Some(p) => match parse_period(p) {
            Some(d) if d > quarter_start(today) => {
                errors.add("period", "Assess the current quarter or an earlier one.");
                None
            }
            Some(d) => Some(d),
            None => {
                errors.add("period", "Name a quarter as 2026-Q4.");
                None
            }
        },
    };
    errors.into_result()?;
    let (partner, period) = (partner.expect("checked"), period.expect("checked"));
    if !may_fill(user) {
        return Err(Error::forbidden());
    }
    if !crate::certifications::store::partner_in_scope(tx, user.scope(), partner).await? {
        return Err(Error::NotFound);
    }
    let questionnaire = store::current_questionnaire_id(tx).await?.ok_or(Error::NotFound)?;
    store::insert_assessment(tx, user, partner, questionnaire, period).await?.ok_or_else(|| {
        Error::Conflict(format!("{} has an assessment for {} already.", "The partner", period_label(period)))
    })
}

/// Saves answers to a draft, merged into the saved ones or, with `replace` (a form that holds every question),
/// instead of them; 409 once submitted. Returns the scores so far.
pub async fn answer(
    tx: &mut Tx,
    user: &CurrentUser,
    id: AssessmentId,
    given: &BTreeMap<String, Answer>,
    replace: bool,
) -> Result<rule::Scores> {
    let a = store::assessment(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    if !may_fill(user) {
        return Err(Error::forbidden());
    }
    if a.state != AssessmentState::Draft {
        return Err(Error::Conflict("This assessment is submitted; its answers can no longer change.".into()));
    }
    let q = store::questionnaire(tx, a.questionnaire_id).await?;
    let mut answers = if replace { Answers::new() } else { a.answers.clone() };
    merge_answers(&q, &mut answers, given)?;
    if !store::save_answers(tx, id, &answers).await? {
        return Err(Error::Conflict("This assessment was submitted meanwhile.".into()));
    }
    Ok(scores(&q, &answers))
}

/// The scores answers would give (merged as `answer` does), saving nothing: the form's live scores.
pub async fn preview(
    tx: &mut Tx,
    user: &CurrentUser,
    id: AssessmentId,
    given: &BTreeMap<String, Answer>,
    replace: bool,
) -> Result<rule::Scores> {
    let a = store::assessment(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let q = store::questionnaire(tx, a.questionnaire_id).await?;
    let mut answers = if replace { Answers::new() } else { a.answers.clone() };
    merge_answers(&q, &mut answers, given)?;
    Ok(scores(&q, &answers))
}

/// Submits a draft whose scored questions are all answered: stores its scores, proposes tasks for its lowest topics
/// and tells the partner's CAM.
pub async fn submit(tx: &mut Tx, user: &CurrentUser, base_url: &str, id: AssessmentId) -> Result<rule::Scores> {
    let a = store::assessment(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    if !may_fill(user) {
        return Err(Error::forbidden());
    }
    if a.state != AssessmentState::Draft {
        return Err(Error::Conflict("This assessment is submitted already.".into()));
    }
    let q = store::questionnaire(tx, a.questionnaire_id).await?;
    unanswered(&q, &a.answers).into_result()?;
    let s = scores(&q, &a.answers);
    let overall = s.overall.ok_or_else(|| Error::invalid("answers", "Answer the scored questions."))?;
    if !store::mark_submitted(tx, user, id, overall, &s).await? {
        return Err(Error::Conflict("This assessment was submitted meanwhile.".into()));
    }
    let bands = store::bands(tx).await?;
    for code in rule::recommended_topics(&s.topics, bands) {
        if let Some(t) = q.topic(&code) {
            store::recommend_task(tx, user.tenant_id, a.partner_id, &code, &t.recommendation).await?;
        }
    }
    let band = bands.band(overall);
    let subject = format!("{}: capability assessment {} submitted", a.partner_name, period_label(a.period_start));
    let body = format!(
        "{} submitted {}'s capability assessment for {}. Overall score: {:.0} ({}).\n\nThe scorecard:\n{base_url}/partners/{}/capability\n",
        user.name,
        a.partner_name,
        period_label(a.period_start),
        overall,
        band.label().to_lowercase(),
        a.partner_id,
    );
    for address in crate::certifications::store::reviewers(tx, a.partner_id).await? {
        if address != user.email {
            outbox::enqueue(tx, user.tenant_id, &address, &subject, &body).await?;
        }
    }
    Ok(s)
}

/// Installs a document as the questionnaire's next version (program admins); assessments started before keep theirs.
pub async fn replace_questionnaire(tx: &mut Tx, user: &CurrentUser, doc: &QuestionnaireDoc) -> Result<()> {
    validate_document(doc)?;
    let json = serde_json::to_value(doc).map_err(|e| Error::Internal(e.into()))?;
    store::install(tx, user, &json).await?;
    Ok(())
}

/// Sets the bands (program admins).
pub async fn set_bands(tx: &mut Tx, user: &CurrentUser, bands: Bands) -> Result<()> {
    if !bands.valid() {
        let mut errors = FieldErrors::new();
        if !(2..=99).contains(&bands.yellow_from) {
            errors.add("yellow_from", "Use a score from 2 to 99.");
        }
        if bands.green_from <= bands.yellow_from || bands.green_from > 100 {
            errors.add("green_from", "Use a score above yellow's and at most 100.");
        }
        if errors.is_empty() {
            errors.add("yellow_from", "Yellow must start below green.");
        }
        return Err(Error::Invalid(errors));
    }
    store::put_bands(tx, user.tenant_id, bands).await?;
    Ok(())
}

/// E-mails the admins of each partner with no assessment this half year (once per partner and half year), claiming
/// partners with `FOR UPDATE SKIP LOCKED` and recording the notice under a unique key, so two instances running at
/// once send each notice once. Returns how many partners were told.
pub async fn send_due_notices(
    tx: &mut Tx,
    tenant: crate::ids::TenantId,
    base_url: &str,
    today: NaiveDate,
) -> Result<usize> {
    let half = half_start(today);
    let due = store::claim_due(tx, half, 500).await?;
    let mut told = 0;
    for (partner, name) in due {
        if !store::record_notice(tx, tenant, partner, half).await? {
            continue;
        }
        let admins = crate::plans::store::partner_admins(tx, partner).await?;
        let half_label = format!("{} H{}", half.year(), if half.month() == 1 { 1 } else { 2 });
        let subject = format!("{name}: your capability assessment for {half_label} is due");
        let body = format!(
            "It is time for {name}'s capability assessment for {half_label}: about sixty questions on one page, and \
             a scorecard that shows where you are strong, where you are weak and what to do next.\n\n{base_url}/capability\n"
        );
        for address in admins {
            outbox::enqueue(tx, tenant, &address, &subject, &body).await?;
        }
        told += 1;
    }
    Ok(told)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn periods_are_quarters_and_halves() {
        assert_eq!(quarter_start(d("2026-12-04")), d("2026-10-01"));
        assert_eq!(half_start(d("2026-06-30")), d("2026-01-01"));
        assert_eq!(half_start(d("2026-07-01")), d("2026-07-01"));
        assert_eq!(period_label(d("2026-04-01")), "2026-Q2");
        assert_eq!(parse_period("2026-Q2"), Some(d("2026-04-01")));
        assert_eq!(parse_period("2026-11-15"), Some(d("2026-10-01")));
        assert_eq!(parse_period("2026-Q5"), None);
        assert_eq!(parse_period("soon"), None);
    }

    #[test]
    fn a_document_names_every_wrong_field_by_its_path() {
        let doc: QuestionnaireDoc = serde_json::from_value(serde_json::json!({"categories": [
            {"code": "Sales", "name": "", "topics": [
                {"code": "t1", "name": "T", "recommendation": "Do it", "questions": [
                    {"text": "Q", "kind": "single", "choices": [{"label": "a", "points": 1}]},
                    {"text": "Q2", "kind": "text", "choices": [{"label": "a", "points": 1}]}
                ]},
                {"code": "t1", "name": "T", "recommendation": "Do it", "questions": [
                    {"text": "Q", "kind": "multi", "choices": [{"label": "a", "points": 0}, {"label": "b", "points": 0}]}
                ]}
            ]}
        ]}))
        .unwrap();
        let Err(Error::Invalid(e)) = validate_document(&doc) else { panic!("accepted") };
        let fields: Vec<&str> = e.0.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            [
                "categories[0].code",
                "categories[0].name",
                "categories[0].topics[0].questions[0].choices",
                "categories[0].topics[0].questions[1].choices",
                "categories[0].topics[1].code",
                "categories[0].topics[1].questions[0].choices",
            ]
        );
    }
}
