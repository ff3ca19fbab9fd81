//! Demo and benchmark assessments: for each partner, submitted assessments over the last four quarters whose answers
//! improve quarter by quarter around a level of its own, scored by the rule and written in one set-based insert;
//! goals and tasks for the weakest topics of a few demo partners.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;

use super::{Answer, Answers, QuestionKind, Questionnaire};
use crate::db::Tx;
use crate::ids::{PartnerId, QuestionnaireId};

/// A small, stable pseudo-random number in 0..1 from a seed (no state, so every run writes the same data).
fn noise(seed: u64) -> f64 {
    let mut x = seed.wrapping_mul(0x9E37_79B9_7F4A_7C15).wrapping_add(0x6A09_E667_F3BC_C909);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^= x >> 33;
    (x % 10_000) as f64 / 10_000.0
}

/// The answers of partner number `p` in its `k`-th assessment (0 the oldest): a level of its own plus progress
/// each quarter, varied per topic.
pub fn answers_for(q: &Questionnaire, p: u64, k: u32) -> Answers {
    let level = 0.2 + 0.55 * noise(p) + 0.07 * f64::from(k);
    let mut answers = Answers::new();
    for (ti, (topic, question)) in q.questions().enumerate() {
        let topic_seed = topic.code.bytes().fold(p, |h, b| h.wrapping_mul(31).wrapping_add(u64::from(b)));
        let l =
            (level + 0.35 * (noise(topic_seed) - 0.5) + 0.1 * (noise(topic_seed ^ ti as u64) - 0.5)).clamp(0.0, 1.0);
        let n = question.choices.len();
        let answer = match question.kind {
            QuestionKind::Single => {
                Answer { choices: vec![(l * (n - 1) as f64).round() as usize], text: String::new() }
            }
            QuestionKind::Multi => {
                Answer { choices: (0..(l * n as f64).round() as usize).collect(), text: String::new() }
            }
            QuestionKind::Text => Answer {
                choices: vec![],
                text: "Two people work on this today; we plan to add one more this year.".into(),
            },
        };
        answers.insert(question.id, answer);
    }
    answers
}

/// Writes submitted assessments for `partners` (number, id) over the four quarters ending with the one `today` is
/// in, answered and scored, in one insert. Returns how many were written.
pub async fn assess(
    tx: &mut Tx,
    questionnaire: QuestionnaireId,
    partners: &[(u64, PartnerId)],
    today: NaiveDate,
) -> anyhow::Result<u64> {
    let q = super::store::questionnaire(tx, questionnaire).await?;
    let this_quarter = super::quarter_start(today);
    let (mut ids, mut periods, mut answers, mut overall, mut cats, mut topics) =
        (vec![], vec![], vec![], vec![], vec![], vec![]);
    for &(n, id) in partners {
        for k in 0..4u32 {
            // Every sixth partner has not been assessed this half year: the CAM home lists it.
            if n % 6 == 0 && k >= 2 {
                continue;
            }
            let period = this_quarter - Months::new(3 * (3 - k));
            let a = answers_for(&q, n, k);
            let s = super::scores(&q, &a);
            let Some(o) = s.overall else { continue };
            ids.push(id.0);
            periods.push(period);
            answers.push(serde_json::to_value(&a)?);
            overall.push(Decimal::from_f64(o).unwrap_or(Decimal::ONE).round_dp(2));
            let map = |pairs: &[(String, Option<f64>)]| {
                serde_json::Value::Object(
                    pairs
                        .iter()
                        .filter_map(|(c, s)| Some((c.clone(), serde_json::Number::from_f64((*s)?)?.into())))
                        .collect(),
                )
            };
            cats.push(map(&s.categories));
            topics.push(map(&s.topics));
        }
    }
    let done = sqlx::query!(
        "insert into capability_assessments (tenant_id, id, partner_id, questionnaire_id, period_start, state, answers,
                                             overall_score, category_scores, topic_scores, created_by, submitted_by,
                                             submitted_at, created_at, updated_at)
         select p.tenant_id, gen_random_uuid(), p.id, $1, v.period, 'submitted', v.answers, v.overall, v.cats, v.topics,
                u.id, u.id, v.period + interval '20 days', v.period + interval '10 days', v.period + interval '20 days'
           from unnest($2::uuid[], $3::date[], $4::jsonb[], $5::numeric[], $6::jsonb[], $7::jsonb[])
                  as v (partner, period, answers, overall, cats, topics)
           join partners p on p.id = v.partner
           cross join lateral (
               select coalesce(
                   (select a.id from users a where a.partner_id = p.id and a.role = 'partner_admin' order by a.created_at, a.id limit 1),
                   p.cam_id,
                   (select a.id from users a where a.role = 'program_admin' order by a.created_at, a.id limit 1)) as id) u
          where u.id is not null
         on conflict do nothing",
        questionnaire.0,
        &ids,
        &periods,
        &answers,
        &overall,
        &cats,
        &topics,
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected())
}

