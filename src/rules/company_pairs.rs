//! A labelled set of real-world company name pairs, each the same customer or two different ones, with a web domain
//! and a country where a partner would know them: what the conflict rule is measured against (the test below), and
//! names that look real for the benchmark's generator.

/// One company as a partner might register it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Company {
    pub name: &'static str,
    pub domain: Option<&'static str>,
    /// ISO alpha-2.
    pub country: Option<&'static str>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelledPair {
    /// Whether the two are one customer.
    pub same: bool,
    pub a: Company,
    pub b: Company,
}

const DATA: &str = include_str!("data/company_pairs.tsv");

/// Every labelled pair, in the order of `data/company_pairs.tsv` (one pair a line: `same` or `different`, then name,
/// domain and country of each company, tab-separated, `-` for unknown; `#` starts a comment line).
pub fn labelled_pairs() -> Vec<LabelledPair> {
    DATA.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty() && !line.starts_with('#'))
        .map(|(i, line)| parse_line(line).unwrap_or_else(|| panic!("company_pairs.tsv line {}: {line:?}", i + 1)))
        .collect()
}

fn parse_line(line: &'static str) -> Option<LabelledPair> {
    let fields: Vec<&'static str> = line.split('\t').map(str::trim).collect();
    let [label, a_name, a_domain, a_country, b_name, b_domain, b_country] = fields.as_slice() else {
        return None;
    };
    let same = match *label {
        "same" => true,
        "different" => false,
        _ => return None,
    };
    let known = |s: &'static str| (s != "-").then_some(s);
    let company = |name: &'static str, domain, country| {
        (!name.is_empty()).then(|| Company { name, domain: known(domain), country: known(country) })
    };
    Some(LabelledPair { same, a: company(a_name, a_domain, a_country)?, b: company(b_name, b_domain, b_country)? })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::{DealId, PartnerId};
    use crate::rules::company_names::{CompanyName, NameLevel, compare};
    use crate::rules::deal_conflict::{
        self, CANDIDATE_SIMILARITY_FLOOR, FindingKind, NameWeights, Policy, Registration, Status, Strength,
    };
    use chrono::NaiveDate;
    use uuid::Uuid;

    const POLICY: Policy = Policy { similarity_threshold: 0.6, require_product_overlap: true };

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn registration(id: u128, company: &Company, status: Status) -> Registration {
        Registration {
            id: DealId(Uuid::from_u128(id)),
            partner_id: PartnerId(Uuid::from_u128(id)),
            customer_name: company.name.to_owned(),
            customer_domain: company.domain.map(str::to_owned),
            country: company.country.unwrap_or_default().to_owned(),
            products: vec!["crm".to_owned()],
            status,
            protected_until: Some(today() + chrono::Duration::days(30)),
        }
    }

    /// The strength with which `new`, registered by one partner, clashes with `existing`, approved and protected for
    /// another; None without a finding.
    fn strength(existing: &Company, new: &Company, weights: &NameWeights) -> Option<Strength> {
        let protected = registration(1, existing, Status::Approved);
        let findings =
            deal_conflict::check(&registration(2, new, Status::Pending), &[protected], &[], &POLICY, weights, today());
        assert!(findings.iter().all(|f| f.kind == FindingKind::OtherPartnerProtected));
        deal_conflict::strongest(&findings)
    }

    fn different_domains(pair: &LabelledPair) -> bool {
        let registrable = |c: &Company| c.domain.and_then(deal_conflict::registrable_domain);
        matches!((registrable(&pair.a), registrable(&pair.b)), (Some(a), Some(b)) if a != b)
    }

    #[test]
    fn the_labelled_set_parses_and_is_large_and_varied_enough() {
        let pairs = labelled_pairs();
        assert!(pairs.len() >= 200, "{} pairs", pairs.len());
        let same = pairs.iter().filter(|p| p.same).count();
        assert!(same >= 80 && pairs.len() - same >= 80, "{same} same of {}", pairs.len());
        let with_domains = pairs.iter().filter(|p| p.a.domain.is_some() && p.b.domain.is_some()).count();
        assert!(with_domains >= 60 && pairs.len() - with_domains >= 60, "{with_domains} with domains");
        let mut countries: Vec<&str> = pairs.iter().flat_map(|p| [p.a.country, p.b.country]).flatten().collect();
        countries.sort_unstable();
        countries.dedup();
        assert!(countries.len() >= 20, "{countries:?}");
        for country in &countries {
            assert!(crate::countries::is_country(country), "{country} is no country code");
        }
    }

    /// Runs the rule over every pair, each as two partners' registrations (one approved and protected, the other
    /// new), both ways round. Right: one customer found at least probable; two customers not found, or only as
    /// possible.
    fn evaluate(weights: &NameWeights, label: &str) {
        let pairs = labelled_pairs();
        let (mut true_pos, mut false_pos, mut false_neg, mut right) = (0, 0, 0, 0);
        let mut wrong = Vec::new();
        let mut blocked_with_other_domains = Vec::new();
        let mut same_below_probable = Vec::new();
        for pair in &pairs {
            let forth = strength(&pair.a, &pair.b, weights);
            let back = strength(&pair.b, &pair.a, weights);
            assert_eq!(forth, back, "the rule is not symmetric on {pair:?}");
            let found = forth.is_some_and(Strength::blocks_without_override);
            match (pair.same, found) {
                (true, true) => true_pos += 1,
                (false, true) => false_pos += 1,
                (true, false) => false_neg += 1,
                (false, false) => {}
            }
            if pair.same == found {
                right += 1;
            } else {
                wrong.push(format!("{:?} {} / {}: {forth:?}", pair.same, pair.a.name, pair.b.name));
            }
            if !pair.same && found && different_domains(pair) {
                blocked_with_other_domains.push(pair);
            }
            if pair.same && !found {
                same_below_probable.push(pair);
            }
        }
        let accuracy = right as f64 / pairs.len() as f64;
        let precision = true_pos as f64 / (true_pos + false_pos) as f64;
        let recall = true_pos as f64 / (true_pos + false_neg) as f64;
        println!(
            "labelled set, {label}: {} pairs, {right} decided right ({:.1} %), precision {:.3}, recall {:.3}",
            pairs.len(),
            accuracy * 100.0,
            precision,
            recall
        );
        for line in &wrong {
            println!("  wrong: {line}");
        }
        assert!(accuracy >= 0.98, "{label}: {:.1} % decided right", accuracy * 100.0);
        assert!(
            blocked_with_other_domains.is_empty(),
            "{label}: blocked with other domains: {blocked_with_other_domains:#?}"
        );
        assert!(same_below_probable.is_empty(), "{label}: one customer below probable: {same_below_probable:#?}");
    }

    #[test]
    fn the_rule_decides_the_labelled_set_with_the_built_in_weights() {
        evaluate(&NameWeights::default(), "built-in weights");
    }

    #[test]
    fn the_rule_decides_the_labelled_set_with_weights_counted_from_its_names() {
        let pairs = labelled_pairs();
        let weights = NameWeights::from_names(pairs.iter().flat_map(|p| [p.a.name, p.b.name]));
        evaluate(&weights, "weights counted from the set's names");
    }

    /// The candidate search hands the rule the registrations with the same registrable domain or a trigram
    /// similarity of at least `candidate_similarity_floor`: every pair whose names alone make it at least probable
    /// must be among them. Possible ones may fall below; pairs made probable by a domain label under another suffix
    /// (or by initials) and below the floor need a search by label: they are counted.
    #[test]
    fn the_candidate_floor_lets_through_every_pair_the_names_make_probable() {
        let weights = NameWeights::default();
        let bare = |c: &Company| Company { domain: None, ..*c };
        let registrable = |c: &Company| c.domain.and_then(deal_conflict::registrable_domain);
        let (mut least, mut by_label, mut possible_below) = (f64::MAX, 0, 0);
        let (mut missed, mut below_policy) = (Vec::new(), Vec::new());
        for pair in labelled_pairs() {
            if registrable(&pair.a).is_some() && registrable(&pair.a) == registrable(&pair.b) {
                continue; // the search finds the same domain by itself
            }
            let by_name = strength(&bare(&pair.a), &bare(&pair.b), &weights);
            let found = strength(&pair.a, &pair.b, &weights);
            let similarity = deal_conflict::name_similarity(pair.a.name, pair.b.name);
            let names = compare(&CompanyName::parse(pair.a.name), &CompanyName::parse(pair.b.name), &weights);
            let probable = |s: Option<Strength>| s.is_some_and(Strength::blocks_without_override);
            if probable(found) && (!probable(by_name) || names.level == NameLevel::Initials) {
                by_label += usize::from(similarity < CANDIDATE_SIMILARITY_FLOOR);
            } else if probable(by_name) {
                least = least.min(similarity);
                let line = format!("{} / {}: {similarity:.3}", pair.a.name, pair.b.name);
                if similarity < POLICY.similarity_threshold {
                    below_policy.push(line.clone());
                }
                if similarity < CANDIDATE_SIMILARITY_FLOOR {
                    missed.push(line);
                }
            } else if by_name.is_some() && similarity < CANDIDATE_SIMILARITY_FLOOR {
                possible_below += 1;
            }
        }
        println!(
            "least trigram similarity of a pair the names alone make probable: {least:.3}; below the policy's \
             threshold: {below_policy:?}; {possible_below} possible by name below the floor; {by_label} probable \
             only through a domain label and below the floor"
        );
        assert!(missed.is_empty(), "below the floor: {missed:#?}");
    }

    #[test]
    fn pairs_parse_with_unknown_domains_and_countries() {
        let pair = parse_line("same\tSiemens AG\tsiemens.com\tDE\tSiemens Aktiengesellschaft\t-\t-").unwrap();
        assert!(pair.same);
        assert_eq!(pair.a, Company { name: "Siemens AG", domain: Some("siemens.com"), country: Some("DE") });
        assert_eq!(pair.b, Company { name: "Siemens Aktiengesellschaft", domain: None, country: None });
        assert_eq!(parse_line("maybe\ta\t-\t-\tb\t-\t-"), None);
        assert_eq!(parse_line("same\ta\t-\t-\tb\t-"), None);
    }
}
