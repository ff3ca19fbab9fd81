//! Ideal-partner-profile fit: how well a partner application matches the profile a vendor's program admin has set,
//! as a 0–100 score with a criterion-by-criterion explanation of what matched and what did not.
//!
//! Four criteria, always in this order, with weights summing to 100: geography (30), verticals (25), services (25)
//! and company size (20). A criterion the profile leaves unset earns its full points, so an empty profile fits
//! everyone.

use crate::countries::region_of;

/// The industry verticals a new program offers on its application form, (code, label); the program admin edits the
/// program's own list (`vocabulary_entries`, seeded with these by the migration that made it).
pub const DEFAULT_VERTICALS: &[(&str, &str)] = &[
    ("financial_services", "Financial services"),
    ("healthcare", "Healthcare"),
    ("manufacturing", "Manufacturing"),
    ("retail", "Retail & e-commerce"),
    ("public_sector", "Public sector"),
    ("education", "Education"),
    ("technology", "Technology & software"),
    ("telecom", "Telecommunications"),
    ("energy", "Energy & utilities"),
    ("media", "Media & entertainment"),
];

/// The services a new program offers on its application form, (code, label), as `DEFAULT_VERTICALS`.
pub const DEFAULT_SERVICES: &[(&str, &str)] = &[
    ("resale", "Resale"),
    ("implementation", "Implementation"),
    ("managed_services", "Managed services"),
    ("consulting", "Consulting"),
    ("integration", "Systems integration"),
    ("training", "Training"),
    ("support", "Support"),
    ("development", "Custom development"),
];

/// The labels of a program's verticals and services by code, retired entries included (an application keeps the
/// entries it was scored with).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Labels {
    pub verticals: Vec<(String, String)>,
    pub services: Vec<(String, String)>,
}

impl Labels {
    /// The lists a new program starts with.
    pub fn defaults() -> Labels {
        let own = |list: &[(&str, &str)]| list.iter().map(|(c, l)| (c.to_string(), l.to_string())).collect();
        Labels { verticals: own(DEFAULT_VERTICALS), services: own(DEFAULT_SERVICES) }
    }
}

/// What the program admin is looking for. Empty lists (or lists of blank entries) and a `min_employees` of 1 or
/// less mean "no target" for that criterion.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IdealProfile {
    /// ISO 3166-1 alpha-2 codes; compared case-insensitively.
    pub countries: Vec<String>,
    /// Sales regions as [`region_of`] names them ("NA", "LATAM", "EMEA", "APAC"); compared case-insensitively.
    pub regions: Vec<String>,
    /// Codes of the program's verticals; compared exactly.
    pub verticals: Vec<String>,
    /// Codes of the program's services; compared exactly.
    pub services: Vec<String>,
    pub min_employees: i32,
}

/// A partner application as the rule sees it.
#[derive(Debug, Clone, Copy)]
pub struct Applicant<'a> {
    /// ISO 3166-1 alpha-2 code.
    pub country: &'a str,
    /// Sales region; when blank, the region of `country` according to [`region_of`] is used.
    pub region: &'a str,
    /// Negative counts are treated as 0.
    pub employees: i32,
    pub verticals: &'a [String],
    pub services: &'a [String],
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Full points.
    Met,
    /// Some but not all of the points.
    Partial,
    /// No points.
    Missed,
    /// The profile sets no target for the criterion; full points.
    NoTarget,
}

/// One criterion's result.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Criterion {
    /// "geography", "verticals", "services" or "size".
    pub key: String,
    /// "Country or region", "Verticals", "Services" or "Company size".
    pub label: String,
    pub points: u8,
    pub max: u8,
    pub outcome: Outcome,
    /// One or two plain-English sentences, e.g. "Based in DE, in the target region EMEA."
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FitScore {
    /// 0..=100, the sum of the criteria's points.
    pub score: u8,
    /// Always geography, verticals, services, size.
    pub criteria: Vec<Criterion>,
}

