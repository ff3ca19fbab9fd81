//! Demo data: the `demo` tenant with a program admin, a channel chief, two CAMs and partners in every life-stage.
//! Loading is idempotent: when the tenant exists, nothing changes.

use sqlx::PgPool;
use uuid::Uuid;

use crate::auth::password;
use crate::db::{self, Tx};
use crate::partners::store::{self as partners_store, NewPartner};
use crate::users::store::{self as users_store, NewUser};

pub const SLUG: &str = "demo";
pub const PASSWORD: &str = "demo-password";

struct DemoPartner {
    name: &'static str,
    country: &'static str,
    region: &'static str,
    tier: &'static str,
    cam: Option<usize>,
    stage: &'static str,
    people: &'static [(&'static str, &'static str, &'static str)],
}

/// (name, country, region, tier, CAM index, life-stage, [(email, name, role)])
const PARTNERS: &[DemoPartner] = &[
    DemoPartner {
        name: "Brightpath Solutions",
        country: "US",
        region: "NA",
        tier: "gold",
        cam: Some(0),
        stage: "producing",
        people: &[
            ("partner1@demo.test", "Dana Whitfield", "partner_admin"),
            ("sam@brightpath.demo.test", "Sam Ortega", "partner_user"),
        ],
    },
    DemoPartner {
        name: "Northwind IT",
        country: "DE",
        region: "EMEA",
        tier: "silver",
        cam: Some(1),
        stage: "activated",
        people: &[
            ("partner2@demo.test", "Lena Vogel", "partner_admin"),
            ("jonas@northwind.demo.test", "Jonas Becker", "partner_user"),
        ],
    },
    DemoPartner {
        name: "Cobalt Integrations",
        country: "GB",
        region: "EMEA",
        tier: "platinum",
        cam: Some(0),
        stage: "producing",
        people: &[("amelia@cobalt.demo.test", "Amelia Hart", "partner_admin")],
    },
    DemoPartner {
        name: "Sierra Networks",
        country: "MX",
        region: "LATAM",
        tier: "registered",
        cam: Some(0),
        stage: "onboarding",
        people: &[("diego@sierra.demo.test", "Diego Ramírez", "partner_admin")],
    },
    DemoPartner {
        name: "Kestrel Cloud Services",
        country: "AU",
        region: "APAC",
        tier: "silver",
        cam: Some(1),
        stage: "lapsed",
        people: &[("mia@kestrel.demo.test", "Mia Thompson", "partner_admin")],
    },
    DemoPartner {
        name: "Fjord Systems",
        country: "NO",
        region: "EMEA",
        tier: "registered",
        cam: Some(1),
        stage: "onboarding",
        people: &[],
    },
    DemoPartner {
        name: "Harbor & Pine Consulting",
        country: "CA",
        region: "NA",
        tier: "gold",
        cam: Some(0),
        stage: "activated",
        people: &[],
    },
    DemoPartner {
        name: "Lotus Digital",
        country: "SG",
        region: "APAC",
        tier: "registered",
        cam: Some(1),
        stage: "producing",
        people: &[],
    },
    DemoPartner {
        name: "Mistral Data",
        country: "FR",
        region: "EMEA",
        tier: "silver",
        cam: Some(0),
        stage: "lapsed",
        people: &[],
    },
    DemoPartner {
        name: "Quartz MSP",
        country: "BR",
        region: "LATAM",
        tier: "registered",
        cam: None,
        stage: "applicant",
        people: &[],
    },
    DemoPartner {
        name: "Tidewater Tech",
        country: "US",
        region: "NA",
        tier: "registered",
        cam: None,
        stage: "onboarding",
        people: &[],
    },
];

/// Loads the demo tenant unless it exists. Returns whether anything was loaded.
pub async fn load(pool: &PgPool) -> anyhow::Result<bool> {
    let exists: Option<Uuid> =
        sqlx::query_scalar("select id from tenants where slug = $1").bind(SLUG).fetch_optional(pool).await?;
    if exists.is_some() {
        return Ok(false);
    }
    tracing::info!("loading demo data");
    let hash = password::hash(PASSWORD.to_string()).await?;
    let tenant = Uuid::new_v4();
    let mut tx = db::begin_tenant(pool, tenant, None).await?;
    sqlx::query("insert into tenants (id, slug, name) values ($1, $2, 'Lumen Data')")
        .bind(tenant)
        .bind(SLUG)
        .execute(&mut *tx)
        .await?;
    let user = |email: &'static str, name: &'static str, role: &'static str, partner_id: Option<Uuid>| NewUser {
        tenant_id: tenant,
        email,
        name,
        role,
        partner_id,
        password_hash: Some(hash.clone()),
    };
    users_store::insert(&mut tx, user("admin@demo.test", "Priya Raman", "program_admin", None)).await?;
    users_store::insert(&mut tx, user("chief@demo.test", "Marcus Chen", "channel_chief", None)).await?;
    let cams = [
        users_store::insert(&mut tx, user("cam1@demo.test", "Sofia Alvarez", "cam", None)).await?,
        users_store::insert(&mut tx, user("cam2@demo.test", "James Okafor", "cam", None)).await?,
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
            users_store::insert(&mut tx, user(email, name, role, Some(id))).await?;
        }
    }
    invite_pending(&mut tx, tenant).await?;
    deals(&mut tx, tenant).await?;
    tx.commit().await?;
    Ok(true)
}

