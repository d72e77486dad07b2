//! Account use cases: signing in (throttled, with bounded password hashing), who is signed
//! in, creating accounts, and an organisation's members.
//!
//! Signing in and who is signed in are in `signing_in.rs`, re-exported here.

mod signing_in;

use std::net::IpAddr;

use serde_json::json;

use rand::RngCore;
use sha2::{Digest, Sha256};

use super::model::{
    self, Account, AccountPatch, AccountQuery, ENTITY, INVITATION_VALID, Invite, InviteInput,
    Managed, Member, RESET_VALID, TokenPurpose, User,
};
use super::password;
use super::store::{self, NewUser};
use crate::features::mail::model::Mail;
use crate::features::mail::service as mail;
use crate::features::notifications::service::{self as notifications, Kind, Notice};
use crate::features::orgs;
use crate::kernel::access::{self, Actor, Role};
use crate::kernel::audit::{self, Change, Entry};
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::AppError;
use crate::kernel::time::now;
use crate::kernel::validate::{FieldErrors, check};
use crate::kernel::web::i18n::Lang;
use crate::kernel::web::paging::{Paged, Window};

pub use signing_in::{
    KNOWN_FOR, MAX_ATTEMPTS_PER_ACCOUNT, MAX_ATTEMPTS_PER_CLIENT, MAX_ATTEMPTS_PER_KNOWN_CLIENT,
    SignInFrom, WINDOW, identify, purge_attempts, sign_in,
};

/// A new account as given.
#[derive(Debug, Clone)]
pub struct NewAccount<'a> {
    pub email: &'a str,
    pub name: &'a str,
    pub role: Role,
    pub org_id: Option<i64>,
    /// Manages the accounts of their organisation (UPTP, Disnaker and forum users).
    pub org_admin: bool,
    pub password: &'a str,
}

