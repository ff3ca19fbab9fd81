//! The channel chief's plans overview: how many active partners have an agreed business plan this fiscal year, and
//! how far they are against it to date, overall and by CAM, tier and region, worst first. The store reads one row
//! per partner; the figures are `rules::scorecard`'s. Contract: docs/api.md ("Plans overview").

use std::collections::BTreeMap;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::store::{self, OverviewRow};
use crate::db::Tx;
use crate::error::Result;
use crate::rules::scorecard::{self as rule, Bands, Mark};

/// One group of partners (the whole tenant, a CAM's, a tier's or a region's).
#[derive(Debug, Clone, PartialEq, Serialize, utoipa::ToSchema)]
pub struct OverviewGroup {
    pub key: String,
    pub label: String,
    /// Active partners: every partner past the application.
    pub partners: i64,
    /// Of them, those with an agreed plan for the fiscal year.
    pub with_agreed_plan: i64,
    /// with_agreed_plan ÷ partners (0–1); null without partners.
    #[schema(value_type = Option<String>)]
    pub coverage: Option<Decimal>,
    /// Partners whose attainment counts: an agreed plan with a positive revenue target to date.
    pub measured: i64,
    /// Mean of the measured partners' closed-won revenue ÷ target to date, each at most 2; null when none.
    #[schema(value_type = Option<String>)]
    pub attainment: Option<Decimal>,
    pub mark: Option<Mark>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PlansOverview {
    pub fiscal_year: i32,
    pub starts_on: NaiveDate,
    /// The fiscal year's last day.
    pub ends_on: NaiveDate,
    /// Today in the program's time zone.
    pub as_of: NaiveDate,
    /// The fraction of the fiscal year gone (0–1).
    #[schema(value_type = String)]
    pub elapsed: Decimal,
    pub overall: OverviewGroup,
    pub by_cam: Vec<OverviewGroup>,
    pub by_tier: Vec<OverviewGroup>,
    pub by_region: Vec<OverviewGroup>,
}

/// One partner as counted: its groups, whether it has an agreed plan, and its attainment to date when measured.
#[derive(Debug, Clone, PartialEq)]
pub struct PartnerLine {
    pub cam: (String, String),
    pub tier: (String, String),
    pub region: String,
    pub agreed: bool,
    pub attainment: Option<Decimal>,
}

/// The partner's line: attainment = closed-won revenue ÷ the revenue target to date, given the part of each quarter
/// gone.
pub fn line(row: &OverviewRow, elapsed: &[Decimal; 4]) -> PartnerLine {
    let attainment = match (&row.targets, row.won_revenue) {
        (Some(t), Some(won)) if row.agreed => rule::attainment(won, rule::target_to_date(t, elapsed)),
        _ => None,
    };
    PartnerLine {
        cam: match (row.cam_id, &row.cam_name) {
            (Some(id), Some(name)) => (id.to_string(), name.clone()),
            _ => ("unassigned".to_string(), "Unassigned".to_string()),
        },
        tier: (row.tier.clone(), row.tier_name.clone().unwrap_or_else(|| crate::partners::tier_label(&row.tier))),
        region: row.region.clone(),
        agreed: row.agreed,
        attainment,
    }
}

/// The figures of one group of partners.
pub fn group<'a>(key: String, label: String, lines: impl IntoIterator<Item = &'a PartnerLine>) -> OverviewGroup {
    let (mut partners, mut with_agreed_plan) = (0i64, 0i64);
    let mut attainments = Vec::new();
    for l in lines {
        partners += 1;
        if l.agreed {
            with_agreed_plan += 1;
            attainments.extend(l.attainment);
        }
    }
    let attainment = rule::mean_attainment(&attainments).map(|a| a.round_dp(4));
    OverviewGroup {
        key,
        label,
        partners,
        with_agreed_plan,
        coverage: rule::plan_coverage(with_agreed_plan, partners).map(|c| c.round_dp(4)),
        measured: attainments.len() as i64,
        attainment,
        mark: attainment.map(|a| rule::mark_of_pace(a, Bands::default())),
    }
}

