//! SQL for business plans and the scorecard's measures, inside the request's tenant-scoped transaction; the caller's
//! `Scope` narrows to a partner's own or a CAM's assigned partners.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::db::Tx;
use crate::ids::PartnerId;

/// Which partners of `ids` have an agreed plan whose fiscal year covers `today`: 1 or 0 (the tier metric). A plan
/// under amendment still has its last agreed version, so it counts.
pub async fn agreed_plan_covers(
    tx: &mut Tx,
    ids: &[PartnerId],
    today: NaiveDate,
) -> Result<Vec<(PartnerId, Decimal)>, sqlx::Error> {
    let ids: Vec<uuid::Uuid> = ids.iter().map(|p| p.0).collect();
    let rows = sqlx::query!(
        r#"select p as "id!: PartnerId",
                  exists (select 1 from business_plans b
                           where b.partner_id = p and b.agreed_at is not null and b.state <> 'closed'
                             and b.starts_on <= $2 and b.ends_on > $2)
                  as "covered!"
             from unnest($1::uuid[]) as p"#,
        &ids,
        today,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, if r.covered { Decimal::ONE } else { Decimal::ZERO })).collect())
}

use chrono::{DateTime, Utc};
use serde_json::Value;

use super::{NewObjective, ObjectiveKind, PlanFields, PlanState};
use crate::auth::Scope;
use crate::ids::{BusinessPlanId, ObjectiveId, PlanCommentId, PlanVersionId, TenantId, UserId};

#[derive(Debug, Clone)]
pub struct SettingsRow {
    pub fiscal_year_start_month: i32,
    pub coverage_index: Decimal,
    pub coverage_from_win_rate: bool,
    /// The growth % a new plan's targets start from.
    pub default_growth_percent: Decimal,
}

impl Default for SettingsRow {
    fn default() -> SettingsRow {
        SettingsRow {
            fiscal_year_start_month: 1,
            coverage_index: crate::rules::scorecard::DEFAULT_COVERAGE,
            coverage_from_win_rate: false,
            default_growth_percent: Decimal::TEN,
        }
    }
}

/// The program's plan settings (the defaults until an admin sets them).
pub async fn settings(tx: &mut Tx) -> Result<SettingsRow, sqlx::Error> {
    let row = sqlx::query_as!(
        SettingsRow,
        "select fiscal_year_start_month, coverage_index, coverage_from_win_rate, default_growth_percent
           from plan_settings"
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.unwrap_or_default())
}

pub async fn put_settings(tx: &mut Tx, tenant: TenantId, s: &SettingsRow) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into plan_settings (tenant_id, fiscal_year_start_month, coverage_index, coverage_from_win_rate,
                                    default_growth_percent)
         values ($1, $2, $3, $4, $5)
         on conflict (tenant_id) do update
            set fiscal_year_start_month = excluded.fiscal_year_start_month,
                coverage_index = excluded.coverage_index,
                coverage_from_win_rate = excluded.coverage_from_win_rate,
                default_growth_percent = excluded.default_growth_percent, updated_at = now()",
        tenant as TenantId,
        s.fiscal_year_start_month,
        s.coverage_index,
        s.coverage_from_win_rate,
        s.default_growth_percent,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// The partner's name when the scope may see it.
pub async fn partner_name(tx: &mut Tx, scope: Scope, partner: PartnerId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select name from partners where id = $1 and ($2::uuid is null or id = $2) and ($3::uuid is null or cam_id = $3)",
        partner as PartnerId,
        scope.partner().map(|p| p.0),
        scope.cam().map(|c| c.0),
    )
    .fetch_optional(&mut **tx)
    .await
}

#[derive(Debug, Clone)]
pub struct PlanRow {
    pub id: BusinessPlanId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub fiscal_year: i32,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub state: PlanState,
    pub version: i32,
    pub currency: String,
    pub growth_percent: Decimal,
    pub value_proposition: String,
    pub go_to_market: String,
    pub vendor_commitments: String,
    pub partner_commitments: String,
    pub margin_percent: Decimal,
    pub rebates: Decimal,
    pub mdf: Decimal,
    pub costs: Decimal,
    pub shared_at: Option<DateTime<Utc>>,
    pub agreed_at: Option<DateTime<Utc>>,
    pub agreed_by: Option<String>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
}

