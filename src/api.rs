//! JSON API plumbing: body and query extractors whose failures are problem+json naming the field, and list paging.

use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::error::{Error, FieldErrors};

/// A JSON body. Malformed JSON is 400; a field of the wrong type is 422 naming that field.
pub struct ApiJson<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for ApiJson<T> {
    type Rejection = Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let is_json = req
            .headers()
            .get(header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|ct| ct.starts_with("application/json") || ct.contains("+json"));
        if !is_json {
            return Err(Error::BadRequest("Send a JSON body with Content-Type: application/json.".into()));
        }
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|_| Error::BadRequest("The request body could not be read or is too large.".into()))?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// A JSON answer, written into one buffer sized for a page of a list: axum's `Json` starts from 128 bytes and writes
/// through a `BytesMut` writer, which on a list of fifty registrations cost a fifth of the request.
impl<T: Serialize> IntoResponse for ApiJson<T> {
    fn into_response(self) -> Response {
        match self.to_bytes() {
            Ok(body) => json_response(body),
            Err(e) => e.into_response(),
        }
    }
}

impl<T: Serialize> ApiJson<T> {
    /// The answer's body, as `into_response` writes it.
    pub fn to_bytes(&self) -> Result<Bytes, Error> {
        let mut body = Vec::with_capacity(16 * 1024);
        serde_json::to_writer(&mut body, &self.0).map_err(|e| Error::Internal(e.into()))?;
        Ok(body.into())
    }
}

/// A JSON answer of a body already written.
pub fn json_response(body: Bytes) -> Response {
    ([(header::CONTENT_TYPE, HeaderValue::from_static("application/json"))], body).into_response()
}

pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, Error> {
    // PostgreSQL text cannot hold the NUL character, and JSON can only carry it escaped: name the field it is in.
    if bytes.windows(6).any(|w| w.eq_ignore_ascii_case(b"\\u0000"))
        && let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes)
        && let Some(field) = nul_path(&value, String::new())
    {
        let mut errors = FieldErrors::new();
        errors.add(if field.is_empty() { "body" } else { &field }, "Remove the NUL character (\\u0000).");
        return Err(Error::Invalid(errors));
    }
    // Every body of the API is an object; serde would read an array into a struct field by field.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) == Some(&b'[') {
        let mut errors = FieldErrors::new();
        errors.add("body", "Send a JSON object, not an array.");
        return Err(Error::Invalid(errors));
    }
    let mut de = serde_json::Deserializer::from_slice(bytes);
    match serde_path_to_error::deserialize::<_, T>(&mut de) {
        Ok(v) => Ok(v),
        Err(e) => {
            let inner = e.inner();
            if inner.is_syntax() || inner.is_eof() {
                return Err(Error::BadRequest(format!("Malformed JSON: {inner}")));
            }
            let message = inner.to_string();
            let path = e.path().to_string();
            let field = if path == "." { message.split('`').nth(1).unwrap_or("body").to_string() } else { path };
            let clean = message.split(" at line ").next().unwrap_or(&message).to_string();
            let mut errors = FieldErrors::new();
            errors.add(&field, clean);
            Err(Error::Invalid(errors))
        }
    }
}

/// Where in `value` a string (or a key) holds the NUL character, as `serde_path_to_error` names fields.
fn nul_path(value: &serde_json::Value, at: String) -> Option<String> {
    let join = |key: &str| if at.is_empty() { key.to_string() } else { format!("{at}.{key}") };
    match value {
        serde_json::Value::String(s) => s.contains('\0').then_some(at),
        serde_json::Value::Array(items) => {
            items.iter().enumerate().find_map(|(i, v)| nul_path(v, format!("{at}[{i}]")))
        }
        serde_json::Value::Object(map) => {
            map.iter().find_map(|(k, v)| if k.contains('\0') { Some(join("(key)")) } else { nul_path(v, join(k)) })
        }
        _ => None,
    }
}

/// A path parameter. One that does not parse (an id that is no UUID) names no object: 404, as a well-formed id of
/// nothing would be.
pub struct ApiPath<T>(pub T);

impl<T: DeserializeOwned + Send, S: Send + Sync> FromRequestParts<S> for ApiPath<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        axum::extract::Path::<T>::from_request_parts(parts, state)
            .await
            .map(|p| ApiPath(p.0))
            .map_err(|_| Error::NotFound)
    }
}

/// Query parameters; unparseable values are 422 naming the parameter.
pub struct ApiQuery<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for ApiQuery<T> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or("");
        let de = serde_urlencoded::Deserializer::new(form_urlencoded::parse(query.as_bytes()));
        serde_path_to_error::deserialize::<_, T>(de).map(ApiQuery).map_err(|e| {
            let field = e.path().to_string();
            let field = if field == "." { "query".to_string() } else { field };
            Error::invalid(&field, e.inner().to_string())
        })
    }
}

/// `?limit=` (default 50, at most 500) and `?offset=`.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListParams {
    /// How many items to return (1-500, default 50).
    pub limit: Option<i64>,
    /// How many items to skip.
    pub offset: Option<i64>,
}

impl ListParams {
    pub fn limit(&self) -> i64 {
        self.limit.unwrap_or(50).clamp(1, 500)
    }
    pub fn offset(&self) -> i64 {
        self.offset.unwrap_or(0).max(0)
    }
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ListResponse<T> {
    pub items: Vec<T>,
    pub total: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    struct Input {
        #[allow(dead_code)]
        a: Option<i32>,
        #[allow(dead_code)]
        b: Option<i32>,
    }

    #[test]
    fn an_array_is_refused_where_an_object_is_expected_naming_the_body() {
        for body in [&b"[null, null]"[..], b"  [1, 2]", b"[]"] {
            match parse_json::<Input>(body) {
                Err(Error::Invalid(errors)) => assert!(format!("{errors:?}").contains("body"), "{errors:?}"),
                other => panic!("{:?} was read as {other:?}", String::from_utf8_lossy(body)),
            }
        }
        assert!(parse_json::<Input>(b"{\"a\": 1}").is_ok());
        assert!(matches!(parse_json::<Input>(b"{\"a\": \"x\"}"), Err(Error::Invalid(_))));
    }
}
