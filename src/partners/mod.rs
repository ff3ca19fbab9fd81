//! Partners: the resellers and integrators of a tenant's program, each with a tier, a region, a life-stage and the
//! CAM assigned to them. A CAM sees only assigned partners; a partner user only its own org.

pub mod api;
pub mod pages;
pub mod store;

pub const REGIONS: [&str; 4] = ["NA", "LATAM", "EMEA", "APAC"];

pub fn tier_label(tier: &str) -> String {
    let mut c = tier.chars();
    c.next().map(|f| f.to_uppercase().collect::<String>() + c.as_str()).unwrap_or_default()
}

/// Where a partner stands in the program.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum LifeStage {
    Applicant,
    Onboarding,
    Activated,
    Producing,
    Lapsed,
}

impl LifeStage {
    pub const ALL: [LifeStage; 5] =
        [LifeStage::Applicant, LifeStage::Onboarding, LifeStage::Activated, LifeStage::Producing, LifeStage::Lapsed];

    pub fn as_str(self) -> &'static str {
        match self {
            LifeStage::Applicant => "applicant",
            LifeStage::Onboarding => "onboarding",
            LifeStage::Activated => "activated",
            LifeStage::Producing => "producing",
            LifeStage::Lapsed => "lapsed",
        }
    }

    pub fn parse(s: &str) -> Option<LifeStage> {
        LifeStage::ALL.into_iter().find(|l| l.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            LifeStage::Applicant => "Applicant",
            LifeStage::Onboarding => "Onboarding",
            LifeStage::Activated => "Activated",
            LifeStage::Producing => "Producing",
            LifeStage::Lapsed => "Lapsed",
        }
    }

    /// The badge colour, so that the same stage looks the same on every page.
    pub fn badge(self) -> &'static str {
        match self {
            LifeStage::Applicant => "badge-gray",
            LifeStage::Onboarding => "badge-blue",
            LifeStage::Activated => "badge-teal",
            LifeStage::Producing => "badge-green",
            LifeStage::Lapsed => "badge-red",
        }
    }
}

pub fn tier_badge(tier: &str) -> &'static str {
    match tier {
        "platinum" => "badge-purple",
        "gold" => "badge-yellow",
        "silver" => "badge-gray",
        _ => "badge-blue",
    }
}

use serde::{Deserialize, Deserializer, Serialize};

use crate::auth::CurrentUser;
use crate::db::Tx;
use crate::error::{Error, FieldErrors, violates};
use crate::ids::{PartnerId, UserId};
use crate::validate;
use store::{NewPartner, PartnerChange};

#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct PartnerInput {
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: String,
    /// ISO 3166-1 alpha-2.
    #[serde(default)]
    #[schema(required = true, pattern = "^[A-Za-z]{2}$")]
    pub country: String,
    /// A sales region, such as NA, LATAM, EMEA or APAC.
    #[serde(default)]
    #[schema(required = true, min_length = 1, max_length = 60, pattern = r"\S")]
    pub region: String,
    /// A tier's code (`GET /api/v1/tiers`); the program's entry tier by default.
    #[serde(default)]
    pub tier: Option<String>,
    /// A CAM's user id.
    #[serde(default)]
    pub cam_id: Option<String>,
    /// onboarding by default.
    #[serde(default)]
    #[schema(value_type = Option<LifeStage>)]
    pub life_stage: Option<String>,
}

/// A partial change; `"cam_id": null` unassigns the CAM.
#[derive(Debug, Default, Clone, Deserialize, utoipa::ToSchema)]
pub struct PartnerPatch {
    #[serde(default)]
    #[schema(min_length = 1, max_length = 200, pattern = r"\S")]
    pub name: Option<String>,
    #[serde(default)]
    #[schema(pattern = "^[A-Za-z]{2}$")]
    pub country: Option<String>,
    #[serde(default)]
    #[schema(min_length = 1, max_length = 60, pattern = r"\S")]
    pub region: Option<String>,
    /// A tier's code (`GET /api/v1/tiers`).
    #[serde(default)]
    pub tier: Option<String>,
    #[serde(default, deserialize_with = "present")]
    #[schema(value_type = Option<String>)]
    pub cam_id: Option<Option<String>>,
    #[serde(default)]
    #[schema(value_type = Option<LifeStage>)]
    pub life_stage: Option<String>,
}

