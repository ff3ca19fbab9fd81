//! Field checks shared by forms and the API. Each adds a message per invalid field to a `FieldErrors`.

use crate::error::FieldErrors;

/// A trimmed, required text of at most `max` characters.
pub fn text(errors: &mut FieldErrors, field: &str, value: &str, max: usize) -> String {
    let v = value.trim();
    if v.is_empty() {
        errors.add(field, "This field is required.");
    } else if v.chars().count() > max {
        errors.add(field, format!("Use at most {max} characters."));
    }
    v.to_string()
}

/// A required email address, lowercased.
pub fn email(errors: &mut FieldErrors, field: &str, value: &str) -> String {
    let v = value.trim().to_lowercase();
    if v.is_empty() {
        errors.add(field, "Enter an email address.");
    } else if !is_email(&v) {
        errors.add(field, "Enter an email address like name@example.com.");
    }
    v
}

pub fn is_email(v: &str) -> bool {
    let Some((local, domain)) = v.split_once('@') else {
        return false;
    };
    v.len() <= 254
        && !local.is_empty()
        && local.len() <= 64
        && !domain.contains('@')
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains("..")
        && v.chars().all(|c| c.is_ascii_graphic() || !c.is_ascii())
}

/// A required ISO 3166-1 alpha-2 country code, uppercased.
pub fn country(errors: &mut FieldErrors, field: &str, value: &str) -> String {
    let v = value.trim().to_uppercase();
    if v.is_empty() {
        errors.add(field, "Choose a country.");
    } else if !crate::countries::is_country(&v) {
        errors.add(field, "Use a two-letter ISO 3166-1 country code, such as DE or US.");
    }
    v
}

/// An optional id (a UUID, typed by the caller: `PartnerId`, `UserId`, …); `None` when empty, a message when
/// malformed.
pub fn optional_id<Id: From<uuid::Uuid>>(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<Id> {
    let v = value.map(str::trim).filter(|v| !v.is_empty())?;
    match uuid::Uuid::parse_str(v) {
        Ok(id) => Some(Id::from(id)),
        Err(_) => {
            errors.add(field, "This is not a valid id.");
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinary_addresses_are_emails() {
        assert!(is_email("anna.schmidt@example.co.uk"));
        assert!(is_email("a+tag@x.io"));
    }

    #[test]
    fn malformed_addresses_are_not_emails() {
        for bad in ["", "plain", "@example.com", "a@b", "a@.com", "a@b..com", "a b@c.com", "a@b@c.com", "a@com."] {
            assert!(!is_email(bad), "{bad}");
        }
    }

    #[test]
    fn required_text_names_the_field_when_blank_or_too_long() {
        let mut e = FieldErrors::new();
        text(&mut e, "name", "   ", 10);
        text(&mut e, "region", "abcdefghijk", 10);
        assert!(e.get("name").is_some());
        assert!(e.get("region").is_some());
    }
}
