//! Who is calling: roles, the session extractor that hands handlers a tenant-scoped transaction, sign-in and
//! sign-out, CSRF and Origin checks.

pub mod client;
pub mod csrf;
pub mod login;
pub mod password;
pub mod redirect;
pub mod routes;
pub mod store;
pub mod throttle;
pub mod token;

use std::marker::PhantomData;
use std::net::IpAddr;

use axum::extract::{ConnectInfo, FromRequestParts, OriginalUri};
use axum::http::header;
use axum::http::request::Parts;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::db::{self, Tx};
use crate::error::Error;
use crate::ids::{PartnerId, SessionId, TenantId, UserId};

pub const SESSION_COOKIE: &str = "tributary_session";

/// What a user may do; stored as its snake_case name in `users.role`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, sqlx::Type, utoipa::ToSchema)]
#[sqlx(type_name = "text", rename_all = "snake_case")]
#[serde(rename_all = "snake_case")]
pub enum Role {
    ProgramAdmin,
    ChannelChief,
    Cam,
    PartnerAdmin,
    PartnerUser,
}

impl Role {
    pub const ALL: [Role; 5] =
        [Role::ProgramAdmin, Role::ChannelChief, Role::Cam, Role::PartnerAdmin, Role::PartnerUser];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::ProgramAdmin => "program_admin",
            Role::ChannelChief => "channel_chief",
            Role::Cam => "cam",
            Role::PartnerAdmin => "partner_admin",
            Role::PartnerUser => "partner_user",
        }
    }

    /// The role named in a form or a JSON body.
    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Role::ProgramAdmin => "Program admin",
            Role::ChannelChief => "Channel chief",
            Role::Cam => "Channel account manager",
            Role::PartnerAdmin => "Partner admin",
            Role::PartnerUser => "Partner user",
        }
    }

    pub fn is_partner(self) -> bool {
        matches!(self, Role::PartnerAdmin | Role::PartnerUser)
    }
}

/// The signed-in user of this request, as the database says now (not as the token said when issued).
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub id: UserId,
    pub tenant_id: TenantId,
    pub session_id: SessionId,
    pub role: Role,
    pub partner_id: Option<PartnerId>,
    pub name: String,
    pub email: String,
    pub tenant_name: String,
    /// For pages: the reader's zones and the navigation's counts (UTC and none for the API).
    pub reader: crate::web::store::Reader,
}

/// Which partners a user may see inside the tenant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Tenant,
    Cam(UserId),
    Partner(PartnerId),
}

impl Scope {
    /// The CAM whose partners the scope holds.
    pub fn cam(self) -> Option<UserId> {
        match self {
            Scope::Cam(id) => Some(id),
            _ => None,
        }
    }

    /// The partner the scope holds.
    pub fn partner(self) -> Option<PartnerId> {
        match self {
            Scope::Partner(id) => Some(id),
            _ => None,
        }
    }
}

impl CurrentUser {
    pub fn scope(&self) -> Scope {
        match (self.role, self.partner_id) {
            (Role::Cam, _) => Scope::Cam(self.id),
            (_, Some(p)) => Scope::Partner(p),
            _ => Scope::Tenant,
        }
    }
}

/// The roles an endpoint admits.
pub trait RoleSet: Send + Sync + 'static {
    const ROLES: &'static [Role];
}

