//! The program's own vocabularies: the industry verticals and services that partners choose from on the application
//! form and that the ideal partner profile targets. The program admin edits them; an entry taken off a list is
//! retired rather than deleted, so applications keep the entries they were scored with.
//!
//! People and scripts may give an entry by its code or its label, matched ignoring case, spaces, hyphens and
//! underscores ("Managed services", "managed_services", "MANAGED-SERVICES").

pub mod api;
pub mod pages;
pub mod store;

use serde::{Deserialize, Serialize};

use crate::error::FieldErrors;
use crate::rules::fit_score;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Vertical,
    Service,
}

impl Kind {
    pub const ALL: [Kind; 2] = [Kind::Vertical, Kind::Service];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Vertical => "vertical",
            Kind::Service => "service",
        }
    }

    /// The name of the list in the API's paths and fields: "verticals", "services".
    pub fn plural(self) -> &'static str {
        match self {
            Kind::Vertical => "verticals",
            Kind::Service => "services",
        }
    }

    pub fn from_plural(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.plural() == s)
    }

    #[cfg(test)]
    fn defaults(self) -> &'static [(&'static str, &'static str)] {
        match self {
            Kind::Vertical => fit_score::DEFAULT_VERTICALS,
            Kind::Service => fit_score::DEFAULT_SERVICES,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Entry {
    pub code: String,
    pub label: String,
    /// False once taken off the list: no longer offered, still the label of what was chosen with it.
    pub active: bool,
}

/// One list, in the order the program admin gave it.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabulary {
    pub entries: Vec<Entry>,
}

/// How codes and labels are compared: lowercase, without whitespace, hyphens and underscores.
pub fn match_key(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace() && *c != '-' && *c != '_').flat_map(char::to_lowercase).collect()
}

/// A code made from a label: "Transportation & logistics" → "transportation_logistics".
pub fn code_from_label(label: &str) -> String {
    let mut code = String::new();
    for word in label.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
        if !code.is_empty() {
            code.push('_');
        }
        code.push_str(&word.to_ascii_lowercase());
    }
    code.chars().take(40).collect::<String>().trim_end_matches('_').to_string()
}

impl Vocabulary {
    pub fn active(&self) -> impl Iterator<Item = &Entry> {
        self.entries.iter().filter(|e| e.active)
    }

    /// (code, label) of every entry, retired ones included.
    pub fn labels(&self) -> Vec<(String, String)> {
        self.entries.iter().map(|e| (e.code.clone(), e.label.clone())).collect()
    }

    pub fn label_of<'a>(&'a self, code: &'a str) -> &'a str {
        self.entries.iter().find(|e| e.code == code).map_or(code, |e| e.label.as_str())
    }

    /// The offered entry `given` names, by code or label.
    pub fn resolve(&self, given: &str) -> Option<&Entry> {
        let key = match_key(given);
        self.active().find(|e| match_key(&e.code) == key || match_key(&e.label) == key)
    }

    /// The codes of `given` (codes or labels), without duplicates; an unknown entry is named in `errors` under
    /// `field` with the choices listed. With `required`, an empty list is an error too.
    pub fn choose(
        &self,
        errors: &mut FieldErrors,
        field: &str,
        what: &str,
        given: &[String],
        required: bool,
    ) -> Vec<String> {
        let mut codes: Vec<String> = Vec::new();
        let mut unknown = Vec::new();
        for g in given.iter().map(|g| g.trim()).filter(|g| !g.is_empty()) {
            match self.resolve(g) {
                Some(e) if !codes.contains(&e.code) => codes.push(e.code.clone()),
                Some(_) => {}
                None => unknown.push(format!("{g:?}")),
            }
        }
        if !unknown.is_empty() {
            let choices: Vec<&str> = self.active().map(|e| e.label.as_str()).collect();
            errors.add(field, format!("Unknown {what}: {}. Choose from: {}.", unknown.join(", "), choices.join(", ")));
        } else if required && codes.is_empty() {
            errors.add(field, format!("Choose at least one {what}."));
        }
        codes
    }
}

/// A program's verticals and services.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Vocabularies {
    pub verticals: Vocabulary,
    pub services: Vocabulary,
}

impl Vocabularies {
    /// The lists a new program is seeded with.
    #[cfg(test)]
    pub fn defaults() -> Vocabularies {
        let list = |kind: Kind| Vocabulary {
            entries: kind
                .defaults()
                .iter()
                .map(|(c, l)| Entry { code: c.to_string(), label: l.to_string(), active: true })
                .collect(),
        };
        Vocabularies { verticals: list(Kind::Vertical), services: list(Kind::Service) }
    }

    pub fn get(&self, kind: Kind) -> &Vocabulary {
        match kind {
            Kind::Vertical => &self.verticals,
            Kind::Service => &self.services,
        }
    }

    /// The labels the fit score names entries by.
    pub fn fit_labels(&self) -> fit_score::Labels {
        fit_score::Labels { verticals: self.verticals.labels(), services: self.services.labels() }
    }
}

/// One entry of an edited list.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
pub struct EntryInput {
    /// Lowercase letters, digits and underscores, up to 40; made from the label when left out.
    #[serde(default)]
    pub code: Option<String>,
    pub label: String,
}

