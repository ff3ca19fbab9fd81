//! Sessions this instance has checked lately, so that a request whose session still holds skips the check.
//!
//! A session's check (`app_open_session`) is most of what a page that reads in one round trip costs PostgreSQL
//! beyond its own statements. Once a session has passed, it is remembered until the earliest of: its expiry, a minute
//! later, or a notification on `tributary_sessions` saying that it (or its user, or its tenant's agreement) changed.
//! Triggers send those notifications when a session is revoked or deleted, when a user is deactivated, deleted or
//! has their session version bumped, and when an agreement or an acceptance changes (migration 0016); they reach
//! every instance listening on the database when the change commits. The instance that makes such a change also
//! forgets what it changed at once (`forget`), so its own next request never sees the old state.
//!
//! Nothing is remembered while the listening connection is down: losing it forgets everything, and only a listener
//! that has subscribed again lets sessions be remembered. A check that raced a change is not remembered either: every
//! change bumps an epoch, and a check's result is kept only when no change arrived since the check began.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, RwLock, Weak};
use std::time::{Duration, Instant};

use chrono::{DateTime, Utc};
use sqlx::PgPool;
use sqlx::postgres::{PgListener, PgPoolOptions};
use uuid::Uuid;

use super::SessionCheck;

/// The channel the triggers of migration 0016 notify.
pub const CHANNEL: &str = "tributary_sessions";
/// How long a checked session is trusted without a notification, at most.
const TRUST: Duration = Duration::from_secs(60);
/// How many sessions are remembered at most; past it, expired ones go, then all.
const CAPACITY: usize = 100_000;

/// What changed, as a notification's payload names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Change {
    /// `s<uuid>`: a session was revoked, expired early or deleted.
    Session(Uuid),
    /// `u<uuid>`: a user was deactivated, deleted or had their session version bumped.
    User(Uuid),
    /// `t<uuid>`: a tenant's partner agreement or an acceptance of it changed.
    Tenant(Uuid),
    /// Anything else: forget everything.
    All,
}

impl Change {
    pub fn parse(payload: &str) -> Change {
        let id = |rest: &str| Uuid::parse_str(rest).ok();
        match payload.split_at_checked(1) {
            Some(("s", rest)) => id(rest).map_or(Change::All, Change::Session),
            Some(("u", rest)) => id(rest).map_or(Change::All, Change::User),
            Some(("t", rest)) => id(rest).map_or(Change::All, Change::Tenant),
            _ => Change::All,
        }
    }
}

#[derive(Debug, Clone, Copy)]
struct Entry {
    tenant: Uuid,
    user: Uuid,
    version: i32,
    /// Whether the check that passed included the partner agreement.
    agreement: bool,
    until: Instant,
}

#[derive(Default)]
struct State {
    sessions: HashMap<Uuid, Entry>,
    /// Bumped by every change and by every loss or gain of the listener.
    epoch: u64,
}

#[derive(Default)]
struct Inner {
    state: RwLock<State>,
    /// Whether the listener is subscribed: only then are sessions remembered.
    live: AtomicBool,
}

/// The sessions this instance trusts without asking PostgreSQL. Cheap to clone (one shared cache).
#[derive(Clone, Default)]
pub struct SessionCache(Arc<Inner>);

/// Taken before a check is sent: the check's result is remembered only when nothing changed meanwhile.
#[derive(Debug, Clone, Copy)]
pub struct Ticket(u64);

impl SessionCache {
    /// Whether `check` passed lately and nothing since said otherwise.
    pub fn admits(&self, check: &SessionCheck) -> bool {
        let state = self.0.state.read().unwrap_or_else(|e| e.into_inner());
        state.sessions.get(&check.session).is_some_and(|e| {
            e.user == check.user
                && e.tenant == check.tenant
                && e.version == check.version
                && (e.agreement || !check.agreement)
                && Instant::now() < e.until
        })
    }

    /// A ticket for a check about to be sent, or none while sessions cannot be remembered.
    pub fn ticket(&self) -> Option<Ticket> {
        let state = self.0.state.read().unwrap_or_else(|e| e.into_inner());
        self.0.live.load(Ordering::Acquire).then_some(Ticket(state.epoch))
    }

