//! Shared page plumbing: the layout context every page carries, navigation per role, formatting of what people read,
//! the stylesheet, and HTML error pages.

pub mod assets;
pub mod error_pages;
pub mod format;
pub mod nav;
pub mod store;

use crate::auth::CurrentUser;
use crate::auth::csrf::CsrfToken;
pub use nav::{NavGroup, NavLink};

/// What the base layout needs: title, who is signed in, navigation, the CSRF token for forms, and a notice.
pub struct Page {
    pub title: String,
    pub csrf: String,
    pub user_name: String,
    pub role_label: String,
    pub tenant_name: String,
    pub nav: Vec<NavGroup>,
    /// All that waits for the reader, on the phone's menu button.
    pub waiting: i64,
    pub notice: Option<String>,
    pub asset_version: u64,
    /// A visitor's page with a long form (the public application): a wider card.
    pub wide: bool,
}

impl Page {
    pub fn new(title: impl Into<String>, csrf: &CsrfToken, user: &CurrentUser, path: &str) -> Page {
        let nav = nav::for_role(user.role, path, user.reader.counts);
        let waiting = nav.iter().flat_map(|g| &g.links).filter_map(|l| l.count).sum();
        Page {
            title: title.into(),
            csrf: csrf.0.clone(),
            user_name: user.name.clone(),
            role_label: user.role.label().to_string(),
            tenant_name: user.tenant_name.clone(),
            nav,
            waiting,
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
            waiting: 0,
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

/// Serves a page with room for its reader's zone, which the request's extractor names: every time on the page is
/// then shown in it (see `format::datetime`).
pub async fn in_reader_zone(req: axum::extract::Request, next: axum::middleware::Next) -> axum::response::Response {
    format::with_reader_zone(next.run(req)).await
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

/// Where a long table stands: which rows of how many it shows, and links to the pages before and after.
pub struct Pager {
    /// "1–50 of 10,000"; empty when everything fits on one page.
    pub showing: String,
    pub prev: Option<String>,
    pub next: Option<String>,
}

impl Pager {
    /// Page `page` (from 1) of `total` rows at `per_page` a page, linking to `path?page=N`.
    pub fn new(path: &str, page: i64, per_page: i64, total: i64) -> Pager {
        let first = (page - 1) * per_page;
        let link = |n: i64| format!("{path}?page={n}");
        Pager {
            showing: if total > per_page {
                format!(
                    "{}–{} of {}",
                    format::int(first + 1),
                    format::int((first + per_page).min(total)),
                    format::int(total)
                )
            } else {
                String::new()
            },
            prev: (page > 1).then(|| link(page - 1)),
            next: (first + per_page < total).then(|| link(page + 1)),
        }
    }

    /// The page asked for in a query string: 1 for anything that is not a page number.
    pub fn page(asked: Option<&str>) -> i64 {
        asked.and_then(|p| p.trim().parse::<i64>().ok()).filter(|p| (1..=100_000).contains(p)).unwrap_or(1)
    }
}

#[cfg(test)]
mod tests {
    use super::Pager;

    #[test]
    fn a_pager_says_which_rows_show_and_links_only_to_pages_that_exist() {
        let p = Pager::new("/admin/partners", 2, 50, 10_000);
        assert_eq!(p.showing, "51–100 of 10,000");
        assert_eq!(p.prev.as_deref(), Some("/admin/partners?page=1"));
        assert_eq!(p.next.as_deref(), Some("/admin/partners?page=3"));
        let last = Pager::new("/x", 200, 50, 10_000);
        assert_eq!((last.showing.as_str(), last.next), ("9,951–10,000 of 10,000", None));
        let one = Pager::new("/x", 1, 50, 12);
        assert_eq!((one.showing.as_str(), one.prev, one.next), ("", None, None));
        assert_eq!(
            [Pager::page(Some("3")), Pager::page(Some("-1")), Pager::page(Some("x")), Pager::page(None)],
            [3, 1, 1, 1]
        );
    }
}