/// Checks an edited list against the list as it is (`current`, retired entries included): codes well formed, labels
/// 1 to 80 characters, no two entries alike by code or label, and no label of a retired entry under another code.
/// Returns (code, label) in order; errors under `field`, naming the line.
pub fn validate_list(
    errors: &mut FieldErrors,
    field: &str,
    current: &Vocabulary,
    given: &[EntryInput],
) -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = Vec::new();
    for (i, e) in given.iter().enumerate() {
        let n = i + 1;
        let label = e.label.trim().to_string();
        let code = match e.code.as_deref().map(str::trim).filter(|c| !c.is_empty()) {
            Some(c) => c.to_string(),
            None => code_from_label(&label),
        };
        let well_formed = code.len() <= 40
            && code.chars().next().is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
            && code.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
        if label.is_empty() || label.chars().count() > 80 {
            errors.add(field, format!("Entry {n}: give a label of 1 to 80 characters."));
        } else if !well_formed {
            errors.add(field, format!("Entry {n}: a code is lowercase letters, digits and underscores, up to 40."));
        } else if out
            .iter()
            .any(|(c, l)| *c == code || match_key(l) == match_key(&label) || match_key(c) == match_key(&label))
        {
            errors.add(field, format!("Entry {n}: {label:?} appears twice."));
        } else if let Some(old) =
            current.entries.iter().find(|o| o.code != code && match_key(&o.label) == match_key(&label))
        {
            errors.add(field, format!("Entry {n}: {label:?} is the label of {:?}; use that code.", old.code));
        } else {
            out.push((code, label));
        }
    }
    if out.is_empty() && errors.get(field).is_none() {
        errors.add(field, "Keep at least one entry.");
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocabulary(entries: &[(&str, &str, bool)]) -> Vocabulary {
        Vocabulary {
            entries: entries
                .iter()
                .map(|(c, l, a)| Entry { code: c.to_string(), label: l.to_string(), active: *a })
                .collect(),
        }
    }

    #[test]
    fn an_entry_is_found_by_code_or_label_whatever_the_case_and_spaces() {
        let v = vocabulary(&[("managed_services", "Managed services", true), ("resale", "Resale", true)]);
        for given in ["managed_services", "Managed services", "MANAGED-SERVICES", " managed  services "] {
            assert_eq!(v.resolve(given).map(|e| e.code.as_str()), Some("managed_services"), "{given}");
        }
        assert_eq!(v.resolve("managed"), None);
    }

    #[test]
    fn a_retired_entry_is_not_offered_but_keeps_its_label() {
        let v = vocabulary(&[("telecom", "Telecommunications", false), ("retail", "Retail", true)]);
        assert_eq!(v.resolve("telecom"), None);
        assert_eq!(v.label_of("telecom"), "Telecommunications");
        let mut errors = FieldErrors::new();
        v.choose(&mut errors, "verticals", "vertical", &["Telecommunications".into()], true);
        let message = errors.get("verticals").unwrap();
        assert!(message.contains("\"Telecommunications\"") && message.contains("Choose from: Retail."), "{message}");
    }

    #[test]
    fn choosing_names_every_unknown_entry_and_drops_duplicates() {
        let v = vocabulary(&[("resale", "Resale", true), ("training", "Training", true)]);
        let mut errors = FieldErrors::new();
        let codes = v.choose(&mut errors, "services", "service", &["Resale".into(), "resale".into()], true);
        assert_eq!(codes, ["resale"]);
        assert!(errors.is_empty());
        v.choose(&mut errors, "services", "service", &["Gaming".into(), "Bowling".into()], true);
        assert!(errors.get("services").unwrap().contains("\"Gaming\", \"Bowling\""));
        let mut errors = FieldErrors::new();
        v.choose(&mut errors, "services", "service", &[], true);
        assert!(errors.get("services").is_some());
    }

    #[test]
    fn codes_are_made_from_labels() {
        assert_eq!(code_from_label("Transportation & logistics"), "transportation_logistics");
        assert_eq!(code_from_label("  Installation "), "installation");
    }

    #[test]
    fn an_edited_list_is_checked_line_by_line() {
        let current = vocabulary(&[("telecom", "Telecommunications", false)]);
        let input = |c: Option<&str>, l: &str| EntryInput { code: c.map(str::to_string), label: l.to_string() };
        let mut errors = FieldErrors::new();
        let list = validate_list(
            &mut errors,
            "verticals",
            &current,
            &[input(None, "Transportation & logistics"), input(Some("telecom"), "Telecoms")],
        );
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(list[0], ("transportation_logistics".to_string(), "Transportation & logistics".to_string()));
        for bad in [
            vec![input(Some("Bad Code"), "Fine")],
            vec![input(None, "")],
            vec![input(None, "Retail"), input(Some("shops"), "RETAIL")],
            vec![input(Some("telco"), "Telecommunications")],
            vec![],
        ] {
            let mut errors = FieldErrors::new();
            validate_list(&mut errors, "verticals", &current, &bad);
            assert!(errors.get("verticals").is_some(), "{bad:?}");
        }
    }

    #[test]
    fn the_defaults_are_what_a_new_program_is_seeded_with() {
        // The migration seeds vocabulary_entries with these lists, in this order.
        let sql = include_str!("../../migrations/0033_vocabularies.sql");
        for kind in Kind::ALL {
            for (i, (code, label)) in kind.defaults().iter().enumerate() {
                let row = format!("('{}', '{code}', '{label}', {})", kind.as_str(), i + 1);
                assert!(sql.contains(&row), "{row}");
            }
        }
    }
}
