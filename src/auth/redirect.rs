//! Links the server follows or shows on behalf of someone else (`next` after sign-in, onboarding template links):
//! only paths of our own origin, so that nobody can turn them into a way off to another site.

use url::{Position, Url};

/// `candidate` as a path of `base`'s origin (path, query and fragment), or `None` when it could lead anywhere else.
///
/// Only references starting with one `/` are taken, and none with control characters, whitespace or backslashes,
/// raw or percent-encoded: browsers drop tabs and newlines and read `\` as `/`, so `/\t/evil.example` or `/\evil`
/// would become `//evil.example`, another site. What is left is resolved against `base` and must keep its origin.
pub fn local_path(candidate: &str, base: &Url) -> Option<String> {
    let (path, rest) = candidate.split_at(candidate.find(['?', '#']).unwrap_or(candidate.len()));
    let decoded_path = percent_decode(path)?;
    let suspicious = |c: char| c.is_control() || c.is_whitespace() || c == '\\';
    let encoded_control = percent_decode(rest)?.chars().any(char::is_control);
    if candidate.chars().any(suspicious)
        || decoded_path.chars().any(suspicious)
        || encoded_control
        || !path.starts_with('/')
        || path.starts_with("//")
        || decoded_path.starts_with("//")
    {
        return None;
    }
    let resolved = base.join(candidate).ok()?;
    (resolved.origin() == base.origin()).then(|| resolved[Position::BeforePath..].to_string())
}

/// A link to a page of this portal, such as `/deals/new`, checked as `local_path` checks it. Its origin is whichever
/// serves it, so any base will do.
pub fn portal_path(candidate: &str) -> Option<String> {
    let base = Url::parse("http://portal.invalid").expect("a valid URL");
    local_path(candidate, &base)
}

/// `%XX` decoded, as text; `None` when that is not UTF-8 (nothing we link to is).
fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| (b as char).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push((hi * 16 + lo) as u8);
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn base() -> Url {
        Url::parse("https://prm.example.com").unwrap()
    }

    #[test]
    fn local_paths_with_their_query_are_kept() {
        assert_eq!(local_path("/admin/users", &base()).as_deref(), Some("/admin/users"));
        assert_eq!(
            local_path("/deals?status=pending&q=a%20b#top", &base()).as_deref(),
            Some("/deals?status=pending&q=a%20b#top")
        );
        assert_eq!(local_path("/", &base()).as_deref(), Some("/"));
    }

    #[test]
    fn anything_that_could_leave_the_origin_is_refused() {
        for evil in [
            "//evil.example",
            "/%09/evil.example",
            "/\t/evil.example",
            "/\n/evil.example",
            "/\r\n/evil.example",
            "/ /evil.example",
            "/%20/evil.example",
            "\\/evil.example",
            "/\\evil.example",
            "/%5Cevil.example",
            "/%2F/evil.example",
            "https://evil.example",
            "http://prm.example.com.evil.example/",
            "javascript:alert(1)",
            "evil.example",
            " /deals",
            "/deals\u{3000}",
            "/deals?next=%0a",
            "",
        ] {
            assert_eq!(local_path(evil, &base()), None, "{evil:?}");
        }
    }

    #[test]
    fn portal_links_take_the_same_check() {
        assert_eq!(portal_path("/deals/new").as_deref(), Some("/deals/new"));
        assert_eq!(portal_path("/%09/evil.example"), None);
        assert_eq!(portal_path("//evil.example"), None);
    }

    proptest! {
        #[test]
        fn whatever_is_accepted_stays_on_the_origin(candidate in "[/\\\\%0-9a-fA-F.:?#@ \t\n a-z]{0,24}") {
            if let Some(path) = local_path(&candidate, &base()) {
                let followed = base().join(&path).unwrap();
                prop_assert_eq!(followed.origin(), base().origin());
                prop_assert!(path.starts_with('/') && !path.starts_with("//"));
                prop_assert!(!path.chars().any(|c| c.is_control() || c.is_whitespace() || c == '\\'));
            }
        }
    }
}