/// The partners grouped by `key` (key, label), worst first: groups without an attainment, then by attainment and by
/// coverage, ascending, then by label.
pub fn breakdown(lines: &[PartnerLine], key: impl Fn(&PartnerLine) -> (String, String)) -> Vec<OverviewGroup> {
    let mut groups: BTreeMap<String, (String, Vec<&PartnerLine>)> = BTreeMap::new();
    for l in lines {
        let (k, label) = key(l);
        groups.entry(k).or_insert_with(|| (label, Vec::new())).1.push(l);
    }
    let mut out: Vec<OverviewGroup> =
        groups.into_iter().map(|(k, (label, members))| group(k, label, members)).collect();
    out.sort_by(|a, b| {
        (a.attainment, a.coverage, a.label.to_lowercase()).cmp(&(b.attainment, b.coverage, b.label.to_lowercase()))
    });
    out
}

/// The overview of the current fiscal year to date.
pub async fn compute(tx: &mut Tx) -> Result<PlansOverview> {
    let settings = store::settings(tx).await?;
    let start_month = settings.fiscal_year_start_month as u32;
    let today = crate::program::store::today(tx).await?;
    let fiscal_year = rule::fiscal_year_of(today, start_month);
    let days = super::quarter_days(fiscal_year, start_month);
    let bounds = super::day_starts(tx, &[days[0], days[4]]).await?;
    let rows = store::overview_rows(tx, fiscal_year, bounds[0], bounds[1]).await?;
    let elapsed = rule::quarters_elapsed(fiscal_year, start_month, today);
    let lines: Vec<PartnerLine> = rows.iter().map(|r| line(r, &elapsed)).collect();
    Ok(PlansOverview {
        fiscal_year,
        starts_on: days[0],
        ends_on: days[4] - chrono::Duration::days(1),
        as_of: today,
        elapsed: rule::elapsed(days[0], days[4], today),
        overall: group("all".into(), "All partners".into(), &lines),
        by_cam: breakdown(&lines, |l| l.cam.clone()),
        by_tier: breakdown(&lines, |l| l.tier.clone()),
        by_region: breakdown(&lines, |l| (l.region.clone(), l.region.clone())),
    })
}

/// The chief home's card, formatted for reading.
pub struct OverviewCard {
    pub fiscal_year: i32,
    pub starts_on: String,
    pub as_of: String,
    pub partners: String,
    pub with_agreed_plan: String,
    pub coverage: String,
    pub attainment: String,
    pub measured: String,
    pub mark: &'static str,
    pub mark_label: &'static str,
    /// Plan coverage per tier, for the bars.
    pub coverage_by_tier: Vec<OverviewBar>,
    pub cams: Vec<OverviewLine>,
    /// How many more CAMs than the worst ones shown.
    pub cams_more: String,
    pub tiers: Vec<OverviewLine>,
    pub regions: Vec<OverviewLine>,
}

pub struct OverviewBar {
    pub label: String,
    pub value: String,
    pub percent: i64,
}

/// One row of the card's tables, with a bar of the attainment on a 0–150 % scale (the target, 100 %, at 80 px).
pub struct OverviewLine {
    pub label: String,
    pub partners: String,
    pub with_agreed_plan: String,
    pub coverage: String,
    pub attainment: String,
    pub mark: &'static str,
    pub mark_label: &'static str,
    pub bar_width: i64,
}

/// How many CAMs the card lists, worst first.
pub const CAMS_SHOWN: usize = 8;

fn shown_percent(r: Option<Decimal>) -> String {
    r.map_or_else(|| "–".to_string(), |r| format!("{} %", rule::percent(r)))
}

/// The mark's class and words; a group without an agreed plan says so rather than "no target".
fn mark_parts(g: &OverviewGroup) -> (&'static str, &'static str) {
    match g.mark {
        Some(m) => (m.css(), m.label()),
        None if g.with_agreed_plan == 0 => ("none", "No agreed plan"),
        None => ("none", "No target yet"),
    }
}

fn overview_line(g: &OverviewGroup) -> OverviewLine {
    let (mark, mark_label) = mark_parts(g);
    OverviewLine {
        label: g.label.clone(),
        partners: crate::web::format::int(g.partners),
        with_agreed_plan: crate::web::format::int(g.with_agreed_plan),
        coverage: shown_percent(g.coverage),
        attainment: shown_percent(g.attainment),
        mark,
        mark_label,
        bar_width: g.attainment.map_or(0, |a| rule::percent(a).clamp(0, 150) * 120 / 150),
    }
}

