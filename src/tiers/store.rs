//! SQL for tiers and partner standing: the program's tiers, requirements and policy; the standings the job claims
//! and writes; the history; and the metric sources, one function per metric, each measuring a batch of partners over
//! a trailing window in one statement.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;

use crate::auth::Scope;
use crate::db::Tx;
use crate::ids::{PartnerId, RequirementId, TenantId, TierId, UserId};
use crate::partners::LifeStage;

#[derive(Debug, Clone)]
pub struct TierRow {
    pub id: TierId,
    pub code: String,
    pub rank: i32,
    pub name: String,
    pub badge_colour: String,
    pub discount_percent: Decimal,
    pub mdf_accrual_percent: Decimal,
    pub protection_days: i32,
    pub benefits_from: NaiveDate,
    pub optional_needed: i32,
}

#[derive(Debug, Clone)]
pub struct RequirementRow {
    pub id: RequirementId,
    pub tier_code: String,
    pub position: i32,
    pub metric: String,
    pub parameter: String,
    pub threshold: Decimal,
    pub window_days: i32,
    pub mandatory: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PolicyRow {
    pub evaluate_every_days: i32,
    pub auto_promote: bool,
    pub grace_days: i32,
    pub risk_margin_percent: i32,
    pub producing_days: i32,
    pub lapsed_days: i32,
}

impl Default for PolicyRow {
    fn default() -> Self {
        PolicyRow {
            evaluate_every_days: 7,
            auto_promote: true,
            grace_days: 90,
            risk_margin_percent: 10,
            producing_days: 90,
            lapsed_days: 90,
        }
    }
}

pub async fn tiers(tx: &mut Tx) -> Result<Vec<TierRow>, sqlx::Error> {
    sqlx::query_as!(
        TierRow,
        r#"select id as "id: TierId", code, rank, name, badge_colour, discount_percent, mdf_accrual_percent,
                  protection_days, benefits_from, optional_needed
             from tiers order by rank"#
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn requirements(tx: &mut Tx) -> Result<Vec<RequirementRow>, sqlx::Error> {
    sqlx::query_as!(
        RequirementRow,
        r#"select id as "id: RequirementId", tier_code, position, metric, parameter, threshold, window_days, mandatory
             from tier_requirements order by tier_code, position"#
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn policy(tx: &mut Tx) -> Result<PolicyRow, sqlx::Error> {
    let row = sqlx::query_as!(
        PolicyRow,
        "select evaluate_every_days, auto_promote, grace_days, risk_margin_percent, producing_days, lapsed_days
           from tier_policies"
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.unwrap_or_default())
}

/// The codes of the program's tiers, lowest first.
pub async fn codes(tx: &mut Tx) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!("select code from tiers order by rank").fetch_all(&mut **tx).await
}

/// The code of the program's entry tier (rank 0), where new partners start.
pub async fn entry_code(tx: &mut Tx) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("select code from tiers order by rank limit 1").fetch_optional(&mut **tx).await
}

/// Writes a tier (by code): a new one, or the same code with new settings.
pub async fn upsert_tier(tx: &mut Tx, tenant: TenantId, t: &TierRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into tiers (tenant_id, code, rank, name, badge_colour, discount_percent, mdf_accrual_percent,
                            protection_days, benefits_from, optional_needed)
         values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
         on conflict (tenant_id, code) do update set rank = excluded.rank, name = excluded.name,
            badge_colour = excluded.badge_colour, discount_percent = excluded.discount_percent,
            mdf_accrual_percent = excluded.mdf_accrual_percent, protection_days = excluded.protection_days,
            benefits_from = excluded.benefits_from, optional_needed = excluded.optional_needed, updated_at = now()",
        tenant as TenantId,
        t.code,
        t.rank,
        t.name,
        t.badge_colour,
        t.discount_percent,
        t.mdf_accrual_percent,
        t.protection_days,
        t.benefits_from,
        t.optional_needed,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Removes the tiers not among `keep` (their requirements go with them). A tier partners hold is refused by the
/// database (partners_tier_fkey).
pub async fn delete_tiers_except(tx: &mut Tx, keep: &[String]) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from tier_requirements where not (tier_code = any($1))", keep).execute(&mut **tx).await?;
    sqlx::query!("delete from tiers where not (code = any($1))", keep).execute(&mut **tx).await.map(drop)
}

pub async fn delete_requirements(tx: &mut Tx) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from tier_requirements").execute(&mut **tx).await.map(drop)
}

pub async fn insert_requirement(tx: &mut Tx, tenant: TenantId, r: &RequirementRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into tier_requirements (tenant_id, tier_code, position, metric, parameter, threshold, window_days,
                                        mandatory)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        tenant as TenantId,
        r.tier_code,
        r.position,
        r.metric,
        r.parameter,
        r.threshold,
        r.window_days,
        r.mandatory,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn save_policy(tx: &mut Tx, tenant: TenantId, p: &PolicyRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into tier_policies (tenant_id, evaluate_every_days, auto_promote, grace_days, risk_margin_percent,
                                    producing_days, lapsed_days)
         values ($1, $2, $3, $4, $5, $6, $7)
         on conflict (tenant_id) do update set evaluate_every_days = excluded.evaluate_every_days,
            auto_promote = excluded.auto_promote, grace_days = excluded.grace_days,
            risk_margin_percent = excluded.risk_margin_percent, producing_days = excluded.producing_days,
            lapsed_days = excluded.lapsed_days, updated_at = now()",
        tenant as TenantId,
        p.evaluate_every_days,
        p.auto_promote,
        p.grace_days,
        p.risk_margin_percent,
        p.producing_days,
        p.lapsed_days,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// A partner as the evaluation needs it: its tier, life-stage and standing before this evaluation.
#[derive(Debug, Clone)]
pub struct PartnerState {
    pub id: PartnerId,
    pub name: String,
    pub tier: String,
    pub life_stage: LifeStage,
    pub cam_id: Option<UserId>,
    pub action: Option<String>,
    pub proposed_tier: Option<String>,
    pub grace_until: Option<NaiveDate>,
    pub override_tier: Option<String>,
    pub override_until: Option<NaiveDate>,
}

/// Gives every partner without a standing one, due on `today`.
pub async fn ensure_standings(tx: &mut Tx, today: NaiveDate) -> Result<u64, sqlx::Error> {
    sqlx::query!(
        "insert into partner_standings (tenant_id, partner_id, next_evaluation_on)
         select p.tenant_id, p.id, $1 from partners p
          where not exists (select 1 from partner_standings s where s.tenant_id = p.tenant_id and s.partner_id = p.id)
         on conflict do nothing",
        today,
    )
    .execute(&mut **tx)
    .await
    .map(|r| r.rows_affected())
}

/// Claims up to `limit` partners due for evaluation on `today`; other instances skip them until this transaction
/// ends, and once it has moved their next evaluation past today they are no longer due.
pub async fn claim_due(tx: &mut Tx, today: NaiveDate, limit: i64) -> Result<Vec<PartnerId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select partner_id as "id: PartnerId" from partner_standings
            where next_evaluation_on <= $1 order by next_evaluation_on, partner_id limit $2
            for update skip locked"#,
        today,
        limit,
    )
    .fetch_all(&mut **tx)
    .await
}

/// Takes the standing of one partner (waiting for an evaluation running on it), creating it when missing.
pub async fn lock_one(tx: &mut Tx, partner: PartnerId, today: NaiveDate) -> Result<bool, sqlx::Error> {
    sqlx::query!(
        "insert into partner_standings (tenant_id, partner_id, next_evaluation_on)
         select tenant_id, id, $2 from partners where id = $1 on conflict do nothing",
        partner as PartnerId,
        today,
    )
    .execute(&mut **tx)
    .await?;
    let found = sqlx::query_scalar!(
        r#"select partner_id as "id: PartnerId" from partner_standings where partner_id = $1 for update"#,
        partner as PartnerId,
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(found.is_some())
}

/// Makes every partner due on `today` (an evaluation of the whole program).
pub async fn make_all_due(tx: &mut Tx, today: NaiveDate) -> Result<(), sqlx::Error> {
    sqlx::query!("update partner_standings set next_evaluation_on = $1 where next_evaluation_on > $1", today)
        .execute(&mut **tx)
        .await
        .map(drop)
}

pub async fn states(tx: &mut Tx, ids: &[PartnerId]) -> Result<Vec<PartnerState>, sqlx::Error> {
    let ids: Vec<uuid::Uuid> = ids.iter().map(|i| i.0).collect();
    sqlx::query_as!(
        PartnerState,
        r#"select p.id as "id: PartnerId", p.name, p.tier, p.life_stage as "life_stage: LifeStage",
                  p.cam_id as "cam_id: UserId", s.action, s.proposed_tier, s.grace_until, s.override_tier,
                  s.override_until
             from partners p join partner_standings s on s.tenant_id = p.tenant_id and s.partner_id = p.id
            where p.id = any($1) order by p.id"#,
        &ids,
    )
    .fetch_all(&mut **tx)
    .await
}

/// What one evaluation decided for one partner (see `write_standings`).
#[derive(Debug, Clone)]
pub struct Outcome {
    pub partner: PartnerId,
    pub action: String,
    pub qualifies_for: String,
    pub proposed_tier: Option<String>,
    pub grace_until: Option<NaiveDate>,
    pub projection_tier: String,
    pub progress: serde_json::Value,
    pub clear_override: bool,
}

/// Writes a batch of evaluations in one statement.
pub async fn write_standings(
    tx: &mut Tx,
    outcomes: &[Outcome],
    today: NaiveDate,
    next: NaiveDate,
) -> Result<(), sqlx::Error> {
    let ids: Vec<uuid::Uuid> = outcomes.iter().map(|o| o.partner.0).collect();
    let actions: Vec<String> = outcomes.iter().map(|o| o.action.clone()).collect();
    let qualifies: Vec<String> = outcomes.iter().map(|o| o.qualifies_for.clone()).collect();
    let proposed: Vec<Option<String>> = outcomes.iter().map(|o| o.proposed_tier.clone()).collect();
    let grace: Vec<Option<NaiveDate>> = outcomes.iter().map(|o| o.grace_until).collect();
    let projection: Vec<String> = outcomes.iter().map(|o| o.projection_tier.clone()).collect();
    let progress: Vec<serde_json::Value> = outcomes.iter().map(|o| o.progress.clone()).collect();
    let clear: Vec<bool> = outcomes.iter().map(|o| o.clear_override).collect();
    sqlx::query!(
        r#"update partner_standings s
              set action = u.action, qualifies_for = u.qualifies_for, proposed_tier = u.proposed,
                  grace_until = u.grace, projection_tier = u.projection, progress = u.progress,
                  override_tier = case when u.clear then null else s.override_tier end,
                  override_until = case when u.clear then null else s.override_until end,
                  override_reason = case when u.clear then null else s.override_reason end,
                  override_by = case when u.clear then null else s.override_by end,
                  evaluated_at = now(), evaluated_on = $9, next_evaluation_on = $10, updated_at = now()
             from unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::date[], $6::text[], $7::jsonb[],
                         $8::bool[]) as u (partner_id, action, qualifies_for, proposed, grace, projection, progress,
                                           clear)
            where s.partner_id = u.partner_id"#,
        &ids,
        &actions,
        &qualifies,
        &proposed as &[Option<String>],
        &grace as &[Option<NaiveDate>],
        &projection,
        &progress,
        &clear,
        today,
        next,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn set_tier(tx: &mut Tx, partner: PartnerId, tier: &str) -> Result<(), sqlx::Error> {
    sqlx::query!("update partners set tier = $2, updated_at = now() where id = $1", partner as PartnerId, tier)
        .execute(&mut **tx)
        .await
        .map(drop)
}

pub async fn set_life_stage(tx: &mut Tx, partner: PartnerId, stage: LifeStage) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update partners set life_stage = $2, updated_at = now() where id = $1",
        partner as PartnerId,
        stage as LifeStage,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub struct NewHistory<'a> {
    pub partner: PartnerId,
    pub on_date: NaiveDate,
    pub action: &'a str,
    pub from_tier: &'a str,
    pub to_tier: &'a str,
    pub note: &'a str,
    pub actor: Option<UserId>,
}

pub async fn insert_history(tx: &mut Tx, tenant: TenantId, h: &NewHistory<'_>) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into tier_history (tenant_id, partner_id, on_date, action, from_tier, to_tier, note, actor_id)
         values ($1, $2, $3, $4, $5, $6, $7, $8)",
        tenant as TenantId,
        h.partner as PartnerId,
        h.on_date,
        h.action,
        h.from_tier,
        h.to_tier,
        h.note,
        h.actor as Option<UserId>,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// The addresses a standing change is told to: the partner's admins and its CAM.
pub async fn recipients(tx: &mut Tx, partner: PartnerId, cam: Option<UserId>) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select email from users
          where active and ((role = 'partner_admin' and partner_id = $1) or id = $2) order by email",
        partner as PartnerId,
        cam as Option<UserId>,
    )
    .fetch_all(&mut **tx)
    .await
}

// The metric sources. Each measures the partners of `ids` over [from, to) and returns only the partners that have a
// value; a partner missing from the answer has none (0 for counts and sums).

fn uuids(ids: &[PartnerId]) -> Vec<uuid::Uuid> {
    ids.iter().map(|i| i.0).collect()
}

pub async fn closed_won_revenue(
    tx: &mut Tx,
    ids: &[PartnerId],
    currency: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(PartnerId, Decimal)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select partner_id as "id: PartnerId", sum(coalesce(closed_amount, estimated_value)) as "v!"
             from deals where partner_id = any($1) and status = 'won' and currency = $2
              and closed_at >= $3 and closed_at < $4
            group by 1"#,
        &uuids(ids),
        currency,
        from,
        to,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.v)).collect())
}

