//! Deal-registration conflicts: whether a newly registered deal clashes with other registrations or the vendor's
//! named accounts, with field-by-field evidence so a channel manager can see why.

use std::net::Ipv4Addr;

use chrono::NaiveDate;
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

use crate::ids::{DealId, PartnerId};

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Pending,
    Approved,
    Rejected,
    Withdrawn,
    Expired,
    Won,
    Lost,
}

/// A registration as the rule sees it.
#[derive(Debug, Clone)]
pub struct Registration {
    pub id: DealId,
    pub partner_id: PartnerId,
    pub customer_name: String,
    pub customer_domain: Option<String>,
    /// ISO alpha-2, uppercase.
    pub country: String,
    /// Product identifiers.
    pub products: Vec<String>,
    pub status: Status,
    pub protected_until: Option<NaiveDate>,
}

#[derive(Debug, Clone)]
pub struct NamedAccount {
    pub name: String,
    pub domain: Option<String>,
}

#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// 0.0..=1.0; a normalised-name similarity at or above it is a name match.
    pub similarity_threshold: f64,
    /// When true, two registrations clash only if they share at least one product.
    pub require_product_overlap: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FindingKind {
    SamePartnerDuplicate,
    OtherPartnerProtected,
    OtherPartnerPending,
    VendorDirectAccount,
}

impl FindingKind {
    pub fn as_str(self) -> &'static str {
        match self {
            FindingKind::SamePartnerDuplicate => "same_partner_duplicate",
            FindingKind::OtherPartnerProtected => "other_partner_protected",
            FindingKind::OtherPartnerPending => "other_partner_pending",
            FindingKind::VendorDirectAccount => "vendor_direct_account",
        }
    }

    /// Lower is more severe; findings are listed most severe first.
    fn severity_rank(self) -> u8 {
        match self {
            FindingKind::VendorDirectAccount => 0,
            FindingKind::OtherPartnerProtected => 1,
            FindingKind::SamePartnerDuplicate => 2,
            FindingKind::OtherPartnerPending => 3,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    Domain,
    Name,
    Country,
    Products,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Domain => "domain",
            Field::Name => "name",
            Field::Country => "country",
            Field::Products => "products",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Field::Domain => "Domain",
            Field::Name => "Name",
            Field::Country => "Country",
            Field::Products => "Products",
        }
    }
}

/// One piece of evidence: which field matched and how strongly (0..=1), with a human-readable detail
/// such as `"acme.co.uk" = "acme.co.uk"` or `"acme" ~ "acme" (100%)` or `shared products: crm, analytics`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evidence {
    pub field: Field,
    pub score: f64,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Approve,
    Review,
    Reject,
}

impl Decision {
    pub fn as_str(self) -> &'static str {
        match self {
            Decision::Approve => "approve",
            Decision::Review => "review",
            Decision::Reject => "reject",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Decision::Approve => "Approve",
            Decision::Review => "Review",
            Decision::Reject => "Reject",
        }
    }
}

#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Finding {
    pub kind: FindingKind,
    /// The clashing registration (None for a vendor-direct named account).
    pub registration_id: Option<DealId>,
    /// The named account's name for VendorDirectAccount findings.
    pub named_account: Option<String>,
    /// Names of the matched fields in order: subset of "domain", "name", "country", "products".
    pub matched_on: Vec<Field>,
    pub evidence: Vec<Evidence>,
    /// Overall strength of the match, 0..=1 (max of the domain and name scores).
    pub score: f64,
    pub recommendation: Decision,
    /// For Reject recommendations: one of "duplicate", "direct_sales_engaged"; None otherwise.
    pub reject_reason: Option<&'static str>,
}

pub const REASON_DUPLICATE: &str = "duplicate";
pub const REASON_DIRECT_SALES_ENGAGED: &str = "direct_sales_engaged";