    /// Remembers that `check` passed, for a session that expires at `expires`, unless something changed since
    /// `ticket` was taken.
    pub fn remember(&self, ticket: Ticket, check: &SessionCheck, expires: DateTime<Utc>) {
        let left = (expires - Utc::now()).to_std().unwrap_or_default();
        let until = Instant::now() + left.min(TRUST);
        let mut state = self.0.state.write().unwrap_or_else(|e| e.into_inner());
        if state.epoch != ticket.0 || !self.0.live.load(Ordering::Acquire) {
            return;
        }
        if state.sessions.len() >= CAPACITY {
            let now = Instant::now();
            state.sessions.retain(|_, e| now < e.until);
            if state.sessions.len() >= CAPACITY {
                state.sessions.clear();
            }
        }
        let agreement = check.agreement
            || state.sessions.get(&check.session).is_some_and(|e| e.agreement && e.version == check.version);
        let entry = Entry { tenant: check.tenant, user: check.user, version: check.version, agreement, until };
        state.sessions.insert(check.session, entry);
    }

    /// Forgets what `change` affects, and keeps any check already under way from being remembered.
    pub fn forget(&self, change: Change) {
        let mut state = self.0.state.write().unwrap_or_else(|e| e.into_inner());
        state.epoch += 1;
        match change {
            Change::Session(id) => {
                state.sessions.remove(&id);
            }
            Change::User(id) => state.sessions.retain(|_, e| e.user != id),
            Change::Tenant(id) => state.sessions.retain(|_, e| e.tenant != id),
            Change::All => state.sessions.clear(),
        }
    }

