//! Tributary: a multi-tenant partner relationship management server. `app` builds the router that `main` serves and
//! the tests drive.

pub mod agreement;
pub mod api;
pub mod audit;
pub mod auth;
pub mod capability;
pub mod certifications;
pub mod config;
pub mod countries;
pub mod db;
pub mod deals;
pub mod demo;
pub mod error;
pub mod home;
pub mod ids;
pub mod jobs;
pub mod mdf;
pub mod onboarding;
pub mod openapi;
pub mod ops;
pub mod outbox;
pub mod partners;
pub mod plans;
pub mod program;
pub mod recruitment;
pub mod rules;
pub mod server;
pub mod tenants;
pub mod tiers;
pub mod users;
pub mod validate;
pub mod vocabularies;
pub mod web;

use std::ops::Deref;
use std::sync::Arc;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, HeaderValue, StatusCode, header};
use axum::middleware::{from_fn, from_fn_with_state};
use axum::routing::get;
use sqlx::PgPool;
use tower::ServiceBuilder;
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::TraceLayer;

use crate::auth::token::Keys;
use crate::config::Config;

/// Largest request body accepted (forms and JSON).
pub const BODY_LIMIT: usize = 1024 * 1024;
pub const REQUEST_TIMEOUT: Duration = Duration::from_secs(30);

#[derive(Clone)]
pub struct AppState(Arc<StateInner>);

pub struct StateInner {
    pub pool: PgPool,
    pub keys: Keys,
    /// Where people reach this server, used in emailed links and for the Origin check.
    pub base_url: String,
    pub secure_cookies: bool,
    /// Whether mail leaves the outbox by SMTP (otherwise it stays there for program admins to read).
    pub smtp_enabled: bool,
    /// Peers trusted to name the client in `X-Forwarded-For` / `Forwarded`.
    pub trusted_proxies: Vec<auth::client::Cidr>,
    /// The bound on password hashes running at once.
    pub hashing: auth::password::Hashing,
}

impl Deref for AppState {
    type Target = StateInner;
    fn deref(&self) -> &StateInner {
        &self.0
    }
}

impl AppState {
    pub fn new(pool: PgPool, config: &Config, base_url: String) -> AppState {
        let secure_cookies = base_url.starts_with("https://");
        AppState(Arc::new(StateInner {
            pool,
            keys: Keys::new(&config.secret),
            base_url,
            secure_cookies,
            smtp_enabled: config.smtp_url.is_some(),
            trusted_proxies: config.trusted_proxies.clone(),
            hashing: auth::password::Hashing::for_this_machine(),
        }))
    }

    /// The same state with another bound on password hashing (tests make it small to see it hold).
    pub fn with_hashing(self, hashing: auth::password::Hashing) -> AppState {
        let mut inner = Arc::try_unwrap(self.0).unwrap_or_else(|_| panic!("with_hashing on a state already shared"));
        inner.hashing = hashing;
        AppState(Arc::new(inner))
    }
}

/// The whole HTTP surface: operations endpoints, the JSON API under `/api/v1`, and the pages.
pub fn app(state: AppState) -> Router {
    let api = Router::new()
        .merge(auth::routes::api())
        .merge(users::api::routes())
        .merge(partners::api::routes())
        .merge(outbox::routes::api())
        .merge(deals::api::routes())
        .merge(recruitment::api::routes())
        .merge(onboarding::api::routes())
        .merge(agreement::api::routes())
        .merge(vocabularies::api::routes())
        .merge(mdf::api::routes())
        .merge(mdf::claims_api::routes())
        .merge(certifications::api::routes())
        .merge(plans::api::routes())
        .merge(capability::api::routes())
        .merge(tiers::api::routes())
        .merge(mdf::plans_api::routes())
        .merge(mdf::finance_api::routes())
        .route("/openapi.json", get(openapi::document))
        .fallback(web::error_pages::not_found);

    let pages = Router::new()
        .merge(auth::routes::pages())
        .merge(home::routes())
        .merge(users::pages::routes())
        .merge(users::profile::routes())
        .merge(partners::pages::routes())
        .merge(outbox::routes::pages())
        .merge(audit::pages::routes())
        .merge(deals::pages::routes())
        .merge(deals::policy::routes())
        .merge(recruitment::pages::routes())
        .merge(onboarding::pages::routes())
        .merge(agreement::pages::routes())
        .merge(program::routes())
        .merge(vocabularies::pages::routes())
        .merge(mdf::pages::routes())
        .merge(mdf::claim_pages::routes())
        .merge(certifications::pages::routes())
        .merge(plans::pages::routes())
        .merge(capability::pages::routes())
        .merge(tiers::pages::routes())
        .merge(mdf::plan_pages::routes())
        .merge(mdf::fund_pages::routes())
        .fallback(web::error_pages::not_found)
        .layer(from_fn(web::in_reader_zone))
        .layer(from_fn_with_state(state.clone(), auth::csrf::protect_forms))
        .layer(from_fn(web::error_pages::render));

    let routes = Router::new()
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/static/app.css", get(web::assets::stylesheet))
        .nest("/api/v1", api)
        .merge(pages)
        .with_state(state.clone());
    // The layers wrap the router once rather than each of its routes: a route's service is cloned for every request
    // it serves, and with the whole stack on each route that clone had been a sixth of a partner home's own work.
    let x_request_id = HeaderName::from_static("x-request-id");
    let layered = ServiceBuilder::new()
        .layer(SetRequestIdLayer::new(x_request_id.clone(), MakeRequestUuid))
        .layer(TraceLayer::new_for_http().make_span_with(ops::request_span))
        .layer(PropagateRequestIdLayer::new(x_request_id))
        .layer(security_header(header::REFERRER_POLICY, "same-origin"))
        .layer(security_header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(security_header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(security_header(header::CONTENT_SECURITY_POLICY, ops::CONTENT_SECURITY_POLICY))
        .layer(TimeoutLayer::with_status_code(StatusCode::REQUEST_TIMEOUT, REQUEST_TIMEOUT))
        .layer(DefaultBodyLimit::max(BODY_LIMIT))
        .layer(from_fn_with_state(state, auth::csrf::verify_origin))
        .service(routes);
    Router::new().fallback_service(layered)
}

fn security_header(name: HeaderName, value: &'static str) -> SetResponseHeaderLayer<HeaderValue> {
    SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
}
