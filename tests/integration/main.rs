//! The integration suite: one binary, every test through the real router on a real PostgreSQL.

mod support;

mod auth;
mod browser;
mod capability;
mod certifications;
mod cli;
mod deals;
mod fresh_pages;
mod mail;
mod mdf;
mod mdf_claims;
mod mdf_pages;
mod ops;
mod partners;
mod plans;
mod plans_overview;
mod recruitment;
mod schema;
mod security;
mod tenancy;
mod tier_settings;
mod tiers;
mod users;
mod vocabularies;
mod workspace;
