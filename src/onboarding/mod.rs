//! Onboarding: the tenant's 30-60-90 template and each new partner's checklist copied from it. The partner completes
//! partner-owned items, the CAM CAM-owned ones; items the system can see happen (agreement accepted, users invited,
//! first deal registered) complete themselves (see `app_refresh_onboarding` in the migrations). Every completion and
//! undo lands in the audit log through the table's trigger.

pub mod api;
pub mod pages;
pub mod store;

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::auth::{CurrentUser, Role};
use crate::db::Tx;
use crate::error::{Error, FieldErrors};
use crate::ids::{OnboardingItemId, TemplateItemId};
use crate::validate;
use store::{ItemRow, TemplateItem};

pub const PHASES: [i32; 3] = [30, 60, 90];

/// Who completes an item: the partner's people or its channel account manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Owner {
    Partner,
    Cam,
}

impl Owner {
    pub const ALL: [Owner; 2] = [Owner::Partner, Owner::Cam];

    pub fn as_str(self) -> &'static str {
        match self {
            Owner::Partner => "partner",
            Owner::Cam => "cam",
        }
    }

    pub fn parse(s: &str) -> Option<Owner> {
        Owner::ALL.into_iter().find(|o| o.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Owner::Partner => "Partner",
            Owner::Cam => "CAM",
        }
    }
}

/// What the system sees happen that completes an item by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Auto {
    AgreementAccepted,
    UsersInvited,
    FirstDealRegistered,
}

impl Auto {
    pub const ALL: [Auto; 3] = [Auto::AgreementAccepted, Auto::UsersInvited, Auto::FirstDealRegistered];

    pub fn as_str(self) -> &'static str {
        match self {
            Auto::AgreementAccepted => "agreement_accepted",
            Auto::UsersInvited => "users_invited",
            Auto::FirstDealRegistered => "first_deal_registered",
        }
    }

    pub fn parse(s: &str) -> Option<Auto> {
        Auto::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// When the item completes itself.
    pub fn label(self) -> &'static str {
        match self {
            Auto::AgreementAccepted => "when the partner accepts the current agreement",
            Auto::UsersInvited => "when the partner has invited a second portal user",
            Auto::FirstDealRegistered => "when the partner registers its first deal",
        }
    }
}

pub fn phase_label(phase: i32) -> &'static str {
    match phase {
        30 => "First 30 days",
        60 => "Days 31-60",
        _ => "Days 61-90",
    }
}

/// How far a checklist is, 0-100: the share of its required items done, or of all its items when none is required.
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub items: i64,
    pub done: i64,
    pub required: i64,
    pub required_done: i64,
}

impl Counts {
    pub fn percent(self) -> i64 {
        let (done, of) = if self.required > 0 { (self.required_done, self.required) } else { (self.done, self.items) };
        if of == 0 { 0 } else { done * 100 / of }
    }
}

pub fn percent_complete(items: &[ItemRow]) -> i64 {
    let mut c = Counts::default();
    for i in items {
        let done = i64::from(i.completed_at.is_some());
        c.items += 1;
        c.done += done;
        if i.required {
            c.required += 1;
            c.required_done += done;
        }
    }
    c.percent()
}

pub fn is_overdue(item: &ItemRow, today: NaiveDate) -> bool {
    item.completed_at.is_none() && item.due_on < today
}

/// Whether `user` works this item: partner people their partner's items, the partner's CAM (or a program admin) the
/// CAM's items.
pub fn may_work(user: &CurrentUser, item: &ItemRow) -> bool {
    match user.role {
        Role::PartnerAdmin | Role::PartnerUser => {
            item.owner == Owner::Partner && user.partner_id == Some(item.partner_id)
        }
        Role::Cam => item.owner == Owner::Cam && item.cam_id == Some(user.id),
        Role::ProgramAdmin => item.owner == Owner::Cam,
        Role::ChannelChief => false,
    }
}

#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct CompleteInput {
    /// What was done, for the other side to read.
    #[serde(default)]
    pub note: Option<String>,
}

/// Marks an item done (or, with `done` false, not done again). 404 when the caller may not see the item, 403 when it
/// is the other side's to complete, 409 when it is already so or completes itself.
pub async fn set_done(
    tx: &mut Tx,
    user: &CurrentUser,
    id: OnboardingItemId,
    note: Option<&str>,
    done: bool,
) -> Result<ItemRow, Error> {
    let item = store::item(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    if !may_work(user, &item) {
        let whose = match item.owner {
            Owner::Cam => "the channel account manager",
            Owner::Partner => "the partner",
        };
        return Err(Error::Forbidden(format!("This item is for {whose} to complete.")));
    }
    if let Some(auto) = item.auto {
        return Err(Error::Conflict(format!("This item completes itself {}.", auto.label())));
    }
    let note = note.map(str::trim).filter(|n| !n.is_empty());
    if note.is_some_and(|n| n.chars().count() > 2000) {
        return Err(Error::invalid("note", "Use at most 2000 characters."));
    }
    match (done, item.completed_at.is_some()) {
        (true, true) => return Err(Error::Conflict("This item is already complete.".into())),
        (false, false) => return Err(Error::Conflict("This item is not complete.".into())),
        _ => {}
    }
    store::set_completed(tx, id, Some(user.id), note, done).await?;
    store::item(tx, user.scope(), id).await?.ok_or(Error::NotFound)
}

/// A template item as the program admin edits it: every field as text, checked and named.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct TemplateInput {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub link: String,
    /// 30, 60 or 90.
    #[serde(default)]
    pub phase: String,
    /// partner or cam.
    #[serde(default)]
    pub owner: String,
    /// Days after signing when the item is due.
    #[serde(default)]
    pub due_days: String,
    #[serde(default)]
    pub required: Option<String>,
    /// agreement_accepted, users_invited, first_deal_registered, or empty.
    #[serde(default)]
    pub auto: String,
}

