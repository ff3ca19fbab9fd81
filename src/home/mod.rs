//! `/`: each role's home. A partner sees its own org, a CAM the partners assigned to them, the channel chief the
//! tenant's totals, the program admin the state of the program's set-up.

mod store;

use askama::Template;
use askama_web::WebTemplate;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Extension, Router};

use crate::AppState;
use crate::auth::csrf::CsrfToken;
use crate::auth::{Auth, CurrentUser, Role};
use crate::countries::country_name;
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::partners::pages::{MemberView, PartnerView};
use crate::partners::{self, LifeStage, store as partners_store};
use crate::web::{Page, format};
use axum::extract::Query;
use store::{Breakdown, By};

pub fn routes() -> Router<AppState> {
    Router::new().route("/", get(home))
}

#[derive(serde::Deserialize, Default)]
struct HomeQuery {
    notice: Option<String>,
}

const NOTICES: &[(&str, &str)] = &[(
    "agreement-accepted",
    "Thank you. The partner agreement is accepted for your organisation; the portal is open.",
)];

async fn home(
    Auth { user, mut tx, .. }: Auth,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<HomeQuery>,
) -> Result<Response> {
    let page = Page::new(format!("{} home", user.role.label()), &csrf, &user, "/")
        .with_notice(crate::web::notice(q.notice.as_deref(), NOTICES));
    Ok(match user.role {
        Role::PartnerAdmin | Role::PartnerUser => partner_home(&mut tx, &user, page).await?.into_response(),
        Role::Cam => cam_home(&mut tx, &user, page).await?.into_response(),
        Role::ChannelChief => chief_home(&mut tx, page).await?.into_response(),
        Role::ProgramAdmin => admin_home(&mut tx, page).await?.into_response(),
    })
}

#[derive(Template, WebTemplate)]
#[template(path = "home/partner.html")]
struct PartnerHome<'a> {
    page: Page,
    first_name: &'a str,
    partner: PartnerView,
    cam_email: String,
    members: Vec<MemberView>,
    is_admin: bool,
    deals: DealCounts,
    onboarding: Option<Onboarding>,
    mdf: Option<crate::mdf::HomeFigures>,
    standing: Option<crate::tiers::pages::HomeStanding>,
    plan: Option<crate::plans::pages::HomePlan>,
    capability: Option<crate::capability::pages::HomePartner>,
}

/// Where the partner stands in its onboarding plan.
struct Onboarding {
    percent: i64,
    overdue: i64,
    /// Title, due date, overdue, link.
    next: Vec<(String, String, bool, String)>,
}

/// How many registrations stand where, for the home pages.
#[derive(Default)]
pub struct DealCounts {
    pub pending: String,
    pub approved: String,
    pub won: String,
    pub pending_n: i64,
}

/// How many of the partner's people, and of its open onboarding items, the home lists.
const MEMBERS_SHOWN: usize = 50;
const NEXT_ITEMS_SHOWN: usize = 3;

async fn partner_home<'a>(tx: &mut Tx, user: &'a CurrentUser, page: Page) -> Result<PartnerHome<'a>> {
    let partner_id = user.partner_id.ok_or(Error::NotFound)?;
    let row = store::partner_home(tx, partner_id).await?.ok_or(Error::NotFound)?;
    let today = chrono::Utc::now().date_naive();
    let mdf = crate::mdf::partner_figures(tx, partner_id).await?;
    let standing = crate::tiers::pages::home_block(tx, partner_id).await?;
    let plan = crate::plans::pages::home_block(tx, user).await?;
    let capability = crate::capability::pages::home_partner(tx, user).await?;
    Ok(PartnerHome {
        capability,
        mdf,
        standing,
        plan,
        page,
        first_name: user.name.split_whitespace().next().unwrap_or(&user.name),
        is_admin: user.role == Role::PartnerAdmin,
        members: row
            .members
            .into_iter()
            .take(MEMBERS_SHOWN)
            .map(|m| MemberView {
                role: m.role.label(),
                status: if m.has_password { "Active" } else { "Invited" },
                badge: if m.has_password { "badge-green" } else { "badge-yellow" },
                name: m.name,
                email: m.email,
            })
            .collect(),
        cam_email: row.cam_email.unwrap_or_default(),
        onboarding: (row.ob_items > 0).then(|| {
            let counts = crate::onboarding::Counts {
                items: row.ob_items,
                done: row.ob_items_done,
                required: row.ob_required,
                required_done: row.ob_done,
            };
            let next = row.ob_next.into_iter().take(NEXT_ITEMS_SHOWN);
            Onboarding {
                percent: counts.percent(),
                overdue: row.ob_overdue,
                next: next.map(|n| (n.title, format::date(n.due_on), n.due_on < today, n.link)).collect(),
            }
        }),
        deals: DealCounts {
            pending: format::int(row.pending),
            approved: format::int(row.approved),
            won: format::int(row.won),
            pending_n: row.pending,
        },
        partner: row.partner.into(),
    })
}