/// Goals and an action plan for the three weakest topics of each partner's latest assessment: a goal 15 points up,
/// a task in progress, one done and the topic's recommendation still to take on. Set-based.
pub async fn plan_actions(tx: &mut Tx, partners: &[PartnerId]) -> anyhow::Result<()> {
    let ids: Vec<uuid::Uuid> = partners.iter().map(|p| p.0).collect();
    sqlx::query!(
        "with latest as (
             select distinct on (a.partner_id) a.tenant_id, a.partner_id, a.questionnaire_id, a.topic_scores
               from capability_assessments a
              where a.partner_id = any($1) and a.state = 'submitted'
              order by a.partner_id, a.period_start desc),
         weak as (
             select l.tenant_id, l.partner_id, s.key as topic, s.value::numeric as score, t.recommendation,
                    row_number() over (partition by l.partner_id order by s.value::numeric, s.key) as n
               from latest l
               cross join jsonb_each_text(l.topic_scores) s
               join capability_topics t on t.tenant_id = l.tenant_id and t.questionnaire_id = l.questionnaire_id
                                        and t.code = s.key),
         who as (
             select w.*, coalesce(p.cam_id, (select u.id from users u where u.role = 'program_admin'
                                                order by u.created_at, u.id limit 1)) as by
               from weak w join partners p on p.id = w.partner_id
              where w.n <= 3),
         goals as (
             insert into capability_goals (tenant_id, id, partner_id, topic_code, target_score, note, created_by)
             select tenant_id, gen_random_uuid(), partner_id, topic, least(100, round(score) + 15)::int,
                    'Agreed at the last review.', by
               from who where by is not null
             on conflict do nothing
             returning tenant_id, id, partner_id, topic_code, created_by)
         insert into capability_tasks (tenant_id, id, partner_id, goal_id, topic_code, title, status, due_on,
                                       created_by)
         select g.tenant_id, gen_random_uuid(), g.partner_id, g.id, g.topic_code, x.title, x.status,
                current_date + x.days, case when x.status = 'recommended' then null else g.created_by end
           from goals g
           join who w on w.partner_id = g.partner_id and w.topic = g.topic_code
           cross join lateral (values
               ('Name an owner and review progress monthly', 'in_progress', 30),
               ('Agree the first step with the channel account manager', 'done', -10),
               (w.recommendation, 'recommended', 60)) as x (title, status, days)",
        &ids,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The demo tenant's assessments: every partner past its application, four quarters each. Four more Registered
/// partners (small resellers, new in the program) make the Registered tier large enough for peer averages.
pub async fn load(tx: &mut Tx) -> anyhow::Result<()> {
    let Some(questionnaire) = super::store::current_questionnaire_id(tx).await? else { return Ok(()) };
    sqlx::query!(
        "insert into partners (tenant_id, id, name, country, region, tier, cam_id, life_stage)
         select t.tenant_id, gen_random_uuid(), v.name, v.country, v.region, 'registered', t.cam_id, 'activated'
           from (select tenant_id, cam_id from partners where cam_id is not null order by name limit 1) t
          cross join (values ('Alder Systems', 'GB', 'EMEA'), ('Birchwood IT', 'US', 'North America'),
                             ('Cedar Networks', 'CA', 'North America'), ('Dogwood Digital', 'DE', 'EMEA'))
                     as v (name, country, region)"
    )
    .execute(&mut **tx)
    .await?;
    let partners = sqlx::query_scalar!(
        r#"select id as "id: PartnerId" from partners where life_stage <> 'applicant' order by name, id"#
    )
    .fetch_all(&mut **tx)
    .await?;
    let numbered: Vec<(u64, PartnerId)> = partners.iter().enumerate().map(|(i, p)| (i as u64 + 1, *p)).collect();
    let today = crate::program::store::today(tx).await?;
    assess(tx, questionnaire, &numbered, today).await?;
    plan_actions(tx, &partners).await?;
    Ok(())
}