struct DemoDeal {
    partner: &'static str,
    customer: &'static str,
    domain: Option<&'static str>,
    country: &'static str,
    products: &'static [&'static str],
    value: i64,
    currency: &'static str,
    status: &'static str,
    /// Days ago it was registered.
    age: i64,
    /// Days of protection left (approved), or since expiry (expired).
    window: i64,
    reason: Option<&'static str>,
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
        status: "approved",
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
        status: "pending",
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
        status: "pending",
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
        status: "pending",
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
        status: "pending",
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
        status: "pending",
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
        status: "won",
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
        status: "lost",
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
        status: "rejected",
        age: 20,
        window: 0,
        reason: Some("existing_customer"),
    },
    DemoDeal {
        partner: "Northwind IT",
        customer: "Tyrell Systems",
        domain: None,
        country: "DE",
        products: &["security"],
        value: 27_500,
        currency: "EUR",
        status: "withdrawn",
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
        status: "expired",
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
        status: "approved",
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
        status: "approved",
        age: 10,
        window: 80,
        reason: None,
    },
];

/// Products, vendor-direct accounts and registrations in every status, including clashing pairs for the queues.
async fn deals(tx: &mut Tx, tenant: Uuid) -> anyhow::Result<()> {
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
        let (partner, registered_by, cam): (Uuid, Uuid, Option<Uuid>) = sqlx::query_as(
            "select p.id, u.id, p.cam_id from partners p join users u on u.tenant_id = p.tenant_id and u.partner_id = p.id
              where p.name = $1 and u.role = 'partner_admin' order by u.email limit 1",
        )
        .bind(d.partner)
        .fetch_one(&mut **tx)
        .await?;
        let id = Uuid::new_v4();
        let products: Vec<String> = d.products.iter().map(|p| p.to_string()).collect();
        let protected_until = match d.status {
            "approved" => Some(today + chrono::Duration::days(d.window)),
            "won" | "lost" => Some(today + chrono::Duration::days(90 - d.age)),
            "expired" => Some(today - chrono::Duration::days(d.window)),
            _ => None,
        };
        deals_store::insert(
            tx,
            deals_store::NewDeal {
                tenant_id: tenant,
                id,
                partner_id: partner,
                registered_by,
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
                conflicts: serde_json::json!([]),
                protected_until,
            },
        )
        .await?;
        let created = chrono::Utc::now() - chrono::Duration::days(d.age) - chrono::Duration::hours(3);
        sqlx::query(
            "update deals set created_at = $2,
                    decided_at = case when status <> 'pending' and status <> 'withdrawn' then $2 + interval '1 day' end,
                    decided_by = case when status <> 'pending' and status <> 'withdrawn' then $3 end,
                    decision_reason = $4,
                    closed_at = case when status in ('won', 'lost') then now() - interval '2 days' end,
                    closed_amount = case when status = 'won' then estimated_value end,
                    extension_requested_at = case when customer_name = 'Hooli GmbH' then now() - interval '1 day' end,
                    extension_note = case when customer_name = 'Hooli GmbH' then 'Procurement moved the signature to next quarter.' end
              where id = $1",
        )
        .bind(id)
        .bind(created)
        .bind(cam)
        .bind(d.reason)
        .execute(&mut **tx)
        .await?;
        deals_store::record_event(tx, tenant, id, Some(registered_by), "registered", None, "pending", None).await?;
        if d.status != "pending" {
            let from = if matches!(d.status, "won" | "lost" | "expired") { "approved" } else { "pending" };
            if from == "approved" {
                deals_store::record_event(tx, tenant, id, cam, "approved", Some("pending"), "approved", None).await?;
            }
            let note = d.reason.map(crate::deals::reason_label);
            deals_store::record_event(tx, tenant, id, cam, d.status, Some(from), d.status, note).await?;
        }
    }
    Ok(())
}

/// One user who was invited and has not set a password yet, with the invitation email in the outbox.
async fn invite_pending(tx: &mut Tx, tenant: Uuid) -> anyhow::Result<()> {
    let partner: Uuid =
        sqlx::query_scalar("select id from partners where name = 'Sierra Networks'").fetch_one(&mut **tx).await?;
    let id = users_store::insert(
        tx,
        NewUser {
            tenant_id: tenant,
            email: "lucia@sierra.demo.test",
            name: "Lucía Torres",
            role: "partner_user",
            partner_id: Some(partner),
            password_hash: None,
        },
    )
    .await?;
    let inviter = crate::auth::CurrentUser {
        id: Uuid::nil(),
        tenant_id: tenant,
        session_id: Uuid::nil(),
        role: crate::auth::Role::ProgramAdmin,
        partner_id: None,
        name: "Priya Raman".into(),
        email: "admin@demo.test".into(),
        tenant_name: "Lumen Data".into(),
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
