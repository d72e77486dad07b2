//! Notification use cases: features tell the users an event concerns, in the event's
//! transaction (each user's preference decides whether an e-mail goes at once, in the daily
//! digest, or not at all); a user reads their list, marks it read, and chooses how each kind
//! reaches them; a background job sends the daily digests.

use std::collections::BTreeMap;

use super::model::{self, DigestItem};
pub use super::model::{Delivery, Kind, KindInfo, Preferences, PreferencesInput};
pub use super::store::Notification;
use super::store::{self, To};
use crate::features::mail::{self, model::Mail};
use crate::kernel::access::Actor;
use crate::kernel::audit;
use crate::kernel::db::{Db, StoreError, Tx};
use crate::kernel::error::AppError;
use crate::kernel::time::{now, today};
use crate::kernel::web::paging::{Paged, Window};

pub const PAGE_SIZE: i64 = 50;

/// Users whose digests one transaction sends.
pub const DIGEST_BATCH: i64 = 200;

/// One notice to send: its kind, the record it is about, the page where the work is done
/// and its text (the e-mail is made from the kind's label, the text and the link).
pub struct Notice<'a> {
    pub kind: Kind,
    /// The record it is about: its audit-trail entity name (`report`, `partnership`,
    /// `visit_action`, `application`, `user`) and id.
    pub entity: &'a str,
    pub entity_id: i64,
    /// The page it is about (`/reports/12`, `/partnerships/5`).
    pub link: &'a str,
    /// Sent once per user, record, kind and reference (empty: every time).
    pub reference: &'a str,
    pub text: &'a str,
}

/// Tells the active users of `org` with one of `roles`, in the caller's transaction: a
/// notification each and, as each prefers, an e-mail (sent by the mail worker after commit)
/// or a line in their next digest. Answers how many were told (those told before about the
/// same reference are skipped).
pub async fn tell(
    tx: &mut Tx,
    org: i64,
    roles: &[&str],
    n: &Notice<'_>,
) -> Result<usize, StoreError> {
    deliver(tx, &To::Org(org, roles), n).await
}

/// [`tell`] one user (if active).
pub async fn tell_user(tx: &mut Tx, user_id: i64, n: &Notice<'_>) -> Result<usize, StoreError> {
    deliver(tx, &To::User(user_id), n).await
}

async fn deliver(tx: &mut Tx, to: &To<'_>, n: &Notice<'_>) -> Result<usize, StoreError> {
    let mut told = 0;
    for r in store::recipients(tx, to, n.kind).await? {
        if !store::notify(tx, r.id, n, r.delivery, now()).await? {
            continue;
        }
        told += 1;
        if r.delivery == Delivery::Email {
            let (subject, body) = model::notice_mail(&r.label_id, n.text, n.link);
            mail::service::queue(
                tx,
                &Mail {
                    to: r.email,
                    subject,
                    body,
                    secret: false,
                },
            )
            .await?;
        }
    }
    Ok(told)
}

/// The actor's notifications, newest first, and how many are unread.
pub async fn list(
    db: &Db,
    actor: &Actor,
    page: i64,
) -> Result<(Paged<Notification>, i64), AppError> {
    let w = Window::new(page, PAGE_SIZE);
    let (items, total) = store::notifications(db, actor.user_id, w.size, w.offset()).await?;
    let unread = store::unread(db, actor.user_id).await?;
    Ok((Paged::new(items, total, w), unread))
}

/// How many of a user's notifications are unread (for the header).
pub async fn unread(db: &Db, user_id: i64) -> Result<i64, AppError> {
    Ok(store::unread(db, user_id).await?)
}

pub async fn mark_read(db: &Db, actor: &Actor) -> Result<u64, AppError> {
    Ok(store::mark_read(db, actor.user_id, now()).await?)
}

// ---- Preferences ---------------------------------------------------------------------

/// The kinds that concern the actor's role.
async fn kinds_for(db: &Db, actor: &Actor) -> Result<Vec<KindInfo>, AppError> {
    Ok(store::kinds(db)
        .await?
        .into_iter()
        .filter(|k| k.concerns(actor.role))
        .collect())
}

