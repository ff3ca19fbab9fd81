//! Deal-registration conflicts: whether a newly registered deal clashes with other registrations or the vendor's
//! named accounts, how certain it is that they are the same customer (`Strength`), and field-by-field evidence so a
//! channel manager can see why.
//!
//! One customer or two: the same registrable domain settles it; the same domain label under another public suffix
//! (philips.com, philips.nl) speaks for one customer and two different domains against; names are compared without
//! legal forms, with descriptors and common words weighing little (`company_names`); a different country weakens a
//! match that rests on the name alone.

use std::net::Ipv4Addr;

use chrono::NaiveDate;

use crate::ids::{DealId, PartnerId};
use crate::rules::company_names::{self, CompanyName, NameLevel, NameMatch};

pub use crate::rules::company_names::NameWeights;

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
    /// ISO alpha-2, uppercase; empty when unknown.
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
    /// 0.0..=1.0; a name score (`company_names::compare`) at or above it is evidence of one customer.
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

    /// Lower is more severe; among findings of one recommendation and strength, the more severe is listed first.
    fn severity_rank(self) -> u8 {
        match self {
            FindingKind::VendorDirectAccount => 0,
            FindingKind::OtherPartnerProtected => 1,
            FindingKind::SamePartnerDuplicate => 2,
            FindingKind::OtherPartnerPending => 3,
        }
    }
}

/// How certain it is that two registrations (or a registration and a named account) are the same customer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Strength {
    /// Evidence only: similar enough to show, too uncertain to stand in the way.
    Possible,
    /// Probably the same customer: blocks approval unless a CAM or program admin approves anyway, with a reason.
    Probable,
    /// The same customer for certain (the same registrable domain, or the same name in the same country without a
    /// contrary domain): blocks approval.
    Definitive,
}

impl Strength {
    pub const ALL: [Strength; 3] = [Strength::Possible, Strength::Probable, Strength::Definitive];

    pub fn as_str(self) -> &'static str {
        match self {
            Strength::Possible => "possible",
            Strength::Probable => "probable",
            Strength::Definitive => "definitive",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Strength::Possible => "Possible",
            Strength::Probable => "Probable",
            Strength::Definitive => "Definitive",
        }
    }

    /// Whether a clash this strong with a claim that holds (another partner's protected registration, the partner's
    /// own approved one) stops an approval unless staff override it with a reason.
    pub fn blocks_without_override(self) -> bool {
        self >= Strength::Probable
    }

    /// Whether no override can lift it.
    pub fn blocks_even_with_override(self) -> bool {
        self == Strength::Definitive
    }

    /// One step less certain; `Possible` stays.
    fn weaker(self) -> Strength {
        match self {
            Strength::Definitive => Strength::Probable,
            Strength::Probable | Strength::Possible => Strength::Possible,
        }
    }

    /// "the same customer", "probably the same customer", "possibly the same customer".
    fn customer_phrase(self) -> &'static str {
        match self {
            Strength::Definitive => "the same customer",
            Strength::Probable => "probably the same customer",
            Strength::Possible => "possibly the same customer",
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

    /// How the field is named to a partner: "web domain", "name", "country", "products".
    fn partner_noun(self) -> &'static str {
        match self {
            Field::Domain => "web domain",
            Field::Name => "name",
            Field::Country => "country",
            Field::Products => "products",
        }
    }
}

/// One piece of evidence: which field it concerns and how strongly it speaks for one customer (0..=1; 0 is evidence
/// against, such as two different web domains), with a detail for staff such as `"acme.co.uk" = "acme.co.uk"`,
/// `"acme" ~ "acme logistics" (71%)` or `shared products: crm, analytics`.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct Evidence {
    pub field: Field,
    pub score: f64,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
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
    pub strength: Strength,
    /// The clashing registration (None for a vendor-direct named account).
    pub registration_id: Option<DealId>,
    /// The named account's name for VendorDirectAccount findings.
    pub named_account: Option<String>,
    /// The fields whose evidence speaks for one customer, in order: domain, name, country, products.
    pub matched_on: Vec<Field>,
    /// Every piece of evidence, for and against, in the same order.
    pub evidence: Vec<Evidence>,
    /// How alike the two customers are, 0..=1: the best of the domain and name scores.
    pub score: f64,
    pub recommendation: Decision,
    /// For Reject recommendations: one of "duplicate", "direct_sales_engaged"; None otherwise.
    pub reject_reason: Option<&'static str>,
}

pub const REASON_DUPLICATE: &str = "duplicate";
pub const REASON_DIRECT_SALES_ENGAGED: &str = "direct_sales_engaged";

/// What a partner may be told about a finding: never the rival's name, partner, registration or evidence text, and
/// only its own registration's id.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct PartnerView {
    pub kind: FindingKind,
    pub strength: Strength,
    pub matched_on: Vec<Field>,
    pub reason: String,
    /// The partner's own earlier registration, for a duplicate of it.
    pub own_registration: Option<DealId>,
}

impl Finding {
    /// Whether this finding stops an approval unless staff override it: a claim that holds (another partner's
    /// protected registration) on what is at least probably the same customer. Pending rivals never stop one (the
    /// first approved wins), nor do named accounts (a recommendation for the CAM), nor the partner's own registrations
    /// (which block only once approved, which the caller knows).
    pub fn blocks_approval_without_override(&self) -> bool {
        self.kind == FindingKind::OtherPartnerProtected && self.strength.blocks_without_override()
    }

