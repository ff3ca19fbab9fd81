//! Rollup queries for the home pages. One definition of each count, computed in SQL over the tenant's rows.

use sqlx::types::Json;

use crate::auth::Role;
use crate::db::Tx;
use crate::ids::{PartnerId, UserId};
use crate::partners::LifeStage;
use crate::partners::store::PartnerRow;

pub struct Totals {
    pub partners: i64,
    pub unassigned: i64,
    pub producing: i64,
    pub cams: i64,
    pub users: i64,
    pub partner_users: i64,
    pub open_invitations: i64,
    pub queued_mail: i64,
}

pub async fn totals(tx: &mut Tx) -> Result<Totals, sqlx::Error> {
    sqlx::query_as!(
        Totals,
        r#"select (select count(*) from partners) as "partners!",
                  (select count(*) from partners where cam_id is null) as "unassigned!",
                  (select count(*) from partners where life_stage = 'producing') as "producing!",
                  (select count(*) from users where role = 'cam' and active) as "cams!",
                  (select count(*) from users where active) as "users!",
                  (select count(*) from users where partner_id is not null and active) as "partner_users!",
                  (select count(*) from invitations where accepted_at is null and expires_at > now())
                      as "open_invitations!",
                  (select count(*) from outbox where sent_at is null) as "queued_mail!""#
    )
    .fetch_one(&mut **tx)
    .await
}

pub struct Breakdown {
    pub key: String,
    pub count: i64,
}

/// What partners can be counted by on the chief's home.
#[derive(Debug, Clone, Copy)]
pub enum By {
    Tier,
    LifeStage,
    Region,
    Country,
}

/// Partners counted by one of their columns, largest group first.
pub async fn breakdown(tx: &mut Tx, by: By) -> Result<Vec<Breakdown>, sqlx::Error> {
    match by {
        By::Tier => {
            sqlx::query_as!(
                Breakdown,
                r#"select tier as "key!", count(*) as "count!" from partners group by 1 order by 2 desc, 1 limit 12"#
            )
            .fetch_all(&mut **tx)
            .await
        }
        By::LifeStage => sqlx::query_as!(
            Breakdown,
            r#"select life_stage as "key!", count(*) as "count!" from partners group by 1 order by 2 desc, 1 limit 12"#
        )
        .fetch_all(&mut **tx)
        .await,
        By::Region => {
            sqlx::query_as!(
                Breakdown,
                r#"select region as "key!", count(*) as "count!" from partners group by 1 order by 2 desc, 1 limit 12"#
            )
            .fetch_all(&mut **tx)
            .await
        }
        By::Country => {
            sqlx::query_as!(
                Breakdown,
                r#"select country as "key!", count(*) as "count!" from partners group by 1 order by 2 desc, 1 limit 12"#
            )
            .fetch_all(&mut **tx)
            .await
        }
    }
}

pub struct CamLoad {
    pub name: String,
    pub partners: i64,
    pub onboarding: i64,
    pub producing: i64,
    pub lapsed: i64,
}

pub async fn by_cam(tx: &mut Tx) -> Result<Vec<CamLoad>, sqlx::Error> {
    sqlx::query_as!(
        CamLoad,
        r#"select u.name, count(p.id) as "partners!",
                  count(p.id) filter (where p.life_stage = 'onboarding') as "onboarding!",
                  count(p.id) filter (where p.life_stage = 'producing') as "producing!",
                  count(p.id) filter (where p.life_stage = 'lapsed') as "lapsed!"
             from users u left join partners p on p.tenant_id = u.tenant_id and p.cam_id = u.id
            where u.role = 'cam' and u.active
            group by u.id, u.name order by count(p.id) desc, lower(u.name)"#
    )
    .fetch_all(&mut **tx)
    .await
}