macro_rules! role_set {
    ($(#[$doc:meta])* $name:ident = [$($role:ident),+]) => {
        $(#[$doc])*
        pub struct $name;
        impl RoleSet for $name {
            const ROLES: &'static [Role] = &[$(Role::$role),+];
        }
    };
}

role_set!(/// Any signed-in user.
    AnyRole = [ProgramAdmin, ChannelChief, Cam, PartnerAdmin, PartnerUser]);
role_set!(/// Configures the tenant's program.
    ProgramAdmin = [ProgramAdmin]);
role_set!(/// The vendor's own people.
    Staff = [ProgramAdmin, ChannelChief, Cam]);
role_set!(/// Vendor people who act on partners (the chief only reads).
    Manager = [ProgramAdmin, Cam]);
role_set!(/// People of a partner organisation.
    PartnerMember = [PartnerAdmin, PartnerUser]);
role_set!(/// Who may invite and deactivate users: the program admin for the tenant, a partner admin for its org.
    UserAdmin = [ProgramAdmin, PartnerAdmin]);

/// A signed-in user with one of the roles `R`, and a transaction scoped to their tenant: the one way a handler reaches
/// the database. The token's signature proves who issued it; the statement that opens the transaction checks that
/// the session still holds (not signed out, not expired, the user active and on the same session version) and, for
/// partner people, that their organisation has accepted the current agreement. Handlers commit the transaction when
/// they wrote; dropping it rolls back.
pub struct Auth<R: RoleSet = AnyRole> {
    pub user: CurrentUser,
    pub tx: Tx,
    _roles: PhantomData<R>,
}

impl<R: RoleSet> FromRequestParts<AppState> for Auth<R> {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        // Nested routers see their path without the `/api/v1` prefix; the original URI says where we are.
        let path = parts.extensions.get::<OriginalUri>().map(|u| u.0.path()).unwrap_or(parts.uri.path());
        let token = if path.starts_with("/api/") { bearer_token(parts) } else { cookie(parts, SESSION_COOKIE) };
        let claims = token.and_then(|t| state.keys.verify(&t)).ok_or(Error::Unauthorized)?;
        if !R::ROLES.contains(&claims.role) {
            return Err(Error::forbidden());
        }
        let check = db::SessionCheck {
            tenant: claims.tid,
            user: claims.sub,
            session: claims.sid,
            version: claims.sv,
            agreement: claims.role.is_partner() && !agreement_exempt(path),
        };
        let mut tx = db::begin_session(&state.pool, &check).await?.map_err(refused)?;
        let mut user = CurrentUser {
            id: claims.sub,
            tenant_id: claims.tid,
            session_id: claims.sid,
            role: claims.role,
            partner_id: claims.pid,
            name: claims.name,
            email: claims.email,
            tenant_name: claims.tn,
            reader: Default::default(),
        };
        if !path.starts_with("/api/") {
            // A page: its times read in the reader's zone, and its navigation counts what waits for them.
            user.reader = crate::web::store::reader(&mut tx, user.id, user.role, user.scope()).await?;
            crate::web::format::set_reader_zone(user.reader.zone);
        }
        Ok(Auth { user, tx, _roles: PhantomData })
    }
}

/// The answer to a request whose session the database refused.
pub fn refused(refusal: db::SessionRefused) -> Error {
    match refusal {
        db::SessionRefused::Invalid => Error::Unauthorized,
        db::SessionRefused::AgreementPending => Error::AgreementPending,
    }
}

/// Where partner people may go before their organisation has accepted the current partner agreement: the agreement
/// itself and signing in or out.
fn agreement_exempt(path: &str) -> bool {
    path == "/agreement"
        || path.starts_with("/agreement/")
        || path.starts_with("/api/v1/agreement")
        || path.starts_with("/api/v1/auth/")
        || path == "/logout"
        || path == "/login"
}

/// The signed-in user when there is one, for pages that also serve visitors (the sign-in page).
pub struct MaybeAuth(pub Option<Auth>);

impl FromRequestParts<AppState> for MaybeAuth {
    type Rejection = Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        match Auth::<AnyRole>::from_request_parts(parts, state).await {
            Ok(auth) => Ok(MaybeAuth(Some(auth))),
            Err(Error::Unauthorized) => Ok(MaybeAuth(None)),
            Err(e) => Err(e),
        }
    }
}

/// The client's address: the connection's peer, or, when that is a trusted proxy, the address it forwards (see
/// `client::client_ip`). `None` when the server was started without connect info.
pub struct ClientIp(pub Option<IpAddr>);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let peer = parts.extensions.get::<ConnectInfo<std::net::SocketAddr>>().map(|c| c.0.ip());
        Ok(ClientIp(client::client_ip(peer, &parts.headers, &state.trusted_proxies)))
    }
}

pub fn bearer_token(parts: &Parts) -> Option<String> {
    let value = parts.headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_string())
}

pub fn cookie(parts: &Parts, name: &str) -> Option<String> {
    cookie_from_headers(&parts.headers, name)
}

pub fn cookie_from_headers(headers: &axum::http::HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_string())
}
