//! Shared page plumbing: the layout context every page carries, navigation per role, formatting of what people read,
//! the stylesheet, and HTML error pages.

pub mod assets;
pub mod error_pages;
pub mod format;

use crate::auth::csrf::CsrfToken;
use crate::auth::{CurrentUser, Role};

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
}

/// What the base layout needs: title, who is signed in, navigation, the CSRF token for forms, and a notice.
pub struct Page {
    pub title: String,
    pub csrf: String,
    pub user_name: String,
    pub role_label: String,
    pub tenant_name: String,
    pub nav: Vec<NavLink>,
    pub notice: Option<String>,
    pub asset_version: u64,
    /// A visitor's page with a long form (the public application): a wider card.
    pub wide: bool,
}

impl Page {
    pub fn new(title: impl Into<String>, csrf: &CsrfToken, user: &CurrentUser, path: &str) -> Page {
        let nav = nav_for(user.role)
            .iter()
            .map(|&(href, label)| NavLink {
                href,
                label,
                current: if href == "/" || href == "/deals" { path == href } else { path.starts_with(href) },
            })
            .collect();
        Page {
            title: title.into(),
            csrf: csrf.0.clone(),
            user_name: user.name.clone(),
            role_label: user.role.label().to_string(),
            tenant_name: user.tenant_name.clone(),
            nav,
            notice: None,
            asset_version: assets::VERSION,
            wide: false,
        }
    }

    /// A page for visitors (sign-in, invitation, errors): no navigation.
    pub fn public(title: impl Into<String>, csrf: Option<&CsrfToken>) -> Page {
        Page {
            title: title.into(),
            csrf: csrf.map(|c| c.0.clone()).unwrap_or_default(),
            user_name: String::new(),
            role_label: String::new(),
            tenant_name: String::new(),
            nav: Vec::new(),
            notice: None,
            asset_version: assets::VERSION,
            wide: false,
        }
    }

    pub fn with_notice(mut self, notice: Option<String>) -> Page {
        self.notice = notice;
        self
    }

    pub fn signed_in(&self) -> bool {
        !self.user_name.is_empty()
    }
}

fn nav_for(role: Role) -> &'static [(&'static str, &'static str)] {
    match role {
        Role::ProgramAdmin => &[
            ("/", "Overview"),
            ("/applications", "Applications"),
            ("/deals/queue", "Approvals"),
            ("/deals", "Deals"),
            ("/onboarding", "Onboarding"),
            ("/admin/partners", "Partners"),
            ("/users", "Users"),
            ("/admin/program", "Program"),
            ("/admin/outbox", "Outbox"),
            ("/admin/audit", "Audit log"),
        ],
        Role::ChannelChief => &[("/", "Overview"), ("/deals", "Deals"), ("/onboarding", "Onboarding")],
        Role::Cam => &[
            ("/", "My partners"),
            ("/applications", "Applications"),
            ("/deals/queue", "Approvals"),
            ("/deals", "Deals"),
            ("/onboarding", "Onboarding"),
        ],
        Role::PartnerAdmin => &[
            ("/", "Home"),
            ("/onboarding", "Onboarding"),
            ("/deals", "Deals"),
            ("/users", "Team"),
            ("/agreement", "Agreement"),
        ],
        Role::PartnerUser => {
            &[("/", "Home"), ("/onboarding", "Onboarding"), ("/deals", "Deals"), ("/agreement", "Agreement")]
        }
    }
}

/// Every country as a select's options, after an empty "Choose a country".
pub fn country_options() -> Vec<(String, String)> {
    let mut out = vec![(String::new(), "Choose a country".to_string())];
    out.extend(crate::countries::COUNTRIES.iter().map(|(c, n)| (c.to_string(), n.to_string())));
    out
}

/// A notice shown after a redirect, chosen by a fixed code so that no text can be injected through the URL.
pub fn notice(code: Option<&str>, known: &[(&str, &str)]) -> Option<String> {
    let code = code?;
    known.iter().find(|(c, _)| *c == code).map(|(_, text)| text.to_string())
}

/// A form body in which repeated fields (a group of checkboxes) collect into a `Vec`. Form structs take every field as
/// text, so that each value can be checked and reported beside its field.
pub struct HtmlForm<T>(pub T);

impl<T: serde::de::DeserializeOwned, S: Send + Sync> axum::extract::FromRequest<S> for HtmlForm<T> {
    type Rejection = crate::error::Error;

    async fn from_request(req: axum::extract::Request, state: &S) -> Result<Self, Self::Rejection> {
        let bytes = axum::body::Bytes::from_request(req, state)
            .await
            .map_err(|_| crate::error::Error::BadRequest("The form could not be read.".into()))?;
        serde_html_form::from_bytes(&bytes)
            .map(HtmlForm)
            .map_err(|e| crate::error::Error::BadRequest(format!("The form could not be read: {e}.")))
    }
}
