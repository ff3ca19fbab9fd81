//! Typed ids: one newtype per kind of row, so that a partner's id can never be passed where a deal's is meant. Each
//! is a UUID in the database (`sqlx` transparent), in JSON and in paths (`serde` transparent).

use std::fmt;
use std::str::FromStr;

use uuid::Uuid;

macro_rules! ids {
    ($($(#[$doc:meta])* $name:ident),+ $(,)?) => {$(
        $(#[$doc])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize, sqlx::Type, utoipa::ToSchema,
        )]
        #[serde(transparent)]
        #[sqlx(transparent)]
        #[schema(value_type = String, format = Uuid)]
        pub struct $name(pub Uuid);

        impl $name {
            /// A new random id, for a row about to be inserted.
            pub fn new() -> $name {
                $name(Uuid::new_v4())
            }
        }

        impl Default for $name {
            fn default() -> $name {
                $name(Uuid::nil())
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<$name, uuid::Error> {
                Uuid::from_str(s).map($name)
            }
        }

        impl From<Uuid> for $name {
            fn from(id: Uuid) -> $name {
                $name(id)
            }
        }

        impl From<$name> for Uuid {
            fn from(id: $name) -> Uuid {
                id.0
            }
        }
    )+};
}

ids! {
    /// A tenant: one vendor's partner program.
    TenantId,
    /// A person who signs in: vendor staff or a partner's people.
    UserId,
    /// A signed-in session (one per token).
    SessionId,
    /// A partner organisation.
    PartnerId,
    /// A deal registration.
    DealId,
    /// An application to join the program.
    ApplicationId,
    /// A reviewer's note on an application.
    NoteId,
    /// An item of a partner's onboarding checklist.
    OnboardingItemId,
    /// An item of the tenant's onboarding template.
    TemplateItemId,
    /// An invitation to set a password.
    InvitationId,
    /// A product of the tenant's list.
    ProductId,
    /// A vendor-direct named account.
    NamedAccountId,
    /// A queued email.
    MailId,
    /// An entry of the audit log.
    AuditId,
    /// A market development fund.
    FundId,
    /// A partner's share of a fund.
    AllocationId,
    /// A partner's request for market development funds.
    MdfRequestId,
    /// A partner's claim for reimbursement of an approved MDF request.
    ClaimId,
    /// One line item of an MDF claim.
    ClaimLineId,
    /// A proof-of-performance file attached to a claim line.
    AttachmentId,
    /// One instalment paid on an MDF claim.
    PaymentId,
    /// A partner's quarterly marketing plan.
    PlanId,
    /// One activity of a marketing plan.
    ActivityId,
    /// A kind of certification the program recognises.
    CertificationTypeId,
    /// A partner person's certification.
    CertificationId,
    /// A tier of the program (Registered, Silver, ...).
    TierId,
    /// A requirement of a tier.
    RequirementId,
    /// A partner's joint business plan for a fiscal year.
    BusinessPlanId,
    /// One objective of a business plan.
    ObjectiveId,
    /// An agreed version of a business plan.
    PlanVersionId,
    /// A comment on a business plan.
    PlanCommentId,
    /// A version of the tenant's capability questionnaire.
    QuestionnaireId,
    /// A question of a capability questionnaire version.
    QuestionId,
    /// A partner's capability assessment for a quarter.
    AssessmentId,
    /// A partner's goal for a capability topic.
    CapabilityGoalId,
    /// A task of a partner's capability action plan.
    CapabilityTaskId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_id_reads_and_writes_as_its_uuid_in_json_and_text() {
        let id = DealId::new();
        let json = serde_json::to_string(&id).unwrap();
        assert_eq!(json, format!("\"{}\"", id.0));
        assert_eq!(serde_json::from_str::<DealId>(&json).unwrap(), id);
        assert_eq!(id.to_string().parse::<DealId>().unwrap(), id);
        assert!("not-an-id".parse::<PartnerId>().is_err());
    }
}
