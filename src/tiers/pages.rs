//! Pages of partner standing: the partner's "Your tier" (each requirement's progress, the gap in real units, the
//! window, the projection, the next tier's benefits), the same page for staff with the program admin's actions
//! (evaluate now, override, approve a promotion), the program admin's tier settings, and the blocks the homes show.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Router};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;

use super::config::{self, BenefitsInput, RequirementInput, TierInput, TiersInput};
use super::store::{self, TierRow};
use super::{OverrideInput, TierProgressView};
use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{Auth, CurrentUser, PartnerMember, ProgramAdmin, Role, Scope, Staff};
use crate::db::Tx;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::PartnerId;
use crate::web::{Page, format, notice};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/tier", get(own_page))
        .route("/partners/{id}/standing", get(staff_page))
        .route("/partners/{id}/standing/evaluate", post(evaluate_submit))
        .route("/partners/{id}/standing/override", post(override_submit))
        .route("/partners/{id}/standing/override/end", post(end_override_submit))
        .route("/partners/{id}/standing/promotion", post(promotion_submit))
        .route("/admin/tiers", get(settings_page).post(settings_submit))
        .route("/admin/tiers/add", post(add_tier_submit))
        .route("/admin/tiers/{code}/remove", post(remove_tier_submit))
}

/// A tier's badge class, so that the seeds' tiers look the same on every page.
pub fn badge(code: &str) -> &'static str {
    crate::partners::tier_badge(code)
}

pub struct RequirementView {
    pub label: String,
    pub summary: String,
    pub gap: String,
    pub percent: u8,
    pub met: bool,
    pub mandatory: bool,
    /// "Counted over the trailing 12 months, since 5 Dec 2025."
    pub window: String,
}

pub struct TierBlock {
    pub name: String,
    pub met: bool,
    pub n_of_m: Option<String>,
    pub requirements: Vec<RequirementView>,
}

fn block(t: &TierProgressView) -> TierBlock {
    TierBlock {
        name: t.name.clone(),
        met: t.met,
        n_of_m: t.n_of_m.clone(),
        requirements: t
            .requirements
            .iter()
            .map(|r| RequirementView {
                label: r.label.clone(),
                summary: r.summary.clone(),
                gap: r.gap.clone(),
                percent: r.percent,
                met: r.met,
                mandatory: r.mandatory,
                window: match r.metric.as_str() {
                    "closed_won_revenue" | "won_deals" | "approved_registrations" => format!(
                        "Counted over the {}.",
                        crate::rules::tier_progression::window_span(r.window_days, r.window_from)
                    ),
                    _ => "As it stands today.".into(),
                },
            })
            .collect(),
    }
}

pub struct BenefitsView {
    pub name: String,
    pub discount: String,
    pub mdf: String,
    pub protection: String,
    pub from: String,
}

fn benefits(t: &TierRow) -> BenefitsView {
    BenefitsView {
        name: t.name.clone(),
        discount: format!("{} %", t.discount_percent.normalize()),
        mdf: format!("{} %", t.mdf_accrual_percent.normalize()),
        protection: format!("{} days", t.protection_days),
        from: format::date(t.benefits_from),
    }
}

pub struct HistoryView {
    pub on: String,
    pub action: &'static str,
    pub change: String,
    pub note: String,
    pub by: String,
}

fn action_label(action: &str) -> &'static str {
    match action {
        "promote" => "Promoted",
        "propose_promotion" => "Promotion proposed",
        "approve_promotion" => "Promotion approved",
        "warn" => "At risk",
        "start_grace" => "Grace period started",
        "recover" => "Meets its tier again",
        "demote" => "Moved down",
        "override" => "Override set",
        "override_ended" => "Override ended",
        "set_by_admin" => "Set by a program admin",
        _ => "Changed",
    }
}