/// Trailing company-form tokens, written as they look once punctuation has become spaces ("S.p.A." is "s p a").
/// "group" and "holdings" are deliberately absent: "Acme Group" and "Acme" can be different customers.
/// Every proper trailing part of a multi-token form is itself a form or not a suffix of any other form, so that
/// appending a form to a name never changes what the name itself normalises to.
const LEGAL_FORMS: &[&str] = &[
    "inc",
    "incorporated",
    "llc",
    "l l c",
    "ltd",
    "limited",
    "corp",
    "corporation",
    "co",
    "company",
    "co ltd",
    "gmbh",
    "g m b h",
    "mbh",
    "ag",
    "kg",
    "sa",
    "s a",
    "sas",
    "s a s",
    "sarl",
    "bv",
    "b v",
    "nv",
    "n v",
    "plc",
    "pty",
    "pty ltd",
    "oy",
    "oyj",
    "ab",
    "as",
    "a s",
    "asa",
    "spa",
    "s p a",
    "srl",
    "s r l",
    "kk",
    "lp",
    "l p",
    "llp",
    "l l p",
    "pte",
    "pte ltd",
    "sl",
    "s l",
    "sro",
    "s r o",
    "sp z o o",
];

/// A company name reduced to what identifies the customer: accents, case, punctuation, a leading "the" and trailing
/// legal forms ("Inc.", "GmbH", "S.A.", ...) removed. Never empty unless the input has no letters or digits, and
/// idempotent.
pub fn normalize_name(name: &str) -> String {
    let mut spaced = String::with_capacity(name.len());
    for c in fold(name).chars() {
        match c {
            '&' => spaced.push_str(" and "),
            c if c.is_alphanumeric() => spaced.push(c),
            _ => spaced.push(' '),
        }
    }
    let mut tokens: Vec<&str> = spaced.split_whitespace().collect();
    strip_legal_forms(&mut tokens);
    // Stripping the tail first means a final stripping pass could never find more work after "the" goes, which is
    // what keeps the function idempotent ("The Inc" stays "the" rather than becoming "inc").
    let leading_thes = tokens.iter().take(tokens.len().saturating_sub(1)).take_while(|t| **t == "the").count();
    tokens[leading_thes..].join(" ")
}

/// NFKD without combining marks, lowercased, repeated until stable: lowercasing can produce decomposable text
/// ('İ' becomes 'i' plus a combining dot) and decomposition can produce uppercase ('ℌ' becomes 'H').
fn fold(s: &str) -> String {
    let mut current = s.to_owned();
    for _ in 0..8 {
        let next: String = current.nfkd().filter(|c| !is_combining_mark(*c)).flat_map(char::to_lowercase).collect();
        if next == current {
            break;
        }
        current = next;
    }
    current
}

/// Removes trailing legal forms, longest first, but never the last remaining token.
fn strip_legal_forms(tokens: &mut Vec<&str>) {
    loop {
        let mut longest = 0;
        for form in LEGAL_FORMS {
            let len = form.split(' ').count();
            if len > longest && len < tokens.len() && tokens[tokens.len() - len..].iter().copied().eq(form.split(' ')) {
                longest = len;
            }
        }
        if longest == 0 {
            return;
        }
        tokens.truncate(tokens.len() - longest);
    }
}

/// The registrable domain ("acme.co.uk") behind a bare domain, a URL or an email address; None when there is no
/// such domain (no dot, an IP address, a bare public suffix such as "co.uk").
pub fn registrable_domain(input: &str) -> Option<String> {
    let lowered = input.trim().to_lowercase();
    let mut host = lowered.as_str();
    if let Some((_, rest)) = host.split_once("://") {
        host = rest;
    }
    host = host.split(['/', '?', '#']).next().unwrap_or_default();
    // The last '@' also handles "user:password@host" in URLs and "mailto:" prefixes.
    if let Some((_, rest)) = host.rsplit_once('@') {
        host = rest;
    }
    if host.starts_with('[') {
        return None; // IPv6 literal
    }
    host = host.split(':').next().unwrap_or_default();
    host = host.strip_suffix('.').unwrap_or(host);
    if !host.contains('.') || host.parse::<Ipv4Addr>().is_ok() {
        return None;
    }
    let labels_ok = host
        .split('.')
        .all(|label| !label.is_empty() && label.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_'));
    // A numeric last label is an IP-like string ("10.1.2") rather than a domain under some TLD.
    let numeric_tld = host.rsplit('.').next().is_some_and(|tld| tld.chars().all(|c| c.is_ascii_digit()));
    if !labels_ok || numeric_tld {
        return None;
    }
    psl::domain_str(host).map(str::to_owned)
}

/// Trigram similarity of the normalised names, as PostgreSQL's pg_trgm `similarity()` computes it, so the rule
/// agrees with the SQL pre-filter. 0.0 when either name normalises to nothing.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (Name::new(normalize_name(a)), Name::new(normalize_name(b)));
    a.similarity(&b)
}

