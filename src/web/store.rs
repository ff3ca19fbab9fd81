//! What every page reads about its reader, in one statement of the request's transaction: the zone their times are
//! shown in, the program's zone (deadlines), and the counts of the navigation.

use chrono_tz::Tz;

use crate::auth::{Role, Scope};
use crate::db::Tx;
use crate::ids::UserId;
use crate::web::{format, nav};

/// The reader of a page.
#[derive(Debug, Clone, Copy)]
pub struct Reader {
    /// The zone times are shown in: the user's own, else the program's.
    pub zone: Tz,
    /// The program's zone, in which deadlines are days.
    pub tenant_zone: Tz,
    pub counts: nav::Counts,
}

impl Default for Reader {
    fn default() -> Reader {
        Reader { zone: Tz::UTC, tenant_zone: Tz::UTC, counts: nav::Counts::default() }
    }
}

/// Reads the reader `user` (of `role`, within `scope`) of a page.
pub async fn reader(tx: &mut Tx, user: UserId, role: Role, scope: Scope) -> Result<Reader, sqlx::Error> {
    // The approvals count is a sum over the pending rows of `deal_counts` (a few per partner), for those who approve.
    let approves = matches!(role, Role::ProgramAdmin | Role::Cam);
    let row = sqlx::query!(
        r#"select coalesce(u.time_zone, t.time_zone) as "zone!", t.time_zone as "tenant_zone!",
                  case when $2 then (select coalesce(sum(c.n), 0)::bigint from deal_counts c
                                      where c.status = 'pending' and ($3::uuid is null or c.cam_id = $3)) end
                    as "approvals?"
             from users u join tenants t on t.id = u.tenant_id
            where u.id = $1"#,
        user as UserId,
        approves,
        scope.cam() as Option<UserId>,
    )
    .fetch_one(&mut **tx)
    .await?;
    let tenant_zone = format::zone(&row.tenant_zone).unwrap_or(Tz::UTC);
    Ok(Reader {
        zone: format::zone(&row.zone).unwrap_or(tenant_zone),
        tenant_zone,
        counts: nav::Counts { approvals: row.approvals },
    })
}
