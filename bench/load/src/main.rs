//! `tributary-load`: the mixed workload of `bench/run`, a working day of a tenant driven with goose.
//!
//!     tributary-load --plan PLAN.json --host URL --out RESULT.json
//!                    [--users 64] [--warmup 2] [--seconds 10] [--report FILE.html]
//!
//! PLAN.json, written by `bench/run`, holds the people already signed in (their session tokens), what each one
//! looks at and the registration bodies partners post (see `Plan`). `--users` goose users (the connections) run
//! one journey after another with no think time (a closed loop). Each journey is of one person: its persona is drawn
//! by the plan's mix, then the next person of that persona in turn, so that the people of a persona share its
//! journeys evenly:
//!
//! - partner (admin or user): its home `/`, the deal list `/deals`, its MDF page `/mdf`, one of its own deals
//!   `/deals/{id}`, its tier page `/tier` and its performance scorecard `/scorecard` each once in 4 journeys, and now
//!   and then (one journey in `register_every`) a registration `POST /api/v1/deals`; a registration still pending joins
//!   its CAM's queue;
//! - CAM: its home `/`, the approval queue `/deals/queue`, the MDF queue ranked by ROI `/mdf`, the next registration
//!   of its queue `/deals/{id}`, then
//!   approves (`approve_share` of them) or rejects it through the API. Each registration is decided once: every CAM
//!   takes from its own queue. An approval refused with 409 because another registration of the same customer is
//!   already protected, or with 422 because it is probably the same customer and approving would need a reason, is what
//!   a CAM meets on a real day: it is counted apart (`approve_conflicts`), not as an error, and the CAM then rejects
//!   the registration as a duplicate;
//! - channel chief: the overview `/`;
//! - program admin: the partners page `/admin/partners`.
//!
//! Pages are read with the session cookie, the API with the bearer token; no redirect is followed. A warm-up of
//! `--warmup` seconds at full load comes first, unmeasured; then `--seconds` are measured. RESULT.json holds, for
//! the measured part: the seconds, requests, requests/s, errors (any answer but 2xx and the approvals' 409, or a
//! transport error), and for each kind of request its count, errors, p50 and p99 in ms (goose's times: from sending
//! the request to its response's head) and status codes; plus the counters of the journeys.

use std::collections::{BTreeMap, HashMap, VecDeque};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::Duration;

use goose::config::GooseConfiguration;
use goose::metrics::GooseMetrics;
use goose::prelude::*;
use goose::test_plan::TestPlanStepAction;
use serde::{Deserialize, Serialize};

/// The names requests are counted under, one per kind of page or call.
const PARTNER_HOME: &str = "partner home";
const DEAL_LIST: &str = "deal list";
const DEAL_PAGE: &str = "deal page";
const REGISTER: &str = "register";
const CAM_HOME: &str = "CAM home";
const QUEUE: &str = "queue";
const DECIDE: &str = "decide";
const CHIEF_OVERVIEW: &str = "chief overview";
const ADMIN_PARTNERS: &str = "admin partners";
const MDF_PAGE: &str = "partner MDF page";
const MDF_QUEUE: &str = "MDF queue";
const TIER_PAGE: &str = "tier page";
const SCORECARD: &str = "scorecard";
const KINDS: [&str; 13] = [
    PARTNER_HOME,
    DEAL_LIST,
    DEAL_PAGE,
    REGISTER,
    CAM_HOME,
    QUEUE,
    DECIDE,
    CHIEF_OVERVIEW,
    ADMIN_PARTNERS,
    MDF_PAGE,
    MDF_QUEUE,
    TIER_PAGE,
    SCORECARD,
];
/// A partner's journey looks at its tier page once in this many.
const TIER_PAGE_EVERY: u64 = 4;
/// A partner's journey looks at its performance scorecard once in this many.
const SCORECARD_EVERY: u64 = 4;
/// The kinds that write.
const WRITES: [&str; 2] = [REGISTER, DECIDE];

