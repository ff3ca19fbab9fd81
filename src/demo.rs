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
    tx.commit().await?;
    Ok(true)
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