pub async fn won_deals(
    tx: &mut Tx,
    ids: &[PartnerId],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(PartnerId, Decimal)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select partner_id as "id: PartnerId", count(*) as "n!"
             from deals where partner_id = any($1) and status = 'won' and closed_at >= $2 and closed_at < $3
            group by 1"#,
        &uuids(ids),
        from,
        to,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, Decimal::from(r.n))).collect())
}

/// Registrations approved in the window (whatever became of them since: won, lost or expired count too).
pub async fn approved_registrations(
    tx: &mut Tx,
    ids: &[PartnerId],
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<(PartnerId, Decimal)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select partner_id as "id: PartnerId", count(*) as "n!"
             from deals where partner_id = any($1) and status in ('approved', 'won', 'lost', 'expired')
              and decided_at >= $2 and decided_at < $3
            group by 1"#,
        &uuids(ids),
        from,
        to,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, Decimal::from(r.n))).collect())
}

/// 1 for a partner whose required onboarding items are all complete, else 0.
pub async fn onboarding_complete(tx: &mut Tx, ids: &[PartnerId]) -> Result<Vec<(PartnerId, Decimal)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select partner_id as "id: PartnerId",
                  (count(*) filter (where required and completed_at is null) = 0) as "done!"
             from onboarding_items where partner_id = any($1) group by 1"#,
        &uuids(ids),
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, if r.done { Decimal::ONE } else { Decimal::ZERO })).collect())
}

