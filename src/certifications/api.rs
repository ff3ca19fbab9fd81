//! `/api/v1/certification-types` and `/api/v1/certifications`. Contract: docs/api.md.

use std::collections::HashMap;

use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use super::store::{self, CertificationRow, Filter, TypeRow};
use super::{CertStatus, ImportReport, RecordInput, Source, TypeInput, TypePatch};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, ListParams, ListResponse};
use crate::auth::{AnyRole, Auth, Manager, ProgramAdmin, UserAdmin};
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{CertificationId, CertificationTypeId, PartnerId};
use crate::mdf::claims_api::{announced_too_large, too_large};
use crate::mdf::upload;

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/certification-types", get(list_types).post(create_type))
        .route("/certification-types/{id}", axum::routing::patch(update_type))
        .route("/certifications", get(list).post(record).layer(DefaultBodyLimit::max(upload::MAX_BODY_BYTES)))
        .route("/certifications/import", post(import).layer(DefaultBodyLimit::max(upload::MAX_BODY_BYTES)))
        .route("/certifications/{id}", get(show).delete(remove))
        .route("/certifications/{id}/file", get(file))
        .route("/certifications/{id}/verify", post(verify))
        .route("/certifications/{id}/reject", post(reject))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TypeView {
    pub id: CertificationTypeId,
    pub code: String,
    pub name: String,
    pub validity_months: i32,
    pub active: bool,
}

impl From<TypeRow> for TypeView {
    fn from(t: TypeRow) -> TypeView {
        TypeView { id: t.id, code: t.code, name: t.name, validity_months: t.validity_months, active: t.active }
    }
}

/// The program's certification types, active first.
#[utoipa::path(get, path = "/api/v1/certification-types", tag = "certifications",
    responses((status = 200, body = ListResponse<TypeView>)), security(("bearer" = [])))]
pub async fn list_types(Auth { mut tx, .. }: Auth<AnyRole>) -> Result<Json<ListResponse<TypeView>>> {
    let items: Vec<TypeView> = store::types(&mut tx).await?.into_iter().map(TypeView::from).collect();
    let total = items.len() as i64;
    Ok(Json(ListResponse { items, total }))
}

/// Adds a certification type (program admins).
#[utoipa::path(post, path = "/api/v1/certification-types", tag = "certifications", request_body = TypeInput,
    responses((status = 201, body = TypeView), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn create_type(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiJson(input): ApiJson<TypeInput>,
) -> Result<(StatusCode, Json<TypeView>)> {
    let t = super::validate_type(&input)?;
    let id = store::insert_type(&mut tx, user.tenant_id, &t)
        .await?
        .ok_or_else(|| Error::Conflict("A certification with this code or name exists already.".into()))?;
    let row = store::types(&mut tx).await?.into_iter().find(|t| t.id == id).ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(row.into())))
}

/// Renames a type, changes its validity (for certifications recorded from then on) or retires it.
#[utoipa::path(patch, path = "/api/v1/certification-types/{id}", tag = "certifications", request_body = TypePatch,
    params(("id" = Uuid, Path)), responses((status = 200, body = TypeView), (status = 404), (status = 409),
    (status = 422)), security(("bearer" = [])))]