impl TemplateInput {
    pub fn from_item(t: &TemplateItem) -> TemplateInput {
        TemplateInput {
            title: t.title.clone(),
            description: t.description.clone(),
            link: t.link.clone(),
            phase: t.phase.to_string(),
            owner: t.owner.as_str().to_string(),
            due_days: t.due_days.to_string(),
            required: t.required.then(|| "on".into()),
            auto: t.auto.map(|a| a.as_str().to_string()).unwrap_or_default(),
        }
    }

    pub fn parse(&self) -> Result<TemplateItem, Error> {
        let mut errors = FieldErrors::new();
        let title = validate::text(&mut errors, "title", &self.title, 200);
        let description = self.description.trim().to_string();
        if description.chars().count() > 2000 {
            errors.add("description", "Use at most 2000 characters.");
        }
        let link = self.link.trim().to_string();
        if !link.is_empty()
            && (link.len() > 500
                || !(crate::auth::redirect::portal_path(&link).is_some()
                    || url::Url::parse(&link).is_ok_and(|u| matches!(u.scheme(), "http" | "https"))))
        {
            errors.add("link", "Use a page of this portal (/deals/new) or a full https:// address.");
        }
        let phase = match self.phase.trim().parse::<i32>() {
            Ok(p) if PHASES.contains(&p) => p,
            _ => {
                errors.add("phase", "Choose the 30, 60 or 90 day phase.");
                30
            }
        };
        let owner = Owner::parse(self.owner.trim());
        if owner.is_none() {
            errors.add("owner", "Choose who completes it: partner or cam.");
        }
        let due_days = match self.due_days.trim().parse::<i32>() {
            Ok(d) if (0..=365).contains(&d) => d,
            _ => {
                errors.add("due_days", "Enter the number of days after signing, from 0 to 365.");
                0
            }
        };
        let given = Some(self.auto.trim()).filter(|a| !a.is_empty());
        let auto = given.and_then(Auto::parse);
        if given.is_some() && auto.is_none() {
            errors.add("auto", "Choose one of: agreement_accepted, users_invited, first_deal_registered.");
        } else if auto.is_some() && owner != Some(Owner::Partner) {
            errors.add("auto", "Items that complete themselves belong to the partner.");
        }
        errors.into_result()?;
        let owner = owner.unwrap_or(Owner::Partner);
        let required = self.required.as_deref().is_some_and(|r| matches!(r, "on" | "true" | "1"));
        Ok(TemplateItem {
            id: TemplateItemId::default(),
            position: 0,
            title,
            description,
            link,
            phase,
            owner,
            due_days,
            required,
            auto,
        })
    }
}

pub fn today() -> NaiveDate {
    Utc::now().date_naive()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::PartnerId;

    fn item(required: bool, done: bool) -> ItemRow {
        ItemRow {
            id: OnboardingItemId::default(),
            partner_id: PartnerId::default(),
            cam_id: None,
            title: "x".into(),
            description: String::new(),
            link: String::new(),
            phase: 30,
            owner: Owner::Partner,
            due_on: today(),
            required,
            auto: None,
            completed_at: done.then(Utc::now),
            completed_by: None,
            completed_by_name: None,
            note: None,
        }
    }

    #[test]
    fn progress_counts_required_items_only() {
        let items = [item(true, true), item(true, false), item(false, false), item(false, true)];
        assert_eq!(percent_complete(&items), 50);
    }

    #[test]
    fn with_no_required_item_every_item_counts() {
        assert_eq!(percent_complete(&[item(false, true), item(false, false), item(false, false)]), 33);
        assert_eq!(percent_complete(&[]), 0);
    }

    #[test]
    fn a_template_item_names_every_bad_field() {
        let input = TemplateInput {
            title: " ".into(),
            link: "javascript:alert(1)".into(),
            phase: "45".into(),
            owner: "vendor".into(),
            due_days: "-3".into(),
            auto: "magic".into(),
            ..Default::default()
        };
        let Err(Error::Invalid(e)) = input.parse() else { panic!("accepted") };
        for f in ["title", "link", "phase", "owner", "due_days", "auto"] {
            assert!(e.get(f).is_some(), "{f}");
        }
    }

    #[test]
    fn a_path_that_a_browser_would_take_to_another_site_is_not_a_valid_link() {
        for link in ["/%09/evil.example", "/\t/evil.example", "//evil.example", "/\\evil.example"] {
            let input = TemplateInput {
                title: "T".into(),
                link: link.into(),
                phase: "30".into(),
                owner: "partner".into(),
                due_days: "5".into(),
                ..Default::default()
            };
            let Err(Error::Invalid(e)) = input.parse() else { panic!("accepted {link:?}") };
            assert!(e.get("link").is_some(), "{link:?}");
        }
    }

    #[test]
    fn a_portal_path_or_https_address_is_a_valid_link() {
        for link in ["/deals/new", "https://learn.example.com/course"] {
            let input = TemplateInput {
                title: "T".into(),
                link: link.into(),
                phase: "60".into(),
                owner: "cam".into(),
                due_days: "40".into(),
                ..Default::default()
            };
            assert!(input.parse().is_ok(), "{link}");
        }
    }
}
