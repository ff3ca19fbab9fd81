//! The navigation: one table of the product's areas, grouped by what people do. Each person sees the areas their role
//! may use, with a count where something waits for them. A coming area is one more line in `AREAS`.

use crate::auth::Role;

/// What people do, in the order the navigation shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Group {
    Work,
    Partners,
    Deals,
    Funds,
    Plans,
    Qbrs,
    Program,
}

impl Group {
    pub const ALL: [Group; 7] =
        [Group::Work, Group::Partners, Group::Deals, Group::Funds, Group::Plans, Group::Qbrs, Group::Program];

    pub fn label(self) -> &'static str {
        match self {
            Group::Work => "Work",
            Group::Partners => "Partners",
            Group::Deals => "Deals",
            Group::Funds => "Funds",
            Group::Plans => "Plans and scorecards",
            Group::Qbrs => "QBRs",
            Group::Program => "Program",
        }
    }
}

/// A figure that needs the reader's action, shown beside an area's link.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Count {
    /// Deal registrations waiting for a decision in the reader's scope.
    Approvals,
}

/// The counts of one request, read with the reader (see `web::store::reader`).
#[derive(Debug, Clone, Copy, Default)]
pub struct Counts {
    pub approvals: Option<i64>,
}

impl Counts {
    fn get(self, count: Count) -> Option<i64> {
        match count {
            Count::Approvals => self.approvals,
        }
    }
}

/// One area of the product.
pub struct Area {
    pub group: Group,
    pub label: &'static str,
    pub href: &'static str,
    pub roles: &'static [Role],
    pub count: Option<Count>,
}

const EVERYONE: &[Role] = &Role::ALL;
const ADMIN: &[Role] = &[Role::ProgramAdmin];
const MANAGERS: &[Role] = &[Role::ProgramAdmin, Role::Cam];
const PARTNER_PEOPLE: &[Role] = &[Role::PartnerAdmin, Role::PartnerUser];

const fn area(group: Group, label: &'static str, href: &'static str, roles: &'static [Role]) -> Area {
    Area { group, label, href, roles, count: None }
}

/// Every area that exists, in the order shown within its group. Only areas with pages belong here: no dead links.
pub const AREAS: &[Area] = &[
    area(Group::Work, "Home", "/", EVERYONE),
    Area { count: Some(Count::Approvals), ..area(Group::Work, "Approvals", "/deals/queue", MANAGERS) },
    area(Group::Partners, "Partners", "/admin/partners", ADMIN),
    area(Group::Partners, "Applications", "/applications", MANAGERS),
    area(Group::Partners, "Onboarding", "/onboarding", EVERYONE),
    area(Group::Deals, "Deals", "/deals", EVERYONE),
    area(Group::Funds, "Funds", "/mdf", EVERYONE),
    area(Group::Plans, "Certifications", "/certifications", EVERYONE),
    area(Group::Plans, "Business plans", "/business-plans", EVERYONE),
    area(Group::Plans, "Scorecard", "/scorecard", PARTNER_PEOPLE),
    area(Group::Plans, "Capability", "/capability", EVERYONE),
    area(Group::Partners, "Your tier", "/tier", PARTNER_PEOPLE),
    area(Group::Program, "Settings", "/admin/program", ADMIN),
    area(Group::Program, "Tiers", "/admin/tiers", ADMIN),
    area(Group::Program, "Plan settings", "/admin/plans", ADMIN),
    area(Group::Program, "Users", "/users", ADMIN),
    area(Group::Program, "Team", "/users", &[Role::PartnerAdmin]),
    area(Group::Program, "Agreement", "/agreement", PARTNER_PEOPLE),
    area(Group::Program, "Outbox", "/admin/outbox", ADMIN),
    area(Group::Program, "Audit log", "/admin/audit", ADMIN),
];

pub struct NavLink {
    pub href: &'static str,
    pub label: &'static str,
    pub current: bool,
    /// What waits for the reader; `None` when the area counts nothing (or nothing waits).
    pub count: Option<i64>,
}

pub struct NavGroup {
    pub label: &'static str,
    pub links: Vec<NavLink>,
}