#[allow(clippy::too_many_arguments)]
pub async fn insert_plan(
    tx: &mut Tx,
    tenant: TenantId,
    partner: PartnerId,
    fiscal_year: i32,
    starts_on: NaiveDate,
    ends_on: NaiveDate,
    currency: &str,
    growth_percent: Decimal,
    by: UserId,
) -> Result<BusinessPlanId, sqlx::Error> {
    sqlx::query_scalar!(
        r#"insert into business_plans (tenant_id, id, partner_id, fiscal_year, starts_on, ends_on, currency,
                                        growth_percent, created_by)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9) returning id as "id: BusinessPlanId""#,
        tenant as TenantId,
        BusinessPlanId::new() as BusinessPlanId,
        partner as PartnerId,
        fiscal_year,
        starts_on,
        ends_on,
        currency,
        growth_percent,
        by as UserId,
    )
    .fetch_one(&mut **tx)
    .await
}

/// One plan the scope may see (partner people never see a draft); `lock` takes it for update.
pub async fn plan(tx: &mut Tx, scope: Scope, id: BusinessPlanId, lock: bool) -> Result<Option<PlanRow>, sqlx::Error> {
    let row = sqlx::query_as!(
        PlanRow,
        r#"select b.id as "id: BusinessPlanId", b.partner_id as "partner_id: PartnerId", p.name as partner_name,
                  b.fiscal_year, b.starts_on, b.ends_on, b.state as "state: PlanState", b.version, b.currency,
                  b.growth_percent, b.value_proposition, b.go_to_market, b.vendor_commitments,
                  b.partner_commitments, b.margin_percent, b.rebates, b.mdf, b.costs, b.shared_at, b.agreed_at,
                  (select u.name from users u where u.tenant_id = b.tenant_id and u.id = b.agreed_by) as agreed_by,
                  b.created_at, b.updated_at
             from business_plans b join partners p on p.tenant_id = b.tenant_id and p.id = b.partner_id
            where b.id = $1 and ($2::uuid is null or (b.partner_id = $2 and b.state <> 'draft'))
              and ($3::uuid is null or p.cam_id = $3)"#,
        id as BusinessPlanId,
        scope.partner().map(|p| p.0),
        scope.cam().map(|c| c.0),
    )
    .fetch_optional(&mut **tx)
    .await?;
    if lock && row.is_some() {
        sqlx::query!("select 1 as x from business_plans where id = $1 for update", id as BusinessPlanId)
            .fetch_one(&mut **tx)
            .await?;
    }
    Ok(row)
}

/// Plans in scope, newest fiscal year first, by partner.
pub async fn plans(
    tx: &mut Tx,
    scope: Scope,
    partner: Option<PartnerId>,
    fiscal_year: Option<i32>,
    state: Option<PlanState>,
    limit: i64,
    offset: i64,
) -> Result<(Vec<PlanRow>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        r#"select b.id as "id: BusinessPlanId", b.partner_id as "partner_id: PartnerId", p.name as partner_name,
                  b.fiscal_year, b.starts_on, b.ends_on, b.state as "state: PlanState", b.version, b.currency,
                  b.growth_percent, b.value_proposition, b.go_to_market, b.vendor_commitments,
                  b.partner_commitments, b.margin_percent, b.rebates, b.mdf, b.costs, b.shared_at, b.agreed_at,
                  (select u.name from users u where u.tenant_id = b.tenant_id and u.id = b.agreed_by) as agreed_by,
                  b.created_at, b.updated_at, count(*) over () as "total!"
             from business_plans b join partners p on p.tenant_id = b.tenant_id and p.id = b.partner_id
            where ($1::uuid is null or (b.partner_id = $1 and b.state <> 'draft'))
              and ($2::uuid is null or p.cam_id = $2)
              and ($3::uuid is null or b.partner_id = $3)
              and ($4::int is null or b.fiscal_year = $4)
              and ($5::text is null or b.state = $5)
            order by b.fiscal_year desc, p.name, b.created_at desc
            limit $6 offset $7"#,
        scope.partner().map(|p| p.0),
        scope.cam().map(|c| c.0),
        partner.map(|p| p.0),
        fiscal_year,
        state.map(|s| s.as_str()),
        limit,
        offset,
    )
    .fetch_all(&mut **tx)
    .await?;
    let total = rows.first().map_or(0, |r| r.total);
    let rows = rows
        .into_iter()
        .map(|r| PlanRow {
            id: r.id,
            partner_id: r.partner_id,
            partner_name: r.partner_name,
            fiscal_year: r.fiscal_year,
            starts_on: r.starts_on,
            ends_on: r.ends_on,
            state: r.state,
            version: r.version,
            currency: r.currency,
            growth_percent: r.growth_percent,
            value_proposition: r.value_proposition,
            go_to_market: r.go_to_market,
            vendor_commitments: r.vendor_commitments,
            partner_commitments: r.partner_commitments,
            margin_percent: r.margin_percent,
            rebates: r.rebates,
            mdf: r.mdf,
            costs: r.costs,
            shared_at: r.shared_at,
            agreed_at: r.agreed_at,
            agreed_by: r.agreed_by,
            created_at: r.created_at,
            updated_at: r.updated_at,
        })
        .collect();
    Ok((rows, total))
}

