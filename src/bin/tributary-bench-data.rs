//! `tributary-bench-data`: fills the database with realistic, deterministic data for load tests, fast (bulk COPY).
//!
//! Two tenants are generated: `bench` ("Bench Corp", scale from the command line) and `bench-small`
//! ("Small Bench Co": 1 admin, 2 CAMs, 20 partners, 1,000 deals). Every user signs in with `bench-password`.
//! The same seed gives the same rows (ids included); dates are relative to the day of the run.
//!
//! Running it again is cheap: a tenant that is already there with the same seed and scale is left alone; one with
//! another scale is deleted (all of its rows) and generated again. Everything for one tenant happens in a single
//! transaction, so an interrupted run leaves the database as it was.
//!
//! Customers are drawn from a pool of about N/4.5 base names, each written in a constant number of spellings
//! (case, legal suffix, "&"/"and", a leading "The", www./eu. subdomains), so that several partners register the
//! same customer and the conflict check has real work to do; open (pending or approved) registrations of one base
//! customer are capped at a few. One registration in `LABELLED_ONE_IN` names a real-world company of the conflict
//! rule's labelled pairs (`rules::company_pairs`) instead, so that clashes include the variants and near-misses
//! partners really type.

use std::process::ExitCode;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};
use chrono::{DateTime, Datelike, NaiveDate, Timelike, Utc};
use clap::Parser;
use rand::distributions::{Distribution, WeightedIndex};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use sqlx::{ConnectOptions, Connection, Executor, PgConnection};
use tracing_subscriber::EnvFilter;
use tributary::auth::Role;
use tributary::config::Config;
use tributary::db::Database;
use tributary::deals::{DealStatus, RejectReason};
use tributary::ids::{DealId, PartnerId, ProductId, TenantId, UserId};
use tributary::partners::LifeStage;
use tributary::rules::company_pairs::{Company, labelled_pairs};
use tributary::rules::deal_conflict::{normalize_name, registrable_domain};
use uuid::Uuid;

const PASSWORD: &str = "bench-password";
/// Size of one COPY message.
const CHUNK: usize = 2 << 20;
const DAY: i64 = 86_400;
const HOUR: i64 = 3_600;
/// Distinct (name, domain) spellings per base customer.
const VARIANTS: u64 = 4;
/// At most this many open (pending, approved) registrations per base customer.
const OPEN_CAP: u8 = 3;
/// Below this many deals the indexes of `deals` are kept during the load.
const DROP_INDEXES_FROM: usize = 50_000;

#[derive(Parser, Debug)]
#[command(
    name = "tributary-bench-data",
    about = "Fill the database with deterministic load-test data (tenants `bench` and `bench-small`)",
    long_about = "Fill the database with deterministic load-test data: tenant `bench` at the given scale and a small \
                  tenant `bench-small`. Uses the normal configuration (DATABASE_URL or the embedded cluster in \
                  $TRIBUTARY_DATA_DIR/pg). Idempotent: nothing changes when the data is already there at this scale \
                  and seed. Every user's password is `bench-password`."
)]
struct Cli {
    /// Partners in the bench tenant [default: 10000; 1000 with --quick]
    #[arg(long)]
    partners: Option<usize>,
    /// Channel account managers in the bench tenant [default: 200; 20 with --quick]
    #[arg(long)]
    cams: Option<usize>,
    /// Deal registrations in the bench tenant [default: 1000000; 100000 with --quick]
    #[arg(long)]
    deals: Option<usize>,
    /// Seed of the generator: the same seed gives the same data
    #[arg(long, default_value_t = 42)]
    seed: u64,
    /// Smaller defaults: 1000 partners, 20 CAMs, 100000 deals (explicit values still win)
    #[arg(long)]
    quick: bool,
    /// Evaluate the tier standing of every partner of the bench tenant now and report the time
    /// ("tier_evaluation" in the JSON line); done anyway when the tenant was just generated
    #[arg(long)]
    evaluate_tiers: bool,
}

#[derive(Clone, Copy, Debug)]
struct Scale {
    partners: usize,
    cams: usize,
    deals: usize,
    /// A channel chief besides the program admin.
    chief: bool,
    /// A partner user besides the partner admin for every 10th partner.
    partner_users: bool,
}

impl Scale {
    fn users(&self) -> usize {
        1 + usize::from(self.chief)
            + self.cams
            + self.partners
            + if self.partner_users { self.partners / 10 } else { 0 }
    }
}

