//! Demo data: the `demo` tenant with a program admin, a channel chief, two CAMs and partners in every life-stage.
//! Loading is idempotent: when the tenant exists, nothing changes.

use chrono::{DateTime, Utc};
use sqlx::PgPool;

use crate::auth::{CurrentUser, Role, password};
use crate::db::{self, Tx};
use crate::deals::{DealEvent, DealStatus, RejectReason};
use crate::ids::{ApplicationId, DealId, PartnerId, SessionId, TenantId, UserId};
use crate::partners::LifeStage;
use crate::partners::store::{self as partners_store, NewPartner};
use crate::recruitment::ApplicationStatus;
use crate::users::store::{self as users_store, NewUser};

pub const SLUG: &str = "demo";
pub const PASSWORD: &str = "demo-password";

struct DemoPartner {
    name: &'static str,
    country: &'static str,
    region: &'static str,
    tier: &'static str,
    cam: Option<usize>,
    stage: LifeStage,
    people: &'static [(&'static str, &'static str, Role)],
}

/// (name, country, region, tier, CAM index, life-stage, [(email, name, role)])
const PARTNERS: &[DemoPartner] = &[
    DemoPartner {
        name: "Brightpath Solutions",
        country: "US",
        region: "NA",
        tier: "gold",
        cam: Some(0),
        stage: LifeStage::Producing,
        people: &[
            ("partner1@demo.test", "Dana Whitfield", Role::PartnerAdmin),
            ("sam@brightpath.demo.test", "Sam Ortega", Role::PartnerUser),
        ],
    },
    DemoPartner {
        name: "Northwind IT",
        country: "DE",
        region: "EMEA",
        tier: "silver",
        cam: Some(1),
        stage: LifeStage::Activated,
        people: &[
            ("partner2@demo.test", "Lena Vogel", Role::PartnerAdmin),
            ("jonas@northwind.demo.test", "Jonas Becker", Role::PartnerUser),
        ],
    },
    DemoPartner {
        name: "Cobalt Integrations",
        country: "GB",
        region: "EMEA",
        tier: "platinum",
        cam: Some(0),
        stage: LifeStage::Producing,
        people: &[("amelia@cobalt.demo.test", "Amelia Hart", Role::PartnerAdmin)],
    },
    DemoPartner {
        name: "Sierra Networks",
        country: "MX",
        region: "LATAM",
        tier: "registered",
        cam: Some(0),
        stage: LifeStage::Onboarding,
        people: &[("diego@sierra.demo.test", "Diego Ramírez", Role::PartnerAdmin)],
    },
    DemoPartner {
        name: "Kestrel Cloud Services",
        country: "AU",
        region: "APAC",
        tier: "silver",
        cam: Some(1),
        stage: LifeStage::Lapsed,
        people: &[("mia@kestrel.demo.test", "Mia Thompson", Role::PartnerAdmin)],
    },
    DemoPartner {
        name: "Fjord Systems",
        country: "NO",
        region: "EMEA",
        tier: "registered",
        cam: Some(1),
        stage: LifeStage::Onboarding,
        people: &[],
    },
    DemoPartner {
        name: "Harbor & Pine Consulting",
        country: "CA",
        region: "NA",
        tier: "gold",
        cam: Some(0),
        stage: LifeStage::Activated,
        people: &[],
    },
    DemoPartner {
        name: "Lotus Digital",
        country: "SG",
        region: "APAC",
        tier: "registered",
        cam: Some(1),
        stage: LifeStage::Producing,
        people: &[],
    },
    DemoPartner {
        name: "Mistral Data",
        country: "FR",
        region: "EMEA",
        tier: "silver",
        cam: Some(0),
        stage: LifeStage::Lapsed,
        people: &[],
    },
    DemoPartner {
        name: "Quartz MSP",
        country: "BR",
        region: "LATAM",
        tier: "registered",
        cam: None,
        stage: LifeStage::Applicant,
        people: &[],
    },
    DemoPartner {
        name: "Tidewater Tech",
        country: "US",
        region: "NA",
        tier: "registered",
        cam: None,
        stage: LifeStage::Onboarding,
        people: &[],
    },
];