const REJECT_REASONS: [&str; 5] =
    ["duplicate", "existing_customer", "direct_sales_engaged", "outside_territory", "insufficient_information"];

#[derive(Deserialize)]
struct Plan {
    /// Share of the journeys of each persona: `partner`, `cam`, `chief`, `admin`.
    mix: BTreeMap<String, f64>,
    /// A partner's journey registers a deal once in this many.
    register_every: u64,
    /// Share of a CAM's decisions that approve; the others reject.
    approve_share: f64,
    /// Registration bodies, JSON, taken in turn.
    bodies: Vec<serde_json::Value>,
    people: Vec<Person>,
}

#[derive(Deserialize)]
struct Person {
    persona: String,
    token: String,
    /// Registrations this person may look at: a partner's own, a CAM's partners'.
    #[serde(default)]
    deals: Vec<String>,
    /// A CAM's pending registrations, to decide.
    #[serde(default)]
    pending: Vec<String>,
    /// A partner person's CAM, as an index into `people`.
    #[serde(default)]
    cam: Option<usize>,
}

const PERSONAS: [&str; 4] = ["partner", "cam", "chief", "admin"];

struct Someone {
    cookie: String,
    bearer: String,
    deals: Vec<String>,
    cam: Option<usize>,
    /// A CAM's registrations to decide, oldest first; registrations posted during the run join at the back.
    queue: Mutex<VecDeque<String>>,
    /// Journeys of this person in the measured run.
    journeys: AtomicU64,
}

#[derive(Default)]
struct Counters {
    journeys: [AtomicU64; 4],
    registered_pending: AtomicU64,
    approved: AtomicU64,
    rejected: AtomicU64,
    approve_conflicts: AtomicU64,
    /// CAM journeys that found nothing left to decide.
    queue_empty: AtomicU64,
    /// Partner journeys of a partner with no registration to look at.
    no_deal_to_show: AtomicU64,
    /// Answers whose body could not be read, or a registration's answer that did not parse.
    body_errors: AtomicU64,
}

struct State {
    people: Vec<Someone>,
    /// Indexes into `people`, by persona (`PERSONAS` order).
    by_persona: [Vec<usize>; 4],
    next_of_persona: [AtomicUsize; 4],
    /// Cumulative mix over `PERSONAS`, ending at 1.
    mix: [f64; 4],
    register_every: u64,
    approve_share: f64,
    bodies: Vec<String>,
    next_body: AtomicUsize,
    counters: Counters,
    error_samples: Mutex<Vec<String>>,
}

static STATE: OnceLock<State> = OnceLock::new();

fn state() -> &'static State {
    STATE.get().expect("plan loaded")
}

impl State {
    fn from_plan(plan: Plan) -> Result<State, String> {
        let mut by_persona: [Vec<usize>; 4] = Default::default();
        let mut people = Vec::with_capacity(plan.people.len());
        for (i, p) in plan.people.into_iter().enumerate() {
            let k = PERSONAS.iter().position(|&x| x == p.persona).ok_or(format!("unknown persona {}", p.persona))?;
            by_persona[k].push(i);
            people.push(Someone {
                cookie: format!("tributary_session={}", p.token),
                bearer: format!("Bearer {}", p.token),
                deals: p.deals,
                cam: p.cam,
                queue: Mutex::new(p.pending.into()),
                journeys: AtomicU64::new(0),
            });
        }
        let mut mix = [0.0; 4];
        let mut sum = 0.0;
        for (k, name) in PERSONAS.iter().enumerate() {
            let w = if by_persona[k].is_empty() { 0.0 } else { plan.mix.get(*name).copied().unwrap_or(0.0) };
            sum += w;
            mix[k] = sum;
        }
        if sum <= 0.0 {
            return Err("the mix gives no journey to anyone".into());
        }
        for m in &mut mix {
            *m /= sum;
        }
        if plan.bodies.is_empty() && !by_persona[0].is_empty() {
            return Err("no registration bodies".into());
        }
        Ok(State {
            people,
            by_persona,
            next_of_persona: Default::default(),
            mix,
            register_every: plan.register_every.max(1),
            approve_share: plan.approve_share,
            bodies: plan.bodies.iter().map(|b| b.to_string()).collect(),
            next_body: AtomicUsize::new(0),
            counters: Counters::default(),
            error_samples: Mutex::new(Vec::new()),
        })
    }