    /// How many sessions are remembered.
    pub fn len(&self) -> usize {
        self.0.state.read().unwrap_or_else(|e| e.into_inner()).sessions.len()
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Whether sessions can be remembered now (the listener is subscribed).
    pub fn is_live(&self) -> bool {
        self.0.live.load(Ordering::Acquire)
    }

    fn set_live(&self, live: bool) {
        let mut state = self.0.state.write().unwrap_or_else(|e| e.into_inner());
        state.epoch += 1;
        state.sessions.clear();
        self.0.live.store(live, Ordering::Release);
    }

    /// Starts listening for changes on a connection of its own to `pool`'s database, when there is a runtime to run
    /// on. The listener ends once the cache is dropped (at its next notification or reconnection).
    pub fn listen(&self, pool: &PgPool) {
        let Ok(runtime) = tokio::runtime::Handle::try_current() else { return };
        let options = pool.connect_options().as_ref().clone();
        // Its own pool of one: the listener must not take a connection that requests need.
        let pool = PgPoolOptions::new()
            .max_connections(1)
            .min_connections(0)
            .idle_timeout(None)
            .max_lifetime(None)
            .connect_lazy_with(options);
        runtime.spawn(run_listener(Arc::downgrade(&self.0), pool));
    }
}

async fn run_listener(cache: Weak<Inner>, pool: PgPool) {
    let mut delay = Duration::from_millis(100);
    loop {
        let listener = async {
            let mut listener = PgListener::connect_with(&pool).await?;
            // A lost connection is reported at once, not after reconnecting: notifications of the gap are lost.
            listener.eager_reconnect(false);
            listener.listen(CHANNEL).await?;
            Ok::<_, sqlx::Error>(listener)
        };
        let mut listener = match listener.await {
            Ok(listener) => listener,
            Err(e) => {
                if cache.strong_count() == 0 {
                    return;
                }
                tracing::warn!(error = %e, "cannot listen for session changes; sessions are checked on every request");
                tokio::time::sleep(delay).await;
                delay = (delay * 2).min(Duration::from_secs(10));
                continue;
            }
        };
        delay = Duration::from_millis(100);
        match cache.upgrade() {
            Some(inner) => SessionCache(inner).set_live(true),
            None => return,
        }
        loop {
            let received = listener.try_recv().await;
            let Some(inner) = cache.upgrade() else { return };
            let cache = SessionCache(inner);
            match received {
                Ok(Some(notification)) => cache.forget(Change::parse(notification.payload())),
                Ok(None) | Err(_) => {
                    cache.set_live(false);
                    tracing::warn!("lost the connection listening for session changes; reconnecting");
                    break;
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(session: Uuid, user: Uuid, agreement: bool) -> SessionCheck {
        SessionCheck { tenant: Uuid::nil(), user, session, version: 1, agreement }
    }

    fn live() -> SessionCache {
        let cache = SessionCache::default();
        cache.set_live(true);
        cache
    }

    fn later() -> DateTime<Utc> {
        Utc::now() + chrono::Duration::hours(1)
    }

    #[test]
    fn a_session_that_passed_is_admitted_until_it_changes() {
        let cache = live();
        let (s, u) = (Uuid::new_v4(), Uuid::new_v4());
        let c = check(s, u, false);
        assert!(!cache.admits(&c));
        cache.remember(cache.ticket().unwrap(), &c, later());
        assert!(cache.admits(&c));
        cache.forget(Change::Session(s));
        assert!(!cache.admits(&c));
    }

    #[test]
    fn a_check_that_raced_a_change_is_not_remembered() {
        let cache = live();
        let c = check(Uuid::new_v4(), Uuid::new_v4(), false);
        let ticket = cache.ticket().unwrap();
        cache.forget(Change::User(Uuid::new_v4()));
        cache.remember(ticket, &c, later());
        assert!(!cache.admits(&c));
    }

    #[test]
    fn nothing_is_remembered_without_a_listener_and_losing_it_forgets_everything() {
        let cache = SessionCache::default();
        assert!(cache.ticket().is_none());
        cache.set_live(true);
        let c = check(Uuid::new_v4(), Uuid::new_v4(), false);
        let ticket = cache.ticket().unwrap();
        cache.remember(ticket, &c, later());
        assert!(cache.admits(&c));
        cache.set_live(false);
        assert!(!cache.admits(&c));
        assert!(cache.ticket().is_none());
        cache.remember(ticket, &c, later());
        assert!(cache.is_empty());
    }

    #[test]
    fn a_change_of_user_or_tenant_forgets_all_its_sessions_and_no_others() {
        let cache = live();
        let (u, other) = (Uuid::new_v4(), Uuid::new_v4());
        let mine = [check(Uuid::new_v4(), u, false), check(Uuid::new_v4(), u, true)];
        let theirs = SessionCheck { tenant: Uuid::from_u128(7), ..check(Uuid::new_v4(), other, false) };
        for c in mine.iter().chain([&theirs]) {
            cache.remember(cache.ticket().unwrap(), c, later());
        }
        cache.forget(Change::User(u));
        assert!(mine.iter().all(|c| !cache.admits(c)));
        assert!(cache.admits(&theirs));
        cache.forget(Change::Tenant(Uuid::nil()));
        assert!(cache.admits(&theirs));
        cache.forget(Change::Tenant(Uuid::from_u128(7)));
        assert!(!cache.admits(&theirs));
    }

    #[test]
    fn a_check_without_the_agreement_does_not_admit_a_request_that_needs_it() {
        let cache = live();
        let (s, u) = (Uuid::new_v4(), Uuid::new_v4());
        cache.remember(cache.ticket().unwrap(), &check(s, u, false), later());
        assert!(cache.admits(&check(s, u, false)));
        assert!(!cache.admits(&check(s, u, true)));
        cache.remember(cache.ticket().unwrap(), &check(s, u, true), later());
        assert!(cache.admits(&check(s, u, true)));
        // A later check on an exempt path keeps what the agreement check established.
        cache.remember(cache.ticket().unwrap(), &check(s, u, false), later());
        assert!(cache.admits(&check(s, u, true)));
    }

    #[test]
    fn a_session_is_not_trusted_past_its_expiry_or_with_another_version_or_user() {
        let cache = live();
        let (s, u) = (Uuid::new_v4(), Uuid::new_v4());
        let c = check(s, u, false);
        cache.remember(cache.ticket().unwrap(), &c, Utc::now() - chrono::Duration::seconds(1));
        assert!(!cache.admits(&c));
        cache.remember(cache.ticket().unwrap(), &c, later());
        assert!(!cache.admits(&SessionCheck { version: 2, ..c }));
        assert!(!cache.admits(&check(s, Uuid::new_v4(), false)));
        assert!(cache.admits(&c));
    }

    #[test]
    fn payloads_name_what_changed_and_anything_else_forgets_everything() {
        let id = Uuid::new_v4();
        assert_eq!(Change::parse(&format!("s{id}")), Change::Session(id));
        assert_eq!(Change::parse(&format!("u{id}")), Change::User(id));
        assert_eq!(Change::parse(&format!("t{id}")), Change::Tenant(id));
        assert_eq!(Change::parse("s-not-a-uuid"), Change::All);
        assert_eq!(Change::parse(""), Change::All);
        assert_eq!(Change::parse("é"), Change::All);
    }
}
