//! Cross-site request forgery defences. Every state-changing request must come from our own origin (when the browser
//! says where it comes from), and every page form carries a token that matches the visitor's CSRF cookie
//! (double submit). The API takes bearer tokens only, which a forged cross-site request cannot carry.

use axum::body::{Body, to_bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderMap, HeaderValue, Method, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use rand::RngCore;

use crate::AppState;
use crate::error::Error;

pub const COOKIE: &str = "tributary_csrf";
pub const FIELD: &str = "_csrf";
const MAX_FORM_BYTES: usize = 256 * 1024;

/// The CSRF token of this visitor, for hidden form fields.
#[derive(Clone, Debug)]
pub struct CsrfToken(pub String);

fn is_unsafe(method: &Method) -> bool {
    !matches!(*method, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// Refuses unsafe requests whose `Origin` (or, lacking it, `Referer`) names another site.
pub async fn verify_origin(State(state): State<AppState>, request: Request, next: Next) -> Response {
    if is_unsafe(request.method()) && !same_origin(request.headers(), &state.base_url) {
        return Error::Forbidden("This request came from another site and was refused.".into()).into_response();
    }
    next.run(request).await
}

fn same_origin(headers: &HeaderMap, base_url: &str) -> bool {
    let claimed = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()).map(str::to_string).or_else(|| {
        let referer = headers.get(header::REFERER)?.to_str().ok()?;
        let url = url::Url::parse(referer).ok()?;
        Some(url.origin().ascii_serialization())
    });
    let Some(claimed) = claimed else { return true };
    if claimed.eq_ignore_ascii_case(base_url) {
        return true;
    }
    let host = headers.get(header::HOST).and_then(|v| v.to_str().ok()).unwrap_or("");
    let without_scheme = claimed.split_once("://").map(|(_, rest)| rest).unwrap_or("");
    !host.is_empty() && without_scheme.eq_ignore_ascii_case(host)
}

/// For page routes: hands the visitor's token to handlers, sets the cookie on first visit, and checks the token of
/// every form post before the handler sees it.
pub async fn protect_forms(State(state): State<AppState>, request: Request, next: Next) -> Response {
    let existing = super::cookie_from_headers(request.headers(), COOKIE).filter(|t| t.len() == 32);
    let token = existing.clone().unwrap_or_else(new_token);
    let (mut parts, body) = request.into_parts();
    let multipart = parts
        .headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    let body = if is_unsafe(&parts.method) && multipart {
        // A file upload: the token rides in the form's action URL, and the body (megabytes) streams to the handler,
        // which bounds it.
        let query = parts.uri.query().unwrap_or("").as_bytes();
        let submitted = form_urlencoded::parse(query).find(|(k, _)| k == FIELD).map(|(_, v)| v.into_owned());
        let valid = existing.is_some() && submitted.is_some_and(|s| constant_time_eq(s.as_bytes(), token.as_bytes()));
        if !valid {
            return Error::Forbidden("This form has expired. Reload the page and try again.".into()).into_response();
        }
        body
    } else if is_unsafe(&parts.method) {
        let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
            return Error::BadRequest("The form is too large.".into()).into_response();
        };
        let submitted = form_urlencoded::parse(&bytes).find(|(k, _)| k == FIELD).map(|(_, v)| v.into_owned());
        let valid = existing.is_some() && submitted.is_some_and(|s| constant_time_eq(s.as_bytes(), token.as_bytes()));
        if !valid {
            return Error::Forbidden("This form has expired. Reload the page and try again.".into()).into_response();
        }
        Body::from(bytes)
    } else {
        body
    };
    parts.extensions.insert(CsrfToken(token.clone()));
    let mut response = next.run(Request::from_parts(parts, body)).await;
    if existing.is_none() {
        let secure = if state.secure_cookies { "; Secure" } else { "" };
        let cookie = format!("{COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax{secure}");
        if let Ok(value) = HeaderValue::from_str(&cookie) {
            response.headers_mut().append(header::SET_COOKIE, value);
        }
    }
    response
}

fn new_token() -> String {
    let mut bytes = [0u8; 16];
    rand::thread_rng().fill_bytes(&mut bytes);
    hex::encode(bytes)
}

fn constant_time_eq(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, v.parse().unwrap());
        }
        h
    }

    #[test]
    fn a_request_from_another_site_is_not_same_origin() {
        let h = headers(&[("origin", "https://evil.example"), ("host", "127.0.0.1:8080")]);
        assert!(!same_origin(&h, "http://127.0.0.1:8080"));
    }

    #[test]
    fn the_configured_base_url_and_the_host_itself_are_same_origin() {
        assert!(same_origin(&headers(&[("origin", "http://127.0.0.1:8080")]), "http://127.0.0.1:8080"));
        let h = headers(&[("origin", "http://prm.example.com"), ("host", "prm.example.com")]);
        assert!(same_origin(&h, "http://127.0.0.1:8080"));
    }

    #[test]
    fn a_foreign_referer_counts_when_origin_is_missing() {
        let h = headers(&[("referer", "https://evil.example/page"), ("host", "127.0.0.1:8080")]);
        assert!(!same_origin(&h, "http://127.0.0.1:8080"));
    }
}