/// Loads the demo tenant unless it exists. Returns whether anything was loaded.
pub async fn load(pool: &PgPool) -> anyhow::Result<bool> {
    let exists = sqlx::query_scalar!("select id from tenants where slug = $1", SLUG).fetch_optional(pool).await?;
    if exists.is_some() {
        return Ok(false);
    }
    tracing::info!("loading demo data");
    let hash = password::hash(PASSWORD.to_string()).await?;
    let tenant = TenantId::new();
    let mut tx = db::begin_tenant(pool, tenant, None).await?;
    sqlx::query!("insert into tenants (id, slug, name) values ($1, $2, 'Lumen Data')", tenant as TenantId, SLUG)
        .execute(&mut *tx)
        .await?;
    let user = |email: &'static str, name: &'static str, role: Role, partner_id: Option<PartnerId>| NewUser {
        tenant_id: tenant,
        email,
        name,
        role,
        partner_id,
        password_hash: Some(hash.clone()),
    };
    let admin = users_store::insert(&mut tx, user("admin@demo.test", "Priya Raman", Role::ProgramAdmin, None)).await?;
    users_store::insert(&mut tx, user("chief@demo.test", "Marcus Chen", Role::ChannelChief, None)).await?;
    let cams = [
        users_store::insert(&mut tx, user("cam1@demo.test", "Sofia Alvarez", Role::Cam, None)).await?,
        users_store::insert(&mut tx, user("cam2@demo.test", "James Okafor", Role::Cam, None)).await?,
    ];
    for p in PARTNERS {
        let id = partners_store::insert(
            &mut tx,
            NewPartner {
                tenant_id: tenant,
                name: p.name,
                country: p.country,
                region: p.region,
                tier: p.tier,
                cam_id: p.cam.map(|i| cams[i]),
                life_stage: p.stage,
            },
        )
        .await?;
        for (email, name, role) in p.people {
            users_store::insert(&mut tx, user(email, name, *role, Some(id))).await?;
        }
    }
    invite_pending(&mut tx, tenant).await?;
    deals(&mut tx, tenant).await?;
    agreements(&mut tx, tenant).await?;
    onboarding(&mut tx, tenant).await?;
    applications(&mut tx, tenant, admin).await?;
    crate::certifications::demo::load(&mut tx).await?;
    crate::plans::demo::load(&mut tx).await?;
    crate::capability::demo::load(&mut tx).await?;
    tier_story(&mut tx, tenant).await?;
    crate::mdf::demo::load(&mut tx, tenant, admin).await?;
    tx.commit().await?;
    // Today's standing of every demo partner comes from the evaluation itself, over the story written above.
    let today = chrono::Utc::now().date_naive();
    crate::tiers::evaluate_all(pool, tenant, today, "").await.map_err(|e| anyhow::anyhow!("{e}"))?;
    Ok(true)
}

