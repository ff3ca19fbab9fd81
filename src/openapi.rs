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
        crate::mdf::api::list_funds,
        crate::mdf::api::create_fund,
        crate::mdf::api::show_fund,
        crate::mdf::api::allocate,
        crate::mdf::api::list_allocations,
        crate::mdf::api::show_allocation,
        crate::mdf::api::list_requests,
        crate::mdf::api::create_request,
        crate::mdf::api::show_request,
        crate::mdf::api::update_request,
        crate::mdf::api::submit,
        crate::mdf::api::request_info,
        crate::mdf::api::approve,
        crate::mdf::api::reject,
        crate::mdf::api::decline,
        crate::mdf::api::cancel,
        crate::mdf::api::queue,
        crate::mdf::api::ledger,
        crate::mdf::api::ledger_csv,
        crate::mdf::api::put_results,
        crate::mdf::claims_api::create_claim,
        crate::mdf::claims_api::list_claims,
        crate::mdf::claims_api::show_claim,
        crate::mdf::claims_api::add_line,
        crate::mdf::claims_api::delete_line,
        crate::mdf::claims_api::submit_claim,
        crate::mdf::claims_api::review_claim,
        crate::mdf::claims_api::pay_claim,
        crate::mdf::claims_api::upload_attachment,
        crate::mdf::claims_api::download_attachment,
        crate::mdf::claims_api::delete_attachment,
        crate::certifications::api::list_types,
        crate::certifications::api::create_type,
        crate::certifications::api::update_type,
        crate::certifications::api::list,
        crate::certifications::api::record,
        crate::certifications::api::import,
        crate::certifications::api::show,
        crate::certifications::api::remove,
        crate::certifications::api::file,
        crate::certifications::api::verify,
        crate::certifications::api::reject,
        crate::tiers::api::show_tiers,
        crate::tiers::api::replace_tiers,
        crate::tiers::api::add_tier,
        crate::tiers::api::remove_tier,
        crate::tiers::api::standing,
        crate::tiers::api::history,
        crate::tiers::api::evaluate,
        crate::tiers::api::set_override,
        crate::tiers::api::end_override,
        crate::tiers::api::approve_promotion,
        crate::mdf::plans_api::list_plans,
        crate::mdf::plans_api::create_plan,
        crate::mdf::plans_api::show_plan,
        crate::mdf::plans_api::add_activity,
        crate::mdf::plans_api::update_activity,
        crate::mdf::plans_api::delete_activity,
        crate::mdf::plans_api::request_from_activity,
        crate::mdf::plans_api::rates,
        crate::mdf::plans_api::activity_types,
        crate::mdf::finance_api::patch_fund,
        crate::mdf::finance_api::adjust_allocation,
        crate::mdf::finance_api::partner_summary,
        crate::mdf::finance_api::ledger_xlsx,
        crate::tiers::api::set_custom_value,
        crate::plans::api::settings,
        crate::plans::api::put_settings,
        crate::plans::api::list,
        crate::plans::api::create,
        crate::plans::api::show,
        crate::plans::api::update,
        crate::plans::api::share,
        crate::plans::api::agree,
        crate::plans::api::close,
        crate::plans::api::versions,
        crate::plans::api::comments,
        crate::plans::api::comment,
        crate::plans::api::partner_scorecard,
        crate::plans::api::overview,
        crate::capability::api::questionnaire,
        crate::capability::api::replace_questionnaire,
        crate::capability::api::bands,
        crate::capability::api::put_bands,
        crate::capability::api::list,
        crate::capability::api::create,
        crate::capability::api::show,
        crate::capability::api::answer,
        crate::capability::api::score,
        crate::capability::api::submit,
        crate::capability::api::scorecard,
        crate::capability::api::put_goal,
        crate::capability::api::add_task,
        crate::capability::api::update_task,
        crate::capability::api::growth,
    ),
    components(schemas(Problem)),
    modifiers(&BearerAuth, &ProblemResponses),
    tags((name = "auth"), (name = "users"), (name = "partners"), (name = "outbox"), (name = "deals"), (name = "recruitment"), (name = "agreement"),
        (name = "onboarding"), (name = "mdf"), (name = "certifications"), (name = "tiers"), (name = "plans"), (name = "capability"))
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

