//! Errors on page routes become pages in the layout; an expired or missing session sends the visitor to sign in.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::Request;
use axum::http::{Method, StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};

use super::Page;
use crate::error::{Error, ErrorInfo};

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    page: Page,
    code: u16,
    heading: &'static str,
    detail: String,
}

pub async fn render(request: Request, next: Next) -> Response {
    let target = request.uri().path_and_query().map(|p| p.as_str().to_string()).unwrap_or_else(|| "/".into());
    let is_get = request.method() == Method::GET;
    let response = next.run(request).await;
    let Some(info) = response.extensions().get::<ErrorInfo>().cloned() else {
        return response;
    };
    if let Some(to) = info.redirect {
        return Redirect::to(to).into_response();
    }
    if info.status == StatusCode::UNAUTHORIZED {
        let next = if is_get && target != "/" {
            format!("/login?next={}", form_urlencoded::byte_serialize(target.as_bytes()).collect::<String>())
        } else {
            "/login".into()
        };
        return Redirect::to(&next).into_response();
    }
    let heading = match info.status {
        StatusCode::NOT_FOUND => "Page not found",
        StatusCode::FORBIDDEN => "You can't do that here",
        StatusCode::TOO_MANY_REQUESTS => "Too many attempts",
        s if s.is_server_error() => "Something went wrong on our side",
        _ => info.title,
    };
    let retry_after = response.headers().get(header::RETRY_AFTER).cloned();
    let mut html =
        ErrorPage { page: Page::public(heading, None), code: info.status.as_u16(), heading, detail: info.detail }
            .into_response();
    *html.status_mut() = info.status;
    if let Some(v) = retry_after {
        html.headers_mut().insert(header::RETRY_AFTER, v);
    }
    html
}

pub async fn not_found() -> Error {
    Error::NotFound
}
