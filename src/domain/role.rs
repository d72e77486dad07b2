//! User roles. Each user has exactly one role and (except ministry admins) one organisation
//! that sets their scope.

use serde::{Deserialize, Serialize};

use super::org::OrgKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// Ministry administrator: sees and manages everything.
    Admin,
    /// Officer of a supervising UPTP: the BLKK it supervises.
    Pembina,
    /// Officer of a regional labour office: the BLKK in its province or regency.
    Disnaker,
    /// Forum officer: the forum's member BLKK.
    Forum,
    /// A BLKK's own manager: that BLKK.
    Pengelola,
    /// A partner organisation's officer: that organisation.
    Mitra,
}

impl Role {
    pub const ALL: [Role; 6] = [
        Role::Admin,
        Role::Pembina,
        Role::Disnaker,
        Role::Forum,
        Role::Pengelola,
        Role::Mitra,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Pembina => "pembina",
            Role::Disnaker => "disnaker",
            Role::Forum => "forum",
            Role::Pengelola => "pengelola",
            Role::Mitra => "mitra",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// The kind of organisation a user of this role must belong to. Admins may belong to a
    /// ministry unit or to none.
    pub fn org_kind(self) -> OrgKind {
        match self {
            Role::Admin => OrgKind::Kementerian,
            Role::Pembina => OrgKind::Uptp,
            Role::Disnaker => OrgKind::Disnaker,
            Role::Forum => OrgKind::Forum,
            Role::Pengelola => OrgKind::Blkk,
            Role::Mitra => OrgKind::Mitra,
        }
    }

    pub fn requires_org(self) -> bool {
        self != Role::Admin
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