/// The error answers every operation may give, documented on each with the `Problem` body: 400 (a body that is no
/// JSON) and 422 where it takes input, 401 and 403 where it needs a token, 429 for sign-in, and 503 everywhere (the
/// database unavailable, or too many sign-ins hashing at once). A status an operation documents without a body gets
/// the `Problem` body too.
struct ProblemResponses;

impl Modify for ProblemResponses {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{ContentBuilder, Ref, ResponseBuilder};
        let problem = |description: &str| {
            ResponseBuilder::new()
                .description(description)
                .content(
                    "application/problem+json",
                    ContentBuilder::new().schema(Some(Ref::from_schema_name("Problem"))).build(),
                )
                .build()
        };
        for (path, item) in openapi.paths.paths.iter_mut() {
            let operations = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete, &mut item.patch];
            for operation in operations.into_iter().flatten() {
                let secured = operation.security.as_ref().is_some_and(|s| !s.is_empty());
                let takes_input =
                    operation.request_body.is_some() || operation.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let mut add = vec![("503", "The service is unavailable for a moment; try again after Retry-After.")];
                if secured {
                    add.push(("401", "No valid bearer token."));
                    add.push(("403", "The caller's role may not do this."));
                }
                if takes_input {
                    add.push(("422", "Invalid input; every invalid field is named in `errors`."));
                }
                if operation.request_body.is_some() {
                    add.push(("400", "The body is not JSON, or not sent as application/json."));
                }
                if path.ends_with("/auth/login") {
                    add.push(("429", "Too many failed sign-ins; try again after Retry-After."));
                }
                let responses = &mut operation.responses.responses;
                for (status, description) in add {
                    responses.entry(status.to_string()).or_insert_with(|| problem(description).into());
                }
                // Error statuses documented without a body answer with the Problem body all the same.
                for (status, response) in responses.iter_mut() {
                    if let utoipa::openapi::RefOr::T(r) = response
                        && (status.starts_with('4') || status.starts_with('5'))
                        && r.content.is_empty()
                    {
                        let description = if r.description.is_empty() { status.clone() } else { r.description.clone() };
                        *response = problem(&description).into();
                    }
                }
            }
        }
    }
}

pub async fn document() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;
    use std::path::Path;

    /// Collects `(schema name, file)` for every `ToSchema` derive under `dir`: the `#[schema(as = ..)]` name where
    /// there is one, else the type's own name.
    fn schema_names(dir: &Path, out: &mut Vec<(String, String)>) {
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                schema_names(&path, out);
                continue;
            }
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let mut pending: Option<Option<String>> = None;
            for line in text.lines().map(str::trim) {
                if line.starts_with("#[derive(") && line.contains("ToSchema") {
                    pending = Some(None);
                } else if let Some(alias) = pending.as_mut() {
                    if let Some(rest) = line.strip_prefix("#[schema(as = ") {
                        *alias = Some(rest.trim_end_matches(")]").trim().to_string());
                    } else if let Some(rest) =
                        line.strip_prefix("pub struct ").or_else(|| line.strip_prefix("pub enum "))
                    {
                        let own: String = rest.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
                        // `$name` in a macro: each expansion names its own type.
                        if !own.is_empty() {
                            out.push((alias.take().unwrap_or(own), path.display().to_string()));
                        }
                        pending = None;
                    }
                }
            }
        }
    }

    /// utoipa keys components by name, so two types with one name leave one schema describing both: responses then
    /// fail validation against the wrong shape. Each name must be unique.
    #[test]
    fn every_schema_name_is_unique() {
        let mut names = Vec::new();
        schema_names(Path::new(concat!(env!("CARGO_MANIFEST_DIR"), "/src")), &mut names);
        assert!(names.len() > 50, "found only {} schemas", names.len());
        let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
        let mut clashes = Vec::new();
        for (name, file) in &names {
            if let Some(other) = seen.insert(name, file) {
                clashes.push(format!("{name}: {other} and {file}"));
            }
        }
        assert!(clashes.is_empty(), "schema names used twice (add #[schema(as = ..)]): {clashes:#?}");
    }
}
