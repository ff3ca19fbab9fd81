//! Partner standing: the program's tiers and their requirements, the evaluation that measures partners and applies
//! `rules::tier_progression` (promote, warn, grace, demote, override) and `rules::life_stage`, the job that runs it
//! on schedule in batches claimed with `FOR UPDATE SKIP LOCKED`, and what people see of it.

pub mod api;
pub mod config;
pub mod metrics;
pub mod pages;
pub mod store;

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use chrono_tz::Tz;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use sqlx::PgPool;

use crate::auth::{CurrentUser, Scope};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{PartnerId, TenantId, UserId};
use crate::outbox;
use crate::partners::LifeStage;
use crate::rules::life_stage;
use crate::rules::tier_progression::{self as rule, Action, Measured, Metric};
use store::{PartnerState, PolicyRow, RequirementRow, TierRow};

/// How many partners one transaction of the job evaluates.
pub const BATCH: i64 = 250;

/// The program's tiers, requirements and policy, as the rule reads them.
#[derive(Debug, Clone)]
pub struct Program {
    pub tiers: Vec<TierRow>,
    pub requirements: Vec<RequirementRow>,
    pub policy: PolicyRow,
    pub rule_tiers: Vec<rule::Tier>,
    /// Each rule tier's requirements' metrics, parallel to `rule_tiers[..].requirements`.
    pub zone: Tz,
}

impl Program {
    pub async fn load(tx: &mut Tx) -> Result<Program> {
        let tiers = store::tiers(tx).await?;
        let requirements = store::requirements(tx).await?;
        let policy = store::policy(tx).await?;
        let zone = crate::web::format::zone(&crate::program::store::time_zone(tx).await?).unwrap_or(Tz::UTC);
        let rule_tiers = tiers
            .iter()
            .enumerate()
            .map(|(rank, t)| rule::Tier {
                rank: rank as u32,
                name: t.name.clone(),
                requirements: requirements
                    .iter()
                    .filter(|r| r.tier_code == t.code)
                    .filter_map(|r| {
                        Some(rule::Requirement {
                            metric: Metric::from_key(&r.metric, &r.parameter)?,
                            threshold: r.threshold,
                            window_days: r.window_days.max(1) as u32,
                            mandatory: r.mandatory,
                        })
                    })
                    .collect(),
                optional_needed: t.optional_needed.max(0) as u32,
            })
            .collect();
        Ok(Program { tiers, requirements, policy, rule_tiers, zone })
    }

    pub fn rank(&self, code: &str) -> u32 {
        self.tiers.iter().position(|t| t.code == code).unwrap_or(0) as u32
    }

    pub fn code(&self, rank: u32) -> &str {
        self.tiers.get(rank as usize).or(self.tiers.last()).map_or("registered", |t| t.code.as_str())
    }

    pub fn tier(&self, code: &str) -> Option<&TierRow> {
        self.tiers.iter().find(|t| t.code == code)
    }

    pub fn name(&self, code: &str) -> String {
        self.tier(code).map_or_else(|| crate::partners::tier_label(code), |t| t.name.clone())
    }

    fn tier_policy(&self) -> rule::Policy {
        rule::Policy {
            auto_promote: self.policy.auto_promote,
            grace_days: self.policy.grace_days.max(0) as u32,
            risk_margin_percent: self.policy.risk_margin_percent.max(0) as u32,
        }
    }

    fn stage_policy(&self) -> life_stage::Policy {
        life_stage::Policy {
            producing_days: self.policy.producing_days.max(1) as u32,
            lapsed_days: self.policy.lapsed_days.max(1) as u32,
        }
    }

    /// The first moment of `day` in the program's zone.
    pub fn start_of(&self, day: NaiveDate) -> DateTime<Utc> {
        let midnight = day.and_hms_opt(0, 0, 0).unwrap_or_default();
        self.zone
            .from_local_datetime(&midnight)
            .earliest()
            .map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
    }