#[derive(Debug, Clone)]
pub struct ObjectiveRow {
    pub id: ObjectiveId,
    pub kind: ObjectiveKind,
    pub name: String,
    pub certification: Option<String>,
    pub weight: i32,
    pub targets: Vec<Decimal>,
    pub manual_actuals: Vec<Decimal>,
}

pub async fn objectives(tx: &mut Tx, plan: BusinessPlanId) -> Result<Vec<ObjectiveRow>, sqlx::Error> {
    sqlx::query_as!(
        ObjectiveRow,
        r#"select id as "id: ObjectiveId", kind as "kind: ObjectiveKind", name, certification, weight,
                  targets as "targets: Vec<Decimal>", manual_actuals as "manual_actuals: Vec<Decimal>"
             from business_plan_objectives where plan_id = $1 order by position"#,
        plan as BusinessPlanId,
    )
    .fetch_all(&mut **tx)
    .await
}

/// Replaces the plan's objectives with `list`.
pub async fn replace_objectives(
    tx: &mut Tx,
    tenant: TenantId,
    plan: BusinessPlanId,
    list: &[NewObjective],
) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from business_plan_objectives where plan_id = $1", plan as BusinessPlanId)
        .execute(&mut **tx)
        .await?;
    for (i, o) in list.iter().enumerate() {
        sqlx::query!(
            "insert into business_plan_objectives
                 (tenant_id, id, plan_id, position, kind, name, certification, weight, targets, manual_actuals)
             values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            tenant as TenantId,
            ObjectiveId::new() as ObjectiveId,
            plan as BusinessPlanId,
            i as i32,
            o.kind.as_str(),
            o.name,
            o.certification,
            o.weight,
            &o.targets[..],
            &o.manual_actuals[..],
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

pub async fn update_fields(tx: &mut Tx, id: BusinessPlanId, f: &PlanFields) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update business_plans
            set growth_percent = $2, value_proposition = $3, go_to_market = $4, vendor_commitments = $5,
                partner_commitments = $6, margin_percent = $7, rebates = $8, mdf = $9, costs = $10,
                updated_at = now()
          where id = $1",
        id as BusinessPlanId,
        f.growth_percent,
        f.value_proposition,
        f.go_to_market,
        f.vendor_commitments,
        f.partner_commitments,
        f.margin_percent,
        f.rebates,
        f.mdf,
        f.costs,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

/// Moves the plan to `state` at `version`, stamping the move.
pub async fn set_state(
    tx: &mut Tx,
    id: BusinessPlanId,
    state: PlanState,
    version: i32,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "update business_plans
            set state = $2, version = $3, updated_at = now(),
                shared_at = case when $2 = 'shared' then now() else shared_at end,
                agreed_at = case when $2 = 'agreed' then now() else agreed_at end,
                agreed_by = case when $2 = 'agreed' then $4 else agreed_by end,
                closed_at = case when $2 = 'closed' then now() else closed_at end
          where id = $1",
        id as BusinessPlanId,
        state.as_str(),
        version,
        by as UserId,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

pub async fn insert_version(
    tx: &mut Tx,
    tenant: TenantId,
    plan: BusinessPlanId,
    version: i32,
    snapshot: &Value,
    by: UserId,
) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into business_plan_versions (tenant_id, id, plan_id, version, snapshot, agreed_by)
         values ($1, $2, $3, $4, $5, $6)",
        tenant as TenantId,
        PlanVersionId::new() as PlanVersionId,
        plan as BusinessPlanId,
        version,
        snapshot,
        by as UserId,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

#[derive(Debug, Clone)]
pub struct VersionRow {
    pub version: i32,
    pub snapshot: Value,
    pub agreed_by: String,
    pub agreed_at: DateTime<Utc>,
}

pub async fn versions(tx: &mut Tx, plan: BusinessPlanId) -> Result<Vec<VersionRow>, sqlx::Error> {
    sqlx::query_as!(
        VersionRow,
        r#"select v.version, v.snapshot, u.name as agreed_by, v.agreed_at
             from business_plan_versions v join users u on u.tenant_id = v.tenant_id and u.id = v.agreed_by
            where v.plan_id = $1 order by v.version"#,
        plan as BusinessPlanId,
    )
    .fetch_all(&mut **tx)
    .await
}

#[derive(Debug, Clone)]
pub struct CommentRow {
    pub id: PlanCommentId,
    pub author: String,
    pub body: String,
    pub created_at: DateTime<Utc>,
}

pub async fn insert_comment(
    tx: &mut Tx,
    tenant: TenantId,
    plan: BusinessPlanId,
    author: UserId,
    body: &str,
) -> Result<PlanCommentId, sqlx::Error> {
    sqlx::query_scalar!(
        r#"insert into business_plan_comments (tenant_id, id, plan_id, author_id, body)
           values ($1, $2, $3, $4, $5) returning id as "id: PlanCommentId""#,
        tenant as TenantId,
        PlanCommentId::new() as PlanCommentId,
        plan as BusinessPlanId,
        author as UserId,
        body,
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn comments(tx: &mut Tx, plan: BusinessPlanId) -> Result<Vec<CommentRow>, sqlx::Error> {
    sqlx::query_as!(
        CommentRow,
        r#"select c.id as "id: PlanCommentId", u.name as author, c.body, c.created_at
             from business_plan_comments c join users u on u.tenant_id = c.tenant_id and u.id = c.author_id
            where c.plan_id = $1 order by c.created_at, c.id"#,
        plan as BusinessPlanId,
    )
    .fetch_all(&mut **tx)
    .await
}

/// The active partner admins' addresses.
pub async fn partner_admins(tx: &mut Tx, partner: PartnerId) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        "select email from users where partner_id = $1 and active and role = 'partner_admin' order by email",
        partner as PartnerId,
    )
    .fetch_all(&mut **tx)
    .await
}

/// What a partner did in each period between consecutive `bounds`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Measures {
    pub won_revenue: Decimal,
    pub won: i64,
    pub lost: i64,
    pub submitted: i64,
    pub approved: i64,
    pub registered_pipeline: Decimal,
    pub mdf_sourced_pipeline: Decimal,
    pub mdf_paid: Decimal,
}

/// The partner's measures per period: `bounds` are the periods' first instants and the last one's end
/// (n + 1 bounds for n periods). Deals count in `currency` for money and in any currency for counts.
pub async fn measures(
    tx: &mut Tx,
    partner: PartnerId,
    currency: &str,
    bounds: &[DateTime<Utc>],
) -> Result<Vec<Measures>, sqlx::Error> {
    let n = bounds.len().saturating_sub(1);
    let mut out = vec![Measures::default(); n];
    let (from, to) = match (bounds.first(), bounds.last()) {
        (Some(f), Some(t)) if n > 0 => (*f, *t),
        _ => return Ok(out),
    };
    let closed = sqlx::query!(
        r#"select width_bucket(closed_at, $4::timestamptz[]) as "bucket!",
                  coalesce(sum(coalesce(closed_amount, estimated_value))
                           filter (where status = 'won' and currency = $2), 0) as "revenue!",
                  count(*) filter (where status = 'won') as "won!",
                  count(*) filter (where status = 'lost') as "lost!"
             from deals
            where partner_id = $1 and status in ('won', 'lost') and closed_at >= $3 and closed_at < $5
            group by 1"#,
        partner as PartnerId,
        currency,
        from,
        bounds,
        to,
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in closed {
        if let Some(m) = usize::try_from(r.bucket - 1).ok().and_then(|i| out.get_mut(i)) {
            m.won_revenue = r.revenue;
            m.won = r.won;
            m.lost = r.lost;
        }
    }
    let registered = sqlx::query!(
        r#"select width_bucket(d.created_at, $4::timestamptz[]) as "bucket!",
                  count(*) as "submitted!",
                  count(*) filter (where d.status in ('approved', 'won', 'lost', 'expired')) as "approved!",
                  coalesce(sum(d.estimated_value) filter (where d.status not in ('rejected', 'withdrawn')
                                                          and d.currency = $2), 0) as "pipeline!",
                  coalesce(sum(d.estimated_value) filter (where d.status not in ('rejected', 'withdrawn')
                                                          and d.currency = $2 and m.deal_id is not null), 0)
                  as "mdf_pipeline!"
             from deals d
             left join mdf_request_deals m on m.tenant_id = d.tenant_id and m.deal_id = d.id
            where d.partner_id = $1 and d.created_at >= $3 and d.created_at < $5
            group by 1"#,
        partner as PartnerId,
        currency,
        from,
        bounds,
        to,
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in registered {
        if let Some(m) = usize::try_from(r.bucket - 1).ok().and_then(|i| out.get_mut(i)) {
            m.submitted = r.submitted;
            m.approved = r.approved;
            m.registered_pipeline = r.pipeline;
            m.mdf_sourced_pipeline = r.mdf_pipeline;
        }
    }
    let paid = sqlx::query!(
        r#"select width_bucket(created_at, $2::timestamptz[]) as "bucket!", sum(amount) as "paid!"
             from mdf_ledger where partner_id = $1 and kind = 'pay' and created_at >= $3 and created_at < $4
            group by 1"#,
        partner as PartnerId,
        bounds,
        from,
        to,
    )
    .fetch_all(&mut **tx)
    .await?;
    for r in paid {
        if let Some(m) = usize::try_from(r.bucket - 1).ok().and_then(|i| out.get_mut(i)) {
            m.mdf_paid = r.paid;
        }
    }
    Ok(out)
}

/// The partner's open pipeline now (pending and approved registrations) in `currency`.
pub async fn open_pipeline(tx: &mut Tx, partner: PartnerId, currency: &str) -> Result<Decimal, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select coalesce(sum(estimated_value), 0) as "v!" from deals
            where partner_id = $1 and status in ('pending', 'approved') and currency = $2"#,
        partner as PartnerId,
        currency,
    )
    .fetch_one(&mut **tx)
    .await
}

/// Required onboarding items done and all required ones.
pub async fn required_tasks(tx: &mut Tx, partner: PartnerId) -> Result<(i64, i64), sqlx::Error> {
    let r = sqlx::query!(
        r#"select count(*) filter (where completed_at is not null) as "done!", count(*) as "all!"
             from onboarding_items where partner_id = $1 and required"#,
        partner as PartnerId,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok((r.done, r.all))
}

/// The partners in scope, by name (the draft form's choices).
pub async fn partners(tx: &mut Tx, scope: Scope) -> Result<Vec<(PartnerId, String)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select id as "id: PartnerId", name from partners
            where ($1::uuid is null or id = $1) and ($2::uuid is null or cam_id = $2) order by name"#,
        scope.partner().map(|p| p.0),
        scope.cam().map(|c| c.0),
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name)).collect())
}

