//! Sign-in and sign-out, as JSON (`/api/v1/auth/*`) and as pages (`/login`, `/logout`), and the invitation page
//! where an invited user sets a password.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Extension, Form, Json, Router};
use serde::{Deserialize, Serialize};

use super::csrf::CsrfToken;
use super::login::{self, Credentials};
use super::{Auth, ClientIp, MaybeAuth, Role, SESSION_COOKIE, token::LIFETIME_HOURS};
use crate::AppState;
use crate::api::ApiJson;
use crate::error::{Error, FieldErrors, Result};
use crate::ids::{PartnerId, TenantId, UserId};
use crate::users::invitations;
use crate::web::{Page, notice};

pub fn api() -> Router<AppState> {
    Router::new()
        .route("/auth/login", post(api_login))
        .route("/auth/logout", post(api_logout))
        .route("/auth/me", get(api_me))
}

pub fn pages() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", post(logout_submit))
        .route("/invitations/{token}", get(invitation_page).post(invitation_submit))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginRequest {
    /// The tenant's slug, e.g. `demo`.
    #[serde(default)]
    #[schema(required = true, min_length = 1, pattern = r"\S")]
    pub tenant: String,
    #[serde(default)]
    #[schema(required = true, format = Email)]
    pub email: String,
    #[serde(default)]
    #[schema(required = true, min_length = 1)]
    pub password: String,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginUser {
    pub id: UserId,
    pub email: String,
    pub role: Role,
    pub partner_id: Option<PartnerId>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginResponse {
    /// Send as `Authorization: Bearer TOKEN`.
    pub token: String,
    pub user: LoginUser,
}

/// Signs in. Wrong credentials are 401; repeated failures for an account or an address are 429 with Retry-After, and
/// a server too busy to check the password now is 503 with Retry-After.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = LoginResponse), (status = 401), (status = 422), (status = 429),
        (status = 503, description = "Busy; try again after Retry-After")))]
pub async fn api_login(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    ApiJson(req): ApiJson<LoginRequest>,
) -> Result<Json<LoginResponse>> {
    let creds = Credentials { tenant: req.tenant, email: req.email, password: req.password };
    let s = login::sign_in(&state, creds, ip).await?;
    Ok(Json(LoginResponse {
        token: s.token,
        user: LoginUser { id: s.user_id, email: s.email, role: s.role, partner_id: s.partner_id },
    }))
}

/// Revokes the token used for this request.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204), (status = 401)),
    security(("bearer" = [])))]
pub async fn api_logout(Auth { user, mut tx, .. }: Auth) -> Result<StatusCode> {
    login::sign_out(&mut tx, user.session_id).await?;
    tx.commit().await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Me {
    pub id: UserId,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub partner_id: Option<PartnerId>,
    pub tenant_id: TenantId,
}

/// The signed-in user.
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", responses((status = 200, body = Me), (status = 401)),
    security(("bearer" = [])))]