    fn day_of(&self, t: DateTime<Utc>) -> NaiveDate {
        t.with_timezone(&self.zone).date_naive()
    }
}

/// One requirement as the partner's page and the API show it.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RequirementProgress {
    pub metric: String,
    pub parameter: String,
    pub label: String,
    /// What the partner has; null while the metric's data does not exist yet.
    pub have: Option<String>,
    pub need: String,
    pub met: bool,
    pub mandatory: bool,
    /// 0-100, for a progress bar.
    pub percent: u8,
    pub summary: String,
    /// What is still missing, in real units; empty when met.
    pub gap: String,
    pub window_days: u32,
    /// The first day the trailing window counts.
    pub window_from: NaiveDate,
}

/// A tier's requirements as measured.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct TierProgressView {
    pub code: String,
    pub name: String,
    pub met: bool,
    pub n_of_m: Option<String>,
    pub requirements: Vec<RequirementProgress>,
}

fn progress_view(program: &Program, e: &rule::Evaluation, today: NaiveDate) -> Vec<TierProgressView> {
    e.tiers
        .iter()
        .map(|t| TierProgressView {
            code: program.code(t.rank).to_string(),
            name: program.name(program.code(t.rank)),
            met: t.met,
            n_of_m: t.n_of_m.clone(),
            requirements: t
                .requirements
                .iter()
                .map(|p| RequirementProgress {
                    metric: p.metric.key().to_string(),
                    parameter: p.metric.parameter().to_string(),
                    label: p.metric.to_string(),
                    have: p.have.map(|v| v.normalize().to_string()),
                    need: p.need.normalize().to_string(),
                    met: p.met,
                    mandatory: p.mandatory,
                    percent: p.percent,
                    summary: p.summary.clone(),
                    gap: p.gap.clone(),
                    window_days: p.window_days,
                    window_from: today - Duration::days(i64::from(p.window_days.max(1)) - 1),
                })
                .collect(),
        })
        .collect()
}

/// What an evaluation of one partner did, for the caller (tests, the job's log).
#[derive(Debug, Clone)]
pub struct Decision {
    pub partner: PartnerId,
    pub action: String,
    pub tier: String,
    pub life_stage: LifeStage,
}

/// Evaluates the partners of `ids` (their standings already locked by the caller) on `today` and writes the outcome:
/// standings, tiers, life-stages, history and emails. `actor` is the program admin who asked, if any.
pub async fn evaluate_batch(
    tx: &mut Tx,
    tenant: TenantId,
    program: &Program,
    ids: &[PartnerId],
    today: NaiveDate,
    actor: Option<UserId>,
    base_url: &str,
) -> Result<Vec<Decision>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let states = store::states(tx, ids).await?;
    let horizon = program.policy.evaluate_every_days.max(1);
    let measured = metrics::measure_all(tx, program, ids, today, horizon).await?;
    let end = program.start_of(today + Duration::days(1));
    let activity: HashMap<PartnerId, store::ActivityRow> =
        store::activity(tx, ids, end).await?.into_iter().map(|a| (a.id, a)).collect();
    let next = today + Duration::days(i64::from(horizon));
    let mut outcomes = Vec::with_capacity(states.len());
    let mut decisions = Vec::with_capacity(states.len());
    for s in &states {
        let (have, expected) = measured.get(&s.id).cloned().unwrap_or_default();
        let (outcome, decision) =
            decide(tx, tenant, program, s, &have, &expected, activity.get(&s.id), today, actor, base_url).await?;
        outcomes.push(outcome);
        decisions.push(decision);
    }
    store::write_standings(tx, &outcomes, today, next).await?;
    Ok(decisions)
}