pub async fn custom_values(
    tx: &mut Tx,
    ids: &[PartnerId],
    name: &str,
) -> Result<Vec<(PartnerId, Decimal)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select partner_id as "id: PartnerId", value from tier_custom_values where partner_id = any($1) and name = $2"#,
        &uuids(ids),
        name,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.value)).collect())
}

pub async fn set_custom_value(
    tx: &mut Tx,
    tenant: TenantId,
    partner: PartnerId,
    name: &str,
    value: Decimal,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into tier_custom_values (tenant_id, partner_id, name, value) values ($1, $2, $3, $4)
         on conflict (tenant_id, partner_id, name) do update set value = excluded.value, updated_at = now()",
        tenant as TenantId,
        partner as PartnerId,
        name,
        value,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Open pipeline per partner: approved and pending value in `currency` and counts, for the projection.
pub struct Pipeline {
    pub id: PartnerId,
    pub approved_value: Decimal,
    pub pending_value: Decimal,
    pub approved: i64,
    pub pending: i64,
}

pub async fn pipeline(tx: &mut Tx, ids: &[PartnerId], currency: &str) -> Result<Vec<Pipeline>, sqlx::Error> {
    sqlx::query_as!(
        Pipeline,
        r#"select partner_id as "id: PartnerId",
                  coalesce(sum(estimated_value) filter (where status = 'approved' and currency = $2), 0) as "approved_value!",
                  coalesce(sum(estimated_value) filter (where status = 'pending' and currency = $2), 0) as "pending_value!",
                  count(*) filter (where status = 'approved') as "approved!",
                  count(*) filter (where status = 'pending') as "pending!"
             from deals where partner_id = any($1) and status in ('pending', 'approved') group by 1"#,
        &uuids(ids),
        currency,
    )
    .fetch_all(&mut **tx)
    .await
}

/// What each partner has done with deals, for its life-stage (times; the caller reads them as days of the program).
pub struct ActivityRow {
    pub id: PartnerId,
    pub first_registration: Option<DateTime<Utc>>,
    pub last_won: Option<DateTime<Utc>>,
    pub last_activity: Option<DateTime<Utc>>,
}

pub async fn activity(tx: &mut Tx, ids: &[PartnerId], to: DateTime<Utc>) -> Result<Vec<ActivityRow>, sqlx::Error> {
    sqlx::query_as!(
        ActivityRow,
        r#"select partner_id as "id: PartnerId", min(created_at) as first_registration,
                  max(closed_at) filter (where status = 'won') as last_won,
                  greatest(max(created_at), max(decided_at), max(closed_at)) as last_activity
             from deals where partner_id = any($1) and created_at < $2 group by 1"#,
        &uuids(ids),
        to,
    )
    .fetch_all(&mut **tx)
    .await
}

/// A partner's standing, within the caller's scope.
#[derive(Debug, Clone)]
pub struct StandingRow {
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub tier: String,
    pub cam_id: Option<UserId>,
    pub life_stage: LifeStage,
    pub action: Option<String>,
    pub qualifies_for: Option<String>,
    pub proposed_tier: Option<String>,
    pub grace_until: Option<NaiveDate>,
    pub override_tier: Option<String>,
    pub override_until: Option<NaiveDate>,
    pub override_reason: Option<String>,
    pub evaluated_at: Option<DateTime<Utc>>,
    pub evaluated_on: Option<NaiveDate>,
    pub next_evaluation_on: Option<NaiveDate>,
    pub projection_tier: Option<String>,
    pub progress: Option<serde_json::Value>,
}

pub async fn standing(tx: &mut Tx, scope: Scope, partner: PartnerId) -> Result<Option<StandingRow>, sqlx::Error> {
    sqlx::query_as!(
        StandingRow,
        r#"select p.id as "partner_id: PartnerId", p.name as partner_name, p.tier, p.cam_id as "cam_id: UserId",
                  p.life_stage as "life_stage: LifeStage", s.action as "action?", s.qualifies_for as "qualifies_for?",
                  s.proposed_tier as "proposed_tier?", s.grace_until as "grace_until?",
                  s.override_tier as "override_tier?", s.override_until as "override_until?",
                  s.override_reason as "override_reason?", s.evaluated_at as "evaluated_at?",
                  s.evaluated_on as "evaluated_on?", s.next_evaluation_on as "next_evaluation_on?",
                  s.projection_tier as "projection_tier?", s.progress as "progress?"
             from partners p
             left join partner_standings s on s.tenant_id = p.tenant_id and s.partner_id = p.id
            where p.id = $1 and ($2::uuid is null or p.cam_id = $2) and ($3::uuid is null or p.id = $3)"#,
        partner as PartnerId,
        scope.cam() as Option<UserId>,
        scope.partner() as Option<PartnerId>,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn set_override(
    tx: &mut Tx,
    partner: PartnerId,
    tier: &str,
    until: NaiveDate,
    reason: &str,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update partner_standings set override_tier = $2, override_until = $3, override_reason = $4, override_by = $5,
                action = 'overridden', grace_until = null, proposed_tier = null, updated_at = now()
          where partner_id = $1",
        partner as PartnerId,
        tier,
        until,
        reason,
        by as UserId,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn clear_override(tx: &mut Tx, partner: PartnerId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update partner_standings set override_tier = null, override_until = null, override_reason = null,
                override_by = null, updated_at = now()
          where partner_id = $1",
        partner as PartnerId,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn approve_proposal(tx: &mut Tx, partner: PartnerId) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update partner_standings set proposed_tier = null, action = 'promote', grace_until = null, updated_at = now()
          where partner_id = $1",
        partner as PartnerId,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

#[derive(Debug, Clone)]
pub struct HistoryRow {
    pub on_date: NaiveDate,
    pub at: DateTime<Utc>,
    pub action: String,
    pub from_tier: String,
    pub to_tier: String,
    pub note: String,
    pub by: Option<String>,
}

pub async fn history(
    tx: &mut Tx,
    partner: PartnerId,
    limit: i64,
    offset: i64,
) -> Result<(Vec<HistoryRow>, i64), sqlx::Error> {
    let items = sqlx::query_as!(
        HistoryRow,
        r#"select h.on_date, h.at, h.action, h.from_tier, h.to_tier, h.note, u.name as "by?"
             from tier_history h left join users u on u.tenant_id = h.tenant_id and u.id = h.actor_id
            where h.partner_id = $1 order by h.on_date desc, h.seq desc limit $2 offset $3"#,
        partner as PartnerId,
        limit,
        offset,
    )
    .fetch_all(&mut **tx)
    .await?;
    let total =
        sqlx::query_scalar!(r#"select count(*) as "n!" from tier_history where partner_id = $1"#, partner as PartnerId)
            .fetch_one(&mut **tx)
            .await?;
    Ok((items, total))
}

/// A partner on a CAM's watch list: at risk, in grace, or waiting for a promotion.
#[derive(Debug, Clone)]
pub struct WatchRow {
    pub partner_id: PartnerId,
    pub name: String,
    pub tier: String,
    pub action: String,
    pub qualifies_for: Option<String>,
    pub proposed_tier: Option<String>,
    pub grace_until: Option<NaiveDate>,
}

/// The partners in the scope that need attention, at most `limit`, those in grace first.
pub async fn watch_list(tx: &mut Tx, scope: Scope, limit: i64) -> Result<Vec<WatchRow>, sqlx::Error> {
    sqlx::query_as!(
        WatchRow,
        r#"select p.id as "partner_id: PartnerId", p.name, p.tier, s.action as "action!", s.qualifies_for,
                  s.proposed_tier, s.grace_until
             from partner_standings s join partners p on p.tenant_id = s.tenant_id and p.id = s.partner_id
            where s.action in ('warn', 'start_grace', 'in_grace', 'propose_promotion')
              and ($1::uuid is null or p.cam_id = $1) and ($2::uuid is null or p.id = $2)
            order by case when s.action in ('start_grace', 'in_grace') then 0 when s.action = 'warn' then 1 else 2 end,
                     s.grace_until nulls last, lower(p.name)
            limit $3"#,
        scope.cam() as Option<UserId>,
        scope.partner() as Option<PartnerId>,
        limit,
    )
    .fetch_all(&mut **tx)
    .await
}

/// Partners per tier code.
pub async fn distribution(tx: &mut Tx) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select t.code, count(p.id) as "n!" from tiers t left join partners p on p.tenant_id = t.tenant_id and p.tier = t.code
            group by t.code, t.rank order by t.rank"#
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.code, r.n)).collect())
}

/// Movements since `from`: per region and CAM, how many partners were promoted, demoted, and entered grace.
#[derive(Debug, Clone)]
pub struct MovementRow {
    pub region: String,
    pub cam_name: Option<String>,
    pub promoted: i64,
    pub demoted: i64,
    pub grace: i64,
}

pub async fn movements(tx: &mut Tx, from: NaiveDate) -> Result<Vec<MovementRow>, sqlx::Error> {
    sqlx::query_as!(
        MovementRow,
        r#"select p.region, c.name as "cam_name?",
                  count(*) filter (where h.action in ('promote', 'approve_promotion')) as "promoted!",
                  count(*) filter (where h.action = 'demote') as "demoted!",
                  count(*) filter (where h.action = 'start_grace') as "grace!"
             from tier_history h join partners p on p.tenant_id = h.tenant_id and p.id = h.partner_id
             left join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
            where h.on_date >= $1 and h.action in ('promote', 'approve_promotion', 'demote', 'start_grace')
            group by p.region, c.name order by p.region, c.name nulls last"#,
        from,
    )
    .fetch_all(&mut **tx)
    .await
}

/// A partner's tier (by code).
pub async fn tier_of(tx: &mut Tx, partner: PartnerId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("select tier from partners where id = $1", partner as PartnerId).fetch_optional(&mut **tx).await
}

/// A tier set by hand: what the last evaluation decided about the old tier (grace, a proposal) no longer holds, and
/// the history says who moved the partner (the transaction's user).
pub async fn record_set_by_admin(
    tx: &mut Tx,
    partner: PartnerId,
    from: &str,
    to: &str,
    on: NaiveDate,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update partner_standings set grace_until = null, proposed_tier = null,
                action = case when action in ('start_grace', 'in_grace', 'propose_promotion', 'warn') then 'hold'
                              else action end,
                updated_at = now()
          where partner_id = $1",
        partner as PartnerId,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into tier_history (tenant_id, partner_id, on_date, action, from_tier, to_tier, note, actor_id)
         values (app_current_tenant(), $1, $2, 'set_by_admin', $3, $4, '', app_current_user())",
        partner as PartnerId,
        on,
        from,
        to,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Moves the tiers ranked `from` or higher by `delta` (±1), to open or close a gap in the order. The rank's
/// uniqueness is checked at commit, so the order of the updates does not matter.
pub async fn shift_ranks(tx: &mut Tx, from: i32, delta: i32) -> Result<(), sqlx::Error> {
    sqlx::query!("update tiers set rank = rank + $2, updated_at = now() where rank >= $1", from, delta)
        .execute(&mut **tx)
        .await
        .map(drop)
}

/// How many partners hold the tier, and how many overrides name it.
pub async fn tier_holders(tx: &mut Tx, code: &str) -> Result<(i64, i64), sqlx::Error> {
    let r = sqlx::query!(
        r#"select (select count(*) from partners where tier = $1) as "partners!",
                  (select count(*) from partner_standings where override_tier = $1) as "overrides!""#,
        code,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((r.partners, r.overrides))
}

/// Withdraws the promotions proposed to a tier about to go; those partners are due for evaluation today.
pub async fn withdraw_proposals(tx: &mut Tx, code: &str) -> Result<u64, sqlx::Error> {
    sqlx::query!(
        "update partner_standings
            set proposed_tier = null, action = case when action = 'propose_promotion' then 'hold' else action end,
                next_evaluation_on = least(next_evaluation_on, current_date), updated_at = now()
          where proposed_tier = $1",
        code,
    )
    .execute(&mut **tx)
    .await
    .map(|r| r.rows_affected())
}

/// Removes one tier; its requirements go with it (ON DELETE CASCADE).
pub async fn delete_tier(tx: &mut Tx, code: &str) -> Result<u64, sqlx::Error> {
    sqlx::query!("delete from tiers where code = $1", code).execute(&mut **tx).await.map(|r| r.rows_affected())
}
