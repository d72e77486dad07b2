//! User accounts: who may sign in, with which role, for which organisation; who manages
//! whose account; the password policy; invitations and resets by one-time tokens.

use serde::{Deserialize, Serialize};
use time::{Duration, OffsetDateTime};

use crate::code_enum;
use crate::features::orgs::model::OrgKind;
use crate::kernel::access::{Actor, Role};
use crate::kernel::text::search_key;
use crate::kernel::validate::{FieldErrors, Num, Problem, check};
use crate::kernel::web::SignedIn;

/// The kind of record the audit trail files accounts under.
pub const ENTITY: &str = "user";

/// The shortest password accepted (NIST SP 800-63B).
pub const MIN_PASSWORD_LEN: usize = 10;
pub const MAX_PASSWORD_LEN: usize = 128;

/// How long an invitation link stays valid.
pub const INVITATION_VALID: Duration = Duration::hours(72);
/// How long a password-reset link stays valid.
pub const RESET_VALID: Duration = Duration::hours(1);

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
    pub org_admin: bool,
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
            org_admin: self.org_admin,
        }
    }

    pub fn signed_in(&self) -> SignedIn {
        SignedIn {
            actor: self.actor(),
            name: self.name.clone(),
            email: self.email.clone(),
            org_name: self.org_name.clone(),
            unread: 0,
        }
    }

    /// Invited, and has not yet set a password.
    pub fn pending(&self) -> bool {
        self.password_hash.is_empty()
    }

    pub fn status(&self) -> AccountStatus {
        AccountStatus::of(self.active, self.pending())
    }
}

code_enum! {
    /// Where an account stands.
    pub enum AccountStatus {
        Aktif = "aktif",
        /// Invited; no password set yet.
        Diundang = "diundang",
        /// Deactivated: cannot sign in.
        Nonaktif = "nonaktif",
    }
}

impl AccountStatus {
    pub fn of(active: bool, pending: bool) -> AccountStatus {
        match (active, pending) {
            (false, _) => AccountStatus::Nonaktif,
            (true, true) => AccountStatus::Diundang,
            (true, false) => AccountStatus::Aktif,
        }
    }
}

/// An account as lists and the API show it.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Account {
    pub id: i64,
    /// Send back as `version` (or `If-Match`) with a change or a new invitation.
    pub version: i64,
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    pub org_name: Option<String>,
    /// Manages the accounts of their organisation.
    pub org_admin: bool,
    pub status: AccountStatus,
    #[serde(with = "time::serde::rfc3339")]
    #[schema(value_type = String, format = DateTime)]
    pub created_at: OffsetDateTime,
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
        Role::Pengelola | Role::Instruktur | Role::Peserta => OrgKind::Blkk,
        Role::Mitra => OrgKind::Mitra,
    }
}

/// The role of users of an organisation of this kind.
pub fn role_for(kind: OrgKind) -> Role {
    match kind {
        OrgKind::Kementerian => Role::Admin,
        OrgKind::Uptp => Role::Pembina,
        OrgKind::Disnaker => Role::Disnaker,
        OrgKind::Forum => Role::Forum,
        OrgKind::Blkk => Role::Pengelola,
        OrgKind::Mitra => Role::Mitra,
    }
}

/// Where to invite a user to this organisation, for those who may.
pub fn invite_href(actor: &Actor, org_id: i64, kind: OrgKind) -> Option<String> {
    let role = role_for(kind);
    let org = (role != Role::Admin).then_some(org_id);
    may_manage(actor, role, org).then(|| {
        format!(
            "/users/new?role={}{}",
            role.as_str(),
            org.map(|o| format!("&org_id={o}")).unwrap_or_default()
        )
    })
}

pub fn requires_org(role: Role) -> bool {
    !matches!(role, Role::Admin | Role::Peserta)
}

/// Roles whose users may be flagged to manage their organisation's accounts.
pub fn may_be_org_admin(role: Role) -> bool {
    matches!(role, Role::Pembina | Role::Disnaker | Role::Forum)
}

/// Whose accounts a user manages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Managed {
    /// Ministry admins: every account.
    All,
    /// Accounts of this organisation with the manager's own role: an admin-flagged user of a
    /// UPTP, Disnaker or forum, or a BLKK's manager.
    Org(i64, Role),
    Nothing,
}

pub fn managed(actor: &Actor) -> Managed {
    match (actor.role, actor.org_id) {
        (Role::Admin, _) => Managed::All,
        (Role::Pengelola, Some(org)) => Managed::Org(org, Role::Pengelola),
        (role, Some(org)) if actor.org_admin && may_be_org_admin(role) => Managed::Org(org, role),
        _ => Managed::Nothing,
    }
}

/// Whether `actor` manages an account of `role` in organisation `org_id`.
pub fn may_manage(actor: &Actor, role: Role, org_id: Option<i64>) -> bool {
    match managed(actor) {
        Managed::All => true,
        // A BLKK's managers also manage its instructors.
        Managed::Org(org, r) => {
            org_id == Some(org) && (role == r || (r == Role::Pengelola && role == Role::Instruktur))
        }
        Managed::Nothing => false,
    }
}