    /// The next person of this persona, in turn.
    fn next_person(&self, k: usize) -> (usize, &Someone) {
        let list = &self.by_persona[k];
        let i = list[self.next_of_persona[k].fetch_add(1, Ordering::Relaxed) % list.len()];
        (i, &self.people[i])
    }
}

/// Each goose user's own random numbers (xorshift64*), so that runs are alike without a shared generator.
#[derive(Clone)]
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }
    fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }
}

fn roll(user: &mut GooseUser) -> &mut Dice {
    user.get_session_data_mut::<Dice>().expect("dice set on start")
}

/// On start: a client that keeps no cookies and follows no redirect, and the user's dice.
async fn setup(user: &mut GooseUser) -> TransactionResult {
    let builder = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .timeout(Duration::from_secs(10))
        .pool_max_idle_per_host(1);
    user.set_client_builder(builder).await?;
    let seed = 0x9E37_79B9_7F4A_7C15u64.wrapping_mul(user.weighted_users_index as u64 + 1) | 1;
    user.set_session_data(Dice(seed));
    Ok(())
}

/// The response of a request whose body was read, or none when it failed to arrive.
struct Answer {
    status: u16,
    body: Option<bytes::Bytes>,
}

async fn send(
    user: &mut GooseUser,
    name: &'static str,
    path: &str,
    builder: reqwest::RequestBuilder,
    also_ok: &[u16],
) -> Result<Answer, Box<TransactionError>> {
    let request = GooseRequest::builder().path(path).name(name).set_request_builder(builder).build();
    let goose = user.request(request).await?;
    let mut answer = Answer { status: 0, body: None };
    let mut metric = goose.request;
    match goose.response {
        Ok(response) => {
            answer.status = response.status().as_u16();
            // Read to the end, so that the connection serves the next request.
            match response.bytes().await {
                Ok(b) => answer.body = Some(b),
                Err(e) => {
                    state().counters.body_errors.fetch_add(1, Ordering::Relaxed);
                    sample(format!("{name} {path}: reading the answer: {e}"));
                }
            }
        }
        Err(e) => sample(format!("{name} {path}: {e}")),
    }
    if also_ok.contains(&answer.status) {
        user.set_success(&mut metric)?;
    } else if answer.status != 0 && !(200..300).contains(&answer.status) {
        let body = answer.body.as_deref().map(String::from_utf8_lossy).unwrap_or_default();
        sample(format!("{name} {path}: {} {}", answer.status, body.chars().take(200).collect::<String>()));
    }
    Ok(answer)
}

/// Keeps the first few errors, to show what went wrong.
fn sample(what: String) {
    let mut samples = state().error_samples.lock().unwrap();
    if samples.len() < 20 {
        samples.push(what);
    }
}

async fn page(
    user: &mut GooseUser,
    name: &'static str,
    path: &str,
    who: &Someone,
) -> Result<Answer, Box<TransactionError>> {
    let builder = user.get_request_builder(&GooseMethod::Get, path)?.header("cookie", &who.cookie);
    send(user, name, path, builder, &[]).await
}

async fn api_post(
    user: &mut GooseUser,
    name: &'static str,
    path: &str,
    who: &Someone,
    body: Option<String>,
    also_ok: &[u16],
) -> Result<Answer, Box<TransactionError>> {
    let mut builder = user.get_request_builder(&GooseMethod::Post, path)?.header("authorization", &who.bearer);
    if let Some(body) = body {
        builder = builder.header("content-type", "application/json").body(body);
    }
    send(user, name, path, builder, also_ok).await
}

