//! The OpenAPI document, generated from the handlers' annotations and served at `/api/v1/openapi.json`.

use axum::Json;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

#[derive(OpenApi)]
#[openapi(
    info(title = "Tributary API", description = "Partner relationship management: partners, users, deal registration, onboarding."),
    paths(
        crate::auth::routes::api_login,
        crate::auth::routes::api_logout,
        crate::auth::routes::api_me,
        crate::users::api::list,
        crate::users::api::show,
        crate::users::api::create,
        crate::users::api::deactivate,
        crate::users::api::accept,
        crate::partners::api::list,
        crate::partners::api::show,
        crate::partners::api::create,
        crate::partners::api::update,
        crate::outbox::routes::list,
        crate::deals::api::create,
        crate::deals::api::list,
        crate::deals::api::show,
        crate::deals::api::approve,
        crate::deals::api::reject,
        crate::deals::api::extend,
        crate::deals::api::approve_extension,
        crate::deals::api::withdraw,
        crate::deals::api::close,
        crate::vocabularies::api::show,
        crate::vocabularies::api::replace,
        crate::recruitment::api::submit,
        crate::recruitment::api::list,
        crate::recruitment::api::show,
        crate::recruitment::api::approve,
        crate::recruitment::api::reject,
        crate::recruitment::api::add_note,
        crate::agreement::api::show,
        crate::agreement::api::accept,
        crate::agreement::api::publish,
        crate::onboarding::api::checklist,
        crate::onboarding::api::complete,
        crate::onboarding::api::undo,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth),
    tags((name = "auth"), (name = "users"), (name = "partners"), (name = "outbox"), (name = "deals"), (name = "recruitment"), (name = "agreement"),
        (name = "onboarding"))
)]
pub struct ApiDoc;

/// The body of every error response (`application/problem+json`).
#[derive(utoipa::ToSchema)]
#[allow(dead_code)]
pub struct Problem {
    title: String,
    status: u16,
    detail: String,
    /// Messages per invalid field (422 only).
    errors: Option<std::collections::BTreeMap<String, Vec<String>>>,
}

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("JWT").build()),
        );
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}
