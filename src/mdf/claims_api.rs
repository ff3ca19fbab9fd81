//! `/api/v1/mdf` claims, their lines, proof-of-performance attachments and payments. Contract: docs/api.md.

use axum::extract::{DefaultBodyLimit, Multipart};
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{delete, get, post};
use axum::{Json, Router};
use serde::Deserialize;

use super::claims::{self, ClaimInput, ClaimView, LineInput, PaymentInput, ReviewInput, Upload};
use super::store::{self, AttachmentRow, PaymentRow};
use super::{ClaimStatus, upload};
use crate::AppState;
use crate::api::{ApiJson, ApiPath, ApiQuery, ListResponse};
use crate::auth::{AnyRole, Auth, CurrentUser, Manager, PartnerMember, ProgramAdmin};
use crate::db::Tx;
use crate::error::{Error, Result};
use crate::ids::{AttachmentId, ClaimId, ClaimLineId, MdfRequestId, PartnerId};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/mdf/requests/{id}/claims", post(create_claim))
        .route("/mdf/claims", get(list_claims))
        .route("/mdf/claims/{id}", get(show_claim))
        .route("/mdf/claims/{id}/lines", post(add_line))
        .route("/mdf/claim-lines/{id}", delete(delete_line))
        .route("/mdf/claims/{id}/submit", post(submit_claim))
        .route("/mdf/claims/{id}/review", post(review_claim))
        .route("/mdf/claims/{id}/payments", post(pay_claim))
        .route(
            "/mdf/claim-lines/{id}/attachments",
            post(upload_attachment).layer(DefaultBodyLimit::max(upload::MAX_BODY_BYTES)),
        )
        .route("/mdf/attachments/{id}", get(download_attachment).delete(delete_attachment))
}

async fn claim_view(mut tx: Tx, user: &CurrentUser, id: ClaimId) -> Result<Json<ClaimView>> {
    let c = store::claim(&mut tx, user.scope(), id, false).await?.ok_or(Error::NotFound)?;
    let v = claims::view(&mut tx, c).await?;
    tx.commit().await?;
    Ok(Json(v))
}

/// Opens a claim against an approved request, before its claim deadline (the partner).
#[utoipa::path(post, path = "/api/v1/mdf/requests/{id}/claims", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = ClaimInput,
    responses((status = 201, body = ClaimView), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn create_claim(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<MdfRequestId>,
    ApiJson(input): ApiJson<ClaimInput>,
) -> Result<(StatusCode, Json<ClaimView>)> {
    let claim = claims::create(&mut tx, &user, id, &input).await?;
    Ok((StatusCode::CREATED, claim_view(tx, &user, claim).await?))
}

#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ClaimQuery {
    #[param(value_type = Option<ClaimStatus>)]
    pub status: Option<String>,
    pub partner_id: Option<PartnerId>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// Claims in the caller's scope, those waiting for review first.
#[utoipa::path(get, path = "/api/v1/mdf/claims", tag = "mdf", params(ClaimQuery),
    responses((status = 200, body = ListResponse<ClaimView>), (status = 422)), security(("bearer" = [])))]
pub async fn list_claims(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiQuery(q): ApiQuery<ClaimQuery>,
) -> Result<ApiJson<ListResponse<ClaimView>>> {
    // An empty status is no status: refused like any other unknown one.
    let status = match q.status.as_deref() {
        None => None,
        Some(s) => Some(
            ClaimStatus::parse(s)
                .ok_or_else(|| Error::invalid("status", format!("Use one of: {}.", ClaimStatus::choices())))?,
        ),
    };
    let limit = q.limit.unwrap_or(50).clamp(1, 500);
    let offset = q.offset.unwrap_or(0).max(0);
    let (rows, total) = store::claims(&mut tx, user.scope(), status, q.partner_id, limit, offset).await?;
    let mut items = Vec::with_capacity(rows.len());
    for c in rows {
        items.push(claims::view(&mut tx, c).await?);
    }
    Ok(ApiJson(ListResponse { items, total }))
}