impl NavGroup {
    /// A group of one link named like its group ("Deals") shows the link alone.
    pub fn labelled(&self) -> bool {
        !(self.links.len() == 1 && self.links[0].label == self.label)
    }
}

/// The navigation of `role` on the page at `path`: its groups, each with the links the role may use. The current
/// link is the one whose address is the longest prefix of `path` ("/deals/queue" is Approvals, not Deals).
pub fn for_role(role: Role, path: &str, counts: Counts) -> Vec<NavGroup> {
    let current = AREAS
        .iter()
        .filter(|a| a.roles.contains(&role) && leads_to(a.href, path))
        .max_by_key(|a| a.href.len())
        .map(|a| a.href);
    Group::ALL
        .into_iter()
        .map(|group| NavGroup {
            label: group.label(),
            links: AREAS
                .iter()
                .filter(|a| a.group == group && a.roles.contains(&role))
                .map(|a| NavLink {
                    href: a.href,
                    label: a.label,
                    current: Some(a.href) == current,
                    count: a.count.and_then(|c| counts.get(c)).filter(|n| *n > 0),
                })
                .collect(),
        })
        .filter(|g| !g.links.is_empty())
        .collect()
}

/// Whether the area at `href` holds the page at `path`.
fn leads_to(href: &str, path: &str) -> bool {
    path == href || (href != "/" && path.strip_prefix(href).is_some_and(|rest| rest.starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hrefs(role: Role) -> Vec<&'static str> {
        for_role(role, "/", Counts::default()).iter().flat_map(|g| g.links.iter().map(|l| l.href)).collect()
    }

    #[test]
    fn each_role_sees_the_areas_it_may_use_grouped() {
        let admin = for_role(Role::ProgramAdmin, "/", Counts::default());
        let groups: Vec<_> = admin.iter().map(|g| g.label).collect();
        assert_eq!(
            groups,
            ["Work", "Partners", "Deals", "Funds", "Plans and scorecards", "Program"],
            "groups without areas yet are left out"
        );
        assert_eq!(hrefs(Role::ProgramAdmin).len(), 16);
        assert_eq!(
            hrefs(Role::PartnerUser),
            [
                "/",
                "/onboarding",
                "/tier",
                "/deals",
                "/mdf",
                "/certifications",
                "/business-plans",
                "/scorecard",
                "/capability",
                "/agreement"
            ]
        );
        assert_eq!(
            hrefs(Role::PartnerAdmin),
            [
                "/",
                "/onboarding",
                "/tier",
                "/deals",
                "/mdf",
                "/certifications",
                "/business-plans",
                "/scorecard",
                "/capability",
                "/users",
                "/agreement"
            ]
        );
        assert_eq!(
            hrefs(Role::ChannelChief),
            ["/", "/onboarding", "/deals", "/mdf", "/certifications", "/business-plans", "/capability"]
        );
        assert_eq!(
            hrefs(Role::Cam),
            [
                "/",
                "/deals/queue",
                "/applications",
                "/onboarding",
                "/deals",
                "/mdf",
                "/certifications",
                "/business-plans",
                "/capability"
            ]
        );
    }

    #[test]
    fn the_current_link_is_the_longest_address_that_holds_the_page() {
        let current = |path| {
            for_role(Role::Cam, path, Counts::default())
                .into_iter()
                .flat_map(|g| g.links)
                .find(|l| l.current)
                .map(|l| l.label)
        };
        assert_eq!(current("/deals/queue"), Some("Approvals"));
        assert_eq!(current("/deals/0b7c"), Some("Deals"));
        assert_eq!(current("/"), Some("Home"));
        assert_eq!(current("/dealsx"), None);
    }

    #[test]
    fn counts_show_only_where_something_waits() {
        let nav = for_role(Role::Cam, "/", Counts { approvals: Some(3) });
        assert_eq!(nav[0].links[1].count, Some(3));
        let none = for_role(Role::Cam, "/", Counts { approvals: Some(0) });
        assert_eq!(none[0].links[1].count, None);
    }
}
