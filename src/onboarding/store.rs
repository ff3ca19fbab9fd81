//! SQL for the onboarding template and partners' checklists.

use chrono::{DateTime, NaiveDate, Utc};

use super::{Auto, Owner};
use crate::auth::Scope;
use crate::db::Tx;
use crate::ids::{OnboardingItemId, PartnerId, TemplateItemId, TenantId, UserId};
use crate::partners::LifeStage;

#[derive(Debug, Clone)]
pub struct TemplateItem {
    pub id: TemplateItemId,
    pub position: i32,
    pub title: String,
    pub description: String,
    pub link: String,
    pub phase: i32,
    pub owner: Owner,
    pub due_days: i32,
    pub required: bool,
    pub auto: Option<Auto>,
}

pub async fn template(tx: &mut Tx) -> Result<Vec<TemplateItem>, sqlx::Error> {
    sqlx::query_as!(
        TemplateItem,
        r#"select id as "id: TemplateItemId", position, title, description, link, phase, owner as "owner: Owner",
                  due_days, required, auto as "auto: Auto"
             from onboarding_template_items order by phase, due_days, position, id"#
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn template_item(tx: &mut Tx, id: TemplateItemId) -> Result<Option<TemplateItem>, sqlx::Error> {
    sqlx::query_as!(
        TemplateItem,
        r#"select id as "id: TemplateItemId", position, title, description, link, phase, owner as "owner: Owner",
                  due_days, required, auto as "auto: Auto"
             from onboarding_template_items where id = $1"#,
        id as TemplateItemId,
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Inserts (`id` None) or updates a template item; false when the item to update does not exist.
pub async fn save_template_item(
    tx: &mut Tx,
    tenant: TenantId,
    id: Option<TemplateItemId>,
    t: &TemplateItem,
) -> Result<bool, sqlx::Error> {
    let done = match id {
        None => {
            sqlx::query!(
                "insert into onboarding_template_items
                   (tenant_id, position, title, description, link, phase, owner, due_days, required, auto)
                 values ($1, coalesce((select max(position) + 1 from onboarding_template_items), 1), $2, $3, $4, $5, $6,
                         $7, $8, $9)",
                tenant as TenantId,
                t.title,
                t.description,
                t.link,
                t.phase,
                t.owner as Owner,
                t.due_days,
                t.required,
                t.auto as Option<Auto>,
            )
            .execute(&mut **tx)
            .await?
        }
        Some(id) => {
            sqlx::query!(
                "update onboarding_template_items set title = $2, description = $3, link = $4, phase = $5, owner = $6,
                        due_days = $7, required = $8, auto = $9
                  where id = $1",
                id as TemplateItemId,
                t.title,
                t.description,
                t.link,
                t.phase,
                t.owner as Owner,
                t.due_days,
                t.required,
                t.auto as Option<Auto>,
            )
            .execute(&mut **tx)
            .await?
        }
    };
    Ok(done.rows_affected() == 1)
}

pub async fn delete_template_item(tx: &mut Tx, id: TemplateItemId) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!("delete from onboarding_template_items where id = $1", id as TemplateItemId)
        .execute(&mut **tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Copies the template into the partner's checklist, due dates counted from `start`, and completes at once what has
/// already happened. Returns how many items the checklist has.
pub async fn create_checklist(
    tx: &mut Tx,
    tenant: TenantId,
    partner: PartnerId,
    start: NaiveDate,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query!(
        "insert into onboarding_items
           (tenant_id, partner_id, position, title, description, link, phase, owner, due_on, required, auto)
         select $1, $2, row_number() over (order by phase, due_days, position, id), title, description, link, phase,
                owner, $3::date + due_days, required, auto
           from onboarding_template_items",
        tenant as TenantId,
        partner as PartnerId,
        start,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!("select app_refresh_onboarding($1)", partner as PartnerId).execute(&mut **tx).await?;
    Ok(done.rows_affected())
}

#[derive(Debug, Clone)]
pub struct ItemRow {
    pub id: OnboardingItemId,
    pub partner_id: PartnerId,
    pub cam_id: Option<UserId>,
    pub title: String,
    pub description: String,
    pub link: String,
    pub phase: i32,
    pub owner: Owner,
    pub due_on: NaiveDate,
    pub required: bool,
    pub auto: Option<Auto>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<UserId>,
    pub completed_by_name: Option<String>,
    pub note: Option<String>,
}

pub async fn items(tx: &mut Tx, partner: PartnerId) -> Result<Vec<ItemRow>, sqlx::Error> {
    sqlx::query_as!(
        ItemRow,
        r#"select i.id as "id: OnboardingItemId", i.partner_id as "partner_id: PartnerId", p.cam_id as "cam_id: UserId",
                  i.title, i.description, i.link, i.phase, i.owner as "owner: Owner", i.due_on, i.required,
                  i.auto as "auto: Auto", i.completed_at, i.completed_by as "completed_by: UserId",
                  u.name as "completed_by_name?", i.note
             from onboarding_items i
             join partners p on p.tenant_id = i.tenant_id and p.id = i.partner_id
             left join users u on u.tenant_id = i.tenant_id and u.id = i.completed_by
            where i.partner_id = $1 order by i.position, i.id"#,
        partner as PartnerId,
    )
    .fetch_all(&mut **tx)
    .await
}

/// One checklist item the caller may see (locked for a change), or None.
pub async fn item(tx: &mut Tx, scope: Scope, id: OnboardingItemId) -> Result<Option<ItemRow>, sqlx::Error> {
    // One statement per kind of scope, so that each prepared statement keeps a plan that uses the right index.
    match scope {
        Scope::Tenant => {
            sqlx::query_as!(
                ItemRow,
                r#"select i.id as "id: OnboardingItemId", i.partner_id as "partner_id: PartnerId",
                          p.cam_id as "cam_id: UserId", i.title, i.description, i.link, i.phase,
                          i.owner as "owner: Owner", i.due_on, i.required, i.auto as "auto: Auto", i.completed_at,
                          i.completed_by as "completed_by: UserId", u.name as "completed_by_name?", i.note
                     from onboarding_items i
                     join partners p on p.tenant_id = i.tenant_id and p.id = i.partner_id
                     left join users u on u.tenant_id = i.tenant_id and u.id = i.completed_by
                    where i.id = $1 for update of i"#,
                id as OnboardingItemId,
            )
            .fetch_optional(&mut **tx)
            .await
        }
        Scope::Cam(cam) => {
            sqlx::query_as!(
                ItemRow,
                r#"select i.id as "id: OnboardingItemId", i.partner_id as "partner_id: PartnerId",
                          p.cam_id as "cam_id: UserId", i.title, i.description, i.link, i.phase,
                          i.owner as "owner: Owner", i.due_on, i.required, i.auto as "auto: Auto", i.completed_at,
                          i.completed_by as "completed_by: UserId", u.name as "completed_by_name?", i.note
                     from onboarding_items i
                     join partners p on p.tenant_id = i.tenant_id and p.id = i.partner_id
                     left join users u on u.tenant_id = i.tenant_id and u.id = i.completed_by
                    where i.id = $1 and p.cam_id = $2 for update of i"#,
                id as OnboardingItemId,
                cam as UserId,
            )
            .fetch_optional(&mut **tx)
            .await
        }
        Scope::Partner(partner) => {
            sqlx::query_as!(
                ItemRow,
                r#"select i.id as "id: OnboardingItemId", i.partner_id as "partner_id: PartnerId",
                          p.cam_id as "cam_id: UserId", i.title, i.description, i.link, i.phase,
                          i.owner as "owner: Owner", i.due_on, i.required, i.auto as "auto: Auto", i.completed_at,
                          i.completed_by as "completed_by: UserId", u.name as "completed_by_name?", i.note
                     from onboarding_items i
                     join partners p on p.tenant_id = i.tenant_id and p.id = i.partner_id
                     left join users u on u.tenant_id = i.tenant_id and u.id = i.completed_by
                    where i.id = $1 and p.id = $2 for update of i"#,
                id as OnboardingItemId,
                partner as PartnerId,
            )
            .fetch_optional(&mut **tx)
            .await
        }
    }
}

pub async fn set_completed(
    tx: &mut Tx,
    id: OnboardingItemId,
    by: Option<UserId>,
    note: Option<&str>,
    done: bool,
) -> Result<(), sqlx::Error> {
    if done {
        sqlx::query!(
            "update onboarding_items set completed_at = now(), completed_by = $2, note = $3 where id = $1",
            id as OnboardingItemId,
            by as Option<UserId>,
            note,
        )
        .execute(&mut **tx)
        .await?;
    } else {
        sqlx::query!(
            "update onboarding_items set completed_at = null, completed_by = null, note = null where id = $1",
            id as OnboardingItemId,
        )
        .execute(&mut **tx)
        .await?;
    }
    Ok(())
}

/// A partner's onboarding at a glance, for the CAM's overview.
#[derive(Debug, Clone)]
pub struct ProgressRow {
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub life_stage: LifeStage,
    pub cam_name: Option<String>,
    pub items: i64,
    pub done: i64,
    pub required: i64,
    pub required_done: i64,
    pub overdue: i64,
    pub cam_open: i64,
    pub next_due: Option<NaiveDate>,
    pub next_title: Option<String>,
}

/// Every partner in scope that has a checklist, the ones with overdue items first.
pub async fn progress(tx: &mut Tx, scope: Scope) -> Result<Vec<ProgressRow>, sqlx::Error> {
    // One statement per kind of scope, so that each prepared statement keeps a plan that uses the right index.
    match scope {
        Scope::Tenant => {
            sqlx::query_as!(
                ProgressRow,
                r#"select p.id as "partner_id: PartnerId", p.name as partner_name,
                          p.life_stage as "life_stage: LifeStage", c.name as "cam_name?",
                          count(*) as "items!",
                          count(*) filter (where i.completed_at is not null) as "done!",
                          count(*) filter (where i.required) as "required!",
                          count(*) filter (where i.required and i.completed_at is not null) as "required_done!",
                          count(*) filter (where i.completed_at is null and i.due_on < current_date) as "overdue!",
                          count(*) filter (where i.completed_at is null and i.owner = 'cam') as "cam_open!",
                          min(i.due_on) filter (where i.completed_at is null) as next_due,
                          (array_agg(i.title order by i.due_on, i.position)
                              filter (where i.completed_at is null))[1] as next_title
                     from partners p
                     join onboarding_items i on i.tenant_id = p.tenant_id and i.partner_id = p.id
                     left join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
                    group by p.id, p.name, p.life_stage, c.name
                    order by count(*) filter (where i.completed_at is null and i.due_on < current_date) > 0 desc,
                             lower(p.name)"#
            )
            .fetch_all(&mut **tx)
            .await
        }
        Scope::Cam(cam) => {
            sqlx::query_as!(
                ProgressRow,
                r#"select p.id as "partner_id: PartnerId", p.name as partner_name,
                          p.life_stage as "life_stage: LifeStage", c.name as "cam_name?",
                          count(*) as "items!",
                          count(*) filter (where i.completed_at is not null) as "done!",
                          count(*) filter (where i.required) as "required!",
                          count(*) filter (where i.required and i.completed_at is not null) as "required_done!",
                          count(*) filter (where i.completed_at is null and i.due_on < current_date) as "overdue!",
                          count(*) filter (where i.completed_at is null and i.owner = 'cam') as "cam_open!",
                          min(i.due_on) filter (where i.completed_at is null) as next_due,
                          (array_agg(i.title order by i.due_on, i.position)
                              filter (where i.completed_at is null))[1] as next_title
                     from partners p
                     join onboarding_items i on i.tenant_id = p.tenant_id and i.partner_id = p.id
                     left join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
                    where p.cam_id = $1
                    group by p.id, p.name, p.life_stage, c.name
                    order by count(*) filter (where i.completed_at is null and i.due_on < current_date) > 0 desc,
                             lower(p.name)"#,
                cam as UserId,
            )
            .fetch_all(&mut **tx)
            .await
        }
        Scope::Partner(partner) => {
            sqlx::query_as!(
                ProgressRow,
                r#"select p.id as "partner_id: PartnerId", p.name as partner_name,
                          p.life_stage as "life_stage: LifeStage", c.name as "cam_name?",
                          count(*) as "items!",
                          count(*) filter (where i.completed_at is not null) as "done!",
                          count(*) filter (where i.required) as "required!",
                          count(*) filter (where i.required and i.completed_at is not null) as "required_done!",
                          count(*) filter (where i.completed_at is null and i.due_on < current_date) as "overdue!",
                          count(*) filter (where i.completed_at is null and i.owner = 'cam') as "cam_open!",
                          min(i.due_on) filter (where i.completed_at is null) as next_due,
                          (array_agg(i.title order by i.due_on, i.position)
                              filter (where i.completed_at is null))[1] as next_title
                     from partners p
                     join onboarding_items i on i.tenant_id = p.tenant_id and i.partner_id = p.id
                     left join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
                    where p.id = $1
                    group by p.id, p.name, p.life_stage, c.name
                    order by count(*) filter (where i.completed_at is null and i.due_on < current_date) > 0 desc,
                             lower(p.name)"#,
                partner as PartnerId,
            )
            .fetch_all(&mut **tx)
            .await
        }
    }
}