pub struct Stat {
    pub label: &'static str,
    pub value: String,
    pub note: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/cam.html")]
struct CamHome {
    page: Page,
    stats: Vec<Stat>,
    deals: DealCounts,
    partners: Vec<PartnerView>,
    mdf: Vec<crate::mdf::PartnerFunds>,
    tier_watch: Vec<crate::tiers::pages::WatchView>,
    plans: crate::plans::pages::CamPlans,
    capability: crate::capability::pages::HomeCam,
}

/// How many of a CAM's partners the home lists.
const CAM_PARTNERS_SHOWN: i64 = 500;

async fn cam_home(tx: &mut Tx, user: &CurrentUser, page: Page) -> Result<CamHome> {
    let scope = user.scope();
    let (rows, total) = partners_store::list(tx, scope, CAM_PARTNERS_SHOWN, 0).await?;
    let pending = crate::deals::store::pending_count(tx, scope).await?;
    let count = |stage: LifeStage| rows.iter().filter(|p| p.life_stage == stage).count() as i64;
    // The program's life-stage windows (tier policy), which the evaluation job applies.
    let windows = crate::tiers::store::policy(tx).await?;
    let stats = vec![
        Stat { label: "Assigned partners", value: format::int(total), note: "in your portfolio".into() },
        Stat {
            label: "Onboarding",
            value: format::int(count(LifeStage::Onboarding)),
            note: "in their first 90 days".into(),
        },
        Stat {
            label: "Producing",
            value: format::int(count(LifeStage::Producing)),
            note: format!("closed-won in the last {} days", windows.producing_days),
        },
        Stat {
            label: "Lapsed",
            value: format::int(count(LifeStage::Lapsed)),
            note: format!("no deal activity for {} days", windows.lapsed_days),
        },
    ];
    let deals = DealCounts { pending: format::int(pending), pending_n: pending, ..Default::default() };
    let mdf = crate::mdf::partner_funds(tx, scope).await?;
    let tier_watch = crate::tiers::pages::watch_list(tx, scope, 50).await?;
    let plans = crate::plans::pages::cam_block(tx, user).await?;
    let capability = crate::capability::pages::home_cam(tx, user).await?;
    Ok(CamHome {
        capability,
        page,
        stats,
        deals,
        partners: rows.into_iter().map(PartnerView::from).collect(),
        mdf,
        tier_watch,
        plans,
    })
}

pub struct BarView {
    pub label: String,
    pub value: String,
    pub percent: i64,
}

fn bars(rows: Vec<Breakdown>, label: impl Fn(&str) -> String) -> Vec<BarView> {
    let total: i64 = rows.iter().map(|r| r.count).sum();
    rows.into_iter()
        .map(|r| BarView {
            label: label(&r.key),
            value: format::int(r.count),
            percent: format::percent(r.count, total),
        })
        .collect()
}

fn stage_label(stage: &str) -> String {
    LifeStage::parse(stage).map_or_else(|| stage.to_string(), |s| s.label().to_string())
}

pub struct CamRow {
    pub name: String,
    pub partners: String,
    pub onboarding: String,
    pub producing: String,
    pub lapsed: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/chief.html")]
struct ChiefHome {
    page: Page,
    stats: Vec<Stat>,
    by_tier: Vec<BarView>,
    by_stage: Vec<BarView>,
    by_region: Vec<BarView>,
    by_country: Vec<BarView>,
    cams: Vec<CamRow>,
    tier_quarter: String,
    tier_moves: Vec<crate::tiers::pages::MovementView>,
    mdf: Option<crate::mdf::finance::ChiefFigures>,
    plans_overview: crate::plans::overview::OverviewCard,
}

async fn chief_home(tx: &mut Tx, page: Page) -> Result<ChiefHome> {
    let totals = store::totals(tx).await?;
    let stats = vec![
        Stat {
            label: "Partners",
            value: format::int(totals.partners),
            note: format!("{} unassigned", format::int(totals.unassigned)),
        },
        Stat {
            label: "Producing",
            value: format::int(totals.producing),
            note: format!("{}% of partners", format::percent(totals.producing, totals.partners)),
        },
        Stat { label: "Channel account managers", value: format::int(totals.cams), note: "active".into() },
        Stat { label: "Portal users", value: format::int(totals.partner_users), note: "active partner people".into() },
    ];
    let cams = store::by_cam(tx)
        .await?
        .into_iter()
        .map(|c| CamRow {
            name: c.name,
            partners: format::int(c.partners),
            onboarding: format::int(c.onboarding),
            producing: format::int(c.producing),
            lapsed: format::int(c.lapsed),
        })
        .collect();
    let (tier_quarter, tier_moves) = crate::tiers::pages::movements(tx).await?;
    Ok(ChiefHome {
        tier_quarter,
        tier_moves,
        page,
        stats,
        by_tier: bars(store::breakdown(tx, By::Tier).await?, partners::tier_label),
        by_stage: bars(store::breakdown(tx, By::LifeStage).await?, stage_label),
        by_region: bars(store::breakdown(tx, By::Region).await?, str::to_string),
        by_country: bars(store::breakdown(tx, By::Country).await?, |c| country_name(c).unwrap_or(c).to_string()),
        cams,
        mdf: crate::mdf::finance::chief_figures(tx, chrono::Utc::now().date_naive()).await?,
        plans_overview: crate::plans::overview::card(tx).await?,
    })
}

pub struct AuditView {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub summary: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "home/admin.html")]
struct AdminHome {
    page: Page,
    stats: Vec<Stat>,
    unassigned: Vec<PartnerView>,
    recent: Vec<AuditView>,
}

async fn admin_home(tx: &mut Tx, page: Page) -> Result<AdminHome> {
    let totals = store::totals(tx).await?;
    let stats = vec![
        Stat {
            label: "Partners",
            value: format::int(totals.partners),
            note: format!("{} without a CAM", format::int(totals.unassigned)),
        },
        Stat {
            label: "Users",
            value: format::int(totals.users),
            note: format!("{} invitations open", format::int(totals.open_invitations)),
        },
        Stat { label: "Channel account managers", value: format::int(totals.cams), note: "active".into() },
        Stat { label: "Emails queued", value: format::int(totals.queued_mail), note: "waiting in the outbox".into() },
    ];
    let unassigned = partners_store::unassigned(tx, 10).await?.into_iter().map(PartnerView::from).collect();
    let recent = crate::audit::recent(tx, 8, 0).await?.0.into_iter().map(AuditView::from).collect();
    Ok(AdminHome { page, stats, unassigned, recent })
}

impl From<crate::audit::AuditEntry> for AuditView {
    fn from(e: crate::audit::AuditEntry) -> Self {
        AuditView {
            at: format::datetime(e.at),
            actor: e.actor_name.clone().unwrap_or_else(|| "System".into()),
            action: e.describe(),
            summary: e.changes(),
        }
    }
}