/// One journey of one person; the transaction every goose user runs again and again.
async fn journey(user: &mut GooseUser) -> TransactionResult {
    let st = state();
    let u = roll(user).unit();
    let k = st.mix.iter().position(|&m| u < m).unwrap_or(3);
    st.counters.journeys[k].fetch_add(1, Ordering::Relaxed);
    let (_, who) = st.next_person(k);
    who.journeys.fetch_add(1, Ordering::Relaxed);
    match k {
        0 => partner(user, who).await,
        1 => cam(user, who).await,
        2 => page(user, CHIEF_OVERVIEW, "/", who).await.map(drop),
        _ => page(user, ADMIN_PARTNERS, "/admin/partners", who).await.map(drop),
    }
}

async fn partner(user: &mut GooseUser, who: &'static Someone) -> TransactionResult {
    let st = state();
    page(user, PARTNER_HOME, "/", who).await?;
    page(user, DEAL_LIST, "/deals", who).await?;
    page(user, MDF_PAGE, "/mdf", who).await?;
    if who.deals.is_empty() {
        st.counters.no_deal_to_show.fetch_add(1, Ordering::Relaxed);
    } else {
        let id = &who.deals[roll(user).below(who.deals.len())];
        page(user, DEAL_PAGE, &format!("/deals/{id}"), who).await?;
    }
    if roll(user).next().is_multiple_of(TIER_PAGE_EVERY) {
        page(user, TIER_PAGE, "/tier", who).await?;
    }
    if roll(user).next().is_multiple_of(SCORECARD_EVERY) {
        page(user, SCORECARD, "/scorecard", who).await?;
    }
    if roll(user).next().is_multiple_of(st.register_every) {
        let body = st.bodies[st.next_body.fetch_add(1, Ordering::Relaxed) % st.bodies.len()].clone();
        let answer = api_post(user, REGISTER, "/api/v1/deals", who, Some(body), &[]).await?;
        if answer.status == 201 {
            #[derive(Deserialize)]
            struct Registered {
                id: String,
                status: String,
            }
            match answer.body.as_deref().map(serde_json::from_slice::<Registered>) {
                Some(Ok(r)) if r.status == "pending" => {
                    st.counters.registered_pending.fetch_add(1, Ordering::Relaxed);
                    if let Some(cam) = who.cam {
                        st.people[cam].queue.lock().unwrap().push_back(r.id);
                    }
                }
                Some(Ok(_)) => {}
                _ => {
                    st.counters.body_errors.fetch_add(1, Ordering::Relaxed);
                }
            }
        }
    }
    Ok(())
}

async fn cam(user: &mut GooseUser, who: &'static Someone) -> TransactionResult {
    let st = state();
    page(user, CAM_HOME, "/", who).await?;
    page(user, QUEUE, "/deals/queue", who).await?;
    page(user, MDF_QUEUE, "/mdf", who).await?;
    // The registration to decide is taken now, so that no other journey of the same CAM decides it too.
    let next = who.queue.lock().unwrap().pop_front();
    let Some(id) = next else {
        st.counters.queue_empty.fetch_add(1, Ordering::Relaxed);
        if !who.deals.is_empty() {
            let id = &who.deals[roll(user).below(who.deals.len())];
            page(user, DEAL_PAGE, &format!("/deals/{id}"), who).await?;
        }
        return Ok(());
    };
    page(user, DEAL_PAGE, &format!("/deals/{id}"), who).await?;
    let mut reason = REJECT_REASONS[roll(user).below(REJECT_REASONS.len())];
    if roll(user).unit() < st.approve_share {
        // 409: another partner's registration of the same customer is protected; 422: probably the same customer, which
        // needs a reason to approve anyway. Either way the CAM rejects this one as a duplicate.
        let answer = api_post(user, DECIDE, &format!("/api/v1/deals/{id}/approve"), who, None, &[409, 422]).await?;
        match answer.status {
            200 => {
                st.counters.approved.fetch_add(1, Ordering::Relaxed);
                return Ok(());
            }
            409 | 422 => {
                st.counters.approve_conflicts.fetch_add(1, Ordering::Relaxed);
                reason = "duplicate";
            }
            _ => return Ok(()),
        }
    }
    let body = serde_json::json!({ "reason": reason }).to_string();
    let answer = api_post(user, DECIDE, &format!("/api/v1/deals/{id}/reject"), who, Some(body), &[]).await?;
    if answer.status == 200 {
        st.counters.rejected.fetch_add(1, Ordering::Relaxed);
    }
    Ok(())
}