pub async fn update_type(
    Auth { mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(id): ApiPath<CertificationTypeId>,
    ApiJson(patch): ApiJson<TypePatch>,
) -> Result<Json<TypeView>> {
    let mut errors = FieldErrors::new();
    let name = patch.name.as_deref().map(|n| crate::validate::text(&mut errors, "name", n, 120));
    if let Some(m) = patch.validity_months {
        if !(1..=120).contains(&m) {
            errors.add("validity_months", "Use a number of months from 1 to 120.");
        }
    }
    errors.into_result()?;
    match store::update_type(&mut tx, id, name.as_deref(), patch.validity_months, patch.active).await {
        Ok(true) => {}
        Ok(false) => return Err(Error::NotFound),
        Err(e) if crate::error::violates(&e, "certification_types_name_key") => {
            return Err(Error::Conflict("Another certification has this name.".into()));
        }
        Err(e) => return Err(e.into()),
    }
    let row = store::types(&mut tx).await?.into_iter().find(|t| t.id == id).ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok(Json(row.into()))
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct TypeRef {
    pub code: String,
    pub name: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct CertificationView {
    pub id: CertificationId,
    pub partner_id: PartnerId,
    pub partner_name: String,
    #[serde(rename = "type")]
    pub kind: TypeRef,
    pub person_name: String,
    pub person_email: String,
    pub earned_on: NaiveDate,
    /// The last day it counts.
    pub expires_on: NaiveDate,
    pub status: CertStatus,
    /// Verified and not expired today (the program's day).
    pub counting: bool,
    pub has_file: bool,
    pub source: Source,
    /// Why it was rejected.
    pub note: String,
    pub verified_by: Option<String>,
    pub verified_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
}

pub fn view(c: CertificationRow, today: NaiveDate) -> CertificationView {
    CertificationView {
        id: c.id,
        partner_id: c.partner_id,
        partner_name: c.partner_name,
        kind: TypeRef { code: c.type_code, name: c.type_name },
        person_name: c.person_name,
        person_email: c.person_email,
        earned_on: c.earned_on,
        expires_on: c.expires_on,
        counting: super::counts(c.status, c.expires_on, today),
        status: c.status,
        has_file: c.has_file,
        source: c.source,
        note: c.note,
        verified_by: c.decided_by_name,
        verified_at: c.decided_at,
        created_at: c.created_at,
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CertificationQuery {
    pub partner_id: Option<PartnerId>,
    /// A type's code.
    #[serde(rename = "type")]
    pub kind: Option<String>,
    /// pending, verified or rejected.
    pub status: Option<String>,
    /// true: only those counting today.
    pub counting: Option<bool>,
    /// How many items to return (1-500, default 50).
    pub limit: Option<i64>,
    /// How many items to skip.
    pub offset: Option<i64>,
}

/// Certifications in scope: a partner's own, a CAM's partners', all for the program admin and chief.
#[utoipa::path(get, path = "/api/v1/certifications", tag = "certifications", params(CertificationQuery),
    responses((status = 200, body = ListResponse<CertificationView>), (status = 422)), security(("bearer" = [])))]
pub async fn list(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(q): ApiQuery<CertificationQuery>,
) -> Result<Json<ListResponse<CertificationView>>> {
    let status = match q.status.as_deref() {
        None | Some("") => None,
        Some(s) => {
            Some(CertStatus::parse(s).ok_or_else(|| Error::invalid("status", "Use pending, verified or rejected."))?)
        }
    };
    let today = crate::program::store::today(&mut tx).await?;
    let filter = Filter {
        partner: q.partner_id,
        type_code: q.kind.filter(|k| !k.is_empty()),
        status,
        counting_on: q.counting.unwrap_or(false).then_some(today),
    };
    let page = ListParams { limit: q.limit, offset: q.offset };
    let (rows, total) = store::list(&mut tx, user.scope(), &filter, page.limit(), page.offset()).await?;
    Ok(Json(ListResponse { items: rows.into_iter().map(|c| view(c, today)).collect(), total }))
}

#[utoipa::path(get, path = "/api/v1/certifications/{id}", tag = "certifications", params(("id" = Uuid, Path)),
    responses((status = 200, body = CertificationView), (status = 404)), security(("bearer" = [])))]
pub async fn show(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<CertificationId>,
) -> Result<Json<CertificationView>> {
    let c = store::get(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let today = crate::program::store::today(&mut tx).await?;
    Ok(Json(view(c, today)))
}

/// A multipart body's text parts and its `file` part. Err(None): larger than an upload may be (413).
pub async fn read_form(
    mut multipart: Multipart,
) -> std::result::Result<(HashMap<String, String>, Option<(String, Vec<u8>)>), Option<Error>> {
    let mut fields = HashMap::new();
    let mut file = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(None),
            Err(_) => return Err(Some(Error::BadRequest("The multipart body could not be read.".into()))),
        };
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            let file_name = field.file_name().unwrap_or("").to_string();
            let bytes = match field.bytes().await {
                Ok(b) => b,
                Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(None),
                Err(_) => return Err(Some(Error::BadRequest("The file could not be read.".into()))),
            };
            // A file input left empty still sends a part, without a name and without bytes.
            if !bytes.is_empty() || !file_name.is_empty() {
                file = Some((file_name, bytes.to_vec()));
            }
        } else {
            let text = field.text().await.map_err(|_| Some(Error::invalid(&name, "This is not text.")))?;
            if text.contains('\0') {
                return Err(Some(Error::BadRequest(format!("The part `{name}` holds a NUL character."))));
            }
            fields.insert(name, text);
        }
    }
    Ok((fields, file))
}

pub fn record_input(fields: &HashMap<String, String>) -> RecordInput {
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    RecordInput {
        type_code: get("type"),
        person_name: get("person_name"),
        person_email: get("person_email"),
        earned_on: get("earned_on"),
    }
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct PartnerQuery {
    /// The partner (program admins only; a partner admin records for its own).
    pub partner_id: Option<PartnerId>,
}

/// Records a person's certification with its certificate (partner admin; program admin with `?partner_id=`, then
/// verified at once): `multipart/form-data` with `type`, `person_name`, `person_email`, `earned_on` and `file`.
#[utoipa::path(post, path = "/api/v1/certifications", tag = "certifications", params(PartnerQuery),
    request_body(content_type = "multipart/form-data", content = String,
        description = "`type` (code), `person_name`, `person_email`, `earned_on` (YYYY-MM-DD), `file` (PDF, PNG or JPEG)"),
    responses((status = 201, body = CertificationView), (status = 404), (status = 409), (status = 413), (status = 422)),
    security(("bearer" = [])))]