pub async fn api_me(Auth { user, tx, .. }: Auth) -> Result<Json<Me>> {
    tx.commit().await?;
    Ok(Json(Me {
        id: user.id,
        email: user.email,
        name: user.name,
        role: user.role,
        partner_id: user.partner_id,
        tenant_id: user.tenant_id,
    }))
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/login.html")]
struct LoginPage {
    page: Page,
    tenant: String,
    email: String,
    next: String,
    error: Option<String>,
    errors: FieldErrors,
}

#[derive(Deserialize, Default)]
struct LoginQuery {
    next: Option<String>,
    tenant: Option<String>,
    notice: Option<String>,
}

const LOGIN_NOTICES: &[(&str, &str)] =
    &[("signed-out", "You have signed out."), ("password-set", "Your password is set. Sign in to continue.")];

async fn login_page(
    State(state): State<AppState>,
    MaybeAuth(auth): MaybeAuth,
    Extension(csrf): Extension<CsrfToken>,
    Query(q): Query<LoginQuery>,
) -> Response {
    if auth.is_some() {
        return Redirect::to("/").into_response();
    }
    LoginPage {
        page: Page::public("Sign in", Some(&csrf)).with_notice(notice(q.notice.as_deref(), LOGIN_NOTICES)),
        tenant: q.tenant.unwrap_or_default(),
        email: String::new(),
        next: safe_next(q.next.as_deref(), &state.base_url),
        error: None,
        errors: FieldErrors::new(),
    }
    .into_response()
}

#[derive(Deserialize)]
struct LoginForm {
    #[serde(default)]
    tenant: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

async fn login_submit(
    State(state): State<AppState>,
    ClientIp(ip): ClientIp,
    Extension(csrf): Extension<CsrfToken>,
    Form(form): Form<LoginForm>,
) -> Response {
    let next = safe_next(Some(&form.next), &state.base_url);
    let creds = Credentials { tenant: form.tenant.clone(), email: form.email.clone(), password: form.password };
    let failed = |status: StatusCode, error: Option<String>, errors: FieldErrors| {
        let mut response = LoginPage {
            page: Page::public("Sign in", Some(&csrf)),
            tenant: form.tenant.clone(),
            email: form.email.clone(),
            next: next.clone(),
            error,
            errors,
        }
        .into_response();
        *response.status_mut() = status;
        response
    };
    match login::sign_in(&state, creds, ip).await {
        Ok(signed_in) => {
            let mut response = Redirect::to(&next).into_response();
            set_session_cookie(&mut response, &signed_in.token, state.secure_cookies);
            response
        }
        Err(Error::Invalid(errors)) => failed(StatusCode::UNPROCESSABLE_ENTITY, None, errors),
        Err(Error::Unauthorized) => failed(
            StatusCode::UNAUTHORIZED,
            Some("The workspace, email or password is not right.".into()),
            FieldErrors::new(),
        ),
        Err(e @ Error::TooManyRequests { retry_after }) => {
            let message = e.to_string();
            let mut response = failed(
                StatusCode::TOO_MANY_REQUESTS,
                Some(format!("{message}: wait {} minute(s) before trying again.", retry_after.div_ceil(60))),
                FieldErrors::new(),
            );
            response.headers_mut().insert(header::RETRY_AFTER, HeaderValue::from(retry_after));
            response
        }
        Err(other) => other.into_response(),
    }
}

async fn logout_submit(State(state): State<AppState>, MaybeAuth(auth): MaybeAuth) -> Result<Response> {
    if let Some(Auth { user, mut tx, .. }) = auth {
        login::sign_out(&mut tx, user.session_id).await?;
        tx.commit().await?;
    }
    let mut response = Redirect::to("/login?notice=signed-out").into_response();
    set_session_cookie(&mut response, "", state.secure_cookies);
    Ok(response)
}

fn set_session_cookie(response: &mut Response, token: &str, secure: bool) {
    let max_age = if token.is_empty() { 0 } else { LIFETIME_HOURS * 3600 };
    let secure = if secure { "; Secure" } else { "" };
    let cookie = format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}");
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        response.headers_mut().append(header::SET_COOKIE, value);
    }
}

/// Only paths of our own origin: an attacker must not turn the sign-in page into a redirect to their site.
fn safe_next(next: Option<&str>, base_url: &str) -> String {
    let base = url::Url::parse(base_url).ok();
    next.zip(base.as_ref()).and_then(|(n, base)| super::redirect::local_path(n, base)).unwrap_or_else(|| "/".into())
}

#[derive(Template, WebTemplate)]
#[template(path = "auth/invitation.html")]
struct InvitationPage {
    page: Page,
    name: String,
    email: String,
    errors: FieldErrors,
}

async fn invitation_page(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(token): Path<String>,
) -> Result<InvitationPage> {
    let invitee = invitations::find(&state.pool, &token).await?;
    Ok(InvitationPage {
        page: Page::public("Set your password", Some(&csrf)),
        name: invitee.name,
        email: invitee.email,
        errors: FieldErrors::new(),
    })
}

#[derive(Deserialize)]
struct InvitationForm {
    #[serde(default)]
    password: String,
    #[serde(default)]
    confirm: String,
}

async fn invitation_submit(
    State(state): State<AppState>,
    Extension(csrf): Extension<CsrfToken>,
    Path(token): Path<String>,
    Form(form): Form<InvitationForm>,
) -> Result<Response> {
    let invitee = invitations::find(&state.pool, &token).await?;
    let mut errors = FieldErrors::new();
    if form.password != form.confirm {
        errors.add("confirm", "The two passwords differ.");
    }
    let result = if errors.is_empty() {
        invitations::accept(&state, &token, form.password).await
    } else {
        Err(Error::Invalid(errors))
    };
    match result {
        Ok(done) => {
            Ok(Redirect::to(&format!("/login?notice=password-set&tenant={}", done.tenant_slug)).into_response())
        }
        Err(Error::Invalid(errors)) => {
            let mut response = InvitationPage {
                page: Page::public("Set your password", Some(&csrf)),
                name: invitee.name,
                email: invitee.email,
                errors,
            }
            .into_response();
            *response.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
            Ok(response)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::safe_next;

    #[test]
    fn only_local_paths_are_followed_after_sign_in() {
        let base = "http://127.0.0.1:8080";
        assert_eq!(safe_next(Some("/admin/users"), base), "/admin/users");
        for evil in
            ["//evil.example", "https://evil.example", "/\\evil.example", "/\t/evil.example", "/%09/evil.example"]
        {
            assert_eq!(safe_next(Some(evil), base), "/", "{evil:?}");
        }
        assert_eq!(safe_next(None, base), "/");
    }
}
