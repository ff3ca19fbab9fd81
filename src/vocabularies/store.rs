//! SQL for the program's vocabularies.

use super::{Entry, Kind, Vocabularies, Vocabulary};
use crate::db::Tx;
use crate::ids::TenantId;

/// Both lists, offered entries first in the admin's order, then retired ones.
pub async fn load(tx: &mut Tx) -> Result<Vocabularies, sqlx::Error> {
    let rows = sqlx::query!(
        r#"select kind as "kind: Kind", code, label, active from vocabulary_entries
            order by kind, not active, position, code"#
    )
    .fetch_all(&mut **tx)
    .await?;
    let mut out = Vocabularies::default();
    for r in rows {
        let list: &mut Vocabulary = match r.kind {
            Kind::Vertical => &mut out.verticals,
            Kind::Service => &mut out.services,
        };
        list.entries.push(Entry { code: r.code, label: r.label, active: r.active });
    }
    Ok(out)
}

/// Makes `list` (code, label) the offered entries of `kind`, in order: new codes are added, known ones relabelled and
/// brought back, and the rest retired. Each change is audited.
pub async fn replace(tx: &mut Tx, tenant: TenantId, kind: Kind, list: &[(String, String)]) -> Result<(), sqlx::Error> {
    let codes: Vec<String> = list.iter().map(|(c, _)| c.clone()).collect();
    let labels: Vec<String> = list.iter().map(|(_, l)| l.clone()).collect();
    sqlx::query!(
        "update vocabulary_entries set active = false where kind = $1 and active and not (code = any($2))",
        kind as Kind,
        &codes,
    )
    .execute(&mut **tx)
    .await?;
    // Labels move between codes only through a retired entry (validated before), so the order of updates within the
    // one statement cannot meet the unique label index halfway.
    sqlx::query!(
        "insert into vocabulary_entries (tenant_id, kind, code, label, position)
         select $1, $2, code, label, position
           from unnest($3::text[], $4::text[]) with ordinality as l (code, label, position)
         on conflict (tenant_id, kind, code) do update
            set label = excluded.label, position = excluded.position, active = true
          where (vocabulary_entries.label, vocabulary_entries.position, vocabulary_entries.active)
                is distinct from (excluded.label, excluded.position, true)",
        tenant as TenantId,
        kind as Kind,
        &codes,
        &labels,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
