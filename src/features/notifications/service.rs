//! Notification use cases: a user reads their own list and marks it read; features tell
//! the users of an organisation (and e-mail them through the queue) in their transactions.

use super::store;
pub use super::store::Notification;
use crate::features::mail::{self, model::Mail};
use crate::kernel::access::Actor;
use crate::kernel::db::{Db, StoreError, Tx};
use crate::kernel::error::AppError;
use crate::kernel::time::now;
use crate::kernel::web::paging::{Paged, Window};

pub const PAGE_SIZE: i64 = 50;

/// One notice to send: its kind, what it is about, its text and e-mail.
pub struct Notice<'a> {
    pub kind: &'a str,
    pub report_id: Option<i64>,
    /// The page it is about (`/reports/12`, `/partnerships/5`).
    pub link: &'a str,
    /// Sent once per user, kind and reference (empty: every time).
    pub reference: &'a str,
    pub text: &'a str,
    pub subject: &'a str,
    pub body: &'a str,
}

/// Tells the active users of `org` with one of `roles`, in the caller's transaction: a
/// notification each and an e-mail (sent by the mail worker after commit). Answers how
/// many were told (those told before about the same reference are skipped).
pub async fn tell(
    tx: &mut Tx,
    org: i64,
    roles: &[&str],
    n: &Notice<'_>,
) -> Result<usize, StoreError> {
    let mut told = 0;
    for (user, email) in store::recipients(tx, org, roles).await? {
        if store::notify(tx, user, n, now()).await? {
            told += 1;
            mail::service::queue(
                tx,
                &Mail {
                    to: email,
                    subject: n.subject.to_owned(),
                    body: n.body.to_owned(),
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