/// The state of a standing in one sentence, and its alert class.
fn headline(
    partner: &str,
    row: &store::StandingRow,
    name: &dyn Fn(&str) -> String,
    today: NaiveDate,
    entry: bool,
) -> (String, &'static str) {
    let tier = name(&row.tier);
    let when = row.evaluated_on.map(format::date).unwrap_or_default();
    match row.action.as_deref() {
        None => {
            (format!("{partner} has not been evaluated yet; the first evaluation runs within the day."), "alert-info")
        }
        Some("promote") => (format!("{partner} was promoted to {tier} on {when}."), "alert-success"),
        Some("propose_promotion") => (
            format!(
                "{partner} qualifies for {}: the promotion waits for the program's approval.",
                name(row.proposed_tier.as_deref().unwrap_or_default())
            ),
            "alert-success",
        ),
        Some("warn") => (format!("At risk: {partner} meets the requirements of {tier} only narrowly."), "alert-error"),
        Some("start_grace") | Some("in_grace") => {
            let until = row.grace_until.unwrap_or(today);
            let left = (until - today).num_days().max(0);
            (
                format!(
                    "{partner} is below the requirements of {tier}. It keeps {tier} until {} ({} days left); then it \
                     moves down one tier unless it meets them again.",
                    format::date(until),
                    format::int(left)
                ),
                "alert-error",
            )
        }
        Some("demote") => {
            (format!("{partner} moved down to {tier} on {when}: its grace period ran out."), "alert-error")
        }
        Some("overridden") => (
            format!(
                "The program holds {partner} at {tier} until {}.",
                row.override_until.map(format::date).unwrap_or_default()
            ),
            "alert-info",
        ),
        _ if entry => (format!("{partner} holds {tier}, the program's entry tier."), "alert-info"),
        _ => (format!("{partner} meets the requirements of {tier}."), "alert-success"),
    }
}

#[derive(Default, Deserialize)]
pub struct OverrideForm {
    #[serde(default)]
    pub tier: String,
    #[serde(default)]
    pub until: String,
    #[serde(default)]
    pub reason: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "tiers/standing.html")]
struct StandingPage {
    page: Page,
    partner_id: PartnerId,
    partner_name: String,
    is_partner: bool,
    is_admin: bool,
    tier_name: String,
    tier_badge: &'static str,
    stage: &'static str,
    stage_badge: &'static str,
    headline: String,
    headline_class: &'static str,
    evaluated: String,
    projection: String,
    current: Option<TierBlock>,
    current_benefits: Option<BenefitsView>,
    next: Option<TierBlock>,
    next_benefits: Option<BenefitsView>,
    history: Vec<HistoryView>,
    overridden: bool,
    proposed: Option<String>,
    tier_options: Vec<(String, String)>,
    form: OverrideForm,
    errors: FieldErrors,
}

const NOTICES: &[(&str, &str)] = &[
    ("evaluated", "Evaluated now with today's figures."),
    ("override", "Override saved: the tier holds until its date."),
    ("override-ended", "Override ended; the partner was evaluated by its figures."),
    ("promoted", "Promotion approved."),
    ("saved", "Tier settings saved. The next evaluation uses them."),
    ("added", "Tier added above the ones it follows. Give it requirements below; the next evaluation uses them."),
    ("removed", "Tier removed with its requirements; the tiers above it moved down one rank."),
];

