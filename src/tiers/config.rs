//! The program's tier configuration as the API and the settings page read and write it: tiers with benefits and
//! requirements, and the tier policy. A replacement is validated whole (every wrong field named) and written in one
//! transaction.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::store::{self, PolicyRow, RequirementRow, TierRow};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result, violates};
use crate::ids::{RequirementId, TenantId, TierId};
use crate::rules::tier_progression::Metric;

pub const METRICS: [&str; 8] = [
    "closed_won_revenue",
    "won_deals",
    "approved_registrations",
    "certified_people",
    "capability_score",
    "onboarding_complete",
    "agreed_business_plan",
    "custom",
];

/// A metric's name as people read it in a form.
pub fn metric_label(key: &str) -> &'static str {
    match key {
        "closed_won_revenue" => "Closed-won revenue (parameter: currency)",
        "won_deals" => "Won deals",
        "approved_registrations" => "Approved registrations",
        "certified_people" => "Certified people (parameter: certification)",
        "capability_score" => "Capability score",
        "onboarding_complete" => "Onboarding complete",
        "agreed_business_plan" => "Agreed business plan",
        "custom" => "Custom (parameter: its name)",
        _ => "Unknown",
    }
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Benefits {
    /// Discount, percent (decimal string).
    pub discount_percent: String,
    /// MDF accrual, percent (decimal string).
    pub mdf_accrual_percent: String,
    /// Days a registration is protected.
    pub protection_days: i32,
    /// The benefits take effect from this date.
    #[schema(value_type = String, format = Date)]
    pub from: NaiveDate,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RequirementView {
    pub id: RequirementId,
    pub metric: String,
    pub parameter: String,
    pub threshold: String,
    pub window_days: i32,
    pub mandatory: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TierView {
    pub id: TierId,
    pub code: String,
    pub rank: i32,
    pub name: String,
    pub badge_colour: String,
    pub benefits: Benefits,
    pub optional_needed: i32,
    pub requirements: Vec<RequirementView>,
}

#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct PolicyView {
    /// Days between two evaluations of a partner.
    pub evaluate_every_days: i32,
    /// Promote without a program admin's approval.
    pub auto_promote: bool,
    /// Days a partner below its tier keeps it before it moves down one tier.
    pub grace_days: i32,
    /// A requirement met by less than this margin (percent of its threshold) warns.
    pub risk_margin_percent: i32,
    /// A partner with a deal won within this many days is producing.
    pub producing_days: i32,
    /// An activated partner without deal activity for this many days has lapsed.
    pub lapsed_days: i32,
}

impl From<PolicyRow> for PolicyView {
    fn from(p: PolicyRow) -> Self {
        PolicyView {
            evaluate_every_days: p.evaluate_every_days,
            auto_promote: p.auto_promote,
            grace_days: p.grace_days,
            risk_margin_percent: p.risk_margin_percent,
            producing_days: p.producing_days,
            lapsed_days: p.lapsed_days,
        }
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TiersView {
    pub policy: PolicyView,
    /// Lowest rank first.
    pub tiers: Vec<TierView>,
}

pub async fn view(tx: &mut Tx) -> Result<TiersView> {
    let tiers = store::tiers(tx).await?;
    let requirements = store::requirements(tx).await?;
    let policy = store::policy(tx).await?.into();
    let tiers = tiers
        .into_iter()
        .map(|t| TierView {
            requirements: requirements
                .iter()
                .filter(|r| r.tier_code == t.code)
                .map(|r| RequirementView {
                    id: r.id,
                    metric: r.metric.clone(),
                    parameter: r.parameter.clone(),
                    threshold: r.threshold.normalize().to_string(),
                    window_days: r.window_days,
                    mandatory: r.mandatory,
                })
                .collect(),
            id: t.id,
            code: t.code,
            rank: t.rank,
            name: t.name,
            badge_colour: t.badge_colour,
            benefits: Benefits {
                discount_percent: t.discount_percent.normalize().to_string(),
                mdf_accrual_percent: t.mdf_accrual_percent.normalize().to_string(),
                protection_days: t.protection_days,
                from: t.benefits_from,
            },
            optional_needed: t.optional_needed,
        })
        .collect();
    Ok(TiersView { policy, tiers })
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct RequirementInput {
    #[serde(default)]
    pub metric: String,
    #[serde(default)]
    pub parameter: String,
    /// A decimal string (or number) ≥ 0.
    #[serde(default)]
    #[schema(value_type = String)]
    pub threshold: serde_json::Value,
    #[serde(default = "default_window")]
    pub window_days: i32,
    #[serde(default = "yes")]
    pub mandatory: bool,
}

fn default_window() -> i32 {
    365
}

fn yes() -> bool {
    true
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct BenefitsInput {
    #[serde(default)]
    #[schema(value_type = String)]
    pub discount_percent: serde_json::Value,
    #[serde(default)]
    #[schema(value_type = String)]
    pub mdf_accrual_percent: serde_json::Value,
    #[serde(default = "default_protection")]
    pub protection_days: i32,
    #[serde(default)]
    #[schema(value_type = String, format = Date)]
    pub from: Option<String>,
}

fn default_protection() -> i32 {
    90
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TierInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub rank: i32,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub badge_colour: Option<String>,
    pub benefits: Option<BenefitsInput>,
    #[serde(default)]
    pub optional_needed: i32,
    #[serde(default)]
    pub requirements: Vec<RequirementInput>,
}

#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct TiersInput {
    pub policy: PolicyView,
    pub tiers: Vec<TierInput>,
}

fn decimal(errors: &mut FieldErrors, field: &str, v: &serde_json::Value, max: Option<Decimal>) -> Decimal {
    let parsed = match v {
        serde_json::Value::String(s) => s.trim().parse::<Decimal>().ok(),
        serde_json::Value::Number(n) => n.to_string().parse::<Decimal>().ok(),
        serde_json::Value::Null => Some(Decimal::ZERO),
        _ => None,
    };
    match parsed {
        Some(d) if d >= Decimal::ZERO && max.is_none_or(|m| d <= m) && d.scale() <= 2 => d,
        _ => {
            let range = max.map_or("0 or more".to_string(), |m| format!("between 0 and {m}"));
            errors.add(field, format!("Give a number {range}, with at most two decimals."));
            Decimal::ZERO
        }
    }
}

fn range(errors: &mut FieldErrors, field: &str, v: i32, lo: i32, hi: i32) {
    if v < lo || v > hi {
        errors.add(field, format!("Give a whole number from {lo} to {hi}."));
    }
}

/// The configuration of `input`, or every invalid field named.
pub fn validate(input: &TiersInput) -> Result<(Vec<TierRow>, Vec<RequirementRow>, PolicyRow)> {
    let mut errors = FieldErrors::new();
    let p = &input.policy;
    range(&mut errors, "policy.evaluate_every_days", p.evaluate_every_days, 1, 366);
    range(&mut errors, "policy.grace_days", p.grace_days, 0, 730);
    range(&mut errors, "policy.risk_margin_percent", p.risk_margin_percent, 0, 100);
    range(&mut errors, "policy.producing_days", p.producing_days, 1, 730);
    range(&mut errors, "policy.lapsed_days", p.lapsed_days, 1, 730);
    if input.tiers.is_empty() {
        errors.add("tiers", "Give at least one tier (the entry tier, rank 0).");
    }
    let mut ranks: Vec<i32> = input.tiers.iter().map(|t| t.rank).collect();
    ranks.sort_unstable();
    if ranks.iter().enumerate().any(|(i, r)| *r != i as i32) {
        errors.add("tiers", format!("Rank the tiers 0 to {} without gaps or repeats.", input.tiers.len().max(1) - 1));
    }
    let mut tiers = Vec::new();
    let mut requirements = Vec::new();
    for (i, t) in input.tiers.iter().enumerate() {
        let f = |name: &str| format!("tiers[{i}].{name}");
        let code = t.code.trim().to_lowercase();
        let code_ok = !code.is_empty()
            && code.len() <= 40
            && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
            && !code.starts_with('_');
        if !code_ok {
            errors.add(&f("code"), "Use 1-40 lowercase letters, digits and underscores.");
        } else if input.tiers[..i].iter().any(|o| o.code.trim().to_lowercase() == code) {
            errors.add(&f("code"), "Another tier has this code.");
        }
        let name = t.name.trim().to_string();
        if name.is_empty() || name.chars().count() > 60 {
            errors.add(&f("name"), "Give a name of 1-60 characters.");
        }
        let colour = t.badge_colour.clone().unwrap_or_else(|| "#5b6472".into()).trim().to_lowercase();
        if !(colour.len() == 7 && colour.starts_with('#') && colour[1..].chars().all(|c| c.is_ascii_hexdigit())) {
            errors.add(&f("badge_colour"), "Give a colour as #rrggbb.");
        }
        let hundred = Some(Decimal::ONE_HUNDRED);
        let (discount, mdf, protection, from) = match &t.benefits {
            Some(b) => {
                let d = decimal(&mut errors, &f("benefits.discount_percent"), &b.discount_percent, hundred);
                let m = decimal(&mut errors, &f("benefits.mdf_accrual_percent"), &b.mdf_accrual_percent, hundred);
                range(&mut errors, &f("benefits.protection_days"), b.protection_days, 1, 730);
                let from = match b.from.as_deref() {
                    None => NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default(),
                    Some(s) => NaiveDate::parse_from_str(s.trim(), "%Y-%m-%d").unwrap_or_else(|_| {
                        errors.add(&f("benefits.from"), "Give a date as YYYY-MM-DD.");
                        NaiveDate::default()
                    }),
                };
                (d, m, b.protection_days, from)
            }
            None => (Decimal::ZERO, Decimal::ZERO, 90, NaiveDate::from_ymd_opt(2026, 1, 1).unwrap_or_default()),
        };
        let mut optional = 0;
        for (j, r) in t.requirements.iter().enumerate() {
            let g = |name: &str| format!("tiers[{i}].requirements[{j}].{name}");
            let parameter = r.parameter.trim().to_string();
            let metric = Metric::from_key(r.metric.trim(), &parameter);
            match &metric {
                None => errors.add(&g("metric"), format!("Choose one of: {}.", METRICS.join(", "))),
                Some(Metric::ClosedWonRevenue { currency }) => {
                    if !(currency.len() == 3 && currency.chars().all(|c| c.is_ascii_uppercase())) {
                        errors.add(&g("parameter"), "Give the currency as three capital letters, such as USD.");
                    }
                }
                Some(Metric::CertifiedPeople { .. }) | Some(Metric::Custom { .. }) => {
                    if parameter.is_empty() || parameter.chars().count() > 80 {
                        errors.add(&g("parameter"), "Name it in 1-80 characters.");
                    }
                }
                Some(_) => {}
            }
            let threshold = decimal(&mut errors, &g("threshold"), &r.threshold, None);
            range(&mut errors, &g("window_days"), r.window_days, 1, 1095);
            if !r.mandatory {
                optional += 1;
            }
            requirements.push(RequirementRow {
                id: RequirementId::new(),
                tier_code: code.clone(),
                position: j as i32,
                metric: r.metric.trim().to_string(),
                parameter: if matches!(
                    metric,
                    Some(Metric::ClosedWonRevenue { .. })
                        | Some(Metric::Custom { .. })
                        | Some(Metric::CertifiedPeople { .. })
                ) {
                    parameter
                } else {
                    String::new()
                },
                threshold,
                window_days: r.window_days,
                mandatory: r.mandatory,
            });
        }
        if t.optional_needed < 0 || t.optional_needed > optional {
            errors.add(
                &f("optional_needed"),
                format!("Give 0 to {optional}: the number of requirements that are not mandatory."),
            );
        }
        tiers.push(TierRow {
            id: TierId::new(),
            code,
            rank: t.rank,
            name,
            badge_colour: colour,
            discount_percent: discount,
            mdf_accrual_percent: mdf,
            protection_days: protection,
            benefits_from: from,
            optional_needed: t.optional_needed,
        });
    }
    errors.into_result()?;
    let policy = PolicyRow {
        evaluate_every_days: p.evaluate_every_days,
        auto_promote: p.auto_promote,
        grace_days: p.grace_days,
        risk_margin_percent: p.risk_margin_percent,
        producing_days: p.producing_days,
        lapsed_days: p.lapsed_days,
    };
    Ok((tiers, requirements, policy))
}

/// Replaces the program's tiers, requirements and policy. A tier partners hold (or an override names) cannot be
/// removed: 409.
pub async fn replace(tx: &mut Tx, tenant: TenantId, input: &TiersInput) -> Result<()> {
    let (tiers, requirements, policy) = validate(input)?;
    let held = |e: sqlx::Error| {
        if violates(&e, "partners_tier_fkey") || violates(&e, "partner_standings_tenant_id_override_tier_fkey") {
            Error::Conflict("A tier that partners hold cannot be removed; move them to another tier first.".into())
        } else {
            e.into()
        }
    };
    for t in &tiers {
        store::upsert_tier(tx, tenant, t).await?;
    }
    store::delete_requirements(tx).await?;
    let keep: Vec<String> = tiers.iter().map(|t| t.code.clone()).collect();
    store::delete_tiers_except(tx, &keep).await.map_err(held)?;
    for r in &requirements {
        store::insert_requirement(tx, tenant, r).await?;
    }
    store::save_policy(tx, tenant, &policy).await?;
    Ok(())
}

/// One tier to add: it starts without requirements (the settings page or `PUT` gives it some).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct NewTierInput {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub badge_colour: Option<String>,
    /// Where it goes: 1 up to the number of tiers (the tiers from there up move one higher); above the highest when
    /// left out.
    #[serde(default)]
    pub rank: Option<i32>,
    pub benefits: Option<BenefitsInput>,
}

/// The most tiers a program has (ranks 0-20).
pub const MAX_TIERS: usize = 21;

fn as_input(t: &TierView) -> TierInput {
    TierInput {
        code: t.code.clone(),
        rank: t.rank,
        name: t.name.clone(),
        badge_colour: Some(t.badge_colour.clone()),
        benefits: Some(BenefitsInput {
            discount_percent: serde_json::Value::String(t.benefits.discount_percent.clone()),
            mdf_accrual_percent: serde_json::Value::String(t.benefits.mdf_accrual_percent.clone()),
            protection_days: t.benefits.protection_days,
            from: Some(t.benefits.from.to_string()),
        }),
        optional_needed: t.optional_needed,
        requirements: t
            .requirements
            .iter()
            .map(|r| RequirementInput {
                metric: r.metric.clone(),
                parameter: r.parameter.clone(),
                threshold: serde_json::Value::String(r.threshold.clone()),
                window_days: r.window_days,
                mandatory: r.mandatory,
            })
            .collect(),
    }
}

/// Adds a tier at `rank` (above the highest by default), moving the tiers from there up one rank higher. The new
/// tier is checked as part of the whole configuration, and its errors are named without the `tiers[i].` prefix.
pub async fn add_tier(tx: &mut Tx, tenant: TenantId, input: &NewTierInput) -> Result<()> {
    let current = view(tx).await?;
    let n = current.tiers.len() as i32;
    let rank = input.rank.unwrap_or(n);
    let mut errors = FieldErrors::new();
    if current.tiers.len() >= MAX_TIERS {
        errors.add("rank", format!("A program has at most {MAX_TIERS} tiers; remove one first."));
    } else if rank < 1 || rank > n {
        errors.add("rank", format!("Give a rank from 1 (just above the entry tier) to {n} (above the highest)."));
    }
    let mut tiers: Vec<TierInput> = current.tiers.iter().map(as_input).collect();
    for t in tiers.iter_mut().filter(|t| t.rank >= rank) {
        t.rank += 1;
    }
    tiers.push(TierInput {
        code: input.code.clone(),
        rank: rank.clamp(1, n.max(1)),
        name: input.name.clone(),
        badge_colour: input.badge_colour.clone().filter(|c| !c.trim().is_empty()),
        benefits: input.benefits.clone(),
        optional_needed: 0,
        requirements: Vec::new(),
    });
    let new_index = tiers.len() - 1;
    let whole = TiersInput { policy: current.policy, tiers };
    let rows = match validate(&whole) {
        Ok((rows, _, _)) => Some(rows),
        Err(Error::Invalid(found)) => {
            let prefix = format!("tiers[{new_index}].");
            for (field, messages) in found.0 {
                // The others were valid when saved; only the new tier (or the ranks, which follow from it) can fail.
                let field = field.strip_prefix(&prefix).map_or_else(|| "rank".to_string(), str::to_string);
                if errors.get(&field).is_none() {
                    for m in messages {
                        errors.add(&field, m);
                    }
                }
            }
            None
        }
        Err(e) => return Err(e),
    };
    errors.into_result()?;
    let new = rows.and_then(|mut r| r.pop()).ok_or_else(|| Error::invalid("code", "Give the tier a code."))?;
    store::shift_ranks(tx, rank, 1).await?;
    store::upsert_tier(tx, tenant, &new).await?;
    Ok(())
}

/// Removes one tier and its requirements; the tiers above it move down one rank, and a promotion proposed to it is
/// withdrawn. The entry tier, and a tier that partners hold or an override names, stay: 409 saying why.
pub async fn remove_tier(tx: &mut Tx, code: &str) -> Result<()> {
    let tiers = store::tiers(tx).await?;
    let tier = tiers.iter().find(|t| t.code == code).ok_or(Error::NotFound)?;
    if tier.rank == 0 {
        return Err(Error::Conflict(format!(
            "{} is the entry tier: every partner starts there, so the program keeps it. Rename it instead.",
            tier.name
        )));
    }
    let (partners, overrides) = store::tier_holders(tx, code).await?;
    if partners > 0 {
        let who = if partners == 1 { "1 partner holds".to_string() } else { format!("{partners} partners hold") };
        return Err(Error::Conflict(format!("{who} {}: move them to another tier first, then remove it.", tier.name)));
    }
    if overrides > 0 {
        return Err(Error::Conflict(format!(
            "An override names {} ({overrides} in all): end or change it first, then remove the tier.",
            tier.name
        )));
    }
    store::withdraw_proposals(tx, code).await?;
    store::delete_tier(tx, code).await.map_err(|e| {
        if violates(&e, "partners_tier_fkey") || violates(&e, "partner_standings_tenant_id_override_tier_fkey") {
            Error::Conflict(format!("Partners hold {} now; move them to another tier first.", tier.name))
        } else {
            e.into()
        }
    })?;
    store::shift_ranks(tx, tier.rank + 1, -1).await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn input(v: serde_json::Value) -> TiersInput {
        serde_json::from_value(v).unwrap()
    }

    fn policy() -> serde_json::Value {
        json!({"evaluate_every_days": 7, "auto_promote": true, "grace_days": 90, "risk_margin_percent": 10,
               "producing_days": 90, "lapsed_days": 90})
    }

    #[test]
    fn a_good_configuration_reads_into_rows_with_parameters_only_where_they_mean_something() {
        let (tiers, requirements, p) = validate(&input(json!({"policy": policy(), "tiers": [
            {"code": "registered", "rank": 0, "name": "Registered"},
            {"code": "Silver", "rank": 1, "name": " Silver ", "badge_colour": "#AABBCC",
             "benefits": {"discount_percent": "10.5", "mdf_accrual_percent": 1, "protection_days": 90, "from": "2027-01-01"},
             "optional_needed": 1,
             "requirements": [
                {"metric": "closed_won_revenue", "parameter": "USD", "threshold": "50000", "window_days": 365, "mandatory": true},
                {"metric": "won_deals", "parameter": "ignored", "threshold": 2, "window_days": 180, "mandatory": false}]}
        ]})))
        .unwrap();
        assert_eq!(
            (tiers[1].code.as_str(), tiers[1].name.as_str(), tiers[1].badge_colour.as_str()),
            ("silver", "Silver", "#aabbcc")
        );
        assert_eq!(tiers[1].discount_percent, Decimal::new(105, 1));
        assert_eq!(requirements.len(), 2);
        assert_eq!((requirements[0].parameter.as_str(), requirements[1].parameter.as_str()), ("USD", ""));
        assert_eq!(requirements[1].threshold, Decimal::from(2));
        assert_eq!(p.grace_days, 90);
    }

    #[test]
    fn every_wrong_field_is_named() {
        let err = validate(&input(json!({"policy": {"evaluate_every_days": 0, "auto_promote": true, "grace_days": 90,
                "risk_margin_percent": 101, "producing_days": 90, "lapsed_days": 90}, "tiers": [
            {"code": "a", "rank": 0, "name": "A"},
            {"code": "a", "rank": 2, "name": "", "badge_colour": "red",
             "benefits": {"discount_percent": "x", "mdf_accrual_percent": "200", "protection_days": 0, "from": "soon"},
             "optional_needed": 1,
             "requirements": [{"metric": "closed_won_revenue", "parameter": "usd", "threshold": "1.234"},
                              {"metric": "custom", "parameter": "", "threshold": "1", "window_days": 5000}]}
        ]})))
        .unwrap_err();
        let Error::Invalid(errors) = err else { panic!("{err:?}") };
        for field in [
            "policy.evaluate_every_days",
            "policy.risk_margin_percent",
            "tiers",
            "tiers[1].code",
            "tiers[1].name",
            "tiers[1].badge_colour",
            "tiers[1].benefits.discount_percent",
            "tiers[1].benefits.mdf_accrual_percent",
            "tiers[1].benefits.protection_days",
            "tiers[1].benefits.from",
            "tiers[1].requirements[0].parameter",
            "tiers[1].requirements[0].threshold",
            "tiers[1].requirements[1].parameter",
            "tiers[1].requirements[1].window_days",
            "tiers[1].optional_needed",
        ] {
            assert!(errors.get(field).is_some(), "{field} not named: {errors:?}");
        }
    }
}
