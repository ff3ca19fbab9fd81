//! SQL for certifications, inside the request's tenant-scoped transaction; the caller's `Scope` narrows to a
//! partner's own or a CAM's assigned partners.

use chrono::{DateTime, NaiveDate, Utc};

use super::{CertStatus, CertificateFile, NewCertification, NewType, Source};
use crate::auth::{CurrentUser, Scope};
use crate::db::Tx;
use crate::ids::{CertificationId, CertificationTypeId, PartnerId, UserId};

#[derive(Debug, Clone)]
pub struct TypeRow {
    pub id: CertificationTypeId,
    pub code: String,
    pub name: String,
    pub validity_months: i32,
    pub active: bool,
}

/// The program's types, active first, by name.
pub async fn types(tx: &mut Tx) -> Result<Vec<TypeRow>, sqlx::Error> {
    sqlx::query_as!(
        TypeRow,
        r#"select id as "id: CertificationTypeId", code, name, validity_months, active
             from certification_types order by not active, name"#
    )
    .fetch_all(&mut **tx)
    .await
}

/// Adds a type; None when its code or name is taken.
pub async fn insert_type(
    tx: &mut Tx,
    tenant: crate::ids::TenantId,
    t: &NewType,
) -> Result<Option<CertificationTypeId>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"insert into certification_types (tenant_id, id, code, name, validity_months)
           values ($1, $2, $3, $4, $5)
           on conflict do nothing
           returning id as "id: CertificationTypeId""#,
        tenant as crate::ids::TenantId,
        CertificationTypeId::new() as CertificationTypeId,
        t.code,
        t.name,
        t.validity_months,
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Changes a type; false when there is none, Err on a name another type has (unique index).
pub async fn update_type(
    tx: &mut Tx,
    id: CertificationTypeId,
    name: Option<&str>,
    validity_months: Option<i32>,
    active: Option<bool>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update certification_types
            set name = coalesce($2, name), validity_months = coalesce($3, validity_months),
                active = coalesce($4, active), updated_at = now()
          where id = $1",
        id as CertificationTypeId,
        name,
        validity_months,
        active,
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Whether the scope may see the partner.
pub async fn partner_in_scope(tx: &mut Tx, scope: Scope, partner: PartnerId) -> Result<bool, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select exists (select 1 from partners
                           where id = $1 and ($2::uuid is null or id = $2) and ($3::uuid is null or cam_id = $3))
                  as "found!""#,
        partner as PartnerId,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_one(&mut **tx)
    .await
}

pub async fn partner_name(tx: &mut Tx, partner: PartnerId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("select name from partners where id = $1", partner as PartnerId).fetch_optional(&mut **tx).await
}

/// Who verifies a partner's certifications: its CAM, or the program admins when it has none.
pub async fn reviewers(tx: &mut Tx, partner: PartnerId) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar!(
        r#"select u.email as "email!" from partners p join users u on u.tenant_id = p.tenant_id and u.id = p.cam_id
          where p.id = $1 and u.active
         union
         select u.email from users u
          where u.role = 'program_admin' and u.active
            and not exists (select 1 from partners p join users c on c.tenant_id = p.tenant_id and c.id = p.cam_id
                             where p.id = $1 and c.active)
         order by 1"#,
        partner as PartnerId,
    )
    .fetch_all(&mut **tx)
    .await
}

pub async fn recorder_email(tx: &mut Tx, user: UserId) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar!("select email from users where id = $1 and active", user as UserId)
        .fetch_optional(&mut **tx)
        .await
}

/// Records a certification; None when the same person holds the same type from the same day already.
pub async fn insert(
    tx: &mut Tx,
    user: &CurrentUser,
    partner: PartnerId,
    c: &NewCertification,
    status: CertStatus,
    source: Source,
) -> Result<Option<CertificationId>, sqlx::Error> {
    let decided = status != CertStatus::Pending;
    sqlx::query_scalar!(
        r#"insert into certifications (tenant_id, id, partner_id, type_id, person_name, person_email, earned_on,
                                       expires_on, status, source, recorded_by, decided_by, decided_at)
           values ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, case when $12 then $11::uuid end,
                   case when $12 then now() end)
           on conflict (tenant_id, partner_id, type_id, person_email, earned_on) do nothing
           returning id as "id: CertificationId""#,
        user.tenant_id as crate::ids::TenantId,
        CertificationId::new() as CertificationId,
        partner as PartnerId,
        c.type_id as CertificationTypeId,
        c.person_name,
        c.person_email,
        c.earned_on,
        c.expires_on,
        status as CertStatus,
        source as Source,
        user.id as UserId,
        decided,
    )
    .fetch_optional(&mut **tx)
    .await
}