/// Everything a partner's home shows, in one statement: the partner, its CAM, its active people and how its
/// registrations stand.
pub struct PartnerHomeRow {
    pub partner: PartnerRow,
    pub cam_email: Option<String>,
    pub members: Vec<Member>,
    pub pending: i64,
    pub approved: i64,
    pub won: i64,
    /// Onboarding: items and of them done, required items and of them done, overdue items, the open items by due date.
    pub ob_items: i64,
    pub ob_items_done: i64,
    pub ob_required: i64,
    pub ob_done: i64,
    pub ob_overdue: i64,
    pub ob_next: Vec<NextItem>,
}

#[derive(Debug, serde::Deserialize)]
pub struct NextItem {
    pub title: String,
    pub due_on: chrono::NaiveDate,
    pub link: String,
}

#[derive(Debug, serde::Deserialize)]
pub struct Member {
    pub name: String,
    pub email: String,
    pub role: Role,
    pub has_password: bool,
}

/// Everything a partner's home shows, in one statement. Each part is one aggregate over one index range, and
/// row-level security scopes every table to the tenant. Members come ordered by name and open onboarding items by
/// due date; the page shows the first few of each.
pub async fn partner_home(tx: &mut Tx, partner: PartnerId) -> Result<Option<PartnerHomeRow>, sqlx::Error> {
    let row = sqlx::query!(
        r#"select p.id as "id: PartnerId", p.name, p.country, p.region, p.tier, p.cam_id as "cam_id: UserId",
                  c.name as "cam_name?", p.life_stage as "life_stage: LifeStage", p.created_at,
                  m.user_count as "user_count!", c.email as "cam_email?",
                  m.members as "members!: Json<Vec<Member>>", d.pending as "pending!", d.approved as "approved!",
                  d.won as "won!", o.ob_items as "ob_items!", o.ob_items_done as "ob_items_done!",
                  o.ob_required as "ob_required!", o.ob_done as "ob_done!", o.ob_overdue as "ob_overdue!",
                  o.ob_next as "ob_next!: Json<Vec<NextItem>>"
             from partners p
             left join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
             cross join lateral (
                  select coalesce(json_agg(json_build_object('name', u.name, 'email', u.email, 'role', u.role,
                                                             'has_password', u.password_hash is not null)
                                           order by lower(u.name)), '[]') as members,
                         count(*) as user_count
                    from users u where u.partner_id = p.id and u.active) m
             cross join lateral (
                  select coalesce(sum(n) filter (where status = 'pending'), 0)::bigint as pending,
                         coalesce(sum(n) filter (where status = 'approved'), 0)::bigint as approved,
                         coalesce(sum(n) filter (where status = 'won'), 0)::bigint as won
                    from deal_counts where partner_id = p.id) d
             cross join lateral (
                  select count(*) as ob_items, count(*) filter (where completed_at is not null) as ob_items_done,
                         count(*) filter (where required) as ob_required,
                         count(*) filter (where required and completed_at is not null) as ob_done,
                         count(*) filter (where completed_at is null and due_on < current_date) as ob_overdue,
                         coalesce(json_agg(json_build_object('title', i.title, 'due_on', i.due_on, 'link', i.link)
                                           order by i.due_on, i.position) filter (where i.completed_at is null),
                                  '[]') as ob_next
                    from onboarding_items i where i.partner_id = p.id) o
            where p.id = $1"#,
        partner as PartnerId,
    )
    .fetch_optional(&mut **tx)
    .await?;
    Ok(row.map(|r| PartnerHomeRow {
        partner: PartnerRow {
            id: r.id,
            name: r.name,
            country: r.country,
            region: r.region,
            tier: r.tier,
            cam_id: r.cam_id,
            cam_name: r.cam_name,
            life_stage: r.life_stage,
            user_count: r.user_count,
            created_at: r.created_at,
        },
        cam_email: r.cam_email,
        members: r.members.0,
        pending: r.pending,
        approved: r.approved,
        won: r.won,
        ob_items: r.ob_items,
        ob_items_done: r.ob_items_done,
        ob_required: r.ob_required,
        ob_done: r.ob_done,
        ob_overdue: r.ob_overdue,
        ob_next: r.ob_next.0,
    }))
}
