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

pub async fn unassigned(tx: &mut Tx) -> Result<Vec<PartnerRow>, sqlx::Error> {
    crate::partners::store::unassigned(tx, 10).await
}

pub async fn user_email(tx: &mut Tx, id: Option<Uuid>) -> Result<Option<String>, sqlx::Error> {
    let Some(id) = id else { return Ok(None) };
    sqlx::query_scalar("select email from users where id = $1").bind(id).fetch_optional(&mut **tx).await
}