/// The partners in scope without an agreed plan covering `today` (the CAM's cadence), by name.
pub async fn without_agreed_plan(
    tx: &mut Tx,
    scope: Scope,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<(PartnerId, String, Option<PlanState>)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select p.id as "id: PartnerId", p.name,
                  (select b.state from business_plans b
                    where b.partner_id = p.id and b.state <> 'closed' and b.starts_on <= $3 and b.ends_on > $3
                    limit 1) as "state: PlanState"
             from partners p
            where ($1::uuid is null or p.id = $1) and ($2::uuid is null or p.cam_id = $2)
              and not exists (select 1 from business_plans b
                               where b.partner_id = p.id and b.agreed_at is not null and b.state <> 'closed'
                                 and b.starts_on <= $3 and b.ends_on > $3)
            order by p.name limit $4"#,
        scope.partner().map(|p| p.0),
        scope.cam().map(|c| c.0),
        today,
        limit,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.id, r.name, r.state)).collect())
}

/// One assigned partner with an agreed plan, measured for the CAM home in one statement: the quarter's closed-won
/// revenue target (the frozen one while an amendment waits), what it won this quarter in the plan's currency, its
/// open pipeline in that currency, and its won and lost deals over the last four quarters (for derived coverage).
#[derive(Debug, Clone)]
pub struct CamPlanRow {
    pub id: PartnerId,
    pub name: String,
    pub target: Option<Decimal>,
    pub won_revenue: Decimal,
    pub open_pipeline: Decimal,
    pub won_4q: i64,
    pub lost_4q: i64,
}