/// Checks a new password (NIST SP 800-63B): 10 to 128 characters, not a common password,
/// not containing the account's e-mail address (or its name part). No composition rules.
pub fn password_policy(password: &str, email: &str) -> Result<(), Problem> {
    let n = password.chars().count();
    if n < MIN_PASSWORD_LEN {
        return Err(Problem {
            code: "password_too_short",
            args: vec![("min", MIN_PASSWORD_LEN.to_string())],
        });
    }
    if n > MAX_PASSWORD_LEN {
        return Err(Problem {
            code: "too_long",
            args: vec![("max", MAX_PASSWORD_LEN.to_string())],
        });
    }
    let lower = password.to_lowercase();
    let email = email.trim().to_lowercase();
    let local = email.split('@').next().unwrap_or_default();
    if !email.is_empty()
        && (lower.contains(&email) || (local.chars().count() >= 4 && lower.contains(local)))
    {
        return Err("password_has_email".into());
    }
    if is_common(&lower) {
        return Err("password_common".into());
    }
    Ok(())
}

/// The vendored list of passwords too common to accept (`data/passwords/common.txt`).
fn is_common(lower: &str) -> bool {
    use std::collections::HashSet;
    use std::sync::LazyLock;
    static COMMON: LazyLock<HashSet<&'static str>> = LazyLock::new(|| {
        include_str!("../../../data/passwords/common.txt")
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect()
    });
    COMMON.contains(lower)
}

/// An invitation as given on the form or to `POST /api/v1/users`.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct InviteInput {
    #[schema(max_length = 254)]
    pub email: String,
    #[schema(max_length = 120)]
    pub name: String,
    /// `admin`, `pembina`, `disnaker`, `forum`, `pengelola` or `mitra`.
    pub role: String,
    /// The organisation (every role but `admin`).
    #[schema(value_type = Option<i64>)]
    pub org_id: Option<Num>,
    /// Manages the accounts of their organisation (UPTP, Disnaker and forum users only).
    pub org_admin: bool,
}

/// A checked invitation.
#[derive(Debug, Clone, PartialEq)]
pub struct Invite {
    pub email: String,
    pub name: String,
    pub role: Role,
    pub org_id: Option<i64>,
    pub org_admin: bool,
}

impl InviteInput {
    /// The checks that need no database; the organisation is checked by the service.
    pub fn validate(&self) -> Result<Invite, FieldErrors> {
        let mut e = FieldErrors::new();
        let email = e.take(
            "email",
            check::required_email(&self.email).and_then(deliverable),
        );
        let name = e.take("name", check::required(&self.name, 120));
        let role = match Role::parse(self.role.trim()) {
            // Trainees get their account when their BLKK accepts them.
            Some(Role::Peserta) => {
                e.add("role", "invalid_choice");
                None
            }
            Some(r) => Some(r),
            None if self.role.trim().is_empty() => {
                e.add("role", "required");
                None
            }
            None => {
                e.add("role", "invalid_choice");
                None
            }
        };
        let org_id = match self.org_id.as_ref().map(|n| n.text().trim()) {
            None | Some("") => None,
            Some(t) => match t.parse::<i64>() {
                Ok(id) if id > 0 => Some(id),
                _ => {
                    e.add("org_id", "not_found");
                    None
                }
            },
        };
        if let Some(r) = role {
            if requires_org(r) && org_id.is_none() && e.get("org_id").is_none() {
                e.add("org_id", "required");
            }
            if self.org_admin && !may_be_org_admin(r) {
                e.add("org_admin", "org_admin_role");
            }
        }
        e.finish(())?;
        Ok(Invite {
            email,
            name,
            role: role.expect("checked"),
            org_id: if role == Some(Role::Admin) {
                None
            } else {
                org_id
            },
            org_admin: self.org_admin,
        })
    }
}

/// An address lettre can send to (stricter than the general check: no quoting, no
/// comments).
fn deliverable(email: String) -> Result<String, Problem> {
    email
        .parse::<lettre::Address>()
        .map(|_| email)
        .map_err(|_| "invalid_email".into())
}

/// A change to an account: `PATCH /api/v1/users/{id}` (`{"active": false}` deactivates).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default, deny_unknown_fields)]
pub struct AccountPatch {
    /// The account's version as read.
    #[serde(deserialize_with = "crate::kernel::validate::whole_number")]
    #[schema(minimum = 1)]
    pub version: Option<i64>,
    pub active: Option<bool>,
    #[schema(max_length = 120)]
    pub name: Option<String>,
    pub org_admin: Option<bool>,
}

/// Filters of the accounts page, as typed in its form.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(default)]
pub struct AccountFilter {
    pub q: String,
    pub role: String,
    pub status: String,
    pub org_id: String,
    pub page: String,
}

/// A filter checked: unknown codes are a bad request, not an empty list.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct AccountQuery {
    pub name_prefix: String,
    pub email_prefix: String,
    pub role: Option<Role>,
    pub status: Option<AccountStatus>,
    pub org_id: Option<i64>,
}