/// A normalised name with its trigrams, computed once however many names it is compared with.
struct Name {
    text: String,
    /// Distinct, sorted.
    trigrams: Vec<Trigram>,
}

/// One trigram of a name, as pg_trgm forms them: each word padded with two spaces before and one after.
pub type Trigram = [char; 3];

/// The distinct trigrams of a normalised name, sorted: what `name_similarity` compares.
pub fn trigrams(normalized: &str) -> Vec<Trigram> {
    let mut trigrams = Vec::new();
    for word in normalized.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()) {
        let padded: Vec<char> = [' ', ' '].into_iter().chain(word.chars()).chain([' ']).collect();
        trigrams.extend(padded.windows(3).map(|w| [w[0], w[1], w[2]]));
    }
    trigrams.sort_unstable();
    trigrams.dedup();
    trigrams
}

impl Name {
    fn new(text: String) -> Name {
        let trigrams = trigrams(&text);
        Name { text, trigrams }
    }

    /// Shared trigrams over all distinct trigrams of the two names.
    fn similarity(&self, other: &Name) -> f64 {
        if self.text.is_empty() || other.text.is_empty() {
            return 0.0;
        }
        if self.text == other.text {
            return 1.0;
        }
        let (a, b) = (&self.trigrams, &other.trigrams);
        let (mut i, mut j, mut shared) = (0, 0, 0);
        while i < a.len() && j < b.len() {
            match a[i].cmp(&b[j]) {
                std::cmp::Ordering::Less => i += 1,
                std::cmp::Ordering::Greater => j += 1,
                std::cmp::Ordering::Equal => {
                    shared += 1;
                    i += 1;
                    j += 1;
                }
            }
        }
        let union = a.len() + b.len() - shared;
        if union == 0 { 0.0 } else { shared as f64 / union as f64 }
    }
}

/// A registration still holds its claim while pending, or while approved and inside its protection window.
fn is_relevant(candidate: &Registration, today: NaiveDate) -> bool {
    match candidate.status {
        Status::Pending => true,
        Status::Approved => candidate.protected_until.is_none_or(|until| until >= today),
        Status::Rejected | Status::Withdrawn | Status::Expired | Status::Won | Status::Lost => false,
    }
}

/// The parts of a customer that are compared, normalised once.
struct Customer {
    name: Name,
    domain: Option<String>,
}

impl Customer {
    fn new(name: &str, domain: Option<&str>) -> Customer {
        Customer { name: Name::new(normalize_name(name)), domain: domain.and_then(registrable_domain) }
    }

    /// Domain and name evidence against another customer, in that order; empty when neither matches.
    fn identity_evidence(&self, other: &Customer, threshold: f64) -> Vec<Evidence> {
        let mut evidence = Vec::new();
        // Written without a let-chain: the crate's rust-version (1.85) predates them.
        match (&self.domain, &other.domain) {
            (Some(a), Some(b)) if a == b => {
                evidence.push(Evidence { field: Field::Domain, score: 1.0, detail: format!("\"{a}\" = \"{b}\"") })
            }
            _ => {}
        }
        let similarity = self.name.similarity(&other.name);
        // A zero similarity is never a match, even under a zero threshold: names sharing no trigram are no evidence.
        if similarity > 0.0 && similarity >= threshold {
            evidence.push(Evidence {
                field: Field::Name,
                score: similarity,
                detail: format!("\"{}\" ~ \"{}\" ({:.0}%)", self.name.text, other.name.text, similarity * 100.0),
            });
        }
        evidence
    }
}

fn product_set(products: &[String]) -> Vec<String> {
    let mut set: Vec<String> = Vec::new();
    for product in products {
        let product = product.trim().to_lowercase();
        if !product.is_empty() && !set.contains(&product) {
            set.push(product);
        }
    }
    set
}