/// `quarter` is 1–4; `four_quarters_ago`, `quarter_start` and `quarter_end` bound the trailing window and the
/// quarter.
#[allow(clippy::too_many_arguments)]
pub async fn cam_plan_rows(
    tx: &mut Tx,
    scope: Scope,
    today: NaiveDate,
    limit: i64,
    quarter: i32,
    four_quarters_ago: DateTime<Utc>,
    quarter_start: DateTime<Utc>,
    quarter_end: DateTime<Utc>,
) -> Result<Vec<CamPlanRow>, sqlx::Error> {
    sqlx::query_as!(
        CamPlanRow,
        r#"with b as (
              select p.id as partner_id, p.name, pl.id as plan_id, pl.currency,
                     pl.state = 'shared' and pl.version > 1 as frozen
                from partners p
                join business_plans pl on pl.tenant_id = p.tenant_id and pl.partner_id = p.id
                 and pl.agreed_at is not null and pl.state <> 'closed' and pl.starts_on <= $3 and pl.ends_on > $3
               where ($1::uuid is null or p.id = $1) and ($2::uuid is null or p.cam_id = $2)
               order by p.name limit $4)
           select b.partner_id as "id!: PartnerId", b.name as "name!",
                  case when b.frozen then fz.target else lv.target end as "target?",
                  coalesce(c.revenue, 0) as "won_revenue!", coalesce(o.pipeline, 0) as "open_pipeline!",
                  coalesce(c.won, 0) as "won_4q!", coalesce(c.lost, 0) as "lost_4q!"
             from b
             left join lateral (
                  select sum(x.targets[$5]) as target from business_plan_objectives x
                   where x.plan_id = b.plan_id and x.kind = 'closed_won_revenue') lv on true
             left join lateral (
                  select sum((e->'targets'->>($5 - 1))::numeric) as target
                    from (select v.snapshot from business_plan_versions v where v.plan_id = b.plan_id
                           order by v.version desc limit 1) s
                   cross join jsonb_array_elements(s.snapshot->'objectives') e
                   where e->>'kind' = 'closed_won_revenue') fz on b.frozen
             left join lateral (
                  select sum(coalesce(d.closed_amount, d.estimated_value))
                             filter (where d.status = 'won' and d.currency = b.currency and d.closed_at >= $7) as revenue,
                         count(*) filter (where d.status = 'won') as won,
                         count(*) filter (where d.status = 'lost') as lost
                    from deals d
                   where d.partner_id = b.partner_id and d.status in ('won', 'lost')
                     and d.closed_at >= $6 and d.closed_at < $8) c on true
             left join lateral (
                  select sum(d.estimated_value) as pipeline from deals d
                   where d.partner_id = b.partner_id and d.status in ('pending', 'approved')
                     and d.currency = b.currency) o on true
            order by b.name"#,
        scope.partner().map(|p| p.0),
        scope.cam().map(|c| c.0),
        today,
        limit,
        quarter,
        four_quarters_ago,
        quarter_start,
        quarter_end,
    )
    .fetch_all(&mut **tx)
    .await
}