pub async fn insert_file(tx: &mut Tx, id: CertificationId, f: &CertificateFile) -> Result<(), sqlx::Error> {
    sqlx::query!(
        "insert into certification_files (tenant_id, certification_id, file_name, content_type, size, content)
         select tenant_id, id, $2, $3, $4, $5 from certifications where id = $1",
        id as CertificationId,
        f.name,
        f.content_type,
        f.bytes.len() as i32,
        f.bytes,
    )
    .execute(&mut **tx)
    .await
    .map(drop)
}

#[derive(Debug, Clone)]
pub struct CertificationRow {
    pub id: CertificationId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    pub type_code: String,
    pub type_name: String,
    pub person_name: String,
    pub person_email: String,
    pub earned_on: NaiveDate,
    pub expires_on: NaiveDate,
    pub status: CertStatus,
    pub source: Source,
    pub note: String,
    pub has_file: bool,
    pub recorded_by: UserId,
    pub decided_by_name: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub async fn get(tx: &mut Tx, scope: Scope, id: CertificationId) -> Result<Option<CertificationRow>, sqlx::Error> {
    sqlx::query_as!(
        CertificationRow,
        r#"select c.id as "id: CertificationId", c.partner_id as "partner_id: PartnerId", p.name as partner_name,
                  t.code as type_code, t.name as type_name, c.person_name, c.person_email, c.earned_on, c.expires_on,
                  c.status as "status: CertStatus", c.source as "source: Source", c.note,
                  exists (select 1 from certification_files f where f.tenant_id = c.tenant_id
                                                              and f.certification_id = c.id) as "has_file!",
                  c.recorded_by as "recorded_by: UserId", d.name as "decided_by_name?", c.decided_at, c.created_at
             from certifications c
             join partners p on p.tenant_id = c.tenant_id and p.id = c.partner_id
             join certification_types t on t.tenant_id = c.tenant_id and t.id = c.type_id
             left join users d on d.tenant_id = c.tenant_id and d.id = c.decided_by
            where c.id = $1 and ($2::uuid is null or c.partner_id = $2) and ($3::uuid is null or p.cam_id = $3)"#,
        id as CertificationId,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_optional(&mut **tx)
    .await
}

/// Filters of a list.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    pub partner: Option<PartnerId>,
    pub type_code: Option<String>,
    pub status: Option<CertStatus>,
    /// Only those counting on this day.
    pub counting_on: Option<NaiveDate>,
}

pub async fn list(
    tx: &mut Tx,
    scope: Scope,
    f: &Filter,
    limit: i64,
    offset: i64,
) -> Result<(Vec<CertificationRow>, i64), sqlx::Error> {
    let rows = sqlx::query!(
        r#"select c.id as "id: CertificationId", c.partner_id as "partner_id: PartnerId", p.name as partner_name,
                  t.code as type_code, t.name as type_name, c.person_name, c.person_email, c.earned_on, c.expires_on,
                  c.status as "status: CertStatus", c.source as "source: Source", c.note,
                  exists (select 1 from certification_files f where f.tenant_id = c.tenant_id
                                                              and f.certification_id = c.id) as "has_file!",
                  c.recorded_by as "recorded_by: UserId", d.name as "decided_by_name?", c.decided_at, c.created_at,
                  count(*) over () as "total!"
             from certifications c
             join partners p on p.tenant_id = c.tenant_id and p.id = c.partner_id
             join certification_types t on t.tenant_id = c.tenant_id and t.id = c.type_id
             left join users d on d.tenant_id = c.tenant_id and d.id = c.decided_by
            where ($1::uuid is null or c.partner_id = $1) and ($2::uuid is null or p.cam_id = $2)
              and ($3::uuid is null or c.partner_id = $3) and ($4::text is null or t.code = $4)
              and ($5::text is null or c.status = $5)
              and ($6::date is null or (c.status = 'verified' and c.expires_on >= $6))
            order by c.status <> 'pending', c.created_at desc, c.id
            limit $7 offset $8"#,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
        f.partner as Option<PartnerId>,
        f.type_code,
        f.status as Option<CertStatus>,
        f.counting_on,
        limit,
        offset,
    )
    .fetch_all(&mut **tx)
    .await?;
    let total = rows.first().map(|r| r.total).unwrap_or(0);
    let items = rows
        .into_iter()
        .map(|r| CertificationRow {
            id: r.id,
            partner_id: r.partner_id,
            partner_name: r.partner_name,
            type_code: r.type_code,
            type_name: r.type_name,
            person_name: r.person_name,
            person_email: r.person_email,
            earned_on: r.earned_on,
            expires_on: r.expires_on,
            status: r.status,
            source: r.source,
            note: r.note,
            has_file: r.has_file,
            recorded_by: r.recorded_by,
            decided_by_name: r.decided_by_name,
            decided_at: r.decided_at,
            created_at: r.created_at,
        })
        .collect();
    Ok((items, total))
}

/// Decides a pending certification; false when it was no longer pending.
pub async fn set_status(
    tx: &mut Tx,
    user: &CurrentUser,
    id: CertificationId,
    status: CertStatus,
    note: &str,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query!(
        "update certifications set status = $2, note = $3, decided_by = $4, decided_at = now(), updated_at = now()
          where id = $1 and status = 'pending'",
        id as CertificationId,
        status as CertStatus,
        note,
        user.id as UserId,
    )
    .execute(&mut **tx)
    .await?;
    Ok(done.rows_affected() == 1)
}

pub async fn delete(tx: &mut Tx, id: CertificationId) -> Result<(), sqlx::Error> {
    sqlx::query!("delete from certifications where id = $1", id as CertificationId).execute(&mut **tx).await.map(drop)
}

pub struct FileRow {
    pub file_name: String,
    pub content_type: String,
    pub content: Vec<u8>,
}

pub async fn file(tx: &mut Tx, scope: Scope, id: CertificationId) -> Result<Option<FileRow>, sqlx::Error> {
    sqlx::query_as!(
        FileRow,
        "select f.file_name, f.content_type, f.content
           from certification_files f
           join certifications c on c.tenant_id = f.tenant_id and c.id = f.certification_id
           join partners p on p.tenant_id = c.tenant_id and p.id = c.partner_id
          where f.certification_id = $1 and ($2::uuid is null or c.partner_id = $2) and ($3::uuid is null or p.cam_id = $3)",
        id as CertificationId,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_optional(&mut **tx)
    .await
}

/// How many different people of each partner hold a counting certification of the type `certification` names (its
/// code or its name, ignoring case, spaces and punctuation: "sales engineer" is `sales_engineer`) on `on`: the tier
/// requirement "certified people" and the scorecards read this.
pub async fn certified_people(
    tx: &mut Tx,
    partners: &[PartnerId],
    certification: &str,
    on: NaiveDate,
) -> Result<Vec<(PartnerId, i64)>, sqlx::Error> {
    let key: String = certification.chars().filter(char::is_ascii_alphanumeric).flat_map(char::to_lowercase).collect();
    let ids: Vec<uuid::Uuid> = partners.iter().map(|p| p.0).collect();
    let rows = sqlx::query!(
        r#"select c.partner_id as "partner_id: PartnerId", count(distinct c.person_email) as "n!"
             from certifications c
             join certification_types t on t.tenant_id = c.tenant_id and t.id = c.type_id
            where c.partner_id = any($1) and c.status = 'verified' and c.expires_on >= $3
              and $2 in (regexp_replace(t.code, '[^a-z0-9]', '', 'g'),
                         regexp_replace(lower(t.name), '[^a-z0-9]', '', 'g'))
            group by c.partner_id"#,
        &ids,
        key,
        on,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.partner_id, r.n)).collect())
}

/// For each type, how many different people in scope hold a counting certification of it on `on`.
pub async fn counting_by_type(tx: &mut Tx, scope: Scope, on: NaiveDate) -> Result<Vec<(String, i64)>, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select t.code, count(distinct (c.partner_id, c.person_email)) as "n!"
             from certifications c
             join certification_types t on t.tenant_id = c.tenant_id and t.id = c.type_id
             join partners p on p.tenant_id = c.tenant_id and p.id = c.partner_id
            where c.status = 'verified' and c.expires_on >= $1
              and ($2::uuid is null or c.partner_id = $2) and ($3::uuid is null or p.cam_id = $3)
            group by t.code"#,
        on,
        scope.partner() as Option<PartnerId>,
        scope.cam() as Option<UserId>,
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| (r.code, r.n)).collect())
}