/// Products both registrations name, in the new registration's order, scored against the smaller set so that a
/// narrow deal fully inside a broad one counts as a full overlap.
fn product_evidence(new: &[String], other: &[String]) -> Option<Evidence> {
    let (new, other) = (product_set(new), product_set(other));
    let shared: Vec<&str> = new.iter().filter(|p| other.contains(p)).map(String::as_str).collect();
    if shared.is_empty() {
        return None;
    }
    let smaller = new.len().min(other.len());
    Some(Evidence {
        field: Field::Products,
        score: shared.len() as f64 / smaller as f64,
        detail: format!("shared products: {}", shared.join(", ")),
    })
}

fn country_evidence(new: &str, other: &str) -> Option<Evidence> {
    let (new, other) = (new.trim(), other.trim());
    (!new.is_empty() && new.eq_ignore_ascii_case(other)).then(|| Evidence {
        field: Field::Country,
        score: 1.0,
        detail: format!("\"{}\" = \"{}\"", new.to_uppercase(), other.to_uppercase()),
    })
}

fn identity_score(evidence: &[Evidence]) -> f64 {
    evidence.iter().filter(|e| matches!(e.field, Field::Domain | Field::Name)).map(|e| e.score).fold(0.0, f64::max)
}

/// Every clash between `new` and the still-live `candidates` or the vendor's `named_accounts`, most severe first.
pub fn check(
    new: &Registration,
    candidates: &[Registration],
    named_accounts: &[NamedAccount],
    policy: &Policy,
    today: NaiveDate,
) -> Vec<Finding> {
    let customer = Customer::new(&new.customer_name, new.customer_domain.as_deref());
    let mut findings = Vec::new();

    for candidate in candidates.iter().filter(|c| c.id != new.id && is_relevant(c, today)) {
        let other = Customer::new(&candidate.customer_name, candidate.customer_domain.as_deref());
        let mut evidence = customer.identity_evidence(&other, policy.similarity_threshold);
        if evidence.is_empty() {
            continue;
        }
        let products = product_evidence(&new.products, &candidate.products);
        if policy.require_product_overlap && products.is_none() {
            continue;
        }
        evidence.extend(country_evidence(&new.country, &candidate.country));
        evidence.extend(products);

        let (kind, recommendation, reject_reason) = if candidate.partner_id == new.partner_id {
            (FindingKind::SamePartnerDuplicate, Decision::Reject, Some(REASON_DUPLICATE))
        } else if candidate.status == Status::Approved {
            (FindingKind::OtherPartnerProtected, Decision::Reject, Some(REASON_DUPLICATE))
        } else {
            (FindingKind::OtherPartnerPending, Decision::Review, None)
        };
        findings.push(Finding {
            kind,
            registration_id: Some(candidate.id),
            named_account: None,
            matched_on: evidence.iter().map(|e| e.field).collect(),
            score: identity_score(&evidence),
            evidence,
            recommendation,
            reject_reason,
        });
    }

    for account in named_accounts {
        let other = Customer::new(&account.name, account.domain.as_deref());
        let evidence = customer.identity_evidence(&other, policy.similarity_threshold);
        if evidence.is_empty() {
            continue;
        }
        findings.push(Finding {
            kind: FindingKind::VendorDirectAccount,
            registration_id: None,
            named_account: Some(account.name.clone()),
            matched_on: evidence.iter().map(|e| e.field).collect(),
            score: identity_score(&evidence),
            evidence,
            recommendation: Decision::Reject,
            reject_reason: Some(REASON_DIRECT_SALES_ENGAGED),
        });
    }

    findings.sort_by(|a, b| {
        a.kind
            .severity_rank()
            .cmp(&b.kind.severity_rank())
            .then(b.score.total_cmp(&a.score))
            .then(a.registration_id.cmp(&b.registration_id))
            .then_with(|| a.named_account.cmp(&b.named_account))
    });
    findings
}

