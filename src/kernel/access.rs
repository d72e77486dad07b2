//! Who is acting, and the set of BLKK they may work with. Every feature's service checks
//! access through these (and its own model's rules, built on them), once, before it reads or
//! writes anything; stores turn a [`Scope`] into the equivalent SQL (a test checks that the
//! two agree).

use crate::code_enum;
use crate::kernel::error::AppError;

code_enum! {
    /// User roles. Each user has exactly one role and (except ministry admins) one
    /// organisation that sets their scope.
    pub enum Role {
        /// Ministry administrator: sees and manages everything.
        Admin = "admin",
        /// Officer of a supervising UPTP: the BLKK it supervises.
        Pembina = "pembina",
        /// Officer of a regional labour office: the BLKK in its province or regency.
        Disnaker = "disnaker",
        /// Forum officer: the forum's member BLKK.
        Forum = "forum",
        /// A BLKK's own manager: that BLKK.
        Pengelola = "pengelola",
        /// A partner organisation's officer: that organisation.
        Mitra = "mitra",
        /// A BLKK's instructor: that BLKK, and the batches they teach.
        Instruktur = "instruktur",
        /// A trainee or alumnus: their own trainings and personal data.
        Peserta = "peserta",
    }
}

/// The signed-in user, as far as access rules care.
#[derive(Debug, Clone, PartialEq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    pub org_id: Option<i64>,
    /// The area code of the user's organisation (a Disnaker's province or regency).
    pub org_area: Option<String>,
    /// Manages the accounts of their organisation (a UPTP's, Disnaker's or forum's
    /// admin-flagged user).
    pub org_admin: bool,
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

/// What scope rules need to know about one BLKK.
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

    /// The BLKK this user may see in full.
    pub fn centre_scope(&self) -> Scope {
        match (self.role, self.org_id) {
            (Role::Admin, _) => Scope::All,
            (Role::Pembina, Some(org)) => Scope::Pembina(org),
            (Role::Disnaker, Some(_)) => match &self.org_area {
                Some(area) => Scope::Region(area.clone()),
                None => Scope::Nothing,
            },
            (Role::Forum, Some(org)) => Scope::Forum(org),
            (Role::Pengelola | Role::Instruktur, Some(org)) => Scope::Centre(org),
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

/// The one access check: `Ok` when `allowed`, else [`AppError::Forbidden`].
pub fn allow(allowed: bool) -> Result<(), AppError> {
    if allowed {
        Ok(())
    } else {
        Err(AppError::Forbidden)
    }
}

/// The signed-in actor, or [`AppError::Unauthenticated`].
pub fn signed_in(actor: Option<&Actor>) -> Result<&Actor, AppError> {
    actor.ok_or(AppError::Unauthenticated)
}

/// Ministry administrators only.
pub fn admin(actor: &Actor) -> Result<(), AppError> {
    allow(actor.is_admin())
}

#[cfg(test)]
mod tests {
    use super::*;

    pub fn actor(role: Role, org: Option<i64>, area: Option<&str>) -> Actor {
        Actor {
            user_id: 1,
            role,
            org_id: org,
            org_area: area.map(str::to_owned),
            org_admin: false,
        }
    }

    #[test]
    fn each_role_has_its_own_scope() {
        let c = CentreFacts {
            id: 10,
            pembina_id: Some(2),
            province_code: "36".into(),
            regency_code: "36.03".into(),
            forum_ids: vec![5, 6],
        };
        let cases = [
            (actor(Role::Admin, None, None), true),
            (actor(Role::Pembina, Some(2), None), true),
            (actor(Role::Pembina, Some(3), None), false),
            (actor(Role::Disnaker, Some(7), Some("36")), true),
            (actor(Role::Disnaker, Some(7), Some("36.03")), true),
            (actor(Role::Disnaker, Some(7), Some("36.01")), false),
            (actor(Role::Disnaker, Some(7), Some("3")), false),
            (actor(Role::Disnaker, Some(7), None), false),
            (actor(Role::Forum, Some(6), None), true),
            (actor(Role::Forum, Some(8), None), false),
            (actor(Role::Pengelola, Some(10), None), true),
            (actor(Role::Pengelola, Some(11), None), false),
            (actor(Role::Mitra, Some(10), None), false),
            (actor(Role::Instruktur, Some(10), None), true),
            (actor(Role::Instruktur, Some(11), None), false),
            (actor(Role::Peserta, None, None), false),
            (actor(Role::Pembina, None, None), false),
        ];
        for (a, expected) in cases {
            assert_eq!(a.centre_scope().covers(&c), expected, "{a:?}");
        }
    }

    #[test]
    fn role_codes_round_trip() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(*r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
