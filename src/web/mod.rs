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
            ("/deals/queue", "Approvals"),
            ("/deals", "Deals"),
            ("/admin/partners", "Partners"),
            ("/users", "Users"),
            ("/admin/outbox", "Outbox"),
            ("/admin/audit", "Audit log"),
            ("/admin/deal-policy", "Policy"),
        ],
        Role::ChannelChief => &[("/", "Overview"), ("/deals", "Deals")],
        Role::Cam => &[("/", "My partners"), ("/deals/queue", "Approvals"), ("/deals", "Deals")],
        Role::PartnerAdmin => &[("/", "Home"), ("/deals", "Deals"), ("/users", "Team")],
        Role::PartnerUser => &[("/", "Home"), ("/deals", "Deals")],
    }
}

/// A notice shown after a redirect, chosen by a fixed code so that no text can be injected through the URL.
pub fn notice(code: Option<&str>, known: &[(&str, &str)]) -> Option<String> {
    let code = code?;
    known.iter().find(|(c, _)| *c == code).map(|(_, text)| text.to_string())
}