/// One active partner as the chief's plans overview counts it.
#[derive(Debug, Clone)]
pub struct OverviewRow {
    pub cam_id: Option<UserId>,
    pub cam_name: Option<String>,
    pub tier: String,
    pub tier_name: Option<String>,
    pub region: String,
    /// An agreed plan for the fiscal year (a plan under amendment keeps its last agreed version).
    pub agreed: bool,
    /// The agreed closed-won-revenue targets per quarter, summed over the plan's objectives of that kind.
    pub targets: Option<Vec<Decimal>>,
    /// Closed-won revenue in the plan's currency from `from` to `to`.
    pub won_revenue: Option<Decimal>,
}

/// Every active partner (past the application) of the tenant with its CAM, tier and region and, when it has an
/// agreed plan for `fiscal_year`, the plan's agreed quarterly revenue targets and its closed-won revenue in the plan's
/// currency in [`from`, `to`). While an amendment waits for the partner the targets are those of the last agreed
/// version. One pass over each table joined by hash (no per-partner look-ups): the won deals come from the partial
/// index `deals_won_closed_idx` alone.
pub async fn overview_rows(
    tx: &mut Tx,
    fiscal_year: i32,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> Result<Vec<OverviewRow>, sqlx::Error> {
    sqlx::query_as!(
        OverviewRow,
        r#"select p.cam_id as "cam_id: UserId", u.name as "cam_name?", p.tier, tr.name as "tier_name?", p.region,
                  b.id is not null as "agreed!", coalesce(t.targets, v.targets) as "targets?: Vec<Decimal>",
                  case when b.id is not null then coalesce(w.revenue, 0) end as "won_revenue?"
             from partners p
             left join users u on u.tenant_id = p.tenant_id and u.id = p.cam_id
             left join tiers tr on tr.tenant_id = p.tenant_id and tr.code = p.tier
             left join business_plans b
                    on b.tenant_id = p.tenant_id and b.partner_id = p.id and b.fiscal_year = $1
                   and b.agreed_at is not null and b.state <> 'closed'
             left join (
                  select o.plan_id,
                         array[sum(o.targets[1]), sum(o.targets[2]), sum(o.targets[3]), sum(o.targets[4])] as targets
                    from business_plan_objectives o
                    join business_plans a on a.tenant_id = o.tenant_id and a.id = o.plan_id
                   where a.fiscal_year = $1 and a.state = 'agreed' and o.kind = 'closed_won_revenue'
                   group by o.plan_id) t on t.plan_id = b.id
             left join (
                  select a.id as plan_id,
                         array[sum((e->'targets'->>0)::numeric), sum((e->'targets'->>1)::numeric),
                               sum((e->'targets'->>2)::numeric), sum((e->'targets'->>3)::numeric)] as targets
                    from business_plans a
                   cross join lateral (select x.snapshot from business_plan_versions x
                                        where x.tenant_id = a.tenant_id and x.plan_id = a.id
                                        order by x.version desc limit 1) s
                   cross join jsonb_array_elements(s.snapshot->'objectives') e
                   where a.fiscal_year = $1 and a.state = 'shared' and a.agreed_at is not null
                     and e->>'kind' = 'closed_won_revenue'
                   group by a.id) v on v.plan_id = b.id
             left join (
                  select a.id as plan_id, sum(coalesce(d.closed_amount, d.estimated_value)) as revenue
                    from business_plans a
                    join deals d on d.tenant_id = a.tenant_id and d.partner_id = a.partner_id and d.currency = a.currency
                   where a.fiscal_year = $1 and a.agreed_at is not null and a.state <> 'closed'
                     and d.status = 'won' and d.closed_at >= $2 and d.closed_at < $3
                   group by a.id) w on w.plan_id = b.id
            where p.life_stage <> 'applicant'"#,
        fiscal_year,
        from,
        to,
    )
    .fetch_all(&mut **tx)
    .await
}
