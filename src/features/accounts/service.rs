//! Account use cases: signing in (throttled, with bounded password hashing), who is signed
//! in, creating accounts, and an organisation's members.

use std::net::IpAddr;

use serde_json::json;
use time::Duration;

use super::model::{self, ENTITY, Member, User};
use super::password;
use super::store::{self, NewUser};
use crate::features::orgs;
use crate::kernel::access::{self, Actor, Role};
use crate::kernel::audit::{self, Entry};
use crate::kernel::db::Db;
use crate::kernel::error::AppError;
use crate::kernel::time::now;
use crate::kernel::validate::{FieldErrors, check};
use crate::kernel::web::SignedIn;

/// Attempts allowed per e-mail address, and per client address, in [`WINDOW`]. Attempts
/// are counted before the password is checked; a successful one is not held against them.
pub const MAX_ATTEMPTS_PER_ACCOUNT: i64 = 5;
pub const MAX_ATTEMPTS_PER_CLIENT: i64 = 30;
pub const WINDOW: Duration = Duration::minutes(15);

/// Signs in by e-mail and password. Unknown account, wrong password and disabled account
/// give the same answer. Each attempt is counted, atomically, before the password is
/// checked, so parallel attempts cannot race past the limits.
pub async fn sign_in(
    db: &Db,
    email: &str,
    password: &str,
    client: Option<IpAddr>,
) -> Result<User, AppError> {
    let email = email.trim().to_lowercase();
    let account_key = format!("account:{email}");
    let client_key = client.map(|ip| format!("client:{ip}"));
    let at = now();
    let mut tx = db.begin().await?;
    let by_account = store::count_attempt(&mut tx, &account_key, at, WINDOW).await?;
    let by_client = match &client_key {
        Some(k) => store::count_attempt(&mut tx, k, at, WINDOW).await?,
        None => 0,
    };
    tx.commit().await?;
    if by_account > MAX_ATTEMPTS_PER_ACCOUNT || by_client > MAX_ATTEMPTS_PER_CLIENT {
        return Err(AppError::TooManyAttempts);
    }
    let user = store::by_email(db, &email).await?;
    let matches =
        password::verify(user.as_ref().map(|u| u.password_hash.clone()), password).await?;
    match user {
        Some(u) if matches && u.active => {
            store::clear_attempts(db, &account_key).await?;
            if let Some(k) = &client_key {
                store::uncount_attempt(db, k).await?;
            }
            Ok(u)
        }
        _ => Err(AppError::BadCredentials),
    }
}

/// The signed-in user behind a session's user id, if the account is still active.
pub async fn identify(db: &Db, user_id: i64) -> Result<Option<SignedIn>, AppError> {
    Ok(store::get(db, user_id)
        .await?
        .filter(|u| u.active)
        .map(|u| u.signed_in()))
}

/// Forgets sign-in attempt windows that have ended.
pub async fn purge_attempts(db: &Db) -> Result<u64, AppError> {
    Ok(store::purge_attempts(db, now() - WINDOW).await?)
}

/// A new account as given.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub org_id: Option<i64>,
    pub password: &'a str,
}

/// Creates an account after checking the e-mail, the password policy, and that the
/// organisation exists and suits the role. `actor_id` is `None` for the command line.
pub async fn create(db: &Db, actor_id: Option<i64>, a: &NewAccount<'_>) -> Result<i64, AppError> {
    let mut e = FieldErrors::new();
    let email = e.take("email", check::required_email(a.email));
    let name = e.take("name", check::optional(a.name, 120));
    if let Err(p) = model::password_policy(a.password) {
        e.merge(p);
    }
    match a.org_id {
        None if model::requires_org(a.role) => e.add("org_id", "required"),
        None => {}
        Some(id) => match orgs::store::get(db, id).await? {
            Some(o) if o.org.kind == model::org_kind(a.role) => {}
            Some(_) => e.add("org_id", "wrong_org_kind"),
            None => e.add("org_id", "not_found"),
        },
    }
    e.finish(())?;
    let hash = password::hash(a.password).await?;
    let at = now();
    let mut tx = db.begin().await?;
    let new = NewUser {
        email,
        name: name.clone(),
        role: a.role,
        org_id: a.org_id,
        password_hash: hash,
    };
    let id = store::insert(&mut tx, &new, at).await?;
    let values = json!({"name": name, "role": a.role, "org_id": a.org_id});
    let changes = audit::created(values.as_object().expect("an object"));
    audit::record(
        &mut tx,
        Entry {
            actor_id,
            entity: ENTITY,
            entity_id: id,
            action: "create",
            changes: &changes,
            at,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// The users of an organisation, for those who may see the organisation.
pub async fn members(db: &Db, actor: &Actor, org_id: i64) -> Result<Vec<Member>, AppError> {
    let org = orgs::store::get(db, org_id)
        .await?
        .ok_or(AppError::NotFound)?;
    access::allow(orgs::model::can_view(actor, org.id, org.org.kind))?;
    Ok(store::members(db, org_id).await?)
}

/// The user record behind an actor (their own account page).
pub async fn me(db: &Db, actor: &Actor) -> Result<User, AppError> {
    store::get(db, actor.user_id)
        .await?
        .filter(|u| u.active)
        .ok_or(AppError::Unauthenticated)
}
