//! One error type for the whole server. API routes answer `application/problem+json`; page routes turn the same
//! error into an HTML page in the layout (see `web::error_pages`). Internals are logged, never shown.

use std::collections::BTreeMap;

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// Messages per invalid field, in a stable order.
#[derive(Debug, Default, Clone, Serialize, PartialEq, Eq)]
pub struct FieldErrors(pub BTreeMap<String, Vec<String>>);

impl FieldErrors {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        self.0.entry(field.to_string()).or_default().push(message.into());
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The first message for `field`, for showing beside a form field.
    pub fn get(&self, field: &str) -> Option<&str> {
        self.0.get(field).and_then(|m| m.first()).map(String::as_str)
    }

    /// `Ok(())` when nothing was added, otherwise the 422 error naming every field.
    pub fn into_result(self) -> Result<(), Error> {
        if self.is_empty() { Ok(()) } else { Err(Error::Invalid(self)) }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{0}")]
    BadRequest(String),
    #[error("authentication required")]
    Unauthorized,
    #[error("{0}")]
    Forbidden(String),
    #[error("not found")]
    NotFound,
    #[error("{0}")]
    Conflict(String),
    #[error("invalid fields")]
    Invalid(FieldErrors),
    #[error("too many attempts")]
    TooManyRequests { retry_after: u64 },
    /// Busy (every password-hashing slot taken) or the database unreachable for a moment: nothing was done, and
    /// trying again after `retry_after` seconds may work.
    #[error("temporarily unavailable")]
    Unavailable { retry_after: u64 },
    /// A partner person whose organisation has not accepted the current partner agreement.
    #[error("partner agreement not accepted")]
    AgreementPending,
    #[error(transparent)]
    Internal(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    pub fn invalid(field: &str, message: impl Into<String>) -> Error {
        let mut errors = FieldErrors::new();
        errors.add(field, message);
        Error::Invalid(errors)
    }

    pub fn forbidden() -> Error {
        Error::Forbidden("your role does not allow this".into())
    }

    pub fn status(&self) -> StatusCode {
        match self {
            Error::BadRequest(_) => StatusCode::BAD_REQUEST,
            Error::Unauthorized => StatusCode::UNAUTHORIZED,
            Error::Forbidden(_) | Error::AgreementPending => StatusCode::FORBIDDEN,
            Error::NotFound => StatusCode::NOT_FOUND,
            Error::Conflict(_) => StatusCode::CONFLICT,
            Error::Invalid(_) => StatusCode::UNPROCESSABLE_ENTITY,
            Error::TooManyRequests { .. } => StatusCode::TOO_MANY_REQUESTS,
            Error::Unavailable { .. } => StatusCode::SERVICE_UNAVAILABLE,
            Error::Internal(_) => StatusCode::INTERNAL_SERVER_ERROR,
        }
    }

    fn title(&self) -> &'static str {
        match self {
            Error::BadRequest(_) => "Malformed request",
            Error::Unauthorized => "Authentication required",
            Error::Forbidden(_) => "Forbidden",
            Error::AgreementPending => "Partner agreement not accepted",
            Error::NotFound => "Not found",
            Error::Conflict(_) => "Conflict",
            Error::Invalid(_) => "Invalid input",
            Error::TooManyRequests { .. } => "Too many attempts",
            Error::Unavailable { .. } => "Temporarily unavailable",
            Error::Internal(_) => "Something went wrong",
        }
    }

    fn detail(&self) -> String {
        match self {
            Error::BadRequest(m) | Error::Forbidden(m) | Error::Conflict(m) => m.clone(),
            Error::Unauthorized => "Sign in, or send a valid bearer token.".into(),
            Error::AgreementPending => {
                "Your organisation has not accepted the current partner agreement. A partner admin \
                                        must accept it (GET /api/v1/agreement, POST /api/v1/agreement/accept) before \
                                        the portal can be used."
                    .into()
            }
            Error::NotFound => "There is nothing here, or you may not see it.".into(),
            Error::Invalid(_) => "Some fields are invalid; each is named in `errors`.".into(),
            Error::TooManyRequests { retry_after } => {
                format!("Too many attempts from here. Try again in {} minute(s).", retry_after.div_ceil(60))
            }
            Error::Unavailable { retry_after } => {
                format!(
                    "The server cannot take this request right now; nothing was done. Try again in {retry_after} s."
                )
            }
            Error::Internal(_) => "An unexpected error occurred. It has been logged.".into(),
        }
    }
}

/// Carried on error responses so that page routes can render the same error as HTML.
#[derive(Clone, Debug)]
pub struct ErrorInfo {
    pub status: StatusCode,
    pub title: &'static str,
    pub detail: String,
    /// Where a page route sends the visitor instead of showing the error.
    pub redirect: Option<&'static str>,
}

#[derive(Serialize)]
struct Problem<'a> {
    #[serde(rename = "type")]
    kind: &'static str,
    title: &'a str,
    status: u16,
    detail: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    errors: Option<&'a FieldErrors>,
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        let error = match self {
            // A lost database connection reached here wrapped in another error: still a moment's outage, not a bug.
            Error::Internal(cause) if cause.chain().any(|e| e.downcast_ref().is_some_and(crate::db::is_outage)) => {
                tracing::warn!(error = ?cause, "database unavailable");
                Error::Unavailable { retry_after: RETRY_AFTER_OUTAGE }
            }
            other => other,
        };
        if let Error::Internal(cause) = &error {
            tracing::error!(error = ?cause, "request failed");
        }
        let status = error.status();
        let detail = error.detail();
        let errors = match &error {
            Error::Invalid(e) => Some(e),
            _ => None,
        };
        let body = serde_json::to_vec(&Problem {
            kind: "about:blank",
            title: error.title(),
            status: status.as_u16(),
            detail: &detail,
            errors,
        })
        .unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/problem+json"));
        if let Error::TooManyRequests { retry_after } | Error::Unavailable { retry_after } = &error {
            headers.insert(header::RETRY_AFTER, HeaderValue::from(*retry_after));
        }
        if let Error::Unauthorized = &error {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        let redirect = matches!(error, Error::AgreementPending).then_some("/agreement");
        response.extensions_mut().insert(ErrorInfo { status, title: error.title(), detail, redirect });
        response
    }
}

