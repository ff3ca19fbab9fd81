//! Joint business plans: a partner's fiscal year of typed objectives with weights and quarterly targets, drafted by
//! its CAM, shared with the partner for review, agreed by a partner admin (the targets frozen as a version), amended
//! and agreed again, closed at year end; and the performance scorecard computed from the data against them.
//! Contract: docs/api.md ("Business plans").

pub mod api;
pub mod demo;
pub mod overview;
pub mod pages;
pub mod scorecard;
pub mod settings;
pub mod store;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{BusinessPlanId, PartnerId};
use crate::outbox::store as outbox;
use crate::rules::scorecard as rule;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum PlanState {
    /// The CAM's; the partner does not see it.
    Draft,
    /// The partner reviews and comments (also an amendment waiting for acceptance).
    Shared,
    /// A partner admin accepted; the targets are frozen as a version.
    Agreed,
    /// The fiscal year is over.
    Closed,
}

impl PlanState {
    pub fn as_str(self) -> &'static str {
        match self {
            PlanState::Draft => "draft",
            PlanState::Shared => "shared",
            PlanState::Agreed => "agreed",
            PlanState::Closed => "closed",
        }
    }

    pub fn parse(s: &str) -> Option<PlanState> {
        [PlanState::Draft, PlanState::Shared, PlanState::Agreed, PlanState::Closed]
            .into_iter()
            .find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            PlanState::Draft => "Draft",
            PlanState::Shared => "Shared for review",
            PlanState::Agreed => "Agreed",
            PlanState::Closed => "Closed",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum ObjectiveKind {
    ClosedWonRevenue,
    RegisteredPipeline,
    WonDeals,
    CertifiedPeople,
    MdfSourcedPipeline,
    /// Its actuals are typed per quarter.
    Custom,
}

impl ObjectiveKind {
    pub const ALL: [ObjectiveKind; 6] = [
        ObjectiveKind::ClosedWonRevenue,
        ObjectiveKind::RegisteredPipeline,
        ObjectiveKind::WonDeals,
        ObjectiveKind::CertifiedPeople,
        ObjectiveKind::MdfSourcedPipeline,
        ObjectiveKind::Custom,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ObjectiveKind::ClosedWonRevenue => "closed_won_revenue",
            ObjectiveKind::RegisteredPipeline => "registered_pipeline",
            ObjectiveKind::WonDeals => "won_deals",
            ObjectiveKind::CertifiedPeople => "certified_people",
            ObjectiveKind::MdfSourcedPipeline => "mdf_sourced_pipeline",
            ObjectiveKind::Custom => "custom",
        }
    }

    pub fn parse(s: &str) -> Option<ObjectiveKind> {
        ObjectiveKind::ALL.into_iter().find(|k| k.as_str() == s.trim())
    }

    pub fn label(self) -> &'static str {
        match self {
            ObjectiveKind::ClosedWonRevenue => "Closed-won revenue",
            ObjectiveKind::RegisteredPipeline => "Registered pipeline",
            ObjectiveKind::WonDeals => "Deals won",
            ObjectiveKind::CertifiedPeople => "Certified people",
            ObjectiveKind::MdfSourcedPipeline => "MDF-sourced pipeline",
            ObjectiveKind::Custom => "Custom",
        }
    }

    /// Money (in the plan's currency) rather than a count.
    pub fn is_money(self) -> bool {
        matches!(
            self,
            ObjectiveKind::ClosedWonRevenue | ObjectiveKind::RegisteredPipeline | ObjectiveKind::MdfSourcedPipeline
        )
    }
}

/// One objective as sent (API) or typed (form).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ObjectiveInput {
    pub kind: String,
    /// Defaults to the kind's label.
    pub name: Option<String>,
    /// certified_people: the certification type's code.
    pub certification: Option<String>,
    /// 1–100.
    pub weight: Option<i32>,
    /// Four quarterly targets, decimal strings ≥ 0.
    #[schema(value_type = Vec<String>)]
    pub targets: Vec<Decimal>,
    /// custom: four quarterly actuals.
    #[schema(value_type = Option<Vec<String>>)]
    pub manual_actuals: Option<Vec<Decimal>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct NewObjective {
    pub kind: ObjectiveKind,
    pub name: String,
    pub certification: Option<String>,
    pub weight: i32,
    pub targets: Vec<Decimal>,
    pub manual_actuals: Vec<Decimal>,
}