async fn render(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    id: PartnerId,
    form: OverrideForm,
    errors: FieldErrors,
    notice_code: Option<&str>,
) -> Result<StandingPage> {
    let row = super::visible(tx, user.scope(), id).await?;
    let tiers = store::tiers(tx).await?;
    let today = crate::program::store::today(tx).await?;
    let name = |code: &str| {
        tiers.iter().find(|t| t.code == code).map_or_else(|| crate::partners::tier_label(code), |t| t.name.clone())
    };
    let is_partner = user.role.is_partner();
    let (title, path) = if is_partner { ("Your tier".to_string(), "/tier") } else { (row.partner_name.clone(), "/") };
    let progress: Vec<TierProgressView> =
        row.progress.clone().and_then(|p| serde_json::from_value(p).ok()).unwrap_or_default();
    let rank = tiers.iter().position(|t| t.code == row.tier);
    let next_tier = rank.and_then(|r| tiers.get(r + 1));
    let find = |code: &str| progress.iter().find(|p| p.code == code).map(block);
    let (headline, headline_class) = headline(&row.partner_name, &row, &name, today, rank == Some(0));
    let evaluated = match (row.evaluated_on, row.next_evaluation_on) {
        (Some(on), Some(next)) => {
            format!("Last evaluated {}; next evaluation {}.", format::date(on), format::date(next))
        }
        _ => String::new(),
    };
    let projection = match (&row.projection_tier, row.next_evaluation_on, row.evaluated_on) {
        (Some(p), Some(by), Some(_)) => format!(
            "At its pace over the window plus weighted open pipeline, {} would hold {} at the evaluation of {}.",
            row.partner_name,
            name(p),
            format::date(by)
        ),
        _ => String::new(),
    };
    let (history, _) = store::history(tx, id, 20, 0).await?;
    let mut tier_options: Vec<(String, String)> = tiers.iter().map(|t| (t.code.clone(), t.name.clone())).collect();
    tier_options.insert(0, (String::new(), "Choose a tier".into()));
    let page_title = if is_partner { title } else { format!("{title}: standing") };
    Ok(StandingPage {
        page: Page::new(page_title, csrf, user, path).with_notice(notice(notice_code, NOTICES)),
        partner_id: row.partner_id,
        partner_name: row.partner_name.clone(),
        is_partner,
        is_admin: user.role == Role::ProgramAdmin,
        tier_name: name(&row.tier),
        tier_badge: badge(&row.tier),
        stage: row.life_stage.label(),
        stage_badge: row.life_stage.badge(),
        headline,
        headline_class,
        evaluated,
        projection,
        current: find(&row.tier).filter(|b| !b.requirements.is_empty()),
        current_benefits: tiers.iter().find(|t| t.code == row.tier).map(benefits),
        next: next_tier.and_then(|t| find(&t.code)),
        next_benefits: next_tier.map(benefits),
        history: history
            .into_iter()
            .map(|h| HistoryView {
                on: format::date(h.on_date),
                action: action_label(&h.action),
                change: if h.from_tier == h.to_tier {
                    name(&h.to_tier)
                } else {
                    format!("{} → {}", name(&h.from_tier), name(&h.to_tier))
                },
                note: h.note,
                by: h.by.unwrap_or_else(|| "Evaluation".into()),
            })
            .collect(),
        overridden: row.override_tier.is_some(),
        proposed: row.proposed_tier.as_deref().map(name),
        tier_options,
        form,
        errors,
    })
}

#[derive(Deserialize, Default)]
struct NoticeQuery {
    notice: Option<String>,
}