#[utoipa::path(get, path = "/api/v1/mdf/claims/{id}", tag = "mdf", params(("id" = Uuid, Path)),
    responses((status = 200, body = ClaimView), (status = 404)), security(("bearer" = [])))]
pub async fn show_claim(
    Auth { user, tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<ClaimId>,
) -> Result<Json<ClaimView>> {
    claim_view(tx, &user, id).await
}

/// Adds a line to a draft claim (the partner).
#[utoipa::path(post, path = "/api/v1/mdf/claims/{id}/lines", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = LineInput,
    responses((status = 201, body = ClaimView), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn add_line(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<ClaimId>,
    ApiJson(input): ApiJson<LineInput>,
) -> Result<(StatusCode, Json<ClaimView>)> {
    claims::add_line(&mut tx, &user, id, &input).await?;
    Ok((StatusCode::CREATED, claim_view(tx, &user, id).await?))
}

/// Removes a line and its files from a draft claim (the partner).
#[utoipa::path(delete, path = "/api/v1/mdf/claim-lines/{id}", tag = "mdf", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn delete_line(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<ClaimLineId>,
) -> Result<StatusCode> {
    claims::delete_line(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Files a draft claim for review: every line needs proof, before the claim deadline (the partner).
#[utoipa::path(post, path = "/api/v1/mdf/claims/{id}/submit", tag = "mdf", params(("id" = Uuid, Path)),
    responses((status = 200, body = ClaimView), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn submit_claim(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<ClaimId>,
) -> Result<Json<ClaimView>> {
    claims::submit(&mut tx, &user, id).await?;
    claim_view(tx, &user, id).await
}

/// Gives every line of a submitted claim its verdict, within the claim limit (the CAM, a program admin).
#[utoipa::path(post, path = "/api/v1/mdf/claims/{id}/review", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = ReviewInput,
    responses((status = 200, body = ClaimView), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn review_claim(
    Auth { user, mut tx, .. }: Auth<Manager>,
    ApiPath(id): ApiPath<ClaimId>,
    ApiJson(input): ApiJson<ReviewInput>,
) -> Result<Json<ClaimView>> {
    claims::review(&mut tx, &user, id, &input).await?;
    claim_view(tx, &user, id).await
}

/// Records an instalment paid on an approved claim (program admins).
#[utoipa::path(post, path = "/api/v1/mdf/claims/{id}/payments", tag = "mdf", params(("id" = Uuid, Path)),
    request_body = PaymentInput,
    responses((status = 201, body = PaymentRow), (status = 404), (status = 409), (status = 422)), security(("bearer" = [])))]
pub async fn pay_claim(
    Auth { user, mut tx, .. }: Auth<ProgramAdmin>,
    ApiPath(id): ApiPath<ClaimId>,
    ApiJson(input): ApiJson<PaymentInput>,
) -> Result<(StatusCode, Json<PaymentRow>)> {
    let payment = claims::pay(&mut tx, &user, id, &input).await?;
    let row = store::payments(&mut tx, id).await?.into_iter().find(|p| p.id == payment).ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// 413 as a problem, for a body refused by its announced size before it is read.
pub fn too_large() -> Response {
    let body = serde_json::json!({
        "type": "about:blank", "title": "Payload too large", "status": 413,
        "detail": "The upload is larger than 11 MiB; a file may hold at most 10 MiB."
    });
    let mut r = (StatusCode::PAYLOAD_TOO_LARGE, body.to_string()).into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
    r
}

/// Whether the request announces a body larger than an upload may be.
pub fn announced_too_large(headers: &HeaderMap) -> bool {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.parse::<u64>().ok())
        .is_some_and(|n| n > upload::MAX_BODY_BYTES as u64)
}

/// Reads the `file` and `kind` parts of a multipart body. Err(None) is a body over the size limit (413).
pub async fn read_upload(mut multipart: Multipart) -> std::result::Result<Upload, Option<Error>> {
    let mut up = Upload { file_name: None, kind: None, bytes: None };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(f)) => f,
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(None),
            Err(_) => return Err(Some(Error::BadRequest("The multipart body could not be read.".into()))),
        };
        match field.name().unwrap_or("") {
            "file" => {
                let name = field.file_name().map(str::to_string);
                let bytes = match field.bytes().await {
                    Ok(b) => b,
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(None),
                    Err(_) => return Err(Some(Error::BadRequest("The file could not be read.".into()))),
                };
                // A file input left empty still sends a part, without a name and without bytes.
                if !bytes.is_empty() || name.as_deref().is_some_and(|n| !n.is_empty()) {
                    up.file_name = name;
                    up.bytes = Some(bytes.to_vec());
                }
            }
            "kind" => up.kind = field.text().await.ok(),
            _ => {}
        }
    }
    Ok(up)
}