pub const GEOGRAPHY_MAX: u8 = 30;
pub const VERTICALS_MAX: u8 = 25;
pub const SERVICES_MAX: u8 = 25;
pub const SIZE_MAX: u8 = 20;
/// Points for one matching vertical or service when two were needed.
pub const PARTIAL_LIST_POINTS: u8 = 13;

/// Scores `applicant` against `profile`, naming verticals and services by the program's `labels`.
pub fn score(profile: &IdealProfile, applicant: &Applicant, labels: &Labels) -> FitScore {
    let criteria = vec![
        geography(profile, applicant),
        list_criterion(&VERTICAL_LIST, &labels.verticals, &profile.verticals, applicant.verticals),
        list_criterion(&SERVICE_LIST, &labels.services, &profile.services, applicant.services),
        size(profile.min_employees, applicant.employees),
    ];
    let score = criteria.iter().map(|c| c.points).sum();
    FitScore { score, criteria }
}

fn criterion(key: &str, label: &str, max: u8, points: u8, outcome: Outcome, detail: String) -> Criterion {
    Criterion { key: key.to_owned(), label: label.to_owned(), points, max, outcome, detail }
}

/// Non-blank entries, trimmed and uppercased, without duplicates, in first-seen order.
fn upper_targets(values: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for value in values {
        let value = value.trim().to_ascii_uppercase();
        if !value.is_empty() && !out.contains(&value) {
            out.push(value);
        }
    }
    out
}

fn geography(profile: &IdealProfile, applicant: &Applicant) -> Criterion {
    const KEY: &str = "geography";
    const LABEL: &str = "Country or region";
    let countries = upper_targets(&profile.countries);
    let regions = upper_targets(&profile.regions);
    if countries.is_empty() && regions.is_empty() {
        let detail = "No target countries or regions set.".to_owned();
        return criterion(KEY, LABEL, GEOGRAPHY_MAX, GEOGRAPHY_MAX, Outcome::NoTarget, detail);
    }

    let country = applicant.country.trim().to_ascii_uppercase();
    let region = match applicant.region.trim() {
        "" => region_of(&country).unwrap_or_default().to_owned(),
        given => given.to_ascii_uppercase(),
    };
    let base = if country.is_empty() { "No country given".to_owned() } else { format!("Based in {country}") };

    if !country.is_empty() && countries.contains(&country) {
        let detail = format!("{base}, a target country.");
        return criterion(KEY, LABEL, GEOGRAPHY_MAX, GEOGRAPHY_MAX, Outcome::Met, detail);
    }
    if !region.is_empty() && regions.contains(&region) {
        let detail = format!("{base}, in the target region {region}.");
        return criterion(KEY, LABEL, GEOGRAPHY_MAX, GEOGRAPHY_MAX, Outcome::Met, detail);
    }

    let targets = match (countries.len(), regions.len()) {
        (1, 0) => format!("country ({})", countries[0]),
        (_, 0) => format!("countries ({})", countries.join(", ")),
        (0, 1) => format!("region ({})", regions[0]),
        (0, _) => format!("regions ({})", regions.join(", ")),
        _ => format!("countries and regions ({}; {})", countries.join(", "), regions.join(", ")),
    };
    let detail = format!("{base}, outside the target {targets}.");
    criterion(KEY, LABEL, GEOGRAPHY_MAX, 0, Outcome::Missed, detail)
}

/// The wording and vocabulary of a multi-choice criterion.
struct ListKind {
    key: &'static str,
    label: &'static str,
    max: u8,
    singular: &'static str,
    plural: &'static str,
    /// "Serves", "Offers".
    verb: &'static str,
    /// "Does not serve", "Does not offer".
    negated_verb: &'static str,
}

const VERTICAL_LIST: ListKind = ListKind {
    key: "verticals",
    label: "Verticals",
    max: VERTICALS_MAX,
    singular: "vertical",
    plural: "verticals",
    verb: "Serves",
    negated_verb: "Does not serve",
};

const SERVICE_LIST: ListKind = ListKind {
    key: "services",
    label: "Services",
    max: SERVICES_MAX,
    singular: "service",
    plural: "services",
    verb: "Offers",
    negated_verb: "Does not offer",
};

