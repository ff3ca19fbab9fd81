//! The world every test starts from (loaded once into the template database): two tenants, each with a program
//! admin, a channel chief, two CAMs, three partners (one per CAM, one unassigned) and partner people.

use sqlx::PgPool;
use tributary::ids::{PartnerId, TenantId, UserId};
use uuid::Uuid;

pub struct TenantFx {
    pub id: TenantId,
    pub slug: &'static str,
    pub admin: UserId,
    pub chief: UserId,
    pub cam1: UserId,
    pub cam2: UserId,
    /// Assigned to cam1.
    pub p1: PartnerId,
    /// Assigned to cam2.
    pub p2: PartnerId,
    /// Unassigned.
    pub p3: PartnerId,
    pub p1_admin: UserId,
    pub p1_user: UserId,
    pub p2_admin: UserId,
    pub p3_admin: UserId,
}

const fn fx(n: u128, slug: &'static str) -> TenantFx {
    let base = n << 64;
    TenantFx {
        id: TenantId(Uuid::from_u128(base | 1)),
        slug,
        admin: UserId(Uuid::from_u128(base | 0x10)),
        chief: UserId(Uuid::from_u128(base | 0x11)),
        cam1: UserId(Uuid::from_u128(base | 0x12)),
        cam2: UserId(Uuid::from_u128(base | 0x13)),
        p1: PartnerId(Uuid::from_u128(base | 0x20)),
        p2: PartnerId(Uuid::from_u128(base | 0x21)),
        p3: PartnerId(Uuid::from_u128(base | 0x22)),
        p1_admin: UserId(Uuid::from_u128(base | 0x30)),
        p1_user: UserId(Uuid::from_u128(base | 0x31)),
        p2_admin: UserId(Uuid::from_u128(base | 0x32)),
        p3_admin: UserId(Uuid::from_u128(base | 0x33)),
    }
}

pub const A: TenantFx = fx(0xA, "acme");
pub const B: TenantFx = fx(0xB, "globex");

/// Sign-in emails of the fixture users, the same in both tenants.
pub mod email {
    pub const ADMIN: &str = "admin@example.com";
    pub const CHIEF: &str = "chief@example.com";
    pub const CAM1: &str = "cam1@example.com";
    pub const CAM2: &str = "cam2@example.com";
    pub const P1_ADMIN: &str = "p1.admin@example.com";
    pub const P1_USER: &str = "p1.user@example.com";
    pub const P2_ADMIN: &str = "p2.admin@example.com";
    pub const P3_ADMIN: &str = "p3.admin@example.com";
}

pub async fn load(pool: &PgPool) {
    let hash = tributary::auth::password::hash(super::PASSWORD.to_string()).await.unwrap();
    for (t, name) in [(&A, "Acme Corp"), (&B, "Globex Inc")] {
        let mut tx = tributary::db::begin_tenant(pool, t.id, None).await.unwrap();
        sqlx::query("insert into tenants (id, slug, name) values ($1, $2, $3)")
            .bind(t.id)
            .bind(t.slug)
            .bind(name)
            .execute(&mut *tx)
            .await
            .unwrap();
        let staff = [
            (t.admin, email::ADMIN, "Ada Admin", "program_admin"),
            (t.chief, email::CHIEF, "Chris Chief", "channel_chief"),
            (t.cam1, email::CAM1, "Cara Cam", "cam"),
            (t.cam2, email::CAM2, "Carl Cam", "cam"),
        ];
        for (id, email, name, role) in staff {
            insert_user(&mut tx, t.id, id, email, name, role, None, &hash).await;
        }
        let partners = [
            (t.p1, "Partner One", "US", "NA", Some(t.cam1), "activated"),
            (t.p2, "Partner Two", "DE", "EMEA", Some(t.cam2), "onboarding"),
            (t.p3, "Partner Three", "JP", "APAC", None, "onboarding"),
        ];
        for (id, name, country, region, cam, stage) in partners {
            sqlx::query(
                "insert into partners (tenant_id, id, name, country, region, cam_id, life_stage) values ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(t.id)
            .bind(id)
            .bind(name)
            .bind(country)
            .bind(region)
            .bind(cam)
            .bind(stage)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        insert_user(&mut tx, t.id, t.p1_admin, email::P1_ADMIN, "Pia One", "partner_admin", Some(t.p1), &hash).await;
        insert_user(&mut tx, t.id, t.p1_user, email::P1_USER, "Paul One", "partner_user", Some(t.p1), &hash).await;
        insert_user(&mut tx, t.id, t.p2_admin, email::P2_ADMIN, "Pat Two", "partner_admin", Some(t.p2), &hash).await;
        insert_user(&mut tx, t.id, t.p3_admin, email::P3_ADMIN, "Quinn Three", "partner_admin", Some(t.p3), &hash)
            .await;
        // Every fixture partner has accepted the tenant's first agreement (the gate has tests of its own).
        for (partner, admin) in [(t.p1, t.p1_admin), (t.p2, t.p2_admin), (t.p3, t.p3_admin)] {
            sqlx::query(
                "insert into agreement_acceptances (tenant_id, partner_id, version, user_id) values ($1, $2, 1, $3)",
            )
            .bind(t.id)
            .bind(partner)
            .bind(admin)
            .execute(&mut *tx)
            .await
            .unwrap();
        }
        use tributary::deals::store as deals;
        let products = [("crm", "CRM Suite"), ("analytics", "Analytics Cloud"), ("security", "Security Edge")]
            .map(|(c, n)| deals::Product { code: c.into(), name: n.into() });
        deals::replace_products(&mut tx, t.id, &products).await.unwrap();
        let accounts = [deals::NamedAccountRow { name: "Initrode Global".into(), domain: Some("initrode.com".into()) }];
        deals::replace_named_accounts(&mut tx, t.id, &accounts).await.unwrap();
        tx.commit().await.unwrap();
    }
}

#[allow(clippy::too_many_arguments)]
async fn insert_user(
    tx: &mut tributary::db::Tx,
    tenant: TenantId,
    id: UserId,
    email: &str,
    name: &str,
    role: &str,
    partner: Option<PartnerId>,
    hash: &str,
) {
    sqlx::query(
        "insert into users (tenant_id, id, email, name, role, partner_id, password_hash) values ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(tenant)
    .bind(id)
    .bind(email)
    .bind(name)
    .bind(role)
    .bind(partner)
    .bind(hash)
    .execute(&mut **tx)
    .await
    .unwrap();
}