#[allow(clippy::too_many_arguments)]
async fn decide(
    tx: &mut Tx,
    tenant: TenantId,
    program: &Program,
    s: &PartnerState,
    have: &Measured,
    expected: &Measured,
    activity: Option<&store::ActivityRow>,
    today: NaiveDate,
    actor: Option<UserId>,
    base_url: &str,
) -> Result<(store::Outcome, Decision)> {
    let current = program.rank(&s.tier);
    let override_ = match (&s.override_tier, s.override_until) {
        (Some(t), Some(until)) => Some(rule::Override { rank: program.rank(t), until }),
        _ => None,
    };
    let clear_override = override_.as_ref().is_some_and(|o| o.until < today);
    let standing = rule::Standing { rank: current, grace_until: s.grace_until, override_: override_.clone() };
    let e = rule::evaluate(&program.rule_tiers, have, &standing, &program.tier_policy(), today);
    let projection = rule::projected_tier(&program.rule_tiers, have, expected);
    let new_tier = program.code(e.rank).to_string();
    let proposed = match e.action {
        Action::ProposePromotion { to } => Some(program.code(to).to_string()),
        _ => None,
    };
    let history = |action: &'static str, to: String, note: String| (action, to, note);
    let mut events: Vec<(&str, String, String)> = Vec::new();
    if clear_override {
        events.push(history("override_ended", s.tier.clone(), "The override ran out.".into()));
    }
    let gaps = |rank: u32| -> String {
        e.tiers
            .iter()
            .find(|t| t.rank == rank)
            .map(|t| t.requirements.iter().filter(|p| !p.gap.is_empty()).map(|p| p.gap.clone()).collect::<Vec<_>>())
            .unwrap_or_default()
            .join("; ")
    };
    let mut mail: Option<(String, String)> = None;
    let name = |code: &str| program.name(code);
    let meets =
        matches!(e.action, Action::Hold | Action::Warn | Action::Promote { .. } | Action::ProposePromotion { .. });
    if s.grace_until.is_some() && meets {
        events.push(history("recover", s.tier.clone(), "Meets its tier again; the grace period ended.".into()));
    }
    match &e.action {
        Action::Promote { .. } => {
            events.push(history("promote", new_tier.clone(), String::new()));
            mail = Some(promoted_mail(program, &s.name, &s.tier, &new_tier));
        }
        Action::ProposePromotion { .. } if s.proposed_tier != proposed => {
            let to = proposed.clone().unwrap_or_default();
            events.push(history("propose_promotion", to.clone(), "Waits for a program admin's approval.".into()));
        }
        Action::Warn if s.action.as_deref() != Some("warn") => {
            let narrow = narrow_requirements(&e, current, program.tier_policy().risk_margin_percent);
            events.push(history("warn", new_tier.clone(), narrow.clone()));
            mail = Some((
                format!("{} is at risk of losing {}", s.name, name(&s.tier)),
                format!(
                    "{} meets the requirements of {} only narrowly: {narrow}.\n\nSee where it stands: {base_url}/tier\n",
                    s.name,
                    name(&s.tier)
                ),
            ));
        }
        Action::StartGrace { until } => {
            let missing = gaps(current);
            events.push(history("start_grace", new_tier.clone(), format!("Until {until}. Missing: {missing}")));
            mail = Some((
                format!("{} has until {} to meet {} again", s.name, until, name(&s.tier)),
                format!(
                    "{} no longer meets the requirements of {}. It keeps its tier until {until}; if it still falls \
                     short then, it moves down one tier.\n\nWhat is missing: {missing}.\n\nSee where it stands: \
                     {base_url}/tier\n",
                    s.name,
                    name(&s.tier)
                ),
            ));
        }
        Action::Demote { .. } => {
            events.push(history("demote", new_tier.clone(), "The grace period ran out.".into()));
            mail = Some((
                format!("{} moved from {} to {}", s.name, name(&s.tier), name(&new_tier)),
                format!(
                    "The grace period of {} ended without it meeting {} again, so it moved down one tier to {}.\n\n\
                     What the next tier takes: {base_url}/tier\n",
                    s.name,
                    name(&s.tier),
                    name(&new_tier)
                ),
            ));
        }
        _ => {}
    }
    if new_tier != s.tier {
        store::set_tier(tx, s.id, &new_tier).await?;
    }
    let mut from = s.tier.clone();
    for (action, to, note) in &events {
        let h = store::NewHistory { partner: s.id, on_date: today, action, from_tier: &from, to_tier: to, note, actor };
        store::insert_history(tx, tenant, &h).await?;
        if *action != "propose_promotion" {
            from = to.clone();
        }
    }
    if let Some((subject, body)) = mail {
        for address in store::recipients(tx, s.id, s.cam_id).await? {
            outbox::enqueue(tx, tenant, &address, &subject, &body).await?;
        }
    }
    // The life-stage, as time passes.
    let act = life_stage::Activity {
        first_registration: activity.and_then(|a| a.first_registration).map(|t| program.day_of(t)),
        last_won: activity.and_then(|a| a.last_won).map(|t| program.day_of(t)),
        last_deal_activity: activity.and_then(|a| a.last_activity).map(|t| program.day_of(t)),
    };
    let stage = life_stage::stage(s.life_stage, &act, &program.stage_policy(), today);
    if stage != s.life_stage {
        store::set_life_stage(tx, s.id, stage).await?;
    }
    let progress = serde_json::to_value(progress_view(program, &e, today)).unwrap_or_default();
    let outcome = store::Outcome {
        partner: s.id,
        action: e.action.key().to_string(),
        qualifies_for: program.code(e.qualifies_for).to_string(),
        proposed_tier: proposed,
        grace_until: e.grace_until,
        projection_tier: program.code(projection).to_string(),
        progress,
        clear_override,
    };
    let decision = Decision { partner: s.id, action: e.action.key().to_string(), tier: new_tier, life_stage: stage };
    Ok((outcome, decision))
}