/// Attaches a proof-of-performance file to a line of a draft claim (the partner): `multipart/form-data` with a
/// `file` part and an optional `kind` part. At most 10 MiB; PDF, images, Office documents and CSV.
#[utoipa::path(post, path = "/api/v1/mdf/claim-lines/{id}/attachments", tag = "mdf", params(("id" = Uuid, Path)),
    request_body(content_type = "multipart/form-data", content = String, description = "`file` (the file) and `kind` (invoice, photo, attendee_list, screenshot, other)"),
    responses((status = 201, body = AttachmentRow), (status = 404), (status = 409), (status = 413), (status = 422)),
    security(("bearer" = [])))]
pub async fn upload_attachment(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<ClaimLineId>,
    headers: HeaderMap,
    multipart: std::result::Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<Response> {
    if announced_too_large(&headers) {
        return Ok(too_large());
    }
    // Whose line it is comes first: another partner's line is 404 whatever the body holds.
    store::claim_of_line(&mut tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let multipart =
        multipart.map_err(|_| Error::BadRequest("Send the file as multipart/form-data with a `file` part.".into()))?;
    let up = match read_upload(multipart).await {
        Ok(up) => up,
        Err(None) => return Ok(too_large()),
        Err(Some(e)) => return Err(e),
    };
    let attachment = claims::attach(&mut tx, &user, id, &up).await?;
    let row = store::attachment(&mut tx, user.scope(), attachment).await?.ok_or(Error::NotFound)?;
    tx.commit().await?;
    Ok((StatusCode::CREATED, Json(row)).into_response())
}

/// The file itself, as an attachment to save.
#[utoipa::path(get, path = "/api/v1/mdf/attachments/{id}", tag = "mdf", params(("id" = Uuid, Path)),
    responses((status = 200, content_type = "application/octet-stream", body = Vec<u8>), (status = 404)),
    security(("bearer" = [])))]
pub async fn download_attachment(
    Auth { user, mut tx, .. }: Auth<AnyRole>,
    ApiPath(id): ApiPath<AttachmentId>,
) -> Result<Response> {
    download(&mut tx, &user, id).await
}

/// The bytes of an attachment the user may see, with its type and a download file name.
pub async fn download(tx: &mut Tx, user: &CurrentUser, id: AttachmentId) -> Result<Response> {
    let a = store::attachment(tx, user.scope(), id).await?.ok_or(Error::NotFound)?;
    let bytes = store::attachment_content(tx, id).await?;
    let content_type =
        HeaderValue::from_str(&a.content_type).unwrap_or(HeaderValue::from_static("application/octet-stream"));
    let disposition =
        HeaderValue::from_str(&upload::disposition(&a.file_name)).unwrap_or(HeaderValue::from_static("attachment"));
    let mut r = bytes.into_response();
    r.headers_mut().insert(header::CONTENT_TYPE, content_type);
    r.headers_mut().insert(header::CONTENT_DISPOSITION, disposition);
    r.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    Ok(r)
}

/// Removes a file from a line of a draft claim (the partner).
#[utoipa::path(delete, path = "/api/v1/mdf/attachments/{id}", tag = "mdf", params(("id" = Uuid, Path)),
    responses((status = 204), (status = 404), (status = 409)), security(("bearer" = [])))]
pub async fn delete_attachment(
    Auth { user, mut tx, .. }: Auth<PartnerMember>,
    ApiPath(id): ApiPath<AttachmentId>,
) -> Result<StatusCode> {
    claims::detach(&mut tx, &user, id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}