impl From<PlansOverview> for OverviewCard {
    fn from(o: PlansOverview) -> OverviewCard {
        use crate::web::format;
        let (mark, mark_label) = mark_parts(&o.overall);
        OverviewCard {
            fiscal_year: o.fiscal_year,
            starts_on: format::date(o.starts_on),
            as_of: format::date(o.as_of),
            partners: format::int(o.overall.partners),
            with_agreed_plan: format::int(o.overall.with_agreed_plan),
            coverage: shown_percent(o.overall.coverage),
            attainment: shown_percent(o.overall.attainment),
            measured: format::int(o.overall.measured),
            mark,
            mark_label,
            coverage_by_tier: o
                .by_tier
                .iter()
                .map(|g| OverviewBar {
                    label: g.label.clone(),
                    value: shown_percent(g.coverage),
                    percent: g.coverage.map_or(0, rule::percent),
                })
                .collect(),
            cams_more: if o.by_cam.len() > CAMS_SHOWN {
                format::int((o.by_cam.len() - CAMS_SHOWN) as i64)
            } else {
                String::new()
            },
            cams: o.by_cam.iter().take(CAMS_SHOWN).map(overview_line).collect(),
            tiers: o.by_tier.iter().map(overview_line).collect(),
            regions: o.by_region.iter().map(overview_line).collect(),
        }
    }
}

/// The card of the chief's home.
pub async fn card(tx: &mut Tx) -> Result<OverviewCard> {
    Ok(compute(tx).await?.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> Decimal {
        s.parse().unwrap()
    }

    fn partner(cam: &str, region: &str, agreed: bool, attainment: Option<&str>) -> PartnerLine {
        PartnerLine {
            cam: (cam.to_lowercase(), cam.to_string()),
            tier: ("gold".into(), "Gold".into()),
            region: region.into(),
            agreed,
            attainment: attainment.map(d),
        }
    }

    #[test]
    fn a_group_counts_coverage_and_the_mean_attainment_of_its_measured_partners() {
        let lines = [
            partner("Ann", "EMEA", true, Some("0.5")),
            partner("Ann", "EMEA", true, Some("1.1")),
            // Agreed, but no revenue target to date: covered, not measured.
            partner("Ann", "NA", true, None),
            partner("Bob", "NA", false, None),
        ];
        let all = group("all".into(), "All partners".into(), &lines);
        assert_eq!((all.partners, all.with_agreed_plan, all.measured), (4, 3, 2));
        assert_eq!(all.coverage, Some(d("0.75")));
        // (0.5 + 1.1) ÷ 2 = 0.8: at 80 % of pace, yellow.
        assert_eq!((all.attainment, all.mark), (Some(d("0.8")), Some(Mark::Yellow)));

        let by_cam = breakdown(&lines, |l| l.cam.clone());
        // Bob has no plan at all: worst, first.
        let keys: Vec<_> = by_cam.iter().map(|g| (g.label.as_str(), g.coverage, g.attainment)).collect();
        assert_eq!(keys, [("Bob", Some(d("0")), None), ("Ann", Some(d("1")), Some(d("0.8")))]);
        let by_region = breakdown(&lines, |l| (l.region.clone(), l.region.clone()));
        // NA: 1 of 2 covered, nobody measured; EMEA 0.8.
        assert_eq!(by_region[0].key, "NA");
        assert_eq!((by_region[0].coverage, by_region[0].attainment), (Some(d("0.5")), None));
        assert_eq!(by_region[1].attainment, Some(d("0.8")));
    }

    #[test]
    fn a_partners_attainment_is_its_revenue_over_the_target_to_date() {
        let row = OverviewRow {
            cam_id: None,
            cam_name: None,
            tier: "silver".into(),
            tier_name: None,
            region: "APAC".into(),
            agreed: true,
            targets: Some(vec![d("10000"), d("20000"), d("30000"), d("40000")]),
            won_revenue: Some(d("36000")),
        };
        // 10,000 + 20,000 + half of 30,000 = 45,000 expected; 36,000 won → 0.8.
        let l = line(&row, &[d("1"), d("1"), d("0.5"), d("0")]);
        assert_eq!(l.attainment, Some(d("0.8")));
        assert_eq!(l.cam, ("unassigned".to_string(), "Unassigned".to_string()));
        assert_eq!(l.tier.1, "Silver");
        // Nothing expected yet: not measured.
        assert_eq!(line(&row, &[d("0"); 4]).attainment, None);
    }
}
