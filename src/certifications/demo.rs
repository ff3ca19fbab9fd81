//! The demo program's certifications: verified ones of different ages (some expired), some awaiting the CAM with
//! their certificates, one rejected.

use crate::db::Tx;

/// A one-page PDF certificate, small enough to keep in the binary.
const CERTIFICATE: &[u8] = b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n\
2 0 obj << /Type /Pages /Kids [3 0 R] /Count 1 >> endobj\n\
3 0 obj << /Type /Page /Parent 2 0 R /MediaBox [0 0 612 396] >> endobj\n\
trailer << /Root 1 0 R >>\n%%EOF\n";

/// (partner, person, email, type code, days since earned, status, note)
type Person = (&'static str, &'static str, &'static str, &'static str, i32, &'static str, &'static str);

const PEOPLE: &[Person] = &[
    (
        "Brightpath Solutions",
        "Olivia Brooks",
        "olivia.brooks@brightpath.demo.test",
        "sales_engineer",
        240,
        "verified",
        "",
    ),
    (
        "Brightpath Solutions",
        "Ethan Park",
        "ethan.park@brightpath.demo.test",
        "sales_professional",
        420,
        "verified",
        "",
    ),
    (
        "Brightpath Solutions",
        "Grace Liu",
        "grace.liu@brightpath.demo.test",
        "implementation_specialist",
        800,
        "verified",
        "",
    ),
    ("Brightpath Solutions", "Grace Liu", "grace.liu@brightpath.demo.test", "sales_engineer", 95, "verified", ""),
    ("Brightpath Solutions", "Noah Patel", "noah.patel@brightpath.demo.test", "sales_engineer", 12, "pending", ""),
    ("Northwind IT", "Liam Foster", "liam.foster@northwind.demo.test", "sales_professional", 150, "verified", ""),
    ("Northwind IT", "Ava Kim", "ava.kim@northwind.demo.test", "support_specialist", 400, "verified", ""),
    ("Northwind IT", "Zoe Adams", "zoe.adams@northwind.demo.test", "sales_engineer", 6, "pending", ""),
    ("Cobalt Integrations", "Amelia Hart", "amelia@cobalt.demo.test", "implementation_specialist", 300, "verified", ""),
    (
        "Cobalt Integrations",
        "Ryan Cole",
        "ryan.cole@cobalt.demo.test",
        "sales_engineer",
        90,
        "rejected",
        "The certificate is issued to another person; upload Ryan's own.",
    ),
    ("Lotus Digital", "Hana Sato", "hana.sato@lotus.demo.test", "sales_professional", 540, "verified", ""),
    ("Lotus Digital", "Omar Said", "omar.said@lotus.demo.test", "sales_engineer", 60, "verified", ""),
    ("Kestrel Cloud Services", "Mia Thompson", "mia@kestrel.demo.test", "sales_professional", 900, "verified", ""),
    ("Mistral Data", "Jonas Berg", "jonas.berg@mistral.demo.test", "support_specialist", 500, "verified", ""),
];

pub async fn load(tx: &mut Tx) -> anyhow::Result<()> {
    let column = |f: fn(&Person) -> String| PEOPLE.iter().map(f).collect::<Vec<_>>();
    let partners = column(|p| p.0.to_string());
    let names = column(|p| p.1.to_string());
    let emails = column(|p| p.2.to_string());
    let codes = column(|p| p.3.to_string());
    let ages: Vec<i32> = PEOPLE.iter().map(|p| p.4).collect();
    let statuses = column(|p| p.5.to_string());
    let notes = column(|p| p.6.to_string());
    // Recorded by the partner's admin where it has one in the portal (else imported by the program admin), decided
    // by its CAM (else the program admin) a few days after.
    sqlx::query!(
        "insert into certifications (tenant_id, id, partner_id, type_id, person_name, person_email, earned_on, expires_on,
                                     status, source, note, recorded_by, decided_by, decided_at, created_at)
         select p.tenant_id, gen_random_uuid(), p.id, t.id, v.name, v.email, current_date - v.age,
                ((current_date - v.age) + make_interval(months => t.validity_months))::date, v.status,
                case when pa.id is null then 'import' else 'manual' end, v.note,
                coalesce(pa.id, adm.id),
                case when v.status <> 'pending' then coalesce(cam.id, adm.id) end,
                case when v.status <> 'pending' then now() - make_interval(days => greatest(v.age - 4, 0)) end,
                now() - make_interval(days => v.age)
           from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::int[], $6::text[], $7::text[])
                as v (partner, name, email, code, age, status, note)
           join partners p on p.name = v.partner
           join certification_types t on t.code = v.code
           left join users cam on cam.tenant_id = p.tenant_id and cam.id = p.cam_id
           left join lateral (select u.id from users u where u.partner_id = p.id and u.role = 'partner_admin'
                               order by u.email limit 1) pa on true
           cross join lateral (select u.id from users u where u.role = 'program_admin' order by u.email limit 1) adm",
        &partners,
        &names,
        &emails,
        &codes,
        &ages,
        &statuses,
        &notes,
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into certification_files (tenant_id, certification_id, file_name, content_type, size, content)
         select tenant_id, id, replace(lower(person_name), ' ', '-') || '-certificate.pdf', 'application/pdf',
                octet_length($1::bytea), $1
           from certifications where status <> 'verified' or source = 'manual'",
        CERTIFICATE,
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