/// Won (and lost) registrations behind the demo partners' tiers, so that today's evaluation finds one partner to
/// promote, one at risk and some falling into grace; and 18 months of standing history (promotions, a grace period
/// running, a demotion).
async fn tier_story(tx: &mut Tx, tenant: TenantId) -> anyhow::Result<()> {
    // (partner, outcome, how many, USD each, days ago of the latest)
    let deals: &[(&str, &str, i32, i64, i32)] = &[
        ("Brightpath Solutions", "won", 5, 30_000, 20),
        ("Brightpath Solutions", "lost", 4, 20_000, 40),
        ("Harbor & Pine Consulting", "won", 5, 52_000, 15),
        ("Harbor & Pine Consulting", "lost", 4, 15_000, 30),
        ("Lotus Digital", "won", 4, 17_000, 10),
        ("Cobalt Integrations", "won", 1, 45_000, 30),
        // Quiet for months: lapsed.
        ("Kestrel Cloud Services", "won", 1, 30_000, 200),
        ("Mistral Data", "won", 2, 20_000, 150),
    ];
    for (partner, outcome, n, amount, days) in deals {
        sqlx::query!(
            "insert into deals (tenant_id, id, partner_id, registered_by, customer_name, normalized_name, country,
                                products, estimated_value, currency, expected_close_date, status, created_at,
                                decided_at, decided_by, closed_at, closed_amount, partner_name, cam_id)
             select p.tenant_id, gen_random_uuid(), p.id, u.id, c.name, lower(c.name), p.country, array['crm'], $3::numeric,
                    'USD', (now() - make_interval(days => c.age))::date, $2::text, now() - make_interval(days => c.age + 45),
                    now() - make_interval(days => c.age + 44), p.cam_id, now() - make_interval(days => c.age),
                    case when $2::text = 'won' then $3::numeric end, p.name, p.cam_id
               from partners p
               -- Its admin registered it; a partner without portal users had its CAM (or the admin) do it.
               cross join lateral (select id from users
                                    where tenant_id = p.tenant_id
                                      and (partner_id = p.id or id = p.cam_id or role = 'program_admin')
                                    order by partner_id = p.id desc nulls last, id = p.cam_id desc, email limit 1) u
               cross join lateral (select p.name || ' account ' || n || ' (' || $2::text || ')' as name,
                                          $5::int + (n - 1) * 23 as age
                                     from generate_series(1, $4::int) n) c
              where p.name = $1",
            partner,
            outcome,
            rust_decimal::Decimal::from(*amount),
            n,
            days,
        )
        .execute(&mut **tx)
        .await?;
    }
    let today = chrono::Utc::now().date_naive();
    let ago = |days: i64| today - chrono::Duration::days(days);
    // (partner, days ago, action, from, to, note)
    let history: &[(&str, i64, &str, &str, &str, &str)] = &[
        ("Brightpath Solutions", 540, "promote", "registered", "silver", ""),
        ("Brightpath Solutions", 210, "promote", "silver", "gold", ""),
        ("Cobalt Integrations", 520, "promote", "registered", "silver", ""),
        ("Cobalt Integrations", 400, "promote", "silver", "gold", ""),
        ("Cobalt Integrations", 300, "override", "gold", "platinum", "Strategic launch partner for the EMEA region."),
        ("Cobalt Integrations", 120, "override_ended", "platinum", "platinum", "The override ran out."),
        ("Northwind IT", 430, "promote", "registered", "silver", ""),
        ("Harbor & Pine Consulting", 480, "promote", "registered", "silver", ""),
        ("Harbor & Pine Consulting", 270, "promote", "silver", "gold", ""),
        ("Kestrel Cloud Services", 450, "promote", "registered", "silver", ""),
        (
            "Kestrel Cloud Services",
            150,
            "start_grace",
            "silver",
            "silver",
            "Missing: USD 50,000 more closed-won revenue",
        ),
        ("Kestrel Cloud Services", 60, "demote", "silver", "registered", "The grace period ran out."),
        ("Mistral Data", 390, "promote", "registered", "silver", ""),
        ("Mistral Data", 40, "start_grace", "silver", "silver", "Missing: USD 10,000 more closed-won revenue"),
    ];
    for (partner, days, action, from, to, note) in history {
        let id = sqlx::query_scalar!(r#"select id as "id: PartnerId" from partners where name = $1"#, partner)
            .fetch_one(&mut **tx)
            .await?;
        let h = crate::tiers::store::NewHistory {
            partner: id,
            on_date: ago(*days),
            action,
            from_tier: from,
            to_tier: to,
            note,
            actor: None,
        };
        crate::tiers::store::insert_history(tx, tenant, &h).await?;
    }
    // Kestrel was moved down two months ago; Mistral's grace period started 40 days ago and runs 50 more.
    let kestrel =
        sqlx::query_scalar!(r#"select id as "id: PartnerId" from partners where name = 'Kestrel Cloud Services'"#)
            .fetch_one(&mut **tx)
            .await?;
    crate::tiers::store::set_tier(tx, kestrel, "registered").await?;
    crate::tiers::store::ensure_standings(tx, today).await?;
    sqlx::query!(
        "update partner_standings s set action = 'start_grace', grace_until = $1
           from partners p where p.id = s.partner_id and p.name = 'Mistral Data'",
        today + chrono::Duration::days(50),
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

struct DemoDeal {
    partner: &'static str,
    customer: &'static str,
    domain: Option<&'static str>,
    country: &'static str,
    products: &'static [&'static str],
    value: i64,
    currency: &'static str,
    status: DealStatus,
    /// Days ago it was registered.
    age: i64,
    /// Days of protection left (approved), or since expiry (expired).
    window: i64,
    reason: Option<RejectReason>,
}

const DEALS: &[DemoDeal] = &[
    DemoDeal {
        partner: "Brightpath Solutions",
        customer: "Acme Manufacturing, Inc.",
        domain: Some("acme-mfg.com"),
        country: "US",
        products: &["crm", "analytics"],
        value: 185_000,
        currency: "USD",
        status: DealStatus::Approved,
        age: 30,
        window: 60,
        reason: None,
    },
    DemoDeal {
        partner: "Northwind IT",
        customer: "ACME Manufacturing LLC",
        domain: Some("www.acme-mfg.com"),
        country: "US",
        products: &["crm"],
        value: 90_000,
        currency: "USD",
        status: DealStatus::Pending,
        age: 3,
        window: 0,
        reason: None,
    },
    DemoDeal {
        partner: "Cobalt Integrations",
        customer: "Globex Corporation",
        domain: Some("globex.co.uk"),
        country: "GB",
        products: &["security"],
        value: 64_000,
        currency: "GBP",
        status: DealStatus::Pending,
        age: 2,
        window: 0,
        reason: None,
    },
    DemoDeal {
        partner: "Northwind IT",
        customer: "Globex Corp.",
        domain: Some("eu.globex.co.uk"),
        country: "GB",
        products: &["security", "support"],
        value: 58_500,
        currency: "GBP",
        status: DealStatus::Pending,
        age: 1,
        window: 0,
        reason: None,
    },
    DemoDeal {
        partner: "Brightpath Solutions",
        customer: "Soylent Foods",
        domain: Some("soylent.com"),
        country: "US",
        products: &["analytics"],
        value: 42_000,
        currency: "USD",
        status: DealStatus::Pending,
        age: 0,
        window: 0,
        reason: None,
    },
    DemoDeal {
        partner: "Northwind IT",
        customer: "Initrode Global",
        domain: Some("initrode.com"),
        country: "DE",
        products: &["crm"],
        value: 120_000,
        currency: "EUR",
        status: DealStatus::Pending,
        age: 4,
        window: 0,
        reason: None,
    },
    DemoDeal {
        partner: "Brightpath Solutions",
        customer: "Umbrella Health",
        domain: Some("umbrella-health.com"),
        country: "US",
        products: &["crm", "support"],
        value: 240_000,
        currency: "USD",
        status: DealStatus::Won,
        age: 80,
        window: 0,
        reason: None,
    },
    DemoDeal {
        partner: "Brightpath Solutions",
        customer: "Stark Logistics",
        domain: Some("starklogistics.com"),
        country: "CA",
        products: &["analytics"],
        value: 75_000,
        currency: "USD",
        status: DealStatus::Lost,
        age: 70,
        window: 0,
        reason: None,
    },
    DemoDeal {
        partner: "Brightpath Solutions",
        customer: "Wayne Shipping",
        domain: Some("wayneshipping.com"),
        country: "US",
        products: &["crm"],
        value: 33_000,
        currency: "USD",
        status: DealStatus::Rejected,
        age: 20,
        window: 0,
        reason: Some(RejectReason::ExistingCustomer),
    },
    DemoDeal {
        partner: "Northwind IT",
        customer: "Tyrell Systems",
        domain: None,
        country: "DE",
        products: &["security"],
        value: 27_500,
        currency: "EUR",
        status: DealStatus::Withdrawn,
        age: 15,
        window: 0,
        reason: None,
    },
    DemoDeal {
        partner: "Northwind IT",
        customer: "Cyberdyne Labs",
        domain: Some("cyberdyne.de"),
        country: "DE",
        products: &["analytics"],
        value: 51_000,
        currency: "EUR",
        status: DealStatus::Expired,
        age: 120,
        window: 30,
        reason: None,
    },
    DemoDeal {
        partner: "Northwind IT",
        customer: "Hooli GmbH",
        domain: Some("hooli.de"),
        country: "DE",
        products: &["crm", "analytics"],
        value: 150_000,
        currency: "EUR",
        status: DealStatus::Approved,
        age: 85,
        window: 5,
        reason: None,
    },
    DemoDeal {
        partner: "Cobalt Integrations",
        customer: "Vandelay Industries",
        domain: Some("vandelay.co.uk"),
        country: "GB",
        products: &["support"],
        value: 18_000,
        currency: "GBP",
        status: DealStatus::Approved,
        age: 10,
        window: 80,
        reason: None,
    },
    // Probably the customer another partner holds (the same name but for a descriptor, no web domain to tell): the
    // CAM may approve it only with a reason.
    DemoDeal {
        partner: "Northwind IT",
        customer: "Vandelay Industries Group",
        domain: None,
        country: "GB",
        products: &["support"],
        value: 22_000,
        currency: "GBP",
        status: DealStatus::Pending,
        age: 1,
        window: 0,
        reason: None,
    },
    // Possibly the same customer as an approved registration, but under another web domain: evidence only.
    DemoDeal {
        partner: "Cobalt Integrations",
        customer: "Acme Manufacturing",
        domain: Some("acme-manufacturing.de"),
        country: "US",
        products: &["crm"],
        value: 47_000,
        currency: "USD",
        status: DealStatus::Pending,
        age: 2,
        window: 0,
        reason: None,
    },
];

/// Products, vendor-direct accounts and registrations in every status, including clashing pairs for the queues.
async fn deals(tx: &mut Tx, tenant: TenantId) -> anyhow::Result<()> {
    use crate::deals::store as deals_store;
    use crate::rules::deal_conflict::{normalize_name, registrable_domain};
    let products = [
        ("crm", "CRM Suite"),
        ("analytics", "Analytics Cloud"),
        ("security", "Security Edge"),
        ("support", "Premium Support"),
    ];
    let products: Vec<deals_store::Product> =
        products.iter().map(|(c, n)| deals_store::Product { code: c.to_string(), name: n.to_string() }).collect();
    deals_store::replace_products(tx, tenant, &products).await?;
    let accounts = [("Initrode Global", "initrode.com"), ("Massive Dynamic", "massivedynamic.com")]
        .map(|(n, d)| deals_store::NamedAccountRow { name: n.into(), domain: Some(d.into()) });
    deals_store::replace_named_accounts(tx, tenant, &accounts).await?;
    deals_store::save_policy(tx, tenant, &deals_store::Policy::default()).await?;
    let today = chrono::Utc::now().date_naive();
    for d in DEALS {
        let parties = deal_parties(tx, d.partner).await?;
        let id = DealId::new();
        let products: Vec<String> = d.products.iter().map(|p| p.to_string()).collect();
        let protected_until = match d.status {
            DealStatus::Approved => Some(today + chrono::Duration::days(d.window)),
            DealStatus::Won | DealStatus::Lost => Some(today + chrono::Duration::days(90 - d.age)),
            DealStatus::Expired => Some(today - chrono::Duration::days(d.window)),
            _ => None,
        };
        deals_store::insert(
            tx,
            deals_store::NewDeal {
                tenant_id: tenant,
                id,
                partner_id: parties.partner,
                registered_by: parties.registered_by,
                customer_name: d.customer,
                normalized_name: &normalize_name(d.customer),
                customer_domain: d.domain,
                registrable_domain: d.domain.and_then(registrable_domain).as_deref(),
                country: d.country,
                products: &products,
                estimated_value: rust_decimal::Decimal::from(d.value),
                currency: d.currency,
                expected_close_date: today + chrono::Duration::days(60),
                notes: "",
                status: d.status,
                conflicts: &[],
                protected_until,
            },
        )
        .await?;
        let times = DealTimes::of(d, chrono::Utc::now());
        backdate_deal(tx, id, d, parties.cam, &times).await?;
        deal_history(tx, tenant, id, d, &parties, &times).await?;
    }
    Ok(())
}

/// Who a demo registration is between: the partner, its admin who registers it, and its CAM who decides it.
struct DealParties {
    partner: PartnerId,
    registered_by: UserId,
    cam: Option<UserId>,
}

async fn deal_parties(tx: &mut Tx, partner: &str) -> anyhow::Result<DealParties> {
    let row = sqlx::query!(
        r#"select p.id as "partner: PartnerId", u.id as "registered_by: UserId", p.cam_id as "cam: UserId"
             from partners p join users u on u.tenant_id = p.tenant_id and u.partner_id = p.id
            where p.name = $1 and u.role = 'partner_admin' order by u.email limit 1"#,
        partner,
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(DealParties { partner: row.partner, registered_by: row.registered_by, cam: row.cam })
}

/// When a demo registration came, was decided, closed or expired: one set of times for the registration and its
/// history, so that the page's "registered" and the history's first line tell the same day.
struct DealTimes {
    created: DateTime<Utc>,
    decided: DateTime<Utc>,
    closed: DateTime<Utc>,
    expired: DateTime<Utc>,
}

impl DealTimes {
    fn of(d: &DemoDeal, now: DateTime<Utc>) -> DealTimes {
        let hour = chrono::Duration::hours(1);
        let created = now - chrono::Duration::days(d.age) - hour * 3;
        // A day after it came, but never in the future.
        let decided = (created + chrono::Duration::days(1)).min(now - hour).max(created + hour);
        let closed = (now - chrono::Duration::days(2)).max(decided + hour).min(now);
        // The night after the last protected day (see `protected_until` of an expired registration).
        let last_day = now.date_naive() - chrono::Duration::days(d.window);
        let expired = (last_day + chrono::Duration::days(1)).and_hms_opt(0, 5, 0).map_or(now, |t| t.and_utc());
        DealTimes { created, decided, closed, expired: expired.max(decided + hour).min(now) }
    }
}

/// Sets when a registration came and, as its status says, when and how it was decided and closed.
async fn backdate_deal(
    tx: &mut Tx,
    id: DealId,
    d: &DemoDeal,
    cam: Option<UserId>,
    times: &DealTimes,
) -> anyhow::Result<()> {
    sqlx::query!(
        "update deals set created_at = $2::timestamptz,
                decided_at = case when status <> 'pending' and status <> 'withdrawn' then $5::timestamptz end,
                decided_by = case when status <> 'pending' and status <> 'withdrawn' then $3::uuid end,
                decision_reason = $4,
                closed_at = case when status in ('won', 'lost') then $6::timestamptz end,
                closed_amount = case when status = 'won' then estimated_value end,
                extension_requested_at = case when customer_name = 'Hooli GmbH' then now() - interval '1 day' end,
                extension_note = case when customer_name = 'Hooli GmbH' then 'Procurement moved the signature to next quarter.' end
          where id = $1",
        id as DealId,
        times.created,
        cam as Option<UserId>,
        d.reason as Option<RejectReason>,
        times.decided,
        times.closed,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The events that led a registration to its status: registered, approved on the way to a close or expiry, decided.
async fn deal_history(
    tx: &mut Tx,
    tenant: TenantId,
    id: DealId,
    d: &DemoDeal,
    parties: &DealParties,
    times: &DealTimes,
) -> anyhow::Result<()> {
    let cam = parties.cam;
    let event = |actor, event, from, to, at| DemoEvent { tenant, deal: id, actor, event, from, to, at };
    event(Some(parties.registered_by), DealEvent::Registered, None, DealStatus::Pending, times.created)
        .record(tx, None)
        .await?;
    let Some(last) = decision_event(d.status) else {
        return Ok(());
    };
    let (from, at) = match d.status {
        DealStatus::Won | DealStatus::Lost | DealStatus::Expired => {
            event(cam, DealEvent::Approved, Some(DealStatus::Pending), DealStatus::Approved, times.decided)
                .record(tx, None)
                .await?;
            let at = if d.status == DealStatus::Expired { times.expired } else { times.closed };
            (DealStatus::Approved, at)
        }
        _ => (DealStatus::Pending, times.decided),
    };
    let actor = if d.status == DealStatus::Expired { None } else { cam };
    event(actor, last, Some(from), d.status, at).record(tx, d.reason.map(RejectReason::label)).await?;
    Ok(())
}

/// A history line of a demo registration, at the time the story says (the store's `record_event` writes now).
struct DemoEvent {
    tenant: TenantId,
    deal: DealId,
    actor: Option<UserId>,
    event: DealEvent,
    from: Option<DealStatus>,
    to: DealStatus,
    at: DateTime<Utc>,
}

impl DemoEvent {
    async fn record(self, tx: &mut Tx, note: Option<&str>) -> Result<(), sqlx::Error> {
        sqlx::query!(
            "insert into deal_events (tenant_id, deal_id, actor_id, event, from_status, to_status, note, at)
             values ($1, $2, $3, $4, $5, $6, $7, $8)",
            self.tenant as TenantId,
            self.deal as DealId,
            self.actor as Option<UserId>,
            self.event.as_str(),
            self.from.map(DealStatus::as_str),
            self.to.as_str(),
            note,
            self.at,
        )
        .execute(&mut **tx)
        .await
        .map(drop)
    }
}

/// The event that moved a registration into `status`; None for a registration still pending.
fn decision_event(status: DealStatus) -> Option<DealEvent> {
    match status {
        DealStatus::Pending => None,
        DealStatus::Approved => Some(DealEvent::Approved),
        DealStatus::Rejected => Some(DealEvent::Rejected),
        DealStatus::Withdrawn => Some(DealEvent::Withdrawn),
        DealStatus::Expired => Some(DealEvent::Expired),
        DealStatus::Won => Some(DealEvent::Won),
        DealStatus::Lost => Some(DealEvent::Lost),
    }
}

/// One user who was invited and has not set a password yet, with the invitation email in the outbox.
async fn invite_pending(tx: &mut Tx, tenant: TenantId) -> anyhow::Result<()> {
    let partner = partner_id(tx, "Sierra Networks").await?;
    let id = users_store::insert(
        tx,
        NewUser {
            tenant_id: tenant,
            email: "lucia@sierra.demo.test",
            name: "Lucía Torres",
            role: Role::PartnerUser,
            partner_id: Some(partner),
            password_hash: None,
        },
    )
    .await?;
    let inviter = CurrentUser {
        id: UserId::default(),
        tenant_id: tenant,
        session_id: SessionId::default(),
        role: crate::auth::Role::ProgramAdmin,
        partner_id: None,
        name: "Priya Raman".into(),
        email: "admin@demo.test".into(),
        tenant_name: "Lumen Data".into(),
        reader: Default::default(),
    };
    crate::users::invitations::invite(
        tx,
        &inviter,
        id,
        "lucia@sierra.demo.test",
        "Lucía Torres",
        "http://127.0.0.1:8080",
    )
    .await?;
    Ok(())
}

/// Every partner admin has accepted the first agreement but Sierra Networks', whose people meet the agreement page.
async fn agreements(tx: &mut Tx, tenant: TenantId) -> anyhow::Result<()> {
    sqlx::query!(
        "insert into agreement_acceptances (tenant_id, partner_id, version, user_id, accepted_at)
         select $1, p.id, 1, min(u.id::text)::uuid, p.created_at + interval '1 day'
           from partners p join users u on u.tenant_id = p.tenant_id and u.partner_id = p.id and u.role = 'partner_admin'
          where p.name <> 'Sierra Networks'
          group by p.id, p.created_at",
        tenant as TenantId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// Partners at different points of their 30-60-90 plan: (partner, days since signing, items done by hand).
const CHECKLISTS: &[(&str, i64, i32)] = &[
    ("Brightpath Solutions", 200, 8),
    ("Northwind IT", 70, 5),
    ("Tidewater Tech", 45, 2),
    ("Fjord Systems", 38, 0),
    ("Sierra Networks", 6, 1),
];

async fn onboarding(tx: &mut Tx, tenant: TenantId) -> anyhow::Result<()> {
    let today = chrono::Utc::now().date_naive();
    for (name, age, done) in CHECKLISTS {
        let p = sqlx::query!(
            r#"select id as "id: PartnerId", cam_id as "cam_id: UserId" from partners where name = $1"#,
            name
        )
        .fetch_one(&mut **tx)
        .await?;
        let (partner, cam) = (p.id, p.cam_id);
        crate::onboarding::store::create_checklist(tx, tenant, partner, today - chrono::Duration::days(*age)).await?;
        // The first `done` open items (in plan order) were completed a little before they were due, each by its owner.
        sqlx::query!(
            "with todo as (
                 select i.id, i.owner from onboarding_items i
                  where i.partner_id = $1 and i.completed_at is null and i.auto is null
                  order by i.position limit $2)
             update onboarding_items i
                set completed_at = least(i.due_on - 2, current_date)::timestamptz + interval '10 hours',
                    completed_by = case when todo.owner = 'cam' then $3
                                   else (select id from users u where u.partner_id = $1 and u.role = 'partner_admin'
                                          order by u.created_at limit 1) end,
                    note = case when todo.owner = 'cam' then 'Approved by finance.' else null end
               from todo where i.id = todo.id",
            partner as PartnerId,
            i64::from(*done),
            cam as Option<UserId>,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

struct DemoApplication {
    company: &'static str,
    website: &'static str,
    country: &'static str,
    contact: (&'static str, &'static str),
    employees: i32,
    verticals: &'static [&'static str],
    services: &'static [&'static str],
    message: &'static str,
    status: ApplicationStatus,
    /// Days since it arrived, and since anyone last acted on it.
    age: i64,
    idle: i64,
}

const APPLICATIONS: &[DemoApplication] = &[
    DemoApplication {
        company: "Helvetia Health IT AG",
        website: "https://helvetia-health.ch",
        country: "CH",
        contact: ("Nina Keller", "nina.keller@helvetia-health.ch"),
        employees: 140,
        verticals: &["healthcare", "public_sector"],
        services: &["implementation", "managed_services"],
        message: "We run EHR integrations for 30 Swiss hospitals and want to add analytics.",
        status: ApplicationStatus::Submitted,
        age: 1,
        idle: 1,
    },
    DemoApplication {
        company: "Prairie Ledger Partners",
        website: "https://prairieledger.com",
        country: "US",
        contact: ("Tom Becker", "tom@prairieledger.com"),
        employees: 35,
        verticals: &["financial_services"],
        services: &["consulting", "implementation"],
        message: "Credit unions in the Midwest ask us for a modern CRM.",
        status: ApplicationStatus::Submitted,
        age: 3,
        idle: 2,
    },
    DemoApplication {
        company: "Saigon Pixel Studio",
        website: "saigonpixel.vn",
        country: "VN",
        contact: ("Linh Tran", "linh@saigonpixel.vn"),
        employees: 8,
        verticals: &["media"],
        services: &["development"],
        message: "",
        status: ApplicationStatus::Submitted,
        age: 12,
        idle: 12,
    },
    DemoApplication {
        company: "Nordlicht Manufaktur Consulting",
        website: "https://nordlicht-consulting.de",
        country: "DE",
        contact: ("Jan Petersen", "jan@nordlicht-consulting.de"),
        employees: 60,
        verticals: &["manufacturing"],
        services: &["consulting", "training"],
        message: "Lean manufacturing consultancy; 20 mid-size plants as clients.",
        status: ApplicationStatus::Submitted,
        age: 16,
        idle: 9,
    },
    DemoApplication {
        company: "Tidewater Tech",
        website: "https://tidewater.tech",
        country: "US",
        contact: ("Avery Brooks", "avery@tidewater.tech"),
        employees: 45,
        verticals: &["healthcare", "retail"],
        services: &["implementation", "support"],
        message: "Regional integrator on the East Coast.",
        status: ApplicationStatus::Approved,
        age: 50,
        idle: 45,
    },
    DemoApplication {
        company: "QuickFlip Resellers",
        website: "https://quickflip.example",
        country: "US",
        contact: ("Rob Quinn", "rob@quickflip.example"),
        employees: 3,
        verticals: &["retail"],
        services: &["resale"],
        message: "We can sell anything at volume.",
        status: ApplicationStatus::Rejected,
        age: 20,
        idle: 18,
    },
];

/// Applications in every state, scored against the demo's ideal partner profile.
async fn applications(tx: &mut Tx, tenant: TenantId, admin: UserId) -> anyhow::Result<()> {
    use crate::recruitment::store as rs;
    use crate::rules::fit_score;
    let profile = rs::ProfileRow {
        countries: vec![],
        regions: vec!["NA".into(), "EMEA".into()],
        verticals: vec!["healthcare".into(), "financial_services".into(), "manufacturing".into()],
        services: vec!["implementation".into(), "managed_services".into()],
        min_employees: 25,
        stale_days: 7,
    };
    rs::save_profile(tx, tenant, &profile).await?;
    let ideal = fit_score::IdealProfile::from(&profile);
    for a in APPLICATIONS {
        let verticals: Vec<String> = a.verticals.iter().map(|v| v.to_string()).collect();
        let services: Vec<String> = a.services.iter().map(|v| v.to_string()).collect();
        let region = crate::countries::region_of(a.country).unwrap_or("EMEA");
        let fit = fit_score::score(
            &ideal,
            &fit_score::Applicant {
                country: a.country,
                region,
                employees: a.employees,
                verticals: &verticals,
                services: &services,
            },
            // The demo program keeps the lists every program starts with.
            &fit_score::Labels::defaults(),
        );
        let id = rs::insert(
            tx,
            rs::NewApplication {
                tenant_id: tenant,
                company_name: a.company,
                website: a.website,
                country: a.country,
                region,
                contact_name: a.contact.0,
                contact_email: a.contact.1,
                employees: a.employees,
                verticals: &verticals,
                services: &services,
                message: a.message,
                fit_score: i32::from(fit.score),
                fit: serde_json::to_value(&fit)?,
            },
        )
        .await?;
        let partner = if a.status == ApplicationStatus::Approved {
            sqlx::query_scalar!(r#"select id as "id: PartnerId" from partners where name = $1"#, a.company)
                .fetch_optional(&mut **tx)
                .await?
        } else {
            None
        };
        backdate_application(tx, id, a, admin, partner).await?;
        if a.company == "Nordlicht Manufaktur Consulting" {
            rs::add_note(tx, tenant, id, admin, "Strong plant network. Asked for two customer references.").await?;
            sqlx::query!(
                "update applications set last_activity_at = now() - interval '9 days' where id = $1",
                id as ApplicationId,
            )
            .execute(&mut **tx)
            .await?;
        }
    }
    Ok(())
}

/// Sets when an application came, when anyone last acted on it and, when decided, who decided and how.
async fn backdate_application(
    tx: &mut Tx,
    id: ApplicationId,
    a: &DemoApplication,
    admin: UserId,
    partner: Option<PartnerId>,
) -> anyhow::Result<()> {
    sqlx::query!(
        "update applications set created_at = now() - make_interval(days => $2),
                last_activity_at = now() - make_interval(days => $3), status = $4,
                decided_at = case when $4 <> 'submitted' then now() - make_interval(days => $3) end,
                decided_by = case when $4 <> 'submitted' then $5::uuid end,
                reason = case when $4 = 'rejected' then 'A pure reseller with three people; outside our profile.' end,
                partner_id = $6
          where id = $1",
        id as ApplicationId,
        a.age as i32,
        a.idle as i32,
        a.status as ApplicationStatus,
        admin as UserId,
        partner as Option<PartnerId>,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}

/// The id of the demo partner named `name`.
async fn partner_id(tx: &mut Tx, name: &str) -> anyhow::Result<PartnerId> {
    Ok(sqlx::query_scalar!(r#"select id as "id: PartnerId" from partners where name = $1"#, name)
        .fetch_one(&mut **tx)
        .await?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn demo_registrations_happen_in_order_and_never_in_the_future() {
        let now = Utc::now();
        for d in DEALS {
            let t = DealTimes::of(d, now);
            assert!(t.created < t.decided && t.decided <= now, "{}: decided after it came", d.customer);
            assert!(t.decided < t.closed && t.closed <= now, "{}: closed after approval", d.customer);
            assert!(t.decided < t.expired && t.expired <= now, "{}: expired after approval", d.customer);
            assert_eq!(
                t.created.date_naive(),
                (now - chrono::Duration::days(d.age) - chrono::Duration::hours(3)).date_naive()
            );
        }
    }
}