#[derive(Serialize)]
struct Kind {
    requests: usize,
    errors: usize,
    p50_ms: f64,
    p99_ms: f64,
    statuses: BTreeMap<u16, usize>,
}

#[derive(Serialize)]
struct Outcome {
    seconds: f64,
    users: usize,
    people: usize,
    /// People with at least one journey in the measured run.
    people_active: usize,
    requests: usize,
    writes: usize,
    rps: f64,
    errors: usize,
    pages: BTreeMap<&'static str, Kind>,
    error_samples: Vec<String>,
    journeys: BTreeMap<&'static str, u64>,
    registered_pending: u64,
    approved: u64,
    rejected: u64,
    approve_conflicts: u64,
    queue_empty: u64,
    no_deal_to_show: u64,
    body_errors: u64,
}

struct Args {
    plan: String,
    host: String,
    out: String,
    users: usize,
    warmup: u64,
    seconds: u64,
    report: Option<String>,
}

fn args() -> Result<Args, String> {
    let mut a = Args {
        plan: String::new(),
        host: String::new(),
        out: String::new(),
        users: 64,
        warmup: 2,
        seconds: 10,
        report: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = || it.next().ok_or(format!("{flag} needs a value"));
        match flag.as_str() {
            "--plan" => a.plan = value()?,
            "--host" => a.host = value()?,
            "--out" => a.out = value()?,
            "--users" => a.users = value()?.parse().map_err(|e| format!("--users: {e}"))?,
            "--warmup" => a.warmup = value()?.parse().map_err(|e| format!("--warmup: {e}"))?,
            "--seconds" => a.seconds = value()?.parse().map_err(|e| format!("--seconds: {e}"))?,
            "--report" => a.report = Some(value()?),
            _ => return Err(format!("unknown argument {flag}")),
        }
    }
    if a.plan.is_empty() || a.host.is_empty() || a.out.is_empty() || a.seconds == 0 || a.users == 0 {
        return Err("usage: tributary-load --plan PLAN.json --host URL --out RESULT.json [--users N] [--warmup S] [--seconds S] [--report FILE.html]".into());
    }
    Ok(a)
}

/// One goose run at `users` users, started all at once, for `seconds` once all have started.
async fn attack(a: &Args, seconds: u64, report: Option<&str>) -> Result<GooseMetrics, GooseError> {
    let users = a.users.to_string();
    let seconds = seconds.to_string();
    let mut flags = vec![
        "--host",
        &a.host,
        "--users",
        &users,
        "--increase-rate",
        "10000",
        "--run-time",
        &seconds,
        "--quiet",
        "--no-print-metrics",
        "--no-telnet",
        "--no-scenario-metrics",
        "--no-transaction-metrics",
        "--timeout",
        "10",
    ];
    if let Some(r) = report {
        flags.extend(["--report-file", r]);
    }
    let config = GooseConfiguration::parse_args_default(&flags)?;
    GooseAttack::initialize_with_config(config)?
        .register_scenario(
            scenario!("WorkingDay")
                .register_transaction(transaction!(setup).set_on_start())
                .register_transaction(transaction!(journey).set_name("journey")),
        )
        .execute()
        .await
}

/// The seconds the users were all running: from the last start of the Maintaining step to the step after it.
fn measured_seconds(m: &GooseMetrics) -> Option<f64> {
    let start = m.history.iter().rposition(|h| matches!(h.action, TestPlanStepAction::Maintaining))?;
    let end = m.history.get(start + 1)?;
    Some((end.timestamp - m.history[start].timestamp).num_microseconds()? as f64 / 1e6)
}

