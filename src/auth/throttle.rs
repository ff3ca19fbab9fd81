//! Sign-in throttling: too many recent failures for one account, or from one address, and sign-in is refused for a
//! while. Failures are kept in the database so that every server instance sees the same counts.

use chrono::{DateTime, Duration, Utc};

pub const WINDOW_MINUTES: i64 = 15;
pub const MAX_PER_ACCOUNT: i64 = 5;
pub const MAX_PER_ADDRESS: i64 = 30;

/// Recent failures under one key: how many, and when the oldest in the window happened.
#[derive(Debug, Clone, Copy)]
pub struct Failures {
    pub count: i64,
    pub oldest: DateTime<Utc>,
}

/// `Some(seconds to wait)` when either limit is reached: the wait lasts until the oldest failure leaves the window.
pub fn retry_after(account: Option<Failures>, address: Option<Failures>, now: DateTime<Utc>) -> Option<u64> {
    let blocked = |f: Option<Failures>, max: i64| {
        f.filter(|f| f.count >= max).map(|f| (f.oldest + Duration::minutes(WINDOW_MINUTES) - now).num_seconds().max(1))
    };
    [blocked(account, MAX_PER_ACCOUNT), blocked(address, MAX_PER_ADDRESS)].into_iter().flatten().max().map(|s| s as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(min_ago: i64, now: DateTime<Utc>) -> DateTime<Utc> {
        now - Duration::minutes(min_ago)
    }

    #[test]
    fn below_the_limits_sign_in_is_allowed() {
        let now = Utc::now();
        let f = Failures { count: MAX_PER_ACCOUNT - 1, oldest: at(1, now) };
        assert_eq!(retry_after(Some(f), None, now), None);
    }

    #[test]
    fn an_account_at_its_limit_waits_until_the_oldest_failure_expires() {
        let now = Utc::now();
        let f = Failures { count: MAX_PER_ACCOUNT, oldest: at(5, now) };
        assert_eq!(retry_after(Some(f), None, now), Some(10 * 60));
    }

    #[test]
    fn an_address_at_its_limit_is_refused_whatever_the_account() {
        let now = Utc::now();
        let f = Failures { count: MAX_PER_ADDRESS, oldest: at(14, now) };
        assert_eq!(retry_after(None, Some(f), now), Some(60));
    }

    #[test]
    fn the_longer_wait_wins_when_both_limits_are_reached() {
        let now = Utc::now();
        let a = Failures { count: MAX_PER_ACCOUNT, oldest: at(10, now) };
        let b = Failures { count: MAX_PER_ADDRESS, oldest: at(2, now) };
        assert_eq!(retry_after(Some(a), Some(b), now), Some(13 * 60));
    }
}
