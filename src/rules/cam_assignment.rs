//! Which channel account manager takes a newly signed partner when the reviewer does not choose one.

use crate::ids::UserId;

/// A CAM's current book: partners in all, and partners in the new partner's region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CamLoad {
    pub id: UserId,
    pub name: String,
    pub partners: i64,
    pub in_region: i64,
}

/// Among the CAMs who already work the partner's region, the one with the fewest partners; when nobody works the
/// region, the least-loaded CAM of all. Ties go to the name in alphabetical order, then to the id, so the choice is
/// the same every time. `None` when there is no CAM.
pub fn least_loaded(cams: &[CamLoad]) -> Option<&CamLoad> {
    let in_region = cams.iter().any(|c| c.in_region > 0);
    cams.iter()
        .filter(|c| !in_region || c.in_region > 0)
        .min_by(|a, b| a.partners.cmp(&b.partners).then_with(|| a.name.cmp(&b.name)).then_with(|| a.id.cmp(&b.id)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use uuid::Uuid;

    fn cam(n: u128, name: &str, partners: i64, in_region: i64) -> CamLoad {
        CamLoad { id: UserId(Uuid::from_u128(n)), name: name.into(), partners, in_region }
    }

    #[test]
    fn the_least_loaded_cam_of_the_region_takes_the_partner() {
        let cams = [cam(1, "Ann", 3, 2), cam(2, "Bob", 9, 5), cam(3, "Cid", 1, 0)];
        assert_eq!(least_loaded(&cams).unwrap().name, "Ann");
    }

    #[test]
    fn without_anyone_in_the_region_the_least_loaded_cam_overall_takes_it() {
        let cams = [cam(1, "Ann", 3, 0), cam(2, "Bob", 9, 0), cam(3, "Cid", 1, 0)];
        assert_eq!(least_loaded(&cams).unwrap().name, "Cid");
    }

    #[test]
    fn equal_loads_go_to_the_first_name() {
        let cams = [cam(1, "Zoe", 2, 1), cam(2, "Amy", 2, 1)];
        assert_eq!(least_loaded(&cams).unwrap().name, "Amy");
    }

    #[test]
    fn no_cams_no_choice() {
        assert_eq!(least_loaded(&[]), None);
    }

    proptest! {
        #[test]
        fn the_choice_has_no_fewer_partners_than_any_cam_of_its_group(
            loads in proptest::collection::vec((0i64..50, 0i64..5), 1..20)
        ) {
            let cams: Vec<CamLoad> = loads.iter().enumerate()
                .map(|(i, (p, r))| cam(i as u128, &format!("cam{i:02}"), p + r, *r)).collect();
            let chosen = least_loaded(&cams).unwrap();
            let regional = cams.iter().any(|c| c.in_region > 0);
            prop_assert!(!regional || chosen.in_region > 0);
            for c in cams.iter().filter(|c| !regional || c.in_region > 0) {
                prop_assert!(chosen.partners <= c.partners);
            }
        }
    }
}