/// Checks a whole objective list; every wrong field is named `objectives[i].field`.
pub fn validate_objectives(list: &[ObjectiveInput], certifications: &[String]) -> Result<Vec<NewObjective>> {
    let mut errors = FieldErrors::new();
    if list.is_empty() || list.len() > 12 {
        errors.add("objectives", "A plan has from 1 to 12 objectives.");
    }
    let mut out = Vec::new();
    for (i, o) in list.iter().enumerate() {
        let f = |name: &str| format!("objectives[{i}].{name}");
        let kind = ObjectiveKind::parse(&o.kind);
        if kind.is_none() {
            let all: Vec<&str> = ObjectiveKind::ALL.iter().map(|k| k.as_str()).collect();
            errors.add(&f("kind"), format!("Use one of {}.", all.join(", ")));
        }
        let name = match o.name.as_deref().map(str::trim).filter(|n| !n.is_empty()) {
            Some(n) if n.chars().count() > 120 => {
                errors.add(&f("name"), "Use at most 120 characters.");
                String::new()
            }
            Some(n) => n.to_string(),
            None => kind.map_or("", |k| k.label()).to_string(),
        };
        let weight = match o.weight {
            Some(w) if (1..=100).contains(&w) => w,
            None => 10,
            Some(_) => {
                errors.add(&f("weight"), "Use a whole number from 1 to 100.");
                0
            }
        };
        if o.targets.len() != 4
            || o.targets
                .iter()
                .any(|t| *t < Decimal::ZERO || *t >= Decimal::new(1, 0) * Decimal::from(1_000_000_000_000i64))
        {
            errors.add(&f("targets"), "Give four quarterly targets, each 0 or more.");
        }
        let manual_actuals = match &o.manual_actuals {
            None => vec![Decimal::ZERO; 4],
            Some(a) if a.len() == 4 && a.iter().all(|v| *v >= Decimal::ZERO) => a.clone(),
            Some(_) => {
                errors.add(&f("manual_actuals"), "Give four quarterly actuals, each 0 or more.");
                vec![]
            }
        };
        let certification = match kind {
            Some(ObjectiveKind::CertifiedPeople) => {
                let c = o.certification.as_deref().map(str::trim).unwrap_or("");
                if !certifications.iter().any(|k| k == c) {
                    errors.add(&f("certification"), format!("Choose one of: {}.", certifications.join(", ")));
                }
                Some(c.to_string())
            }
            _ => None,
        };
        if let Some(kind) = kind {
            out.push(NewObjective {
                kind,
                name,
                certification,
                weight,
                targets: o.targets.iter().map(|t| t.round_dp(2)).collect(),
                manual_actuals,
            });
        }
    }
    errors.into_result()?;
    Ok(out)
}

/// The plan's own fields besides objectives.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanFields {
    pub growth_percent: Decimal,
    pub value_proposition: String,
    pub go_to_market: String,
    pub vendor_commitments: String,
    pub partner_commitments: String,
    pub margin_percent: Decimal,
    pub rebates: Decimal,
    pub mdf: Decimal,
    pub costs: Decimal,
}

