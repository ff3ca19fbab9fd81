//! `/api/v1/vocabularies`: the program's verticals, services and products; the program admin edits the first two.

use axum::routing::get;
use axum::{Json, Router};
use serde::{Deserialize, Serialize};

use super::{Entry, EntryInput, Kind, store};
use crate::AppState;
use crate::api::{ApiJson, ApiPath};
use crate::auth::{AnyRole, Auth, ProgramAdmin};
use crate::error::{Error, FieldErrors, Result};

pub fn routes() -> Router<AppState> {
    Router::new().route("/vocabularies", get(show)).route("/vocabularies/{list}", axum::routing::put(replace))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct VocabulariesView {
    /// Offered entries in the program's order, then retired ones (`active: false`).
    pub verticals: Vec<Entry>,
    pub services: Vec<Entry>,
    /// The products deals are registered for (edited with the deal-registration policy).
    pub products: Vec<Entry>,
}

/// The program's lists. Application and deal fields take an entry's code or its label, ignoring case and spaces.
#[utoipa::path(get, path = "/api/v1/vocabularies", tag = "program",
    responses((status = 200, body = VocabulariesView)), security(("bearer" = [])))]
pub async fn show(Auth { mut tx, .. }: Auth<AnyRole>) -> Result<Json<VocabulariesView>> {
    let v = store::load(&mut tx).await?;
    let products = crate::deals::store::products(&mut tx).await?;
    Ok(Json(VocabulariesView {
        verticals: v.verticals.entries,
        services: v.services.entries,
        products: products.into_iter().map(|p| Entry { code: p.code, label: p.name, active: true }).collect(),
    }))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ListInput {
    /// The entries to offer, in order. Codes left out are made from the labels; entries of the current list left out
    /// are retired (kept as labels of what was chosen with them).
    pub entries: Vec<EntryInput>,
}

/// Replaces the offered `verticals` or `services` (program admins). 422 names the entries that are wrong.
#[utoipa::path(put, path = "/api/v1/vocabularies/{list}", tag = "program", request_body = ListInput,
    params(("list" = String, Path, description = "verticals or services")),
    responses((status = 200, body = [Entry]), (status = 404), (status = 422)), security(("bearer" = [])))]
pub async fn replace(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(list): ApiPath<String>,
    ApiJson(input): ApiJson<ListInput>,
) -> Result<Json<Vec<Entry>>> {
    let kind = Kind::from_plural(&list).ok_or(Error::NotFound)?;
    let current = store::load(&mut tx).await?;
    let mut errors = FieldErrors::new();
    let entries = super::validate_list(&mut errors, "entries", current.get(kind), &input.entries);
    errors.into_result()?;
    store::replace(&mut tx, user.tenant_id, kind, &entries).await?;
    let saved = store::load(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(saved.get(kind).entries.clone()))
}