/// The requirements of `rank` met by less than the margin, in words.
fn narrow_requirements(e: &rule::Evaluation, rank: u32, margin: u32) -> String {
    let margin = Decimal::from(margin) / Decimal::ONE_HUNDRED;
    e.tiers
        .iter()
        .find(|t| t.rank == rank)
        .map(|t| {
            t.requirements
                .iter()
                .filter(|p| p.met && p.have.is_some_and(|v| v < p.need * (Decimal::ONE + margin)))
                .map(|p| p.summary.clone())
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default()
}

fn promoted_mail(program: &Program, partner: &str, from: &str, to: &str) -> (String, String) {
    let benefits = program
        .tier(to)
        .map(|t| {
            format!(
                "a {} % discount, {} % MDF accrual and {} days of registration protection (from {})",
                t.discount_percent.normalize(),
                t.mdf_accrual_percent.normalize(),
                t.protection_days,
                t.benefits_from
            )
        })
        .unwrap_or_default();
    (
        format!("{partner} is now {}", program.name(to)),
        format!(
            "{partner} meets the requirements of {} and moved up from {}. Its benefits: {benefits}.\n",
            program.name(to),
            program.name(from)
        ),
    )
}

/// Evaluates the tenant's partners due on `today`, batch by batch, each batch in its own transaction with its
/// standings claimed `FOR UPDATE SKIP LOCKED`: several instances share the work and none evaluates a partner twice.
/// Returns the partners this call evaluated.
pub async fn run_due(pool: &PgPool, tenant: TenantId, today: NaiveDate, base_url: &str) -> Result<Vec<Decision>> {
    let mut tx = crate::db::begin_tenant(pool, tenant, None).await?;
    store::ensure_standings(&mut tx, today).await?;
    tx.commit().await?;
    let mut done = Vec::new();
    loop {
        let mut tx = crate::db::begin_tenant(pool, tenant, None).await?;
        let ids = store::claim_due(&mut tx, today, BATCH).await?;
        if ids.is_empty() {
            break;
        }
        let program = Program::load(&mut tx).await?;
        let decisions = evaluate_batch(&mut tx, tenant, &program, &ids, today, None, base_url).await?;
        tx.commit().await?;
        done.extend(decisions);
    }
    Ok(done)
}

/// Evaluates every partner of the tenant on `today`, due or not (the command line, tests and the benchmark).
pub async fn evaluate_all(pool: &PgPool, tenant: TenantId, today: NaiveDate, base_url: &str) -> Result<Vec<Decision>> {
    let mut tx = crate::db::begin_tenant(pool, tenant, None).await?;
    store::ensure_standings(&mut tx, today).await?;
    store::make_all_due(&mut tx, today).await?;
    tx.commit().await?;
    run_due(pool, tenant, today, base_url).await
}

/// Evaluates one partner now (a program admin's "evaluate now", or after an override ends).
pub async fn evaluate_one(
    tx: &mut Tx,
    user: &CurrentUser,
    partner: PartnerId,
    today: NaiveDate,
    base_url: &str,
) -> Result<Decision> {
    if !store::lock_one(tx, partner, today).await? {
        return Err(Error::NotFound);
    }
    let program = Program::load(tx).await?;
    let mut decisions =
        evaluate_batch(tx, user.tenant_id, &program, &[partner], today, Some(user.id), base_url).await?;
    decisions.pop().ok_or(Error::NotFound)
}

#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct OverrideInput {
    /// A tier's code.
    #[serde(default)]
    pub tier: String,
    /// The override holds through this day (after today).
    #[serde(default)]
    #[schema(value_type = String, format = Date)]
    pub until: Option<String>,
    /// Why, 10-1000 characters.
    #[serde(default)]
    pub reason: String,
}

/// Holds a partner's tier until a date, whatever the metrics say.
pub async fn set_override(
    tx: &mut Tx,
    user: &CurrentUser,
    partner: PartnerId,
    input: &OverrideInput,
    today: NaiveDate,
) -> Result<()> {
    let state = store::standing(tx, user.scope(), partner).await?.ok_or(Error::NotFound)?;
    let codes = store::codes(tx).await?;
    let mut errors = FieldErrors::new();
    if !codes.contains(&input.tier) {
        errors.add("tier", format!("Choose one of: {}.", codes.join(", ")));
    }
    let until = input.until.as_deref().and_then(|u| NaiveDate::parse_from_str(u.trim(), "%Y-%m-%d").ok());
    match until {
        None => errors.add("until", "Give the last day of the override as YYYY-MM-DD."),
        Some(d) if d <= today => errors.add("until", "The override must last past today."),
        Some(_) => {}
    }
    let reason = input.reason.trim();
    if reason.chars().count() < 10 || reason.chars().count() > 1000 {
        errors.add("reason", "Say why in 10 to 1000 characters.");
    }
    errors.into_result()?;
    let until = until.unwrap_or(today);
    store::lock_one(tx, partner, today).await?;
    store::set_override(tx, partner, &input.tier, until, reason, user.id).await?;
    if state.tier != input.tier {
        store::set_tier(tx, partner, &input.tier).await?;
    }
    let h = store::NewHistory {
        partner,
        on_date: today,
        action: "override",
        from_tier: &state.tier,
        to_tier: &input.tier,
        note: &format!("Until {until}: {reason}"),
        actor: Some(user.id),
    };
    store::insert_history(tx, user.tenant_id, &h).await?;
    Ok(())
}

/// Ends an override now and evaluates the partner by its metrics again.
pub async fn end_override(
    tx: &mut Tx,
    user: &CurrentUser,
    partner: PartnerId,
    today: NaiveDate,
    base_url: &str,
) -> Result<()> {
    let state = store::standing(tx, user.scope(), partner).await?.ok_or(Error::NotFound)?;
    if state.override_tier.is_none() {
        return Err(Error::Conflict("This partner's tier is not overridden.".into()));
    }
    store::lock_one(tx, partner, today).await?;
    store::clear_override(tx, partner).await?;
    let h = store::NewHistory {
        partner,
        on_date: today,
        action: "override_ended",
        from_tier: &state.tier,
        to_tier: &state.tier,
        note: "Ended by a program admin.",
        actor: Some(user.id),
    };
    store::insert_history(tx, user.tenant_id, &h).await?;
    evaluate_one(tx, user, partner, today, base_url).await?;
    Ok(())
}

/// Approves a proposed promotion.
pub async fn approve_promotion(tx: &mut Tx, user: &CurrentUser, partner: PartnerId, today: NaiveDate) -> Result<()> {
    store::standing(tx, user.scope(), partner).await?.ok_or(Error::NotFound)?;
    store::lock_one(tx, partner, today).await?;
    // Read again under the lock: two approvals of the same proposal promote once.
    let state = store::standing(tx, user.scope(), partner).await?.ok_or(Error::NotFound)?;
    let Some(to) = state.proposed_tier.clone() else {
        return Err(Error::Conflict("No promotion is proposed for this partner.".into()));
    };
    let program = Program::load(tx).await?;
    store::approve_proposal(tx, partner).await?;
    store::set_tier(tx, partner, &to).await?;
    let h = store::NewHistory {
        partner,
        on_date: today,
        action: "approve_promotion",
        from_tier: &state.tier,
        to_tier: &to,
        note: "",
        actor: Some(user.id),
    };
    store::insert_history(tx, user.tenant_id, &h).await?;
    let (subject, body) = promoted_mail(&program, &state.partner_name, &state.tier, &to);
    for address in store::recipients(tx, partner, state.cam_id).await? {
        outbox::enqueue(tx, user.tenant_id, &address, &subject, &body).await?;
    }
    Ok(())
}

#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct CustomValueInput {
    /// The custom metric's name, as its requirements name it (their `parameter`).
    #[serde(default)]
    pub name: String,
    /// A decimal string (or number).
    #[serde(default)]
    #[schema(value_type = String)]
    pub value: serde_json::Value,
}