/// Tells a field given as `null` (Some(None)) from a field left out (None).
fn present<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Option<String>>, D::Error> {
    Ok(Some(Option::deserialize(d)?))
}

fn check_choice(errors: &mut FieldErrors, field: &str, value: &str, allowed: &[&str]) {
    if !allowed.contains(&value) {
        errors.add(field, format!("Choose one of: {}.", allowed.join(", ")));
    }
}

fn check_stage(errors: &mut FieldErrors, value: &str) -> LifeStage {
    LifeStage::parse(value).unwrap_or_else(|| {
        let all: Vec<&str> = LifeStage::ALL.iter().map(|l| l.as_str()).collect();
        check_choice(errors, "life_stage", value, &all);
        LifeStage::Onboarding
    })
}

/// A tier of the tenant's program (`tiers`), by code.
async fn check_tier(tx: &mut Tx, errors: &mut FieldErrors, value: &str) -> Result<(), Error> {
    let codes = crate::tiers::store::codes(tx).await?;
    let allowed: Vec<&str> = codes.iter().map(String::as_str).collect();
    check_choice(errors, "tier", value, &allowed);
    Ok(())
}

async fn check_cam(tx: &mut Tx, errors: &mut FieldErrors, raw: Option<&str>) -> Result<Option<UserId>, Error> {
    let cam = validate::optional_id(errors, "cam_id", raw);
    if let Some(id) = cam {
        if !store::is_cam(tx, id).await? {
            errors.add("cam_id", "This user is not an active channel account manager.");
        }
    }
    Ok(cam)
}

fn name_taken(e: sqlx::Error) -> Error {
    if violates(&e, "partners_name_key") {
        Error::invalid("name", "A partner with this name already exists.")
    } else {
        e.into()
    }
}

pub async fn create(tx: &mut Tx, actor: &CurrentUser, input: PartnerInput) -> Result<PartnerId, Error> {
    let mut errors = FieldErrors::new();
    let name = validate::text(&mut errors, "name", &input.name, 200);
    let country = validate::country(&mut errors, "country", &input.country);
    let region = validate::text(&mut errors, "region", &input.region, 60);
    let tier = match input.tier {
        Some(t) => t,
        None => crate::tiers::store::entry_code(tx).await?.unwrap_or_else(|| "registered".into()),
    };
    check_tier(tx, &mut errors, &tier).await?;
    let life_stage = input.life_stage.map_or(LifeStage::Onboarding, |s| check_stage(&mut errors, &s));
    let cam_id = check_cam(tx, &mut errors, input.cam_id.as_deref()).await?;
    errors.into_result()?;
    let new = NewPartner {
        tenant_id: actor.tenant_id,
        name: &name,
        country: &country,
        region: &region,
        tier: &tier,
        cam_id,
        life_stage,
    };
    store::insert(tx, new).await.map_err(name_taken)
}

pub async fn change(tx: &mut Tx, id: PartnerId, patch: PartnerPatch) -> Result<(), Error> {
    let mut errors = FieldErrors::new();
    let mut change = PartnerChange::default();
    if let Some(n) = &patch.name {
        change.name = Some(validate::text(&mut errors, "name", n, 200));
    }
    if let Some(c) = &patch.country {
        change.country = Some(validate::country(&mut errors, "country", c));
    }
    if let Some(r) = &patch.region {
        change.region = Some(validate::text(&mut errors, "region", r, 60));
    }
    if let Some(t) = patch.tier {
        check_tier(tx, &mut errors, &t).await?;
        change.tier = Some(t);
    }
    if let Some(s) = patch.life_stage {
        change.life_stage = Some(check_stage(&mut errors, &s));
    }
    if let Some(cam) = patch.cam_id {
        change.cam_id = Some(check_cam(tx, &mut errors, cam.as_deref()).await?);
    }
    errors.into_result()?;
    let new_tier = change.tier.clone();
    let old_tier = match &new_tier {
        Some(_) => crate::tiers::store::tier_of(tx, id).await?,
        None => None,
    };
    if !store::update(tx, id, change).await.map_err(name_taken)? {
        return Err(Error::NotFound);
    }
    if let (Some(from), Some(to)) = (old_tier, new_tier) {
        crate::tiers::tier_set_by_admin(tx, id, &from, &to).await?;
    }
    Ok(())
}