/// The labels of `codes` in `vocabulary`, or the code itself where it has none.
fn labels_of<'s>(vocabulary: &'s [(String, String)], codes: &[&'s str]) -> Vec<&'s str> {
    codes
        .iter()
        .map(|code| vocabulary.iter().find(|(c, _)| c == code).map_or(*code, |(_, label)| label.as_str()))
        .collect()
}

/// Non-blank codes without duplicates, in first-seen order; codes are otherwise compared exactly.
fn code_targets(values: &[String]) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for value in values {
        if !value.trim().is_empty() && !out.contains(&value.as_str()) {
            out.push(value);
        }
    }
    out
}

fn list_criterion(
    kind: &ListKind,
    vocabulary: &[(String, String)],
    targets: &[String],
    offered: &[String],
) -> Criterion {
    let targets = code_targets(targets);
    if targets.is_empty() {
        let detail = format!("No target {} set.", kind.plural);
        return criterion(kind.key, kind.label, kind.max, kind.max, Outcome::NoTarget, detail);
    }

    let (hits, misses): (Vec<&str>, Vec<&str>) =
        targets.iter().partition(|target| offered.iter().any(|code| code == *target));
    let needed = targets.len().min(2);
    let hit_labels = labels_of(vocabulary, &hits);
    let miss_labels = labels_of(vocabulary, &misses);
    let (singular, plural) = (kind.singular, kind.plural);

    if hits.len() >= needed {
        let served = and_list(&hit_labels);
        let detail = match (hits.len(), targets.len()) {
            (1, 1) => format!("{} {served}, the target {singular}.", kind.verb),
            (2, 2) => format!("{} {served}, both target {plural}.", kind.verb),
            (h, t) if h == t => format!("{} {served}, all target {plural}.", kind.verb),
            (h, t) => format!("{} {served}, {} of the {} target {plural}.", kind.verb, number(h), number(t)),
        };
        return criterion(kind.key, kind.label, kind.max, kind.max, Outcome::Met, detail);
    }

    if hits.len() == 1 {
        let detail = format!(
            "{} {}, one of the {} target {plural}, but not {}.",
            kind.verb,
            hit_labels[0],
            number(targets.len()),
            or_list(&miss_labels)
        );
        return criterion(kind.key, kind.label, kind.max, PARTIAL_LIST_POINTS, Outcome::Partial, detail);
    }

    let detail = if offered.iter().all(|code| code.trim().is_empty()) {
        format!("Named no {plural}.")
    } else {
        match miss_labels.as_slice() {
            [only] => format!("{} {only}, the target {singular}.", kind.negated_verb),
            [a, b] => format!("{} neither {a} nor {b}, the target {plural}.", kind.verb),
            _ => format!("{} none of the target {plural} ({}).", kind.verb, or_list(&miss_labels)),
        }
    };
    criterion(kind.key, kind.label, kind.max, 0, Outcome::Missed, detail)
}

fn size(min_employees: i32, employees: i32) -> Criterion {
    const KEY: &str = "size";
    const LABEL: &str = "Company size";
    if min_employees <= 1 {
        let detail = "No minimum size set.".to_owned();
        return criterion(KEY, LABEL, SIZE_MAX, SIZE_MAX, Outcome::NoTarget, detail);
    }
    let employees = employees.max(0);
    let headcount = if employees == 1 { "1 employee".to_owned() } else { format!("{employees} employees") };
    if employees >= min_employees {
        let detail = format!("{headcount}, at least the {min_employees} sought.");
        return criterion(KEY, LABEL, SIZE_MAX, SIZE_MAX, Outcome::Met, detail);
    }
    // employees < min_employees, so the quotient is below SIZE_MAX and fits in a u8.
    let points = (i64::from(SIZE_MAX) * i64::from(employees) / i64::from(min_employees)) as u8;
    let outcome = if points == 0 { Outcome::Missed } else { Outcome::Partial };
    criterion(KEY, LABEL, SIZE_MAX, points, outcome, format!("{headcount}, below the {min_employees} sought."))
}