    /// A worded reason for the partner (`partner_reason`).
    pub fn partner_reason(&self) -> String {
        partner_reason(self.kind, self.strength, &self.matched_on)
    }

    pub fn partner_view(&self) -> PartnerView {
        PartnerView {
            kind: self.kind,
            strength: self.strength,
            matched_on: self.matched_on.clone(),
            reason: self.partner_reason(),
            own_registration: if self.kind == FindingKind::SamePartnerDuplicate { self.registration_id } else { None },
        }
    }
}

/// A worded reason for the partner, without the rival's name, evidence text or registration id: "Another partner
/// holds a protected registration for probably the same customer: the web domain and name match."
pub fn partner_reason(kind: FindingKind, strength: Strength, matched_on: &[Field]) -> String {
    let customer = strength.customer_phrase();
    let opening = match kind {
        FindingKind::SamePartnerDuplicate => {
            format!("Your organisation already has an open registration for {customer}")
        }
        FindingKind::OtherPartnerProtected => format!("Another partner holds a protected registration for {customer}"),
        FindingKind::OtherPartnerPending => {
            format!(
                "Another partner's registration for {customer} is waiting for a decision; the first one approved wins"
            )
        }
        FindingKind::VendorDirectAccount => {
            format!("The vendor's direct sales team works with {customer} as a named account")
        }
    };
    let fields: Vec<&str> = matched_on.iter().map(|f| f.partner_noun()).collect();
    match fields.as_slice() {
        [] => format!("{opening}."),
        [only] => format!("{opening}: the {only} {}.", if *only == "products" { "match" } else { "matches" }),
        [init @ .., last] => format!("{opening}: the {} and {last} match.", init.join(", ")),
    }
}

/// The version of `normalize_name`'s rule. Raise it whenever the rule changes what key a name gets: at start-up the
/// server rewrites the keys stored with an older version, which the trigram search compares.
pub const NAME_KEY_VERSION: i32 = 3;

