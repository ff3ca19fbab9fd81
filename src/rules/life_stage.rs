//! A partner's life-stage as time passes: applicant → onboarding → activated (its first registration) → producing
//! (closed-won within the program's window) → lapsed (no deal activity within the window), and producing again once it
//! wins again. Only approval moves an applicant on; everything after follows from what the partner does.

use chrono::{Duration, NaiveDate};

use crate::partners::LifeStage;

/// The program's windows, in days (90 and 90 by default).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// A partner with a deal won within this many days is producing.
    pub producing_days: u32,
    /// An activated partner with no deal activity (registered, decided, won or lost) within this many days has lapsed.
    pub lapsed_days: u32,
}

impl Default for Policy {
    fn default() -> Self {
        Policy { producing_days: 90, lapsed_days: 90 }
    }
}

/// What the partner has done, as of the evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Activity {
    pub first_registration: Option<NaiveDate>,
    pub last_won: Option<NaiveDate>,
    /// The latest day a registration of the partner was registered, decided or closed.
    pub last_deal_activity: Option<NaiveDate>,
}

/// The life-stage on `today`.
pub fn stage(current: LifeStage, activity: &Activity, policy: &Policy, today: NaiveDate) -> LifeStage {
    let within = |day: Option<NaiveDate>, days: u32| day.is_some_and(|d| d > today - Duration::days(i64::from(days)));
    if current == LifeStage::Applicant {
        return LifeStage::Applicant;
    }
    if within(activity.last_won, policy.producing_days) {
        return LifeStage::Producing;
    }
    if activity.first_registration.is_none() {
        return LifeStage::Onboarding;
    }
    if within(activity.last_deal_activity.or(activity.first_registration), policy.lapsed_days) {
        LifeStage::Activated
    } else {
        LifeStage::Lapsed
    }
}

/// Why the partner is at that stage, for the CAM: "won a deal on 3 Nov", "no deal activity since 2 Aug".
pub fn reason(stage: LifeStage, activity: &Activity) -> String {
    let date = |d: Option<NaiveDate>| d.map(|d| d.format("%-d %b %Y").to_string()).unwrap_or_default();
    match stage {
        LifeStage::Applicant => "Its application waits for a decision.".into(),
        LifeStage::Onboarding => "No deal registered yet.".into(),
        LifeStage::Activated => format!(
            "Registering deals; none won lately (last activity {}).",
            date(activity.last_deal_activity.or(activity.first_registration))
        ),
        LifeStage::Producing => format!("Won a deal on {}.", date(activity.last_won)),
        LifeStage::Lapsed => {
            format!("No deal activity since {}.", date(activity.last_deal_activity.or(activity.first_registration)))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    const TODAY: &str = "2026-12-04";

    fn activity(first: Option<&str>, won: Option<&str>, last: Option<&str>) -> Activity {
        Activity { first_registration: first.map(day), last_won: won.map(day), last_deal_activity: last.map(day) }
    }

    #[test]
    fn a_partner_moves_through_the_stages_as_it_registers_wins_and_goes_quiet() {
        let p = Policy::default();
        let today = day(TODAY);
        assert_eq!(stage(LifeStage::Onboarding, &Activity::default(), &p, today), LifeStage::Onboarding);
        let first = activity(Some("2026-11-20"), None, Some("2026-11-20"));
        assert_eq!(stage(LifeStage::Onboarding, &first, &p, today), LifeStage::Activated);
        let won = activity(Some("2026-06-01"), Some("2026-10-01"), Some("2026-10-01"));
        assert_eq!(stage(LifeStage::Activated, &won, &p, today), LifeStage::Producing);
        // 90 days after the last win, with no activity since: lapsed.
        assert_eq!(stage(LifeStage::Producing, &won, &p, day("2026-12-30")), LifeStage::Lapsed);
        // Registering again while the win is older than the window: activated, not lapsed.
        let busy = activity(Some("2026-06-01"), Some("2026-08-01"), Some("2026-11-30"));
        assert_eq!(stage(LifeStage::Producing, &busy, &p, today), LifeStage::Activated);
        // Winning again brings it back.
        let again = activity(Some("2026-01-01"), Some("2026-12-01"), Some("2026-12-01"));
        assert_eq!(stage(LifeStage::Lapsed, &again, &p, today), LifeStage::Producing);
        // Only approval moves an applicant on.
        assert_eq!(stage(LifeStage::Applicant, &again, &p, today), LifeStage::Applicant);
    }

    #[test]
    fn the_windows_are_the_programs_and_end_on_their_last_day() {
        let p = Policy { producing_days: 30, lapsed_days: 60 };
        let won = activity(Some("2026-09-01"), Some("2026-11-04"), Some("2026-11-04"));
        assert_eq!(stage(LifeStage::Activated, &won, &p, day("2026-12-03")), LifeStage::Producing);
        assert_eq!(stage(LifeStage::Activated, &won, &p, day("2026-12-04")), LifeStage::Activated);
        assert_eq!(stage(LifeStage::Activated, &won, &p, day("2027-01-03")), LifeStage::Lapsed);
        assert_eq!(reason(LifeStage::Lapsed, &won), "No deal activity since 4 Nov 2026.");
    }

    fn any_day() -> impl Strategy<Value = Option<NaiveDate>> {
        prop::option::of((0i64..400).prop_map(|d| day(TODAY) - Duration::days(d)))
    }

    proptest! {
        #[test]
        fn a_recent_win_is_always_producing_and_no_registration_never_lapses(
            won in any_day(), last in any_day(), first in any_day(), days in 1u32..200
        ) {
            let p = Policy { producing_days: days, lapsed_days: days };
            let a = Activity { first_registration: first.or(won), last_won: won, last_deal_activity: last.or(won) };
            let s = stage(LifeStage::Activated, &a, &p, day(TODAY));
            if won.is_some_and(|w| w > day(TODAY) - Duration::days(i64::from(days))) {
                prop_assert_eq!(s, LifeStage::Producing);
            }
            let none = stage(LifeStage::Onboarding, &Activity::default(), &p, day(TODAY));
            prop_assert_eq!(none, LifeStage::Onboarding);
            prop_assert_ne!(s, LifeStage::Applicant);
        }
    }
}