/// "A", "A and B", "A, B and C".
fn and_list(items: &[&str]) -> String {
    join_with(items, "and")
}

/// "A", "A or B", "A, B or C".
fn or_list(items: &[&str]) -> String {
    join_with(items, "or")
}

fn join_with(items: &[&str], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [init @ .., last] => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

/// Small counts in words, larger ones in digits.
fn number(n: usize) -> String {
    const WORDS: [&str; 13] =
        ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve"];
    WORDS.get(n).map_or_else(|| n.to_string(), |word| (*word).to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn strings(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    /// A demanding profile: two countries, one region, three verticals, three services, 50 employees.
    fn profile() -> IdealProfile {
        IdealProfile {
            countries: strings(&["US", "CA"]),
            regions: strings(&["EMEA"]),
            verticals: strings(&["healthcare", "manufacturing", "public_sector"]),
            services: strings(&["implementation", "managed_services"]),
            min_employees: 50,
        }
    }

    #[derive(Debug, Clone)]
    struct Owned {
        country: &'static str,
        region: &'static str,
        employees: i32,
        verticals: Vec<String>,
        services: Vec<String>,
    }

    impl Owned {
        fn applicant(&self) -> Applicant<'_> {
            Applicant {
                country: self.country,
                region: self.region,
                employees: self.employees,
                verticals: &self.verticals,
                services: &self.services,
            }
        }
    }

    /// An applicant matching every criterion of [`profile`].
    fn ideal() -> Owned {
        Owned {
            country: "US",
            region: "NA",
            employees: 250,
            verticals: strings(&["healthcare", "manufacturing", "education"]),
            services: strings(&["implementation", "managed_services"]),
        }
    }

    fn score_of(profile: &IdealProfile, owned: &Owned) -> FitScore {
        score(profile, &owned.applicant(), &Labels::defaults())
    }

    fn criterion_of<'f>(fit: &'f FitScore, key: &str) -> &'f Criterion {
        fit.criteria.iter().find(|c| c.key == key).unwrap()
    }

    #[test]
    fn an_applicant_matching_every_criterion_scores_100() {
        let fit = score_of(&profile(), &ideal());
        assert_eq!(fit.score, 100);
        assert!(fit.criteria.iter().all(|c| c.outcome == Outcome::Met && c.points == c.max), "{fit:#?}");
    }

    #[test]
    fn a_profile_with_no_targets_fits_everyone() {
        let nobody = Owned { country: "", region: "", employees: -3, verticals: vec![], services: vec![] };
        let fit = score_of(&IdealProfile::default(), &nobody);
        assert_eq!(fit.score, 100);
        assert!(fit.criteria.iter().all(|c| c.outcome == Outcome::NoTarget));
        let details: Vec<&str> = fit.criteria.iter().map(|c| c.detail.as_str()).collect();
        assert_eq!(
            details,
            [
                "No target countries or regions set.",
                "No target verticals set.",
                "No target services set.",
                "No minimum size set."
            ]
        );
    }

    #[test]
    fn criteria_come_in_a_fixed_order_with_fixed_weights() {
        let fit = score_of(&profile(), &ideal());
        let keys: Vec<(&str, &str, u8)> = fit.criteria.iter().map(|c| (&*c.key, &*c.label, c.max)).collect();
        assert_eq!(
            keys,
            [
                ("geography", "Country or region", 30),
                ("verticals", "Verticals", 25),
                ("services", "Services", 25),
                ("size", "Company size", 20)
            ]
        );
    }

    #[test]
    fn a_target_country_matches_whatever_its_case() {
        let applicant = Owned { country: "ca", region: "", ..ideal() };
        let geography = criterion_of(&score_of(&profile(), &applicant), "geography").clone();
        assert_eq!((geography.outcome, geography.points), (Outcome::Met, 30));
        assert_eq!(geography.detail, "Based in CA, a target country.");
    }

    #[test]
    fn a_region_target_matches_a_country_in_that_region() {
        for region in ["EMEA", "emea", ""] {
            let applicant = Owned { country: "DE", region, ..ideal() };
            let geography = criterion_of(&score_of(&profile(), &applicant), "geography").clone();
            assert_eq!((geography.outcome, geography.points), (Outcome::Met, 30), "{region:?}");
            assert_eq!(geography.detail, "Based in DE, in the target region EMEA.");
        }
    }

    #[test]
    fn a_country_outside_every_target_misses_geography_and_lists_the_targets() {
        let applicant = Owned { country: "BR", region: "LATAM", ..ideal() };
        let geography = criterion_of(&score_of(&profile(), &applicant), "geography").clone();
        assert_eq!((geography.outcome, geography.points), (Outcome::Missed, 0));
        assert_eq!(geography.detail, "Based in BR, outside the target countries and regions (US, CA; EMEA).");

        let only_one_country = IdealProfile { countries: strings(&["us"]), regions: vec![], ..profile() };
        let geography = criterion_of(&score_of(&only_one_country, &applicant), "geography").clone();
        assert_eq!(geography.detail, "Based in BR, outside the target country (US).");
    }

    #[test]
    fn one_of_two_needed_verticals_earns_partial_points() {
        let applicant = Owned { verticals: strings(&["healthcare", "retail"]), ..ideal() };
        let fit = score_of(&profile(), &applicant);
        let verticals = criterion_of(&fit, "verticals");
        assert_eq!((verticals.outcome, verticals.points), (Outcome::Partial, 13));
        assert_eq!(fit.score, 100 - 25 + 13);
    }

    #[test]
    fn the_explanation_names_the_missed_targets() {
        let applicant = Owned { verticals: strings(&["healthcare", "retail"]), ..ideal() };
        let fit = score_of(&profile(), &applicant);
        assert_eq!(
            criterion_of(&fit, "verticals").detail,
            "Serves Healthcare, one of the three target verticals, but not Manufacturing or Public sector."
        );

        let applicant = Owned { services: strings(&["resale", "training"]), ..ideal() };
        let services = criterion_of(&score_of(&profile(), &applicant), "services").clone();
        assert_eq!((services.outcome, services.points), (Outcome::Missed, 0));
        assert_eq!(services.detail, "Offers neither Implementation nor Managed services, the target services.");
    }

    #[test]
    fn the_explanation_names_the_matched_targets() {
        let fit = score_of(&profile(), &ideal());
        assert_eq!(
            criterion_of(&fit, "verticals").detail,
            "Serves Healthcare and Manufacturing, two of the three target verticals."
        );
        assert_eq!(
            criterion_of(&fit, "services").detail,
            "Offers Implementation and Managed services, both target services."
        );
        assert_eq!(criterion_of(&fit, "size").detail, "250 employees, at least the 50 sought.");
    }

    #[test]
    fn a_single_target_vertical_needs_only_one_match() {
        let single = IdealProfile { verticals: strings(&["retail"]), ..profile() };
        let applicant = Owned { verticals: strings(&["retail"]), ..ideal() };
        let verticals = criterion_of(&score_of(&single, &applicant), "verticals").clone();
        assert_eq!((verticals.outcome, verticals.points), (Outcome::Met, 25));
        assert_eq!(verticals.detail, "Serves Retail & e-commerce, the target vertical.");

        let verticals = criterion_of(&score_of(&single, &ideal()), "verticals").clone();
        assert_eq!((verticals.outcome, verticals.points), (Outcome::Missed, 0));
        assert_eq!(verticals.detail, "Does not serve Retail & e-commerce, the target vertical.");
    }

    #[test]
    fn an_applicant_naming_no_verticals_misses_them() {
        let applicant = Owned { verticals: vec![], ..ideal() };
        let verticals = criterion_of(&score_of(&profile(), &applicant), "verticals").clone();
        assert_eq!((verticals.outcome, verticals.points), (Outcome::Missed, 0));
        assert_eq!(verticals.detail, "Named no verticals.");
    }

    #[test]
    fn unknown_and_repeated_codes_are_not_extra_matches() {
        let applicant =
            Owned { verticals: strings(&["healthcare", "healthcare", "Manufacturing", "bogus"]), ..ideal() };
        let verticals = criterion_of(&score_of(&profile(), &applicant), "verticals").clone();
        assert_eq!((verticals.outcome, verticals.points), (Outcome::Partial, 13));

        let many = IdealProfile { verticals: strings(&["energy", "media", "telecom", "education"]), ..profile() };
        let applicant = Owned { verticals: strings(&["retail", "bogus"]), ..ideal() };
        let verticals = criterion_of(&score_of(&many, &applicant), "verticals").clone();
        assert_eq!(
            verticals.detail,
            "Serves none of the target verticals (Energy & utilities, Media & entertainment, Telecommunications or \
             Education)."
        );
    }

    #[test]
    fn a_small_company_earns_size_points_in_proportion() {
        let applicant = Owned { employees: 12, ..ideal() };
        let size = criterion_of(&score_of(&profile(), &applicant), "size").clone();
        // floor(20 × 12 / 50) = 4
        assert_eq!((size.outcome, size.points), (Outcome::Partial, 4));
        assert_eq!(size.detail, "12 employees, below the 50 sought.");

        let applicant = Owned { employees: 2, ..ideal() };
        let size = criterion_of(&score_of(&profile(), &applicant), "size").clone();
        assert_eq!((size.outcome, size.points), (Outcome::Missed, 0));
    }

    #[test]
    fn a_negative_headcount_counts_as_zero() {
        let applicant = Owned { employees: -40, ..ideal() };
        let size = criterion_of(&score_of(&profile(), &applicant), "size").clone();
        assert_eq!((size.outcome, size.points), (Outcome::Missed, 0));
        assert_eq!(size.detail, "0 employees, below the 50 sought.");
    }

    #[test]
    fn a_minimum_of_one_employee_is_no_target() {
        let tiny = IdealProfile { min_employees: 1, ..profile() };
        let applicant = Owned { employees: 0, ..ideal() };
        let size = criterion_of(&score_of(&tiny, &applicant), "size").clone();
        assert_eq!((size.outcome, size.points), (Outcome::NoTarget, 20));
    }

    #[test]
    fn entries_are_named_by_the_programs_labels_or_their_code_when_it_has_none() {
        let profile = IdealProfile { verticals: strings(&["fleet", "retail"]), ..profile() };
        let applicant = Owned { verticals: strings(&["fleet"]), ..ideal() };
        let labels = Labels {
            verticals: vec![("fleet".into(), "Fleet operators".into())],
            services: Labels::defaults().services,
        };
        let fit = score(&profile, &applicant.applicant(), &labels);
        let verticals = criterion_of(&fit, "verticals");
        assert_eq!(verticals.detail, "Serves Fleet operators, one of the two target verticals, but not retail.");
        let defaults = score_of(&profile, &applicant);
        assert!(criterion_of(&defaults, "verticals").detail.contains("but not Retail & e-commerce"));
    }

    #[test]
    fn the_fit_score_serialises_with_snake_case_outcomes() {
        let json = serde_json::to_value(score_of(&IdealProfile::default(), &ideal())).unwrap();
        assert_eq!(json["score"], 100);
        assert_eq!(json["criteria"][0]["outcome"], "no_target");
        assert_eq!(json["criteria"][0]["key"], "geography");
    }

    fn pick(pool: &'static [&'static str], max: usize) -> impl Strategy<Value = Vec<String>> {
        prop::collection::vec(prop::sample::select(pool).prop_map(str::to_owned), 0..=max)
    }

    const COUNTRY_POOL: &[&str] = &["US", "ca", "DE", "BR", "JP", "ZA", "XX", ""];
    const REGION_POOL: &[&str] = &["NA", "LATAM", "emea", "APAC", "MARS"];
    const VERTICAL_POOL: &[&str] =
        &["financial_services", "healthcare", "manufacturing", "retail", "public_sector", "media", "bogus"];
    const SERVICE_POOL: &[&str] = &["resale", "implementation", "managed_services", "consulting", "training", "nope"];

    fn any_profile() -> impl Strategy<Value = IdealProfile> {
        (pick(COUNTRY_POOL, 3), pick(REGION_POOL, 2), pick(VERTICAL_POOL, 4), pick(SERVICE_POOL, 4), any::<i32>())
            .prop_map(|(countries, regions, verticals, services, min_employees)| IdealProfile {
                countries,
                regions,
                verticals,
                services,
                min_employees,
            })
    }

    fn any_region() -> impl Strategy<Value = &'static str> {
        prop::sample::select(&["", "NA", "LATAM", "EMEA", "apac", "MARS"][..])
    }

    fn any_country() -> impl Strategy<Value = &'static str> {
        prop::sample::select(COUNTRY_POOL)
    }

    fn any_applicant() -> impl Strategy<Value = Owned> {
        (any_country(), any_region(), any::<i32>(), pick(VERTICAL_POOL, 5), pick(SERVICE_POOL, 5)).prop_map(
            |(country, region, employees, verticals, services)| Owned {
                country,
                region,
                employees,
                verticals,
                services,
            },
        )
    }

    proptest! {
        #[test]
        fn the_score_is_the_bounded_sum_of_criterion_points(profile in any_profile(), owned in any_applicant()) {
            let fit = score_of(&profile, &owned);
            prop_assert!(fit.score <= 100);
            prop_assert_eq!(u32::from(fit.score), fit.criteria.iter().map(|c| u32::from(c.points)).sum::<u32>());
            prop_assert_eq!(fit.criteria.iter().map(|c| u32::from(c.max)).sum::<u32>(), 100);
            for c in &fit.criteria {
                prop_assert!(c.points <= c.max, "{:?}", c);
                prop_assert_eq!(c.points == c.max, matches!(c.outcome, Outcome::Met | Outcome::NoTarget), "{:?}", c);
                prop_assert_eq!(c.points == 0, c.outcome == Outcome::Missed, "{:?}", c);
                prop_assert!(!c.detail.is_empty() && c.detail.ends_with('.'), "{:?}", c);
            }
        }

        #[test]
        fn criteria_are_always_in_the_same_order(profile in any_profile(), owned in any_applicant()) {
            let fit = score_of(&profile, &owned);
            let keys: Vec<&str> = fit.criteria.iter().map(|c| c.key.as_str()).collect();
            prop_assert_eq!(keys, ["geography", "verticals", "services", "size"]);
        }

        #[test]
        fn adding_a_target_vertical_never_lowers_the_score(
            profile in any_profile(),
            owned in any_applicant(),
            which in any::<prop::sample::Index>(),
        ) {
            prop_assume!(!profile.verticals.is_empty());
            let before = score_of(&profile, &owned).score;
            let mut more = Owned { verticals: owned.verticals.clone(), services: owned.services.clone(), ..owned };
            more.verticals.push(which.get(&profile.verticals).clone());
            prop_assert!(score_of(&profile, &more).score >= before);
        }

        #[test]
        fn adding_a_target_service_never_lowers_the_score(
            profile in any_profile(),
            owned in any_applicant(),
            which in any::<prop::sample::Index>(),
        ) {
            prop_assume!(!profile.services.is_empty());
            let before = score_of(&profile, &owned).score;
            let mut more = Owned { verticals: owned.verticals.clone(), services: owned.services.clone(), ..owned };
            more.services.push(which.get(&profile.services).clone());
            prop_assert!(score_of(&profile, &more).score >= before);
        }

        #[test]
        fn more_employees_never_lower_the_score(
            profile in any_profile(),
            owned in any_applicant(),
            extra in 0..=i32::MAX,
        ) {
            let before = score_of(&profile, &owned).score;
            let bigger = Owned { employees: owned.employees.saturating_add(extra), ..owned };
            prop_assert!(score_of(&profile, &bigger).score >= before);
        }

        #[test]
        fn a_fit_score_survives_a_json_round_trip(profile in any_profile(), owned in any_applicant()) {
            let fit = score_of(&profile, &owned);
            let json = serde_json::to_string(&fit).unwrap();
            prop_assert_eq!(serde_json::from_str::<FitScore>(&json).unwrap(), fit);
        }
    }
}