/// Seconds a client is asked to wait when the database connection was lost.
pub const RETRY_AFTER_OUTAGE: u64 = 2;

impl From<sqlx::Error> for Error {
    fn from(e: sqlx::Error) -> Self {
        match e {
            sqlx::Error::RowNotFound => Error::NotFound,
            // The connection died mid-transaction (or none could be had): the transaction is lost with it, so nothing
            // of this request was applied.
            other if crate::db::is_outage(&other) => {
                tracing::warn!(error = %other, "database unavailable");
                Error::Unavailable { retry_after: RETRY_AFTER_OUTAGE }
            }
            // Text with the NUL character, which PostgreSQL cannot store, from an input no check caught: the
            // client's to fix, and nothing was stored.
            sqlx::Error::Database(db) if db.code().as_deref() == Some("22021") => {
                Error::BadRequest("Remove the NUL character from the text.".into())
            }
            other => Error::Internal(anyhow::Error::new(other)),
        }
    }
}

/// Whether `e` is a violation of the named constraint, for turning races the database decides into field errors.
pub fn violates(e: &sqlx::Error, constraint: &str) -> bool {
    match e {
        sqlx::Error::Database(db) => db.constraint() == Some(constraint),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_lost_database_connection_answers_503_with_retry_after_not_500() {
        let lost = sqlx::Error::Io(std::io::Error::from(std::io::ErrorKind::ConnectionReset));
        let response = Error::from(lost).into_response();
        assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(response.headers()[header::RETRY_AFTER], RETRY_AFTER_OUTAGE.to_string().as_str());
        // Also when it reaches the response wrapped in another error.
        let wrapped = anyhow::Error::new(sqlx::Error::PoolTimedOut).context("reading the queue");
        assert_eq!(Error::Internal(wrapped).into_response().status(), StatusCode::SERVICE_UNAVAILABLE);
    }

    #[test]
    fn other_database_errors_stay_500() {
        let response = Error::from(sqlx::Error::Protocol("unexpected message".into())).into_response();
        assert_eq!(response.status(), StatusCode::INTERNAL_SERVER_ERROR);
        assert!(response.headers().get(header::RETRY_AFTER).is_none());
    }
}
