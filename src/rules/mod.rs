//! Pure domain rules: no I/O, explainable results, unit- and property-tested.

pub mod cam_assignment;
pub mod capability;
pub mod company_names;
pub mod company_pairs;
pub mod deal_conflict;
pub mod fit_score;
pub mod life_stage;
pub mod mdf;
pub mod scorecard;
pub mod tier_progression;