/// Creates an account after checking the e-mail, the password policy, and that the
/// organisation exists and suits the role. `actor_id` is `None` for the command line.
pub async fn create(db: &Db, actor_id: Option<i64>, a: &NewAccount<'_>) -> Result<i64, AppError> {
    let mut e = FieldErrors::new();
    let email = e.take("email", check::required_email(a.email));
    let name = e.take("name", check::optional(a.name, 120));
    if let Err(p) = model::password_policy(a.password, &email) {
        e.add("password", p);
    }
    match a.org_id {
        None if model::requires_org(a.role) => e.add("org_id", "required"),
        None => {}
        Some(id) => match orgs::service::find(db, id).await? {
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
        org_admin: a.org_admin && model::may_be_org_admin(a.role),
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
    let org = orgs::service::find(db, org_id)
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

/// Password-reset requests allowed per address, and per client, in [`WINDOW`].
pub const MAX_RESETS_PER_ACCOUNT: i64 = 3;
pub const MAX_RESETS_PER_CLIENT: i64 = 20;

/// A new one-time token: the secret for the link, and the hash that is stored.
fn new_token() -> (String, String) {
    let mut bytes = [0u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    let token: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    let hash = token_hash(&token);
    (token, hash)
}

fn token_hash(token: &str) -> String {
    Sha256::digest(token.trim().as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Writes an audit row for an account in the caller's transaction.
async fn audit_account(
    tx: &mut Tx,
    actor_id: Option<i64>,
    id: i64,
    action: &str,
    changes: &[Change],
) -> Result<(), AppError> {
    audit::record(
        tx,
        Entry {
            actor_id,
            entity: ENTITY,
            entity_id: id,
            action,
            changes,
            at: now(),
        },
    )
    .await?;
    Ok(())
}

/// One page of the accounts `actor` manages.
pub async fn accounts(
    db: &Db,
    actor: &Actor,
    q: &AccountQuery,
    page: i64,
) -> Result<Paged<Account>, AppError> {
    let scope = model::managed(actor);
    access::allow(scope != Managed::Nothing)?;
    let w = Window::new(page, 50);
    let (items, total) = store::accounts(db, scope, q, w).await?;
    Ok(Paged::new(items, total, w))
}

/// One account, for those who manage it (or its owner).
pub async fn account(db: &Db, actor: &Actor, id: i64) -> Result<Account, AppError> {
    let a = store::account(db, id).await?.ok_or(AppError::NotFound)?;
    if a.id != actor.user_id && !model::may_manage(actor, a.role, a.org_id) {
        // Whether the account exists is not for others to learn.
        return Err(AppError::NotFound);
    }
    Ok(a)
}

/// Whether `actor` may invite anyone at all (the invite button).
pub fn may_invite(actor: &Actor) -> bool {
    model::managed(actor) != Managed::Nothing
}

/// Whether `actor` may open the invitation form.
pub fn for_invite(actor: &Actor) -> Result<(), AppError> {
    access::allow(may_invite(actor))
}

/// The invitation e-mail for `user`, with its one-time link.
fn invitation_mail(base: &str, to: &str, name: &str, org: Option<&str>, token: &str) -> Mail {
    let lang = Lang::Id;
    let link = format!("{base}/invitation?token={token}");
    let hours = INVITATION_VALID.whole_hours().to_string();
    Mail {
        to: to.to_owned(),
        subject: lang.t("mail.invite_subject").into_owned(),
        body: lang.tf(
            "mail.invite_body",
            &[
                ("name", name),
                ("org", org.unwrap_or("Kementerian Ketenagakerjaan")),
                ("link", &link),
                ("hours", &hours),
            ],
        ),
        secret: true,
    }
}

/// Queues a fresh invitation link for `user` (older links stop working: the account is
/// held meanwhile, so of two links sent at once only the later works).
async fn send_invitation(
    tx: &mut Tx,
    base: &str,
    user_id: i64,
    email: &str,
    name: &str,
    org: Option<&str>,
) -> Result<(), AppError> {
    tx.lock(ENTITY, user_id).await?;
    let at = now();
    store::void_tokens(tx, user_id, TokenPurpose::Invite, at).await?;
    let (token, hash) = new_token();
    store::insert_token(
        tx,
        &hash,
        user_id,
        TokenPurpose::Invite,
        at,
        at + INVITATION_VALID,
    )
    .await?;
    mail::queue(tx, &invitation_mail(base, email, name, org, &token)).await?;
    Ok(())
}

/// Checks the organisation an account is to belong to, in the writing transaction (which
/// may have just created it): it exists and suits the role.
async fn check_org(
    tx: &mut Tx,
    role: Role,
    org_id: Option<i64>,
) -> Result<Option<String>, AppError> {
    let Some(id) = org_id else {
        return Ok(None);
    };
    match orgs::service::find_in(tx, id).await? {
        Some(o) if o.org.kind == model::org_kind(role) => Ok(Some(o.org.name)),
        Some(_) => Err(AppError::invalid("org_id", "wrong_org_kind")),
        None => Err(AppError::invalid("org_id", "not_found")),
    }
}

/// Invites someone: the account is created without a password, and an e-mail with a
/// one-time link (valid 72 hours, stored hashed) is queued, all in one transaction.
pub async fn invite(
    db: &Db,
    actor: &Actor,
    base: &str,
    input: &InviteInput,
) -> Result<Account, AppError> {
    let mut tx = db.begin().await?;
    let id = invite_in(&mut tx, actor, base, input).await?;
    tx.commit().await?;
    store::account(db, id).await?.ok_or(AppError::NotFound)
}

/// [`invite`] inside the caller's transaction (a bulk import invites a BLKK's manager with
/// the BLKK it creates); returns the new account's id.
pub async fn invite_in(
    tx: &mut Tx,
    actor: &Actor,
    base: &str,
    input: &InviteInput,
) -> Result<i64, AppError> {
    access::allow(may_invite(actor))?;
    let inv: Invite = input.validate()?;
    if !model::may_manage(actor, inv.role, inv.org_id) {
        // Their own organisation and role only: say which field is out of their reach.
        let field = if model::managed(actor) == Managed::All || inv.role == actor.role {
            "org_id"
        } else {
            "role"
        };
        return Err(AppError::invalid(field, "not_yours"));
    }
    let org_name = check_org(tx, inv.role, inv.org_id).await?;
    let at = now();
    let new = NewUser {
        email: inv.email.clone(),
        name: inv.name.clone(),
        role: inv.role,
        org_id: inv.org_id,
        org_admin: inv.org_admin,
        password_hash: String::new(),
    };
    let id = store::insert(tx, &new, at).await?;
    let values = json!({"name": inv.name, "email": inv.email, "role": inv.role,
        "org_id": inv.org_id, "org_admin": inv.org_admin});
    let changes = audit::created(values.as_object().expect("an object"));
    audit_account(tx, Some(actor.user_id), id, "invite", &changes).await?;
    send_invitation(tx, base, id, &inv.email, &inv.name, org_name.as_deref()).await?;
    Ok(id)
}

/// Invites a trainee whom their BLKK accepted (role peserta, no organisation), inside the
/// caller's transaction; the caller has checked that the actor manages the batch. Returns
/// the account's id, or `None` when the address already has an account.
pub async fn invite_trainee_in(
    tx: &mut Tx,
    actor: &Actor,
    base: &str,
    email: &str,
    name: &str,
) -> Result<Option<i64>, AppError> {
    let email = check::required_email(email).map_err(|p| AppError::invalid("email", p))?;
    if store::by_email_in(tx, &email).await?.is_some() {
        return Ok(None);
    }
    let new = NewUser {
        email: email.clone(),
        name: name.to_owned(),
        role: Role::Peserta,
        org_id: None,
        org_admin: false,
        password_hash: String::new(),
    };
    let id = store::insert(tx, &new, now()).await?;
    let values = json!({"name": name, "email": email, "role": Role::Peserta});
    let changes = audit::created(values.as_object().expect("an object"));
    audit_account(tx, Some(actor.user_id), id, "invite", &changes).await?;
    send_invitation(tx, base, id, &email, name, None).await?;
    Ok(Some(id))
}

/// The personal values an account holds (its name and e-mail), for an erasure to find
/// their copies.
pub async fn own_account_values(tx: &mut Tx, actor: &Actor) -> Result<Vec<String>, AppError> {
    Ok(store::get_in(tx, actor.user_id)
        .await?
        .map(|u| vec![u.name, u.email])
        .unwrap_or_default())
}

/// Deactivates an account, ends its sessions and forgets where it signed in from (a trainee
/// who had their data erased): its name and e-mail are cleared, and the sign-in attempts
/// counted on its address forgotten.
pub async fn close_own_account(tx: &mut Tx, actor: &Actor) -> Result<(), AppError> {
    if let Some(u) = store::get_in(tx, actor.user_id).await? {
        store::forget_attempts_of(tx, &u.email).await?;
    }
    store::deactivate(tx, actor.user_id).await?;
    store::end_sessions(tx, actor.user_id, None).await?;
    store::forget_clients(tx, actor.user_id).await?;
    Ok(())
}

/// Whether an account with this e-mail address exists.
pub async fn email_taken(db: &Db, email: &str) -> Result<bool, AppError> {
    Ok(store::by_email(db, email).await?.is_some())
}

/// Sends a new invitation link to an account that has not set its password yet.
pub async fn reinvite(
    db: &Db,
    actor: &Actor,
    base: &str,
    id: i64,
    version: Option<i64>,
) -> Result<(), AppError> {
    let a = account(db, actor, id).await?;
    access::allow(model::may_manage(actor, a.role, a.org_id))?;
    let version = AppError::based_on(version)?;
    if a.status != model::AccountStatus::Diundang {
        return Err(AppError::invalid("status", "not_invited"));
    }
    let mut tx = db.begin().await?;
    if !store::bump_version(&mut tx, id, version).await? {
        return Err(AppError::Stale);
    }
    send_invitation(&mut tx, base, id, &a.email, &a.name, a.org_name.as_deref()).await?;
    audit_account(
        &mut tx,
        Some(actor.user_id),
        id,
        "reinvite",
        &[Change {
            field: "invitation".into(),
            old: serde_json::Value::Null,
            new: json!("sent"),
        }],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes an account: name, the organisation-admin flag, active or not. Deactivating
/// ends the account's sessions at once, in the same transaction.
pub async fn update(
    db: &Db,
    actor: &Actor,
    id: i64,
    patch: &AccountPatch,
) -> Result<Account, AppError> {
    let a = account(db, actor, id).await?;
    access::allow(model::may_manage(actor, a.role, a.org_id))?;
    let version = AppError::based_on(patch.version)?;
    let mut e = FieldErrors::new();
    let name = match &patch.name {
        Some(n) => e.take("name", check::required(n, 120)),
        None => a.name.clone(),
    };
    let active = patch
        .active
        .unwrap_or(a.status != model::AccountStatus::Nonaktif);
    if !active && id == actor.user_id {
        e.add("active", "not_self");
    }
    let org_admin = patch.org_admin.unwrap_or(a.org_admin);
    if org_admin && !model::may_be_org_admin(a.role) {
        e.add("org_admin", "org_admin_role");
    }
    if org_admin != a.org_admin && id == actor.user_id {
        e.add("org_admin", "not_self");
    }
    e.finish(())?;
    if version != a.version {
        return Err(AppError::Stale);
    }
    let was_active = a.status != model::AccountStatus::Nonaktif;
    let old = json!({"name": a.name, "active": was_active, "org_admin": a.org_admin});
    let new = json!({"name": name, "active": active, "org_admin": org_admin});
    let changes = audit::diff(
        old.as_object().expect("an object"),
        new.as_object().expect("an object"),
    );
    if changes.is_empty() {
        return Ok(a);
    }
    let mut tx = db.begin().await?;
    if !store::set_fields(&mut tx, id, version, &name, active, org_admin).await? {
        return Err(AppError::Stale);
    }
    if !active {
        store::end_sessions(&mut tx, id, None).await?;
        store::void_tokens(&mut tx, id, TokenPurpose::Invite, now()).await?;
        store::void_tokens(&mut tx, id, TokenPurpose::Reset, now()).await?;
    }
    let action = match (was_active, active) {
        (true, false) => "deactivate",
        (false, true) => "activate",
        _ => "update",
    };
    audit_account(&mut tx, Some(actor.user_id), id, action, &changes).await?;
    tx.commit().await?;
    store::account(db, id).await?.ok_or(AppError::NotFound)
}

/// Looks up a one-time token; the problem with it, as a field error on `token`.
async fn valid_token(
    db: &Db,
    token: &str,
    purpose: TokenPurpose,
) -> Result<(String, User), AppError> {
    let hash = token_hash(token);
    let t = store::token(db, &hash, purpose)
        .await?
        .ok_or_else(|| AppError::invalid("token", "token_invalid"))?;
    if let Some(p) = model::token_problem(t.used_at, t.expires_at, now()) {
        return Err(AppError::invalid("token", p));
    }
    let user = store::get(db, t.user_id)
        .await?
        .filter(|u| u.active)
        .ok_or_else(|| AppError::invalid("token", "token_invalid"))?;
    Ok((hash, user))
}

/// The account an invitation or reset link is for, if the link still works (the page that
/// asks for the new password).
pub async fn token_account(db: &Db, token: &str, purpose: TokenPurpose) -> Result<User, AppError> {
    Ok(valid_token(db, token, purpose).await?.1)
}

/// Sets a new password through a one-time link: the link is used up, every session of the
/// account ends, and outstanding links of the account stop working.
pub async fn redeem(
    db: &Db,
    token: &str,
    purpose: TokenPurpose,
    new_password: &str,
) -> Result<User, AppError> {
    let (hash, user) = valid_token(db, token, purpose).await?;
    model::password_policy(new_password, &user.email)
        .map_err(|p| AppError::invalid("password", p))?;
    let password_hash = password::hash(new_password).await?;
    let at = now();
    let mut tx = db.begin().await?;
    if !store::use_token(&mut tx, &hash, at).await? {
        return Err(AppError::invalid("token", "token_used"));
    }
    store::set_password(&mut tx, user.id, &password_hash).await?;
    store::void_tokens(&mut tx, user.id, TokenPurpose::Reset, at).await?;
    store::end_sessions(&mut tx, user.id, None).await?;
    let action = match purpose {
        TokenPurpose::Invite => {
            tell_inviter(&mut tx, &user).await?;
            "accept_invitation"
        }
        TokenPurpose::Reset => "reset_password",
    };
    audit_account(
        &mut tx,
        Some(user.id),
        user.id,
        action,
        &[Change {
            field: "password".into(),
            old: serde_json::Value::Null,
            new: json!("set"),
        }],
    )
    .await?;
    tx.commit().await?;
    Ok(user)
}

/// Tells whoever invited `user` (the last to send them an invitation, from the trail) that
/// the invitation was accepted. Not for a trainee: their account follows an accepted
/// application, and their name is personal data kept with their BLKK.
async fn tell_inviter(tx: &mut Tx, user: &User) -> Result<(), AppError> {
    if user.role == Role::Peserta {
        return Ok(());
    }
    let Some(inviter) = audit::last_actor(tx, ENTITY, user.id, &["invite", "reinvite"]).await?
    else {
        return Ok(());
    };
    let role = Lang::Id.t(&format!("role.{}", user.role.as_str()));
    let org = user
        .org_name
        .as_deref()
        .map(|o| format!(", {o}"))
        .unwrap_or_default();
    notifications::tell_user(
        tx,
        inviter,
        &Notice {
            kind: Kind::InvitationAccepted,
            entity: ENTITY,
            entity_id: user.id,
            link: &format!("/users/{}", user.id),
            reference: "",
            text: &format!(
                "{} ({}) menerima undangan sebagai {role}{org} dan sudah dapat masuk",
                user.name, user.email
            ),
        },
    )
    .await?;
    Ok(())
}

/// Asks for a password-reset link. The answer is the same whether the address has an
/// account or not; requests are limited per address and per client.
pub async fn request_reset(
    db: &Db,
    base: &str,
    email: &str,
    client: Option<IpAddr>,
) -> Result<(), AppError> {
    let email = check::required_email(email).map_err(|p| AppError::invalid("email", p))?;
    let at = now();
    let mut tx = db.begin().await?;
    let by_account = store::count_attempt(&mut tx, &format!("reset:{email}"), at, WINDOW).await?;
    let by_client = match client {
        Some(ip) => {
            store::count_attempt(&mut tx, &format!("reset-client:{ip}"), at, WINDOW).await?
        }
        None => 0,
    };
    tx.commit().await?;
    if by_account > MAX_RESETS_PER_ACCOUNT || by_client > MAX_RESETS_PER_CLIENT {
        return Err(AppError::TooManyAttempts);
    }
    let Some(user) = store::by_email(db, &email).await?.filter(|u| u.active) else {
        return Ok(());
    };
    let (token, hash) = new_token();
    let link = format!("{base}/password/reset?token={token}");
    let minutes = RESET_VALID.whole_minutes().to_string();
    let lang = Lang::Id;
    let message = Mail {
        to: user.email.clone(),
        subject: lang.t("mail.reset_subject").into_owned(),
        body: lang.tf(
            "mail.reset_body",
            &[("name", &user.name), ("link", &link), ("minutes", &minutes)],
        ),
        secret: true,
    };
    let mut tx = db.begin().await?;
    store::insert_token(
        &mut tx,
        &hash,
        user.id,
        TokenPurpose::Reset,
        at,
        at + RESET_VALID,
    )
    .await?;
    mail::queue(&mut tx, &message).await?;
    tx.commit().await?;
    Ok(())
}

/// Changes the signed-in user's password: the current one is needed (attempts at it are
/// counted like sign-ins, [`MAX_ATTEMPTS_PER_ACCOUNT`] per window); every other session of
/// the account ends.
pub async fn change_password(
    db: &Db,
    actor: &Actor,
    session_id: Option<&str>,
    current: &str,
    new: &str,
) -> Result<(), AppError> {
    let user = me(db, actor).await?;
    // Its own counter: failures to sign in to the account from elsewhere do not stop the
    // signed-in owner from changing the password.
    let key = format!("password:{}", user.id);
    let at = now();
    let mut tx = db.begin().await?;
    let n = store::count_attempt(&mut tx, &key, at, WINDOW).await?;
    tx.commit().await?;
    if n > MAX_ATTEMPTS_PER_ACCOUNT {
        return Err(AppError::TooManyAttempts);
    }
    let mut e = FieldErrors::new();
    if !password::verify(Some(user.password_hash.clone()), current).await? {
        e.add("current", "wrong_password");
    }
    if let Err(p) = model::password_policy(new, &user.email) {
        e.add("new", p);
    } else if new == current {
        e.add("new", "same_password");
    }
    e.finish(())?;
    store::clear_attempts(db, &key).await?;
    let hash = password::hash(new).await?;
    let mut tx = db.begin().await?;
    store::set_password(&mut tx, user.id, &hash).await?;
    store::end_sessions(&mut tx, user.id, session_id).await?;
    store::void_tokens(&mut tx, user.id, TokenPurpose::Reset, now()).await?;
    audit_account(
        &mut tx,
        Some(user.id),
        user.id,
        "change_password",
        &[Change {
            field: "password".into(),
            old: serde_json::Value::Null,
            new: json!("set"),
        }],
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Invited accounts still waiting to set a password, and how many (the admin home).
pub async fn pending(db: &Db, actor: &Actor) -> Result<(Vec<Account>, i64), AppError> {
    access::admin(actor)?;
    Ok((
        store::pending(db, 10).await?,
        store::pending_count(db).await?,
    ))
}

/// Fills the name keys of accounts created before names were indexed.
pub async fn fill_name_keys(db: &Db) -> Result<u64, AppError> {
    Ok(store::fill_name_keys(db).await?)
}

// ---- The record kind -----------------------------------------------------------------

/// Accounts as records others refer to: named, linked to their page, read by themselves
/// and whoever manages them.
pub fn kinds() -> Vec<crate::kernel::records::Kind> {
    vec![crate::record_kind!(ENTITY, resolve, readable)]
}

async fn resolve(db: &Db, ids: &[i64]) -> Result<Vec<crate::kernel::records::RecordRef>, AppError> {
    Ok(store::names(db, ids)
        .await?
        .into_iter()
        .map(|(id, name)| crate::kernel::records::RecordRef {
            entity: ENTITY.to_owned(),
            id,
            name: if name.is_empty() {
                format!("Akun {id}")
            } else {
                name
            },
            href: format!("/users/{id}"),
        })
        .collect())
}

async fn readable(db: &Db, actor: &Actor, ids: &[i64]) -> Result<Vec<i64>, AppError> {
    let mut out = Vec::new();
    for id in ids {
        if account(db, actor, *id).await.is_ok() {
            out.push(*id);
        }
    }
    Ok(out)
}

// ---- The work queue ------------------------------------------------------------------

/// The ministry's account work: invitations not yet accepted.
pub async fn work(db: &Db, actor: &Actor) -> Result<Vec<crate::kernel::work::WorkItem>, AppError> {
    if !actor.is_admin() {
        return Ok(Vec::new());
    }
    Ok(vec![crate::kernel::work::WorkItem::new(
        "invitations_waiting",
        store::pending_count(db).await?,
        "/users?status=diundang",
    )])
}

/// The account with this e-mail address, if any, for another feature that has checked
/// access itself (an import matching its managers).
pub async fn find_by_email(db: &Db, email: &str) -> Result<Option<User>, AppError> {
    Ok(store::by_email(db, email).await?)
}