/// "Your tier", for the partner's people.
async fn own_page(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<StandingPage> {
    let id = user.partner_id.ok_or(Error::NotFound)?;
    render(&mut tx, &user, &csrf, id, OverrideForm::default(), FieldErrors::new(), q.notice.as_deref()).await
}

/// A partner's standing, for the vendor's people who may see the partner.
async fn staff_page(
    Auth { user, mut tx, .. }: Auth<Staff>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<PartnerId>,
    Query(q): Query<NoticeQuery>,
) -> Result<StandingPage> {
    render(&mut tx, &user, &csrf, id, OverrideForm::default(), FieldErrors::new(), q.notice.as_deref()).await
}

fn back(id: PartnerId, notice: &str) -> Response {
    Redirect::to(&format!("/partners/{id}/standing?notice={notice}")).into_response()
}

async fn evaluate_submit(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Path(id): Path<PartnerId>,
) -> Result<Response> {
    super::visible(&mut tx, user.scope(), id).await?;
    let today = crate::program::store::today(&mut tx).await?;
    super::evaluate_one(&mut tx, &user, id, today, &state.base_url).await?;
    tx.commit().await?;
    Ok(back(id, "evaluated"))
}

async fn override_submit(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Extension(csrf): Extension<CsrfToken>,
    Path(id): Path<PartnerId>,
    Form(form): Form<OverrideForm>,
) -> Result<Response> {
    let today = crate::program::store::today(&mut tx).await?;
    let input = OverrideInput {
        tier: form.tier.clone(),
        until: Some(form.until.clone()).filter(|u| !u.trim().is_empty()),
        reason: form.reason.clone(),
    };
    match super::set_override(&mut tx, &user, id, &input, today).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(back(id, "override"))
        }
        Err(Error::Invalid(errors)) => {
            let mut response = render(&mut tx, &user, &csrf, id, form, errors, None).await?.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

async fn end_override_submit(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Path(id): Path<PartnerId>,
) -> Result<Response> {
    let today = crate::program::store::today(&mut tx).await?;
    super::end_override(&mut tx, &user, id, today, &state.base_url).await?;
    tx.commit().await?;
    Ok(back(id, "override-ended"))
}

async fn promotion_submit(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    Path(id): Path<PartnerId>,
) -> Result<Response> {
    let today = crate::program::store::today(&mut tx).await?;
    super::approve_promotion(&mut tx, &user, id, today).await?;
    tx.commit().await?;
    Ok(back(id, "promoted"))
}

// The homes' blocks.

/// The partner home's block: its tier, the state in a sentence, and what the next tier still takes.
pub struct HomeStanding {
    pub tier: String,
    pub badge: &'static str,
    pub headline: String,
    pub headline_class: &'static str,
    pub next: Option<String>,
    pub gaps: Vec<String>,
}

pub async fn home_block(tx: &mut Tx, partner: PartnerId) -> Result<Option<HomeStanding>> {
    let Some(row) = store::standing(tx, Scope::Partner(partner), partner).await? else { return Ok(None) };
    let tiers = store::tiers(tx).await?;
    let today = crate::program::store::today(tx).await?;
    let name = |code: &str| {
        tiers.iter().find(|t| t.code == code).map_or_else(|| crate::partners::tier_label(code), |t| t.name.clone())
    };
    let progress: Vec<TierProgressView> =
        row.progress.clone().and_then(|p| serde_json::from_value(p).ok()).unwrap_or_default();
    let next = tiers.iter().position(|t| t.code == row.tier).and_then(|r| tiers.get(r + 1));
    let gaps = next
        .and_then(|t| progress.iter().find(|p| p.code == t.code))
        .map(|p| p.requirements.iter().filter(|r| !r.gap.is_empty()).take(3).map(|r| r.gap.clone()).collect())
        .unwrap_or_default();
    let entry = tiers.first().is_some_and(|t| t.code == row.tier);
    let (headline, headline_class) = headline("Your organisation", &row, &name, today, entry);
    Ok(Some(HomeStanding {
        tier: name(&row.tier),
        badge: badge(&row.tier),
        headline,
        headline_class,
        next: next.map(|t| t.name.clone()),
        gaps,
    }))
}

/// A partner on the CAM's watch list.
pub struct WatchView {
    pub id: PartnerId,
    pub name: String,
    pub tier: String,
    pub status: &'static str,
    pub status_badge: &'static str,
    pub detail: String,
}

/// The partners of `scope` at risk, in grace or ready for promotion (at most `limit`).
pub async fn watch_list(tx: &mut Tx, scope: Scope, limit: i64) -> Result<Vec<WatchView>> {
    let tiers = store::tiers(tx).await?;
    let name = |code: &str| {
        tiers.iter().find(|t| t.code == code).map_or_else(|| crate::partners::tier_label(code), |t| t.name.clone())
    };
    Ok(store::watch_list(tx, scope, limit)
        .await?
        .into_iter()
        .map(|w| {
            let (status, status_badge, detail) = match w.action.as_str() {
                "warn" => ("At risk", "badge-yellow", "Meets its tier only narrowly".to_string()),
                "propose_promotion" => (
                    "Ready for promotion",
                    "badge-green",
                    format!("Qualifies for {}", name(w.proposed_tier.as_deref().unwrap_or_default())),
                ),
                _ => {
                    ("In grace", "badge-red", format!("Until {}", w.grace_until.map(format::date).unwrap_or_default()))
                }
            };
            WatchView { id: w.partner_id, tier: name(&w.tier), name: w.name, status, status_badge, detail }
        })
        .collect())
}

/// A row of the chief's movements table.
pub struct MovementView {
    pub region: String,
    pub cam: String,
    pub promoted: String,
    pub demoted: String,
    pub grace: String,
}

/// This quarter's tier movements by region and CAM, and the quarter's name.
pub async fn movements(tx: &mut Tx) -> Result<(String, Vec<MovementView>)> {
    let today = crate::program::store::today(tx).await?;
    let month = (today.month0() / 3) * 3 + 1;
    let start = NaiveDate::from_ymd_opt(today.year(), month, 1).unwrap_or(today);
    let rows = store::movements(tx, start).await?;
    let quarter = format!("Q{} {}", today.month0() / 3 + 1, today.year());
    Ok((
        quarter,
        rows.into_iter()
            .map(|m| MovementView {
                region: m.region,
                cam: m.cam_name.unwrap_or_else(|| "Unassigned".into()),
                promoted: format::int(m.promoted),
                demoted: format::int(m.demoted),
                grace: format::int(m.grace),
            })
            .collect(),
    ))
}

// The program admin's tier settings.

pub struct FieldView {
    pub name: String,
    pub value: String,
    pub error: Option<String>,
}

pub struct RequirementRowView {
    pub metric: FieldView,
    pub parameter: FieldView,
    pub threshold: FieldView,
    pub window: FieldView,
    pub mandatory_name: String,
    pub mandatory: bool,
}

pub struct TierFormView {
    pub index: usize,
    pub code: String,
    pub rank: String,
    pub rows: String,
    pub name: FieldView,
    pub colour: FieldView,
    pub discount: FieldView,
    pub mdf: FieldView,
    pub protection: FieldView,
    pub from: FieldView,
    pub needed: FieldView,
    pub requirements: Vec<RequirementRowView>,
}

pub struct PolicyFormView {
    pub every: FieldView,
    pub grace: FieldView,
    pub margin: FieldView,
    pub producing: FieldView,
    pub lapsed: FieldView,
    pub auto_promote: bool,
}

/// The form that adds a tier, as typed, with a message beside each wrong field.
#[derive(Default, Deserialize)]
pub struct AddTierForm {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub badge_colour: String,
    #[serde(default)]
    pub rank: String,
}

pub struct AddTierView {
    pub code: FieldView,
    pub name: FieldView,
    pub colour: FieldView,
    pub rank: FieldView,
    /// Where a new tier can go: its rank and "Above Gold", "Between Silver and Gold".
    pub rank_options: Vec<(String, String)>,
}

#[derive(Template, WebTemplate)]
#[template(path = "tiers/settings.html")]
struct SettingsPage {
    page: Page,
    alert: Option<String>,
    policy: PolicyFormView,
    tiers: Vec<TierFormView>,
    metrics: Vec<(String, String)>,
    tier_count: usize,
    add: AddTierView,
}

/// The form's fields, by name: `every`, `t0_name`, `t0_r1_threshold`, …
type Fields = HashMap<String, String>;

fn fields_of(view: &config::TiersView) -> Fields {
    let mut f = Fields::new();
    let p = &view.policy;
    f.insert("every".into(), p.evaluate_every_days.to_string());
    f.insert("grace".into(), p.grace_days.to_string());
    f.insert("margin".into(), p.risk_margin_percent.to_string());
    f.insert("producing".into(), p.producing_days.to_string());
    f.insert("lapsed".into(), p.lapsed_days.to_string());
    if p.auto_promote {
        f.insert("auto_promote".into(), "on".into());
    }
    f.insert("tiers".into(), view.tiers.len().to_string());
    for (i, t) in view.tiers.iter().enumerate() {
        let k = |s: &str| format!("t{i}_{s}");
        f.insert(k("code"), t.code.clone());
        f.insert(k("rank"), t.rank.to_string());
        f.insert(k("name"), t.name.clone());
        f.insert(k("colour"), t.badge_colour.clone());
        f.insert(k("discount"), t.benefits.discount_percent.clone());
        f.insert(k("mdf"), t.benefits.mdf_accrual_percent.clone());
        f.insert(k("protection"), t.benefits.protection_days.to_string());
        f.insert(k("from"), t.benefits.from.to_string());
        f.insert(k("needed"), t.optional_needed.to_string());
        f.insert(k("rows"), (t.requirements.len() + 1).to_string());
        for (j, r) in t.requirements.iter().enumerate() {
            let k = |s: &str| format!("t{i}_r{j}_{s}");
            f.insert(k("metric"), r.metric.clone());
            f.insert(k("parameter"), r.parameter.clone());
            f.insert(k("threshold"), r.threshold.clone());
            f.insert(k("window"), r.window_days.to_string());
            if r.mandatory {
                f.insert(k("mandatory"), "on".into());
            }
        }
    }
    f
}

fn count(f: &Fields, key: &str, max: usize) -> usize {
    f.get(key).and_then(|v| v.parse::<usize>().ok()).unwrap_or(0).min(max)
}

fn int(f: &Fields, key: &str) -> i32 {
    f.get(key).and_then(|v| v.trim().parse::<i32>().ok()).unwrap_or(-1)
}

fn text(f: &Fields, key: &str) -> String {
    f.get(key).map(|v| v.trim().to_string()).unwrap_or_default()
}

/// The configuration a submitted form asks for, and for each tier the form rows its requirements came from.
fn input_of(f: &Fields) -> (TiersInput, Vec<Vec<usize>>) {
    let policy = config::PolicyView {
        evaluate_every_days: int(f, "every"),
        auto_promote: f.contains_key("auto_promote"),
        grace_days: int(f, "grace"),
        risk_margin_percent: int(f, "margin"),
        producing_days: int(f, "producing"),
        lapsed_days: int(f, "lapsed"),
    };
    let mut tiers = Vec::new();
    let mut origins = Vec::new();
    for i in 0..count(f, "tiers", 20) {
        let k = |s: &str| format!("t{i}_{s}");
        let mut requirements = Vec::new();
        let mut rows = Vec::new();
        for j in 0..count(f, &k("rows"), 40) {
            let k = |s: &str| format!("t{i}_r{j}_{s}");
            let metric = text(f, &k("metric"));
            if metric.is_empty() {
                continue;
            }
            rows.push(j);
            requirements.push(RequirementInput {
                metric,
                parameter: text(f, &k("parameter")),
                threshold: serde_json::Value::String(text(f, &k("threshold"))),
                window_days: int(f, &k("window")),
                mandatory: f.contains_key(&k("mandatory")),
            });
        }
        tiers.push(TierInput {
            code: text(f, &k("code")),
            rank: int(f, &k("rank")),
            name: text(f, &k("name")),
            badge_colour: Some(text(f, &k("colour"))),
            benefits: Some(BenefitsInput {
                discount_percent: serde_json::Value::String(text(f, &k("discount"))),
                mdf_accrual_percent: serde_json::Value::String(text(f, &k("mdf"))),
                protection_days: int(f, &k("protection")),
                from: Some(text(f, &k("from"))),
            }),
            optional_needed: int(f, &k("needed")),
            requirements,
        });
        origins.push(rows);
    }
    (TiersInput { policy, tiers }, origins)
}

fn settings_view(
    page: Page,
    f: &Fields,
    origins: &[Vec<usize>],
    errors: &FieldErrors,
    alert: Option<String>,
) -> SettingsPage {
    let field = |name: String, error_key: &str| FieldView {
        value: f.get(&name).cloned().unwrap_or_default(),
        name,
        error: errors.get(error_key).map(str::to_string),
    };
    let policy = PolicyFormView {
        every: field("every".into(), "policy.evaluate_every_days"),
        grace: field("grace".into(), "policy.grace_days"),
        margin: field("margin".into(), "policy.risk_margin_percent"),
        producing: field("producing".into(), "policy.producing_days"),
        lapsed: field("lapsed".into(), "policy.lapsed_days"),
        auto_promote: f.contains_key("auto_promote"),
    };
    let n = count(f, "tiers", 20);
    let tiers: Vec<TierFormView> = (0..n)
        .map(|i| {
            let k = |s: &str| format!("t{i}_{s}");
            let e = |s: &str| format!("tiers[{i}].{s}");
            let rows = count(f, &k("rows"), 40);
            let requirements = (0..rows)
                .map(|j| {
                    let k = |s: &str| format!("t{i}_r{j}_{s}");
                    let kept = origins.get(i).and_then(|o| o.iter().position(|r| *r == j));
                    let e = |s: &str| kept.map(|p| format!("tiers[{i}].requirements[{p}].{s}")).unwrap_or_default();
                    RequirementRowView {
                        metric: field(k("metric"), &e("metric")),
                        parameter: field(k("parameter"), &e("parameter")),
                        threshold: field(k("threshold"), &e("threshold")),
                        window: FieldView {
                            value: f.get(&k("window")).cloned().unwrap_or_else(|| "365".into()),
                            error: errors.get(&e("window_days")).map(str::to_string),
                            name: k("window"),
                        },
                        mandatory: f.contains_key(&k("mandatory")),
                        mandatory_name: k("mandatory"),
                    }
                })
                .collect();
            TierFormView {
                index: i,
                code: text(f, &k("code")),
                rank: text(f, &k("rank")),
                rows: rows.to_string(),
                name: field(k("name"), &e("name")),
                colour: field(k("colour"), &e("badge_colour")),
                discount: field(k("discount"), &e("benefits.discount_percent")),
                mdf: field(k("mdf"), &e("benefits.mdf_accrual_percent")),
                protection: field(k("protection"), &e("benefits.protection_days")),
                from: field(k("from"), &e("benefits.from")),
                needed: field(k("needed"), &e("optional_needed")),
                requirements,
            }
        })
        .collect();
    let mut metrics = vec![(String::new(), "None (remove)".to_string())];
    metrics.extend(config::METRICS.iter().map(|m| (m.to_string(), config::metric_label(m).to_string())));
    let add = add_view(&tiers, &AddTierForm::default(), &FieldErrors::new());
    SettingsPage { page, alert, policy, tiers, metrics, tier_count: n, add }
}

/// The add-a-tier form over the tiers shown: by default the new tier goes above the highest.
fn add_view(tiers: &[TierFormView], form: &AddTierForm, errors: &FieldErrors) -> AddTierView {
    let n = tiers.len();
    let rank_options: Vec<(String, String)> = (1..=n)
        .map(|r| {
            let below = &tiers[r - 1].name.value;
            let label = match tiers.get(r) {
                Some(above) => format!("Between {below} and {}", above.name.value),
                None => format!("Above {below}"),
            };
            (r.to_string(), label)
        })
        .collect();
    let field = |name: &str, value: &str| FieldView {
        name: format!("new_{name}"),
        value: value.to_string(),
        error: errors.get(name).map(str::to_string),
    };
    let rank = if form.rank.trim().is_empty() { n.to_string() } else { form.rank.trim().to_string() };
    AddTierView {
        code: field("code", &form.code),
        name: field("name", &form.name),
        colour: field("badge_colour", if form.badge_colour.is_empty() { "#5b6472" } else { &form.badge_colour }),
        rank: field("rank", &rank),
        rank_options,
    }
}

/// The settings page as saved, with `alert` above it and, when given, the add form as typed with its errors.
async fn saved_settings(
    tx: &mut Tx,
    user: &CurrentUser,
    csrf: &CsrfToken,
    alert: Option<String>,
    add: Option<(&AddTierForm, &FieldErrors)>,
) -> Result<SettingsPage> {
    let view = config::view(tx).await?;
    let f = fields_of(&view);
    let page = Page::new("Tiers and standing", csrf, user, "/admin/tiers");
    let mut settings = settings_view(page, &f, &[], &FieldErrors::new(), alert);
    if let Some((form, errors)) = add {
        settings.add = add_view(&settings.tiers, form, errors);
    }
    Ok(settings)
}

/// The tier pages of the program's set-up are the program admin's; to anyone else they do not exist.
fn admin_only(user: &CurrentUser) -> Result<()> {
    if user.role == Role::ProgramAdmin { Ok(()) } else { Err(Error::NotFound) }
}

/// Adds a tier from the settings page's add form (page field names carry a `new_` prefix).
async fn add_tier_submit(
    Auth { user, mut tx, .. }: Auth<crate::auth::AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<HashMap<String, String>>,
) -> Result<Response> {
    admin_only(&user)?;
    let get = |k: &str| form.get(&format!("new_{k}")).cloned().unwrap_or_default();
    let typed =
        AddTierForm { code: get("code"), name: get("name"), badge_colour: get("badge_colour"), rank: get("rank") };
    let mut errors = FieldErrors::new();
    let rank = match typed.rank.trim() {
        "" => None,
        r => match r.parse::<i32>() {
            Ok(r) => Some(r),
            Err(_) => {
                errors.add("rank", "Choose where the tier goes.");
                Some(-1)
            }
        },
    };
    let input = config::NewTierInput {
        code: typed.code.clone(),
        name: typed.name.clone(),
        badge_colour: Some(typed.badge_colour.clone()),
        rank,
        benefits: None,
    };
    let result = crate::db::attempt!(tx, config::add_tier(&mut tx, user.tenant_id, &input));
    match result {
        Ok(()) if errors.is_empty() => {
            tx.commit().await?;
            Ok(Redirect::to(&format!("/admin/tiers?notice=added#tier-{}", input.code.trim().to_lowercase()))
                .into_response())
        }
        Ok(()) => Err(Error::Internal(anyhow::anyhow!("a tier was added with an unreadable rank"))),
        Err(Error::Invalid(found)) => {
            for (field, messages) in found.0 {
                if errors.get(&field).is_none() {
                    for m in messages {
                        errors.add(&field, m);
                    }
                }
            }
            let alert = Some("The tier was not added: see the messages beside its fields.".to_string());
            let page = saved_settings(&mut tx, &user, &csrf, alert, Some((&typed, &errors))).await?;
            let mut response = page.into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

/// Removes a tier from the settings page; a tier that cannot go is explained above the page (409).
async fn remove_tier_submit(
    Auth { user, mut tx, .. }: Auth<crate::auth::AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Path(code): Path<String>,
) -> Result<Response> {
    admin_only(&user)?;
    match crate::db::attempt!(tx, config::remove_tier(&mut tx, &code)) {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to("/admin/tiers?notice=removed").into_response())
        }
        Err(Error::Conflict(message)) => {
            let page = saved_settings(&mut tx, &user, &csrf, Some(message), None).await?;
            let mut response = page.into_response();
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

async fn settings_page(
    Auth { user, mut tx, .. }: Auth<crate::auth::AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<NoticeQuery>,
) -> Result<SettingsPage> {
    admin_only(&user)?;
    let view = config::view(&mut tx).await?;
    let f = fields_of(&view);
    let page =
        Page::new("Tiers and standing", &csrf, &user, "/admin/tiers").with_notice(notice(q.notice.as_deref(), NOTICES));
    Ok(settings_view(page, &f, &[], &FieldErrors::new(), None))
}

async fn settings_submit(
    Auth { user, mut tx, .. }: Auth<crate::auth::AnyRole>,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<Vec<(String, String)>>,
) -> Result<Response> {
    admin_only(&user)?;
    let f: Fields = form.into_iter().filter(|(k, _)| k != "_csrf").collect();
    let (input, origins) = input_of(&f);
    let page = || Page::new("Tiers and standing", &csrf, &user, "/admin/tiers");
    match config::replace(&mut tx, user.tenant_id, &input).await {
        Ok(()) => {
            tx.commit().await?;
            Ok(Redirect::to("/admin/tiers?notice=saved").into_response())
        }
        Err(Error::Invalid(errors)) => {
            let alert = errors
                .get("tiers")
                .map(str::to_string)
                .or(Some("Some settings need another look: see the messages beside them.".into()));
            let mut response = settings_view(page(), &f, &origins, &errors, alert).into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(Error::Conflict(message)) => {
            let mut response = settings_view(page(), &f, &origins, &FieldErrors::new(), Some(message)).into_response();
            *response.status_mut() = StatusCode::CONFLICT;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}
