//! The demo program's business plans, one in every state: Brightpath's agreed, Northwind's shared for review, an
//! amendment of Lotus Digital's waiting for acceptance, Cobalt's draft, Kestrel's closed last year (Mistral Data has
//! none: the CAM home lists it).

use crate::db::Tx;

/// (partner, fiscal year offset from this one, state, version, revenue target a quarter, deals a quarter)
type DemoPlan = (&'static str, i32, &'static str, i32, i32, i32);

const PLANS: &[DemoPlan] = &[
    ("Brightpath Solutions", 0, "agreed", 1, 45_000, 2),
    ("Northwind IT", 0, "shared", 1, 30_000, 1),
    ("Lotus Digital", 0, "shared", 2, 25_000, 1),
    ("Cobalt Integrations", 0, "draft", 1, 50_000, 1),
    ("Kestrel Cloud Services", -1, "closed", 1, 30_000, 1),
];

pub async fn load(tx: &mut Tx) -> anyhow::Result<()> {
    let partners: Vec<String> = PLANS.iter().map(|p| p.0.to_string()).collect();
    let offsets: Vec<i32> = PLANS.iter().map(|p| p.1).collect();
    let states: Vec<String> = PLANS.iter().map(|p| p.2.to_string()).collect();
    let versions: Vec<i32> = PLANS.iter().map(|p| p.3).collect();
    let revenue: Vec<i32> = PLANS.iter().map(|p| p.4).collect();
    let deals: Vec<i32> = PLANS.iter().map(|p| p.5).collect();
    // Plans, drafted by the partner's CAM (else the program admin), agreed by the partner's admin (else the program
    // admin) for the demo; the fiscal year is the calendar year (the program's default).
    sqlx::query!(
        "with v as (
             select * from unnest($1::text[], $2::int[], $3::text[], $4::int[], $5::int[], $6::int[])
                        as v (partner, year_offset, state, version, revenue, deals)),
         p as (
             insert into business_plans (tenant_id, id, partner_id, fiscal_year, starts_on, ends_on, state, version,
                                         currency, growth_percent, value_proposition, go_to_market,
                                         vendor_commitments, partner_commitments, margin_percent, rebates, mdf, costs,
                                         created_by, shared_at, agreed_at, agreed_by, closed_at)
             select p.tenant_id, gen_random_uuid(), p.id, y.fy, make_date(y.fy, 1, 1), make_date(y.fy + 1, 1, 1),
                    v.state, v.version, 'USD', 10,
                    'Managed cloud backup and recovery for regional banks and insurers, delivered and supported by '
                      || p.name || '.',
                    'Two joint webinars a half-year; a co-branded case study; target 40 named accounts.',
                    'Two sales-engineer days a quarter, MDF for the webinars, leads from the vendor''s events.',
                    'Two certified sales engineers, a quarterly pipeline review, registrations for every opportunity.',
                    22, 6000, 10000, 35000,
                    coalesce(p.cam_id, adm.id),
                    case when v.state <> 'draft' then now() - interval '40 days' end,
                    case when v.state in ('agreed', 'closed') or v.version > 1 then now() - interval '35 days' end,
                    case when v.state in ('agreed', 'closed') or v.version > 1 then coalesce(pa.id, adm.id) end,
                    case when v.state = 'closed' then now() - interval '20 days' end
               from v
               join partners p on p.name = v.partner
               cross join lateral (select extract(year from current_date)::int + v.year_offset as fy) y
               cross join lateral (select u.id from users u where u.role = 'program_admin' order by u.email limit 1) adm
               left join lateral (select u.id from users u where u.partner_id = p.id and u.role = 'partner_admin'
                                   order by u.email limit 1) pa on true
             returning tenant_id, id, partner_id, state, version, agreed_by, agreed_at)
         insert into business_plan_objectives (tenant_id, id, plan_id, position, kind, name, certification, weight,
                                               targets)
         select p.tenant_id, gen_random_uuid(), p.id, o.position, o.kind, o.name, o.certification, o.weight,
                array[o.target, o.target, o.target * 1.1, o.target * 1.2]::numeric[]
           from p
           join partners pp on pp.tenant_id = p.tenant_id and pp.id = p.partner_id
           join v on v.partner = pp.name
           cross join lateral (values
               (0, 'closed_won_revenue', 'Closed-won revenue', null::text, 60, v.revenue::numeric),
               (1, 'won_deals', 'Deals won', null, 25, v.deals::numeric),
               (2, 'certified_people', 'Certified sales engineers', 'sales_engineer', 15, 2::numeric)
           ) as o (position, kind, name, certification, weight, target)",
        &partners,
        &offsets,
        &states,
        &versions,
        &revenue,
        &deals,
    )
    .execute(&mut **tx)
    .await?;
    // The agreed versions: version 1 of each plan agreed once (the amendment's first version had lower targets).
    sqlx::query!(
        "insert into business_plan_versions (tenant_id, id, plan_id, version, snapshot, agreed_by, agreed_at)
         select b.tenant_id, gen_random_uuid(), b.id, 1,
                jsonb_build_object(
                    'currency', b.currency, 'growth_percent', b.growth_percent,
                    'objectives', (select jsonb_agg(jsonb_build_object(
                                       'id', o.id, 'kind', o.kind, 'name', o.name, 'certification', o.certification,
                                       'weight', o.weight,
                                       'targets', (select jsonb_agg((case when b.version > 1 then round(t * 0.9, 2)
                                                                          else t end)::text)
                                                     from unnest(o.targets) t),
                                       'manual_actuals', (select jsonb_agg(a::text) from unnest(o.manual_actuals) a))
                                   order by o.position)
                                     from business_plan_objectives o where o.plan_id = b.id),
                    'forecast', jsonb_build_object('margin_percent', b.margin_percent, 'rebates', b.rebates,
                                                   'mdf', b.mdf, 'costs', b.costs)),
                b.agreed_by, b.agreed_at
           from business_plans b where b.agreed_by is not null"
    )
    .execute(&mut **tx)
    .await?;
    sqlx::query!(
        "insert into business_plan_comments (tenant_id, id, plan_id, author_id, body, created_at)
         select b.tenant_id, gen_random_uuid(), b.id, coalesce(pa.id, b.created_by),
                'Q1 looks tight with our hiring plan; could the first quarter''s revenue target start lower?',
                now() - interval '38 days'
           from business_plans b
           left join lateral (select u.id from users u where u.partner_id = b.partner_id and u.role = 'partner_admin'
                               order by u.email limit 1) pa on true
          where b.state = 'shared'"
    )
    .execute(&mut **tx)
    .await?;
    Ok(())
}