/// The actor's own preferences: every kind that concerns them, with their choice or its
/// default.
pub async fn preferences(db: &Db, actor: &Actor) -> Result<Preferences, AppError> {
    let kinds = kinds_for(db, actor).await?;
    let (chosen, version) = store::preferences(db, actor.user_id).await?;
    let preferences = kinds
        .iter()
        .map(|k| {
            let d = chosen.get(&k.code).copied().unwrap_or(k.delivery);
            (k.code.clone(), d)
        })
        .collect();
    Ok(Preferences {
        version,
        preferences,
        kinds,
    })
}

/// Sets the actor's own preferences, read at `input.version`: each kind named as given, the
/// others back to their default, with the change in the account's history (a change that
/// changes nothing writes nothing). A kind that does not exist (or does not concern the
/// actor) is refused beside `preferences.<kind>`.
pub async fn set_preferences(
    db: &Db,
    actor: &Actor,
    input: &PreferencesInput,
) -> Result<Preferences, AppError> {
    let version = AppError::based_on(input.version)?;
    let current = preferences(db, actor).await?;
    let chosen: BTreeMap<String, Delivery> = input.validate(&current.kinds)?;
    if version != current.version {
        return Err(AppError::Stale);
    }
    let changes = audit::diff(
        &audit::snapshot(&current.preferences),
        &audit::snapshot(&with_defaults(&current.kinds, &chosen)),
    );
    if changes.is_empty() {
        return Ok(current);
    }
    let mut tx = db.begin().await?;
    if !store::save_preferences(&mut tx, actor.user_id, version, &chosen).await? {
        return Err(AppError::Stale);
    }
    audit::record_now(
        &mut tx,
        Some(actor.user_id),
        crate::features::accounts::model::ENTITY,
        actor.user_id,
        "notification_preferences",
        &changes,
    )
    .await?;
    tx.commit().await?;
    preferences(db, actor).await
}

fn with_defaults(
    kinds: &[KindInfo],
    chosen: &BTreeMap<String, Delivery>,
) -> BTreeMap<String, Delivery> {
    kinds
        .iter()
        .map(|k| {
            let d = chosen.get(&k.code).copied().unwrap_or(k.delivery);
            (k.code.clone(), d)
        })
        .collect()
}

// ---- The daily digest ----------------------------------------------------------------

/// Sends today's digests: one e-mail per user listing their notifications of the kinds they
/// get in a digest, since their last one. Once per user per day (WIB) however often it runs
/// or however long the server was down; [`DIGEST_BATCH`] users per transaction, each batch
/// read in a few queries whatever its number of notifications. Answers how many were sent.
pub async fn digest(db: &Db) -> Result<usize, AppError> {
    let day = today();
    let kinds: BTreeMap<String, String> = store::kinds(db)
        .await?
        .into_iter()
        .map(|k| (k.code, k.label_id))
        .collect();
    let mut sent = 0;
    let mut after = 0;
    loop {
        let due = store::digest_due(db, day, after, DIGEST_BATCH).await?;
        let Some(&last) = due.last() else {
            return Ok(sent);
        };
        after = last;
        let mut tx = db.begin().await?;
        let claimed = store::claim_digest(&mut tx, &due, day).await?;
        if claimed.is_empty() {
            continue;
        }
        let mut items: BTreeMap<i64, Vec<(i64, DigestItem)>> = BTreeMap::new();
        for d in store::take_digest(&mut tx, &claimed, now()).await? {
            items.entry(d.user_id).or_default().push((
                d.id,
                DigestItem {
                    label: kinds.get(&d.kind).cloned().unwrap_or(d.kind),
                    text: d.text,
                    link: d.link,
                    created_at: d.created_at,
                },
            ));
        }
        for (user, to) in store::active_addresses(&mut tx, &claimed).await? {
            let Some(mut list) = items.remove(&user) else {
                continue;
            };
            list.sort_by_key(|(id, _)| *id);
            let list: Vec<DigestItem> = list.into_iter().map(|(_, i)| i).collect();
            let (subject, body) = model::digest_mail(&list);
            mail::service::queue(
                &mut tx,
                &Mail {
                    to,
                    subject,
                    body,
                    secret: false,
                },
            )
            .await?;
            sent += 1;
        }
        tx.commit().await?;
    }
}