/// The decision for the registration as a whole: the strictest recommendation among the findings.
pub fn overall(findings: &[Finding]) -> Decision {
    if findings.iter().any(|f| f.recommendation == Decision::Reject) {
        Decision::Reject
    } else if findings.is_empty() {
        Decision::Approve
    } else {
        Decision::Review
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    use uuid::Uuid;

    const NEW_PARTNER: PartnerId = PartnerId(Uuid::from_u128(0xA));
    const OTHER_PARTNER: PartnerId = PartnerId(Uuid::from_u128(0xB));
    const POLICY: Policy = Policy { similarity_threshold: 0.6, require_product_overlap: true };

    fn today() -> NaiveDate {
        NaiveDate::from_ymd_opt(2025, 6, 1).unwrap()
    }

    fn registration(id: u128, partner_id: PartnerId, name: &str, domain: Option<&str>, status: Status) -> Registration {
        Registration {
            id: DealId(Uuid::from_u128(id)),
            partner_id,
            customer_name: name.to_owned(),
            customer_domain: domain.map(str::to_owned),
            country: "GB".to_owned(),
            products: vec!["crm".to_owned(), "analytics".to_owned()],
            status,
            protected_until: None,
        }
    }

    fn new_deal(name: &str, domain: Option<&str>) -> Registration {
        registration(1, NEW_PARTNER, name, domain, Status::Pending)
    }

    fn clashes(new: &Registration, candidates: &[Registration]) -> bool {
        !check(new, candidates, &[], &POLICY, today()).is_empty()
    }

    #[test]
    fn legal_suffixes_and_punctuation_do_not_change_the_normalised_name() {
        for name in ["ACME, Inc.", "Acme Incorporated", "acme inc", "Acme LLC", "Acme L.L.C.", "Acme Corp.", "ACME"] {
            assert_eq!(normalize_name(name), "acme", "{name}");
        }
    }

    #[test]
    fn accents_are_folded_so_local_and_ascii_spellings_agree() {
        assert_eq!(normalize_name("Müller GmbH"), "muller");
        assert_eq!(normalize_name("Société Générale S.A."), "societe generale");
        assert_eq!(normalize_name("ＡＣＭＥ　Ｉｎｃ"), "acme");
    }

    #[test]
    fn a_leading_the_and_a_trailing_company_are_dropped() {
        assert_eq!(normalize_name("The Boeing Company"), "boeing");
    }

    #[test]
    fn an_ampersand_reads_as_and() {
        assert_eq!(normalize_name("Johnson & Johnson"), "johnson and johnson");
        assert_eq!(normalize_name("AT&T Inc."), "at and t");
    }

    #[test]
    fn a_leading_co_is_part_of_the_name_not_a_legal_form() {
        assert_eq!(normalize_name("Co-operative Bank"), "co operative bank");
    }

    #[test]
    fn a_name_that_is_only_a_legal_form_is_kept() {
        assert_eq!(normalize_name("Ltd"), "ltd");
        assert_eq!(normalize_name("Pty Ltd"), "pty");
        assert_eq!(normalize_name("The"), "the");
        assert_eq!(normalize_name("The Inc."), "the");
    }

    #[test]
    fn dotted_multi_token_legal_forms_are_stripped() {
        for name in
            ["Acme B.V.", "Acme N.V.", "Acme S.p.A.", "Acme Sp. z o.o.", "Acme A/S", "Acme Pty. Ltd.", "Acme S.A.S."]
        {
            assert_eq!(normalize_name(name), "acme", "{name}");
        }
    }

    #[test]
    fn group_and_holdings_are_real_name_parts() {
        assert_eq!(normalize_name("Acme Group"), "acme group");
        assert_eq!(normalize_name("Acme Holdings Ltd"), "acme holdings");
    }

    #[test]
    fn subdomains_reduce_to_the_registrable_domain() {
        assert_eq!(registrable_domain("www.acme.co.uk").as_deref(), Some("acme.co.uk"));
        assert_eq!(registrable_domain("eu.acme.co.uk").as_deref(), Some("acme.co.uk"));
        assert_eq!(registrable_domain("acme.com").as_deref(), Some("acme.com"));
        assert_eq!(registrable_domain("foo.github.io").as_deref(), Some("foo.github.io"));
    }

    #[test]
    fn urls_emails_and_ports_reduce_to_the_registrable_domain() {
        for input in [
            "https://www.Acme.co.uk:443/about?x",
            "  HTTP://acme.co.uk  ",
            "acme.co.uk.",
            "jane@eu.acme.co.uk",
            "mailto:Jane@ACME.co.uk",
            "https://user:pw@shop.acme.co.uk/#top",
            "www.acme.co.uk:8080",
            "acme.co.uk/contact",
        ] {
            assert_eq!(registrable_domain(input).as_deref(), Some("acme.co.uk"), "{input}");
        }
    }

    #[test]
    fn hosts_that_are_not_registrable_domains_give_none() {
        for input in ["localhost", "", "   ", "192.168.1.1", "http://10.0.0.1:8080/", "co.uk", "com", "[::1]", "a..com"]
        {
            assert_eq!(registrable_domain(input), None, "{input}");
        }
    }

    #[test]
    fn name_similarity_agrees_with_pg_trgm() {
        // pg_trgm documents similarity('word', 'two words') as 0.36363637 (4 shared of 11 trigrams).
        assert!((name_similarity("word", "two words") - 4.0 / 11.0).abs() < 1e-9);
        assert_eq!(name_similarity("Acme Inc", "ACME Corporation"), 1.0);
        assert_eq!(name_similarity("", "acme"), 0.0);
        assert_eq!(name_similarity("...", "..."), 0.0);
        assert_eq!(name_similarity("acme", "zyxw"), 0.0);
    }

    #[test]
    fn a_domain_match_clashes_whatever_the_names_say() {
        let new = new_deal("Acme Widgets UK", Some("https://www.acme.co.uk"));
        let candidate =
            registration(2, OTHER_PARTNER, "ACME Holdings plc", Some("sales@eu.acme.co.uk"), Status::Pending);
        let findings = check(&new, &[candidate], &[], &POLICY, today());
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.matched_on, vec![Field::Domain, Field::Country, Field::Products]);
        assert_eq!(finding.score, 1.0);
        assert_eq!(finding.evidence[0].detail, r#""acme.co.uk" = "acme.co.uk""#);
        assert_eq!(finding.evidence[2].detail, "shared products: crm, analytics");
    }

    #[test]
    fn a_name_match_clashes_without_any_domain() {
        let new = new_deal("Globex Corporation", None);
        let candidate = registration(2, OTHER_PARTNER, "GLOBEX corp.", None, Status::Pending);
        let findings = check(&new, &[candidate], &[], &POLICY, today());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].matched_on, vec![Field::Name, Field::Country, Field::Products]);
        assert_eq!(findings[0].evidence[0].detail, r#""globex" ~ "globex" (100%)"#);
        assert_eq!(findings[0].score, 1.0);
    }

    #[test]
    fn different_customers_in_the_same_country_do_not_clash() {
        let new = new_deal("Globex", Some("globex.com"));
        let candidate = registration(2, OTHER_PARTNER, "Initech", Some("initech.com"), Status::Approved);
        assert!(!clashes(&new, &[candidate]));
    }

    #[test]
    fn disjoint_products_clash_only_when_overlap_is_not_required() {
        let mut new = new_deal("Globex", None);
        new.products = vec!["Payroll".to_owned()];
        let candidate = registration(2, OTHER_PARTNER, "Globex", None, Status::Pending);
        assert!(check(&new, std::slice::from_ref(&candidate), &[], &POLICY, today()).is_empty());

        let lenient = Policy { require_product_overlap: false, ..POLICY };
        let findings = check(&new, &[candidate], &[], &lenient, today());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].matched_on, vec![Field::Name, Field::Country]);
    }

    #[test]
    fn products_compare_case_insensitively_and_score_against_the_smaller_set() {
        let mut new = new_deal("Globex", None);
        new.products = vec![" CRM ".to_owned()];
        let candidate = registration(2, OTHER_PARTNER, "Globex", None, Status::Pending);
        let findings = check(&new, &[candidate], &[], &POLICY, today());
        let products = findings[0].evidence.iter().find(|e| e.field == Field::Products).unwrap();
        assert_eq!(products.score, 1.0);
        assert_eq!(products.detail, "shared products: crm");
    }

    #[test]
    fn closed_registrations_are_ignored() {
        let new = new_deal("Globex", Some("globex.com"));
        for status in [Status::Rejected, Status::Withdrawn, Status::Expired, Status::Won, Status::Lost] {
            let candidate = registration(2, OTHER_PARTNER, "Globex", Some("globex.com"), status);
            assert!(!clashes(&new, &[candidate]), "{status:?}");
        }
    }

    #[test]
    fn approved_registrations_protect_only_until_their_protection_ends() {
        let new = new_deal("Globex", None);
        let mut candidate = registration(2, OTHER_PARTNER, "Globex", None, Status::Approved);
        candidate.protected_until = today().pred_opt();
        assert!(!clashes(&new, std::slice::from_ref(&candidate)));

        candidate.protected_until = Some(today());
        let findings = check(&new, &[candidate], &[], &POLICY, today());
        assert_eq!(findings[0].kind, FindingKind::OtherPartnerProtected);
        assert_eq!(findings[0].recommendation, Decision::Reject);
        assert_eq!(findings[0].reject_reason, Some("duplicate"));
    }

    #[test]
    fn the_same_partner_registering_twice_is_a_duplicate() {
        let new = new_deal("Globex", None);
        let candidate = registration(2, NEW_PARTNER, "Globex Inc", None, Status::Pending);
        let findings = check(&new, &[candidate], &[], &POLICY, today());
        assert_eq!(findings[0].kind, FindingKind::SamePartnerDuplicate);
        assert_eq!(findings[0].reject_reason, Some("duplicate"));
        assert_eq!(overall(&findings), Decision::Reject);
    }

    #[test]
    fn another_partners_pending_registration_needs_review() {
        let new = new_deal("Globex", None);
        let candidate = registration(2, OTHER_PARTNER, "Globex", None, Status::Pending);
        let findings = check(&new, &[candidate], &[], &POLICY, today());
        assert_eq!(findings[0].kind, FindingKind::OtherPartnerPending);
        assert_eq!(findings[0].recommendation, Decision::Review);
        assert_eq!(findings[0].reject_reason, None);
        assert_eq!(overall(&findings), Decision::Review);
    }

    #[test]
    fn a_vendor_named_account_rejects_with_direct_sales_engaged() {
        let new = new_deal("Umbrella Corp", Some("umbrella.com"));
        let accounts = [
            NamedAccount { name: "Umbrella Corporation".to_owned(), domain: Some("www.umbrella.com".to_owned()) },
            NamedAccount { name: "Initech".to_owned(), domain: None },
        ];
        let findings = check(&new, &[], &accounts, &POLICY, today());
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.kind, FindingKind::VendorDirectAccount);
        assert_eq!(finding.registration_id, None);
        assert_eq!(finding.named_account.as_deref(), Some("Umbrella Corporation"));
        assert_eq!(finding.matched_on, vec![Field::Domain, Field::Name]);
        assert_eq!(finding.reject_reason, Some("direct_sales_engaged"));
        assert_eq!(overall(&findings), Decision::Reject);
    }

    #[test]
    fn a_registration_never_clashes_with_itself() {
        let new = new_deal("Globex", Some("globex.com"));
        assert!(!clashes(&new, std::slice::from_ref(&new)));
    }

    #[test]
    fn findings_are_ordered_by_severity_then_strength() {
        let new = new_deal("Globex Systems", Some("globex.com"));
        let candidates = [
            registration(2, OTHER_PARTNER, "Globex Systemz", None, Status::Pending),
            registration(3, OTHER_PARTNER, "Globex Systems", None, Status::Pending),
            registration(4, NEW_PARTNER, "Globex Systems", None, Status::Pending),
            registration(5, OTHER_PARTNER, "Other", Some("globex.com"), Status::Approved),
        ];
        let accounts = [NamedAccount { name: "Globex Systems".to_owned(), domain: None }];
        let findings = check(&new, &candidates, &accounts, &POLICY, today());
        let order: Vec<(FindingKind, Option<DealId>)> = findings.iter().map(|f| (f.kind, f.registration_id)).collect();
        assert_eq!(
            order,
            vec![
                (FindingKind::VendorDirectAccount, None),
                (FindingKind::OtherPartnerProtected, Some(DealId(Uuid::from_u128(5)))),
                (FindingKind::SamePartnerDuplicate, Some(DealId(Uuid::from_u128(4)))),
                (FindingKind::OtherPartnerPending, Some(DealId(Uuid::from_u128(3)))),
                (FindingKind::OtherPartnerPending, Some(DealId(Uuid::from_u128(2)))),
            ]
        );
        assert!(findings[4].score < 1.0 && findings[4].score >= POLICY.similarity_threshold);
    }

    #[test]
    fn no_findings_means_approve() {
        assert_eq!(overall(&[]), Decision::Approve);
    }

    #[test]
    fn findings_serialise_with_snake_case_names() {
        let new = new_deal("Globex", None);
        let candidate = registration(2, OTHER_PARTNER, "Globex", None, Status::Pending);
        let findings = check(&new, &[candidate], &[], &POLICY, today());
        let json = serde_json::to_value(&findings[0]).unwrap();
        assert_eq!(json["kind"], "other_partner_pending");
        assert_eq!(json["matched_on"], serde_json::json!(["name", "country", "products"]));
        assert_eq!(json["recommendation"], "review");
    }

    fn company_name() -> impl Strategy<Value = String> {
        "[A-Za-z][A-Za-z &.,'-]{0,30}"
    }

    fn legal_suffix() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![", Inc.", " GmbH", " LLC", " S.A.", " Ltd", " Pty Ltd", " B.V.", " Co."])
    }

    fn case_change() -> impl Strategy<Value = fn(&str) -> String> {
        prop::sample::select(vec![str::to_uppercase as fn(&str) -> String, str::to_lowercase, str::to_owned])
    }

    proptest! {
        #[test]
        fn normalize_name_is_idempotent(name in prop_oneof![company_name(), any::<String>()]) {
            let once = normalize_name(&name);
            prop_assert_eq!(normalize_name(&once), once);
        }

        #[test]
        fn name_similarity_counts_what_a_set_intersection_of_trigrams_counts(
            a in prop_oneof![company_name(), any::<String>()],
            b in prop_oneof![company_name(), any::<String>()],
        ) {
            // pg_trgm's definition, written the obvious way.
            fn trigram_set(s: &str) -> std::collections::HashSet<[char; 3]> {
                s.split(|c: char| !c.is_alphanumeric())
                    .filter(|w| !w.is_empty())
                    .flat_map(|w| {
                        let padded: Vec<char> = [' ', ' '].into_iter().chain(w.chars()).chain([' ']).collect();
                        padded.windows(3).map(|t| [t[0], t[1], t[2]]).collect::<Vec<_>>()
                    })
                    .collect()
            }
            let (na, nb) = (normalize_name(&a), normalize_name(&b));
            let expected = if na.is_empty() || nb.is_empty() {
                0.0
            } else if na == nb {
                1.0
            } else {
                let (ta, tb) = (trigram_set(&na), trigram_set(&nb));
                let shared = ta.intersection(&tb).count();
                shared as f64 / (ta.len() + tb.len() - shared) as f64
            };
            prop_assert_eq!(name_similarity(&a, &b), expected);
        }

        #[test]
        fn name_similarity_is_symmetric_and_bounded(a in company_name(), b in company_name()) {
            let ab = name_similarity(&a, &b);
            prop_assert_eq!(ab, name_similarity(&b, &a));
            prop_assert!((0.0..=1.0).contains(&ab));
        }

        #[test]
        fn a_registration_never_clashes_with_itself_whatever_its_name(
            name in company_name(),
            domain in prop::option::of("[a-z]{1,8}\\.(com|co\\.uk|de)"),
        ) {
            let new = new_deal(&name, domain.as_deref());
            prop_assert!(!clashes(&new, std::slice::from_ref(&new)));
        }

        #[test]
        fn legal_suffixes_and_case_never_change_whether_deals_clash(
            existing in company_name(),
            name in company_name(),
            suffix in legal_suffix(),
            recase in case_change(),
        ) {
            let candidate = registration(2, OTHER_PARTNER, &existing, None, Status::Pending);
            let expected = clashes(&new_deal(&name, None), std::slice::from_ref(&candidate));
            let variants = [format!("{name}{suffix}"), recase(&name), recase(&format!("{name}{suffix}"))];
            for variant in variants {
                prop_assert_eq!(clashes(&new_deal(&variant, None), std::slice::from_ref(&candidate)), expected, "{}", variant);
            }
            // The unchanged name against its own suffixed spelling always clashes.
            let same = registration(3, OTHER_PARTNER, &format!("{name}{suffix}"), None, Status::Pending);
            prop_assert!(clashes(&new_deal(&name, None), &[same]));
        }
    }
}