impl AccountFilter {
    pub fn query(&self) -> Result<AccountQuery, FieldErrors> {
        let mut e = FieldErrors::new();
        let role = match self.role.trim() {
            "" => None,
            r => Role::parse(r).or_else(|| {
                e.add("role", "invalid_choice");
                None
            }),
        };
        let status = match self.status.trim() {
            "" => None,
            s => AccountStatus::parse(s).or_else(|| {
                e.add("status", "invalid_choice");
                None
            }),
        };
        let org_id = match self.org_id.trim() {
            "" => None,
            o => o.parse::<i64>().ok().or_else(|| {
                e.add("org_id", "not_found");
                None
            }),
        };
        e.finish(AccountQuery::of(&self.q, role, status, org_id))
    }
}

impl AccountQuery {
    pub fn of(
        q: &str,
        role: Option<Role>,
        status: Option<AccountStatus>,
        org_id: Option<i64>,
    ) -> AccountQuery {
        let q = q.trim();
        AccountQuery {
            name_prefix: search_key(q).chars().take(60).collect(),
            email_prefix: q.to_lowercase().chars().take(100).collect(),
            role,
            status,
            org_id,
        }
    }
}

code_enum! {
    /// A one-time token's purpose.
    pub enum TokenPurpose {
        Invite = "invite",
        Reset = "reset",
    }
}

/// Why a one-time link does not work.
pub fn token_problem(
    used_at: Option<OffsetDateTime>,
    expires_at: OffsetDateTime,
    now: OffsetDateTime,
) -> Option<&'static str> {
    if used_at.is_some() {
        Some("token_used")
    } else if expires_at <= now {
        Some("token_expired")
    } else {
        None
    }
}

impl crate::kernel::web::version::Versioned for Account {
    fn version(&self) -> i64 {
        self.version
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn actor(role: Role, org: Option<i64>, org_admin: bool) -> Actor {
        Actor {
            user_id: 1,
            role,
            org_id: org,
            org_area: None,
            org_admin,
        }
    }

    #[test]
    fn passwords_follow_nist() {
        let email = "siti.aminah@blkk.test";
        assert_eq!(
            password_policy("short", email).unwrap_err().code,
            "password_too_short"
        );
        assert!(password_policy("kuda laut berenang jauh", email).is_ok());
        assert_eq!(
            password_policy("Password123", email).unwrap_err().code,
            "password_common"
        );
        assert_eq!(
            password_policy("BISMILLAH123", email).unwrap_err().code,
            "password_common"
        );
        assert_eq!(
            password_policy("x siti.aminah rahasia", email)
                .unwrap_err()
                .code,
            "password_has_email"
        );
        assert_eq!(
            password_policy(&"a".repeat(129), email).unwrap_err().code,
            "too_long"
        );
        // No composition rules: all lower-case letters are fine.
        assert!(password_policy("tigaekorkucingoren", email).is_ok());
        assert_eq!(org_kind(Role::Pengelola), OrgKind::Blkk);
    }

    #[test]
    fn who_manages_whose_account() {
        let admin = actor(Role::Admin, None, false);
        assert!(may_manage(&admin, Role::Pembina, Some(3)));
        let uptp_admin = actor(Role::Pembina, Some(3), true);
        assert!(may_manage(&uptp_admin, Role::Pembina, Some(3)));
        assert!(!may_manage(&uptp_admin, Role::Pembina, Some(4)));
        assert!(!may_manage(&uptp_admin, Role::Pengelola, Some(3)));
        let officer = actor(Role::Pembina, Some(3), false);
        assert!(!may_manage(&officer, Role::Pembina, Some(3)));
        let manager = actor(Role::Pengelola, Some(9), false);
        assert!(may_manage(&manager, Role::Pengelola, Some(9)));
        assert!(!may_manage(&manager, Role::Pengelola, Some(8)));
        // A flag on a role that cannot hold it gives nothing.
        let partner = actor(Role::Mitra, Some(5), true);
        assert_eq!(managed(&partner), Managed::Nothing);
    }

    #[test]
    fn invitations_are_checked_before_any_write() {
        let bad = InviteInput {
            email: "not an address".into(),
            role: "raja".into(),
            ..Default::default()
        };
        let e = bad.validate().unwrap_err();
        assert_eq!(e.get("email"), Some("invalid_email"));
        assert_eq!(e.get("name"), Some("required"));
        assert_eq!(e.get("role"), Some("invalid_choice"));
        let no_org = InviteInput {
            email: "a@b.id".into(),
            name: "A".into(),
            role: "pembina".into(),
            ..Default::default()
        };
        assert_eq!(
            no_org.validate().unwrap_err().get("org_id"),
            Some("required")
        );
        let flagged_manager = InviteInput {
            email: "a@b.id".into(),
            name: "A".into(),
            role: "pengelola".into(),
            org_id: Some(Num("4".into())),
            org_admin: true,
        };
        assert_eq!(
            flagged_manager.validate().unwrap_err().get("org_admin"),
            Some("org_admin_role")
        );
    }
}
