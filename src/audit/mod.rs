//! The audit log: written by the database on every change to a business row (see the `audit_row_change` trigger),
//! read here for the program admin.

pub mod pages;
pub mod store;

use chrono::{DateTime, Utc};
use uuid::Uuid;

pub use store::recent;

/// One change, as the `audit_row_change` trigger recorded it. `entity_type` is the changed table's name and `action`
/// `table.operation`: open sets (every audited table), read for display only.
#[derive(Debug, Clone)]
pub struct AuditEntry {
    pub at: DateTime<Utc>,
    pub actor_name: Option<String>,
    pub action: String,
    pub entity_type: String,
    /// The changed row's id, of whichever kind its table holds.
    pub entity_id: Option<Uuid>,
    pub before: Option<serde_json::Value>,
    pub after: Option<serde_json::Value>,
}

impl AuditEntry {
    /// "Partner updated", "User created", …
    pub fn describe(&self) -> String {
        let thing = match self.entity_type.as_str() {
            "users" => "User",
            "partners" => "Partner",
            "invitations" => "Invitation",
            "deals" => "Deal registration",
            "products" => "Product",
            "named_accounts" => "Named account",
            "deal_policies" => "Deal policy",
            other => other,
        };
        let verb = match self.action.rsplit('.').next().unwrap_or("") {
            "insert" => "created",
            "update" => "updated",
            "delete" => "deleted",
            other => other,
        };
        format!("{thing} {verb}")
    }

    /// The changed fields, `field: before → after`, or the new record's name for a creation.
    pub fn changes(&self) -> String {
        let show = |v: Option<&serde_json::Value>| match v {
            None | Some(serde_json::Value::Null) => "—".to_string(),
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(other) => other.to_string(),
        };
        match (&self.before, &self.after) {
            (Some(serde_json::Value::Object(b)), Some(serde_json::Value::Object(a)))
                if self.action.ends_with("update") =>
            {
                a.iter()
                    .map(|(k, v)| format!("{k}: {} → {}", show(b.get(k)), show(Some(v))))
                    .collect::<Vec<_>>()
                    .join("; ")
            }
            (_, Some(serde_json::Value::Object(a))) => {
                let name = a.get("name").or_else(|| a.get("email"));
                name.map(|n| show(Some(n))).unwrap_or_default()
            }
            (Some(serde_json::Value::Object(b)), None) => b.get("name").map(|n| show(Some(n))).unwrap_or_default(),
            _ => String::new(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn entry(action: &str, before: Option<serde_json::Value>, after: Option<serde_json::Value>) -> AuditEntry {
        AuditEntry {
            at: Utc::now(),
            actor_name: None,
            action: action.into(),
            entity_type: "partners".into(),
            entity_id: None,
            before,
            after,
        }
    }

    #[test]
    fn an_update_reads_as_before_and_after_per_field() {
        let e = entry("partners.update", Some(json!({"tier": "silver"})), Some(json!({"tier": "gold"})));
        assert_eq!(e.describe(), "Partner updated");
        assert_eq!(e.changes(), "tier: silver → gold");
    }

    #[test]
    fn a_creation_reads_as_the_new_name() {
        let e = entry("partners.insert", None, Some(json!({"name": "Acme", "tier": "gold"})));
        assert_eq!(e.describe(), "Partner created");
        assert_eq!(e.changes(), "Acme");
    }
}