struct Spec {
    slug: &'static str,
    name: &'static str,
    scale: Scale,
    /// The seed given on the command line, and what it is combined with for this tenant.
    seed: u64,
    salt: u64,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Mode {
    /// `session_replication_role = replica`: no user triggers, no foreign-key checks (superuser).
    Replica,
    /// The owner is no superuser: the tables' user triggers are disabled and row-level security is not forced on the
    /// owner for the duration of the load transaction.
    Triggers,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Counts {
    users: i64,
    cams: i64,
    partners: i64,
    deals: i64,
}

struct Report {
    counts: Counts,
    loaded: bool,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info,sqlx=error")))
        .with_writer(std::io::stderr)
        .init();
    let runtime = match tokio::runtime::Runtime::new() {
        Ok(r) => r,
        Err(e) => {
            eprintln!("error: cannot start the runtime: {e}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(run(cli)) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            let reason = format!("{e:#}").replace('\n', " ");
            eprintln!("error: {reason}");
            ExitCode::FAILURE
        }
    }
}

async fn run(cli: Cli) -> anyhow::Result<()> {
    let started = Instant::now();
    let choose =
        |given: Option<usize>, normal: usize, quick: usize| given.unwrap_or(if cli.quick { quick } else { normal });
    let bench = Spec {
        slug: "bench",
        name: "Bench Corp",
        scale: Scale {
            partners: choose(cli.partners, 10_000, 1_000),
            cams: choose(cli.cams, 200, 20),
            deals: choose(cli.deals, 1_000_000, 100_000),
            chief: true,
            partner_users: true,
        },
        seed: cli.seed,
        salt: 0,
    };
    let small = Spec {
        slug: "bench-small",
        name: "Small Bench Co",
        scale: Scale { partners: 20, cams: 2, deals: 1_000, chief: false, partner_users: false },
        seed: cli.seed,
        salt: 0x5EED_5A11_B0A7_0001,
    };
    if bench.scale.deals > 0 && bench.scale.partners == 0 {
        bail!("--deals needs at least one partner to register them");
    }
    let config = Config::from_env()?;
    let database = Database::open(&config).await?;
    let mut result = load_all(&database, &[&small, &bench]).await;
    // Standing for every partner: the evaluation the job runs, timed (the goal: 10,000 partners in 60 s or less).
    let mut tiers = String::new();
    if let Ok(reports) = &result {
        if cli.evaluate_tiers || reports.last().is_some_and(|r| r.loaded) {
            match evaluate_tiers(&database, bench.slug).await {
                Ok((n, seconds)) => {
                    eprintln!(
                        "{}: tier standing of {} partners evaluated in {seconds:.1} s",
                        bench.slug,
                        sep(n as i64)
                    );
                    tiers = format!(",\"tier_evaluation\":{{\"partners\":{n},\"seconds\":{seconds:.1}}}");
                }
                Err(e) => result = Err(e),
            }
        }
    }
    database.close().await;
    let reports = result?;
    let bench_report = reports.last().context("no report")?;
    let c = bench_report.counts;
    println!(
        "{{\"tenant\":\"{}\",\"partners\":{},\"cams\":{},\"deals\":{},\"users\":{},\"seconds\":{:.1}{tiers}}}",
        bench.slug,
        c.partners,
        c.cams,
        c.deals,
        c.users,
        started.elapsed().as_secs_f64()
    );
    if reports.iter().any(|r| r.loaded) {
        eprintln!(
            "sign in to workspace \"bench\" as admin@bench.test (or chief@, cam1@, p1@, u10@bench.test), password \"{PASSWORD}\""
        );
    }
    Ok(())
}

/// Evaluates every partner of the tenant `slug` today as the job does (`tiers::evaluate_all`), on the server's own
/// pool: how many partners, and the seconds it took.
async fn evaluate_tiers(database: &Database, slug: &str) -> anyhow::Result<(usize, f64)> {
    let tenant = tributary::tenants::store::id_by_slug(&database.pool, slug).await?.context("no bench tenant")?;
    let started = Instant::now();
    let today = Utc::now().date_naive();
    let done = tributary::tiers::evaluate_all(&database.pool, tenant, today, "")
        .await
        .map_err(|e| anyhow::anyhow!("evaluating tier standing: {e}"))?;
    Ok((done.len(), started.elapsed().as_secs_f64()))
}

async fn load_all(database: &Database, specs: &[&Spec]) -> anyhow::Result<Vec<Report>> {
    // Bulk loads and index builds take seconds by design: progress is reported, a slow-statement warning for each is noise.
    let options = database.owner_options.clone().log_slow_statements(log::LevelFilter::Debug, Duration::from_secs(1));
    let mut conn = PgConnection::connect_with(&options).await.context("cannot connect to PostgreSQL")?;
    conn.execute("set maintenance_work_mem = '512MB'").await?;
    conn.execute("set synchronous_commit = off").await?;
    let mode = match conn.execute("set session_replication_role = replica").await {
        Ok(_) => Mode::Replica,
        Err(e) => {
            let reason = e.as_database_error().map_or_else(|| e.to_string(), |d| d.message().to_string());
            eprintln!("note: cannot set session_replication_role ({reason}); disabling the tables' triggers instead");
            Mode::Triggers
        }
    };
    let mut hash = None;
    let mut reports = Vec::new();
    for spec in specs {
        reports.push(ensure_tenant(&mut conn, spec, mode, &mut hash).await?);
    }
    conn.close().await?;
    Ok(reports)
}

/// Leaves the tenant alone when it holds this seed and scale; otherwise (re)generates it.
async fn ensure_tenant(
    conn: &mut PgConnection,
    spec: &Spec,
    mode: Mode,
    hash: &mut Option<String>,
) -> anyhow::Result<Report> {
    let slug = spec.slug;
    let scale = spec.scale;
    let mut rng = StdRng::seed_from_u64(spec.seed ^ spec.salt);
    let tenant: TenantId = next_id(&mut rng);
    let wanted = Counts {
        users: scale.users() as i64,
        cams: scale.cams as i64,
        partners: scale.partners as i64,
        deals: scale.deals as i64,
    };
    let existing = sqlx::query_scalar!(r#"select id as "id: TenantId" from tenants where slug = $1"#, slug)
        .fetch_optional(&mut *conn)
        .await?;
    if let Some(id) = existing {
        let found = count(conn, id).await?;
        if id == tenant && found == wanted {
            let funds =
                sqlx::query_scalar!(r#"select count(*) as "n!" from mdf_funds where tenant_id = $1"#, id as TenantId)
                    .fetch_one(&mut *conn)
                    .await?;
            if funds == 0 {
                // Loaded before MDF existed: add it, nothing else.
                conn.execute("begin").await?;
                let relaxed = match mode {
                    Mode::Replica => None,
                    Mode::Triggers => {
                        let tables = tenant_tables(conn).await?;
                        Some(relax(conn, &tables).await?)
                    }
                };
                let requests = mdf(conn, id, spec.seed ^ spec.salt).await?;
                if let Some(relaxed) = relaxed {
                    restore(conn, &relaxed).await?;
                }
                conn.execute("commit").await?;
                conn.execute("vacuum (analyze) mdf_funds, mdf_allocations, mdf_requests, mdf_claims, mdf_ledger")
                    .await?;
                eprintln!("{slug}: MDF added ({} requests)", sep(requests as i64));
            }
            let plans = sqlx::query_scalar!(
                r#"select count(*) as "n!" from business_plans where tenant_id = $1"#,
                id as TenantId
            )
            .fetch_one(&mut *conn)
            .await?;
            if plans == 0 {
                // Loaded before business plans existed: add them, nothing else.
                conn.execute("begin").await?;
                let relaxed = match mode {
                    Mode::Replica => None,
                    Mode::Triggers => {
                        let tables = tenant_tables(conn).await?;
                        Some(relax(conn, &tables).await?)
                    }
                };
                let plans = business_plans(conn, id, spec.seed ^ spec.salt).await?;
                if let Some(relaxed) = relaxed {
                    restore(conn, &relaxed).await?;
                }
                conn.execute("commit").await?;
                conn.execute("vacuum (analyze) business_plans, business_plan_objectives, business_plan_versions")
                    .await?;
                eprintln!("{slug}: business plans added ({})", sep(plans as i64));
            }
            eprintln!("{slug} data already present");
            return Ok(Report { counts: found, loaded: false });
        }
        if found == wanted {
            eprintln!("{slug}: present with another seed: replacing it");
        } else {
            eprintln!(
                "{slug}: present at another scale ({} partners, {} CAMs, {} users, {} deals): replacing it",
                sep(found.partners),
                sep(found.cams),
                sep(found.users),
                sep(found.deals)
            );
        }
    }
    let hash = match hash {
        Some(h) => h.clone(),
        None => {
            let h = tokio::task::spawn_blocking(|| tributary::auth::password::hash_blocking(PASSWORD)).await??;
            *hash = Some(h.clone());
            h
        }
    };
    let started = Instant::now();
    eprintln!(
        "{slug}: generating {} partners, {} CAMs, {} users, {} deals (seed {})",
        sep(wanted.partners),
        sep(wanted.cams),
        sep(wanted.users),
        sep(wanted.deals),
        spec.seed
    );
    conn.execute("begin").await?;
    let result = generate(conn, spec, mode, existing, tenant, rng, &hash).await;
    let timings = match result {
        Ok(t) => t,
        Err(e) => {
            // Best effort: the connection may be unusable after a failed COPY; closing it rolls back too.
            let _ = conn.execute("rollback").await;
            return Err(e.context(format!("generating tenant {slug}")));
        }
    };
    let t = Instant::now();
    conn.execute("commit").await?;
    let commit = t.elapsed().as_secs_f64();
    let t = Instant::now();
    // VACUUM too: it sets the visibility map, so the index-only scans the pages rely on need no heap visits. It can
    // mark a page all-visible only once no snapshot older than the load is left, and an automatic ANALYZE that began
    // during the load keeps one: vacuum again until the map covers the tables.
    for attempt in 0.. {
        conn.execute(
            "vacuum (analyze) users, partners, products, deal_policies, deals, deal_counts, customer_name_words, mdf_funds,
             mdf_allocations, mdf_requests, mdf_claims, mdf_ledger, business_plans, business_plan_objectives,
             business_plan_versions",
        )
        .await?;
        let unmarked = sqlx::query_scalar!(
            r#"select coalesce(sum(relpages - relallvisible), 0)::bigint as "unmarked!" from pg_class
                where relname in ('users', 'partners', 'deals') and relnamespace = current_schema()::regnamespace"#
        )
        .fetch_one(&mut *conn)
        .await?;
        if unmarked < 100 || attempt == 30 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_secs(1)).await;
    }
    let analyze = t.elapsed().as_secs_f64();
    eprintln!(
        "{slug}: done in {:.1} s (delete {:.1} s, users+partners {:.1} s, deals {:.1} s, indexes {:.1} s, commit {:.1} s, analyze {:.1} s)",
        started.elapsed().as_secs_f64(),
        timings.delete,
        timings.people,
        timings.deals,
        timings.indexes,
        commit,
        analyze
    );
    Ok(Report { counts: wanted, loaded: true })
}

async fn count(conn: &mut PgConnection, tenant: TenantId) -> anyhow::Result<Counts> {
    // For an owner that is no superuser, row-level security applies: scope the session to the tenant.
    sqlx::query!("select set_config('app.tenant_id', $1, false)", tenant.to_string()).fetch_one(&mut *conn).await?;
    Ok(sqlx::query_as!(
        Counts,
        r#"select (select count(*) from users where tenant_id = $1) as "users!",
                  (select count(*) from users where tenant_id = $1 and role = 'cam') as "cams!",
                  (select count(*) from partners where tenant_id = $1) as "partners!",
                  (select count(*) from deals where tenant_id = $1) as "deals!""#,
        tenant as TenantId,
    )
    .fetch_one(&mut *conn)
    .await?)
}

#[derive(Default)]
struct Timings {
    delete: f64,
    people: f64,
    deals: f64,
    indexes: f64,
}

struct PartnerRef {
    id: PartnerId,
    admin: UserId,
    /// Who decides its registrations: its CAM, else the channel chief or program admin.
    decider: UserId,
    /// Its CAM, copied onto its registrations.
    cam: Option<UserId>,
    /// Its name, copied onto its registrations.
    name: String,
}

/// Everything for one tenant, inside the caller's transaction.
async fn generate(
    conn: &mut PgConnection,
    spec: &Spec,
    mode: Mode,
    existing: Option<TenantId>,
    tenant: TenantId,
    mut rng: StdRng,
    hash: &str,
) -> anyhow::Result<Timings> {
    let slug = spec.slug;
    let scale = spec.scale;
    let mut timings = Timings::default();
    let tables = tenant_tables(conn).await?;
    let relaxed = match mode {
        Mode::Replica => None,
        Mode::Triggers => Some(relax(conn, &tables).await?),
    };

    if let Some(old) = existing {
        let t = Instant::now();
        delete_tenant(conn, old, &tables).await?;
        timings.delete = t.elapsed().as_secs_f64();
        eprintln!("{slug}: old rows deleted ({:.1} s)", timings.delete);
    }

    let other_deals = sqlx::query_scalar!(r#"select count(*) as "n!" from deals"#).fetch_one(&mut *conn).await?;
    let saved_indexes = if scale.deals >= DROP_INDEXES_FROM && scale.deals as i64 >= other_deals {
        drop_deal_indexes(conn).await?
    } else {
        Vec::new()
    };

    sqlx::query!("insert into tenants (id, slug, name) values ($1, $2, $3)", tenant as TenantId, slug, spec.name)
        .execute(&mut *conn)
        .await?;
    // The tenant's own lists, which the (disabled) insert trigger would have seeded. Not its agreement: the
    // workload's partners would have to accept one first.
    sqlx::query!("select app_seed_vocabularies($1)", tenant as TenantId).execute(&mut *conn).await?;
    sqlx::query!("select app_seed_tiers($1)", tenant as TenantId).execute(&mut *conn).await?;
    sqlx::query!("select app_seed_capability($1)", tenant as TenantId).execute(&mut *conn).await?;

    let t = Instant::now();
    let anchor = Anchor::today();
    let email_domain = format!("{slug}.test");
    // Staff first: partners refer to their CAMs.
    let mut staff = Csv::new();
    let staff_since = anchor.t0 - 1_500 * DAY;
    let admin: UserId = next_id(&mut rng);
    let admin_name = person(&mut rng);
    staff.user(
        tenant,
        admin,
        &format!("admin@{email_domain}"),
        &admin_name,
        Role::ProgramAdmin,
        None,
        hash,
        staff_since,
    );
    let mut decider_of_last_resort = admin;
    if scale.chief {
        let chief = next_id(&mut rng);
        let name = person(&mut rng);
        staff.user(tenant, chief, &format!("chief@{email_domain}"), &name, Role::ChannelChief, None, hash, staff_since);
        decider_of_last_resort = chief;
    }
    let mut cams = Vec::with_capacity(scale.cams);
    for i in 1..=scale.cams {
        let id = next_id(&mut rng);
        let name = person(&mut rng);
        let since = staff_since + rng.gen_range(0..400) * DAY;
        staff.user(tenant, id, &format!("cam{i}@{email_domain}"), &name, Role::Cam, None, hash, since);
        cams.push(id);
    }
    let mut users_copied = copy_buffer(conn, USERS_COPY, staff.buf).await?;

    let mut partners_csv = Csv::new();
    let mut people = Csv::new();
    let mut partners = Vec::with_capacity(scale.partners);
    let mut weights = Vec::with_capacity(scale.partners);
    for i in 1..=scale.partners {
        let id = next_id(&mut rng);
        let name = format!(
            "{} {} {} {i}",
            pick(&mut rng, PARTNER_ADJECTIVES),
            pick(&mut rng, PARTNER_NOUNS),
            pick(&mut rng, PARTNER_SUFFIXES)
        );
        let country = COUNTRIES[weighted_country(rng.r#gen())];
        let tier = match rng.gen_range(0..100) {
            0..60 => "registered",
            60..85 => "silver",
            85..96 => "gold",
            _ => "platinum",
        };
        let (stage, activity) = match rng.gen_range(0..100) {
            0..5 => (LifeStage::Applicant, 0.02),
            5..20 => (LifeStage::Onboarding, 0.3),
            20..50 => (LifeStage::Activated, 1.0),
            50..90 => (LifeStage::Producing, 3.0),
            _ => (LifeStage::Lapsed, 0.4),
        };
        let cam = if cams.is_empty() { None } else { Some(cams[(i - 1) % cams.len()]) };
        let created = anchor.t0 - rng.gen_range(730 * DAY..1_460 * DAY);
        partners_csv.partner(tenant, id, &name, country.code, country.region, tier, cam, stage, created);
        // Pareto-distributed activity, so that a few partners register very many deals.
        let u: f64 = rng.gen_range(0.0005..1.0);
        weights.push(activity * u.powf(-1.0 / 1.5));
        let admin_id = next_id(&mut rng);
        let person_name = person(&mut rng);
        let joined = created + rng.gen_range(0..14 * DAY);
        people.user(
            tenant,
            admin_id,
            &format!("p{i}@{email_domain}"),
            &person_name,
            Role::PartnerAdmin,
            Some(id),
            hash,
            joined,
        );
        if scale.partner_users && i % 10 == 0 {
            let user_id = next_id(&mut rng);
            let user_name = person(&mut rng);
            let joined = joined + rng.gen_range(0..60 * DAY);
            people.user(
                tenant,
                user_id,
                &format!("u{i}@{email_domain}"),
                &user_name,
                Role::PartnerUser,
                Some(id),
                hash,
                joined,
            );
        }
        let decider = cam.unwrap_or(decider_of_last_resort);
        partners.push(PartnerRef { id, admin: admin_id, decider, cam, name });
    }
    let partners_copied = copy_buffer(conn, PARTNERS_COPY, partners_csv.buf).await?;
    users_copied += copy_buffer(conn, USERS_COPY, people.buf).await?;

    conn.execute("analyze partners, users").await?;
    let secs = t.elapsed().as_secs_f64();
    eprintln!("{slug}: users {}/{} ({secs:.1} s)", sep(users_copied as i64), sep(scale.users() as i64));
    eprintln!("{slug}: partners {}/{} ({secs:.1} s)", sep(partners_copied as i64), sep(scale.partners as i64));

    let mut products = Csv::new();
    for (code, name) in PRODUCTS {
        products.uuid(tenant);
        products.uuid(next_id::<ProductId>(&mut rng));
        products.text(code);
        products.text(name);
        products.raw("t");
        products.end();
    }
    copy_buffer(conn, PRODUCTS_COPY, products.buf).await?;
    sqlx::query!("insert into deal_policies (tenant_id) values ($1)", tenant as TenantId).execute(&mut *conn).await?;
    timings.people = t.elapsed().as_secs_f64();

    let t = Instant::now();
    if scale.deals > 0 {
        let weights = WeightedIndex::new(&weights).context("partner weights")?;
        let pool = ((scale.deals as u64) * 2 / 9).max(1);
        let generator = DealGen {
            rng,
            seed: spec.seed ^ spec.salt,
            tenant,
            partners,
            weights,
            pool,
            open: vec![0; pool as usize],
            labelled: labelled_companies(),
            labelled_open: Vec::new(),
            anchor,
            statuses: [0; 7],
        };
        let statuses = copy_deals(conn, slug, generator, scale.deals).await?;
        let line: Vec<String> =
            STATUSES.iter().zip(statuses).map(|(s, n)| format!("{} {}", s.as_str(), sep(n as i64))).collect();
        eprintln!("{slug}: statuses: {}", line.join(", "));
    }
    // The per-partner counts the triggers keep, which were off during the load. The registrations are counted first
    // and the partners joined to the counts: the tables have no statistics yet and their indexes are dropped, and a
    // join planned on guesses ran for over 14 minutes on a fresh cluster at the default scale.
    conn.execute("analyze partners, deals").await?;
    sqlx::query!(
        "insert into deal_counts (tenant_id, partner_id, status, cam_id, n)
         select c.tenant_id, c.partner_id, c.status, p.cam_id, c.n
           from (select tenant_id, partner_id, status, count(*) as n
                   from deals where tenant_id = $1 group by tenant_id, partner_id, status) c
           join partners p on p.tenant_id = c.tenant_id and p.id = c.partner_id",
        tenant as TenantId,
    )
    .execute(&mut *conn)
    .await
    .context("counting the registrations per partner and status")?;
    sqlx::query!(
        "insert into customer_name_words (tenant_id, word, names)
         select tenant_id, w, count(*)
           from (select distinct tenant_id, id, unnest(string_to_array(normalized_name, ' ')) as w
                   from deals where tenant_id = $1) x
          where w <> ''
          group by tenant_id, w
         union all
         select tenant_id, '', count(*) from deals where tenant_id = $1 group by tenant_id",
        tenant as TenantId,
    )
    .execute(&mut *conn)
    .await
    .context("counting the words of the customer names")?;
    timings.deals = t.elapsed().as_secs_f64();

    let t = Instant::now();
    for (name, def) in &saved_indexes {
        let ti = Instant::now();
        // The definition PostgreSQL gave for the index dropped before the load (`pg_indexes.indexdef`).
        conn.execute(sqlx::AssertSqlSafe(def.clone())).await.with_context(|| format!("re-creating index {name}"))?;
        eprintln!("{slug}: index {name} re-created ({:.1} s)", ti.elapsed().as_secs_f64());
    }
    timings.indexes = t.elapsed().as_secs_f64();

    let t = Instant::now();
    let requests = mdf(conn, tenant, spec.seed ^ spec.salt).await?;
    eprintln!("{slug}: MDF requests {} ({:.1} s)", sep(requests as i64), t.elapsed().as_secs_f64());

    let t = Instant::now();
    let plans = business_plans(conn, tenant, spec.seed ^ spec.salt).await?;
    eprintln!("{slug}: business plans {} ({:.1} s)", sep(plans as i64), t.elapsed().as_secs_f64());

    let t = Instant::now();
    let assessed = capability(conn, tenant, admin).await?;
    eprintln!("{slug}: capability assessments {} ({:.1} s)", sep(assessed as i64), t.elapsed().as_secs_f64());

    if let Some(relaxed) = relaxed {
        restore(conn, &relaxed).await?;
    }
    Ok(timings)
}

/// Streams the deals: a blocking thread writes CSV chunks while this task sends the previous ones.
async fn copy_deals(
    conn: &mut PgConnection,
    slug: &str,
    mut generator: DealGen,
    total: usize,
) -> anyhow::Result<[usize; 7]> {
    let started = Instant::now();
    let (tx, mut rx) = tokio::sync::mpsc::channel::<(Vec<u8>, usize)>(4);
    let producer = tokio::task::spawn_blocking(move || {
        let mut made = 0;
        while made < total {
            let mut csv = Csv::with_capacity(CHUNK + 4096);
            let mut rows = 0;
            while made < total && csv.buf.len() < CHUNK {
                generator.row(&mut csv);
                made += 1;
                rows += 1;
            }
            if tx.blocking_send((csv.buf, rows)).is_err() {
                break; // the consumer failed and said why
            }
        }
        generator.statuses
    });
    let mut copy = conn.copy_in_raw(DEALS_COPY).await?;
    let step = (total / 10).max(1);
    let mut sent = 0;
    let mut next_report = step;
    while let Some((chunk, rows)) = rx.recv().await {
        copy.send(chunk).await?;
        sent += rows;
        if sent >= next_report || sent == total {
            eprintln!(
                "{slug}: deals {}/{} ({:.1} s)",
                sep(sent as i64),
                sep(total as i64),
                started.elapsed().as_secs_f64()
            );
            next_report = (sent / step + 1) * step;
        }
    }
    let copied = copy.finish().await?;
    let statuses = producer.await.context("deal generator")?;
    if copied as usize != total {
        bail!("copied {copied} deals instead of {total}");
    }
    Ok(statuses)
}

/// Sends an in-memory CSV buffer with COPY in chunks; returns the number of rows copied.
async fn copy_buffer(conn: &mut PgConnection, statement: &str, buf: Vec<u8>) -> anyhow::Result<u64> {
    let mut copy = conn.copy_in_raw(statement).await?;
    for chunk in buf.chunks(CHUNK) {
        copy.send(chunk).await?;
    }
    Ok(copy.finish().await?)
}

const USERS_COPY: &str = "COPY users (tenant_id, id, email, name, role, partner_id, password_hash, active, session_version, created_at) FROM STDIN (FORMAT csv)";
const PARTNERS_COPY: &str = "COPY partners (tenant_id, id, name, country, region, tier, cam_id, life_stage, created_at, updated_at) FROM STDIN (FORMAT csv)";
const PRODUCTS_COPY: &str = "COPY products (tenant_id, id, code, name, active) FROM STDIN (FORMAT csv)";
const DEALS_COPY: &str = "COPY deals (tenant_id, id, partner_id, registered_by, customer_name, normalized_name, \
     customer_domain, registrable_domain, country, products, estimated_value, currency, expected_close_date, notes, \
     status, conflicts, created_at, decided_at, decided_by, decision_reason, decision_note, protected_until, \
     extensions_used, closed_at, closed_amount, reminder_sent_at, updated_at, cam_id, partner_name) FROM STDIN (FORMAT csv)";

/// Tables of the current schema with a `tenant_id` column (every tenant-owned table), `tenants` itself excluded.
async fn tenant_tables(conn: &mut PgConnection) -> anyhow::Result<Vec<String>> {
    Ok(sqlx::query_scalar!(
        r#"select c.relname::text as "relname!" from pg_class c
             join pg_namespace n on n.oid = c.relnamespace
             join pg_attribute a on a.attrelid = c.oid
            where n.nspname = current_schema() and c.relkind in ('r', 'p') and a.attname = 'tenant_id'
              and not a.attisdropped and c.relname <> 'tenants'
            order by 1"#
    )
    .fetch_all(&mut *conn)
    .await?)
}

fn ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// Deletes every row of the tenant, children before parents (which matters when foreign keys are checked).
async fn delete_tenant(conn: &mut PgConnection, tenant: TenantId, tables: &[String]) -> anyhow::Result<()> {
    const ORDER: &[&str] = &[
        "deal_events",
        "deals",
        "named_accounts",
        "products",
        "deal_policies",
        "audit_log",
        "outbox",
        "invitations",
        "sessions",
    ];
    // Tables this tool does not know (added later) most likely refer to the known ones: they go first.
    let mut order: Vec<&str> = tables
        .iter()
        .map(String::as_str)
        .filter(|t| !ORDER.contains(t) && !["users", "partners", "tiers"].contains(t))
        .collect();
    order.extend(ORDER.iter().copied().filter(|t| tables.iter().any(|x| x == t)));
    for table in order {
        // One statement per table, and the tables are found in the catalog: the name is quoted in.
        let sql = format!("delete from {} where tenant_id = $1", ident(table));
        sqlx::query(sqlx::AssertSqlSafe(sql))
            .bind(tenant)
            .execute(&mut *conn)
            .await
            .with_context(|| format!("deleting the old rows of {table}"))?;
    }
    // Partners and users refer to each other (CAM, partner people).
    sqlx::query!("update partners set cam_id = null where tenant_id = $1", tenant as TenantId)
        .execute(&mut *conn)
        .await?;
    sqlx::query!("delete from users where tenant_id = $1", tenant as TenantId).execute(&mut *conn).await?;
    sqlx::query!("delete from partners where tenant_id = $1", tenant as TenantId).execute(&mut *conn).await?;
    // Partners hold a tier.
    sqlx::query!("delete from tiers where tenant_id = $1", tenant as TenantId).execute(&mut *conn).await?;
    sqlx::query!("delete from tenants where id = $1", tenant as TenantId).execute(&mut *conn).await?;
    Ok(())
}

/// Drops the secondary indexes of `deals` (not the primary key, nor indexes behind constraints) and returns their
/// definitions to re-create them after the load.
async fn drop_deal_indexes(conn: &mut PgConnection) -> anyhow::Result<Vec<(String, String)>> {
    let saved: Vec<(String, String)> = sqlx::query!(
        r#"select i.indexname::text as "name!", i.indexdef as "def!" from pg_indexes i
            where i.schemaname = current_schema() and i.tablename = 'deals' and i.indexname <> 'deals_pkey'
              and not exists (select 1 from pg_constraint c
                               where c.conindid = format('%I.%I', i.schemaname, i.indexname)::regclass)
            order by i.indexname"#
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|i| (i.name, i.def))
    .collect();
    for (name, _) in &saved {
        // DDL takes no parameters: the index's name, from the catalog, is quoted in.
        conn.execute(sqlx::AssertSqlSafe(format!("drop index {}", ident(name)))).await?;
    }
    Ok(saved)
}

struct Relaxed {
    triggers: Vec<(String, String)>,
    forced: Vec<String>,
}

/// For an owner that is no superuser: disables the enabled user triggers (the audit log) of the tenant tables and
/// stops forcing row-level security on the owner (COPY FROM refuses tables whose rows policies filter). All of it is
/// transactional: a failed load leaves the tables as they were.
async fn relax(conn: &mut PgConnection, tables: &[String]) -> anyhow::Result<Relaxed> {
    let triggers: Vec<(String, String)> = sqlx::query!(
        r#"select c.relname::text as "table!", t.tgname::text as "trigger!" from pg_trigger t
             join pg_class c on c.oid = t.tgrelid
             join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = current_schema() and not t.tgisinternal and t.tgenabled <> 'D'
              and c.relname = any($1::text[])
            order by 1, 2"#,
        tables,
    )
    .fetch_all(&mut *conn)
    .await?
    .into_iter()
    .map(|t| (t.table, t.trigger))
    .collect();
    let forced = sqlx::query_scalar!(
        r#"select c.relname::text as "table!" from pg_class c join pg_namespace n on n.oid = c.relnamespace
            where n.nspname = current_schema() and c.relforcerowsecurity and c.relname = any($1::text[])
            order by 1"#,
        tables,
    )
    .fetch_all(&mut *conn)
    .await?;
    for (table, trigger) in &triggers {
        // DDL takes no parameters: the names, from the catalog, are quoted in.
        conn.execute(sqlx::AssertSqlSafe(format!("alter table {} disable trigger {}", ident(table), ident(trigger))))
            .await
            .with_context(|| format!("disabling trigger {trigger} on {table}"))?;
    }
    for table in &forced {
        // DDL takes no parameters: the name, from the catalog, is quoted in.
        conn.execute(sqlx::AssertSqlSafe(format!("alter table {} no force row level security", ident(table))))
            .await
            .with_context(|| format!("relaxing row-level security on {table}"))?;
    }
    Ok(Relaxed { triggers, forced })
}

async fn restore(conn: &mut PgConnection, relaxed: &Relaxed) -> anyhow::Result<()> {
    for (table, trigger) in &relaxed.triggers {
        // DDL takes no parameters: the names, from the catalog, are quoted in.
        conn.execute(sqlx::AssertSqlSafe(format!("alter table {} enable trigger {}", ident(table), ident(trigger))))
            .await?;
    }
    for table in &relaxed.forced {
        // DDL takes no parameters: the name, from the catalog, is quoted in.
        conn.execute(sqlx::AssertSqlSafe(format!("alter table {} force row level security", ident(table)))).await?;
    }
    Ok(())
}

/// A version-4 UUID drawn from the seeded generator, as the id of a row of kind `Id`.
fn next_id<Id: From<Uuid>>(rng: &mut StdRng) -> Id {
    let raw = Uuid::from_u128(rng.r#gen());
    Id::from(uuid::Builder::from_random_bytes(raw.into_bytes()).into_uuid())
}

fn pick<'a>(rng: &mut StdRng, list: &[&'a str]) -> &'a str {
    list[rng.gen_range(0..list.len())]
}

fn person(rng: &mut StdRng) -> String {
    format!("{} {}", pick(rng, FIRST_NAMES), pick(rng, LAST_NAMES))
}

/// 12345678 as "12,345,678".
fn sep(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// The moment dates are generated around: the start of today (UTC), so that one seed gives the same rows all day.
#[derive(Clone, Copy)]
struct Anchor {
    today: NaiveDate,
    t0: i64,
}

impl Anchor {
    fn today() -> Anchor {
        let today = Utc::now().date_naive();
        let t0 = today.and_hms_opt(0, 0, 0).map(|d| d.and_utc().timestamp()).unwrap_or_default();
        Anchor { today, t0 }
    }

    fn date_of(&self, ts: i64) -> NaiveDate {
        self.today + chrono::Duration::days((ts - self.t0).div_euclid(DAY))
    }

    fn day(&self, offset: i64) -> NaiveDate {
        self.today + chrono::Duration::days(offset)
    }

    fn start_of(&self, date: NaiveDate) -> i64 {
        self.t0 + (date - self.today).num_days() * DAY
    }
}

// ---------------------------------------------------------------------------------------------------------------
// CSV

/// CSV as COPY (FORMAT csv) reads it: text always quoted, NULL as an empty unquoted field.
struct Csv {
    buf: Vec<u8>,
    fresh: bool,
}

impl Csv {
    fn new() -> Csv {
        Csv::with_capacity(64 * 1024)
    }

    fn with_capacity(n: usize) -> Csv {
        Csv { buf: Vec::with_capacity(n), fresh: true }
    }

    fn sep(&mut self) {
        if !self.fresh {
            self.buf.push(b',');
        }
        self.fresh = false;
    }

    fn end(&mut self) {
        self.buf.push(b'\n');
        self.fresh = true;
    }

    /// A value that needs no quoting (numbers, codes, literals).
    fn raw(&mut self, s: &str) {
        self.sep();
        self.buf.extend_from_slice(s.as_bytes());
    }

    fn text(&mut self, s: &str) {
        self.sep();
        self.buf.push(b'"');
        for &b in s.as_bytes() {
            if b == b'"' {
                self.buf.push(b'"');
            }
            self.buf.push(b);
        }
        self.buf.push(b'"');
    }

    fn opt_text(&mut self, s: Option<&str>) {
        match s {
            Some(s) => self.text(s),
            None => self.null(),
        }
    }

    fn null(&mut self) {
        self.sep();
    }

    fn uuid(&mut self, id: impl Into<Uuid>) {
        self.sep();
        let mut b = [0u8; 36];
        self.buf.extend_from_slice(id.into().hyphenated().encode_lower(&mut b).as_bytes());
    }

    fn opt_uuid(&mut self, id: Option<impl Into<Uuid>>) {
        match id {
            Some(id) => self.uuid(id),
            None => self.null(),
        }
    }

    fn int(&mut self, v: u64) {
        self.sep();
        push_num(&mut self.buf, v, 1);
    }

    /// An amount in cents as "1234.56".
    fn money(&mut self, cents: i64) {
        self.sep();
        push_num(&mut self.buf, cents.unsigned_abs() / 100, 1);
        self.buf.push(b'.');
        push_num(&mut self.buf, cents.unsigned_abs() % 100, 2);
    }

    fn opt_money(&mut self, cents: Option<i64>) {
        match cents {
            Some(c) => self.money(c),
            None => self.null(),
        }
    }

    fn date(&mut self, d: NaiveDate) {
        self.sep();
        push_date(&mut self.buf, d);
    }

    fn opt_date(&mut self, d: Option<NaiveDate>) {
        match d {
            Some(d) => self.date(d),
            None => self.null(),
        }
    }

    /// A UTC timestamp (seconds since the epoch) as "2025-01-31 12:34:56+00".
    fn ts(&mut self, secs: i64) {
        let Some(t) = DateTime::from_timestamp(secs, 0) else {
            self.null();
            return;
        };
        self.sep();
        push_date(&mut self.buf, t.date_naive());
        self.buf.push(b' ');
        push_num(&mut self.buf, u64::from(t.hour()), 2);
        self.buf.push(b':');
        push_num(&mut self.buf, u64::from(t.minute()), 2);
        self.buf.push(b':');
        push_num(&mut self.buf, u64::from(t.second()), 2);
        self.buf.extend_from_slice(b"+00");
    }

    fn opt_ts(&mut self, secs: Option<i64>) {
        match secs {
            Some(s) => self.ts(s),
            None => self.null(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn user(
        &mut self,
        tenant: TenantId,
        id: UserId,
        email: &str,
        name: &str,
        role: Role,
        partner: Option<PartnerId>,
        hash: &str,
        created: i64,
    ) {
        self.uuid(tenant);
        self.uuid(id);
        self.text(email);
        self.text(name);
        self.text(role.as_str());
        self.opt_uuid(partner);
        self.text(hash);
        self.raw("t");
        self.raw("1");
        self.ts(created);
        self.end();
    }

    #[allow(clippy::too_many_arguments)]
    fn partner(
        &mut self,
        tenant: TenantId,
        id: PartnerId,
        name: &str,
        country: &str,
        region: &str,
        tier: &str,
        cam: Option<UserId>,
        stage: LifeStage,
        created: i64,
    ) {
        self.uuid(tenant);
        self.uuid(id);
        self.text(name);
        self.text(country);
        self.text(region);
        self.text(tier);
        self.opt_uuid(cam);
        self.text(stage.as_str());
        self.ts(created);
        self.ts(created);
        self.end();
    }
}

/// Decimal digits of `v`, left-padded with zeros to `width`.
fn push_num(buf: &mut Vec<u8>, mut v: u64, width: usize) {
    let mut tmp = [b'0'; 20];
    let mut i = tmp.len();
    loop {
        i -= 1;
        tmp[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    let start = i.min(tmp.len().saturating_sub(width));
    buf.extend_from_slice(&tmp[start..]);
}

fn push_date(buf: &mut Vec<u8>, d: NaiveDate) {
    push_num(buf, d.year().max(0) as u64, 4);
    buf.push(b'-');
    push_num(buf, u64::from(d.month()), 2);
    buf.push(b'-');
    push_num(buf, u64::from(d.day()), 2);
}

// ---------------------------------------------------------------------------------------------------------------
// Deals

const STATUSES: [DealStatus; 7] = [
    DealStatus::Pending,
    DealStatus::Approved,
    DealStatus::Rejected,
    DealStatus::Withdrawn,
    DealStatus::Expired,
    DealStatus::Won,
    DealStatus::Lost,
];
/// Cumulative percentages of STATUSES: pending 5, approved 20, rejected 10, withdrawn 5, expired 30, won 15, lost 15.
const STATUS_CUMULATIVE: [u32; 7] = [5, 25, 35, 40, 70, 85, 100];
const PRODUCTS: [(&str, &str); 4] = [
    ("crm", "CRM Suite"),
    ("analytics", "Analytics Cloud"),
    ("security", "Security Edge"),
    ("support", "Premium Support"),
];
/// (reason, cumulative weight)
const REASONS: [(RejectReason, u32); 6] = [
    (RejectReason::Duplicate, 35),
    (RejectReason::ExistingCustomer, 60),
    (RejectReason::DirectSalesEngaged, 75),
    (RejectReason::OutsideTerritory, 85),
    (RejectReason::InsufficientInformation, 95),
    (RejectReason::Other, 100),
];

/// One registration in this many names a company of the labelled pairs.
const LABELLED_ONE_IN: u32 = 50;

fn labelled_companies() -> Vec<Company> {
    labelled_pairs().into_iter().flat_map(|p| [p.a, p.b]).collect()
}

struct DealGen {
    rng: StdRng,
    seed: u64,
    tenant: TenantId,
    partners: Vec<PartnerRef>,
    weights: WeightedIndex<f64>,
    /// Number of base customers.
    pool: u64,
    /// Open registrations per base customer so far.
    open: Vec<u8>,
    /// Both companies of every labelled pair of real-world names (`rules::company_pairs`).
    labelled: Vec<Company>,
    /// Open registrations per labelled company so far.
    labelled_open: Vec<u8>,
    anchor: Anchor,
    statuses: [usize; 7],
}

impl DealGen {
    fn row(&mut self, csv: &mut Csv) {
        let anchor = self.anchor;
        let t0 = anchor.t0;
        let rng = &mut self.rng;
        let id: DealId = next_id(rng);
        let partner = &self.partners[self.weights.sample(rng)];
        // Some customers are real-world names of the labelled pairs, both companies of a pair by several partners:
        // the check then meets the near-misses and variants partners really type.
        let (name, domain, country, open) = if rng.gen_range(0..LABELLED_ONE_IN) == 0 {
            let i = rng.gen_range(0..self.labelled.len());
            let c = self.labelled[i];
            let country = c.country.and_then(|code| COUNTRIES.iter().find(|x| x.code == code)).unwrap_or(&COUNTRIES[0]);
            if self.labelled_open.is_empty() {
                self.labelled_open = vec![0; self.labelled.len()];
            }
            (c.name.to_string(), c.domain.map(str::to_string), country, &mut self.labelled_open[i])
        } else {
            let k = rng.gen_range(0..self.pool);
            let j = rng.gen_range(0..VARIANTS);
            let customer = Customer::new(self.seed, k);
            let (name, domain) = customer.variant(self.seed, k, j);
            (name, domain, &COUNTRIES[customer.country], &mut self.open[k as usize])
        };
        let normalized = normalize_name(&name);
        let registrable = domain.as_deref().and_then(registrable_domain);

        let mut status = status_for(rng.gen_range(0..100));
        if status <= 1 {
            if *open >= OPEN_CAP {
                status = status_for(rng.gen_range(25..100));
            } else {
                *open += 1;
            }
        }
        self.statuses[status] += 1;

        let mask: u8 = rng.gen_range(1..16);
        let low = 5_000f64.ln();
        let high = 500_000f64.ln();
        let value = (rng.gen_range(low..high).exp() * 100.0).round() as i64;
        let value = value.clamp(500_000, 50_000_000);
        let currency = if rng.gen_range(0..100) < 85 { country.currency } else { pick(rng, &["USD", "EUR", "GBP"]) };
        let close_date = anchor.day(rng.gen_range(1..=365));

        let mut decided_at = None;
        let mut decided_by = None;
        let mut reason = None;
        let mut note = None;
        let mut protected_until = None;
        let mut closed_at = None;
        let mut closed_amount = None;
        let mut reminder = None;
        let created;
        let updated;
        match STATUSES[status] {
            DealStatus::Pending => {
                created = t0 - rng.gen_range(HOUR..10 * DAY);
                updated = created;
            }
            DealStatus::Approved => {
                let left = rng.gen_range(1..90);
                let until = anchor.day(left);
                let decided = anchor.start_of(anchor.day(left - 90)) + rng.gen_range(7 * HOUR..19 * HOUR);
                created = decided - rng.gen_range(HOUR..72 * HOUR);
                decided_at = Some(decided);
                decided_by = Some(partner.decider);
                protected_until = Some(until);
                // The expiry job would have reminded these already: keep it from flooding the outbox on start.
                let mut last = decided;
                if left <= 14 {
                    let at = (anchor.start_of(anchor.day(left - 15)) + 6 * HOUR).max(decided + HOUR);
                    reminder = Some(at);
                    last = at;
                }
                updated = last;
            }
            DealStatus::Rejected => {
                created = t0 - rng.gen_range(10 * DAY..730 * DAY);
                let decided = created + rng.gen_range(HOUR..96 * HOUR);
                decided_at = Some(decided);
                decided_by = Some(partner.decider);
                let r = rng.gen_range(0..100);
                let code = REASONS.iter().find(|(_, w)| r < *w).map_or(RejectReason::Other, |(c, _)| *c);
                reason = Some(code);
                if code == RejectReason::Other {
                    note = Some("Customer is already in a vendor-led renewal.");
                }
                updated = decided;
            }
            DealStatus::Withdrawn => {
                created = t0 - rng.gen_range(10 * DAY..730 * DAY);
                updated = created + rng.gen_range(HOUR..9 * DAY);
            }
            DealStatus::Expired => {
                created = t0 - rng.gen_range(95 * DAY..730 * DAY);
                let decided = created + rng.gen_range(HOUR..72 * HOUR);
                let until = anchor.date_of(decided) + chrono::Duration::days(90);
                decided_at = Some(decided);
                decided_by = Some(partner.decider);
                protected_until = Some(until);
                reminder = Some(anchor.start_of(until - chrono::Duration::days(14)) + 6 * HOUR);
                updated = anchor.start_of(until) + DAY + HOUR;
            }
            outcome => {
                created = t0 - rng.gen_range(30 * DAY..730 * DAY);
                let decided = created + rng.gen_range(HOUR..72 * HOUR);
                let until = anchor.date_of(decided) + chrono::Duration::days(90);
                let latest = (89 * DAY).min(t0 - decided - HOUR);
                let closed = decided + rng.gen_range(DAY..latest.max(DAY + 1));
                decided_at = Some(decided);
                decided_by = Some(partner.decider);
                protected_until = Some(until);
                closed_at = Some(closed);
                if outcome == DealStatus::Won {
                    let factor = rng.gen_range(0.8..1.05);
                    closed_amount = Some(((value as f64 * factor).round() as i64).max(1));
                }
                updated = closed;
            }
        }

        csv.uuid(self.tenant);
        csv.uuid(id);
        csv.uuid(partner.id);
        csv.uuid(partner.admin);
        csv.text(&name);
        csv.text(&normalized);
        csv.opt_text(domain.as_deref());
        csv.opt_text(registrable.as_deref());
        csv.raw(country.code);
        csv.sep();
        csv.buf.extend_from_slice(b"\"{");
        let mut first = true;
        for (bit, (code, _)) in PRODUCTS.iter().enumerate() {
            if mask & (1 << bit) != 0 {
                if !first {
                    csv.buf.push(b',');
                }
                csv.buf.extend_from_slice(code.as_bytes());
                first = false;
            }
        }
        csv.buf.extend_from_slice(b"}\"");
        csv.money(value);
        csv.raw(currency);
        csv.date(close_date);
        csv.text("");
        csv.raw(STATUSES[status].as_str());
        csv.raw("[]");
        csv.ts(created);
        csv.opt_ts(decided_at);
        csv.opt_uuid(decided_by);
        csv.opt_text(reason.map(RejectReason::as_str));
        csv.opt_text(note);
        csv.opt_date(protected_until);
        csv.int(0);
        csv.opt_ts(closed_at);
        csv.opt_money(closed_amount);
        csv.opt_ts(reminder);
        csv.ts(updated);
        csv.opt_uuid(partner.cam);
        csv.text(&partner.name);
        csv.end();
    }
}

fn status_for(percent: u32) -> usize {
    STATUS_CUMULATIVE.iter().position(|c| percent < *c).unwrap_or(STATUSES.len() - 1)
}

// ---------------------------------------------------------------------------------------------------------------
// Customers: base names from word lists, by index, without storing them.

/// SplitMix64's finaliser: a well-mixed hash of one word.
fn mix(mut z: u64) -> u64 {
    z = z.wrapping_add(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

fn hash3(seed: u64, a: u64, b: u64) -> u64 {
    mix(mix(mix(seed) ^ a) ^ b)
}

/// A bijection of 0..m (m has only small prime factors, the multiplier is a large prime).
fn permute(x: u64, m: u64, offset: u64) -> u64 {
    ((u128::from(x) * 2_654_435_761u128 + u128::from(offset)) % u128::from(m)) as u64
}

struct Customer {
    base: String,
    slug: String,
    country: usize,
    /// Index into LEGAL_SUFFIXES; 0 is none.
    legal: usize,
    amp: bool,
    tld: &'static str,
}

impl Customer {
    /// Base customer `k`: distinct for distinct `k`. Names without a place word come first ("Northwind Logistics"),
    /// then with one ("Northwind Logistics Europe"), then numbered.
    fn new(seed: u64, k: u64) -> Customer {
        let (l1, l2, lo, lp) = (
            STEM_HEADS.len() as u64,
            STEM_TAILS.len() as u64,
            1 + (INDUSTRIES.len() + AMP_FORMS.len()) as u64,
            PLACES.len() as u64,
        );
        let plain = l1 * l2 * lo;
        let placed = plain * lp;
        let offset = mix(seed ^ 0xC057_0E55);
        let (mut idx, place, round) = if k < plain {
            (permute(k, plain, offset), None, 0)
        } else {
            let r = k - plain;
            let mut idx = permute(r % placed, placed, offset);
            let head = idx % plain;
            idx /= plain;
            (head, Some(idx as usize), r / placed)
        };
        let head = STEM_HEADS[(idx % l1) as usize];
        idx /= l1;
        let tail = STEM_TAILS[(idx % l2) as usize];
        idx /= l2;
        let option = idx as usize;
        let mut words: Vec<&str> = Vec::with_capacity(4);
        let stem = format!("{head}{tail}");
        let mut base = stem.clone();
        let mut amp = false;
        if (1..=INDUSTRIES.len()).contains(&option) {
            base.push(' ');
            base.push_str(INDUSTRIES[option - 1]);
            words.push(INDUSTRIES[option - 1]);
        } else if option > INDUSTRIES.len() {
            base.push_str(" & ");
            base.push_str(AMP_FORMS[option - 1 - INDUSTRIES.len()]);
            words.push(AMP_FORMS[option - 1 - INDUSTRIES.len()]);
            amp = true;
        }
        if let Some(p) = place {
            base.push(' ');
            base.push_str(PLACES[p]);
            words.push(PLACES[p]);
        }
        let number = (round + 1).to_string();
        if round > 0 {
            base.push(' ');
            base.push_str(&number);
            words.push(&number);
        }
        let h = hash3(seed, k, 0xC0FFEE);
        let joiner = if h & 1 == 0 { "-" } else { "" };
        let mut slug = stem.to_ascii_lowercase();
        for w in words {
            for part in w.split(' ') {
                slug.push_str(joiner);
                slug.extend(part.chars().filter(char::is_ascii_alphanumeric).map(|c| c.to_ascii_lowercase()));
            }
        }
        let country = weighted_country(h >> 8);
        let code = COUNTRIES[country].code;
        let legal = if (h >> 40) % 100 < 70 { legal_suffix_for(code, h >> 48) } else { 0 };
        let tld = match code {
            "GB" => "co.uk",
            "DE" => "de",
            "AU" => "com.au",
            _ if (h >> 56) % 4 == 0 => "io",
            _ => "com",
        };
        Customer { base, slug, country, legal, amp, tld }
    }

    /// Spelling `j` of this customer: 0 is the canonical one; the others change case, the legal suffix, "&" and a
    /// leading "The", and the domain's subdomain. Each spelling has a domain with probability 0.8.
    fn variant(&self, seed: u64, k: u64, j: u64) -> (String, Option<String>) {
        let h = hash3(seed, k, 0x5EED_0000 + j);
        let has_domain = (h >> 32) % 100 < 80;
        if j == 0 {
            let name = format!("{}{}", self.base, LEGAL_SUFFIXES[self.legal]);
            return (name, has_domain.then(|| format!("{}.{}", self.slug, self.tld)));
        }
        let legal = match h % 10 {
            0..5 => self.legal,
            5..7 => 0,
            _ => 1 + ((h >> 4) % (LEGAL_SUFFIXES.len() as u64 - 1)) as usize,
        };
        let mut body =
            if self.amp && (h >> 12) & 1 == 1 { self.base.replace(" & ", " and ") } else { self.base.clone() };
        if (h >> 16) % 10 == 0 {
            body.insert_str(0, "The ");
        }
        let mut name = format!("{body}{}", LEGAL_SUFFIXES[legal]);
        match (h >> 20) % 8 {
            0 => name = name.to_uppercase(),
            1 => name = name.to_lowercase(),
            _ => {}
        }
        let domain = has_domain.then(|| {
            let sub = match (h >> 24) % 10 {
                0..7 => "",
                7..9 => "www.",
                _ => "eu.",
            };
            format!("{sub}{}.{}", self.slug, self.tld)
        });
        (name, domain)
    }
}

fn legal_suffix_for(country: &str, h: u64) -> usize {
    // Indexes into LEGAL_SUFFIXES.
    match country {
        "US" | "CA" => [1, 2, 6][(h % 3) as usize],
        "GB" | "IN" | "SG" | "AU" | "ZA" | "AE" | "JP" => 3,
        "DE" => 4,
        "FR" | "ES" | "BR" | "MX" | "AR" | "CL" | "IT" | "PL" => 5,
        _ => [1, 3][(h % 2) as usize],
    }
}

#[derive(Clone, Copy)]
struct Country {
    code: &'static str,
    region: &'static str,
    currency: &'static str,
    weight: u64,
}

const COUNTRIES: &[Country] = &[
    Country { code: "US", region: "NA", currency: "USD", weight: 30 },
    Country { code: "CA", region: "NA", currency: "USD", weight: 5 },
    Country { code: "MX", region: "LATAM", currency: "USD", weight: 3 },
    Country { code: "BR", region: "LATAM", currency: "USD", weight: 4 },
    Country { code: "AR", region: "LATAM", currency: "USD", weight: 2 },
    Country { code: "CL", region: "LATAM", currency: "USD", weight: 1 },
    Country { code: "GB", region: "EMEA", currency: "GBP", weight: 10 },
    Country { code: "DE", region: "EMEA", currency: "EUR", weight: 9 },
    Country { code: "FR", region: "EMEA", currency: "EUR", weight: 6 },
    Country { code: "NL", region: "EMEA", currency: "EUR", weight: 3 },
    Country { code: "ES", region: "EMEA", currency: "EUR", weight: 3 },
    Country { code: "IT", region: "EMEA", currency: "EUR", weight: 3 },
    Country { code: "SE", region: "EMEA", currency: "EUR", weight: 2 },
    Country { code: "PL", region: "EMEA", currency: "EUR", weight: 2 },
    Country { code: "ZA", region: "EMEA", currency: "USD", weight: 1 },
    Country { code: "AE", region: "EMEA", currency: "USD", weight: 1 },
    Country { code: "AU", region: "APAC", currency: "USD", weight: 5 },
    Country { code: "JP", region: "APAC", currency: "USD", weight: 4 },
    Country { code: "SG", region: "APAC", currency: "USD", weight: 3 },
    Country { code: "IN", region: "APAC", currency: "USD", weight: 3 },
];

fn weighted_country(h: u64) -> usize {
    let total: u64 = COUNTRIES.iter().map(|c| c.weight).sum();
    let mut r = h % total;
    for (i, c) in COUNTRIES.iter().enumerate() {
        if r < c.weight {
            return i;
        }
        r -= c.weight;
    }
    0
}

const LEGAL_SUFFIXES: &[&str] = &["", ", Inc.", " LLC", " Ltd", " GmbH", " S.A.", " Corp."];

const STEM_HEADS: &[&str] = &[
    "North", "South", "East", "West", "Blue", "Red", "Silver", "Gold", "Iron", "Stone", "River", "Lake", "Sun", "Star",
    "Moon", "Cloud", "Bright", "Clear", "Swift", "Green", "Black", "White", "Oak", "Pine", "Maple", "Cedar", "Glo",
    "Ini", "Vande", "Umbra", "Cyber", "Hoo", "Soy", "Tyr", "Massi", "Quant", "Nova", "Vertex", "Apex", "Zen", "Omni",
    "Pro", "Inter", "Tele", "Data", "Info", "Meta", "Hyper", "Ultra", "Opti", "Terra", "Aqua", "Pyro", "Helio",
    "Astro", "Geo", "Bio", "Eco", "Flex", "Core", "Prime", "Sky", "Fire", "Frost",
];

const STEM_TAILS: &[&str] = &[
    "wind", "bex", "tech", "lay", "gate", "field", "bridge", "ford", "point", "wood", "view", "crest", "line", "wave",
    "works", "stream", "path", "peak", "port", "dale", "haven", "ridge", "side", "light", "mark", "well", "storm",
    "forge", "rock", "land", "scape", "tron", "nex", "via", "tica", "lux", "dyne", "gen", "soft", "ware", "net", "sys",
    "logic", "mind", "ics", "ora", "on", "ium",
];

#[rustfmt::skip]
const INDUSTRIES: &[&str] = &[
    "Logistics", "Foods", "Health", "Systems", "Manufacturing", "Energy", "Retail", "Pharma", "Insurance", "Bank",
    "Capital", "Airlines", "Motors", "Media", "Telecom", "Construction", "Hotels", "Chemicals", "Textiles", "Shipping",
    "Mining", "Steel", "Electronics", "Software", "Consulting", "Labs", "Dynamics", "Industries", "Networks",
    "Solutions", "Brewing", "Farms", "Paper", "Plastics", "Semiconductors", "Robotics", "Aerospace", "Biotech",
    "Realty", "Apparel",
];

/// Second halves of "X & Y" names, written "X and Y" by some partners.
const AMP_FORMS: &[&str] = &["Sons", "Partners", "Associates", "Brothers"];

#[rustfmt::skip]
const PLACES: &[&str] = &[
    "Europe", "Americas", "Asia", "Pacific", "Nordic", "Iberia", "Texas", "Bavaria", "London", "Ontario", "Midwest",
    "Atlantic", "Alpine", "Baltic", "Andes", "Global", "International", "Holdings", "Group", "Worldwide", "West Coast",
    "Gulf", "Benelux", "Coastal",
];

const PARTNER_ADJECTIVES: &[&str] = &[
    "Bright", "Blue", "Swift", "Clear", "Summit", "Vivid", "Silver", "Crimson", "Golden", "Agile", "Bold", "Keen",
    "Prime", "True", "Noble", "Rapid", "Solid", "Smart", "Open", "Pioneer",
];

const PARTNER_NOUNS: &[&str] = &[
    "Harbor", "Ridge", "Falcon", "River", "Peak", "Bridge", "Cedar", "Canyon", "Meadow", "Beacon", "Anchor", "Compass",
    "Orbit", "Vector", "Lantern", "Atlas", "Kestrel", "Cobalt", "Quartz", "Fjord",
];

#[rustfmt::skip]
const PARTNER_SUFFIXES: &[&str] = &[
    "Solutions", "Consulting", "Integrations", "Networks", "Systems", "Partners", "Technologies", "Digital",
    "Services", "IT", "Cloud Services", "Group",
];

const FIRST_NAMES: &[&str] = &[
    "Ava", "Liam", "Noah", "Emma", "Olivia", "Mateo", "Sofia", "Lucas", "Mia", "Ethan", "Amara", "Kenji", "Priya",
    "Omar", "Lena", "Jonas", "Chloe", "Diego", "Yuki", "Fatima", "Hannah", "Leo", "Nina", "Ravi", "Elena", "Samuel",
    "Zoe", "Tariq", "Ingrid", "Marco",
];

const LAST_NAMES: &[&str] = &[
    "Smith",
    "Garcia",
    "Müller",
    "Okafor",
    "Chen",
    "Patel",
    "Rossi",
    "Kowalski",
    "Johansson",
    "Silva",
    "Tanaka",
    "Dubois",
    "Novak",
    "Haddad",
    "Kim",
    "Nguyen",
    "Schmidt",
    "Fernández",
    "O'Brien",
    "Jensen",
    "Costa",
    "Becker",
    "Ali",
    "Murphy",
    "Lopez",
    "Sato",
    "Williams",
    "Brown",
    "Martin",
    "Hughes",
];

/// Market development funds for the tenant, set-based in SQL: four quarters of funds (this one and the three before),
/// an allocation per active partner and quarter, about eight requests per partner over the year (~80,000 at the default
/// scale) in every state, paid claims with their lines and payments, and the ledger rows that make the balances add
/// up (each allocation covers what was asked of it). Deterministic: ids and choices are hashes of the seed.
async fn mdf(conn: &mut PgConnection, tenant: TenantId, seed: u64) -> anyhow::Result<u64> {
    let seed = seed.to_string();
    let today = Utc::now().date_naive();
    // A non-negative 28-bit hash of a text, for choices.
    macro_rules! run {
        ($what:literal, $sql:literal) => {
            sqlx::query($sql)
                .bind(tenant)
                .bind(&seed)
                .bind(today)
                .execute(&mut *conn)
                .await
                .context(concat!("MDF: ", $what))?
                .rows_affected()
        };
    }
    run!("activity types", "select app_seed_mdf_activity_types($1), $2, $3");
    run!(
        "funds",
        "insert into mdf_funds (tenant_id, id, name, kind, period, starts_on, ends_on, currency, total,
                                reimbursement_percent, claim_window_days, created_by, created_at)
         select $1, md5($2 || 'fund' || q::date)::uuid, 'Field marketing ' || to_char(q, 'YYYY') || '-Q' || to_char(q, 'Q'),
                'proposal', 'quarter', q::date, (q + interval '3 months' - interval '1 day')::date, 'USD', 1, 50, 60,
                (select id from users where tenant_id = $1 and role = 'program_admin' order by created_at limit 1), q
           from generate_series(date_trunc('quarter', $3::date) - interval '9 months', date_trunc('quarter', $3::date),
                                interval '3 months') q"
    );
    run!(
        "allocations",
        "insert into mdf_allocations (tenant_id, id, fund_id, partner_id, expires_on, reimbursement_percent, created_by,
                                      created_at)
         select $1, md5(f.id::text || p.id::text || $2)::uuid, f.id, p.id, f.ends_on, 50, f.created_by, f.starts_on
           from mdf_funds f join partners p on p.tenant_id = f.tenant_id
          where f.tenant_id = $1 and p.life_stage in ('activated', 'producing', 'lapsed') and $3::date is not null"
    );
    let requests = run!(
        "requests",
        "with a as (
           select a.id as allocation_id, a.fund_id, a.partner_id, f.starts_on as qs, f.ends_on as qe, p.cam_id,
                  f.created_by as admin,
                  u.id as author, f.starts_on = date_trunc('quarter', $3::date)::date as current,
                  (('x' || substr(md5(a.id::text || $2), 1, 7))::bit(28)::int) % 4 as n
             from mdf_allocations a
             join mdf_funds f on f.tenant_id = a.tenant_id and f.id = a.fund_id
             join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
             join users u on u.tenant_id = a.tenant_id and u.partner_id = a.partner_id and u.role = 'partner_admin'
            where a.tenant_id = $1
         ), r as (
           select md5(a.allocation_id::text || g::text || $2)::uuid as id, a.*,
                  (('x' || substr(md5(a.allocation_id::text || g::text || 'h'), 1, 7))::bit(28)::int) as h
             from a cross join lateral generate_series(0, a.n) g
         ), s as (
           select r.*, 1000 + (h % 80) * 100 as requested, 500 + (h / 7) % 4500 as audience,
                  least(r.qs + (h / 13) % 80, r.qe - 1) as starts_on,
                  case when r.current then
                         case when h % 100 < 10 then 'draft' when h % 100 < 40 then 'submitted'
                              when h % 100 < 45 then 'info_requested' when h % 100 < 75 then 'approved'
                              when h % 100 < 85 then 'partly_approved' when h % 100 < 95 then 'rejected' else 'declined' end
                       else
                         case when h % 100 < 55 then 'claimed' when h % 100 < 65 then 'expired'
                              when h % 100 < 75 then 'rejected' when h % 100 < 80 then 'declined'
                              when h % 100 < 85 then 'cancelled'
                              when r.qe + 61 >= $3::date then 'approved' else 'expired' end
                  end as status
             from r
         ), t as (
           select s.*, least(greatest(s.starts_on - 25, s.qs - 20)::timestamptz + interval '10 hours',
                             now() - interval '3 days') as created
             from s
         )
         insert into mdf_requests (tenant_id, id, partner_id, allocation_id, fund_id, created_by, title, activity_type,
                                   description, starts_on, ends_on, total_cost, requested_amount, audience,
                                   response_rate, mql_rate, sql_rate, win_rate, average_deal, forecast_revenue, status,
                                   approved_amount, reimbursement_percent, claim_deadline, submitted_at, decided_at,
                                   decided_by, decision_note, created_at, updated_at)
         select $1, t.id, t.partner_id, t.allocation_id, t.fund_id, t.author, k.label || ' ' || to_char(t.starts_on, 'Mon YYYY'),
                k.code, '', t.starts_on, t.starts_on + 1, t.requested * 2, t.requested, t.audience, k.response_rate,
                k.mql_rate, k.sql_rate, k.win_rate, k.average_deal,
                round(t.audience * k.response_rate / 100 * k.mql_rate / 100 * k.sql_rate / 100 * k.win_rate / 100
                      * k.average_deal, 2),
                t.status,
                case when t.status = 'partly_approved' then t.requested * 0.8
                     when t.status in ('approved', 'claimed', 'expired') then t.requested end,
                case when t.status in ('approved', 'partly_approved', 'claimed', 'expired') then 50 end,
                case when t.status in ('approved', 'partly_approved', 'claimed', 'expired') then t.starts_on + 61 end,
                case when t.status <> 'draft' then t.created + interval '1 day' end,
                case when t.status not in ('draft', 'submitted', 'cancelled') then t.created + interval '3 days' end,
                case when t.status not in ('draft', 'submitted', 'cancelled') then coalesce(t.cam_id, t.admin) end,
                case when t.status in ('rejected', 'declined', 'info_requested') then 'Please focus the audience on target accounts.' end,
                t.created, t.created
           from t join mdf_activity_types k on k.tenant_id = $1 and k.position = 1 + t.h % 7"
    );
    // Fresh statistics for what this transaction just wrote: without them the planner takes the new tables for empty
    // and aggregates the requests once per allocation.
    conn.execute("analyze mdf_funds, mdf_allocations, mdf_requests").await.context("MDF: analyze")?;
    run!(
        "allocate rows",
        "insert into mdf_ledger (tenant_id, fund_id, allocation_id, partner_id, kind, amount, note, created_by, created_at)
         select $1, a.fund_id, a.id, a.partner_id, 'allocate',
                greatest(case p.tier when 'platinum' then 40000 when 'gold' then 20000 when 'silver' then 10000 else 5000 end,
                         ceil(coalesce(s.asked, 0) * 1.25 / 1000) * 1000),
                'quarterly allocation', a.created_by, a.created_at + interval '9 hours'
           from mdf_allocations a
           join partners p on p.tenant_id = a.tenant_id and p.id = a.partner_id
           left join (select allocation_id, sum(requested_amount) as asked from mdf_requests where tenant_id = $1
                       group by allocation_id) s on s.allocation_id = a.id
          where a.tenant_id = $1 and $2::text is not null and $3::date is not null"
    );
    run!(
        "reserve rows",
        "insert into mdf_ledger (tenant_id, fund_id, allocation_id, partner_id, request_id, kind, amount, created_by, created_at)
         select $1, fund_id, allocation_id, partner_id, id, 'reserve', approved_amount, decided_by, decided_at
           from mdf_requests where tenant_id = $1 and approved_amount is not null and $2::text is not null and $3::date is not null"
    );
    run!(
        "expiries",
        "insert into mdf_ledger (tenant_id, fund_id, allocation_id, partner_id, request_id, kind, amount, note, created_at)
         select $1, fund_id, allocation_id, partner_id, id, 'release', approved_amount, 'claim deadline passed',
                least((claim_deadline + 1)::timestamptz, now())
           from mdf_requests where tenant_id = $1 and status = 'expired' and $2::text is not null and $3::date is not null"
    );
    run!(
        "claims",
        "insert into mdf_claims (tenant_id, id, request_id, partner_id, status, limit_amount, approved_total, created_by,
                                 created_at, submitted_at, reviewed_at, reviewed_by, updated_at)
         select $1, md5('claim' || r.id::text || $2)::uuid, r.id, r.partner_id, 'paid',
                trunc(r.approved_amount * r.reimbursement_percent / 100, 2),
                trunc(r.approved_amount * r.reimbursement_percent / 100, 2), r.created_by,
                least((r.ends_on + 5)::timestamptz, now() - interval '2 days'),
                least((r.ends_on + 5)::timestamptz, now() - interval '2 days'),
                least((r.ends_on + 9)::timestamptz, now() - interval '1 day'), r.decided_by,
                least((r.ends_on + 9)::timestamptz, now() - interval '1 day')
           from mdf_requests r where r.tenant_id = $1 and r.status = 'claimed' and $3::date is not null"
    );
    run!(
        "claim lines",
        "insert into mdf_claim_lines (tenant_id, id, claim_id, position, description, amount, verdict, approved_amount)
         select $1, md5('line' || c.id::text || $2)::uuid, c.id, 1, 'Venue, media and fees', c.limit_amount, 'approved',
                c.limit_amount
           from mdf_claims c where c.tenant_id = $1 and $3::date is not null"
    );
    run!(
        "claim rows",
        "insert into mdf_ledger (tenant_id, fund_id, allocation_id, partner_id, request_id, claim_id, kind, amount, note,
                                 created_by, created_at)
         select $1, r.fund_id, r.allocation_id, r.partner_id, r.id, c.id, x.kind, x.amount, x.note, c.reviewed_by,
                c.reviewed_at
           from mdf_claims c join mdf_requests r on r.tenant_id = c.tenant_id and r.id = c.request_id
           cross join lateral (values ('claim', c.approved_total, 'claim approved'),
                                      ('release', r.approved_amount - c.approved_total, 'not claimed')) x (kind, amount, note)
          where c.tenant_id = $1 and x.amount > 0 and $2::text is not null and $3::date is not null"
    );
    run!(
        "payments",
        "insert into mdf_payments (tenant_id, id, claim_id, amount, paid_on, reference, created_by, created_at)
         select $1, md5('pay' || c.id::text || $2)::uuid, c.id, c.approved_total,
                least(c.reviewed_at::date + 14, $3::date), 'AP-' || to_char(c.reviewed_at, 'YYYYMM') || '-' || left(c.id::text, 6),
                (select id from users where tenant_id = $1 and role = 'program_admin' order by created_at limit 1),
                least(c.reviewed_at + interval '14 days', now())
           from mdf_claims c where c.tenant_id = $1"
    );
    run!(
        "pay rows",
        "insert into mdf_ledger (tenant_id, fund_id, allocation_id, partner_id, request_id, claim_id, payment_id, kind,
                                 amount, note, created_by, created_at)
         select $1, r.fund_id, r.allocation_id, r.partner_id, r.id, c.id, pm.id, 'pay', pm.amount, pm.reference,
                pm.created_by, pm.created_at
           from mdf_payments pm
           join mdf_claims c on c.tenant_id = pm.tenant_id and c.id = pm.claim_id
           join mdf_requests r on r.tenant_id = c.tenant_id and r.id = c.request_id
          where pm.tenant_id = $1 and $2::text is not null and $3::date is not null"
    );
    run!(
        "fund totals",
        "update mdf_funds f set total = ceil(x.allocated * 1.15 / 10000) * 10000
           from (select fund_id, sum(amount) as allocated from mdf_ledger
                  where tenant_id = $1 and kind = 'allocate' group by fund_id) x
          where f.tenant_id = $1 and f.id = x.fund_id and $2::text is not null and $3::date is not null"
    );
    Ok(requests)
}

/// Business plans, set-based: for every partner past the application, last fiscal year's plan (closed) for most, and
/// this year's in every state — most agreed, some agreed and then amended (shared again at version 2), some shared
/// for review, some drafts, a tenth none. Each has closed-won revenue, won deals and registered pipeline objectives
/// with quarterly targets set from the partner's trailing year (so attainment spreads around pace), in the currency
/// it registers most in; agreed versions are frozen as snapshots. The fiscal year starts in January (the program's
/// default). Returns how many plans.
async fn business_plans(conn: &mut PgConnection, tenant: TenantId, seed: u64) -> anyhow::Result<u64> {
    let seed = seed.to_string();
    let today = Utc::now().date_naive();
    macro_rules! run {
        ($what:literal, $sql:literal) => {
            sqlx::query($sql)
                .bind(tenant)
                .bind(&seed)
                .bind(today)
                .execute(&mut *conn)
                .await
                .context(concat!("business plans: ", $what))?
                .rows_affected()
        };
    }
    // h: a 28-bit hash of the partner for its choices; the year's plan state from h % 100.
    let plans = run!(
        "plans",
        "with p as (
           select p.id, p.cam_id, (('x' || substr(md5(p.id::text || $2 || 'plan'), 1, 7))::bit(28)::int) as h,
                  (select u.id from users u where u.tenant_id = $1 and u.partner_id = p.id and u.role = 'partner_admin'
                    order by u.created_at limit 1) as admin
             from partners p where p.tenant_id = $1 and p.life_stage <> 'applicant'
         ), c as (
           select distinct on (d.partner_id) d.partner_id, d.currency
             from deals d where d.tenant_id = $1
            group by d.partner_id, d.currency order by d.partner_id, count(*) desc, d.currency
         ), y as (
           select p.*, coalesce(c.currency, 'USD') as currency, fy.year, fy.year < extract(year from $3::date) as last,
                  case when fy.year < extract(year from $3::date) then 'closed'
                       when p.h % 100 < 62 then 'agreed' when p.h % 100 < 72 then 'amended'
                       when p.h % 100 < 80 then 'shared' when p.h % 100 < 90 then 'draft' end as st
             from p left join c on c.partner_id = p.id
            cross join (values (extract(year from $3::date)::int - 1), (extract(year from $3::date)::int)) fy (year)
            where p.admin is not null and (fy.year = extract(year from $3::date) or p.h % 5 <> 0)
         )
         insert into business_plans (tenant_id, id, partner_id, fiscal_year, starts_on, ends_on, state, version, currency,
                                     growth_percent, value_proposition, go_to_market, created_by, shared_at, agreed_at,
                                     agreed_by, closed_at, created_at, updated_at)
         select $1, md5($2 || y.id::text || 'plan' || y.year)::uuid, y.id, y.year, make_date(y.year, 1, 1),
                make_date(y.year + 1, 1, 1), case when y.st = 'amended' then 'shared' else y.st end,
                case when y.st = 'amended' then 2 else 1 end, y.currency, 10,
                'Managed services for mid-market customers in our territory.',
                'Two joint campaigns a quarter; quarterly business reviews.',
                coalesce(y.cam_id, (select id from users where tenant_id = $1 and role = 'program_admin'
                                     order by created_at limit 1)),
                case when y.st <> 'draft' then least(make_date(y.year, 1, 10)::timestamptz, now()) end,
                case when y.st in ('agreed', 'amended', 'closed')
                     then least(make_date(y.year, 1, 20)::timestamptz, now()) end,
                case when y.st in ('agreed', 'amended', 'closed') then y.admin end,
                case when y.st = 'closed' then make_date(y.year + 1, 1, 5)::timestamptz end,
                least(make_date(y.year - 1, 12, 15)::timestamptz, now()), now()
           from y where y.st is not null"
    );
    run!(
        "objectives",
        "with won as (
           select b.id as plan_id, b.currency,
                  coalesce(sum(coalesce(d.closed_amount, d.estimated_value))
                           filter (where d.status = 'won' and d.currency = b.currency), 0) as revenue,
                  count(*) filter (where d.status = 'won') as won,
                  coalesce(sum(d.estimated_value) filter (where d.currency = b.currency), 0) as registered
             from business_plans b
             left join deals d on d.tenant_id = b.tenant_id and d.partner_id = b.partner_id
                              and d.created_at >= $3::date - 365 and $2::text is not null
            where b.tenant_id = $1
            group by b.id, b.currency
         ), q as (
           select w.*, 0.75 + ((('x' || substr(md5(w.plan_id::text || 'f'), 1, 7))::bit(28)::int) % 50) / 100.0 as f
             from won w
         )
         insert into business_plan_objectives (tenant_id, id, plan_id, position, kind, name, weight, targets)
         select $1, md5(q.plan_id::text || o.kind)::uuid, q.plan_id, o.position, o.kind, o.name, o.weight,
                array[o.quarter, o.quarter, o.quarter, o.quarter]
           from q cross join lateral (values
                (0, 'closed_won_revenue', 'Closed-won revenue', 50, greatest(5000, ceil(q.revenue * q.f / 4 / 100) * 100)),
                (1, 'won_deals', 'Deals won', 30, greatest(1, ceil(q.won * q.f / 4))),
                (2, 'registered_pipeline', 'Registered pipeline', 20,
                 greatest(10000, ceil(q.registered * q.f / 4 / 100) * 100))) o (position, kind, name, weight, quarter)
          where $3::date is not null"
    );
    // Fresh statistics for the rows just written: without them the planner takes the new tables for empty and joins
    // plans to objectives by a nested loop of scans.
    conn.execute("analyze business_plans, business_plan_objectives").await.context("business plans: analyze")?;
    run!(
        "versions",
        "insert into business_plan_versions (tenant_id, id, plan_id, version, snapshot, agreed_by, agreed_at)
         select $1, md5(b.id::text || 'v1' || $2)::uuid, b.id, 1,
                jsonb_build_object('currency', b.currency, 'growth_percent', b.growth_percent::text, 'objectives',
                    (select jsonb_agg(jsonb_build_object('id', o.id, 'kind', o.kind, 'name', o.name, 'certification',
                                                         o.certification, 'weight', o.weight,
                                                         'targets', to_jsonb(o.targets::text[]),
                                                         'manual_actuals', to_jsonb(o.manual_actuals::text[]))
                                      order by o.position)
                       from business_plan_objectives o where o.tenant_id = b.tenant_id and o.plan_id = b.id),
                    'forecast', jsonb_build_object('margin_percent', '0', 'rebates', '0', 'mdf', '0', 'costs', '0')),
                b.agreed_by, b.agreed_at
           from business_plans b where b.tenant_id = $1 and b.agreed_at is not null and $3::date is not null"
    );
    // The amendments ask 10 % more revenue than the version agreed.
    run!(
        "amendments",
        "update business_plan_objectives o set targets = array[ceil(o.targets[1] * 1.1), ceil(o.targets[2] * 1.1),
                                                              ceil(o.targets[3] * 1.1), ceil(o.targets[4] * 1.1)]
          where o.tenant_id = $1 and o.kind = 'closed_won_revenue'
            and o.plan_id in (select b.id from business_plans b where b.tenant_id = $1 and b.version = 2)
            and $2::text is not null and $3::date is not null"
    );
    Ok(plans)
}

/// Four quarters of submitted capability assessments for every partner past its application, in one statement:
/// each partner answers around a level of its own (from its id) that rises each quarter, varied per topic; the
/// scores are those `rules::capability` gives for the default questionnaire, whose choices carry 0..n-1 points
/// (single choice) or 1 point each (multi choice): topic = mean of its questions, category = mean of its topics,
/// overall = mean of the categories.
async fn capability(conn: &mut PgConnection, tenant: TenantId, admin: UserId) -> anyhow::Result<u64> {
    let done = sqlx::query!(
        r#"with q as (select id from capability_questionnaires where tenant_id = $1 order by version desc limit 1),
           qs as (select x.id as qid, t.code as topic, c.code as cat, x.kind, jsonb_array_length(x.choices) as n
                    from capability_questions x
                    join capability_topics t on t.tenant_id = x.tenant_id and t.id = x.topic_id
                    join capability_categories c on c.tenant_id = t.tenant_id and c.id = t.category_id
                   where c.tenant_id = $1 and c.questionnaire_id = (select id from q)),
           p as (select id, coalesce(cam_id, $2) as by, (abs(hashtext(id::text)) % 1000) / 1000.0 as base
                   from partners where tenant_id = $1 and life_stage <> 'applicant'),
           a as (select p.id as pid, p.by, k, qs.qid, qs.topic, qs.cat, qs.kind, qs.n,
                        least(1, greatest(0, 0.2 + 0.55 * p.base + 0.07 * k
                              + 0.35 * ((abs(hashtext(p.id::text || qs.topic)) % 1000) / 1000.0 - 0.5))) as l
                   from p cross join generate_series(0, 3) as k cross join qs),
           s as (select a.*, case a.kind when 'single' then round(a.l * (a.n - 1))::int
                                         when 'multi' then round(a.l * a.n)::int end as pick
                   from a),
           scored as (select s.*, case s.kind when 'single' then 1 + 99.0 * s.pick / (s.n - 1)
                                              when 'multi' then 1 + 99.0 * s.pick / s.n end as score,
                             case s.kind when 'text' then jsonb_build_object('choices', '[]'::jsonb, 'text',
                                                              'Two people work on this today.')
                                         when 'single' then jsonb_build_object('choices', jsonb_build_array(s.pick),
                                                                               'text', '')
                                         else jsonb_build_object('choices', (select coalesce(jsonb_agg(g), '[]')
                                                                               from generate_series(0, s.pick - 1) g),
                                                                 'text', '') end as answer
                        from s),
           topics as (select pid, by, k, cat, topic, avg(score) as score, jsonb_object_agg(qid, answer) as answers
                        from scored group by pid, by, k, cat, topic),
           cats as (select pid, by, k, cat, avg(score) as score, jsonb_object_agg(topic, round(score, 2)) as topics,
                           jsonb_agg(answers) as answers
                      from topics group by pid, by, k, cat),
           whole as (select pid, by, k, round(avg(score), 2) as overall,
                            jsonb_object_agg(cat, round(score, 2)) as cats,
                            (select jsonb_object_agg(e.key, e.value) from jsonb_array_elements(jsonb_agg(c.topics)) t,
                                    jsonb_each(t.value) e) as topics,
                            (select jsonb_object_agg(e.key, e.value)
                               from jsonb_array_elements(jsonb_agg(c.answers)) l, jsonb_array_elements(l.value) m,
                                    jsonb_each(m.value) e) as answers
                       from cats c group by pid, by, k)
           insert into capability_assessments (tenant_id, id, partner_id, questionnaire_id, period_start, state, answers,
                                               overall_score, category_scores, topic_scores, created_by, submitted_by,
                                               submitted_at, created_at, updated_at)
           select $1, gen_random_uuid(), w.pid, (select id from q),
                  (date_trunc('quarter', current_date) - make_interval(months => 3 * (3 - w.k)))::date, 'submitted',
                  w.answers, w.overall, w.cats, w.topics, w.by, w.by,
                  date_trunc('quarter', current_date) - make_interval(months => 3 * (3 - w.k)) + interval '20 days',
                  date_trunc('quarter', current_date) - make_interval(months => 3 * (3 - w.k)) + interval '10 days',
                  date_trunc('quarter', current_date) - make_interval(months => 3 * (3 - w.k)) + interval '20 days'
             from whole w"#,
        tenant as TenantId,
        admin as UserId,
    )
    .execute(&mut *conn)
    .await
    .context("writing the capability assessments")?;
    Ok(done.rows_affected())
}
