//! Who may see and change what. The one place access rules live: pages and API routes ask
//! these functions; storage turns a [`Scope`] into the equivalent SQL filter (a test checks
//! that the two agree).

use super::org::OrgKind;
use super::role::Role;

/// The signed-in user, as far as access rules care.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    pub org_id: Option<i64>,
    /// The area code of the user's organisation (a Disnaker's province or regency).
    pub org_area: Option<String>,
}

/// The set of BLKK a user may see in full (contacts, history) and work with.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    /// BLKK supervised by this UPTP.
    Pembina(i64),
    /// BLKK inside this province (2-digit code) or regency (`NN.NN`).
    Region(String),
    /// Members of this forum.
    Forum(i64),
    /// Exactly this BLKK.
    Centre(i64),
    Nothing,
}

/// What access rules need to know about one BLKK.
#[derive(Debug, Clone, PartialEq)]
pub struct CentreFacts {
    pub id: i64,
    pub pembina_id: Option<i64>,
    pub province_code: String,
    pub regency_code: String,
    pub forum_ids: Vec<i64>,
}

impl Actor {
    pub fn is_admin(&self) -> bool {
        self.role == Role::Admin
    }

    pub fn centre_scope(&self) -> Scope {
        match (self.role, self.org_id) {
            (Role::Admin, _) => Scope::All,
            (Role::Pembina, Some(org)) => Scope::Pembina(org),
            (Role::Disnaker, Some(_)) => match &self.org_area {
                Some(area) => Scope::Region(area.clone()),
                None => Scope::Nothing,
            },
            (Role::Forum, Some(org)) => Scope::Forum(org),
            (Role::Pengelola, Some(org)) => Scope::Centre(org),
            _ => Scope::Nothing,
        }
    }
}

impl Scope {
    pub fn covers(&self, c: &CentreFacts) -> bool {
        match self {
            Scope::All => true,
            Scope::Pembina(org) => c.pembina_id == Some(*org),
            Scope::Region(area) => &c.province_code == area || &c.regency_code == area,
            Scope::Forum(org) => c.forum_ids.contains(org),
            Scope::Centre(id) => c.id == *id,
            Scope::Nothing => false,
        }
    }
}

/// May see a BLKK's contacts, history and internal records.
pub fn can_view_centre(actor: Option<&Actor>, c: &CentreFacts) -> bool {
    actor.is_some_and(|a| a.centre_scope().covers(c))
}

/// May edit a BLKK's profile: its own manager, or a ministry admin.
pub fn can_edit_centre(actor: &Actor, c: &CentreFacts) -> bool {
    match actor.role {
        Role::Admin => true,
        Role::Pengelola => actor.org_id == Some(c.id),
        _ => false,
    }
}

/// May create BLKK and organisations, and assign BLKK to their pembina and forums.
pub fn can_administer(actor: &Actor) -> bool {
    actor.is_admin()
}

/// May see an organisation's record and history: admins, and the organisation's own users.
/// BLKK records go through [`can_view_centre`].
pub fn can_view_org(actor: &Actor, org_id: i64, kind: OrgKind) -> bool {
    if kind == OrgKind::Blkk {
        return false;
    }
    actor.is_admin() || actor.org_id == Some(org_id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, org: Option<i64>, area: Option<&str>) -> Actor {
        Actor {
            user_id: 1,
            role,
            org_id: org,
            org_area: area.map(str::to_owned),
        }
    }

    fn centre() -> CentreFacts {
        CentreFacts {
            id: 10,
            pembina_id: Some(2),
            province_code: "36".into(),
            regency_code: "36.03".into(),
            forum_ids: vec![5, 6],
        }
    }

    #[test]
    fn each_role_sees_its_own_scope_only() {
        let c = centre();
        let cases = [
            (actor(Role::Admin, None, None), true),
            (actor(Role::Pembina, Some(2), None), true),
            (actor(Role::Pembina, Some(3), None), false),
            (actor(Role::Disnaker, Some(7), Some("36")), true),
            (actor(Role::Disnaker, Some(7), Some("36.03")), true),
            (actor(Role::Disnaker, Some(7), Some("36.01")), false),
            (actor(Role::Disnaker, Some(7), Some("3")), false),
            (actor(Role::Forum, Some(6), None), true),
            (actor(Role::Forum, Some(8), None), false),
            (actor(Role::Pengelola, Some(10), None), true),
            (actor(Role::Pengelola, Some(11), None), false),
            (actor(Role::Mitra, Some(10), None), false),
            (actor(Role::Pembina, None, None), false),
        ];
        for (a, expected) in cases {
            assert_eq!(can_view_centre(Some(&a), &c), expected, "{a:?}");
        }
        assert!(!can_view_centre(None, &c));
    }

    #[test]
    fn only_the_manager_and_admins_edit() {
        let c = centre();
        assert!(can_edit_centre(&actor(Role::Pengelola, Some(10), None), &c));
        assert!(can_edit_centre(&actor(Role::Admin, None, None), &c));
        assert!(!can_edit_centre(&actor(Role::Pembina, Some(2), None), &c));
        assert!(!can_edit_centre(
            &actor(Role::Pengelola, Some(11), None),
            &c
        ));
    }

    #[test]
    fn organisations_are_seen_by_their_members_and_admins() {
        assert!(can_view_org(
            &actor(Role::Mitra, Some(4), None),
            4,
            OrgKind::Mitra
        ));
        assert!(!can_view_org(
            &actor(Role::Mitra, Some(4), None),
            5,
            OrgKind::Mitra
        ));
        assert!(can_view_org(
            &actor(Role::Admin, None, None),
            5,
            OrgKind::Uptp
        ));
        assert!(!can_view_org(
            &actor(Role::Admin, None, None),
            5,
            OrgKind::Blkk
        ));
    }
}