pub async fn record(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<UserAdmin>,
    ApiQuery(q): ApiQuery<PartnerQuery>,
    headers: HeaderMap,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response> {
    if announced_too_large(&headers) {
        return Ok(too_large());
    }
    let multipart = multipart
        .map_err(|_| Error::BadRequest("Send the certification as multipart/form-data with a `file` part.".into()))?;
    let (fields, file) = match read_form(multipart).await {
        Ok(f) => f,
        Err(None) => return Ok(too_large()),
        Err(Some(e)) => return Err(e),
    };
    let id = super::record(&mut tx, &user, &state.base_url, q.partner_id, &record_input(&fields), file).await?;
    let c = store::get(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let today = crate::program::store::today(&mut tx).await?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(view(c, today))).into_response())
}

/// Imports certifications from CSV (`person_name,person_email,type,earned_on`): each valid row is recorded, every row
/// reported. The file is the request body (`text/csv`).
#[utoipa::path(post, path = "/api/v1/certifications/import", tag = "certifications", params(PartnerQuery),
    request_body(content_type = "text/csv", content = String),
    responses((status = 200, body = ImportReport), (status = 404), (status = 413), (status = 422)),
    security(("bearer" = [])))]
pub async fn import(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<UserAdmin>,
    ApiQuery(q): ApiQuery<PartnerQuery>,
    body: axum::body::Bytes,
) -> Result<Json<ImportReport>> {
    if body.is_empty() {
        return Err(Error::invalid("file", "Send the CSV file as the request body."));
    }
    let bytes = body;
    let report = super::import(&mut tx, &user, &state.base_url, q.partner_id, &bytes).await?;
    tx.commit().await?;
    Ok(Json(report))
}

/// The certificate file.
#[utoipa::path(get, path = "/api/v1/certifications/{id}/file", tag = "certifications", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404)),
    security(("bearer" = [])))]
pub async fn file(Auth { user, mut tx, .. }: Auth<AnyRole>, ApiPath(id): ApiPath<CertificationId>) -> Result<Response> {
    download(&mut tx, &user, id).await
}

pub async fn download(
    tx: &mut crate::db::Tx,
    user: &crate::auth::CurrentUser,
    id: CertificationId,
) -> Result<Response> {
    let f = store::file(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let content_type =
        HeaderValue::from_str(&f.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition =
        HeaderValue::from_str(&upload::disposition(&f.file_name)).unwrap_or(HeaderValue::from_static("attachment"));
    let mut r = f.content.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, content_type);
    r.headers_mut().insert(header::CONTENT_DISPOSITION, disposition);
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(r)
}

/// The partner's CAM or a program admin verifies a pending certification.
#[utoipa::path(post, path = "/api/v1/certifications/{id}/verify", tag = "certifications",
    params(("id" = Uuid, Path)), responses((status = 200, body = CertificationView), (status = 404), (status = 409)),
    security(("bearer" = [])))]
pub async fn verify(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<CertificationId>,
) -> Result<Json<CertificationView>> {
    super::decide(&mut tx, &user, &state.base_url, id, CertStatus::Verified, None).await?;
    let c = store::get(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let today = crate::program::store::today(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(view(c, today)))
}

#[derive(Deserialize, utoipa::ToSchema)]
#[schema(as = CertificationRejectInput)]
pub struct RejectInput {
    /// 10–1000 characters.
    pub reason: Option<String>,
}

/// The partner's CAM or a program admin rejects a pending certification, saying why.
#[utoipa::path(post, path = "/api/v1/certifications/{id}/reject", tag = "certifications", request_body = RejectInput,
    params(("id" = Uuid, Path)), responses((status = 200, body = CertificationView), (status = 404), (status = 409),
    (status = 422)), security(("bearer" = [])))]
pub async fn reject(
    State(state): State<AppState>,
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<CertificationId>,
    ApiJson(input): ApiJson<RejectInput>,
) -> Result<Json<CertificationView>> {
    super::decide(&mut tx, &user, &state.base_url, id, CertStatus::Rejected, input.reason.as_deref()).await?;
    let c = store::get(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let today = crate::program::store::today(&mut tx).await?;
    tx.commit().await?;
    Ok(Json(view(c, today)))
}

/// Removes a certification: a partner admin its pending ones, a program admin any.
#[utoipa::path(delete, path = "/api/v1/certifications/{id}", tag = "certifications", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn remove(
    Auth { user, mut tx, .. }: Auth<UserAdmin>,
    ApiPath(id): ApiPath<CertificationId>,
) -> Result<StatusCode> {
    super::delete(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