impl From<&store::PlanRow> for PlanFields {
    fn from(p: &store::PlanRow) -> PlanFields {
        PlanFields {
            growth_percent: p.growth_percent,
            value_proposition: p.value_proposition.clone(),
            go_to_market: p.go_to_market.clone(),
            vendor_commitments: p.vendor_commitments.clone(),
            partner_commitments: p.partner_commitments.clone(),
            margin_percent: p.margin_percent,
            rebates: p.rebates,
            mdf: p.mdf,
            costs: p.costs,
        }
    }
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ForecastInput {
    #[schema(value_type = Option<String>)]
    pub margin_percent: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub rebates: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub mdf: Option<Decimal>,
    #[schema(value_type = Option<String>)]
    pub costs: Option<Decimal>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct PlanPatch {
    pub value_proposition: Option<String>,
    pub go_to_market: Option<String>,
    pub vendor_commitments: Option<String>,
    pub partner_commitments: Option<String>,
    #[schema(value_type = Option<String>)]
    pub growth_percent: Option<Decimal>,
    pub forecast: Option<ForecastInput>,
    pub objectives: Option<Vec<ObjectiveInput>>,
}

fn plain_text(errors: &mut FieldErrors, field: &str, value: Option<&String>, old: &str) -> String {
    match value {
        None => old.to_string(),
        Some(v) if v.chars().count() > 4000 => {
            errors.add(field, "Use at most 4,000 characters.");
            old.to_string()
        }
        Some(v) => v.trim().to_string(),
    }
}

fn money(errors: &mut FieldErrors, field: &str, value: Option<Decimal>, old: Decimal) -> Decimal {
    match value {
        None => old,
        Some(v) if v < Decimal::ZERO || v >= Decimal::from(1_000_000_000_000i64) => {
            errors.add(field, "Use an amount of 0 or more.");
            old
        }
        Some(v) => v.round_dp(2),
    }
}

/// The patched fields, every wrong one named.
pub fn apply_patch(old: &PlanFields, patch: &PlanPatch) -> Result<PlanFields> {
    let mut errors = FieldErrors::new();
    let growth_percent = match patch.growth_percent {
        None => old.growth_percent,
        Some(g) if g >= Decimal::from(-100) && g <= Decimal::from(1000) => g.round_dp(2),
        Some(_) => {
            errors.add("growth_percent", "Use a percentage from -100 to 1,000.");
            old.growth_percent
        }
    };
    let f = patch.forecast.clone().unwrap_or_default();
    let margin_percent = match f.margin_percent {
        None => old.margin_percent,
        Some(m) if m >= Decimal::ZERO && m <= Decimal::ONE_HUNDRED => m.round_dp(2),
        Some(_) => {
            errors.add("forecast.margin_percent", "Use a percentage from 0 to 100.");
            old.margin_percent
        }
    };
    let fields = PlanFields {
        growth_percent,
        value_proposition: plain_text(
            &mut errors,
            "value_proposition",
            patch.value_proposition.as_ref(),
            &old.value_proposition,
        ),
        go_to_market: plain_text(&mut errors, "go_to_market", patch.go_to_market.as_ref(), &old.go_to_market),
        vendor_commitments: plain_text(
            &mut errors,
            "vendor_commitments",
            patch.vendor_commitments.as_ref(),
            &old.vendor_commitments,
        ),
        partner_commitments: plain_text(
            &mut errors,
            "partner_commitments",
            patch.partner_commitments.as_ref(),
            &old.partner_commitments,
        ),
        margin_percent,
        rebates: money(&mut errors, "forecast.rebates", f.rebates, old.rebates),
        mdf: money(&mut errors, "forecast.mdf", f.mdf, old.mdf),
        costs: money(&mut errors, "forecast.costs", f.costs, old.costs),
    };
    errors.into_result()?;
    Ok(fields)
}

/// The instants the program's days start at, in its time zone.
pub async fn day_starts(tx: &mut Tx, days: &[NaiveDate]) -> Result<Vec<DateTime<Utc>>> {
    let zone = crate::web::format::zone(&crate::program::store::time_zone(tx).await?).unwrap_or(chrono_tz::Tz::UTC);
    Ok(days
        .iter()
        .map(|d| {
            let midnight = d.and_hms_opt(0, 0, 0).unwrap_or_default();
            zone.from_local_datetime(&midnight).earliest().map_or_else(|| midnight.and_utc(), |t| t.with_timezone(&Utc))
        })
        .collect())
}

/// The first days of the quarters of `fiscal_year` and the next year's start (5 days).
pub fn quarter_days(fiscal_year: i32, start_month: u32) -> Vec<NaiveDate> {
    (1..=5).map(|q| rule::quarter_start(fiscal_year, start_month, q)).collect()
}

/// The program's plan settings as sent (API) or typed (form); a field left out keeps its value.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct SettingsInput {
    pub fiscal_year_start_month: Option<i32>,
    #[schema(value_type = Option<String>)]
    pub coverage_index: Option<Decimal>,
    pub coverage_from_win_rate: Option<bool>,
    #[schema(value_type = Option<String>)]
    pub default_growth_percent: Option<Decimal>,
}

/// The settings after `input`, every wrong field named.
pub fn apply_settings(old: &store::SettingsRow, input: &SettingsInput) -> Result<store::SettingsRow> {
    let mut errors = FieldErrors::new();
    let month = input.fiscal_year_start_month.unwrap_or(old.fiscal_year_start_month);
    if !(1..=12).contains(&month) {
        errors.add("fiscal_year_start_month", "Use a month from 1 to 12.");
    }
    let coverage = input.coverage_index.unwrap_or(old.coverage_index);
    if coverage < Decimal::ONE || coverage > Decimal::TEN {
        errors.add("coverage_index", "Use a coverage from 1 to 10.");
    }
    let growth = input.default_growth_percent.unwrap_or(old.default_growth_percent);
    if growth < Decimal::from(-100) || growth > Decimal::from(1000) {
        errors.add("default_growth_percent", "Use a percentage from -100 to 1,000.");
    }
    errors.into_result()?;
    Ok(store::SettingsRow {
        fiscal_year_start_month: month,
        coverage_index: coverage.round_dp(2),
        coverage_from_win_rate: input.coverage_from_win_rate.unwrap_or(old.coverage_from_win_rate),
        default_growth_percent: growth.round_dp(2),
    })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CreateInput {
    pub partner_id: Option<PartnerId>,
    /// The calendar year the fiscal year starts in; the current one by default.
    pub fiscal_year: Option<i32>,
    /// Default: the program's `default_growth_percent` (10 unless set).
    #[schema(value_type = Option<String>)]
    pub growth_percent: Option<Decimal>,
    /// ISO 4217; default USD.
    pub currency: Option<String>,
}

/// A CAM (of the partner) or program admin drafts the partner's plan for a fiscal year, its targets pre-filled from
/// the previous year's actuals grown by the growth %.
pub async fn create(tx: &mut Tx, user: &CurrentUser, input: &CreateInput) -> Result<BusinessPlanId> {
    let mut errors = FieldErrors::new();
    let settings = store::settings(tx).await?;
    let start_month = settings.fiscal_year_start_month as u32;
    let today = crate::program::store::today(tx).await?;
    let current = rule::fiscal_year_of(today, start_month);
    let fiscal_year = input.fiscal_year.unwrap_or(current);
    if !(current - 1..=current + 2).contains(&fiscal_year) {
        errors.add("fiscal_year", format!("Plan a fiscal year from {} to {}.", current - 1, current + 2));
    }
    let growth = input.growth_percent.unwrap_or(settings.default_growth_percent);
    if growth < Decimal::from(-100) || growth > Decimal::from(1000) {
        errors.add("growth_percent", "Use a percentage from -100 to 1,000.");
    }
    let currency = input.currency.as_deref().map(str::trim).unwrap_or("USD").to_string();
    if currency.len() != 3 || !currency.chars().all(|c| c.is_ascii_uppercase()) {
        errors.add("currency", "Use a three-letter ISO 4217 code such as USD.");
    }
    if input.partner_id.is_none() {
        errors.add("partner_id", "Choose the partner.");
    }
    errors.into_result()?;
    let partner = input.partner_id.expect("checked");
    if store::partner_name(tx, user.scope(), partner).await?.is_none() {
        return Err(Error::NotFound);
    }
    let days = quarter_days(fiscal_year, start_month);
    let last = day_starts(tx, &quarter_days(fiscal_year - 1, start_month)).await?;
    let m = store::measures(tx, partner, &currency, &last).await?;
    let quarters = |f: &dyn Fn(&store::Measures) -> Decimal| -> [Decimal; 4] {
        let mut q = [Decimal::ZERO; 4];
        for (i, v) in m.iter().take(4).enumerate() {
            q[i] = f(v);
        }
        q
    };
    let objective = |kind: ObjectiveKind, weight: i32, last: [Decimal; 4]| NewObjective {
        kind,
        name: kind.label().to_string(),
        certification: None,
        weight,
        targets: rule::prefill_targets(last, growth).to_vec(),
        manual_actuals: vec![Decimal::ZERO; 4],
    };
    let objectives = vec![
        objective(ObjectiveKind::ClosedWonRevenue, 50, quarters(&|m| m.won_revenue)),
        objective(ObjectiveKind::WonDeals, 30, quarters(&|m| Decimal::from(m.won))),
        objective(ObjectiveKind::RegisteredPipeline, 20, quarters(&|m| m.registered_pipeline)),
    ];
    let id = match store::insert_plan(
        tx,
        user.tenant_id,
        partner,
        fiscal_year,
        days[0],
        days[4],
        &currency,
        growth,
        user.id,
    )
    .await
    {
        Ok(id) => id,
        Err(e) if crate::error::violates(&e, "business_plans_active_key") => {
            return Err(Error::Conflict(format!("This partner has a plan for fiscal year {fiscal_year} already.")));
        }
        Err(e) => return Err(e.into()),
    };
    store::replace_objectives(tx, user.tenant_id, id, &objectives).await?;
    Ok(id)
}

fn is_manager(user: &CurrentUser) -> bool {
    matches!(user.role, Role::ProgramAdmin | Role::Cam)
}

/// Changes a draft or shared plan; on an agreed plan it starts an amendment the partner accepts again.
pub async fn update(
    tx: &mut Tx,
    user: &CurrentUser,
    base_url: &str,
    id: BusinessPlanId,
    patch: &PlanPatch,
) -> Result<()> {
    let plan = store::plan(tx, user.scope(), id, true).await?.ok_or(Error::NotFound)?;
    if !is_manager(user) {
        return Err(Error::forbidden());
    }
    if plan.state == PlanState::Closed {
        return Err(Error::Conflict("This plan is closed.".into()));
    }
    let fields = apply_patch(&PlanFields::from(&plan), patch);
    let objectives = match &patch.objectives {
        Some(list) => {
            let codes: Vec<String> = crate::certifications::store::types(tx)
                .await?
                .into_iter()
                .filter(|t| t.active)
                .map(|t| t.code)
                .collect();
            Some(validate_objectives(list, &codes))
        }
        None => None,
    };
    let mut errors = FieldErrors::new();
    for e in [fields.as_ref().err(), objectives.as_ref().and_then(|o| o.as_ref().err())].into_iter().flatten() {
        if let Error::Invalid(e) = e {
            for (field, messages) in &e.0 {
                for m in messages {
                    errors.add(field, m.clone());
                }
            }
        }
    }
    errors.into_result()?;
    let fields = fields?;
    store::update_fields(tx, id, &fields).await?;
    if let Some(list) = objectives {
        store::replace_objectives(tx, user.tenant_id, id, &list?).await?;
    }
    if plan.state == PlanState::Agreed {
        store::set_state(tx, id, PlanState::Shared, plan.version + 1, user.id).await?;
        tell_partner(tx, user, &plan, base_url, "amended").await?;
    }
    Ok(())
}

async fn tell_partner(
    tx: &mut Tx,
    user: &CurrentUser,
    plan: &store::PlanRow,
    base_url: &str,
    what: &str,
) -> Result<()> {
    let subject = format!("Business plan {} {what}: please review", plan.fiscal_year);
    let body = format!(
        "{} {what} the joint business plan for fiscal year {} of {}. Review it, comment, and accept it:\n\
         {base_url}/business-plans/{}\n",
        user.name, plan.fiscal_year, plan.partner_name, plan.id
    );
    for address in store::partner_admins(tx, plan.partner_id).await? {
        outbox::enqueue(tx, user.tenant_id, &address, &subject, &body).await?;
    }
    Ok(())
}

/// The CAM or a program admin shares a draft with the partner.
pub async fn share(tx: &mut Tx, user: &CurrentUser, base_url: &str, id: BusinessPlanId) -> Result<()> {
    let plan = store::plan(tx, user.scope(), id, true).await?.ok_or(Error::NotFound)?;
    if !is_manager(user) {
        return Err(Error::forbidden());
    }
    if plan.state != PlanState::Draft {
        return Err(Error::Conflict(format!("Only a draft can be shared; this plan is {}.", plan.state.as_str())));
    }
    store::set_state(tx, id, PlanState::Shared, plan.version, user.id).await?;
    tell_partner(tx, user, &plan, base_url, "shared").await
}

/// A partner admin accepts the shared plan (or amendment): its targets are frozen as a version.
pub async fn agree(tx: &mut Tx, user: &CurrentUser, base_url: &str, id: BusinessPlanId) -> Result<()> {
    let plan = store::plan(tx, user.scope(), id, true).await?.ok_or(Error::NotFound)?;
    if user.role != Role::PartnerAdmin || user.partner_id != Some(plan.partner_id) {
        return Err(Error::Forbidden("Only the partner's admin accepts its business plan.".into()));
    }
    if plan.state != PlanState::Shared {
        return Err(Error::Conflict(format!(
            "Only a shared plan can be agreed; this plan is {}.",
            plan.state.as_str()
        )));
    }
    let objectives = store::objectives(tx, id).await?;
    let snapshot = serde_json::json!({
        "currency": plan.currency,
        "growth_percent": plan.growth_percent,
        "objectives": objectives.iter().map(api::objective_view).collect::<Vec<_>>(),
        "forecast": api::forecast_view(&plan, &objectives),
    });
    store::insert_version(tx, user.tenant_id, id, plan.version, &snapshot, user.id).await?;
    store::set_state(tx, id, PlanState::Agreed, plan.version, user.id).await?;
    let what = if plan.version > 1 { format!("amendment {} accepted", plan.version) } else { "agreed".to_string() };
    let subject = format!("{}: business plan {} {what}", plan.partner_name, plan.fiscal_year);
    let body = format!(
        "{} accepted the joint business plan for fiscal year {} (version {}).\n{base_url}/business-plans/{}\n",
        user.name, plan.fiscal_year, plan.version, plan.id
    );
    for address in crate::mdf::store::deciders(tx, plan.partner_id).await? {
        outbox::enqueue(tx, user.tenant_id, &address, &subject, &body).await?;
    }
    Ok(())
}

/// The CAM closes an agreed plan once its year is over; a program admin may close it any time.
pub async fn close(tx: &mut Tx, user: &CurrentUser, id: BusinessPlanId) -> Result<()> {
    let plan = store::plan(tx, user.scope(), id, true).await?.ok_or(Error::NotFound)?;
    if !is_manager(user) {
        return Err(Error::forbidden());
    }
    if plan.state != PlanState::Agreed {
        return Err(Error::Conflict(format!(
            "Only an agreed plan can be closed; this plan is {}.",
            plan.state.as_str()
        )));
    }
    let today = crate::program::store::today(tx).await?;
    if user.role != Role::ProgramAdmin && today < plan.ends_on {
        return Err(Error::Conflict(format!(
            "The plan's year runs until {}; it can be closed after.",
            crate::web::format::date(plan.ends_on - chrono::Duration::days(1))
        )));
    }
    store::set_state(tx, id, PlanState::Closed, plan.version, user.id).await?;
    Ok(())
}

/// Anyone who sees a shared or agreed plan comments on it.
pub async fn comment(
    tx: &mut Tx,
    user: &CurrentUser,
    id: BusinessPlanId,
    body: &str,
) -> Result<crate::ids::PlanCommentId> {
    let plan = store::plan(tx, user.scope(), id, false).await?.ok_or(Error::NotFound)?;
    let body = body.trim();
    let n = body.chars().count();
    if !(1..=2000).contains(&n) {
        return Err(Error::invalid("body", "Write from 1 to 2,000 characters."));
    }
    if plan.state == PlanState::Closed {
        return Err(Error::Conflict("This plan is closed.".into()));
    }
    Ok(store::insert_comment(tx, user.tenant_id, id, user.id, body).await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    #[test]
    fn an_objective_list_names_every_wrong_field() {
        let list = vec![
            ObjectiveInput { kind: "revenue".into(), targets: vec![d("1")], ..Default::default() },
            ObjectiveInput {
                kind: "certified_people".into(),
                certification: Some("astronaut".into()),
                weight: Some(0),
                targets: vec![d("1"), d("1"), d("-1"), d("1")],
                ..Default::default()
            },
        ];
        let Err(Error::Invalid(e)) = validate_objectives(&list, &["sales_engineer".into()]) else { panic!() };
        let fields: Vec<&str> = e.0.keys().map(String::as_str).collect();
        assert_eq!(
            fields,
            [
                "objectives[0].kind",
                "objectives[0].targets",
                "objectives[1].certification",
                "objectives[1].targets",
                "objectives[1].weight"
            ]
        );
        let ok = vec![ObjectiveInput {
            kind: "certified_people".into(),
            certification: Some("sales_engineer".into()),
            targets: vec![d("1"), d("2"), d("2"), d("3")],
            ..Default::default()
        }];
        let o = validate_objectives(&ok, &["sales_engineer".into()]).unwrap();
        assert_eq!((o[0].name.as_str(), o[0].weight), ("Certified people", 10));
    }
}
