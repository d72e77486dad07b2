//! User accounts: who may sign in, with which role, for which organisation.

use serde::Serialize;

use crate::features::orgs::model::OrgKind;
use crate::kernel::access::{Actor, Role};
use crate::kernel::validate::{FieldErrors, Problem};
use crate::kernel::web::SignedIn;

/// The kind of record the audit trail files accounts under.
pub const ENTITY: &str = "user";

/// The shortest password accepted (NIST SP 800-63B).
pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 128;

/// A user with what access rules need: role, organisation and that organisation's area.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct User {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    pub org_area: Option<String>,
    pub active: bool,
    #[serde(skip)]
    pub password_hash: String,
}

impl User {
    pub fn actor(&self) -> Actor {
        Actor {
            user_id: self.id,
            role: self.role,
            org_id: self.org_id,
            org_area: self.org_area.clone(),
        }
    }

    pub fn signed_in(&self) -> SignedIn {
        SignedIn {
            actor: self.actor(),
            name: self.name.clone(),
            email: self.email.clone(),
            org_name: self.org_name.clone(),
        }
    }
}

/// A user of an organisation, as its page lists them (no contact details).
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct Member {
    pub id: i64,
    pub name: String,
    pub role: Role,
}

/// The kind of organisation a user of this role belongs to. Admins may belong to a ministry
/// unit or to none.
pub fn org_kind(role: Role) -> OrgKind {
    match role {
        Role::Admin => OrgKind::Kementerian,
        Role::Pembina => OrgKind::Uptp,
        Role::Disnaker => OrgKind::Disnaker,
        Role::Forum => OrgKind::Forum,
        Role::Pengelola => OrgKind::Blkk,
        Role::Mitra => OrgKind::Mitra,
    }
}

pub fn requires_org(role: Role) -> bool {
    role != Role::Admin
}

/// Checks a new password against the policy: long enough, not too long.
pub fn password_policy(password: &str) -> Result<(), FieldErrors> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_LEN {
        Err(FieldErrors::single(
            "password",
            Problem {
                code: "password_too_short",
                args: vec![("min", MIN_PASSWORD_LEN.to_string())],
            },
        ))
    } else if n > MAX_PASSWORD_LEN {
        Err(FieldErrors::single("password", "too_long"))
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn policy() {
        assert!(password_policy("short").is_err());
        assert!(password_policy("long enough pass").is_ok());
        assert_eq!(org_kind(Role::Pengelola), OrgKind::Blkk);
    }
}