fn take(c: &AtomicU64) -> u64 {
    c.swap(0, Ordering::Relaxed)
}

#[tokio::main]
async fn main() {
    if let Err(e) = run().await {
        eprintln!("tributary-load: {e}");
        std::process::exit(1);
    }
}

async fn run() -> Result<(), String> {
    let a = args()?;
    let text = std::fs::read_to_string(&a.plan).map_err(|e| format!("{}: {e}", a.plan))?;
    let plan: Plan = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", a.plan))?;
    let people = plan.people.len();
    if STATE.set(State::from_plan(plan)?).is_err() {
        unreachable!("the plan is loaded once");
    }
    let st = state();
    if a.warmup > 0 {
        attack(&a, a.warmup, None).await.map_err(|e| format!("warm-up: {e}"))?;
    }
    // Only the measured run counts.
    let c = &st.counters;
    for j in &c.journeys {
        take(j);
    }
    st.error_samples.lock().unwrap().clear();
    for someone in &st.people {
        someone.journeys.store(0, Ordering::Relaxed);
    }
    for x in [
        &c.registered_pending,
        &c.approved,
        &c.rejected,
        &c.approve_conflicts,
        &c.queue_empty,
        &c.no_deal_to_show,
        &c.body_errors,
    ] {
        take(x);
    }
    let m = attack(&a, a.seconds, a.report.as_deref()).await.map_err(|e| format!("measured run: {e}"))?;
    let seconds = measured_seconds(&m).unwrap_or(a.seconds as f64);

    let mut pages = BTreeMap::new();
    let mut by_name: HashMap<&str, &goose::metrics::GooseRequestMetricAggregate> = HashMap::new();
    for (key, agg) in &m.requests {
        let name = key.split_once(' ').map_or(key.as_str(), |(_, n)| n);
        by_name.insert(name, agg);
    }
    let (mut requests, mut writes, mut errors) = (0, 0, 0);
    for kind in KINDS {
        let Some(agg) = by_name.get(kind) else { continue };
        let n = agg.success_count + agg.fail_count;
        requests += n;
        errors += agg.fail_count;
        if WRITES.contains(&kind) {
            writes += n;
        }
        let ms = |p: f32| (agg.raw_data.percentile_us(p) as f64 / 10.0).round() / 100.0;
        pages.insert(
            kind,
            Kind {
                requests: n,
                errors: agg.fail_count,
                p50_ms: ms(0.5),
                p99_ms: ms(0.99),
                statuses: agg.status_code_counts.iter().map(|(s, n)| (*s, *n)).collect(),
            },
        );
    }
    let body_errors = take(&c.body_errors);
    let transaction_errors: usize = m.transaction_errors.values().map(|e| e.occurrences).sum();
    errors += body_errors as usize + transaction_errors;
    let mut error_samples = std::mem::take(&mut *st.error_samples.lock().unwrap());
    error_samples.extend(m.transaction_errors.values().map(|e| format!("{} (x{})", e.error, e.occurrences)));
    let outcome = Outcome {
        seconds: (seconds * 1000.0).round() / 1000.0,
        users: a.users,
        people,
        people_active: st.people.iter().filter(|p| p.journeys.load(Ordering::Relaxed) > 0).count(),
        requests,
        writes,
        rps: (requests as f64 / seconds * 10.0).round() / 10.0,
        errors,
        pages,
        error_samples,
        journeys: PERSONAS.iter().zip(&c.journeys).map(|(p, j)| (*p, take(j))).collect(),
        registered_pending: take(&c.registered_pending),
        approved: take(&c.approved),
        rejected: take(&c.rejected),
        approve_conflicts: take(&c.approve_conflicts),
        queue_empty: take(&c.queue_empty),
        no_deal_to_show: take(&c.no_deal_to_show),
        body_errors,
    };
    let json = serde_json::to_string_pretty(&outcome).map_err(|e| e.to_string())?;
    std::fs::write(&a.out, json).map_err(|e| format!("{}: {e}", a.out))?;
    Ok(())
}
