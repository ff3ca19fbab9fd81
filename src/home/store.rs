//! Rollup queries for the home pages. One definition of each count, computed in SQL over the tenant's rows.

use uuid::Uuid;

use crate::db::Tx;
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
    let row: (i64, i64, i64, i64, i64, i64, i64, i64) = sqlx::query_as(
        "select (select count(*) from partners),
                (select count(*) from partners where cam_id is null),
                (select count(*) from partners where life_stage = 'producing'),
                (select count(*) from users where role = 'cam' and active),
                (select count(*) from users where active),
                (select count(*) from users where partner_id is not null and active),
                (select count(*) from invitations where accepted_at is null and expires_at > now()),
                (select count(*) from outbox where sent_at is null)",
    )
    .fetch_one(&mut **tx)
    .await?;
    Ok(Totals {
        partners: row.0,
        unassigned: row.1,
        producing: row.2,
        cams: row.3,
        users: row.4,
        partner_users: row.5,
        open_invitations: row.6,
        queued_mail: row.7,
    })
}

pub struct Breakdown {
    pub key: String,
    pub count: i64,
}

/// Partners counted by one of their columns, largest group first.
pub async fn breakdown(tx: &mut Tx, column: &'static str) -> Result<Vec<Breakdown>, sqlx::Error> {
    let column = match column {
        "tier" | "life_stage" | "region" | "country" => column,
        _ => return Ok(Vec::new()),
    };
    let rows: Vec<(String, i64)> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "select {column}, count(*) from partners group by 1 order by 2 desc, 1 limit 12"
    )))
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|(key, count)| Breakdown { key, count }).collect())
}

pub struct CamLoad {
    pub name: String,
    pub partners: i64,
    pub onboarding: i64,
    pub producing: i64,
    pub lapsed: i64,
}

pub async fn by_cam(tx: &mut Tx) -> Result<Vec<CamLoad>, sqlx::Error> {
    let rows: Vec<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "select u.name, count(p.id),
                count(p.id) filter (where p.life_stage = 'onboarding'),
                count(p.id) filter (where p.life_stage = 'producing'),
                count(p.id) filter (where p.life_stage = 'lapsed')
           from users u left join partners p on p.tenant_id = u.tenant_id and p.cam_id = u.id
          where u.role = 'cam' and u.active
          group by u.id, u.name order by count(p.id) desc, lower(u.name)",
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(name, partners, onboarding, producing, lapsed)| CamLoad {
            name,
            partners,
            onboarding,
            producing,
            lapsed,
        })
        .collect())
}

/// Everything a partner's home shows, in one statement: the partner, its CAM, its active people and how its
/// registrations stand.
#[derive(sqlx::FromRow)]
pub struct PartnerHomeRow {
    #[sqlx(flatten)]
    pub partner: PartnerRow,
    pub cam_email: Option<String>,
    pub members: sqlx::types::Json<Vec<Member>>,
    pub pending: i64,
    pub approved: i64,
    pub won: i64,
    /// Onboarding: items and of them done, required items and of them done, overdue items, the open items by due date.
    pub ob_items: i64,
    pub ob_items_done: i64,
    pub ob_required: i64,
    pub ob_done: i64,
    pub ob_overdue: i64,
    pub ob_next: sqlx::types::Json<Vec<NextItem>>,
}

#[derive(serde::Deserialize)]
pub struct NextItem {
    pub title: String,
    pub due_on: chrono::NaiveDate,
    pub link: String,
}

#[derive(serde::Deserialize)]
pub struct Member {
    pub name: String,
    pub email: String,
    pub role: String,
    pub has_password: bool,
}

/// Everything a partner's home shows, in one statement. Each part is one aggregate over one index range, and
/// row-level security scopes every table to the tenant. Members come ordered by name and open onboarding items by
/// due date; the page shows the first few of each.
pub async fn partner_home(tx: &mut Tx, partner: Uuid) -> Result<Option<PartnerHomeRow>, sqlx::Error> {
    sqlx::query_as(
        "select p.id, p.name, p.country, p.region, p.tier, p.cam_id, c.name as cam_name, p.life_stage, p.created_at,
                p.active_users::bigint as user_count, c.email as cam_email, m.members, d.pending, d.approved, d.won,
                o.ob_items, o.ob_items_done, o.ob_required, o.ob_done, o.ob_overdue, o.ob_next
           from partners p
           left join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
           cross join lateral (
                select coalesce(json_agg(json_build_object('name', u.name, 'email', u.email, 'role', u.role,
                                                           'has_password', u.password_hash is not null)
                                         order by lower(u.name)), '[]') as members
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
          where p.id = $1",
    )
    .bind(partner)
    .fetch_optional(&mut **tx)
    .await
}