/// Keeps a partner's value of a custom metric and evaluates the partner with it.
pub async fn set_custom_value(
    tx: &mut Tx,
    user: &CurrentUser,
    partner: PartnerId,
    input: &CustomValueInput,
    today: NaiveDate,
    base_url: &str,
) -> Result<()> {
    visible(tx, user.scope(), partner).await?;
    let mut errors = FieldErrors::new();
    let name = input.name.trim();
    let known: Vec<String> =
        store::requirements(tx).await?.into_iter().filter(|r| r.metric == "custom").map(|r| r.parameter).collect();
    if !known.iter().any(|k| k == name) {
        let choices = if known.is_empty() { "none yet".to_string() } else { known.join(", ") };
        errors.add("name", format!("Name a custom metric that a requirement uses ({choices})."));
    }
    let value = match &input.value {
        serde_json::Value::String(s) => s.trim().parse::<Decimal>().ok(),
        serde_json::Value::Number(n) => n.to_string().parse::<Decimal>().ok(),
        _ => None,
    }
    .filter(|v| v.scale() <= 2 && v.abs() < Decimal::from(100_000_000_000_000i64));
    if value.is_none() {
        errors.add("value", "Give a number with at most two decimals.");
    }
    errors.into_result()?;
    store::set_custom_value(tx, user.tenant_id, partner, name, value.unwrap_or_default()).await?;
    evaluate_one(tx, user, partner, today, base_url).await?;
    Ok(())
}

/// Records a tier a program admin set by hand (partners API or page), when it changed.
pub async fn tier_set_by_admin(tx: &mut Tx, partner: PartnerId, from: &str, to: &str) -> Result<()> {
    if from != to {
        let today = crate::program::store::today(tx).await?;
        store::record_set_by_admin(tx, partner, from, to, today).await?;
    }
    Ok(())
}

/// Whether `scope` may see partner `id` (404 otherwise).
pub async fn visible(tx: &mut Tx, scope: Scope, id: PartnerId) -> Result<store::StandingRow> {
    store::standing(tx, scope, id).await?.ok_or(Error::NotFound)
}

/// The measured values of a partner, keyed as the rule wants them, plus what the projection adds.
pub type Measurement = (Measured, Measured);

pub(crate) type ByPartner = BTreeMap<PartnerId, Measurement>;