/// A company name reduced to its key: accents, case, punctuation, legal forms in many languages ("Inc.",
/// "Aktiengesellschaft", "S.p.A.", "Sdn. Bhd."), connectors, descriptors ("Holdings", "Group", "The") and generic
/// business words ("Technologies", "Solutions"; kept when nothing else is left) removed, common abbreviations spelled
/// out. What `deals.normalized_name` keeps and the trigram search compares. Never empty unless the input has no
/// letters or digits, and idempotent.
pub fn normalize_name(name: &str) -> String {
    CompanyName::parse(name).key()
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

/// Trigram similarity of the normalised names, as PostgreSQL's pg_trgm `similarity()` computes it over
/// `deals.normalized_name`: what the candidate search compares. 0.0 when either name normalises to nothing.
pub fn name_similarity(a: &str, b: &str) -> f64 {
    let (a, b) = (normalize_name(a), normalize_name(b));
    if a.is_empty() || b.is_empty() {
        return 0.0;
    }
    if a == b {
        return 1.0;
    }
    let (a, b) = (trigrams(&a), trigrams(&b));
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

/// The trigram similarity the candidate search must use (pg_trgm over `deals.normalized_name`, beside equal
/// registrable domains) for the rule to see every registration whose name alone makes a probable match: the policy's
/// threshold, or `CANDIDATE_SIMILARITY_FLOOR` when that is lower. The rule's name score is no trigram similarity: it
/// forgives misspellings ("Deutsche Telekom", "Deutsche Telecom": 0.45 in trigrams of their keys) and words run
/// together ("Sparkasse KölnBonn", "Sparkasse Köln Bonn": 0.58). Possible matches may fall below the floor, as may
/// matches through initials or through a domain label under another suffix, which need a search by label
/// (`company_names::domain_label`).
pub fn candidate_similarity_floor(policy: &Policy) -> f64 {
    policy.similarity_threshold.min(CANDIDATE_SIMILARITY_FLOOR)
}

/// Below the trigram similarity of the least alike names, among the labelled pairs (`company_pairs`), that the rule
/// makes probable by their names alone (misspellings: "Accenture", "Accentrue" is 0.43): a unit test keeps it so.
pub const CANDIDATE_SIMILARITY_FLOOR: f64 = 0.4;

/// A registration still holds its claim while pending, or while approved and inside its protection window.
fn is_relevant(candidate: &Registration, today: NaiveDate) -> bool {
    match candidate.status {
        Status::Pending => true,
        Status::Approved => candidate.protected_until.is_none_or(|until| until >= today),
        Status::Rejected | Status::Withdrawn | Status::Expired | Status::Won | Status::Lost => false,
    }
}

/// The parts of a customer that are compared, parsed once.
struct Customer {
    name: CompanyName,
    /// The registrable domain, unless it is a shared mail provider's.
    domain: Option<String>,
    /// Uppercase ISO alpha-2; None when unknown (named accounts have none).
    country: Option<String>,
}

impl Customer {
    fn new(name: &str, domain: Option<&str>, country: Option<&str>) -> Customer {
        Customer {
            name: CompanyName::parse(name),
            domain: domain.and_then(registrable_domain).filter(|d| !company_names::is_shared_mail_domain(d)),
            country: country.map(|c| c.trim().to_uppercase()).filter(|c| !c.is_empty()),
        }
    }
}

/// How two customers' web domains relate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum DomainRelation {
    /// Both known and different, under different labels: evidence against one customer.
    Different,
    /// One or both unknown (or a shared mail provider's).
    Unknown,
    /// The same label under different public suffixes (philips.com, philips.nl): evidence for one customer.
    SameLabel,
    /// The same registrable domain: one customer.
    Same,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum CountryRelation {
    Different,
    Unknown,
    Same,
}

/// The score a domain label under another suffix lends a finding.
pub const SAME_LABEL_SCORE: f64 = 0.9;
/// A name score from which names alone make a probable match (in the same country, without contrary domains).
pub const PROBABLE_NAME_SCORE: f64 = 0.85;

/// Whether two customers are one, how certain that is, and the evidence for and against, in field order (domain,
/// name, country); None when nothing speaks for one customer.
fn assess(a: &Customer, b: &Customer, threshold: f64, weights: &NameWeights) -> Option<(Strength, Vec<Evidence>)> {
    let mut evidence = Vec::new();
    let domain = match (&a.domain, &b.domain) {
        (Some(x), Some(y)) if x == y => {
            evidence.push(Evidence { field: Field::Domain, score: 1.0, detail: format!("\"{x}\" = \"{y}\"") });
            DomainRelation::Same
        }
        (Some(x), Some(y)) if company_names::domain_label(x) == company_names::domain_label(y) => {
            evidence.push(Evidence {
                field: Field::Domain,
                score: SAME_LABEL_SCORE,
                detail: format!("\"{x}\" ~ \"{y}\" (the same name under another suffix)"),
            });
            DomainRelation::SameLabel
        }
        (Some(x), Some(y)) => {
            evidence.push(Evidence {
                field: Field::Domain,
                score: 0.0,
                detail: format!("\"{x}\" ≠ \"{y}\" (different web domains speak against one customer)"),
            });
            DomainRelation::Different
        }
        _ => DomainRelation::Unknown,
    };

    let name = company_names::compare(&a.name, &b.name, weights);
    // A zero score is never a match, even under a zero threshold: names sharing nothing are no evidence.
    let name_matches = name.score > 0.0 && name.score >= threshold;
    if name_matches {
        evidence.push(Evidence { field: Field::Name, score: name.score, detail: name_detail(a, b, name) });
    }

    let country = match (&a.country, &b.country) {
        (Some(x), Some(y)) if x == y => {
            evidence.push(Evidence { field: Field::Country, score: 1.0, detail: format!("\"{x}\" = \"{y}\"") });
            CountryRelation::Same
        }
        (Some(x), Some(y)) => {
            evidence.push(Evidence { field: Field::Country, score: 0.0, detail: format!("\"{x}\" ≠ \"{y}\"") });
            CountryRelation::Different
        }
        _ => CountryRelation::Unknown,
    };

    let strength = strength_of(domain, name_matches.then_some(name), country)?;
    Some((strength, evidence))
}

/// The strength the evidence adds up to; None when nothing speaks for one customer. `name` is None unless the names
/// reach the policy's threshold.
fn strength_of(domain: DomainRelation, name: Option<NameMatch>, country: CountryRelation) -> Option<Strength> {
    match (domain, name) {
        (DomainRelation::Same, _) => Some(Strength::Definitive),
        // A multinational's companies go by one label in many countries: the same name under it is one customer.
        (DomainRelation::SameLabel, Some(name))
            if name.level == NameLevel::Same && country != CountryRelation::Different =>
        {
            Some(Strength::Definitive)
        }
        (DomainRelation::SameLabel, Some(_)) => Some(Strength::Probable),
        (DomainRelation::SameLabel, None) => Some(Strength::Possible),
        (DomainRelation::Different, Some(_)) => Some(Strength::Possible),
        (DomainRelation::Unknown, Some(name)) => {
            let by_name = match name.level {
                NameLevel::Same => Strength::Definitive,
                NameLevel::SameCore => Strength::Probable,
                NameLevel::Similar | NameLevel::Initials if name.score >= PROBABLE_NAME_SCORE => Strength::Probable,
                NameLevel::Similar | NameLevel::Initials => Strength::Possible,
            };
            Some(if country == CountryRelation::Different { by_name.weaker() } else { by_name })
        }
        (DomainRelation::Different | DomainRelation::Unknown, None) => None,
    }
}

fn name_detail(a: &Customer, b: &Customer, name: NameMatch) -> String {
    let why = match name.level {
        NameLevel::Same => ", the same name",
        NameLevel::SameCore => ", the same name but for descriptors",
        NameLevel::Initials => ", one is the other's initials",
        NameLevel::Similar => "",
    };
    format!("\"{}\" ~ \"{}\" ({:.0}%{why})", a.name.text(), b.name.text(), name.score * 100.0)
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

fn identity_score(evidence: &[Evidence]) -> f64 {
    evidence.iter().filter(|e| matches!(e.field, Field::Domain | Field::Name)).map(|e| e.score).fold(0.0, f64::max)
}

/// What a finding recommends: a possible match is evidence only; a probable one needs a person's judgement; a
/// definitive one is refused, except against a rival still pending, where the first approval wins.
fn recommendation(kind: FindingKind, strength: Strength) -> (Decision, Option<&'static str>) {
    match (kind, strength) {
        (_, Strength::Possible) => (Decision::Approve, None),
        (FindingKind::OtherPartnerPending, _) | (_, Strength::Probable) => (Decision::Review, None),
        (FindingKind::VendorDirectAccount, Strength::Definitive) => {
            (Decision::Reject, Some(REASON_DIRECT_SALES_ENGAGED))
        }
        (FindingKind::SamePartnerDuplicate | FindingKind::OtherPartnerProtected, Strength::Definitive) => {
            (Decision::Reject, Some(REASON_DUPLICATE))
        }
    }
}

fn finding(
    kind: FindingKind,
    strength: Strength,
    registration_id: Option<DealId>,
    named_account: Option<String>,
    evidence: Vec<Evidence>,
) -> Finding {
    let (recommendation, reject_reason) = recommendation(kind, strength);
    Finding {
        kind,
        strength,
        registration_id,
        named_account,
        matched_on: evidence.iter().filter(|e| e.score > 0.0).map(|e| e.field).collect(),
        score: identity_score(&evidence),
        evidence,
        recommendation,
        reject_reason,
    }
}

/// Every clash between `new` and the still-live `candidates` or the vendor's `named_accounts`, the one that decides
/// first: by recommendation, then strength, then kind, then score. `weights` are the tenant's word weights
/// (`NameWeights::default()` when nothing is known about its names).
pub fn check(
    new: &Registration,
    candidates: &[Registration],
    named_accounts: &[NamedAccount],
    policy: &Policy,
    weights: &NameWeights,
    today: NaiveDate,
) -> Vec<Finding> {
    let customer = Customer::new(&new.customer_name, new.customer_domain.as_deref(), Some(&new.country));
    let mut findings = Vec::new();

    for candidate in candidates.iter().filter(|c| c.id != new.id && is_relevant(c, today)) {
        let other =
            Customer::new(&candidate.customer_name, candidate.customer_domain.as_deref(), Some(&candidate.country));
        let Some((strength, mut evidence)) = assess(&customer, &other, policy.similarity_threshold, weights) else {
            continue;
        };
        let products = product_evidence(&new.products, &candidate.products);
        if policy.require_product_overlap && products.is_none() {
            continue;
        }
        evidence.extend(products);
        let kind = if candidate.partner_id == new.partner_id {
            FindingKind::SamePartnerDuplicate
        } else if candidate.status == Status::Approved {
            FindingKind::OtherPartnerProtected
        } else {
            FindingKind::OtherPartnerPending
        };
        findings.push(finding(kind, strength, Some(candidate.id), None, evidence));
    }

    for account in named_accounts {
        let other = Customer::new(&account.name, account.domain.as_deref(), None);
        let Some((strength, evidence)) = assess(&customer, &other, policy.similarity_threshold, weights) else {
            continue;
        };
        findings.push(finding(FindingKind::VendorDirectAccount, strength, None, Some(account.name.clone()), evidence));
    }

    findings.sort_by(|a, b| {
        b.recommendation
            .cmp(&a.recommendation)
            .then(b.strength.cmp(&a.strength))
            .then(a.kind.severity_rank().cmp(&b.kind.severity_rank()))
            .then(b.score.total_cmp(&a.score))
            .then(a.registration_id.cmp(&b.registration_id))
            .then_with(|| a.named_account.cmp(&b.named_account))
    });
    findings
}

/// The decision for the registration as a whole: the strictest recommendation among the findings, which follows the
/// strongest finding.
pub fn overall(findings: &[Finding]) -> Decision {
    findings.iter().map(|f| f.recommendation).max().unwrap_or(Decision::Approve)
}

/// The strongest finding's strength; None without findings.
pub fn strongest(findings: &[Finding]) -> Option<Strength> {
    findings.iter().map(|f| f.strength).max()
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

    fn protected(name: &str, domain: Option<&str>) -> Registration {
        registration(2, OTHER_PARTNER, name, domain, Status::Approved)
    }

    fn in_country(mut registration: Registration, country: &str) -> Registration {
        registration.country = country.to_owned();
        registration
    }

    fn run(new: &Registration, candidates: &[Registration], accounts: &[NamedAccount]) -> Vec<Finding> {
        check(new, candidates, accounts, &POLICY, &NameWeights::default(), today())
    }

    fn clashes(new: &Registration, candidates: &[Registration]) -> bool {
        !run(new, candidates, &[]).is_empty()
    }

    /// The strength of the strongest clash of `new` with `existing`; None without one.
    fn strength(new: &Registration, existing: &Registration) -> Option<Strength> {
        strongest(&run(new, std::slice::from_ref(existing), &[]))
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
    fn an_ampersand_and_the_word_and_are_dropped() {
        assert_eq!(normalize_name("Johnson & Johnson"), "johnson johnson");
        assert_eq!(normalize_name("Johnson and Johnson"), "johnson johnson");
        assert_eq!(normalize_name("AT&T Inc."), "at t");
    }

    #[test]
    fn a_leading_co_is_part_of_the_name_not_a_legal_form() {
        assert_eq!(normalize_name("Co-operative Bank"), "co operative");
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
        for name in [
            "Acme B.V.",
            "Acme N.V.",
            "Acme S.p.A.",
            "Acme Sp. z o.o.",
            "Acme A/S",
            "Acme Pty. Ltd.",
            "Acme S.A.S.",
            "Acme GmbH & Co. KG",
            "Acme S.A. de C.V.",
            "Acme Sdn. Bhd.",
            "Acme K.K.",
        ] {
            assert_eq!(normalize_name(name), "acme", "{name}");
        }
    }

    /// Descriptors and generic words stay out of the key the candidate search compares, so "Ryanair Holdings plc"
    /// finds "Ryanair" and "Dell Technologies" finds "Dell"; the rule still tells them apart from the same name.
    #[test]
    fn descriptors_and_generic_words_are_left_out_of_the_key() {
        assert_eq!(normalize_name("Acme Group"), "acme");
        assert_eq!(normalize_name("Acme Holdings Ltd"), "acme");
        assert_eq!(normalize_name("Ryanair Holdings plc"), normalize_name("Ryanair"));
        assert_eq!(normalize_name("Dell Technologies Inc."), normalize_name("Dell"));
        assert_eq!(normalize_name("Deutsche Bank AG"), "deutsche bank");
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
    fn a_domain_match_is_definitive_whatever_the_names_say() {
        let new = new_deal("Acme Widgets UK", Some("https://www.acme.co.uk"));
        let candidate =
            registration(2, OTHER_PARTNER, "ACME Holdings plc", Some("sales@eu.acme.co.uk"), Status::Pending);
        let findings = run(&new, &[candidate], &[]);
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.strength, Strength::Definitive);
        assert_eq!(finding.matched_on, vec![Field::Domain, Field::Country, Field::Products]);
        assert_eq!(finding.score, 1.0);
        assert_eq!(finding.evidence[0].detail, r#""acme.co.uk" = "acme.co.uk""#);
        assert_eq!(finding.evidence[2].detail, "shared products: crm, analytics");
    }

    #[test]
    fn the_same_name_in_the_same_country_without_domains_is_definitive() {
        let new = new_deal("Globex Corporation", None);
        let candidate = registration(2, OTHER_PARTNER, "GLOBEX corp.", None, Status::Pending);
        let findings = run(&new, &[candidate], &[]);
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].strength, Strength::Definitive);
        assert_eq!(findings[0].matched_on, vec![Field::Name, Field::Country, Field::Products]);
        assert_eq!(findings[0].evidence[0].detail, r#""globex" ~ "globex" (100%, the same name)"#);
        assert_eq!(findings[0].score, 1.0);
    }

    #[test]
    fn the_issues_same_customers_are_at_least_probable() {
        let siemens = strength(&new_deal("Siemens Aktiengesellschaft", None), &protected("Siemens AG", None));
        assert_eq!(siemens, Some(Strength::Definitive));
        let ryanair = strength(&new_deal("Ryanair Holdings plc", None), &protected("Ryanair", None));
        assert_eq!(ryanair, Some(Strength::Probable), "the same name but for a descriptor");
    }

    #[test]
    fn the_issues_different_customers_are_never_blocked() {
        let umbrella = strength(
            &new_deal("Umbrella Zxcvb Industries Ltd", Some("umbrellazxcvb.com")),
            &protected("Umbrella Qwert Industries", Some("umbrellaqwert.com")),
        );
        assert!(umbrella.is_none_or(|s| !s.blocks_without_override()), "{umbrella:?}");
        for (a, b) in [
            ("Apex Fleet Management", "Apex Field Management"),
            ("Golden Gate Logistics", "Golden State Logistics"),
            ("General Electric", "General Dynamics"),
            ("American Airlines", "American Express"),
        ] {
            assert_eq!(strength(&new_deal(b, None), &protected(a, None)), None, "{a} / {b}");
        }
    }

    #[test]
    fn different_domains_speak_against_one_customer() {
        // The same name in the same country would be definitive; two domains leave it possible, with the domains as
        // evidence against.
        let findings = run(&new_deal("Delta", Some("deltafaucet.com")), &[protected("Delta", Some("delta.com"))], &[]);
        assert_eq!(findings[0].strength, Strength::Possible);
        assert_eq!(findings[0].recommendation, Decision::Approve);
        assert_eq!(findings[0].matched_on, vec![Field::Name, Field::Country, Field::Products]);
        let against = &findings[0].evidence[0];
        assert_eq!((against.field, against.score), (Field::Domain, 0.0));
        assert!(against.detail.contains(r#""deltafaucet.com" ≠ "delta.com""#), "{}", against.detail);
        // Without a name match, two domains are no finding at all.
        assert!(!clashes(&new_deal("Initech", Some("initech.com")), &[protected("Globex", Some("globex.com"))]));
    }

    #[test]
    fn the_same_label_under_another_suffix_speaks_for_one_customer() {
        // Across countries: probable.
        let philips = run(
            &in_country(new_deal("Royal Philips", Some("philips.com")), "US"),
            &[in_country(protected("Philips N.V.", Some("www.philips.nl")), "NL")],
            &[],
        );
        assert_eq!(philips[0].strength, Strength::Probable);
        assert_eq!(philips[0].evidence[0].score, SAME_LABEL_SCORE);
        assert_eq!(philips[0].matched_on, vec![Field::Domain, Field::Name, Field::Products]);
        assert_eq!(philips[0].evidence[2].detail, r#""US" ≠ "NL""#);
        // The same name in the same country under one label: definitive.
        let acme = strength(&new_deal("Acme Ltd", Some("acme.co.uk")), &protected("Acme Inc", Some("acme.com")));
        assert_eq!(acme, Some(Strength::Definitive));
        // Initials under one label: probable.
        let bmw =
            strength(&new_deal("BMW", Some("bmw.de")), &protected("Bayerische Motoren Werke AG", Some("bmw.com")));
        assert_eq!(bmw, Some(Strength::Probable));
        // The label alone, with unrelated names: possible.
        let label = strength(&new_deal("Apex Dental", Some("apex.de")), &protected("Apex Fleet", Some("apex.com")));
        assert_eq!(label, Some(Strength::Possible));
    }

    #[test]
    fn a_different_country_weakens_a_match_on_the_name_alone() {
        let same_country = strength(&new_deal("Siemens AG", None), &protected("Siemens Ltd", None));
        assert_eq!(same_country, Some(Strength::Definitive));
        let abroad = strength(&in_country(new_deal("Siemens AG", None), "DE"), &protected("Siemens Ltd", None));
        assert_eq!(abroad, Some(Strength::Probable));
        let core =
            strength(&in_country(new_deal("Woolworths Group", None), "AU"), &protected("Woolworths Holdings", None));
        assert_eq!(core, Some(Strength::Possible));
        // An unknown country neither supports nor weakens.
        let unknown = strength(&in_country(new_deal("Siemens AG", None), ""), &protected("Siemens Ltd", None));
        assert_eq!(unknown, Some(Strength::Definitive));
    }

    #[test]
    fn a_shared_mail_domain_is_no_evidence() {
        assert!(!clashes(&new_deal("Initech", Some("jane@gmail.com")), &[protected("Globex", Some("gmail.com"))]));
        let findings =
            run(&new_deal("Globex", Some("hotmail.co.uk")), &[protected("Globex Ltd", Some("hotmail.com"))], &[]);
        assert_eq!(findings[0].strength, Strength::Definitive, "the names decide");
        assert_eq!(findings[0].matched_on[0], Field::Name);
    }

    #[test]
    fn generic_words_weigh_little_and_tenant_statistics_weigh_common_words_less() {
        let new = new_deal("Acme Freight", None);
        let existing = protected("Acme Cargo", None);
        // acme 1 shared, of 2 + 2: a half, below the policy's 0.6.
        assert!(!clashes(&new, std::slice::from_ref(&existing)));
        // When most of the tenant's customers are freight and cargo companies, those words say little: acme is what
        // matters. freight and cargo in 600 of 1000 names: ln(1050 / 601) / ln(50) = 0.142625, so acme shared gives
        // 2 / (2 + 2 * 0.142625) = 0.875 (probable).
        let weights = NameWeights::from_document_frequencies(1000, [("acme", 2), ("freight", 600), ("cargo", 600)]);
        let findings = check(&new, &[existing], &[], &POLICY, &weights, today());
        assert_eq!(findings[0].strength, Strength::Probable);
        assert!((findings[0].score - 2.0 / (2.0 + 2.0 * 0.142625)).abs() < 1e-5, "{}", findings[0].score);
    }

    #[test]
    fn disjoint_products_clash_only_when_overlap_is_not_required() {
        let mut new = new_deal("Globex", None);
        new.products = vec!["Payroll".to_owned()];
        let candidate = registration(2, OTHER_PARTNER, "Globex", None, Status::Pending);
        assert!(run(&new, std::slice::from_ref(&candidate), &[]).is_empty());

        let lenient = Policy { require_product_overlap: false, ..POLICY };
        let findings = check(&new, &[candidate], &[], &lenient, &NameWeights::default(), today());
        assert_eq!(findings.len(), 1);
        assert_eq!(findings[0].matched_on, vec![Field::Name, Field::Country]);
    }

    #[test]
    fn products_compare_case_insensitively_and_score_against_the_smaller_set() {
        let mut new = new_deal("Globex", None);
        new.products = vec![" CRM ".to_owned()];
        let candidate = registration(2, OTHER_PARTNER, "Globex", None, Status::Pending);
        let findings = run(&new, &[candidate], &[]);
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
        let findings = run(&new, &[candidate], &[]);
        assert_eq!(findings[0].kind, FindingKind::OtherPartnerProtected);
        assert_eq!(findings[0].recommendation, Decision::Reject);
        assert_eq!(findings[0].reject_reason, Some("duplicate"));
        assert!(findings[0].blocks_approval_without_override());
    }

    #[test]
    fn each_strength_recommends_and_blocks_as_it_should() {
        let definitive = run(&new_deal("Globex", None), &[protected("Globex", None)], &[]);
        let probable = run(&new_deal("Globex Holdings", None), &[protected("Globex", None)], &[]);
        let possible =
            run(&new_deal("Globex", Some("globex.de")), &[protected("Globex", Some("globex-shop.com"))], &[]);
        let cases = [
            (&definitive, Strength::Definitive, Decision::Reject),
            (&probable, Strength::Probable, Decision::Review),
            (&possible, Strength::Possible, Decision::Approve),
        ];
        for (findings, strength, decision) in cases {
            assert_eq!(findings[0].strength, strength);
            assert_eq!(findings[0].recommendation, decision, "{strength:?}");
            assert_eq!(overall(findings), decision, "{strength:?}");
            assert_eq!(findings[0].blocks_approval_without_override(), strength >= Strength::Probable);
        }
        assert!(Strength::Definitive.blocks_even_with_override());
        assert!(!Strength::Probable.blocks_even_with_override());
        assert!(Strength::Probable.blocks_without_override() && !Strength::Possible.blocks_without_override());
        // A pending rival never blocks: the first approval wins.
        let pending =
            run(&new_deal("Globex", None), &[registration(2, OTHER_PARTNER, "Globex", None, Status::Pending)], &[]);
        assert_eq!((pending[0].strength, pending[0].recommendation), (Strength::Definitive, Decision::Review));
        assert!(!pending[0].blocks_approval_without_override());
    }

    #[test]
    fn the_overall_recommendation_follows_the_strongest_finding() {
        let findings = run(
            &new_deal("Globex", Some("globex.de")),
            &[
                protected("Globex", Some("globex-shop.com")),
                registration(3, OTHER_PARTNER, "Globex Holdings", None, Status::Approved),
            ],
            &[],
        );
        assert_eq!(findings.iter().map(|f| f.strength).collect::<Vec<_>>(), [Strength::Probable, Strength::Possible]);
        assert_eq!(strongest(&findings), Some(Strength::Probable));
        assert_eq!(overall(&findings), Decision::Review);
    }

    #[test]
    fn the_same_partner_registering_twice_is_a_duplicate() {
        let new = new_deal("Globex", None);
        let candidate = registration(2, NEW_PARTNER, "Globex Inc", None, Status::Pending);
        let findings = run(&new, &[candidate], &[]);
        assert_eq!(findings[0].kind, FindingKind::SamePartnerDuplicate);
        assert_eq!(findings[0].reject_reason, Some("duplicate"));
        assert_eq!(overall(&findings), Decision::Reject);
    }

    #[test]
    fn another_partners_pending_registration_needs_review() {
        let new = new_deal("Globex", None);
        let candidate = registration(2, OTHER_PARTNER, "Globex", None, Status::Pending);
        let findings = run(&new, &[candidate], &[]);
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
        let findings = run(&new, &[], &accounts);
        assert_eq!(findings.len(), 1);
        let finding = &findings[0];
        assert_eq!(finding.kind, FindingKind::VendorDirectAccount);
        assert_eq!(finding.strength, Strength::Definitive);
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
    fn findings_are_ordered_by_recommendation_strength_and_severity() {
        let new = new_deal("Globex Systems", Some("globex.com"));
        let candidates = [
            registration(2, OTHER_PARTNER, "Globex Systemz", None, Status::Pending),
            registration(3, OTHER_PARTNER, "Globex Systems", None, Status::Pending),
            registration(4, NEW_PARTNER, "Globex Systems", None, Status::Pending),
            registration(5, OTHER_PARTNER, "Other", Some("globex.com"), Status::Approved),
        ];
        let accounts = [NamedAccount { name: "Globex Systems".to_owned(), domain: None }];
        let findings = run(&new, &candidates, &accounts);
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
        // "systemz" is "systems" misspelt: 6/7 of their weights (0.3 and 1); globex 1 on each side.
        let expected = (2.0 + 6.0 / 7.0 * 1.3) / 3.3;
        assert!((findings[4].score - expected).abs() < 1e-9, "{}", findings[4].score);
        assert_eq!(findings[4].strength, Strength::Probable);
    }

    #[test]
    fn no_findings_means_approve() {
        assert_eq!(overall(&[]), Decision::Approve);
        assert_eq!(strongest(&[]), None);
    }

    #[test]
    fn findings_serialise_with_snake_case_names() {
        let new = new_deal("Globex", None);
        let candidate = registration(2, OTHER_PARTNER, "Globex", None, Status::Pending);
        let findings = run(&new, &[candidate], &[]);
        let json = serde_json::to_value(&findings[0]).unwrap();
        assert_eq!(json["kind"], "other_partner_pending");
        assert_eq!(json["strength"], "definitive");
        assert_eq!(json["matched_on"], serde_json::json!(["name", "country", "products"]));
        assert_eq!(json["recommendation"], "review");
        let view = serde_json::to_value(findings[0].partner_view()).unwrap();
        assert_eq!(view["strength"], "definitive");
        assert!(view["own_registration"].is_null());
    }

    #[test]
    fn the_partner_is_told_the_kind_strength_and_fields_without_the_rival() {
        let findings = run(
            &in_country(new_deal("Royal Philips", Some("philips.com")), "US"),
            &[in_country(protected("Philips N.V.", Some("philips.nl")), "NL")],
            &[],
        );
        assert_eq!(
            findings[0].partner_reason(),
            "Another partner holds a protected registration for probably the same customer: the web domain, name and \
             products match."
        );
        let own = run(&new_deal("Globex", None), &[registration(7, NEW_PARTNER, "Globex", None, Status::Pending)], &[]);
        let view = own[0].partner_view();
        assert_eq!(view.own_registration, Some(DealId(Uuid::from_u128(7))));
        assert_eq!(
            view.reason,
            "Your organisation already has an open registration for the same customer: the name, country and \
             products match."
        );
        let account = NamedAccount { name: "Initrode Global".to_owned(), domain: Some("initrode.com".to_owned()) };
        let direct = run(&new_deal("Initrode", Some("sales.initrode.com")), &[], &[account]);
        assert_eq!(
            direct[0].partner_reason(),
            "The vendor's direct sales team works with the same customer as a named account: the web domain and name \
             match."
        );
    }

    #[test]
    fn the_candidate_floor_is_the_policys_threshold_or_lower() {
        assert_eq!(candidate_similarity_floor(&POLICY), 0.4);
        let lenient = Policy { similarity_threshold: 0.3, ..POLICY };
        assert_eq!(candidate_similarity_floor(&lenient), 0.3);
        let strict = Policy { similarity_threshold: 0.9, ..POLICY };
        assert_eq!(candidate_similarity_floor(&strict), 0.4);
    }

    fn company_name() -> impl Strategy<Value = String> {
        "[A-Za-z][A-Za-z &.,'-]{0,30}"
    }

    fn legal_suffix() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec![
            ", Inc.",
            " GmbH",
            " LLC",
            " S.A.",
            " Ltd",
            " Pty Ltd",
            " B.V.",
            " Co.",
            " Aktiengesellschaft",
            " GmbH & Co. KG",
            " S.p.A.",
            " Oy",
            " A/S",
            " K.K.",
            " Pte. Ltd.",
            " Sdn. Bhd.",
            " S.A. de C.V.",
            " Sp. z o.o.",
            " Kft.",
            " plc",
        ])
    }

    fn case_change() -> impl Strategy<Value = fn(&str) -> String> {
        prop::sample::select(vec![str::to_uppercase as fn(&str) -> String, str::to_lowercase, str::to_owned])
    }

    fn domain() -> impl Strategy<Value = Option<String>> {
        prop::option::of("(acme|globex|initech|philips)\\.(com|co\\.uk|de|nl)")
    }

    fn country() -> impl Strategy<Value = &'static str> {
        prop::sample::select(vec!["GB", "DE", ""])
    }

    fn customer(name: &str, domain: &Option<String>, country: &str) -> Registration {
        in_country(new_deal(name, domain.as_deref()), country)
    }

    fn rival(name: &str, domain: &Option<String>, country: &str) -> Registration {
        in_country(protected(name, domain.as_deref()), country)
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
        fn the_strength_is_the_same_whichever_registration_came_first(
            a in company_name(), b in company_name(), da in domain(), db in domain(), ca in country(), cb in country(),
        ) {
            prop_assert_eq!(
                strength(&customer(&a, &da, ca), &rival(&b, &db, cb)),
                strength(&customer(&b, &db, cb), &rival(&a, &da, ca))
            );
        }

        #[test]
        fn legal_suffixes_and_case_never_change_the_strength(
            existing in company_name(),
            name in company_name(),
            suffix in legal_suffix(),
            recase in case_change(),
            domains in (domain(), domain()),
        ) {
            let candidate = rival(&existing, &domains.0, "GB");
            let expected = strength(&customer(&name, &domains.1, "GB"), &candidate);
            let variants = [format!("{name}{suffix}"), recase(&name), recase(&format!("{name}{suffix}"))];
            for variant in variants {
                prop_assert_eq!(strength(&customer(&variant, &domains.1, "GB"), &candidate), expected, "{}", variant);
            }
            // The unchanged name against its own suffixed spelling is the same customer for certain.
            let same = rival(&format!("{name}{suffix}"), &None, "GB");
            prop_assert_eq!(strength(&new_deal(&name, None), &same), Some(Strength::Definitive));
        }

        #[test]
        fn different_registrable_domains_are_never_more_than_possible(
            a in company_name(), b in company_name(), la in "[a-z]{3,8}", lb in "[a-z]{3,8}", ca in country(),
        ) {
            prop_assume!(la != lb);
            let found = strength(&customer(&a, &Some(format!("{la}.com")), ca), &rival(&b, &Some(format!("{lb}.com")), "GB"));
            prop_assert!(found <= Some(Strength::Possible), "{:?}", found);
        }

        #[test]
        fn the_same_registrable_domain_is_always_definitive(a in company_name(), b in company_name(), ca in country()) {
            let domain = Some("acme.co.uk".to_owned());
            prop_assert_eq!(strength(&customer(&a, &domain, ca), &rival(&b, &domain, "DE")), Some(Strength::Definitive));
        }

        #[test]
        fn more_evidence_never_weakens_a_match(
            a in company_name(), b in company_name(), label in "(acme|globex)", ca in country(), cb in country(),
        ) {
            let none = None;
            let bare = strength(&customer(&a, &none, ca), &rival(&b, &none, cb));
            // The same label under other suffixes, then the same registrable domain.
            let (com, de) = (Some(format!("{label}.com")), Some(format!("{label}.de")));
            let labelled = strength(&customer(&a, &com, ca), &rival(&b, &de, cb));
            let same = strength(&customer(&a, &com, ca), &rival(&b, &com, cb));
            prop_assert!(bare <= labelled && labelled <= same, "{:?} {:?} {:?}", bare, labelled, same);
            // The same country instead of another or none.
            let same_country = strength(&customer(&a, &none, "GB"), &rival(&b, &none, "GB"));
            prop_assert!(bare <= same_country, "{:?} {:?}", bare, same_country);
        }

        #[test]
        fn the_partner_reason_never_names_the_rival(
            rival_name in "[A-Z][a-z]{5,10} [A-Z][a-z]{5,10}", domain in domain(),
        ) {
            let existing = protected(&rival_name, domain.as_deref());
            let findings = run(&new_deal(&rival_name, domain.as_deref()), std::slice::from_ref(&existing), &[]);
            prop_assert!(!findings.is_empty());
            for finding in &findings {
                let reason = finding.partner_reason();
                let view = serde_json::to_string(&finding.partner_view()).unwrap();
                for text in [&reason, &view] {
                    prop_assert!(!text.to_lowercase().contains(&rival_name.to_lowercase()[..6]), "{}", text);
                    prop_assert!(!text.contains(&existing.id.to_string()), "{}", text);
                    prop_assert!(domain.as_ref().is_none_or(|d| !text.contains(d.as_str())), "{}", text);
                    prop_assert!(!text.contains('%') && !text.contains('~'), "{}", text);
                }
            }
        }
    }
}
